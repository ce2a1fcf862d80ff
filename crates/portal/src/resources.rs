//! Resources: add (an upload or a link), change (with a new file: a new version), delete;
//! each with its boundary-set mark, all in one write. An uploaded file is either
//! referenced by the catalog or removed.

use std::path::Path;

use ceiba_core::{format_from_filename, media_type_for_format, Dataset, Resource};
use ceiba_ingest::{IngestOptions, RunError};
use ceiba_store::{now, BoundarySet, MarkChange};
use ceiba_viz::territory::Level;
use uuid::Uuid;

use serde_json::json;

use crate::activity::{on_dataset, resource_changes};
use crate::boundaries::{level_name, parse_level};
use crate::datasets::refused;
use crate::{Actor, BoundaryFile, Error, Portal, Reason, Thing};

/// What a door knows of a resource it writes (the rest is the portal's to set).
#[derive(Debug, Clone, Default)]
pub struct ResourceInput {
    /// Empty: the file's name, or the link's last segment.
    pub name: String,
    pub description: String,
    /// Empty: from the file's or link's extension.
    pub format: String,
    pub media_type: Option<String>,
    /// A link (`http(s)://…`); ignored for an upload.
    pub url: Option<String>,
}

/// A file uploaded with the call, already on local disk, and how to read it.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub path: &'a Path,
    pub filename: &'a str,
    /// Header row, delimiter, encoding, sheets… (default: found in the file).
    pub options: IngestOptions,
}

impl<'a> NewFile<'a> {
    /// `path`, uploaded as `filename`, read with the options found in the file.
    pub fn new(path: &'a Path, filename: &'a str) -> NewFile<'a> {
        NewFile {
            path,
            filename,
            options: IngestOptions::default(),
        }
    }
}

/// What a resource write asks of its boundary-set mark.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkRequest {
    /// As it is (a new file for a marked resource is checked again by its property).
    Keep,
    Unmark,
    /// Mark (or re-mark) by `code`; `level` as given, or found in the file when `None`.
    Mark {
        code: String,
        level: Option<Level>,
    },
    /// Change the current mark's level (`None`: found in the file again).
    Level(Option<Level>),
}

/// Defaults and checks every written resource gets, whichever door wrote it.
fn complete(r: &mut Resource) -> Result<(), Error> {
    r.format = r.format.trim().to_uppercase();
    if let Some(url) = &r.url {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid("url", Reason::NotHttp));
        }
        r.url = Some(url.to_owned());
    }
    if r.format.is_empty() {
        if let Some(f) = r.url.as_deref().and_then(format_from_filename) {
            r.format = f;
        }
    }
    if r.media_type.as_deref().is_none_or(|m| m.trim().is_empty()) {
        r.media_type = media_type_for_format(&r.format).map(str::to_owned);
    }
    if r.name.trim().is_empty() {
        r.name = r
            .url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .unwrap_or("")
            .to_owned();
    }
    Ok(())
}

/// An upload the ingestor refused: too large, or a write the catalog refused (the stored
/// file is removed by then).
pub(crate) fn upload_refused(e: RunError) -> Error {
    match e {
        RunError::Store(e) => refused(e, Thing::Resource),
        RunError::TooLarge { size, limit } => {
            Error::invalid("upload", Reason::FileTooLarge { size, limit })
        }
        RunError::Io(e) => Error::Internal(format!("upload: {e}")),
        RunError::Other(e) => Error::Internal(e),
    }
}

/// A link resource of `d` from a door's input, at `position`.
pub(crate) fn new_link(
    d: &Dataset,
    input: ResourceInput,
    position: i64,
) -> Result<Resource, Error> {
    let t = now();
    let mut r = Resource {
        id: Uuid::new_v4(),
        dataset_id: d.id,
        name: input.name.trim().to_owned(),
        description: input.description,
        format: input.format,
        media_type: input.media_type,
        size: None,
        sha256: None,
        original_filename: None,
        url: input.url.filter(|u| !u.trim().is_empty()),
        storage_key: None,
        position,
        current_version_id: None,
        created: t,
        modified: t,
    };
    if r.url.is_none() {
        return Err(Error::invalid("url", Reason::NoFileNorLink));
    }
    complete(&mut r)?;
    Ok(r)
}

