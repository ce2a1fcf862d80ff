//! The search benchmark: a generated catalog of N datasets (10,000 by default) in the
//! store, the index rebuilt from it and caught up after edits, and searches with facets
//! timed in-process.
//!
//! ```text
//! cargo run --release -p ceiba-search --example search_bench -- [--datasets N] [--runs R]
//!     [--data DIR] [--seed S] [--in-place]
//! ```
//!
//! `--data DIR` leaves the catalog where `ceiba serve --data DIR` finds it
//! (`DIR/catalog.db`, `DIR/files/`, the index in `DIR/search`); an existing
//! `DIR/catalog.db` is reused instead of generated. Without it everything goes in a
//! temporary folder.
//!
//! The store writes one transaction per call, and on a disk every commit waits for
//! fsync (several for SQLite's rollback journal); so the catalog is generated in a
//! scratch folder on `/dev/shm` when there is one and the finished file copied into
//! place. `--in-place` generates straight into the target folder instead.
//!
//! Prints one JSON line per measurement. Latencies are microseconds over R searches
//! (default 2,000), after a warm-up, cycling through a mix of queries like the search
//! page's (20 results, 12 values per facet).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ceiba_core::access::Audience;
use ceiba_core::territory::{DEPARTMENTS, MUNICIPALITIES};
use ceiba_core::{
    media_type_for_format, Category, Column, ColumnStats, ColumnType, Contact, Dataset,
    DatasetState, Frequency, IngestedTable, Lang, Localized, Organization, Resource,
    ResourceVersion, Temporal, TopValue, VersionStatus,
};
use ceiba_search::{FacetField, Indexer, SearchIndex, SearchRequest, Sort};
use ceiba_store::Catalog;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

type Error = Box<dyn std::error::Error>;

// The workspace's one seeded generator (SplitMix64) is the demo crate's.
use ceiba_demo::random::Rng;

// ---------------------------------------------------------------------------------------
// The vocabulary: publishers, categories, topics.

/// `(name, Spanish title, English title, acronym, municipality code for municipalities)`.
#[rustfmt::skip]
const ORGANIZATIONS: &[(&str, &str, &str, &str, &str)] = &[
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

const I: ColumnType = ColumnType::Integer;
const D: ColumnType = ColumnType::Decimal;
const T: ColumnType = ColumnType::Text;

/// A measured column: `(name, label, type, unit)`.
type Measure = (&'static str, &'static str, ColumnType, &'static str);

struct Topic {
    es: &'static str,
    en: &'static str,
    /// Category names; the first always applies.
    cats: &'static [&'static str],
    /// Publishers; `muni` stands for any municipality.
    orgs: &'static [&'static str],
    tags: &'static [&'static str],
    /// What it is, one sentence in each language.
    about: (&'static str, &'static str),
    measures: &'static [Measure],
}

