//! Learning what a table says of each place, once per table version in service.
//!
//! The place column is the first one recognised as department or municipality codes (or
//! department names, or municipality names with a department column beside them, which
//! tells homonyms apart). A year column is an integer column named like one (`anio`,
//! `ejercicio`, `periodo`) whose values are years; numbers written one column per year
//! (`indice_2013`, `indice_2016`) make one figure over those years. Codes, years and
//! positions in a ranking are not figures.
//!
//! A table with one row per place (and year) holds indicators: the country's and a
//! department's figure is then the mean of their places'. Otherwise its rows are summed
//! (amounts), and the number of rows is a figure too (projects, schools).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ceiba_core::IngestedTable;
use ceiba_query::{AggregateRequest, Engine, Measure, MeasureFn, TableSpec};
use ceiba_store::{PlaceFigure, PlaceTable};
use ceiba_viz::territory::{self, Kind, Level};
use serde::{Deserialize, Serialize};

use crate::{Error, Portal};

/// Figures shown per table (the number of rows of an amounts table aside).
pub const MAX_MEASURES: usize = 6;
/// Tables learned per call (a profile asked for meanwhile waits for no more).
const LEARN_BATCH: i64 = 20;
/// Years shown in a figure's series (the latest).
const MAX_YEARS: usize = 30;

/// One place's figures in one table, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Figures {
    /// `indicator` (one row per place) or `amount` (rows summed).
    pub kind: String,
    /// The year the values are of (the table's latest), when the table has years.
    pub year: Option<i32>,
    pub measures: Vec<MeasureFigure>,
    /// The place's rows, as the explorer's filters select them: `(column, value)` as
    /// written in the table (empty for a place the table only sums, such as a
    /// municipal table's department).
    #[serde(default)]
    pub filter: Vec<(String, String)>,
}

/// One figure of a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureFigure {
    /// The column (or the columns' common name for one column per year); empty for the
    /// number of rows.
    pub column: String,
    pub label: String,
    pub unit: String,
    /// Of the latest year; `None` when the place has no value that year.
    pub value: Option<f64>,
    /// 1 for the largest value among the places of its level.
    pub rank: Option<u32>,
    pub peers: u32,
    /// `(year, value)`, oldest first.
    pub series: Vec<(i32, f64)>,
    /// Whether places combine by their mean (indicators, rates) rather than their sum.
    #[serde(default)]
    pub averaged: bool,
}

/// What a figure reads.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// The number of rows.
    Rows,
    Column(String),
    /// One column per year: `(year, column)`.
    Years(Vec<(i32, String)>),
}

#[derive(Debug, Clone, PartialEq)]
struct Figure {
    name: String,
    label: String,
    unit: String,
    source: Source,
}

/// How a table is read for places.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    place: String,
    level: Level,
    kind: Kind,
    /// A department column that tells municipality names apart.
    hint: Option<String>,
    year: Option<String>,
    figures: Vec<Figure>,
}

fn fold(s: &str) -> String {
    territory::fold_name(s)
}

/// `indice_2013` → (`indice`, 2013).
fn year_suffix(name: &str) -> Option<(&str, i32)> {
    let digits = name.get(name.len().checked_sub(4)?..)?;
    let year: i64 = digits
        .parse()
        .ok()
        .filter(|y| ceiba_core::is_year_number(*y))?;
    let year = i32::try_from(year).ok()?;
    let base = name[..name.len() - 4].trim_end_matches(['_', ' ', '-', '.']);
    (!base.is_empty()).then_some((base, year))
}

/// Rates, shares and indexes are averaged, never summed (a municipality's weekly rates
/// do not add up, nor do its departments' percentages).
fn is_rate(f: &Figure) -> bool {
    if f.unit.trim() == "%" {
        return true;
    }
    let n = fold(&format!("{} {}", f.name, f.label));
    n.contains('%')
        || n.split(' ').any(|w| {
            matches!(
                w,
                "tasa"
                    | "pct"
                    | "porcentaje"
                    | "indice"
                    | "razon"
                    | "promedio"
                    | "ratio"
                    | "proporcion"
                    | "media"
                    | "rate"
                    | "share"
                    | "index"
                    | "average"
                    | "percent"
            )
        })
        || n.contains(" por 1")
        || n.contains(" x 1")
}

