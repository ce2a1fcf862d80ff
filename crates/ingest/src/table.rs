//! The second pass: typed values into Arrow batches, written as Parquet, with statistics.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use ceiba_core::{Column, ColumnType};
use chrono::{NaiveDate, NaiveDateTime};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::infer::ColumnPlan;
use crate::parse::{self, DateOrder, DecimalSep};
use crate::stats::{self, hash_bytes, mix, Distinct, TextTop, TopCounter};
use crate::{IngestError, Rows, Value};

const BATCH_ROWS: usize = 32 * 1024;

/// The row-number column every table carries.
pub const ROW_ID: &str = "_id";
const SAMPLE_ROWS: usize = 10;
/// Rows in a data page at most. A page is the smallest part of a column that a query can
/// skip or must decode whole: a page of rows picked by `_id` (after a filtered, sorted
/// first step) decodes this many values a column for each row it shows, where Parquet's
/// default (20,000) decoded nearly the whole table for a page of 100 scattered rows.
/// Measured on 2,000,000 rows (`scripts/bench-query`): reading 100 rows by `_id` took
/// 60 ms with 20,000-row pages, 21 ms with 4,096 and 14 ms with 1,024, for a file 3%
/// larger.
const PAGE_ROWS: usize = 1024;

/// The Arrow type that holds a column type.
pub fn arrow_type(t: ColumnType) -> DataType {
    match t {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Decimal => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
        ColumnType::Text => DataType::Utf8,
    }
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

enum Builder {
    Int(Int64Builder, TopCounter<i64>, Option<(i64, i64)>, i128),
    Dec(Float64Builder, TopCounter<u64>, Option<(f64, f64)>, f64),
    Bool(BooleanBuilder, [u64; 2]),
    Date(
        Date32Builder,
        TopCounter<i32>,
        Option<(NaiveDate, NaiveDate)>,
    ),
    Ts(
        TimestampMicrosecondBuilder,
        Option<(NaiveDateTime, NaiveDateTime)>,
    ),
    Text(StringBuilder, TextTop, Option<(String, String)>),
}

struct ColumnWriter {
    plan: ColumnPlan,
    builder: Builder,
    nulls: u64,
    values: u64,
    distinct: Distinct,
}

fn widen<T: PartialOrd + Copy>(range: &mut Option<(T, T)>, x: T) {
    match range {
        None => *range = Some((x, x)),
        Some((lo, hi)) => {
            if x < *lo {
                *lo = x;
            }
            if x > *hi {
                *hi = x;
            }
        }
    }
}

impl ColumnWriter {
    fn new(plan: &ColumnPlan) -> Self {
        let builder = match plan.column_type {
            ColumnType::Integer => Builder::Int(
                Int64Builder::with_capacity(BATCH_ROWS),
                TopCounter::default(),
                None,
                0,
            ),
            ColumnType::Decimal => Builder::Dec(
                Float64Builder::with_capacity(BATCH_ROWS),
                TopCounter::default(),
                None,
                0.0,
            ),
            ColumnType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(BATCH_ROWS), [0; 2]),
            ColumnType::Date => Builder::Date(
                Date32Builder::with_capacity(BATCH_ROWS),
                TopCounter::default(),
                None,
            ),
            ColumnType::Datetime => {
                Builder::Ts(TimestampMicrosecondBuilder::with_capacity(BATCH_ROWS), None)
            }
            ColumnType::Text => Builder::Text(
                StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 16),
                TextTop::default(),
                None,
            ),
        };
        ColumnWriter {
            plan: plan.clone(),
            builder,
            nulls: 0,
            values: 0,
            distinct: Distinct::default(),
        }
    }

    /// Appends one cell; returns it as JSON for the sample when `SAMPLE` (a constant, so
    /// that the other rows carry no JSON at all).
    fn push<const SAMPLE: bool>(&mut self, v: Value<'_>) -> serde_json::Value {
        let sep = self.plan.decimal_sep;
        let order = self.plan.date_order;
        let format = self.plan.date_format.as_deref();
        let mut json = serde_json::Value::Null;
        let present = match &mut self.builder {
            Builder::Int(b, top, range, sum) => match to_int(v, sep) {
                Some(i) => {
                    b.append_value(i);
                    top.add(&i);
                    widen(range, i);
                    *sum += i128::from(i);
                    self.distinct.add_hash(mix(i as u64));
                    if SAMPLE {
                        json = i.into();
                    }
                    true
                }
                None => {
                    b.append_null();
                    false
                }
            },
            Builder::Dec(b, top, range, sum) => match to_float(v, sep) {
                Some(x) => {
                    b.append_value(x);
                    top.add(&x.to_bits());
                    widen(range, x);
                    *sum += x;
                    self.distinct.add_hash(mix(x.to_bits()));
                    if SAMPLE {
                        json = serde_json::Number::from_f64(x)
                            .map_or(serde_json::Value::Null, Into::into);
                    }
                    true
                }
                None => {
                    b.append_null();
                    false
                }
            },
            Builder::Bool(b, counts) => match to_bool(v) {
                Some(x) => {
                    b.append_value(x);
                    counts[usize::from(x)] += 1;
                    if SAMPLE {
                        json = x.into();
                    }
                    true
                }
                None => {
                    b.append_null();
                    false
                }
            },
            Builder::Date(b, top, range) => {
                match to_datetime_as(v, order, format).map(|t| t.date()) {
                    Some(d) => {
                        let n = days(d);
                        b.append_value(n);
                        top.add(&n);
                        widen(range, d);
                        self.distinct.add_hash(mix(n as u64));
                        if SAMPLE {
                            json = d.to_string().into();
                        }
                        true
                    }
                    None => {
                        b.append_null();
                        false
                    }
                }
            }
            Builder::Ts(b, range) => match to_datetime_as(v, order, format) {
                Some(t) => {
                    let micros = t.and_utc().timestamp_micros();
                    b.append_value(micros);
                    widen(range, t);
                    self.distinct.add_hash(mix(micros as u64));
                    if SAMPLE {
                        json = t.format("%Y-%m-%dT%H:%M:%S").to_string().into();
                    }
                    true
                }
                None => {
                    b.append_null();
                    false
                }
            },
            Builder::Text(b, top, range) => {
                let owned;
                let s: &str = match v {
                    Value::Empty => "",
                    Value::Text(t) => parse::trim(t),
                    other => {
                        owned = other.display();
                        &owned
                    }
                };
                if s.is_empty() {
                    b.append_null();
                    false
                } else {
                    b.append_value(s);
                    let hash = hash_bytes(s.as_bytes());
                    self.distinct.add_hash(hash);
                    // A value counted before was already compared with the range.
                    if top.add(s, hash) {
                        match range {
                            None => *range = Some((s.to_owned(), s.to_owned())),
                            Some((lo, hi)) => {
                                if s < lo.as_str() {
                                    *lo = s.to_owned();
                                }
                                if s > hi.as_str() {
                                    *hi = s.to_owned();
                                }
                            }
                        }
                    }
                    if SAMPLE {
                        json = s.into();
                    }
                    true
                }
            }
        };
        if present {
            self.values += 1;
        } else {
            self.nulls += 1;
        }
        json
    }

    /// Whether the values so far are nearly all different (amounts, identifiers): a
    /// Parquet dictionary of them would only cost time.
    fn mostly_unique(&self) -> bool {
        match &self.builder {
            Builder::Int(_, top, ..) => top.closed(),
            Builder::Dec(_, top, ..) => top.closed(),
            Builder::Date(_, top, _) => top.closed(),
            Builder::Text(_, top, _) => top.closed(),
            Builder::Bool(..) | Builder::Ts(..) => false,
        }
    }

    fn finish_batch(&mut self) -> ArrayRef {
        match &mut self.builder {
            Builder::Int(b, ..) => Arc::new(b.finish()),
            Builder::Dec(b, ..) => Arc::new(b.finish()),
            Builder::Bool(b, _) => Arc::new(b.finish()),
            Builder::Date(b, ..) => Arc::new(b.finish()),
            Builder::Ts(b, _) => Arc::new(b.finish()),
            Builder::Text(b, ..) => Arc::new(b.finish()),
        }
    }

    fn into_column(self) -> Column {
        let p = &self.plan;
        let sketch = &self.distinct;
        let distinct = |exact: Option<u64>| exact.unwrap_or_else(|| sketch.estimate());
        let s = match &self.builder {
            Builder::Int(_, top, range, sum) => stats::finish(
                self.nulls,
                distinct(top.exact_distinct()),
                range.map(|(a, b)| (a.to_string(), b.to_string())),
                top.top(|k| k.to_string()),
                Some(*sum as f64),
                self.values,
            ),
            Builder::Dec(_, top, range, sum) => stats::finish(
                self.nulls,
                distinct(top.exact_distinct()),
                range.map(|(a, b)| (stats::show_float(a), stats::show_float(b))),
                top.top(|k| stats::show_float(f64::from_bits(*k))),
                Some(*sum),
                self.values,
            ),
            Builder::Bool(_, counts) => {
                let mut top = Vec::new();
                for (value, count) in [("true", counts[1]), ("false", counts[0])] {
                    if count > 0 {
                        top.push(ceiba_core::TopValue {
                            value: value.into(),
                            count,
                        });
                    }
                }
                top.sort_by_key(|t| std::cmp::Reverse(t.count));
                let distinct = counts.iter().filter(|c| **c > 0).count() as u64;
                stats::finish(self.nulls, distinct, None, top, None, self.values)
            }
            Builder::Date(_, top, range) => stats::finish(
                self.nulls,
                distinct(top.exact_distinct()),
                range.map(|(a, b)| (a.to_string(), b.to_string())),
                top.top(|k| {
                    NaiveDate::from_num_days_from_ce_opt(*k + 719_163)
                        .map_or_else(String::new, |d| d.to_string())
                }),
                None,
                self.values,
            ),
            Builder::Ts(_, range) => stats::finish(
                self.nulls,
                distinct(None),
                range.map(|(a, b)| {
                    (
                        a.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        b.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    )
                }),
                Vec::new(),
                None,
                self.values,
            ),
            Builder::Text(_, top, range) => stats::finish(
                self.nulls,
                distinct(top.exact_distinct()),
                range.clone(),
                top.top(),
                None,
                self.values,
            ),
        };
        Column {
            name: p.name.clone(),
            label: p.label.clone(),
            column_type: p.column_type,
            type_overridden: p.overridden,
            description: String::new(),
            unit: p.unit.clone(),
            stats: s,
        }
    }
}

