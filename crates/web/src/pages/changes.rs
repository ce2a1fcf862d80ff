//! What changed in the data with a new version of a resource:
//! `/dataset/{name}/resource/{id}/changes/{number}` compares version `number` with the
//! version in service before it (`Engine::diff`, table by table): columns added, removed
//! or retyped, and rows added, removed and changed, viewable and downloadable as CSV
//! (`?download=added|removed|changed`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ceiba_core::VersionStatus;
use ceiba_query::{TableDiff, TableSpec};
use minijinja::context;
use minijinja::value::Value;

use super::{param, render, Params};
use crate::context::PageCtx;
use crate::{PageError, SharedState};

/// Rows of each kind shown on the page.
const SHOWN: usize = 50;

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// The diffs of version `number` against the version in service before it, per table.
async fn diffs(
    state: &SharedState,
    ctx: &PageCtx,
    name: &str,
    rid: &str,
    number: i64,
    rows: usize,
) -> Result<
    (
        ceiba_core::Dataset,
        ceiba_core::Resource,
        Option<i64>,
        Vec<(String, TableDiff)>,
    ),
    PageError,
> {
    let (r, d) = state
        .portal
        .visible_resource(&ctx.visitor.viewer(), rid)
        .await
        .map_err(|e| PageError::from_portal(e, ctx.lang, rid, ctx.base()))?;
    if d.name != name && d.id.to_string() != name {
        return Err(PageError::not_found("notfound-resource", rid.to_owned()));
    }
    let versions = state.catalog.versions_of(r.id).await?;
    let newer = versions
        .iter()
        .find(|v| v.number == number && v.status == VersionStatus::Ready)
        .ok_or_else(|| PageError::not_found("notfound-resource", format!("{rid} v{number}")))?;
    let Some(older) = versions
        .iter()
        .filter(|v| v.number < number && v.status == VersionStatus::Ready)
        .max_by_key(|v| v.number)
    else {
        return Ok((d, r, None, Vec::new()));
    };
    let old_list = state.catalog.tables_of(older.id).await?;
    let new_list = state.catalog.tables_of(newer.id).await?;
    let by_name: HashMap<&str, &ceiba_core::IngestedTable> =
        old_list.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut out = Vec::new();
    for (i, t) in new_list.iter().enumerate() {
        // By name (a workbook's sheets); a CSV's table is named for its file, so a file
        // uploaded under another name is matched by position, when that table is not
        // in the new version under its own name.
        let old = by_name.get(t.name.as_str()).copied().or_else(|| {
            old_list
                .get(i)
                .filter(|o| !new_list.iter().any(|n| n.name == o.name))
        });
        let Some(old) = old.map(TableSpec::from) else {
            continue;
        };
        let diff = state
            .engine
            .diff(&old, &TableSpec::from(t), rows)
            .await
            .map_err(|e| PageError::Invalid {
                message: e.message(ctx.lang),
                back: format!("{}/dataset/{}", ctx.base(), d.name),
            })?;
        out.push((t.name.clone(), diff));
    }
    Ok((d, r, Some(older.number), out))
}

/// `GET /dataset/{name}/resource/{id}/changes/{number}`.
pub async fn page(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid, number)): Path<(String, String, i64)>,
    params: Params,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    if let Some(kind) = param(&params, "download") {
        return download(&state, &ctx, &name, &rid, number, kind).await;
    }
    let page = async {
        let (d, r, older, tables) = diffs(&state, &ctx, &name, &rid, number, SHOWN).await?;
        let base = format!(
            "{}/dataset/{}/resource/{}/changes/{number}",
            ctx.base(),
            d.name,
            r.id
        );
        let views: Vec<Value> = tables
            .iter()
            .map(|(table, diff)| {
                let rows = |s: &[Vec<serde_json::Value>]| -> Vec<Vec<String>> {
                    s.iter().map(|r| r.iter().map(text).collect()).collect()
                };
                let changed: Vec<Vec<Value>> = diff
                    .changed
                    .sample
                    .iter()
                    .zip(&diff.changed_before)
                    .map(|(after, before)| {
                        after
                            .iter()
                            .zip(before)
                            .map(|(a, b)| context! { after => text(a), before => text(b), differs => a != b })
                            .collect()
                    })
                    .collect();
                context! {
                    name => table,
                    key => &diff.key,
                    columns => &diff.columns,
                    columns_added => &diff.columns_added,
                    columns_removed => &diff.columns_removed,
                    retyped => diff.retyped.iter().map(|(c, a, b)| context! {
                        name => c, before => a.label(ctx.lang), after => b.label(ctx.lang),
                    }).collect::<Vec<_>>(),
                    added => context! { count => diff.added.count, rows => rows(&diff.added.sample) },
                    removed => context! { count => diff.removed.count, rows => rows(&diff.removed.sample) },
                    changed => context! { count => diff.changed.count, rows => changed },
                    download => format!("{base}?table={}&download=", crate::http::percent_encode(table)),
                }
            })
            .collect();
        Ok(context! {
            dataset => context! { name => &d.name, title => d.title.get(ctx.lang) },
            resource => context! { name => &r.name, url => format!("{}/dataset/{}/resource/{}", ctx.base(), d.name, r.id) },
            number,
            older,
            tables => views,
            shown => SHOWN,
        })
    }
    .await;
    render(&state, &ctx, "changes.html", page)
}

/// The rows of one kind as CSV (at most `MAX_DIFF_SAMPLE`): the compared columns, and for
/// changed rows each column's value before too.
async fn download(
    state: &SharedState,
    ctx: &PageCtx,
    name: &str,
    rid: &str,
    number: i64,
    kind: &str,
) -> Response {
    let built = async {
        let (_, r, _, tables) =
            diffs(state, ctx, name, rid, number, ceiba_query::MAX_DIFF_SAMPLE).await?;
        let wanted = crate::http::query_pairs(ctx.query.as_deref())
            .into_iter()
            .find(|(k, _)| k == "table")
            .map(|(_, v)| v);
        let (table, diff) = tables
            .into_iter()
            .find(|(t, _)| wanted.as_deref().is_none_or(|w| w == t))
            .ok_or_else(|| PageError::not_found("notfound-resource", rid.to_owned()))?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| PageError::Internal(format!("csv: {e}"));
        match kind {
            "added" | "removed" => {
                w.write_record(&diff.columns).map_err(csv_err)?;
                let rows = if kind == "added" {
                    &diff.added
                } else {
                    &diff.removed
                };
                for row in &rows.sample {
                    w.write_record(row.iter().map(text)).map_err(csv_err)?;
                }
            }
            "changed" => {
                let mut header = diff.columns.clone();
                header.extend(diff.columns.iter().map(|c| format!("{c} (antes)")));
                w.write_record(&header).map_err(csv_err)?;
                for (after, before) in diff.changed.sample.iter().zip(&diff.changed_before) {
                    w.write_record(after.iter().chain(before).map(text))
                        .map_err(csv_err)?;
                }
            }
            _ => return Err(PageError::Forbidden("forbidden-action")),
        }
        let bytes = w
            .into_inner()
            .map_err(|e| PageError::Internal(format!("csv: {e}")))?;
        let file = format!(
            "{}-v{number}-{kind}.csv",
            crate::api::dump::slug(&format!("{} {table}", r.name))
        );
        Ok::<_, PageError>((bytes, file))
    }
    .await;
    match built {
        Ok((bytes, file)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.render(state, ctx),
    }
}
