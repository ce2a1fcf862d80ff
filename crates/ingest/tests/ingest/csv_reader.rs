//! Reading delimited text files as publishers produce them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use ceiba_ingest::{
    find_header, CsvSource, IngestError, IssueKind, Limits, OwnedValue, Rows, Severity,
    TableSource, TextOptions, Value,
};

/// A file with `bytes` that lives as long as the returned handle.
fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn source(bytes: &[u8], opts: &TextOptions) -> (tempfile::NamedTempFile, CsvSource) {
    let f = file(bytes);
    let src = CsvSource::new(f.path().to_path_buf(), "t".into(), opts, Limits::default()).unwrap();
    (f, src)
}

fn open_err(bytes: &[u8], opts: &TextOptions) -> IssueKind {
    let f = file(bytes);
    match CsvSource::new(f.path().to_path_buf(), "t".into(), opts, Limits::default()) {
        Err(IngestError::Rejected(issue)) => issue.kind,
        Err(other) => panic!("unexpected error {other}"),
        Ok(src) => panic!("opened with {:?}", src.dialect()),
    }
}

/// Every row as (line, cells), `Value::Empty` shown as "∅".
fn rows_of(rows: &mut dyn Rows) -> Vec<(u64, Vec<String>)> {
    let mut out = Vec::new();
    while rows.advance().unwrap() {
        let cells = (0..rows.len())
            .map(|i| match rows.get(i) {
                Value::Empty => "∅".to_string(),
                Value::Text(t) => {
                    assert!(!t.is_empty(), "empty text must be Value::Empty");
                    t.to_string()
                }
                other => panic!("text files give only text: {other:?}"),
            })
            .collect();
        out.push((rows.position(), cells));
    }
    out
}

fn read(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
    let (_f, src) = source(bytes, &TextOptions::default());
    let mut rows = src.open().unwrap();
    rows_of(rows.as_mut())
}

fn row(line: u64, cells: &[&str]) -> (u64, Vec<String>) {
    (line, cells.iter().map(|c| c.to_string()).collect())
}

#[test]
fn utf8_with_and_without_bom() {
    let plain = "código,municipio\n0101,Petén\n";
    let expected = vec![row(1, &["código", "municipio"]), row(2, &["0101", "Petén"])];
    assert_eq!(read(plain.as_bytes()), expected);

    let with_bom = format!("\u{feff}{plain}");
    let (_f, src) = source(with_bom.as_bytes(), &TextOptions::default());
    assert!(src.dialect().bom);
    assert_eq!(src.dialect().encoding_name(), "UTF-8");
    let mut rows = src.open().unwrap();
    assert_eq!(rows_of(rows.as_mut()), expected);
    // Progress counts the BOM too: at the end, the whole file.
    assert_eq!(rows.bytes_read(), with_bom.len() as u64);
}

#[test]
fn windows_1252_accents() {
    let bytes = b"c\xf3digo;municipio\r\n0101;Pet\xe9n\r\n0102;Mixco\r\n";
    let (_f, src) = source(bytes, &TextOptions::default());
    assert_eq!(src.dialect().encoding_name(), "windows-1252");
    assert_eq!(src.dialect().delimiter_char(), ';');
    let mut rows = src.open().unwrap();
    assert_eq!(
        rows_of(rows.as_mut()),
        vec![
            row(1, &["código", "municipio"]),
            row(2, &["0101", "Petén"]),
            row(3, &["0102", "Mixco"]),
        ]
    );
    assert!(rows.take_issues().is_empty());
}

#[test]
fn forced_encoding_wins() {
    let opts = TextOptions {
        encoding: Some("latin1".into()),
        delimiter: None,
    };
    // UTF-8 bytes read as Latin-1, as the publisher asked.
    let (_f, src) = source("a;b\nPetén;1\n".as_bytes(), &opts);
    assert_eq!(src.dialect().encoding_name(), "windows-1252");
    let mut rows = src.open().unwrap();
    assert_eq!(rows_of(rows.as_mut())[1], row(2, &["PetÃ©n", "1"]));

    let opts = TextOptions {
        encoding: Some("cp1252".into()),
        delimiter: Some(b','),
    };
    let (_f, src) = source(b"c\xf3digo,n\n1,2\n", &opts);
    let mut rows = src.open().unwrap();
    assert_eq!(rows_of(rows.as_mut())[0], row(1, &["código", "n"]));
}