pub fn to_int(v: Value<'_>, sep: DecimalSep) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        Value::Text(s) => parse::parse_integer(s, sep),
        _ => None,
    }
}

pub fn to_float(v: Value<'_>, sep: DecimalSep) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) if f.is_finite() => Some(f),
        Value::Text(s) => parse::parse_number(s, sep),
        _ => None,
    }
}

pub fn to_bool(v: Value<'_>) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        Value::Text(s) => parse::parse_bool(s),
        _ => None,
    }
}

/// As [`to_datetime`], text read first with the publisher's `format` when there is one.
pub fn to_datetime_as(
    v: Value<'_>,
    order: DateOrder,
    format: Option<&str>,
) -> Option<NaiveDateTime> {
    match (v, format) {
        (Value::Text(s), Some(f)) => {
            parse::parse_with_format(s, f).or_else(|| parse::parse_datetime(s.trim(), order))
        }
        (v, _) => to_datetime(v, order),
    }
}

pub fn to_datetime(v: Value<'_>, order: DateOrder) -> Option<NaiveDateTime> {
    match v {
        Value::Date(d) => Some(d.and_time(chrono::NaiveTime::MIN)),
        Value::DateTime(t) => Some(t),
        Value::Text(s) => parse::parse_datetime(s.trim(), order),
        _ => None,
    }
}

