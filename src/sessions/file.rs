//! Sessions in a plain 0600 file, for machines without a keyring, when the user asks for it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::lock::{StoreLock, io_error, write_atomic};
use super::{Forgotten, Record, StoredSession, check_profile};
use crate::error::{Error, Hint, Result};

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

    /// Where a secret that is not a session is kept: a 0600 file of its own.
    fn secret_path(&self, name: &str) -> PathBuf {
        self.path.with_file_name(format!("secret-{name}"))
    }

    pub(super) fn save_secret(&self, name: &str, value: &crate::secret::Secret) -> Result<()> {
        write_atomic(&self.secret_path(name), value.expose().as_bytes(), 0o600)
    }

    pub(super) fn load_secret(&self, name: &str) -> Result<Option<crate::secret::Secret>> {
        let path = self.secret_path(name);
        match crate::fsx::read_text_capped(&path, 64 * 1024) {
            Ok(text) => Ok(Some(crate::secret::Secret::new(
                Zeroizing::new(text).trim(),
            ))),
            Err(crate::fsx::ReadError::NotFound) => Ok(None),
            Err(e) => Err(io_error(&path, &std::io::Error::other(e.to_string()))),
        }
    }

    pub(super) fn delete_secret(&self, name: &str) -> Result<()> {
        let path = self.secret_path(name);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(&path, &e)),
        }
    }

    pub(super) fn read(&self) -> Result<BTreeMap<String, Record>> {
        // A regular file of a sessions file's size: a FIFO here would hang every command.
        let text = match crate::fsx::read_text_capped(&self.path, 16 * 1024 * 1024) {
            Ok(text) => Zeroizing::new(text),
            Err(crate::fsx::ReadError::NotFound) => return Ok(BTreeMap::new()),
            Err(e) => {
                return Err(Error::Store {
                    message: format!("cannot use {}: {e}", self.path.display()),
                    hint: Some(Hint::ReplaceSessionsFile {
                        path: self.path.display().to_string(),
                    }),
                });
            }
        };
        self.check_permissions()?;
        serde_json::from_str::<SessionsFile>(&text)
            .map(|f| f.profiles)
            .map_err(|_| Error::Store {
                message: format!(
                    "{} is not a sessions file this version can read",
                    self.path.display()
                ),
                hint: Some(Hint::ReplaceSessionsFile {
                    path: self.path.display().to_string(),
                }),
            })
    }

    #[cfg(unix)]
    pub(super) fn check_permissions(&self) -> Result<()> {
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
                hint: Some(Hint::text(format!(
                    "run `chmod 600 {}`",
                    self.path.display()
                ))),
            });
        }
        Ok(())
    }

    #[cfg(not(unix))]
    pub(super) fn check_permissions(&self) -> Result<()> {
        Ok(())
    }

    pub(super) fn write(&self, profiles: BTreeMap<String, Record>) -> Result<()> {
        let text = Zeroizing::new(
            serde_json::to_string_pretty(&SessionsFile {
                version: 1,
                profiles,
            })
            .expect("serializes"),
        );
        write_atomic(&self.path, text.as_bytes(), 0o600)
    }

    pub(super) fn load(&self, profile: &str) -> Result<Option<StoredSession>> {
        check_profile(profile)?;
        Ok(self.read()?.remove(profile).map(StoredSession::from_record))
    }

    pub(super) fn dir(&self) -> &Path {
        self.path.parent().expect("the sessions file has a parent")
    }

    pub(super) fn save(&self, profile: &str, session: &StoredSession) -> Result<()> {
        check_profile(profile)?;
        let _lock = StoreLock::acquire(self.dir())?;
        let mut all = self.read()?;
        all.insert(profile.to_string(), session.to_record());
        self.write(all)
    }

    pub(super) fn delete(&self, profile: &str) -> Result<bool> {
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
    pub(super) fn forget_all(&self) -> Result<Forgotten> {
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
