//! Reading many members' reports (and audit JSON or NDJSON lines) one document at a time, and
//! counting as they come: memory holds the counts and one short row per member, never the files.
//! A damaged, duplicate, foreign or newer file is named and skipped, never fatal.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::report::{self, KIND};

/// The longest line read (a report is a few KiB).
const MAX_LINE: usize = 1024 * 1024;
/// The largest file read as one document (pretty-printed JSON).
const MAX_DOCUMENT: usize = 16 * 1024 * 1024;
/// The most settings counted; a file naming more is another program's.
const MAX_SETTINGS: usize = 500;
/// The most skipped files or duplicates named one by one.
const MAX_NAMED: usize = 1000;

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

/// One setting of one member, for the member's verdict only (the table is full).
fn tally(row: &mut MemberRow, s: &Value, state: &str) {
    let mut scratch = Counts::default();
    count(&mut scratch, row, s, state);
}

/// Counts one setting of one member.
fn count(counts: &mut Counts, row: &mut MemberRow, s: &Value, state: &str) {
    match (s.get("private").and_then(Value::as_bool), state) {
        (Some(true), _) => {
            counts.private += 1;
            row.private += 1;
        }
        (Some(false), _) => {
            counts.exposed += 1;
            row.exposed += 1;
        }
        (None, "not_offered") => counts.not_offered += 1,
        (None, _) => {
            counts.unknown += 1;
            row.unknown += 1;
        }
    }
}

