//! `ceiba backup DIR` and `ceiba restore DIR`: a consistent copy of a serving portal's
//! catalog and files, and bringing it back into an empty one. What a backup holds and why
//! is told in `ceiba_store`'s `backup` module.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use ceiba_store::{Catalog, FileStore, Manifest};
use clap::Args;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// A new or empty folder for the backup. The portal may keep serving meanwhile; the
    /// backup is complete only once DIR/manifest.json exists.
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A folder written by `ceiba backup`. Every file is checked against its manifest
    /// before anything is restored.
    pub dir: PathBuf,
    /// Replace what the catalog holds. Without it, restore goes only into an empty data
    /// folder or database.
    #[arg(long)]
    pub force: bool,
}

pub async fn backup(
    catalog: &Catalog,
    files: &FileStore,
    data: &Path,
    args: BackupArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let manifest = catalog
        .backup(files, &args.dir)
        .await
        .with_context(|| format!("the backup into {} failed", args.dir.display()))?;
    println!(
        "Backed up {} into {} in {:.1} s: {}.",
        data.display(),
        args.dir.display(),
        started.elapsed().as_secs_f64(),
        summary(&manifest)
    );
    warn_missing(&manifest, &args.dir);
    Ok(())
}

pub async fn restore(
    catalog: &Catalog,
    files: &FileStore,
    data: &Path,
    search_dir: &Path,
    args: RestoreArgs,
) -> anyhow::Result<()> {
    // A portal serving this data folder holds its search index; writing under it would
    // mix two catalogs in its memory.
    if search_dir.exists()
        && matches!(
            ceiba_search::SearchIndex::open(search_dir),
            Err(ceiba_search::SearchError::Busy)
        )
    {
        bail!(
            "a portal is serving {}: stop it before restoring into it",
            data.display()
        );
    }
    let started = Instant::now();
    let manifest = catalog
        .restore(files, &args.dir, args.force)
        .await
        .with_context(|| {
            format!(
                "cannot restore {} into {}",
                args.dir.display(),
                data.display()
            )
        })?;
    println!(
        "Restored the backup of {} (Ceiba {}, {}) into {} in {:.1} s: {}. The search index \
         is rebuilt from the catalog when the portal starts.",
        manifest.created,
        manifest.ceiba_version,
        manifest.database,
        data.display(),
        started.elapsed().as_secs_f64(),
        summary(&manifest)
    );
    warn_missing(&manifest, &args.dir);
    Ok(())
}

fn summary(m: &Manifest) -> String {
    let rows = |name: &str| {
        m.tables
            .iter()
            .find(|t| t.name == name)
            .map_or(0, |t| t.rows)
    };
    let bytes: u64 = m.objects.iter().map(|o| o.size).sum();
    format!(
        "{} datasets, {} resources, {} accounts in {} catalog tables; {} files, {:.1} MB",
        rows("dataset"),
        rows("resource"),
        rows("account"),
        m.tables.len(),
        m.objects.len(),
        bytes as f64 / 1e6
    )
}

fn warn_missing(m: &Manifest, dir: &Path) {
    if m.missing.is_empty() {
        return;
    }
    eprintln!(
        "warning: the catalog references {} files that the file store did not have; they \
         are not in the backup (listed under \"missing\" in {}):",
        m.missing.len(),
        dir.join(ceiba_store::MANIFEST).display()
    );
    for key in &m.missing {
        eprintln!("  {key}");
    }
}
