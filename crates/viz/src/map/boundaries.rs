//! Boundary sets: a GeoJSON or TopoJSON file read into areas keyed by INE code.
//!
//! GeoJSON: a `FeatureCollection` (or one `Feature`, or a bare geometry) of `Polygon`,
//! `MultiPolygon` or `GeometryCollection` geometries; positions may carry a third value,
//! which is ignored. TopoJSON: a `Topology` whose arcs are decoded here (delta-encoded and
//! quantized when there is a `transform`; arc `~i`, written `-i-1`, is arc `i` reversed).
//!
//! The property that holds the code is given, or found: the one whose values normalise to
//! the most distinct territories (codes before names; a tie goes to the property whose
//! values agree with the names in the feature, then to the one whose name says so, as
//! `cod_dep` does); a property found whose name says nothing needs codes in half the
//! features at least, and two different ones. Features whose value is not a territory (MINFIN's lakes, id `0`, and
//! Belize, `4000`) are left out and listed.
//!
//! Bounds: a file over [`MAX_BOUNDARY_BYTES`] is not parsed, and one whose polygons hold
//! more than [`MAX_POSITIONS`] positions once laid out (a TopoJSON ring may name a long arc
//! thousands of times) is refused (`TooLarge`); JSON nesting is bounded by serde_json.

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use ceiba_core::lang::Lang;
use serde_json::{Map, Value};

use crate::territory::{self, Kind, Level, NameMatch};

/// Largest boundary file read (Guatemala's municipalities at full detail take 12 MB).
pub const MAX_BOUNDARY_BYTES: usize = 128 * 1024 * 1024;
/// Most positions the polygons of a file may hold once their arcs are laid out.
pub const MAX_POSITIONS: usize = 8_000_000;

/// A ring of `(x, y)` positions (longitude, latitude for geographic files).
pub type Ring = Vec<(f64, f64)>;

/// One territory of a boundary set.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The normalised INE code (`01`, `0101`).
    pub code: String,
    /// The name the file gives it, when a property holds names.
    pub name: Option<String>,
    /// Outer rings and holes alike (drawn with the even-odd rule).
    pub rings: Vec<Ring>,
}

/// A boundary file read: its areas at one level, keyed by INE code.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundarySet {
    pub level: Level,
    /// The property the codes were read from (`id` may be the feature's own id).
    pub code_property: String,
    /// One area per territory, in code order (features sharing a code are merged).
    pub features: Vec<Area>,
    /// How many features the file has.
    pub total_features: usize,
    /// Features whose value is no territory, as `name (value)`.
    pub unmatched: Vec<String>,
}

impl BoundarySet {
    /// Territories of the level that the file does not have (an older list has 331–338
    /// municipalities).
    pub fn missing(&self) -> Vec<&'static str> {
        let have: HashSet<&str> = self.features.iter().map(|a| a.code.as_str()).collect();
        self.level.codes().filter(|c| !have.contains(c)).collect()
    }

    /// "22 of 22 departments recognised by `cod_dep`", in the language.
    pub fn summary(&self, lang: Lang) -> String {
        let n = self.features.len();
        let of = self.level.count();
        let mut s = match (lang, self.level) {
            (Lang::Es, Level::Department) => format!(
                "{n} de {of} departamentos reconocidos por la propiedad «{}»",
                self.code_property
            ),
            (Lang::Es, Level::Municipality) => format!(
                "{n} de {of} municipios reconocidos por la propiedad «{}»",
                self.code_property
            ),
            (Lang::En, Level::Department) => format!(
                "{n} of {of} departments recognised by the property “{}”",
                self.code_property
            ),
            (Lang::En, Level::Municipality) => format!(
                "{n} of {of} municipalities recognised by the property “{}”",
                self.code_property
            ),
        };
        if !self.unmatched.is_empty() {
            let list = self.unmatched.join(", ");
            s.push_str(&match lang {
                Lang::Es => format!("; sin código de territorio: {list}"),
                Lang::En => format!("; without a territory code: {list}"),
            });
        }
        s
    }
}

/// How to read a boundary file. All optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct BoundaryOptions<'a> {
    /// The property holding the code; found when `None`.
    pub code_property: Option<&'a str>,
    /// The TopoJSON object; when `None`, the object whose codes are recognised best.
    pub object: Option<&'a str>,
    /// The level; found when `None`.
    pub level: Option<Level>,
}

