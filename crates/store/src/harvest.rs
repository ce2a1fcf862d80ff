//! Harvest sources, their runs and the records they brought: which local record each
//! remote one became, and a fingerprint of what the source said, so that a re-run
//! updates in place, skips what did not change and resumes where it stopped.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::sql::uuid;
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

/// A remote catalog this portal copies datasets from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarvestSource {
    pub id: Uuid,
    /// Its name on the command line and the administration page.
    pub name: String,
    /// `ckan`, `dcat` or `ckan-migration`.
    pub kind: String,
    pub url: String,
    /// The organization harvested datasets are published under (`None`: the source's).
    pub organization_id: Option<Uuid>,
    /// `manual`, `hourly`, `daily` or `weekly`.
    pub schedule: String,
    /// Download and ingest the files instead of linking to them.
    pub copy_files: bool,
    pub created: DateTime<Utc>,
    /// When an administrator asked for a run that has not started yet.
    pub run_requested: Option<DateTime<Utc>>,
}

/// One run of a source, with its report (JSON, written by the harvester).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarvestRun {
    pub id: Uuid,
    pub source_id: Uuid,
    pub started: DateTime<Utc>,
    pub finished: Option<DateTime<Utc>>,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub report: serde_json::Value,
}

/// What a remote record became here.
#[derive(Debug, Clone, PartialEq)]
pub struct HarvestObject {
    pub remote_id: String,
    pub local_id: Uuid,
    pub fingerprint: String,
    pub withdrawn: bool,
}

const SOURCE_COLUMNS: &str =
    "id, name, kind, url, organization_id, schedule, copy_files, created, run_requested";
const RUN_COLUMNS: &str = "id, source_id, started, finished, status, report";

fn time(row: &AnyRow, column: &'static str) -> Result<DateTime<Utc>> {
    from_db(column, &row.try_get::<String, _>(column)?)
}

fn opt_time(row: &AnyRow, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|t| from_db(column, &t))
        .transpose()
}

fn source_from(row: &AnyRow) -> Result<HarvestSource> {
    let org: Option<String> = row.try_get("organization_id")?;
    Ok(HarvestSource {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        url: row.try_get("url")?,
        organization_id: match org {
            None => None,
            Some(_) => Some(uuid(row, "organization_id")?),
        },
        schedule: row.try_get("schedule")?,
        copy_files: row.try_get::<i64, _>("copy_files")? != 0,
        created: time(row, "created")?,
        run_requested: opt_time(row, "run_requested")?,
    })
}

fn run_from(row: &AnyRow) -> Result<HarvestRun> {
    let report: String = row.try_get("report")?;
    Ok(HarvestRun {
        id: uuid(row, "id")?,
        source_id: uuid(row, "source_id")?,
        started: time(row, "started")?,
        finished: opt_time(row, "finished")?,
        status: row.try_get("status")?,
        report: serde_json::from_str(&report).map_err(|_| StoreError::Corrupt {
            column: "harvest_run.report",
            value: report.chars().take(100).collect(),
        })?,
    })
}

