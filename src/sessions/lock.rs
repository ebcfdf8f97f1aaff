//! Writing the config directory safely: created 0700 when missing (never chmod-ed when it
//! exists), files replaced atomically, and one lock around every read-modify-write.

use std::fs;
use std::path::Path;

use crate::error::{Error, Hint, Result};

pub(super) fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Store {
        message: format!("cannot use {}: {e}", path.display()),
        hint: Some(Hint::text("check the permissions of the config directory")),
    }
}

/// Creates the config directory 0700 when missing. An existing directory is left exactly as the
/// user set it up: a read-only one makes the write fail, it is never chmod-ed.
pub(super) fn ensure_dir(dir: &Path) -> Result<()> {
    crate::fsx::create_private_dir(dir).map_err(|e| io_error(dir, &e))
}

/// An advisory lock on `.lock` in the config directory, held across every read-modify-write of
/// the sessions file and the profile index, so two runs at once never lose a session.
pub(super) struct StoreLock(#[allow(dead_code)] fs::File);

impl StoreLock {
    /// How long to wait for another run to finish with the store.
    const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

    pub(super) fn acquire(dir: &Path) -> Result<StoreLock> {
        ensure_dir(dir)?;
        let path = dir.join(".lock");
        let file = crate::fsx::open_lock_file(&path).map_err(|e| io_error(&path, &e))?;
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
                        hint: Some(Hint::text(
                            "wait for the other run to finish, then try again",
                        )),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_error(&path, &e)),
            }
        }
    }
}

/// Writes a file so that readers see the old content or the new, never a half (see
/// [`crate::fsx::write_atomic`]), in the config directory made when missing.
pub(super) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().expect("store paths have a parent");
    ensure_dir(dir)?;
    crate::fsx::write_atomic(path, bytes, mode).map_err(|e| io_error(path, &e))
}
