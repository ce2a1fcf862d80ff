//! Functions of `datastore_search_sql` whose result can outgrow their arguments, sized
//! before they compute it.
//!
//! The engine's memory pool counts what operators hold (hash tables, sorts), not what a
//! scalar function allocates: `repeat(repeat(repeat('a', 10000), 10000), 21)` once took
//! 8 GB in one call that no time limit could interrupt. In the request's context these
//! functions are replaced by wrappers that first compute, from the arguments' lengths,
//! how large each result value can be, refuse one over [`MAX_VALUE_BYTES`], and reserve
//! the whole result of the call in the engine's pool (a call past what the pool has left
//! is `TooMuchMemory`); then the original function runs. Each call is thereby bounded,
//! so a query also gets back to the runtime, where its time limit is looked at, soon.
//!
//! The `||` operator is no function: DataFusion evaluates it as a binary expression.
//! An analyzer rule (after type coercion, before constant folding) turns every `||`
//! into [`ConcatOp`], sized the same way.
//!
//! Functions whose result is at most a few times their argument, and stays so however
//! often they nest (`lower`, `upper`, `translate`, `initcap`, `reverse`, `substr`,
//! `left`, `right`, `btrim`…), are left as they are.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::concat_elements::concat_elements_dyn;
use datafusion::arrow::datatypes::FieldRef;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryPool};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::{
    BinaryExpr, ColumnarValue, Documentation, Expr, LogicalPlan, Operator, ReturnFieldArgs,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::optimizer::AnalyzerRule;
use datafusion::prelude::SessionContext;

/// Largest text (or binary) value one function may produce, in bytes.
pub const MAX_VALUE_BYTES: u64 = 1024 * 1024;

/// Cells of the table `levenshtein` fills in one call (its work: the product of the two
/// lengths, summed over rows); about a second.
pub const MAX_LEVENSHTEIN_CELLS: u64 = 1_000_000_000;

/// A value whose length is not its text (a number, a date): what it takes as text.
const OTHER_VALUE_BYTES: u64 = 64;

/// How a function's result relates to its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Growth {
    /// `repeat(s, n)`: `s` `n` times.
    Repeat,
    /// `lpad(s, n [, fill])`, `rpad`: `n` characters (of up to 4 bytes), or `s` cut.
    Pad,
    /// `concat(a, b, …)`, `||`: the sum.
    Concat,
    /// `concat_ws(sep, a, b, …)`: the sum and a separator between each two.
    ConcatWs,
    /// `replace(s, from, to)`: every `from` in `s` (or every position, when empty) by `to`.
    Replace,
    /// `overlay(s placing t from p [for n])`: at most both.
    Overlay,
    /// `regexp_replace(s, pattern, replacement [, flags])`: every match (or the first)
    /// by the replacement, whose group references may each bring all of `s`.
    RegexpReplace,
    /// `to_char(value, format)`: a few bytes per character of the format.
    ToChar,
    /// `levenshtein(a, b)`: a number, but work of `len(a) × len(b)`.
    Levenshtein,
}

/// The functions wrapped, by their registered names.
const GROWING: [(&str, Growth); 10] = [
    ("repeat", Growth::Repeat),
    ("lpad", Growth::Pad),
    ("rpad", Growth::Pad),
    ("concat", Growth::Concat),
    ("concat_ws", Growth::ConcatWs),
    ("replace", Growth::Replace),
    ("overlay", Growth::Overlay),
    ("regexp_replace", Growth::RegexpReplace),
    ("to_char", Growth::ToChar),
    ("levenshtein", Growth::Levenshtein),
];

