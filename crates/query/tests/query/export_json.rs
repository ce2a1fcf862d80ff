//! JSON exports, read back with serde_json.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::export_support::*;
use ceiba_core::ColumnType;
use ceiba_query::export::ExportOptions;
use ceiba_query::ExportFormat;
use datafusion::arrow::array::{ArrayRef, Float64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::{json, Value};

#[tokio::test]
async fn json_is_an_array_of_typed_objects() {
    let s = sample();
    let (rows, bytes) = export(
        s.stream(),
        &s.columns,
        ExportFormat::Json,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 6);
    let text = std::str::from_utf8(&bytes).unwrap();
    // Keys in column order, one object a line.
    assert!(
        text.starts_with(
            "[\n{\"departamento\":\"Petén\",\"codigo\":\"1701\",\"poblacion\":545599,"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 8);

    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 6);
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
    // Whole decimals stay decimals, integers stay integers.
    assert!(rows[1]["monto"].is_f64());
    assert_eq!(rows[1]["monto"].as_f64(), Some(3.0));
    assert!(rows[1]["poblacion"].is_i64());
    assert_eq!(rows[2]["departamento"], "Quiché, \"El\"");
    assert_eq!(rows[2]["activo"], Value::Null);
    assert_eq!(rows[2]["fecha"], Value::Null);
    assert_eq!(rows[3]["departamento"], "línea uno\nlínea dos");
    assert_eq!(rows[3]["codigo"], "0101");
    assert_eq!(rows[3]["poblacion"], Value::Null);
    // A data format: formula-like text and negative numbers are carried unchanged.
    assert_eq!(rows[4]["departamento"], "=SUM(A1)");
    assert_eq!(rows[4]["codigo"], "-5");
    assert_eq!(rows[4]["poblacion"], -5);
    assert_eq!(rows[4]["monto"], -7.5);
    assert_eq!(rows[5]["departamento"], Value::Null);
    assert_eq!(rows[5]["monto"].as_f64(), Some(0.1));
    assert_eq!(rows[5]["registrado"], "2024-06-30T18:45:30");
}

#[tokio::test]
async fn no_rows_is_an_empty_array() {
    let s = sample();
    let (rows, bytes) = export(
        s.empty_stream(),
        &s.columns,
        ExportFormat::Json,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows, 0);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v, json!([]));
}

#[tokio::test]
async fn numbers_json_cannot_hold_become_null() {
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, true)]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![Arc::new(Float64Array::from(vec![
            f64::NAN,
            f64::INFINITY,
            1e300,
            -2.5e-10,
        ])) as ArrayRef],
    )
    .unwrap();
    let (_, bytes) = export(
        stream_of(schema, vec![batch], None),
        &[col("x", ColumnType::Decimal)],
        ExportFormat::Json,
        &ExportOptions::default(),
    )
    .await
    .unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        v,
        json!([{"x": null}, {"x": null}, {"x": 1e300}, {"x": -2.5e-10}])
    );
}
