//! One access rule behind every door (issue 13): every dataset state × private × role,
//! through the HTML pages, search, CKAN's reads and DataStore, dumps, chart files, original
//! downloads, the native API and embeds. Each answer is compared with what
//! `ceiba_core::access` says: 404 where it says no, as if the dataset did not exist.
//! The native API (`/api/v1`) and embeds (`/view/{id}`) take no credentials: they answer
//! as the rule says for an anonymous visitor, whoever asks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, person, upload_table, Portal};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ceiba_core::access::{self, Audience};
use ceiba_core::{Account, Dataset, DatasetState, Organization, Permissions, Resource, Role};
use serde_json::{json, Value};
use uuid::Uuid;

const TABLE: &str = "codigo,departamento,monto\n0101,Guatemala,10\n1301,Huehuetenango,20\n";

/// Who asks: how the pages know them (a session cookie) and how the API does (a token).
struct Who {
    label: &'static str,
    perms: Permissions,
    cookie: Option<String>,
    token: Option<String>,
}

struct Case {
    dataset: Dataset,
    resource: Resource,
    view: Uuid,
}

async fn who(p: &Portal, label: &'static str, sysadmin: bool, role: Option<(Uuid, Role)>) -> Who {
    let a: Account = person(label, sysadmin);
    p.catalog.create_account(&a, None).await.unwrap();
    let mut memberships = Vec::new();
    if let Some((org, role)) = role {
        p.catalog.set_membership(a.id, org, role).await.unwrap();
        memberships.push((org, role));
    }
    let (_, token) = p.catalog.create_token(a.id, "t", None).await.unwrap();
    let (_, secret) = p
        .catalog
        .create_session(&a, chrono::Duration::hours(1))
        .await
        .unwrap();
    Who {
        label,
        perms: Permissions::new(&a, &memberships),
        cookie: Some(format!("ceiba_session={secret}")),
        token: Some(token),
    }
}

async fn get(p: &Portal, uri: &str, who: &Who) -> (StatusCode, String) {
    let mut req = Request::get(uri);
    if let Some(c) = &who.cookie {
        req = req.header(header::COOKIE, c);
    }
    if let Some(t) = &who.token {
        // Pages ignore it; CKAN's API reads it.
        if uri.starts_with("/api/3/") {
            req = req.header(header::AUTHORIZATION, t);
        }
    }
    let got = p.request(req.body(Body::empty()).unwrap()).await;
    let text = String::from_utf8_lossy(&got.body).into_owned();
    (got.status, text)
}

