//! Charts on two axes: bars (vertical, horizontal, stacked), lines, areas, scatter
//! plots and histograms.

use super::frame::{
    chars_in, colour_class, raw, text_width, truncate, Frame, FrameSpec, LegendEntry, Rect,
};
use super::prepare::{finite, group, Grouped};
use super::{ChartData, ChartError, ChartKind, RenderOptions};
use crate::format::{nice_ticks, Formatter, Ticks, Unit};
use crate::svg::{Attr, PathData, SvgWriter};

mod bars;
mod histogram;
mod lines;
mod scatter;

pub(crate) use bars::bars;
pub(crate) use histogram::histogram;
pub(crate) use lines::lines;
pub(crate) use scatter::scatter;

/// A linear map from data to pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let d1 = if d1 == d0 { d0 + 1.0 } else { d1 };
        Linear { d0, d1, r0, r1 }
    }

    fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// Ticks of a value axis and their labels.
struct ValueAxis {
    ticks: Ticks,
    labels: Vec<String>,
    label_width: f64,
}

fn value_axis(min: f64, max: f64, target: usize, unit: &Unit, f: &Frame) -> ValueAxis {
    let ticks = nice_ticks(min, max, target);
    let labels = f.fmt.axis(&ticks, unit);
    let label_width = labels
        .iter()
        .map(|l| text_width(l, f.sizes.small))
        .fold(0.0, f64::max);
    ValueAxis {
        ticks,
        labels,
        label_width,
    }
}

/// How category labels sit under a vertical chart.
struct CategoryAxis {
    labels: Vec<String>,
    rotate: bool,
    every: usize,
    height: f64,
}

fn category_axis(
    shown: &[String],
    band: f64,
    ordered: bool,
    max_height: f64,
    f: &Frame,
) -> CategoryAxis {
    let s = f.sizes.small;
    let labels: Vec<String> = shown.iter().map(|l| truncate(l, 18)).collect();
    let widest = labels.iter().map(|l| text_width(l, s)).fold(0.0, f64::max);
    if widest + s * 0.5 <= band {
        return CategoryAxis {
            labels,
            rotate: false,
            every: 1,
            height: s * 1.8,
        };
    }
    if ordered {
        // Dates and other ordered axes: level labels, every k-th.
        let every = ((widest + s) / band.max(0.1)).ceil().max(1.0) as usize;
        return CategoryAxis {
            labels,
            rotate: false,
            every,
            height: s * 1.8,
        };
    }
    // Names: slanted at 45°, cut to fit at most `max_height`.
    let max_chars = chars_in((max_height - s * 1.5).max(s) / 0.707, s).min(18);
    let labels: Vec<String> = shown.iter().map(|l| truncate(l, max_chars)).collect();
    let widest = labels.iter().map(|l| text_width(l, s)).fold(0.0, f64::max);
    let every = ((s * 1.3) / band.max(0.1)).ceil().max(1.0) as usize;
    CategoryAxis {
        labels,
        rotate: true,
        every,
        height: widest * 0.707 + s * 1.5,
    }
}

/// The plot of a vertical chart: where marks go and how values map to y.
struct Vertical {
    inner: Rect,
    ys: Linear,
    axis: ValueAxis,
    cats: Option<CategoryAxis>,
}

