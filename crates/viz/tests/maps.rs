//! Territorial maps over Guatemala's real boundary files (../shared/data/guatemala):
//! areas recognised, classes, legends, tooltips, unmatched rows, sizes, bad files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use ceiba_core::lang::Lang;
use ceiba_viz::format::Unit;
use ceiba_viz::map::{
    join_rows, join_values, parse_boundaries, prepare, render_boundary_error, render_choropleth,
    render_choropleth_joined, render_tile_grid, BoundaryError, BoundaryOptions, BoundarySet,
    ClassMethod, MapOptions, PreparedMap, TILES,
};
use ceiba_viz::territory::{self, Kind, Level};

const NBSP: char = '\u{A0}';

/// Whether the shared data is beside the workspace; tests skip (saying so) without it.
fn here() -> bool {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/guatemala");
    let found = dir.join("boundaries").is_dir();
    if !found {
        eprintln!("skipped: {} is absent", dir.display());
    }
    found
}

fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/guatemala");
    assert!(
        dir.join("boundaries").is_dir(),
        "the shared Guatemala data is expected at {}",
        dir.display()
    );
    dir
}

fn read(rel: &str) -> Vec<u8> {
    let path = data_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn boundaries(file: &str, property: Option<&str>) -> BoundarySet {
    parse_boundaries(
        &read(&format!("boundaries/{file}")),
        &BoundaryOptions {
            code_property: property,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `(code, name, population 2018)` of the 22 departments.
fn departments() -> Vec<(String, String, f64)> {
    let text = String::from_utf8(read("reference/departamentos.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[5].parse().unwrap())
        })
        .collect()
}

/// `(code, department code, municipality name, population 2018)` of the 340 municipalities.
fn municipalities() -> Vec<(String, String, String, f64)> {
    let text = String::from_utf8(read("reference/municipios.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[3].to_string(),
                f[6].parse().unwrap(),
            )
        })
        .collect()
}

/// The quantile class (1-based) of `v`, computed apart from the library: the first class
/// `i` whose share of the ranks, ⌈i·n/k⌉, exceeds the count of values below `v`.
fn expected_quantile_class(v: f64, all: &[f64], k: usize) -> usize {
    let n = all.len();
    let below = all.iter().filter(|&&x| x < v).count();
    (1..=k).find(|&i| below < (i * n).div_ceil(k)).unwrap()
}

/// Legend classes as `(lower, upper, count)`.
type Legend = Vec<(f64, f64, usize)>;

struct Drawn {
    class: String,
    value: Option<f64>,
    title: String,
}

/// The areas (or tiles) of a map's SVG by `data-code`, and the legend classes.
fn parse_svg(svg: &str, element: &str, class: &str) -> (HashMap<String, Drawn>, Legend, bool) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut areas = HashMap::new();
    for node in doc.descendants().filter(|n| {
        n.has_tag_name(element)
            && n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == class))
    }) {
        let code = node.attribute("data-code").expect("data-code").to_string();
        let classes: Vec<&str> = node.attribute("class").unwrap().split(' ').collect();
        let title = node
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string();
        let drawn = Drawn {
            class: classes[1].to_string(),
            value: node.attribute("data-value").map(|v| v.parse().unwrap()),
            title,
        };
        assert!(
            areas.insert(code.clone(), drawn).is_none(),
            "{code} drawn twice"
        );
    }
    let mut legend = Vec::new();
    let mut no_data_legend = false;
    for node in doc.descendants().filter(|n| {
        n.attribute("class")
            .is_some_and(|c| c.starts_with("legend-class"))
    }) {
        if node.attribute("class") == Some("legend-class nodata") {
            no_data_legend = true;
            continue;
        }
        legend.push((
            node.attribute("data-lower").unwrap().parse().unwrap(),
            node.attribute("data-upper").unwrap().parse().unwrap(),
            node.attribute("data-count").unwrap().parse().unwrap(),
        ));
    }
    (areas, legend, no_data_legend)
}

fn texts_of_class(svg: &str, class: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some(class))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

