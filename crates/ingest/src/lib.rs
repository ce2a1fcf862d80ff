//! Ingestion: every uploaded table becomes a typed, validated, queryable table.
//!
//! Readers (`csv`, `xlsx`, `json`) turn a file into [`Rows`]; the header is found among
//! the first rows (`header`); a first pass over the whole file decides each column's type
//! (`infer`); a second pass writes Parquet and statistics (`table`). What was found is
//! told in an [`Issue`] list, in Spanish or English.

mod chunk;
pub mod csv;
mod encoded_twice;
pub mod file;
pub mod header;
pub mod infer;
pub mod issue;
pub mod jobs;
pub mod json;
pub mod limits;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod sniff;
pub mod source;
mod speculation;
mod spreadsheet_xml;
pub mod stats;
pub mod table;
pub mod value;
mod workbook_guard;
pub mod xlsx;

pub use self::csv::CsvSource;
pub use header::find_header;
pub use issue::{IngestError, Issue, IssueKind, Severity};
pub use limits::Limits;
pub use sniff::{looks_binary, sniff, TextDialect, TextOptions};
pub use value::{MemoryRows, OwnedValue, Rows, TableSource, Value};

pub use ceiba_core::Lang;
pub use file::{ingest_file, IngestOutcome};
pub use jobs::{Ingestor, JobOutcome, RunError};
pub use report::{FileReport, TableReport};
pub use source::IngestOptions;
