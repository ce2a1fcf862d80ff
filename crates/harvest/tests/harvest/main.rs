//! Harvesting and migration through their public doors (the functions `ceiba harvest`
//! and `ceiba migrate-from-ckan` call), against real sources on loopback: recorded
//! answers of a real CKAN, a second Ceiba, and hostile servers. One test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod ceiba_to_ceiba;
mod harvesting;
mod hostile;
mod links;
mod recorded;
