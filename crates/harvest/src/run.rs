//! One run of a source: bringing each remote dataset (its files downloaded to scratch
//! space first, so that a dataset is written from complete input), skipping those whose
//! fingerprint did not change, and moving to the trash those that left the source.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use ceiba_core::Dataset;
use ceiba_portal::{Actor, ImportedContent, ImportedResource, Portal};
use ceiba_store::{HarvestObject, HarvestSource};
use chrono::Duration as ChronoDuration;
use uuid::Uuid;

use crate::fetch::{parse_url, FetchError, Fetcher};
use crate::map::RemoteResource;
use crate::report::Report;
use crate::HarvestError;

/// A run whose machine stopped is taken over after this long.
const STALE_RUN_HOURS: i64 = 6;

/// Which files a run downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copy {
    /// None: every resource links to the source.
    Nothing,
    /// Files the source stores itself (`url_type: upload`), with the API key.
    Uploads,
    /// Every resource's file.
    Everything,
}

/// A run under way.
pub struct Run {
    pub portal: Portal,
    pub actor: Actor,
    pub source: HarvestSource,
    pub fetch: Fetcher,
    pub run_id: Uuid,
    pub report: Report,
    /// What the source brought before, by remote id.
    known: HashMap<String, HarvestObject>,
    /// Remote ids read this run.
    pub seen: HashSet<String>,
    scratch: PathBuf,
}

impl Run {
    /// Starts a run of `source` (refused while another machine runs it).
    pub async fn start(
        portal: &Portal,
        source: HarvestSource,
        fetch: Fetcher,
        scratch: PathBuf,
    ) -> Result<Run, HarvestError> {
        let catalog = portal.catalog();
        let stale = ceiba_store::now() - ChronoDuration::hours(STALE_RUN_HOURS);
        let run = catalog
            .start_harvest_run(source.id, stale)
            .await?
            .ok_or_else(|| HarvestError::Busy(source.name.clone()))?;
        let known = catalog
            .harvest_objects(source.id, "dataset")
            .await?
            .into_iter()
            .map(|o| (o.remote_id.clone(), o))
            .collect();
        tokio::fs::create_dir_all(&scratch)
            .await
            .map_err(|e| HarvestError::Local(e.to_string()))?;
        let report = Report {
            source: source.url.clone(),
            kind: source.kind.clone(),
            ..Report::default()
        };
        Ok(Run {
            portal: portal.clone(),
            actor: Actor::operator(),
            source,
            fetch,
            run_id: run.id,
            report,
            known,
            seen: HashSet::new(),
            scratch,
        })
    }

    /// Writes the report so far to the run's row.
    pub async fn progress(&self) {
        let report = serde_json::to_value(&self.report).unwrap_or_default();
        if let Err(e) = self
            .portal
            .catalog()
            .update_harvest_run(self.run_id, "running", &report)
            .await
        {
            tracing::warn!(error = %e, "could not write the run's progress");
        }
    }

    /// Ends the run: `done`, or `failed` when it stopped early.
    pub async fn finish(mut self) -> Result<Report, HarvestError> {
        let status = if self.report.stopped.is_some() {
            "failed"
        } else {
            "done"
        };
        let report = serde_json::to_value(&self.report).unwrap_or_default();
        self.portal
            .catalog()
            .update_harvest_run(self.run_id, status, &report)
            .await?;
        let _ = tokio::fs::remove_dir_all(&self.scratch).await;
        Ok(std::mem::take(&mut self.report))
    }

    /// What is recorded of a record as the source said it, read with `copy`: the same
    /// record read without its files is not the same as one read with them.
    pub fn fingerprint(record: &str, copy: Copy) -> String {
        format!("{record}:{copy:?}")
    }

    /// Whether remote record `remote_id` is here as the source says it now.
    pub async fn unchanged(
        &self,
        remote_id: &str,
        fingerprint: &str,
    ) -> Result<bool, HarvestError> {
        let Some(o) = self.known.get(remote_id) else {
            return Ok(false);
        };
        if o.fingerprint != fingerprint || o.withdrawn {
            return Ok(false);
        }
        Ok(self
            .portal
            .catalog()
            .dataset_by_id(o.local_id)
            .await?
            .is_some_and(|d| d.state != ceiba_core::DatasetState::Deleted))
    }

