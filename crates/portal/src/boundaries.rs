//! Boundary sets: a GeoJSON/TopoJSON resource a publisher marks as the areas maps draw,
//! with the feature property that holds the territory codes and the level of those codes.
//! A mark is always checked against the file first (the stored one, or the upload about
//! to replace it), by the same rule whichever door asks.

use std::path::Path;

use ceiba_core::{format_from_filename, Resource};
use ceiba_store::{now, BoundarySet};
use ceiba_viz::map::{parse_boundaries, BoundaryError, BoundaryOptions};
use ceiba_viz::territory::Level;
use uuid::Uuid;

use crate::{Actor, Error, Portal, Reason};

/// Largest boundary file read (bytes).
pub const MAX_BOUNDARY_BYTES: usize = 64 * 1024 * 1024;

/// The file a mark is checked against.
#[derive(Debug, Clone, Copy)]
pub enum BoundaryFile<'a> {
    /// The resource's stored original.
    Stored,
    /// A file about to replace it (an upload in scratch), with the name it came with.
    Upload { path: &'a Path, filename: &'a str },
}

/// What a publisher asks of a resource's mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundaryMark {
    /// Mark it, by this property (`None`: the one found in the file) at this level
    /// (`None`: the file's).
    Mark {
        code_property: Option<String>,
        level: Option<Level>,
    },
    /// It is no longer a boundary set.
    Unmark,
}

/// The level as a mark names it (`department`, `municipality`).
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Department => "department",
        Level::Municipality => "municipality",
    }
}

/// A level as people write it: `department`/`departamento`, `municipality`/`municipio`
/// (any case), or empty for "the file's".
pub fn parse_level(s: &str) -> Result<Option<Level>, Reason> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "department" | "departamento" => Ok(Some(Level::Department)),
        "municipality" | "municipio" => Ok(Some(Level::Municipality)),
        other => Err(Reason::UnknownLevel(other.to_owned())),
    }
}

/// The file formats (as resources name them) a boundary set may have; the content decides.
pub fn may_be_boundaries(format: &str) -> bool {
    ["GEOJSON", "TOPOJSON", "JSON"]
        .iter()
        .any(|f| format.trim().eq_ignore_ascii_case(f))
}

/// Whether a resource could be a boundary set (an upload named GeoJSON/TopoJSON).
pub fn may_be_boundary_file(r: &Resource) -> bool {
    let by_name = r
        .original_filename
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .is_some_and(|(_, ext)| may_be_boundaries(ext));
    r.is_upload() && (may_be_boundaries(&r.format) || by_name)
}

fn not_boundaries(reason: Reason) -> Error {
    Error::invalid("code_property", reason)
}

impl Portal {
    /// The bytes of the file a mark is checked against. Only uploaded GeoJSON and
    /// TopoJSON files qualify, up to [`MAX_BOUNDARY_BYTES`].
    pub async fn boundary_bytes(
        &self,
        r: Option<&Resource>,
        file: BoundaryFile<'_>,
    ) -> Result<Vec<u8>, Error> {
        let too_large = || not_boundaries(Reason::BoundaryTooLarge);
        match file {
            BoundaryFile::Upload { path, filename } => {
                let format = format_from_filename(filename).unwrap_or_default();
                if !may_be_boundaries(&format) {
                    return Err(not_boundaries(Reason::NotBoundaryFile));
                }
                let size = tokio::fs::metadata(path)
                    .await
                    .map_err(|e| Error::Internal(format!("upload: {e}")))?
                    .len();
                if size > MAX_BOUNDARY_BYTES as u64 {
                    return Err(too_large());
                }
                tokio::fs::read(path)
                    .await
                    .map_err(|e| Error::Internal(format!("upload: {e}")))
            }
            BoundaryFile::Stored => {
                let r = r.ok_or_else(|| not_boundaries(Reason::NotBoundaryFile))?;
                let key = r
                    .storage_key
                    .as_deref()
                    .filter(|_| may_be_boundary_file(r))
                    .ok_or_else(|| not_boundaries(Reason::NotBoundaryFile))?;
                if r.size.unwrap_or(0) > MAX_BOUNDARY_BYTES as i64 {
                    return Err(too_large());
                }
                Ok(Vec::from(self.files().read(key).await?))
            }
        }
    }

    /// Checks that `file`'s features carry territory codes in `code_property` (or in a
    /// property found, when `None`), at `level` when one is asked for. Returns the
    /// property and the level to keep (the one asked for, else the file's).
    pub async fn check_boundaries(
        &self,
        r: Option<&Resource>,
        file: BoundaryFile<'_>,
        code_property: Option<&str>,
        level: Option<Level>,
    ) -> Result<(String, Level), Error> {
        let bytes = self.boundary_bytes(r, file).await?;
        let code = code_property.map(str::to_owned);
        let checked = tokio::task::spawn_blocking(move || {
            let read = |level| {
                parse_boundaries(
                    &bytes,
                    &BoundaryOptions {
                        code_property: code.as_deref(),
                        level,
                        ..Default::default()
                    },
                )
            };
            match read(level) {
                // The wrong level, or no codes at all: read again without one to say which.
                Err(e @ BoundaryError::NoTerritoryCodes { .. }) if level.is_some() => {
                    (Err(e), read(None).ok().map(|set| set.level))
                }
                other => (other.map(|set| (set.code_property, set.level)), None),
            }
        })
        .await
        .map_err(|e| Error::Internal(format!("boundary check: {e}")))?;
        match checked {
            (Ok((property, found)), _) => Ok((property, level.unwrap_or(found))),
            (Err(_), Some(found)) => Err(Error::invalid(
                "level",
                Reason::WrongLevel {
                    found,
                    asked: level.unwrap_or(found),
                },
            )),
            (Err(e), None) => Err(not_boundaries(Reason::Boundary(e))),
        }
    }

    /// Writes a checked mark (`None`: unmark) of resource `resource`, keeping the name
    /// property an earlier mark had.
    pub async fn write_boundary_mark(
        &self,
        resource: Uuid,
        checked: Option<(String, Level)>,
    ) -> Result<(), Error> {
        let Some((code_property, level)) = checked else {
            self.catalog().unmark_boundary_set(resource).await?;
            return Ok(());
        };
        let name_property = self
            .catalog()
            .boundary_set(resource)
            .await?
            .and_then(|b| b.name_property);
        self.catalog()
            .mark_boundary_set(&BoundarySet {
                resource_id: resource,
                code_property,
                level: level_name(level).into(),
                name_property,
                created: now(),
            })
            .await?;
        Ok(())
    }

    /// Marks (after checking its stored file) or unmarks resource `resource_id` of a
    /// dataset the actor may change.
    pub async fn mark_boundary_set(
        &self,
        actor: &Actor,
        dataset: &str,
        resource_id: &str,
        mark: BoundaryMark,
    ) -> Result<Option<BoundarySet>, Error> {
        let (r, _) = self
            .editable_resource(actor, Some(dataset), resource_id)
            .await?;
        let checked = match mark {
            BoundaryMark::Unmark => None,
            BoundaryMark::Mark {
                code_property,
                level,
            } => Some(
                self.check_boundaries(
                    Some(&r),
                    BoundaryFile::Stored,
                    code_property.as_deref().filter(|c| !c.trim().is_empty()),
                    level,
                )
                .await?,
            ),
        };
        self.write_boundary_mark(r.id, checked).await?;
        Ok(self.catalog().boundary_set(r.id).await?)
    }
}
