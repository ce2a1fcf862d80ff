//! A place's profile: its figures from every public table that has rows for it, with the
//! figures of the place above it (its department, the country) beside them.

use ceiba_core::lang::Localized;
use ceiba_query::Engine;
use ceiba_store::PublicPlaceFigure;
use uuid::Uuid;

use super::learn::Figures;
use super::Place;
use crate::{Error, Portal};

/// One table's figures for a place.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTable {
    pub dataset_name: String,
    pub dataset_title: Localized,
    pub organization_title: Localized,
    pub resource_id: Uuid,
    pub resource_name: String,
    /// The sheet's name, when the file held several tables.
    pub table_name: Option<String>,
    pub position: i64,
    pub place_column: String,
    pub level: String,
    /// Rows of the table whose place is no territory.
    pub unplaced_rows: i64,
    pub figures: Figures,
    /// The same figures for the place above (a municipality's department, then the
    /// country), when the table has them.
    pub compared: Vec<(Place, Figures)>,
}

/// What the public tables say of a place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceProfile {
    pub place: Place,
    pub tables: Vec<ProfileTable>,
}

impl Portal {
    /// The profile of `place` from the public tables in service (their places learned
    /// first, when new).
    pub async fn place_profile(
        &self,
        engine: &Engine,
        place: Place,
    ) -> Result<PlaceProfile, Error> {
        // What is new is learned first; a failure (two servers learning one table at
        // once) leaves the profile with what was learned before.
        if let Err(e) = self.learn_places(engine).await {
            tracing::warn!(error = %e, "learning places");
        }
        let mut chain = vec![place];
        let mut up = place.parent();
        while let Some(p) = up {
            chain.push(p);
            up = p.parent();
        }
        let codes: Vec<&str> = chain.iter().map(|p| p.figure_code()).collect();
        // Each stored row read once (a row that no longer reads is left out).
        let rows: Vec<(PublicPlaceFigure, Figures)> = self
            .catalog()
            .public_place_figures(&codes)
            .await?
            .into_iter()
            .filter_map(|r| {
                let f = serde_json::from_value::<Figures>(r.figure.figures.clone()).ok()?;
                Some((r, f))
            })
            .collect();
        let mut tables: Vec<ProfileTable> = Vec::new();
        for (r, figures) in rows
            .iter()
            .filter(|(r, _)| r.figure.code == place.figure_code())
        {
            if figures.measures.iter().all(|m| m.value.is_none()) {
                continue;
            }
            // A dataset publishing one table in several formats (CSV and XLSX) says it once.
            if tables
                .iter()
                .any(|t| t.dataset_name == r.dataset_name && t.figures == *figures)
            {
                continue;
            }
            let compared = chain[1..]
                .iter()
                .filter_map(|p| {
                    rows.iter()
                        .find(|(o, _)| {
                            o.place.version_id == r.place.version_id
                                && o.position == r.position
                                && o.figure.code == p.figure_code()
                        })
                        .map(|(_, f)| (*p, f.clone()))
                })
                .collect();
            tables.push(ProfileTable {
                dataset_name: r.dataset_name.clone(),
                dataset_title: r.dataset_title.clone(),
                organization_title: r.organization_title.clone(),
                resource_id: r.resource_id,
                resource_name: r.resource_name.clone(),
                table_name: (r.tables_in_version > 1).then(|| r.table_name.clone()),
                position: r.position,
                place_column: r.place.place_column.clone(),
                level: r.place.level.clone(),
                unplaced_rows: r.place.unplaced_rows,
                figures: figures.clone(),
                compared,
            });
        }
        Ok(PlaceProfile { place, tables })
    }
}
