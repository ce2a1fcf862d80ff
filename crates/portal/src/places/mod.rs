//! "¿Cómo está mi municipio?": what every public table says of a place.
//!
//! - `place.rs`: the places a profile is about (the country, 22 departments, 340
//!   municipalities), found by code in any spelling or by name (accents and case aside,
//!   homonyms told apart by department), with the closest places for what matches none.
//! - `learn.rs`: once per table version in service, which column names places (codes, or
//!   names with a department beside them), which holds years, which numbers are worth
//!   showing; then one aggregation gives each place's figures, its rank among its peers,
//!   and the department's and the country's, stored in the catalog. A profile reads those
//!   rows and never scans a table.
//! - `profile.rs`: a place's figures from every table that has rows for it, with the
//!   figure of the place above it (department, country) beside them.

mod learn;
mod place;
mod profile;

pub use learn::{Figures, MeasureFigure, MAX_MEASURES};
pub use place::{find_places, suggest_places, Place, PlaceSearch};
pub use profile::{PlaceProfile, ProfileTable};
