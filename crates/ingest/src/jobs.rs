//! Ingestion as the portal runs it: an upload becomes a stored original and a queued
//! job; a worker builds the tables and puts the version in service, or records why not.
//!
//! Jobs live in the catalog, so they survive a restart: a job that was running when the
//! portal stopped is queued again and re-run from the original — up to [`MAX_ATTEMPTS`]
//! times: a file that stopped the portal that often is failed with a report instead, and
//! the version in service stays.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ceiba_core::{
    format_from_filename, media_type_for_format, Dataset, IngestJob, IngestedTable, Resource,
    ResourceVersion, VersionStatus,
};
use ceiba_store::{now, Catalog, FileStore, MarkChange, StoreError};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::file::ingest_file;
use crate::report::FileReport;
use crate::source::IngestOptions;
use crate::{Issue, IssueKind, Lang, Limits};

/// How many times a job may be started: one the portal stopped during this many times
/// (a crash, an abort, a kill) is failed at the next start instead of run again.
pub const MAX_ATTEMPTS: i64 = 3;

/// Why a job could not run (as opposed to a file that could not be ingested, which is a
/// report).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("working files: {0}")]
    Io(#[from] std::io::Error),
    /// The file is over `Limits::max_file_bytes`; it was not stored.
    #[error("{}", too_large(.size, .limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Other(String),
}

fn too_large(size: &u64, limit: &u64) -> String {
    crate::Issue::error(crate::IssueKind::FileTooLarge {
        size: *size,
        limit: *limit,
    })
    .message(Lang::En)
}

/// Runs ingestion against a catalog and its file store.
#[derive(Clone)]
pub struct Ingestor {
    catalog: Catalog,
    files: FileStore,
    /// Scratch space for jobs (on the same disk as a local store, so results move by rename).
    work_root: PathBuf,
    limits: Limits,
    wake: Arc<Notify>,
    /// Told each time a version goes into service, so what follows the tables (the places
    /// profiles read) learns them at once rather than at its next round.
    ingested: Arc<Notify>,
}

/// A job's outcome, for callers that wait for it (the CLI, the demo, tests).
#[derive(Debug, Clone)]
pub struct JobOutcome {
    pub version: ResourceVersion,
    pub report: FileReport,
    pub succeeded: bool,
}

