//! A large synthetic catalog for benchmarks: any number of datasets from 27 Guatemalan
//! publishers in 12 categories, with resources, ingested versions and column statistics,
//! written straight into a catalog. Only metadata is written: the files and Parquet
//! tables they name do not exist.
//!
//! Seeded: the same `n` and seed give the same catalog, and dataset `i` is the same
//! whatever `n` is.

mod columns;
mod datasets;
mod publishers;
mod territory;
mod topics;

use anyhow::Result;
use ceiba_core::{Category, DatasetState, Organization, ResourceVersion, VersionStatus};
use ceiba_store::Catalog;
use serde_json::json;
use uuid::Uuid;

use crate::random::Rng;

/// The publishers and categories [`generate`] created.
#[derive(Debug, Clone)]
pub struct Generated {
    pub organizations: Vec<Organization>,
    pub categories: Vec<Category>,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub datasets: usize,
    pub resources: usize,
    /// Resource versions with an ingested table.
    pub versions: usize,
    /// Columns of all the ingested tables.
    pub columns: usize,
    pub private: usize,
    pub drafts: usize,
}

/// Writes the publishers, the categories and `n` datasets of the catalog of `seed` into
/// `catalog`, which should be empty, and gives every dataset a view count.
pub async fn generate(catalog: &Catalog, n: usize, seed: u64) -> Result<(Generated, Counts)> {
    let generated = Generated {
        organizations: publishers::organizations()?,
        categories: publishers::categories()?,
    };
    for o in &generated.organizations {
        catalog.create_organization(o).await?;
    }
    for c in &generated.categories {
        catalog.create_category(c).await?;
    }
    let mut counts = Counts::default();
    let mut views = Vec::with_capacity(n);
    let mut rng = Rng::stream(seed, 0);
    for i in 0..n {
        let p = datasets::plan(seed, i, &generated.organizations)?;
        let d = &p.dataset;
        catalog.create_dataset(d).await?;
        counts.datasets += 1;
        counts.private += usize::from(d.private);
        counts.drafts += usize::from(d.state == DatasetState::Draft);
        // Views: a long tail, a few popular ones.
        let u = rng.unit();
        views.push((d.id, (u * u * u * u * 20_000.0) as i64));
        for (r, table) in p.resources {
            let r = catalog.create_resource(&r).await?;
            counts.resources += 1;
            let Some(mut table) = table else { continue };
            let version = ResourceVersion {
                id: Uuid::new_v5(&r.id, b"v1"),
                resource_id: r.id,
                number: 0,
                storage_key: r.storage_key.clone().unwrap_or_default(),
                original_filename: r.original_filename.clone(),
                format: r.format.clone(),
                media_type: r.media_type.clone(),
                size: r.size.unwrap_or(0),
                sha256: r.sha256.clone().unwrap_or_default(),
                options: json!({}),
                status: VersionStatus::Pending,
                report: None,
                created: r.created,
            };
            let (v, job) = catalog.create_version(&version).await?;
            table.version_id = v.id;
            table.parquet_key = format!("tables/{}/0.parquet", v.id);
            counts.columns += table.columns.len();
            let report = json!({"rows": table.rows, "issues": []});
            catalog
                .complete_version(job.id, &v, &[table], &report)
                .await?;
            counts.versions += 1;
        }
    }
    catalog.add_views(&views).await?;
    Ok((generated, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_decides_the_plan() -> Result<()> {
        let orgs = publishers::organizations()?;
        for i in 0..50 {
            let a = datasets::plan(7, i, &orgs)?;
            assert_eq!(a, datasets::plan(7, i, &orgs)?, "dataset {i}");
            let b = datasets::plan(8, i, &orgs)?;
            assert_ne!(a.dataset, b.dataset, "dataset {i}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn generate_writes_what_it_counts() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let catalog = Catalog::open_sqlite(&dir.path().join("catalog.db")).await?;
        let n = 40;
        let (generated, counts) = generate(&catalog, n, 7).await?;

        let orgs = publishers::organizations()?;
        let mut expected = Counts::default();
        for i in 0..n {
            let p = datasets::plan(7, i, &orgs)?;
            expected.datasets += 1;
            expected.private += usize::from(p.dataset.private);
            expected.drafts += usize::from(p.dataset.state == DatasetState::Draft);
            for (_, table) in &p.resources {
                expected.resources += 1;
                if let Some(t) = table {
                    expected.versions += 1;
                    expected.columns += t.columns.len();
                }
            }
        }
        assert_eq!(counts, expected);
        assert!(counts.versions > 0 && counts.resources >= n);
        assert_eq!(generated.organizations.len(), 27);
        assert_eq!(generated.categories.len(), 12);
        assert_eq!(catalog.dataset_ids().await?.len(), n);
        assert!(catalog.organization("segeplan").await?.is_some());
        assert!(catalog.category("salud").await?.is_some());
        catalog.close().await;
        Ok(())
    }
}
