//! The licence register: CKAN's fifteen default licences plus CC-BY-4.0 and CC0-1.0.

use crate::{Lang, Localized};

/// A licence a dataset can carry. `id` is CKAN's `license_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub id: &'static str,
    pub title_es: &'static str,
    pub title_en: &'static str,
    pub url: &'static str,
    /// Whether the licence meets the Open Definition (CKAN's `isopen`).
    pub open: bool,
}

impl Licence {
    pub fn title(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Es => self.title_es,
            Lang::En => self.title_en,
        }
    }

    pub fn localized_title(&self) -> Localized {
        Localized::new(self.title_es, self.title_en)
    }

    /// Looks a licence up by its id, ignoring case (CKAN ids are lowercase, SPDX ones not).
    pub fn find(id: &str) -> Option<&'static Licence> {
        LICENCES.iter().find(|l| l.id.eq_ignore_ascii_case(id))
    }
}

const fn lic(
    id: &'static str,
    title_es: &'static str,
    title_en: &'static str,
    url: &'static str,
    open: bool,
) -> Licence {
    Licence {
        id,
        title_es,
        title_en,
        url,
        open,
    }
}

/// Every licence the portal knows, in the order CKAN lists them.
pub static LICENCES: &[Licence] = &[
    lic(
        "notspecified",
        "Licencia no especificada",
        "License not specified",
        "",
        false,
    ),
    lic(
        "odc-pddl",
        "Open Data Commons Dedicación y Licencia de Dominio Público (PDDL)",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        "http://www.opendefinition.org/licenses/odc-pddl",
        true,
    ),
    lic(
        "odc-odbl",
        "Open Data Commons Licencia Abierta de Bases de Datos (ODbL)",
        "Open Data Commons Open Database License (ODbL)",
        "http://www.opendefinition.org/licenses/odc-odbl",
        true,
    ),
    lic(
        "odc-by",
        "Open Data Commons Licencia de Atribución",
        "Open Data Commons Attribution License",
        "http://www.opendefinition.org/licenses/odc-by",
        true,
    ),
    lic(
        "cc-zero",
        "Creative Commons CCZero",
        "Creative Commons CCZero",
        "http://www.opendefinition.org/licenses/cc-zero",
        true,
    ),
    lic(
        "cc-by",
        "Creative Commons Atribución",
        "Creative Commons Attribution",
        "http://www.opendefinition.org/licenses/cc-by",
        true,
    ),
    lic(
        "cc-by-sa",
        "Creative Commons Atribución-CompartirIgual",
        "Creative Commons Attribution Share-Alike",
        "http://www.opendefinition.org/licenses/cc-by-sa",
        true,
    ),
    lic(
        "gfdl",
        "Licencia de Documentación Libre de GNU",
        "GNU Free Documentation License",
        "http://www.opendefinition.org/licenses/gfdl",
        true,
    ),
    lic("other-open", "Otra (abierta)", "Other (Open)", "", true),
    lic(
        "other-pd",
        "Otra (dominio público)",
        "Other (Public Domain)",
        "",
        true,
    ),
    lic(
        "other-at",
        "Otra (atribución)",
        "Other (Attribution)",
        "",
        true,
    ),
    lic(
        "uk-ogl",
        "Licencia de Gobierno Abierto del Reino Unido (OGL)",
        "UK Open Government Licence (OGL)",
        "http://reference.data.gov.uk/id/open-government-licence",
        true,
    ),
    lic(
        "cc-nc",
        "Creative Commons No Comercial (cualquiera)",
        "Creative Commons Non-Commercial (Any)",
        "http://creativecommons.org/licenses/by-nc/2.0/",
        false,
    ),
    lic(
        "other-nc",
        "Otra (no comercial)",
        "Other (Non-Commercial)",
        "",
        false,
    ),
    lic(
        "other-closed",
        "Otra (no abierta)",
        "Other (Not Open)",
        "",
        false,
    ),
    lic(
        "CC-BY-4.0",
        "Creative Commons Atribución 4.0 Internacional",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
        true,
    ),
    lic(
        "CC0-1.0",
        "Creative Commons CC0 1.0 Universal (dominio público)",
        "Creative Commons CC0 1.0 Universal (public domain)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        true,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_has_ckan_fifteen_plus_two() {
        assert_eq!(LICENCES.len(), 17);
        let ids: std::collections::HashSet<_> = LICENCES.iter().map(|l| l.id).collect();
        assert_eq!(ids.len(), 17, "ids are unique");
        assert!(Licence::find("cc-by-4.0").is_some_and(|l| l.open));
        assert!(Licence::find("other-closed").is_some_and(|l| !l.open));
        assert!(Licence::find("nope").is_none());
    }
}
