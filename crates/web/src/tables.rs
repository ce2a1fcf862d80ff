//! Finding the table behind a resource id, for the explorer, the API and downloads.

use ceiba_core::{Dataset, IngestedTable, Resource};

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
    let (resource, dataset) =
        state
            .portal
            .visible_resource(viewer, rid)
            .await
            .map_err(|e| match e {
                ceiba_portal::Error::Store(e) => Missing::Store(e),
                _ => Missing::Resource,
            })?;
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
