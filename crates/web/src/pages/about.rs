use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use super::render;
use crate::context::PageCtx;
use crate::views::OrgView;
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
pub async fn api(State(state): State<SharedState>, ctx: PageCtx) -> Response {
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
                                crate::views::percent_encode(&c.name)
                            ));
                        }
                        example.push(format!("/datastore/dump/{}?format=csv", r.id));
                        break 'outer;
                    }
                }
            }
        }
        Ok::<_, crate::PageError>(context! { example => example })
    }
    .await;
    render(&state, &ctx, "api.html", page)
}
