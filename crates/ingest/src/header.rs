//! Finding the header row among the first rows of a table: publishers put titles, sources
//! and blank rows above it.

use crate::{OwnedValue, Value};

/// Which of the first rows of a table is its header (index into `rows`), or `None` if
/// there is no non-blank row. `rows` are up to the first 200 physical rows, blank ones
/// included, as [`OwnedValue`] cells.
///
/// Rules:
/// - Blank rows (no cells, or only empty or whitespace cells) are ignored.
/// - The table's width W is the most common count of non-blank cells among the non-blank
///   rows (the larger count on a tie). When that is 1 but at least a quarter of the rows
///   (and two) have more cells, W is the most common count among those: a small table
///   can have as many title and note rows as data rows.
/// - The header is the first non-blank row that has at least max(2, ⌈0.6·W⌉) non-blank
///   cells and at least one cell that is text other than a number or a date. Numbers
///   next to a text label still make a header ("departamento", "2013", "2016").
///   Title and source rows above the table ("Ranking municipal 2018",
///   "Fuente: SEGEPLAN", a merged cell) have one non-blank cell and are skipped.
/// - A 1-column table (W = 1) has its first non-blank row as header.
/// - A qualifying row that is the last non-blank row is still the header: tables with a
///   header and no data exist, and the pipeline says so.
/// - If no row qualifies (e.g. the file has no header and only numbers), the first
///   non-blank row is returned; naming the columns is then the pipeline's choice.
pub fn find_header(rows: &[Vec<OwnedValue>]) -> Option<usize> {
    let widths: Vec<usize> = rows.iter().map(|r| non_blank(r)).collect();
    let first = widths.iter().position(|&w| w > 0)?;
    let width = table_width(&widths);
    if width <= 1 {
        return Some(first);
    }
    let needed = (width * 3).div_ceil(5).max(2);
    // A row of labels: wide enough and more than half of its cells are words, or a few
    // labels beside a run of years ("CODIGO", "MUNICIPIO", 2023, 2022, 2021).
    let labels = |i: usize| {
        widths[i] >= needed && (label_count(&rows[i]) * 2 > widths[i] || labels_and_years(&rows[i]))
    };
    if let Some(first_labels) = (0..rows.len()).find(|&i| labels(i)) {
        // A short title row of labels ("Base de datos…", "Total de observaciones…"),
        // then blank rows, then a row of labels at least twice as wide: that is the header.
        let mut start = first_labels;
        loop {
            let after = start + 1;
            let gap = (after..rows.len()).take_while(|&j| widths[j] == 0).count();
            let next = after + gap;
            if gap > 0 && next < rows.len() && labels(next) && widths[start] * 2 <= widths[next] {
                start = next;
            } else {
                break;
            }
        }
        // Several label rows in a row (a group row, an indicator-name row, the column
        // codes) right above the data: the header is the last one, next to the data.
        let mut last = start;
        let mut next = start + 1;
        while next < rows.len() {
            if widths[next] == 0 {
                break;
            }
            // A row with a number in it is data ("Guatemala", "Mixco", 465773), even when
            // most of its cells are words; rows of a header over several rows hold none.
            if !labels(next) || has_number(&rows[next]) && !labels_and_years(&rows[next]) {
                let short_run = last - start < MAX_LABEL_ROWS;
                return Some(if short_run { last } else { start });
            }
            last = next;
            next += 1;
        }
        return Some(start);
    }
    // A small statistics sheet: a first blank cell, then years ("", 2000, 2006, 2014).
    let header = rows.iter().zip(&widths).position(|(row, &w)| {
        w >= needed && (row.iter().any(|c| is_label(&c.as_value())) || years(row))
    });
    Some(header.unwrap_or(first))
}

/// Most rows above a header that group its columns ("1995" over "Observada" and
/// "Proyectada").
const MAX_GROUP_ROWS: usize = 2;

