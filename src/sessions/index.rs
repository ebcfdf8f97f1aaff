//! The profile names kept in the keyring, in `profiles.json` beside the config: the keyring
//! cannot list its items, and this file holds no secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lock::write_atomic;
use crate::error::{Error, Hint, Result};

/// The profile names kept in the keyring (`profiles.json`), which holds no secret.
pub(super) struct Index {
    pub(super) dir: PathBuf,
    path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct IndexFile {
    profiles: Vec<String>,
}

impl Index {
    pub(super) fn new(config_dir: &Path) -> Index {
        Index {
            dir: config_dir.to_path_buf(),
            path: config_dir.join("profiles.json"),
        }
    }

    pub(super) fn read(&self) -> Result<Vec<String>> {
        // A regular file of an index's size (a FIFO here would hang every command, and shell
        // completion with it).
        match crate::fsx::read_text_capped(&self.path, 1024 * 1024) {
            Ok(text) => serde_json::from_str::<IndexFile>(&text)
                .map(|f| f.profiles)
                .map_err(|e| Error::Store {
                    message: format!("{} is damaged: {e}", self.path.display()),
                    hint: Some(Hint::text("delete it; the sessions stay in the keyring")),
                }),
            Err(crate::fsx::ReadError::NotFound) => Ok(Vec::new()),
            Err(e) => Err(Error::Store {
                message: format!("cannot use {}: {e}", self.path.display()),
                hint: Some(Hint::text("move it away; the sessions stay in the keyring")),
            }),
        }
    }

    fn write(&self, profiles: Vec<String>) -> Result<()> {
        let text = serde_json::to_string_pretty(&IndexFile { profiles }).expect("serializes");
        write_atomic(&self.path, text.as_bytes(), 0o644)
    }

    pub(super) fn add(&self, profile: &str) -> Result<()> {
        let mut profiles = self.read()?;
        if !profiles.iter().any(|p| p == profile) {
            profiles.push(profile.to_string());
            profiles.sort();
            self.write(profiles)?;
        }
        Ok(())
    }

    pub(super) fn remove(&self, profile: &str) -> Result<bool> {
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