#[rustfmt::skip]
const TOPICS: &[Topic] = &[
    Topic {
        es: "Población",
        en: "Population",
        cats: &["poblacion"],
        orgs: &["ine", "ine", "renap", "segeplan"],
        tags: &["población", "censo", "demografía", "habitantes"],
        about: ("Población total por sexo, área urbana y rural y grupos de edad, según el XII Censo Nacional de Población y VII de Vivienda.", "Total population by sex, urban and rural area and age group, from the 12th National Population Census and 7th Housing Census."),
        measures: &[("poblacion_total", "Población total", I, "personas"), ("hombres", "Hombres", I, "personas"), ("mujeres", "Mujeres", I, "personas"), ("poblacion_urbana", "Población urbana", I, "personas"), ("poblacion_rural", "Población rural", I, "personas"), ("densidad", "Densidad (hab/km²)", D, "hab/km²"), ("edad_mediana", "Edad mediana", D, "años")],
    },
    Topic {
        es: "Proyecciones de población",
        en: "Population projections",
        cats: &["poblacion"],
        orgs: &["ine"],
        tags: &["población", "proyecciones", "demografía"],
        about: ("Estimaciones y proyecciones de la población a mitad de año con base en el censo más reciente.", "Mid-year population estimates and projections based on the latest census."),
        measures: &[("poblacion_proyectada", "Población proyectada", I, "personas"), ("tasa_crecimiento", "Tasa de crecimiento (%)", D, "%"), ("hombres", "Hombres", I, "personas"), ("mujeres", "Mujeres", I, "personas")],
    },
    Topic {
        es: "Nacimientos registrados",
        en: "Registered births",
        cats: &["poblacion", "salud"],
        orgs: &["renap", "ine"],
        tags: &["nacimientos", "estadísticas vitales", "registro civil"],
        about: ("Nacimientos inscritos en el Registro Civil por lugar de residencia de la madre.", "Births entered in the civil register by the mother's place of residence."),
        measures: &[("nacimientos", "Nacimientos", I, "nacimientos"), ("tasa_natalidad", "Tasa de natalidad (por mil)", D, "‰"), ("madres_adolescentes", "Madres de 10 a 19 años", I, "personas")],
    },
    Topic {
        es: "Defunciones",
        en: "Deaths",
        cats: &["poblacion", "salud"],
        orgs: &["ine", "renap"],
        tags: &["defunciones", "mortalidad", "estadísticas vitales"],
        about: ("Defunciones registradas por causa, sexo y grupo de edad.", "Registered deaths by cause, sex and age group."),
        measures: &[("defunciones", "Defunciones", I, "personas"), ("tasa_mortalidad", "Tasa de mortalidad (por mil)", D, "‰"), ("causa_principal", "Causa principal", T, "")],
    },
    Topic {
        es: "Necesidades básicas insatisfechas",
        en: "Unmet basic needs",
        cats: &["pobreza", "poblacion"],
        orgs: &["segeplan", "ine"],
        tags: &["NBI", "pobreza", "vivienda", "hacinamiento"],
        about: ("Hogares con al menos una necesidad básica insatisfecha: calidad de la vivienda, hacinamiento, servicios sanitarios, asistencia escolar y precariedad ocupacional.", "Households with at least one unmet basic need: housing quality, overcrowding, sanitation, school attendance and precarious employment."),
        measures: &[("hogares", "Hogares", I, "hogares"), ("hogares_nbi", "Hogares con al menos una NBI", I, "hogares"), ("porcentaje_nbi", "Hogares con NBI (%)", D, "%"), ("hacinamiento", "Hacinamiento (%)", D, "%"), ("calidad_vivienda", "Calidad de la vivienda (%)", D, "%"), ("servicios_sanitarios", "Servicios sanitarios (%)", D, "%"), ("asistencia_escolar", "Asistencia escolar (%)", D, "%")],
    },
    Topic {
        es: "Pobreza general y extrema",
        en: "Overall and extreme poverty",
        cats: &["pobreza"],
        orgs: &["ine", "segeplan"],
        tags: &["pobreza", "pobreza extrema", "ENCOVI", "consumo"],
        about: ("Incidencia de la pobreza general y extrema medida por consumo en la Encuesta Nacional de Condiciones de Vida (ENCOVI).", "Incidence of overall and extreme poverty measured by consumption in the National Living Conditions Survey (ENCOVI)."),
        measures: &[("pobreza_general", "Pobreza general (%)", D, "%"), ("pobreza_extrema", "Pobreza extrema (%)", D, "%"), ("brecha_pobreza", "Brecha de pobreza", D, ""), ("indice_gini", "Índice de Gini", D, "")],
    },
    Topic {
        es: "Beneficiarios de programas sociales",
        en: "Social programme beneficiaries",
        cats: &["pobreza"],
        orgs: &["mides"],
        tags: &["programas sociales", "transferencias", "bono social", "beneficiarios"],
        about: ("Personas y hogares que recibieron transferencias monetarias condicionadas y otros apoyos de los programas sociales.", "People and households that received conditional cash transfers and other support from social programmes."),
        measures: &[("programa", "Programa", T, ""), ("beneficiarios", "Beneficiarios", I, "personas"), ("hogares_atendidos", "Hogares atendidos", I, "hogares"), ("monto_transferido", "Monto transferido (Q)", D, "Q")],
    },
    Topic {
        es: "Proyectos de inversión pública",
        en: "Public investment projects",
        cats: &["inversion-publica"],
        orgs: &["segeplan", "segeplan", "minfin", "micivi"],
        tags: &["inversión pública", "SNIP", "proyectos", "obra pública"],
        about: ("Proyectos registrados en el Sistema Nacional de Inversión Pública (SNIP) con su monto aprobado, vigente y ejecutado.", "Projects registered in the National Public Investment System (SNIP) with their approved, current and executed amounts."),
        measures: &[("snip", "Código SNIP", I, ""), ("nombre_proyecto", "Nombre del proyecto", T, ""), ("entidad", "Entidad ejecutora", T, ""), ("monto_aprobado", "Monto aprobado (Q)", D, "Q"), ("monto_vigente", "Monto vigente (Q)", D, "Q"), ("monto_ejecutado", "Monto ejecutado (Q)", D, "Q"), ("avance_fisico", "Avance físico (%)", D, "%"), ("avance_financiero", "Avance financiero (%)", D, "%")],
    },
    Topic {
        es: "Inversión municipal",
        en: "Municipal investment",
        cats: &["inversion-publica", "gobierno"],
        orgs: &["segeplan", "infom", "muni"],
        tags: &["inversión pública", "municipalidades", "obra municipal"],
        about: ("Inversión de las municipalidades por función y fuente de financiamiento.", "Municipal investment by function and source of funding."),
        measures: &[("funcion", "Función", T, ""), ("fuente_financiamiento", "Fuente de financiamiento", T, ""), ("monto_aprobado", "Monto aprobado (Q)", D, "Q"), ("monto_ejecutado", "Monto ejecutado (Q)", D, "Q"), ("proyectos", "Número de proyectos", I, "proyectos")],
    },
    Topic {
        es: "Red vial",
        en: "Road network",
        cats: &["infraestructura", "inversion-publica"],
        orgs: &["micivi"],
        tags: &["carreteras", "red vial", "infraestructura"],
        about: ("Kilómetros de carreteras por tipo de superficie y estado de conservación.", "Kilometres of road by surface type and condition."),
        measures: &[("km_asfalto", "Kilómetros asfaltados", D, "km"), ("km_terraceria", "Kilómetros de terracería", D, "km"), ("estado", "Estado de conservación", T, ""), ("ruta", "Ruta", T, "")],
    },
    Topic {
        es: "Ejecución presupuestaria",
        en: "Budget execution",
        cats: &["finanzas-publicas"],
        orgs: &["minfin", "minfin", "muni"],
        tags: &["presupuesto", "ejecución presupuestaria", "gasto público", "SICOIN"],
        about: ("Presupuesto asignado, vigente, devengado y pagado por entidad, programa y grupo de gasto, según el Sistema de Contabilidad Integrada (SICOIN).", "Allocated, current, accrued and paid budget by entity, programme and spending group, from the Integrated Accounting System (SICOIN)."),
        measures: &[("entidad", "Entidad", T, ""), ("programa", "Programa", T, ""), ("grupo_gasto", "Grupo de gasto", T, ""), ("asignado", "Presupuesto asignado (Q)", D, "Q"), ("vigente", "Presupuesto vigente (Q)", D, "Q"), ("devengado", "Monto devengado (Q)", D, "Q"), ("monto_ejecutado", "Monto ejecutado (Q)", D, "Q"), ("porcentaje_ejecucion", "Ejecución (%)", D, "%")],
    },
    Topic {
        es: "Transferencias a municipalidades",
        en: "Transfers to municipalities",
        cats: &["finanzas-publicas", "gobierno"],
        orgs: &["minfin", "infom"],
        tags: &["transferencias", "aporte constitucional", "municipalidades", "IVA-PAZ"],
        about: ("Aporte constitucional, IVA-PAZ, impuesto de circulación de vehículos y otras transferencias del gobierno central a las municipalidades.", "Constitutional allocation, IVA-PAZ, vehicle tax and other transfers from central government to municipalities."),
        measures: &[("aporte_constitucional", "Aporte constitucional (Q)", D, "Q"), ("iva_paz", "IVA-PAZ (Q)", D, "Q"), ("impuesto_vehiculos", "Impuesto de circulación de vehículos (Q)", D, "Q"), ("total_transferido", "Total transferido (Q)", D, "Q")],
    },
    Topic {
        es: "Recaudación tributaria",
        en: "Tax revenue",
        cats: &["finanzas-publicas"],
        orgs: &["sat", "minfin"],
        tags: &["impuestos", "recaudación", "IVA", "ISR"],
        about: ("Recaudación de impuestos por tipo de impuesto y aduana o región.", "Tax revenue by tax and customs office or region."),
        measures: &[("impuesto", "Impuesto", T, ""), ("recaudacion", "Recaudación (Q)", D, "Q"), ("meta", "Meta de recaudación (Q)", D, "Q"), ("contribuyentes", "Contribuyentes activos", I, "contribuyentes")],
    },
    Topic {
        es: "Deuda pública",
        en: "Public debt",
        cats: &["finanzas-publicas"],
        orgs: &["minfin", "banguat"],
        tags: &["deuda pública", "préstamos", "bonos del tesoro"],
        about: ("Saldo de la deuda pública interna y externa por acreedor y moneda.", "Domestic and external public debt outstanding by creditor and currency."),
        measures: &[("acreedor", "Acreedor", T, ""), ("moneda", "Moneda", T, ""), ("saldo_usd", "Saldo (US$)", D, "US$"), ("saldo_q", "Saldo (Q)", D, "Q"), ("servicio_deuda", "Servicio de la deuda (Q)", D, "Q")],
    },
    Topic {
        es: "Remesas familiares",
        en: "Family remittances",
        cats: &["finanzas-publicas"],
        orgs: &["banguat"],
        tags: &["remesas", "migración", "divisas"],
        about: ("Ingreso de divisas por remesas familiares, mensual.", "Foreign currency inflows from family remittances, monthly."),
        measures: &[("remesas_usd", "Remesas (miles de US$)", D, "US$"), ("variacion", "Variación interanual (%)", D, "%")],
    },
    Topic {
        es: "Cooperación internacional",
        en: "International cooperation",
        cats: &["cooperacion-internacional"],
        orgs: &["segeplan", "segeplan", "minfin"],
        tags: &["cooperación internacional", "donaciones", "cooperantes", "no reembolsable"],
        about: ("Recursos de cooperación internacional no reembolsable por cooperante, sector y territorio.", "Non-reimbursable international cooperation by donor, sector and territory."),
        measures: &[("cooperante", "Cooperante", T, ""), ("modalidad", "Modalidad", T, ""), ("monto_usd", "Monto (US$)", D, "US$"), ("monto_desembolsado", "Monto desembolsado (US$)", D, "US$"), ("proyectos", "Número de proyectos", I, "proyectos")],
    },
    Topic {
        es: "Préstamos y donaciones externas",
        en: "External loans and grants",
        cats: &["cooperacion-internacional", "finanzas-publicas"],
        orgs: &["minfin", "segeplan"],
        tags: &["préstamos", "donaciones", "cooperantes"],
        about: ("Préstamos y donaciones de organismos internacionales y países cooperantes con su ejecución.", "Loans and grants from international bodies and donor countries and their execution."),
        measures: &[("cooperante", "Cooperante", T, ""), ("tipo", "Tipo de financiamiento", T, ""), ("monto_usd", "Monto (US$)", D, "US$"), ("ejecutado_usd", "Ejecutado (US$)", D, "US$")],
    },
    Topic {
        es: "Desnutrición crónica",
        en: "Chronic malnutrition",
        cats: &["salud", "agricultura"],
        orgs: &["mspas", "sesan", "sesan"],
        tags: &["desnutrición", "niñez", "seguridad alimentaria", "talla para la edad"],
        about: ("Prevalencia de desnutrición crónica (retardo en talla) en niñas y niños menores de cinco años.", "Prevalence of chronic malnutrition (stunting) in children under five."),
        measures: &[("ninos_evaluados", "Niñas y niños evaluados", I, "personas"), ("casos", "Casos de desnutrición crónica", I, "casos"), ("prevalencia", "Prevalencia (%)", D, "%"), ("talla_edad", "Talla para la edad (z)", D, "")],
    },
    Topic {
        es: "Desnutrición aguda",
        en: "Acute malnutrition",
        cats: &["salud", "agricultura"],
        orgs: &["mspas", "sesan"],
        tags: &["desnutrición", "niñez", "vigilancia epidemiológica"],
        about: ("Casos de desnutrición aguda moderada y severa en menores de cinco años notificados por semana epidemiológica.", "Cases of moderate and severe acute malnutrition in children under five reported per epidemiological week."),
        measures: &[("semana", "Semana epidemiológica", I, ""), ("casos_moderada", "Casos de desnutrición aguda moderada", I, "casos"), ("casos_severa", "Casos de desnutrición aguda severa", I, "casos"), ("tasa", "Tasa por 10 000 menores de cinco años", D, "")],
    },
    Topic {
        es: "Mortalidad materna",
        en: "Maternal mortality",
        cats: &["salud"],
        orgs: &["mspas", "segeplan"],
        tags: &["mortalidad materna", "salud reproductiva", "ODS"],
        about: ("Muertes maternas y razón de mortalidad materna por cien mil nacidos vivos.", "Maternal deaths and maternal mortality ratio per hundred thousand live births."),
        measures: &[("muertes_maternas", "Muertes maternas", I, "personas"), ("razon_mortalidad", "Razón de mortalidad materna", D, ""), ("nacidos_vivos", "Nacidos vivos", I, "nacimientos")],
    },
    Topic {
        es: "Casos de dengue",
        en: "Dengue cases",
        cats: &["salud"],
        orgs: &["mspas"],
        tags: &["dengue", "vigilancia epidemiológica", "arbovirosis"],
        about: ("Casos sospechosos y confirmados de dengue por semana epidemiológica y área de salud.", "Suspected and confirmed dengue cases by epidemiological week and health area."),
        measures: &[("semana", "Semana epidemiológica", I, ""), ("casos_sospechosos", "Casos sospechosos", I, "casos"), ("casos_confirmados", "Casos confirmados", I, "casos"), ("tasa_incidencia", "Tasa de incidencia por 100 000 habitantes", D, "")],
    },
    Topic {
        es: "Cobertura de vacunación",
        en: "Vaccination coverage",
        cats: &["salud"],
        orgs: &["mspas"],
        tags: &["vacunación", "inmunizaciones", "niñez"],
        about: ("Dosis aplicadas y coberturas del esquema de vacunación infantil por biológico.", "Doses given and coverage of the childhood vaccination schedule by vaccine."),
        measures: &[("vacuna", "Vacuna", T, ""), ("dosis_aplicadas", "Dosis aplicadas", I, "dosis"), ("poblacion_objetivo", "Población objetivo", I, "personas"), ("cobertura", "Cobertura (%)", D, "%")],
    },
    Topic {
        es: "Matrícula escolar",
        en: "School enrolment",
        cats: &["educacion"],
        orgs: &["mineduc"],
        tags: &["educación", "matrícula", "estudiantes", "nivel primario"],
        about: ("Estudiantes inscritos por nivel educativo, sector y sexo, según el Sistema de Registros Educativos (SIRE).", "Students enrolled by level, sector and sex, from the Education Records System (SIRE)."),
        measures: &[("nivel", "Nivel educativo", T, ""), ("sector_educativo", "Sector", T, ""), ("inscritos", "Estudiantes inscritos", I, "estudiantes"), ("tasa_neta", "Tasa neta de escolaridad (%)", D, "%"), ("desercion", "Deserción (%)", D, "%"), ("repitencia", "Repitencia (%)", D, "%")],
    },
    Topic {
        es: "Establecimientos educativos",
        en: "Schools",
        cats: &["educacion", "infraestructura"],
        orgs: &["mineduc"],
        tags: &["educación", "escuelas", "establecimientos"],
        about: ("Establecimientos educativos por nivel, sector, jornada y área.", "Schools by level, sector, shift and area."),
        measures: &[("codigo_establecimiento", "Código del establecimiento", T, ""), ("nombre_establecimiento", "Nombre del establecimiento", T, ""), ("nivel", "Nivel educativo", T, ""), ("jornada", "Jornada", T, ""), ("docentes", "Docentes", I, "personas")],
    },
    Topic {
        es: "Analfabetismo",
        en: "Illiteracy",
        cats: &["educacion", "pobreza"],
        orgs: &["ine", "mineduc"],
        tags: &["analfabetismo", "alfabetización", "educación de adultos"],
        about: ("Población de 15 años y más que no sabe leer ni escribir.", "People aged 15 and over who cannot read or write."),
        measures: &[("poblacion_15_mas", "Población de 15 años y más", I, "personas"), ("analfabetas", "Personas analfabetas", I, "personas"), ("tasa_analfabetismo", "Tasa de analfabetismo (%)", D, "%")],
    },
    Topic {
        es: "Producción de granos básicos",
        en: "Staple grain production",
        cats: &["agricultura"],
        orgs: &["maga"],
        tags: &["maíz", "frijol", "agricultura", "granos básicos"],
        about: ("Superficie sembrada, producción y rendimiento de maíz, frijol, arroz y sorgo.", "Area sown, production and yield of maize, beans, rice and sorghum."),
        measures: &[("cultivo", "Cultivo", T, ""), ("superficie_mz", "Superficie sembrada (manzanas)", D, "mz"), ("produccion_qq", "Producción (quintales)", D, "qq"), ("rendimiento", "Rendimiento (qq/mz)", D, "qq/mz"), ("precio_promedio", "Precio promedio (Q/qq)", D, "Q")],
    },
    Topic {
        es: "Incendios forestales",
        en: "Forest fires",
        cats: &["ambiente"],
        orgs: &["conred", "inab", "marn"],
        tags: &["incendios", "bosques", "ambiente"],
        about: ("Incendios forestales atendidos y superficie afectada por tipo de vegetación.", "Forest fires attended and area affected by type of vegetation."),
        measures: &[("incendios", "Incendios", I, "eventos"), ("hectareas", "Superficie afectada (ha)", D, "ha"), ("tipo_vegetacion", "Tipo de vegetación", T, "")],
    },
    Topic {
        es: "Cobertura forestal",
        en: "Forest cover",
        cats: &["ambiente"],
        orgs: &["inab", "marn"],
        tags: &["bosques", "cobertura forestal", "deforestación"],
        about: ("Cobertura forestal, pérdida y ganancia de bosque según el mapa de cobertura forestal.", "Forest cover, forest loss and gain from the forest cover map."),
        measures: &[("cobertura_ha", "Cobertura forestal (ha)", D, "ha"), ("perdida_ha", "Pérdida (ha)", D, "ha"), ("ganancia_ha", "Ganancia (ha)", D, "ha"), ("tasa_deforestacion", "Tasa de deforestación (%)", D, "%")],
    },
    Topic {
        es: "Precipitación y temperatura",
        en: "Rainfall and temperature",
        cats: &["ambiente", "agricultura"],
        orgs: &["insivumeh"],
        tags: &["clima", "lluvia", "temperatura", "estaciones meteorológicas"],
        about: ("Precipitación acumulada y temperaturas máxima y mínima registradas en las estaciones meteorológicas.", "Accumulated rainfall and maximum and minimum temperatures recorded at weather stations."),
        measures: &[("estacion", "Estación", T, ""), ("precipitacion_mm", "Precipitación (mm)", D, "mm"), ("temp_max", "Temperatura máxima (°C)", D, "°C"), ("temp_min", "Temperatura mínima (°C)", D, "°C")],
    },
    Topic {
        es: "Emergencias y desastres atendidos",
        en: "Emergencies and disasters attended",
        cats: &["ambiente", "seguridad"],
        orgs: &["conred"],
        tags: &["desastres", "emergencias", "gestión de riesgo", "inundaciones"],
        about: ("Eventos atendidos por tipo (inundaciones, deslizamientos, sismos, erupciones) con personas afectadas y viviendas dañadas.", "Events attended by type (floods, landslides, earthquakes, eruptions) with people affected and homes damaged."),
        measures: &[("tipo_evento", "Tipo de evento", T, ""), ("eventos", "Eventos", I, "eventos"), ("personas_afectadas", "Personas afectadas", I, "personas"), ("viviendas_danadas", "Viviendas dañadas", I, "viviendas")],
    },
    Topic {
        es: "Hechos delictivos",
        en: "Crime incidents",
        cats: &["seguridad"],
        orgs: &["mingob"],
        tags: &["seguridad", "delitos", "violencia", "homicidios"],
        about: ("Hechos delictivos denunciados por tipo de delito.", "Reported crime incidents by type of offence."),
        measures: &[("tipo_delito", "Tipo de delito", T, ""), ("hechos", "Hechos", I, "hechos"), ("tasa_100mil", "Tasa por 100 000 habitantes", D, "")],
    },
    Topic {
        es: "Ranking de la gestión municipal",
        en: "Municipal management ranking",
        cats: &["gobierno"],
        orgs: &["segeplan"],
        tags: &["ranking", "gestión municipal", "municipalidades", "transparencia"],
        about: ("Índice de gestión municipal: participación ciudadana, información a la ciudadanía, gestión administrativa, financiera, estratégica y de servicios públicos.", "Municipal management index: citizen participation, public information, administrative, financial, strategic and public-service management."),
        measures: &[("indice_general", "Índice general", D, ""), ("categoria", "Categoría", T, ""), ("participacion_ciudadana", "Participación ciudadana", D, ""), ("gestion_financiera", "Gestión financiera", D, ""), ("servicios_publicos", "Servicios públicos", D, ""), ("posicion", "Posición", I, "")],
    },
    Topic {
        es: "Acceso a agua potable",
        en: "Access to drinking water",
        cats: &["infraestructura", "pobreza"],
        orgs: &["ine", "segeplan", "infom"],
        tags: &["agua potable", "saneamiento", "servicios básicos"],
        about: ("Hogares con agua entubada dentro de la vivienda y con servicio de saneamiento mejorado.", "Households with piped water inside the home and with improved sanitation."),
        measures: &[("hogares", "Hogares", I, "hogares"), ("agua_entubada", "Con agua entubada (%)", D, "%"), ("saneamiento", "Con saneamiento mejorado (%)", D, "%")],
    },
    Topic {
        es: "Cobertura eléctrica",
        en: "Electricity coverage",
        cats: &["infraestructura"],
        orgs: &["mem", "ine"],
        tags: &["energía", "electricidad", "índice de cobertura"],
        about: ("Índice de cobertura eléctrica: viviendas con servicio de energía eléctrica sobre el total.", "Electricity coverage index: homes with electricity service over the total."),
        measures: &[("viviendas", "Viviendas", I, "viviendas"), ("con_electricidad", "Con energía eléctrica", I, "viviendas"), ("indice_cobertura", "Índice de cobertura (%)", D, "%")],
    },
    Topic {
        es: "Empleo formal",
        en: "Formal employment",
        cats: &["finanzas-publicas", "pobreza"],
        orgs: &["mintrab", "ine"],
        tags: &["empleo", "trabajo", "afiliados", "ENEI"],
        about: ("Trabajadores afiliados y empleo formal por actividad económica, según la Encuesta Nacional de Empleo e Ingresos (ENEI).", "Insured workers and formal employment by economic activity, from the National Employment and Income Survey (ENEI)."),
        measures: &[("actividad_economica", "Actividad económica", T, ""), ("ocupados", "Población ocupada", I, "personas"), ("informalidad", "Tasa de informalidad (%)", D, "%"), ("salario_promedio", "Salario promedio (Q)", D, "Q")],
    },
    Topic {
        es: "Auditorías a municipalidades",
        en: "Audits of municipalities",
        cats: &["gobierno"],
        orgs: &["cgc"],
        tags: &["auditoría", "fiscalización", "municipalidades", "transparencia"],
        about: ("Auditorías financieras y de cumplimiento practicadas a las municipalidades, con hallazgos y montos reparados.", "Financial and compliance audits of municipalities, with findings and amounts charged."),
        measures: &[("auditorias", "Auditorías", I, ""), ("hallazgos", "Hallazgos", I, ""), ("monto_reparado", "Monto reparado (Q)", D, "Q")],
    },
    Topic {
        es: "Licencias de construcción",
        en: "Building permits",
        cats: &["gobierno", "infraestructura"],
        orgs: &["muni"],
        tags: &["licencias", "construcción", "ordenamiento territorial"],
        about: ("Licencias de construcción otorgadas por zona y tipo de obra.", "Building permits granted by zone and type of work."),
        measures: &[("zona", "Zona", T, ""), ("tipo_obra", "Tipo de obra", T, ""), ("licencias", "Licencias otorgadas", I, ""), ("metros_cuadrados", "Metros cuadrados autorizados", D, "m²")],
    },
    Topic {
        es: "Recolección de residuos sólidos",
        en: "Solid waste collection",
        cats: &["ambiente", "infraestructura"],
        orgs: &["muni", "marn"],
        tags: &["residuos sólidos", "basura", "servicios municipales"],
        about: ("Toneladas de residuos sólidos recolectadas y dispuestas por ruta o zona.", "Tonnes of solid waste collected and disposed of by route or zone."),
        measures: &[("ruta", "Ruta", T, ""), ("toneladas", "Toneladas recolectadas", D, "t"), ("viviendas_servidas", "Viviendas servidas", I, "viviendas")],
    },
];

