//! The index itself: opening it (on disk or in memory), writing documents, searching.
//!
//! One process writes (tantivy's lock file guards the folder); every search reads a
//! snapshot that is replaced after each commit. Each commit records the catalog change
//! sequence it reflects, so a restarted node knows how far behind it is.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError, RwLock};

use ceiba_core::Localized;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, MultiCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{Facet, Value};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};
use uuid::Uuid;

use crate::document::SearchDoc;
use crate::facets::{FacetCounts, FacetField, FacetValue};
use crate::fields::{Fields, SCHEMA_VERSION};
use crate::highlight::{highlight_with, Highlights, Matcher};
use crate::query::{self, Combine, Word};
use crate::remembered::Remembered;
use crate::request::{SearchRequest, Sort, MAX_LIMIT, MAX_OFFSET};
use crate::SearchError;
use ceiba_core::access::Audience;

/// Memory for documents buffered before they are written out (tantivy's minimum is 15 MB).
const WRITER_BYTES: usize = 32 * 1024 * 1024;

/// How far the index has followed the catalog; kept in each commit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexState {
    pub schema: u32,
    /// The catalog's change sequence the index reflects.
    pub seq: i64,
    /// The catalog's reindex generation the index was built under.
    pub generation: i64,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub doc: SearchDoc,
    /// Relevance (0 when sorted by something else).
    pub score: f32,
    pub highlights: Highlights,
}

/// A page of results with the facet counts of all of them.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCounts>,
    /// No dataset had every word: these have some of them.
    pub relaxed: bool,
    /// The words that counted, folded (stop words dropped).
    pub words: Vec<String>,
}

/// Suggestions while typing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Suggestions {
    pub datasets: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub organizations: Vec<(String, String)>,
}

/// The search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Titles of organizations and categories by name (facet labels, suggestions).
    labels: RwLock<HashMap<(FacetField, String), Localized>>,
    /// Results of recent searches, valid until the next commit: the dataset page with no
    /// words, the common words and the facet links repeat far more than they vary.
    recent: Remembered<SearchResults>,
    /// Facet counts of recent searches, valid until the next commit: they depend on the
    /// words, filters and viewer, never on the sort or the page, so the twelve pages and
    /// sorts of one search count facets once (counting them is most of a search's work).
    tallies: Remembered<Vec<FacetCounts>>,
}

