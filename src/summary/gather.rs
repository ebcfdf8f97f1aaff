//! Reading many members' reports (and audit JSON or NDJSON lines) one document at a time, and
//! counting as they come: memory holds the counts and one short row per member, never the files.
//! A damaged, duplicate, foreign or newer file is named and skipped, never fatal.

use std::collections::{BTreeMap, HashSet};
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
    seen: HashSet<String>,
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
                .filter(|p| {
                    p.is_file()
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
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Value>(&buf) {
                Ok(v) => self.document(&format!("{name}:{line_no}"), &v, None),
                // The first line alone is not JSON: the file is one (pretty-printed) document.
                Err(_) if first => {
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
                let account = obj.get("account");
                let id = account
                    .and_then(|a| a.get("label").or_else(|| a.get("public_id")))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| source.to_string());
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
        let Some(settings) = settings.and_then(Value::as_array) else {
            self.skip(source, "has no list of settings".to_string());
            return;
        };
        if settings.len() > MAX_SETTINGS {
            self.skip(source, format!("names more than {MAX_SETTINGS} settings"));
            return;
        }
        let id = crate::text::clean_line(&id, 120);
        if !self.seen.insert(id.clone()) {
            self.duplicate_count += 1;
            if self.duplicates.len() < MAX_NAMED {
                self.duplicates.push(Duplicate {
                    id,
                    source: crate::text::clean_line(source, 200),
                });
            }
            return;
        }
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
        for s in settings {
            let Some(sid) = s.get("id").and_then(Value::as_str) else {
                continue;
            };
            let state = s.get("state").and_then(Value::as_str).unwrap_or("unknown");
            if state == "informational" {
                continue;
            }
            // Looked up as written first: a new id is cleaned once, when it is first seen.
            if !self.settings.contains_key(sid) {
                let cleaned = crate::text::clean_line(sid, 80);
                if !self.settings.contains_key(&cleaned) && self.settings.len() >= MAX_SETTINGS {
                    continue;
                }
                self.settings.entry(cleaned).or_insert_with_key(|k| Counts {
                    id: k.clone(),
                    ..Counts::default()
                });
            }
            let cleaned;
            let key = if self.settings.contains_key(sid) {
                sid
            } else {
                cleaned = crate::text::clean_line(sid, 80);
                cleaned.as_str()
            };
            let Some(counts) = self.settings.get_mut(key) else {
                continue;
            };
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
        // The contract's verdict, from the states read: never the file's own word.
        row.verdict = if row.exposed > 0 {
            "exposed"
        } else if row.private > 0 && row.unknown == 0 {
            "private"
        } else {
            "incomplete"
        };
        if let Some(c) = catalog {
            *self
                .catalogs
                .entry(crate::text::clean_line(&c, 60))
                .or_default() += 1;
        }
        if let Some(t) = tool {
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
        }
    }
}
