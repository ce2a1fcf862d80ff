//! `organization_create`, `group_create` (categories), `organization_member_create`
//! (roles) and `member_create` (a dataset filed under a category).

use super::*;

fn require_sysadmin(call: &Call<'_>, action: &str) -> Result<(), CkanError> {
    let account = call.caller.require(action)?;
    if call.caller.perms.is_sysadmin() {
        Ok(())
    } else {
        Err(CkanError::Authorization(format!(
            "User {} not authorized to {action}",
            account.name
        )))
    }
}

fn name_and_titles(
    call: &Call<'_>,
) -> Result<(String, Localized, Localized, Option<String>), CkanError> {
    let p = &call.params;
    let name = p.required("name")?;
    ceiba_core::validate_name(&name).map_err(|e| invalid("name", e.to_string()))?;
    let title = Localized::new(
        p.str("title").unwrap_or_else(|| name.clone()),
        p.str("title_en").unwrap_or_default(),
    );
    let description = Localized::new(
        p.str("description").unwrap_or_default(),
        p.str("description_en").unwrap_or_default(),
    );
    Ok((name, title, description, p.str("image_url")))
}

pub async fn organization_create(call: &Call<'_>) -> Result<Value, CkanError> {
    require_sysadmin(call, "organization_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let org = Organization {
        id: Uuid::new_v4(),
        name,
        title,
        description,
        image_url,
        email: call.params.str("email"),
        website: call.params.str("url"),
        created: now(),
    };
    let c = &call.state.catalog;
    c.create_organization(&org).await.map_err(|e| match e {
        ceiba_store::StoreError::NameTaken { .. } => {
            invalid("name", "Group name already exists in database")
        }
        e => e.into(),
    })?;
    if let Some(account) = &call.caller.account {
        c.set_membership(account.id, org.id, Role::Admin).await?;
    }
    let mut v = dicts::organization(&org, &call.site, "organization");
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn group_create(call: &Call<'_>) -> Result<Value, CkanError> {
    require_sysadmin(call, "group_create")?;
    let (name, title, description, image_url) = name_and_titles(call)?;
    let cat = Category {
        id: Uuid::new_v4(),
        name,
        title,
        description,
        icon: image_url,
        created: now(),
    };
    call.state
        .catalog
        .create_category(&cat)
        .await
        .map_err(|e| match e {
            ceiba_store::StoreError::NameTaken { .. } => {
                invalid("name", "Group name already exists in database")
            }
            e => e.into(),
        })?;
    let mut v = dicts::group(&cat, &call.site);
    v["package_count"] = json!(0);
    Ok(v)
}

pub async fn organization_member_create(call: &Call<'_>) -> Result<Value, CkanError> {
    let account = call.caller.require("organization_member_create")?;
    let p = &call.params;
    let org_id = p.required("id")?;
    let org = call
        .state
        .catalog
        .organization(&org_id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Organization not found".into()))?;
    if !ceiba_core::access::may_admin(&call.caller.perms, org.id) {
        return Err(CkanError::Authorization(format!(
            "User {} not authorized to edit organization {}",
            account.name, org.name
        )));
    }
    let username = p.required("username")?;
    let role_name = p.required("role")?;
    let role = Role::parse(&role_name)
        .ok_or_else(|| invalid("role", format!("Role {role_name} does not exist")))?;
    let user = call
        .state
        .catalog
        .account(&username)
        .await?
        .ok_or_else(|| CkanError::NotFound(format!("User {username} not found")))?;
    call.state
        .catalog
        .set_membership(user.id, org.id, role)
        .await?;
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
    let cat = call
        .state
        .catalog
        .category(&group)
        .await?
        .ok_or_else(|| CkanError::NotFound("Group not found".into()))?;
    let mut d = match call.state.catalog.dataset(&object).await? {
        Some(d) if d.state != DatasetState::Deleted && may_see(call, &d) => d,
        _ => return Err(CkanError::NotFound("Dataset not found".into())),
    };
    may_edit(call, "member_create", d.organization_id)?;
    if !d.categories.contains(&cat.name) {
        d.categories.push(cat.name.clone());
        d.modified = now();
        call.state.catalog.update_dataset(&d).await.map_err(store)?;
    }
    Ok(json!({
        "id": Uuid::new_v5(&cat.id, d.id.as_bytes()),
        "table_name": "package",
        "table_id": d.id,
        "group_id": cat.id,
        "capacity": p.str("capacity").unwrap_or_else(|| "public".into()),
        "state": "active",
    }))
}
