//! ceiba-demo
