//! The spreadsheet reader on workbooks built here: positions, values, sheets, limits and
//! files that are not workbooks or are zip bombs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use ceiba_ingest::xlsx::{sheet_names, workbook_format, workbook_tables, WorkbookFormat};
use ceiba_ingest::{IngestError, Issue, IssueKind, Limits, OwnedValue as V, TableSource};
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

type Row = (u64, Vec<V>);

/// Code, name, population, census day, registration time, urban, rate.
type Municipio = (
    &'static str,
    &'static str,
    f64,
    (u16, u8, u8),
    (u8, u8, u8),
    bool,
    f64,
);

fn read(table: &dyn TableSource) -> Vec<Row> {
    let mut rows = table.open().unwrap();
    let mut out = Vec::new();
    while rows.advance().unwrap() {
        let cells = (0..rows.len())
            .map(|i| rows.get(i).to_owned_value())
            .collect();
        out.push((rows.position(), cells));
    }
    assert!(!rows.advance().unwrap(), "the end stays the end");
    out
}

/// The error reading the table gives, whether at `open` or at some row.
fn read_error(table: &dyn TableSource) -> Issue {
    let mut rows = match table.open() {
        Ok(rows) => rows,
        Err(e) => return e.to_issue(),
    };
    loop {
        match rows.advance() {
            Ok(true) => {}
            Ok(false) => panic!("no error: the table was read to its end"),
            Err(e) => return e.to_issue(),
        }
    }
}

fn rejected(result: Result<Vec<Box<dyn TableSource>>, IngestError>) -> Issue {
    match result {
        Ok(_) => panic!("the file was accepted"),
        Err(e) => e.to_issue(),
    }
}

