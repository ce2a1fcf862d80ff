//! The demo catalog loaded into a fresh SQLite catalog and local file store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{ensure, Context, Result};
use ceiba_core::territory::MUNICIPALITIES;
use ceiba_core::{Dataset, Resource};
use ceiba_demo::DemoSummary;
use ceiba_store::{Catalog, DatasetFilter, FileStore};
use sha2::{Digest, Sha256};

struct Loaded {
    _dir: tempfile::TempDir,
    catalog: Catalog,
    files: FileStore,
    summary: DemoSummary,
}

async fn load_fresh() -> Result<Loaded> {
    let dir = tempfile::tempdir()?;
    let catalog = Catalog::open_sqlite(&dir.path().join("catalog.db")).await?;
    let files = FileStore::local(&dir.path().join("files"))?;
    let ingestor = ceiba_ingest::Ingestor::new(
        catalog.clone(),
        files.clone(),
        dir.path().join("tmp"),
        ceiba_ingest::Limits::default(),
    );
    let summary = ceiba_demo::load(&ingestor).await?;
    Ok(Loaded {
        _dir: dir,
        catalog,
        files,
        summary,
    })
}

impl Loaded {
    async fn datasets(&self) -> Result<Vec<Dataset>> {
        let page = self
            .catalog
            .datasets(&DatasetFilter {
                include_private: true,
                include_drafts: true,
                limit: 100,
                ..DatasetFilter::default()
            })
            .await?;
        ensure!(page.items.len() as i64 == page.total, "listing was cut");
        Ok(page.items)
    }

    /// Every dataset's resources, by dataset name.
    async fn resources(&self) -> Result<BTreeMap<String, Vec<Resource>>> {
        let mut out = BTreeMap::new();
        for d in self.datasets().await? {
            out.insert(d.name.clone(), self.catalog.resources_of(d.id).await?);
        }
        Ok(out)
    }

    /// The bytes of a dataset's first resource of `format`.
    async fn file(&self, dataset: &str, format: &str) -> Result<Vec<u8>> {
        let d = self
            .catalog
            .dataset(dataset)
            .await?
            .with_context(|| format!("no dataset {dataset}"))?;
        let r = self
            .catalog
            .resources_of(d.id)
            .await?
            .into_iter()
            .find(|r| r.format == format)
            .with_context(|| format!("{dataset} has no {format}"))?;
        let key = r.storage_key.context("not an upload")?;
        Ok(self.files.read(&key).await?.to_vec())
    }
}

fn csv_rows(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers()?.iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| Ok(rec?.iter().map(str::to_owned).collect()))
        .collect::<Result<_>>()?;
    Ok((header, rows))
}

#[tokio::test]
async fn loads_the_whole_demo() -> Result<()> {
    let l = load_fresh().await?;
    assert_eq!(
        l.summary,
        DemoSummary {
            organizations: 4,
            categories: 4,
            datasets: 8,
            resources: 13,
            already_present: false,
        }
    );

    let orgs: BTreeSet<_> = l
        .catalog
        .organizations()
        .await?
        .into_iter()
        .map(|o| o.item.name)
        .collect();
    assert_eq!(
        orgs,
        BTreeSet::from(["ine", "minfin", "mspas", "segeplan"].map(String::from))
    );
    let cats = l.catalog.categories().await?;
    let names: BTreeSet<_> = cats.iter().map(|c| c.item.name.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "cooperacion-internacional",
            "desarrollo-territorial",
            "inversion-publica",
            "pobreza"
        ])
    );
    assert!(
        cats.iter().all(|c| c.dataset_count > 0),
        "every category is used"
    );

    let datasets = l.datasets().await?;
    assert_eq!(datasets.len(), 8);
    assert_eq!(datasets.iter().filter(|d| d.featured).count(), 2);
    let licences: Vec<_> = datasets.iter().map(|d| d.licence_id.as_str()).collect();
    assert_eq!(licences.iter().filter(|l| **l == "CC-BY-4.0").count(), 6);
    assert!(licences.contains(&"cc-zero") && licences.contains(&"odc-by"));
    let earliest = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")?;
    let latest = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")?;
    for d in &datasets {
        let es = &d.description.es;
        let en = d.description.en.as_deref().unwrap_or("");
        assert!(
            es.contains("**Datos sintéticos de demostración**"),
            "{}: Spanish notice",
            d.name
        );
        assert!(
            en.contains("**Synthetic demo data**"),
            "{}: English notice",
            d.name
        );
        assert!(d.title.en.is_some(), "{}: English title", d.name);
        assert_eq!(d.extras.get("demo").map(String::as_str), Some("true"));
        assert!(!d.tags.is_empty() && !d.spatial.is_empty() && !d.categories.is_empty());
        assert!(d.frequency.is_some() && d.contact.email.is_some());
        assert!(d.created >= earliest && d.modified < latest && d.created <= d.modified);
    }
    assert!(datasets
        .iter()
        .any(|d| d.tags.iter().any(|t| t == "población")));

    let mut uploads = 0;
    for (dataset, resources) in l.resources().await? {
        assert!(!resources.is_empty(), "{dataset} has no resource");
        for r in resources {
            assert!(r.media_type.is_some(), "{}: media type", r.name);
            let Some(key) = &r.storage_key else {
                assert!(r.url.is_some(), "{}: neither file nor link", r.name);
                continue;
            };
            let bytes = l.files.read(key).await?;
            assert_eq!(
                Some(hex::encode(Sha256::digest(&bytes))),
                r.sha256,
                "{}",
                r.name
            );
            assert_eq!(Some(bytes.len() as i64), r.size, "{}", r.name);
            let filename = r.original_filename.as_deref().unwrap_or("");
            assert!(
                filename
                    .to_ascii_lowercase()
                    .ends_with(&format!(".{}", r.format.to_ascii_lowercase())),
                "{filename} for {}",
                r.format
            );
            uploads += 1;
        }
    }
    assert_eq!(uploads, 12);

    let dir = l
        .catalog
        .dataset("directorio-municipalidades")
        .await?
        .context("directorio")?;
    let link = l
        .catalog
        .resources_of(dir.id)
        .await?
        .into_iter()
        .find(|r| r.storage_key.is_none())
        .context("the directory has a link resource")?;
    assert_eq!(link.url.as_deref(), Some("https://www.segeplan.gob.gt"));
    assert_eq!((link.size, link.sha256), (None, None));
    Ok(())
}