fn check_legend(legend: &[(f64, f64, usize)], classes: usize, areas: usize) {
    assert_eq!(legend.len(), classes, "legend classes");
    for w in legend.windows(2) {
        assert!(w[0].0 < w[0].1 && w[0].1 < w[1].1, "ascending: {legend:?}");
        assert_eq!(w[0].1, w[1].0, "contiguous ranges: {legend:?}");
    }
    assert_eq!(legend.iter().map(|c| c.2).sum::<usize>(), areas);
}

#[test]
fn department_boundary_sets_are_recognised() {
    if !here() {
        return;
    }
    // MINFIN's TopoJSON: department × 100 in `id`, found without being named.
    let minfin = boundaries("departamentos_minfin.topojson", None);
    assert_eq!(minfin.level, Level::Department);
    assert_eq!(minfin.code_property, "id");
    assert_eq!(minfin.features.len(), 22);
    assert!(minfin.unmatched.is_empty(), "{:?}", minfin.unmatched);
    assert!(minfin.missing().is_empty());
    let guate = &minfin.features[0];
    assert_eq!(
        (guate.code.as_str(), guate.name.as_deref()),
        ("01", Some("Guatemala"))
    );
    assert_eq!(minfin.features[21].code, "22");

    // IDEG–SEGEPLAN's GeoJSON: `cod_dep` named, and found (not the look-alike `objectid`).
    let ideg = boundaries("departamentos_ideg_segeplan.geojson", Some("cod_dep"));
    assert_eq!(ideg.features.len(), 22);
    let auto = boundaries("departamentos_ideg_segeplan.geojson", None);
    assert_eq!(auto.code_property, "cod_dep");
    let petén = ideg.features.iter().find(|a| a.code == "17").unwrap();
    assert_eq!(petén.name.as_deref(), Some("Petén"));
    // Longitudes and latitudes of Guatemala.
    let (lon, lat) = petén.rings[0][0];
    assert!((-92.5..-88.0).contains(&lon) && (13.5..18.0).contains(&lat));

    // geoBoundaries carries only ISO letters (GT-AV …): they normalise too.
    let gb = boundaries("departamentos_geoboundaries_adm1.geojson", None);
    assert_eq!(gb.code_property, "shapeISO");
    assert_eq!(gb.features.len(), 22);

    assert_eq!(
        minfin.summary(Lang::Es),
        "22 de 22 departamentos reconocidos por la propiedad «id»"
    );
}

#[test]
fn municipal_boundary_sets_are_recognised() {
    if !here() {
        return;
    }
    let minfin = boundaries("municipios_minfin.topojson", None);
    assert_eq!(minfin.level, Level::Municipality);
    assert_eq!(minfin.code_property, "id");
    assert_eq!(minfin.total_features, 343);
    assert_eq!(minfin.features.len(), 340);
    assert!(minfin.missing().is_empty(), "{:?}", minfin.missing());
    // The two lakes (id 0) and Belize (4000) are not municipalities.
    assert_eq!(
        minfin.unmatched,
        vec![
            "Lago de Amatitlán (0)",
            "Lago de Atitlán (0)",
            "Belice (4000)"
        ]
    );
    assert!(minfin.summary(Lang::En).contains("Belice (4000)"));

    let ranking = boundaries("municipios_ranking_redciudadana.geojson", Some("cod_mun"));
    assert_eq!(ranking.features.len(), 340);
    assert!(ranking.unmatched.is_empty());
    assert_eq!(
        boundaries("municipios_ranking_redciudadana.geojson", None).code_property,
        "cod_mun"
    );
    let codes: HashSet<&str> = ranking.features.iter().map(|a| a.code.as_str()).collect();
    let reference: HashSet<String> = municipalities().into_iter().map(|m| m.0).collect();
    assert_eq!(codes.len(), 340);
    assert!(reference.iter().all(|c| codes.contains(c.as_str())));
}

fn department_map() -> PreparedMap {
    prepare(&boundaries("departamentos_minfin.topojson", None), 600, 600)
}

