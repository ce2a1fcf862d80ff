//! Resources (distributions) of datasets.

use ceiba_core::Resource;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::changes::mark_changed;
use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

const COLUMNS: &str = "id, dataset_id, name, description, format, media_type, size, sha256, \
                       original_filename, url, storage_key, position, created, modified, \
                       current_version_id";

fn from_row(row: &AnyRow) -> Result<Resource> {
    Ok(Resource {
        id: uuid(row, "id")?,
        dataset_id: uuid(row, "dataset_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        format: row.try_get("format")?,
        media_type: row.try_get("media_type")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        original_filename: row.try_get("original_filename")?,
        url: row.try_get("url")?,
        storage_key: row.try_get("storage_key")?,
        position: row.try_get("position")?,
        current_version_id: row
            .try_get::<Option<String>, _>("current_version_id")?
            .map(|s| {
                uuid::Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt {
                    column: "resource.current_version_id",
                    value: s,
                })
            })
            .transpose()?,
        created: from_db("resource.created", &row.try_get::<String, _>("created")?)?,
        modified: from_db("resource.modified", &row.try_get::<String, _>("modified")?)?,
    })
}

/// What the database cannot check: a name, bounded texts, a link a visitor may follow.
fn validate(r: &Resource) -> Result<()> {
    use ceiba_core::bounds::*;
    let invalid = |field: &'static str, message: String| StoreError::Invalid { field, message };
    if r.name.trim().is_empty() {
        return Err(invalid("name", "must not be empty".into()));
    }
    check_chars(&r.name, MAX_TITLE_CHARS).map_err(|m| invalid("name", m))?;
    check_bytes(&r.description, MAX_DESCRIPTION_BYTES).map_err(|m| invalid("description", m))?;
    check_chars(&r.format, 100).map_err(|m| invalid("format", m))?;
    if let Some(url) = &r.url {
        check_link(url).map_err(|m| invalid("url", m))?;
    }
    Ok(())
}

/// Inserts a resource at the end of its dataset's list, in the caller's transaction.
pub(crate) async fn insert_resource(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    r: &Resource,
) -> Result<Resource> {
    validate(r)?;
    if r.url.is_none() && r.storage_key.is_none() {
        return Err(StoreError::Invalid {
            field: "url",
            message: "a resource needs an uploaded file or a URL".into(),
        });
    }
    let exists = sqlx::query("SELECT 1 FROM dataset WHERE id = $1")
        .bind(r.dataset_id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound {
            kind: "dataset",
            key: r.dataset_id.to_string(),
        });
    }
    // Taking the change number first locks the counter row until commit, so two
    // resources added at once get different positions on PostgreSQL too (SQLite's
    // write transactions are serial already).
    mark_changed(tx, r.dataset_id).await?;
    let position: i64 = sqlx::query(
        "SELECT COALESCE(MAX(position) + 1, 0) AS p FROM resource WHERE dataset_id = $1",
    )
    .bind(r.dataset_id.to_string())
    .fetch_one(&mut **tx)
    .await?
    .try_get("p")?;
    sqlx::query(&format!(
        "INSERT INTO resource ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15)"
    ))
    .bind(r.id.to_string())
    .bind(r.dataset_id.to_string())
    .bind(&r.name)
    .bind(&r.description)
    .bind(&r.format)
    .bind(r.media_type.as_deref())
    .bind(r.size)
    .bind(r.sha256.as_deref())
    .bind(r.original_filename.as_deref())
    .bind(r.url.as_deref())
    .bind(r.storage_key.as_deref())
    .bind(position)
    .bind(to_db(r.created))
    .bind(to_db(r.modified))
    .bind(r.current_version_id.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(Resource {
        position,
        ..r.clone()
    })
}

/// What a resource write does to its boundary-set mark.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkChange {
    Keep,
    Unmark,
    /// Sets the mark (its `resource_id` is the resource's, whatever it says).
    Mark(crate::BoundarySet),
}

