//! `ceiba harvest add|list|run` and `ceiba migrate-from-ckan`: they translate their
//! arguments into the portal's and the harvester's calls and print the report.

use std::path::PathBuf;

use anyhow::Context;
use ceiba_harvest::{FetchLimits, MigrateOptions, Report, RunOptions};
use ceiba_portal::{Actor, Portal, SourceInput};
use clap::{Args, Subcommand};

/// `[harvest]` in the configuration file.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HarvestConfig {
    /// Let harvests and migrations reach loopback and private addresses (a source inside
    /// the agency's own network). Off by default: a source's address or its redirects
    /// must not make the server reach itself or its network.
    #[serde(default)]
    pub allow_private: bool,
    /// One API call or RDF page, in seconds.
    pub request_timeout_s: Option<u64>,
    /// An API answer or RDF page, in bytes.
    pub max_document_bytes: Option<u64>,
}

impl HarvestConfig {
    /// Fetch bounds: these settings, files no larger than uploads may be.
    pub fn limits(&self, max_file_bytes: u64) -> FetchLimits {
        let mut l = FetchLimits {
            max_file_bytes,
            ..FetchLimits::default()
        };
        if let Some(s) = self.request_timeout_s {
            l.request_timeout = std::time::Duration::from_secs(s.clamp(1, 3600));
        }
        if let Some(b) = self.max_document_bytes {
            l.max_document_bytes = b;
        }
        l
    }
}

#[derive(Args, Debug)]
pub struct HarvestArgs {
    #[command(subcommand)]
    pub command: HarvestCommand,
}

#[derive(Subcommand, Debug)]
pub enum HarvestCommand {
    /// Add a source: a CKAN portal (read through its Action API) or a DCAT catalog (its
    /// RDF catalog's address: Turtle, RDF/XML or JSON-LD, paged with Hydra).
    Add {
        /// ckan or dcat.
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        /// The source's address.
        url: String,
        /// The source's name here (default: from its address).
        #[arg(long)]
        name: Option<String>,
        /// Publish its datasets under this organization (default: each dataset's own
        /// publisher, created here when missing).
        #[arg(long)]
        organization: Option<String>,
        /// manual, hourly, daily or weekly (a running `ceiba serve` runs it).
        #[arg(long, default_value = "manual")]
        schedule: String,
        /// Download and ingest every file instead of linking to it.
        #[arg(long)]
        copy_files: bool,
    },
    /// List the sources with their last run.
    List,
    /// Run one source now (or, without a name, every source due by its schedule).
    Run {
        source: Option<String>,
        /// Reach loopback and private addresses too (or `[harvest] allow_private`).
        #[arg(long)]
        allow_private: bool,
    },
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The CKAN portal's address (https://datos.example.gob.gt).
    pub url: String,
    /// A CKAN API key or token; a sysadmin's brings private datasets, drafts and users.
    #[arg(long, env = "CEIBA_CKAN_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Reach loopback and private addresses too (or `[harvest] allow_private`).
    #[arg(long)]
    pub allow_private: bool,
    /// Do not download the files: resources link to the source's (a first look; run
    /// again without it to bring them).
    #[arg(long)]
    pub links_only: bool,
}