/// The rows right above header `header` (no blank row between) that group its columns:
/// rows of a few cells over the header's, none a lone title in the first column. Their
/// index range, empty when there are none.
pub fn group_rows(rows: &[Vec<OwnedValue>], header: usize) -> std::ops::Range<usize> {
    let mut start = header;
    while start > 0 && header - start < MAX_GROUP_ROWS {
        let row = &rows[start - 1];
        let filled: Vec<usize> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.as_value().is_blank())
            .map(|(i, _)| i)
            .collect();
        let lone_title = filled.len() == 1 && filled[0] == 0;
        let width = rows[header].len();
        // A group cell spans columns, as a merged cell does: the one to its right is
        // blank in its row and part of the header. Or it is merged down: the header cell
        // below it is blank, and it names its column. A note in a corner does neither.
        let header_blank = |i: usize| rows[header].get(i).is_none_or(|c| c.as_value().is_blank());
        // A group written again over each of its columns (a merge undone by the export)
        // spans them too.
        let same_as_next = |i: usize| {
            row.get(i + 1).is_some_and(|c| {
                c.as_value().display().trim() == row[i].as_value().display().trim()
            })
        };
        let spans = filled.iter().all(|&i| {
            (i + 1 < width && row.get(i + 1).is_none_or(|c| c.as_value().is_blank()))
                || (i < width && header_blank(i))
                || same_as_next(i)
                || i > 0 && filled.contains(&(i - 1)) && {
                    let prev = row[i - 1].as_value().display();
                    prev.trim() == row[i].as_value().display().trim()
                }
        });
        if filled.is_empty() || lone_title || !spans {
            break;
        }
        start -= 1;
    }
    start..header
}

/// The header's names with the group rows above them joined in (`1995 · Observada`): a
/// group cell covers the columns to its right until the next one, as a merged cell does.
pub fn combined_header(rows: &[Vec<OwnedValue>], header: usize) -> Vec<OwnedValue> {
    let groups = group_rows(rows, header);
    let mut out: Vec<OwnedValue> = rows[header].clone();
    if groups.is_empty() {
        return out;
    }
    let width = out.len();
    let mut parts: Vec<Vec<String>> = vec![Vec::new(); width];
    for g in groups {
        let mut current: Option<String> = None;
        for (i, part) in parts.iter_mut().enumerate() {
            match rows[g].get(i).map(|c| c.as_value()) {
                Some(v) if !v.is_blank() => current = Some(v.display().trim().to_owned()),
                _ => {}
            }
            if let Some(c) = &current {
                part.push(c.clone());
            }
        }
    }
    for (i, cell) in out.iter_mut().enumerate() {
        let own = cell.as_value().display().trim().to_owned();
        let mut all = parts[i].clone();
        if !own.is_empty() && all.last() != Some(&own) {
            all.push(own);
        }
        if !all.is_empty() {
            *cell = OwnedValue::Text(all.join(" · "));
        }
    }
    out
}

/// More consecutive label rows than this are data that happens to be text.
const MAX_LABEL_ROWS: usize = 4;

/// A cell holding a year (1900–2100), as a number or as text.
fn year_of(v: Value<'_>) -> Option<i64> {
    let year = match v {
        Value::Int(i) => Some(i),
        Value::Float(f) if f.fract() == 0.0 => Some(f as i64),
        Value::Text(t) => t.trim().parse::<i64>().ok(),
        _ => None,
    };
    year.filter(|y| ceiba_core::is_year_number(*y))
}

/// A row of two or more distinct years and nothing else: the header of a table by year.
fn years(row: &[OwnedValue]) -> bool {
    let mut seen = Vec::new();
    for c in row {
        let v = c.as_value();
        if v.is_blank() {
            continue;
        }
        match year_of(v) {
            Some(y) if !seen.contains(&y) => seen.push(y),
            _ => return false,
        }
    }
    seen.len() >= 2
}

/// Labels, then three or more years in order (up or down) and nothing else: the header of
/// a table by year with its first columns named. Data rows rarely hold such a run.
fn labels_and_years(row: &[OwnedValue]) -> bool {
    let mut years = Vec::new();
    let mut labels = 0;
    for c in row {
        let v = c.as_value();
        if v.is_blank() {
            continue;
        }
        match year_of(v) {
            Some(y) => years.push(y),
            _ if is_label(&v) && years.is_empty() => labels += 1,
            _ => return false,
        }
    }
    let ordered = years.windows(2).all(|w| w[1] > w[0]) || years.windows(2).all(|w| w[1] < w[0]);
    labels > 0 && years.len() >= 3 && ordered
}

