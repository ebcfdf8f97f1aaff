//! The history's file: created private, opened only when it is this tool's (its header says
//! so, before SQLite may write a byte), migrated in one transaction, written one run at a time, and
//! every SQLite failure told in words (a busy file, a damaged one, a full disk).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{APPLICATION_ID, BUSY_WAIT, History, MIGRATIONS, SCHEMA};
use crate::error::{Error, Hint, Result};

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

    pub(super) fn fail(&self, e: rusqlite::Error) -> Error {
        unreadable(&self.path, &e)
    }

    /// Runs `work` in one write transaction, committed when it succeeds: one writer at a time
    /// (another run waits up to [`BUSY_WAIT`]), and the chain's next link read and written under
    /// the same lock.
    pub(super) fn write<T>(
        &mut self,
        work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
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
}

pub(super) fn header(conn: &Connection) -> rusqlite::Result<Header> {
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
pub(super) struct Header {
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
pub(super) fn exists(path: &Path) -> Result<bool> {
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
pub(super) fn check_file_header(path: &Path) -> Result<()> {
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

pub(super) fn newer(path: &Path, version: i64) -> Error {
    unusable(
        path,
        &format!(
            "it was written by a newer linkedin-privacy (history schema {version}; this version knows {SCHEMA}); it is left as it is"
        ),
        Some(Hint::UpgradeOrHistoryElsewhere),
    )
}

pub(super) fn foreign(path: &Path) -> Error {
    unusable(
        path,
        "it is an SQLite file of something else, not a linkedin-privacy history; it is left as it is",
        Some(Hint::HistoryElsewhere),
    )
}

/// Refuses a file that belongs to something else, or that a newer version wrote.
pub(super) fn check_header(path: &Path, h: &Header) -> Result<()> {
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
pub(super) fn create_private(path: &Path) -> Result<()> {
    let fail = |e: std::io::Error| unusable(path, &format!("cannot create it: {e}"), None);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsx::create_private_dir(dir).map_err(fail)?;
    }
    match crate::fsx::create_new_private(path) {
        Ok(_) => Ok(()),
        // Another run created it first: fine.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

/// Why another user could change the history (rewrite records, or replace the file), if they
/// can: the file or its folder is writable by them.
pub(super) fn exposure(path: &Path) -> Option<String> {
    let (place, why) = crate::fsx::exposed_file(path)?;
    let shown = crate::text::shell_word(&place.display().to_string()).into_owned();
    Some(if place.is_dir() {
        format!(
            "the history {} is in {}, which another user can change ({why}): its journal files could be planted there; keep it in a folder of your own, or run `chmod go-w {shown}`",
            path.display(),
            place.display()
        )
    } else {
        format!(
            "the history {} can be changed by another user ({why}); run `chmod 600 {shown}`",
            path.display()
        )
    })
}

/// The hint for a file that cannot be used: move it away, a new history starts.
pub(super) fn move_away(path: &Path) -> String {
    format!(
        "move it away (`mv {0} {0}.broken`): the next run starts a new history",
        crate::text::shell_word(&path.display().to_string())
    )
}

pub(super) fn unusable(path: &Path, detail: &str, hint: Option<Hint>) -> Error {
    Error::History {
        path: path.display().to_string(),
        detail: detail.to_string(),
        hint,
    }
}

/// An SQLite error, in words: a busy file, a damaged one, anything else.
pub(super) fn unreadable(path: &Path, e: &rusqlite::Error) -> Error {
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
