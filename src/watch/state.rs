//! What the watch keeps between runs: its configuration (`watch.json` in the config folder: the
//! schedule, the channels, what was installed where; never a secret) and its state
//! (`watch/state.json` in the data folder: the last run, the last failure told, each channel's
//! last result, the states the last run saw), and a short log of each run (`watch/log`,
//! rotated). All 0600.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The largest config or state file read.
const MAX_FILE: u64 = 4 * 1024 * 1024;
/// The log is rotated (to `log.1`) once it is this long.
const MAX_LOG: u64 = 256 * 1024;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Config {
    pub schema: u32,
    /// `--every` and `--at` as given.
    pub every: Option<String>,
    pub at: Option<String>,
    pub channels: Channels,
    /// What `watch install` installed, for `watch remove` to remove exactly that.
    #[serde(default)]
    pub installed: Option<Installed>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    /// The desktop's notifications.
    #[serde(default)]
    pub desktop: bool,
    /// A command run with the event as JSON on its standard input.
    pub command: Option<String>,
    /// A webhook: its address is in the session store (keyring), only its format here.
    pub webhook: Option<String>,
    /// An address mailed through the local `sendmail`.
    pub email: Option<String>,
}

impl Channels {
    pub fn any(&self) -> bool {
        self.desktop || self.command.is_some() || self.webhook.is_some() || self.email.is_some()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Installed {
    /// `systemd`, `cron`, `launchd` or `schtasks`.
    pub scheduler: String,
    /// Files written (units, the agent).
    #[serde(default)]
    pub files: Vec<PathBuf>,
    pub at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub schema: u32,
    pub last_run: Option<LastRun>,
    /// The last failure told, and the day it was (one notice a day for a repeating failure).
    pub failure_told: Option<Told>,
    /// Objections told overdue, each with the day.
    #[serde(default)]
    pub overdue_told: BTreeMap<String, String>,
    /// Each channel's last result.
    #[serde(default)]
    pub channels: BTreeMap<String, ChannelResult>,
    /// The states the last successful check read, per member then setting: `private` is
    /// `Some(true)` private, `Some(false)` exposed, `None` neither proven.
    #[serde(default)]
    pub seen: BTreeMap<String, BTreeMap<String, Option<bool>>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LastRun {
    pub at: String,
    pub exit: u8,
    /// `private`, `exposed`, `incomplete`, or the failure's kind.
    pub result: String,
    pub events: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    pub what: String,
    pub day: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChannelResult {
    pub ok: bool,
    pub at: String,
    pub error: Option<String>,
}

/// Where the watch keeps things.
#[derive(Clone, Debug)]
pub struct Places {
    pub config: PathBuf,
    pub state_dir: PathBuf,
}

impl Places {
    pub fn state(&self) -> PathBuf {
        self.state_dir.join("state.json")
    }

    pub fn log(&self) -> PathBuf {
        self.state_dir.join("log")
    }
}

fn read<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, String> {
    match crate::fsx::read_text_capped(path, MAX_FILE) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is damaged ({}): remove it, or run `linkedin-privacy watch install` again",
                path.display(),
                crate::text::clean_line(&e.to_string(), 120)
            )
        }),
        Err(crate::fsx::ReadError::NotFound) => Ok(T::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        crate::fsx::create_private_dir(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    text.push('\n');
    crate::fsx::write_atomic(path, text.as_bytes(), 0o600)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl Config {
    pub fn load(places: &Places) -> Result<Config, String> {
        read(&places.config)
    }

    pub fn save(&self, places: &Places) -> Result<(), String> {
        let mut me = self.clone();
        me.schema = 1;
        write(&places.config, &me)
    }
}

impl State {
    pub fn load(places: &Places) -> Result<State, String> {
        read(&places.state())
    }

    pub fn save(&self, places: &Places) -> Result<(), String> {
        let mut me = self.clone();
        me.schema = 1;
        write(&places.state(), &me)
    }
}

/// Appends lines to the log, rotating it first when it has grown past [`MAX_LOG`]. A log that
/// cannot be written is said on stderr, never fatal: the notifications matter more.
pub fn log(places: &Places, lines: &[String]) -> Result<(), String> {
    let path = places.log();
    crate::fsx::create_private_dir(&places.state_dir)
        .map_err(|e| format!("cannot create {}: {e}", places.state_dir.display()))?;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_LOG) {
        let _ = std::fs::rename(&path, path.with_extension("1"));
    }
    let mut f = crate::fsx::open_append_private(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut text = String::new();
    for line in lines {
        text.push_str(&crate::text::clean_line(line, 400));
        text.push('\n');
    }
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