fn has_number(row: &[OwnedValue]) -> bool {
    row.iter().any(|c| match c.as_value() {
        Value::Int(_) | Value::Float(_) => true,
        Value::Text(t) => {
            let t = t.trim();
            !t.is_empty() && looks_numeric_or_date(t)
        }
        _ => false,
    })
}

fn label_count(row: &[OwnedValue]) -> usize {
    row.iter().filter(|c| is_label(&c.as_value())).count()
}

fn non_blank(row: &[OwnedValue]) -> usize {
    row.iter().filter(|c| !c.as_value().is_blank()).count()
}

/// The most common non-blank count among non-blank rows, the larger on a tie. A small
/// table can have as many title and note rows as rows of data; single-cell rows then do
/// not decide when at least a quarter of the rows (and two) have more cells.
fn table_width(widths: &[usize]) -> usize {
    let non_blank: Vec<usize> = widths.iter().copied().filter(|&w| w > 0).collect();
    let wide: Vec<usize> = non_blank.iter().copied().filter(|&w| w > 1).collect();
    let width = most_common(&non_blank);
    if width == 1 && wide.len() >= 2 && wide.len() * 4 >= non_blank.len() {
        most_common(&wide)
    } else {
        width
    }
}

fn most_common(values: &[usize]) -> usize {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted
        .chunk_by(|a, b| a == b)
        .map(|run| (run.len(), run[0]))
        .max()
        .map_or(0, |(_, w)| w)
}

/// A cell that can name a column: text that is neither a number nor a date.
fn is_label(v: &Value<'_>) -> bool {
    match v {
        Value::Text(t) => {
            let t = t.trim();
            !t.is_empty() && !looks_numeric_or_date(t)
        }
        _ => false,
    }
}

