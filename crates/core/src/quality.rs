//! A dataset's metadata quality, scored the way data.gouv.fr does it: one point per
//! criterion met, shown to visitors as a badge and to publishers with what to do next.

use chrono::{DateTime, Duration, Utc};

use crate::{Column, Dataset, Frequency, Licence, Resource};

/// Shortest description that says something, in characters.
pub const MIN_DESCRIPTION_CHARS: usize = 100;

/// Formats anyone can read without paying for software.
const OPEN_FORMATS: [&str; 7] = ["CSV", "TSV", "JSON", "GEOJSON", "ODS", "XML", "PARQUET"];

/// One criterion: its message key and whether it is met.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// `quality-licence`, `quality-description`…
    pub key: &'static str,
    pub met: bool,
}

/// The criteria and how many are met.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quality {
    pub checks: Vec<Check>,
}

impl Quality {
    pub fn met(&self) -> usize {
        self.checks.iter().filter(|c| c.met).count()
    }

    pub fn total(&self) -> usize {
        self.checks.len()
    }

    /// The share met, 0–100.
    pub fn percent(&self) -> usize {
        (self.met() * 100).checked_div(self.total()).unwrap_or(0)
    }
}

/// How long a dataset may go without a change before it is late for its frequency.
fn allowed(f: Frequency) -> Option<Duration> {
    let days = match f {
        Frequency::Cont | Frequency::Hourly | Frequency::Daily => 2,
        Frequency::Weekly => 10,
        Frequency::Biweekly => 20,
        Frequency::Monthly => 40,
        Frequency::Bimonthly => 70,
        Frequency::Quarterly => 100,
        Frequency::Annual2 => 200,
        Frequency::Annual => 400,
        Frequency::Biennial => 790,
        Frequency::Triennial => 1_160,
        Frequency::Quinquennial => 1_900,
        Frequency::Decennial => 3_750,
        Frequency::Irreg | Frequency::Never | Frequency::Other | Frequency::Unknown => return None,
    };
    Some(Duration::days(days))
}

/// Scores `d` with its resources, the columns of their tables in service and how many of
/// its links did not answer when last checked, at `now`.
pub fn score(
    d: &Dataset,
    resources: &[Resource],
    columns: &[Column],
    broken_links: usize,
    now: DateTime<Utc>,
) -> Quality {
    let open_licence = Licence::find(&d.licence_id).is_some_and(|l| l.open);
    let described = d.description.es.chars().count() >= MIN_DESCRIPTION_CHARS;
    let frequency = d
        .frequency
        .filter(|f| !matches!(f, Frequency::Unknown | Frequency::Other));
    let up_to_date = match frequency.and_then(allowed) {
        Some(window) => now - d.modified <= window,
        // Irregular or never updated: not late.
        None => frequency.is_some(),
    };
    let open_format = resources.iter().any(|r| {
        OPEN_FORMATS
            .iter()
            .any(|f| r.format.eq_ignore_ascii_case(f))
    });
    let dictionary =
        !columns.is_empty() && columns.iter().all(|c| !c.description.trim().is_empty());
    let checks = vec![
        Check {
            key: "quality-licence",
            met: open_licence,
        },
        Check {
            key: "quality-description",
            met: described,
        },
        Check {
            key: "quality-temporal",
            met: d.temporal.start.is_some() || d.temporal.end.is_some(),
        },
        Check {
            key: "quality-spatial",
            met: !d.spatial.is_empty(),
        },
        Check {
            key: "quality-frequency",
            met: frequency.is_some(),
        },
        Check {
            key: "quality-up-to-date",
            met: up_to_date,
        },
        Check {
            key: "quality-open-format",
            met: open_format,
        },
        Check {
            key: "quality-dictionary",
            met: dictionary,
        },
        Check {
            key: "quality-resources",
            met: !resources.is_empty(),
        },
        Check {
            key: "quality-reachable",
            met: !resources.is_empty() && broken_links == 0,
        },
    ];
    Quality { checks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Localized, Temporal};

    fn resource(format: &str) -> Resource {
        Resource {
            id: uuid::Uuid::nil(),
            dataset_id: uuid::Uuid::nil(),
            name: "r".into(),
            description: String::new(),
            format: format.into(),
            media_type: None,
            size: None,
            sha256: None,
            original_filename: None,
            url: None,
            storage_key: None,
            position: 0,
            current_version_id: None,
            created: Utc::now(),
            modified: Utc::now(),
        }
    }

    #[test]
    fn each_criterion_counts_once() {
        let now = Utc::now();
        let bare = Dataset {
            licence_id: "notspecified".into(),
            modified: now,
            ..Dataset::default()
        };
        let q = score(&bare, &[], &[], 0, now);
        assert_eq!((q.met(), q.total()), (0, 10));
        let full = Dataset {
            licence_id: "CC-BY-4.0".into(),
            description: Localized::es("x".repeat(120)),
            temporal: Temporal {
                start: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
                end: None,
            },
            spatial: vec!["17".into()],
            frequency: Some(Frequency::Monthly),
            modified: now - Duration::days(10),
            ..bare.clone()
        };
        let column = Column {
            name: "codigo".into(),
            label: "codigo".into(),
            column_type: crate::ColumnType::Text,
            type_overridden: false,
            description: "Código INE del municipio".into(),
            unit: String::new(),
            stats: Default::default(),
        };
        let q = score(&full, &[resource("CSV")], &[column], 0, now);
        assert_eq!(q.met(), 10, "{q:?}");
        assert_eq!(q.percent(), 100);
        // A monthly dataset untouched for three months is late.
        let late = Dataset {
            modified: now - Duration::days(90),
            ..full
        };
        let q = score(&late, &[resource("XLSX")], &[], 1, now);
        let missing: Vec<&str> = q.checks.iter().filter(|c| !c.met).map(|c| c.key).collect();
        assert_eq!(
            missing,
            vec![
                "quality-up-to-date",
                "quality-open-format",
                "quality-dictionary",
                "quality-reachable"
            ]
        );
    }
}
