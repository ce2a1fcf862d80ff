//! Scatter plots of two numeric columns.

use super::*;

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
