//! Guessing how a text table is written: its encoding and its delimiter, from the first
//! bytes of the file. Publishers' files come out of Excel and old systems, so
//! Windows-1252 accents, semicolons and title rows above the header are the normal case.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::{IngestError, IssueKind};

/// Choices a publisher can force; `None` = detect.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Any label encoding_rs knows: "utf-8", "latin1", "cp1252", "windows-1252", …
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
}

/// How a text table is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextDialect {
    pub encoding: &'static Encoding,
    /// The file starts with a UTF-8 byte order mark, which readers skip.
    pub bom: bool,
    pub delimiter: u8,
    pub quote: u8,
}

impl TextDialect {
    /// The encoding's name as a person writes it: "UTF-8", "windows-1252".
    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    pub fn delimiter_char(&self) -> char {
        char::from(self.delimiter)
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Delimiters tried, in order of preference when they score the same.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Lines looked at to choose the delimiter.
const SNIFF_LINES: usize = 50;

/// Decides the dialect from the first bytes of a file (up to ~1 MB is passed).
///
/// A forced encoding or delimiter in `opts` wins over detection. An unknown encoding
/// label, or one that is not a superset of ASCII (UTF-16), is a bad option; a UTF-16
/// byte order mark makes the file unreadable as CSV.
pub fn sniff(prefix: &[u8], opts: &TextOptions) -> Result<TextDialect, IngestError> {
    let bom = prefix.starts_with(UTF8_BOM);
    let encoding = match &opts.encoding {
        Some(label) => forced_encoding(label)?,
        None => detect_encoding(prefix)?,
    };
    let body = if bom {
        &prefix[UTF8_BOM.len()..]
    } else {
        prefix
    };
    let delimiter = match opts.delimiter {
        // The quote and line ends cannot separate fields.
        Some(d @ (b'"' | b'\n' | b'\r')) => {
            return Err(IngestError::rejected(IssueKind::BadOption {
                option: "delimiter".into(),
                value: char::from(d).escape_default().to_string(),
            }))
        }
        Some(d) => d,
        None => detect_delimiter(body),
    };
    Ok(TextDialect {
        encoding,
        bom,
        delimiter,
        quote: b'"',
    })
}

fn forced_encoding(label: &str) -> Result<&'static Encoding, IngestError> {
    let bad = || {
        IngestError::rejected(IssueKind::BadOption {
            option: "encoding".into(),
            value: label.to_string(),
        })
    };
    let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(bad)?;
    // The CSV parser works on bytes where delimiters, quotes and newlines are ASCII;
    // UTF-16 and ISO-2022 cannot be read that way.
    if !encoding.is_ascii_compatible() {
        return Err(bad());
    }
    Ok(encoding)
}

fn detect_encoding(prefix: &[u8]) -> Result<&'static Encoding, IngestError> {
    if prefix.starts_with(UTF8_BOM) {
        return Ok(UTF_8);
    }
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        return Err(IngestError::rejected(IssueKind::Unreadable {
            format: "CSV".into(),
            detail: "the text is in UTF-16, which is not supported; save it as \"CSV UTF-8\""
                .into(),
        }));
    }
    if is_mostly_utf8(prefix) {
        return Ok(UTF_8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // `last = false`: the prefix is usually cut in the middle of the file.
    detector.feed(prefix, false);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if is_latin_single_byte(guess) {
        // Spanish text in any Latin code page is best read as windows-1252, which is also
        // how encoding_rs reads ISO-8859-1.
        return Ok(WINDOWS_1252);
    }
    // A non-Latin guess is kept only if it decodes the prefix cleanly: short samples of
    // Spanish text with a few accents sometimes look like Shift_JIS or GBK.
    let clean = guess
        .decode_without_bom_handling_and_without_replacement(trim_partial_tail(prefix))
        .is_some();
    Ok(if clean { guess } else { WINDOWS_1252 })
}

/// Valid UTF-8 (the prefix may end in the middle of a character), or UTF-8 with a few
/// broken bytes: at least four valid non-ASCII characters per invalid byte. Text in a
/// single-byte encoding almost never forms valid multi-byte sequences, while a UTF-8
/// file with a few corrupt bytes is better read as UTF-8 with "�" than as mojibake.
fn is_mostly_utf8(prefix: &[u8]) -> bool {
    let lead_bytes = |b: &[u8]| b.iter().filter(|&&c| c >= 0xC0).count();
    let (mut valid, mut invalid) = (0, 0);
    let mut rest = prefix;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => {
                valid += lead_bytes(rest);
                break;
            }
            Err(e) => {
                valid += lead_bytes(&rest[..e.valid_up_to()]);
                match e.error_len() {
                    // Cut at the end of the prefix.
                    None => break,
                    Some(n) => {
                        invalid += n;
                        rest = &rest[e.valid_up_to() + n..];
                    }
                }
            }
        }
    }
    invalid == 0 || valid >= 4 * invalid
}

