//! Parquet: the stream's schema and values, Snappy-compressed, written row group by row
//! group straight into `out`. String views (DataFusion's in-memory form of text) are
//! written as plain strings, so every Parquet reader understands the file.

use std::sync::Arc;

use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::AsyncArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::errors::ParquetError;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use tokio::io::AsyncWrite;

use super::{plain_schema, stream_error};
use crate::model::QueryError;

/// Rows in one row group at most (as ingestion writes tables).
const ROW_GROUP_ROWS: usize = 256 * 1024;
/// Encoded bytes a row group may reach before it is written out: what the writer holds.
const ROW_GROUP_BYTES: usize = 32 * 1024 * 1024;

fn parquet_error(e: ParquetError) -> QueryError {
    QueryError::Engine(format!("export: writing Parquet: {e}"))
}

/// `batch` with the schema of the file (views cast to plain types), if it differs.
fn conform(batch: RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, QueryError> {
    let same = batch
        .schema()
        .fields()
        .iter()
        .zip(schema.fields())
        .all(|(a, b)| a.data_type() == b.data_type());
    if same {
        return Ok(batch);
    }
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(a, f)| {
            if a.data_type() == f.data_type() {
                Ok(Arc::clone(a))
            } else {
                cast(a, f.data_type())
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| QueryError::Engine(format!("export: converting a column: {e}")))?;
    RecordBatch::try_new(Arc::clone(schema), columns)
        .map_err(|e| QueryError::Engine(format!("export: {e}")))
}

pub(super) async fn write<W: AsyncWrite + Unpin + Send>(
    mut stream: SendableRecordBatchStream,
    out: W,
) -> Result<u64, QueryError> {
    let schema: SchemaRef = Arc::new(plain_schema(&stream.schema()));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .build();
    let mut writer =
        AsyncArrowWriter::try_new(out, Arc::clone(&schema), Some(props)).map_err(parquet_error)?;
    let mut rows = 0u64;
    while let Some(batch) = stream.next().await {
        let batch = conform(batch.map_err(stream_error)?, &schema)?;
        rows += batch.num_rows() as u64;
        // Writes to `out` whenever a row group is complete.
        writer.write(&batch).await.map_err(parquet_error)?;
    }
    // Flushes the last row group, writes the footer, flushes and shuts down `out`.
    writer.close().await.map_err(parquet_error)?;
    Ok(rows)
}