/// Text columns any table may have: `(name, label, values)`.
#[rustfmt::skip]
const EXTRA_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("sexo", "Sexo", &["Mujer", "Hombre"]),
    ("area", "Área", &["Urbana", "Rural"]),
    ("grupo_edad", "Grupo de edad", &["0 a 4 años", "5 a 9 años", "10 a 14 años", "15 a 19 años", "20 a 24 años", "25 a 29 años", "30 a 39 años", "40 a 49 años", "50 a 64 años", "65 años y más"]),
    ("pueblo", "Pueblo de pertenencia", &["Maya", "Ladino", "Garífuna", "Xinka", "Afrodescendiente"]),
    ("sector", "Sector", &["Educación", "Salud", "Agua y saneamiento", "Transporte", "Energía", "Desarrollo urbano y rural", "Seguridad alimentaria"]),
    ("mes", "Mes", &["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre"]),
    ("estado", "Estado", &["En ejecución", "Finalizado", "Suspendido", "En formulación"]),
    ("observaciones", "Observaciones", &["Dato preliminar", "Sin información", "Revisado"]),
];

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "El Rosario", "San José", "Santa Rosa", "La Esperanza", "El Carmen", "San Antonio",
    "Las Flores", "Los Encuentros", "El Naranjo", "La Libertad", "San Francisco", "Buena Vista",
];