#[test]
fn department_choropleth_classes_legend_tooltips_and_unmatched() {
    if !here() {
        return;
    }
    let map = department_map();
    assert_eq!(map.areas().len(), 22);
    assert!(map.width <= 600 && map.height <= 600);
    let deps = departments();
    // Codes in three spellings, a name, and two rows that are no department.
    let mut rows: Vec<(String, f64)> = deps
        .iter()
        .enumerate()
        .map(|(i, (code, name, pop))| {
            let key = match i % 4 {
                0 => code.clone(),
                1 => code.trim_start_matches('0').to_string(),
                2 => format!("GT{code}"),
                _ => name.to_uppercase(),
            };
            (key, *pop)
        })
        .collect();
    rows.push(("99".into(), 5.0));
    rows.push(("Atlántida".into(), 7.0));
    let opts = MapOptions {
        title: "Población 2018".into(),
        source: Some("INE, XII Censo de Población 2018".into()),
        ..Default::default()
    };
    let out = render_choropleth(&map, &rows, &opts);
    assert_eq!(out.unmatched, vec!["99", "Atlántida"]);

    let (areas, legend, no_data) = parse_svg(&out.svg, "path", "area");
    assert_eq!(areas.len(), 22);
    assert!(!no_data);
    let pops: Vec<f64> = deps.iter().map(|d| d.2).collect();
    for (code, name, pop) in &deps {
        let a = &areas[code];
        assert_eq!(a.value, Some(*pop));
        let class = expected_quantile_class(*pop, &pops, 5);
        assert_eq!(a.class, format!("c{class}"), "{name}");
    }
    check_legend(&legend, 5, 22);
    // 22 in 5 quantiles: bounds at ranks 5, 9, 14, 18, 22.
    assert_eq!(
        legend.iter().map(|c| c.2).collect::<Vec<_>>(),
        vec![5, 4, 5, 4, 4]
    );
    assert_eq!(out.classes.len(), 5);
    assert_eq!(out.classes[4].upper, 3_015_081.0);
    assert_eq!(out.classes[0].lower, 176_632.0);
    assert_eq!(
        areas["13"].title,
        format!("Huehuetenango: 1{NBSP}170{NBSP}669")
    );
    assert_eq!(
        texts_of_class(&out.svg, "map-title"),
        vec!["Población 2018"]
    );
    assert_eq!(
        texts_of_class(&out.svg, "source"),
        vec!["Fuente: INE, XII Censo de Población 2018"]
    );
    let note = texts_of_class(&out.svg, "note").join(" ");
    assert!(
        note.contains("2 filas sin territorio en el mapa: 99, Atlántida"),
        "{note}"
    );
    assert!(out.svg.len() < 30 * 1024, "{} bytes", out.svg.len());

    // English: numbers, the note, no data.
    let some: Vec<(String, f64)> = deps[..20].iter().map(|d| (d.0.clone(), d.2)).collect();
    let en = render_choropleth(
        &map,
        &some,
        &MapOptions {
            lang: Lang::En,
            classes: 4,
            unit: Unit::suffix("hab."),
            ..Default::default()
        },
    );
    let (areas, legend, no_data) = parse_svg(&en.svg, "path", "area");
    check_legend(&legend, 4, 20);
    assert!(no_data);
    assert_eq!(
        areas["13"].title,
        format!("Huehuetenango: 1,170,669{NBSP}hab.")
    );
    assert_eq!(areas["22"].class, "nodata");
    assert_eq!(areas["22"].title, "Jutiapa: no data");
    assert_eq!(areas["22"].value, None);
    assert!(en.unmatched.is_empty());
}

