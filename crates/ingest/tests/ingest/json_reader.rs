//! The JSON reader on files written here: layouts, values, positions and errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use ceiba_ingest::json::{JsonKind, JsonSource};
use ceiba_ingest::{Issue, IssueKind, Limits, OwnedValue as V, TableSource};

type Row = (u64, Vec<V>);

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn source(dir: &Path, content: impl AsRef<[u8]>, limits: Limits) -> Result<JsonSource, Issue> {
    let path = write(dir, "datos.json", content);
    JsonSource::new(path, "datos".into(), limits).map_err(|e| e.to_issue())
}

fn read(table: &dyn TableSource) -> Vec<Row> {
    let mut rows = table.open().unwrap();
    let mut out = Vec::new();
    while rows.advance().unwrap() {
        let cells = (0..rows.len())
            .map(|i| rows.get(i).to_owned_value())
            .collect();
        out.push((rows.position(), cells));
    }
    assert!(!rows.advance().unwrap(), "the end stays the end");
    out
}

/// The error reading the table gives, at `new`, `open` or some row.
fn error(dir: &Path, content: impl AsRef<[u8]>, limits: Limits) -> Issue {
    let src = match source(dir, content, limits) {
        Ok(src) => src,
        Err(issue) => return issue,
    };
    let mut rows = match src.open() {
        Ok(rows) => rows,
        Err(e) => return e.to_issue(),
    };
    loop {
        match rows.advance() {
            Ok(true) => {}
            Ok(false) => panic!("no error: the file was read to its end"),
            Err(e) => return e.to_issue(),
        }
    }
}

fn detail(issue: &Issue) -> &str {
    match &issue.kind {
        IssueKind::Unreadable { format, detail } => {
            assert_eq!(format, "JSON");
            detail
        }
        other => panic!("not unreadable: {other:?}"),
    }
}

fn t(s: &str) -> V {
    V::Text(s.into())
}

fn header(names: &[&str]) -> Vec<V> {
    names.iter().map(|n| t(n)).collect()
}

#[test]
fn a_list_of_objects_with_missing_keys_and_nested_values() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(
        dir.path(),
        r#"[
  {"codigo": "0101", "poblacion": 923392, "tasa": 0.5, "urbano": true, "nota": null},
  {"codigo": "0102", "etiquetas": ["a", "b"], "meta": {"z": 1, "a": [1.5, null, "x\"y"]},
   "poblacion": 18446744073709551615, "tasa": 1.0},
  {"codigo": "ca\u00f1a \"0103\"", "poblacion": -5, "tasa": 2e3},
  {}
]
"#,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.kind(), JsonKind::Array);
    assert!(src.fixed_header());
    assert_eq!(src.records(), 4);
    let names = [
        "codigo",
        "poblacion",
        "tasa",
        "urbano",
        "nota",
        "etiquetas",
        "meta.z",
        "meta.a",
    ];
    // An object's members are columns of their own; a list stays JSON text.
    assert_eq!(src.columns(), names);
    let e = || V::Empty;
    let expected: Vec<Row> = vec![
        (1, header(&names)),
        (
            2,
            vec![
                t("0101"),
                V::Int(923392),
                V::Float(0.5),
                V::Bool(true),
                e(),
                e(),
                e(),
                e(),
            ],
        ),
        (
            3,
            vec![
                t("0102"),
                V::Float(18446744073709551615.0),
                V::Float(1.0),
                e(),
                e(),
                t(r#"["a","b"]"#),
                V::Int(1),
                t(r#"[1.5,null,"x\"y"]"#),
            ],
        ),
        (
            4,
            vec![
                t("caña \"0103\""),
                V::Int(-5),
                V::Float(2000.0),
                e(),
                e(),
                e(),
                e(),
                e(),
            ],
        ),
        (5, vec![e(), e(), e(), e(), e(), e(), e(), e()]),
    ];
    assert_eq!(read(&src), expected);
    // Read again, from the start.
    assert_eq!(read(&src), expected);
}

#[test]
fn newline_delimited_objects() {
    let dir = tempfile::tempdir().unwrap();
    // A byte order mark, CRLF line ends, a blank line and a trailing space.
    let src = source(
        dir.path(),
        "\u{feff}{\"a\": 1, \"b\": \"x\"}\r\n\r\n{\"b\": \"y\", \"c\": false} \n{\"a\": 3}",
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.kind(), JsonKind::Lines);
    assert_eq!(src.records(), 3);
    assert_eq!(
        read(&src),
        vec![
            (1, header(&["a", "b", "c"])),
            (2, vec![V::Int(1), t("x"), V::Empty]),
            (3, vec![V::Empty, t("y"), V::Bool(false)]),
            (4, vec![V::Int(3), V::Empty, V::Empty]),
        ]
    );
}

#[test]
fn pretty_printed_objects_one_after_another() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(
        dir.path(),
        "{\n  \"a\": 1\n}\n{\n  \"a\": 2,\n  \"b\": [1, 2]\n}\n",
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.kind(), JsonKind::Lines);
    assert_eq!(
        read(&src),
        vec![
            (1, header(&["a", "b"])),
            (2, vec![V::Int(1), V::Empty]),
            (3, vec![V::Int(2), t("[1,2]")]),
        ]
    );
    // A single object is a table of one row.
    let src = source(dir.path(), r#"{"a": 1, "b": "dos"}"#, Limits::default()).unwrap();
    assert_eq!(
        read(&src),
        vec![(1, header(&["a", "b"])), (2, vec![V::Int(1), t("dos")])]
    );
}

#[test]
fn a_feature_collection_has_properties_then_geometry() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(
        dir.path(),
        r#"{"type": "FeatureCollection", "name": "prueba",
  "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-90.5, 14.6]},
     "properties": {"cod": 1, "nombre": "Guatemala"}},
    {"type": "Feature", "properties": {"cod": 16, "area": 8686.5}, "geometry": null},
    {"type": "Feature", "properties": null,
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
  ],
  "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
}"#,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.kind(), JsonKind::GeoJson);
    assert_eq!(src.columns(), ["cod", "nombre", "area", "geometry"]);
    assert_eq!(
        read(&src),
        vec![
            (1, header(&["cod", "nombre", "area", "geometry"])),
            (
                2,
                vec![
                    V::Int(1),
                    t("Guatemala"),
                    V::Empty,
                    t(r#"{"type":"Point","coordinates":[-90.5,14.6]}"#),
                ]
            ),
            (3, vec![V::Int(16), V::Empty, V::Float(8686.5), V::Empty]),
            (
                4,
                vec![
                    V::Empty,
                    V::Empty,
                    V::Empty,
                    t(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#),
                ]
            ),
        ]
    );
}

#[test]
fn a_single_feature_is_a_table_of_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(
        dir.path(),
        r#"{"type": "Feature", "properties": {"geometry": "x", "n": 1},
            "geometry": {"type": "Point", "coordinates": [1, 2]}}"#,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.kind(), JsonKind::GeoJson);
    // A property already called "geometry" keeps its name.
    assert_eq!(src.columns(), ["geometry", "n", "geometry_geojson"]);
    assert_eq!(
        read(&src),
        vec![
            (1, header(&["geometry", "n", "geometry_geojson"])),
            (
                2,
                vec![
                    t("x"),
                    V::Int(1),
                    t(r#"{"type":"Point","coordinates":[1,2]}"#)
                ]
            ),
        ]
    );
}

#[test]
fn an_empty_list_has_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path(), " [ ] ", Limits::default()).unwrap();
    assert_eq!(src.records(), 0);
    assert_eq!(read(&src), vec![]);
    let issue = source(dir.path(), " \n", Limits::default()).unwrap_err();
    assert_eq!(issue.kind, IssueKind::EmptyFile);
}

