//! Writes through CKAN's Action API: tokens, roles, validation, uploads through ingestion,
//! and failed writes that change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    action as post, fixture, multipart, publishing as portal, upload, user_with_token, Portal,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ceiba_core::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn writes_need_a_valid_token_and_the_right_role() {
    let (p, t) = portal().await;
    let new = json!({ "name": "matricula-2024", "title": "Matrícula escolar 2024", "owner_org": "segeplan" });
    for token in [None, Some("not-a-token"), Some(t.outsider.as_str())] {
        let (status, v) = post(&p, "package_create", token, new.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token:?}");
        assert_eq!(v["error"]["__type"], "Authorization Error");
    }
    assert!(p.catalog.dataset("matricula-2024").await.unwrap().is_none());
    // The raw token (as CKAN sends it) and Bearer both work.
    let (status, v) = post(&p, "package_create", Some(&t.editor), new.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["organization"]["name"], "segeplan");
    let (status, _) = post(
        &p,
        "package_patch",
        Some(&format!("Bearer {}", t.editor)),
        json!({ "id": "matricula-2024", "notes": "Estudiantes inscritos." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Another organization's admin may not touch it.
    let (status, _) = post(
        &p,
        "package_delete",
        Some(&t.outsider),
        json!({ "id": "matricula-2024" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Writes by GET are refused.
    let got = p
        .get("/api/3/action/package_delete?id=matricula-2024")
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    let (status, _) = post(
        &p,
        "package_delete",
        Some(&t.admin),
        json!({ "id": "matricula-2024" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&p, "package_show", None, json!({ "id": "matricula-2024" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn validation_errors_name_the_field_and_change_nothing() {
    let (p, t) = portal().await;
    let cases = [
        (
            json!({ "name": "Con Mayúsculas", "owner_org": "segeplan" }),
            "name",
        ),
        (
            json!({ "name": "nbi-municipal", "owner_org": "segeplan" }),
            "name",
        ),
        (
            json!({ "name": "x-1", "owner_org": "no-existe" }),
            "owner_org",
        ),
        (
            json!({ "name": "x-2", "owner_org": "segeplan", "license_id": "inventada" }),
            "license_id",
        ),
        (
            json!({ "name": "x-3", "owner_org": "segeplan", "groups": [{"name": "no-existe"}] }),
            "groups",
        ),
        (
            json!({ "name": "x-4", "owner_org": "segeplan", "extras": [{"key": "temporal_start", "value": "ayer"}] }),
            "temporal_start",
        ),
        (json!({ "owner_org": "segeplan" }), "name"),
    ];
    for (body, field) in cases {
        let (status, v) = post(&p, "package_create", Some(&t.editor), body.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}: {v}");
        assert_eq!(v["error"]["__type"], "Validation Error");
        assert!(v["error"][field].is_array(), "{body}: {v}");
    }
    let (_, v) = post(&p, "package_list", None, json!({})).await;
    assert_eq!(v["result"], json!(["nbi-municipal", "ranking-municipal"]));
    let got = p
        .request(
            Request::post("/api/3/action/package_create")
                .header(header::AUTHORIZATION, &t.editor)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"name\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_package_round_trips_through_create_show_update() {
    let (p, t) = portal().await;
    let body = json!({
        "name": "inversion-2024",
        "title": "Proyectos de inversión 2024",
        "notes": "Proyectos del **SNIP**.",
        "owner_org": "segeplan",
        "license_id": "cc-by-4.0",
        "private": false,
        "tags": [{"name": "inversión"}, {"name": "snip"}],
        "groups": [{"name": "pobreza"}],
        "extras": [
            {"key": "temporal_start", "value": "2024-01-01"},
            {"key": "frequency", "value": "ANNUAL"},
            {"key": "fuente", "value": "SNIP"}
        ],
        "resources": [{"url": "https://snip.example/proyectos.csv", "name": "Proyectos"}],
        "maintainer": "Unidad de datos",
        "url": "https://snip.example"
    });
    let (status, v) = post(&p, "package_create", Some(&t.editor), body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let r = &v["result"];
    assert_eq!(r["license_id"], "CC-BY-4.0");
    assert_eq!(r["num_tags"], 2);
    assert_eq!(r["groups"][0]["name"], "pobreza");
    assert_eq!(r["resources"][0]["format"], "CSV");
    assert_eq!(
        r["resources"][0]["url"],
        "https://snip.example/proyectos.csv"
    );
    assert!(r["extras"]
        .as_array()
        .unwrap()
        .contains(&json!({"key": "fuente", "value": "SNIP"})));
    assert!(r["extras"]
        .as_array()
        .unwrap()
        .contains(&json!({"key": "frequency", "value": "ANNUAL"})));
    // Searchable at once (the test portal catches up before each request).
    let got = p.get("/api/3/action/package_search?q=inversion+snip").await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["results"][0]["name"], "inversion-2024");
    // update replaces: the tags not sent are gone; patch keeps them.
    let (_, v) = post(
        &p,
        "package_update",
        Some(&t.editor),
        json!({"id": "inversion-2024", "title": "Inversión 2024"}),
    )
    .await;
    assert_eq!(v["result"]["num_tags"], 0);
    assert_eq!(
        v["result"]["num_resources"], 1,
        "resources are left as they are"
    );
    let (_, v) = post(
        &p,
        "package_patch",
        Some(&t.editor),
        json!({"id": "inversion-2024", "tags": [{"name": "snip"}]}),
    )
    .await;
    assert_eq!(v["result"]["title"], "Inversión 2024");
    assert_eq!(v["result"]["num_tags"], 1);
    // Into another category, through member_create.
    let (status, _) = post(
        &p,
        "group_create",
        Some(&t.admin),
        json!({"name": "economia", "title": "Economía"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = post(&p, "member_create", Some(&t.editor), json!({"id": "economia", "object": "inversion-2024", "object_type": "package", "capacity": "public"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, v) = post(&p, "package_show", None, json!({"id": "inversion-2024"})).await;
    // package_update dropped "pobreza" (not sent); member_create added "economia".
    assert_eq!(v["result"]["groups"][0]["name"], "economia");
}

#[tokio::test]
async fn an_uploaded_resource_goes_through_ingestion_to_the_datastore() {
    let (p, t) = portal().await;
    let csv =
        "c\u{f3}digo;municipio;hogares\r\n0101;Guatemala;250000\r\n1301;Huehuetenango;60000\r\n";
    let latin1: Vec<u8> = csv.chars().map(|c| c as u8).collect();
    let (ct, body) = multipart(
        &[
            ("package_id", "nbi-municipal"),
            ("name", "Hogares por municipio"),
        ],
        ("hogares.csv", &latin1),
    );
    let got = p
        .request(
            Request::post("/api/3/action/resource_create")
                .header(header::AUTHORIZATION, &t.editor)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    let rid = v["result"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v["result"]["url_type"], "upload");
    assert_eq!(v["result"]["format"], "CSV");
    assert_eq!(v["result"]["datastore_active"], false, "not ingested yet");
    // The original is kept byte for byte.
    let url = v["result"]["url"].as_str().unwrap().to_owned();
    let path = url.split_once("://").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    assert_eq!(p.get(path).await.body, latin1);
    p.ingestor.run_queue().await.unwrap();
    let got = p
        .get(&format!(
            "/api/3/action/datastore_search?resource_id={rid}&sort=hogares"
        ))
        .await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["total"], 2, "{v}");
    assert_eq!(v["result"]["records"][0]["código"], "1301");
    // A second upload is a new version of the same resource.
    let (ct, body) = multipart(
        &[("id", &rid)],
        ("hogares.csv", b"codigo,hogares\n0101,1\n"),
    );
    let got = p
        .request(
            Request::post("/api/3/action/resource_patch")
                .header(header::AUTHORIZATION, &t.editor)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    let got = p
        .get(&format!("/api/3/action/datastore_search?resource_id={rid}"))
        .await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["total"], 1);
    // An outsider may not upload; nothing is stored.
    let (ct, body) = multipart(&[("package_id", "nbi-municipal")], ("x.csv", b"a\n1\n"));
    let got = p
        .request(
            Request::post("/api/3/action/resource_create")
                .header(header::AUTHORIZATION, &t.outsider)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    let (_, v) = post(&p, "package_show", None, json!({"id": "nbi-municipal"})).await;
    assert_eq!(v["result"]["num_resources"], 2);
    // Delete.
    let (status, _) = post(&p, "resource_delete", Some(&t.editor), json!({"id": rid})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&p, "resource_show", None, json!({"id": rid})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn organizations_and_members() {
    let (p, t) = portal().await;
    let (status, _) = post(
        &p,
        "organization_create",
        Some(&t.editor),
        json!({"name": "ine", "title": "INE"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only sysadmins create organizations"
    );
    let (status, v) = post(
        &p,
        "organization_create",
        Some(&t.admin),
        json!({"name": "ine", "title": "Instituto Nacional de Estadística"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["is_organization"], true);
    let (status, v) = post(
        &p,
        "organization_create",
        Some(&t.admin),
        json!({"name": "ine"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(v["error"]["name"].is_array());
    // The editor of SEGEPLAN cannot add members; the admin can.
    let body = json!({"id": "ine", "username": "editora", "role": "editor"});
    let (status, _) = post(
        &p,
        "organization_member_create",
        Some(&t.editor),
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = post(&p, "organization_member_create", Some(&t.admin), body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["capacity"], "editor");
    // Now she may publish there.
    let (status, _) = post(
        &p,
        "package_create",
        Some(&t.editor),
        json!({"name": "censo-2018", "owner_org": "ine"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = post(
        &p,
        "organization_member_create",
        Some(&t.admin),
        json!({"id": "ine", "username": "editora", "role": "jefa"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(v["error"]["role"].is_array());
}

#[tokio::test]
async fn private_datasets_show_to_members_with_a_token() {
    let (p, t) = portal().await;
    let got = p
        .request(
            Request::get("/api/3/action/package_show?id=inversion-secreta")
                .header(header::AUTHORIZATION, &t.editor)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let got = p
        .request(
            Request::get("/api/3/action/package_search?include_private=true&q=inversion")
                .header(header::AUTHORIZATION, &t.editor)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["count"], 1, "{v}");
    let got = p
        .request(
            Request::get("/api/3/action/package_search?include_private=true&q=inversion")
                .header(header::AUTHORIZATION, &t.outsider)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["result"]["count"], 0);
}

// Issue 13: the portal built a second ingestor of its own, so an upload through the API
// woke one with no worker and waited for the next poll.
#[tokio::test]
async fn an_upload_through_the_api_wakes_the_worker_that_runs_it() {
    let (p, t) = portal().await;
    // A poll longer than the test: only the upload's own wake-up can start the job.
    let worker = p
        .ingestor
        .clone()
        .start_worker_polling(std::time::Duration::from_secs(3600))
        .await
        .unwrap();
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[("package_id", "nbi-municipal"), ("name", "Despierta")],
        ("despierta.csv", b"codigo,valor\n0101,1\n1301,2\n1601,3\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rid = v["result"]["id"].as_str().unwrap().to_owned();
    let mut total = Value::Null;
    for _ in 0..600 {
        let got = p
            .get(&format!("/api/3/action/datastore_search?resource_id={rid}"))
            .await;
        let v: Value = serde_json::from_slice(&got.body).unwrap();
        if got.status == StatusCode::OK {
            total = v["result"]["total"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    worker.abort();
    assert_eq!(
        total, 3,
        "the upload was not ingested before the worker's next poll"
    );
}

// Issue 12, problem 2: a dataset named with another dataset's UUID took over its id.
#[tokio::test]
async fn a_name_can_never_take_over_an_id() {
    let (p, t) = portal().await;
    let secret = p
        .catalog
        .dataset("inversion-secreta")
        .await
        .unwrap()
        .unwrap();
    let public = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
    for (target, form) in [
        (secret.id, secret.id.to_string()),
        (public.id, public.id.to_string()),
        (public.id, public.id.simple().to_string()),
    ] {
        let (status, v) = post(
            &p,
            "package_create",
            Some(&t.outsider),
            json!({ "name": form, "title": "Impostor", "owner_org": "minfin" }),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{v}");
        assert!(
            v["error"]["name"][0].as_str().unwrap().contains("id"),
            "{v}"
        );
        // The id still finds its own dataset.
        let (_, v) = post(&p, "package_show", Some(&t.admin), json!({ "id": target })).await;
        assert_eq!(v["result"]["id"], target.to_string());
        // Nor can a rename take it.
        let (status, _) = post(
            &p,
            "package_patch",
            Some(&t.editor),
            json!({ "id": "nbi-municipal", "name": form }),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
    assert!(
        p.catalog
            .dataset_by_id(public.id)
            .await
            .unwrap()
            .unwrap()
            .name
            == "nbi-municipal"
    );
}

// Issue 12, problem 8: a private dataset answered 403 (telling that it exists, and its id).
#[tokio::test]
async fn datasets_a_caller_may_not_see_answer_not_found_through_every_action() {
    let (p, t) = portal().await;
    let secret = p
        .catalog
        .dataset("inversion-secreta")
        .await
        .unwrap()
        .unwrap();
    for id in ["inversion-secreta".to_owned(), secret.id.to_string()] {
        for token in [None, Some(t.outsider.as_str())] {
            let (status, v) = post(&p, "package_show", token, json!({ "id": id })).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
            assert!(!v.to_string().contains(&secret.id.to_string()), "{v}");
        }
        // Writes by someone who may not see it: not found either, and nothing changes.
        let (status, v) = post(
            &p,
            "package_patch",
            Some(&t.outsider),
            json!({ "id": id, "title": "Cambiado" }),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
        let (status, v) = post(&p, "package_delete", Some(&t.outsider), json!({ "id": id })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
        let (status, v) = upload(
            &p,
            "resource_create",
            &t.outsider,
            &[("package_id", &id)],
            ("x.csv", b"a\n1\n"),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{v}");
        assert!(!v.to_string().contains("authoriz"), "{v}");
    }
    let (status, v) = post(
        &p,
        "package_show",
        Some(&t.editor),
        json!({ "id": "inversion-secreta" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["title"], "Título inversion-secreta");
}

// Issue 12, problem 7: uploads over 2 MiB always failed ("payload too large").
#[tokio::test]
async fn uploads_larger_than_two_mib_are_accepted_and_the_upload_limit_is_named() {
    let (p, t) = portal().await;
    let mut csv = String::from("codigo,valor\n");
    let mut i = 0u64;
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str(&format!("{:04},{}\n", i % 10_000, i));
        i += 1;
    }
    let (status, v) = upload(
        &p,
        "resource_create",
        &t.editor,
        &[("package_id", "nbi-municipal"), ("name", "Grande")],
        ("grande.csv", csv.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["size"], csv.len() as u64, "{v}");

    let small = Portal::with(
        ceiba_web::WebConfig::default(),
        ceiba_ingest::Limits {
            max_file_bytes: 1000,
            ..Default::default()
        },
    )
    .await;
    fixture(&small).await;
    let (editor, token) = user_with_token(&small, "editora", false).await;
    let org = small
        .catalog
        .organization("segeplan")
        .await
        .unwrap()
        .unwrap();
    small
        .catalog
        .set_membership(editor.id, org.id, Role::Editor)
        .await
        .unwrap();
    let (status, v) = upload(
        &small,
        "resource_create",
        &token,
        &[("package_id", "nbi-municipal")],
        ("grande.csv", &csv.as_bytes()[..5000]),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(
        v["error"]["upload"][0]
            .as_str()
            .unwrap()
            .contains("1000 bytes"),
        "{v}"
    );
    let d = small
        .catalog
        .dataset("nbi-municipal")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(small.catalog.resources_of(d.id).await.unwrap().len(), 1);
}

// Issue 12: 100,000 tags were parsed whole (hundreds of MB for a 2 MB body) before the
// bound on tags refused them; a body with too many JSON values is refused unread.
#[tokio::test]
async fn a_body_with_too_many_json_values_is_refused_before_it_is_parsed() {
    let (p, t) = portal().await;
    let tags: Vec<Value> = (0..60_000)
        .map(|i| json!({ "name": format!("t{i}") }))
        .collect();
    let (status, v) = post(
        &p,
        "package_patch",
        Some(&t.editor),
        json!({ "id": "nbi-municipal", "tags": tags }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    // CKAN answers a bad request with a bare JSON string.
    assert!(v.as_str().unwrap_or_default().contains("values"), "{v}");
    let (_, v) = post(&p, "package_show", None, json!({ "id": "nbi-municipal" })).await;
    assert!(v["result"]["num_tags"].as_u64().unwrap_or(0) < 100, "{v}");
}
