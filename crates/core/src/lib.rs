//! The catalog's vocabulary: organizations, categories, datasets and resources, and the
//! registers they refer to (languages, licences, update frequencies, territories).
//!
//! Everything here is plain data plus validation; no I/O. The model maps one-to-one onto
//! CKAN's (organization, group, package, resource) and onto DCAT (publisher, theme,
//! dataset, distribution), so both APIs are projections of these types.

pub mod access;
pub mod bounds;
pub mod frequency;
pub mod lang;
pub mod licence;
pub mod model;
pub mod name;
pub mod outbound;
pub mod quality;
pub mod schema;
pub mod territory;
pub mod territory_column;
mod territory_data;
pub mod text;
pub mod version;

pub use frequency::Frequency;
pub use lang::{Lang, Localized};
pub use licence::Licence;
pub use model::*;
pub use name::{name_from_title, validate_name, Lookup, NameError, RESERVED_NAMES};
pub use schema::{is_year_number, Column, ColumnStats, ColumnType, TopValue};
pub use version::{IngestJob, IngestedTable, JobState, ResourceVersion, VersionStatus};
pub mod account;
pub use account::{Account, AccountState, ApiToken, Permissions, Role};
