//! The one normal form text and values are compared in for redaction: escapes decoded (percent
//! escapes, doubled or not; HTML character references, named or numeric, with or without their
//! `;`; `\u` and `\x` escapes), canonically decomposed, in lower case; with a map from each
//! changed stretch back to the original, so that a value found in the normal form can be cut out
//! of the text as it was written.

/// A value in the normal form text is compared in.
pub(super) fn normal(value: &str) -> String {
    Decoded::of(value).text
}

/// Text with its escapes decoded, canonically decomposed and in lower case, and where each
/// changed part came from, so that a value found in it can be cut out of the original.
pub(super) struct Decoded {
    pub(super) text: String,
    /// Runs of changed text, in order: (decoded start, decoded end, original start, original end).
    changed: Vec<(usize, usize, usize, usize)>,
}

impl Decoded {
    pub(super) fn of(original: &str) -> Decoded {
        let mut text = String::with_capacity(original.len());
        let mut changed: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mark = |changed: &mut Vec<(usize, usize, usize, usize)>,
                    d: (usize, usize),
                    o: (usize, usize)| {
            match changed.last_mut() {
                Some(last) if last.1 == d.0 && last.3 == o.0 => {
                    last.1 = d.1;
                    last.3 = o.1;
                }
                _ => changed.push((d.0, d.1, o.0, o.1)),
            }
        };
        let mut i = 0;
        while i < original.len() {
            let (ds, os) = (text.len(), i);
            match escape_at(original, i) {
                Some((Piece::Byte(b), used)) => {
                    // Percent escapes make bytes; consecutive ones make one UTF-8 character.
                    let mut bytes = vec![b];
                    let mut j = i + used;
                    while let Some((Piece::Byte(b), n)) = escape_at(original, j) {
                        bytes.push(b);
                        j += n;
                    }
                    for c in String::from_utf8_lossy(&bytes).chars() {
                        fold(c, &mut text);
                    }
                    i = j;
                    mark(&mut changed, (ds, text.len()), (os, i));
                }
                Some((Piece::Char(c), used)) => {
                    fold(c, &mut text);
                    i += used;
                    mark(&mut changed, (ds, text.len()), (os, i));
                }
                None => {
                    let c = original[i..].chars().next().expect("a char boundary");
                    i += c.len_utf8();
                    if c.is_ascii() {
                        text.push(c.to_ascii_lowercase());
                    } else {
                        fold(c, &mut text);
                        if text.len() - ds != c.len_utf8() || text[ds..] != original[os..i] {
                            mark(&mut changed, (ds, text.len()), (os, i));
                        }
                    }
                }
            }
        }
        Decoded { text, changed }
    }

    /// The original offset where a span starting at decoded offset `d` starts.
    pub(super) fn original_start(&self, d: usize) -> usize {
        let i = self.changed.partition_point(|e| e.1 <= d);
        match self.changed.get(i) {
            Some(e) if e.0 <= d => e.2,
            _ => self.shifted(d, i),
        }
    }

    /// The original offset where a span ending at decoded offset `d` (exclusive) ends.
    pub(super) fn original_end(&self, d: usize) -> usize {
        let i = self.changed.partition_point(|e| e.1 < d);
        match self.changed.get(i) {
            Some(e) if e.0 < d => e.3,
            _ => self.shifted(d, i),
        }
    }

    /// An offset outside every changed run: moved by the runs before it.
    fn shifted(&self, d: usize, before: usize) -> usize {
        match before.checked_sub(1).and_then(|i| self.changed.get(i)) {
            Some(e) => d - e.1 + e.3,
            None => d,
        }
    }
}

/// A character in the normal form: canonically decomposed, in lower case.
fn fold(c: char, out: &mut String) {
    unicode_normalization::char::decompose_canonical(c, |d| out.extend(d.to_lowercase()));
}

enum Piece {
    Byte(u8),
    Char(char),
}

/// The escape at byte `i` of `text`, decoded, and how many bytes it takes: `%XX` (and the doubled
/// `%25XX`), `&#N;`, `&#xH;` and the named references (with or without their `;`, as browsers
/// read them; `&amp;` before one too), `\uXXXX`, `\xXX`, `\/`.
fn escape_at(text: &str, i: usize) -> Option<(Piece, usize)> {
    let rest = &text[i..];
    let bytes = rest.as_bytes();
    let hex2 = |at: usize| -> Option<u8> {
        let h = bytes.get(at..at + 2)?;
        h.iter().all(u8::is_ascii_hexdigit).then(|| {
            u8::from_str_radix(std::str::from_utf8(h).expect("ASCII"), 16).expect("hex digits")
        })
    };
    match bytes.first()? {
        b'%' => {
            if bytes.get(1..3) == Some(b"25")
                && let Some(b) = hex2(3)
            {
                return Some((Piece::Byte(b), 5));
            }
            hex2(1).map(|b| (Piece::Byte(b), 3))
        }
        b'&' => {
            if let Some(after) = rest.strip_prefix("&amp;")
                && (after.starts_with('#') || after.starts_with(|c: char| c.is_ascii_alphabetic()))
                && let Some((c, used)) = reference(&format!("&{}", truncate(after, 40)))
            {
                return Some((Piece::Char(c), 4 + used));
            }
            reference(truncate(rest, 40)).map(|(c, used)| (Piece::Char(c), used))
        }
        b'\\' => match bytes.get(1)? {
            b'u' => {
                let h = rest.get(2..6)?;
                h.bytes()
                    .all(|b| b.is_ascii_hexdigit())
                    .then(|| char::from_u32(u32::from_str_radix(h, 16).ok()?))
                    .flatten()
                    .map(|c| (Piece::Char(c), 6))
            }
            b'x' => hex2(2).map(|b| (Piece::Char(char::from(b)), 4)),
            b'/' => Some((Piece::Char('/'), 2)),
            _ => None,
        },
        _ => None,
    }
}

/// At most `n` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, n: usize) -> &str {
    let mut end = text.len().min(n);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A character reference at the start of `text` (which starts with `&`), and its length.
fn reference(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (hex, digits) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, num),
        };
        let len = digits
            .find(|c: char| {
                !(if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                })
            })
            .unwrap_or(digits.len());
        if len == 0 || len > 8 {
            return None;
        }
        let n = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok()?;
        let c = char::from_u32(n)?;
        let semi = usize::from(digits[len..].starts_with(';'));
        return Some((c, 1 + 1 + usize::from(hex) + len + semi));
    }
    let len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let semi = body[len..].starts_with(';');
    let key = if semi {
        format!("{name};")
    } else {
        name.to_string()
    };
    let &(first, _) = html5ever::data::NAMED_ENTITIES.get(key.as_str())?;
    let c = char::from_u32(first).filter(|_| first != 0)?;
    Some((c, 1 + len + usize::from(semi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_spans_map_back_to_the_original() {
        let d = Decoded::of("a%41%42c&#64;d");
        assert_eq!(d.text, "aabc@d");
        assert_eq!((d.original_start(1), d.original_end(3)), (1, 7));
        assert_eq!((d.original_start(4), d.original_end(5)), (8, 13));
        assert_eq!(d.original_end(6), 14);
    }
}
