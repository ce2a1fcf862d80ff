//! Limits of the CSV reader, enforced with bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use ceiba_ingest::{CsvSource, IngestError, Issue, IssueKind, Limits, TableSource, TextOptions};

fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

/// Reads to the end; the error issue, and the bytes read when it happened.
fn read_until_error(src: &CsvSource) -> (Issue, u64) {
    let mut rows = src.open().unwrap();
    loop {
        match rows.advance() {
            Ok(true) => {}
            Ok(false) => panic!("read to the end without error"),
            Err(IngestError::Rejected(issue)) => return (issue, rows.bytes_read()),
            Err(e) => panic!("unexpected error {e}"),
        }
    }
}

fn source(f: &tempfile::NamedTempFile, limits: Limits) -> CsvSource {
    CsvSource::new(
        f.path().to_path_buf(),
        "t".into(),
        &TextOptions::default(),
        limits,
    )
    .unwrap()
}

#[test]
fn unclosed_quote_in_a_big_file_stops_early() {
    const MB: usize = 1024 * 1024;
    let mut text = String::with_capacity(20 * MB + 100);
    text.push_str("\"codigo,municipio,indice\n");
    let line = "0101,Guatemala,0.59\n";
    while text.len() < 20 * MB {
        text.push_str(line);
    }
    let f = file(text.as_bytes());
    let limits = Limits {
        max_line_bytes: MB,
        ..Limits::default()
    };
    let src = source(&f, limits);
    let (issue, bytes_read) = read_until_error(&src);
    assert_eq!(issue.kind, IssueKind::LineTooLong { limit: MB });
    assert_eq!(issue.row, Some(1));
    assert!(bytes_read <= 2 * MB as u64, "read {bytes_read} bytes");
}

#[test]
fn long_line_in_the_middle() {
    let mut text = String::from("a,b\n1,2\n3,");
    text.push_str(&"x".repeat(500));
    text.push_str("\n5,6\n");
    let f = file(text.as_bytes());
    let limits = Limits {
        max_line_bytes: 100,
        ..Limits::default()
    };
    let (issue, _) = read_until_error(&source(&f, limits));
    assert_eq!(issue.kind, IssueKind::LineTooLong { limit: 100 });
    assert_eq!(issue.row, Some(3));

    // Exactly at the limit is fine.
    let f = file(b"abcd,efgh\n12345678\n");
    let limits = Limits {
        max_line_bytes: 10,
        ..Limits::default()
    };
    let src = source(&f, limits);
    let mut rows = src.open().unwrap();
    let mut n = 0;
    while rows.advance().unwrap() {
        n += 1;
    }
    assert_eq!(n, 2);
}

#[test]
fn cell_too_long() {
    let text = format!("a;b;c\n1;{};3\n", "y".repeat(300));
    let f = file(text.as_bytes());
    let limits = Limits {
        max_cell_bytes: 200,
        ..Limits::default()
    };
    let (issue, _) = read_until_error(&source(&f, limits));
    assert_eq!(issue.kind, IssueKind::CellTooLong { limit: 200 });
    assert_eq!(issue.row, Some(2));
    assert_eq!(issue.column, Some((2, String::new())));
}

#[test]
fn too_many_columns() {
    let header: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
    let text = format!("{}\n", header.join(","));
    let f = file(text.as_bytes());
    let limits = Limits {
        max_columns: 10,
        ..Limits::default()
    };
    let (issue, _) = read_until_error(&source(&f, limits));
    assert_eq!(
        issue.kind,
        IssueKind::TooManyColumns {
            count: 12,
            limit: 10
        }
    );
    assert_eq!(issue.row, Some(1));
}

#[test]
fn bytes_read_grows_to_the_file_size() {
    let text = "a,b\n1,2\n".repeat(100_000);
    let f = file(text.as_bytes());
    let src = source(&f, Limits::default());
    let mut rows = src.open().unwrap();
    let mut last = 0;
    let mut n = 0;
    while rows.advance().unwrap() {
        let b = rows.bytes_read();
        assert!(b >= last);
        last = b;
        n += 1;
    }
    assert_eq!(n, 200_000);
    assert_eq!(rows.bytes_read(), text.len() as u64);
    assert!(rows.take_issues().is_empty());
}
