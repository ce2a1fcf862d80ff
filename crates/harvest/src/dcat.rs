//! Reading a DCAT catalog page (Turtle, RDF/XML, JSON-LD, N-Triples): its datasets with
//! their distributions, and the next page (Hydra's `next`/`nextPage`). Parsed with
//! oxrdfio from a body already bounded in size, with a bound on triples too.

use std::collections::{BTreeMap, HashMap};

use ceiba_core::{Contact, Dataset, Frequency, Licence, Localized, Temporal};
use chrono::{DateTime, NaiveDate, Utc};
use oxrdf::{NamedOrBlankNode, Term};
use oxrdfio::{RdfFormat, RdfParser};
use uuid::Uuid;

use crate::map::RemoteResource;

/// Most triples one page may hold.
pub const MAX_TRIPLES: usize = 500_000;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const SCHEMA: &str = "http://schema.org/";

/// A dataset as a DCAT page describes it.
#[derive(Debug, Clone)]
pub struct DcatDataset {
    /// `dct:identifier`, else the dataset's IRI.
    pub remote_id: String,
    pub dataset: Dataset,
    pub resources: Vec<RemoteResource>,
    /// `dct:publisher`'s `foaf:name`.
    pub publisher: Option<String>,
}

/// One page of a DCAT catalog.
#[derive(Debug, Clone, Default)]
pub struct DcatPage {
    pub datasets: Vec<DcatDataset>,
    pub next: Option<String>,
}

/// The subjects of a graph with their properties.
struct Graph {
    by_subject: HashMap<String, Vec<(String, Term)>>,
}

fn key(s: &NamedOrBlankNode) -> String {
    s.to_string()
}

fn term_key(t: &Term) -> Option<String> {
    match t {
        Term::NamedNode(n) => Some(NamedOrBlankNode::from(n.clone()).to_string()),
        Term::BlankNode(b) => Some(NamedOrBlankNode::from(b.clone()).to_string()),
        _ => None,
    }
}

impl Graph {
    fn objects<'a>(&'a self, subject: &str, predicate: &'a str) -> impl Iterator<Item = &'a Term> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter(move |(p, _)| p == predicate)
            .map(|(_, o)| o)
    }

    fn iri(&self, subject: &str, predicate: &str) -> Option<String> {
        self.objects(subject, predicate).find_map(|o| match o {
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
    }

    fn node(&self, subject: &str, predicate: &str) -> Option<String> {
        self.objects(subject, predicate).find_map(term_key)
    }

    /// A literal, in `lang` when there is one, else without a language, else any.
    fn text(&self, subject: &str, predicate: &str, lang: Option<&str>) -> Option<String> {
        let literals: Vec<&oxrdf::Literal> = self
            .objects(subject, predicate)
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l),
                _ => None,
            })
            .collect();
        let pick = match lang {
            Some(lang) => literals.iter().find(|l| {
                l.language()
                    .is_some_and(|x| x.eq_ignore_ascii_case(lang) || x.starts_with(lang))
            }),
            None => literals
                .iter()
                .find(|l| l.language().is_none())
                .or_else(|| {
                    literals
                        .iter()
                        .find(|l| l.language().is_some_and(|x| x.starts_with("es")))
                })
                .or(literals.first()),
        };
        pick.map(|l| l.value().trim().to_owned())
            .filter(|s| !s.is_empty())
    }

    fn date(&self, subject: &str, predicate: &str) -> Option<NaiveDate> {
        let s = self.text(subject, predicate, None)?;
        NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d").ok()
    }

    fn time(&self, subject: &str, predicate: &str) -> Option<DateTime<Utc>> {
        let s = self.text(subject, predicate, None)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
            })
    }

    fn subjects_of_type(&self, class: &str) -> Vec<String> {
        let mut found: Vec<String> = self
            .by_subject
            .iter()
            .filter(|(_, props)| {
                props.iter().any(|(p, o)| {
                    p == RDF_TYPE && matches!(o, Term::NamedNode(n) if n.as_str() == class)
                })
            })
            .map(|(s, _)| s.clone())
            .collect();
        found.sort();
        found
    }
}

/// The RDF format of a body, from its media type or, failing that, its URL's extension.
pub fn format_of(media_type: &str, url: &str) -> Option<RdfFormat> {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    RdfFormat::from_media_type(essence)
        .filter(|_| !essence.is_empty() && essence != "text/plain")
        .or_else(|| {
            let path = url.split(['?', '#']).next().unwrap_or(url);
            let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            RdfFormat::from_extension(ext)
        })
}

