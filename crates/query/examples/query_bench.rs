//! The query benchmark: pages, cursors, searches and aggregations on one Parquet table
//! (such as the 2,000,000-row investment-projects table of `scripts/bench-ingest`).
//!
//! ```text
//! cargo run --release -p ceiba-query --example query_bench -- FILE.parquet [RUNS]
//! cargo run --release -p ceiba-query --example query_bench -- FILE.csv [RUNS]   # ingests first
//! ```
//! Prints one JSON line per measurement: milliseconds at p50/p95 (and min/max) over RUNS
//! runs (default 50), and the first (cold) run apart.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use ceiba_core::{Column, ColumnType};
use ceiba_query::{
    AggregateRequest, Engine, Filter, FilterOp, Measure, MeasureFn, QueryLimits, RowsRequest, Sort,
    TableSpec,
};
use ceiba_store::FileStore;
use datafusion::arrow::datatypes::DataType;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::json;

type Error = Box<dyn std::error::Error>;

const KEY: &str = "tables/bench/0.parquet";

/// Columns of a bare Parquet file, typed from its Arrow schema (`_id` left out).
fn spec_of(parquet: &Path) -> Result<TableSpec, Error> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(parquet)?)?;
    let rows = builder.metadata().file_metadata().num_rows();
    let mut columns = Vec::new();
    for f in builder.schema().fields() {
        if f.name() == "_id" {
            continue;
        }
        let column_type = match f.data_type() {
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                ColumnType::Integer
            }
            DataType::Float32 | DataType::Float64 => ColumnType::Decimal,
            DataType::Boolean => ColumnType::Boolean,
            DataType::Date32 => ColumnType::Date,
            DataType::Timestamp(..) => ColumnType::Datetime,
            _ => ColumnType::Text,
        };
        columns.push(Column::new(f.name(), column_type));
    }
    Ok(TableSpec {
        parquet_key: KEY.to_owned(),
        columns,
        rows,
    })
}

/// A Parquet file for `file`: itself, or a CSV/XLSX ingested into `work`.
fn parquet_for(file: &Path, work: &Path) -> Result<PathBuf, Error> {
    if file.extension().is_some_and(|e| e == "parquet") {
        return Ok(file.to_path_buf());
    }
    let start = Instant::now();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = ceiba_ingest::ingest_file(
        file,
        &name,
        &ceiba_ingest::IngestOptions::default(),
        ceiba_ingest::Limits::default(),
        work,
        &|_, _, _| {},
    );
    if out.tables.is_empty() {
        return Err(format!("{name}: no table").into());
    }
    let (_, parquet) = out.tables.swap_remove(0);
    println!(
        "{}",
        json!({"measure": "ingest (setup)", "seconds": start.elapsed().as_secs_f64()})
    );
    Ok(parquet)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Runs `f` `runs` times; prints the measurement with `extra` fields.
async fn measure<F, Fut>(name: &str, runs: usize, mut f: F) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<serde_json::Value, Error>>,
{
    let mut times = Vec::with_capacity(runs);
    let mut extra = serde_json::Value::Null;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        extra = f().await?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let cold = times[0];
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let mut line = json!({
        "measure": name,
        "runs": times.len(),
        "p50_ms": round(percentile(&sorted, 0.5)),
        "p95_ms": round(percentile(&sorted, 0.95)),
        "min_ms": round(sorted[0]),
        "max_ms": round(sorted[sorted.len() - 1]),
        "first_ms": round(cold),
    });
    if let (Some(obj), serde_json::Value::Object(more)) = (line.as_object_mut(), extra) {
        obj.extend(more);
    }
    println!("{line}");
    Ok(())
}

fn has(spec: &TableSpec, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| spec.columns.iter().any(|c| c.name == *n))
}

fn filter(column: &str, op: FilterOp, value: &str) -> Filter {
    Filter {
        column: column.into(),
        op,
        value: value.into(),
    }
}

async fn run(file: PathBuf, runs: usize) -> Result<(), Error> {
    let work = tempfile::tempdir()?;
    let parquet = parquet_for(&file, work.path())?;
    // The store sees the file under a portal-made key.
    let root = work.path().join("files");
    let target = root.join(KEY);
    std::fs::create_dir_all(target.parent().ok_or("no parent")?)?;
    let source = parquet.canonicalize()?;
    #[cfg(unix)]
    let linked = std::os::unix::fs::symlink(&source, &target).is_ok();
    #[cfg(not(unix))]
    let linked = false;
    if !linked {
        std::fs::copy(&source, &target)?;
    }
    let files = FileStore::local(&root)?;
    let spec = spec_of(&target)?;
    let limits = QueryLimits {
        timeout_ms: 120_000,
        ..QueryLimits::default()
    };
    println!(
        "{}",
        json!({"measure": "table", "rows": spec.rows, "columns": spec.columns.len(),
               "parquet_bytes": std::fs::metadata(&source)?.len()})
    );
    // Reading Parquet every time (no table cache)...
    let parquet = Engine::new(
        &files,
        QueryLimits {
            cache_mb: 0,
            ..limits
        },
    )?;
    suite("parquet", &parquet, &spec, runs).await?;
    drop(parquet);
    // ...and with the table in memory, as it is after its first queries.
    let engine = Engine::new(&files, limits)?;
    let start = Instant::now();
    let kept = engine.warm(&spec).await?;
    println!(
        "{}",
        json!({"measure": "load into memory", "kept": kept, "seconds": start.elapsed().as_secs_f64(),
               "mb": engine.cached_bytes() / (1024 * 1024)})
    );
    if kept {
        suite("memory", &engine, &spec, runs).await?;
    }
    Ok(())
}

