//! What a run found, as plain data: the [`Report`] of one account (the documented JSON object),
//! its rows, the verdict, the changes `opt-out` made, the error view, and the [`Advice`] each row
//! carries as a value (the output layer words it). Used by audit, opt-out, status and login
//! alike; nothing here prints or knows a command line.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Hint};
use crate::exit::Exit;
use crate::text;

pub use crate::clock::{Clock, Time};

/// The JSON schema version of [`Report`].
pub const SCHEMA: u32 = 1;

/// What a reply proves about one setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    On,
    Off,
    NotOffered,
    Unknown,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::On => "on",
            State::Off => "off",
            State::NotOffered => "not_offered",
            State::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Private,
    Exposed,
    Incomplete,
}

impl Verdict {
    /// The contract's rule: `exposed` when any toggle is proven in the state that is not private;
    /// `private` only when at least one toggle is proven private and nothing read is exposed or
    /// unknown (settings not offered, and informational entries, never make a verdict private on
    /// their own); otherwise `incomplete`.
    pub fn from_settings(settings: &[SettingRow]) -> Verdict {
        let proven_private = settings.iter().any(|s| s.private == Some(true));
        if settings.iter().any(|s| s.private == Some(false)) {
            Verdict::Exposed
        } else if proven_private && !settings.iter().any(|s| s.state == State::Unknown) {
            Verdict::Private
        } else {
            Verdict::Incomplete
        }
    }

    pub fn exit(self) -> Exit {
        match self {
            Verdict::Private => Exit::Ok,
            Verdict::Exposed => Exit::Exposed,
            Verdict::Incomplete => Exit::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Private => "private",
            Verdict::Exposed => "exposed",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// What the person should do about a row. The output layer turns it into words (and, for the
/// commands, into a command line that keeps the flags that chose the target).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advice {
    /// The setting is private: nothing to do.
    Nothing,
    /// LinkedIn does not offer the setting: nothing can be changed.
    NothingToChange,
    /// Turn this setting off (`opt-out`).
    TurnOff { id: String },
    /// No toggle exists: object through the Data Processing Objection Form.
    Object,
    /// The state is not proven: look at the page in a browser.
    CheckInBrowser,
}

/// Who the report is about, as far as the tool knows without an extra request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// In a run over several accounts: the account's label (from the accounts file, or the
    /// profile name). Absent for a single account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub profile: Option<String>,
    pub name: Option<String>,
    pub public_id: Option<String>,
}

/// One row of the report. The serialized fields are the documented JSON; `advice` is for the
/// people-facing output only.
#[derive(Clone, Debug, Serialize)]
pub struct SettingRow {
    pub id: String,
    pub title: String,
    pub state: State,
    pub private: Option<bool>,
    pub reason: Option<String>,
    pub url: String,
    #[serde(skip)]
    pub advice: Advice,
}

/// A failure, as JSON shows it. `exit` and `hint` are kept for the command layer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ErrorView {
    pub kind: String,
    pub message: String,
    #[serde(skip)]
    pub exit: Exit,
    #[serde(skip)]
    pub hint: Option<Hint>,
}

impl From<&Error> for ErrorView {
    fn from(e: &Error) -> Self {
        ErrorView {
            kind: e.kind().to_string(),
            message: text::clean_line(&e.to_string(), 2 * text::MAX_SHOWN),
            exit: e.exit(),
            hint: e.hint(),
        }
    }
}

/// A write made by `opt-out`, as read back afterwards.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub id: String,
    pub before: State,
    pub after: State,
    pub verified: bool,
}

/// The exact request a write would send (cookies and headers aside), for `--dry-run`.
#[derive(Clone, Debug, Serialize)]
pub struct PlannedWrite {
    pub id: String,
    pub method: &'static str,
    pub path: String,
    pub body: serde_json::Value,
}

/// The audit of one account: the documented JSON object. A run that failed half-way still has
/// one, with the rows read so far and the error.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: u32,
    pub account: Identity,
    pub checked_at: String,
    pub verdict: Verdict,
    pub settings: Vec<SettingRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
    /// `opt-out --dry-run`: the requests that would have been sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<Vec<PlannedWrite>>,
    pub error: Option<ErrorView>,
}

impl Report {
    pub fn new(account: Identity, settings: Vec<SettingRow>, checked_at: String) -> Report {
        Report {
            schema: SCHEMA,
            account,
            checked_at,
            verdict: Verdict::from_settings(&settings),
            settings,
            changes: None,
            planned: None,
            error: None,
        }
    }

    /// The report of a run that failed before any setting could be read.
    pub fn failed(account: Identity, error: &Error, checked_at: String) -> Report {
        Report::new(account, Vec::new(), checked_at).stopped(error)
    }

    /// The rows read so far and the error that stopped the run. The verdict stays honest: a
    /// setting proven exposed still says `exposed`; otherwise the run is `incomplete`.
    pub fn stopped(mut self, error: &Error) -> Report {
        self.error = Some(error.into());
        if self.verdict == Verdict::Private {
            self.verdict = Verdict::Incomplete;
        }
        self
    }

    /// The exit code: the error's when the run stopped, else the verdict's.
    pub fn exit(&self) -> Exit {
        match &self.error {
            Some(e) => e.exit,
            None => self.verdict.exit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: State, private: Option<bool>) -> SettingRow {
        SettingRow {
            id: "x".into(),
            title: "x".into(),
            state,
            private,
            reason: None,
            url: String::new(),
            advice: Advice::Nothing,
        }
    }

    #[test]
    fn verdict_rules() {
        use State::*;
        let v = |rows: Vec<SettingRow>| Verdict::from_settings(&rows);
        assert_eq!(v(vec![row(Off, Some(true))]), Verdict::Private);
        assert_eq!(
            v(vec![row(On, Some(false)), row(Unknown, None)]),
            Verdict::Exposed
        );
        assert_eq!(
            v(vec![row(Off, Some(true)), row(Unknown, None)]),
            Verdict::Incomplete
        );
        assert_eq!(
            v(vec![row(Off, Some(true)), row(NotOffered, None)]),
            Verdict::Private
        );
        // Nothing proven private: never a private verdict.
        assert_eq!(v(vec![]), Verdict::Incomplete);
        assert_eq!(v(vec![row(NotOffered, None)]), Verdict::Incomplete);
        assert_eq!(
            v(vec![row(NotOffered, None), row(NotOffered, None)]),
            Verdict::Incomplete
        );
        assert_eq!(Verdict::Exposed.exit(), Exit::Exposed);
        assert_eq!(Verdict::Incomplete.exit(), Exit::Unknown);
    }

    #[test]
    fn a_stopped_run_keeps_its_rows_and_stays_honest() {
        let throttled = Error::Throttled {
            attempts: 1,
            detail: String::new(),
        };
        let r = Report::new(
            Identity::default(),
            vec![row(State::Off, Some(true))],
            "t".into(),
        )
        .stopped(&throttled);
        assert_eq!(r.settings.len(), 1);
        assert_eq!(
            r.verdict,
            Verdict::Incomplete,
            "half a run is never private"
        );
        assert_eq!(r.exit(), Exit::Throttled);
        let r = Report::new(
            Identity::default(),
            vec![row(State::On, Some(false))],
            "t".into(),
        )
        .stopped(&throttled);
        assert_eq!(r.verdict, Verdict::Exposed, "what was proven stays proven");
    }
}
