//! Versions of resource files, the tables ingested from them, and the ingestion queue.
//!
//! A version becomes the resource's current one only when its ingestion succeeds, in the
//! same transaction that records its tables: readers never see a half-built version, and a
//! failed ingestion leaves the previous version in service.

use ceiba_core::{IngestJob, IngestedTable, JobState, ResourceVersion, VersionStatus};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::changes::mark_changed;
use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::{from_db, to_db};
use crate::{now, Catalog, Result, StoreError};

const VERSION_COLUMNS: &str = "id, resource_id, number, storage_key, original_filename, format, \
     media_type, size, sha256, options, status, report, created";
const TABLE_COLUMNS: &str = "version_id, position, name, parquet_key, row_count, columns";
const JOB_COLUMNS: &str =
    "id, version_id, state, attempts, rows_read, bytes_read, error, created, started, finished";

/// What [`Catalog::requeue_interrupted_jobs`] did.
#[derive(Debug, Clone, Default)]
pub struct Requeued {
    /// Jobs back in the queue.
    pub requeued: u64,
    /// Jobs left `running` because they were tried too many times already.
    pub exhausted: Vec<IngestJob>,
}

fn json_column(column: &'static str, s: String) -> Result<serde_json::Value> {
    serde_json::from_str(&s).map_err(|_| StoreError::Corrupt { column, value: s })
}

fn version_from_row(row: &AnyRow) -> Result<ResourceVersion> {
    let status: String = row.try_get("status")?;
    Ok(ResourceVersion {
        id: uuid(row, "id")?,
        resource_id: uuid(row, "resource_id")?,
        number: row.try_get("number")?,
        storage_key: row.try_get("storage_key")?,
        original_filename: row.try_get("original_filename")?,
        format: row.try_get("format")?,
        media_type: row.try_get("media_type")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        options: json_column("resource_version.options", row.try_get("options")?)?,
        status: VersionStatus::parse(&status).ok_or(StoreError::Corrupt {
            column: "resource_version.status",
            value: status,
        })?,
        report: row
            .try_get::<Option<String>, _>("report")?
            .map(|r| json_column("resource_version.report", r))
            .transpose()?,
        created: from_db(
            "resource_version.created",
            &row.try_get::<String, _>("created")?,
        )?,
    })
}

fn table_from_row(row: &AnyRow) -> Result<IngestedTable> {
    let columns: String = row.try_get("columns")?;
    Ok(IngestedTable {
        version_id: uuid(row, "version_id")?,
        position: row.try_get("position")?,
        name: row.try_get("name")?,
        parquet_key: row.try_get("parquet_key")?,
        rows: row.try_get("row_count")?,
        columns: serde_json::from_str(&columns).map_err(|_| StoreError::Corrupt {
            column: "ingest_table.columns",
            value: columns.chars().take(80).collect(),
        })?,
    })
}

/// Marks the dataset that holds version `version` changed (see `mark_changed`).
async fn mark_version_changed(tx: &mut Transaction<'_, Any>, version: Uuid) -> Result<()> {
    let row = sqlx::query(
        "SELECT r.dataset_id FROM resource_version v JOIN resource r ON r.id = v.resource_id \
         WHERE v.id = $1",
    )
    .bind(version.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = row {
        mark_changed(tx, uuid(&row, "dataset_id")?).await?;
    }
    Ok(())
}

fn job_from_row(row: &AnyRow) -> Result<IngestJob> {
    let state: String = row.try_get("state")?;
    let opt_time = |c: &'static str| -> Result<_> {
        row.try_get::<Option<String>, _>(c)?
            .map(|t| from_db(c, &t))
            .transpose()
    };
    Ok(IngestJob {
        id: uuid(row, "id")?,
        version_id: uuid(row, "version_id")?,
        state: JobState::parse(&state).ok_or(StoreError::Corrupt {
            column: "ingest_job.state",
            value: state,
        })?,
        attempts: row.try_get("attempts")?,
        rows_read: row.try_get("rows_read")?,
        bytes_read: row.try_get("bytes_read")?,
        error: row.try_get("error")?,
        created: from_db("ingest_job.created", &row.try_get::<String, _>("created")?)?,
        started: opt_time("started")?,
        finished: opt_time("finished")?,
    })
}

