//! The history of changes: every use case that changes the catalog records what it did
//! here (who, when, what, and a summary: a dataset's fields before and after, a
//! resource's new version), and the streams are read back for those who may see them.
//!
//! An entry is written right after its change (the change's own write stays whole; a
//! crash between the two loses the entry, never the change).

use ceiba_core::access::Audience;
use ceiba_core::{Dataset, Resource};
use ceiba_store::{Activity, Stream};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::{Actor, Error, Portal};

/// Most entries one read returns.
pub const MAX_ACTIVITY: i64 = 100;

/// The fields of `old` and `new` that differ, as `{field: [before, after]}`.
pub fn dataset_changes(old: &Dataset, new: &Dataset) -> Map<String, Value> {
    let mut changes = Map::new();
    let mut field = |name: &str, before: Value, after: Value| {
        if before != after {
            changes.insert(name.to_owned(), json!([before, after]));
        }
    };
    field("name", json!(old.name), json!(new.name));
    field("title", json!(old.title.es), json!(new.title.es));
    field("title_en", json!(old.title.en), json!(new.title.en));
    field(
        "notes",
        json!(old.description.es),
        json!(new.description.es),
    );
    field(
        "notes_en",
        json!(old.description.en),
        json!(new.description.en),
    );
    field(
        "owner_org",
        json!(old.organization_id),
        json!(new.organization_id),
    );
    field("groups", json!(old.categories), json!(new.categories));
    field("tags", json!(old.tags), json!(new.tags));
    field("license_id", json!(old.licence_id), json!(new.licence_id));
    field(
        "temporal_start",
        json!(old.temporal.start),
        json!(new.temporal.start),
    );
    field(
        "temporal_end",
        json!(old.temporal.end),
        json!(new.temporal.end),
    );
    field("spatial", json!(old.spatial), json!(new.spatial));
    field(
        "frequency",
        json!(old.frequency.map(|f| f.code())),
        json!(new.frequency.map(|f| f.code())),
    );
    field(
        "maintainer",
        json!(old.contact.name),
        json!(new.contact.name),
    );
    field(
        "maintainer_email",
        json!(old.contact.email),
        json!(new.contact.email),
    );
    field("url", json!(old.source_url), json!(new.source_url));
    field("version", json!(old.version), json!(new.version));
    field(
        "state",
        json!(old.state.as_str()),
        json!(new.state.as_str()),
    );
    field("private", json!(old.private), json!(new.private));
    field("featured", json!(old.featured), json!(new.featured));
    field("extras", json!(old.extras), json!(new.extras));
    changes
}

/// The fields of a resource that differ.
pub fn resource_changes(old: &Resource, new: &Resource) -> Map<String, Value> {
    let mut changes = Map::new();
    let mut field = |name: &str, before: Value, after: Value| {
        if before != after {
            changes.insert(name.to_owned(), json!([before, after]));
        }
    };
    field("name", json!(old.name), json!(new.name));
    field(
        "description",
        json!(old.description),
        json!(new.description),
    );
    field("format", json!(old.format), json!(new.format));
    field("url", json!(old.url), json!(new.url));
    field("position", json!(old.position), json!(new.position));
    changes
}

/// An entry by `actor` about dataset `d`.
pub(crate) fn on_dataset(actor: &Actor, action: &str, d: &Dataset, detail: Value) -> Activity {
    Activity {
        dataset_id: Some(d.id),
        organization_id: Some(d.organization_id),
        detail,
        ..by(actor, action)
    }
}

/// An entry by `actor`, about nothing yet.
pub(crate) fn by(actor: &Actor, action: &str) -> Activity {
    let mut a = Activity::new(action);
    a.actor_id = actor.account.as_ref().map(|a| a.id);
    a.actor = actor.account.as_ref().map(|a| a.name.clone());
    a
}

impl Portal {
    /// Records a change that was just written; a failure is logged, not returned (the
    /// change itself is done).
    pub(crate) async fn record(&self, a: Activity) {
        if let Err(e) = self.catalog().record_activity(&a).await {
            tracing::warn!(action = %a.action, error = %e, "could not record the activity");
        }
    }

    /// Dataset `name_or_id`'s history, if the actor may see it; newest first.
    pub async fn dataset_activity(
        &self,
        actor: &Actor,
        name_or_id: &str,
        limit: i64,
    ) -> Result<(Dataset, Vec<Activity>), Error> {
        let d = self.visible_dataset(actor, name_or_id).await?;
        let list = self
            .catalog()
            .activity(Stream::Dataset(d.id), None, limit.clamp(1, MAX_ACTIVITY))
            .await?;
        Ok((d, list))
    }

    /// A stream's entries the actor may see: those about datasets it may see (as they are
    /// now), and those about no dataset (organizations, roles).
    pub async fn activity(
        &self,
        actor: &Actor,
        stream: Stream,
        limit: i64,
    ) -> Result<Vec<Activity>, Error> {
        let limit = limit.clamp(1, MAX_ACTIVITY);
        let audience: Audience = actor.audience();
        let mut seen = Vec::new();
        let mut before = None;
        // Read in pages until `limit` visible entries or the stream's end; bounded.
        for _ in 0..10 {
            let page = self.catalog().activity(stream, before, limit * 2).await?;
            let ended = (page.len() as i64) < limit * 2;
            before = page.last().map(|a| a.at);
            let ids: Vec<Uuid> = page.iter().filter_map(|a| a.dataset_id).collect();
            let datasets = self.catalog().datasets_by_ids(&ids).await?;
            for a in page {
                let visible = match a.dataset_id {
                    None => true,
                    Some(id) => datasets
                        .iter()
                        .find(|d| d.id == id)
                        .is_some_and(|d| audience.may_see(d)),
                };
                if visible && (seen.len() as i64) < limit {
                    seen.push(a);
                }
            }
            if ended || seen.len() as i64 >= limit {
                break;
            }
        }
        Ok(seen)
    }
}