/// The prefix without a last line that may be cut short.
fn trim_partial_tail(prefix: &[u8]) -> &[u8] {
    match prefix.iter().rposition(|&b| b == b'\n') {
        Some(i) if i + 1 < prefix.len() => &prefix[..=i],
        _ => prefix,
    }
}

fn is_latin_single_byte(e: &'static Encoding) -> bool {
    matches!(
        e.name(),
        "windows-1250"
            | "windows-1252"
            | "windows-1254"
            | "windows-1257"
            | "windows-1258"
            | "ISO-8859-2"
            | "ISO-8859-3"
            | "ISO-8859-4"
            | "ISO-8859-10"
            | "ISO-8859-13"
            | "ISO-8859-14"
            | "ISO-8859-15"
            | "ISO-8859-16"
            | "macintosh"
    )
}

/// Delimiter counts of each candidate on one line, outside quoted fields.
type LineCounts = [u32; CANDIDATES.len()];

/// Splits the first lines into delimiter counts; `None` for a blank line. A quote opens a
/// quoted field only at the start of a field (as the CSV parser does), so an inch mark
/// inside a value does not hide the rest of the line. `\n`, `\r\n` and a lone `\r` end
/// a line.
fn line_counts(body: &[u8]) -> Vec<Option<LineCounts>> {
    let mut lines = Vec::new();
    let mut non_blank = 0;
    let mut counts: LineCounts = [0; CANDIDATES.len()];
    let mut in_quotes = false;
    let mut field_start = true;
    let mut blank = true;
    let mut complete = 0;
    let mut i = 0;
    while i < body.len() && non_blank < SNIFF_LINES {
        let b = body[i];
        if in_quotes {
            if b == b'"' {
                if body.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'\n' || (b == b'\r' && body.get(i + 1) != Some(&b'\n')) {
            if blank {
                lines.push(None);
            } else {
                lines.push(Some(counts));
                non_blank += 1;
            }
            counts = [0; CANDIDATES.len()];
            blank = true;
            field_start = true;
            complete = lines.len();
        } else if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
            counts[k] += 1;
            blank = false;
            field_start = true;
        } else if b == b'"' && field_start {
            in_quotes = true;
            blank = false;
        } else if !b.is_ascii_whitespace() {
            blank = false;
            field_start = false;
        }
        i += 1;
    }
    if non_blank < SNIFF_LINES && !blank && !in_quotes {
        lines.push(Some(counts));
    }
    // A last line without its end is probably cut by the prefix; leave it out when there
    // are enough whole lines to judge by.
    if lines.len() > complete && complete >= 2 {
        lines.truncate(complete);
    }
    lines
}

/// Chooses the delimiter whose count per line is the most consistent.
///
/// For each candidate, its usual count is the most frequent non-zero count per line (the
/// larger one on a tie). The candidate wins whose longest run of consecutive lines with
/// exactly that count is the longest: the table's header and rows form that run, while
/// title and note lines above and below it, and blank lines, break it, and so does a
/// header without the decimal commas or the commas in text that data rows have. Ties go to the candidate
/// with more lines at its usual count, then to the order `,` `;` tab `|`.
fn detect_delimiter(body: &[u8]) -> u8 {
    let lines = line_counts(body);
    let mut best: Option<((usize, usize), u8)> = None;
    for (k, &candidate) in CANDIDATES.iter().enumerate() {
        let column: Vec<Option<u32>> = lines.iter().map(|l| l.map(|c| c[k])).collect();
        let counts: Vec<u32> = column.iter().flatten().copied().collect();
        let Some(usual) = usual_count(&counts) else {
            continue;
        };
        let longest_run = column
            .chunk_by(|a, b| a == b)
            .filter(|run| run[0] == Some(usual))
            .map(<[Option<u32>]>::len)
            .max()
            .unwrap_or(0);
        let matches = counts.iter().filter(|&&n| n == usual).count();
        let score = (longest_run, matches);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map_or(b',', |(_, d)| d)
}

/// The most frequent non-zero count (the larger one on a tie).
fn usual_count(counts: &[u32]) -> Option<u32> {
    let mut sorted: Vec<u32> = counts.iter().copied().filter(|&n| n > 0).collect();
    sorted.sort_unstable();
    let mut best: Option<(usize, u32)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        let entry = (run.len(), run[0]);
        if best.is_none_or(|b| entry >= b) {
            best = Some(entry);
        }
    }
    best.map(|(_, n)| n)
}

/// True when the bytes look binary (NUL bytes, many control characters) rather than text.
pub fn looks_binary(prefix: &[u8]) -> bool {
    // UTF-16 text is full of NULs but is text; `sniff` says why it cannot be read.
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        return false;
    }
    const MAGIC: [&[u8]; 7] = [
        b"\x89PNG",
        b"%PDF-",
        b"PK\x03\x04",
        b"GIF8",
        b"\xFF\xD8\xFF",
        b"\xD0\xCF\x11\xE0",
        b"\x1F\x8B",
    ];
    if MAGIC.iter().any(|m| prefix.starts_with(m)) {
        return true;
    }
    let sample = &prefix[..prefix.len().min(64 * 1024)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    // A few stray control characters happen in exports from old systems.
    controls * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(bytes: &[u8]) -> TextDialect {
        sniff(bytes, &TextOptions::default()).unwrap()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = detect("código,municipio\n0101,Petén\n".as_bytes());
        assert_eq!(d.encoding_name(), "UTF-8");
        assert!(!d.bom);
        let d = detect("\u{feff}código;municipio\n0101;Petén\n".as_bytes());
        assert_eq!(d.encoding_name(), "UTF-8");
        assert!(d.bom);
        assert_eq!(d.delimiter, b';');
    }

    #[test]
    fn utf8_cut_in_the_middle_of_a_character_is_still_utf8() {
        let text = "municipio\nPetén\n".as_bytes();
        let cut = &text[..text.len() - 3]; // ends after the first byte of "é"
        assert_eq!(detect(cut).encoding_name(), "UTF-8");
    }

    #[test]
    fn utf8_with_a_few_broken_bytes_is_still_utf8() {
        let mut text = "municipio\nPetén\n".repeat(10).into_bytes();
        text.extend_from_slice(b"Mi\xffco\n");
        assert_eq!(detect(&text).encoding_name(), "UTF-8");
        // But one valid character does not outweigh many Latin-1 accents.
        let text = b"\xc3\xa9;Pet\xe9n;Mar\xeda;Jos\xe9\n";
        assert_eq!(detect(text).encoding_name(), "windows-1252");
    }

    #[test]
    fn windows_1252_is_detected() {
        let d = detect(b"c\xf3digo;municipio\r\n0101;Pet\xe9n\r\n");
        assert_eq!(d.encoding_name(), "windows-1252");
        assert_eq!(d.delimiter_char(), ';');
    }

    #[test]
    fn forced_encoding_wins_and_unknown_labels_are_rejected() {
        let opts = TextOptions {
            encoding: Some("latin1".into()),
            delimiter: None,
        };
        assert_eq!(
            sniff(b"a,b\n", &opts).unwrap().encoding_name(),
            "windows-1252"
        );
        let opts = TextOptions {
            encoding: Some("klingon-8".into()),
            delimiter: None,
        };
        match sniff(b"a,b\n", &opts) {
            Err(IngestError::Rejected(issue)) => assert_eq!(
                issue.kind,
                IssueKind::BadOption {
                    option: "encoding".into(),
                    value: "klingon-8".into()
                }
            ),
            other => panic!("{other:?}"),
        }
        let opts = TextOptions {
            encoding: Some("utf-16le".into()),
            delimiter: None,
        };
        assert!(sniff(b"a,b\n", &opts).is_err());
    }

    #[test]
    fn utf16_is_unreadable() {
        match sniff(b"\xFF\xFEa\0,\0b\0", &TextOptions::default()) {
            Err(IngestError::Rejected(issue)) => {
                assert!(matches!(issue.kind, IssueKind::Unreadable { .. }))
            }
            other => panic!("{other:?}"),
        }
        assert!(!looks_binary(b"\xFF\xFEa\0,\0b\0"));
    }

    #[test]
    fn each_delimiter() {
        assert_eq!(detect(b"a,b,c\n1,2,3\n").delimiter, b',');
        assert_eq!(detect(b"a;b;c\n1;2;3\n").delimiter, b';');
        assert_eq!(detect(b"a\tb\tc\n1\t2\t3\n").delimiter, b'\t');
        assert_eq!(detect(b"a|b|c\n1|2|3\n").delimiter, b'|');
        assert_eq!(detect(b"solo\nuna\ncolumna\n").delimiter, b',');
    }

    #[test]
    fn forced_delimiter_wins() {
        let opts = TextOptions {
            encoding: None,
            delimiter: Some(b'|'),
        };
        assert_eq!(sniff(b"a;b\n1;2\n", &opts).unwrap().delimiter, b'|');
        let opts = TextOptions {
            encoding: None,
            delimiter: Some(b'"'),
        };
        assert!(sniff(b"a;b\n1;2\n", &opts).is_err());
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let text = b"nombre;nota\n\"Guatemala, Guatemala\";\"a, b, c\"\n\"Mixco, Guatemala\";x\n";
        assert_eq!(detect(text).delimiter, b';');
        let text = b"a,b\n\"x;y;z\",1\n\"p;q\",2\n\"multi\nline;;;\",3\n";
        assert_eq!(detect(text).delimiter, b',');
    }

    #[test]
    fn decimal_commas_do_not_beat_semicolons() {
        let text =
            b"municipio;indice;tasa\nGuatemala;0,59;1,2\nMixco;0,61;3,4\nVilla Nueva;0,5;2,1\n";
        assert_eq!(detect(text).delimiter, b';');
    }

    #[test]
    fn title_rows_do_not_decide() {
        let text = b"Ranking municipal 2018, pa\xedses\n\nFuente: SEGEPLAN, 2019\ncodigo;municipio;indice\n0101;Guatemala;0,59\n0102;Santa Catarina Pinula;0,61\n0103;San Jos\xe9 Pinula;0,55\n";
        let d = detect(text);
        assert_eq!(d.delimiter, b';');
        assert_eq!(d.encoding_name(), "windows-1252");
    }

    #[test]
    fn text_with_some_commas_in_a_tab_file() {
        let text =
            b"id\tnombre\tnota\n1\tA\tuno, dos\n2\tB\ttres\n3\tC\tcuatro\n4\tD\tcinco, seis\n";
        assert_eq!(detect(text).delimiter, b'\t');
    }

    #[test]
    fn old_mac_line_ends() {
        assert_eq!(detect(b"a;b\r1;2\r3;4\r").delimiter, b';');
    }

    #[test]
    fn binary_is_recognised() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(looks_binary(b"abc\0def"));
        assert!(looks_binary(&[1u8, 2, 3, 4, 5, 6, 7, 8, b'a', b'b']));
        assert!(!looks_binary(b"a,b\r\n1,2\r\n"));
        assert!(!looks_binary(b"c\xf3digo;municipio\r\n0101;Pet\xe9n\r\n"));
    }
}
