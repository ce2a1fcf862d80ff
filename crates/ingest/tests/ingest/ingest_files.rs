//! Whole files through ingestion: messy publisher files, bad input, and the real tables
//! in `../shared/data/guatemala/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use ceiba_core::{ColumnType, Lang};
use ceiba_ingest::{ingest_file, IngestOptions, IngestOutcome, IssueKind, Limits};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn ingest_bytes(
    name: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> (IngestOutcome, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload");
    std::fs::write(&path, bytes).unwrap();
    let out = ingest_file(
        &path,
        name,
        opts,
        Limits::default(),
        dir.path(),
        &|_, _, _| {},
    );
    (out, dir)
}

fn ingest_path(path: &Path) -> (IngestOutcome, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let out = ingest_file(
        path,
        &name,
        &IngestOptions::default(),
        Limits::default(),
        dir.path(),
        &|_, _, _| {},
    );
    (out, dir)
}

/// Every value of a Parquet column, as text ("" for null).
fn column(parquet: &Path, name: &str) -> Vec<String> {
    let file = std::fs::File::open(parquet).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let col = batch
            .column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"));
        for i in 0..col.len() {
            if col.is_null(i) {
                out.push(String::new());
                continue;
            }
            out.push(match col.data_type() {
                DataType::Int64 => col.as_primitive::<Int64Type>().value(i).to_string(),
                DataType::Float64 => col.as_primitive::<Float64Type>().value(i).to_string(),
                DataType::Utf8 => col.as_string::<i32>().value(i).to_string(),
                DataType::Boolean => col.as_boolean().value(i).to_string(),
                DataType::Date32 => col
                    .as_primitive::<arrow::datatypes::Date32Type>()
                    .value(i)
                    .to_string(),
                other => format!("{other:?}"),
            });
        }
    }
    out
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/guatemala")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is not here", p.display());
        None
    }
}

/// A file as agencies export it from Excel: Windows-1252, ';', decimal commas, a title and
/// a blank line above the header, codes with leading zeros, "N/D", a TOTAL row and a note.
const MESSY: &[u8] = b"Proyectos de inversi\xf3n p\xfablica 2024\r\n\
\r\n\
C\xf3digo;Municipio;Monto (Q);Avance;Fecha inicio;Activo;;Municipio\r\n\
0101;Guatemala;1.234.567,89;45,5;15/03/2024;S\xed;x;A\r\n\
0102;Santa Catarina Pinula;987,5;N/D;01/02/2024;No;;B\r\n\
1301;Huehuetenango;2.000;100;31/12/2024;S\xed;;C;extra\r\n\
2217;Quesada;15,25;0;;No;;D\r\n\
TOTAL;;1.237.570,64;;;;;\r\n\
;;;;;;;\r\n\
Fuente: SEGEPLAN;;;;;;;\r\n";

#[test]
fn a_messy_excel_export_is_read_right() {
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &IngestOptions::default());
    let r = &out.report;
    assert!(r.succeeded(), "{:?}", r.errors);
    assert_eq!(r.format.as_deref(), Some("CSV"));
    assert_eq!(r.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(r.delimiter, Some(';'));
    let t = &r.tables[0];
    assert_eq!(t.header_row, Some(3));
    assert_eq!(t.rows, 4, "title, blank, TOTAL and note rows are not data");
    let names: Vec<_> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_type))
        .collect();
    assert_eq!(
        names,
        [
            ("Código", ColumnType::Text),
            ("Municipio", ColumnType::Text),
            ("Monto (Q)", ColumnType::Decimal),
            ("Avance", ColumnType::Decimal),
            ("Fecha inicio", ColumnType::Date),
            ("Activo", ColumnType::Boolean),
            ("columna_7", ColumnType::Text),
            ("Municipio_2", ColumnType::Text),
        ]
    );
    let parquet = &out.tables[0].1;
    assert_eq!(
        column(parquet, "Código"),
        ["0101", "0102", "1301", "2217"],
        "leading zeros kept"
    );
    assert_eq!(column(parquet, "Municipio")[1], "Santa Catarina Pinula");
    assert_eq!(
        column(parquet, "Monto (Q)"),
        ["1234567.89", "987.5", "2000", "15.25"]
    );
    assert_eq!(
        column(parquet, "Avance"),
        ["45.5", "", "100", "0"],
        "N/D became empty"
    );
    assert_eq!(
        column(parquet, "Activo"),
        ["true", "false", "true", "false"]
    );
    assert_eq!(
        column(parquet, "Fecha inicio")[0],
        "19797",
        "15 March 2024 as days since 1970"
    );

    let messages: Vec<String> = t.warnings.iter().map(|w| w.message(Lang::Es)).collect();
    let all = messages.join("\n");
    for expected in [
        "fila 3: se omitieron 2 filas de título o en blanco sobre el encabezado",
        "fila 8: «TOTAL» parece una fila de totales",
        "fila 10: se omitieron 1 filas de notas debajo de la tabla",
        "columna 4 «Avance»: 1 valor no son números (quedaron vacíos): fila 5 'N/D'",
        "fila 3, columna 7 «»: la columna no tiene nombre; se llamará «columna_7»",
        "el nombre «Municipio» se repite",
        "fila 6: 1 filas tienen más celdas que el encabezado",
    ] {
        assert!(all.contains(expected), "missing «{expected}» in:\n{all}");
    }
    let stats = &t.columns[2].stats;
    assert_eq!(stats.min.as_deref(), Some("15.25"));
    assert_eq!(stats.max.as_deref(), Some("1234567.89"));
    assert_eq!(stats.nulls, 0);
    assert_eq!(t.columns[3].stats.nulls, 1);
    // The sample holds typed values.
    assert_eq!(t.sample[0][0], serde_json::json!("0101"));
    assert_eq!(t.sample[0][2], serde_json::json!(1234567.89));
}

