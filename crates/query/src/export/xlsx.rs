//! XLSX: typed cells in a workbook written by rust_xlsxwriter in constant-memory mode.
//!
//! Numbers are numbers, booleans booleans, dates real Excel dates shown `dd/mm/yyyy`
//! (date-times `dd/mm/yyyy hh:mm`), text is text — so a code like `0101` keeps its leading
//! zero. The header is bold and frozen. A sheet holds at most [`MAX_SHEET_ROWS`] data rows;
//! more continue on `name (2)`, `name (3)`… with the header repeated.
//!
//! The workbook is built on a blocking thread fed batch by batch through a bounded
//! channel, into an anonymous temporary file, then copied to `out`.

use std::io::{BufWriter, Seek, SeekFrom, Write as _};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use super::{
    finish, io_error, is_formula_like, normalize, push_date, push_datetime, stream_error, Cells,
    Value,
};
use crate::model::{ColumnInfo, QueryError};
use ceiba_core::ColumnType;

/// Data rows on one worksheet: Excel's 1,048,576 rows less the header.
pub const MAX_SHEET_ROWS: u32 = 1_048_575;
/// Columns on one worksheet (Excel's limit).
const MAX_COLUMNS: usize = 16_384;
/// Characters in a sheet name (Excel's limit, in UTF-16 units).
const MAX_NAME: usize = 31;
/// Integers at or above this magnitude are written as text: Excel keeps 15 digits.
const EXACT_INT: u64 = 1_000_000_000_000_000;
/// Deflate level: Excel's own; level 6 (the library's default) takes twice as long to save
/// for a file 12% smaller, and saving is most of an export's time.
const ZIP_LEVEL: u8 = 3;
/// Estimated XML bytes of one sheet beyond which the zip uses ZIP64 (needed above 4 GiB
/// uncompressed; the estimate counts text unescaped, hence the margin).
const ZIP64_ABOVE: u64 = 1 << 30;
/// Estimated XML bytes of a cell besides its text (`<c r="AB123" s="1" t="n"><v>…</v></c>`).
const CELL_XML: u64 = 40;
/// Excel's serial number of 1970-01-01 (days since 1899-12-30).
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;
/// Excel's serial number of 9999-12-31, its last date.
const LAST_SERIAL: f64 = 2_958_465.0;

fn xlsx_error(e: XlsxError) -> QueryError {
    match e {
        XlsxError::MaxStringLengthExceeded => QueryError::Engine(
            "export: a text value is longer than the 32,767 characters an Excel cell holds; \
             export as CSV instead"
                .to_owned(),
        ),
        e => QueryError::Engine(format!("export: writing XLSX: {e}")),
    }
}

/// A name Excel accepts: `[]:*?/\` and control characters become `_`, no apostrophe at
/// either end, `datos` if nothing is left, and at most 31 characters with `suffix`.
pub(crate) fn sheet_name(name: &str, suffix: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut base = cleaned.trim().trim_matches('\'').trim().to_owned();
    if base.is_empty() {
        base = "datos".to_owned();
    }
    let room = MAX_NAME.saturating_sub(suffix.encode_utf16().count());
    let mut used = 0;
    let mut cut: String = base
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    // Cutting may leave an apostrophe or a space at the end.
    while cut.ends_with('\'') || (cut.ends_with(' ') && !suffix.is_empty()) {
        cut.pop();
    }
    if cut.is_empty() {
        cut = "datos".to_owned();
    }
    cut.push_str(suffix);
    cut
}

/// The serial number Excel gives a moment `days` (fractional) after 1970-01-01, with its
/// 1900 leap-year error taken into account; `None` before 1900-01-01 or after 9999.
fn excel_serial(days: f64) -> Option<f64> {
    let serial = days + UNIX_EPOCH_SERIAL;
    if serial >= 61.0 {
        // From 1900-03-01 on, counting from 1899-12-30 matches Excel.
        (serial < LAST_SERIAL + 1.0).then_some(serial)
    } else if serial >= 2.0 {
        // Excel counts a 29 February 1900 that never was: earlier dates are one less.
        Some(serial - 1.0)
    } else {
        None
    }
}

enum Msg {
    Batch(RecordBatch),
    /// Every batch was sent: save the workbook.
    Done,
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
}

