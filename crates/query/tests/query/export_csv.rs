//! CSV and TSV exports, read back with the `csv` crate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::export_support::*;
use ceiba_core::ColumnType;
use ceiba_query::export::{write_export, ExportOptions};
use ceiba_query::ExportFormat;
use datafusion::arrow::array::{ArrayRef, Int64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

fn parse(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn expected_rows() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "departamento",
            "codigo",
            "poblacion",
            "monto",
            "activo",
            "fecha",
            "registrado",
        ],
        vec![
            "Petén",
            "1701",
            "545599",
            "1234.5",
            "true",
            "2024-01-15",
            "2024-01-15 08:30:00",
        ],
        vec![
            "Sacatepéquez",
            "0301",
            "0",
            "3",
            "false",
            "2023-12-31",
            "2023-12-31 23:59:59",
        ],
        vec!["Quiché, \"El\"", "1401", "-12", "-0.25", "", "", ""],
        vec![
            "línea uno\nlínea dos",
            "0101",
            "",
            "",
            "true",
            "1999-02-28",
            "2000-01-01 00:00:00",
        ],
        vec![
            "'=SUM(A1)",
            "'-5",
            "-5",
            "-7.5",
            "false",
            "2024-02-29",
            "2024-02-29 12:00:00",
        ],
        vec![
            "",
            "'@cmd",
            "7",
            "0.1",
            "true",
            "2024-06-30",
            "2024-06-30 18:45:30",
        ],
    ]
}

#[tokio::test]
async fn csv_reads_back_with_every_value() {
    let s = sample();
    let (rows, bytes) = export(
        s.stream(),
        &s.columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 6);
    assert_eq!(parse(&bytes, b','), expected_rows());

    let text = std::str::from_utf8(&bytes).unwrap();
    // No BOM unless asked; Excel's line ends; RFC 4180 quoting as bytes.
    assert!(text.starts_with("departamento,codigo,"));
    assert_eq!(text.matches("\r\n").count(), 7, "{text}");
    assert_eq!(
        text.replace("\r\n", "").matches('\n').count(),
        1,
        "only the one inside a value"
    );
    assert!(
        text.contains("\r\n\"Quiché, \"\"El\"\"\",1401,-12,-0.25,,,\r\n"),
        "{text}"
    );
    assert!(text.contains("\"línea uno\nlínea dos\""));
    // Accents are UTF-8, byte for byte.
    assert!(bytes.windows(6).any(|w| w == b"Pet\xc3\xa9n"));
    assert!(bytes.windows(13).any(|w| w == b"Sacatep\xc3\xa9quez"));
    // Integers and whole decimals without ".0"; negative numbers untouched.
    assert!(text.contains(",545599,1234.5,"));
    assert!(text.contains(",0,3,false,"));
    assert!(text.contains("'-5,-5,-7.5,"));
}

#[tokio::test]
async fn bom_on_and_off() {
    let s = sample();
    let (_, plain) = export(
        s.stream(),
        &s.columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    let opts = ExportOptions {
        bom: true,
        ..ExportOptions::default()
    };
    let (_, with_bom) = export(s.stream(), &s.columns, ExportFormat::Csv, &opts)
        .await
        .unwrap();
    assert!(!plain.starts_with(b"\xef\xbb\xbf"));
    assert_eq!(&with_bom[..3], b"\xef\xbb\xbf");
    assert_eq!(&with_bom[3..], &plain[..]);
}

#[tokio::test]
async fn tsv_uses_tabs_and_quotes_like_csv() {
    let s = sample();
    let (rows, bytes) = export(
        s.stream(),
        &s.columns,
        ExportFormat::Tsv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 6);
    assert_eq!(parse(&bytes, b'\t'), expected_rows());
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with("departamento\tcodigo\tpoblacion\t"));
    // A comma needs no quotes in TSV.
    assert!(
        text.contains("\r\n\"Quiché, \"\"El\"\"\"\t1401\t"),
        "{text}"
    );
}

#[tokio::test]
async fn no_rows_is_just_the_header() {
    let s = sample();
    let (rows, bytes) = export(
        s.empty_stream(),
        &s.columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        "departamento,codigo,poblacion,monto,activo,fecha,registrado\r\n"
    );
}

