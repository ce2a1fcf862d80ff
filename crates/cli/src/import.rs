//! `ceiba import`: a file into a dataset, through the same ingestion as uploads.

use std::path::PathBuf;

use anyhow::{bail, Context};
use ceiba_core::{Dataset, DatasetState, Lang, Localized, Organization};
use ceiba_ingest::{IngestOptions, Ingestor};
use ceiba_store::{now, Catalog};
use clap::Args;
use uuid::Uuid;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file to import: CSV/TSV/TXT, XLSX/XLS/ODS, JSON or GeoJSON.
    pub file: PathBuf,

    /// Name of the dataset to add it to (created if it does not exist).
    #[arg(long, value_name = "NAME")]
    pub dataset: String,

    /// Name of the resource: a new version if the dataset has a resource with this name,
    /// else a new resource. Default: the file's name.
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,

    /// Publisher of a new dataset (created if it does not exist). Needed when the portal
    /// has more than one organization.
    #[arg(long, value_name = "NAME")]
    pub organization: Option<String>,

    /// Title of a new dataset. Default: its name.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Only this sheet of a workbook.
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,

    /// Encoding of a text file (utf-8, windows-1252, latin1…). Default: detected.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Delimiter of a text file: , ; | or tab. Default: detected.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,

    /// Row number (1-based) of the header. Default: detected.
    #[arg(long, value_name = "N")]
    pub header_row: Option<u64>,

    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn parse_delimiter(s: &str) -> anyhow::Result<char> {
    match s {
        "tab" | "\\t" | "\t" | "TAB" => Ok('\t'),
        s if s.chars().count() == 1 => Ok(s.chars().next().unwrap_or(',')),
        _ => bail!("--delimiter: '{s}' is not one character (use , ; | or tab)"),
    }
}

/// The language of messages: CEIBA_LANG or LANG, Spanish unless English is asked for.
pub fn cli_lang() -> Lang {
    let v = std::env::var("CEIBA_LANG")
        .or_else(|_| std::env::var("LANG"))
        .unwrap_or_default();
    if v.to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Es
    }
}

async fn organization_for(catalog: &Catalog, wanted: Option<&str>) -> anyhow::Result<Organization> {
    if let Some(name) = wanted {
        if let Some(org) = catalog.organization(name).await? {
            return Ok(org);
        }
        let org = Organization {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            title: Localized::es(name),
            description: Localized::default(),
            image_url: None,
            email: None,
            website: None,
            created: now(),
        };
        catalog
            .create_organization(&org)
            .await
            .with_context(|| format!("--organization: cannot create '{name}'"))?;
        return Ok(org);
    }
    let mut orgs = catalog.organizations().await?;
    match orgs.len() {
        1 => Ok(orgs.remove(0).item),
        0 => bail!("--organization: the portal has no organization yet; name one and it will be created"),
        _ => bail!(
            "--organization: the portal has several organizations ({}); say which one publishes the dataset",
            orgs.iter().map(|o| o.item.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

async fn dataset_for(catalog: &Catalog, args: &ImportArgs) -> anyhow::Result<Dataset> {
    if let Some(d) = catalog.dataset(&args.dataset).await? {
        return Ok(d);
    }
    ceiba_core::validate_name(&args.dataset)
        .map_err(|e| anyhow::anyhow!("--dataset '{}': {e}", args.dataset))?;
    let org = organization_for(catalog, args.organization.as_deref()).await?;
    let t = now();
    let d = Dataset {
        id: Uuid::new_v4(),
        name: args.dataset.clone(),
        title: Localized::es(args.title.clone().unwrap_or_else(|| args.dataset.clone())),
        description: Localized::default(),
        organization_id: org.id,
        categories: Vec::new(),
        tags: Vec::new(),
        licence_id: "notspecified".into(),
        temporal: Default::default(),
        spatial: Vec::new(),
        frequency: None,
        contact: Default::default(),
        source_url: None,
        version: None,
        state: DatasetState::Active,
        private: false,
        featured: false,
        created: t,
        modified: t,
        extras: Default::default(),
    };
    catalog.create_dataset(&d).await?;
    Ok(d)
}

/// Imports the file, prints the report, and says whether ingestion succeeded.
pub async fn run(ingestor: &Ingestor, args: ImportArgs) -> anyhow::Result<bool> {
    let catalog = ingestor.catalog();
    let lang = cli_lang();
    if !args.file.is_file() {
        bail!("{}: no such file", args.file.display());
    }
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let opts = IngestOptions {
        sheet: args.sheet.clone(),
        encoding: args.encoding.clone(),
        delimiter: args.delimiter.as_deref().map(parse_delimiter).transpose()?,
        header_row: args.header_row,
        column_types: Default::default(),
    };
    let dataset = dataset_for(catalog, &args).await?;
    let resource_name = args.resource.clone().unwrap_or_else(|| filename.clone());
    let existing = catalog
        .resources_of(dataset.id)
        .await?
        .into_iter()
        .find(|r| r.name == resource_name && r.is_upload());
    let (resource_id, version) = match existing {
        Some(r) => {
            let (v, _) = ingestor
                .upload_version(&r, &args.file, &filename, &opts)
                .await?;
            (r.id, v)
        }
        None => {
            let (r, v, _) = ingestor
                .add_upload(&dataset, &resource_name, "", &args.file, &filename, &opts)
                .await?;
            (r.id, v)
        }
    };
    let outcomes = ingestor.run_queue().await?;
    let outcome = outcomes
        .into_iter()
        .find(|o| o.version.id == version.id)
        .context("the import job did not run (is a server ingesting the same queue?)")?;
    if args.json {
        let mut json = outcome.report.to_json(lang);
        if let Some(obj) = json.as_object_mut() {
            obj.insert("dataset".into(), dataset.name.clone().into());
            obj.insert("resource_id".into(), resource_id.to_string().into());
            obj.insert("version".into(), outcome.version.number.into());
            obj.insert("succeeded".into(), outcome.succeeded.into());
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        let es = lang == Lang::Es;
        println!(
            "{} {} «{}», {} {}\n",
            if es { "Conjunto de datos" } else { "Dataset" },
            dataset.name,
            resource_name,
            if es { "versión" } else { "version" },
            outcome.version.number
        );
        print!("{}", outcome.report.to_text(lang));
    }
    Ok(outcome.succeeded)
}