/// Every measurement, named `label: …`.
async fn suite(label: &str, engine: &Engine, spec: &TableSpec, runs: usize) -> Result<(), Error> {
    let name = |n: &str| format!("{label}: {n}");
    let first_page = RowsRequest {
        limit: 25,
        ..RowsRequest::default()
    };
    let (e, s) = (engine, spec);
    measure(&name("first page (25 rows, no filter)"), runs, || async {
        let r = e.rows(s, &first_page).await?;
        Ok(json!({"rows": r.rows.len(), "total": r.total}))
    })
    .await?;

    if has(spec, &["departamento", "monto_aprobado"]) {
        let page = RowsRequest {
            filters: vec![
                filter("departamento", FilterOp::Eq, "Huehuetenango"),
                filter("monto_aprobado", FilterOp::Gt, "1000000"),
            ],
            sort: vec![Sort {
                column: "monto_aprobado".into(),
                descending: true,
            }],
            limit: 100,
            ..RowsRequest::default()
        };
        measure(
        &name("filtered sorted page (departamento = Huehuetenango, monto_aprobado > 1000000, -monto_aprobado, 100 rows)"),
            runs,
            || async {
                let r = e.rows(s, &page).await?;
                Ok(json!({"rows": r.rows.len(), "total": r.total}))
            },
        )
        .await?;
        // The same in one step: every column of every match, then the top rows.
        e.set_late_materialization(false);
        measure(&name("same, in one step"), runs, || async {
            let r = e.rows(s, &page).await?;
            Ok(json!({"rows": r.rows.len()}))
        })
        .await?;
        e.set_late_materialization(true);
        // The next page by cursor (the count is cached by then).
        let first = engine.rows(spec, &page).await?;
        let next = RowsRequest {
            cursor: first.next_cursor.clone(),
            ..page.clone()
        };
        measure(&name("same, next page by cursor"), runs, || async {
            let r = e.rows(s, &next).await?;
            Ok(json!({"rows": r.rows.len()}))
        })
        .await?;
        let deep = RowsRequest {
            offset: 10_000,
            ..page.clone()
        };
        measure(&name("same, offset 10000"), runs.min(10), || async {
            let r = e.rows(s, &deep).await?;
            Ok(json!({"rows": r.rows.len()}))
        })
        .await?;
        // A new predicate each run: the count is not cached.
        let mut n = 0u64;
        measure(
            &name("filtered sorted page, uncached count"),
            runs.min(20),
            || {
                n += 1;
                let req = RowsRequest {
                    filters: vec![
                        filter("departamento", FilterOp::Eq, "Huehuetenango"),
                        filter("monto_aprobado", FilterOp::Gt, &(1_000_000 + n).to_string()),
                    ],
                    ..page.clone()
                };
                async move {
                    let r = e.rows(s, &req).await?;
                    Ok(json!({"rows": r.rows.len(), "total": r.total}))
                }
            },
        )
        .await?;
    } else {
        println!(
            "{}",
            json!({"measure": name("filtered sorted page"), "skipped": "no departamento/monto_aprobado"})
        );
    }

    if has(spec, &["departamento", "sector", "monto_aprobado"]) {
        let agg = AggregateRequest {
            group_by: vec!["departamento".into(), "sector".into()],
            measures: vec![
                Measure {
                    func: MeasureFn::Sum,
                    column: Some("monto_aprobado".into()),
                },
                Measure {
                    func: MeasureFn::Count,
                    column: None,
                },
            ],
            limit: 1000,
            ..AggregateRequest::default()
        };
        measure(
            &name("group by departamento, sector: sum(monto_aprobado), count"),
            runs,
            || async {
                let r = e.aggregate(s, &agg).await?;
                Ok(json!({"groups": r.total}))
            },
        )
        .await?;
    } else {
        println!(
            "{}",
            json!({"measure": name("group by"), "skipped": "no departamento/sector/monto_aprobado"})
        );
    }

    let search = RowsRequest {
        q: Some("huehuetenango escuela".into()),
        limit: 25,
        ..RowsRequest::default()
    };
    measure(
        &name("search q=\"huehuetenango escuela\" (25 rows)"),
        runs.min(10),
        || async {
            let r = e.rows(s, &search).await?;
            Ok(json!({"rows": r.rows.len(), "total": r.total}))
        },
    )
    .await?;

    if let Some(c) = spec.columns.iter().find(|c| c.column_type.is_numeric()) {
        let column = c.name.clone();
        measure(
            &name(&format!("histogram of {column} (20 bins)")),
            runs.min(10),
            || async {
                let bins = e.histogram(s, &column, 20).await?;
                Ok(json!({"bins": bins.len()}))
            },
        )
        .await?;
    }
    Ok(())
}

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(
        args.next()
            .ok_or("usage: query_bench FILE.parquet|FILE.csv [RUNS]")?,
    );
    let runs: usize = match args.next() {
        Some(r) => r.parse()?,
        None => 50,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run(file, runs))
}
