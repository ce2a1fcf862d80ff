//! Outbound HTTP with bounds: only public addresses (unless an administrator allows
//! private ones), at most a few redirects and never in circles, a time limit per request,
//! a size limit per body, a few retries of what may pass (timeouts, 5xx, 429).
//!
//! The address check happens where the connection is made: every name is resolved by
//! [`Guarded`], which drops the addresses `core::outbound` refuses, so a redirect or a DNS
//! answer cannot lead around it. Addresses written as IP literals never reach a resolver
//! and are checked on the URL, at every hop.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ceiba_core::outbound::may_reach;
use futures::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::io::AsyncWriteExt;
use url::{Host, Url};

/// The bounds every outbound request runs under.
#[derive(Debug, Clone, Copy)]
pub struct FetchLimits {
    /// One API call or RDF page, headers to last byte.
    pub request_timeout: Duration,
    /// One file download.
    pub file_timeout: Duration,
    /// An API answer or RDF page.
    pub max_document_bytes: u64,
    /// A downloaded file.
    pub max_file_bytes: u64,
    pub max_redirects: usize,
    /// Further attempts after a failure that may pass.
    pub retries: u32,
    /// Wait before the first retry (doubled each time).
    pub backoff: Duration,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            request_timeout: Duration::from_secs(60),
            file_timeout: Duration::from_secs(15 * 60),
            max_document_bytes: 32 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            max_redirects: 5,
            retries: 2,
            backoff: Duration::from_millis(500),
        }
    }
}

/// Why a fetch failed, naming the address.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not an http(s) address")]
    NotHttp { url: String },
    #[error("{url}: the address is not public (loopback, private or link-local), and private addresses are not allowed")]
    NotPublic { url: String },
    #[error("{url}: the server answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: no complete answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("{url}: {message}")]
    Network { url: String, message: String },
    #[error("{url}: {message}")]
    Invalid { url: String, message: String },
    #[error("{url}: could not write the download: {message}")]
    Local { url: String, message: String },
}

impl FetchError {
    /// Whether trying again may help.
    fn passing(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status >= 500 || *status == 429,
            FetchError::Timeout { .. } | FetchError::Network { .. } => true,
            _ => false,
        }
    }
}

/// Resolves names to the addresses `core::outbound` allows only.
#[derive(Debug, Clone, Copy)]
struct Guarded {
    allow_private: bool,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| may_reach(a.ip(), allow)).collect();
            if allowed.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(std::io::Error::new(
                        std::io::ErrorKind::PermissionDenied,
                        format!("{host} is not a public address"),
                    ));
                return Err(refused);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `url` may be fetched: http(s), and an IP literal must be an allowed address
