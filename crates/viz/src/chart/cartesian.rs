//! Charts on two axes: bars (vertical, horizontal, stacked), lines, areas, scatter
//! plots and histograms.

use super::frame::{
    chars_in, colour_class, raw, text_width, truncate, Frame, FrameSpec, LegendEntry, Rect,
};
use super::prepare::{finite, group, Grouped};
use super::{ChartData, ChartError, ChartKind, RenderOptions};
use crate::format::{nice_ticks, Formatter, Ticks, Unit};
use crate::svg::{Attr, PathData, SvgWriter};

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

fn other_note(g: &Grouped, fmt: &Formatter) -> String {
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

/// Bar, horizontal bar and stacked bar charts.
pub(crate) fn bars(
    kind: ChartKind,
    data: &ChartData,
    opts: &RenderOptions,
) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let g = group(data, data.series.len(), Some(opts.max_categories), &fmt);
    let ns = g.values.len();
    let n = g.raw.len();
    let stacked = kind == ChartKind::StackedBar;
    // The value range: stacks add up (positives up, negatives down).
    let (mut min, mut max) = (0.0f64, 0.0f64);
    for i in 0..n {
        let (mut pos, mut neg) = (0.0, 0.0);
        for s in &g.values {
            if let Some(v) = s[i] {
                if stacked {
                    if v >= 0.0 {
                        pos += v
                    } else {
                        neg += v
                    }
                } else {
                    min = min.min(v);
                    max = max.max(v);
                }
            }
        }
        if stacked {
            min = min.min(neg);
            max = max.max(pos);
        }
    }
    let legend = legend_for(&g.names);
    let desc = describe(
        kind,
        &fmt,
        &g.shown,
        &g.values,
        &g.names,
        &data.unit,
        &other_note(&g, &fmt),
    );
    let mut f = Frame::begin(
        data,
        opts,
        FrameSpec {
            kind,
            height: opts.height,
            colours: ns,
            legend: &legend,
            desc: &desc,
        },
    );
    let series_name = |s: usize| (ns > 1).then(|| g.names[s].as_str());
    let single = ns == 1;
    let class_of = |s: usize, i: usize| {
        if single && g.other == Some(i) {
            "bar other".to_string()
        } else {
            format!("bar {}", colour_class(s))
        }
    };
    let mut w = std::mem::take(&mut f.w);
    if kind == ChartKind::HBar {
        hbars(&mut w, &f, data, &g, min, max, &class_of, &series_name);
    } else {
        let top_room = if single { f.sizes.small * 1.2 } else { 0.0 };
        let v = vertical(&f, data, min, max, Some((&g.shown, false)), top_room);
        y_grid(&mut w, &v, &f);
        let band = v.inner.w / n.max(1) as f64;
        let group_w = band * if single || stacked { 0.7 } else { 0.8 };
        let bar_w = if stacked {
            group_w
        } else {
            group_w / ns as f64
        };
        let y0 = v.ys.at(0.0);
        // Values on the bars of one series, if every label fits its bar.
        let show_values = single
            && g.values[0]
                .iter()
                .flatten()
                .all(|v| text_width(&fmt.compact(*v, &data.unit), f.sizes.small) <= band * 0.98);
        w.open("g", &[("class", "marks".into())]);
        for i in 0..n {
            let left = v.inner.x + band * i as f64 + (band - group_w) / 2.0;
            let (mut pos, mut neg) = (0.0, 0.0);
            for (s, vals) in g.values.iter().enumerate() {
                let Some(val) = vals[i] else { continue };
                let (from, to) = if stacked {
                    let base = if val >= 0.0 { &mut pos } else { &mut neg };
                    let from = *base;
                    *base += val;
                    (from, *base)
                } else {
                    (0.0, val)
                };
                let (ya, yb) = (v.ys.at(from), v.ys.at(to));
                let x = if stacked {
                    left
                } else {
                    left + bar_w * s as f64
                };
                let class = class_of(s, i);
                let value = raw(val);
                let mut attrs = mark_attrs(&class, &g.raw[i], series_name(s), &value);
                attrs.extend([
                    ("x", x.into()),
                    ("y", ya.min(yb).into()),
                    ("width", bar_w.into()),
                    ("height", (ya - yb).abs().into()),
                ]);
                let tip = tooltip(&g.shown[i], series_name(s), &fmt.value(val, &data.unit));
                w.with_title("rect", &attrs, &tip);
                if show_values {
                    let label = fmt.compact(val, &data.unit);
                    let ly = if val >= 0.0 {
                        yb - f.sizes.small * 0.35
                    } else {
                        yb + f.sizes.small * 1.1
                    };
                    w.element(
                        "text",
                        &[
                            ("class", "value-label".into()),
                            ("x", (x + bar_w / 2.0).into()),
                            ("y", ly.into()),
                            ("text-anchor", "middle".into()),
                        ],
                        &label,
                    );
                }
            }
        }
        w.close();
        zero_line(&mut w, v.inner.x, y0, v.inner.right(), y0);
        x_categories(&mut w, &v, &f);
        axis_titles(&mut w, data, v.inner, &f);
    }
    f.w = w;
    Ok(f.finish())
}

