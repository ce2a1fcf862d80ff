//! CKAN package dicts kept in memory by dataset and change number.
//!
//! A package dict takes five to seven catalog queries (the dataset and its children, its
//! publisher, categories, resources, boundary marks). Every write that changes what a
//! dataset shows takes the next change number in its transaction, so a dict built at
//! number N stays right until the dataset's number moves: a hit costs one indexed query
//! for the numbers. Each node checks against the shared catalog, so several nodes on one
//! PostgreSQL stay correct.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ceiba_core::Dataset;
use serde_json::Value;
use uuid::Uuid;

use super::dicts::{self, Related};
use crate::SharedState;

/// Dicts kept at most; when full, the cache starts again (cheap, and rare).
const MAX_ENTRIES: usize = 4_096;

struct Entry {
    seq: i64,
    dataset: Arc<Dataset>,
    dict: Arc<Value>,
}

/// Package dicts by (dataset id, site address).
#[derive(Default)]
pub struct PackageCache {
    entries: Mutex<HashMap<(Uuid, String), Entry>>,
}

impl std::fmt::Debug for PackageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PackageCache")
    }
}

/// A dataset with its dict as CKAN writes it.
pub type Package = (Arc<Dataset>, Arc<Value>);

impl PackageCache {
    fn get(&self, id: Uuid, site: &str, seq: i64) -> Option<Package> {
        let map = self.entries.lock().ok()?;
        map.get(&(id, site.to_owned()))
            .filter(|e| e.seq == seq)
            .map(|e| (e.dataset.clone(), e.dict.clone()))
    }

    fn put(&self, id: Uuid, site: &str, seq: i64, package: &Package) {
        let Ok(mut map) = self.entries.lock() else {
            return;
        };
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(
            (id, site.to_owned()),
            Entry {
                seq,
                dataset: package.0.clone(),
                dict: package.1.clone(),
            },
        );
    }
}

/// The datasets `ids` with their dicts, in the order given (ids not in the catalog left
/// out), `seqs` being their change numbers as read before this call.
pub async fn packages_at(
    state: &SharedState,
    site: &str,
    ids: &[Uuid],
    seqs: &HashMap<Uuid, i64>,
) -> Result<Vec<Package>, ceiba_store::StoreError> {
    let cache = &state.packages;
    let mut found: HashMap<Uuid, Package> = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        let Some(&seq) = seqs.get(id) else { continue };
        match cache.get(*id, site, seq) {
            Some(p) => {
                found.insert(*id, p);
            }
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        // Numbers were read first: if a write lands meanwhile, what is built here is
        // newer than its number says, and the next call rebuilds it. Never the reverse.
        let datasets = state.catalog.datasets_by_ids(&missing).await?;
        let rel = Related::load(&state.catalog, &datasets).await?;
        for d in datasets {
            let dict = dicts::package(&d, &rel, site);
            let id = d.id;
            let package = (Arc::new(d), Arc::new(dict));
            if let Some(&seq) = seqs.get(&id) {
                cache.put(id, site, seq, &package);
            }
            found.insert(id, package);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The datasets `ids` with their dicts, in the order given.
pub async fn packages(
    state: &SharedState,
    site: &str,
    ids: &[Uuid],
) -> Result<Vec<Package>, ceiba_store::StoreError> {
    let seqs = state.catalog.change_seqs(ids).await?;
    packages_at(state, site, ids, &seqs).await
}
