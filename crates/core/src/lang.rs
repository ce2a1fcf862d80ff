//! The portal's languages and text that exists once per language.

use serde::{Deserialize, Serialize};

/// A language of the portal's interface and content. Spanish is the default.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Es,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Es, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, as shown in a language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Es => "Español",
            Lang::En => "English",
        }
    }
}

/// A text written once per language. Spanish is required; English falls back to Spanish
/// when the publisher has not translated it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub es: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    pub fn new(es: impl Into<String>, en: impl Into<String>) -> Self {
        let en = en.into();
        Localized {
            es: es.into(),
            en: (!en.is_empty()).then_some(en),
        }
    }

    pub fn es(es: impl Into<String>) -> Self {
        Localized {
            es: es.into(),
            en: None,
        }
    }

    /// The text in `lang`, or the Spanish text when there is no translation.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Es => &self.es,
            Lang::En => self
                .en
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(&self.es),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_spanish() {
        let t = Localized::new("Pobreza", "");
        assert_eq!(t.get(Lang::En), "Pobreza");
        let t = Localized::new("Pobreza", "Poverty");
        assert_eq!(t.get(Lang::En), "Poverty");
        assert_eq!(t.get(Lang::Es), "Pobreza");
    }

    #[test]
    fn parses_codes() {
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