/// "2013", "1,234.5", "-3", "45 %", "Q 1,200.00", "31/12/2018", "2018-12-31 10:00",
/// "feb 24" (a period: an abbreviated month and a year; "Agosto 2023" over columns is a
/// label).
fn looks_numeric_or_date(t: &str) -> bool {
    let month = t
        .trim()
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    if month.chars().count() <= 4 && crate::parse::month_and_year(t).is_some() {
        return true;
    }
    let t = t
        .strip_prefix('Q')
        .or_else(|| t.strip_prefix('$'))
        .unwrap_or(t)
        .trim_start();
    t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b" .,/-+:%".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<OwnedValue>> {
        cells
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if c.is_empty() {
                            OwnedValue::Empty
                        } else {
                            OwnedValue::Text((*c).to_string())
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn title_and_blank_rows_above_the_header() {
        let r = rows(&[
            &["Ranking municipal 2018"],
            &[],
            &["codigo", "municipio", "indice"],
            &["0101", "Guatemala", "0.59"],
        ]);
        assert_eq!(find_header(&r), Some(2));
    }

    #[test]
    fn titles_exported_with_empty_cells() {
        let r = rows(&[
            &["Ranking municipal 2018", "", "", ""],
            &["Fuente: SEGEPLAN", "", "", ""],
            &["", "", "", ""],
            &["codigo", "municipio", "2017", "2018"],
            &["0101", "Guatemala", "0.59", "0.61"],
            &["0102", "Santa Catarina Pinula", "0.61", "0.62"],
            &["Nota: datos preliminares", "", "", ""],
        ]);
        assert_eq!(find_header(&r), Some(3));
    }

    #[test]
    fn header_at_the_top() {
        let r = rows(&[&["a", "b"], &["1", "2"], &["3", "4"]]);
        assert_eq!(find_header(&r), Some(0));
    }

    #[test]
    fn years_next_to_a_label_make_a_header() {
        let r = vec![
            vec![
                OwnedValue::Text("departamento".into()),
                OwnedValue::Int(2013),
                OwnedValue::Int(2016),
            ],
            vec![
                OwnedValue::Text("Petén".into()),
                OwnedValue::Float(1.5),
                OwnedValue::Float(2.5),
            ],
        ];
        assert_eq!(find_header(&r), Some(0));
    }

    #[test]
    fn a_group_row_above_the_header_is_skipped() {
        let r = rows(&[
            &["", "2013", "", "2016", ""],
            &["municipio", "hombres", "mujeres", "hombres", "mujeres"],
            &["Mixco", "10", "12", "11", "13"],
        ]);
        assert_eq!(find_header(&r), Some(1));
    }

    #[test]
    fn the_last_of_several_label_rows_above_the_data() {
        let r = rows(&[
            &["GT0101", "Initial weight -->", "1", "1", "1"],
            &["Direction -->", "1", "1", "1", "-1"],
            &["Group -->", "disaster", "ref_as", "mixed_mov", "mixed_mov"],
            &[
                "Indicator name -->",
                "Desastres",
                "Refugiados",
                "Deportadas",
                "Riesgo",
            ],
            &[
                "admin2Pcode",
                "DesastresNat",
                "Refugiados",
                "Deportadas",
                "RisDespl",
            ],
            &["GT0101", "66.49", "148.38", "92.28", "697.64"],
            &["GT0102", "70.73", "18.39", "919.91", "341.26"],
        ]);
        assert_eq!(find_header(&r), Some(4));
    }

    #[test]
    fn text_tables_keep_the_first_label_row() {
        let r = rows(&[
            &["municipio", "departamento", "alcalde"],
            &["Mixco", "Guatemala", "Nombre Uno"],
            &["Villa Nueva", "Guatemala", "Nombre Dos"],
            &["Cobán", "Alta Verapaz", "Nombre Tres"],
            &["Flores", "Petén", "Nombre Cuatro"],
            &["Zacapa", "Zacapa", "Nombre Cinco"],
            &["Jalapa", "Jalapa", "Nombre Seis"],
        ]);
        assert_eq!(find_header(&r), Some(0));
    }

    #[test]
    fn numbers_only_gives_the_first_row() {
        let r = rows(&[&[], &["1", "2", "3"], &["4", "5", "6"]]);
        assert_eq!(find_header(&r), Some(1));
    }

    #[test]
    fn one_column_and_header_only_tables() {
        let r = rows(&[&[""], &["municipio"], &["Mixco"], &["Chinautla"]]);
        assert_eq!(find_header(&r), Some(1));
        let r = rows(&[&["Ranking"], &[], &["codigo", "municipio"]]);
        assert_eq!(find_header(&r), Some(2));
    }

    #[test]
    fn a_short_title_row_of_labels_above_a_blank_row_is_not_the_header() {
        // MIDESO's code book: two title cells, a blank row, the header, rows that fill
        // only some columns.
        let r = rows(&[
            &[
                "",
                "",
                "Base de datos Casen 2022",
                "",
                "Total de observaciones 202.231",
            ],
            &[],
            &[
                "",
                "Nombre variable",
                "Etiqueta",
                "Valores",
                "Etiquetas de valores",
                "Frecuencia",
            ],
            &["", "provincia", "Provincia", "11", "Iquique", "7734"],
            &["", "", "", "14", "Tamarugal", "957"],
            &["", "", "", "21", "Antofagasta", "5304"],
        ]);
        assert_eq!(find_header(&r), Some(2));
        // A header with a blank name above a blank row and wider text rows keeps its place.
        let r = rows(&[
            &["nombre", "", "nota"],
            &[],
            &["Ana", "Pérez", "sin nota"],
            &["Luis", "Gómez", "ausente"],
        ]);
        assert_eq!(find_header(&r), Some(0));
    }

    #[test]
    fn a_small_table_under_many_titles() {
        let r = rows(&[
            &["Ministerio de Salud"],
            &["Casos por departamento"],
            &["Fuente: SIGSA"],
            &["departamento", "casos"],
            &["Petén", "12"],
            &["Nota: preliminar"],
        ]);
        assert_eq!(find_header(&r), Some(3));
    }

    #[test]
    fn no_non_blank_row() {
        assert_eq!(find_header(&[]), None);
        assert_eq!(find_header(&rows(&[&[], &["", "  "]])), None);
    }

    #[test]
    fn numbers_and_dates_are_not_labels() {
        for t in [
            "2013",
            "1,234.50",
            "-3",
            "45 %",
            "Q 1,200.00",
            "31/12/2018",
            "2018-12-31 10:00",
            "feb 24",
            "mar.2010",
            "Sept. 1998",
        ] {
            assert!(looks_numeric_or_date(t), "{t}");
        }
        for t in ["Año 2013", "código", "Q", "-", "N/D", "Agosto 2023", "mayo"] {
            assert!(!looks_numeric_or_date(t), "{t}");
        }
    }
}
