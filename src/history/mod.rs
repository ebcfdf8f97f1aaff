//! The history: every audit, write and objection, kept in an SQLite file so that the day a
//! setting comes back on is noticed, and so that the record can be shown to others.
//!
//! Records are keyed by the member (public id, else member URN) and the site (`linkedin`,
//! `sandbox`, or another origin), never by the token. Each record carries the SHA-256 of the
//! previous one (`prev`) and its own (`hash`), computed when it is written, so an edit to the
//! file is found by [`chain::verify`]. Appends run in an immediate transaction (one writer at a
//! time; others wait up to [`BUSY_WAIT`]); the file is in WAL mode, so a run killed mid-write
//! leaves it readable. A file this version cannot use (corrupt, not ours, a newer schema) is
//! never rewritten: the caller gets an [`Error::History`] and decides how loudly to say it.

pub mod chain;
mod file;
mod read;
mod record;
pub mod timeline;

pub use read::SettingRecord;
pub use record::{Kind, Record, Who};

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use read::COLUMNS;

use crate::error::Result;
use crate::report::{Change, Previous, ReasonCode, Report, SettingRow, State};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "history.sqlite3";
/// How long a run waits for another one writing the history.
pub const BUSY_WAIT: Duration = Duration::from_secs(10);
/// `PRAGMA application_id`: marks the file as this tool's ("LPHV").
pub(crate) const APPLICATION_ID: i64 = 0x4c50_4856;
/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The tool version each record names.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The schema, one migration per version: `MIGRATIONS[n]` takes a file from version `n` to
/// `n + 1`. A released migration is never edited, only followed by another.
pub(crate) const MIGRATIONS: &[&str] = &["
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    site TEXT NOT NULL,
    member TEXT NOT NULL,
    profile TEXT,
    setting TEXT,
    state TEXT,
    private INTEGER,
    before TEXT,
    verified INTEGER,
    reply_sha256 TEXT,
    tool_version TEXT NOT NULL,
    catalog TEXT,
    detail TEXT,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
-- Covers the timeline and the last state of a setting: read in order, without the table.
CREATE INDEX events_timeline ON events (site, member, setting, id, kind, state, private, at, verified, profile);
CREATE INDEX events_by_kind ON events (kind, id);
"];

/// The schema version this binary writes.
pub const SCHEMA: i64 = MIGRATIONS.len() as i64;

/// An open history.
pub struct History {
    conn: Connection,
    path: PathBuf,
    /// Why another user could change the file, if they can (said as a warning by the caller).
    pub exposure: Option<String>,
}

/// What `history` filters on.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Records at or after this time (RFC 3339).
    pub since: Option<String>,
    pub setting: Option<String>,
    pub profile: Option<String>,
}

impl History {
    /// Records an audit's rows (informational entries aside). Returns, for each row whose state
    /// differs from the one last recorded, what that was ([`Previous`]): the caller puts it
    /// into the view.
    pub fn record_audit(
        &mut self,
        who: &Who,
        catalog: &str,
        report: &Report,
    ) -> Result<std::collections::HashMap<String, Previous>> {
        self.write(|tx| {
            let mut changed = std::collections::HashMap::new();
            for row in report.settings.iter().filter(|r| recorded(r)) {
                let last = last_definite(tx, who, &row.id)?;
                if let Some(last) = last
                    && is_definite(row.state)
                    && last.state != row.state_name()
                {
                    let was_private = last_private(tx, who, &row.id)?;
                    changed.insert(
                        row.id.clone(),
                        Previous {
                            reenabled: row.private == Some(false) && was_private == Some(true),
                            state: last.state,
                            checked_at: last.at,
                            by_opt_out: last.by_opt_out,
                            label: None,
                        },
                    );
                }
                let mut r = Record::new(Kind::Audit, who, &report.checked_at);
                r.setting = Some(row.id.clone());
                r.state = Some(row.state_name().to_string());
                r.private = row.private;
                r.reply_sha256 = row.reply_sha256.clone();
                r.catalog = Some(catalog.to_string());
                append(tx, r)?;
            }
            Ok(changed)
        })
    }

