//! Reports, streamed: a [`Sink`] takes a run's reports one at a time, as soon as each account is
//! done, so a run over thousands of accounts prints as it goes and keeps nothing it no longer
//! needs. One sink per format, each over any writer (standard output by default); the CSV header
//! is written once, a JSON array is opened and closed around the items. A table of several
//! accounts, and JUnit, are written at the end (one summary row, or a few test cases, per
//! account).

use std::io::{self, Write};

use comfy_table::Color;

use super::junit::Junit;
use super::{Csv, Format, Output, Stdout, View, json_text};
use crate::report::{Report, State, Verdict};

/// Where a sink writes.
pub type Writer = Box<dyn Write + Send>;

/// Where a run's reports go.
pub trait Sink: Send {
    /// Before the first report.
    fn begin(&mut self) -> io::Result<()>;
    /// One account's report.
    fn item(&mut self, report: &Report) -> io::Result<()>;
    /// One account's report and its place in the input (from 0): a sink that prints at the end
    /// puts its rows in that order.
    fn item_at(&mut self, _place: usize, report: &Report) -> io::Result<()> {
        self.item(report)
    }
    /// After the last report.
    fn finish(&mut self) -> io::Result<()>;
}

/// The sink for this output's format, writing to standard output. `many` says whether the run
/// covers several accounts: a single account's JSON is one object (the documented schema),
/// several accounts' an array.
pub fn for_reports(out: &Output, many: bool) -> Box<dyn Sink> {
    for_reports_to(out, many, Box::new(Stdout))
}

/// The sink for this output's format, writing to `w`.
pub fn for_reports_to(out: &Output, many: bool, w: Writer) -> Box<dyn Sink> {
    match (out.format, many) {
        (Format::Table, false) => Box::new(TableSink {
            out: out.clone(),
            w,
        }),
        (Format::Table, true) => Box::new(SummarySink {
            out: out.clone(),
            rows: Vec::new(),
            w,
        }),
        (Format::Json, _) => Box::new(JsonSink { many, count: 0, w }),
        (Format::Ndjson, _) => Box::new(NdjsonSink { w }),
        (Format::Csv, _) => Box::new(CsvSink {
            csv: Csv::default(),
            w,
        }),
        (Format::Junit, _) => Box::new(JunitSink {
            junit: Junit::default(),
            started: std::time::Instant::now(),
            at: None,
            w,
        }),
    }
}

struct TableSink {
    out: Output,
    w: Writer,
}

impl Sink for TableSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        self.w
            .write_all(report.table(&self.out.stdout, &self.out.words).as_bytes())?;
        self.w.flush()
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One row per account, printed as one table at the end, in the order of the input: who, the
/// verdict, what is exposed, and why what is not known is not (an error's kind, or the reasons
/// settings were not read). The NDJSON has every detail; a row stays one line.
struct SummarySink {
    out: Output,
    rows: Vec<(usize, [String; 5])>,
    w: Writer,
}

/// The generative-AI training toggle's state, and how many settings are exposed: what a row of
/// many accounts needs to say (the NDJSON names them all).
fn exposed_cells(r: &Report) -> (String, String) {
    let ai = r
        .settings
        .iter()
        .find(|s| s.id == crate::catalog::DEFAULT_OPT_OUT)
        .map(|s| s.state.as_str().to_string())
        .unwrap_or_default();
    let exposed = r
        .settings
        .iter()
        .filter(|s| s.private == Some(false))
        .count();
    let exposed = if r.settings.is_empty() {
        String::new()
    } else {
        exposed.to_string()
    };
    (ai, exposed)
}

/// Why a row is not certain: the error's kind, else each reason settings were left unknown,
/// with how many (`html (17)`). The codes are the JSON's, said with spaces so a narrow column
/// wraps them between words (`value matches neither (1)`).
fn why_cell(r: &Report) -> String {
    if let Some(e) = &r.error {
        return e.kind.as_str().replace('_', " ");
    }
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for s in r.settings.iter().filter(|s| s.state == State::Unknown) {
        let code = s.reason_code.map_or("unknown", |c| c.as_str());
        match reasons.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => reasons.push((code, 1)),
        }
    }
    reasons
        .iter()
        .map(|(code, n)| format!("{} ({n})", code.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Sink for SummarySink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, r: &Report) -> io::Result<()> {
        let place = self.rows.last().map_or(0, |(p, _)| p + 1);
        self.item_at(place, r)
    }
    fn item_at(&mut self, place: usize, r: &Report) -> io::Result<()> {
        let who = r
            .account
            .label
            .clone()
            .or_else(|| r.account.profile.clone())
            .unwrap_or_default();
        let (ai, exposed) = exposed_cells(r);
        let verdict = r.verdict.as_str().to_string();
        self.rows
            .push((place, [who, verdict, ai, exposed, why_cell(r)]));
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        let s = &self.out.stdout;
        self.rows.sort_by_key(|(place, _)| *place);
        let mut table = s.table(&[
            "Account",
            "Verdict",
            "AI training",
            "Exposed",
            "Not known because",
        ]);
        for (_, [who, verdict, ai, exposed, why]) in &self.rows {
            let color = match verdict.as_str() {
                v if v == Verdict::Private.as_str() => Some(Color::Green),
                v if v == Verdict::Exposed.as_str() => Some(Color::Red),
                _ => Some(Color::Yellow),
            };
            table.add_row(vec![
                s.cell(who, None),
                s.cell(verdict, color),
                s.cell(ai, None),
                s.cell(exposed, None),
                s.cell(why, None),
            ]);
        }
        self.w.write_all(format!("{table}\n").as_bytes())?;
        self.w.flush()
    }
}

struct JunitSink {
    junit: Junit,
    started: std::time::Instant,
    at: Option<String>,
    w: Writer,
}

impl Sink for JunitSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        if self.at.is_none() {
            self.at = Some(report.checked_at.clone());
        }
        self.junit.add(report);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        let at = self.at.clone().unwrap_or_default();
        let doc = self
            .junit
            .document(&at, self.started.elapsed().as_secs_f64());
        self.w.write_all(doc.as_bytes())?;
        self.w.flush()
    }
}

struct JsonSink {
    many: bool,
    count: usize,
    w: Writer,
}

impl Sink for JsonSink {
    fn begin(&mut self) -> io::Result<()> {
        if self.many {
            self.w.write_all(b"[\n")?;
            self.w.flush()?;
        }
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        let mut text = json_text(&serde_json::to_string_pretty(report)?);
        if self.many && self.count > 0 {
            text.insert_str(0, ",\n");
        }
        if !self.many {
            text.push('\n');
        }
        self.count += 1;
        self.w.write_all(text.as_bytes())?;
        self.w.flush()
    }
    fn finish(&mut self) -> io::Result<()> {
        if self.many {
            let end: &[u8] = if self.count > 0 { b"\n]\n" } else { b"]\n" };
            self.w.write_all(end)?;
            self.w.flush()?;
        }
        Ok(())
    }
}

struct NdjsonSink {
    w: Writer,
}

impl Sink for NdjsonSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        // One write per line, so a crash never leaves half a line for a resume to trip over.
        let mut line = json_text(&serde_json::to_string(report)?);
        line.push('\n');
        self.w.write_all(line.as_bytes())?;
        self.w.flush()
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct CsvSink {
    csv: Csv,
    w: Writer,
}

impl Sink for CsvSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        // The first report's header only (an opt-out's has three more columns).
        report.csv(&mut self.csv);
        self.w.write_all(self.csv.take().as_bytes())?;
        self.w.flush()
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
