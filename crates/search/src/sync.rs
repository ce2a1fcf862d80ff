//! Following the catalog: building documents from it, rebuilding the whole index, and
//! catching up with the catalog's change sequence (every write to a dataset, its resources
//! or its tables takes the next number, in commit order).
//!
//! A node runs [`Indexer::spawn`]: every half second it asks the catalog for changes after
//! the sequence its index last recorded, so several nodes sharing one PostgreSQL each keep
//! their own index current. `ceiba reindex` bumps the catalog's index generation, and
//! every node rebuilds when it sees a generation other than its index's.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ceiba_core::territory::{self, Territory, DEPARTMENTS};
use ceiba_core::{ColumnType, DatasetState, IngestedTable, Localized};
use ceiba_store::Catalog;
use chrono::Datelike;
use uuid::Uuid;

use crate::document::{distinct, shorten, years_between, Named, SearchDoc, DESCRIPTION_CHARS};
use crate::index::{IndexState, SearchIndex};
use crate::SearchError;

/// Datasets read from the catalog per batch.
const BATCH: usize = 500;
/// Longest value kept as a distinctive value; longer texts are prose, not names.
const MAX_VALUE_CHARS: usize = 80;

/// Keeps a [`SearchIndex`] in step with a [`Catalog`].
#[derive(Clone)]
pub struct Indexer {
    catalog: Catalog,
    index: Arc<SearchIndex>,
    /// One rebuild or catch-up at a time; holds when the titles were last read.
    running: Arc<tokio::sync::Mutex<Option<Instant>>>,
}

/// How often titles of publishers and categories are read again: renaming one does not
/// change any dataset's sequence number.
const LABELS_EVERY: Duration = Duration::from_secs(60);

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub rebuilt: bool,
    /// Documents written (all of them on a rebuild).
    pub written: usize,
    pub removed: usize,
}

