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
pub mod timeline;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Hint, Result};
use crate::report::{Change, Previous, ReasonCode, Report, SettingRow, State};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "history.sqlite3";
/// How long a run waits for another one writing the history.
pub const BUSY_WAIT: Duration = Duration::from_secs(10);
/// `PRAGMA application_id`: marks the file as this tool's ("LPHV").
const APPLICATION_ID: i64 = 0x4c50_4856;
/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The tool version each record names.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The schema, one migration per version: `MIGRATIONS[n]` takes a file from version `n` to
/// `n + 1`. A released migration is never edited, only followed by another.
const MIGRATIONS: &[&str] = &["
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

/// What a record is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A setting read by `audit` (or by `opt-out` without a write).
    Audit,
    /// A setting written by `opt-out`: `before`, the state read back (`state`), `verified`.
    Write,
    /// `objection` pre-filled the form (`detail`: the fields filled).
    ObjectionDraft,
    /// The member says they sent the objection (`detail`: the day).
    ObjectionSent,
    /// A kind this version does not know (a record edited by hand, or written by a newer
    /// version): never written, only read, so that verification can name the record.
    #[serde(other)]
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Audit => "audit",
            Kind::Write => "write",
            Kind::ObjectionDraft => "objection_draft",
            Kind::ObjectionSent => "objection_sent",
            Kind::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Kind> {
        [
            Kind::Audit,
            Kind::Write,
            Kind::ObjectionDraft,
            Kind::ObjectionSent,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// One record, as stored and as exported. The field order is the order the hash covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub kind: Kind,
    /// `linkedin`, `sandbox`, or the origin of another `--base-url`.
    pub site: String,
    /// The member's public id, else their member URN.
    pub member: String,
    /// The profile or the bulk run's label the account was audited as.
    pub profile: Option<String>,
    pub setting: Option<String>,
    /// The state read (for a write: read back after it).
    pub state: Option<String>,
    /// Whether that state keeps the member's data private (`None`: it proves neither).
    pub private: Option<bool>,
    /// A write's state before it.
    pub before: Option<String>,
    /// Whether a write's read-back proved it.
    pub verified: Option<bool>,
    /// The SHA-256 of the reply the state was read from.
    pub reply_sha256: Option<String>,
    pub tool_version: String,
    /// The catalog's version (`sha256:…` of its TOML).
    pub catalog: Option<String>,
    /// More, as JSON text (an objection's fields, the day it was sent).
    pub detail: Option<String>,
    /// The previous record's hash ([`GENESIS`] for the first).
    pub prev: String,
    /// The SHA-256 of this record with `hash` left out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl Record {
    /// The SHA-256 of the record's canonical JSON (its fields in order, `hash` left out).
    pub fn content_hash(&self) -> String {
        let mut bytes = Vec::with_capacity(512);
        chain::Canonical::of(self).write(&mut bytes);
        chain::hash_of(&bytes)
    }

    fn new(kind: Kind, who: &Who, at: &str) -> Record {
        Record {
            id: 0,
            at: at.to_string(),
            kind,
            site: who.site.clone(),
            member: who.member.clone(),
            profile: who.profile.clone(),
            setting: None,
            state: None,
            private: None,
            before: None,
            verified: None,
            reply_sha256: None,
            tool_version: TOOL_VERSION.to_string(),
            catalog: None,
            detail: None,
            prev: String::new(),
            hash: String::new(),
        }
    }
}

/// Whose records: the site, the member, and the label they were audited under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub site: String,
    pub member: String,
    pub profile: Option<String>,
}

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
    /// Opens the history for writing, creating it (0600, in a 0700 folder) when it does not
    /// exist, and bringing an older schema up to date.
    pub fn open(path: &Path) -> Result<History> {
        if !exists(path)? {
            create_private(path)?;
        }
        // The header first, from the bytes: a file that is not ours, or newer, is left exactly
        // as it is, never handed to SQLite to write.
        check_file_header(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unreadable(path, &e))?;
        // Until the file is known to be ours, closing must not checkpoint a write-ahead log
        // into it (a newer version's log, say).
        let _ = conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        );
        conn.busy_timeout(BUSY_WAIT)
            .map_err(|e| unreadable(path, &e))?;
        let head = header(&conn).map_err(|e| unreadable(path, &e))?;
        check_header(path, &head)?;
        let version = head.version;
        let _ = conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            false,
        );
        // Switching to WAL takes the file for a moment; SQLite may then answer "busy" at once,
        // without waiting, to another run doing the same: such answers are waited out too.
        let mode: String = busy_retry(|| conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
            .map_err(|e| unreadable(path, &e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            busy_retry(|| conn.pragma_update(None, "journal_mode", "WAL"))
                .map_err(|e| unreadable(path, &e))?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| unreadable(path, &e))?;
        let mut history = History {
            conn,
            path: path.to_path_buf(),
            exposure: exposure(path),
        };
        if version < SCHEMA {
            history.migrate()?;
        }
        Ok(history)
    }

    /// Opens an existing history to read it: read-only, nothing created, migrated or
    /// converted (a history on read-only media, or handed over as evidence, reads as it is).
    /// `None` when there is none yet.
    pub fn open_existing(path: &Path) -> Result<Option<History>> {
        if !exists(path)? {
            return Ok(None);
        }
        check_file_header(path)?;
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, read_only)
            .and_then(|c| header(&c).map(|_| c))
            .or_else(|_| {
                // A write-ahead-logged file in a folder this user cannot write: read the file
                // as it is on disk.
                let uri = url::Url::from_file_path(
                    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                )
                .map(|u| format!("{u}?immutable=1"))
                .unwrap_or_default();
                Connection::open_with_flags(uri, read_only | OpenFlags::SQLITE_OPEN_URI)
            })
            .map_err(|e| unreadable(path, &e))?;
        let _ = conn.busy_timeout(BUSY_WAIT);
        let head = header(&conn).map_err(|e| unreadable(path, &e))?;
        check_header(path, &head)?;
        let version = head.version;
        if version == 0 {
            // Created, never written: nothing recorded yet.
            return Ok(None);
        }
        Ok(Some(History {
            conn,
            path: path.to_path_buf(),
            exposure: exposure(path),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the schema up to date, inside one write transaction (another run may be doing
    /// the same: the version is read again under the lock).
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        self.write_checked(|conn| {
            let fail = |e: rusqlite::Error| unreadable(&path, &e);
            let head = header(conn).map_err(fail)?;
            check_header(&path, &head)?;
            let version = head.version;
            for step in &MIGRATIONS[usize::try_from(version).unwrap_or(0)..] {
                conn.execute_batch(step).map_err(fail)?;
            }
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(fail)?;
            conn.pragma_update(None, "user_version", SCHEMA)
                .map_err(fail)
        })
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        unreadable(&self.path, &e)
    }

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
                    && last.state != row.state
                {
                    let was_private = last_private(tx, who, &row.id)?;
                    changed.insert(
                        row.id.clone(),
                        Previous {
                            reenabled: row.private == Some(false) && was_private == Some(true),
                            state: last.state,
                            checked_at: last.at,
                            by_opt_out: last.by_opt_out,
                        },
                    );
                }
                let mut r = Record::new(Kind::Audit, who, &report.checked_at);
                r.setting = Some(row.id.clone());
                r.state = Some(row.state.as_str().to_string());
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
                let change = changes.iter().find(|c| c.id == row.id);
                // What the setting was before anything was written: opt-out writes only a setting
                // it read as exposed.
                let (read, read_private) = match change {
                    Some(c) => (c.before, Some(false)),
                    None => (row.state, row.private),
                };
                if read_private == Some(false) && last_private(tx, who, &row.id)? == Some(true) {
                    back_on.push(row.id.clone());
                }
                let mut r = Record::new(Kind::Audit, who, at);
                r.setting = Some(row.id.clone());
                r.state = Some(read.as_str().to_string());
                r.private = read_private;
                r.catalog = Some(catalog.to_string());
                if change.is_none() {
                    r.reply_sha256 = row.reply_sha256.clone();
                }
                append(tx, r)?;
                if let Some(c) = change {
                    let mut w = Record::new(Kind::Write, who, at);
                    w.setting = Some(row.id.clone());
                    w.before = Some(c.before.as_str().to_string());
                    w.state = Some(c.after.as_str().to_string());
                    w.private = if c.after == row.state {
                        row.private
                    } else {
                        None
                    };
                    w.verified = Some(c.verified);
                    w.reply_sha256 = row.reply_sha256.clone();
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

    fn append_one(&mut self, r: Record) -> Result<()> {
        self.write(|tx| append(tx, r))
    }

    /// Runs `work` in one write transaction, committed when it succeeds: one writer at a time
    /// (another run waits up to [`BUSY_WAIT`]), and the chain's next link read and written under
    /// the same lock.
    fn write<T>(&mut self, work: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let path = self.path.clone();
        self.write_checked(|conn| work(conn).map_err(|e| unreadable(&path, &e)))
    }

    /// [`History::write`] for work whose errors are already the tool's.
    fn write_checked<T>(&mut self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = &self.conn;
        let fail = |e: rusqlite::Error| unreadable(&self.path, &e);
        busy_retry(|| conn.execute_batch("BEGIN IMMEDIATE")).map_err(fail)?;
        match work(conn) {
            Ok(out) => {
                busy_retry(|| conn.execute_batch("COMMIT")).map_err(|e| {
                    let _ = conn.execute_batch("ROLLBACK");
                    fail(e)
                })?;
                Ok(out)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// How many records the history holds.
    pub fn count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.fail(e))
    }

    /// Every record, in the order written.
    pub fn each(&self, mut f: impl FnMut(Record)) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM events ORDER BY id"))
            .map_err(|e| self.fail(e))?;
        let rows = stmt.query_map([], from_row).map_err(|e| self.fail(e))?;
        for r in rows {
            f(r.map_err(|e| self.fail(e))?);
        }
        Ok(())
    }

    /// Every record in the order written, as the hash covers it, with its stored hash:
    /// borrowed from the database a row at a time, so an export or a verification of any size
    /// holds one record.
    pub fn each_canonical(
        &self,
        mut f: impl FnMut(&chain::Canonical<'_>, &str) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM events ORDER BY id"))
            .map_err(|e| self.fail(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.fail(e))?;
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) => {
                        std::str::from_utf8(t).map(Some).map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(
                                i,
                                rusqlite::types::Type::Text,
                                Box::new(e),
                            )
                        })
                    }
                    rusqlite::types::ValueRef::Null => Ok(None),
                    _ => Err(rusqlite::Error::InvalidColumnType(
                        i,
                        String::new(),
                        rusqlite::types::Type::Text,
                    )),
                }
            };
            let read = || -> rusqlite::Result<(chain::Canonical<'_>, &str)> {
                let needed = |i: usize| text(i).map(Option::unwrap_or_default);
                Ok((
                    chain::Canonical {
                        id: row.get(0)?,
                        at: needed(1)?,
                        // A kind this version does not know is kept as such: its hash then
                        // names the record.
                        kind: Kind::parse(needed(2)?).unwrap_or(Kind::Unknown).as_str(),
                        site: needed(3)?,
                        member: needed(4)?,
                        profile: text(5)?,
                        setting: text(6)?,
                        state: text(7)?,
                        private: row.get(8)?,
                        before: text(9)?,
                        verified: row.get(10)?,
                        reply_sha256: text(11)?,
                        tool_version: needed(12)?,
                        catalog: text(13)?,
                        detail: text(14)?,
                        prev: needed(15)?,
                    },
                    needed(16)?,
                ))
            };
            let (canonical, hash) = read().map_err(|e| self.fail(e))?;
            f(&canonical, hash)?;
        }
        Ok(())
    }

    /// The settings' records (reads and writes) that pass the filter, by site, member and
    /// setting, each group in the order written. Read from the covering index, borrowed: a
    /// timeline over 100,000 records allocates per span, not per record.
    pub fn each_setting_record(
        &self,
        filter: &Filter,
        mut f: impl FnMut(&SettingRecord<'_>),
    ) -> Result<()> {
        let sql = "SELECT site, member, setting, kind, state, at, verified, profile, private
             FROM events INDEXED BY events_timeline
             WHERE kind IN ('audit', 'write')
               AND (?1 IS NULL OR at >= ?1)
               AND (?2 IS NULL OR setting = ?2)
               AND (?3 IS NULL OR profile = ?3)
             ORDER BY site, member, setting, id";
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.fail(e))?;
        let mut rows = stmt
            .query(params![filter.since, filter.setting, filter.profile])
            .map_err(|e| self.fail(e))?;
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            let opt_at = |i: usize| -> rusqlite::Result<Option<&str>> {
                match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) => {
                        std::str::from_utf8(t).map(Some).map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(
                                i,
                                rusqlite::types::Type::Text,
                                Box::new(e),
                            )
                        })
                    }
                    _ => Ok(None),
                }
            };
            let str_at = |i: usize| opt_at(i).map(Option::unwrap_or_default);
            let kind = str_at(3).map_err(|e| self.fail(e))?;
            let record = SettingRecord {
                site: str_at(0).map_err(|e| self.fail(e))?,
                member: str_at(1).map_err(|e| self.fail(e))?,
                setting: str_at(2).map_err(|e| self.fail(e))?,
                kind: Kind::parse(kind).unwrap_or(Kind::Audit),
                state: str_at(4).map_err(|e| self.fail(e))?,
                at: str_at(5).map_err(|e| self.fail(e))?,
                verified: row.get(6).map_err(|e| self.fail(e))?,
                profile: opt_at(7).map_err(|e| self.fail(e))?,
                private: row.get(8).map_err(|e| self.fail(e))?,
            };
            f(&record);
        }
        Ok(())
    }

    /// The objection records that pass the filter (the setting filter aside), in the order
    /// written.
    pub fn each_objection_record(&self, filter: &Filter, mut f: impl FnMut(Record)) -> Result<()> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events
             WHERE kind IN ('objection_draft', 'objection_sent')
               AND (?1 IS NULL OR at >= ?1)
               AND (?2 IS NULL OR profile = ?2)
             ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params![filter.since, filter.profile], from_row)
            .map_err(|e| self.fail(e))?;
        for r in rows {
            f(r.map_err(|e| self.fail(e))?);
        }
        Ok(())
    }
}

