//! XLSX exports, read back by openpyxl through `scripts/check_exports.py`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::export_support::*;
use ceiba_core::ColumnType;
use ceiba_query::export::{write_xlsx_with_sheet_rows, ExportOptions};
use ceiba_query::ExportFormat;
use datafusion::arrow::array::{ArrayRef, Int64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::Value;

fn cell(sheet: &Value, row: usize, col: usize) -> &Value {
    &sheet["rows"][row][col]
}

#[tokio::test]
async fn xlsx_has_typed_cells() {
    let s = sample();
    let opts = ExportOptions {
        bom: false,
        sheet_name: "Población 2024/25: [Guatemala]".to_owned(),
    };
    let (rows, bytes) = export(s.stream(), &s.columns, ExportFormat::Xlsx, &opts)
        .await
        .unwrap();
    assert_eq!(rows, 6);
    assert_eq!(&bytes[..2], b"PK", "a zip");
    let Some(book) = python_check(&bytes, ".xlsx") else {
        return;
    };
    let sheets = book["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 1);
    let sh = &sheets[0];
    assert_eq!(sh["name"], "Población 2024_25_ _Guatemala_");
    assert_eq!(sh["freeze_panes"], "A2");
    assert_eq!(
        sh["rows"].as_array().unwrap().len(),
        7,
        "header and six rows"
    );
    assert_eq!(sh["max_column"], 7);

    // Bold header of column names.
    for (c, name) in [
        "departamento",
        "codigo",
        "poblacion",
        "monto",
        "activo",
        "fecha",
        "registrado",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(cell(sh, 0, c)["value"], *name);
        assert_eq!(cell(sh, 0, c)["data_type"], "s");
        assert_eq!(cell(sh, 0, c)["bold"], true);
    }
    assert_eq!(cell(sh, 1, 0)["bold"], false);

    // Text, accents intact.
    assert_eq!(cell(sh, 1, 0)["value"], "Petén");
    assert_eq!(cell(sh, 1, 0)["data_type"], "s");
    assert_eq!(cell(sh, 2, 0)["value"], "Sacatepéquez");
    assert_eq!(cell(sh, 3, 0)["value"], "Quiché, \"El\"");
    assert_eq!(cell(sh, 4, 0)["value"], "línea uno\nlínea dos");
    // Codes keep their leading zero: text cells.
    assert_eq!(cell(sh, 4, 1)["value"], "0101");
    assert_eq!(cell(sh, 4, 1)["data_type"], "s");
    assert_eq!(cell(sh, 2, 1)["value"], "0301");
    // Numbers are numbers.
    assert_eq!(cell(sh, 1, 2)["data_type"], "n");
    assert_eq!(cell(sh, 1, 2)["value"].as_f64(), Some(545_599.0));
    assert_eq!(cell(sh, 3, 2)["value"].as_f64(), Some(-12.0));
    assert_eq!(cell(sh, 1, 3)["data_type"], "n");
    assert_eq!(cell(sh, 1, 3)["value"].as_f64(), Some(1234.5));
    assert_eq!(cell(sh, 6, 3)["value"].as_f64(), Some(0.1));
    // Booleans are booleans.
    assert_eq!(cell(sh, 1, 4)["data_type"], "b");
    assert_eq!(cell(sh, 1, 4)["value"], true);
    assert_eq!(cell(sh, 2, 4)["value"], false);
    // Dates are dates, shown dd/mm/yyyy; date-times dd/mm/yyyy hh:mm.
    let f = cell(sh, 1, 5);
    assert_eq!(f["is_date"], true, "{f}");
    assert_eq!(f["data_type"], "d");
    assert_eq!(f["number_format"], "dd/mm/yyyy");
    assert_eq!(f["value"], "2024-01-15T00:00:00");
    assert_eq!(cell(sh, 4, 5)["value"], "1999-02-28T00:00:00");
    assert_eq!(cell(sh, 5, 5)["value"], "2024-02-29T00:00:00");
    let t = cell(sh, 1, 6);
    assert_eq!(t["is_date"], true);
    assert_eq!(t["number_format"], "dd/mm/yyyy hh:mm");
    assert_eq!(t["value"], "2024-01-15T08:30:00");
    assert_eq!(cell(sh, 2, 6)["value"], "2023-12-31T23:59:59");
    assert_eq!(cell(sh, 6, 6)["value"], "2024-06-30T18:45:30");
    // Nulls are empty cells.
    assert_eq!(cell(sh, 3, 4)["value"], Value::Null);
    assert_eq!(cell(sh, 3, 5)["value"], Value::Null);
    assert_eq!(cell(sh, 4, 2)["value"], Value::Null);
    assert_eq!(cell(sh, 6, 0)["value"], Value::Null);
    // Formula-like text is neutralised; the negative number is not touched.
    assert_eq!(cell(sh, 5, 0)["value"], "'=SUM(A1)");
    assert_eq!(cell(sh, 5, 0)["data_type"], "s");
    assert_eq!(cell(sh, 5, 1)["value"], "'-5");
    assert_eq!(cell(sh, 6, 1)["value"], "'@cmd");
    assert_eq!(cell(sh, 5, 2)["value"].as_f64(), Some(-5.0));
    assert_eq!(cell(sh, 5, 2)["data_type"], "n");
    assert_eq!(cell(sh, 5, 3)["value"].as_f64(), Some(-7.5));
}

#[tokio::test]
async fn no_rows_is_a_header_only_sheet() {
    let s = sample();
    let (rows, bytes) = export(
        s.empty_stream(),
        &s.columns,
        ExportFormat::Xlsx,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 0);
    let Some(book) = python_check(&bytes, ".xlsx") else {
        return;
    };
    let sh = &book["sheets"][0];
    assert_eq!(sh["name"], "datos");
    assert_eq!(sh["rows"].as_array().unwrap().len(), 1);
    assert_eq!(cell(sh, 0, 6)["value"], "registrado");
}

#[tokio::test]
async fn rows_beyond_the_limit_continue_on_new_sheets() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("n", DataType::Int64, false),
        Field::new("codigo", DataType::Utf8, false),
    ]));
    // 25 rows in batches of 7, so sheets end in the middle of a batch.
    let batches: Vec<RecordBatch> = (0..4)
        .map(|b| {
            let n: Vec<i64> = (b * 7 + 1..=((b + 1) * 7).min(25)).collect();
            let codes: Vec<String> = n.iter().map(|i| format!("{i:04}")).collect();
            RecordBatch::try_new(
                Arc::clone(&schema),
                vec![
                    Arc::new(Int64Array::from(n)) as ArrayRef,
                    Arc::new(StringArray::from(codes)),
                ],
            )
            .unwrap()
        })
        .collect();
    let columns = [
        col("n", ColumnType::Integer),
        col("codigo", ColumnType::Text),
    ];
    let mut bytes = Vec::new();
    let rows = write_xlsx_with_sheet_rows(
        stream_of(schema, batches, None),
        &columns,
        "Municipios",
        10,
        &mut bytes,
    )
    .await
    .unwrap();
    assert_eq!(rows, 25);
    let Some(book) = python_check(&bytes, ".xlsx") else {
        return;
    };
    let sheets = book["sheets"].as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Municipios", "Municipios (2)", "Municipios (3)"]);
    let mut next = 1.0;
    for (sh, data_rows) in sheets.iter().zip([10, 10, 5]) {
        let rows = sh["rows"].as_array().unwrap();
        assert_eq!(rows.len(), data_rows + 1, "{}", sh["name"]);
        assert_eq!(cell(sh, 0, 0)["value"], "n");
        assert_eq!(cell(sh, 0, 1)["value"], "codigo");
        assert_eq!(cell(sh, 0, 0)["bold"], true);
        assert_eq!(sh["freeze_panes"], "A2");
        for r in 1..=data_rows {
            assert_eq!(cell(sh, r, 0)["value"].as_f64(), Some(next));
            assert_eq!(cell(sh, r, 1)["value"], format!("{:04}", next as i64));
            next += 1.0;
        }
    }
    assert_eq!(next, 26.0);
}