    /// Records an `opt-out`: for each written setting the state read before the write (so a
    /// setting switched back on shows in the timeline), then the write with the state read back
    /// and whether it proved the change; the other rows as reads. Returns the ids of settings
    /// found exposed again after the history last saw them private.
    pub fn record_opt_out(
        &mut self,
        who: &Who,
        catalog: &str,
        at: &str,
        rows: &[SettingRow],
        changes: &[Change],
    ) -> Result<Vec<String>> {
        self.write(|tx| {
            let mut back_on = Vec::new();
            for row in rows.iter().filter(|r| recorded(r)) {
                let mine: Vec<&Change> = changes.iter().filter(|c| c.id == row.id).collect();
                // What the setting was before anything was written, as read then.
                let (read, read_private) = match mine.first() {
                    Some(c) => (c.before.as_str(), c.before_private),
                    None => (row.state_name(), row.private),
                };
                if read_private == Some(false) && last_private(tx, who, &row.id)? == Some(true) {
                    back_on.push(row.id.clone());
                }
                let mut r = Record::new(Kind::Audit, who, at);
                r.setting = Some(row.id.clone());
                r.state = Some(read.to_string());
                r.private = read_private;
                r.catalog = Some(catalog.to_string());
                if mine.is_empty() {
                    r.reply_sha256 = row.reply_sha256.clone();
                }
                append(tx, r)?;
                // Each change in turn: a write of this setting is a write (its read-back, and
                // whether it proved the change); a move by another setting's write is a read.
                for (n, c) in mine.iter().enumerate() {
                    let last = n + 1 == mine.len();
                    // Whether the state after is private: the row's, for the last change (the
                    // row is what was read last); the next change's "before" otherwise.
                    let after_private = if last {
                        (c.after == row.state_name())
                            .then_some(row.private)
                            .flatten()
                    } else {
                        mine[n + 1].before_private
                    };
                    let kind = if c.moved_by.is_some() {
                        Kind::Audit
                    } else {
                        Kind::Write
                    };
                    let mut w = Record::new(kind, who, at);
                    w.setting = Some(row.id.clone());
                    w.state = Some(c.after.clone());
                    w.private = after_private;
                    if kind == Kind::Write {
                        w.before = Some(c.before.clone());
                        w.verified = Some(c.verified);
                    }
                    if last {
                        w.reply_sha256 = row.reply_sha256.clone();
                    }
                    w.catalog = Some(catalog.to_string());
                    append(tx, w)?;
                }
            }
            Ok(back_on)
        })
    }

    /// Records that `objection` pre-filled the form, with the names of the fields it filled.
    pub fn record_objection_draft(&mut self, who: &Who, at: &str, fields: &[&str]) -> Result<()> {
        let mut r = Record::new(Kind::ObjectionDraft, who, at);
        r.detail = Some(serde_json::json!({ "fields": fields }).to_string());
        self.append_one(r)
    }

    /// Records that the member sent their objection on `day`.
    pub fn record_objection_sent(
        &mut self,
        who: &Who,
        at: &str,
        day: crate::clock::Day,
    ) -> Result<()> {
        let mut r = Record::new(Kind::ObjectionSent, who, at);
        r.detail = Some(serde_json::json!({ "sent_on": day.to_string() }).to_string());
        self.append_one(r)
    }

    /// Records that LinkedIn answered the objection in writing on `day`.
    pub fn record_objection_confirmed(
        &mut self,
        who: &Who,
        at: &str,
        day: crate::clock::Day,
    ) -> Result<()> {
        let mut r = Record::new(Kind::ObjectionConfirmed, who, at);
        r.detail = Some(serde_json::json!({ "confirmed_on": day.to_string() }).to_string());
        self.append_one(r)
    }

    /// Records that LinkedIn announced on `day` that it takes two more months (Art. 12(3)).
    pub fn record_objection_extended(
        &mut self,
        who: &Who,
        at: &str,
        day: crate::clock::Day,
    ) -> Result<()> {
        let mut r = Record::new(Kind::ObjectionExtended, who, at);
        r.detail = Some(serde_json::json!({ "extended_on": day.to_string() }).to_string());
        self.append_one(r)
    }

    fn append_one(&mut self, r: Record) -> Result<()> {
        self.write(|tx| append(tx, r))
    }
}

/// Whether a row is recorded: informational entries are never read, so never recorded.
fn recorded(row: &SettingRow) -> bool {
    row.reason_code != Some(ReasonCode::Informational)
}

/// A state the history compares: proven on, proven off, a many-valued setting's value, or not
/// offered. `unknown` is no state.
fn is_definite(state: State) -> bool {
    matches!(
        state,
        State::On | State::Off | State::Chosen | State::NotOffered
    )
}

/// The last definite state recorded for a member's setting.
struct Last {
    /// Its name ([`SettingRow::state_name`]).
    state: String,
    at: String,
    /// Set by `opt-out`: a write whose read-back proved the private state.
    by_opt_out: bool,
}

fn last_definite(conn: &Connection, who: &Who, setting: &str) -> rusqlite::Result<Option<Last>> {
    conn.query_row(
        "SELECT state, at, kind, verified, private FROM events
         WHERE site = ?1 AND member = ?2 AND setting = ?3
           AND kind IN ('audit', 'write') AND state IS NOT NULL
           AND state NOT IN ('', 'unknown', 'informational')
         ORDER BY id DESC LIMIT 1",
        params![who.site, who.member, setting],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<bool>>(3)?,
                r.get::<_, Option<bool>>(4)?,
            ))
        },
    )
    .optional()
    .map(|found| {
        found.map(|(state, at, kind, verified, private)| Last {
            state,
            at,
            by_opt_out: kind == Kind::Write.as_str()
                && verified == Some(true)
                && private == Some(true),
        })
    })
}