fn t(s: &str) -> V {
    V::Text(s.into())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Three sheets: a table under a title and a blank row, with a TOTAL row and a note
/// below; a small table starting at C2 with blank rows inside; an empty sheet.
fn sample_book(dir: &Path) -> PathBuf {
    let path = dir.join("municipios.xlsx");
    let mut book = Workbook::new();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let clock = Format::new().set_num_format("hh:mm");
    let hours = Format::new().set_num_format("[h]:mm:ss");

    let s = book.add_worksheet();
    s.set_name("Datos").unwrap();
    s.write_string(0, 0, "Población por municipio, censo 2018")
        .unwrap();
    let header = [
        "codigo",
        "municipio",
        "poblacion",
        "fecha",
        "registro",
        "urbano",
        "tasa",
        "doble",
    ];
    for (c, h) in header.iter().enumerate() {
        s.write_string(2, c as u16, *h).unwrap();
    }
    let data: [Municipio; 3] = [
        (
            "0101",
            "Guatemala",
            923392.0,
            (2018, 4, 15),
            (13, 45, 0),
            true,
            0.0525,
        ),
        (
            "0102",
            "Santa Catarina Pinula",
            80582.0,
            (2018, 4, 16),
            (8, 0, 30),
            false,
            1e20,
        ),
        (
            "0103",
            "San José Pinula",
            79844.0,
            (2018, 4, 17),
            (0, 0, 0),
            true,
            -3.0,
        ),
    ];
    for (i, (code, name, pop, (y, m, d), (hh, mm, ss), urban, rate)) in data.iter().enumerate() {
        let r = 3 + i as u32;
        s.write_string(r, 0, *code).unwrap();
        s.write_string(r, 1, *name).unwrap();
        s.write_number(r, 2, *pop).unwrap();
        let on = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        s.write_datetime_with_format(r, 3, &on, &day).unwrap();
        let at = ExcelDateTime::from_ymd(*y, *m, *d)
            .unwrap()
            .and_hms(u16::from(*hh), *mm, *ss)
            .unwrap();
        s.write_datetime_with_format(r, 4, &at, &stamp).unwrap();
        s.write_boolean(r, 5, *urban).unwrap();
        s.write_number(r, 6, *rate).unwrap();
    }
    s.write_formula(3, 7, Formula::new("=C4*2").set_result("1846784"))
        .unwrap();
    s.write_formula(4, 7, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    s.write_formula(5, 7, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    s.write_string(6, 0, "TOTAL").unwrap();
    s.write_formula(6, 2, Formula::new("=SUM(C4:C6)").set_result("1083818"))
        .unwrap();
    s.write_string(8, 0, "Fuente: INE, XII Censo Nacional de Población")
        .unwrap();

    let s = book.add_worksheet();
    s.set_name("Resumen").unwrap();
    s.write_string(1, 2, "departamento").unwrap();
    s.write_string(1, 3, "poblacion").unwrap();
    s.write_string(1, 4, "hora").unwrap();
    s.write_string(2, 2, "Guatemala").unwrap();
    s.write_number(2, 3, 3015081.0).unwrap();
    let half_past_one = ExcelDateTime::from_hms(13, 30, 0).unwrap();
    s.write_datetime_with_format(2, 4, &half_past_one, &clock)
        .unwrap();
    s.write_string(5, 2, "Alta Verapaz").unwrap();
    s.write_number(5, 3, 1215038.0).unwrap();
    s.write_number_with_format(5, 4, 1.5, &hours).unwrap();

    book.add_worksheet().set_name("Vacía").unwrap();
    book.save(&path).unwrap();
    path
}

#[test]
fn a_sheet_keeps_its_row_numbers_and_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["Datos", "Resumen", "Vacía"]);
    assert!(!tables[0].fixed_header());

    let rows = read(tables[0].as_ref());
    let header: Vec<V> = [
        "codigo",
        "municipio",
        "poblacion",
        "fecha",
        "registro",
        "urbano",
        "tasa",
        "doble",
    ]
    .iter()
    .map(|h| t(h))
    .collect();
    let at = |d: NaiveDate, h, m, s| V::DateTime(d.and_hms_opt(h, m, s).unwrap());
    let expected: Vec<Row> = vec![
        (1, vec![t("Población por municipio, censo 2018")]),
        (2, vec![]),
        (3, header),
        (
            4,
            vec![
                t("0101"),
                t("Guatemala"),
                V::Int(923392),
                V::Date(date(2018, 4, 15)),
                at(date(2018, 4, 15), 13, 45, 0),
                V::Bool(true),
                V::Float(0.0525),
                V::Int(1846784),
            ],
        ),
        (
            5,
            vec![
                t("0102"),
                t("Santa Catarina Pinula"),
                V::Int(80582),
                V::Date(date(2018, 4, 16)),
                at(date(2018, 4, 16), 8, 0, 30),
                V::Bool(false),
                V::Float(1e20),
                t("#DIV/0!"),
            ],
        ),
        (
            6,
            vec![
                t("0103"),
                t("San José Pinula"),
                V::Int(79844),
                V::Date(date(2018, 4, 17)),
                // A date and time at midnight is a date.
                V::Date(date(2018, 4, 17)),
                V::Bool(true),
                V::Int(-3),
                t("#N/A"),
            ],
        ),
        (7, vec![t("TOTAL"), V::Empty, V::Int(1083818)]),
        (8, vec![]),
        (9, vec![t("Fuente: INE, XII Censo Nacional de Población")]),
    ];
    assert_eq!(rows, expected);
}

#[test]
fn blank_rows_and_columns_before_the_data_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());
    let tables = workbook_tables(&path, Some("Resumen"), Limits::default()).unwrap();
    assert_eq!(tables.len(), 1);
    let rows = read(tables[0].as_ref());
    let e = V::Empty;
    assert_eq!(
        rows,
        vec![
            (1, vec![]),
            (
                2,
                vec![
                    e.clone(),
                    e.clone(),
                    t("departamento"),
                    t("poblacion"),
                    t("hora")
                ]
            ),
            (
                3,
                vec![
                    e.clone(),
                    e.clone(),
                    t("Guatemala"),
                    V::Int(3015081),
                    t("13:30:00")
                ]
            ),
            (4, vec![]),
            (5, vec![]),
            (
                6,
                vec![
                    e.clone(),
                    e,
                    t("Alta Verapaz"),
                    V::Int(1215038),
                    t("36:00:00")
                ]
            ),
        ]
    );
}

