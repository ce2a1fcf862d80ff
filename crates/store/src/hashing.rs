//! Password hashing on a few threads of its own.
//!
//! Each argon2id hash allocates 19 MiB and frees it. On tokio's blocking pool those hashes
//! land on whichever thread is free, and glibc gives threads their own arenas, each of
//! which keeps freed blocks of that size: after a burst of sign-ins the process stayed at
//! ~650 MB. Hashing on a fixed set of threads keeps that to one block per thread, and the
//! number of threads is also the bound on how many hashes run at once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::{Result, StoreError};

/// How long a password check may wait for its turn before the portal answers "busy".
const HASH_WAIT: Duration = Duration::from_secs(10);

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    jobs: mpsc::Sender<Job>,
    /// One permit per thread: a hash waits here (at most [`HASH_WAIT`]) for a free thread.
    permits: tokio::sync::Semaphore,
}

/// The pool, started on first use with one thread per core (1 to 4).
fn pool() -> Result<&'static Pool> {
    static POOL: OnceLock<std::result::Result<Pool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("ceiba-hash-{i}"))
                .spawn(move || loop {
                    // The lock is held only while waiting for the next job.
                    let job = match receiver.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .map_err(|e| format!("no thread for password hashing: {e}"))?;
        }
        Ok(Pool {
            jobs,
            permits: tokio::sync::Semaphore::new(threads),
        })
    })
    .as_ref()
    .map_err(|e| StoreError::Crypto(e.clone()))
}

/// Runs `f` (a password hash or check) on the hashing threads. A burst of sign-ins queues
/// instead of growing the process; one that cannot start within [`HASH_WAIT`] is refused as
/// busy.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let pool = pool()?;
    let _permit = tokio::time::timeout(HASH_WAIT, pool.permits.acquire())
        .await
        .map_err(|_| StoreError::Busy)?
        .map_err(|e| StoreError::Crypto(e.to_string()))?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let out = catch_unwind(AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(StoreError::Crypto("password hashing stopped".to_owned())));
        // The caller may have gone (its request was dropped); nothing to do then.
        let _ = tx.send(out);
    });
    pool.jobs
        .send(job)
        .map_err(|_| StoreError::Crypto("password hashing stopped".to_owned()))?;
    rx.await
        .map_err(|_| StoreError::Crypto("password hashing stopped".to_owned()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panicking_one() {
        assert_eq!(run(|| Ok(41 + 1)).await.ok(), Some(42));
        let err = run(|| -> Result<()> { panic!("boom") }).await;
        assert!(matches!(err, Err(StoreError::Crypto(_))), "{err:?}");
        // Every thread is still there to take the next jobs.
        let all = run_many(8).await;
        assert_eq!(all, (0..8).collect::<Vec<_>>());
    }

    async fn run_many(n: usize) -> Vec<usize> {
        let mut handles = Vec::new();
        for i in 0..n {
            handles.push(tokio::spawn(run(move || Ok(i))));
        }
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.ok().and_then(|r| r.ok()).unwrap_or(usize::MAX));
        }
        out
    }
}