#[test]
fn publishers_can_force_types_header_and_dialect() {
    let mut opts = IngestOptions::default();
    opts.column_types.insert(
        "proyectos".into(),
        [
            ("Monto (Q)".to_string(), ColumnType::Text),
            ("Código".to_string(), ColumnType::Integer),
        ]
        .into(),
    );
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &opts);
    let t = &out.report.tables[0];
    assert_eq!(t.columns[2].column_type, ColumnType::Text);
    assert!(t.columns[2].type_overridden);
    assert_eq!(t.columns[0].column_type, ColumnType::Integer);
    assert_eq!(
        column(&out.tables[0].1, "Código"),
        ["101", "102", "1301", "2217"]
    );

    // A wrong encoding shows as garbled text, never as an error.
    let opts = IngestOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &opts);
    assert!(out.report.succeeded());
    let w: Vec<_> = out.report.tables[0]
        .warnings
        .iter()
        .map(|w| &w.kind)
        .collect();
    assert!(
        w.iter()
            .any(|k| matches!(k, IssueKind::InvalidBytes { .. })),
        "{w:?}"
    );

    let opts = IngestOptions {
        header_row: Some(1),
        ..Default::default()
    };
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &opts);
    assert_eq!(out.report.tables[0].header_row, Some(1));

    let opts = IngestOptions {
        encoding: Some("klingon".into()),
        ..Default::default()
    };
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &opts);
    assert!(!out.report.succeeded());
    assert!(out.report.errors[0].message(Lang::Es).contains("encoding"));

    let mut opts = IngestOptions::default();
    opts.column_types.insert(
        "proyectos".into(),
        [("No existe".to_string(), ColumnType::Text)].into(),
    );
    let (out, _dir) = ingest_bytes("proyectos.csv", MESSY, &opts);
    assert!(
        !out.report.succeeded(),
        "an unknown column in the overrides is refused"
    );
}

#[test]
fn bad_input_gets_a_clear_report() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("vacio.csv", b"", "el archivo está vacío"),
        (
            "encabezado.csv",
            b"codigo,municipio\n",
            "encabezado pero ninguna fila de datos",
        ),
        (
            "imagen.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
            "ni una hoja de cálculo",
        ),
        (
            "datos.json",
            b"[{\"a\": 1}, {\"a\": ",
            "no se pudo leer como JSON",
        ),
        (
            "libro.xlsx",
            b"PK\x03\x04not really a zip",
            "no se pudo leer como XLSX",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (out, _dir) = ingest_bytes(name, bytes, &IngestOptions::default());
        assert!(!out.report.succeeded(), "{name}");
        let msg: Vec<String> = out
            .report
            .all_errors()
            .map(|e| e.message(Lang::Es))
            .collect();
        assert!(msg.iter().any(|m| m.contains(expected)), "{name}: {msg:?}");
        assert!(out.tables.is_empty());
    }
    // A text file named .xlsx is read as what it is, and the report says so.
    let (out, _dir) = ingest_bytes("datos.xlsx", b"a,b\n1,2\n", &IngestOptions::default());
    assert!(out.report.succeeded());
    assert!(
        matches!(&out.report.warnings[0].kind, IssueKind::Mislabelled { named, found } if named == "XLSX" && found == "CSV")
    );
    // A PDF is not a table: kept, not an error.
    let (out, _dir) = ingest_bytes(
        "informe.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        &IngestOptions::default(),
    );
    assert!(out.report.succeeded() && out.report.format.is_none() && out.tables.is_empty());
}

#[test]
fn limits_are_stated_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("a,b\n");
    for i in 0..100 {
        text.push_str(&format!("{i},{i}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let limits = Limits {
        max_rows: 50,
        ..Limits::default()
    };
    let out = ingest_file(
        &path,
        "big.csv",
        &IngestOptions::default(),
        limits,
        dir.path(),
        &|_, _, _| {},
    );
    let msg = out.report.all_errors().next().unwrap().message(Lang::Es);
    assert!(msg.contains("más de 50 filas"), "{msg}");
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let out = ingest_file(
        &path,
        "big.csv",
        &IngestOptions::default(),
        limits,
        dir.path(),
        &|_, _, _| {},
    );
    let msg = out.report.all_errors().next().unwrap().message(Lang::En);
    assert!(msg.contains("the limit is 10 bytes"), "{msg}");
}

#[test]
fn workbooks_give_one_table_per_sheet_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("libro.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    {
        let ws = wb.add_worksheet().set_name("Desembolsos").unwrap();
        ws.write(0, 0, "Desembolsos de cooperación 2024").unwrap();
        for (c, h) in ["cooperante", "codigo_departamento", "monto_usd", "fecha"]
            .iter()
            .enumerate()
        {
            ws.write(2, c as u16, *h).unwrap();
        }
        let rows = [
            ("USAID", "13", 1500.5, (2024, 3, 1)),
            ("JICA", "01", 200.0, (2024, 12, 31)),
        ];
        for (i, (who, dep, amount, (y, m, d))) in rows.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write(r, 0, *who).unwrap();
            ws.write(r, 1, *dep).unwrap();
            ws.write(r, 2, *amount).unwrap();
            let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
            ws.write_datetime_with_format(r, 3, &dt, &date).unwrap();
        }
        ws.write(5, 0, "Total").unwrap();
        ws.write(5, 2, 1700.5).unwrap();
    }
    wb.add_worksheet().set_name("Vacía").unwrap();
    {
        let ws = wb.add_worksheet().set_name("Donantes").unwrap();
        ws.write(0, 0, "nombre").unwrap();
        ws.write(0, 1, "pais").unwrap();
        ws.write(1, 0, "USAID").unwrap();
        ws.write(1, 1, "Estados Unidos").unwrap();
    }
    wb.save(&path).unwrap();
    let (out, _d) = ingest_path(&path);
    let r = &out.report;
    assert!(r.succeeded(), "{:?}", r.all_errors().collect::<Vec<_>>());
    let names: Vec<_> = r.tables.iter().map(|t| (t.name.as_str(), t.rows)).collect();
    assert_eq!(names, [("Desembolsos", 2), ("Donantes", 1)]);
    assert!(r
        .warnings
        .iter()
        .any(|w| matches!(&w.kind, IssueKind::SheetLeftOut { sheet } if sheet == "Vacía")));
    let t = &r.tables[0];
    assert_eq!(t.header_row, Some(3));
    let types: Vec<_> = t.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        [
            ColumnType::Text,
            ColumnType::Text,
            ColumnType::Decimal,
            ColumnType::Date
        ]
    );
    assert_eq!(
        column(&out.tables[0].1, "codigo_departamento"),
        ["13", "01"]
    );
    assert_eq!(t.sample[1][3], serde_json::json!("2024-12-31"));
    assert!(t
        .warnings
        .iter()
        .any(|w| matches!(&w.kind, IssueKind::TotalRow { .. }) && w.row == Some(6)));

    let opts = IngestOptions {
        sheet: Some("Nada".into()),
        ..Default::default()
    };
    let out = ingest_file(
        &path,
        "libro.xlsx",
        &opts,
        Limits::default(),
        dir.path(),
        &|_, _, _| {},
    );
    let msg = out.report.all_errors().next().unwrap().message(Lang::Es);
    assert!(
        msg.contains("no hay una hoja «Nada»") && msg.contains("Desembolsos"),
        "{msg}"
    );
}

