//! The one printer of a run over many accounts: each report as soon as it is done (through the
//! format's sink, or appended to the resume file), the progress line, the tally, and the summary
//! at the end. It runs on the calling thread, so lines never interleave; what the history says of
//! a report is added by the `record` hook the command hands it.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::engine::{Next, Printer};
use super::resume::ResumeFile;
use super::tally::Tally;
use crate::error::{Error, Hint, Result};
use crate::linkedin::{Exchange, Observer};
use crate::output::progress::Progress;
use crate::output::{Output, Sink};
use crate::report::Report;

/// Counts every exchange a client makes (the summary says how many requests a run sent).
#[derive(Default)]
pub struct RequestCount(AtomicU64);

impl RequestCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Observer for RequestCount {
    fn observe(&self, _: &Exchange<'_>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the history made of a report: `Some(how many settings changed)`, or `None` when it was
/// not recorded. The hook marks the report's changed rows itself.
pub type Record<'r> = Box<dyn FnMut(&mut Report) -> Option<usize> + 'r>;

pub struct BulkPrinter<'r> {
    pub out: Output,
    sink: Box<dyn Sink>,
    progress: Progress,
    pub tally: Tally,
    pub io_error: Option<std::io::Error>,
    /// The output went away (a closed pipe or an error writing): the run stops.
    pub output_gone: bool,
    started: Instant,
    requests: Arc<RequestCount>,
    /// Accounts the resume file already had.
    skipped: usize,
    resume: Option<PathBuf>,
    /// The catalog's settings this run leaves out, named in every report.
    not_read: Vec<String>,
    record: Record<'r>,
}

/// What a printer is made of.
pub struct PrinterParts<'r> {
    pub out: Output,
    pub sink: Box<dyn Sink>,
    pub total: u64,
    pub requests: Arc<RequestCount>,
    pub skipped: usize,
    pub resume: Option<PathBuf>,
    pub not_read: Vec<String>,
    pub record: Record<'r>,
}

impl<'r> BulkPrinter<'r> {
    pub fn new(parts: PrinterParts<'r>) -> Result<BulkPrinter<'r>> {
        let PrinterParts {
            out,
            mut sink,
            total,
            requests,
            skipped,
            resume,
            not_read,
            record,
        } = parts;
        sink.begin().map_err(|e| Error::Io {
            what: "the output".to_string(),
            detail: e.to_string(),
        })?;
        Ok(BulkPrinter {
            progress: Progress::start(&out, total),
            out,
            sink,
            tally: Tally::default(),
            io_error: None,
            output_gone: false,
            started: Instant::now(),
            requests,
            skipped,
            resume,
            not_read,
            record,
        })
    }

    /// The run is over: the progress line goes, the sink closes, the summary is said, with the
    /// hint to resume when accounts were not reached.
    pub fn finish(&mut self) {
        self.end(true);
    }

    fn end(&mut self, hint: bool) {
        self.progress.finish();
        if self.output_gone {
            return;
        }
        if self.io_error.is_none()
            && let Err(e) = self.sink.finish()
        {
            self.io_error = Some(e);
        }
        let t = &self.tally;
        let mut line = format!(
            "{} account(s) in {:.1} s: {}; {} request(s) sent",
            t.accounts(),
            self.started.elapsed().as_secs_f64(),
            t.counts(),
            self.requests.get()
        );
        if self.skipped > 0 {
            line.push_str(&format!(
                "; {} already done in the resume file",
                self.skipped
            ));
        }
        if t.malformed > 0 {
            line.push_str(&format!(
                "; {} line(s) of the accounts not audited",
                t.malformed
            ));
        }
        self.out.summary(&format!("linkedin-privacy: {line}"));
        if hint && t.not_reached > 0 {
            self.out.summary(&format!(
                "  hint: {}",
                self.out.words.hint(&self.resume_hint())
            ));
        }
    }

    /// How to audit what this run did not: with the resume file it was given, or with one.
    fn resume_hint(&self) -> Hint {
        Hint::ResumeAgain {
            path: self.resume.as_ref().map(|p| p.display().to_string()),
        }
    }
}

impl Printer for BulkPrinter<'_> {
    fn report(&mut self, place: usize, report: &mut Report) -> Next {
        report.not_read.clone_from(&self.not_read);
        // Recorded here, on the one printing thread: one writer for the whole run.
        if let Some(changed) = (self.record)(report) {
            if changed > 0 {
                self.tally.changed += 1;
            }
            if report
                .settings
                .iter()
                .any(|r| r.previous.as_ref().is_some_and(|p| p.reenabled))
            {
                let label = report.account.label.clone().unwrap_or_default();
                self.tally
                    .reenabled
                    .push(crate::text::clean_line(&label, 100));
            }
        }
        self.tally.add(report);
        if let Err(e) = self.sink.item_at(place, report) {
            self.io_error = Some(e);
        }
        if self.io_error.is_some() || crate::output::stdout_closed() {
            self.output_gone = true;
            return Next::Stop;
        }
        self.progress.advance(&self.tally.brief());
        Next::Continue
    }

    fn malformed(&mut self, line: usize, why: &'static str) {
        self.tally.malformed += 1;
        self.out
            .warn(&format!("accounts line {line} is not audited: {why}"));
    }

    fn interrupted(&mut self) {
        // The error says how to resume, once.
        self.end(false);
        if self.output_gone {
            return;
        }
        let e = Error::Interrupted {
            detail: "before every account was audited; the rest are reported as not reached"
                .to_string(),
        };
        let mut view = crate::report::ErrorView::from(&e);
        view.hint = Some(self.resume_hint());
        self.out.error_view(&view);
    }
}

/// The resume file: this run's NDJSON appended, a line at a time, each written whole. A half
/// line a crash left is ended first, so the next line starts clean.
pub struct AppendNdjson {
    file: std::fs::File,
}

impl AppendNdjson {
    /// Appends through the locked resume file's own handle.
    pub fn new(resume: &ResumeFile) -> Result<AppendNdjson> {
        let fail = |e: std::io::Error| Error::Io {
            what: resume.path.display().to_string(),
            detail: e.to_string(),
        };
        let mut file = resume.file.try_clone().map_err(fail)?;
        let len = file.metadata().map_err(fail)?.len();
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(fail)?;
            file.read_exact(&mut last).map_err(fail)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(fail)?;
            }
        }
        Ok(AppendNdjson { file })
    }
}

impl Sink for AppendNdjson {
    fn begin(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> std::io::Result<()> {
        let mut line = crate::output::json_text(&serde_json::to_string(report)?);
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}
