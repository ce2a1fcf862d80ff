//! `ceiba import`: a file into a dataset, through the same ingestion as uploads.

use std::path::PathBuf;

use anyhow::{bail, Context};
use ceiba_core::{ColumnType, Dataset, DatasetState, Lang, Localized, Organization, Resource};
use ceiba_ingest::{IngestOptions, Ingestor};
use ceiba_portal::{Actor, MarkRequest, NewFile, Portal, ResourceInput};
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
    /// datetime, text (or entero, texto, fecha…); a date or datetime may give its format
    /// as strftime writes it (fecha=date:%d-%b-%y). Repeat for several columns.
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    pub types: Vec<String>,

    /// Rows found to be subtotals ("Subtotal…", names in capitals among names in small
    /// letters): keep them in the table (the default) or leave them out. Said either way.
    #[arg(long, value_name = "keep|leave-out")]
    pub subtotals: Option<String>,
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
        match self.subtotals.as_deref().map(str::trim) {
            None => {}
            Some("keep" | "conservar") => base.subtotals_out = false,
            Some("leave-out" | "omitir") => base.subtotals_out = true,
            Some(other) => bail!("--subtotals '{other}': write keep or leave-out"),
        }
        for spec in &self.types {
            let Some((column, ty)) = spec.rsplit_once('=') else {
                bail!("--type '{spec}': write COLUMN=TYPE, e.g. codigo=text");
            };
            // `fecha=date:%d-%b-%y`: a date type with the format its values are written in.
            let (ty, format) = match ty.split_once(':') {
                Some((t, f)) => (t, Some(f)),
                None => (ty, None),
            };
            if let Some(f) = format {
                if !matches!(
                    ColumnType::parse(ty),
                    Some(ColumnType::Date | ColumnType::Datetime)
                ) || !ceiba_ingest::parse::valid_date_format(f)
                {
                    bail!("--type '{spec}': a format goes with date or datetime, as strftime writes it (e.g. fecha=date:%d-%b-%y)");
                }
                base.date_formats
                    .entry("*".into())
                    .or_default()
                    .insert(column.trim().to_owned(), f.to_owned());
            }
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

/// A use case's refusal, in the language of the command line.
pub fn refused(e: ceiba_portal::Error) -> anyhow::Error {
    match e {
        ceiba_portal::Error::Invalid { field, reason } => {
            anyhow::anyhow!("{field}: {}", reason.message(cli_lang()))
        }
        e => anyhow::anyhow!("{e}"),
    }
}

async fn organization_for(portal: &Portal, wanted: Option<&str>) -> anyhow::Result<Organization> {
    let catalog = portal.catalog();
    if let Some(name) = wanted {
        if let Some(org) = catalog.organization(name).await? {
            return Ok(org);
        }
        let org = Organization {
            id: Uuid::nil(),
            name: name.to_owned(),
            title: Localized::es(name),
            description: Localized::default(),
            image_url: None,
            email: None,
            website: None,
            created: now(),
        };
        return portal
            .create_organization(&Actor::operator(), org)
            .await
            .map_err(refused)
            .with_context(|| format!("--organization: cannot create '{name}'"));
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

async fn dataset_for(portal: &Portal, args: &ImportArgs) -> anyhow::Result<Dataset> {
    if let Some(d) = portal.catalog().dataset(&args.dataset).await? {
        return Ok(d);
    }
    ceiba_core::validate_name(&args.dataset)
        .map_err(|e| anyhow::anyhow!("--dataset '{}': {e}", args.dataset))?;
    let org = organization_for(portal, args.organization.as_deref()).await?;
    let d = Dataset {
        name: args.dataset.clone(),
        title: Localized::es(args.title.clone().unwrap_or_else(|| args.dataset.clone())),
        organization_id: org.id,
        licence_id: "notspecified".into(),
        state: DatasetState::Active,
        ..Dataset::default()
    };
    portal
        .create_dataset(&Actor::operator(), d, Vec::new())
        .await
        .map_err(refused)
}

/// Imports the file, prints the report, and says whether ingestion succeeded.
pub async fn run(portal: &Portal, args: ImportArgs) -> anyhow::Result<bool> {
    let catalog = portal.catalog();
    if !args.file.is_file() {
        bail!("{}: no such file", args.file.display());
    }
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let file = NewFile {
        path: &args.file,
        filename: &filename,
        options: args.reading.options(IngestOptions::default())?,
    };
    let dataset = dataset_for(portal, &args).await?;
    let resource_name = args.resource.clone().unwrap_or_else(|| filename.clone());
    let existing = catalog
        .resources_of(dataset.id)
        .await?
        .into_iter()
        .find(|r| r.name == resource_name && r.is_upload());
    let operator = Actor::operator();
    let resource = match existing {
        Some(r) => portal
            .change_resource(&operator, r, Some(file), MarkRequest::Keep)
            .await
            .map_err(refused)?,
        None => {
            let input = ResourceInput {
                name: resource_name.clone(),
                ..ResourceInput::default()
            };
            portal
                .add_resource(
                    &operator,
                    &dataset.id.to_string(),
                    input,
                    Some(file),
                    MarkRequest::Keep,
                )
                .await
                .map_err(refused)?
        }
    };
    print_outcome(
        portal.ingestor(),
        &dataset,
        resource.id,
        &resource_name,
        None,
        args.json,
    )
    .await
}

/// Runs the queued job of `version` (`None`: the resource's newest) and prints its
/// report; says whether it succeeded.
async fn print_outcome(
    ingestor: &Ingestor,
    dataset: &Dataset,
    resource_id: Uuid,
    resource_name: &str,
    version: Option<Uuid>,
    json: bool,
) -> anyhow::Result<bool> {
    let lang = cli_lang();
    let outcomes = ingestor.run_queue().await?;
    let outcome = outcomes
        .into_iter()
        .filter(|o| o.version.resource_id == resource_id)
        .filter(|o| version.is_none_or(|v| o.version.id == v))
        .max_by_key(|o| o.version.number)
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
        Some(version.id),
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
