//! Organizations, categories, datasets and resources.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Frequency, Localized};

/// A publisher (CKAN organization, DCAT `dct:publisher`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub title: Localized,
    pub description: Localized,
    /// Logo address: absolute URL or a path served by the portal.
    pub image_url: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub created: DateTime<Utc>,
}

/// A theme datasets are filed under (CKAN group, DCAT `dcat:theme`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: Uuid,
    pub name: String,
    pub title: Localized,
    pub description: Localized,
    /// Name of one of the portal's built-in icons (see the web crate), or an image URL.
    pub icon: Option<String>,
    pub created: DateTime<Utc>,
}

/// The life-cycle state of a dataset (CKAN's `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DatasetState {
    Draft,
    #[default]
    Active,
    Deleted,
}

impl DatasetState {
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetState::Draft => "draft",
            DatasetState::Active => "active",
            DatasetState::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(DatasetState::Draft),
            "active" => Some(DatasetState::Active),
            "deleted" => Some(DatasetState::Deleted),
            _ => None,
        }
    }
}

/// Who to ask about a dataset (DCAT `dcat:contactPoint`, CKAN `maintainer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The period a dataset's figures refer to (DCAT `dct:temporal`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Temporal {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// A dataset (CKAN package, DCAT `dcat:Dataset`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub id: Uuid,
    pub name: String,
    pub title: Localized,
    /// Markdown.
    pub description: Localized,
    /// The publishing organization's id.
    pub organization_id: Uuid,
    /// Names of the categories the dataset is filed under.
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub licence_id: String,
    pub temporal: Temporal,
    /// Territory codes: `GT` for the country, `01`–`22` departments, `0101`–`2217`
    /// municipalities.
    pub spatial: Vec<String>,
    pub frequency: Option<Frequency>,
    pub contact: Contact,
    /// Landing page or source address.
    pub source_url: Option<String>,
    pub version: Option<String>,
    pub state: DatasetState,
    pub private: bool,
    /// Shown on the home page.
    pub featured: bool,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub extras: BTreeMap<String, String>,
}

/// A file or link of a dataset (CKAN resource, DCAT `dcat:Distribution`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub name: String,
    pub description: String,
    /// Short format name as CKAN shows it: `CSV`, `XLSX`, `JSON`.
    pub format: String,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    /// Hex SHA-256 of the original file.
    pub sha256: Option<String>,
    /// The name the file had when it was uploaded; shown and used for downloads only.
    pub original_filename: Option<String>,
    /// For link resources: the external address. `None` for uploads.
    pub url: Option<String>,
    /// Object-store key of the uploaded original (ASCII; never derived from user input).
    pub storage_key: Option<String>,
    pub position: i64,
    /// The version in service (for uploads): the newest whose ingestion succeeded.
    #[serde(default)]
    pub current_version_id: Option<Uuid>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

impl Resource {
    pub fn is_upload(&self) -> bool {
        self.storage_key.is_some()
    }
}

/// Media type for a short format name.
pub fn media_type_for_format(format: &str) -> Option<&'static str> {
    Some(match format.to_ascii_uppercase().as_str() {
        "CSV" => "text/csv",
        "TSV" => "text/tab-separated-values",
        "TXT" => "text/plain",
        "JSON" => "application/json",
        "GEOJSON" => "application/geo+json",
        "TOPOJSON" => "application/json",
        "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLS" => "application/vnd.ms-excel",
        "ODS" => "application/vnd.oasis.opendocument.spreadsheet",
        "PARQUET" => "application/vnd.apache.parquet",
        "PDF" => "application/pdf",
        "ZIP" => "application/zip",
        "XML" => "application/xml",
        "HTML" => "text/html",
        _ => return None,
    })
}

/// Short format name guessed from a file name's extension.
pub fn format_from_filename(filename: &str) -> Option<String> {
    let ext = filename.rsplit_once('.')?.1;
    (!ext.is_empty() && ext.len() <= 10 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            format_from_filename("Ranking 2018.xlsx").as_deref(),
            Some("XLSX")
        );
        assert_eq!(format_from_filename("noext"), None);
        assert_eq!(media_type_for_format("csv"), Some("text/csv"));
    }
}
