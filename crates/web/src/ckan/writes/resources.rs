//! `resource_create`, `resource_update`, `resource_patch`, `resource_delete`, with
//! uploads and boundary-set marks.

use super::*;

/// Resources given inline with a package: links (files come through `resource_create`).
pub(super) fn link_resources(dataset: Uuid, v: Option<&Value>) -> Result<Vec<Resource>, CkanError> {
    let Some(Value::Array(list)) = v else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let Value::Object(m) = item else {
            return Err(invalid("resources", "Each resource must be an object"));
        };
        let mut r = new_resource(dataset, i as i64);
        set_resource_fields(&mut r, m)?;
        out.push(r);
    }
    Ok(out)
}

fn new_resource(dataset: Uuid, position: i64) -> Resource {
    let t = now();
    Resource {
        id: Uuid::new_v4(),
        dataset_id: dataset,
        name: String::new(),
        description: String::new(),
        format: String::new(),
        media_type: None,
        size: None,
        sha256: None,
        original_filename: None,
        url: None,
        storage_key: None,
        position,
        current_version_id: None,
        created: t,
        modified: t,
    }
}

fn set_resource_fields(r: &mut Resource, m: &Map<String, Value>) -> Result<(), CkanError> {
    for (key, v) in m {
        let s = text(v).unwrap_or_default();
        match key.as_str() {
            "name" => r.name = s,
            "description" => r.description = s,
            "format" => r.format = s.to_uppercase(),
            "mimetype" => r.media_type = Some(s).filter(|m| !m.is_empty()),
            "url" if !r.is_upload() || r.storage_key.is_none() => {
                if !(s.is_empty() || s.starts_with("http://") || s.starts_with("https://")) {
                    return Err(invalid("url", "Must be an http(s) address"));
                }
                r.url = Some(s).filter(|u| !u.is_empty());
            }
            _ => {}
        }
    }
    if r.format.is_empty() {
        if let Some(f) = r.url.as_deref().and_then(format_from_filename) {
            r.format = f;
        }
    }
    if r.media_type.is_none() {
        r.media_type = media_type_for_format(&r.format).map(str::to_owned);
    }
    if r.name.is_empty() {
        r.name = r
            .url
            .as_deref()
            .and_then(|u| u.rsplit('/').next())
            .unwrap_or("")
            .to_owned();
    }
    Ok(())
}

async fn resource_dict(call: &Call<'_>, id: Uuid) -> Result<Value, CkanError> {
    let r = call
        .state
        .catalog
        .resource(&id.to_string())
        .await?
        .ok_or_else(|| CkanError::NotFound("Resource was not found.".into()))?;
    let boundary = call.state.catalog.boundary_set(r.id).await?;
    Ok(dicts::resource(
        &r,
        &call.site,
        r.current_version_id.is_some(),
        boundary.as_ref(),
    ))
}

const CODE_FIELD: &str = "boundary_code_property";
const LEVEL_FIELD: &str = "boundary_level";

/// What a resource write asks of its boundary-set mark.
#[derive(Debug, PartialEq)]
enum BoundaryChange {
    Keep,
    Unmark,
    /// Mark (or re-mark) by `code`; the level as given (`None`: found in the file).
    Mark {
        code: String,
        level: Option<Level>,
    },
}

/// A level as the API takes it: `department`, `municipality` (or in Spanish), or empty.
fn boundary_level(v: &Value) -> Result<Option<Level>, CkanError> {
    let s = match v {
        Value::Null => String::new(),
        v => text(v).ok_or_else(|| invalid(LEVEL_FIELD, "Must be text"))?,
    };
    ceiba_portal::parse_level(&s).map_err(|r| invalid(LEVEL_FIELD, r.message(Lang::En)))
}

