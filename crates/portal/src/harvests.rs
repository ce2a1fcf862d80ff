//! Harvest sources: adding one, listing them with their latest runs, asking for a run.
//! Only those who run the portal. The runs themselves are `ceiba_harvest`'s.

use ceiba_store::{HarvestRun, HarvestSource};
use uuid::Uuid;

use crate::datasets::refused;
use crate::{Actor, Error, Portal, Reason, Thing};

/// Kinds of source a harvest reads.
pub const SOURCE_KINDS: &[&str] = &["ckan", "dcat"];
/// How often a source runs by itself.
pub const SOURCE_SCHEDULES: &[&str] = &["manual", "hourly", "daily", "weekly"];
/// Runs shown per source.
pub const RUNS_SHOWN: i64 = 10;

/// What a door knows of a new source.
#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    pub name: String,
    pub kind: String,
    pub url: String,
    /// Organization name or id the datasets go under (empty: the source's publishers).
    pub organization: String,
    pub schedule: String,
    pub copy_files: bool,
}

impl Portal {
    /// Adds a harvest source.
    pub async fn add_harvest_source(
        &self,
        actor: &Actor,
        input: SourceInput,
    ) -> Result<HarvestSource, Error> {
        self.require_portal_admin(actor, Thing::HarvestSource)?;
        let name = input.name.trim().to_owned();
        ceiba_core::validate_name(&name).map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        let kind = input.kind.trim().to_ascii_lowercase();
        let kind = SOURCE_KINDS
            .iter()
            .find(|k| **k == kind)
            .ok_or(Error::invalid("type", Reason::OneOf(SOURCE_KINDS)))?;
        let schedule = match input.schedule.trim() {
            "" => "manual".to_owned(),
            s => s.to_ascii_lowercase(),
        };
        if !SOURCE_SCHEDULES.contains(&schedule.as_str()) {
            return Err(Error::invalid("schedule", Reason::OneOf(SOURCE_SCHEDULES)));
        }
        let url = input.url.trim().to_owned();
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
            return Err(Error::invalid("url", Reason::NotHttp));
        }
        let organization_id = match input.organization.trim() {
            "" => None,
            o => Some(self.publisher("organization", o).await?.id),
        };
        let source = HarvestSource {
            id: Uuid::new_v4(),
            name,
            kind: (*kind).to_owned(),
            url,
            organization_id,
            schedule,
            copy_files: input.copy_files,
            created: ceiba_store::now(),
            run_requested: None,
        };
        self.catalog()
            .create_harvest_source(&source)
            .await
            .map_err(|e| refused(e, Thing::HarvestSource))?;
        Ok(source)
    }

    /// Source `name`.
    pub async fn harvest_source(&self, actor: &Actor, name: &str) -> Result<HarvestSource, Error> {
        self.require_portal_admin(actor, Thing::HarvestSource)?;
        self.catalog()
            .harvest_source(name.trim())
            .await?
            .ok_or(Error::NotFound(Thing::HarvestSource))
    }

    /// Every source, with its latest runs (newest first).
    pub async fn harvest_sources(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(HarvestSource, Vec<HarvestRun>)>, Error> {
        self.require_portal_admin(actor, Thing::HarvestSource)?;
        let mut out = Vec::new();
        for s in self.catalog().harvest_sources().await? {
            let runs = self.catalog().harvest_runs(Some(s.id), RUNS_SHOWN).await?;
            out.push((s, runs));
        }
        Ok(out)
    }

    /// Asks for a run of source `name`: the server's scheduler starts it within a minute.
    pub async fn request_harvest(&self, actor: &Actor, name: &str) -> Result<HarvestSource, Error> {
        let source = self.harvest_source(actor, name).await?;
        self.catalog()
            .request_harvest_run(source.id, Some(ceiba_store::now()))
            .await?;
        Ok(source)
    }
}
