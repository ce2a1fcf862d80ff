//! Queries, aggregations and exports of ingested tables, on DataFusion.
//!
//! Requests are built from a small model (`model.rs`) — filters, sort, columns, group-by
//! and measures — validated against the table's typed schema and turned into DataFusion
//! expressions. The one exception, CKAN's `datastore_search_sql` (`sql.rs`), accepts a
//! single checked SELECT over named public tables; nothing users send can define or change
//! data. Every request runs under row, time and memory bounds and says when it was capped.

mod cache;
mod capped;
pub mod contains;
pub mod engine;
pub mod export;
pub mod model;
pub mod params;
pub mod plan;
pub mod text;

pub use datafusion::physical_plan::SendableRecordBatchStream;
pub use engine::{Engine, RowChanges, TableDiff, MAX_DIFF_SAMPLE};
pub use model::*;
pub use params::{ckan_request, table_index, to_query};
pub mod sql;
pub use capped::MAX_VALUE_BYTES;
pub use sql::{referenced_tables, SqlColumn, SqlErrorKind, SqlRequest, SqlResult};
