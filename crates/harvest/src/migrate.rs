//! Moving a CKAN portal over in one command: organizations, groups, users (with a
//! sysadmin's key; without passwords), memberships, then every dataset with its fields,
//! extras and files, under the ids and names it had, so that its old addresses answer the
//! same here. Records already brought unchanged are skipped: a second run writes
//! nothing, and an interrupted one resumes where it stopped.

use std::collections::HashMap;
use std::path::PathBuf;

use ceiba_core::Role;
use ceiba_portal::Portal;
use ceiba_store::HarvestSource;
use serde_json::Value;
use uuid::Uuid;

use crate::ckan::CkanApi;
use crate::fetch::{parse_url, FetchLimits, Fetcher};
use crate::map;
use crate::report::Report;
use crate::run::{Copy, Run};
use crate::HarvestError;

/// What `ceiba migrate-from-ckan` was given.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// The CKAN portal's address.
    pub url: String,
    /// A sysadmin's API key brings private datasets, drafts and users too.
    pub api_key: Option<String>,
    /// Reach loopback and private addresses (a source inside the agency's network).
    pub allow_private: bool,
    pub limits: FetchLimits,
    /// Where files are downloaded before they are stored.
    pub scratch: PathBuf,
    /// Bring the files the source stores (else resources link to the source's files: a
    /// quick first look before the real move).
    pub copy_files: bool,
}

/// The migration source of `url`, created at its first run.
async fn source_for(portal: &Portal, url: &str) -> Result<HarvestSource, HarvestError> {
    let parsed = parse_url(url, true)?;
    let name = ceiba_core::name_from_title(&format!(
        "ckan {}{}",
        parsed.host_str().unwrap_or(""),
        parsed.path().trim_end_matches('/')
    ));
    if let Some(s) = portal.catalog().harvest_source(&name).await? {
        return Ok(s);
    }
    let source = HarvestSource {
        id: Uuid::new_v4(),
        name,
        kind: "ckan-migration".into(),
        url: parsed.as_str().trim_end_matches('/').to_owned(),
        organization_id: None,
        schedule: "manual".into(),
        copy_files: true,
        created: ceiba_store::now(),
        run_requested: None,
    };
    portal.catalog().create_harvest_source(&source).await?;
    Ok(source)
}

/// Migrates the CKAN portal at `opts.url` into `portal`.
pub async fn migrate(portal: &Portal, opts: MigrateOptions) -> Result<Report, HarvestError> {
    let fetch = Fetcher::new(opts.limits, opts.allow_private, opts.api_key.clone())?;
    let api = CkanApi::new(fetch.clone(), &opts.url)?;
    let source = source_for(portal, &api.base()).await?;
    let mut run = Run::start(portal, source, fetch, opts.scratch.clone()).await?;
    run.report.ckan_version = api.version().await;
    let members = organizations(&api, &mut run).await;
    groups(&api, &mut run).await;
    if run.fetch.has_key() {
        users(&api, &mut run, members).await;
    }
    let copy = if opts.copy_files {
        Copy::Uploads
    } else {
        Copy::Nothing
    };
    datasets(&api, &mut run, copy).await;
    run.finish().await
}

/// Brings every organization; returns their members (organization id, user name, role).
async fn organizations(api: &CkanApi, run: &mut Run) -> Vec<(Uuid, String, Role)> {
    let mut members = Vec::new();
    let names = match api.names("organization").await {
        Ok(n) => n,
        Err(e) => {
            run.report.problem("organizations", e);
            return members;
        }
    };
    let with_users = run.fetch.has_key();
    for name in names {
        run.report.organizations.read += 1;
        let dict = match api.show("organization", &name, with_users).await {
            Ok(d) => d,
            Err(e) => {
                run.report.organizations.failed += 1;
                run.report.problem(format!("organization {name}"), e);
                continue;
            }
        };
        let org = map::organization(&dict);
        let id = org.id;
        match run.portal.import_organization(&run.actor, org).await {
            Ok(o) => run.report.organizations.count(o),
            Err(e) => {
                run.report.organizations.failed += 1;
                run.report.problem(format!("organization {name}"), e);
                continue;
            }
        }
        for u in dict
            .get("users")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(role) = map::role(&map::text(u, "capacity")) {
                members.push((id, map::text(u, "name"), role));
            }
        }
    }
    members
}

