//! Reading a CKAN portal through its Action API (2.9–2.11, and Ceiba's own): every call
//! checks CKAN's `success` envelope, and `package_search` is paged with bounds, so a
//! source that pages forever, repeats itself or lies about its count ends the run with a
//! clear message instead of holding it.

use std::collections::HashSet;

use serde_json::Value;
use url::Url;

use crate::fetch::{FetchError, Fetcher};

/// Datasets asked for per page (CKAN's own maximum is 1000).
pub const PAGE_ROWS: usize = 100;
/// Most datasets one run reads from a source.
pub const MAX_DATASETS: usize = 200_000;
/// Most organizations, groups or users one run reads.
pub const MAX_LISTED: usize = 20_000;

/// A CKAN portal at `base` (its address, without `/api/3`).
#[derive(Debug, Clone)]
pub struct CkanApi {
    fetch: Fetcher,
    base: Url,
}

impl CkanApi {
    pub fn new(fetch: Fetcher, base: &str) -> Result<CkanApi, FetchError> {
        let mut base = crate::fetch::parse_url(base, fetch.allow_private())?;
        // `…/api/3/action/x` is resolved against a base ending in `/`.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        Ok(CkanApi { fetch, base })
    }

    /// The portal's address, without a trailing `/`.
    pub fn base(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// Calls action `name` with `params`; its `result`.
    pub async fn action(&self, name: &str, params: &[(&str, String)]) -> Result<Value, FetchError> {
        let mut url = self
            .base
            .join(&format!("api/3/action/{name}"))
            .map_err(|e| FetchError::Invalid {
                url: self.base.to_string(),
                message: e.to_string(),
            })?;
        if !params.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let body = self.fetch.json(&url, true).await?;
        if body.get("success").and_then(Value::as_bool) != Some(true) {
            let message = body
                .get("error")
                .map(|e| {
                    e.get("message")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .unwrap_or_else(|| e.to_string())
                })
                .unwrap_or_else(|| "not a CKAN API answer (no \"success\": true)".into());
            return Err(FetchError::Invalid {
                url: url.to_string(),
                message: message.chars().take(300).collect(),
            });
        }
        Ok(body.get("result").cloned().unwrap_or(Value::Null))
    }

    /// `status_show`: the portal's CKAN version and site, when it answers.
    pub async fn version(&self) -> Option<String> {
        let v = self.action("status_show", &[]).await.ok()?;
        v.get("ckan_version")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// The names of every organization (`organization`) or group (`group`).
    pub async fn names(&self, kind: &str) -> Result<Vec<String>, FetchError> {
        let mut names = Vec::new();
        // CKAN 2.9+ caps each answer (1000 by default); page with offset.
        let limit = 1000;
        loop {
            let page = self
                .action(
                    &format!("{kind}_list"),
                    &[
                        ("limit", limit.to_string()),
                        ("offset", names.len().to_string()),
                    ],
                )
                .await?;
            let items = page.as_array().cloned().unwrap_or_default();
            let before = names.len();
            for item in &items {
                let name = match item {
                    Value::String(s) => s.clone(),
                    v => v
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                };
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
            }
            // A source that ignores offset answers the same page again: stop there.
            if items.len() < limit || names.len() == before || names.len() >= MAX_LISTED {
                return Ok(names);
            }
        }
    }

    /// `{kind}_show` of `name`, with its members when `users` (and the key allows).
    pub async fn show(&self, kind: &str, name: &str, users: bool) -> Result<Value, FetchError> {
        self.action(
            &format!("{kind}_show"),
            &[
                ("id", name.to_owned()),
                ("include_datasets", "false".into()),
                ("include_users", users.to_string()),
            ],
        )
        .await
    }

    /// Every user (a sysadmin's key is needed; others get an error).
    pub async fn users(&self) -> Result<Vec<Value>, FetchError> {
        let v = self
            .action("user_list", &[("all_fields", "true".into())])
            .await?;
        let mut users = v.as_array().cloned().unwrap_or_default();
        users.truncate(MAX_LISTED);
        Ok(users)
    }

    /// Pages through `package_search`, newest first (a dataset created meanwhile moves
    /// the others down: one is read twice, none is missed).
    pub fn packages(&self, include_private: bool) -> Packages<'_> {
        Packages {
            api: self,
            include_private,
            start: 0,
            seen: HashSet::new(),
            count: None,
            done: false,
        }
    }
}

/// The pages of a `package_search`.
#[derive(Debug)]
pub struct Packages<'a> {
    api: &'a CkanApi,
    include_private: bool,
    start: usize,
    seen: HashSet<String>,
    count: Option<usize>,
    done: bool,
}

impl Packages<'_> {
    /// The count the source gave with its first page.
    pub fn count(&self) -> Option<usize> {
        self.count
    }

    /// The next page's new datasets; `None` at the end.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Value>>, FetchError> {
        if self.done {
            return Ok(None);
        }
        let mut params = vec![
            ("q", "*:*".to_owned()),
            ("rows", PAGE_ROWS.to_string()),
            ("start", self.start.to_string()),
            ("sort", "metadata_created desc".to_owned()),
        ];
        if self.include_private {
            params.push(("include_private", "true".into()));
            params.push(("include_drafts", "true".into()));
        }
        let page = self.api.action("package_search", &params).await?;
        let count = page.get("count").and_then(Value::as_u64).unwrap_or(0) as usize;
        self.count.get_or_insert(count);
        let results = page
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        self.start += PAGE_ROWS;
        let fresh: Vec<Value> = results
            .into_iter()
            .filter(|p| {
                let id = p.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                !id.is_empty() && self.seen.insert(id)
            })
            .collect();
        // The end: a short page, a page with nothing new (a source that ignores `start`),
        // past the count, or past what one run reads.
        if fresh.is_empty()
            || self.start >= count.max(self.count.unwrap_or(0))
            || self.seen.len() >= MAX_DATASETS
        {
            self.done = true;
        }
        if fresh.is_empty() {
            return Ok(None);
        }
        Ok(Some(fresh))
    }
}
