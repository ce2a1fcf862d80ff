//! What every chart has around its marks: the `<svg>` element with its accessible
//! name, the one `<style>`, title, subtitle, legend and source line; and the text
//! measurements the layouts use.

use std::fmt::Write as _;

use ceiba_core::Lang;

use super::{ChartData, ChartKind, RenderOptions};
use crate::format::Formatter;
use crate::palette;
use crate::svg::SvgWriter;

/// The font stack: the reader's interface font, then fonts found on servers (for PNG).
pub(crate) const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

/// Average advance of a character, in ems (a little wide, so labels never overlap).
const CHAR_EM: f64 = 0.58;

/// The estimated width of `s` at `size`.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * CHAR_EM
}

/// How many characters fit in `width` at `size`.
pub(crate) fn chars_in(width: f64, size: f64) -> usize {
    (width / (size * CHAR_EM)).floor().max(1.0) as usize
}

/// `s` cut to `max` characters with an ellipsis.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` in lines of at most `max` characters, broken between words, at most `lines`
/// lines (the last one cut with an ellipsis).
pub(crate) fn wrap(s: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines {
        let rest = out.split_off(lines - 1).join(" ");
        out.push(rest);
    }
    for l in out.iter_mut() {
        if l.chars().count() > max {
            *l = truncate(l, max);
        }
    }
    out
}

/// An area of the chart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// A legend entry: a swatch of a colour class and a label.
pub(crate) struct LegendEntry {
    /// What the reader sees.
    pub label: String,
    /// `data-label`: the series or category as given.
    pub key: String,
    pub class: String,
}

/// The colour class of series or category `i`.
pub(crate) fn colour_class(i: usize) -> String {
    format!("c{}", i % palette::OKABE_ITO.len())
}

/// A stable id from the chart's content (FNV-1a), so equal charts render equal SVGs.
fn derived_id(kind: ChartKind, data: &ChartData) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    eat(kind.code());
    eat(&data.title);
    eat(&data.subtitle);
    for c in data.categories.iter().take(64) {
        eat(c);
    }
    for s in &data.series {
        eat(&s.name);
        for v in s.values.iter().take(64) {
            eat(&format!("{v:?}"));
        }
    }
    format!("chart-{h:08x}")
}

/// Keeps only characters safe in an id and a CSS selector.
fn clean_id(id: &str) -> String {
    let s: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s
    } else {
        format!("chart-{s}")
    }
}

/// Font sizes for a chart `width` px wide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub text: f64,
    pub small: f64,
    pub title: f64,
    pub pad: f64,
}

impl Sizes {
    pub fn for_width(width: f64) -> Sizes {
        let text = (width / 46.0).clamp(11.0, 16.0);
        Sizes {
            text,
            small: (text * 0.86).max(10.0),
            title: text * 1.3,
            pad: (text * 0.9).round(),
        }
    }
}

fn write_style(w: &mut SvgWriter, id: &str, s: &Sizes, colours: usize) {
    let mut css = String::with_capacity(1200);
    let p = format!("#{id}");
    let _ = write!(
        css,
        "{p} text{{fill:#222;font-size:{t}px}}\
         {p} .bg{{fill:#fff}}\
         {p} .title{{font-size:{ti}px;font-weight:bold}}\
         {p} .subtitle,{p} .source,{p} .axis-label{{fill:#555;font-size:{sm}px}}\
         {p} .tick,{p} .value-label{{fill:#444;font-size:{sm}px}}\
         {p} .legend-label{{font-size:{sm}px}}\
         {p} .grid{{stroke:#e2e2e2;stroke-width:1}}\
         {p} .axis{{stroke:#999;stroke-width:1}}\
         {p} .zero{{stroke:#444;stroke-width:1}}",
        t = crate::svg::num(s.text),
        ti = crate::svg::num(s.title),
        sm = crate::svg::num(s.small),
    );
    for i in 0..colours.min(palette::OKABE_ITO.len()) {
        let c = palette::OKABE_ITO[i];
        let _ = write!(css, "{p} .c{i}{{fill:{c};stroke:{c}}}");
    }
    let o = palette::OTHER;
    let _ = write!(
        css,
        "{p} .other{{fill:{o};stroke:{o}}}\
         {p} .bar,{p} .slice{{stroke:#fff;stroke-width:0.5}}\
         {p} .slice{{stroke-width:1.5}}\
         {p} .line{{fill:none;stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}}\
         {p} .area{{fill-opacity:0.3;stroke:none}}\
         {p} .point{{stroke:#fff;stroke-width:1}}\
         {p} .swatch{{stroke:none}}\
         {p} text.on-dark{{fill:#fff}}\
         {p} .stripe{{fill:#f3f3f3}}\
         {p} .message{{fill:#555}}\
         {p} .bar:hover,{p} .slice:hover,{p} .point:hover{{opacity:0.8}}"
    );
    w.open("style", &[]);
    w.raw(&css);
    w.close();
}

