//! The history as evidence: an export holds every record with the hash of the one before it, and
//! its head (the last record's hash). [`verify`] recomputes every hash and follows the links,
//! naming each record that was changed, removed or moved.
//!
//! What it proves: that the records are the ones written, in that order, as long as the head
//! matches one noted somewhere else (an email to yourself, a complaint). What it does not: that
//! the clock was right, or that the file was not rewritten whole with a new chain (then the
//! head differs from the one noted).

use serde::{Deserialize, Serialize};

use super::{GENESIS, Record};

/// What `--export` writes.
pub const FORMAT: &str = "linkedin-privacy-history";

/// The largest export `--verify` reads.
pub const MAX_EXPORT: u64 = 1 << 30;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub tool_version: String,
    pub records: Vec<Record>,
    /// The last record's hash ([`GENESIS`] for an empty history).
    pub head: String,
}

impl Export {
    pub fn new(records: Vec<Record>, exported_at: String) -> Export {
        let head = head_of(&records);
        Export {
            format: FORMAT.to_string(),
            version: 1,
            exported_at,
            tool_version: super::TOOL_VERSION.to_string(),
            records,
            head,
        }
    }
}

/// The hash a chain of records ends in.
pub fn head_of(records: &[Record]) -> String {
    records
        .last()
        .map(|r| r.hash.clone())
        .unwrap_or_else(|| GENESIS.to_string())
}

/// What [`verify`] found.
#[derive(Debug, Serialize)]
pub struct Verdict {
    pub records: usize,
    /// The head the records themselves end in.
    pub head: String,
    /// Every problem, naming the records; empty when the chain holds.
    pub problems: Vec<String>,
}

impl Verdict {
    pub fn holds(&self) -> bool {
        self.problems.is_empty()
    }
}

/// At most this many problems are listed; a count follows for the rest.
const MAX_PROBLEMS: usize = 50;

/// Checks a chain: each record's own hash, the order and completeness of the ids, each link to
/// the record before, the head the file claims (`stated_head`), and the head noted at export
/// (`noted_head`, from `--head`).
pub fn verify(records: &[Record], stated_head: Option<&str>, noted_head: Option<&str>) -> Verdict {
    let mut problems = Vec::new();
    // Every value comes from the file, which may have been written to fool a terminal.
    let clean = |t: &str| crate::text::clean_line(t, 40);
    let name = |r: &Record| {
        let what = match (&r.setting, &r.state) {
            (Some(s), Some(st)) => format!(", {} {}", clean(s), clean(st)),
            _ => String::new(),
        };
        format!(
            "record {} ({} {}{what})",
            r.id,
            clean(&r.at),
            r.kind.as_str()
        )
    };
    // Which records already have a named problem: a broken link next to them says nothing new.
    let mut named = std::collections::HashSet::new();
    for r in records {
        if r.content_hash() != r.hash {
            problems.push(format!(
                "{} was changed: its content no longer matches its hash",
                name(r)
            ));
            named.insert(r.id);
        }
    }
    for pair in records.windows(2) {
        if pair[1].id <= pair[0].id {
            problems.push(format!(
                "record {} comes after record {}: records were moved or swapped",
                pair[1].id, pair[0].id
            ));
            named.insert(pair[0].id);
            named.insert(pair[1].id);
        }
    }
    let mut ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    let mut expected: i64 = 1;
    for id in &ids {
        let id = *id;
        if id < 1 {
            problems.push(format!(
                "record {id} has an id no record has (they start at 1): it was edited"
            ));
            named.insert(id);
            continue;
        }
        if id > expected {
            problems.push(if id == expected.saturating_add(1) {
                format!("record {expected} is missing: it was removed")
            } else {
                format!(
                    "records {expected} to {} are missing: they were removed",
                    id.saturating_sub(1)
                )
            });
            named.insert(id);
        } else if id < expected {
            problems.push(format!("record {id} appears more than once"));
            named.insert(id);
        }
        expected = expected.max(id.saturating_add(1));
    }
    let mut prev: Option<&Record> = None;
    for r in records {
        let link = prev.map_or(GENESIS, |p| p.hash.as_str());
        if r.prev != link && !named.contains(&r.id) && !prev.is_some_and(|p| named.contains(&p.id))
        {
            problems.push(match prev {
                Some(p) => format!(
                    "{} does not follow record {}: the chain is broken there",
                    name(r),
                    p.id
                ),
                None => format!("{} does not start the chain", name(r)),
            });
        }
        prev = Some(r);
    }
    let head = crate::text::clean_line(&head_of(records), 64);
    if let Some(stated) = stated_head
        && stated != head
    {
        problems.push(
            "the file's head does not match its last record: records were removed from the end, or the head was edited"
                .to_string(),
        );
    }
    if let Some(noted) = noted_head
        && noted.trim().to_ascii_lowercase() != head
    {
        problems.push(format!(
            "the chain ends in {head}, not in the head noted at export: records were added, removed or rewritten since"
        ));
    }
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(format!("and {more} more"));
    }
    Verdict {
        records: records.len(),
        head,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Kind, TOOL_VERSION};

    fn chain(n: i64) -> Vec<Record> {
        let mut out: Vec<Record> = Vec::new();
        for id in 1..=n {
            let mut r = Record {
                id,
                at: format!("2026-10-{id:02}T08:00:00Z"),
                kind: Kind::Audit,
                site: "linkedin".into(),
                member: "ada".into(),
                profile: None,
                setting: Some("generative-ai-training".into()),
                state: Some("off".into()),
                private: Some(true),
                before: None,
                verified: None,
                reply_sha256: None,
                tool_version: TOOL_VERSION.into(),
                catalog: None,
                detail: None,
                prev: out.last().map_or(GENESIS.to_string(), |p| p.hash.clone()),
                hash: String::new(),
            };
            r.hash = r.content_hash();
            out.push(r);
        }
        out
    }

    #[test]
    fn an_intact_chain_holds() {
        let c = chain(5);
        let v = verify(&c, Some(&head_of(&c)), Some(&head_of(&c)));
        assert!(v.holds(), "{:?}", v.problems);
        assert!(verify(&[], Some(GENESIS), None).holds());
    }

    #[test]
    fn each_kind_of_tampering_is_found_and_named() {
        let mut c = chain(5);
        c[2].state = Some("on".into());
        let v = verify(&c, None, None);
        assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
        assert!(v.problems[0].starts_with("record 3 "), "{:?}", v.problems);

        // An edit whose hash was recomputed breaks the next link.
        let mut c = chain(5);
        c[2].state = Some("on".into());
        c[2].hash = c[2].content_hash();
        let v = verify(&c, None, None);
        assert!(v.problems[0].contains("record 4 "), "{:?}", v.problems);

        let mut c = chain(5);
        c.remove(2);
        let v = verify(&c, None, None);
        assert!(
            v.problems[0].contains("record 3 is missing"),
            "{:?}",
            v.problems
        );

        let mut c = chain(5);
        c.swap(1, 2);
        let v = verify(&c, None, None);
        assert!(
            v.problems[0].contains("record 2 comes after record 3"),
            "{:?}",
            v.problems
        );

        let c = chain(5);
        let noted = head_of(&c);
        let v = verify(&c[..4], Some(&noted), None);
        assert!(v.problems[0].contains("head"), "{:?}", v.problems);
        let v = verify(&c[..4], Some(&head_of(&c[..4])), Some(&noted));
        assert!(
            v.problems[0].contains("noted at export"),
            "{:?}",
            v.problems
        );
    }
}
