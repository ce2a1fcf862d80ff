//! What every map shares: classes and colours, the title, legend, source and note
//! around the areas, and the message shown instead of a map.

use std::collections::HashSet;
use std::fmt::Write as _;

use ceiba_core::lang::Lang;

use super::classify::{breaks, class_of};
use super::{ClassBreak, MapOptions};
use crate::format::{auto_decimals, format_fixed, with_unit, Formatter, NumberStyle};
use crate::palette;
use crate::svg::{escape_into, push_num};

/// The fill of areas without data: the palette's grey with a light hatch, so it never
/// reads as the lightest class.
pub(crate) const NO_DATA_FILL: &str = "url(#ceiba-map-nodata)";

const FONT: &str = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const LEGEND_W: f64 = 150.0;
const MARGIN: f64 = 8.0;

/// Classes of values: upper bounds, colours and legend entries.
pub(crate) struct Classes {
    pub uppers: Vec<f64>,
    pub breaks: Vec<ClassBreak>,
}

impl Classes {
    /// Classes for `values` (those of the areas drawn) as the options ask.
    pub fn new(values: &[f64], opts: &MapOptions) -> Classes {
        let uppers = breaks(values, opts.classes.clamp(2, 9), opts.method);
        let colours = ramp(uppers.len());
        let mut counts = vec![0usize; uppers.len()];
        for &v in values {
            if let Some(c) = class_of(v, &uppers) {
                counts[c] += 1;
            }
        }
        let min = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let style = NumberStyle::for_lang(opts.lang);
        let decimals = legend_decimals(min, &uppers);
        let fmt = |v: f64| with_unit(format_fixed(v, decimals, style), &opts.unit, style);
        let breaks = uppers
            .iter()
            .enumerate()
            .map(|(i, &upper)| {
                let lower = if i == 0 { min } else { uppers[i - 1] };
                let label = if i == 0 && lower == upper {
                    fmt(upper)
                } else {
                    format!("{} – {}", fmt(lower), fmt(upper))
                };
                ClassBreak {
                    lower,
                    upper,
                    colour: colours[i],
                    count: counts[i],
                    label,
                }
            })
            .collect();
        Classes { uppers, breaks }
    }

    /// The class (0-based) and colour of a value.
    pub fn of(&self, v: f64) -> Option<(usize, &'static str)> {
        class_of(v, &self.uppers).map(|c| (c, self.breaks[c].colour))
    }
}

/// Decimals for a legend: by magnitude (none from 100 up, one from 10, two from 1, three
/// significant digits below), then more until neighbouring bounds read differently.
fn legend_decimals(min: f64, uppers: &[f64]) -> usize {
    let top = uppers
        .iter()
        .chain(std::iter::once(&min))
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let all_integers = uppers
        .iter()
        .chain(std::iter::once(&min))
        .filter(|v| v.is_finite())
        .all(|v| v.fract() == 0.0);
    let mut decimals = if all_integers || top >= 100.0 {
        0
    } else if top >= 10.0 {
        1
    } else if top >= 1.0 {
        2
    } else {
        auto_decimals(top).min(6)
    };
    let mut bounds = vec![min];
    bounds.extend_from_slice(uppers);
    while decimals < 6 {
        let distinct = bounds.windows(2).all(|w| {
            w[0] == w[1]
                || format_fixed(w[0], decimals, NumberStyle::En)
                    != format_fixed(w[1], decimals, NumberStyle::En)
        });
        if distinct {
            break;
        }
        decimals += 1;
    }
    decimals
}

/// A sequential, colour-blind-safe ramp (ColorBrewer Blues) of `n` colours.
fn ramp(n: usize) -> Vec<&'static str> {
    match n {
        0 => Vec::new(),
        1 => vec![palette::blues(3)[1]],
        2 => vec![palette::blues(3)[0], palette::blues(3)[2]],
        n => palette::blues(n).to_vec(),
    }
}

