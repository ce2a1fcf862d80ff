//! `ceiba import`: a file into a dataset, through the same ingestion as uploads.

use std::path::PathBuf;

use anyhow::{bail, Context};
use ceiba_core::{ColumnType, Dataset, DatasetState, Lang, Localized, Organization, Resource};
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

    #[command(flatten)]
    pub reading: ReadingFlags,

    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// How to read a file, when detection needs help.
#[derive(Args, Debug, Default)]
pub struct ReadingFlags {
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

    /// Force a column's type: COLUMN=TYPE, TYPE one of integer, decimal, boolean, date,
    /// datetime, text (or entero, texto, fecha…). Repeat for several columns.
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    pub types: Vec<String>,
}

impl ReadingFlags {
    /// The options these flags ask for, over `base` (the options used before).
    pub fn options(&self, mut base: IngestOptions) -> anyhow::Result<IngestOptions> {
        if self.sheet.is_some() {
            base.sheet.clone_from(&self.sheet);
        }
        if self.encoding.is_some() {
            base.encoding.clone_from(&self.encoding);
        }
        if let Some(d) = &self.delimiter {
            base.delimiter = Some(parse_delimiter(d)?);
        }
        if self.header_row.is_some() {
            base.header_row = self.header_row;
        }
        for spec in &self.types {
            let Some((column, ty)) = spec.rsplit_once('=') else {
                bail!("--type '{spec}': write COLUMN=TYPE, e.g. codigo=text");
            };
            let ty = ColumnType::parse(ty).ok_or_else(|| {
                anyhow::anyhow!(
                    "--type '{spec}': '{ty}' is not a type (integer, decimal, boolean, date, datetime, text)"
                )
            })?;
            base.column_types
                .entry("*".into())
                .or_default()
                .insert(column.trim().to_owned(), ty);
        }
        Ok(base)
    }
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
    if !args.file.is_file() {
        bail!("{}: no such file", args.file.display());
    }
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let opts = args.reading.options(IngestOptions::default())?;
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
    print_outcome(
        ingestor,
        &dataset,
        resource_id,
        &resource_name,
        version.id,
        args.json,
    )
    .await
}

/// Runs the queued job of `version` and prints its report; says whether it succeeded.
async fn print_outcome(
    ingestor: &Ingestor,
    dataset: &Dataset,
    resource_id: Uuid,
    resource_name: &str,
    version: Uuid,
    json: bool,
) -> anyhow::Result<bool> {
    let lang = cli_lang();
    let outcomes = ingestor.run_queue().await?;
    let outcome = outcomes
        .into_iter()
        .find(|o| o.version.id == version)
        .context("the import job did not run (is a server ingesting the same queue?)")?;
    if json {
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

#[derive(Args, Debug)]
pub struct RebuildArgs {
    /// The dataset (name or id).
    #[arg(long, value_name = "NAME")]
    pub dataset: String,

    /// The resource (name or id).
    #[arg(long, value_name = "NAME")]
    pub resource: String,

    #[command(flatten)]
    pub reading: ReadingFlags,

    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

async fn find_resource(
    catalog: &Catalog,
    dataset: &str,
    resource: &str,
) -> anyhow::Result<(Dataset, Resource)> {
    let d = catalog
        .dataset(dataset)
        .await?
        .with_context(|| format!("--dataset: there is no dataset '{dataset}'"))?;
    let r = catalog
        .resources_of(d.id)
        .await?
        .into_iter()
        .find(|r| r.name == resource || r.id.to_string() == resource)
        .with_context(|| {
            format!(
                "--resource: dataset '{}' has no resource '{resource}'",
                d.name
            )
        })?;
    Ok((d, r))
}

/// `ceiba rebuild`: the current file again, with other reading options or types.
pub async fn rebuild(ingestor: &Ingestor, args: RebuildArgs) -> anyhow::Result<bool> {
    let (dataset, resource) =
        find_resource(ingestor.catalog(), &args.dataset, &args.resource).await?;
    let previous = match resource.current_version_id {
        Some(v) => ingestor.catalog().version(v).await?,
        None => None,
    };
    let base: IngestOptions = previous
        .and_then(|v| serde_json::from_value(v.options).ok())
        .unwrap_or_default();
    let opts = args.reading.options(base)?;
    let (version, _) = ingestor.rebuild(&resource, &opts).await?;
    print_outcome(
        ingestor,
        &dataset,
        resource.id,
        &resource.name,
        version.id,
        args.json,
    )
    .await
}

#[derive(Args, Debug)]
pub struct ColumnArgs {
    /// The dataset (name or id).
    #[arg(long, value_name = "NAME")]
    pub dataset: String,

    /// The resource (name or id).
    #[arg(long, value_name = "NAME")]
    pub resource: String,

    /// The column's name.
    pub column: String,

    /// The table (sheet) that holds the column, when the file has several.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// The heading people see.
    #[arg(long)]
    pub label: Option<String>,

    /// What the column holds, in plain words.
    #[arg(long)]
    pub description: Option<String>,

    /// Unit of measure: Q, US$, %, personas, hogares…
    #[arg(long)]
    pub unit: Option<String>,
}

/// `ceiba column`: edits the data dictionary of the resource's current table.
pub async fn edit_column(catalog: &Catalog, args: ColumnArgs) -> anyhow::Result<()> {
    let (_, resource) = find_resource(catalog, &args.dataset, &args.resource).await?;
    let version = resource
        .current_version_id
        .context("--resource: the resource has no ingested table yet")?;
    let tables = catalog.tables_of(version).await?;
    let table = tables
        .iter()
        .find(|t| {
            args.table.as_deref().is_none_or(|name| t.name == name)
                && t.columns.iter().any(|c| c.name == args.column)
        })
        .with_context(|| {
            format!(
                "there is no column '{}' in the resource's tables",
                args.column
            )
        })?;
    let mut columns = table.columns.clone();
    if let Some(c) = columns.iter_mut().find(|c| c.name == args.column) {
        if let Some(l) = &args.label {
            c.label.clone_from(l);
        }
        if let Some(d) = &args.description {
            c.description.clone_from(d);
        }
        if let Some(u) = &args.unit {
            c.unit.clone_from(u);
        }
    }
    catalog
        .update_table_columns(version, table.position, &columns)
        .await?;
    println!(
        "{}: {} «{}»",
        table.name,
        args.column,
        columns
            .iter()
            .find(|c| c.name == args.column)
            .map_or("", |c| c.label.as_str())
    );
    Ok(())
}
