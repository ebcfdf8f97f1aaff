//! Reading the files a summary names, document by document, and examining the documents on
//! worker threads while the next ones are read: the documents travel in batches of about 256 KiB,
//! and the outcomes are counted in the order read, so the summary is the same as one thread's.
//! Memory holds a few batches, never a file.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use super::gather::{self, Gathered, Gatherer, Outcome};

/// The longest line read (a report is a few KiB).
const MAX_LINE: usize = 1024 * 1024;
/// The largest file read as one document (pretty-printed JSON).
const MAX_DOCUMENT: usize = 16 * 1024 * 1024;
/// A batch is sent to a worker once it holds this much text or this many documents.
const BATCH_BYTES: usize = 256 << 10;
const BATCH_DOCS: usize = 1024;
/// A file of a folder at most this large is read by a worker, whole.
const SMALL_FILE: u64 = 1 << 20;
/// The most files of a folder handed to a worker at once.
const BATCH_FILES: usize = 32;
/// The most worker threads (examining is most of the work; counting stays on one thread).
const MAX_WORKERS: usize = 4;

/// A file a summary reads.
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file named on the command line: read here, its lines shared out among the workers.
    Named(PathBuf),
    /// A small file of a folder (a member's report): read by a worker, whole.
    InFolder(PathBuf),
}

/// The files an input names: a file, every `.json`, `.ndjson` and `.jsonl` file of a folder
/// (sorted, not below it), or `-` for standard input.
pub fn expand(input: &Path) -> std::io::Result<Vec<Input>> {
    if input == Path::new("-") {
        return Ok(vec![Input::Stdin]);
    }
    if input.is_dir() {
        let mut files: Vec<(PathBuf, bool)> = std::fs::read_dir(input)?
            .flatten()
            // Every entry named like a report, regular or not: a FIFO or a device is then named
            // and skipped when it is opened, never left out silently. The entry's type comes
            // with the listing; only a symbolic link is followed to see whether it is a folder.
            .filter(|e| {
                e.file_type()
                    .is_ok_and(|t| !(t.is_dir() || t.is_symlink() && e.path().is_dir()))
            })
            .filter(|e| {
                e.path()
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "json" | "ndjson" | "jsonl"))
            })
            // A member's report is small: read by a worker, whole. A large file (a bulk run's
            // NDJSON) is read here and its lines shared out, so that memory holds a few batches
            // of it, never all its outcomes at once.
            .map(|e| {
                let path = e.path();
                // A `.json` file is one member's report; an `.ndjson` or `.jsonl` file may be a
                // bulk run's thousands of lines, and only those are looked at (a stat each).
                let bulk = path
                    .extension()
                    .is_some_and(|x| x == "ndjson" || x == "jsonl");
                let small = !bulk || e.metadata().is_ok_and(|m| m.len() <= SMALL_FILE);
                (path, small)
            })
            .collect();
        // By their bytes: names of one folder sort as paths do, and faster.
        files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        return Ok(files
            .into_iter()
            .map(|(p, small)| {
                if small {
                    Input::InFolder(p)
                } else {
                    Input::Named(p)
                }
            })
            .collect());
    }
    Ok(vec![Input::Named(input.to_path_buf())])
}

/// Reads and counts every file.
pub fn gather(files: &[Input]) -> Gathered {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS);
    gather_with(files, workers)
}

