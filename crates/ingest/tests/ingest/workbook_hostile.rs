//! Workbooks made to exhaust memory through what calamine trusts: declared counts, shared
//! strings and styles that inflate. Each is refused before calamine reads it, with the
//! limit named; the same shapes at an honest size still read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    workbook_with_sheet(dir, name, SHEET, shared, styles)
}

fn workbook_with_sheet(
    dir: &Path,
    name: &str,
    sheet: &str,
    shared: &[u8],
    styles: Option<&[u8]>,
) -> PathBuf {
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
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
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

/// An Excel 97-2003 file: one sheet `Hoja1` with these cells (row, column, value), as a
/// compound file whose `Workbook` stream takes one 4 KB sector chain.
fn xls(cells: &[(u16, u16, &str)]) -> Vec<u8> {
    fn rec(t: u16, data: &[u8]) -> Vec<u8> {
        let mut out = t.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }
    fn bof(kind: u16) -> Vec<u8> {
        let mut d = Vec::new();
        for v in [0x0600u16, kind, 0x0DBB, 0x07CC] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend_from_slice(&0u32.to_le_bytes());
        d.extend_from_slice(&0x0206u32.to_le_bytes());
        rec(0x0809, &d)
    }
    let name = b"Hoja1";
    let mut globals = bof(0x0005);
    let sheet_at = globals.len() + 4 + 8 + name.len() + 4;
    let mut bound = (sheet_at as u32).to_le_bytes().to_vec();
    bound.extend_from_slice(&[0, 0, name.len() as u8, 0]);
    bound.extend_from_slice(name);
    globals.extend(rec(0x0085, &bound));
    globals.extend(rec(0x000A, &[]));
    let mut sheet = bof(0x0010);
    for (r, c, v) in cells {
        let mut d = Vec::new();
        for x in [*r, *c, 0, v.len() as u16] {
            d.extend_from_slice(&x.to_le_bytes());
        }
        d.push(0);
        d.extend_from_slice(v.as_bytes());
        sheet.extend(rec(0x0204, &d));
    }
    sheet.extend(rec(0x000A, &[]));
    let mut stream = globals;
    stream.extend(sheet);
    assert!(stream.len() <= 4096);
    stream.resize(4096, 0);

    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 =
        |h: &mut Vec<u8>, at: usize, v: u16| h[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    for (i, v) in [0x3Eu16, 3, 0xFFFE, 9, 6].into_iter().enumerate() {
        put16(&mut header, 24 + 2 * i, v);
    }
    for (i, v) in [0u32, 1, 1, 0, 4096, 0xFFFF_FFFE, 0, 0xFFFF_FFFE, 0]
        .into_iter()
        .enumerate()
    {
        put32(&mut header, 40 + 4 * i, v);
    }
    put32(&mut header, 76, 0);
    for i in 1..109 {
        put32(&mut header, 76 + 4 * i, 0xFFFF_FFFF);
    }
    // FAT: sector 0 is the FAT, 1 the directory, 2..=9 the stream.
    let mut fat = vec![
        0xFFFF_FFFDu32,
        0xFFFF_FFFE,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        0xFFFF_FFFE,
    ];
    fat.resize(128, 0xFFFF_FFFF);
    let mut out = header;
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let entry = |name: &str, typ: u8, start: u32, size: u32, child: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        for (i, v) in [0xFFFF_FFFFu32, 0xFFFF_FFFF, child].into_iter().enumerate() {
            e[68 + 4 * i..72 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 0xFFFF_FFFE, 0, 1));
    out.extend(entry("Workbook", 2, 2, 4096, 0xFFFF_FFFF));
    out.extend(vec![0u8; 256]);
    out.extend(stream);
    out
}

#[test]
fn an_xls_whose_cells_span_the_whole_grid_is_refused_before_calamine_lays_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let honest = dir.path().join("honesto.xls");
    std::fs::write(
        &honest,
        xls(&[
            (0, 0, "codigo"),
            (0, 1, "nombre"),
            (1, 0, "0101"),
            (1, 1, "Guatemala"),
        ]),
    )
    .unwrap();
    assert_eq!(read_all(&honest, Limits::default()).unwrap(), 2);

    // Two cells, in A1 and at row and column 65,536: calamine lays out the four billion
    // cells between them (over 100 GB) and the process aborted.
    let path = dir.path().join("rejilla.xls");
    std::fs::write(&path, xls(&[(0, 0, "a"), (65535, 65535, "b")])).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 8192);
    let issue = rejected(workbook_tables(&path, None, Limits::default()));
    assert!(
        matches!(&issue.kind, IssueKind::MemoryTooLarge { part, .. } if part == "Workbook"),
        "{issue:?}"
    );
}

