//! What every page knows about its request: the language, the same page's address in the
//! other language, and who is browsing.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::Extension;
use ceiba_core::Lang;
use minijinja::context;
use minijinja::value::Value;

use crate::http::base;
use crate::session::{visitor, Visitor};
use crate::{AppState, SharedState};

/// The language of the request and its path without the language prefix.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// Path without `/en`, always starting with `/`.
    pub path: String,
    pub query: Option<String>,
    /// The signed-in account, if any.
    pub visitor: Visitor,
}

impl PageCtx {
    /// Prefix for links in this language: `""` or `"/en"`.
    pub fn base(&self) -> &'static str {
        base(self.lang)
    }

    pub fn from_uri(lang: Lang, uri: &axum::http::Uri) -> PageCtx {
        let path = uri.path();
        let path = match lang {
            Lang::Es => path,
            Lang::En => path.strip_prefix("/en").unwrap_or(path),
        };
        // One leading slash: `//host` or `/\host` in a link is another site to a browser.
        let path = format!("/{}", path.trim_start_matches(['/', '\\']));
        PageCtx {
            lang,
            path,
            query: uri.query().map(str::to_owned),
            visitor: Visitor::default(),
        }
    }

    /// The current page in `lang`.
    pub fn url_in(&self, lang: Lang) -> String {
        let path = if lang == Lang::Es || self.path != "/" {
            format!("{}{}", base(lang), self.path)
        } else {
            base(lang).to_owned()
        };
        match &self.query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        }
    }

    /// The context every template gets, with the page's own values merged in.
    pub fn template_context(&self, state: &AppState, page: Value) -> Value {
        let other = match self.lang {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        };
        let common = context! {
            lang => self.lang.code(),
            base => self.base(),
            home => if self.lang == Lang::Es { "/" } else { "/en" },
            path => &self.path,
            site_name => &state.config.site_name,
            assets => state.assets.urls(),
            user => self.visitor.account().map(|a| context! {
                name => &a.name,
                display => if a.fullname.is_empty() { &a.name } else { &a.fullname },
            }),
            csrf => self.visitor.session.as_ref().map(|s| &s.csrf),
            login_url => format!(
                "{}/user/login?came_from={}",
                self.base(),
                crate::http::percent_encode(&self.url_in(self.lang))
            ),
            other_lang => context! {
                code => other.code(),
                name => other.native_name(),
                url => self.url_in(other),
            },
        };
        context! { ..page, ..common }
    }
}

impl FromRequestParts<SharedState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Extension::<Lang>::from_request_parts(parts, state)
            .await
            .map(|Extension(l)| l)
            .unwrap_or_default();
        let uri = OriginalUri::from_request_parts(parts, state)
            .await
            .map(|OriginalUri(u)| u)
            .unwrap_or_else(|_| parts.uri.clone());
        let mut ctx = PageCtx::from_uri(lang, &uri);
        ctx.visitor = visitor(state, &parts.headers).await;
        Ok(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_language_keeping_path_and_query() {
        let uri: axum::http::Uri = "/en/dataset?page=2".parse().unwrap();
        let ctx = PageCtx::from_uri(Lang::En, &uri);
        assert_eq!(ctx.path, "/dataset");
        assert_eq!(ctx.url_in(Lang::Es), "/dataset?page=2");
        assert_eq!(ctx.url_in(Lang::En), "/en/dataset?page=2");
        let home = PageCtx::from_uri(Lang::Es, &"/".parse().unwrap());
        assert_eq!(home.url_in(Lang::En), "/en");
        let en_home = PageCtx::from_uri(Lang::En, &"/en".parse().unwrap());
        assert_eq!(en_home.url_in(Lang::Es), "/");
    }

    #[test]
    fn language_links_never_point_to_another_site() {
        for uri in [
            "/en//evil.example.com",
            "/en/\\evil.example.com",
            "/en///evil.example.com",
        ] {
            let ctx = PageCtx::from_uri(Lang::En, &uri.parse().unwrap());
            assert_eq!(ctx.url_in(Lang::Es), "/evil.example.com", "{uri}");
        }
        let ctx = PageCtx::from_uri(Lang::Es, &"//evil.example.com".parse().unwrap());
        assert_eq!(ctx.url_in(Lang::En), "/en/evil.example.com");
    }
}
