//! The publishers and categories: the ministries, institutes and municipalities that
//! publish most of Guatemala's open data, and the themes they publish about.

use anyhow::Result;
use ceiba_core::{Category, Localized, Organization};
use uuid::Uuid;

use crate::ids;

/// `(name, Spanish title, English title, acronym, municipality code for municipalities)`.
#[rustfmt::skip]
pub(super) const ORGANIZATIONS: &[(&str, &str, &str, &str, &str)] = &[
    ("segeplan", "Secretaría de Planificación y Programación de la Presidencia", "Secretariat of Planning and Programming of the Presidency", "SEGEPLAN", ""),
    ("ine", "Instituto Nacional de Estadística", "National Institute of Statistics", "INE", ""),
    ("minfin", "Ministerio de Finanzas Públicas", "Ministry of Public Finance", "MINFIN", ""),
    ("mspas", "Ministerio de Salud Pública y Asistencia Social", "Ministry of Public Health and Social Assistance", "MSPAS", ""),
    ("mineduc", "Ministerio de Educación", "Ministry of Education", "MINEDUC", ""),
    ("maga", "Ministerio de Agricultura, Ganadería y Alimentación", "Ministry of Agriculture, Livestock and Food", "MAGA", ""),
    ("mides", "Ministerio de Desarrollo Social", "Ministry of Social Development", "MIDES", ""),
    ("micivi", "Ministerio de Comunicaciones, Infraestructura y Vivienda", "Ministry of Communications, Infrastructure and Housing", "CIV", ""),
    ("marn", "Ministerio de Ambiente y Recursos Naturales", "Ministry of Environment and Natural Resources", "MARN", ""),
    ("mingob", "Ministerio de Gobernación", "Ministry of the Interior", "MINGOB", ""),
    ("mintrab", "Ministerio de Trabajo y Previsión Social", "Ministry of Labour and Social Security", "MINTRAB", ""),
    ("mem", "Ministerio de Energía y Minas", "Ministry of Energy and Mines", "MEM", ""),
    ("conred", "Coordinadora Nacional para la Reducción de Desastres", "National Coordinator for Disaster Reduction", "CONRED", ""),
    ("sesan", "Secretaría de Seguridad Alimentaria y Nutricional", "Secretariat of Food and Nutrition Security", "SESAN", ""),
    ("sat", "Superintendencia de Administración Tributaria", "Tax Administration Superintendency", "SAT", ""),
    ("banguat", "Banco de Guatemala", "Bank of Guatemala", "BANGUAT", ""),
    ("cgc", "Contraloría General de Cuentas", "Comptroller General's Office", "CGC", ""),
    ("renap", "Registro Nacional de las Personas", "National Registry of Persons", "RENAP", ""),
    ("insivumeh", "Instituto Nacional de Sismología, Vulcanología, Meteorología e Hidrología", "National Institute of Seismology, Volcanology, Meteorology and Hydrology", "INSIVUMEH", ""),
    ("inab", "Instituto Nacional de Bosques", "National Forest Institute", "INAB", ""),
    ("infom", "Instituto de Fomento Municipal", "Municipal Development Institute", "INFOM", ""),
    ("muni-guatemala", "Municipalidad de Guatemala", "Municipality of Guatemala City", "MUNI-GUATE", "0101"),
    ("muni-mixco", "Municipalidad de Mixco", "Municipality of Mixco", "MUNI-MIXCO", "0108"),
    ("muni-villa-nueva", "Municipalidad de Villa Nueva", "Municipality of Villa Nueva", "MUNI-VN", "0115"),
    ("muni-quetzaltenango", "Municipalidad de Quetzaltenango", "Municipality of Quetzaltenango", "MUNI-XELA", "0901"),
    ("muni-huehuetenango", "Municipalidad de Huehuetenango", "Municipality of Huehuetenango", "MUNI-HUEHUE", "1301"),
    ("muni-coban", "Municipalidad de Cobán", "Municipality of Cobán", "MUNI-COBAN", "1601"),
];

/// `(name, Spanish title, English title, icon)`.
#[rustfmt::skip]
const CATEGORIES: &[(&str, &str, &str, &str)] = &[
    ("poblacion", "Población y demografía", "Population and demography", "people"),
    ("pobreza", "Pobreza y desarrollo social", "Poverty and social development", "people"),
    ("finanzas-publicas", "Economía y finanzas públicas", "Economy and public finance", "coins"),
    ("inversion-publica", "Inversión pública", "Public investment", "coins"),
    ("cooperacion-internacional", "Cooperación internacional", "International cooperation", "handshake"),
    ("salud", "Salud", "Health", "people"),
    ("educacion", "Educación", "Education", "people"),
    ("agricultura", "Agricultura y seguridad alimentaria", "Agriculture and food security", "map"),
    ("ambiente", "Ambiente y recursos naturales", "Environment and natural resources", "map"),
    ("gobierno", "Gobierno y gestión municipal", "Government and municipal management", "map"),
    ("infraestructura", "Infraestructura y servicios", "Infrastructure and services", "map"),
    ("seguridad", "Seguridad y justicia", "Security and justice", "map"),
];

/// Ids are UUID v5 of the name in the URL namespace (not the demo's namespace), so a
/// publisher keeps its id across benchmark catalogs.
pub(super) fn organizations() -> Result<Vec<Organization>> {
    ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(i, (name, es, en, acronym, _))| {
            Ok(Organization {
                id: Uuid::new_v5(
                    &Uuid::NAMESPACE_URL,
                    format!("ceiba-bench/org/{name}").as_bytes(),
                ),
                name: (*name).to_owned(),
                title: Localized::new(*es, *en),
                description: Localized::new(
                    format!("Datos abiertos publicados por {es} ({acronym})."),
                    format!("Open data published by the {en} ({acronym})."),
                ),
                image_url: None,
                email: Some(format!("datos@{name}.example")),
                website: None,
                created: ids::time(2015, 1, 1 + i as u32, 12, 0)?,
            })
        })
        .collect()
}

pub(super) fn categories() -> Result<Vec<Category>> {
    CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, (name, es, en, icon))| {
            Ok(Category {
                id: Uuid::new_v5(
                    &Uuid::NAMESPACE_URL,
                    format!("ceiba-bench/cat/{name}").as_bytes(),
                ),
                name: (*name).to_owned(),
                title: Localized::new(*es, *en),
                description: Localized::new(
                    format!("Conjuntos de datos sobre {}.", es.to_lowercase()),
                    format!("Datasets about {}.", en.to_lowercase()),
                ),
                icon: Some((*icon).to_owned()),
                created: ids::time(2015, 2, 1 + i as u32, 12, 0)?,
            })
        })
        .collect()
}