    /// Brings dataset `d` (remote `remote_id`, as fingerprinted) with `resources`,
    /// downloading what `copy` asks first. A file that cannot be brought stays a link to
    /// the source and is reported; the dataset is then tried again next run.
    pub async fn bring(
        &mut self,
        remote_id: &str,
        fingerprint: &str,
        d: Dataset,
        resources: &[RemoteResource],
        copy: Copy,
    ) {
        self.seen.insert(remote_id.to_owned());
        self.report.datasets.read += 1;
        let record = format!("dataset {}", d.name);
        let mut complete = true;
        let mut inputs = Vec::with_capacity(resources.len());
        let mut downloaded = Vec::new();
        for r in resources {
            let wanted = match copy {
                Copy::Nothing => false,
                Copy::Uploads => r.upload,
                Copy::Everything => true,
            };
            let content = if wanted {
                match self.download(r).await {
                    Ok((path, filename, size)) => {
                        downloaded.push(path.clone());
                        self.report.files_copied += 1;
                        self.report.bytes_copied += size;
                        ImportedContent::File { path, filename }
                    }
                    Err(e) => {
                        complete = false;
                        self.report.problem(format!("{record}, file {}", r.id), e);
                        ImportedContent::Link(r.url.clone())
                    }
                }
            } else {
                ImportedContent::Link(r.url.clone())
            };
            if matches!(&content, ImportedContent::Link(u) if !u.starts_with("http://") && !u.starts_with("https://"))
            {
                self.report.problem(
                    format!("{record}, resource {}", r.id),
                    format!("its address \"{}\" is not a web address; left out", r.url),
                );
                continue;
            }
            // Every resource here has a name: the source's, else its file's.
            let name = match r.name.trim() {
                "" => url::Url::parse(&r.url)
                    .map(|u| file_name(&u, "recurso"))
                    .unwrap_or_else(|_| "recurso".into()),
                n => n.to_owned(),
            };
            inputs.push(ImportedResource {
                id: r.id,
                name,
                description: r.description.clone(),
                format: r.format.clone(),
                media_type: r.media_type.clone(),
                created: r.created,
                modified: r.modified,
                content,
            });
        }
        let local_id = d.id;
        let done = self.portal.import_dataset(&self.actor, d, inputs).await;
        for path in downloaded {
            let _ = tokio::fs::remove_file(path).await;
        }
        match done {
            Ok(outcome) => {
                self.report.datasets.count(outcome);
                // An incomplete dataset is linked to its source but tried again next run.
                let fp = if complete { fingerprint } else { "incomplete" };
                if let Err(e) = self
                    .portal
                    .catalog()
                    .put_harvest_object(self.source.id, "dataset", remote_id, local_id, fp)
                    .await
                {
                    self.report.problem(record, e);
                }
            }
            Err(e) => {
                self.report.datasets.failed += 1;
                self.report.problem(record, e);
            }
        }
    }

    /// Downloads resource `r`'s file into scratch space: its path, file name and size.
    async fn download(&self, r: &RemoteResource) -> Result<(PathBuf, String, u64), FetchError> {
        let url = parse_url(&r.url, self.fetch.allow_private())?;
        let path = self.scratch.join(r.id.simple().to_string());
        // Only the source itself gets the API key.
        let to_source = url.origin() == parse_url(&self.source.url, true)?.origin();
        let size = self.fetch.download(&url, &path, to_source).await?;
        Ok((path, file_name(&url, &r.name), size))
    }

    /// Moves to the trash what the source brought before and no longer has. Called only
    /// after a complete read of the source: a page that failed would otherwise withdraw
    /// everything after it.
    pub async fn withdraw_missing(&mut self) {
        let gone: Vec<HarvestObject> = self
            .known
            .values()
            .filter(|o| !o.withdrawn && !self.seen.contains(&o.remote_id))
            .cloned()
            .collect();
        for o in gone {
            match self.portal.withdraw_dataset(&self.actor, o.local_id).await {
                Ok(moved) => {
                    if moved {
                        self.report.datasets.withdrawn += 1;
                    }
                    if let Err(e) = self
                        .portal
                        .catalog()
                        .withdraw_harvest_object(self.source.id, "dataset", &o.remote_id)
                        .await
                    {
                        self.report.problem(format!("dataset {}", o.remote_id), e);
                    }
                }
                Err(e) => self.report.problem(format!("dataset {}", o.remote_id), e),
            }
        }
    }
}

/// The name a downloaded file is kept under: the URL's last segment (CKAN's download
/// addresses end in it), else the resource's name; shown and used for downloads only.
pub fn file_name(url: &url::Url, fallback: &str) -> String {
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let name = if last.trim().is_empty() {
        fallback
    } else {
        &last
    };
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if clean.trim().is_empty() {
        "download".into()
    } else {
        clean
    }
}
