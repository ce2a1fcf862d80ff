//! `ceiba_contains(needles, column, …)`: whether every needle occurs in some of the
//! columns, ignoring case and accents — the `q` search and the `contains` filter.
//!
//! One pass per row: each column's text is folded (lower case, accents off) into a reused
//! buffer only until every needle was found, instead of DataFusion's `lower`, `translate`
//! and `contains` each allocating a new column per word and column. Needles arrive folded,
//! joined by NUL, as a literal.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanBuilder};
use datafusion::arrow::datatypes::{DataType, Int32Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::{lit, Expr};

use crate::text::fold_into;

/// The function's name, also in SQL on the engine's context.
pub const NAME: &str = "ceiba_contains";

/// Separates needles in the first argument.
const SEP: char = '\0';

#[derive(Debug, PartialEq, Eq, Hash)]
struct FoldedContains {
    signature: Signature,
}

static UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(ScalarUDF::new_from_impl(FoldedContains {
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
});

/// The UDF, to register on a context.
pub fn udf() -> ScalarUDF {
    UDF.as_ref().clone()
}

/// Every one of `needles` (already folded) in some of `columns`.
pub fn contains_all(needles: &[String], columns: Vec<Expr>) -> Expr {
    let joined = needles.join(&SEP.to_string());
    let mut args = vec![lit(joined)];
    args.extend(columns);
    UDF.call(args)
}

/// A text column of any string layout (other types are cast to text).
enum Texts<'a> {
    Utf8(&'a datafusion::arrow::array::StringArray),
    Large(&'a datafusion::arrow::array::LargeStringArray),
    View(&'a datafusion::arrow::array::StringViewArray),
    /// Dictionary-encoded text (tables in memory): keys into a text array.
    Dict(&'a datafusion::arrow::array::Int32Array, Box<Texts<'a>>),
    Null,
}

impl Texts<'_> {
    fn value(&self, i: usize) -> Option<&str> {
        match self {
            Texts::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            Texts::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Texts::View(a) => (!a.is_null(i)).then(|| a.value(i)),
            Texts::Dict(keys, values) => {
                if keys.is_null(i) {
                    return None;
                }
                values.value(usize::try_from(keys.value(i)).ok()?)
            }
            Texts::Null => None,
        }
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn as_text(a: &ArrayRef) -> Result<ArrayRef> {
    Ok(match a.data_type() {
        DataType::Null => a.clone(),
        t if is_text(t) => a.clone(),
        DataType::Dictionary(k, v) if **k == DataType::Int32 && is_text(v) => a.clone(),
        // Tables in memory narrow their keys: widen them (the keys only) for the search.
        DataType::Dictionary(_, v) if is_text(v) => datafusion::arrow::compute::cast(
            a,
            &DataType::Dictionary(Box::new(DataType::Int32), v.clone()),
        )?,
        _ => datafusion::arrow::compute::cast(a, &DataType::Utf8View)?,
    })
}

fn texts(a: &dyn Array) -> Texts<'_> {
    match a.data_type() {
        DataType::Utf8 => Texts::Utf8(a.as_string::<i32>()),
        DataType::LargeUtf8 => Texts::Large(a.as_string::<i64>()),
        DataType::Utf8View => Texts::View(a.as_string_view()),
        DataType::Dictionary(k, _) if **k == DataType::Int32 => {
            let d = a.as_dictionary::<Int32Type>();
            Texts::Dict(d.keys(), Box::new(texts(d.values().as_ref())))
        }
        _ => Texts::Null,
    }
}

impl ScalarUDFImpl for FoldedContains {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let Some((first, columns)) = args.args.split_first() else {
            return exec_err!("{NAME}(needles, column, …) needs its needles");
        };
        let needles: Vec<&str> = match first {
            ColumnarValue::Scalar(
                ScalarValue::Utf8(Some(s))
                | ScalarValue::Utf8View(Some(s))
                | ScalarValue::LargeUtf8(Some(s)),
            ) => s.split(SEP).filter(|w| !w.is_empty()).collect(),
            _ => return exec_err!("{NAME}: the needles must be a text literal"),
        };
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|c| c.to_array(n).and_then(|a| as_text(&a)))
            .collect::<Result<_>>()?;
        let cols: Vec<Texts<'_>> = arrays.iter().map(|a| texts(a.as_ref())).collect();
        let mut out = BooleanBuilder::with_capacity(n);
        let mut buf = String::new();
        let mut found = vec![false; needles.len()];
        for row in 0..n {
            found.fill(false);
            let mut left = needles.len();
            for col in &cols {
                if left == 0 {
                    break;
                }
                let Some(s) = col.value(row) else {
                    continue;
                };
                fold_into(s, &mut buf);
                for (k, needle) in needles.iter().enumerate() {
                    if !found[k] && buf.contains(needle) {
                        found[k] = true;
                        left -= 1;
                    }
                }
            }
            out.append_value(left == 0);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}
