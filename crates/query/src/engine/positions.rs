//! Rows by `_id` straight from the Parquet file: ingestion numbers rows 1, 2, 3… in file
//! order, so row `_id` is at position `_id - 1`, and the reader can be told exactly which
//! rows to decode. With the file's page index it reads and decodes only the pages that
//! hold them (a few thousand values a column for a page of 100 rows), where a filter on
//! `_id` decodes `_id` for the whole table and every page its ranges touch.
//!
//! A file whose row groups' `_id` statistics do not say "numbered from 1 in order" (none
//! that ingestion writes) is read through DataFusion as before.

use std::sync::Arc;

use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, RowSelection, RowSelector,
};
use datafusion::parquet::arrow::async_reader::{AsyncFileReader, ParquetRecordBatchStreamBuilder};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::errors::ParquetError;
use datafusion::parquet::file::metadata::{
    PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader,
};
use datafusion::parquet::file::statistics::Statistics;
use futures::future::BoxFuture;
use futures::{FutureExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use super::*;

/// What the engine keeps of a file to read rows by position.
#[derive(Clone)]
pub(super) struct Positions {
    metadata: ArrowReaderMetadata,
    /// The first row of each row group.
    starts: Vec<u64>,
    rows: u64,
    size: u64,
}

fn parquet_err(e: ParquetError) -> QueryError {
    QueryError::Engine(e.to_string())
}

/// A Parquet file in the file store, read by ranges.
struct StoreReader {
    store: Arc<dyn ObjectStore>,
    path: Path,
    size: u64,
}

fn store_err(e: object_store::Error) -> ParquetError {
    ParquetError::External(Box::new(e))
}

impl AsyncFileReader for StoreReader {
    fn get_bytes(
        &mut self,
        range: std::ops::Range<u64>,
    ) -> BoxFuture<'_, Result<bytes::Bytes, ParquetError>> {
        async move {
            self.store
                .get_range(&self.path, range)
                .await
                .map_err(store_err)
        }
        .boxed()
    }

    fn get_byte_ranges(
        &mut self,
        ranges: Vec<std::ops::Range<u64>>,
    ) -> BoxFuture<'_, Result<Vec<bytes::Bytes>, ParquetError>> {
        async move {
            self.store
                .get_ranges(&self.path, &ranges)
                .await
                .map_err(store_err)
        }
        .boxed()
    }

    fn get_metadata<'a>(
        &'a mut self,
        _options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, Result<Arc<ParquetMetaData>, ParquetError>> {
        async move {
            let size = self.size;
            let meta = ParquetMetaDataReader::new()
                .with_page_index_policy(PageIndexPolicy::Optional)
                .load_and_finish(&mut *self, size)
                .await?;
            Ok(Arc::new(meta))
        }
        .boxed()
    }
}

/// Whether every row group's `_id` runs from its first row's position + 1 to its last's.
fn numbered_in_order(meta: &ParquetMetaData, id_column: usize) -> Option<Vec<u64>> {
    let mut starts = Vec::with_capacity(meta.num_row_groups());
    let mut at: u64 = 0;
    for rg in meta.row_groups() {
        let n = u64::try_from(rg.num_rows()).ok()?;
        if n == 0 {
            starts.push(at);
            continue;
        }
        let Some(Statistics::Int64(s)) = rg.column(id_column).statistics() else {
            return None;
        };
        let (min, max) = (*s.min_opt()?, *s.max_opt()?);
        if s.null_count_opt().unwrap_or(1) != 0
            || u64::try_from(min).ok()? != at + 1
            || u64::try_from(max).ok()? != at + n
        {
            return None;
        }
        starts.push(at);
        at += n;
    }
    Some(starts)
}

/// Bytes of footers and page indexes kept (a page index grows with the table: about
/// 15 MB for 20,000,000 rows of 14 columns).
pub(super) const KEPT_BYTES: usize = 96 * 1024 * 1024;

impl Positions {
    /// Bytes it holds in memory (footer and page index).
    pub(super) fn bytes(&self) -> usize {
        self.metadata.metadata().memory_size()
    }