/// `(licence id, weight)`.
#[rustfmt::skip]
const LICENCES: &[(&str, f64)] = &[
    ("CC-BY-4.0", 45.0),
    ("cc-by", 14.0),
    ("CC0-1.0", 10.0),
    ("odc-odbl", 8.0),
    ("other-open", 7.0),
    ("odc-by", 5.0),
    ("cc-by-sa", 5.0),
    ("notspecified", 6.0),
];

const FREQUENCIES: &[(Option<Frequency>, f64)] = &[
    (Some(Frequency::Annual), 55.0),
    (Some(Frequency::Monthly), 12.0),
    (Some(Frequency::Quarterly), 8.0),
    (Some(Frequency::Weekly), 5.0),
    (None, 20.0),
];

/// What territory a dataset covers.
#[derive(Clone, Copy)]
enum Scope {
    Departments,
    Municipalities,
    /// Index into `DEPARTMENTS`.
    Department(usize),
    /// Index into `MUNICIPALITIES`.
    Municipality(usize),
}

fn department_of(muni: usize) -> usize {
    let code = &MUNICIPALITIES[muni].0[..2];
    DEPARTMENTS
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(0)
}

fn municipalities_in(dep: usize) -> Vec<usize> {
    let code = DEPARTMENTS[dep].0;
    (0..MUNICIPALITIES.len())
        .filter(|&m| MUNICIPALITIES[m].0.starts_with(code))
        .collect()
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in ceiba_core::text::fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).unwrap()
}

// ---------------------------------------------------------------------------------------
// Generation.

struct Generated {
    organizations: Vec<Organization>,
    categories: Vec<Category>,
}

fn organizations() -> Vec<Organization> {
    ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(i, (name, es, en, acronym, _))| Organization {
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
            created: at(2015, 1, 1 + i as u32),
        })
        .collect()
}

fn categories() -> Vec<Category> {
    CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, (name, es, en, icon))| Category {
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
            created: at(2015, 2, 1 + i as u32),
        })
        .collect()
}

/// One dataset with its resources and, for those ingested, the table of each.
struct Planned {
    dataset: Dataset,
    resources: Vec<(Resource, Option<IngestedTable>)>,
}

