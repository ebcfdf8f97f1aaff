//! What a run found, as plain data: the [`Report`] of one account (the documented JSON object),
//! its rows, the verdict, the changes `opt-out` made, the error view, and the [`Advice`] each row
//! carries as a value (the output layer words it). Used by audit, opt-out, status and login
//! alike; nothing here prints or knows a command line.

use serde::{Deserialize, Serialize};

use crate::catalog::{ChoiceValue, Group, Kind};
use crate::error::{Error, ErrorKind, Hint};
use crate::text;

pub use crate::clock::{Clock, Time};

/// The JSON schema version of [`Report`].
pub const SCHEMA: u32 = 3;

/// What a reply proves about one setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    On,
    Off,
    /// A many-valued setting holds one of the values the catalog lists: the row's `value` says
    /// which (and JSON shows that value as the state).
    Chosen,
    /// The card answers 404 with LinkedIn's JSON error: the setting is not offered here.
    NotOffered,
    Unknown,
    /// A catalog entry with no toggle (it is objected to through the form): nothing is read.
    Informational,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::On => "on",
            State::Off => "off",
            State::Chosen => "chosen",
            State::NotOffered => "not_offered",
            State::Unknown => "unknown",
            State::Informational => "informational",
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

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Private => "private",
            Verdict::Exposed => "exposed",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// Why a row's state is what it is, for scripts: the machine's side of `reason`. The table in
