//! Hot tables in memory: the tables being queried, decoded once into Arrow and kept while
//! they fit in `limits.cache_mb` (least recently used leave first).
//!
//! Reading Parquet means decoding every page that holds a wanted row: a page of rows
//! sorted by a value and filtered by another touches nearly every page of a big table,
//! every time. A table in memory answers the same page by scanning two or three arrays.
//! Text is kept dictionary-encoded with the narrowest key its values allow (a byte a row
//! for up to 127 values, two for up to 32,767), or plain when nearly every value differs:
//! the 2,000,000-row benchmark table takes 117 MB (157 MB with 32-bit keys everywhere).
//!
//! A table is loaded in the background after its first query (which, like any query on
//! a table not yet loaded, reads Parquet), one table at a time, column by column so that
//! the load never holds more than one decoded column beyond the result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::{cast, concat};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::MemTable;
use datafusion::datasource::TableProvider;
use datafusion::error::DataFusionError;
use datafusion::prelude::{ident, SessionContext};
use futures::StreamExt;

use crate::plan::ROW_ID;

/// Rows a cached batch holds.
const BATCH_ROWS: usize = 64 * 1024;
/// Partitions a cached table is split into (the engine's target partitions).
const PARTITIONS: usize = 2;

enum Entry {
    Loading,
    Ready {
        provider: Arc<dyn TableProvider>,
        bytes: usize,
        used: u64,
    },
    /// Larger than the whole cache, or failed to load: read from Parquet.
    Skip,
}

struct State {
    tables: HashMap<String, Entry>,
    bytes: usize,
    tick: u64,
}

