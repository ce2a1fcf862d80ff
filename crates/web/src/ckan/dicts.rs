//! Records as CKAN writes them: every field CKAN's `package_show`, `resource_show`,
//! `organization_show` and `group_show` return, with CKAN's names, types and dates.

use std::collections::{HashMap, HashSet};

use ceiba_core::{Category, Dataset, DatasetState, Licence, Organization, Resource};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::http::percent_encode;

/// CKAN's timestamps: ISO 8601 in UTC without a zone, with microseconds.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Everything needed to write package dicts for a set of datasets, loaded in bulk.
pub struct Related {
    pub organizations: HashMap<Uuid, Organization>,
    pub categories: HashMap<String, Category>,
    pub resources: HashMap<Uuid, Vec<Resource>>,
    /// Resources with a table in service (CKAN's `datastore_active`).
    pub datastore: HashSet<Uuid>,
    /// Resources marked as boundary sets, with their marks.
    pub boundaries: HashMap<Uuid, ceiba_store::BoundarySet>,
}

impl Related {
    pub async fn load(
        catalog: &ceiba_store::Catalog,
        datasets: &[Dataset],
    ) -> Result<Related, ceiba_store::StoreError> {
        let ids: Vec<Uuid> = datasets.iter().map(|d| d.id).collect();
        // Only the publishers and categories these datasets name: the full lists carry
        // dataset counts, a scan of the catalog per call.
        let mut organizations = HashMap::new();
        for d in datasets {
            if !organizations.contains_key(&d.organization_id) {
                if let Some(o) = catalog.organization(&d.organization_id.to_string()).await? {
                    organizations.insert(o.id, o);
                }
            }
        }
        let mut categories = HashMap::new();
        for name in datasets.iter().flat_map(|d| &d.categories) {
            if !categories.contains_key(name) {
                if let Some(c) = catalog.category(name).await? {
                    categories.insert(name.clone(), c);
                }
            }
        }
        let mut resources: HashMap<Uuid, Vec<Resource>> = HashMap::new();
        let mut datastore = HashSet::new();
        let all = catalog.resources_of_datasets(&ids).await?;
        let resource_ids: Vec<Uuid> = all.iter().map(|r| r.id).collect();
        let boundaries = catalog.boundary_sets_of(&resource_ids).await?;
        for r in all {
            // A version in service always has its tables (written in one transaction).
            if r.current_version_id.is_some() {
                datastore.insert(r.id);
            }
            resources.entry(r.dataset_id).or_default().push(r);
        }
        Ok(Related {
            organizations,
            categories,
            resources,
            datastore,
            boundaries,
        })
    }
}

pub fn organization(o: &Organization, site: &str, kind: &str) -> Value {
    json!({
        "id": o.id,
        "name": o.name,
        "title": o.title.es,
        "display_name": o.title.es,
        "description": o.description.es,
        "image_url": o.image_url.clone().unwrap_or_default(),
        "image_display_url": o.image_url.as_deref().map(|u| absolute(site, u)).unwrap_or_default(),
        "created": time(o.created),
        "is_organization": kind == "organization",
        "type": kind,
        "approval_status": "approved",
        "state": "active",
        // Ceiba's own fields, so that another Ceiba migrating from this one brings them.
        "title_en": o.title.en,
        "description_en": o.description.en,
        "email": o.email,
        "url": o.website,
    })
}

pub fn group(c: &Category, site: &str) -> Value {
    let image = c
        .icon
        .as_deref()
        .filter(|i| i.contains('/'))
        .map(|u| absolute(site, u))
        .unwrap_or_default();
    json!({
        "id": c.id,
        "name": c.name,
        "title": c.title.es,
        "display_name": c.title.es,
        "description": c.description.es,
        "image_url": image,
        "image_display_url": image,
        "created": time(c.created),
        "is_organization": false,
        "type": "group",
        "approval_status": "approved",
        "state": "active",
        "title_en": c.title.en,
        "description_en": c.description.en,
        // A built-in icon's name (an image's address is `image_url`).
        "icon": c.icon,
    })
}

fn absolute(site: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{site}/{}", url.trim_start_matches('/'))
    }
}

/// The address of a resource's file: the upload's download URL, or the link.
pub fn resource_url(r: &Resource, site: &str) -> String {
    match &r.url {
        Some(url) if !r.is_upload() => url.clone(),
        _ => {
            let filename = r
                .original_filename
                .as_deref()
                .map(percent_encode)
                .unwrap_or_else(|| "download".into());
            format!(
                "{site}/dataset/{}/resource/{}/download/{filename}",
                r.dataset_id, r.id
            )
        }
    }
}

