//! ceiba-query
