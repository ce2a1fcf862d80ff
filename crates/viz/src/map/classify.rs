//! Classing values for a choropleth: quantiles (as many areas in each class as can be)
//! or natural breaks (Jenks–Fisher: classes as internally alike as can be).
//!
//! Both give the classes' upper bounds, ascending, each a value of the data, the last the
//! maximum. A value belongs to the first class whose upper bound it does not exceed, so
//! class `i` holds `upper[i-1] < v ≤ upper[i]` (the first from the minimum). Repeated
//! values can merge classes: there are never more classes than distinct values, and no
//! class is empty.

/// How classes are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClassMethod {
    /// Quantiles: bound `i` of `k` is the value at position ⌈i·n/k⌉ (1-based) of the sorted
    /// values.
    #[default]
    Quantiles,
    /// Natural breaks (Jenks), by Fisher's exact dynamic programme.
    NaturalBreaks,
}

/// The upper bounds of at most `classes` classes of `values` (non-finite values are
/// ignored). Empty when no value is finite.
pub fn breaks(values: &[f64], classes: usize, method: ClassMethod) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return Vec::new();
    }
    let k = classes.max(1);
    let mut distinct = sorted.clone();
    distinct.dedup();
    if distinct.len() <= k {
        return distinct;
    }
    let mut b = match method {
        ClassMethod::Quantiles => quantile_breaks(&sorted, k),
        ClassMethod::NaturalBreaks => jenks_breaks(&sorted, k),
    };
    b.dedup();
    b
}

fn quantile_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    let mut out: Vec<f64> = (1..k)
        .map(|i| sorted[(i * n).div_ceil(k).max(1) - 1])
        .collect();
    out.push(sorted[n - 1]);
    out
}

fn jenks_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    // lower[l][j]: 1-based index of the first value of class j when the first l values
    // are split in j classes; var[l][j]: the least sum of squared deviations.
    let mut lower = vec![vec![0usize; k + 1]; n + 1];
    let mut var = vec![vec![f64::INFINITY; k + 1]; n + 1];
    for j in 1..=k {
        lower[1][j] = 1;
        var[1][j] = 0.0;
    }
    // Shift values so sums of squares stay precise for large magnitudes.
    let shift = sorted[0];
    for l in 2..=n {
        let (mut s1, mut s2, mut w) = (0.0, 0.0, 0.0);
        let mut variance = 0.0;
        for m in 1..=l {
            let i3 = l - m + 1;
            let v = sorted[i3 - 1] - shift;
            s2 += v * v;
            s1 += v;
            w += 1.0;
            variance = s2 - s1 * s1 / w;
            let i4 = i3 - 1;
            if i4 != 0 {
                for j in 2..=k {
                    let candidate = variance + var[i4][j - 1];
                    if var[l][j] >= candidate {
                        lower[l][j] = i3;
                        var[l][j] = candidate;
                    }
                }
            }
        }
        lower[l][1] = 1;
        var[l][1] = variance;
    }
    let mut uppers = vec![sorted[n - 1]];
    let mut end = n;
    for j in (2..=k).rev() {
        let first = lower[end][j];
        if first < 2 {
            break;
        }
        uppers.push(sorted[first - 2]);
        end = first - 1;
    }
    uppers.reverse();
    uppers
}

/// The class (0-based) of `v` given the upper bounds; `None` for a non-finite value or
/// no classes. Values above the last bound fall in the last class.
pub fn class_of(v: f64, uppers: &[f64]) -> Option<usize> {
    if !v.is_finite() || uppers.is_empty() {
        return None;
    }
    Some(
        uppers
            .iter()
            .position(|&u| v <= u)
            .unwrap_or(uppers.len() - 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            breaks(&v, 5, ClassMethod::Quantiles),
            vec![2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(breaks(&v, 3, ClassMethod::Quantiles), vec![4.0, 7.0, 10.0]);
        // Repeats merge classes.
        let v = [1.0, 1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(breaks(&v, 2, ClassMethod::Quantiles), vec![1.0, 3.0]);
        let v = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(breaks(&v, 3, ClassMethod::Quantiles), vec![1.0, 4.0]);
        assert_eq!(breaks(&[5.0, 5.0], 5, ClassMethod::Quantiles), vec![5.0]);
        assert!(breaks(&[f64::NAN], 5, ClassMethod::Quantiles).is_empty());
    }

    #[test]
    fn natural_breaks_find_the_gaps() {
        let v = [1.0, 2.0, 3.0, 20.0, 21.0, 22.0, 100.0, 101.0];
        assert_eq!(
            breaks(&v, 3, ClassMethod::NaturalBreaks),
            vec![3.0, 22.0, 101.0]
        );
        assert_eq!(class_of(21.0, &[3.0, 22.0, 101.0]), Some(1));
        // Against every split of 14 values in 3 classes.
        let v = [
            2.0, 3.5, 4.0, 7.0, 9.5, 10.0, 11.0, 15.0, 16.5, 21.0, 22.0, 30.0, 31.0, 47.0,
        ];
        let ssd = |g: &[f64]| {
            let m = g.iter().sum::<f64>() / g.len() as f64;
            g.iter().map(|x| (x - m).powi(2)).sum::<f64>()
        };
        let mut best = (f64::INFINITY, vec![]);
        for a in 1..v.len() - 1 {
            for b in a + 1..v.len() {
                let total = ssd(&v[..a]) + ssd(&v[a..b]) + ssd(&v[b..]);
                if total < best.0 - 1e-9 {
                    best = (total, vec![v[a - 1], v[b - 1], v[v.len() - 1]]);
                }
            }
        }
        assert_eq!(breaks(&v, 3, ClassMethod::NaturalBreaks), best.1);
        assert_eq!(class_of(3.0, &[3.0, 22.0, 101.0]), Some(0));
        assert_eq!(class_of(500.0, &[3.0, 22.0, 101.0]), Some(2));
    }
}
