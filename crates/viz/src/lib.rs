//! ceiba-viz
