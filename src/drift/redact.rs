//! Redaction, before anything of a reply touches disk: the session's cookies and tokens, CSRF
//! values, names, emails, public identifiers, member ids and member URNs become stable
//! placeholders (the same value gets the same placeholder within a recording), so two
//! recordings compare and none holds anything of the member.

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

/// URN types that name a member.
const MEMBER_URNS: &str = r#"urn:li:(member|fs_miniProfile|fsd_profile|fs_profile|miniProfile|person|profile):[^\s"'<>,)&]+"#;

pub struct Redactor {
    /// Value -> placeholder.
    seen: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
    /// Values to replace wherever they occur inside text, longest first.
    known: Vec<(String, String)>,
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
            email: Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
                .expect("a valid pattern"),
            urn: Regex::new(MEMBER_URNS).expect("a valid pattern"),
        };
        r.know(li_at.expose(), "li_at");
        r.know(jsessionid, "jsessionid");
        r.know(&format!("\"{jsessionid}\""), "jsessionid");
        r
    }

    fn placeholder(&mut self, kind: &'static str, value: &str) -> String {
        if let Some(p) = self.seen.get(value) {
            return p.clone();
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        let p = match kind {
            "email" => format!("{kind}-{n}@example.invalid"),
            _ => format!("REDACTED-{kind}-{n}"),
        };
        self.seen.insert(value.to_string(), p.clone());
        p
    }

    /// Remembers a value to replace wherever it occurs (at least 3 characters).
    pub fn know(&mut self, value: &str, kind: &'static str) {
        let value = value.trim();
        if value.chars().count() < 3 || self.known.iter().any(|(v, _)| v == value) {
            return;
        }
        let p = self.placeholder(kind, value);
        self.known.push((value.to_string(), p));
        self.known.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    }

    /// Learns the member's values from a `/me` reply (either shape), so they are also found
    /// where other replies mention them.
    pub fn learn(&mut self, json: &Value) {
        fn walk(r: &mut Redactor, v: &Value) {
            match v {
                Value::Object(o) => {
                    for (k, v) in o {
                        if let Some((_, kind)) = PERSONAL_KEYS.iter().find(|(key, _)| key == k) {
                            match v {
                                Value::String(s) => r.know(s, kind),
                                Value::Number(n) => r.know(&n.to_string(), kind),
                                _ => {}
                            }
                        }
                        walk(r, v);
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| walk(r, v)),
                Value::String(s) => {
                    let urns: Vec<String> =
                        r.urn.find_iter(s).map(|m| m.as_str().to_string()).collect();
                    for u in urns {
                        r.know(&u, "urn");
                    }
                }
                _ => {}
            }
        }
        walk(self, json);
    }

    /// Redacts a JSON reply in place: personal keys by key, and every string by its content.
    pub fn json(&mut self, v: &mut Value) {
        match v {
            Value::Object(o) => {
                for (k, v) in o.iter_mut() {
                    let kind = PERSONAL_KEYS
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, kind)| *kind);
                    match (kind, &*v) {
                        (Some(kind), Value::String(s)) => {
                            let s = s.clone();
                            *v = Value::String(self.placeholder(kind, &s));
                        }
                        (Some(kind), Value::Number(n)) => {
                            // A number stays a number: the shape is what drift compares.
                            let p = self.placeholder(kind, &n.to_string());
                            let digits: u64 = p
                                .rsplit('-')
                                .next()
                                .and_then(|d| d.parse().ok())
                                .unwrap_or(0);
                            *v = Value::from(100_000_000 + digits);
                        }
                        _ => self.json(v),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.json(v)),
            Value::String(s) => *s = self.text(s),
            _ => {}
        }
    }

    /// Redacts text (an HTML page, a header value): known values, emails and member URNs,
    /// and the values of hidden inputs (anti-forgery tokens).
    pub fn text(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, p) in &self.known {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), p);
            }
        }
        let emails: Vec<String> = self
            .email
            .find_iter(&out)
            .map(|m| m.as_str().to_string())
            .filter(|m| !m.ends_with("@example.invalid"))
            .collect();
        for e in emails {
            let p = self.placeholder("email", &e);
            out = out.replace(&e, &p);
        }
        let urns: Vec<String> = self
            .urn
            .find_iter(&out)
            .map(|m| m.as_str().to_string())
            .filter(|m| !m.contains("REDACTED"))
            .collect();
        for u in urns {
            let p = self.placeholder("urn", &u);
            out = out.replace(&u, &p);
        }
        self.hidden_inputs(&out)
    }

    /// `<input type="hidden" … value="…">` (in any attribute order): the value becomes a
    /// placeholder.
    fn hidden_inputs(&mut self, html: &str) -> String {
        let input = Regex::new(r"(?i)<input\b[^>]*>").expect("a valid pattern");
        let hidden = Regex::new(r#"(?i)\btype\s*=\s*["']?hidden\b"#).expect("a valid pattern");
        let value = Regex::new(r#"(?i)\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"#)
            .expect("a valid pattern");
        let mut out = String::with_capacity(html.len());
        let mut last = 0;
        for tag in input.find_iter(html) {
            out.push_str(&html[last..tag.start()]);
            last = tag.end();
            let text = tag.as_str();
            let Some(v) = hidden
                .is_match(text)
                .then(|| value.captures(text))
                .flatten()
            else {
                out.push_str(text);
                continue;
            };
            let found = v
                .get(1)
                .or(v.get(2))
                .or(v.get(3))
                .map(|m| m.as_str())
                .unwrap_or("");
            if found.is_empty() || found.starts_with("REDACTED") {
                out.push_str(text);
                continue;
            }
            let p = self.placeholder("hidden", found);
            let whole = v.get(0).expect("a match");
            out.push_str(&text[..whole.start()]);
            out.push_str(&format!("value=\"{p}\""));
            out.push_str(&text[whole.end()..]);
        }
        out.push_str(&html[last..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_values_become_stable_placeholders() {
        let mut r = Redactor::new(&Secret::new("AQEDcanary"), "ajax:123");
        let mut me = json!({"data": {"plainId": 114477001, "*miniProfile": "urn:li:fs_miniProfile:ACoAAx"},
            "included": [{"firstName": "Ada", "lastName": "Lovelace", "publicIdentifier": "ada-lovelace",
                          "entityUrn": "urn:li:fs_miniProfile:ACoAAx", "objectUrn": "urn:li:member:114477001"}]});
        r.learn(&me);
        r.json(&mut me);
        let text = me.to_string();
        for secret in ["Ada", "Lovelace", "ada-lovelace", "114477001", "ACoAAx"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // The same value, the same placeholder; numbers stay numbers.
        assert_eq!(me["data"]["*miniProfile"], me["included"][0]["entityUrn"]);
        assert!(me["data"]["plainId"].is_u64());
        let html = r.text(
            "<p>Hello Ada Lovelace (ada@example.com, AQEDcanary)</p><input type=hidden name=csrf value=\"tok-9\"><a href=\"/in/ada-lovelace\">",
        );
        for secret in [
            "Ada",
            "ada@example.com",
            "AQEDcanary",
            "tok-9",
            "ada-lovelace",
        ] {
            assert!(!html.contains(secret), "{secret} in {html}");
        }
        // Setting URNs are not a member's: they stay.
        assert_eq!(
            r.text("urn:li:settingEntity:dataForGenerativeAiImprovement"),
            "urn:li:settingEntity:dataForGenerativeAiImprovement"
        );
    }
}
