//! Versions of a resource's file, the tables built from them, and ingestion jobs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Column;

/// Where a version's ingestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// Waiting for, or in, ingestion.
    Pending,
    /// Ingested; its tables (if any) can be queried.
    Ready,
    /// Ingestion failed; the previous version stays in service.
    Failed,
}

impl VersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Pending => "pending",
            VersionStatus::Ready => "ready",
            VersionStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(VersionStatus::Pending),
            "ready" => Some(VersionStatus::Ready),
            "failed" => Some(VersionStatus::Failed),
            _ => None,
        }
    }
}

/// One uploaded file of a resource. Every upload makes a new version; none is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceVersion {
    pub id: Uuid,
    pub resource_id: Uuid,
    /// 1, 2, 3… per resource.
    pub number: i64,
    pub storage_key: String,
    pub original_filename: Option<String>,
    pub format: String,
    pub media_type: Option<String>,
    pub size: i64,
    pub sha256: String,
    /// Ingestion options as given (sheet, encoding, delimiter, header row, column types).
    pub options: serde_json::Value,
    pub status: VersionStatus,
    /// The ingestion report, once ingestion ran.
    pub report: Option<serde_json::Value>,
    pub created: DateTime<Utc>,
}

/// A typed table built from a version: one per CSV, one per workbook sheet with data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestedTable {
    pub version_id: Uuid,
    pub position: i64,
    /// The sheet's name, or the file's.
    pub name: String,
    pub parquet_key: String,
    pub rows: i64,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(JobState::Queued),
            "running" => Some(JobState::Running),
            "done" => Some(JobState::Done),
            "failed" => Some(JobState::Failed),
            _ => None,
        }
    }
}

/// The ingestion of one version, run in the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestJob {
    pub id: Uuid,
    pub version_id: Uuid,
    pub state: JobState,
    pub attempts: i64,
    pub rows_read: i64,
    pub bytes_read: i64,
    pub error: Option<String>,
    pub created: DateTime<Utc>,
    pub started: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
}
