//! What can be asked of a table, and what comes back.

use ceiba_core::{Column, ColumnType, Lang};
use serde::{Deserialize, Serialize};

/// An ingested table, as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// Object-store key of the table's Parquet file.
    pub parquet_key: String,
    pub columns: Vec<Column>,
    pub rows: i64,
}

impl From<&ceiba_core::IngestedTable> for TableSpec {
    fn from(t: &ceiba_core::IngestedTable) -> TableSpec {
        TableSpec {
            parquet_key: t.parquet_key.clone(),
            columns: t.columns.clone(),
            rows: t.rows,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal (`eq`).
    Eq,
    /// Not equal (`ne`).
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    /// One of a comma-separated list (`in`).
    In,
    /// Text contains, ignoring case and accents (`contains`).
    Contains,
    /// Empty (`null`), value ignored.
    Null,
    /// Not empty (`notnull`), value ignored.
    NotNull,
}

impl FilterOp {
    pub const ALL: [FilterOp; 10] = [
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Lt,
        FilterOp::Lte,
        FilterOp::Gt,
        FilterOp::Gte,
        FilterOp::In,
        FilterOp::Contains,
        FilterOp::Null,
        FilterOp::NotNull,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Lt => "lt",
            FilterOp::Lte => "lte",
            FilterOp::Gt => "gt",
            FilterOp::Gte => "gte",
            FilterOp::In => "in",
            FilterOp::Contains => "contains",
            FilterOp::Null => "null",
            FilterOp::NotNull => "notnull",
        }
    }

    pub fn parse(s: &str) -> Option<FilterOp> {
        FilterOp::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether the operator applies to a column of type `t`.
    pub fn applies_to(self, t: ColumnType) -> bool {
        match self {
            FilterOp::Contains => t == ColumnType::Text,
            FilterOp::Lt | FilterOp::Lte | FilterOp::Gt | FilterOp::Gte => t != ColumnType::Boolean,
            _ => true,
        }
    }
}

/// One condition on a column. `value` is text as typed by a person; it is parsed by the
/// column's type (`1.234,5` and `1,234.5` both work for decimals, dates as ISO or
/// dd/mm/yyyy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub column: String,
    pub op: FilterOp,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: String,
    pub descending: bool,
}

/// A page (or, for exports, all) of the rows that match.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RowsRequest {
    pub filters: Vec<Filter>,
    /// Words to find anywhere in the row's text columns (accent- and case-insensitive).
    pub q: Option<String>,
    pub sort: Vec<Sort>,
    /// Columns to return, in this order; all when `None`.
    pub columns: Option<Vec<String>>,
    pub limit: u64,
    pub offset: u64,
    /// Keyset cursor from a previous response's `next_cursor` (replaces `offset`).
    pub cursor: Option<String>,
}

/// A column in a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowsResponse {
    pub columns: Vec<ColumnInfo>,
    /// Typed JSON values: numbers, booleans, text, dates as `YYYY-MM-DD`, date-times as
    /// `YYYY-MM-DDTHH:MM:SS`, null.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows matching the filters, before limit and offset.
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
    pub next_cursor: Option<String>,
    /// Why fewer rows came back than were asked for, if a bound applied.
    pub capped: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    CountDistinct,
}

impl MeasureFn {
    pub const ALL: [MeasureFn; 6] = [
        MeasureFn::Count,
        MeasureFn::Sum,
        MeasureFn::Avg,
        MeasureFn::Min,
        MeasureFn::Max,
        MeasureFn::CountDistinct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureFn::Count => "count",
            MeasureFn::Sum => "sum",
            MeasureFn::Avg => "avg",
            MeasureFn::Min => "min",
            MeasureFn::Max => "max",
            MeasureFn::CountDistinct => "count_distinct",
        }
    }

    pub fn parse(s: &str) -> Option<MeasureFn> {
        MeasureFn::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// `sum(monto)`, `count` (rows), `count_distinct(municipio)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub func: MeasureFn,
    /// `None` only for `count` of rows.
    pub column: Option<String>,
}