impl Ingestor {
    pub fn new(catalog: Catalog, files: FileStore, work_root: PathBuf, limits: Limits) -> Ingestor {
        Ingestor {
            catalog,
            files,
            work_root,
            limits,
            wake: Arc::new(Notify::new()),
            ingested: Arc::new(Notify::new()),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Notified each time a version of this process goes into service (one stored
    /// permit when nobody waits: a version ingested between two waits is not missed).
    pub fn ingested(&self) -> Arc<Notify> {
        self.ingested.clone()
    }

    pub fn files(&self) -> &FileStore {
        &self.files
    }

    /// A path in the scratch folder, for a caller's temporary file.
    pub fn scratch_file(&self, name: &str) -> PathBuf {
        self.work_root.join(name)
    }

    /// Adds an uploaded file to a dataset as a new resource and queues its ingestion. The
    /// original is stored (and downloadable) at once.
    pub async fn add_upload(
        &self,
        dataset: &Dataset,
        name: &str,
        description: &str,
        local: &Path,
        filename: &str,
        opts: &IngestOptions,
    ) -> Result<(Resource, ResourceVersion, IngestJob), RunError> {
        let resource_id = Uuid::new_v4();
        self.add_upload_with_id(
            resource_id,
            dataset,
            name,
            description,
            local,
            filename,
            opts,
        )
        .await
    }

    /// As [`add_upload`](Self::add_upload), marked as a boundary set in the same write
    /// (`mark`, checked against the file by the caller; its resource id is this one's).
    pub async fn add_marked_upload(
        &self,
        dataset: &Dataset,
        name: &str,
        description: &str,
        local: &Path,
        filename: &str,
        mark: &ceiba_store::BoundarySet,
    ) -> Result<(Resource, ResourceVersion, IngestJob), RunError> {
        let id = Uuid::new_v4();
        let opts = IngestOptions::default();
        self.store_upload(
            id,
            dataset,
            name,
            description,
            local,
            filename,
            &opts,
            Some(mark),
        )
        .await
    }

    /// As [`add_upload`](Self::add_upload), with the resource's id chosen by the caller
    /// (the demo uses stable ids).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_upload_with_id(
        &self,
        resource_id: Uuid,
        dataset: &Dataset,
        name: &str,
        description: &str,
        local: &Path,
        filename: &str,
        opts: &IngestOptions,
    ) -> Result<(Resource, ResourceVersion, IngestJob), RunError> {
        self.store_upload(
            resource_id,
            dataset,
            name,
            description,
            local,
            filename,
            opts,
            None,
        )
        .await
    }

    /// Stores the original, then writes the resource, its first version, its job (and its
    /// mark) at once; when that write fails the stored original is removed, so no file
    /// is left that nothing references.
    #[allow(clippy::too_many_arguments)]
    async fn store_upload(
        &self,
        resource_id: Uuid,
        dataset: &Dataset,
        name: &str,
        description: &str,
        local: &Path,
        filename: &str,
        opts: &IngestOptions,
        mark: Option<&ceiba_store::BoundarySet>,
    ) -> Result<(Resource, ResourceVersion, IngestJob), RunError> {
        self.check_size(local).await?;
        let stored = self
            .files
            .put_copy(&FileStore::new_original_key(resource_id), local)
            .await?;
        let format = format_from_filename(filename).unwrap_or_default();
        let t = now();
        let resource = Resource {
            id: resource_id,
            dataset_id: dataset.id,
            name: name.to_owned(),
            description: description.to_owned(),
            media_type: media_type_for_format(&format).map(str::to_owned),
            format,
            size: Some(stored.size),
            sha256: Some(stored.sha256.clone()),
            original_filename: Some(filename.to_owned()),
            url: None,
            storage_key: Some(stored.key.clone()),
            position: 0,
            current_version_id: None,
            created: t,
            modified: t,
        };
        // The resource, its first version and the job in one transaction: a kill between
        // them would leave a resource that never gets a table.
        let written = self
            .catalog
            .create_upload(
                &resource,
                &new_version(&resource, &stored, filename, opts),
                mark,
            )
            .await;
        let (resource, version, job) = match written {
            Ok(w) => w,
            Err(e) => {
                self.forget_upload(&stored.key).await;
                return Err(e.into());
            }
        };
        self.wake.notify_one();
        Ok((resource, version, job))
    }

    /// Stores a new file for an existing resource: a new version, queued for ingestion.
    /// The resource keeps serving its current version until the new one is ready.
    pub async fn upload_version(
        &self,
        resource: &Resource,
        local: &Path,
        filename: &str,
        opts: &IngestOptions,
    ) -> Result<(ResourceVersion, IngestJob), RunError> {
        self.replace_upload(resource, local, filename, opts, &MarkChange::Keep)
            .await
    }

    /// Stores a new file for `resource` and, in one catalog write, records the resource as
    /// given (its new name, description…), the new version with its job and `mark`. When
    /// that write fails the stored file is removed: it is either referenced or gone.
    pub async fn replace_upload(
        &self,
        resource: &Resource,
        local: &Path,
        filename: &str,
        opts: &IngestOptions,
        mark: &MarkChange,
    ) -> Result<(ResourceVersion, IngestJob), RunError> {
        self.check_size(local).await?;
        let stored = self
            .files
            .put_copy(&FileStore::new_original_key(resource.id), local)
            .await?;
        let v = new_version(resource, &stored, filename, opts);
        let written = self.catalog.change_resource(resource, Some(&v), mark).await;
        match written {
            Ok(Some(queued)) => {
                self.wake.notify_one();
                Ok(queued)
            }
            Ok(None) => Err(RunError::Other("the new version was not recorded".into())),
            Err(e) => {
                self.forget_upload(&stored.key).await;
                Err(e.into())
            }
        }
    }

    /// Refuses a file over the size limit before it is stored.
    async fn check_size(&self, local: &Path) -> Result<(), RunError> {
        let size = tokio::fs::metadata(local).await?.len();
        if size > self.limits.max_file_bytes {
            return Err(RunError::TooLarge {
                size,
                limit: self.limits.max_file_bytes,
            });
        }
        Ok(())
    }

    /// Removes a stored original the catalog refused to reference.
    async fn forget_upload(&self, key: &str) {
        if let Err(gone) = self.files.delete(key).await {
            tracing::warn!(key = %key, error = %gone, "could not remove an upload the catalog refused");
        }
    }

    /// Rebuilds the resource's current file with other options (types, header row…),
    /// without uploading it again: a new version over the same original.
    pub async fn rebuild(
        &self,
        resource: &Resource,
        opts: &IngestOptions,
    ) -> Result<(ResourceVersion, IngestJob), RunError> {
        let current = match resource.current_version_id {
            Some(v) => self.catalog.version(v).await?,
            None => None,
        };
        let latest = match current {
            Some(v) => v,
            None => self
                .catalog
                .versions_of(resource.id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| RunError::Other("the resource has no uploaded file".into()))?,
        };
        let stored = ceiba_store::StoredFile {
            key: latest.storage_key.clone(),
            size: latest.size,
            sha256: latest.sha256.clone(),
        };
        let filename = latest.original_filename.clone().unwrap_or_default();
        self.queue_version(resource, &stored, &filename, opts).await
    }

    async fn queue_version(
        &self,
        resource: &Resource,
        stored: &ceiba_store::StoredFile,
        filename: &str,
        opts: &IngestOptions,
    ) -> Result<(ResourceVersion, IngestJob), RunError> {
        let v = new_version(resource, stored, filename, opts);
        let queued = self.catalog.create_version(&v).await?;
        self.wake.notify_one();
        Ok(queued)
    }

    /// Runs one claimed job to its end and records the outcome.
    pub async fn run_job(&self, job: &IngestJob) -> Result<JobOutcome, RunError> {
        let version = self
            .catalog
            .version(job.version_id)
            .await?
            .ok_or_else(|| RunError::Other(format!("version {} is gone", job.version_id)))?;
        let work = self.work_root.join(format!("job-{}", job.id));
        tokio::fs::create_dir_all(&work).await?;
        let result = self.run_in(job, &version, &work).await;
        let _ = tokio::fs::remove_dir_all(&work).await;
        result
    }

    async fn run_in(
        &self,
        job: &IngestJob,
        version: &ResourceVersion,
        work: &Path,
    ) -> Result<JobOutcome, RunError> {
        let original = match self.files.local_path(&version.storage_key) {
            Some(p) if p.is_file() => p,
            _ => {
                let p = work.join("original");
                self.files.download_to(&version.storage_key, &p).await?;
                p
            }
        };
        let opts: IngestOptions =
            serde_json::from_value(version.options.clone()).unwrap_or_default();
        let filename = version
            .original_filename
            .clone()
            .unwrap_or_else(|| "file".into());
        let limits = self.limits;
        let progress = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));

        // Progress goes to the catalog twice a second while the blocking work runs.
        let ticker = {
            let catalog = self.catalog.clone();
            let progress = progress.clone();
            let job_id = job.id;
            tokio::spawn(async move {
                let mut last = (0, 0);
                loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let now = (
                        progress.0.load(Ordering::Relaxed),
                        progress.1.load(Ordering::Relaxed),
                    );
                    if now != last {
                        let _ = catalog
                            .record_job_progress(job_id, now.0 as i64, now.1 as i64)
                            .await;
                        last = now;
                    }
                }
            })
        };
        let work_dir = work.to_path_buf();
        let p = progress.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let report_progress = move |_pass: u8, rows: u64, bytes: u64| {
                p.0.store(rows, Ordering::Relaxed);
                p.1.store(bytes, Ordering::Relaxed);
            };
            ingest_file(
                &original,
                &filename,
                &opts,
                limits,
                &work_dir,
                &report_progress,
            )
        })
        .await;
        ticker.abort();
        let outcome = outcome.map_err(|e| RunError::Other(format!("ingestion stopped: {e}")))?;
        let report_json = serde_json::to_value(&outcome.report).unwrap_or_default();

        if !outcome.report.succeeded() {
            let first = outcome
                .report
                .all_errors()
                .next()
                .map(|i| i.message(Lang::En))
                .unwrap_or_else(|| "ingestion failed".into());
            self.catalog
                .fail_version(job.id, version.id, &report_json, &first)
                .await?;
            let version = self
                .catalog
                .version(version.id)
                .await?
                .unwrap_or_else(|| version.clone());
            return Ok(JobOutcome {
                version,
                report: outcome.report,
                succeeded: false,
            });
        }
        // What the publisher wrote in the data dictionary carries over to the new version.
        let previous = match self
            .catalog
            .resource(&version.resource_id.to_string())
            .await?
        {
            Some(r) => match r.current_version_id {
                Some(v) => self.catalog.tables_of(v).await?,
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        let mut tables = Vec::new();
        for (n, (built, path)) in outcome.tables.iter().enumerate() {
            let key = format!("tables/{}/{n}.parquet", version.id);
            self.files.put_file(&key, path).await?;
            tables.push(IngestedTable {
                version_id: version.id,
                position: n as i64,
                name: built.name.clone(),
                parquet_key: key,
                rows: built.rows as i64,
                columns: carry_dictionary(&built.name, built.columns.clone(), &previous),
            });
        }
        self.catalog
            .complete_version(job.id, version, &tables, &report_json)
            .await?;
        let version = self
            .catalog
            .version(version.id)
            .await?
            .unwrap_or_else(|| version.clone());
        Ok(JobOutcome {
            version,
            report: outcome.report,
            succeeded: true,
        })
    }

    /// Runs queued jobs until none is left; returns their outcomes.
    pub async fn run_queue(&self) -> Result<Vec<JobOutcome>, RunError> {
        let mut done = Vec::new();
        while let Some(job) = self.catalog.claim_job().await? {
            match self.run_job(&job).await {
                Ok(o) => {
                    if o.succeeded {
                        self.ingested.notify_one();
                    }
                    done.push(o)
                }
                Err(e) => {
                    tracing::error!(job = %job.id, error = %e, "ingestion job failed to run");
                    let report = serde_json::json!({ "errors": [{ "code": "unreadable", "severity": "error", "format": "file", "detail": e.to_string() }] });
                    self.catalog
                        .fail_version(job.id, job.version_id, &report, &e.to_string())
                        .await?;
                }
            }
        }
        Ok(done)
    }

    /// After a stop: jobs that were running go back to the queue, except those already
    /// started [`MAX_ATTEMPTS`] times, which fail with a report the publisher reads
    /// (`ReaderStopped`); their resource keeps the version it had. Returns how many jobs
    /// were queued again.
    pub async fn recover_interrupted(&self) -> Result<u64, RunError> {
        let recovered = self.catalog.requeue_interrupted_jobs(MAX_ATTEMPTS).await?;
        for job in &recovered.exhausted {
            let Some(version) = self.catalog.version(job.version_id).await? else {
                continue;
            };
            let issue = Issue::error(IssueKind::ReaderStopped {
                attempts: u64::try_from(job.attempts).unwrap_or(0),
            });
            tracing::error!(
                job = %job.id,
                file = version.original_filename.as_deref().unwrap_or(""),
                attempts = job.attempts,
                "ingestion job stopped the portal too many times; failed"
            );
            let report = FileReport {
                file: version.original_filename.clone().unwrap_or_default(),
                size: u64::try_from(version.size).unwrap_or(0),
                format: (!version.format.is_empty()).then(|| version.format.to_uppercase()),
                errors: vec![issue.clone()],
                ..FileReport::default()
            };
            let json = serde_json::to_value(&report).unwrap_or_default();
            self.catalog
                .fail_version(job.id, version.id, &json, &issue.message(Lang::En))
                .await?;
        }
        Ok(recovered.requeued)
    }

    /// Starts the background worker: re-queues jobs interrupted by a stop, then runs jobs
    /// as they arrive (woken by every upload of this ingestor or its clones, and every
    /// five seconds for jobs queued by another process).
    pub async fn start_worker(self) -> Result<tokio::task::JoinHandle<()>, RunError> {
        self.start_worker_polling(Duration::from_secs(5)).await
    }

    /// [`Ingestor::start_worker`], looking for jobs of other processes every `poll`.
    pub async fn start_worker_polling(
        self,
        poll: Duration,
    ) -> Result<tokio::task::JoinHandle<()>, RunError> {
        let requeued = self.recover_interrupted().await?;
        if requeued > 0 {
            tracing::info!(
                requeued,
                "re-running ingestion jobs interrupted by the last stop"
            );
        }
        Ok(tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_queue().await {
                    tracing::error!(error = %e, "ingestion queue");
                }
                tokio::select! {
                    () = self.wake.notified() => {},
                    () = tokio::time::sleep(poll) => {},
                }
            }
        }))
    }
}

