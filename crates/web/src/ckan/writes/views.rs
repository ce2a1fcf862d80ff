//! `resource_view_create`, `resource_view_update`, `resource_view_delete`: saved views,
//! through the same use cases as the pages' forms.

use super::*;

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
        Value::String(q) => Ok(crate::http::query_pairs(Some(q.trim_start_matches('?')))),
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
        .map_err(|e| CkanError::from_portal(e, call))?;
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
        .map_err(|e| CkanError::from_portal(e, call))?;
    Ok(view_dict(&v, &call.site))
}

pub async fn resource_view_delete(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("resource_view_delete")?;
    let id = call.params.required("id")?;
    call.state
        .portal
        .delete_view(&call.caller.actor(), &id)
        .await
        .map_err(|e| CkanError::from_portal(e, call))?;
    Ok(Value::Null)
}