#[test]
fn malformed_json_names_the_record_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let issue = error(
        dir.path(),
        "[\n  {\"a\": 1},\n  {\"a\": 2,, \"b\": 3}\n]",
        Limits::default(),
    );
    assert_eq!(issue.row, Some(2));
    let d = detail(&issue);
    assert!(d.contains("record no. 2"), "{d}");
    assert!(d.contains("line 3, column 11"), "{d}");

    // In NDJSON, the bad line.
    let issue = error(
        dir.path(),
        "{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": }\n{\"a\": 4}\n",
        Limits::default(),
    );
    assert_eq!(issue.row, Some(3));
    assert!(detail(&issue).contains("line 4"), "{issue:?}");

    // Something other than an object among the records.
    let issue = error(
        dir.path(),
        r#"[{"a": 1}, "dos", {"a": 3}]"#,
        Limits::default(),
    );
    assert_eq!(issue.row, Some(2));
    assert!(
        detail(&issue).contains("a text, not an object"),
        "{issue:?}"
    );

    // A list left open.
    let issue = error(dir.path(), "[{\"a\": 1},\n {\"a\": ", Limits::default());
    assert_eq!(issue.row, Some(2));
    assert!(detail(&issue).contains("truncated"), "{issue:?}");

    // Records not separated by commas.
    let issue = error(dir.path(), r#"[{"a": 1} {"a": 2}]"#, Limits::default());
    assert_eq!(issue.row, Some(1));

    // Something after the list.
    let issue = error(dir.path(), r#"[{"a": 1}] {"b": 2}"#, Limits::default());
    assert!(
        detail(&issue).contains("after the end of the list"),
        "{issue:?}"
    );
}

#[test]
fn files_that_hold_no_records_are_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let issue = error(dir.path(), "42", Limits::default());
    assert!(detail(&issue).contains("a number alone"), "{issue:?}");
    assert_eq!(issue.row, None);

    let issue = error(
        dir.path(),
        r#"{"A2_2": [{"No.": 1}], "Hoja1": [{"codigo": 1}], "nota": "x"}"#,
        Limits::default(),
    );
    assert!(detail(&issue).contains("A2_2, Hoja1"), "{issue:?}");

    let issue = error(
        dir.path(),
        r#"{"type": "Topology", "objects": {}, "arcs": []}"#,
        Limits::default(),
    );
    assert!(detail(&issue).contains("TopoJSON"), "{issue:?}");

    let issue = error(
        dir.path(),
        r#"{"type": "MultiPolygon", "coordinates": []}"#,
        Limits::default(),
    );
    assert!(
        detail(&issue).contains("bare GeoJSON MultiPolygon"),
        "{issue:?}"
    );

    let issue = error(dir.path(), b"[{\"a\": \"\xff\"}]", Limits::default());
    assert_eq!(issue.row, Some(1));
    assert!(detail(&issue).contains("UTF-8"), "{issue:?}");

    let issue = error(dir.path(), b"\xff\xfe[\x00]\x00", Limits::default());
    assert!(detail(&issue).contains("UTF-16"), "{issue:?}");
}

