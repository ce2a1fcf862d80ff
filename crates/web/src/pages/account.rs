//! Signing in and out of the web interface: `/user/login` and `/user/logout` (CKAN's
//! addresses).

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use super::{param, render, Params};
use crate::context::PageCtx;
use ceiba_store::{AuditEvent, StoreError};

use crate::login_guard::{Attempt, Refusal};
use crate::session::{
    browser_cookie, clear_cookie, client_address, cookie, login_cookie, login_token,
    login_token_ok, same_origin, set_cookie, BROWSER_COOKIE, LIFETIME,
};
use crate::SharedState;

/// Where to go after signing in: a path of this site only (never another host).
fn local_path(ctx: &PageCtx, came_from: Option<&str>) -> String {
    match came_from {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => if ctx.base().is_empty() {
            "/"
        } else {
            ctx.base()
        }
        .to_owned(),
    }
}

/// What the sign-in form says above its fields (a message key).
enum Say {
    Nothing,
    Error(&'static str),
    Notice(&'static str),
}

fn form_page(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    status: StatusCode,
    name: &str,
    came_from: &str,
    say: Say,
) -> Response {
    let (error, notice) = match say {
        Say::Nothing => (None, None),
        Say::Error(k) => (Some(k), None),
        Say::Notice(k) => (None, Some(k)),
    };
    let (token, new) = login_token(headers);
    let mut response = render(
        state,
        ctx,
        "login.html",
        Ok(context! {
            login_token => &token,
            name => name,
            came_from => came_from,
            error => error,
            notice => notice,
            action => format!("{}/user/login", ctx.base()),
        }),
    );
    *response.status_mut() = status;
    if new {
        if let Some(c) = login_cookie(state, &token) {
            response.headers_mut().append(header::SET_COOKIE, c);
        }
    }
    response
}

/// `GET /user/login`: the sign-in form (or, when signed in already, onward).
pub async fn form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let came_from = local_path(&ctx, param(&params, "came_from"));
    if ctx.visitor.account().is_some() {
        return Redirect::to(&came_from).into_response();
    }
    let say = if param(&params, "changed") == Some("1") {
        Say::Notice("account-password-changed")
    } else {
        Say::Nothing
    };
    form_page(&state, &ctx, &headers, StatusCode::OK, "", &came_from, say)
}

/// `POST /user/login`: checks the password; on success opens a session and goes back to
/// where the visitor came from.
pub async fn login(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let address = client_address(&state, &headers, &extensions);
    let name = param(&form, "name").unwrap_or_default().to_owned();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let came_from = local_path(&ctx, param(&form, "came_from"));
    if !same_origin(&state, &headers) {
        return form_page(
            &state,
            &ctx,
            &headers,
            StatusCode::FORBIDDEN,
            &name,
            &came_from,
            Say::Error("login-error-origin"),
        );
    }
    if !login_token_ok(
        &headers,
        form.get("_csrf").map(String::as_str).unwrap_or_default(),
    ) {
        return form_page(
            &state,
            &ctx,
            &headers,
            StatusCode::FORBIDDEN,
            &name,
            &came_from,
            Say::Error("login-error-csrf"),
        );
    }
    if name.is_empty() || password.is_empty() {
        return form_page(
            &state,
            &ctx,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &name,
            &came_from,
            Say::Error("login-error-missing"),
        );
    }
    let browser = cookie(&headers, BROWSER_COOKIE);
    let known = match &browser {
        Some(secret) => match state.catalog.is_known_browser(&name, secret).await {
            Ok(known) => known,
            Err(e) => return crate::PageError::from(e).render(&state, &ctx),
        },
        None => false,
    };
    let attempt = Attempt::new(&name, address, known);
    let address_text = address.map(|a| a.to_string());
    let audit = |action: &str| {
        AuditEvent::new(action)
            .by(None, Some(&name))
            .from_address(address_text.as_deref())
    };
    if let Some(refusal) = state.logins.check(&attempt) {
        let event = audit("sign_in_refused").saying(match refusal {
            Refusal::Address => "too many failures from this address",
            Refusal::Account => "too many failures for this account",
        });
        if let Err(e) = state.catalog.audit(&event).await {
            return crate::PageError::from(e).render(&state, &ctx);
        }
        return form_page(
            &state,
            &ctx,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            &name,
            &came_from,
            Say::Error(match refusal {
                Refusal::Address => "login-error-blocked-address",
                Refusal::Account => "login-error-blocked",
            }),
        );
    }
    let account = match state.catalog.verify_password(&name, password).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            state.logins.failed(&attempt);
            if let Err(e) = state.catalog.audit(&audit("sign_in_failed")).await {
                return crate::PageError::from(e).render(&state, &ctx);
            }
            return form_page(
                &state,
                &ctx,
                &headers,
                StatusCode::UNAUTHORIZED,
                &name,
                &came_from,
                Say::Error("login-error-wrong"),
            );
        }
        Err(StoreError::Busy) => {
            return form_page(
                &state,
                &ctx,
                &headers,
                StatusCode::SERVICE_UNAVAILABLE,
                &name,
                &came_from,
                Say::Error("login-error-busy"),
            )
        }
        Err(e) => return crate::PageError::from(e).render(&state, &ctx),
    };
    state.logins.succeeded(&attempt);
    let signed_in = audit("sign_in").by(Some(account.id), Some(&account.name));
    let secret = match state.catalog.audit(&signed_in).await {
        Ok(()) => match state.catalog.create_session(&account, LIFETIME).await {
            Ok((_, secret)) => secret,
            Err(e) => return crate::PageError::from(e).render(&state, &ctx),
        },
        Err(e) => return crate::PageError::from(e).render(&state, &ctx),
    };
    let mut response = Redirect::to(&came_from).into_response();
    if let Some(cookie) = set_cookie(&state, &secret) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if !known {
        match state.catalog.remember_browser(account.id).await {
            Ok(secret) => {
                if let Some(cookie) = browser_cookie(&state, &secret) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not remember the browser"),
        }
    }
    response
}

/// `POST /user/logout`: ends the session (with the session's CSRF token, so another site
/// cannot sign a visitor out).
pub async fn logout(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let home = local_path(&ctx, None);
    if !same_origin(&state, &headers)
        || !ctx
            .visitor
            .csrf_ok(form.get("_csrf").map(String::as_str).unwrap_or_default())
    {
        return Redirect::to(&home).into_response();
    }
    if let Some(secret) = crate::session::cookie(&headers, crate::session::COOKIE) {
        if let Err(e) = state.catalog.end_session(&secret).await {
            return crate::PageError::from(e).render(&state, &ctx);
        }
        if let Some(account) = ctx.visitor.account() {
            let address = client_address(&state, &headers, &extensions).map(|a| a.to_string());
            let event = AuditEvent::new("sign_out")
                .by(Some(account.id), Some(&account.name))
                .from_address(address.as_deref());
            if let Err(e) = state.catalog.audit(&event).await {
                tracing::warn!(error = %e, "could not write the audit log");
            }
        }
    }
    let mut response = Redirect::to(&home).into_response();
    if let Some(cookie) = clear_cookie(&state) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
