//! The catalog's tables as the database describes them, and rows as JSON: what the
//! portable copy reads from one database and writes into another (SQLite or PostgreSQL).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Number, Value};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{AnyConnection, Row, TypeInfo, ValueRef};

use super::BackupError;

/// sqlx's own record of migrations: each database keeps its own, never copied.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";
/// Placeholders per statement: under SQLite's oldest limit (999) and PostgreSQL's.
const MAX_BINDS: usize = 900;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Real,
    Bool,
    Text,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// Tables this one's foreign keys point at.
    pub references: BTreeSet<String>,
}

impl Table {
    /// `SELECT *` in primary-key order, so that two dumps of one catalog are equal.
    pub fn select_all(&self) -> String {
        let order: Vec<&str> = if self.primary_key.is_empty() {
            self.columns.iter().map(|c| c.name.as_str()).collect()
        } else {
            self.primary_key.iter().map(String::as_str).collect()
        };
        let order: Vec<String> = order.into_iter().map(quote).collect();
        format!(
            "SELECT * FROM {} ORDER BY {}",
            quote(&self.name),
            order.join(", ")
        )
    }
}

/// An identifier in double quotes, as both databases read it.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_type(declared: &str) -> ColumnType {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        ColumnType::Integer
    } else if t.contains("BOOL") {
        ColumnType::Bool
    } else if t.contains("REAL")
        || t.contains("DOUB")
        || t.contains("FLOA")
        || t.contains("NUMERIC")
    {
        ColumnType::Real
    } else {
        ColumnType::Text
    }
}

/// The text column `column` of the rows `sql` returns (with `$1` bound to `bind`, if any).
async fn texts(
    conn: &mut AnyConnection,
    sql: &str,
    bind: Option<&str>,
    column: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let mut query = sqlx::query(sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(column))
        .collect()
}

/// Every table of the catalog but sqlx's record of migrations, parents before the tables
/// that reference them.
pub async fn tables(conn: &mut AnyConnection, kind: Kind) -> Result<Vec<Table>, sqlx::Error> {
    let names = match kind {
        Kind::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Kind::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             ORDER BY table_name"
        }
    };
    let names = texts(conn, names, None, "name").await?;
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| n != MIGRATIONS_TABLE) {
        let (columns, primary_key, references) = match kind {
            Kind::Sqlite => {
                let rows =
                    sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&name)
                        .fetch_all(&mut *conn)
                        .await?;
                let mut columns = Vec::new();
                let mut pk = Vec::new();
                for r in &rows {
                    let column: String = r.try_get("name")?;
                    let declared: String = r.try_get("type")?;
                    let position: i64 = r.try_get("pk")?;
                    if position > 0 {
                        pk.push((position, column.clone()));
                    }
                    columns.push(Column {
                        name: column,
                        ty: column_type(&declared),
                    });
                }
                pk.sort();
                let references = texts(
                    conn,
                    "SELECT \"table\" AS t FROM pragma_foreign_key_list($1)",
                    Some(&name),
                    "t",
                )
                .await?;
                (
                    columns,
                    pk.into_iter().map(|(_, c)| c).collect(),
                    references.into_iter().collect(),
                )
            }
            Kind::Postgres => {
                let columns = sqlx::query(
                    "SELECT column_name::text AS name, data_type::text AS type \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    Ok(Column {
                        name: r.try_get("name")?,
                        ty: column_type(&r.try_get::<String, _>("type")?),
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?;
                let pk = texts(
                    conn,
                    "SELECT k.column_name::text AS name \
                     FROM information_schema.table_constraints c \
                     JOIN information_schema.key_column_usage k \
                       ON k.constraint_name = c.constraint_name \
                      AND k.constraint_schema = c.constraint_schema \
                      AND k.table_name = c.table_name \
                     WHERE c.constraint_type = 'PRIMARY KEY' \
                       AND c.table_schema = current_schema() AND c.table_name = $1 \
                     ORDER BY k.ordinal_position",
                    Some(&name),
                    "name",
                )
                .await?;
                let references = texts(
                    conn,
                    "SELECT u.table_name::text AS t \
                     FROM information_schema.table_constraints c \
                     JOIN information_schema.constraint_column_usage u \
                       ON u.constraint_name = c.constraint_name \
                      AND u.constraint_schema = c.constraint_schema \
                     WHERE c.constraint_type = 'FOREIGN KEY' \
                       AND c.table_schema = current_schema() AND c.table_name = $1",
                    Some(&name),
                    "t",
                )
                .await?;
                (columns, pk, references.into_iter().collect())
            }
        };
        out.push(Table {
            name,
            columns,
            primary_key,
            references,
        });
    }
    Ok(dependency_order(out))
}

/// Parents first: a table comes after every table its foreign keys point at (a cycle,
/// which the schema has none of, keeps name order).
fn dependency_order(tables: Vec<Table>) -> Vec<Table> {
    let mut pending: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut out: Vec<Table> = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .values()
            .filter(|t| {
                t.references
                    .iter()
                    .all(|r| r == &t.name || !pending.contains_key(r))
            })
            .map(|t| t.name.clone())
            .collect();
        let ready = if ready.is_empty() {
            pending.keys().take(1).cloned().collect()
        } else {
            ready
        };
        for name in ready {
            if let Some(t) = pending.remove(&name) {
                out.push(t);
            }
        }
    }
    out
}

