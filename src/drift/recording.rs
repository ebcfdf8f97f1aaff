//! A recording: LinkedIn's replies to the endpoints the tool reads, one file each, and a
//! `manifest.json` saying which endpoint each file answers, with its status, the headers that
//! matter, and the SHA-256 of the (redacted) body. `fixtures/` is one too: the tool's own
//! understanding, compiled into the binary, which `drift` compares fresh recordings with.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What a manifest says it is.
pub const KIND: &str = "linkedin-privacy recording";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema: u32,
    pub kind: String,
    pub tool: Tool,
    /// When it was recorded; `null` for the fixtures.
    pub recorded_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub replies: Vec<ReplyEntry>,
    /// Only in `fixtures/`: what each other file is and what reading it must give.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixtures: Vec<FixtureEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One reply of a recording.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyEntry {
    /// The endpoint's name in the registry (`me`, `card`, `objection-form`).
    pub endpoint: String,
    /// Its variable part (a card's key), or empty.
    #[serde(default)]
    pub arg: String,
    /// The status; `null` when no reply came (`error` says why).
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The other headers that matter (`retry-after`, a redirect's `location` path).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The names of the cookies the reply set; never their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_cookie: Vec<String>,
    /// The body's file, relative to the recording; `null` when the reply had none.
    pub file: Option<String>,
    pub sha256: Option<String>,
    /// Why there is no reply (a timeout, a refused connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReplyEntry {
    /// `card dataForAiImprovement`, `me`, for messages.
    pub fn name(&self) -> String {
        if self.arg.is_empty() {
            self.endpoint.clone()
        } else {
            format!("{} {}", self.endpoint, self.arg)
        }
    }
}

/// A fixture that is not a baseline reply: what it is, and what reading it must give.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureEntry {
    pub file: String,
    /// `card`, `me`, `form`, `page` or `accounts`.
    pub parses_as: String,
    /// For a card: the catalog entry it is read as (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// For a card: the state reading it must give (`on`, `off`, `unknown`, or a many-valued
    /// setting's value); for a form: whether it must look like the objection form
    /// (`objection-form`, `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
}

/// Where a recording's files are.
#[derive(Clone, Debug)]
enum Files {
    Dir(PathBuf),
    /// The fixtures compiled into the binary.
    Builtin,
}

/// An opened recording.
#[derive(Clone, Debug)]
pub struct Recording {
    pub manifest: Manifest,
    files: Files,
    /// For messages: the folder, or "the built-in fixtures".
    pub name: String,
    by_name: HashMap<(String, String), usize>,
}

/// The largest manifest read.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;
/// The largest reply file read.
const MAX_FILE: u64 = 16 * 1024 * 1024;

impl Recording {
    /// The fixtures compiled into the binary.
    pub fn builtin() -> Recording {
        let text = crate::sandbox::fixtures::embedded("manifest.json")
            .expect("fixtures/manifest.json is embedded");
        Recording::new(
            serde_json::from_str(text).expect("the built-in manifest is valid"),
            Files::Builtin,
            "the built-in fixtures".to_string(),
        )
    }

    /// A recording folder (or `fixtures/`).
    pub fn open(dir: &Path) -> Result<Recording> {
        let manifest = read_manifest(dir)?.ok_or_else(|| {
            Error::usage_with(
                format!(
                    "{} holds no manifest.json: it is not a recording",
                    dir.display()
                ),
                crate::error::Hint::RecordingFolder,
            )
        })?;
        Ok(Recording::new(
            manifest,
            Files::Dir(dir.to_path_buf()),
            dir.display().to_string(),
        ))
    }

    /// A file of the recording, at most 16 MiB.
    pub fn read(&self, file: &str) -> Result<Vec<u8>> {
        if file.split('/').any(|p| p == "..") || file.starts_with('/') {
            return Err(Error::usage(
                format!("the manifest names a file outside the recording: {file:?}"),
                None,
            ));
        }
        match &self.files {
            Files::Builtin => crate::sandbox::fixtures::embedded(file)
                .map(|t| t.as_bytes().to_vec())
                .ok_or_else(|| Error::usage(format!("no built-in fixture {file:?}"), None)),
            Files::Dir(dir) => {
                let path = dir.join(file);
                // A FIFO or a device named in a manifest would hang the run: refused.
                crate::fsx::read_capped(&path, MAX_FILE)
                    .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display()), None))
            }
        }
    }

    /// The reply for an endpoint and its variable part.
    pub fn reply(&self, endpoint: &str, arg: &str) -> Option<&ReplyEntry> {
        self.by_name
            .get(&(endpoint.to_string(), arg.to_string()))
            .map(|i| &self.manifest.replies[*i])
    }

    fn new(manifest: Manifest, files: Files, name: String) -> Recording {
        // An index, so that comparing two recordings of many replies is not quadratic; the
        // first reply of a name counts.
        let mut by_name = HashMap::with_capacity(manifest.replies.len());
        for (i, r) in manifest.replies.iter().enumerate() {
            by_name
                .entry((r.endpoint.clone(), r.arg.clone()))
                .or_insert(i);
        }
        Recording {
            manifest,
            files,
            name,
            by_name,
        }
    }
}

/// The manifest in `dir`, if there is one; an error when there is one this version cannot read.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join("manifest.json");
    // A regular file of a manifest's size: a FIFO would hang the run, a huge file fill memory.
    let text = match crate::fsx::read_text_capped(&path, MAX_MANIFEST) {
        Ok(t) => t,
        Err(crate::fsx::ReadError::NotFound) => return Ok(None),
        Err(e) => {
            return Err(Error::usage_with(
                format!("cannot read {}: {e}", path.display()),
                crate::error::Hint::RecordingFolder,
            ));
        }
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        Error::usage(
            format!(
                "{} is not a recording's manifest (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ),
            None,
        )
    })?;
    if manifest.kind != KIND || manifest.schema != 1 {
        return Err(Error::usage(
            format!("{} is not a schema 1 recording", path.display()),
            None,
        ));
    }
    Ok(Some(manifest))
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