/// Copies descriptions, units and edited labels from the previous version's table of the
/// same name, column by column name.
fn carry_dictionary(
    table: &str,
    mut columns: Vec<ceiba_core::Column>,
    previous: &[IngestedTable],
) -> Vec<ceiba_core::Column> {
    let Some(old) = previous.iter().find(|t| t.name == table) else {
        return columns;
    };
    for c in &mut columns {
        if let Some(o) = old.columns.iter().find(|o| o.name == c.name) {
            c.description.clone_from(&o.description);
            c.unit.clone_from(&o.unit);
            if o.label != o.name {
                c.label.clone_from(&o.label);
            }
        }
    }
    columns
}

/// A pending version of `resource` for a stored file (numbered by the store).
fn new_version(
    resource: &Resource,
    stored: &ceiba_store::StoredFile,
    filename: &str,
    opts: &IngestOptions,
) -> ResourceVersion {
    let format = format_from_filename(filename).unwrap_or_default();
    ResourceVersion {
        id: Uuid::new_v4(),
        resource_id: resource.id,
        number: 0,
        storage_key: stored.key.clone(),
        original_filename: Some(filename.to_owned()),
        media_type: media_type_for_format(&format).map(str::to_owned),
        format,
        size: stored.size,
        sha256: stored.sha256.clone(),
        options: serde_json::to_value(opts).unwrap_or_default(),
        status: VersionStatus::Pending,
        report: None,
        created: now(),
    }
}