#[tokio::test]
async fn long_sheet_names_leave_room_for_the_number() {
    let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![Arc::new(Int64Array::from((1..=3).collect::<Vec<i64>>())) as ArrayRef],
    )
    .unwrap();
    let mut bytes = Vec::new();
    write_xlsx_with_sheet_rows(
        stream_of(schema, vec![batch], None),
        &[col("n", ColumnType::Integer)],
        "Proyección de población por municipio, 2024-2030",
        2,
        &mut bytes,
    )
    .await
    .unwrap();
    let Some(book) = python_check(&bytes, ".xlsx") else {
        return;
    };
    let names: Vec<&str> = book["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Proyección de población por mun",
            "Proyección de población por (2)"
        ]
    );
}

#[tokio::test]
async fn big_integers_and_old_dates_are_kept_exactly() {
    use datafusion::arrow::array::Date32Array;
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("fecha", DataType::Date32, false),
    ]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(Int64Array::from(vec![
                1_234_567_890_123_456_789,
                999_999_999_999_999,
            ])) as ArrayRef,
            Arc::new(Date32Array::from(vec![days(1871, 6, 30), days(1900, 1, 1)])),
        ],
    )
    .unwrap();
    let (_, bytes) = export(
        stream_of(schema, vec![batch], None),
        &[
            col("id", ColumnType::Integer),
            col("fecha", ColumnType::Date),
        ],
        ExportFormat::Xlsx,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    let Some(book) = python_check(&bytes, ".xlsx") else {
        return;
    };
    let sh = &book["sheets"][0];
    // More digits than Excel keeps: text, so no digit is lost.
    assert_eq!(cell(sh, 1, 0)["value"], "1234567890123456789");
    assert_eq!(
        cell(sh, 2, 0)["value"].as_f64(),
        Some(999_999_999_999_999.0)
    );
    // Before Excel's first date: ISO text rather than a wrong date.
    assert_eq!(cell(sh, 1, 1)["value"], "1871-06-30");
    assert_eq!(cell(sh, 2, 1)["value"], "1900-01-01T00:00:00");
    assert_eq!(cell(sh, 2, 1)["is_date"], true);
}