/// Searches remembered until the next commit.
const RECENT: usize = 512;
/// Facet counts remembered until the next commit (each a few kilobytes).
const TALLIES: usize = 4_096;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SearchIndex {
    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let fields = Fields::new();
        SearchIndex::with(Index::create_in_ram(fields.schema.clone()), fields)
    }

    /// Opens the index in `dir`, creating it when missing. An index written under another
    /// schema is discarded (it is rebuilt from the catalog). Fails with
    /// [`SearchError::Busy`] when another process holds it.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(dir.display().to_string(), e))?;
        let fields = Fields::new();
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Index(e.to_string()))?;
        let existing = Index::exists(&directory).map_err(|e| SearchError::Index(e.to_string()))?;
        if existing {
            let index = Index::open(directory.clone())?;
            let state = read_state(&index);
            if index.schema() == fields.schema && state.schema == SCHEMA_VERSION {
                return SearchIndex::with(index, fields);
            }
            tracing::info!(dir = %dir.display(), "search index has an old schema; rebuilding");
            drop(index);
            clear_dir(dir)?;
        }
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Index(e.to_string()))?;
        let index = Index::create(directory, fields.schema.clone(), Default::default())?;
        SearchIndex::with(index, fields)
    }

    fn with(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        crate::analysis::register(&index);
        let writer = index
            .writer_with_num_threads(1, WRITER_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy,
                e => SearchError::from(e),
            })?;
        // Files of a commit a killed process did not finish are referenced by nothing;
        // left there, a later commit can need the same name and fail ("file already
        // exists"), and the portal would not start (found by `cli/tests/faults.rs`).
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(error = %e, "could not remove the search index's unused files");
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            labels: RwLock::new(HashMap::new()),
            recent: Remembered::new(RECENT),
            tallies: Remembered::new(TALLIES),
        })
    }

    /// What the last commit recorded (default for an index never committed).
    pub fn state(&self) -> IndexState {
        read_state(&self.index)
    }

    /// Number of documents searchable now.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces every document with `docs`.
    pub fn replace_all(
        &self,
        docs: impl IntoIterator<Item = SearchDoc>,
        state: IndexState,
    ) -> Result<usize, SearchError> {
        let mut writer = lock(&self.writer);
        writer.delete_all_documents()?;
        let mut n = 0;
        for doc in docs {
            writer.add_document(self.to_document(&doc)?)?;
            n += 1;
        }
        self.commit(&mut writer, state)?;
        Ok(n)
    }

    /// Adds or replaces `upserts`, removes `removals`, and records `state`, in one commit.
    pub fn apply(
        &self,
        upserts: &[SearchDoc],
        removals: &[Uuid],
        state: IndexState,
    ) -> Result<(), SearchError> {
        let mut writer = lock(&self.writer);
        for id in removals.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        }
        for doc in upserts {
            writer.add_document(self.to_document(doc)?)?;
        }
        self.commit(&mut writer, state)
    }

    fn commit(&self, writer: &mut IndexWriter, state: IndexState) -> Result<(), SearchError> {
        let state = IndexState {
            schema: SCHEMA_VERSION,
            ..state
        };
        let payload =
            serde_json::to_string(&state).map_err(|e| SearchError::Index(e.to_string()))?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&payload);
        commit.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Sets the titles shown for organization and category names.
    pub fn set_labels(
        &self,
        organizations: Vec<(String, Localized)>,
        categories: Vec<(String, Localized)>,
    ) {
        let mut map = HashMap::new();
        for (name, title) in organizations {
            map.insert((FacetField::Organization, name), title);
        }
        for (name, title) in categories {
            map.insert((FacetField::Groups, name), title);
        }
        *self.labels.write().unwrap_or_else(PoisonError::into_inner) = map;
    }

    /// The title of an organization or category name, when known.
    pub fn label(&self, field: FacetField, name: &str) -> Option<Localized> {
        self.labels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(field, name.to_owned()))
            .cloned()
    }

    fn to_document(&self, d: &SearchDoc) -> Result<TantivyDocument, SearchError> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        let mut text = |name: &str, value: &str| {
            if let Some(tf) = f.text(name) {
                if !value.is_empty() {
                    doc.add_text(tf.field, value);
                }
            }
        };
        text("title_es", &d.title.es);
        text("title_es", &d.name.replace('-', " "));
        text("title_en", d.title.en.as_deref().unwrap_or(""));
        text("description_es", &d.description.es);
        text("description_en", d.description.en.as_deref().unwrap_or(""));
        for t in &d.tags {
            text("tags", t);
        }
        for c in &d.categories {
            text("categories", &c.title.es);
            text("categories", c.title.en.as_deref().unwrap_or(""));
        }
        text("organization", &d.organization.title.es);
        text(
            "organization",
            d.organization.title.en.as_deref().unwrap_or(""),
        );
        text("organization", &d.organization.name);
        for r in d.resources.iter().chain(&d.formats) {
            text("resources", r);
        }
        for c in &d.columns {
            text("columns", c);
        }
        for v in &d.values {
            text("values", v);
        }
        doc.add_text(f.id, d.id.to_string());
        doc.add_text(
            f.visibility,
            if d.is_public() {
                "public"
            } else {
                "restricted"
            },
        );
        doc.add_text(f.organization_id, d.organization_id.to_string());
        doc.add_i64(f.created, d.created.timestamp_millis());
        doc.add_i64(f.modified, d.modified.timestamp_millis());
        doc.add_i64(f.views, d.views);
        doc.add_text(f.title_sort, ceiba_core::text::fold(d.title.es.trim()));
        let facet = |field: FacetField| f.facets[field.index()];
        let mut add = |field: FacetField, value: &str| {
            if !value.trim().is_empty() {
                doc.add_facet(facet(field), field.facet(value));
            }
        };
        for c in &d.categories {
            add(FacetField::Groups, &c.name);
        }
        add(FacetField::Organization, &d.organization.name);
        for t in &d.tags {
            add(FacetField::Tags, t);
        }
        for fmt in &d.formats {
            add(FacetField::ResFormat, fmt);
        }
        add(FacetField::LicenseId, &d.licence_id);
        for y in &d.years {
            add(FacetField::Year, &y.to_string());
        }
        for t in &d.territories {
            add(FacetField::Territory, t);
        }
        let stored = serde_json::to_string(d).map_err(|e| SearchError::Index(e.to_string()))?;
        doc.add_text(f.stored, stored);
        Ok(doc)
    }

    /// One page of results, its total and its facets, in one pass over the index. When no
    /// dataset has every word, datasets with some of them (`relaxed`).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let generation = self.reader.searcher().generation().generation_id();
        let key = format!("{req:?}");
        if let Some(found) = self.recent.get(&key, generation) {
            return Ok(found);
        }
        let found = self.search_with(req, true)?;
        self.recent.put(key, generation, found.clone());
        Ok(found)
    }

    /// [`search`](Self::search) without the memory of recent searches and their facets
    /// (benchmarks).
    pub fn search_uncached(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_with(req, false)
    }

    /// A search, with the memory of recent facet counts when `remember`.
    fn search_with(
        &self,
        req: &SearchRequest,
        remember: bool,
    ) -> Result<SearchResults, SearchError> {
        let words = query::words(&req.q);
        let mut results = self.run(req, &words, Combine::All, remember)?;
        if results.total == 0 && words.len() > 1 {
            results = self.run(req, &words, Combine::Any, remember)?;
            results.relaxed = results.total > 0;
        }
        Ok(results)
    }

    fn run(
        &self,
        req: &SearchRequest,
        words: &[Word],
        combine: Combine,
        remember: bool,
    ) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let query = query::build(&self.fields, req, words, combine);
        let offset = req.offset.min(MAX_OFFSET);
        // TopDocs needs room for one; a zero-row request (facets only) drops it after.
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let generation = searcher.generation().generation_id();
        let tally_key = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{}",
            req.q, req.filters, req.viewer, req.lang, combine, req.facet_limit
        );
        let known = if req.facet_limit == 0 || !remember {
            None
        } else {
            self.tallies.get(&tally_key, generation)
        };
        // Facets are counted only when they are wanted and not known.
        let (facets, handles) = if req.facet_limit > 0 && known.is_none() {
            let mut facets = MultiCollector::new();
            let handles: Vec<_> = FacetField::ALL
                .iter()
                .map(|f| {
                    let mut c = FacetCollector::for_field(f.field_name());
                    c.add_facet(Facet::root());
                    facets.add_collector(c)
                })
                .collect();
            (Some(facets), handles)
        } else {
            (None, Vec::new())
        };
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let sort = match req.sort {
            Sort::Relevance if words.is_empty() => Sort::Newest,
            s => s,
        };
        let (scored, total, facet_fruit): (Vec<(f32, DocAddress)>, usize, _) = match sort {
            Sort::Relevance => searcher.search(&query, &(top.order_by_score(), Count, facets))?,
            Sort::Newest | Sort::Modified | Sort::Views => {
                let field = match sort {
                    Sort::Newest => "created",
                    Sort::Modified => "modified",
                    _ => "views",
                };
                let (docs, total, fruit) = searcher.search(
                    &query,
                    &(
                        top.order_by_fast_field::<i64>(field, Order::Desc),
                        Count,
                        facets,
                    ),
                )?;
                (unscored(docs), total, fruit)
            }
            Sort::Title => {
                let (docs, total, fruit) = searcher.search(
                    &query,
                    &(
                        top.order_by_string_fast_field("title_sort", Order::Asc),
                        Count,
                        facets,
                    ),
                )?;
                (unscored(docs), total, fruit)
            }
        };
        let facet_counts = if let Some(known) = known {
            known
        } else if let Some(mut facet_fruit) = facet_fruit {
            let counted: Vec<FacetCounts> = FacetField::ALL
                .iter()
                .zip(handles)
                .map(|(field, handle)| {
                    let counts = handle.extract(&mut facet_fruit);
                    let mut values: Vec<FacetValue> = counts
                        .get(Facet::root())
                        .map(|(facet, count)| FacetValue {
                            value: facet
                                .to_path()
                                .last()
                                .map(|s| (*s).to_owned())
                                .unwrap_or_default(),
                            count,
                        })
                        .collect();
                    values
                        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                    let distinct = values.len();
                    values.truncate(req.facet_limit);
                    FacetCounts {
                        field: *field,
                        values,
                        distinct,
                    }
                })
                .collect();
            if remember {
                self.tallies.put(tally_key, generation, counted.clone());
            }
            counted
        } else {
            Vec::new()
        };
        let mut hits = Vec::new();
        if req.limit > 0 {
            let mut matcher = Matcher::new(words);
            for (score, address) in scored {
                let doc = self.stored(&searcher, address)?;
                let highlights = highlight_with(&mut matcher, &doc, req.lang);
                hits.push(Hit {
                    doc,
                    score,
                    highlights,
                });
            }
        }
        Ok(SearchResults {
            total,
            hits,
            facets: facet_counts,
            relaxed: false,
            words: words.iter().map(|w| w.folded.clone()).collect(),
        })
    }

    fn stored(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<SearchDoc, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| SearchError::Index("a document without its stored form".into()))?;
        serde_json::from_str(json).map_err(|e| SearchError::Index(e.to_string()))
    }

    /// Datasets, categories and publishers whose names begin with what was typed.
    pub fn suggest(
        &self,
        q: &str,
        viewer: &Audience,
        lang: ceiba_core::Lang,
        limit: usize,
    ) -> Result<Suggestions, SearchError> {
        let words = query::words(q);
        if words.is_empty() {
            return Ok(Suggestions::default());
        }
        let req = SearchRequest {
            q: q.to_owned(),
            limit: limit.clamp(1, 20),
            facet_limit: 0,
            viewer: viewer.clone(),
            lang,
            ..SearchRequest::default()
        };
        let found = self.run(&req, &words, Combine::All, false)?;
        let datasets = found
            .hits
            .into_iter()
            .map(|h| (h.doc.name.clone(), h.doc.title.get(lang).to_owned()))
            .collect();
        let labels = self.labels.read().unwrap_or_else(PoisonError::into_inner);
        let pick = |field: FacetField| {
            let mut found: Vec<(String, String)> = labels
                .iter()
                .filter(|((f, _), _)| *f == field)
                .filter(|((_, name), title)| label_matches(&words, name, title.get(lang)))
                .map(|((_, name), title)| (name.clone(), title.get(lang).to_owned()))
                .collect();
            found.sort_by(|a, b| a.1.cmp(&b.1));
            found.truncate(limit.min(5));
            found
        };
        Ok(Suggestions {
            categories: pick(FacetField::Groups),
            organizations: pick(FacetField::Organization),
            datasets,
        })
    }
}

/// Every word begins a word of the title or name (typo-tolerant like the search).
fn label_matches(words: &[Word], name: &str, title: &str) -> bool {
    let text = format!(
        "{} {}",
        ceiba_core::text::fold(title),
        name.replace('-', " ")
    );
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    words.iter().all(|w| {
        tokens.iter().any(|t| {
            t.starts_with(&w.folded)
                || (w.fuzzy && crate::analysis::within_one_edit(t, &w.folded))
                || w.spanish.as_deref() == Some(&crate::analysis::spanish_light_stem(t))
        })
    })
}

fn unscored<K>(docs: Vec<(K, DocAddress)>) -> Vec<(f32, DocAddress)> {
    docs.into_iter().map(|(_, a)| (0.0, a)).collect()
}

fn read_state(index: &Index) -> IndexState {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}

fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let io = |e| SearchError::Io(dir.display().to_string(), e);
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() {
            std::fs::remove_file(&path).map_err(io)?;
        }
    }
    Ok(())
}
