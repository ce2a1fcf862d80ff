//! Territorial maps of Guatemala: choropleths over a boundary set (GeoJSON or TopoJSON)
//! and a department tile grid that needs no geometry.
//!
//! The flow: [`parse_boundaries`] reads a file into a [`BoundarySet`] (areas keyed by INE
//! code), [`prepare`] projects and simplifies it for a size into a [`PreparedMap`] (the
//! form to cache, see [`MapCache`]), and [`render_choropleth`] draws values over it as SVG
//! with classed colours, a legend, tooltips and a note of the rows that matched no area.
//! [`render_tile_grid`] draws department values without any file. A boundary file that
//! cannot be used gives a [`BoundaryError`] whose message [`render_message`] puts where
//! the map would be.

pub mod boundaries;
pub mod builtin;
pub mod cache;
pub mod choropleth;
pub mod classify;
mod frame;
pub mod locator;
pub mod prepare;
pub mod tilegrid;

use std::collections::{HashMap, HashSet};

use ceiba_core::lang::Lang;

pub use boundaries::{parse_boundaries, Area, BoundaryError, BoundaryOptions, BoundarySet};
pub use builtin::{builtin, builtin_for, Builtin, BUILTINS};
pub use cache::MapCache;
pub use choropleth::{render_choropleth, render_choropleth_joined};
pub use classify::{breaks, class_of, ClassMethod};
pub use locator::render_locator;
pub use prepare::{prepare, prepare_with, PrepareOptions, PreparedArea, PreparedMap};
pub use tilegrid::{render_tile_grid, render_tile_grid_joined, Tile, TILES};

use crate::format::Unit;
use crate::territory::{self, Level, NameMatch};

/// How a map is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOptions {
    pub title: String,
    /// Shown as "Fuente: …" / "Source: …".
    pub source: Option<String>,
    pub lang: Lang,
    /// How many classes (2–9; fewer when there are fewer distinct values).
    pub classes: usize,
    pub method: ClassMethod,
    /// Written around every value (`Q`, `%`, `km²`).
    pub unit: Unit,
    /// Who drew the boundaries, shown under the source (a built-in set's licence asks
    /// for it).
    pub boundaries_credit: Option<String>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            title: String::new(),
            source: None,
            lang: Lang::Es,
            classes: 5,
            method: ClassMethod::Quantiles,
            unit: Unit::none(),
            boundaries_credit: None,
        }
    }
}

/// One class of a legend: values `lower < v ≤ upper` (the first class includes `lower`,
/// the minimum).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassBreak {
    pub lower: f64,
    pub upper: f64,
    /// `#RRGGBB`.
    pub colour: &'static str,
    /// Areas in the class.
    pub count: usize,
    /// The range as the legend writes it (`1 000 – 5 000`).
    pub label: String,
}

/// A drawn map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOutput {
    pub svg: String,
    /// Keys given (codes or names, as written) that matched no area of the map.
    pub unmatched: Vec<String>,
    /// Keys whose territory came more than once (the first value is drawn).
    pub duplicates: Vec<String>,
    pub classes: Vec<ClassBreak>,
}

/// Values joined to territories: what matched, what did not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Joined {
    /// INE code → value, first value of each territory.
    pub values: HashMap<&'static str, f64>,
    /// Keys that are no territory of the level, as written.
    pub unmatched: Vec<String>,
    /// Of those, names shared by several municipalities that no department told apart.
    pub ambiguous: HashSet<String>,
    /// Keys of territories already given.
    pub duplicates: Vec<String>,
}

/// Joins `(key, value)` rows to territories of `level`; keys are codes in any spelling
/// or names.
pub fn join_values<K: AsRef<str>>(level: Level, rows: &[(K, f64)]) -> Joined {
    join_rows(level, rows.iter().map(|(k, v)| (k.as_ref(), None, *v)))
}

/// Joins `(key, department, value)` rows to territories of `level`: the department (code
/// or name, from the same row) tells homonymous municipality names apart.
pub fn join_rows<'a>(
    level: Level,
    rows: impl IntoIterator<Item = (&'a str, Option<&'a str>, f64)>,
) -> Joined {
    let mut joined = Joined::default();
    let mut seen_unmatched = HashSet::new();
    for (key, department, value) in rows {
        let key_trim = key.trim();
        if key_trim.is_empty() {
            continue;
        }
        match territory::resolve_key(level, key_trim, department) {
            NameMatch::One(code) => {
                if joined.values.contains_key(code) {
                    joined.duplicates.push(key_trim.to_string());
                } else {
                    joined.values.insert(code, value);
                }
            }
            other => {
                if seen_unmatched.insert(key_trim.to_string()) {
                    if matches!(other, NameMatch::Ambiguous(_)) {
                        joined.ambiguous.insert(key_trim.to_string());
                    }
                    joined.unmatched.push(key_trim.to_string());
                }
            }
        }
    }
    joined
}

/// An SVG of `width` × `height` with a message in place of a map (a boundary file that
/// cannot be used, no data): the page around it stays whole.
pub fn render_message(width: u32, height: u32, title: &str, message: &str) -> String {
    frame::message_svg(
        f64::from(width.max(120)),
        f64::from(height.max(60)),
        title,
        message,
    )
}

/// [`render_message`] for a boundary error, in the language.
pub fn render_boundary_error(error: &BoundaryError, lang: Lang, width: u32, height: u32) -> String {
    let title = match lang {
        Lang::Es => "No se puede dibujar el mapa",
        Lang::En => "The map cannot be drawn",
    };
    render_message(width, height, title, &error.message(lang))
}