#[test]
fn municipal_choropleths_from_both_sources() {
    if !here() {
        return;
    }
    let munis = municipalities();
    let pops: Vec<f64> = munis.iter().map(|m| m.3).collect();
    // Codes written as integers (`101`), as many sources do.
    let rows: Vec<(String, f64)> = munis
        .iter()
        .map(|m| (m.0.trim_start_matches('0').to_string(), m.3))
        .collect();
    for (file, property) in [
        ("municipios_minfin.topojson", None),
        ("municipios_ranking_redciudadana.geojson", Some("cod_mun")),
    ] {
        let map = prepare(&boundaries(file, property), 640, 640);
        assert_eq!(map.areas().len(), 340, "{file}");
        let opts = MapOptions {
            title: "Población por municipio".into(),
            ..Default::default()
        };
        let t = Instant::now();
        let out = render_choropleth(&map, &rows, &opts);
        let render = t.elapsed();
        assert!(render.as_millis() <= 100, "{file}: render took {render:?}");
        assert!(
            out.svg.len() <= 150 * 1024,
            "{file}: the SVG weighs {} bytes",
            out.svg.len()
        );
        assert!(out.unmatched.is_empty(), "{:?}", out.unmatched);
        let (areas, legend, no_data) = parse_svg(&out.svg, "path", "area");
        assert_eq!(areas.len(), 340);
        assert!(!no_data);
        check_legend(&legend, 5, 340);
        for (code, _, name, pop) in &munis {
            let class = expected_quantile_class(*pop, &pops, 5);
            assert_eq!(areas[code].class, format!("c{class}"), "{file}: {name}");
        }
        // Homonyms carry their department.
        assert!(areas["1702"].title.starts_with("San José (Petén): "));
        assert!(areas["0509"].title.starts_with("San José (Escuintla): "));
    }
}

#[test]
fn natural_breaks_on_municipalities() {
    if !here() {
        return;
    }
    let map = prepare(&boundaries("municipios_minfin.topojson", None), 640, 640);
    let ranking: serde_json::Value = serde_json::from_slice(&read(
        "indicadores/ranking_municipal_segeplan_2013_2016_2018.json",
    ))
    .unwrap();
    let rows: Vec<(String, f64)> = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id_municipal"].to_string(),
                r["segeplan2018"].as_f64().unwrap(),
            )
        })
        .collect();
    let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let out = render_choropleth(
        &map,
        &rows,
        &MapOptions {
            method: ClassMethod::NaturalBreaks,
            ..Default::default()
        },
    );
    assert!(out.unmatched.is_empty());
    let (areas, legend, _) = parse_svg(&out.svg, "path", "area");
    check_legend(&legend, 5, 340);
    // Every area in the class whose range holds its value.
    for a in areas.values() {
        let v = a.value.unwrap();
        let i = legend
            .iter()
            .position(|&(lo, hi, _)| v <= hi && (v > lo || v == legend[0].0))
            .unwrap();
        assert_eq!(a.class, format!("c{}", i + 1));
    }
    // Natural breaks are at least as tight as quantiles (sum of squared deviations).
    let ssd = |uppers: &[f64]| -> f64 {
        let mut groups: Vec<Vec<f64>> = vec![Vec::new(); uppers.len()];
        for &v in &values {
            let i = uppers.iter().position(|&u| v <= u).unwrap();
            groups[i].push(v);
        }
        groups
            .iter()
            .map(|g| {
                let m = g.iter().sum::<f64>() / g.len() as f64;
                g.iter().map(|v| (v - m).powi(2)).sum::<f64>()
            })
            .sum()
    };
    let jenks: Vec<f64> = legend.iter().map(|c| c.1).collect();
    let quantiles = ceiba_viz::map::breaks(&values, 5, ClassMethod::Quantiles);
    assert!(ssd(&jenks) <= ssd(&quantiles), "{jenks:?} vs {quantiles:?}");
    // Scores 0–1: the legend shows enough decimals to tell the bounds apart.
    let labels: Vec<String> = out.classes.iter().map(|c| c.label.clone()).collect();
    assert!(labels[0].contains(','), "{labels:?}");
}

