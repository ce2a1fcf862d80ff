//! A small SVG (and XML) writer: elements, attributes and text, always escaped.
//!
//! Nothing here knows about charts or maps; it only guarantees well-formed output.
//! Coordinates go through [`num`], which prints at most two decimals and never `NaN`.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`, `'`), and
/// drops characters XML 1.0 does not allow (control characters other than tab, line
/// feed and carriage return).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`] appending to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// A coordinate or length: at most two decimals, no trailing zeros, `0` for anything
/// not finite (an SVG with `NaN` in it does not render).
pub fn num(v: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, v);
    s
}

/// [`num`] appending to `out`.
pub fn push_num(out: &mut String, v: f64) {
    if !v.is_finite() {
        out.push('0');
        return;
    }
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    let start = out.len();
    let _ = write!(out, "{r:.2}");
    // Trim "12.50" → "12.5", "3.00" → "3".
    while out.len() > start && out.ends_with('0') {
        out.pop();
    }
    if out.ends_with('.') {
        out.pop();
    }
}

/// An attribute value: text (escaped) or a number (through [`num`]).
pub enum Attr<'a> {
    Text(&'a str),
    Num(f64),
}

impl<'a> From<&'a str> for Attr<'a> {
    fn from(s: &'a str) -> Self {
        Attr::Text(s)
    }
}

impl<'a> From<&'a String> for Attr<'a> {
    fn from(s: &'a String) -> Self {
        Attr::Text(s)
    }
}

impl From<f64> for Attr<'_> {
    fn from(v: f64) -> Self {
        Attr::Num(v)
    }
}

/// Builds an SVG document into a `String`. Elements are written in order; the writer
/// keeps a stack of open elements so [`SvgWriter::close`] always matches.
#[derive(Default)]
pub struct SvgWriter {
    buf: String,
    open: Vec<&'static str>,
}

impl SvgWriter {
    pub fn new() -> Self {
        Self::with_capacity(4096)
    }

    pub fn with_capacity(cap: usize) -> Self {
        SvgWriter {
            buf: String::with_capacity(cap),
            open: Vec::new(),
        }
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, Attr<'_>)]) {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            match value {
                Attr::Text(t) => escape_into(&mut self.buf, t),
                Attr::Num(v) => push_num(&mut self.buf, *v),
            }
            self.buf.push('"');
        }
    }

    /// Opens `<tag attrs…>`; close it with [`SvgWriter::close`].
    pub fn open(&mut self, tag: &'static str, attrs: &[(&str, Attr<'_>)]) {
        self.start(tag, attrs);
        self.buf.push('>');
        self.open.push(tag);
    }

    /// Closes the innermost open element (no-op if none is open).
    pub fn close(&mut self) {
        if let Some(tag) = self.open.pop() {
            self.buf.push_str("</");
            self.buf.push_str(tag);
            self.buf.push('>');
        }
    }

    /// Writes `<tag attrs…/>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, Attr<'_>)]) {
        self.start(tag, attrs);
        self.buf.push_str("/>");
    }

    /// Writes `<tag attrs…>text</tag>` with the text escaped.
    pub fn element(&mut self, tag: &str, attrs: &[(&str, Attr<'_>)], text: &str) {
        self.start(tag, attrs);
        self.buf.push('>');
        escape_into(&mut self.buf, text);
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    /// Writes `<tag attrs…><title>tooltip</title></tag>`: a shape with a tooltip that
    /// browsers show on hover and screen readers read.
    pub fn with_title(&mut self, tag: &str, attrs: &[(&str, Attr<'_>)], tooltip: &str) {
        self.start(tag, attrs);
        self.buf.push_str("><title>");
        escape_into(&mut self.buf, tooltip);
        self.buf.push_str("</title></");
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    /// Escaped text inside the current element.
    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.buf, text);
    }

    /// Raw markup, written as is: only for text the caller built itself (a `<style>`
    /// body made of constants, a path's `d`).
    pub fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
    }

    /// Closes every open element and returns the document.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.buf
    }
}

/// Builds a path's `d` attribute (`M`, `L`, `A`, `Z`) with [`num`] coordinates.
#[derive(Default)]
pub struct PathData {
    d: String,
}

impl PathData {
    pub fn new() -> Self {
        Self::default()
    }

    fn pair(&mut self, x: f64, y: f64) {
        push_num(&mut self.d, x);
        self.d.push(' ');
        push_num(&mut self.d, y);
    }

    fn cmd(&mut self, c: char) {
        if !self.d.is_empty() {
            self.d.push(' ');
        }
        self.d.push(c);
    }

    pub fn move_to(&mut self, x: f64, y: f64) -> &mut Self {
        self.cmd('M');
        self.pair(x, y);
        self
    }

    pub fn line_to(&mut self, x: f64, y: f64) -> &mut Self {
        self.cmd('L');
        self.pair(x, y);
        self
    }

    /// An elliptical arc (`A rx ry 0 large sweep x y`).
    pub fn arc_to(&mut self, r: f64, large: bool, sweep: bool, x: f64, y: f64) -> &mut Self {
        self.cmd('A');
        self.pair(r, r);
        self.d.push_str(if large { " 0 1 " } else { " 0 0 " });
        self.d.push_str(if sweep { "1 " } else { "0 " });
        self.pair(x, y);
        self
    }

    pub fn close(&mut self) -> &mut Self {
        self.cmd('Z');
        self
    }

    pub fn is_empty(&self) -> bool {
        self.d.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(1.236), "1.24");
        let mut w = SvgWriter::new();
        w.open("g", &[("class", "a&b".into())]);
        w.with_title("rect", &[("x", 1.5.into())], "<script>");
        let s = w.finish();
        assert_eq!(
            s,
            "<g class=\"a&amp;b\"><rect x=\"1.5\"><title>&lt;script&gt;</title></rect></g>"
        );
    }
}
