//! The trash, for sysadmins: deleted datasets listed, restored, or purged with the files
//! nothing else references.

use ceiba_core::access;
use ceiba_core::{Dataset, DatasetState};
use serde_json::json;

use crate::activity::on_dataset;
use crate::{Actor, Error, Portal, Thing};

impl Portal {
    fn require_sysadmin(&self, actor: &Actor) -> Result<(), Error> {
        if access::may_run_portal(&actor.perms) {
            return Ok(());
        }
        actor.signed_in()?;
        Err(Error::Forbidden(Thing::Dataset))
    }

    /// Deleted datasets, most recently deleted first.
    pub async fn trash(&self, actor: &Actor) -> Result<Vec<Dataset>, Error> {
        self.require_sysadmin(actor)?;
        Ok(self.catalog().trash(500).await?)
    }

    async fn deleted(&self, name_or_id: &str) -> Result<Dataset, Error> {
        self.catalog()
            .dataset(name_or_id.trim())
            .await?
            .filter(|d| d.state == DatasetState::Deleted)
            .ok_or(Error::NotFound(Thing::Dataset))
    }

    /// Takes dataset `name_or_id` out of the trash (active again).
    pub async fn restore_dataset(&self, actor: &Actor, name_or_id: &str) -> Result<Dataset, Error> {
        self.require_sysadmin(actor)?;
        let d = self.deleted(name_or_id).await?;
        self.catalog().restore_dataset(d.id).await?;
        let detail = json!({ "name": d.name, "title": d.title.es });
        self.record(on_dataset(actor, "dataset_restore", &d, detail))
            .await;
        Ok(d)
    }

    /// Removes deleted dataset `name_or_id` for good, and the stored files only it used.
    /// Returns how many files were removed.
    pub async fn purge_dataset(&self, actor: &Actor, name_or_id: &str) -> Result<usize, Error> {
        self.require_sysadmin(actor)?;
        let d = self.deleted(name_or_id).await?;
        let keys = self.catalog().purge_dataset(d.id).await?;
        let mut removed = 0;
        for key in &keys {
            // A file that cannot be removed now is only space: the catalog no longer
            // names it, and nothing can reach it.
            match self.files().delete(key).await {
                Ok(()) => removed += 1,
                Err(e) => tracing::warn!(key = %key, error = %e, "could not remove a purged file"),
            }
        }
        let detail = json!({ "name": d.name, "title": d.title.es, "files": removed });
        self.record(on_dataset(actor, "dataset_purge", &d, detail))
            .await;
        Ok(removed)
    }
}