/// [`gather`] with `workers` threads examining (none: all on this one).
fn gather_with(files: &[Input], workers: usize) -> Gathered {
    let mut g = Gatherer::default();
    if workers < 2 {
        let mut sink = Sink::new(|batch: Batch| {
            for outcome in batch.examine() {
                g.take(outcome);
            }
        });
        feed(files, &mut sink);
        sink.flush();
        drop(sink);
        return g.finish();
    }
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Batch)>(workers);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<Outcome>)>();
    // A worker that panics (a bug) goes on taking batches, so that reading never waits for it
    // forever; the panic is raised again once the others have finished.
    let failed: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (work_rx, done_tx, failed) = (&work_rx, done_tx.clone(), &failed);
            scope.spawn(move || {
                loop {
                    // The lock is held while waiting: the other workers would wait anyway.
                    let job = work_rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((n, batch)) = job else { break };
                    let outcomes =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| batch.examine()))
                            .unwrap_or_else(|e| {
                                if let Ok(mut f) = failed.lock() {
                                    f.get_or_insert(e);
                                }
                                Vec::new()
                            });
                    if done_tx.send((n, outcomes)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut order = Order {
            next: 0,
            waiting: BTreeMap::new(),
        };
        let mut sent = 0u64;
        {
            let g = &mut g;
            let done_rx = &done_rx;
            let order = &mut order;
            let mut sink = Sink::new(|batch: Batch| {
                // Blocks while every worker is busy and the queue is full: reading waits for
                // examining, so memory holds a few batches.
                if work_tx.send((sent, batch)).is_ok() {
                    sent += 1;
                }
                while let Ok((n, outcomes)) = done_rx.try_recv() {
                    order.arrive(n, outcomes, g);
                }
            });
            feed(files, &mut sink);
            sink.flush();
        }
        drop(work_tx);
        // The rest, until every worker has finished.
        while let Ok((n, outcomes)) = done_rx.recv() {
            order.arrive(n, outcomes, &mut g);
        }
    });
    if let Some(e) = failed.into_inner().ok().flatten() {
        std::panic::resume_unwind(e);
    }
    g.finish()
}

/// Batches' outcomes counted in the order the batches were read.
struct Order {
    next: u64,
    waiting: BTreeMap<u64, Vec<Outcome>>,
}

impl Order {
    fn arrive(&mut self, n: u64, outcomes: Vec<Outcome>, g: &mut Gatherer) {
        self.waiting.insert(n, outcomes);
        while let Some(outcomes) = self.waiting.remove(&self.next) {
            for outcome in outcomes {
                g.take(outcome);
            }
            self.next += 1;
        }
    }
}

/// Documents read, with where each was read, and files that could not be: examined together.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    units: Vec<Unit>,
}

enum Unit {
    /// A document: a line, or a whole (pretty-printed) file.
    Doc {
        source: String,
        start: usize,
        end: usize,
        whole: bool,
    },
    /// A file, or a line, that could not be read.
    Skip { source: String, why: String },
    /// A file begins (counted, in order).
    File,
    /// A file of a folder, read by the worker.
    Path { path: PathBuf, name: String },
}

impl Batch {
    /// What each document is, in order. Of the skipped, the first [`gather::MAX_NAMED`] are
    /// kept by name and the rest only counted, as the summary does: a file of a million lines
    /// that are not JSON costs a count, not a million names.
    fn examine(self) -> Vec<Outcome> {
        let mut kept = Kept::default();
        self.examine_into(&mut kept);
        kept.done()
    }

    fn examine_into(self, out: &mut Kept) {
        for unit in self.units {
            out.push(match unit {
                Unit::Doc {
                    source,
                    start,
                    end,
                    whole,
                } => match gather::parse(&self.text[start..end]) {
                    Ok(v) => gather::examine(&source, &v),
                    Err(e) => Outcome::Skip {
                        why: if whole {
                            format!("is not JSON (line {}, column {})", e.line(), e.column())
                        } else {
                            "is not JSON".to_string()
                        },
                        source,
                    },
                },
                Unit::Skip { source, why } => Outcome::Skip { source, why },
                Unit::File => Outcome::File,
                Unit::Path { path, name } => {
                    let mut sink = Sink::new(|batch: Batch| batch.examine_into(out));
                    open_and_read(&path, &name, &mut sink);
                    sink.flush();
                    continue;
                }
            });
        }
    }
}

/// Outcomes as they are kept: every member, and of the skipped the first named, the rest
/// counted.
#[derive(Default)]
struct Kept {
    out: Vec<Outcome>,
    named: usize,
    more: u64,
}

