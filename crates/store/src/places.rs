//! What each ingested table says of each place, learned once per table version (by
//! `ceiba_portal`'s places module): a territorial profile reads a few rows of
//! `place_figure` instead of scanning every table.

use ceiba_core::lang::Localized;
use sqlx::Row;
use uuid::Uuid;

use crate::access::PUBLIC_DATASET;
use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::time::to_db;
use crate::{now, Catalog, Result};

/// How a table names places: its column, the level, the year column. A table without a
/// place column is recorded too (`place_column` empty), so it is not looked at again.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceTable {
    pub version_id: Uuid,
    pub position: i64,
    pub place_column: String,
    /// `department` or `municipality`; empty with no place column.
    pub level: String,
    pub year_column: Option<String>,
    /// Rows whose place is no territory of the level.
    pub unplaced_rows: i64,
}

/// One place's figures in one table (`code` empty: the country).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFigure {
    pub code: String,
    /// As `ceiba_portal` writes them (JSON).
    pub figures: serde_json::Value,
}

/// A place's figures in a table of a public dataset's current version, with what a
/// profile shows beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicPlaceFigure {
    pub dataset_name: String,
    pub dataset_title: Localized,
    pub organization_title: Localized,
    pub resource_id: Uuid,
    pub resource_name: String,
    pub table_name: String,
    pub position: i64,
    pub tables_in_version: i64,
    pub place: PlaceTable,
    pub figure: PlaceFigure,
}

impl Catalog {
    /// Tables of the versions in service of public datasets' resources whose places were
    /// never learned: (version id, position), at most `limit`.
    pub async fn tables_without_places(&self, limit: i64) -> Result<Vec<(Uuid, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT t.version_id AS version_id, t.position AS position FROM ingest_table t \
             JOIN resource r ON r.current_version_id = t.version_id \
             JOIN dataset d ON d.id = r.dataset_id \
             LEFT JOIN place_table p ON p.version_id = t.version_id AND p.position = t.position \
             WHERE {PUBLIC_DATASET} AND p.version_id IS NULL \
             ORDER BY t.version_id, t.position LIMIT $1",
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((uuid(row, "version_id")?, row.try_get("position")?)))
            .collect()
    }

    /// What was learned of the places of a version's tables, by position.
    pub async fn place_tables_of(&self, version_id: Uuid) -> Result<Vec<PlaceTable>> {
        self.place_tables_of_versions(&[version_id]).await
    }

    /// What was learned of the places of these versions' tables, by version and position
    /// (one read for a dataset's resources).
    pub async fn place_tables_of_versions(&self, version_ids: &[Uuid]) -> Result<Vec<PlaceTable>> {
        let mut out = Vec::new();
        for chunk in version_ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(
                "SELECT version_id, position, place_column, level, year_column, unplaced_rows \
                 FROM place_table WHERE version_id IN ",
            );
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                out.push(PlaceTable {
                    version_id: uuid(&row, "version_id")?,
                    position: row.try_get("position")?,
                    place_column: row.try_get("place_column")?,
                    level: row.try_get("level")?,
                    year_column: row.try_get("year_column")?,
                    unplaced_rows: row.try_get("unplaced_rows")?,
                });
            }
        }
        out.sort_by_key(|t| (t.version_id, t.position));
        out.dedup_by_key(|t| (t.version_id, t.position));
        Ok(out)
    }

    /// Records what a table says of its places, replacing what was learned before.
    pub async fn record_places(&self, table: &PlaceTable, figures: &[PlaceFigure]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let version = table.version_id.to_string();
        for sql in [
            "DELETE FROM place_figure WHERE version_id = $1 AND position = $2",
            "DELETE FROM place_table WHERE version_id = $1 AND position = $2",
        ] {
            sqlx::query(sql)
                .bind(version.clone())
                .bind(table.position)
                .execute(&mut *tx)
                .await?;
        }
        // The version may have been deleted meanwhile: then there is nothing to record.
        let done = sqlx::query(
            "INSERT INTO place_table (version_id, position, place_column, level, year_column, \
             unplaced_rows, learned) SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE EXISTS (SELECT 1 FROM resource_version WHERE id = $1)",
        )
        .bind(version.clone())
        .bind(table.position)
        .bind(table.place_column.clone())
        .bind(table.level.clone())
        .bind(table.year_column.clone())
        .bind(table.unplaced_rows)
        .bind(to_db(now()))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            for f in figures {
                sqlx::query(
                    "INSERT INTO place_figure (version_id, position, code, figures) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(version.clone())
                .bind(table.position)
                .bind(f.code.clone())
                .bind(f.figures.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The figures of places `codes` (`""` is the country) in the tables of public
    /// datasets' versions in service, by dataset title then table.
    pub async fn public_place_figures(&self, codes: &[&str]) -> Result<Vec<PublicPlaceFigure>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(IN_CHUNK) {
            let mut q = Sql::new(&format!(
                "SELECT f.version_id AS version_id, f.position AS position, f.code AS code, \
                 f.figures AS figures, p.place_column AS place_column, p.level AS level, \
                 p.year_column AS year_column, p.unplaced_rows AS unplaced_rows, \
                 t.name AS table_name, \
                 (SELECT COUNT(*) FROM ingest_table n WHERE n.version_id = t.version_id) \
                 AS tables_in_version, \
                 r.id AS resource_id, r.name AS resource_name, d.name AS dataset_name, \
                 d.title_es AS title_es, d.title_en AS title_en, \
                 o.title_es AS org_es, o.title_en AS org_en \
                 FROM place_figure f \
                 JOIN place_table p ON p.version_id = f.version_id AND p.position = f.position \
                 JOIN ingest_table t ON t.version_id = f.version_id AND t.position = f.position \
                 JOIN resource r ON r.current_version_id = f.version_id \
                 JOIN dataset d ON d.id = r.dataset_id \
                 JOIN organization o ON o.id = d.organization_id \
                 WHERE {PUBLIC_DATASET} AND f.code IN "
            ));
            q.bind_list(chunk);
            q.push(" ORDER BY d.title_es, d.name, r.position, f.position, f.code");
            for row in q.query().fetch_all(&self.pool).await? {
                let figures: String = row.try_get("figures")?;
                out.push(PublicPlaceFigure {
                    dataset_name: row.try_get("dataset_name")?,
                    dataset_title: Localized {
                        es: row.try_get("title_es")?,
                        en: row.try_get("title_en")?,
                    },
                    organization_title: Localized {
                        es: row.try_get("org_es")?,
                        en: row.try_get("org_en")?,
                    },
                    resource_id: uuid(&row, "resource_id")?,
                    resource_name: row.try_get("resource_name")?,
                    table_name: row.try_get("table_name")?,
                    position: row.try_get("position")?,
                    tables_in_version: row.try_get("tables_in_version")?,
                    place: PlaceTable {
                        version_id: uuid(&row, "version_id")?,
                        position: row.try_get("position")?,
                        place_column: row.try_get("place_column")?,
                        level: row.try_get("level")?,
                        year_column: row.try_get("year_column")?,
                        unplaced_rows: row.try_get("unplaced_rows")?,
                    },
                    figure: PlaceFigure {
                        code: row.try_get("code")?,
                        figures: serde_json::from_str(&figures).unwrap_or_default(),
                    },
                });
            }
        }
        Ok(out)
    }
}