#[test]
fn limits_apply_to_records_cells_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(200);
    let content = format!(r#"[{{"a": "corto"}}, {{"a": "{long}"}}]"#);
    let limits = Limits {
        max_line_bytes: 100,
        ..Limits::default()
    };
    let issue = error(dir.path(), &content, limits);
    assert_eq!(issue.kind, IssueKind::LineTooLong { limit: 100 });
    assert_eq!(issue.row, Some(2));

    let lines = format!("{{\"a\": 1}}\n{{\"a\": \"{long}\"}}\n");
    let issue = error(dir.path(), &lines, limits);
    assert_eq!(issue.kind, IssueKind::LineTooLong { limit: 100 });
    assert_eq!(issue.row, Some(2));

    let limits = Limits {
        max_cell_bytes: 5,
        ..Limits::default()
    };
    let issue = error(
        dir.path(),
        r#"[{"a": 1, "b": "corto"}, {"b": [1, 2, 3]}]"#,
        limits,
    );
    assert_eq!(issue.kind, IssueKind::CellTooLong { limit: 5 });
    assert_eq!(issue.row, Some(2));
    assert_eq!(issue.column, Some((2, "b".to_string())));

    let limits = Limits {
        max_columns: 2,
        ..Limits::default()
    };
    let issue = error(dir.path(), r#"[{"a": 1, "b": 2}, {"c": 3}]"#, limits);
    assert_eq!(issue.kind, IssueKind::TooManyColumns { count: 3, limit: 2 });
    assert_eq!(issue.row, Some(2));
}

#[test]
fn many_records_stream_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let n = 50_000;
    let mut content = String::from("[\n");
    for i in 0..n {
        if i > 0 {
            content.push_str(",\n");
        }
        content.push_str(&format!(
            r#"{{"id": {i}, "nombre": "fila {i}", "punto": [{i}, {}]}}"#,
            i * 2
        ));
    }
    content.push_str("\n]\n");
    let src = source(dir.path(), &content, Limits::default()).unwrap();
    assert_eq!(src.records(), n);
    let mut rows = src.open().unwrap();
    assert!(rows.advance().unwrap());
    let mut count = 0;
    while rows.advance().unwrap() {
        let i = count;
        assert_eq!(rows.position(), i + 2);
        assert_eq!(rows.get(0).to_owned_value(), V::Int(i as i64));
        assert_eq!(rows.get(2).to_owned_value(), t(&format!("[{i},{}]", i * 2)));
        count += 1;
    }
    assert_eq!(count, n);
    assert_eq!(rows.bytes_read(), content.len() as u64 - 1);
}

/// An open-data API export whose records sit two objects deep (`Coleccion.Registro[]`,
/// with metadata beside them), and one object holding a single list: the records are
/// found and read; what follows the list is not data.
#[test]
fn records_nested_in_objects_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(
        dir.path(),
        r#"{"Coleccion": {"fecha": "2024-03-05", "total": 2,
  "Registro": [
    {"clave": "01", "nombre": "Aguascalientes", "poblacion": 1425607},
    {"clave": "02", "nombre": "Baja California", "poblacion": 3769020}
  ],
  "fuente": "INEGI"}}
"#,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.records(), 2);
    assert_eq!(src.columns(), ["clave", "nombre", "poblacion"]);
    let rows = read(&src);
    assert_eq!(rows[0].1, header(&["clave", "nombre", "poblacion"]));
    assert_eq!(rows[2].1[1], t("Baja California"));

    let src = source(
        dir.path(),
        r#"{"resultados": [{"a": 1}, {"a": 2}, {"a": 3}], "pagina": 1}"#,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(src.records(), 3);
    // Two lists of records: which one is meant is the publisher's to say.
    let issue = error(
        dir.path(),
        r#"{"datos": {"A": [{"x": 1}], "B": [{"y": 2}]}}"#,
        Limits::default(),
    );
    assert!(detail(&issue).contains("datos.A, datos.B"), "{issue:?}");
}
