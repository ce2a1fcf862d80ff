//! Department and municipality code columns are drawn with their INE names (the names in
//! `ceiba_core::territory`), whichever way the codes are written (`01`, `101`, `0101`,
//! `GT1601`), and the chart's CSV download says the same as the chart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, upload_table, Portal};
use axum::http::StatusCode;

/// Codes only, no names: departments zero-padded, municipalities in three spellings (`101`
/// and `0101` are Guatemala City, `GT1601` and `1601` Cobán).
const CODES: &str = "cod_depto,cod_muni,anio,monto\n\
01,0101,2023,100\n\
13,1301,2023,300\n\
13,1301,2024,50\n\
16,GT1601,2024,200\n\
16,1601,2023,25\n\
01,101,2024,10\n";

async fn portal() -> (Portal, String) {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(&p, &d, "Montos por código", "codigos.csv", CODES).await;
    (p, format!("/dataset/nbi-municipal/resource/{}", r.id))
}

/// `(data-label, data-value)` of every bar, in drawing order.
fn bars(svg: &str) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "bar"))
        })
        .map(|n| {
            (
                n.attribute("data-label").unwrap_or_default().to_owned(),
                n.attribute("data-value").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn labels(marks: &[(String, f64)]) -> Vec<&str> {
    let mut l: Vec<&str> = marks.iter().map(|(l, _)| l.as_str()).collect();
    l.dedup();
    l
}

async fn svg(p: &Portal, url: &str) -> String {
    let got = p.get(url).await;
    assert_eq!(got.status, StatusCode::OK, "{url}: {}", got.text());
    got.text()
}

/// The rows of the chart's CSV, without the header.
async fn csv_rows(p: &Portal, url: &str) -> (String, Vec<Vec<String>>) {
    let got = p.get(url).await;
    assert_eq!(got.status, StatusCode::OK, "{url}");
    let text = got.text();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_owned();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn the_names_are_ine_s() {
    use ceiba_core::territory::{department_name, municipality_name};
    assert_eq!(department_name("01"), Some("Guatemala"));
    assert_eq!(department_name("13"), Some("Huehuetenango"));
    assert_eq!(department_name("16"), Some("Alta Verapaz"));
    assert_eq!(municipality_name("0101"), Some("Guatemala"));
    assert_eq!(municipality_name("101"), Some("Guatemala"));
    assert_eq!(municipality_name("1301"), Some("Huehuetenango"));
    assert_eq!(municipality_name("GT1601"), Some("Cobán"));
}

#[tokio::test]
async fn department_codes_are_drawn_as_names() {
    let (p, base) = portal().await;
    let marks = bars(
        &svg(
            &p,
            &format!("{base}/chart.svg?x=cod_depto&measure=sum:monto"),
        )
        .await,
    );
    assert_eq!(
        marks,
        vec![
            ("Huehuetenango".to_owned(), 350.0),
            ("Alta Verapaz".to_owned(), 225.0),
            ("Guatemala".to_owned(), 110.0),
        ]
    );
    // The suggested first chart finds the department codes by itself.
    let marks = bars(&svg(&p, &format!("{base}/chart.svg")).await);
    assert_eq!(
        labels(&marks),
        ["Huehuetenango", "Alta Verapaz", "Guatemala"],
        "{marks:?}"
    );
    // Sorted by label: by the names drawn, not by the codes.
    let marks = bars(
        &svg(
            &p,
            &format!("{base}/chart.svg?x=cod_depto&measure=sum:monto&sort=label"),
        )
        .await,
    );
    assert_eq!(
        labels(&marks),
        ["Alta Verapaz", "Guatemala", "Huehuetenango"]
    );
}

#[tokio::test]
async fn municipality_codes_in_any_spelling_are_one_bar_with_its_name() {
    let (p, base) = portal().await;
    // Municipality names repeat across departments, so the department follows the name.
    let marks = bars(
        &svg(
            &p,
            &format!("{base}/chart.svg?x=cod_muni&measure=sum:monto"),
        )
        .await,
    );
    assert_eq!(
        marks,
        vec![
            ("Huehuetenango (Huehuetenango)".to_owned(), 350.0),
            ("Cobán (Alta Verapaz)".to_owned(), 225.0),
            ("Guatemala (Guatemala)".to_owned(), 110.0),
        ]
    );
    // Counting rows merges the spellings too (two rows each: the order of ties is free).
    let mut marks = bars(&svg(&p, &format!("{base}/chart.svg?x=cod_muni&measure=count")).await);
    marks.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        marks,
        vec![
            ("Cobán (Alta Verapaz)".to_owned(), 2.0),
            ("Guatemala (Guatemala)".to_owned(), 2.0),
            ("Huehuetenango (Huehuetenango)".to_owned(), 2.0),
        ]
    );
    // The largest and smallest of the merged rows.
    let marks = bars(
        &svg(
            &p,
            &format!("{base}/chart.svg?x=cod_muni&measure=max:monto"),
        )
        .await,
    );
    assert_eq!(
        marks,
        vec![
            ("Huehuetenango (Huehuetenango)".to_owned(), 300.0),
            ("Cobán (Alta Verapaz)".to_owned(), 200.0),
            ("Guatemala (Guatemala)".to_owned(), 100.0),
        ]
    );
}

#[tokio::test]
async fn stacked_bars_name_their_territories_too() {
    let (p, base) = portal().await;
    let marks = bars(
        &svg(
            &p,
            &format!("{base}/chart.svg?type=stacked&x=cod_muni&series=anio&measure=sum:monto"),
        )
        .await,
    );
    let mut names = labels(&marks);
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names,
        [
            "Cobán (Alta Verapaz)",
            "Guatemala (Guatemala)",
            "Huehuetenango (Huehuetenango)"
        ],
        "{marks:?}"
    );
    let coban: f64 = marks
        .iter()
        .filter(|(l, _)| l == "Cobán (Alta Verapaz)")
        .map(|(_, v)| v)
        .sum();
    assert_eq!(coban, 225.0, "{marks:?}");
}

#[tokio::test]
async fn the_csv_download_says_what_the_chart_shows() {
    let (p, base) = portal().await;
    // Names, as on the chart and in its table, one row per territory whatever the
    // spelling of its code.
    let (header, rows) = csv_rows(
        &p,
        &format!("{base}/chart.csv?x=cod_depto&measure=sum:monto"),
    )
    .await;
    assert_eq!(
        header, "Departamento,Suma de monto",
        "headed by what it holds"
    );
    assert_eq!(
        rows,
        vec![
            vec!["Huehuetenango".to_owned(), "350".to_owned()],
            vec!["Alta Verapaz".to_owned(), "225".to_owned()],
            vec!["Guatemala".to_owned(), "110".to_owned()],
        ]
    );
    let (header, rows) = csv_rows(
        &p,
        &format!("{base}/chart.csv?x=cod_muni&measure=sum:monto"),
    )
    .await;
    assert!(header.starts_with("Municipio,"), "{header}");
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "Huehuetenango (Huehuetenango)",
            "Cobán (Alta Verapaz)",
            "Guatemala (Guatemala)"
        ]
    );
    assert!(
        rows.iter()
            .all(|r| !r[0].chars().any(|c| c.is_ascii_digit())),
        "no code is left among the names: {rows:?}"
    );
}
