//! Exploring and downloading tables through HTTP: the explorer page, the JSON API and
//! CKAN's dump endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{fixture, upload_table, Portal};
use axum::http::{header, Request, StatusCode};

const PROJECTS: &str = "snip,municipio,departamento,codigo_municipio,monto,fecha,nota\n\
000101,Mixco,Guatemala,0108,1500000.50,2024-01-15,=HYPERLINK(\"x\")\n\
000102,Huehuetenango,Huehuetenango,1301,2500000,2024-02-01,ok\n\
000103,Chiantla,Huehuetenango,1302,800000,2024-03-10,\n\
000104,Cobán,Alta Verapaz,1601,1200000,2023-12-31,-5\n\
000105,San Benito,Petén,1712,300000,2024-05-05,Petén norte\n";

async fn portal_with_table() -> (Portal, String) {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(&p, &d, "Proyectos", "Proyectos SNIP.csv", PROJECTS).await;
    (p, r.id.to_string())
}

fn json(got: &crate::common::Got) -> serde_json::Value {
    serde_json::from_slice(&got.body).unwrap_or_else(|_| panic!("not JSON: {}", got.text()))
}

#[tokio::test]
async fn api_describes_queries_and_aggregates_a_table() {
    let (p, rid) = portal_with_table().await;
    let got = p.get(&format!("/api/v1/resources/{rid}")).await;
    assert_eq!(got.status, StatusCode::OK);
    let r = json(&got);
    assert_eq!(r["tables"][0]["rows"], 5);
    assert_eq!(r["tables"][0]["columns"][0]["name"], "snip");
    assert_eq!(r["tables"][0]["columns"][0]["type"], "text");
    assert_eq!(r["tables"][0]["columns"][4]["type"], "decimal");
    assert_eq!(r["versions"][0]["number"], 1);
    assert_eq!(r["report"]["encoding"], "UTF-8");

    let got = p
        .get(&format!(
            "/api/v1/resources/{rid}/rows?f.departamento.eq=Huehuetenango&sort=-monto&limit=10"
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let res = &json(&got)["result"];
    assert_eq!(res["total"], 2);
    assert_eq!(res["rows"][0][1], "Huehuetenango");
    assert_eq!(res["rows"][0][4], 2500000.0);
    assert_eq!(
        res["rows"][1][3], "1302",
        "codes keep their zeros and text type"
    );

    let got = p
        .get(&format!("/api/v1/resources/{rid}/rows?q=peten"))
        .await;
    assert_eq!(
        json(&got)["result"]["total"],
        1,
        "accent-insensitive search"
    );

    let got = p
        .get(&format!(
            "/api/v1/resources/{rid}/rows?f.monto.gte=1.000.000&f.fecha.lt=01/03/2024"
        ))
        .await;
    assert_eq!(json(&got)["result"]["total"], 3, "{}", got.text());

    let got = p
        .get(&format!("/api/v1/resources/{rid}/aggregate?group_by=departamento&measure=sum:monto&measure=count&sort=-sum_monto"))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let res = &json(&got)["result"];
    assert_eq!(res["rows"][0][0], "Huehuetenango");
    assert_eq!(res["rows"][0][1], 3300000.0);
    assert_eq!(res["rows"][0][2], 2);
    assert_eq!(res["total"], 4);
}

#[tokio::test]
async fn bad_parameters_are_a_400_that_names_them_in_the_users_language() {
    let (p, rid) = portal_with_table().await;
    let cases = [
        ("f.nope.eq=1", "f.nope.eq", "la tabla no tiene esa columna"),
        (
            "f.monto.contains=1",
            "f.monto.contains",
            "ese operador no sirve",
        ),
        ("f.monto.gt=mucho", "f.monto.gt", "el valor no corresponde"),
        ("offset=-3", "offset", ""),
        ("sort=-nada", "sort", "la tabla no tiene esa columna"),
        ("cursor=xyz", "cursor", ""),
    ];
    for (q, parameter, es) in cases {
        let got = p.get(&format!("/api/v1/resources/{rid}/rows?{q}")).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{q}: {}", got.text());
        let e = json(&got);
        assert_eq!(e["error"]["parameter"], parameter, "{q}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(es),
            "{q}: {e}"
        );
    }
    let req = Request::get(format!("/api/v1/resources/{rid}/rows?f.nope.eq=1"))
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap();
    let got = p.request(req).await;
    assert!(json(&got)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("the table has no such column"));
    let got = p
        .get(&format!(
            "/api/v1/resources/{rid}/aggregate?measure=sum:municipio"
        ))
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    let got = p
        .get(&format!("/api/v1/resources/{rid}/rows?offset=999"))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(json(&got)["result"]["rows"].as_array().unwrap().len(), 0);
    let got = p
        .get("/api/v1/resources/00000000-0000-0000-0000-000000000000/rows")
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let got = p.get(&format!("/datastore/dump/{rid}?format=docx")).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&got)["error"]["parameter"], "format");
}

