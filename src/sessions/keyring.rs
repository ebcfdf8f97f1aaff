//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
//! reached through `keyring-core`. Every call runs with a time limit, so a hung Secret Service
//! gives a clear error instead of a hang; `LINKEDIN_PRIVACY_KEYRING=none` turns it off.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keyring_core::CredentialStore;
use zeroize::Zeroizing;

use super::index::Index;
use super::lock::StoreLock;
use super::{Forgotten, SERVICE, StoredSession, check_profile};
use crate::error::{Error, Hint, Result};

/// Whether the OS keyring may be used, and how long one call may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringUse {
    /// The platform's keyring, each call bounded by this long.
    Os(Duration),
    /// Never touched (`LINKEDIN_PRIVACY_KEYRING=none`): every use is an error naming the
    /// alternatives.
    Off,
}

impl KeyringUse {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
}

/// The keyring service of secrets that are not sessions.
const SECRETS_SERVICE: &str = "linkedin-privacy-secrets";

/// What [`KeyringStore::secret`] does.
pub(super) enum SecretOp {
    Get,
    Set(Zeroizing<String>),
    Delete,
}

/// The OS keyring, reached through `keyring-core`.
pub struct KeyringStore {
    /// `None`: the platform's keyring, connected to on first use only.
    backend: Option<Arc<CredentialStore>>,
    usage: KeyringUse,
    pub(super) index: Index,
}

impl KeyringStore {
    /// The platform's keyring. Nothing connects until a session is read or written; a missing
    /// or locked keyring is reported then, with the alternatives.
    pub fn system(config_dir: &Path, usage: KeyringUse) -> KeyringStore {
        KeyringStore {
            backend: None,
            usage,
            index: Index::new(config_dir),
        }
    }

    /// A keyring with the given backend (tests use `keyring_core::mock`).
    pub fn with_backend(
        backend: Arc<CredentialStore>,
        config_dir: &Path,
        timeout: Duration,
    ) -> KeyringStore {
        KeyringStore {
            backend: Some(backend),
            usage: KeyringUse::Os(timeout),
            index: Index::new(config_dir),
        }
    }

    pub fn profiles(&self) -> Result<Vec<String>> {
        self.index.read()
    }

