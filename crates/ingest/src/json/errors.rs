//! The findings a JSON file can give, each naming the record, the line and the column.

use super::*;

pub(super) fn truncated<R>(scan: &Scan<R>) -> IngestError {
    bad(format!(
        "the file ends at line {} before its last object is closed; it looks truncated",
        scan.line
    ))
}

pub(super) fn unexpected<R>(scan: &Scan<R>, found: Option<u8>, wanted: &str) -> IngestError {
    match found {
        None => truncated(scan),
        Some(b) => {
            let at = scan.mark();
            bad(format!(
                "expected {wanted} at line {}, column {}, but found '{}'",
                at.line,
                at.column(),
                char::from(b).escape_default()
            ))
        }
    }
}

pub(super) fn bad(detail: String) -> IngestError {
    IngestError::rejected(IssueKind::Unreadable {
        format: "JSON".into(),
        detail,
    })
}

pub(super) fn bad_at(record: u64, detail: String) -> IngestError {
    IngestError::Rejected(
        Issue::error(IssueKind::Unreadable {
            format: "JSON".into(),
            detail,
        })
        .at_row(record),
    )
}

/// What a value starting with this byte is, in words.
pub(super) fn describe(b: u8) -> &'static str {
    match b {
        b'[' => "a list",
        b'{' => "an object",
        b'"' => "a text",
        b't' | b'f' => "a true/false value",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "a number",
        _ => "something that is not JSON",
    }
}

/// serde_json's finding, placed in the file: its line and column are counted from the
/// record's first byte.
pub(super) fn syntax_error(
    record: u64,
    at: Mark,
    e: &serde_json::Error,
    features: bool,
) -> IngestError {
    let (line, column) = if e.line() == 0 {
        (at.line, at.column())
    } else if e.line() == 1 {
        (at.line, at.column() + e.column() as u64 - 1)
    } else {
        (at.line + e.line() as u64 - 1, e.column() as u64)
    };
    let full = e.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    let what = if features { "feature" } else { "record" };
    let problem = if e.is_data() {
        "does not have the expected shape"
    } else {
        "is not valid JSON"
    };
    bad_at(
        record,
        format!("{what} no. {record} {problem} at line {line}, column {column}: {message}"),
    )
}
