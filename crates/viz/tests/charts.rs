//! Charts are checked by reading the SVG back: the marks must say what the data says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ceiba_core::Lang;
use ceiba_viz::chart::{
    data_csv, data_table_html, render_message_svg, render_svg, render_svg_or_message, Bin,
    ChartData, ChartError, ChartKind, RenderOptions, Series,
};
use ceiba_viz::format::{format_value, NumberStyle, Unit, NBSP};
use roxmltree::{Document, Node};

fn es() -> RenderOptions {
    RenderOptions::new(Lang::Es)
}

fn en() -> RenderOptions {
    RenderOptions::new(Lang::En)
}

fn cats(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn one(categories: &[&str], values: &[f64]) -> ChartData {
    ChartData {
        title: "Prueba".into(),
        source: "INE".into(),
        categories: cats(categories),
        series: vec![Series::new("Valor", values.iter().copied())],
        ..ChartData::default()
    }
}

fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|t| t == class))
}

fn marks<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.is_element() && has_class(n, class))
        .collect()
}

fn f(n: &Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("no {attr} on {n:?}"))
        .parse()
        .unwrap_or_else(|_| panic!("{attr} of {n:?} is not a number"))
}

fn tooltip(n: &Node) -> String {
    n.children()
        .find(|c| c.has_tag_name("title"))
        .and_then(|t| t.text())
        .unwrap_or_default()
        .to_string()
}

fn texts(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn zero_line(doc: &Document) -> (f64, f64) {
    let z = marks(doc, "zero");
    assert_eq!(z.len(), 1, "one zero line");
    (f(&z[0], "x1"), f(&z[0], "y1"))
}

/// A path's `d` as tokens: command letters and numbers apart.
fn tokens(d: &str) -> Vec<String> {
    let mut spaced = String::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() {
            spaced.push_str(&format!(" {c} "));
        } else if c == ',' {
            spaced.push(' ');
        } else {
            spaced.push(c);
        }
    }
    spaced.split_whitespace().map(str::to_string).collect()
}

/// The vertices (`M` and `L` commands) of a path's `d`.
fn vertices(d: &str) -> Vec<(f64, f64)> {
    let t = tokens(d);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match t[i].as_str() {
            "M" | "L" => {
                out.push((t[i + 1].parse().unwrap(), t[i + 2].parse().unwrap()));
                i += 3;
            }
            "A" => i += 8,
            _ => i += 1,
        }
    }
    out
}

fn render(kind: ChartKind, data: &ChartData, opts: &RenderOptions) -> String {
    let svg = render_svg(kind, data, opts).expect("renders");
    // Well-formed, labelled, and the labels exist.
    let doc = Document::parse(&svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    for id in root.attribute("aria-labelledby").unwrap().split(' ') {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(id)),
            "aria-labelledby names {id}"
        );
    }
    assert!(root.attribute("viewBox").is_some());
    svg
}

/// Asserts `actual` is `expected` within `tol`.
fn near(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} is not {expected} ± {tol}"
    );
}

#[test]
fn bar_heights_follow_values() {
    let values = [2_500_000.0, 1_000_000.0, 400_000.0, 3_100_000.5];
    let mut data = one(&["Huehuetenango", "Quiché", "Petén", "Guatemala"], &values);
    data.unit = Unit::quetzal();
    let svg = render(ChartKind::Bar, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 4);
    let (_, zero_y) = zero_line(&doc);
    let per_unit = f(&bars[3], "height") / values[3];
    for (bar, v) in bars.iter().zip(values) {
        near(f(bar, "height"), v * per_unit, 0.5, "bar height");
        near(
            f(bar, "y") + f(bar, "height"),
            zero_y,
            0.01,
            "bar stands on zero",
        );
        assert_eq!(f(bar, "data-value"), v);
    }
    assert_eq!(bars[0].attribute("data-label"), Some("Huehuetenango"));
    assert_eq!(
        tooltip(&bars[0]),
        format!("Huehuetenango: Q{NBSP}2{NBSP}500{NBSP}000")
    );
    assert_eq!(
        tooltip(&bars[3]),
        format!("Guatemala: Q{NBSP}3{NBSP}100{NBSP}000,5")
    );
    // Equal widths, left to right in the given order.
    let xs: Vec<f64> = bars.iter().map(|b| f(b, "x")).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]));
    assert!(bars.iter().all(|b| f(b, "width") == f(&bars[0], "width")));
    // Title and source are drawn; one series: no legend.
    let t = texts(&doc);
    assert!(t.contains(&"Prueba".to_string()));
    assert!(t.contains(&"Fuente: INE".to_string()));
    assert!(marks(&doc, "legend-item").is_empty());
}

