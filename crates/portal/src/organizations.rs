//! Organizations (publishers), categories (CKAN's groups) and who belongs where.

use ceiba_core::access;
use ceiba_core::{Account, Category, Organization, Role};
use ceiba_store::now;
use uuid::Uuid;

use serde_json::json;

use crate::activity::by;
use crate::datasets::refused;
use crate::{Actor, Error, Portal, Reason, Thing};

impl Portal {
    /// Fails unless the actor runs the portal (a sysadmin, or the command line).
    pub(crate) fn require_portal_admin(&self, actor: &Actor, what: Thing) -> Result<(), Error> {
        if access::may_run_portal(&actor.perms) {
            return Ok(());
        }
        actor.identified()?;
        Err(Error::Forbidden(what))
    }

    /// Creates organization `org` (a new id and creation time); a signed-in creator
    /// becomes its admin in the same write.
    pub async fn create_organization(
        &self,
        actor: &Actor,
        mut org: Organization,
    ) -> Result<Organization, Error> {
        self.require_portal_admin(actor, Thing::Organization)?;
        ceiba_core::validate_name(&org.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        if org.title.es.trim().is_empty() {
            org.title.es = org.name.clone();
        }
        org.id = Uuid::new_v4();
        org.created = now();
        self.catalog()
            .create_organization_with_admin(&org, actor.account.as_ref().map(|a| a.id))
            .await
            .map_err(|e| refused(e, Thing::Organization))?;
        let mut a = by(actor, "organization_create");
        a.organization_id = Some(org.id);
        a.detail = json!({ "name": org.name, "title": org.title.es });
        self.record(a).await;
        Ok(org)
    }

    /// Creates category `cat` (a new id and creation time).
    pub async fn create_category(
        &self,
        actor: &Actor,
        mut cat: Category,
    ) -> Result<Category, Error> {
        self.require_portal_admin(actor, Thing::Category)?;
        ceiba_core::validate_name(&cat.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        if cat.title.es.trim().is_empty() {
            cat.title.es = cat.name.clone();
        }
        cat.id = Uuid::new_v4();
        cat.created = now();
        self.catalog()
            .create_category(&cat)
            .await
            .map_err(|e| refused(e, Thing::Category))?;
        Ok(cat)
    }

    /// Changes organization `org.id`'s name, titles, descriptions, image, e-mail and
    /// website (its admins and sysadmins).
    pub async fn update_organization(
        &self,
        actor: &Actor,
        mut org: Organization,
    ) -> Result<Organization, Error> {
        let old = self
            .catalog()
            .organization(&org.id.to_string())
            .await?
            .ok_or(Error::NotFound(Thing::Organization))?;
        if !access::may_admin(&actor.perms, old.id) {
            actor.signed_in()?;
            return Err(Error::Forbidden(Thing::Organization));
        }
        ceiba_core::validate_name(&org.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        if org.title.es.trim().is_empty() {
            org.title.es = org.name.clone();
        }
        org.created = old.created;
        self.catalog()
            .update_organization(&org)
            .await
            .map_err(|e| refused(e, Thing::Organization))?;
        let mut a = by(actor, "organization_update");
        a.organization_id = Some(org.id);
        a.detail = json!({ "name": org.name, "title": org.title.es });
        self.record(a).await;
        Ok(org)
    }

    /// Changes category `cat.id` (sysadmins).
    pub async fn update_category(
        &self,
        actor: &Actor,
        mut cat: Category,
    ) -> Result<Category, Error> {
        self.require_portal_admin(actor, Thing::Category)?;
        let old = self
            .catalog()
            .category(&cat.id.to_string())
            .await?
            .ok_or(Error::NotFound(Thing::Category))?;
        ceiba_core::validate_name(&cat.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        if cat.title.es.trim().is_empty() {
            cat.title.es = cat.name.clone();
        }
        cat.created = old.created;
        self.catalog()
            .update_category(&cat)
            .await
            .map_err(|e| refused(e, Thing::Category))?;
        Ok(cat)
    }

    /// Organization `name_or_id` and account `username`, if the actor administers the
    /// organization.
    async fn membership_parties(
        &self,
        actor: &Actor,
        org: &str,
        username: &str,
    ) -> Result<(Organization, Account), Error> {
        let org = self
            .catalog()
            .organization(org.trim())
            .await?
            .ok_or(Error::NotFound(Thing::Organization))?;
        if !access::may_admin(&actor.perms, org.id) {
            actor.identified()?;
            return Err(Error::Forbidden(Thing::Organization));
        }
        let account = self
            .catalog()
            .account(username.trim())
            .await?
            .ok_or(Error::NotFound(Thing::Account))?;
        Ok((org, account))
    }

    /// Gives account `username` role `role` in organization `org` (replacing its role).
    pub async fn set_member(
        &self,
        actor: &Actor,
        org: &str,
        username: &str,
        role: Role,
    ) -> Result<(Organization, Account), Error> {
        let (org, account) = self.membership_parties(actor, org, username).await?;
        self.catalog()
            .set_membership(account.id, org.id, role)
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        self.record_member(actor, "member_set", &org, &account, Some(role))
            .await;
        Ok((org, account))
    }

    /// Takes account `username` out of organization `org`; `Ok(false)` when it was not a
    /// member.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        org: &str,
        username: &str,
    ) -> Result<(Organization, Account, bool), Error> {
        let (org, account) = self.membership_parties(actor, org, username).await?;
        let was = self.catalog().remove_membership(account.id, org.id).await?;
        if was {
            self.record_member(actor, "member_remove", &org, &account, None)
                .await;
        }
        Ok((org, account, was))
    }

    async fn record_member(
        &self,
        actor: &Actor,
        action: &str,
        org: &Organization,
        account: &Account,
        role: Option<Role>,
    ) {
        let mut a = by(actor, action);
        a.organization_id = Some(org.id);
        a.account_id = Some(account.id);
        a.detail = json!({ "user": account.name, "role": role.map(Role::as_str) });
        self.record(a).await;
    }
}

impl Portal {
    /// Organization `org`'s members with their roles, for its admins and sysadmins.
    pub async fn members(
        &self,
        actor: &Actor,
        org: &str,
    ) -> Result<(Organization, Vec<(Account, Role)>), Error> {
        let org = self
            .catalog()
            .organization(org.trim())
            .await?
            .ok_or(Error::NotFound(Thing::Organization))?;
        actor.identified()?;
        if !access::may_admin(&actor.perms, org.id) {
            return Err(Error::Forbidden(Thing::Organization));
        }
        let members = self.catalog().members_of(org.id).await?;
        Ok((org, members))
    }

    /// Every account, for sysadmins (CKAN's `user_list`; moving a portal elsewhere).
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<Account>, Error> {
        self.require_portal_admin(actor, Thing::Account)?;
        Ok(self.catalog().accounts().await?)
    }
}
