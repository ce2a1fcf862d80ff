//! DCAT-AP 3.0 for the catalog (`/catalog.ttl|.jsonld|.rdf`, paged with Hydra) and each
//! public dataset (`/dataset/{name}.ttl|.jsonld|.rdf`), serialised by `oxrdfio`. Every
//! field of the model is mapped; the query API is a `dcat:DataService`. Only public,
//! active datasets are described.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ceiba_core::territory::{resolve, Territory};
use ceiba_core::{Category, Dataset, Licence, Organization, Resource};
use ceiba_store::{DatasetFilter, DatasetSort};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxrdfio::{RdfFormat, RdfSerializer};

use crate::SharedState;

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SPDX: &str = "http://spdx.org/rdf/terms#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// Datasets per catalog page.
const PAGE: i64 = 100;

fn iri(s: &str) -> NamedNode {
    NamedNode::new(s).unwrap_or_else(|_| NamedNode::new_unchecked("urn:invalid"))
}

fn term(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// The triples of a description, gathered before serialising.
struct Graph {
    triples: Vec<Triple>,
    site: String,
    /// The tables of the versions in service, by version: their columns are the
    /// distributions' data dictionaries.
    tables: std::collections::HashMap<uuid::Uuid, Vec<ceiba_core::IngestedTable>>,
}

/// Columns a distribution's dictionary lists (a wider table is summarised).
const DICTIONARY_COLUMNS: usize = 300;

/// The tables of `resources`' versions in service, by version.
async fn tables_of(
    catalog: &ceiba_store::Catalog,
    resources: &[&Resource],
) -> Result<
    std::collections::HashMap<uuid::Uuid, Vec<ceiba_core::IngestedTable>>,
    ceiba_store::StoreError,
> {
    let versions: Vec<uuid::Uuid> = resources
        .iter()
        .filter_map(|r| r.current_version_id)
        .collect();
    let mut by_version: std::collections::HashMap<uuid::Uuid, Vec<ceiba_core::IngestedTable>> =
        std::collections::HashMap::new();
    for t in catalog.tables_of_versions(&versions).await? {
        by_version.entry(t.version_id).or_default().push(t);
    }
    Ok(by_version)
}

impl Graph {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        self.triples.push(Triple::new(s.into(), p, o.into()));
    }

    fn text(
        &mut self,
        s: impl Into<NamedOrBlankNode> + Clone,
        p: NamedNode,
        text: &str,
        lang: &str,
    ) {
        if text.trim().is_empty() {
            return;
        }
        let lit = Literal::new_language_tagged_literal(text, lang)
            .unwrap_or_else(|_| Literal::new_simple_literal(text));
        self.add(s, p, lit);
    }

    fn typed(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        value: String,
        datatype: oxrdf::NamedNodeRef<'_>,
    ) {
        self.add(s, p, Literal::new_typed_literal(value, datatype));
    }

    /// A web address, typed as the profile wants it (`rdfs:Resource`).
    fn resource(&mut self, node: NamedNode) {
        self.add(
            node,
            rdf::TYPE.into_owned(),
            NamedNode::new_unchecked("http://www.w3.org/2000/01/rdf-schema#Resource"),
        );
    }

    fn agent(&mut self, o: &Organization) -> NamedNode {
        let node = iri(&format!("{}/organization/{}", self.site, o.name));
        self.add(node.clone(), rdf::TYPE.into_owned(), term(FOAF, "Agent"));
        self.text(node.clone(), term(FOAF, "name"), &o.title.es, "es");
        if let Some(en) = &o.title.en {
            self.text(node.clone(), term(FOAF, "name"), en, "en");
        }
        node
    }

    fn dataset(
        &mut self,
        d: &Dataset,
        org: Option<&Organization>,
        categories: &[Category],
        resources: &[Resource],
    ) -> NamedNode {
        let page = format!("{}/dataset/{}", self.site, d.name);
        let node = iri(&page);
        let ty = rdf::TYPE.into_owned();
        self.add(node.clone(), ty.clone(), term(DCAT, "Dataset"));
        self.text(node.clone(), term(DCT, "title"), &d.title.es, "es");
        if let Some(en) = &d.title.en {
            self.text(node.clone(), term(DCT, "title"), en, "en");
        }
        let description = if d.description.es.trim().is_empty() {
            &d.title.es
        } else {
            &d.description.es
        };
        self.text(node.clone(), term(DCT, "description"), description, "es");
        if let Some(en) = &d.description.en {
            self.text(node.clone(), term(DCT, "description"), en, "en");
        }
        self.add(
            node.clone(),
            term(DCT, "identifier"),
            Literal::new_simple_literal(d.id.to_string()),
        );
        for tag in &d.tags {
            self.text(node.clone(), term(DCAT, "keyword"), tag, "es");
        }
        for c in categories.iter().filter(|c| d.categories.contains(&c.name)) {
            let theme = iri(&format!("{}/group/{}", self.site, c.name));
            self.add(node.clone(), term(DCAT, "theme"), theme.clone());
            self.add(theme.clone(), ty.clone(), term(SKOS, "Concept"));
            self.text(theme, term(SKOS, "prefLabel"), &c.title.es, "es");
        }
        if let Some(o) = org {
            let agent = self.agent(o);
            self.add(node.clone(), term(DCT, "publisher"), agent);
        }
        if d.contact.name.is_some() || d.contact.email.is_some() {
            let contact = BlankNode::default();
            self.add(node.clone(), term(DCAT, "contactPoint"), contact.clone());
            self.add(contact.clone(), ty.clone(), term(VCARD, "Kind"));
            if let Some(n) = &d.contact.name {
                self.add(
                    contact.clone(),
                    term(VCARD, "fn"),
                    Literal::new_simple_literal(n),
                );
            }
            if let Some(e) = &d.contact.email {
                self.add(
                    contact,
                    term(VCARD, "hasEmail"),
                    iri(&format!("mailto:{e}")),
                );
            }
        }
        self.typed(
            node.clone(),
            term(DCT, "issued"),
            d.created.to_rfc3339(),
            xsd::DATE_TIME,
        );
        self.typed(
            node.clone(),
            term(DCT, "modified"),
            d.modified.to_rfc3339(),
            xsd::DATE_TIME,
        );
        if d.temporal.start.is_some() || d.temporal.end.is_some() {
            let period = BlankNode::default();
            self.add(node.clone(), term(DCT, "temporal"), period.clone());
            self.add(period.clone(), ty.clone(), term(DCT, "PeriodOfTime"));
            if let Some(s) = d.temporal.start {
                self.typed(
                    period.clone(),
                    term(DCAT, "startDate"),
                    s.to_string(),
                    xsd::DATE,
                );
            }
            if let Some(e) = d.temporal.end {
                self.typed(period, term(DCAT, "endDate"), e.to_string(), xsd::DATE);
            }
        }
        for code in &d.spatial {
            let Some(t) = resolve(code) else { continue };
            let (code, name) = match t {
                Territory::Country => ("GT", "Guatemala"),
                Territory::Department(c, n) | Territory::Municipality(c, n) => (c, n),
            };
            let place = iri(&format!("{}/territory/{code}", self.site));
            self.add(node.clone(), term(DCT, "spatial"), place.clone());
            self.add(place.clone(), ty.clone(), term(DCT, "Location"));
            self.text(place, term(SKOS, "prefLabel"), name, "es");
        }
        if let Some(f) = d.frequency {
            let freq = iri(&f.uri());
            self.add(node.clone(), term(DCT, "accrualPeriodicity"), freq.clone());
            self.add(freq, ty.clone(), term(DCT, "Frequency"));
        }
        if let Some(v) = &d.version {
            self.add(
                node.clone(),
                term(DCAT, "version"),
                Literal::new_simple_literal(v),
            );
        }
        let landing = iri(&page);
        self.add(node.clone(), term(DCAT, "landingPage"), landing.clone());
        self.add(landing, ty.clone(), term(FOAF, "Document"));
        // Where the data comes from, as a page about it (DCAT-AP's `dct:source` is for
        // source datasets only).
        if let Some(source) = &d.source_url {
            let doc = iri(source);
            self.add(node.clone(), term(FOAF, "page"), doc.clone());
            self.add(doc, ty.clone(), term(FOAF, "Document"));
        }
        let rights = term(ACCESS_RIGHT, "PUBLIC");
        self.add(node.clone(), term(DCT, "accessRights"), rights.clone());
        self.add(rights, ty.clone(), term(DCT, "RightsStatement"));
        let licence = Licence::find(&d.licence_id)
            .filter(|l| !l.url.is_empty())
            .map(|l| iri(l.url));
        for r in resources {
            let dist = self.distribution(&page, r, licence.as_ref());
            self.add(node.clone(), term(DCAT, "distribution"), dist);
        }
        node
    }

    fn distribution(&mut self, page: &str, r: &Resource, licence: Option<&NamedNode>) -> NamedNode {
        let ty = rdf::TYPE.into_owned();
        let url = format!("{page}/resource/{}", r.id);
        let node = iri(&url);
        self.add(node.clone(), ty.clone(), term(DCAT, "Distribution"));
        self.text(node.clone(), term(DCT, "title"), &r.name, "es");
        self.text(node.clone(), term(DCT, "description"), &r.description, "es");
        let (access, download) = if r.is_upload() {
            (iri(&url), Some(iri(&format!("{url}/download"))))
        } else {
            (r.url.as_deref().map_or_else(|| iri(&url), iri), None)
        };
        self.add(node.clone(), term(DCAT, "accessURL"), access.clone());
        self.resource(access);
        if let Some(d) = download {
            self.add(node.clone(), term(DCAT, "downloadURL"), d.clone());
            self.resource(d);
        }
        if let Some(mt) = &r.media_type {
            let media = iri(&format!(
                "https://www.iana.org/assignments/media-types/{mt}"
            ));
            self.add(node.clone(), term(DCAT, "mediaType"), media.clone());
            self.add(media, ty.clone(), term(DCT, "MediaType"));
        }
        if !r.format.is_empty() {
            let format = iri(&format!("{FILE_TYPE}{}", r.format.to_uppercase()));
            self.add(node.clone(), term(DCT, "format"), format.clone());
            self.add(format, ty.clone(), term(DCT, "MediaTypeOrExtent"));
        }
        self.dictionary(node.clone(), page, r);
        if let Some(size) = r.size.filter(|s| *s >= 0) {
            self.typed(
                node.clone(),
                term(DCAT, "byteSize"),
                size.to_string(),
                xsd::NON_NEGATIVE_INTEGER,
            );
        }
        if let Some(sha) = &r.sha256 {
            let checksum = BlankNode::default();
            self.add(node.clone(), term(SPDX, "checksum"), checksum.clone());
            self.add(checksum.clone(), ty.clone(), term(SPDX, "Checksum"));
            let algorithm = term(SPDX, "checksumAlgorithm_sha256");
            self.add(checksum.clone(), term(SPDX, "algorithm"), algorithm.clone());
            self.add(algorithm, ty.clone(), term(SPDX, "ChecksumAlgorithm"));
            self.typed(
                checksum,
                term(SPDX, "checksumValue"),
                sha.clone(),
                xsd::HEX_BINARY,
            );
        }
        if let Some(l) = licence {
            self.add(node.clone(), term(DCT, "license"), l.clone());
            self.add(l.clone(), ty.clone(), term(DCT, "LicenseDocument"));
        }
        self.typed(
            node.clone(),
            term(DCT, "issued"),
            r.created.to_rfc3339(),
            xsd::DATE_TIME,
        );
        self.typed(
            node.clone(),
            term(DCT, "modified"),
            r.modified.to_rfc3339(),
            xsd::DATE_TIME,
        );
        node
    }

    /// The data dictionary of an ingested table: the distribution conforms to its Table
    /// Schema (in the dataset's data package), described column by column.
    fn dictionary(&mut self, node: NamedNode, page: &str, r: &Resource) {
        let Some(tables) = r.current_version_id.and_then(|v| self.tables.get(&v)) else {
            return;
        };
        let mut lines = Vec::new();
        let mut count = 0;
        for t in tables {
            for c in &t.columns {
                count += 1;
                if lines.len() < DICTIONARY_COLUMNS {
                    let mut line = format!("{} ({})", c.name, c.column_type.as_str());
                    if !c.label.is_empty() && c.label != c.name {
                        line.push_str(&format!(" «{}»", c.label));
                    }
                    if !c.description.trim().is_empty() {
                        line.push_str(&format!(": {}", c.description.trim()));
                    }
                    if !c.unit.trim().is_empty() {
                        line.push_str(&format!(" [{}]", c.unit.trim()));
                    }
                    lines.push(line);
                }
            }
        }
        if count > lines.len() {
            lines.push(format!("… {} columnas más", count - lines.len()));
        }
        let schema = iri(&format!("{page}/datapackage.json#{}", r.id));
        self.add(node, term(DCT, "conformsTo"), schema.clone());
        self.add(
            schema.clone(),
            rdf::TYPE.into_owned(),
            term(DCT, "Standard"),
        );
        self.text(
            schema.clone(),
            term(DCT, "title"),
            &format!("Table Schema: {}", r.name),
            "es",
        );
        self.text(schema, term(DCT, "description"), &lines.join("\n"), "es");
    }

    fn serialize(self, format: RdfFormat) -> std::io::Result<Vec<u8>> {
        let mut serializer = RdfSerializer::from_format(format);
        for (p, ns) in [
            ("dcat", DCAT),
            ("dct", DCT),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
            ("spdx", SPDX),
            ("hydra", HYDRA),
        ] {
            serializer = serializer
                .with_prefix(p, ns)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        let mut out = serializer.for_writer(Vec::new());
        for t in &self.triples {
            out.serialize_triple(t)?;
        }
        out.finish()
    }
}

/// The format an extension asks for.
fn format_of(ext: &str) -> Option<(RdfFormat, &'static str)> {
    match ext {
        "ttl" => Some((RdfFormat::Turtle, "text/turtle; charset=utf-8")),
        "rdf" => Some((RdfFormat::RdfXml, "application/rdf+xml; charset=utf-8")),
        "jsonld" => {
            RdfFormat::from_extension("jsonld").map(|f| (f, "application/ld+json; charset=utf-8"))
        }
        _ => None,
    }
}

/// The RDF serialisation an `Accept` header asks for, when it does not also take HTML
/// (a browser's does): `ttl`, `jsonld` or `rdf`.
pub fn negotiated(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers
        .get(header::ACCEPT)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    if accept.contains("text/html") {
        return None;
    }
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
    ]
    .into_iter()
    .find(|(media, _)| accept.contains(media))
    .map(|(_, ext)| ext)
}

