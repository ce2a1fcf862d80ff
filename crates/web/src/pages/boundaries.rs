//! Publishers mark an uploaded GeoJSON/TopoJSON resource as a boundary set (or stop) from
//! its resource page: `POST …/resource/{rid}/boundaries`. The use case checks the file
//! first, by the same rule as the CKAN API's `boundary_code_property` and
//! `boundary_level`: the features must carry department or municipality codes, in the
//! property given or one found, at the level given or the file's.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_portal::{parse_level, BoundaryMark};

use super::param;
use super::saved_views::form_ok;
use crate::context::PageCtx;
use crate::{PageError, SharedState};

pub async fn mark(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((name, rid)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let done = async {
        form_ok(&state, &ctx, &headers, &form)?;
        let back = format!("{}/dataset/{name}/resource/{rid}#boundaries", ctx.base());
        let refuse = |e| PageError::from_portal(e, ctx.lang, &rid, &back);
        let mark = if form.get("action").map(String::as_str) == Some("unmark") {
            BoundaryMark::Unmark
        } else {
            let level =
                parse_level(param(&form, "level").unwrap_or_default()).map_err(|reason| {
                    refuse(ceiba_portal::Error::Invalid {
                        field: "level",
                        reason,
                    })
                })?;
            BoundaryMark::Mark {
                code_property: param(&form, "code_property").map(str::to_owned),
                level,
            }
        };
        state
            .portal
            .mark_boundary_set(&ctx.visitor.actor(), &name, &rid, mark)
            .await
            .map_err(refuse)?;
        Ok::<_, PageError>(back)
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