pub async fn harvest(
    portal: &Portal,
    config: &HarvestConfig,
    scratch: PathBuf,
    args: HarvestArgs,
) -> anyhow::Result<()> {
    let actor = Actor::operator();
    match args.command {
        HarvestCommand::Add {
            kind,
            url,
            name,
            organization,
            schedule,
            copy_files,
        } => {
            let name = name.unwrap_or_else(|| {
                let host = url::Url::parse(&url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_default();
                ceiba_core::name_from_title(&host)
            });
            let source = portal
                .add_harvest_source(
                    &actor,
                    SourceInput {
                        name,
                        kind,
                        url,
                        organization: organization.unwrap_or_default(),
                        schedule,
                        copy_files,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
            println!(
                "Added source {} ({}, {}): run it with `ceiba harvest run {}`.",
                source.name, source.kind, source.schedule, source.name
            );
            Ok(())
        }
        HarvestCommand::List => {
            for (s, runs) in portal.harvest_sources(&actor).await? {
                let last = runs.first().map_or("never run".to_owned(), |r| {
                    format!("{} {}", r.status, r.started.format("%Y-%m-%d %H:%M"))
                });
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.name, s.kind, s.schedule, s.url, last
                );
            }
            Ok(())
        }
        HarvestCommand::Run {
            source,
            allow_private,
        } => {
            let opts = RunOptions {
                allow_private: allow_private || config.allow_private,
                limits: config.limits(portal.ingestor().limits().max_file_bytes),
                scratch,
            };
            match source {
                Some(name) => {
                    let source = portal
                        .harvest_source(&actor, &name)
                        .await
                        .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
                    let report = ceiba_harvest::run_source(portal, source, &opts).await?;
                    finish(portal, &report).await
                }
                None => {
                    let ran = ceiba_harvest::run_due(portal, &opts).await;
                    println!("{ran} sources ran.");
                    Ok(())
                }
            }
        }
    }
}

pub async fn migrate(
    portal: &Portal,
    config: &HarvestConfig,
    scratch: PathBuf,
    args: MigrateArgs,
) -> anyhow::Result<()> {
    let opts = MigrateOptions {
        url: args.url,
        api_key: args.api_key,
        allow_private: args.allow_private || config.allow_private,
        limits: config.limits(portal.ingestor().limits().max_file_bytes),
        scratch,
        copy_files: !args.links_only,
    };
    let report = ceiba_harvest::migrate(portal, opts).await?;
    finish(portal, &report).await
}

/// Prints the report, ingests the files it brought, and fails when it stopped early.
async fn finish(portal: &Portal, report: &Report) -> anyhow::Result<()> {
    print!("{}", report.summary());
    if report.files_copied > 0 {
        let outcomes = portal
            .ingestor()
            .run_queue()
            .await
            .context("ingesting the files brought")?;
        println!("tables ingested: {}", outcomes.len());
    }
    match &report.stopped {
        Some(why) => Err(anyhow::anyhow!(
            "the run stopped early ({why}); run it again to go on from there"
        )),
        None => Ok(()),
    }
}

/// A portal refusal in the operator's language.
fn explain(e: &ceiba_portal::Error) -> String {
    let lang = crate::import::cli_lang();
    match e {
        ceiba_portal::Error::Invalid { field, reason } => {
            format!("{field}: {}", reason.message(lang))
        }
        ceiba_portal::Error::NotFound(thing) => match lang {
            ceiba_core::Lang::Es => format!("no existe esa {} (not found)", thing.name(lang)),
            ceiba_core::Lang::En => format!("{} not found", thing.name(lang)),
        },
        e => e.to_string(),
    }
}

/// Links a running server checks each minute (20 a minute: 200,000 a week).
const LINKS_PER_MINUTE: i64 = 20;

/// Runs the sources that are due (and those an administrator asked for) once a minute,
/// for as long as the server runs.
pub fn spawn_scheduler(
    portal: Portal,
    config: HarvestConfig,
    scratch: PathBuf,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let opts = RunOptions {
            allow_private: config.allow_private,
            limits: config.limits(portal.ingestor().limits().max_file_bytes),
            scratch,
        };
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            ceiba_harvest::run_due(&portal, &opts).await;
            // A few links a minute: every link within its week, without a burst.
            if let Err(e) = ceiba_harvest::check_links(
                &portal,
                opts.limits,
                opts.allow_private,
                LINKS_PER_MINUTE,
            )
            .await
            {
                tracing::warn!(error = %e, "link checks");
            }
        }
    })
}

#[derive(Args, Debug)]
pub struct CheckLinksArgs {
    /// Most links to check in this run (those never checked, or checked longest ago).
    #[arg(long, default_value_t = 1000)]
    pub limit: i64,
    /// Reach loopback and private addresses too (or `[harvest] allow_private`).
    #[arg(long)]
    pub allow_private: bool,
}

/// `ceiba check-links`: checks the link resources that are due and says how many failed.
pub async fn check_links(
    portal: &Portal,
    config: &HarvestConfig,
    args: CheckLinksArgs,
) -> anyhow::Result<()> {
    let report = ceiba_harvest::check_links(
        portal,
        config.limits(portal.ingestor().limits().max_file_bytes),
        args.allow_private || config.allow_private,
        args.limit.clamp(1, 1_000_000),
    )
    .await?;
    println!(
        "links checked: {}, not answering: {}",
        report.checked, report.broken
    );
    Ok(())
}
