//! The groups of an aggregation as a chart draws them: department and municipality codes
//! as their names, and the groups that become one merged (`101`, `0101` and `GT0101` are
//! one municipality, grouped apart by the query because they are written apart).

use std::collections::HashMap;
use std::hash::Hash;

use crate::territory::{self, Kind, Level};

/// The level of a column that holds department or municipality codes, recognised from its
/// name and a sample of its values (`None` for names and anything else).
pub fn code_level<S: AsRef<str>>(column: &str, sample: &[S]) -> Option<Level> {
    territory::recognise(column, sample)
        .filter(|t| t.kind == Kind::Code)
        .map(|t| t.level)
}

/// A value as drawn: the territory's name when `level` says the column holds codes and the
/// value is one (`01` → "Guatemala", `GT1601` → "Cobán (Alta Verapaz)"), else the value.
pub fn display(level: Option<Level>, key: &str) -> String {
    level
        .and_then(|l| territory::display_name(l, territory::normalise_code(l, key)?))
        .unwrap_or_else(|| key.to_owned())
}

/// A value as a map joins it: the INE code when `level` says the column holds codes and the
/// value is one (`101` → `0101`), else the value.
pub fn canonical(level: Option<Level>, key: &str) -> String {
    level
        .and_then(|l| territory::normalise_code(l, key))
        .map_or_else(|| key.to_owned(), str::to_owned)
}

/// How the values of groups that become one combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Sums and counts add up.
    Add,
    Min,
    Max,
    /// Averages, weighted by how many values each averaged (the rows' weights).
    Mean,
}

#[derive(Debug, Clone, Copy, Default)]
struct Merged {
    value: Option<f64>,
    weight: f64,
}

impl Merged {
    fn add(&mut self, combine: Combine, value: Option<f64>, weight: Option<f64>) {
        let Some(v) = value.filter(|v| v.is_finite()) else {
            return;
        };
        let w = weight.filter(|w| w.is_finite() && *w > 0.0).unwrap_or(0.0);
        self.value = Some(match (self.value, combine) {
            (None, _) => v,
            (Some(a), Combine::Add) => a + v,
            (Some(a), Combine::Min) => a.min(v),
            (Some(a), Combine::Max) => a.max(v),
            (Some(a), Combine::Mean) if self.weight + w > 0.0 => {
                (a * self.weight + v * w) / (self.weight + w)
            }
            (Some(a), Combine::Mean) => a,
        });
        self.weight += w;
    }
}

/// Rows `(key, value, weight)` with equal keys merged into one row, in the order the keys
/// first appear; `weight` matters only to [`Combine::Mean`]. A key whose values are all
/// missing keeps `None`.
pub fn merge<K: Eq + Hash + Clone>(
    rows: impl IntoIterator<Item = (K, Option<f64>, Option<f64>)>,
    combine: Combine,
) -> Vec<(K, Option<f64>)> {
    let mut at: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<(K, Merged)> = Vec::new();
    for (key, value, weight) in rows {
        let i = *at.entry(key.clone()).or_insert_with(|| {
            out.push((key, Merged::default()));
            out.len() - 1
        });
        out[i].1.add(combine, value, weight);
    }
    out.into_iter().map(|(k, m)| (k, m.value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_drawn_as_names_and_joined_as_ine_codes() {
        let level = code_level("cod_muni", &["0101", "1301", "GT1601", "101"]);
        assert_eq!(level, Some(Level::Municipality));
        assert_eq!(display(level, "101"), "Guatemala (Guatemala)");
        assert_eq!(display(level, "GT1601"), "Cobán (Alta Verapaz)");
        assert_eq!(display(level, "9999"), "9999");
        assert_eq!(canonical(level, "101"), "0101");
        let level = code_level("cod_depto", &["01", "13", "16"]);
        assert_eq!(level, Some(Level::Department));
        assert_eq!(display(level, "16"), "Alta Verapaz");
        // Names are drawn as written.
        assert_eq!(code_level("departamento", &["Guatemala", "Petén"]), None);
        assert_eq!(display(None, "13"), "13");
    }

    #[test]
    fn merged_groups_combine_as_their_measure() {
        let rows = || {
            vec![
                ("a", Some(10.0), Some(1.0)),
                ("b", Some(4.0), Some(2.0)),
                ("a", Some(40.0), Some(3.0)),
                ("c", None, None),
            ]
        };
        assert_eq!(
            merge(rows(), Combine::Add),
            [("a", Some(50.0)), ("b", Some(4.0)), ("c", None)]
        );
        assert_eq!(merge(rows(), Combine::Min)[0], ("a", Some(10.0)));
        assert_eq!(merge(rows(), Combine::Max)[0], ("a", Some(40.0)));
        // (10 × 1 + 40 × 3) / 4
        assert_eq!(merge(rows(), Combine::Mean)[0], ("a", Some(32.5)));
    }
}
