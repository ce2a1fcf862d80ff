//! The write actions. Every one checks the caller's rights first and writes through the
//! catalog in one transaction, so a refused or failed write changes nothing.

use std::collections::BTreeMap;

use ceiba_core::{
    format_from_filename, media_type_for_format, Category, Contact, Dataset, DatasetState,
    Frequency, Lang, Licence, Localized, Organization, Resource, Role, Temporal,
};
use ceiba_portal::{BoundaryFile, ViewChange, ViewInput};
use ceiba_store::now;
use ceiba_viz::territory::Level;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::dicts::{self, Related};
use super::{Call, CkanError};

fn invalid(field: &str, message: impl Into<String>) -> CkanError {
    CkanError::validation(field, message)
}

/// Maps catalog errors to CKAN's, naming the field.
fn store(e: ceiba_store::StoreError) -> CkanError {
    match e {
        ceiba_store::StoreError::NameTaken { .. } => invalid("name", "That URL is already in use."),
        e => e.into(),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn bool_of(field: &str, v: &Value) -> Result<bool, CkanError> {
    match v {
        Value::Bool(b) => Ok(*b),
        v => match text(v).map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("true" | "1" | "yes" | "on" | "t") => Ok(true),
            Some("false" | "0" | "no" | "off" | "f" | "") => Ok(false),
            _ => Err(invalid(field, "Invalid boolean")),
        },
    }
}

/// A list of names from CKAN's shapes: `[{"name": "a"}]`, `["a"]`, or `"a,b"`.
fn names(field: &str, v: &Value) -> Result<Vec<String>, CkanError> {
    let items: Vec<String> = match v {
        Value::Null => Vec::new(),
        Value::Array(list) => list
            .iter()
            .map(|item| match item {
                Value::Object(m) => m
                    .get("name")
                    .or_else(|| m.get("id"))
                    .and_then(text)
                    .ok_or_else(|| invalid(field, "Each item needs a name")),
                other => text(other).ok_or_else(|| invalid(field, "Not a list of names")),
            })
            .collect::<Result<_, _>>()?,
        Value::String(s) => s.split(',').map(|p| p.trim().to_owned()).collect(),
        _ => return Err(invalid(field, "Not a list")),
    };
    Ok(items.into_iter().filter(|s| !s.is_empty()).collect())
}

fn date(field: &str, s: &str) -> Result<Option<chrono::NaiveDate>, CkanError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(s.trim().get(..10).unwrap_or(s), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| invalid(field, "Date format incorrect (YYYY-MM-DD)"))
}

async fn organization(call: &Call<'_>, id: &str, field: &str) -> Result<Organization, CkanError> {
    call.state
        .catalog
        .organization(id)
        .await?
        .ok_or_else(|| invalid(field, "Organization does not exist"))
}

/// Sets on `d` every package field present in `m` (CKAN's names).
async fn apply(call: &Call<'_>, d: &mut Dataset, m: &Map<String, Value>) -> Result<(), CkanError> {
    for (key, v) in m {
        let s = || text(v).unwrap_or_default();
        match key.as_str() {
            "name" => {
                let name = s();
                ceiba_core::validate_name(&name).map_err(|e| invalid("name", e.to_string()))?;
                d.name = name;
            }
            "title" => d.title.es = s(),
            "notes" => d.description.es = s(),
            "owner_org" => d.organization_id = organization(call, &s(), "owner_org").await?.id,
            "license_id" => {
                let id = s();
                d.licence_id = Licence::find(&id)
                    .map(|l| l.id.to_owned())
                    .ok_or_else(|| invalid("license_id", format!("License not found: {id}")))?;
            }
            "private" => d.private = bool_of("private", v)?,
            "state" => {
                d.state = match s().as_str() {
                    "active" => DatasetState::Active,
                    "draft" => DatasetState::Draft,
                    other => return Err(invalid("state", format!("Invalid state: {other}"))),
                }
            }
            "tags" => d.tags = names("tags", v)?,
            "tag_string" => d.tags = names("tag_string", v)?,
            "groups" => {
                let mut cats = Vec::new();
                for g in names("groups", v)? {
                    let c = call.state.catalog.category(&g).await?.ok_or_else(|| {
                        invalid(
                            "groups",
                            format!("That group name or ID does not exist: {g}"),
                        )
                    })?;
                    cats.push(c.name);
                }
                d.categories = cats;
            }
            "url" => d.source_url = Some(s()).filter(|u| !u.is_empty()),
            "version" => d.version = Some(s()).filter(|u| !u.is_empty()),
            "maintainer" => d.contact.name = Some(s()).filter(|u| !u.is_empty()),
            "maintainer_email" => d.contact.email = Some(s()).filter(|u| !u.is_empty()),
            "extras" => {
                let Value::Array(list) = v else {
                    return Err(invalid("extras", "Not a list of {key, value}"));
                };
                d.extras = BTreeMap::new();
                for item in list {
                    let key = item.get("key").and_then(text).unwrap_or_default();
                    let value = item.get("value").and_then(text).unwrap_or_default();
                    if key.is_empty() {
                        return Err(invalid("extras", "Each extra needs a key"));
                    }
                    apply_extra(d, &key, &value)?;
                }
            }
            // Ceiba's fields, also accepted at the top level.
            "title_en" | "notes_en" | "temporal_start" | "temporal_end" | "frequency"
            | "spatial_uri" => apply_extra(d, key, &s())?,
            "author" | "author_email" if !s().is_empty() => {
                d.extras.insert(key.clone(), s());
            }
            _ => {}
        }
    }
    Ok(())
}