/// A row as a JSON object of its columns: integers and reals as numbers, text as strings.
pub fn row_to_json(row: &AnyRow) -> Result<Map<String, Value>, sqlx::Error> {
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        use sqlx::Column as _;
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().kind() {
                AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
                    Value::from(row.try_get::<i64, _>(i)?)
                }
                AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
                    Number::from_f64(row.try_get::<f64, _>(i)?).map_or(Value::Null, Value::Number)
                }
                AnyTypeInfoKind::Bool => Value::from(row.try_get::<bool, _>(i)?),
                AnyTypeInfoKind::Text => Value::from(row.try_get::<String, _>(i)?),
                AnyTypeInfoKind::Null => Value::Null,
                AnyTypeInfoKind::Blob => {
                    return Err(sqlx::Error::ColumnDecode {
                        index: column.name().to_owned(),
                        source: format!(
                            "binary values ({}) are not part of the catalog",
                            raw.type_info().name()
                        )
                        .into(),
                    })
                }
            }
        };
        out.insert(column.name().to_owned(), value);
    }
    Ok(out)
}

/// Writes rows into `table` in as few statements as the placeholder limit allows.
/// `first_row` is the 1-based number of `rows[0]` in the table, for messages.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &Table,
    rows: &[Map<String, Value>],
    first_row: u64,
) -> Result<(), BackupError> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    for key in first.keys() {
        if !table.columns.iter().any(|c| &c.name == key) {
            return Err(BackupError::Table {
                table: table.name.clone(),
                message: format!(
                    "the backup has a column '{key}' that this Ceiba's catalog does not: \
                     restore it with the Ceiba version that wrote it, or a newer one"
                ),
            });
        }
    }
    // Columns the backup lacks (it is older) keep the defaults the migrations give them.
    let columns: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| first.contains_key(&c.name))
        .collect();
    let per_statement = (MAX_BINDS / columns.len().max(1)).max(1);
    for (chunk_no, chunk) in rows.chunks(per_statement).enumerate() {
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            quote(&table.name),
            columns
                .iter()
                .map(|c| quote(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut n = 0;
        for r in 0..chunk.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for (r, row) in chunk.iter().enumerate() {
            let row_no = first_row + (chunk_no * per_statement + r) as u64;
            for column in &columns {
                let value = row.get(&column.name).unwrap_or(&Value::Null);
                let wrong = |expected: &str| BackupError::Table {
                    table: table.name.clone(),
                    message: format!(
                        "row {row_no}, column {}: expected {expected}, found {value}",
                        column.name
                    ),
                };
                query = match (column.ty, value) {
                    (ColumnType::Integer, Value::Null) => query.bind(None::<i64>),
                    (ColumnType::Integer, Value::Bool(b)) => query.bind(i64::from(*b)),
                    (ColumnType::Integer, v) => {
                        query.bind(v.as_i64().ok_or_else(|| wrong("an integer"))?)
                    }
                    (ColumnType::Real, Value::Null) => query.bind(None::<f64>),
                    (ColumnType::Real, v) => {
                        query.bind(v.as_f64().ok_or_else(|| wrong("a number"))?)
                    }
                    (ColumnType::Bool, Value::Null) => query.bind(None::<bool>),
                    (ColumnType::Bool, Value::Bool(b)) => query.bind(*b),
                    (ColumnType::Bool, v) => {
                        query.bind(v.as_i64().ok_or_else(|| wrong("true or false"))? != 0)
                    }
                    (ColumnType::Text, Value::Null) => query.bind(None::<String>),
                    (ColumnType::Text, Value::String(s)) => query.bind(s.clone()),
                    (ColumnType::Text, Value::Number(x)) => query.bind(x.to_string()),
                    (ColumnType::Text, _) => return Err(wrong("text")),
                };
            }
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(|e| BackupError::Table {
                table: table.name.clone(),
                message: format!(
                    "rows {first}–{last} could not be written: {e}",
                    first = first_row + (chunk_no * per_statement) as u64,
                    last = first_row + (chunk_no * per_statement + chunk.len()) as u64 - 1
                ),
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, refs: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec![],
            primary_key: vec![],
            references: refs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn parents_come_first() {
        let order = dependency_order(vec![
            table("a_view", &["resource", "dataset"]),
            table("dataset", &["organization"]),
            table("organization", &[]),
            table("resource", &["dataset"]),
            table("self", &["self"]),
        ]);
        let names: Vec<&str> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["organization", "self", "dataset", "resource", "a_view"]
        );
    }

    #[test]
    fn declared_types() {
        assert_eq!(column_type("BIGINT"), ColumnType::Integer);
        assert_eq!(column_type("bigint"), ColumnType::Integer);
        assert_eq!(column_type("TEXT"), ColumnType::Text);
        assert_eq!(column_type("double precision"), ColumnType::Real);
        assert_eq!(column_type("boolean"), ColumnType::Bool);
        assert_eq!(column_type(""), ColumnType::Text);
    }
}