#[tokio::test]
async fn files_hold_what_the_descriptions_promise() -> Result<()> {
    let l = load_fresh().await?;

    // Ranking: every municipality once, codes as text with the leading zero.
    let (header, rows) = csv_rows(&l.file("ranking-gestion-municipal", "CSV").await?)?;
    assert_eq!(
        header[..4],
        [
            "codigo_municipio",
            "municipio",
            "codigo_departamento",
            "departamento"
        ]
    );
    let codes: Vec<_> = rows.iter().map(|r| r[0].as_str()).collect();
    let expected: Vec<_> = MUNICIPALITIES.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, expected);
    assert!(codes.contains(&"0101") && codes.contains(&"2217"));
    let index = header
        .iter()
        .position(|h| h == "indice_2018")
        .context("indice_2018")?;
    let band = header
        .iter()
        .position(|h| h == "categoria_2018")
        .context("categoria_2018")?;
    for r in &rows {
        let (int, frac) = r[index].split_once('.').context("decimal point")?;
        assert!(int == "0" && frac.len() == 4, "index {}", r[index]);
        assert!(["Baja", "Media baja", "Media", "Media alta", "Alta"].contains(&r[band].as_str()));
    }

    // NBI: Excel on Windows — Windows-1252, `;`, decimal comma, CRLF, zeros lost.
    let nbi = l.file("nbi-municipal", "CSV").await?;
    assert!(std::str::from_utf8(&nbi).is_err(), "NBI must not be UTF-8");
    assert!(
        !nbi.iter()
            .any(|b| [0x81, 0x8d, 0x8f, 0x90, 0x9d].contains(b)),
        "bytes undefined in Windows-1252"
    );
    assert!(nbi.starts_with(b"C\xf3digo municipio;Municipio;"));
    assert!(nbi.windows(15).any(|w| w == b"San Jos\xe9 Pinula"));
    // Latin-1 decoding is exact for these bytes (no 0x80–0x9F in the file).
    let text: String = nbi.iter().map(|&b| b as char).collect();
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let lines: Vec<_> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 341);
    for line in &lines {
        assert_eq!(line.matches(';').count(), 11, "{line}");
    }
    let first: Vec<_> = lines[1].split(';').collect();
    assert_eq!(first[0], "101");
    assert!(
        first[5].contains(',') && !first[5].contains('.'),
        "decimal comma: {}",
        first[5]
    );

    // Investment projects: ~3,000 rows with six-digit SNIP codes, unique.
    let (header, rows) = csv_rows(&l.file("proyectos-inversion-publica", "CSV").await?)?;
    assert_eq!(header[0], "snip");
    assert_eq!(rows.len(), 3000);
    let snips: BTreeSet<_> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(snips.len(), rows.len());
    assert!(snips
        .iter()
        .all(|s| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())));

    // Population: each breakdown sums to the total; Guatemala is the largest department.
    let (header, rows) = csv_rows(&l.file("poblacion-censo-2018", "CSV").await?)?;
    assert_eq!(rows.len(), 340);
    let mut by_department: BTreeMap<String, i64> = BTreeMap::new();
    for r in &rows {
        let n: Vec<i64> = r[4..].iter().map(|v| v.parse()).collect::<Result<_, _>>()?;
        assert_eq!(n[1] + n[2], n[0], "sex, {}", r[0]);
        assert_eq!(n[3] + n[4], n[0], "area, {}", r[0]);
        assert_eq!(n[5] + n[6] + n[7] + n[8], n[0], "age, {}", r[0]);
        *by_department.entry(r[2].clone()).or_default() += n[0];
    }
    assert_eq!(header[4], "poblacion_total");
    let largest = by_department
        .iter()
        .max_by_key(|(_, n)| **n)
        .context("departments")?;
    assert_eq!(largest.0, "01");
    assert!((14_000_000..16_000_000).contains(&by_department.values().sum::<i64>()));

    // Budget execution: every municipality, year and class.
    let (_, rows) = csv_rows(&l.file("ejecucion-presupuestaria-municipal", "CSV").await?)?;
    assert_eq!(rows.len(), 340 * 6 * 4);

    // Cooperation: about 600 disbursements with ISO dates.
    let (header, rows) = csv_rows(
        &l.file("desembolsos-cooperacion-internacional", "CSV")
            .await?,
    )?;
    assert!((600..700).contains(&rows.len()), "{} rows", rows.len());
    let date = header
        .iter()
        .position(|h| h == "fecha_desembolso")
        .context("fecha")?;
    for r in &rows {
        chrono::NaiveDate::parse_from_str(&r[date], "%Y-%m-%d")?;
    }

    // XLSX: reading them back needs an XLSX reader (ingestion work); here, they are ZIP
    // archives of a plausible size with the expected sheets.
    for (dataset, resources) in l.resources().await? {
        for r in resources.iter().filter(|r| r.format == "XLSX") {
            let bytes = l.file(&dataset, "XLSX").await?;
            assert!(
                bytes.starts_with(b"PK\x03\x04"),
                "{dataset}: not a ZIP archive"
            );
            assert!(
                (10_000..1_000_000).contains(&bytes.len()),
                "{dataset}: {} bytes",
                bytes.len()
            );
            let has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
            assert!(
                has(b"xl/workbook.xml") && has(b"xl/worksheets/sheet1.xml"),
                "{}",
                r.name
            );
            // Only the projects workbook has the notes sheet.
            assert_eq!(
                has(b"xl/worksheets/sheet2.xml"),
                dataset == "proyectos-inversion-publica",
                "{dataset}"
            );
        }
    }

    let total: usize = {
        let mut sum = 0;
        for resources in l.resources().await?.values() {
            sum += resources.iter().filter_map(|r| r.size).sum::<i64>() as usize;
        }
        sum
    };
    assert!(total < 3_000_000, "demo files total {total} bytes");
    Ok(())
}