impl Indexer {
    pub fn new(catalog: Catalog, index: Arc<SearchIndex>) -> Indexer {
        Indexer {
            catalog,
            index,
            running: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Rebuilds the index from the catalog.
    pub async fn rebuild(&self) -> Result<SyncReport, SearchError> {
        let mut labels_read = self.running.lock().await;
        self.rebuild_locked(&mut labels_read).await
    }

    async fn rebuild_locked(
        &self,
        labels_read: &mut Option<Instant>,
    ) -> Result<SyncReport, SearchError> {
        // Read the position first: changes made while reading get later numbers and are
        // picked up by the next catch-up.
        let generation = self.catalog.index_generation().await?;
        let seq = self.catalog.change_seq().await?;
        self.refresh_labels(labels_read).await?;
        let ids = self.catalog.dataset_ids().await?;
        let mut docs = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            docs.extend(self.documents(chunk).await?.into_iter().flatten());
        }
        let written = self.index.replace_all(
            docs,
            IndexState {
                schema: 0,
                seq,
                generation,
            },
        )?;
        tracing::info!(datasets = written, seq, "search index rebuilt");
        Ok(SyncReport {
            rebuilt: true,
            written,
            removed: 0,
        })
    }

    /// Brings the index up to date: a rebuild when it was never built, was built under
    /// another generation or schema, or is ahead of the catalog (a restored backup);
    /// otherwise the datasets changed since its last commit.
    pub async fn catch_up(&self) -> Result<SyncReport, SearchError> {
        let mut labels_read = self.running.lock().await;
        let state = self.index.state();
        let generation = self.catalog.index_generation().await?;
        let seq = self.catalog.change_seq().await?;
        if state.schema != crate::fields::SCHEMA_VERSION
            || state.generation != generation
            || state.seq > seq
        {
            return self.rebuild_locked(&mut labels_read).await;
        }
        let mut report = SyncReport::default();
        let mut at = state.seq;
        let stale = labels_read.is_none_or(|t| t.elapsed() >= LABELS_EVERY);
        if at < seq || stale {
            self.refresh_labels(&mut labels_read).await?;
        }
        if at == seq {
            return Ok(report);
        }
        loop {
            let changed = self.catalog.changed_since(at, BATCH as i64).await?;
            let Some(&(_, last)) = changed.last() else {
                break;
            };
            let ids: Vec<Uuid> = changed.iter().map(|(id, _)| *id).collect();
            let docs = self.documents(&ids).await?;
            let mut upserts = Vec::new();
            let mut removals = Vec::new();
            for (id, doc) in ids.iter().zip(docs) {
                match doc {
                    Some(d) => upserts.push(d),
                    None => removals.push(*id),
                }
            }
            self.index.apply(
                &upserts,
                &removals,
                IndexState {
                    schema: 0,
                    seq: last,
                    generation,
                },
            )?;
            report.written += upserts.len();
            report.removed += removals.len();
            at = last;
            if changed.len() < BATCH {
                break;
            }
        }
        Ok(report)
    }

    /// Follows the catalog in the background, every `every`. Errors are logged and the
    /// next pass tries again.
    pub fn spawn(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match self.catch_up().await {
                    Ok(r) if r.rebuilt || r.written + r.removed > 0 => {
                        tracing::debug!(?r, "search index updated")
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "search index could not follow the catalog")
                    }
                }
            }
        })
    }

    async fn refresh_labels(&self, read: &mut Option<Instant>) -> Result<(), SearchError> {
        *read = Some(Instant::now());
        let orgs = self.catalog.organizations().await?;
        let cats = self.catalog.categories().await?;
        self.index.set_labels(
            orgs.into_iter()
                .map(|o| (o.item.name, o.item.title))
                .collect(),
            cats.into_iter()
                .map(|c| (c.item.name, c.item.title))
                .collect(),
        );
        Ok(())
    }

    /// The documents of `ids`, in order; `None` for datasets deleted or gone.
    async fn documents(&self, ids: &[Uuid]) -> Result<Vec<Option<SearchDoc>>, SearchError> {
        let c = &self.catalog;
        let datasets = c.datasets_by_ids(ids).await?;
        let resources = c.resources_of_datasets(ids).await?;
        let versions: Vec<Uuid> = resources
            .iter()
            .filter_map(|r| r.current_version_id)
            .collect();
        let tables = c.tables_of_versions(&versions).await?;
        let views = c.dataset_views(ids).await?;
        let orgs: HashMap<Uuid, Named> = c
            .organizations()
            .await?
            .into_iter()
            .map(|o| {
                (
                    o.item.id,
                    Named {
                        name: o.item.name,
                        title: o.item.title,
                    },
                )
            })
            .collect();
        let cats: HashMap<String, Named> = c
            .categories()
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.item.name.clone(),
                    Named {
                        name: c.item.name,
                        title: c.item.title,
                    },
                )
            })
            .collect();
        let mut tables_of: HashMap<Uuid, Vec<&IngestedTable>> = HashMap::new();
        for t in &tables {
            tables_of.entry(t.version_id).or_default().push(t);
        }
        let by_id: HashMap<Uuid, &ceiba_core::Dataset> =
            datasets.iter().map(|d| (d.id, d)).collect();
        Ok(ids
            .iter()
            .map(|id| {
                let d = by_id.get(id)?;
                if d.state == DatasetState::Deleted {
                    return None;
                }
                let own: Vec<&ceiba_core::Resource> =
                    resources.iter().filter(|r| r.dataset_id == *id).collect();
                let tables: Vec<&IngestedTable> = own
                    .iter()
                    .filter_map(|r| r.current_version_id)
                    .flat_map(|v| tables_of.get(&v).cloned().unwrap_or_default())
                    .collect();
                Some(document(
                    d,
                    orgs.get(&d.organization_id).cloned().unwrap_or_default(),
                    d.categories
                        .iter()
                        .map(|n| {
                            cats.get(n).cloned().unwrap_or_else(|| Named {
                                name: n.clone(),
                                title: Localized::new(n.clone(), ""),
                            })
                        })
                        .collect(),
                    &own,
                    &tables,
                    views.get(id).copied().unwrap_or(0),
                ))
            })
            .collect())
    }
}

