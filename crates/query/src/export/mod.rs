//! Exports: a query's record batches written out as CSV, TSV, JSON, XLSX or Parquet.
//!
//! Every writer streams: it takes one batch at a time from the query, writes it to `out`
//! (in chunks of at most [`CHUNK_BYTES`] for the text formats) and flushes, so memory stays
//! bounded whatever the number of rows. XLSX is the one exception on the output side: a
//! zip needs the whole file before its central directory, so the workbook is built in a
//! temporary file (in constant-memory mode, on a blocking thread) and copied to `out` at
//! the end.
//!
//! Nothing is ever cut short: a failure midway — the query, a value Excel cannot hold, the
//! client going away — is returned as an error, never as a shorter file that looks whole.
//!
//! Text cells that a spreadsheet would run as a formula (first character `=`, `+`, `-`,
//! `@`, tab or carriage return) get a leading `'` in CSV, TSV and XLSX (OWASP's "CSV
//! injection"); numbers are never touched, and JSON and Parquet carry values unchanged.

mod csv;
mod json;
mod parquet;
mod xlsx;

use std::io::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Float64Array, Int64Array,
    LargeStringArray, StringArray, StringViewArray, TimestampMicrosecondArray,
};
use datafusion::arrow::compute::{can_cast_types, cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::physical_plan::SendableRecordBatchStream;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::model::{ColumnInfo, ExportFormat, QueryError};

#[doc(hidden)]
pub use xlsx::write_xlsx_with_sheet_rows;
pub use xlsx::MAX_SHEET_ROWS;

/// How the text formats hand bytes to `out`: at most about this much is buffered.
pub const CHUNK_BYTES: usize = 128 * 1024;

/// Choices a person can make about an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// CSV/TSV: start with a UTF-8 byte-order mark, so that Excel opens the file as UTF-8.
    pub bom: bool,
    /// XLSX: the worksheet's name (sanitised for Excel; further sheets are `name (2)`…).
    pub sheet_name: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            bom: false,
            sheet_name: "datos".to_owned(),
        }
    }
}

/// Writes every batch of `stream` to `out` in `format`; returns the number of data rows
/// written.
///
/// `columns` names and types the stream's columns, in the same order (the header uses
/// these names). On success `out` is flushed and shut down. On error the rows written so
/// far stay in `out`, which is dropped: the caller must report the error to whoever reads
/// (for an HTTP body, end it with an error) so the result is never taken for a whole file.
pub async fn write_export<W: AsyncWrite + Unpin + Send>(
    stream: SendableRecordBatchStream,
    columns: &[ColumnInfo],
    format: ExportFormat,
    opts: &ExportOptions,
    out: W,
) -> Result<u64, QueryError> {
    let schema = stream.schema();
    if schema.fields().len() != columns.len() {
        return Err(QueryError::Engine(format!(
            "export: {} columns described but the query returns {}",
            columns.len(),
            schema.fields().len()
        )));
    }
    match format {
        ExportFormat::Csv => csv::write(stream, columns, b',', opts.bom, out).await,
        ExportFormat::Tsv => csv::write(stream, columns, b'\t', opts.bom, out).await,
        ExportFormat::Json => json::write(stream, columns, out).await,
        ExportFormat::Xlsx => {
            xlsx::write_xlsx_with_sheet_rows(stream, columns, &opts.sheet_name, MAX_SHEET_ROWS, out)
                .await
        }
        ExportFormat::Parquet => parquet::write(stream, out).await,
    }
}