fn answer(g: Graph, format: RdfFormat, media: &'static str) -> Response {
    match g.serialize(format) {
        Ok(bytes) => ([(header::CONTENT_TYPE, media)], bytes).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "DCAT serialisation");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `/dataset/{name}.ttl|.jsonld|.rdf`, for public, active datasets.
pub async fn dataset_file(
    state: &SharedState,
    headers: &HeaderMap,
    name: &str,
    ext: &str,
) -> Response {
    let Some((format, media)) = format_of(ext) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found = async {
        let Some(d) = state
            .catalog
            .dataset(name)
            .await?
            .filter(crate::structured::describable)
        else {
            return Ok(None);
        };
        let org = state
            .catalog
            .organization(&d.organization_id.to_string())
            .await?;
        let categories: Vec<Category> = state
            .catalog
            .categories()
            .await?
            .into_iter()
            .map(|c| c.item)
            .collect();
        let resources = state.catalog.resources_of(d.id).await?;
        let mut g = Graph {
            triples: Vec::new(),
            site: crate::http::site_url(state, headers),
            tables: tables_of(&state.catalog, &resources.iter().collect::<Vec<_>>()).await?,
        };
        g.dataset(&d, org.as_ref(), &categories, &resources);
        Ok::<_, ceiba_store::StoreError>(Some(g))
    }
    .await;
    match found {
        Ok(Some(g)) => answer(g, format, media),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::error::store_unavailable(e),
    }
}

/// `/catalog.ttl|.jsonld|.rdf`: the catalog, its API as a `dcat:DataService`, and one page
/// of public datasets (`page`, 1-based; `modified_since`, an ISO date; `q`, words in the
/// title or name) with Hydra paging.
pub async fn catalog(
    State(state): State<SharedState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    RawQuery(q): RawQuery,
) -> Response {
    let file = uri.path().trim_start_matches('/').to_owned();
    let Some((format, media)) = file.strip_prefix("catalog.").and_then(format_of) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let pairs = crate::http::query_pairs(q.as_deref());
    let param = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
    };
    let page = param("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    let since = param("modified_since").and_then(|s| {
        chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d").ok()
    });
    let site = crate::http::site_url(&state, &headers);
    let built = async {
        let listing = state
            .catalog
            .datasets(&DatasetFilter {
                sort: DatasetSort::Modified,
                limit: PAGE,
                offset: (page - 1) * PAGE,
                // Words in the title or name.
                text: param("q").filter(|q| !q.is_empty() && q.chars().count() <= 200),
                ..Default::default()
            })
            .await?;
        let orgs = state.catalog.organizations().await?;
        let categories: Vec<Category> = state
            .catalog
            .categories()
            .await?
            .into_iter()
            .map(|c| c.item)
            .collect();
        let mut g = Graph {
            triples: Vec::new(),
            site: site.clone(),
            tables: Default::default(),
        };
        let ty = rdf::TYPE.into_owned();
        let cat = iri(&format!("{site}/catalog"));
        g.add(cat.clone(), ty.clone(), term(DCAT, "Catalog"));
        g.text(
            cat.clone(),
            term(DCT, "title"),
            &state.config.site_name,
            "es",
        );
        g.text(
            cat.clone(),
            term(DCT, "description"),
            &state.i18n.t(ceiba_core::Lang::Es, "footer-about", &[]),
            "es",
        );
        let home = iri(&format!("{site}/"));
        g.add(cat.clone(), term(FOAF, "homepage"), home.clone());
        g.add(home, ty.clone(), term(FOAF, "Document"));
        let portal_agent = iri(&format!("{site}/"));
        g.add(cat.clone(), term(DCT, "publisher"), portal_agent.clone());
        g.add(portal_agent.clone(), ty.clone(), term(FOAF, "Agent"));
        g.text(
            portal_agent,
            term(FOAF, "name"),
            &state.config.site_name,
            "es",
        );
        // The query API.
        let service = iri(&format!("{site}/api/3/action/"));
        g.add(cat.clone(), term(DCAT, "service"), service.clone());
        g.add(service.clone(), ty.clone(), term(DCAT, "DataService"));
        g.text(
            service.clone(),
            term(DCT, "title"),
            "API de datos (CKAN Action API y DataStore)",
            "es",
        );
        let endpoint = iri(&format!("{site}/api/3/action/"));
        let description = iri(&format!("{site}/api/v1/openapi.json"));
        g.add(service.clone(), term(DCAT, "endpointURL"), endpoint.clone());
        g.add(
            service,
            term(DCAT, "endpointDescription"),
            description.clone(),
        );
        g.resource(endpoint);
        g.resource(description);
        if let Some(first) = listing.items.first() {
            g.typed(
                cat.clone(),
                term(DCT, "modified"),
                first.modified.to_rfc3339(),
                xsd::DATE_TIME,
            );
        }
        let ids: Vec<_> = listing.items.iter().map(|d| d.id).collect();
        let all_resources = state.catalog.resources_by_dataset(&ids).await?;
        g.tables = tables_of(
            &state.catalog,
            &all_resources.values().flatten().collect::<Vec<_>>(),
        )
        .await?;
        for d in listing
            .items
            .iter()
            .filter(|d| crate::structured::describable(d))
        {
            if since.is_some_and(|s| d.modified.date_naive() < s) {
                continue;
            }
            let org = orgs
                .iter()
                .find(|o| o.item.id == d.organization_id)
                .map(|o| &o.item);
            let resources = all_resources.get(&d.id).map_or(&[][..], Vec::as_slice);
            let node = g.dataset(d, org, &categories, resources);
            g.add(cat.clone(), term(DCAT, "dataset"), node);
        }
        // Hydra paging.
        let pages = ((listing.total + PAGE - 1) / PAGE).max(1);
        let this = |n: i64| iri(&format!("{site}/{file}?page={n}"));
        let view = this(page);
        g.add(
            view.clone(),
            ty.clone(),
            term(HYDRA, "PartialCollectionView"),
        );
        g.add(view.clone(), term(HYDRA, "first"), this(1));
        g.add(view.clone(), term(HYDRA, "last"), this(pages));
        if page > 1 {
            g.add(view.clone(), term(HYDRA, "previous"), this(page - 1));
        }
        if page < pages {
            g.add(view.clone(), term(HYDRA, "next"), this(page + 1));
        }
        g.typed(
            view,
            term(HYDRA, "totalItems"),
            listing.total.to_string(),
            xsd::NON_NEGATIVE_INTEGER,
        );
        Ok::<_, ceiba_store::StoreError>(g)
    }
    .await;
    match built {
        Ok(g) => answer(g, format, media),
        Err(e) => crate::error::store_unavailable(e),
    }
}