impl Measure {
    /// The result column's name: `count`, `sum_monto`.
    pub fn alias(&self) -> String {
        match &self.column {
            Some(c) => format!("{}_{c}", self.func.as_str()),
            None => self.func.as_str().to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AggregateRequest {
    pub group_by: Vec<String>,
    pub measures: Vec<Measure>,
    pub filters: Vec<Filter>,
    pub q: Option<String>,
    /// By group columns or measure aliases.
    pub sort: Vec<Sort>,
    pub limit: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateResponse {
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Number of groups before the limit.
    pub total: u64,
    pub capped: Option<String>,
}

/// One bar of a column's histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lower: f64,
    pub upper: f64,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Tsv,
    Json,
    Xlsx,
    Parquet,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "tsv" => Some(ExportFormat::Tsv),
            "json" => Some(ExportFormat::Json),
            "xlsx" => Some(ExportFormat::Xlsx),
            "parquet" => Some(ExportFormat::Parquet),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Tsv => "tsv",
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Parquet => "parquet",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Tsv => "text/tab-separated-values; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Parquet => "application/vnd.apache.parquet",
        }
    }
}

/// Bounds on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueryLimits {
    /// Rows one page may return.
    pub max_page_rows: u64,
    /// Groups one aggregation may return.
    pub max_groups: u64,
    /// Milliseconds a page or aggregation may run.
    pub timeout_ms: u64,
    /// Memory the query engine may use, in MB (shared by running queries).
    pub memory_mb: u64,
    /// Rows one export may hold (0 = no limit).
    pub max_export_rows: u64,
    /// Memory for tables kept decoded between queries, in MB (0 = read Parquet every
    /// time). A 2,000,000-row table of 13 columns takes about 150 MB.
    pub cache_mb: u64,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_page_rows: 1_000,
            max_groups: 10_000,
            timeout_ms: 10_000,
            memory_mb: 512,
            max_export_rows: 0,
            cache_mb: 256,
        }
    }
}

/// Why a request could not be answered. Every variant that comes from the request names
/// the parameter, so a 400 can tell the person what to change.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A parameter is malformed or names something the table lacks.
    #[error("{parameter}: {detail}")]
    BadParameter {
        parameter: String,
        /// Which problem (for the message in each language).
        problem: Problem,
        detail: String,
    },
    #[error("the query took longer than {0} ms")]
    Timeout(u64),
    #[error("the query needs more memory than the portal allows")]
    TooMuchMemory,
    #[error("query engine: {0}")]
    Engine(String),
    #[error(transparent)]
    Store(#[from] ceiba_store::StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    UnknownColumn,
    UnknownOperator,
    OperatorNotForType,
    BadValue,
    Malformed,
    UnknownMeasure,
    MeasureNotForType,
    OutOfRange,
    BadCursor,
    UnknownFormat,
    /// SQL (`datastore_search_sql`): the text is not SQL the parser understands.
    SqlSyntax,
    /// SQL: not exactly one statement.
    SqlNotOneStatement,
    /// SQL: a statement or construct other than reading the portal's tables (DDL, DML,
    /// table functions, files, other schemas…).
    SqlNotAllowed,
    /// SQL: no public table goes by that name (a resource id).
    UnknownTable,
    /// SQL: well-formed, but it cannot be planned or run (unknown column, types that do
    /// not match, division by zero…).
    SqlInvalid,
    /// Past a bound on how much one request may ask for: nesting depth or size of an
    /// expression, words in a search, filters, sort keys, columns, length of a value.
    TooComplex,
}

impl QueryError {
    pub fn bad(parameter: impl Into<String>, problem: Problem, detail: impl Into<String>) -> Self {
        QueryError::BadParameter {
            parameter: parameter.into(),
            problem,
            detail: detail.into(),
        }
    }

