//! The ingest report: what was found in a file, for the publisher and the CLI.

use ceiba_core::{Column, Lang};
use serde::{Deserialize, Serialize};

use crate::{Issue, Severity};

/// One table's part of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    pub name: String,
    /// 1-based row of the header in the source.
    pub header_row: Option<u64>,
    pub rows: u64,
    pub columns: Vec<Column>,
    /// The first rows, as typed values.
    pub sample: Vec<Vec<serde_json::Value>>,
    pub warnings: Vec<Issue>,
    pub errors: Vec<Issue>,
}

/// What ingestion found in one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// The file's original name.
    pub file: String,
    pub size: u64,
    /// `CSV`, `XLSX`, `JSON`…; `None` when the file is not a table.
    pub format: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<char>,
    pub tables: Vec<TableReport>,
    /// Findings about the whole file.
    pub warnings: Vec<Issue>,
    pub errors: Vec<Issue>,
}

impl FileReport {
    /// Whether at least one table was built and nothing fatal happened to the file.
    pub fn succeeded(&self) -> bool {
        self.errors.is_empty()
            && (self.format.is_none() || self.tables.iter().any(|t| t.errors.is_empty()))
    }

    /// Every error, file-level first.
    pub fn all_errors(&self) -> impl Iterator<Item = &Issue> {
        self.errors
            .iter()
            .chain(self.tables.iter().flat_map(|t| &t.errors))
    }

    /// The report as JSON, each finding with its `message` in `lang`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let issues = |list: &[Issue]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|i| {
                    let mut v = serde_json::to_value(i).unwrap_or_default();
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("message".into(), i.message(lang).into());
                        if let Some((index, name)) = &i.column {
                            obj.insert(
                                "column".into(),
                                serde_json::json!({"index": index, "name": name}),
                            );
                        }
                    }
                    v
                })
                .collect()
        };
        serde_json::json!({
            "file": self.file,
            "size": self.size,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter.map(|c| c.to_string()),
            "header_row": self.tables.first().and_then(|t| t.header_row),
            "tables": self.tables.iter().map(|t| serde_json::json!({
                "name": t.name,
                "header_row": t.header_row,
                "rows": t.rows,
                "columns": t.columns.iter().map(|c| serde_json::json!({
                    "name": c.name,
                    "label": c.label,
                    "type": c.column_type,
                    "stats": c.stats,
                })).collect::<Vec<_>>(),
                "sample": t.sample,
                "warnings": issues(&t.warnings),
                "errors": issues(&t.errors),
            })).collect::<Vec<_>>(),
            "warnings": issues(&self.warnings),
            "errors": issues(&self.errors),
        })
    }

    /// The report as lines of plain text, for the terminal.
    pub fn to_text(&self, lang: Lang) -> String {
        use std::fmt::Write;
        let es = lang == Lang::Es;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {}",
            if es { "Archivo" } else { "File" },
            self.file
        );
        if let Some(f) = &self.format {
            let _ = write!(out, "{}: {f}", if es { "Formato" } else { "Format" });
            if let Some(e) = &self.encoding {
                let _ = write!(
                    out,
                    ", {}: {e}",
                    if es { "codificación" } else { "encoding" }
                );
            }
            if let Some(d) = self.delimiter {
                let shown = if d == '\t' {
                    "TAB".to_string()
                } else {
                    d.to_string()
                };
                let _ = write!(
                    out,
                    ", {}: {shown}",
                    if es { "separador" } else { "delimiter" }
                );
            }
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "{}",
                if es {
                    "No es una tabla: se guarda tal cual."
                } else {
                    "Not a table: kept as it is."
                }
            );
        }
        for i in &self.errors {
            let _ = writeln!(out, "  ERROR {}", i.message(lang));
        }
        for i in &self.warnings {
            let _ = writeln!(
                out,
                "  {} {}",
                if es { "AVISO" } else { "WARNING" },
                i.message(lang)
            );
        }
        for t in &self.tables {
            let _ = writeln!(
                out,
                "\n{} «{}»: {} {}, {} {}{}",
                if es { "Tabla" } else { "Table" },
                t.name,
                t.rows,
                if es { "filas" } else { "rows" },
                t.columns.len(),
                if es { "columnas" } else { "columns" },
                t.header_row
                    .map(|h| format!(
                        ", {} {h}",
                        if es {
                            "encabezado en la fila"
                        } else {
                            "header on row"
                        }
                    ))
                    .unwrap_or_default()
            );
            for (n, c) in t.columns.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  {:>3}. {} — {}",
                    n + 1,
                    c.name,
                    c.column_type.label(lang)
                );
            }
            for i in t.errors.iter().chain(&t.warnings) {
                let tag = match (i.severity, es) {
                    (Severity::Error, _) => "ERROR",
                    (Severity::Warning, true) => "AVISO",
                    (Severity::Warning, false) => "WARNING",
                };
                let _ = writeln!(out, "  {tag} {}", i.message(lang));
            }
        }
        out
    }
}
