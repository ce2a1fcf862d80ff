//! An action's parameters, from wherever the client put them: the query string (GET), a
//! JSON object, a form, or a multipart form with a file (`ckanapi` POSTs everything).

use axum::body::Body;
use axum::http::{header, HeaderMap, Method};
use serde_json::{Map, Value};

use super::CkanError;
use crate::SharedState;

/// Largest JSON or form body read (uploads go through multipart, bounded separately).
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Most values (objects, arrays, strings, numbers…) a JSON body may hold. Parsed, each
/// takes tens of bytes or more: 10 MiB of `[{},{},…]` would become over a gigabyte. The
/// largest honest bodies (a dataset with every bound reached, a long SQL query) hold a
/// few thousand.
const MAX_JSON_VALUES: usize = 50_000;

#[derive(Debug, Default)]
pub struct Params {
    map: Map<String, Value>,
    /// The file of a multipart `upload` field, kept in the scratch folder while the action
    /// runs.
    pub upload: Option<Upload>,
}

pub use crate::uploads::Upload;

/// Adds a pair, turning repeated keys into lists.
fn add(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        Some(Value::Array(list)) => list.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(key, value);
        }
    }
}

pub async fn read(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    state: &SharedState,
) -> Result<Params, CkanError> {
    let mut map = Map::new();
    for (k, v) in crate::http::query_pairs(query) {
        add(&mut map, k, Value::String(v));
    }
    if method != Method::POST {
        return Ok(Params { map, upload: None });
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        return multipart(headers, body, map, state).await;
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| CkanError::BadRequest(format!("could not read the request body: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params { map, upload: None });
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let text = String::from_utf8_lossy(&bytes);
        for (k, v) in crate::http::query_pairs(Some(&text)) {
            map.insert(k, Value::String(v));
        }
        return Ok(Params { map, upload: None });
    }
    // JSON by content type, and by default: CKAN reads any other POST body as JSON.
    if json_values(&bytes) > MAX_JSON_VALUES {
        return Err(CkanError::BadRequest(format!(
            "JSON Error: more than {MAX_JSON_VALUES} values in the request body"
        )));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(body)) => {
            map.extend(body);
            Ok(Params { map, upload: None })
        }
        Ok(_) => Err(CkanError::BadRequest(
            "Request data JSON decoded to a non-object".into(),
        )),
        Err(e) => Err(CkanError::BadRequest(format!("JSON Error: {e}"))),
    }
}

impl Params {
    pub fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    pub fn value(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A text parameter (numbers and booleans as written; the last of a repeated key).
    pub fn str(&self, key: &str) -> Option<String> {
        let v = match self.value(key)? {
            Value::Array(list) => list.last()?,
            v => v,
        };
        match v {
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn required(&self, key: &str) -> Result<String, CkanError> {
        self.str(key).ok_or_else(|| CkanError::missing(key))
    }

    /// A boolean the ways CKAN accepts it: JSON, `true`/`false`, `1`/`0`, `yes`/`no`.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, CkanError> {
        match self.value(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => match self.str(key).map(|s| s.to_ascii_lowercase()).as_deref() {
                None => Ok(default),
                Some("true" | "1" | "yes" | "on" | "t") => Ok(true),
                Some("false" | "0" | "no" | "off" | "f") => Ok(false),
                Some(other) => Err(CkanError::validation(
                    key,
                    format!("Invalid boolean: {other}"),
                )),
            },
        }
    }

    /// A whole number within `min..=max`, or `default`.
    pub fn int(&self, key: &str, default: i64, min: i64, max: i64) -> Result<i64, CkanError> {
        let Some(s) = self.str(key) else {
            return Ok(default);
        };
        let n: i64 = s
            .parse()
            .map_err(|_| CkanError::validation(key, "Invalid integer"))?;
        if n < min {
            return Err(CkanError::validation(
                key,
                format!("Must be at least {min}"),
            ));
        }
        Ok(n.min(max))
    }

    /// A structured parameter given as JSON or as JSON text (`filters={"a": 1}` in a URL).
    pub fn json(&self, key: &str) -> Result<Option<Value>, CkanError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).or_else(|_| {
                // A bare word where a list is expected: `facet.field=tags`.
                Ok(Some(Value::String(s.clone())))
            }),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    /// A list of strings given as a JSON list, JSON text, comma-separated text or repeats.
    pub fn list(&self, key: &str) -> Result<Option<Vec<String>>, CkanError> {
        let Some(v) = self.json(key)? else {
            return Ok(None);
        };
        let items = match v {
            Value::Array(list) => list
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Ok(other.to_string()),
                })
                .collect::<Result<Vec<_>, CkanError>>()?,
            Value::String(s) => s.split(',').map(|p| p.trim().to_owned()).collect(),
            other => vec![other.to_string()],
        };
        Ok(Some(items.into_iter().filter(|s| !s.is_empty()).collect()))
    }
}

/// A multipart form: text fields become parameters, the `upload` file goes to the scratch
/// folder (`crate::uploads`, shared with the resource form).
async fn multipart(
    headers: &HeaderMap,
    body: Body,
    mut map: Map<String, Value>,
    state: &SharedState,
) -> Result<Params, CkanError> {
    use crate::uploads::FormError;
    let read = crate::uploads::read_multipart(state, headers, body, "upload")
        .await
        .map_err(|e| match e {
            FormError::FileTooLarge { limit } => CkanError::validation(
                "upload",
                format!("The file is larger than the portal accepts ({limit} bytes)."),
            ),
            FormError::Malformed(m) => CkanError::BadRequest(m),
            FormError::Internal(m) => CkanError::Internal(m),
        })?;
    for (name, text) in read.fields {
        // ckanapi sends structured values (tags, extras) as JSON text in multipart.
        let value = match text.trim_start().chars().next() {
            Some('[' | '{') => serde_json::from_str(&text).unwrap_or(Value::String(text)),
            _ => Value::String(text),
        };
        map.insert(name, value);
    }
    Ok(Params {
        map,
        upload: read.upload,
    })
}

/// About how many values a JSON text holds: the separators and openings outside strings,
/// counted in one pass before anything is allocated.
fn json_values(bytes: &[u8]) -> usize {
    let (mut n, mut in_string, mut escaped) = (1usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b',' | b'[' | b'{' | b':' => n += 1,
                _ => {}
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::json_values;

    #[test]
    fn json_values_are_counted_outside_strings() {
        assert_eq!(json_values(br#"{"a": [1, 2, "x,y:{["]}"#), 6);
        assert_eq!(json_values(br#"{"a": "b\"c,d", "e": "\\"}"#), 5);
        let tags: Vec<String> = (0..100_000)
            .map(|i| format!(r#"{{"name":"t{i}"}}"#))
            .collect();
        let body = format!(r#"{{"tags":[{}]}}"#, tags.join(","));
        assert!(json_values(body.as_bytes()) > super::MAX_JSON_VALUES);
    }
}