/// Whether a spreadsheet would take this text for a formula (or strip its first
/// character), so that it must be written with a leading `'`.
pub fn is_formula_like(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// One column of a batch, by the type its values are written as.
pub(crate) enum Cells<'a> {
    Int(&'a Int64Array),
    Float(&'a Float64Array),
    Bool(&'a BooleanArray),
    Date(&'a Date32Array),
    Datetime(&'a TimestampMicrosecondArray),
    Text(&'a StringArray),
    LargeText(&'a LargeStringArray),
    TextView(&'a StringViewArray),
    Null,
}

/// One value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since 1970-01-01 00:00:00 (no time zone).
    Datetime(i64),
    Text(&'a str),
}

impl<'a> Cells<'a> {
    /// Views an array produced by [`normalize`].
    pub(crate) fn new(a: &'a ArrayRef) -> Result<Cells<'a>, QueryError> {
        Ok(match a.data_type() {
            DataType::Int64 => Cells::Int(a.as_primitive()),
            DataType::Float64 => Cells::Float(a.as_primitive()),
            DataType::Boolean => Cells::Bool(a.as_boolean()),
            DataType::Date32 => Cells::Date(a.as_primitive()),
            DataType::Timestamp(TimeUnit::Microsecond, None) => Cells::Datetime(a.as_primitive()),
            DataType::Utf8 => Cells::Text(a.as_string()),
            DataType::LargeUtf8 => Cells::LargeText(a.as_string()),
            DataType::Utf8View => Cells::TextView(a.as_string_view()),
            DataType::Null => Cells::Null,
            other => {
                return Err(QueryError::Engine(format!(
                    "export: cannot write values of type {other}"
                )))
            }
        })
    }

    #[inline]
    pub(crate) fn get(&self, row: usize) -> Value<'a> {
        match self {
            Cells::Int(a) if a.is_valid(row) => Value::Int(a.value(row)),
            Cells::Float(a) if a.is_valid(row) => Value::Float(a.value(row)),
            Cells::Bool(a) if a.is_valid(row) => Value::Bool(a.value(row)),
            Cells::Date(a) if a.is_valid(row) => Value::Date(a.value(row)),
            Cells::Datetime(a) if a.is_valid(row) => Value::Datetime(a.value(row)),
            Cells::Text(a) if a.is_valid(row) => Value::Text(a.value(row)),
            Cells::LargeText(a) if a.is_valid(row) => Value::Text(a.value(row)),
            Cells::TextView(a) if a.is_valid(row) => Value::Text(a.value(row)),
            _ => Value::Null,
        }
    }
}

/// The type a column of type `t` is written as: Ceiba's own types (and the three kinds of
/// Arrow strings) as they are; other integers, floats, dates and timestamps as their Ceiba
/// type; anything else as text.
fn target_type(t: &DataType) -> DataType {
    match t {
        DataType::Int64
        | DataType::Float64
        | DataType::Boolean
        | DataType::Date32
        | DataType::Timestamp(TimeUnit::Microsecond, None)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null => t.clone(),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => DataType::Int64,
        DataType::Float16
        | DataType::Float32
        | DataType::Decimal32(_, _)
        | DataType::Decimal64(_, _)
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _) => DataType::Float64,
        DataType::Date64 => DataType::Date32,
        DataType::Timestamp(_, _) => DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Dictionary(_, v) => target_type(v),
        _ => DataType::Utf8,
    }
}

/// The batch's columns as types [`Cells::new`] reads. Casting is strict: a value that does
/// not fit (a `UInt64` above `i64::MAX`) is an error, never a silent null.
pub(crate) fn normalize(batch: &RecordBatch) -> Result<Vec<ArrayRef>, QueryError> {
    let opts = CastOptions {
        safe: false,
        ..Default::default()
    };
    batch
        .columns()
        .iter()
        .map(|a| {
            let to = target_type(a.data_type());
            if &to == a.data_type() {
                return Ok(Arc::clone(a));
            }
            if !can_cast_types(a.data_type(), &to) {
                return Err(QueryError::Engine(format!(
                    "export: cannot write values of type {}",
                    a.data_type()
                )));
            }
            cast_with_options(a, &to, &opts)
                .map_err(|e| QueryError::Engine(format!("export: converting a column: {e}")))
        })
        .collect()
}

/// The schema of an exported Parquet file: the stream's, with string and binary views,
/// large strings and dictionaries written as plain strings or binaries (what DataFusion
/// holds in memory is not what every Parquet reader understands).
pub(crate) fn plain_schema(schema: &Schema) -> Schema {
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| {
            let t = match f.data_type() {
                DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
                DataType::BinaryView | DataType::LargeBinary => DataType::Binary,
                DataType::Dictionary(_, v) => match v.as_ref() {
                    DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
                    DataType::BinaryView | DataType::LargeBinary => DataType::Binary,
                    other => other.clone(),
                },
                other => other.clone(),
            };
            f.as_ref().clone().with_data_type(t)
        })
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

/// An error of the query that feeds the export.
pub(crate) fn stream_error(e: DataFusionError) -> QueryError {
    match e.find_root() {
        DataFusionError::ResourcesExhausted(_) => QueryError::TooMuchMemory,
        _ => QueryError::Engine(format!("export: {e}")),
    }
}

pub(crate) fn io_error(what: &str, e: std::io::Error) -> QueryError {
    QueryError::Engine(format!("export: {what}: {e}"))
}

/// Writes `buf` to `out`, flushes, and empties `buf`.
pub(crate) async fn send<W: AsyncWrite + Unpin>(
    out: &mut W,
    buf: &mut Vec<u8>,
) -> Result<(), QueryError> {
    if !buf.is_empty() {
        out.write_all(buf)
            .await
            .map_err(|e| io_error("writing", e))?;
        buf.clear();
    }
    out.flush().await.map_err(|e| io_error("writing", e))
}

/// Flushes and shuts down `out` once everything is written.
pub(crate) async fn finish<W: AsyncWrite + Unpin>(out: &mut W) -> Result<(), QueryError> {
    out.flush().await.map_err(|e| io_error("writing", e))?;
    out.shutdown().await.map_err(|e| io_error("closing", e))
}

/// Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian; Howard
/// Hinnant's `civil_from_days`, exact for every `i32`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[inline]
fn push_2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + (v / 10 % 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

/// `YYYY-MM-DD`.
pub(crate) fn push_date(buf: &mut Vec<u8>, days: i64) {
    let (y, m, d) = civil_from_days(days);
    if (0..=9999).contains(&y) {
        let y = y as u32;
        push_2(buf, y / 100);
        push_2(buf, y % 100);
    } else {
        // Vec<u8> as io::Write cannot fail.
        let _ = write!(buf, "{y}");
    }
    buf.push(b'-');
    push_2(buf, m);
    buf.push(b'-');
    push_2(buf, d);
}

/// `YYYY-MM-DD HH:MM:SS` (with `sep` between date and time), plus `.ffffff` (trailing zeros
/// removed) when the time has a fraction of a second.
pub(crate) fn push_datetime(buf: &mut Vec<u8>, micros: i64, sep: u8) {
    const DAY: i64 = 86_400_000_000;
    let days = micros.div_euclid(DAY);
    let in_day = micros.rem_euclid(DAY);
    push_date(buf, days);
    buf.push(sep);
    let secs = (in_day / 1_000_000) as u32;
    push_2(buf, secs / 3600);
    buf.push(b':');
    push_2(buf, secs / 60 % 60);
    buf.push(b':');
    push_2(buf, secs % 60);
    let frac = (in_day % 1_000_000) as u32;
    if frac != 0 {
        let _ = write!(buf, ".{frac:06}");
        while buf.last() == Some(&b'0') {
            buf.pop();
        }
    }
}

/// An integer in decimal digits.
#[inline]
pub(crate) fn push_i64(buf: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        buf.push(b'-');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// A number in plain notation with `.` for decimals and no `.0` on whole numbers (`3`,
/// `-0.25`, `1234567.5`); scientific notation only for magnitudes at or above 10¹⁶ or
/// below 10⁻⁶, where plain digits would be unreadable. Not-a-number and infinities as
/// `NaN`, `Infinity`, `-Infinity`. Every value reads back to the same `f64`.
pub(crate) fn push_f64(buf: &mut Vec<u8>, v: f64) {
    if !v.is_finite() {
        buf.extend_from_slice(if v.is_nan() {
            b"NaN"
        } else if v > 0.0 {
            b"Infinity"
        } else {
            b"-Infinity"
        });
        return;
    }
    let a = v.abs();
    if v.fract() == 0.0 && a < 1e15 {
        push_i64(buf, v as i64);
    } else if !(1e-6..1e16).contains(&a) {
        let _ = write!(buf, "{v:e}");
    } else {
        let _ = write!(buf, "{v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap_or_default()
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(s(|b| push_date(b, 0)), "1970-01-01");
        assert_eq!(s(|b| push_date(b, 19_723)), "2024-01-01");
        assert_eq!(s(|b| push_date(b, -1)), "1969-12-31");
        assert_eq!(s(|b| push_date(b, 11_016)), "2000-02-29");
        assert_eq!(
            s(|b| push_datetime(b, 1_704_164_645_000_000, b' ')),
            "2024-01-02 03:04:05"
        );
        assert_eq!(
            s(|b| push_datetime(b, 1_704_164_645_250_000, b'T')),
            "2024-01-02T03:04:05.25"
        );
        assert_eq!(
            s(|b| push_datetime(b, -1, b' ')),
            "1969-12-31 23:59:59.999999"
        );
        for days in [-800_000i64, -1, 0, 59, 60, 365, 11_016, 2_932_896] {
            let text = s(|b| push_date(b, days));
            let parsed = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap();
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            assert_eq!((parsed - epoch).num_days(), days, "{text}");
        }
    }

    #[test]
    fn numbers_in_plain_notation() {
        assert_eq!(s(|b| push_i64(b, 0)), "0");
        assert_eq!(s(|b| push_i64(b, -42)), "-42");
        assert_eq!(s(|b| push_i64(b, i64::MIN)), "-9223372036854775808");
        assert_eq!(s(|b| push_f64(b, 3.0)), "3");
        assert_eq!(s(|b| push_f64(b, -0.25)), "-0.25");
        assert_eq!(s(|b| push_f64(b, 1234567.5)), "1234567.5");
        assert_eq!(s(|b| push_f64(b, 0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(s(|b| push_f64(b, 123456789012345.6)), "123456789012345.6");
        assert_eq!(s(|b| push_f64(b, 1e20)), "1e20");
        assert_eq!(s(|b| push_f64(b, 1.5e-9)), "1.5e-9");
        assert_eq!(s(|b| push_f64(b, f64::NAN)), "NaN");
        for v in [0.1, 2.5e15, 1e16, 9.99e-7, 1e-6, -7.25, 1e300] {
            let t = s(|b| push_f64(b, v));
            assert_eq!(t.parse::<f64>().unwrap(), v, "{t}");
        }
    }

    #[test]
    fn formula_like_text() {
        for t in ["=SUM(A1)", "+1", "-5", "@cmd", "\tx", "\rx"] {
            assert!(is_formula_like(t), "{t:?}");
        }
        for t in ["", "0101", "Petén", " =x", "a=b"] {
            assert!(!is_formula_like(t), "{t:?}");
        }
    }

    #[test]
    fn other_arrow_types_are_written_as_ceiba_types() {
        use datafusion::arrow::array::{
            Decimal128Array, DictionaryArray, Int32Array, TimestampMillisecondArray, UInt64Array,
        };
        use datafusion::arrow::datatypes::{Field, Int32Type};
        let dict: DictionaryArray<Int32Type> =
            vec!["Petén", "Petén", "Quiché"].into_iter().collect();
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![1, -2, 3])),
            Arc::new(dict),
            Arc::new(
                Decimal128Array::from(vec![12345, -5, 0])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
            Arc::new(TimestampMillisecondArray::from(vec![1_500, 0, -1])),
        ];
        let schema = Schema::new(
            arrays
                .iter()
                .enumerate()
                .map(|(i, a)| Field::new(format!("c{i}"), a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        );
        let batch = RecordBatch::try_new(Arc::new(schema), arrays).unwrap();
        let out = normalize(&batch).unwrap();
        let cells: Vec<Cells> = out.iter().map(|a| Cells::new(a).unwrap()).collect();
        assert_eq!(cells[0].get(1), Value::Int(-2));
        assert_eq!(cells[1].get(2), Value::Text("Quiché"));
        assert_eq!(cells[2].get(0), Value::Float(123.45));
        assert_eq!(cells[3].get(0), Value::Datetime(1_500_000));
        assert_eq!(cells[3].get(2), Value::Datetime(-1_000));

        // A value that does not fit is an error, never a silent null.
        let big: ArrayRef = Arc::new(UInt64Array::from(vec![u64::MAX]));
        let schema = Schema::new(vec![Field::new("n", DataType::UInt64, false)]);
        let batch = RecordBatch::try_new(Arc::new(schema), vec![big]).unwrap();
        assert!(normalize(&batch).is_err());
    }
}
