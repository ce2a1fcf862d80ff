//! `resource_create`, `resource_update`, `resource_patch`, `resource_delete`: CKAN's
//! dicts (and multipart uploads) translated into the portal's resource use cases.

use ceiba_core::Resource;
use ceiba_portal::{MarkRequest, NewFile, ResourceInput};

use super::*;

/// Resources given inline with a package: links (files come through `resource_create`).
pub(super) fn link_inputs(v: Option<&Value>) -> Result<Vec<ResourceInput>, CkanError> {
    let Some(Value::Array(list)) = v else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|item| match item {
            Value::Object(m) => {
                let mut input = ResourceInput::default();
                set_fields(&mut input, m);
                Ok(input)
            }
            _ => Err(invalid("resources", "Each resource must be an object")),
        })
        .collect()
}

/// Reads CKAN's resource fields present in `m` into `input`.
fn set_fields(input: &mut ResourceInput, m: &Map<String, Value>) {
    for (key, v) in m {
        let s = text(v).unwrap_or_default();
        match key.as_str() {
            "name" => input.name = s,
            "description" => input.description = s,
            "format" => input.format = s,
            "mimetype" => input.media_type = Some(s).filter(|m| !m.is_empty()),
            "url" => input.url = Some(s).filter(|u| !u.is_empty()),
            _ => {}
        }
    }
}

async fn resource_dict(call: &Call<'_>, r: &Resource) -> Result<Value, CkanError> {
    let boundary = call.state.catalog.boundary_set(r.id).await?;
    Ok(dicts::resource(
        r,
        &call.site,
        r.current_version_id.is_some(),
        boundary.as_ref(),
    ))
}

const CODE_FIELD: &str = "boundary_code_property";
const LEVEL_FIELD: &str = "boundary_level";

/// What a resource write asks of its boundary-set mark, from `boundary_code_property`
/// (empty or null unmarks) and `boundary_level`. `replace` is `resource_update`'s rule: a
/// resource sent without them is no boundary set.
fn mark_request(m: &Map<String, Value>, replace: bool) -> Result<MarkRequest, CkanError> {
    let level = match m.get(LEVEL_FIELD) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => {
            let s = text(v).ok_or_else(|| invalid(LEVEL_FIELD, "Must be text"))?;
            Some(ceiba_portal::level_of(&s).map_err(|e| match e {
                ceiba_portal::Error::Invalid { reason, .. } => {
                    invalid(LEVEL_FIELD, reason.message(ceiba_core::Lang::En))
                }
                e => CkanError::Internal(e.to_string()),
            })?)
        }
    };
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
    Ok(match (code, level) {
        (Some(code), _) if code.is_empty() => MarkRequest::Unmark,
        (Some(code), level) => MarkRequest::Mark {
            code,
            level: level.flatten(),
        },
        (None, Some(Some(_))) if replace => return Err(level_alone()),
        (None, _) if replace => MarkRequest::Unmark,
        (None, Some(level)) => MarkRequest::Level(level),
        (None, None) => MarkRequest::Keep,
    })
}

/// This call's uploaded file, if any.
fn new_file<'a>(call: &'a Call<'_>) -> Option<NewFile<'a>> {
    call.params
        .upload
        .as_ref()
        .map(|u| NewFile::new(&u.path, &u.filename))
}

pub async fn resource_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_create")?;
    let package = call.params.required("package_id")?;
    let m = call.params.map();
    let mut input = ResourceInput::default();
    set_fields(&mut input, m);
    let r = call
        .state
        .portal
        .add_resource(
            &call.caller.actor(),
            &package,
            input,
            new_file(call),
            mark_request(m, false)?,
        )
        .await
        .map_err(|e| match e {
            ceiba_portal::Error::NotFound(_) => invalid("package_id", "Not found: Dataset"),
            e => CkanError::from_portal(e, call),
        })?;
    resource_dict(call, &r).await
}

/// `resource_update` and `resource_patch`; a new upload becomes a new version (the
/// current one keeps serving until it is ingested).
pub async fn resource_update(call: &Call<'_>, patch: bool) -> Result<Value, CkanError> {
    call.caller.require(&call.action)?;
    let actor = call.caller.actor();
    let id = call.params.required("id")?;
    let portal = &call.state.portal;
    let (old, _) = portal
        .editable_resource(&actor, None, &id)
        .await
        .map_err(refused(call))?;
    let mut input = if patch {
        ResourceInput {
            name: old.name.clone(),
            description: old.description.clone(),
            format: old.format.clone(),
            media_type: old.media_type.clone(),
            url: old.url.clone(),
        }
    } else {
        // Name, description and a link's format return to their defaults; a file's
        // format is the file's, and the link and media type stay unless sent.
        ResourceInput {
            format: if old.is_upload() {
                old.format.clone()
            } else {
                String::new()
            },
            media_type: old.media_type.clone(),
            url: old.url.clone(),
            ..ResourceInput::default()
        }
    };
    let mut fields = call.params.map().clone();
    fields.remove("id");
    fields.remove("package_id");
    set_fields(&mut input, &fields);
    let changed = Resource {
        name: input.name,
        description: input.description,
        format: input.format,
        media_type: input.media_type,
        url: input.url,
        ..old
    };
    let r = portal
        .change_resource(
            &actor,
            changed,
            new_file(call),
            mark_request(&fields, !patch)?,
        )
        .await
        .map_err(refused(call))?;
    resource_dict(call, &r).await
}

pub async fn resource_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_delete")?;
    let id = call.params.required("id")?;
    call.state
        .portal
        .delete_resource(&call.caller.actor(), None, &id)
        .await
        .map_err(refused(call))?;
    Ok(Value::Null)
}

/// `package_resource_reorder`: `id` (the dataset) and `order` (resource ids; those left
/// out follow in their current order).
pub async fn package_resource_reorder(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("package_resource_reorder")?;
    let id = call.params.required("id")?;
    let order = call
        .params
        .list("order")?
        .ok_or_else(|| CkanError::missing("order"))?
        .iter()
        .map(|s| {
            Uuid::parse_str(s.trim())
                .map_err(|_| invalid("order", format!("Not a resource id: {s}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let list = call
        .state
        .portal
        .reorder_resources(&call.caller.actor(), &id, &order)
        .await
        .map_err(refused(call))?;
    Ok(json!({ "id": id, "order": list.iter().map(|r| r.id).collect::<Vec<_>>() }))
}
