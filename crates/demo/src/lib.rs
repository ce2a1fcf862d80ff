//! A deterministic demo catalog: four Guatemalan publishers, four categories and eight
//! datasets of synthetic figures with CSV and XLSX files, to show what the portal is for.
//!
//! Every value comes from a seeded PRNG, every id is a UUID v5 and every timestamp is
//! fixed, so two loads give the same catalog and byte-identical files. Every dataset says
//! plainly, in both languages, that its figures are synthetic.

pub mod bulk;
mod datasets;
mod dictionary;
mod ids;
mod profile;
mod publishers;
pub mod random;
mod saved_views;
mod table;
mod xlsx;

use anyhow::{Context, Result};
use ceiba_core::{media_type_for_format, Category, Organization, Resource};
use ceiba_ingest::{IngestOptions, Ingestor};

use crate::datasets::{Body, DemoDataset};

/// What [`load`] added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub organizations: usize,
    pub categories: usize,
    pub datasets: usize,
    pub resources: usize,
    /// The demo was there already; nothing was added (and the counts are 0).
    pub already_present: bool,
}

/// Loads the demo catalog through `ingestor`, the same path publishers' uploads take: every
/// file is stored as uploaded and ingested into typed tables. Whatever part of the demo is
/// already there is kept, so a load that was interrupted completes on the next call; when
/// everything is there, nothing is added and `already_present` is true.
pub async fn load(ingestor: &Ingestor) -> Result<DemoSummary> {
    let catalog = ingestor.catalog();
    // Generating the files is CPU work, so it runs off the async workers; and it all
    // happens before the first write, so a generator error leaves the catalog untouched.
    let demo = tokio::task::spawn_blocking(Demo::build)
        .await
        .context("the demo generator stopped")??;

    let mut summary = DemoSummary::default();
    let mut created_ids = Vec::new();
    for org in &demo.organizations {
        if catalog.organization(&org.name).await?.is_none() {
            catalog
                .create_organization(org)
                .await
                .with_context(|| format!("creating organization {}", org.name))?;
            summary.organizations += 1;
        }
    }
    for cat in &demo.categories {
        if catalog.category(&cat.name).await?.is_none() {
            catalog
                .create_category(cat)
                .await
                .with_context(|| format!("creating category {}", cat.name))?;
            summary.categories += 1;
        }
    }
    for ds in demo.datasets {
        let name = ds.dataset.name.clone();
        let dataset = ds.dataset.clone();
        let (created, resources) = write_dataset(ingestor, ds)
            .await
            .with_context(|| format!("loading demo dataset {name}"))?;
        if created {
            saved_views::add(catalog, &dataset).await?;
            created_ids.push(dataset.id);
        }
        summary.datasets += usize::from(created);
        summary.resources += resources;
    }
    let outcomes = ingestor
        .run_queue()
        .await
        .context("ingesting the demo files")?;
    if let Some(failed) = outcomes.iter().find(|o| !o.succeeded) {
        anyhow::bail!(
            "the demo file {} did not ingest: {:?}",
            failed.report.file,
            failed.report.all_errors().next()
        );
    }
    // The publisher's review: labels and units for the columns of the tables just read.
    for id in created_ids {
        dictionary::describe(catalog, id).await?;
    }
    summary.already_present = summary == DemoSummary::default();
    if summary.already_present {
        tracing::info!("demo catalog already present; nothing to do");
    } else {
        tracing::info!(
            organizations = summary.organizations,
            categories = summary.categories,
            datasets = summary.datasets,
            resources = summary.resources,
            "demo catalog loaded"
        );
    }
    Ok(summary)
}

/// Writes one dataset and those of its resources that are missing; returns whether the
/// dataset was created and how many resources were. Files are queued for ingestion.
async fn write_dataset(ingestor: &Ingestor, ds: DemoDataset) -> Result<(bool, usize)> {
    let catalog = ingestor.catalog();
    let d = &ds.dataset;
    let created = catalog.dataset_by_id(d.id).await?.is_none();
    if created {
        catalog
            .create_dataset(d)
            .await
            .context("creating the dataset")?;
    }
    let mut count = 0;
    for res in ds.resources {
        let id = ids::resource(&d.name, res.slug);
        if catalog.resource(&id.to_string()).await?.is_some() {
            continue;
        }
        match res.body {
            Body::File { filename, bytes } => {
                let scratch = ingestor.scratch_file(&format!("demo-{id}"));
                if let Some(parent) = scratch.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                tokio::fs::write(&scratch, &bytes)
                    .await
                    .with_context(|| format!("writing {}", scratch.display()))?;
                let added = ingestor
                    .add_upload_with_id(
                        id,
                        d,
                        &res.name,
                        &res.description,
                        &scratch,
                        &filename,
                        &IngestOptions::default(),
                    )
                    .await;
                let _ = tokio::fs::remove_file(&scratch).await;
                added.with_context(|| format!("storing {filename}"))?;
            }
            Body::Link(url) => {
                let r = Resource {
                    id,
                    dataset_id: d.id,
                    name: res.name,
                    description: res.description,
                    format: res.format.to_owned(),
                    media_type: media_type_for_format(res.format).map(str::to_owned),
                    size: None,
                    sha256: None,
                    original_filename: None,
                    url: Some(url),
                    storage_key: None,
                    position: 0,
                    current_version_id: None,
                    created: d.created,
                    modified: d.modified,
                };
                catalog
                    .create_resource(&r)
                    .await
                    .with_context(|| format!("creating resource {}", r.name))?;
            }
        }
        count += 1;
    }
    tracing::debug!(dataset = %d.name, rows = ds.rows, resources = count, "demo dataset loaded");
    Ok((created, count))
}

/// The whole demo, generated in memory.
struct Demo {
    organizations: Vec<Organization>,
    categories: Vec<Category>,
    datasets: Vec<DemoDataset>,
}

impl Demo {
    fn build() -> Result<Demo> {
        let profile = profile::Profile::build().context("building the territory profile")?;
        Ok(Demo {
            organizations: publishers::organizations()?,
            categories: publishers::categories()?,
            datasets: datasets::all(&profile)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints the row counts and file sizes (`cargo test -p ceiba-demo -- --nocapture`).
    #[test]
    fn generation_is_deterministic_and_modest() -> Result<()> {
        let started = std::time::Instant::now();
        let a = Demo::build()?;
        let elapsed = started.elapsed();
        let b = Demo::build()?;
        let mut total = 0;
        for (x, y) in a.datasets.iter().zip(&b.datasets) {
            assert_eq!(x.dataset, y.dataset);
            for (rx, ry) in x.resources.iter().zip(&y.resources) {
                if let (
                    Body::File {
                        bytes: bx,
                        filename,
                    },
                    Body::File { bytes: by, .. },
                ) = (&rx.body, &ry.body)
                {
                    assert!(bx == by, "{filename} differs between runs");
                    total += bx.len();
                    println!(
                        "{:<40} {:>6} rows  {:>9} bytes  {}",
                        x.dataset.name,
                        x.rows,
                        bx.len(),
                        filename
                    );
                }
            }
        }
        println!("total {total} bytes, generated in {elapsed:?}");
        assert!(total < 3_000_000, "demo files total {total} bytes");
        Ok(())
    }
}