#[test]
fn unknown_encoding_label_is_a_bad_option() {
    let opts = TextOptions {
        encoding: Some("maya-quiché".into()),
        delimiter: None,
    };
    assert_eq!(
        open_err(b"a,b\n1,2\n", &opts),
        IssueKind::BadOption {
            option: "encoding".into(),
            value: "maya-quiché".into()
        }
    );
}

#[test]
fn each_delimiter() {
    for d in [",", ";", "\t", "|"] {
        let text = format!("a{d}b{d}c\n1{d}2{d}3\n");
        let (_f, src) = source(text.as_bytes(), &TextOptions::default());
        assert_eq!(src.dialect().delimiter_char().to_string(), d);
        let mut rows = src.open().unwrap();
        assert_eq!(
            rows_of(rows.as_mut()),
            vec![row(1, &["a", "b", "c"]), row(2, &["1", "2", "3"])],
            "delimiter {d:?}"
        );
    }
}

#[test]
fn quotes_lf_and_crlf() {
    let lf = "id;texto;n\n1;\"a; b\";x\n2;\"dice \"\"hola\"\"\";y\n3;\"línea 1\nlínea 2\";z\n4;fin;\"\"\n";
    let crlf = lf.replace('\n', "\r\n");
    for (text, nl) in [(lf.to_string(), "\n"), (crlf, "\r\n")] {
        assert_eq!(
            read(text.as_bytes()),
            vec![
                row(1, &["id", "texto", "n"]),
                row(2, &["1", "a; b", "x"]),
                row(3, &["2", "dice \"hola\"", "y"]),
                row(4, &["3", &format!("línea 1{nl}línea 2"), "z"]),
                // The record on line 6 starts after the two lines of record 3.
                row(6, &["4", "fin", "∅"]),
            ]
        );
    }
}

#[test]
fn last_line_without_line_end() {
    assert_eq!(
        read(b"a,b\r\n1,2"),
        vec![row(1, &["a", "b"]), row(2, &["1", "2"])]
    );
    assert_eq!(
        read(b"a,b\n\"x\ny\",2"),
        vec![row(1, &["a", "b"]), row(2, &["x\ny", "2"])]
    );
}

#[test]
fn blank_lines_are_rows_without_cells() {
    for text in ["a,b\n\n\nc,d\n\n", "a,b\r\n\r\n\r\nc,d\r\n\r\n"] {
        let rows = read(text.as_bytes());
        assert_eq!(
            rows[..4],
            [
                row(1, &["a", "b"]),
                row(2, &[]),
                row(3, &[]),
                row(4, &["c", "d"]),
            ],
            "{text:?}"
        );
        // A blank line at the very end may or may not come through; nothing else.
        assert!(rows.len() == 4 || (rows.len() == 5 && rows[4] == row(5, &[])));
    }
}

#[test]
fn old_mac_line_ends() {
    assert_eq!(
        read(b"a;b\r1;2\r\r3;4\r"),
        vec![
            row(1, &["a", "b"]),
            row(2, &["1", "2"]),
            row(3, &[]),
            row(4, &["3", "4"])
        ]
    );
}

#[test]
fn title_rows_above_the_header() {
    let bytes = b"Ranking municipal 2018\n\ncodigo;municipio;indice\n0101;Guatemala;0,59\n0102;Santa Catarina Pinula;0,61\n0103;San Jos\xe9 Pinula;0,55\n\nFuente: SEGEPLAN, 2019\n";
    let (_f, src) = source(bytes, &TextOptions::default());
    assert_eq!(src.dialect().delimiter, b';');
    let mut rows = src.open().unwrap();
    let mut first = Vec::new();
    let mut lines = Vec::new();
    while rows.advance().unwrap() && first.len() < 200 {
        first.push(
            (0..rows.len())
                .map(|i| rows.get(i).to_owned_value())
                .collect::<Vec<OwnedValue>>(),
        );
        lines.push(rows.position());
    }
    let header = find_header(&first).unwrap();
    assert_eq!(header, 2);
    assert_eq!(lines[header], 3);
    assert_eq!(first[header][1], OwnedValue::Text("municipio".into()));
    assert_eq!(first[5][1], OwnedValue::Text("San José Pinula".into()));
}

