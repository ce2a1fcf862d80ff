//! CKAN's dicts in Ceiba's model: every core field where Ceiba has one, Ceiba's own
//! fields from the extras Ceiba's CKAN API writes them to (`temporal_start`, `frequency`,
//! `spatial_uri`, `title_en`…), and every other field or extra kept as an extra, so that
//! nothing the source said is lost.

use std::collections::BTreeMap;

use ceiba_core::bounds::MAX_EXTRAS;
use ceiba_core::{
    Account, AccountState, Category, Contact, Dataset, DatasetState, Frequency, Licence, Localized,
    Organization, Role, Temporal,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// Package fields CKAN itself defines (or computes); any other top-level field is a
/// schema extension (ckanext-scheming) and is kept as an extra.
const CORE_FIELDS: &[&str] = &[
    "id",
    "name",
    "title",
    "notes",
    "type",
    "state",
    "private",
    "owner_org",
    "organization",
    "license_id",
    "license_title",
    "license_url",
    "isopen",
    "maintainer",
    "maintainer_email",
    "url",
    "version",
    "metadata_created",
    "metadata_modified",
    "creator_user_id",
    "num_resources",
    "num_tags",
    "resources",
    "tags",
    "groups",
    "extras",
    "relationships_as_object",
    "relationships_as_subject",
    "revision_id",
    "tracking_summary",
    "title_en",
    "notes_en",
];

/// Extras Ceiba's CKAN API writes from its own fields.
const CEIBA_EXTRAS: &[&str] = &[
    "temporal_start",
    "temporal_end",
    "frequency",
    "spatial_uri",
    "title_en",
    "notes_en",
];

pub fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    Some(text(v, key)).filter(|s| !s.trim().is_empty() && s != "null")
}

/// A CKAN timestamp (`2026-07-31T10:53:58.920027`, UTC without a zone; with or without
/// fractions; or RFC 3339).
pub fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let s = text(v, key);
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// A UUID id as it is; another kind of id (old CKANs allowed any text) as a stable UUID.
pub fn id_of(text: &str) -> Uuid {
    Uuid::parse_str(text.trim())
        .unwrap_or_else(|_| Uuid::new_v5(&Uuid::NAMESPACE_URL, text.as_bytes()))
}

/// A group or organization dict's titles and descriptions, in Spanish and (Ceiba's)
/// English.
fn titles(v: &Value) -> (Localized, Localized) {
    (
        Localized {
            es: or_name(text(v, "title"), v),
            en: opt_text(v, "title_en"),
        },
        Localized {
            es: text(v, "description"),
            en: opt_text(v, "description_en"),
        },
    )
}

/// Organization dict → organization (its image kept as the source's absolute address).
pub fn organization(v: &Value) -> Organization {
    let image = opt_text(v, "image_display_url").or_else(|| opt_text(v, "image_url"));
    let (title, description) = titles(v);
    Organization {
        id: id_of(&text(v, "id")),
        name: text(v, "name"),
        title,
        description,
        image_url: image.filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        email: opt_text(v, "email").filter(|e| e.contains('@')),
        website: opt_text(v, "url")
            .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        created: time(v, "created").unwrap_or_else(ceiba_store::now),
    }
}

/// Group dict → category.
pub fn category(v: &Value) -> Category {
    let image = opt_text(v, "image_display_url").or_else(|| opt_text(v, "image_url"));
    let (title, description) = titles(v);
    Category {
        id: id_of(&text(v, "id")),
        name: text(v, "name"),
        title,
        description,
        icon: opt_text(v, "icon")
            .filter(|i| i.len() <= 200)
            .or_else(|| image.filter(|u| u.starts_with("http://") || u.starts_with("https://"))),
        created: time(v, "created").unwrap_or_else(ceiba_store::now),
    }
}

fn or_name(title: String, v: &Value) -> String {
    if title.trim().is_empty() {
        text(v, "name")
    } else {
        title
    }
}