/// Inserts a new version (numbered after the resource's last) and its queued job, in the
/// caller's transaction.
pub(crate) async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    v: &ResourceVersion,
) -> Result<(ResourceVersion, IngestJob)> {
    let number: i64 = sqlx::query(
        "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM resource_version WHERE resource_id = $1",
    )
    .bind(v.resource_id.to_string())
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    let version = ResourceVersion {
        number,
        status: VersionStatus::Pending,
        ..v.clone()
    };
    sqlx::query(&format!(
        "INSERT INTO resource_version ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11, $12, $13)"
    ))
    .bind(version.id.to_string())
    .bind(version.resource_id.to_string())
    .bind(version.number)
    .bind(&version.storage_key)
    .bind(version.original_filename.as_deref())
    .bind(&version.format)
    .bind(version.media_type.as_deref())
    .bind(version.size)
    .bind(&version.sha256)
    .bind(version.options.to_string())
    .bind(version.status.as_str())
    .bind(version.report.as_ref().map(|r| r.to_string()))
    .bind(to_db(version.created))
    .execute(&mut **tx)
    .await?;
    let job = IngestJob {
        id: Uuid::new_v4(),
        version_id: version.id,
        state: JobState::Queued,
        attempts: 0,
        rows_read: 0,
        bytes_read: 0,
        error: None,
        created: now(),
        started: None,
        finished: None,
    };
    sqlx::query(&format!(
        "INSERT INTO ingest_job ({JOB_COLUMNS}) VALUES ($1, $2, $3, 0, 0, 0, NULL, $4, NULL, NULL)"
    ))
    .bind(job.id.to_string())
    .bind(job.version_id.to_string())
    .bind(job.state.as_str())
    .bind(to_db(job.created))
    .execute(&mut **tx)
    .await?;
    Ok((version, job))
}

impl Catalog {
    /// Records a new version of a resource's file (numbered after the last one) and queues
    /// its ingestion. Returns the version and its job.
    pub async fn create_version(
        &self,
        v: &ResourceVersion,
    ) -> Result<(ResourceVersion, IngestJob)> {
        let mut tx = self.begin_write().await?;
        let queued = insert_version(&mut tx, v).await?;
        tx.commit().await?;
        Ok(queued)
    }