impl Portal {
    /// Adds a resource to dataset `dataset`: `file` when given (stored, then ingested by
    /// the worker), else the input's link.
    pub async fn add_resource(
        &self,
        actor: &Actor,
        dataset: &str,
        input: ResourceInput,
        file: Option<NewFile<'_>>,
        mark: MarkRequest,
    ) -> Result<Resource, Error> {
        let d = self.editable_dataset(actor, dataset).await?;
        // A link is never a boundary set: asking to mark one is refused here.
        let mark = self.settle_mark(None, file.as_ref(), mark).await?;
        let Some(file) = file else {
            let position = self.catalog().resources_of(d.id).await?.len() as i64;
            let r = new_link(&d, input, position)?;
            let created = self
                .catalog()
                .create_resource(&r)
                .await
                .map_err(|e| refused(e, Thing::Resource))?;
            self.record_resource(
                actor,
                "resource_create",
                &d,
                &created,
                json!({ "name": created.name, "url": created.url }),
            )
            .await;
            return Ok(created);
        };
        let name = match input.name.trim() {
            "" => file.filename.to_owned(),
            n => n.to_owned(),
        };
        let ingestor = self.ingestor();
        let added = match &mark {
            MarkChange::Mark(b) => {
                ingestor
                    .add_marked_upload(&d, &name, &input.description, file.path, file.filename, b)
                    .await
            }
            _ => {
                ingestor
                    .add_upload(
                        &d,
                        &name,
                        &input.description,
                        file.path,
                        file.filename,
                        &file.options,
                    )
                    .await
            }
        };
        let (r, v, _) = added.map_err(upload_refused)?;
        let detail = json!({ "name": r.name, "file": file.filename, "version": v.number });
        self.record_resource(actor, "resource_create", &d, &r, detail)
            .await;
        Ok(r)
    }

    /// Changes resource `changed.id` to `changed`'s name, description, format, media type,
    /// link and position (its file, versions and dataset stay); with `file`, a new version
    /// of its table (the current one serves until the new one is ingested). The resource,
    /// the version and the mark are written at once.
    pub async fn change_resource(
        &self,
        actor: &Actor,
        changed: Resource,
        file: Option<NewFile<'_>>,
        mark: MarkRequest,
    ) -> Result<Resource, Error> {
        let (old, d) = self
            .editable_resource(actor, None, &changed.id.to_string())
            .await?;
        let mut r = Resource {
            name: changed.name,
            description: changed.description,
            format: changed.format,
            media_type: changed.media_type,
            url: if old.is_upload() {
                old.url.clone()
            } else {
                changed.url
            },
            position: changed.position,
            modified: now().max(old.modified),
            ..old.clone()
        };
        if r.name.trim().is_empty() {
            r.name = old.name.clone();
        }
        complete(&mut r)?;
        let mark = self.settle_mark(Some(&old), file.as_ref(), mark).await?;
        let file = match file {
            Some(f) => Some(self.keeping_forced_types(&old, f).await?),
            None => None,
        };
        let mut detail = json!({ "name": r.name, "changes": resource_changes(&old, &r) });
        match &file {
            Some(file) => {
                let (v, _) = self
                    .ingestor()
                    .replace_upload(&r, file.path, file.filename, &file.options, &mark)
                    .await
                    .map_err(upload_refused)?;
                detail["version"] = json!(v.number);
                detail["file"] = json!(file.filename);
            }
            None => {
                self.catalog()
                    .change_resource(&r, None, &mark)
                    .await
                    .map_err(|e| refused(e, Thing::Resource))?;
            }
        }
        let r = self
            .catalog()
            .resource(&r.id.to_string())
            .await?
            .ok_or(Error::NotFound(Thing::Resource))?;
        self.record_resource(actor, "resource_update", &d, &r, detail)
            .await;
        Ok(r)
    }

