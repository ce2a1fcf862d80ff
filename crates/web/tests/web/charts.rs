//! Charts and maps of a table through HTTP: the suggested first chart, each chart type,
//! the department map, downloads, and messages instead of broken pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, upload_table, Portal};
use axum::http::StatusCode;

const PROJECTS: &str = "snip,municipio,departamento,monto,anio\n\
000101,Mixco,Guatemala,1500000.50,2023\n\
000102,Huehuetenango,Huehuetenango,2500000,2023\n\
000103,Chiantla,Huehuetenango,800000,2024\n\
000104,Cobán,Alta Verapaz,1200000,2024\n\
000105,San Benito,Petén,300000,2024\n";

async fn portal() -> (Portal, String) {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(&p, &d, "Proyectos", "proyectos.csv", PROJECTS).await;
    (p, format!("/dataset/nbi-municipal/resource/{}", r.id))
}

fn bars(svg: &str) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "bar"))
        })
        .map(|n| {
            (
                n.attribute("data-label").unwrap_or_default().to_owned(),
                n.attribute("data-value").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_first_chart_is_the_main_amount_by_department() {
    let (p, base) = portal().await;
    let got = p.get(&format!("{base}/chart")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let html = got.text();
    let figure = html.find("<figure class=\"chart\">").unwrap();
    let start = html[figure..].find("<svg").unwrap() + figure;
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    let marks = bars(&html[start..end]);
    assert_eq!(marks.len(), 4, "{marks:?}");
    assert_eq!(marks[0], ("Huehuetenango".into(), 3_300_000.0));
    assert!(html.contains("Suma de monto por departamento"));
    assert!(html.contains("<table"), "a table for screen readers");
    // Amounts are offered as measures; years never are (a sum of years means nothing).
    assert!(html.contains("value=\"sum:monto\""));
    assert!(html.contains("value=\"avg:monto\""));
    assert!(!html.contains("sum:anio"), "no sum of years is offered");
    assert!(!html.contains("avg:anio"));
    // The resource page links to it.
    assert!(p.get(&base).await.text().contains("/chart\""));
}

#[tokio::test]
async fn every_chart_type_draws_or_explains() {
    let (p, base) = portal().await;
    for kind in [
        "bar",
        "hbar",
        "stacked",
        "line",
        "area",
        "pie",
        "donut",
        "scatter",
        "histogram",
        "table",
        "map",
    ] {
        let url = format!(
            "{base}/chart.svg?type={kind}&x=departamento&measure=sum:monto&series=anio&y=monto"
        );
        let got = p.get(&url).await;
        assert_eq!(got.status, StatusCode::OK, "{kind}");
        let svg = got.text();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(svg.contains("<title"), "{kind}: tooltips");
    }
    // The department map: tiles classed by value, for the four departments given.
    let svg = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto"
        ))
        .await
        .text();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let with_data = doc
        .descendants()
        .filter(|n| n.attribute("data-value").is_some() && n.attribute("data-code").is_some())
        .count();
    assert_eq!(with_data, 4, "{svg}");
    // Bad specs: a message where the chart would be, never an error page.
    for q in [
        "x=nope",
        "measure=sum:municipio",
        "type=map&x=snip",
        "measure=sum:nope",
        "type=zzz",
    ] {
        let got = p.get(&format!("{base}/chart?{q}")).await;
        assert_eq!(got.status, StatusCode::OK, "{q}");
        assert!(got.text().contains("<svg"), "{q}");
    }
    // Downloads.
    let csv = p
        .get(&format!(
            "{base}/chart.csv?x=departamento&measure=sum:monto"
        ))
        .await
        .text();
    assert!(csv.contains("Huehuetenango"), "{csv}");
    let png = p
        .get(&format!("{base}/chart.png?x=departamento&measure=count"))
        .await;
    assert_eq!(&png.body[..8], b"\x89PNG\r\n\x1a\n");
}

#[tokio::test]
async fn filters_narrow_the_chart_and_escape() {
    let (p, base) = portal().await;
    let svg = p
        .get(&format!(
            "{base}/chart.svg?x=municipio&measure=sum:monto&f.departamento.eq=Huehuetenango"
        ))
        .await
        .text();
    let marks = bars(&svg);
    assert_eq!(marks.len(), 2, "{marks:?}");
    let html = p
        .get(&format!(
            "{base}/chart?x=municipio&title=%3Cscript%3Ealert(1)%3C/script%3E"
        ))
        .await
        .text();
    assert!(!html.contains("<script>alert"));
}

#[tokio::test]
async fn saved_views_are_featured_embedded_and_survive_new_versions() {
    use axum::body::Body;
    use axum::http::{header, Request};
    let (p, base) = portal().await;
    let rid = base.rsplit('/').next().unwrap().to_owned();
    let (_, token) = crate::common::user_with_token(&p, "admin", true).await;
    let body = serde_json::json!({
        "resource_id": rid,
        "title": "Inversión por departamento",
        "featured": true,
        "config": {"params": "type=hbar&x=departamento&measure=sum:monto"},
    });
    let got = p
        .request(
            Request::post("/api/3/action/resource_view_create")
                .header(header::AUTHORIZATION, &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    let id = v["result"]["id"].as_str().unwrap().to_owned();
    // Anonymous writes are refused.
    let got = p
        .request(
            Request::post("/api/3/action/resource_view_create")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    // A chart the table cannot draw is refused, as the page's form refuses it (issue 13:
    // the API stored anything), naming the column; nothing is saved.
    for params in [
        "type=bar&x=nope&measure=count",
        "x=departamento&measure=sum:municipio",
    ] {
        let mut bad = body.clone();
        bad["config"] = serde_json::json!({ "params": params });
        let got = p
            .request(
                Request::post("/api/3/action/resource_view_create")
                    .header(header::AUTHORIZATION, &token)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(bad.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(got.status, StatusCode::CONFLICT, "{params}: {}", got.text());
        let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        assert!(v["error"]["config"].is_array(), "{v}");
    }
    // On the dataset page, drawn.
    let html = p.get("/dataset/nbi-municipal").await.text();
    assert!(html.contains("Gráficos destacados"));
    assert!(html.contains(&format!("/view/{id}")));
    assert!(
        html.contains("data-value=\"3300000\""),
        "the chart's marks are on the page"
    );
    // Embeddable: its own page may be framed by other sites.
    let got = p.get(&format!("/view/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    let csp = got.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    let html = got.text();
    assert!(html.contains("&lt;iframe src="));
    // It says what it is and where it comes from: title, dataset, publisher, licence,
    // date, and a link back.
    assert!(html.contains("<h1 class=\"view-title\">Inversión por departamento</h1>"));
    assert!(html.contains("href=\"/dataset/nbi-municipal\""), "{html}");
    for said in ["Publica", "Licencia", "Última actualización"] {
        assert!(html.contains(said), "{said}: {html}");
    }
    let got = p.get(&format!("/view/{id}.svg")).await;
    assert!(got.text().starts_with("<svg"));
    let (_, list) = (
        0,
        p.get(&format!("/api/3/action/resource_view_list?id={rid}"))
            .await,
    );
    let list: serde_json::Value = serde_json::from_slice(&list.body).unwrap();
    assert_eq!(list["result"][0]["title"], "Inversión por departamento");
    assert_eq!(list["result"].as_array().map(Vec::len), Some(1), "{list}");
    // A new version without the column: the view explains instead of breaking.
    let r = p.catalog.resource(&rid).await.unwrap().unwrap();
    let file = p.dir.path().join("v2.csv");
    std::fs::write(&file, "snip,municipio,monto\n1,Mixco,5\n").unwrap();
    p.ingestor
        .upload_version(&r, &file, "v2.csv", &Default::default())
        .await
        .unwrap();
    assert!(p.ingestor.run_queue().await.unwrap()[0].succeeded);
    let html = p.get("/dataset/nbi-municipal").await.text();
    assert_eq!(p.get("/dataset/nbi-municipal").await.status, StatusCode::OK);
    assert!(html.contains("ya no existe"), "explains the removed column");
}

/// The real department boundaries, uploaded as a resource and marked as a boundary set
/// (tests may read ../shared; the product never does). Maps draw only from marked sets.
#[tokio::test]
async fn choropleths_from_boundary_resources_in_the_catalog() {
    let (p, base) = portal().await;
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/guatemala/boundaries");
    if !shared.exists() {
        eprintln!("skipped: ../shared is not here");
        return;
    }
    let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    let (geo, _, _) = p
        .ingestor
        .add_upload(
            &d,
            "Departamentos",
            "",
            &shared.join("departamentos_minfin.topojson"),
            "departamentos.topojson",
            &Default::default(),
        )
        .await
        .unwrap();
    let _ = p.ingestor.run_queue().await;
    // Marked: MINFIN's codes (`100` is Guatemala) are in property `id`.
    p.catalog
        .mark_boundary_set(&ceiba_store::BoundarySet {
            resource_id: geo.id,
            code_property: "id".into(),
            level: "department".into(),
            name_property: Some("Departamento".into()),
            created: ceiba_store::now(),
        })
        .await
        .unwrap();
    // The chart page offers it by dataset title and resource name.
    let html = p.get(&format!("{base}/chart?type=map")).await.text();
    assert!(
        html.contains(&format!(
            "<option value=\"{}\">Necesidades básicas insatisfechas — Departamentos</option>",
            geo.id
        )),
        "the boundary set is offered"
    );
    let svg = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto&geo={}",
            geo.id
        ))
        .await
        .text();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let areas: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "area"))
                && n.attribute("data-code").is_some()
        })
        .collect();
    assert_eq!(areas.len(), 22, "{}", &svg[..svg.len().min(400)]);
    let valued: Vec<_> = areas
        .iter()
        .filter(|n| n.attribute("data-value").is_some())
        .collect();
    assert_eq!(valued.len(), 4);
    let huehue = areas
        .iter()
        .find(|n| n.attribute("data-code") == Some("13"))
        .unwrap();
    assert_eq!(huehue.attribute("data-value"), Some("3300000"));
    // A property that is not there: a message where the map would be.
    let got = p
        .get(&format!(
            "{base}/chart?type=map&x=departamento&measure=sum:monto&geo={}&code=nope",
            geo.id
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.text().contains("nope"));
    // A resource that is not a boundary file.
    let rid = base.rsplit('/').next().unwrap();
    let got = p
        .get(&format!("{base}/chart?type=map&x=departamento&geo={rid}"))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got
        .text()
        .contains("no está marcado como conjunto de límites"));
    // A GeoJSON nobody marked: a message where the map would be, in the visitor's language.
    let file = p.dir.path().join("sin-marcar.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"cod_dep":"13"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#,
    )
    .unwrap();
    let (unmarked, _, _) = p
        .ingestor
        .add_upload(
            &d,
            "Sin marcar",
            "",
            &file,
            "sin-marcar.geojson",
            &Default::default(),
        )
        .await
        .unwrap();
    let _ = p.ingestor.run_queue().await;
    for (prefix, message) in [
        ("", "Ese recurso no está marcado como conjunto de límites"),
        ("/en", "That resource is not marked as a boundary set"),
    ] {
        let got = p
            .get(&format!(
                "{prefix}{base}/chart?type=map&x=departamento&measure=sum:monto&geo={}",
                unmarked.id
            ))
            .await;
        assert_eq!(got.status, StatusCode::OK, "{prefix}");
        let html = got.text();
        assert!(html.contains(message), "{prefix}: {message}");
        assert!(
            !html.contains(&format!("<option value=\"{}\">Necesidades", unmarked.id)),
            "{prefix}: an unmarked resource is not offered"
        );
    }
}

/// The areas of a drawn map: `(code, value)` for each.
fn areas(svg: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "area"))
        })
        .filter_map(|n| {
            Some((
                n.attribute("data-code")?.to_owned(),
                n.attribute("data-value").map(str::to_owned),
            ))
        })
        .collect()
}