    /// Whether the request (not the portal) is at fault: an HTTP 400.
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            QueryError::BadParameter { .. } | QueryError::Timeout(_) | QueryError::TooMuchMemory
        )
    }

    /// The error in plain words in `lang`, naming the parameter.
    pub fn message(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match self {
            QueryError::BadParameter {
                parameter,
                problem,
                detail,
            } => {
                let what = match (problem, es) {
                    (Problem::UnknownColumn, true) => "la tabla no tiene esa columna",
                    (Problem::UnknownColumn, false) => "the table has no such column",
                    (Problem::UnknownOperator, true) => "operador desconocido (eq, ne, lt, lte, gt, gte, in, contains, null, notnull)",
                    (Problem::UnknownOperator, false) => "unknown operator (eq, ne, lt, lte, gt, gte, in, contains, null, notnull)",
                    (Problem::OperatorNotForType, true) => "ese operador no sirve para el tipo de la columna",
                    (Problem::OperatorNotForType, false) => "that operator does not apply to the column's type",
                    (Problem::BadValue, true) => "el valor no corresponde al tipo de la columna",
                    (Problem::BadValue, false) => "the value does not fit the column's type",
                    (Problem::Malformed, true) => "no tiene la forma esperada",
                    (Problem::Malformed, false) => "is not in the expected form",
                    (Problem::UnknownMeasure, true) => "medida desconocida (count, sum, avg, min, max, count_distinct)",
                    (Problem::UnknownMeasure, false) => "unknown measure (count, sum, avg, min, max, count_distinct)",
                    (Problem::MeasureNotForType, true) => "esa medida necesita una columna numérica",
                    (Problem::MeasureNotForType, false) => "that measure needs a numeric column",
                    (Problem::OutOfRange, true) => "fuera del rango permitido",
                    (Problem::OutOfRange, false) => "out of the allowed range",
                    (Problem::BadCursor, true) => "el cursor no es válido para esta consulta",
                    (Problem::BadCursor, false) => "the cursor is not valid for this query",
                    (Problem::UnknownFormat, true) => "formato desconocido (csv, tsv, json, xlsx, parquet)",
                    (Problem::UnknownFormat, false) => "unknown format (csv, tsv, json, xlsx, parquet)",
                    (Problem::SqlSyntax, true) => "no es SQL válido",
                    (Problem::SqlSyntax, false) => "is not valid SQL",
                    (Problem::SqlNotOneStatement, true) => "debe ser una sola consulta SELECT",
                    (Problem::SqlNotOneStatement, false) => "must be exactly one SELECT query",
                    (Problem::SqlNotAllowed, true) => "solo se permite leer las tablas públicas con una consulta SELECT",
                    (Problem::SqlNotAllowed, false) => "only a SELECT query reading the public tables is allowed",
                    (Problem::UnknownTable, true) => "no hay ninguna tabla pública con ese id de recurso",
                    (Problem::UnknownTable, false) => "no public table has that resource id",
                    (Problem::SqlInvalid, true) => "la consulta no se puede ejecutar",
                    (Problem::SqlInvalid, false) => "the query cannot be run",
                    (Problem::TooComplex, true) => "la consulta es demasiado compleja; simplifíquela",
                    (Problem::TooComplex, false) => "the query is too complex; simplify it",
                };
                if detail.is_empty() {
                    format!("{parameter}: {what}")
                } else {
                    format!("{parameter}: {what} ({detail})")
                }
            }
            QueryError::Timeout(ms) => {
                if es {
                    format!("la consulta tardó más de {ms} ms; agregue filtros o pida menos filas")
                } else {
                    format!("the query took longer than {ms} ms; add filters or ask for fewer rows")
                }
            }
            QueryError::TooMuchMemory => {
                if es {
                    "la consulta necesita más memoria de la permitida; agregue filtros o agrupe por menos columnas".into()
                } else {
                    "the query needs more memory than allowed; add filters or group by fewer columns".into()
                }
            }
            QueryError::Engine(_) | QueryError::Store(_) => {
                if es {
                    "error interno al consultar la tabla".into()
                } else {
                    "internal error while querying the table".into()
                }
            }
        }
    }
}
