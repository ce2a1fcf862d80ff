//! What ingestion found wrong or worth saying about a file, with the row and column, in
//! words a publisher understands — in Spanish or English.

use ceiba_core::{ColumnType, Lang};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The table was built; something was adjusted or looks odd.
    Warning,
    /// The table could not be built.
    Error,
}

/// What kind of finding an [`Issue`] is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IssueKind {
    /// The file is not text nor a known spreadsheet.
    Binary,
    /// The file's name says one format and its content another; the content won.
    Mislabelled {
        named: String,
        found: String,
    },
    EmptyFile,
    /// A header but no data rows.
    HeaderOnly,
    /// A sheet without data.
    EmptySheet,
    /// A sheet of a workbook without data, left out of the others.
    SheetLeftOut {
        sheet: String,
    },
    /// Bytes that are not valid in the file's encoding, shown as "�".
    InvalidBytes {
        encoding: String,
        count: u64,
    },
    /// Rows above the header (titles, blank lines) that were skipped.
    TitleRows {
        count: u64,
    },
    /// Rows below the table (notes, sources) that were skipped.
    NotesBelow {
        count: u64,
    },
    /// The header runs over several rows (groups above the measures): their names were
    /// joined, as in `example`.
    HeaderRows {
        first: u64,
        last: u64,
        example: String,
    },
    /// The sheet holds another table below this one, from its header row on; it became a
    /// table of its own.
    NextTableBelow {
        title: String,
    },
    /// Rows that repeat the header inside the data (a report's page breaks), left out.
    RepeatedHeaders {
        count: u64,
    },
    /// A row that looks like a totals row, left out of the table.
    TotalRow {
        value: String,
    },
    /// A sheet of notes (named so, only text) beside sheets of data, left out.
    NotesSheetLeftOut {
        sheet: String,
    },
    /// Cells whose text had been encoded as UTF-8 twice upstream (`JARDÃN`), repaired.
    EncodedTwice {
        cells: u64,
    },
    /// Columns with neither a name nor a value, left out of the table.
    EmptyColumnsLeftOut {
        count: u64,
    },
    /// Rows that sum part of the rows above ("Subtotal …"), kept in the table: filter
    /// them out before adding up.
    SubtotalRows {
        count: u64,
        examples: Vec<(u64, String)>,
        /// The publisher asked for subtotals to be left out of the table.
        #[serde(default)]
        left_out: bool,
    },
    BlankColumnName {
        new_name: String,
    },
    DuplicateColumnName {
        name: String,
        new_name: String,
    },
    /// Rows with more cells than the header has columns; the extra cells were ignored.
    RowsTooLong {
        count: u64,
    },
    /// Rows with fewer cells than the header; the missing cells are empty.
    RowsTooShort {
        count: u64,
    },
    /// Values that do not fit the column's type; they became empty.
    TypeMismatch {
        expected: ColumnType,
        count: u64,
        examples: Vec<(u64, String)>,
    },
    /// A type the publisher forced that no value of the column fits.
    ForcedTypeFitsNothing {
        expected: ColumnType,
        /// The first value, with its row.
        example: (u64, String),
    },
    /// Codes of `width` digits of which `count` are shorter: their leading zeros were lost
    /// before the file was made. The column is kept as text.
    ZerosLost {
        count: u64,
        width: usize,
    },
    FileTooLarge {
        size: u64,
        limit: u64,
    },
    TooManyRows {
        limit: u64,
    },
    TooManyColumns {
        count: usize,
        limit: usize,
    },
    CellTooLong {
        limit: usize,
    },
    LineTooLong {
        limit: usize,
    },
    InflatedTooLarge {
        limit: u64,
    },
    /// Reading a part of the file would hold more memory than `max_memory_bytes`.
    MemoryTooLarge {
        /// The part (`xl/sharedStrings.xml`, a sheet's name…).
        part: String,
        needed: u64,
        limit: u64,
    },
    /// A part of a workbook declares more entries than it holds (damaged, or made to
    /// exhaust memory).
    CountMismatch {
        part: String,
        declared: u64,
        found: u64,
    },
    /// The portal stopped this many times while reading the file; it is not tried again.
    ReaderStopped {
        attempts: u64,
    },
    /// The file could not be read as the format it claims to be.
    Unreadable {
        format: String,
        detail: String,
    },
    SheetNotFound {
        sheet: String,
        available: Vec<String>,
    },
    /// An ingestion option that cannot apply, e.g. an unknown encoding name.
    BadOption {
        option: String,
        value: String,
    },
}