impl Gatherer {
    /// The files an input names: a file, every `.json`, `.ndjson` and `.jsonl` file of a folder
    /// (sorted, not below it), or `-` for standard input (`None`).
    pub fn expand(input: &Path) -> std::io::Result<Vec<Option<PathBuf>>> {
        if input == Path::new("-") {
            return Ok(vec![None]);
        }
        if input.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(input)?
                .flatten()
                .map(|e| e.path())
                // Every entry named like a report, regular or not: a FIFO or a device is then
                // named and skipped when it is opened, never left out silently.
                .filter(|p| {
                    !p.is_dir()
                        && p.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| matches!(e, "json" | "ndjson" | "jsonl"))
                })
                .collect();
            files.sort();
            return Ok(files.into_iter().map(Some).collect());
        }
        Ok(vec![Some(input.to_path_buf())])
    }

    /// Reads one file (or standard input), document by document: one JSON value per line, or
    /// the whole file as one document when its first line is not one.
    pub fn read(&mut self, name: &str, reader: &mut impl BufRead) {
        self.files += 1;
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        let mut whole: Option<Vec<u8>> = None;
        let mut first = true;
        loop {
            let got = match crate::fsx::read_line(reader, MAX_LINE, &mut buf) {
                Ok(g) => g,
                Err(e) => {
                    self.skip(name, format!("cannot be read: {e}"));
                    return;
                }
            };
            let Some(line) = got else { break };
            line_no += 1;
            if let Some(doc) = whole.as_mut() {
                if doc.len() + buf.len() + 1 > MAX_DOCUMENT {
                    self.skip(name, format!("is larger than {} MiB", MAX_DOCUMENT >> 20));
                    return;
                }
                if line == crate::fsx::Line::TooLong {
                    self.skip(name, "holds a line longer than 1 MiB".to_string());
                    return;
                }
                doc.extend_from_slice(&buf);
                doc.push(b'\n');
                continue;
            }
            if line == crate::fsx::Line::TooLong {
                self.skip(
                    &format!("{name}:{line_no}"),
                    "is longer than 1 MiB".to_string(),
                );
                continue;
            }
            if first && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                buf.drain(..3);
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Value>(&buf) {
                Ok(v) => self.document(&format!("{name}:{line_no}"), &v, None),
                // A first line that opens a document alone: the file is one (pretty-printed)
                // document. Any other line that is not JSON is skipped by itself.
                Err(_) if first && matches!(buf.trim_ascii(), b"{" | b"[") => {
                    let mut doc = buf.clone();
                    doc.push(b'\n');
                    whole = Some(doc);
                }
                Err(_) => self.skip(&format!("{name}:{line_no}"), "is not JSON".to_string()),
            }
            first = false;
        }
        if let Some(doc) = whole {
            match serde_json::from_slice::<Value>(&doc) {
                Ok(v) => self.document(name, &v, None),
                Err(e) => self.skip(
                    name,
                    format!("is not JSON (line {}, column {})", e.line(), e.column()),
                ),
            }
        }
    }

    /// A file that could not be opened (a FIFO, a device, no permission): named and skipped.
    pub fn skip_file(&mut self, name: &str, why: &str) {
        self.files += 1;
        self.skip(name, format!("cannot be read: {why}"));
    }

    fn skip(&mut self, source: &str, why: String) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_NAMED {
            self.skipped.push(Skipped {
                source: crate::text::clean_line(source, 200),
                why,
            });
        }
    }

    /// One document: a member's report, or an audit's JSON (one account, or a bulk run's line).
    fn document(&mut self, source: &str, v: &Value, intact: Option<bool>) {
        let Some(obj) = v.as_object() else {
            self.skip(source, "is not a report (not a JSON object)".to_string());
            return;
        };
        let schema = obj.get("schema").and_then(Value::as_u64);
        let (id, made_at, settings, catalog, tool) =
            if obj.get("kind").and_then(Value::as_str) == Some(KIND) {
                match schema {
                    Some(report::SCHEMA) => {}
                    Some(n) if n > report::SCHEMA => {
                        self.skip(
                            source,
                            format!(
                                "is a report of schema {n}, newer than this version reads: upgrade"
                            ),
                        );
                        return;
                    }
                    _ => {
                        self.skip(source, "is a report of an unknown schema".to_string());
                        return;
                    }
                }
                if obj.get("integrity").is_none() {
                    self.skip(
                        source,
                        "is a report without its integrity digest".to_string(),
                    );
                    return;
                }
                if !intact.unwrap_or_else(|| report::intact(v)) {
                    self.skip(
                        source,
                        "is damaged: its integrity digest does not match its content".to_string(),
                    );
                    return;
                }
                let Some(id) = obj.get("report_id").and_then(Value::as_str) else {
                    self.skip(source, "is a report without a report_id".to_string());
                    return;
                };
                (
                    id.to_string(),
                    obj.get("made_at")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    obj.get("settings"),
                    obj.get("catalog")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    obj.get("tool")
                        .and_then(|t| t.get("version"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                )
            } else if obj.contains_key("verdict") && obj.contains_key("settings") {
                match schema {
                    Some(3) => {}
                    Some(n) if n > 3 => {
                        self.skip(
                            source,
                            format!(
                                "is an audit of schema {n}, newer than this version reads: upgrade"
                            ),
                        );
                        return;
                    }
                    _ => {
                        self.skip(source, "is an audit of an older schema".to_string());
                        return;
                    }
                }
                // A bulk run's line for an account that was not audited (a resume file keeps it
                // and appends the retry): not a member's state.
                let empty = obj
                    .get("settings")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty);
                if empty && obj.get("error").is_some_and(|e| !e.is_null()) {
                    self.skip(source, "records an audit that did not run".to_string());
                    return;
                }
                // A label is the file's own (another file's `demo` is another person); a single
                // audit's JSON has the member's public id.
                let account = obj.get("account");
                let file = source.rsplit_once(':').map_or(source, |(f, _)| f);
                let id = match (
                    account.and_then(|a| a.get("label")).and_then(Value::as_str),
                    account
                        .and_then(|a| a.get("public_id"))
                        .and_then(Value::as_str),
                ) {
                    (Some(label), _) => format!("{file}#{label}"),
                    (None, Some(public_id)) => public_id.to_string(),
                    (None, None) => source.to_string(),
                };
                (
                    id,
                    obj.get("checked_at")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    obj.get("settings"),
                    None,
                    obj.get("tool")
                        .and_then(|t| t.get("version"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                )
            } else {
                self.skip(
                    source,
                    "is not a linkedin-privacy report or audit".to_string(),
                );
                return;
            };
        // What the file itself says of the audit: a verdict is never moved up from it, and an
        // audit that stopped or left settings out is not fully private.
        let stated = obj
            .get("verdict")
            .and_then(Value::as_str)
            .unwrap_or("incomplete");
        let partial = obj.get("stopped").is_some_and(|e| !e.is_null())
            || obj.get("error").is_some_and(|e| !e.is_null())
            || obj
                .get("not_read")
                .and_then(Value::as_array)
                .is_some_and(|n| !n.is_empty());
        // Kept as a short hash of the digest: 100,000 ids stay small.
        let digest = obj
            .get("integrity")
            .and_then(|i| i.get("sha256"))
            .and_then(Value::as_str)
            .map(|d| {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                d.hash(&mut h);
                h.finish()
            });
        let Some(settings) = settings.and_then(Value::as_array) else {
            self.skip(source, "has no list of settings".to_string());
            return;
        };
        if settings.len() > MAX_SETTINGS {
            self.skip(source, format!("names more than {MAX_SETTINGS} settings"));
            return;
        }
        if settings
            .iter()
            .any(|s| s.get("id").and_then(Value::as_str).is_none())
        {
            self.skip(source, "is damaged: a setting without an id".to_string());
            return;
        }
        let id = crate::text::clean_line(&id, 120);
        if let Some(before) = self.seen.get(&id) {
            if before.is_some() && digest.is_some() && *before != digest {
                self.skip(
                    source,
                    format!("has the report id {id} of a report counted before, with other content: check both with the member"),
                );
                return;
            }
            self.duplicate_count += 1;
            if self.duplicates.len() < MAX_NAMED {
                self.duplicates.push(Duplicate {
                    id,
                    source: crate::text::clean_line(source, 200),
                });
            }
            return;
        }
        self.seen.insert(id.clone(), digest);
        let mut row = MemberRow {
            id,
            source: crate::text::clean_line(source, 200),
            // As UTC, so that times compare as text.
            made_at: made_at
                .as_deref()
                .and_then(crate::clock::FixedClock::parse)
                .map(|c| crate::clock::rfc3339(c.0)),
            verdict: "incomplete",
            exposed: 0,
            private: 0,
            unknown: 0,
        };
        let mut once: HashSet<&str> = HashSet::new();
        for s in settings {
            let Some(sid) = s.get("id").and_then(Value::as_str) else {
                continue;
            };
            let state = s.get("state").and_then(Value::as_str).unwrap_or("unknown");
            // A setting listed twice in one report counts once.
            if state == "informational" || !once.insert(sid) {
                continue;
            }
            // Looked up as written first: a new id is cleaned once, when it is first seen.
            if !self.settings.contains_key(sid) {
                let cleaned = crate::text::clean_line(sid, 80);
                if cleaned != sid {
                    // An id that needed cleaning is counted under its clean form.
                    if !self.settings.contains_key(&cleaned) && self.settings.len() >= MAX_SETTINGS
                    {
                        self.dropped_settings += 1;
                        tally(&mut row, s, state);
                        continue;
                    }
                    let counts = self.settings.entry(cleaned).or_insert_with_key(|k| Counts {
                        id: k.clone(),
                        ..Counts::default()
                    });
                    count(counts, &mut row, s, state);
                    continue;
                }
                if self.settings.len() >= MAX_SETTINGS {
                    self.dropped_settings += 1;
                    tally(&mut row, s, state);
                    continue;
                }
                self.settings.insert(
                    cleaned.clone(),
                    Counts {
                        id: cleaned,
                        ..Counts::default()
                    },
                );
            }
            let Some(counts) = self.settings.get_mut(sid) else {
                continue;
            };
            count(counts, &mut row, s, state);
        }
        // The contract's verdict from the states read, never better than the file's own word:
        // exposed when either says so, private only when both do and nothing was left out.
        row.verdict = if row.exposed > 0 || stated == "exposed" {
            "exposed"
        } else if row.private > 0 && row.unknown == 0 && stated == "private" && !partial {
            "private"
        } else {
            "incomplete"
        };
        if let Some(c) =
            catalog.filter(|c| self.catalogs.contains_key(c) || self.catalogs.len() < MAX_NAMED)
        {
            *self
                .catalogs
                .entry(crate::text::clean_line(&c, 60))
                .or_default() += 1;
        }
        if let Some(t) = tool.filter(|t| self.tools.contains_key(t) || self.tools.len() < MAX_NAMED)
        {
            *self
                .tools
                .entry(crate::text::clean_line(&t, 40))
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
