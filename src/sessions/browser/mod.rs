//! Signing in from the browser the member uses: `login --from-browser NAME[:PROFILE]`, with the
//! names yt-dlp's users know. Each browser's store is read from a private copy, only `li_at` and
//! `JSESSIONID` for linkedin.com are taken, and the browser's User-Agent (from its installed
//! version) travels with the session, so LinkedIn never sees a client that contradicts the
//! browser that minted the cookies.

mod chromium;
mod copy;
pub mod crypt;
mod firefox;
mod safari;

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, Hint, Result};
use crate::sessions::cookies::Found;

/// A browser the tool can read cookies from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    Firefox,
    Chrome,
    Chromium,
    Edge,
    Brave,
    Opera,
    Vivaldi,
    Safari,
}

impl Browser {
    /// Every browser, by the name `--from-browser` takes, in the order `--from-browser` alone
    /// tries them (the most used first).
    pub const ALL: [(Browser, &'static str); 8] = [
        (Browser::Chrome, "chrome"),
        (Browser::Firefox, "firefox"),
        (Browser::Edge, "edge"),
        (Browser::Safari, "safari"),
        (Browser::Brave, "brave"),
        (Browser::Chromium, "chromium"),
        (Browser::Opera, "opera"),
        (Browser::Vivaldi, "vivaldi"),
    ];

    pub fn name(self) -> &'static str {
        Browser::ALL
            .iter()
            .find(|(b, _)| *b == self)
            .map_or("chrome", |(_, n)| n)
    }

    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(b, _)| *b)
    }

    /// The label of the keyring item (Secret Service, Keychain) that holds its key.
    fn safe_storage(self) -> &'static str {
        match self {
            Browser::Chrome => "Chrome Safe Storage",
            Browser::Chromium => "Chromium Safe Storage",
            Browser::Edge => "Microsoft Edge Safe Storage",
            Browser::Brave => "Brave Safe Storage",
            Browser::Opera => "Opera Safe Storage",
            Browser::Vivaldi => "Vivaldi Safe Storage",
            Browser::Firefox | Browser::Safari => "",
        }
    }

    /// The `application` attribute of its Secret Service item.
    fn application(self) -> &'static str {
        match self {
            Browser::Chrome => "chrome",
            Browser::Chromium => "chromium",
            Browser::Edge => "microsoft-edge",
            Browser::Brave => "brave",
            Browser::Opera => "opera",
            Browser::Vivaldi => "vivaldi",
            Browser::Firefox | Browser::Safari => "",
        }
    }
}

/// `--from-browser`'s value: a browser and, after a colon, a profile (a name, or a folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub browser: Browser,
    pub profile: Option<String>,
}

/// Parses `NAME[:PROFILE]`.
pub fn parse_choice(text: &str) -> std::result::Result<Choice, String> {
    let (name, profile) = match text.split_once(':') {
        Some((n, p)) => (n, Some(p.to_string()).filter(|p| !p.is_empty())),
        None => (text, None),
    };
    let browser = Browser::from_name(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = Browser::ALL.iter().map(|(_, n)| *n).collect();
        format!("unknown browser (known: {})", names.join(", "))
    })?;
    Ok(Choice { browser, profile })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
}

impl Os {
    pub fn this() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

/// Where browsers keep their profiles on this machine, and where copies may go.
#[derive(Clone, Debug)]
pub struct Places {
    pub os: Os,
    pub home: PathBuf,
    /// `XDG_CONFIG_HOME`, else `~/.config`.
    pub config: PathBuf,
    /// Windows' `%APPDATA%` and `%LOCALAPPDATA%`.
    pub appdata: Option<PathBuf>,
    pub local_appdata: Option<PathBuf>,
    /// The private copies' folder.
    pub scratch: PathBuf,
}

impl Places {
    #[cfg(test)]
    pub fn for_tests(home: &Path) -> Places {
        Places {
            os: Os::Linux,
            home: home.to_path_buf(),
            config: home.join(".config"),
            appdata: None,
            local_appdata: None,
            scratch: home.to_path_buf(),
        }
    }
}

/// Where a Chromium browser's key comes from: the Secret Service on Linux, the Keychain on
/// macOS. A trait, so tests can hand in their own.
pub trait KeySource {
    /// The password the browser keeps under "<Browser> Safe Storage", if there is one; an
    /// error when the keyring could not be asked.
    fn password(&self, browser: Browser) -> std::result::Result<Option<Zeroizing<String>>, String>;
}

/// The system's keyring, asked within a few seconds (a keyring that hangs is an error, not a
/// hang).
pub struct SystemKeys;

impl KeySource for SystemKeys {
    fn password(&self, browser: Browser) -> std::result::Result<Option<Zeroizing<String>>, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(system_password(browser));
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .map_err(|_| "the keyring did not answer within 10 s".to_string())?
    }
}

