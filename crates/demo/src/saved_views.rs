//! The demo's featured charts: a few saved views (URL parameters of the chart builder), so
//! that dataset pages show a chart or a map the first time the portal runs.

use anyhow::{Context, Result};
use ceiba_store::{Catalog, SavedView};

use crate::ids;

/// One featured chart: dataset, resource slug, view slug, title, parameters.
struct DemoView {
    dataset: &'static str,
    resource: &'static str,
    slug: &'static str,
    title: &'static str,
    params: &'static [(&'static str, &'static str)],
}

const VIEWS: &[DemoView] = &[
    DemoView {
        dataset: "ranking-gestion-municipal",
        resource: "csv",
        slug: "mapa-indice-2018",
        title: "Índice de gestión municipal 2018: promedio por departamento",
        params: &[
            ("type", "map"),
            ("x", "codigo_departamento"),
            ("measure", "avg:indice_2018"),
        ],
    },
    DemoView {
        dataset: "proyectos-inversion-publica",
        resource: "csv",
        slug: "monto-por-departamento",
        title: "Monto aprobado por departamento",
        params: &[
            ("type", "hbar"),
            ("x", "departamento"),
            ("measure", "sum:monto_aprobado"),
            ("top", "22"),
        ],
    },
    DemoView {
        dataset: "proyectos-inversion-publica",
        resource: "csv",
        slug: "proyectos-por-sector",
        title: "Proyectos por sector y estado",
        params: &[
            ("type", "stacked"),
            ("x", "sector"),
            ("measure", "count"),
            ("series", "estado"),
        ],
    },
    DemoView {
        dataset: "desembolsos-cooperacion-internacional",
        resource: "csv",
        slug: "desembolsos-por-anio",
        title: "Desembolsos por año y modalidad (US$)",
        params: &[
            ("type", "stacked"),
            ("x", "anio"),
            ("measure", "sum:monto_usd"),
            ("series", "modalidad"),
            ("sort", "label"),
        ],
    },
    DemoView {
        dataset: "casos-desnutricion-aguda",
        resource: "csv",
        slug: "casos-por-departamento",
        title: "Casos de desnutrición aguda por departamento",
        params: &[
            ("type", "map"),
            ("x", "codigo_departamento"),
            ("measure", "sum:casos"),
        ],
    },
    DemoView {
        dataset: "poblacion-censo-2018",
        resource: "csv",
        slug: "poblacion-por-departamento",
        title: "Población por departamento",
        params: &[
            ("type", "hbar"),
            ("x", "departamento"),
            ("measure", "sum:poblacion_total"),
            ("top", "22"),
        ],
    },
    DemoView {
        dataset: "ejecucion-presupuestaria-municipal",
        resource: "csv",
        slug: "devengado-por-departamento",
        title: "Presupuesto devengado por departamento",
        params: &[
            ("type", "map"),
            ("x", "codigo_departamento"),
            ("measure", "sum:devengado"),
        ],
    },
];

/// Adds the featured views of a demo dataset, when it is first loaded (a publisher who
/// later deletes them does not see them come back). Returns how many were added.
pub async fn add(catalog: &Catalog, dataset: &ceiba_core::Dataset) -> Result<usize> {
    let mut added = 0;
    for (position, v) in VIEWS.iter().enumerate() {
        if v.dataset != dataset.name {
            continue;
        }
        let id = ids::view(v.dataset, v.slug);
        if catalog.view(id).await?.is_some() {
            continue;
        }
        let view = SavedView {
            id,
            resource_id: ids::resource(v.dataset, v.resource),
            dataset_id: dataset.id,
            title: v.title.to_owned(),
            description: String::new(),
            view_type: "ceiba_chart".into(),
            spec: serde_json::json!({ "params": v.params }).to_string(),
            featured: true,
            position: position as i64,
            created: dataset.modified,
            modified: dataset.modified,
        };
        catalog
            .create_view(&view)
            .await
            .with_context(|| format!("adding the demo view {}", v.slug))?;
        added += 1;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_names_a_demo_dataset_and_resource() {
        let datasets = crate::datasets::all(&crate::profile::Profile::build().unwrap()).unwrap();
        for v in VIEWS {
            assert!(
                datasets.iter().any(|d| d.dataset.name == v.dataset
                    && d.resources.iter().any(|r| r.slug == v.resource)),
                "{} / {}",
                v.dataset,
                v.resource
            );
        }
    }
}