fn plan_of(table: &IngestedTable) -> Option<Plan> {
    let recognised: Vec<(usize, territory::TerritoryColumn)> = table
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| territory::recognise_column(c).map(|t| (i, t)))
        .collect();
    let department_column = recognised
        .iter()
        .find(|(_, t)| t.level == Level::Department)
        .map(|(i, _)| table.columns[*i].name.clone());
    // Municipalities before departments, codes before names; names of municipalities
    // only with a department to tell homonyms apart.
    let choice = [
        (Level::Municipality, Kind::Code),
        (Level::Municipality, Kind::Name),
        (Level::Department, Kind::Code),
        (Level::Department, Kind::Name),
    ]
    .into_iter()
    .find_map(|(level, kind)| {
        recognised
            .iter()
            .find(|(_, t)| t.level == level && t.kind == kind)
            .filter(|_| {
                !(level == Level::Municipality && kind == Kind::Name) || department_column.is_some()
            })
            .map(|(i, t)| (*i, *t))
    })?;
    let (place_index, place) = choice;
    let place_name = table.columns[place_index].name.clone();
    let hint = (place.level == Level::Municipality && place.kind == Kind::Name)
        .then(|| department_column.clone())
        .flatten();
    let territorial: BTreeSet<usize> = recognised.iter().map(|(i, _)| *i).collect();
    let year = table
        .columns
        .iter()
        .find(|c| c.is_year())
        .map(|c| c.name.clone());

    let mut figures: Vec<Figure> = Vec::new();
    let mut by_year: BTreeMap<String, Figure> = BTreeMap::new();
    for (i, c) in table.columns.iter().enumerate() {
        if !c.is_figure() || territorial.contains(&i) || Some(&c.name) == year.as_ref() {
            continue;
        }
        // One column per year, unless the rows already carry their year (a column named
        // `meta_2025` beside `anio` is a figure of its own).
        if let Some((base, y)) = year_suffix(&c.name).filter(|_| year.is_none()) {
            let label = year_suffix(&c.label).map_or(base, |(b, _)| b).to_owned();
            let f = by_year.entry(base.to_owned()).or_insert_with(|| Figure {
                name: base.to_owned(),
                label,
                unit: c.unit.clone(),
                source: Source::Years(Vec::new()),
            });
            if let Source::Years(ys) = &mut f.source {
                ys.push((y, c.name.clone()));
            }
            continue;
        }
        figures.push(Figure {
            name: c.name.clone(),
            label: c.label.clone(),
            unit: c.unit.clone(),
            source: Source::Column(c.name.clone()),
        });
    }
    // A name with a single year is an ordinary column.
    for (_, f) in by_year {
        match f.source {
            Source::Years(ys) if ys.len() == 1 => figures.push(Figure {
                name: ys[0].1.clone(),
                source: Source::Column(ys[0].1.clone()),
                label: table
                    .columns
                    .iter()
                    .find(|c| c.name == ys[0].1)
                    .map_or(f.label, |c| c.label.clone()),
                unit: f.unit,
            }),
            source => figures.push(Figure { source, ..f }),
        }
    }
    figures.truncate(MAX_MEASURES);
    Some(Plan {
        place: place_name,
        level: place.level,
        kind: place.kind,
        hint,
        year,
        figures,
    })
}