impl Catalog {
    /// Adds a source; its name must be free.
    pub async fn create_harvest_source(&self, s: &HarvestSource) -> Result<()> {
        if self.harvest_source(&s.name).await?.is_some() {
            return Err(StoreError::NameTaken {
                kind: "harvest source",
                name: s.name.clone(),
            });
        }
        sqlx::query(&format!(
            "INSERT INTO harvest_source ({SOURCE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)"
        ))
        .bind(s.id.to_string())
        .bind(s.name.clone())
        .bind(s.kind.clone())
        .bind(s.url.clone())
        .bind(s.organization_id.map(|o| o.to_string()))
        .bind(s.schedule.clone())
        .bind(i64::from(s.copy_files))
        .bind(to_db(s.created))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Source `name_or_id` (its id when the text is one, else its name).
    pub async fn harvest_source(&self, name_or_id: &str) -> Result<Option<HarvestSource>> {
        let (column, key) = match Uuid::parse_str(name_or_id) {
            Ok(id) => ("id", id.to_string()),
            Err(_) => ("name", name_or_id.to_owned()),
        };
        let row = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM harvest_source WHERE {column} = $1"
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(source_from).transpose()
    }

    /// Every source, by name.
    pub async fn harvest_sources(&self) -> Result<Vec<HarvestSource>> {
        let rows = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM harvest_source ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(source_from).collect()
    }

    /// Asks for a run of `source` (or, with `None`, says the asked-for run started).
    pub async fn request_harvest_run(&self, source: Uuid, at: Option<DateTime<Utc>>) -> Result<()> {
        sqlx::query("UPDATE harvest_source SET run_requested = $1 WHERE id = $2")
            .bind(at.map(to_db))
            .bind(source.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Starts a run of `source`: refused (`Ok(None)`) while another is running, unless that
    /// one started before `stale` (a run whose machine died).
    pub async fn start_harvest_run(
        &self,
        source: Uuid,
        stale: DateTime<Utc>,
    ) -> Result<Option<HarvestRun>> {
        let mut tx = self.begin_write().await?;
        let running: Option<String> = sqlx::query_scalar(
            "SELECT id FROM harvest_run WHERE source_id = $1 AND status = 'running' \
             AND started > $2",
        )
        .bind(source.to_string())
        .bind(to_db(stale))
        .fetch_optional(&mut *tx)
        .await?;
        if running.is_some() {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE harvest_run SET status = 'failed', finished = $1 \
             WHERE source_id = $2 AND status = 'running'",
        )
        .bind(to_db(crate::now()))
        .bind(source.to_string())
        .execute(&mut *tx)
        .await?;
        let run = HarvestRun {
            id: Uuid::new_v4(),
            source_id: source,
            started: crate::now(),
            finished: None,
            status: "running".into(),
            report: serde_json::json!({}),
        };
        sqlx::query(&format!(
            "INSERT INTO harvest_run ({RUN_COLUMNS}) VALUES ($1, $2, $3, NULL, $4, $5)"
        ))
        .bind(run.id.to_string())
        .bind(source.to_string())
        .bind(to_db(run.started))
        .bind(run.status.clone())
        .bind(run.report.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE harvest_source SET run_requested = NULL WHERE id = $1")
            .bind(source.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(run))
    }

    /// Writes a run's report so far; with `status` other than `running`, ends it.
    pub async fn update_harvest_run(
        &self,
        run: Uuid,
        status: &str,
        report: &serde_json::Value,
    ) -> Result<()> {
        let finished = (status != "running").then(|| to_db(crate::now()));
        sqlx::query("UPDATE harvest_run SET status = $1, report = $2, finished = $3 WHERE id = $4")
            .bind(status.to_owned())
            .bind(report.to_string())
            .bind(finished)
            .bind(run.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest `limit` runs of `source` (of every source with `None`), newest first.
    pub async fn harvest_runs(&self, source: Option<Uuid>, limit: i64) -> Result<Vec<HarvestRun>> {
        let rows = match source {
            Some(s) => {
                sqlx::query(&format!(
                    "SELECT {RUN_COLUMNS} FROM harvest_run WHERE source_id = $1 \
                     ORDER BY started DESC LIMIT $2"
                ))
                .bind(s.to_string())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {RUN_COLUMNS} FROM harvest_run ORDER BY started DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(run_from).collect()
    }

    /// What `source` brought of kind `kind` (`dataset`, `organization`…), by remote id.
    pub async fn harvest_objects(&self, source: Uuid, kind: &str) -> Result<Vec<HarvestObject>> {
        let rows = sqlx::query(
            "SELECT remote_id, local_id, fingerprint, withdrawn FROM harvest_object \
             WHERE source_id = $1 AND kind = $2 ORDER BY remote_id",
        )
        .bind(source.to_string())
        .bind(kind.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HarvestObject {
                    remote_id: row.try_get("remote_id")?,
                    local_id: uuid(row, "local_id")?,
                    fingerprint: row.try_get("fingerprint")?,
                    withdrawn: row.try_get::<Option<String>, _>("withdrawn")?.is_some(),
                })
            })
            .collect()
    }

    /// Records that remote record `remote_id` is now local `local_id`, as the source said
    /// it with `fingerprint` (and is in the source again).
    pub async fn put_harvest_object(
        &self,
        source: Uuid,
        kind: &str,
        remote_id: &str,
        local_id: Uuid,
        fingerprint: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM harvest_object WHERE source_id = $1 AND kind = $2 AND remote_id = $3",
        )
        .bind(source.to_string())
        .bind(kind.to_owned())
        .bind(remote_id.to_owned())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO harvest_object \
             (source_id, kind, remote_id, local_id, fingerprint, withdrawn, updated) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6)",
        )
        .bind(source.to_string())
        .bind(kind.to_owned())
        .bind(remote_id.to_owned())
        .bind(local_id.to_string())
        .bind(fingerprint.to_owned())
        .bind(to_db(crate::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks remote record `remote_id` as gone from the source.
    pub async fn withdraw_harvest_object(
        &self,
        source: Uuid,
        kind: &str,
        remote_id: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE harvest_object SET withdrawn = $1, updated = $1 \
             WHERE source_id = $2 AND kind = $3 AND remote_id = $4",
        )
        .bind(to_db(crate::now()))
        .bind(source.to_string())
        .bind(kind.to_owned())
        .bind(remote_id.to_owned())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The source a local dataset was harvested from, with its remote id, if any.
    pub async fn harvested_from(&self, dataset: Uuid) -> Result<Option<(HarvestSource, String)>> {
        let row = sqlx::query(
            "SELECT source_id, remote_id FROM harvest_object \
             WHERE local_id = $1 AND kind = 'dataset' AND withdrawn IS NULL",
        )
        .bind(dataset.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let remote: String = row.try_get("remote_id")?;
        let source = uuid(&row, "source_id")?;
        Ok(self
            .harvest_source(&source.to_string())
            .await?
            .map(|s| (s, remote)))
    }
}