/// the README lists them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The card answers 404 with LinkedIn's JSON error object.
    NotOffered,
    /// The catalog entry has no toggle.
    Informational,
    /// The card answers 404 with an empty body.
    NotFoundEmptyBody,
    /// The card answers 404 with an HTML page.
    NotFoundHtml,
    /// The card answers 404 with a body that is not LinkedIn's JSON error.
    NotFoundOther,
    /// The card answers 410 Gone.
    Gone,
    /// The card has no `settings` list.
    CardShapeChanged,
    /// The catalog's setting key is not in the card.
    NoSuchSetting,
    /// Several settings share the key that would be read.
    DuplicateKey,
    /// The catalog names no key and the card holds several settings.
    SeveralSettings,
    /// The card holds no setting at all.
    NoSetting,
    /// The catalog names no key and the card's only setting has one the catalog gives to
    /// another entry.
    ForeignKey,
    /// The setting's `settingDisplayType` is not one the catalog expects for its kind.
    UnexpectedType,
    /// A many-valued setting's value is not among the card's own `settingDisplayValues`.
    ValueNotListed,
    /// A many-valued setting's value is one the catalog does not know.
    ValueNotInCatalog,
    /// The setting lacks `value`, `onValue` or `offValue`.
    MissingField,
    /// A value is `null`, `[]` or `{}`.
    EmptyValue,
    /// `onValue` equals `offValue`.
    SameOnOff,
    /// `value` equals neither.
    ValueMatchesNeither,
    /// The selected label and `value` disagree.
    LabelsContradict,
    /// HTML where JSON was expected.
    Html,
    /// The reply is not JSON.
    NotJson,
    /// A JSON object of the reply holds one key twice.
    DuplicateJsonKey,
    /// The reply is over the size limit.
    TooLarge,
    /// An unexpected status.
    HttpStatus,
    /// A 5xx after the retries.
    ServerError,
    /// `opt-out`: LinkedIn refused the write.
    WriteRefused,
    /// `opt-out`: the write "succeeded" but the setting still reads the same.
    WriteNotApplied,
    /// `opt-out`: written, but the read-back failed.
    NotReadBack,
    /// `opt-out`: the read was not certain, so nothing was written.
    NotWritten,
    /// The run was interrupted.
    Interrupted,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        ReasonCode::ALL
            .iter()
            .find(|(code, _)| *code == self)
            .map(|(_, name)| *name)
            .unwrap_or("unknown")
    }

    /// Every code and its name, in the README's order.
    pub const ALL: &'static [(ReasonCode, &'static str)] = &[
        (ReasonCode::NotOffered, "not_offered"),
        (ReasonCode::Informational, "informational"),
        (ReasonCode::NotFoundEmptyBody, "not_found_empty_body"),
        (ReasonCode::NotFoundHtml, "not_found_html"),
        (ReasonCode::NotFoundOther, "not_found_other"),
        (ReasonCode::Gone, "gone"),
        (ReasonCode::CardShapeChanged, "card_shape_changed"),
        (ReasonCode::NoSuchSetting, "no_such_setting"),
        (ReasonCode::DuplicateKey, "duplicate_key"),
        (ReasonCode::SeveralSettings, "several_settings"),
        (ReasonCode::NoSetting, "no_setting"),
        (ReasonCode::ForeignKey, "foreign_key"),
        (ReasonCode::UnexpectedType, "unexpected_type"),
        (ReasonCode::ValueNotListed, "value_not_listed"),
        (ReasonCode::ValueNotInCatalog, "value_not_in_catalog"),
        (ReasonCode::MissingField, "missing_field"),
        (ReasonCode::EmptyValue, "empty_value"),
        (ReasonCode::SameOnOff, "same_on_off"),
        (ReasonCode::ValueMatchesNeither, "value_matches_neither"),
        (ReasonCode::LabelsContradict, "labels_contradict"),
        (ReasonCode::Html, "html"),
        (ReasonCode::NotJson, "not_json"),
        (ReasonCode::DuplicateJsonKey, "duplicate_json_key"),
        (ReasonCode::TooLarge, "too_large"),
        (ReasonCode::HttpStatus, "http_status"),
        (ReasonCode::ServerError, "server_error"),
        (ReasonCode::WriteRefused, "write_refused"),
        (ReasonCode::WriteNotApplied, "write_not_applied"),
        (ReasonCode::NotReadBack, "not_read_back"),
        (ReasonCode::NotWritten, "not_written"),
        (ReasonCode::Interrupted, "interrupted"),
    ];

    /// Whether the reply no longer has the shape this version knows (LinkedIn changed it):
    /// `drift` shows what changed.
    pub fn is_drift(self) -> bool {
        matches!(
            self,
            ReasonCode::CardShapeChanged
                | ReasonCode::NoSetting
                | ReasonCode::MissingField
                | ReasonCode::SeveralSettings
                | ReasonCode::UnexpectedType
                | ReasonCode::ValueNotListed
                | ReasonCode::ValueNotInCatalog
                | ReasonCode::Html
                | ReasonCode::NotJson
                | ReasonCode::DuplicateJsonKey
                | ReasonCode::Gone
                | ReasonCode::NotFoundEmptyBody
                | ReasonCode::NotFoundHtml
                | ReasonCode::NotFoundOther
        )
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
    /// `opt-out` wrote and the setting still reads on: the page in a browser is what is left.
    TurnOffInBrowser,
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
    /// The member URN from `/me`, when it was read: a key for the history, not shown.
    #[serde(skip)]
    pub member_urn: Option<String>,
}

impl Identity {
    /// What the history keys this member's records by: the public id, else the member URN.
    /// Never the session token.
    pub fn member_key(&self) -> Option<&str> {
        self.public_id.as_deref().or(self.member_urn.as_deref())
    }

    /// Fills in what `/me` says about the member: name, public id, member URN.
    pub fn learn(&mut self, name: String, public_id: Option<String>, member_urn: Option<String>) {
        self.name = Some(name);
        if public_id.is_some() {
            self.public_id = public_id;
        }
        self.member_urn = member_urn;
    }
}

