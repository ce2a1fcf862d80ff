//! Page handlers, one module per part of the site. Each handler is mounted twice, at `/`
//! (Spanish) and `/en` (English); the language arrives as a request extension.

mod about;
mod account;
mod activity;
mod boundaries;
mod changes;
pub(crate) mod chart;
mod datapackage;
mod dataset_form;
pub(crate) mod datasets;
mod download;
pub(crate) mod explore;
mod harvest;
mod home;
mod people;
mod publishers;
mod reset;
mod resource_form;
mod review;
mod saved_views;
pub(crate) mod search;
mod territory;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::value::Value;

use crate::context::PageCtx;
use crate::{PageError, SharedState};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/", get(home::home))
        .route("/dataset", get(search::list))
        .route("/dataset/", get(search::list))
        .route(
            "/dataset/new",
            get(dataset_form::new_form).post(dataset_form::create),
        )
        .route(
            "/dataset/edit/{name}",
            get(dataset_form::edit_form).post(dataset_form::update),
        )
        .route("/dataset/delete/{name}", post(dataset_form::delete))
        .route("/dataset/activity/{name}", get(activity::dataset))
        .route("/organization/activity/{name}", get(activity::organization))
        .route("/user/activity/{name}", get(activity::user))
        .route("/markdown/preview", post(dataset_form::preview))
        .route("/dataset/{name}", get(datasets::show))
        .route(
            "/dataset/{name}/datapackage.json",
            get(datapackage::datapackage),
        )
        .route(
            "/dataset/{name}/resource_reorder",
            post(resource_form::reorder),
        )
        .route(
            "/dataset/{name}/resource/new",
            get(resource_form::new_form).post(resource_form::create),
        )
        .route("/dataset/{name}/resource/{rid}", get(datasets::resource))
        .route(
            "/dataset/{name}/resource/{rid}/edit",
            get(resource_form::edit_form).post(resource_form::update),
        )
        .route(
            "/dataset/{name}/resource/{rid}/delete",
            post(resource_form::delete),
        )
        .route(
            "/dataset/{name}/resource/{rid}/changes/{number}",
            get(changes::page),
        )
        .route(
            "/dataset/{name}/resource/{rid}/review",
            get(review::page).post(review::save),
        )
        .route("/dataset/{name}/resource/{rid}/chart", get(chart::page))
        .route(
            "/dataset/{name}/resource/{rid}/row/{n}",
            get(explore::row::page),
        )
        .route("/dataset/{name}/resource/{rid}/{file}", get(chart::file))
        .route(
            "/dataset/{name}/resource/{rid}/views",
            post(saved_views::save),
        )
        .route(
            "/dataset/{name}/resource/{rid}/boundaries",
            post(boundaries::mark),
        )
        .route(
            "/dataset/{name}/resource/{rid}/download",
            get(download::original),
        )
        .route(
            "/dataset/{name}/resource/{rid}/download/{filename}",
            get(download::original_named),
        )
        .route(
            "/dataset/{name}/resource/{rid}/version/{number}/download/{filename}",
            get(download::version_named),
        )
        .route("/organization", get(publishers::organizations))
        .route("/organization/", get(publishers::organizations))
        .route(
            "/organization/new",
            get(people::new_organization).post(people::create_organization),
        )
        .route(
            "/organization/edit/{name}",
            get(people::edit_organization).post(people::update_organization),
        )
        .route(
            "/organization/members/{name}",
            get(people::members).post(people::change_member),
        )
        .route("/organization/{name}", get(publishers::organization))
        .route("/group", get(publishers::groups))
        .route("/group/", get(publishers::groups))
        .route(
            "/group/new",
            get(people::new_group).post(people::create_group),
        )
        .route(
            "/group/edit/{name}",
            get(people::edit_group).post(people::update_group),
        )
        .route("/group/{name}", get(publishers::group))
        .route("/view/{id}", get(chart::embed))
        .route("/view/{id}/manage", post(saved_views::manage))
        .route("/user/login", get(account::form).post(account::login))
        .route("/user/logout", post(account::logout))
        .route("/user/new", get(people::new_user).post(people::create_user))
        .route("/user/reset", get(reset::request_form).post(reset::request))
        .route(
            "/user/reset/{secret}",
            get(reset::set_form).post(reset::set),
        )
        .route("/user/edit/{name}", get(people::account))
        .route("/user/edit/{name}/password", post(people::password))
        .route("/user/edit/{name}/profile", post(people::profile))
        .route("/user/edit/{name}/tokens", post(people::create_token))
        .route(
            "/user/edit/{name}/tokens/{id}/revoke",
            post(people::revoke_token),
        )
        .route("/user/{name}", get(activity::user))
        .route(
            "/ckan-admin/trash",
            get(people::trash).post(people::trash_action),
        )
        .route("/ckan-admin/harvest", get(harvest::list).post(harvest::act))
        .route("/about", get(about::about))
        .route("/territorio", get(territory::search))
        .route("/territory", get(territory::search))
        .route("/territorio/{code}", get(territory::profile))
        .route("/territory/{code}", get(territory::profile))
        .route("/api", get(about::api))
}

/// Renders `template` with the page's values, or the error page.
pub(crate) fn render(
    state: &SharedState,
    ctx: &PageCtx,
    template: &str,
    page: Result<Value, PageError>,
) -> Response {
    let html = page.and_then(|page| {
        let tmpl = state.templates.get_template(template)?;
        Ok(tmpl.render(ctx.template_context(state, page))?)
    });
    let cache = if ctx.visitor.account().is_some() {
        "private, no-cache"
    } else {
        "no-cache"
    };
    match html {
        Ok(html) => (
            [(header::CACHE_CONTROL, cache)],
            [(header::VARY, "Accept-Encoding")],
            Html(html),
        )
            .into_response(),
        Err(e) => e.render(state, ctx),
    }
}

/// Anything no route matched: a 404 page in the language of the path.
pub async fn not_found(State(state): State<SharedState>, uri: axum::http::Uri) -> Response {
    let lang = if uri.path() == "/en" || uri.path().starts_with("/en/") {
        ceiba_core::Lang::En
    } else {
        ceiba_core::Lang::Es
    };
    let ctx = PageCtx::from_uri(lang, &uri);
    PageError::NotFound { message: None }.render(&state, &ctx)
}

/// Query parameters, read leniently: a malformed value is treated as absent rather than
/// refused, so a mistyped link still shows a page.
pub(crate) type Params =
    Result<axum::extract::Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

pub(crate) fn param<'a>(params: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    params.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The 1-based page number asked for, within reason.
pub(crate) fn page_number(params: &HashMap<String, String>) -> i64 {
    param(params, "page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000)
}
