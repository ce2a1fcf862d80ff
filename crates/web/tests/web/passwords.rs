//! Password links: a reset asked for by e-mail (through a local SMTP sink), and an
//! invitation shown once when the portal sends no mail. A link works once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{header, StatusCode};
use ceiba_core::Role;

use crate::common::{
    encode, fixture, login_token, post, post_login, reset_link, Portal, SmtpSink, ORIGIN,
};

/// Posts a pre-session form (the reset forms) with the token a browser gets from `page`.
async fn post_pre_session(p: &Portal, uri: &str, fields: &[(&str, &str)]) -> crate::common::Got {
    let (cookie, token) = login_token(p).await;
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    post(p, uri, Some(&cookie), ORIGIN, &encode(&all)).await
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_a_link_sent_by_mail() {
    let sink = SmtpSink::start().await;
    let config = ceiba_web::WebConfig {
        mail: Some(ceiba_web::mail::MailConfig {
            smtp_url: sink.url.clone(),
            from: "Datos abiertos <datos@example.gt>".into(),
        }),
        ..ceiba_web::WebConfig::default()
    };
    let p = Portal::with_config(config).await;
    fixture(&p).await;
    let org = p.catalog.organization("segeplan").await.unwrap().unwrap();
    p.signed_in("ana", Some((org.id, Role::Editor))).await;

    assert!(p
        .get("/user/login")
        .await
        .text()
        .contains("href=\"/user/reset\""));
    // An unknown address gets the same answer, and no mail.
    let got = post_pre_session(&p, "/user/reset", &[("who", "nadie@example.gt")]).await;
    assert_eq!(got.status, StatusCode::OK);
    let unknown = got.text();
    assert!(unknown.contains("Si hay una cuenta"));
    let got = post_pre_session(&p, "/user/reset", &[("who", "ANA@example.gt")]).await;
    assert!(got.text().contains("Si hay una cuenta"));
    let mail = sink.message(1).await;
    assert_eq!(
        sink.messages.lock().unwrap().len(),
        1,
        "one message: the known address"
    );
    assert!(mail.contains("To: ana@example.gt"), "{mail}");
    let link = reset_link(&mail);

    // Without the form's token nothing is sent.
    let got = post(&p, "/user/reset", None, ORIGIN, "who=ana").await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);

    let form = p.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
    assert!(form.text().contains("«ana»"));
    let got = post_pre_session(
        &p,
        &link,
        &[("password", "corta"), ("password_again", "corta")],
    )
    .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("al menos 10 caracteres"));
    let got = post_pre_session(
        &p,
        &link,
        &[
            ("password", "una nueva clave larga"),
            ("password_again", "una nueva clave larga"),
        ],
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let signed = post_login(
        &p,
        &[("name", "ana"), ("password", "una nueva clave larga")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    // Once only.
    assert_eq!(p.get(&link).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn without_mail_an_invitation_is_a_link_the_sysadmin_hands_over() {
    let p = Portal::empty().await;
    fixture(&p).await;
    assert!(p
        .get("/user/reset")
        .await
        .text()
        .contains("no envía correos"));
    let root = p.signed_in_sysadmin("root").await;
    let got = root
        .submit(
            &p,
            "/user/new",
            &[
                ("name", "marta"),
                ("email", "marta@segeplan.gob.gt"),
                ("fullname", "Marta"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.headers[header::CACHE_CONTROL], "no-store");
    let html = got.text();
    assert!(html.contains("Entregue a marta este enlace"), "{html}");
    let link = reset_link(&html);
    let got = post_pre_session(
        &p,
        &link,
        &[
            ("password", "la clave de marta"),
            ("password_again", "la clave de marta"),
        ],
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let signed = post_login(
        &p,
        &[("name", "marta"), ("password", "la clave de marta")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn with_mail_an_invitation_is_sent_to_the_new_account() {
    let sink = SmtpSink::start().await;
    let config = ceiba_web::WebConfig {
        mail: Some(ceiba_web::mail::MailConfig {
            smtp_url: sink.url.clone(),
            from: "Datos abiertos <datos@example.gt>".into(),
        }),
        ..ceiba_web::WebConfig::default()
    };
    let p = Portal::with_config(config).await;
    fixture(&p).await;
    let root = p.signed_in_sysadmin("root").await;
    let got = root
        .submit(
            &p,
            "/en/user/new",
            &[("name", "luis"), ("email", "luis@segeplan.gob.gt")],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert!(got.text().contains("was sent to luis"));
    assert!(
        !got.text().contains("/user/reset/"),
        "the link is not shown when mailed"
    );
    let mail = sink.message(1).await;
    assert!(mail.contains("To: luis@segeplan.gob.gt"));
    assert!(mail.contains("Invitation to publish"));
    assert_eq!(p.get(&reset_link(&mail)).await.status, StatusCode::OK);
}
