//! A server that echoes the session back (in a name, a label, a redirect) would put the token
//! into what the tool prints, stores and records: every reply to a call made with a session has
//! the session's values replaced before anything reads it.

use reqwest::header::{self, HeaderMap, HeaderValue};

use super::session::Session;

/// What a reply echoing the session shows in its place.
pub const SESSION_PLACEHOLDER: &str = "[session]";

/// The session's values (`li_at`, the JSESSIONID), as they are and percent-encoded, replaced in
/// the body and the redirect target of a reply.
pub(super) fn without_session(
    body: &mut Option<Vec<u8>>,
    headers: &mut HeaderMap,
    session: &Session,
) {
    let mut needles: Vec<String> = Vec::new();
    for value in [session.li_at().expose(), session.jsessionid()] {
        if value.len() < 4 {
            continue;
        }
        needles.push(value.to_string());
        for lower in [false, true] {
            let encoded: String = value
                .bytes()
                .map(
                    |b| match (b.is_ascii_alphanumeric() || b"-._~".contains(&b), lower) {
                        (true, _) => char::from(b).to_string(),
                        (false, false) => format!("%{b:02X}"),
                        (false, true) => format!("%{b:02x}"),
                    },
                )
                .collect();
            if encoded != value && !needles.contains(&encoded) {
                needles.push(encoded);
            }
        }
    }
    if needles.is_empty() {
        return;
    }
    let Ok(finder) = aho_corasick::AhoCorasick::new(&needles) else {
        return;
    };
    let with: Vec<&str> = vec![SESSION_PLACEHOLDER; needles.len()];
    if let Some(b) = body.as_ref()
        && finder.is_match(b)
    {
        *body = Some(finder.replace_all_bytes(b, &with));
    }
    if let Some(location) = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| finder.is_match(l))
    {
        let clean = finder.replace_all(location, &with);
        if let Ok(v) = HeaderValue::from_str(&clean) {
            headers.insert(header::LOCATION, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::OsRandom;
    use crate::secret::Secret;

    #[test]
    fn the_token_and_jsessionid_are_replaced_as_they_are_and_percent_encoded() {
        let s = Session::new(Secret::new("AQEDtok+en/1"), Some("ajax:123456"), &OsRandom).unwrap();
        let mut body =
            Some(br#"{"a":"AQEDtok+en/1","b":"AQEDtok%2Ben%2F1","c":"ajax:123456"}"#.to_vec());
        let mut headers = HeaderMap::new();
        headers.insert(
            header::LOCATION,
            HeaderValue::from_static("/x/AQEDtok%2ben%2f1"),
        );
        without_session(&mut body, &mut headers, &s);
        let text = String::from_utf8(body.unwrap()).unwrap();
        assert!(!text.contains("tok"), "{text}");
        assert!(!text.contains("123456"), "{text}");
        assert_eq!(text.matches(SESSION_PLACEHOLDER).count(), 3);
        assert_eq!(headers[header::LOCATION], "/x/[session]");
    }
}