#[tokio::test]
async fn a_second_load_does_nothing() -> Result<()> {
    let l = load_fresh().await?;
    let before = l.resources().await?;
    let ingestor = ceiba_ingest::Ingestor::new(
        l.catalog.clone(),
        l.files.clone(),
        l._dir.path().join("tmp"),
        ceiba_ingest::Limits::default(),
    );
    let again = ceiba_demo::load(&ingestor).await?;
    assert_eq!(
        again,
        DemoSummary {
            already_present: true,
            ..DemoSummary::default()
        }
    );
    assert_eq!(l.resources().await?, before);
    assert_eq!(l.catalog.organizations().await?.len(), 4);
    Ok(())
}

#[tokio::test]
async fn two_loads_give_identical_ids_and_files() -> Result<()> {
    let a = load_fresh().await?;
    // One after the other, more than a second apart: a stray "now" (XLSX properties carry
    // whole seconds) would then show as a difference.
    tokio::task::spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(1100)))
        .await?;
    let b = load_fresh().await?;
    let (da, db) = (a.datasets().await?, b.datasets().await?);
    assert_eq!(da, db, "dataset metadata and ids");
    let (ra, rb) = (a.resources().await?, b.resources().await?);
    assert_eq!(ra.keys().collect::<Vec<_>>(), rb.keys().collect::<Vec<_>>());
    for (dataset, list) in &ra {
        let other = &rb[dataset];
        assert_eq!(list.len(), other.len());
        for (x, y) in list.iter().zip(other) {
            assert_eq!((x.id, &x.name, x.position), (y.id, &y.name, y.position));
            assert_eq!((&x.sha256, x.size), (&y.sha256, y.size), "{}", x.name);
            if let (Some(kx), Some(ky)) = (&x.storage_key, &y.storage_key) {
                assert!(
                    a.files.read(kx).await? == b.files.read(ky).await?,
                    "{}",
                    x.name
                );
            }
        }
    }
    let orgs = |l: &Loaded| {
        let c = l.catalog.clone();
        async move {
            Ok::<_, anyhow::Error>(
                c.organizations()
                    .await?
                    .into_iter()
                    .map(|o| o.item)
                    .collect::<Vec<_>>(),
            )
        }
    };
    assert_eq!(orgs(&a).await?, orgs(&b).await?);
    Ok(())
}
