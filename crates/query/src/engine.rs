//! The DataFusion engine: pages of rows, aggregations, histograms and export streams over
//! the Parquet tables in the file store.
//!
//! One `SessionContext` serves every request: two target partitions, a memory pool shared
//! by all running queries (sorts and aggregations spill to disk beyond it), and the file
//! store registered under [`STORE_URL`]. Each table is a `ListingTable` over its one
//! Parquet file, cached by key (keys are immutable: a new version has a new key), declared
//! sorted by `_id` so that pages in row order and exports stream without a sort.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimeUnit, TimestampMicrosecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use datafusion::common::ScalarValue;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::TableProvider;
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::functions::expr_fn::floor;
use datafusion::functions_aggregate::expr_fn::{avg, count, count_distinct, max, min, sum};
use datafusion::logical_expr::{cast, SortExpr};
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::prelude::{ident, lit, DataFrame, Expr, SessionConfig, SessionContext};
use futures::StreamExt;

use crate::cache::TableCache;
use crate::plan::{self, Cursor, Key, ROW_ID};
use crate::{
    AggregateRequest, AggregateResponse, Bin, ColumnInfo, Measure, MeasureFn, Problem, QueryError,
    QueryLimits, RowsRequest, RowsResponse, TableSpec,
};

/// Where the file store is mounted in DataFusion: a table's key `tables/<uuid>/0.parquet`
/// is read as `ceiba://files/tables/<uuid>/0.parquet`.
pub const STORE_URL: &str = "ceiba://files/";

/// Table providers kept (each holds a schema and a little metadata).
const TABLE_CACHE: usize = 128;
/// Row counts kept, per (table, predicate).
const COUNT_CACHE: usize = 4_096;
/// Bins a histogram may have.
pub const MAX_BINS: usize = 1_000;
/// Disk that sorts and aggregations may spill to.
const SPILL_BYTES: u64 = 20 * 1024 * 1024 * 1024;

/// A small least-recently-used map (eviction scans it; it is small).
struct Lru<K, V> {
    map: HashMap<K, (V, u64)>,
    tick: u64,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Lru<K, V> {
    fn new(capacity: usize) -> Self {
        Lru {
            map: HashMap::new(),
            tick: 0,
            capacity,
        }
    }

    fn get(&mut self, k: &K) -> Option<V> {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(k).map(|(v, t)| {
            *t = tick;
            v.clone()
        })
    }

    fn insert(&mut self, k: K, v: V) {
        self.tick += 1;
        if self.map.len() >= self.capacity && !self.map.contains_key(&k) {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| k.clone());
            if let Some(old) = oldest {
                self.map.remove(&old);
            }
        }
        self.map.insert(k, (v, self.tick));
    }
}

struct Inner {
    ctx: SessionContext,
    limits: QueryLimits,
    tables: Mutex<Lru<String, Arc<dyn TableProvider>>>,
    counts: Mutex<Lru<(String, String), u64>>,
    /// Pages in two steps (keys, then the rows' other columns); see [`Engine::rows`].
    late_materialization: AtomicBool,
    cache: TableCache,
}

/// The query engine; cloning it is cheap (one shared context and caches).
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

