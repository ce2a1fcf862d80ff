//! A small portal for tests: a temporary data directory with a known catalog.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use ceiba_core::{
    Category, Contact, Dataset, DatasetState, Frequency, Localized, Organization, Resource,
    Temporal,
};
use ceiba_store::{now, Catalog, FileStore};
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

pub struct Portal {
    pub app: Router,
    pub state: ceiba_web::SharedState,
    pub catalog: Catalog,
    pub files: FileStore,
    pub ingestor: ceiba_ingest::Ingestor,
    pub dir: tempfile::TempDir,
}

pub struct Got {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Got {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

impl Portal {
    pub async fn empty() -> Portal {
        Self::with_config(ceiba_web::WebConfig::default()).await
    }

    pub async fn with_config(config: ceiba_web::WebConfig) -> Portal {
        Self::with(config, ceiba_ingest::Limits::default()).await
    }

    /// A portal whose uploads are bounded by `limits`.
    pub async fn with(config: ceiba_web::WebConfig, limits: ceiba_ingest::Limits) -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open_sqlite(&dir.path().join("catalog.db"))
            .await
            .unwrap();
        let files = FileStore::local(&dir.path().join("files")).unwrap();
        let ingestor = ceiba_ingest::Ingestor::new(
            catalog.clone(),
            files.clone(),
            dir.path().join("tmp"),
            limits,
        );
        let state =
            ceiba_web::AppState::new(catalog.clone(), files.clone(), ingestor.clone(), config)
                .unwrap();
        Portal {
            app: ceiba_web::router(state.clone()),
            state,
            catalog,
            files,
            ingestor,
            dir,
        }
    }

    pub async fn get(&self, uri: &str) -> Got {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(&self, req: Request<Body>) -> Got {
        // The running portal follows the catalog every half second; tests catch up before
        // each request so that what they just wrote is searchable.
        self.state.indexer.catch_up().await.unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Got {
            status,
            headers,
            body,
        }
    }
}

pub const CSV_BYTES: &[u8] = b"c\xf3digo;municipio;poblaci\xf3n\r\n0101;Guatemala;923392\r\n";

/// Publishers, categories, three public datasets, a private one and a draft.
pub async fn fixture(p: &Portal) -> (Dataset, Resource) {
    let t = now();
    let org = Organization {
        id: Uuid::new_v4(),
        name: "segeplan".into(),
        title: Localized::new("Secretaría de Planificación", "Planning Secretariat"),
        description: Localized::new("Planifica.", "Plans."),
        image_url: None,
        email: Some("datos@segeplan.example".into()),
        website: Some("https://segeplan.example".into()),
        created: t,
    };
    p.catalog.create_organization(&org).await.unwrap();
    p.catalog
        .create_category(&Category {
            id: Uuid::new_v4(),
            name: "pobreza".into(),
            title: Localized::new("Pobreza", "Poverty"),
            description: Localized::new("Datos de pobreza.", "Poverty data."),
            icon: Some("people".into()),
            created: t,
        })
        .await
        .unwrap();
    let base = Dataset {
        id: Uuid::new_v4(),
        name: "nbi-municipal".into(),
        title: Localized::new("Necesidades básicas insatisfechas", "Unmet basic needs"),
        description: Localized::new(
            "Hogares con **NBI** por municipio.\n\n<script>alert('x')</script>",
            "Households with **UBN** by municipality.",
        ),
        organization_id: org.id,
        categories: vec!["pobreza".into()],
        tags: vec!["pobreza".into(), "nbi".into()],
        licence_id: "CC-BY-4.0".into(),
        temporal: Temporal {
            start: chrono::NaiveDate::from_ymd_opt(2018, 1, 1),
            end: chrono::NaiveDate::from_ymd_opt(2018, 12, 31),
        },
        spatial: vec!["GT".into(), "13".into()],
        frequency: Some(Frequency::Decennial),
        contact: Contact {
            name: Some("Unidad de Datos".into()),
            email: Some("datos@segeplan.example".into()),
        },
        source_url: Some("https://segeplan.example/nbi".into()),
        version: Some("2018".into()),
        state: DatasetState::Active,
        private: false,
        featured: true,
        created: t,
        modified: t,
        extras: BTreeMap::from([("programa".into(), "Censo 2018".into())]),
    };
    p.catalog.create_dataset(&base).await.unwrap();
    for (name, private, state) in [
        ("ranking-municipal", false, DatasetState::Active),
        ("inversion-secreta", true, DatasetState::Active),
        ("borrador-oculto", false, DatasetState::Draft),
    ] {
        let d = Dataset {
            id: Uuid::new_v4(),
            name: name.into(),
            title: Localized::es(format!("Título {name}")),
            private,
            state,
            featured: false,
            created: t + chrono::Duration::seconds(1),
            ..base.clone()
        };
        p.catalog.create_dataset(&d).await.unwrap();
    }
    let rid = Uuid::new_v4();
    let stored = p
        .files
        .put(
            &FileStore::new_original_key(rid),
            bytes::Bytes::from_static(CSV_BYTES),
        )
        .await
        .unwrap();
    let resource = p
        .catalog
        .create_resource(&Resource {
            id: rid,
            dataset_id: base.id,
            name: "NBI por municipio".into(),
            description: "Archivo como lo publica la institución.".into(),
            format: "CSV".into(),
            media_type: Some("text/csv".into()),
            size: Some(stored.size),
            sha256: Some(stored.sha256),
            original_filename: Some("NBI población 2018.csv".into()),
            url: None,
            storage_key: Some(stored.key),
            position: 0,
            current_version_id: None,
            created: t,
            modified: t,
        })
        .await
        .unwrap();
    (base, resource)
}

/// Uploads `contents` to dataset `d` as a resource named `name` from file `filename`, and
/// ingests it (asserting that ingestion succeeded).
pub async fn upload_table(
    p: &Portal,
    d: &Dataset,
    name: &str,
    filename: &str,
    contents: &str,
) -> Resource {
    let file = p.dir.path().join(format!("upload-{}", Uuid::new_v4()));
    std::fs::write(&file, contents).unwrap();
    let (r, _, _) = p
        .ingestor
        .add_upload(d, name, "", &file, filename, &Default::default())
        .await
        .unwrap();
    let done = p.ingestor.run_queue().await.unwrap();
    assert!(
        done.iter().all(|o| o.succeeded),
        "{filename} did not ingest"
    );
    r
}

/// An active account named `name` (not yet in the catalog).
pub fn person(name: &str, sysadmin: bool) -> ceiba_core::Account {
    ceiba_core::Account {
        id: Uuid::new_v4(),
        name: name.into(),
        email: format!("{name}@example.gt"),
        fullname: format!("Persona {name}"),
        sysadmin,
        state: ceiba_core::AccountState::Active,
        created: now(),
    }
}

/// An active account in the catalog (without a password) and an API token of it.
pub async fn user_with_token(
    p: &Portal,
    name: &str,
    sysadmin: bool,
) -> (ceiba_core::Account, String) {
    let a = person(name, sysadmin);
    p.catalog.create_account(&a, None).await.unwrap();
    let (_, secret) = p.catalog.create_token(a.id, "tests", None).await.unwrap();
    (a, secret)
}
