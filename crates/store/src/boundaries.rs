//! Boundary sets: GeoJSON or TopoJSON resources a publisher marks as the areas maps are
//! drawn from, with the property of their features that holds the INE code. Maps draw only
//! from marked resources. Marking or unmarking one marks its dataset changed (the resource
//! dicts carry the mark).

use std::collections::HashMap;

use ceiba_core::Localized;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::access::PUBLIC_DATASET;
use crate::changes::mark_changed;
use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

/// The levels a boundary set may declare; `""` when it is not known.
pub const BOUNDARY_LEVELS: [&str; 3] = ["department", "municipality", ""];

/// Longest property name kept.
const MAX_PROPERTY_CHARS: usize = 200;

/// A resource marked as a boundary set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundarySet {
    pub resource_id: Uuid,
    /// The property of the features that holds the territory code.
    pub code_property: String,
    /// `department`, `municipality`, or `""` when not known.
    pub level: String,
    /// The property that holds the territory's name, when given.
    pub name_property: Option<String>,
    pub created: DateTime<Utc>,
}

/// A boundary set of a public dataset, for the chart builder's choice of areas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicBoundarySet {
    pub resource_id: Uuid,
    pub resource_name: String,
    pub dataset_id: Uuid,
    pub dataset_name: String,
    pub dataset_title: Localized,
    pub code_property: String,
    pub level: String,
}

const COLUMNS: &str = "resource_id, code_property, level, name_property, created";

fn from_row(row: &AnyRow) -> Result<BoundarySet> {
    Ok(BoundarySet {
        resource_id: uuid(row, "resource_id")?,
        code_property: row.try_get("code_property")?,
        level: row.try_get("level")?,
        name_property: row.try_get("name_property")?,
        created: from_db(
            "boundary_set.created",
            &row.try_get::<String, _>("created")?,
        )?,
    })
}

fn check_property(field: &'static str, p: &str) -> Result<()> {
    if p.trim().is_empty() || p.chars().count() > MAX_PROPERTY_CHARS {
        return Err(StoreError::Invalid {
            field,
            message: format!("must be 1–{MAX_PROPERTY_CHARS} characters"),
        });
    }
    Ok(())
}

fn check(b: &BoundarySet) -> Result<()> {
    check_property("code_property", &b.code_property)?;
    if let Some(name) = &b.name_property {
        check_property("name_property", name)?;
    }
    if !BOUNDARY_LEVELS.contains(&b.level.as_str()) {
        return Err(StoreError::Invalid {
            field: "level",
            message: "must be 'department', 'municipality' or empty".into(),
        });
    }
    Ok(())
}

impl Catalog {
    /// Marks a resource as a boundary set, or replaces its mark (keeping when it was first
    /// marked). The resource must exist; whether its file holds the property is the
    /// caller's to check.
    pub async fn mark_boundary_set(&self, b: &BoundarySet) -> Result<()> {
        check(b)?;
        let mut tx = self.begin_write().await?;
        let owner = sqlx::query("SELECT dataset_id FROM resource WHERE id = $1")
            .bind(b.resource_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(owner) = owner else {
            return Err(StoreError::NotFound {
                kind: "resource",
                key: b.resource_id.to_string(),
            });
        };
        let dataset_id = uuid(&owner, "dataset_id")?;
        upsert(&mut tx, b).await?;
        mark_changed(&mut tx, dataset_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a resource's mark; returns whether it had one (nothing changes otherwise).
    pub async fn unmark_boundary_set(&self, resource_id: Uuid) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let owner = sqlx::query("SELECT dataset_id FROM resource WHERE id = $1")
            .bind(resource_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(owner) = owner else {
            return Ok(false);
        };
        let dataset_id = uuid(&owner, "dataset_id")?;
        let done = sqlx::query("DELETE FROM boundary_set WHERE resource_id = $1")
            .bind(resource_id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        mark_changed(&mut tx, dataset_id).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A resource's mark, if it is a boundary set.
    pub async fn boundary_set(&self, resource_id: Uuid) -> Result<Option<BoundarySet>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM boundary_set WHERE resource_id = $1"
        ))
        .bind(resource_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The marks of those of `resource_ids` that are boundary sets.
    pub async fn boundary_sets_of(
        &self,
        resource_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, BoundarySet>> {
        let mut out = HashMap::new();
        for chunk in resource_ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(&format!(
                "SELECT {COLUMNS} FROM boundary_set WHERE resource_id IN "
            ));
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                let b = from_row(&row)?;
                out.insert(b.resource_id, b);
            }
        }
        Ok(out)
    }

    /// The boundary sets of active, public datasets, by dataset title, then resource
    /// position.
    pub async fn public_boundary_sets(&self) -> Result<Vec<PublicBoundarySet>> {
        let rows = sqlx::query(&format!(
            "SELECT b.resource_id, b.code_property, b.level, r.name AS resource_name, \
             d.id AS dataset_id, d.name AS dataset_name, d.title_es, d.title_en \
             FROM boundary_set b \
             JOIN resource r ON r.id = b.resource_id \
             JOIN dataset d ON d.id = r.dataset_id \
             WHERE {PUBLIC_DATASET} \
             ORDER BY d.title_es, d.name, r.position, r.name",
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PublicBoundarySet {
                    resource_id: uuid(row, "resource_id")?,
                    resource_name: row.try_get("resource_name")?,
                    dataset_id: uuid(row, "dataset_id")?,
                    dataset_name: row.try_get("dataset_name")?,
                    dataset_title: Localized {
                        es: row.try_get("title_es")?,
                        en: row.try_get("title_en")?,
                    },
                    code_property: row.try_get("code_property")?,
                    level: row.try_get("level")?,
                })
            })
            .collect()
    }
}

/// Writes a checked mark inside a write transaction (the caller marks the dataset changed).
pub(crate) async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    b: &BoundarySet,
) -> Result<()> {
    check(b)?;
    sqlx::query(&format!(
        "INSERT INTO boundary_set ({COLUMNS}) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (resource_id) DO UPDATE SET code_property = excluded.code_property, \
         level = excluded.level, name_property = excluded.name_property"
    ))
    .bind(b.resource_id.to_string())
    .bind(&b.code_property)
    .bind(&b.level)
    .bind(b.name_property.as_deref())
    .bind(to_db(b.created))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