/// Reads `boundary_code_property` (empty or null unmarks) and `boundary_level` from a
/// resource write. `replace` is `resource_update`'s rule: a resource sent without them is
/// no boundary set. A new file for a marked resource is checked again by its property.
fn boundary_change(
    m: &Map<String, Value>,
    replace: bool,
    current: Option<&ceiba_store::BoundarySet>,
    new_file: bool,
) -> Result<BoundaryChange, CkanError> {
    let level = m.get(LEVEL_FIELD).map(boundary_level).transpose()?;
    let code = match m.get(CODE_FIELD) {
        None => None,
        Some(Value::Null) => Some(String::new()),
        Some(v) => Some(text(v).ok_or_else(|| invalid(CODE_FIELD, "Must be a property name"))?),
    };
    let level_alone = || {
        invalid(
            LEVEL_FIELD,
            format!("Only boundary sets have a level: give {CODE_FIELD} as well"),
        )
    };
    Ok(match (code, current) {
        (Some(code), _) if code.is_empty() => BoundaryChange::Unmark,
        (Some(code), _) => BoundaryChange::Mark {
            code,
            level: level.flatten(),
        },
        (None, _) if replace => {
            if level.flatten().is_some() {
                return Err(level_alone());
            }
            BoundaryChange::Unmark
        }
        (None, Some(b)) if level.is_some() || new_file => BoundaryChange::Mark {
            code: b.code_property.clone(),
            level: match level {
                Some(l) => l,
                None => ceiba_portal::parse_level(&b.level).ok().flatten(),
            },
        },
        (None, Some(_)) => BoundaryChange::Keep,
        (None, None) => {
            if level.flatten().is_some() {
                return Err(level_alone());
            }
            BoundaryChange::Keep
        }
    })
}

/// Checks the file (this call's upload, else the resource's stored file) against the mark
/// asked for, by the rule every door shares; returns the property and level to keep.
async fn check_boundaries(
    call: &Call<'_>,
    r: Option<&Resource>,
    code: &str,
    level: Option<Level>,
) -> Result<(String, Level), CkanError> {
    let file = match &call.params.upload {
        Some(upload) => BoundaryFile::Upload {
            path: &upload.path,
            filename: &upload.filename,
        },
        None => BoundaryFile::Stored,
    };
    call.state
        .portal
        .check_boundaries(r, file, Some(code), level)
        .await
        .map_err(|e| CkanError::from_portal(e, call, "boundary_"))
}

/// A mark checked against the file, ready to write.
enum BoundaryWrite {
    Keep,
    Unmark,
    Mark { code: String, level: Level },
}

/// Reads and checks what a resource write asks of its mark, before anything is written.
async fn boundary_write(
    call: &Call<'_>,
    r: Option<&Resource>,
    replace: bool,
) -> Result<BoundaryWrite, CkanError> {
    let current = match r {
        Some(r) => call.state.catalog.boundary_set(r.id).await?,
        None => None,
    };
    let change = boundary_change(
        call.params.map(),
        replace,
        current.as_ref(),
        call.params.upload.is_some(),
    )?;
    Ok(match change {
        BoundaryChange::Keep => BoundaryWrite::Keep,
        BoundaryChange::Unmark if current.is_none() => BoundaryWrite::Keep,
        BoundaryChange::Unmark => BoundaryWrite::Unmark,
        BoundaryChange::Mark { code, level } => {
            let (code, level) = check_boundaries(call, r, &code, level).await?;
            BoundaryWrite::Mark { code, level }
        }
    })
}

async fn apply_boundary_write(
    call: &Call<'_>,
    resource: Uuid,
    w: BoundaryWrite,
) -> Result<(), CkanError> {
    let checked = match w {
        BoundaryWrite::Keep => return Ok(()),
        BoundaryWrite::Unmark => None,
        BoundaryWrite::Mark { code, level } => Some((code, level)),
    };
    call.state
        .portal
        .write_boundary_mark(resource, checked)
        .await
        .map_err(|e| CkanError::from_portal(e, call, "boundary_"))
}

