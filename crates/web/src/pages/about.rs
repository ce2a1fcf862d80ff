use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use super::render;
use crate::context::PageCtx;
use crate::view_models::OrgView;
use crate::SharedState;

pub async fn about(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    let page = state.catalog.organizations().await.map(|orgs| {
        context! {
            organizations => orgs
                .iter()
                .map(|o| OrgView::new(ctx.lang, &o.item, o.dataset_count))
                .collect::<Vec<_>>(),
        }
    });
    render(&state, &ctx, "about.html", page.map_err(Into::into))
}

/// The human page about the API, with live examples from the catalog.
pub async fn api(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
) -> Response {
    let site_root = crate::http::site_url(&state, &headers);
    let page = async {
        let mut example = Vec::new();
        let found = state
            .catalog
            .datasets(&ceiba_store::DatasetFilter {
                limit: 20,
                ..Default::default()
            })
            .await?;
        'outer: for d in &found.items {
            for r in state.catalog.resources_of(d.id).await? {
                if let Some(v) = r.current_version_id {
                    if let Some(t) = state.catalog.tables_of(v).await?.first() {
                        example.push(format!("/api/v1/resources/{}", r.id));
                        example.push(format!("/api/v1/resources/{}/rows?limit=5", r.id));
                        if let Some(c) = t
                            .columns
                            .iter()
                            .find(|c| c.column_type == ceiba_core::ColumnType::Text)
                        {
                            example.push(format!(
                                "/api/v1/resources/{}/aggregate?group_by={}&measure=count",
                                r.id,
                                crate::http::percent_encode(&c.name)
                            ));
                        }
                        example.push(format!("/datastore/dump/{}?format=csv", r.id));
                        example.push(format!(
                            "/api/3/action/datastore_search?resource_id={}&limit=5",
                            r.id
                        ));
                        example.push(format!("/api/3/action/package_show?id={}", d.name));
                        break 'outer;
                    }
                }
            }
        }
        example.push(
            "/api/3/action/package_search?q=municipio&facet.field=%5B%22organization%22%5D".into(),
        );
        Ok::<_, crate::PageError>(context! { example => example, site_root => site_root })
    }
    .await;
    render(&state, &ctx, "api.html", page)
}
