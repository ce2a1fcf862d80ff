//! Link checks: each link resource's address is asked, at most weekly, whether it
//! answers (HEAD, or a one-byte GET), through the same bounded, public-only client as
//! harvests. The quality score counts a dataset whose links answer; publishers see which
//! do not.

use ceiba_portal::Portal;
use ceiba_store::LinkCheck;
use chrono::Duration;

use crate::fetch::{parse_url, FetchError, FetchLimits, Fetcher};

/// A link is checked again after this long.
pub const RECHECK_DAYS: i64 = 7;

/// What a batch of checks found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReport {
    pub checked: usize,
    pub broken: usize,
}

/// Checks up to `limit` links that are due.
pub async fn check_links(
    portal: &Portal,
    limits: FetchLimits,
    allow_private: bool,
    limit: i64,
) -> Result<LinkReport, crate::HarvestError> {
    let fetch = Fetcher::new(
        FetchLimits {
            retries: 0,
            ..limits
        },
        allow_private,
        None,
    )?;
    let before = ceiba_store::now() - Duration::days(RECHECK_DAYS);
    let due = portal.catalog().links_due(before, limit).await?;
    let mut report = LinkReport::default();
    for (resource_id, url) in due {
        let answer = match parse_url(&url, allow_private) {
            Ok(u) => fetch.probe(&u).await,
            Err(e) => Err(e),
        };
        let (status, ok, message) = match answer {
            Ok(s) => (Some(i64::from(s)), s < 400, format!("HTTP {s}")),
            Err(FetchError::Status { status, .. }) => {
                (Some(i64::from(status)), false, format!("HTTP {status}"))
            }
            Err(e) => (None, false, e.to_string()),
        };
        report.checked += 1;
        report.broken += usize::from(!ok);
        portal
            .catalog()
            .record_link_check(&LinkCheck {
                resource_id,
                url,
                checked: ceiba_store::now(),
                status,
                ok,
                message,
            })
            .await?;
    }
    Ok(report)
}