/// Replaces, in `ctx`, the functions that can grow with sized ones and `||` with
/// [`ConcatOp`]; results are reserved in `pool`.
pub fn install(ctx: &SessionContext, pool: &Arc<dyn MemoryPool>) {
    let mut capped = HashMap::new();
    for (name, growth) in GROWING {
        let Some(inner) = ctx.state().scalar_functions().get(name).cloned() else {
            // Not compiled in with our DataFusion features: nothing to cap.
            continue;
        };
        let udf = Arc::new(ScalarUDF::new_from_impl(Capped {
            inner: inner.inner().clone(),
            growth,
            pool: pool.clone(),
        }));
        ctx.register_udf(udf.as_ref().clone());
        capped.insert(name.to_owned(), udf);
    }
    let op = Arc::new(ScalarUDF::new_from_impl(ConcatOp {
        signature: Signature::any(2, Volatility::Immutable),
        pool: pool.clone(),
    }));
    ctx.add_analyzer_rule(Arc::new(SizedFunctions { op, capped }));
}

/// Byte lengths of one argument, row by row (a scalar: the same for every row).
enum Lengths {
    One(u64),
    Each(Vec<u64>),
}

impl Lengths {
    fn at(&self, row: usize) -> u64 {
        match self {
            Lengths::One(n) => *n,
            Lengths::Each(v) => v.get(row).copied().unwrap_or(0),
        }
    }
}

fn text_len(a: &dyn Array, i: usize) -> u64 {
    if a.is_null(i) {
        return 0;
    }
    let n = match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).len(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i).len(),
        DataType::Utf8View => a.as_string_view().value(i).len(),
        DataType::Binary => a.as_binary::<i32>().value(i).len(),
        DataType::LargeBinary => a.as_binary::<i64>().value(i).len(),
        DataType::BinaryView => a.as_binary_view().value(i).len(),
        _ => return OTHER_VALUE_BYTES,
    };
    n as u64
}

fn lengths(v: &ColumnarValue) -> Result<Lengths> {
    Ok(match v {
        ColumnarValue::Scalar(s) => {
            let a = s.to_array_of_size(1)?;
            Lengths::One(text_len(a.as_ref(), 0))
        }
        ColumnarValue::Array(a) => match a.data_type() {
            DataType::Dictionary(_, _) => {
                // Each row's value, through its key.
                let plain = cast(a, &DataType::Utf8)?;
                Lengths::Each(
                    (0..plain.len())
                        .map(|i| text_len(plain.as_ref(), i))
                        .collect(),
                )
            }
            _ => Lengths::Each((0..a.len()).map(|i| text_len(a.as_ref(), i)).collect()),
        },
    })
}

/// Whole-number arguments row by row (null or not a number: 0).
fn numbers(v: &ColumnarValue) -> Result<Lengths> {
    let to_u64 = |x: Option<i64>| x.map_or(0, |x| u64::try_from(x).unwrap_or(0));
    Ok(match v {
        ColumnarValue::Scalar(s) => {
            let a = cast(&s.to_array_of_size(1)?, &DataType::Int64)?;
            let a = a.as_primitive::<Int64Type>();
            Lengths::One(to_u64(a.iter().next().flatten()))
        }
        ColumnarValue::Array(a) => {
            let a: ArrayRef = cast(a, &DataType::Int64)?;
            Lengths::Each(a.as_primitive::<Int64Type>().iter().map(to_u64).collect())
        }
    })
}

/// Group references in a replacement (`$1`, `${name}`, `\1`): each may bring the whole
/// match.
fn group_references(v: &ColumnarValue) -> u64 {
    match v {
        ColumnarValue::Scalar(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
        ) => s.chars().filter(|c| matches!(c, '$' | '\\')).count() as u64,
        ColumnarValue::Scalar(_) => 0,
        // Per row would be exact; a column of replacements is rare: assume the worst.
        ColumnarValue::Array(_) => u64::MAX,
    }
}

fn globally(flags: Option<&ColumnarValue>) -> bool {
    match flags {
        None => false,
        Some(ColumnarValue::Scalar(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
        )) => s.contains('g'),
        Some(ColumnarValue::Scalar(_)) => false,
        Some(ColumnarValue::Array(_)) => true,
    }
}