#[allow(clippy::too_many_arguments)]
fn hbars<'g>(
    w: &mut SvgWriter,
    f: &Frame,
    data: &ChartData,
    g: &'g Grouped,
    min: f64,
    max: f64,
    class_of: &dyn Fn(usize, usize) -> String,
    series_name: &dyn Fn(usize) -> Option<&'g str>,
) {
    let s = f.sizes.small;
    let plot = f.plot;
    let n = g.raw.len();
    let ns = g.values.len();
    let fmt = &f.fmt;
    let max_chars = chars_in(plot.w * 0.38, s).min(30);
    let labels: Vec<String> = g.shown.iter().map(|l| truncate(l, max_chars)).collect();
    let label_col = labels.iter().map(|l| text_width(l, s)).fold(0.0, f64::max) + s * 0.8;
    let single = ns == 1;
    let show_values = single && min >= 0.0;
    let right = if show_values {
        g.values[0]
            .iter()
            .flatten()
            .map(|v| text_width(&fmt.compact(*v, &data.unit), s))
            .fold(0.0, f64::max)
            + s * 0.6
    } else {
        s * 2.0
    };
    let x_title = if data.y_label.trim().is_empty() {
        0.0
    } else {
        s * 1.6
    };
    let width = (plot.w - label_col - right).max(s * 4.0);
    let target = ((width / (s * 8.0)).round() as usize).clamp(2, 6);
    let axis = value_axis(min, max, target, &data.unit, f);
    let inner = Rect {
        x: plot.x + label_col,
        y: plot.y,
        w: width,
        h: (plot.h - s * 1.8 - x_title).max(s * 3.0),
    };
    let xs = Linear::new(axis.ticks.min(), axis.ticks.max(), inner.x, inner.right());
    x_grid(w, inner, xs, &axis.ticks, &axis.labels, f);
    let band = inner.h / n.max(1) as f64;
    let group_h = band * if single { 0.7 } else { 0.8 };
    let bar_h = group_h / ns as f64;
    let x0 = xs.at(0.0);
    w.open("g", &[("class", "y-axis".into())]);
    for (i, label) in labels.iter().enumerate() {
        w.element(
            "text",
            &[
                ("class", "tick".into()),
                ("x", (inner.x - s * 0.5).into()),
                ("y", (inner.y + band * (i as f64 + 0.5) + s * 0.35).into()),
                ("text-anchor", "end".into()),
            ],
            label,
        );
    }
    w.close();
    w.open("g", &[("class", "marks".into())]);
    for i in 0..n {
        let top = inner.y + band * i as f64 + (band - group_h) / 2.0;
        for (si, vals) in g.values.iter().enumerate() {
            let Some(val) = vals[i] else { continue };
            let xv = xs.at(val);
            let y = top + bar_h * si as f64;
            let class = class_of(si, i);
            let value = raw(val);
            let mut attrs = mark_attrs(&class, &g.raw[i], series_name(si), &value);
            attrs.extend([
                ("x", xv.min(x0).into()),
                ("y", y.into()),
                ("width", (xv - x0).abs().into()),
                ("height", bar_h.into()),
            ]);
            let tip = tooltip(&g.shown[i], series_name(si), &fmt.value(val, &data.unit));
            w.with_title("rect", &attrs, &tip);
            if show_values {
                w.element(
                    "text",
                    &[
                        ("class", "value-label".into()),
                        ("x", (xv + s * 0.3).into()),
                        ("y", (y + bar_h / 2.0 + s * 0.35).into()),
                    ],
                    &fmt.compact(val, &data.unit),
                );
            }
        }
    }
    w.close();
    zero_line(w, x0, inner.y, x0, inner.bottom());
    // Values run along x here: the value axis' title is the y label.
    let titles = ChartData {
        x_label: data.y_label.clone(),
        ..ChartData::default()
    };
    axis_titles(w, &titles, inner, f);
}

