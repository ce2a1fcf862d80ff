//! The sysadmin's harvest page (sources, runs, adding one, asking for a run) and CKAN's
//! `user_list` / `organization_show?include_users` for migrations.

use axum::http::StatusCode;
use ceiba_core::Role;

use serde_json::json;

use crate::common::{action, fixture, Portal};

#[tokio::test]
async fn a_sysadmin_adds_a_source_and_asks_for_a_run_from_the_harvest_page() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = p.signed_in("ana", Some((org.id, Role::Admin))).await;
    assert_eq!(
        ana.get(&p, "/ckan-admin/harvest").await.status,
        StatusCode::FORBIDDEN
    );
    let got = ana
        .submit(
            &p,
            "/ckan-admin/harvest",
            &[
                ("action", "add"),
                ("name", "x"),
                ("type", "ckan"),
                ("url", "https://x.example"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(p.catalog.harvest_sources().await.unwrap().is_empty());

    let root = p.signed_in_sysadmin("root").await;
    let html = root.get(&p, "/ckan-admin/harvest").await.text();
    assert!(html.contains("Todavía no hay fuentes"), "{html}");
    // A bad address is refused with the field named, in the visitor's language.
    let html = root
        .submit(
            &p,
            "/ckan-admin/harvest",
            &[
                ("action", "add"),
                ("name", "muni"),
                ("type", "ckan"),
                ("url", "ftp://x"),
            ],
        )
        .await
        .text();
    assert!(
        html.contains("url: Debe ser una dirección http(s)://."),
        "{html}"
    );
    let html = root
        .submit(
            &p,
            "/ckan-admin/harvest",
            &[
                ("action", "add"),
                ("name", "muni"),
                ("type", "dcat"),
                ("url", "https://datos.muni.example/catalog.ttl"),
                ("organization", "segeplan"),
                ("schedule", "weekly"),
                ("copy_files", "on"),
            ],
        )
        .await
        .text();
    assert!(html.contains("Se agregó la fuente «muni»"), "{html}");
    let s = p.catalog.harvest_source("muni").await.unwrap().unwrap();
    assert_eq!(
        (s.kind.as_str(), s.schedule.as_str(), s.copy_files),
        ("dcat", "weekly", true)
    );
    assert_eq!(s.organization_id, Some(org.id));
    assert!(html.contains("Aún no se ha ejecutado"), "{html}");

    let html = root
        .submit(
            &p,
            "/ckan-admin/harvest",
            &[("action", "run"), ("name", "muni")],
        )
        .await
        .text();
    assert!(
        html.contains("se ejecutará en menos de un minuto"),
        "{html}"
    );
    assert!(p
        .catalog
        .harvest_source("muni")
        .await
        .unwrap()
        .unwrap()
        .run_requested
        .is_some());
    // Without the form's token, nothing happens.
    let got = crate::common::post(
        &p,
        "/ckan-admin/harvest",
        Some(&root.cookie),
        crate::common::ORIGIN,
        "action=run&name=muni",
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_run_report_shows_counts_and_what_could_not_be_brought() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let root = p.signed_in_sysadmin("root").await;
    root.submit(
        &p,
        "/ckan-admin/harvest",
        &[
            ("action", "add"),
            ("name", "otra"),
            ("type", "ckan"),
            ("url", "https://otra.example"),
        ],
    )
    .await;
    let s = p.catalog.harvest_source("otra").await.unwrap().unwrap();
    let run = p
        .catalog
        .start_harvest_run(s.id, ceiba_store::now() - chrono::Duration::hours(6))
        .await
        .unwrap()
        .unwrap();
    let report = serde_json::json!({
        "datasets": {"read": 12, "created": 10, "updated": 1, "unchanged": 0, "withdrawn": 1, "failed": 1},
        "files_copied": 3, "problems_total": 1,
        "problems": [{"record": "dataset <b>roto</b>", "message": "https://otra.example/x.csv: the server answered 404"}],
    });
    p.catalog
        .update_harvest_run(run.id, "done", &report)
        .await
        .unwrap();
    let html = root.get(&p, "/ckan-admin/harvest").await.text();
    let row: String = ["12", "10", "1", "0", "1", "1", "3"]
        .iter()
        .map(|n| format!("<td class=\"num\">{n}</td>"))
        .collect();
    assert!(html.contains(&format!("<td>terminada</td>{row}")), "{html}");
    assert!(
        html.contains("dataset &lt;b&gt;roto&lt;/b&gt;"),
        "escaped: {html}"
    );
    assert!(html.contains("the server answered 404"));
}

#[tokio::test]
async fn users_and_members_are_listed_for_sysadmins_only() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = crate::common::account(&p, "ana", Some((org.id, Role::Editor))).await;
    let (_, secret) = p.catalog.create_token(ana.id, "t", None).await.unwrap();
    let (status, _) = action(&p, "user_list", Some(&secret), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let root = crate::common::account(&p, "root", None).await;
    let root = ceiba_core::Account {
        sysadmin: true,
        ..root
    };
    p.catalog.update_account(&root).await.unwrap();
    let (_, key) = p.catalog.create_token(root.id, "t", None).await.unwrap();
    let (status, users) = action(&p, "user_list", Some(&key), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{users}");
    let list = users["result"].as_array().unwrap();
    let ana_dict = list.iter().find(|u| u["name"] == "ana").unwrap();
    assert_eq!(ana_dict["id"], ana.id.to_string().as_str());
    assert_eq!(ana_dict["email"], ana.email.as_str());
    assert!(list
        .iter()
        .any(|u| u["name"] == "root" && u["sysadmin"] == true));
    let (_, org_dict) = action(
        &p,
        "organization_show",
        Some(&key),
        json!({"id": "segeplan", "include_users": true}),
    )
    .await;
    assert_eq!(org_dict["result"]["users"][0]["name"], "ana");
    assert_eq!(org_dict["result"]["users"][0]["capacity"], "editor");
    // Others see no members.
    let (_, anon) = action(
        &p,
        "organization_show",
        None,
        json!({"id": "segeplan", "include_users": true}),
    )
    .await;
    assert_eq!(anon["result"]["users"], json!([]));
}