/// Sums per place and year, as the aggregation gave them.
#[derive(Debug, Default)]
struct Group {
    rows: f64,
    /// One per aggregated column, in request order.
    sums: Vec<Option<f64>>,
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Each figure's value per place and year (`None` year: the table has none).
type Values = HashMap<&'static str, BTreeMap<Option<i32>, f64>>;

impl Portal {
    /// Learns the places of tables in service never looked at (at most a batch per
    /// call); returns how many tables were learned.
    pub async fn learn_places(&self, engine: &Engine) -> Result<usize, Error> {
        let pending = self.catalog().tables_without_places(LEARN_BATCH).await?;
        let mut learned = 0;
        // Pending tables come by version: each version's tables are read once.
        let mut tables: Vec<IngestedTable> = Vec::new();
        for (version_id, position) in pending {
            if tables.first().is_none_or(|t| t.version_id != version_id) {
                tables = self.catalog().tables_of(version_id).await?;
            }
            let Some(table) = tables.iter().find(|t| t.position == position) else {
                continue;
            };
            let (place, figures) = match plan_of(table) {
                Some(plan) => match learn_table(engine, table, &plan).await {
                    Ok(found) => found,
                    Err(e) => {
                        // Recorded as placeless: a table the engine cannot read is not
                        // asked again at every profile (a new version is).
                        tracing::warn!(error = %e, %version_id, position, "places not learned");
                        (placeless(table), Vec::new())
                    }
                },
                None => (placeless(table), Vec::new()),
            };
            self.catalog().record_places(&place, &figures).await?;
            learned += 1;
        }
        Ok(learned)
    }
}

fn placeless(table: &IngestedTable) -> PlaceTable {
    PlaceTable {
        version_id: table.version_id,
        position: table.position,
        place_column: String::new(),
        level: String::new(),
        year_column: None,
        unplaced_rows: 0,
    }
}

async fn learn_table(
    engine: &Engine,
    table: &IngestedTable,
    plan: &Plan,
) -> Result<(PlaceTable, Vec<PlaceFigure>), ceiba_query::QueryError> {
    // The columns summed, each once, in the order the figures name them.
    let mut summed: Vec<String> = Vec::new();
    for f in &plan.figures {
        let cols: Vec<&String> = match &f.source {
            Source::Rows => Vec::new(),
            Source::Column(c) => vec![c],
            Source::Years(ys) => ys.iter().map(|(_, c)| c).collect(),
        };
        for c in cols {
            if !summed.contains(c) {
                summed.push(c.clone());
            }
        }
    }
    let mut group_by = vec![plan.place.clone()];
    group_by.extend(plan.hint.clone());
    group_by.extend(plan.year.clone());
    let mut measures = vec![Measure {
        func: MeasureFn::Count,
        column: None,
    }];
    measures.extend(summed.iter().map(|c| Measure {
        func: MeasureFn::Sum,
        column: Some(c.clone()),
    }));
    let spec = TableSpec::from(table);
    let res = engine
        .aggregate(
            &spec,
            &AggregateRequest {
                group_by: group_by.clone(),
                measures,
                limit: engine.limits().max_groups,
                ..Default::default()
            },
        )
        .await?;
    // More places and years than the engine returns at once: figures made of part of the
    // groups would be wrong, so the table is said to have none (the caller records it).
    if res.total > res.rows.len() as u64 {
        return Err(ceiba_query::QueryError::bad(
            "group_by",
            ceiba_query::Problem::TooComplex,
            format!("{} groups of places and years", res.total),
        ));
    }

    let n_group = group_by.len();
    let mut groups: HashMap<(&'static str, Option<i32>), Group> = HashMap::new();
    let mut filters: HashMap<&'static str, Vec<(String, String)>> = HashMap::new();
    let mut unplaced = 0f64;
    for row in &res.rows {
        let key = row.first().and_then(text).unwrap_or_default();
        let hint = plan.hint.as_ref().and_then(|_| row.get(1).and_then(text));
        let year = plan
            .year
            .as_ref()
            .and_then(|_| row.get(n_group - 1).and_then(number))
            .map(|y| y as i32);
        let rows = row.get(n_group).and_then(number).unwrap_or(0.0);
        let Some(code) = territory::normalise(plan.level, plan.kind, &key, hint.as_deref()) else {
            unplaced += rows;
            continue;
        };
        filters.entry(code).or_insert_with(|| {
            let mut f = vec![(plan.place.clone(), key.clone())];
            if let (Some(column), Some(value)) = (&plan.hint, &hint) {
                f.push((column.clone(), value.clone()));
            }
            f
        });
        let g = groups.entry((code, year)).or_insert_with(|| Group {
            rows: 0.0,
            sums: vec![None; summed.len()],
        });
        g.rows += rows;
        for (i, s) in g.sums.iter_mut().enumerate() {
            if let Some(v) = row.get(n_group + 1 + i).and_then(number) {
                *s = Some(s.unwrap_or(0.0) + v);
            }
        }
    }
    // One row per place and year: indicators. Otherwise amounts, and the rows count.
    let indicator = groups.values().all(|g| g.rows <= 1.0);
    let mut figures = plan.figures.clone();
    if !indicator {
        figures.insert(
            0,
            Figure {
                name: String::new(),
                label: String::new(),
                unit: String::new(),
                source: Source::Rows,
            },
        );
    }

    // Each figure's values by place and year (rates averaged over the place's rows).
    let mut values: Vec<Values> = Vec::new();
    for f in &figures {
        let mut v: Values = HashMap::new();
        let rate = is_rate(f);
        for ((code, year), g) in &groups {
            let column_value = |c: &String| {
                summed
                    .iter()
                    .position(|s| s == c)
                    .and_then(|i| g.sums.get(i).copied().flatten())
                    .map(|x| if rate && g.rows > 1.0 { x / g.rows } else { x })
            };
            match &f.source {
                Source::Rows => {
                    v.entry(code).or_default().insert(*year, g.rows);
                }
                Source::Column(c) => {
                    if let Some(x) = column_value(c) {
                        v.entry(code).or_default().insert(*year, x);
                    }
                }
                Source::Years(ys) => {
                    for (y, c) in ys {
                        if let Some(x) = column_value(c) {
                            v.entry(code).or_default().insert(Some(*y), x);
                        }
                    }
                }
            }
        }
        values.push(v);
    }
    let kind = if indicator { "indicator" } else { "amount" };
    // Places combine by their mean for indicators and rates, else by their sum.
    let combine = |xs: &[f64], averaged: bool| -> Option<f64> {
        if xs.is_empty() {
            None
        } else if averaged {
            Some(xs.iter().sum::<f64>() / xs.len() as f64)
        } else {
            Some(xs.iter().sum())
        }
    };

    // The places of the table's level, the departments above municipalities, the country.
    let mut by_code: BTreeMap<String, Figures> = BTreeMap::new();
    // The table's own level, then (for municipalities) their departments combined.
    let derived_levels: &[bool] = match plan.level {
        Level::Municipality => &[false, true],
        Level::Department => &[false],
    };
    for (fi, f) in figures.iter().enumerate() {
        let own = &values[fi];
        let averaged = indicator || is_rate(f);
        for derived in derived_levels {
            // Values at this level: the table's own, or its municipalities' combined.
            let at_level: HashMap<&'static str, BTreeMap<Option<i32>, f64>> = if *derived {
                let mut parts: HashMap<&'static str, BTreeMap<Option<i32>, Vec<f64>>> =
                    HashMap::new();
                for (code, years) in own {
                    let Some(dep) = code
                        .get(..2)
                        .and_then(|d| territory::normalise_code(Level::Department, d))
                    else {
                        continue;
                    };
                    for (y, x) in years {
                        parts
                            .entry(dep)
                            .or_default()
                            .entry(*y)
                            .or_default()
                            .push(*x);
                    }
                }
                parts
                    .into_iter()
                    .map(|(dep, years)| {
                        let combined = years
                            .into_iter()
                            .filter_map(|(y, xs)| combine(&xs, averaged).map(|x| (y, x)))
                            .collect();
                        (dep, combined)
                    })
                    .collect()
            } else {
                own.clone()
            };
            add_figures(&mut by_code, f, kind, averaged, &at_level);
        }
        // The country: all places of the table's own level combined.
        let mut national: BTreeMap<Option<i32>, Vec<f64>> = BTreeMap::new();
        for years in own.values() {
            for (y, x) in years {
                national.entry(*y).or_default().push(*x);
            }
        }
        let national: BTreeMap<Option<i32>, f64> = national
            .into_iter()
            .filter_map(|(y, xs)| combine(&xs, averaged).map(|x| (y, x)))
            .collect();
        let entry = by_code.entry(String::new()).or_insert_with(|| Figures {
            kind: kind.into(),
            ..Default::default()
        });
        let latest = national.keys().next_back().copied().flatten();
        entry.year = entry.year.or(latest);
        entry.measures.push(MeasureFigure {
            column: f.name.clone(),
            label: f.label.clone(),
            unit: f.unit.clone(),
            value: national.values().next_back().copied(),
            rank: None,
            peers: 0,
            series: series(&national),
            averaged,
        });
    }
    let place = PlaceTable {
        version_id: table.version_id,
        position: table.position,
        place_column: plan.place.clone(),
        level: crate::level_name(plan.level).to_owned(),
        year_column: plan.year.clone().or_else(|| {
            plan.figures
                .iter()
                .any(|f| matches!(f.source, Source::Years(_)))
                .then(String::new)
        }),
        unplaced_rows: unplaced as i64,
    };
    for (code, f) in by_code.iter_mut() {
        if let Some(filter) = filters.get(code.as_str()) {
            f.filter = filter.clone();
        }
    }
    let stored = by_code
        .into_iter()
        .map(|(code, f)| PlaceFigure {
            code,
            figures: serde_json::to_value(f).unwrap_or_default(),
        })
        .collect();
    Ok((place, stored))
}

fn series(values: &BTreeMap<Option<i32>, f64>) -> Vec<(i32, f64)> {
    let all: Vec<(i32, f64)> = values
        .iter()
        .filter_map(|(y, x)| y.map(|y| (y, *x)))
        .collect();
    all[all.len().saturating_sub(MAX_YEARS)..].to_vec()
}

/// Adds figure `f` of every place of `level` (its latest year's value, its rank among
/// the places that have one, its series).
fn add_figures(
    by_code: &mut BTreeMap<String, Figures>,
    f: &Figure,
    kind: &str,
    averaged: bool,
    values: &HashMap<&'static str, BTreeMap<Option<i32>, f64>>,
) {
    let latest: Option<Option<i32>> = values
        .values()
        .flat_map(|years| years.keys().copied())
        .max();
    let Some(latest) = latest else {
        return;
    };
    let mut at_latest: Vec<(&'static str, f64)> = values
        .iter()
        .filter_map(|(code, years)| years.get(&latest).map(|x| (*code, *x)))
        .collect();
    at_latest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let peers = at_latest.len() as u32;
    // A rank among places that all have the same value says nothing.
    let all_equal = at_latest.windows(2).all(|w| w[0].1 == w[1].1);
    let rank_of: HashMap<&str, u32> = {
        let mut ranks = HashMap::new();
        let mut rank = 0u32;
        let mut last: Option<f64> = None;
        for (i, (code, x)) in at_latest.iter().enumerate() {
            // Ties share a rank.
            if last != Some(*x) {
                rank = i as u32 + 1;
                last = Some(*x);
            }
            ranks.insert(*code, rank);
        }
        ranks
    };
    for (code, years) in values {
        let entry = by_code
            .entry((*code).to_owned())
            .or_insert_with(|| Figures {
                kind: kind.into(),
                year: latest,
                ..Default::default()
            });
        entry.measures.push(MeasureFigure {
            column: f.name.clone(),
            label: f.label.clone(),
            unit: f.unit.clone(),
            value: years.get(&latest).copied(),
            rank: rank_of.get(code).copied().filter(|_| !all_equal),
            peers,
            series: series(years),
            averaged,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ceiba_core::{Column, ColumnStats, ColumnType, TopValue};

    fn column(name: &str, t: ColumnType, top: &[&str], range: (&str, &str)) -> Column {
        Column {
            name: name.into(),
            label: name.into(),
            column_type: t,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats {
                top: top
                    .iter()
                    .map(|v| TopValue {
                        value: (*v).into(),
                        count: 1,
                    })
                    .collect(),
                min: Some(range.0.into()),
                max: Some(range.1.into()),
                ..Default::default()
            },
        }
    }

    fn table(columns: Vec<Column>) -> IngestedTable {
        IngestedTable {
            version_id: uuid::Uuid::nil(),
            position: 0,
            name: "t".into(),
            parquet_key: "k".into(),
            rows: 10,
            columns,
        }
    }

    #[test]
    fn the_place_column_years_and_figures_are_found() {
        let munis = [
            "0101", "0102", "1301", "1302", "1601", "0502", "1201", "2201",
        ];
        let t = table(vec![
            column(
                "codigo_municipio",
                ColumnType::Text,
                &munis,
                ("0101", "2217"),
            ),
            column(
                "municipio",
                ColumnType::Text,
                &["Mixco", "Cobán"],
                ("A", "Z"),
            ),
            column(
                "codigo_departamento",
                ColumnType::Text,
                &["01", "13", "16"],
                ("01", "22"),
            ),
            column("indice_2013", ColumnType::Decimal, &[], ("0.1", "0.9")),
            column("indice_2016", ColumnType::Decimal, &[], ("0.1", "0.9")),
            column("posicion_2018", ColumnType::Integer, &[], ("1", "340")),
            column("hogares", ColumnType::Integer, &[], ("10", "900")),
        ]);
        let plan = plan_of(&t).unwrap_or_else(|| panic!("a plan"));
        assert_eq!(
            (plan.place.as_str(), plan.level),
            ("codigo_municipio", Level::Municipality)
        );
        assert_eq!(plan.year, None);
        let names: Vec<&str> = plan.figures.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["hogares", "indice"],
            "positions in a ranking are no figure"
        );
        assert_eq!(
            plan.figures[1].source,
            Source::Years(vec![
                (2013, "indice_2013".into()),
                (2016, "indice_2016".into())
            ])
        );
        // A year column by name and values; amounts.
        let t = table(vec![
            column(
                "departamento",
                ColumnType::Text,
                &["Guatemala", "Petén", "Jutiapa"],
                ("A", "Z"),
            ),
            column(
                "ejercicio",
                ColumnType::Integer,
                &["2020", "2021"],
                ("2015", "2025"),
            ),
            column("monto", ColumnType::Decimal, &[], ("1", "9")),
        ]);
        let plan = plan_of(&t).unwrap_or_else(|| panic!("a plan"));
        assert_eq!((plan.level, plan.kind), (Level::Department, Kind::Name));
        assert_eq!(plan.year.as_deref(), Some("ejercicio"));
        // Week numbers are no figure; rates are averaged, counts summed.
        let t = table(vec![
            column(
                "codigo_municipio",
                ColumnType::Text,
                &munis,
                ("0101", "2217"),
            ),
            column(
                "semana_epidemiologica",
                ColumnType::Integer,
                &[],
                ("1", "52"),
            ),
            column("casos", ColumnType::Integer, &[], ("0", "90")),
            column("tasa_por_10000", ColumnType::Decimal, &[], ("0", "9")),
        ]);
        let plan = plan_of(&t).unwrap_or_else(|| panic!("a plan"));
        let names: Vec<&str> = plan.figures.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["casos", "tasa_por_10000"]);
        assert!(!is_rate(&plan.figures[0]) && is_rate(&plan.figures[1]));
        // No place column: nothing to learn.
        let t = table(vec![column("monto", ColumnType::Decimal, &[], ("1", "9"))]);
        assert!(plan_of(&t).is_none());
    }
}
