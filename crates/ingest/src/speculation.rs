//! Writing a table during its first reading, under the plan its first rows suggest.
//!
//! Types are decided from every value, so a table could only be written on a second
//! reading. Most files' first rows already say what the whole file will: writing starts
//! after them, and when the whole file confirms the plan the second reading is skipped —
//! the same rows under the same plan make the same table. When the plan changes, the file
//! written so far is dropped and the table is read again. A table that fits in the first
//! chunk is planned from all its rows, so it is always written in one reading.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::chunk::Chunk;
use crate::infer::{ColumnInference, ColumnPlan};
use crate::table::{Finished, TableWriter};
use crate::{IngestError, Issue, Rows};

/// Data rows held before writing starts.
const GATHER_ROWS: usize = 10_000;
/// Cells held before writing starts, whatever the row count (wide tables).
const GATHER_CELLS: usize = 250_000;
/// Rows between checks that the plan still holds (a changed plan stops the writing early).
const CHECK_EVERY: u64 = 65_536;

/// How a table is written: each column's plan, the source cell each column reads, the
/// issues deciding raised, and the source columns left out.
#[derive(Debug, Clone)]
pub struct Layout {
    pub plans: Vec<ColumnPlan>,
    pub keep: Vec<usize>,
    pub issues: Vec<Issue>,
    pub dropped: Vec<usize>,
}

impl Layout {
    /// Whether two layouts write the same cells the same way.
    fn writes_like(&self, other: &Layout) -> bool {
        self.keep == other.keep
            && self.plans.len() == other.plans.len()
            && self
                .plans
                .iter()
                .zip(&other.plans)
                .all(|(a, b)| a.writes_like(b))
    }
}

/// Rows a chunk holds before it is handed on; the first chunk is the rows the plan is
/// guessed from.
const CHUNK_ROWS: usize = 8_192;
const CHUNK_TEXT: usize = 4 << 20;
/// Chunks waiting for each stage (bounds the memory between them).
const QUEUE: usize = 4;

/// Whether a chunk should be handed on (the first one holds the rows the plan is guessed
/// from).
pub fn chunk_is_full(chunk: &Chunk, first: bool) -> bool {
    // Every chunk is bounded in bytes too, so that the text a chunk holds (and the memory
    // the queues hold) stays far below the 4 GB its `u32` offsets address: one row more
    // is at most a row's limit (columns × cell bytes).
    chunk.text_bytes() >= CHUNK_TEXT
        || if first {
            chunk.rows() >= GATHER_ROWS || chunk.cells() >= GATHER_CELLS
        } else {
            chunk.rows() >= CHUNK_ROWS
        }
}

pub type LayOut<'a> = &'a (dyn Fn(&[ColumnInference]) -> Result<Layout, IngestError> + Sync);

/// The first pass's stages: the reading thread (the caller) hands chunks of data rows to
/// `send`; one thread decides the types from every row, another writes the table under
/// the plan the first chunk suggested, while the reading goes on.
pub struct Stages<'scope> {
    to_infer: Option<SyncSender<Arc<Chunk>>>,
    to_write: Option<SyncSender<Arc<Chunk>>>,
    infer: std::thread::ScopedJoinHandle<'scope, Vec<ColumnInference>>,
    write: std::thread::ScopedJoinHandle<'scope, Option<(TableWriter, Layout)>>,
    abort: Arc<AtomicBool>,
    path: PathBuf,
}