/// Lays out a chart whose values run up the y axis; `categories` (with whether they
/// are ordered, like dates) or a numeric x axis below.
fn vertical(
    f: &Frame,
    data: &ChartData,
    min: f64,
    max: f64,
    categories: Option<(&[String], bool)>,
    top_room: f64,
) -> Vertical {
    let s = f.sizes.small;
    let plot = f.plot;
    let y_title = if data.y_label.trim().is_empty() {
        0.0
    } else {
        s * 1.6
    };
    let x_title = if data.x_label.trim().is_empty() {
        0.0
    } else {
        s * 1.6
    };
    let top = s * 0.6 + top_room;
    let cat_axis = |width: f64| {
        categories.map(|(shown, ordered)| {
            let band = width / shown.len().max(1) as f64;
            category_axis(shown, band, ordered, plot.h * 0.35, f)
        })
    };
    // First with a guess of the left margin, for the height the ticks share.
    let guess = cat_axis(plot.w - s * 5.0 - y_title);
    let guess_h = plot.h - top - x_title - guess.as_ref().map_or(s * 1.8, |c| c.height);
    let target = ((guess_h / (f.sizes.text * 2.6)).round() as usize).clamp(2, 8);
    let axis = value_axis(min, max, target, &data.unit, f);
    let mut left = axis.label_width + s * 0.6 + y_title;
    let mut width = (plot.w - left - s).max(s * 4.0);
    let mut cats = cat_axis(width);
    // Slanted names reach left of their bar: the first one must stay inside.
    if let Some(c) = cats.as_ref().filter(|c| c.rotate) {
        let band = width / c.labels.len().max(1) as f64;
        let reach = c.labels.first().map_or(0.0, |l| text_width(l, s) * 0.707) - band / 2.0;
        if reach > left {
            left = reach;
            width = (plot.w - left - s).max(s * 4.0);
            cats = cat_axis(width);
        }
    }
    let x_axis = cats.as_ref().map_or(s * 1.8, |c| c.height);
    let inner = Rect {
        x: plot.x + left,
        y: plot.y + top,
        w: width,
        h: (plot.h - top - x_axis - x_title).max(s * 3.0),
    };
    let ys = Linear::new(axis.ticks.min(), axis.ticks.max(), inner.bottom(), inner.y);
    Vertical {
        inner,
        ys,
        axis,
        cats,
    }
}

/// The x of a centred label of `width` moved so that it stays inside the chart.
fn keep_inside(x: f64, width: f64, f: &Frame) -> f64 {
    let lo = f.plot.x + width / 2.0;
    let hi = f.plot.right() + f.sizes.pad * 0.5 - width / 2.0;
    if lo <= hi {
        x.clamp(lo, hi)
    } else {
        x
    }
}

/// Horizontal gridlines and their labels at the left.
fn y_grid(w: &mut SvgWriter, v: &Vertical, f: &Frame) {
    let s = f.sizes.small;
    w.open("g", &[("class", "y-axis".into())]);
    for (t, label) in v.axis.ticks.values.iter().zip(&v.axis.labels) {
        let y = v.ys.at(*t);
        w.empty(
            "line",
            &[
                ("class", "grid".into()),
                ("x1", v.inner.x.into()),
                ("x2", v.inner.right().into()),
                ("y1", y.into()),
                ("y2", y.into()),
            ],
        );
        w.element(
            "text",
            &[
                ("class", "tick".into()),
                ("x", (v.inner.x - s * 0.5).into()),
                ("y", (y + s * 0.35).into()),
                ("text-anchor", "end".into()),
            ],
            label,
        );
    }
    w.close();
}

/// Vertical gridlines at `ticks` (those within the domain) and their labels below.
fn x_grid(w: &mut SvgWriter, inner: Rect, xs: Linear, ticks: &Ticks, labels: &[String], f: &Frame) {
    let s = f.sizes.small;
    let (lo, hi) = (xs.d0.min(xs.d1), xs.d0.max(xs.d1));
    // Thin labels so they never overlap.
    let widest = labels.iter().map(|l| text_width(l, s)).fold(0.0, f64::max);
    let spacing = (xs.at(ticks.min() + ticks.step) - xs.at(ticks.min())).abs();
    let every = ((widest + s) / spacing.max(0.1)).ceil().max(1.0) as usize;
    w.open("g", &[("class", "x-axis".into())]);
    for (i, (t, label)) in ticks.values.iter().zip(labels).enumerate() {
        if *t < lo - 1e-9 || *t > hi + 1e-9 {
            continue;
        }
        let x = xs.at(*t);
        w.empty(
            "line",
            &[
                ("class", "grid".into()),
                ("x1", x.into()),
                ("x2", x.into()),
                ("y1", inner.y.into()),
                ("y2", inner.bottom().into()),
            ],
        );
        if i % every == 0 {
            w.element(
                "text",
                &[
                    ("class", "tick".into()),
                    ("x", keep_inside(x, text_width(label, s), f).into()),
                    ("y", (inner.bottom() + s * 1.3).into()),
                    ("text-anchor", "middle".into()),
                ],
                label,
            );
        }
    }
    w.close();
}

