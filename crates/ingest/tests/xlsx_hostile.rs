//! Workbooks made to exhaust memory through what calamine trusts: declared counts, shared
//! strings and styles that inflate. Each is refused before calamine reads it, with the
//! limit named; the same shapes at an honest size still read.

use std::io::Write;
use std::path::{Path, PathBuf};

use ceiba_ingest::xlsx::workbook_tables;
use ceiba_ingest::{ingest_file, IngestError, Issue, IssueKind, Lang, Limits};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
/// Two shared strings as header, a number below.
const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row></sheetData></worksheet>"#;

/// A workbook of one sheet with these shared strings and styles (deflated: a few KB).
fn workbook(dir: &Path, name: &str, shared: &[u8], styles: Option<&[u8]>) -> PathBuf {
    use zip::write::SimpleFileOptions;
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", SHEET.as_bytes()),
        ("xl/sharedStrings.xml", shared),
    ];
    if let Some(styles) = styles {
        parts.push(("xl/styles.xml", styles));
    }
    for (name, data) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    path
}

fn shared_strings(unique_count: &str, strings: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="{unique_count}">"#
    )
    .into_bytes();
    for s in strings {
        xml.extend_from_slice(format!("<si><t>{s}</t></si>").as_bytes());
    }
    xml.extend_from_slice(b"</sst>");
    xml
}

fn header() -> Vec<String> {
    vec!["codigo".into(), "poblacion".into()]
}

fn rejected<T>(r: Result<T, IngestError>) -> Issue {
    match r {
        Err(IngestError::Rejected(issue)) => issue,
        Err(e) => panic!("expected a rejection, got {e}"),
        Ok(_) => panic!("expected a rejection, the file was accepted"),
    }
}

/// Reads every table's rows whole, as ingestion would.
fn read_all(path: &Path, limits: Limits) -> Result<u64, IngestError> {
    let mut rows = 0;
    for table in workbook_tables(path, None, limits)? {
        let mut r = table.open()?;
        while r.advance()? {
            rows += 1;
        }
    }
    Ok(rows)
}

#[test]
fn a_declared_unique_count_of_a_trillion_is_refused_before_calamine_reserves_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        "bomba.xlsx",
        &shared_strings("1000000000000", header()),
        None,
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 2048);
    // Before the guard calamine reserved 24 TB here and the process aborted.
    let issue = rejected(workbook_tables(&path, None, Limits::default()));
    assert_eq!(
        issue.kind,
        IssueKind::CountMismatch {
            part: "xl/sharedStrings.xml".into(),
            declared: 1_000_000_000_000,
            found: 2,
        }
    );
    assert!(issue.message(Lang::Es).contains("declara 1000000000000"));

    // Through the whole ingestion the publisher reads why, in their language.
    let out = ingest_file(
        &path,
        "bomba.xlsx",
        &Default::default(),
        Limits::default(),
        dir.path(),
        &|_, _, _| {},
    );
    assert!(!out.report.succeeded());
    let message = out.report.all_errors().next().unwrap().message(Lang::En);
    assert!(
        message.contains("declares 1000000000000 entries but holds 2"),
        "{message}"
    );
}

#[test]
fn a_small_overstated_unique_count_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    // Some writers overstate the count a little; calamine then reserves a few slots more.
    let path = workbook(
        dir.path(),
        "honesto.xlsx",
        &shared_strings("10", header()),
        None,
    );
    assert_eq!(read_all(&path, Limits::default()).unwrap(), 2);
}

#[test]
fn shared_strings_that_inflate_past_the_memory_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 200,000 one-letter strings: 3.4 MB of XML, a few KB packed, and about three times
    // that in memory as Rust strings. The issue's file did the same with 810 MB.
    let many = header()
        .into_iter()
        .chain((0..200_000).map(|i| ((b'a' + (i % 26) as u8) as char).to_string()));
    let path = workbook(
        dir.path(),
        "cadenas.xlsx",
        &shared_strings("200002", many),
        None,
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 64 * 1024);
    let limits = Limits {
        max_memory_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let issue = rejected(workbook_tables(&path, None, limits));
    match &issue.kind {
        IssueKind::MemoryTooLarge {
            part,
            needed,
            limit,
        } => {
            assert_eq!(part, "xl/sharedStrings.xml");
            assert!(*needed > 4 * 1024 * 1024);
            assert_eq!(*limit, 4 * 1024 * 1024);
        }
        other => panic!("{other:?}"),
    }
    assert!(issue.message(Lang::Es).contains("max_memory_bytes"));
    // Within the default limit the same workbook reads.
    assert_eq!(read_all(&path, Limits::default()).unwrap(), 2);
}

#[test]
fn styles_whose_copies_inflate_past_the_memory_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // One font with a 60 KB name, copied into each of 2,000 cell formats: 120 MB in memory
    // from a few KB packed.
    let name = "F".repeat(60_000);
    let mut styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><name val="{name}"/></font></fonts><cellXfs count="2000">"#
    );
    for _ in 0..2000 {
        styles.push_str(r#"<xf numFmtId="0" fontId="0"/>"#);
    }
    styles.push_str("</cellXfs></styleSheet>");
    let path = workbook(
        dir.path(),
        "estilos.xlsx",
        &shared_strings("2", header()),
        Some(styles.as_bytes()),
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 64 * 1024);
    let limits = Limits {
        max_memory_bytes: 32 * 1024 * 1024,
        ..Limits::default()
    };
    let issue = rejected(workbook_tables(&path, None, limits));
    assert!(
        matches!(&issue.kind, IssueKind::MemoryTooLarge { part, .. } if part == "xl/styles.xml"),
        "{issue:?}"
    );
    assert_eq!(read_all(&path, Limits::default()).unwrap(), 2);
}