#[tokio::test]
async fn maps_of_guatemala_are_drawn_with_no_boundary_uploaded() {
    let (p, base) = portal().await;
    // A map of departments is drawn on the built-in departments, credited under it.
    let svg = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto"
        ))
        .await
        .text();
    let drawn = areas(&svg);
    assert_eq!(drawn.len(), 22, "{}", &svg[..svg.len().min(400)]);
    assert!(
        drawn.contains(&("13".into(), Some("3300000".into()))),
        "{drawn:?}"
    );
    assert!(svg.contains("Límites: Ministerio de Finanzas Públicas (MINFIN)"));
    // The chart page offers both built-in sets first, the chosen one selected, and the
    // English page credits them in English.
    let html = p
        .get(&format!(
            "{base}/chart?type=map&x=departamento&measure=sum:monto"
        ))
        .await
        .text();
    assert!(html.contains(
        "<option value=\"gt-departamentos\" selected>Departamentos de Guatemala (MINFIN)</option>"
    ));
    assert!(
        html.contains("<option value=\"gt-municipios\">Municipios de Guatemala (MINFIN)</option>")
    );
    let en = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto&lang=en"
        ))
        .await
        .text();
    assert!(en.contains("Boundaries: Ministry of Public Finance (MINFIN)"));
    // Municipalities, by name within their departments, on the built-in municipalities.
    let svg = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=municipio&measure=sum:monto&geo=gt-municipios"
        ))
        .await
        .text();
    let drawn = areas(&svg);
    assert_eq!(drawn.len(), 340);
    let valued: Vec<_> = drawn.iter().filter(|(_, v)| v.is_some()).collect();
    assert!(valued.len() >= 4, "{valued:?}");
    assert!(
        drawn.contains(&("1301".into(), Some("2500000".into()))),
        "Huehuetenango"
    );
    // The tile grid is still there when asked for (`geo` empty).
    let grid = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto&geo="
        ))
        .await
        .text();
    assert!(!grid.contains("MINFIN"));
    assert!(
        grid.contains("class=\"tile"),
        "{}",
        &grid[..grid.len().min(400)]
    );
}
