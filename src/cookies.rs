//! Reading a LinkedIn session out of what people have: lines on stdin, a Netscape `cookies.txt`
//! export, or Firefox's `cookies.sqlite`. Every reader returns the same [`Found`]; none of them
//! ever puts a cookie value in an error.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The cookies a session needs.
#[derive(Debug)]
pub struct Found {
    pub li_at: Secret,
    pub jsessionid: Option<String>,
}

fn bad_input(message: String, hint: &str) -> Error {
    Error::usage(message, Some(hint.to_string()))
}

/// Whether a cookie's domain is LinkedIn's own.
fn is_linkedin(domain: &str) -> bool {
    let d = domain.trim().trim_start_matches('.').to_ascii_lowercase();
    d == "linkedin.com" || d.ends_with(".linkedin.com")
}

/// Strips an optional `name=` prefix and surrounding quotes.
fn value_of<'a>(line: &'a str, name: &str) -> &'a str {
    let line = line.trim();
    let line = line
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('='))
        .unwrap_or(line);
    line.trim()
}

/// `--cookie-stdin`: the first line is `li_at` (optionally `li_at=…`), an optional second line
/// `JSESSIONID`.
pub fn from_stdin(input: impl Read) -> Result<Found> {
    let mut text = Zeroizing::new(String::new());
    input
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| {
            bad_input(
                format!("cannot read standard input: {e}"),
                "pipe the li_at value in as text",
            )
        })?;
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return Err(bad_input(
            "standard input is empty: expected the li_at value on the first line".to_string(),
            "e.g. `printf '%s\\n' \"$LI_AT\" | linkedin-privacy login --cookie-stdin`",
        ));
    };
    let li_at = Secret::new(value_of(first, "li_at"));
    let jsessionid = lines
        .next()
        .map(|l| value_of(l, "JSESSIONID").trim_matches('"').to_string())
        .filter(|j| !j.is_empty());
    Ok(Found { li_at, jsessionid })
}

/// `--cookies-file`: a Netscape `cookies.txt` (tab-separated: domain, subdomains flag, path,
/// secure, expiry, name, value; `#HttpOnly_` marks http-only cookies).
pub fn from_cookies_txt(path: &Path) -> Result<Found> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        bad_input(
            format!("cannot read {}: {e}", path.display()),
            "give the path of a cookies.txt export",
        )
    })?);
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
        Some(li_at) if !li_at.is_empty() => Ok(Found { li_at, jsessionid }),
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

/// The Firefox folders that may hold `profiles.ini`, most common first.
fn firefox_roots(home: &Path) -> Vec<PathBuf> {
    vec![
        home.join(".mozilla/firefox"),
        home.join("snap/firefox/common/.mozilla/firefox"),
        home.join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
        home.join("Library/Application Support/Firefox"),
    ]
}

/// The default Firefox profile: the `[Install…]` section's `Default=`, else the `[Profile…]`
/// with `Default=1`, else the only profile.
pub fn default_firefox_profile(home: &Path) -> Result<PathBuf> {
    for root in firefox_roots(home) {
        let Ok(ini) = std::fs::read_to_string(root.join("profiles.ini")) else {
            continue;
        };
        if let Some(dir) = pick_profile(&ini) {
            return Ok(if Path::new(&dir.0).is_absolute() || !dir.1 {
                PathBuf::from(dir.0)
            } else {
                root.join(dir.0)
            });
        }
    }
    Err(bad_input(
        "cannot find a Firefox profile (no profiles.ini under ~/.mozilla/firefox)".to_string(),
        "name the profile folder: --from-firefox PROFILE_DIR",
    ))
}