/// A DataFusion error as the portal tells it: running out of the memory pool is the
/// request's fault, anything else the portal's.
pub fn engine_error(e: DataFusionError) -> QueryError {
    match e.find_root() {
        DataFusionError::ResourcesExhausted(_) => QueryError::TooMuchMemory,
        _ => QueryError::Engine(e.to_string()),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a cache lock leaves a usable cache: take it anyway.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Keys are made by the portal (`tables/<uuid>/0.parquet`); anything else is refused
/// rather than turned into a URL.
fn safe_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
        && key
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

fn usize_of(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Offsets beyond any table (so that `offset + limit` never overflows in the plan).
const MAX_OFFSET: u64 = 1 << 48;

/// A validated rows request, ready to become a DataFrame.
struct RowsPlan {
    columns: Vec<ColumnInfo>,
    predicate: Option<Expr>,
    /// The predicate's cache key (its debug form quotes values unambiguously).
    predicate_key: String,
    keys: Vec<Key>,
    /// What a cursor for this query must carry.
    hash: String,
    after: Option<Vec<ScalarValue>>,
}

impl RowsPlan {
    fn new(table: &TableSpec, req: &RowsRequest) -> Result<RowsPlan, QueryError> {
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
    fn sorted(&self, df: DataFrame) -> Result<DataFrame, DataFusionError> {
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
    /// An engine over `files`, bounded by `limits`.
    pub fn new(files: &ceiba_store::FileStore, limits: QueryLimits) -> Result<Engine, QueryError> {
        let mut config = SessionConfig::new()
            .with_target_partitions(2)
            .with_information_schema(false);
        {
            let parquet = &mut config.options_mut().execution.parquet;
            // Evaluate filters while decoding, reading the other columns only for the rows
            // that pass, cheapest filter first.
            parquet.pushdown_filters = true;
            parquet.reorder_filters = true;
        }
        let pool_bytes = usize_of(limits.memory_mb.max(16).saturating_mul(1024 * 1024));
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(pool_bytes)))
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_max_temp_directory_size(SPILL_BYTES),
            )
            .build_arc()
            .map_err(engine_error)?;
        let ctx = SessionContext::new_with_config_rt(config, runtime);
        ctx.register_udf(crate::contains::udf());
        let url = url::Url::parse(STORE_URL).map_err(|e| QueryError::Engine(e.to_string()))?;
        ctx.register_object_store(&url, files.object_store());
        Ok(Engine {
            inner: Arc::new(Inner {
                ctx,
                limits,
                tables: Mutex::new(Lru::new(TABLE_CACHE)),
                counts: Mutex::new(Lru::new(COUNT_CACHE)),
                late_materialization: AtomicBool::new(true),
                cache: TableCache::new(usize_of(limits.cache_mb.saturating_mul(1024 * 1024))),
            }),
        })
    }

    /// The DataFusion context (for read-only SQL over registered tables).
    pub fn context(&self) -> &SessionContext {
        &self.inner.ctx
    }

    pub fn limits(&self) -> &QueryLimits {
        &self.inner.limits
    }

    /// Whether pages are read in two steps (on by default): the sort keys and `_id`s of
    /// the page first, then the other columns of just those rows. One step reads every
    /// column of every row that matches the filters; two steps win when the page's rows
    /// are a small part of the matches, which is the usual case.
    pub fn set_late_materialization(&self, on: bool) {
        self.inner.late_materialization.store(on, Ordering::Relaxed);
    }

    /// The table's provider: a listing table over its Parquet file, cached by key.
    pub async fn provider(&self, table: &TableSpec) -> Result<Arc<dyn TableProvider>, QueryError> {
        let key = &table.parquet_key;
        if let Some(p) = lock(&self.inner.tables).get(key) {
            return Ok(p);
        }
        if !safe_key(key) {
            return Err(QueryError::Engine(format!("unusable table key {key:?}")));
        }
        let state = self.inner.ctx.state();
        let url = ListingTableUrl::parse(format!("{STORE_URL}{key}")).map_err(engine_error)?;
        let format = ParquetFormat::default().with_options(state.default_table_options().parquet);
        let extension = if key.ends_with(".parquet") {
            ".parquet"
        } else {
            ""
        };
        // Ingestion writes rows in `_id` order: declaring it lets row-order pages stop
        // early and exports stream without sorting.
        let options = ListingOptions::new(Arc::new(format))
            .with_file_extension(extension)
            .with_file_sort_order(vec![vec![ident(ROW_ID).sort(true, false)]]);
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .infer_schema(&state)
            .await
            .map_err(engine_error)?;
        let has_id = config
            .file_schema
            .as_ref()
            .is_some_and(|s| s.field_with_name(ROW_ID).is_ok());
        if !has_id {
            return Err(QueryError::Engine(format!(
                "table {key} has no {ROW_ID} column; rebuild it"
            )));
        }
        let provider: Arc<dyn TableProvider> =
            Arc::new(ListingTable::try_new(config).map_err(engine_error)?);
        lock(&self.inner.tables).insert(key.clone(), provider.clone());
        Ok(provider)
    }

    /// The table to query: in memory when loaded, else its Parquet file (and then a
    /// background load starts, if the cache is on). Says which.
    async fn frame(&self, table: &TableSpec) -> Result<(DataFrame, bool), QueryError> {
        let (provider, cached) = self.query_provider(table).await?;
        let df = self.inner.ctx.read_table(provider).map_err(engine_error)?;
        Ok((df, cached))
    }

    /// The provider [`Engine::frame`] reads: the table in memory when loaded, else its
    /// Parquet file (and then a background load starts, if the cache is on). Says which.
    pub(crate) async fn query_provider(
        &self,
        table: &TableSpec,
    ) -> Result<(Arc<dyn TableProvider>, bool), QueryError> {
        if let Some(cached) = self.inner.cache.get(&table.parquet_key) {
            return Ok((cached, true));
        }
        let provider = self.provider(table).await?;
        if self.inner.cache.claim(&table.parquet_key) {
            let engine = self.clone();
            let key = table.parquet_key.clone();
            let parquet = provider.clone();
            tokio::spawn(async move {
                let inner = &engine.inner;
                inner.cache.load(&inner.ctx, &key, parquet).await;
            });
        }
        Ok((provider, false))
    }

    /// The table's Parquet file, never the cache (exports: the same types every time).
    async fn parquet_frame(&self, table: &TableSpec) -> Result<DataFrame, QueryError> {
        let provider = self.provider(table).await?;
        self.inner.ctx.read_table(provider).map_err(engine_error)
    }

    /// Loads the table into memory now (if the cache is on and it fits); whether it is
    /// in memory afterwards. Queries load tables by themselves in the background; this
    /// is for warming up and for tests.
    pub async fn warm(&self, table: &TableSpec) -> Result<bool, QueryError> {
        if self.inner.cache.get(&table.parquet_key).is_some() {
            return Ok(true);
        }
        let provider = self.provider(table).await?;
        if self.inner.cache.claim(&table.parquet_key) {
            let inner = &self.inner;
            return Ok(inner
                .cache
                .load(&inner.ctx, &table.parquet_key, provider)
                .await);
        }
        Ok(false)
    }

    /// Bytes of tables held in memory.
    pub fn cached_bytes(&self) -> usize {
        self.inner.cache.bytes()
    }

    /// `work` under the time limit (`limits.timeout_ms`).
    pub(crate) async fn bounded<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, QueryError>>,
    ) -> Result<T, QueryError> {
        let ms = self.inner.limits.timeout_ms;
        match tokio::time::timeout(Duration::from_millis(ms), work).await {
            Ok(r) => r,
            Err(_) => Err(QueryError::Timeout(ms)),
        }
    }

    /// Rows matching `predicate` (all rows when `None`: the spec's count), cached per
    /// table and predicate.
    async fn total(
        &self,
        table: &TableSpec,
        predicate: Option<Expr>,
        predicate_key: &str,
    ) -> Result<u64, QueryError> {
        if predicate.is_none() && table.rows > 0 {
            return Ok(table.rows as u64);
        }
        let key = (table.parquet_key.clone(), predicate_key.to_owned());
        if let Some(n) = lock(&self.inner.counts).get(&key) {
            return Ok(n);
        }
        let (mut df, _) = self.frame(table).await?;
        if let Some(p) = predicate {
            df = df.filter(p).map_err(engine_error)?;
        }
        // Without a predicate the count comes from the Parquet footer.
        let n = df.count().await.map_err(engine_error)? as u64;
        lock(&self.inner.counts).insert(key, n);
        Ok(n)
    }

    /// A page of rows: filtered, searched, sorted (always by `_id` last), from `offset` or
    /// after `cursor`, at most `limits.max_page_rows`.
    pub async fn rows(
        &self,
        table: &TableSpec,
        req: &RowsRequest,
    ) -> Result<RowsResponse, QueryError> {
        self.bounded(self.rows_unbounded(table, req)).await
    }

    async fn rows_unbounded(
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
    async fn page(
        &self,
        table: &TableSpec,
        rp: &RowsPlan,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<Vec<serde_json::Value>>, Option<String>), QueryError> {
        let (frame, cached) = self.frame(table).await?;
        let key_names: Vec<&str> = rp.keys.iter().map(|k| k.column.name.as_str()).collect();
        // In memory every column is at hand: one step.
        let two_steps = !cached
            && self.inner.late_materialization.load(Ordering::Relaxed)
            && rp
                .columns
                .iter()
                .any(|c| !key_names.contains(&c.name.as_str()));
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
    async fn rows_by_id(
        &self,
        table: &TableSpec,
        columns: &[ColumnInfo],
        ids: &[i64],
    ) -> Result<Vec<Vec<serde_json::Value>>, QueryError> {
        if ids.is_empty() {
            return Ok(Vec::new());
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
        let mut by_id: HashMap<i64, (&RecordBatch, usize)> = HashMap::with_capacity(ids.len());
        for batch in &batches {
            for i in 0..batch.num_rows() {
                if let Some(id) = int_at(batch.column(id_at), i) {
                    by_id.insert(id, (batch, i));
                }
            }
        }
        Ok(ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|(batch, i)| {
                (0..columns.len())
                    .map(|c| cell(batch.column(c), *i))
                    .collect()
            })
            .collect())
    }
}

fn measure_expr(m: &Measure) -> Expr {
    let column = m.column.as_ref().map(|c| ident(c.clone()));
    let e = match (m.func, column) {
        (MeasureFn::Count, Some(c)) => count(c),
        (MeasureFn::CountDistinct, Some(c)) => count_distinct(c),
        (MeasureFn::Sum, Some(c)) => sum(c),
        (MeasureFn::Avg, Some(c)) => avg(c),
        (MeasureFn::Min, Some(c)) => min(c),
        (MeasureFn::Max, Some(c)) => max(c),
        // Only `count` has no column (`plan::check_measure` refuses the others).
        (_, None) => count(lit(1i64)),
    };
    e.alias(m.alias())
}

fn count_measure() -> Measure {
    Measure {
        func: MeasureFn::Count,
        column: None,
    }
}

fn first_f64(batches: &[RecordBatch], column: usize) -> Option<f64> {
    let b = batches.iter().find(|b| b.num_rows() > 0)?;
    let a = b.column(column);
    if a.is_null(0) {
        return None;
    }
    match a.data_type() {
        DataType::Float64 => Some(a.as_primitive::<Float64Type>().value(0)),
        _ => None,
    }
}

fn int_at(a: &ArrayRef, i: usize) -> Option<i64> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Int64 => Some(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt64 => i64::try_from(a.as_primitive::<UInt64Type>().value(i)).ok(),
        _ => None,
    }
}

impl Engine {
    /// Groups and measures: result columns are the group columns then the measure aliases
    /// (`count`, `sum_monto`); sorted as asked (default: first measure descending), at
    /// most `limits.max_groups`; `total` is the number of groups.
    pub async fn aggregate(
        &self,
        table: &TableSpec,
        req: &AggregateRequest,
    ) -> Result<AggregateResponse, QueryError> {
        self.bounded(self.aggregate_unbounded(table, req)).await
    }

    async fn aggregate_unbounded(
        &self,
        table: &TableSpec,
        req: &AggregateRequest,
    ) -> Result<AggregateResponse, QueryError> {
        let mut columns: Vec<ColumnInfo> = Vec::new();
        for g in &req.group_by {
            let c = plan::require_column(table, g, "group_by")?;
            if !columns.iter().any(|o| o.name == c.name) {
                columns.push(c);
            }
        }
        let n_groups = columns.len();
        let mut measures: Vec<Measure> = Vec::new();
        for m in &req.measures {
            if !measures.contains(m) {
                measures.push(m.clone());
            }
        }
        if measures.is_empty() {
            measures.push(count_measure());
        }
        for m in &measures {
            let info = plan::check_measure(table, m, "measure")?;
            if columns.iter().any(|c| c.name == info.name) {
                return Err(QueryError::bad(
                    "measure",
                    Problem::Malformed,
                    format!("\u{201c}{}\u{201d} is also a grouped column", info.name),
                ));
            }
            columns.push(info);
        }
        let predicate = plan::predicate(table, &req.filters, req.q.as_deref())?;

        let mut order: Vec<SortExpr> = Vec::new();
        let mut sorted: Vec<&str> = Vec::new();
        for s in &req.sort {
            let Some(c) = columns.iter().find(|c| c.name == s.column) else {
                return Err(QueryError::bad(
                    "sort",
                    Problem::UnknownColumn,
                    format!(
                        "\u{201c}{}\u{201d}: a grouped column or a measure",
                        s.column
                    ),
                ));
            };
            if !sorted.contains(&c.name.as_str()) {
                sorted.push(&c.name);
                order.push(ident(c.name.clone()).sort(!s.descending, false));
            }
        }
        if order.is_empty() {
            if let Some(first) = columns.get(n_groups) {
                sorted.push(&first.name);
                order.push(ident(first.name.clone()).sort(false, false));
            }
        }
        // Ties in a stable order: by the group columns.
        for g in &columns[..n_groups] {
            if !sorted.contains(&g.name.as_str()) {
                order.push(ident(g.name.clone()).sort(true, false));
            }
        }

        let max = self.inner.limits.max_groups;
        let (limit, capped) = if req.limit == 0 {
            (max, None)
        } else if req.limit > max {
            (max, Some(format!("limit lowered to {max} groups")))
        } else {
            (req.limit, None)
        };

        let (mut df, _) = self.frame(table).await?;
        if let Some(p) = predicate {
            df = df.filter(p).map_err(engine_error)?;
        }
        let group_exprs: Vec<Expr> = columns[..n_groups]
            .iter()
            .map(|c| ident(c.name.clone()))
            .collect();
        let aggr_exprs: Vec<Expr> = measures.iter().map(measure_expr).collect();
        let df = df
            .aggregate(group_exprs, aggr_exprs)
            .and_then(|df| df.sort(order))
            .and_then(|df| {
                df.select(
                    columns
                        .iter()
                        .map(|c| ident(c.name.clone()))
                        .collect::<Vec<_>>(),
                )
            })
            .map_err(engine_error)?;
        let mut stream = df.execute_stream().await.map_err(engine_error)?;
        let want = usize_of(limit);
        let mut rows = Vec::new();
        let mut total = 0u64;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(engine_error)?;
            for i in 0..batch.num_rows() {
                if rows.len() >= want {
                    break;
                }
                rows.push(
                    (0..columns.len())
                        .map(|c| cell(batch.column(c), i))
                        .collect(),
                );
            }
            total += batch.num_rows() as u64;
        }
        Ok(AggregateResponse {
            columns,
            rows,
            total,
            capped,
        })
    }

    /// Equal-width bins over the column's range (its statistics when present), nulls left
    /// out; the counts add up to the column's non-null values. At most [`MAX_BINS`] bins.
    pub async fn histogram(
        &self,
        table: &TableSpec,
        column: &str,
        bins: usize,
    ) -> Result<Vec<Bin>, QueryError> {
        self.bounded(self.histogram_unbounded(table, column, bins))
            .await
    }

    async fn histogram_unbounded(
        &self,
        table: &TableSpec,
        column: &str,
        bins: usize,
    ) -> Result<Vec<Bin>, QueryError> {
        let info = plan::require_column(table, column, "column")?;
        if !info.column_type.is_numeric() {
            return Err(QueryError::bad(
                "column",
                Problem::MeasureNotForType,
                format!("histogram \u{2260} {}", info.column_type.as_str()),
            ));
        }
        if bins == 0 {
            return Err(QueryError::bad("bins", Problem::OutOfRange, "1..1000"));
        }
        let bins = bins.min(MAX_BINS);
        let x = cast(ident(info.name.clone()), DataType::Float64);
        let stats = table.columns.iter().find(|c| c.name == info.name).map(|c| {
            let parse = |s: &Option<String>| s.as_deref().and_then(|v| v.parse::<f64>().ok());
            (parse(&c.stats.min), parse(&c.stats.max))
        });
        let (lo, hi) = match stats {
            Some((Some(lo), Some(hi))) if lo.is_finite() && hi.is_finite() => (lo, hi),
            _ => {
                let batches = self
                    .frame(table)
                    .await?
                    .0
                    .aggregate(
                        vec![],
                        vec![min(x.clone()).alias("lo"), max(x.clone()).alias("hi")],
                    )
                    .map_err(engine_error)?
                    .collect()
                    .await
                    .map_err(engine_error)?;
                match (first_f64(&batches, 0), first_f64(&batches, 1)) {
                    (Some(lo), Some(hi)) => (lo, hi),
                    _ => return Ok(Vec::new()),
                }
            }
        };
        let (bins, width) = if hi > lo {
            (bins, (hi - lo) / bins as f64)
        } else {
            (1, 0.0)
        };
        let index = if width > 0.0 {
            cast(floor((x - lit(lo)) / lit(width)), DataType::Int64)
        } else {
            lit(0i64)
        };
        let batches = self
            .frame(table)
            .await?
            .0
            .filter(ident(info.name.clone()).is_not_null())
            .and_then(|df| {
                df.aggregate(vec![index.alias("bin")], vec![count(lit(1i64)).alias("n")])
            })
            .map_err(engine_error)?
            .collect()
            .await
            .map_err(engine_error)?;
        let mut counts = vec![0u64; bins];
        for b in &batches {
            for i in 0..b.num_rows() {
                let (Some(bin), Some(n)) = (int_at(b.column(0), i), int_at(b.column(1), i)) else {
                    continue;
                };
                // Values on the top edge (or beyond stale statistics) join the edge bins.
                let bin = usize::try_from(bin.max(0)).unwrap_or(0).min(bins - 1);
                counts[bin] += u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| Bin {
                lower: lo + width * i as f64,
                upper: if i + 1 == bins {
                    hi
                } else {
                    lo + width * (i + 1) as f64
                },
                count,
            })
            .collect())
    }

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

/// Cell `i` of an Arrow array as typed JSON: numbers, booleans, text, dates `YYYY-MM-DD`,
/// date-times `YYYY-MM-DDTHH:MM:SS`; null (also for NaN and infinities).
pub fn cell(a: &ArrayRef, i: usize) -> serde_json::Value {
    use serde_json::Value as J;
    if a.is_null(i) {
        return J::Null;
    }
    let float = |x: f64| serde_json::Number::from_f64(x).map_or(J::Null, J::Number);
    match a.data_type() {
        DataType::Int64 => J::from(a.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => J::from(a.as_primitive::<Int32Type>().value(i)),
        DataType::Int16 => J::from(a.as_primitive::<Int16Type>().value(i)),
        DataType::Int8 => J::from(a.as_primitive::<Int8Type>().value(i)),
        DataType::UInt64 => J::from(a.as_primitive::<UInt64Type>().value(i)),
        DataType::UInt32 => J::from(a.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt16 => J::from(a.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt8 => J::from(a.as_primitive::<UInt8Type>().value(i)),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => float(f64::from(a.as_primitive::<Float32Type>().value(i))),
        DataType::Boolean => J::from(a.as_boolean().value(i)),
        DataType::Date32 => {
            plan::date_string(a.as_primitive::<Date32Type>().value(i)).map_or(J::Null, J::String)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            plan::datetime_string(a.as_primitive::<TimestampMicrosecondType>().value(i))
                .map_or(J::Null, J::String)
        }
        DataType::Utf8 => J::from(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => J::from(a.as_string::<i64>().value(i)),
        DataType::Utf8View => J::from(a.as_string_view().value(i)),
        // Text of tables in memory.
        DataType::Dictionary(k, _) if **k == DataType::Int32 => {
            let d = a.as_dictionary::<Int32Type>();
            match usize::try_from(d.keys().value(i)) {
                Ok(k) => cell(d.values(), k),
                Err(_) => J::Null,
            }
        }
        _ => {
            datafusion::arrow::util::display::array_value_to_string(a, i).map_or(J::Null, J::String)
        }
    }
}