pub async fn resource_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_create")?;
    let package = call.params.required("package_id")?;
    let d = match call.state.catalog.dataset(&package).await? {
        Some(d) if d.state != DatasetState::Deleted && may_see(call, &d) => d,
        _ => return Err(invalid("package_id", "Not found: Dataset")),
    };
    may_edit(call, "resource_create", d.organization_id)?;
    let m = call.params.map();
    let boundary = boundary_write(call, None, false).await?;
    let position = call.state.catalog.resources_of(d.id).await?.len() as i64;
    if let Some(upload) = &call.params.upload {
        let name = m
            .get("name")
            .and_then(text)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| upload.filename.clone());
        let description = m.get("description").and_then(text).unwrap_or_default();
        // The resource, its version, its job and its mark in one write.
        let ingestor = call.state.portal.ingestor();
        let added = match &boundary {
            BoundaryWrite::Mark { code, level } => {
                let mark = ceiba_store::BoundarySet {
                    resource_id: Uuid::nil(),
                    code_property: code.clone(),
                    level: ceiba_portal::level_name(*level).into(),
                    name_property: None,
                    created: now(),
                };
                ingestor
                    .add_marked_upload(
                        &d,
                        &name,
                        &description,
                        &upload.path,
                        &upload.filename,
                        &mark,
                    )
                    .await
            }
            _ => {
                ingestor
                    .add_upload(
                        &d,
                        &name,
                        &description,
                        &upload.path,
                        &upload.filename,
                        &Default::default(),
                    )
                    .await
            }
        };
        let (r, _, _) = added.map_err(|e| invalid("upload", e.to_string()))?;
        return resource_dict(call, r.id).await;
    }
    let mut r = new_resource(d.id, position);
    set_resource_fields(&mut r, m)?;
    if r.url.is_none() {
        return Err(invalid("url", "Missing value: give a url or an upload"));
    }
    call.state
        .catalog
        .create_resource(&r)
        .await
        .map_err(store)?;
    resource_dict(call, r.id).await
}

/// The resource named by parameter `key`, its dataset, and the caller's right to edit it.
async fn editable_resource_by(
    call: &Call<'_>,
    action: &str,
    key: &str,
) -> Result<(Resource, Dataset), CkanError> {
    call.caller.require(action)?;
    let id = call.params.required(key)?;
    call.state
        .portal
        .editable_resource(&call.caller.actor(), None, &id)
        .await
        .map_err(|e| CkanError::from_portal(e, call, ""))
}

async fn editable_resource(
    call: &Call<'_>,
    action: &str,
) -> Result<(Resource, Dataset), CkanError> {
    editable_resource_by(call, action, "id").await
}

/// `resource_update` and `resource_patch`; a new upload becomes a new version (the
/// current one keeps serving until it is ingested).
pub async fn resource_update(call: &Call<'_>, patch: bool) -> Result<Value, CkanError> {
    let action = if patch {
        "resource_patch"
    } else {
        "resource_update"
    };
    let (old, _) = editable_resource(call, action).await?;
    let boundary = boundary_write(call, Some(&old), !patch).await?;
    let mut r = old.clone();
    if !patch {
        r.name = String::new();
        r.description = String::new();
        if !r.is_upload() {
            r.format = String::new();
        }
    }
    let mut fields = call.params.map().clone();
    fields.remove("id");
    fields.remove("package_id");
    set_resource_fields(&mut r, &fields)?;
    if r.name.is_empty() {
        r.name = old.name.clone();
    }
    r.modified = now();
    if let Some(upload) = &call.params.upload {
        call.state
            .portal
            .ingestor()
            .upload_version(&r, &upload.path, &upload.filename, &Default::default())
            .await
            .map_err(|e| invalid("upload", e.to_string()))?;
    }
    call.state
        .catalog
        .update_resource(&r)
        .await
        .map_err(store)?;
    apply_boundary_write(call, r.id, boundary).await?;
    resource_dict(call, r.id).await
}

pub async fn resource_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    let (r, _) = editable_resource(call, "resource_delete").await?;
    call.state
        .catalog
        .delete_resource(r.id)
        .await
        .map_err(store)?;
    Ok(Value::Null)
}