    /// `file` read with the column types the publisher forced on the version in service
    /// (a type fixed in the review stays fixed for next month's file), unless the call
    /// forces its own. The file's table may be named otherwise (a CSV's is named for its
    /// file), so they apply to every table with the column.
    async fn keeping_forced_types<'a>(
        &self,
        r: &Resource,
        mut file: NewFile<'a>,
    ) -> Result<NewFile<'a>, Error> {
        if !file.options.column_types.is_empty() {
            return Ok(file);
        }
        let Some(current) = r.current_version_id else {
            return Ok(file);
        };
        let Some(version) = self.catalog().version(current).await? else {
            return Ok(file);
        };
        let before: IngestOptions = serde_json::from_value(version.options).unwrap_or_default();
        let all = file.options.column_types.entry("*".into()).or_default();
        for (column, t) in before.column_types.into_values().flatten() {
            all.insert(column, t);
        }
        if all.is_empty() {
            file.options.column_types.clear();
        }
        Ok(file)
    }

    /// Puts dataset `dataset`'s resources in `order` (resource ids; those left out follow
    /// in their current order).
    pub async fn reorder_resources(
        &self,
        actor: &Actor,
        dataset: &str,
        order: &[Uuid],
    ) -> Result<Vec<Resource>, Error> {
        let d = self.editable_dataset(actor, dataset).await?;
        self.catalog()
            .reorder_resources(d.id, order)
            .await
            .map_err(|e| refused(e, Thing::Resource))?;
        let list = self.catalog().resources_of(d.id).await?;
        let names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
        self.record(on_dataset(
            actor,
            "resources_reorder",
            &d,
            json!({ "order": names }),
        ))
        .await;
        Ok(list)
    }

    /// Deletes resource `id` (of `dataset`, when given) with its versions, tables and mark.
    pub async fn delete_resource(
        &self,
        actor: &Actor,
        dataset: Option<&str>,
        id: &str,
    ) -> Result<Resource, Error> {
        let (r, d) = self.editable_resource(actor, dataset, id).await?;
        let gone = self.catalog().delete_resource(r.id).await?;
        self.record_resource(
            actor,
            "resource_delete",
            &d,
            &gone,
            json!({ "name": gone.name }),
        )
        .await;
        Ok(gone)
    }

    async fn record_resource(
        &self,
        actor: &Actor,
        action: &str,
        d: &Dataset,
        r: &Resource,
        detail: serde_json::Value,
    ) {
        let mut a = on_dataset(actor, action, d, detail);
        a.object_id = Some(r.id);
        self.record(a).await;
    }

    /// The mark a write leaves, checked against the file it will have (`file`, else the
    /// stored one).
    async fn settle_mark(
        &self,
        r: Option<&Resource>,
        file: Option<&NewFile<'_>>,
        request: MarkRequest,
    ) -> Result<MarkChange, Error> {
        let current = match r {
            Some(r) => self.catalog().boundary_set(r.id).await?,
            None => None,
        };
        let (code, level) = match (request, &current) {
            (MarkRequest::Keep, Some(b)) if file.is_some() => (
                b.code_property.clone(),
                parse_level(&b.level).ok().flatten(),
            ),
            (MarkRequest::Keep, _) | (MarkRequest::Unmark, None) => return Ok(MarkChange::Keep),
            (MarkRequest::Unmark, Some(_)) => return Ok(MarkChange::Unmark),
            (MarkRequest::Level(Some(_)), None) => {
                return Err(Error::invalid("level", Reason::LevelWithoutCode))
            }
            (MarkRequest::Level(None), None) => return Ok(MarkChange::Keep),
            (MarkRequest::Level(level), Some(b)) => (b.code_property.clone(), level),
            (MarkRequest::Mark { code, level }, _) => (code, level),
        };
        let source = match file {
            Some(f) => BoundaryFile::Upload {
                path: f.path,
                filename: f.filename,
            },
            None => BoundaryFile::Stored,
        };
        let (code_property, level) = self.check_boundaries(r, source, Some(&code), level).await?;
        Ok(MarkChange::Mark(BoundarySet {
            resource_id: r.map_or(Uuid::nil(), |r| r.id),
            code_property,
            level: level_name(level).into(),
            name_property: current.as_ref().and_then(|b| b.name_property.clone()),
            created: current.as_ref().map_or_else(now, |b| b.created),
        }))
    }
}

/// The level a door sends as text: `department`, `municipality` (or in Spanish), or empty.
pub fn level_of(text: &str) -> Result<Option<Level>, Error> {
    parse_level(text).map_err(|r| Error::invalid("level", r))
}