/// One finding, located in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub severity: Severity,
    #[serde(flatten)]
    pub kind: IssueKind,
    /// 1-based row (or line) of the source file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// 1-based column number and its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<(usize, String)>,
}

impl Issue {
    pub fn warning(kind: IssueKind) -> Issue {
        Issue {
            severity: Severity::Warning,
            kind,
            row: None,
            column: None,
        }
    }

    pub fn error(kind: IssueKind) -> Issue {
        Issue {
            severity: Severity::Error,
            kind,
            row: None,
            column: None,
        }
    }

    pub fn at_row(mut self, row: u64) -> Issue {
        self.row = Some(row);
        self
    }

    pub fn at_column(mut self, index: usize, name: impl Into<String>) -> Issue {
        self.column = Some((index, name.into()));
        self
    }

    /// The finding in plain words, prefixed by where it is: "fila 5003: …".
    pub fn message(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        let mut place = Vec::new();
        if let Some(row) = self.row {
            place.push(if es {
                format!("fila {row}")
            } else {
                format!("row {row}")
            });
        }
        if let Some((i, name)) = &self.column {
            place.push(if es {
                format!("columna {i} «{name}»")
            } else {
                format!("column {i} “{name}”")
            });
        }
        let text = self.text(lang);
        if place.is_empty() {
            text
        } else {
            format!("{}: {text}", place.join(", "))
        }
    }

