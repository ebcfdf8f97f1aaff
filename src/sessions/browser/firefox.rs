//! Firefox: its profiles (under the XDG folder a current Firefox uses, the classic
//! `~/.mozilla/firefox`, Snap, Flatpak, macOS and Windows), the default one as Firefox picks it
//! (`installs.ini`, then `profiles.ini`), its `cookies.sqlite` read from a private copy (the
//! default container first, then the others), and the User-Agent its installed version sends.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{Os, Places, copy};
use crate::error::{Hint, Result};
use crate::secret::Secret;
use crate::sessions::cookies::{Found, bad_input, is_linkedin};

/// The Firefox folders that may hold `profiles.ini`, most common first.
pub fn roots(places: &Places) -> Vec<PathBuf> {
    let home = &places.home;
    match places.os {
        Os::MacOs => vec![home.join("Library/Application Support/Firefox")],
        Os::Windows => places
            .appdata
            .iter()
            .map(|a| a.join("Mozilla/Firefox"))
            .collect(),
        Os::Linux => vec![
            places.config.join("mozilla/firefox"),
            home.join(".mozilla/firefox"),
            home.join("snap/firefox/common/.mozilla/firefox"),
            home.join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
            home.join(".var/app/org.mozilla.firefox/config/mozilla/firefox"),
        ],
    }
}

/// The profile folder: `profile` as a folder, or a profile's name in `profiles.ini`, or the
/// default profile.
pub fn profile_dir(places: &Places, profile: Option<&str>) -> Result<PathBuf> {
    if let Some(p) = profile {
        let path = PathBuf::from(p);
        if path.is_dir() {
            return Ok(path);
        }
    }
    for root in roots(places) {
        let Ok(ini) = std::fs::read_to_string(root.join("profiles.ini")) else {
            continue;
        };
        let installs = std::fs::read_to_string(root.join("installs.ini")).unwrap_or_default();
        let picked = match profile {
            Some(name) => named_profile(&ini, name),
            None => pick_profile(&ini, &installs),
        };
        if let Some((dir, relative)) = picked {
            return Ok(if relative {
                root.join(dir)
            } else {
                PathBuf::from(dir)
            });
        }
    }
    // Every place looked, relative to HOME, so the person can see which Firefox is missing.
    let looked: Vec<String> = roots(places)
        .iter()
        .map(|r| match r.strip_prefix(&places.home) {
            Ok(rel) => format!("~/{}/profiles.ini", rel.display()),
            Err(_) => format!("{}/profiles.ini", r.display()),
        })
        .collect();
    let what = match profile {
        Some(name) => format!("cannot find the Firefox profile {name:?}"),
        None => "cannot find a Firefox profile".to_string(),
    };
    Err(crate::error::Error::usage_with(
        format!("{what}: no usable profiles.ini at {}", looked.join(", ")),
        Hint::FirefoxProfile,
    ))
}

