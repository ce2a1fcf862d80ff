//! The places a profile is about, by code or by name.

use ceiba_core::lang::Lang;
use ceiba_core::territory::{self, DEPARTMENTS, MUNICIPALITIES};
use ceiba_viz::territory::{fold_name, normalise_code, Level};

/// The country, a department or a municipality (INE codes: `13`, `1301`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Country,
    Department(&'static str),
    Municipality(&'static str),
}

/// The country's address segment (`/territorio/gt`).
const COUNTRY: &str = "gt";
/// Longest place query looked at (a name and its department fit well within).
const MAX_QUERY: usize = 120;

impl Place {
    /// A place from its code in any spelling: `gt` (the country), `13`, `GT13` (a
    /// department), `1301`, `301`, `GT1301` (a municipality).
    pub fn from_code(raw: &str) -> Option<Place> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case(COUNTRY) {
            return Some(Place::Country);
        }
        let digits = raw
            .strip_prefix("GT")
            .or_else(|| raw.strip_prefix("gt"))
            .unwrap_or(raw);
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
            return None;
        }
        if digits.len() <= 2 {
            normalise_code(Level::Department, digits).map(Place::Department)
        } else {
            normalise_code(Level::Municipality, digits).map(Place::Municipality)
        }
    }

    /// The code in addresses: `gt`, `13`, `1301`.
    pub fn code(self) -> &'static str {
        match self {
            Place::Country => COUNTRY,
            Place::Department(c) | Place::Municipality(c) => c,
        }
    }

    /// The code its figures are stored under (`""` for the country).
    pub(crate) fn figure_code(self) -> &'static str {
        match self {
            Place::Country => "",
            Place::Department(c) | Place::Municipality(c) => c,
        }
    }

    pub fn level(self) -> Option<Level> {
        match self {
            Place::Country => None,
            Place::Department(_) => Some(Level::Department),
            Place::Municipality(_) => Some(Level::Municipality),
        }
    }

    /// Its name: `Guatemala` (the country), `Huehuetenango`.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Place::Country => match lang {
                Lang::Es => "Guatemala (país)",
                Lang::En => "Guatemala (country)",
            },
            Place::Department(c) => territory::department_name(c).unwrap_or(c),
            Place::Municipality(c) => territory::municipality_name(c).unwrap_or(c),
        }
    }

    /// What it is: "Municipio de Huehuetenango", "Departamento de Huehuetenango".
    pub fn kind(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Place::Country, Lang::Es) => "País",
            (Place::Country, Lang::En) => "Country",
            (Place::Department(_), Lang::Es) => "Departamento",
            (Place::Department(_), Lang::En) => "Department",
            (Place::Municipality(_), Lang::Es) => "Municipio",
            (Place::Municipality(_), Lang::En) => "Municipality",
        }
    }

    /// The place it belongs to: a municipality's department, a department's country.
    pub fn parent(self) -> Option<Place> {
        match self {
            Place::Country => None,
            Place::Department(_) => Some(Place::Country),
            Place::Municipality(c) => c
                .get(..2)
                .and_then(|d| normalise_code(Level::Department, d))
                .map(Place::Department),
        }
    }

    /// The places it holds: a department's municipalities, the country's departments.
    pub fn children(self) -> Vec<Place> {
        match self {
            Place::Country => DEPARTMENTS
                .iter()
                .map(|(c, _)| Place::Department(c))
                .collect(),
            Place::Department(d) => territory::municipalities_of(d)
                .map(|(c, _)| Place::Municipality(c))
                .collect(),
            Place::Municipality(_) => Vec::new(),
        }
    }

    /// The name as lists show it, where a department and its capital share a name:
    /// `San José (Petén)`, `Departamento de Petén`.
    pub fn full_name(self, lang: Lang) -> String {
        match (self, self.parent(), lang) {
            (Place::Municipality(_), Some(parent), _) => {
                format!("{} ({})", self.name(lang), parent.name(lang))
            }
            (Place::Department(_), _, Lang::Es) => format!("Departamento de {}", self.name(lang)),
            (Place::Department(_), _, Lang::En) => format!("{} Department", self.name(lang)),
            _ => self.name(lang).to_owned(),
        }
    }
}

/// What a name search found.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceSearch {
    /// One place: go there.
    One(Place),
    /// Several places share the name (most often municipalities): the person chooses.
    Several(Vec<Place>),
    /// Nothing: the closest names, for "¿Quiso decir…?".
    None(Vec<Place>),
}

/// Every place with its folded name, departments first (folded once, not at each search).
fn all_places() -> impl Iterator<Item = (Place, &'static str)> {
    static FOLDED: std::sync::LazyLock<Vec<(Place, String)>> = std::sync::LazyLock::new(|| {
        DEPARTMENTS
            .iter()
            .map(|(c, n)| (Place::Department(c), fold_name(n)))
            .chain(
                MUNICIPALITIES
                    .iter()
                    .map(|(c, n)| (Place::Municipality(c), fold_name(n))),
            )
            .collect()
    });
    FOLDED.iter().map(|(p, n)| (*p, n.as_str()))
}

