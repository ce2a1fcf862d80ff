//! DCAT-AP through HTTP: the catalog and each dataset in Turtle, parsed back; the data
//! dictionary of each table as the distribution's `dct:conformsTo`; content negotiation;
//! private and draft datasets nowhere.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use oxrdf::{NamedNode, Term};
use oxrdfio::{RdfFormat, RdfParser};

use crate::common::{fixture, upload_table, Portal};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";

fn triples(body: &[u8]) -> Vec<(String, String, Term)> {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(body)
        .map(|q| {
            let q = q.unwrap();
            (
                q.subject.to_string(),
                q.predicate.as_str().to_owned(),
                q.object,
            )
        })
        .collect()
}

fn objects<'a>(t: &'a [(String, String, Term)], s: &str, p: &str) -> Vec<&'a Term> {
    t.iter()
        .filter(|(a, b, _)| a == s && b == p)
        .map(|(_, _, o)| o)
        .collect()
}

#[tokio::test]
async fn each_table_distribution_conforms_to_its_described_table_schema() {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    let r = upload_table(
        &p,
        &d,
        "Población",
        "poblacion.csv",
        "codigo_municipio,poblacion\n0101,923392\n0102,100\n",
    )
    .await;
    let v = r.id;
    // A column described by its publisher.
    p.state
        .portal
        .review_table(
            &ceiba_portal::Actor::operator(),
            None,
            &v.to_string(),
            ceiba_portal::TableReview {
                table: 0,
                columns: vec![ceiba_portal::ColumnEdit {
                    name: "poblacion".into(),
                    label: None,
                    description: Some("Habitantes según el censo".into()),
                    unit: Some("personas".into()),
                    column_type: None,
                    date_format: None,
                }],
                header_row: None,
                subtotals_out: None,
            },
        )
        .await
        .unwrap();
    let got = p.get("/dataset/nbi-municipal.ttl").await;
    assert_eq!(got.status, StatusCode::OK);
    let t = triples(&got.body);
    let dist = format!("<http://localhost/dataset/nbi-municipal/resource/{v}>");
    let schema = objects(&t, &dist, &format!("{DCT}conformsTo"));
    assert_eq!(schema.len(), 1, "{dist}");
    let Term::NamedNode(schema) = schema[0] else {
        panic!()
    };
    assert!(schema
        .as_str()
        .ends_with(&format!("/dataset/nbi-municipal/datapackage.json#{v}")));
    let s = format!("<{}>", schema.as_str());
    assert!(
        objects(&t, &s, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type").contains(
            &&Term::NamedNode(NamedNode::new_unchecked(format!("{DCT}Standard")))
        )
    );
    let described = objects(&t, &s, &format!("{DCT}description"));
    let Term::Literal(text) = described[0] else {
        panic!()
    };
    assert!(
        text.value().contains("codigo_municipio ("),
        "{}",
        text.value()
    );
    assert!(
        text.value()
            .contains("): Habitantes según el censo [personas]"),
        "{}",
        text.value()
    );

    // Content negotiation on the dataset's address.
    let got = p
        .request(
            Request::get("/dataset/nbi-municipal")
                .header(header::ACCEPT, "text/turtle")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(got.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/turtle"));
    assert!(!triples(&got.body).is_empty());
    // Private and draft datasets are in no description.
    for name in ["inversion-secreta", "borrador-oculto"] {
        assert_eq!(
            p.get(&format!("/dataset/{name}.ttl")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let catalog = p.get("/catalog.ttl").await;
    let t = triples(&catalog.body);
    let datasets: Vec<_> = objects(&t, "<http://localhost/catalog>", &format!("{DCAT}dataset"));
    assert_eq!(datasets.len(), 2, "the two public, active datasets");
    assert!(String::from_utf8_lossy(&catalog.body).contains("datapackage.json#"));
}
