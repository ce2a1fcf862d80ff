//! Lines and areas over categories or dates.

use super::*;

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
