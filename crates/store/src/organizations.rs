//! Publishers.

use ceiba_core::{validate_name, Localized, Organization};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::PUBLIC_DATASET;
use crate::changes::mark_all_changed;
use crate::sql::uuid;
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

/// An organization or category with the number of public, active datasets it holds.
#[derive(Debug, Clone, Serialize)]
pub struct WithCount<T> {
    #[serde(flatten)]
    pub item: T,
    pub dataset_count: i64,
}

const COLUMNS: &str = "o.id, o.name, o.title_es, o.title_en, o.description_es, o.description_en, \
                       o.image_url, o.email, o.website, o.created";

fn from_row(row: &AnyRow) -> Result<Organization> {
    Ok(Organization {
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
        image_url: row.try_get("image_url")?,
        email: row.try_get("email")?,
        website: row.try_get("website")?,
        created: from_db(
            "organization.created",
            &row.try_get::<String, _>("created")?,
        )?,
    })
}

/// Names, bounded titles, links a visitor may follow.
fn validate(org: &Organization) -> Result<()> {
    use ceiba_core::bounds::*;
    let invalid = |field: &'static str, message: String| StoreError::Invalid { field, message };
    validate_name(&org.name).map_err(|e| invalid("name", e.to_string()))?;
    check_chars(&org.title.es, MAX_TITLE_CHARS).map_err(|m| invalid("title", m))?;
    check_bytes(&org.description.es, MAX_DESCRIPTION_BYTES)
        .map_err(|m| invalid("description", m))?;
    if let Some(url) = &org.image_url {
        check_link(url).map_err(|m| invalid("image_url", m))?;
    }
    if let Some(url) = &org.website {
        check_link(url).map_err(|m| invalid("website", m))?;
    }
    Ok(())
}

impl Catalog {
    pub async fn create_organization(&self, org: &Organization) -> Result<()> {
        self.create_organization_with_admin(org, None).await
    }

    /// Adds an organization and, when given, makes `admin` its admin, in one write.
    pub async fn create_organization_with_admin(
        &self,
        org: &Organization,
        admin: Option<uuid::Uuid>,
    ) -> Result<()> {
        validate(org)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO organization (id, name, title_es, title_en, description_es, description_en, \
             image_url, email, website, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(org.id.to_string())
        .bind(&org.name)
        .bind(&org.title.es)
        .bind(org.title.en.as_deref())
        .bind(&org.description.es)
        .bind(org.description.en.as_deref())
        .bind(org.image_url.as_deref())
        .bind(org.email.as_deref())
        .bind(org.website.as_deref())
        .bind(to_db(org.created))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("organization", &org.name, e))?;
        if let Some(account) = admin {
            sqlx::query(
                "INSERT INTO membership (account_id, organization_id, role) VALUES ($1, $2, $3)",
            )
            .bind(account.to_string())
            .bind(org.id.to_string())
            .bind(ceiba_core::Role::Admin.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes an organization's name, titles, descriptions, image, email and website
    /// (found by id), and marks every one of its datasets changed so that the search
    /// index learns the new name and title.
    pub async fn update_organization(&self, org: &Organization) -> Result<()> {
        validate(org)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE organization SET name = $2, title_es = $3, title_en = $4, \
             description_es = $5, description_en = $6, image_url = $7, email = $8, \
             website = $9 WHERE id = $1",
        )
        .bind(org.id.to_string())
        .bind(&org.name)
        .bind(&org.title.es)
        .bind(org.title.en.as_deref())
        .bind(&org.description.es)
        .bind(org.description.en.as_deref())
        .bind(org.image_url.as_deref())
        .bind(org.email.as_deref())
        .bind(org.website.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("organization", &org.name, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "organization",
                key: org.id.to_string(),
            });
        }
        let rows = sqlx::query("SELECT id FROM dataset WHERE organization_id = $1")
            .bind(org.id.to_string())
            .fetch_all(&mut *tx)
            .await?;
        let ids = rows
            .iter()
            .map(|r| uuid(r, "id"))
            .collect::<Result<Vec<_>>>()?;
        mark_all_changed(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds an organization by CKAN's name-or-id (an id when the text is a UUID,
    /// else a name; never both).
    pub async fn organization(&self, name_or_id: &str) -> Result<Option<Organization>> {
        let (column, value) = ceiba_core::Lookup::parse(name_or_id).column_and_value();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM organization o WHERE o.{column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every organization, by title, with its count of public datasets.
    pub async fn organizations(&self) -> Result<Vec<WithCount<Organization>>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) FROM dataset d WHERE d.organization_id = o.id \
             AND {PUBLIC_DATASET}) AS dataset_count FROM organization o ORDER BY o.title_es, o.name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WithCount {
                    item: from_row(row)?,
                    dataset_count: row.try_get("dataset_count")?,
                })
            })
            .collect()
    }
}
