//! Ingestion: every uploaded table becomes a typed, validated, queryable table.
//!
//! Readers (`csv`, `xlsx`, `json`) turn a file into [`Rows`]; the header is found among
//! the first rows (`header`); a first pass over the whole file decides each column's type
//! (`infer`); a second pass writes Parquet and statistics (`table`). What was found is
//! told in an [`Issue`] list, in Spanish or English.

pub mod issue;
pub mod limits;
pub mod value;

pub use issue::{IngestError, Issue, IssueKind, Severity};
pub use limits::Limits;
pub use value::{MemoryRows, OwnedValue, Rows, TableSource, Value};
