//! Redaction, before anything of a reply touches disk. It works by value, not by place: every
//! secret and identity value the run learns (the session's cookies, CSRF and hidden-input
//! values, the member's names, public id, numeric id, the ids inside member URNs, every email
//! address) is replaced by a stable placeholder wherever it occurs, in JSON keys and values, in
//! page text and attributes, and in the common encodings a page writes them in (percent
//! escapes, HTML character references, `\u` escapes, `+` for a space), whatever the letter
//! case. The same value gets the same placeholder within a recording, so two recordings still
//! compare, and none holds anything of the member.

use std::collections::HashMap;

use regex_lite::Regex;
use serde_json::Value;

use crate::secret::Secret;

/// Keys whose string or number values are personal, and the placeholder kind for each.
const PERSONAL_KEYS: &[(&str, &str)] = &[
    ("firstName", "name"),
    ("lastName", "name"),
    ("maidenName", "name"),
    ("fullName", "name"),
    ("occupation", "text"),
    ("headline", "text"),
    ("summary", "text"),
    ("publicIdentifier", "public-id"),
    ("emailAddress", "email"),
    ("email", "email"),
    ("plainId", "member-id"),
    ("memberId", "member-id"),
    ("trackingId", "tracking"),
];

/// URN types that name a member (their ids are learned, and then found in any other URN).
const MEMBER_URNS: &str = r#"urn:li:(member|fs_miniProfile|fsd_profile|fs_profile|miniProfile|person|profile):[^\s"'<>,)&]+"#;

/// A value to find wherever it occurs.
struct Known {
    /// Lower case, as matched against the decoded text.
    value: String,
    placeholder: String,
    /// Names are found as whole words only ("Al" is not in "Also"); everything else anywhere.
    whole_word: bool,
}

pub struct Redactor {
    /// Value -> placeholder.
    seen: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
    known: Vec<Known>,
    /// Numbers that identify the member (the plain id), and the number that stands for each.
    numbers: HashMap<String, u64>,
    email: Regex,
    urn: Regex,
}

impl Redactor {
    /// A redactor that already knows the session's values.
    pub fn new(li_at: &Secret, jsessionid: &str) -> Redactor {
        let mut r = Redactor {
            seen: HashMap::new(),
            counts: HashMap::new(),
            known: Vec::new(),
            numbers: HashMap::new(),
            email: Regex::new(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}").expect("a valid pattern"),
            urn: Regex::new(&MEMBER_URNS.to_ascii_lowercase()).expect("a valid pattern"),
        };
        r.know(li_at.expose(), "li_at");
        r.know(jsessionid, "jsessionid");
        r
    }

