//! Publishers save the chart they built as a view of the dataset, and feature, unfeature
//! or delete views, from the pages themselves (the CKAN API's `resource_view_*` do the
//! same with a token). Every form here needs a signed-in editor of the dataset's
//! organization, the session's CSRF token and a same-origin post.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::Dataset;
use uuid::Uuid;

use super::chart::{located, table_of};
use crate::charts::spec_from;
use crate::context::PageCtx;
use crate::session::same_origin;
use crate::tables::query_pairs;
use crate::{PageError, SharedState};

/// Longest title and description kept, in characters.
const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;

/// The checks every form here passes; the error page otherwise.
pub(crate) fn allowed(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    dataset: &Dataset,
) -> Result<(), PageError> {
    let token = form.get("_csrf").map(String::as_str).unwrap_or_default();
    if ctx.visitor.account().is_none() {
        return Err(PageError::Forbidden("forbidden-signin"));
    }
    if !same_origin(state, headers) || !ctx.visitor.csrf_ok(token) {
        return Err(PageError::Forbidden("forbidden-csrf"));
    }
    if !ctx.visitor.may_edit(dataset) {
        return Err(PageError::Forbidden("forbidden-edit"));
    }
    Ok(())
}

fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// `POST …/resource/{rid}/views`: saves the builder's chart (its parameters, checked
/// against the table) as a view of the dataset, featured if asked.
pub async fn save(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((name, rid)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let done = async {
        let l = located(&state, &ctx.visitor.viewer(), &name, &rid).await?;
        allowed(&state, &ctx, &headers, &form, &l.dataset)?;
        let pairs = query_pairs(form.get("params").map(String::as_str));
        let table = table_of(&l, &pairs);
        // Kept as the builder would draw it: unknown parameters dropped, values checked.
        let mut kept = spec_from(&pairs, table).to_pairs();
        if let Some((_, t)) = pairs.iter().find(|(k, _)| k == "table") {
            kept.push(("table".into(), t.clone()));
        }
        let title = match clip(
            form.get("title").map(String::as_str).unwrap_or(""),
            MAX_TITLE,
        ) {
            t if t.is_empty() => l.resource.name.clone(),
            t => t,
        };
        let t = ceiba_store::now();
        let view = ceiba_store::SavedView {
            id: Uuid::new_v4(),
            resource_id: l.resource.id,
            dataset_id: l.dataset.id,
            title,
            description: clip(
                form.get("description").map(String::as_str).unwrap_or(""),
                MAX_DESCRIPTION,
            ),
            view_type: "ceiba_chart".into(),
            spec: serde_json::json!({ "params": kept }).to_string(),
            featured: form.get("featured").is_some_and(|v| !v.is_empty()),
            position: state.catalog.views_of_dataset(l.dataset.id).await?.len() as i64,
            created: t,
            modified: t,
        };
        state.catalog.create_view(&view).await?;
        Ok::<_, PageError>(format!(
            "{}/dataset/{}#view-{}",
            ctx.base(),
            l.dataset.name,
            view.id
        ))
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}

/// `POST /view/{id}/manage` with `action` = `feature`, `unfeature` or `delete`.
pub async fn manage(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let done = async {
        let not_found = || PageError::not_found("notfound-view", id.clone());
        let uuid = Uuid::parse_str(&id).map_err(|_| not_found())?;
        let mut view = state.catalog.view(uuid).await?.ok_or_else(not_found)?;
        let dataset = state
            .catalog
            .dataset_by_id(view.dataset_id)
            .await?
            .filter(|d| ctx.visitor.may_see(d))
            .ok_or_else(not_found)?;
        allowed(&state, &ctx, &headers, &form, &dataset)?;
        match form.get("action").map(String::as_str) {
            Some(action @ ("feature" | "unfeature")) => {
                view.featured = action == "feature";
                view.modified = ceiba_store::now();
                state.catalog.update_view(&view).await?;
            }
            Some("delete") => state.catalog.delete_view(view.id).await?,
            _ => return Err(PageError::Forbidden("forbidden-action")),
        }
        Ok::<_, PageError>(format!("{}/dataset/{}#views", ctx.base(), dataset.name))
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