fn open_svg(w: &mut SvgWriter, id: &str, class: &str, width: f64, height: f64, lang: Lang) {
    let view_box = format!("0 0 {} {}", crate::svg::num(width), crate::svg::num(height));
    let labelled = format!("{id}-title {id}-desc");
    w.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg".into()),
            ("id", id.into()),
            ("class", class.into()),
            ("viewBox", (&view_box).into()),
            ("width", width.into()),
            ("height", height.into()),
            ("role", "img".into()),
            ("aria-labelledby", (&labelled).into()),
            ("lang", lang.code().into()),
            ("font-family", FONT_FAMILY.into()),
        ],
    );
}

/// The chart being written, with the area left for its marks.
pub(crate) struct Frame {
    pub w: SvgWriter,
    pub fmt: Formatter,
    pub sizes: Sizes,
    pub height: f64,
    /// What is left for axes and marks once title, legend and source are placed.
    pub plot: Rect,
}

/// What the frame needs to know besides the data.
pub(crate) struct FrameSpec<'a> {
    pub kind: ChartKind,
    pub height: f64,
    /// Colour classes `c0…` the chart uses.
    pub colours: usize,
    /// Legend entries drawn above the plot (none: no legend).
    pub legend: &'a [LegendEntry],
    /// The `<desc>`: what the chart shows, for screen readers.
    pub desc: &'a str,
}

impl Frame {
    pub fn begin(data: &ChartData, opts: &RenderOptions, spec: FrameSpec<'_>) -> Frame {
        let width = opts.width.clamp(120.0, 4000.0);
        let height = spec.height.clamp(100.0, 20000.0);
        let sizes = Sizes::for_width(width);
        let fmt = opts.formatter();
        let id = match &opts.id {
            Some(id) => clean_id(id),
            None => derived_id(spec.kind, data),
        };
        let mut w = SvgWriter::with_capacity(8192);
        let class = format!("ceiba-chart chart-{}", spec.kind.code());
        open_svg(&mut w, &id, &class, width, height, fmt.lang);
        let title = if data.title.trim().is_empty() {
            spec.kind.name(fmt.lang).to_string()
        } else {
            data.title.trim().to_string()
        };
        w.element("title", &[("id", (&format!("{id}-title")).into())], &title);
        w.element("desc", &[("id", (&format!("{id}-desc")).into())], spec.desc);
        write_style(&mut w, &id, &sizes, spec.colours);
        w.empty(
            "rect",
            &[
                ("class", "bg".into()),
                ("width", width.into()),
                ("height", height.into()),
            ],
        );

        let pad = sizes.pad;
        let inner = width - 2.0 * pad;
        let mut y = pad;
        if !data.title.trim().is_empty() {
            for line in wrap(&data.title, chars_in(inner, sizes.title * 1.05), 2) {
                y += sizes.title;
                w.element(
                    "text",
                    &[
                        ("class", "title".into()),
                        ("x", pad.into()),
                        ("y", y.into()),
                    ],
                    &line,
                );
                y += sizes.title * 0.3;
            }
        }
        if !data.subtitle.trim().is_empty() {
            for line in wrap(&data.subtitle, chars_in(inner, sizes.small), 2) {
                y += sizes.small;
                w.element(
                    "text",
                    &[
                        ("class", "subtitle".into()),
                        ("x", pad.into()),
                        ("y", y.into()),
                    ],
                    &line,
                );
                y += sizes.small * 0.35;
            }
        }
        if y > pad {
            y += sizes.text * 0.6;
        }
        if !spec.legend.is_empty() {
            y = legend(&mut w, spec.legend, pad, y, inner, &sizes, false);
            y += sizes.text * 0.4;
        }

        let mut bottom = height - pad;
        if !data.source.trim().is_empty() {
            let source = source_line(&data.source, fmt.lang);
            let lines = wrap(&source, chars_in(inner, sizes.small), 2);
            let mut by = height - pad - (lines.len() as f64 - 1.0) * sizes.small * 1.3;
            bottom = by - sizes.small * 1.6;
            for line in lines {
                w.element(
                    "text",
                    &[
                        ("class", "source".into()),
                        ("x", pad.into()),
                        ("y", by.into()),
                    ],
                    &line,
                );
                by += sizes.small * 1.3;
            }
        }
        let plot = Rect {
            x: pad,
            y: y.max(pad),
            w: inner,
            h: (bottom - y.max(pad)).max(sizes.text * 4.0),
        };
        Frame {
            w,
            fmt,
            sizes,
            height,
            plot,
        }
    }

    pub fn finish(self) -> String {
        self.w.finish()
    }
}

