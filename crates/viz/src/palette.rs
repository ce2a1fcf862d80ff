//! Colours that readers with colour-vision deficiencies can tell apart.
//!
//! Categories (series, pie slices) take the Okabe–Ito palette (Okabe & Ito, 2008), in
//! an order that starts with the colours most distinct from each other and from the
//! white background. Ordered classes (a map's choropleth) take a single-hue blue ramp
//! (ColorBrewer "Blues", light = low) or viridis; both stay ordered in grey scale.

/// The eight Okabe–Ito colours, in the order charts use them: blue, orange, bluish
/// green, vermillion, sky blue, reddish purple, yellow, black.
pub const OKABE_ITO: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
];

/// The grey of the "Otros" / "Other" bucket and of anything that is not a category.
pub const OTHER: &str = "#999999";

/// The fill of an area without data on a map (never a colour of a ramp).
pub const NO_DATA: &str = "#E0E0E0";

/// The colour of category `i` (repeats after eight; charts group the rest under
/// "Otros" long before that matters for slices, and series past eight are rare).
pub fn categorical(i: usize) -> &'static str {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// ColorBrewer "Blues" (Cynthia Brewer, Apache-2.0), from 3 to 9 classes.
const BLUES: [&[&str]; 7] = [
    &["#DEEBF7", "#9ECAE1", "#3182BD"],
    &["#EFF3FF", "#BDD7E7", "#6BAED6", "#2171B5"],
    &["#EFF3FF", "#BDD7E7", "#6BAED6", "#3182BD", "#08519C"],
    &[
        "#EFF3FF", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C",
    ],
    &[
        "#EFF3FF", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#084594",
    ],
    &[
        "#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#084594",
    ],
    &[
        "#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C",
        "#08306B",
    ],
];

/// A sequential single-hue ramp of `classes` colours, light (low values) to dark;
/// `classes` is clamped to 3..=9.
pub fn blues(classes: usize) -> &'static [&'static str] {
    BLUES[classes.clamp(3, 9) - 3]
}

/// Viridis anchors (matplotlib's, CC0), dark purple to yellow.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2D, 0x7B),
    (0x3B, 0x52, 0x8B),
    (0x2C, 0x72, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80),
    (0x5E, 0xC9, 0x62),
    (0xAD, 0xDC, 0x30),
    (0xFD, 0xE7, 0x25),
];

/// `classes` colours of viridis (at least 2), reversed so that the first, for low
/// values, is the light yellow and the last the dark purple, as a map reader expects.
pub fn viridis(classes: usize) -> Vec<String> {
    let n = classes.max(2);
    (0..n)
        .map(|i| {
            let t = 1.0 - i as f64 / (n - 1) as f64;
            let pos = t * (VIRIDIS.len() - 1) as f64;
            let lo = (pos.floor() as usize).min(VIRIDIS.len() - 2);
            let f = pos - lo as f64;
            let (a, b) = (VIRIDIS[lo], VIRIDIS[lo + 1]);
            let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
            format!(
                "#{:02X}{:02X}{:02X}",
                mix(a.0, b.0),
                mix(a.1, b.1),
                mix(a.2, b.2)
            )
        })
        .collect()
}

/// Parses `#RRGGBB`.
pub fn parse_hex(color: &str) -> Option<(u8, u8, u8)> {
    let h = color.strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// WCAG relative luminance of `#RRGGBB` (0 black … 1 white).
pub fn luminance(color: &str) -> f64 {
    let Some((r, g, b)) = parse_hex(color) else {
        return 0.0;
    };
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// Black or white, whichever reads better on `background` (for labels on fills).
pub fn text_on(background: &str) -> &'static str {
    let l = luminance(background);
    // Contrast with black (l + .05) / .05 against white 1.05 / (l + .05).
    if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) {
        "#000000"
    } else {
        "#FFFFFF"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps() {
        for n in 3..=9 {
            let b = blues(n);
            assert_eq!(b.len(), n);
            // Light to dark.
            assert!(b.windows(2).all(|w| luminance(w[0]) > luminance(w[1])));
        }
        assert_eq!(blues(1).len(), 3);
        let v = viridis(5);
        assert_eq!(v.len(), 5);
        assert_eq!(v[0], "#FDE725");
        assert_eq!(v[4], "#440154");
        assert!(v.windows(2).all(|w| luminance(&w[0]) > luminance(&w[1])));
        assert_eq!(text_on("#08306B"), "#FFFFFF");
        assert_eq!(text_on("#F0E442"), "#000000");
        assert_eq!(categorical(9), OKABE_ITO[1]);
    }
}
