//! The history as evidence: an export holds every record with the hash of the one before it, and
//! its head (the last record's hash). A [`Verifier`] takes the records one at a time (from the
//! database or from an export read as a stream), recomputes every hash and follows the links,
//! naming each record that was changed, removed or moved; memory does not grow with the number
//! of records. The bytes each hash covers are documented in `docs/history-format.md`, so a short
//! script in any language can check an export too.
//!
//! What it proves: that the records are the ones written, in that order, as long as the head
//! matches one noted somewhere else (an email to yourself, a complaint); a head noted earlier
//! still verifies a later export that only added records after it. What it does not: that the
//! clock was right, or that the file was not rewritten whole with a new chain (then the head
//! differs from the one noted).

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::{GENESIS, Record};

/// What `--export` writes.
pub const FORMAT: &str = "linkedin-privacy-history";

/// The largest export `--verify` reads.
pub const MAX_EXPORT: u64 = 1 << 30;

/// A record as its hash covers it: every field in this order, `hash` left out. Serialized as
/// compact JSON (serde_json's escaping), these are the bytes of the SHA-256.
#[derive(Serialize)]
pub struct Canonical<'a> {
    pub id: i64,
    pub at: &'a str,
    pub kind: &'a str,
    pub site: &'a str,
    pub member: &'a str,
    pub profile: Option<&'a str>,
    pub setting: Option<&'a str>,
    pub state: Option<&'a str>,
    pub private: Option<bool>,
    pub before: Option<&'a str>,
    pub verified: Option<bool>,
    pub reply_sha256: Option<&'a str>,
    pub tool_version: &'a str,
    pub catalog: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub prev: &'a str,
}

impl<'a> Canonical<'a> {
    pub fn of(r: &'a Record) -> Canonical<'a> {
        Canonical {
            id: r.id,
            at: &r.at,
            kind: r.kind.as_str(),
            site: &r.site,
            member: &r.member,
            profile: r.profile.as_deref(),
            setting: r.setting.as_deref(),
            state: r.state.as_deref(),
            private: r.private,
            before: r.before.as_deref(),
            verified: r.verified,
            reply_sha256: r.reply_sha256.as_deref(),
            tool_version: &r.tool_version,
            catalog: r.catalog.as_deref(),
            detail: r.detail.as_deref(),
            prev: &r.prev,
        }
    }

    /// The canonical bytes, into `buf` (cleared first).
    pub fn write(&self, buf: &mut Vec<u8>) {
        buf.clear();
        serde_json::to_writer(&mut *buf, self).expect("a record serializes");
    }
}

/// The SHA-256 of canonical bytes, in hex.
pub fn hash_of(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    hex
}

/// The head of an export (the fields around the records), as read.
#[derive(Debug, Default, Deserialize)]
pub struct Header {
    pub format: Option<String>,
    pub version: Option<u32>,
    pub exported_at: Option<String>,
    pub tool_version: Option<String>,
    pub head: Option<String>,
}

/// What a verification found.
#[derive(Debug, Serialize)]
pub struct Verdict {
    pub records: usize,
    /// The head the records themselves end in.
    pub head: String,
    /// With `--head`: how many records came after the noted head (0 when it is the last).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_since_noted: Option<usize>,
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

/// Problems by kind, reported in this order: changed records, moved ones, missing or repeated
/// ids, broken links, then the heads.
#[derive(Default)]
struct Problems {
    changed: Vec<String>,
    moved: Vec<String>,
    ids: Vec<String>,
    links: Vec<String>,
    heads: Vec<String>,
    /// Past [`MAX_PROBLEMS`] in all: counted, not kept.
    more: usize,
}

impl Problems {
    fn len(&self) -> usize {
        self.changed.len() + self.moved.len() + self.ids.len() + self.links.len() + self.heads.len()
    }

    fn push(&mut self, bucket: fn(&mut Problems) -> &mut Vec<String>, text: String) {
        if self.len() >= MAX_PROBLEMS {
            self.more += 1;
        } else {
            bucket(self).push(text);
        }
    }
}

/// The ids seen so far, one bit each (ids of a history are 1, 2, 3, …); an id far beyond the
/// records seen is no id of this history, and is named as edited instead of remembered.
#[derive(Default)]
struct Seen {
    bits: Vec<u64>,
}

impl Seen {
    /// Marks an id; `false` when it was seen already.
    fn mark(&mut self, id: u64) -> bool {
        let (word, bit) = ((id / 64) as usize, id % 64);
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        let was = self.bits[word] & (1 << bit) != 0;
        self.bits[word] |= 1 << bit;
        !was
    }

