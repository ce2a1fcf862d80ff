//! The data as a table: drawn in SVG ([`ChartKind::Table`]), as HTML for screen
//! readers ([`data_table_html`]) and as CSV for download ([`data_csv`]).

use ceiba_core::Lang;

use super::frame::{chars_in, raw, text_width, truncate, Frame, FrameSpec};
use super::prepare::finite;
use super::{ChartData, ChartError, ChartKind, RenderOptions};
use crate::format::{Formatter, Unit};
use crate::svg::escape_into;

/// A cell: text (shown, as given) or a number with its unit.
enum Cell<'a> {
    Text(String, &'a str),
    Num(Option<f64>, &'a Unit),
}

/// Columns and rows of the data, every point, no grouping.
struct Model<'a> {
    headers: Vec<String>,
    /// Which headers name a series (the rest name the rows).
    series_from: usize,
    rows: Vec<Vec<Cell<'a>>>,
}

fn rows_of(data: &ChartData) -> usize {
    if !data.categories.is_empty() {
        data.categories.len()
    } else if !data.x_values.is_empty() {
        data.x_values.len()
    } else {
        data.bins.len()
    }
}

fn model<'a>(data: &'a ChartData, fmt: &Formatter) -> Model<'a> {
    let es = fmt.lang == Lang::Es;
    let n = rows_of(data);
    let mut x_label_used = false;
    let mut x_label = |fallback: &str| {
        if !x_label_used && !data.x_label.trim().is_empty() {
            x_label_used = true;
            data.x_label.trim().to_string()
        } else {
            fallback.to_string()
        }
    };
    let mut headers = Vec::new();
    let mut columns: Vec<Box<dyn Fn(usize) -> Cell<'a> + 'a>> = Vec::new();
    if !data.categories.is_empty() {
        headers.push(x_label(if es { "Categoría" } else { "Category" }));
        let fmt = *fmt;
        columns.push(Box::new(move |i| match data.categories.get(i) {
            Some(c) => Cell::Text(fmt.category(c), c.as_str()),
            None => Cell::Text(String::new(), ""),
        }));
    }
    if data.bins.len() == n && n > 0 {
        headers.push(x_label(if es { "Intervalo" } else { "Bin" }));
        let fmt = *fmt;
        columns.push(Box::new(move |i| {
            let b = data.bins[i];
            Cell::Text(
                format!(
                    "{} – {}",
                    fmt.value(b.from, &data.x_unit),
                    fmt.value(b.to, &data.x_unit)
                ),
                "",
            )
        }));
    }
    if data.x_values.len() == n && n > 0 {
        headers.push(x_label("x"));
        columns.push(Box::new(move |i| {
            Cell::Num(finite(data.x_values[i]), &data.x_unit)
        }));
    }
    let series_from = headers.len();
    for s in &data.series {
        headers.push(s.name.clone());
        columns.push(Box::new(move |i| {
            Cell::Num(s.values.get(i).copied().and_then(finite), &data.unit)
        }));
    }
    let rows = (0..n)
        .map(|i| columns.iter().map(|c| c(i)).collect())
        .collect();
    Model {
        headers,
        series_from,
        rows,
    }
}

fn caption(data: &ChartData, lang: Lang) -> String {
    if data.title.trim().is_empty() {
        ChartKind::Table.name(lang).to_string()
    } else {
        data.title.trim().to_string()
    }
}

/// The data as an HTML `<table>` with a caption, for screen readers and for readers
/// who prefer numbers: every point (no "Otros"), values formatted for `lang`, row
/// headers marked `scope="row"`. All text is escaped.
pub fn data_table_html(data: &ChartData, lang: Lang) -> String {
    data_table_html_with(data, &Formatter::new(lang))
}