impl<'scope> Stages<'scope> {
    pub fn start<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        columns: Vec<ColumnInference>,
        lay_out: LayOut<'env>,
        final_path: &Path,
    ) -> Result<Self, IngestError> {
        let path = final_path.with_extension("speculative");
        let abort = Arc::new(AtomicBool::new(false));
        let (to_infer, infer_rx) = sync_channel::<Arc<Chunk>>(QUEUE);
        let (to_write, write_rx) = sync_channel::<Arc<Chunk>>(QUEUE);
        let (plan_tx, plan_rx) = sync_channel::<Option<Layout>>(1);
        let infer = {
            let abort = abort.clone();
            std::thread::Builder::new()
                .name("ingest-types".into())
                .spawn_scoped(scope, move || {
                    infer_stage(&infer_rx, columns, lay_out, &plan_tx, &abort)
                })?
        };
        let write = {
            let abort = abort.clone();
            let path = path.clone();
            std::thread::Builder::new()
                .name("ingest-write".into())
                .spawn_scoped(scope, move || {
                    write_stage(&write_rx, &plan_rx, &path, &abort)
                })?
        };
        Ok(Stages {
            to_infer: Some(to_infer),
            to_write: Some(to_write),
            infer,
            write,
            abort,
            path,
        })
    }

    /// Hands a chunk of data rows on; `false` when a stage stopped (its error comes out of
    /// [`finish`](Self::finish)).
    pub fn send(&self, chunk: Chunk) -> bool {
        let chunk = Arc::new(chunk);
        let inferred = self
            .to_infer
            .as_ref()
            .is_some_and(|tx| tx.send(chunk.clone()).is_ok());
        if let Some(tx) = &self.to_write {
            // The writer may have stopped on its own: the table is then read again.
            let _ = tx.send(chunk);
        }
        inferred
    }

    /// Waits for both stages: every column's inference and, when the table was written
    /// under a plan, the writer and that plan.
    pub fn finish(mut self) -> Result<(Vec<ColumnInference>, Speculation), IngestError> {
        self.to_infer = None;
        self.to_write = None;
        let columns = self
            .infer
            .join()
            .map_err(|_| IngestError::Internal("deciding the types failed".into()))?;
        let written = self.write.join().ok().flatten();
        let written = if self.abort.load(Ordering::Relaxed) {
            if let Some((writer, _)) = written {
                writer.abandon();
                let _ = std::fs::remove_file(&self.path);
            }
            None
        } else {
            written
        };
        Ok((
            columns,
            Speculation {
                written,
                path: self.path,
            },
        ))
    }
}

fn infer_stage(
    chunks: &Receiver<Arc<Chunk>>,
    mut columns: Vec<ColumnInference>,
    lay_out: LayOut<'_>,
    plan: &SyncSender<Option<Layout>>,
    abort: &AtomicBool,
) -> Vec<ColumnInference> {
    let mut sent: Option<Option<Layout>> = None;
    let mut since_check = 0u64;
    for chunk in chunks {
        let mut rows = chunk.cursor();
        while let Ok(true) = rows.advance() {
            let pos = rows.position();
            for (i, col) in columns.iter_mut().enumerate() {
                col.add(pos, rows.get(i));
            }
        }
        for col in columns.iter_mut() {
            col.settle();
        }
        since_check += chunk.rows() as u64;
        match &sent {
            None => {
                let layout = lay_out(&columns).ok();
                let _ = plan.send(layout.clone());
                sent = Some(layout);
            }
            Some(Some(written)) if since_check >= CHECK_EVERY => {
                since_check = 0;
                if !abort.load(Ordering::Relaxed)
                    && !lay_out(&columns).is_ok_and(|now| now.writes_like(written))
                {
                    abort.store(true, Ordering::Relaxed);
                }
            }
            _ => {}
        }
    }
    if sent.is_none() {
        let _ = plan.send(None);
    }
    columns
}

fn write_stage(
    chunks: &Receiver<Arc<Chunk>>,
    plan: &Receiver<Option<Layout>>,
    path: &Path,
    abort: &AtomicBool,
) -> Option<(TableWriter, Layout)> {
    // The plan comes once the first chunk's types are decided.
    let mut writing = plan.recv().ok().flatten().and_then(|layout| {
        TableWriter::create_reading(path, &layout.plans, layout.keep.clone())
            .ok()
            .map(|w| (w, layout))
    });
    for chunk in chunks {
        let Some((writer, _)) = writing.as_mut() else {
            continue;
        };
        if abort.load(Ordering::Relaxed) {
            if let Some((writer, _)) = writing.take() {
                writer.abandon();
                let _ = std::fs::remove_file(path);
            }
            continue;
        }
        let mut rows = chunk.cursor();
        while let Ok(true) = rows.advance() {
            if writer.push(&rows).is_err() {
                abort.store(true, Ordering::Relaxed);
                break;
            }
        }
    }
    writing
}

/// The table written during the first reading, if it was.
pub struct Speculation {
    written: Option<(TableWriter, Layout)>,
    path: PathBuf,
}

impl Speculation {
    /// The table at `final_path` under the `layout` the whole file decided, when it was
    /// written under that plan; otherwise the file written is removed.
    pub fn finish(
        mut self,
        layout: &Layout,
        final_path: &Path,
    ) -> Option<Result<Finished, IngestError>> {
        match self.written.take() {
            Some((writer, written)) if written.writes_like(layout) => Some(
                writer
                    .finish()
                    .and_then(|done| Ok(std::fs::rename(&self.path, final_path).map(|_| done)?)),
            ),
            Some((writer, _)) => {
                writer.abandon();
                let _ = std::fs::remove_file(&self.path);
                None
            }
            None => None,
        }
    }
}

impl Drop for Speculation {
    fn drop(&mut self) {
        // A build that failed leaves no half-written file behind.
        if let Some((writer, _)) = self.written.take() {
            writer.abandon();
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
