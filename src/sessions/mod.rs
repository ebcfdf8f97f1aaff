//! Where sessions are kept between runs, as one enum: the OS keyring (the default), or a 0600
//! file the user asked for with `--insecure-storage`. The environment (`LINKEDIN_LI_AT`) wins
//! over both and is never written anywhere; that is decided by the command layer's settings.
//!
//! The keyring cannot list its items, so the profile names sit beside it in a small index file
//! in the config directory that holds no secret. Every change to the index or the file holds a
//! lock, and every keyring call is bounded in time.

pub mod accounts;
pub mod browser;
pub mod cookies;
mod file;
mod index;
mod keyring;
mod lock;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Hint, Result};
use crate::secret::Secret;

pub use file::FileStore;
pub use keyring::{KeyringStore, KeyringUse};

/// Where the session a run acts with came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionSource {
    /// `LINKEDIN_LI_AT`: wins over every store, never written.
    Environment,
    Keyring,
    File,
    /// A sandbox account's token.
    Sandbox,
}

impl SessionSource {
    /// As JSON shows it (`status`'s `store`).
    pub fn as_str(self) -> &'static str {
        match self {
            SessionSource::Environment => "env",
            SessionSource::Keyring => "keyring",
            SessionSource::File => "file",
            SessionSource::Sandbox => "sandbox",
        }
    }
}

/// The keyring service name; the account is the profile name.
pub const SERVICE: &str = "linkedin-privacy";
pub const DEFAULT_PROFILE: &str = "default";

/// A validated session, as stored.
#[derive(Clone, Debug)]
pub struct StoredSession {
    pub li_at: Secret,
    pub jsessionid: Option<String>,
    pub name: String,
    pub public_id: Option<String>,
    pub stored_at: String,
    /// The origin the session was signed in at; it is never sent anywhere else.
    pub origin: String,
    /// The User-Agent every request of the session sends (the browser's it came from, or the
    /// one given at sign-in); `None`: the tool's own. Not a secret.
    pub user_agent: Option<String>,
    /// Where it came from, in words (`chromium, profile Default`; `pasted`).
    pub source: Option<String>,
    /// When a reply of LinkedIn revoked it (`li_at` set to `delete me`): it is never used
    /// again, until a new sign-in replaces it.
    pub revoked_at: Option<String>,
}

/// The stored form. Only [`StoredSession::to_json`] and [`StoredSession::from_json`] see it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    li_at: String,
    jsessionid: Option<String>,
    name: String,
    public_id: Option<String>,
    stored_at: String,
    /// Records written before origins were kept were all signed in at LinkedIn's own origin.
    #[serde(default = "linkedin_origin")]
    origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoked_at: Option<String>,
}

fn linkedin_origin() -> String {
    crate::linkedin::LINKEDIN.to_string()
}

impl Drop for Record {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.li_at);
    }
}

impl StoredSession {
    fn to_record(&self) -> Record {
        Record {
            li_at: self.li_at.expose().to_string(),
            jsessionid: self.jsessionid.clone(),
            name: self.name.clone(),
            public_id: self.public_id.clone(),
            stored_at: self.stored_at.clone(),
            origin: self.origin.clone(),
            user_agent: self.user_agent.clone(),
            source: self.source.clone(),
            revoked_at: self.revoked_at.clone(),
        }
    }

    fn from_record(mut r: Record) -> StoredSession {
        StoredSession {
            li_at: Secret::new(std::mem::take(&mut r.li_at)),
            jsessionid: r.jsessionid.take(),
            name: std::mem::take(&mut r.name),
            public_id: r.public_id.take(),
            stored_at: std::mem::take(&mut r.stored_at),
            origin: std::mem::take(&mut r.origin),
            user_agent: r.user_agent.take(),
            source: r.source.take(),
            revoked_at: r.revoked_at.take(),
        }
    }

    pub fn to_json(&self) -> Secret {
        Secret::new(serde_json::to_string(&self.to_record()).expect("a record serializes"))
    }

    pub fn from_json(text: &str) -> Option<StoredSession> {
        serde_json::from_str(text)
            .ok()
            .map(StoredSession::from_record)
    }
}

/// Checks a profile name: it names a keyring item and a key in files.
pub fn check_profile(name: &str) -> Result<()> {
    // A letter or digit first: a name like `-rf` or `..` would read as a flag or a folder.
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(
            format!("invalid profile name {name:?}"),
            Some(
                "use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
                    .to_string(),
            ),
        ))
    }
}

