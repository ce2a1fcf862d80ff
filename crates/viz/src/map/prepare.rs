//! From a boundary set to what the screen needs: areas projected, simplified to the
//! screen's resolution and written as SVG path data, once. A [`PreparedMap`] is the form
//! kept in memory between renders (the paths are shared, so cloning it is cheap).
//!
//! Projection: equirectangular with x scaled by cos(latitude) at the middle of the set,
//! which at Guatemala's size (14°–18° N) keeps shapes within 2 % of a conformal
//! projection; coordinates that are not longitudes and latitudes (a file in metres) are
//! drawn as they are, north up. Simplification: Douglas–Peucker on each ring in screen
//! pixels, then rounding; rings that fall below a pixel vanish, except an area's largest.

use std::sync::Arc;

use super::boundaries::BoundarySet;
use crate::territory::{self, Level};

/// One area ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedArea {
    /// INE code (`01`, `0101`).
    pub code: String,
    /// The name to show (`Huehuetenango`, `San José (Petén)`).
    pub name: String,
    /// SVG path data in the map's pixel space (`M12 34l5-2…z`).
    pub path: String,
    /// Where a label would go: the centroid of the largest ring.
    pub label_at: (f32, f32),
    /// The width and height of the largest ring's box: whether a label fits.
    pub room: (f32, f32),
}

/// A boundary set projected and simplified for one size: the cached form.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedMap {
    pub level: Level,
    /// The map's size in pixels (the set fitted into the size asked for, so one side may
    /// be smaller).
    pub width: u32,
    pub height: u32,
    areas: Arc<[PreparedArea]>,
    /// Territories of the level the boundary set lacks.
    missing: Arc<[&'static str]>,
}

impl PreparedMap {
    /// The areas, in code order.
    pub fn areas(&self) -> &[PreparedArea] {
        &self.areas
    }

    pub fn area(&self, code: &str) -> Option<&PreparedArea> {
        self.areas
            .binary_search_by(|a| a.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.areas[i])
    }

    /// Territories of the level the boundary set has no geometry for.
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }

    /// Bytes of path data (what the areas weigh in an SVG).
    pub fn path_bytes(&self) -> usize {
        self.areas.iter().map(|a| a.path.len()).sum()
    }
}

/// How to prepare a map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrepareOptions {
    /// Douglas–Peucker tolerance in pixels.
    pub tolerance: f64,
    /// Decimals of the coordinates: 0 or 1.
    pub decimals: u8,
    /// Empty margin around the areas, in pixels.
    pub padding: f64,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            tolerance: 0.7,
            decimals: 0,
            padding: 4.0,
        }
    }
}

/// Prepares a boundary set for a map of at most `width` × `height` pixels, with the
/// default options (0.7 px tolerance, integer coordinates).
pub fn prepare(set: &BoundarySet, width: u32, height: u32) -> PreparedMap {
    prepare_with(set, width, height, &PrepareOptions::default())
}

