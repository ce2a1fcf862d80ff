//! Link checks: whether each link resource's address answered when last checked.

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::{from_db, to_db};
use crate::{Catalog, Result};

/// The last check of a link.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LinkCheck {
    pub resource_id: Uuid,
    pub url: String,
    pub checked: DateTime<Utc>,
    pub status: Option<i64>,
    pub ok: bool,
    pub message: String,
}

impl Catalog {
    /// Up to `limit` link resources of active datasets never checked, checked before
    /// `before`, or whose address changed since: (resource id, address), oldest first.
    pub async fn links_due(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(Uuid, String)>> {
        let rows = sqlx::query(
            "SELECT r.id AS id, r.url AS url FROM resource r \
             JOIN dataset d ON d.id = r.dataset_id \
             LEFT JOIN link_check c ON c.resource_id = r.id \
             WHERE r.url IS NOT NULL AND r.storage_key IS NULL AND d.state <> 'deleted' \
             AND (c.resource_id IS NULL OR c.checked < $1 OR c.url <> r.url) \
             ORDER BY COALESCE(c.checked, '') LIMIT $2",
        )
        .bind(to_db(before))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((uuid(row, "id")?, row.try_get::<String, _>("url")?)))
            .collect()
    }

    /// Records a check of resource `c.resource_id`'s link.
    pub async fn record_link_check(&self, c: &LinkCheck) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM link_check WHERE resource_id = $1")
            .bind(c.resource_id.to_string())
            .execute(&mut *tx)
            .await?;
        // The resource may have been deleted meanwhile: then there is nothing to record.
        sqlx::query(
            "INSERT INTO link_check (resource_id, url, checked, status, ok, message) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM resource WHERE id = $1)",
        )
        .bind(c.resource_id.to_string())
        .bind(c.url.clone())
        .bind(to_db(c.checked))
        .bind(c.status)
        .bind(i64::from(c.ok))
        .bind(c.message.clone())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest checks of `resources` (those checked, at their current address).
    pub async fn link_checks(&self, resources: &[Uuid]) -> Result<Vec<LinkCheck>> {
        let mut out = Vec::new();
        for chunk in resources.chunks(IN_CHUNK) {
            if chunk.is_empty() {
                continue;
            }
            let mut sql = Sql::new(
                "SELECT c.resource_id, c.url, c.checked, c.status, c.ok, c.message \
                 FROM link_check c JOIN resource r ON r.id = c.resource_id \
                 WHERE c.url = r.url AND c.resource_id IN ",
            );
            sql.bind_list(chunk);
            for row in sql.query().fetch_all(&self.pool).await? {
                out.push(LinkCheck {
                    resource_id: uuid(&row, "resource_id")?,
                    url: row.try_get("url")?,
                    checked: from_db("link_check.checked", &row.try_get::<String, _>("checked")?)?,
                    status: row.try_get("status")?,
                    ok: row.try_get::<i64, _>("ok")? != 0,
                    message: row.try_get("message")?,
                });
            }
        }
        Ok(out)
    }
}