/// Columns with statistics, the row count and the first rows as JSON.
pub type Finished = (Vec<Column>, u64, Vec<Vec<serde_json::Value>>);

/// Writes one table to a Parquet file, a batch at a time.
pub struct TableWriter {
    columns: Vec<ColumnWriter>,
    schema: Arc<Schema>,
    /// Batches go to a thread that encodes and compresses Parquet, so that reading and
    /// converting the next rows overlaps with writing the last ones. It starts with the
    /// first batch, whose values say which columns are worth a dictionary.
    batches: Option<std::sync::mpsc::SyncSender<RecordBatch>>,
    encoder: Option<std::thread::JoinHandle<Result<(), IngestError>>>,
    /// The file, until the encoder takes it.
    file: Option<File>,
    in_batch: usize,
    rows: u64,
    sample: Vec<Vec<serde_json::Value>>,
    /// For each column, the cell of the row it reads (columns left out are skipped).
    positions: Vec<usize>,
}

fn parquet_error(e: impl std::fmt::Display) -> IngestError {
    IngestError::Internal(format!("writing Parquet: {e}"))
}

impl TableWriter {
    pub fn create(path: &Path, plans: &[ColumnPlan]) -> Result<TableWriter, IngestError> {
        Self::create_reading(path, plans, (0..plans.len()).collect())
    }

