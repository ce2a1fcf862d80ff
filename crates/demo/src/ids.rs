//! Stable ids and fixed times, so that every load of the demo gives the same catalog.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// Namespace of the demo's UUID v5 ids. Never change it: links to demo datasets by id
/// would break.
const NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_0b52_93d4_4e8a_b7a5_2f0e_c9d1_3a47);

fn v5(key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

pub fn organization(name: &str) -> Uuid {
    v5(&format!("org:{name}"))
}

pub fn category(name: &str) -> Uuid {
    v5(&format!("category:{name}"))
}

pub fn dataset(name: &str) -> Uuid {
    v5(&format!("dataset:{name}"))
}

pub fn resource(dataset: &str, slug: &str) -> Uuid {
    v5(&format!("resource:{dataset}/{slug}"))
}

pub fn view(dataset: &str, slug: &str) -> Uuid {
    v5(&format!("view:{dataset}/{slug}"))
}

pub fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).with_context(|| format!("no such date {y}-{m}-{d}"))
}

/// A fixed time of day (Guatemala office hours, in UTC) on a date.
pub fn time(y: i32, m: u32, d: u32, h: u32, min: u32) -> Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .with_context(|| format!("no such time {y}-{m}-{d} {h}:{min}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(organization("segeplan"), organization("segeplan"));
        assert_ne!(organization("ine"), category("ine"));
        assert_eq!(organization("segeplan").get_version_num(), 5);
    }
}