#[tokio::test]
async fn dumps_the_whole_table_or_the_filtered_view() {
    let (p, rid) = portal_with_table().await;
    let got = p.get(&format!("/datastore/dump/{rid}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(got.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("nbi-municipal.csv"));
    let text = got.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "header and every row");
    assert!(lines[0].starts_with("snip,municipio"));
    assert!(
        text.contains("000104,Cobán,Alta Verapaz,1601"),
        "accents and zeros: {text}"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formula neutralised: {text}"
    );
    assert!(text.contains(",'-5"), "text starting with - neutralised");

    let got = p
        .get(&format!("/datastore/dump/{rid}?format=csv&filters=%7B%22departamento%22%3A%22Huehuetenango%22%7D&sort=monto%20desc&fields=snip,monto&bom=true"))
        .await;
    let body = got.body.clone();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert_eq!(
        text.replace("\r\n", "\n"),
        "snip,monto\n000102,2500000\n000103,800000\n"
    );

    // The explorer's own filters work in the dump too.
    let got = p
        .get(&format!(
            "/datastore/dump/{rid}?format=json&f.monto.gt=1000000"
        ))
        .await;
    let rows = json(&got);
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(rows[0]["codigo_municipio"], "0108");

    for (format, magic) in [("xlsx", &b"PK\x03\x04"[..]), ("parquet", &b"PAR1"[..])] {
        let got = p
            .get(&format!("/datastore/dump/{rid}?format={format}"))
            .await;
        assert_eq!(got.status, StatusCode::OK, "{format}");
        assert!(got.body.starts_with(magic), "{format}");
    }
}

#[tokio::test]
async fn the_explorer_pages_sorts_filters_and_links_downloads() {
    let (p, rid) = portal_with_table().await;
    let url = format!("/dataset/nbi-municipal/resource/{rid}");
    let html = p.get(&url).await.text();
    assert!(html.contains("Explorar los datos"));
    assert!(html.contains("Filas 1 a 5 de 5"));
    assert!(html.contains("<td>Cobán</td>"));
    assert!(
        html.contains(">1\u{a0}500\u{a0}000,5<"),
        "Spanish number format"
    );
    assert!(html.contains(">15/01/2024<"), "dates as dd/mm/yyyy");
    assert!(
        html.contains("name=\"f.monto.gte\""),
        "range filter for numbers"
    );
    assert!(
        html.contains("name=\"f.municipio.contains\""),
        "contains filter for text"
    );
    assert!(html.contains(&format!("/datastore/dump/{rid}?format=xlsx")));
    assert!(
        html.contains("<svg class=\"hist\""),
        "histogram of a numeric column"
    );

    let html = p
        .get(&format!("{url}?f.departamento.contains=huehue&sort=-monto"))
        .await
        .text();
    assert!(html.contains("Filas 1 a 2 de 2"), "filtered");
    assert!(html.contains("aria-sort=\"descending\""));
    let first_row = html.split("<tbody>").nth(1).unwrap();
    assert!(
        first_row.find("Huehuetenango").unwrap() < first_row.find("Chiantla").unwrap(),
        "sorted by monto desc"
    );
    assert!(html.contains("Descargar esta vista"));
    assert!(
        html.contains("f.departamento.contains=huehue"),
        "downloads keep the view"
    );

    let en = p.get(&format!("/en{url}?f.monto.gt=abc")).await.text();
    assert!(
        en.contains("“monto” (more than): the value does not fit"),
        "bad filter explained, page still shown"
    );
    assert!(en.contains("Rows 1 to 5 of 5"));
}

#[tokio::test]
async fn response_shapes_are_a_contract() {
    let (p, rid) = portal_with_table().await;
    let mut rows = json(
        &p.get(&format!("/api/v1/resources/{rid}/rows?limit=2&sort=snip"))
            .await,
    );
    rows["resource_id"] = "[id]".into();
    rows["result"]["next_cursor"] = rows["result"]["next_cursor"].is_string().into();
    insta::assert_json_snapshot!("api_rows", rows);
    let mut agg = json(&p.get(&format!("/api/v1/resources/{rid}/aggregate?group_by=departamento&measure=count&measure=avg:monto&sort=departamento")).await);
    agg["resource_id"] = "[id]".into();
    insta::assert_json_snapshot!("api_aggregate", agg);

    // Every path of the OpenAPI document is served.
    let doc: serde_json::Value = serde_json::from_str(ceiba_web::api::OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let served = json(&p.get("/api/v1/openapi.json").await);
    assert_eq!(served, doc);
    for path in doc["paths"].as_object().unwrap().keys() {
        let got = p.get(&path.replace("{id}", &rid)).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
    }
    let page = p.get("/api").await.text();
    assert!(page.contains("API de datos") && page.contains(&format!("/api/v1/resources/{rid}")));
    // The page is in the visitor's language throughout.
    assert!(page.contains("esquema, estadísticas de cada columna"));
    assert!(page.contains("f.&lt;columna&gt;.&lt;op&gt;=valor"));
    for english in ["schema, statistics", "&lt;column&gt;", "filters,"] {
        assert!(!page.contains(english), "{english}");
    }
    let en = p.get("/en/api").await.text();
    assert!(en.contains("schema, statistics of each column") && en.contains("&lt;column&gt;"));
}

/// Reads a downloaded file with openpyxl/pyarrow (`scripts/check_exports.py`); `None`
/// when Python lacks them and CI does not require them.
fn independent_read(bytes: &[u8], ext: &str) -> Option<serde_json::Value> {
    let have = std::process::Command::new("python3")
        .args(["-c", "import openpyxl, pyarrow"])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var("CEIBA_REQUIRE_PYTHON_CHECKS").as_deref() != Ok("1"),
            "openpyxl/pyarrow are required"
        );
        eprintln!("skipped: openpyxl/pyarrow not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("download.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/check_exports.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[tokio::test]
async fn downloaded_xlsx_and_parquet_read_right_elsewhere() {
    let (p, rid) = portal_with_table().await;
    let got = p
        .get(&format!(
            "/datastore/dump/{rid}?format=xlsx&f.monto.gte=500000&sort=snip%20asc"
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    if let Some(book) = independent_read(&got.body, "xlsx") {
        let rows = book["sheets"][0]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 5, "header and the 4 matching rows: {book}");
        assert_eq!(rows[0][0]["value"], "snip");
        let cob = rows.iter().find(|r| r[1]["value"] == "Cobán").unwrap();
        assert_eq!(cob[0]["value"], "000104", "code keeps its zeros");
        assert_eq!(cob[0]["data_type"], "s");
        assert_eq!(cob[3]["value"], "1601");
        assert_eq!(cob[4]["data_type"], "n", "amounts are numbers");
        assert_eq!(cob[4]["value"], 1_200_000.0);
        assert_eq!(cob[5]["is_date"], true, "dates are dates");
        assert_eq!(cob[6]["value"], "'-5", "formula-like text neutralised");
    }
    let got = p
        .get(&format!("/datastore/dump/{rid}?format=parquet"))
        .await;
    if let Some(table) = independent_read(&got.body, "parquet") {
        assert_eq!(table["num_rows"], 5);
        let types: Vec<&str> = table["schema"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        assert_eq!(types[0], "string");
        assert_eq!(types[4], "double");
        assert!(types[5].starts_with("date32"), "{types:?}");
        assert_eq!(table["rows"][4]["municipio"], "San Benito");
        assert_eq!(table["rows"][4]["departamento"], "Petén");
    }
}

#[tokio::test]
async fn years_are_written_as_years_and_amounts_with_thousands() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(
        &p,
        &d,
        "Ejecución",
        "ejecucion.csv",
        "municipio,anio,monto\nMixco,2021,1500000\nVilla Nueva,2022,2500\n",
    )
    .await;
    let html = p
        .get(&format!("/dataset/nbi-municipal/resource/{}", r.id))
        .await
        .text();
    assert!(html.contains(">2021<"), "a year without separators");
    assert!(!html.contains("2\u{a0}021"));
    assert!(html.contains("1\u{a0}500\u{a0}000"), "amounts keep theirs");
}

#[tokio::test]
async fn a_bad_filter_is_told_by_its_column_not_its_parameter() {
    let (p, rid) = portal_with_table().await;
    let base = format!("/dataset/nbi-municipal/resource/{rid}");
    let html = p.get(&format!("{base}?f.monto.gte=mucho")).await.text();
    assert!(
        html.contains("«monto» (desde): el valor no corresponde al tipo de la columna"),
        "{}",
        &html[html.find("notice").unwrap_or(0)..]
            [..300.min(html.len() - html.find("notice").unwrap_or(0))]
    );
    assert!(
        !html.contains("f.monto.gte:"),
        "no parameter names in messages"
    );
    let en = p.get(&format!("/en{base}?f.monto.gte=mucho")).await.text();
    assert!(en.contains("“monto” (from): the value does not fit the column"));
    // The API keeps the parameter: its readers write it.
    let api = p
        .get(&format!("/api/v1/resources/{rid}/rows?f.monto.gte=mucho"))
        .await
        .text();
    assert!(api.contains("f.monto.gte"));
}

/// Twelve projects in three departments: few values, repeated.
fn departments_csv() -> String {
    let mut csv = String::from("proyecto,departamento,monto\n");
    for i in 0..12 {
        let d =
            ["Huehuetenango", "Petén", "Quiché"][usize::from(i % 3 != 0) + usize::from(i % 4 == 1)];
        csv.push_str(&format!(
            "Proyecto {i:02} con una descripción,{d},{}\n",
            1000 + i
        ));
    }
    csv
}

#[tokio::test]
async fn few_values_are_picked_from_a_list_with_counts_and_filters_show_as_chips() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let csv = departments_csv();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    let count = |name: &str| rows.iter().filter(|r| r.contains(name)).count();
    let r = upload_table(&p, &d, "Proyectos", "proyectos.csv", &csv).await;
    let url = format!("/dataset/nbi-municipal/resource/{}", r.id);
    let html = p.get(&url).await.text();
    // A pick-list of the department, each value with its count among all rows.
    assert!(html.contains("<select id=\"pick-"), "{html}");
    for name in ["Huehuetenango", "Petén", "Quiché"] {
        let option = format!("<option value=\"{name}\">{name} ({})</option>", count(name));
        assert!(html.contains(&option), "{option}");
    }
    // The project names are all different: they keep their text filter.
    assert!(html.contains("name=\"f.proyecto.contains\""));

    // Chosen: the results, a chip to remove it, the counts of the other values still on
    // offer; the form lands on the results.
    let html = p
        .get(&format!(
            "{url}?f.departamento.eq=Pet%C3%A9n&f.monto.gte=1005"
        ))
        .await
        .text();
    assert!(html.contains("action=\"/dataset/nbi-municipal/resource/"));
    assert!(html.contains("#results\""));
    let petén_from_1005 = rows
        .iter()
        .filter(|r| {
            r.contains("Petén") && r.rsplit(',').next().unwrap().parse::<i32>().unwrap() >= 1005
        })
        .count();
    assert!(
        html.contains(&format!("de {petén_from_1005}<"))
            || html.contains(&format!("de {petén_from_1005}\n")),
        "filtered to {petén_from_1005} rows"
    );
    assert!(
        html.contains("<option value=\"Petén\" selected>"),
        "the choice stays selected"
    );
    assert!(
        html.contains("departamento: Petén"),
        "a chip says the choice"
    );
    assert!(html.contains("monto desde 1005"), "a chip says the range");
    // Each chip removes its own filter and keeps the other.
    let chips = &html[html.find("class=\"chips\"").unwrap()..];
    let chips = &chips[..chips.find("</div>").unwrap()];
    assert!(
        chips.contains(&format!("href=\"{url}?f.monto.gte=1005#results\"")),
        "{chips}"
    );
    assert!(
        chips.contains(&format!(
            "href=\"{url}?f.departamento.eq=Pet%C3%A9n#results\""
        )),
        "{chips}"
    );
}

#[tokio::test]
async fn each_row_has_a_page_of_its_own_within_its_view() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let long = "Una descripción muy larga ".repeat(10);
    let csv = format!("proyecto,detalle,monto\nCorto,breve,10\nLargo,{long},20\nTercero,otro,30\n");
    let r = upload_table(&p, &d, "Proyectos", "proyectos.csv", &csv).await;
    let url = format!("/dataset/nbi-municipal/resource/{}", r.id);
    let html = p.get(&url).await.text();
    // The long text is cut in the table, with a way to the whole row.
    let table = &html[html.find("<table class=\"data explore\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(!table.contains(long.trim()), "cut in the table");
    assert!(table.contains("Una descripción muy larga Una"), "{table}");
    assert!(html.contains(&format!("href=\"{url}/row/2\"")), "row links");
    assert!(html.contains("(ver completo)"));

    let got = p.get(&format!("{url}/row/2")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let row = got.text();
    assert!(row.contains("<h1>Fila 2</h1>"));
    assert!(row.contains(long.trim()), "whole on its page");
    assert!(row.contains(&format!("href=\"{url}/row/1\"")), "previous");
    assert!(row.contains(&format!("href=\"{url}/row/3\"")), "next");

    // Within a view: the first row of the view sorted by amount, descending.
    let row = p.get(&format!("{url}/row/1?sort=-monto")).await.text();
    assert!(row.contains("Tercero"), "{row}");
    assert!(row.contains(&format!("href=\"{url}/row/2?sort=-monto\"")));
    // No such row, or no number: a 404.
    for n in ["4", "0", "x", "99999999999999999999"] {
        assert_eq!(
            p.get(&format!("{url}/row/{n}")).await.status,
            StatusCode::NOT_FOUND,
            "{n}"
        );
    }
}

#[tokio::test]
async fn ranges_and_histograms_write_numbers_as_the_table_does() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let csv = "anio,monto\n2019,1500000.5\n2020,20\n2021,300\n2022,4000\n";
    let r = upload_table(&p, &d, "Montos", "montos.csv", csv).await;
    let html = p
        .get(&format!("/dataset/nbi-municipal/resource/{}", r.id))
        .await
        .text();
    // Years without separators, amounts grouped, in the range and the histogram's tips.
    assert!(html.contains("2019 – 2022"), "year range: {html}");
    assert!(html.contains("20 – 1\u{a0}500\u{a0}000,5"), "amount range");
    assert!(!html.contains("2\u{a0}019"), "no year is grouped");
    assert!(!html.contains("1500000.50"), "no plain numbers in tooltips");
}

#[tokio::test]
async fn a_huge_view_address_is_cut_not_multiplied_into_every_link() {
    let (p, rid) = portal_with_table().await;
    // 60 filters of 1,000 characters: 60 KB of address (about the most a URI holds),
    // which every link of the page (sorting, paging, chips, rows) would carry: megabytes.
    let long = "x".repeat(1_000);
    let query: Vec<String> = (0..60)
        .map(|i| format!("f.nota.contains={long}{i}"))
        .collect();
    let got = p
        .get(&format!(
            "/dataset/nbi-municipal/resource/{rid}?{}",
            query.join("&")
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    assert!(
        html.contains("La dirección pide más filtros o más texto de lo que el explorador lee"),
        "the cut is said"
    );
    // A filter past the bound is in no link the explorer writes (the layout's language
    // links carry the address once each, as on every page).
    let cut_value = format!("{long}5&amp;");
    let copies = html.matches(&cut_value).count();
    assert!(copies <= 3, "{copies} copies of a filter that was cut");
    assert!(html.len() < 300_000, "{} bytes", html.len());
    // The row pages of such an address are bounded the same way.
    let got = p
        .get(&format!(
            "/dataset/nbi-municipal/resource/{rid}/row/1?{}",
            query.join("&")
        ))
        .await;
    assert!(got.text().matches(&cut_value).count() <= 3);
}
