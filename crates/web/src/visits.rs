//! Counting dataset page views for "most viewed": counted in memory and written to the
//! catalog in batches, so a page view never waits on a database write.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ceiba_store::Catalog;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Visits {
    pending: Mutex<HashMap<Uuid, i64>>,
}

impl Visits {
    pub fn count(&self, dataset: Uuid) {
        *self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(dataset)
            .or_default() += 1;
    }

    /// Writes the views counted so far; they are counted again if the write fails.
    pub async fn flush(&self, catalog: &Catalog) -> Result<usize, ceiba_store::StoreError> {
        let batch: Vec<(Uuid, i64)> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner))
                .into_iter()
                .collect();
        if batch.is_empty() {
            return Ok(0);
        }
        if let Err(e) = catalog.add_views(&batch).await {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            for (id, n) in batch {
                *pending.entry(id).or_default() += n;
            }
            return Err(e);
        }
        Ok(batch.len())
    }

    /// Flushes every `every` until the process ends.
    pub fn spawn_flush(state: crate::SharedState, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = state.visits.flush(&state.catalog).await {
                    tracing::warn!(error = %e, "could not record dataset views");
                }
            }
        })
    }
}
