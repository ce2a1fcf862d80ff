//! CKAN's Action API through HTTP: envelopes, errors, the read actions and DataStore.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, upload_table, Portal};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

const PROJECTS: &str = "snip,municipio,departamento,monto\n\
000101,Mixco,Guatemala,1500000.50\n\
000102,Huehuetenango,Huehuetenango,2500000\n\
000103,Chiantla,Huehuetenango,800000\n";

async fn portal() -> (Portal, String) {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(&p, &d, "Proyectos", "proyectos.csv", PROJECTS).await;
    (p, r.id.to_string())
}

fn json(got: &crate::common::Got) -> Value {
    serde_json::from_slice(&got.body).unwrap_or_else(|_| panic!("not JSON: {}", got.text()))
}

async fn call(p: &Portal, path: &str) -> (StatusCode, Value) {
    let got = p.get(path).await;
    (got.status, json(&got))
}

async fn post(p: &Portal, path: &str, body: &str, content_type: &str) -> (StatusCode, Value) {
    let got = p
        .request(
            Request::post(path)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await;
    (got.status, json(&got))
}

/// Ids and times change every run; the shape is the contract: insta redacts them (ids only
/// where they are UUIDs, links only to resources, nulls kept as nulls).
fn volatile() -> insta::Settings {
    use insta::internals::Content;
    fn redact(
        keep: fn(&str) -> bool,
    ) -> impl Fn(Content, insta::internals::ContentPath<'_>) -> Content {
        move |value, _| match value.as_str() {
            Some(s) if !keep(s) => Content::from("[redacted]"),
            None if !matches!(value, Content::None | Content::Unit) => Content::from("[redacted]"),
            _ => value,
        }
    }
    let not_uuid = |s: &str| uuid::Uuid::parse_str(s).is_err();
    let mut settings = insta::Settings::clone_current();
    for key in ["id", "owner_org", "package_id", "resource_id"] {
        settings.add_dynamic_redaction(&format!(".**.{key}"), redact(not_uuid));
    }
    settings.add_dynamic_redaction(".**.url", redact(|u| !u.contains("/resource/")));
    for key in [
        "created",
        "metadata_created",
        "metadata_modified",
        "last_modified",
        "hash",
        "help",
        "start",
        "next",
    ] {
        settings.add_dynamic_redaction(&format!(".**.{key}"), redact(|_| false));
    }
    settings
}

#[tokio::test]
async fn envelope_version_and_unknown_actions() {
    let (p, _) = portal().await;
    assert_eq!(
        call(&p, "/api/3").await.1,
        serde_json::json!({ "version": 3 })
    );
    let (status, v) = call(&p, "/api/3/action/site_read").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["success"], true);
    assert_eq!(v["result"], true);
    assert!(v["help"]
        .as_str()
        .unwrap()
        .ends_with("/api/3/action/help_show?name=site_read"));
    let (status, v) = call(&p, "/api/3/action/no_such_action").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        Value::String("Bad request - Action name not known: no_such_action".into())
    );
    // The older path answers the same.
    assert_eq!(
        call(&p, "/api/action/status_show").await.1["result"]["ckan_version"],
        "2.10.4"
    );
    let (status, v) = post(
        &p,
        "/api/3/action/package_show",
        "{not json",
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(v.as_str().unwrap().starts_with("Bad request - JSON Error"));
}

#[tokio::test]
async fn package_show_returns_every_ckan_field() {
    let (p, _) = portal().await;
    let (status, v) = call(&p, "/api/3/action/package_show?id=nbi-municipal").await;
    assert_eq!(status, StatusCode::OK);
    let r = &v["result"];
    assert_eq!(r["num_resources"], 2);
    assert_eq!(r["organization"]["name"], "segeplan");
    assert_eq!(r["resources"][1]["datastore_active"], true);
    assert_eq!(r["isopen"], true);
    let id = r["id"].as_str().unwrap().to_owned();
    volatile().bind(|| insta::assert_json_snapshot!("package_show", v));
    // By id too, and by POST with JSON, form or query.
    let (_, by_id) = call(&p, &format!("/api/3/action/package_show?id={id}")).await;
    assert_eq!(by_id["result"]["name"], "nbi-municipal");
    let (_, by_post) = post(
        &p,
        "/api/3/action/package_show",
        &format!("{{\"id\": \"{id}\"}}"),
        "application/json",
    )
    .await;
    assert_eq!(by_post["result"]["name"], "nbi-municipal");
    let (_, by_form) = post(
        &p,
        "/api/3/action/package_show",
        "id=nbi-municipal",
        "application/x-www-form-urlencoded",
    )
    .await;
    assert_eq!(by_form["result"]["id"], id.as_str());
}