/// "Fuente: …" / "Source: …", unless the text already says so.
pub(crate) fn source_line(source: &str, lang: Lang) -> String {
    let s = source.trim();
    let lower = s.to_lowercase();
    if lower.starts_with("fuente") || lower.starts_with("source") {
        s.to_string()
    } else {
        match lang {
            Lang::Es => format!("Fuente: {s}"),
            Lang::En => format!("Source: {s}"),
        }
    }
}

/// Draws a legend in rows from (`x`, `y`), or one entry a row if `column`; returns
/// the y below it.
pub(crate) fn legend(
    w: &mut SvgWriter,
    entries: &[LegendEntry],
    x: f64,
    y: f64,
    width: f64,
    sizes: &Sizes,
    column: bool,
) -> f64 {
    let s = sizes.small;
    let swatch = s * 0.9;
    let row_h = s * 1.5;
    let max_label = if column {
        chars_in(width - swatch - s * 0.6, s)
    } else {
        chars_in(width * 0.6, s)
    };
    w.open("g", &[("class", "legend".into())]);
    let (mut cx, mut cy) = (x, y);
    for e in entries {
        let label = truncate(&e.label, max_label);
        let item_w = swatch + s * 0.4 + text_width(&label, s) + s * 1.2;
        if cx > x && (column || cx + item_w > x + width) {
            cx = x;
            cy += row_h;
        }
        w.open(
            "g",
            &[
                ("class", "legend-item".into()),
                ("data-label", (&e.key).into()),
            ],
        );
        let class = format!("swatch {}", e.class);
        w.empty(
            "rect",
            &[
                ("class", (&class).into()),
                ("x", cx.into()),
                ("y", (cy + (row_h - swatch) / 2.0).into()),
                ("width", swatch.into()),
                ("height", swatch.into()),
                ("rx", (swatch * 0.2).into()),
            ],
        );
        w.element(
            "text",
            &[
                ("x", (cx + swatch + s * 0.4).into()),
                ("y", (cy + row_h / 2.0 + s * 0.35).into()),
                ("class", "legend-label".into()),
            ],
            &label,
        );
        w.close();
        cx += item_w;
    }
    w.close();
    cy + row_h
}

/// An SVG with a title (if any) and a message in the middle.
pub(crate) fn message_svg(title: &str, message: &str, opts: &RenderOptions) -> String {
    let width = opts.width.clamp(120.0, 4000.0);
    let height = opts.height.clamp(100.0, 20000.0);
    let sizes = Sizes::for_width(width);
    let id = match &opts.id {
        Some(id) => clean_id(id),
        None => {
            let mut h: u32 = 0x811c_9dc5;
            for b in title.bytes().chain([0xff]).chain(message.bytes()) {
                h ^= u32::from(b);
                h = h.wrapping_mul(0x0100_0193);
            }
            format!("chart-{h:08x}")
        }
    };
    let mut w = SvgWriter::with_capacity(2048);
    open_svg(
        &mut w,
        &id,
        "ceiba-chart chart-message",
        width,
        height,
        opts.lang,
    );
    let label = if title.trim().is_empty() {
        message
    } else {
        title.trim()
    };
    w.element("title", &[("id", (&format!("{id}-title")).into())], label);
    w.element("desc", &[("id", (&format!("{id}-desc")).into())], message);
    write_style(&mut w, &id, &sizes, 0);
    w.empty(
        "rect",
        &[
            ("class", "bg".into()),
            ("width", width.into()),
            ("height", height.into()),
        ],
    );
    let inner = width - 2.0 * sizes.pad;
    if !title.trim().is_empty() {
        let line = truncate(title.trim(), chars_in(inner, sizes.title * 1.05));
        w.element(
            "text",
            &[
                ("class", "title".into()),
                ("x", sizes.pad.into()),
                ("y", (sizes.pad + sizes.title).into()),
            ],
            &line,
        );
    }
    let lines = wrap(message, chars_in(inner, sizes.text), 3);
    let mut y = height / 2.0 - (lines.len() as f64 - 1.0) * sizes.text * 0.7 + sizes.text * 0.35;
    for line in lines {
        w.element(
            "text",
            &[
                ("class", "message".into()),
                ("x", (width / 2.0).into()),
                ("y", y.into()),
                ("text-anchor", "middle".into()),
            ],
            &line,
        );
        y += sizes.text * 1.4;
    }
    w.finish()
}

/// `data-value`: the raw number, as Rust prints it (shortest that reads back).
pub(crate) fn raw(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        assert_eq!(wrap("uno dos tres", 7, 3), vec!["uno dos", "tres"]);
        assert_eq!(
            wrap("uno dos tres cuatro", 7, 2),
            vec!["uno dos", "tres c…"]
        );
        assert_eq!(truncate("Huehuetenango", 6), "Huehu…");
    }
}