    fn text(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match &self.kind {
            IssueKind::Binary => {
                if es {
                    "el archivo no es un texto ni una hoja de cálculo que se pueda leer (CSV, XLSX, XLS, ODS, JSON o GeoJSON)".into()
                } else {
                    "the file is neither text nor a spreadsheet that can be read (CSV, XLSX, XLS, ODS, JSON or GeoJSON)".into()
                }
            }
            IssueKind::Mislabelled { named, found } => {
                if es {
                    format!("el nombre del archivo indica {named} pero su contenido es {found}; se leyó como {found}")
                } else {
                    format!("the file name says {named} but its content is {found}; it was read as {found}")
                }
            }
            IssueKind::EmptyFile => {
                if es {
                    "el archivo está vacío".into()
                } else {
                    "the file is empty".into()
                }
            }
            IssueKind::HeaderOnly => {
                if es {
                    "la tabla tiene encabezado pero ninguna fila de datos".into()
                } else {
                    "the table has a header but no data rows".into()
                }
            }
            IssueKind::EmptySheet => {
                if es {
                    "no hay datos".into()
                } else {
                    "there is no data".into()
                }
            }
            IssueKind::SheetLeftOut { sheet } => {
                if es {
                    format!("la hoja «{sheet}» no tiene datos; se omitió")
                } else {
                    format!("the sheet “{sheet}” has no data; it was left out")
                }
            }
            IssueKind::InvalidBytes { encoding, count } => {
                if es {
                    format!("{count} bytes no son válidos en la codificación {encoding}; se muestran como «�»")
                } else {
                    format!(
                        "{count} bytes are not valid in the {encoding} encoding; they show as “�”"
                    )
                }
            }
            IssueKind::TitleRows { count } => {
                if es {
                    format!("se omitieron {count} filas de título o en blanco sobre el encabezado")
                } else {
                    format!("{count} title or blank rows above the header were skipped")
                }
            }
            IssueKind::HeaderRows {
                first,
                last,
                example,
            } => {
                if es {
                    format!("el encabezado ocupa las filas {first} a {last}: los nombres de los grupos se unieron a los de sus columnas, como «{example}»")
                } else {
                    format!("the header runs over rows {first} to {last}: group names were joined to their columns' names, as in “{example}”")
                }
            }
            IssueKind::NotesBelow { count } => {
                if es {
                    format!("se omitieron {count} filas de notas debajo de la tabla")
                } else {
                    format!("{count} rows of notes below the table were skipped")
                }
            }
            IssueKind::NextTableBelow { title } => {
                if es {
                    format!("la hoja tiene otra tabla debajo de esta, desde esta fila («{title}»): se leyó como una tabla aparte")
                } else {
                    format!("the sheet holds another table below this one, from this row (“{title}”): it was read as a table of its own")
                }
            }
            IssueKind::RepeatedHeaders { count } => {
                if es {
                    format!(
                        "se omitieron {count} filas que repiten el encabezado dentro de los datos"
                    )
                } else {
                    format!("{count} rows repeating the header inside the data were left out")
                }
            }
            IssueKind::NotesSheetLeftOut { sheet } => {
                if es {
                    format!("la hoja «{sheet}» tiene notas, no datos; se dejó fuera de las tablas (sigue en el archivo original)")
                } else {
                    format!("sheet \"{sheet}\" holds notes, not data; it was left out of the tables (it stays in the original file)")
                }
            }
            IssueKind::EncodedTwice { cells } => {
                if es {
                    format!("{cells} celdas tenían el texto codificado dos veces (JARDÃN en vez de JARDÍN) y se repararon; revise el archivo de origen")
                } else {
                    format!("{cells} cells had their text encoded twice (JARDÃN instead of JARDÍN) and were repaired; check the source file")
                }
            }
            IssueKind::EmptyColumnsLeftOut { count } => {
                if es {
                    format!("{count} columnas sin nombre ni valores se dejaron fuera")
                } else {
                    format!("{count} columns with neither a name nor values were left out")
                }
            }
            IssueKind::SubtotalRows {
                count,
                examples,
                left_out: true,
            } => {
                let shown = located(examples, es);
                if es {
                    format!(
                        "{count} filas son subtotales y se dejaron fuera de la tabla: {}",
                        shown.join(", ")
                    )
                } else {
                    format!(
                        "{count} rows are subtotals and were left out of the table: {}",
                        shown.join(", ")
                    )
                }
            }
            IssueKind::SubtotalRows {
                count, examples, ..
            } => {
                let shown = located(examples, es);
                if es {
                    format!("{count} filas son subtotales y se conservaron en la tabla; fíltrelas antes de sumar: {}", shown.join(", "))
                } else {
                    format!("{count} rows are subtotals and were kept in the table; filter them out before adding up: {}", shown.join(", "))
                }
            }
            IssueKind::TotalRow { value } => {
                if es {
                    format!("«{value}» parece una fila de totales; se dejó fuera de la tabla")
                } else {
                    format!("“{value}” looks like a totals row; it was left out of the table")
                }
            }
            IssueKind::BlankColumnName { new_name } => {
                if es {
                    format!("la columna no tiene nombre; se llamará «{new_name}»")
                } else {
                    format!("the column has no name; it will be called “{new_name}”")
                }
            }
            IssueKind::DuplicateColumnName { name, new_name } => {
                if es {
                    format!("el nombre «{name}» se repite; esta columna se llamará «{new_name}»")
                } else {
                    format!(
                        "the name “{name}” is repeated; this column will be called “{new_name}”"
                    )
                }
            }
            IssueKind::RowsTooLong { count } => {
                if es {
                    format!("{count} filas tienen más celdas que el encabezado; las celdas de más se ignoraron")
                } else {
                    format!("{count} rows have more cells than the header; the extra cells were ignored")
                }
            }
            IssueKind::RowsTooShort { count } => {
                if es {
                    format!("{count} filas tienen menos celdas que el encabezado; las que faltan quedan vacías")
                } else {
                    format!(
                        "{count} rows have fewer cells than the header; the missing ones are empty"
                    )
                }
            }
            IssueKind::TypeMismatch {
                expected,
                count,
                examples,
            } => {
                let shown = located(examples, es);
                let more = if (*count as usize) > examples.len() {
                    "…"
                } else {
                    ""
                };
                let what = match (expected, es) {
                    (ColumnType::Integer | ColumnType::Decimal, true) => {
                        "no son números".to_string()
                    }
                    (ColumnType::Integer | ColumnType::Decimal, false) => {
                        "are not numbers".to_string()
                    }
                    (ColumnType::Date | ColumnType::Datetime, true) => "no son fechas".to_string(),
                    (ColumnType::Date | ColumnType::Datetime, false) => "are not dates".to_string(),
                    (t, true) => format!("no son de tipo {}", t.label(lang)),
                    (t, false) => format!("are not of type {}", t.label(lang)),
                };
                let (one, many) = if es {
                    ("valor", "valores")
                } else {
                    ("value", "values")
                };
                let noun = if *count == 1 { one } else { many };
                let became = if es {
                    "quedaron vacíos"
                } else {
                    "became empty"
                };
                format!(
                    "{count} {noun} {what} ({became}): {}{more}",
                    shown.join(", ")
                )
            }
            IssueKind::ForcedTypeFitsNothing {
                expected,
                example: (row, value),
            } => {
                if es {
                    format!(
                        "ningún valor es de tipo {} (por ejemplo, fila {row}: '{value}'); la tabla no se construyó. Elija otro tipo o indique el formato",
                        expected.label(lang)
                    )
                } else {
                    format!(
                        "no value is of type {} (for example, row {row}: '{value}'); the table was not built. Choose another type or give the format",
                        expected.label(lang)
                    )
                }
            }
            IssueKind::ZerosLost { count, width } => {
                if es {
                    format!("{count} códigos tienen menos de {width} dígitos: perdieron sus ceros iniciales antes de llegar al portal. La columna se guarda como texto")
                } else {
                    format!("{count} codes have fewer than {width} digits: they lost their leading zeros before reaching the portal. The column is kept as text")
                }
            }
            IssueKind::FileTooLarge { size, limit } => {
                if es {
                    format!("el archivo pesa {size} bytes; el límite es {limit} bytes")
                } else {
                    format!("the file is {size} bytes; the limit is {limit} bytes")
                }
            }
            IssueKind::TooManyRows { limit } => {
                if es {
                    format!("la tabla tiene más de {limit} filas, el límite configurado")
                } else {
                    format!("the table has more than {limit} rows, the configured limit")
                }
            }
            IssueKind::TooManyColumns { count, limit } => {
                if es {
                    format!("la tabla tiene {count} columnas; el límite es {limit}")
                } else {
                    format!("the table has {count} columns; the limit is {limit}")
                }
            }
            IssueKind::CellTooLong { limit } => {
                if es {
                    format!("una celda supera el límite de {limit} bytes")
                } else {
                    format!("a cell exceeds the limit of {limit} bytes")
                }
            }
            IssueKind::LineTooLong { limit } => {
                if es {
                    format!("una línea supera el límite de {limit} bytes (¿falta cerrar unas comillas?)")
                } else {
                    format!("a line exceeds the limit of {limit} bytes (an unclosed quote?)")
                }
            }
            IssueKind::InflatedTooLarge { limit } => {
                if es {
                    format!("la hoja de cálculo descomprimida supera el límite de {limit} bytes")
                } else {
                    format!("the uncompressed spreadsheet exceeds the limit of {limit} bytes")
                }
            }
            IssueKind::MemoryTooLarge {
                part,
                needed,
                limit,
            } => {
                let (needed, limit) = (mebibytes(*needed), mebibytes(*limit));
                if es {
                    format!("leer «{part}» ocuparía unos {needed} MiB de memoria; el límite (max_memory_bytes) es {limit} MiB")
                } else {
                    format!("reading “{part}” would take about {needed} MiB of memory; the limit (max_memory_bytes) is {limit} MiB")
                }
            }
            IssueKind::CountMismatch {
                part,
                declared,
                found,
            } => {
                if es {
                    format!("«{part}» declara {declared} elementos pero tiene {found}; el archivo está dañado o fue hecho para agotar la memoria")
                } else {
                    format!("“{part}” declares {declared} entries but holds {found}; the file is damaged or was made to exhaust memory")
                }
            }
            IssueKind::ReaderStopped { attempts } => {
                if es {
                    format!("el portal se detuvo {attempts} veces mientras leía este archivo; no se volverá a intentar. La versión anterior sigue publicada; revise el archivo (por ejemplo, ábralo y guárdelo de nuevo en una hoja de cálculo) y súbalo otra vez")
                } else {
                    format!("the portal stopped {attempts} times while reading this file; it will not be tried again. The previous version stays published; check the file (for example, open it and save it again in a spreadsheet program) and upload it again")
                }
            }
            IssueKind::Unreadable { format, detail } => {
                if es {
                    format!("no se pudo leer como {format}: {detail}")
                } else {
                    format!("could not be read as {format}: {detail}")
                }
            }
            IssueKind::SheetNotFound { sheet, available } => {
                if es {
                    format!(
                        "no hay una hoja «{sheet}»; las hojas son: {}",
                        available.join(", ")
                    )
                } else {
                    format!(
                        "there is no sheet “{sheet}”; the sheets are: {}",
                        available.join(", ")
                    )
                }
            }
            IssueKind::BadOption { option, value } => {
                if es {
                    format!("la opción {option} no admite el valor «{value}»")
                } else {
                    format!("the option {option} does not accept “{value}”")
                }
            }
        }
    }
}

