//! JSON: one array of objects, one object a line, `[` … `]` even for no rows. Values keep
//! their types: numbers, booleans, strings, null; dates as `YYYY-MM-DD` and date-times as
//! `YYYY-MM-DDTHH:MM:SS`, like the rows API.

use futures::StreamExt;
use tokio::io::AsyncWrite;

use super::{
    finish, normalize, push_date, push_datetime, push_i64, send, stream_error, Cells, Value,
    CHUNK_BYTES,
};
use crate::model::{ColumnInfo, QueryError};
use datafusion::physical_plan::SendableRecordBatchStream;

fn json_error(e: serde_json::Error) -> QueryError {
    QueryError::Engine(format!("export: writing JSON: {e}"))
}

pub(super) async fn write<W: AsyncWrite + Unpin + Send>(
    mut stream: SendableRecordBatchStream,
    columns: &[ColumnInfo],
    mut out: W,
) -> Result<u64, QueryError> {
    // `{"name":` for the first column, `,"name":` for the others, escaped once.
    let keys = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut k = Vec::with_capacity(c.name.len() + 4);
            k.push(if i == 0 { b'{' } else { b',' });
            serde_json::to_writer(&mut k, &c.name).map_err(json_error)?;
            k.push(b':');
            Ok(k)
        })
        .collect::<Result<Vec<_>, QueryError>>()?;

    let mut buf = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    buf.push(b'[');
    let mut rows = 0u64;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(stream_error)?;
        let arrays = normalize(&batch)?;
        let cells = arrays
            .iter()
            .map(Cells::new)
            .collect::<Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            buf.extend_from_slice(if rows == 0 { b"\n" } else { b",\n" });
            if cells.is_empty() {
                buf.push(b'{');
            }
            for (key, col) in keys.iter().zip(&cells) {
                buf.extend_from_slice(key);
                match col.get(r) {
                    Value::Null => buf.extend_from_slice(b"null"),
                    Value::Int(v) => push_i64(&mut buf, v),
                    // Shortest round-trip form; not-a-number and infinities become null.
                    Value::Float(v) => serde_json::to_writer(&mut buf, &v).map_err(json_error)?,
                    Value::Bool(v) => buf.extend_from_slice(if v { b"true" } else { b"false" }),
                    Value::Date(d) => {
                        buf.push(b'"');
                        push_date(&mut buf, i64::from(d));
                        buf.push(b'"');
                    }
                    Value::Datetime(us) => {
                        buf.push(b'"');
                        push_datetime(&mut buf, us, b'T');
                        buf.push(b'"');
                    }
                    Value::Text(s) => serde_json::to_writer(&mut buf, s).map_err(json_error)?,
                }
            }
            buf.push(b'}');
            rows += 1;
            if buf.len() >= CHUNK_BYTES {
                send(&mut out, &mut buf).await?;
            }
        }
        send(&mut out, &mut buf).await?;
    }
    buf.extend_from_slice(b"\n]\n");
    send(&mut out, &mut buf).await?;
    finish(&mut out).await?;
    Ok(rows)
}
