//! Reports, streamed: a [`Sink`] takes a run's reports one at a time, as soon as each account is
//! done, so a run over thousands of accounts prints as it goes and keeps nothing it no longer
//! needs. One sink per format; the CSV header is written once, a JSON array is opened and closed
//! around the items. A table of several accounts, and JUnit, are written at the end (one summary
//! row, or a few test cases, per account).

use std::io;

use comfy_table::Color;

use super::junit::Junit;
use super::{Format, Output, View, csv_line, json_text, write_stdout};
use crate::report::{Report, Verdict};

/// Where a run's reports go.
pub trait Sink: Send {
    /// Before the first report.
    fn begin(&mut self) -> io::Result<()>;
    /// One account's report.
    fn item(&mut self, report: &Report) -> io::Result<()>;
    /// After the last report.
    fn finish(&mut self) -> io::Result<()>;
}

/// The sink for this output's format. `many` says whether the run covers several accounts: a
/// single account's JSON is one object (the documented schema), several accounts' an array.
pub fn for_reports(out: &Output, many: bool) -> Box<dyn Sink> {
    match (out.format, many) {
        (Format::Table, false) => Box::new(TableSink { out: out.clone() }),
        (Format::Table, true) => Box::new(SummarySink {
            out: out.clone(),
            rows: Vec::new(),
        }),
        (Format::Json, _) => Box::new(JsonSink { many, count: 0 }),
        (Format::Ndjson, _) => Box::new(NdjsonSink),
        (Format::Csv, _) => Box::new(CsvSink { header: false }),
        (Format::Junit, _) => Box::new(JunitSink {
            junit: Junit::default(),
            started: std::time::Instant::now(),
            at: None,
        }),
    }
}

struct TableSink {
    out: Output,
}

impl Sink for TableSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        write_stdout(&report.table(&self.out.stdout, &self.out.words))
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One row per account, printed as one table at the end.
struct SummarySink {
    out: Output,
    rows: Vec<[String; 4]>,
}

impl Sink for SummarySink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, r: &Report) -> io::Result<()> {
        let exposed: Vec<&str> = r
            .settings
            .iter()
            .filter(|s| s.private == Some(false))
            .map(|s| s.id.as_str())
            .collect();
        let who = r
            .account
            .label
            .clone()
            .or_else(|| r.account.profile.clone())
            .unwrap_or_default();
        self.rows.push([
            who,
            r.verdict.as_str().to_string(),
            exposed.join(", "),
            r.error
                .as_ref()
                .map(|e| e.kind.as_str().to_string())
                .unwrap_or_default(),
        ]);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        let s = &self.out.stdout;
        let mut table = s.table(&["Account", "Verdict", "Exposed settings", "Error"]);
        for [who, verdict, exposed, error] in &self.rows {
            let color = match verdict.as_str() {
                v if v == Verdict::Private.as_str() => Some(Color::Green),
                v if v == Verdict::Exposed.as_str() => Some(Color::Red),
                _ => Some(Color::Yellow),
            };
            table.add_row(vec![
                s.cell(who, None),
                s.cell(verdict, color),
                s.cell(exposed, None),
                s.cell(error, None),
            ]);
        }
        write_stdout(&format!("{table}\n"))
    }
}

struct JunitSink {
    junit: Junit,
    started: std::time::Instant,
    at: Option<String>,
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
        write_stdout(
            &self
                .junit
                .document(&at, self.started.elapsed().as_secs_f64()),
        )
    }
}

struct JsonSink {
    many: bool,
    count: usize,
}

impl Sink for JsonSink {
    fn begin(&mut self) -> io::Result<()> {
        if self.many {
            write_stdout("[\n")?;
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
        write_stdout(&text)
    }
    fn finish(&mut self) -> io::Result<()> {
        if self.many {
            write_stdout(if self.count > 0 { "\n]\n" } else { "]\n" })?;
        }
        Ok(())
    }
}

struct NdjsonSink;

impl Sink for NdjsonSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        // One write per line, so a crash never leaves half a line for a resume to trip over.
        let mut line = json_text(&serde_json::to_string(report)?);
        line.push('\n');
        write_stdout(&line)
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct CsvSink {
    header: bool,
}

impl Sink for CsvSink {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn item(&mut self, report: &Report) -> io::Result<()> {
        let mut text = String::new();
        if !self.header {
            // The first report's header (an opt-out's has three more columns).
            text.push_str(&csv_line(report.csv_header().iter().map(|h| h.to_string())));
            self.header = true;
        }
        for row in report.csv_rows() {
            text.push_str(&csv_line(row.into_iter()));
        }
        write_stdout(&text)
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
