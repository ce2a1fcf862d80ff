//! Datasets: create (with their first links), update, delete, and filing under a
//! category. A door builds the dataset it wants from its own input (a CKAN dict, a form);
//! what may be written, by whom, is decided here.

use ceiba_core::access;
use ceiba_core::{Category, Dataset, DatasetState, Organization};
use ceiba_store::{now, StoreError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use serde_json::json;

use crate::activity::{dataset_changes, on_dataset};
use crate::{Actor, Error, Portal, Reason, Thing};

/// A catalog refusal of a write, in the portal's terms: the field it names, a name in use,
/// someone else's change.
pub(crate) fn refused(e: StoreError, thing: Thing) -> Error {
    match e {
        StoreError::NameTaken { .. } => Error::invalid("name", Reason::NameTaken),
        StoreError::Conflict { .. } => Error::Conflict(thing),
        StoreError::Invalid { field, message } => Error::invalid(field, Reason::Refused(message)),
        e => Error::Store(e),
    }
}

impl Portal {
    /// Organization `name_or_id`, as a dataset's publisher (`field` names the door's field).
    pub async fn publisher(
        &self,
        field: &'static str,
        name_or_id: &str,
    ) -> Result<Organization, Error> {
        self.catalog()
            .organization(name_or_id.trim())
            .await?
            .ok_or_else(|| Error::invalid(field, Reason::UnknownOrganization(name_or_id.into())))
    }

    /// Category `name_or_id` (CKAN's group).
    pub async fn category(&self, field: &'static str, name_or_id: &str) -> Result<Category, Error> {
        self.catalog()
            .category(name_or_id.trim())
            .await?
            .ok_or_else(|| Error::invalid(field, Reason::UnknownCategory(name_or_id.into())))
    }

    /// What every written dataset holds: categories by their names, a title (the URL name
    /// when none is given).
    pub(crate) async fn settle(&self, d: &mut Dataset) -> Result<(), Error> {
        let mut names = Vec::with_capacity(d.categories.len());
        for c in &d.categories {
            let name = self.category("groups", c).await?.name;
            if !names.contains(&name) {
                names.push(name);
            }
        }
        d.categories = names;
        ceiba_core::validate_name(&d.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        if d.title.es.trim().is_empty() {
            d.title.es = d.name.clone();
        }
        Ok(())
    }

    /// Fails unless the actor may publish in organization `org` (which must exist).
    async fn require_publisher(&self, actor: &Actor, org: Uuid) -> Result<(), Error> {
        actor.identified()?;
        if self
            .catalog()
            .organization(&org.to_string())
            .await?
            .is_none()
        {
            return Err(Error::invalid(
                "owner_org",
                Reason::UnknownOrganization(org.to_string()),
            ));
        }
        if access::may_publish_in(&actor.perms, org) {
            Ok(())
        } else {
            Err(Error::Forbidden(Thing::Dataset))
        }
    }

    /// Creates `d` (a new id unless it has one; created and modified now) with `links`,
    /// its first resources, all at once.
    pub async fn create_dataset(
        &self,
        actor: &Actor,
        mut d: Dataset,
        links: Vec<crate::ResourceInput>,
    ) -> Result<Dataset, Error> {
        self.require_publisher(actor, d.organization_id).await?;
        if d.featured && !access::may_admin(&actor.perms, d.organization_id) {
            return Err(Error::Forbidden(Thing::Dataset));
        }
        self.settle(&mut d).await?;
        if d.id.is_nil() {
            d.id = Uuid::new_v4();
        }
        let t = now();
        d.created = t;
        d.modified = t;
        let mut resources = Vec::with_capacity(links.len());
        for (i, r) in links.into_iter().enumerate() {
            resources.push(crate::resources::new_link(&d, r, i as i64)?);
        }
        self.catalog()
            .create_dataset_with(&d, &resources)
            .await
            .map_err(|e| refused(e, Thing::Dataset))?;
        let detail = json!({ "name": d.name, "title": d.title.es, "resources": resources.len() });
        self.record(on_dataset(actor, "dataset_create", &d, detail))
            .await;
        Ok(d)
    }

    /// Replaces the fields of dataset `d.id` with `d`'s (its creation time kept). With
    /// `since`, the time the door read it: someone else's change in between is a
    /// [`Error::Conflict`] and nothing is written. Moving it to another organization
    /// needs the right to publish there too; featuring it, the publisher's admin.
    pub async fn update_dataset(
        &self,
        actor: &Actor,
        mut d: Dataset,
        since: Option<DateTime<Utc>>,
    ) -> Result<Dataset, Error> {
        let old = self.editable_dataset(actor, &d.id.to_string()).await?;
        if d.organization_id != old.organization_id {
            self.require_publisher(actor, d.organization_id).await?;
        }
        if d.featured != old.featured && !access::may_feature(&actor.perms, &old) {
            return Err(Error::Forbidden(Thing::Dataset));
        }
        if d.state == DatasetState::Deleted {
            d.state = old.state;
        }
        self.settle(&mut d).await?;
        d.created = old.created;
        d.modified = now().max(old.modified);
        self.catalog()
            .update_dataset_since(&d, since)
            .await
            .map_err(|e| refused(e, Thing::Dataset))?;
        let changes = dataset_changes(&old, &d);
        if !changes.is_empty() {
            let detail = json!({ "changes": changes });
            self.record(on_dataset(actor, "dataset_update", &d, detail))
                .await;
        }
        Ok(d)
    }

    /// Moves dataset `name_or_id` to the trash (CKAN's `deleted` state): it leaves lists,
    /// search and public pages and keeps its files until it is purged.
    pub async fn delete_dataset(&self, actor: &Actor, name_or_id: &str) -> Result<Dataset, Error> {
        let d = self.editable_dataset(actor, name_or_id).await?;
        self.catalog().delete_dataset(d.id).await?;
        let detail = json!({ "name": d.name, "title": d.title.es });
        self.record(on_dataset(actor, "dataset_delete", &d, detail))
            .await;
        Ok(d)
    }

    /// Files dataset `dataset` under category `category` (nothing changes when it is
    /// filed there already).
    pub async fn file_under(
        &self,
        actor: &Actor,
        dataset: &str,
        category: &str,
    ) -> Result<(Category, Dataset), Error> {
        let cat = self
            .catalog()
            .category(category.trim())
            .await?
            .ok_or(Error::NotFound(Thing::Category))?;
        let mut d = self.editable_dataset(actor, dataset).await?;
        if !d.categories.contains(&cat.name) {
            let old = d.clone();
            d.categories.push(cat.name.clone());
            d.modified = now().max(d.modified);
            self.catalog()
                .update_dataset(&d)
                .await
                .map_err(|e| refused(e, Thing::Dataset))?;
            let detail = json!({ "changes": dataset_changes(&old, &d) });
            self.record(on_dataset(actor, "dataset_update", &d, detail))
                .await;
        }
        Ok((cat, d))
    }
}
