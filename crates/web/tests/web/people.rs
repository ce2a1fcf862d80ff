//! People in the browser: an organization's admin manages its members; one's account
//! (password, API tokens shown once); sysadmins create organizations, categories and
//! accounts. The forms call the same use cases as CKAN's actions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{header, StatusCode};
use ceiba_core::Role;

use crate::common::{action, fixture, post_login, Portal, ORIGIN, PASSWORD};

#[tokio::test]
async fn an_organization_admin_adds_changes_and_removes_members() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let jefa = p.signed_in("jefa", Some((org.id, Role::Admin))).await;
    let luis = p.signed_in("luis", None).await;
    let page = "/organization/members/segeplan";

    // An editor may not manage members; an admin sees the page from the organization's.
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    assert_eq!(ana.get(&p, page).await.status, StatusCode::FORBIDDEN);
    assert!(jefa
        .get(&p, "/organization/segeplan")
        .await
        .text()
        .contains(page));
    let html = jefa.get(&p, page).await.text();
    assert!(html.contains("@ana"), "{html}");
    // Their home page says what each can do next.
    let home = jefa.get(&p, "/").await.text();
    assert!(home.contains("Qué puede hacer ahora"));
    assert!(home.contains("href=\"/organization/members/segeplan\""));
    let home = ana.get(&p, "/").await.text();
    assert!(home.contains("href=\"/dataset/new\""));
    assert!(!home.contains("/organization/members/"));
    assert!(!p.get("/").await.text().contains("Qué puede hacer ahora"));

    let got = jefa
        .submit(
            &p,
            page,
            &[("action", "set"), ("username", "luis"), ("role", "editor")],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(
        p.catalog.memberships_of(luis.account.id).await.unwrap(),
        vec![(org.id, Role::Editor)]
    );
    // Luis may now open the new-dataset form for the organization.
    assert_eq!(luis.get(&p, "/dataset/new").await.status, StatusCode::OK);
    // An unknown name is said next to the field.
    let got = jefa
        .submit(
            &p,
            page,
            &[("action", "set"), ("username", "nadie"), ("role", "editor")],
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("No hay ningún usuario llamado «nadie»"));
    // Removed, and the change is in the organization's history.
    let got = jefa
        .submit(&p, page, &[("action", "remove"), ("username", "luis")])
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(p
        .catalog
        .memberships_of(luis.account.id)
        .await
        .unwrap()
        .is_empty());
    let history = p.get("/organization/activity/segeplan").await.text();
    assert!(history.contains("dio un rol a"), "{history}");
    assert!(history.contains("quitó de la organización a"));
}

