//! A choropleth: every area of a prepared map filled by the class of its value.
//!
//! Each area is `<path class="area c3" data-code="1301" data-value="2500000" …>` with a
//! `<title>` tooltip (`Huehuetenango: 2 500 000`); areas without a value are `area nodata`,
//! hatched grey, "sin datos" / "no data". Classes are drawn from the values of the areas on
//! the map; keys that match no area are listed in a note under the map and in
//! [`MapOutput::unmatched`].

use super::frame::{data_value, tooltip, Classes, Frame, NO_DATA_FILL};
use super::{join_values, Joined, MapOptions, MapOutput, PreparedMap};
use crate::svg::{escape_into, push_num};

/// Draws `(key, value)` rows over a prepared map; keys are codes of the map's level in
/// any spelling (`101`, `0101`, `GT0101`), or names.
pub fn render_choropleth<K: AsRef<str>>(
    map: &PreparedMap,
    values: &[(K, f64)],
    opts: &MapOptions,
) -> MapOutput {
    render_choropleth_joined(map, &join_values(map.level, values), opts)
}

/// Draws values already joined (see [`super::join_rows`] for names with departments).
pub fn render_choropleth_joined(
    map: &PreparedMap,
    joined: &Joined,
    opts: &MapOptions,
) -> MapOutput {
    let mut unmatched = joined.unmatched.clone();
    // Territories the boundary set lacks are unmatched too.
    let mut absent: Vec<&str> = joined
        .values
        .keys()
        .copied()
        .filter(|code| map.area(code).is_none())
        .collect();
    absent.sort_unstable();
    unmatched.extend(absent.into_iter().map(str::to_string));

    let drawn: Vec<f64> = map
        .areas()
        .iter()
        .filter_map(|a| joined.values.get(a.code.as_str()).copied())
        .filter(|v| v.is_finite())
        .collect();
    let classes = Classes::new(&drawn, opts);

    let mut body = String::with_capacity(map.path_bytes() + map.areas().len() * 160);
    let mut has_no_data = false;
    for area in map.areas() {
        let value = joined
            .values
            .get(area.code.as_str())
            .copied()
            .filter(|v| v.is_finite());
        let class = value.and_then(|v| classes.of(v));
        body.push_str("<path class=\"area ");
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
        escape_into(&mut body, &area.code);
        if let Some(v) = value {
            body.push_str("\" data-value=\"");
            data_value(&mut body, v);
        }
        body.push_str("\" fill=\"");
        body.push_str(class.map_or(NO_DATA_FILL, |(_, colour)| colour));
        body.push_str("\" d=\"");
        body.push_str(&area.path);
        body.push_str("\"><title>");
        escape_into(&mut body, &tooltip(&area.name, value, opts));
        body.push_str("</title></path>");
    }
    place_names(&mut body, map);

    let svg = Frame {
        kind: "choropleth",
        map_w: f64::from(map.width),
        map_h: f64::from(map.height),
        opts,
        classes: &classes.breaks,
        has_no_data,
        unmatched: &unmatched,
        ambiguous: &joined.ambiguous,
        duplicates: &joined.duplicates,
    }
    .render(&body);
    MapOutput {
        svg,
        unmatched,
        duplicates: joined.duplicates.clone(),
        classes: classes.breaks,
    }
}

/// Font size of the places' names on a map, in its pixels.
const NAME_SIZE: f32 = 10.0;

/// The places' names over a map of few areas (departments), each where it fits inside its
/// area's box; the others are named by their tooltip and the chart's data table. A map
/// of hundreds of areas (municipalities) shows none: they would only cover each other.
fn place_names(body: &mut String, map: &PreparedMap) {
    if map.areas().len() > 40 {
        return;
    }
    let fits = |a: &super::PreparedArea| {
        let width = a.name.chars().count() as f32 * NAME_SIZE * 0.56;
        width <= a.room.0 * 0.9 && NAME_SIZE * 1.6 <= a.room.1
    };
    body.push_str("<g class=\"place-names\" font-size=\"10\" text-anchor=\"middle\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\" stroke-linejoin=\"round\" pointer-events=\"none\" aria-hidden=\"true\">");
    for a in map.areas().iter().filter(|a| fits(a)) {
        body.push_str("<text x=\"");
        push_num(body, f64::from(a.label_at.0));
        body.push_str("\" y=\"");
        push_num(body, f64::from(a.label_at.1 + NAME_SIZE * 0.35));
        body.push_str("\">");
        escape_into(body, &a.name);
        body.push_str("</text>");
    }
    body.push_str("</g>");
}
