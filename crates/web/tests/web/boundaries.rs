//! Boundary sets: publishers mark a GeoJSON or TopoJSON resource through CKAN's resource
//! actions (`boundary_code_property`, `boundary_level`), checked against the file; the
//! resource dicts carry the mark; the chart builder lists the public sets and draws maps
//! only from them, suggesting a municipal set for a table of municipality codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{action as post, publishing as portal, upload, Portal};
use axum::http::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

/// Two departments (Guatemala and Huehuetenango) as squares.
const DEPARTMENTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"cod_dep":"01","nombre":"Guatemala"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"cod_dep":"13","nombre":"Huehuetenango"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}"#;

/// Three municipalities (Guatemala, Huehuetenango, Cobán).
const MUNICIPALITIES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"COD_MUNI":"0101"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"COD_MUNI":"1301"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
{"type":"Feature","properties":{"COD_MUNI":"1601"},"geometry":{"type":"Polygon","coordinates":[[[2,0],[3,0],[3,1],[2,1],[2,0]]]}}
]}"#;

const PROJECTS: &str = "departamento,monto\nGuatemala,100\nHuehuetenango,300\n";

const BY_MUNICIPALITY: &str = "cod_muni,monto\n0101,100\n1301,300\n1601,200\n";

/// The first message of a Validation Error's field.
fn field_error(v: &Value, field: &str) -> String {
    assert_eq!(v["error"]["__type"], "Validation Error", "{v}");
    v["error"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {field}: {v}"))
        .to_owned()
}

async fn resource_count(p: &Portal) -> usize {
    let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    p.catalog.resources_of(d.id).await.unwrap().len()
}

/// Uploads the two departments as a new resource, marked by `cod_dep`.
async fn marked_departments(p: &Portal, token: &str) -> String {
    let (status, v) = upload(
        p,
        "resource_create",
        token,
        &[
            ("package_id", "nbi-municipal"),
            ("name", "Límites departamentales"),
            ("boundary_code_property", "cod_dep"),
        ],
        ("departamentos.geojson", DEPARTMENTS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["result"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn publishers_mark_geojson_uploads_as_boundary_sets() {
    let (p, t) = portal().await;
    let id = marked_departments(&p, &t.editor).await;
    // The level is found in the file when not given.
    let got = p.get(&format!("/api/3/action/resource_show?id={id}")).await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["boundary_code_property"], "cod_dep", "{v}");
    assert_eq!(v["result"]["boundary_level"], "department");
    let mark = p
        .catalog
        .boundary_set(Uuid::parse_str(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.code_property, "cod_dep");
    // package_show carries it on the marked resource only.
    let got = p.get("/api/3/action/package_show?id=nbi-municipal").await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    let resources = v["result"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    for r in resources {
        if r["id"] == id.as_str() {
            assert_eq!(r["boundary_code_property"], "cod_dep");
            assert_eq!(r["boundary_level"], "department");
        } else {
            assert!(r.get("boundary_code_property").is_none(), "{r}");
            assert!(r.get("boundary_level").is_none(), "{r}");
        }
    }
    // Re-marked by another property that holds the names, with the level given.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "nombre", "boundary_level": "departamento" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["boundary_code_property"], "nombre");
    assert_eq!(v["result"]["boundary_level"], "department");
}

#[tokio::test]
async fn a_property_the_features_lack_is_refused_naming_those_they_have() {
    let (p, t) = portal().await;
    let before = resource_count(&p).await;
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("boundary_code_property", "codigo"),
        ],
        ("departamentos.geojson", DEPARTMENTS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let message = field_error(&v, "boundary_code_property");
    assert!(
        message.contains("codigo") && message.contains("cod_dep") && message.contains("nombre"),
        "{message}"
    );
    assert_eq!(resource_count(&p).await, before, "nothing was created");
    // The same on a marked resource: the mark stays as it was.
    let id = marked_departments(&p, &t.editor).await;
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "codigo", "name": "Otro nombre" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_code_property");
    let r = p.catalog.resource(&id).await.unwrap().unwrap();
    assert_eq!(r.name, "Límites departamentales", "nothing was written");
    let mark = p.catalog.boundary_set(r.id).await.unwrap().unwrap();
    assert_eq!(mark.code_property, "cod_dep");
    // A level the file's areas are not.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_level": "municipality" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let message = field_error(&v, "boundary_level");
    assert!(message.contains("department"), "{message}");
    // An unknown level.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_level": "provincia" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_level");
}

#[tokio::test]
async fn only_geojson_and_topojson_uploads_can_be_boundary_sets() {
    let (p, t) = portal().await;
    let before = resource_count(&p).await;
    // A CSV upload.
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("boundary_code_property", "departamento"),
        ],
        ("proyectos.csv", PROJECTS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_code_property");
    // A link.
    let (status, v) = post(
        &p,
        "resource_create",
        Some(&t.editor),
        json!({
            "package_id": "nbi-municipal",
            "url": "https://example.gt/limites.geojson",
            "boundary_code_property": "cod_dep",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_code_property");
    assert_eq!(resource_count(&p).await, before, "nothing was created");
    // The fixture's CSV resource.
    let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    let csv = p.catalog.resources_of(d.id).await.unwrap()[0].clone();
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": csv.id, "boundary_code_property": "municipio" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_code_property");
    // JSON that is not GeoJSON.
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("boundary_code_property", "cod_dep"),
        ],
        ("registros.json", br#"[{"cod_dep": "01"}]"#),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let message = field_error(&v, "boundary_code_property");
    assert!(message.contains("GeoJSON"), "{message}");
    // A level alone makes no boundary set.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": csv.id, "boundary_level": "department" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    field_error(&v, "boundary_level");
    assert!(p.catalog.public_boundary_sets().await.unwrap().is_empty());
}

#[tokio::test]
async fn marks_are_removed_by_an_empty_property_and_by_resource_update() {
    let (p, t) = portal().await;
    let id = marked_departments(&p, &t.editor).await;
    let rid = Uuid::parse_str(&id).unwrap();
    // A patch that does not name it keeps it.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "description": "Límites de 2020" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["boundary_code_property"], "cod_dep");
    // Empty text unmarks.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["result"].get("boundary_code_property").is_none(), "{v}");
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
    // Marked again (the stored file is read); null unmarks too.
    let (status, v) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "cod_dep" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["boundary_level"], "department");
    let (status, _) = post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": null }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
    // resource_update replaces the resource: sent without the mark, it has none.
    post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "cod_dep" }),
    )
    .await;
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_some());
    let (status, v) = post(
        &p,
        "resource_update",
        Some(&t.editor),
        json!({ "id": id, "name": "Límites" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
    // Deleting the resource deletes its mark.
    post(
        &p,
        "resource_update",
        Some(&t.editor),
        json!({ "id": id, "name": "Límites", "boundary_code_property": "cod_dep" }),
    )
    .await;
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_some());
    let (status, _) = post(&p, "resource_delete", Some(&t.editor), json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK);
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
}

#[tokio::test]
async fn marking_needs_a_token_of_the_publisher() {
    let (p, t) = portal().await;
    // An unmarked GeoJSON, uploaded by its publisher.
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[("package_id", "nbi-municipal")],
        ("departamentos.geojson", DEPARTMENTS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["result"].get("boundary_code_property").is_none(), "{v}");
    let id = v["result"]["id"].as_str().unwrap().to_owned();
    let rid = Uuid::parse_str(&id).unwrap();
    for token in [None, Some("not-a-token"), Some(t.outsider.as_str())] {
        let (status, v) = post(
            &p,
            "resource_patch",
            token,
            json!({ "id": id, "boundary_code_property": "cod_dep" }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token:?}: {v}");
        assert_eq!(v["error"]["__type"], "Authorization Error");
    }
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
    // By GET: refused.
    let got = p
        .get(&format!(
            "/api/3/action/resource_patch?id={id}&boundary_code_property=cod_dep"
        ))
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(p.catalog.boundary_set(rid).await.unwrap().is_none());
}

/// Uploads and ingests a CSV table into the fixture's dataset; its chart builder's path.
async fn table(p: &Portal, name: &str, csv: &str) -> String {
    let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    let file = p.dir.path().join(name);
    std::fs::write(&file, csv).unwrap();
    let (r, _, _) = p
        .ingestor
        .add_upload(&d, name, "", &file, name, &Default::default())
        .await
        .unwrap();
    p.ingestor.run_queue().await.unwrap();
    let r = p
        .catalog
        .resource(&r.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert!(r.current_version_id.is_some(), "{name} ingested");
    format!("/dataset/nbi-municipal/resource/{}", r.id)
}

fn areas(svg: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "area"))
                && n.attribute("data-code").is_some()
        })
        .map(|n| {
            (
                n.attribute("data-code").unwrap_or_default().to_owned(),
                n.attribute("data-value").map(str::to_owned),
            )
        })
        .collect()
}

fn figure_svg(html: &str) -> &str {
    let figure = html.find("<figure class=\"chart\">").unwrap();
    let start = html[figure..].find("<svg").unwrap() + figure;
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    &html[start..end]
}

#[tokio::test]
async fn the_chart_builder_lists_boundary_sets_and_draws_only_from_them() {
    let (p, t) = portal().await;
    let base = table(&p, "proyectos.csv", PROJECTS).await;
    let id = marked_departments(&p, &t.editor).await;
    // Offered by dataset title and resource name, after the grid.
    let html = p.get(&format!("{base}/chart?type=map")).await.text();
    assert!(
        html.contains("<option value=\"\">Cuadrícula de departamentos (sin límites)</option>"),
        "the grid is offered"
    );
    let option = format!(
        "<option value=\"{id}\">Necesidades básicas insatisfechas — Límites departamentales</option>"
    );
    assert!(html.contains(&option), "the set is offered");
    // Drawn from the mark's property.
    let html = p
        .get(&format!(
            "{base}/chart?type=map&x=departamento&measure=sum:monto&geo={id}"
        ))
        .await
        .text();
    assert!(
        html.contains(&format!("<option value=\"{id}\" selected>")),
        "chosen in the form"
    );
    let drawn = areas(figure_svg(&html));
    assert_eq!(
        drawn,
        [
            ("01".to_owned(), Some("100".to_owned())),
            ("13".to_owned(), Some("300".to_owned()))
        ]
    );
    // Unmarked: a message where the map would be, in both languages; never a broken page.
    post(
        &p,
        "resource_patch",
        Some(&t.editor),
        json!({ "id": id, "boundary_code_property": "" }),
    )
    .await;
    for (prefix, message) in [
        ("", "Ese recurso no está marcado como conjunto de límites"),
        ("/en", "That resource is not marked as a boundary set"),
    ] {
        let got = p
            .get(&format!(
                "{prefix}{base}/chart?type=map&x=departamento&measure=sum:monto&geo={id}"
            ))
            .await;
        assert_eq!(got.status, StatusCode::OK);
        let html = got.text();
        assert!(html.contains(message), "{prefix}");
        assert!(!html.contains(&option), "{prefix}: no longer offered");
        let svg = p
            .get(&format!(
                "{base}/chart.svg?type=map&x=departamento&measure=sum:monto&geo={id}&lang={}",
                if prefix.is_empty() { "es" } else { "en" }
            ))
            .await
            .text();
        assert!(svg.contains(message), "{prefix}: {svg}");
    }
}

#[tokio::test]
async fn a_table_of_municipality_codes_starts_on_a_municipal_boundary_set() {
    let (p, t) = portal().await;
    let base = table(&p, "por-municipio.csv", BY_MUNICIPALITY).await;
    // Without a marked municipal set: the first chart is the map on the built-in
    // municipalities (all 340 drawn, the table's filled).
    let html = p.get(&format!("{base}/chart")).await.text();
    let drawn = areas(figure_svg(&html));
    assert_eq!(drawn.len(), 340);
    assert!(drawn.contains(&("1301".to_owned(), Some("300".to_owned()))));
    assert!(html.contains("<option value=\"gt-municipios\" selected>"));
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("name", "Municipios"),
            ("boundary_code_property", "COD_MUNI"),
        ],
        ("municipios.geojson", MUNICIPALITIES.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["boundary_level"], "municipality", "{v}");
    let id = v["result"]["id"].as_str().unwrap().to_owned();
    // Now the first chart is the map on that set, and its links say so.
    let html = p.get(&format!("{base}/chart")).await.text();
    let drawn = areas(figure_svg(&html));
    assert_eq!(drawn.len(), 3, "{drawn:?}");
    assert!(drawn.contains(&("1301".to_owned(), Some("300".to_owned()))));
    assert!(html.contains(&format!("<option value=\"{id}\" selected>")));
    assert!(html.contains(&format!("geo={id}")), "links name the set");
    // A map of the municipality column with the grid chosen: the grid cannot draw it.
    let svg = p
        .get(&format!("{base}/chart.svg?type=map&x=cod_muni&geo="))
        .await
        .text();
    assert_eq!(areas(&svg).len(), 3);
    // Other chart types are left alone.
    let svg = p
        .get(&format!("{base}/chart.svg?type=bar&x=cod_muni"))
        .await
        .text();
    assert!(areas(&svg).is_empty());
}

/// The real MINFIN department boundaries (TopoJSON), marked through the API (tests may
/// read ../shared; the product never does).
#[tokio::test]
async fn the_minfin_topojson_is_marked_by_its_code_property() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/guatemala/boundaries/departamentos_minfin.topojson");
    if !shared.exists() {
        eprintln!("skipped: ../shared is not here");
        return;
    }
    let bytes = std::fs::read(&shared).unwrap();
    let (p, t) = portal().await;
    let base = table(&p, "proyectos.csv", PROJECTS).await;
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("boundary_code_property", "cod_depto"),
        ],
        ("departamentos.topojson", &bytes),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let message = field_error(&v, "boundary_code_property");
    assert!(
        message.contains("id") && message.contains("Departamento"),
        "{message}"
    );
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[
            ("package_id", "nbi-municipal"),
            ("name", "Departamentos"),
            ("boundary_code_property", "id"),
        ],
        ("departamentos.topojson", &bytes),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["boundary_code_property"], "id");
    assert_eq!(v["result"]["boundary_level"], "department");
    let id = v["result"]["id"].as_str().unwrap();
    let svg = p
        .get(&format!(
            "{base}/chart.svg?type=map&x=departamento&measure=sum:monto&geo={id}"
        ))
        .await
        .text();
    assert_eq!(areas(&svg).len(), 22);
}