impl Catalog {
    /// Adds a resource at the end of its dataset's list (its `position` is assigned here).
    pub async fn create_resource(&self, r: &Resource) -> Result<Resource> {
        let mut tx = self.begin_write().await?;
        let created = insert_resource(&mut tx, r).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Adds an uploaded resource with its first version, that version's ingestion job and,
    /// when given, its boundary-set mark (checked against the file by the caller), all at
    /// once: a failure (or a kill) leaves no resource without its version or its mark.
    pub async fn create_upload(
        &self,
        r: &Resource,
        v: &ceiba_core::ResourceVersion,
        mark: Option<&crate::BoundarySet>,
    ) -> Result<(Resource, ceiba_core::ResourceVersion, ceiba_core::IngestJob)> {
        let mut tx = self.begin_write().await?;
        let created = insert_resource(&mut tx, r).await?;
        let (version, job) = crate::versions::insert_version(&mut tx, v).await?;
        if let Some(mark) = mark {
            let mark = crate::BoundarySet {
                resource_id: created.id,
                ..mark.clone()
            };
            crate::boundaries::upsert(&mut tx, &mark).await?;
        }
        tx.commit().await?;
        Ok((created, version, job))
    }

    /// Changes what a resource says of itself: name, description, format, media type,
    /// link URL and position (its `modified` time as given). Its file and versions change
    /// only through new versions; it cannot move to another dataset.
    pub async fn update_resource(&self, r: &Resource) -> Result<()> {
        self.change_resource(r, None, &MarkChange::Keep).await?;
        Ok(())
    }

    /// Changes a resource, and with it (when given) records a new version of its file
    /// queued for ingestion and sets or removes its boundary-set mark (checked against the
    /// file by the caller), all at once: a failure leaves the resource as it was.
    pub async fn change_resource(
        &self,
        r: &Resource,
        version: Option<&ceiba_core::ResourceVersion>,
        mark: &MarkChange,
    ) -> Result<Option<(ceiba_core::ResourceVersion, ceiba_core::IngestJob)>> {
        validate(r)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT dataset_id, storage_key FROM resource WHERE id = $1")
            .bind(r.id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                kind: "resource",
                key: r.id.to_string(),
            });
        };
        if uuid(&row, "dataset_id")? != r.dataset_id {
            return Err(StoreError::Invalid {
                field: "package_id",
                message: "a resource cannot move to another dataset".into(),
            });
        }
        let storage_key: Option<String> = row.try_get("storage_key")?;
        if r.url.is_none() && storage_key.is_none() && version.is_none() {
            return Err(StoreError::Invalid {
                field: "url",
                message: "a resource needs an uploaded file or a URL".into(),
            });
        }
        sqlx::query(
            "UPDATE resource SET name = $2, description = $3, format = $4, media_type = $5, \
             url = $6, position = $7, modified = $8 WHERE id = $1",
        )
        .bind(r.id.to_string())
        .bind(&r.name)
        .bind(&r.description)
        .bind(&r.format)
        .bind(r.media_type.as_deref())
        .bind(r.url.as_deref())
        .bind(r.position)
        .bind(to_db(r.modified))
        .execute(&mut *tx)
        .await?;
        let queued = match version {
            Some(v) => Some(crate::versions::insert_version(&mut tx, v).await?),
            None => None,
        };
        match mark {
            MarkChange::Keep => {}
            MarkChange::Unmark => {
                sqlx::query("DELETE FROM boundary_set WHERE resource_id = $1")
                    .bind(r.id.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            MarkChange::Mark(b) => {
                let b = crate::BoundarySet {
                    resource_id: r.id,
                    ..b.clone()
                };
                crate::boundaries::upsert(&mut tx, &b).await?;
            }
        }
        mark_changed(&mut tx, r.dataset_id).await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Puts a dataset's resources in `order` (ids of its resources; those left out follow,
    /// in their current order), at once.
    pub async fn reorder_resources(
        &self,
        dataset_id: uuid::Uuid,
        order: &[uuid::Uuid],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let rows =
            sqlx::query("SELECT id FROM resource WHERE dataset_id = $1 ORDER BY position, created")
                .bind(dataset_id.to_string())
                .fetch_all(&mut *tx)
                .await?;
        let current: Vec<uuid::Uuid> = rows.iter().map(|r| uuid(r, "id")).collect::<Result<_>>()?;
        if let Some(stranger) = order.iter().find(|id| !current.contains(id)) {
            return Err(StoreError::Invalid {
                field: "order",
                message: format!("resource {stranger} is not one of the dataset's"),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let listed = order.iter().filter(|id| seen.insert(**id));
        let rest: Vec<uuid::Uuid> = current
            .iter()
            .filter(|id| !order.contains(id))
            .copied()
            .collect();
        for (position, id) in listed.chain(rest.iter()).enumerate() {
            sqlx::query("UPDATE resource SET position = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
        }
        mark_changed(&mut tx, dataset_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a resource with its versions, their tables, ingestion jobs and boundary-set
    /// mark, all at once, and returns what it was. The files in the object store are left
    /// where they are.
    /// (An ingestion still running for it fails when it tries to record its tables.)
    pub async fn delete_resource(&self, id: uuid::Uuid) -> Result<Resource> {
        let id = id.to_string();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM resource WHERE id = $1"))
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                kind: "resource",
                key: id,
            });
        };
        let resource = from_row(&row)?;
        // Children first, explicitly: not every SQLite connection enforces cascades.
        for sql in [
            "DELETE FROM ingest_table WHERE version_id IN \
             (SELECT id FROM resource_version WHERE resource_id = $1)",
            "DELETE FROM ingest_job WHERE version_id IN \
             (SELECT id FROM resource_version WHERE resource_id = $1)",
            "DELETE FROM resource_version WHERE resource_id = $1",
            "DELETE FROM boundary_set WHERE resource_id = $1",
            "DELETE FROM resource WHERE id = $1",
        ] {
            sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
        }
        mark_changed(&mut tx, resource.dataset_id).await?;
        tx.commit().await?;
        Ok(resource)
    }

    pub async fn resource(&self, id: &str) -> Result<Option<Resource>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM resource WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The resources of a dataset, in their order.
    pub async fn resources_of(&self, dataset_id: uuid::Uuid) -> Result<Vec<Resource>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM resource WHERE dataset_id = $1 ORDER BY position"
        ))
        .bind(dataset_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The resources of all these datasets, ordered by dataset id, then position.
    /// The resources of each of these datasets, in one read per chunk of ids (feeds and
    /// catalogs list many datasets at once).
    pub async fn resources_by_dataset(
        &self,
        ids: &[uuid::Uuid],
    ) -> Result<std::collections::HashMap<uuid::Uuid, Vec<Resource>>> {
        let mut out: std::collections::HashMap<uuid::Uuid, Vec<Resource>> = Default::default();
        for r in self.resources_of_datasets(ids).await? {
            out.entry(r.dataset_id).or_default().push(r);
        }
        Ok(out)
    }

    pub async fn resources_of_datasets(&self, ids: &[uuid::Uuid]) -> Result<Vec<Resource>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(&format!(
                "SELECT {COLUMNS} FROM resource WHERE dataset_id IN "
            ));
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                out.push(from_row(&row)?);
            }
        }
        // Chunks may come in any order, and an id given twice appears in two of them.
        out.sort_by_key(|r| (r.dataset_id, r.position, r.id));
        out.dedup_by_key(|r| r.id);
        Ok(out)
    }

    /// Distinct formats of each listed dataset's resources, for list badges.
    pub async fn formats_of(
        &self,
        dataset_ids: &[uuid::Uuid],
    ) -> Result<std::collections::HashMap<uuid::Uuid, Vec<String>>> {
        let mut out: std::collections::HashMap<uuid::Uuid, Vec<String>> = Default::default();
        if dataset_ids.is_empty() {
            return Ok(out);
        }
        let mut q = crate::sql::Sql::new(
            "SELECT DISTINCT dataset_id, format FROM resource WHERE format <> '' AND dataset_id IN (",
        );
        for (n, id) in dataset_ids.iter().enumerate() {
            if n > 0 {
                q.push(", ");
            }
            q.bind(id.to_string());
        }
        q.push(") ORDER BY format");
        for row in q.query().fetch_all(&self.pool).await? {
            out.entry(uuid(&row, "dataset_id")?)
                .or_default()
                .push(row.try_get("format")?);
        }
        Ok(out)
    }
}
