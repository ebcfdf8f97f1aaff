//! Reading the history back: every record in order (for the export and the verifier, one row at a
//! time), the settings' records for the timeline (borrowed from the covering index), the
//! objections.

use rusqlite::params;

use super::{Filter, History, Kind, Record, chain};
use crate::error::Result;

impl History {
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
             WHERE kind IN ('objection_draft', 'objection_sent', 'objection_confirmed', 'objection_extended')
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

pub(super) const COLUMNS: &str = "id, at, kind, site, member, profile, setting, state, private, before, \
                       verified, reply_sha256, tool_version, catalog, detail, prev, hash";

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
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