#[test]
fn an_empty_sheet_has_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());
    let tables = workbook_tables(&path, Some("Vacía"), Limits::default()).unwrap();
    assert_eq!(read(tables[0].as_ref()), vec![]);
}

#[test]
fn sheets_are_chosen_by_name_and_a_missing_one_lists_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());
    assert_eq!(sheet_names(&path).unwrap(), ["Datos", "Resumen", "Vacía"]);
    // Other capitals and stray spaces still find the only sheet that matches.
    let tables = workbook_tables(&path, Some(" resumen "), Limits::default()).unwrap();
    assert_eq!(tables[0].name(), "Resumen");

    let issue = rejected(workbook_tables(&path, Some("Hoja1"), Limits::default()));
    assert_eq!(
        issue.kind,
        IssueKind::SheetNotFound {
            sheet: "Hoja1".into(),
            available: vec!["Datos".into(), "Resumen".into(), "Vacía".into()],
        }
    );
    assert_eq!(
        workbook_format(&path, &Limits::default()).unwrap(),
        WorkbookFormat::Xlsx
    );
}

#[test]
fn a_table_reads_again_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    let first = read(tables[0].as_ref());
    // Stopping early (as header detection does) does not disturb the next reading.
    {
        let mut rows = tables[0].open().unwrap();
        assert!(rows.advance().unwrap());
        assert!(rows.advance().unwrap());
        assert_eq!(rows.position(), 2);
        assert!(rows.bytes_read() > 0);
    }
    assert_eq!(read(tables[0].as_ref()), first);
}

#[test]
fn many_rows_cross_batches_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("largo.xlsx");
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    let n: u32 = 10_001;
    for r in 0..n {
        // Every seventh row is left blank.
        if r % 7 == 3 {
            continue;
        }
        s.write_number(r, 0, f64::from(r)).unwrap();
        s.write_string(r, 1, format!("fila {r}")).unwrap();
    }
    book.save(&path).unwrap();
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    let rows = read(tables[0].as_ref());
    assert_eq!(rows.len(), n as usize);
    for (i, (pos, cells)) in rows.iter().enumerate() {
        assert_eq!(*pos, i as u64 + 1);
        if i % 7 == 3 {
            assert!(cells.is_empty(), "row {pos}");
        } else {
            assert_eq!(cells, &vec![V::Int(i as i64), t(&format!("fila {i}"))]);
        }
    }
}

#[test]
fn limits_name_the_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_book(dir.path());

    let limits = Limits {
        max_cell_bytes: 20,
        ..Limits::default()
    };
    let tables = workbook_tables(&path, Some("Datos"), limits).unwrap();
    let issue = read_error(tables[0].as_ref());
    assert_eq!(issue.kind, IssueKind::CellTooLong { limit: 20 });
    assert_eq!(issue.row, Some(1));
    assert_eq!(issue.column, Some((1, "A".to_string())));

    let limits = Limits {
        max_columns: 5,
        ..Limits::default()
    };
    let tables = workbook_tables(&path, Some("Datos"), limits).unwrap();
    let issue = read_error(tables[0].as_ref());
    assert_eq!(issue.kind, IssueKind::TooManyColumns { count: 6, limit: 5 });
    assert_eq!(issue.row, Some(3));
}

fn unreadable_format(issue: &Issue) -> (&str, &str) {
    match &issue.kind {
        IssueKind::Unreadable { format, detail } => (format.as_str(), detail.as_str()),
        other => panic!("not unreadable: {other:?}"),
    }
}