/// Why a boundary file cannot be used, told in Spanish or English by [`message`].
///
/// [`message`]: BoundaryError::message
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundaryError {
    /// The bytes are not JSON.
    NotJson { detail: String },
    /// JSON, but neither GeoJSON nor TopoJSON.
    NotGeo { found: String },
    /// The TopoJSON object named does not exist.
    NoSuchObject {
        object: String,
        available: Vec<String>,
    },
    /// No features (or no polygons) in the file.
    NoFeatures,
    /// No feature has the property named.
    NoSuchProperty {
        property: String,
        available: Vec<String>,
    },
    /// No value of the property (or of any property) is a department or municipality.
    NoTerritoryCodes {
        property: Option<String>,
        features: usize,
        available: Vec<String>,
    },
    /// Over [`MAX_BOUNDARY_BYTES`] (`bytes`) or [`MAX_POSITIONS`] (`positions`).
    TooLarge { what: &'static str, limit: usize },
}

impl BoundaryError {
    pub fn message(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match self {
            BoundaryError::NotJson { detail } => {
                if es {
                    format!("El archivo de límites no es JSON válido ({detail}).")
                } else {
                    format!("The boundary file is not valid JSON ({detail}).")
                }
            }
            BoundaryError::NotGeo { found } => {
                if es {
                    format!(
                        "El archivo de límites es JSON pero no GeoJSON ni TopoJSON (se encontró {found})."
                    )
                } else {
                    format!(
                        "The boundary file is JSON but neither GeoJSON nor TopoJSON (found {found})."
                    )
                }
            }
            BoundaryError::NoSuchObject { object, available } => {
                let list = available.join(", ");
                if es {
                    format!("El TopoJSON no tiene el objeto «{object}»; tiene: {list}.")
                } else {
                    format!("The TopoJSON has no object “{object}”; it has: {list}.")
                }
            }
            BoundaryError::TooLarge { what, limit } => match (*what, es) {
                ("bytes", true) => format!(
                    "El archivo de límites supera {limit} bytes; simplifique sus polígonos."
                ),
                ("bytes", false) => format!(
                    "The boundary file exceeds {limit} bytes; simplify its polygons."
                ),
                (_, true) => format!(
                    "Los polígonos del archivo de límites tienen más de {limit} puntos; simplifíquelos."
                ),
                (_, false) => format!(
                    "The polygons of the boundary file have more than {limit} points; simplify them."
                ),
            },
            BoundaryError::NoFeatures => {
                if es {
                    "El archivo de límites no tiene polígonos.".to_string()
                } else {
                    "The boundary file has no polygons.".to_string()
                }
            }
            BoundaryError::NoSuchProperty {
                property,
                available,
            } => {
                let list = available.join(", ");
                if es {
                    format!(
                        "Ningún elemento del archivo de límites tiene la propiedad «{property}»; las propiedades son: {list}."
                    )
                } else {
                    format!(
                        "No feature of the boundary file has the property “{property}”; the properties are: {list}."
                    )
                }
            }
            BoundaryError::NoTerritoryCodes {
                property,
                features,
                available,
            } => match (property, es) {
                (Some(p), true) => format!(
                    "Ninguno de los {features} elementos tiene en «{p}» un código o nombre de departamento o municipio de Guatemala."
                ),
                (Some(p), false) => format!(
                    "None of the {features} features has a Guatemalan department or municipality code or name in “{p}”."
                ),
                (None, true) => format!(
                    "Ninguna propiedad de los {features} elementos tiene códigos o nombres de departamentos o municipios de Guatemala (propiedades: {}).",
                    available.join(", ")
                ),
                (None, false) => format!(
                    "No property of the {features} features holds Guatemalan department or municipality codes or names (properties: {}).",
                    available.join(", ")
                ),
            },
        }
    }
}

impl fmt::Display for BoundaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for BoundaryError {}

/// A feature before its code is known.
struct RawFeature<'a> {
    props: Option<&'a Map<String, Value>>,
    id: Option<&'a Value>,
    rings: Vec<Ring>,
}

impl<'a> RawFeature<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.props.and_then(|p| p.get(key)) {
            Some(v) => Some(v),
            None if key == "id" => self.id,
            None => None,
        }
    }
}

/// Positions still allowed; once spent, no more are kept and the file is refused.
struct Budget {
    left: Cell<usize>,
    spent: Cell<bool>,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            left: Cell::new(MAX_POSITIONS),
            spent: Cell::new(false),
        }
    }

    /// Whether `n` more positions may be kept.
    fn take(&self, n: usize) -> bool {
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.spent.set(true);
                false
            }
        }
    }

    fn check(&self) -> Result<(), BoundaryError> {
        if self.spent.get() {
            return Err(BoundaryError::TooLarge {
                what: "positions",
                limit: MAX_POSITIONS,
            });
        }
        Ok(())
    }
}