    fn has(&self, id: u64) -> bool {
        self.bits
            .get((id / 64) as usize)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// Checks a chain one record at a time: each record's own hash, the order and completeness of
/// the ids, each link to the record before, the head the file claims, and the head noted at an
/// earlier export (`--head`).
pub struct Verifier {
    noted: Option<String>,
    noted_at: Option<usize>,
    records: usize,
    /// The previous record: its id, its hash as stored, and whether it has a named problem (a
    /// broken link next to it then says nothing new).
    prev: Option<(i64, String, bool)>,
    max_id: i64,
    seen: Seen,
    problems: Problems,
    buf: Vec<u8>,
}

/// How far beyond the records seen an id may be and still be remembered.
const ID_SLACK: i64 = 1 << 20;

impl Verifier {
    pub fn new(noted_head: Option<&str>) -> Verifier {
        Verifier {
            noted: noted_head.map(|h| h.trim().to_ascii_lowercase()),
            noted_at: None,
            records: 0,
            prev: None,
            max_id: 0,
            seen: Seen::default(),
            problems: Problems::default(),
            buf: Vec::with_capacity(512),
        }
    }

    /// The next record, in the order of the file.
    pub fn push(&mut self, r: &Record) {
        self.push_canonical(&Canonical::of(r), &r.hash);
    }

    /// The next record, as its canonical fields and its stored hash.
    pub fn push_canonical(&mut self, c: &Canonical<'_>, stored: &str) {
        let mut buf = std::mem::take(&mut self.buf);
        c.write(&mut buf);
        self.push_bytes(c, &buf, stored);
        self.buf = buf;
    }

    /// The next record, whose canonical bytes the caller already wrote (`bytes`).
    pub fn push_bytes(&mut self, c: &Canonical<'_>, bytes: &[u8], stored: &str) {
        let computed = hash_of(bytes);
        let (id, at, setting, state, prev) = (c.id, c.at, c.setting, c.state, c.prev);
        let kind = c.kind;
        self.records += 1;
        // Every value comes from the file, which may have been written to fool a terminal.
        let clean = |t: &str| crate::text::clean_line(t, 40);
        let name = || {
            let what = match (setting, state) {
                (Some(s), Some(st)) => format!(", {} {}", clean(s), clean(st)),
                _ => String::new(),
            };
            format!("record {id} ({} {kind}{what})", clean(at))
        };
        let mut named = false;
        if computed != stored {
            self.problems.push(
                |p| &mut p.changed,
                format!(
                    "{} was changed: its content no longer matches its hash",
                    name()
                ),
            );
            named = true;
        }
        if let Some((prev_id, _, prev_named)) = &mut self.prev
            && id <= *prev_id
        {
            self.problems.push(
                |p| &mut p.moved,
                format!("record {id} comes after record {prev_id}: records were moved or swapped"),
            );
            named = true;
            *prev_named = true;
        }
        let in_range = id >= 1 && id <= (self.records as i64).saturating_add(ID_SLACK);
        if !in_range {
            self.problems.push(
                |p| &mut p.ids,
                format!("record {id} has an id no record of this history has: it was edited"),
            );
            named = true;
        } else {
            if !self.seen.mark(id as u64) {
                self.problems.push(
                    |p| &mut p.ids,
                    format!("record {id} appears more than once"),
                );
                named = true;
            }
            // A gap before this id (one that later records may still fill: missing ids are
            // counted at the end).
            if id > self.max_id.saturating_add(1) {
                named = true;
            }
            self.max_id = self.max_id.max(id);
        }
        let link = self.prev.as_ref().map_or(GENESIS, |p| p.1.as_str());
        if prev != link && !named && !self.prev.as_ref().is_some_and(|p| p.2) {
            let text = match &self.prev {
                Some((p, _, _)) => format!(
                    "{} does not follow record {p}: the chain is broken there",
                    name()
                ),
                None => format!("{} does not start the chain", name()),
            };
            self.problems.push(|p| &mut p.links, text);
        }
        if self.noted.as_deref() == Some(stored) && self.noted_at.is_none() {
            self.noted_at = Some(self.records);
        }
        match &mut self.prev {
            Some(p) => {
                p.0 = id;
                p.1.clear();
                p.1.push_str(stored);
                p.2 = named;
            }
            None => self.prev = Some((id, stored.to_string(), named)),
        }
    }

    /// The verdict, once every record was pushed. `stated_head` is the head the file claims
    /// (an export's `head`; none for the database itself).
    pub fn finish(mut self, stated_head: Option<&str>) -> Verdict {
        // Ids never seen below the highest one: removed records.
        let mut id = 1i64;
        while id <= self.max_id {
            if self.seen.has(id as u64) {
                id += 1;
                continue;
            }
            let from = id;
            while id <= self.max_id && !self.seen.has(id as u64) {
                id += 1;
            }
            let text = if id - from == 1 {
                format!("record {from} is missing: it was removed")
            } else {
                format!(
                    "records {from} to {} are missing: they were removed",
                    id - 1
                )
            };
            self.problems.push(|p| &mut p.ids, text);
        }
        let head =
            crate::text::clean_line(self.prev.as_ref().map_or(GENESIS, |p| p.1.as_str()), 64);
        if let Some(stated) = stated_head
            && stated != head
        {
            self.problems.push(
                |p| &mut p.heads,
                "the file's head does not match its last record: records were removed from the end, or the head was edited"
                    .to_string(),
            );
        }
        let mut added_since_noted = None;
        if let Some(noted) = &self.noted {
            if noted == &head {
                added_since_noted = Some(0);
            } else if noted == GENESIS {
                // Noted when the history was empty: everything since was added.
                added_since_noted = Some(self.records);
            } else if let Some(at) = self.noted_at {
                added_since_noted = Some(self.records - at);
            } else {
                let noted = crate::text::clean_line(noted, 64);
                self.problems.push(
                    |p| &mut p.heads,
                    format!(
                        "no record of the chain has the head noted at export ({noted}); it ends in {head}: records were removed or rewritten since"
                    ),
                );
            }
        }
        let p = self.problems;
        let more = p.more;
        let mut problems: Vec<String> = [p.changed, p.moved, p.ids, p.links, p.heads]
            .into_iter()
            .flatten()
            .collect();
        if more > 0 {
            problems.push(format!("and {more} more"));
        }
        Verdict {
            records: self.records,
            head,
            added_since_noted,
            problems,
        }
    }
}

/// Checks a chain held in memory (the tests' way; the tool streams).
pub fn verify(records: &[Record], stated_head: Option<&str>, noted_head: Option<&str>) -> Verdict {
    let mut v = Verifier::new(noted_head);
    for r in records {
        v.push(r);
    }
    v.finish(stated_head)
}

/// The most one record of an export may take: the records this tool writes are a few hundred
/// bytes; a larger one is no record of it, and is refused before it fills memory.
pub const MAX_RECORD: u64 = 1024 * 1024;

/// A reader that counts what it hands over, and refuses to hand over more than `MAX_RECORD`
/// since the last mark (the start of the record being read).
struct Bounded<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
    mark: std::rc::Rc<std::cell::Cell<Option<u64>>>,
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(mark) = self.mark.get()
            && self.read.get() - mark > MAX_RECORD
        {
            return Err(std::io::Error::other(format!(
                "a record is larger than {}",
                crate::fsx::size(MAX_RECORD)
            )));
        }
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// Reads an export as a stream, handing each record to the verifier as it is parsed: the
/// records are never all in memory, and none may be larger than [`MAX_RECORD`].
pub fn read_export(
    reader: impl std::io::Read,
    verifier: &mut Verifier,
) -> Result<Header, serde_json::Error> {
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let mark = std::rc::Rc::new(std::cell::Cell::new(None));
    let reader = Bounded {
        inner: reader,
        read: read.clone(),
        mark: mark.clone(),
    };
    struct Records<'v> {
        verifier: &'v mut Verifier,
        read: std::rc::Rc<std::cell::Cell<u64>>,
        mark: std::rc::Rc<std::cell::Cell<Option<u64>>>,
    }
    impl<'de> DeserializeSeed<'de> for Records<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Records<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            loop {
                self.mark.set(Some(self.read.get()));
                let Some(r) = seq.next_element::<Record>()? else {
                    break;
                };
                self.verifier.push(&r);
            }
            self.mark.set(None);
            Ok(())
        }
    }
    struct Export<'v> {
        verifier: &'v mut Verifier,
        read: std::rc::Rc<std::cell::Cell<u64>>,
        mark: std::rc::Rc<std::cell::Cell<Option<u64>>>,
    }
    impl<'de> Visitor<'de> for Export<'_> {
        type Value = Header;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an export of linkedin-privacy's history")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
            use serde::de::Error as _;
            let mut h = Header::default();
            let mut records = false;
            let mut seen: Vec<String> = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                // Every field once: a second `head` is a second answer, not a correction.
                if seen.contains(&key) {
                    return Err(A::Error::custom(format!(
                        "the field `{}` is given twice",
                        crate::text::clean_line(&key, 40)
                    )));
                }
                seen.push(key.clone());
                match key.as_str() {
                    "format" => h.format = Some(map.next_value()?),
                    "version" => h.version = Some(map.next_value()?),
                    "exported_at" => h.exported_at = Some(map.next_value()?),
                    "tool_version" => h.tool_version = Some(map.next_value()?),
                    "head" => h.head = Some(map.next_value()?),
                    "records" => {
                        records = true;
                        map.next_value_seed(Records {
                            verifier: &mut *self.verifier,
                            read: self.read.clone(),
                            mark: self.mark.clone(),
                        })?;
                    }
                    other => {
                        return Err(A::Error::custom(format!(
                            "unknown field `{}`",
                            crate::text::clean_line(other, 40)
                        )));
                    }
                }
            }
            if !records {
                return Err(A::Error::missing_field("records"));
            }
            Ok(h)
        }
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    let header = serde::Deserializer::deserialize_map(
        &mut de,
        Export {
            verifier,
            read,
            mark,
        },
    )?;
    de.end()?;
    Ok(header)
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

    fn head_of(records: &[Record]) -> String {
        records
            .last()
            .map_or(GENESIS.to_string(), |r| r.hash.clone())
    }

    #[test]
    fn the_canonical_form_is_the_record_without_its_hash() {
        let r = &chain(1)[0];
        let mut bare = r.clone();
        bare.hash.clear();
        let mut buf = Vec::new();
        Canonical::of(r).write(&mut buf);
        assert_eq!(buf, serde_json::to_vec(&bare).unwrap());
        assert_eq!(hash_of(&buf), r.hash);
    }

    #[test]
    fn an_intact_chain_holds() {
        let c = chain(5);
        let v = verify(&c, Some(&head_of(&c)), Some(&head_of(&c)));
        assert!(v.holds(), "{:?}", v.problems);
        assert_eq!(v.added_since_noted, Some(0));
        assert!(verify(&[], Some(GENESIS), None).holds());
    }

    #[test]
    fn a_head_noted_earlier_verifies_a_chain_that_only_grew() {
        let c = chain(5);
        let noted = c[2].hash.clone();
        let v = verify(&c, Some(&head_of(&c)), Some(&noted));
        assert!(v.holds(), "{:?}", v.problems);
        assert_eq!(v.added_since_noted, Some(2));
        // A record before the noted head changed (and re-hashed): the link after it breaks.
        let mut edited = c.clone();
        edited[1].state = Some("on".into());
        edited[1].hash = edited[1].content_hash();
        let v = verify(&edited, Some(&head_of(&edited)), Some(&noted));
        assert!(!v.holds());
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

        let mut c = chain(3);
        c[1].id = 9_000_000_000_000;
        let v = verify(&c, None, None);
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("no record of this history has")),
            "{:?}",
            v.problems
        );
    }

    #[test]
    fn an_export_is_read_as_a_stream() {
        let c = chain(3);
        let text = serde_json::json!({
            "format": FORMAT, "version": 1, "exported_at": "x", "tool_version": "y",
            "records": c, "head": head_of(&c)
        })
        .to_string();
        let mut v = Verifier::new(None);
        let h = read_export(text.as_bytes(), &mut v).unwrap();
        assert_eq!(h.head.as_deref(), Some(head_of(&c).as_str()));
        assert!(v.finish(h.head.as_deref()).holds());
        let mut v = Verifier::new(None);
        assert!(read_export(&b"{\"format\": 1}"[..], &mut v).is_err());
    }
}
