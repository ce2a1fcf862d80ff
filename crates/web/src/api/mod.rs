//! The native JSON API: `/api/v1/resources/{id}` (schema, statistics, versions, ingest
//! report), `/rows`, `/aggregate`, and its OpenAPI description.

pub(crate) mod dump;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ceiba_core::Lang;
use ceiba_query::{AggregateRequest, QueryError, RowsRequest, TableSpec};
use serde_json::json;

use crate::http::query_pairs;
use crate::tables::{locate, Missing};
use crate::SharedState;

/// The OpenAPI document, written by hand and checked by a snapshot test.
pub const OPENAPI: &str = include_str!("../../api/openapi.json");

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/resources/{id}", get(resource))
        .route("/api/v1/resources/{id}/rows", get(rows))
        .route("/api/v1/resources/{id}/aggregate", get(aggregate))
        .route("/api/v1/suggest", get(suggest))
        .layer(crate::http::cors())
}

/// Suggestions while typing in a search box: `?q=pobl[&lang=en]` →
/// `{"query", "datasets": [{name, title, url}], "categories": […], "organizations": […]}`.
async fn suggest(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = crate::http::query_pairs(query.as_deref());
    let lang = api_lang(&pairs, &headers);
    let q = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| {
            v.chars()
                .take(ceiba_search::request::MAX_QUERY_CHARS)
                .collect::<String>()
        })
        .unwrap_or_default();
    let base = crate::http::base(lang);
    let found =
        match state
            .indexer
            .index()
            .suggest(&q, &ceiba_core::access::Audience::Public, lang, 6)
        {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "suggestions");
                return error(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string());
            }
        };
    let list = |items: Vec<(String, String)>, path: &str| {
        items
            .into_iter()
            .map(|(name, title)| {
                let url = format!("{base}/{path}/{}", crate::http::percent_encode(&name));
                json!({ "name": name, "title": title, "url": url })
            })
            .collect::<Vec<_>>()
    };
    (
        [(header::CACHE_CONTROL, "public, max-age=60")],
        Json(json!({
            "query": q,
            "datasets": list(found.datasets, "dataset"),
            "categories": list(found.categories, "group"),
            "organizations": list(found.organizations, "organization"),
        })),
    )
        .into_response()
}

/// The language of API messages: `?lang=en`, else the Accept-Language header, else Spanish.
pub fn api_lang(pairs: &[(String, String)], headers: &HeaderMap) -> Lang {
    if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "lang") {
        return Lang::parse(v).unwrap_or_default();
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Es
    }
}

/// A JSON error: `{"error": {"status", "parameter", "message"}}`.
pub fn error(status: StatusCode, parameter: Option<&str>, message: String) -> Response {
    (
        status,
        Json(json!({ "error": { "status": status.as_u16(), "parameter": parameter, "message": message } })),
    )
        .into_response()
}

pub fn query_error(e: &QueryError, lang: Lang) -> Response {
    let parameter = match e {
        QueryError::BadParameter { parameter, .. } => Some(parameter.as_str()),
        _ => None,
    };
    let status = if e.is_bad_request() {
        StatusCode::BAD_REQUEST
    } else {
        tracing::error!(error = %e, "query failed");
        StatusCode::INTERNAL_SERVER_ERROR
    };
    error(status, parameter, e.message(lang))
}

