//! Stylesheet, script and icons, compiled into the binary and served under names that
//! carry a hash of their content, so browsers may cache them for a year.

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    content_type: &'static str,
    body: Vec<u8>,
}

/// The served files by hashed name, and the URL of each logical file.
#[derive(Default)]
pub struct Assets {
    by_name: HashMap<String, Asset>,
    urls: HashMap<&'static str, String>,
}

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.urls.iter()).finish()
    }
}

const BUILT_IN: [(&str, &str, &[u8]); 3] = [
    (
        "ceiba.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/ceiba.css"),
    ),
    (
        "ceiba.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/ceiba.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

impl Assets {
    /// The built-in files, plus a theme's `custom.css` when given.
    pub fn new(theme_css: Option<Vec<u8>>) -> Assets {
        let mut assets = Assets::default();
        for (name, content_type, body) in BUILT_IN {
            assets.add(name, content_type, body.to_vec());
        }
        if let Some(css) = theme_css {
            assets.add("custom.css", "text/css; charset=utf-8", css);
        }
        assets
    }

    fn add(&mut self, logical: &'static str, content_type: &'static str, body: Vec<u8>) {
        let hash = hex::encode(&Sha256::digest(&body)[..5]);
        let (stem, ext) = logical.rsplit_once('.').unwrap_or((logical, ""));
        let name = format!("{stem}.{hash}.{ext}");
        self.urls.insert(logical, format!("/static/{name}"));
        self.by_name.insert(name, Asset { content_type, body });
    }

    /// URLs of the logical files (`ceiba.css` → `/static/ceiba.1a2b3c4d5e.css`).
    pub fn urls(&self) -> &HashMap<&'static str, String> {
        &self.urls
    }

    pub fn response(&self, name: &str) -> Option<Response> {
        let asset = self.by_name.get(name)?;
        Some(
            (
                [
                    (header::CONTENT_TYPE, asset.content_type),
                    (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                ],
                asset.body.clone(),
            )
                .into_response(),
        )
    }
}
