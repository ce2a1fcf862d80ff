//! Opening an uploaded file: what it really is (by content, not by name) and its tables.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::csv::CsvSource;
use crate::json::JsonSource;
use crate::pipeline::TableOptions;
use crate::sniff::{looks_binary, TextOptions};
use crate::{IngestError, Issue, IssueKind, Limits, TableSource};

const PREFIX: usize = 1024 * 1024;

/// Extensions of files that hold tables. Others (PDF, ZIP…) are kept as they are.
const TABULAR: [&str; 9] = [
    "csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json", "geojson",
];

/// What the publisher may force when a file is ingested.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    /// Only this sheet of a workbook.
    pub sheet: Option<String>,
    /// Encoding of a text file (`utf-8`, `windows-1252`, `latin1`…).
    pub encoding: Option<String>,
    /// Delimiter of a text file.
    pub delimiter: Option<char>,
    /// 1-based row of the header.
    pub header_row: Option<u64>,
    /// Forced column types, by table name then column name; the table name `*` applies to
    /// every table that has the column.
    pub column_types: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, ceiba_core::ColumnType>,
    >,
    /// How dates of a column are written (`%d-%b-%y`), by table name then column name
    /// (`*`: every table); for a date or date-time type forced on it.
    #[serde(default)]
    pub date_formats:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Rows found to be subtotals are left out of the tables instead of kept (and said).
    #[serde(default)]
    pub subtotals_out: bool,
}

/// A file opened for ingestion.
pub struct OpenedFile {
    /// `CSV`, `XLSX`, `XLS`, `ODS`, `JSON`, `GeoJSON`.
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<char>,
    pub tables: Vec<Box<dyn TableSource>>,
    pub warnings: Vec<Issue>,
    text: bool,
    comma_hint: bool,
}

impl OpenedFile {
    /// Options for building table `name`.
    pub fn table_options(&self, opts: &IngestOptions, name: &str, limits: Limits) -> TableOptions {
        TableOptions {
            header_row: opts.header_row,
            column_types: opts.column_types.get(name).cloned().unwrap_or_default(),
            any_table_types: opts.column_types.get("*").cloned().unwrap_or_default(),
            date_formats: opts
                .date_formats
                .get("*")
                .into_iter()
                .chain(opts.date_formats.get(name))
                .flat_map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())))
                .collect(),
            comma_hint: self.comma_hint,
            subtotals_out: opts.subtotals_out,
            last_of_sheet: false,
            text_source: self.text,
            limits,
            start_row: None,
        }
    }
}

/// What a file turned out to be.
pub enum Opened {
    Tables(OpenedFile),
    /// Not a table (a PDF, an image…): kept and served, not ingested.
    NotATable,
}

fn extension(filename: &str) -> String {
    filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn stem(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    base.rsplit_once('.').map_or(base, |(s, _)| s).to_owned()
}

fn named_format(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "csv" | "tsv" | "txt" => "CSV",
        "xlsx" | "xlsm" => "XLSX",
        "xls" => "XLS",
        "ods" => "ODS",
        "json" => "JSON",
        "geojson" => "GeoJSON",
        _ => return None,
    })
}

/// The format a file's name announces, for reports about files that could not be opened.
pub fn format_name(filename: &str) -> String {
    named_format(&extension(filename))
        .map_or_else(|| extension(filename).to_ascii_uppercase(), str::to_owned)
}

