//! The search benchmark: a generated catalog of N datasets (10,000 by default) in the
//! store, the index rebuilt from it and caught up after edits, and searches with facets
//! timed in-process.
//!
//! ```text
//! cargo run --release -p ceiba-search --example search_bench -- [--datasets N] [--runs R]
//!     [--data DIR] [--seed S] [--in-place]
//! ```
//!
//! `--data DIR` leaves the catalog where `ceiba serve --data DIR` finds it
//! (`DIR/catalog.db`, `DIR/files/`, the index in `DIR/search`); an existing
//! `DIR/catalog.db` is reused instead of generated. Without it everything goes in a
//! temporary folder.
//!
//! The store writes one transaction per call, and on a disk every commit waits for
//! fsync (several for SQLite's rollback journal); so the catalog is generated in a
//! scratch folder on `/dev/shm` when there is one and the finished file copied into
//! place. `--in-place` generates straight into the target folder instead.
//!
//! Prints one JSON line per measurement. Latencies are microseconds over R searches
//! (default 2,000), after a warm-up, cycling through a mix of queries like the search
//! page's (20 results, 12 values per facet).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ceiba_core::access::Audience;
use ceiba_core::Lang;
use ceiba_demo::bulk::generate;
use ceiba_search::{FacetField, Indexer, SearchIndex, SearchRequest, Sort};
use ceiba_store::Catalog;
use serde_json::json;

type Error = Box<dyn std::error::Error>;

// ---------------------------------------------------------------------------------------
// Measuring.

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// p50/p95/p99/max of microsecond timings.
fn summary(times: &[f64]) -> serde_json::Value {
    let mut s = times.to_vec();
    s.sort_by(f64::total_cmp);
    json!({
        "runs": s.len(),
        "p50_us": round(percentile(&s, 0.5)),
        "p95_us": round(percentile(&s, 0.95)),
        "p99_us": round(percentile(&s, 0.99)),
        "max_us": round(s.last().copied().unwrap_or(f64::NAN)),
        "mean_us": round(s.iter().sum::<f64>() / s.len().max(1) as f64),
    })
}

fn print(measure: &str, mut value: serde_json::Value) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert("measure".into(), json!(measure));
    }
    println!("{value}");
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

struct Case {
    label: String,
    req: SearchRequest,
}

fn case(q: &str, filters: &[(FacetField, &str)], sort: Sort, page: usize) -> Case {
    let mut label = format!("q={q:?}");
    for (f, v) in filters {
        label.push_str(&format!(" {}={v}", f.param()));
    }
    if sort != Sort::Relevance {
        label.push_str(&format!(" sort={sort:?}").to_lowercase());
    }
    if page > 1 {
        label.push_str(&format!(" page={page}"));
    }
    Case {
        label,
        req: SearchRequest {
            q: q.to_owned(),
            filters: filters.iter().map(|(f, v)| (*f, (*v).to_owned())).collect(),
            sort,
            offset: (page - 1) * 20,
            limit: 20,
            facet_limit: 12,
            viewer: Audience::Public,
            lang: Lang::Es,
        },
    }
}

/// The mix, like the search page's traffic: mostly words, some filters and sorts.
fn cases() -> Vec<Case> {
    use FacetField::{Groups, Organization, ResFormat, Tags, Year};
    let r = Sort::Relevance;
    let mut all = vec![
        case("", &[], r, 1),
        case("pobreza", &[], r, 1),
        case("municipio", &[], r, 1),
        case("poblacion", &[], r, 1),
        case("desnutricon", &[], r, 1),
        case("huehue", &[], r, 1),
        case("inversion huehuetenango", &[], r, 1),
        case("poblacion por municipio", &[], r, 1),
        case("ejecucion presupuestaria 2019", &[], r, 1),
        case("school enrolment", &[], r, 1),
        case("", &[(Organization, "segeplan")], r, 1),
        case("pobreza", &[(Groups, "pobreza")], r, 1),
        case("", &[(ResFormat, "XLSX")], Sort::Title, 1),
        case(
            "salud",
            &[(Organization, "mspas"), (ResFormat, "CSV")],
            r,
            1,
        ),
        case(
            "municipio",
            &[(Groups, "inversion-publica"), (Year, "2020")],
            r,
            1,
        ),
        case("", &[(Tags, "desnutrición")], r, 1),
        case("municipio", &[], Sort::Views, 1),
        case("", &[], Sort::Title, 1),
        case("", &[], r, 400),
        case("municipio", &[], r, 50),
        case("monto ejecutado quetzaltenango", &[], r, 1),
        case("xyzzy pobreza", &[], r, 1),
    ];
    let mut sysadmin = case("cooperacion internacional", &[], r, 1);
    sysadmin.label.push_str(" (sysadmin)");
    sysadmin.req.viewer = Audience::Sysadmin;
    all.push(sysadmin);
    all
}

