//! CKAN's `datastore_search_sql`: one read-only SQL query over the portal's public tables.
//!
//! Tables are addressed as CKAN addresses them, by resource id in double quotes
//! (`SELECT * FROM "6f1c…" WHERE …`). The text is parsed once, in PostgreSQL's dialect
//! (CKAN's DataStore is PostgreSQL), and checked before anything runs:
//!
//! - exactly one statement, and a query (`SELECT`, `WITH … SELECT`, `UNION`, `VALUES`);
//!   DDL, DML, `COPY`, `SET`, `EXPLAIN`, `PREPARE`… are refused, also nested (a CTE that
//!   inserts) or disguised (`SELECT … INTO`, `FOR UPDATE`);
//! - every table after `FROM`/`JOIN` is a plain name (no schema or catalog, no path or
//!   URL) of a public table or of a CTE; table functions (`read_parquet(…)`,
//!   `generate_series(…)`, `TABLE(…)`, `LATERAL f(…)`) are refused;
//! - `repeat`, `lpad` and `rpad` take a literal length of at most [`MAX_STRING_LENGTH`];
//! - no `WITH RECURSIVE` (a recursive CTE can double a value at each step);
//! - bounded size and shape, so that neither the checks, the planner nor dropping the
//!   tree can exhaust the stack: at most [`MAX_SQL_TOKENS`] tokens and
//!   [`MAX_SET_OPERATIONS`] `UNION`/`INTERSECT`/`EXCEPT` (counted on the flat token list,
//!   before a tree is built: a chain of them parses into a tree as deep as it is long),
//!   expressions nested at most [`MAX_EXPR_DEPTH`] deep and [`MAX_EXPR_NODES`] in all,
//!   at most [`MAX_TABLES`] tables. sqlparser's own recursion limit (50) already refuses
//!   deeper parentheses, subqueries and prefix operators while parsing; left-deep chains
//!   of binary operators (`1+1+…`, `a OR b OR …`) it builds in a loop, without limit.
//!
//! Functions whose result can be larger than their arguments (`repeat`, `lpad`, `||`,
//! `concat`, `replace`…) are replaced, in the request's context, by versions that size
//! their result before computing it (`capped.rs`).
//!
//! [`referenced_tables`] gives the names the query reads, so that the caller can look
//! each one up in the catalog; [`Engine::sql`] then plans the checked statement (not the
//! text again) in a context made for the request. The context shares the engine's runtime
//! (memory pool, spill disk, file store) but knows only those tables, each under its name
//! and read through the engine's cache like any other query (`_id` included). It has no
//! table functions and no `information_schema`, and DataFusion's `SQLOptions` (no DDL, no
//! DML, no other statements) verify the plan as a second wall. The query runs under the
//! engine's time limit, and at most [`SQL_ROWS_MAX`] rows (or the page limit, if lower)
//! come back, saying so when there were more.

use std::collections::HashMap;
use std::fmt::Display;
use std::ops::ControlFlow;
use std::sync::Arc;

use ceiba_core::ColumnType;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::error::ArrowError;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::TableReference;
use datafusion::error::DataFusionError;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::{execute_stream, ExecutionPlan};
use datafusion::prelude::{SQLOptions, SessionContext};
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::resolve::resolve_table_references;
use datafusion::sql::sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Query, Select, Statement,
    TableFactor, Value as SqlValue, Visit, Visitor,
};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
use futures::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::engine::{cell, engine_error};
use crate::{Engine, Problem, QueryError, TableSpec};

/// Rows one SQL query may return: CKAN's `ckan.datastore.search.rows_max` default. The
/// engine's `limits.max_page_rows` applies when lower.
pub const SQL_ROWS_MAX: u64 = 32_000;
/// Longest SQL text accepted, in bytes.
pub const MAX_SQL_BYTES: usize = 64 * 1024;
/// Largest length `repeat`, `lpad` and `rpad` may be given.
pub const MAX_STRING_LENGTH: u64 = 10_000;
/// Tokens (words, numbers, operators, punctuation) one query may have. A chain of
/// binary operators parses into a tree about half as deep as its tokens; dropping a
/// tree 5,000 deep is safe on a 2 MiB thread stack (30,000 was not).
pub const MAX_SQL_TOKENS: usize = 10_000;
/// `UNION`, `INTERSECT` and `EXCEPT` in one query.
pub const MAX_SET_OPERATIONS: usize = 64;
/// How deep expressions may nest (`1+1+1` is 3 deep, `a = 1 OR b = 2` 3).
pub const MAX_EXPR_DEPTH: usize = 64;
/// Expressions (operators, values, columns, function calls) in one query.
pub const MAX_EXPR_NODES: usize = 4_096;
/// Tables (`FROM`, `JOIN`, subqueries) in one query.
pub const MAX_TABLES: usize = 64;