/// The cache of decoded tables.
pub(crate) struct TableCache {
    budget: usize,
    state: Mutex<State>,
    /// One load at a time, so loads never stack up in memory.
    loading: tokio::sync::Semaphore,
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TableCache {
    pub(crate) fn new(budget_bytes: usize) -> TableCache {
        TableCache {
            budget: budget_bytes,
            state: Mutex::new(State {
                tables: HashMap::new(),
                bytes: 0,
                tick: 0,
            }),
            loading: tokio::sync::Semaphore::new(1),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The table in memory, if it is loaded.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<dyn TableProvider>> {
        let mut state = lock(&self.state);
        state.tick += 1;
        let tick = state.tick;
        match state.tables.get_mut(key) {
            Some(Entry::Ready { provider, used, .. }) => {
                *used = tick;
                Some(provider.clone())
            }
            _ => None,
        }
    }

    /// Marks the table as loading; `false` if it is loaded, loading or left out already.
    pub(crate) fn claim(&self, key: &str) -> bool {
        if !self.enabled() {
            return false;
        }
        let mut state = lock(&self.state);
        if state.tables.contains_key(key) {
            return false;
        }
        state.tables.insert(key.to_owned(), Entry::Loading);
        true
    }

    /// Loads a claimed table from `parquet` (its Parquet provider) and keeps it if it fits.
    /// Returns whether it was kept.
    pub(crate) async fn load(
        &self,
        ctx: &SessionContext,
        key: &str,
        parquet: Arc<dyn TableProvider>,
    ) -> bool {
        let loaded = match self.loading.acquire().await {
            Ok(_permit) => decode(ctx, parquet, self.budget).await,
            Err(_) => Ok(None),
        };
        let mut state = lock(&self.state);
        match loaded {
            Ok(Some((provider, bytes))) => {
                // Make room: least recently used first.
                while state.bytes + bytes > self.budget {
                    let oldest = state
                        .tables
                        .iter()
                        .filter_map(|(k, e)| match e {
                            Entry::Ready { used, .. } => Some((*used, k.clone())),
                            _ => None,
                        })
                        .min();
                    let Some((_, old)) = oldest else { break };
                    if let Some(Entry::Ready { bytes: b, .. }) = state.tables.remove(&old) {
                        state.bytes -= b;
                    }
                }
                state.tick += 1;
                let used = state.tick;
                state.bytes += bytes;
                tracing::info!(table = key, bytes, "table held in memory");
                state.tables.insert(
                    key.to_owned(),
                    Entry::Ready {
                        provider,
                        bytes,
                        used,
                    },
                );
                true
            }
            Ok(None) => {
                state.tables.insert(key.to_owned(), Entry::Skip);
                false
            }
            Err(e) => {
                tracing::warn!(table = key, error = %e, "could not load the table into memory");
                state.tables.insert(key.to_owned(), Entry::Skip);
                false
            }
        }
    }

    /// Bytes held by loaded tables.
    pub(crate) fn bytes(&self) -> usize {
        lock(&self.state).bytes
    }
}

/// The in-memory type of a column: text dictionary-encoded, the rest as read.
fn cached_type(t: &DataType) -> DataType {
    match t {
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
        other => other.clone(),
    }
}

/// A dictionary column with the narrowest keys its values allow (a department name
/// takes one byte a row, not four), or plain text when nearly every value is different
/// (the keys would only add to the texts).
fn narrow(a: ArrayRef) -> Result<ArrayRef, DataFusionError> {
    let DataType::Dictionary(_, value_type) = a.data_type() else {
        return Ok(a);
    };
    let Some(d) = a.as_any_dictionary_opt() else {
        return Ok(a);
    };
    let distinct = d.values().len();
    let key = if distinct.saturating_mul(2) > a.len() {
        return Ok(cast(&a, value_type)?);
    } else if distinct <= i8::MAX as usize {
        DataType::Int8
    } else if distinct <= i16::MAX as usize {
        DataType::Int16
    } else {
        return Ok(a);
    };
    let target = DataType::Dictionary(Box::new(key), value_type.clone());
    Ok(cast(&a, &target)?)
}

fn memory_size(a: &ArrayRef) -> usize {
    a.get_array_memory_size()
}

/// Decodes every column of the table, in `_id` order, one column at a time; `None` when
/// it does not fit in `budget` bytes.
async fn decode(
    ctx: &SessionContext,
    parquet: Arc<dyn TableProvider>,
    budget: usize,
) -> Result<Option<(Arc<dyn TableProvider>, usize)>, DataFusionError> {
    let file_schema = parquet.schema();
    let mut fields: Vec<Field> = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let mut bytes = 0usize;
    for field in file_schema.fields() {
        let name = field.name();
        let mut select = vec![ident(name.clone())];
        if name != ROW_ID {
            select.push(ident(ROW_ID));
        }
        // Sorted by `_id`, which the file already is: partitions are merged in order.
        let mut stream = ctx
            .read_table(parquet.clone())?
            .select(select)?
            .sort(vec![ident(ROW_ID).sort(true, false)])?
            .execute_stream()
            .await?;
        let target = cached_type(field.data_type());
        let mut parts: Vec<ArrayRef> = Vec::new();
        let mut part_bytes = 0usize;
        while let Some(batch) = stream.next().await {
            let column = batch?.column(0).clone();
            part_bytes += memory_size(&column);
            if bytes + part_bytes > budget.saturating_mul(2) {
                return Ok(None);
            }
            parts.push(column);
        }
        let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
        let whole = if refs.is_empty() {
            datafusion::arrow::array::new_empty_array(field.data_type())
        } else {
            concat(&refs)?
        };
        drop(parts);
        let whole = if &target != whole.data_type() {
            cast(&whole, &target)?
        } else {
            whole
        };
        let whole = narrow(whole)?;
        bytes += memory_size(&whole);
        if bytes > budget {
            return Ok(None);
        }
        fields.push(Field::new(
            name,
            whole.data_type().clone(),
            field.is_nullable(),
        ));
        columns.push(whole);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let rows = columns.first().map_or(0, |c| c.len());
    // Two partitions of consecutive rows (each in `_id` order), in batches.
    let per_partition = rows.div_ceil(PARTITIONS).max(1);
    let mut partitions: Vec<Vec<RecordBatch>> = Vec::with_capacity(PARTITIONS);
    for p in 0..PARTITIONS {
        let start = (p * per_partition).min(rows);
        let end = ((p + 1) * per_partition).min(rows);
        let mut batches = Vec::new();
        let mut at = start;
        while at < end {
            let len = BATCH_ROWS.min(end - at);
            let arrays: Vec<ArrayRef> = columns.iter().map(|c| c.slice(at, len)).collect();
            batches.push(RecordBatch::try_new(schema.clone(), arrays)?);
            at += len;
        }
        partitions.push(batches);
    }
    if partitions.iter().all(Vec::is_empty) {
        partitions = vec![vec![RecordBatch::new_empty(schema.clone())]];
    }
    let table = MemTable::try_new(schema, partitions)?
        .with_sort_order(vec![vec![ident(ROW_ID).sort(true, false)]]);
    Ok(Some((Arc::new(table), bytes)))
}

/// A small least-recently-used map (eviction scans it; it is small), bounded by the
/// sum of its entries' weights: 1 each with [`Lru::insert`], or what
/// [`Lru::insert_weighing`] says (bytes, for entries whose size varies).
pub(crate) struct Lru<K, V> {
    map: HashMap<K, (V, u64, usize)>,
    tick: u64,
    capacity: usize,
    weight: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Lru<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Lru {
            map: HashMap::new(),
            tick: 0,
            capacity,
            weight: 0,
        }
    }

    pub(crate) fn get(&mut self, k: &K) -> Option<V> {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(k).map(|(v, t, _)| {
            *t = tick;
            v.clone()
        })
    }

    pub(crate) fn insert(&mut self, k: K, v: V) {
        self.insert_weighing(k, v, 1);
    }

    /// Keeps `v` as weighing `weight`, making room by leaving out the least recently
    /// used; something heavier than the whole capacity is not kept.
    pub(crate) fn insert_weighing(&mut self, k: K, v: V, weight: usize) {
        if weight > self.capacity {
            return;
        }
        self.tick += 1;
        if let Some((_, _, w)) = self.map.remove(&k) {
            self.weight -= w;
        }
        while self.weight + weight > self.capacity {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, (_, t, _))| *t)
                .map(|(k, _)| k.clone());
            let Some(old) = oldest else { break };
            if let Some((_, _, w)) = self.map.remove(&old) {
                self.weight -= w;
            }
        }
        self.weight += weight;
        self.map.insert(k, (v, self.tick, weight));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;

    fn text(values: impl Iterator<Item = String>) -> ArrayRef {
        let a: ArrayRef = Arc::new(StringArray::from_iter_values(values));
        cast(&a, &cached_type(a.data_type())).unwrap_or(a)
    }

    #[test]
    fn dictionaries_take_the_narrowest_keys_or_none() {
        let few = narrow(text((0..1000).map(|i| format!("d{}", i % 22))))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            few.data_type(),
            &DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8))
        );
        let more = narrow(text((0..1000).map(|i| format!("m{}", i % 340))))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            more.data_type(),
            &DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))
        );
        let unique =
            narrow(text((0..1000).map(|i| format!("u{i}")))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unique.data_type(), &DataType::Utf8);
        // The values stay what they were.
        assert_eq!(crate::engine::cell(&few, 25), serde_json::json!("d3"));
        assert_eq!(crate::engine::cell(&more, 341), serde_json::json!("m1"));
        assert_eq!(crate::engine::cell(&unique, 999), serde_json::json!("u999"));
        let plain = memory_size(&text((0..1000).map(|i| format!("d{}", i % 22))));
        assert!(memory_size(&few) < plain, "{} < {plain}", memory_size(&few));
    }

    #[test]
    fn the_least_recently_used_leave_first_by_count_or_by_weight() {
        let mut lru = Lru::new(2);
        lru.insert("a", 1);
        lru.insert("b", 2);
        assert_eq!(lru.get(&"a"), Some(1));
        lru.insert("c", 3);
        assert_eq!(
            (lru.get(&"a"), lru.get(&"b"), lru.get(&"c")),
            (Some(1), None, Some(3))
        );
        let mut bytes = Lru::new(100);
        bytes.insert_weighing("a", 1, 60);
        bytes.insert_weighing("b", 2, 30);
        bytes.insert_weighing("too big", 3, 101);
        assert_eq!(bytes.get(&"too big"), None);
        assert_eq!(bytes.get(&"a"), Some(1));
        bytes.insert_weighing("c", 3, 40);
        assert_eq!(
            (bytes.get(&"a"), bytes.get(&"b"), bytes.get(&"c")),
            (Some(1), None, Some(3))
        );
        // Weighed again, an entry counts once.
        bytes.insert_weighing("c", 4, 40);
        assert_eq!((bytes.get(&"a"), bytes.get(&"c")), (Some(1), Some(4)));
    }
}
