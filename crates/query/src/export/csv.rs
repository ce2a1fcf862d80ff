//! CSV and TSV: UTF-8 (optionally with a byte-order mark), a header of column names,
//! RFC 4180 quoting, `\r\n` line ends, numbers in plain notation, `true`/`false`, dates
//! `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS`, null as an empty field. Quoting is done
//! here (it is four characters); the tests parse the output back with the `csv` crate.

use futures::StreamExt;
use tokio::io::AsyncWrite;

use super::{
    finish, is_formula_like, normalize, push_date, push_datetime, push_f64, push_i64, send,
    stream_error, Cells, Value, CHUNK_BYTES,
};
use crate::model::{ColumnInfo, QueryError};
use datafusion::physical_plan::SendableRecordBatchStream;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Appends one field, quoted (RFC 4180: in `"`, with `"` doubled) when it holds the
/// delimiter, a quote or a line break.
#[inline]
fn push_field(buf: &mut Vec<u8>, field: &[u8], delimiter: u8) {
    if field
        .iter()
        .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
    {
        buf.push(b'"');
        for part in field.split_inclusive(|&b| b == b'"') {
            buf.extend_from_slice(part);
            if part.last() == Some(&b'"') {
                buf.push(b'"');
            }
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(field);
    }
}

/// Appends a text field, with a `'` in front if a spreadsheet would take it for a formula.
#[inline]
fn push_text(buf: &mut Vec<u8>, scratch: &mut Vec<u8>, s: &str, delimiter: u8) {
    if is_formula_like(s) {
        scratch.clear();
        scratch.push(b'\'');
        scratch.extend_from_slice(s.as_bytes());
        push_field(buf, scratch, delimiter);
    } else {
        push_field(buf, s.as_bytes(), delimiter);
    }
}

pub(super) async fn write<W: AsyncWrite + Unpin + Send>(
    mut stream: SendableRecordBatchStream,
    columns: &[ColumnInfo],
    delimiter: u8,
    bom: bool,
    mut out: W,
) -> Result<u64, QueryError> {
    let mut buf = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    if bom {
        buf.extend_from_slice(BOM);
    }
    let mut scratch = Vec::with_capacity(64);

    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            buf.push(delimiter);
        }
        push_text(&mut buf, &mut scratch, &c.name, delimiter);
    }
    if columns.len() == 1 && columns[0].name.is_empty() {
        buf.extend_from_slice(b"\"\"");
    }
    buf.extend_from_slice(b"\r\n");
    send(&mut out, &mut buf).await?;

    let mut rows = 0u64;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(stream_error)?;
        let arrays = normalize(&batch)?;
        let cells = arrays
            .iter()
            .map(Cells::new)
            .collect::<Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            let start = buf.len();
            for (i, col) in cells.iter().enumerate() {
                if i > 0 {
                    buf.push(delimiter);
                }
                // Numbers, booleans and dates never hold a delimiter, quote or line break.
                match col.get(r) {
                    Value::Null => {}
                    Value::Int(v) => push_i64(&mut buf, v),
                    Value::Float(v) => push_f64(&mut buf, v),
                    Value::Bool(v) => buf.extend_from_slice(if v { b"true" } else { b"false" }),
                    Value::Date(d) => push_date(&mut buf, i64::from(d)),
                    Value::Datetime(us) => push_datetime(&mut buf, us, b' '),
                    Value::Text(s) => push_text(&mut buf, &mut scratch, s, delimiter),
                }
            }
            if buf.len() == start && !cells.is_empty() {
                // A blank line would be skipped by readers: one empty field is `""`.
                buf.extend_from_slice(b"\"\"");
            }
            buf.extend_from_slice(b"\r\n");
            rows += 1;
            if buf.len() >= CHUNK_BYTES {
                send(&mut out, &mut buf).await?;
            }
        }
        send(&mut out, &mut buf).await?;
    }
    finish(&mut out).await?;
    Ok(rows)
}