/// The index's view of one dataset.
pub fn document(
    d: &ceiba_core::Dataset,
    organization: Named,
    categories: Vec<Named>,
    resources: &[&ceiba_core::Resource],
    tables: &[&IngestedTable],
    views: i64,
) -> SearchDoc {
    let plain = |md: &str| shorten(&markdown_text(md), DESCRIPTION_CHARS);
    let mut formats: Vec<String> = Vec::new();
    for r in resources {
        let f = r.format.trim().to_uppercase();
        if !f.is_empty() && !formats.contains(&f) {
            formats.push(f);
        }
    }
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for t in tables {
        for c in &t.columns {
            columns.push(c.name.replace('_', " "));
            columns.push(c.label.clone());
            if c.column_type == ColumnType::Text {
                values.extend(
                    c.stats
                        .top
                        .iter()
                        .filter(|v| v.value.chars().count() <= MAX_VALUE_CHARS)
                        .map(|v| v.value.clone()),
                );
                if covers_all_departments(c) {
                    values.extend(DEPARTMENTS.iter().map(|(_, name)| (*name).to_owned()));
                }
            }
        }
    }
    for code in &d.spatial {
        match territory::resolve(code) {
            Some(Territory::Country) => values.push("Guatemala".to_owned()),
            Some(Territory::Department(_, name)) => values.push(name.to_owned()),
            Some(Territory::Municipality(code, name)) => {
                values.push(name.to_owned());
                if let Some(dep) = territory::department_name(&code[..2]) {
                    values.push(dep.to_owned());
                }
            }
            None => {}
        }
    }
    let territories = territories(d, tables);
    SearchDoc {
        territories,
        id: d.id,
        name: d.name.clone(),
        title: d.title.clone(),
        description: Localized {
            es: plain(&d.description.es),
            en: d.description.en.as_deref().map(plain),
        },
        organization_id: d.organization_id,
        organization,
        categories,
        tags: d.tags.clone(),
        formats,
        resources: distinct(
            resources
                .iter()
                .flat_map(|r| [r.name.clone(), r.description.clone()]),
        ),
        columns: distinct(columns),
        values: distinct(values),
        licence_id: d.licence_id.clone(),
        years: years_between(
            d.temporal.start.map(|s| s.year()),
            d.temporal.end.map(|e| e.year()),
        ),
        created: d.created,
        modified: d.modified,
        views,
        private: d.private,
        state: d.state,
    }
}

/// Distinct codes of a municipality column that stand for the whole country (of 340; a
/// few are often missing or merged).
const NEARLY_ALL_MUNICIPALITIES: u64 = 300;

/// Where a dataset has data, for the territory facet: `GT` when its coverage is the
/// country, and every department too when a table has rows for (about) all of them; the
/// departments its
/// coverage names; and the departments of its tables' territory columns' frequent
/// values (ingest keeps the ten most frequent: a table of one department's
/// municipalities names that department).
fn territories(d: &ceiba_core::Dataset, tables: &[&IngestedTable]) -> Vec<String> {
    use ceiba_core::territory_column::{normalise, recognise_column, Level};
    let mut found: BTreeSet<&'static str> = BTreeSet::new();
    let mut country = false;
    let mut every_department = false;
    for code in &d.spatial {
        match territory::resolve(code) {
            Some(Territory::Country) => country = true,
            Some(Territory::Department(c, _)) => {
                found.insert(c);
            }
            Some(Territory::Municipality(c, _)) => {
                if let Some(dep) = c.get(..2).and_then(territory::department_code) {
                    found.insert(dep);
                }
            }
            None => {}
        }
    }
    for c in tables.iter().flat_map(|t| &t.columns) {
        let Some(t) = recognise_column(c) else {
            continue;
        };
        // (About) every territory of the level: its ten most frequent values stand for all.
        let every = match t.level {
            Level::Department => covers_all_departments(c),
            Level::Municipality => c.stats.distinct >= NEARLY_ALL_MUNICIPALITIES,
        };
        if every {
            every_department = true;
            continue;
        }
        for v in &c.stats.top {
            let dep = normalise(t.level, t.kind, &v.value, None).and_then(|code| match t.level {
                Level::Department => Some(code),
                Level::Municipality => code.get(..2).and_then(territory::department_code),
            });
            if let Some(dep) = dep {
                found.insert(dep);
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    if country || every_department {
        out.push("GT".to_owned());
    }
    if every_department {
        out.extend(DEPARTMENTS.iter().map(|(code, _)| (*code).to_owned()));
    } else {
        out.extend(found.into_iter().map(str::to_owned));
    }
    out
}

/// A column of department names or codes that holds (about) all 22: its top values, which
/// only show ten, stand for all of them.
fn covers_all_departments(c: &ceiba_core::Column) -> bool {
    if c.stats.distinct < DEPARTMENTS.len() as u64
        || c.stats.distinct > DEPARTMENTS.len() as u64 + 2
    {
        return false;
    }
    let known = c
        .stats
        .top
        .iter()
        .filter(|v| {
            territory::department_code(&v.value).is_some()
                || DEPARTMENTS
                    .iter()
                    .any(|(_, n)| ceiba_core::text::fold(n) == ceiba_core::text::fold(&v.value))
        })
        .count();
    !c.stats.top.is_empty() && known * 10 >= c.stats.top.len() * 8
}

/// The text of Markdown, without its markup.
fn markdown_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(md.len());
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::TableRow,
            ) if !out.ends_with(' ') && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            markdown_text(
                "# Título\n\nDatos de **pobreza** por [municipio](http://x).\n\n- uno\n- dos"
            ),
            "Título Datos de pobreza por municipio. uno dos"
        );
    }
}