#[test]
fn files_that_are_not_workbooks_are_unreadable() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("datos.xlsx");
    std::fs::write(&text, "codigo,municipio\n0101,Guatemala\n").unwrap();
    let issue = rejected(workbook_tables(&text, None, Limits::default()));
    assert_eq!(unreadable_format(&issue).0, "XLSX");
    assert!(sheet_names(&text).is_err());

    let html = dir.path().join("reporte.xls");
    std::fs::write(&html, "<html><table><tr><td>1</td></tr></table></html>").unwrap();
    let issue = rejected(workbook_tables(&html, None, Limits::default()));
    let (format, detail) = unreadable_format(&issue);
    assert_eq!(format, "XLS");
    assert!(detail.contains("HTML"), "{detail}");

    let broken = dir.path().join("roto.xlsx");
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0..500u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&broken, bytes).unwrap();
    let issue = rejected(workbook_tables(&broken, None, Limits::default()));
    let (format, detail) = unreadable_format(&issue);
    assert_eq!(format, "XLSX");
    assert!(detail.contains("ZIP"), "{detail}");

    // A valid workbook cut in half.
    let whole = std::fs::read(sample_book(dir.path())).unwrap();
    let half = dir.path().join("mitad.xlsx");
    std::fs::write(&half, &whole[..whole.len() / 2]).unwrap();
    let issue = rejected(workbook_tables(&half, None, Limits::default()));
    assert_eq!(unreadable_format(&issue).0, "XLSX");

    let word = dir.path().join("carta.xlsx");
    write_zip(&word, &[("word/document.xml", b"<w:document/>".to_vec())]);
    let issue = rejected(workbook_tables(&word, None, Limits::default()));
    assert!(unreadable_format(&issue).1.contains("Word"));

    let empty = dir.path().join("vacio.xlsx");
    std::fs::write(&empty, "").unwrap();
    let issue = rejected(workbook_tables(&empty, None, Limits::default()));
    assert_eq!(issue.kind, IssueKind::EmptyFile);
}

fn write_zip(path: &Path, entries: &[(&str, Vec<u8>)]) {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in entries {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomba.xlsx");
    // 50 MB of rows that compress to almost nothing.
    let row = b"<row><c><v>1</v></c></row>";
    let mut sheet = b"<worksheet><sheetData>".to_vec();
    while sheet.len() < 50 * 1024 * 1024 {
        sheet.extend_from_slice(row);
    }
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    write_zip(
        &path,
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
            ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
            ("xl/worksheets/sheet1.xml", sheet),
        ],
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 1024 * 1024);
    let limits = Limits {
        max_inflated_bytes: 10 * 1024 * 1024,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let issue = rejected(workbook_tables(&path, None, limits));
    assert_eq!(
        issue.kind,
        IssueKind::InflatedTooLarge {
            limit: 10 * 1024 * 1024
        }
    );
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn an_absurd_compression_ratio_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ceros.xlsx");
    write_zip(
        &path,
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
            ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
            ("xl/media/image1.bin", vec![0u8; 20 * 1024 * 1024]),
        ],
    );
    // The premise: deflate packed the zeros more than 1000 to 1.
    let archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let entry = archive.by_index_data(2).unwrap();
    assert!(entry.size() / entry.compressed_size() > 1000);

    let issue = rejected(workbook_tables(&path, None, Limits::default()));
    assert!(
        matches!(issue.kind, IssueKind::InflatedTooLarge { .. }),
        "{issue:?}"
    );
}

const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

fn ods(path: &Path, tables: &str) {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    write_zip(
        path,
        &[
            ("mimetype", ODS_MIME.as_bytes().to_vec()),
            ("META-INF/manifest.xml", MANIFEST.as_bytes().to_vec()),
            ("content.xml", content.into_bytes()),
        ],
    );
}

