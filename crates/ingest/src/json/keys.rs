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

/// Reads an object's keys into the collector, skipping the values.
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
        while map.next_key_seed(KeyName(&mut *self.0))?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A key, added to the collector.
pub(super) struct KeyName<'k, 'a>(pub(super) &'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for KeyName<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyName<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.add(v)
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