/// Finds places by code or name. A name may carry its department after a comma or a
/// space (`San Pedro, San Marcos`; `Santa Cruz Verapaz`), which tells homonyms apart.
/// Accents, case and "Municipio de" are ignored.
pub fn find_places(query: &str) -> PlaceSearch {
    let query: String = query.chars().take(MAX_QUERY).collect();
    if let Some(place) = Place::from_code(&query) {
        return PlaceSearch::One(place);
    }
    let folded = fold_name(&query);
    if folded.is_empty() {
        return PlaceSearch::None(Vec::new());
    }
    if matches!(
        folded.as_str(),
        "guatemala pais" | "pais" | "republica" | "country"
    ) {
        return PlaceSearch::One(Place::Country);
    }
    let exact: Vec<Place> = all_places()
        .filter(|(_, n)| *n == folded)
        .map(|(p, _)| p)
        .collect();
    if !exact.is_empty() {
        return one_or_several(exact);
    }
    // "San Pedro, San Marcos" / "San Pedro San Marcos": a municipality, then its department.
    let folded_name = |place: Place| {
        all_places()
            .find(|(p, _)| *p == place)
            .map_or("", |(_, n)| n)
    };
    let with_department: Vec<Place> = all_places()
        .filter(|(p, n)| {
            matches!(p, Place::Municipality(_))
                && folded.strip_prefix(n).is_some_and(|rest| {
                    let rest = rest.trim();
                    !rest.is_empty() && p.parent().is_some_and(|d| folded_name(d) == rest)
                })
        })
        .map(|(p, _)| p)
        .collect();
    if !with_department.is_empty() {
        return one_or_several(with_department);
    }
    // A beginning of a name, when it is a whole word or more ("huehue" is not).
    let starting: Vec<Place> = all_places()
        .filter(|(_, n)| n.starts_with(&folded) && folded.len() >= 4)
        .map(|(p, _)| p)
        .collect();
    if !starting.is_empty() && starting.len() <= 12 {
        return PlaceSearch::Several(starting);
    }
    PlaceSearch::None(suggest_places(&query, 6))
}

fn one_or_several(mut places: Vec<Place>) -> PlaceSearch {
    // A department and its capital share a name: both are offered, the department first.
    if places.len() == 1 {
        PlaceSearch::One(places.remove(0))
    } else {
        PlaceSearch::Several(places)
    }
}

/// The `n` places whose names are closest to `query` (edit distance on folded names;
/// a name that starts with the query comes first).
pub fn suggest_places(query: &str, n: usize) -> Vec<Place> {
    let query: String = query.chars().take(MAX_QUERY).collect();
    let folded = fold_name(&query);
    if folded.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, Place)> = all_places()
        .map(|(p, name)| {
            let prefix = name.starts_with(&folded) || folded.starts_with(name);
            let d = strsim::levenshtein(&folded, name);
            (if prefix { d / 4 } else { d }, p)
        })
        .collect();
    scored.sort_by_key(|(d, p)| (*d, p.code()));
    let limit = folded.chars().count().max(4) / 2 + 2;
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(n)
        .map(|(_, p)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_by_code_in_any_spelling() {
        assert_eq!(Place::from_code("gt"), Some(Place::Country));
        assert_eq!(Place::from_code("13"), Some(Place::Department("13")));
        assert_eq!(Place::from_code("GT13"), Some(Place::Department("13")));
        assert_eq!(Place::from_code("1301"), Some(Place::Municipality("1301")));
        assert_eq!(Place::from_code("101"), Some(Place::Municipality("0101")));
        assert_eq!(
            Place::from_code("GT0101"),
            Some(Place::Municipality("0101"))
        );
        assert_eq!(Place::from_code("99"), None);
        assert_eq!(Place::from_code("9999"), None);
        assert_eq!(Place::from_code("13; DROP"), None);
        assert_eq!(
            Place::Municipality("1301").parent(),
            Some(Place::Department("13"))
        );
        assert_eq!(Place::Department("13").children().len(), 33);
    }

    #[test]
    fn places_by_name_with_or_without_accents() {
        assert_eq!(
            find_places("Cobán"),
            PlaceSearch::One(Place::Municipality("1601"))
        );
        assert_eq!(
            find_places("coban"),
            PlaceSearch::One(Place::Municipality("1601"))
        );
        // A department and its capital share a name: both, the department first.
        assert_eq!(
            find_places("huehuetenango"),
            PlaceSearch::Several(vec![Place::Department("13"), Place::Municipality("1301")])
        );
        // Homonyms, told apart by their department.
        let PlaceSearch::Several(many) = find_places("San Pedro Sacatepéquez") else {
            panic!("two municipalities share the name");
        };
        assert_eq!(many.len(), 2);
        assert_eq!(
            find_places("San Pedro Sacatepéquez, San Marcos"),
            PlaceSearch::One(Place::Municipality("1202"))
        );
        // Misspelt: the closest names.
        let PlaceSearch::None(close) = find_places("Huehuetenanggo") else {
            panic!("no exact match");
        };
        assert!(close.contains(&Place::Department("13")), "{close:?}");
        assert_eq!(find_places(""), PlaceSearch::None(Vec::new()));
        let PlaceSearch::None(none) = find_places(&"x".repeat(10_000)) else {
            panic!("nothing matches");
        };
        assert!(none.is_empty());
    }
}