#[tokio::test]
async fn errors_have_ckan_types_and_statuses() {
    let (p, _) = portal().await;
    let (status, v) = call(&p, "/api/3/action/package_show?id=no-existe").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["__type"], "Not Found Error");
    let (status, v) = call(&p, "/api/3/action/package_show").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"]["__type"], "Validation Error");
    assert_eq!(v["error"]["id"], serde_json::json!(["Missing value"]));
    // Private: not found, as if it did not exist (CKAN's 403 told that it exists).
    let (status, v) = call(&p, "/api/3/action/package_show?id=inversion-secreta").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["__type"], "Not Found Error");
    let (status, v) = call(&p, "/api/3/action/package_search?fq=nonsense:1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["__type"], "Search Query Error");
    let (status, v) = call(&p, "/api/3/action/package_search?rows=abc").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"]["rows"], serde_json::json!(["Invalid integer"]));
}

#[tokio::test]
async fn listings_and_search() {
    let (p, _) = portal().await;
    let (_, v) = call(&p, "/api/3/action/package_list").await;
    assert_eq!(
        v["result"],
        serde_json::json!(["nbi-municipal", "ranking-municipal"])
    );
    let (_, v) = call(
        &p,
        "/api/3/action/current_package_list_with_resources?limit=1",
    )
    .await;
    assert_eq!(v["result"].as_array().unwrap().len(), 1);
    let (_, v) = call(&p, "/api/3/action/organization_list?all_fields=true").await;
    assert_eq!(v["result"][0]["name"], "segeplan");
    assert_eq!(v["result"][0]["package_count"], 2);
    let (_, v) = call(
        &p,
        "/api/3/action/group_show?id=pobreza&include_datasets=true",
    )
    .await;
    assert_eq!(v["result"]["package_count"], 2);
    assert_eq!(v["result"]["packages"].as_array().unwrap().len(), 2);
    let (_, v) = call(&p, "/api/3/action/group_list").await;
    assert_eq!(v["result"], serde_json::json!(["pobreza"]));
    let (_, v) = call(&p, "/api/3/action/tag_list").await;
    assert_eq!(v["result"], serde_json::json!(["nbi", "pobreza"]));
    let (_, v) = call(&p, "/api/3/action/license_list").await;
    assert!(v["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == "CC-BY-4.0"));
    // package_search: words, fq, facets, rows and start.
    let (_, v) = call(
        &p,
        "/api/3/action/package_search?q=necesidades&facet.field=%5B%22organization%22,%22tags%22,%22res_format%22%5D&rows=1",
    )
    .await;
    let r = &v["result"];
    assert_eq!(r["count"], 1);
    assert_eq!(r["results"][0]["name"], "nbi-municipal");
    assert_eq!(r["facets"]["organization"]["segeplan"], 1);
    assert_eq!(r["search_facets"]["res_format"]["items"][0]["name"], "CSV");
    let (_, v) = call(
        &p,
        "/api/3/action/package_search?fq=tags:nbi+res_format:CSV",
    )
    .await;
    assert_eq!(v["result"]["count"], 1);
    let (_, v) = call(
        &p,
        "/api/3/action/package_search?q=organization:segeplan&rows=0",
    )
    .await;
    assert_eq!(v["result"]["count"], 2);
    assert_eq!(v["result"]["results"].as_array().unwrap().len(), 0);
    let (_, v) = call(
        &p,
        "/api/3/action/package_search?q=*:*&sort=title_string+asc&start=1",
    )
    .await;
    assert_eq!(v["result"]["results"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn datastore_search_filters_sorts_and_pages() {
    let (p, rid) = portal().await;
    let (status, v) = call(
        &p,
        &format!("/api/3/action/datastore_search?resource_id={rid}&filters=%7B%22departamento%22:%22Huehuetenango%22%7D&sort=monto+desc"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let r = &v["result"];
    assert_eq!(r["total"], 2);
    assert_eq!(r["records"][0]["municipio"], "Huehuetenango");
    assert_eq!(r["records"][0]["snip"], "000102", "codes keep their zeros");
    assert_eq!(
        r["fields"][0],
        serde_json::json!({ "id": "_id", "type": "int" })
    );
    volatile().bind(|| insta::assert_json_snapshot!("datastore_search", v.clone()));
    let (_, v) = call(&p, &format!("/api/3/action/datastore_search?resource_id={rid}&q=chiantla&fields=municipio,monto&records_format=lists")).await;
    assert_eq!(
        v["result"]["records"],
        serde_json::json!([["Chiantla", 800000.0]])
    );
    let (_, v) = call(
        &p,
        &format!("/api/3/action/datastore_search?resource_id={rid}&limit=1&offset=1"),
    )
    .await;
    assert_eq!(v["result"]["records"][0]["_id"], 2);
    assert!(v["result"]["_links"]["next"]
        .as_str()
        .unwrap()
        .contains("offset=2"));
    let (_, v) = call(&p, &format!("/api/3/action/datastore_search?resource_id={rid}&fields=departamento&distinct=true&sort=departamento")).await;
    assert_eq!(
        v["result"]["records"],
        serde_json::json!([{"departamento": "Guatemala"}, {"departamento": "Huehuetenango"}])
    );
    let (_, v) = call(&p, &format!("/api/3/action/datastore_search?resource_id={rid}&records_format=csv&fields=snip,monto&limit=2")).await;
    assert_eq!(
        v["result"]["records"],
        "000101,1500000.5\r\n000102,2500000\r\n"
    );
    let (status, v) = call(
        &p,
        &format!("/api/3/action/datastore_search?resource_id={rid}&filters=%7B%22nope%22:1%7D"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"]["__type"], "Validation Error");
    let (status, _) = call(
        &p,
        "/api/3/action/datastore_search?resource_id=00000000-0000-0000-0000-000000000000",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn browsers_on_other_sites_may_read() {
    let (p, _) = portal().await;
    let got = p
        .request(
            Request::get("/api/3/action/package_list")
                .header(header::ORIGIN, "https://periodico.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(got.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let got = p
        .request(
            Request::options("/api/3/action/package_create")
                .header(header::ORIGIN, "https://app.example")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(
                    header::ACCESS_CONTROL_REQUEST_HEADERS,
                    "authorization,content-type",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(got.status.is_success());
    let allowed = got.headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allowed.contains("authorization"), "{allowed}");
    let got = p
        .request(
            Request::get("/api/v1/suggest?q=nbi")
                .header(header::ORIGIN, "https://x.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(got.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn datastore_search_sql_runs_selects_only() {
    let (p, rid) = portal().await;
    let sql = format!(
        "SELECT departamento, SUM(monto) AS total FROM \"{rid}\" GROUP BY departamento ORDER BY total DESC"
    );
    let (status, v) = post(
        &p,
        "/api/3/action/datastore_search_sql",
        &serde_json::json!({ "sql": sql }).to_string(),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["records"][0]["departamento"], "Huehuetenango");
    assert_eq!(v["result"]["records"][0]["total"], 3300000.0);
    assert_eq!(v["result"]["fields"][1]["type"], "numeric");
    for (sql, status, kind) in [
        (
            format!("DROP TABLE \"{rid}\""),
            StatusCode::FORBIDDEN,
            "Authorization Error",
        ),
        (
            format!("DELETE FROM \"{rid}\""),
            StatusCode::FORBIDDEN,
            "Authorization Error",
        ),
        (
            "SELECT * FROM read_parquet('/etc/passwd')".into(),
            StatusCode::FORBIDDEN,
            "Authorization Error",
        ),
        (
            format!("SELECT 1 FROM \"{rid}\"; DROP TABLE x"),
            StatusCode::FORBIDDEN,
            "Authorization Error",
        ),
        (
            "SELECT * FROM \"00000000-0000-0000-0000-000000000000\"".into(),
            StatusCode::NOT_FOUND,
            "Not Found Error",
        ),
        (
            "SELEC nonsense".into(),
            StatusCode::CONFLICT,
            "Validation Error",
        ),
        (
            format!("SELECT nope FROM \"{rid}\""),
            StatusCode::CONFLICT,
            "Validation Error",
        ),
    ] {
        let got = p
            .get(&format!(
                "/api/3/action/datastore_search_sql?sql={}",
                sql.replace(' ', "%20")
                    .replace('"', "%22")
                    .replace(';', "%3B")
                    .replace('\'', "%27")
                    .replace('/', "%2F")
            ))
            .await;
        assert_eq!(got.status, status, "{sql}: {}", got.text());
        assert_eq!(json(&got)["error"]["__type"], kind, "{sql}");
    }
}

/// One anonymous GET once aborted the server with a stack overflow: a sum of 2,500
/// terms, an OR of 3,000 conditions, a `q` object of 10,000 words. Each is a Validation
/// Error now, and the server answers the next request.
#[tokio::test]
async fn deep_queries_are_refused_not_a_crash() {
    let (p, rid) = portal().await;
    let sum = vec!["1"; 2_500].join("%2B");
    let ors = vec!["_id=1"; 3_000].join("%20OR%20");
    for path in [
        format!("/api/3/action/datastore_search_sql?sql=SELECT%20{sum}"),
        format!("/api/3/action/datastore_search_sql?sql=SELECT%20*%20FROM%20%22{rid}%22%20WHERE%20{ors}"),
    ] {
        let (status, v) = call(&p, &path).await;
        assert_eq!(status, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["__type"], "Validation Error", "{v}");
    }
    // Too long for an address: sent as CKAN clients send large calls, in a JSON body.
    let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    let body = serde_json::json!({ "resource_id": rid, "q": { "municipio": words.join(" ") } });
    let (status, v) = post(
        &p,
        "/api/3/action/datastore_search",
        &body.to_string(),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["__type"], "Validation Error", "{v}");
    let (status, v) = call(
        &p,
        "/api/3/action/datastore_search_sql?sql=SELECT%201%2B1%20AS%20n",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["records"][0]["n"], 2);
}

#[tokio::test]
async fn datastore_search_sql_can_be_turned_off() {
    let p = Portal::with_config(ceiba_web::WebConfig {
        datastore_sql: false,
        ..Default::default()
    })
    .await;
    let (status, v) = call(&p, "/api/3/action/datastore_search_sql?sql=SELECT%201").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("turned off"));
}

/// Package dicts are remembered between calls, and never outlive a change: a publisher
/// renamed, a resource added, a new version ingested, a dataset made private — the next
/// package_show and package_search say so.
#[tokio::test]
async fn remembered_package_dicts_follow_every_change() {
    let (p, _) = portal().await;
    let show = "/api/3/action/package_show?id=nbi-municipal";
    let search = "/api/3/action/package_search?q=insatisfechas";
    let (_, first) = call(&p, show).await;
    let (_, again) = call(&p, show).await;
    assert_eq!(first, again, "the same answer from memory");
    assert_eq!(first["result"]["num_resources"], 2);

    // The publisher's title is part of the dict.
    let mut org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    org.title = ceiba_core::Localized::new("Segeplan renombrada", "Renamed");
    p.catalog.update_organization(&org).await.unwrap();
    let (_, v) = call(&p, show).await;
    assert_eq!(v["result"]["organization"]["title"], "Segeplan renombrada");
    let (_, v) = call(&p, search).await;
    assert_eq!(
        v["result"]["results"][0]["organization"]["title"],
        "Segeplan renombrada"
    );

    // A new resource.
    let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    let file = p.dir.path().join("otro.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    let (r, _, _) = p
        .ingestor
        .add_upload(&d, "Otro", "", &file, "otro.csv", &Default::default())
        .await
        .unwrap();
    let (_, v) = call(&p, show).await;
    assert_eq!(v["result"]["num_resources"], 3);
    let added = |v: &Value| {
        v["result"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == r.id.to_string())
            .unwrap()["datastore_active"]
            .clone()
    };
    assert_eq!(added(&v), false, "not ingested yet");
    // Its ingestion.
    assert!(p.ingestor.run_queue().await.unwrap()[0].succeeded);
    let (_, v) = call(&p, show).await;
    assert_eq!(added(&v), true);

    // Made private: anonymous callers are answered "not found" at once.
    let mut d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    d.private = true;
    p.catalog.update_dataset(&d).await.unwrap();
    let (status, _) = call(&p, show).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, v) = call(&p, search).await;
    assert_eq!(v["result"]["count"], 0);
}