/// Line and area charts across the categories.
pub(crate) fn lines(
    kind: ChartKind,
    data: &ChartData,
    opts: &RenderOptions,
) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let g = group(data, data.series.len(), None, &fmt);
    let n = g.raw.len();
    let ns = g.values.len();
    let area = kind == ChartKind::Area;
    let all = g.values.iter().flatten().flatten().copied();
    let (mut min, mut max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if area {
        min = min.min(0.0);
        max = max.max(0.0);
    }
    let legend = legend_for(&g.names);
    let desc = describe(kind, &fmt, &g.shown, &g.values, &g.names, &data.unit, "");
    let mut f = Frame::begin(
        data,
        opts,
        FrameSpec {
            kind,
            height: opts.height,
            colours: ns,
            legend: &legend,
            desc: &desc,
        },
    );
    let mut w = std::mem::take(&mut f.w);
    let v = vertical(&f, data, min, max, Some((&g.shown, true)), 0.0);
    y_grid(&mut w, &v, &f);
    let band = v.inner.w / n.max(1) as f64;
    let x_at = |i: usize| v.inner.x + band * (i as f64 + 0.5);
    let points = n <= 100;
    let r = (f.sizes.small * 0.3).max(3.0);
    let base = v.ys.at(if area { 0.0 } else { v.axis.ticks.min() });
    w.open("g", &[("class", "marks".into())]);
    for (s, vals) in g.values.iter().enumerate() {
        let colour = colour_class(s);
        let mut line = PathData::new();
        let mut fill = PathData::new();
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>, line: &mut PathData, fill: &mut PathData| {
            if run.is_empty() {
                return;
            }
            for (k, (x, y)) in run.iter().enumerate() {
                if k == 0 {
                    line.move_to(*x, *y);
                } else {
                    line.line_to(*x, *y);
                }
            }
            if area {
                fill.move_to(run[0].0, base);
                for (x, y) in run.iter() {
                    fill.line_to(*x, *y);
                }
                fill.line_to(run[run.len() - 1].0, base);
                fill.close();
            }
            run.clear();
        };
        for (i, val) in vals.iter().enumerate() {
            match val {
                Some(val) => run.push((x_at(i), v.ys.at(*val))),
                None => flush(&mut run, &mut line, &mut fill),
            }
        }
        flush(&mut run, &mut line, &mut fill);
        let name = g.names[s].as_str();
        if area && !fill.is_empty() {
            let class = format!("area {colour}");
            w.empty(
                "path",
                &[
                    ("class", (&class).into()),
                    ("data-series", name.into()),
                    ("d", fill.as_str().into()),
                ],
            );
        }
        if !line.is_empty() {
            let class = format!("line {colour}");
            w.with_title(
                "path",
                &[
                    ("class", (&class).into()),
                    ("data-series", name.into()),
                    ("d", line.as_str().into()),
                ],
                name,
            );
        }
        if points {
            let class = format!("point {colour}");
            let series = (ns > 1).then_some(name);
            for (i, val) in vals.iter().enumerate() {
                let Some(val) = val else { continue };
                let value = raw(*val);
                let mut attrs = mark_attrs(&class, &g.raw[i], series, &value);
                attrs.extend([
                    ("cx", x_at(i).into()),
                    ("cy", v.ys.at(*val).into()),
                    ("r", r.into()),
                ]);
                let tip = tooltip(&g.shown[i], series, &fmt.value(*val, &data.unit));
                w.with_title("circle", &attrs, &tip);
            }
        }
    }
    w.close();
    if v.axis.ticks.min() < 0.0 && v.axis.ticks.max() > 0.0 {
        let y0 = v.ys.at(0.0);
        zero_line(&mut w, v.inner.x, y0, v.inner.right(), y0);
    }
    x_categories(&mut w, &v, &f);
    axis_titles(&mut w, data, v.inner, &f);
    f.w = w;
    Ok(f.finish())
}