#[tokio::test]
async fn text_longer_than_a_cell_is_an_error_not_a_cut() {
    let schema = Arc::new(Schema::new(vec![Field::new("t", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![Arc::new(StringArray::from(vec!["x".repeat(40_000)])) as ArrayRef],
    )
    .unwrap();
    let mut out = Vec::new();
    let err = ceiba_query::export::write_export(
        stream_of(schema, vec![batch], None),
        &[col("t", ColumnType::Text)],
        ExportFormat::Xlsx,
        &ExportOptions::default(),
        &mut out,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("32,767"), "{err}");
    assert!(out.is_empty(), "nothing written");
}

#[tokio::test]
async fn a_failure_midway_is_an_error_and_writes_nothing() {
    let s = sample();
    let stream = stream_of(
        Arc::clone(&s.schema),
        vec![s.batches[0].clone()],
        Some("disk on fire"),
    );
    let mut out = Vec::new();
    let err = ceiba_query::export::write_export(
        stream,
        &s.columns,
        ExportFormat::Xlsx,
        &ExportOptions::default(),
        &mut out,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("disk on fire"), "{err}");
    assert!(out.is_empty());
}

#[tokio::test]
async fn an_abandoned_download_stops_early() {
    use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
    use futures::StreamExt;
    let s = sample();
    // A query that would never end: one batch, then nothing, forever.
    let endless =
        futures::stream::iter(vec![Ok(s.batches[0].clone())]).chain(futures::stream::pending());
    let stream = Box::pin(RecordBatchStreamAdapter::new(
        Arc::clone(&s.schema),
        endless,
    ));
    let (w, r) = tokio::io::duplex(1024);
    drop(r);
    let opts = ExportOptions::default();
    let run = ceiba_query::export::write_export(stream, &s.columns, ExportFormat::Xlsx, &opts, w);
    let err = tokio::time::timeout(std::time::Duration::from_secs(20), run)
        .await
        .expect("the export noticed the reader was gone")
        .unwrap_err();
    assert!(err.to_string().contains("broken pipe"), "{err}");
}