#[test]
fn a_cell_past_excels_last_row_is_refused_instead_of_billions_of_blank_rows() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = SHEET.replace(
        "</sheetData>",
        r#"<row r="4000000000"><c r="A4000000000"><v>3</v></c></row></sheetData>"#,
    );
    let path = workbook_with_sheet(
        dir.path(),
        "filas.xlsx",
        &sheet,
        &shared_strings("2", header()),
        None,
    );
    let issue = rejected(read_all(&path, Limits::default()));
    assert!(
        issue
            .message(Lang::En)
            .contains("row 4000000000, past the last row"),
        "{issue:?}"
    );
}

/// An ODS package around `content`.
fn ods(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    use zip::write::SimpleFileOptions;
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = SimpleFileOptions::default();
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    for (part, data) in [
        (
            "mimetype",
            &b"application/vnd.oasis.opendocument.spreadsheet"[..],
        ),
        ("META-INF/manifest.xml", &manifest[..]),
        ("content.xml", content),
    ] {
        zip.start_file(part, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    path
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const ODS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#;

// Found by fuzzing: calamine reads a table (and a cell comment) until its end tag and
// never stops at the end of the file; it looped forever on an ODS cut inside a table.
#[test]
fn an_ods_that_ends_inside_a_table_or_a_comment_is_refused_instead_of_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    let found = std::fs::read(fixture("fuzz-ods-open-table.content.xml")).unwrap();
    let cut_in_comment = format!(
        r#"{ODS_HEAD}<table:table table:name="Hoja1"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>nota"#
    );
    for (name, content) in [
        ("hallado.ods", found),
        ("comentario.ods", cut_in_comment.into_bytes()),
    ] {
        let issue = rejected(read_all(
            &ods(dir.path(), name, &content),
            Limits::default(),
        ));
        assert!(
            matches!(&issue.kind, IssueKind::Unreadable { format, .. } if format == "ODS"),
            "{name}: {issue:?}"
        );
    }
    // The same table closed reads.
    let whole = format!(
        r#"{ODS_HEAD}<table:table table:name="Hoja1"><table:table-row><table:table-cell office:value-type="string"><text:p>codigo</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="101"><text:p>101</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    assert_eq!(
        read_all(
            &ods(dir.path(), "entero.ods", whole.as_bytes()),
            Limits::default()
        )
        .unwrap(),
        2
    );
}

// calamine writes the spaces of `<text:s text:c="n"/>` one by one: four billion of them
// from one tag.
#[test]
fn an_ods_asking_for_billions_of_spaces_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let content = format!(
        r#"{ODS_HEAD}<table:table table:name="Hoja1"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/>b</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let issue = rejected(read_all(
        &ods(dir.path(), "espacios.ods", content.as_bytes()),
        Limits::default(),
    ));
    assert!(
        matches!(&issue.kind, IssueKind::MemoryTooLarge { part, .. } if part == "content.xml"),
        "{issue:?}"
    );
}

// Found by fuzzing: a compound file whose directory sector chain loops; calamine followed
// it until it asked for 3.5 GB.
#[test]
fn an_xls_whose_sector_chain_loops_is_refused_before_calamine_follows_it() {
    let issue = rejected(read_all(
        &fixture("fuzz-xls-sector-loop.xls"),
        Limits::default(),
    ));
    assert!(
        matches!(&issue.kind, IssueKind::Unreadable { format, .. } if format == "XLS"),
        "{issue:?}"
    );
}
