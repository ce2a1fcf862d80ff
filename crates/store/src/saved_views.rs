//! Saved views: a chart or map of a resource's table, kept as a declarative spec (JSON)
//! that the use cases check (`ceiba_portal`) and the web layer draws. Writing one marks its dataset changed.

use crate::access::PUBLIC_DATASET;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::changes::mark_changed;
use crate::sql::uuid;
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

/// A saved chart or map (CKAN's resource view).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedView {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub dataset_id: Uuid,
    pub title: String,
    pub description: String,
    /// `ceiba_chart` or `ceiba_map`.
    pub view_type: String,
    /// The spec as the web layer wrote it (JSON text).
    pub spec: String,
    /// Shown on the dataset page.
    pub featured: bool,
    pub position: i64,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

const COLUMNS: &str = "id, resource_id, dataset_id, title, description, view_type, spec, \
     featured, position, created, modified";

fn from_row(row: &AnyRow) -> Result<SavedView> {
    Ok(SavedView {
        id: uuid(row, "id")?,
        resource_id: uuid(row, "resource_id")?,
        dataset_id: uuid(row, "dataset_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        view_type: row.try_get("view_type")?,
        spec: row.try_get("spec")?,
        featured: row.try_get::<i64, _>("featured")? != 0,
        position: row.try_get("position")?,
        created: from_db(
            "resource_view.created",
            &row.try_get::<String, _>("created")?,
        )?,
        modified: from_db(
            "resource_view.modified",
            &row.try_get::<String, _>("modified")?,
        )?,
    })
}

fn check(v: &SavedView) -> Result<()> {
    if v.title.trim().is_empty() || v.title.chars().count() > 200 {
        return Err(StoreError::Invalid {
            field: "title",
            message: "must be 1–200 characters".into(),
        });
    }
    if v.spec.len() > 64 * 1024 || serde_json::from_str::<serde_json::Value>(&v.spec).is_err() {
        return Err(StoreError::Invalid {
            field: "spec",
            message: "must be a JSON document of at most 64 KB".into(),
        });
    }
    Ok(())
}

impl Catalog {
    /// Saves a new view; its resource must belong to its dataset.
    pub async fn create_view(&self, v: &SavedView) -> Result<()> {
        check(v)?;
        let mut tx = self.begin_write().await?;
        let owner = sqlx::query("SELECT dataset_id FROM resource WHERE id = $1")
            .bind(v.resource_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        match owner {
            Some(row) if uuid(&row, "dataset_id")? == v.dataset_id => {}
            _ => {
                return Err(StoreError::Invalid {
                    field: "resource_id",
                    message: "no such resource in this dataset".into(),
                })
            }
        }
        sqlx::query(&format!(
            "INSERT INTO resource_view ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(v.id.to_string())
        .bind(v.resource_id.to_string())
        .bind(v.dataset_id.to_string())
        .bind(&v.title)
        .bind(&v.description)
        .bind(&v.view_type)
        .bind(&v.spec)
        .bind(i64::from(v.featured))
        .bind(v.position)
        .bind(to_db(v.created))
        .bind(to_db(v.modified))
        .execute(&mut *tx)
        .await?;
        mark_changed(&mut tx, v.dataset_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a view's title, description, spec, featured flag and position.
    pub async fn update_view(&self, v: &SavedView) -> Result<()> {
        check(v)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE resource_view SET title = $2, description = $3, spec = $4, featured = $5, \
             position = $6, modified = $7 WHERE id = $1",
        )
        .bind(v.id.to_string())
        .bind(&v.title)
        .bind(&v.description)
        .bind(&v.spec)
        .bind(i64::from(v.featured))
        .bind(v.position)
        .bind(to_db(v.modified))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "view",
                key: v.id.to_string(),
            });
        }
        mark_changed(&mut tx, v.dataset_id).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_view(&self, id: Uuid) -> Result<()> {
        let Some(v) = self.view(id).await? else {
            return Err(StoreError::NotFound {
                kind: "view",
                key: id.to_string(),
            });
        };
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM resource_view WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        mark_changed(&mut tx, v.dataset_id).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn view(&self, id: Uuid) -> Result<Option<SavedView>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM resource_view WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The featured views of public datasets, most recently changed first: the home
    /// page's charts.
    pub async fn featured_public_views(&self, limit: i64) -> Result<Vec<SavedView>> {
        let columns = COLUMNS
            .split(", ")
            .map(|c| format!("v.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {columns} FROM resource_view v JOIN dataset d ON d.id = v.dataset_id \
             WHERE v.featured = 1 AND {PUBLIC_DATASET} ORDER BY v.modified DESC, v.id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// A dataset's views, in order.
    pub async fn views_of_dataset(&self, dataset_id: Uuid) -> Result<Vec<SavedView>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM resource_view WHERE dataset_id = $1 ORDER BY position, created"
        ))
        .bind(dataset_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// A resource's views, in order.
    pub async fn views_of_resource(&self, resource_id: Uuid) -> Result<Vec<SavedView>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM resource_view WHERE resource_id = $1 ORDER BY position, created"
        ))
        .bind(resource_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
