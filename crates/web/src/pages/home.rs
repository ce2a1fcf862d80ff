use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use ceiba_store::{DatasetFilter, DatasetSort};
use minijinja::context;

use super::render;
use crate::context::PageCtx;
use crate::view_models::{CategoryView, DatasetCard, OrgView};
use crate::{PageError, SharedState};

/// Featured charts on the home page.
const HOME_CHARTS: i64 = 2;

pub async fn home(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
) -> Response {
    let page = async {
        let lang = ctx.lang;
        let c = &state.catalog;
        let categories = c.categories().await?;
        let orgs = c.organizations().await?;
        let featured = c
            .datasets(&DatasetFilter {
                featured_only: true,
                sort: DatasetSort::Modified,
                limit: 3,
                ..Default::default()
            })
            .await?;
        // The newest, without those already shown as featured (no card twice).
        let mut newest = c
            .datasets(&DatasetFilter {
                sort: DatasetSort::Newest,
                limit: 6 + featured.items.len() as i64,
                ..Default::default()
            })
            .await?;
        newest
            .items
            .retain(|d| !featured.items.iter().any(|f| f.id == d.id));
        newest.items.truncate(6);
        // Charts and maps publishers featured, drawn here (a citizen sees data at once).
        let mut charts = Vec::new();
        for v in c.featured_public_views(HOME_CHARTS).await? {
            let (drawn, _) =
                super::chart::draw_saved(&state, &v, lang, &ceiba_core::access::Audience::Public)
                    .await?;
            let dataset = c.dataset_by_id(v.dataset_id).await?;
            charts.push(context! {
                title => v.title,
                svg => drawn.svg,
                url => format!("{}/view/{}", ctx.base(), v.id),
                dataset_title => dataset.as_ref().map(|d| d.title.get(lang).to_owned()),
                dataset_url => dataset.as_ref().map(|d| format!("{}/dataset/{}", ctx.base(), d.name)),
            });
        }
        let ids: Vec<_> = newest.items.iter().chain(&featured.items).map(|d| d.id).collect();
        let formats = c.formats_of(&ids).await?;
        let org_map: HashMap<_, _> = orgs.iter().map(|o| (o.item.id, o.item.clone())).collect();
        let cards = |list: &[ceiba_core::Dataset]| -> Vec<DatasetCard> {
            list.iter()
                .map(|d| DatasetCard::new(lang, d, &org_map, &formats))
                .collect()
        };
        // Signed-in staff see what they can do next.
        let staff = match ctx.visitor.account() {
            None => None,
            Some(a) => {
                let perms = ctx.visitor.actor().perms;
                let publishes_in: Vec<_> = orgs
                    .iter()
                    .filter(|o| ceiba_core::access::may_publish_in(&perms, o.item.id))
                    .map(|o| context! { name => &o.item.name, title => o.item.title.get(lang) })
                    .collect();
                let admin_of: Vec<_> = orgs
                    .iter()
                    .filter(|o| ceiba_core::access::may_admin(&perms, o.item.id))
                    .map(|o| context! { name => &o.item.name, title => o.item.title.get(lang) })
                    .collect();
                Some(context! {
                    name => &a.name,
                    sysadmin => perms.is_sysadmin(),
                    no_organization => orgs.is_empty(),
                    publishes_in,
                    admin_of,
                })
            }
        };
        let jsonld = crate::structured::script(&crate::structured::catalog(
            &crate::http::site_url(&state, &headers),
            &state.config.site_name,
            &state.i18n.t(lang, "footer-about", &[]),
        ));
        Ok::<_, PageError>(context! {
            jsonld,
            staff,
            title => state.i18n.t(lang, "home-title", &[]),
            dataset_total => newest.total,
            categories => categories.iter().map(|c| CategoryView::new(lang, &c.item, c.dataset_count)).collect::<Vec<_>>(),
            organizations => orgs.iter().map(|o| OrgView::new(lang, &o.item, o.dataset_count)).collect::<Vec<_>>(),
            newest => cards(&newest.items),
            featured => cards(&featured.items),
            charts => charts,
        })
    }
    .await;
    render(&state, &ctx, "home.html", page)
}
