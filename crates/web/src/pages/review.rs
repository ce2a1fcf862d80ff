//! The ingest review, right after an upload: the job's progress (the page refreshes
//! itself until it ends, no script needed), then the report, the first rows and every
//! column with its inferred type, label, description and unit, which the publisher can
//! change there. A changed type or header row rebuilds the table from the stored original
//! (`Portal::review_table`, as `ceiba rebuild` and `ceiba column` do).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::{ColumnType, JobState, VersionStatus};
use ceiba_ingest::FileReport;
use ceiba_portal::{ColumnEdit, TableReview};
use minijinja::context;
use minijinja::value::Value;

use super::dataset_form::{FieldError, StaffForm};
use super::render;
use crate::context::PageCtx;
use crate::{PageError, SharedState};

/// The explorer's page of a warning's row: the data row is the file's row less the rows
/// up to the header.
fn row_link(page_url: &str, table: usize, header_row: Option<u64>, row: u64) -> Option<String> {
    let data_row = row.checked_sub(header_row.unwrap_or(1))?;
    let offset = data_row.checked_sub(1)?;
    let table = if table > 0 {
        format!("table={table}&")
    } else {
        String::new()
    };
    Some(format!("{page_url}?{table}offset={offset}#explore"))
}

/// `GET /dataset/{name}/resource/{id}/review`.
pub async fn page(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
) -> Response {
    if let Some(to) = super::dataset_form::sign_in_first(&ctx) {
        return to;
    }
    let built = build(&state, &ctx, &name, &rid, None).await;
    render(&state, &ctx, "review.html", built)
}

