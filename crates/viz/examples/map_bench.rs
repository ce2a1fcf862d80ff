//! Times territorial maps: reading and preparing a boundary set (once), then drawing a
//! choropleth over it (many times), for the 22 departments and the 340 municipalities, and
//! the department tile grid. Prints one JSON line per case.
//!
//! `cargo run --release -p ceiba-viz --example map_bench [BOUNDARIES_DIR] [OUT_DIR]`
//! (defaults: `../shared/data/guatemala/boundaries` beside the workspace; with OUT_DIR the
//! SVGs are written there to look at).

use std::path::PathBuf;
use std::time::Instant;

use ceiba_viz::map::{
    parse_boundaries, prepare, render_choropleth, render_tile_grid, BoundaryOptions, ClassMethod,
    MapOptions,
};
use ceiba_viz::territory::Level;

const RENDERS: u32 = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/guatemala/boundaries")
    });
    let out = args.next().map(PathBuf::from);
    let cases = [
        ("departamentos_minfin.topojson", None),
        ("departamentos_ideg_segeplan.geojson", Some("cod_dep")),
        ("municipios_minfin.topojson", None),
        ("municipios_ranking_redciudadana.geojson", Some("cod_mun")),
    ];
    for (file, property) in cases {
        let bytes = std::fs::read(dir.join(file))?;
        let t = Instant::now();
        let set = parse_boundaries(
            &bytes,
            &BoundaryOptions {
                code_property: property,
                ..Default::default()
            },
        )?;
        let parse_ms = ms(t);
        let t = Instant::now();
        let map = prepare(&set, 640, 640);
        let prepare_ms = ms(t);
        // Values: a deterministic spread over every area.
        let values: Vec<(String, f64)> = map
            .areas()
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), ((i * 7919) % 1000) as f64 * 1234.5))
            .collect();
        let opts = MapOptions {
            title: format!("Prueba — {file}"),
            source: Some("INE, censo 2018".into()),
            method: ClassMethod::NaturalBreaks,
            ..Default::default()
        };
        let first = render_choropleth(&map, &values, &opts);
        let t = Instant::now();
        for _ in 0..RENDERS {
            std::hint::black_box(render_choropleth(&map, &values, &opts));
        }
        let render_ms = ms(t) / f64::from(RENDERS);
        if let Some(out) = &out {
            std::fs::create_dir_all(out)?;
            std::fs::write(out.join(format!("{file}.svg")), &first.svg)?;
        }
        println!(
            "{{\"case\":\"choropleth\",\"file\":\"{file}\",\"level\":\"{}\",\"areas\":{},\"source_kb\":{:.1},\"parse_ms\":{:.2},\"prepare_ms\":{:.2},\"render_ms\":{:.3},\"svg_kb\":{:.1},\"path_kb\":{:.1}}}",
            match set.level {
                Level::Department => "department",
                Level::Municipality => "municipality",
            },
            map.areas().len(),
            bytes.len() as f64 / 1024.0,
            parse_ms,
            prepare_ms,
            render_ms,
            first.svg.len() as f64 / 1024.0,
            map.path_bytes() as f64 / 1024.0,
        );
    }

    let values: Vec<(String, f64)> = (1..=22)
        .map(|d| (d.to_string(), f64::from(d) * 1000.0))
        .collect();
    let opts = MapOptions::default();
    let first = render_tile_grid(&values, &opts);
    let t = Instant::now();
    for _ in 0..RENDERS {
        std::hint::black_box(render_tile_grid(&values, &opts));
    }
    let render_ms = ms(t) / f64::from(RENDERS);
    if let Some(out) = &out {
        std::fs::write(out.join("tilegrid.svg"), &first.svg)?;
    }
    println!(
        "{{\"case\":\"tilegrid\",\"areas\":22,\"render_ms\":{render_ms:.3},\"svg_kb\":{:.1}}}",
        first.svg.len() as f64 / 1024.0
    );
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