/// Opens `path`, whose original name was `filename`.
pub fn open_file(
    path: &Path,
    filename: &str,
    opts: &IngestOptions,
    limits: Limits,
) -> Result<Opened, IngestError> {
    let size = std::fs::metadata(path)?.len();
    if size > limits.max_file_bytes {
        return Err(IngestError::rejected(IssueKind::FileTooLarge {
            size,
            limit: limits.max_file_bytes,
        }));
    }
    if size == 0 {
        return Err(IngestError::rejected(IssueKind::EmptyFile));
    }
    let mut prefix = Vec::with_capacity(PREFIX.min(size as usize));
    std::fs::File::open(path)?
        .take(PREFIX as u64)
        .read_to_end(&mut prefix)?;

    let ext = extension(filename);
    let named = named_format(&ext);
    let content = content_kind(&prefix);
    if content == Content::Binary {
        return if TABULAR.contains(&ext.as_str()) {
            Err(IngestError::rejected(IssueKind::Binary))
        } else {
            Ok(Opened::NotATable)
        };
    }
    if !TABULAR.contains(&ext.as_str()) && !ext.is_empty() && content == Content::Text {
        // A text file of another kind (HTML, XML, Markdown…): kept as it is.
        if !matches!(ext.as_str(), "dat" | "prn" | "psv") {
            return Ok(Opened::NotATable);
        }
    }
    let mut warnings = Vec::new();
    let name = stem(filename);
    let owned: PathBuf = path.to_path_buf();
    let opened = match content {
        Content::Workbook => {
            let format = crate::xlsx::workbook_format(path, &limits)?
                .label()
                .to_owned();
            let tables = crate::xlsx::workbook_tables(path, opts.sheet.as_deref(), limits)?;
            OpenedFile {
                format,
                encoding: None,
                delimiter: None,
                tables,
                warnings: Vec::new(),
                text: false,
                comma_hint: false,
            }
        }
        Content::SpreadsheetXml => OpenedFile {
            format: "XML Spreadsheet 2003".into(),
            encoding: None,
            delimiter: None,
            tables: crate::spreadsheet_xml::tables(path, opts.sheet.as_deref(), limits)?,
            warnings: Vec::new(),
            text: false,
            comma_hint: false,
        },
        Content::Json => {
            let source = JsonSource::new(owned, name, limits)?;
            let format = match source.kind() {
                crate::json::JsonKind::GeoJson => "GeoJSON",
                _ => "JSON",
            };
            OpenedFile {
                format: format.into(),
                encoding: Some("UTF-8".into()),
                delimiter: None,
                tables: vec![Box::new(source)],
                warnings: Vec::new(),
                text: false,
                comma_hint: false,
            }
        }
        Content::Text | Content::Binary => {
            let text_opts = TextOptions {
                encoding: opts.encoding.clone(),
                delimiter: match opts.delimiter {
                    Some(c) if c.is_ascii() => Some(c as u8),
                    Some(c) => {
                        return Err(IngestError::rejected(IssueKind::BadOption {
                            option: "delimiter".into(),
                            value: c.to_string(),
                        }))
                    }
                    None if ext == "tsv" => Some(b'\t'),
                    None => None,
                },
            };
            let source = CsvSource::new(owned, name, &text_opts, limits)?;
            let dialect = *source.dialect();
            OpenedFile {
                format: "CSV".into(),
                encoding: Some(dialect.encoding_name().to_owned()),
                delimiter: Some(dialect.delimiter_char()),
                comma_hint: dialect.delimiter == b';',
                tables: vec![Box::new(source)],
                warnings: Vec::new(),
                text: true,
            }
        }
    };
    if let Some(named) = named {
        let found = opened.format.as_str();
        let same = named == found
            || (named == "JSON" && found == "GeoJSON")
            || (named == "GeoJSON" && found == "JSON");
        if !same {
            warnings.push(Issue::warning(IssueKind::Mislabelled {
                named: named.into(),
                found: found.into(),
            }));
        }
    }
    Ok(Opened::Tables(OpenedFile { warnings, ..opened }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Workbook,
    /// Excel's XML Spreadsheet 2003, whatever the file's name says.
    SpreadsheetXml,
    Json,
    Text,
    Binary,
}

fn content_kind(prefix: &[u8]) -> Content {
    const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(&CFB) {
        return Content::Workbook;
    }
    if looks_binary(prefix) {
        return Content::Binary;
    }
    if crate::spreadsheet_xml::is_spreadsheet_xml(prefix) {
        return Content::SpreadsheetXml;
    }
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') | Some(b'{') => Content::Json,
        _ => Content::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(content_kind(b"PK\x03\x04rest"), Content::Workbook);
        assert_eq!(content_kind(b"\xEF\xBB\xBF  [{\"a\":1}]"), Content::Json);
        assert_eq!(content_kind(b"a;b\n1;2\n"), Content::Text);
        assert_eq!(
            content_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Content::Binary
        );
        assert_eq!(stem("dir/Ranking 2018.xlsx"), "Ranking 2018");
    }
}
