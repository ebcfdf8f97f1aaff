//! Reading a LinkedIn session out of what people have: lines on stdin or a Netscape
//! `cookies.txt` export (a browser's own store is [`super::browser`]'s). Every reader returns the
//! same [`Found`]; none of them ever puts a cookie value in an error.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Hint, Result};
use crate::secret::Secret;

/// The cookies a session needs, and where they came from.
#[derive(Debug)]
pub struct Found {
    pub li_at: Secret,
    pub jsessionid: Option<String>,
    /// The User-Agent of the browser the cookies came from, when it could be read: sent on
    /// every request of the session, so LinkedIn sees the browser that minted them.
    pub user_agent: Option<String>,
    /// Which browser and profile, in words (`chromium, profile Default`), for people.
    pub browser: Option<String>,
}

impl Found {
    /// Cookies with nothing known of the browser they came from.
    pub fn cookies(li_at: Secret, jsessionid: Option<String>) -> Found {
        Found {
            li_at,
            jsessionid,
            user_agent: None,
            browser: None,
        }
    }
}

pub(crate) fn bad_input(message: String, hint: &str) -> Error {
    Error::usage(message, Some(hint.to_string()))
}

/// Bad input with a hint the output layer words (it names the tool's flags).
pub(crate) fn bad_input_with(message: String, hint: Hint) -> Error {
    Error::usage_with(message, hint)
}

/// Whether a cookie's domain is LinkedIn's own.
pub(crate) fn is_linkedin(domain: &str) -> bool {
    let d = domain.trim().trim_start_matches('.').to_ascii_lowercase();
    d == "linkedin.com" || d.ends_with(".linkedin.com")
}

/// The most `--cookie-stdin` reads: a session's cookies are a few hundred bytes. Anything larger
/// is refused whole rather than cut, so a cut token is never stored.
pub const MAX_STDIN: usize = 16 * 1024;

/// `--cookie-stdin`: either bare values (the first line `li_at`, an optional second line
/// `JSESSIONID`), or `name=value` items in any order, one per line or `;`-separated as in a
/// `Cookie` header. Names are matched without regard to case; other cookies are ignored.
pub fn from_stdin(input: impl Read) -> Result<Found> {
    let mut bytes = Zeroizing::new(Vec::new());
    input
        .take(MAX_STDIN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            bad_input(
                format!("cannot read standard input: {e}"),
                "pipe the li_at value in as text",
            )
        })?;
    if bytes.len() > MAX_STDIN {
        return Err(bad_input(
            format!(
                "standard input is larger than {} KiB; a session's cookies are a few hundred bytes",
                MAX_STDIN / 1024
            ),
            "pipe in only the li_at value (and optionally JSESSIONID on a second line)",
        ));
    }
    let text = Zeroizing::new(String::from_utf8(bytes.to_vec()).map_err(|_| {
        bad_input(
            "standard input is not UTF-8 text".to_string(),
            "pipe the li_at value in as text",
        )
    })?);
    parse_cookie_lines(&text)
}

