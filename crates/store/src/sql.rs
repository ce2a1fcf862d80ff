//! Small helpers for portable SQL through the `Any` driver.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::StoreError;

/// The most values bound in one `IN (…)` list; longer lists are queried in chunks.
pub(crate) const IN_CHUNK: usize = 500;

/// Reads a UUID stored as text.
pub(crate) fn uuid(row: &AnyRow, column: &'static str) -> Result<Uuid, StoreError> {
    let s: String = row.try_get(column)?;
    Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt { column, value: s })
}

/// Builds a statement with `$N` placeholders, numbering them as values are added.
/// (sqlx's `QueryBuilder` writes `?` for `Any`, which PostgreSQL rejects.)
#[derive(Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<String>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<String>) -> &mut Self {
        self.args.push(value.into());
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// Appends `(…)` with a placeholder bound to each of `values`; give at least one.
    pub fn bind_list<T: ToString>(&mut self, values: &[T]) -> &mut Self {
        self.text.push('(');
        for (n, v) in values.iter().enumerate() {
            if n > 0 {
                self.text.push_str(", ");
            }
            self.bind(v.to_string());
        }
        self.text.push(')');
        self
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = q.bind(a.as_str());
        }
        q
    }
}
