//! What the export tests share: a sample table, streams over in-memory batches, and the
//! independent check of `scripts/check_exports.py` (openpyxl, pyarrow).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use ceiba_core::ColumnType;
use ceiba_query::export::{write_export, ExportOptions};
use ceiba_query::{ColumnInfo, ExportFormat, QueryError};
use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray, StringViewArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::SendableRecordBatchStream;

pub fn days(y: i32, m: u32, d: u32) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    (NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days() as i32
}

pub fn micros(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

pub fn col(name: &str, t: ColumnType) -> ColumnInfo {
    ColumnInfo {
        name: name.to_owned(),
        column_type: t,
    }
}

/// A stream over `batches`, then (if given) a failure.
pub fn stream_of(
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    fail_after: Option<&str>,
) -> SendableRecordBatchStream {
    let mut items: Vec<Result<RecordBatch, DataFusionError>> =
        batches.into_iter().map(Ok).collect();
    if let Some(msg) = fail_after {
        items.push(Err(DataFusionError::Execution(msg.to_owned())));
    }
    Box::pin(RecordBatchStreamAdapter::new(
        schema,
        futures::stream::iter(items),
    ))
}

/// The sample table: accents, quotes, commas, line breaks, codes with leading zeros (as
/// Arrow string views, as DataFusion reads Parquet), formula-like text, a negative number
/// column, nulls, dates and date-times; six rows in two batches.
pub struct Sample {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub columns: Vec<ColumnInfo>,
}

pub const DEPARTAMENTOS: [Option<&str>; 6] = [
    Some("Petén"),
    Some("Sacatepéquez"),
    Some("Quiché, \"El\""),
    Some("línea uno\nlínea dos"),
    Some("=SUM(A1)"),
    None,
];
pub const CODIGOS: [Option<&str>; 6] = [
    Some("1701"),
    Some("0301"),
    Some("1401"),
    Some("0101"),
    Some("-5"),
    Some("@cmd"),
];
pub const POBLACION: [Option<i64>; 6] =
    [Some(545_599), Some(0), Some(-12), None, Some(-5), Some(7)];
pub const MONTO: [Option<f64>; 6] = [
    Some(1234.5),
    Some(3.0),
    Some(-0.25),
    None,
    Some(-7.5),
    Some(0.1),
];
pub const ACTIVO: [Option<bool>; 6] = [
    Some(true),
    Some(false),
    None,
    Some(true),
    Some(false),
    Some(true),
];

pub fn fechas() -> [Option<i32>; 6] {
    [
        Some(days(2024, 1, 15)),
        Some(days(2023, 12, 31)),
        None,
        Some(days(1999, 2, 28)),
        Some(days(2024, 2, 29)),
        Some(days(2024, 6, 30)),
    ]
}

pub fn registros() -> [Option<i64>; 6] {
    [
        Some(micros(2024, 1, 15, 8, 30, 0)),
        Some(micros(2023, 12, 31, 23, 59, 59)),
        None,
        Some(micros(2000, 1, 1, 0, 0, 0)),
        Some(micros(2024, 2, 29, 12, 0, 0)),
        Some(micros(2024, 6, 30, 18, 45, 30)),
    ]
}

pub fn sample() -> Sample {
    let schema = Arc::new(Schema::new(vec![
        Field::new("departamento", DataType::Utf8, true),
        Field::new("codigo", DataType::Utf8View, true),
        Field::new("poblacion", DataType::Int64, true),
        Field::new("monto", DataType::Float64, true),
        Field::new("activo", DataType::Boolean, true),
        Field::new("fecha", DataType::Date32, true),
        Field::new(
            "registrado",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            true,
        ),
    ]));
    let columns = vec![
        col("departamento", ColumnType::Text),
        col("codigo", ColumnType::Text),
        col("poblacion", ColumnType::Integer),
        col("monto", ColumnType::Decimal),
        col("activo", ColumnType::Boolean),
        col("fecha", ColumnType::Date),
        col("registrado", ColumnType::Datetime),
    ];
    let fechas = fechas();
    let registros = registros();
    let batch = |r: std::ops::Range<usize>| {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(DEPARTAMENTOS[r.clone()].to_vec())),
            Arc::new(StringViewArray::from(CODIGOS[r.clone()].to_vec())),
            Arc::new(Int64Array::from(POBLACION[r.clone()].to_vec())),
            Arc::new(Float64Array::from(MONTO[r.clone()].to_vec())),
            Arc::new(BooleanArray::from(ACTIVO[r.clone()].to_vec())),
            Arc::new(Date32Array::from(fechas[r.clone()].to_vec())),
            Arc::new(TimestampMicrosecondArray::from(registros[r].to_vec())),
        ];
        RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap()
    };
    let batches = vec![batch(0..4), batch(4..6)];
    Sample {
        schema,
        batches,
        columns,
    }
}

impl Sample {
    pub fn stream(&self) -> SendableRecordBatchStream {
        stream_of(Arc::clone(&self.schema), self.batches.clone(), None)
    }

    pub fn empty_stream(&self) -> SendableRecordBatchStream {
        stream_of(Arc::clone(&self.schema), Vec::new(), None)
    }
}

/// Runs an export into memory.
pub async fn export(
    stream: SendableRecordBatchStream,
    columns: &[ColumnInfo],
    format: ExportFormat,
    opts: &ExportOptions,
) -> Result<(u64, Vec<u8>), QueryError> {
    let mut out = Vec::new();
    let rows = write_export(stream, columns, format, opts, &mut out).await?;
    Ok((rows, out))
}

/// What `scripts/check_exports.py` reads in `bytes` (written to a file ending in
/// `suffix`), or `None` when python3 with openpyxl and pyarrow is missing — a failure
/// instead when `CEIBA_REQUIRE_PYTHON_CHECKS=1`.
pub fn python_check(bytes: &[u8], suffix: &str) -> Option<serde_json::Value> {
    let available = Command::new("python3")
        .args(["-c", "import openpyxl, pyarrow"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !available {
        assert!(
            std::env::var("CEIBA_REQUIRE_PYTHON_CHECKS").as_deref() != Ok("1"),
            "CEIBA_REQUIRE_PYTHON_CHECKS=1 but python3 with openpyxl and pyarrow is not available"
        );
        println!("skipped: openpyxl/pyarrow not installed");
        return None;
    }
    let file = tempfile::Builder::new()
        .prefix("ceiba-export-")
        .suffix(suffix)
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    Some(run_script(file.path()))
}

pub fn run_script(path: &Path) -> serde_json::Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/check_exports.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check_exports.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