fn add_sheet<'w>(
    wb: &'w mut Workbook,
    name: String,
    columns: &[ColumnInfo],
    formats: &Formats,
) -> Result<&'w mut Worksheet, QueryError> {
    let ws = wb
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    ws.set_name(name).map_err(xlsx_error)?;
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        let chars = col.name.chars().count() as f64;
        let width = match col.column_type {
            ColumnType::Date => 11.0_f64.max(chars + 2.0),
            ColumnType::Datetime => 16.0_f64.max(chars + 2.0),
            _ => (chars + 2.0).clamp(10.0, 40.0),
        };
        ws.set_column_width(c, width).map_err(xlsx_error)?;
        let text = if is_formula_like(&col.name) {
            format!("'{}", col.name)
        } else {
            col.name.clone()
        };
        ws.write_string_with_format(0, c, text, &formats.header)
            .map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(ws)
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Value<'_>,
    formats: &Formats,
    text: &mut Vec<u8>,
) -> Result<(), XlsxError> {
    const DAY_MICROS: f64 = 86_400_000_000.0;
    match value {
        Value::Null => {}
        Value::Int(v) if v.unsigned_abs() < EXACT_INT => {
            ws.write_number(row, col, v as f64)?;
        }
        Value::Int(v) => {
            ws.write_string(row, col, v.to_string())?;
        }
        Value::Float(v) => {
            ws.write_number(row, col, v)?;
        }
        Value::Bool(v) => {
            ws.write_boolean(row, col, v)?;
        }
        Value::Date(d) => match excel_serial(f64::from(d)) {
            Some(serial) => {
                ws.write_number_with_format(row, col, serial, &formats.date)?;
            }
            None => {
                text.clear();
                push_date(text, i64::from(d));
                ws.write_string(row, col, String::from_utf8_lossy(text))?;
            }
        },
        Value::Datetime(us) => match excel_serial(us as f64 / DAY_MICROS) {
            Some(serial) => {
                ws.write_number_with_format(row, col, serial, &formats.datetime)?;
            }
            None => {
                text.clear();
                push_datetime(text, us, b' ');
                ws.write_string(row, col, String::from_utf8_lossy(text))?;
            }
        },
        Value::Text(s) if is_formula_like(s) => {
            ws.write_string(row, col, format!("'{s}"))?;
        }
        Value::Text(s) => {
            ws.write_string(row, col, s)?;
        }
    }
    Ok(())
}

/// The blocking side: cells into a workbook, saved to an anonymous temporary file.
/// `Ok(None)` when the sender went away without [`Msg::Done`] (the export was abandoned).
fn build(
    mut rx: mpsc::Receiver<Msg>,
    columns: &[ColumnInfo],
    name: &str,
    rows_per_sheet: u32,
) -> Result<Option<(std::fs::File, u64)>, QueryError> {
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
    };
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(ZIP_LEVEL);
    let mut sheets = 1u32;
    // Estimated XML size of the current sheet and the largest so far.
    let mut sheet_xml = 0u64;
    let mut largest_xml = 0u64;
    let mut ws = add_sheet(&mut wb, sheet_name(name, ""), columns, &formats)?;
    let mut in_sheet = 0u32;
    let mut total = 0u64;
    let mut text = Vec::with_capacity(32);
    loop {
        let batch = match rx.blocking_recv() {
            None => return Ok(None),
            Some(Msg::Done) => break,
            Some(Msg::Batch(b)) => b,
        };
        let arrays = normalize(&batch)?;
        let cells = arrays
            .iter()
            .map(Cells::new)
            .collect::<Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            if in_sheet == rows_per_sheet {
                sheets += 1;
                let next = sheet_name(name, &format!(" ({sheets})"));
                ws = add_sheet(&mut wb, next, columns, &formats)?;
                in_sheet = 0;
                largest_xml = largest_xml.max(sheet_xml);
                sheet_xml = 0;
            }
            let row = in_sheet + 1;
            for (c, col) in cells.iter().enumerate() {
                let value = col.get(r);
                sheet_xml += CELL_XML;
                if let Value::Text(s) = value {
                    sheet_xml += s.len() as u64;
                }
                write_cell(ws, row, c as u16, value, &formats, &mut text).map_err(|e| match e {
                    XlsxError::MaxStringLengthExceeded => xlsx_error(e),
                    e => QueryError::Engine(format!(
                        "export: writing XLSX, row {}, column {}: {e}",
                        total + 1,
                        columns.get(c).map_or("?", |c| c.name.as_str())
                    )),
                })?;
            }
            in_sheet += 1;
            total += 1;
        }
    }
    if largest_xml.max(sheet_xml) > ZIP64_ABOVE {
        wb.use_zip_large_file(true);
    }
    let mut file = tempfile::tempfile().map_err(|e| io_error("temporary file", e))?;
    {
        let mut w = BufWriter::with_capacity(256 * 1024, &mut file);
        wb.save_to_writer(&mut w).map_err(xlsx_error)?;
        w.flush().map_err(|e| io_error("temporary file", e))?;
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| io_error("temporary file", e))?;
    Ok(Some((file, total)))
}