/// The tool's config directory: `$XDG_CONFIG_HOME/linkedin-privacy`, else
/// `~/.config/linkedin-privacy`.
pub fn config_dir(xdg_config_home: Option<&Path>, home: Option<&Path>) -> Result<PathBuf> {
    // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says; HOME has no fallback, so a
    // relative one is an error rather than a folder that moves with the working directory.
    match (xdg_config_home.filter(|p| p.is_absolute()), home) {
        (Some(xdg), _) => Ok(xdg.join("linkedin-privacy")),
        (None, Some(home)) if home.is_absolute() => {
            Ok(home.join(".config").join("linkedin-privacy"))
        }
        (None, Some(home)) => Err(Error::Store {
            message: format!(
                "HOME is a relative path ({}); the config directory must be absolute",
                crate::text::clean_line(&home.display().to_string(), 100)
            ),
            hint: Some(Hint::text(
                "set HOME (or XDG_CONFIG_HOME) to an absolute path",
            )),
        }),
        (None, None) => Err(Error::Store {
            message: "cannot find a config directory: neither XDG_CONFIG_HOME nor HOME is set"
                .to_string(),
            hint: Some(Hint::text("set HOME, or use LINKEDIN_LI_AT for this shell")),
        }),
    }
}

/// The stores sessions can live in.
pub enum Store {
    Keyring(KeyringStore),
    File(FileStore),
}

impl Store {
    pub fn load(&self, profile: &str) -> Result<Option<StoredSession>> {
        match self {
            Store::Keyring(k) => k.load(profile),
            Store::File(f) => f.load(profile),
        }
    }

    /// Stores the session; the previous one of this profile is replaced only once the new one
    /// is safely written.
    pub fn save(&self, profile: &str, session: &StoredSession) -> Result<()> {
        match self {
            Store::Keyring(k) => k.save(profile, session),
            Store::File(f) => f.save(profile, session),
        }
    }

    /// Keeps a secret that is not a session (a webhook address with its credentials) where the
    /// sessions are: the keyring, or a 0600 file of its own beside the sessions file.
    pub fn save_secret(&self, name: &str, value: &Secret) -> Result<()> {
        match self {
            Store::Keyring(k) => k
                .secret(
                    name,
                    keyring::SecretOp::Set(zeroize::Zeroizing::new(value.expose().to_string())),
                )
                .map(|_| ()),
            Store::File(f) => f.save_secret(name, value),
        }
    }

    pub fn load_secret(&self, name: &str) -> Result<Option<Secret>> {
        match self {
            Store::Keyring(k) => Ok(k
                .secret(name, keyring::SecretOp::Get)?
                .map(|v| Secret::new(v.as_str()))),
            Store::File(f) => f.load_secret(name),
        }
    }

    pub fn delete_secret(&self, name: &str) -> Result<()> {
        match self {
            Store::Keyring(k) => k.secret(name, keyring::SecretOp::Delete).map(|_| ()),
            Store::File(f) => f.delete_secret(name),
        }
    }

    /// Forgets a profile; `false` when there was nothing to forget.
    pub fn delete(&self, profile: &str) -> Result<bool> {
        match self {
            Store::Keyring(k) => k.delete(profile),
            Store::File(f) => f.delete(profile),
        }
    }

    /// Every profile name known on this machine, from the keyring's index and the
    /// `--insecure-storage` file, without touching the keyring (for completions).
    pub fn known_profiles(config_dir: &Path) -> Vec<String> {
        let mut names = index::Index::new(config_dir).read().unwrap_or_default();
        if let Ok(file) = FileStore::new(config_dir).read() {
            names.extend(file.into_keys());
        }
        // Only names this version accepts: a hand-edited index could hold `*` or `$(…)`, which
        // a shell completing them would expand.
        names.retain(|n| check_profile(n).is_ok());
        names.sort();
        names.dedup();
        names
    }

    /// Whether sessions can be kept here: the keyring answers (the file needs nothing). Asked
    /// before anything is asked of the person, so nobody pastes a token into a store that is
    /// not there.
    pub fn check(&self) -> Result<()> {
        match self {
            Store::Keyring(k) => k.check(),
            Store::File(_) => Ok(()),
        }
    }

    pub fn profiles(&self) -> Result<Vec<String>> {
        match self {
            Store::Keyring(k) => k.profiles(),
            Store::File(f) => Ok(f.read()?.into_keys().collect()),
        }
    }