/// Where a search's time goes: the mix without hits (query, count and facets), the
/// highlighting of each case's page alone, and facet counting alone, on tantivy directly.
/// Searches completed by `threads` threads cycling through `cases` for `window`.
fn throughput(
    threads: usize,
    window: Duration,
    cases: &[Case],
    search: impl Fn(&SearchRequest) -> bool + Sync,
) -> usize {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let search = &search;
                s.spawn(move || {
                    let start = Instant::now();
                    let mut n = 0usize;
                    while start.elapsed() < window {
                        if search(&cases[(n + t * 7) % cases.len()].req) {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

fn breakdown(
    index: &SearchIndex,
    cases: &[Case],
    search_dir: &Path,
    runs: usize,
) -> Result<(), Error> {
    use tantivy::collector::{Count, FacetCollector, MultiCollector};
    use tantivy::query::AllQuery;

    let mut bare = Vec::with_capacity(runs);
    for run in 0..runs {
        let req = SearchRequest {
            limit: 0,
            ..cases[run % cases.len()].req.clone()
        };
        let start = Instant::now();
        index.search_uncached(&req)?;
        bare.push(start.elapsed().as_secs_f64() * 1e6);
    }
    print(
        "breakdown: search without hits (query, count, facets; limit 0)",
        summary(&bare),
    );

    let mut pages = Vec::new();
    for c in cases {
        let docs: Vec<_> = index
            .search_uncached(&c.req)?
            .hits
            .into_iter()
            .map(|h| h.doc)
            .collect();
        pages.push((docs, ceiba_search::query::words(&c.req.q)));
    }
    let (mut with_words, mut without) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let (docs, words) = &pages[run % pages.len()];
        let start = Instant::now();
        for d in docs {
            std::hint::black_box(ceiba_search::highlight::highlight(d, words, Lang::Es));
        }
        let us = start.elapsed().as_secs_f64() * 1e6;
        if words.is_empty() {
            without.push(us);
        } else {
            with_words.push(us);
        }
    }
    print(
        "breakdown: highlight of one page (20 hits), queries with words",
        summary(&with_words),
    );
    print(
        "breakdown: highlight of one page (20 hits), empty queries",
        summary(&without),
    );

    // Facets alone: every document of the index, counted by the six facet fields.
    let tindex = tantivy::Index::open_in_dir(search_dir)?;
    let reader = tindex.reader()?;
    let searcher = reader.searcher();
    let names = [
        "facet_groups",
        "facet_organization",
        "facet_tags",
        "facet_res_format",
        "facet_license_id",
        "facet_year",
    ];
    let (mut count_only, mut faceted) = (Vec::new(), Vec::new());
    let mut values = 0;
    let mut reference: Vec<std::collections::HashMap<String, u64>> = Vec::new();
    for _ in 0..runs.clamp(1, 500) {
        let start = Instant::now();
        std::hint::black_box(searcher.search(&AllQuery, &Count)?);
        count_only.push(start.elapsed().as_secs_f64() * 1e6);
        let mut facets = MultiCollector::new();
        let handles: Vec<_> = names
            .iter()
            .map(|f| {
                let mut c = FacetCollector::for_field(*f);
                c.add_facet(tantivy::schema::Facet::root());
                facets.add_collector(c)
            })
            .collect();
        let start = Instant::now();
        let mut fruit = searcher.search(&AllQuery, &facets)?;
        faceted.push(start.elapsed().as_secs_f64() * 1e6);
        reference = handles
            .into_iter()
            .map(|h| {
                h.extract(&mut fruit)
                    .get(tantivy::schema::Facet::root())
                    .map(|(f, n)| {
                        (
                            f.to_path()
                                .last()
                                .map_or(String::new(), |s| (*s).to_owned()),
                            n,
                        )
                    })
                    .collect::<std::collections::HashMap<String, u64>>()
            })
            .collect();
        values = reference.iter().map(|m| m.len()).sum();
    }
    print(
        "breakdown: all documents, count only (tantivy)",
        summary(&count_only),
    );
    let mut line = summary(&faceted);
    if let Some(o) = line.as_object_mut() {
        o.insert("docs".into(), json!(searcher.num_docs()));
        o.insert("distinct_facet_values".into(), json!(values));
        o.insert("segments".into(), json!(searcher.segment_readers().len()));
    }
    print(
        "breakdown: all documents, six FacetCollectors (tantivy)",
        line,
    );

    // The same counts by a collector that counts ordinals for all six fields in one
    // pass and names only the ordinals found, in one sorted walk of each dictionary.
    let collector = OrdinalFacets { fields: names };
    let mut times = Vec::new();
    let mut same = true;
    for _ in 0..runs.clamp(1, 500) {
        let start = Instant::now();
        let counts = searcher.search(&AllQuery, &collector)?;
        times.push(start.elapsed().as_secs_f64() * 1e6);
        same &= counts == reference;
    }
    let mut line = summary(&times);
    if let Some(o) = line.as_object_mut() {
        o.insert("same_counts_as_facet_collector".into(), json!(same));
    }
    print(
        "breakdown: all documents, prototype ordinal facet counter (tantivy)",
        line,
    );
    Ok(())
}

/// Facet counts of several fields in one collector: per segment, a counter per term
/// ordinal; at the end, only the ordinals seen are turned into values, in one sorted walk
/// of the segment's dictionary (tantivy's `FacetCollector` walks the whole dictionary when
/// it starts on a segment and looks each ordinal up on its own at the end).
struct OrdinalFacets {
    fields: [&'static str; 6],
}

struct OrdinalFacetsSegment {
    readers: Vec<tantivy::fastfield::FacetReader>,
    counts: Vec<Vec<u32>>,
}

impl tantivy::collector::Collector for OrdinalFacets {
    type Fruit = Vec<std::collections::HashMap<String, u64>>;
    type Child = OrdinalFacetsSegment;

    fn for_segment(
        &self,
        _: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<OrdinalFacetsSegment> {
        let readers = self
            .fields
            .iter()
            .map(|f| segment.facet_reader(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = readers.iter().map(|r| vec![0u32; r.num_facets()]).collect();
        Ok(OrdinalFacetsSegment { readers, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<Vec<std::collections::HashMap<String, u64>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut out = vec![std::collections::HashMap::new(); self.fields.len()];
        for seg in segments {
            for (all, counts) in out.iter_mut().zip(seg) {
                for (value, n) in counts {
                    *all.entry(value).or_insert(0) += n;
                }
            }
        }
        Ok(out)
    }
}

impl tantivy::collector::SegmentCollector for OrdinalFacetsSegment {
    type Fruit = Vec<std::collections::HashMap<String, u64>>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        for (reader, counts) in self.readers.iter().zip(self.counts.iter_mut()) {
            for ord in reader.facet_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.readers
            .iter()
            .zip(self.counts)
            .map(|(reader, counts)| {
                let ords: Vec<u64> = (0..counts.len() as u64)
                    .filter(|&o| counts[o as usize] > 0)
                    .collect();
                let mut out = std::collections::HashMap::with_capacity(ords.len());
                let mut k = 0;
                let _ = reader.facet_dict().sorted_ords_to_term_cb(&ords, |bytes| {
                    // A facet's encoded form: its path segments separated by 0 bytes.
                    let value = bytes.rsplit(|b| *b == 0).next().unwrap_or(bytes);
                    out.insert(
                        String::from_utf8_lossy(value).into_owned(),
                        u64::from(counts[ords[k] as usize]),
                    );
                    k += 1;
                });
                out
            })
            .collect()
    }
}

struct Args {
    datasets: usize,
    runs: usize,
    data: Option<PathBuf>,
    seed: u64,
    in_place: bool,
}

fn args() -> Result<Args, Error> {
    let mut a = Args {
        datasets: 10_000,
        runs: 2_000,
        data: None,
        seed: 42,
        in_place: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--datasets" => a.datasets = value()?.parse()?,
            "--runs" => a.runs = value()?.parse()?,
            "--data" => a.data = Some(PathBuf::from(value()?)),
            "--seed" => a.seed = value()?.parse()?,
            "--in-place" => a.in_place = true,
            "-h" | "--help" => {
                println!(
                    "usage: search_bench [--datasets N] [--runs R] [--data DIR] [--seed S] [--in-place]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(a)
}

/// A catalog with the generated datasets at `root/catalog.db`, or the one already there.
async fn prepare_catalog(a: &Args, root: &Path) -> Result<Catalog, Error> {
    let target = root.join("catalog.db");
    std::fs::create_dir_all(root.join("files"))?;
    if target.exists() {
        let catalog = Catalog::open_sqlite(&target).await?;
        let n = catalog.dataset_ids().await?.len();
        print(
            "generation",
            json!({"skipped": true, "reason": "catalog.db exists", "datasets": n,
                   "catalog": target.display().to_string()}),
        );
        return Ok(catalog);
    }
    let shm = Path::new("/dev/shm");
    let scratch = if !a.in_place && shm.is_dir() {
        Some(tempfile::tempdir_in(shm)?)
    } else {
        None
    };
    let path = match &scratch {
        Some(s) => s.path().join("catalog.db"),
        None => target.clone(),
    };
    let start = Instant::now();
    let catalog = Catalog::open_sqlite(&path).await?;
    let (generated, counts) = generate(&catalog, a.datasets, a.seed).await?;
    let written = start.elapsed().as_secs_f64();
    catalog.close().await;
    if path != target {
        std::fs::copy(&path, &target)?;
    }
    let seconds = start.elapsed().as_secs_f64();
    print(
        "generation",
        json!({
            "seconds": round(seconds * 100.0) / 100.0,
            "store_seconds": round(written * 100.0) / 100.0,
            "datasets_per_s": round(counts.datasets as f64 / seconds),
            "datasets": counts.datasets,
            "private": counts.private,
            "drafts": counts.drafts,
            "resources": counts.resources,
            "ingested_versions": counts.versions,
            "columns": counts.columns,
            "organizations": generated.organizations.len(),
            "categories": generated.categories.len(),
            "written_in": path.parent().map(|p| p.display().to_string()),
            "catalog_bytes": std::fs::metadata(&target)?.len(),
        }),
    );
    Ok(Catalog::open_sqlite(&target).await?)
}

async fn run(a: Args) -> Result<(), Error> {
    let temp = tempfile::tempdir()?;
    let root = a.data.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let catalog = prepare_catalog(&a, &root).await?;

    // Full reindex, where the portal keeps its index.
    let search_dir = root.join("search");
    let index = Arc::new(SearchIndex::open(&search_dir)?);
    let indexer = Indexer::new(catalog.clone(), index.clone());
    for pass in ["first", "second"] {
        let start = Instant::now();
        let report = indexer.rebuild().await?;
        let seconds = start.elapsed().as_secs_f64();
        print(
            "full reindex (Indexer::rebuild)",
            json!({
                "pass": pass,
                "seconds": round(seconds * 1000.0) / 1000.0,
                "docs": report.written,
                "searchable": index.len(),
                "index_bytes": dir_bytes(&search_dir),
                "index_dir": search_dir.display().to_string(),
            }),
        );
    }

    // Incremental catch-up after editing 100 datasets.
    let ids = catalog.dataset_ids().await?;
    let step = (ids.len() / 100).max(1);
    let mut edited = 0;
    let start = Instant::now();
    for id in ids.iter().step_by(step).take(100) {
        let Some(mut d) = catalog.dataset_by_id(*id).await? else {
            continue;
        };
        match d.title.es.strip_suffix(" (revisado)") {
            Some(t) => d.title.es = t.to_owned(),
            None => d.title.es.push_str(" (revisado)"),
        }
        d.modified = ceiba_store::now();
        catalog.update_dataset(&d).await?;
        edited += 1;
    }
    let edit_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let report = indexer.catch_up().await?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    print(
        "incremental catch-up (Indexer::catch_up)",
        json!({
            "edited_datasets": edited,
            "ms": round(ms),
            "written": report.written,
            "removed": report.removed,
            "rebuilt": report.rebuilt,
            "edits_seconds": round(edit_seconds * 100.0) / 100.0,
        }),
    );

    // Searches.
    let cases = cases();
    let warm = Instant::now();
    for _ in 0..10 {
        for c in &cases {
            index.search_uncached(&c.req)?;
        }
    }
    print(
        "warm-up",
        json!({"searches": cases.len() * 10, "seconds": round(warm.elapsed().as_secs_f64() * 100.0) / 100.0}),
    );
    let mut per_case: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    let mut all = Vec::with_capacity(a.runs);
    let mut totals = vec![(0usize, false, 0usize); cases.len()];
    for run in 0..a.runs {
        let k = run % cases.len();
        let start = Instant::now();
        let r = index.search_uncached(&cases[k].req)?;
        let us = start.elapsed().as_secs_f64() * 1e6;
        per_case[k].push(us);
        all.push(us);
        totals[k] = (r.total, r.relaxed, r.hits.len());
    }
    for (k, c) in cases.iter().enumerate() {
        let mut line = summary(&per_case[k]);
        let (total, relaxed, hits) = totals[k];
        if let Some(o) = line.as_object_mut() {
            o.insert("total".into(), json!(total));
            o.insert("hits".into(), json!(hits));
            if relaxed {
                o.insert("relaxed".into(), json!(true));
            }
        }
        print(&format!("search {}", c.label), line);
    }
    let mut line = summary(&all);
    if let Some(o) = line.as_object_mut() {
        o.insert("queries".into(), json!(cases.len()));
        o.insert("limit".into(), json!(20));
        o.insert("facet_limit".into(), json!(12));
        o.insert("goal".into(), json!("p50 <= 5000 us, p99 <= 20000 us"));
    }
    print("search with facets (mix)", line);

    // Throughput on every core, in-process (an upper bound for the search page).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let window = Duration::from_secs(3);
    let done = throughput(threads, window, &cases, |r| {
        index.search_uncached(r).is_ok()
    });
    print(
        "search throughput (mix, in-process, every search computed)",
        json!({"threads": threads, "seconds": window.as_secs(),
               "searches_per_s": round(done as f64 / window.as_secs_f64())}),
    );
    // The same mix through `search`, which remembers results until the next commit, as
    // the portal serves them.
    let done = throughput(threads, window, &cases, |r| index.search(r).is_ok());
    print(
        "search throughput (mix, in-process, recent results remembered)",
        json!({"threads": threads, "seconds": window.as_secs(),
               "searches_per_s": round(done as f64 / window.as_secs_f64())}),
    );

    breakdown(&index, &cases, &search_dir, a.runs)?;

    // Suggestions while typing.
    let typed = [
        "pobl",
        "huehue",
        "desnut",
        "ejec",
        "coop",
        "quetz",
        "matric",
        "seg",
        "inversion mun",
    ];
    for q in typed {
        index.suggest(q, &Audience::Public, Lang::Es, 5)?;
    }
    let mut times = Vec::with_capacity(a.runs);
    let mut found = 0;
    for run in 0..a.runs {
        let q = typed[run % typed.len()];
        let start = Instant::now();
        let s = index.suggest(q, &Audience::Public, Lang::Es, 5)?;
        times.push(start.elapsed().as_secs_f64() * 1e6);
        found += s.datasets.len() + s.categories.len() + s.organizations.len();
    }
    let mut line = summary(&times);
    if let Some(o) = line.as_object_mut() {
        o.insert("typed".into(), json!(typed));
        o.insert(
            "suggestions_per_call".into(),
            json!(round(found as f64 / a.runs.max(1) as f64)),
        );
    }
    print("suggest (limit 5)", line);

    if let Some(dir) = &a.data {
        print(
            "data dir",
            json!({"dir": dir.display().to_string(), "serve": format!("ceiba serve --data {}", dir.display())}),
        );
    }
    drop(indexer);
    drop(index);
    catalog.close().await;
    Ok(())
}

fn main() -> Result<(), Error> {
    let a = args()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run(a))
}