/// "Huehuetenango: 2 500 000" / "…: sin datos".
pub(crate) fn tooltip(name: &str, value: Option<f64>, opts: &MapOptions) -> String {
    match value {
        Some(v) => format!("{name}: {}", Formatter::new(opts.lang).value(v, &opts.unit)),
        None => format!("{name}: {}", no_data(opts.lang)),
    }
}

pub(crate) fn no_data(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "sin datos",
        Lang::En => "no data",
    }
}

/// A value as a `data-value` attribute: the number in full, machine-readable.
pub(crate) fn data_value(out: &mut String, v: f64) {
    let _ = write!(out, "{v}");
}

/// What surrounds the areas.
pub(crate) struct Frame<'a> {
    pub kind: &'static str,
    pub map_w: f64,
    pub map_h: f64,
    pub opts: &'a MapOptions,
    pub classes: &'a [ClassBreak],
    pub has_no_data: bool,
    pub unmatched: &'a [String],
    pub ambiguous: &'a HashSet<String>,
    pub duplicates: &'a [String],
}

impl Frame<'_> {
    /// The document: header, `areas` (markup in the map's pixel space), legend, footer.
    pub fn render(&self, areas: &str) -> String {
        let opts = self.opts;
        let lang = opts.lang;
        let longest = self
            .classes
            .iter()
            .map(|c| c.label.chars().count())
            .max()
            .unwrap_or(0);
        let legend_w = (longest as f64 * 7.2 + 40.0).max(LEGEND_W);
        let width = self.map_w + legend_w;
        // The title wraps (three lines at most) instead of running off the map.
        let title_lines = if opts.title.is_empty() {
            Vec::new()
        } else {
            wrap(&opts.title, ((width - 16.0) / 8.8).max(20.0) as usize, 3)
        };
        let header = if title_lines.is_empty() {
            MARGIN
        } else {
            10.0 + 20.0 * title_lines.len() as f64
        };
        let legend_h = 24.0 + 20.0 * (self.classes.len() + usize::from(self.has_no_data)) as f64;
        let body_h = self.map_h.max(legend_h);

        // Footer lines: source, then the note.
        let chars = ((width - 2.0 * MARGIN) / 5.6).max(20.0) as usize;
        let mut footer: Vec<(String, &str)> = Vec::new();
        if let Some(source) = opts.source.as_deref().filter(|s| !s.is_empty()) {
            let label = match lang {
                Lang::Es => "Fuente",
                Lang::En => "Source",
            };
            for line in wrap(&format!("{label}: {source}"), chars, 2) {
                footer.push((line, "source"));
            }
        }
        if let Some(credit) = opts.boundaries_credit.as_deref().filter(|s| !s.is_empty()) {
            for line in wrap(credit, chars, 2) {
                footer.push((line, "source"));
            }
        }
        if !self.unmatched.is_empty() {
            for line in wrap(&self.unmatched_note(), chars, 4) {
                footer.push((line, "note"));
            }
        }
        if !self.duplicates.is_empty() {
            for line in wrap(&self.duplicates_note(), chars, 2) {
                footer.push((line, "note"));
            }
        }
        let height = header + body_h + 6.0 + 15.0 * footer.len() as f64 + MARGIN;

        let mut s = String::with_capacity(areas.len() + 4096);
        open_svg(&mut s, self.kind, width, height);
        escape_into(
            &mut s,
            if opts.title.is_empty() {
                "Mapa"
            } else {
                &opts.title
            },
        );
        s.push_str("</title><style>.ceiba-map .area{stroke:#fff;stroke-width:.5;stroke-linejoin:round}.ceiba-map .area:hover{stroke:#111;stroke-width:1.5}.ceiba-map .tile:hover rect{stroke:#111;stroke-width:2}</style>");
        s.push_str("<defs><pattern id=\"ceiba-map-nodata\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"");
        s.push_str(palette::NO_DATA);
        s.push_str(
            "\"/><path d=\"M0 0v6\" stroke=\"#BDBDBD\" stroke-width=\"2\"/></pattern></defs>",
        );
        for (i, line) in title_lines.iter().enumerate() {
            s.push_str("<text class=\"map-title\" x=\"8\" y=\"");
            push_num(&mut s, 21.0 + 20.0 * i as f64);
            s.push_str("\" font-size=\"16\" font-weight=\"600\" fill=\"#222\">");
            escape_into(&mut s, line);
            s.push_str("</text>");
        }
        s.push_str("<g class=\"areas\" fill-rule=\"evenodd\" transform=\"translate(0 ");
        push_num(&mut s, header);
        s.push_str(")\">");
        s.push_str(areas);
        s.push_str("</g>");

        // Legend.
        s.push_str("<g class=\"legend\" transform=\"translate(");
        push_num(&mut s, self.map_w + 12.0);
        s.push(' ');
        push_num(&mut s, header + 4.0);
        s.push_str(")\" font-size=\"12\" fill=\"#222\">");
        if !opts.unit.prefix.is_empty() || !opts.unit.suffix.is_empty() {
            s.push_str("<text class=\"legend-unit\" y=\"12\" fill=\"#555\">");
            let unit = format!("{}{}", opts.unit.prefix, opts.unit.suffix);
            escape_into(&mut s, unit.trim());
            s.push_str("</text>");
        }
        let mut y = 22.0;
        for (i, c) in self.classes.iter().enumerate() {
            let _ = write!(
                s,
                "<g class=\"legend-class c{}\" data-lower=\"{}\" data-upper=\"{}\" data-count=\"{}\"><rect y=\"",
                i + 1,
                c.lower,
                c.upper,
                c.count
            );
            push_num(&mut s, y);
            s.push_str("\" width=\"16\" height=\"14\" fill=\"");
            s.push_str(c.colour);
            s.push_str("\" stroke=\"#999\" stroke-width=\".5\"/><text x=\"22\" y=\"");
            push_num(&mut s, y + 11.5);
            s.push_str("\">");
            escape_into(&mut s, &c.label);
            s.push_str("</text></g>");
            y += 20.0;
        }
        if self.has_no_data {
            s.push_str("<g class=\"legend-class nodata\"><rect y=\"");
            push_num(&mut s, y);
            s.push_str("\" width=\"16\" height=\"14\" fill=\"");
            s.push_str(NO_DATA_FILL);
            s.push_str("\" stroke=\"#999\" stroke-width=\".5\"/><text x=\"22\" y=\"");
            push_num(&mut s, y + 11.5);
            s.push_str("\">");
            let nd = no_data(lang);
            let mut cap = nd[..1].to_uppercase();
            cap.push_str(&nd[1..]);
            escape_into(&mut s, &cap);
            s.push_str("</text></g>");
        }
        s.push_str("</g>");

        // Footer.
        let mut y = header + body_h + 6.0 + 11.0;
        for (line, class) in &footer {
            s.push_str("<text class=\"");
            s.push_str(class);
            s.push_str("\" x=\"8\" y=\"");
            push_num(&mut s, y);
            s.push_str("\" font-size=\"11\" fill=\"");
            s.push_str(if *class == "note" { "#8a4b00" } else { "#555" });
            s.push_str("\">");
            escape_into(&mut s, line);
            s.push_str("</text>");
            y += 15.0;
        }
        s.push_str("</svg>");
        s
    }

    fn unmatched_note(&self) -> String {
        let lang = self.opts.lang;
        let amb = match lang {
            Lang::Es => " (ambiguo)",
            Lang::En => " (ambiguous)",
        };
        let list: Vec<String> = self
            .unmatched
            .iter()
            .map(|k| {
                if self.ambiguous.contains(k) {
                    format!("{k}{amb}")
                } else {
                    k.clone()
                }
            })
            .collect();
        let n = list.len();
        match lang {
            Lang::Es => format!(
                "{} sin territorio en el mapa: {}",
                if n == 1 {
                    "1 fila".to_string()
                } else {
                    format!("{n} filas")
                },
                list.join(", ")
            ),
            Lang::En => format!(
                "{} without a territory on the map: {}",
                if n == 1 {
                    "1 row".to_string()
                } else {
                    format!("{n} rows")
                },
                list.join(", ")
            ),
        }
    }

    fn duplicates_note(&self) -> String {
        let list = self.duplicates.join(", ");
        match self.opts.lang {
            Lang::Es => format!("Territorios repetidos (se dibuja el primer valor): {list}"),
            Lang::En => format!("Territories repeated (the first value is drawn): {list}"),
        }
    }
}