#[test]
fn json_and_geojson() {
    let (out, _d) = ingest_bytes(
        "datos.json",
        br#"[{"codigo": "0101", "poblacion": 923392, "nota": null}, {"codigo": "1301", "poblacion": 1170669, "extra": {"a": 1}}]"#,
        &IngestOptions::default(),
    );
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 2);
    let cols: Vec<_> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_type))
        .collect();
    assert_eq!(cols[0], ("codigo", ColumnType::Text));
    assert_eq!(cols[1], ("poblacion", ColumnType::Integer));
    // Members of an object are columns of their own.
    assert_eq!(cols[3], ("extra.a", ColumnType::Integer));
    // Three levels are flattened; an object deeper than that stays JSON text.
    let (out, _d) = ingest_bytes(
        "hondo.json",
        br#"[{"id": 1, "a": {"b": {"c": {"d": 1}, "e": "x"}}}, {"id": 2, "a": null}]"#,
        &IngestOptions::default(),
    );
    let names: Vec<_> = out.report.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["id", "a.b.c", "a.b.e", "a"]);
    assert_eq!(column(&out.tables[0].1, "a.b.c")[0], r#"{"d":1}"#);
    let (out, _d) = ingest_bytes(
        "limites.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"cod_dep":1,"nombre":"Guatemala"},"geometry":{"type":"Point","coordinates":[-90.5,14.6]}}]}"#,
        &IngestOptions::default(),
    );
    assert_eq!(out.report.format.as_deref(), Some("GeoJSON"));
    let geometry = column(&out.tables[0].1, "geometry");
    assert!(
        geometry[0].starts_with("{\"type\":\"Point\""),
        "{geometry:?}"
    );
}

#[test]
fn real_census_json_sums_to_the_official_total() {
    let Some(path) = shared(
        "censo2018/cuadroA1_poblacion_total_por_sexo_grupos_quinquenales_de__edad_y_area.json",
    ) else {
        return;
    };
    let (out, _d) = ingest_path(&path);
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 340);
    let total = t
        .columns
        .iter()
        .find(|c| c.name == "Poblacion total")
        .unwrap();
    assert_eq!(total.column_type, ColumnType::Integer);
    assert_eq!(total.stats.sum, Some(14_901_286.0));
    let rural = t.columns.iter().find(|c| c.name == "Rural").unwrap();
    // "-" means zero in INE's tables; it is reported, never turned into a number silently.
    assert_eq!(rural.column_type, ColumnType::Integer);
    assert!(rural.stats.nulls > 0);
}

#[test]
fn real_census_xlsx_matches_the_json() {
    let Some(path) = shared(
        "censo2018/cuadroA1_poblacion_total_por_sexo_grupos_quinquenales_de_edad_y_area.xlsx",
    ) else {
        return;
    };
    let (out, _d) = ingest_path(&path);
    assert!(
        out.report.succeeded(),
        "{:?}",
        out.report.all_errors().collect::<Vec<_>>()
    );
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 340, "{:?}", t.warnings);
    let total = t
        .columns
        .iter()
        .find(|c| c.name.starts_with("Poblacion total") || c.name.starts_with("Población total"))
        .unwrap();
    assert_eq!(total.stats.sum, Some(14_901_286.0));
}

#[test]
fn real_budget_csv_keeps_every_row() {
    let Some(path) =
        shared("finanzas_municipales/ejecucion_presupuestaria_ingresos_municipal_2016_2019.csv")
    else {
        return;
    };
    let (out, _d) = ingest_path(&path);
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 30_203);
    let code = t
        .columns
        .iter()
        .find(|c| c.name == "codigo_municipio_corregido")
        .unwrap();
    assert_eq!(code.column_type, ColumnType::Text);
    assert_eq!(code.stats.distinct, 340);
    let year = t.columns.iter().find(|c| c.name == "Ejercicio").unwrap();
    assert_eq!(
        (year.stats.min.as_deref(), year.stats.max.as_deref()),
        (Some("2016"), Some("2019"))
    );
    assert_eq!(
        t.columns
            .iter()
            .find(|c| c.name == "Devengado")
            .unwrap()
            .column_type,
        ColumnType::Decimal
    );
}

#[test]
fn real_ranking_and_indicator_workbooks() {
    if let Some(path) = shared("indicadores/ranking_municipal_segeplan_2013_2016_2018.xlsx") {
        let (out, _d) = ingest_path(&path);
        let t = &out.report.tables[0];
        assert_eq!((t.name.as_str(), t.rows), ("final", 340));
        let s2018 = t.columns.iter().find(|c| c.name == "segeplan2018").unwrap();
        assert_eq!(s2018.column_type, ColumnType::Decimal);
    }
    if let Some(path) = shared("indicadores/unhcr_a2sit_indicadores_municipales_gtm.xlsx") {
        let (out, _d) = ingest_path(&path);
        let data = out.report.tables.iter().find(|t| t.name == "Data").unwrap();
        // Rows 1–4 hold weights and names above the real header on row 5.
        assert_eq!(data.rows, 340, "header row {:?}", data.header_row);
        assert!(data.columns.iter().any(|c| c.name == "admin2Pcode"));
    }
    if let Some(path) = shared("indicadores/desnutricion_casos_mspas_2012_2019.json") {
        let (out, _d) = ingest_path(&path);
        assert_eq!(out.report.tables[0].rows, 4_220);
    }
}

// ---- Patterns from agencies' files (issue 16), each reproduced as the agency wrote it ----

