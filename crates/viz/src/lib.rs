//! ceiba-viz
pub mod chart;
pub mod format;
pub mod groups;
pub mod palette;
pub mod png;
pub mod spark;
pub mod svg;
/// Recognising territory columns lives with the catalog's vocabulary (search reads it
/// too); charts and maps keep their old path to it.
pub use ceiba_core::territory_column as territory;
pub use chart::{
    data_csv, data_table_html, render_message_svg, render_svg, render_svg_or_message, Bin,
    ChartData, ChartError, ChartKind, RenderOptions, Series,
};
pub use format::{NumberStyle, Unit};
pub mod map;