/// The parameter every error names (CKAN's `sql`).
const PARAMETER: &str = "sql";

/// A `datastore_search_sql` request.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlRequest<'a> {
    pub sql: &'a str,
    /// Rows to return at most, when lower than the engine's cap (`None`: the cap).
    pub max_rows: Option<u64>,
}

/// A column of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqlColumn {
    pub name: String,
    /// The type as CKAN (PostgreSQL) names it: `int8`, `numeric`, `text`, `bool`,
    /// `date`, `timestamp`, … (`_int8` for a list of `int8`).
    pub ckan_type: String,
    /// The portal's type, when the column has one of them.
    pub column_type: Option<ColumnType>,
}

/// What a query returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SqlResult {
    pub columns: Vec<SqlColumn>,
    /// Typed JSON values as [`Engine::rows`] gives them (numbers, booleans, text, dates
    /// `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS`, null), lists as arrays and
    /// structs as objects; one value per column, in the order of `columns`.
    pub rows: Vec<Vec<Value>>,
    /// Whether the query had more rows than `max_rows` (CKAN's `records_truncated`).
    pub capped: bool,
    /// The cap that applied.
    pub max_rows: u64,
}

impl SqlResult {
    /// The rows as CKAN's `records`: one object per row, keyed by column name (when two
    /// columns share a name, the later one wins, as in CKAN).
    pub fn records(&self) -> Vec<Map<String, Value>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.clone(), v.clone()))
                    .collect()
            })
            .collect()
    }
}

/// How CKAN reports an error of [`Engine::sql`] or [`referenced_tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlErrorKind {
    /// `Validation Error`, 409: SQL that does not parse, is not one statement, cannot be
    /// planned or run, or took too long or too much memory.
    Validation,
    /// `Not Found Error`, 404: a table name that is no public resource.
    NotFound,
    /// `Authorization Error`, 403: anything but reading the public tables.
    Authorization,
    /// The portal's fault, 500.
    Internal,
}

impl SqlErrorKind {
    pub fn of(e: &QueryError) -> SqlErrorKind {
        match e {
            QueryError::BadParameter { problem, .. } => match problem {
                Problem::UnknownTable => SqlErrorKind::NotFound,
                Problem::SqlNotAllowed => SqlErrorKind::Authorization,
                _ => SqlErrorKind::Validation,
            },
            QueryError::Timeout(_) | QueryError::TooMuchMemory => SqlErrorKind::Validation,
            QueryError::Engine(_) | QueryError::Store(_) => SqlErrorKind::Internal,
        }
    }

    /// CKAN's `error.__type`.
    pub fn ckan_type(self) -> &'static str {
        match self {
            SqlErrorKind::Validation => "Validation Error",
            SqlErrorKind::NotFound => "Not Found Error",
            SqlErrorKind::Authorization => "Authorization Error",
            SqlErrorKind::Internal => "Internal Server Error",
        }
    }

    /// The HTTP status CKAN answers with.
    pub fn status(self) -> u16 {
        match self {
            SqlErrorKind::Validation => 409,
            SqlErrorKind::NotFound => 404,
            SqlErrorKind::Authorization => 403,
            SqlErrorKind::Internal => 500,
        }
    }
}

fn bad(problem: Problem, detail: impl Into<String>) -> QueryError {
    QueryError::bad(PARAMETER, problem, detail)
}

fn not_allowed(what: impl Into<String>) -> QueryError {
    bad(Problem::SqlNotAllowed, what)
}

