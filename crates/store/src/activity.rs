//! The activity stream: what changed in the catalog, by whom and when, for the history
//! pages and CKAN's `*_activity_list` actions. Entries are appended, never changed.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::sql::uuid as uuid_of;
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

/// One change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Activity {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: Option<String>,
    pub action: String,
    pub dataset_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    /// The account a change was about (given or losing a role).
    pub account_id: Option<Uuid>,
    /// The resource (or other record) changed.
    pub object_id: Option<Uuid>,
    /// The change's summary (JSON).
    pub detail: Value,
}

impl Activity {
    /// A change happening now, by nobody yet.
    pub fn new(action: &str) -> Activity {
        Activity {
            id: Uuid::new_v4(),
            at: crate::now(),
            actor_id: None,
            actor: None,
            action: action.to_owned(),
            dataset_id: None,
            organization_id: None,
            account_id: None,
            object_id: None,
            detail: Value::Null,
        }
    }
}

/// Which stream to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Dataset(Uuid),
    Organization(Uuid),
    /// What an account did, and what was done to it (its roles).
    Account(Uuid),
    /// Every dataset's changes (CKAN's `recently_changed_packages_activity_stream`).
    Datasets,
}

const COLUMNS: &str =
    "id, at, actor_id, actor, action, dataset_id, organization_id, account_id, object_id, detail";

fn opt_uuid(row: &AnyRow, column: &'static str) -> Result<Option<Uuid>> {
    match row.try_get::<Option<String>, _>(column)? {
        None => Ok(None),
        Some(_) => uuid_of(row, column).map(Some),
    }
}

fn from_row(row: &AnyRow) -> Result<Activity> {
    let detail: String = row.try_get("detail")?;
    Ok(Activity {
        id: uuid_of(row, "id")?,
        at: from_db("activity.at", &row.try_get::<String, _>("at")?)?,
        actor_id: opt_uuid(row, "actor_id")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        dataset_id: opt_uuid(row, "dataset_id")?,
        organization_id: opt_uuid(row, "organization_id")?,
        account_id: opt_uuid(row, "account_id")?,
        object_id: opt_uuid(row, "object_id")?,
        detail: serde_json::from_str(&detail).map_err(|_| StoreError::Corrupt {
            column: "activity.detail",
            value: detail.chars().take(100).collect(),
        })?,
    })
}

impl Catalog {
    /// Appends a change to the activity stream.
    pub async fn record_activity(&self, a: &Activity) -> Result<()> {
        let id = |u: Option<Uuid>| u.map(|u| u.to_string());
        sqlx::query(&format!(
            "INSERT INTO activity ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(a.id.to_string())
        .bind(to_db(a.at))
        .bind(id(a.actor_id))
        .bind(a.actor.clone())
        .bind(a.action.clone())
        .bind(id(a.dataset_id))
        .bind(id(a.organization_id))
        .bind(id(a.account_id))
        .bind(id(a.object_id))
        .bind(a.detail.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` changes of `stream` (at most 1000), before `before` when given;
    /// newest first. Who may see which is the caller's to filter.
    pub async fn activity(
        &self,
        stream: Stream,
        before: Option<DateTime<Utc>>,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let (filter, key) = match stream {
            Stream::Dataset(id) => ("dataset_id = $1", id.to_string()),
            Stream::Organization(id) => ("organization_id = $1", id.to_string()),
            Stream::Account(id) => ("(actor_id = $1 OR account_id = $1)", id.to_string()),
            Stream::Datasets => ("dataset_id IS NOT NULL AND $1 = $1", String::new()),
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM activity WHERE {filter} AND at < $2 \
             ORDER BY at DESC, id DESC LIMIT $3"
        ))
        .bind(key)
        .bind(before.map_or_else(|| "9999".to_owned(), to_db))
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