/// A mostly-integer column with ten decimal values (`24.6`): the 1% tolerance used to let
/// integer win and empty them. A type every value fits now comes first.
#[test]
fn a_few_decimals_among_integers_make_the_column_decimal_not_empty() {
    let mut csv = String::from("municipio,poblacion,tasa\n");
    for i in 0..1200 {
        let tasa = if i % 120 == 7 {
            "24.6".to_owned()
        } else {
            (i % 50).to_string()
        };
        csv.push_str(&format!("M{i},{},{tasa}\n", 1000 + i));
    }
    let (out, _dir) = ingest_bytes("tasas.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.columns[2].column_type, ColumnType::Decimal);
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    let values = column(&out.tables[0].1, "tasa");
    assert_eq!(values.iter().filter(|v| v.is_empty()).count(), 0);
    assert_eq!(values.iter().filter(|v| *v == "24.6").count(), 10);
}

/// The table is written during the first reading under the plan its first rows suggest.
/// When later rows change the plan (decimals after 70,000 whole numbers, words after
/// 90,000 numbers, a zero-led code far down) the table is read again: every value is kept
/// and no half-written file is left behind.
#[test]
fn a_plan_that_changes_far_down_the_file_reads_the_file_again() {
    let mut csv = String::from("fila,valor,palabra,codigo\n");
    let rows = 100_000u64;
    for i in 0..rows {
        let valor = if i < 70_000 {
            i.to_string()
        } else {
            format!("{i}.5")
        };
        let palabra = if i < 90_000 {
            i.to_string()
        } else {
            format!("texto {i}")
        };
        let codigo = if i == 99_000 {
            "0123".to_owned()
        } else {
            (1000 + i % 9000).to_string()
        };
        csv.push_str(&format!("{i},{valor},{palabra},{codigo}\n"));
    }
    let (out, dir) = ingest_bytes("cambia.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.rows, rows);
    let types: Vec<ColumnType> = t.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        [
            ColumnType::Integer,
            ColumnType::Decimal,
            ColumnType::Text,
            ColumnType::Text
        ]
    );
    let valor = column(&out.tables[0].1, "valor");
    assert_eq!(valor[69_999], "69999");
    assert_eq!(valor[70_000], "70000.5");
    assert_eq!(valor.iter().filter(|v| v.is_empty()).count(), 0);
    assert_eq!(column(&out.tables[0].1, "palabra")[95_000], "texto 95000");
    assert_eq!(column(&out.tables[0].1, "codigo")[99_000], "0123");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "speculative"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // A plan that holds is written once; the same file read again gives the same table.
    let mut steady = String::from("fila,valor\n");
    for i in 0..50_000u64 {
        steady.push_str(&format!("{i},{}.25\n", i % 977));
    }
    let (a, _a) = ingest_bytes("a.csv", steady.as_bytes(), &IngestOptions::default());
    assert_eq!(a.report.tables[0].rows, 50_000);
    assert_eq!(
        column(&a.tables[0].1, "valor")[49_999],
        format!("{}.25", 49_999 % 977)
    );
    assert_eq!(
        a.report.tables[0].columns[1].stats.distinct, 977,
        "statistics count every row"
    );
}

/// Several tables stacked in one sheet, as INDEC publishes its projections (a title, a
/// header of years, a total, the rows; blank rows; the next title and the same header):
/// each becomes a table named after its title, and the report says where the next one
/// starts. A header repeated right after data (a report's page break) is left out.
#[test]
fn tables_stacked_in_one_sheet_become_tables_of_their_own() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Catamarca").unwrap();
    ws.write(
        0,
        0,
        "Población estimada por sexo, según departamento. Años 2010-2012",
    )
    .unwrap();
    let mut r = 2u32;
    let places = [("Ambato", 4599.0), ("Ancasti", 3011.0), ("Belén", 28598.0)];
    for (k, title) in ["Ambos sexos", "Varones", "Mujeres"].iter().enumerate() {
        ws.write(r, 0, *title).unwrap();
        r += 2;
        ws.write(r, 0, "Departamento").unwrap();
        for y in 0..3u16 {
            ws.write(r, 1 + y, 2010.0 + f64::from(y)).unwrap();
        }
        r += 2;
        ws.write(r, 0, "Total ").unwrap();
        for y in 0..3u16 {
            ws.write(r, 1 + y, 36208.0 / (k as f64 + 1.0)).unwrap();
        }
        r += 2;
        for (place, n) in places {
            ws.write(r, 0, place).unwrap();
            for y in 0..3u16 {
                ws.write(r, 1 + y, n / (k as f64 + 1.0) + f64::from(y))
                    .unwrap();
            }
            r += 1;
        }
        r += 2;
    }
    ws.write(r, 0, "Fuente: INDEC.").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("proyecciones.xlsx");
    wb.save(&path).unwrap();
    let (out, _d) = ingest_path(&path);
    let names: Vec<_> = out.report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Catamarca · Ambos sexos",
            "Catamarca · Varones",
            "Catamarca · Mujeres"
        ]
    );
    for (k, t) in out.report.tables.iter().enumerate() {
        assert_eq!(t.rows, 3, "{}", t.name);
        let labels: Vec<_> = t.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Departamento", "2010", "2011", "2012"]);
        assert!(matches!(
            t.columns[1].column_type,
            ColumnType::Integer | ColumnType::Decimal
        ));
        let next = t
            .warnings
            .iter()
            .find(|w| matches!(w.kind, IssueKind::NextTableBelow { .. }));
        assert_eq!(next.is_some(), k < 2, "{}: {:?}", t.name, t.warnings);
        assert!(t
            .warnings
            .iter()
            .any(|w| matches!(w.kind, IssueKind::TotalRow { .. })));
    }
    let said = out.report.tables[0]
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::NextTableBelow { .. }))
        .unwrap();
    assert_eq!(said.row, Some(16), "the next header row");
    assert!(
        said.message(Lang::Es).contains("«Varones»"),
        "{}",
        said.message(Lang::Es)
    );
    let belen = column(&out.tables[2].1, "2010");
    assert_eq!(belen[2], (28598.0 / 3.0).to_string());

    // A sheet splits into at most 50 tables (each is read from the sheet's top); the last
    // keeps the rest, its titles and repeated headers left out.
    let mut many = String::new();
    for k in 0..60 {
        many.push_str(&format!(
            "Tabla {k},,\n\nmunicipio,poblacion,hogares\nMixco,{k},1\nPetapa,{k},2\n\n"
        ));
    }
    let (out, _d) = ingest_bytes("muchas.csv", many.as_bytes(), &IngestOptions::default());
    assert_eq!(out.report.tables.len(), 50);
    let last = &out.report.tables[49];
    assert_eq!(last.rows, 22, "{:?}", last.warnings);
    assert!(last
        .warnings
        .iter()
        .any(|w| matches!(w.kind, IssueKind::RepeatedHeaders { count: 20 })));
    assert_eq!(column(&out.tables[49].1, "municipio")[21], "Petapa");

    // A header repeated right after data rows (page breaks) is left out, and said.
    let csv = "municipio,poblacion\nMixco,465773\nVilla Nueva,433734\nmunicipio,poblacion\nPetapa,129124\n";
    let (out, _d) = ingest_bytes("paginas.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 3);
    assert_eq!(t.columns[1].column_type, ColumnType::Integer);
    let repeated = t
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::RepeatedHeaders { count: 1 }))
        .unwrap();
    assert_eq!(repeated.row, Some(4));
    assert_eq!(column(&out.tables[0].1, "municipio")[2], "Petapa");
}

