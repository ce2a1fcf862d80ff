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
