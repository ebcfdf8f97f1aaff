//! `linkedin-privacy summary FILES… | DIR | -`: the reports members made of their own accounts
//! (`audit --report`), and audit JSON or NDJSON, gathered into counts per setting. Nobody's
//! session is used: the files are all there is.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::error::Error;
use crate::output::{Csv, Format, Style, View, Words, write_stdout};
use crate::summary::Summary;

#[derive(Debug, Args)]
#[command(after_help = "\
Each member runs `linkedin-privacy audit --report FILE` on their own machine and sends FILE;
gather the files in a folder and summarise it. A damaged, duplicate, foreign or newer file is
named and skipped, never fatal. --format junit gives one test per member (a failure when a
setting exposes data).")]
pub struct SummaryArgs {
    /// Report files, folders of them (`.json`, `.ndjson`, `.jsonl`), or `-` for standard input
    #[arg(value_name = "FILE|DIR|-", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Also write the summary as one self-contained HTML page (mode 0600)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: SummaryArgs) -> anyhow::Result<Exit> {
    let mut files = Vec::new();
    for input in &args.inputs {
        files.extend(crate::summary::feed::expand(input).map_err(|e| {
            Error::usage(
                format!("cannot read {}: {e}", input.display()),
                Some("give report files, a folder of them, or - for standard input".to_string()),
            )
        })?);
    }
    let gathered = crate::summary::feed::gather(&files);
    if gathered.dropped_settings > 0 {
        ctx.out.warn(&format!(
            "the reports name more than 500 different settings: {} were left out of the table (never out of a member's verdict)",
            gathered.dropped_settings
        ));
    }
    let summary = Summary::of(gathered);
    if summary.members == 0 {
        return Err(Error::usage(
            format!(
                "no member report found in {} file(s){}",
                summary.files,
                if summary.skipped_count > 0 {
                    format!(
                        " ({} skipped: {})",
                        summary.skipped_count,
                        summary
                            .skipped
                            .first()
                            .map(|k| format!("{} {}", k.source, k.why))
                            .unwrap_or_default()
                    )
                } else {
                    String::new()
                }
            ),
            Some("members make reports with `audit --report FILE`".to_string()),
        )
        .into());
    }
    for k in summary.skipped.iter().take(20) {
        ctx.out.warn(&format!("skipped {} {}", k.source, k.why));
    }
    if summary.skipped_count > 20 {
        ctx.out
            .warn(&format!("and {} more skipped", summary.skipped_count - 20));
    }
    if let Some(path) = &args.html {
        let page = crate::summary::html::page(&summary, &ctx.time.clock.rfc3339());
        crate::fsx::write_atomic(path, page.as_bytes(), 0o600).map_err(|e| Error::Io {
            what: path.display().to_string(),
            detail: e.to_string(),
        })?;
        ctx.out.note(&format!("Wrote {}.", path.display()));
    }
    if ctx.out.format == Format::Junit {
        write_stdout(&junit(&summary, &ctx.time.clock.rfc3339()))?;
    } else {
        ctx.out.print(&View_(&summary))?;
    }
    Ok(Exit::Ok)
}

/// One test per member: a failure when a setting exposes data, an error when nothing is proven.
fn junit(s: &Summary, at: &str) -> String {
    use crate::output::junit::{Outcome, Suite};
    let mut suite = Suite::new("summary");
    for m in &s.rows {
        let outcome = match m.verdict {
            "exposed" => Outcome::Failure {
                kind: "exposed".to_string(),
                message: format!(
                    "{} setting(s) let LinkedIn use the member's data",
                    m.exposed
                ),
            },
            "private" => Outcome::Passed,
            _ => Outcome::Error {
                kind: "incomplete".to_string(),
                message: format!("{} setting(s) could not be read with certainty", m.unknown),
            },
        };
        suite.case("member", &m.id, outcome, Some(&m.source));
    }
    suite.document(at, None)
}

/// The view (a newtype, so the summary type stays free of the output layer).
#[derive(Serialize)]
#[serde(transparent)]
struct View_<'a>(&'a Summary);

impl View for View_<'_> {
    fn table(&self, s: &Style, _: &Words) -> String {
        let sum = self.0;
        let mut out = String::new();
        let share = if sum.members == 0 {
            0.0
        } else {
            sum.fully_private as f64 * 100.0 / sum.members as f64
        };
        out.push_str(&s.wrap(
            &format!(
                "{} member(s) from {} file(s): {} fully private ({share:.0} %), {} exposed, {} incomplete.",
                sum.members, sum.files, sum.fully_private, sum.exposed, sum.incomplete
            ),
            "",
        ));
        out.push('\n');
        let mut table = s.table(&["Setting", "Private", "Exposed", "Unknown", "Not offered"]);
        for c in &sum.settings {
            table.add_row(vec![
                s.cell(&c.id, None),
                s.cell(&c.private.to_string(), None),
                s.cell(&c.exposed.to_string(), None),
                s.cell(&c.unknown.to_string(), None),
                s.cell(&c.not_offered.to_string(), None),
            ]);
        }
        out.push_str(&format!("{table}\n"));
        if let Some(o) = &sum.oldest {
            out.push_str(&s.wrap(
                &format!("Oldest report: {} ({}, {}).", o.made_at, o.id, o.source),
                "  ",
            ));
            out.push('\n');
        }
        let list = |m: &std::collections::BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !sum.catalogs.is_empty() {
            out.push_str(&s.wrap(&format!("Catalogs: {}.", list(&sum.catalogs)), "  "));
            out.push('\n');
        }
        if !sum.tools.is_empty() {
            out.push_str(&s.wrap(&format!("Tool versions: {}.", list(&sum.tools)), "  "));
            out.push('\n');
        }
        if sum.duplicate_count > 0 {
            out.push_str(&s.wrap(
                &format!(
                    "Duplicates, counted once: {}.",
                    sum.duplicates
                        .iter()
                        .map(|d| format!("{} ({})", d.id, d.source))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "  ",
            ));
            out.push('\n');
        }
        if sum.skipped_count > 0 {
            out.push_str(&s.wrap(
                &format!(
                    "Skipped: {} file(s) or line(s), named above.",
                    sum.skipped_count
                ),
                "  ",
            ));
            out.push('\n');
        }
        out
    }

    fn csv(&self, csv: &mut Csv) {
        for c in &self.0.settings {
            csv.row(c);
        }
    }
}
