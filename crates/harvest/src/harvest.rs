//! Harvesting: copying a remote catalog's datasets into this portal on a schedule, each
//! under its own id here (derived from the source's, so a re-run finds it again), linked
//! back to where it came from. A CKAN source is read through `package_search`, a DCAT
//! source through its RDF catalog pages.

use std::collections::HashSet;
use std::path::PathBuf;

use ceiba_core::{Dataset, Localized, Organization};
use ceiba_portal::Portal;
use ceiba_store::HarvestSource;
use uuid::Uuid;

use crate::ckan::CkanApi;
use crate::dcat::{self, DcatDataset};
use crate::fetch::{parse_url, FetchLimits, Fetcher};
use crate::map::{self, RemoteResource};
use crate::migrate;
use crate::report::Report;
use crate::run::{Copy, Run};
use crate::HarvestError;

/// Most pages a DCAT catalog is read to.
pub const MAX_DCAT_PAGES: usize = 10_000;

/// How a run reaches the network and where it keeps downloads.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub allow_private: bool,
    pub limits: FetchLimits,
    pub scratch: PathBuf,
}

/// Runs source `source` once.
pub async fn run_source(
    portal: &Portal,
    source: HarvestSource,
    opts: &RunOptions,
) -> Result<Report, HarvestError> {
    let fetch = Fetcher::new(opts.limits, opts.allow_private, None)?;
    match source.kind.as_str() {
        "ckan" => {
            let copy = if source.copy_files {
                Copy::Everything
            } else {
                Copy::Nothing
            };
            let url = source.url.clone();
            let mut run = Run::start(portal, source, fetch.clone(), opts.scratch.clone()).await?;
            // A refused address is the run's report, for the administration page.
            match CkanApi::new(fetch, &url) {
                Ok(api) => {
                    run.report.ckan_version = api.version().await;
                    migrate::datasets(&api, &mut run, copy).await;
                }
                Err(e) => {
                    run.report.problem("catalog", &e);
                    run.report.stopped = Some(e.to_string());
                }
            }
            run.finish().await
        }
        "dcat" => {
            let mut run = Run::start(portal, source, fetch, opts.scratch.clone()).await?;
            dcat_pages(&mut run).await;
            run.finish().await
        }
        "ckan-migration" => Err(HarvestError::Invalid(format!(
            "{} is a migration: run `ceiba migrate-from-ckan {}` again",
            source.name, source.url
        ))),
        other => Err(HarvestError::Invalid(format!(
            "unknown kind of source \"{other}\""
        ))),
    }
}

/// Gives a harvested package its identity here: ids derived from the source's, the
/// source's organization (or the one the source was added with), the categories this
/// portal has, a link back, and a free name. `false`: it cannot be brought.
pub(crate) async fn settle(
    run: &mut Run,
    remote_id: &str,
    d: &mut Dataset,
    resources: &mut [RemoteResource],
    publisher: Option<Organization>,
    original: Option<String>,
) -> bool {
    let source = run.source.id;
    d.id = Uuid::new_v5(&source, format!("dataset {remote_id}").as_bytes());
    for r in resources.iter_mut() {
        r.id = Uuid::new_v5(&source, format!("resource {}", r.id).as_bytes());
    }
    let record = format!("dataset {}", d.name);
    d.organization_id = match (run.source.organization_id, publisher) {
        (Some(org), _) => org,
        (None, Some(org)) => match publisher_here(run, org).await {
            Ok(id) => id,
            Err(e) => {
                run.report.datasets.failed += 1;
                run.report.problem(record, e);
                return false;
            }
        },
        (None, None) => {
            run.report.datasets.failed += 1;
            run.report.problem(
                record,
                "it names no publisher: add the source with --organization",
            );
            return false;
        }
    };
    let mut kept = Vec::new();
    for c in std::mem::take(&mut d.categories) {
        if let Ok(Some(cat)) = run.portal.catalog().category(&c).await {
            kept.push(cat.name);
        }
    }
    d.categories = kept;
    d.featured = false;
    d.extras
        .insert("harvest_source".into(), run.source.url.clone());
    d.extras
        .insert("harvest_identifier".into(), remote_id.to_owned());
    if let Some(url) = original.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        d.extras.insert("harvest_url".into(), url);
    }
    // A name another dataset holds gets the source's name after it.
    if d.name.len() < 2 {
        d.name = format!("dataset-{}", &d.id.simple().to_string()[..8]);
    }
    if let Ok(Some(other)) = run.portal.catalog().dataset(&d.name).await {
        if other.id != d.id {
            let mut name = format!("{}-{}", d.name, run.source.name);
            name.truncate(100);
            d.name = name.trim_end_matches('-').to_owned();
        }
    }
    true
}

/// The local organization for a source's publisher: the one of the same name, or a new
/// one with an id derived from the source's.
async fn publisher_here(run: &mut Run, org: Organization) -> Result<Uuid, String> {
    let name = if ceiba_core::validate_name(&org.name).is_ok() {
        org.name.clone()
    } else {
        ceiba_core::name_from_title(&org.title.es)
    };
    if let Ok(Some(here)) = run.portal.catalog().organization(&name).await {
        return Ok(here.id);
    }
    let org = Organization {
        id: Uuid::new_v5(
            &run.source.id,
            format!("organization {}", org.id).as_bytes(),
        ),
        name,
        ..org
    };
    let id = org.id;
    run.report.organizations.read += 1;
    match run.portal.import_organization(&run.actor, org).await {
        Ok(o) => {
            run.report.organizations.count(o);
            Ok(id)
        }
        Err(e) => {
            run.report.organizations.failed += 1;
            Err(e.to_string())
        }
    }
}