/// [`data_table_html`] with a number style apart from the language's.
pub fn data_table_html_with(data: &ChartData, fmt: &Formatter) -> String {
    let m = model(data, fmt);
    let mut h = String::with_capacity(256 + m.rows.len() * 64);
    h.push_str("<table class=\"chart-data\"><caption>");
    escape_into(&mut h, &caption(data, fmt.lang));
    h.push_str("</caption><thead><tr>");
    for head in &m.headers {
        h.push_str("<th scope=\"col\">");
        escape_into(&mut h, head);
        h.push_str("</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for row in &m.rows {
        h.push_str("<tr>");
        for (j, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(shown, _) if j < m.series_from && j == 0 => {
                    h.push_str("<th scope=\"row\">");
                    escape_into(&mut h, shown);
                    h.push_str("</th>");
                }
                Cell::Text(shown, _) => {
                    h.push_str("<td>");
                    escape_into(&mut h, shown);
                    h.push_str("</td>");
                }
                Cell::Num(Some(v), unit) => {
                    h.push_str("<td class=\"num\" data-value=\"");
                    h.push_str(&raw(*v));
                    h.push_str("\">");
                    escape_into(&mut h, &fmt.value(*v, unit));
                    h.push_str("</td>");
                }
                Cell::Num(None, _) => h.push_str("<td class=\"num\"></td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

/// Whether a spreadsheet would take this text for a formula (the same rule as the
/// portal's CSV exports): such text is written with a leading `'`.
fn formula_like(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

fn csv_field(out: &mut String, s: &str) {
    let guarded;
    let s = if formula_like(s) {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The chart's data as CSV (RFC 4180, CRLF, UTF-8): a column for the categories
/// (`from`, `to` for bins; `x` for scatter), one per series; numbers as plain decimals
/// with a point, empty when missing; every point, no "Otros".
pub fn data_csv(data: &ChartData) -> String {
    let n = rows_of(data);
    let mut out = String::with_capacity(64 + n * 32);
    let mut header: Vec<String> = Vec::new();
    let x_name = if data.x_label.trim().is_empty() {
        None
    } else {
        Some(data.x_label.trim().to_string())
    };
    let has_cats = !data.categories.is_empty();
    let has_bins = data.bins.len() == n && n > 0;
    let has_x = data.x_values.len() == n && n > 0;
    if has_cats {
        header.push(if has_x || has_bins {
            "category".into()
        } else {
            x_name.clone().unwrap_or_else(|| "category".into())
        });
    }
    if has_bins {
        header.push("from".into());
        header.push("to".into());
    }
    if has_x {
        header.push(x_name.clone().unwrap_or_else(|| "x".into()));
    }
    header.extend(data.series.iter().map(|s| s.name.clone()));
    for (j, h) in header.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        csv_field(&mut out, h);
    }
    out.push_str("\r\n");
    let num = |out: &mut String, v: Option<f64>| {
        if let Some(v) = finite(v) {
            out.push_str(&raw(v));
        }
    };
    for i in 0..n {
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !first {
                out.push(',');
            }
            first = false;
        };
        if has_cats {
            sep(&mut out);
            csv_field(&mut out, data.categories.get(i).map_or("", |c| c.as_str()));
        }
        if has_bins {
            sep(&mut out);
            num(&mut out, Some(data.bins[i].from));
            sep(&mut out);
            num(&mut out, Some(data.bins[i].to));
        }
        if has_x {
            sep(&mut out);
            num(&mut out, data.x_values[i]);
        }
        for s in &data.series {
            sep(&mut out);
            num(&mut out, s.values.get(i).copied().flatten());
        }
        out.push_str("\r\n");
    }
    out
}

/// The table drawn in SVG: the SVG is as tall as its rows (up to
/// [`RenderOptions::max_table_rows`], then a line says how many more there are).
pub(crate) fn render(data: &ChartData, opts: &RenderOptions) -> Result<String, ChartError> {
    let fmt = opts.formatter();
    let m = model(data, &fmt);
    let shown_rows = m.rows.len().min(opts.max_table_rows.max(1));
    let more = m.rows.len() - shown_rows;
    let es = fmt.lang == Lang::Es;
    let desc = format!(
        "{}. {} {}, {} {}.",
        ChartKind::Table.name(fmt.lang),
        m.rows.len(),
        if es { "filas" } else { "rows" },
        m.headers.len(),
        if es { "columnas" } else { "columns" },
    );
    let spec = |height| FrameSpec {
        kind: ChartKind::Table,
        height,
        colours: 0,
        legend: &[],
        desc: &desc,
    };
    // The height of title, subtitle and source, from a first layout.
    let probe = Frame::begin(data, opts, spec(2000.0));
    let chrome = probe.height - probe.plot.h;
    let row_h = probe.sizes.text * 1.8;
    let lines = shown_rows + 1 + usize::from(more > 0);
    let mut f = Frame::begin(
        data,
        opts,
        spec(chrome + row_h * lines as f64 + probe.sizes.text * 0.5),
    );
    let s = f.sizes.text;
    let plot = f.plot;
    // Row headers take what they need, up to half; value columns share the rest.
    let text_cols = m.series_from;
    let value_cols = m.headers.len() - m.series_from;
    let cell_text = |c: &Cell| match c {
        Cell::Text(t, _) => t.clone(),
        Cell::Num(Some(v), u) => fmt.value(*v, u),
        Cell::Num(None, _) => String::new(),
    };
    let mut widths: Vec<f64> = (0..m.headers.len())
        .map(|j| {
            let body = m.rows[..shown_rows]
                .iter()
                .map(|r| text_width(&cell_text(&r[j]), s))
                .fold(0.0, f64::max);
            body.max(text_width(&m.headers[j], s)) + s
        })
        .collect();
    let total: f64 = widths.iter().sum();
    if total > plot.w {
        // Text columns give up width first, down to half the table.
        let text_w: f64 = widths[..text_cols].iter().sum();
        let fixed = total - text_w;
        let room = (plot.w - fixed).max(plot.w * 0.5);
        for w in &mut widths[..text_cols] {
            *w *= room / text_w.max(1.0);
        }
        let rest = (plot.w - widths[..text_cols].iter().sum::<f64>()).max(0.0);
        let vw: f64 = widths[text_cols..].iter().sum();
        for w in &mut widths[text_cols..] {
            *w *= rest / vw.max(1.0);
        }
    } else if value_cols > 0 {
        // Spread the spare width over the value columns.
        let spare = (plot.w - total) / value_cols as f64;
        for w in &mut widths[text_cols..] {
            *w += spare.min(s * 6.0);
        }
    }
    let mut xs = Vec::with_capacity(widths.len());
    let mut x = plot.x;
    for w in &widths {
        xs.push(x);
        x += w;
    }
    let table_w = x - plot.x;
    let mut w = std::mem::take(&mut f.w);
    w.open("g", &[("class", "table".into())]);
    let baseline = |row: usize| plot.y + row_h * row as f64 + row_h / 2.0 + s * 0.35;
    for (j, head) in m.headers.iter().enumerate() {
        let numeric = j >= text_cols;
        let label = truncate(head, chars_in(widths[j] - s * 0.5, s));
        let x = if numeric {
            xs[j] + widths[j] - s * 0.5
        } else {
            xs[j] + s * 0.25
        };
        w.element(
            "text",
            &[
                ("class", "th".into()),
                ("x", x.into()),
                ("y", baseline(0).into()),
                ("font-weight", "bold".into()),
                ("text-anchor", if numeric { "end" } else { "start" }.into()),
            ],
            &label,
        );
    }
    w.empty(
        "line",
        &[
            ("class", "axis".into()),
            ("x1", plot.x.into()),
            ("x2", (plot.x + table_w).into()),
            ("y1", (plot.y + row_h).into()),
            ("y2", (plot.y + row_h).into()),
        ],
    );
    for (r, row) in m.rows[..shown_rows].iter().enumerate() {
        if r % 2 == 1 {
            w.empty(
                "rect",
                &[
                    ("class", "stripe".into()),
                    ("x", plot.x.into()),
                    ("y", (plot.y + row_h * (r + 1) as f64).into()),
                    ("width", table_w.into()),
                    ("height", row_h.into()),
                ],
            );
        }
        let row_label = match row.first() {
            Some(Cell::Text(_, raw_label)) => *raw_label,
            _ => "",
        };
        for (j, cell) in row.iter().enumerate() {
            let y = baseline(r + 1);
            match cell {
                Cell::Text(t, _) => {
                    let t = truncate(t, chars_in(widths[j] - s * 0.5, s));
                    w.element(
                        "text",
                        &[
                            ("class", "cell".into()),
                            ("x", (xs[j] + s * 0.25).into()),
                            ("y", y.into()),
                        ],
                        &t,
                    );
                }
                Cell::Num(v, unit) => {
                    let value = v.map(raw).unwrap_or_default();
                    let text = v.map(|v| fmt.value(v, unit)).unwrap_or_default();
                    w.element(
                        "text",
                        &[
                            ("class", "cell".into()),
                            ("data-label", row_label.into()),
                            ("data-series", (&m.headers[j]).into()),
                            ("data-value", (&value).into()),
                            ("x", (xs[j] + widths[j] - s * 0.5).into()),
                            ("y", y.into()),
                            ("text-anchor", "end".into()),
                        ],
                        &text,
                    );
                }
            }
        }
    }
    if more > 0 {
        let text = if es {
            format!("… y {} filas más", fmt.number(more as f64))
        } else {
            format!("… and {} more rows", fmt.number(more as f64))
        };
        w.element(
            "text",
            &[
                ("class", "tick more".into()),
                ("x", (plot.x + s * 0.25).into()),
                ("y", baseline(shown_rows + 1).into()),
            ],
            &text,
        );
    }
    w.close();
    f.w = w;
    Ok(f.finish())
}
