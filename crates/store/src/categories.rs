//! Categories (CKAN groups).

use ceiba_core::{validate_name, Category, Localized};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::PUBLIC_DATASET;
use crate::changes::mark_all_changed;
use crate::organizations::WithCount;
use crate::sql::uuid;
use crate::time::{from_db, to_db};
use crate::{Catalog, Result, StoreError};

const COLUMNS: &str =
    "c.id, c.name, c.title_es, c.title_en, c.description_es, c.description_en, c.icon, c.created";

fn from_row(row: &AnyRow) -> Result<Category> {
    Ok(Category {
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
        icon: row.try_get("icon")?,
        created: from_db("category.created", &row.try_get::<String, _>("created")?)?,
    })
}

impl Catalog {
    pub async fn create_category(&self, cat: &Category) -> Result<()> {
        validate_name(&cat.name).map_err(|e| StoreError::Invalid {
            field: "name",
            message: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO category (id, name, title_es, title_en, description_es, description_en, \
             icon, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(cat.id.to_string())
        .bind(&cat.name)
        .bind(&cat.title.es)
        .bind(cat.title.en.as_deref())
        .bind(&cat.description.es)
        .bind(cat.description.en.as_deref())
        .bind(cat.icon.as_deref())
        .bind(to_db(cat.created))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_insert("category", &cat.name, e))?;
        Ok(())
    }

    /// Changes a category's name, titles, descriptions and icon (found by id), and marks
    /// every dataset in it changed so that the search index learns the new name and title.
    pub async fn update_category(&self, cat: &Category) -> Result<()> {
        validate_name(&cat.name).map_err(|e| StoreError::Invalid {
            field: "name",
            message: e.to_string(),
        })?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE category SET name = $2, title_es = $3, title_en = $4, description_es = $5, \
             description_en = $6, icon = $7 WHERE id = $1",
        )
        .bind(cat.id.to_string())
        .bind(&cat.name)
        .bind(&cat.title.es)
        .bind(cat.title.en.as_deref())
        .bind(&cat.description.es)
        .bind(cat.description.en.as_deref())
        .bind(cat.icon.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("category", &cat.name, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "category",
                key: cat.id.to_string(),
            });
        }
        let rows = sqlx::query("SELECT dataset_id FROM dataset_category WHERE category_id = $1")
            .bind(cat.id.to_string())
            .fetch_all(&mut *tx)
            .await?;
        let ids = rows
            .iter()
            .map(|r| uuid(r, "dataset_id"))
            .collect::<Result<Vec<_>>>()?;
        mark_all_changed(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds a category by CKAN's name-or-id (an id when the text is a UUID,
    /// else a name; never both).
    pub async fn category(&self, name_or_id: &str) -> Result<Option<Category>> {
        let (column, value) = ceiba_core::Lookup::parse(name_or_id).column_and_value();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM category c WHERE c.{column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every category, by title, with its count of public datasets.
    pub async fn categories(&self) -> Result<Vec<WithCount<Category>>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) FROM dataset_category dc JOIN dataset d \
             ON d.id = dc.dataset_id WHERE dc.category_id = c.id AND {PUBLIC_DATASET}) \
             AS dataset_count FROM category c ORDER BY c.title_es, c.name"
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
