//! Where sessions are kept between runs, as one enum: the OS keyring (the default), or a 0600
//! file the user asked for with `--insecure-storage`. The environment (`LINKEDIN_LI_AT`) wins
//! over both and is never written anywhere; that is decided in [`crate::context`].
//!
//! The keyring cannot list its items, so the profile names sit beside it in a small index file
//! in the config directory that holds no secret.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::CredentialStore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::Secret;

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
}

fn linkedin_origin() -> String {
    crate::client::LINKEDIN.to_string()
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
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(
            format!("invalid profile name {name:?}"),
            Some("use up to 64 letters, digits, '-', '_' or '.'".to_string()),
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
            hint: Some("set HOME (or XDG_CONFIG_HOME) to an absolute path".to_string()),
        }),
        (None, None) => Err(Error::Store {
            message: "cannot find a config directory: neither XDG_CONFIG_HOME nor HOME is set"
                .to_string(),
            hint: Some("set HOME, or use LINKEDIN_LI_AT for this shell".to_string()),
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

    /// Forgets a profile; `false` when there was nothing to forget.
    pub fn delete(&self, profile: &str) -> Result<bool> {
        match self {
            Store::Keyring(k) => k.delete(profile),
            Store::File(f) => f.delete(profile),
        }
    }

    pub fn profiles(&self) -> Result<Vec<String>> {
        match self {
            Store::Keyring(k) => k.index.read(),
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

    /// `keyring` or `file`, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Keyring(_) => "keyring",
            Store::File(_) => "file",
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
}

/// The OS keyring (Secret Service on Linux), reached through `keyring-core`.
pub struct KeyringStore {
    /// `None`: the platform's keyring, connected to on first use only.
    backend: Option<Arc<CredentialStore>>,
    index: Index,
}

impl KeyringStore {
    /// The platform's keyring. Nothing connects until a session is read or written; a missing
    /// or locked keyring is reported then, with the alternatives.
    pub fn system(config_dir: &Path) -> KeyringStore {
        KeyringStore {
            backend: None,
            index: Index::new(config_dir),
        }
    }

    /// A keyring with the given backend (tests use `keyring_core::mock`).
    pub fn with_backend(backend: Arc<CredentialStore>, config_dir: &Path) -> KeyringStore {
        KeyringStore {
            backend: Some(backend),
            index: Index::new(config_dir),
        }
    }

    fn backend(&self) -> Result<Arc<CredentialStore>> {
        if let Some(b) = &self.backend {
            return Ok(Arc::clone(b));
        }
        match keyring::Entry::store_status() {
            Ok(()) => keyring_core::get_default_store()
                .ok_or_else(|| unavailable("no keyring is available on this system".to_string())),
            Err(e) => Err(unavailable(describe_keyring_error(e))),
        }
    }

    fn entry(&self, profile: &str) -> Result<keyring_core::Entry> {
        check_profile(profile)?;
        self.backend()?
            .build(SERVICE, profile, None)
            .map_err(|e| unavailable(describe_keyring_error(&e)))
    }

    fn load(&self, profile: &str) -> Result<Option<StoredSession>> {
        // The index lists every profile this tool stored; one it does not list was never
        // stored, and needs no trip to the keyring (which may not even be there).
        if !self.index.read()?.iter().any(|p| p == profile) {
            check_profile(profile)?;
            return Ok(None);
        }
        match self.entry(profile)?.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                StoredSession::from_json(&text)
                    .map(Some)
                    .ok_or_else(|| Error::Store {
                        message: format!(
                            "the keyring item for profile {profile:?} is not in the expected form"
                        ),
                        hint: Some(format!(
                            "sign in again with `linkedin-privacy login --profile {profile}`"
                        )),
                    })
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(describe_keyring_error(&e))),
        }
    }

    /// Stores the item, then lists it in the index; if the index cannot be written the item is
    /// put back as it was, so no token sits in the keyring where nothing can find it.
    fn save(&self, profile: &str, session: &StoredSession) -> Result<()> {
        let _lock = StoreLock::acquire(&self.index.dir)?;
        let entry = self.entry(profile)?;
        let previous = match entry.get_password() {
            Ok(p) => Some(Zeroizing::new(p)),
            Err(keyring_core::Error::NoEntry) => None,
            // A damaged item is replaced; nothing of it is worth restoring.
            Err(keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..)) => {
                None
            }
            Err(e) => return Err(unavailable(describe_keyring_error(&e))),
        };
        entry
            .set_password(session.to_json().expose())
            .map_err(|e| unavailable(describe_keyring_error(&e)))?;
        if let Err(e) = self.index.add(profile) {
            let undone = match &previous {
                Some(p) => entry.set_password(p),
                None => entry.delete_credential(),
            };
            return Err(match undone {
                Ok(()) => e,
                Err(_) => Error::Store {
                    message: format!(
                        "{e}; and the keyring item for profile {profile:?} could not be taken back"
                    ),
                    hint: Some(
                        "`linkedin-privacy logout --all` finds and removes it once the index can be written"
                            .to_string(),
                    ),
                },
            });
        }
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<bool> {
        let _lock = StoreLock::acquire(&self.index.dir)?;
        let existed = match self.entry(profile)?.delete_credential() {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(e) => return Err(unavailable(describe_keyring_error(&e))),
        };
        let listed = self.index.remove(profile)?;
        Ok(existed || listed)
    }

    /// Every profile with an item under the service, found by searching the keyring; the index
    /// may have forgotten some (an earlier failure, a hand-edited file).
    fn search(&self) -> Result<Vec<String>> {
        let backend = self.backend()?;
        let spec = std::collections::HashMap::from([("service", SERVICE)]);
        let found = backend
            .search(&spec)
            .map_err(|e| unavailable(describe_keyring_error(&e)))?;
        let mut names = Vec::new();
        for entry in found {
            let user = match entry.get_specifiers() {
                Some((service, user)) if service == SERVICE => Some(user),
                Some(_) => None,
                None => entry.get_attributes().ok().and_then(|mut a| {
                    (a.get("service").map(String::as_str) == Some(SERVICE))
                        .then(|| a.remove("username").or_else(|| a.remove("user")))
                        .flatten()
                }),
            };
            if let Some(user) = user
                && !names.contains(&user)
            {
                names.push(user);
            }
        }
        Ok(names)
    }

    fn forget_all(&self) -> Result<Forgotten> {
        let mut out = Forgotten::default();
        let mut warnings = Vec::new();
        // A damaged index does not stop the search: the keyring itself knows its items.
        let mut profiles = self.index.read().unwrap_or_else(|e| {
            warnings.push(e.to_string());
            Vec::new()
        });
        match self.search() {
            Ok(found) => {
                for p in found {
                    if !profiles.contains(&p) {
                        profiles.push(p);
                    }
                }
            }
            Err(e) if warnings.is_empty() => warnings.push(format!(
                "the keyring could not be searched for items the index forgot ({e})"
            )),
            // Neither the index nor the keyring can say what there is.
            Err(e) => return Err(e),
        }
        if !warnings.is_empty() {
            out.warning = Some(warnings.join("; "));
        }
        for profile in profiles {
            // A name the index or the keyring holds but this version would not accept is still
            // removed: forgetting is always allowed.
            let result = (|| {
                let _lock = StoreLock::acquire(&self.index.dir)?;
                let entry = self
                    .backend()?
                    .build(SERVICE, &profile, None)
                    .map_err(|e| unavailable(describe_keyring_error(&e)))?;
                match entry.delete_credential() {
                    Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                    Err(e) => return Err(unavailable(describe_keyring_error(&e))),
                }
                self.index.remove(&profile)
            })();
            match result {
                Ok(_) => out.forgotten.push(profile),
                Err(e) => out.failed.push((profile, e)),
            }
        }
        Ok(out)
    }
}

/// Describes a keyring error without ever printing stored bytes (some variants carry them).
fn describe_keyring_error(e: &keyring_core::Error) -> String {
    use keyring_core::Error as K;
    match e {
        K::NoStorageAccess(inner) => format!("it is locked or refused access ({inner})"),
        K::PlatformFailure(inner) => format!("it failed ({inner})"),
        K::NoDefaultStore => "no keyring is available on this system".to_string(),
        K::BadEncoding(_) | K::BadDataFormat(..) => "a stored item is damaged".to_string(),
        K::BadStoreFormat(what) => format!("the store is damaged ({what})"),
        K::Invalid(what, why) => format!("{what} {why}"),
        K::NotSupportedByStore(what) => what.clone(),
        K::Ambiguous(_) => "several items match this profile".to_string(),
        K::TooLong(what, _) => format!("{what} is too long"),
        K::NoEntry => "no such item".to_string(),
        _ => "an unknown keyring error".to_string(),
    }
}

fn unavailable(detail: String) -> Error {
    Error::Store {
        message: format!("cannot use the OS keyring: {detail}"),
        hint: Some(
            "use --insecure-storage to keep sessions in a 0600 file instead, or set LINKEDIN_LI_AT for this shell"
                .to_string(),
        ),
    }
}

/// The profile names kept in the keyring (`profiles.json`), which holds no secret.
struct Index {
    dir: PathBuf,
    path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct IndexFile {
    profiles: Vec<String>,
}

impl Index {
    fn new(config_dir: &Path) -> Index {
        Index {
            dir: config_dir.to_path_buf(),
            path: config_dir.join("profiles.json"),
        }
    }

    fn read(&self) -> Result<Vec<String>> {
        match fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str::<IndexFile>(&text)
                .map(|f| f.profiles)
                .map_err(|e| Error::Store {
                    message: format!("{} is damaged: {e}", self.path.display()),
                    hint: Some("delete it; the sessions stay in the keyring".to_string()),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(io_error(&self.path, &e)),
        }
    }

    fn write(&self, profiles: Vec<String>) -> Result<()> {
        let text = serde_json::to_string_pretty(&IndexFile { profiles }).expect("serializes");
        write_atomic(&self.path, text.as_bytes(), 0o644)
    }

    fn add(&self, profile: &str) -> Result<()> {
        let mut profiles = self.read()?;
        if !profiles.iter().any(|p| p == profile) {
            profiles.push(profile.to_string());
            profiles.sort();
            self.write(profiles)?;
        }
        Ok(())
    }

    fn remove(&self, profile: &str) -> Result<bool> {
        let mut profiles = match self.read() {
            Ok(p) => p,
            // A damaged index is replaced by one without this profile.
            Err(_) if self.path.is_file() => Vec::new(),
            Err(e) => return Err(e),
        };
        let before = profiles.len();
        profiles.retain(|p| p != profile);
        if profiles.len() != before {
            self.write(profiles)?;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Sessions in a plain 0600 file, for machines without a keyring, when the user asks for it.
pub struct FileStore {
    pub path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionsFile {
    version: u32,
    profiles: BTreeMap<String, Record>,
}

impl FileStore {
    pub fn new(config_dir: &Path) -> FileStore {
        FileStore {
            path: config_dir.join("sessions.json"),
        }
    }

    fn read(&self) -> Result<BTreeMap<String, Record>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => Zeroizing::new(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(io_error(&self.path, &e)),
        };
        self.check_permissions()?;
        serde_json::from_str::<SessionsFile>(&text)
            .map(|f| f.profiles)
            .map_err(|_| Error::Store {
                message: format!("{} is not a sessions file this version can read", self.path.display()),
                hint: Some("move it away and sign in again with `linkedin-privacy login --insecure-storage`".to_string()),
            })
    }

    #[cfg(unix)]
    fn check_permissions(&self) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&self.path)
            .map_err(|e| io_error(&self.path, &e))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::Store {
                message: format!(
                    "{} can be read by other users (mode {mode:o}); refusing to use it",
                    self.path.display()
                ),
                hint: Some(format!("run `chmod 600 {}`", self.path.display())),
            });
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_permissions(&self) -> Result<()> {
        Ok(())
    }

    fn write(&self, profiles: BTreeMap<String, Record>) -> Result<()> {
        let text = Zeroizing::new(
            serde_json::to_string_pretty(&SessionsFile {
                version: 1,
                profiles,
            })
            .expect("serializes"),
        );
        write_atomic(&self.path, text.as_bytes(), 0o600)
    }

    fn load(&self, profile: &str) -> Result<Option<StoredSession>> {
        check_profile(profile)?;
        Ok(self.read()?.remove(profile).map(StoredSession::from_record))
    }

    fn dir(&self) -> &Path {
        self.path.parent().expect("the sessions file has a parent")
    }

    fn save(&self, profile: &str, session: &StoredSession) -> Result<()> {
        check_profile(profile)?;
        let _lock = StoreLock::acquire(self.dir())?;
        let mut all = self.read()?;
        all.insert(profile.to_string(), session.to_record());
        self.write(all)
    }

    fn delete(&self, profile: &str) -> Result<bool> {
        check_profile(profile)?;
        let _lock = StoreLock::acquire(self.dir())?;
        let mut all = self.read()?;
        if all.remove(profile).is_none() {
            return Ok(false);
        }
        self.write(all)?;
        Ok(true)
    }

    /// Forgets every entry in one write, whatever its name.
    fn forget_all(&self) -> Result<Forgotten> {
        let _lock = StoreLock::acquire(self.dir())?;
        let all = self.read()?;
        let mut out = Forgotten::default();
        if all.is_empty() {
            return Ok(out);
        }
        out.forgotten = all.keys().cloned().collect();
        self.write(BTreeMap::new())?;
        Ok(out)
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Store {
        message: format!("cannot use {}: {e}", path.display()),
        hint: Some("check the permissions of the config directory".to_string()),
    }
}

/// Creates the config directory (and its parents) 0700 when missing. An existing directory is
/// left exactly as the user set it up: a read-only one makes the write fail, it is never chmod-ed.
fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| io_error(dir, &e))
}

/// An advisory lock on `.lock` in the config directory, held across every read-modify-write of
/// the sessions file and the profile index, so two runs at once never lose a session.
struct StoreLock(#[allow(dead_code)] fs::File);

impl StoreLock {
    /// How long to wait for another run to finish with the store.
    const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

    fn acquire(dir: &Path) -> Result<StoreLock> {
        ensure_dir(dir)?;
        let path = dir.join(".lock");
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|e| io_error(&path, &e))?;
        let deadline = std::time::Instant::now() + Self::WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock(file)),
                Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::Store {
                        message: format!(
                            "another linkedin-privacy has held the session store's lock ({}) for {} s",
                            path.display(),
                            Self::WAIT.as_secs()
                        ),
                        hint: Some("wait for the other run to finish, then try again".to_string()),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_error(&path, &e)),
            }
        }
    }
}