/// Whether the last state recorded that proved either kept the member's data private (a
/// state that proves neither, `not_offered` or `unknown`, is skipped): "switched back on" is
/// from private to exposed, whichever position of the toggle is private.
fn last_private(conn: &Connection, who: &Who, setting: &str) -> rusqlite::Result<Option<bool>> {
    conn.query_row(
        "SELECT private FROM events
         WHERE site = ?1 AND member = ?2 AND setting = ?3
           AND kind IN ('audit', 'write') AND private IS NOT NULL
         ORDER BY id DESC LIMIT 1",
        params![who.site, who.member, setting],
        |r| r.get::<_, Option<bool>>(0),
    )
    .optional()
    .map(Option::flatten)
}

/// Appends a record after the last one: its id, `prev` and `hash` are set here, inside the
/// caller's write transaction, so the chain never forks.
fn append(conn: &Connection, mut r: Record) -> rusqlite::Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    r.id = id;
    r.prev = prev;
    r.hash = r.content_hash();
    conn.execute(
        &format!(
            "INSERT INTO events ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ),
        params![
            r.id,
            r.at,
            r.kind.as_str(),
            r.site,
            r.member,
            r.profile,
            r.setting,
            r.state,
            r.private,
            r.before,
            r.verified,
            r.reply_sha256,
            r.tool_version,
            r.catalog,
            r.detail,
            r.prev,
            r.hash
        ],
    )?;
    Ok(())
}

/// A row of the generative-AI toggle in this state (private when off), for the tests.
#[cfg(test)]
pub(crate) fn ai_row(state: State) -> SettingRow {
    let private = match state {
        State::On => Some(false),
        State::Off => Some(true),
        _ => None,
    };
    SettingRow {
        title: "AI".into(),
        ..SettingRow::bare("generative-ai-training", state, private)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Identity;
    use std::path::Path;

    fn who() -> Who {
        Who {
            site: "linkedin".into(),
            member: "ada-lovelace".into(),
            profile: Some("default".into()),
        }
    }

    fn report(at: &str, state: State) -> Report {
        let mut row = ai_row(state);
        row.reply_sha256 = Some("ab".repeat(32));
        Report::new(Identity::default(), vec![row], at.to_string())
    }

    #[test]
    fn off_then_on_is_a_reenablement_and_unknown_is_no_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite3")).unwrap();
        let r = report("2026-10-01T08:00:00Z", State::Off);
        assert!(h.record_audit(&who(), "c", &r).unwrap().is_empty());
        let r = report("2026-10-08T08:00:00Z", State::Unknown);
        assert!(h.record_audit(&who(), "c", &r).unwrap().is_empty());
        let r = report("2026-10-15T08:00:00Z", State::On);
        let changed = h.record_audit(&who(), "c", &r).unwrap();
        assert_eq!(changed.len(), 1);
        let p = changed["generative-ai-training"].clone();
        assert_eq!(p.state, "off");
        assert_eq!(p.checked_at, "2026-10-01T08:00:00Z");
        assert!(p.reenabled);
        // Another member's records are theirs alone.
        let other = Who {
            member: "someone-else".into(),
            ..who()
        };
        let r = report("2026-10-15T08:00:00Z", State::On);
        assert!(h.record_audit(&other, "c", &r).unwrap().is_empty());
        assert_eq!(h.count().unwrap(), 4);
    }

    #[test]
    fn the_chain_links_every_record_to_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite3")).unwrap();
        for day in 1..=3 {
            let r = report(&format!("2026-10-0{day}T08:00:00Z"), State::Off);
            h.record_audit(&who(), "c", &r).unwrap();
        }
        let mut all = Vec::new();
        h.each(|r| all.push(r)).unwrap();
        assert_eq!(all[0].prev, GENESIS);
        for pair in all.windows(2) {
            assert_eq!(pair[1].prev, pair[0].hash);
        }
        for r in &all {
            assert_eq!(r.hash, r.content_hash());
        }
    }

    #[test]
    fn a_newer_schema_or_a_foreign_file_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            c.pragma_update(None, "user_version", SCHEMA + 1).unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let Err(e) = History::open(&path) else {
            panic!("a newer schema was opened")
        };
        assert!(e.to_string().contains("newer"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);

        let foreign = dir.path().join("other.sqlite3");
        {
            let c = Connection::open(&foreign).unwrap();
            c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let before = std::fs::read(&foreign).unwrap();
        let Err(e) = History::open(&foreign) else {
            panic!("a foreign file was opened")
        };
        assert!(e.to_string().contains("something else"), "{e}");
        assert_eq!(std::fs::read(&foreign).unwrap(), before);
    }

    #[test]
    fn created_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/h.sqlite3");
        History::open(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }
}