/// Returns `(path, is_relative)` from a `profiles.ini`.
fn pick_profile(ini: &str) -> Option<(String, bool)> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in ini.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.to_string(), Vec::new()));
        } else if let (Some((k, v)), Some(last)) = (line.split_once('='), sections.last_mut()) {
            last.1.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let get = |kv: &[(String, String)], key: &str| {
        kv.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    if let Some(path) = sections
        .iter()
        .filter(|(n, _)| n.starts_with("Install"))
        .find_map(|(_, kv)| get(kv, "Default"))
    {
        return Some((path, true));
    }
    let profiles: Vec<&Vec<(String, String)>> = sections
        .iter()
        .filter(|(n, _)| n.starts_with("Profile"))
        .map(|(_, kv)| kv)
        .collect();
    let chosen = profiles
        .iter()
        .find(|kv| get(kv, "Default").as_deref() == Some("1"))
        .or(if profiles.len() == 1 {
            profiles.first()
        } else {
            None
        })?;
    let relative = get(chosen, "IsRelative").as_deref() != Some("0");
    Some((get(chosen, "Path")?, relative))
}

/// `--from-firefox`: reads `cookies.sqlite` from a private copy, so a running Firefox's lock
/// does not matter. The copy is removed before this returns.
pub fn from_firefox(profile_dir: &Path) -> Result<Found> {
    let db = profile_dir.join("cookies.sqlite");
    if !db.is_file() {
        return Err(bad_input(
            format!("no cookies.sqlite in {}", profile_dir.display()),
            "give the Firefox profile folder (about:support > Profile Folder)",
        ));
    }
    let copy = tempfile::tempdir()
        .map_err(|e| bad_input(format!("cannot make a temporary copy: {e}"), "check TMPDIR"))?;
    for suffix in ["", "-wal"] {
        let from = profile_dir.join(format!("cookies.sqlite{suffix}"));
        if from.is_file() {
            std::fs::copy(&from, copy.path().join(format!("cookies.sqlite{suffix}"))).map_err(
                |e| {
                    bad_input(
                        format!("cannot copy {}: {e}", from.display()),
                        "check its permissions",
                    )
                },
            )?;
        }
    }
    let unreadable = |e: rusqlite::Error| {
        bad_input(
            format!(
                "cannot read {} as a Firefox cookie database: {e}",
                db.display()
            ),
            "check that the folder is a Firefox profile, and that the file is not damaged",
        )
    };
    let conn = rusqlite::Connection::open_with_flags(
        copy.path().join("cookies.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    let mut stmt = conn
        .prepare(
            "SELECT host, name, value FROM moz_cookies WHERE name IN ('li_at', 'JSESSIONID') \
             ORDER BY lastAccessed DESC",
        )
        .map_err(unreadable)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                Zeroizing::new(r.get::<_, String>(2)?),
            ))
        })
        .map_err(unreadable)?;
    let mut li_at = None;
    let mut jsessionid = None;
    for row in rows {
        let (host, name, value) = row.map_err(unreadable)?;
        if !is_linkedin(&host) {
            continue;
        }
        match name.as_str() {
            "li_at" if li_at.is_none() => li_at = Some(Secret::new(value.as_str())),
            "JSESSIONID" if jsessionid.is_none() => {
                jsessionid = Some(value.trim_matches('"').to_string())
            }
            _ => {}
        }
    }
    drop(stmt);
    drop(conn);
    drop(copy);
    match li_at {
        Some(li_at) => Ok(Found { li_at, jsessionid }),
        None => Err(bad_input(
            format!(
                "the Firefox profile {} has no li_at cookie for linkedin.com",
                profile_dir.display()
            ),
            "sign in to LinkedIn in that Firefox profile first",
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
        assert_eq!(err.kind(), "usage");
    }

    #[test]
    fn profiles_ini_is_read_like_firefox_does() {
        let ini = "[Profile0]\nName=default\nIsRelative=1\nPath=abc.default\n\n[Profile1]\nName=dev\nIsRelative=1\nPath=xyz.dev-edition\nDefault=1\n";
        assert_eq!(pick_profile(ini), Some(("xyz.dev-edition".into(), true)));
        let with_install =
            format!("{ini}\n[Install4F96D1932A9F858E]\nDefault=abc.default-release\nLocked=1\n");
        assert_eq!(
            pick_profile(&with_install),
            Some(("abc.default-release".into(), true))
        );
        let absolute = "[Profile0]\nIsRelative=0\nPath=/data/ff\n";
        assert_eq!(pick_profile(absolute), Some(("/data/ff".into(), false)));
        assert_eq!(pick_profile("[General]\nStartWithLastProfile=1\n"), None);
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