    fn placeholder(&mut self, kind: &'static str, value: &str) -> String {
        let key = value.to_ascii_lowercase();
        if let Some(p) = self.seen.get(&key) {
            return p.clone();
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        let p = match kind {
            "email" => format!("{kind}-{n}@example.invalid"),
            _ => format!("REDACTED-{kind}-{n}"),
        };
        self.seen.insert(key, p.clone());
        p
    }

    /// Remembers a value to replace wherever it occurs. Names of any length are matched as
    /// whole words; other values of fewer than 3 characters are not worth a search.
    pub fn know(&mut self, value: &str, kind: &'static str) {
        let value = value.trim();
        let whole_word = kind == "name";
        let long_enough = value.chars().count() >= 3 || (whole_word && !value.is_empty());
        if !long_enough || value.starts_with("REDACTED-") || value.ends_with("@example.invalid") {
            return;
        }
        let lower = value.to_ascii_lowercase();
        if self.known.iter().any(|k| k.value == lower) {
            return;
        }
        let placeholder = self.placeholder(kind, value);
        if let Ok(n) = value.parse::<u64>() {
            let digits: u64 = placeholder
                .rsplit('-')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            self.numbers.insert(n.to_string(), 100_000_000 + digits);
        }
        self.known.push(Known {
            value: lower,
            placeholder,
            whole_word,
        });
        // Longest first: a name inside an email is replaced as part of the email.
        self.known.sort_by_key(|k| std::cmp::Reverse(k.value.len()));
    }

    /// Learns the member's values from a reply (either shape of `/me`, a card, anything): the
    /// values under personal keys, and the ids inside member URNs.
    pub fn learn(&mut self, json: &Value) {
        match json {
            Value::Object(o) => {
                for (k, v) in o {
                    if let Some((_, kind)) = PERSONAL_KEYS.iter().find(|(key, _)| key == k) {
                        match v {
                            Value::String(s) => {
                                self.know(s, kind);
                                if *kind == "name" {
                                    // A name of several words is found word by word too.
                                    for word in s.split_whitespace() {
                                        self.know(word, "name");
                                    }
                                }
                            }
                            Value::Number(n) => self.know(&n.to_string(), kind),
                            _ => {}
                        }
                    }
                    self.learn_text(k);
                    self.learn(v);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| self.learn(v)),
            Value::String(s) => self.learn_text(s),
            _ => {}
        }
    }

    /// Learns from text: member URNs (and the id in each), email addresses, hidden inputs'
    /// values.
    pub fn learn_text(&mut self, text: &str) {
        let decoded = Decoded::of(text);
        let urns: Vec<String> = self
            .urn
            .find_iter(&decoded.text)
            .map(|m| m.as_str().to_string())
            .collect();
        for u in urns {
            self.know(&u, "urn");
            if let Some(id) = u.rsplit(':').next() {
                self.know(id, "member-id");
            }
        }
        let emails: Vec<String> = self
            .email
            .find_iter(&decoded.text)
            .map(|m| m.as_str().to_string())
            .collect();
        for e in emails {
            self.know(&e, "email");
        }
    }

    /// Learns the values of a page's hidden inputs (anti-forgery tokens), so they are found
    /// wherever the page repeats them.
    pub fn learn_page(&mut self, html: &str) {
        self.learn_text(html);
        let mut hidden = Vec::new();
        let _ = crate::html::scan(html, None, |e| {
            if let crate::html::Event::Start { name: "input", tag } = e
                && crate::html::attr(tag, "type").is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
                && let Some(v) = crate::html::attr(tag, "value")
            {
                hidden.push(v.to_string());
            }
        });
        for v in hidden {
            self.know(&v, "hidden");
        }
    }

    /// Redacts a JSON reply in place: personal keys by key, numbers that identify the member,
    /// and every string (keys too) by its content.
    pub fn json(&mut self, v: &mut Value) {
        match v {
            Value::Object(o) => {
                let old = std::mem::take(o);
                for (k, mut v) in old {
                    let kind = PERSONAL_KEYS
                        .iter()
                        .find(|(key, _)| *key == k)
                        .map(|(_, kind)| *kind);
                    match (kind, &v) {
                        (Some(kind), Value::String(s)) => {
                            let s = s.clone();
                            v = Value::String(self.placeholder(kind, &s));
                        }
                        (Some(kind), Value::Number(n)) => {
                            // A number stays a number: the shape is what drift compares.
                            let n = n.to_string();
                            self.know(&n, kind);
                            v = Value::from(self.numbers.get(&n).copied().unwrap_or(100_000_000));
                        }
                        _ => self.json(&mut v),
                    }
                    let mut key = self.text(&k);
                    while o.contains_key(&key) {
                        key.push('~');
                    }
                    o.insert(key, v);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.json(v)),
            Value::String(s) => *s = self.text(s),
            Value::Number(n) => {
                let key = n.to_string();
                if let Some(p) = self.numbers.get(&key) {
                    *v = Value::from(*p);
                }
            }
            _ => {}
        }
    }

    /// Redacts text (an HTML page, a header value, a JSON string): every known value, email
    /// address and member URN, in whatever common encoding it is written.
    pub fn text(&mut self, text: &str) -> String {
        let decoded = Decoded::of(text);
        // Spans of the decoded text, and the placeholder for each.
        let mut hits: Vec<(usize, usize, String)> = Vec::new();
        for k in &self.known {
            let mut from = 0;
            while let Some(at) = decoded.text[from..].find(&k.value) {
                let (start, end) = (from + at, from + at + k.value.len());
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                let bounded = !word(decoded.text[..start].chars().next_back())
                    && !word(decoded.text[end..].chars().next());
                if !k.whole_word || bounded {
                    hits.push((start, end, k.placeholder.clone()));
                }
                from = end;
            }
        }
        let found: Vec<(usize, usize, &'static str)> = self
            .email
            .find_iter(&decoded.text)
            .map(|m| (m.start(), m.end(), "email"))
            .chain(
                self.urn
                    .find_iter(&decoded.text)
                    .map(|m| (m.start(), m.end(), "urn")),
            )
            .filter(|(s, e, _)| {
                let m = &decoded.text[*s..*e];
                !m.contains("redacted-") && !m.ends_with("@example.invalid")
            })
            .collect();
        for (s, e, kind) in found {
            let value = decoded.text[s..e].to_string();
            let p = self.placeholder(kind, &value);
            hits.push((s, e, p));
        }
        if hits.is_empty() {
            return text.to_string();
        }
        // Earliest first, the longest of those that start together; overlaps go to the first.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (s, e, p) in hits {
            let (os, oe) = (decoded.original_start(s), decoded.original_end(e));
            if os < last {
                continue;
            }
            out.push_str(&text[last..os]);
            out.push_str(&p);
            last = oe;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// Text with its escapes decoded and ASCII letters in lower case, and where each escaped part
/// came from, so that a value found in it can be cut out of the original.
struct Decoded {
    text: String,
    /// Runs of escapes, in order: (decoded start, decoded end, original start, original end).
    escapes: Vec<(usize, usize, usize, usize)>,
}

impl Decoded {
    fn of(original: &str) -> Decoded {
        let bytes = original.as_bytes();
        let mut text = String::with_capacity(original.len());
        let mut escapes: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let (decoded, used) = match escape_at(original, i) {
                Some(x) => x,
                None => {
                    let c = original[i..].chars().next().expect("a char boundary");
                    let lower = c.to_ascii_lowercase();
                    text.push(lower);
                    i += c.len_utf8();
                    continue;
                }
            };
            let (ds, os) = (text.len(), i);
            match decoded {
                Piece::Byte(b) => {
                    // Percent escapes make bytes; consecutive ones make one UTF-8 character.
                    pending.push(b);
                    let mut j = i + used;
                    while let Some((Piece::Byte(b), n)) = escape_at(original, j) {
                        pending.push(b);
                        j += n;
                    }
                    text.push_str(&String::from_utf8_lossy(&pending).to_ascii_lowercase());
                    pending.clear();
                    i = j;
                }
                Piece::Char(c) => {
                    text.push(c.to_ascii_lowercase());
                    i += used;
                }
            }
            match escapes.last_mut() {
                Some(last) if last.1 == ds && last.3 == os => {
                    last.1 = text.len();
                    last.3 = i;
                }
                _ => escapes.push((ds, text.len(), os, i)),
            }
        }
        Decoded { text, escapes }
    }

    /// The original offset where a span starting at decoded offset `d` starts.
    fn original_start(&self, d: usize) -> usize {
        let i = self.escapes.partition_point(|e| e.1 <= d);
        match self.escapes.get(i) {
            Some(e) if e.0 <= d => e.2,
            _ => self.shifted(d, i),
        }
    }

    /// The original offset where a span ending at decoded offset `d` (exclusive) ends.
    fn original_end(&self, d: usize) -> usize {
        let i = self.escapes.partition_point(|e| e.1 < d);
        match self.escapes.get(i) {
            Some(e) if e.0 < d => e.3,
            _ => self.shifted(d, i),
        }
    }

    /// An offset outside every escape: moved by the escapes before it.
    fn shifted(&self, d: usize, before: usize) -> usize {
        match before.checked_sub(1).and_then(|i| self.escapes.get(i)) {
            Some(e) => d - e.1 + e.3,
            None => d,
        }
    }
}

enum Piece {
    Byte(u8),
    Char(char),
}

/// The escape at byte `i` of `text`, decoded, and how many bytes it takes: `%XX`, `&#N;`,
/// `&#xH;`, a few named references, `\uXXXX`, `\xXX`, `\/`, and `+`.
fn escape_at(text: &str, i: usize) -> Option<(Piece, usize)> {
    let rest = &text[i..];
    let hex = |s: &str| u32::from_str_radix(s, 16).ok();
    match rest.as_bytes().first()? {
        b'%' => {
            let h = rest.get(1..3)?;
            h.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| hex(h))
                .flatten()
                .map(|b| (Piece::Byte(b as u8), 3))
        }
        b'+' => Some((Piece::Char(' '), 1)),
        b'&' => {
            let end = rest[..rest.len().min(12)].find(';')?;
            let body = &rest[1..end];
            let c = if let Some(h) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                char::from_u32(hex(h)?)?
            } else if let Some(d) = body.strip_prefix('#') {
                char::from_u32(d.parse().ok()?)?
            } else {
                match body.to_ascii_lowercase().as_str() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "commat" => '@',
                    "period" => '.',
                    "plus" => '+',
                    "colon" => ':',
                    "nbsp" => ' ',
                    _ => return None,
                }
            };
            Some((Piece::Char(c), end + 1))
        }
        b'\\' => match rest.as_bytes().get(1)? {
            b'u' => {
                let h = rest.get(2..6)?;
                h.bytes()
                    .all(|b| b.is_ascii_hexdigit())
                    .then(|| char::from_u32(hex(h)?))
                    .flatten()
                    .map(|c| (Piece::Char(c), 6))
            }
            b'x' => {
                let h = rest.get(2..4)?;
                h.bytes()
                    .all(|b| b.is_ascii_hexdigit())
                    .then(|| char::from_u32(hex(h)?))
                    .flatten()
                    .map(|c| (Piece::Char(c), 4))
            }
            b'/' => Some((Piece::Char('/'), 2)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor() -> Redactor {
        let mut r = Redactor::new(&Secret::new("AQEDcanary"), "ajax:123");
        r.learn(&json!({"data": {"plainId": 114477001, "*miniProfile": "urn:li:fs_miniProfile:ACoAAx"},
            "included": [{"firstName": "Al", "lastName": "Lovelace", "publicIdentifier": "ada-lovelace",
                          "entityUrn": "urn:li:fs_miniProfile:ACoAAx", "objectUrn": "urn:li:member:114477001"}]}));
        r
    }

    #[test]
    fn personal_values_become_stable_placeholders() {
        let mut r = redactor();
        let mut me = json!({"data": {"plainId": 114477001, "*miniProfile": "urn:li:fs_miniProfile:ACoAAx"},
            "included": [{"firstName": "Al", "lastName": "Lovelace", "publicIdentifier": "ada-lovelace",
                          "entityUrn": "urn:li:fs_miniProfile:ACoAAx", "objectUrn": "urn:li:member:114477001"}]});
        r.json(&mut me);
        let text = me.to_string();
        for secret in ["Al\"", "Lovelace", "ada-lovelace", "114477001", "ACoAAx"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // The same value, the same placeholder; numbers stay numbers.
        assert_eq!(me["data"]["*miniProfile"], me["included"][0]["entityUrn"]);
        assert!(me["data"]["plainId"].is_u64());
        // Setting URNs are not a member's: they stay.
        assert_eq!(
            r.text("urn:li:settingEntity:allowDataForGenerativeAI"),
            "urn:li:settingEntity:allowDataForGenerativeAI"
        );
    }

    #[test]
    fn values_are_found_in_any_encoding_and_any_place() {
        let mut r = redactor();
        let page = "<p>Hello Al, Also: ada&#64;example.com ada%40example.org AQED%63anary \
                    \\u0041QEDcanary lovelace ACoAAx in urn:li:fsd_profileCard:(ACoAAx,3) \
                    member 114477001</p><input data-x=\"a>b\" type=\"hidden\" value=\"tok-999\"> tok-999";
        r.learn_page(page);
        let out = r.text(page);
        for secret in [
            "Al,",
            "ada&#64;example.com",
            "ada%40example.org",
            "AQED%63anary",
            "\\u0041QEDcanary",
            "lovelace",
            "ACoAAx",
            "114477001",
            "tok-999",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(
            out.contains("Also:"),
            "a short name is only a whole word: {out}"
        );
        // Keys too, and numbers under keys nobody listed.
        let mut v = json!({"ada@example.com": {"memberNumber": 114477001, "AQEDcanary": true}});
        r.json(&mut v);
        let text = v.to_string();
        assert!(
            !text.contains("ada@example.com") && !text.contains("AQEDcanary"),
            "{text}"
        );
        assert!(!text.contains("114477001"), "{text}");
    }

    #[test]
    fn decoded_spans_map_back_to_the_original() {
        let d = Decoded::of("a%41%42c&#64;d");
        assert_eq!(d.text, "aabc@d");
        assert_eq!((d.original_start(1), d.original_end(3)), (1, 7));
        assert_eq!((d.original_start(4), d.original_end(5)), (8, 13));
        assert_eq!(d.original_end(6), 14);
    }
}
