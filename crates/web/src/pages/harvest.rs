//! `/ckan-admin/harvest`: the harvest sources with their latest runs (counts and what
//! each could not bring), a form to add one and a button to run one now (the server's
//! scheduler starts it within a minute). Sysadmins only.

use axum::extract::State;
use axum::response::Response;
use minijinja::{context, Value};

use crate::context::PageCtx;
use crate::error::PageError;
use crate::pages::dataset_form::sign_in_first;
use crate::pages::dataset_form::StaffForm;
use crate::pages::render;
use crate::SharedState;

/// Problems shown per run (the full report stays in the catalog).
const PROBLEMS_SHOWN: usize = 20;

fn counts(report: &serde_json::Value, kind: &str) -> Value {
    let c = &report[kind];
    let n = |k: &str| c[k].as_u64().unwrap_or(0);
    context! {
        read => n("read"), created => n("created"), updated => n("updated"),
        unchanged => n("unchanged"), withdrawn => n("withdrawn"), failed => n("failed"),
    }
}

async fn page(
    state: &SharedState,
    ctx: &PageCtx,
    done: Option<(&'static str, String)>,
    error: Option<String>,
) -> Response {
    let actor = ctx.visitor.actor();
    let sources = match state.portal.harvest_sources(&actor).await {
        Ok(s) => s,
        Err(ceiba_portal::Error::Forbidden(_)) => {
            return PageError::Forbidden("forbidden-sysadmin").render(state, ctx)
        }
        Err(e) => return PageError::from_portal(e, ctx.lang, "", ctx.base()).render(state, ctx),
    };
    let mut organizations = Vec::new();
    for o in state.catalog.organizations().await.unwrap_or_default() {
        organizations.push(context! { name => o.item.name, title => o.item.title.get(ctx.lang) });
    }
    let items: Vec<Value> = sources
        .iter()
        .map(|(s, runs)| {
            let runs: Vec<Value> = runs
                .iter()
                .map(|r| {
                    let problems: Vec<Value> = r.report["problems"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .take(PROBLEMS_SHOWN)
                        .map(|p| {
                            context! {
                                record => p["record"].as_str().unwrap_or(""),
                                message => p["message"].as_str().unwrap_or(""),
                            }
                        })
                        .collect();
                    context! {
                        started => crate::format::moment(ctx.lang, r.started),
                        finished => r.finished.map(|f| crate::format::moment(ctx.lang, f)),
                        status => &r.status,
                        datasets => counts(&r.report, "datasets"),
                        files => r.report["files_copied"].as_u64().unwrap_or(0),
                        problems_total => r.report["problems_total"].as_u64().unwrap_or(0),
                        stopped => r.report["stopped"].as_str(),
                        problems,
                    }
                })
                .collect();
            context! {
                name => &s.name, kind => &s.kind, url => &s.url, schedule => &s.schedule,
                copy_files => s.copy_files,
                requested => s.run_requested.is_some(),
                runs,
            }
        })
        .collect();
    render(
        state,
        ctx,
        "harvest.html",
        Ok(context! {
            items,
            organizations,
            kinds => ceiba_portal::SOURCE_KINDS,
            schedules => ceiba_portal::SOURCE_SCHEDULES,
            action => format!("{}/ckan-admin/harvest", ctx.base()),
            done => done.as_ref().map(|(k, n)| context! { key => k, name => n }),
            error,
        }),
    )
}

/// `GET /ckan-admin/harvest`.
pub async fn list(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    page(&state, &ctx, None, None).await
}

/// `POST /ckan-admin/harvest`: `action` = `add` (a new source) or `run` (source `name`).
pub async fn act(
    State(state): State<SharedState>,
    ctx: PageCtx,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let done = match form.get("action") {
        "add" => state
            .portal
            .add_harvest_source(
                &actor,
                ceiba_portal::SourceInput {
                    name: form.get("name").to_owned(),
                    kind: form.get("type").to_owned(),
                    url: form.get("url").to_owned(),
                    organization: form.get("organization").to_owned(),
                    schedule: form.get("schedule").to_owned(),
                    copy_files: form.get("copy_files") == "on",
                },
            )
            .await
            .map(|s| ("harvest-added", s.name)),
        "run" => state
            .portal
            .request_harvest(&actor, form.get("name"))
            .await
            .map(|s| ("harvest-requested", s.name)),
        _ => return PageError::Forbidden("forbidden-action").render(&state, &ctx),
    };
    match done {
        Ok(done) => page(&state, &ctx, Some(done), None).await,
        Err(ceiba_portal::Error::Forbidden(_)) => {
            PageError::Forbidden("forbidden-sysadmin").render(&state, &ctx)
        }
        Err(ceiba_portal::Error::Invalid { field, reason }) => {
            let message = format!("{field}: {}", reason.message(ctx.lang));
            page(&state, &ctx, None, Some(message)).await
        }
        Err(e) => {
            PageError::from_portal(e, ctx.lang, form.get("name"), ctx.base()).render(&state, &ctx)
        }
    }
}
