//! The Chromium family (Chrome, Chromium, Edge, Brave, Opera, Vivaldi): the user-data folder of
//! each, the profile it last used (`Local State`), the `Cookies` database read from a private
//! copy, its values decrypted ([`super::crypt`]) with the key the browser keeps (the fixed `v10`
//! key or the Secret Service's `v11` one on Linux, the Keychain's on macOS), and the User-Agent
//! its installed version sends (`Last Version`). Windows' keys (DPAPI, and the app-bound `v20`
//! Chrome uses since version 127) are not read.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::crypt::{self, Keys, Undecryptable};
use super::{Browser, KeySource, Os, Places, copy};
use crate::error::{Error, Hint, Result};
use crate::secret::Secret;
use crate::sessions::cookies::{Found, bad_input, bad_input_with, is_linkedin};

/// Where a browser keeps its profiles.
pub fn user_data_dir(browser: Browser, places: &Places) -> Option<PathBuf> {
    let rel = match (places.os, browser) {
        (Os::Linux, Browser::Chrome) => "google-chrome",
        (Os::Linux, Browser::Chromium) => "chromium",
        (Os::Linux, Browser::Edge) => "microsoft-edge",
        (Os::Linux, Browser::Brave) => "BraveSoftware/Brave-Browser",
        (Os::Linux, Browser::Opera) => "opera",
        (Os::Linux, Browser::Vivaldi) => "vivaldi",
        (Os::MacOs, Browser::Chrome) => "Google/Chrome",
        (Os::MacOs, Browser::Chromium) => "Chromium",
        (Os::MacOs, Browser::Edge) => "Microsoft Edge",
        (Os::MacOs, Browser::Brave) => "BraveSoftware/Brave-Browser",
        (Os::MacOs, Browser::Opera) => "com.operasoftware.Opera",
        (Os::MacOs, Browser::Vivaldi) => "Vivaldi",
        (Os::Windows, Browser::Chrome) => "Google/Chrome/User Data",
        (Os::Windows, Browser::Chromium) => "Chromium/User Data",
        (Os::Windows, Browser::Edge) => "Microsoft/Edge/User Data",
        (Os::Windows, Browser::Brave) => "BraveSoftware/Brave-Browser/User Data",
        (Os::Windows, Browser::Opera) => "Opera Software/Opera Stable",
        (Os::Windows, Browser::Vivaldi) => "Vivaldi/User Data",
        (_, Browser::Firefox | Browser::Safari) => return None,
    };
    Some(match places.os {
        Os::Linux => places.config.join(rel),
        Os::MacOs => places.home.join("Library/Application Support").join(rel),
        Os::Windows => places.local_appdata.as_ref()?.join(rel),
    })
}

/// The profile folder: the one named, else the one `Local State` says was used last, else
/// `Default`. Opera keeps its one profile in the user-data folder itself.
pub fn profile_dir(user_data: &Path, browser: Browser, profile: Option<&str>) -> Result<PathBuf> {
    if let Some(name) = profile {
        if name.contains("..") || name.contains('/') && !Path::new(name).is_absolute() {
            return Err(Error::usage(
                format!("{name:?} is not a profile name"),
                Some("give the profile folder's name, as in `chrome:Profile 1`".to_string()),
            ));
        }
        let dir = user_data.join(name);
        if dir.is_dir() {
            return Ok(dir);
        }
        let known = profiles(user_data);
        return Err(Error::usage(
            format!("{} has no profile {name:?}", browser.name()),
            Some(if known.is_empty() {
                format!("its profiles are folders of {}", user_data.display())
            } else {
                format!("its profiles: {}", known.join(", "))
            }),
        ));
    }
    if browser == Browser::Opera {
        return Ok(user_data.to_path_buf());
    }
    let last_used = crate::fsx::read_text_capped(&user_data.join("Local State"), 8 * 1024 * 1024)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| {
            v.get("profile")?
                .get("last_used")?
                .as_str()
                .filter(|p| !p.is_empty() && !p.contains(['/', '\\']) && *p != "..")
                .map(str::to_string)
        });
    let dir = user_data.join(last_used.as_deref().unwrap_or("Default"));
    Ok(dir)
}

