//! The demo's publishers and categories.

use anyhow::Result;
use ceiba_core::{Category, Localized, Organization};

use crate::ids;

struct Org {
    name: &'static str,
    title: (&'static str, &'static str),
    description: (&'static str, &'static str),
    website: &'static str,
}

const ORGANIZATIONS: [Org; 4] = [
    Org {
        name: "segeplan",
        title: (
            "Secretaría de Planificación y Programación de la Presidencia",
            "Secretariat of Planning and Programming of the Presidency",
        ),
        description: (
            "Órgano de planificación del Estado de Guatemala. Coordina el Sistema Nacional de \
             Planificación, el Sistema Nacional de Inversión Pública y la cooperación \
             internacional no reembolsable.",
            "Guatemala's state planning body. It coordinates the National Planning System, \
             the National Public Investment System and non-reimbursable international \
             cooperation.",
        ),
        website: "https://www.segeplan.gob.gt",
    },
    Org {
        name: "ine",
        title: (
            "Instituto Nacional de Estadística",
            "National Institute of Statistics",
        ),
        description: (
            "Ente rector de la estadística oficial de Guatemala: censos de población y \
             vivienda, encuestas de hogares y estadísticas continuas.",
            "The authority for Guatemala's official statistics: population and housing \
             censuses, household surveys and continuous statistics.",
        ),
        website: "https://www.ine.gob.gt",
    },
    Org {
        name: "minfin",
        title: (
            "Ministerio de Finanzas Públicas",
            "Ministry of Public Finance",
        ),
        description: (
            "Formula la política fiscal y administra el presupuesto del Estado, incluida la \
             información financiera de los gobiernos locales.",
            "Sets fiscal policy and manages the state budget, including the financial \
             information of local governments.",
        ),
        website: "https://www.minfin.gob.gt",
    },
    Org {
        name: "mspas",
        title: (
            "Ministerio de Salud Pública y Asistencia Social",
            "Ministry of Public Health and Social Assistance",
        ),
        description: (
            "Rector del sector salud. Publica la vigilancia epidemiológica semanal, entre \
             ella la de desnutrición aguda en menores de cinco años.",
            "Leads the health sector. It publishes weekly epidemiological surveillance, \
             including acute malnutrition in children under five.",
        ),
        website: "https://www.mspas.gob.gt",
    },
];

struct Cat {
    name: &'static str,
    title: (&'static str, &'static str),
    description: (&'static str, &'static str),
    icon: &'static str,
}

const CATEGORIES: [Cat; 4] = [
    Cat {
        name: "desarrollo-territorial",
        title: ("Desarrollo territorial", "Territorial development"),
        description: (
            "Datos sobre municipios y departamentos para planificar el desarrollo del territorio.",
            "Data on municipalities and departments for planning territorial development.",
        ),
        icon: "map",
    },
    Cat {
        name: "inversion-publica",
        title: ("Inversión pública", "Public investment"),
        description: (
            "Proyectos, presupuestos y ejecución de la inversión del Estado y los municipios.",
            "Projects, budgets and execution of state and municipal investment.",
        ),
        icon: "coins",
    },
    Cat {
        name: "cooperacion-internacional",
        title: ("Cooperación internacional", "International cooperation"),
        description: (
            "Recursos que los cooperantes aportan a Guatemala y en qué se invierten.",
            "Resources that donors provide to Guatemala and what they are spent on.",
        ),
        icon: "handshake",
    },
    Cat {
        name: "pobreza",
        title: ("Pobreza", "Poverty"),
        description: (
            "Indicadores de pobreza, necesidades básicas y nutrición de la población.",
            "Indicators of poverty, basic needs and nutrition of the population.",
        ),
        icon: "people",
    },
];

pub fn organizations() -> Result<Vec<Organization>> {
    ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(n, o)| {
            Ok(Organization {
                id: ids::organization(o.name),
                name: o.name.to_owned(),
                title: Localized::new(o.title.0, o.title.1),
                description: Localized::new(o.description.0, o.description.1),
                image_url: None,
                // A reserved `.example` domain: a demo must not send visitors' mail to a
                // real agency mailbox.
                email: Some(format!("datos@{}.example", o.name)),
                website: Some(o.website.to_owned()),
                created: ids::time(2024, 1, 8, 15, 10 * n as u32)?,
            })
        })
        .collect()
}

pub fn categories() -> Result<Vec<Category>> {
    CATEGORIES
        .iter()
        .enumerate()
        .map(|(n, c)| {
            Ok(Category {
                id: ids::category(c.name),
                name: c.name.to_owned(),
                title: Localized::new(c.title.0, c.title.1),
                description: Localized::new(c.description.0, c.description.1),
                icon: Some(c.icon.to_owned()),
                created: ids::time(2024, 1, 9, 16, 5 * n as u32)?,
            })
        })
        .collect()
}