/// One row of the report. [`SettingRow::serialize`] writes the documented JSON; `advice` and
/// the digest are for the people-facing output and the history only.
#[derive(Clone, Debug)]
pub struct SettingRow {
    pub id: String,
    pub group: Group,
    pub kind: Kind,
    pub title: String,
    pub state: State,
    /// For a many-valued setting read with certainty: the value it holds.
    pub value: Option<ChoiceValue>,
    pub private: Option<bool>,
    pub reason: Option<String>,
    /// `reason`'s machine-readable code.
    pub reason_code: Option<ReasonCode>,
    pub url: String,
    /// With a history: the state last recorded, when it differs from this one.
    pub previous: Option<Previous>,
    pub advice: Advice,
    /// The SHA-256 of the card reply the state was read from, for the history.
    pub reply_sha256: Option<String>,
}

impl SettingRow {
    /// A row with only its id, title and state (for tests and failed reads).
    pub fn bare(id: &str, state: State, private: Option<bool>) -> SettingRow {
        SettingRow {
            id: id.to_string(),
            group: Group::Ai,
            kind: Kind::Toggle,
            title: id.to_string(),
            state,
            value: None,
            private,
            reason: None,
            reason_code: None,
            url: String::new(),
            previous: None,
            advice: Advice::Nothing,
            reply_sha256: None,
        }
    }

    /// The state as JSON, CSV and the history name it: `on`, `off`, `not_offered`, `unknown`,
    /// `informational`, or a many-valued setting's value (`HIDE`).
    pub fn state_name(&self) -> &str {
        match (&self.state, &self.value) {
            (State::Chosen, Some(v)) => &v.value,
            (state, _) => state.as_str(),
        }
    }

    /// The state in a few words for one-line output: `on`, `not offered`, `private mode`.
    pub fn state_short(&self) -> String {
        match (&self.state, &self.value) {
            (State::Chosen, Some(v)) => v.short.clone(),
            (State::NotOffered, _) => "not offered".to_string(),
            (State::Informational, _) => "-".to_string(),
            (state, _) => state.as_str().to_string(),
        }
    }
}

impl Serialize for SettingRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            group: Group,
            kind: Kind,
            title: &'a str,
            state: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            value_label: Option<&'a str>,
            private: Option<bool>,
            reason: Option<&'a str>,
            reason_code: Option<ReasonCode>,
            url: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            previous: Option<&'a Previous>,
        }
        Json {
            id: &self.id,
            group: self.group,
            kind: self.kind,
            title: &self.title,
            state: self.state_name(),
            value_label: self.value.as_ref().map(|v| v.label.as_str()),
            private: self.private,
            reason: self.reason.as_deref(),
            reason_code: self.reason_code,
            url: &self.url,
            previous: self.previous.as_ref(),
        }
        .serialize(serializer)
    }
}

/// A row's state as the history last recorded it, shown when the state changed since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Previous {
    /// The state's name ([`SettingRow::state_name`]).
    pub state: String,
    /// When that state was recorded (RFC 3339).
    pub checked_at: String,
    /// From off (read, or written by `opt-out`) to on: switched back on.
    pub reenabled: bool,
    /// Whether the earlier state was set by this tool's `opt-out` (a verified write).
    pub by_opt_out: bool,
    /// A many-valued setting's earlier value as LinkedIn labels it, for people.
    #[serde(skip)]
    pub label: Option<String>,
}

/// A failure, as JSON shows it (`kind` by its stable name). The hint is kept for the output
/// layer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ErrorView {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip)]
    pub hint: Option<Hint>,
}

impl From<&Error> for ErrorView {
    fn from(e: &Error) -> Self {
        ErrorView {
            kind: e.kind(),
            message: text::clean_line(&e.to_string(), 2 * text::MAX_SHOWN),
            hint: e.hint(),
        }
    }
}

/// A write made by `opt-out`, as read back afterwards; or a neighbour that write moved.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub id: String,
    /// The state's name before ([`SettingRow::state_name`]).
    pub before: String,
    /// Whether the state before kept the data private (for the history).
    #[serde(skip)]
    pub before_private: Option<bool>,
    /// The state's name read back after the write.
    pub after: String,
    /// Whether the read-back proves the setting private now.
    pub verified: bool,
    /// For a neighbour: the setting whose write moved it (the catalog's `moves`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_by: Option<String>,
}