impl Kept {
    fn push(&mut self, o: Outcome) {
        match o {
            Outcome::Skip { .. } if self.named < gather::MAX_NAMED => {
                self.named += 1;
                self.out.push(o);
            }
            Outcome::Skip { .. } => self.more += 1,
            Outcome::SkippedMore(n) => self.more += n,
            o => self.out.push(o),
        }
    }

    fn done(mut self) -> Vec<Outcome> {
        if self.more > 0 {
            self.out.push(Outcome::SkippedMore(self.more));
        }
        self.out
    }
}

/// Where documents go as they are read: a batch, handed on when it is full.
struct Sink<F: FnMut(Batch)> {
    batch: Batch,
    /// Files of a folder in the batch.
    files: usize,
    send: F,
}

impl<F: FnMut(Batch)> Sink<F> {
    fn new(send: F) -> Self {
        Sink {
            batch: Batch::default(),
            files: 0,
            send,
        }
    }

    fn file(&mut self) {
        self.push(Unit::File);
    }

    fn skip(&mut self, source: &str, why: String) {
        self.push(Unit::Skip {
            source: source.to_string(),
            why,
        });
    }

    fn doc(&mut self, source: String, bytes: &[u8], whole: bool) {
        let start = self.batch.text.len();
        self.batch.text.extend_from_slice(bytes);
        let end = self.batch.text.len();
        self.push(Unit::Doc {
            source,
            start,
            end,
            whole,
        });
    }