/// User dict → account (no password: its owner sets one with a reset link). `None` for
/// a dict without a usable name.
pub fn account(v: &Value) -> Option<Account> {
    let name = text(v, "name");
    ceiba_core::validate_name(&name).ok()?;
    Some(Account {
        id: id_of(&text(v, "id")),
        name,
        email: text(v, "email"),
        fullname: text(v, "fullname"),
        sysadmin: v.get("sysadmin").and_then(Value::as_bool).unwrap_or(false),
        state: match text(v, "state").as_str() {
            "deleted" => AccountState::Deleted,
            _ => AccountState::Active,
        },
        created: time(v, "created").unwrap_or_else(ceiba_store::now),
    })
}

/// A member's `capacity` as a role.
pub fn role(capacity: &str) -> Option<Role> {
    match capacity {
        "admin" => Some(Role::Admin),
        "editor" => Some(Role::Editor),
        "member" => Some(Role::Member),
        _ => None,
    }
}

/// What a package dict says of its resources.
#[derive(Debug, Clone)]
pub struct RemoteResource {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub format: String,
    pub media_type: Option<String>,
    pub url: String,
    /// Stored by the source (`url_type: upload`): its file is the source's to give.
    pub upload: bool,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

/// A package dict as a dataset and its resources; `notes` lists what did not fit.
#[derive(Debug, Clone)]
pub struct Package {
    pub dataset: Dataset,
    pub resources: Vec<RemoteResource>,
    /// Organization dict as the package carries it.
    pub organization: Option<Value>,
    /// Group dicts as the package carries them.
    pub groups: Vec<Value>,
    pub notes: Vec<String>,
}

fn as_extra(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// Package dict → dataset. Ids, name, times and state stay as the source has them.
pub fn package(p: &Value) -> Package {
    let mut notes = Vec::new();
    let mut extras: BTreeMap<String, String> = BTreeMap::new();
    let mut ceiba: BTreeMap<String, String> = BTreeMap::new();
    if let Some(list) = p.get("extras").and_then(Value::as_array) {
        for e in list {
            let key = text(e, "key");
            if key.is_empty() {
                continue;
            }
            let value = e.get("value").map(as_extra).unwrap_or_default();
            if CEIBA_EXTRAS.contains(&key.as_str()) {
                ceiba.insert(key, value);
            } else {
                extras.insert(key, value);
            }
        }
    }
    if let Some(map) = p.as_object() {
        for (key, value) in map {
            if !CORE_FIELDS.contains(&key.as_str()) && !value.is_null() {
                let value = as_extra(value);
                if !value.is_empty() {
                    extras.entry(key.clone()).or_insert(value);
                }
            }
        }
    }
    for k in ["title_en", "notes_en"] {
        if let Some(v) = opt_text(p, k) {
            ceiba.entry(k.into()).or_insert(v);
        }
    }
    if extras.len() > MAX_EXTRAS {
        notes.push(format!(
            "{} extras; the first {MAX_EXTRAS} were kept",
            extras.len()
        ));
        extras = extras.into_iter().take(MAX_EXTRAS).collect();
    }

    let mut licence_id = text(p, "license_id");
    if Licence::find(&licence_id).is_none() {
        if !licence_id.is_empty() {
            notes.push(format!(
                "licence \"{licence_id}\" is not one this portal knows: \"notspecified\""
            ));
            extras
                .entry("source_license_id".into())
                .or_insert(licence_id.clone());
        }
        licence_id = "notspecified".into();
    }
    let date = |k: &str| {
        ceiba
            .get(k)
            .and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok())
    };
    let spatial: Vec<String> = ceiba
        .get("spatial_uri")
        .map(|s| {
            s.split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| ceiba_core::territory::resolve(c).is_some())
                .collect()
        })
        .unwrap_or_default();
    let tags: Vec<String> = p
        .get("tags")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .map(|t| match t {
                    Value::String(s) => s.clone(),
                    t => text(t, "name"),
                })
                .filter(|t| !t.trim().is_empty() && t.len() <= 100)
                .take(ceiba_core::bounds::MAX_TAGS)
                .collect()
        })
        .unwrap_or_default();
    let groups: Vec<Value> = p
        .get("groups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let created = time(p, "metadata_created").unwrap_or_else(ceiba_store::now);
    let modified = time(p, "metadata_modified").unwrap_or(created);
    let dataset = Dataset {
        id: id_of(&text(p, "id")),
        name: text(p, "name"),
        title: Localized {
            es: or_name(text(p, "title"), p),
            en: ceiba.get("title_en").cloned(),
        },
        description: Localized {
            es: text(p, "notes"),
            en: ceiba.get("notes_en").cloned(),
        },
        organization_id: id_of(&text(p, "owner_org")),
        categories: groups.iter().map(|g| text(g, "name")).collect(),
        tags,
        licence_id,
        temporal: Temporal {
            start: date("temporal_start"),
            end: date("temporal_end"),
        },
        spatial,
        frequency: ceiba.get("frequency").and_then(|f| Frequency::parse(f)),
        contact: Contact {
            name: opt_text(p, "maintainer"),
            email: opt_text(p, "maintainer_email"),
        },
        source_url: opt_text(p, "url")
            .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        version: opt_text(p, "version"),
        state: match text(p, "state").as_str() {
            "draft" => DatasetState::Draft,
            "deleted" => DatasetState::Deleted,
            _ => DatasetState::Active,
        },
        private: p.get("private").and_then(Value::as_bool).unwrap_or(false),
        featured: false,
        created,
        modified,
        extras,
    };
    let resources = p
        .get("resources")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter(|r| text(r, "state") != "deleted")
                .map(|r| {
                    let created = time(r, "created").unwrap_or(dataset.created);
                    RemoteResource {
                        id: id_of(&text(r, "id")),
                        name: text(r, "name"),
                        description: text(r, "description"),
                        format: text(r, "format"),
                        media_type: opt_text(r, "mimetype"),
                        url: text(r, "url"),
                        upload: text(r, "url_type") == "upload",
                        created,
                        modified: time(r, "last_modified")
                            .or_else(|| time(r, "metadata_modified"))
                            .unwrap_or(created),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Package {
        dataset,
        resources,
        organization: p.get("organization").filter(|o| o.is_object()).cloned(),
        groups,
        notes,
    }
}

/// SHA-256 of a record as the source gave it: unchanged records are skipped next time.
pub fn fingerprint(v: &Value) -> String {
    use sha2::Digest;
    // serde_json keeps object keys sorted (no `preserve_order`): the text is canonical.
    hex::encode(sha2::Sha256::digest(v.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_with_and_without_fractions() {
        let v = json!({"a": "2026-07-31T10:53:58.920027", "b": "2026-07-31T10:53:58", "c": "2026-07-31T10:53:58Z"});
        assert!(time(&v, "a").is_some());
        assert!(time(&v, "b").is_some());
        assert!(time(&v, "c").is_some());
        assert!(time(&v, "missing").is_none());
    }

    #[test]
    fn schema_fields_and_extras_are_kept_and_ceiba_fields_come_back() {
        let p = json!({
            "id": "8c2dcda3-8d82-40cd-b79e-1b4dbe4ac77f", "name": "x-y", "title": "X",
            "license_id": "made-up", "doi": "10.1/abc", "funding": [{"a": 1}],
            "extras": [{"key": "frequency", "value": "ANNUAL"}, {"key": "spatial_uri", "value": "01,0101,ZZ"},
                       {"key": "temporal_start", "value": "2020-01-01"}, {"key": "x", "value": "y"}],
            "tags": [{"name": "CLIMATE CHANGE"}],
            "resources": [{"id": "99c43a7e-36eb-411c-8242-edbfde8b5b01", "url_type": "upload", "url": "https://a/b.csv", "mimetype_inner": "null"}]
        });
        let got = package(&p);
        let d = &got.dataset;
        assert_eq!(d.licence_id, "notspecified");
        assert_eq!(d.extras["source_license_id"], "made-up");
        assert_eq!(d.extras["doi"], "10.1/abc");
        assert_eq!(d.extras["funding"], r#"[{"a":1}]"#);
        assert_eq!(d.extras["x"], "y");
        assert!(!d.extras.contains_key("frequency"));
        assert_eq!(d.frequency, Some(Frequency::Annual));
        assert_eq!(d.spatial, vec!["01", "0101"]);
        assert_eq!(d.tags, vec!["CLIMATE CHANGE"]);
        assert!(got.resources[0].upload);
        assert_eq!(got.notes.len(), 1);
    }
}
