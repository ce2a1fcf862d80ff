//! The pages through HTTP, in both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, Portal, CSV_BYTES};
use axum::http::{header, StatusCode};

#[tokio::test]
async fn health_check_answers_once_ready() {
    let p = Portal::empty().await;
    let got = p.get("/healthz").await;
    assert_eq!(got.status, StatusCode::OK);
}

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let p = Portal::empty().await;
    let (d, r) = fixture(&p).await;
    let pages = [
        (
            "/",
            "Datos públicos de Guatemala",
            "public data, open to everyone",
        ),
        ("/dataset", "Conjuntos de datos", "Datasets"),
        (
            "/dataset/nbi-municipal",
            "Necesidades básicas insatisfechas",
            "Unmet basic needs",
        ),
        (
            &format!("/dataset/nbi-municipal/resource/{}", r.id),
            "NBI por municipio",
            "Back to the dataset",
        ),
        ("/organization", "Publicadores", "Publishers"),
        (
            "/organization/segeplan",
            "Secretaría de Planificación",
            "Planning Secretariat",
        ),
        ("/group", "Categorías", "Categories"),
        ("/group/pobreza", "Pobreza", "Poverty"),
        ("/about", "Acerca de este portal", "About this portal"),
    ];
    for (path, es, en) in pages {
        let got = p.get(path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        let html = got.text();
        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(html.contains("<html lang=\"es\">"), "{path}");
        assert!(html.contains(es), "{path}: {es}");
        // The language switch leads to the same page in English.
        let en_path = if path == "/" {
            "/en".to_string()
        } else {
            format!("/en{path}")
        };
        assert!(
            html.contains(&format!("href=\"{en_path}\" hreflang=\"en\"")),
            "{path}: switch"
        );

        let got = p.get(&en_path).await;
        assert_eq!(got.status, StatusCode::OK, "{en_path}");
        let html = got.text();
        assert!(html.contains("<html lang=\"en\">"), "{en_path}");
        assert!(html.contains(en), "{en_path}: {en}");
        assert!(
            html.contains(&format!("href=\"{path}\" hreflang=\"es\"")),
            "{en_path}: switch back"
        );
        // Links inside English pages stay in English.
        assert!(html.contains("href=\"/en/dataset\""), "{en_path}");
    }
    // The dataset id works where CKAN accepts it.
    let got = p.get(&format!("/dataset/{}", d.id)).await;
    assert_eq!(got.status, StatusCode::OK);
}

