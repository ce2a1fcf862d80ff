//! Charts rendered on the server as SVG.
//!
//! The input is already aggregated ([`ChartData`]: categories or x values, one or more
//! [`Series`]); [`render_svg`] draws it as one [`ChartKind`]. Every mark carries a
//! `class` (`bar`, `point`, `slice`, `line`, `area`, `cell`), `data-label` and
//! `data-value` (the raw number) and a `<title>` tooltip with the value formatted for
//! the reader (`Huehuetenango: Q 2 500 000`). The SVG has `role="img"` and is labelled
//! by its `<title>` and a `<desc>` that summarises the data; [`data_table_html`] is the
//! full table for screen readers and [`data_csv`] the download.
//!
//! Styles are one `<style>` scoped to the chart's id, so several charts on a page never
//! affect each other. Sizes are in the `viewBox`'s units: the chart scales to its box.

mod cartesian;
mod frame;
mod pie;
mod prepare;
mod table;

use ceiba_core::Lang;

use crate::format::{Formatter, NumberStyle, Unit};

pub use table::{data_csv, data_table_html};

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Vertical bars, one per category (grouped side by side with several series).
    Bar,
    /// Horizontal bars, categories top to bottom: for long names.
    HBar,
    /// Vertical bars with the series stacked (negative values stack downwards).
    StackedBar,
    /// A line per series across the categories (dates as ISO text become dates).
    Line,
    /// A line with the area down to zero filled.
    Area,
    /// Slices of the first series' values (no negative values).
    Pie,
    /// A pie with a hole showing the total.
    Donut,
    /// Points at (`x_values[i]`, `series[s].values[i]`).
    Scatter,
    /// Counts per bin (`bins[i]`, `series[0].values[i]`), bars side by side.
    Histogram,
    /// The values as a table of text.
    Table,
}

impl ChartKind {
    pub const ALL: [ChartKind; 10] = [
        ChartKind::Bar,
        ChartKind::HBar,
        ChartKind::StackedBar,
        ChartKind::Line,
        ChartKind::Area,
        ChartKind::Pie,
        ChartKind::Donut,
        ChartKind::Scatter,
        ChartKind::Histogram,
        ChartKind::Table,
    ];

    /// The name used in URLs and class names (`bar`, `hbar`, `stacked`, …).
    pub fn code(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::HBar => "hbar",
            ChartKind::StackedBar => "stacked",
            ChartKind::Line => "line",
            ChartKind::Area => "area",
            ChartKind::Pie => "pie",
            ChartKind::Donut => "donut",
            ChartKind::Scatter => "scatter",
            ChartKind::Histogram => "histogram",
            ChartKind::Table => "table",
        }
    }

    pub fn parse(code: &str) -> Option<ChartKind> {
        let code = code.trim().to_ascii_lowercase();
        ChartKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What a reader calls it.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ChartKind::Bar, Lang::Es) => "Gráfico de barras",
            (ChartKind::Bar, Lang::En) => "Bar chart",
            (ChartKind::HBar, Lang::Es) => "Gráfico de barras horizontales",
            (ChartKind::HBar, Lang::En) => "Horizontal bar chart",
            (ChartKind::StackedBar, Lang::Es) => "Gráfico de barras apiladas",
            (ChartKind::StackedBar, Lang::En) => "Stacked bar chart",
            (ChartKind::Line, Lang::Es) => "Gráfico de líneas",
            (ChartKind::Line, Lang::En) => "Line chart",
            (ChartKind::Area, Lang::Es) => "Gráfico de área",
            (ChartKind::Area, Lang::En) => "Area chart",
            (ChartKind::Pie, Lang::Es) => "Gráfico circular",
            (ChartKind::Pie, Lang::En) => "Pie chart",
            (ChartKind::Donut, Lang::Es) => "Gráfico de anillo",
            (ChartKind::Donut, Lang::En) => "Donut chart",
            (ChartKind::Scatter, Lang::Es) => "Gráfico de dispersión",
            (ChartKind::Scatter, Lang::En) => "Scatter plot",
            (ChartKind::Histogram, Lang::Es) => "Histograma",
            (ChartKind::Histogram, Lang::En) => "Histogram",
            (ChartKind::Table, Lang::Es) => "Tabla de resultados",
            (ChartKind::Table, Lang::En) => "Table of results",
        }
    }

    /// Whether categories past [`RenderOptions::max_categories`] are summed into
    /// "Otros" (bars and slices; lines, scatter, histograms and tables show all).
    pub fn groups_categories(self) -> bool {
        matches!(
            self,
            ChartKind::Bar
                | ChartKind::HBar
                | ChartKind::StackedBar
                | ChartKind::Pie
                | ChartKind::Donut
        )
    }
}

/// One named row of values, one value per category (or x value, or bin); `None`, NaN
/// and infinities are gaps, never drawn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = f64>) -> Self {
        Series {
            name: name.into(),
            values: values.into_iter().map(Some).collect(),
        }
    }

    pub fn with_gaps(name: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// A histogram bin, `from` (included) to `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
}

/// Aggregated data and the words around it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartData {
    pub title: String,
    pub subtitle: String,
    /// Who published the data, shown as "Fuente: …" at the bottom.
    pub source: String,
    pub x_label: String,
    pub y_label: String,
    /// The x axis of every kind but scatter and histogram; ISO dates (`2024-03-31`,
    /// `2024-03`) are shown as dates.
    pub categories: Vec<String>,
    /// The x of each point of a scatter plot (`categories`, if given, name the points).
    pub x_values: Vec<Option<f64>>,
    /// The bins of a histogram.
    pub bins: Vec<Bin>,
    pub series: Vec<Series>,
    /// The unit of the values (`Q`, `US$`, `%`).
    pub unit: Unit,
    /// The unit of `x_values` (scatter) and bins (histogram).
    pub x_unit: Unit,
}

