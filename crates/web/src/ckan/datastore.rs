//! CKAN's DataStore reads on the query engine: `datastore_search` (filters, full-text `q`,
//! fields, sort, distinct, paging, four record formats).

use ceiba_core::ColumnType;
use ceiba_query::{AggregateRequest, Measure, MeasureFn, QueryError};
use serde_json::{json, Map, Value};

use super::{Call, CkanError};
use crate::tables::{locate_for, Missing};

/// Largest `limit` (CKAN's `ckan.datastore.search.rows_max`).
pub const ROWS_MAX: i64 = 32_000;

/// The DataStore's (PostgreSQL) type names.
pub fn ckan_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Integer => "int8",
        ColumnType::Decimal => "numeric",
        ColumnType::Boolean => "bool",
        ColumnType::Date => "date",
        ColumnType::Datetime => "timestamp",
        ColumnType::Text => "text",
    }
}

fn query_error(e: &QueryError) -> CkanError {
    match e {
        QueryError::BadParameter { parameter, .. } => {
            CkanError::validation(parameter, e.message(ceiba_core::Lang::En))
        }
        QueryError::Timeout(_) | QueryError::TooMuchMemory => {
            CkanError::validation("query", e.message(ceiba_core::Lang::En))
        }
        other => CkanError::Internal(other.to_string()),
    }
}

fn text_param(call: &Call<'_>, key: &str) -> Option<String> {
    match call.params.value(key)? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

pub async fn search(call: &Call<'_>) -> Result<Value, CkanError> {
    let p = &call.params;
    let rid = p
        .str("resource_id")
        .or_else(|| p.str("id"))
        .ok_or_else(|| CkanError::missing("resource_id"))?;
    let not_found = || CkanError::NotFound(format!("Resource \"{rid}\" was not found."));
    // Members see their organization's private tables, as in CKAN.
    let located = match locate_for(call.state, &rid, &call.viewer).await {
        Ok(l) => l,
        Err(Missing::Resource) | Err(Missing::Table) => return Err(not_found()),
        Err(Missing::Store(e)) => return Err(e.into()),
    };
    let table = located.table(0).ok_or_else(not_found)?;
    let spec = ceiba_query::TableSpec::from(table);
    let limit = p.int("limit", 100, 0, ROWS_MAX)?;
    let offset = p.int("offset", 0, 0, i64::MAX)?;
    let include_total = p.bool("include_total", true)?;
    let distinct = p.bool("distinct", false)?;
    let format = p.str("records_format").unwrap_or_else(|| "objects".into());
    if !matches!(format.as_str(), "objects" | "lists" | "csv" | "tsv") {
        return Err(CkanError::validation(
            "records_format",
            "Value must be one of ['objects', 'lists', 'csv', 'tsv']",
        ));
    }
    let fields = p.list("fields")?;
    let sort = match p.value("sort") {
        Some(Value::Array(list)) => Some(
            list.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => p.str("sort"),
    };
    let mut req = ceiba_query::params::ckan_request(
        text_param(call, "q").as_deref(),
        text_param(call, "filters").as_deref(),
        sort.as_deref(),
        fields.as_ref().map(|f| f.join(",")).as_deref(),
        Some(limit as u64),
        Some(offset as u64),
        &spec,
    )
    .map_err(|e| query_error(&e))?;
    // CKAN always shows `_id` first unless fields were chosen.
    let columns: Vec<String> = match &req.columns {
        Some(c) => c.clone(),
        None => std::iter::once("_id".to_owned())
            .chain(spec.columns.iter().map(|c| c.name.clone()))
            .collect(),
    };
    req.columns = Some(columns.clone());
    let (names, types, rows, total) = if distinct {
        let agg = AggregateRequest {
            group_by: columns.iter().filter(|c| *c != "_id").cloned().collect(),
            measures: vec![Measure {
                func: MeasureFn::Count,
                column: None,
            }],
            filters: req.filters.clone(),
            q: req.q.clone(),
            sort: req.sort.clone(),
            limit: (limit + offset) as u64,
        };
        let res = call
            .state
            .engine
            .aggregate(&spec, &agg)
            .await
            .map_err(|e| query_error(&e))?;
        let keep = agg.group_by.len();
        let names: Vec<String> = res
            .columns
            .iter()
            .take(keep)
            .map(|c| c.name.clone())
            .collect();
        let types: Vec<ColumnType> = res
            .columns
            .iter()
            .take(keep)
            .map(|c| c.column_type)
            .collect();
        let rows: Vec<Vec<Value>> = res
            .rows
            .into_iter()
            .skip(offset as usize)
            .map(|mut r| {
                r.truncate(keep);
                r
            })
            .collect();
        (names, types, rows, res.total)
    } else {
        let res = call
            .state
            .engine
            .rows(&spec, &req)
            .await
            .map_err(|e| query_error(&e))?;
        let names = res.columns.iter().map(|c| c.name.clone()).collect();
        let types = res.columns.iter().map(|c| c.column_type).collect();
        (names, types, res.rows, res.total)
    };
    let fields: Vec<Value> = names
        .iter()
        .zip(&types)
        .map(|(name, t)| {
            if name == "_id" {
                return json!({ "id": "_id", "type": "int" });
            }
            let column = spec.columns.iter().find(|c| &c.name == name);
            json!({
                "id": name,
                "type": ckan_type(*t),
                "info": {
                    "label": column.map(|c| c.label.as_str()).unwrap_or(name),
                    "notes": column.map(|c| c.description.as_str()).unwrap_or(""),
                    "unit": column.map(|c| c.unit.as_str()).unwrap_or(""),
                },
            })
        })
        .collect();
    let records = match format.as_str() {
        "lists" => json!(rows),
        "csv" | "tsv" => Value::String(delimited(
            &rows,
            if format == "csv" { b',' } else { b'\t' },
        )?),
        _ => Value::Array(
            rows.into_iter()
                .map(|r| {
                    Value::Object(names.iter().cloned().zip(r).collect::<Map<String, Value>>())
                })
                .collect(),
        ),
    };
    let link = |offset: i64| {
        let mut l = format!(
            "/api/3/action/datastore_search?resource_id={}",
            located.resource.id
        );
        if limit != 100 {
            l.push_str(&format!("&limit={limit}"));
        }
        if offset > 0 {
            l.push_str(&format!("&offset={offset}"));
        }
        l
    };
    let mut result = json!({
        "resource_id": located.resource.id,
        "fields": fields,
        "records": records,
        "records_format": format,
        "limit": limit,
        "include_total": include_total,
        "total_estimation_threshold": null,
        "_links": { "start": link(0), "next": link(offset + limit) },
    });
    if offset > 0 {
        result["offset"] = json!(offset);
    }
    if include_total {
        result["total"] = json!(total);
        result["total_was_estimated"] = json!(false);
    }
    if let Some(s) = sort {
        result["sort"] = json!(s);
    }
    if let Some(q) = text_param(call, "q") {
        result["q"] = json!(q);
    }
    if let Some(f) = call.params.json("filters")? {
        result["filters"] = f;
    }
    Ok(result)
}

/// Records as CSV or TSV text without a header row (CKAN's `records_format=csv`).
fn delimited(rows: &[Vec<Value>], delimiter: u8) -> Result<String, CkanError> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|v| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            // Whole numbers of a numeric column as PostgreSQL prints them: no ".0".
            Value::Number(n) => match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => {
                    format!("{}", f as i64)
                }
                _ => n.to_string(),
            },
            other => other.to_string(),
        }))
        .map_err(|e| CkanError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CkanError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CkanError::Internal(e.to_string()))
}