/// The exact request a write would send (cookies and headers aside), for `--dry-run`.
#[derive(Clone, Debug, Serialize)]
pub struct PlannedWrite {
    pub id: String,
    pub method: &'static str,
    pub path: String,
    pub body: serde_json::Value,
}

/// The tool that wrote a JSON object, named in every one (`"tool": {"name", "version"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The audit of one account: the documented JSON object. A run that failed half-way still has
/// one, with the rows read so far and the error.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: u32,
    pub tool: Tool,
    pub account: Identity,
    pub checked_at: String,
    pub verdict: Verdict,
    pub settings: Vec<SettingRow>,
    /// The catalog's settings this run did not read (a `--setting`, a plain `opt-out`): the
    /// verdict speaks for the settings read, never for these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
    /// `opt-out --dry-run`: the requests that would have been sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<Vec<PlannedWrite>>,
    /// `audit --discover`: what LinkedIn's discovery lists hold that the catalog does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Discovered>,
    pub error: Option<ErrorView>,
}

/// What `audit --discover` found: never part of the verdict.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Discovered {
    /// The categories asked, one request each.
    pub categories: Vec<String>,
    /// Cards LinkedIn lists that the catalog does not know: new settings worth a look.
    pub new: Vec<NewSetting>,
    /// Categories whose list could not be read (or only in part), and why.
    pub not_listed: Vec<NotListed>,
    /// How many lists were read (in whole or in part).
    #[serde(skip)]
    pub read: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct NewSetting {
    pub card: String,
    pub text: String,
    pub category: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NotListed {
    pub category: String,
    pub reason: String,
}

impl Report {
    pub fn new(account: Identity, settings: Vec<SettingRow>, checked_at: String) -> Report {
        Report {
            schema: SCHEMA,
            tool: Tool::default(),
            account,
            checked_at,
            verdict: Verdict::from_settings(&settings),
            settings,
            not_read: Vec::new(),
            changes: None,
            planned: None,
            discovery: None,
            error: None,
        }
    }

    /// Names the catalog's readable settings that this run did not read.
    pub fn not_reading(mut self, not_read: Vec<String>) -> Report {
        self.not_read = not_read;
        self
    }

    /// Whether this is an `opt-out` report (it has what was written, or would be).
    pub fn is_opt_out(&self) -> bool {
        self.changes.is_some() || self.planned.is_some()
    }

    /// An `opt-out` report: its CSV and table have the columns of what was written, even
    /// when nothing was.
    pub fn as_opt_out(mut self) -> Report {
        if !self.is_opt_out() {
            self.changes = Some(Vec::new());
        }
        self
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: State, private: Option<bool>) -> SettingRow {
        SettingRow::bare("x", state, private)
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
        assert_eq!(r.error.as_ref().map(|e| e.kind), Some(ErrorKind::Throttled));
        let r = Report::new(
            Identity::default(),
            vec![row(State::On, Some(false))],
            "t".into(),
        )
        .stopped(&throttled);
        assert_eq!(r.verdict, Verdict::Exposed, "what was proven stays proven");
    }
}

#[cfg(test)]
mod reason_codes {
    use super::*;

    #[test]
    fn every_code_has_its_name_and_its_row_in_the_readme() {
        let readme = include_str!("../README.md");
        for (code, name) in ReasonCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), *name);
            assert_eq!(code.as_str(), *name);
            let listed = readme.lines().any(|l| {
                l.starts_with("| `")
                    && (l.contains(&format!("`{name}`"))
                        || (name.starts_with("not_found_") && l.contains("`not_found_empty_body`")))
            });
            assert!(listed, "the README's reason-code table lacks {name}");
        }
    }
}
