//! ceiba-ingest
