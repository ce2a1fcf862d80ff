//! The write actions, one file per kind of record. Every one checks the caller's rights
//! first and writes through the catalog (or a use case of `ceiba_portal`) in one
//! transaction, so a refused or failed write changes nothing.

mod datasets;
mod organizations;
mod resources;
mod views;

pub use datasets::{package_create, package_delete, package_update};
pub use organizations::{
    group_create, member_create, organization_create, organization_member_create,
};
pub use resources::{resource_create, resource_delete, resource_update};
pub use views::{resource_view_create, resource_view_delete, resource_view_update, view_dict};

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
