//! Publisher-written Markdown to safe HTML.
//!
//! Raw HTML in the source is shown as text, and links or images may only point to
//! http(s), mailto or relative addresses: a description cannot inject script.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

pub fn to_html(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// The first paragraph as plain text, cut to `max` characters, for listings.
pub fn excerpt(source: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(pulldown_cmark::TagEnd::Paragraph) if !text.is_empty() => break,
            _ => {}
        }
    }
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', '.', ':']))
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    let allowed = match scheme {
        // A colon after a slash, '?' or '#' is not a scheme.
        Some(s) if s.contains(['/', '?', '#']) => true,
        Some(s) => matches!(s, "http" | "https" | "mailto"),
        None => true,
    };
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        assert_eq!(
            to_html("**Pobreza** y _NBI_"),
            "<p><strong>Pobreza</strong> y <em>NBI</em></p>\n"
        );
    }

    #[test]
    fn neutralises_html_and_script_links() {
        let html = to_html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let html = to_html("[ok](https://segeplan.gob.gt) [rel](/dataset/x) [m](mailto:a@b.gt)");
        assert!(html.contains("href=\"https://segeplan.gob.gt\""));
        assert!(html.contains("href=\"/dataset/x\""));
        assert!(html.contains("href=\"mailto:a@b.gt\""));
        let html = to_html("![i](data:text/html;base64,xx)");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(
            excerpt("Uno **dos** tres.\n\nOtro párrafo.", 100),
            "Uno dos tres."
        );
        assert_eq!(excerpt("palabra larga otra", 12), "palabra…");
    }
}