/// Reads a GeoJSON or TopoJSON boundary file.
pub fn parse_boundaries(
    bytes: &[u8],
    options: &BoundaryOptions<'_>,
) -> Result<BoundarySet, BoundaryError> {
    if bytes.len() > MAX_BOUNDARY_BYTES {
        return Err(BoundaryError::TooLarge {
            what: "bytes",
            limit: MAX_BOUNDARY_BYTES,
        });
    }
    let budget = Budget::new();
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| BoundaryError::NotJson {
        detail: e.to_string(),
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(BoundaryError::NotGeo {
            found: json_kind(&doc).to_string(),
        });
    };
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "Topology" => parse_topology(obj, options, &budget),
        "FeatureCollection" => {
            let features = obj
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| BoundaryError::NotGeo {
                    found: "FeatureCollection without features".to_string(),
                })?;
            let raw = features
                .iter()
                .filter_map(|f| geojson_feature(f, &budget))
                .collect();
            budget.check()?;
            build(raw, options)
        }
        "Feature" => {
            let raw = geojson_feature(&doc, &budget).into_iter().collect();
            budget.check()?;
            build(raw, options)
        }
        "Polygon" | "MultiPolygon" | "GeometryCollection" => {
            let mut rings = Vec::new();
            geojson_rings(&doc, &mut rings, &budget);
            budget.check()?;
            build(
                vec![RawFeature {
                    props: None,
                    id: None,
                    rings,
                }],
                options,
            )
        }
        "" => Err(BoundaryError::NotGeo {
            found: "an object without \"type\"".to_string(),
        }),
        other => Err(BoundaryError::NotGeo {
            found: format!("\"type\": \"{other}\""),
        }),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn geojson_feature<'a>(f: &'a Value, budget: &Budget) -> Option<RawFeature<'a>> {
    let obj = f.as_object()?;
    let mut rings = Vec::new();
    if let Some(g) = obj.get("geometry") {
        geojson_rings(g, &mut rings, budget);
    }
    Some(RawFeature {
        props: obj.get("properties").and_then(Value::as_object),
        id: obj.get("id"),
        rings,
    })
}

fn geojson_rings(g: &Value, out: &mut Vec<Ring>, budget: &Budget) {
    let Some(obj) = g.as_object() else { return };
    match obj.get("type").and_then(Value::as_str) {
        Some("Polygon") => {
            if let Some(rings) = obj.get("coordinates").and_then(Value::as_array) {
                push_polygon(rings, out, budget);
            }
        }
        Some("MultiPolygon") => {
            for poly in obj
                .get("coordinates")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(rings) = poly.as_array() {
                    push_polygon(rings, out, budget);
                }
            }
        }
        Some("GeometryCollection") => {
            for g in obj
                .get("geometries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                geojson_rings(g, out, budget);
            }
        }
        _ => {}
    }
}

fn push_polygon(rings: &[Value], out: &mut Vec<Ring>, budget: &Budget) {
    for ring in rings {
        let len = ring.as_array().map_or(0, Vec::len);
        if !budget.take(len) {
            return;
        }
        let ring: Ring = ring
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(position)
            .collect();
        if ring.len() >= 3 {
            out.push(ring);
        }
    }
}