#[test]
fn municipality_names_join_with_their_department() {
    if !here() {
        return;
    }
    let map = prepare(
        &boundaries("municipios_ranking_redciudadana.geojson", None),
        640,
        640,
    );
    let ranking: serde_json::Value = serde_json::from_slice(&read(
        "indicadores/ranking_municipal_segeplan_2013_2016_2018.json",
    ))
    .unwrap();
    let rows: Vec<(String, String, f64)> = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["municipio"].as_str().unwrap().to_string(),
                r["departamento"].as_str().unwrap().to_string(),
                r["segeplan2018"].as_f64().unwrap(),
            )
        })
        .collect();
    // With the department column every name resolves (variants such as "Barillas" or
    // "San Idelfonso Ixtahuacán" included).
    let joined = join_rows(
        Level::Municipality,
        rows.iter()
            .map(|(m, d, v)| (m.as_str(), Some(d.as_str()), *v)),
    );
    assert!(joined.unmatched.is_empty(), "{:?}", joined.unmatched);
    assert_eq!(joined.values.len(), 340);
    let out = render_choropleth_joined(&map, &joined, &MapOptions::default());
    let (areas, _, no_data) = parse_svg(&out.svg, "path", "area");
    assert!(!no_data);
    let value_of = |muni: &str, dep: &str| {
        rows.iter()
            .find(|(m, d, _)| m == muni && d == dep)
            .map(|r| r.2)
            .unwrap()
    };
    assert_eq!(areas["1702"].value, Some(value_of("San José", "Petén")));
    assert_eq!(areas["0509"].value, Some(value_of("San José", "Escuintla")));
    assert_ne!(areas["1702"].value, areas["0509"].value);

    // Without it, homonyms are ambiguous: reported, never guessed.
    let names: Vec<(String, f64)> = rows.iter().map(|(m, _, v)| (m.clone(), *v)).collect();
    let out = render_choropleth(&map, &names, &MapOptions::default());
    for homonym in ["San José", "Santa Bárbara", "La Libertad", "San Lorenzo"] {
        assert!(
            out.unmatched.iter().any(|u| u == homonym),
            "{homonym}: {:?}",
            out.unmatched
        );
    }
    let (areas, _, no_data) = parse_svg(&out.svg, "path", "area");
    assert!(no_data);
    assert_eq!(areas["1702"].class, "nodata");
    assert_eq!(areas["0101"].class.chars().next(), Some('c'));
    let note = texts_of_class(&out.svg, "note").join(" ");
    assert!(note.contains("San José (ambiguo)"), "{note}");
}

#[test]
fn tile_grid_of_departments() {
    if !here() {
        return;
    }
    let deps = departments();
    let pops: Vec<f64> = deps.iter().map(|d| d.2).collect();
    let mut rows: Vec<(String, f64)> = deps.iter().map(|d| (d.1.clone(), d.2)).collect();
    rows.push(("Belice".into(), 1.0));
    let out = render_tile_grid(
        &rows,
        &MapOptions {
            title: "Población 2018".into(),
            ..Default::default()
        },
    );
    assert_eq!(out.unmatched, vec!["Belice"]);
    let (tiles, legend, no_data) = parse_svg(&out.svg, "g", "tile");
    assert_eq!(tiles.len(), 22);
    assert!(!no_data);
    check_legend(&legend, 5, 22);
    for (code, name, pop) in &deps {
        let t = &tiles[code];
        assert_eq!(
            t.class,
            format!("c{}", expected_quantile_class(*pop, &pops, 5)),
            "{name}"
        );
        assert_eq!(t.value, Some(*pop));
        assert!(t.title.starts_with(&format!("{name}: ")), "{}", t.title);
    }
    // Short labels on the tiles, Petén the big one.
    let doc = roxmltree::Document::parse(&out.svg).unwrap();
    let tile = |code: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("g") && n.attribute("data-code") == Some(code))
            .unwrap()
    };
    let rect_w = |code: &str| -> f64 {
        tile(code)
            .children()
            .find(|c| c.has_tag_name("rect"))
            .and_then(|r| r.attribute("width"))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(rect_w("17") > 1.9 * rect_w("13"));
    let label = |code: &str| {
        tile(code)
            .children()
            .find(|c| c.has_tag_name("text"))
            .and_then(|t| t.text())
            .unwrap()
            .to_string()
    };
    assert_eq!(label("17"), "PET");
    assert_eq!(label("13"), "HUE");
    // Rough geography: Huehuetenango and San Marcos west of Izabal, Petén above all,
    // Escuintla below Guatemala.
    let at = |code: &str| TILES.iter().find(|t| t.code == code).unwrap();
    assert!(at("13").col < at("18").col && at("12").col < at("18").col);
    assert!(TILES
        .iter()
        .all(|t| t.code == "17" || t.row >= at("17").row + at("17").rows));
    assert!(at("05").row > at("01").row);

    // No values: every tile grey, "sin datos".
    let empty: Vec<(String, f64)> = Vec::new();
    let out = render_tile_grid(&empty, &MapOptions::default());
    let (tiles, legend, no_data) = parse_svg(&out.svg, "g", "tile");
    assert!(no_data && legend.is_empty());
    assert!(tiles
        .values()
        .all(|t| t.class == "nodata" && t.title.ends_with(": sin datos")));
}

