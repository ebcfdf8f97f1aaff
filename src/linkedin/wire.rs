//! Small readings of what crosses the wire: whether a reply revokes the session or throttles in
//! its body, whether a body looks like HTML, how a form value is encoded.

use reqwest::header::{self, HeaderMap};
use serde_json::Value;

pub(crate) fn starts_like_html(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// The sessions LinkedIn revoked during this run, for the command's end to mark in their
/// store.
static REVOKED: std::sync::Mutex<Vec<crate::secret::Secret>> = std::sync::Mutex::new(Vec::new());

/// Notes a session LinkedIn revoked.
pub(crate) fn remember_revoked(li_at: crate::secret::Secret) {
    REVOKED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(li_at);
}

/// The sessions revoked so far, taken.
pub fn take_revoked() -> Vec<crate::secret::Secret> {
    std::mem::take(&mut *REVOKED.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Whether a reply sets `li_at` to `delete me`: in any `Set-Cookie` of it (also several cookies
/// joined by commas in one header), the value in any quoting (`"…"`, `'…'`, `\"…\"`),
/// percent- or form-encoded, in any case, with any run of spaces. The name is `li_at` exactly.
pub(crate) fn revokes(headers: &HeaderMap) -> bool {
    headers.get_all(header::SET_COOKIE).iter().any(|v| {
        let text = String::from_utf8_lossy(v.as_bytes());
        text.split([',', ';'])
            .any(|item| match item.split_once('=') {
                Some((name, value)) => name.trim() == "li_at" && is_delete_me(value),
                None => false,
            })
    })
}

fn is_delete_me(value: &str) -> bool {
    let decoded = percent_decode(&value.replace('+', " "));
    let unquoted = decoded
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '\\' || c.is_whitespace());
    let words: Vec<&str> = unquoted.split_whitespace().collect();
    words.len() == 2
        && words[0].eq_ignore_ascii_case("delete")
        && words[1].eq_ignore_ascii_case("me")
}

/// `%20` and the like decoded (bytes that do not form UTF-8 are replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a body is a JSON object whose `status` is 429 (a throttle in a 200).
pub(crate) fn says_429(body: Option<&[u8]>) -> bool {
    let Some(body) = body else { return false };
    if body.len() > 64 * 1024 || body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("status").and_then(Value::as_u64))
        == Some(429)
}

/// What kind of JSON error, without serde's message (which may quote the input).
pub(crate) fn json_error_kind(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "a read error",
        Category::Syntax => "a syntax error",
        Category::Data => "unexpected data",
        Category::Eof => "it ends early",
    }
}

pub(crate) fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_delete_me_revokes_and_nothing_else_does() {
        let revoking = [
            "li_at=delete me; Domain=.linkedin.com; Path=/",
            "li_at=\"delete me\"; Max-Age=0",
            "li_at='delete me'",
            "li_at=delete%20me",
            "li_at=delete+me",
            "li_at=\"delete  me\"",
            "li_at=\\\"delete me\\\"",
            "li_at=DELETE ME",
            "lang=v=2&lang=en-us, li_at=delete me; Path=/",
            "bcookie=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT, li_at=\"delete me\"",
        ];
        for v in revoking {
            let mut h = HeaderMap::new();
            h.append(header::SET_COOKIE, v.parse().unwrap());
            assert!(revokes(&h), "{v}");
        }
        let harmless = [
            "li_at=AQEDAbc; Path=/",
            "LI_AT=delete me",
            "li_atx=delete me",
            "li_at=delete me not",
            "x=li_at=delete me",
            "li_at=",
        ];
        for v in harmless {
            let mut h = HeaderMap::new();
            h.append(header::SET_COOKIE, v.parse().unwrap());
            assert!(!revokes(&h), "{v}");
        }
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b&c=d+é"), "a+b%26c%3Dd%2B%C3%A9");
    }
}