/// Writes the stream as XLSX with at most `rows_per_sheet` data rows a sheet (clamped to
/// 1..=[`MAX_SHEET_ROWS`]). [`super::write_export`] uses [`MAX_SHEET_ROWS`]; the parameter
/// exists so tests can exercise the split with a few rows.
#[doc(hidden)]
pub async fn write_xlsx_with_sheet_rows<W: AsyncWrite + Unpin + Send>(
    mut stream: SendableRecordBatchStream,
    columns: &[ColumnInfo],
    sheet: &str,
    rows_per_sheet: u32,
    mut out: W,
) -> Result<u64, QueryError> {
    if columns.len() > MAX_COLUMNS {
        return Err(QueryError::Engine(format!(
            "export: {} columns, more than the {MAX_COLUMNS} an Excel sheet holds; \
             choose fewer columns or export as CSV",
            columns.len()
        )));
    }
    let rows_per_sheet = rows_per_sheet.clamp(1, MAX_SHEET_ROWS);
    let (tx, rx) = mpsc::channel::<Msg>(2);
    let cols = columns.to_vec();
    let name = sheet.to_owned();
    let worker = tokio::task::spawn_blocking(move || build(rx, &cols, &name, rows_per_sheet));

    // Feed the worker; if it stops (an error), sending fails and its error is reported.
    let fed: Result<(), QueryError> = async {
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(stream_error)?;
            if tx.send(Msg::Batch(batch)).await.is_err() {
                return Ok(());
            }
            // Nothing reaches `out` before the end; an empty write tells whether whoever
            // reads is still there (a closed duplex answers "broken pipe"), so an abandoned
            // download stops building its workbook.
            out.write(&[]).await.map_err(|e| io_error("writing", e))?;
        }
        let _ = tx.send(Msg::Done).await;
        Ok(())
    }
    .await;
    drop(tx);
    let built = worker
        .await
        .map_err(|e| QueryError::Engine(format!("export: XLSX writer: {e}")))?;
    fed?;
    let (file, rows) = built?.ok_or_else(|| {
        QueryError::Engine("export: the XLSX writer stopped before the end".to_owned())
    })?;

    let mut reader = BufReader::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    tokio::io::copy_buf(&mut reader, &mut out)
        .await
        .map_err(|e| io_error("writing", e))?;
    finish(&mut out).await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_excel_accepts() {
        assert_eq!(sheet_name("Ventas 2023/2024", ""), "Ventas 2023_2024");
        assert_eq!(sheet_name("a[b]:c*d?e\\f", ""), "a_b__c_d_e_f");
        assert_eq!(sheet_name("", ""), "datos");
        assert_eq!(sheet_name("  ''  ", " (2)"), "datos (2)");
        assert_eq!(sheet_name("'citado'", ""), "citado");
        let long = "Población por municipio y departamento de Guatemala";
        let one = sheet_name(long, "");
        assert_eq!(one.encode_utf16().count(), 31);
        assert!(long.starts_with(&one));
        let two = sheet_name(long, " (2)");
        assert!(two.encode_utf16().count() <= 31, "{two}");
        assert!(two.ends_with(" (2)"));
        // Characters outside the BMP count twice.
        let emoji = "😀".repeat(20);
        assert_eq!(sheet_name(&emoji, "").encode_utf16().count(), 30);
        for n in ["Ventas 2023/2024", long, "", "'x'", &emoji] {
            for s in ["", " (2)", " (123)"] {
                let mut wb = Workbook::new();
                assert!(
                    wb.add_worksheet().set_name(sheet_name(n, s)).is_ok(),
                    "{n:?}"
                );
            }
        }
    }

    #[test]
    fn excel_serial_numbers() {
        // 2024-01-01 is 45292 in Excel.
        assert_eq!(excel_serial(19_723.0), Some(45_292.0));
        // 1900-03-01 is 61, 1900-02-28 is 59, 1900-01-01 is 1.
        assert_eq!(excel_serial(-25_508.0), Some(61.0));
        assert_eq!(excel_serial(-25_509.0), Some(59.0));
        assert_eq!(excel_serial(-25_567.0), Some(1.0));
        assert_eq!(excel_serial(-25_568.0), None);
        // 9999-12-31 is Excel's last day; 10000-01-01 is not a date there.
        assert_eq!(excel_serial(2_932_896.0), Some(LAST_SERIAL));
        assert_eq!(excel_serial(2_932_897.0), None);
        // Noon.
        assert_eq!(excel_serial(19_723.5), Some(45_292.5));
    }
}