/// Category labels under a vertical chart, centred on band `i`.
fn x_categories(w: &mut SvgWriter, v: &Vertical, f: &Frame) {
    let Some(cats) = &v.cats else { return };
    let s = f.sizes.small;
    let band = v.inner.w / cats.labels.len().max(1) as f64;
    let mut last_right = f64::NEG_INFINITY;
    w.open("g", &[("class", "x-axis".into())]);
    for (i, label) in cats.labels.iter().enumerate() {
        if i % cats.every != 0 {
            continue;
        }
        let x = v.inner.x + band * (i as f64 + 0.5);
        if cats.rotate {
            let y = v.inner.bottom() + s * 0.9;
            let transform = format!("rotate(-45 {} {})", crate::svg::num(x), crate::svg::num(y));
            w.element(
                "text",
                &[
                    ("class", "tick".into()),
                    ("x", x.into()),
                    ("y", y.into()),
                    ("text-anchor", "end".into()),
                    ("transform", (&transform).into()),
                ],
                label,
            );
        } else {
            // Moved inside the chart, and left out if it would touch the one before.
            let width = text_width(label, s);
            let x = keep_inside(x, width, f);
            if x - width / 2.0 < last_right + s * 0.5 {
                continue;
            }
            last_right = x + width / 2.0;
            w.element(
                "text",
                &[
                    ("class", "tick".into()),
                    ("x", x.into()),
                    ("y", (v.inner.bottom() + s * 1.3).into()),
                    ("text-anchor", "middle".into()),
                ],
                label,
            );
        }
    }
    w.close();
}

/// The axis titles: y rotated at the left, x centred at the bottom.
fn axis_titles(w: &mut SvgWriter, data: &ChartData, inner: Rect, f: &Frame) {
    let s = f.sizes.small;
    if !data.y_label.trim().is_empty() {
        let x = f.plot.x + s;
        let y = inner.y + inner.h / 2.0;
        let transform = format!("rotate(-90 {} {})", crate::svg::num(x), crate::svg::num(y));
        let label = truncate(data.y_label.trim(), chars_in(inner.h, s));
        w.element(
            "text",
            &[
                ("class", "axis-label".into()),
                ("x", x.into()),
                ("y", y.into()),
                ("text-anchor", "middle".into()),
                ("transform", (&transform).into()),
            ],
            &label,
        );
    }
    if !data.x_label.trim().is_empty() {
        let label = truncate(data.x_label.trim(), chars_in(inner.w, s));
        w.element(
            "text",
            &[
                ("class", "axis-label".into()),
                ("x", (inner.x + inner.w / 2.0).into()),
                ("y", (f.plot.bottom() - s * 0.2).into()),
                ("text-anchor", "middle".into()),
            ],
            &label,
        );
    }
}

fn zero_line(w: &mut SvgWriter, x1: f64, y1: f64, x2: f64, y2: f64) {
    w.empty(
        "line",
        &[
            ("class", "zero".into()),
            ("x1", x1.into()),
            ("x2", x2.into()),
            ("y1", y1.into()),
            ("y2", y2.into()),
        ],
    );
}

/// "Huehuetenango: Q 2 500 000", or with several series
/// "Huehuetenango · Mujeres: Q 2 500 000".
fn tooltip(label: &str, series: Option<&str>, value: &str) -> String {
    match series {
        Some(s) if !s.is_empty() => format!("{label} · {s}: {value}"),
        _ => format!("{label}: {value}"),
    }
}

