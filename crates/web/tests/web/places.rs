//! Territorial profiles through HTTP, on the demo catalog: found from the home page's box,
//! their figures checked against the demo's own tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::Portal;
use axum::http::{header, StatusCode};
use ceiba_viz::format::{format_value, NumberStyle, Unit};
use serde_json::Value;

async fn demo() -> Portal {
    let p = Portal::empty().await;
    ceiba_demo::load(&p.ingestor).await.unwrap();
    p
}

/// The rows of a demo table for one municipality, through CKAN's DataStore API.
async fn rows_of(p: &Portal, dataset: &str, column: &str, code: &str) -> Vec<Value> {
    let pkg: Value = serde_json::from_slice(
        &p.get(&format!("/api/3/action/package_show?id={dataset}"))
            .await
            .body,
    )
    .unwrap();
    let rid = pkg["result"]["resources"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let filters = format!("{{\"{column}\":\"{code}\"}}");
    let got = p
        .get(&format!(
            "/api/3/action/datastore_search?resource_id={rid}&filters={}",
            filters
                .bytes()
                .map(|b| if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                })
                .collect::<String>()
        ))
        .await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    v["result"]["records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn es(v: f64) -> String {
    format_value(v, &Unit::none(), NumberStyle::Es)
}

#[tokio::test]
async fn huehuetenangos_profile_is_found_from_the_home_page_and_matches_the_tables() {
    let p = demo().await;
    let home = p.get("/").await.text();
    assert!(
        home.contains("action=\"/territorio\""),
        "the home page's box"
    );
    assert!(home.contains("¿Cómo está mi municipio?"));

    // The name is both a department and its capital: both are offered.
    let got = p.get("/territorio?q=huehuetenango").await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    assert!(html.contains("href=\"/territorio/13\""), "the department");
    assert!(
        html.contains("href=\"/territorio/1301\""),
        "the municipality"
    );
    // With its department, the municipality is one place: straight to its profile.
    let got = p.get("/territorio?q=Huehuetenango%2C+Huehuetenango").await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(got.headers[header::LOCATION], "/territorio/1301");

    let got = p.get("/territorio/1301").await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    assert!(html.contains("<h1>Huehuetenango</h1>"));
    assert!(
        html.contains("class=\"ceiba-map ceiba-locator\""),
        "a locator map"
    );
    assert!(html.contains("Límites: Ministerio de Finanzas Públicas"));

    // The management ranking: its 2018 index, and its rank among the 340 is the table's
    // own position.
    let ranking = rows_of(&p, "ranking-gestion-municipal", "codigo_municipio", "1301").await;
    assert_eq!(ranking.len(), 1, "{ranking:?}");
    let index: f64 = ranking[0]["indice_2018"].as_f64().unwrap();
    let position = ranking[0]["posicion_2018"].as_i64().unwrap();
    assert!(html.contains(&es(index)), "the 2018 index {index}");
    assert!(
        html.contains(&format!("puesto {position} de 340")),
        "rank {position}: {}",
        &html[html.find("Ranking").unwrap_or(0)..]
            [..2000.min(html.len() - html.find("Ranking").unwrap_or(0))]
    );
    // Households from the NBI table, whose codes lost their zero in Excel (`1301` stays).
    let nbi = rows_of(&p, "nbi-municipal", "Código municipio", "1301").await;
    assert_eq!(nbi.len(), 1);
    let households = nbi[0]["Hogares"].as_f64().unwrap();
    assert!(html.contains(&es(households)), "households {households}");
    assert!(
        html.contains("promedio de Huehuetenango"),
        "the department beside it"
    );
    assert!(html.contains("promedio nacional"));
    // Links to the place's rows, explorer and download.
    assert!(html.contains("f.codigo_municipio.eq=1301"));
    assert!(html.contains("/datastore/dump/"));

    // The department sums or averages its municipalities; the country, its departments.
    let dep = p.get("/territorio/13").await;
    assert_eq!(dep.status, StatusCode::OK);
    assert!(
        dep.text().contains("href=\"/territorio/1301\""),
        "its municipalities"
    );
    let country = p.get("/territorio/gt").await;
    assert_eq!(country.status, StatusCode::OK);
    assert!(country.text().contains("href=\"/territorio/13\""));
    // English.
    let en = p.get("/en/territory/1301").await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.text().contains("national average"));
}