/// The profile folders of a user-data folder (those with a `Preferences` file).
fn profiles(user_data: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(user_data)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("Preferences").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// The cookie database of a profile: `Network/Cookies` in current versions, `Cookies` before.
pub fn cookie_db(profile_dir: &Path) -> Option<PathBuf> {
    [
        profile_dir.join("Network/Cookies"),
        profile_dir.join("Cookies"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// The User-Agent the installed browser sends (its `Last Version`, as Chrome's reduced
/// User-Agent gives it: the major version, then `.0.0.0`). Opera's version is not Chromium's,
/// so it has none.
pub fn user_agent(browser: Browser, user_data: &Path, os: Os) -> Option<String> {
    if browser == Browser::Opera {
        return None;
    }
    let version = crate::fsx::read_text_capped(&user_data.join("Last Version"), 256).ok()?;
    let major: u32 = version.trim().split('.').next()?.parse().ok()?;
    if !(70..1000).contains(&major) {
        return None;
    }
    let platform = match os {
        Os::Linux => "X11; Linux x86_64",
        Os::MacOs => "Macintosh; Intel Mac OS X 10_15_7",
        Os::Windows => "Windows NT 10.0; Win64; x64",
    };
    let edge = if browser == Browser::Edge {
        format!(" Edg/{major}.0.0.0")
    } else {
        String::new()
    };
    Some(format!(
        "Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36{edge}"
    ))
}

/// Reads `li_at` and `JSESSIONID` for linkedin.com from a profile's cookie database, from a
/// private copy, decrypting the values with the browser's key.
pub fn read(
    browser: Browser,
    user_data: &Path,
    profile_dir: &Path,
    places: &Places,
    keys: &dyn KeySource,
) -> Result<Found> {
    if places.os == Os::Windows {
        return Err(Error::usage_with(
            format!(
                "{} on Windows keeps its cookies under DPAPI and, since version 127, app-bound encryption (v20), which only the browser's elevated service can undo; the tool does not read them",
                browser.name()
            ),
            Hint::FirefoxOrCookiesFile,
        ));
    }
    let Some(db) = cookie_db(profile_dir) else {
        return Err(bad_input(
            format!("no cookie database in {}", profile_dir.display()),
            "give the profile's name as NAME:PROFILE (e.g. chrome:\"Profile 1\"), or sign in to LinkedIn in that browser first",
        ));
    };
    let (guard, copy) = copy::copy_database(&db, &places.scratch)?;
    let unreadable = |e: rusqlite::Error| {
        bad_input(
            format!(
                "cannot read {} as a {} cookie database: {e}",
                db.display(),
                browser.name()
            ),
            "check that the folder is the browser's profile, and that the file is not damaged",
        )
    };
    let conn = rusqlite::Connection::open_with_flags(
        &copy,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    // Since version 24 each value starts with the SHA-256 of its host.
    let version: i64 = conn
        .query_row("SELECT value FROM meta WHERE key = 'version'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let hashed = version >= 24;
    // The table, not a view of the same name (a view can be made to never end).
    let is_table = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cookies'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(unreadable)?
        == 1;
    if !is_table {
        return Err(bad_input(
            format!("{} has no cookies table", db.display()),
            "check that the folder is the browser's profile, and that the file is not damaged",
        ));
    }
    // Only values of a cookie's size and type (other sites' odd rows are never looked at);
    // the cookies sent to www.linkedin.com before those of other LinkedIn hosts, then the last
    // used.
    let mut stmt = conn
        .prepare(
            "SELECT host_key, name, value, \
                CASE WHEN typeof(encrypted_value) = 'blob' THEN encrypted_value ELSE X'' END \
             FROM cookies \
             WHERE name IN ('li_at', 'JSESSIONID') AND typeof(host_key) = 'text' \
               AND typeof(value) = 'text' AND length(value) <= 8192 \
               AND length(encrypted_value) <= 16384 \
             ORDER BY lower(host_key) NOT IN ('.linkedin.com', 'linkedin.com', 'www.linkedin.com', '.www.linkedin.com'), \
               last_access_utc DESC",
        )
        .map_err(unreadable)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                Zeroizing::new(r.get::<_, String>(2)?),
                Zeroizing::new(r.get::<_, Vec<u8>>(3)?),
            ))
        })
        .map_err(unreadable)?;
    let v10 = match places.os {
        // macOS encrypts `v10` with the Keychain's key.
        Os::MacOs => crypt::key(
            keys.password(browser)
                .map_err(|why| keyring_error(browser, &why))?
                .ok_or_else(|| keyring_error(browser, "no Safe Storage item"))?
                .as_bytes(),
            crypt::MACOS_ROUNDS,
        ),
        _ => crypt::key(crypt::V10_PASSWORD, crypt::LINUX_ROUNDS),
    };
    let mut found_keys = Keys { v10, v11: None };
    let mut asked = false;
    let mut li_at = None;
    let mut jsessionid = None;
    for row in rows {
        let (host, name, value, encrypted) = row.map_err(unreadable)?;
        if !is_linkedin(&host) {
            continue;
        }
        let wanted = match name.as_str() {
            "li_at" => li_at.is_none(),
            "JSESSIONID" => jsessionid.is_none(),
            _ => false,
        };
        if !wanted {
            continue;
        }
        let plain: Zeroizing<Vec<u8>> = if !value.is_empty() {
            Zeroizing::new(value.as_bytes().to_vec())
        } else {
            // The Secret Service is asked once, and only when a value needs it.
            if encrypted.starts_with(b"v11") && !asked && places.os == Os::Linux {
                asked = true;
                if let Ok(Some(pw)) = keys.password(browser) {
                    found_keys.v11 = Some(crypt::key(pw.as_bytes(), crypt::LINUX_ROUNDS));
                }
            }
            crypt::decrypt(&encrypted, &found_keys, &host, hashed)
                .map_err(|why| undecryptable(browser, &why))?
        };
        let text = String::from_utf8(plain.to_vec())
            .map_err(|_| undecryptable(browser, &Undecryptable::WrongKey))?;
        let text = Zeroizing::new(text);
        match name.as_str() {
            "li_at" => li_at = Some(Secret::new(text.as_str())),
            _ => jsessionid = Some(text.trim_matches('"').to_string()),
        }
    }
    drop(stmt);
    drop(conn);
    drop(guard);
    match li_at {
        Some(li_at) => Ok(Found {
            li_at,
            jsessionid,
            user_agent: user_agent(browser, user_data, places.os),
            browser: None,
        }),
        None => Err(bad_input(
            format!(
                "the {} profile {} has no li_at cookie for linkedin.com",
                browser.name(),
                profile_dir.display()
            ),
            "sign in to LinkedIn in that browser profile first",
        )),
    }
}

fn keyring_error(browser: Browser, why: &str) -> Error {
    Error::usage_with(
        format!(
            "cannot read the key {} keeps in the system keyring: {}",
            browser.name(),
            crate::text::clean_line(why, 200)
        ),
        Hint::UnlockKeyring,
    )
}

fn undecryptable(browser: Browser, why: &Undecryptable) -> Error {
    let (what, hint) = match why {
        Undecryptable::NeedsKeyring => (
            format!(
                "{}'s LinkedIn cookie is encrypted with a key the browser keeps in the Secret Service (or KWallet), and that key could not be read",
                browser.name()
            ),
            Hint::UnlockKeyring,
        ),
        Undecryptable::AppBound => (
            format!(
                "{}'s LinkedIn cookie uses Windows' app-bound encryption (v20), which only the browser's elevated service can undo",
                browser.name()
            ),
            Hint::FirefoxOrCookiesFile,
        ),
        Undecryptable::UnknownVersion => (
            format!(
                "{}'s LinkedIn cookie is encrypted in a way this version does not know",
                browser.name()
            ),
            Hint::CookiesFile,
        ),
        Undecryptable::WrongKey => (
            format!(
                "{}'s LinkedIn cookie could not be decrypted with the key found (the keyring may hold another browser's, or the file is damaged)",
                browser.name()
            ),
            Hint::CookiesFile,
        ),
    };
    bad_input_with(what, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_follows_last_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Last Version"), "156.0.8078.114\n").unwrap();
        assert_eq!(
            user_agent(Browser::Chromium, dir.path(), Os::Linux).as_deref(),
            Some(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
            )
        );
        assert!(
            user_agent(Browser::Edge, dir.path(), Os::Windows)
                .unwrap()
                .ends_with(" Edg/156.0.0.0")
        );
        assert_eq!(user_agent(Browser::Opera, dir.path(), Os::Linux), None);
        std::fs::write(dir.path().join("Last Version"), "garbage").unwrap();
        assert_eq!(
            user_agent(Browser::Chrome, dir.path(), Os::Linux),
            None,
            "never invented"
        );
    }

    #[test]
    fn the_profile_is_the_one_last_used_or_named() {
        let dir = tempfile::tempdir().unwrap();
        let ud = dir.path();
        std::fs::create_dir(ud.join("Profile 1")).unwrap();
        std::fs::write(ud.join("Profile 1/Preferences"), "{}").unwrap();
        assert_eq!(
            profile_dir(ud, Browser::Chrome, None).unwrap(),
            ud.join("Default")
        );
        std::fs::write(
            ud.join("Local State"),
            r#"{"profile":{"last_used":"Profile 1"}}"#,
        )
        .unwrap();
        assert_eq!(
            profile_dir(ud, Browser::Chrome, None).unwrap(),
            ud.join("Profile 1")
        );
        // A hostile Local State cannot point outside.
        std::fs::write(
            ud.join("Local State"),
            r#"{"profile":{"last_used":"../../etc"}}"#,
        )
        .unwrap();
        assert_eq!(
            profile_dir(ud, Browser::Chrome, None).unwrap(),
            ud.join("Default")
        );
        let err = profile_dir(ud, Browser::Chrome, Some("Work")).unwrap_err();
        assert!(err.hint().unwrap().as_text().contains("Profile 1"), "{err}");
        assert!(profile_dir(ud, Browser::Chrome, Some("../x")).is_err());
        assert_eq!(profile_dir(ud, Browser::Opera, None).unwrap(), ud);
    }
}
