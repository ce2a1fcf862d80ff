//! How a file is laid out (a list, lines, a GeoJSON FeatureCollection), found from its
//! first bytes and top-level keys.

use super::*;

/// What a file starting with `{` holds: a FeatureCollection, a Feature, objects one after
/// another, or a single object.
pub(super) fn layout_of_object<R: BufRead + Seek>(
    scan: &mut Scan<R>,
) -> Result<(JsonKind, Framing, bool, Mark), IngestError> {
    let first = scan.mark();
    let top = walk_object(scan)?;
    let more = scan.skip_ws()?.is_some();
    let typ = top.typ.as_deref().unwrap_or("");
    if let Some(features) = top.features {
        if more {
            let at = scan.mark();
            return Err(bad(format!(
                "there is more after the end of the FeatureCollection, at line {}, column {}",
                at.line,
                at.column()
            )));
        }
        return Ok((JsonKind::GeoJson, Framing::Array, true, features));
    }
    // Lines when the first object fits on its first line; otherwise pretty-printed
    // objects one after another.
    let framing = if top.end_line == first.line {
        Framing::Lines
    } else {
        Framing::Sequence
    };
    match typ {
        "Feature" => return Ok((JsonKind::GeoJson, framing, true, first)),
        "FeatureCollection" => {
            return Err(bad(
                "the FeatureCollection has no list of \"features\"".to_string()
            ))
        }
        "Topology" => {
            return Err(bad(
                "the file is TopoJSON, which is not read here; convert it to GeoJSON first"
                    .to_string(),
            ))
        }
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
        | "GeometryCollection" => {
            return Err(bad(format!(
                "the file is a bare GeoJSON {typ} without properties; it should be a \
                 Feature or a FeatureCollection"
            )))
        }
        _ => {}
    }
    // One object holding one list of records, at the top or nested a few objects deep
    // (`{"Coleccion": {"Registro": [{…}, …]}}`): the records are that list.
    if !more && top.lists.len() == 1 {
        return Ok((JsonKind::Array, Framing::Array, false, top.lists[0].1));
    }
    if !more && !top.lists.is_empty() {
        let paths: Vec<&str> = top.lists.iter().map(|(p, _)| p.as_str()).collect();
        return Err(bad(format!(
            "the file is one object whose members ({}) hold lists of records; upload one \
             list at a time, as a JSON list of objects",
            paths.join(", ")
        )));
    }
    Ok((JsonKind::Lines, framing, false, first))
}

/// What the top-level object says about itself.
pub(super) struct TopInfo {
    /// Just after the `[` of its `features` list.
    pub(super) features: Option<Mark>,
    pub(super) typ: Option<String>,
    /// Members whose value is a list of objects, at the top or in objects nested up to
    /// [`NESTED_DEPTH`] deep: their dotted path, and just after their `[`.
    pub(super) lists: Vec<(String, Mark)>,
    pub(super) end_line: u64,
}

