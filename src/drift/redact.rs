//! Redaction, before anything of a reply touches disk. It works by value, not by place: every
//! secret and identity value the run learns (the session's cookies, CSRF and hidden-input
//! values, the member's names, public id, numeric id, the ids inside member URNs, every email
//! address) is replaced by a stable placeholder wherever it occurs, in JSON keys and values, in
//! page text and attributes, and in the encodings a page writes them in (percent escapes, doubled
//! or not; HTML character references, named or numeric, with or without their `;`; `\u` and
//! `\x` escapes), whatever the letter case and whatever the Unicode form. Values and text are
//! compared in one normal form (escapes decoded, canonically decomposed, in lower case), all
//! values at once (Aho-Corasick), so a page of any size is read once. The same value gets the
//! same placeholder within a recording, so two recordings still compare, and none holds anything
//! of the member. The keys of LinkedIn's own shapes stay as they are: they are the shape.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde_json::Value;

use super::normal::{Decoded, normal};
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

/// The keys of the shapes the tool reads: never redacted, whatever a member is called (a member
/// whose surname is "Key" must not turn every card's `key` into a placeholder).
const SCHEMA_KEYS: &[&str] = &[
    "settings",
    "key",
    "entityUrn",
    "settingDisplayType",
    "value",
    "onValue",
    "offValue",
    "hasChild",
    "settingDisplayValues",
    "settingDisplayValue",
    "selected",
    "primaryDescription",
    "description",
    "a11yName",
    "notationDescription",
    "data",
    "included",
    "elements",
    "miniProfile",
    "*miniProfile",
    "plainId",
    "objectUrn",
    "status",
    "message",
    "settingCardKey",
    "displayText",
];

/// URN types that name a member (their ids are learned, and then found in any other URN).
const MEMBER_URNS: &str = r#"urn:li:(member|fs_miniprofile|fsd_profile|fs_profile|miniprofile|person|profile):[^\s"'<>,)&]+"#;

/// A value to find wherever it occurs.
struct Known {
    placeholder: String,
    /// Names are found as whole words only ("Al" is not in "Also"); everything else anywhere.
    whole_word: bool,
}

/// A page that could not be read within its time.
#[derive(Debug)]
pub struct TooSlow;

pub struct Redactor {
    /// Normal form -> placeholder.
    seen: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
    /// Normal form -> how it is found.
    known: HashMap<String, Known>,
    /// The values of `known`, in the matcher's pattern order; rebuilt after a new value.
    patterns: Vec<String>,
    matcher: Option<AhoCorasick>,
    /// Numbers that identify the member (the plain id), and the number that stands for each.
    numbers: HashMap<u64, u64>,
    email: Regex,
    urn: Regex,
}

impl Redactor {
    /// A redactor that already knows the session's values.
    pub fn new(li_at: &Secret, jsessionid: &str) -> Redactor {
        let mut r = Redactor {
            seen: HashMap::new(),
            counts: HashMap::new(),
            known: HashMap::new(),
            patterns: Vec::new(),
            matcher: None,
            numbers: HashMap::new(),
            email: Regex::new(r"[\p{L}\p{M}\p{N}._%+\-]+@[\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)*\.\p{L}[\p{L}\p{M}]+")
                .expect("a valid pattern"),
            urn: Regex::new(MEMBER_URNS).expect("a valid pattern"),
        };
        r.know(li_at.expose(), "li_at");
        r.know(jsessionid, "jsessionid");
        r
    }

