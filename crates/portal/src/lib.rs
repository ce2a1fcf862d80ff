//! What the portal does, behind every door.
//!
//! The pages, CKAN's Action API and the command line translate their input into these
//! calls and the results into their own responses: a form never re-implements what the
//! API does. Who may do what is decided by `ceiba_core::access`, asked here and nowhere
//! else for writes. Nothing here knows HTTP.
//!
//! - [`Actor`]: who acts (an account and its permissions, or nobody).
//! - `lookup.rs`: the dataset, resource or view an actor may see or change; what the actor
//!   may not see is "not found", never "forbidden", so it tells nothing of its existence.
//! - `datasets.rs`: create (with first links), update (refusing a stale form), delete,
//!   file under a category.
//! - `resources.rs`: add, change (a new file is a new version) and delete resources, each
//!   with its boundary-set mark in one write; an upload is referenced or removed.
//! - `activity.rs`: the history every change above records, and the streams read back
//!   for those who may see them.
//! - `trash.rs`: deleted datasets, restored or purged (sysadmins).
//! - `tables.rs`: reviewing an ingested table (labels, descriptions, units; a changed
//!   type or header row rebuilds it from the stored original).
//! - `people.rs`: accounts, one's password and API tokens (audited).
//! - `organizations.rs`: organizations, categories and members.
//! - `charts.rs`: what a chart asks of a table (its spec from URL parameters, and the
//!   query it becomes), shared by drawing it and saving it.
//! - `views.rs`: saved charts and maps (always checked against the table they draw).
//! - `imports.rs`: records brought from another catalog (harvests, migrations) with their
//!   own ids, names and times; what is already here unchanged is not written again.
//! - `harvests.rs`: harvest sources (added, listed with their runs, a run asked for).
//! - `boundaries.rs`: marking a GeoJSON/TopoJSON resource as a boundary set (always
//!   checked against its file).
//! - `places/`: territorial profiles — what every public table says of a place, learned
//!   once per table version.

mod activity;
mod actor;
mod boundaries;
pub mod charts;
mod datasets;
mod error;
mod harvests;
mod imports;
mod lookup;
mod organizations;
mod people;
pub mod places;
mod resources;
mod tables;
mod trash;
mod views;

pub use activity::{dataset_changes, MAX_ACTIVITY};
pub use actor::Actor;
pub use boundaries::{
    level_name, may_be_boundaries, may_be_boundary_file, parse_level, BoundaryFile, BoundaryMark,
    MAX_BOUNDARY_BYTES,
};
pub use error::{Error, Reason, Thing};
pub use harvests::{SourceInput, RUNS_SHOWN, SOURCE_KINDS, SOURCE_SCHEDULES};
pub use imports::{ImportedContent, ImportedResource, Outcome};
pub use people::{AccountInput, INVITE_LINK_DAYS, RESET_LINK_HOURS};
pub use resources::{level_of, MarkRequest, NewFile, ResourceInput};
pub use tables::{ColumnEdit, TableReview, MAX_COLUMN_DESCRIPTION, MAX_LABEL, MAX_UNIT};
pub use views::{ViewChange, ViewInput, MAX_VIEW_DESCRIPTION, MAX_VIEW_TITLE};

use ceiba_ingest::Ingestor;
use ceiba_query::QueryLimits;
use ceiba_store::{Catalog, FileStore};

/// The portal's services, built once by whoever starts it (`ceiba serve`, a test) and
/// shared by every door.
#[derive(Clone)]
pub struct Portal {
    /// Holds the catalog and the file store too.
    ingestor: Ingestor,
    /// The bounds queries run under (charts saved as views are checked with them).
    query_limits: QueryLimits,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal").finish_non_exhaustive()
    }
}

impl Portal {
    /// The portal over `ingestor`'s catalog and file store.
    pub fn new(ingestor: Ingestor, query_limits: QueryLimits) -> Portal {
        Portal {
            ingestor,
            query_limits,
        }
    }

    /// The bounds queries run under.
    pub fn query_limits(&self) -> QueryLimits {
        self.query_limits
    }

    pub fn catalog(&self) -> &Catalog {
        self.ingestor.catalog()
    }

    pub fn files(&self) -> &FileStore {
        self.ingestor.files()
    }

    /// The ingestor whose worker runs uploads: every upload goes through it, so that it
    /// wakes that worker.
    pub fn ingestor(&self) -> &Ingestor {
        &self.ingestor
    }
}
