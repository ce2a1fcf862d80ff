//! Prepared maps kept between requests: parsing and simplifying a municipal boundary file
//! takes tens of milliseconds, drawing values over the prepared map well under one.
//!
//! The key says what was prepared (say, the resource version, the code property and the
//! size); the least recently used map goes when the cache is full.

use std::sync::{Arc, Mutex};

use super::prepare::PreparedMap;

/// A small least-recently-used cache of prepared maps, shared across threads.
#[derive(Debug)]
pub struct MapCache {
    capacity: usize,
    entries: Mutex<Vec<(String, Arc<PreparedMap>)>>,
}

impl MapCache {
    pub fn new(capacity: usize) -> Self {
        MapCache {
            capacity: capacity.max(1),
            entries: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Arc<PreparedMap>)>> {
        // A panic while holding the lock leaves the list whole: keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The map under `key`, if prepared (and now the most recently used).
    pub fn get(&self, key: &str) -> Option<Arc<PreparedMap>> {
        let mut entries = self.lock();
        let i = entries.iter().position(|(k, _)| k == key)?;
        let entry = entries.remove(i);
        let map = entry.1.clone();
        entries.push(entry);
        Some(map)
    }

    pub fn insert(&self, key: impl Into<String>, map: PreparedMap) -> Arc<PreparedMap> {
        let key = key.into();
        let map = Arc::new(map);
        let mut entries = self.lock();
        entries.retain(|(k, _)| *k != key);
        if entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push((key, map.clone()));
        map
    }

    /// The map under `key`, prepared by `make` when absent (the lock is not held while
    /// `make` runs, so two threads may both prepare it; the later one is kept).
    pub fn get_or_try_insert_with<E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<PreparedMap, E>,
    ) -> Result<Arc<PreparedMap>, E> {
        if let Some(map) = self.get(key) {
            return Ok(map);
        }
        Ok(self.insert(key, make()?))
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}
