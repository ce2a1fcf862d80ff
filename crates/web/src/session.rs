//! Who is browsing: the signed-in account behind the session cookie (or nobody), what it
//! may do, and the checks every form that changes something passes (same origin, the
//! session's CSRF token).
//!
//! The cookie holds a random secret; the catalog keeps only its SHA-256 (see
//! `ceiba_store::WebSession`). It is `HttpOnly`, `SameSite=Lax`, and `Secure` when the
//! portal's address is `https://`.

use axum::http::{header, HeaderMap, HeaderValue};
use ceiba_core::access::{self, Audience};
use ceiba_core::{Account, Dataset, Permissions};
use ceiba_store::WebSession;

use crate::SharedState;

/// The session cookie's name.
pub const COOKIE: &str = "ceiba_session";
/// How long a sign-in lasts.
pub const LIFETIME: chrono::Duration = chrono::Duration::days(14);

/// The visitor of a page: anonymous, or an account with its permissions.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub session: Option<WebSession>,
    pub perms: Permissions,
}

impl Visitor {
    pub fn account(&self) -> Option<&Account> {
        self.session.as_ref().map(|s| &s.account)
    }

    /// The visitor as the use cases know it.
    pub fn actor(&self) -> ceiba_portal::Actor {
        ceiba_portal::Actor {
            account: self.account().cloned(),
            perms: self.perms.clone(),
        }
    }

    /// What the visitor may find in searches and lists.
    pub fn viewer(&self) -> Audience {
        Audience::of(&self.perms)
    }

    /// Whether the visitor may see the dataset (`ceiba_core::access`).
    pub fn may_see(&self, d: &Dataset) -> bool {
        access::may_see(&self.perms, d)
    }

    /// Whether the visitor may change the dataset (its views, its resources).
    pub fn may_edit(&self, d: &Dataset) -> bool {
        access::may_edit(&self.perms, d)
    }

    /// Whether `token` is this session's CSRF token (compared in constant time).
    pub fn csrf_ok(&self, token: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| constant_time_eq(s.csrf.as_bytes(), token.trim().as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

/// The visitor behind the request's session cookie. A cookie that names no live session
/// (ended, expired, a deleted account) makes an anonymous visitor; so does a catalog that
/// cannot answer, logged, so that public pages keep working.
pub async fn visitor(state: &SharedState, headers: &HeaderMap) -> Visitor {
    let Some(secret) = cookie(headers, COOKIE) else {
        return Visitor::default();
    };
    let session = match state.catalog.session(&secret).await {
        Ok(Some(s)) => s,
        Ok(None) => return Visitor::default(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the session");
            return Visitor::default();
        }
    };
    let perms = match state.catalog.memberships_of(session.account.id).await {
        Ok(m) => Permissions::new(&session.account, &m),
        Err(e) => {
            tracing::warn!(error = %e, "could not read memberships");
            return Visitor::default();
        }
    };
    Visitor {
        session: Some(session),
        perms,
    }
}

fn secure(state: &SharedState) -> &'static str {
    match &state.config.site_url {
        Some(u) if u.starts_with("https://") => "; Secure",
        _ => "",
    }
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(state: &SharedState, secret: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        LIFETIME.num_seconds(),
        secure(state)
    ))
    .ok()
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(state: &SharedState) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    ))
    .ok()
}

/// Whether a form post comes from the portal's own pages: its `Origin` (or, without one,
/// its `Referer`) must be the portal's address. Browsers send `Origin` with every
/// cross-site POST, so a form on another site is refused even before its CSRF token is
/// checked (and the sign-in form, which has no session yet, relies on this).
pub fn same_origin(state: &SharedState, headers: &HeaderMap) -> bool {
    let site = crate::http::site_url(state, headers);
    let host_of = |url: &str| -> Option<String> {
        let rest = url.split_once("://").map(|(_, r)| r)?;
        Some(rest.split('/').next().unwrap_or("").to_ascii_lowercase())
    };
    let Some(own) = host_of(&site) else {
        return false;
    };
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        // Neither header: not a browser following another site's form (they send Origin
        // on cross-site posts); scripts and tests with a session are still bound by CSRF.
        None => true,
        Some("null") => false,
        Some(url) => host_of(url).is_some_and(|h| h == own),
    }
}

/// Responses to a signed-in browser or an API caller with a token may hold what only that
/// account may see: unless a handler said otherwise, shared caches must not keep them.
pub async fn private_when_signed_in(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // A session cookie or an API token: what comes back may be for this caller only.
    let signed_in = cookie(req.headers(), COOKIE).is_some()
        || req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key("x-ckan-api-key");
    let mut res = next.run(req).await;
    if signed_in && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    res
}

/// The client's address: from the configured proxy header (its last entry, the one the
/// proxy itself added), else the connection's.
pub fn client_address(
    state: &SharedState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> Option<std::net::IpAddr> {
    // Without the header (a request that reached the portal around the proxy), the
    // connection's address: never one shared "unknown" bucket for every such client.
    let from_proxy = state
        .config
        .client_address_header
        .as_ref()
        .and_then(|name| {
            headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|last| parse_address(last.trim()))
        });
    from_proxy.or_else(|| {
        extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:80` or `::1`.
fn parse_address(text: &str) -> Option<std::net::IpAddr> {
    text.parse()
        .ok()
        .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

/// The cookie by which a browser that signed in to an account before is recognised.
pub const BROWSER_COOKIE: &str = "ceiba_browser";

/// A `Set-Cookie` for the known-browser secret: a year, same attributes as the session's.
pub fn browser_cookie(state: &SharedState, secret: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{BROWSER_COOKIE}={secret}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        secure(state)
    ))
    .ok()
}

/// The sign-in form's token before there is a session: the form carries it and a cookie
/// holds it, and a post must bring both, equal (a page on another site can make a browser
/// post the form, but can neither read nor set this site's cookie).
pub const LOGIN_COOKIE: &str = "ceiba_login";

/// The browser's sign-in token, or a new one (122 random bits).
pub fn login_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, LOGIN_COOKIE)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(t) => (t, false),
        None => (uuid::Uuid::new_v4().simple().to_string(), true),
    }
}

/// `Set-Cookie` for the sign-in token: an hour, same attributes as the session's.
pub fn login_cookie(state: &SharedState, token: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={token}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax{}",
        secure(state)
    ))
    .ok()
}

/// Whether a sign-in post brings the token its cookie holds.
pub fn login_token_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, LOGIN_COOKIE)
        .is_some_and(|t| !t.is_empty() && constant_time_eq(t.as_bytes(), sent.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; ceiba_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn csrf_tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!Visitor::default().csrf_ok(""));
    }

    #[test]
    fn proxy_addresses_are_read_in_every_spelling() {
        for (text, want) in [
            ("203.0.113.9", "203.0.113.9"),
            ("203.0.113.9:4711", "203.0.113.9"),
            ("[2001:db8::1]:80", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            assert_eq!(parse_address(text), want.parse().ok(), "{text}");
        }
        assert_eq!(parse_address("unknown"), None);
    }
}