    /// Forgets every session this store holds, going on past failures: the keyring's items
    /// whether or not the index lists them, the file's entries whatever their names.
    pub fn forget_all(&self) -> Result<Forgotten> {
        match self {
            Store::Keyring(k) => k.forget_all(),
            Store::File(f) => f.forget_all(),
        }
    }

    /// Which source this store is.
    pub fn source(&self) -> SessionSource {
        match self {
            Store::Keyring(_) => SessionSource::Keyring,
            Store::File(_) => SessionSource::File,
        }
    }

    /// Where, for people.
    pub fn location(&self) -> String {
        match self {
            Store::Keyring(_) => format!("the OS keyring (service {SERVICE:?})"),
            Store::File(f) => f.path.display().to_string(),
        }
    }
}

/// What [`Store::forget_all`] did.
#[derive(Debug, Default)]
pub struct Forgotten {
    pub forgotten: Vec<String>,
    /// Profiles that could not be forgotten, with why.
    pub failed: Vec<(String, Error)>,
    /// Something short of a failure the person should know (the keyring could not be searched).
    pub warning: Option<String>,
    /// Whether something may be left that could not even be looked for (exit 4).
    pub incomplete: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: std::time::Duration = std::time::Duration::from_secs(5);
    use keyring_core::api::CredentialStoreApi;
    use std::fs;
    use std::sync::Arc;

    fn session(token: &str) -> StoredSession {
        StoredSession {
            li_at: Secret::new(token),
            jsessionid: Some("ajax:1".into()),
            name: "Ada Lovelace".into(),
            public_id: Some("ada-lovelace".into()),
            stored_at: "2026-11-29T00:00:00Z".into(),
            origin: "https://www.linkedin.com".into(),
            user_agent: None,
            source: None,
            revoked_at: None,
        }
    }