/// A row named in capitals among municipalities in small letters ("NIVEL DEPARTAMENTAL")
/// sums the rows below it: kept, and said to be a subtotal. A table whose names are all in
/// capitals says nothing.
#[test]
fn rows_in_capitals_among_names_are_flagged_as_subtotals() {
    let csv = "municipio,proyectos,monto\nNIVEL DEPARTAMENTAL,12,5400000\nGuatemala,5,2000000\nMixco,4,1900000\nVilla Nueva,3,1500000\nNIVEL MUNICIPAL,7,3100000\nAmatitlán,4,1600000\nPetapa,3,1500000\n";
    let (out, _d) = ingest_bytes("inversion.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 7, "subtotals are kept");
    let flagged = t
        .warnings
        .iter()
        .find_map(|w| match &w.kind {
            IssueKind::SubtotalRows {
                count, examples, ..
            } => Some((*count, examples.clone())),
            _ => None,
        })
        .expect("the capitals are subtotals");
    assert_eq!(
        flagged,
        (
            2,
            vec![
                (2, "NIVEL DEPARTAMENTAL".to_owned()),
                (6, "NIVEL MUNICIPAL".to_owned())
            ]
        )
    );
    // Asked to, subtotals are left out: those in capitals and those named so.
    let with_word = csv.replace("Petapa,3,1500000", "Petapa,3,1500000\nSubtotal,7,3100000");
    let opts = IngestOptions {
        subtotals_out: true,
        ..IngestOptions::default()
    };
    let (out, _d) = ingest_bytes("inversion.csv", with_word.as_bytes(), &opts);
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 5, "{:?}", t.warnings);
    assert_eq!(
        column(&out.tables[0].1, "municipio"),
        ["Guatemala", "Mixco", "Villa Nueva", "Amatitlán", "Petapa"]
    );
    let said = t
        .warnings
        .iter()
        .find(|w| {
            matches!(
                w.kind,
                IssueKind::SubtotalRows {
                    count: 3,
                    left_out: true,
                    ..
                }
            )
        })
        .expect("the subtotals left out are said");
    assert!(said.message(Lang::Es).contains("se dejaron fuera"));

    let csv = "municipio,proyectos\nGUATEMALA,5\nMIXCO,4\nVILLA NUEVA,3\n";
    let (out, _d) = ingest_bytes("mayusculas.csv", csv.as_bytes(), &IngestOptions::default());
    assert!(
        !out.report.tables[0]
            .warnings
            .iter()
            .any(|w| matches!(w.kind, IssueKind::SubtotalRows { .. })),
        "{:?}",
        out.report.tables[0].warnings
    );
}

/// Classification codes with a dot (`01.1`, COICOP-style) stay text: `01.1` is not 1.1.
#[test]
fn dotted_classification_codes_stay_text() {
    let csv = "division,descripcion,ponderacion\n01.1,Alimentos,28.5\n01.2,Bebidas no alcohólicas,3.1\n02.1,Bebidas alcohólicas,0.6\n11.1,Restaurantes,9.0\n";
    let (out, _dir) = ingest_bytes("ipc.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.columns[0].column_type, ColumnType::Text);
    assert_eq!(
        column(&out.tables[0].1, "division"),
        ["01.1", "01.2", "02.1", "11.1"]
    );
    assert_eq!(t.columns[2].column_type, ColumnType::Decimal);
}

/// Mexico City postal codes written as numbers upstream: most have five digits, those that
/// began with 0 came with four. The column stays text and the report says zeros were lost.
#[test]
fn postal_codes_that_lost_their_zeros_upstream_stay_text_and_are_noted() {
    let mut csv = String::from("cp,colonia\n");
    for (i, cp) in [
        "14000", "11560", "6700", "03100", "52765", "15620", "9000", "16010", "54050", "10200",
    ]
    .iter()
    .cycle()
    .take(50)
    .enumerate()
    {
        // Only the four-digit ones and a few five-digit ones: the zeros are gone upstream.
        let cp = cp.trim_start_matches('0');
        csv.push_str(&format!("{cp},Colonia {i}\n"));
    }
    let (out, _dir) = ingest_bytes("cp.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(t.columns[0].column_type, ColumnType::Text);
    let noted = t
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::ZerosLost { width: 5, .. }))
        .expect("the lost zeros are noted");
    assert!(noted.message(Lang::Es).contains("perdieron sus ceros"));
    assert_eq!(noted.column.as_ref().map(|c| c.1.as_str()), Some("cp"));
}