/// Bytes in MiB, rounded up, for messages.
fn mebibytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// Why a table could not be built: one error issue, or a failure of the machine.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}", .0.message(Lang::En))]
    Rejected(Issue),
    #[error("reading or writing files: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Internal(String),
}

impl IngestError {
    pub fn rejected(kind: IssueKind) -> IngestError {
        IngestError::Rejected(Issue::error(kind))
    }

    /// The error as a finding for the report.
    pub fn to_issue(&self) -> Issue {
        match self {
            IngestError::Rejected(issue) => issue.clone(),
            IngestError::Io(e) => Issue::error(IssueKind::Unreadable {
                format: "file".into(),
                detail: e.to_string(),
            }),
            IngestError::Internal(e) => Issue::error(IssueKind::Unreadable {
                format: "table".into(),
                detail: e.clone(),
            }),
        }
    }
}

/// Values with their rows, as a report shows them: `fila 4 'Total Hombres'`.
fn located(examples: &[(u64, String)], es: bool) -> Vec<String> {
    examples
        .iter()
        .map(|(row, v)| {
            if es {
                format!("fila {row} '{v}'")
            } else {
                format!("row {row} '{v}'")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_row_and_column() {
        let i = Issue::warning(IssueKind::TotalRow {
            value: "TOTAL".into(),
        })
        .at_row(5003);
        assert_eq!(
            i.message(Lang::Es),
            "fila 5003: «TOTAL» parece una fila de totales; se dejó fuera de la tabla"
        );
        let i = Issue::warning(IssueKind::TypeMismatch {
            expected: ColumnType::Decimal,
            count: 12,
            examples: vec![(17, "N/D".into()), (40, "s.d.".into())],
        })
        .at_column(9, "monto");
        assert_eq!(
            i.message(Lang::Es),
            "columna 9 «monto»: 12 valores no son números (quedaron vacíos): fila 17 'N/D', fila 40 's.d.'…"
        );
        assert_eq!(
            i.message(Lang::En),
            "column 9 “monto”: 12 values are not numbers (became empty): row 17 'N/D', row 40 's.d.'…"
        );
    }

    #[test]
    fn issues_serialise_with_a_code() {
        let i = Issue::warning(IssueKind::TitleRows { count: 2 }).at_row(3);
        let json = serde_json::to_value(&i).unwrap();
        assert_eq!(json["code"], "title_rows");
        assert_eq!(json["count"], 2);
        assert_eq!(json["row"], 3);
        assert_eq!(json["severity"], "warning");
    }
}
