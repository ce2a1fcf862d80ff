//! Structured data search engines read (Google Dataset Search and others): schema.org
//! `Dataset` JSON-LD on each public dataset page and `DataCatalog` on the home page.
//! Only public, active datasets carry it.

use ceiba_core::territory::{resolve, Territory};
use ceiba_core::{Dataset, DatasetState, Lang, Licence, Organization, Resource};
use serde_json::{json, Value};

/// Whether a dataset is described to search engines: what anyone may see.
pub fn describable(d: &Dataset) -> bool {
    d.state == DatasetState::Active && !d.private
}

fn place(code: &str) -> Option<Value> {
    let name = match resolve(code)? {
        Territory::Country => "Guatemala".to_owned(),
        Territory::Department(_, name) => format!("{name}, Guatemala"),
        Territory::Municipality(c, name) => {
            let department = ceiba_core::territory::department_name(c.get(..2)?).unwrap_or("");
            format!("{name}, {department}, Guatemala")
        }
    };
    Some(json!({ "@type": "Place", "name": name }))
}

/// schema.org `Dataset` of `d` (in Spanish, the catalog's language), with absolute
/// addresses under `site`.
pub fn dataset(
    site: &str,
    d: &Dataset,
    org: Option<&Organization>,
    resources: &[Resource],
) -> Value {
    let url = format!("{site}/dataset/{}", d.name);
    let publisher = org.map(|o| {
        let mut p = json!({
            "@type": "Organization",
            "name": o.title.get(Lang::Es),
            "url": format!("{site}/organization/{}", o.name),
        });
        if let Some(w) = &o.website {
            p["sameAs"] = json!(w);
        }
        p
    });
    let distribution: Vec<Value> = resources
        .iter()
        .filter_map(|r| {
            let content = if r.is_upload() {
                format!("{url}/resource/{}/download", r.id)
            } else {
                r.url.clone()?
            };
            let mut dd = json!({
                "@type": "DataDownload",
                "name": r.name,
                "contentUrl": content,
                "encodingFormat": r.media_type.clone().unwrap_or_else(|| r.format.clone()),
            });
            if let Some(size) = r.size {
                dd["contentSize"] = json!(format!("{size} B"));
            }
            Some(dd)
        })
        .collect();
    let description = if d.description.es.trim().is_empty() {
        d.title.es.clone()
    } else {
        d.description.es.clone()
    };
    let mut v = json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": d.title.es,
        "description": description,
        "url": url,
        "identifier": d.id.to_string(),
        "keywords": d.tags,
        "inLanguage": "es",
        "isAccessibleForFree": true,
        "dateCreated": d.created.to_rfc3339(),
        "dateModified": d.modified.to_rfc3339(),
        "distribution": distribution,
    });
    if let Some(l) = Licence::find(&d.licence_id).filter(|l| !l.url.is_empty()) {
        v["license"] = json!(l.url);
    }
    if let Some(p) = publisher {
        v["creator"] = p.clone();
        v["publisher"] = p;
    }
    match (d.temporal.start, d.temporal.end) {
        (Some(s), Some(e)) => v["temporalCoverage"] = json!(format!("{s}/{e}")),
        (Some(s), None) => v["temporalCoverage"] = json!(format!("{s}/..")),
        (None, Some(e)) => v["temporalCoverage"] = json!(format!("../{e}")),
        (None, None) => {}
    }
    let places: Vec<Value> = d.spatial.iter().filter_map(|c| place(c)).collect();
    if !places.is_empty() {
        v["spatialCoverage"] = json!(places);
    }
    v
}

/// schema.org `DataCatalog` of the portal.
pub fn catalog(site: &str, name: &str, description: &str) -> Value {
    json!({
        "@context": "https://schema.org/",
        "@type": "DataCatalog",
        "name": name,
        "description": description,
        "url": format!("{site}/"),
        "inLanguage": ["es", "en"],
    })
}

/// JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` escaped so
/// that no text of a publisher's (a title with `</script>`) can end the block.
pub fn script(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_cannot_close_the_script_block() {
        let d = Dataset {
            title: ceiba_core::Localized::es("</script><script>alert(1)</script>"),
            name: "x".into(),
            ..Dataset::default()
        };
        let text = script(&dataset("https://datos.example.gt", &d, None, &[]));
        assert!(!text.contains("</script"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