#[test]
fn ragged_rows_keep_their_lengths() {
    let rows = read(b"a,b,c\n1,2\n1,2,3,4\n\"x\"\n");
    let lengths: Vec<usize> = rows.iter().map(|(_, c)| c.len()).collect();
    assert_eq!(lengths, [3, 2, 4, 1]);
}

#[test]
fn cells_are_not_trimmed() {
    assert_eq!(
        read(b"a,b\n 1 ,\" x \"\n"),
        vec![row(1, &["a", "b"]), row(2, &[" 1 ", " x "])]
    );
}

#[test]
fn binary_and_empty_files_are_refused() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
    assert_eq!(open_err(png, &TextOptions::default()), IssueKind::Binary);
    assert_eq!(
        open_err(b"a,b\n1,\0\0\0\x02\n", &TextOptions::default()),
        IssueKind::Binary
    );
    assert_eq!(open_err(b"", &TextOptions::default()), IssueKind::EmptyFile);
    assert_eq!(
        open_err(b"\xEF\xBB\xBF\r\n", &TextOptions::default()),
        IssueKind::EmptyFile
    );
}

#[test]
fn invalid_utf8_is_replaced_and_counted() {
    let (_f, src) = source(
        "municipio,n\nPetén,1\nMi\u{fffd}co,2\n".as_bytes(),
        &TextOptions::default(),
    );
    assert_eq!(src.dialect().encoding_name(), "UTF-8");
    drop(src);

    // Mostly UTF-8 with a few broken bytes: still UTF-8, with a warning.
    let mut bytes = "municipio,n\nPetén,1\n".repeat(50).into_bytes();
    bytes.extend_from_slice(b"Mi\xffco,\xfe\xfd\n");
    let (_f, src) = source(&bytes, &TextOptions::default());
    assert_eq!(src.dialect().encoding_name(), "UTF-8");
    let mut rows = src.open().unwrap();
    let all = rows_of(rows.as_mut());
    assert_eq!(all[100], row(101, &["Mi\u{fffd}co", "\u{fffd}\u{fffd}"]));
    let issues = rows.take_issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].severity, Severity::Warning);
    assert_eq!(
        issues[0].kind,
        IssueKind::InvalidBytes {
            encoding: "UTF-8".into(),
            count: 3
        }
    );
    assert_eq!(issues[0].row, Some(101));
}

#[test]
fn open_reads_from_the_start_each_time() {
    let (_f, src) = source(b"a,b\n1,2\n3,4\n", &TextOptions::default());
    let mut first = src.open().unwrap();
    assert!(first.advance().unwrap());
    let mut second = src.open().unwrap();
    let all = rows_of(second.as_mut());
    assert_eq!(all.len(), 3);
    assert_eq!(rows_of(first.as_mut()).len(), 2);
    assert_eq!(src.name(), "t");
}

#[test]
fn blank_lines_before_a_multiline_record() {
    assert_eq!(
        read(b"a\n\n\"x\ny\"\nz\n"),
        vec![
            row(1, &["a"]),
            row(2, &[]),
            row(3, &["x\ny"]),
            row(5, &["z"])
        ]
    );
}

#[test]
fn a_delimiter_inside_a_character_is_decoded_field_by_field() {
    let opts = TextOptions {
        encoding: Some("utf-8".into()),
        delimiter: Some(b','),
    };
    let (_f, src) = source(b"a,b\n\xc3,\xa9\n", &opts);
    let mut rows = src.open().unwrap();
    assert_eq!(
        rows_of(rows.as_mut()),
        vec![row(1, &["a", "b"]), row(2, &["\u{fffd}", "\u{fffd}"])]
    );
    let issues = rows.take_issues();
    assert_eq!(
        issues[0].kind,
        IssueKind::InvalidBytes {
            encoding: "UTF-8".into(),
            count: 2
        }
    );
}
