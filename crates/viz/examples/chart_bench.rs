//! Times chart rendering: 22 and 340 categories, 1000 points, and one PNG.
//! `cargo run --release -p ceiba-viz --example chart_bench` prints one JSON line a case.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ceiba_core::Lang;
use ceiba_viz::chart::{
    data_csv, data_table_html, render_svg, Bin, ChartData, ChartKind, RenderOptions, Series,
};
use ceiba_viz::format::Unit;

fn categories(n: usize) -> ChartData {
    ChartData {
        title: format!("{n} municipios"),
        source: "Datos sintéticos".into(),
        x_label: "Municipio".into(),
        y_label: "Presupuesto".into(),
        categories: (0..n).map(|i| format!("Municipio número {i}")).collect(),
        series: vec![Series::new(
            "Ejecutado",
            (0..n).map(|i| 100_000.0 + ((i * 7919) % 997) as f64 * 1_234.5),
        )],
        unit: Unit::quetzal(),
        ..ChartData::default()
    }
}

fn points(n: usize) -> ChartData {
    ChartData {
        title: format!("{n} puntos"),
        categories: (0..n)
            .map(|i| {
                format!(
                    "{}-{:02}-{:02}",
                    2000 + i / 336,
                    (i / 28) % 12 + 1,
                    i % 28 + 1
                )
            })
            .collect(),
        x_values: (0..n).map(|i| Some(i as f64 * 0.37 % 100.0)).collect(),
        series: vec![Series::new(
            "Serie",
            (0..n).map(|i| (i as f64 * 0.1).sin() * 50.0 + 60.0),
        )],
        ..ChartData::default()
    }
}

/// Runs `f` for about 300 ms (at least 20 times); returns the mean and the fastest run.
fn time<T>(mut f: impl FnMut() -> T) -> (usize, Duration, Duration) {
    let start = Instant::now();
    let (mut n, mut best) = (0, Duration::MAX);
    while n < 20 || start.elapsed() < Duration::from_millis(300) {
        let t = Instant::now();
        black_box(f());
        best = best.min(t.elapsed());
        n += 1;
    }
    (n, start.elapsed() / n as u32, best)
}

fn report(
    case: &str,
    kind: &str,
    points: usize,
    bytes: usize,
    (n, mean, best): (usize, Duration, Duration),
) {
    println!(
        "{{\"case\":\"{case}\",\"kind\":\"{kind}\",\"points\":{points},\"iterations\":{n},\"mean_us\":{:.1},\"min_us\":{:.1},\"bytes\":{bytes}}}",
        mean.as_secs_f64() * 1e6,
        best.as_secs_f64() * 1e6
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let opts = RenderOptions::new(Lang::Es);
    for n in [22, 340] {
        let data = categories(n);
        for kind in [
            ChartKind::Bar,
            ChartKind::HBar,
            ChartKind::Pie,
            ChartKind::Table,
        ] {
            let svg = render_svg(kind, &data, &opts)?;
            let t = time(|| render_svg(kind, &data, &opts));
            report(&format!("categories_{n}"), kind.code(), n, svg.len(), t);
        }
        let t = time(|| data_table_html(&data, Lang::Es));
        report(
            &format!("categories_{n}"),
            "html_table",
            n,
            data_table_html(&data, Lang::Es).len(),
            t,
        );
        let t = time(|| data_csv(&data));
        report(
            &format!("categories_{n}"),
            "csv",
            n,
            data_csv(&data).len(),
            t,
        );
    }
    let data = points(1000);
    for kind in [ChartKind::Line, ChartKind::Area, ChartKind::Scatter] {
        let svg = render_svg(kind, &data, &opts)?;
        let t = time(|| render_svg(kind, &data, &opts));
        report("points_1000", kind.code(), 1000, svg.len(), t);
    }
    let hist = ChartData {
        title: "Histograma".into(),
        bins: (0..50)
            .map(|i| Bin {
                from: i as f64,
                to: i as f64 + 1.0,
            })
            .collect(),
        series: vec![Series::new("n", (0..50).map(|i| (i * 37 % 50) as f64))],
        ..ChartData::default()
    };
    let svg = render_svg(ChartKind::Histogram, &hist, &opts)?;
    let t = time(|| render_svg(ChartKind::Histogram, &hist, &opts));
    report("bins_50", "histogram", 50, svg.len(), t);
    // PNG: the first call loads the system fonts; then one render.
    let svg = render_svg(ChartKind::Bar, &categories(22), &opts)?;
    let first = Instant::now();
    let png = ceiba_viz::png::svg_to_png(&svg, 1.0)?;
    let first = first.elapsed();
    let t = time(|| ceiba_viz::png::svg_to_png(&svg, 1.0));
    report("png_22", "bar_png", 22, png.len(), t);
    println!(
        "{{\"case\":\"png_first_call\",\"fonts\":{},\"ms\":{:.1}}}",
        ceiba_viz::png::font_faces(),
        first.as_secs_f64() * 1e3
    );
    Ok(())
}
