//! Checks the input and groups categories past the limit into "Otros".

use super::{other_label, ChartData, ChartError, ChartKind, MAX_MARKS};
use crate::format::Formatter;

/// A value that can be drawn: present and finite.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

pub(crate) fn validate(kind: ChartKind, data: &ChartData) -> Result<(), ChartError> {
    let n = data.point_count(kind);
    if n == 0 {
        return Err(ChartError::NoData);
    }
    let series: &[super::Series] = match kind {
        // Pies and histograms draw the first series only.
        ChartKind::Pie | ChartKind::Donut | ChartKind::Histogram => {
            &data.series[..data.series.len().min(1)]
        }
        _ => &data.series,
    };
    for s in series {
        if s.values.len() != n {
            return Err(ChartError::LengthMismatch {
                series: s.name.clone(),
                expected: n,
                found: s.values.len(),
            });
        }
    }
    let marks = n.saturating_mul(series.len().max(1));
    if marks > MAX_MARKS {
        return Err(ChartError::TooManyMarks {
            marks,
            limit: MAX_MARKS,
        });
    }
    if kind == ChartKind::Histogram {
        if let Some(index) = data
            .bins
            .iter()
            .position(|b| !(b.from.is_finite() && b.to.is_finite() && b.to > b.from))
        {
            return Err(ChartError::InvalidBin { index });
        }
    }
    let any = match kind {
        ChartKind::Scatter => series.iter().any(|s| {
            s.values
                .iter()
                .zip(&data.x_values)
                .any(|(y, x)| finite(*y).is_some() && finite(*x).is_some())
        }),
        _ => series
            .iter()
            .any(|s| s.values.iter().any(|v| finite(*v).is_some())),
    };
    if !any {
        return Err(ChartError::NoData);
    }
    if matches!(kind, ChartKind::Pie | ChartKind::Donut) {
        let values = series
            .iter()
            .flat_map(|s| s.values.iter().filter_map(|v| finite(*v)));
        let mut positive = false;
        for v in values {
            if v < 0.0 {
                return Err(ChartError::NegativeValues);
            }
            positive |= v > 0.0;
        }
        if !positive {
            return Err(ChartError::NoData);
        }
    }
    Ok(())
}

/// Categories ready to draw: at most `max` of them, the rest summed into "Otros".
pub(crate) struct Grouped {
    /// What `data-label` says: the category as given, or "Otros".
    pub raw: Vec<String>,
    /// What the reader sees (dates written as dates).
    pub shown: Vec<String>,
    /// Per series, finite values only.
    pub values: Vec<Vec<Option<f64>>>,
    pub names: Vec<String>,
    /// The index of the "Otros" bucket, if there is one.
    pub other: Option<usize>,
    /// How many categories went into "Otros".
    pub other_count: usize,
    /// What "Otros" added up to (per series) when it was left out because it would have
    /// dwarfed the categories shown (see [`Grouped::leave_out_dwarfing_other`]).
    pub other_left_out: Option<Vec<Option<f64>>>,
}

impl Grouped {
    /// Leaves "Otros" out when it outweighs every category shown: a long tail summed
    /// into one bar would flatten the bars a reader came to compare. What it added up
    /// to is kept for the chart's note.
    pub(crate) fn leave_out_dwarfing_other(&mut self) {
        let Some(i) = self.other else {
            return;
        };
        let weight = |j: usize| -> f64 {
            self.values
                .iter()
                .map(|s| s[j].map(f64::abs).unwrap_or(0.0))
                .sum()
        };
        let largest = (0..self.raw.len())
            .filter(|&j| j != i)
            .map(weight)
            .fold(0.0, f64::max);
        if weight(i) <= largest {
            return;
        }
        self.raw.remove(i);
        self.shown.remove(i);
        self.other_left_out = Some(self.values.iter_mut().map(|s| s.remove(i)).collect());
        self.other = None;
    }
}

/// Groups `data`'s categories for a chart of at most `max` bars or slices (no grouping
/// when `max` is `None`). The categories kept are the largest by the sum of their
/// absolute values over `series`, in their original order; a category already named
/// "Otros" joins the bucket.
pub(crate) fn group(
    data: &ChartData,
    series: usize,
    max: Option<usize>,
    fmt: &Formatter,
) -> Grouped {
    let series = &data.series[..series.min(data.series.len())];
    let n = data.categories.len();
    let values: Vec<Vec<Option<f64>>> = series
        .iter()
        .map(|s| s.values.iter().map(|v| finite(*v)).collect())
        .collect();
    let names = series.iter().map(|s| s.name.clone()).collect();
    let other_name = other_label(fmt.lang);
    let max = match max {
        Some(m) if n > m.max(2) => m.max(2),
        _ => {
            return Grouped {
                raw: data.categories.clone(),
                shown: data.categories.iter().map(|c| fmt.category(c)).collect(),
                values,
                names,
                other: None,
                other_count: 0,
                other_left_out: None,
            }
        }
    };
    let is_other = |c: &str| c.trim().eq_ignore_ascii_case(other_name);
    let weight = |i: usize| -> f64 {
        values
            .iter()
            .map(|s| s[i].map(f64::abs).unwrap_or(0.0))
            .sum()
    };
    let mut order: Vec<usize> = (0..n).filter(|&i| !is_other(&data.categories[i])).collect();
    // Largest first; ties keep the original order (stable sort).
    order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)));
    let mut keep = vec![false; n];
    for &i in order.iter().take(max - 1) {
        keep[i] = true;
    }
    let mut g = Grouped {
        raw: Vec::with_capacity(max),
        shown: Vec::with_capacity(max),
        values: vec![Vec::with_capacity(max); values.len()],
        names,
        other: None,
        other_count: 0,
        other_left_out: None,
    };
    let mut rest: Vec<Option<f64>> = vec![None; values.len()];
    for i in 0..n {
        if keep[i] {
            g.raw.push(data.categories[i].clone());
            g.shown.push(fmt.category(&data.categories[i]));
            for (s, vals) in values.iter().enumerate() {
                g.values[s].push(vals[i]);
            }
        } else {
            g.other_count += 1;
            for (s, vals) in values.iter().enumerate() {
                if let Some(v) = vals[i] {
                    rest[s] = Some(rest[s].unwrap_or(0.0) + v);
                }
            }
        }
    }
    g.other = Some(g.raw.len());
    g.raw.push(other_name.to_string());
    g.shown.push(other_name.to_string());
    for (s, v) in rest.into_iter().enumerate() {
        g.values[s].push(v);
    }
    g
}
