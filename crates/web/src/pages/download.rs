//! The original file of a resource, byte for byte, at CKAN's download address.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::datasets::dataset_for;
use crate::context::PageCtx;
use crate::http::percent_encode;
use crate::{PageError, SharedState};

pub async fn original(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((dataset, rid)): Path<(String, String)>,
) -> Response {
    serve(&state, &ctx, &dataset, &rid)
        .await
        .unwrap_or_else(|e| e.render(&state, &ctx))
}

/// The file name in the URL is for the visitor's benefit; the file is found by ids.
pub async fn original_named(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((dataset, rid, _filename)): Path<(String, String, String)>,
) -> Response {
    serve(&state, &ctx, &dataset, &rid)
        .await
        .unwrap_or_else(|e| e.render(&state, &ctx))
}

/// An earlier (or the current) version's original file, by its number.
pub async fn version_named(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((dataset, rid, number, _filename)): Path<(String, String, i64, String)>,
) -> Response {
    let result = async {
        let (d, resource) = find(&state, &ctx, &dataset, &rid).await?;
        let _ = d;
        let version = state
            .catalog
            .versions_of(resource.id)
            .await?
            .into_iter()
            .find(|v| v.number == number)
            .ok_or_else(|| PageError::not_found("notfound-resource", format!("{rid} v{number}")))?;
        let filename = version.original_filename.clone().unwrap_or_else(|| {
            format!(
                "{}-v{number}.{}",
                resource.id,
                version.format.to_ascii_lowercase()
            )
        });
        stream_file(
            &state,
            &version.storage_key,
            &filename,
            version.media_type.as_deref(),
            Some(&version.sha256),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| e.render(&state, &ctx))
}

async fn find(
    state: &SharedState,
    ctx: &PageCtx,
    dataset: &str,
    rid: &str,
) -> Result<(ceiba_core::Dataset, ceiba_core::Resource), PageError> {
    let d = dataset_for(state, &ctx.visitor, dataset).await?;
    match state.catalog.resource(rid).await? {
        Some(r) if r.dataset_id == d.id => Ok((d, r)),
        _ => Err(PageError::not_found("notfound-resource", rid)),
    }
}

async fn serve(
    state: &SharedState,
    ctx: &PageCtx,
    dataset: &str,
    rid: &str,
) -> Result<Response, PageError> {
    let (_, resource) = find(state, ctx, dataset, rid).await?;
    let Some(key) = &resource.storage_key else {
        // Only a link a visitor may follow (stored before links were checked, one could
        // hold a line break that no header can carry).
        return match crate::view_models::safe_link(resource.url.as_ref()) {
            Some(url) => Ok(Redirect::to(&url).into_response()),
            None => Err(PageError::not_found("notfound-resource", rid)),
        };
    };
    let filename = resource
        .original_filename
        .clone()
        .unwrap_or_else(|| format!("{}.{}", resource.id, resource.format.to_ascii_lowercase()));
    stream_file(
        state,
        key,
        &filename,
        resource.media_type.as_deref(),
        resource.sha256.as_deref(),
    )
    .await
}

async fn stream_file(
    state: &SharedState,
    key: &str,
    filename: &str,
    media_type: Option<&str>,
    sha256: Option<&str>,
) -> Result<Response, PageError> {
    let (size, stream) = state.files.get(key).await?;
    let content_type = media_type.unwrap_or("application/octet-stream").to_owned();
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(filename)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Some(sha) = sha256.and_then(|s| HeaderValue::from_str(&format!("\"{s}\"")).ok()) {
        headers.insert(header::ETAG, sha);
    }
    // Files are stored as uploaded; never let a browser reinterpret one as a page.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    *response.status_mut() = StatusCode::OK;
    Ok(response)
}

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987).
fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(filename)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_keeps_accents_and_escapes_quotes() {
        assert_eq!(
            content_disposition("Población \"2018\".csv"),
            "attachment; filename=\"Poblaci_n _2018_.csv\"; filename*=UTF-8''Poblaci%C3%B3n%20%222018%22.csv"
        );
    }
}