#[tokio::test]
async fn dataset_page_shows_metadata_and_escapes_markdown() {
    let p = Portal::empty().await;
    let (_, r) = fixture(&p).await;
    let html = p.get("/dataset/nbi-municipal").await.text();
    assert!(html.contains("<strong>NBI</strong>"), "markdown rendered");
    assert!(!html.contains("<script>alert"), "raw HTML neutralised");
    for expected in [
        "Creative Commons Atribución 4.0 Internacional",
        "1 de enero de 2018 a 31 de diciembre de 2018",
        "Guatemala (todo el país); Huehuetenango",
        "Decenal",
        "Unidad de Datos",
        "Censo 2018",
        "NBI población 2018.csv",
        "Secretaría de Planificación",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    let en = p.get("/en/dataset/nbi-municipal").await.text();
    assert!(en.contains("1 January 2018 to 31 December 2018"));
    assert!(en.contains("Every ten years"));
    assert!(en.contains("Guatemala (whole country); Huehuetenango"));
    // The download link uses CKAN's pattern with the dataset id.
    assert!(html.contains(&format!(
        "/resource/{}/download/NBI%20poblaci%C3%B3n%202018.csv",
        r.id
    )));
}

#[tokio::test]
async fn listing_pages_and_hides_private_and_drafts() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let html = p.get("/dataset").await.text();
    assert!(html.contains("2 conjuntos de datos"), "count");
    assert!(html.contains("/dataset/ranking-municipal"));
    assert!(!html.contains("inversion-secreta"));
    assert!(!html.contains("borrador-oculto"));
    for hidden in ["/dataset/inversion-secreta", "/dataset/borrador-oculto"] {
        assert_eq!(
            p.get(hidden).await.status,
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    let html = p.get("/dataset?q=necesidades").await.text();
    assert!(html.contains("1 conjunto de datos"), "title filter");
    let html = p
        .get("/dataset?organization=segeplan&groups=pobreza&sort=name+asc")
        .await
        .text();
    assert!(html.contains("2 conjuntos de datos"));
    let html = p.get("/dataset?tags=nbi").await.text();
    assert!(html.contains("2 conjuntos de datos"));
    // Odd parameters still give a page.
    for q in [
        "/dataset?page=abc",
        "/dataset?page=-4",
        "/dataset?page=99999999999",
        "/dataset?q=%25%22%3A*(",
    ] {
        assert_eq!(p.get(q).await.status, StatusCode::OK, "{q}");
    }
    let html = p.get("/dataset?page=7").await.text();
    assert!(html.contains("más allá del final de los resultados"));
    assert!(html.contains("href=\"/dataset\">Ir a la primera página"));
    let html = p.get("/dataset?q=astronom%C3%ADa").await.text();
    assert!(html.contains("No hay conjuntos de datos que coincidan"));
    assert!(html.contains("Revise la ortografía"));
}

#[tokio::test]
async fn paging_links_keep_filters() {
    let p = Portal::empty().await;
    let (base, _) = fixture(&p).await;
    for i in 0..45 {
        let d = ceiba_core::Dataset {
            id: uuid::Uuid::new_v4(),
            name: format!("extra-{i:02}"),
            ..base.clone()
        };
        p.catalog.create_dataset(&d).await.unwrap();
    }
    let html = p.get("/dataset?organization=segeplan").await.text();
    assert!(html.contains("47 conjuntos de datos"));
    assert!(html.contains("Página 1 de 3"));
    assert!(
        html.contains("href=\"/dataset?organization=segeplan&amp;page=2\" rel=\"next\""),
        "next keeps the filter"
    );
    let html = p
        .get("/en/dataset?organization=segeplan&page=3")
        .await
        .text();
    assert!(html.contains("Page 3 of 3"));
    assert_eq!(html.matches("class=\"card dataset-card\"").count(), 7);
}

#[tokio::test]
async fn download_serves_the_original_byte_for_byte() {
    let p = Portal::empty().await;
    let (d, r) = fixture(&p).await;
    let url = format!(
        "/dataset/{}/resource/{}/download/NBI%20poblaci%C3%B3n%202018.csv",
        d.id, r.id
    );
    let got = p.get(&url).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, CSV_BYTES, "Windows-1252 bytes untouched");
    assert_eq!(got.headers[header::CONTENT_TYPE], "text/csv");
    assert_eq!(
        got.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"NBI poblaci_n 2018.csv\"; filename*=UTF-8''NBI%20poblaci%C3%B3n%202018.csv"
    );
    assert_eq!(
        got.headers[header::CONTENT_LENGTH],
        CSV_BYTES.len().to_string().as_str()
    );
    // By dataset name too, and without a file name.
    let got = p
        .get(&format!(
            "/dataset/nbi-municipal/resource/{}/download",
            r.id
        ))
        .await;
    assert_eq!(got.body, CSV_BYTES);
    // A resource of another dataset is not reachable through this one.
    let got = p
        .get(&format!(
            "/dataset/ranking-municipal/resource/{}/download/x.csv",
            r.id
        ))
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn not_found_pages_help_in_the_visitors_language() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let cases = [
        (
            "/dataset/no-existe",
            "No hay ningún conjunto de datos llamado «no-existe».",
        ),
        (
            "/organization/nadie",
            "No hay ningún publicador llamado «nadie».",
        ),
        ("/group/nada", "No hay ninguna categoría llamada «nada»."),
        (
            "/dataset/nbi-municipal/resource/00000000-0000-0000-0000-000000000000",
            "Este conjunto de datos no tiene el recurso",
        ),
        ("/pagina/que/no/existe", "No encontramos esa página"),
        (
            "/en/dataset/no-existe",
            "There is no dataset called “no-existe”.",
        ),
        ("/en/nowhere", "find that page"),
    ];
    for (path, text) in cases {
        let got = p.get(path).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{path}");
        let html = got.text();
        assert!(html.contains(text), "{path}: {text}");
        assert!(html.contains("role=\"search\""), "{path}: offers search");
    }
    let html = p.get("/en/nowhere").await.text();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Go to the home page"));
}

#[tokio::test]
async fn static_assets_are_hashed_and_cached() {
    let p = Portal::empty().await;
    let html = p.get("/").await.text();
    let css = html
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|u| u.ends_with(".css")))
        .unwrap()
        .to_string();
    assert!(css.starts_with("/static/ceiba.") && css.len() > "/static/ceiba.css".len());
    let got = p.get(&css).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(got.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(
        p.get("/static/ceiba.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        p.get("/static/..%2Fcatalog.db").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn theme_folder_overrides_templates_and_adds_css() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme.path().join("templates")).unwrap();
    std::fs::create_dir_all(theme.path().join("static")).unwrap();
    std::fs::write(
        theme.path().join("templates/about.html"),
        "{% extends \"base.html\" %}{% block main %}<p>Portal de la agencia</p>{% endblock %}",
    )
    .unwrap();
    std::fs::write(theme.path().join("static/custom.css"), "body{color:red}").unwrap();
    let p = Portal::with_config(ceiba_web::WebConfig {
        site_name: "Datos Abiertos GT".into(),
        theme: Some(theme.path().to_path_buf()),
        ..Default::default()
    })
    .await;
    let html = p.get("/about").await.text();
    assert!(html.contains("Portal de la agencia"));
    assert!(html.contains("Datos Abiertos GT"));
    assert!(html.contains("/static/custom."));
    // Pages the theme does not override are the built-in ones.
    assert!(p
        .get("/")
        .await
        .text()
        .contains("Datos públicos de Guatemala"));
}

#[tokio::test]
async fn responses_carry_security_headers_and_compress() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let req = axum::http::Request::get("/dataset")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let got = p.request(req).await;
    assert_eq!(got.headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(got.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(got.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
}

#[tokio::test]
async fn resource_page_shows_the_ingested_structure_and_versions() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let file = p.dir.path().join("poblacion.csv");
    std::fs::write(
        &file,
        "codigo,municipio,poblacion\n0101,Guatemala,923392\n1301,Huehuetenango,1170669\n",
    )
    .unwrap();
    let (r, _, _) = p
        .ingestor
        .add_upload(
            &d,
            "Población",
            "",
            &file,
            "Población 2018.csv",
            &Default::default(),
        )
        .await
        .unwrap();
    let url = format!("/dataset/nbi-municipal/resource/{}", r.id);
    let html = p.get(&url).await.text();
    assert!(
        html.contains("Versión 1") && html.contains("procesando"),
        "queued version shown"
    );
    p.ingestor.run_queue().await.unwrap();
    let html = p.get(&url).await.text();
    assert!(html.contains("Estructura de los datos"));
    assert!(html.contains("número entero"), "poblacion typed");
    assert!(html.contains(">codigo<") && html.contains("texto"));
    assert!(
        html.contains("923\u{a0}392 – 1\u{a0}170\u{a0}669"),
        "min – max, grouped as the table writes them"
    );
    assert!(html.contains("en servicio"));
    let en = p.get(&format!("/en{url}")).await.text();
    assert!(en.contains("Data structure") && en.contains("whole number"));

    // A failed new upload: the page says so and keeps version 1 in service.
    let record = p
        .catalog
        .resource(&r.id.to_string())
        .await
        .unwrap()
        .unwrap();
    let bad = p.dir.path().join("bad.csv");
    std::fs::write(&bad, "").unwrap();
    p.ingestor
        .upload_version(&record, &bad, "vacío.csv", &Default::default())
        .await
        .unwrap();
    p.ingestor.run_queue().await.unwrap();
    let html = p.get(&url).await.text();
    assert!(
        html.contains("La versión 2 no se pudo procesar"),
        "failure explained"
    );
    assert!(html.contains("el archivo está vacío"));
    assert!(html.contains("número entero"), "version 1 still shown");
    // Every version's original stays downloadable.
    let v1 = p
        .get(&format!(
            "/dataset/{}/resource/{}/version/1/download/x.csv",
            d.id, r.id
        ))
        .await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1.body.starts_with(b"codigo,municipio"));
    let v2 = p
        .get(&format!(
            "/dataset/{}/resource/{}/version/2/download/x.csv",
            d.id, r.id
        ))
        .await;
    assert_eq!((v2.status, v2.body.len()), (StatusCode::OK, 0));
    let v9 = p
        .get(&format!(
            "/dataset/{}/resource/{}/version/9/download/x.csv",
            d.id, r.id
        ))
        .await;
    assert_eq!(v9.status, StatusCode::NOT_FOUND);
}