fn code(visible: bool) -> StatusCode {
    if visible {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn cases(p: &Portal, template: &Dataset) -> Vec<Case> {
    let mut out = Vec::new();
    for state in [
        DatasetState::Draft,
        DatasetState::Active,
        DatasetState::Deleted,
    ] {
        for private in [false, true] {
            let mut d = template.clone();
            d.id = Uuid::new_v4();
            d.name = format!(
                "acceso-{}-{}",
                state.as_str(),
                if private { "privado" } else { "publico" }
            );
            d.title = ceiba_core::Localized::es(format!(
                "Acceso {} {}",
                state.as_str(),
                if private { "privado" } else { "público" }
            ));
            d.private = private;
            d.state = DatasetState::Active;
            p.catalog.create_dataset(&d).await.unwrap();
            let r = upload_table(p, &d, "Montos", "montos.csv", TABLE).await;
            let view = ceiba_store::SavedView {
                id: Uuid::new_v4(),
                resource_id: r.id,
                dataset_id: d.id,
                title: "Montos".into(),
                description: String::new(),
                view_type: "ceiba_chart".into(),
                spec: json!({"params": [["type", "bar"], ["x", "departamento"], ["measure", "sum:monto"]]})
                    .to_string(),
                featured: true,
                position: 0,
                created: ceiba_store::now(),
                modified: ceiba_store::now(),
            };
            p.catalog.create_view(&view).await.unwrap();
            match state {
                DatasetState::Draft => {
                    d.state = DatasetState::Draft;
                    p.catalog.update_dataset(&d).await.unwrap();
                }
                DatasetState::Deleted => {
                    p.catalog.delete_dataset(d.id).await.unwrap();
                    d.state = DatasetState::Deleted;
                }
                DatasetState::Active => {}
            }
            let d = p.catalog.dataset_by_id(d.id).await.unwrap().unwrap();
            assert_eq!(d.state, state);
            out.push(Case {
                dataset: d,
                resource: r,
                view: view.id,
            });
        }
    }
    out
}

#[tokio::test]
async fn every_door_answers_as_the_access_rule_says() {
    let p = Portal::empty().await;
    let (template, _) = fixture(&p).await;
    let segeplan = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let minfin = Organization {
        id: Uuid::new_v4(),
        name: "minfin".into(),
        ..segeplan.clone()
    };
    p.catalog.create_organization(&minfin).await.unwrap();
    let cases = cases(&p, &template).await;
    p.state.indexer.catch_up().await.unwrap();

    let people = vec![
        Who {
            label: "anonymous",
            perms: Permissions::anonymous(),
            cookie: None,
            token: None,
        },
        who(&p, "ajena", false, Some((minfin.id, Role::Admin))).await,
        who(&p, "miembro", false, Some((segeplan.id, Role::Member))).await,
        who(&p, "editora", false, Some((segeplan.id, Role::Editor))).await,
        who(&p, "root", true, None).await,
    ];

    let mut checked = 0;
    let mut listed = 0;
    for w in &people {
        for c in &cases {
            let (d, r) = (&c.dataset, &c.resource);
            let case = format!("{} on {}", w.label, d.name);
            let sees = access::may_see(&w.perms, d);
            let public = Audience::Public.may_see(d);
            let base = format!("/dataset/{}/resource/{}", d.name, r.id);
            let mut expect = |uri: String, visible: bool, got: StatusCode| {
                assert_eq!(got, code(visible), "{case}: GET {uri}");
                checked += 1;
            };

            // Pages, charts, downloads and dumps: the visitor's session decides.
            for uri in [
                format!("/dataset/{}", d.name),
                format!("/en/dataset/{}", d.id),
                base.clone(),
                format!("{base}/chart"),
                format!("{base}/chart.svg?x=departamento&measure=sum:monto"),
                format!("{base}/chart.csv?x=departamento&measure=sum:monto"),
                format!("{base}/download"),
                format!("/datastore/dump/{}", r.id),
                format!("/datastore/dump/{}?format=json&f.monto.gt=1", r.id),
            ] {
                let (status, _) = get(&p, &uri, w).await;
                expect(uri, sees, status);
            }

            // CKAN's reads and DataStore: the caller's token decides.
            for uri in [
                format!("/api/3/action/package_show?id={}", d.name),
                format!("/api/3/action/package_show?id={}", d.id),
                format!("/api/3/action/resource_show?id={}", r.id),
                format!("/api/3/action/datastore_search?resource_id={}", r.id),
                format!(
                    "/api/3/action/datastore_search_sql?sql=SELECT%20COUNT(*)%20FROM%20%22{}%22",
                    r.id
                ),
                format!("/api/3/action/resource_view_list?id={}", r.id),
            ] {
                let (status, body) = get(&p, &uri, w).await;
                assert!(
                    serde_json::from_str::<Value>(&body).is_ok(),
                    "{case}: {uri} answers JSON"
                );
                expect(uri, sees, status);
            }

            // Search: the page, CKAN's package_search (asking for private and drafts) and
            // the suggestions. Deleted datasets are in no index.
            let found = sees && d.state != DatasetState::Deleted;
            let (_, html) = get(&p, "/dataset", w).await;
            assert_eq!(
                html.contains(&format!("href=\"/dataset/{}\"", d.name)),
                found,
                "{case}: search page"
            );
            let (_, body) = get(
                &p,
                "/api/3/action/package_search?rows=100&include_private=true&include_drafts=true",
                w,
            )
            .await;
            let v: Value = serde_json::from_str(&body).unwrap();
            let names: Vec<&str> = v["result"]["results"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
                .unwrap_or_default();
            assert_eq!(
                names.contains(&d.name.as_str()),
                found,
                "{case}: package_search {v}"
            );
            listed += 2;

            // The native API and embeds take no credentials: public only.
            for uri in [
                format!("/api/v1/resources/{}", r.id),
                format!("/api/v1/resources/{}/rows", r.id),
                format!(
                    "/api/v1/resources/{}/aggregate?group=departamento&measure=count",
                    r.id
                ),
                format!("/view/{}", c.view),
                format!("/view/{}.svg", c.view),
            ] {
                let (status, _) = get(&p, &uri, w).await;
                expect(uri, public, status);
            }
            let (_, body) = get(&p, "/api/v1/suggest?q=acceso", w).await;
            assert_eq!(
                body.contains(&format!("\"{}\"", d.name))
                    || body.contains(&format!("/dataset/{}\"", d.name)),
                public,
                "{case}: suggestions {body}"
            );
            listed += 1;
        }
    }
    // What a caller with a token gets may be theirs alone: no shared cache keeps it.
    let editor = &people[3];
    let got = p
        .request(
            Request::get(format!(
                "/api/3/action/package_show?id={}",
                cases[1].dataset.name
            ))
            .header(header::AUTHORIZATION, editor.token.as_deref().unwrap())
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let cache = got.headers[header::CACHE_CONTROL].to_str().unwrap();
    assert!(cache.contains("private"), "{cache}");
    // 5 people × 6 datasets × 23 doors.
    assert_eq!((checked, listed), (5 * 6 * 20, 5 * 6 * 3));
}