/// The sections of an ini file, in order.
fn sections(ini: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in ini.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((name.to_string(), Vec::new()));
        } else if let (Some((k, v)), Some(last)) = (line.split_once('='), out.last_mut()) {
            last.1.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn get(kv: &[(String, String)], key: &str) -> Option<String> {
    kv.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// The profile Firefox starts with: an `[Install…]` section's `Default=` (in `installs.ini` or
/// `profiles.ini`), else the `[Profile…]` with `Default=1`, else the only profile. Returns
/// `(path, is_relative)`.
pub fn pick_profile(ini: &str, installs: &str) -> Option<(String, bool)> {
    let all = sections(ini);
    let relative_of = |path: &str| {
        all.iter()
            .filter(|(n, _)| n.starts_with("Profile"))
            .find(|(_, kv)| get(kv, "Path").as_deref() == Some(path))
            .is_none_or(|(_, kv)| get(kv, "IsRelative").as_deref() != Some("0"))
    };
    if let Some(path) = sections(installs)
        .iter()
        .chain(all.iter())
        .filter(|(n, _)| n.starts_with("Install"))
        .find_map(|(_, kv)| get(kv, "Default"))
    {
        let relative = relative_of(&path);
        return Some((path, relative));
    }
    let profiles: Vec<&Vec<(String, String)>> = all
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

/// The profile whose `Name=` is `name`.
fn named_profile(ini: &str, name: &str) -> Option<(String, bool)> {
    sections(ini)
        .iter()
        .filter(|(n, _)| n.starts_with("Profile"))
        .find(|(_, kv)| get(kv, "Name").as_deref() == Some(name))
        .and_then(|(_, kv)| {
            let relative = get(kv, "IsRelative").as_deref() != Some("0");
            Some((get(kv, "Path")?, relative))
        })
}

/// The User-Agent of the Firefox that last used the profile, from its `compatibility.ini`
/// (`LastVersion=153.8.0_20251111000000/20251111000000`): Firefox sends its major version.
pub fn user_agent(profile_dir: &Path, os: Os) -> Option<String> {
    let ini = std::fs::read_to_string(profile_dir.join("compatibility.ini")).ok()?;
    let version = sections(&ini)
        .iter()
        .find(|(n, _)| n == "Compatibility")
        .and_then(|(_, kv)| get(kv, "LastVersion"))?;
    let major: u32 = version.split(['.', '_']).next()?.parse().ok()?;
    if !(60..1000).contains(&major) {
        return None;
    }
    let platform = match os {
        Os::Linux => "X11; Linux x86_64",
        Os::MacOs => "Macintosh; Intel Mac OS X 10.15",
        Os::Windows => "Windows NT 10.0; Win64; x64",
    };
    Some(format!(
        "Mozilla/5.0 ({platform}; rv:{major}.0) Gecko/20100101 Firefox/{major}.0"
    ))
}

/// Reads `li_at` and `JSESSIONID` for linkedin.com from the profile's `cookies.sqlite`, from a
/// private copy. A container's cookies count too, the default container's first.
pub fn read(profile_dir: &Path, scratch: &Path, os: Os) -> Result<Found> {
    let db = profile_dir.join("cookies.sqlite");
    if !db.is_file() {
        return Err(bad_input(
            format!("no cookies.sqlite in {}", profile_dir.display()),
            "give the Firefox profile folder (about:support > Profile Folder)",
        ));
    }
    let (guard, copy) = copy::copy_database(&db, scratch)?;
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
        &copy,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    // Older databases have no containers (`originAttributes`).
    let has_containers = conn
        .prepare("SELECT originAttributes FROM moz_cookies LIMIT 0")
        .is_ok();
    let query = if has_containers {
        "SELECT host, name, value FROM moz_cookies WHERE name IN ('li_at', 'JSESSIONID') \
         ORDER BY originAttributes != '', lastAccessed DESC"
    } else {
        "SELECT host, name, value FROM moz_cookies WHERE name IN ('li_at', 'JSESSIONID') \
         ORDER BY lastAccessed DESC"
    };
    let mut stmt = conn.prepare(query).map_err(unreadable)?;
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
    drop(guard);
    match li_at {
        Some(li_at) => Ok(Found {
            li_at,
            jsessionid,
            user_agent: user_agent(profile_dir, os),
            browser: None,
        }),
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
    fn profiles_ini_is_read_like_firefox_does() {
        let ini = "[Profile0]\nName=default\nIsRelative=1\nPath=abc.default\n\n[Profile1]\nName=dev\nIsRelative=1\nPath=xyz.dev-edition\nDefault=1\n";
        assert_eq!(
            pick_profile(ini, ""),
            Some(("xyz.dev-edition".into(), true))
        );
        let with_install =
            format!("{ini}\n[Install4F96D1932A9F858E]\nDefault=abc.default-release\nLocked=1\n");
        assert_eq!(
            pick_profile(&with_install, ""),
            Some(("abc.default-release".into(), true))
        );
        // installs.ini decides first, as it does for a current Firefox.
        let installs = "[4F96D1932A9F858E]\nDefault=abc.default\n[Install4F96D1932A9F858E]\nDefault=abc.default\n";
        assert_eq!(
            pick_profile(ini, installs),
            Some(("abc.default".into(), true))
        );
        let absolute = "[Profile0]\nIsRelative=0\nPath=/data/ff\n";
        assert_eq!(pick_profile(absolute, ""), Some(("/data/ff".into(), false)));
        assert_eq!(
            pick_profile("[General]\nStartWithLastProfile=1\n", ""),
            None
        );
        assert_eq!(
            named_profile(ini, "dev"),
            Some(("xyz.dev-edition".into(), true))
        );
        assert_eq!(named_profile(ini, "nope"), None);
    }

    #[test]
    fn the_user_agent_follows_the_installed_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("compatibility.ini"),
            "[Compatibility]\nLastVersion=153.8.0_20251111000000/20251111000000\nLastOSABI=Linux_x86_64-gcc3\n",
        )
        .unwrap();
        assert_eq!(
            user_agent(dir.path(), Os::Linux).as_deref(),
            Some("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0")
        );
        std::fs::write(
            dir.path().join("compatibility.ini"),
            "[Compatibility]\nLastVersion=x\n",
        )
        .unwrap();
        assert_eq!(user_agent(dir.path(), Os::Linux), None, "never invented");
    }
}