/// The largest result of row `row`, in bytes (for `levenshtein`, cells of work).
fn row_size(growth: Growth, args: &[Lengths], extra: (u64, bool), row: usize) -> u64 {
    let at = |k: usize| args.get(k).map_or(0, |a| a.at(row));
    match growth {
        Growth::Repeat => at(0).saturating_mul(at(1)),
        Growth::Pad => at(0).max(at(1).saturating_mul(4)),
        Growth::Concat | Growth::Overlay => (0..args.len()).map(at).fold(0, u64::saturating_add),
        Growth::ConcatWs => {
            let parts = args.len().saturating_sub(1) as u64;
            (1..args.len())
                .map(at)
                .fold(at(0).saturating_mul(parts), u64::saturating_add)
        }
        Growth::Replace => {
            let (s, from, to) = (at(0), at(1), at(2));
            let times = s.checked_div(from).unwrap_or(s + 1);
            s.saturating_add(times.saturating_mul(to))
        }
        Growth::RegexpReplace => {
            let (s, replacement) = (at(0), at(2));
            let (groups, global) = extra;
            let each = replacement.saturating_add(groups.saturating_mul(s));
            let times = if global { s + 1 } else { 1 };
            s.saturating_add(times.saturating_mul(each))
        }
        // `%c` is 24 characters for 2; 16 per byte of the format is more than any.
        Growth::ToChar => at(1).saturating_mul(16).saturating_add(OTHER_VALUE_BYTES),
        Growth::Levenshtein => at(0).saturating_mul(at(1)),
    }
}

fn human(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Sizes a call before it runs: refuses a value over [`MAX_VALUE_BYTES`] (or work over
/// [`MAX_LEVENSHTEIN_CELLS`]), and reserves the whole result in `pool`; the reservation
/// is held while the function computes.
fn size_call(
    name: &str,
    growth: Growth,
    args: &ScalarFunctionArgs,
    pool: &Arc<dyn MemoryPool>,
) -> Result<Option<datafusion::execution::memory_pool::MemoryReservation>> {
    let all_scalar = args
        .args
        .iter()
        .all(|a| matches!(a, ColumnarValue::Scalar(_)));
    let rows = if all_scalar { 1 } else { args.number_rows };
    let lens: Vec<Lengths> = args
        .args
        .iter()
        .enumerate()
        .map(|(k, a)| match (growth, k) {
            (Growth::Repeat | Growth::Pad, 1) => numbers(a),
            _ => lengths(a),
        })
        .collect::<Result<_>>()?;
    let extra = match growth {
        Growth::RegexpReplace => (
            args.args.get(2).map_or(0, group_references),
            globally(args.args.get(3)),
        ),
        _ => (0, false),
    };
    let mut total = 0u64;
    for row in 0..rows {
        let size = row_size(growth, &lens, extra, row);
        if growth != Growth::Levenshtein && size > MAX_VALUE_BYTES {
            return exec_err!(
                "{name}: a value of up to {}, more than the {} one value may hold",
                human(size),
                human(MAX_VALUE_BYTES)
            );
        }
        total = total.saturating_add(size);
    }
    if growth == Growth::Levenshtein {
        if total > MAX_LEVENSHTEIN_CELLS {
            return exec_err!(
                "{name}: texts too long to compare ({total} steps, at most {MAX_LEVENSHTEIN_CELLS})"
            );
        }
        return Ok(None);
    }
    let reservation = MemoryConsumer::new(name).register(pool);
    reservation.try_grow(usize::try_from(total).unwrap_or(usize::MAX))?;
    Ok(Some(reservation))
}

/// A function of DataFusion's, sized before it runs ([`size_call`]).
#[derive(Debug)]
struct Capped {
    inner: Arc<dyn ScalarUDFImpl>,
    growth: Growth,
    pool: Arc<dyn MemoryPool>,
}

impl PartialEq for Capped {
    fn eq(&self, other: &Self) -> bool {
        self.inner.name() == other.inner.name() && self.growth == other.growth
    }
}

impl Eq for Capped {}

impl Hash for Capped {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.name().hash(state);
        self.growth.hash(state);
    }
}

impl ScalarUDFImpl for Capped {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }

    // `simplify` is not passed on: DataFusion's may rebuild the call with its own,
    // uncapped function.

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let _reservation = size_call(self.inner.name(), self.growth, &args, &self.pool)?;
        self.inner.invoke_with_args(args)
    }
}