    pub async fn version(&self, id: Uuid) -> Result<Option<ResourceVersion>> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM resource_version WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(version_from_row).transpose()
    }

    /// Every version of a resource, newest first.
    pub async fn versions_of(&self, resource_id: Uuid) -> Result<Vec<ResourceVersion>> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM resource_version WHERE resource_id = $1 ORDER BY number DESC"
        ))
        .bind(resource_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// The tables of a version, in order.
    pub async fn tables_of(&self, version_id: Uuid) -> Result<Vec<IngestedTable>> {
        let rows = sqlx::query(&format!(
            "SELECT {TABLE_COLUMNS} FROM ingest_table WHERE version_id = $1 ORDER BY position"
        ))
        .bind(version_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(table_from_row).collect()
    }

    /// The tables of all these versions, ordered by version id, then position.
    pub async fn tables_of_versions(&self, version_ids: &[Uuid]) -> Result<Vec<IngestedTable>> {
        let mut out = Vec::new();
        for chunk in version_ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(&format!(
                "SELECT {TABLE_COLUMNS} FROM ingest_table WHERE version_id IN "
            ));
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                out.push(table_from_row(&row)?);
            }
        }
        // Chunks may come in any order, and an id given twice appears in two of them.
        out.sort_by_key(|t| (t.version_id, t.position));
        out.dedup_by_key(|t| (t.version_id, t.position));
        Ok(out)
    }

    pub async fn job(&self, id: Uuid) -> Result<Option<IngestJob>> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM ingest_job WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// The latest job of a version.
    pub async fn job_of_version(&self, version_id: Uuid) -> Result<Option<IngestJob>> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM ingest_job WHERE version_id = $1 ORDER BY created DESC LIMIT 1"
        ))
        .bind(version_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// Jobs that were running when the portal stopped go back to the queue, unless they
    /// were already tried `max_attempts` times: those stay `running` and are returned, for
    /// the caller to fail with a report (a file that stops the portal every time it is
    /// read must not stop it forever).
    pub async fn requeue_interrupted_jobs(&self, max_attempts: i64) -> Result<Requeued> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM ingest_job WHERE state = 'running' AND attempts >= $1 \
             ORDER BY created"
        ))
        .bind(max_attempts)
        .fetch_all(&self.pool)
        .await?;
        let exhausted = rows.iter().map(job_from_row).collect::<Result<Vec<_>>>()?;
        let done = sqlx::query(
            "UPDATE ingest_job SET state = 'queued' WHERE state = 'running' AND attempts < $1",
        )
        .bind(max_attempts)
        .execute(&self.pool)
        .await?;
        Ok(Requeued {
            requeued: done.rows_affected(),
            exhausted,
        })
    }

    /// Takes the oldest queued job, marking it running; `None` when the queue is empty.
    /// Safe with several workers: a job is claimed by exactly one.
    pub async fn claim_job(&self) -> Result<Option<IngestJob>> {
        loop {
            let row = sqlx::query(&format!(
                "SELECT {JOB_COLUMNS} FROM ingest_job WHERE state = 'queued' ORDER BY created LIMIT 1"
            ))
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let job = job_from_row(&row)?;
            let claimed = sqlx::query(
                "UPDATE ingest_job SET state = 'running', attempts = attempts + 1, started = $2 \
                 WHERE id = $1 AND state = 'queued'",
            )
            .bind(job.id.to_string())
            .bind(to_db(now()))
            .execute(&self.pool)
            .await?;
            if claimed.rows_affected() == 1 {
                return self.job(job.id).await;
            }
        }
    }

    pub async fn record_job_progress(&self, job: Uuid, rows: i64, bytes: i64) -> Result<()> {
        sqlx::query("UPDATE ingest_job SET rows_read = $2, bytes_read = $3 WHERE id = $1")
            .bind(job.to_string())
            .bind(rows)
            .bind(bytes)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts a successfully ingested version in service, with its tables, all at once.
    pub async fn complete_version(
        &self,
        job: Uuid,
        version: &ResourceVersion,
        tables: &[IngestedTable],
        report: &serde_json::Value,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ingest_table WHERE version_id = $1")
            .bind(version.id.to_string())
            .execute(&mut *tx)
            .await?;
        for t in tables {
            let columns = serde_json::to_string(&t.columns).map_err(|e| StoreError::Invalid {
                field: "columns",
                message: e.to_string(),
            })?;
            sqlx::query(
                "INSERT INTO ingest_table (version_id, position, name, parquet_key, row_count, columns) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(version.id.to_string())
            .bind(t.position)
            .bind(&t.name)
            .bind(&t.parquet_key)
            .bind(t.rows)
            .bind(columns)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE resource_version SET status = 'ready', report = $2 WHERE id = $1")
            .bind(version.id.to_string())
            .bind(report.to_string())
            .execute(&mut *tx)
            .await?;
        // Only a newer version replaces the one in service (a re-run of an old one does not).
        sqlx::query(
            "UPDATE resource SET current_version_id = $2, storage_key = $3, size = $4, sha256 = $5, \
             original_filename = $6, format = $7, media_type = $8, modified = $9 \
             WHERE id = $1 AND (current_version_id IS NULL OR current_version_id IN \
             (SELECT id FROM resource_version WHERE resource_id = $1 AND number <= $10))",
        )
        .bind(version.resource_id.to_string())
        .bind(version.id.to_string())
        .bind(&version.storage_key)
        .bind(version.size)
        .bind(&version.sha256)
        .bind(version.original_filename.as_deref())
        .bind(&version.format)
        .bind(version.media_type.as_deref())
        .bind(to_db(now()))
        .bind(version.number)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE ingest_job SET state = 'done', finished = $2, error = NULL WHERE id = $1",
        )
        .bind(job.to_string())
        .bind(to_db(now()))
        .execute(&mut *tx)
        .await?;
        // Its resource, formats or tables changed (last, as `mark_changed` asks).
        mark_version_changed(&mut tx, version.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed ingestion; the resource keeps the version it had.
    pub async fn fail_version(
        &self,
        job: Uuid,
        version: Uuid,
        report: &serde_json::Value,
        error: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE resource_version SET status = 'failed', report = $2 WHERE id = $1")
            .bind(version.to_string())
            .bind(report.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE ingest_job SET state = 'failed', finished = $2, error = $3 WHERE id = $1",
        )
        .bind(job.to_string())
        .bind(to_db(now()))
        .bind(error)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a table's data dictionary (labels, descriptions, units) as a publisher
    /// edited it.
    pub async fn update_table_columns(
        &self,
        version: Uuid,
        position: i64,
        columns: &[ceiba_core::Column],
    ) -> Result<()> {
        let json = serde_json::to_string(columns).map_err(|e| StoreError::Invalid {
            field: "columns",
            message: e.to_string(),
        })?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE ingest_table SET columns = $3 WHERE version_id = $1 AND position = $2",
        )
        .bind(version.to_string())
        .bind(position)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "table",
                key: format!("{version}/{position}"),
            });
        }
        mark_version_changed(&mut tx, version).await?;
        tx.commit().await?;
        Ok(())
    }
}