async fn groups(api: &CkanApi, run: &mut Run) {
    let names = match api.names("group").await {
        Ok(n) => n,
        Err(e) => {
            run.report.problem("groups", e);
            return;
        }
    };
    for name in names {
        run.report.groups.read += 1;
        let done = match api.show("group", &name, false).await {
            Ok(dict) => run
                .portal
                .import_category(&run.actor, map::category(&dict))
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match done {
            Ok(o) => run.report.groups.count(o),
            Err(e) => {
                run.report.groups.failed += 1;
                run.report.problem(format!("group {name}"), e);
            }
        }
    }
}

async fn users(api: &CkanApi, run: &mut Run, members: Vec<(Uuid, String, Role)>) {
    let list = match api.users().await {
        Ok(l) => l,
        Err(e) => {
            run.report.problem(
                "users",
                format!("not brought (the key must be a sysadmin's): {e}"),
            );
            return;
        }
    };
    let mut ids: HashMap<String, Uuid> = HashMap::new();
    for u in &list {
        run.report.users.read += 1;
        let Some(account) = map::account(u) else {
            run.report.users.failed += 1;
            run.report.problem(
                format!("user {}", map::text(u, "name")),
                "its name is not one this portal accepts",
            );
            continue;
        };
        let (name, id) = (account.name.clone(), account.id);
        match run.portal.import_account(&run.actor, account).await {
            Ok(o) => {
                run.report.users.count(o);
                ids.insert(name, id);
            }
            Err(e) => {
                run.report.users.failed += 1;
                run.report.problem(format!("user {name}"), e);
            }
        }
    }
    for (org, user, role) in members {
        run.report.memberships.read += 1;
        let Some(&account) = ids.get(&user) else {
            run.report.memberships.failed += 1;
            continue;
        };
        match run
            .portal
            .import_membership(&run.actor, account, org, role)
            .await
        {
            Ok(o) => run.report.memberships.count(o),
            Err(e) => {
                run.report.memberships.failed += 1;
                run.report.problem(format!("member {user}"), e);
            }
        }
    }
}

/// Brings every dataset the source lists (private ones and drafts too with a key), each
/// with the organization and groups it names when they are not here yet (a migration),
/// or under its own ids here (a harvest). Withdraws what left the source, after a
/// complete read only.
pub(crate) async fn datasets(api: &CkanApi, run: &mut Run, copy: Copy) {
    let include_private = run.fetch.has_key() && run.source.kind == "ckan-migration";
    let mut pages = api.packages(include_private);
    loop {
        let page = match pages.next_page().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                run.report.stopped = Some(e.to_string());
                run.report.problem("datasets", e);
                run.progress().await;
                return;
            }
        };
        run.report.datasets_announced = pages.count().map(|c| c as u64);
        for p in page {
            let remote = map::text(&p, "id");
            let fp = Run::fingerprint(&map::fingerprint(&p), copy);
            match run.unchanged(&remote, &fp).await {
                Ok(true) => {
                    run.seen.insert(remote);
                    run.report.datasets.read += 1;
                    run.report.datasets.unchanged += 1;
                    continue;
                }
                Ok(false) => {}
                Err(e) => {
                    run.report.problem(format!("dataset {remote}"), e);
                    continue;
                }
            }
            let mut package = map::package(&p);
            for note in std::mem::take(&mut package.notes) {
                run.report
                    .problem(format!("dataset {}", package.dataset.name), note);
            }
            if run.source.kind == "ckan-migration" {
                needed_records(run, &package).await;
            } else if !crate::harvest::settle_package(run, &remote, &mut package, &api.base()).await
            {
                run.seen.insert(remote);
                continue;
            }
            run.bring(&remote, &fp, package.dataset, &package.resources, copy)
                .await;
        }
        run.progress().await;
    }
    run.withdraw_missing().await;
}

/// The organization and groups a package names, brought from its own dicts when the
/// lists did not have them (a source that hides empty groups, a private organization).
async fn needed_records(run: &mut Run, package: &map::Package) {
    let catalog = run.portal.catalog();
    if let Some(org) = &package.organization {
        let org = map::organization(org);
        if catalog
            .organization(&org.id.to_string())
            .await
            .ok()
            .flatten()
            .is_none()
        {
            run.report.organizations.read += 1;
            match run.portal.import_organization(&run.actor, org).await {
                Ok(o) => run.report.organizations.count(o),
                Err(e) => {
                    run.report.organizations.failed += 1;
                    run.report.problem("organization", e);
                }
            }
        }
    }
    for g in &package.groups {
        let cat = map::category(g);
        if catalog.category(&cat.name).await.ok().flatten().is_none() {
            run.report.groups.read += 1;
            match run.portal.import_category(&run.actor, cat).await {
                Ok(o) => run.report.groups.count(o),
                Err(e) => {
                    run.report.groups.failed += 1;
                    run.report.problem("group", e);
                }
            }
        }
    }
}