async fn build(
    state: &SharedState,
    ctx: &PageCtx,
    name: &str,
    rid: &str,
    error: Option<FieldError>,
) -> Result<Value, PageError> {
    let lang = ctx.lang;
    let (r, d) = state
        .portal
        .editable_resource(&ctx.visitor.actor(), Some(name), rid)
        .await
        .map_err(|e| PageError::from_portal(e, lang, rid, ctx.base()))?;
    let page_url = format!("{}/dataset/{}/resource/{}", ctx.base(), d.name, r.id);
    let versions = state.catalog.versions_of(r.id).await?;
    let newest = versions.first();
    let job = match newest {
        Some(v) => state.catalog.job_of_version(v.id).await?,
        None => None,
    };
    let pending = newest.is_some_and(|v| v.status == VersionStatus::Pending);
    let progress = job.as_ref().filter(|_| pending).map(|job| {
        let size = newest.map_or(0, |v| v.size);
        context! {
            running => job.state == JobState::Running,
            rows => crate::format::integer(lang, job.rows_read),
            percent => (job.bytes_read * 100).checked_div(size).unwrap_or(0).min(100),
        }
    });
    let report: Option<FileReport> = newest
        .and_then(|v| v.report.clone())
        .and_then(|r| serde_json::from_value(r).ok());
    let failed = newest.is_some_and(|v| v.status == VersionStatus::Failed);
    let errors: Vec<String> = report
        .as_ref()
        .map(|rep| rep.all_errors().map(|i| i.message(lang)).collect())
        .unwrap_or_default();
    // The version in service is the newest that ingested: read from the versions, which
    // were read after the resource (a job that ended in between leaves the resource's
    // record a step behind, and the page would say the file is no table).
    let in_service = versions
        .iter()
        .find(|v| v.status == VersionStatus::Ready)
        .map(|v| v.id)
        .or(r.current_version_id);
    let tables = match in_service {
        Some(v) if !pending => state.catalog.tables_of(v).await?,
        _ => Vec::new(),
    };
    // The date formats the publisher gave, as the table in service was built with them.
    let built_with: ceiba_ingest::IngestOptions = in_service
        .and_then(|id| versions.iter().find(|v| v.id == id))
        .and_then(|v| serde_json::from_value(v.options.clone()).ok())
        .unwrap_or_default();
    let type_choices: Vec<Value> = ColumnType::ALL
        .iter()
        .map(|t| context! { name => t.as_str(), label => t.label(lang) })
        .collect();
    let table_views: Vec<Value> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let found = report
                .as_ref()
                .and_then(|rep| rep.tables.iter().find(|rt| rt.name == t.name));
            let header_row = found.and_then(|rt| rt.header_row);
            let warnings: Vec<Value> = report
                .as_ref()
                .map(|rep| {
                    rep.warnings
                        .iter()
                        .chain(found.into_iter().flat_map(|rt| &rt.warnings))
                        .map(|w| {
                            context! {
                                message => w.message(lang),
                                url => w.row.and_then(|row| row_link(&page_url, i, header_row, row)),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sample: Vec<Vec<String>> = found
                .map(|rt| {
                    rt.sample
                        .iter()
                        .take(10)
                        .map(|row| {
                            row.iter()
                                .map(|v| match v {
                                    serde_json::Value::Null => String::new(),
                                    serde_json::Value::String(s) => s.clone(),
                                    v => v.to_string(),
                                })
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            context! {
                index => i,
                name => &t.name,
                rows => crate::format::integer(lang, t.rows),
                header_row => header_row,
                has_subtotals => found.is_some_and(|rt| rt.warnings.iter().any(|w| {
                    matches!(w.kind, ceiba_ingest::IssueKind::SubtotalRows { .. })
                })),
                warnings => warnings,
                sample => sample,
                columns => t.columns.iter().map(|c| context! {
                    name => &c.name,
                    label => &c.label,
                    type_name => c.column_type.as_str(),
                    type_label => c.column_type.label(lang),
                    overridden => c.type_overridden,
                    description => &c.description,
                    unit => &c.unit,
                    date_format => built_with
                        .date_formats
                        .get(&t.name)
                        .and_then(|m| m.get(&c.name))
                        .cloned()
                        .unwrap_or_default(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    Ok(context! {
        dataset => context! { name => &d.name, title => d.title.get(lang) },
        resource => context! { id => r.id.to_string(), name => &r.name, page_url => &page_url },
        version => newest.map(|v| v.number),
        pending,
        failed,
        progress,
        errors,
        not_table => !pending && !failed && table_views.is_empty(),
        format => newest.map(|v| v.format.clone()).filter(|f| !f.is_empty()),
        tables => table_views,
        types => type_choices,
        subtotals_out => built_with.subtotals_out,
        action => format!("{page_url}/review"),
        error_field => error.as_ref().map(|e| e.field.clone()),
        error_message => error.as_ref().map(|e| e.message.clone()),
    })
}

/// `POST /dataset/{name}/resource/{id}/review`: saves the columns' labels, descriptions
/// and units; a changed type or header row rebuilds the table.
pub async fn save(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
    StaffForm(form): StaffForm,
) -> Response {
    let table = form.get("table").trim().parse::<usize>().unwrap_or(0);
    let header_row = form.get("header_row").trim().parse::<u64>().ok();
    let mut columns = Vec::new();
    // As many columns as the form holds, and no more than ingestion keeps.
    let most = state.portal.ingestor().limits().max_columns;
    for i in 0..most {
        let key = |f: &str| format!("c{i}.{f}");
        let column = form.get(&key("name"));
        if column.is_empty() {
            break;
        }
        let text = |f: &str| Some(form.get(&key(f)).to_owned());
        columns.push(ColumnEdit {
            name: column.to_owned(),
            label: text("label"),
            description: text("description"),
            unit: text("unit"),
            column_type: ColumnType::parse(form.get(&key("type"))),
            date_format: text("date_format"),
        });
    }
    // The form says it holds the choice, so that an unticked box means "keep".
    let subtotals_out =
        (!form.get("subtotals_shown").is_empty()).then(|| !form.get("subtotals_out").is_empty());
    let review = TableReview {
        table,
        columns,
        header_row,
        subtotals_out,
    };
    let done = state
        .portal
        .review_table(&ctx.visitor.actor(), Some(&name), &rid, review)
        .await;
    match done {
        Ok(_) => {
            let to = format!("{}/dataset/{name}/resource/{rid}/review", ctx.base());
            Redirect::to(&to).into_response()
        }
        Err(e) => match FieldError::from_portal(&e, ctx.lang) {
            Some(fe) => {
                let built = build(&state, &ctx, &name, &rid, Some(fe)).await;
                let mut response = render(&state, &ctx, "review.html", built);
                *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                response
            }
            None => PageError::from_portal(e, ctx.lang, &rid, ctx.base()).render(&state, &ctx),
        },
    }
}