impl ChartData {
    /// How many points each series must have for `kind`.
    pub fn point_count(&self, kind: ChartKind) -> usize {
        match kind {
            ChartKind::Scatter => self.x_values.len(),
            ChartKind::Histogram => self.bins.len(),
            ChartKind::Table if self.categories.is_empty() => {
                self.x_values.len().max(self.bins.len())
            }
            _ => self.categories.len(),
        }
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// The `viewBox` (and default size) in px; text sizes follow the width.
    pub width: f64,
    pub height: f64,
    pub lang: Lang,
    /// Digits grouping and decimal mark; by default the language's.
    pub number_style: Option<NumberStyle>,
    /// Bars or slices drawn at most; the smallest of the rest are summed into one
    /// "Otros" / "Other" (at least 2).
    pub max_categories: usize,
    /// Rows of a [`ChartKind::Table`] drawn at most (the SVG grows to fit them).
    pub max_table_rows: usize,
    /// The id of the `<svg>` (prefix of its inner ids, scope of its styles); by default
    /// one derived from the data, so equal charts get equal SVGs.
    pub id: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            width: 640.0,
            height: 400.0,
            lang: Lang::Es,
            number_style: None,
            max_categories: 12,
            max_table_rows: 50,
            id: None,
        }
    }
}

impl RenderOptions {
    pub fn new(lang: Lang) -> Self {
        RenderOptions {
            lang,
            ..Self::default()
        }
    }

    pub fn formatter(&self) -> Formatter {
        Formatter::with_style(
            self.lang,
            self.number_style
                .unwrap_or(NumberStyle::for_lang(self.lang)),
        )
    }
}

/// Marks (points × series) drawn at most in one chart.
pub const MAX_MARKS: usize = 50_000;

/// Why a chart cannot be drawn; [`ChartError::message`] says it to the reader.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("no data for this chart")]
    NoData,
    #[error("series {series:?} has {found} values for {expected} points")]
    LengthMismatch {
        series: String,
        expected: usize,
        found: usize,
    },
    #[error("a pie or donut chart cannot show negative values")]
    NegativeValues,
    #[error("bin {index} does not go from a number up to a larger one")]
    InvalidBin { index: usize },
    #[error("{marks} marks are more than the {limit} a chart draws")]
    TooManyMarks { marks: usize, limit: usize },
}

impl ChartError {
    /// The message for the reader, shown where the chart would be.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ChartError::NoData, Lang::Es) => "No hay datos para este gráfico".into(),
            (ChartError::NoData, Lang::En) => "No data for this chart".into(),
            (
                ChartError::LengthMismatch {
                    series,
                    expected,
                    found,
                },
                Lang::Es,
            ) => format!("La serie «{series}» tiene {found} valores para {expected} puntos"),
            (
                ChartError::LengthMismatch {
                    series,
                    expected,
                    found,
                },
                Lang::En,
            ) => format!("Series “{series}” has {found} values for {expected} points"),
            (ChartError::NegativeValues, Lang::Es) => {
                "Un gráfico circular no puede mostrar valores negativos; use barras".into()
            }
            (ChartError::NegativeValues, Lang::En) => {
                "A pie chart cannot show negative values; use bars".into()
            }
            (ChartError::InvalidBin { index }, Lang::Es) => {
                format!("El intervalo {} del histograma no es válido", index + 1)
            }
            (ChartError::InvalidBin { index }, Lang::En) => {
                format!("Histogram bin {} is not valid", index + 1)
            }
            (ChartError::TooManyMarks { marks, limit }, Lang::Es) => format!(
                "Demasiados datos para un gráfico ({marks} marcas; máximo {limit}): agrupe o filtre"
            ),
            (ChartError::TooManyMarks { marks, limit }, Lang::En) => format!(
                "Too much data for a chart ({marks} marks; at most {limit}): group or filter"
            ),
        }
    }
}

/// Draws `data` as `kind`. Errors are for the reader ([`ChartError::message`]);
/// [`render_svg_or_message`] turns them into an SVG.
pub fn render_svg(
    kind: ChartKind,
    data: &ChartData,
    opts: &RenderOptions,
) -> Result<String, ChartError> {
    prepare::validate(kind, data)?;
    match kind {
        ChartKind::Bar | ChartKind::HBar | ChartKind::StackedBar => {
            cartesian::bars(kind, data, opts)
        }
        ChartKind::Line | ChartKind::Area => cartesian::lines(kind, data, opts),
        ChartKind::Scatter => cartesian::scatter(data, opts),
        ChartKind::Histogram => cartesian::histogram(data, opts),
        ChartKind::Pie | ChartKind::Donut => pie::render(kind, data, opts),
        ChartKind::Table => table::render(data, opts),
    }
}

/// [`render_svg`], or on error an SVG of the same size with the title and the
/// message where the chart would be: a page never breaks for a chart.
pub fn render_svg_or_message(kind: ChartKind, data: &ChartData, opts: &RenderOptions) -> String {
    match render_svg(kind, data, opts) {
        Ok(svg) => svg,
        Err(e) => frame::message_svg(&data.title, &e.message(opts.lang), opts),
    }
}

/// An SVG of the options' size with `text` in its middle (for empty results and
/// errors), labelled by the text for screen readers.
pub fn render_message_svg(text: &str, opts: &RenderOptions) -> String {
    frame::message_svg("", text, opts)
}

/// "No hay datos para este gráfico" / "No data for this chart".
pub fn no_data_message(lang: Lang) -> String {
    ChartError::NoData.message(lang)
}

/// The label of the bucket that sums the categories not drawn.
pub fn other_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "Otros",
        Lang::En => "Other",
    }
}
