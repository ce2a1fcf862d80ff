//! Histograms: bars over equal-width bins.

use super::*;

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
