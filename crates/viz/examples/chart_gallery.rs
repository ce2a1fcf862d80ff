//! Writes one SVG and PNG per chart kind into a folder (default `target/chart-gallery`),
//! to look at: `cargo run -p ceiba-viz --example chart_gallery [folder] [es|en] [width]`.

use ceiba_core::Lang;
use ceiba_viz::chart::{render_svg_or_message, Bin, ChartData, ChartKind, RenderOptions, Series};
use ceiba_viz::format::Unit;

const DEPARTMENTS: [&str; 22] = [
    "Guatemala",
    "El Progreso",
    "Sacatepéquez",
    "Chimaltenango",
    "Escuintla",
    "Santa Rosa",
    "Sololá",
    "Totonicapán",
    "Quetzaltenango",
    "Suchitepéquez",
    "Retalhuleu",
    "San Marcos",
    "Huehuetenango",
    "Quiché",
    "Baja Verapaz",
    "Alta Verapaz",
    "Petén",
    "Izabal",
    "Zacapa",
    "Chiquimula",
    "Jalapa",
    "Jutiapa",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "target/chart-gallery".into());
    let lang = args
        .next()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::Es);
    std::fs::create_dir_all(&dir)?;
    let mut opts = RenderOptions::new(lang);
    if let Some(width) = args.next().and_then(|w| w.parse().ok()) {
        opts.width = width;
        opts.height = (width * 0.75_f64).max(300.0);
    }
    let budget: Vec<f64> = (0..22)
        .map(|i| 250_000.0 + ((i * 7919) % 23) as f64 * 180_000.0)
        .collect();
    let base = ChartData {
        title: "Presupuesto municipal ejecutado por departamento, 2024".into(),
        subtitle: "Millones de quetzales; datos sintéticos de demostración".into(),
        source: "Secretaría de Planificación y Programación de la Presidencia (demo)".into(),
        x_label: "Departamento".into(),
        y_label: "Presupuesto".into(),
        categories: DEPARTMENTS.iter().map(|s| s.to_string()).collect(),
        series: vec![Series::new("Ejecutado", budget.clone())],
        unit: Unit::quetzal(),
        ..ChartData::default()
    };
    let two = ChartData {
        categories: DEPARTMENTS[..6].iter().map(|s| s.to_string()).collect(),
        series: vec![
            Series::new("Mujeres", [1200.0, 800.0, -300.0, 950.0, 400.0, 700.0]),
            Series::new("Hombres", [1100.0, 760.0, 420.0, 900.0, -150.0, 680.0]),
        ],
        unit: Unit::none(),
        ..base.clone()
    };
    let months: Vec<String> = (1..=24)
        .map(|i| format!("{}-{:02}", 2023 + (i - 1) / 12, (i - 1) % 12 + 1))
        .collect();
    let line = ChartData {
        title: "Tasa de ocupación".into(),
        categories: months.clone(),
        series: vec![
            Series::with_gaps(
                "Urbana",
                (0..24)
                    .map(|i| {
                        if i == 7 {
                            None
                        } else {
                            Some(55.0 + (i as f64 * 0.7).sin() * 8.0)
                        }
                    })
                    .collect(),
            ),
            Series::new(
                "Rural",
                (0..24).map(|i| 40.0 + (i as f64 * 0.5).cos() * 6.0),
            ),
        ],
        unit: Unit::percent(),
        x_label: String::new(),
        y_label: String::new(),
        ..base.clone()
    };
    let scatter = ChartData {
        title: "Pobreza y escolaridad por municipio".into(),
        categories: (0..80).map(|i| format!("Municipio {i}")).collect(),
        x_values: (0..80)
            .map(|i| Some(2.0 + (i as f64 * 0.37) % 9.0))
            .collect(),
        series: vec![Series::new(
            "Pobreza",
            (0..80).map(|i| 80.0 - ((i as f64 * 0.37) % 9.0) * 6.0 + ((i * 13) % 11) as f64),
        )],
        x_label: "Años de escolaridad".into(),
        y_label: "Pobreza (%)".into(),
        unit: Unit::percent(),
        ..ChartData::default()
    };
    let hist = ChartData {
        title: "Distribución de edades".into(),
        bins: (0..10)
            .map(|i| Bin {
                from: i as f64 * 10.0,
                to: (i + 1) as f64 * 10.0,
            })
            .collect(),
        series: vec![Series::new(
            "Personas",
            [
                1200.0, 1500.0, 1800.0, 1600.0, 1200.0, 900.0, 600.0, 300.0, 120.0, 20.0,
            ],
        )],
        x_label: "Edad".into(),
        y_label: "Personas".into(),
        ..ChartData::default()
    };
    let long = ChartData {
        title: "Serie diaria".into(),
        categories: (0..1000)
            .map(|i| {
                format!(
                    "{}-{:02}-{:02}",
                    2020 + i / 336,
                    (i / 28) % 12 + 1,
                    i % 28 + 1
                )
            })
            .collect(),
        series: vec![Series::new(
            "Casos",
            (0..1000).map(|i| (i as f64 * 0.05).sin() * 50.0 + 60.0 + (i % 7) as f64),
        )],
        ..ChartData::default()
    };
    let cases: Vec<(&str, ChartKind, &ChartData)> = vec![
        ("line1000", ChartKind::Line, &long),
        ("bar", ChartKind::Bar, &base),
        ("hbar", ChartKind::HBar, &base),
        ("bar2", ChartKind::Bar, &two),
        ("stacked", ChartKind::StackedBar, &two),
        ("line", ChartKind::Line, &line),
        ("area", ChartKind::Area, &line),
        ("pie", ChartKind::Pie, &base),
        ("donut", ChartKind::Donut, &base),
        ("scatter", ChartKind::Scatter, &scatter),
        ("histogram", ChartKind::Histogram, &hist),
        ("table", ChartKind::Table, &base),
    ];
    for (name, kind, data) in cases {
        let svg = render_svg_or_message(kind, data, &opts);
        std::fs::write(format!("{dir}/{name}.svg"), &svg)?;
        let png = ceiba_viz::png::svg_to_png(&svg, 1.0)?;
        std::fs::write(format!("{dir}/{name}.png"), png)?;
        println!("{name}: {} bytes", svg.len());
    }
    let empty = render_svg_or_message(
        ChartKind::Bar,
        &ChartData {
            title: "Vacío".into(),
            ..ChartData::default()
        },
        &opts,
    );
    std::fs::write(
        format!("{dir}/empty.png"),
        ceiba_viz::png::svg_to_png(&empty, 1.0)?,
    )?;
    std::fs::write(format!("{dir}/empty.svg"), empty)?;
    println!("fonts: {}", ceiba_viz::png::font_faces());
    Ok(())
}