/// Dates as agencies write them: two-digit years, month names (Spanish and English, any
/// case), a long Spanish date, an ISO date with a zone letter.
#[test]
fn dates_with_short_years_month_names_and_zone_letters_are_dates() {
    for (name, values, want) in [
        (
            "corte",
            ["16/03/20", "17/03/20", "31/12/19"],
            ["2020-03-16", "2020-03-17", "2019-12-31"],
        ),
        (
            "fecha",
            ["27-MAR-20", "02-ABR-20", "15-Dec-19"],
            ["2020-03-27", "2020-04-02", "2019-12-15"],
        ),
        (
            "emitido",
            [
                "5 de marzo de 2024",
                "12 de abril de 2024",
                "1 de septiembre del 2023",
            ],
            ["2024-03-05", "2024-04-12", "2023-09-01"],
        ),
        (
            "valido",
            ["2008-01-01Z", "2009-06-30Z", "2010-12-31Z"],
            ["2008-01-01", "2009-06-30", "2010-12-31"],
        ),
    ] {
        let csv = format!(
            "id;{name}\n1;{}\n2;{}\n3;{}\n",
            values[0], values[1], values[2]
        );
        let (out, _dir) = ingest_bytes("fechas.csv", csv.as_bytes(), &IngestOptions::default());
        let t = &out.report.tables[0];
        assert_eq!(
            t.columns[1].column_type,
            ColumnType::Date,
            "{name}: {:?}",
            t.warnings
        );
        let days: Vec<String> = column(&out.tables[0].1, name)
            .iter()
            .map(|d| {
                let n: i64 = d.parse().unwrap();
                (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(n))
                    .to_string()
            })
            .collect();
        assert_eq!(days, want, "{name}");
    }
}

/// A type forced on a column none of whose values fit it used to empty the column and
/// succeed: it is refused, naming the column and a value.
#[test]
fn a_forced_type_no_value_fits_is_refused_with_the_column_and_a_value() {
    let csv = "id,fecha\n1,hace dos días\n2,ayer\n";
    let mut opts = IngestOptions::default();
    opts.column_types.insert(
        "fechas".into(),
        [("fecha".to_string(), ColumnType::Date)].into(),
    );
    let (out, _dir) = ingest_bytes("fechas.csv", csv.as_bytes(), &opts);
    assert!(!out.report.succeeded());
    let e = &out.report.tables[0].errors[0];
    assert!(
        matches!(e.kind, IssueKind::ForcedTypeFitsNothing { .. }),
        "{e:?}"
    );
    assert_eq!(e.column.as_ref().map(|c| c.1.as_str()), Some("fecha"));
    let said = e.message(Lang::Es);
    assert!(said.contains("fila 2: 'hace dos días'"), "{said}");
    assert!(out.tables.is_empty());
}

/// A glossary whose entries are named "Total Hombres" (words, no numbers) keeps them; a
/// real total (with numbers) is left out; subtotals inside the data are kept and said.
#[test]
fn totals_have_numbers_and_subtotals_are_kept_and_said() {
    let glossary = "variable,definicion\nTotal Hombres,Número de hombres censados\nTotal Mujeres,Número de mujeres censadas\nDensidad,Habitantes por km²\n";
    let (out, _dir) = ingest_bytes(
        "glosario.csv",
        glossary.as_bytes(),
        &IngestOptions::default(),
    );
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 3, "{:?}", t.warnings);
    assert!(!t
        .warnings
        .iter()
        .any(|w| matches!(w.kind, IssueKind::TotalRow { .. })));

    let data = "departamento,municipio,poblacion\nGuatemala,Guatemala,923392\nGuatemala,Mixco,465773\nGuatemala,Villa Nueva,433734\nSubtotal Guatemala,,1822899\nAlta Verapaz,Cobán,212047\nAlta Verapaz,San Pedro Carchá,235275\nSubtotal Alta Verapaz,,447322\nTotal,,2270221\n";
    let (out, _dir) = ingest_bytes("montos.csv", data.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(
        t.rows, 7,
        "subtotals kept, the total left out: {:?}",
        t.warnings
    );
    let sub = t
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::SubtotalRows { count: 2, .. }))
        .expect("subtotals said");
    assert!(
        sub.message(Lang::Es)
            .contains("fila 5 'Subtotal Guatemala'"),
        "{}",
        sub.message(Lang::Es)
    );
    assert!(t
        .warnings
        .iter()
        .any(|w| matches!(&w.kind, IssueKind::TotalRow { value } if value == "Total")));
}

/// A small statistics sheet as institutes publish it: a title, a header whose first cell
/// is blank and whose labels are years, a few rows and a total. The year row is the
/// header; neither the first data row nor the total is.
#[test]
fn a_header_of_years_with_a_blank_first_cell_is_the_header() {
    let csv = "Población por área (miles),,,\n,2000,2006,2014\nUrbana,5168,6072,7584\nRural,6032,6916,7750\nTotal,11200,12988,15334\n";
    let (out, _dir) = ingest_bytes("poblacion.csv", csv.as_bytes(), &IngestOptions::default());
    assert!(out.report.succeeded(), "{:?}", out.report);
    let t = &out.report.tables[0];
    assert_eq!(t.header_row, Some(2), "{:?}", t.warnings);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(&names[1..], ["2000", "2006", "2014"]);
    assert_eq!(t.rows, 2, "the total is left out");
    assert_eq!(t.columns[1].column_type, ColumnType::Integer);
}

/// A header over two rows, as Excel's merged cells leave it in a CSV export: the year
/// above its two measures. Names combine them instead of `Observada_2`.
#[test]
fn a_header_over_two_rows_combines_the_group_and_the_measure() {
    let csv = "Proyecciones de población por departamento\n,,1995,,2000,\nCódigo,Departamento,Observada,Proyectada,Observada,Proyectada\n01,Guatemala,1000,1010,1100,1120\n02,El Progreso,200,210,220,230\n03,Sacatepéquez,300,310,320,330\n";
    let (out, _dir) = ingest_bytes(
        "proyecciones.csv",
        csv.as_bytes(),
        &IngestOptions::default(),
    );
    let t = &out.report.tables[0];
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Código",
            "Departamento",
            "1995 · Observada",
            "1995 · Proyectada",
            "2000 · Observada",
            "2000 · Proyectada"
        ],
        "{:?}",
        t.warnings
    );
    assert_eq!(t.rows, 3);
    assert_eq!(
        column(&out.tables[0].1, "2000 · Proyectada"),
        ["1120", "230", "330"]
    );
    // Which rows made the header is said, with a joined name.
    let said = t
        .warnings
        .iter()
        .find(|w| {
            matches!(
                w.kind,
                IssueKind::HeaderRows {
                    first: 2,
                    last: 3,
                    ..
                }
            )
        })
        .expect("the header's rows are said");
    assert_eq!(
        said.message(Lang::Es),
        "fila 3: el encabezado ocupa las filas 2 a 3: los nombres de los grupos se unieron a los de sus columnas, como «1995 · Observada»"
    );
    // A note in a corner above the header is not a group of columns.
    let (out, _dir) = ingest_bytes(
        "nota.csv",
        ",,,Cifras preliminares\nDepartamento,2000,2006,2014\nGuatemala,1,2,3\nEl Progreso,4,5,6\n"
            .as_bytes(),
        &IngestOptions::default(),
    );
    let names: Vec<&str> = out.report.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["Departamento", "2000", "2006", "2014"]);
    // A title alone above a header is a title, not a group.
    let (out, _dir) = ingest_bytes(
        "simple.csv",
        "Ranking municipal 2018\ncodigo,municipio,indice\n0101,Guatemala,0.59\n0102,Mixco,0.61\n"
            .as_bytes(),
        &IngestOptions::default(),
    );
    let names: Vec<&str> = out.report.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["codigo", "municipio", "indice"]);
}

