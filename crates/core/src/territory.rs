//! Guatemala's territories by INE code, and the normalisation of the ways sources write
//! them (`0101`, `101`, `GT0101`).

pub use crate::territory_data::{DEPARTMENTS, MUNICIPALITIES};

/// A territory a dataset covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Territory {
    Country,
    Department(&'static str, &'static str),
    Municipality(&'static str, &'static str),
}

/// Normalises a department code: `1`, `01`, `GT01` → `01`.
pub fn department_code(raw: &str) -> Option<&'static str> {
    let digits = strip_pcode(raw)?;
    let n: u32 = digits.parse().ok()?;
    DEPARTMENTS
        .iter()
        .find(|(code, _)| code.parse::<u32>().ok() == Some(n))
        .map(|(code, _)| *code)
}

/// Normalises a municipality code: `101`, `0101`, `GT0101` → `0101`.
pub fn municipality_code(raw: &str) -> Option<&'static str> {
    let digits = strip_pcode(raw)?;
    if digits.len() > 4 {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    MUNICIPALITIES
        .iter()
        .find(|(code, _)| code.parse::<u32>().ok() == Some(n))
        .map(|(code, _)| *code)
}

pub fn department_name(code: &str) -> Option<&'static str> {
    let code = department_code(code)?;
    DEPARTMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

pub fn municipality_name(code: &str) -> Option<&'static str> {
    let code = municipality_code(code)?;
    MUNICIPALITIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// The municipalities of one department, in code order.
pub fn municipalities_of(department: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    let dep = department_code(department).unwrap_or("");
    MUNICIPALITIES
        .iter()
        .copied()
        .filter(move |(code, _)| !dep.is_empty() && code.starts_with(dep))
}

/// Resolves a spatial-coverage code: `GT` is the country, two digits a department, four a
/// municipality.
pub fn resolve(code: &str) -> Option<Territory> {
    let code = code.trim();
    if code.eq_ignore_ascii_case("GT") || code.eq_ignore_ascii_case("GTM") {
        return Some(Territory::Country);
    }
    let digits = strip_pcode(code)?;
    if digits.len() <= 2 {
        let c = department_code(digits)?;
        Some(Territory::Department(c, department_name(c)?))
    } else {
        let c = municipality_code(digits)?;
        Some(Territory::Municipality(c, municipality_name(c)?))
    }
}

/// The canonical spelling of a coverage code: `GT`, `01`, `0101`.
pub fn canonical_code(code: &str) -> Option<&'static str> {
    Some(match resolve(code)? {
        Territory::Country => "GT",
        Territory::Department(c, _) | Territory::Municipality(c, _) => c,
    })
}

fn strip_pcode(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let digits = raw
        .strip_prefix("GT")
        .or_else(|| raw.strip_prefix("gt"))
        .unwrap_or(raw);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(DEPARTMENTS.len(), 22);
        assert_eq!(MUNICIPALITIES.len(), 340);
    }

    #[test]
    fn normalises_the_three_spellings() {
        assert_eq!(municipality_code("101"), Some("0101"));
        assert_eq!(municipality_code("0101"), Some("0101"));
        assert_eq!(municipality_code("GT0101"), Some("0101"));
        assert_eq!(municipality_code("2217"), Some("2217"));
        assert_eq!(municipality_code("2218"), None);
        assert_eq!(department_code("1"), Some("01"));
        assert_eq!(department_code("GT22"), Some("22"));
        assert_eq!(department_code("23"), None);
        assert_eq!(department_name("13"), Some("Huehuetenango"));
    }

    #[test]
    fn resolves_coverage_codes() {
        assert_eq!(resolve("GT"), Some(Territory::Country));
        assert_eq!(
            resolve("16"),
            Some(Territory::Department("16", "Alta Verapaz"))
        );
        assert!(matches!(
            resolve("1301"),
            Some(Territory::Municipality("1301", _))
        ));
        assert_eq!(resolve("x"), None);
        assert_eq!(municipalities_of("18").count(), 5);
    }
}
