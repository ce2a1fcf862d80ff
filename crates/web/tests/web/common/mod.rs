//! A small portal for tests: a temporary data directory with a known catalog.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use ceiba_core::{
    Category, Contact, Dataset, DatasetState, Frequency, Localized, Organization, Resource,
    Temporal,
};
use ceiba_store::{now, Catalog, FileStore};
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

mod browser;
mod smtp;
pub use browser::*;
pub use smtp::*;

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
        let portal = ceiba_portal::Portal::new(ingestor.clone(), config.query_limits);
        let state = ceiba_web::AppState::new(portal, config).unwrap();
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

/// API tokens of a sysadmin, of an editor of the fixture's publisher (`segeplan`) and of an
/// admin of another publisher (`minfin`).
pub struct Tokens {
    pub admin: String,
    pub editor: String,
    pub outsider: String,
}

/// The fixture with the accounts of [`Tokens`]: one line for a test that publishes.
pub async fn publishing() -> (Portal, Tokens) {
    use ceiba_core::Role;
    let p = Portal::empty().await;
    fixture(&p).await;
    let (_, admin) = user_with_token(&p, "admin", true).await;
    let (editor, editor_token) = user_with_token(&p, "editora", false).await;
    let (outsider, outsider_token) = user_with_token(&p, "ajena", false).await;
    let segeplan = p.catalog.organization("segeplan").await.unwrap().unwrap();
    p.catalog
        .set_membership(editor.id, segeplan.id, Role::Editor)
        .await
        .unwrap();
    let other = Organization {
        id: Uuid::new_v4(),
        name: "minfin".into(),
        title: Localized::es("Ministerio de Finanzas"),
        ..segeplan
    };
    p.catalog.create_organization(&other).await.unwrap();
    p.catalog
        .set_membership(outsider.id, other.id, Role::Admin)
        .await
        .unwrap();
    (
        p,
        Tokens {
            admin,
            editor: editor_token,
            outsider: outsider_token,
        },
    )
}

/// CKAN action `action` with a JSON body (and a token, when given): status and answer.
pub async fn action(
    p: &Portal,
    action: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::post(format!("/api/3/action/{action}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, t);
    }
    let got = p
        .request(req.body(Body::from(body.to_string())).unwrap())
        .await;
    let v = serde_json::from_slice(&got.body).unwrap_or_else(|_| panic!("{}", got.text()));
    (got.status, v)
}

/// A multipart body with `fields` and the file `(name, bytes)` in `upload`, and its
/// content type.
pub fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "ceiba-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// CKAN action `action` with `fields` and a file, as a multipart upload.
pub async fn upload(
    p: &Portal,
    action: &str,
    token: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (StatusCode, serde_json::Value) {
    let (content_type, body) = multipart(fields, file);
    let got = p
        .request(
            Request::post(format!("/api/3/action/{action}"))
                .header(header::AUTHORIZATION, token)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let v = serde_json::from_slice(&got.body).unwrap_or_else(|_| panic!("{}", got.text()));
    (got.status, v)
}