/// Spacer columns a merged header leaves (no name, no value from top to bottom) are left
/// out, and said; a named column without values stays.
#[test]
fn empty_unnamed_columns_are_left_out() {
    let csv = "codigo,,municipio,,poblacion,nota\n0101,,Guatemala,,923392,\n0102,,Santa Catarina Pinula,,95000,\n";
    let (out, _dir) = ingest_bytes("espaciado.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["codigo", "municipio", "poblacion", "nota"],
        "{:?}",
        t.warnings
    );
    assert!(t
        .warnings
        .iter()
        .any(|w| matches!(w.kind, IssueKind::EmptyColumnsLeftOut { count: 2 })));
    assert!(!t
        .warnings
        .iter()
        .any(|w| matches!(w.kind, IssueKind::BlankColumnName { .. })));
    assert_eq!(column(&out.tables[0].1, "poblacion"), ["923392", "95000"]);
    assert_eq!(
        column(&out.tables[0].1, "municipio"),
        ["Guatemala", "Santa Catarina Pinula"]
    );
}

/// Amounts and rates written with their unit (quetzales, soles, percent) are numbers,
/// and the unit goes to the data dictionary.
#[test]
fn currency_and_percent_signs_are_numbers_with_their_unit_kept() {
    let csv = "municipio;monto;precio;avance;codigo\nGuatemala;Q 1 200;S/ 200;45 %;Q1\nMixco;Q 350;S/. 35,50;12,5 %;Q2\nVilla Nueva;Q 18 000;S/ 1 000;100 %;Q3\n";
    let (out, _dir) = ingest_bytes("montos.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    let got: Vec<(&str, ColumnType, &str)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_type, c.unit.as_str()))
        .collect();
    assert_eq!(
        got[1..],
        [
            ("monto", ColumnType::Integer, "Q"),
            ("precio", ColumnType::Decimal, "S/"),
            ("avance", ColumnType::Decimal, "%"),
            ("codigo", ColumnType::Text, ""),
        ],
        "{:?}",
        t.warnings
    );
    assert_eq!(column(&out.tables[0].1, "monto"), ["1200", "350", "18000"]);
    assert_eq!(column(&out.tables[0].1, "precio"), ["200", "35.5", "1000"]);
    assert_eq!(column(&out.tables[0].1, "avance"), ["45", "12.5", "100"]);
}

/// A small sheet with one data row is a table of one row, not "no data".
#[test]
fn a_sheet_with_one_data_row_is_a_table() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.set_name("Resumen").unwrap();
    s.write_string(0, 0, "Resumen nacional 2024").unwrap();
    for (c, h) in ["indicador", "valor", "unidad"].iter().enumerate() {
        s.write_string(2, c as u16, *h).unwrap();
    }
    s.write_string(3, 0, "Tasa de pobreza").unwrap();
    s.write_number(3, 1, 56.0).unwrap();
    s.write_string(3, 2, "%").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (out, _dir) = ingest_bytes("resumen.xlsx", &bytes, &IngestOptions::default());
    assert!(out.report.succeeded(), "{:?}", out.report);
    let t = &out.report.tables[0];
    assert_eq!(t.rows, 1, "{:?}", t.warnings);
    assert_eq!(column(&out.tables[0].1, "valor"), ["56"]);
}

/// A date written in a way no rule guesses (`20200327`), with the format the publisher
/// gives beside the forced type; a format chrono cannot read is refused by name.
#[test]
fn a_forced_date_type_reads_the_format_the_publisher_gives() {
    let csv = "id,fecha\n1,20200327\n2,20191231\n";
    let mut opts = IngestOptions::default();
    opts.column_types
        .insert("*".into(), [("fecha".to_string(), ColumnType::Date)].into());
    opts.date_formats.insert(
        "*".into(),
        [("fecha".to_string(), "%Y%m%d".to_string())].into(),
    );
    let (out, _dir) = ingest_bytes("fechas.csv", csv.as_bytes(), &opts);
    assert!(out.report.succeeded(), "{:?}", out.report);
    let t = &out.report.tables[0];
    assert_eq!(t.columns[1].column_type, ColumnType::Date);
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    let days: Vec<String> = column(&out.tables[0].1, "fecha")
        .iter()
        .map(|d| {
            (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                + chrono::Duration::days(d.parse().unwrap()))
            .to_string()
        })
        .collect();
    assert_eq!(days, ["2020-03-27", "2019-12-31"]);

    opts.date_formats
        .insert("*".into(), [("fecha".to_string(), "%Q".to_string())].into());
    let (out, _dir) = ingest_bytes("fechas.csv", csv.as_bytes(), &opts);
    assert!(!out.report.succeeded());
    let e = &out.report.tables[0].errors[0];
    assert!(
        matches!(&e.kind, IssueKind::BadOption { value, .. } if value == "%Q"),
        "{e:?}"
    );
}

