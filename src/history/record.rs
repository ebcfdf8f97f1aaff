//! A record of the history: what it is about ([`Kind`]), its fields in the order its hash covers
//! them, and whose it is ([`Who`]).

use serde::{Deserialize, Serialize};

use super::TOOL_VERSION;
use super::chain;

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
    /// The member says LinkedIn answered it in writing (`detail`: the day).
    ObjectionConfirmed,
    /// The member says LinkedIn announced it takes two more months (`detail`: the day).
    ObjectionExtended,
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
            Kind::ObjectionConfirmed => "objection_confirmed",
            Kind::ObjectionExtended => "objection_extended",
            Kind::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Kind> {
        [
            Kind::Audit,
            Kind::Write,
            Kind::ObjectionDraft,
            Kind::ObjectionSent,
            Kind::ObjectionConfirmed,
            Kind::ObjectionExtended,
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

    pub(super) fn new(kind: Kind, who: &Who, at: &str) -> Record {
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
