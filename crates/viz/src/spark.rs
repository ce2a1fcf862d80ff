//! A sparkline: a small line of a value over the years, first and last year and value
//! written at its ends. It scales to its container; its accessible name says what it is.

use crate::svg::escape_into;

const W: f64 = 160.0;
const H: f64 = 44.0;
const PAD: f64 = 4.0;

/// Draws `(year, value)` points (oldest first; two at least, or nothing is drawn).
/// `show` writes a value as the page does (`Q 1 200`, `45,2 %`).
pub fn sparkline(points: &[(i32, f64)], label: &str, show: impl Fn(f64) -> String) -> String {
    let points: Vec<(i32, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return String::new();
    };
    if points.len() < 2 {
        return String::new();
    }
    let (lo, hi) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let (y0, y1) = (f64::from(first.0), f64::from(last.0));
    let span = (y1 - y0).max(1.0);
    let range = if hi > lo { hi - lo } else { 1.0 };
    let top = 14.0;
    let x = |y: i32| PAD + (f64::from(y) - y0) / span * (W - 2.0 * PAD);
    let y = |v: f64| top + (1.0 - (v - lo) / range) * (H - top - PAD);
    let mut d = String::new();
    for (i, (yr, v)) in points.iter().enumerate() {
        d.push_str(&format!(
            "{}{:.1} {:.1}",
            if i == 0 { "M" } else { "L" },
            x(*yr),
            y(*v)
        ));
    }
    let mut s = String::with_capacity(512 + d.len());
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\""
    ));
    let summary = format!(
        "{label}: {} {}, {} {}",
        first.0,
        show(first.1),
        last.0,
        show(last.1)
    );
    escape_into(&mut s, &summary);
    s.push_str("\"><path fill=\"none\" stroke=\"#08519C\" stroke-width=\"1.6\" d=\"");
    s.push_str(&d);
    s.push_str("\"/>");
    s.push_str(&format!(
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.4\" fill=\"#08519C\"/>",
        x(last.0),
        y(last.1)
    ));
    s.push_str(&format!(
        "<text x=\"{PAD}\" y=\"10\" font-size=\"9\" fill=\"#555\">{}</text><text x=\"{}\" y=\"10\" font-size=\"9\" fill=\"#555\" text-anchor=\"end\">{}</text>",
        first.0,
        W - PAD,
        last.0
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_over_the_years_named_for_screen_readers() {
        let svg = sparkline(
            &[(2013, 0.4), (2016, 0.5), (2018, 0.45)],
            "Índice <ranking>",
            |v| format!("{v:.2}"),
        );
        assert!(svg.contains("aria-label=\"Índice &lt;ranking&gt;: 2013 0.40, 2018 0.45\""));
        assert_eq!(svg.matches('L').count(), 2);
        assert!(roxmltree::Document::parse(&svg).is_ok());
        assert!(sparkline(&[(2013, 0.4)], "x", |v| v.to_string()).is_empty());
        assert!(sparkline(&[], "x", |v| v.to_string()).is_empty());
    }
}
