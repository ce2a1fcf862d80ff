//! Queries, exports and user SQL on real Parquet tables. One test binary (each file a
//! module), linked once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

mod diff;
mod engine_query;
mod export_csv;
mod export_json;
mod export_parquet;
mod export_xlsx;
mod sql;
