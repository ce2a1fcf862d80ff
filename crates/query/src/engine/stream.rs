//! The rows of an export, streamed.

use super::*;

impl Engine {
    /// The rows of a request for an export: filtered, searched, sorted and column-selected
    /// like [`Engine::rows`], but all of them when `req.limit` is 0 (else `limit` from
    /// `offset` or after `cursor`), never more than `limits.max_export_rows` when that is
    /// not 0, and without `_id` unless `columns` names it. Only planning is under the
    /// time limit; the stream runs as long as the download.
    pub async fn stream(
        &self,
        table: &TableSpec,
        req: &RowsRequest,
    ) -> Result<(Vec<ColumnInfo>, SendableRecordBatchStream), QueryError> {
        self.bounded(async {
            let rp = RowsPlan::new(table, req)?;
            let max = self.inner.limits.max_export_rows;
            let fetch = match (req.limit, max) {
                (0, 0) => None,
                (0, m) => Some(m),
                (l, 0) => Some(l),
                (l, m) => Some(l.min(m)),
            };
            let offset = if rp.after.is_some() {
                0
            } else {
                req.offset.min(MAX_OFFSET)
            };
            let mut df = rp
                .sorted(self.parquet_frame(table).await?)
                .map_err(engine_error)?;
            if offset > 0 || fetch.is_some() {
                df = df
                    .limit(usize_of(offset), fetch.map(usize_of))
                    .map_err(engine_error)?;
            }
            let df = df
                .select(
                    rp.columns
                        .iter()
                        .map(|c| ident(c.name.clone()))
                        .collect::<Vec<_>>(),
                )
                .map_err(engine_error)?;
            let stream = df.execute_stream().await.map_err(engine_error)?;
            Ok((rp.columns, stream))
        })
        .await
    }
}
