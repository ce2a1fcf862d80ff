//! `package_create`, `package_update`, `package_patch`, `package_delete`.

use super::resources::link_resources;
use super::*;

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
