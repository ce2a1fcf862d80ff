//! One generated dataset: its metadata, its resources and the tables of those ingested.

use std::collections::BTreeMap;

use anyhow::Result;
use ceiba_core::territory::{DEPARTMENTS, MUNICIPALITIES};
use ceiba_core::{
    media_type_for_format, ColumnType, Contact, Dataset, DatasetState, Frequency, IngestedTable,
    Localized, Organization, Resource, Temporal,
};
use chrono::NaiveDate;
use uuid::Uuid;

use super::columns::table_columns;
use super::publishers::ORGANIZATIONS;
use super::territory::{department_of, rows_of, Scope};
use super::topics::TOPICS;
use crate::ids;
use crate::random::Rng;

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

/// `(frequency, weight)`; `None` is a dataset that says nothing.
const FREQUENCIES: &[(Option<Frequency>, f64)] = &[
    (Some(Frequency::Annual), 55.0),
    (Some(Frequency::Monthly), 12.0),
    (Some(Frequency::Quarterly), 8.0),
    (Some(Frequency::Weekly), 5.0),
    (None, 20.0),
];

/// `s` as a URL name: lower case without accents, and anything but ASCII letters and
/// digits a single hyphen.
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

/// One dataset with its resources and, for those ingested, the table of each.
#[derive(Debug, PartialEq)]
pub(super) struct Planned {
    pub(super) dataset: Dataset,
    pub(super) resources: Vec<(Resource, Option<IngestedTable>)>,
}

/// Dataset `i` of the catalog of `seed`: the same whatever was generated before it.
pub(super) fn plan(seed: u64, i: usize, orgs: &[Organization]) -> Result<Planned> {
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
    let created =
        ids::time(2016, 1, 1, 12, 0)? + chrono::Duration::seconds(rng.int(0, 300_000_000));
    let modified = (created + chrono::Duration::seconds(rng.int(0, 31_536_000)))
        .min(ids::time(2025, 9, 30, 12, 0)?);
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
    Ok(Planned { dataset, resources })
}