fn too_complex(detail: impl Into<String>) -> QueryError {
    bad(Problem::TooComplex, detail)
}

fn unknown_table(name: &str) -> QueryError {
    bad(Problem::UnknownTable, format!("\u{201c}{name}\u{201d}"))
}

/// At most 60 characters of `x`'s SQL, to name a construct in an error.
fn excerpt(x: impl Display) -> String {
    let text = x.to_string();
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('\u{2026}');
    }
    out
}

/// What a statement is, in its own keywords: `DROP TABLE`, `INSERT INTO`, `COPY`, `SET`.
fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default().to_ascii_uppercase();
    let two_words = matches!(
        first.as_str(),
        "CREATE" | "DROP" | "ALTER" | "INSERT" | "DELETE" | "TRUNCATE"
    );
    match words.next() {
        Some(second) if two_words && second.chars().all(|c| c.is_ascii_uppercase() || c == '_') => {
            format!("{first} {second}")
        }
        _ => first,
    }
}

/// Whether a table name is a name and not a path or URL.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('~')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | ':' | '.'))
}

/// Refuses, while walking a query, whatever is not reading tables by name, and queries
/// past the bounds on expressions and tables. sqlparser's walk grows its stack on the heap
/// as it goes deeper; it stops here at [`MAX_EXPR_DEPTH`] anyway.
#[derive(Default)]
struct Guard {
    depth: usize,
    nodes: usize,
    tables: usize,
}

impl Visitor for Guard {
    type Break = QueryError;

