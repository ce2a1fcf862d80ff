//! Signing in and out of the web interface: `/user/login` and `/user/logout` (CKAN's
//! addresses).

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use super::{param, render, Params};
use crate::context::PageCtx;
use crate::session::{clear_cookie, same_origin, set_cookie, LIFETIME};
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

fn form_page(
    state: &SharedState,
    ctx: &PageCtx,
    status: StatusCode,
    name: &str,
    came_from: &str,
    error: Option<&'static str>,
) -> Response {
    let mut response = render(
        state,
        ctx,
        "login.html",
        Ok(context! {
            name => name,
            came_from => came_from,
            error => error,
            action => format!("{}/user/login", ctx.base()),
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /user/login`: the sign-in form (or, when signed in already, onward).
pub async fn form(State(state): State<SharedState>, ctx: PageCtx, params: Params) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let came_from = local_path(&ctx, param(&params, "came_from"));
    if ctx.visitor.account().is_some() {
        return Redirect::to(&came_from).into_response();
    }
    form_page(&state, &ctx, StatusCode::OK, "", &came_from, None)
}

/// `POST /user/login`: checks the password; on success opens a session and goes back to
/// where the visitor came from.
pub async fn login(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let name = param(&form, "name").unwrap_or_default().to_owned();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let came_from = local_path(&ctx, param(&form, "came_from"));
    if !same_origin(&state, &headers) {
        return form_page(
            &state,
            &ctx,
            StatusCode::FORBIDDEN,
            &name,
            &came_from,
            Some("login-error-origin"),
        );
    }
    if name.is_empty() || password.is_empty() {
        return form_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &name,
            &came_from,
            Some("login-error-missing"),
        );
    }
    if state.logins.blocked(&name) {
        return form_page(
            &state,
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            &name,
            &came_from,
            Some("login-error-blocked"),
        );
    }
    let account = match state.catalog.verify_password(&name, password).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            state.logins.failed(&name);
            return form_page(
                &state,
                &ctx,
                StatusCode::UNAUTHORIZED,
                &name,
                &came_from,
                Some("login-error-wrong"),
            );
        }
        Err(e) => return crate::PageError::from(e).render(&state, &ctx),
    };
    state.logins.succeeded(&name);
    let secret = match state.catalog.create_session(&account, LIFETIME).await {
        Ok((_, secret)) => secret,
        Err(e) => return crate::PageError::from(e).render(&state, &ctx),
    };
    let mut response = Redirect::to(&came_from).into_response();
    if let Some(cookie) = set_cookie(&state, &secret) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /user/logout`: ends the session (with the session's CSRF token, so another site
/// cannot sign a visitor out).
pub async fn logout(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
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
    }
    let mut response = Redirect::to(&home).into_response();
    if let Some(cookie) = clear_cookie(&state) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
