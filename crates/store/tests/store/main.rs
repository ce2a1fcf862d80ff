//! The store suite. Every test runs on SQLite, and on PostgreSQL as well when
//! `CEIBA_TEST_DATABASE_URL` names a server (each test gets a database of its own). One
//! test binary (each file a module), linked once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod accounts;
mod backup;
mod boundaries;
mod catalog;
mod changes;
mod views;
mod writes;
