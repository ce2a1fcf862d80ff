//! Pie and donut charts of the first series.

use std::f64::consts::{FRAC_PI_2, TAU};

use super::frame::{colour_class, legend, raw, Frame, FrameSpec, LegendEntry};
use super::prepare::group;
use super::{ChartData, ChartError, ChartKind, RenderOptions};
use crate::palette;
use crate::svg::PathData;

/// The point at `angle` (radians, 0 at twelve o'clock, clockwise) on a circle.
fn at(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    let a = angle - FRAC_PI_2;
    (cx + r * a.cos(), cy + r * a.sin())
}

/// The outline of a slice from `a0` to `a1` (a ring if `inner` > 0).
fn slice_path(cx: f64, cy: f64, r: f64, inner: f64, a0: f64, a1: f64) -> PathData {
    let mut d = PathData::new();
    let sweep = a1 - a0;
    if sweep >= TAU - 1e-9 {
        // A whole circle: two half arcs (one arc cannot end where it starts).
        let (x0, y0) = at(cx, cy, r, 0.0);
        let (x1, y1) = at(cx, cy, r, TAU / 2.0);
        d.move_to(x0, y0)
            .arc_to(r, false, true, x1, y1)
            .arc_to(r, false, true, x0, y0)
            .close();
        if inner > 0.0 {
            let (i0, j0) = at(cx, cy, inner, 0.0);
            let (i1, j1) = at(cx, cy, inner, TAU / 2.0);
            d.move_to(i0, j0)
                .arc_to(inner, false, false, i1, j1)
                .arc_to(inner, false, false, i0, j0)
                .close();
        }
        return d;
    }
    let large = sweep > TAU / 2.0;
    let (x0, y0) = at(cx, cy, r, a0);
    let (x1, y1) = at(cx, cy, r, a1);
    if inner > 0.0 {
        let (i1, j1) = at(cx, cy, inner, a1);
        let (i0, j0) = at(cx, cy, inner, a0);
        d.move_to(x0, y0)
            .arc_to(r, large, true, x1, y1)
            .line_to(i1, j1)
            .arc_to(inner, large, false, i0, j0)
            .close();
    } else {
        d.move_to(cx, cy)
            .line_to(x0, y0)
            .arc_to(r, large, true, x1, y1)
            .close();
    }
    d
}