fn legend_for(names: &[String]) -> Vec<LegendEntry> {
    if names.len() < 2 {
        return Vec::new();
    }
    names
        .iter()
        .enumerate()
        .map(|(i, n)| LegendEntry {
            label: n.clone(),
            key: n.clone(),
            class: colour_class(i),
        })
        .collect()
}

/// "1 serie", "2 series" / "1 series".
fn series_count(n: usize, es: bool) -> String {
    if es && n == 1 {
        "1 serie".into()
    } else {
        format!("{n} series")
    }
}

/// One sentence for the `<desc>`: the kind, how many points and series, the extremes.
fn describe(
    kind: ChartKind,
    fmt: &Formatter,
    labels: &[String],
    g: &[Vec<Option<f64>>],
    names: &[String],
    unit: &Unit,
    extra: &str,
) -> String {
    let es = fmt.lang == ceiba_core::Lang::Es;
    let (one, many) = match (kind, es) {
        (ChartKind::Histogram, true) => ("intervalo", "intervalos"),
        (ChartKind::Histogram, false) => ("bin", "bins"),
        (_, true) => ("categoría", "categorías"),
        (_, false) => ("category", "categories"),
    };
    let mut d = format!(
        "{}. {} {}, {}.",
        kind.name(fmt.lang),
        labels.len(),
        if labels.len() == 1 { one } else { many },
        series_count(g.len(), es),
    );
    if g.len() == 1 {
        let mut lo: Option<(usize, f64)> = None;
        let mut hi: Option<(usize, f64)> = None;
        for (i, v) in g[0].iter().enumerate() {
            if let Some(v) = v {
                if lo.is_none_or(|(_, m)| *v < m) {
                    lo = Some((i, *v));
                }
                if hi.is_none_or(|(_, m)| *v > m) {
                    hi = Some((i, *v));
                }
            }
        }
        if let (Some((li, lv)), Some((hi_i, hv))) = (lo, hi) {
            d.push_str(&format!(
                " {}: {} ({}); {}: {} ({}).",
                if es { "Máximo" } else { "Highest" },
                labels[hi_i],
                fmt.value(hv, unit),
                if es { "mínimo" } else { "lowest" },
                labels[li],
                fmt.value(lv, unit),
            ));
        }
    } else if !names.is_empty() {
        d.push(' ');
        d.push_str(&names.join(", "));
        d.push('.');
    }
    if !extra.is_empty() {
        d.push(' ');
        d.push_str(extra);
    }
    d
}

fn other_note(g: &Grouped, fmt: &Formatter, unit: &Unit) -> String {
    if let Some(left_out) = &g.other_left_out {
        let total = match left_out.as_slice() {
            [Some(v)] => format!(" ({})", fmt.value(*v, unit)),
            _ => String::new(),
        };
        return match fmt.lang {
            ceiba_core::Lang::Es => format!(
                "Otras {} categorías{total} no se dibujan: juntas empequeñecerían las que se muestran.",
                g.other_count
            ),
            ceiba_core::Lang::En => format!(
                "{} more categories{total} are not drawn: together they would dwarf those shown.",
                g.other_count
            ),
        };
    }
    match (g.other, fmt.lang) {
        (Some(_), ceiba_core::Lang::Es) => format!(
            "«{}» suma {} categorías.",
            super::other_label(fmt.lang),
            g.other_count
        ),
        (Some(_), ceiba_core::Lang::En) => format!(
            "“{}” adds up {} categories.",
            super::other_label(fmt.lang),
            g.other_count
        ),
        (None, _) => String::new(),
    }
}

/// Attributes of a mark: class, data-label, data-series (several series), data-value.
fn mark_attrs<'a>(
    class: &'a str,
    label: &'a str,
    series: Option<&'a str>,
    value: &'a str,
) -> Vec<(&'static str, Attr<'a>)> {
    let mut a: Vec<(&'static str, Attr<'a>)> =
        vec![("class", class.into()), ("data-label", label.into())];
    if let Some(s) = series {
        a.push(("data-series", s.into()));
    }
    a.push(("data-value", value.into()));
    a
}
