//! `organization_create`, `group_create` (categories), `organization_member_create`
//! (roles) and `member_create` (a dataset filed under a category): CKAN's parameters
//! translated into the portal's use cases.

use super::*;

fn name_and_titles(
    call: &Call<'_>,
) -> Result<(String, Localized, Localized, Option<String>), CkanError> {
    let p = &call.params;
    let name = p.required("name")?;
    let title = Localized::new(
        p.str("title").unwrap_or_default(),
        p.str("title_en").unwrap_or_default(),
    );
    let description = Localized::new(
        p.str("description").unwrap_or_default(),
        p.str("description_en").unwrap_or_default(),
    );
    Ok((name, title, description, p.str("image_url")))
}

/// A name in use, as CKAN says it for organizations and groups.
fn group_refused<'a>(call: &'a Call<'a>) -> impl Fn(ceiba_portal::Error) -> CkanError + 'a {
    move |e| match e {
        ceiba_portal::Error::Invalid {
            reason: ceiba_portal::Reason::NameTaken,
            ..
        } => invalid("name", "Group name already exists in database"),
        e => CkanError::from_portal(e, call),
    }
}

pub async fn organization_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("organization_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let org = Organization {
        id: Uuid::nil(),
        name,
        title,
        description,
        image_url,
        email: call.params.str("email"),
        website: call.params.str("url"),
        created: chrono::Utc::now(),
    };
    let org = call
        .state
        .portal
        .create_organization(&call.caller.actor(), org)
        .await
        .map_err(group_refused(call))?;
    let mut v = dicts::organization(&org, &call.site, "organization");
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn group_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("group_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let cat = Category {
        id: Uuid::nil(),
        name,
        title,
        description,
        icon: image_url,
        created: chrono::Utc::now(),
    };
    let cat = call
        .state
        .portal
        .create_category(&call.caller.actor(), cat)
        .await
        .map_err(group_refused(call))?;
    let mut v = dicts::group(&cat, &call.site);
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn organization_member_create(call: &Call<'_>) -> Result<Value, CkanError> {
    call.caller.require("organization_member_create")?;
    let p = &call.params;
    let org = p.required("id")?;
    let username = p.required("username")?;
    let role_name = p.required("role")?;
    let role = Role::parse(&role_name)
        .ok_or_else(|| invalid("role", format!("Role {role_name} does not exist")))?;
    let (org, user) = call
        .state
        .portal
        .set_member(&call.caller.actor(), &org, &username, role)
        .await
        .map_err(|e| match e {
            ceiba_portal::Error::NotFound(ceiba_portal::Thing::Account) => {
                CkanError::NotFound(format!("User {username} not found"))
            }
            e => CkanError::from_portal(e, call),
        })?;
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
    let (cat, d) = call
        .state
        .portal
        .file_under(&call.caller.actor(), &object, &group)
        .await
        .map_err(refused(call))?;
    Ok(json!({
        "id": Uuid::new_v5(&cat.id, d.id.as_bytes()),
        "table_name": "package",
        "table_id": d.id,
        "group_id": cat.id,
        "capacity": p.str("capacity").unwrap_or_else(|| "public".into()),
        "state": "active",
    }))
}