    fn pre_visit_statement(&mut self, s: &Statement) -> ControlFlow<QueryError> {
        // The walk starts at the query, so a statement here is nested in it: `WITH x AS
        // (INSERT … RETURNING *) SELECT …`.
        ControlFlow::Break(not_allowed(statement_kind(s)))
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<QueryError> {
        if q.with.as_ref().is_some_and(|w| w.recursive) {
            return ControlFlow::Break(not_allowed("WITH RECURSIVE"));
        }
        if let Some(lock) = q.locks.first() {
            return ControlFlow::Break(not_allowed(excerpt(lock)));
        }
        if let Some(f) = &q.for_clause {
            return ControlFlow::Break(not_allowed(excerpt(f)));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<QueryError> {
        match &s.into {
            Some(into) => ControlFlow::Break(not_allowed(format!("SELECT \u{2026} {into}"))),
            None => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<QueryError> {
        self.tables += 1;
        if self.tables > MAX_TABLES {
            return ControlFlow::Break(too_complex(format!("at most {MAX_TABLES} tables")));
        }
        match t {
            TableFactor::Table { name, args, .. } => {
                if args.is_some() {
                    return ControlFlow::Break(not_allowed(format!("{name}(\u{2026})")));
                }
                let [part] = name.0.as_slice() else {
                    return ControlFlow::Break(not_allowed(excerpt(name)));
                };
                if part.as_ident().is_none() {
                    return ControlFlow::Break(not_allowed(excerpt(name)));
                }
                ControlFlow::Continue(())
            }
            // Their tables and subqueries are walked in turn.
            TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. }
            | TableFactor::UNNEST { .. }
            | TableFactor::Pivot { .. }
            | TableFactor::Unpivot { .. }
            | TableFactor::MatchRecognize { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(not_allowed(excerpt(other))),
        }
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<QueryError> {
        self.depth += 1;
        self.nodes += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return ControlFlow::Break(too_complex(format!(
                "expressions nested at most {MAX_EXPR_DEPTH} deep"
            )));
        }
        if self.nodes > MAX_EXPR_NODES {
            return ControlFlow::Break(too_complex(format!("at most {MAX_EXPR_NODES} terms")));
        }
        if let Expr::Function(f) = e {
            if let Err(err) = check_string_length(f) {
                return ControlFlow::Break(err);
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _: &Expr) -> ControlFlow<QueryError> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }
}

/// Bounds checked on the tokens, before a tree is built: [`MAX_SQL_TOKENS`] and
/// [`MAX_SET_OPERATIONS`]. A tree past them could be too deep to drop safely.
fn check_tokens(sql: &str) -> Result<(), QueryError> {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        // The parser tells what is wrong, in its own words.
        return Ok(());
    };
    let mut count = 0usize;
    let mut set_operations = 0usize;
    for t in &tokens {
        match t {
            Token::Whitespace(_) => continue,
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT
                ) =>
            {
                set_operations += 1;
            }
            _ => {}
        }
        count += 1;
    }
    if count > MAX_SQL_TOKENS {
        return Err(too_complex(format!(
            "at most {MAX_SQL_TOKENS} words and symbols"
        )));
    }
    if set_operations > MAX_SET_OPERATIONS {
        return Err(too_complex(format!(
            "at most {MAX_SET_OPERATIONS} UNION, INTERSECT or EXCEPT"
        )));
    }
    Ok(())
}

/// `repeat(s, n)`, `lpad(s, n …)`, `rpad(s, n …)`: `n` a number up to
/// [`MAX_STRING_LENGTH`].
fn check_string_length(f: &Function) -> Result<(), QueryError> {
    let name = f
        .name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase());
    let Some(name @ ("repeat" | "lpad" | "rpad")) = name.as_deref() else {
        return Ok(());
    };
    let FunctionArguments::List(list) = &f.args else {
        return Ok(());
    };
    let ok = match list.args.get(1) {
        // Too few arguments: DataFusion says so.
        None => true,
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => match &v.value {
            SqlValue::Number(n, _) => n.parse::<u64>().is_ok_and(|n| n <= MAX_STRING_LENGTH),
            _ => false,
        },
        Some(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(bad(
            Problem::OutOfRange,
            format!("{name}: a length written as a number, at most {MAX_STRING_LENGTH}"),
        ))
    }
}

/// A checked query and the tables it reads.
struct Checked {
    statement: DfStatement,
    tables: Vec<String>,
}

fn check(sql: &str) -> Result<Checked, QueryError> {
    if sql.len() > MAX_SQL_BYTES {
        return Err(bad(
            Problem::OutOfRange,
            format!("at most {MAX_SQL_BYTES} bytes"),
        ));
    }
    check_tokens(sql)?;
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
        .map_err(|e| bad(Problem::SqlSyntax, e.to_string()))?;
    if let Some(s) = statements
        .iter()
        .find(|s| !matches!(s, Statement::Query(_)))
    {
        return Err(not_allowed(statement_kind(s)));
    }
    let n = statements.len();
    let Ok([statement]) = <[Statement; 1]>::try_from(statements) else {
        return Err(bad(Problem::SqlNotOneStatement, format!("{n} statements")));
    };
    if let Statement::Query(query) = &statement {
        if let ControlFlow::Break(e) = query.visit(&mut Guard::default()) {
            return Err(e);
        }
    }
    let statement = DfStatement::Statement(Box::new(statement));
    // DataFusion's own resolution (CTEs in scope left out, unquoted names folded to lower
    // case): exactly the names its planner will look up.
    let (references, _ctes) = resolve_table_references(&statement, true)
        .map_err(|e| bad(Problem::SqlInvalid, e.strip_backtrace()))?;
    let mut tables = Vec::with_capacity(references.len());
    for r in references {
        let TableReference::Bare { table } = &r else {
            return Err(not_allowed(excerpt(&r)));
        };
        if !plain_name(table) {
            return Err(not_allowed(format!("\u{201c}{table}\u{201d}")));
        }
        if !tables.iter().any(|t: &String| t == table.as_ref()) {
            tables.push(table.to_string());
        }
    }
    Ok(Checked { statement, tables })
}

/// The tables a `datastore_search_sql` query reads, by the names it gives them (resource
/// ids, case kept when quoted, folded to lower case when not), each once; or why the
/// query is refused (syntax, not one query, a statement or construct that is not allowed).
/// Look each name up, then call [`Engine::sql`] with what was found.
pub fn referenced_tables(sql: &str) -> Result<Vec<String>, QueryError> {
    check(sql).map(|c| c.tables)
}

/// A DataFusion error of a query someone wrote: theirs when the query cannot be planned
/// or its values cannot be computed, the portal's when files or the engine fail.
fn sql_error(e: DataFusionError) -> QueryError {
    let root = e.find_root();
    match root {
        DataFusionError::ResourcesExhausted(_) => QueryError::TooMuchMemory,
        DataFusionError::SQL(..)
        | DataFusionError::Plan(_)
        | DataFusionError::SchemaError(..)
        | DataFusionError::NotImplemented(_)
        | DataFusionError::Execution(_) => bad(Problem::SqlInvalid, root.strip_backtrace()),
        DataFusionError::ArrowError(a, _)
            if !matches!(
                **a,
                ArrowError::IoError(..) | ArrowError::ExternalError(_) | ArrowError::MemoryError(_)
            ) =>
        {
            bad(Problem::SqlInvalid, root.strip_backtrace())
        }
        _ => engine_error(e),
    }
}

fn usize_of(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// CKAN's (PostgreSQL's) name of an Arrow type.
fn ckan_type(t: &DataType) -> String {
    match t {
        DataType::Int64 | DataType::UInt64 | DataType::UInt32 => "int8".into(),
        DataType::Int32 | DataType::UInt16 => "int4".into(),
        DataType::Int16 | DataType::Int8 | DataType::UInt8 => "int2".into(),
        _ if t.is_numeric() => "numeric".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, None) => "timestamp".into(),
        DataType::Timestamp(_, Some(_)) => "timestamptz".into(),
        DataType::Time32(_) | DataType::Time64(_) => "time".into(),
        DataType::Interval(_) | DataType::Duration(_) => "interval".into(),
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => "bytea".into(),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _) => format!("_{}", ckan_type(f.data_type())),
        DataType::Struct(_) | DataType::Map(..) => "json".into(),
        DataType::Dictionary(_, v) => ckan_type(v),
        _ => "text".into(),
    }
}

/// The portal's type of an Arrow type, when it has one.
fn column_type(t: &DataType) -> Option<ColumnType> {
    match t {
        _ if t.is_integer() => Some(ColumnType::Integer),
        _ if t.is_numeric() => Some(ColumnType::Decimal),
        DataType::Boolean => Some(ColumnType::Boolean),
        DataType::Date32 | DataType::Date64 => Some(ColumnType::Date),
        DataType::Timestamp(..) => Some(ColumnType::Datetime),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(ColumnType::Text),
        DataType::Dictionary(_, v) => column_type(v),
        _ => None,
    }
}

/// The array in a type [`cell`] writes as a typed value: decimals as floats, date-times in
/// microseconds, dates in days; unchanged when it already is (or cannot be cast: then
/// `cell` writes its text).
fn json_ready(a: &ArrayRef) -> ArrayRef {
    let target = match a.data_type() {
        DataType::Float16 => DataType::Float64,
        t if t.is_numeric() && !t.is_integer() && !t.is_floating() => DataType::Float64,
        DataType::Timestamp(unit, tz) if *unit != TimeUnit::Microsecond => {
            DataType::Timestamp(TimeUnit::Microsecond, tz.clone())
        }
        DataType::Date64 => DataType::Date32,
        DataType::Dictionary(k, v) if **k != DataType::Int32 => (**v).clone(),
        _ => return a.clone(),
    };
    cast(a, &target).unwrap_or_else(|_| a.clone())
}

/// Value `i` of `a` (already [`json_ready`]) as JSON: lists as arrays, structs as
/// objects, the rest as [`cell`] writes it.
fn value(a: &ArrayRef, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    let list = |items: ArrayRef| {
        let items = json_ready(&items);
        Value::Array((0..items.len()).map(|j| value(&items, j)).collect())
    };
    match a.data_type() {
        DataType::List(_) => list(a.as_list::<i32>().value(i)),
        DataType::LargeList(_) => list(a.as_list::<i64>().value(i)),
        DataType::FixedSizeList(..) => list(a.as_fixed_size_list().value(i)),
        DataType::Struct(fields) => {
            let s = a.as_struct();
            Value::Object(
                fields
                    .iter()
                    .zip(s.columns())
                    .map(|(f, c)| (f.name().clone(), value(&json_ready(c), i)))
                    .collect(),
            )
        }
        _ => cell(a, i),
    }
}

/// The plan with every operator's output taking its turn on the runtime: each batch uses
/// up some of the task's budget, so that the task yields now and then and the time limit
/// (a timer polled only when the task yields) can end it. DataFusion makes only the scans
/// do so, and a join of tables already in memory, with an aggregation over it, would
/// otherwise run to its end before the timer is looked at (minutes for a cross join).
fn yielding(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
    plan.transform_up(|node| {
        if node.is::<CooperativeExec>() {
            return Ok(Transformed::no(node));
        }
        let wrapped: Arc<dyn ExecutionPlan> = Arc::new(CooperativeExec::new(node));
        Ok(Transformed::yes(wrapped))
    })
    .map(|t| t.data)
}

impl Engine {
    /// Runs one read-only query (CKAN's `datastore_search_sql`) over `tables`: the
    /// public tables by the names [`referenced_tables`] gives (more are ignored, and a
    /// name not among them is an `UnknownTable` error). Under the engine's time and
    /// memory limits; at most [`SQL_ROWS_MAX`], `limits.max_page_rows` and
    /// `req.max_rows` rows, whichever is lowest (`capped` says when there were more).
    /// [`SqlErrorKind::of`] tells how CKAN reports each error.
    pub async fn sql(
        &self,
        req: &SqlRequest<'_>,
        tables: &HashMap<String, TableSpec>,
    ) -> Result<SqlResult, QueryError> {
        let checked = check(req.sql)?;
        let mut specs = Vec::with_capacity(checked.tables.len());
        for name in &checked.tables {
            let spec = tables.get(name).ok_or_else(|| unknown_table(name))?;
            specs.push((name.as_str(), spec));
        }
        let max_rows = SQL_ROWS_MAX
            .min(self.limits().max_page_rows)
            .min(req.max_rows.unwrap_or(u64::MAX));
        self.bounded(self.sql_unbounded(checked.statement, &specs, max_rows))
            .await
    }

    /// A context for one query: the engine's runtime (memory pool, spill disk, file
    /// store) and settings, its functions but no table functions, no tables yet.
    fn sql_context(&self) -> SessionContext {
        let engine = self.context();
        let mut config = engine.copied_config().with_information_schema(false);
        // The names `check` resolved are folded the same way.
        config.options_mut().sql_parser.enable_ident_normalization = true;
        // `check` refuses them too; this is the second wall.
        config.options_mut().execution.enable_recursive_ctes = false;
        let runtime = engine.runtime_env();
        let pool = runtime.memory_pool.clone();
        let ctx = SessionContext::new_with_config_rt(config, runtime);
        crate::capped::install(&ctx, &pool);
        let table_functions: Vec<String> = ctx.state().table_functions().keys().cloned().collect();
        for name in table_functions {
            ctx.deregister_udtf(&name);
        }
        ctx
    }

    async fn sql_unbounded(
        &self,
        statement: DfStatement,
        tables: &[(&str, &TableSpec)],
        max_rows: u64,
    ) -> Result<SqlResult, QueryError> {
        let ctx = self.sql_context();
        for (name, spec) in tables {
            let (provider, _) = self.query_provider(spec).await?;
            ctx.register_table(TableReference::bare(*name), provider)
                .map_err(engine_error)?;
        }
        let plan = ctx
            .state()
            .statement_to_plan(statement)
            .await
            .map_err(sql_error)?;
        SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false)
            .verify_plan(&plan)
            .map_err(|e| not_allowed(e.strip_backtrace()))?;
        // One row more than the cap tells whether there were more.
        let df = ctx
            .execute_logical_plan(plan)
            .await
            .and_then(|df| df.limit(0, Some(usize_of(max_rows).saturating_add(1))))
            .map_err(sql_error)?;
        let columns: Vec<SqlColumn> = df
            .schema()
            .fields()
            .iter()
            .map(|f| SqlColumn {
                name: f.name().clone(),
                ckan_type: ckan_type(f.data_type()),
                column_type: column_type(f.data_type()),
            })
            .collect();
        let plan = df.create_physical_plan().await.map_err(sql_error)?;
        let plan = yielding(plan).map_err(engine_error)?;
        let mut stream = execute_stream(plan, ctx.task_ctx()).map_err(sql_error)?;
        let want = usize_of(max_rows);
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut capped = false;
        'batches: while let Some(batch) = stream.next().await {
            let batch = batch.map_err(sql_error)?;
            let arrays: Vec<ArrayRef> = batch.columns().iter().map(json_ready).collect();
            for i in 0..batch.num_rows() {
                if rows.len() >= want {
                    capped = true;
                    break 'batches;
                }
                rows.push(arrays.iter().map(|a| value(a, i)).collect());
            }
        }
        Ok(SqlResult {
            columns,
            rows,
            capped,
            max_rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_kinds_read_as_sql() {
        let kind = |sql: &str| {
            let s = Parser::parse_sql(&PostgreSqlDialect {}, sql).unwrap();
            statement_kind(&s[0])
        };
        assert_eq!(kind("drop table x"), "DROP TABLE");
        assert_eq!(kind("insert into x values (1)"), "INSERT INTO");
        assert_eq!(kind("update x set a = 1"), "UPDATE");
        assert_eq!(kind("COPY x TO '/tmp/x'"), "COPY");
        assert_eq!(kind("set search_path = x"), "SET");
    }

    #[test]
    fn ckan_type_names() {
        assert_eq!(ckan_type(&DataType::Int64), "int8");
        assert_eq!(ckan_type(&DataType::Float64), "numeric");
        assert_eq!(ckan_type(&DataType::Decimal128(10, 2)), "numeric");
        assert_eq!(ckan_type(&DataType::Utf8View), "text");
        assert_eq!(
            ckan_type(&DataType::Dictionary(
                Box::new(DataType::Int32),
                Box::new(DataType::Utf8)
            )),
            "text"
        );
        assert_eq!(
            ckan_type(&DataType::Timestamp(TimeUnit::Microsecond, None)),
            "timestamp"
        );
        assert_eq!(column_type(&DataType::UInt8), Some(ColumnType::Integer));
        assert_eq!(column_type(&DataType::Float32), Some(ColumnType::Decimal));
    }

    /// What the checks let through is planned in a context that could not read a file
    /// or change anything even if they did not.
    #[tokio::test]
    async fn the_context_is_a_second_wall() {
        use datafusion::sql::parser::DFParser;
        let dir = tempfile::tempdir().unwrap();
        let files = ceiba_store::FileStore::local(dir.path()).unwrap();
        let engine = Engine::new(&files, crate::QueryLimits::default()).unwrap();
        let ctx = engine.sql_context();
        assert!(ctx.state().table_functions().is_empty());
        for sql in [
            "SELECT * FROM generate_series(1, 3)",
            "SELECT * FROM range(3)",
            "SELECT * FROM read_parquet('/etc/passwd')",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM '/etc/passwd'",
            "SELECT * FROM \"/etc/passwd\"",
            "SELECT * FROM information_schema.tables",
        ] {
            assert!(ctx.sql(sql).await.is_err(), "{sql}");
        }
        let target = dir.path().join("fuga.csv");
        for sql in [
            "CREATE TABLE x AS SELECT 1".to_owned(),
            "CREATE VIEW v AS SELECT 1".to_owned(),
            "DROP TABLE IF EXISTS x".to_owned(),
            "SET datafusion.execution.target_partitions = 8".to_owned(),
            "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'".to_owned(),
            format!("COPY (SELECT 1) TO '{}'", target.display()),
        ] {
            let statement = DFParser::parse_sql(&sql).unwrap().pop_front().unwrap();
            let e = engine.sql_unbounded(statement, &[], 10).await.unwrap_err();
            assert!(
                matches!(
                    e,
                    QueryError::BadParameter {
                        problem: Problem::SqlNotAllowed,
                        ..
                    }
                ),
                "{sql}: {e:?}"
            );
        }
        assert!(!target.exists());
    }

    #[test]
    fn paths_are_not_names() {
        assert!(plain_name("6f1c2a9e-0000-4000-8000-000000000001"));
        assert!(plain_name("proyectos_2024"));
        for n in [
            "",
            "/etc/passwd",
            "file:x",
            "a.parquet",
            "..",
            "~root",
            "c:\\x",
        ] {
            assert!(!plain_name(n), "{n}");
        }
    }
}