/// `a || b`, sized like `concat` (null when either is, as the operator is).
#[derive(Debug)]
pub struct ConcatOp {
    signature: Signature,
    pool: Arc<dyn MemoryPool>,
}

impl PartialEq for ConcatOp {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ConcatOp {}

impl Hash for ConcatOp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "||".hash(state);
    }
}

/// The type both sides are brought to: the same, or the widest text layout.
fn concat_type(a: &DataType, b: &DataType) -> Result<DataType> {
    use DataType::{LargeUtf8, Utf8, Utf8View};
    let text = |t: &DataType| matches!(t, Utf8 | LargeUtf8 | Utf8View);
    Ok(match (a, b) {
        _ if a == b => a.clone(),
        _ if text(a) && text(b) => {
            if *a == LargeUtf8 || *b == LargeUtf8 {
                LargeUtf8
            } else if *a == Utf8View || *b == Utf8View {
                Utf8View
            } else {
                Utf8
            }
        }
        (DataType::Null, t) | (t, DataType::Null) => t.clone(),
        _ => return plan_err!("||: cannot join {a} and {b}"),
    })
}

impl ScalarUDFImpl for ConcatOp {
    fn name(&self) -> &str {
        "||"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [a, b] => concat_type(a, b),
            _ => plan_err!("|| joins two values"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let _reservation = size_call("||", Growth::Concat, &args, &self.pool)?;
        let [a, b] = args.args.as_slice() else {
            return exec_err!("|| joins two values");
        };
        let target = args.return_field.data_type().clone();
        let all_scalar = matches!((a, b), (ColumnarValue::Scalar(_), ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { args.number_rows };
        let side = |v: &ColumnarValue| -> Result<ArrayRef> {
            let array = v.to_array(rows)?;
            Ok(cast(&array, &target)?)
        };
        let joined = concat_elements_dyn(&side(a)?, &side(b)?)?;
        if all_scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
                &joined, 0,
            )?))
        } else {
            Ok(ColumnarValue::Array(joined))
        }
    }
}

/// Turns every `a || b` into a call of [`ConcatOp`], and every call of a function that
/// can grow into its sized version (the planner builds some calls, such as
/// `OVERLAY(… PLACING …)`, with DataFusion's function directly, not by name); columns keep
/// their names.
#[derive(Debug)]
struct SizedFunctions {
    op: Arc<ScalarUDF>,
    capped: HashMap<String, Arc<ScalarUDF>>,
}

impl SizedFunctions {
    fn sized(&self, e: Expr) -> Transformed<Expr> {
        match e {
            Expr::BinaryExpr(BinaryExpr {
                left,
                op: Operator::StringConcat,
                right,
            }) => Transformed::yes(Expr::ScalarFunction(ScalarFunction::new_udf(
                self.op.clone(),
                vec![*left, *right],
            ))),
            Expr::ScalarFunction(f) => match self.capped.get(f.func.name()) {
                Some(sized) if !Arc::ptr_eq(sized, &f.func) => Transformed::yes(
                    Expr::ScalarFunction(ScalarFunction::new_udf(sized.clone(), f.args)),
                ),
                _ => Transformed::no(Expr::ScalarFunction(f)),
            },
            other => Transformed::no(other),
        }
    }
}

impl AnalyzerRule for SizedFunctions {
    fn name(&self) -> &str {
        "ceiba_sized_functions"
    }

    fn analyze(&self, plan: LogicalPlan, _: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(|node| {
            let names = NamePreserver::new(&node);
            node.map_expressions(|e| {
                let saved = names.save(&e);
                let rewritten = e.transform_up(|e| Ok(self.sized(e)))?;
                Ok(rewritten.update_data(|e| saved.restore(e)))
            })
        })
        .map(|t| t.data)
    }
}