/// [`prepare`] with options.
pub fn prepare_with(
    set: &BoundarySet,
    width: u32,
    height: u32,
    options: &PrepareOptions,
) -> PreparedMap {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for ring in set.features.iter().flat_map(|a| &a.rings) {
        for &(x, y) in ring {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    let geographic = x0 >= -180.0 && x1 <= 180.0 && y0 >= -90.0 && y1 <= 90.0;
    let kx = if geographic {
        ((y0 + y1) / 2.0).to_radians().cos()
    } else {
        1.0
    };
    let pad = options.padding.max(0.0);
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let dx = ((x1 - x0) * kx).max(f64::EPSILON);
    let dy = (y1 - y0).max(f64::EPSILON);
    let scale = ((w - 2.0 * pad).max(1.0) / dx).min((h - 2.0 * pad).max(1.0) / dy);
    let scale = if scale.is_finite() { scale } else { 1.0 };
    let fit_w = (dx * scale + 2.0 * pad).ceil();
    let fit_h = (dy * scale + 2.0 * pad).ceil();
    let project = |(x, y): (f64, f64)| ((x - x0) * kx * scale + pad, (y1 - y) * scale + pad);

    let unit = if options.decimals >= 1 { 10.0 } else { 1.0 };
    let tolerance = options.tolerance.max(0.0);
    let areas: Vec<PreparedArea> = set
        .features
        .iter()
        .map(|area| {
            let projected: Vec<Vec<(f64, f64)>> = area
                .rings
                .iter()
                .map(|r| r.iter().copied().map(project).collect())
                .collect();
            // The largest ring stays whatever its size.
            let largest = projected
                .iter()
                .enumerate()
                .map(|(i, r)| (i, ring_area(r).abs()))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            let mut path = String::new();
            for (i, ring) in projected.iter().enumerate() {
                let keep = Some(i) == largest;
                if !keep && ring_area(ring).abs() < 0.5 {
                    continue;
                }
                let simplified = simplify(ring, tolerance);
                let mut points = round_ring(&simplified, unit);
                let mut at = unit;
                if points.len() < 3 && keep {
                    // A tiny area: unsimplified, and at tenths if whole pixels lose it.
                    points = round_ring(ring, unit);
                    if points.len() < 3 {
                        at = 10.0;
                        points = round_ring(ring, at);
                    }
                }
                if points.len() >= 3 {
                    write_ring(&mut path, &points, at);
                }
            }
            let label_at = largest
                .map(|i| centroid(&projected[i]))
                .unwrap_or((0.0, 0.0));
            let room = largest.map_or((0.0, 0.0), |i| {
                let r = &projected[i];
                let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
                for &(x, y) in r {
                    x0 = x0.min(x);
                    x1 = x1.max(x);
                    y0 = y0.min(y);
                    y1 = y1.max(y);
                }
                ((x1 - x0).max(0.0) as f32, (y1 - y0).max(0.0) as f32)
            });
            PreparedArea {
                code: area.code.clone(),
                name: territory::display_name(set.level, &area.code)
                    .or_else(|| area.name.clone())
                    .unwrap_or_else(|| area.code.clone()),
                path,
                label_at: (label_at.0 as f32, label_at.1 as f32),
                room,
            }
        })
        .collect();
    let mut areas = areas;
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    PreparedMap {
        level: set.level,
        width: fit_w.min(w) as u32,
        height: fit_h.min(h) as u32,
        areas: areas.into(),
        missing: set.missing().into(),
    }
}

/// Shoelace area (signed).
fn ring_area(r: &[(f64, f64)]) -> f64 {
    if r.len() < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..r.len() {
        let (x0, y0) = r[i];
        let (x1, y1) = r[(i + 1) % r.len()];
        s += x0 * y1 - x1 * y0;
    }
    s / 2.0
}

fn centroid(r: &[(f64, f64)]) -> (f64, f64) {
    let a = ring_area(r);
    if a.abs() < 1e-9 {
        let n = r.len().max(1) as f64;
        let (sx, sy) = r
            .iter()
            .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
        return (sx / n, sy / n);
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..r.len() {
        let (x0, y0) = r[i];
        let (x1, y1) = r[(i + 1) % r.len()];
        let f = x0 * y1 - x1 * y0;
        cx += (x0 + x1) * f;
        cy += (y0 + y1) * f;
    }
    (cx / (6.0 * a), cy / (6.0 * a))
}

/// Douglas–Peucker on a closed ring (the closing point, if repeated, is dropped first).
pub(crate) fn simplify(ring: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let mut pts: &[(f64, f64)] = ring;
    if pts.len() > 1 && pts.first() == pts.last() {
        pts = &pts[..pts.len() - 1];
    }
    let n = pts.len();
    if n < 4 || tolerance <= 0.0 {
        return pts.to_vec();
    }
    // The ring as an open line from point 0 around and back to point 0 (index n).
    let at = |i: usize| pts[i % n];
    let mut keep = vec![false; n + 1];
    keep[0] = true;
    keep[n] = true;
    let mut stack = vec![(0usize, n)];
    let tol2 = tolerance * tolerance;
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (at(a), at(b));
        let mut far = 0.0;
        let mut index = a;
        for i in a + 1..b {
            let d = segment_distance2(at(i), pa, pb);
            if d > far {
                far = d;
                index = i;
            }
        }
        if far > tol2 {
            keep[index] = true;
            stack.push((a, index));
            stack.push((index, b));
        }
    }
    (0..n).filter(|&i| keep[i]).map(at).collect()
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    (p.0 - qx).powi(2) + (p.1 - qy).powi(2)
}

/// Rounds to multiples of `1 / unit` (as integers in that unit), dropping repeats and
/// points on a straight line between their neighbours.
fn round_ring(ring: &[(f64, f64)], unit: f64) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
    for &(x, y) in ring {
        let p = ((x * unit).round() as i64, (y * unit).round() as i64);
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            // b on the line a→p, between them: drop it.
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            let dot = (b.0 - a.0) * (p.0 - b.0) + (b.1 - a.1) * (p.1 - b.1);
            if cross == 0 && dot >= 0 {
                out.pop();
            }
        }
        out.push(p);
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Appends `M x y l dx dy … z` for a ring in `unit` fixed point.
fn write_ring(out: &mut String, points: &[(i64, i64)], unit: f64) {
    let tenths = unit > 1.0;
    out.push('M');
    push_fixed(out, points[0].0, tenths);
    out.push(' ');
    push_fixed(out, points[0].1, tenths);
    out.push('l');
    let mut prev = points[0];
    let mut first = true;
    for &p in &points[1..] {
        for (i, d) in [p.0 - prev.0, p.1 - prev.1].into_iter().enumerate() {
            if d >= 0 && !(first && i == 0) {
                out.push(' ');
            }
            push_fixed(out, d, tenths);
        }
        first = false;
        prev = p;
    }
    out.push('z');
}

/// An integer, or tenths written with one decimal (`12.3`, `-.5`, `4`).
fn push_fixed(out: &mut String, v: i64, tenths: bool) {
    use std::fmt::Write as _;
    if !tenths {
        let _ = write!(out, "{v}");
        return;
    }
    if v < 0 {
        out.push('-');
    }
    let a = v.unsigned_abs();
    let (int, frac) = (a / 10, a % 10);
    if int > 0 || frac == 0 {
        let _ = write!(out, "{int}");
    }
    if frac > 0 {
        let _ = write!(out, ".{frac}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifies_a_noisy_square() {
        let mut ring = Vec::new();
        for i in 0..=100 {
            let t = i as f64 / 100.0;
            ring.push((t * 100.0, if i % 2 == 0 { 0.0 } else { 0.2 }));
        }
        ring.extend([(100.0, 100.0), (0.0, 100.0), (0.0, 0.0)]);
        let s = simplify(&ring, 0.5);
        assert_eq!(
            s,
            vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)]
        );
    }

    #[test]
    fn writes_compact_paths() {
        let mut s = String::new();
        write_ring(&mut s, &[(10, 20), (15, 18), (12, 30)], 1.0);
        assert_eq!(s, "M10 20l5-2-3 12z");
        let mut s = String::new();
        write_ring(&mut s, &[(105, 200), (100, 195), (112, 300)], 10.0);
        assert_eq!(s, "M10.5 20l-.5-.5 1.2 10.5z");
    }
}
