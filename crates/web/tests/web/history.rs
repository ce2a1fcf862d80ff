//! The history of changes: what the forms and the CKAN API change is recorded and shown
//! per dataset, organization and person, to those who may see the dataset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use ceiba_core::Role;

use crate::common::{action, fixture, Portal};

#[tokio::test]
async fn changes_made_in_the_forms_are_in_the_dataset_organization_and_person_histories() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let org_id = org.id.to_string();
    let fields = |title: &'static str, private: &'static str| {
        vec![
            ("title_es", title),
            ("name", "gasto-municipal"),
            ("licence", "CC-BY-4.0"),
            ("private", private),
            ("publish", "active"),
        ]
    };
    let mut create = fields("Gasto <b>municipal</b>", "");
    create.push(("owner_org", &org_id));
    let got = ana.submit(&p, "/dataset/new", &create).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let edit = ana.get(&p, "/dataset/edit/gasto-municipal").await.text();
    let at = edit.find("name=\"since\" value=\"").unwrap() + 20;
    let since = edit[at..].split('"').next().unwrap().to_owned();
    let mut change = fields("Gasto municipal 2024", "");
    change.push(("since", &since));
    let got = ana
        .submit(&p, "/dataset/edit/gasto-municipal", &change)
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let got = ana
        .submit_file(
            &p,
            "/dataset/gasto-municipal/resource/new",
            &[],
            Some(("gasto.csv", b"codigo,monto\n0101,10\n")),
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());

    // The dataset's history, newest first: the upload, the change (title before and
    // after), the creation; typed markup shown as text.
    let page = p.get("/dataset/activity/gasto-municipal").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let upload = html.find("añadió el recurso").expect("the upload");
    let changed = html
        .find("cambió el conjunto de datos")
        .expect("the change");
    let created = html
        .find("creó el conjunto de datos")
        .expect("the creation");
    assert!(upload < changed && changed < created, "{html}");
    assert!(
        html.contains("<del>Gasto &lt;b&gt;municipal&lt;/b&gt;</del>"),
        "{html}"
    );
    assert!(html.contains("<ins>Gasto municipal 2024</ins>"));
    assert!(html.contains("href=\"/user/ana\""));

    // The same through CKAN's API.
    let (status, v) = action(
        &p,
        "package_activity_list",
        None,
        serde_json::json!({ "id": "gasto-municipal" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let list = v["result"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[2]["activity_type"], "new package");
    assert_eq!(
        list[1]["data"]["detail"]["changes"]["title"][1],
        "Gasto municipal 2024"
    );

    // The person's page: their organization and role, and what they did.
    let person = p.get("/user/ana").await.text();
    assert!(person.contains("editor"), "{person}");
    assert!(person.contains("creó el conjunto de datos"));
    assert!(p
        .get("/organization/activity/segeplan")
        .await
        .text()
        .contains("Gasto municipal 2024"));

    // Made private, the dataset's history is not shown to visitors, in pages or the API,
    // nor its entries in the person's and organization's streams.
    let edit = ana.get(&p, "/dataset/edit/gasto-municipal").await.text();
    let at = edit.find("name=\"since\" value=\"").unwrap() + 20;
    let since = edit[at..].split('"').next().unwrap().to_owned();
    let mut private = fields("Gasto municipal 2024", "1");
    private.push(("since", &since));
    let got = ana
        .submit(&p, "/dataset/edit/gasto-municipal", &private)
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(
        p.get("/dataset/activity/gasto-municipal").await.status,
        StatusCode::NOT_FOUND
    );
    let (status, _) = action(
        &p,
        "package_activity_list",
        None,
        serde_json::json!({ "id": "gasto-municipal" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!p.get("/user/ana").await.text().contains("Gasto municipal"));
    let (_, v) = action(
        &p,
        "recently_changed_packages_activity_stream",
        None,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(v["result"], serde_json::json!([]));
    // Its members still see it all.
    let html = ana
        .get(&p, "/dataset/activity/gasto-municipal")
        .await
        .text();
    assert!(
        html.contains("private"),
        "the change to private is listed: {html}"
    );
}