    /// Reads the file's footer and page index; `None` when its rows are not numbered in
    /// order (or it has no `_id`).
    pub(super) async fn load(
        store: Arc<dyn ObjectStore>,
        key: &str,
    ) -> Result<Option<Positions>, QueryError> {
        let path = Path::from(key);
        let size = store
            .head(&path)
            .await
            .map_err(|e| QueryError::Engine(e.to_string()))?
            .size;
        let mut reader = StoreReader { store, path, size };
        let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
        let metadata = ArrowReaderMetadata::load_async(&mut reader, options)
            .await
            .map_err(parquet_err)?;
        let Ok(id_column) = metadata.schema().index_of(ROW_ID) else {
            return Ok(None);
        };
        // Flat tables: the Arrow field is the Parquet leaf of the same index.
        if metadata
            .metadata()
            .file_metadata()
            .schema_descr()
            .num_columns()
            != metadata.schema().fields().len()
        {
            return Ok(None);
        }
        let meta = metadata.metadata().clone();
        let Some(starts) = numbered_in_order(&meta, id_column) else {
            return Ok(None);
        };
        let rows = u64::try_from(meta.file_metadata().num_rows()).unwrap_or(0);
        Ok(Some(Positions {
            size: reader.size,
            metadata,
            starts,
            rows,
        }))
    }

    /// The `columns` of the rows with these `_id`s (in any order; ids outside the table
    /// are left out), as record batches whose last column is `_id`.
    pub(super) async fn read(
        &self,
        store: Arc<dyn ObjectStore>,
        key: &str,
        columns: &[&str],
        ids: &[i64],
    ) -> Result<Vec<RecordBatch>, QueryError> {
        let mut positions: Vec<u64> = ids
            .iter()
            .filter_map(|&id| u64::try_from(id).ok())
            .filter(|&id| id >= 1 && id <= self.rows)
            .map(|id| id - 1)
            .collect();
        positions.sort_unstable();
        positions.dedup();
        if positions.is_empty() {
            return Ok(Vec::new());
        }
        // Row groups holding a wanted row, and the selection within them.
        let mut groups: Vec<usize> = Vec::new();
        let mut selectors: Vec<RowSelector> = Vec::new();
        let mut wanted = positions.iter().peekable();
        for (g, &start) in self.starts.iter().enumerate() {
            let n = u64::try_from(self.metadata.metadata().row_group(g).num_rows()).unwrap_or(0);
            let end = start + n;
            let mut at = start;
            let mut any = false;
            while let Some(&&p) = wanted.peek() {
                if p >= end {
                    break;
                }
                wanted.next();
                if p > at {
                    selectors.push(RowSelector::skip(usize_of(p - at)));
                }
                selectors.push(RowSelector::select(1));
                at = p + 1;
                any = true;
            }
            if any {
                if end > at {
                    selectors.push(RowSelector::skip(usize_of(end - at)));
                }
                groups.push(g);
            }
        }
        let schema = self.metadata.schema();
        let mut leaves: Vec<usize> = Vec::with_capacity(columns.len() + 1);
        for name in columns.iter().copied().chain([ROW_ID]) {
            let i = schema
                .index_of(name)
                .map_err(|e| QueryError::Engine(e.to_string()))?;
            if !leaves.contains(&i) {
                leaves.push(i);
            }
        }
        let mask = ProjectionMask::roots(
            self.metadata.metadata().file_metadata().schema_descr(),
            leaves.iter().copied(),
        );
        let reader = StoreReader {
            store,
            path: Path::from(key),
            size: self.size,
        };
        let batches: Vec<RecordBatch> =
            ParquetRecordBatchStreamBuilder::new_with_metadata(reader, self.metadata.clone())
                .with_projection(mask)
                .with_row_groups(groups)
                .with_row_selection(RowSelection::from(selectors))
                .with_batch_size(positions.len())
                .build()
                .map_err(parquet_err)?
                .try_collect()
                .await
                .map_err(parquet_err)?;
        // The projection keeps the file's column order: put them in the asked one.
        leaves.sort_unstable();
        let order: Vec<usize> = columns
            .iter()
            .copied()
            .chain([ROW_ID])
            .filter_map(|name| schema.index_of(name).ok())
            .filter_map(|i| leaves.binary_search(&i).ok())
            .collect();
        batches
            .iter()
            .map(|b| {
                b.project(&order)
                    .map_err(|e| QueryError::Engine(e.to_string()))
            })
            .collect()
    }
}
