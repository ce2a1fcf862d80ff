//! Multipart forms with a file, for every door that takes one (CKAN's actions, the
//! resource form): the file streams to the scratch folder under the upload limit, never
//! whole in memory, and text fields are bounded in count and size.

use axum::body::Body;
use axum::http::{header, HeaderMap};

use crate::SharedState;

/// Largest total of the text fields of a form, in bytes.
pub const MAX_TEXT_BYTES: usize = 10 * 1024 * 1024;

/// Most fields a form may have (CKAN's actions take a few dozen).
const MAX_FORM_FIELDS: usize = 1000;

/// An uploaded file on disk; removed when dropped.
#[derive(Debug)]
pub struct Upload {
    pub path: std::path::PathBuf,
    /// The name the client gave it: metadata only, never part of a path.
    pub filename: String,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A read form: its text fields in order, and the file when one was sent.
#[derive(Debug, Default)]
pub struct MultipartForm {
    pub fields: Vec<(String, String)>,
    pub upload: Option<Upload>,
}

/// Why a form could not be read.
#[derive(Debug)]
pub enum FormError {
    /// The file is over the upload limit (bytes); nothing is kept.
    FileTooLarge { limit: u64 },
    /// Not a well-formed form within the bounds, said in English (for the API).
    Malformed(String),
    /// The portal failed (its scratch folder).
    Internal(String),
}

/// Reads a `multipart/form-data` body: the part named `file_field` with a file name goes
/// to the scratch folder (a part with no name and no bytes, as a browser sends for an
/// empty file input, is no file); every other part is text.
pub async fn read_multipart(
    state: &SharedState,
    headers: &HeaderMap,
    body: Body,
    file_field: &str,
) -> Result<MultipartForm, FormError> {
    use tokio::io::AsyncWriteExt;
    let bad = |e: String| FormError::Malformed(format!("multipart form: {e}"));
    let internal = |e: std::io::Error| FormError::Internal(format!("scratch file: {e}"));
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|e| bad(e.to_string()))?;
    let limit = state.portal.ingestor().limits().max_file_bytes;
    // The whole body may hold the file and the text fields, and no more; multer enforces it
    // as the body streams in (axum's own extractor would stop at 2 MiB).
    let whole = limit.saturating_add(MAX_TEXT_BYTES as u64 + 64 * 1024);
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(whole)
            .for_field(file_field.to_owned(), limit.saturating_add(1)),
    );
    let mut form =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let form_error = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } => FormError::FileTooLarge { limit },
        multer::Error::StreamSizeExceeded { .. } => bad(format!(
            "the request is larger than the portal accepts ({whole} bytes)"
        )),
        e => bad(e.to_string()),
    };
    let mut read = MultipartForm::default();
    let mut text_bytes = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        if read.fields.len() >= MAX_FORM_FIELDS {
            return Err(bad(format!("more than {MAX_FORM_FIELDS} fields")));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field && field.file_name().is_some() {
            let given = field
                .file_name()
                .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).trim().to_owned())
                .unwrap_or_default();
            let dir = state.portal.ingestor().scratch_file("");
            tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
            let path = state
                .portal
                .ingestor()
                .scratch_file(&format!("upload-{}", uuid::Uuid::new_v4()));
            // Registered before writing, so a failure midway removes the partial file.
            let file = Upload {
                path,
                filename: if given.is_empty() {
                    "upload".into()
                } else {
                    given.clone()
                },
            };
            let mut out = tokio::fs::File::create(&file.path)
                .await
                .map_err(internal)?;
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(form_error)? {
                size += chunk.len() as u64;
                if size > limit {
                    return Err(FormError::FileTooLarge { limit });
                }
                out.write_all(&chunk).await.map_err(internal)?;
            }
            out.flush().await.map_err(internal)?;
            if !(given.is_empty() && size == 0) {
                read.upload = Some(file);
            }
        } else {
            // Read chunk by chunk so a huge text field stops at the bound, not after it.
            let mut raw = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(form_error)? {
                text_bytes += chunk.len();
                if text_bytes > MAX_TEXT_BYTES {
                    return Err(bad("too many or too large fields".into()));
                }
                raw.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(raw)
                .map_err(|_| bad(format!("field {name:?} is not UTF-8 text")))?;
            read.fields.push((name, text));
        }
    }
    Ok(read)
}
