//! History pages, at CKAN's addresses: `/dataset/activity/{name}`,
//! `/organization/activity/{name}`, `/user/activity/{name}`, and a person's page
//! `/user/{name}` (their organizations and roles, and what they did). Entries come from
//! `Portal::activity`, which keeps out what the visitor may not see.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use ceiba_core::Lang;
use ceiba_store::{Activity, Stream};
use minijinja::context;
use minijinja::value::Value;
use uuid::Uuid;

use super::render;
use crate::context::PageCtx;
use crate::{PageError, SharedState};

/// Longest before or after value shown in a change, in characters.
const SHOWN_CHARS: usize = 300;

fn shown(v: &serde_json::Value) -> String {
    let text = match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        v => v.to_string(),
    };
    let mut out: String = text.chars().take(SHOWN_CHARS).collect();
    if text.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The entries as the template shows them: who, when, what, about which dataset, and
/// the fields changed.
pub(crate) async fn entries(
    state: &SharedState,
    lang: Lang,
    base: &str,
    list: &[Activity],
) -> Result<Vec<Value>, PageError> {
    let ids: Vec<Uuid> = list.iter().filter_map(|a| a.dataset_id).collect();
    let datasets: HashMap<Uuid, (String, String)> = state
        .catalog
        .datasets_by_ids(&ids)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.name.clone(), d.title.get(lang).to_owned())))
        .collect();
    Ok(list
        .iter()
        .map(|a| {
            let dataset = a.dataset_id.and_then(|id| datasets.get(&id));
            let changes: Vec<Value> = a
                .detail
                .get("changes")
                .and_then(serde_json::Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(field, pair)| {
                            context! {
                                field => field,
                                before => shown(&pair[0]),
                                after => shown(&pair[1]),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let detail = |k: &str| a.detail.get(k).map(shown).filter(|s| !s.is_empty());
            context! {
                action => &a.action,
                at => crate::format::moment(lang, a.at),
                at_iso => a.at.to_rfc3339(),
                who => a.actor.as_deref(),
                who_url => a.actor.as_ref().map(|n| format!("{base}/user/{n}")),
                dataset => dataset.map(|(name, title)| context! {
                    title => title,
                    url => format!("{base}/dataset/{name}"),
                }),
                name => detail("title").or_else(|| detail("name")).or_else(|| detail("user")),
                version => a.detail.get("version").and_then(serde_json::Value::as_i64),
                changes_url => match (dataset, a.object_id, a.detail.get("version").and_then(serde_json::Value::as_i64)) {
                    (Some((name, _)), Some(rid), Some(v)) if v > 1 => Some(format!("{base}/dataset/{name}/resource/{rid}/changes/{v}")),
                    _ => None,
                },
                role => detail("role"),
                changes,
            }
        })
        .collect())
}

/// `GET /dataset/activity/{name}`.
pub async fn dataset(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    let page = async {
        let actor = ctx.visitor.actor();
        let d = state
            .portal
            .visible_dataset(&actor, &name)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        let list = state
            .portal
            .activity(&actor, Stream::Dataset(d.id), ceiba_portal::MAX_ACTIVITY)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        Ok(context! {
            heading => "activity-of-dataset",
            subject => d.title.get(ctx.lang),
            subject_url => format!("{}/dataset/{}", ctx.base(), d.name),
            entries => entries(&state, ctx.lang, ctx.base(), &list).await?,
        })
    }
    .await;
    render(&state, &ctx, "activity.html", page)
}

/// `GET /organization/activity/{name}`.
pub async fn organization(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    let page = async {
        let Some(org) = state.catalog.organization(&name).await? else {
            return Err(PageError::not_found("notfound-organization", name.clone()));
        };
        let list = state
            .portal
            .activity(
                &ctx.visitor.actor(),
                Stream::Organization(org.id),
                ceiba_portal::MAX_ACTIVITY,
            )
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        Ok(context! {
            heading => "activity-of-organization",
            subject => org.title.get(ctx.lang),
            subject_url => format!("{}/organization/{}", ctx.base(), org.name),
            entries => entries(&state, ctx.lang, ctx.base(), &list).await?,
        })
    }
    .await;
    render(&state, &ctx, "activity.html", page)
}

/// `GET /user/{name}` and `/user/activity/{name}`: a person's organizations and roles,
/// and what they did (what the visitor may see of it).
pub async fn user(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    let page = async {
        let account = state
            .catalog
            .account(&name)
            .await?
            .filter(|a| a.is_active())
            .ok_or_else(|| PageError::not_found("notfound-user", name.clone()))?;
        let orgs = state.catalog.organizations().await?;
        let roles: Vec<Value> = state
            .catalog
            .memberships_of(account.id)
            .await?
            .into_iter()
            .filter_map(|(org, role)| {
                let o = orgs.iter().find(|o| o.item.id == org)?;
                Some(context! {
                    title => o.item.title.get(ctx.lang),
                    url => format!("{}/organization/{}", ctx.base(), o.item.name),
                    role => role.as_str(),
                })
            })
            .collect();
        let list = state
            .portal
            .activity(
                &ctx.visitor.actor(),
                Stream::Account(account.id),
                ceiba_portal::MAX_ACTIVITY,
            )
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        let is_self = ctx.visitor.account().is_some_and(|a| a.id == account.id);
        Ok(context! {
            heading => "activity-of-user",
            subject => if account.fullname.is_empty() { &account.name } else { &account.fullname },
            person => context! {
                name => &account.name,
                fullname => &account.fullname,
                sysadmin => account.sysadmin,
                email => is_self.then_some(&account.email),
                roles,
            },
            entries => entries(&state, ctx.lang, ctx.base(), &list).await?,
        })
    }
    .await;
    render(&state, &ctx, "activity.html", page)
}
