//! Publishers mark an uploaded GeoJSON/TopoJSON resource as a boundary set (or stop) from
//! its resource page: `POST …/resource/{rid}/boundaries`. The file is read and checked
//! first — its features must carry department or municipality codes, in the property
//! given or one found — and the mark keeps the property and level found. The CKAN API
//! does the same with `boundary_code_property`.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_viz::map::{parse_boundaries, BoundaryOptions};

use super::datasets::dataset_for;
use super::param;
use super::saved_views::allowed;
use crate::charts::{level_name, stored_boundary_bytes, NotBoundaryFile};
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
        let d = dataset_for(&state, &ctx.visitor, &name).await?;
        let r = state
            .catalog
            .resource(&rid)
            .await?
            .filter(|r| r.dataset_id == d.id)
            .ok_or_else(|| PageError::not_found("notfound-resource", rid.clone()))?;
        allowed(&state, &ctx, &headers, &form, &d)?;
        let back = format!(
            "{}/dataset/{}/resource/{}#boundaries",
            ctx.base(),
            d.name,
            r.id
        );
        if form.get("action").map(String::as_str) == Some("unmark") {
            state.catalog.unmark_boundary_set(r.id).await?;
            return Ok(back);
        }
        let invalid = |key: &str| PageError::Invalid {
            message: state.i18n.t(ctx.lang, key, &[]),
            back: back.clone(),
        };
        let bytes = match stored_boundary_bytes(&state, &r).await {
            Ok(b) => b,
            Err(NotBoundaryFile::NotGeo) => return Err(invalid("boundary-error-file")),
            Err(NotBoundaryFile::TooLarge) => return Err(invalid("boundary-error-size")),
            Err(NotBoundaryFile::Store(e)) => return Err(e.into()),
        };
        let code = param(&form, "code_property").map(str::to_owned);
        let parsed = tokio::task::spawn_blocking(move || {
            parse_boundaries(
                &bytes,
                &BoundaryOptions {
                    code_property: code.as_deref(),
                    ..Default::default()
                },
            )
        })
        .await
        .map_err(|e| PageError::Internal(format!("boundary check: {e}")))?;
        let set = parsed.map_err(|e| PageError::Invalid {
            message: e.message(ctx.lang),
            back: back.clone(),
        })?;
        state
            .catalog
            .mark_boundary_set(&ceiba_store::BoundarySet {
                resource_id: r.id,
                code_property: set.code_property.clone(),
                level: level_name(set.level).into(),
                name_property: None,
                created: ceiba_store::now(),
            })
            .await?;
        Ok::<_, PageError>(back)
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