/// Reads a DCAT catalog page after page (Hydra's `next`), never the same page twice.
async fn dcat_pages(run: &mut Run) {
    let mut url = match parse_url(&run.source.url, run.fetch.allow_private()) {
        Ok(u) => u,
        Err(e) => {
            run.report.stopped = Some(e.to_string());
            return;
        }
    };
    let mut visited = HashSet::new();
    let copy = if run.source.copy_files {
        Copy::Everything
    } else {
        Copy::Nothing
    };
    loop {
        if !visited.insert(url.to_string()) {
            break;
        }
        if visited.len() > MAX_DCAT_PAGES {
            run.report.stopped = Some(format!("more than {MAX_DCAT_PAGES} pages"));
            return;
        }
        let accept = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7";
        let page = match run.fetch.document(&url, accept, false).await {
            Ok((body, media)) => {
                let Some(format) = dcat::format_of(&media, url.as_str()) else {
                    stop(run, format!("{url}: \"{media}\" is not an RDF format"));
                    return;
                };
                let base = url.to_string();
                // Parsing is CPU work: off the async threads.
                tokio::task::spawn_blocking(move || dcat::read_page(&body, format, &base))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r)
                    .map_err(|e| format!("{url}: {e}"))
            }
            Err(e) => Err(e.to_string()),
        };
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                stop(run, e);
                return;
            }
        };
        for item in page.datasets {
            bring_dcat(run, item, copy).await;
        }
        run.progress().await;
        match page.next.map(|n| parse_url(&n, run.fetch.allow_private())) {
            None => break,
            Some(Ok(next)) => url = next,
            Some(Err(e)) => {
                stop(run, e.to_string());
                return;
            }
        }
    }
    run.withdraw_missing().await;
}

fn stop(run: &mut Run, message: String) {
    run.report.problem("catalog", &message);
    run.report.stopped = Some(message);
}

async fn bring_dcat(run: &mut Run, item: DcatDataset, copy: Copy) {
    let DcatDataset {
        remote_id,
        mut dataset,
        mut resources,
        publisher,
    } = item;
    let fp = Run::fingerprint(
        &fingerprint_of(&remote_id, &dataset, &resources, publisher.as_deref()),
        copy,
    );
    match run.unchanged(&remote_id, &fp).await {
        Ok(true) => {
            run.seen.insert(remote_id);
            run.report.datasets.read += 1;
            run.report.datasets.unchanged += 1;
            return;
        }
        Ok(false) => {}
        Err(e) => {
            run.report.problem(format!("dataset {remote_id}"), e);
            return;
        }
    }
    let publisher = publisher.map(|name| Organization {
        id: Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()),
        name: ceiba_core::name_from_title(&name),
        title: Localized::es(name),
        description: Localized::default(),
        image_url: None,
        email: None,
        website: None,
        created: ceiba_store::now(),
    });
    // The original: its landing page, else its IRI.
    let original = dataset
        .source_url
        .clone()
        .or_else(|| dataset.extras.get("dcat_uri").cloned());
    if settle(
        run,
        &remote_id,
        &mut dataset,
        &mut resources,
        publisher,
        original,
    )
    .await
    {
        run.bring(&remote_id, &fp, dataset, &resources, copy).await;
    } else {
        run.seen.insert(remote_id);
    }
}

/// What a DCAT page says of a dataset, without the times it fills in when the page has
/// none (they would differ every run).
fn fingerprint_of(
    remote_id: &str,
    d: &Dataset,
    resources: &[RemoteResource],
    publisher: Option<&str>,
) -> String {
    let mut d = d.clone();
    d.created = chrono::DateTime::UNIX_EPOCH;
    d.modified = chrono::DateTime::UNIX_EPOCH;
    let resources: Vec<serde_json::Value> = resources
        .iter()
        .map(|r| serde_json::json!([r.id, r.name, r.description, r.format, r.media_type, r.url]))
        .collect();
    map::fingerprint(&serde_json::json!({
        "id": remote_id, "dataset": d, "resources": resources, "publisher": publisher
    }))
}

/// The CKAN package of a harvest (not a migration): its own ids here.
pub(crate) async fn settle_package(
    run: &mut Run,
    remote_id: &str,
    p: &mut map::Package,
    base: &str,
) -> bool {
    let publisher = p.organization.as_ref().map(map::organization);
    let original = Some(format!("{base}/dataset/{}", p.dataset.name));
    settle(
        run,
        remote_id,
        &mut p.dataset,
        &mut p.resources,
        publisher,
        original,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_times_do_not_change_the_fingerprint() {
        let mut a = Dataset {
            name: "x".into(),
            ..Dataset::default()
        };
        let f1 = fingerprint_of("r", &a, &[], None);
        a.created = ceiba_store::now();
        assert_eq!(f1, fingerprint_of("r", &a, &[], None));
        a.title.es = "otro".into();
        assert_ne!(f1, fingerprint_of("r", &a, &[], None));
    }
}
