//! Recognising territory columns (department or municipality, code or name) and turning
//! what a source wrote into INE codes: charts, maps, the explorer, territorial profiles
//! and the search index's territory facet all ask here.
//!
//! Codes come as `1`, `01`, `GT01`, `GT-01`, `101`, `0101`, `GT0101`, `101.0` (a number read
//! from a spreadsheet), the ISO 3166-2 letters geoBoundaries carries (`GT-AV`) and MINFIN's
//! department × 100 (`100` … `2200`). Names are compared folded (case, accents, punctuation)
//! and with the variants sources use (`Petapa` for `San Miguel Petapa`, `El Quiché` for
//! `Quiché`, …). Municipality names repeat across departments (`San José` is in Escuintla
//! and Petén), so a name resolves only when it is unique or a department narrows it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::territory::{self, DEPARTMENTS, MUNICIPALITIES};

/// The level of a territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Department,
    Municipality,
}

impl Level {
    /// How many territories the level has in INE's list (22 or 340).
    pub fn count(self) -> usize {
        match self {
            Level::Department => DEPARTMENTS.len(),
            Level::Municipality => MUNICIPALITIES.len(),
        }
    }

    /// Every INE code of the level, in code order.
    pub fn codes(self) -> impl Iterator<Item = &'static str> {
        let list = match self {
            Level::Department => DEPARTMENTS,
            Level::Municipality => MUNICIPALITIES,
        };
        list.iter().map(|(c, _)| *c)
    }
}

/// Whether a column holds codes or names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Code,
    Name,
}

/// A column recognised as a territory column, with the share of its (non-empty) sample
/// values that normalise at that level and kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TerritoryColumn {
    pub level: Level,
    pub kind: Kind,
    pub share: f64,
}

/// What a municipality name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    One(&'static str),
    /// The name is that of several municipalities and no department told them apart.
    Ambiguous(Vec<&'static str>),
    None,
}

/// Department names sources write besides INE's.
const DEPARTMENT_ALIASES: &[(&str, &str)] = &[
    ("14", "El Quiché"),
    ("17", "El Petén"),
    ("01", "Guatemala Ciudad"),
    ("01", "Departamento de Guatemala"),
];

/// ISO 3166-2 letter codes (as geoBoundaries carries them).
const DEPARTMENT_ISO: &[(&str, &str)] = &[
    ("01", "GU"),
    ("02", "PR"),
    ("03", "SA"),
    ("04", "CM"),
    ("05", "ES"),
    ("06", "SR"),
    ("07", "SO"),
    ("08", "TO"),
    ("09", "QZ"),
    ("10", "SU"),
    ("11", "RE"),
    ("12", "SM"),
    ("13", "HU"),
    ("14", "QC"),
    ("15", "BV"),
    ("16", "AV"),
    ("17", "PE"),
    ("18", "IZ"),
    ("19", "ZA"),
    ("20", "CQ"),
    ("21", "JA"),
    ("22", "JU"),
];

/// Municipality names sources write besides INE's (short forms, older names, common
/// misspellings found in MINFIN, Red Ciudadana and census files).
const MUNICIPALITY_ALIASES: &[(&str, &str)] = &[
    ("0101", "Ciudad de Guatemala"),
    ("0117", "Petapa"),
    ("0301", "La Antigua Guatemala"),
    ("0314", "Alotenango"),
    ("0404", "Comalapa"),
    ("0408", "Pochuta"),
    ("0412", "Yepocapa"),
    ("0502", "Santa Lucia Cotzulmalguapa"),
    ("0506", "Pueblo Nuevo Tiquisate"),
    ("0903", "Olintepeque"),
    ("0917", "Colomba"),
    ("1009", "San Pablo Jocopila"),
    ("1021", "La Máquina"),
    ("1105", "San Felipe Retalhuleu"),
    ("1214", "El Rodeo"),
    ("1308", "Soloma"),
    ("1309", "San Idelfonso Ixtahuacán"),
    ("1326", "Barillas"),
    ("1332", "La Unión Cantinil"),
    ("1406", "Chichicastenango"),
    ("1413", "Nebaj"),
    ("1415", "Uspantán"),
    ("1420", "Ixcán"),
    ("1506", "El Chol"),
    ("1606", "Tucurú"),
    ("1608", "San Antonio Senahú"),
    ("1611", "Lanquín"),
    ("1612", "Cahabón"),
    ("1616", "La Tinta"),
    ("2003", "San Juan la Ermita"),
];

