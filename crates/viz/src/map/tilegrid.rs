//! A department tile grid: one square per department in its rough place, so department
//! values can be mapped with no boundary file (a fresh install, the demo).
//!
//! ```text
//!         col 0  col 1  col 2  col 3  col 4  col 5
//! row 0                 ┌─────────────┐
//! row 1                 │    PET      │
//! row 2          HUE    QCH    AVE    IZA
//! row 3   SMA    TOT    BVE    PRO    ZAC
//! row 4   QUE    SOL    CHM    GUA    JAL    CHQ
//! row 5   RET    SUC    SAC    ESC    SRO    JUT
//! ```
//!
//! Petén, a third of the country, is a 2 × 2 tile at the top centre; the highlands run
//! from Huehuetenango and San Marcos in the west to Izabal in the east, and the Pacific
//! slope (Retalhuleu … Jutiapa) is the bottom row.

use ceiba_core::territory::department_name;

use super::frame::{data_value, tooltip, Classes, Frame, NO_DATA_FILL};
use super::{join_values, Joined, MapOptions, MapOutput};
use crate::format::Formatter;
use crate::palette;
use crate::svg::{escape_into, push_num};
use crate::territory::Level;

/// A department's tile: its place in the grid (columns and rows from the top left) and
/// the short label written on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub code: &'static str,
    pub short: &'static str,
    pub col: u8,
    pub row: u8,
    pub cols: u8,
    pub rows: u8,
}

const fn tile(code: &'static str, short: &'static str, col: u8, row: u8) -> Tile {
    Tile {
        code,
        short,
        col,
        row,
        cols: 1,
        rows: 1,
    }
}

/// The 22 departments' tiles, in code order.
pub const TILES: [Tile; 22] = [
    tile("01", "GUA", 3, 4),
    tile("02", "PRO", 3, 3),
    tile("03", "SAC", 2, 5),
    tile("04", "CHM", 2, 4),
    tile("05", "ESC", 3, 5),
    tile("06", "SRO", 4, 5),
    tile("07", "SOL", 1, 4),
    tile("08", "TOT", 1, 3),
    tile("09", "QUE", 0, 4),
    tile("10", "SUC", 1, 5),
    tile("11", "RET", 0, 5),
    tile("12", "SMA", 0, 3),
    tile("13", "HUE", 1, 2),
    tile("14", "QCH", 2, 2),
    tile("15", "BVE", 2, 3),
    tile("16", "AVE", 3, 2),
    Tile {
        code: "17",
        short: "PET",
        col: 2,
        row: 0,
        cols: 2,
        rows: 2,
    },
    tile("18", "IZA", 4, 2),
    tile("19", "ZAC", 4, 3),
    tile("20", "CHQ", 5, 4),
    tile("21", "JAL", 4, 4),
    tile("22", "JUT", 5, 5),
];

const CELL: f64 = 60.0;
const GAP: f64 = 4.0;
const PAD: f64 = 6.0;

/// Draws department values on the tile grid; keys are department codes in any spelling
/// or names.
pub fn render_tile_grid<K: AsRef<str>>(values: &[(K, f64)], opts: &MapOptions) -> MapOutput {
    render_tile_grid_joined(&join_values(Level::Department, values), opts)
}

/// [`render_tile_grid`] for values already joined at the department level.
pub fn render_tile_grid_joined(joined: &Joined, opts: &MapOptions) -> MapOutput {
    let drawn: Vec<f64> = TILES
        .iter()
        .filter_map(|t| joined.values.get(t.code).copied())
        .filter(|v| v.is_finite())
        .collect();
    let classes = Classes::new(&drawn, opts);
    let fmt = Formatter::new(opts.lang);
    let cols = TILES.iter().map(|t| t.col + t.cols).max().unwrap_or(6);
    let rows = TILES.iter().map(|t| t.row + t.rows).max().unwrap_or(6);

    let mut body = String::with_capacity(22 * 400);
    let mut has_no_data = false;
    for t in &TILES {
        let name = department_name(t.code).unwrap_or(t.code);
        let value = joined.values.get(t.code).copied().filter(|v| v.is_finite());
        let class = value.and_then(|v| classes.of(v));
        let x = PAD + f64::from(t.col) * CELL;
        let y = PAD + f64::from(t.row) * CELL;
        let w = f64::from(t.cols) * CELL - GAP;
        let h = f64::from(t.rows) * CELL - GAP;
        body.push_str("<g class=\"tile ");
        match class {
            Some((c, _)) => {
                body.push('c');
                body.push_str(&(c + 1).to_string());
            }
            None => {
                has_no_data = true;
                body.push_str("nodata");
            }
        }
        body.push_str("\" data-code=\"");
        body.push_str(t.code);
        if let Some(v) = value {
            body.push_str("\" data-value=\"");
            data_value(&mut body, v);
        }
        body.push_str("\"><title>");
        escape_into(&mut body, &tooltip(name, value, opts));
        body.push_str("</title><rect x=\"");
        push_num(&mut body, x);
        body.push_str("\" y=\"");
        push_num(&mut body, y);
        body.push_str("\" width=\"");
        push_num(&mut body, w);
        body.push_str("\" height=\"");
        push_num(&mut body, h);
        body.push_str("\" rx=\"3\" fill=\"");
        let (fill, ink) = match class {
            Some((_, colour)) => (colour, palette::text_on(colour)),
            None => (NO_DATA_FILL, "#000000"),
        };
        body.push_str(fill);
        body.push_str("\"/>");
        let cx = x + w / 2.0;
        let cy = y + h / 2.0;
        body.push_str("<text x=\"");
        push_num(&mut body, cx);
        body.push_str("\" y=\"");
        push_num(&mut body, if value.is_some() { cy - 1.0 } else { cy + 4.5 });
        body.push_str("\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\" fill=\"");
        body.push_str(ink);
        body.push_str("\">");
        body.push_str(t.short);
        body.push_str("</text>");
        if let Some(v) = value {
            body.push_str("<text class=\"tile-value\" x=\"");
            push_num(&mut body, cx);
            body.push_str("\" y=\"");
            push_num(&mut body, cy + 14.0);
            body.push_str("\" text-anchor=\"middle\" font-size=\"10\" fill=\"");
            body.push_str(ink);
            body.push_str("\">");
            escape_into(&mut body, &fmt.compact(v, &opts.unit));
            body.push_str("</text>");
        }
        body.push_str("</g>");
    }

    let svg = Frame {
        kind: "tilegrid",
        map_w: 2.0 * PAD + f64::from(cols) * CELL - GAP,
        map_h: 2.0 * PAD + f64::from(rows) * CELL - GAP,
        opts,
        classes: &classes.breaks,
        has_no_data,
        unmatched: &joined.unmatched,
        ambiguous: &joined.ambiguous,
        duplicates: &joined.duplicates,
    }
    .render(&body);
    MapOutput {
        svg,
        unmatched: joined.unmatched.clone(),
        duplicates: joined.duplicates.clone(),
        classes: classes.breaks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_department_once_and_no_overlap() {
        let codes: HashSet<&str> = TILES.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), 22);
        let mut cells = HashSet::new();
        for t in &TILES {
            for c in t.col..t.col + t.cols {
                for r in t.row..t.row + t.rows {
                    assert!(cells.insert((c, r)), "{} overlaps at {c},{r}", t.code);
                }
            }
        }
    }
}
