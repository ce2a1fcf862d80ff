//! Datasets with their categories, tags, spatial coverage and extras.

use std::collections::{BTreeMap, HashMap};

use ceiba_core::{
    territory, validate_name, Contact, Dataset, DatasetState, Frequency, Licence, Localized,
    Lookup, Resource, Temporal,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::access::PUBLIC_DATASET;
use crate::changes::mark_changed;
use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::{date_from_db, from_db, to_db};
use crate::{Catalog, Result, StoreError};

const COLUMNS: &str = "d.id, d.name, d.title_es, d.title_en, d.description_es, d.description_en, \
     d.organization_id, d.licence_id, d.temporal_start, d.temporal_end, d.frequency, \
     d.contact_name, d.contact_email, d.source_url, d.version, d.state, d.private, d.featured, \
     d.created, d.modified";

/// Which datasets to list.
#[derive(Debug, Clone, Default)]
pub struct DatasetFilter {
    /// Organization name.
    pub organization: Option<String>,
    /// Category name.
    pub category: Option<String>,
    pub tag: Option<String>,
    /// Words to find in the title or name (a plain substring match until the search
    /// index takes over).
    pub text: Option<String>,
    pub featured_only: bool,
    /// Also list private datasets (for those allowed to see them).
    pub include_private: bool,
    /// Also list drafts (for those allowed to see them).
    pub include_drafts: bool,
    pub sort: DatasetSort,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DatasetSort {
    /// Most recently created first.
    #[default]
    Newest,
    /// Most recently modified first.
    Modified,
    /// By Spanish title.
    Title,
    /// By name.
    Name,
}

/// One page of a listing and the total it was cut from.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        message: message.into(),
    }
}