/// Folds a name for comparison: lower case, no accents, punctuation and runs of spaces as
/// one space, and without a leading "departamento de" / "municipio de".
pub fn fold_name(s: &str) -> String {
    let folded = crate::text::fold(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    for prefix in [
        "departamento de ",
        "depto de ",
        "municipio de ",
        "municipalidad de ",
    ] {
        if let Some(rest) = out.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    out
}

fn department_index() -> &'static HashMap<String, &'static str> {
    static INDEX: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        for (code, name) in DEPARTMENTS.iter().chain(DEPARTMENT_ALIASES) {
            m.insert(fold_name(name), *code);
        }
        m
    })
}

fn municipality_index() -> &'static HashMap<String, Vec<&'static str>> {
    static INDEX: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: HashMap<String, Vec<&'static str>> = HashMap::new();
        for (code, name) in MUNICIPALITIES.iter().chain(MUNICIPALITY_ALIASES) {
            let codes = m.entry(fold_name(name)).or_default();
            if !codes.contains(code) {
                codes.push(*code);
            }
        }
        m
    })
}

/// A department code from a name in any of its spellings (`Quiché`, `EL QUICHE`, `quiche`).
pub fn department_by_name(name: &str) -> Option<&'static str> {
    department_index().get(&fold_name(name)).copied()
}

/// A municipality code from a name, narrowed by a department (code or name, any spelling)
/// when given. `San José` alone is ambiguous; `San José` in Petén is `1702`. A name written
/// with its department (`San José, Petén` or `San José (Petén)`) is narrowed by it too.
pub fn municipality_by_name(name: &str, department_hint: Option<&str>) -> NameMatch {
    let hint = department_hint.and_then(department_any);
    let key = fold_name(name);
    let (candidates, hint) = match municipality_index().get(&key) {
        Some(c) => (c.as_slice(), hint),
        None => {
            // "San José, Petén" / "San José (Petén)" / "San José - Petén".
            let Some(split) = name.rfind([',', '(', '-', '/']) else {
                return NameMatch::None;
            };
            let (muni, dep) = name.split_at(split);
            let dep = dep
                .trim_matches(|c: char| c == ',' || c == '(' || c == ')' || c == '-' || c == '/');
            let Some(dep_code) = department_any(dep) else {
                return NameMatch::None;
            };
            if hint.is_some_and(|h| h != dep_code) {
                return NameMatch::None;
            }
            match municipality_index().get(&fold_name(muni)) {
                Some(c) => (c.as_slice(), Some(dep_code)),
                None => return NameMatch::None,
            }
        }
    };
    let pick: Vec<&'static str> = match hint {
        Some(dep) => candidates
            .iter()
            .copied()
            .filter(|c| c.starts_with(dep))
            .collect(),
        None => candidates.to_vec(),
    };
    match pick.len() {
        0 => NameMatch::None,
        1 => NameMatch::One(pick[0]),
        _ => NameMatch::Ambiguous(pick),
    }
}

/// A department from a code or a name.
fn department_any(s: &str) -> Option<&'static str> {
    normalise_code(Level::Department, s).or_else(|| department_by_name(s))
}

/// Normalises a code at a level: department `1`, `01`, `GT01`, `GT-01`, `GT-AV`, `100`
/// (MINFIN's × 100) → `01`; municipality `101`, `0101`, `GT0101`, `101.0` → `0101`.
pub fn normalise_code(level: Level, raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    let raw = raw
        .strip_suffix(".0")
        .or_else(|| raw.strip_suffix(",0"))
        .unwrap_or(raw);
    let stripped = raw
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("GT-"))
        .map(|_| &raw[3..]);
    match level {
        Level::Department => {
            if let Some(rest) = stripped {
                if let Some((code, _)) = DEPARTMENT_ISO
                    .iter()
                    .find(|(_, iso)| iso.eq_ignore_ascii_case(rest))
                {
                    return Some(code);
                }
            }
            let digits = stripped.unwrap_or(raw);
            territory::department_code(digits).or_else(|| {
                // MINFIN: department × 100.
                let n: u32 = digits.parse().ok()?;
                if digits.len() <= 4 && digits.ends_with("00") {
                    territory::department_code(&(n / 100).to_string())
                } else {
                    None
                }
            })
        }
        Level::Municipality => territory::municipality_code(stripped.unwrap_or(raw)),
    }
}