#[test]
fn negative_values_go_below_zero() {
    let data = one(&["a", "b", "c"], &[5.0, -3.0, 0.0]);
    for kind in [ChartKind::Bar, ChartKind::StackedBar] {
        let svg = render(kind, &data, &es());
        let doc = Document::parse(&svg).unwrap();
        let (_, zero_y) = zero_line(&doc);
        let bars = marks(&doc, "bar");
        assert_eq!(bars.len(), 3, "{kind:?}");
        let per_unit = f(&bars[0], "height") / 5.0;
        near(
            f(&bars[0], "y") + f(&bars[0], "height"),
            zero_y,
            0.01,
            "positive ends at zero",
        );
        near(f(&bars[1], "y"), zero_y, 0.01, "negative starts at zero");
        near(
            f(&bars[1], "height"),
            3.0 * per_unit,
            0.5,
            "negative height",
        );
        assert_eq!(f(&bars[2], "height"), 0.0);
    }
    let svg = render(ChartKind::HBar, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let (zero_x, _) = zero_line(&doc);
    let bars = marks(&doc, "bar");
    near(f(&bars[0], "x"), zero_x, 0.01, "positive starts at zero");
    near(
        f(&bars[1], "x") + f(&bars[1], "width"),
        zero_x,
        0.01,
        "negative ends at zero",
    );
    near(
        f(&bars[1], "width") / f(&bars[0], "width"),
        0.6,
        0.01,
        "widths",
    );
}

#[test]
fn grouped_bars_and_legend() {
    let data = ChartData {
        categories: cats(&["2019", "2020", "2021"]),
        series: vec![
            Series::new("Mujeres", [10.0, 20.0, 30.0]),
            Series::new("Hombres", [15.0, 25.0, 35.0]),
        ],
        ..ChartData::default()
    };
    let svg = render(ChartKind::Bar, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 6);
    let legend: Vec<&str> = marks(&doc, "legend-item")
        .iter()
        .map(|n| n.attribute("data-label").unwrap())
        .collect();
    assert_eq!(legend, ["Mujeres", "Hombres"]);
    let per_unit = f(&bars[5], "height") / 35.0;
    for b in &bars {
        near(f(b, "height"), f(b, "data-value") * per_unit, 0.5, "height");
    }
    assert_eq!(bars[1].attribute("data-series"), Some("Hombres"));
    assert_eq!(tooltip(&bars[1]), "2019 · Hombres: 15");
    // Series have their own colour classes.
    assert!(has_class(&bars[0], "c0") && has_class(&bars[1], "c1"));
}

#[test]
fn horizontal_bar_widths_follow_values() {
    let values = [120.0, 80.0, 45.5];
    let data = one(&["Alta Verapaz", "Baja Verapaz", "Sololá"], &values);
    let svg = render(ChartKind::HBar, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 3);
    let per_unit = f(&bars[0], "width") / 120.0;
    for (b, v) in bars.iter().zip(values) {
        near(f(b, "width"), v * per_unit, 0.5, "width");
    }
    // Top to bottom in order.
    assert!(f(&bars[0], "y") < f(&bars[1], "y") && f(&bars[1], "y") < f(&bars[2], "y"));
    assert_eq!(tooltip(&bars[2]), "Sololá: 45.5");
}

#[test]
fn stacked_segments_add_up() {
    let data = ChartData {
        categories: cats(&["Urbana", "Rural"]),
        series: vec![
            Series::new("A", [10.0, 4.0]),
            Series::new("B", [5.0, 6.0]),
            Series::new("C", [5.0, 10.0]),
        ],
        ..ChartData::default()
    };
    let svg = render(ChartKind::StackedBar, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 6);
    let (_, zero_y) = zero_line(&doc);
    let per_unit = f(&bars[0], "height") / 10.0;
    for cat in ["Urbana", "Rural"] {
        let segs: Vec<&Node> = bars
            .iter()
            .filter(|b| b.attribute("data-label") == Some(cat))
            .collect();
        assert_eq!(segs.len(), 3);
        // Stacked from zero up, each on the previous one, same x.
        let mut base = zero_y;
        for s in &segs {
            near(
                f(s, "y") + f(s, "height"),
                base,
                0.02,
                "segment on the previous",
            );
            near(
                f(s, "height"),
                f(s, "data-value") * per_unit,
                0.5,
                "segment height",
            );
            assert_eq!(f(s, "x"), f(segs[0], "x"));
            base = f(s, "y");
        }
        near(zero_y - base, 20.0 * per_unit, 0.5, "stack total");
    }
    let legend: Vec<&str> = marks(&doc, "legend-item")
        .iter()
        .map(|n| n.attribute("data-label").unwrap())
        .collect();
    assert_eq!(legend, ["A", "B", "C"]);
}

#[test]
fn line_has_a_vertex_per_value_and_breaks_at_gaps() {
    let months: Vec<String> = (1..=12).map(|m| format!("2024-{m:02}")).collect();
    let values: Vec<Option<f64>> = (0..12)
        .map(|i| {
            if i == 5 {
                None
            } else {
                Some(100.0 + i as f64 * 10.0)
            }
        })
        .collect();
    let data = ChartData {
        categories: months,
        series: vec![
            Series::with_gaps("Ventas", values),
            Series::new("Meta", (0..12).map(|i| 150.0 + i as f64)),
        ],
        ..ChartData::default()
    };
    let svg = render(ChartKind::Line, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let lines = marks(&doc, "line");
    assert_eq!(lines.len(), 2);
    let d = lines[0].attribute("d").unwrap();
    assert_eq!(vertices(d).len(), 11, "11 values, one gap");
    assert_eq!(d.matches('M').count(), 2, "the gap breaks the line");
    assert_eq!(vertices(lines[1].attribute("d").unwrap()).len(), 12);
    let points = marks(&doc, "point");
    assert_eq!(points.len(), 23);
    // y falls as the value rises, proportionally.
    let v = vertices(d);
    let dy = v[1].1 - v[0].1;
    for w in v.windows(2).take(4) {
        near(w[1].1 - w[0].1, dy, 0.02, "equal steps for equal increases");
        assert!(w[1].0 > w[0].0);
    }
    // Month dates are written as dates.
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "ene 2024"), "{t:?}");
    assert!(tooltip(&points[0]).starts_with("ene 2024 · Ventas: 100"));
    let legend: Vec<&str> = marks(&doc, "legend-item")
        .iter()
        .map(|n| n.attribute("data-label").unwrap())
        .collect();
    assert_eq!(legend, ["Ventas", "Meta"]);
}