    /// Runs one keyring call on a thread of its own, giving up after the time limit (the thread
    /// is left behind; the process ends soon after).
    fn bounded<T: Send + 'static>(&self, call: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let KeyringUse::Os(limit) = self.usage else {
            return Err(turned_off());
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(call());
            })
            .map_err(|e| unavailable(format!("cannot start a thread for it ({e})")))?;
        rx.recv_timeout(limit).map_err(|_| {
            unavailable(format!(
                "it did not answer within {} s (a hung Secret Service, or an unlock prompt left open)",
                limit.as_secs()
            ))
        })
    }

    fn backend(&self) -> Result<Arc<CredentialStore>> {
        if let Some(b) = &self.backend {
            return Ok(Arc::clone(b));
        }
        self.bounded(|| match keyring::Entry::store_status() {
            Ok(()) => keyring_core::get_default_store()
                .ok_or_else(|| "no keyring is available on this system".to_string()),
            Err(e) => Err(describe_keyring_error(e)),
        })?
        .map_err(unavailable)
    }

    /// One operation on the item of `profile` (any name: forgetting a name this version would
    /// refuse is allowed), on the keyring's thread, within the time limit.
    fn on_item<T: Send + 'static>(
        &self,
        profile: &str,
        op: impl FnOnce(&keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>> {
        let backend = self.backend()?;
        let profile = profile.to_string();
        self.bounded(move || {
            backend
                .build(SERVICE, &profile, None)
                .and_then(|entry| op(&entry))
        })
    }

    /// A secret that is not a session (a webhook address), under a service of its own so that
    /// it never shows as a stray profile.
    pub(super) fn secret(&self, name: &str, op: SecretOp) -> Result<Option<Zeroizing<String>>> {
        let backend = self.backend()?;
        let name = name.to_string();
        let done = self.bounded(move || {
            let entry = backend.build(SECRETS_SERVICE, &name, None)?;
            match op {
                SecretOp::Get => match entry.get_password() {
                    Ok(v) => Ok(Some(Zeroizing::new(v))),
                    Err(keyring_core::Error::NoEntry) => Ok(None),
                    Err(e) => Err(e),
                },
                SecretOp::Set(v) => entry.set_password(&v).map(|()| None),
                SecretOp::Delete => match entry.delete_credential() {
                    Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(None),
                    Err(e) => Err(e),
                },
            }
        })?;
        done.map_err(|e| unavailable(describe_keyring_error(&e)))
    }

    fn get(&self, profile: &str) -> Result<keyring_core::Result<Zeroizing<String>>> {
        self.on_item(profile, |e| e.get_password().map(Zeroizing::new))
    }

    fn set(&self, profile: &str, value: Zeroizing<String>) -> Result<keyring_core::Result<()>> {
        self.on_item(profile, move |e| e.set_password(&value))
    }

    fn remove(&self, profile: &str) -> Result<keyring_core::Result<()>> {
        self.on_item(profile, |e| e.delete_credential())
    }

    pub(super) fn load(&self, profile: &str) -> Result<Option<StoredSession>> {
        // The index lists every profile this tool stored; one it does not list was never
        // stored, and needs no trip to the keyring (which may not even be there).
        if !self.index.read()?.iter().any(|p| p == profile) {
            check_profile(profile)?;
            return Ok(None);
        }
        check_profile(profile)?;
        match self.get(profile)? {
            Ok(text) => StoredSession::from_json(&text)
                .map(Some)
                .ok_or_else(|| Error::Store {
                    message: format!(
                        "the keyring item for profile {profile:?} is not in the expected form"
                    ),
                    hint: Some(Hint::SignInProfile {
                        profile: profile.to_string(),
                    }),
                }),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(describe_keyring_error(&e))),
        }
    }

    /// Stores the item, then lists it in the index; if the index cannot be written the item is
    /// put back as it was, so no token sits in the keyring where nothing can find it.
    pub(super) fn save(&self, profile: &str, session: &StoredSession) -> Result<()> {
        check_profile(profile)?;
        let _lock = StoreLock::acquire(&self.index.dir)?;
        let previous = match self.get(profile)? {
            Ok(p) => Some(p),
            Err(keyring_core::Error::NoEntry) => None,
            // A damaged item is replaced; nothing of it is worth restoring.
            Err(keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..)) => {
                None
            }
            Err(e) => return Err(unavailable(describe_keyring_error(&e))),
        };
        self.set(
            profile,
            Zeroizing::new(session.to_json().expose().to_string()),
        )?
        .map_err(|e| unavailable(describe_keyring_error(&e)))?;
        if let Err(e) = self.index.add(profile) {
            let undone = match previous {
                Some(p) => self.set(profile, p),
                None => self.remove(profile),
            };
            return Err(match undone {
                Ok(Ok(())) => e,
                _ => Error::Store {
                    message: format!(
                        "{e}; and the keyring item for profile {profile:?} could not be taken back"
                    ),
                    hint: Some(Hint::LogoutAll),
                },
            });
        }
        Ok(())
    }

    pub(super) fn delete(&self, profile: &str) -> Result<bool> {
        check_profile(profile)?;
        let _lock = StoreLock::acquire(&self.index.dir)?;
        let existed = match self.remove(profile)? {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(e) => return Err(unavailable(describe_keyring_error(&e))),
        };
        let listed = self.index.remove(profile)?;
        Ok(existed || listed)
    }

    /// Profiles with an item in the keyring that the index does not list (a run stopped between
    /// the two writes, a deleted index). Empty when the keyring cannot be searched.
    pub fn strays(&self) -> Vec<String> {
        let listed = self.index.read().unwrap_or_default();
        self.search()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| !listed.contains(p))
            .collect()
    }

    /// Every profile with an item under the service, found by searching the keyring; the index
    /// may have forgotten some (an earlier failure, a hand-edited file).
    fn search(&self) -> Result<Vec<String>> {
        let backend = self.backend()?;
        let found = self.bounded(move || {
            let spec = std::collections::HashMap::from([("service", SERVICE)]);
            let found = backend.search(&spec)?;
            let mut names: Vec<String> = Vec::new();
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
            Ok::<_, keyring_core::Error>(names)
        })?;
        found.map_err(|e| unavailable(describe_keyring_error(&e)))
    }

    /// Whether the keyring can be used at all (connecting, within the time limit).
    pub(super) fn check(&self) -> Result<()> {
        self.backend().map(|_| ())
    }

    pub(super) fn forget_all(&self) -> Result<Forgotten> {
        // Without a keyring there is nothing to forget from it, and nothing can be said about
        // what it holds: one error, before anything else.
        self.check()?;
        let mut out = Forgotten::default();
        // A damaged index does not stop the search: the keyring itself knows its items.
        let mut profiles = match self.index.read() {
            Ok(p) => p,
            Err(e) => {
                out.warning = Some(e.to_string());
                Vec::new()
            }
        };
        match self.search() {
            Ok(found) => {
                for p in found {
                    if !profiles.contains(&p) {
                        profiles.push(p);
                    }
                }
            }
            // Without a search nobody can say nothing is left: the index's profiles are still
            // forgotten, and the search's failure is reported as one (exit 4), never as "no
            // sessions".
            Err(e) => {
                out.warning = Some(format!(
                    "the keyring could not be searched, so a session the index does not list may be left: {e}"
                ));
                out.incomplete = true;
            }
        }
        for profile in profiles {
            // A name the index or the keyring holds but this version would not accept is still
            // removed: forgetting is always allowed.
            let result = (|| {
                let _lock = StoreLock::acquire(&self.index.dir)?;
                match self.remove(&profile)? {
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
        // The platform's own words (a D-Bus error, say) mean nothing to most people and can be
        // long: the kind of failure is said in one line instead.
        K::NoStorageAccess(_) => "it is locked or refused access".to_string(),
        K::PlatformFailure(_) => {
            if cfg!(target_os = "linux") {
                "no Secret Service answers on this session's D-Bus (an SSH or headless session has none)".to_string()
            } else {
                "the platform's keyring failed".to_string()
            }
        }
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
        hint: Some(Hint::NoKeyring),
    }
}

fn turned_off() -> Error {
    unavailable("it is turned off (LINKEDIN_PRIVACY_KEYRING=none)".to_string())
}
