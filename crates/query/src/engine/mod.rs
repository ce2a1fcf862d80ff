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

mod aggregate;
mod cells;
mod diff;
mod histogram;
mod positions;
mod rows;
mod stream;

use aggregate::*;
pub use cells::cell;
pub use diff::{RowChanges, TableDiff, MAX_DIFF_SAMPLE};
use positions::Positions;
use rows::*;

use crate::cache::{Lru, TableCache};
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

struct Inner {
    ctx: SessionContext,
    /// The same engine, filters evaluated after decoding (see [`Engine::scan_frame`]).
    scan_ctx: SessionContext,
    limits: QueryLimits,
    /// Listing tables by key and whether they evaluate filters while decoding.
    tables: Mutex<Lru<(String, bool), Arc<dyn TableProvider>>>,
    counts: Mutex<Lru<(String, String), u64>>,
    /// Pages in two steps (keys, then the rows' other columns); see [`Engine::rows`].
    late_materialization: AtomicBool,
    cache: TableCache,
    /// The file store, for reads that go around DataFusion ([`Positions`]).
    store: Arc<dyn object_store::ObjectStore>,
    /// What [`Positions`] knows of recently read files, bounded by bytes.
    positions: Mutex<Lru<String, Option<Positions>>>,
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
        // A second session for reads of few columns whole (see [`Engine::scan_frame`]):
        // whether filters are evaluated while decoding is asked of both the session and
        // the table's options.
        let mut scan_config = config.clone();
        scan_config.options_mut().execution.parquet.pushdown_filters = false;

        let pool_bytes = usize_of(limits.memory_mb.max(16).saturating_mul(1024 * 1024));
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(pool_bytes)))
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_max_temp_directory_size(SPILL_BYTES),
            )
            .build_arc()
            .map_err(engine_error)?;
        let ctx = SessionContext::new_with_config_rt(config, runtime.clone());
        ctx.register_udf(crate::contains::udf());
        let url = url::Url::parse(STORE_URL).map_err(|e| QueryError::Engine(e.to_string()))?;
        ctx.register_object_store(&url, files.object_store());
        // The same runtime: one memory pool, one object store registry.
        let scan_ctx = SessionContext::new_with_config_rt(scan_config, runtime);
        scan_ctx.register_udf(crate::contains::udf());

        Ok(Engine {
            inner: Arc::new(Inner {
                ctx,
                scan_ctx,
                limits,
                tables: Mutex::new(Lru::new(TABLE_CACHE)),
                counts: Mutex::new(Lru::new(COUNT_CACHE)),
                late_materialization: AtomicBool::new(true),
                cache: TableCache::new(usize_of(limits.cache_mb.saturating_mul(1024 * 1024))),
                store: files.object_store(),
                positions: Mutex::new(Lru::new(positions::KEPT_BYTES)),
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
        self.listing(table, true).await
    }

    /// The listing table over the table's Parquet file, evaluating filters while
    /// decoding (`pushdown`) or after (see [`Engine::new`]); cached by key. The choice
    /// goes with the table, not the session: it is part of the file format's options.
    async fn listing(
        &self,
        table: &TableSpec,
        pushdown: bool,
    ) -> Result<Arc<dyn TableProvider>, QueryError> {
        let key = &table.parquet_key;
        let cache_key = (key.clone(), pushdown);
        if let Some(p) = lock(&self.inner.tables).get(&cache_key) {
            return Ok(p);
        }
        if !safe_key(key) {
            return Err(QueryError::Engine(format!("unusable table key {key:?}")));
        }
        let state = self.inner.ctx.state();
        let url = ListingTableUrl::parse(format!("{STORE_URL}{key}")).map_err(engine_error)?;
        let mut parquet = state.default_table_options().parquet;
        parquet.global.pushdown_filters = pushdown;
        let format = ParquetFormat::default().with_options(parquet);
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
        lock(&self.inner.tables).insert(cache_key, provider.clone());
        Ok(provider)
    }

    /// The table to query: in memory when loaded, else its Parquet file (and then a
    /// background load starts, if the cache is on). Says which.
    async fn frame(&self, table: &TableSpec) -> Result<(DataFrame, bool), QueryError> {
        let (provider, cached) = self.query_provider(table).await?;
        let df = self.inner.ctx.read_table(provider).map_err(engine_error)?;
        Ok((df, cached))
    }

    /// [`Engine::frame`] for reads of a few columns (counts, the first step of a page):
    /// they are decoded whole and filtered after, which (vectorised) beats evaluating the
    /// filters while decoding, whose scattered selections cost more than they save
    /// (2,000,000 rows, a filter that keeps 1 in 22: 33 ms against 43).
    async fn scan_frame(&self, table: &TableSpec) -> Result<(DataFrame, bool), QueryError> {
        let (provider, cached) = self.query_provider(table).await?;
        let provider = if cached {
            provider
        } else {
            self.listing(table, false).await?
        };
        let df = self
            .inner
            .scan_ctx
            .read_table(provider)
            .map_err(engine_error)?;
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
        let limit = Duration::from_millis(ms);
        let started = std::time::Instant::now();
        // The timer stops work that runs long; an answer that arrives after the limit
        // anyway (tokio's timer fires on its next millisecond tick, so quick work can beat
        // a limit of 0 ms) is refused as well: the limit holds exactly.
        match tokio::time::timeout(limit, work).await {
            Ok(r) if started.elapsed() <= limit => r,
            _ => Err(QueryError::Timeout(ms)),
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
        let (mut df, _) = self.scan_frame(table).await?;
        if let Some(p) = predicate {
            df = df.filter(p).map_err(engine_error)?;
        }
        // Without a predicate the count comes from the Parquet footer.
        let n = df.count().await.map_err(engine_error)? as u64;
        lock(&self.inner.counts).insert(key, n);
        Ok(n)
    }
}
