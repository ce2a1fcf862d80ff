//! ceiba-search
