//! What an action answers, written into CKAN's envelope without copying it.
//!
//! Package dicts are kept by the package cache (`cache.rs`); a search page of ten of them
//! used to be copied three times (out of the cache, into the result object, into the
//! envelope, each a tree of maps) before being written. They are now written from the
//! cache as they are.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// An action's result.
pub enum Answer {
    /// JSON built for this answer.
    Value(Value),
    /// A package dict shared with the cache.
    Package(Arc<Value>),
    /// An object whose `results` are package dicts shared with the cache.
    Packages {
        head: Map<String, Value>,
        results: Vec<Arc<Value>>,
    },
}

impl From<Value> for Answer {
    fn from(v: Value) -> Self {
        Answer::Value(v)
    }
}

impl Answer {
    /// The `id` of an object answer (what a write acted on, for the audit log; writes
    /// answer with JSON built for them).
    pub fn id(&self) -> Option<&str> {
        match self {
            Answer::Value(v) => v.get("id").and_then(Value::as_str),
            Answer::Package(_) | Answer::Packages { .. } => None,
        }
    }
}

struct Shared<'a>(&'a [Arc<Value>]);

impl Serialize for Shared<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|v| &**v))
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Value(v) => v.serialize(s),
            Answer::Package(v) => v.serialize(s),
            Answer::Packages { head, results } => {
                // Keys in order, as a JSON object built by serde_json is written.
                let mut map = s.serialize_map(Some(head.len() + 1))?;
                let mut pending = Some(Shared(results));
                for (k, v) in head {
                    if k.as_str() > "results" {
                        if let Some(r) = pending.take() {
                            map.serialize_entry("results", &r)?;
                        }
                    }
                    map.serialize_entry(k, v)?;
                }
                if let Some(r) = pending.take() {
                    map.serialize_entry("results", &r)?;
                }
                map.end()
            }
        }
    }
}

/// CKAN's envelope of a successful call (keys in the order serde_json writes them).
#[derive(serde::Serialize)]
pub struct Envelope<'a> {
    pub help: &'a str,
    pub result: &'a Answer,
    pub success: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn packages_are_written_as_the_same_object_would_be() {
        let dicts = vec![
            Arc::new(json!({"name": "a", "id": 1})),
            Arc::new(json!({"name": "b"})),
        ];
        let mut head = Map::new();
        head.insert("count".into(), json!(2));
        head.insert("facets".into(), json!({}));
        head.insert("sort".into(), json!("score desc"));
        let answer = Answer::Packages {
            head: head.clone(),
            results: dicts.clone(),
        };
        let mut whole = head;
        whole.insert(
            "results".into(),
            Value::Array(dicts.iter().map(|d| Value::clone(d)).collect()),
        );
        assert_eq!(
            serde_json::to_string(&answer).unwrap(),
            serde_json::to_string(&Value::Object(whole)).unwrap()
        );
        let envelope = Envelope {
            help: "h",
            result: &answer,
            success: true,
        };
        let text = serde_json::to_string(&envelope).unwrap();
        assert!(
            text.starts_with(r#"{"help":"h","result":{"count":2,"#),
            "{text}"
        );
        assert!(
            text.ends_with(r#""sort":"score desc"},"success":true}"#),
            "{text}"
        );
    }
}
