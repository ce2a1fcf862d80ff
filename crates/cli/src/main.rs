//! `ceiba`: the open-data portal in one program.

mod accounts;
mod arenas;
mod backup;
mod config;
mod data_dir;
mod harvesting;
mod import;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use config::{parse_listen, FileConfig, DEFAULT_DATA, DEFAULT_LISTEN};
use data_dir::DataDir;

/// Ceiba: an open-data portal in one program. It keeps a catalog of datasets, their files
/// and their publishers, and serves them as web pages in Spanish and English.
#[derive(Parser, Debug)]
#[command(name = "ceiba", version, about, long_about = None)]
struct Cli {
    /// Folder where the portal keeps its catalog and files (created if missing).
    /// Default: ./ceiba-data
    #[arg(long, global = true, env = "CEIBA_DATA", value_name = "DIR")]
    data: Option<PathBuf>,

    /// A TOML file with settings (data, listen, database_url, theme, site_name). Flags and
    /// CEIBA_* environment variables take precedence over it.
    #[arg(long, global = true, env = "CEIBA_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// Keep the catalog in this PostgreSQL database (postgres://…) instead of the SQLite
    /// file in the data folder; for portals that run on several machines.
    #[arg(
        long,
        global = true,
        env = "CEIBA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the portal's web server.
    Serve(ServeArgs),
    /// Load the demonstration catalog (synthetic data about Guatemala) into the data folder.
    Demo,
    /// Import a table file into a dataset: it is kept as uploaded and ingested into a
    /// typed table, and a report says what was found (encoding, header, types, problems).
    Import(import::ImportArgs),
    /// Build a resource's current file again with other reading options or column types
    /// (e.g. --type codigo=text), without uploading it again. Makes a new version.
    Rebuild(import::RebuildArgs),
    /// Edit the data dictionary: a column's label, description or unit.
    Column(import::ColumnArgs),
    /// Rebuild the search index from the catalog. A running portal rebuilds its own index
    /// within a second, and so does every machine of a portal that runs on several.
    Reindex,
    /// Manage users: add, set-password, list.
    User(accounts::UserArgs),
    /// Manage organization members: add-member, remove-member, members.
    Org(accounts::OrgArgs),
    /// Manage users' API tokens: create, list, revoke.
    Token(accounts::TokenArgs),
    /// Show the audit log (sign-ins, failed sign-ins, writes through the API, accounts,
    /// roles and tokens changed from the command line), oldest of the latest LIMIT first,
    /// one tab-separated line each: time, action, who, address, target, detail.
    Audit {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Copy the catalog and every file it references into a new folder, consistently,
    /// while the portal keeps serving.
    Backup(backup::BackupArgs),
    /// Harvest other catalogs: add a CKAN or DCAT source, list sources, run them.
    Harvest(harvesting::HarvestArgs),
    /// Bring a whole CKAN portal over: organizations, groups, users (with a sysadmin's
    /// key), datasets with every field and extra, and their files, under the same ids
    /// and names so that old addresses keep working. Run it again to resume or to bring
    /// what changed; a second run of an unchanged source writes nothing.
    #[command(name = "migrate-from-ckan")]
    MigrateFromCkan(harvesting::MigrateArgs),
    /// Check whether link resources answer (those never checked or checked over a week
    /// ago); a running portal does this by itself, a few a minute. Broken links lower a
    /// dataset's quality score and are listed for its editors.
    CheckLinks(harvesting::CheckLinksArgs),
    /// Bring a backup back into an empty data folder (or database), after checking every
    /// file against the backup's manifest.
    Restore(backup::RestoreArgs),
}

/// Records an account, role or token change made from the command line (who ran it is the
/// machine's business; the log says it came from there).
async fn audit_cli(
    catalog: &ceiba_store::Catalog,
    action: &str,
    what: &str,
    done: &anyhow::Result<()>,
) {
    let detail = match done {
        Ok(()) => what.to_owned(),
        Err(_) => format!("{what} (failed)"),
    };
    let event = ceiba_store::AuditEvent::new(action).saying(&detail);
    if let Err(e) = catalog.audit(&event).await {
        tracing::warn!(error = %e, "could not write the audit log");
    }
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address and port to listen on. Default: 127.0.0.1:8080
    #[arg(long, env = "CEIBA_LISTEN", value_name = "ADDR")]
    listen: Option<String>,

    /// Load the demonstration catalog first if the portal has no datasets yet.
    #[arg(long, env = "CEIBA_DEMO")]
    demo: bool,

    /// A theme folder: templates/*.html replace the built-in pages of the same name and
    /// static/custom.css is added to every page.
    #[arg(long, env = "CEIBA_THEME", value_name = "DIR")]
    theme: Option<PathBuf>,

    /// The portal's name, shown in the header and page titles. Default: Ceiba
    #[arg(long, env = "CEIBA_SITE_NAME", value_name = "NAME")]
    site_name: Option<String>,

    /// The portal's public address (https://datos.example.gt), for absolute links in the
    /// APIs. Default: the address each request was sent to.
    #[arg(long, env = "CEIBA_SITE_URL", value_name = "URL")]
    site_url: Option<String>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CEIBA_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if matches!(cli.command, Command::Serve(_)) {
        // Before any thread starts: the restart keeps the same process id.
        arenas::bound_for_serving();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = match &cli.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    let data = cli
        .data
        .clone()
        .or(file.data.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
    let database_url = cli.database_url.clone().or(file.database_url.clone());
    let dir = DataDir::prepare(&data)?;
    let catalog = dir.catalog(database_url.as_deref()).await?;
    let files = dir.files()?;
    let ingestor = ceiba_ingest::Ingestor::new(
        catalog.clone(),
        files.clone(),
        dir.work_dir(),
        file.limits.unwrap_or_default(),
    );
    // Built once: every door (the pages, both APIs, these commands) calls the same
    // use cases, and every upload wakes this ingestor's worker.
    let portal = ceiba_portal::Portal::new(ingestor.clone(), file.query.unwrap_or_default());

    match cli.command {
        Command::Import(args) => {
            let ok = import::run(&portal, args).await?;
            catalog.close().await;
            if ok {
                Ok(())
            } else {
                Err(anyhow::anyhow!(match import::cli_lang() {
                    ceiba_core::Lang::Es => "la importación falló; vea los errores arriba",
                    ceiba_core::Lang::En => "the import failed; see the errors above",
                }))
            }
        }
        Command::Rebuild(args) => {
            let ok = import::rebuild(&ingestor, args).await?;
            catalog.close().await;
            if ok {
                Ok(())
            } else {
                Err(anyhow::anyhow!("the rebuild failed; see the errors above"))
            }
        }
        Command::Column(args) => {
            import::edit_column(&catalog, args).await?;
            catalog.close().await;
            Ok(())
        }
        Command::User(args) => {
            let what = format!("{:?}", args.command);
            let done = accounts::user(&catalog, args).await;
            audit_cli(&catalog, "cli_user", &what, &done).await;
            catalog.close().await;
            done
        }
        Command::Org(args) => {
            let what = format!("{:?}", args.command);
            let done = accounts::org(&portal, args).await;
            audit_cli(&catalog, "cli_org", &what, &done).await;
            catalog.close().await;
            done
        }
        Command::Token(args) => {
            let what = format!("{:?}", args.command);
            let done = accounts::token(&catalog, args).await;
            audit_cli(&catalog, "cli_token", &what, &done).await;
            catalog.close().await;
            done
        }
        Command::Audit { limit } => {
            let events = catalog.audit_events(limit).await?;
            for e in events.iter().rev() {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    e.at.format("%Y-%m-%dT%H:%M:%SZ"),
                    e.action,
                    e.actor.as_deref().unwrap_or("(command line)"),
                    e.address.as_deref().unwrap_or("-"),
                    e.target.as_deref().unwrap_or("-"),
                    e.detail.as_deref().unwrap_or("")
                );
            }
            catalog.close().await;
            Ok(())
        }
        Command::Harvest(args) => {
            let config = file.harvest.clone().unwrap_or_default();
            let done =
                harvesting::harvest(&portal, &config, dir.work_dir().join("harvest"), args).await;
            catalog.close().await;
            done
        }
        Command::MigrateFromCkan(args) => {
            let config = file.harvest.clone().unwrap_or_default();
            let done =
                harvesting::migrate(&portal, &config, dir.work_dir().join("migrate"), args).await;
            catalog.close().await;
            done
        }
        Command::CheckLinks(args) => {
            let config = file.harvest.clone().unwrap_or_default();
            let done = harvesting::check_links(&portal, &config, args).await;
            catalog.close().await;
            done
        }
        Command::Backup(args) => {
            let done = backup::backup(&catalog, &files, &data, args).await;
            catalog.close().await;
            done
        }
        Command::Restore(args) => {
            let done = backup::restore(&catalog, &files, &data, &dir.search_dir(), args).await;
            catalog.close().await;
            done
        }
        Command::Reindex => {
            let generation = catalog.request_reindex().await?;
            match ceiba_search::SearchIndex::open(&dir.search_dir()) {
                Ok(index) => {
                    let started = std::time::Instant::now();
                    let indexer = ceiba_search::Indexer::new(catalog.clone(), Arc::new(index));
                    let report = indexer.rebuild().await?;
                    println!(
                        "Rebuilt the search index of {}: {} datasets in {:.1} s.",
                        data.display(),
                        report.written,
                        started.elapsed().as_secs_f64()
                    );
                }
                Err(ceiba_search::SearchError::Busy) => println!(
                    "The portal serving {} holds the search index; it rebuilds it within a \
                     second (generation {generation}).",
                    data.display()
                ),
                Err(e) => return Err(e.into()),
            }
            catalog.close().await;
            Ok(())
        }
        Command::Demo => {
            let summary = ceiba_demo::load(&ingestor).await?;
            if summary.already_present {
                println!("The demo catalog is already loaded in {}.", data.display());
            } else {
                println!(
                    "Loaded the demo catalog into {}: {} publishers, {} categories, {} datasets, {} resources.",
                    data.display(),
                    summary.organizations,
                    summary.categories,
                    summary.datasets,
                    summary.resources
                );
            }
            catalog.close().await;
            Ok(())
        }
        Command::Serve(args) => {
            let listen = args
                .listen
                .clone()
                .or(file.listen.clone())
                .unwrap_or_else(|| DEFAULT_LISTEN.into());
            let addr = parse_listen(&listen)?;
            if args.demo {
                let summary = ceiba_demo::load(&ingestor).await?;
                if !summary.already_present {
                    tracing::info!(datasets = summary.datasets, "loaded the demo catalog");
                }
            }
            let config = ceiba_web::WebConfig {
                site_name: args
                    .site_name
                    .or(file.site_name)
                    .unwrap_or_else(|| "Ceiba".into()),
                theme: args.theme.or(file.theme),
                query_limits: portal.query_limits(),
                search_dir: Some(dir.search_dir()),
                site_url: args.site_url.or(file.site_url),
                datastore_sql: !file.disable_datastore_sql.unwrap_or(false),
                client_address_header: file.client_address_header,
                mail: file.mail,
            };
            let _worker = ingestor.clone().start_worker().await?;
            let state =
                ceiba_web::AppState::new(portal.clone(), config).map_err(|e| anyhow::anyhow!(e))?;
            // The index follows the catalog: brought up to date (or rebuilt, when missing
            // or stale) before the first request, then every half second.
            let started = std::time::Instant::now();
            let report = state.indexer.catch_up().await.context("search index")?;
            if report.rebuilt {
                tracing::info!(
                    datasets = report.written,
                    seconds = started.elapsed().as_secs_f64(),
                    "built the search index from the catalog"
                );
            }
            let _indexer = state.indexer.clone().spawn(Duration::from_millis(500));
            let _places = state.spawn_place_learning(ingestor.ingested(), Duration::from_secs(10));
            let _harvests = harvesting::spawn_scheduler(
                portal.clone(),
                file.harvest.clone().unwrap_or_default(),
                dir.work_dir().join("harvest"),
            );
            let _visits =
                ceiba_web::visits::Visits::spawn_flush(state.clone(), Duration::from_secs(30));
            let app = ceiba_web::router(state.clone());
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let bound = listener.local_addr().unwrap_or(addr);
            // Tests and scripts read this line to find the port when asked for port 0.
            eprintln!("Ceiba is serving {} on http://{bound}/", data.display());
            if catalog.accounts().await?.is_empty() {
                eprintln!("{}", first_sysadmin_hint(&data));
            }
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("web server")?;
            if let Err(e) = state.visits.flush(&catalog).await {
                tracing::warn!(error = %e, "could not record the last dataset views");
            }
            catalog.close().await;
            Ok(())
        }
    }
}

/// What to run first on a portal without accounts: the exact command that makes the first
/// sysadmin (who then creates the organizations and accounts from the pages).
fn first_sysadmin_hint(data: &std::path::Path) -> String {
    let data = data.display().to_string();
    let quoted = if data
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        data
    } else {
        format!("'{}'", data.replace('\'', "'\\''"))
    };
    match import::cli_lang() {
        ceiba_core::Lang::Es => format!(
            "Todavía no hay usuarios. Cree el primer administrador del sitio (la contraseña se lee de la entrada):\n  \
             ceiba --data {quoted} user add admin --email usted@institucion.gob.gt --sysadmin --password-stdin\n\
             Luego entre en /user/login: la página de inicio le dice qué hacer después."
        ),
        ceiba_core::Lang::En => format!(
            "There are no users yet. Make the first site administrator (the password is read from standard input):\n  \
             ceiba --data {quoted} user add admin --email you@agency.gov --sysadmin --password-stdin\n\
             Then sign in at /user/login: the home page tells you what to do next."
        ),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
