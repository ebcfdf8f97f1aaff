//! Reading a LinkedIn session out of what people have: lines on stdin, a Netscape `cookies.txt`
//! export, or Firefox's `cookies.sqlite`. Every reader returns the same [`Found`]; none of them
//! ever puts a cookie value in an error.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, Hint, Result};
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
    Ok(Found {
        li_at: Secret::new(li_at),
        jsessionid,
    })
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
    // Every place looked, relative to HOME, so the person can see which Firefox is missing.
    let looked: Vec<String> = firefox_roots(home)
        .iter()
        .map(|r| match r.strip_prefix(home) {
            Ok(rel) => format!("~/{}/profiles.ini", rel.display()),
            Err(_) => format!("{}/profiles.ini", r.display()),
        })
        .collect();
    Err(Error::usage_with(
        format!(
            "cannot find a Firefox profile: no usable profiles.ini at {}",
            looked.join(", ")
        ),
        crate::error::Hint::FirefoxProfile,
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
/// does not matter. The copy sits in a folder only this user can open (0700, the files 0600,
/// both from creation), in `scratch` (the user's runtime folder, else the temporary folder);
/// it is removed before this returns, and also if the run is interrupted. Copies left by a run
/// that was killed outright are removed by the next.
pub fn from_firefox(profile_dir: &Path, scratch: &Path) -> Result<Found> {
    let db = profile_dir.join("cookies.sqlite");
    if !db.is_file() {
        return Err(bad_input(
            format!("no cookies.sqlite in {}", profile_dir.display()),
            "give the Firefox profile folder (about:support > Profile Folder)",
        ));
    }
    let copy = private_folder(scratch)?;
    for suffix in ["", "-wal"] {
        let from = profile_dir.join(format!("cookies.sqlite{suffix}"));
        if from.is_file() {
            copy_private(&from, &copy.path().join(format!("cookies.sqlite{suffix}"))).map_err(
                |e| {
                    bad_input(
                        format!("cannot copy {}: {e}", from.display()),
                        "check its permissions and the free space in the temporary folder",
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

/// The prefix of private copy folders, so a later run can find the ones a killed run left.
const COPY_PREFIX: &str = "linkedin-privacy-firefox.";

/// A new folder only this user can open, created 0700 (never widened, never chmod-ed after).
fn private_folder(scratch: &Path) -> Result<crate::interrupt::PathGuard> {
    let fail = |e: std::io::Error| {
        bad_input(
            format!("cannot make a private folder in {}: {e}", scratch.display()),
            "check TMPDIR",
        )
    };
    sweep_stale_copies(scratch);
    let mut suffix = [0u8; 8];
    let _ = getrandom::fill(&mut suffix);
    let name = format!(
        "{COPY_PREFIX}{}.{}",
        std::process::id(),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let path = scratch.join(name);
    // Registered before it exists: a signal between the two must not leave it behind.
    let guard = crate::interrupt::PathGuard::new(path);
    crate::fsx::create_new_private_dir(guard.path()).map_err(fail)?;
    Ok(guard)
}

/// Copies `from` into a new file that is 0600 from the moment it exists.
fn copy_private(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut out = crate::fsx::create_new_private(to)?;
    let mut input = std::fs::File::open(from)?;
    std::io::copy(&mut input, &mut out)?;
    Ok(())
}

/// Removes copy folders of this user whose process is gone (a run killed with SIGKILL).
fn sweep_stale_copies(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(COPY_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if pid <= 0 || process_alive(pid) {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Only our own: another user's folder is theirs to clean.
            // SAFETY: geteuid has no preconditions.
            let me = unsafe { libc::geteuid() };
            match entry.metadata() {
                Ok(m) if m.uid() == me && m.is_dir() => {}
                _ => continue,
            }
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

#[cfg(unix)]
fn process_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: i32) -> bool {
    true
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

    #[cfg(unix)]
    #[test]
    fn private_copies_are_0700_and_0600_from_creation_and_stale_ones_are_swept() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().unwrap();
        // A folder a killed run left behind (a pid that cannot exist).
        let stale = scratch.path().join(format!("{COPY_PREFIX}999999999.00"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("cookies.sqlite"), b"jar").unwrap();
        // A live process's folder stays.
        let live = scratch
            .path()
            .join(format!("{COPY_PREFIX}{}.11", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        let guard = private_folder(scratch.path()).unwrap();
        assert!(!stale.exists(), "the stale copy is gone");
        assert!(live.exists());
        let mode = std::fs::metadata(guard.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        let src = scratch.path().join("src");
        std::fs::write(&src, b"cookies").unwrap();
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o644)).unwrap();
        let dst = guard.path().join("cookies.sqlite");
        copy_private(&src, &dst).unwrap();
        let mode = std::fs::metadata(&dst).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the copy does not keep the source's 0644"
        );
        let path = guard.path().to_path_buf();
        drop(guard);
        assert!(!path.exists());
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
