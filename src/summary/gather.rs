//! Counting many members' reports (and audit JSON or NDJSON lines) as they come: memory holds the
//! counts and one short row per member, never the files. Each document is first examined alone
//! ([`examine`]: parsed, its digest checked, its settings read; [`super::feed`] does that on
//! several threads) and then counted in the order read ([`Gatherer::merge`]: duplicates, the
//! table). A damaged, duplicate, foreign or newer file is named and skipped, never fatal.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::raw::Raw;

use super::report::{self, KIND};

/// The most settings counted; a file naming more is another program's.
const MAX_SETTINGS: usize = 500;
/// The most skipped files or duplicates named one by one.
pub(super) const MAX_NAMED: usize = 1000;

/// One member, as the summary shows them.
#[derive(Clone, Debug, Serialize)]
pub struct MemberRow {
    /// The report id, or for audit JSON the account's label or public id.
    pub id: String,
    /// Where it was read (`reports/ada.json`, `bulk.ndjson:12`).
    pub source: String,
    pub made_at: Option<String>,
    /// `private`, `exposed` or `incomplete`, from the settings read (never the file's word).
    pub verdict: &'static str,
    pub exposed: u32,
    pub private: u32,
    pub unknown: u32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub id: String,
    pub private: u64,
    pub exposed: u64,
    pub unknown: u64,
    pub not_offered: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub source: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub source: String,
}

#[derive(Default)]
pub struct Gatherer {
    settings: BTreeMap<String, Counts>,
    members: Vec<MemberRow>,
    /// Each report id counted, with its digest (the same id with other content is a conflict).
    seen: HashMap<String, Option<u64>>,
    /// Settings left out of the table once it held [`MAX_SETTINGS`] ids (never out of a
    /// member's verdict).
    pub dropped_settings: u64,
    skipped: Vec<Skipped>,
    skipped_count: u64,
    duplicates: Vec<Duplicate>,
    duplicate_count: u64,
    catalogs: BTreeMap<String, u64>,
    tools: BTreeMap<String, u64>,
    files: u64,
}

/// Everything gathered.
pub struct Gathered {
    pub settings: Vec<Counts>,
    pub members: Vec<MemberRow>,
    pub skipped: Vec<Skipped>,
    pub skipped_count: u64,
    pub duplicates: Vec<Duplicate>,
    pub duplicate_count: u64,
    pub catalogs: BTreeMap<String, u64>,
    pub tools: BTreeMap<String, u64>,
    pub files: u64,
    pub dropped_settings: u64,
}

/// What one document is, examined alone: a member to count, or why it is skipped.
pub(super) enum Outcome {
    Member(Box<Doc>),
    Skip {
        source: String,
        why: String,
    },
    /// A file begins.
    File,
    /// Skipped documents past those named.
    SkippedMore(u64),
}

/// A document's member, with all [`Gatherer::merge`] needs and nothing else: its strings one
/// after another in `text` (a few allocations per member, made on a worker and freed on the
/// counting thread, instead of one per string).
pub(super) struct Doc {
    text: String,
    /// The report id, cleaned.
    id: Span,
    /// Where it was read, cleaned.
    source: Span,
    /// As UTC, so that times compare as text.
    made_at: Option<Span>,
    catalog: Option<Span>,
    tool: Option<Span>,
    /// The file's own verdict is `exposed`.
    stated_exposed: bool,
    /// The file's own verdict is `private` and the audit read everything it meant to.
    stated_private_whole: bool,
    /// A short hash of the integrity digest: 100,000 ids stay small.
    digest: Option<u64>,
    /// Each setting once, informational ones left out.
    settings: Vec<Read>,
}

/// Where a string is in [`Doc::text`] (a document is at most 16 MiB).
#[derive(Clone, Copy)]
struct Span(u32, u32);

impl Doc {
    fn put(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span(start, self.text.len() as u32)
    }

    fn get(&self, s: Span) -> &str {
        &self.text[s.0 as usize..s.1 as usize]
    }
}

/// One setting of one member.
struct Read {
    id: Span,
    private: Option<bool>,
    not_offered: bool,
}

/// One document, its strings borrowed from `bytes`. Text checked as UTF-8 once, in one pass, is
/// read faster than bytes checked string by string.
pub(super) fn parse(bytes: &[u8]) -> serde_json::Result<Raw<'_>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

fn skip(source: &str, why: impl Into<String>) -> Outcome {
    Outcome::Skip {
        source: source.to_string(),
        why: why.into(),
    }
}