/// Walks the members of the top-level object (at its `{`) without keeping their values.
pub(super) fn walk_object<R: BufRead>(scan: &mut Scan<R>) -> Result<TopInfo, IngestError> {
    let mut info = TopInfo {
        features: None,
        typ: None,
        lists: Vec::new(),
        end_line: 0,
    };
    let mut buf = Vec::new();
    scan.bump()?;
    let mut first = true;
    loop {
        match scan.skip_ws()? {
            Some(b'}') if first => {
                scan.bump()?;
                break;
            }
            Some(b'"') => {}
            other => return Err(unexpected(scan, other, "a member name in quotes")),
        }
        first = false;
        buf.clear();
        take_whole(scan, Some(&mut buf), KEY_LIMIT, 0)?;
        let key: String = serde_json::from_slice(&buf).unwrap_or_default();
        match scan.skip_ws()? {
            Some(b':') => scan.bump()?,
            other => return Err(unexpected(scan, other, "':'")),
        }
        match scan.skip_ws()? {
            Some(b'[') => {
                scan.bump()?;
                if key == "features" && info.features.is_none() {
                    info.features = Some(scan.mark());
                }
                let at = scan.mark();
                if scan.skip_ws()? == Some(b'{') {
                    info.lists.push((key, at));
                }
                take_whole(scan, None, usize::MAX, 1)?;
            }
            Some(b'{') => nested_lists(scan, &key, 1, &mut info.lists)?,
            Some(b'"') if key == "type" => {
                buf.clear();
                let taken = scan_take(scan, Some(&mut buf), KEY_LIMIT, 0)?;
                if matches!(taken, Taken::TooLong) {
                    take_whole(scan, None, usize::MAX, 0)?;
                } else {
                    expect_taken(scan, taken)?;
                    info.typ = serde_json::from_slice(&buf).ok();
                }
            }
            Some(b'"') => take_whole(scan, None, usize::MAX, 0)?,
            Some(_) => scan.skip_scalar()?,
            None => return Err(truncated(scan)),
        }
        match scan.skip_ws()? {
            Some(b',') => scan.bump()?,
            Some(b'}') => {
                scan.bump()?;
                break;
            }
            other => return Err(unexpected(scan, other, "',' or '}'")),
        }
    }
    info.end_line = scan.line;
    Ok(info)
}

/// How deep in nested objects lists of records are looked for.
const NESTED_DEPTH: usize = 3;

/// Walks the object at `{` (member `path` of its parent, `depth` objects deep), noting its
/// lists of objects and those of the objects inside it, without keeping values.
fn nested_lists<R: BufRead>(
    scan: &mut Scan<R>,
    path: &str,
    depth: usize,
    lists: &mut Vec<(String, Mark)>,
) -> Result<(), IngestError> {
    if depth > NESTED_DEPTH {
        return take_whole(scan, None, usize::MAX, 0);
    }
    let mut buf = Vec::new();
    scan.bump()?;
    let mut first = true;
    loop {
        match scan.skip_ws()? {
            Some(b'}') if first => {
                scan.bump()?;
                return Ok(());
            }
            Some(b'"') => {}
            other => return Err(unexpected(scan, other, "a member name in quotes")),
        }
        first = false;
        buf.clear();
        take_whole(scan, Some(&mut buf), KEY_LIMIT, 0)?;
        let key: String = serde_json::from_slice(&buf).unwrap_or_default();
        let member = format!("{path}.{key}");
        match scan.skip_ws()? {
            Some(b':') => scan.bump()?,
            other => return Err(unexpected(scan, other, "':'")),
        }
        match scan.skip_ws()? {
            Some(b'[') => {
                scan.bump()?;
                let at = scan.mark();
                if scan.skip_ws()? == Some(b'{') {
                    lists.push((member, at));
                }
                take_whole(scan, None, usize::MAX, 1)?;
            }
            Some(b'{') => nested_lists(scan, &member, depth + 1, lists)?,
            Some(b'"') => take_whole(scan, None, usize::MAX, 0)?,
            Some(_) => scan.skip_scalar()?,
            None => return Err(truncated(scan)),
        }
        match scan.skip_ws()? {
            Some(b',') => scan.bump()?,
            Some(b'}') => {
                scan.bump()?;
                return Ok(());
            }
            other => return Err(unexpected(scan, other, "',' or '}'")),
        }
    }
}

/// [`scan_take`], where anything but a whole value is an error.
pub(super) fn take_whole<R: BufRead>(
    scan: &mut Scan<R>,
    out: Option<&mut Vec<u8>>,
    limit: usize,
    depth: usize,
) -> Result<(), IngestError> {
    let taken = scan_take(scan, out, limit, depth)?;
    expect_taken(scan, taken)
}

pub(super) fn expect_taken<R>(scan: &Scan<R>, taken: Taken) -> Result<(), IngestError> {
    match taken {
        Taken::Done => Ok(()),
        Taken::Eof => Err(truncated(scan)),
        Taken::TooLong => Err(bad(format!(
            "a member name near line {} is longer than {KEY_LIMIT} bytes",
            scan.line
        ))),
    }
}