/// (names are checked when they are resolved).
fn check(url: &Url, allow_private: bool) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::NotHttp {
            url: url.to_string(),
        });
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        Some(Host::Domain(_)) => None,
        None => {
            return Err(FetchError::NotHttp {
                url: url.to_string(),
            })
        }
    };
    match ip {
        Some(ip) if !may_reach(ip, allow_private) => Err(FetchError::NotPublic {
            url: url.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Parses `text` as an http(s) URL this fetcher may reach.
pub fn parse_url(text: &str, allow_private: bool) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|_| FetchError::NotHttp { url: text.into() })?;
    check(&url, allow_private)?;
    Ok(url)
}

/// A bounded HTTP client for one harvest or migration.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: FetchLimits,
    allow_private: bool,
    /// Sent as `Authorization` to CKAN (a sysadmin's key brings private records).
    api_key: Option<Arc<str>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("limits", &self.limits)
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    pub fn new(
        limits: FetchLimits,
        allow_private: bool,
        api_key: Option<String>,
    ) -> Result<Fetcher, FetchError> {
        let max = limits.max_redirects;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                attempt.error("too many redirects")
            } else if attempt.previous().contains(attempt.url()) {
                attempt.error("redirects in a circle")
            } else if let Err(e) = check(attempt.url(), allow_private) {
                attempt.error(e.to_string())
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(Guarded { allow_private }))
            .redirect(redirects)
            .connect_timeout(Duration::from_secs(15))
            .timeout(limits.request_timeout)
            .user_agent(concat!("Ceiba/", env!("CARGO_PKG_VERSION"), " (harvester)"))
            .build()
            .map_err(|e| FetchError::Network {
                url: String::new(),
                message: e.to_string(),
            })?;
        Ok(Fetcher {
            client,
            limits,
            allow_private,
            api_key: api_key.filter(|k| !k.is_empty()).map(Arc::from),
        })
    }

    pub fn limits(&self) -> FetchLimits {
        self.limits
    }

    pub fn allow_private(&self) -> bool {
        self.allow_private
    }

    /// Whether calls carry an API key.
    pub fn has_key(&self) -> bool {
        self.api_key.is_some()
    }

    fn request(&self, url: &Url, accept: &str, with_key: bool) -> reqwest::RequestBuilder {
        let mut rb = self.client.get(url.clone()).header("Accept", accept);
        if let (true, Some(key)) = (with_key, &self.api_key) {
            rb = rb.header("Authorization", key.as_ref());
        }
        rb
    }

    /// `url`'s body (at most `max_document_bytes`) and its media type; retried when the
    /// failure may pass. `with_key`: send the API key (only to the source itself).
    pub async fn document(
        &self,
        url: &Url,
        accept: &str,
        with_key: bool,
    ) -> Result<(Vec<u8>, String), FetchError> {
        check(url, self.allow_private)?;
        self.retrying(|| async {
            let res = self.send(url, self.request(url, accept, with_key)).await?;
            let kind = res
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let mut body = Vec::new();
            let mut stream = res.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| self.failed(url, e))?;
                if (body.len() + chunk.len()) as u64 > self.limits.max_document_bytes {
                    return Err(FetchError::TooLarge {
                        url: url.to_string(),
                        limit: self.limits.max_document_bytes,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok((body, kind))
        })
        .await
    }

    /// `url` as JSON (serde_json's own depth limit bounds nesting).
    pub async fn json(&self, url: &Url, with_key: bool) -> Result<serde_json::Value, FetchError> {
        let (body, _) = self.document(url, "application/json", with_key).await?;
        serde_json::from_slice(&body).map_err(|e| FetchError::Invalid {
            url: url.to_string(),
            message: format!("not valid JSON: {e}"),
        })
    }

    /// Downloads `url` into `to` (at most `max_file_bytes`); returns its size. A failed
    /// download leaves no file.
    pub async fn download(&self, url: &Url, to: &Path, with_key: bool) -> Result<u64, FetchError> {
        check(url, self.allow_private)?;
        let done = self
            .retrying(|| async {
                let rb = self
                    .request(url, "*/*", with_key)
                    .timeout(self.limits.file_timeout);
                let res = self.send(url, rb).await?;
                if res
                    .content_length()
                    .is_some_and(|n| n > self.limits.max_file_bytes)
                {
                    return Err(self.too_large(url));
                }
                let local = |e: std::io::Error| FetchError::Local {
                    url: url.to_string(),
                    message: e.to_string(),
                };
                let mut file = tokio::fs::File::create(to).await.map_err(local)?;
                let mut size = 0u64;
                let mut stream = res.bytes_stream();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| self.failed(url, e))?;
                    size += chunk.len() as u64;
                    if size > self.limits.max_file_bytes {
                        return Err(self.too_large(url));
                    }
                    file.write_all(&chunk).await.map_err(local)?;
                }
                file.flush().await.map_err(local)?;
                Ok(size)
            })
            .await;
        if done.is_err() {
            let _ = tokio::fs::remove_file(to).await;
        }
        done
    }

    /// Whether `url` answers: its final status (after redirects) to a HEAD request, or to
    /// a GET of its first byte when the server refuses HEAD. The body is never read.
    pub async fn probe(&self, url: &Url) -> Result<u16, FetchError> {
        check(url, self.allow_private)?;
        self.retrying(|| async {
            let head = self
                .client
                .head(url.clone())
                .send()
                .await
                .map_err(|e| self.failed(url, e))?;
            let status = head.status().as_u16();
            if status != 405 && status != 501 && status != 403 {
                return Ok(status);
            }
            let get = self
                .client
                .get(url.clone())
                .header("Range", "bytes=0-0")
                .send()
                .await
                .map_err(|e| self.failed(url, e))?;
            Ok(get.status().as_u16())
        })
        .await
    }

    fn too_large(&self, url: &Url) -> FetchError {
        FetchError::TooLarge {
            url: url.to_string(),
            limit: self.limits.max_file_bytes,
        }
    }

    async fn send(
        &self,
        url: &Url,
        rb: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, FetchError> {
        let res = rb.send().await.map_err(|e| self.failed(url, e))?;
        let status = res.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        Ok(res)
    }

    async fn retrying<T, F, Fut>(&self, mut attempt: F) -> Result<T, FetchError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, FetchError>>,
    {
        let mut wait = self.limits.backoff;
        let mut tries = 0;
        loop {
            match attempt().await {
                Err(e) if e.passing() && tries < self.limits.retries => {
                    tracing::debug!(error = %e, "retrying");
                    tries += 1;
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                done => return done,
            }
        }
    }

    /// A reqwest failure, with its causes, in one sentence.
    fn failed(&self, url: &Url, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout {
                url: url.to_string(),
                seconds: self.limits.request_timeout.as_secs(),
            };
        }
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        if message.contains("is not a public address") {
            return FetchError::NotPublic {
                url: url.to_string(),
            };
        }
        FetchError::Network {
            url: url.to_string(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_addresses_are_checked_on_the_url() {
        for bad in [
            "http://127.0.0.1/api",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(
                matches!(parse_url(bad, false), Err(FetchError::NotPublic { .. })),
                "{bad}"
            );
            assert!(
                parse_url(bad, true).is_ok(),
                "{bad} allowed when private is"
            );
        }
        assert!(matches!(
            parse_url("file:///etc/passwd", true),
            Err(FetchError::NotHttp { .. })
        ));
        assert!(parse_url("https://datos.example.gt/", false).is_ok());
    }
}
