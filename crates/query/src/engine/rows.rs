//! Pages of rows: filtered, searched, sorted, from an offset or after a cursor, read in
//! two steps when the table is not in memory.

use super::*;

/// A validated rows request, ready to become a DataFrame.
pub(super) struct RowsPlan {
    pub(super) columns: Vec<ColumnInfo>,
    pub(super) predicate: Option<Expr>,
    /// The predicate's cache key (its debug form quotes values unambiguously).
    pub(super) predicate_key: String,
    pub(super) keys: Vec<Key>,
    /// What a cursor for this query must carry.
    pub(super) hash: String,
    pub(super) after: Option<Vec<ScalarValue>>,
}

impl RowsPlan {
    pub(super) fn new(table: &TableSpec, req: &RowsRequest) -> Result<RowsPlan, QueryError> {
        let columns = plan::output_columns(table, req.columns.as_deref(), "columns")?;
        let predicate = plan::predicate(table, &req.filters, req.q.as_deref())?;
        let keys = plan::sort_keys(table, &req.sort, "sort")?;
        let hash = plan::query_hash(table, &req.filters, req.q.as_deref(), &keys);
        let after = match req.cursor.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => Some(Cursor::decode(c, &hash, &keys)?),
            _ => None,
        };
        Ok(RowsPlan {
            columns,
            predicate_key: predicate
                .as_ref()
                .map(|p| format!("{p:?}"))
                .unwrap_or_default(),
            predicate,
            keys,
            hash,
            after,
        })
    }

    /// Filtered (predicate and cursor) and sorted, not yet limited or projected.
    pub(super) fn sorted(&self, df: DataFrame) -> Result<DataFrame, DataFusionError> {
        let mut df = df;
        if let Some(p) = &self.predicate {
            df = df.filter(p.clone())?;
        }
        if let Some(values) = &self.after {
            df = df.filter(plan::after_expr(&self.keys, values))?;
        }
        df.sort(self.keys.iter().map(Key::sort_expr).collect())
    }
}

impl Engine {
    /// A page of rows: filtered, searched, sorted (always by `_id` last), from `offset` or
    /// after `cursor`, at most `limits.max_page_rows`.
    pub async fn rows(
        &self,
        table: &TableSpec,
        req: &RowsRequest,
    ) -> Result<RowsResponse, QueryError> {
        self.bounded(self.rows_unbounded(table, req)).await
    }

    pub(super) async fn rows_unbounded(
        &self,
        table: &TableSpec,
        req: &RowsRequest,
    ) -> Result<RowsResponse, QueryError> {
        let rp = RowsPlan::new(table, req)?;
        let max = self.inner.limits.max_page_rows;
        let (limit, capped) = if req.limit > max {
            (max, Some(format!("limit lowered to {max} rows")))
        } else {
            (req.limit, None)
        };
        let offset = if rp.after.is_some() {
            0
        } else {
            req.offset.min(MAX_OFFSET)
        };
        let page = async {
            if limit == 0 || (table.rows > 0 && offset >= table.rows as u64) {
                return Ok((Vec::new(), None));
            }
            self.page(table, &rp, limit, offset).await
        };
        let (total, (rows, next_cursor)) = tokio::try_join!(
            self.total(table, rp.predicate.clone(), &rp.predicate_key),
            page
        )?;
        Ok(RowsResponse {
            columns: rp.columns,
            rows,
            total,
            limit,
            offset,
            next_cursor,
            capped,
        })
    }