/// Points at (x, y) for every series.
pub(crate) fn scatter(data: &ChartData, opts: &RenderOptions) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let ns = data.series.len();
    let names: Vec<String> = data.series.iter().map(|s| s.name.clone()).collect();
    let pairs: Vec<Vec<Option<(f64, f64)>>> = data
        .series
        .iter()
        .map(|s| {
            s.values
                .iter()
                .zip(&data.x_values)
                .map(|(y, x)| Some((finite(*x)?, finite(*y)?)))
                .collect()
        })
        .collect();
    let mut xr = (f64::INFINITY, f64::NEG_INFINITY);
    let mut yr = (f64::INFINITY, f64::NEG_INFINITY);
    let mut count = 0;
    for (x, y) in pairs.iter().flatten().flatten() {
        xr = (xr.0.min(*x), xr.1.max(*x));
        yr = (yr.0.min(*y), yr.1.max(*y));
        count += 1;
    }
    let legend = legend_for(&names);
    let es = fmt.lang == ceiba_core::Lang::Es;
    let desc = format!(
        "{}. {count} {}, {}. {}: {} – {}; {}: {} – {}.",
        ChartKind::Scatter.name(fmt.lang),
        if es { "puntos" } else { "points" },
        series_count(ns, es),
        if data.x_label.is_empty() {
            "x"
        } else {
            &data.x_label
        },
        fmt.value(xr.0, &data.x_unit),
        fmt.value(xr.1, &data.x_unit),
        if data.y_label.is_empty() {
            "y"
        } else {
            &data.y_label
        },
        fmt.value(yr.0, &data.unit),
        fmt.value(yr.1, &data.unit),
    );
    let mut f = Frame::begin(
        data,
        opts,
        FrameSpec {
            kind: ChartKind::Scatter,
            height: opts.height,
            colours: ns,
            legend: &legend,
            desc: &desc,
        },
    );
    let mut w = std::mem::take(&mut f.w);
    let v = vertical(&f, data, yr.0, yr.1, None, 0.0);
    let target = ((v.inner.w / (f.sizes.small * 8.0)).round() as usize).clamp(2, 8);
    let xaxis = value_axis(xr.0, xr.1, target, &data.x_unit, &f);
    let xs = Linear::new(
        xaxis.ticks.min(),
        xaxis.ticks.max(),
        v.inner.x,
        v.inner.right(),
    );
    y_grid(&mut w, &v, &f);
    x_grid(&mut w, v.inner, xs, &xaxis.ticks, &xaxis.labels, &f);
    let r = if count > 300 {
        2.5
    } else {
        (f.sizes.small * 0.32).max(3.5)
    };
    let x_name = if data.x_label.trim().is_empty() {
        "x"
    } else {
        data.x_label.trim()
    };
    let y_name = if data.y_label.trim().is_empty() {
        "y"
    } else {
        data.y_label.trim()
    };
    w.open("g", &[("class", "marks".into())]);
    for (s, pts) in pairs.iter().enumerate() {
        let class = format!("point {}", colour_class(s));
        let series = (ns > 1).then_some(names[s].as_str());
        for (i, p) in pts.iter().enumerate() {
            let Some((x, y)) = p else { continue };
            let label = data
                .categories
                .get(i)
                .map_or(String::new(), |c| fmt.category(c));
            let raw_label = data.categories.get(i).map_or("", |c| c.as_str());
            let value = raw(*y);
            let xv = raw(*x);
            let mut attrs = mark_attrs(&class, raw_label, series, &value);
            attrs.extend([
                ("data-x", (&xv).into()),
                ("cx", xs.at(*x).into()),
                ("cy", v.ys.at(*y).into()),
                ("r", r.into()),
            ]);
            let mut tip = String::new();
            if !label.is_empty() {
                tip.push_str(&label);
                tip.push_str(": ");
            }
            if let Some(s) = series {
                tip.push_str(s);
                tip.push_str(" · ");
            }
            tip.push_str(&format!(
                "{x_name} {}, {y_name} {}",
                fmt.value(*x, &data.x_unit),
                fmt.value(*y, &data.unit)
            ));
            w.with_title("circle", &attrs, &tip);
        }
    }
    w.close();
    axis_titles(&mut w, data, v.inner, &f);
    f.w = w;
    Ok(f.finish())
}