/// Reads one page. `base` resolves relative IRIs.
pub fn read_page(body: &[u8], format: RdfFormat, base: &str) -> Result<DcatPage, String> {
    let parser = RdfParser::from_format(format)
        .with_base_iri(base)
        .map_err(|e| e.to_string())?;
    let mut by_subject: HashMap<String, Vec<(String, Term)>> = HashMap::new();
    for (n, quad) in parser.for_slice(body).enumerate() {
        if n >= MAX_TRIPLES {
            return Err(format!("more than {MAX_TRIPLES} triples in one page"));
        }
        let quad = quad.map_err(|e| format!("not valid RDF: {e}"))?;
        by_subject
            .entry(key(&quad.subject))
            .or_default()
            .push((quad.predicate.as_str().to_owned(), quad.object));
    }
    let g = Graph { by_subject };
    let next = g.by_subject.values().flatten().find_map(|(p, o)| match o {
        Term::NamedNode(n) if p == &format!("{HYDRA}next") || p == &format!("{HYDRA}nextPage") => {
            Some(n.as_str().to_owned())
        }
        _ => None,
    });
    let datasets = g
        .subjects_of_type(&format!("{DCAT}Dataset"))
        .iter()
        .map(|s| dataset(&g, s))
        .collect();
    Ok(DcatPage { datasets, next })
}

fn p(ns: &str, local: &str) -> String {
    format!("{ns}{local}")
}

fn dataset(g: &Graph, s: &str) -> DcatDataset {
    let iri = s.trim_start_matches('<').trim_end_matches('>').to_owned();
    let remote_id = g
        .text(s, &p(DCT, "identifier"), None)
        .unwrap_or(iri.clone());
    let title_es = g
        .text(s, &p(DCT, "title"), Some("es"))
        .or_else(|| g.text(s, &p(DCT, "title"), None))
        .unwrap_or_else(|| remote_id.clone());
    let title_en = g
        .text(s, &p(DCT, "title"), Some("en"))
        .filter(|t| *t != title_es);
    let description_es = g
        .text(s, &p(DCT, "description"), Some("es"))
        .or_else(|| g.text(s, &p(DCT, "description"), None))
        .unwrap_or_default();
    let description_en = g
        .text(s, &p(DCT, "description"), Some("en"))
        .filter(|t| *t != description_es);
    let mut tags: Vec<String> = g
        .objects(s, &p(DCAT, "keyword"))
        .filter_map(|o| match o {
            Term::Literal(l) => Some(l.value().trim().to_owned()),
            _ => None,
        })
        .filter(|t| !t.is_empty() && t.len() <= 100)
        .collect();
    tags.sort();
    tags.dedup();
    tags.truncate(ceiba_core::bounds::MAX_TAGS);
    let mut extras = BTreeMap::new();
    let licence_iri = g.iri(s, &p(DCT, "license")).or_else(|| {
        g.objects(s, &p(DCAT, "distribution"))
            .filter_map(term_key)
            .find_map(|d| g.iri(&d, &p(DCT, "license")))
    });
    let licence_id = match &licence_iri {
        Some(iri) => match licence_by_url(iri) {
            Some(id) => id,
            None => {
                extras.insert("source_license".to_owned(), iri.clone());
                "notspecified".to_owned()
            }
        },
        None => "notspecified".to_owned(),
    };
    let temporal = g
        .node(s, &p(DCT, "temporal"))
        .map(|t| Temporal {
            start: g
                .date(&t, &p(DCAT, "startDate"))
                .or_else(|| g.date(&t, &p(SCHEMA, "startDate"))),
            end: g
                .date(&t, &p(DCAT, "endDate"))
                .or_else(|| g.date(&t, &p(SCHEMA, "endDate"))),
        })
        .filter(|t| !matches!((t.start, t.end), (Some(a), Some(b)) if b < a))
        .unwrap_or_default();
    let contact = g
        .node(s, &p(DCAT, "contactPoint"))
        .map(|c| Contact {
            name: g.text(&c, &p(VCARD, "fn"), None),
            email: g
                .iri(&c, &p(VCARD, "hasEmail"))
                .map(|e| e.trim_start_matches("mailto:").to_owned()),
        })
        .unwrap_or_default();
    let publisher = g
        .node(s, &p(DCT, "publisher"))
        .and_then(|a| g.text(&a, &p(FOAF, "name"), None));
    let created = g.time(s, &p(DCT, "issued"));
    let modified = g.time(s, &p(DCT, "modified")).or(created);
    let now = ceiba_store::now();
    let landing = g
        .iri(s, &p(DCAT, "landingPage"))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    if iri.starts_with("http") {
        extras.insert("dcat_uri".into(), iri.clone());
    }
    let d = Dataset {
        id: Uuid::nil(),
        name: ceiba_core::name_from_title(&title_es),
        title: Localized {
            es: title_es,
            en: title_en,
        },
        description: Localized {
            es: description_es,
            en: description_en,
        },
        tags,
        licence_id,
        temporal,
        frequency: g
            .iri(s, &p(DCT, "accrualPeriodicity"))
            .and_then(|f| Frequency::parse(&f)),
        contact,
        source_url: landing,
        version: g
            .text(s, &p(DCAT, "version"), None)
            .filter(|v| v.chars().count() <= 100),
        created: created.unwrap_or(now),
        modified: modified.unwrap_or(now),
        extras,
        ..Dataset::default()
    };
    let resources = g
        .objects(s, &p(DCAT, "distribution"))
        .filter_map(term_key)
        .filter_map(|dist| distribution(g, &dist, d.created))
        .collect();
    DcatDataset {
        remote_id,
        dataset: d,
        resources,
        publisher,
    }
}

