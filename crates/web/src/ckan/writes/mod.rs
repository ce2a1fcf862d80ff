//! The write actions, one file per kind of record. Every one checks the caller's rights
//! first and writes through the catalog (or a use case of `ceiba_portal`) in one
//! transaction, so a refused or failed write changes nothing.

mod datasets;
mod organizations;
mod resources;
mod views;

pub use datasets::{dataset_purge, package_create, package_delete, package_update};
pub use organizations::{
    group_create, member_create, organization_create, organization_member_create,
};
pub use resources::{package_resource_reorder, resource_create, resource_delete, resource_update};
pub use views::{resource_view_create, resource_view_delete, resource_view_update, view_dict};

use std::collections::BTreeMap;

use ceiba_core::{
    Category, Dataset, DatasetState, Frequency, Licence, Localized, Organization, Role,
};
use ceiba_portal::{ViewChange, ViewInput};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::dicts::{self, Related};
use super::{Call, CkanError};

fn invalid(field: &str, message: impl Into<String>) -> CkanError {
    CkanError::validation(field, message)
}

/// A use case's refusal, as CKAN says it.
fn refused<'a>(call: &'a Call<'a>) -> impl Fn(ceiba_portal::Error) -> CkanError + 'a {
    move |e| CkanError::from_portal(e, call)
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
