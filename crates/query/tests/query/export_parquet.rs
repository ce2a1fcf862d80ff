//! Parquet exports, read back with Arrow's reader and with pyarrow.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::export_support::*;
use bytes::Bytes;
use ceiba_query::export::ExportOptions;
use ceiba_query::ExportFormat;
use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{json, Value};

fn read_back(bytes: Vec<u8>) -> (Arc<Schema>, RecordBatch, usize) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes)).unwrap();
    let row_groups = builder.metadata().num_row_groups();
    let schema = Arc::clone(builder.schema());
    let reader = builder.build().unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let all = concat_batches(&schema, &batches).unwrap();
    (schema, all, row_groups)
}

/// The sample as the file should hold it: the same, with string views as plain strings.
fn expected_schema() -> Schema {
    Schema::new(vec![
        Field::new("departamento", DataType::Utf8, true),
        Field::new("codigo", DataType::Utf8, true),
        Field::new("poblacion", DataType::Int64, true),
        Field::new("monto", DataType::Float64, true),
        Field::new("activo", DataType::Boolean, true),
        Field::new("fecha", DataType::Date32, true),
        Field::new(
            "registrado",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            true,
        ),
    ])
}

#[tokio::test]
async fn parquet_reads_back_with_the_same_schema_and_values() {
    let s = sample();
    let (rows, bytes) = export(
        s.stream(),
        &s.columns,
        ExportFormat::Parquet,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 6);
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");

    let (schema, got, _) = read_back(bytes.clone());
    assert_eq!(schema.as_ref(), &expected_schema());
    let original = concat_batches(&s.schema, &s.batches).unwrap();
    assert_eq!(got.num_rows(), 6);
    for (i, (a, b)) in original.columns().iter().zip(got.columns()).enumerate() {
        let a: ArrayRef = cast(a, b.data_type()).unwrap();
        assert_eq!(a.as_ref(), b.as_ref(), "column {i}");
    }
    // Formula-like text and negative numbers are data here: unchanged.
    let dep = got
        .column(0)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::StringArray>()
        .unwrap();
    assert_eq!(dep.value(4), "=SUM(A1)");
    assert!(dep.is_null(5));

    let Some(py) = python_check(&bytes, ".parquet") else {
        return;
    };
    assert_eq!(py["num_rows"], 6);
    assert_eq!(py["compression"], json!(["SNAPPY"]));
    let types: Vec<(&str, &str)> = py["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        types,
        [
            ("departamento", "string"),
            ("codigo", "string"),
            ("poblacion", "int64"),
            ("monto", "double"),
            ("activo", "bool"),
            ("fecha", "date32[day]"),
            ("registrado", "timestamp[us]"),
        ]
    );
    let rows = py["rows"].as_array().unwrap();
    assert_eq!(
        rows[0],
        json!({
            "departamento": "Petén",
            "codigo": "1701",
            "poblacion": 545599,
            "monto": 1234.5,
            "activo": true,
            "fecha": "2024-01-15",
            "registrado": "2024-01-15T08:30:00"
        })
    );
    assert_eq!(rows[3]["codigo"], "0101");
    assert_eq!(rows[3]["departamento"], "línea uno\nlínea dos");
    assert_eq!(rows[4]["departamento"], "=SUM(A1)");
    assert_eq!(rows[4]["codigo"], "-5");
    assert_eq!(rows[4]["poblacion"], -5);
    assert_eq!(rows[2]["activo"], Value::Null);
    assert_eq!(rows[5]["departamento"], Value::Null);
}

#[tokio::test]
async fn no_rows_is_a_valid_file_with_the_schema() {
    let s = sample();
    let (rows, bytes) = export(
        s.empty_stream(),
        &s.columns,
        ExportFormat::Parquet,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 0);
    let (schema, got, _) = read_back(bytes.clone());
    assert_eq!(schema.as_ref(), &expected_schema());
    assert_eq!(got.num_rows(), 0);
    if let Some(py) = python_check(&bytes, ".parquet") {
        assert_eq!(py["num_rows"], 0);
        assert_eq!(py["schema"].as_array().unwrap().len(), 7);
    }
}

#[tokio::test]
async fn many_rows_make_several_row_groups() {
    use datafusion::arrow::array::Int64Array;
    let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
    let batches: Vec<RecordBatch> = (0..80)
        .map(|b| {
            RecordBatch::try_new(
                Arc::clone(&schema),
                vec![Arc::new(Int64Array::from(
                    (b * 8192..(b + 1) * 8192).collect::<Vec<i64>>(),
                )) as ArrayRef],
            )
            .unwrap()
        })
        .collect();
    let mut bytes = Vec::new();
    let rows = ceiba_query::export::write_export(
        stream_of(Arc::clone(&schema), batches, None),
        &[col("n", ceiba_core::ColumnType::Integer)],
        ExportFormat::Parquet,
        &ExportOptions::default(),
        &mut bytes,
    )
    .await
    .unwrap();
    assert_eq!(rows, 80 * 8192);
    let (_, got, row_groups) = read_back(bytes);
    assert_eq!(got.num_rows(), 80 * 8192);
    assert!(row_groups >= 3, "{row_groups} row groups");
    let n = got.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    assert!(n.values().iter().enumerate().all(|(i, v)| *v == i as i64));
}

#[tokio::test]
async fn a_failure_midway_is_an_error() {
    let s = sample();
    let stream = stream_of(
        Arc::clone(&s.schema),
        vec![s.batches[0].clone()],
        Some("disk on fire"),
    );
    let err = export(
        stream,
        &s.columns,
        ExportFormat::Parquet,
        &ExportOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("disk on fire"), "{err}");
}