    /// The rows of one page as JSON, and the cursor after its last row when more follow.
    ///
    /// In two steps when the page shows columns beyond its sort keys: first the keys and
    /// `_id`s of the page (reading only the filtered and sorted columns), then those rows'
    /// other columns by `_id`, so that wide columns are decoded only in the pages of the
    /// file that hold the page's rows instead of wherever a row matched the filters.
    pub(super) async fn page(
        &self,
        table: &TableSpec,
        rp: &RowsPlan,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<Vec<serde_json::Value>>, Option<String>), QueryError> {
        let (_, cached) = self.query_provider(table).await?;
        let key_names: Vec<&str> = rp.keys.iter().map(|k| k.column.name.as_str()).collect();
        // In memory every column is at hand: one step.
        let two_steps = !cached
            && self.inner.late_materialization.load(Ordering::Relaxed)
            && rp
                .columns
                .iter()
                .any(|c| !key_names.contains(&c.name.as_str()));
        // Step one reads few columns: it decodes them whole (see [`Engine::scan_frame`]);
        // one step reads every column of the matches, decoding them only where they match.
        let (frame, _) = if two_steps {
            self.scan_frame(table).await?
        } else {
            self.frame(table).await?
        };
        // Step one (or the only step): the page's sort keys, and in one step its output
        // columns too.
        let mut names = key_names;
        if !two_steps {
            for c in &rp.columns {
                if !names.contains(&c.name.as_str()) {
                    names.push(&c.name);
                }
            }
        }
        let df = rp
            .sorted(frame)
            .and_then(|df| df.limit(usize_of(offset), Some(usize_of(limit).saturating_add(1))))
            .and_then(|df| df.select(names.iter().map(|n| ident(*n)).collect::<Vec<_>>()))
            .map_err(engine_error)?;
        let batches = df.collect().await.map_err(engine_error)?;
        let want = usize_of(limit);
        let id_index = names.iter().position(|n| *n == ROW_ID).unwrap_or_default();
        let mut page: Vec<(&RecordBatch, usize)> = Vec::with_capacity(want.min(1024));
        let mut more = false;
        'batches: for batch in &batches {
            for i in 0..batch.num_rows() {
                if page.len() == want {
                    more = true;
                    break 'batches;
                }
                page.push((batch, i));
            }
        }
        let next_cursor = match (more, page.last()) {
            (true, Some((batch, i))) => {
                let keys = (0..rp.keys.len())
                    .map(|k| {
                        ScalarValue::try_from_array(batch.column(k), *i)
                            .map(|v| plan::key_json(&v))
                            .map_err(engine_error)
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Some(
                    Cursor {
                        hash: rp.hash.clone(),
                        keys,
                    }
                    .encode(),
                )
            }
            _ => None,
        };
        let position = |name: &str| names.iter().position(|n| *n == name).unwrap_or_default();
        if !two_steps {
            let rows = page
                .iter()
                .map(|(batch, i)| {
                    rp.columns
                        .iter()
                        .map(|c| cell(batch.column(position(&c.name)), *i))
                        .collect()
                })
                .collect();
            return Ok((rows, next_cursor));
        }
        let ids: Vec<i64> = page
            .iter()
            .filter_map(|(batch, i)| int_at(batch.column(id_index), *i))
            .collect();
        let rows = self.rows_by_id(table, &rp.columns, &ids).await?;
        Ok((rows, next_cursor))
    }

    /// The `columns` of the rows with these `_id`s, in the order of `ids`.
    pub(super) async fn rows_by_id(
        &self,
        table: &TableSpec,
        columns: &[ColumnInfo],
        ids: &[i64],
    ) -> Result<Vec<Vec<serde_json::Value>>, QueryError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Only pages not read from memory come here: read the file by position.
        if let Some(positions) = self.positions(table).await? {
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            let store = self.inner.store.clone();
            let batches = positions
                .read(store, &table.parquet_key, &names, ids)
                .await?;
            return Ok(in_id_order(&batches, columns.len(), columns.len(), ids));
        }
        let mut select: Vec<Expr> = columns.iter().map(|c| ident(c.name.clone())).collect();
        let id_at = match columns.iter().position(|c| c.name == ROW_ID) {
            Some(i) => i,
            None => {
                select.push(ident(ROW_ID));
                columns.len()
            }
        };
        let batches = self
            .frame(table)
            .await?
            .0
            .filter(plan::ids_expr(ids))
            .and_then(|df| df.select(select))
            .map_err(engine_error)?
            .collect()
            .await
            .map_err(engine_error)?;
        Ok(in_id_order(&batches, id_at, columns.len(), ids))
    }

    /// What [`Positions`] knows of the table's file, kept per key; `None` when its rows
    /// cannot be found by position.
    async fn positions(&self, table: &TableSpec) -> Result<Option<Positions>, QueryError> {
        let key = &table.parquet_key;
        if let Some(p) = lock(&self.inner.positions).get(key) {
            return Ok(p);
        }
        if !safe_key(key) {
            return Err(QueryError::Engine(format!("unusable table key {key:?}")));
        }
        let p = Positions::load(self.inner.store.clone(), key).await?;
        let bytes = p.as_ref().map_or(0, Positions::bytes) + key.len();
        lock(&self.inner.positions).insert_weighing(key.clone(), p.clone(), bytes);
        Ok(p)
    }
}

/// The first `width` columns of the rows of `batches` with these `ids` (column `id_at`),
/// in the order of `ids`.
fn in_id_order(
    batches: &[RecordBatch],
    id_at: usize,
    width: usize,
    ids: &[i64],
) -> Vec<Vec<serde_json::Value>> {
    let mut by_id: HashMap<i64, (&RecordBatch, usize)> = HashMap::with_capacity(ids.len());
    for batch in batches {
        for i in 0..batch.num_rows() {
            if let Some(id) = int_at(batch.column(id_at), i) {
                by_id.insert(id, (batch, i));
            }
        }
    }
    ids.iter()
        .filter_map(|id| by_id.get(id))
        .map(|(batch, i)| (0..width).map(|c| cell(batch.column(c), *i)).collect())
        .collect()
}
