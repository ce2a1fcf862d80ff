//! `package_create`, `package_update`, `package_patch`, `package_delete`: CKAN's dicts
//! translated into the portal's dataset use cases.

use super::resources::link_inputs;
use super::*;

/// Sets on `d` every package field present in `m` (CKAN's names). Categories are kept
/// by the names given: the use case checks that they exist.
async fn apply(call: &Call<'_>, d: &mut Dataset, m: &Map<String, Value>) -> Result<(), CkanError> {
    for (key, v) in m {
        let s = || text(v).unwrap_or_default();
        match key.as_str() {
            "name" => d.name = s(),
            "title" => d.title.es = s(),
            "notes" => d.description.es = s(),
            "owner_org" => {
                d.organization_id = call
                    .state
                    .portal
                    .publisher("owner_org", &s())
                    .await
                    .map_err(refused(call))?
                    .id
            }
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
            "groups" => d.categories = names("groups", v)?,
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

/// A dataset with CKAN's defaults: what `package_update` returns unsent fields to.
fn empty_dataset(id: Uuid, org: Uuid) -> Dataset {
    Dataset {
        id,
        organization_id: org,
        licence_id: "notspecified".into(),
        state: DatasetState::Active,
        ..Dataset::default()
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

pub async fn package_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("package_create")?;
    let m = call.params.map();
    if m.get("owner_org")
        .and_then(text)
        .is_none_or(|s| s.is_empty())
    {
        return Err(CkanError::missing("owner_org"));
    }
    if m.get("name").and_then(text).is_none_or(|n| n.is_empty()) {
        return Err(CkanError::missing("name"));
    }
    let mut d = empty_dataset(Uuid::nil(), Uuid::nil());
    apply(call, &mut d, m).await?;
    let links = link_inputs(m.get("resources"))?;
    let d = call
        .state
        .portal
        .create_dataset(&call.caller.actor(), d, links)
        .await
        .map_err(refused(call))?;
    package_dict(call, d.id).await
}

/// `package_update` replaces the fields (those not sent return to their defaults);
/// `package_patch` changes only those sent. Resources are left as they are.
pub async fn package_update(call: &Call<'_>, patch: bool) -> Result<Value, CkanError> {
    call.caller.require(&call.action)?;
    let actor = call.caller.actor();
    let id = call.params.required("id")?;
    let portal = &call.state.portal;
    let old = portal
        .editable_dataset(&actor, &id)
        .await
        .map_err(refused(call))?;
    let mut d = if patch {
        old.clone()
    } else {
        Dataset {
            name: old.name.clone(),
            featured: old.featured,
            ..empty_dataset(old.id, old.organization_id)
        }
    };
    let mut fields = call.params.map().clone();
    fields.remove("id");
    apply(call, &mut d, &fields).await?;
    let d = portal
        .update_dataset(&actor, d, None)
        .await
        .map_err(refused(call))?;
    package_dict(call, d.id).await
}

pub async fn package_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("package_delete")?;
    let id = call.params.required("id")?;
    call.state
        .portal
        .delete_dataset(&call.caller.actor(), &id)
        .await
        .map_err(refused(call))?;
    Ok(Value::Null)
}

/// `dataset_purge` (sysadmins): a deleted dataset removed for good with the files only it
/// used.
pub async fn dataset_purge(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("dataset_purge")?;
    let id = call.params.required("id")?;
    call.state
        .portal
        .purge_dataset(&call.caller.actor(), &id)
        .await
        .map_err(refused(call))?;
    Ok(Value::Null)
}
