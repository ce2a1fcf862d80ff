//! Publishing from the browser: the dataset form (`/dataset/new`, `/dataset/edit/{name}`,
//! `/dataset/delete/{name}`) through the pages' own forms, with a session and its CSRF
//! token; the same use cases as CKAN's `package_*` decide.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{header, StatusCode};
use ceiba_core::{DatasetState, Role};

use crate::common::{encode, fixture, post, Portal, ORIGIN};

const TITLE: &str = "Pobreza multidimensional — Petén, 2018";

async fn segeplan(p: &Portal) -> ceiba_core::Organization {
    p.catalog.organization("segeplan").await.unwrap().unwrap()
}

fn location(got: &crate::common::Got) -> String {
    got.headers[header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_editor_creates_edits_and_deletes_a_dataset_through_the_forms() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;

    // Nobody signed in is sent to sign in first, and back.
    let got = p.get("/dataset/new").await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&got), "/user/login?came_from=%2Fdataset%2Fnew");

    // The form: the one organization Ana publishes in is chosen for her; every
    // department and municipality can be picked for the coverage.
    let form = ana.get(&p, "/dataset/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(
        html.contains(&format!("<option value=\"{}\" selected>", org.id)),
        "{html}"
    );
    assert!(html.contains("<option value=\"1701\">"));
    assert!(html.contains("name=\"_csrf\""));

    // Created with no URL name: one is proposed from the title. Then on to its first file.
    let fields = |name: &'static str, title: &'static str| {
        vec![
            ("title_es", title),
            ("name", name),
            ("description_es", "Índice por **municipio**."),
            ("licence", "CC-BY-4.0"),
            ("tags", "pobreza, censo 2018"),
            ("spatial", "17"),
            ("spatial", "1701"),
            ("temporal_start", "2018-01-01"),
            ("temporal_end", "2018-12-31"),
            ("frequency", "ANNUAL"),
            ("publish", "active"),
        ]
    };
    let org_id = org.id.to_string();
    let mut first = fields("", TITLE);
    first.push(("owner_org", &org_id));
    let got = ana.submit(&p, "/dataset/new", &first).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let name = "pobreza-multidimensional-peten-2018";
    assert_eq!(location(&got), format!("/dataset/{name}/resource/new"));
    let d = p.catalog.dataset(name).await.unwrap().unwrap();
    assert_eq!(d.title.es, TITLE);
    assert_eq!(d.tags, vec!["censo 2018", "pobreza"]);
    assert_eq!(d.spatial, vec!["17", "1701"]);
    assert_eq!(d.state, DatasetState::Active);
    assert_eq!(d.organization_id, org.id);

    // The same title again: the name is taken, said next to it, nothing written.
    let got = ana.submit(&p, "/dataset/new", &first).await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = got.text();
    assert!(html.contains("id=\"err-name\""), "{html}");
    assert!(html.contains("ya está en uso"), "{html}");
    assert!(html.contains(TITLE), "what was typed is kept");

    // Markup and script links typed into fields are kept as text and shown as text.
    let mut hostile = fields("texto-hostil", "<script>alert(1)</script>");
    hostile.push(("owner_org", &org_id));
    let got = ana.submit(&p, "/dataset/new", &hostile).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let page = p.get("/dataset/texto-hostil").await.text();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let mut link = fields("enlace-hostil", "Enlace");
    link.push(("owner_org", &org_id));
    link.push(("source_url", "javascript:alert(1)"));
    let got = ana.submit(&p, "/dataset/new", &link).await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("id=\"err-source_url\""));
    assert!(p.catalog.dataset("enlace-hostil").await.unwrap().is_none());

    // Editing: the form carries the time it was read.
    let edit = ana.get(&p, &format!("/dataset/edit/{name}")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let html = edit.text();
    let at = html.find("name=\"since\" value=\"").unwrap() + 20;
    let since = html[at..].split('"').next().unwrap().to_owned();
    let mut changed = fields(name, "Pobreza multidimensional, Petén");
    changed.push(("since", &since));
    let got = ana
        .submit(&p, &format!("/dataset/edit/{name}"), &changed)
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(location(&got), format!("/dataset/{name}"));
    let d = p.catalog.dataset(name).await.unwrap().unwrap();
    assert_eq!(d.title.es, "Pobreza multidimensional, Petén");

    // A second editor saving a form read before that change is told; nothing is
    // overwritten.
    let luis = p.signed_in("luis", Some((org.id, Role::Editor))).await;
    let mut stale = fields(name, "Otro título");
    stale.push(("since", &since));
    let got = luis
        .submit(&p, &format!("/dataset/edit/{name}"), &stale)
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("Otra persona guardó cambios"));
    let d = p.catalog.dataset(name).await.unwrap().unwrap();
    assert_eq!(d.title.es, "Pobreza multidimensional, Petén");

    // Someone of another organization may not open the form; a post without the
    // session's token changes nothing.
    let other = p.signed_in("otra", None).await;
    let got = other.get(&p, &format!("/dataset/edit/{name}")).await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    let got = post(
        &p,
        &format!("/dataset/edit/{name}"),
        Some(&ana.cookie),
        ORIGIN,
        &encode(&[("title_es", "Sin token"), ("licence", "CC-BY-4.0")]),
    )
    .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert_ne!(
        p.catalog.dataset(name).await.unwrap().unwrap().title.es,
        "Sin token"
    );

    // Deleting sends it to the trash: gone from public pages.
    let got = ana
        .submit(&p, &format!("/dataset/delete/{name}"), &[])
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(location(&got), "/organization/segeplan");
    let d = p.catalog.dataset(name).await.unwrap().unwrap();
    assert_eq!(d.state, DatasetState::Deleted);
    assert_eq!(
        p.get(&format!("/dataset/{name}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_draft_is_seen_by_its_publisher_only_and_published_from_its_form() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let org_id = org.id.to_string();
    let got = ana
        .submit(
            &p,
            "/en/dataset/new",
            &[
                ("title_es", "Borrador"),
                ("name", "borrador"),
                ("owner_org", &org_id),
                ("licence", "CC-BY-4.0"),
                ("publish", "draft"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(location(&got), "/en/dataset/borrador/resource/new");
    assert_eq!(
        p.get("/dataset/borrador").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ana.get(&p, "/dataset/borrador").await.status,
        StatusCode::OK
    );
    // In English, a refused date is said in English next to its field.
    let got = ana
        .submit(
            &p,
            "/en/dataset/edit/borrador",
            &[
                ("title_es", "Borrador"),
                ("name", "borrador"),
                ("licence", "CC-BY-4.0"),
                ("temporal_start", "31/12/2018"),
                ("publish", "active"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("Write the date as YYYY-MM-DD."));
    let got = ana
        .submit(
            &p,
            "/en/dataset/edit/borrador",
            &[
                ("title_es", "Borrador"),
                ("name", "borrador"),
                ("licence", "CC-BY-4.0"),
                ("publish", "active"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(p.get("/dataset/borrador").await.status, StatusCode::OK);
    // Only the organization's admins may feature it: an editor's form has no such box.
    let html = ana.get(&p, "/dataset/edit/borrador").await.text();
    assert!(!html.contains("name=\"featured\""));
    let admin = p.signed_in("jefa", Some((org.id, Role::Admin))).await;
    let html = admin.get(&p, "/dataset/edit/borrador").await.text();
    assert!(html.contains("name=\"featured\""));
    // The description's preview follows the published page's rules: raw HTML is text.
    let got = ana
        .submit(
            &p,
            "/markdown/preview",
            &[("text", "**Pobreza** <img src=x onerror=alert(1)>")],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.text().contains("<strong>Pobreza</strong>"));
    assert!(got.text().contains("&lt;img"), "{}", got.text());
    let got = post(&p, "/markdown/preview", None, ORIGIN, "text=hola").await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
}

async fn resource_ids(p: &Portal, dataset: &str) -> Vec<uuid::Uuid> {
    let d = p.catalog.dataset(dataset).await.unwrap().unwrap();
    let rs = p.catalog.resources_of(d.id).await.unwrap();
    rs.into_iter().map(|r| r.id).collect()
}

/// A file as it comes out of Excel: a title row, a blank row, Windows-1252 accents.
fn messy_csv() -> Vec<u8> {
    let text = "Proyectos de inversión 2024;;;\n;;;\ncodigo;municipio;anio;monto\n0101;Guatemala;2024;1500.5\n1701;Flores, Petén;2023;800\n1301;Huehuetenango;2024;\n";
    // Every character here is in Latin-1, where Windows-1252 agrees with Unicode.
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

#[tokio::test]
async fn an_editor_uploads_reviews_fixes_a_type_and_replaces_the_file() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let new = "/dataset/nbi-municipal/resource/new";

    let form = ana.get(&p, new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("enctype=\"multipart/form-data\""));
    assert!(
        form.text().contains("MB"),
        "the limit is shown before uploading"
    );

    // Without the session's token nothing is created.
    let before = resource_ids(&p, "nbi-municipal").await;
    let (content_type, body) =
        crate::common::form_data(&[("_csrf", "nope")], Some(("x.csv", b"a,b\n1,2\n")));
    let got = p
        .request(
            axum::http::Request::post(new)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::HOST, "datos.example.gt")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, &ana.cookie)
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert_eq!(resource_ids(&p, "nbi-municipal").await, before);

    // The upload, then the review.
    let csv = messy_csv();
    let got = ana
        .submit_file(&p, new, &[("name", "")], Some(("proyectos.csv", &csv)))
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let review = location(&got);
    assert!(review.ends_with("/review"), "{review}");
    let pending = ana.get(&p, &review).await.text();
    assert!(
        pending.contains("http-equiv=\"refresh\""),
        "it refreshes itself while pending"
    );
    p.ingestor.run_queue().await.unwrap();
    let html = ana.get(&p, &review).await.text();
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(
        html.contains("Flores, Petén"),
        "first rows, accents read: {html}"
    );
    assert!(html.contains("name=\"c2.name\" value=\"anio\""), "{html}");
    assert!(html.contains("<option value=\"integer\" selected>"));

    // The year read as a number becomes text; the amount gets a label and a unit.
    let got = ana
        .submit(
            &p,
            &review,
            &[
                ("table", "0"),
                ("c0.name", "codigo"),
                ("c0.type", "text"),
                ("c1.name", "municipio"),
                ("c1.type", "text"),
                ("c2.name", "anio"),
                ("c2.type", "text"),
                ("c3.name", "monto"),
                ("c3.type", "decimal"),
                ("c3.label", "Monto (Q)"),
                ("c3.unit", "Q"),
                ("c3.description", "Monto aprobado"),
                ("header_row", "3"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    let rid = review.split('/').nth(4).unwrap().to_owned();
    let r = p.catalog.resource(&rid).await.unwrap().unwrap();
    let versions = p.catalog.versions_of(r.id).await.unwrap();
    assert_eq!(versions.len(), 2, "rebuilt from the stored original");
    let tables = p
        .catalog
        .tables_of(r.current_version_id.unwrap())
        .await
        .unwrap();
    let col = |n: &str| {
        tables[0]
            .columns
            .iter()
            .find(|c| c.name == n)
            .unwrap()
            .clone()
    };
    assert_eq!(col("anio").column_type, ceiba_core::ColumnType::Text);
    assert_eq!(col("monto").label, "Monto (Q)");
    assert_eq!(col("monto").unit, "Q");

    // Replacing the file: a new version; the first stays downloadable.
    let edit = format!("/dataset/nbi-municipal/resource/{rid}/edit");
    assert_eq!(ana.get(&p, &edit).await.status, StatusCode::OK);
    let got = ana
        .submit_file(
            &p,
            &edit,
            &[("name", "Proyectos 2024"), ("description", "")],
            Some(("proyectos-v2.csv", b"codigo,anio,monto\n0101,2024,10\n")),
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    let r = p.catalog.resource(&rid).await.unwrap().unwrap();
    assert_eq!(r.name, "Proyectos 2024");
    assert_eq!(p.catalog.versions_of(r.id).await.unwrap().len(), 3);
    let first = p
        .get(&format!(
            "/dataset/nbi-municipal/resource/{rid}/version/1/download/proyectos.csv"
        ))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, csv, "the original, byte for byte");

    // What changed in the data, from the history: matched by the code column.
    let history = p.get("/dataset/activity/nbi-municipal").await.text();
    let changes = format!("/dataset/nbi-municipal/resource/{rid}/changes/3");
    assert!(history.contains(&changes), "{history}");
    let page = p.get(&changes).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("por la columna «codigo»"), "{html}");
    assert!(html.contains("<strong>2</strong> filas quitadas"), "{html}");
    assert!(html.contains("<code>municipio</code>"), "a column removed");
    let removed = p
        .get(&format!("{changes}?table=proyectos-v2&download=removed"))
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    let text = removed.text();
    assert!(text.starts_with("codigo"), "{text}");
    assert!(text.contains("1701") && text.contains("1301"));

    // A link instead of a file; a script link is refused next to its field.
    let got = ana
        .submit_file(
            &p,
            new,
            &[("url", "https://example.gt/datos/anexo.csv")],
            None,
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let got = ana
        .submit_file(&p, new, &[("url", "javascript:alert(1)")], None)
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("id=\"err-url\""));

    // A file that is not a table is published for download as it is, and the review says
    // so plainly.
    let got = ana
        .submit_file(&p, new, &[], Some(("informe.pdf", b"%PDF-1.4 informe")))
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let pdf_review = location(&got);
    p.ingestor.run_queue().await.unwrap();
    let html = ana.get(&p, &pdf_review).await.text();
    assert!(html.contains("no es una tabla (formato PDF)"), "{html}");

    // Deleting the resource from its form.
    let got = ana
        .submit(
            &p,
            &format!("/dataset/nbi-municipal/resource/{rid}/delete"),
            &[],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert!(p.catalog.resource(&rid).await.unwrap().is_none());
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_next_to_the_file_field() {
    let limits = ceiba_ingest::Limits {
        max_file_bytes: 64,
        ..ceiba_ingest::Limits::default()
    };
    let p = Portal::with(ceiba_web::WebConfig::default(), limits).await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let big = vec![b'x'; 1000];
    let got = ana
        .submit_file(
            &p,
            "/dataset/nbi-municipal/resource/new",
            &[],
            Some(("grande.csv", &big)),
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = got.text();
    assert!(html.contains("id=\"err-upload\""), "{html}");
    assert!(html.contains("más grande de lo que el portal acepta"));
    let scratch = p.dir.path().join("tmp");
    let left = std::fs::read_dir(&scratch)
        .map(|d| d.flatten().filter(|e| e.path().is_file()).count())
        .unwrap_or(0);
    assert_eq!(left, 0, "no partial upload is left behind");
}

#[tokio::test]
async fn resources_are_reordered_from_the_dataset_page_and_through_ckan() {
    let (p, tokens) = crate::common::publishing().await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let order = || async {
        let d = p.catalog.dataset("nbi-municipal").await.unwrap().unwrap();
        p.catalog
            .resources_of(d.id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    let got = ana
        .submit_file(
            &p,
            "/dataset/nbi-municipal/resource/new",
            &[("url", "https://example.gt/anexo.pdf")],
            None,
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    let before = order().await;
    assert_eq!(before.len(), 2);
    let page = ana.get(&p, "/dataset/nbi-municipal").await.text();
    assert!(page.contains("value=\"down\""), "{page}");
    assert!(!p
        .get("/dataset/nbi-municipal")
        .await
        .text()
        .contains("resource_reorder"));
    let second = before[1].to_string();
    let got = ana
        .submit(
            &p,
            "/dataset/nbi-municipal/resource_reorder",
            &[("move", &second), ("direction", "up")],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(order().await, vec![before[1], before[0]]);
    // CKAN's action puts them back; a resource of another dataset is refused.
    let (status, v) = crate::common::action(
        &p,
        "package_resource_reorder",
        Some(&tokens.editor),
        serde_json::json!({ "id": "nbi-municipal", "order": [before[0].to_string()] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(order().await, before);
    let (status, _) = crate::common::action(
        &p,
        "package_resource_reorder",
        Some(&tokens.editor),
        serde_json::json!({ "id": "nbi-municipal", "order": [uuid::Uuid::new_v4().to_string()] }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = crate::common::action(
        &p,
        "package_resource_reorder",
        Some(&tokens.outsider),
        serde_json::json!({ "id": "nbi-municipal", "order": [before[1].to_string()] }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_upload_cut_off_midway_leaves_nothing_behind() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let before = resource_ids(&p, "nbi-municipal").await;
    let big: Vec<u8> = b"codigo,monto\n"
        .iter()
        .copied()
        .chain((0..20_000).flat_map(|i| format!("{i:05},{i}\n").into_bytes()))
        .collect();
    let (content_type, mut body) =
        crate::common::form_data(&[("_csrf", &ana.csrf)], Some(("cortado.csv", &big)));
    body.truncate(body.len() / 2);
    let got = p
        .request(
            axum::http::Request::post("/dataset/nbi-municipal/resource/new")
                .header(header::CONTENT_TYPE, content_type)
                .header(header::HOST, "datos.example.gt")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, &ana.cookie)
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(got.status.is_client_error(), "{}", got.status);
    assert_eq!(resource_ids(&p, "nbi-municipal").await, before);
    let scratch = p.dir.path().join("tmp");
    let left = std::fs::read_dir(&scratch)
        .map(|d| d.flatten().filter(|e| e.path().is_file()).count())
        .unwrap_or(0);
    assert_eq!(left, 0, "the partial upload is removed");
}

/// Dates written in a way no reader guesses (`20200327`, read as whole numbers): the
/// publisher writes their format under the column's type on the review page, and the
/// table is read again with dates. A format that reads no date is refused, in Spanish.
#[tokio::test]
async fn an_editor_gives_the_date_format_on_the_review_page() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let new = "/dataset/nbi-municipal/resource/new";
    let csv = b"municipio,fecha,casos\nMixco,20200327,4\nFlores,20200401,7\nCoban,20201231,2\n";
    let got = ana
        .submit_file(&p, new, &[("name", "")], Some(("casos.csv", csv)))
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let review = location(&got);
    p.ingestor.run_queue().await.unwrap();
    let html = ana.get(&p, &review).await.text();
    assert!(html.contains("name=\"c1.date_format\""), "{html}");

    let fields = |format: &'static str| {
        vec![
            ("table", "0"),
            ("c0.name", "municipio"),
            ("c0.type", "text"),
            ("c1.name", "fecha"),
            ("c1.type", "integer"),
            ("c1.date_format", format),
            ("c2.name", "casos"),
            ("c2.type", "integer"),
        ]
    };
    let refused = ana.submit(&p, &review, &fields("%Q")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("no es un formato de fecha"),
        "{}",
        refused.text()
    );

    let got = ana.submit(&p, &review, &fields("%Y%m%d")).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    let rid = review.split('/').nth(4).unwrap().to_owned();
    let r = p.catalog.resource(&rid).await.unwrap().unwrap();
    let tables = p
        .catalog
        .tables_of(r.current_version_id.unwrap())
        .await
        .unwrap();
    let fecha = tables[0]
        .columns
        .iter()
        .find(|c| c.name == "fecha")
        .unwrap();
    assert_eq!(fecha.column_type, ceiba_core::ColumnType::Date);
    assert_eq!(fecha.stats.min.as_deref(), Some("2020-03-27"));
    assert_eq!(fecha.stats.max.as_deref(), Some("2020-12-31"));
    // The page shows the format the table was read with.
    let html = ana.get(&p, &review).await.text();
    assert!(html.contains("value=\"%Y%m%d\""), "{html}");
}

/// Subtotal rows the reading flagged ("NIVEL DEPARTAMENTAL" among municipalities) can be
/// left out from the review page; unticking the box brings them back.
#[tokio::test]
async fn an_editor_leaves_subtotals_out_on_the_review_page() {
    let p = Portal::empty().await;
    fixture(&p).await;
    let org = segeplan(&p).await;
    let ana = p.signed_in("ana", Some((org.id, Role::Editor))).await;
    let csv = b"municipio,proyectos\nNIVEL DEPARTAMENTAL,12\nGuatemala,5\nMixco,4\nVilla Nueva,3\n";
    let got = ana
        .submit_file(
            &p,
            "/dataset/nbi-municipal/resource/new",
            &[("name", "")],
            Some(("inversion.csv", csv)),
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let review = location(&got);
    p.ingestor.run_queue().await.unwrap();
    let html = ana.get(&p, &review).await.text();
    assert!(html.contains("name=\"subtotals_out\""), "{html}");
    let rid = review.split('/').nth(4).unwrap().to_owned();
    let rows = |p: &Portal| {
        let rid = rid.clone();
        let catalog = p.catalog.clone();
        async move {
            let r = catalog.resource(&rid).await.unwrap().unwrap();
            catalog
                .tables_of(r.current_version_id.unwrap())
                .await
                .unwrap()[0]
                .rows
        }
    };
    assert_eq!(rows(&p).await, 4, "kept by default");
    let fields = |out: bool| {
        let mut f = vec![
            ("table", "0"),
            ("c0.name", "municipio"),
            ("c0.type", "text"),
            ("c1.name", "proyectos"),
            ("c1.type", "integer"),
            ("subtotals_shown", "1"),
        ];
        if out {
            f.push(("subtotals_out", "1"));
        }
        f
    };
    let got = ana.submit(&p, &review, &fields(true)).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    assert_eq!(rows(&p).await, 3, "left out");
    let html = ana.get(&p, &review).await.text();
    assert!(html.contains("se dejaron fuera"), "{html}");
    assert!(
        html.contains("name=\"subtotals_out\" value=\"1\" checked"),
        "{html}"
    );
    let got = ana.submit(&p, &review, &fields(false)).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    p.ingestor.run_queue().await.unwrap();
    assert_eq!(rows(&p).await, 4, "kept again");
}
