//! Arrow cells as typed JSON.

use super::*;

/// Cell `i` of an Arrow array as typed JSON: numbers, booleans, text, dates `YYYY-MM-DD`,
/// date-times `YYYY-MM-DDTHH:MM:SS`; null (also for NaN and infinities).
pub fn cell(a: &ArrayRef, i: usize) -> serde_json::Value {
    use serde_json::Value as J;
    if a.is_null(i) {
        return J::Null;
    }
    let float = |x: f64| serde_json::Number::from_f64(x).map_or(J::Null, J::Number);
    match a.data_type() {
        DataType::Int64 => J::from(a.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => J::from(a.as_primitive::<Int32Type>().value(i)),
        DataType::Int16 => J::from(a.as_primitive::<Int16Type>().value(i)),
        DataType::Int8 => J::from(a.as_primitive::<Int8Type>().value(i)),
        DataType::UInt64 => J::from(a.as_primitive::<UInt64Type>().value(i)),
        DataType::UInt32 => J::from(a.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt16 => J::from(a.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt8 => J::from(a.as_primitive::<UInt8Type>().value(i)),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => float(f64::from(a.as_primitive::<Float32Type>().value(i))),
        DataType::Boolean => J::from(a.as_boolean().value(i)),
        DataType::Date32 => {
            plan::date_string(a.as_primitive::<Date32Type>().value(i)).map_or(J::Null, J::String)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            plan::datetime_string(a.as_primitive::<TimestampMicrosecondType>().value(i))
                .map_or(J::Null, J::String)
        }
        DataType::Utf8 => J::from(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => J::from(a.as_string::<i64>().value(i)),
        DataType::Utf8View => J::from(a.as_string_view().value(i)),
        // Text of tables in memory.
        DataType::Dictionary(..) => match a.as_any_dictionary_opt() {
            Some(d) => match key_at(d.keys(), i) {
                Some(k) => cell(d.values(), k),
                None => J::Null,
            },
            None => J::Null,
        },
        _ => {
            datafusion::arrow::util::display::array_value_to_string(a, i).map_or(J::Null, J::String)
        }
    }
}

/// The dictionary key at row `i` (tables in memory use the narrowest key type).
fn key_at(keys: &dyn Array, i: usize) -> Option<usize> {
    if keys.is_null(i) {
        return None;
    }
    match keys.data_type() {
        DataType::Int8 => usize::try_from(keys.as_primitive::<Int8Type>().value(i)).ok(),
        DataType::Int16 => usize::try_from(keys.as_primitive::<Int16Type>().value(i)).ok(),
        DataType::Int32 => usize::try_from(keys.as_primitive::<Int32Type>().value(i)).ok(),
        _ => None,
    }
}
