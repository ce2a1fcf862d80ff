//! CKAN's activity actions: `package_activity_list`, `organization_activity_list`,
//! `user_activity_list` and `recently_changed_packages_activity_stream`, over the same
//! stream as the history pages (`Portal::activity`, which keeps out what the caller may
//! not see).

use ceiba_store::{Activity, Stream};
use serde_json::{json, Value};

use super::{Call, CkanError};

/// CKAN's name for a change.
fn activity_type(action: &str) -> &'static str {
    match action {
        "dataset_create" => "new package",
        "dataset_delete" => "deleted package",
        "organization_create" => "new organization",
        "member_set" | "member_remove" => "changed organization",
        _ => "changed package",
    }
}

fn dict(a: &Activity) -> Value {
    json!({
        "id": a.id,
        "timestamp": a.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        "user_id": a.actor_id,
        "object_id": a.dataset_id.or(a.organization_id).or(a.account_id),
        "activity_type": activity_type(&a.action),
        "data": {
            "ceiba_action": a.action,
            "actor": a.actor,
            "package_id": a.dataset_id,
            "organization_id": a.organization_id,
            "resource_id": a.object_id,
            "detail": a.detail,
        },
    })
}

async fn list(call: &Call<'_>, stream: Stream) -> Result<Value, CkanError> {
    let limit = call
        .params
        .int("limit", 31, 1, ceiba_portal::MAX_ACTIVITY)?;
    let entries = call
        .state
        .portal
        .activity(&call.caller.actor(), stream, limit)
        .await
        .map_err(|e| CkanError::from_portal(e, call))?;
    Ok(Value::Array(entries.iter().map(dict).collect()))
}

pub async fn package_activity_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let d = call
        .state
        .portal
        .visible_dataset(&call.caller.actor(), &id)
        .await
        .map_err(|e| CkanError::from_portal(e, call))?;
    list(call, Stream::Dataset(d.id)).await
}

pub async fn organization_activity_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let org = call
        .state
        .catalog
        .organization(&id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Organization not found".into()))?;
    list(call, Stream::Organization(org.id)).await
}

pub async fn user_activity_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let account = call
        .state
        .catalog
        .account(&id)
        .await?
        .filter(|a| a.is_active())
        .ok_or_else(|| CkanError::NotFound("User not found".into()))?;
    list(call, Stream::Account(account.id)).await
}

pub async fn recently_changed_packages_activity_stream(
    call: &Call<'_>,
) -> Result<Value, CkanError> {
    list(call, Stream::Datasets).await
}
