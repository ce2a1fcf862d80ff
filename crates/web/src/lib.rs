//! ceiba-web