/// One record of a setting, borrowed from the database for [`History::each_setting_record`].
pub struct SettingRecord<'a> {
    pub site: &'a str,
    pub member: &'a str,
    pub setting: &'a str,
    pub kind: Kind,
    /// `""` for a record without one.
    pub state: &'a str,
    pub at: &'a str,
    pub verified: Option<bool>,
    pub profile: Option<&'a str>,
    pub private: Option<bool>,
}

/// Whether a row is recorded: informational entries are never read, so never recorded.
fn recorded(row: &SettingRow) -> bool {
    row.reason_code != Some(ReasonCode::Informational)
}

/// A state the history compares: proven on, proven off, or not offered. `unknown` is no state.
fn is_definite(state: State) -> bool {
    matches!(state, State::On | State::Off | State::NotOffered)
}

fn parse_state(text: &str) -> Option<State> {
    [State::On, State::Off, State::NotOffered, State::Unknown]
        .into_iter()
        .find(|s| s.as_str() == text)
}

/// The last definite state recorded for a member's setting.
struct Last {
    state: State,
    at: String,
    /// Set by `opt-out`: a write whose read-back proved the private state.
    by_opt_out: bool,
}

fn last_definite(conn: &Connection, who: &Who, setting: &str) -> rusqlite::Result<Option<Last>> {
    conn.query_row(
        "SELECT state, at, kind, verified, private FROM events
         WHERE site = ?1 AND member = ?2 AND setting = ?3
           AND kind IN ('audit', 'write') AND state IN ('on', 'off', 'not_offered')
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
        found.and_then(|(state, at, kind, verified, private)| {
            Some(Last {
                state: parse_state(&state)?,
                at,
                by_opt_out: kind == Kind::Write.as_str()
                    && verified == Some(true)
                    && private == Some(true),
            })
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

const COLUMNS: &str = "id, at, kind, site, member, profile, setting, state, private, before, \
                       verified, reply_sha256, tool_version, catalog, detail, prev, hash";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let kind: String = r.get(2)?;
    Ok(Record {
        id: r.get(0)?,
        at: r.get(1)?,
        // A kind this version does not know is kept as such: its hash then names the record.
        kind: Kind::parse(&kind).unwrap_or(Kind::Unknown),
        site: r.get(3)?,
        member: r.get(4)?,
        profile: r.get(5)?,
        setting: r.get(6)?,
        state: r.get(7)?,
        private: r.get(8)?,
        before: r.get(9)?,
        verified: r.get(10)?,
        reply_sha256: r.get(11)?,
        tool_version: r.get(12)?,
        catalog: r.get(13)?,
        detail: r.get(14)?,
        prev: r.get(15)?,
        hash: r.get(16)?,
    })
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

fn header(conn: &Connection) -> rusqlite::Result<Header> {
    // One statement, one snapshot: another run migrating the file in between is seen whole or
    // not at all.
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id),
                (SELECT user_version FROM pragma_user_version),
                (SELECT count(*) FROM sqlite_master)",
        [],
        |r| {
            Ok(Header {
                app: r.get(0)?,
                version: r.get(1)?,
                empty: r.get::<_, i64>(2)? == 0,
            })
        },
    )
}

/// What a file's header and schema say it is.
struct Header {
    app: i64,
    version: i64,
    /// No table at all: a file just created.
    empty: bool,
}

/// Runs `step` again while SQLite answers "busy" at once (as it may while another run switches
/// the file to WAL or recovers it, without calling the busy handler), for up to [`BUSY_WAIT`].
fn busy_retry<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let until = std::time::Instant::now() + BUSY_WAIT;
    loop {
        match step() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < until =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// Whether the history file exists; something there that is not a regular file (a folder, a
/// device) is an error. A symbolic link to a file is followed.
fn exists(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(_) => Err(unusable(
            path,
            "it is not a regular file",
            Some(Hint::HistoryElsewhere),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(unusable(path, &e.to_string(), None)),
    }
}

/// The same checks, on the file's first 100 bytes (SQLite's header), before SQLite opens it.
fn check_file_header(path: &Path) -> Result<()> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut head))
        .map_err(|e| unusable(path, &format!("cannot be read: {e}"), None))?;
    if head.is_empty() {
        // A new file (this run's, or one a killed run created): SQLite makes it a database.
        return Ok(());
    }
    if head.len() < 100 || !head.starts_with(b"SQLite format 3\0") {
        return Err(Error::History {
            path: path.display().to_string(),
            detail: "it is damaged or not an SQLite file; it is left as it is".to_string(),
            hint: Some(Hint::Text(move_away(path))),
        });
    }
    let word = |at: usize| {
        i64::from(u32::from_be_bytes([
            head[at],
            head[at + 1],
            head[at + 2],
            head[at + 3],
        ]))
    };
    let (version, app) = (word(60), word(68));
    if version > SCHEMA {
        return Err(newer(path, version));
    }
    if app != 0 && app != APPLICATION_ID {
        return Err(foreign(path));
    }
    Ok(())
}

fn newer(path: &Path, version: i64) -> Error {
    unusable(
        path,
        &format!(
            "it was written by a newer linkedin-privacy (history schema {version}; this version knows {SCHEMA}); it is left as it is"
        ),
        Some(Hint::UpgradeOrHistoryElsewhere),
    )
}

fn foreign(path: &Path) -> Error {
    unusable(
        path,
        "it is an SQLite file of something else, not a linkedin-privacy history; it is left as it is",
        Some(Hint::HistoryElsewhere),
    )
}

/// Refuses a file that belongs to something else, or that a newer version wrote.
fn check_header(path: &Path, h: &Header) -> Result<()> {
    if h.version > SCHEMA {
        return Err(newer(path, h.version));
    }
    let ours = h.app == APPLICATION_ID || (h.app == 0 && h.version == 0 && h.empty);
    if !ours {
        return Err(foreign(path));
    }
    Ok(())
}

/// Creates the file (0600, in a 0700 folder), before SQLite opens it. The folders above that
/// one are made as any program makes them.
fn create_private(path: &Path) -> Result<()> {
    let fail = |e: std::io::Error| unusable(path, &format!("cannot create it: {e}"), None);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Some(above) = dir.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(above).map_err(fail)?;
        }
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        match builder.create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(fail(e)),
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another run created it first: fine.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

/// Why another user could change the history (rewrite records, or replace the file), if they
/// can: the file or its folder is writable by them.
fn exposure(path: &Path) -> Option<String> {
    let shown = crate::text::shell_word(&path.display().to_string()).into_owned();
    if let Some(why) = crate::fsx::writable_by_others(path) {
        return Some(format!(
            "the history {} can be changed by another user ({why}); run `chmod 600 {shown}`",
            path.display()
        ));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    crate::fsx::writable_by_others(dir).map(|why| {
        format!(
            "the folder of the history {} can be changed by another user ({why}); run `chmod go-w {}`",
            path.display(),
            crate::text::shell_word(&dir.display().to_string())
        )
    })
}

/// The hint for a file that cannot be used: move it away, a new history starts.
fn move_away(path: &Path) -> String {
    format!(
        "move it away (`mv {0} {0}.broken`): the next run starts a new history",
        crate::text::shell_word(&path.display().to_string())
    )
}

fn unusable(path: &Path, detail: &str, hint: Option<Hint>) -> Error {
    Error::History {
        path: path.display().to_string(),
        detail: detail.to_string(),
        hint,
    }
}

/// An SQLite error, in words: a busy file, a damaged one, anything else.
fn unreadable(path: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let code = e.sqlite_error_code();
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => unusable(
            path,
            &format!(
                "another run kept it busy for more than {} s",
                BUSY_WAIT.as_secs()
            ),
            Some(Hint::text("try again when the other run is done")),
        ),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::History {
            path: path.display().to_string(),
            detail: "it is damaged or not an SQLite file; it is left as it is".to_string(),
            hint: Some(Hint::Text(move_away(path))),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            unusable(
                path,
                &format!(
                    "cannot be read or written: {}",
                    crate::text::clean_line(&e.to_string(), 200)
                ),
                Some(Hint::text("check its permissions and those of its folder")),
            )
        }
        // A full disk, a file size limit, a failing disk: the file is not damaged, and moving it
        // away would break an intact chain. Only what SQLite calls corrupt gets that advice.
        Some(ErrorCode::DiskFull) => unusable(
            path,
            "cannot be written: the disk is full (or a file size limit was reached); the history is left as it was",
            Some(Hint::text("free some space, then run again")),
        ),
        Some(ErrorCode::SystemIoFailure) => unusable(
            path,
            &format!(
                "cannot be read or written (an I/O error: {}); the history is left as it was",
                crate::text::clean_line(&e.to_string(), 120)
            ),
            Some(Hint::text(
                "check the disk and the free space, then run again",
            )),
        ),
        _ => unusable(
            path,
            &crate::text::clean_line(&e.to_string(), 200),
            Some(Hint::text(
                "try again; if it keeps failing, check the disk and the file's permissions",
            )),
        ),
    }
}

/// A row of the generative-AI toggle in this state (private when off), for the tests.
#[cfg(test)]
pub(crate) fn ai_row(state: State) -> SettingRow {
    SettingRow {
        id: "generative-ai-training".into(),
        title: "AI".into(),
        state,
        private: match state {
            State::On => Some(false),
            State::Off => Some(true),
            _ => None,
        },
        reason: None,
        reason_code: None,
        url: String::new(),
        previous: None,
        advice: crate::report::Advice::Nothing,
        reply_sha256: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Identity;

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
        assert_eq!(p.state, State::Off);
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
