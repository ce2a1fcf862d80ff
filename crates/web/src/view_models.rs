//! What templates see: catalog records turned into text in the page's language.

use std::collections::HashMap;

use ceiba_core::territory::{self, Territory};
use ceiba_core::{Category, Dataset, Lang, Licence, Organization, Resource};
use serde::Serialize;
use uuid::Uuid;

use crate::http::{base, percent_encode};
use crate::{format, markdown};

#[derive(Debug, Serialize)]
pub struct OrgView {
    pub name: String,
    pub title: String,
    pub description: String,
    pub image_url: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub initials: String,
    pub dataset_count: i64,
}

impl OrgView {
    pub fn new(lang: Lang, o: &Organization, dataset_count: i64) -> Self {
        let title = o.title.get(lang).to_owned();
        OrgView {
            name: o.name.clone(),
            initials: initials(&title),
            title,
            description: o.description.get(lang).to_owned(),
            image_url: safe_link(o.image_url.as_ref()),
            email: o.email.clone(),
            website: safe_link(o.website.as_ref()),
            dataset_count,
        }
    }
}

/// Initials of the significant words, for a publisher without a logo.
fn initials(title: &str) -> String {
    const SKIP: [&str; 8] = ["de", "del", "la", "las", "los", "y", "of", "the"];
    title
        .split_whitespace()
        .filter(|w| !SKIP.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .take(3)
        .flat_map(char::to_uppercase)
        .collect()
}

#[derive(Debug, Serialize)]
pub struct CategoryView {
    pub name: String,
    pub title: String,
    pub description: String,
    pub icon: String,
    pub dataset_count: i64,
}

impl CategoryView {
    pub fn new(lang: Lang, c: &Category, dataset_count: i64) -> Self {
        CategoryView {
            name: c.name.clone(),
            title: c.title.get(lang).to_owned(),
            description: c.description.get(lang).to_owned(),
            icon: c.icon.clone().unwrap_or_else(|| "folder".into()),
            dataset_count,
        }
    }
}

/// A dataset in a listing.
#[derive(Debug, Serialize)]
pub struct DatasetCard {
    pub name: String,
    pub title: String,
    pub excerpt: String,
    pub organization: Option<String>,
    pub formats: Vec<String>,
    pub modified: String,
    pub private: bool,
    pub draft: bool,
}

impl DatasetCard {
    pub fn new(
        lang: Lang,
        d: &Dataset,
        orgs: &HashMap<Uuid, Organization>,
        formats: &HashMap<Uuid, Vec<String>>,
    ) -> Self {
        DatasetCard {
            name: d.name.clone(),
            title: d.title.get(lang).to_owned(),
            excerpt: markdown::excerpt(d.description.get(lang), 220),
            organization: orgs
                .get(&d.organization_id)
                .map(|o| o.title.get(lang).to_owned()),
            formats: formats.get(&d.id).cloned().unwrap_or_default(),
            modified: format::datetime(lang, d.modified),
            private: d.private,
            draft: d.state == ceiba_core::DatasetState::Draft,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LicenceView {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub open: bool,
}

#[derive(Debug, Serialize)]
pub struct PlaceView {
    pub code: String,
    pub label: String,
}

/// A dataset's page.
#[derive(Debug, Serialize)]
pub struct DatasetView {
    pub id: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub organization: Option<OrgView>,
    pub categories: Vec<CategoryView>,
    pub tags: Vec<String>,
    pub licence: LicenceView,
    pub temporal: Option<(Option<String>, Option<String>)>,
    pub spatial: Vec<PlaceView>,
    pub frequency: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub source_url: Option<String>,
    pub version: Option<String>,
    pub created: String,
    pub modified: String,
    pub extras: Vec<(String, String)>,
    pub private: bool,
    pub draft: bool,
    pub resources: Vec<ResourceView>,
}

impl DatasetView {
    pub fn new(
        lang: Lang,
        d: &Dataset,
        org: Option<&Organization>,
        categories: &[Category],
        resources: &[Resource],
    ) -> Self {
        let licence = match Licence::find(&d.licence_id) {
            Some(l) => LicenceView {
                id: l.id.into(),
                title: l.title(lang).into(),
                url: (!l.url.is_empty()).then(|| l.url.into()),
                open: l.open,
            },
            None => LicenceView {
                id: d.licence_id.clone(),
                title: d.licence_id.clone(),
                url: None,
                open: false,
            },
        };
        let date = |x: Option<chrono::NaiveDate>| x.map(|x| format::date(lang, x));
        let temporal = (d.temporal.start.is_some() || d.temporal.end.is_some())
            .then(|| (date(d.temporal.start), date(d.temporal.end)));
        DatasetView {
            id: d.id.to_string(),
            name: d.name.clone(),
            title: d.title.get(lang).to_owned(),
            description: d.description.get(lang).to_owned(),
            organization: org.map(|o| OrgView::new(lang, o, 0)),
            categories: categories
                .iter()
                .filter(|c| d.categories.contains(&c.name))
                .map(|c| CategoryView::new(lang, c, 0))
                .collect(),
            tags: d.tags.clone(),
            licence,
            temporal,
            spatial: d.spatial.iter().map(|c| place(lang, c)).collect(),
            frequency: d.frequency.map(|f| f.label(lang).to_owned()),
            contact_name: d.contact.name.clone(),
            contact_email: d.contact.email.clone(),
            source_url: safe_link(d.source_url.as_ref()),
            version: d.version.clone(),
            created: format::datetime(lang, d.created),
            modified: format::datetime(lang, d.modified),
            extras: d
                .extras
                .iter()
                .filter(|(k, _)| k.as_str() != "demo")
                .map(|(k, v)| (extra_label(lang, k), v.clone()))
                .collect(),
            private: d.private,
            draft: d.state == ceiba_core::DatasetState::Draft,
            resources: resources
                .iter()
                .map(|r| ResourceView::new(lang, d, r))
                .collect(),
        }
    }
}

/// How an extra field is headed: the keys harvests and CKAN migrations bring by their
/// meaning; a publisher's own keys as written, with spaces for underscores and a
/// capital first letter (`fuente_primaria` → "Fuente primaria").
fn extra_label(lang: Lang, key: &str) -> String {
    let es = lang == Lang::Es;
    let known = match key {
        "harvest_url" => Some(if es {
            "Página original"
        } else {
            "Original page"
        }),
        "harvest_source" => Some(if es {
            "Fuente de la cosecha"
        } else {
            "Harvest source"
        }),
        "harvest_identifier" => Some(if es {
            "Identificador en el origen"
        } else {
            "Identifier at the source"
        }),
        "dcat_uri" => Some(if es {
            "Identificador DCAT"
        } else {
            "DCAT identifier"
        }),
        "source_license" => Some(if es {
            "Licencia en el origen"
        } else {
            "Licence at the source"
        }),
        "spatial_uri" => Some(if es {
            "Cobertura geográfica (códigos)"
        } else {
            "Spatial coverage (codes)"
        }),
        "ckan_url" => Some(if es {
            "Dirección en CKAN"
        } else {
            "CKAN address"
        }),
        "author" => Some(if es { "Autor" } else { "Author" }),
        "author_email" => Some(if es {
            "Correo del autor"
        } else {
            "Author's e-mail"
        }),
        "maintainer" => Some(if es { "Responsable" } else { "Maintainer" }),
        "maintainer_email" => Some(if es {
            "Correo del responsable"
        } else {
            "Maintainer's e-mail"
        }),
        "language" => Some(if es { "Idioma" } else { "Language" }),
        "theme" => Some(if es { "Tema" } else { "Theme" }),
        _ => None,
    };
    if let Some(label) = known {
        return label.to_owned();
    }
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => key.to_owned(),
    }
}

fn place(lang: Lang, code: &str) -> PlaceView {
    let (es_country, en_country) = ("Guatemala (todo el país)", "Guatemala (whole country)");
    let label = match territory::resolve(code) {
        Some(Territory::Country) => match lang {
            Lang::Es => es_country.to_owned(),
            Lang::En => en_country.to_owned(),
        },
        Some(Territory::Department(_, name)) => name.to_owned(),
        Some(Territory::Municipality(c, name)) => {
            let dep = territory::department_name(&c[..2]).unwrap_or("");
            format!("{name}, {dep}")
        }
        None => code.to_owned(),
    };
    PlaceView {
        code: code.to_owned(),
        label,
    }
}

#[derive(Debug, Serialize)]
pub struct ResourceView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub format: String,
    pub media_type: Option<String>,
    pub size: Option<String>,
    pub sha256: Option<String>,
    pub filename: Option<String>,
    /// External address of a link resource.
    pub url: Option<String>,
    pub page_url: String,
    /// Where the original file (or the external link) is fetched.
    pub download_url: String,
    pub is_upload: bool,
    pub created: String,
    pub modified: String,
}

impl ResourceView {
    pub fn new(lang: Lang, d: &Dataset, r: &Resource) -> Self {
        let page_url = format!("{}/dataset/{}/resource/{}", base(lang), d.name, r.id);
        let download_url = match (&r.storage_key, &r.url) {
            (Some(_), _) => format!(
                "/dataset/{}/resource/{}/download/{}",
                d.id,
                r.id,
                download_name(r)
            ),
            (None, Some(url)) => safe_link(Some(url)).unwrap_or_else(|| page_url.clone()),
            (None, None) => page_url.clone(),
        };
        ResourceView {
            id: r.id.to_string(),
            name: r.name.clone(),
            description: r.description.clone(),
            format: r.format.clone(),
            media_type: r.media_type.clone(),
            size: r.size.map(|s| format::file_size(lang, s)),
            sha256: r.sha256.clone(),
            filename: r.original_filename.clone(),
            url: safe_link(r.url.as_ref()),
            page_url,
            download_url,
            is_upload: r.is_upload(),
            created: format::datetime(lang, r.created),
            modified: format::datetime(lang, r.modified),
        }
    }
}

/// The file name in a download URL: the original name, percent-encoded for the path.
pub fn download_name(r: &Resource) -> String {
    let name = r
        .original_filename
        .clone()
        .unwrap_or_else(|| format!("{}.{}", r.id, r.format.to_ascii_lowercase()));
    percent_encode(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_skip_small_words() {
        assert_eq!(initials("Instituto Nacional de Estadística"), "INE");
        assert_eq!(initials("Ministerio de Finanzas Públicas"), "MFP");
    }

    #[test]
    fn places_are_named() {
        assert_eq!(place(Lang::Es, "13").label, "Huehuetenango");
        assert_eq!(place(Lang::En, "GT").label, "Guatemala (whole country)");
        assert_eq!(place(Lang::Es, "0101").label, "Guatemala, Guatemala");
    }
}

/// One column of an ingested table, as the data dictionary shows it.
#[derive(Debug, Serialize)]
pub struct ColumnView {
    pub name: String,
    pub label: String,
    pub type_label: String,
    pub type_name: &'static str,
    pub description: String,
    pub unit: String,
    pub nulls: String,
    pub distinct: String,
    pub min: Option<String>,
    pub max: Option<String>,
    pub top: Vec<(String, String)>,
    /// A small SVG histogram of a numeric column.
    pub hist: Option<String>,
}

/// A typed table built from the resource's current file.
#[derive(Debug, Serialize)]
pub struct TableView {
    pub name: String,
    pub rows: String,
    pub columns: Vec<ColumnView>,
    /// Rows whose place column holds no territory: (how many, the column).
    pub unplaced: Option<(String, String)>,
}

impl TableView {
    pub fn new(lang: Lang, t: &ceiba_core::IngestedTable) -> Self {
        TableView {
            name: t.name.clone(),
            rows: format::integer(lang, t.rows),
            unplaced: None,
            columns: t
                .columns
                .iter()
                .map(|c| ColumnView {
                    name: c.name.clone(),
                    label: c.label.clone(),
                    type_label: c.column_type.label(lang).to_owned(),
                    type_name: c.column_type.as_str(),
                    description: c.description.clone(),
                    unit: c.unit.clone(),
                    nulls: format::integer(lang, c.stats.nulls as i64),
                    distinct: format::integer(lang, c.stats.distinct as i64),
                    min: c.stats.min.as_deref().map(|v| format::stat_of(lang, c, v)),
                    max: c.stats.max.as_deref().map(|v| format::stat_of(lang, c, v)),
                    top: c
                        .stats
                        .top
                        .iter()
                        .take(3)
                        .map(|t| (t.value.clone(), format::integer(lang, t.count as i64)))
                        .collect(),
                    hist: None,
                })
                .collect(),
        }
    }
}

/// One uploaded version of the resource's file.
#[derive(Debug, Serialize)]
pub struct VersionView {
    pub number: i64,
    pub status: &'static str,
    pub created: String,
    pub filename: Option<String>,
    pub size: String,
    pub download_url: String,
    pub current: bool,
    /// The ingestion report's findings, in the page's language.
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub format: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
}

impl VersionView {
    pub fn new(lang: Lang, d: &Dataset, r: &Resource, v: &ceiba_core::ResourceVersion) -> Self {
        let report: Option<ceiba_ingest::FileReport> = v
            .report
            .as_ref()
            .and_then(|r| serde_json::from_value(r.clone()).ok());
        let messages =
            |pick: fn(&ceiba_ingest::FileReport) -> Vec<&ceiba_ingest::Issue>| -> Vec<String> {
                report
                    .as_ref()
                    .map(|rep| pick(rep).into_iter().map(|i| i.message(lang)).collect())
                    .unwrap_or_default()
            };
        let name = v
            .original_filename
            .clone()
            .unwrap_or_else(|| format!("{}.{}", r.id, v.format.to_ascii_lowercase()));
        VersionView {
            number: v.number,
            status: v.status.as_str(),
            created: format::datetime(lang, v.created),
            filename: v.original_filename.clone(),
            size: format::file_size(lang, v.size),
            download_url: format!(
                "/dataset/{}/resource/{}/version/{}/download/{}",
                d.id,
                r.id,
                v.number,
                percent_encode(&name)
            ),
            current: r.current_version_id == Some(v.id),
            errors: messages(|rep| rep.all_errors().collect()),
            warnings: messages(|rep| {
                rep.warnings
                    .iter()
                    .chain(rep.tables.iter().flat_map(|t| &t.warnings))
                    .collect()
            }),
            format: report.as_ref().and_then(|r| r.format.clone()),
            encoding: report.as_ref().and_then(|r| r.encoding.clone()),
            delimiter: report.as_ref().and_then(|r| r.delimiter).map(|c| {
                if c == '\t' {
                    "TAB".to_string()
                } else {
                    c.to_string()
                }
            }),
        }
    }
}

/// A stored link, if it is one a visitor may follow (`http(s)://` with a host; see
/// `core::bounds::check_link`). Links are checked when written; this keeps older records
/// from rendering a `javascript:` link.
pub fn safe_link(url: Option<&String>) -> Option<String> {
    url.filter(|u| ceiba_core::bounds::check_link(u).is_ok())
        .cloned()
}