/// A resource's dict; a boundary set carries its mark as `boundary_code_property` and
/// `boundary_level` (Ceiba's fields, absent from other resources).
pub fn resource(
    r: &Resource,
    site: &str,
    datastore_active: bool,
    boundary: Option<&ceiba_store::BoundarySet>,
) -> Value {
    let mut v = json!({
        "id": r.id,
        "package_id": r.dataset_id,
        "name": r.name,
        "description": r.description,
        "format": r.format,
        "mimetype": r.media_type,
        "mimetype_inner": null,
        "size": r.size,
        "hash": r.sha256.as_deref().map(|h| format!("sha256:{h}")).unwrap_or_default(),
        "url": resource_url(r, site),
        "url_type": if r.is_upload() { "upload" } else { "" },
        "position": r.position,
        "created": time(r.created),
        "last_modified": time(r.modified),
        "metadata_modified": time(r.modified),
        "datastore_active": datastore_active,
        "cache_url": null,
        "cache_last_updated": null,
        "resource_type": null,
        "state": "active",
    });
    if let (Some(b), Value::Object(m)) = (boundary, &mut v) {
        m.insert("boundary_code_property".into(), json!(b.code_property));
        m.insert("boundary_level".into(), json!(b.level));
    }
    v
}

pub fn package(d: &Dataset, rel: &Related, site: &str) -> Value {
    let licence = Licence::find(&d.licence_id);
    let org = rel.organizations.get(&d.organization_id);
    let resources: Vec<Value> = rel
        .resources
        .get(&d.id)
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    resource(
                        r,
                        site,
                        rel.datastore.contains(&r.id),
                        rel.boundaries.get(&r.id),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let groups: Vec<Value> = d
        .categories
        .iter()
        .filter_map(|name| rel.categories.get(name))
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "title": c.title.es,
                "display_name": c.title.es,
                "description": c.description.es,
                "image_display_url": "",
            })
        })
        .collect();
    let tags: Vec<Value> = d
        .tags
        .iter()
        .map(|t| {
            json!({
                "id": Uuid::new_v5(&Uuid::NAMESPACE_OID, t.as_bytes()),
                "name": t,
                "display_name": t,
                "state": "active",
                "vocabulary_id": null,
            })
        })
        .collect();
    let mut extras: Vec<Value> = d
        .extras
        .iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    // Ceiba's own fields that CKAN has no place for travel as extras, as DCAT harvesters
    // expect them (ckanext-dcat's names).
    if let Some(start) = d.temporal.start {
        extras.push(json!({ "key": "temporal_start", "value": start.to_string() }));
    }
    if let Some(end) = d.temporal.end {
        extras.push(json!({ "key": "temporal_end", "value": end.to_string() }));
    }
    if let Some(f) = d.frequency {
        extras.push(json!({ "key": "frequency", "value": f.code() }));
    }
    if !d.spatial.is_empty() {
        extras.push(json!({ "key": "spatial_uri", "value": d.spatial.join(",") }));
    }
    if let Some(en) = &d.title.en {
        extras.push(json!({ "key": "title_en", "value": en }));
    }
    if let Some(en) = &d.description.en {
        extras.push(json!({ "key": "notes_en", "value": en }));
    }
    json!({
        "id": d.id,
        "name": d.name,
        "title": d.title.es,
        "notes": d.description.es,
        "type": "dataset",
        "state": match d.state {
            DatasetState::Active => "active",
            DatasetState::Draft => "draft",
            DatasetState::Deleted => "deleted",
        },
        "private": d.private,
        "owner_org": d.organization_id,
        "organization": org.map(|o| organization(o, site, "organization")),
        "license_id": d.licence_id,
        "license_title": licence.map(|l| l.title_en).unwrap_or(d.licence_id.as_str()),
        "license_url": licence.map(|l| l.url).filter(|u| !u.is_empty()),
        "isopen": licence.is_some_and(|l| l.open),
        "author": null,
        "author_email": null,
        "maintainer": d.contact.name,
        "maintainer_email": d.contact.email,
        "url": d.source_url.clone().unwrap_or_default(),
        "version": d.version,
        "metadata_created": time(d.created),
        "metadata_modified": time(d.modified),
        "creator_user_id": null,
        "num_resources": resources.len(),
        "num_tags": tags.len(),
        "resources": resources,
        "tags": tags,
        "groups": groups,
        "extras": extras,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    })
}

/// A user's dict as CKAN writes it; the e-mail only when `with_email` (a sysadmin asks).
pub fn user(a: &ceiba_core::Account, with_email: bool) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "fullname": a.fullname,
        "display_name": if a.fullname.is_empty() { &a.name } else { &a.fullname },
        "email": if with_email { Some(&a.email) } else { None },
        "sysadmin": a.sysadmin,
        "state": a.state.as_str(),
        "created": time(a.created),
        "about": null,
    })
}