fn plan(seed: u64, i: usize, orgs: &[Organization]) -> Planned {
    let mut rng = Rng::stream(seed, i as u64 + 1);
    let topic = rng.pick(TOPICS);
    let org_name = *rng.pick(topic.orgs);
    let munis: Vec<usize> = ORGANIZATIONS
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.4.is_empty())
        .map(|(k, _)| k)
        .collect();
    let org_index = if org_name == "muni" {
        *rng.pick(&munis)
    } else {
        ORGANIZATIONS
            .iter()
            .position(|o| o.0 == org_name)
            .unwrap_or(0)
    };
    let org = &orgs[org_index];
    let (_, _, _, acronym, muni_code) = ORGANIZATIONS[org_index];
    let scope = if !muni_code.is_empty() {
        Scope::Municipality(
            MUNICIPALITIES
                .iter()
                .position(|(c, _)| *c == muni_code)
                .unwrap_or(0),
        )
    } else {
        match rng.weighted(&[20.0, 30.0, 30.0, 20.0]) {
            0 => Scope::Departments,
            1 => Scope::Municipalities,
            2 => Scope::Department(rng.index(DEPARTMENTS.len())),
            _ => Scope::Municipality(rng.index(MUNICIPALITIES.len())),
        }
    };
    let first_year = rng.int(2002, 2024) as i32;
    let last_year = if rng.chance(0.55) {
        first_year
    } else {
        (first_year + rng.int(1, 8) as i32).min(2025)
    };
    let (period_es, period_en) = if first_year == last_year {
        (first_year.to_string(), first_year.to_string())
    } else {
        (
            format!("{first_year}–{last_year}"),
            format!("{first_year}–{last_year}"),
        )
    };
    let (place_es, place_en, spatial): (String, String, Vec<String>) = match scope {
        Scope::Departments => (
            "por departamento".into(),
            "by department".into(),
            vec!["GT".into()],
        ),
        Scope::Municipalities => (
            "por municipio".into(),
            "by municipality".into(),
            vec!["GT".into()],
        ),
        Scope::Department(d) => {
            let name = DEPARTMENTS[d].1;
            if rng.chance(0.5) {
                (
                    format!("por municipio de {name}"),
                    format!("by municipality of {name}"),
                    vec![DEPARTMENTS[d].0.into()],
                )
            } else {
                (
                    format!("en {name}"),
                    format!("in {name}"),
                    vec![DEPARTMENTS[d].0.into()],
                )
            }
        }
        Scope::Municipality(m) => {
            let (code, name) = MUNICIPALITIES[m];
            let dep = DEPARTMENTS[department_of(m)].1;
            (
                format!("de {name}, {dep}"),
                format!("of {name}, {dep}"),
                vec![code.into()],
            )
        }
    };
    let title_es = format!("{} {place_es}, {period_es}", topic.es);
    let title_en = format!("{} {place_en}, {period_en}", topic.en);
    let name = {
        let mut s = slug(&title_es);
        s.truncate(88);
        format!("{}-{i:05}", s.trim_end_matches('-'))
    };

    // Columns of its table.
    let columns = table_columns(&mut rng, topic, scope, acronym, first_year, last_year);
    let labels: Vec<&str> = columns
        .iter()
        .filter(|c| c.column_type != ColumnType::Text || rng.chance(0.3))
        .map(|c| c.label.as_str())
        .take(3)
        .collect();

    // Description: 2–4 sentences, Markdown now and then.
    let what = if rng.chance(0.3) {
        format!("**{}**", topic.es)
    } else {
        topic.es.to_owned()
    };
    let mut es = vec![
        topic.about.0.to_owned(),
        format!(
            "{what} {place_es} para {}, publicado por {} ({acronym}).",
            if first_year == last_year {
                format!("el año {first_year}")
            } else {
                format!("el periodo {period_es}")
            },
            org.title.es
        ),
    ];
    let mut en = vec![
        topic.about.1.to_owned(),
        format!(
            "{} {place_en} for {period_en}, published by the {} ({acronym}).",
            topic.en,
            org.title.en.as_deref().unwrap_or("")
        ),
    ];
    let extra = rng.int(0, 2);
    if extra >= 1 && labels.len() >= 2 {
        es.push(format!(
            "Incluye {} y {}.",
            labels[..labels.len() - 1].join(", "),
            labels[labels.len() - 1].to_lowercase()
        ));
        en.push(format!("Includes {}.", labels.join(", ")));
    }
    if extra >= 2 {
        let notes = [
            (
                "Las cifras de los últimos años son preliminares y pueden cambiar.",
                "Figures for recent years are preliminary and may change.",
            ),
            (
                "Los montos están expresados en quetzales corrientes.",
                "Amounts are in current quetzales.",
            ),
            (
                "Los datos provienen de registros administrativos y se actualizan periódicamente.",
                "Data come from administrative records and are updated regularly.",
            ),
            (
                "Para el cálculo se usaron las proyecciones de población del INE.",
                "INE population projections were used for the calculations.",
            ),
        ];
        let (a, b) = *rng.pick(&notes);
        es.push(a.into());
        en.push(b.into());
    }
    let with_en = rng.chance(0.75);

    // Tags: 2–6.
    let mut tags: Vec<String> = Vec::new();
    let want = rng.int(2, 6) as usize;
    for k in rng.sample(topic.tags.len(), want.min(topic.tags.len())) {
        tags.push(topic.tags[k].to_owned());
    }
    let territory_tag = match scope {
        Scope::Departments => "departamentos".to_owned(),
        Scope::Municipalities => "municipios".to_owned(),
        Scope::Department(d) => DEPARTMENTS[d].1.to_owned(),
        Scope::Municipality(m) => MUNICIPALITIES[m].1.to_owned(),
    };
    for t in [
        territory_tag,
        first_year.to_string(),
        "datos abiertos".to_owned(),
    ] {
        if tags.len() < want && !tags.contains(&t) {
            tags.push(t);
        }
    }

    let mut cats = vec![topic.cats[0].to_owned()];
    if topic.cats.len() > 1 && rng.chance(0.6) {
        cats.push(topic.cats[1].to_owned());
    }
    let licence = LICENCES[rng.weighted(&LICENCES.iter().map(|l| l.1).collect::<Vec<_>>())].0;
    let frequency =
        FREQUENCIES[rng.weighted(&FREQUENCIES.iter().map(|f| f.1).collect::<Vec<_>>())].0;
    // Created between 2016 and mid-2025; modified up to a year later.
    let created = at(2016, 1, 1) + chrono::Duration::seconds(rng.int(0, 300_000_000));
    let modified =
        (created + chrono::Duration::seconds(rng.int(0, 31_536_000))).min(at(2025, 9, 30));
    let state = if rng.chance(0.02) {
        DatasetState::Draft
    } else {
        DatasetState::Active
    };
    let private = rng.chance(0.03);
    let id = rng.uuid();
    let dataset = Dataset {
        id,
        name,
        title: Localized {
            es: title_es.clone(),
            en: rng.chance(0.8).then_some(title_en),
        },
        description: Localized {
            es: es.join(" "),
            en: with_en.then(|| en.join(" ")),
        },
        organization_id: org.id,
        categories: cats,
        tags,
        licence_id: licence.to_owned(),
        temporal: Temporal {
            start: NaiveDate::from_ymd_opt(first_year, 1, 1),
            end: NaiveDate::from_ymd_opt(last_year, 12, 31),
        },
        spatial,
        frequency,
        contact: Contact {
            name: Some(format!("Unidad de información pública, {acronym}")),
            email: org.email.clone(),
        },
        source_url: None,
        version: None,
        state,
        private,
        featured: rng.chance(0.005),
        created,
        modified,
        extras: BTreeMap::new(),
    };

    // Resources: 1–3, the first one ingested for most datasets.
    let count = 1 + rng.weighted(&[50.0, 35.0, 15.0]);
    let mut formats: Vec<&str> = Vec::new();
    let mut resources = Vec::new();
    for k in 0..count {
        let mut format = ["CSV", "XLSX", "JSON"][rng.weighted(&[55.0, 35.0, 10.0])];
        if formats.contains(&format) {
            format = ["CSV", "XLSX", "JSON"]
                .into_iter()
                .find(|f| !formats.contains(f))
                .unwrap_or(format);
        }
        formats.push(format);
        let rid = rng.uuid();
        let (rname, rdesc) = match k {
            0 => (
                format!("{} {period_es}", topic.es),
                format!("Datos {place_es}, {period_es}."),
            ),
            1 => (
                "Diccionario de datos".to_owned(),
                "Descripción de cada variable, su tipo y su unidad.".to_owned(),
            ),
            _ => (
                format!("Serie histórica {}", topic.es.to_lowercase()),
                "Serie completa con los años anteriores.".to_owned(),
            ),
        };
        let ext = format.to_ascii_lowercase();
        let resource = Resource {
            id: rid,
            dataset_id: id,
            name: rname,
            description: rdesc,
            format: format.to_owned(),
            media_type: media_type_for_format(format).map(str::to_owned),
            size: Some(rng.int(2_000, 5_000_000)),
            sha256: Some(format!(
                "{:016x}{:016x}{:016x}{:016x}",
                rng.next_u64(),
                rng.next_u64(),
                rng.next_u64(),
                rng.next_u64()
            )),
            original_filename: Some(format!("{}.{ext}", slug(topic.es))),
            url: None,
            storage_key: Some(format!("resources/{rid}/{}", rng.uuid())),
            position: 0,
            current_version_id: None,
            created,
            modified,
        };
        let ingested = format != "JSON"
            && if k == 0 {
                rng.chance(0.88)
            } else {
                rng.chance(0.2)
            };
        let table = ingested.then(|| {
            let cols = if k == 0 {
                columns.clone()
            } else {
                table_columns(&mut rng, topic, scope, acronym, first_year, last_year)
            };
            let rows = rows_of(scope, first_year, last_year);
            IngestedTable {
                version_id: Uuid::nil(),
                position: 0,
                name: if format == "XLSX" {
                    "Hoja1".to_owned()
                } else {
                    format!("{}.{ext}", slug(topic.es))
                },
                parquet_key: String::new(),
                rows,
                columns: cols,
            }
        });
        resources.push((resource, table));
    }
    Planned { dataset, resources }
}

fn rows_of(scope: Scope, first: i32, last: i32) -> i64 {
    let years = i64::from(last - first + 1);
    years
        * match scope {
            Scope::Departments => 22,
            Scope::Municipalities => 340,
            Scope::Department(d) => municipalities_in(d).len() as i64,
            Scope::Municipality(_) => 12,
        }
}

fn top(values: &[&str], rng: &mut Rng, rows: u64) -> Vec<TopValue> {
    let mut count = rows.max(values.len() as u64) / values.len().max(1) as u64 + 1;
    values
        .iter()
        .take(10)
        .map(|v| {
            count = (count as f64 * (0.7 + 0.3 * rng.unit())).max(1.0) as u64;
            TopValue {
                value: (*v).to_owned(),
                count,
            }
        })
        .collect()
}

fn text_column(name: &str, label: &str, distinct: u64, top: Vec<TopValue>) -> Column {
    Column {
        name: name.to_owned(),
        label: label.to_owned(),
        column_type: ColumnType::Text,
        type_overridden: false,
        description: String::new(),
        unit: String::new(),
        stats: ColumnStats {
            nulls: 0,
            distinct,
            min: None,
            max: None,
            top,
            sum: None,
            mean: None,
        },
    }
}