/// Writes a file so that readers see the old content or the new, never a half: a temporary
/// file with the final mode from the start, synced, then renamed over the target.
fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().expect("store paths have a parent");
    ensure_dir(dir)?;
    let mut suffix = [0u8; 8];
    let _ = getrandom::fill(&mut suffix);
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("store"),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        io_error(path, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::api::CredentialStoreApi;

    fn session(token: &str) -> StoredSession {
        StoredSession {
            li_at: Secret::new(token),
            jsessionid: Some("ajax:1".into()),
            name: "Ada Lovelace".into(),
            public_id: Some("ada-lovelace".into()),
            stored_at: "2026-11-29T00:00:00Z".into(),
            origin: "https://www.linkedin.com".into(),
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
        let store = KeyringStore::with_backend(backend.clone(), dir.path());
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
        assert_eq!(err.kind(), "store");
        assert!(err.to_string().contains("locked"), "{err}");
        let hint = err.hint().unwrap();
        assert!(hint.contains("--insecure-storage") && hint.contains("LINKEDIN_LI_AT"));
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
        assert!(err.hint().unwrap().contains("chmod 600"));
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
                    Store::Keyring(KeyringStore::with_backend(backend, dir))
                        .save(&name, &session(&format!("tok-{i}")))
                        .unwrap();
                });
            }
        });
        let file = Store::File(FileStore::new(dir.path()));
        let keyring = Store::Keyring(KeyringStore::with_backend(backend, dir.path()));
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
        for bad in ["", "../x", "a b", "x/y", &"l".repeat(65)] {
            assert_eq!(check_profile(bad).unwrap_err().kind(), "usage");
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
