//! What the fuzz targets share: a table with a column of each type.

use ceiba_core::{Column, ColumnType};
use ceiba_query::TableSpec;

/// A table with one column of each type, names as publishers write them.
pub fn table() -> TableSpec {
    let column = Column::new;
    TableSpec {
        parquet_key: "tables/fuzz/0.parquet".to_owned(),
        columns: vec![
            column("departamento", ColumnType::Text),
            column("Monto (Q)", ColumnType::Decimal),
            column("ejercicio", ColumnType::Integer),
            column("activo", ColumnType::Boolean),
            column("fecha", ColumnType::Date),
            column("registrado.en", ColumnType::Datetime),
        ],
        rows: 10,
    }
}