/// Normalises a value of a territory column to its INE code. Names of municipalities use
/// `department_hint` (a department code or name from the same row) to tell homonyms apart;
/// an ambiguous name gives `None`. Codes ignore the hint.
pub fn normalise(
    level: Level,
    kind: Kind,
    value: &str,
    department_hint: Option<&str>,
) -> Option<&'static str> {
    match (level, kind) {
        (_, Kind::Code) => normalise_code(level, value),
        (Level::Department, Kind::Name) => department_by_name(value),
        (Level::Municipality, Kind::Name) => match municipality_by_name(value, department_hint) {
            NameMatch::One(code) => Some(code),
            _ => None,
        },
    }
}

/// Looks a key up at a level without knowing whether it is a code or a name: a code first,
/// then a name.
pub fn resolve_key(level: Level, key: &str, department_hint: Option<&str>) -> NameMatch {
    if let Some(code) = normalise_code(level, key) {
        return NameMatch::One(code);
    }
    match level {
        Level::Department => match department_by_name(key) {
            Some(c) => NameMatch::One(c),
            None => NameMatch::None,
        },
        Level::Municipality => municipality_by_name(key, department_hint),
    }
}

/// The name to show for a territory: the department's name, or the municipality's with
/// its department (`San José (Petén)`), since municipality names repeat.
pub fn display_name(level: Level, code: &str) -> Option<String> {
    match level {
        Level::Department => territory::department_name(code).map(str::to_string),
        Level::Municipality => {
            let name = territory::municipality_name(code)?;
            let dep = code.get(..2).and_then(territory::department_name)?;
            Some(format!("{name} ({dep})"))
        }
    }
}

/// What a column's name says: the level and/or the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameHint {
    pub level: Option<Level>,
    pub kind: Option<Kind>,
}

impl NameHint {
    fn is_some(self) -> bool {
        self.level.is_some() || self.kind.is_some()
    }
}

/// Reads a column name: `cod_dep`, `Cod. Departamento`, `id_depto`, `departamento`,
/// `codigo_municipio`, `id_municipal`, `cod_mun`, `muni`, `admin2Pcode`, `pcode`, ….
pub fn hint_from_column_name(column_name: &str) -> NameHint {
    let folded = crate::text::fold(column_name);
    let mut hint = NameHint::default();
    let mut dep = false;
    let mut mun = false;
    for token in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        // Codes glued to the level: coddep, codmun, iddepto, codigomunicipio.
        let mut t = token;
        for prefix in ["codigo", "cod", "id", "cve", "clave"] {
            if let Some(rest) = t.strip_prefix(prefix) {
                if rest.starts_with("dep") || rest.starts_with("dpto") || rest.starts_with("mun") {
                    hint.kind = Some(Kind::Code);
                    t = rest;
                    break;
                }
            }
        }
        if t.starts_with("admin1") || t.starts_with("adm1") {
            dep = true;
        } else if t.starts_with("admin2") || t.starts_with("adm2") {
            mun = true;
        }
        if t.ends_with("pcode") || t.ends_with("code") && t.len() > 4 {
            hint.kind = Some(Kind::Code);
        }
        if t.ends_with("name") && t.len() > 4 {
            hint.kind = hint.kind.or(Some(Kind::Name));
        }
        match t {
            "cod" | "codigo" | "code" | "id" | "pcode" | "clave" | "cve" | "ine" | "iso" => {
                hint.kind = Some(Kind::Code)
            }
            "nombre" | "name" | "nom" => hint.kind = hint.kind.or(Some(Kind::Name)),
            _ => {}
        }
        if t.starts_with("dep") && !t.starts_with("depor") || t.starts_with("dpto") {
            dep = true;
        }
        if t == "mun" || t.starts_with("muni") {
            mun = true;
        }
    }
    hint.level = match (dep, mun) {
        (true, false) => Some(Level::Department),
        (false, true) => Some(Level::Municipality),
        _ => None,
    };
    hint
}