/// A workbook with a data sheet and a "Notas" sheet of text: the notes are left out of
/// the tables and said; a workbook of notes only keeps them.
#[test]
fn a_notes_sheet_beside_data_is_not_a_table() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.set_name("Datos").unwrap();
    for (c, h) in ["codigo", "municipio", "poblacion"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (code, name, n)) in [("0101", "Guatemala", 923392.0), ("0102", "Mixco", 465773.0)]
        .iter()
        .enumerate()
    {
        s.write_string(r as u32 + 1, 0, *code).unwrap();
        s.write_string(r as u32 + 1, 1, *name).unwrap();
        s.write_number(r as u32 + 1, 2, *n).unwrap();
    }
    let n = book.add_worksheet();
    n.set_name("Notas").unwrap();
    n.write_string(0, 0, "Nota").unwrap();
    n.write_string(1, 0, "Fuente: INE, censo 2018.").unwrap();
    n.write_string(2, 0, "Las cifras son preliminares.")
        .unwrap();
    // A record layout, with numbers (positions and widths): not data either.
    let l = book.add_worksheet();
    l.set_name("Diseño de registro").unwrap();
    for (c, h) in ["campo", "posicion", "longitud", "descripcion"]
        .iter()
        .enumerate()
    {
        l.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (field, at, width)) in [
        ("codigo", 1.0, 4.0),
        ("municipio", 5.0, 40.0),
        ("poblacion", 45.0, 8.0),
    ]
    .iter()
    .enumerate()
    {
        l.write_string(r as u32 + 1, 0, *field).unwrap();
        l.write_number(r as u32 + 1, 1, *at).unwrap();
        l.write_number(r as u32 + 1, 2, *width).unwrap();
        l.write_string(r as u32 + 1, 3, "texto").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let (out, _dir) = ingest_bytes("censo.xlsx", &bytes, &IngestOptions::default());
    let names: Vec<&str> = out.report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Datos"]);
    assert_eq!(out.tables.len(), 1);
    let said = out
        .report
        .warnings
        .iter()
        .find(|w| matches!(&w.kind, IssueKind::NotesSheetLeftOut { sheet } if sheet == "Notas"))
        .expect("the notes sheet is reported");
    assert!(said.message(Lang::Es).contains("tiene notas, no datos"));
    assert!(out.report.warnings.iter().any(
        |w| matches!(&w.kind, IssueKind::NotesSheetLeftOut { sheet } if sheet == "Diseño de registro")
    ));
}

/// Text encoded as UTF-8 twice upstream (`JARDÃN`, `PetÃ©n`, `MUÃ‘OZ`) is repaired where
/// certain and reported; a real `Ã` (`SÃO PAULO`) is left as it is.
#[test]
fn text_encoded_twice_is_repaired_where_certain_and_reported() {
    let twice = |s: &str| -> String {
        // What an export does wrong: UTF-8 bytes read as Windows-1252, written as UTF-8.
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
        text.into_owned()
    };
    let csv = format!(
        "codigo,escuela,municipio,pais\n1,{},{},Guatemala\n2,{},Flores,SÃO PAULO\n3,Escuela Central,Mixco,Guatemala\n",
        twice("JARDÍN INFANTIL"),
        twice("Petén"),
        twice("MUÑOZ"),
    );
    assert!(csv.contains("JARDÃ"), "the fixture is encoded twice");
    let (out, _dir) = ingest_bytes("escuelas.csv", csv.as_bytes(), &IngestOptions::default());
    let t = &out.report.tables[0];
    assert_eq!(
        column(&out.tables[0].1, "escuela"),
        ["JARDÍN INFANTIL", "MUÑOZ", "Escuela Central"]
    );
    assert_eq!(
        column(&out.tables[0].1, "municipio"),
        ["Petén", "Flores", "Mixco"]
    );
    assert_eq!(column(&out.tables[0].1, "pais")[1], "SÃO PAULO");
    let said = t
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::EncodedTwice { cells: 3 }))
        .expect("the repair is reported");
    assert!(said.message(Lang::Es).contains("codificado dos veces"));

    // The same in a workbook and in JSON.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [
        ["codigo", "escuela"],
        ["1", &twice("JARDÍN INFANTIL")],
        ["2", &twice("MUÑOZ")],
        ["3", "Escuela Central"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32, c as u16, *v).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escuelas.xlsx");
    wb.save(&path).unwrap();
    let (out, _d) = ingest_path(&path);
    assert_eq!(
        column(&out.tables[0].1, "escuela"),
        ["JARDÍN INFANTIL", "MUÑOZ", "Escuela Central"]
    );
    let said = out.report.tables[0]
        .warnings
        .iter()
        .find(|w| matches!(w.kind, IssueKind::EncodedTwice { cells: 2 }));
    assert_eq!(
        said.and_then(|w| w.row),
        Some(2),
        "{:?}",
        out.report.tables[0].warnings
    );
    let json = format!(
        r#"[{{"codigo": 1, "escuela": "{}"}}, {{"codigo": 2, "escuela": "Escuela Central"}}]"#,
        twice("JARDÍN INFANTIL")
    );
    let (out, _d) = ingest_bytes("escuelas.json", json.as_bytes(), &IngestOptions::default());
    assert_eq!(
        column(&out.tables[0].1, "escuela"),
        ["JARDÍN INFANTIL", "Escuela Central"]
    );
    assert!(out.report.tables[0]
        .warnings
        .iter()
        .any(|w| matches!(w.kind, IssueKind::EncodedTwice { cells: 1 })));
}

/// Pages are compressed only for text of nearly all different values: keys, numbers and
/// dates hardly compress, and decompressing them was most of a scan's time.
#[test]
fn only_text_of_different_values_is_compressed() {
    let mut csv = String::from("nombre,departamento,monto\n");
    for i in 0..40_000 {
        csv.push_str(&format!(
            "Proyecto número {i},Depto {},{}.5\n",
            i % 22,
            i * 7
        ));
    }
    let (out, _dir) = ingest_bytes("p.csv", csv.as_bytes(), &IngestOptions::default());
    assert!(out.report.succeeded(), "{:?}", out.report.errors);
    let file = std::fs::File::open(&out.tables[0].1).unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let mut seen = std::collections::BTreeMap::new();
    for rg in meta.row_groups() {
        for c in rg.columns() {
            seen.insert(c.column_path().string(), c.compression());
        }
    }
    use parquet::basic::Compression;
    assert!(matches!(seen["nombre"], Compression::SNAPPY), "{seen:?}");
    assert_eq!(seen["departamento"], Compression::UNCOMPRESSED, "{seen:?}");
    assert_eq!(seen["monto"], Compression::UNCOMPRESSED, "{seen:?}");
    assert_eq!(seen["_id"], Compression::UNCOMPRESSED, "{seen:?}");
}