#[test]
fn ods_sheets_are_read_with_their_positions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("censo.ods");
    let string = |s: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
        )
    };
    let float = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let blank = r#"<table:table-row><table:table-cell/></table:table-row>"#;
    let table = format!(
        r#"<table:table table:name="Hoja1"><table:table-row>{}</table:table-row>{blank}<table:table-row><table:table-cell/>{}{}{}</table:table-row><table:table-row><table:table-cell/>{}{}<table:table-cell office:value-type="date" office:date-value="2018-04-15"><text:p>15/04/2018</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell/>{}{}</table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table><table:table table:name="Notas"></table:table>"#,
        string("Población 2018"),
        string("codigo"),
        string("poblacion"),
        string("fecha"),
        string("0101"),
        float("923392"),
        string("0102"),
        float("80582.5"),
    );
    ods(&path, &table);
    assert_eq!(
        workbook_format(&path, &Limits::default()).unwrap(),
        WorkbookFormat::Ods
    );
    assert_eq!(sheet_names(&path).unwrap(), ["Hoja1", "Notas"]);
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    let rows = read(tables[0].as_ref());
    let e = V::Empty;
    assert_eq!(
        rows,
        vec![
            (1, vec![t("Población 2018")]),
            (2, vec![]),
            (3, vec![e.clone(), t("codigo"), t("poblacion"), t("fecha")]),
            (
                4,
                vec![e.clone(), t("0101"), V::Int(923392), t("2018-04-15")]
            ),
            (5, vec![e.clone(), t("0102"), V::Float(80582.5)]),
            (6, vec![e, t("0102"), V::Float(80582.5)]),
        ]
    );
    assert_eq!(read(tables[1].as_ref()), vec![]);
}

#[test]
fn an_ods_that_repeats_itself_into_billions_of_cells_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repeticion.ods");
    ods(
        &path,
        r#"<table:table table:name="Hoja1"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 4096);
    let issue = rejected(workbook_tables(&path, None, Limits::default()));
    assert!(
        matches!(issue.kind, IssueKind::MemoryTooLarge { .. }),
        "{issue:?}"
    );
}

/// A real XLSB (calamine's own test workbook; tests/fixtures/PROVENANCE.md): read through
/// the same door as an upload, accents and markup characters intact, numbers typed.
#[test]
fn an_xlsb_workbook_is_read_and_its_shared_strings_are_bounded() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/calamine-issues.xlsb"
    ));
    assert_eq!(
        workbook_format(path, &Limits::default()).unwrap(),
        WorkbookFormat::Xlsb
    );
    let names = sheet_names(path).unwrap();
    assert!(names.iter().any(|n| n == "spc_chrs"), "{names:?}");

    let tables = workbook_tables(path, Some("spc_chrs"), Limits::default()).unwrap();
    let rows = read(tables[0].as_ref());
    let firsts: Vec<V> = rows.iter().map(|(_, cells)| cells[0].clone()).collect();
    assert_eq!(
        firsts,
        ["&", "<", ">", "aaa ' aaa", "\"", "☺", "֍", "àâéêèçöïî«»"].map(t)
    );
    assert_eq!(
        rows.iter().map(|(pos, _)| *pos).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<u64>>()
    );

    let tables = workbook_tables(path, Some("issue2"), Limits::default()).unwrap();
    let rows = read(tables[0].as_ref());
    assert_eq!(
        rows,
        vec![
            (1, vec![V::Int(1), t("a")]),
            (2, vec![V::Int(2), t("b")]),
            (3, vec![V::Int(3), t("c")]),
        ]
    );

    // What calamine would hold for the shared strings is counted before it opens the file.
    let tiny = Limits {
        max_memory_bytes: 64,
        ..Limits::default()
    };
    let issue = rejected(workbook_tables(path, None, tiny));
    assert!(
        matches!(&issue.kind, IssueKind::MemoryTooLarge { part, limit: 64, .. } if part.ends_with("sharedStrings.bin")),
        "{issue:?}"
    );
}