/// Recognises a territory column from its name and/or its values. Without a telling name,
/// names need 80 % of the values to match, and codes 90 % written unmistakably (municipality
/// codes spanning at least two departments; department codes zero-padded or with `GT`), so a
/// column of years or row numbers is not taken for codes. With a telling name, half the
/// values suffice (totals and notes are common). Department names win ties over municipality
/// names (most department capitals share the department's name).
/// [`recognise`] for a table's column, from its name and its most frequent values (what
/// every door asks: charts, the explorer, territorial profiles).
pub fn recognise_column(column: &crate::Column) -> Option<TerritoryColumn> {
    let sample: Vec<&str> = column.stats.top.iter().map(|t| t.value.as_str()).collect();
    recognise(&column.name, &sample)
}

pub fn recognise<S: AsRef<str>>(column_name: &str, sample_values: &[S]) -> Option<TerritoryColumn> {
    let hint = hint_from_column_name(column_name);
    let values: Vec<&str> = sample_values
        .iter()
        .map(|v| v.as_ref().trim())
        .filter(|v| !v.is_empty() && *v != "-" && !v.eq_ignore_ascii_case("s.d."))
        .collect();
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mut best: Option<TerritoryColumn> = None;
    for level in [Level::Department, Level::Municipality] {
        if hint.level.is_some_and(|l| l != level) {
            continue;
        }
        for kind in [Kind::Code, Kind::Name] {
            if hint.kind.is_some_and(|k| k != kind) {
                continue;
            }
            let (matched, strong) = count_matches(level, kind, &values);
            let share = matched as f64 / n;
            let ok = if hint.is_some() {
                share >= 0.5
            } else {
                match kind {
                    Kind::Name => share >= 0.8,
                    Kind::Code => share >= 0.9 && strong,
                }
            };
            if ok && best.is_none_or(|b| share > b.share) {
                best = Some(TerritoryColumn { level, kind, share });
            }
        }
    }
    best
}

