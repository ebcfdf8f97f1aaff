//! Members' own reports gathered into a summary: per setting, how many members have it private,
//! exposed, unknown or not offered; how many are fully private; the oldest report; the catalog
//! and tool versions; duplicates and the files skipped ([`gather`]); as a page ([`html`]).

pub mod feed;
pub mod gather;
pub mod html;
mod raw;
pub mod report;

use std::collections::BTreeMap;

use serde::Serialize;

pub use gather::{Counts, Duplicate, Gathered, Gatherer, MemberRow, Skipped};

#[derive(Serialize)]
pub struct Oldest {
    pub id: String,
    pub source: String,
    pub made_at: String,
}

/// The summary, as `--json` prints it.
#[derive(Serialize)]
pub struct Summary {
    pub schema: u32,
    pub tool: crate::report::Tool,
    /// Files (or standard input) read.
    pub files: u64,
    /// Members counted (each report once).
    pub members: u64,
    pub fully_private: u64,
    pub exposed: u64,
    pub incomplete: u64,
    pub settings: Vec<Counts>,
    pub oldest: Option<Oldest>,
    pub newest: Option<String>,
    pub catalogs: BTreeMap<String, u64>,
    pub tools: BTreeMap<String, u64>,
    pub duplicates: Vec<Duplicate>,
    pub duplicate_count: u64,
    pub skipped: Vec<Skipped>,
    pub skipped_count: u64,
    /// The members one by one (not in JSON: a summary of 100,000 stays small; `--format csv`
    /// of members, JUnit and the page have them).
    #[serde(skip)]
    pub rows: Vec<MemberRow>,
}

impl Summary {
    pub fn of(g: Gathered) -> Summary {
        let count = |v: &str| g.members.iter().filter(|m| m.verdict == v).count() as u64;
        let oldest = g
            .members
            .iter()
            .filter_map(|m| m.made_at.as_ref().map(|t| (t, m)))
            .min_by(|a, b| a.0.cmp(b.0))
            .map(|(t, m)| Oldest {
                id: m.id.clone(),
                source: m.source.clone(),
                made_at: t.clone(),
            });
        let newest = g.members.iter().filter_map(|m| m.made_at.clone()).max();
        Summary {
            schema: 1,
            tool: crate::report::Tool::default(),
            files: g.files,
            members: g.members.len() as u64,
            fully_private: count("private"),
            exposed: count("exposed"),
            incomplete: count("incomplete"),
            settings: g.settings,
            oldest,
            newest,
            catalogs: g.catalogs,
            tools: g.tools,
            duplicates: g.duplicates,
            duplicate_count: g.duplicate_count,
            skipped: g.skipped,
            skipped_count: g.skipped_count,
            rows: g.members,
        }
    }
}
