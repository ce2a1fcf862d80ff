//! Bars: vertical (grouped or stacked) and horizontal.

use super::*;

/// Bar, horizontal bar and stacked bar charts.
pub(crate) fn bars(
    kind: ChartKind,
    data: &ChartData,
    opts: &RenderOptions,
) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let mut g = group(data, data.series.len(), Some(opts.max_categories), &fmt);
    g.leave_out_dwarfing_other();
    // What was left out is said under the title, not only to screen readers.
    let note = other_note(&g, &fmt, &data.unit);
    let noted;
    let data = if g.other_left_out.is_some() {
        let mut d = data.clone();
        d.subtitle = [d.subtitle.trim(), note.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        noted = d;
        &noted
    } else {
        data
    };
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
    let desc = describe(kind, &fmt, &g.shown, &g.values, &g.names, &data.unit, &note);
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
