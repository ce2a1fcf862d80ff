//! When sources run: on their schedule, or when an administrator asks from the
//! administration page. `ceiba serve` checks once a minute; on several machines the
//! catalog lets one of them run a source at a time.

use ceiba_portal::Portal;
use ceiba_store::{HarvestRun, HarvestSource};
use chrono::{DateTime, Duration, Utc};

use crate::{run_source, RunOptions};

/// The schedules a source may have.
pub const SCHEDULES: [&str; 4] = ["manual", "hourly", "daily", "weekly"];

/// Whether `source` should run at `now`, its newest run being `last`.
pub fn due(source: &HarvestSource, last: Option<&HarvestRun>, now: DateTime<Utc>) -> bool {
    if source.run_requested.is_some() {
        return true;
    }
    let every = match source.schedule.as_str() {
        "hourly" => Duration::hours(1),
        "daily" => Duration::days(1),
        "weekly" => Duration::weeks(1),
        _ => return false,
    };
    match last {
        None => true,
        Some(run) => run.status != "running" && run.started + every <= now,
    }
}

/// Runs every source that is due, one after another; returns how many ran.
pub async fn run_due(portal: &Portal, opts: &RunOptions) -> usize {
    let sources = match portal.catalog().harvest_sources().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the harvest sources");
            return 0;
        }
    };
    let mut ran = 0;
    for source in sources {
        if source.kind == "ckan-migration" {
            continue;
        }
        let last = portal
            .catalog()
            .harvest_runs(Some(source.id), 1)
            .await
            .ok()
            .and_then(|mut r| r.pop());
        if !due(&source, last.as_ref(), ceiba_store::now()) {
            continue;
        }
        let name = source.name.clone();
        let scratch = opts.scratch.join(source.id.simple().to_string());
        let opts = RunOptions {
            scratch,
            ..opts.clone()
        };
        match run_source(portal, source, &opts).await {
            Ok(report) => {
                ran += 1;
                tracing::info!(source = %name, written = report.written(), problems = report.problems_total, "harvest run done");
            }
            Err(e) => tracing::warn!(source = %name, error = %e, "harvest run failed"),
        }
    }
    ran
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn source(schedule: &str) -> HarvestSource {
        HarvestSource {
            id: Uuid::new_v4(),
            name: "s".into(),
            kind: "ckan".into(),
            url: "https://x".into(),
            organization_id: None,
            schedule: schedule.into(),
            copy_files: false,
            created: ceiba_store::now(),
            run_requested: None,
        }
    }

    #[test]
    fn schedules() {
        let now = ceiba_store::now();
        let run = |hours_ago: i64, status: &str| HarvestRun {
            id: Uuid::new_v4(),
            source_id: Uuid::new_v4(),
            started: now - Duration::hours(hours_ago),
            finished: None,
            status: status.into(),
            report: serde_json::json!({}),
        };
        assert!(!due(&source("manual"), None, now));
        assert!(due(&source("daily"), None, now));
        assert!(!due(&source("daily"), Some(&run(2, "done")), now));
        assert!(due(&source("daily"), Some(&run(25, "done")), now));
        assert!(due(&source("hourly"), Some(&run(2, "failed")), now));
        assert!(!due(&source("hourly"), Some(&run(2, "running")), now));
        let mut asked = source("manual");
        asked.run_requested = Some(now);
        assert!(due(&asked, Some(&run(0, "done")), now));
    }
}
