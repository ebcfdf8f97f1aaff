//! Reports, streamed: a [`Sink`] takes a run's reports one at a time, as soon as each account is
//! done, so a run over thousands of accounts prints as it goes and keeps nothing it no longer
//! needs. One sink per format; the CSV header is written once, a JSON array is opened and closed
//! around the items.

use std::io;

use super::report::CSV_HEADER;
use super::{Format, Output, View, csv_line, json_text, write_stdout};
use crate::report::Report;

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
    match out.format {
        Format::Table => Box::new(TableSink { out: out.clone() }),
        Format::Json => Box::new(JsonSink { many, count: 0 }),
        Format::Ndjson => Box::new(NdjsonSink),
        Format::Csv => Box::new(CsvSink { header: false }),
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
            text.push_str(&csv_line(CSV_HEADER.iter().map(|h| h.to_string())));
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