    fn placeholder(&mut self, kind: &'static str, value: &str) -> String {
        let key = normal(value);
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

    /// Remembers a value to replace wherever it occurs: as written, and in its normal form.
    /// Names of any length are matched as whole words; other values of fewer than 3 characters
    /// are not worth a search.
    pub fn know(&mut self, value: &str, kind: &'static str) {
        let value = value.trim();
        let whole_word = kind == "name";
        let long_enough = value.chars().count() >= 3 || (whole_word && !value.is_empty());
        if !long_enough || value.starts_with("REDACTED-") || value.ends_with("@example.invalid") {
            return;
        }
        let placeholder = self.placeholder(kind, value);
        if let Ok(n) = value.parse::<u64>() {
            let digits: u64 = placeholder
                .rsplit('-')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            self.numbers.insert(n, 100_000_000 + digits);
        }
        // The value decoded as the text will be (a `%2B` in a token is a `+` in the page), as
        // it stands (escapes a page repeats as they are), and with `+` for its spaces (a name
        // in a query string).
        let raw = value.to_lowercase();
        let mut forms = vec![normal(value), raw.clone(), normal(&value.replace(' ', "+"))];
        forms.push(raw.replace(' ', "+"));
        for form in forms {
            if form.chars().count() < 1 || self.known.contains_key(&form) {
                continue;
            }
            self.known.insert(
                form,
                Known {
                    placeholder: placeholder.clone(),
                    whole_word,
                },
            );
            self.matcher = None;
        }
    }

    /// Learns the member's values from a reply (either shape of `/me`, a card, anything): the
    /// values under personal keys, and the emails and member URNs in every key and string.
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

    /// Learns from text: member URNs (and the id in each), and email addresses, in whatever
    /// encoding they are written.
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

    /// Learns a page's values: its emails and URNs, and the values of its hidden inputs
    /// (anti-forgery tokens), also those written inside a script, a `<noscript>` or a
    /// `<textarea>` (text to the tokenizer, but a form all the same). Gives up at `deadline`:
    /// a page that cannot be read in time cannot be redacted, and is not recorded.
    pub fn learn_page(
        &mut self,
        html: &str,
        deadline: Option<std::time::Instant>,
    ) -> Result<(), TooSlow> {
        self.learn_text(html);
        let mut hidden = Vec::new();
        let mut inner = Vec::new();
        collect_hidden(html, deadline, &mut hidden, Some(&mut inner))?;
        for text in inner {
            collect_hidden(&text, deadline, &mut hidden, None)?;
        }
        for v in hidden {
            self.know(&v, "hidden");
        }
        Ok(())
    }

    /// Redacts a JSON reply in place: personal keys by key, numbers that identify the member,
    /// and every string (keys too, but those of the shapes the tool reads) by its content.
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
                            let stands = n
                                .parse::<u64>()
                                .ok()
                                .and_then(|n| self.numbers.get(&n).copied())
                                .unwrap_or(100_000_000);
                            v = Value::from(stands);
                        }
                        _ => self.json(&mut v),
                    }
                    let mut key = if SCHEMA_KEYS.contains(&k.as_str()) {
                        k
                    } else {
                        self.text(&k)
                    };
                    while o.contains_key(&key) {
                        key.push('~');
                    }
                    o.insert(key, v);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.json(v)),
            Value::String(s) => *s = self.text(s),
            Value::Number(n) => {
                // By value: 114477001, 114477001.0 and 1.14477001e8 are the same number.
                let as_int = n.as_u64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                        .map(|f| f as u64)
                });
                if let Some(p) = as_int.and_then(|i| self.numbers.get(&i)) {
                    *v = Value::from(*p);
                }
            }
            _ => {}
        }
    }

    fn matcher(&mut self) -> Option<&AhoCorasick> {
        if self.matcher.is_none() && !self.known.is_empty() {
            self.patterns = self.known.keys().cloned().collect();
            self.matcher = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&self.patterns)
                .ok();
        }
        self.matcher.as_ref()
    }

    /// Redacts text (an HTML page, a header value, a JSON string): every known value, email
    /// address and member URN, in whatever common encoding it is written. Where two found
    /// values overlap, the whole stretch goes.
    pub fn text(&mut self, text: &str) -> String {
        let decoded = Decoded::of(text);
        // Spans of the decoded text, and the placeholder for each.
        let mut hits: Vec<(usize, usize, String)> = Vec::new();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if self.matcher().is_some() {
            let matcher = self.matcher.as_ref().expect("built above");
            for m in matcher.find_overlapping_iter(&decoded.text) {
                let pattern = &self.patterns[m.pattern().as_usize()];
                let k = &self.known[pattern];
                let (start, end) = (m.start(), m.end());
                let bounded = !word(decoded.text[..start].chars().next_back())
                    && !word(decoded.text[end..].chars().next());
                if !k.whole_word || bounded {
                    hits.push((start, end, k.placeholder.clone()));
                }
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
            drop(decoded);
            return text.to_string();
        }
        // Overlapping hits become one stretch, named by its longest hit.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut merged: Vec<(usize, usize, String, usize)> = Vec::new();
        for (s, e, p) in hits {
            match merged.last_mut() {
                Some(last) if s < last.1 => {
                    if e - s > last.3 {
                        last.2 = p;
                        last.3 = e - s;
                    }
                    last.1 = last.1.max(e);
                }
                _ => merged.push((s, e, p, e - s)),
            }
        }
        // The stretches in the original text; the decoded copy goes before the redacted one is
        // made, so a page is held at most twice at once.
        let spans: Vec<(usize, usize, String)> = merged
            .into_iter()
            .map(|(s, e, p, _)| (decoded.original_start(s), decoded.original_end(e), p))
            .collect();
        drop(decoded);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (os, oe, p) in spans {
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

/// The values of the hidden inputs of a page; with `inner`, also the text of the elements a
/// tokenizer reads as raw text (scripts, `<noscript>`, `<textarea>`) that mentions an input, to be
/// read as a page in turn.
fn collect_hidden(
    html: &str,
    deadline: Option<std::time::Instant>,
    hidden: &mut Vec<String>,
    mut inner: Option<&mut Vec<String>>,
) -> Result<(), TooSlow> {
    // The text of the raw-text element being read (the tokenizer hands it over in pieces).
    let mut raw: Option<String> = None;
    crate::html::scan(html, deadline, |e| match e {
        crate::html::Event::Start { name: "input", tag } => {
            if crate::html::attr(tag, "type").is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
                && let Some(v) = crate::html::attr(tag, "value")
            {
                hidden.push(v.to_string());
            }
        }
        crate::html::Event::Start {
            name:
                "script" | "noscript" | "textarea" | "style" | "template" | "xmp" | "noembed"
                | "noframes" | "iframe" | "title",
            ..
        } => raw = Some(String::new()),
        crate::html::Event::Text(t) => {
            if let Some(r) = raw.as_mut() {
                r.push_str(t);
            }
        }
        crate::html::Event::End { .. } => {
            if let Some(text) = raw.take()
                && let Some(inner) = inner.as_deref_mut()
                && text.to_ascii_lowercase().contains("<input")
            {
                inner.push(text);
            }
        }
        _ => {}
    })
    .map_err(|_| TooSlow)
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
        let page = "<p>Hello Al, Also: ada&#64;example.com ada%40example.org bob&#64example.net \
                    carol%2540example.org jdoe+li@example.com AQED%63anary \\u0041QEDcanary \
                    lovelace ACoAAx in urn:li:fsd_profileCard:(ACoAAx,3) member 114477001</p>\
                    <input data-x=\"a>b\" type=\"hidden\" value=\"tok-999\"> tok-999 \
                    <noscript><input type=hidden value=NOSCRIPTtok2></noscript> NOSCRIPTtok2 \
                    <input type=hidden value='Tok1+abc/Zz=='> Tok1+abc/Zz==";
        r.learn_page(page, None).unwrap();
        let out = r.text(page);
        for secret in [
            "Al,",
            "ada&#64;example.com",
            "ada%40example.org",
            "bob&#64example.net",
            "carol%2540example.org",
            "jdoe+li@example.com",
            "AQED%63anary",
            "\\u0041QEDcanary",
            "lovelace",
            "ACoAAx",
            "114477001",
            "tok-999",
            "NOSCRIPTtok2",
            "Tok1+abc",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(
            out.contains("Also:"),
            "a short name is only a whole word: {out}"
        );
        // Keys too (but the shape's own), and numbers under keys nobody listed, by value.
        let mut v = json!({"ada@example.com": {"memberNumber": 114477001, "f": 114477001.0, "AQEDcanary": true, "key": "k"}});
        r.json(&mut v);
        let text = v.to_string();
        assert!(
            !text.contains("ada@example.com") && !text.contains("AQEDcanary"),
            "{text}"
        );
        assert!(!text.contains("114477001"), "{text}");
        assert!(text.contains("\"key\""), "{text}");
    }

    #[test]
    fn case_and_unicode_form_do_not_hide_a_name_and_overlaps_go_whole() {
        let mut r = Redactor::new(&Secret::new("AQEDtoken123"), "ajax:1");
        r.learn(&json!({"firstName": "Élodie", "lastName": "Öztürk"}));
        r.know("zzAQE", "hidden");
        let text = "ÖZTÜRK, élodie öztürk, &Eacute;lodie, E\u{301}lodie; zzAQEDtoken123";
        let out = r.text(text);
        for secret in [
            "ÖZTÜRK",
            "öztürk",
            "élodie",
            "&Eacute;lodie",
            "E\u{301}lodie",
            "token123",
            "zzAQ",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        // A surname that is a word of the shape leaves the shape alone.
        let mut r = Redactor::new(&Secret::new("t0k3n"), "ajax:1");
        r.learn(&json!({"lastName": "Key"}));
        let mut card = json!({"settings": [{"key": "allowX", "value": true}]});
        r.json(&mut card);
        assert_eq!(card["settings"][0]["key"], "allowX");
    }

    #[test]
    fn text_with_wide_characters_next_to_an_ampersand_is_no_panic() {
        let mut r = redactor();
        for t in [
            "Q&Aのページです",
            "&aaaaaaaaaaé",
            "&#",
            "&#x",
            "%",
            "%2",
            "\\u12",
            "&amp;",
            "&amp;#",
        ] {
            let _ = r.text(t);
        }
    }
}