/// Checks what the database cannot: names, licence, coverage codes, dates.
fn validate(d: &Dataset) -> Result<()> {
    validate_name(&d.name).map_err(|e| invalid("name", e.to_string()))?;
    if d.title.es.trim().is_empty() {
        return Err(invalid("title", "must not be empty"));
    }
    if Licence::find(&d.licence_id).is_none() {
        return Err(invalid(
            "license_id",
            format!("unknown licence '{}'", d.licence_id),
        ));
    }
    if let Some(code) = d.spatial.iter().find(|c| territory::resolve(c).is_none()) {
        return Err(invalid(
            "spatial",
            format!("'{code}' is not a country, department or municipality code"),
        ));
    }
    if let (Some(s), Some(e)) = (d.temporal.start, d.temporal.end) {
        if e < s {
            return Err(invalid("temporal", "the end comes before the start"));
        }
    }
    if let Some(tag) = d.tags.iter().find(|t| t.trim().is_empty() || t.len() > 100) {
        return Err(invalid(
            "tags",
            format!("tag {tag:?} must be 1–100 characters"),
        ));
    }
    use ceiba_core::bounds::*;
    let checks = [
        ("tags", check_count(d.tags.len(), MAX_TAGS)),
        ("groups", check_count(d.categories.len(), MAX_CATEGORIES)),
        ("extras", check_count(d.extras.len(), MAX_EXTRAS)),
        ("spatial", check_count(d.spatial.len(), MAX_SPATIAL)),
        ("title", check_chars(&d.title.es, MAX_TITLE_CHARS)),
        (
            "title_en",
            check_chars(d.title.en.as_deref().unwrap_or(""), MAX_TITLE_CHARS),
        ),
        (
            "notes",
            check_bytes(&d.description.es, MAX_DESCRIPTION_BYTES),
        ),
        (
            "notes_en",
            check_bytes(
                d.description.en.as_deref().unwrap_or(""),
                MAX_DESCRIPTION_BYTES,
            ),
        ),
        ("url", d.source_url.as_deref().map_or(Ok(()), check_link)),
        (
            "version",
            check_chars(d.version.as_deref().unwrap_or(""), 100),
        ),
        (
            "maintainer",
            check_chars(d.contact.name.as_deref().unwrap_or(""), 200),
        ),
        (
            "maintainer_email",
            check_chars(d.contact.email.as_deref().unwrap_or(""), 254),
        ),
    ];
    for (field, check) in checks {
        check.map_err(|m| invalid(field, m))?;
    }
    for (key, value) in &d.extras {
        check_chars(key, MAX_EXTRA_KEY_CHARS)
            .and_then(|()| check_bytes(value, MAX_EXTRA_VALUE_BYTES))
            .map_err(|m| invalid("extras", format!("{key:?}: {m}")))?;
    }
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Dataset> {
    let state: String = row.try_get("state")?;
    let frequency: Option<String> = row.try_get("frequency")?;
    Ok(Dataset {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        title: Localized {
            es: row.try_get("title_es")?,
            en: row.try_get("title_en")?,
        },
        description: Localized {
            es: row.try_get("description_es")?,
            en: row.try_get("description_en")?,
        },
        organization_id: uuid(row, "organization_id")?,
        categories: Vec::new(),
        tags: Vec::new(),
        licence_id: row.try_get("licence_id")?,
        temporal: Temporal {
            start: date_from_db("dataset.temporal_start", row.try_get("temporal_start")?)?,
            end: date_from_db("dataset.temporal_end", row.try_get("temporal_end")?)?,
        },
        spatial: Vec::new(),
        frequency: match frequency {
            None => None,
            Some(f) => Some(Frequency::parse(&f).ok_or(StoreError::Corrupt {
                column: "dataset.frequency",
                value: f,
            })?),
        },
        contact: Contact {
            name: row.try_get("contact_name")?,
            email: row.try_get("contact_email")?,
        },
        source_url: row.try_get("source_url")?,
        version: row.try_get("version")?,
        state: DatasetState::parse(&state).ok_or(StoreError::Corrupt {
            column: "dataset.state",
            value: state,
        })?,
        private: row.try_get::<i64, _>("private")? != 0,
        featured: row.try_get::<i64, _>("featured")? != 0,
        created: from_db("dataset.created", &row.try_get::<String, _>("created")?)?,
        modified: from_db("dataset.modified", &row.try_get::<String, _>("modified")?)?,
        extras: BTreeMap::new(),
    })
}

impl Catalog {
    /// Adds a dataset with its categories, tags, coverage and extras, all or nothing.
    pub async fn create_dataset(&self, d: &Dataset) -> Result<()> {
        self.create_dataset_with(d, &[]).await
    }

    /// Adds a dataset and its first resources (links) in one write: a refused resource
    /// leaves no dataset behind.
    pub async fn create_dataset_with(&self, d: &Dataset, resources: &[Resource]) -> Result<()> {
        validate(d)?;
        let mut tx = self.begin_write().await?;
        self.ensure_organization(&mut tx, d.organization_id).await?;
        insert_dataset(&mut tx, d).await?;
        insert_children(&mut tx, d).await?;
        mark_changed(&mut tx, d.id).await?;
        for r in resources {
            crate::resources::insert_resource(&mut tx, r).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a dataset's fields and its categories, tags, coverage and extras.
    pub async fn update_dataset(&self, d: &Dataset) -> Result<()> {
        self.update_dataset_since(d, None).await
    }

    /// As [`update_dataset`](Self::update_dataset), only if the stored dataset was last
    /// changed at `since` (when given): an editor who saves a form opened before someone
    /// else's change gets [`StoreError::Conflict`] instead of overwriting it silently.
    pub async fn update_dataset_since(
        &self,
        d: &Dataset,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        validate(d)?;
        let mut tx = self.begin_write().await?;
        self.ensure_organization(&mut tx, d.organization_id).await?;
        let done = sqlx::query(
            "UPDATE dataset SET name = $2, title_es = $3, title_en = $4, description_es = $5, \
             description_en = $6, organization_id = $7, licence_id = $8, temporal_start = $9, \
             temporal_end = $10, frequency = $11, contact_name = $12, contact_email = $13, \
             source_url = $14, version = $15, state = $16, private = $17, featured = $18, \
             modified = $19 WHERE id = $1 AND ($20 = '' OR modified = $20)",
        )
        .bind(d.id.to_string())
        .bind(&d.name)
        .bind(&d.title.es)
        .bind(d.title.en.as_deref())
        .bind(&d.description.es)
        .bind(d.description.en.as_deref())
        .bind(d.organization_id.to_string())
        .bind(&d.licence_id)
        .bind(d.temporal.start.map(|t| t.to_string()))
        .bind(d.temporal.end.map(|t| t.to_string()))
        .bind(d.frequency.map(|f| f.code()))
        .bind(d.contact.name.as_deref())
        .bind(d.contact.email.as_deref())
        .bind(d.source_url.as_deref())
        .bind(d.version.as_deref())
        .bind(d.state.as_str())
        .bind(i64::from(d.private))
        .bind(i64::from(d.featured))
        .bind(to_db(d.modified))
        .bind(since.map(to_db).unwrap_or_default())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("dataset", &d.name, e))?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT 1 FROM dataset WHERE id = $1")
                .bind(d.id.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            let key = d.id.to_string();
            return Err(if exists {
                StoreError::Conflict {
                    kind: "dataset",
                    key,
                }
            } else {
                StoreError::NotFound {
                    kind: "dataset",
                    key,
                }
            });
        }
        for table in [
            "dataset_category",
            "dataset_tag",
            "dataset_spatial",
            "dataset_extra",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE dataset_id = $1"))
                .bind(d.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        insert_children(&mut tx, d).await?;
        mark_changed(&mut tx, d.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a dataset as CKAN's `package_delete` does: its state becomes `deleted` (it
    /// keeps its id, name and resources, and leaves listings, search and public pages),
    /// and its `modified` time is now. Deleting a deleted dataset is no error.
    pub async fn delete_dataset(&self, id: Uuid) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE dataset SET state = $2, modified = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(DatasetState::Deleted.as_str())
            .bind(to_db(crate::now()))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "dataset",
                key: id.to_string(),
            });
        }
        mark_changed(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    // Checked before writing so that both databases give the same, named error rather
    // than each its own foreign-key violation.
    async fn ensure_organization(&self, tx: &mut Transaction<'_, Any>, id: Uuid) -> Result<()> {
        let found = sqlx::query("SELECT 1 FROM organization WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        match found {
            Some(_) => Ok(()),
            None => Err(invalid("owner_org", format!("unknown organization {id}"))),
        }
    }

    /// Finds a dataset by CKAN's name-or-id (an id when the text is a UUID, else a
    /// name; never both), whatever its state. Code that holds an id uses `dataset_by_id`.
    pub async fn dataset(&self, name_or_id: &str) -> Result<Option<Dataset>> {
        let (column, value) = Lookup::parse(name_or_id).column_and_value();
        self.dataset_where(column, value).await
    }

    /// Finds a dataset by id, whatever its state.
    pub async fn dataset_by_id(&self, id: Uuid) -> Result<Option<Dataset>> {
        self.dataset_where("id", id.to_string()).await
    }

    async fn dataset_where(&self, column: &str, value: String) -> Result<Option<Dataset>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM dataset d WHERE d.{column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut list = vec![from_row(&row)?];
        self.load_children(&mut list).await?;
        Ok(list.pop())
    }

    /// The datasets with these ids, in any state, with their categories, tags, coverage
    /// and extras; in the order of `ids`, each once, unknown ids left out.
    pub async fn datasets_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Dataset>> {
        let mut found: HashMap<Uuid, Dataset> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM dataset d WHERE d.id IN "));
            q.bind_list(chunk);
            let rows = q.query().fetch_all(&self.pool).await?;
            let mut list = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
            self.load_children(&mut list).await?;
            found.extend(list.into_iter().map(|d| (d.id, d)));
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// A page of datasets matching `filter`.
    pub async fn datasets(&self, filter: &DatasetFilter) -> Result<Page<Dataset>> {
        let mut wh = Sql::new(" FROM dataset d WHERE ");
        wh.push(crate::access::listed(
            filter.include_drafts,
            filter.include_private,
        ));
        if filter.featured_only {
            wh.push(" AND d.featured = 1");
        }
        if let Some(org) = &filter.organization {
            wh.push(" AND d.organization_id IN (SELECT id FROM organization WHERE name = ")
                .bind(org.as_str())
                .push(")");
        }
        if let Some(cat) = &filter.category {
            wh.push(
                " AND d.id IN (SELECT dc.dataset_id FROM dataset_category dc JOIN category c \
                 ON c.id = dc.category_id WHERE c.name = ",
            )
            .bind(cat.as_str())
            .push(")");
        }
        if let Some(tag) = &filter.tag {
            wh.push(" AND d.id IN (SELECT dataset_id FROM dataset_tag WHERE tag = ")
                .bind(tag.as_str())
                .push(")");
        }

        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let escaped = text
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            wh.push(" AND (LOWER(d.title_es) LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(COALESCE(d.title_en, '')) LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR d.name LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }

        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.text.push_str(&wh.text);
        count.args.clone_from(&wh.args);
        let total: i64 = count.query().fetch_one(&self.pool).await?.try_get("n")?;

        let order = match filter.sort {
            DatasetSort::Newest => "d.created DESC, d.name",
            DatasetSort::Modified => "d.modified DESC, d.name",
            DatasetSort::Title => "d.title_es, d.name",
            DatasetSort::Name => "d.name",
        };
        let mut list = Sql::new(&format!("SELECT {COLUMNS}"));
        list.text.push_str(&wh.text);
        list.args = wh.args;
        list.push(&format!(
            " ORDER BY {order} LIMIT {} OFFSET {}",
            filter.limit.clamp(0, 1000),
            filter.offset.max(0)
        ));
        let rows = list.query().fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        self.load_children(&mut items).await?;
        Ok(Page { items, total })
    }

    /// Fills categories, tags, coverage and extras of `list` with one query per table.
    async fn load_children(&self, list: &mut [Dataset]) -> Result<()> {
        if list.is_empty() {
            return Ok(());
        }
        let index: HashMap<String, usize> = list
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.to_string(), i))
            .collect();
        let ids = |sql: &str| {
            let mut q = Sql::new(sql);
            q.push(" IN (");
            for (n, d) in list.iter().enumerate() {
                if n > 0 {
                    q.push(", ");
                }
                q.bind(d.id.to_string());
            }
            q.push(")");
            q
        };
        let mut q = ids(
            "SELECT dc.dataset_id, c.name FROM dataset_category dc JOIN category c \
             ON c.id = dc.category_id WHERE dc.dataset_id",
        );
        q.push(" ORDER BY c.name");
        let categories = q.query().fetch_all(&self.pool).await?;
        let mut q = ids("SELECT dataset_id, tag FROM dataset_tag WHERE dataset_id");
        q.push(" ORDER BY tag");
        let tags = q.query().fetch_all(&self.pool).await?;
        let mut q = ids("SELECT dataset_id, code FROM dataset_spatial WHERE dataset_id");
        q.push(" ORDER BY position");
        let spatial = q.query().fetch_all(&self.pool).await?;
        let q =
            ids("SELECT dataset_id, extra_key, extra_value FROM dataset_extra WHERE dataset_id");
        let extras = q.query().fetch_all(&self.pool).await?;

        let slot = |row: &AnyRow| -> Result<usize> {
            let id: String = row.try_get("dataset_id")?;
            index.get(&id).copied().ok_or(StoreError::Corrupt {
                column: "dataset_id",
                value: id,
            })
        };
        for row in &categories {
            list[slot(row)?].categories.push(row.try_get("name")?);
        }
        for row in &tags {
            list[slot(row)?].tags.push(row.try_get("tag")?);
        }
        for row in &spatial {
            list[slot(row)?].spatial.push(row.try_get("code")?);
        }
        for row in &extras {
            list[slot(row)?]
                .extras
                .insert(row.try_get("extra_key")?, row.try_get("extra_value")?);
        }
        Ok(())
    }

    /// Tags of public datasets with how many datasets carry each, most used first.
    pub async fn tag_counts(&self, limit: i64) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT t.tag, COUNT(*) AS n FROM dataset_tag t JOIN dataset d ON d.id = t.dataset_id \
             WHERE {PUBLIC_DATASET} GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT {}",
            limit.clamp(0, 10_000)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("tag")?, r.try_get("n")?)))
            .collect()
    }
}