/// 5–15 columns: the territory, the year, the topic's measures and a few more.
fn table_columns(
    rng: &mut Rng,
    topic: &Topic,
    scope: Scope,
    acronym: &str,
    first_year: i32,
    last_year: i32,
) -> Vec<Column> {
    let rows = rows_of(scope, first_year, last_year) as u64;
    let mut cols = Vec::new();
    let dep_names: Vec<&str> = DEPARTMENTS.iter().map(|d| d.1).collect();
    let dep_codes: Vec<&str> = DEPARTMENTS.iter().map(|d| d.0).collect();
    match scope {
        Scope::Departments => {
            let pick: Vec<usize> = rng.sample(22, 10);
            let codes: Vec<&str> = pick.iter().map(|&k| dep_codes[k]).collect();
            let names: Vec<&str> = pick.iter().map(|&k| dep_names[k]).collect();
            cols.push(text_column(
                "codigo_departamento",
                "Código de departamento",
                22,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                22,
                top(&names, rng, rows),
            ));
        }
        Scope::Municipalities => {
            let pick = rng.sample(MUNICIPALITIES.len(), 10);
            let codes: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].0).collect();
            let names: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].1).collect();
            let deps: Vec<&str> = rng.sample(22, 10).iter().map(|&k| dep_names[k]).collect();
            cols.push(text_column(
                "codigo_municipio",
                "Código de municipio",
                340,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "municipio",
                "Municipio",
                338,
                top(&names, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                22,
                top(&deps, rng, rows),
            ));
        }
        Scope::Department(d) => {
            let munis = municipalities_in(d);
            let pick: Vec<usize> = rng
                .sample(munis.len(), 10)
                .into_iter()
                .map(|k| munis[k])
                .collect();
            let codes: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].0).collect();
            let names: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].1).collect();
            cols.push(text_column(
                "codigo_municipio",
                "Código de municipio",
                munis.len() as u64,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "municipio",
                "Municipio",
                munis.len() as u64,
                top(&names, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                1,
                top(&[dep_names[d]], rng, rows),
            ));
        }
        Scope::Municipality(m) => {
            cols.push(text_column(
                "municipio",
                "Municipio",
                1,
                top(&[MUNICIPALITIES[m].1], rng, rows),
            ));
            let places: Vec<String> = rng
                .sample(PLACES.len(), 8)
                .into_iter()
                .map(|k| {
                    format!(
                        "{} {}",
                        ["Aldea", "Caserío", "Colonia", "Cantón"][rng.index(4)],
                        PLACES[k]
                    )
                })
                .collect();
            let refs: Vec<&str> = places.iter().map(String::as_str).collect();
            cols.push(text_column(
                "comunidad",
                "Aldea o caserío",
                40,
                top(&refs, rng, rows),
            ));
        }
    }
    if first_year != last_year || rng.chance(0.5) {
        cols.push(Column {
            name: "anio".into(),
            label: "Año".into(),
            column_type: ColumnType::Integer,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats {
                nulls: 0,
                distinct: u64::from((last_year - first_year + 1) as u32),
                min: Some(first_year.to_string()),
                max: Some(last_year.to_string()),
                top: Vec::new(),
                sum: None,
                mean: Some(f64::from(first_year + last_year) / 2.0),
            },
        });
    }
    let target = rng.int(5, 15) as usize;
    let measures = rng.sample(
        topic.measures.len(),
        target.saturating_sub(cols.len()).max(2),
    );
    for k in measures {
        let (name, label, column_type, unit) = topic.measures[k];
        if column_type == ColumnType::Text {
            let values: Vec<String> = (0..rng.int(3, 10))
                .map(|n| match name {
                    "entidad" | "cooperante" | "acreedor" => [
                        acronym,
                        "Banco Mundial",
                        "BID",
                        "USAID",
                        "Unión Europea",
                        "JICA",
                        "KOICA",
                        "AECID",
                        "PNUD",
                        "UNICEF",
                    ][n as usize % 10]
                        .to_owned(),
                    _ => format!("{label} {}", n + 1),
                })
                .collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let mut c = text_column(name, label, values.len() as u64, top(&refs, rng, rows));
            c.unit = unit.to_owned();
            cols.push(c);
        } else {
            let max = 10f64.powi(rng.int(2, 9) as i32);
            let min = max * rng.unit() * 0.01;
            let mean = min + (max - min) * (0.2 + 0.3 * rng.unit());
            cols.push(Column {
                name: name.to_owned(),
                label: label.to_owned(),
                column_type,
                type_overridden: false,
                description: String::new(),
                unit: unit.to_owned(),
                stats: ColumnStats {
                    nulls: rng.int(0, (rows / 20) as i64) as u64,
                    distinct: rows,
                    min: Some(format!("{min:.0}")),
                    max: Some(format!("{max:.0}")),
                    top: Vec::new(),
                    sum: Some(mean * rows as f64),
                    mean: Some(mean),
                },
            });
        }
    }
    let mut extras = rng.sample(EXTRA_COLUMNS.len(), EXTRA_COLUMNS.len());
    while cols.len() < target {
        let Some(k) = extras.pop() else { break };
        let (name, label, values) = EXTRA_COLUMNS[k];
        let values: Vec<&str> = if name == "observaciones" {
            vec![values[rng.index(values.len())], acronym]
        } else {
            values.to_vec()
        };
        cols.push(text_column(
            name,
            label,
            values.len() as u64,
            top(&values, rng, rows),
        ));
    }
    cols
}

#[derive(Default)]
struct Counts {
    datasets: usize,
    resources: usize,
    versions: usize,
    columns: usize,
    private: usize,
    drafts: usize,
}

async fn generate(catalog: &Catalog, n: usize, seed: u64) -> Result<(Generated, Counts), Error> {
    let generated = Generated {
        organizations: organizations(),
        categories: categories(),
    };
    for o in &generated.organizations {
        catalog.create_organization(o).await?;
    }
    for c in &generated.categories {
        catalog.create_category(c).await?;
    }
    let mut counts = Counts::default();
    let mut views = Vec::with_capacity(n);
    let mut rng = Rng::stream(seed, 0);
    for i in 0..n {
        let p = plan(seed, i, &generated.organizations);
        let d = &p.dataset;
        catalog.create_dataset(d).await?;
        counts.datasets += 1;
        counts.private += usize::from(d.private);
        counts.drafts += usize::from(d.state == DatasetState::Draft);
        // Views: a long tail, a few popular ones.
        let u = rng.unit();
        views.push((d.id, (u * u * u * u * 20_000.0) as i64));
        for (r, table) in p.resources {
            let r = catalog.create_resource(&r).await?;
            counts.resources += 1;
            let Some(mut table) = table else { continue };
            let version = ResourceVersion {
                id: Uuid::new_v5(&r.id, b"v1"),
                resource_id: r.id,
                number: 0,
                storage_key: r.storage_key.clone().unwrap_or_default(),
                original_filename: r.original_filename.clone(),
                format: r.format.clone(),
                media_type: r.media_type.clone(),
                size: r.size.unwrap_or(0),
                sha256: r.sha256.clone().unwrap_or_default(),
                options: json!({}),
                status: VersionStatus::Pending,
                report: None,
                created: r.created,
            };
            let (v, job) = catalog.create_version(&version).await?;
            table.version_id = v.id;
            table.parquet_key = format!("tables/{}/0.parquet", v.id);
            counts.columns += table.columns.len();
            let report = json!({"rows": table.rows, "issues": []});
            catalog
                .complete_version(job.id, &v, &[table], &report)
                .await?;
            counts.versions += 1;
        }
    }
    catalog.add_views(&views).await?;
    Ok((generated, counts))
}

// ---------------------------------------------------------------------------------------
// Measuring.

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// p50/p95/p99/max of microsecond timings.
fn summary(times: &[f64]) -> serde_json::Value {
    let mut s = times.to_vec();
    s.sort_by(f64::total_cmp);
    json!({
        "runs": s.len(),
        "p50_us": round(percentile(&s, 0.5)),
        "p95_us": round(percentile(&s, 0.95)),
        "p99_us": round(percentile(&s, 0.99)),
        "max_us": round(s.last().copied().unwrap_or(f64::NAN)),
        "mean_us": round(s.iter().sum::<f64>() / s.len().max(1) as f64),
    })
}

fn print(measure: &str, mut value: serde_json::Value) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert("measure".into(), json!(measure));
    }
    println!("{value}");
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

struct Case {
    label: String,
    req: SearchRequest,
}

fn case(q: &str, filters: &[(FacetField, &str)], sort: Sort, page: usize) -> Case {
    let mut label = format!("q={q:?}");
    for (f, v) in filters {
        label.push_str(&format!(" {}={v}", f.param()));
    }
    if sort != Sort::Relevance {
        label.push_str(&format!(" sort={sort:?}").to_lowercase());
    }
    if page > 1 {
        label.push_str(&format!(" page={page}"));
    }
    Case {
        label,
        req: SearchRequest {
            q: q.to_owned(),
            filters: filters.iter().map(|(f, v)| (*f, (*v).to_owned())).collect(),
            sort,
            offset: (page - 1) * 20,
            limit: 20,
            facet_limit: 12,
            viewer: Audience::Public,
            lang: Lang::Es,
        },
    }
}