fn position(p: &Value) -> Option<(f64, f64)> {
    let a = p.as_array()?;
    let x = a.first()?.as_f64()?;
    let y = a.get(1)?.as_f64()?;
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

fn parse_topology(
    obj: &Map<String, Value>,
    options: &BoundaryOptions<'_>,
    budget: &Budget,
) -> Result<BoundarySet, BoundaryError> {
    let objects = obj
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| BoundaryError::NotGeo {
            found: "Topology without objects".to_string(),
        })?;
    let arcs = decode_arcs(obj, budget);
    budget.check()?;
    let pick = |geom: &Value| -> Result<BoundarySet, BoundaryError> {
        let mut raw = Vec::new();
        topo_features(geom, &arcs, &mut raw, budget);
        budget.check()?;
        build(raw, options)
    };
    if let Some(name) = options.object {
        let geom = objects
            .get(name)
            .ok_or_else(|| BoundaryError::NoSuchObject {
                object: name.to_string(),
                available: objects.keys().cloned().collect(),
            })?;
        return pick(geom);
    }
    // Without a name: the object recognised best (most areas), the first error otherwise.
    let mut best: Option<BoundarySet> = None;
    let mut first_err = None;
    for geom in objects.values() {
        match pick(geom) {
            Ok(set) => {
                if best
                    .as_ref()
                    .is_none_or(|b| set.features.len() > b.features.len())
                {
                    best = Some(set);
                }
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    best.ok_or(first_err.unwrap_or(BoundaryError::NoFeatures))
}

/// The arcs in absolute coordinates.
fn decode_arcs(obj: &Map<String, Value>, budget: &Budget) -> Vec<Ring> {
    let transform = obj.get("transform").and_then(|t| {
        let s = t.get("scale")?.as_array()?;
        let tr = t.get("translate")?.as_array()?;
        Some((
            s.first()?.as_f64()?,
            s.get(1)?.as_f64()?,
            tr.first()?.as_f64()?,
            tr.get(1)?.as_f64()?,
        ))
    });
    let Some(arcs) = obj.get("arcs").and_then(Value::as_array) else {
        return Vec::new();
    };
    arcs.iter()
        .map(|arc| {
            let positions = arc.as_array().map(Vec::as_slice).unwrap_or(&[]);
            if !budget.take(positions.len()) {
                return Vec::new();
            }
            match transform {
                Some((sx, sy, tx, ty)) => {
                    let (mut x, mut y) = (0.0, 0.0);
                    positions
                        .iter()
                        .filter_map(position)
                        .map(|(dx, dy)| {
                            x += dx;
                            y += dy;
                            (x * sx + tx, y * sy + ty)
                        })
                        .filter(|(x, y)| x.is_finite() && y.is_finite())
                        .collect()
                }
                None => positions.iter().filter_map(position).collect(),
            }
        })
        .collect()
}

fn topo_features<'a>(
    geom: &'a Value,
    arcs: &[Ring],
    out: &mut Vec<RawFeature<'a>>,
    budget: &Budget,
) {
    let Some(obj) = geom.as_object() else { return };
    match obj.get("type").and_then(Value::as_str) {
        Some("GeometryCollection") => {
            for g in obj
                .get("geometries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                topo_features(g, arcs, out, budget);
            }
        }
        Some(_) => {
            let mut rings = Vec::new();
            topo_rings(obj, arcs, &mut rings, budget);
            out.push(RawFeature {
                props: obj.get("properties").and_then(Value::as_object),
                id: obj.get("id"),
                rings,
            });
        }
        None => {}
    }
}

fn topo_rings(obj: &Map<String, Value>, arcs: &[Ring], out: &mut Vec<Ring>, budget: &Budget) {
    let polygons: Vec<&Value> = match obj.get("type").and_then(Value::as_str) {
        Some("Polygon") => obj.get("arcs").into_iter().collect(),
        Some("MultiPolygon") => obj
            .get("arcs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect(),
        _ => Vec::new(),
    };
    for poly in polygons {
        for ring in poly.as_array().into_iter().flatten() {
            let mut points: Ring = Vec::new();
            for index in ring.as_array().into_iter().flatten() {
                let Some(i) = index.as_i64() else { continue };
                // Arc `~i` is written `-i - 1`, which is `!i` (and cannot overflow).
                let (arc, reversed) = if i >= 0 {
                    (usize::try_from(i).ok().and_then(|i| arcs.get(i)), false)
                } else {
                    (usize::try_from(!i).ok().and_then(|i| arcs.get(i)), true)
                };
                let Some(arc) = arc else { continue };
                // A ring may name a long arc many times: every copy counts.
                if !budget.take(arc.len()) {
                    return;
                }
                let skip = usize::from(!points.is_empty());
                if reversed {
                    points.extend(arc.iter().rev().skip(skip));
                } else {
                    points.extend(arc.iter().skip(skip));
                }
            }
            if points.len() >= 3 {
                out.push(points);
            }
        }
    }
}

/// A property's value as text: numbers without a fraction as integers.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Some(u.to_string())
            } else {
                let f = n.as_f64()?;
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    Some(format!("{}", f as i64))
                } else {
                    Some(f.to_string())
                }
            }
        }
        _ => None,
    }
}

fn code_of(level: Level, kind: Kind, text: &str) -> Option<&'static str> {
    match (level, kind) {
        (_, Kind::Code) => territory::normalise_code(level, text),
        (Level::Department, Kind::Name) => territory::department_by_name(text),
        (Level::Municipality, Kind::Name) => match territory::municipality_by_name(text, None) {
            NameMatch::One(c) => Some(c),
            _ => None,
        },
    }
}

