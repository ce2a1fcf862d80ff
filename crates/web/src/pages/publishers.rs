use axum::extract::{Path, State};
use axum::response::Response;
use ceiba_store::DatasetFilter;
use minijinja::context;

use super::datasets::listing;
use super::{render, Params};
use crate::context::PageCtx;
use crate::view_models::{CategoryView, OrgView};
use crate::{PageError, SharedState};

pub async fn organizations(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    let page = state.catalog.organizations().await.map(|orgs| {
        context! {
            organizations => orgs
                .iter()
                .map(|o| OrgView::new(ctx.lang, &o.item, o.dataset_count))
                .collect::<Vec<_>>(),
        }
    });
    render(&state, &ctx, "organizations.html", page.map_err(Into::into))
}

pub async fn organization(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    params: Params,
) -> Response {
    let params = params.map(|p| p.0).unwrap_or_default();
    let page = async {
        let Some(org) = state.catalog.organization(&name).await? else {
            return Err(PageError::not_found("notfound-organization", name.clone()));
        };
        let filter = DatasetFilter {
            organization: Some(org.name.clone()),
            ..Default::default()
        };
        let base_url = format!("{}/organization/{}", ctx.base(), org.name);
        let listing = listing(&state, &ctx, filter, &params, &base_url).await?;
        let total = listing.get_attr("total").ok();
        let may_publish = ceiba_core::access::may_publish_in(&ctx.visitor.actor().perms, org.id);
        Ok(context! {
            ..listing,
            ..context! {
                organization => OrgView::new(ctx.lang, &org, total.and_then(|t| i64::try_from(t).ok()).unwrap_or(0)),
                new_dataset_url => may_publish.then(|| format!("{}/dataset/new?organization={}", ctx.base(), org.name)),
                members_url => ceiba_core::access::may_admin(&ctx.visitor.actor().perms, org.id)
                    .then(|| format!("{}/organization/members/{}", ctx.base(), org.name)),
                edit_url => ceiba_core::access::may_admin(&ctx.visitor.actor().perms, org.id)
                    .then(|| format!("{}/organization/edit/{}", ctx.base(), org.name)),
                activity_url => format!("{}/organization/activity/{}", ctx.base(), org.name),
            }
        })
    }
    .await;
    render(&state, &ctx, "organization.html", page)
}

pub async fn groups(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    let page = state.catalog.categories().await.map(|cats| {
        context! {
            categories => cats
                .iter()
                .map(|c| CategoryView::new(ctx.lang, &c.item, c.dataset_count))
                .collect::<Vec<_>>(),
        }
    });
    render(&state, &ctx, "groups.html", page.map_err(Into::into))
}

pub async fn group(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    params: Params,
) -> Response {
    let params = params.map(|p| p.0).unwrap_or_default();
    let page = async {
        let Some(cat) = state.catalog.category(&name).await? else {
            return Err(PageError::not_found("notfound-group", name.clone()));
        };
        let filter = DatasetFilter {
            category: Some(cat.name.clone()),
            ..Default::default()
        };
        let base_url = format!("{}/group/{}", ctx.base(), cat.name);
        let listing = listing(&state, &ctx, filter, &params, &base_url).await?;
        let total = listing.get_attr("total").ok();
        Ok(context! {
            ..listing,
            ..context! {
                category => CategoryView::new(ctx.lang, &cat, total.and_then(|t| i64::try_from(t).ok()).unwrap_or(0)),
                edit_url => ceiba_core::access::may_run_portal(&ctx.visitor.actor().perms)
                    .then(|| format!("{}/group/edit/{}", ctx.base(), cat.name)),
            }
        })
    }
    .await;
    render(&state, &ctx, "group.html", page)
}
