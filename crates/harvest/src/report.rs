//! What a run did: counts per kind of record, files copied, and every record it could not
//! bring with the reason. Written to the run's row as it goes (progress) and at its end.

use serde::{Deserialize, Serialize};

/// Most problems a report keeps (the count goes on).
pub const MAX_PROBLEMS: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Gone from the source: moved to the trash here.
    pub withdrawn: u64,
    pub failed: u64,
}

impl Counts {
    pub fn count(&mut self, outcome: ceiba_portal::Outcome) {
        match outcome {
            ceiba_portal::Outcome::Created => self.created += 1,
            ceiba_portal::Outcome::Updated => self.updated += 1,
            ceiba_portal::Outcome::Unchanged => self.unchanged += 1,
        }
    }

    /// Records written (created, updated or withdrawn).
    pub fn written(&self) -> u64 {
        self.created + self.updated + self.withdrawn
    }
}

/// A record a run could not bring (or brought only in part), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `dataset ranking-2018`, `file 99c4…`, `users`…
    pub record: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub source: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ckan_version: Option<String>,
    /// What the source said it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasets_announced: Option<u64>,
    pub organizations: Counts,
    pub groups: Counts,
    pub users: Counts,
    pub memberships: Counts,
    pub datasets: Counts,
    pub files_copied: u64,
    pub bytes_copied: u64,
    pub problems: Vec<Problem>,
    pub problems_total: u64,
    /// Set when the run stopped early (the source down, a page that never came…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl Report {
    pub fn problem(&mut self, record: impl Into<String>, message: impl std::fmt::Display) {
        let p = Problem {
            record: record.into(),
            message: message.to_string(),
        };
        tracing::warn!(record = %p.record, "{}", p.message);
        self.problems_total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        }
    }

    /// Records written in all.
    pub fn written(&self) -> u64 {
        self.organizations.written()
            + self.groups.written()
            + self.users.written()
            + self.memberships.written()
            + self.datasets.written()
    }

    /// The report for a terminal, one line per kind, then the problems.
    pub fn summary(&self) -> String {
        let mut out = format!("{} ({})\n", self.source, self.kind);
        if let Some(v) = &self.ckan_version {
            out.push_str(&format!("CKAN {v}\n"));
        }
        for (name, c) in [
            ("organizations", &self.organizations),
            ("groups", &self.groups),
            ("users", &self.users),
            ("memberships", &self.memberships),
            ("datasets", &self.datasets),
        ] {
            if c.read + c.failed == 0 && name != "datasets" {
                continue;
            }
            out.push_str(&format!(
                "{name:<14} read {:>6}  created {:>6}  updated {:>6}  unchanged {:>6}  withdrawn {:>5}  failed {:>5}\n",
                c.read, c.created, c.updated, c.unchanged, c.withdrawn, c.failed
            ));
        }
        out.push_str(&format!(
            "files copied   {} ({} bytes)\n",
            self.files_copied, self.bytes_copied
        ));
        if let Some(s) = &self.stopped {
            out.push_str(&format!("stopped early: {s}\n"));
        }
        for p in &self.problems {
            out.push_str(&format!("  {}: {}\n", p.record, p.message));
        }
        if self.problems_total > self.problems.len() as u64 {
            out.push_str(&format!(
                "  … and {} more\n",
                self.problems_total - self.problems.len() as u64
            ));
        }
        out
    }
}