    /// Makes the mock keyring's next call on `profile` fail with `err`.
    fn fail_next(backend: &keyring_core::mock::Store, profile: &str, err: keyring_core::Error) {
        let entry = backend.build(SERVICE, profile, None).unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    fn mock() -> (
        KeyringStore,
        Arc<keyring_core::mock::Store>,
        tempfile::TempDir,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let backend = keyring_core::mock::Store::new().unwrap();
        let store = KeyringStore::with_backend(backend.clone(), dir.path(), LIMIT);
        (store, backend, dir)
    }

    #[test]
    fn keyring_round_trip_with_the_mock_store() {
        let (k, backend, dir) = mock();
        let store = Store::Keyring(k);
        assert!(store.load("default").unwrap().is_none());
        store.save("default", &session("tok-a")).unwrap();
        store.save("work", &session("tok-b")).unwrap();
        let back = store.load("default").unwrap().unwrap();
        assert_eq!(back.li_at.expose(), "tok-a");
        assert_eq!(back.name, "Ada Lovelace");
        assert_eq!(store.profiles().unwrap(), ["default", "work"]);
        // The item sits under service linkedin-privacy, account = profile.
        let raw = backend
            .build(SERVICE, "work", None)
            .unwrap()
            .get_password()
            .unwrap();
        assert!(raw.contains("tok-b"));
        // The index beside the keyring holds names only.
        let index = fs::read_to_string(dir.path().join("profiles.json")).unwrap();
        assert!(index.contains("work") && !index.contains("tok-"));
        assert!(store.delete("work").unwrap());
        assert!(!store.delete("work").unwrap());
        assert!(store.load("work").unwrap().is_none());
        assert_eq!(store.profiles().unwrap(), ["default"]);
    }

    #[test]
    fn locked_or_failing_keyring_names_the_alternatives() {
        let (k, backend, _dir) = mock();
        k.save("default", &session("tok")).unwrap();
        fail_next(
            &backend,
            "default",
            keyring_core::Error::NoStorageAccess("collection is locked".into()),
        );
        let err = k.load("default").unwrap_err();
        assert_eq!(err.kind().as_str(), "store");
        assert!(err.to_string().contains("locked"), "{err}");
        assert_eq!(
            err.hint(),
            Some(Hint::NoKeyring),
            "the alternatives are named"
        );
        let words = crate::output::Words::default().hint(&Hint::NoKeyring);
        assert!(words.contains("--insecure-storage") && words.contains("LINKEDIN_LI_AT"));
        // The error was one-off: the next call works again, and nothing was lost.
        assert_eq!(k.load("default").unwrap().unwrap().li_at.expose(), "tok");
    }

    #[test]
    fn damaged_items_never_print_their_bytes() {
        let (k, backend, _dir) = mock();
        k.save("default", &session("tok")).unwrap();
        fail_next(
            &backend,
            "default",
            keyring_core::Error::BadEncoding(b"CANARYBYTES".to_vec()),
        );
        let entry = backend.build(SERVICE, "default", None).unwrap();
        let err = k.load("default").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("CANARYBYTES"));
        entry.set_password("not json CANARYBYTES").unwrap();
        let err = k.load("default").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("CANARYBYTES"));
    }

    #[test]
    fn a_failed_save_keeps_the_previous_session() {
        let (k, backend, _dir) = mock();
        k.save("default", &session("old")).unwrap();
        fail_next(
            &backend,
            "default",
            keyring_core::Error::PlatformFailure("bus gone".into()),
        );
        assert!(k.save("default", &session("new")).is_err());
        assert_eq!(k.load("default").unwrap().unwrap().li_at.expose(), "old");
    }

    #[cfg(unix)]
    #[test]
    fn file_store_is_0600_and_refuses_wider_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::File(FileStore::new(dir.path()));
        store.save("default", &session("tok")).unwrap();
        let path = dir.path().join("sessions.json");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            store.load("default").unwrap().unwrap().li_at.expose(),
            "tok"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.load("default").unwrap_err();
        assert!(err.to_string().contains("mode 644"), "{err}");
        assert!(err.hint().unwrap().as_text().contains("chmod 600"));
        // Nothing was changed by the refusal.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(store.load("default").unwrap().is_some());
        // No temporary files are left behind (the lock file stays, empty).
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        names.sort();
        assert_eq!(names, [".lock", "sessions.json"]);
    }

    #[test]
    fn concurrent_saves_lose_no_session() {
        let dir = tempfile::tempdir().unwrap();
        let backend = keyring_core::mock::Store::new().unwrap();
        std::thread::scope(|scope| {
            for i in 0..16 {
                let (dir, backend) = (dir.path(), backend.clone());
                scope.spawn(move || {
                    let name = format!("p{i}");
                    Store::File(FileStore::new(dir))
                        .save(&name, &session(&format!("tok-{i}")))
                        .unwrap();
                    Store::Keyring(KeyringStore::with_backend(backend, dir, LIMIT))
                        .save(&name, &session(&format!("tok-{i}")))
                        .unwrap();
                });
            }
        });
        let file = Store::File(FileStore::new(dir.path()));
        let keyring = Store::Keyring(KeyringStore::with_backend(backend, dir.path(), LIMIT));
        assert_eq!(file.profiles().unwrap().len(), 16);
        assert_eq!(keyring.profiles().unwrap().len(), 16);
        for i in 0..16 {
            let name = format!("p{i}");
            assert_eq!(
                file.load(&name).unwrap().unwrap().li_at.expose(),
                format!("tok-{i}")
            );
        }
    }

    #[test]
    fn a_failed_index_write_takes_the_keyring_item_back() {
        let (k, backend, dir) = mock();
        k.save("default", &session("old")).unwrap();
        // The index cannot be replaced: a directory stands where its temporary file would go.
        let index = dir.path().join("profiles.json");
        fs::remove_file(&index).unwrap();
        fs::create_dir(&index).unwrap();
        assert!(k.save("work", &session("new")).is_err());
        let item = backend.build(SERVICE, "work", None).unwrap();
        assert!(
            matches!(item.get_password(), Err(keyring_core::Error::NoEntry)),
            "no orphaned token"
        );
        // An item the index does not list keeps its old token when the index write fails.
        backend
            .build(SERVICE, "stray", None)
            .unwrap()
            .set_password(session("old").to_json().expose())
            .unwrap();
        assert!(k.save("stray", &session("newer")).is_err());
        let raw = backend
            .build(SERVICE, "stray", None)
            .unwrap()
            .get_password()
            .unwrap();
        assert!(raw.contains("\"old\""), "restored, not lost");
    }

    #[test]
    fn forget_all_finds_items_the_index_forgot_and_goes_on_past_bad_names() {
        let (k, backend, dir) = mock();
        k.save("default", &session("a")).unwrap();
        // An orphan: in the keyring, not in the index.
        backend
            .build(SERVICE, "orphan", None)
            .unwrap()
            .set_password(session("b").to_json().expose())
            .unwrap();
        let out = Store::Keyring(k).forget_all().unwrap();
        let mut names = out.forgotten.clone();
        names.sort();
        assert_eq!(names, ["default", "orphan"]);
        assert!(out.failed.is_empty());
        for name in ["default", "orphan"] {
            let item = backend.build(SERVICE, name, None).unwrap();
            assert!(matches!(
                item.get_password(),
                Err(keyring_core::Error::NoEntry)
            ));
        }

        let file = FileStore::new(dir.path());
        let store = Store::File(FileStore::new(dir.path()));
        store.save("a", &session("x")).unwrap();
        // A hand-edited file with a key this version would refuse.
        let text = fs::read_to_string(&file.path)
            .unwrap()
            .replace("\"a\"", "\"../bad\"");
        fs::write(&file.path, text).unwrap();
        store.save("z", &session("y")).unwrap();
        let out = store.forget_all().unwrap();
        assert_eq!(out.forgotten, ["../bad", "z"]);
        assert!(store.profiles().unwrap().is_empty());
    }

    /// A keyring that never answers (a hung Secret Service).
    #[derive(Debug)]
    struct Hung;

    impl CredentialStoreApi for Hung {
        fn vendor(&self) -> String {
            "hung".into()
        }
        fn id(&self) -> String {
            "hung".into()
        }
        fn build(
            &self,
            _service: &str,
            _user: &str,
            _modifiers: Option<&std::collections::HashMap<&str, &str>>,
        ) -> keyring_core::Result<keyring_core::Entry> {
            std::thread::sleep(std::time::Duration::from_secs(3600));
            Err(keyring_core::Error::NoEntry)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[test]
    fn a_hung_keyring_is_a_clear_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let limit = std::time::Duration::from_millis(300);
        let k = KeyringStore::with_backend(Arc::new(Hung), dir.path(), limit);
        let started = std::time::Instant::now();
        let err = k.save("default", &session("t")).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(err.kind().as_str(), "store");
        assert!(err.to_string().contains("did not answer within"), "{err}");
        // Nothing was half-written: the index does not list the profile.
        assert!(Store::Keyring(k).profiles().unwrap().is_empty());
    }

    #[test]
    fn forget_all_survives_a_damaged_index() {
        let (k, backend, dir) = mock();
        k.save("default", &session("a")).unwrap();
        fs::write(dir.path().join("profiles.json"), "{ damaged").unwrap();
        let out = Store::Keyring(k).forget_all().unwrap();
        assert_eq!(out.forgotten, ["default"]);
        assert!(out.warning.unwrap().contains("damaged"));
        let item = backend.build(SERVICE, "default", None).unwrap();
        assert!(matches!(
            item.get_password(),
            Err(keyring_core::Error::NoEntry)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_config_directory_is_never_chmod_ed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("cfg");
        fs::create_dir(&cfg).unwrap();
        fs::set_permissions(&cfg, fs::Permissions::from_mode(0o500)).unwrap();
        let result = Store::File(FileStore::new(&cfg)).save("default", &session("t"));
        let mode = fs::metadata(&cfg).unwrap().permissions().mode() & 0o777;
        fs::set_permissions(&cfg, fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(mode, 0o500, "left as the user set it");
        // Root can write anywhere; everyone else gets a clear error.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            assert!(result.is_err());
        }
        // A new directory is made 0700.
        let fresh = dir.path().join("a/b");
        Store::File(FileStore::new(&fresh))
            .save("default", &session("t"))
            .unwrap();
        let mode = fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn records_without_an_origin_are_bound_to_linkedin() {
        let old =
            r#"{"li_at":"t","jsessionid":null,"name":"Ada","public_id":null,"stored_at":"x"}"#;
        let s = StoredSession::from_json(old).unwrap();
        assert_eq!(s.origin, "https://www.linkedin.com");
    }

    #[test]
    fn profile_names_are_checked() {
        for ok in ["default", "work-2", "a.b_c"] {
            check_profile(ok).unwrap();
        }
        for bad in [
            "",
            "../x",
            "a b",
            "x/y",
            "-rf",
            ".hidden",
            "..",
            &"l".repeat(65),
        ] {
            assert_eq!(check_profile(bad).unwrap_err().kind().as_str(), "usage");
        }
    }

    #[test]
    fn config_dir_follows_xdg() {
        let p = config_dir(Some(Path::new("/x/cfg")), Some(Path::new("/home/a"))).unwrap();
        assert_eq!(p, Path::new("/x/cfg/linkedin-privacy"));
        let p = config_dir(Some(Path::new("relative")), Some(Path::new("/home/a"))).unwrap();
        assert_eq!(p, Path::new("/home/a/.config/linkedin-privacy"));
        assert!(config_dir(None, None).is_err());
        let err = config_dir(None, Some(Path::new("home/a"))).unwrap_err();
        assert!(err.to_string().contains("HOME is a relative path"), "{err}");
    }
}