#[test]
fn area_is_closed_down_to_zero() {
    let data = one(
        &["2024-01-31", "2024-02-29", "2024-03-31"],
        &[3.0, 6.0, 4.5],
    );
    let svg = render(ChartKind::Area, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    let areas = marks(&doc, "area");
    assert_eq!(areas.len(), 1);
    let v = vertices(areas[0].attribute("d").unwrap());
    assert_eq!(
        v.len(),
        3 + 2,
        "three values and two corners on the zero line"
    );
    assert!(areas[0].attribute("d").unwrap().ends_with('Z'));
    let base = v[0].1;
    assert_eq!(v[4].1, base);
    let per_unit = (base - v[1].1) / 3.0;
    near(base - v[2].1, 6.0 * per_unit, 0.5, "area height");
    near(base - v[3].1, 4.5 * per_unit, 0.5, "area height");
    assert_eq!(marks(&doc, "point").len(), 3);
    assert!(texts(&doc).iter().any(|t| t == "Feb 29, 2024"));
}

/// Start and end angle (degrees, clockwise from twelve o'clock) of a pie slice's path.
fn slice_angles(d: &str) -> (f64, f64) {
    let t: Vec<f64> = tokens(d).iter().filter_map(|s| s.parse().ok()).collect();
    // M cx cy L x0 y0 A r r 0 large sweep x1 y1 Z
    let (cx, cy, x0, y0, x1, y1) = (t[0], t[1], t[2], t[3], t[9], t[10]);
    let angle = |x: f64, y: f64| ((x - cx).atan2(-(y - cy)).to_degrees() + 360.0) % 360.0;
    (angle(x0, y0), angle(x1, y1))
}

#[test]
fn pie_slices_share_the_circle() {
    let values = [50.0, 30.0, 15.0, 5.0];
    let data = one(&["Agua", "Luz", "Gas", "Otra cosa"], &values);
    let svg = render(ChartKind::Pie, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let slices = marks(&doc, "slice");
    assert_eq!(slices.len(), 4);
    let mut total = 0.0;
    let mut end = 0.0;
    for (s, v) in slices.iter().zip(values) {
        let (a0, a1) = (f(s, "data-start"), f(s, "data-end"));
        near(a0, end, 1e-6, "slices follow each other");
        near(a1 - a0, v / 100.0 * 360.0, 1e-6, "slice angle");
        // The drawn path agrees with the attributes.
        let (p0, p1) = slice_angles(s.attribute("d").unwrap());
        near(p0, a0 % 360.0, 0.5, "path start");
        near(p1, a1 % 360.0, 0.5, "path end");
        total += a1 - a0;
        end = a1;
    }
    near(total, 360.0, 1e-6, "whole circle");
    assert_eq!(tooltip(&slices[0]), format!("Agua: 50 (50{NBSP}%)"));
    let legend: Vec<&str> = marks(&doc, "legend-item")
        .iter()
        .map(|n| n.attribute("data-label").unwrap())
        .collect();
    assert_eq!(legend, ["Agua", "Luz", "Gas", "Otra cosa"]);

    let svg = render(ChartKind::Donut, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    let slices = marks(&doc, "slice");
    assert_eq!(slices.len(), 4);
    let sum: f64 = slices
        .iter()
        .map(|s| f(s, "data-end") - f(s, "data-start"))
        .sum();
    near(sum, 360.0, 1e-6, "donut circle");
    assert!(texts(&doc).iter().any(|t| t == "100"), "total in the hole");
    // A single category is a whole ring.
    let svg = render(ChartKind::Donut, &one(&["Todo"], &[7.0]), &es());
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(f(&marks(&doc, "slice")[0], "data-end"), 360.0);
}

#[test]
fn pie_refuses_negative_values() {
    let data = one(&["a", "b"], &[5.0, -1.0]);
    assert_eq!(
        render_svg(ChartKind::Pie, &data, &es()),
        Err(ChartError::NegativeValues)
    );
    let svg = render_svg_or_message(ChartKind::Pie, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    assert!(texts(&doc).iter().any(|t| t.contains("negative")));
    assert!(marks(&doc, "slice").is_empty());
}

#[test]
fn scatter_points_sit_at_their_values() {
    let xs = [1.0, 2.0, 4.0, 8.0, 3.0];
    let ys = [10.0, 20.0, 15.0, 40.0, 5.0];
    let mut x_values: Vec<Option<f64>> = xs.iter().map(|x| Some(*x)).collect();
    x_values.push(None); // a point without x is not drawn
    let mut y = ys.to_vec();
    y.push(7.0);
    let data = ChartData {
        categories: cats(&["a", "b", "c", "d", "e", "f"]),
        x_values,
        series: vec![Series::new("Pobreza", y)],
        x_label: "Escolaridad".into(),
        y_label: "Pobreza".into(),
        unit: Unit::percent(),
        ..ChartData::default()
    };
    let svg = render(ChartKind::Scatter, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let points = marks(&doc, "point");
    assert_eq!(points.len(), 5);
    let (p0, p1) = (&points[0], &points[1]);
    let kx = (f(p1, "cx") - f(p0, "cx")) / (xs[1] - xs[0]);
    let ky = (f(p1, "cy") - f(p0, "cy")) / (ys[1] - ys[0]);
    assert!(kx > 0.0 && ky < 0.0, "x right, y up");
    for (p, (x, y)) in points.iter().zip(xs.iter().zip(ys)) {
        near(f(p, "cx") - f(p0, "cx"), (x - xs[0]) * kx, 0.5, "cx");
        near(f(p, "cy") - f(p0, "cy"), (y - ys[0]) * ky, 0.5, "cy");
        assert_eq!(f(p, "data-x"), *x);
    }
    assert_eq!(
        tooltip(&points[3]),
        format!("d: Escolaridad 8, Pobreza 40{NBSP}%")
    );
}

#[test]
fn histogram_bars_cover_their_bins() {
    let bins: Vec<Bin> = (0..5)
        .map(|i| Bin {
            from: i as f64 * 10.0,
            to: (i + 1) as f64 * 10.0,
        })
        .collect();
    let counts = [3.0, 9.0, 12.0, 4.0, 1.0];
    let data = ChartData {
        bins,
        series: vec![Series::new("Personas", counts)],
        x_label: "Edad".into(),
        ..ChartData::default()
    };
    let svg = render(ChartKind::Histogram, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 5);
    let per_unit = f(&bars[2], "height") / 12.0;
    for (i, (b, c)) in bars.iter().zip(counts).enumerate() {
        near(f(b, "height"), c * per_unit, 0.5, "count");
        near(
            f(b, "width"),
            f(&bars[0], "width"),
            0.02,
            "equal bins, equal widths",
        );
        if i > 0 {
            near(
                f(&bars[i - 1], "x") + f(&bars[i - 1], "width"),
                f(b, "x"),
                0.02,
                "bars touch",
            );
        }
        assert_eq!(f(b, "data-from"), i as f64 * 10.0);
    }
    assert_eq!(tooltip(&bars[1]), "10 – 20: 9");
    // A bin that goes nowhere is refused.
    let mut bad = data.clone();
    bad.bins[2].to = 20.0;
    assert_eq!(
        render_svg(ChartKind::Histogram, &bad, &es()),
        Err(ChartError::InvalidBin { index: 2 })
    );
}

#[test]
fn table_has_a_cell_per_value() {
    let data = ChartData {
        categories: cats(&["Guatemala", "Escuintla", "Petén"]),
        series: vec![
            Series::new("2019", [1234567.8, 2.0, 3.0]),
            Series::with_gaps("2020", vec![Some(4.0), None, Some(6.0)]),
        ],
        unit: Unit::quetzal(),
        ..ChartData::default()
    };
    let svg = render(ChartKind::Table, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let cells: Vec<Node> = marks(&doc, "cell")
        .into_iter()
        .filter(|c| c.attribute("data-series").is_some())
        .collect();
    assert_eq!(cells.len(), 6);
    assert_eq!(
        cells[0].text(),
        Some(format!("Q{NBSP}1{NBSP}234{NBSP}567,8").as_str())
    );
    assert_eq!(cells[0].attribute("data-label"), Some("Guatemala"));
    assert_eq!(cells[3].attribute("data-value"), Some(""));
    // Past the row limit, the rest is counted.
    let many = one(
        &(0..80)
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
        &(0..80).map(|i| i as f64).collect::<Vec<_>>(),
    );
    let svg = render(ChartKind::Table, &many, &es());
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(marks(&doc, "cell").len(), 100, "50 rows of two cells");
    assert!(texts(&doc).iter().any(|t| t == "… y 30 filas más"));
    let h = f(&doc.root_element(), "height");
    assert!(h > 1000.0, "the table's SVG grows with its rows: {h}");
}

/// The sum of the squares of `1..=n`.
fn squares(n: i32) -> f64 {
    (1..=n).map(|i| (i * i) as f64).sum()
}

#[test]
fn categories_past_the_limit_become_otros() {
    // 20 categories with values 1², 2², … 20², shuffled: the tail stays smaller than the
    // largest bar, so "Otros" is drawn.
    let values: Vec<f64> = (0..20)
        .map(|i| ((i * 7) % 20 + 1) as f64)
        .map(|v| v * v)
        .collect();
    let names: Vec<String> = (0..20).map(|i| format!("Municipio {i}")).collect();
    let name_refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let data = one(&name_refs, &values);
    let opts = es(); // max_categories 12
    let svg = render(ChartKind::Bar, &data, &opts);
    let doc = Document::parse(&svg).unwrap();
    let bars = marks(&doc, "bar");
    assert_eq!(bars.len(), 12);
    let last = bars.last().unwrap();
    assert_eq!(last.attribute("data-label"), Some("Otros"));
    assert!(has_class(last, "other"));
    // The 11 largest (10²..=20²) are kept in their order; "Otros" sums 1²..=9².
    let kept: Vec<f64> = bars[..11].iter().map(|b| f(b, "data-value")).collect();
    let expected: Vec<f64> = values.iter().copied().filter(|v| *v >= 100.0).collect();
    assert_eq!(kept, expected);
    assert_eq!(f(last, "data-value"), squares(9));
    let all: f64 = bars.iter().map(|b| f(b, "data-value")).sum();
    assert_eq!(all, values.iter().sum::<f64>());

    // In English, "Other"; pies keep seven slices and "Other" (a share, drawn however
    // large).
    let svg = render(ChartKind::Pie, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    let slices = marks(&doc, "slice");
    assert_eq!(slices.len(), 8);
    assert_eq!(slices[7].attribute("data-label"), Some("Other"));
    assert_eq!(f(&slices[7], "data-value"), squares(13));

    // Stacked: the bucket sums every series.
    let two = ChartData {
        series: vec![
            Series::new("A", values.clone()),
            Series::new("B", values.iter().map(|v| v * 2.0)),
        ],
        ..data.clone()
    };
    let svg = render(ChartKind::StackedBar, &two, &es());
    let doc = Document::parse(&svg).unwrap();
    let other: Vec<f64> = marks(&doc, "bar")
        .iter()
        .filter(|b| b.attribute("data-label") == Some("Otros"))
        .map(|b| f(b, "data-value"))
        .collect();
    assert_eq!(other, [squares(9), squares(9) * 2.0]);
}

#[test]
fn otros_that_would_dwarf_the_bars_is_left_out_and_said() {
    // A long tail: 300 places of 1 each after ten of 10 to 19. Summed, the tail (290)
    // would flatten the bars a reader came to compare.
    let names: Vec<String> = (0..300).map(|i| format!("Lugar {i}")).collect();
    let name_refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let values: Vec<f64> = (0..300)
        .map(|i| if i < 11 { (i + 10) as f64 } else { 1.0 })
        .collect();
    let data = one(&name_refs, &values);
    for kind in [ChartKind::Bar, ChartKind::HBar] {
        let svg = render(kind, &data, &es());
        let doc = Document::parse(&svg).unwrap();
        let bars = marks(&doc, "bar");
        assert_eq!(bars.len(), 11, "{kind:?}: the eleven largest, no \"Otros\"");
        assert!(bars
            .iter()
            .all(|b| b.attribute("data-label") != Some("Otros")));
        let said = texts(&doc).join(" ");
        assert!(
            said.contains("Otras 289 categorías (289) no se dibujan"),
            "{kind:?}: the note under the title says what was left out: {said}"
        );
    }
    // English.
    let svg = render(ChartKind::Bar, &data, &en());
    let said = texts(&Document::parse(&svg).unwrap()).join(" ");
    assert!(
        said.contains("289 more categories (289) are not drawn"),
        "{said}"
    );
}

#[test]
fn number_formats_per_language() {
    let (s_es, s_en) = (NumberStyle::Es, NumberStyle::En);
    assert_eq!(
        format_value(1234567.8, &Unit::quetzal(), s_es),
        format!("Q{NBSP}1{NBSP}234{NBSP}567,8")
    );
    assert_eq!(
        format_value(1234567.8, &Unit::usd(), s_en),
        "US$1,234,567.8"
    );
    assert_eq!(format_value(1234567.8, &Unit::none(), s_en), "1,234,567.8");
    assert_eq!(
        format_value(0.5, &Unit::percent(), s_es),
        format!("0,5{NBSP}%")
    );
    // The chart's ticks and tooltips use the chosen style.
    let mut data = one(&["a", "b"], &[1_234_567.8, 2_000_000.0]);
    data.unit = Unit::usd();
    let svg = render(ChartKind::Bar, &data, &en());
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(tooltip(&marks(&doc, "bar")[0]), "a: US$1,234,567.8");
    let ticks: Vec<String> = marks(&doc, "tick")
        .iter()
        .map(|t| t.text().unwrap_or_default().to_string())
        .collect();
    assert!(ticks.contains(&"US$1.0M".to_string()), "{ticks:?}");
    // Spanish words with English digits, if so configured.
    let mut opts = es();
    opts.number_style = Some(NumberStyle::En);
    let svg = render(ChartKind::Bar, &data, &opts);
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(tooltip(&marks(&doc, "bar")[0]), "a: US$1,234,567.8");
    assert!(texts(&doc).contains(&"Fuente: INE".to_string()));
}

#[test]
fn text_is_escaped() {
    let evil = "<script>alert('x')</script> & \"co\"";
    let mut data = one(&[evil, "b"], &[1.0, 2.0]);
    data.title = evil.into();
    data.series[0].name = evil.into();
    data.source = evil.into();
    for kind in ChartKind::ALL {
        let mut d = data.clone();
        if kind == ChartKind::Scatter {
            d.x_values = vec![Some(1.0), Some(2.0)];
        }
        if kind == ChartKind::Histogram {
            d.bins = vec![Bin { from: 0.0, to: 1.0 }, Bin { from: 1.0, to: 2.0 }];
        }
        let svg = render(kind, &d, &es());
        assert!(!svg.contains("<script"), "{kind:?}");
        let doc = Document::parse(&svg).unwrap();
        assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
        assert!(
            doc.descendants()
                .any(|n| n.attribute("data-label") == Some(evil) || n.text() == Some(evil)),
            "{kind:?}: the text reads back as given"
        );
    }
    let html = data_table_html(&data, Lang::Es);
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn empty_data_gives_a_message() {
    let empty = ChartData {
        title: "Población".into(),
        ..ChartData::default()
    };
    let nothing = one(&["a", "b"], &[f64::NAN, f64::INFINITY]);
    let no_series = ChartData {
        categories: cats(&["a"]),
        ..ChartData::default()
    };
    for kind in ChartKind::ALL {
        for data in [&empty, &nothing, &no_series] {
            assert_eq!(
                render_svg(kind, data, &es()),
                Err(ChartError::NoData),
                "{kind:?}"
            );
            let svg = render_svg_or_message(kind, data, &es());
            let doc = Document::parse(&svg).unwrap();
            assert!(texts(&doc).contains(&"No hay datos para este gráfico".to_string()));
            assert_eq!(doc.root_element().attribute("role"), Some("img"));
        }
    }
    let svg = render_svg_or_message(ChartKind::Bar, &empty, &en());
    assert!(svg.contains("No data for this chart"));
    assert!(svg.contains("Población"));
    let svg = render_message_svg("Cargando…", &es());
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().attribute("width"), Some("640"));
    assert!(texts(&doc).contains(&"Cargando…".to_string()));
}

#[test]
fn missing_and_nan_values_are_skipped() {
    let data = ChartData {
        categories: cats(&["a", "b", "c", "d"]),
        series: vec![Series::with_gaps(
            "s",
            vec![Some(1.0), Some(f64::NAN), None, Some(4.0)],
        )],
        ..ChartData::default()
    };
    for (kind, class, count) in [
        (ChartKind::Bar, "bar", 2),
        (ChartKind::HBar, "bar", 2),
        (ChartKind::StackedBar, "bar", 2),
        (ChartKind::Line, "point", 2),
        (ChartKind::Area, "point", 2),
        (ChartKind::Pie, "slice", 2),
        (ChartKind::Donut, "slice", 2),
    ] {
        let svg = render(kind, &data, &es());
        assert!(!svg.contains("NaN"), "{kind:?}");
        let doc = Document::parse(&svg).unwrap();
        assert_eq!(marks(&doc, class).len(), count, "{kind:?}");
    }
    let svg = render(ChartKind::Line, &data, &es());
    let doc = Document::parse(&svg).unwrap();
    let d = marks(&doc, "line")[0].attribute("d").unwrap().to_string();
    assert_eq!(d.matches('M').count(), 2);
}

#[test]
fn series_must_match_the_categories() {
    let mut data = one(&["a", "b", "c"], &[1.0, 2.0, 3.0]);
    data.series.push(Series::new("corta", [1.0]));
    let err = render_svg(ChartKind::Bar, &data, &es()).unwrap_err();
    assert_eq!(
        err,
        ChartError::LengthMismatch {
            series: "corta".into(),
            expected: 3,
            found: 1
        }
    );
    assert!(err.message(Lang::Es).contains("«corta»"));
    assert!(err.message(Lang::En).contains("“corta”"));
}

#[test]
fn every_kind_has_title_desc_and_classes() {
    let mut data = one(
        &["2024-01-01", "2024-02-01", "2024-03-01"],
        &[3.0, 1.0, 2.0],
    );
    data.x_values = vec![Some(1.0), Some(2.0), Some(3.0)];
    data.bins = vec![
        Bin { from: 0.0, to: 1.0 },
        Bin { from: 1.0, to: 2.0 },
        Bin { from: 2.0, to: 3.0 },
    ];
    let expected = [
        (ChartKind::Bar, "bar"),
        (ChartKind::HBar, "bar"),
        (ChartKind::StackedBar, "bar"),
        (ChartKind::Line, "line"),
        (ChartKind::Area, "area"),
        (ChartKind::Pie, "slice"),
        (ChartKind::Donut, "slice"),
        (ChartKind::Scatter, "point"),
        (ChartKind::Histogram, "bar"),
        (ChartKind::Table, "cell"),
    ];
    for (kind, class) in expected {
        let svg = render(kind, &data, &es());
        let doc = Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert!(has_class(&root, &format!("chart-{}", kind.code())));
        let title = root.children().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some("Prueba"));
        let desc = root.children().find(|n| n.has_tag_name("desc")).unwrap();
        assert!(
            desc.text().unwrap().starts_with(kind.name(Lang::Es)),
            "{kind:?}"
        );
        assert!(!marks(&doc, class).is_empty(), "{kind:?} has {class} marks");
        // One <style>, no inline styles on marks.
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("style"))
                .count(),
            1
        );
        assert!(marks(&doc, class)
            .iter()
            .all(|n| n.attribute("style").is_none()));
        assert_eq!(ChartKind::parse(kind.code()), Some(kind));
    }
}

#[test]
fn data_table_and_csv() {
    let data = ChartData {
        title: "Población & hogares".into(),
        x_label: "Departamento".into(),
        categories: cats(&["Guatemala", "=SUMA(A1)", "Sololá, centro"]),
        series: vec![
            Series::new("Población", [3_015_081.0, 10.0, 421_583.5]),
            Series::with_gaps("Hogares", vec![Some(1.0), None, Some(3.0)]),
        ],
        ..ChartData::default()
    };
    let html = data_table_html(&data, Lang::Es);
    let doc = Document::parse(&html).expect("well-formed table");
    let table = doc.root_element();
    assert_eq!(table.tag_name().name(), "table");
    let caption = table
        .children()
        .find(|n| n.has_tag_name("caption"))
        .unwrap();
    assert_eq!(caption.text(), Some("Población & hogares"));
    let heads: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("scope") == Some("col"))
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(heads, ["Departamento", "Población", "Hogares"]);
    let rows: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("scope") == Some("row"))
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(rows, ["Guatemala", "=SUMA(A1)", "Sololá, centro"]);
    let tds: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    assert_eq!(tds[0], format!("3{NBSP}015{NBSP}081"));
    assert_eq!(tds[3], "");
    assert_eq!(tds[4], format!("421{NBSP}583,5"));
    let html = data_table_html(&data, Lang::En);
    assert!(html.contains("421,583.5"));

    let csv = data_csv(&data);
    assert_eq!(
        csv,
        "Departamento,Población,Hogares\r\n\
         Guatemala,3015081,1\r\n\
         '=SUMA(A1),10,\r\n\
         \"Sololá, centro\",421583.5,3\r\n"
    );
    // Scatter and histogram columns.
    let scatter = ChartData {
        x_values: vec![Some(1.5), None],
        series: vec![Series::new("y", [2.0, 3.0])],
        ..ChartData::default()
    };
    assert_eq!(data_csv(&scatter), "x,y\r\n1.5,2\r\n,3\r\n");
    let hist = ChartData {
        bins: vec![Bin { from: 0.0, to: 0.5 }],
        series: vec![Series::new("n", [4.0])],
        ..ChartData::default()
    };
    assert_eq!(data_csv(&hist), "from,to,n\r\n0,0.5,4\r\n");
}

#[test]
fn ids_are_stable_and_settable() {
    let data = one(&["a"], &[1.0]);
    let a = render(ChartKind::Bar, &data, &es());
    let b = render(ChartKind::Bar, &data, &es());
    assert_eq!(a, b, "same data, same SVG");
    let mut opts = es();
    opts.id = Some("grafico-1\"><x".into());
    let svg = render(ChartKind::Bar, &data, &opts);
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().attribute("id"), Some("grafico-1x"));
    assert!(
        svg.contains("#grafico-1x .bar"),
        "styles are scoped to the chart"
    );
}

#[test]
fn png_export() {
    let data = one(&["Huehuetenango", "Quiché"], &[2.0, 3.0]);
    let svg = render(ChartKind::Bar, &data, &es());
    let png = ceiba_viz::png::svg_to_png(&svg, 2.0).expect("renders to PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, right after the chunk header.
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!((width, height), (1280, 800));
    let message = render_message_svg("Sin datos", &es());
    let png = ceiba_viz::png::svg_to_png(&message, 1.0).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(ceiba_viz::png::svg_to_png("<svg", 1.0).is_err());
}