#[test]
fn bad_boundary_files_give_clear_errors() {
    if !here() {
        return;
    }
    let opts = BoundaryOptions::default();
    let e = parse_boundaries(b"<html>not json</html>", &opts).unwrap_err();
    assert!(matches!(e, BoundaryError::NotJson { .. }));
    assert!(e
        .message(Lang::Es)
        .starts_with("El archivo de límites no es JSON válido"));
    assert!(e
        .message(Lang::En)
        .starts_with("The boundary file is not valid JSON"));

    let e = parse_boundaries(b"[{\"type\":\"Feature\"}]", &opts).unwrap_err();
    assert_eq!(
        e,
        BoundaryError::NotGeo {
            found: "an array".into()
        }
    );
    assert!(e.message(Lang::Es).contains("no GeoJSON ni TopoJSON"));

    let fc = br#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"nombre":"A","poblacion":5},
         "geometry":{"type":"Polygon","coordinates":[[[-90,15],[-89,15],[-89,16],[-90,15]]]}}]}"#;
    let e = parse_boundaries(
        fc,
        &BoundaryOptions {
            code_property: Some("cod_dep"),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        BoundaryError::NoSuchProperty {
            property: "cod_dep".into(),
            available: vec!["nombre".into(), "poblacion".into()],
        }
    );
    assert!(e.message(Lang::Es).contains("«cod_dep»"));
    assert!(e
        .message(Lang::En)
        .contains("the properties are: nombre, poblacion"));

    // Found nowhere: no property has territory codes.
    let e = parse_boundaries(fc, &opts).unwrap_err();
    assert!(
        matches!(e, BoundaryError::NoTerritoryCodes { features: 1, .. }),
        "{e:?}"
    );
    assert!(e
        .message(Lang::Es)
        .contains("Ninguna propiedad de los 1 elementos"));

    // One feature whose code property says so is enough.
    let one = br#"{"type":"Feature","properties":{"cod_mun":1301},
        "geometry":{"type":"Polygon","coordinates":[[[-91,15],[-90,15],[-90,16],[-91,15]]]}}"#;
    let set = parse_boundaries(one, &opts).unwrap();
    assert_eq!(
        (set.level, set.features[0].code.as_str()),
        (Level::Municipality, "1301")
    );

    // A named property without any territory code.
    let e = parse_boundaries(
        fc,
        &BoundaryOptions {
            code_property: Some("poblacion"),
            level: Some(Level::Municipality),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.message(Lang::En).contains("None of the 1 features"),
        "{e}"
    );

    let e = parse_boundaries(
        &read("boundaries/departamentos_minfin.topojson"),
        &BoundaryOptions {
            object: Some("municipios"),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.message(Lang::En).contains("it has: departamentos_gtm"),
        "{e}"
    );

    let e = parse_boundaries(br#"{"type":"FeatureCollection","features":[]}"#, &opts).unwrap_err();
    assert_eq!(e, BoundaryError::NoFeatures);

    // Where the map would be: an SVG with the message.
    let e = parse_boundaries(b"{", &opts).unwrap_err();
    let svg = render_boundary_error(&e, Lang::Es, 600, 400);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.starts_with("No se puede dibujar el mapa El archivo de límites no es JSON"),
        "{text}"
    );
}

#[test]
fn territory_columns_of_real_files() {
    if !here() {
        return;
    }
    // Census table A1 (Red Ciudadana's JSON): codes and names of both levels.
    let a1: serde_json::Value = serde_json::from_slice(&read(
        "censo2018/cuadroA1_poblacion_total_por_sexo_grupos_quinquenales_de__edad_y_area.json",
    ))
    .unwrap();
    let rows = a1.as_array().unwrap();
    let column = |key: &str| -> Vec<String> {
        rows.iter()
            .filter_map(|r| match &r[key] {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    };
    let kind = |name: &str| territory::recognise(name, &column(name)).map(|c| (c.level, c.kind));
    assert_eq!(
        kind("id_municipal"),
        Some((Level::Municipality, Kind::Code))
    );
    assert_eq!(kind("municipio"), Some((Level::Municipality, Kind::Name)));
    assert_eq!(
        kind("cod departamento"),
        Some((Level::Department, Kind::Code))
    );
    assert_eq!(kind("departamento "), Some((Level::Department, Kind::Name)));
    assert_eq!(kind("Poblacion total"), None);
    assert_eq!(kind("No"), None);

    // The derived reference CSV: zero-padded codes and p-codes under any column name.
    let munis = municipalities();
    let codes: Vec<&str> = munis.iter().map(|m| m.0.as_str()).collect();
    let c = territory::recognise("clave", &codes).unwrap();
    assert_eq!(
        (c.level, c.kind, c.share),
        (Level::Municipality, Kind::Code, 1.0)
    );
    let pcodes: Vec<String> = codes.iter().map(|c| format!("GT{c}")).collect();
    let c = territory::recognise("admin2Pcode", &pcodes).unwrap();
    assert_eq!((c.level, c.kind), (Level::Municipality, Kind::Code));
    let deps: Vec<&str> = munis.iter().map(|m| m.1.as_str()).collect();
    let c = territory::recognise("x", &deps).unwrap();
    assert_eq!((c.level, c.kind), (Level::Department, Kind::Code));

    // Every municipality name of the reference resolves with its department.
    for (code, dep, name, _) in &munis {
        assert_eq!(
            territory::normalise(Level::Municipality, Kind::Name, name, Some(dep)),
            Some(code.as_str()),
            "{name} ({dep})"
        );
    }
}

#[test]
fn a_long_title_wraps_instead_of_running_off_the_map() {
    let title = "Índice de gestión municipal 2018: promedio por departamento, con los municipios que no informaron excluidos";
    let rows = vec![("Huehuetenango".to_owned(), 1.0), ("Petén".to_owned(), 2.0)];
    let out = render_tile_grid(
        &rows,
        &MapOptions {
            title: title.into(),
            ..Default::default()
        },
    );
    let lines = texts_of_class(&out.svg, "map-title");
    assert!(lines.len() >= 2, "{lines:?}");
    assert_eq!(lines.join(" "), title, "every word kept, in order");
}

#[test]
fn departments_are_named_on_the_map_where_their_names_fit() {
    let set = ceiba_viz::map::builtin("gt-departamentos")
        .unwrap()
        .read()
        .unwrap();
    let map = ceiba_viz::map::prepare(&set, 640, 560);
    let rows = vec![("13".to_owned(), 1.0), ("17".to_owned(), 2.0)];
    let out = render_choropleth_joined(
        &map,
        &join_values(Level::Department, &rows),
        &MapOptions::default(),
    );
    let doc = roxmltree::Document::parse(&out.svg).unwrap();
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("place-names"))
        .flat_map(|g| g.children().filter_map(|t| t.text()))
        .collect();
    // The large departments are named, whether or not they have a value; the smallest
    // (Sacatepéquez, around Antigua) has no room for its name.
    for name in ["Petén", "Huehuetenango", "Alta Verapaz", "Izabal"] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    assert!(!names.contains(&"Sacatepéquez"), "{names:?}");
    assert!(names.len() >= 8, "{names:?}");
    // Names are for the eye: screen readers have each area's title.
    assert!(out.svg.contains("class=\"place-names\"") && out.svg.contains("aria-hidden=\"true\""));
    // A map of municipalities names none.
    let set = ceiba_viz::map::builtin("gt-municipios")
        .unwrap()
        .read()
        .unwrap();
    let map = ceiba_viz::map::prepare(&set, 640, 560);
    let out = render_choropleth_joined(
        &map,
        &join_values(Level::Municipality, &Vec::<(String, f64)>::new()),
        &MapOptions::default(),
    );
    assert!(!out.svg.contains("place-names"));
}