    fn push(&mut self, unit: Unit) {
        if matches!(unit, Unit::Path { .. }) {
            self.files += 1;
        }
        self.batch.units.push(unit);
        if self.batch.text.len() >= BATCH_BYTES
            || self.batch.units.len() >= BATCH_DOCS
            || self.files >= BATCH_FILES
        {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.files = 0;
        if !self.batch.units.is_empty() {
            (self.send)(std::mem::take(&mut self.batch));
        }
    }
}

/// Every file in turn.
fn feed<F: FnMut(Batch)>(files: &[Input], sink: &mut Sink<F>) {
    for file in files {
        match file {
            Input::Stdin => {
                let stdin = std::io::stdin();
                read("-", &mut stdin.lock(), sink);
            }
            Input::Named(path) => open_and_read(path, &path.display().to_string(), sink),
            Input::InFolder(path) => sink.push(Unit::Path {
                path: path.clone(),
                name: path.display().to_string(),
            }),
        }
    }
}

/// One file, or why it cannot be read (a FIFO, a device, no permission): named and skipped.
fn open_and_read<F: FnMut(Batch)>(path: &Path, name: &str, sink: &mut Sink<F>) {
    match crate::fsx::open_regular(path) {
        Ok(f) => read(
            name,
            &mut std::io::BufReader::with_capacity(1 << 16, f),
            sink,
        ),
        Err(e) => {
            sink.file();
            sink.skip(name, format!("cannot be read: {e}"));
        }
    }
}

/// One file (or standard input), document by document: one JSON value per line, or the whole
/// file as one document when its first line opens one alone (`{` or `[`, never JSON by itself).
fn read<F: FnMut(Batch)>(name: &str, reader: &mut impl BufRead, sink: &mut Sink<F>) {
    sink.file();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut whole: Option<Vec<u8>> = None;
    let mut first = true;
    loop {
        let got = match crate::fsx::read_line(reader, MAX_LINE, &mut buf) {
            Ok(g) => g,
            Err(e) => {
                sink.skip(name, format!("cannot be read: {e}"));
                return;
            }
        };
        let Some(line) = got else { break };
        line_no += 1;
        if let Some(doc) = whole.as_mut() {
            if doc.len() + buf.len() + 1 > MAX_DOCUMENT {
                sink.skip(name, format!("is larger than {} MiB", MAX_DOCUMENT >> 20));
                return;
            }
            if line == crate::fsx::Line::TooLong {
                sink.skip(name, "holds a line longer than 1 MiB".to_string());
                return;
            }
            doc.extend_from_slice(&buf);
            doc.push(b'\n');
            continue;
        }
        if line == crate::fsx::Line::TooLong {
            sink.skip(
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
        if first && matches!(buf.trim_ascii(), b"{" | b"[") {
            let mut doc = buf.clone();
            doc.push(b'\n');
            whole = Some(doc);
        } else {
            sink.doc(format!("{name}:{line_no}"), &buf, false);
        }
        first = false;
    }
    if let Some(doc) = whole {
        sink.doc(name.to_string(), &doc, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports in many small files and one NDJSON file, some damaged, some repeated.
    fn inputs(dir: &Path) -> Vec<Input> {
        let good = |id: &str, state: &str| {
            let settings = vec![serde_json::json!({
                "id": "ai", "group": "ai", "state": state, "private": state == "off"
            })];
            let mut v = serde_json::json!({
                "kind": "linkedin-privacy-report", "schema": 1, "report_id": id,
                "made_at": "2026-11-01T08:00:00Z", "tool": {"name": "t", "version": "1"},
                "catalog": "c", "member": null,
                "verdict": if state == "off" { "private" } else { "exposed" },
                "settings": settings, "not_read": [], "stopped": null,
            });
            let digest =
                crate::linkedin::client::sha256_hex(super::super::report::canonical(&v).as_bytes());
            v["integrity"] =
                serde_json::json!({"algorithm": "sha256", "covers": "-", "sha256": digest});
            v
        };
        let mut lines = String::new();
        for i in 0..3000 {
            let state = if i % 3 == 0 { "on" } else { "off" };
            lines.push_str(&serde_json::to_string(&good(&format!("lp-{i:016x}"), state)).unwrap());
            lines.push('\n');
            if i % 100 == 0 {
                lines.push_str("{not json\n");
            }
        }
        std::fs::write(dir.join("many.ndjson"), lines).unwrap();
        for i in 2990..3010 {
            let state = if i % 3 == 0 { "on" } else { "off" };
            let doc = serde_json::to_string_pretty(&good(&format!("lp-{i:016x}"), state)).unwrap();
            std::fs::write(dir.join(format!("r{i}.json")), doc).unwrap();
        }
        std::fs::write(dir.join("bad.json"), "{\n \"kind\": 1,\n").unwrap();
        let mut files = expand(dir).unwrap();
        files.push(Input::Named(dir.join("missing.json")));
        files.push(Input::Named(dir.join("many.ndjson")));
        files
    }

    #[test]
    fn a_large_file_of_a_folder_is_read_here_its_lines_shared_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("small.json"), "{}").unwrap();
        std::fs::write(dir.path().join("bulk.ndjson"), "x\n".repeat(600_000)).unwrap();
        let files = expand(dir.path()).unwrap();
        assert!(matches!(&files[0], Input::Named(p) if p.ends_with("bulk.ndjson")));
        assert!(matches!(&files[1], Input::InFolder(p) if p.ends_with("small.json")));
    }

    #[test]
    fn workers_count_what_one_thread_counts() {
        let dir = tempfile::tempdir().unwrap();
        let files = inputs(dir.path());
        let one = gather_with(&files, 1);
        let three = gather_with(&files, 3);
        assert_eq!(one.members.len(), 3010);
        assert_eq!(one.duplicate_count, 3010);
        assert_eq!(one.files, 24);
        for g in [&one, &three] {
            assert_eq!(
                g.skipped_count,
                62,
                "{:?}",
                g.skipped.iter().map(|s| &s.source).collect::<Vec<_>>()
            );
        }
        let show = |g: &Gathered| {
            (
                serde_json::to_string(&g.settings).unwrap(),
                serde_json::to_string(&g.members).unwrap(),
                serde_json::to_string(&g.skipped).unwrap(),
                serde_json::to_string(&g.duplicates).unwrap(),
                g.files,
            )
        };
        assert_eq!(show(&one), show(&three));
    }
}