fn distribution(g: &Graph, s: &str, created: DateTime<Utc>) -> Option<RemoteResource> {
    let url = g
        .iri(s, &p(DCAT, "downloadURL"))
        .or_else(|| g.iri(s, &p(DCAT, "accessURL")))?;
    let last = |iri: String| {
        iri.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_owned()
    };
    let media_type = g.iri(s, &p(DCAT, "mediaType")).map(|m| {
        m.split_once("media-types/")
            .map(|(_, t)| t.to_owned())
            .unwrap_or(m)
    });
    let format = g
        .iri(s, &p(DCT, "format"))
        .map(last)
        .unwrap_or_default()
        .to_uppercase();
    let item_created = g.time(s, &p(DCT, "issued")).unwrap_or(created);
    Some(RemoteResource {
        // Stable for the distribution: its IRI (or, for a blank node, its address).
        id: Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            if s.starts_with('<') { s } else { &url }.as_bytes(),
        ),
        name: g.text(s, &p(DCT, "title"), None).unwrap_or_default(),
        description: g.text(s, &p(DCT, "description"), None).unwrap_or_default(),
        format,
        media_type,
        url,
        upload: false,
        created: item_created,
        modified: g.time(s, &p(DCT, "modified")).unwrap_or(item_created),
    })
}

/// The licence whose address is `iri` (http or https, with or without a final `/`).
fn licence_by_url(iri: &str) -> Option<String> {
    let norm = |u: &str| {
        u.trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_ascii_lowercase()
    };
    let wanted = norm(iri);
    ceiba_core::licence::LICENCES
        .iter()
        .find(|l| !l.url.is_empty() && norm(l.url) == wanted)
        .map(|l| l.id.to_owned())
        .or_else(|| Licence::find(iri.rsplit('/').next().unwrap_or("")).map(|l| l.id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turtle_page_gives_its_datasets_and_next_page() {
        let ttl = r#"
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<https://x.example/catalog.ttl?page=1> a hydra:PartialCollectionView ; hydra:next <https://x.example/catalog.ttl?page=2> .
<https://x.example/dataset/a> a dcat:Dataset ; dct:identifier "a-1" ; dct:title "Ranking municipal"@es, "Municipal ranking"@en ;
  dcat:keyword "gestión"@es ; dct:publisher [ foaf:name "SEGEPLAN" ] ;
  dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/ANNUAL> ;
  dct:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <https://x.example/a.csv> ; dct:title "CSV" ;
     dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> ] .
"#;
        let page = read_page(ttl.as_bytes(), RdfFormat::Turtle, "https://x.example/").unwrap();
        assert_eq!(
            page.next.as_deref(),
            Some("https://x.example/catalog.ttl?page=2")
        );
        let d = &page.datasets[0];
        assert_eq!(d.remote_id, "a-1");
        assert_eq!(d.dataset.title.es, "Ranking municipal");
        assert_eq!(d.dataset.title.en.as_deref(), Some("Municipal ranking"));
        assert_eq!(d.dataset.frequency, Some(Frequency::Annual));
        assert_eq!(d.publisher.as_deref(), Some("SEGEPLAN"));
        assert_ne!(d.dataset.licence_id, "notspecified");
        assert_eq!(d.resources[0].url, "https://x.example/a.csv");
        assert_eq!(d.resources[0].media_type.as_deref(), Some("text/csv"));
    }

    #[test]
    fn broken_rdf_is_an_error_not_a_panic() {
        assert!(read_page(b"<a> <b> ", RdfFormat::Turtle, "https://x/").is_err());
        assert!(read_page(
            b"{\"@context\": 5",
            format_of("application/ld+json", "").unwrap(),
            "https://x/"
        )
        .is_err());
    }
}
