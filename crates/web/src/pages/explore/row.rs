//! One row on a page of its own: `…/resource/{rid}/row/{n}`, the `n`th row of the view its
//! query names (filters, search, sort, sheet; the whole table in its order without
//! them). Long texts are shown whole, every column with its label, unit and description,
//! and the address links to one record.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use ceiba_query::RowsRequest;
use minijinja::context;
use serde::Serialize;

use super::{view_url, CellView, Cells, PAGE_ROWS};
use crate::context::PageCtx;
use crate::http::query_pairs;
use crate::pages::chart::{located, table_of};
use crate::pages::render;
use crate::{format, PageError, SharedState};

#[derive(Serialize)]
struct FieldView {
    label: String,
    description: String,
    value: CellView,
}

pub async fn page(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid, n)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    // The view's parameters as the explorer keeps them (bounded), without its page.
    let pairs: Vec<(String, String)> = super::view_pairs(&query_pairs(query.as_deref()))
        .0
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "offset" | "cursor" | "limit"))
        .collect();
    let lang = ctx.lang;
    let page = async {
        let not_found = || PageError::not_found("notfound-row", n.clone());
        // Row numbers count from 1; anything else is no row.
        let number: u64 = n
            .parse()
            .ok()
            .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
            .ok_or_else(not_found)?;
        let l = located(&state, &ctx.visitor.viewer(), &name, &rid).await?;
        let table = table_of(&l, &pairs);
        let spec = ceiba_query::TableSpec::from(table);
        let mut req = RowsRequest::from_query(&pairs, &spec, state.engine.limits())
            .map_err(|_| not_found())?;
        req.offset = number - 1;
        req.limit = 1;
        req.cursor = None;
        let res = state
            .engine
            .rows(&spec, &req)
            .await
            .map_err(|_| not_found())?;
        let row = res.rows.first().ok_or_else(not_found)?;
        let cells = Cells::of(table, lang);
        let fields: Vec<FieldView> = row
            .iter()
            .zip(&res.columns)
            .map(|(v, c)| {
                let column = table.columns.iter().find(|col| col.name == c.name);
                FieldView {
                    label: super::heading_of(table, &c.name),
                    description: column.map_or_else(String::new, |c| c.description.clone()),
                    value: cells.cell(&c.name, c.column_type, v, None),
                }
            })
            .collect();
        let resource_url = format!(
            "{}/dataset/{}/resource/{}",
            ctx.base(),
            l.dataset.name,
            l.resource.id
        );
        let row_url = |k: u64| view_url(&format!("{resource_url}/row/{k}"), &pairs, &[], &[]);
        // Back to the explorer's page that holds this row.
        let page_offset = (number - 1) / PAGE_ROWS * PAGE_ROWS;
        let back = format!(
            "{}#results",
            view_url(
                &resource_url,
                &pairs,
                &[("offset", page_offset.to_string())],
                &[]
            )
        );
        let filtered = pairs
            .iter()
            .any(|(k, v)| (k.starts_with("f.") || k == "q") && !v.is_empty());
        Ok::<_, PageError>(context! {
            dataset_name => l.dataset.name,
            dataset_title => l.dataset.title.get(lang),
            resource_name => l.resource.name,
            resource_url => resource_url,
            number => format::integer(lang, number as i64),
            total => format::integer(lang, res.total as i64),
            filtered => filtered,
            fields => fields,
            previous_url => (number > 1).then(|| row_url(number - 1)),
            next_url => (number < res.total).then(|| row_url(number + 1)),
            back_url => back,
            api_url => view_url(
                &format!("/api/v1/resources/{}/rows", l.resource.id),
                &pairs,
                &[("offset", (number - 1).to_string()), ("limit", "1".to_owned())],
                &[]
            ),
        })
    }
    .await;
    render(&state, &ctx, "row.html", page)
}
