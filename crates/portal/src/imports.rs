//! Records brought from another catalog (a harvest, a migration from CKAN): written with
//! the ids, names and times they had there, so that old addresses keep answering; a
//! record that is already here as it was is left alone, so a second run writes nothing.
//! Only those who run the portal import.

use std::path::PathBuf;

use ceiba_core::{Account, Category, Dataset, Organization, Resource, Role};
use ceiba_ingest::IngestOptions;
use ceiba_store::MarkChange;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::activity::{by, dataset_changes, on_dataset};
use crate::datasets::refused;
use crate::{Actor, Error, Portal, Reason, Thing};

/// What an import did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    /// Already here as the source has it: nothing written.
    Unchanged,
}

/// A resource as the source has it.
#[derive(Debug, Clone)]
pub struct ImportedResource {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub format: String,
    pub media_type: Option<String>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub content: ImportedContent,
}

/// Where an imported resource's data is.
#[derive(Debug, Clone)]
pub enum ImportedContent {
    /// A link to the source's address.
    Link(String),
    /// A file downloaded from the source to local scratch space, uploaded under
    /// `filename` (a new version only when its bytes differ from the one here).
    File { path: PathBuf, filename: String },
}

impl Portal {
    /// Organization `org` with its own id, name and creation time.
    pub async fn import_organization(
        &self,
        actor: &Actor,
        org: Organization,
    ) -> Result<Outcome, Error> {
        self.require_portal_admin(actor, Thing::Organization)?;
        ceiba_core::validate_name(&org.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        let outcome = match self.catalog().organization(&org.id.to_string()).await? {
            Some(old) if old == org => return Ok(Outcome::Unchanged),
            Some(_) => {
                self.catalog()
                    .update_organization(&org)
                    .await
                    .map_err(|e| refused(e, Thing::Organization))?;
                Outcome::Updated
            }
            None => {
                self.catalog()
                    .create_organization(&org)
                    .await
                    .map_err(|e| refused(e, Thing::Organization))?;
                Outcome::Created
            }
        };
        let mut a = by(actor, "organization_import");
        a.organization_id = Some(org.id);
        a.detail = json!({ "name": org.name, "title": org.title.es });
        self.record(a).await;
        Ok(outcome)
    }

    /// Category `cat` with its own id, name and creation time.
    pub async fn import_category(&self, actor: &Actor, cat: Category) -> Result<Outcome, Error> {
        self.require_portal_admin(actor, Thing::Category)?;
        ceiba_core::validate_name(&cat.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        match self.catalog().category(&cat.id.to_string()).await? {
            Some(old) if old == cat => Ok(Outcome::Unchanged),
            Some(_) => {
                self.catalog()
                    .update_category(&cat)
                    .await
                    .map_err(|e| refused(e, Thing::Category))?;
                Ok(Outcome::Updated)
            }
            None => {
                self.catalog()
                    .create_category(&cat)
                    .await
                    .map_err(|e| refused(e, Thing::Category))?;
                Ok(Outcome::Created)
            }
        }
    }

    /// Account `account` with its own id and name, without a password: its owner sets one
    /// through the reset link. An account already here keeps its password.
    pub async fn import_account(&self, actor: &Actor, account: Account) -> Result<Outcome, Error> {
        self.require_portal_admin(actor, Thing::Account)?;
        ceiba_core::validate_name(&account.name)
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        match self.catalog().account(&account.id.to_string()).await? {
            Some(old) if old == account => Ok(Outcome::Unchanged),
            Some(_) => {
                self.catalog()
                    .update_account(&account)
                    .await
                    .map_err(|e| refused(e, Thing::Account))?;
                Ok(Outcome::Updated)
            }
            None => {
                self.catalog()
                    .create_account(&account, None)
                    .await
                    .map_err(|e| refused(e, Thing::Account))?;
                Ok(Outcome::Created)
            }
        }
    }

    /// Gives account `account` role `role` in organization `org`.
    pub async fn import_membership(
        &self,
        actor: &Actor,
        account: Uuid,
        org: Uuid,
        role: Role,
    ) -> Result<Outcome, Error> {
        self.require_portal_admin(actor, Thing::Organization)?;
        let now = self.catalog().memberships_of(account).await?;
        if now.iter().any(|(o, r)| *o == org && *r == role) {
            return Ok(Outcome::Unchanged);
        }
        self.catalog()
            .set_membership(account, org, role)
            .await
            .map_err(|e| refused(e, Thing::Organization))?;
        Ok(Outcome::Created)
    }

    /// Dataset `d` (its id, name, times and state as given) with exactly `resources`, in
    /// that order: resources here that the source no longer has are deleted, a file whose
    /// bytes changed becomes a new version. Links are written with the dataset at once;
    /// each file is then stored with its own write.
    pub async fn import_dataset(
        &self,
        actor: &Actor,
        mut d: Dataset,
        resources: Vec<ImportedResource>,
    ) -> Result<Outcome, Error> {
        self.require_portal_admin(actor, Thing::Dataset)?;
        if self
            .catalog()
            .organization(&d.organization_id.to_string())
            .await?
            .is_none()
        {
            return Err(Error::invalid(
                "owner_org",
                Reason::UnknownOrganization(d.organization_id.to_string()),
            ));
        }
        self.settle(&mut d).await?;
        let old = self.catalog().dataset_by_id(d.id).await?;
        let Some(old) = old else {
            return self.import_new_dataset(actor, d, resources).await;
        };
        let mut changed = false;
        if old != d {
            self.catalog()
                .update_dataset(&d)
                .await
                .map_err(|e| refused(e, Thing::Dataset))?;
            let detail = json!({ "changes": dataset_changes(&old, &d), "imported": true });
            self.record(on_dataset(actor, "dataset_update", &d, detail))
                .await;
            changed = true;
        }
        let here = self.catalog().resources_of(d.id).await?;
        for r in &here {
            if !resources.iter().any(|i| i.id == r.id) {
                self.catalog().delete_resource(r.id).await?;
                changed = true;
            }
        }
        for (position, input) in resources.iter().enumerate() {
            let current = here.iter().find(|r| r.id == input.id);
            changed |= self
                .import_resource(&d, current, input, position as i64)
                .await?;
        }
        let order: Vec<Uuid> = resources.iter().map(|r| r.id).collect();
        let now: Vec<Uuid> = self
            .catalog()
            .resources_of(d.id)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        if now != order {
            self.catalog()
                .reorder_resources(d.id, &order)
                .await
                .map_err(|e| refused(e, Thing::Resource))?;
            changed = true;
        }
        Ok(if changed {
            Outcome::Updated
        } else {
            Outcome::Unchanged
        })
    }

    async fn import_new_dataset(
        &self,
        actor: &Actor,
        d: Dataset,
        resources: Vec<ImportedResource>,
    ) -> Result<Outcome, Error> {
        if let Some(other) = self.catalog().dataset(&d.name).await? {
            if other.id != d.id {
                return Err(Error::invalid("name", Reason::NameTaken));
            }
        }
        let links: Vec<Resource> = resources
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.content {
                ImportedContent::Link(url) => Some(link_resource(&d, r, url, i as i64)),
                ImportedContent::File { .. } => None,
            })
            .collect();
        self.catalog()
            .create_dataset_with(&d, &links)
            .await
            .map_err(|e| refused(e, Thing::Dataset))?;
        for (position, r) in resources.iter().enumerate() {
            if matches!(r.content, ImportedContent::File { .. }) {
                self.import_resource(&d, None, r, position as i64).await?;
            }
        }
        let order: Vec<Uuid> = resources.iter().map(|r| r.id).collect();
        if !order.is_empty() {
            self.catalog()
                .reorder_resources(d.id, &order)
                .await
                .map_err(|e| refused(e, Thing::Resource))?;
        }
        let detail = json!({
            "name": d.name, "title": d.title.es, "resources": resources.len(), "imported": true
        });
        self.record(on_dataset(actor, "dataset_create", &d, detail))
            .await;
        Ok(Outcome::Created)
    }

    /// Writes one imported resource of `d` (`current`: the one here with its id); true
    /// when something was written.
    async fn import_resource(
        &self,
        d: &Dataset,
        current: Option<&Resource>,
        input: &ImportedResource,
        position: i64,
    ) -> Result<bool, Error> {
        match (&input.content, current) {
            (ImportedContent::Link(url), None) => {
                let r = link_resource(d, input, url, position);
                self.catalog()
                    .create_resource(&r)
                    .await
                    .map_err(|e| refused(e, Thing::Resource))?;
                Ok(true)
            }
            (ImportedContent::Link(url), Some(old)) => {
                let mut r = link_resource(d, input, url, old.position);
                r.created = old.created;
                if old.is_upload() {
                    // Was a file, now a link: the old resource goes with its versions.
                    self.catalog().delete_resource(old.id).await?;
                    self.catalog()
                        .create_resource(&r)
                        .await
                        .map_err(|e| refused(e, Thing::Resource))?;
                    return Ok(true);
                }
                if same_fields(old, &r) {
                    return Ok(false);
                }
                self.catalog()
                    .update_resource(&r)
                    .await
                    .map_err(|e| refused(e, Thing::Resource))?;
                Ok(true)
            }
            (ImportedContent::File { .. }, Some(old)) if !old.is_upload() => {
                // Was a link (a file that could not be fetched last time): it becomes
                // the upload, under the same id.
                self.catalog().delete_resource(old.id).await?;
                Box::pin(self.import_resource(d, None, input, position)).await
            }
            (ImportedContent::File { path, filename }, None) => {
                self.ingestor()
                    .add_upload_with_id(
                        input.id,
                        d,
                        &input.name,
                        &input.description,
                        path,
                        filename,
                        &IngestOptions::default(),
                    )
                    .await
                    .map_err(crate::resources::upload_refused)?;
                self.keep_fields(input).await?;
                Ok(true)
            }
            (ImportedContent::File { path, filename }, Some(old)) => {
                let mut r = old.clone();
                r.name = input.name.clone();
                r.description = input.description.clone();
                if !input.format.is_empty() {
                    r.format = input.format.trim().to_uppercase();
                }
                r.media_type = input.media_type.clone().or(r.media_type);
                // A file's time here is its own (ingesting it sets it): it follows the
                // source's only when the source changed something.
                r.modified = old.modified;
                let bytes_differ = old.sha256.as_deref() != Some(sha256_of(path).await?.as_str());
                if bytes_differ {
                    r.url = None;
                    self.ingestor()
                        .replace_upload(
                            &r,
                            path,
                            filename,
                            &IngestOptions::default(),
                            &MarkChange::Keep,
                        )
                        .await
                        .map_err(crate::resources::upload_refused)?;
                    return Ok(true);
                }
                if r == *old {
                    return Ok(false);
                }
                r.modified = input.modified.max(old.modified);
                self.catalog()
                    .update_resource(&r)
                    .await
                    .map_err(|e| refused(e, Thing::Resource))?;
                Ok(true)
            }
        }
    }

    /// After an upload: the source's format, media type and times on the new resource.
    async fn keep_fields(&self, input: &ImportedResource) -> Result<(), Error> {
        let Some(mut r) = self.catalog().resource(&input.id.to_string()).await? else {
            return Ok(());
        };
        if !input.format.is_empty() {
            r.format = input.format.trim().to_uppercase();
        }
        if input.media_type.is_some() {
            r.media_type = input.media_type.clone();
        }
        r.modified = input.modified;
        self.catalog()
            .update_resource(&r)
            .await
            .map_err(|e| refused(e, Thing::Resource))
    }

    /// Moves an imported dataset that left its source to the trash (restorable).
    pub async fn withdraw_dataset(&self, actor: &Actor, id: Uuid) -> Result<bool, Error> {
        self.require_portal_admin(actor, Thing::Dataset)?;
        let Some(d) = self.catalog().dataset_by_id(id).await? else {
            return Ok(false);
        };
        if d.state == ceiba_core::DatasetState::Deleted {
            return Ok(false);
        }
        self.catalog().delete_dataset(d.id).await?;
        let detail = json!({ "name": d.name, "title": d.title.es, "withdrawn": true });
        self.record(on_dataset(actor, "dataset_delete", &d, detail))
            .await;
        Ok(true)
    }
}

fn link_resource(d: &Dataset, r: &ImportedResource, url: &str, position: i64) -> Resource {
    Resource {
        id: r.id,
        dataset_id: d.id,
        name: r.name.clone(),
        description: r.description.clone(),
        format: r.format.trim().to_uppercase(),
        media_type: r.media_type.clone(),
        size: None,
        sha256: None,
        original_filename: None,
        url: Some(url.to_owned()),
        storage_key: None,
        position,
        current_version_id: None,
        created: r.created,
        modified: r.modified,
    }
}

/// Whether a link resource here says what the source says (its position aside).
fn same_fields(old: &Resource, new: &Resource) -> bool {
    old.name == new.name
        && old.description == new.description
        && old.format == new.format
        && old.media_type == new.media_type
        && old.url == new.url
        && old.modified == new.modified
}

/// Hex SHA-256 of a local file, read in the blocking pool.
async fn sha256_of(path: &std::path::Path) -> Result<String, Error> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use sha2::Digest;
        let mut f = std::fs::File::open(&path)?;
        let mut h = sha2::Sha256::new();
        std::io::copy(&mut f, &mut h)?;
        Ok::<_, std::io::Error>(hex::encode(h.finalize()))
    })
    .await
    .map_err(|e| Error::Internal(format!("hashing: {e}")))?
    .map_err(|e| Error::Internal(format!("hashing: {e}")))
}
