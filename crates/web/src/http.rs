//! What every door shares about requests and addresses: the portal's address, links in
//! each language, query strings read and written, and CORS for the APIs. The doors
//! (`pages/`, `ckan/`, the native API) use this module and never each other.

use axum::http::{header, HeaderMap, Method};
use ceiba_core::Lang;

use crate::SharedState;

pub fn base(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "",
        Lang::En => "/en",
    }
}

/// The portal's address: the configured one, else from the request's Host.
pub(crate) fn site_url(state: &SharedState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.site_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Browser applications on other sites may call the APIs. No cookies are involved (writes
/// carry an API token in a header), so allowing any origin opens nothing a script could
/// not already do from a server.
pub fn cors() -> tower_http::cors::CorsLayer {
    use axum::http::HeaderName;
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-ckan-api-key"),
        ])
        .max_age(std::time::Duration::from_secs(86_400))
}

/// URL query pairs, percent-decoded, in order (repeated keys kept).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(q) = query else { return Vec::new() };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `k=v&…` with every key and value percent-encoded.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encodes_names() {
        assert_eq!(
            percent_encode("Población 2018.csv"),
            "Poblaci%C3%B3n%202018.csv"
        );
    }

    #[test]
    fn pairs_decode_and_keep_repeats() {
        let p = query_pairs(Some(
            "f.Monto%20(Q).gte=1000&sort=-a&sort=b&q=pet%C3%A9n+norte&x",
        ));
        assert_eq!(
            p,
            [
                ("f.Monto (Q).gte".to_string(), "1000".to_string()),
                ("sort".into(), "-a".into()),
                ("sort".into(), "b".into()),
                ("q".into(), "petén norte".into()),
                ("x".into(), "".into()),
            ]
        );
        assert_eq!(
            query_pairs(Some("a=%zz%4")),
            [("a".to_string(), "%zz%4".to_string())]
        );
    }

    #[test]
    fn query_strings_round_trip() {
        let pairs = vec![
            ("f.municipio.eq".to_owned(), "Cobán & Chisec".to_owned()),
            ("q".to_owned(), "a+b=c".to_owned()),
        ];
        assert_eq!(query_pairs(Some(&query_string(&pairs))), pairs);
    }
}
