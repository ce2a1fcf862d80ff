//! Reading other catalogs: harvesting (copying a CKAN or DCAT catalog's datasets on a
//! schedule, linked back to their source) and migrating a CKAN portal over in one
//! command (every record under the id and name it had, files included).
//!
//! - `fetch.rs`: outbound HTTP with bounds (public addresses only unless allowed, size,
//!   time, redirects, retries).
//! - `ckan.rs`: CKAN's Action API, paged with bounds; `dcat.rs`: DCAT pages in RDF.
//! - `map.rs`: CKAN's dicts in Ceiba's model, nothing the source said lost.
//! - `run.rs`: one run: files downloaded before a dataset is written, unchanged records
//!   skipped by fingerprint, what left the source withdrawn.
//! - `migrate.rs`: `ceiba migrate-from-ckan`; `harvest.rs`: harvest sources' runs.
//! - `links.rs`: whether link resources answer (for the quality score).
//! - `report.rs`: what a run did and what it could not bring.
//!
//! Writes go through `ceiba_portal`'s import use cases, as the operator.

mod ckan;
mod dcat;
mod fetch;
mod harvest;
mod links;
mod map;
mod migrate;
mod report;
mod run;
mod schedule;

pub use fetch::{parse_url, FetchError, FetchLimits, Fetcher};
pub use harvest::{run_source, RunOptions};
pub use links::{check_links, LinkReport, RECHECK_DAYS};
pub use migrate::{migrate, MigrateOptions};
pub use report::{Counts, Problem, Report};
pub use schedule::{due, run_due, SCHEDULES};

/// Why a run could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Store(#[from] ceiba_store::StoreError),
    #[error("{0}")]
    Portal(#[from] ceiba_portal::Error),
    #[error("source {0} is being run already (by this or another machine)")]
    Busy(String),
    #[error("{0}")]
    Invalid(String),
    #[error("scratch space: {0}")]
    Local(String),
}