/// An extra: Ceiba's own fields by the names `package_show` writes them, others kept.
fn apply_extra(d: &mut Dataset, key: &str, value: &str) -> Result<(), CkanError> {
    let some = || Some(value.to_owned()).filter(|v| !v.is_empty());
    match key {
        "title_en" => d.title.en = some(),
        "notes_en" => d.description.en = some(),
        "temporal_start" => d.temporal.start = date(key, value)?,
        "temporal_end" => d.temporal.end = date(key, value)?,
        "frequency" => {
            d.frequency = match some() {
                None => None,
                Some(f) => Some(
                    Frequency::parse(&f)
                        .ok_or_else(|| invalid("frequency", format!("Unknown frequency: {f}")))?,
                ),
            }
        }
        "spatial_uri" => {
            d.spatial = value
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        }
        _ => {
            d.extras.insert(key.to_owned(), value.to_owned());
        }
    }
    Ok(())
}

fn empty_dataset(id: Uuid, org: Uuid) -> Dataset {
    let t = now();
    Dataset {
        id,
        name: String::new(),
        title: Localized::default(),
        description: Localized::default(),
        organization_id: org,
        categories: Vec::new(),
        tags: Vec::new(),
        licence_id: "notspecified".into(),
        temporal: Temporal::default(),
        spatial: Vec::new(),
        frequency: None,
        contact: Contact::default(),
        source_url: None,
        version: None,
        state: DatasetState::Active,
        private: false,
        featured: false,
        created: t,
        modified: t,
        extras: BTreeMap::new(),
    }
}

async fn package_dict(call: &Call<'_>, id: Uuid) -> Result<Value, CkanError> {
    let d = call
        .state
        .catalog
        .dataset_by_id(id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Dataset not found".into()))?;
    let rel = Related::load(&call.state.catalog, std::slice::from_ref(&d)).await?;
    Ok(dicts::package(&d, &rel, &call.site))
}

fn may_edit(call: &Call<'_>, action: &str, org: Uuid) -> Result<(), CkanError> {
    let account = call.caller.require(action)?;
    if ceiba_core::access::may_publish_in(&call.caller.perms, org) {
        Ok(())
    } else {
        Err(CkanError::Authorization(format!(
            "User {} not authorized to edit datasets of this organization",
            account.name
        )))
    }
}

pub async fn package_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("package_create")?;
    let m = call.params.map();
    let owner = m
        .get("owner_org")
        .and_then(text)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CkanError::missing("owner_org"))?;
    let org = organization(call, &owner, "owner_org").await?;
    may_edit(call, "package_create", org.id)?;
    if m.get("name").and_then(text).is_none_or(|n| n.is_empty()) {
        return Err(CkanError::missing("name"));
    }
    let mut d = empty_dataset(Uuid::new_v4(), org.id);
    apply(call, &mut d, m).await?;
    if d.title.es.trim().is_empty() {
        d.title.es = d.name.clone();
    }
    let links = link_resources(d.id, m.get("resources"))?;
    call.state.catalog.create_dataset(&d).await.map_err(store)?;
    for r in &links {
        call.state.catalog.create_resource(r).await.map_err(store)?;
    }
    package_dict(call, d.id).await
}

