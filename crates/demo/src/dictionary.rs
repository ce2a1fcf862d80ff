//! The demo's data dictionary: the label and unit a publisher gives each column in the
//! review, so the demo shows what a dictionary brings (headings, axes, legends and profile
//! figures that read "Monto aprobado (Q)", not `monto_aprobado`). The CSV files keep their
//! plain column names, as systems export them; the Excel books already carry headings.

use anyhow::Result;
use ceiba_store::Catalog;
use uuid::Uuid;

/// Column name, label, unit.
const DICTIONARY: &[(&str, &str, &str)] = &[
    ("codigo_departamento", "Código del departamento", ""),
    ("departamento", "Departamento", ""),
    ("codigo_municipio", "Código del municipio", ""),
    ("municipio", "Municipio", ""),
    ("anio", "Año", ""),
    ("ejercicio", "Ejercicio fiscal", ""),
    ("trimestre", "Trimestre", ""),
    ("semana_epidemiologica", "Semana epidemiológica", ""),
    ("snip", "Código SNIP", ""),
    ("proyecto", "Proyecto", ""),
    ("sector", "Sector", ""),
    ("estado", "Estado", ""),
    ("entidad", "Entidad", ""),
    ("clase", "Clase", ""),
    ("cooperante", "Cooperante", ""),
    ("modalidad", "Modalidad", ""),
    ("fecha_desembolso", "Fecha del desembolso", ""),
    ("monto_aprobado", "Monto aprobado", "Q"),
    ("monto_ejecutado", "Monto ejecutado", "Q"),
    ("avance_fisico_pct", "Avance físico", "%"),
    ("asignado", "Asignado", "Q"),
    ("vigente", "Vigente", "Q"),
    ("devengado", "Devengado", "Q"),
    ("monto_usd", "Monto", "US$"),
    ("casos", "Casos", ""),
    ("tasa_por_10000", "Tasa por 10 000 niños", ""),
    ("poblacion_total", "Población total", ""),
    ("hombres", "Hombres", ""),
    ("mujeres", "Mujeres", ""),
    ("urbana", "Población urbana", ""),
    ("rural", "Población rural", ""),
    ("edad_0_14", "De 0 a 14 años", ""),
    ("edad_15_29", "De 15 a 29 años", ""),
    ("edad_30_64", "De 30 a 64 años", ""),
    ("edad_65_mas", "De 65 años o más", ""),
    ("hogares", "Hogares", ""),
    ("hogares_con_nbi_pct", "Hogares con NBI", "%"),
    (
        "nbi_calidad_vivienda_pct",
        "NBI calidad de la vivienda",
        "%",
    ),
    ("nbi_hacinamiento_pct", "NBI hacinamiento", "%"),
    ("nbi_agua_pct", "NBI agua", "%"),
    ("nbi_saneamiento_pct", "NBI saneamiento", "%"),
    ("nbi_asistencia_escolar_pct", "NBI asistencia escolar", "%"),
    (
        "nbi_precariedad_ocupacional_pct",
        "NBI precariedad ocupacional",
        "%",
    ),
    ("indice_2013", "Índice 2013", ""),
    ("indice_2016", "Índice 2016", ""),
    ("indice_2018", "Índice 2018", ""),
    ("categoria_2018", "Categoría 2018", ""),
    ("posicion_2018", "Posición 2018", ""),
    ("nombre", "Nombre", ""),
    ("direccion_ficticia", "Dirección (ficticia)", ""),
    ("telefono_ficticio", "Teléfono (ficticio)", ""),
];

/// Gives the tables of `dataset`'s resources in service the dictionary's labels and units,
/// where a column still carries its plain name (a heading from the file is kept).
pub async fn describe(catalog: &Catalog, dataset: Uuid) -> Result<()> {
    for r in catalog.resources_of(dataset).await? {
        let Some(version) = r.current_version_id else {
            continue;
        };
        for table in catalog.tables_of(version).await? {
            let mut columns = table.columns.clone();
            for c in columns.iter_mut().filter(|c| c.label == c.name) {
                if let Some((_, label, unit)) = DICTIONARY.iter().find(|(n, ..)| *n == c.name) {
                    c.label = (*label).to_owned();
                    c.unit = (*unit).to_owned();
                }
            }
            if columns != table.columns {
                catalog
                    .update_table_columns(version, table.position, &columns)
                    .await?;
            }
        }
    }
    Ok(())
}