/// The mix, like the search page's traffic: mostly words, some filters and sorts.
fn cases() -> Vec<Case> {
    use FacetField::{Groups, Organization, ResFormat, Tags, Year};
    let r = Sort::Relevance;
    let mut all = vec![
        case("", &[], r, 1),
        case("pobreza", &[], r, 1),
        case("municipio", &[], r, 1),
        case("poblacion", &[], r, 1),
        case("desnutricon", &[], r, 1),
        case("huehue", &[], r, 1),
        case("inversion huehuetenango", &[], r, 1),
        case("poblacion por municipio", &[], r, 1),
        case("ejecucion presupuestaria 2019", &[], r, 1),
        case("school enrolment", &[], r, 1),
        case("", &[(Organization, "segeplan")], r, 1),
        case("pobreza", &[(Groups, "pobreza")], r, 1),
        case("", &[(ResFormat, "XLSX")], Sort::Title, 1),
        case(
            "salud",
            &[(Organization, "mspas"), (ResFormat, "CSV")],
            r,
            1,
        ),
        case(
            "municipio",
            &[(Groups, "inversion-publica"), (Year, "2020")],
            r,
            1,
        ),
        case("", &[(Tags, "desnutrición")], r, 1),
        case("municipio", &[], Sort::Views, 1),
        case("", &[], Sort::Title, 1),
        case("", &[], r, 400),
        case("municipio", &[], r, 50),
        case("monto ejecutado quetzaltenango", &[], r, 1),
        case("xyzzy pobreza", &[], r, 1),
    ];
    let mut sysadmin = case("cooperacion internacional", &[], r, 1);
    sysadmin.label.push_str(" (sysadmin)");
    sysadmin.req.viewer = Audience::Sysadmin;
    all.push(sysadmin);
    all
}

