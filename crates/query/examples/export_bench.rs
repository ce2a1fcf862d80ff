//! Export throughput and memory: N synthetic rows (10 columns: text, codes with leading
//! zeros, integers, decimals, a date) generated in batches of 8192 — never all at once —
//! exported to a file; prints one JSON line with rows, seconds, MB/s and peak RSS.
//!
//! ```sh
//! cargo run --release -p ceiba-query --example export_bench -- xlsx 1000000 /tmp/out.xlsx
//! ```
//!
//! Goals (release): XLSX of 1,000,000 rows in at most 10 s with a peak below 300 MB; CSV
//! at 100 MB/s or more.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use ceiba_core::ColumnType;
use ceiba_query::export::{write_export, ExportOptions};
use ceiba_query::{ColumnInfo, ExportFormat};
use datafusion::arrow::array::{
    ArrayRef, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::SendableRecordBatchStream;

const BATCH: u64 = 8192;

const DEPARTAMENTOS: [&str; 22] = [
    "Guatemala",
    "El Progreso",
    "Sacatepéquez",
    "Chimaltenango",
    "Escuintla",
    "Santa Rosa",
    "Sololá",
    "Totonicapán",
    "Quetzaltenango",
    "Suchitepéquez",
    "Retalhuleu",
    "San Marcos",
    "Huehuetenango",
    "Quiché",
    "Baja Verapaz",
    "Alta Verapaz",
    "Petén",
    "Izabal",
    "Zacapa",
    "Chiquimula",
    "Jalapa",
    "Jutiapa",
];

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("nombre", DataType::Utf8, true),
        Field::new("departamento", DataType::Utf8, true),
        Field::new("codigo_departamento", DataType::Utf8, true),
        Field::new("codigo_municipio", DataType::Utf8, true),
        Field::new("anio", DataType::Int64, true),
        Field::new("poblacion", DataType::Int64, true),
        Field::new("hogares", DataType::Int64, true),
        Field::new("monto", DataType::Float64, true),
        Field::new("tasa", DataType::Float64, true),
        Field::new("fecha", DataType::Date32, true),
    ]))
}

fn columns() -> Vec<ColumnInfo> {
    use ColumnType::*;
    [
        ("nombre", Text),
        ("departamento", Text),
        ("codigo_departamento", Text),
        ("codigo_municipio", Text),
        ("anio", Integer),
        ("poblacion", Integer),
        ("hogares", Integer),
        ("monto", Decimal),
        ("tasa", Decimal),
        ("fecha", Date),
    ]
    .into_iter()
    .map(|(name, column_type)| ColumnInfo {
        name: name.to_owned(),
        column_type,
    })
    .collect()
}

/// Rows `start..end`, deterministic.
fn batch(schema: &SchemaRef, start: u64, end: u64) -> Result<RecordBatch, DataFusionError> {
    let n = (end - start) as usize;
    let mut nombre = StringBuilder::with_capacity(n, n * 24);
    let mut depto = StringBuilder::with_capacity(n, n * 12);
    let mut cod_d = StringBuilder::with_capacity(n, n * 2);
    let mut cod_m = StringBuilder::with_capacity(n, n * 4);
    let mut anio = Int64Builder::with_capacity(n);
    let mut pob = Int64Builder::with_capacity(n);
    let mut hog = Int64Builder::with_capacity(n);
    let mut monto = Float64Builder::with_capacity(n);
    let mut tasa = Float64Builder::with_capacity(n);
    let mut fecha = Date32Builder::with_capacity(n);
    let mut s = String::with_capacity(32);
    for i in start..end {
        // A cheap mix so values vary without a random-number crate.
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let d = (h % 22) as usize;
        s.clear();
        let _ = write!(s, "Centro de salud {} nº {}", DEPARTAMENTOS[d], i % 1000);
        nombre.append_value(&s);
        depto.append_value(DEPARTAMENTOS[d]);
        s.clear();
        let _ = write!(s, "{:02}", d + 1);
        cod_d.append_value(&s);
        s.clear();
        let _ = write!(s, "{:02}{:02}", d + 1, (h >> 8) % 30 + 1);
        cod_m.append_value(&s);
        anio.append_value(2000 + (i % 25) as i64);
        pob.append_value(((h >> 16) % 2_000_000) as i64);
        if i % 17 == 0 {
            hog.append_null();
        } else {
            hog.append_value(((h >> 24) % 400_000) as i64);
        }
        monto.append_value(((h >> 12) % 100_000_000) as f64 / 100.0);
        tasa.append_value(((h >> 20) % 10_000) as f64 / 9_999.0 - 0.5);
        fecha.append_value(10_957 + ((h >> 28) % 9_000) as i32);
    }
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(nombre.finish()),
        Arc::new(depto.finish()),
        Arc::new(cod_d.finish()),
        Arc::new(cod_m.finish()),
        Arc::new(anio.finish()),
        Arc::new(pob.finish()),
        Arc::new(hog.finish()),
        Arc::new(monto.finish()),
        Arc::new(tasa.finish()),
        Arc::new(fecha.finish()),
    ];
    Ok(RecordBatch::try_new(Arc::clone(schema), arrays)?)
}

fn synthetic(rows: u64) -> SendableRecordBatchStream {
    let schema = schema();
    let s = Arc::clone(&schema);
    let stream = futures::stream::unfold(0u64, move |start| {
        let s = Arc::clone(&s);
        async move {
            if start >= rows {
                return None;
            }
            let end = (start + BATCH).min(rows);
            Some((batch(&s, start, end), end))
        }
    });
    Box::pin(RecordBatchStreamAdapter::new(schema, stream))
}

/// Peak resident memory of this process in MB (Linux's VmHWM), if known.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, rows, path] = args.as_slice() else {
        return Err(
            "usage: export_bench FORMAT ROWS PATH (FORMAT: csv, tsv, json, xlsx, parquet)".into(),
        );
    };
    let format = ExportFormat::parse(format).ok_or("unknown format")?;
    let rows: u64 = rows.parse()?;

    let file = tokio::fs::File::create(path).await?;
    let started = Instant::now();
    let written = write_export(
        synthetic(rows),
        &columns(),
        format,
        &ExportOptions::default(),
        file,
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(path)?.len();
    let line = serde_json::json!({
        "format": format.extension(),
        "rows": written,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "bytes": bytes,
        "mb_per_s": (bytes as f64 / 1e6 / seconds * 10.0).round() / 10.0,
        "rows_per_s": (written as f64 / seconds).round(),
        "peak_rss_mb": peak_rss_mb().map(|m| (m * 10.0).round() / 10.0),
    });
    println!("{line}");
    Ok(())
}
