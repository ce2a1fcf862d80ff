//! The first pass: every object's keys, in order of first appearance, become the columns.

use super::*;

pub(super) struct KeyCollector<'a> {
    pub(super) columns: &'a mut Vec<String>,
    pub(super) index: &'a mut HashMap<String, usize>,
    pub(super) max: usize,
    pub(super) overflow: bool,
}

impl KeyCollector<'_> {
    pub(super) fn add<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        if !self.index.contains_key(key) {
            if self.columns.len() >= self.max {
                self.overflow = true;
                return Err(E::custom("too many columns"));
            }
            self.index.insert(key.to_string(), self.columns.len());
            self.columns.push(key.to_string());
        }
        Ok(())
    }
}

/// Most levels of objects whose members become columns of their own (`centroide.lat`):
/// deeper objects, and lists, stay one column of JSON text.
pub(super) const FLATTEN_DEPTH: usize = 3;

/// Reads an object's keys into the collector, skipping the values; members that are
/// objects give their own members' keys, joined with a dot.
pub(super) struct ObjectKeys<'k, 'a>(pub(super) &'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for ObjectKeys<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectKeys<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut name = String::new();
        while map.next_key_seed(KeyInto(&mut name))?.is_some() {
            map.next_value_seed(ValueKeys {
                keys: &mut *self.0,
                name: &name,
                depth: 1,
            })?;
        }
        Ok(())
    }
}

/// A key, copied into a buffer that is reused from key to key.
pub(super) struct KeyInto<'b>(pub(super) &'b mut String);

impl<'de> DeserializeSeed<'de> for KeyInto<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyInto<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.clear();
        self.0.push_str(v);
        Ok(())
    }
}

/// The value of member `name` at nesting `depth`: a column, or an object's columns.
struct ValueKeys<'k, 'a, 'n> {
    keys: &'k mut KeyCollector<'a>,
    name: &'n str,
    depth: usize,
}

impl ValueKeys<'_, '_, '_> {
    fn column<E: de::Error>(self) -> Result<(), E> {
        self.keys.add(self.name)
    }
}

impl<'de> DeserializeSeed<'de> for ValueKeys<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueKeys<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.column()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.column()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.column()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.column()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.column()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.column()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.column()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.column()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth >= FLATTEN_DEPTH {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return self.column();
        }
        let mut member = String::new();
        while map.next_key_seed(KeyInto(&mut member))?.is_some() {
            let name = format!("{}.{member}", self.name);
            map.next_value_seed(ValueKeys {
                keys: &mut *self.keys,
                name: &name,
                depth: self.depth + 1,
            })?;
        }
        Ok(())
    }
}

/// The members of a feature that matter.
pub(super) enum Member {
    Properties,
    Geometry,
    Other,
}

pub(super) struct MemberName;

impl<'de> DeserializeSeed<'de> for MemberName {
    type Value = Member;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Member, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberName {
    type Value = Member;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
        Ok(match v {
            "properties" => Member::Properties,
            "geometry" => Member::Geometry,
            _ => Member::Other,
        })
    }
}

/// Reads a feature's property names into the collector.
pub(super) struct FeatureKeys<'k, 'a>(pub(super) &'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for FeatureKeys<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureKeys<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(member) = map.next_key_seed(MemberName)? {
            match member {
                Member::Properties => {
                    map.next_value_seed(Properties(ObjectKeys(&mut *self.0)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `properties`: an object, or `null` for none.
pub(super) struct Properties<S>(pub(super) S);

impl<'de, S> DeserializeSeed<'de> for Properties<S>
where
    S: Visitor<'de, Value = ()>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S> Visitor<'de> for Properties<S>
where
    S: Visitor<'de, Value = ()>,
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of properties, or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.visit_map(map)
    }
}

// ---------------------------------------------------------------------------------------
// Second scan: the rows
