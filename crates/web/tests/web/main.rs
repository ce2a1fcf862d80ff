//! The web crate through its public door, HTTP: pages, CKAN's Action API, the native API,
//! downloads, charts, sign-in and the access rule. One test binary (each file a module):
//! linking the portal once instead of once per file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod access;
mod boundaries;
mod chart_labels;
mod charts;
mod ckan;
mod ckan_writes;
mod crawlers;
mod dcat;
mod demo_site;
mod explore;
mod harvest_page;
mod history;
mod pages;
mod passwords;
mod people;
mod places;
mod publish_forms;
mod search;
mod web_session;
