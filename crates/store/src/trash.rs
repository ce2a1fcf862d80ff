//! The trash: datasets deleted (CKAN's `deleted` state) stay, with their files, until a
//! sysadmin restores or purges them. Purging removes the dataset and everything under it
//! in one write and says which stored files nothing references any more.

use std::collections::BTreeSet;

use ceiba_core::{Dataset, DatasetState};
use sqlx::Row;
use uuid::Uuid;

use crate::changes::mark_changed;
use crate::time::to_db;
use crate::{Catalog, Result, StoreError};

impl Catalog {
    /// Deleted datasets, most recently deleted first (at most `limit`).
    pub async fn trash(&self, limit: i64) -> Result<Vec<Dataset>> {
        let rows = sqlx::query(
            "SELECT id FROM dataset WHERE state = $1 ORDER BY modified DESC, id LIMIT $2",
        )
        .bind(DatasetState::Deleted.as_str())
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<Uuid> = rows
            .iter()
            .map(|r| crate::sql::uuid(r, "id"))
            .collect::<Result<_>>()?;
        self.datasets_by_ids(&ids).await
    }

    /// Takes a deleted dataset out of the trash: it is active again.
    pub async fn restore_dataset(&self, id: Uuid) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE dataset SET state = $2, modified = $3 WHERE id = $1 AND state = $4",
        )
        .bind(id.to_string())
        .bind(DatasetState::Active.as_str())
        .bind(to_db(crate::now()))
        .bind(DatasetState::Deleted.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "deleted dataset",
                key: id.to_string(),
            });
        }
        mark_changed(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a deleted dataset for good: its resources, versions, tables, jobs, views,
    /// marks and its own row, at once. Returns the stored files (originals and tables) it
    /// referenced that nothing else references now, for the caller to delete.
    pub async fn purge_dataset(&self, id: Uuid) -> Result<Vec<String>> {
        let id = id.to_string();
        let mut tx = self.begin_write().await?;
        let state: Option<String> = sqlx::query("SELECT state FROM dataset WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("state"))
            .transpose()?;
        if state.as_deref() != Some(DatasetState::Deleted.as_str()) {
            return Err(StoreError::NotFound {
                kind: "deleted dataset",
                key: id,
            });
        }
        let mut keys = BTreeSet::new();
        for sql in [
            "SELECT storage_key AS k FROM resource WHERE dataset_id = $1 AND storage_key IS NOT NULL",
            "SELECT v.storage_key AS k FROM resource_version v JOIN resource r \
             ON r.id = v.resource_id WHERE r.dataset_id = $1",
            "SELECT t.parquet_key AS k FROM ingest_table t JOIN resource_version v \
             ON v.id = t.version_id JOIN resource r ON r.id = v.resource_id WHERE r.dataset_id = $1",
        ] {
            for row in sqlx::query(sql).bind(&id).fetch_all(&mut *tx).await? {
                keys.insert(row.try_get::<String, _>("k")?);
            }
        }
        // Children first, explicitly: not every SQLite connection enforces cascades.
        for sql in [
            "DELETE FROM ingest_table WHERE version_id IN (SELECT v.id FROM resource_version v \
             JOIN resource r ON r.id = v.resource_id WHERE r.dataset_id = $1)",
            "DELETE FROM ingest_job WHERE version_id IN (SELECT v.id FROM resource_version v \
             JOIN resource r ON r.id = v.resource_id WHERE r.dataset_id = $1)",
            "DELETE FROM resource_version WHERE resource_id IN \
             (SELECT id FROM resource WHERE dataset_id = $1)",
            "DELETE FROM boundary_set WHERE resource_id IN \
             (SELECT id FROM resource WHERE dataset_id = $1)",
            "DELETE FROM resource_view WHERE dataset_id = $1",
            "DELETE FROM resource WHERE dataset_id = $1",
            "DELETE FROM dataset_category WHERE dataset_id = $1",
            "DELETE FROM dataset_tag WHERE dataset_id = $1",
            "DELETE FROM dataset_spatial WHERE dataset_id = $1",
            "DELETE FROM dataset_extra WHERE dataset_id = $1",
            "DELETE FROM dataset WHERE id = $1",
        ] {
            sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
        }
        // A file another dataset's version still names (a copy made by a script) stays.
        let mut unreferenced = Vec::new();
        for key in keys {
            let used = sqlx::query(
                "SELECT 1 FROM resource WHERE storage_key = $1 \
                 UNION ALL SELECT 1 FROM resource_version WHERE storage_key = $1 \
                 UNION ALL SELECT 1 FROM ingest_table WHERE parquet_key = $1",
            )
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
            if !used {
                unreferenced.push(key);
            }
        }
        tx.commit().await?;
        Ok(unreferenced)
    }
}
