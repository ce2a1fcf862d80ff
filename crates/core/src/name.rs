//! URL names (slugs) of datasets, organizations, categories and accounts, by CKAN's rules,
//! and how a name-or-id from a URL or an API parameter is looked up.
//!
//! Names and ids are two namespaces: a name can never have an id's shape, so text that
//! parses as a UUID is looked up as an id only and anything else as a name only. Without
//! this, a dataset named with another dataset's UUID would take over its id.

use uuid::Uuid;

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must be at least 2 characters long")]
    TooShort,
    #[error("must be at most 100 characters long")]
    TooLong,
    #[error("may contain only lowercase letters a–z, digits 0–9, '-' and '_' (found {0:?})")]
    BadCharacter(char),
    #[error("must not have the shape of an id (a UUID)")]
    LooksLikeId,
    #[error("is a word the portal's addresses use ({0:?})")]
    Reserved(&'static str),
}

impl NameError {
    /// Why, in the visitor's language.
    pub fn message(&self, lang: crate::Lang) -> String {
        match (self, lang) {
            (NameError::TooShort, crate::Lang::Es) => "Debe tener al menos 2 caracteres.".into(),
            (NameError::TooLong, crate::Lang::Es) => "Debe tener como máximo 100 caracteres.".into(),
            (NameError::BadCharacter(c), crate::Lang::Es) => format!(
                "Solo puede llevar letras minúsculas sin tilde (a–z), cifras, «-» y «_» (tiene «{c}»)."
            ),
            (NameError::LooksLikeId, crate::Lang::Es) => {
                "No puede tener la forma de un identificador (UUID).".into()
            }
            (NameError::Reserved(w), crate::Lang::Es) => {
                format!("«{w}» es una palabra reservada de las direcciones del portal.")
            }
            (e, crate::Lang::En) => {
                let s = e.to_string();
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        }
    }
}

/// Words the portal's own addresses use after `/dataset/`, `/organization/`, `/group/`
/// and `/user/`: a record with one of these names could not be reached.
pub const RESERVED_NAMES: &[&str] = &[
    "new", "edit", "delete", "activity", "members", "history", "changes", "trash", "login",
    "logout", "register", "reset", "me",
];

/// A URL name proposed from a title: lowercase ASCII letters and digits joined by `-`
/// (accents dropped, `ñ` → `n`), at most 80 characters. May still be refused by
/// [`validate_name`] (too short, reserved).
pub fn name_from_title(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = crate::text::fold_char(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.chars().take(80).collect();
    out.trim_end_matches('-').to_owned()
}

/// What a name-or-id refers to: an id when the text is a UUID, else a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Id(Uuid),
    Name(&'a str),
}

impl<'a> Lookup<'a> {
    /// Reads `text` as CKAN's `id` parameters and addresses are read: by id or by name,
    /// never both.
    pub fn parse(text: &'a str) -> Self {
        match Uuid::try_parse(text) {
            Ok(id) => Lookup::Id(id),
            Err(_) => Lookup::Name(text),
        }
    }

    /// The column to compare (`id` or `name`) and the value to bind, for SQL lookups.
    pub fn column_and_value(&self) -> (&'static str, String) {
        match self {
            Lookup::Id(id) => ("id", id.to_string()),
            Lookup::Name(name) => ("name", (*name).to_owned()),
        }
    }
}

/// CKAN's rule: 2–100 characters, lowercase ASCII letters, digits, `-` and `_`.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(NameError::BadCharacter(c));
    }
    if Uuid::try_parse(name).is_ok() {
        return Err(NameError::LooksLikeId);
    }
    if let Some(w) = RESERVED_NAMES.iter().find(|w| **w == name) {
        return Err(NameError::Reserved(w));
    }
    match name.len() {
        0..=1 => Err(NameError::TooShort),
        2..=100 => Ok(()),
        _ => Err(NameError::TooLong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_proposed_from_titles() {
        assert_eq!(
            name_from_title("Necesidades básicas insatisfechas (NBI) — Petén, 2018"),
            "necesidades-basicas-insatisfechas-nbi-peten-2018"
        );
        assert_eq!(name_from_title("  ÑANDÚ  "), "nandu");
        assert_eq!(name_from_title("¡¿!"), "");
        assert!(name_from_title(&"palabra ".repeat(40)).len() <= 80);
        assert!(!name_from_title(&"palabra ".repeat(40)).ends_with('-'));
        assert_eq!(validate_name("new"), Err(NameError::Reserved("new")));
        assert!(validate_name("new-data").is_ok());
        assert_eq!(
            NameError::TooShort.message(crate::Lang::En),
            "Must be at least 2 characters long"
        );
    }

    #[test]
    fn ckan_rules() {
        assert!(validate_name("ranking-municipal_2018").is_ok());
        assert_eq!(validate_name("a"), Err(NameError::TooShort));
        assert_eq!(validate_name(&"a".repeat(101)), Err(NameError::TooLong));
        assert!(validate_name(&"a".repeat(100)).is_ok());
        assert_eq!(validate_name("Pobreza"), Err(NameError::BadCharacter('P')));
        assert_eq!(
            validate_name("población"),
            Err(NameError::BadCharacter('ó'))
        );
        assert_eq!(validate_name("a b"), Err(NameError::BadCharacter(' ')));
    }

    #[test]
    fn names_never_have_the_shape_of_an_id() {
        let id = "0b6f5a3e-4a6b-4c0e-9d3a-1f2e3d4c5b6a";
        assert_eq!(validate_name(id), Err(NameError::LooksLikeId));
        assert_eq!(
            validate_name(&id.replace('-', "")),
            Err(NameError::LooksLikeId)
        );
        // Near misses are names.
        assert!(validate_name("0b6f5a3e-4a6b-4c0e-9d3a-1f2e3d4c5b6").is_ok());
        assert_eq!(Lookup::parse(id), Lookup::Id(Uuid::parse_str(id).unwrap()));
        assert_eq!(
            Lookup::parse("nbi-municipal"),
            Lookup::Name("nbi-municipal")
        );
        assert_eq!(
            Lookup::parse(&id.to_uppercase()).column_and_value(),
            ("id", id.to_owned())
        );
    }
}