pub(crate) fn render(
    kind: ChartKind,
    data: &ChartData,
    opts: &RenderOptions,
) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    // Eight slices at most: one colour each (Okabe–Ito has eight), "Otros" grey.
    let g = group(data, 1, Some(opts.max_categories.min(8)), &fmt);
    let values = &g.values[0];
    let total: f64 = values.iter().flatten().filter(|v| **v > 0.0).sum();
    if total <= 0.0 {
        return Err(ChartError::NoData);
    }
    // Slices drawn: positive values, largest first from twelve o'clock, "Otros" last.
    let mut slices: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| *v > 0.0).map(|v| (i, v)))
        .collect();
    slices.sort_by(|a, b| {
        (g.other == Some(a.0))
            .cmp(&(g.other == Some(b.0)))
            .then(b.1.total_cmp(&a.1))
    });
    // Colours by rank: the largest slice takes the first colour.
    let mut rank = vec![0; g.raw.len()];
    for (r, (i, _)) in slices.iter().enumerate() {
        rank[*i] = r;
    }
    let class_of = |i: usize| {
        if g.other == Some(i) {
            "other".to_string()
        } else {
            colour_class(rank[i])
        }
    };
    let colour_of = |i: usize| {
        if g.other == Some(i) {
            palette::OTHER
        } else {
            palette::categorical(rank[i])
        }
    };
    let entries: Vec<LegendEntry> = slices
        .iter()
        .map(|&(i, v)| LegendEntry {
            label: format!("{} ({})", g.shown[i], fmt.percent(v / total)),
            key: g.raw[i].clone(),
            class: class_of(i),
        })
        .collect();
    let mut desc = format!(
        "{}. {}: {}.",
        kind.name(fmt.lang),
        "Total",
        fmt.value(total, &data.unit)
    );
    for &(i, v) in &slices {
        desc.push_str(&format!(
            " {}: {} ({});",
            g.shown[i],
            fmt.value(v, &data.unit),
            fmt.percent(v / total)
        ));
    }
    desc.pop();
    desc.push('.');
    let mut f = Frame::begin(
        data,
        opts,
        FrameSpec {
            kind,
            height: opts.height,
            colours: g.raw.len(),
            legend: &[],
            desc: &desc,
        },
    );
    let s = f.sizes.small;
    let plot = f.plot;
    // The legend at the right when there is room, else below.
    let side = plot.w >= plot.h * 1.4;
    let (r, cx, cy) = if side {
        let r = (plot.h / 2.0).min(plot.w * 0.3) - s * 0.3;
        (r, plot.x + r + s * 0.3, plot.y + plot.h / 2.0)
    } else {
        let rows = slices.len().min(8) as f64;
        let r = ((plot.h - rows * s * 1.5) / 2.0).min(plot.w / 2.0) - s * 0.3;
        (
            r.max(s * 3.0),
            plot.x + plot.w / 2.0,
            plot.y + r.max(s * 3.0) + s * 0.3,
        )
    };
    let inner = if kind == ChartKind::Donut {
        r * 0.58
    } else {
        0.0
    };
    let mut w = std::mem::take(&mut f.w);
    w.open("g", &[("class", "marks".into())]);
    let mut a0 = 0.0;
    for &(i, v) in &slices {
        let a1 = a0 + v / total * TAU;
        let d = slice_path(cx, cy, r, inner, a0, a1);
        let class = format!("slice {}", class_of(i));
        let value = raw(v);
        let share = fmt.percent(v / total);
        let start = raw(a0.to_degrees());
        let end = raw(a1.to_degrees());
        let tip = format!("{}: {} ({share})", g.shown[i], fmt.value(v, &data.unit));
        w.with_title(
            "path",
            &[
                ("class", (&class).into()),
                ("data-label", (&g.raw[i]).into()),
                ("data-value", (&value).into()),
                ("data-start", (&start).into()),
                ("data-end", (&end).into()),
                ("d", d.as_str().into()),
            ],
            &tip,
        );
        a0 = a1;
    }
    // Shares on slices big enough to hold them.
    let mut a0 = 0.0;
    for &(i, v) in &slices {
        let sweep = v / total * TAU;
        let mid = a0 + sweep / 2.0;
        a0 += sweep;
        let label_r = if inner > 0.0 {
            (r + inner) / 2.0
        } else {
            r * 0.66
        };
        let share = fmt.percent(v / total);
        let arc = sweep * label_r;
        if v / total < 0.04 || arc < super::frame::text_width(&share, s) * 0.9 {
            continue;
        }
        let (x, y) = at(cx, cy, label_r, mid);
        let on_dark = palette::text_on(colour_of(i)) == "#FFFFFF";
        w.element(
            "text",
            &[
                (
                    "class",
                    if on_dark {
                        "value-label on-dark"
                    } else {
                        "value-label"
                    }
                    .into(),
                ),
                ("x", x.into()),
                ("y", (y + s * 0.35).into()),
                ("text-anchor", "middle".into()),
            ],
            &share,
        );
    }
    w.close();
    if inner > 0.0 {
        let total_text = fmt.compact(total, &data.unit);
        let size = f
            .sizes
            .title
            .min(inner * 2.0 / (total_text.chars().count() as f64 * 0.62));
        w.element(
            "text",
            &[
                ("class", "donut-total".into()),
                ("x", cx.into()),
                ("y", (cy + size * 0.1).into()),
                ("text-anchor", "middle".into()),
                ("font-weight", "bold".into()),
                (
                    "style",
                    (&format!("font-size:{}px", crate::svg::num(size))).into(),
                ),
            ],
            &total_text,
        );
        w.element(
            "text",
            &[
                ("class", "tick".into()),
                ("x", cx.into()),
                ("y", (cy + size * 0.1 + s * 1.3).into()),
                ("text-anchor", "middle".into()),
            ],
            "Total",
        );
    }
    if side {
        let lx = cx + r + s * 1.5;
        let top = (cy - entries.len() as f64 * s * 1.5 / 2.0).max(plot.y);
        legend(&mut w, &entries, lx, top, plot.right() - lx, &f.sizes, true);
    } else {
        legend(
            &mut w,
            &entries,
            plot.x,
            cy + r + s * 0.8,
            plot.w,
            &f.sizes,
            false,
        );
    }
    f.w = w;
    Ok(f.finish())
}