/// The dataset's own row, in the caller's transaction.
async fn insert_dataset(tx: &mut Transaction<'_, Any>, d: &Dataset) -> Result<()> {
    sqlx::query(
        "INSERT INTO dataset (id, name, title_es, title_en, description_es, description_en, \
             organization_id, licence_id, temporal_start, temporal_end, frequency, contact_name, \
             contact_email, source_url, version, state, private, featured, created, modified) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20)",
    )
    .bind(d.id.to_string())
    .bind(&d.name)
    .bind(&d.title.es)
    .bind(d.title.en.as_deref())
    .bind(&d.description.es)
    .bind(d.description.en.as_deref())
    .bind(d.organization_id.to_string())
    .bind(&d.licence_id)
    .bind(d.temporal.start.map(|t| t.to_string()))
    .bind(d.temporal.end.map(|t| t.to_string()))
    .bind(d.frequency.map(|f| f.code()))
    .bind(d.contact.name.as_deref())
    .bind(d.contact.email.as_deref())
    .bind(d.source_url.as_deref())
    .bind(d.version.as_deref())
    .bind(d.state.as_str())
    .bind(i64::from(d.private))
    .bind(i64::from(d.featured))
    .bind(to_db(d.created))
    .bind(to_db(d.modified))
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::from_insert("dataset", &d.name, e))?;
    Ok(())
}

