//! Portals for the harvest tests: each a temporary data folder with the full web router,
//! reachable in-process (`get`) and, when a test needs a source, over loopback (`serve`).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use ceiba_harvest::{FetchLimits, MigrateOptions, Report, RunOptions};
use ceiba_portal::Actor;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub struct Side {
    pub portal: ceiba_portal::Portal,
    pub state: ceiba_web::SharedState,
    pub app: Router,
    pub dir: tempfile::TempDir,
}

/// Bounds for tests: quick retries, small documents.
pub fn limits() -> FetchLimits {
    FetchLimits {
        request_timeout: Duration::from_secs(5),
        file_timeout: Duration::from_secs(10),
        max_document_bytes: 8 * 1024 * 1024,
        max_file_bytes: 50 * 1024 * 1024,
        max_redirects: 5,
        retries: 1,
        backoff: Duration::from_millis(10),
    }
}

impl Side {
    pub async fn new() -> Side {
        let dir = tempfile::tempdir().unwrap();
        let catalog = ceiba_store::Catalog::open_sqlite(&dir.path().join("catalog.db"))
            .await
            .unwrap();
        let files = ceiba_store::FileStore::local(&dir.path().join("files")).unwrap();
        let ingestor = ceiba_ingest::Ingestor::new(
            catalog,
            files,
            dir.path().join("tmp"),
            ceiba_ingest::Limits::default(),
        );
        let config = ceiba_web::WebConfig::default();
        let portal = ceiba_portal::Portal::new(ingestor, config.query_limits);
        let state = ceiba_web::AppState::new(portal.clone(), config).unwrap();
        Side {
            portal,
            app: ceiba_web::router(state.clone()),
            state,
            dir,
        }
    }

    /// With the demo catalog, its tables ingested.
    pub async fn demo() -> Side {
        let side = Side::new().await;
        ceiba_demo::load(side.portal.ingestor()).await.unwrap();
        side.portal.ingestor().run_queue().await.unwrap();
        side.index().await;
        side
    }

    pub async fn index(&self) {
        self.state.indexer.catch_up().await.unwrap();
    }

    /// Serves the portal on a loopback port; its address (`http://127.0.0.1:port`).
    pub async fn serve(&self) -> String {
        serve(self.app.clone()).await
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Vec<u8>) {
        let res = self
            .app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        (
            status,
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    pub async fn get_json(&self, uri: &str) -> Value {
        let (status, body) = self.get(uri).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    /// A sysadmin account and an API token for it.
    pub async fn sysadmin_token(&self) -> String {
        let catalog = self.portal.catalog();
        let account = ceiba_core::Account {
            id: uuid::Uuid::new_v4(),
            name: "jefa".into(),
            email: "jefa@example.gt".into(),
            fullname: "Jefa de datos".into(),
            sysadmin: true,
            state: ceiba_core::AccountState::Active,
            created: ceiba_store::now(),
        };
        catalog
            .create_account(&account, Some("una contraseña larga"))
            .await
            .unwrap();
        catalog
            .create_token(account.id, "migración", None)
            .await
            .unwrap()
            .1
    }

    pub fn scratch(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join("tmp").join(name)
    }

    /// Migrates from `url` (loopback allowed, as tests need).
    pub async fn migrate(&self, url: &str, key: Option<&str>) -> Report {
        ceiba_harvest::migrate(
            &self.portal,
            MigrateOptions {
                url: url.into(),
                api_key: key.map(str::to_owned),
                allow_private: true,
                limits: limits(),
                scratch: self.scratch("migrate"),
                copy_files: true,
            },
        )
        .await
        .unwrap()
    }

    pub fn run_options(&self, allow_private: bool) -> RunOptions {
        RunOptions {
            allow_private,
            limits: limits(),
            scratch: self.scratch("harvest"),
        }
    }

    /// Every dataset (any state) with its resources, as comparable JSON, by id.
    pub async fn snapshot(&self) -> BTreeMap<String, Value> {
        let catalog = self.portal.catalog();
        let mut out = BTreeMap::new();
        for id in catalog.dataset_ids().await.unwrap() {
            let d = catalog.dataset_by_id(id).await.unwrap().unwrap();
            let resources = catalog.resources_of(id).await.unwrap();
            out.insert(
                id.to_string(),
                serde_json::json!({ "dataset": d, "resources": resources }),
            );
        }
        out
    }

    /// A new organization `name`, written straight into the catalog.
    pub async fn organization(&self, name: &str) -> ceiba_core::Organization {
        let org = ceiba_core::Organization {
            id: uuid::Uuid::new_v4(),
            name: name.into(),
            title: ceiba_core::Localized::es(name),
            description: ceiba_core::Localized::default(),
            image_url: None,
            email: None,
            website: None,
            created: ceiba_store::now(),
        };
        self.portal
            .catalog()
            .create_organization(&org)
            .await
            .unwrap();
        org
    }

    /// Runs the operator's use cases as the command line does.
    pub fn operator(&self) -> Actor {
        Actor::operator()
    }
}

/// Serves `app` on a loopback port.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}