#[tokio::test]
async fn formula_like_text_is_neutralised_only_in_text_columns() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("texto", DataType::Utf8, true),
        Field::new("numero", DataType::Int64, true),
        Field::new("=HYPERLINK(\"x\")", DataType::Utf8, true),
    ]));
    let texts = [
        "=SUM(A1)", "+57", "-5", "@SUM(1)", "\tx", "\rx", "a=b", " =x", "0101",
    ];
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(texts.to_vec())),
        Arc::new(Int64Array::from(vec![-5, -1, 0, 1, -100, 2, 3, 4, 5])),
        Arc::new(StringArray::from(vec!["x"; 9])),
    ];
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let columns = vec![
        col("texto", ColumnType::Text),
        col("numero", ColumnType::Integer),
        col("=HYPERLINK(\"x\")", ColumnType::Text),
    ];
    let (_, bytes) = export(
        stream_of(schema, vec![batch], None),
        &columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    let rows = parse(&bytes, b',');
    assert_eq!(
        rows[0][2], "'=HYPERLINK(\"x\")",
        "header names are text too"
    );
    let got: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("'=SUM(A1)", "-5"),
            ("'+57", "-1"),
            ("'-5", "0"),
            ("'@SUM(1)", "1"),
            ("'\tx", "-100"),
            ("'\rx", "2"),
            ("a=b", "3"),
            (" =x", "4"),
            ("0101", "5"),
        ]
    );
}

#[tokio::test]
async fn a_lone_empty_field_is_not_a_blank_line() {
    let schema = Arc::new(Schema::new(vec![Field::new("nota", DataType::Utf8, true)]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![Arc::new(StringArray::from(vec![Some("a"), None, Some("")])) as ArrayRef],
    )
    .unwrap();
    let (rows, bytes) = export(
        stream_of(schema, vec![batch], None),
        &[col("nota", ColumnType::Text)],
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 3);
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        "nota\r\na\r\n\"\"\r\n\"\"\r\n"
    );
    assert_eq!(parse(&bytes, b',').len(), 4);
}

#[tokio::test]
async fn many_batches_stream_in_chunks_and_count_every_row() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("n", DataType::Int64, false),
        Field::new("t", DataType::Utf8, false),
    ]));
    let batches: Vec<RecordBatch> = (0..20)
        .map(|b| {
            let n: Vec<i64> = (b * 5000..(b + 1) * 5000).collect();
            let t: Vec<String> = n.iter().map(|i| format!("fila {i:06}")).collect();
            RecordBatch::try_new(
                Arc::clone(&schema),
                vec![
                    Arc::new(Int64Array::from(n)) as ArrayRef,
                    Arc::new(StringArray::from(t)),
                ],
            )
            .unwrap()
        })
        .collect();
    let columns = [col("n", ColumnType::Integer), col("t", ColumnType::Text)];
    let (mut w, mut r) = tokio::io::duplex(16 * 1024);
    let reader = tokio::spawn(async move {
        let mut all = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut r, &mut all)
            .await
            .unwrap();
        all
    });
    let rows = write_export(
        stream_of(schema, batches, None),
        &columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
        &mut w,
    )
    .await
    .unwrap();
    drop(w);
    let bytes = reader.await.unwrap();
    assert_eq!(rows, 100_000);
    let parsed = parse(&bytes, b',');
    assert_eq!(parsed.len(), 100_001);
    assert_eq!(parsed[100_000], vec!["99999", "fila 099999"]);
}

#[tokio::test]
async fn a_failure_midway_is_an_error_not_a_short_file() {
    let s = sample();
    let stream = stream_of(
        Arc::clone(&s.schema),
        vec![s.batches[0].clone()],
        Some("disk on fire"),
    );
    for format in [ExportFormat::Csv, ExportFormat::Tsv, ExportFormat::Json] {
        let stream = stream_of(
            Arc::clone(&s.schema),
            vec![s.batches[0].clone()],
            Some("disk on fire"),
        );
        let err = export(stream, &s.columns, format, &ExportOptions::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("disk on fire"),
            "{format:?}: {err}"
        );
    }
    // The rows before the failure were sent (streaming), and the error still came back.
    let mut out = Vec::new();
    let err = write_export(
        stream,
        &s.columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
        &mut out,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("disk on fire"));
    assert_eq!(parse(&out, b',').len(), 5);
}

#[tokio::test]
async fn a_reader_that_goes_away_is_an_error() {
    let s = sample();
    let (w, r) = tokio::io::duplex(64);
    drop(r);
    let err = write_export(
        s.stream(),
        &s.columns,
        ExportFormat::Csv,
        &ExportOptions::default(),
        w,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("export"), "{err}");
}

#[tokio::test]
async fn columns_must_describe_the_stream() {
    let s = sample();
    let err = export(
        s.stream(),
        &s.columns[..3],
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("3 columns described"), "{err}");
}