/// Whether some text property of the feature names the territory `code`.
fn names_agree(f: &RawFeature<'_>, level: Level, code: &str, skip: &str) -> bool {
    let Some(props) = f.props else { return false };
    props.iter().any(|(k, v)| {
        k != skip
            && v.as_str().is_some_and(|s| match level {
                Level::Department => territory::department_by_name(s) == Some(code),
                Level::Municipality => match territory::municipality_by_name(s, None) {
                    NameMatch::One(c) => c == code,
                    NameMatch::Ambiguous(cs) => cs.contains(&code),
                    NameMatch::None => false,
                },
            })
    })
}

fn property_names(raw: &[RawFeature<'_>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for f in raw {
        for k in f.props.into_iter().flat_map(|p| p.keys()) {
            if seen.insert(k.as_str()) {
                keys.push(k.clone());
            }
        }
        if f.id.is_some() && seen.insert("id") {
            keys.push("id".to_string());
        }
    }
    keys
}

/// How well a property reads as codes: distinct territories, codes before names, names in
/// the feature that agree, a property name that says so.
type Score = (usize, bool, usize, bool);

fn build(
    raw: Vec<RawFeature<'_>>,
    options: &BoundaryOptions<'_>,
) -> Result<BoundarySet, BoundaryError> {
    if raw.is_empty() || raw.iter().all(|f| f.rings.is_empty()) {
        return Err(BoundaryError::NoFeatures);
    }
    let available = property_names(&raw);
    let keys: Vec<String> = match options.code_property {
        Some(p) => {
            if !available.iter().any(|k| k == p) {
                return Err(BoundaryError::NoSuchProperty {
                    property: p.to_string(),
                    available,
                });
            }
            vec![p.to_string()]
        }
        None => available.clone(),
    };
    let levels: &[Level] = match options.level {
        Some(Level::Department) => &[Level::Department],
        Some(Level::Municipality) => &[Level::Municipality],
        None => &[Level::Department, Level::Municipality],
    };

    let mut best: Option<(Score, &str, Level, Kind)> = None;
    for key in &keys {
        let hint = territory::hint_from_column_name(key);
        let texts: Vec<Option<String>> = raw
            .iter()
            .map(|f| f.get(key).and_then(value_text))
            .collect();
        for &level in levels {
            for kind in [Kind::Code, Kind::Name] {
                let codes: Vec<Option<&'static str>> = texts
                    .iter()
                    .map(|t| t.as_deref().and_then(|t| code_of(level, kind, t)))
                    .collect();
                let distinct = codes.iter().flatten().collect::<HashSet<_>>().len();
                // Found rather than named: a property whose name says nothing must have
                // codes in most features and more than one (a lone `5` is no code).
                let plausible = options.code_property.is_some()
                    || hint.level.is_some()
                    || hint.kind.is_some()
                    || distinct >= 2 && distinct * 2 >= raw.len();
                if distinct == 0 || !plausible {
                    continue;
                }
                let agree = raw
                    .iter()
                    .zip(&codes)
                    .filter(|(f, c)| c.is_some_and(|c| names_agree(f, level, c, key)))
                    .count();
                let score = (
                    distinct,
                    kind == Kind::Code,
                    agree,
                    hint.level == Some(level),
                );
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, key.as_str(), level, kind));
                }
            }
        }
    }
    let Some((_, key, level, kind)) = best else {
        return Err(BoundaryError::NoTerritoryCodes {
            property: options.code_property.map(str::to_string),
            features: raw.len(),
            available,
        });
    };
    let name_key = name_property(&raw, level, kind, key);

    let mut areas: BTreeMap<&'static str, Area> = BTreeMap::new();
    let mut unmatched = Vec::new();
    let total = raw.len();
    for (i, f) in raw.into_iter().enumerate() {
        let text = f.get(key).and_then(value_text);
        let name = name_key
            .as_deref()
            .and_then(|k| f.get(k))
            .and_then(Value::as_str)
            .map(str::to_string);
        match text.as_deref().and_then(|t| code_of(level, kind, t)) {
            Some(code) if !f.rings.is_empty() => {
                let area = areas.entry(code).or_insert_with(|| Area {
                    code: code.to_string(),
                    name: name.clone(),
                    rings: Vec::new(),
                });
                area.rings.extend(f.rings);
            }
            _ => {
                let label = name.unwrap_or_else(|| format!("#{}", i + 1));
                unmatched.push(match text {
                    Some(t) => format!("{label} ({t})"),
                    None => label,
                });
            }
        }
    }
    Ok(BoundarySet {
        level,
        code_property: key.to_string(),
        features: areas.into_values().collect(),
        total_features: total,
        unmatched,
    })
}