pub fn missing(m: Missing, lang: Lang) -> Response {
    let es = lang == Lang::Es;
    match m {
        Missing::Resource => error(
            StatusCode::NOT_FOUND,
            Some("id"),
            if es {
                "no existe ese recurso".into()
            } else {
                "there is no such resource".into()
            },
        ),
        Missing::Table => error(
            StatusCode::NOT_FOUND,
            Some("id"),
            if es {
                "el recurso no tiene una tabla consultable (es un enlace, un documento, o su archivo aún se procesa)".into()
            } else {
                "the resource has no queryable table (it is a link, a document, or its file is still being processed)".into()
            },
        ),
        Missing::Store(e) => {
            tracing::error!(error = %e, "catalog");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                if es {
                    "error interno".into()
                } else {
                    "internal error".into()
                },
            )
        }
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn resource(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    let lang = api_lang(&pairs, &headers);
    let located = match locate(&state, &id).await {
        Ok(l) => l,
        Err(m) => return missing(m, lang),
    };
    let versions = match state.catalog.versions_of(located.resource.id).await {
        Ok(v) => v,
        Err(e) => return missing(Missing::Store(e), lang),
    };
    let r = &located.resource;
    let current = versions.iter().find(|v| Some(v.id) == r.current_version_id);
    let report = |v: &ceiba_core::ResourceVersion| -> serde_json::Value {
        v.report
            .as_ref()
            .and_then(|rep| serde_json::from_value::<ceiba_ingest::FileReport>(rep.clone()).ok())
            .map(|rep| rep.to_json(lang))
            .unwrap_or(serde_json::Value::Null)
    };
    Json(json!({
        "id": r.id,
        "dataset": { "id": located.dataset.id, "name": located.dataset.name },
        "name": r.name,
        "description": r.description,
        "format": r.format,
        "media_type": r.media_type,
        "size": r.size,
        "sha256": r.sha256,
        "original_filename": r.original_filename,
        "url": r.url,
        "download_url": r.storage_key.as_ref().map(|_| format!("/dataset/{}/resource/{}/download", located.dataset.id, r.id)),
        "created": r.created,
        "modified": r.modified,
        "current_version": current.map(|v| v.number),
        "tables": located.tables.iter().enumerate().map(|(i, t)| json!({
            "index": i,
            "name": t.name,
            "rows": t.rows,
            "columns": t.columns,
        })).collect::<Vec<_>>(),
        "versions": versions.iter().map(|v| json!({
            "number": v.number,
            "status": v.status,
            "created": v.created,
            "original_filename": v.original_filename,
            "size": v.size,
            "sha256": v.sha256,
            "current": Some(v.id) == r.current_version_id,
            "download_url": format!("/dataset/{}/resource/{}/version/{}/download/{}", located.dataset.id, r.id, v.number,
                crate::http::percent_encode(v.original_filename.as_deref().unwrap_or("file"))),
            "report": report(v),
        })).collect::<Vec<_>>(),
        "report": current.map(report),
    }))
    .into_response()
}

/// The public table a request names: resource `id`, table `table` (default the first).
/// The error is the response to send.
pub async fn requested_table(
    state: &SharedState,
    viewer: &ceiba_core::access::Audience,
    id: &str,
    pairs: &[(String, String)],
    lang: Lang,
) -> Result<(crate::tables::Located, usize), Response> {
    let located = crate::tables::locate_for(state, id, viewer)
        .await
        .map_err(|m| missing(m, lang))?;
    let names: Vec<&str> = located.tables.iter().map(|t| t.name.as_str()).collect();
    let index = ceiba_query::table_index(pairs, &names).map_err(|e| query_error(&e, lang))?;
    if located.table(index).is_none() {
        return Err(missing(Missing::Table, lang));
    }
    Ok((located, index))
}

async fn rows(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let limits = *state.engine.limits();
    on_table(&state, &id, q, &headers, async |spec, pairs| {
        let req = RowsRequest::from_query(pairs, spec, &limits)?;
        Ok(json!(state.engine.rows(spec, &req).await?))
    })
    .await
}

async fn aggregate(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let limits = *state.engine.limits();
    on_table(&state, &id, q, &headers, async |spec, pairs| {
        let req = AggregateRequest::from_query(pairs, spec, &limits)?;
        Ok(json!(state.engine.aggregate(spec, &req).await?))
    })
    .await
}

/// Runs `query` on the public table a call names (resource `id`, `table` among its
/// tables) and answers with its result, or with the error in the caller's language.
async fn on_table(
    state: &SharedState,
    id: &str,
    q: Option<String>,
    headers: &HeaderMap,
    query: impl AsyncFnOnce(&TableSpec, &[(String, String)]) -> Result<serde_json::Value, QueryError>,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    let lang = api_lang(&pairs, headers);
    let (located, index) = match requested_table(
        state,
        &ceiba_core::access::Audience::Public,
        id,
        &pairs,
        lang,
    )
    .await
    {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(table) = located.table(index) else {
        return missing(Missing::Table, lang);
    };
    match query(&ceiba_query::TableSpec::from(table), &pairs).await {
        Ok(result) => Json(
            json!({ "resource_id": located.resource.id, "table": table.name, "result": result }),
        )
        .into_response(),
        Err(e) => query_error(&e, lang),
    }
}
