//! CKAN's `/datastore/dump/{resource_id}`: the whole table or exactly the filtered,
//! sorted, column-selected view, as CSV, TSV, JSON, XLSX or Parquet.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ceiba_query::export::ExportOptions;
use ceiba_query::{ckan_request, ExportFormat, Problem, QueryError, RowsRequest};

use super::{api_lang, missing, query_error, requested_table};
use crate::http::query_pairs;
use crate::tables::Missing;
use crate::SharedState;

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn number(pairs: &[(String, String)], key: &str) -> Result<Option<u64>, QueryError> {
    get(pairs, key)
        .map(|v| {
            v.parse::<u64>()
                .map_err(|_| QueryError::bad(key, Problem::Malformed, v.to_owned()))
        })
        .transpose()
}

/// A name for files: lowercase ASCII letters, digits and dashes.
pub fn slug(s: &str) -> String {
    ceiba_core::name_from_title(s)
}

pub async fn dump(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    let lang = api_lang(&pairs, &headers);
    // Downloads follow the explorer: a signed-in member gets their private tables too.
    let viewer = crate::session::visitor(&state, &headers).await.viewer();
    let (located, index) = match requested_table(&state, &viewer, &id, &pairs, lang).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(table) = located.table(index) else {
        return missing(Missing::Table, lang);
    };
    let format = match get(&pairs, "format") {
        None => ExportFormat::Csv,
        Some(f) => match ExportFormat::parse(f) {
            Some(f) => f,
            None => {
                return query_error(
                    &QueryError::bad("format", Problem::UnknownFormat, f.to_owned()),
                    lang,
                )
            }
        },
    };
    let spec = ceiba_query::TableSpec::from(table);
    let req = (|| -> Result<RowsRequest, QueryError> {
        let mut req = ckan_request(
            get(&pairs, "q"),
            get(&pairs, "filters"),
            get(&pairs, "sort"),
            get(&pairs, "fields"),
            number(&pairs, "limit")?,
            number(&pairs, "offset")?,
            &spec,
        )?;
        // The explorer's own filters (`f.<column>.<op>`) narrow the view further.
        let view: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k.starts_with("f."))
            .cloned()
            .collect();
        if !view.is_empty() {
            let extra = RowsRequest::from_query(&view, &spec, state.engine.limits())?;
            req.filters.extend(extra.filters);
        }
        if get(&pairs, "limit").is_none() {
            req.limit = 0;
        }
        Ok(req)
    })();
    let req = match req {
        Ok(r) => r,
        Err(e) => return query_error(&e, lang),
    };
    let (columns, stream) = match state.engine.stream(&spec, &req).await {
        Ok(s) => s,
        Err(e) => return query_error(&e, lang),
    };
    let mut name = located.dataset.name.clone();
    if located.tables.len() > 1 || index > 0 {
        let s = slug(&table.name);
        if !s.is_empty() {
            name = format!("{name}-{s}");
        }
    }
    let filename = format!("{name}.{}", format.extension());
    let bom = matches!(get(&pairs, "bom"), Some("true" | "True" | "1" | "yes"));
    let opts = ExportOptions {
        bom,
        sheet_name: table.name.clone(),
    };
    crate::export::response(stream, columns, format, opts, &filename)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_for_file_names() {
        assert_eq!(
            slug("Desembolsos cooperación (2024)"),
            "desembolsos-cooperacion-2024"
        );
        assert_eq!(slug("Ñandú"), "nandu");
    }
}