/// The text property that names the features best (for labels), if one agrees with the
/// codes for at least half of them.
fn name_property(raw: &[RawFeature<'_>], level: Level, kind: Kind, key: &str) -> Option<String> {
    if kind == Kind::Name {
        return Some(key.to_string());
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in raw {
        let Some(code) = f
            .get(key)
            .and_then(value_text)
            .and_then(|t| code_of(level, Kind::Code, &t))
        else {
            continue;
        };
        for (k, v) in f.props.into_iter().flatten() {
            let Some(s) = v.as_str() else { continue };
            let ok = match level {
                Level::Department => territory::department_by_name(s) == Some(code),
                Level::Municipality => match territory::municipality_by_name(s, None) {
                    NameMatch::One(c) => c == code,
                    NameMatch::Ambiguous(cs) => cs.contains(&code),
                    NameMatch::None => false,
                },
            };
            if ok && k != key {
                *counts.entry(k.as_str()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| n * 2 >= raw.len())
        .map(|(k, _)| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topojson_arcs_and_reversal() {
        // Two squares sharing the edge x = 1, quantized with a transform.
        let topo = r#"{"type":"Topology",
            "transform":{"scale":[1,1],"translate":[0,0]},
            "objects":{"d":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0,1]],"properties":{"id":100}},
              {"type":"Polygon","arcs":[[2,-1]],"properties":{"id":200}}]}},
            "arcs":[[[1,0],[0,1]],[[1,1],[-1,0],[0,-1],[1,0]],[[1,0],[1,0],[0,1],[-1,0]]]}"#;
        let set = parse_boundaries(topo.as_bytes(), &BoundaryOptions::default()).unwrap();
        assert_eq!(set.level, Level::Department);
        assert_eq!(set.features.len(), 2);
        assert_eq!(set.features[0].code, "01");
        assert_eq!(
            set.features[0].rings[0],
            vec![(1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0), (1.0, 0.0)]
        );
        assert_eq!(
            set.features[1].rings[0],
            vec![(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0)]
        );
    }

    #[test]
    fn a_topojson_ring_that_repeats_a_long_arc_is_refused_before_it_is_laid_out() {
        // One arc of 10,000 positions named 1,000 times by one ring: 10 million positions
        // (160 MB) from a file of 150 KB.
        let arc: Vec<String> = (0..10_000).map(|i| format!("[{},1]", i % 7)).collect();
        let refs = vec!["0"; 1000].join(",");
        let topo = format!(
            r#"{{"type":"Topology","objects":{{"d":{{"type":"GeometryCollection","geometries":[
              {{"type":"Polygon","arcs":[[{refs}]],"properties":{{"id":100}}}}]}}}},
              "arcs":[[{}]]}}"#,
            arc.join(",")
        );
        assert!(topo.len() < 200_000);
        let e = parse_boundaries(topo.as_bytes(), &BoundaryOptions::default()).unwrap_err();
        assert_eq!(
            e,
            BoundaryError::TooLarge {
                what: "positions",
                limit: MAX_POSITIONS
            }
        );
        assert!(e.message(Lang::Es).contains("más de 8000000 puntos"));
    }

    #[test]
    fn arc_indices_out_of_range_are_skipped() {
        let topo = r#"{"type":"Topology","objects":{"d":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[-9223372036854775808,9223372036854775807,0,-1]],"properties":{"id":100}}]}},
              "arcs":[[[0,0],[1,0],[1,1],[0,0]]]}"#;
        let set = parse_boundaries(topo.as_bytes(), &BoundaryOptions::default()).unwrap();
        assert_eq!(set.features.len(), 1);
    }

    #[test]
    fn errors() {
        let e = parse_boundaries(b"{nope", &BoundaryOptions::default()).unwrap_err();
        assert!(matches!(e, BoundaryError::NotJson { .. }));
        let e = parse_boundaries(b"[1,2]", &BoundaryOptions::default()).unwrap_err();
        assert!(matches!(e, BoundaryError::NotGeo { .. }));
        assert!(e.message(Lang::Es).contains("ni TopoJSON"));
    }
}
