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

/// Whether a reply sets `li_at` to `delete me` (any quoting, any case, any status).
pub(crate) fn revokes(headers: &HeaderMap) -> bool {
    headers.get_all(header::SET_COOKIE).iter().any(|v| {
        let text = String::from_utf8_lossy(v.as_bytes());
        let pair = text.split(';').next().unwrap_or("");
        match pair.split_once('=') {
            Some((name, value)) => {
                name.trim().eq_ignore_ascii_case("li_at")
                    && value
                        .trim()
                        .trim_matches('"')
                        .trim()
                        .eq_ignore_ascii_case("delete me")
            }
            None => false,
        }
    })
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
    fn form_encoding() {
        assert_eq!(form_encode("a b&c=d+é"), "a+b%26c%3Dd%2B%C3%A9");
    }
}