    /// As [`create`](Self::create), column `i` reading cell `positions[i]` of each row.
    pub fn create_reading(
        path: &Path,
        plans: &[ColumnPlan],
        positions: Vec<usize>,
    ) -> Result<TableWriter, IngestError> {
        let mut fields: Vec<Field> = plans
            .iter()
            .map(|p| Field::new(&p.name, arrow_type(p.column_type), true))
            .collect();
        // `_id`: the 1-based row number, as CKAN's DataStore numbers records; it is the
        // tie-breaker of keyset paging. Not part of the published schema.
        fields.push(Field::new(ROW_ID, DataType::Int64, false));
        let schema = Arc::new(Schema::new(fields));
        let file = File::create(path)?;
        Ok(TableWriter {
            columns: plans.iter().map(ColumnWriter::new).collect(),
            schema,
            batches: None,
            encoder: None,
            file: Some(file),
            in_batch: 0,
            rows: 0,
            sample: Vec::new(),
            positions,
        })
    }

    /// Appends the current row of `rows`; cells map to columns by position.
    pub fn push<R: Rows + ?Sized>(&mut self, rows: &R) -> Result<(), IngestError> {
        if self.sample.len() < SAMPLE_ROWS {
            let mut sample_row = Vec::with_capacity(self.columns.len());
            for (c, &at) in self.columns.iter_mut().zip(&self.positions) {
                sample_row.push(c.push::<true>(rows.get(at)));
            }
            self.sample.push(sample_row);
        } else {
            for (c, &at) in self.columns.iter_mut().zip(&self.positions) {
                c.push::<false>(rows.get(at));
            }
        }
        self.in_batch += 1;
        self.rows += 1;
        if self.in_batch >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Starts the encoder, with a dictionary for every column but those whose values so
    /// far were nearly all different (the same rows always give the same file).
    fn start_encoder(&mut self) -> Result<(), IngestError> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        // Pages are compressed only where it pays: text of nearly all different values
        // (names, descriptions). Dictionary keys, numbers and dates hardly compress, and
        // decompressing them was the largest cost of a scan: on 2,000,000 rows
        // (`scripts/bench-query`), a filtered sorted page read from Parquet took 43-48 ms
        // with no compression against 80-89 ms with Snappy everywhere, for a file of 88.6 MB
        // instead of 62.9.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .set_max_row_group_row_count(Some(256 * 1024))
            .set_data_page_row_count_limit(PAGE_ROWS);
        for c in self.columns.iter().filter(|c| c.mostly_unique()) {
            let column: parquet::schema::types::ColumnPath = c.plan.name.clone().into();
            props = props.set_column_dictionary_enabled(column.clone(), false);
            if matches!(c.builder, Builder::Text(..)) {
                props = props.set_column_compression(column, Compression::SNAPPY);
            }
        }
        let mut writer = ArrowWriter::try_new(file, self.schema.clone(), Some(props.build()))
            .map_err(parquet_error)?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<RecordBatch>(2);
        let encoder = std::thread::Builder::new()
            .name("parquet-writer".into())
            .spawn(move || {
                for batch in rx {
                    writer.write(&batch).map_err(parquet_error)?;
                }
                writer.close().map_err(parquet_error)?;
                Ok(())
            })?;
        self.batches = Some(tx);
        self.encoder = Some(encoder);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), IngestError> {
        self.start_encoder()?;
        if self.in_batch == 0 {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(ColumnWriter::finish_batch)
            .collect();
        let first = self.rows - self.in_batch as u64 + 1;
        let ids: arrow::array::Int64Array = (first as i64..=self.rows as i64).collect();
        arrays.push(Arc::new(ids));
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(parquet_error)?;
        let sent = self
            .batches
            .as_ref()
            .is_some_and(|tx| tx.send(batch).is_ok());
        self.in_batch = 0;
        if sent {
            Ok(())
        } else {
            // The encoder stopped: its own error says why.
            self.join_encoder().and(Err(IngestError::Internal(
                "the Parquet writer stopped".into(),
            )))
        }
    }

    fn join_encoder(&mut self) -> Result<(), IngestError> {
        self.batches = None;
        match self.encoder.take() {
            Some(handle) => handle
                .join()
                .map_err(|_| IngestError::Internal("the Parquet writer panicked".into()))?,
            None => Ok(()),
        }
    }

    /// Stops writing and waits for the encoder; the file is left as it is (the caller
    /// removes it).
    pub fn abandon(mut self) {
        let _ = self.join_encoder();
    }

    /// Closes the file; returns the columns with statistics, the row count and a sample.
    pub fn finish(mut self) -> Result<Finished, IngestError> {
        self.flush()?;
        self.join_encoder()?;
        let columns = self
            .columns
            .into_iter()
            .map(ColumnWriter::into_column)
            .collect();
        Ok((columns, self.rows, self.sample))
    }
}
