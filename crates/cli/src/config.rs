//! Settings from flags, `CEIBA_*` environment variables and an optional TOML file, in that
//! order of precedence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

/// The TOML file's keys. Unknown keys are refused, so a misspelt setting is caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data: Option<PathBuf>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub theme: Option<PathBuf>,
    pub site_name: Option<String>,
    /// Bounds on uploads: `[limits]` with max_file_bytes, max_rows, max_columns,
    /// max_cell_bytes, max_line_bytes, max_inflated_bytes, max_memory_bytes.
    pub limits: Option<ceiba_ingest::Limits>,
    /// Bounds on queries and exports: `[query]` with max_page_rows, max_groups,
    /// timeout_ms, memory_mb, max_export_rows, cache_mb.
    pub query: Option<ceiba_query::QueryLimits>,
    /// Public address for absolute links in the APIs.
    pub site_url: Option<String>,
    /// Turns CKAN's `datastore_search_sql` off.
    pub disable_datastore_sql: Option<bool>,
    /// Behind a reverse proxy: the header it writes the client's address in
    /// (`X-Forwarded-For`); used to slow password guessing per client and in the audit log.
    pub client_address_header: Option<String>,
    /// `[mail]`: the SMTP server for password resets and invitations.
    pub mail: Option<ceiba_web::mail::MailConfig>,
    /// `[harvest]`: whether harvests and migrations may reach private addresses, and
    /// their time and size bounds.
    pub harvest: Option<crate::harvesting::HarvestConfig>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "configuration file {} is not valid: {}",
                path.display(),
                e.to_string().trim_end()
            )
        })
    }
}

pub const DEFAULT_DATA: &str = "./ceiba-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

pub fn parse_listen(value: &str) -> anyhow::Result<SocketAddr> {
    match value.parse() {
        Ok(addr) => Ok(addr),
        Err(_) => bail!(
            "listen: '{value}' is not an address and port such as 127.0.0.1:8080 or 0.0.0.0:80"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_bad_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ceiba.toml");
        std::fs::write(&path, "listne = \"0.0.0.0:80\"\n").unwrap();
        let err = FileConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("listne"), "{err}");
        std::fs::write(&path, "listen = 80\n").unwrap();
        let err = FileConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("listen"), "{err}");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nsite_name = \"Datos GT\"\n",
        )
        .unwrap();
        let c = FileConfig::load(&path).unwrap();
        assert_eq!(c.site_name.as_deref(), Some("Datos GT"));
    }

    #[test]
    fn listen_addresses() {
        assert!(parse_listen("127.0.0.1:8080").is_ok());
        let err = parse_listen("localhost").unwrap_err().to_string();
        assert!(err.contains("listen"), "{err}");
    }
}
