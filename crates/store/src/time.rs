//! Times and dates as the catalog stores them: fixed-width UTC text that sorts as it compares.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::StoreError;

pub(crate) fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn from_db(column: &'static str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt {
            column,
            value: s.to_owned(),
        })
}

pub(crate) fn date_from_db(
    column: &'static str,
    s: Option<String>,
) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt { column, value: s })
    })
    .transpose()
}

/// The current time, truncated to what the catalog stores so that a value read back
/// equals the value written.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    from_db("now", &to_db(t)).unwrap_or(t)
}
