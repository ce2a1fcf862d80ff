//! Streaming an export as an HTTP body: the writer runs in its own task, and a failure
//! midway breaks the body rather than ending it early, so a download is never silently
//! short.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use ceiba_query::export::{write_export, ExportOptions};
use ceiba_query::SendableRecordBatchStream;
use ceiba_query::{ColumnInfo, ExportFormat};
use futures::StreamExt;
use tokio_util::io::ReaderStream;

use crate::http::percent_encode;

pub fn response(
    stream: SendableRecordBatchStream,
    columns: Vec<ColumnInfo>,
    format: ExportFormat,
    opts: ExportOptions,
    filename: &str,
) -> Response {
    let (writer, reader) = tokio::io::duplex(256 * 1024);
    let task =
        tokio::spawn(async move { write_export(stream, &columns, format, &opts, writer).await });
    let tail = futures::stream::once(async move {
        match task.await {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "export failed midway");
                Some(Err(std::io::Error::other(e.to_string())))
            }
            Err(e) => Some(Err(std::io::Error::other(e.to_string()))),
        }
    })
    .filter_map(|x| async move { x });
    let body = Body::from_stream(ReaderStream::new(reader).chain(tail));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(filename)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