/// How many values match, and whether codes look unmistakably like codes.
fn count_matches(level: Level, kind: Kind, values: &[&str]) -> (usize, bool) {
    match kind {
        Kind::Name => {
            let matched = values
                .iter()
                .filter(|v| match level {
                    Level::Department => department_by_name(v).is_some(),
                    Level::Municipality => {
                        !matches!(municipality_by_name(v, None), NameMatch::None)
                    }
                })
                .count();
            (matched, true)
        }
        Kind::Code => {
            let mut matched = 0;
            let mut well_formed = 0;
            let mut padded = false;
            let mut departments = std::collections::HashSet::new();
            let mut distinct = std::collections::HashSet::new();
            for v in values {
                if let Some(code) = normalise_code(level, v) {
                    matched += 1;
                    distinct.insert(code);
                    departments.insert(&code[..2]);
                    let bare = v.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-');
                    let prefixed = bare.len() != v.len();
                    if prefixed || bare.len() == code.len() {
                        well_formed += 1;
                    }
                    padded |= prefixed || bare.len() == code.len() && bare.starts_with('0');
                }
            }
            let strong = match level {
                Level::Municipality => departments.len() >= 2 && distinct.len() >= 5,
                Level::Department => padded && well_formed * 10 >= matched * 9,
            };
            (matched, strong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_every_spelling() {
        use Level::*;
        assert_eq!(normalise_code(Department, "1"), Some("01"));
        assert_eq!(normalise_code(Department, "GT-01"), Some("01"));
        assert_eq!(normalise_code(Department, "GT-AV"), Some("16"));
        assert_eq!(normalise_code(Department, "100"), Some("01"));
        assert_eq!(normalise_code(Department, "2200"), Some("22"));
        assert_eq!(normalise_code(Department, "2300"), None);
        assert_eq!(normalise_code(Department, "16.0"), Some("16"));
        assert_eq!(normalise_code(Municipality, "101"), Some("0101"));
        assert_eq!(normalise_code(Municipality, "GT1301"), Some("1301"));
        assert_eq!(normalise_code(Municipality, "1420.0"), Some("1420"));
        assert_eq!(normalise_code(Municipality, "4000"), None);
        assert_eq!(normalise_code(Municipality, "0"), None);
    }

    #[test]
    fn names_and_homonyms() {
        assert_eq!(department_by_name("EL QUICHÉ"), Some("14"));
        assert_eq!(department_by_name("peten"), Some("17"));
        assert_eq!(municipality_by_name("Petapa", None), NameMatch::One("0117"));
        assert!(matches!(
            municipality_by_name("San José", None),
            NameMatch::Ambiguous(_)
        ));
        assert_eq!(
            municipality_by_name("San José", Some("Petén")),
            NameMatch::One("1702")
        );
        assert_eq!(
            municipality_by_name("SAN JOSE", Some("5")),
            NameMatch::One("0509")
        );
        assert_eq!(
            municipality_by_name("San José (Petén)", None),
            NameMatch::One("1702")
        );
        assert_eq!(
            municipality_by_name("San José", Some("01")),
            NameMatch::None
        );
        assert_eq!(
            normalise(Level::Municipality, Kind::Name, "Santa Bárbara", Some("10")),
            Some("1015")
        );
        assert_eq!(
            normalise(Level::Municipality, Kind::Name, "Santa Bárbara", None),
            None
        );
    }

    #[test]
    fn column_names() {
        let h = hint_from_column_name("cod_dep");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Department), Some(Kind::Code))
        );
        let h = hint_from_column_name("Cod. Departamento");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Department), Some(Kind::Code))
        );
        let h = hint_from_column_name("id_municipal");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Municipality), Some(Kind::Code))
        );
        let h = hint_from_column_name("codigo_municipio");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Municipality), Some(Kind::Code))
        );
        let h = hint_from_column_name("CODMUN");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Municipality), Some(Kind::Code))
        );
        let h = hint_from_column_name("admin2Pcode");
        assert_eq!(
            (h.level, h.kind),
            (Some(Level::Municipality), Some(Kind::Code))
        );
        let h = hint_from_column_name("Departamento");
        assert_eq!((h.level, h.kind), (Some(Level::Department), None));
        let h = hint_from_column_name("muni");
        assert_eq!(h.level, Some(Level::Municipality));
        assert_eq!(hint_from_column_name("poblacion"), NameHint::default());
        assert_eq!(hint_from_column_name("deportes").level, None);
    }

    #[test]
    fn recognises_columns() {
        let deps: Vec<String> = (1..=22).map(|n| n.to_string()).collect();
        let c = recognise("cod_dep", &deps).map(|c| (c.level, c.kind));
        assert_eq!(c, Some((Level::Department, Kind::Code)));
        // The same numbers under a name that says nothing are not codes.
        assert_eq!(recognise("cantidad", &deps), None);
        let munis: Vec<&str> = Level::Municipality.codes().collect();
        let c = recognise("x", &munis).map(|c| (c.level, c.kind));
        assert_eq!(c, Some((Level::Municipality, Kind::Code)));
        let years: Vec<String> = (2001..=2011).map(|n| n.to_string()).collect();
        assert_eq!(recognise("periodo", &years), None);
        let names = ["Petén", "QUICHE", "Alta Verapaz", "Guatemala", "Jutiapa"];
        let c = recognise("lugar", &names).map(|c| (c.level, c.kind));
        assert_eq!(c, Some((Level::Department, Kind::Name)));
        let names = ["Mixco", "Petapa", "San José", "Cobán", "Chichicastenango"];
        let c = recognise("Municipio ", &names).map(|c| (c.level, c.kind));
        assert_eq!(c, Some((Level::Municipality, Kind::Name)));
        let c = recognise("lugar", &names).map(|c| (c.level, c.kind));
        assert_eq!(c, Some((Level::Municipality, Kind::Name)));
    }
}