#[tokio::test]
async fn unknown_places_get_a_404_that_suggests_the_closest() {
    let p = demo().await;
    for (path, close) in [
        ("/territorio/9999", None),
        ("/territorio?q=Huehuetenanggo", Some("/territorio/13")),
        ("/territorio/Chiquimulaa", Some("/territorio/20")),
        ("/en/territory?q=zzzzzz", None),
    ] {
        let got = p.get(path).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{path}");
        if let Some(link) = close {
            assert!(got.text().contains(&format!("href=\"{link}\"")), "{path}");
        }
    }
    // Codes in other spellings lead to the one address of the place.
    let got = p.get("/territorio/GT1301").await;
    assert_eq!(got.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(got.headers[header::LOCATION], "/territorio/1301");
    // Markup in a query is escaped.
    let got = p.get("/territorio?q=%3Cscript%3Ex").await;
    assert!(!got.text().contains("<script>x"));
}

#[tokio::test]
async fn place_names_and_codes_in_the_explorer_lead_to_their_profiles() {
    let p = Portal::empty().await;
    let (d, _) = crate::common::fixture(&p).await;
    let r = crate::common::upload_table(
        &p,
        &d,
        "Proyectos",
        "proyectos.csv",
        "codigo_municipio,municipio,departamento,monto\n\
         1301,Huehuetenango,Huehuetenango,100\n0101,Guatemala,Guatemala,200\n\
         1601,Cobán,Alta Verapaz,300\n0502,Santa Lucía Cotzumalguapa,Escuintla,50\n",
    )
    .await;
    let html = p
        .get(&format!("/dataset/nbi-municipal/resource/{}", r.id))
        .await
        .text();
    assert!(
        html.contains("<a href=\"/territorio/1301\">1301</a>"),
        "codes"
    );
    assert!(
        html.contains("<a href=\"/territorio/16\">Alta Verapaz</a>"),
        "department names"
    );
    // Municipality names repeat across departments: not linked on their own.
    assert!(!html.contains(">Cobán</a>"));
    let en = p
        .get(&format!("/en/dataset/nbi-municipal/resource/{}", r.id))
        .await
        .text();
    assert!(en.contains("<a href=\"/en/territory/1301\">1301</a>"));
}

#[tokio::test]
async fn rows_that_name_no_place_are_counted_and_the_profile_still_works() {
    let p = Portal::empty().await;
    let (d, _) = crate::common::fixture(&p).await;
    let mut csv = String::from("codigo_municipio,poblacion\n");
    for (code, n) in [
        ("1301", 100),
        ("1302", 200),
        ("0101", 300),
        ("0102", 400),
        ("1601", 500),
        ("0502", 600),
        ("1201", 700),
        ("2201", 800),
        ("2001", 900),
        ("1401", 1000),
        ("9999", 5),
    ] {
        csv.push_str(&format!("{code},{n}\n"));
    }
    let r = crate::common::upload_table(&p, &d, "Población", "poblacion.csv", &csv).await;
    let got = p.get("/territorio/1301").await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    assert!(html.contains(">100</strong>"), "its value");
    assert!(
        html.contains("puesto 10 de 10"),
        "ranked among the places placed"
    );
    let page = p
        .get(&format!("/dataset/nbi-municipal/resource/{}", r.id))
        .await
        .text();
    assert!(
        page.contains("Filas cuyo valor en «codigo_municipio» no es un departamento ni un municipio de Guatemala: 1."),
        "the resource page says how many rows could not be placed"
    );
    let page = p.get("/dataset/nbi-municipal").await.text();
    assert!(
        page.contains("Filas cuyo valor en «codigo_municipio» no es un departamento ni un municipio de Guatemala: 1."),
        "and so does the dataset page"
    );
}

#[tokio::test]
async fn datasets_are_found_by_the_territory_they_have_data_for() {
    let p = demo().await;
    let html = p.get("/dataset").await.text();
    assert!(html.contains("Territorio"), "a territory facet");
    assert!(html.contains("territory=13"), "Huehuetenango is offered");
    // Every demo table of municipalities has rows for Sacatepéquez's, but the
    // cooperation table has rows only for the thirteen priority departments, and
    // Sacatepéquez is not one of them.
    let all: Value =
        serde_json::from_slice(&p.get("/api/3/action/package_search?rows=100").await.body).unwrap();
    let total = all["result"]["count"].as_u64().unwrap();
    let sac = p.get("/dataset?territory=03").await.text();
    let listed = sac.matches("dataset-card\"").count() as u64;
    assert_eq!(listed, total - 1, "{sac}");
    assert!(
        !sac.contains("/dataset/desembolsos-cooperacion-internacional"),
        "{sac}"
    );
    assert!(sac.contains("Sacatepéquez"), "the chosen value shows");
    let hue = p.get("/dataset?territory=13").await.text();
    assert!(hue.contains("/dataset/desembolsos-cooperacion-internacional"));
    // English.
    let en = p.get("/en/dataset?territory=GT").await.text();
    assert!(en.contains("Whole country"));
}

#[tokio::test]
async fn places_are_learned_as_soon_as_a_table_is_ingested() {
    let p = Portal::empty().await;
    let (d, _) = crate::common::fixture(&p).await;
    // The learner's own round is an hour away: only the ingest's signal can wake it.
    let learner = p
        .state
        .spawn_place_learning(p.ingestor.ingested(), std::time::Duration::from_secs(3600));
    // Its first round finds nothing; then the upload.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let csv = "codigo_municipio,poblacion\n1301,100\n1302,200\n0101,300\n";
    let r = crate::common::upload_table(&p, &d, "Población", "poblacion.csv", csv).await;
    let version = p
        .catalog
        .resource(&r.id.to_string())
        .await
        .unwrap()
        .unwrap()
        .current_version_id
        .unwrap();
    let mut learned = Vec::new();
    for _ in 0..100 {
        learned = p.catalog.place_tables_of(version).await.unwrap();
        if !learned.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    learner.abort();
    assert_eq!(
        learned.len(),
        1,
        "learned without any profile being asked for"
    );
    assert_eq!(learned[0].place_column, "codigo_municipio");
    assert_eq!(learned[0].level, "municipality");
}
