//! A Frictionless Data Package per dataset (`/dataset/{name}/datapackage.json`): each
//! ingested table as a tabular resource whose CSV is the full download and whose Table
//! Schema comes from the typed schema; other files and links as plain resources.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use ceiba_core::{ColumnType, Licence};
use serde_json::{json, Value};

use super::datasets::dataset_for;
use crate::context::PageCtx;
use crate::SharedState;

/// Table Schema's name for a column type.
fn field_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Integer => "integer",
        ColumnType::Decimal => "number",
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        ColumnType::Datetime => "datetime",
        ColumnType::Text => "string",
    }
}

/// A Data Package name: lowercase letters, digits, `-`, `_`, `.`.
fn package_name(s: &str) -> String {
    let n = crate::api::dump::slug(s);
    if n.is_empty() {
        "recurso".into()
    } else {
        n
    }
}

pub async fn datapackage(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let built = async {
        let d = dataset_for(&state, &ctx.visitor, &name).await?;
        let site = crate::http::site_url(&state, &headers);
        let url = format!("{site}/dataset/{}", d.name);
        let mut resources = Vec::new();
        let mut used = std::collections::HashSet::new();
        let mut unique = |n: String| {
            let mut candidate = n.clone();
            let mut i = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("{n}-{i}");
                i += 1;
            }
            candidate
        };
        for r in state.catalog.resources_of(d.id).await? {
            let tables = match r.current_version_id {
                Some(v) => state.catalog.tables_of(v).await?,
                None => Vec::new(),
            };
            if tables.is_empty() {
                let path = match (&r.url, r.is_upload()) {
                    (_, true) => format!("{url}/resource/{}/download", r.id),
                    (Some(u), false) => u.clone(),
                    (None, false) => continue,
                };
                resources.push(json!({
                    "name": unique(package_name(&r.name)),
                    "title": r.name,
                    "path": path,
                    "format": r.format.to_lowercase(),
                }));
                continue;
            }
            for (i, t) in tables.iter().enumerate() {
                let path = if i == 0 {
                    format!("{site}/datastore/dump/{}", r.id)
                } else {
                    format!("{site}/datastore/dump/{}?table={i}", r.id)
                };
                let fields: Vec<Value> = t
                    .columns
                    .iter()
                    .map(|c| {
                        let mut f = json!({ "name": c.name, "type": field_type(c.column_type) });
                        if c.label != c.name {
                            f["title"] = json!(c.label);
                        }
                        if !c.description.is_empty() {
                            f["description"] = json!(c.description);
                        }
                        f
                    })
                    .collect();
                let title = if tables.len() > 1 {
                    format!("{} — {}", r.name, t.name)
                } else {
                    r.name.clone()
                };
                resources.push(json!({
                    "profile": "tabular-data-resource",
                    "name": unique(package_name(&title)),
                    "title": title,
                    "path": path,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": { "fields": fields },
                }));
            }
        }
        let mut package = json!({
            "profile": "data-package",
            "name": d.name,
            "id": d.id.to_string(),
            "title": d.title.get(ctx.lang),
            "description": d.description.get(ctx.lang),
            "homepage": url,
            "keywords": d.tags,
            "created": d.created.to_rfc3339(),
            "resources": resources,
        });
        if let Some(l) = Licence::find(&d.licence_id) {
            let mut licence = json!({ "name": l.id, "title": l.title(ctx.lang) });
            if !l.url.is_empty() {
                licence["path"] = json!(l.url);
            }
            package["licenses"] = json!([licence]);
        }
        Ok::<_, crate::PageError>(package)
    }
    .await;
    match built {
        Ok(package) => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            package.to_string(),
        )
            .into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
