//! Catalog persistence: the SQL catalog (SQLite by default, PostgreSQL when scaled out)
//! and the object store that keeps uploaded files byte for byte.
//!
//! One schema and one set of migrations serve both databases; every statement is
//! portable SQL run through sqlx's `Any` driver with `$N` placeholders (which both
//! SQLite and PostgreSQL accept).

mod access;
mod accounts;
mod activity;
mod audit;
mod backup;
mod boundaries;
mod catalog;
mod categories;
mod changes;
mod datasets;
mod error;
mod files;
mod harvest;
mod hashing;
mod links;
mod organizations;
mod places;
mod resources;
mod saved_views;
mod sessions;
mod sql;
mod time;
mod trash;
mod versions;

pub use accounts::{LinkPurpose, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, TOKEN_PREFIX};
pub use activity::{Activity, Stream};
pub use audit::AuditEvent;
pub use backup::{BackupError, Manifest, ObjectEntry, MANIFEST};
pub use boundaries::{BoundarySet, PublicBoundarySet, BOUNDARY_LEVELS};
pub use catalog::Catalog;
pub use datasets::{DatasetFilter, DatasetSort, Page};
pub use error::StoreError;
pub use files::{FileStore, StoredFile};
pub use harvest::{HarvestObject, HarvestRun, HarvestSource};
pub use links::LinkCheck;
pub use organizations::WithCount;
pub use places::{PlaceFigure, PlaceTable, PublicPlaceFigure};
pub use resources::MarkChange;
pub use saved_views::SavedView;
pub use sessions::WebSession;
pub use time::now;
pub use versions::Requeued;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
