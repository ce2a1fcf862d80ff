//! Setting a password through a one-time link: `/user/reset` asks for one by e-mail (the
//! answer is the same whether the account exists or not), `/user/reset/{secret}` sets the
//! password. Invitations use the same links. Both forms carry the pre-session token the
//! sign-in form uses.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::Lang;
use minijinja::context;
use minijinja::value::Value;

use super::render;
use crate::context::PageCtx;
use crate::session::{login_cookie, login_token, login_token_ok, same_origin};
use crate::SharedState;

/// The page in one of its states, with the pre-session token (and its cookie when new).
fn page(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    status: StatusCode,
    values: Value,
) -> Response {
    let (token, new) = login_token(headers);
    let mut r = render(
        state,
        ctx,
        "reset.html",
        Ok(context! { login_token => &token, ..values }),
    );
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    if new {
        if let Some(c) = login_cookie(state, &token) {
            r.headers_mut().append(header::SET_COOKIE, c);
        }
    }
    // A page with a password link's secret in its address is nobody else's.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    // Its address is not sent to other sites (`same-origin`, not `no-referrer`: with no
    // referrer at all, browsers send `Origin: null` with the form, which reads as another
    // site's).
    r.headers_mut().insert(
        header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("same-origin"),
    );
    r
}

fn form_ok(state: &SharedState, headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    same_origin(state, headers)
        && login_token_ok(
            headers,
            form.get("_csrf").map(String::as_str).unwrap_or_default(),
        )
}

/// The address of a link, on this site, in the visitor's language.
pub(crate) fn link_url(
    state: &SharedState,
    headers: &HeaderMap,
    ctx: &PageCtx,
    secret: &str,
) -> String {
    format!(
        "{}{}/user/reset/{secret}",
        crate::http::site_url(state, headers),
        ctx.base()
    )
}

/// The message that carries a link.
pub(crate) fn link_mail(
    lang: Lang,
    site: &str,
    name: &str,
    url: &str,
    invite: bool,
) -> (String, String) {
    match (lang, invite) {
        (Lang::Es, false) => (
            format!("{site}: cambiar su contraseña"),
            format!(
                "Hola, {name}:\n\nAlguien pidió cambiar la contraseña de su cuenta en {site}. Si fue usted, abra este enlace en las próximas {} horas (sirve una sola vez):\n\n{url}\n\nSi no fue usted, ignore este mensaje: su contraseña no cambia.\n",
                ceiba_portal::RESET_LINK_HOURS
            ),
        ),
        (Lang::En, false) => (
            format!("{site}: change your password"),
            format!(
                "Hello {name},\n\nSomeone asked to change the password of your account on {site}. If it was you, open this link within {} hours (it works once):\n\n{url}\n\nIf it was not you, ignore this message: your password does not change.\n",
                ceiba_portal::RESET_LINK_HOURS
            ),
        ),
        (Lang::Es, true) => (
            format!("Invitación a publicar en {site}"),
            format!(
                "Hola, {name}:\n\nSe creó una cuenta para usted en {site}, con el nombre de usuario «{name}». Elija su contraseña con este enlace en los próximos {} días (sirve una sola vez):\n\n{url}\n",
                ceiba_portal::INVITE_LINK_DAYS
            ),
        ),
        (Lang::En, true) => (
            format!("Invitation to publish on {site}"),
            format!(
                "Hello {name},\n\nAn account was made for you on {site}, with the user name “{name}”. Choose your password with this link within {} days (it works once):\n\n{url}\n",
                ceiba_portal::INVITE_LINK_DAYS
            ),
        ),
    }
}

/// `GET /user/reset`.
pub async fn request_form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
) -> Response {
    let values = context! { mode => "request", can_mail => state.mailer.is_some() };
    page(&state, &ctx, &headers, StatusCode::OK, values)
}

/// `POST /user/reset`: sends a link to the account's address, when there is one.
pub async fn request(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !form_ok(&state, &headers, &form) {
        let values = context! { mode => "request", can_mail => state.mailer.is_some(), error => "login-error-csrf" };
        return page(&state, &ctx, &headers, StatusCode::FORBIDDEN, values);
    }
    let Some(mailer) = &state.mailer else {
        let values = context! { mode => "request", can_mail => false };
        return page(&state, &ctx, &headers, StatusCode::OK, values);
    };
    let who = form.get("who").map(String::as_str).unwrap_or_default();
    match state.portal.request_password_reset(who).await {
        Ok(Some((account, secret))) => {
            let url = link_url(&state, &headers, &ctx, &secret);
            let (subject, body) = link_mail(
                ctx.lang,
                &state.config.site_name,
                &account.name,
                &url,
                false,
            );
            // Sent in the background: the answer takes as long whether the account exists
            // or not, and a slow mail server does not hold the page.
            let mailer = mailer.clone();
            let to = account.email.clone();
            tokio::spawn(async move {
                if let Err(e) = mailer.send(&to, &subject, body).await {
                    tracing::warn!(error = %e, "could not send a password-reset link");
                }
            });
        }
        Ok(None) => {}
        Err(e) => {
            return crate::PageError::from_portal(e, ctx.lang, "", ctx.base()).render(&state, &ctx)
        }
    }
    let values = context! { mode => "sent", hours => ceiba_portal::RESET_LINK_HOURS };
    page(&state, &ctx, &headers, StatusCode::OK, values)
}

/// `GET /user/reset/{secret}`: the new-password form, if the link still works.
pub async fn set_form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> Response {
    match state.portal.password_link(&secret).await {
        Ok(account) => {
            let values = context! { mode => "set", name => account.name, action => format!("{}/user/reset/{secret}", ctx.base()) };
            page(&state, &ctx, &headers, StatusCode::OK, values)
        }
        Err(_) => page(
            &state,
            &ctx,
            &headers,
            StatusCode::GONE,
            context! { mode => "expired" },
        ),
    }
}

/// `POST /user/reset/{secret}`: sets the password, then on to sign in.
pub async fn set(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(secret): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let action = format!("{}/user/reset/{secret}", ctx.base());
    let refuse = |status, message: String, name: &str| {
        let values =
            context! { mode => "set", name => name, action => &action, message => message };
        page(&state, &ctx, &headers, status, values)
    };
    let Ok(account) = state.portal.password_link(&secret).await else {
        return page(
            &state,
            &ctx,
            &headers,
            StatusCode::GONE,
            context! { mode => "expired" },
        );
    };
    if !form_ok(&state, &headers, &form) {
        let message = state.i18n.t(ctx.lang, "login-error-csrf", &[]);
        return refuse(StatusCode::FORBIDDEN, message, &account.name);
    }
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    if form.get("password_again").map(String::as_str) != Some(password) {
        let message = match ctx.lang {
            Lang::Es => "Las dos contraseñas nuevas no coinciden.".to_owned(),
            Lang::En => "The two new passwords differ.".to_owned(),
        };
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message, &account.name);
    }
    match state.portal.set_password_with_link(&secret, password).await {
        Ok(_) => Redirect::to(&format!("{}/user/login?changed=1", ctx.base())).into_response(),
        Err(ceiba_portal::Error::Invalid { reason, .. }) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            reason.message(ctx.lang),
            &account.name,
        ),
        Err(e) => crate::PageError::from_portal(e, ctx.lang, "", ctx.base()).render(&state, &ctx),
    }
}