/// One document, alone: a member's report, or an audit's JSON (one account, or a bulk run's
/// line).
pub(super) fn examine(source: &str, obj: &Raw) -> Outcome {
    if !obj.is_object() {
        return skip(source, "is not a report (not a JSON object)");
    }
    let schema = obj.get("schema").and_then(Raw::as_u64);
    let (id, made_at, settings, catalog, tool) = if obj.get("kind").and_then(Raw::as_str)
        == Some(KIND)
    {
        match schema {
            Some(report::SCHEMA) => {}
            Some(n) if n > report::SCHEMA => {
                return skip(
                    source,
                    format!("is a report of schema {n}, newer than this version reads: upgrade"),
                );
            }
            _ => return skip(source, "is a report of an unknown schema"),
        }
        if obj.get("integrity").is_none() {
            return skip(source, "is a report without its integrity digest");
        }
        if !report::intact(obj) {
            return skip(
                source,
                "is damaged: its integrity digest does not match its content",
            );
        }
        let Some(id) = obj.get("report_id").and_then(Raw::as_str) else {
            return skip(source, "is a report without a report_id");
        };
        (
            std::borrow::Cow::Borrowed(id),
            obj.get("made_at"),
            obj.get("settings"),
            obj.get("catalog").and_then(Raw::as_str),
            obj.get("tool").and_then(|t| t.get("version")),
        )
    } else if obj.contains_key("verdict") && obj.contains_key("settings") {
        match schema {
            Some(3) => {}
            Some(n) if n > 3 => {
                return skip(
                    source,
                    format!("is an audit of schema {n}, newer than this version reads: upgrade"),
                );
            }
            _ => return skip(source, "is an audit of an older schema"),
        }
        // A bulk run's line for an account that was not audited (a resume file keeps it and
        // appends the retry): not a member's state.
        let empty = obj
            .get("settings")
            .and_then(Raw::as_array)
            .is_none_or(<[Raw]>::is_empty);
        if empty && obj.get("error").is_some_and(|e| !e.is_null()) {
            return skip(source, "records an audit that did not run");
        }
        // A label is the file's own (another file's `demo` is another person); a single
        // audit's JSON has the member's public id.
        let account = obj.get("account");
        let file = source.rsplit_once(':').map_or(source, |(f, _)| f);
        let id = match (
            account.and_then(|a| a.get("label")).and_then(Raw::as_str),
            account
                .and_then(|a| a.get("public_id"))
                .and_then(Raw::as_str),
        ) {
            (Some(label), _) => std::borrow::Cow::Owned(format!("{file}#{label}")),
            (None, Some(public_id)) => std::borrow::Cow::Borrowed(public_id),
            (None, None) => std::borrow::Cow::Borrowed(source),
        };
        (
            id,
            obj.get("checked_at"),
            obj.get("settings"),
            None,
            obj.get("tool").and_then(|t| t.get("version")),
        )
    } else {
        return skip(source, "is not a linkedin-privacy report or audit");
    };
    // What the file itself says of the audit: a verdict is never moved up from it, and an audit
    // that stopped or left settings out is not fully private.
    let stated = obj
        .get("verdict")
        .and_then(Raw::as_str)
        .unwrap_or("incomplete");
    let partial = obj.get("stopped").is_some_and(|e| !e.is_null())
        || obj.get("error").is_some_and(|e| !e.is_null())
        || obj
            .get("not_read")
            .and_then(Raw::as_array)
            .is_some_and(|n| !n.is_empty());
    let digest = obj
        .get("integrity")
        .and_then(|i| i.get("sha256"))
        .and_then(Raw::as_str)
        .map(|d| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            d.hash(&mut h);
            h.finish()
        });
    let Some(settings) = settings.and_then(Raw::as_array) else {
        return skip(source, "has no list of settings");
    };
    if settings.len() > MAX_SETTINGS {
        return skip(source, format!("names more than {MAX_SETTINGS} settings"));
    }
    if settings
        .iter()
        .any(|s| s.get("id").and_then(Raw::as_str).is_none())
    {
        return skip(source, "is damaged: a setting without an id");
    }
    // A setting listed twice in one report counts once (a report rarely repeats one: the set is
    // made only when the sorted ids show a repeat).
    let mut ids: Vec<&str> = settings
        .iter()
        .filter_map(|s| s.get("id").and_then(Raw::as_str))
        .collect();
    ids.sort_unstable();
    let mut once: Option<HashSet<&str>> = ids.windows(2).any(|w| w[0] == w[1]).then(HashSet::new);
    let mut doc = Doc {
        text: String::with_capacity(256 + settings.len() * 32),
        id: Span(0, 0),
        source: Span(0, 0),
        made_at: None,
        catalog: None,
        tool: None,
        stated_exposed: stated == "exposed",
        stated_private_whole: stated == "private" && !partial,
        digest,
        settings: Vec::with_capacity(settings.len()),
    };
    doc.id = doc.put(&crate::text::clean_line(&id, 120));
    doc.source = doc.put(&crate::text::clean_line(source, 200));
    doc.made_at = made_at
        .and_then(Raw::as_str)
        .and_then(crate::clock::FixedClock::parse)
        .map(|c| doc.put(&crate::clock::rfc3339(c.0)));
    doc.catalog = catalog.map(|c| doc.put(c));
    doc.tool = tool.and_then(Raw::as_str).map(|t| doc.put(t));
    for s in settings {
        let Some(sid) = s.get("id").and_then(Raw::as_str) else {
            continue;
        };
        let state = s.get("state").and_then(Raw::as_str).unwrap_or("unknown");
        if state == "informational" || once.as_mut().is_some_and(|o| !o.insert(sid)) {
            continue;
        }
        let read = Read {
            id: doc.put(sid),
            private: s.get("private").and_then(Raw::as_bool),
            not_offered: state == "not_offered",
        };
        doc.settings.push(read);
    }
    Outcome::Member(Box::new(doc))
}