#[cfg(target_os = "linux")]
fn system_password(browser: Browser) -> std::result::Result<Option<Zeroizing<String>>, String> {
    use secret_service::EncryptionType;
    use secret_service::blocking::SecretService;
    let ss = SecretService::connect(EncryptionType::Dh).map_err(|e| e.to_string())?;
    let by_app = ss
        .search_items(std::collections::HashMap::from([(
            "application",
            browser.application(),
        )]))
        .map_err(|e| e.to_string())?;
    let secret_of = |item: &secret_service::blocking::Item<'_>| {
        if item.is_locked().unwrap_or(true) {
            return None;
        }
        let secret = Zeroizing::new(item.get_secret().ok()?);
        std::str::from_utf8(&secret)
            .ok()
            .map(|t| Zeroizing::new(t.to_string()))
    };
    if let Some(pw) = by_app.unlocked.iter().find_map(secret_of) {
        return Ok(Some(pw));
    }
    // Older versions label the item without the attribute.
    let collection = ss.get_default_collection().map_err(|e| e.to_string())?;
    let all = collection.get_all_items().map_err(|e| e.to_string())?;
    let found = all
        .iter()
        .filter(|i| i.get_label().is_ok_and(|l| l == browser.safe_storage()))
        .find_map(secret_of);
    if found.is_some() {
        return Ok(found);
    }
    Ok(None)
}

#[cfg(not(target_os = "linux"))]
fn system_password(browser: Browser) -> std::result::Result<Option<Zeroizing<String>>, String> {
    if !cfg!(target_os = "macos") {
        return Ok(None);
    }
    // macOS: the Keychain, through `security` (it asks the member to allow it once).
    let out = std::process::Command::new("/usr/bin/security")
        .args(["find-generic-password", "-w", "-s", browser.safe_storage()])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Ok(None);
    }
    let text = Zeroizing::new(String::from_utf8_lossy(&out.stdout).trim().to_string());
    Ok(Some(text))
}

/// Reads the session from `choice`'s browser, or, without one, from the first installed
/// browser (in [`Browser::ALL`]'s order) that holds one. The [`Found`] says which.
pub fn import(choice: Option<&Choice>, places: &Places, keys: &dyn KeySource) -> Result<Found> {
    if let Some(choice) = choice {
        return read(choice.browser, choice.profile.as_deref(), places, keys);
    }
    let mut tried: Vec<String> = Vec::new();
    for (browser, name) in Browser::ALL {
        if !installed(browser, places) {
            continue;
        }
        match read(browser, None, places, keys) {
            Ok(found) => return Ok(found),
            Err(e) => tried.push(format!(
                "{name}: {}",
                crate::text::clean_line(&e.to_string(), 160)
            )),
        }
    }
    if tried.is_empty() {
        return Err(Error::usage_with(
            "no browser profile found (looked for Chrome, Firefox, Edge, Safari, Brave, Chromium, Opera and Vivaldi)",
            Hint::NameBrowser,
        ));
    }
    Err(Error::usage_with(
        format!("no browser holds a LinkedIn session: {}", tried.join("; ")),
        Hint::SignInInBrowser,
    ))
}

/// Whether a browser's profiles are on this machine.
fn installed(browser: Browser, places: &Places) -> bool {
    match browser {
        Browser::Firefox => firefox::roots(places)
            .iter()
            .any(|r| r.join("profiles.ini").is_file()),
        Browser::Safari => {
            places.os == Os::MacOs && safari::files(places).iter().any(|f| f.is_file())
        }
        b => chromium::user_data_dir(b, places).is_some_and(|d| d.is_dir()),
    }
}

fn read(
    browser: Browser,
    profile: Option<&str>,
    places: &Places,
    keys: &dyn KeySource,
) -> Result<Found> {
    let (mut found, which) = match browser {
        Browser::Firefox => {
            let dir = firefox::profile_dir(places, profile)?;
            let found = firefox::read(&dir, &places.scratch, places.os)?;
            (found, dir.display().to_string())
        }
        Browser::Safari => {
            if places.os != Os::MacOs {
                return Err(Error::usage_with(
                    "Safari's cookies are only on macOS",
                    Hint::NameBrowser,
                ));
            }
            let found = safari::read(places, profile.map(Path::new))?;
            (found, "Safari".to_string())
        }
        b => {
            let user_data = chromium::user_data_dir(b, places).filter(|d| d.is_dir());
            let Some(user_data) = user_data else {
                return Err(Error::usage_with(
                    format!(
                        "{} has no profiles here{}",
                        b.name(),
                        chromium::user_data_dir(b, places)
                            .map(|d| format!(" (looked in {})", d.display()))
                            .unwrap_or_default()
                    ),
                    Hint::NameBrowser,
                ));
            };
            let dir = chromium::profile_dir(&user_data, b, profile)?;
            let found = chromium::read(b, &user_data, &dir, places, keys)?;
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (found, format!("profile {name}"))
        }
    };
    found.browser = Some(format!("{}, {}", browser.name(), which));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_profiles_parse() {
        assert_eq!(
            parse_choice("chrome").unwrap(),
            Choice {
                browser: Browser::Chrome,
                profile: None
            }
        );
        assert_eq!(
            parse_choice("Brave:Profile 1").unwrap().profile.as_deref(),
            Some("Profile 1")
        );
        assert_eq!(parse_choice("firefox:").unwrap().profile, None);
        assert!(
            parse_choice("netscape")
                .unwrap_err()
                .contains("chrome, firefox")
        );
    }

    struct NoKeys;
    impl KeySource for NoKeys {
        fn password(&self, _: Browser) -> std::result::Result<Option<Zeroizing<String>>, String> {
            Ok(None)
        }
    }

    #[test]
    fn without_a_browser_the_error_says_what_was_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let places = Places::for_tests(dir.path());
        let err = import(None, &places, &NoKeys).unwrap_err().to_string();
        assert!(err.contains("no browser profile found"), "{err}");
        let err = import(Some(&parse_choice("chrome").unwrap()), &places, &NoKeys)
            .unwrap_err()
            .to_string();
        assert!(err.contains("chrome has no profiles here"), "{err}");
    }
}
