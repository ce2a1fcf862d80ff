//! The dataset, resource or view an actor may see or change. What the actor may not see
//! (and, for changes, a deleted dataset) is "not found", so that an answer tells nothing
//! of what exists; what it sees but may not change is "forbidden".

use ceiba_core::access::Audience;
use ceiba_core::{Dataset, DatasetState, Resource};
use ceiba_store::SavedView;
use uuid::Uuid;

use crate::{Actor, Error, Portal, Thing};

impl Portal {
    /// Dataset `name_or_id`, if the actor may see it.
    pub async fn visible_dataset(&self, actor: &Actor, name_or_id: &str) -> Result<Dataset, Error> {
        match self.catalog().dataset(name_or_id).await? {
            Some(d) if actor.may_see(&d) => Ok(d),
            _ => Err(Error::NotFound(Thing::Dataset)),
        }
    }

    /// Dataset `name_or_id`, if the actor may change it.
    pub async fn editable_dataset(
        &self,
        actor: &Actor,
        name_or_id: &str,
    ) -> Result<Dataset, Error> {
        actor.identified()?;
        let d = self.visible_dataset(actor, name_or_id).await?;
        if d.state == DatasetState::Deleted {
            return Err(Error::NotFound(Thing::Dataset));
        }
        actor.require_edit(&d, Thing::Dataset)?;
        Ok(d)
    }

    /// Resource `id` and its dataset, if `audience` sees the dataset.
    pub async fn visible_resource(
        &self,
        audience: &Audience,
        id: &str,
    ) -> Result<(Resource, Dataset), Error> {
        let not_found = || Error::NotFound(Thing::Resource);
        let r = self.catalog().resource(id).await?.ok_or_else(not_found)?;
        let d = self
            .catalog()
            .dataset_by_id(r.dataset_id)
            .await?
            .filter(|d| audience.may_see(d))
            .ok_or_else(not_found)?;
        Ok((r, d))
    }

    /// Resource `resource_id` and its dataset, if the actor may change them. With
    /// `dataset` (a name or id, as in a page's address) the resource must belong to it.
    pub async fn editable_resource(
        &self,
        actor: &Actor,
        dataset: Option<&str>,
        resource_id: &str,
    ) -> Result<(Resource, Dataset), Error> {
        actor.identified()?;
        let not_found = || Error::NotFound(Thing::Resource);
        let r = self
            .catalog()
            .resource(resource_id)
            .await?
            .ok_or_else(not_found)?;
        let d = self
            .catalog()
            .dataset_by_id(r.dataset_id)
            .await?
            .filter(|d| actor.may_see(d) && d.state != DatasetState::Deleted)
            .filter(|d| dataset.is_none_or(|n| d.name == n || d.id.to_string() == n))
            .ok_or_else(not_found)?;
        actor.require_edit(&d, Thing::Resource)?;
        Ok((r, d))
    }

    /// Saved view `id` and its dataset, if the actor may change them.
    pub async fn editable_view(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(SavedView, Dataset), Error> {
        actor.identified()?;
        let not_found = || Error::NotFound(Thing::View);
        let id = Uuid::parse_str(id.trim()).map_err(|_| not_found())?;
        let v = self.catalog().view(id).await?.ok_or_else(not_found)?;
        let d = self
            .catalog()
            .dataset_by_id(v.dataset_id)
            .await?
            .filter(|d| actor.may_see(d) && d.state != DatasetState::Deleted)
            .ok_or_else(not_found)?;
        actor.require_edit(&d, Thing::View)?;
        Ok((v, d))
    }
}