/// Counts one setting of one member (in the table when `counts` is given).
fn count(counts: Option<&mut Counts>, row: &mut MemberRow, s: &Read) {
    let mut scratch = Counts::default();
    let counts = counts.unwrap_or(&mut scratch);
    match (s.private, s.not_offered) {
        (Some(true), _) => {
            counts.private += 1;
            row.private += 1;
        }
        (Some(false), _) => {
            counts.exposed += 1;
            row.exposed += 1;
        }
        (None, true) => counts.not_offered += 1,
        (None, false) => {
            counts.unknown += 1;
            row.unknown += 1;
        }
    }
}

impl Gatherer {
    fn skip(&mut self, source: &str, why: String) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_NAMED {
            self.skipped.push(Skipped {
                source: crate::text::clean_line(source, 200),
                why,
            });
        }
    }

    /// Counts what [`examine`] made of a document, in the order the documents were read.
    pub(super) fn take(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Skip { source, why } => self.skip(&source, why),
            Outcome::Member(doc) => self.merge(*doc),
            Outcome::File => self.files += 1,
            Outcome::SkippedMore(n) => self.skipped_count += n,
        }
    }

    fn merge(&mut self, doc: Doc) {
        let id = doc.get(doc.id);
        let source = doc.get(doc.source);
        if let Some(before) = self.seen.get(id) {
            if before.is_some() && doc.digest.is_some() && *before != doc.digest {
                self.skip(
                    source,
                    format!("has the report id {id} of a report counted before, with other content: check both with the member"),
                );
                return;
            }
            self.duplicate_count += 1;
            if self.duplicates.len() < MAX_NAMED {
                self.duplicates.push(Duplicate {
                    id: id.to_string(),
                    source: source.to_string(),
                });
            }
            return;
        }
        self.seen.insert(id.to_string(), doc.digest);
        let mut row = MemberRow {
            id: id.to_string(),
            source: source.to_string(),
            made_at: doc.made_at.map(|m| doc.get(m).to_string()),
            verdict: "incomplete",
            exposed: 0,
            private: 0,
            unknown: 0,
        };
        for s in &doc.settings {
            let sid = doc.get(s.id);
            // Looked up as written first: a new id is cleaned once, when it is first seen.
            if let Some(counts) = self.settings.get_mut(sid) {
                count(Some(counts), &mut row, s);
                continue;
            }
            let cleaned = crate::text::clean_line(sid, 80);
            // An id that needed cleaning is counted under its clean form; once the table is
            // full, a new one counts only in the member's verdict.
            if !self.settings.contains_key(&cleaned) && self.settings.len() >= MAX_SETTINGS {
                self.dropped_settings += 1;
                count(None, &mut row, s);
                continue;
            }
            let counts = self.settings.entry(cleaned).or_insert_with_key(|k| Counts {
                id: k.clone(),
                ..Counts::default()
            });
            count(Some(counts), &mut row, s);
        }
        // The contract's verdict from the states read, never better than the file's own word:
        // exposed when either says so, private only when both do and nothing was left out.
        row.verdict = if row.exposed > 0 || doc.stated_exposed {
            "exposed"
        } else if row.private > 0 && row.unknown == 0 && doc.stated_private_whole {
            "private"
        } else {
            "incomplete"
        };
        if let Some(c) = doc
            .catalog
            .map(|c| doc.get(c))
            .filter(|c| self.catalogs.contains_key(*c) || self.catalogs.len() < MAX_NAMED)
        {
            *self
                .catalogs
                .entry(crate::text::clean_line(c, 60))
                .or_default() += 1;
        }
        if let Some(t) = doc
            .tool
            .map(|t| doc.get(t))
            .filter(|t| self.tools.contains_key(*t) || self.tools.len() < MAX_NAMED)
        {
            *self
                .tools
                .entry(crate::text::clean_line(t, 40))
                .or_default() += 1;
        }
        self.members.push(row);
    }

    pub fn finish(self) -> Gathered {
        Gathered {
            settings: self.settings.into_values().collect(),
            members: self.members,
            skipped: self.skipped,
            skipped_count: self.skipped_count,
            duplicates: self.duplicates,
            duplicate_count: self.duplicate_count,
            catalogs: self.catalogs,
            tools: self.tools,
            files: self.files,
            dropped_settings: self.dropped_settings,
        }
    }
}
