//! SVG to PNG with resvg (pure Rust: usvg parses, tiny-skia paints).
//!
//! Text needs fonts: the system's are loaded once per process (fontconfig's folders,
//! `/usr/share/fonts` on Linux; DejaVu or Liberation are enough). Without any font the
//! PNG still has every shape, only no text. External images are never loaded: an
//! `<image>` in the SVG is skipped.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error("a {width}×{height} image is empty or larger than {MAX_PIXELS} pixels")]
    Size { width: u32, height: u32 },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// The largest image made (about 40 megapixels, 160 MB of RGBA).
pub const MAX_PIXELS: u64 = 40_000_000;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            // When fontconfig names no sans-serif family, pick one that is installed.
            let installed = |name: &str| {
                db.faces()
                    .any(|f| f.families.iter().any(|(family, _)| family == name))
            };
            if let Some(name) = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"]
                .into_iter()
                .find(|n| installed(n))
            {
                db.set_sans_serif_family(name);
            }
            Arc::new(db)
        })
        .clone()
}

/// How many font faces the PNG renderer found (0: PNGs will have no text).
pub fn font_faces() -> usize {
    fonts().len()
}

/// Renders an SVG document to PNG bytes at `scale` × its size (`2.0` for sharp images
/// on high-density screens; clamped to 0.1..=8).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    let scale = if scale.is_finite() {
        scale.clamp(0.1, 8.0)
    } else {
        1.0
    };
    let mut options = usvg::Options {
        font_family: "sans-serif".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    options.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(|_, _, _| None),
        resolve_string: Box::new(|_, _| None),
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PngError::Size { width, height });
    }
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or(PngError::Size { width, height })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}
