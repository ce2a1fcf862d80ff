//! ceiba-store
