//! What the index knows about a dataset: a plain value built from the catalog, stored in
//! the index whole so that a page of results renders without touching the catalog.

use std::collections::BTreeSet;

use ceiba_core::access::Audience;
use ceiba_core::{DatasetState, Localized};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A name and its title in each language (an organization, a category).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    pub title: Localized,
}

/// One dataset as the index sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub id: Uuid,
    pub name: String,
    pub title: Localized,
    /// Plain text (Markdown removed), shortened to [`DESCRIPTION_CHARS`].
    pub description: Localized,
    pub organization_id: Uuid,
    pub organization: Named,
    pub categories: Vec<Named>,
    pub tags: Vec<String>,
    /// Resource formats as CKAN shows them (`CSV`, `XLSX`), each once.
    pub formats: Vec<String>,
    /// Resource names and descriptions.
    pub resources: Vec<String>,
    /// Column names and headings of every table.
    pub columns: Vec<String>,
    /// Distinctive values: frequent text values of the tables, the names of the territories
    /// the dataset covers.
    pub values: Vec<String>,
    pub licence_id: String,
    /// Years of the temporal coverage.
    pub years: Vec<i32>,
    /// Where it has data: `GT` (the whole country) and departments' codes (`13`).
    #[serde(default)]
    pub territories: Vec<String>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub views: i64,
    pub private: bool,
    pub state: DatasetState,
}

/// Longest description kept (in characters); enough for snippets and cards.
pub const DESCRIPTION_CHARS: usize = 2_000;
/// Most columns, values and resource texts kept per dataset: a bound on one document.
pub const MAX_LIST: usize = 2_000;
/// Most years a coverage expands to (a 1900–2100 coverage is not 200 facet values).
pub const MAX_YEARS: i32 = 60;

impl SearchDoc {
    /// Whether anyone may see it (the access rule for an anonymous visitor).
    pub fn is_public(&self) -> bool {
        Audience::Public.sees(self.state, self.private, self.organization_id)
    }
}

/// The years from `start` to `end` (either may be missing), at most [`MAX_YEARS`].
pub fn years_between(start: Option<i32>, end: Option<i32>) -> Vec<i32> {
    match (start, end) {
        (Some(s), Some(e)) if e >= s => (s..=e.min(s + MAX_YEARS - 1)).collect(),
        (Some(_), Some(_)) | (None, None) => Vec::new(),
        (Some(y), None) | (None, Some(y)) => vec![y],
    }
}

/// Trims, drops empties and duplicates (ignoring case), keeps the first spelling and the
/// order, and keeps at most [`MAX_LIST`].
pub fn distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() || !seen.insert(ceiba_core::text::fold(item)) {
            continue;
        }
        out.push(item.to_owned());
        if out.len() == MAX_LIST {
            break;
        }
    }
    out
}

/// Shortens `text` to at most `max` characters, at a word boundary when there is one.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
            format!("{}…", head.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(
            years_between(Some(2018), Some(2020)),
            vec![2018, 2019, 2020]
        );
        assert_eq!(years_between(None, Some(2020)), vec![2020]);
        assert_eq!(
            years_between(Some(1900), Some(2100)).len(),
            MAX_YEARS as usize
        );
        assert!(years_between(Some(2020), Some(2018)).is_empty());
    }

    #[test]
    fn lists_and_shortening() {
        assert_eq!(
            distinct(["Petén".into(), " PETEN ".into(), "".into(), "Izabal".into()]),
            vec!["Petén", "Izabal"]
        );
        assert_eq!(shorten("uno dos tres", 7), "uno…");
        assert_eq!(shorten("corto", 10), "corto");
    }
}