/// Where a search's time goes: the mix without hits (query, count and facets), the
/// highlighting of each case's page alone, and facet counting alone, on tantivy directly.
/// Searches completed by `threads` threads cycling through `cases` for `window`.
fn throughput(
    threads: usize,
    window: Duration,
    cases: &[Case],
    search: impl Fn(&SearchRequest) -> bool + Sync,
) -> usize {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let search = &search;
                s.spawn(move || {
                    let start = Instant::now();
                    let mut n = 0usize;
                    while start.elapsed() < window {
                        if search(&cases[(n + t * 7) % cases.len()].req) {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

fn breakdown(
    index: &SearchIndex,
    cases: &[Case],
    search_dir: &Path,
    runs: usize,
) -> Result<(), Error> {
    use tantivy::collector::{Count, FacetCollector, MultiCollector};
    use tantivy::query::AllQuery;

    let mut bare = Vec::with_capacity(runs);
    for run in 0..runs {
        let req = SearchRequest {
            limit: 0,
            ..cases[run % cases.len()].req.clone()
        };
        let start = Instant::now();
        index.search_uncached(&req)?;
        bare.push(start.elapsed().as_secs_f64() * 1e6);
    }
    print(
        "breakdown: search without hits (query, count, facets; limit 0)",
        summary(&bare),
    );

    let mut pages = Vec::new();
    for c in cases {
        let docs: Vec<_> = index
            .search_uncached(&c.req)?
            .hits
            .into_iter()
            .map(|h| h.doc)
            .collect();
        pages.push((docs, ceiba_search::query::words(&c.req.q)));
    }
    let (mut with_words, mut without) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let (docs, words) = &pages[run % pages.len()];
        let start = Instant::now();
        for d in docs {
            std::hint::black_box(ceiba_search::highlight::highlight(d, words, Lang::Es));
        }
        let us = start.elapsed().as_secs_f64() * 1e6;
        if words.is_empty() {
            without.push(us);
        } else {
            with_words.push(us);
        }
    }
    print(
        "breakdown: highlight of one page (20 hits), queries with words",
        summary(&with_words),
    );
    print(
        "breakdown: highlight of one page (20 hits), empty queries",
        summary(&without),
    );

    // Facets alone: every document of the index, counted by the six facet fields.
    let tindex = tantivy::Index::open_in_dir(search_dir)?;
    let reader = tindex.reader()?;
    let searcher = reader.searcher();
    let names = [
        "facet_groups",
        "facet_organization",
        "facet_tags",
        "facet_res_format",
        "facet_license_id",
        "facet_year",
    ];
    let (mut count_only, mut faceted) = (Vec::new(), Vec::new());
    let mut values = 0;
    let mut reference: Vec<std::collections::HashMap<String, u64>> = Vec::new();
    for _ in 0..runs.clamp(1, 500) {
        let start = Instant::now();
        std::hint::black_box(searcher.search(&AllQuery, &Count)?);
        count_only.push(start.elapsed().as_secs_f64() * 1e6);
        let mut facets = MultiCollector::new();
        let handles: Vec<_> = names
            .iter()
            .map(|f| {
                let mut c = FacetCollector::for_field(*f);
                c.add_facet(tantivy::schema::Facet::root());
                facets.add_collector(c)
            })
            .collect();
        let start = Instant::now();
        let mut fruit = searcher.search(&AllQuery, &facets)?;
        faceted.push(start.elapsed().as_secs_f64() * 1e6);
        reference = handles
            .into_iter()
            .map(|h| {
                h.extract(&mut fruit)
                    .get(tantivy::schema::Facet::root())
                    .map(|(f, n)| {
                        (
                            f.to_path()
                                .last()
                                .map_or(String::new(), |s| (*s).to_owned()),
                            n,
                        )
                    })
                    .collect::<std::collections::HashMap<String, u64>>()
            })
            .collect();
        values = reference.iter().map(|m| m.len()).sum();
    }
    print(
        "breakdown: all documents, count only (tantivy)",
        summary(&count_only),
    );
    let mut line = summary(&faceted);
    if let Some(o) = line.as_object_mut() {
        o.insert("docs".into(), json!(searcher.num_docs()));
        o.insert("distinct_facet_values".into(), json!(values));
        o.insert("segments".into(), json!(searcher.segment_readers().len()));
    }
    print(
        "breakdown: all documents, six FacetCollectors (tantivy)",
        line,
    );

    // The same counts by a collector that counts ordinals for all six fields in one
    // pass and names only the ordinals found, in one sorted walk of each dictionary.
    let collector = OrdinalFacets { fields: names };
    let mut times = Vec::new();
    let mut same = true;
    for _ in 0..runs.clamp(1, 500) {
        let start = Instant::now();
        let counts = searcher.search(&AllQuery, &collector)?;
        times.push(start.elapsed().as_secs_f64() * 1e6);
        same &= counts == reference;
    }
    let mut line = summary(&times);
    if let Some(o) = line.as_object_mut() {
        o.insert("same_counts_as_facet_collector".into(), json!(same));
    }
    print(
        "breakdown: all documents, prototype ordinal facet counter (tantivy)",
        line,
    );
    Ok(())
}

/// Facet counts of several fields in one collector: per segment, a counter per term
/// ordinal; at the end, only the ordinals seen are turned into values, in one sorted walk
/// of the segment's dictionary (tantivy's `FacetCollector` walks the whole dictionary when
/// it starts on a segment and looks each ordinal up on its own at the end).
struct OrdinalFacets {
    fields: [&'static str; 6],
}

struct OrdinalFacetsSegment {
    readers: Vec<tantivy::fastfield::FacetReader>,
    counts: Vec<Vec<u32>>,
}

impl tantivy::collector::Collector for OrdinalFacets {
    type Fruit = Vec<std::collections::HashMap<String, u64>>;
    type Child = OrdinalFacetsSegment;

    fn for_segment(
        &self,
        _: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<OrdinalFacetsSegment> {
        let readers = self
            .fields
            .iter()
            .map(|f| segment.facet_reader(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = readers.iter().map(|r| vec![0u32; r.num_facets()]).collect();
        Ok(OrdinalFacetsSegment { readers, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<Vec<std::collections::HashMap<String, u64>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut out = vec![std::collections::HashMap::new(); self.fields.len()];
        for seg in segments {
            for (all, counts) in out.iter_mut().zip(seg) {
                for (value, n) in counts {
                    *all.entry(value).or_insert(0) += n;
                }
            }
        }
        Ok(out)
    }
}

impl tantivy::collector::SegmentCollector for OrdinalFacetsSegment {
    type Fruit = Vec<std::collections::HashMap<String, u64>>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        for (reader, counts) in self.readers.iter().zip(self.counts.iter_mut()) {
            for ord in reader.facet_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.readers
            .iter()
            .zip(self.counts)
            .map(|(reader, counts)| {
                let ords: Vec<u64> = (0..counts.len() as u64)
                    .filter(|&o| counts[o as usize] > 0)
                    .collect();
                let mut out = std::collections::HashMap::with_capacity(ords.len());
                let mut k = 0;
                let _ = reader.facet_dict().sorted_ords_to_term_cb(&ords, |bytes| {
                    // A facet's encoded form: its path segments separated by 0 bytes.
                    let value = bytes.rsplit(|b| *b == 0).next().unwrap_or(bytes);
                    out.insert(
                        String::from_utf8_lossy(value).into_owned(),
                        u64::from(counts[ords[k] as usize]),
                    );
                    k += 1;
                });
                out
            })
            .collect()
    }
}

struct Args {
    datasets: usize,
    runs: usize,
    data: Option<PathBuf>,
    seed: u64,
    in_place: bool,
}

fn args() -> Result<Args, Error> {
    let mut a = Args {
        datasets: 10_000,
        runs: 2_000,
        data: None,
        seed: 42,
        in_place: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--datasets" => a.datasets = value()?.parse()?,
            "--runs" => a.runs = value()?.parse()?,
            "--data" => a.data = Some(PathBuf::from(value()?)),
            "--seed" => a.seed = value()?.parse()?,
            "--in-place" => a.in_place = true,
            "-h" | "--help" => {
                println!(
                    "usage: search_bench [--datasets N] [--runs R] [--data DIR] [--seed S] [--in-place]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(a)
}

/// A catalog with the generated datasets at `root/catalog.db`, or the one already there.
async fn prepare_catalog(a: &Args, root: &Path) -> Result<Catalog, Error> {
    let target = root.join("catalog.db");
    std::fs::create_dir_all(root.join("files"))?;
    if target.exists() {
        let catalog = Catalog::open_sqlite(&target).await?;
        let n = catalog.dataset_ids().await?.len();
        print(
            "generation",
            json!({"skipped": true, "reason": "catalog.db exists", "datasets": n,
                   "catalog": target.display().to_string()}),
        );
        return Ok(catalog);
    }
    let shm = Path::new("/dev/shm");
    let scratch = if !a.in_place && shm.is_dir() {
        Some(tempfile::tempdir_in(shm)?)
    } else {
        None
    };
    let path = match &scratch {
        Some(s) => s.path().join("catalog.db"),
        None => target.clone(),
    };
    let start = Instant::now();
    let catalog = Catalog::open_sqlite(&path).await?;
    let (_, counts) = generate(&catalog, a.datasets, a.seed).await?;
    let written = start.elapsed().as_secs_f64();
    catalog.close().await;
    if path != target {
        std::fs::copy(&path, &target)?;
    }
    let seconds = start.elapsed().as_secs_f64();
    print(
        "generation",
        json!({
            "seconds": round(seconds * 100.0) / 100.0,
            "store_seconds": round(written * 100.0) / 100.0,
            "datasets_per_s": round(counts.datasets as f64 / seconds),
            "datasets": counts.datasets,
            "private": counts.private,
            "drafts": counts.drafts,
            "resources": counts.resources,
            "ingested_versions": counts.versions,
            "columns": counts.columns,
            "organizations": ORGANIZATIONS.len(),
            "categories": CATEGORIES.len(),
            "written_in": path.parent().map(|p| p.display().to_string()),
            "catalog_bytes": std::fs::metadata(&target)?.len(),
        }),
    );
    Ok(Catalog::open_sqlite(&target).await?)
}

async fn run(a: Args) -> Result<(), Error> {
    let temp = tempfile::tempdir()?;
    let root = a.data.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let catalog = prepare_catalog(&a, &root).await?;

    // Full reindex, where the portal keeps its index.
    let search_dir = root.join("search");
    let index = Arc::new(SearchIndex::open(&search_dir)?);
    let indexer = Indexer::new(catalog.clone(), index.clone());
    for pass in ["first", "second"] {
        let start = Instant::now();
        let report = indexer.rebuild().await?;
        let seconds = start.elapsed().as_secs_f64();
        print(
            "full reindex (Indexer::rebuild)",
            json!({
                "pass": pass,
                "seconds": round(seconds * 1000.0) / 1000.0,
                "docs": report.written,
                "searchable": index.len(),
                "index_bytes": dir_bytes(&search_dir),
                "index_dir": search_dir.display().to_string(),
            }),
        );
    }

    // Incremental catch-up after editing 100 datasets.
    let ids = catalog.dataset_ids().await?;
    let step = (ids.len() / 100).max(1);
    let mut edited = 0;
    let start = Instant::now();
    for id in ids.iter().step_by(step).take(100) {
        let Some(mut d) = catalog.dataset_by_id(*id).await? else {
            continue;
        };
        match d.title.es.strip_suffix(" (revisado)") {
            Some(t) => d.title.es = t.to_owned(),
            None => d.title.es.push_str(" (revisado)"),
        }
        d.modified = ceiba_store::now();
        catalog.update_dataset(&d).await?;
        edited += 1;
    }
    let edit_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let report = indexer.catch_up().await?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    print(
        "incremental catch-up (Indexer::catch_up)",
        json!({
            "edited_datasets": edited,
            "ms": round(ms),
            "written": report.written,
            "removed": report.removed,
            "rebuilt": report.rebuilt,
            "edits_seconds": round(edit_seconds * 100.0) / 100.0,
        }),
    );

    // Searches.
    let cases = cases();
    let warm = Instant::now();
    for _ in 0..10 {
        for c in &cases {
            index.search_uncached(&c.req)?;
        }
    }
    print(
        "warm-up",
        json!({"searches": cases.len() * 10, "seconds": round(warm.elapsed().as_secs_f64() * 100.0) / 100.0}),
    );
    let mut per_case: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    let mut all = Vec::with_capacity(a.runs);
    let mut totals = vec![(0usize, false, 0usize); cases.len()];
    for run in 0..a.runs {
        let k = run % cases.len();
        let start = Instant::now();
        let r = index.search_uncached(&cases[k].req)?;
        let us = start.elapsed().as_secs_f64() * 1e6;
        per_case[k].push(us);
        all.push(us);
        totals[k] = (r.total, r.relaxed, r.hits.len());
    }
    for (k, c) in cases.iter().enumerate() {
        let mut line = summary(&per_case[k]);
        let (total, relaxed, hits) = totals[k];
        if let Some(o) = line.as_object_mut() {
            o.insert("total".into(), json!(total));
            o.insert("hits".into(), json!(hits));
            if relaxed {
                o.insert("relaxed".into(), json!(true));
            }
        }
        print(&format!("search {}", c.label), line);
    }
    let mut line = summary(&all);
    if let Some(o) = line.as_object_mut() {
        o.insert("queries".into(), json!(cases.len()));
        o.insert("limit".into(), json!(20));
        o.insert("facet_limit".into(), json!(12));
        o.insert("goal".into(), json!("p50 <= 5000 us, p99 <= 20000 us"));
    }
    print("search with facets (mix)", line);

    // Throughput on every core, in-process (an upper bound for the search page).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let window = Duration::from_secs(3);
    let done = throughput(threads, window, &cases, |r| {
        index.search_uncached(r).is_ok()
    });
    print(
        "search throughput (mix, in-process, every search computed)",
        json!({"threads": threads, "seconds": window.as_secs(),
               "searches_per_s": round(done as f64 / window.as_secs_f64())}),
    );
    // The same mix through `search`, which remembers results until the next commit, as
    // the portal serves them.
    let done = throughput(threads, window, &cases, |r| index.search(r).is_ok());
    print(
        "search throughput (mix, in-process, recent results remembered)",
        json!({"threads": threads, "seconds": window.as_secs(),
               "searches_per_s": round(done as f64 / window.as_secs_f64())}),
    );

    breakdown(&index, &cases, &search_dir, a.runs)?;

    // Suggestions while typing.
    let typed = [
        "pobl",
        "huehue",
        "desnut",
        "ejec",
        "coop",
        "quetz",
        "matric",
        "seg",
        "inversion mun",
    ];
    for q in typed {
        index.suggest(q, &Audience::Public, Lang::Es, 5)?;
    }
    let mut times = Vec::with_capacity(a.runs);
    let mut found = 0;
    for run in 0..a.runs {
        let q = typed[run % typed.len()];
        let start = Instant::now();
        let s = index.suggest(q, &Audience::Public, Lang::Es, 5)?;
        times.push(start.elapsed().as_secs_f64() * 1e6);
        found += s.datasets.len() + s.categories.len() + s.organizations.len();
    }
    let mut line = summary(&times);
    if let Some(o) = line.as_object_mut() {
        o.insert("typed".into(), json!(typed));
        o.insert(
            "suggestions_per_call".into(),
            json!(round(found as f64 / a.runs.max(1) as f64)),
        );
    }
    print("suggest (limit 5)", line);

    if let Some(dir) = &a.data {
        print(
            "data dir",
            json!({"dir": dir.display().to_string(), "serve": format!("ceiba serve --data {}", dir.display())}),
        );
    }
    drop(indexer);
    drop(index);
    catalog.close().await;
    Ok(())
}

fn main() -> Result<(), Error> {
    let a = args()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run(a))
}
