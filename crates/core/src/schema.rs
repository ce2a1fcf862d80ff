//! The typed schema of an ingested table: its columns, their types and statistics — the
//! data dictionary a publisher can edit.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Integer,
    Decimal,
    Boolean,
    Date,
    Datetime,
    Text,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Datetime,
        ColumnType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
            ColumnType::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<ColumnType> {
        let s = s.trim().to_ascii_lowercase();
        ColumnType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .or(match s.as_str() {
                "int" | "int64" | "entero" | "bigint" => Some(ColumnType::Integer),
                "float" | "float64" | "number" | "numeric" | "double" | "decimal_number" => {
                    Some(ColumnType::Decimal)
                }
                "bool" | "booleano" => Some(ColumnType::Boolean),
                "fecha" => Some(ColumnType::Date),
                "timestamp" | "fecha_hora" => Some(ColumnType::Datetime),
                "string" | "texto" | "str" => Some(ColumnType::Text),
                _ => None,
            })
    }

    /// The type's name for people: "número entero", "decimal number".
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ColumnType::Integer, Lang::Es) => "número entero",
            (ColumnType::Integer, Lang::En) => "whole number",
            (ColumnType::Decimal, Lang::Es) => "número decimal",
            (ColumnType::Decimal, Lang::En) => "decimal number",
            (ColumnType::Boolean, Lang::Es) => "sí/no",
            (ColumnType::Boolean, Lang::En) => "yes/no",
            (ColumnType::Date, Lang::Es) => "fecha",
            (ColumnType::Date, Lang::En) => "date",
            (ColumnType::Datetime, Lang::Es) => "fecha y hora",
            (ColumnType::Datetime, Lang::En) => "date and time",
            (ColumnType::Text, Lang::Es) => "texto",
            (ColumnType::Text, Lang::En) => "text",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }
}

/// A frequent value and how often it occurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopValue {
    pub value: String,
    pub count: u64,
}

/// Summary statistics of one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    pub nulls: u64,
    /// Estimated number of distinct non-null values.
    pub distinct: u64,
    /// Smallest and largest value, written as text (numbers in plain notation, dates ISO).
    pub min: Option<String>,
    pub max: Option<String>,
    /// Most frequent values, most frequent first (exact for up to a few thousand distinct
    /// values, approximate above).
    pub top: Vec<TopValue>,
    /// Sum and mean of numeric columns.
    pub sum: Option<f64>,
    pub mean: Option<f64>,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The name used in queries and APIs (unique within the table).
    pub name: String,
    /// The heading as it appeared in the file, or as the publisher edited it.
    pub label: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// Whether a publisher fixed the type (it is not re-inferred on rebuild).
    #[serde(default)]
    pub type_overridden: bool,
    #[serde(default)]
    pub description: String,
    /// Unit of measure, e.g. "Q" (quetzales), "US$", "%", "personas".
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub stats: ColumnStats,
}

/// Whether a number reads as a year (1900–2100): one rule for year columns, headers of
/// years and figures written one column per year.
pub fn is_year_number(n: i64) -> bool {
    (1900..=2100).contains(&n)
}

/// Words that name a column of years (folded: no accents, lower case).
const YEAR_WORDS: [&str; 8] = [
    "ano",
    "anio",
    "year",
    "ejercicio",
    "periodo",
    "gestion",
    "edicion",
    "vigencia",
];

/// Words that name a column of numbers that are not figures: codes, identifiers,
/// positions in a ranking, coordinates, and periods (a week or quarter number summed
/// means nothing). Folded: no accents, lower case.
const NOT_FIGURE_WORDS: [&str; 25] = [
    "codigo",
    "cod",
    "id",
    "posicion",
    "puesto",
    "ranking",
    "rank",
    "orden",
    "numero",
    "no",
    "correlativo",
    "snip",
    "nit",
    "telefono",
    "latitud",
    "longitud",
    "lat",
    "lon",
    "semana",
    "trimestre",
    "mes",
    "dia",
    "week",
    "month",
    "quarter",
];

impl Column {
    /// A column headed by its name, with no description, unit or statistics (tables
    /// made by code: tests, benchmarks, fuzz targets).
    pub fn new(name: &str, column_type: ColumnType) -> Column {
        Column {
            name: name.to_owned(),
            label: name.to_owned(),
            column_type,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats::default(),
        }
    }

    /// Whether the column's numbers are figures that may be summed or averaged: numeric,
    /// not years, and not named like a code, an identifier, a position or a period. One
    /// rule for the chart builder's measures and a territorial profile's key figures.
    pub fn is_figure(&self) -> bool {
        let name = crate::text::fold(&self.name);
        let named_otherwise = name
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| NOT_FIGURE_WORDS.contains(&w))
            || name.starts_with("cod");
        self.column_type.is_numeric() && !self.is_year() && !named_otherwise
    }

    /// Whether the column holds years: integers named like years (`año`, `anio`,
    /// `ejercicio`, `periodo`) whose smallest and largest values lie in 1900–2100. Years
    /// are written without thousands separators ("2021", not "2 021") and are the time
    /// axis of a territorial profile's figures.
    pub fn is_year(&self) -> bool {
        let in_range = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .is_some_and(is_year_number)
        };
        let named = crate::text::fold(&self.name)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| YEAR_WORDS.contains(&w));
        self.column_type == ColumnType::Integer
            && named
            && in_range(&self.stats.min)
            && in_range(&self.stats.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip() {
        for t in ColumnType::ALL {
            assert_eq!(ColumnType::parse(t.as_str()), Some(t));
        }
        assert_eq!(ColumnType::parse("Texto"), Some(ColumnType::Text));
        assert_eq!(ColumnType::parse("blob"), None);
    }

    #[test]
    fn years_are_integers_named_like_years_between_1900_and_2100() {
        let column = |name: &str, t: ColumnType, min: &str, max: &str| Column {
            name: name.into(),
            label: name.into(),
            column_type: t,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats {
                min: Some(min.into()),
                max: Some(max.into()),
                ..Default::default()
            },
        };
        for name in ["Año", "anio", "ejercicio_fiscal", "Periodo", "year"] {
            assert!(
                column(name, ColumnType::Integer, "2015", "2025").is_year(),
                "{name}"
            );
        }
        assert!(!column("hogares", ColumnType::Integer, "1950", "2050").is_year());
        assert!(!column("anio", ColumnType::Integer, "1", "12").is_year());
        assert!(!column("anio", ColumnType::Text, "2015", "2025").is_year());
        assert!(!column("anios_de_servicio", ColumnType::Integer, "1990", "2020").is_year());
    }
}