#[tokio::test]
async fn one_changes_ones_password_and_makes_and_revokes_api_keys() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let page = "/user/edit/ana";
    assert!(ana
        .get(&p, "/")
        .await
        .text()
        .contains("href=\"/user/edit/ana\""));
    assert_eq!(ana.get(&p, page).await.status, StatusCode::OK);
    // Someone else's account is not for another user to manage.
    let luis = p.signed_in("luis", None).await;
    assert_eq!(luis.get(&p, page).await.status, StatusCode::FORBIDDEN);

    let change = |current: &'static str, new: &'static str, again: &'static str| {
        vec![
            ("current", current),
            ("password", new),
            ("password_again", again),
        ]
    };
    let got = ana
        .submit(
            &p,
            "/user/edit/ana/password",
            &change("otra", "una clave nueva larga", "una clave nueva larga"),
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("La contraseña actual no es correcta."));
    let got = ana
        .submit(
            &p,
            "/user/edit/ana/password",
            &change(PASSWORD, "una clave nueva larga", "otra distinta"),
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("no coinciden"));
    let got = ana
        .submit(
            &p,
            "/user/edit/ana/password",
            &change(PASSWORD, "una clave nueva larga", "una clave nueva larga"),
        )
        .await;
    // This browser is signed out with every other: it signs in again with the new one.
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let to = got.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/user/login?changed=1"), "{to}");
    assert!(p.get(&to).await.text().contains("La contraseña se cambió."));
    assert_eq!(ana.get(&p, page).await.status, StatusCode::SEE_OTHER);
    let old = post_login(&p, &[("name", "ana"), ("password", PASSWORD)], ORIGIN, None).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = post_login(
        &p,
        &[("name", "ana"), ("password", "una clave nueva larga")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
    let cookie = new.headers[header::SET_COOKIE].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let csrf = crate::common::csrf_of(&crate::common::get_as(&p, "/", &cookie).await.text());
    let ana = crate::common::Visitor {
        account: ana.account,
        cookie,
        csrf,
    };

    // A key, shown once on a page no cache keeps; it publishes through CKAN's API.
    let got = ana
        .submit(
            &p,
            "/user/edit/ana/tokens",
            &[("token_name", "carga mensual")],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::CACHE_CONTROL], "no-store");
    let html = got.text();
    let marker = "id=\"new-token\">";
    let at = html.find(marker).unwrap() + marker.len();
    let secret = html[at..].split('<').next().unwrap().to_owned();
    let (status, v) = action(
        &p,
        "package_create",
        Some(&secret),
        serde_json::json!({ "name": "por-api", "owner_org": "segeplan" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let again = ana.get(&p, page).await.text();
    assert!(again.contains("carga mensual"));
    assert!(!again.contains(&secret), "the secret is never shown again");
    // Revoked, it is refused.
    let token = p.catalog.tokens_of(ana.account.id).await.unwrap().remove(0);
    let got = ana
        .submit(
            &p,
            &format!("/user/edit/ana/tokens/{}/revoke", token.id),
            &[],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    let (status, _) = action(
        &p,
        "package_create",
        Some(&secret),
        serde_json::json!({ "name": "por-api-2", "owner_org": "segeplan" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sysadmins_create_organizations_categories_and_accounts() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let jefa = p.signed_in("jefa", Some((org.id, Role::Admin))).await;
    assert_eq!(
        jefa.get(&p, "/organization/new").await.status,
        StatusCode::FORBIDDEN
    );
    let got = jefa
        .submit(
            &p,
            "/organization/new",
            &[("name", "ine"), ("title", "INE")],
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(p.catalog.organization("ine").await.unwrap().is_none());

    let root = p.signed_in_sysadmin("root").await;
    assert_eq!(
        root.get(&p, "/organization/new").await.status,
        StatusCode::OK
    );
    let got = root
        .submit(
            &p,
            "/organization/new",
            &[
                ("name", "ine"),
                ("title", "Instituto Nacional de Estadística"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(got.headers[header::LOCATION], "/organization/ine");
    let got = root
        .submit(
            &p,
            "/group/new",
            &[("name", "Salud Pública"), ("title", "Salud")],
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("id=\"err-name\""));
    let got = root
        .submit(&p, "/group/new", &[("name", "salud"), ("title", "Salud")])
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    let got = root
        .submit(
            &p,
            "/user/new",
            &[
                ("name", "marta"),
                ("email", "marta@segeplan.gob.gt"),
                ("fullname", "Marta López"),
                ("password", "primera clave larga"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    // Editing what was made: the organization (also by its admins), the category, an
    // account's details (a sysadmin may make another a sysadmin, nobody themselves).
    let got = root
        .submit(
            &p,
            "/organization/edit/ine",
            &[
                ("name", "ine"),
                ("title", "INE Guatemala"),
                ("website", "https://www.ine.gob.gt"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let ine = p.catalog.organization("ine").await.unwrap().unwrap();
    assert_eq!(ine.title.es, "INE Guatemala");
    assert_eq!(
        jefa.get(&p, "/organization/edit/ine").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        jefa.get(&p, "/organization/edit/segeplan").await.status,
        StatusCode::OK
    );
    let got = root
        .submit(
            &p,
            "/group/edit/salud",
            &[("name", "salud"), ("title", "Salud pública")],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(
        p.catalog.category("salud").await.unwrap().unwrap().title.es,
        "Salud pública"
    );
    let got = root
        .submit(
            &p,
            "/user/edit/jefa/profile",
            &[
                ("fullname", "Jefa de datos"),
                ("email", "jefa@segeplan.gob.gt"),
                ("sysadmin_shown", "1"),
                ("sysadmin", "1"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let j = p.catalog.account("jefa").await.unwrap().unwrap();
    assert!(j.sysadmin);
    assert_eq!(j.fullname, "Jefa de datos");
    let got = jefa
        .submit(
            &p,
            "/user/edit/jefa/profile",
            &[
                ("fullname", "Jefa"),
                ("email", "no es un correo"),
                ("sysadmin_shown", "1"),
            ],
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    assert!(
        p.catalog.account("jefa").await.unwrap().unwrap().sysadmin,
        "nobody lowers their own rights"
    );

    let marta = post_login(
        &p,
        &[("name", "marta"), ("password", "primera clave larga")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(marta.status, StatusCode::SEE_OTHER);
}

fn files_on_disk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    files_on_disk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[tokio::test]
async fn a_sysadmin_restores_or_purges_deleted_datasets_from_the_trash() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let got = ana
        .submit_file(
            &p,
            "/dataset/nbi-municipal/resource/new",
            &[],
            Some(("extra.csv", b"codigo,monto\n0101,1\n")),
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    p.ingestor.run_queue().await.unwrap();
    let got = ana.submit(&p, "/dataset/delete/nbi-municipal", &[]).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.get("/dataset/nbi-municipal").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ana.get(&p, "/ckan-admin/trash").await.status,
        StatusCode::FORBIDDEN
    );

    let root = p.signed_in_sysadmin("root").await;
    let html = root.get(&p, "/ckan-admin/trash").await.text();
    assert!(html.contains("/dataset/nbi-municipal"), "{html}");
    let id = p
        .catalog
        .dataset("nbi-municipal")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let got = root
        .submit(
            &p,
            "/ckan-admin/trash",
            &[("action", "restore"), ("id", &id)],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.text().contains("se restauró"));
    assert_eq!(p.get("/dataset/nbi-municipal").await.status, StatusCode::OK);

    // Deleted again and purged: the dataset and the files only it used are gone.
    ana.submit(&p, "/dataset/delete/nbi-municipal", &[]).await;
    let files = p.dir.path().join("files");
    let before = files_on_disk(&files);
    let (status, _) = action(
        &p,
        "dataset_purge",
        None,
        serde_json::json!({ "id": "nbi-municipal" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "CKAN's dataset_purge needs a sysadmin"
    );
    let got = root
        .submit(&p, "/ckan-admin/trash", &[("action", "purge"), ("id", &id)])
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert!(p.catalog.dataset("nbi-municipal").await.unwrap().is_none());
    let after = files_on_disk(&files);
    assert!(after < before, "files removed: {before} → {after}");
    assert!(root
        .get(&p, "/ckan-admin/trash")
        .await
        .text()
        .contains("La papelera está vacía."));
}