/// Counts per bin as bars side by side, each as wide as its bin.
pub(crate) fn histogram(data: &ChartData, opts: &RenderOptions) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let values: Vec<Option<f64>> = data.series[0].values.iter().map(|v| finite(*v)).collect();
    let lo = data
        .bins
        .iter()
        .map(|b| b.from)
        .fold(f64::INFINITY, f64::min);
    let hi = data
        .bins
        .iter()
        .map(|b| b.to)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut min, mut max) = (0.0f64, 0.0f64);
    for v in values.iter().flatten() {
        min = min.min(*v);
        max = max.max(*v);
    }
    let labels: Vec<String> = data
        .bins
        .iter()
        .map(|b| {
            format!(
                "{} – {}",
                fmt.value(b.from, &data.x_unit),
                fmt.value(b.to, &data.x_unit)
            )
        })
        .collect();
    let desc = describe(
        ChartKind::Histogram,
        &fmt,
        &labels,
        std::slice::from_ref(&values),
        &[],
        &data.unit,
        "",
    );
    let mut f = Frame::begin(
        data,
        opts,
        FrameSpec {
            kind: ChartKind::Histogram,
            height: opts.height,
            colours: 1,
            legend: &[],
            desc: &desc,
        },
    );
    let mut w = std::mem::take(&mut f.w);
    let v = vertical(&f, data, min, max, None, 0.0);
    let target = ((v.inner.w / (f.sizes.small * 7.0)).round() as usize).clamp(2, 10);
    let ticks = nice_ticks(lo, hi, target);
    let tick_labels = fmt.axis(&ticks, &data.x_unit);
    let xs = Linear::new(lo, hi, v.inner.x, v.inner.right());
    y_grid(&mut w, &v, &f);
    x_grid(&mut w, v.inner, xs, &ticks, &tick_labels, &f);
    let y0 = v.ys.at(0.0);
    w.open("g", &[("class", "marks".into())]);
    for (i, (bin, val)) in data.bins.iter().zip(&values).enumerate() {
        let Some(val) = val else { continue };
        let (xa, xb) = (xs.at(bin.from), xs.at(bin.to));
        let yv = v.ys.at(*val);
        let value = raw(*val);
        let (from, to) = (raw(bin.from), raw(bin.to));
        let mut attrs = mark_attrs("bar c0", &labels[i], None, &value);
        attrs.extend([
            ("data-from", (&from).into()),
            ("data-to", (&to).into()),
            ("x", xa.min(xb).into()),
            ("y", yv.min(y0).into()),
            ("width", (xb - xa).abs().into()),
            ("height", (yv - y0).abs().into()),
        ]);
        let tip = tooltip(&labels[i], None, &fmt.value(*val, &data.unit));
        w.with_title("rect", &attrs, &tip);
    }
    w.close();
    zero_line(&mut w, v.inner.x, y0, v.inner.right(), y0);
    axis_titles(&mut w, data, v.inner, &f);
    f.w = w;
    Ok(f.finish())
}
