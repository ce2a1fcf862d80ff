//! Publishers save the chart they built as a view of the dataset, and feature, unfeature
//! or delete views, from the pages themselves (the CKAN API's `resource_view_*` call the
//! same use cases with a token). Every form here needs a signed-in account, the session's
//! CSRF token and a same-origin post; who may change what is the use cases' to decide.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_portal::{ViewChange, ViewInput};

use crate::context::PageCtx;
use crate::http::query_pairs;
use crate::session::same_origin;
use crate::{PageError, SharedState};

/// The checks every form that changes something passes before it is read further: a
/// signed-in visitor, a post from this site with the session's CSRF token.
pub(crate) fn form_ok(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(), PageError> {
    let token = form.get("_csrf").map(String::as_str).unwrap_or_default();
    if ctx.visitor.account().is_none() {
        return Err(PageError::Forbidden("forbidden-signin"));
    }
    if !same_origin(state, headers) || !ctx.visitor.csrf_ok(token) {
        return Err(PageError::Forbidden("forbidden-csrf"));
    }
    Ok(())
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
        form_ok(&state, &ctx, &headers, &form)?;
        let params = form.get("params").map(String::as_str);
        let back = format!(
            "{}/dataset/{name}/resource/{rid}/chart?{}",
            ctx.base(),
            params.unwrap_or_default()
        );
        let input = ViewInput {
            title: form.get("title").cloned().unwrap_or_default(),
            description: form.get("description").cloned().unwrap_or_default(),
            view_type: None,
            params: query_pairs(params),
            featured: form.get("featured").is_some_and(|v| !v.is_empty()),
        };
        let view = state
            .portal
            .save_view(&ctx.visitor.actor(), Some(&name), &rid, input)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &rid, &back))?;
        Ok::<_, PageError>(format!("{}/dataset/{name}#view-{}", ctx.base(), view.id))
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
        form_ok(&state, &ctx, &headers, &form)?;
        let actor = ctx.visitor.actor();
        let portal = &state.portal;
        let view = match form.get("action").map(String::as_str) {
            Some(action @ ("feature" | "unfeature")) => {
                let change = ViewChange {
                    featured: Some(action == "feature"),
                    ..ViewChange::default()
                };
                portal.change_view(&actor, &id, change).await
            }
            Some("delete") => portal.delete_view(&actor, &id).await,
            _ => return Err(PageError::Forbidden("forbidden-action")),
        }
        .map_err(|e| PageError::from_portal(e, ctx.lang, &id, ctx.base()))?;
        let dataset = state
            .catalog
            .dataset_by_id(view.dataset_id)
            .await?
            .map_or_else(|| view.dataset_id.to_string(), |d| d.name);
        Ok::<_, PageError>(format!("{}/dataset/{dataset}#views", ctx.base()))
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
