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

/// Whether a cookie of this host goes to `www.linkedin.com`.
pub(crate) fn sent_to_www(host: &str) -> bool {
    matches!(
        host.trim().to_ascii_lowercase().as_str(),
        ".linkedin.com" | "linkedin.com" | "www.linkedin.com" | ".www.linkedin.com"
    )
}

/// The most of an ini file read: Firefox's are a few hundred bytes.
const INI_MAX: u64 = 1024 * 1024;

/// The profile folder: `profile` as a folder, or a profile's name in `profiles.ini`, or the
/// default profile.
pub fn profile_dir(places: &Places, profile: Option<&str>) -> Result<PathBuf> {
    // A folder when it looks like one (absolute, or with a separator); a bare word is a
    // profile's name first, so a folder of that name where the tool runs never wins over it.
    if let Some(p) = profile {
        let path = PathBuf::from(p);
        let looks_like_a_path =
            path.is_absolute() || p.contains(std::path::MAIN_SEPARATOR) || p.contains('/');
        if looks_like_a_path && path.is_dir() {
            return Ok(path);
        }
    }
    for root in roots(places) {
        let Ok(ini) = crate::fsx::read_text_capped(&root.join("profiles.ini"), INI_MAX) else {
            continue;
        };
        let installs =
            crate::fsx::read_text_capped(&root.join("installs.ini"), INI_MAX).unwrap_or_default();
        let picked = match profile {
            Some(name) => named_profile(&ini, name),
            None => pick_profile(&ini, &installs),
        };
        if let Some((dir, relative)) = picked {
            // A relative path that climbs out of Firefox's folder is not a profile of it.
            if relative
                && Path::new(&dir)
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                continue;
            }
            return Ok(if relative {
                root.join(dir)
            } else {
                PathBuf::from(dir)
            });
        }
    }
    // A folder named without a separator (`--from-firefox DIR`) when no profile has that name.
    if let Some(p) = profile
        && Path::new(p).is_dir()
    {
        return Ok(PathBuf::from(p));
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
    let ini = crate::fsx::read_text_capped(&profile_dir.join("compatibility.ini"), INI_MAX).ok()?;
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
    // The table, not a view of the same name (a view can be made to never end).
    let is_table: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'moz_cookies'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n == 1)
        .map_err(unreadable)?;
    if !is_table {
        return Err(bad_input(
            format!("{} has no moz_cookies table", db.display()),
            "check that the folder is a Firefox profile, and that the file is not damaged",
        ));
    }
    // Older databases have no containers (`originAttributes`).
    let has_containers = conn
        .prepare("SELECT originAttributes FROM moz_cookies LIMIT 0")
        .is_ok();
    let origin = if has_containers {
        "CASE WHEN typeof(originAttributes) = 'text' THEN originAttributes ELSE '' END"
    } else {
        "''"
    };
    // Only text values of a cookie's size; other sites' odd rows are never looked at.
    let query = format!(
        "SELECT host, name, value, {origin} FROM moz_cookies \
         WHERE name IN ('li_at', 'JSESSIONID') AND typeof(host) = 'text' \
           AND typeof(value) = 'text' AND length(value) <= 8192 \
         ORDER BY {origin} != '', lastAccessed DESC"
    );
    let mut stmt = conn.prepare(&query).map_err(unreadable)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                Zeroizing::new(r.get::<_, String>(2)?),
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(unreadable)?;
    let mut found = Vec::new();
    for row in rows {
        let row = row.map_err(unreadable)?;
        if is_linkedin(&row.0) {
            found.push(row);
        }
    }
    // The session first (the default container before others, then the last used); then the
    // JSESSIONID of the same container, the one www.linkedin.com is sent first.
    let li_at = found.iter().find(|r| r.1 == "li_at");
    let jsessionid = li_at.and_then(|session| {
        found
            .iter()
            .filter(|r| r.1 == "JSESSIONID" && r.3 == session.3)
            .min_by_key(|r| !sent_to_www(&r.0))
            .map(|r| r.2.trim_matches('"').to_string())
    });
    let li_at = li_at.map(|r| Secret::new(r.2.as_str()));
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