/// `datastore_search_sql`: one SELECT over public tables named by resource id
/// (`SELECT … FROM "<resource_id>"`), under the engine's row, time and memory bounds.
pub async fn search_sql(call: &Call<'_>) -> Result<Value, CkanError> {
    use ceiba_query::sql::{referenced_tables, SqlErrorKind, SqlRequest};
    if !call.state.config.datastore_sql {
        return Err(CkanError::Authorization(
            "datastore_search_sql is turned off on this portal".into(),
        ));
    }
    let sql = call.params.required("sql")?;
    let to_ckan = |e: QueryError| {
        let message = e.message(ceiba_core::Lang::En);
        match SqlErrorKind::of(&e) {
            SqlErrorKind::Validation => CkanError::validation("query", message),
            SqlErrorKind::NotFound => CkanError::NotFound(message),
            SqlErrorKind::Authorization => CkanError::Authorization(message),
            SqlErrorKind::Internal => CkanError::Internal(message),
        }
    };
    let names = referenced_tables(&sql).map_err(to_ckan)?;
    let mut tables = std::collections::HashMap::new();
    for name in names {
        // Only tables the caller may see (the access rule, as every read): the others
        // are not in the query's context, so naming one is "not found".
        match locate_for(call.state, &name, &call.viewer).await {
            Ok(l) => {
                if let Some(t) = l.table(0) {
                    tables.insert(name, ceiba_query::TableSpec::from(t));
                }
            }
            Err(Missing::Store(e)) => return Err(e.into()),
            Err(_) => {}
        }
    }
    let res = call
        .state
        .engine
        .sql(
            &SqlRequest {
                sql: &sql,
                max_rows: None,
            },
            &tables,
        )
        .await
        .map_err(to_ckan)?;
    let fields: Vec<Value> = res
        .columns
        .iter()
        .map(|c| json!({ "id": c.name, "type": c.ckan_type }))
        .collect();
    let mut result = json!({
        "sql": sql,
        "fields": fields,
        "records": res.records(),
    });
    if res.capped {
        result["records_truncated"] = json!(true);
    }
    Ok(result)
}
