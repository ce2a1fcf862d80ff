//! Signing in to the web interface and what it allows: publishers save the chart they built
//! as a view, feature it on the dataset page, stop featuring it and delete it — through the
//! pages' own forms, with the session cookie and its CSRF token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    account, csrf_of, encode, fixture, get_as, login_token, post, post_login, sign_in,
    upload_table, Got, Portal, ORIGIN, PASSWORD,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ceiba_core::{Organization, Role};
use uuid::Uuid;

const PROJECTS: &str = "snip,municipio,departamento,monto\n\
000101,Mixco,Guatemala,1500000.50\n\
000102,Huehuetenango,Huehuetenango,2500000\n\
000103,Chiantla,Huehuetenango,800000\n";

async fn org_of(p: &Portal) -> Organization {
    p.catalog.organization("segeplan").await.unwrap().unwrap()
}

#[tokio::test]
async fn signing_in_and_out() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = org_of(&p).await;
    account(&p, "ana", Some((org.id, Role::Editor))).await;

    let home = p.get("/").await.text();
    assert!(home.contains("/user/login?came_from=%2F"), "a sign-in link");
    let form = p.get("/en/user/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("autocomplete=\"current-password\""));
    assert!(form.text().contains("Sign in"));

    // A wrong password: said plainly, no session.
    let got = post_login(
        &p,
        &[("name", "ana"), ("password", "otra cosa del todo")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    assert!(got.text().contains("no son correctos"), "{}", got.text());
    assert!(!got.headers.contains_key(header::SET_COOKIE));
    // Nothing typed.
    let got = post_login(&p, &[("name", "ana")], ORIGIN, None).await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A form on another site.
    let got = post_login(
        &p,
        &[("name", "ana"), ("password", PASSWORD)],
        "https://evil.example",
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(!got.headers.contains_key(header::SET_COOKIE));
    // The right password, but not from the form: without the form's token (and the
    // cookie that holds it) nobody is signed in.
    let (login_cookie, token) = login_token(&p).await;
    assert!(login_cookie.starts_with("ceiba_login="));
    for (cookie, sent) in [
        (None, token.as_str()),
        (Some(login_cookie.as_str()), ""),
        (
            Some(login_cookie.as_str()),
            "0123456789abcdef0123456789abcdef",
        ),
    ] {
        let got = post(
            &p,
            "/user/login",
            cookie,
            ORIGIN,
            &encode(&[("_csrf", sent), ("name", "ana"), ("password", PASSWORD)]),
        )
        .await;
        assert_eq!(got.status, StatusCode::FORBIDDEN);
        assert!(got.text().contains("El formulario caducó"));
        assert!(!got
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("ceiba_session=")));
    }

    // Right: back where the visitor was, with a session cookie only scripts cannot read.
    let got = post_login(
        &p,
        &[
            ("name", "ana"),
            ("password", PASSWORD),
            ("came_from", "/dataset?q=pobreza"),
        ],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(got.headers[header::LOCATION], "/dataset?q=pobreza");
    let set = got.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("ceiba_session="), "{set}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(set.contains(attr), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();

    // Signed in: the header says who, and the page is not kept by shared caches.
    let got = get_as(&p, "/", &cookie).await;
    let html = got.text();
    assert!(html.contains("Persona ana"), "{html}");
    assert!(html.contains("Salir"));
    assert_eq!(got.headers[header::CACHE_CONTROL], "private, no-cache");
    // The sign-in page sends a signed-in visitor onward.
    let got = get_as(&p, "/user/login?came_from=/group", &cookie).await;
    assert_eq!(got.headers[header::LOCATION], "/group");

    // Only paths of this site are followed after signing in.
    for bad in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let got = post_login(
            &p,
            &[("name", "ana"), ("password", PASSWORD), ("came_from", bad)],
            ORIGIN,
            None,
        )
        .await;
        assert_eq!(got.headers[header::LOCATION], "/", "{bad}");
    }

    // Signing out needs the session's token: without it, still signed in.
    let got = post(&p, "/user/logout", Some(&cookie), ORIGIN, "_csrf=nope").await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(get_as(&p, "/", &cookie).await.text().contains("Salir"));
    let csrf = csrf_of(&html);
    let got = post(
        &p,
        "/user/logout",
        Some(&cookie),
        ORIGIN,
        &format!("_csrf={csrf}"),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(got.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let after = get_as(&p, "/", &cookie).await.text();
    assert!(!after.contains("Salir"), "the old cookie opens nothing");
    assert!(after.contains("/user/login"));
}

/// Signs in as `name` from client address `from` (through the proxy header the portal is
/// configured to trust), with `cookie` if any.
async fn login_from(
    p: &Portal,
    name: &str,
    password: &str,
    from: &str,
    cookie: Option<&str>,
) -> Got {
    let (login_cookie, token) = login_token(p).await;
    let cookies = match cookie {
        Some(c) => format!("{c}; {login_cookie}"),
        None => login_cookie,
    };
    let req = Request::post("/user/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "datos.example.gt")
        .header(header::ORIGIN, ORIGIN)
        .header("x-forwarded-for", format!("10.9.9.9, {from}"))
        .header(header::COOKIE, cookies);
    let body = encode(&[("_csrf", &token), ("name", name), ("password", password)]);
    p.request(req.body(Body::from(body)).unwrap()).await
}

fn cookie_named(got: &Got, name: &str) -> Option<String> {
    got.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
}

// Issue 12, problem 5: five wrong passwords locked the owner out too, and 10,000 failures
// with random names cleared every record, after which guessing resumed.
#[tokio::test]
async fn password_guessing_is_stopped_without_locking_the_owner_out() {
    let p = Portal::with_config(ceiba_web::WebConfig {
        client_address_header: Some("x-forwarded-for".into()),
        ..Default::default()
    })
    .await;
    fixture(&p).await;
    account(&p, "ana", None).await;
    let guesser = "203.0.113.9";
    for _ in 0..5 {
        let got = login_from(&p, "ana", "adivinanza 123", guesser, None).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    }
    // That place now waits, even with the right password…
    let got = login_from(&p, "ANA", PASSWORD, guesser, None).await;
    assert_eq!(got.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(got.text().contains("15 minutos"));
    assert!(!got.headers.contains_key(header::SET_COOKIE));
    // …but the owner, elsewhere, signs in, and their browser is remembered.
    let got = login_from(&p, "ana", PASSWORD, "198.51.100.7", None).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert!(cookie_named(&got, "ceiba_session").is_some());
    let browser = cookie_named(&got, "ceiba_browser").expect("a known-browser cookie");

    // Guessing spread over many places (50 failures with the first five) stops for
    // browsers the account never used…
    for i in 0..45 {
        let from = format!("192.0.2.{i}");
        let got = login_from(&p, "ana", "otra adivinanza", &from, None).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{from}");
    }
    let got = login_from(&p, "ana", PASSWORD, "192.0.2.200", None).await;
    assert_eq!(got.status, StatusCode::TOO_MANY_REQUESTS);
    // …while the owner's own browser, from a new place, still gets in.
    let got = login_from(&p, "ana", PASSWORD, "192.0.2.201", Some(&browser)).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    // A forged browser cookie is just an unknown browser.
    let got = login_from(
        &p,
        "ana",
        PASSWORD,
        "192.0.2.202",
        Some("ceiba_browser=00ff"),
    )
    .await;
    assert_eq!(got.status, StatusCode::TOO_MANY_REQUESTS);

    // One place trying many names is stopped, whatever the names.
    let sprayer = "198.51.100.99";
    for i in 0..20 {
        let got = login_from(&p, &format!("nadie{i}"), "x", sprayer, None).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    }
    let got = login_from(&p, "beto", "x", sprayer, None).await;
    assert_eq!(got.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(got.text().contains("su dirección"), "{}", got.text());

    // Every attempt is in the audit log, with its address.
    let log = p.catalog.audit_events(1000).await.unwrap();
    let count = |action: &str| log.iter().filter(|e| e.action == action).count();
    assert_eq!(count("sign_in"), 2);
    assert_eq!(count("sign_in_failed"), 5 + 45 + 20);
    assert_eq!(count("sign_in_refused"), 4);
    let first = log
        .iter()
        .rev()
        .find(|e| e.action == "sign_in_failed")
        .unwrap();
    assert_eq!(first.address.as_deref(), Some(guesser));
    assert_eq!(first.actor.as_deref(), Some("ana"));
}

#[tokio::test]
async fn editors_save_feature_and_delete_views_from_the_pages() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(&p, &d, "Proyectos", "proyectos.csv", PROJECTS).await;
    let org = org_of(&p).await;
    let other = Organization {
        id: Uuid::new_v4(),
        name: "otra".into(),
        ..org.clone()
    };
    p.catalog.create_organization(&other).await.unwrap();
    account(&p, "ana", Some((org.id, Role::Editor))).await;
    account(&p, "memo", Some((org.id, Role::Member))).await;
    account(&p, "otro", Some((other.id, Role::Admin))).await;
    let chart = format!(
        "/dataset/nbi-municipal/resource/{}/chart?type=hbar&x=departamento&measure=sum:monto",
        r.id
    );
    let save = format!("/dataset/nbi-municipal/resource/{}/views", r.id);

    // Anonymous: an invitation to sign in, no form.
    let html = p.get(&chart).await.text();
    assert!(!html.contains("class=\"save-view\""));
    assert!(html.contains("Entre para guardar"));
    // A member who may not edit: no form either, and a forged post is refused.
    let memo = sign_in(&p, "memo").await;
    let html = get_as(&p, &chart, &memo).await.text();
    assert!(!html.contains("class=\"save-view\""));
    let memo_csrf = csrf_of(&html);
    let params = "type=hbar&x=departamento&measure=sum:monto&bogus=1";
    let got = post(
        &p,
        &save,
        Some(&memo),
        ORIGIN,
        &encode(&[("_csrf", &memo_csrf), ("params", params), ("title", "x")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(got.text().contains("Solo el personal"));

    // An editor sees the form, with the chart's parameters and title filled in.
    let ana = sign_in(&p, "ana").await;
    let html = get_as(&p, &chart, &ana).await.text();
    assert!(html.contains("class=\"save-view\""), "{html}");
    let csrf = csrf_of(&html);
    // Without the token, or from another site: refused, nothing saved.
    for (token, origin) in [
        ("", ORIGIN),
        ("0".repeat(64).as_str(), ORIGIN),
        (csrf.as_str(), "https://evil.example"),
    ] {
        let got = post(
            &p,
            &save,
            Some(&ana),
            origin,
            &encode(&[("_csrf", token), ("params", params), ("title", "x")]),
        )
        .await;
        assert_eq!(got.status, StatusCode::FORBIDDEN, "{token:.4} {origin}");
    }
    assert!(p.catalog.views_of_dataset(d.id).await.unwrap().is_empty());

    let got = post(
        &p,
        &save,
        Some(&ana),
        ORIGIN,
        &encode(&[
            ("_csrf", &csrf),
            ("params", params),
            ("title", "Inversión <b>por</b> departamento"),
            ("description", "Suma del monto aprobado."),
            ("featured", "1"),
        ]),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let views = p.catalog.views_of_dataset(d.id).await.unwrap();
    assert_eq!(views.len(), 1);
    let v = &views[0];
    assert!(v.featured);
    assert_eq!(v.title, "Inversión <b>por</b> departamento");
    assert_eq!(
        got.headers[header::LOCATION],
        format!("/dataset/nbi-municipal#view-{}", v.id).as_str()
    );
    assert!(
        v.spec.contains("sum:monto") && !v.spec.contains("bogus"),
        "{}",
        v.spec
    );

    // Featured: drawn on the dataset page for everyone, its title escaped.
    let public = p.get("/dataset/nbi-municipal").await.text();
    assert!(
        public.contains("data-value=\"3300000\""),
        "the chart is drawn"
    );
    assert!(public.contains(&format!("id=\"view-{}\"", v.id)));
    assert!(!public.contains("<b>por</b>"));
    assert!(
        !public.contains("Administrar las vistas"),
        "only for editors"
    );
    let html = get_as(&p, "/dataset/nbi-municipal", &ana).await.text();
    assert!(html.contains("Administrar las vistas"));
    let manage = format!("/view/{}/manage", v.id);
    assert!(html.contains(&manage));

    // Another organization's admin may not touch it.
    let otro = sign_in(&p, "otro").await;
    let otro_csrf = csrf_of(&get_as(&p, "/", &otro).await.text());
    let got = post(
        &p,
        &manage,
        Some(&otro),
        ORIGIN,
        &encode(&[("_csrf", &otro_csrf), ("action", "delete")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert_eq!(p.catalog.views_of_dataset(d.id).await.unwrap().len(), 1);

    // Unfeatured: off the public page, still listed for the editor.
    let got = post(
        &p,
        &manage,
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "unfeature")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    let public = p.get("/dataset/nbi-municipal").await.text();
    assert!(!public.contains("data-value=\"3300000\""));
    assert!(!public.contains("Gráficos destacados"));
    let html = get_as(&p, "/dataset/nbi-municipal", &ana).await.text();
    assert!(html.contains("value=\"feature\""), "can be featured again");
    // Unknown actions and views.
    let got = post(
        &p,
        &manage,
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "rename")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    let got = post(
        &p,
        &format!("/view/{}/manage", Uuid::new_v4()),
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "delete")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);

    // Deleted: gone from the page and from the embed address.
    let got = post(
        &p,
        &manage,
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "delete")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(p.catalog.views_of_dataset(d.id).await.unwrap().is_empty());
    assert_eq!(
        p.get(&format!("/view/{}", v.id)).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A private dataset is the organization's business: its members find it, open it, chart
/// it and download it once signed in; everyone else gets the same 404 as for nothing.
#[tokio::test]
async fn members_see_their_private_datasets_in_the_pages() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = org_of(&p).await;
    let other = Organization {
        id: Uuid::new_v4(),
        name: "otra".into(),
        ..org.clone()
    };
    p.catalog.create_organization(&other).await.unwrap();
    account(&p, "memo", Some((org.id, Role::Member))).await;
    account(&p, "otro", Some((other.id, Role::Editor))).await;
    let secret = p
        .catalog
        .dataset("inversion-secreta")
        .await
        .unwrap()
        .unwrap();
    let r = upload_table(&p, &secret, "Montos", "secreto.csv", PROJECTS).await;
    let pages = [
        "/dataset/inversion-secreta".to_string(),
        format!("/dataset/inversion-secreta/resource/{}", r.id),
        format!("/dataset/inversion-secreta/resource/{}/chart", r.id),
        format!("/dataset/inversion-secreta/resource/{}/chart.svg", r.id),
        format!("/dataset/inversion-secreta/resource/{}/download", r.id),
        format!("/datastore/dump/{}", r.id),
    ];
    let memo = sign_in(&p, "memo").await;
    let otro = sign_in(&p, "otro").await;
    for page in &pages {
        assert_eq!(
            p.get(page).await.status,
            StatusCode::NOT_FOUND,
            "anonymous {page}"
        );
        assert_eq!(
            get_as(&p, page, &otro).await.status,
            StatusCode::NOT_FOUND,
            "another organization {page}"
        );
        let got = get_as(&p, page, &memo).await;
        assert!(
            got.status == StatusCode::OK || got.status == StatusCode::SEE_OTHER,
            "member {page}: {}",
            got.status
        );
        assert!(
            got.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("private"),
            "{page}"
        );
    }
    let page = get_as(&p, "/dataset/inversion-secreta", &memo).await.text();
    assert!(page.contains(">Privado</span>"), "marked as private");
    let dump = get_as(&p, &format!("/datastore/dump/{}", r.id), &memo).await;
    assert!(dump.text().contains("Chiantla"));
    // Search: found by members only; drafts too.
    let found = get_as(&p, "/dataset?q=secreta", &memo).await.text();
    assert!(
        found.contains("/dataset/inversion-secreta"),
        "member finds it"
    );
    let found = get_as(&p, "/dataset?q=borrador", &memo).await.text();
    assert!(found.contains("/dataset/borrador-oculto"), "and drafts");
    for (who, cookie) in [("anonymous", ""), ("otro", otro.as_str())] {
        let found = get_as(&p, "/dataset?q=secreta", cookie).await.text();
        assert!(!found.contains("/dataset/inversion-secreta"), "{who}");
    }
}

const DEPARTMENTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"cod_dep":"01","nombre":"Guatemala"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"cod_dep":"13","nombre":"Huehuetenango"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}"#;

/// An editor marks an uploaded GeoJSON as a boundary set from its resource page (the code
/// property found by itself, or named), and the chart builder offers it for maps.
#[tokio::test]
async fn editors_mark_boundary_sets_from_the_resource_page() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let org = org_of(&p).await;
    account(&p, "ana", Some((org.id, Role::Editor))).await;
    account(&p, "memo", Some((org.id, Role::Member))).await;
    let mut ids = Vec::new();
    for (name, body) in [
        ("departamentos.geojson", DEPARTMENTS),
        ("proyectos.csv", PROJECTS),
    ] {
        let file = p.dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let (r, _, _) = p
            .ingestor
            .add_upload(&d, name, "", &file, name, &Default::default())
            .await
            .unwrap();
        ids.push(r.id);
    }
    let _ = p.ingestor.run_queue().await.unwrap();
    let (geo, csv) = (ids[0], ids[1]);
    let page = format!("/dataset/nbi-municipal/resource/{geo}");
    let mark = format!("{page}/boundaries");

    // Anonymous visitors see no form; the editor does.
    assert!(!p.get(&page).await.text().contains("name=\"code_property\""));
    let ana = sign_in(&p, "ana").await;
    let html = get_as(&p, &page, &ana).await.text();
    assert!(html.contains("name=\"code_property\""), "{html}");
    let csrf = csrf_of(&html);

    // A member who may not edit is refused.
    let memo = sign_in(&p, "memo").await;
    let memo_csrf = csrf_of(&get_as(&p, &page, &memo).await.text());
    let got = post(
        &p,
        &mark,
        Some(&memo),
        ORIGIN,
        &encode(&[("_csrf", &memo_csrf), ("action", "mark")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(p.catalog.boundary_set(geo).await.unwrap().is_none());

    // A property the features lack: said in Spanish, naming those they have.
    let got = post(
        &p,
        &mark,
        Some(&ana),
        ORIGIN,
        &encode(&[
            ("_csrf", &csrf),
            ("action", "mark"),
            ("code_property", "nope"),
        ]),
    )
    .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = got.text();
    assert!(text.contains("nope") && text.contains("cod_dep"), "{text}");
    assert!(p.catalog.boundary_set(geo).await.unwrap().is_none());
    // A CSV is no boundary set.
    let got = post(
        &p,
        &format!("/dataset/nbi-municipal/resource/{csv}/boundaries"),
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "mark")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("GeoJSON o TopoJSON"));

    // Empty: the property is found.
    let got = post(
        &p,
        &mark,
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "mark"), ("code_property", "")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let b = p.catalog.boundary_set(geo).await.unwrap().unwrap();
    assert_eq!(
        (b.code_property.as_str(), b.level.as_str()),
        ("cod_dep", "department")
    );
    let html = p.get(&page).await.text();
    assert!(html.contains("«cod_dep»"), "everyone reads the mark");
    // The chart builder offers it, and draws its two areas.
    let chart = format!("/dataset/nbi-municipal/resource/{csv}/chart?type=map&x=departamento&measure=sum:monto&geo={geo}");
    let html = p.get(&chart).await.text();
    assert!(html.contains(&format!("value=\"{geo}\"")), "listed");
    assert_eq!(html.matches("data-code=\"").count(), 2, "two areas");

    // Unmarked: gone from the catalog.
    let got = post(
        &p,
        &mark,
        Some(&ana),
        ORIGIN,
        &encode(&[("_csrf", &csrf), ("action", "unmark")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(p.catalog.boundary_set(geo).await.unwrap().is_none());
}