/// Resources given inline with a package: links (files come through `resource_create`).
fn link_resources(dataset: Uuid, v: Option<&Value>) -> Result<Vec<Resource>, CkanError> {
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

async fn existing(call: &Call<'_>) -> Result<Dataset, CkanError> {
    let id = call.params.required("id")?;
    match call.state.catalog.dataset(&id).await? {
        Some(d) if d.state != DatasetState::Deleted && may_see(call, &d) => Ok(d),
        _ => Err(CkanError::NotFound("Dataset not found".into())),
    }
}

/// Whether the caller may see `d`: a write to a dataset the caller may not see answers
/// "not found", as a read does, so that it tells nothing of its existence.
fn may_see(call: &Call<'_>, d: &Dataset) -> bool {
    call.viewer.may_see(d)
}

/// `package_update` replaces the fields (those not sent return to their defaults);
/// `package_patch` changes only those sent. Resources are left as they are.
pub async fn package_update(call: &Call<'_>, patch: bool) -> Result<Value, CkanError> {
    let action = if patch {
        "package_patch"
    } else {
        "package_update"
    };
    call.caller.require(action)?;
    let old = existing(call).await?;
    may_edit(call, action, old.organization_id)?;
    let m = call.params.map();
    let mut d = if patch {
        old.clone()
    } else {
        let mut fresh = empty_dataset(old.id, old.organization_id);
        fresh.name = old.name.clone();
        fresh.created = old.created;
        fresh.featured = old.featured;
        fresh
    };
    let mut fields = m.clone();
    fields.remove("id");
    apply(call, &mut d, &fields).await?;
    if d.organization_id != old.organization_id {
        may_edit(call, action, d.organization_id)?;
    }
    if d.title.es.trim().is_empty() {
        d.title.es = d.name.clone();
    }
    d.modified = now();
    call.state.catalog.update_dataset(&d).await.map_err(store)?;
    package_dict(call, d.id).await
}

pub async fn package_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("package_delete")?;
    let d = existing(call).await?;
    may_edit(call, "package_delete", d.organization_id)?;
    call.state
        .catalog
        .delete_dataset(d.id)
        .await
        .map_err(store)?;
    Ok(Value::Null)
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
        let (mut r, _, _) = call
            .state
            .portal
            .ingestor()
            .add_upload(
                &d,
                &name,
                &description,
                &upload.path,
                &upload.filename,
                &Default::default(),
            )
            .await
            .map_err(|e| invalid("upload", e.to_string()))?;
        if r.position != position {
            r.position = position;
            call.state
                .catalog
                .update_resource(&r)
                .await
                .map_err(store)?;
        }
        apply_boundary_write(call, r.id, boundary).await?;
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

fn require_sysadmin(call: &Call<'_>, action: &str) -> Result<(), CkanError> {
    let account = call.caller.require(action)?;
    if call.caller.perms.is_sysadmin() {
        Ok(())
    } else {
        Err(CkanError::Authorization(format!(
            "User {} not authorized to {action}",
            account.name
        )))
    }
}

fn name_and_titles(
    call: &Call<'_>,
) -> Result<(String, Localized, Localized, Option<String>), CkanError> {
    let p = &call.params;
    let name = p.required("name")?;
    ceiba_core::validate_name(&name).map_err(|e| invalid("name", e.to_string()))?;
    let title = Localized::new(
        p.str("title").unwrap_or_else(|| name.clone()),
        p.str("title_en").unwrap_or_default(),
    );
    let description = Localized::new(
        p.str("description").unwrap_or_default(),
        p.str("description_en").unwrap_or_default(),
    );
    Ok((name, title, description, p.str("image_url")))
}

pub async fn organization_create(call: &Call<'_>) -> Result<Value, CkanError> {
    require_sysadmin(call, "organization_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let org = Organization {
        id: Uuid::new_v4(),
        name,
        title,
        description,
        image_url,
        email: call.params.str("email"),
        website: call.params.str("url"),
        created: now(),
    };
    let c = &call.state.catalog;
    c.create_organization(&org).await.map_err(|e| match e {
        ceiba_store::StoreError::NameTaken { .. } => {
            invalid("name", "Group name already exists in database")
        }
        e => e.into(),
    })?;
    if let Some(account) = &call.caller.account {
        c.set_membership(account.id, org.id, Role::Admin).await?;
    }
    let mut v = dicts::organization(&org, &call.site, "organization");
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn group_create(call: &Call<'_>) -> Result<Value, CkanError> {
    require_sysadmin(call, "group_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let cat = Category {
        id: Uuid::new_v4(),
        name,
        title,
        description,
        icon: image_url,
        created: now(),
    };
    call.state
        .catalog
        .create_category(&cat)
        .await
        .map_err(|e| match e {
            ceiba_store::StoreError::NameTaken { .. } => {
                invalid("name", "Group name already exists in database")
            }
            e => e.into(),
        })?;
    let mut v = dicts::group(&cat, &call.site);
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn organization_member_create(call: &Call<'_>) -> Result<Value, CkanError> {
    let account = call.caller.require("organization_member_create")?;
    let p = &call.params;
    let org_id = p.required("id")?;
    let org = call
        .state
        .catalog
        .organization(&org_id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Organization not found".into()))?;
    if !ceiba_core::access::may_admin(&call.caller.perms, org.id) {
        return Err(CkanError::Authorization(format!(
            "User {} not authorized to edit organization {}",
            account.name, org.name
        )));
    }
    let username = p.required("username")?;
    let role_name = p.required("role")?;
    let role = Role::parse(&role_name)
        .ok_or_else(|| invalid("role", format!("Role {role_name} does not exist")))?;
    let user = call
        .state
        .catalog
        .account(&username)
        .await?
        .ok_or_else(|| CkanError::NotFound(format!("User {username} not found")))?;
    call.state
        .catalog
        .set_membership(user.id, org.id, role)
        .await?;
    Ok(json!({
        "id": Uuid::new_v5(&org.id, user.id.as_bytes()),
        "table_name": "user",
        "table_id": user.id,
        "group_id": org.id,
        "capacity": role.as_str(),
        "state": "active",
    }))
}

/// Adds a dataset to a category (CKAN group): `id` (group), `object` (dataset),
/// `object_type` (`package`), `capacity`.
pub async fn member_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("member_create")?;
    let p = &call.params;
    let group = p.required("id")?;
    let object = p.required("object")?;
    let object_type = p.required("object_type")?;
    if object_type != "package" {
        return Err(invalid(
            "object_type",
            "Only datasets (object_type \"package\") can be added to groups here",
        ));
    }
    let cat = call
        .state
        .catalog
        .category(&group)
        .await?
        .ok_or_else(|| CkanError::NotFound("Group not found".into()))?;
    let mut d = match call.state.catalog.dataset(&object).await? {
        Some(d) if d.state != DatasetState::Deleted && may_see(call, &d) => d,
        _ => return Err(CkanError::NotFound("Dataset not found".into())),
    };
    may_edit(call, "member_create", d.organization_id)?;
    if !d.categories.contains(&cat.name) {
        d.categories.push(cat.name.clone());
        d.modified = now();
        call.state.catalog.update_dataset(&d).await.map_err(store)?;
    }
    Ok(json!({
        "id": Uuid::new_v5(&cat.id, d.id.as_bytes()),
        "table_name": "package",
        "table_id": d.id,
        "group_id": cat.id,
        "capacity": p.str("capacity").unwrap_or_else(|| "public".into()),
        "state": "active",
    }))
}

/// A saved view's dict, CKAN's resource view with Ceiba's spec in `config`.
pub fn view_dict(v: &ceiba_store::SavedView, site: &str) -> Value {
    let spec: Value = serde_json::from_str(&v.spec).unwrap_or(Value::Null);
    json!({
        "id": v.id,
        "resource_id": v.resource_id,
        "package_id": v.dataset_id,
        "title": v.title,
        "description": v.description,
        "view_type": v.view_type,
        "config": spec,
        "featured": v.featured,
        "position": v.position,
        "url": format!("{site}/view/{}", v.id),
    })
}

/// The parameters of a view from `config`: `{"params": [[k, v]…]}`,
/// `{"params": "type=bar&x=…"}`, or a query string.
fn view_params(call: &Call<'_>) -> Result<Vec<(String, String)>, CkanError> {
    let config = call.params.json("config")?.unwrap_or(Value::Null);
    let params = match &config {
        Value::Object(m) => m.get("params").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    match params {
        Value::String(q) => Ok(crate::tables::query_pairs(Some(q.trim_start_matches('?')))),
        Value::Array(_) => serde_json::from_value(params)
            .map_err(|_| invalid("config", "params must be [[name, value], …]")),
        Value::Null => Err(CkanError::missing("config")),
        _ => Err(invalid(
            "config",
            "params must be a query string or a list of pairs",
        )),
    }
}

pub async fn resource_view_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_view_create")?;
    let resource = call.params.required("resource_id")?;
    let input = ViewInput {
        title: call.params.required("title")?,
        description: call.params.str("description").unwrap_or_default(),
        view_type: call.params.str("view_type"),
        params: view_params(call)?,
        featured: call.params.bool("featured", false)?,
    };
    let v = call
        .state
        .portal
        .save_view(&call.caller.actor(), None, &resource, input)
        .await
        .map_err(|e| CkanError::from_portal(e, call, ""))?;
    Ok(view_dict(&v, &call.site))
}

pub async fn resource_view_update(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_view_update")?;
    let id = call.params.required("id")?;
    let change = ViewChange {
        title: call.params.str("title"),
        description: call.params.str("description"),
        params: match call.params.value("config") {
            Some(_) => Some(view_params(call)?),
            None => None,
        },
        featured: call
            .params
            .value("featured")
            .is_some()
            .then(|| call.params.bool("featured", false))
            .transpose()?,
    };
    let v = call
        .state
        .portal
        .change_view(&call.caller.actor(), &id, change)
        .await
        .map_err(|e| CkanError::from_portal(e, call, ""))?;
    Ok(view_dict(&v, &call.site))
}

pub async fn resource_view_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_view_delete")?;
    let id = call.params.required("id")?;
    call.state
        .portal
        .delete_view(&call.caller.actor(), &id)
        .await
        .map_err(|e| CkanError::from_portal(e, call, ""))?;
    Ok(Value::Null)
}