/// What one item of `--cookie-stdin` input is.
enum Item<'a> {
    LiAt(&'a str),
    JSessionId(&'a str),
    /// Another cookie (`lang=…`), ignored.
    Other,
    Bare(&'a str),
}

fn item(text: &str) -> Item<'_> {
    if let Some((name, value)) = text.split_once('=') {
        let name = name.trim();
        if name.eq_ignore_ascii_case("li_at") {
            return Item::LiAt(value.trim());
        }
        if name.eq_ignore_ascii_case("JSESSIONID") {
            return Item::JSessionId(value.trim());
        }
        let looks_like_name = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !value.trim().is_empty();
        if looks_like_name {
            return Item::Other;
        }
    }
    Item::Bare(text)
}

fn parse_cookie_lines(text: &str) -> Result<Found> {
    let mut named_li_at = None;
    let mut named_jsessionid = None;
    let mut bare = Vec::new();
    let mut named = false;
    let twice = |name: &str| {
        bad_input(
            format!("standard input names {name} twice"),
            "give each cookie once",
        )
    };
    for part in text
        .lines()
        .flat_map(|l| l.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match item(part) {
            Item::LiAt(v) => {
                named = true;
                if named_li_at.replace(v).is_some() {
                    return Err(twice("li_at"));
                }
            }
            Item::JSessionId(v) => {
                named = true;
                if named_jsessionid.replace(v).is_some() {
                    return Err(twice("JSESSIONID"));
                }
            }
            Item::Other => named = true,
            Item::Bare(v) => bare.push(v),
        }
    }
    if named && !bare.is_empty() {
        return Err(bad_input(
            "standard input mixes bare values with name=value cookies".to_string(),
            "write every cookie as name=value (li_at=…, JSESSIONID=…), or give bare values only",
        ));
    }
    let (li_at, jsessionid) = if named {
        (named_li_at, named_jsessionid)
    } else {
        match bare.as_slice() {
            [] => (None, None),
            [li_at] => (Some(*li_at), None),
            [li_at, jsessionid] => (Some(*li_at), Some(*jsessionid)),
            more => {
                return Err(bad_input(
                    format!(
                        "standard input holds {} values; expected li_at and optionally JSESSIONID",
                        more.len()
                    ),
                    "put li_at on the first line and JSESSIONID on the second",
                ));
            }
        }
    };
    let Some(li_at) = li_at.map(|v| v.trim_matches('"')).filter(|v| !v.is_empty()) else {
        return Err(Error::usage_with(
            if text.trim().is_empty() {
                "standard input is empty: expected the li_at value on the first line"
            } else {
                "standard input holds no li_at value"
            },
            Hint::PipeCookie,
        ));
    };
    let jsessionid = jsessionid
        .map(|j| j.trim_matches('"').to_string())
        .filter(|j| !j.is_empty());
    Ok(Found::cookies(Secret::new(li_at), jsessionid))
}

/// `--cookies-file`: a Netscape `cookies.txt` (tab-separated: domain, subdomains flag, path,
/// secure, expiry, name, value; `#HttpOnly_` marks http-only cookies).
pub fn from_cookies_txt(path: &Path) -> Result<Found> {
    /// A cookies.txt of every site a browser knows is a few MiB at most.
    const MAX: u64 = 64 * 1024 * 1024;
    let unreadable = |e: std::io::Error| {
        bad_input(
            format!("cannot read {}: {e}", path.display()),
            "give the path of a cookies.txt export",
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX {
        return Err(bad_input(
            format!(
                "{} is larger than 64 MiB; it is not a cookies.txt export",
                path.display()
            ),
            "export only the cookies of linkedin.com",
        ));
    }
    let text = Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
    let mut li_at = None;
    let mut jsessionid = None;
    let mut other_domains = BTreeSet::new();
    let mut cookie_lines = 0;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 7 {
            continue;
        }
        cookie_lines += 1;
        let (domain, name, value) = (fields[0], fields[5], fields[6]);
        match name {
            "li_at" if is_linkedin(domain) => li_at = Some(Secret::new(value.trim())),
            "li_at" => {
                other_domains.insert(domain.trim().to_string());
            }
            "JSESSIONID" if is_linkedin(domain) => {
                jsessionid = Some(value.trim().trim_matches('"').to_string())
            }
            _ => {}
        }
    }
    if cookie_lines == 0 {
        return Err(bad_input(
            format!(
                "{} is not a Netscape cookies.txt file (no cookie lines)",
                path.display()
            ),
            "export cookies.txt with a browser extension while signed in to LinkedIn",
        ));
    }
    match li_at {
        Some(li_at) if !li_at.is_empty() => Ok(Found::cookies(li_at, jsessionid)),
        _ if !other_domains.is_empty() => Err(bad_input(
            format!(
                "{} has an li_at cookie only for {}, not for linkedin.com",
                path.display(),
                other_domains.into_iter().collect::<Vec<_>>().join(", ")
            ),
            "export the cookies of www.linkedin.com",
        )),
        _ => Err(bad_input(
            format!("{} holds no li_at cookie for linkedin.com", path.display()),
            "sign in to LinkedIn in the browser first, then export cookies.txt again",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_takes_value_or_name_value_and_an_optional_jsessionid() {
        let f = from_stdin("tok-1\n".as_bytes()).unwrap();
        assert_eq!(f.li_at.expose(), "tok-1");
        assert_eq!(f.jsessionid, None);
        let f = from_stdin("\n li_at=tok-2 \r\nJSESSIONID=\"ajax:42\"\n".as_bytes()).unwrap();
        assert_eq!(f.li_at.expose(), "tok-2");
        assert_eq!(f.jsessionid.as_deref(), Some("ajax:42"));
        let err = from_stdin("  \n\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("empty"));
        assert_eq!(err.kind().as_str(), "usage");
    }

    #[test]
    fn stdin_names_are_read_by_name_in_any_order() {
        // JSESSIONID first: it is not taken as li_at.
        let f = from_stdin("JSESSIONID=\"ajax:7\"\nli_at=tok\n".as_bytes()).unwrap();
        assert_eq!(f.li_at.expose(), "tok");
        assert_eq!(f.jsessionid.as_deref(), Some("ajax:7"));
        // Any case, and the prefix never becomes part of the token.
        let f = from_stdin("LI_AT=tok\n".as_bytes()).unwrap();
        assert_eq!(f.li_at.expose(), "tok");
        // A Cookie header, other cookies ignored.
        let f = from_stdin("lang=v=2; li_at=tok; JSESSIONID=\"ajax:1\"".as_bytes()).unwrap();
        assert_eq!(f.li_at.expose(), "tok");
        assert_eq!(f.jsessionid.as_deref(), Some("ajax:1"));
        for (bad, why) in [
            ("JSESSIONID=ajax:1\n", "no li_at"),
            ("li_at=a\nli_at=b\n", "twice"),
            ("li_at=a\nbare\n", "mixes"),
            ("a\nb\nc\n", "3 values"),
        ] {
            let err = from_stdin(bad.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn oversized_stdin_is_refused_whole() {
        let big = format!("{}\n", "t".repeat(MAX_STDIN));
        let err = from_stdin(big.as_bytes()).unwrap_err();
        assert_eq!(err.kind().as_str(), "usage");
        assert!(err.to_string().contains("larger than 16 KiB"), "{err}");
        assert!(!err.to_string().contains("ttttt"));
        let fits = format!("{}\n", "t".repeat(MAX_STDIN - 1));
        assert_eq!(
            from_stdin(fits.as_bytes()).unwrap().li_at.expose().len(),
            MAX_STDIN - 1
        );
    }

    #[test]
    fn linkedin_domains() {
        for d in [
            ".linkedin.com",
            "www.linkedin.com",
            "linkedin.com",
            ".www.linkedin.com",
        ] {
            assert!(is_linkedin(d), "{d}");
        }
        for d in [
            "notlinkedin.com",
            ".linkedin.com.evil.example",
            "example.com",
        ] {
            assert!(!is_linkedin(d), "{d}");
        }
    }
}
