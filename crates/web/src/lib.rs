//! The web interface: server-rendered pages in Spanish (default) and English (`/en/…`),
//! on CKAN's URL patterns so that links to a CKAN portal keep working after a move.

pub mod api;
mod assets;
mod charts;
mod ckan;
mod context;
mod crawl;
mod datajson;
mod dcat;
mod error;
mod export;
mod format;
mod http;
pub mod i18n;
mod login_guard;
pub mod mail;
mod markdown;
mod pages;
mod session;
mod structured;
mod tables;
mod templates;
mod uploads;
mod view_models;
pub mod visits;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use ceiba_core::Lang;
use ceiba_store::{Catalog, FileStore};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::PageError;

/// How the web interface is set up.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The portal's name, shown in the header and titles.
    pub site_name: String,
    /// A folder with `templates/*.html` overriding the built-in ones and an optional
    /// `static/custom.css`.
    pub theme: Option<PathBuf>,
    /// Bounds on queries and exports.
    pub query_limits: ceiba_query::QueryLimits,
    /// Folder of the search index; `None` keeps it in memory (tests). Either way it is
    /// built from the catalog.
    pub search_dir: Option<PathBuf>,
    /// The portal's public address (`https://datos.example.gt`), for absolute links in the
    /// APIs; without it, the request's Host.
    pub site_url: Option<String>,
    /// Whether CKAN's `datastore_search_sql` answers (on by default).
    pub datastore_sql: bool,
    /// The header a reverse proxy in front of the portal puts the client's address in
    /// (`X-Forwarded-For`, `X-Real-IP`); without it, the connection's address is the
    /// client's. Only set it behind a proxy that overwrites the header: otherwise any
    /// client could claim any address.
    pub client_address_header: Option<String>,
    /// The SMTP server for password resets and invitations; without one, none is sent.
    pub mail: Option<mail::MailConfig>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            site_name: "Ceiba".into(),
            theme: None,
            query_limits: ceiba_query::QueryLimits::default(),
            search_dir: None,
            site_url: None,
            datastore_sql: true,
            client_address_header: None,
            mail: None,
        }
    }
}

/// What every request handler shares.
pub struct AppState {
    pub catalog: Catalog,
    pub files: FileStore,
    pub config: WebConfig,
    pub engine: ceiba_query::Engine,
    /// Sends mail, when the configuration names an SMTP server.
    pub mailer: Option<mail::Mailer>,
    /// The search index and what keeps it in step with the catalog.
    pub indexer: ceiba_search::Indexer,
    /// Dataset page views not yet written to the catalog.
    pub visits: visits::Visits,
    /// What the portal does (the use cases every door calls), over the same catalog, files
    /// and ingestor: an upload through it wakes the worker that ingests it.
    pub portal: ceiba_portal::Portal,
    /// Boundary sets read, simplified and projected for maps.
    pub maps: ceiba_viz::map::MapCache,
    /// CKAN package dicts by dataset and change number.
    pub(crate) packages: ckan::cache::PackageCache,
    /// Failed sign-ins, to slow down password guessing.
    pub(crate) logins: login_guard::LoginGuard,
    pub(crate) i18n: Arc<i18n::I18n>,
    pub(crate) templates: minijinja::Environment<'static>,
    pub(crate) assets: assets::Assets,
}

impl AppState {
    /// Learns the places of newly ingested tables as soon as `ingested` says a version
    /// went into service, and every `every` (versions other processes ingested), for as
    /// long as the server runs: territorial profiles and the pages that count unplaced
    /// rows read what was learned.
    pub fn spawn_place_learning(
        self: &Arc<Self>,
        ingested: Arc<tokio::sync::Notify>,
        every: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            loop {
                // A batch at a time, until nothing new is left.
                loop {
                    match state.portal.learn_places(&state.engine).await {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "learning places");
                            break;
                        }
                    }
                }
                tokio::select! {
                    () = ingested.notified() => {}
                    () = tokio::time::sleep(every) => {}
                }
            }
        })
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish()
    }
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// The web doors of `portal` (built once by the caller, with the ingestor whose worker
    /// runs the uploads, so that an upload through any door wakes that worker).
    pub fn new(portal: ceiba_portal::Portal, config: WebConfig) -> Result<SharedState, String> {
        let catalog = portal.catalog().clone();
        let files = portal.files().clone();
        let i18n = Arc::new(i18n::I18n::new()?);
        let theme_css = match &config.theme {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(format!("theme folder {} does not exist", dir.display()));
                }
                let css = dir.join("static").join("custom.css");
                match std::fs::read(&css) {
                    Ok(bytes) => Some(bytes),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(format!("cannot read {}: {e}", css.display())),
                }
            }
            None => None,
        };
        let engine = ceiba_query::Engine::new(&files, config.query_limits)
            .map_err(|e| format!("query engine: {e}"))?;
        let index = match &config.search_dir {
            Some(dir) => match ceiba_search::SearchIndex::open(dir) {
                // Another process serves the same data folder (a restart overlapping the
                // old process, a second instance): this one keeps its own copy in memory.
                Err(ceiba_search::SearchError::Busy) => {
                    tracing::warn!(
                        dir = %dir.display(),
                        "the search index is in use by another process; keeping one in memory"
                    );
                    ceiba_search::SearchIndex::in_memory()
                }
                other => other,
            },
            None => ceiba_search::SearchIndex::in_memory(),
        }
        .map_err(|e| e.to_string())?;
        let indexer = ceiba_search::Indexer::new(catalog.clone(), Arc::new(index));
        let mailer = config.mail.as_ref().map(mail::Mailer::new).transpose()?;
        Ok(Arc::new(AppState {
            engine,
            mailer,
            indexer,
            portal,
            maps: ceiba_viz::map::MapCache::new(16),
            logins: login_guard::LoginGuard::default(),
            packages: ckan::cache::PackageCache::default(),
            visits: visits::Visits::default(),
            templates: templates::environment(config.theme.clone(), i18n.clone()),
            assets: assets::Assets::new(theme_css),
            i18n,
            catalog,
            files,
            config,
        }))
    }
}

/// The whole site.
pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(crawl::robots))
        .route("/sitemap.xml", get(crawl::sitemap))
        .route("/data.json", get(datajson::data_json))
        .route("/catalog.ttl", get(dcat::catalog))
        .route("/catalog.jsonld", get(dcat::catalog))
        .route("/catalog.rdf", get(dcat::catalog))
        .route("/feeds/dataset.atom", get(crawl::all_datasets))
        .route("/feeds/organization/{file}", get(crawl::organization))
        .route("/feeds/group/{file}", get(crawl::group))
        .route("/static/{name}", get(static_file))
        .route("/datastore/dump/{id}", get(api::dump::dump))
        .merge(api::router())
        .merge(ckan::router())
        .merge(pages::router().layer(Extension(Lang::Es)))
        .nest("/en", pages::router().layer(Extension(Lang::En)))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(session::private_when_signed_in))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Charts and maps drawn on the server carry one <style> each (scoped to the SVG),
        // so inline styles are allowed; scripts stay 'self' only, and all output is escaped.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; \
                 script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
                 frame-ancestors 'self'",
            ),
        ))
}

async fn healthz(State(state): State<SharedState>) -> Response {
    match state.catalog.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check");
            (StatusCode::SERVICE_UNAVAILABLE, "catalog unavailable\n").into_response()
        }
    }
}

async fn static_file(State(state): State<SharedState>, Path(name): Path<String>) -> Response {
    state
        .assets
        .response(&name)
        .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}