async fn insert_children(tx: &mut Transaction<'_, Any>, d: &Dataset) -> Result<()> {
    let id = d.id.to_string();
    for cat in &d.categories {
        let found = sqlx::query("SELECT id FROM category WHERE name = $1")
            .bind(cat.as_str())
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = found else {
            return Err(invalid("groups", format!("unknown category '{cat}'")));
        };
        let cat_id: String = row.try_get("id")?;
        sqlx::query("INSERT INTO dataset_category (dataset_id, category_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(cat_id)
            .execute(&mut **tx)
            .await?;
    }
    let mut tags: Vec<&str> = d.tags.iter().map(|t| t.trim()).collect();
    tags.sort_unstable();
    tags.dedup();
    for tag in tags {
        sqlx::query("INSERT INTO dataset_tag (dataset_id, tag) VALUES ($1, $2)")
            .bind(&id)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    let mut seen = std::collections::HashSet::new();
    for (pos, code) in d.spatial.iter().enumerate() {
        // Validated before: every code resolves.
        let code = territory::canonical_code(code).unwrap_or(code.as_str());
        if !seen.insert(code) {
            continue;
        }
        sqlx::query("INSERT INTO dataset_spatial (dataset_id, code, position) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(code)
            .bind(pos as i64)
            .execute(&mut **tx)
            .await?;
    }
    for (k, v) in &d.extras {
        sqlx::query(
            "INSERT INTO dataset_extra (dataset_id, extra_key, extra_value) VALUES ($1, $2, $3)",
        )
        .bind(&id)
        .bind(k.as_str())
        .bind(v.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
