//! What search engines and crawlers read: schema.org JSON-LD on public dataset pages and
//! the home page, robots.txt and the sitemap. Private and draft datasets appear nowhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{header, StatusCode};
use ceiba_core::Role;

use crate::common::{fixture, Portal};

fn jsonld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD block")
        + 35;
    let end = html[start..].find("</script>").unwrap() + start;
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn public_datasets_are_described_for_search_engines_and_listed_in_the_sitemap() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let org_id = org.id.to_string();
    // A public dataset with a title that tries to end the block, and a private one.
    for (name, private) in [("gasto-publico", ""), ("gasto-interno", "1")] {
        let got = ana
            .submit(
                &p,
                "/dataset/new",
                &[
                    ("title_es", "Gasto </script><script>alert(1)</script>"),
                    ("name", name),
                    ("owner_org", &org_id),
                    ("licence", "CC-BY-4.0"),
                    ("tags", "gasto, municipios"),
                    ("spatial", "1701"),
                    ("temporal_start", "2024-01-01"),
                    ("temporal_end", "2024-12-31"),
                    ("private", private),
                    ("publish", "active"),
                ],
            )
            .await;
        assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    }
    let page = p.get("/dataset/gasto-publico").await.text();
    assert!(
        !page.contains("<script>alert(1)"),
        "the title cannot end the block"
    );
    // The quality badge for everyone (an open licence, the period, the territory: 3 of 10);
    // the advice to raise it for its editors only.
    assert!(page.contains("Calidad 3/10"), "{page}");
    assert!(!page.contains("Para mejorarla"));
    let staff = ana.get(&p, "/dataset/gasto-publico").await.text();
    assert!(staff.contains("Para mejorarla"));
    let advice = staff
        .split("quality-advice")
        .nth(1)
        .and_then(|a| a.split("</details>").next())
        .unwrap_or("")
        .to_owned();
    assert_eq!(advice.matches("<li>").count(), 7, "{advice}");
    assert!(advice.contains("Escriba una descripción de al menos 100 caracteres"));
    // A link that did not answer when checked: named, with its reason, for the editors.
    let op = ceiba_portal::Actor::operator();
    let link = p
        .state
        .portal
        .add_resource(
            &op,
            "gasto-publico",
            ceiba_portal::ResourceInput {
                name: "Informe anual".into(),
                url: Some("https://gasto.example/informe.csv".into()),
                ..Default::default()
            },
            None,
            ceiba_portal::MarkRequest::Keep,
        )
        .await
        .unwrap();
    p.catalog
        .record_link_check(&ceiba_store::LinkCheck {
            resource_id: link.id,
            url: link.url.clone().unwrap(),
            checked: ceiba_store::now(),
            status: Some(404),
            ok: false,
            message: "HTTP 404".into(),
        })
        .await
        .unwrap();
    let staff = ana.get(&p, "/dataset/gasto-publico").await.text();
    assert!(staff.contains("Enlaces que no respondieron"), "{staff}");
    assert!(
        staff.contains("<strong>Informe anual</strong>: HTTP 404"),
        "{staff}"
    );
    assert!(
        staff.contains("Calidad 5/10"),
        "a resource, in an open format; a broken link"
    );
    assert!(!p
        .get("/dataset/gasto-publico")
        .await
        .text()
        .contains("HTTP 404"));
    let d = jsonld(&page);
    assert_eq!(d["@type"], "Dataset");
    assert_eq!(d["name"], "Gasto </script><script>alert(1)</script>");
    assert_eq!(d["keywords"], serde_json::json!(["gasto", "municipios"]));
    assert_eq!(d["temporalCoverage"], "2024-01-01/2024-12-31");
    assert_eq!(d["spatialCoverage"][0]["name"], "Flores, Petén, Guatemala");
    assert_eq!(d["license"], "https://creativecommons.org/licenses/by/4.0/");
    assert_eq!(d["publisher"]["@type"], "Organization");
    assert_eq!(d["isAccessibleForFree"], true);
    assert!(d["url"]
        .as_str()
        .unwrap()
        .ends_with("/dataset/gasto-publico"));
    // Its members see the private one, without a description for search engines.
    let private = ana.get(&p, "/dataset/gasto-interno").await.text();
    assert!(!private.contains("application/ld+json"));
    let home = jsonld(&p.get("/").await.text());
    assert_eq!(home["@type"], "DataCatalog");

    let robots = p.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    let text = robots.text();
    assert!(text.contains("Disallow: /user/"));
    assert!(
        text.contains("Sitemap: http://localhost/sitemap.xml"),
        "{text}"
    );
    let sitemap = p.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(sitemap.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let xml = sitemap.text();
    assert!(
        xml.contains("<loc>http://localhost/dataset/gasto-publico</loc><lastmod>"),
        "{xml}"
    );
    assert!(xml.contains("<loc>http://localhost/organization/segeplan</loc>"));
    assert!(
        !xml.contains("gasto-interno"),
        "private datasets are not listed"
    );
}

#[tokio::test]
async fn each_dataset_is_a_data_package_whose_schema_matches_its_csv() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    crate::common::upload_table(
        &p,
        &d,
        "Proyectos",
        "proyectos.csv",
        "codigo,municipio,monto,fecha,activo\n0101,Mixco,10.5,2024-01-31,true\n0102,Villa Nueva,3,2024-02-29,false\n",
    )
    .await;
    let got = p
        .get(&format!("/dataset/{}/datapackage.json", d.name))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let package: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(package["name"], d.name.as_str());
    assert_eq!(package["licenses"][0]["name"], d.licence_id.as_str());
    let table = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Proyectos")
        .expect("the table as a tabular resource")
        .clone();
    assert_eq!(table["profile"], "tabular-data-resource");
    let fields = table["schema"]["fields"].as_array().unwrap();
    let types: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        types,
        vec![
            ("codigo", "string"),
            ("municipio", "string"),
            ("monto", "number"),
            ("fecha", "date"),
            ("activo", "boolean")
        ]
    );
    // The resource's path is the full CSV, and its header is the schema's fields.
    let path = table["path"]
        .as_str()
        .unwrap()
        .replace("http://localhost", "");
    let csv = p.get(&path).await.text();
    let header_line = csv.lines().next().unwrap().trim_start_matches('\u{feff}');
    let names: Vec<&str> = types.iter().map(|(n, _)| *n).collect();
    assert_eq!(header_line.split(',').collect::<Vec<_>>(), names, "{csv}");
    // A dataset nobody may see has none.
    assert_eq!(
        p.get("/dataset/no-existe/datapackage.json").await.status,
        StatusCode::NOT_FOUND
    );
}
