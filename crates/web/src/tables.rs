//! Finding the table behind a resource id, for the explorer, the API and downloads.

use ceiba_core::{Dataset, IngestedTable, Resource};
use ceiba_query::TableSpec;

use crate::SharedState;

/// A public resource with the tables of its version in service.
pub struct Located {
    pub dataset: Dataset,
    pub resource: Resource,
    pub tables: Vec<IngestedTable>,
}

impl Located {
    /// Table `index` (a sheet), or the first.
    pub fn table(&self, index: usize) -> Option<&IngestedTable> {
        self.tables.get(index)
    }
}

/// What went wrong finding it.
pub enum Missing {
    /// No such resource, or not public.
    Resource,
    /// The resource has no ingested table (a link, a PDF, still processing, failed).
    Table,
    Store(ceiba_store::StoreError),
}

impl From<ceiba_store::StoreError> for Missing {
    fn from(e: ceiba_store::StoreError) -> Self {
        Missing::Store(e)
    }
}

/// The resource `rid` (an id), if its dataset is public, with its current tables.
pub async fn locate(state: &SharedState, rid: &str) -> Result<Located, Missing> {
    locate_for(state, rid, &ceiba_core::access::Audience::Public).await
}

/// The resource `rid` (an id), if `viewer` may see its dataset, with its current tables.
pub async fn locate_for(
    state: &SharedState,
    rid: &str,
    viewer: &ceiba_core::access::Audience,
) -> Result<Located, Missing> {
    let resource = state
        .catalog
        .resource(rid)
        .await?
        .ok_or(Missing::Resource)?;
    let dataset = state
        .catalog
        .dataset_by_id(resource.dataset_id)
        .await?
        .filter(|d| viewer.may_see(d))
        .ok_or(Missing::Resource)?;
    let tables = match resource.current_version_id {
        Some(v) => state.catalog.tables_of(v).await?,
        None => Vec::new(),
    };
    Ok(Located {
        dataset,
        resource,
        tables,
    })
}

pub fn spec(t: &IngestedTable) -> TableSpec {
    TableSpec {
        parquet_key: t.parquet_key.clone(),
        columns: t.columns.clone(),
        rows: t.rows,
    }
}

/// URL query pairs, percent-decoded, in order (repeated keys kept).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(q) = query else { return Vec::new() };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_decode_and_keep_repeats() {
        let p = query_pairs(Some(
            "f.Monto%20(Q).gte=1000&sort=-a&sort=b&q=pet%C3%A9n+norte&x",
        ));
        assert_eq!(
            p,
            [
                ("f.Monto (Q).gte".to_string(), "1000".to_string()),
                ("sort".into(), "-a".into()),
                ("sort".into(), "b".into()),
                ("q".into(), "petén norte".into()),
                ("x".into(), "".into()),
            ]
        );
        assert_eq!(
            query_pairs(Some("a=%zz%4")),
            [("a".to_string(), "%zz%4".to_string())]
        );
    }
}
