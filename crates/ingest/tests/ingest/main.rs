//! Ingestion through its public interface: every reader on files built here and on real
//! ones, limits and hostile files, and the jobs the portal runs. One test binary (each
//! file a module), linked once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corpus;
mod csv_limits;
mod csv_reader;
mod ingest_files;
mod jobs;
mod json_reader;
mod json_real;
mod spreadsheet_xml;
mod workbook_hostile;
mod xlsx_reader;
mod xlsx_real;
