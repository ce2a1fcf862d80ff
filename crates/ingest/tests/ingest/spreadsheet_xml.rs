//! Excel's XML Spreadsheet 2003 files, as Chile's SINIM exports them (named `.xls`, a line
//! break before `<?xml`, a group label repeated over each year, codes written as numbers
//! with their leading zero, "No Recepcionado" for missing values), and hostile ones.

use ceiba_core::ColumnType;
use ceiba_ingest::{ingest_file, IngestOptions, IngestOutcome, IssueKind, Limits};

fn ingest(name: &str, xml: &str, limits: Limits) -> (IngestOutcome, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload");
    std::fs::write(&path, xml).unwrap();
    let out = ingest_file(
        &path,
        name,
        &IngestOptions::default(),
        limits,
        dir.path(),
        &|_, _, _| {},
    );
    (out, dir)
}

fn workbook(sheets: &str) -> String {
    format!(
        "\n<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\n{sheets}</Workbook>\n"
    )
}

fn cell(kind: &str, v: &str) -> String {
    format!("<Cell><Data ss:Type=\"{kind}\">{v}</Data></Cell>")
}

#[test]
fn a_sinim_export_reads_as_a_table_by_year() {
    let group = "Superficie de parques (m&#178;) &amp; otros";
    let mut rows = String::new();
    rows.push_str(&format!(
        "<Row>{}</Row>",
        cell("String", "Valores en miles de pesos")
    ));
    rows.push_str(&format!(
        "<Row><Cell/><Cell/>{}{}{}</Row>",
        cell("String", group),
        cell("String", group),
        cell("String", group)
    ));
    rows.push_str(&format!(
        "<Row>{}{}{}{}{}</Row>",
        cell("String", "CODIGO"),
        cell("String", "MUNICIPIO"),
        cell("String", "2023"),
        cell("String", "2022"),
        cell("String", "2021")
    ));
    let places = [
        ("01101", "IQUIQUE"),
        ("01107", "ALTO HOSPICIO"),
        ("10101", "PUERTO MONTT"),
    ];
    for (k, (code, name)) in places.iter().enumerate() {
        let missing = if k == 1 {
            cell("String", "No Recepcionado")
        } else {
            cell("Number", &format!("{}", 97829 + k))
        };
        rows.push_str(&format!(
            "<Row>{}{}{}{}{}</Row>",
            cell("Number", code),
            cell("String", name),
            missing,
            cell("Number", "1250.5"),
            cell("Number", "0")
        ));
    }
    // A row the sheet skips with ss:Index, then a date.
    rows.push_str(&format!(
        "<Row ss:Index=\"9\"><Cell ss:Index=\"2\">{}</Cell></Row>",
        "<Data ss:Type=\"String\">Fuente: SINIM</Data>"
    ));
    let xml = workbook(&format!(
        "<Worksheet ss:Name=\"Hoja1\"><Table>{rows}</Table></Worksheet><Worksheet ss:Name=\"Fechas\"><Table><Row>{}{}</Row><Row>{}{}</Row><Row>{}{}</Row></Table></Worksheet>",
        cell("String", "evento"),
        cell("String", "fecha"),
        cell("String", "Censo"),
        cell("DateTime", "2017-04-19T00:00:00.000"),
        cell("String", "Encuesta"),
        cell("DateTime", "2022-11-30T00:00:00.000")
    ));
    let (out, _d) = ingest("parques.xls", &xml, Limits::default());
    assert_eq!(out.report.format.as_deref(), Some("XML Spreadsheet 2003"));
    assert!(
        out.report
            .warnings
            .iter()
            .any(|w| matches!(w.kind, IssueKind::Mislabelled { .. })),
        "the name says XLS: {:?}",
        out.report.warnings
    );
    let t = &out.report.tables[0];
    assert_eq!(t.name, "Hoja1");
    assert_eq!(t.header_row, Some(3));
    assert_eq!(t.rows, 3);
    let labels: Vec<_> = t.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "CODIGO",
            "MUNICIPIO",
            "Superficie de parques (m²) & otros · 2023",
            "Superficie de parques (m²) & otros · 2022",
            "Superficie de parques (m²) & otros · 2021"
        ]
    );
    let types: Vec<_> = t.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        [
            ColumnType::Text,
            ColumnType::Text,
            ColumnType::Integer,
            ColumnType::Decimal,
            ColumnType::Integer
        ]
    );
    assert_eq!(t.sample[0][0], serde_json::json!("01101"));
    assert_eq!(
        t.sample[1][2],
        serde_json::Value::Null,
        "No Recepcionado is no data"
    );
    let dates = &out.report.tables[1];
    assert_eq!(dates.columns[1].column_type, ColumnType::Date);
    assert_eq!(dates.sample[0][1], serde_json::json!("2017-04-19"));
}

#[test]
fn hostile_xml_spreadsheets_are_refused_with_a_reason() {
    let limits = Limits {
        max_rows: 1_000,
        max_columns: 50,
        max_cell_bytes: 100,
        ..Limits::default()
    };
    let sheet = |rows: &str| {
        workbook(&format!(
            "<Worksheet ss:Name=\"H\"><Table>{rows}</Table></Worksheet>"
        ))
    };
    let header = format!("<Row>{}{}</Row>", cell("String", "a"), cell("String", "b"));
    let cases = [
        // A row index far below: as many blank rows would be read.
        format!(
            "{header}<Row ss:Index=\"999999999\">{}</Row>",
            cell("Number", "1")
        ),
        // A cell index past the column limit.
        format!(
            "{header}<Row><Cell ss:Index=\"100000\"><Data ss:Type=\"Number\">1</Data></Cell></Row>"
        ),
        // A cell longer than the limit.
        format!("{header}<Row>{}</Row>", cell("String", &"x".repeat(500))),
    ];
    let expected = ["rows", "columns", "cell"];
    for (xml, what) in cases.iter().zip(expected) {
        let (out, _d) = ingest("h.xml", &sheet(xml), limits);
        let errors: Vec<_> = out
            .report
            .all_errors()
            .map(|e| format!("{:?}", e.kind))
            .collect();
        assert!(!errors.is_empty(), "{what}: {:?}", out.report);
        let named = match what {
            "rows" => errors.iter().any(|e| e.contains("TooManyRows")),
            "columns" => errors.iter().any(|e| e.contains("TooManyColumns")),
            _ => errors.iter().any(|e| e.contains("CellTooLong")),
        };
        assert!(named, "{what}: {errors:?}");
    }
    // Cut off inside a row: unreadable, with where.
    let cut = sheet(&format!("{header}<Row>{}", cell("Number", "1")));
    let cut = &cut[..cut.len() - 40];
    let (out, _d) = ingest("h.xls", cut, limits);
    assert!(
        out.report
            .all_errors()
            .any(|e| matches!(e.kind, IssueKind::Unreadable { .. })),
        "{:?}",
        out.report
    );
    // Entities other than XML's own are not expanded.
    let bomb = workbook("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><Worksheet ss:Name=\"H\"><Table><Row><Cell><Data ss:Type=\"String\">t</Data></Cell><Cell><Data ss:Type=\"String\">u</Data></Cell></Row><Row><Cell><Data ss:Type=\"String\">&b;&b;</Data></Cell><Cell><Data ss:Type=\"Number\">1</Data></Cell></Row></Table></Worksheet>");
    let (out, _d) = ingest("bomba.xls", &bomb, limits);
    if let Some(t) = out.report.tables.first() {
        assert!(
            t.sample
                .iter()
                .flatten()
                .all(|v| !v.to_string().contains("aaaa")),
            "{:?}",
            t.sample
        );
    }
}
