//! A visitor of the pages, as a browser is: form posts from this site's origin, a session
//! cookie, and the CSRF token the pages carry. `Portal::signed_in` gives one in a line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ceiba_core::{Account, Role};
use uuid::Uuid;

use super::{person, Got, Portal};

/// Every test account's password.
pub const PASSWORD: &str = "una contraseña larga";

/// The site's own origin, as a browser sends it with a form.
pub const ORIGIN: &str = "http://datos.example.gt";

/// `application/x-www-form-urlencoded`, as a browser encodes a form.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An account with [`PASSWORD`], with a role in an organization when given.
pub async fn account(p: &Portal, name: &str, org: Option<(Uuid, Role)>) -> Account {
    let a = person(name, false);
    p.catalog.create_account(&a, Some(PASSWORD)).await.unwrap();
    if let Some((o, role)) = org {
        p.catalog.set_membership(a.id, o, role).await.unwrap();
    }
    a
}

/// A form post to `uri` from `origin` (empty: none sent), with a cookie when given.
pub async fn post(p: &Portal, uri: &str, cookie: Option<&str>, origin: &str, body: &str) -> Got {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "datos.example.gt");
    if !origin.is_empty() {
        req = req.header(header::ORIGIN, origin);
    }
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    p.request(req.body(Body::from(body.to_owned())).unwrap())
        .await
}

pub async fn get_as(p: &Portal, uri: &str, cookie: &str) -> Got {
    p.request(
        Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// The sign-in form's token and the cookie that holds it (`ceiba_login=…`), as a browser
/// gets them by opening the form.
pub async fn login_token(p: &Portal) -> (String, String) {
    let form = p.get("/user/login").await;
    let set = form.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let html = form.text();
    let marker = "name=\"_csrf\" value=\"";
    let at = html.find(marker).expect("a token in the sign-in form") + marker.len();
    let token = html[at..].split('"').next().unwrap().to_owned();
    (cookie, token)
}

/// Posts the sign-in form with `fields`, as a browser that opened it does (its token and
/// cookie), from `origin`, with `cookie` (others the browser holds) when given.
pub async fn post_login(
    p: &Portal,
    fields: &[(&str, &str)],
    origin: &str,
    cookie: Option<&str>,
) -> Got {
    let (login_cookie, token) = login_token(p).await;
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    let cookies = match cookie {
        Some(c) => format!("{c}; {login_cookie}"),
        None => login_cookie,
    };
    post(p, "/user/login", Some(&cookies), origin, &encode(&all)).await
}

/// Signs in; returns the cookie to send back (`ceiba_session=…`).
pub async fn sign_in(p: &Portal, name: &str) -> String {
    let got = post_login(
        p,
        &[("name", name), ("password", PASSWORD), ("came_from", "/")],
        ORIGIN,
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let set = got.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

/// The CSRF token of the first form of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[at..at + 64].to_owned()
}

/// A signed-in visitor: its cookie and its session's CSRF token.
pub struct Visitor {
    pub account: Account,
    pub cookie: String,
    pub csrf: String,
}

impl Portal {
    /// A new account `name` (with `role` in organization `org`, when given), signed in.
    pub async fn signed_in(&self, name: &str, org: Option<(Uuid, Role)>) -> Visitor {
        let account = account(self, name, org).await;
        self.sign_in_as(account).await
    }

    /// A new sysadmin account `name`, signed in.
    pub async fn signed_in_sysadmin(&self, name: &str) -> Visitor {
        let a = person(name, true);
        self.catalog
            .create_account(&a, Some(PASSWORD))
            .await
            .unwrap();
        self.sign_in_as(a).await
    }

    async fn sign_in_as(&self, account: Account) -> Visitor {
        let name = account.name.clone();
        let cookie = sign_in(self, &name).await;
        let csrf = csrf_of(&get_as(self, "/", &cookie).await.text());
        Visitor {
            account,
            cookie,
            csrf,
        }
    }
}

impl Visitor {
    pub async fn get(&self, p: &Portal, uri: &str) -> Got {
        get_as(p, uri, &self.cookie).await
    }

    /// Submits a form of the site to `uri`, with the session's CSRF token.
    pub async fn submit(&self, p: &Portal, uri: &str, fields: &[(&str, &str)]) -> Got {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        post(p, uri, Some(&self.cookie), ORIGIN, &encode(&all)).await
    }
}

/// A `multipart/form-data` body as a browser sends a form with a file input named
/// `upload` (an empty part when no file is chosen), and its content type.
pub fn form_data(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----ceiba-form-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Visitor {
    /// Submits a form with a file input (`upload`), with the session's CSRF token.
    pub async fn submit_file(
        &self,
        p: &Portal,
        uri: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Got {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let (content_type, body) = form_data(&all, file);
        p.request(
            Request::post(uri)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::HOST, "datos.example.gt")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, &self.cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}