/// Wraps text at spaces into at most `max_lines` lines of about `chars` characters; what
/// does not fit ends in "…".
fn wrap(text: &str, chars: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut count = 0usize;
    for word in text.split(' ') {
        let len = word.chars().count();
        if count > 0 && count + 1 + len > chars {
            lines.push(std::mem::take(&mut line));
            count = 0;
            if lines.len() == max_lines {
                if let Some(last) = lines.last_mut() {
                    last.push_str(" …");
                }
                return lines;
            }
        }
        if count > 0 {
            line.push(' ');
            count += 1;
        }
        line.push_str(word);
        count += len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `<svg …><title>` of a map of kind `kind` (the title's text follows).
fn open_svg(s: &mut String, kind: &str, width: f64, height: f64) {
    s.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ceiba-map ceiba-map-");
    s.push_str(kind);
    s.push_str("\" viewBox=\"0 0 ");
    push_num(s, width);
    s.push(' ');
    push_num(s, height);
    s.push_str("\" width=\"");
    push_num(s, width);
    s.push_str("\" height=\"");
    push_num(s, height);
    s.push_str("\" role=\"img\" font-family=\"");
    s.push_str(FONT);
    s.push_str("\"><title>");
}

/// An SVG with a title and a message in a grey box.
pub(crate) fn message_svg(width: f64, height: f64, title: &str, message: &str) -> String {
    let mut s = String::with_capacity(1024);
    open_svg(&mut s, "message", width, height);
    escape_into(&mut s, title);
    s.push_str("</title><rect x=\".5\" y=\".5\" width=\"");
    push_num(&mut s, width - 1.0);
    s.push_str("\" height=\"");
    push_num(&mut s, height - 1.0);
    s.push_str("\" rx=\"4\" fill=\"#F5F5F5\" stroke=\"#BDBDBD\"/>");
    let chars = ((width - 32.0) / 7.0).max(16.0) as usize;
    let lines = wrap(message, chars, ((height - 60.0) / 18.0).max(1.0) as usize);
    let total = 24.0 + 18.0 * lines.len() as f64;
    let mut y = ((height - total) / 2.0).max(8.0) + 16.0;
    s.push_str("<text class=\"message-title\" x=\"");
    push_num(&mut s, width / 2.0);
    s.push_str("\" y=\"");
    push_num(&mut s, y);
    s.push_str("\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">");
    escape_into(&mut s, title);
    s.push_str("</text>");
    y += 24.0;
    for line in lines {
        s.push_str("<text class=\"message\" x=\"");
        push_num(&mut s, width / 2.0);
        s.push_str("\" y=\"");
        push_num(&mut s, y);
        s.push_str("\" text-anchor=\"middle\" font-size=\"13\" fill=\"#444\">");
        escape_into(&mut s, &line);
        s.push_str("</text>");
        y += 18.0;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        assert_eq!(wrap("a bb ccc dddd", 6, 5), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("a bb ccc dddd", 6, 2), vec!["a bb", "ccc …"]);
    }
}
