//! `linkedin-privacy drift`: compare a recording with a baseline (the fixtures by default) and
//! say, by severity, where LinkedIn's replies no longer match what the tool reads; or, with
//! `--self-check`, prove the fixtures themselves are right.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use comfy_table::Color;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::drift::assumptions::{self, Assumption, Verdict};
use crate::drift::compare::{self, Finding, Severity};
use crate::drift::recording::Recording;
use crate::drift::selfcheck::{self, Check};
use crate::drift::{self, Recorder};
use crate::error::Error;
use crate::output::{Csv, Format, Style, View, Words, write_stdout};

#[derive(Debug, Args)]
#[command(after_help = "Exit 0 without breaking drift, 3 with it.")]
pub struct DriftArgs {
    /// The baseline recording [default: the fixtures built into the tool]; given alone, the
    /// recording to compare with those fixtures
    #[arg(value_name = "BASELINE")]
    pub baseline: Option<PathBuf>,

    /// The recording to compare with the baseline
    #[arg(value_name = "CURRENT", conflicts_with_all = ["live", "self_check"])]
    pub current: Option<PathBuf>,

    /// Record the current replies now (one request per endpoint) and compare those
    #[arg(long, conflicts_with = "self_check")]
    pub live: bool,

    /// With --live: keep the recording in DIR (default: a temporary folder, deleted after)
    #[arg(long, value_name = "DIR", requires = "live")]
    pub out: Option<PathBuf>,

    /// Check the baseline itself: every file parses, the hashes match, every file has its
    /// provenance, the sandbox serves what they say
    #[arg(long)]
    pub self_check: bool,
}

#[derive(Serialize)]
struct DriftView {
    schema: u32,
    tool: crate::report::Tool,
    baseline: String,
    current: String,
    breaking: usize,
    notable: usize,
    info: usize,
    findings: Vec<Finding>,
    /// The catalog's inferred parts, as the current recording has them.
    assumptions: Vec<Assumption>,
    /// The replies compared, for JUnit.
    #[serde(skip)]
    replies: Vec<String>,
}

#[derive(Serialize)]
struct SelfCheckView {
    schema: u32,
    tool: crate::report::Tool,
    fixtures: String,
    passed: usize,
    failed: usize,
    checks: Vec<Check>,
}

pub fn run(ctx: &Ctx, mut args: DriftArgs) -> anyhow::Result<Exit> {
    // One folder alone is a recording to compare with the fixtures built into the tool (what
    // `record --out today/` suggests), so that it works outside a checkout too.
    if args.current.is_none() && !args.live && !args.self_check {
        args.current = args.baseline.take();
    }
    let baseline = match &args.baseline {
        Some(dir) => Recording::open(dir)?,
        None => Recording::builtin(),
    };
    if args.self_check {
        let checks = selfcheck::run(&baseline, args.baseline.as_deref(), &ctx.time);
        let failed = checks.iter().filter(|c| !c.ok).count();
        let view = SelfCheckView {
            schema: 1,
            tool: crate::report::Tool::default(),
            fixtures: baseline.name.clone(),
            passed: checks.len() - failed,
            failed,
            checks,
        };
        ctx.out.print(&view)?;
        return Ok(if failed == 0 { Exit::Ok } else { Exit::Unknown });
    }
    let (current, _keep) = match (&args.current, args.live) {
        (Some(dir), _) => (Recording::open(dir)?, None),
        (None, true) => {
            let (dir, guard) = match &args.out {
                Some(d) => (d.clone(), None),
                None => {
                    let t = tempfile::Builder::new()
                        .prefix("linkedin-privacy-drift.")
                        .tempdir()
                        .map_err(|e| Error::Io {
                            what: "a temporary folder".to_string(),
                            detail: e.to_string(),
                        })?;
                    (t.path().to_path_buf(), Some(t))
                }
            };
            drift::prepare_dir(&dir)?;
            let catalog = ctx.catalog()?;
            let recorder = Arc::new(Recorder::default());
            let conn = ctx.connector.connect_observed(Some(recorder.clone()))?;
            drift::record(
                &conn.member(),
                &conn.session,
                &catalog,
                &recorder,
                &dir,
                ctx.time.clock.rfc3339(),
            )?;
            let mut rec = Recording::open(&dir)?;
            if guard.is_some() {
                rec.name = "a recording made now".to_string();
            }
            (rec, guard)
        }
        (None, false) => {
            return Err(Error::usage(
                "drift needs a recording to compare: CURRENT, or --live to record one now",
                Some("e.g. `linkedin-privacy drift today/` (against the built-in fixtures) or `linkedin-privacy drift --live`".to_string()),
            )
            .into());
        }
    };
    let findings = compare::compare(&baseline, &current);
    let assumptions = assumptions::check(&ctx.catalog()?, &current);
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    let view = DriftView {
        schema: 1,
        tool: crate::report::Tool::default(),
        baseline: baseline.name.clone(),
        current: current.name.clone(),
        breaking: count(Severity::Breaking),
        notable: count(Severity::Notable),
        info: count(Severity::Info),
        replies: baseline.manifest.replies.iter().map(|r| r.name()).collect(),
        findings,
        assumptions,
    };
    if ctx.out.format == Format::Junit {
        write_stdout(&junit(&view, &ctx.time.clock.rfc3339()))?;
    } else {
        ctx.out.print(&view)?;
    }
    Ok(if view.breaking > 0 {
        Exit::Unknown
    } else {
        Exit::Ok
    })
}

/// One test case per baseline reply: a failure when it drifted in a breaking way; notable
/// findings in its output.
fn junit(v: &DriftView, at: &str) -> String {
    use crate::output::junit::{Outcome, Suite};
    let mut suite = Suite::new("linkedin-privacy drift");
    // The findings of each reply, gathered once: one pass, however many replies.
    let mut by_reply: std::collections::HashMap<&str, (Vec<String>, Vec<String>)> =
        std::collections::HashMap::new();
    for f in &v.findings {
        let entry = by_reply.entry(f.reply.as_str()).or_default();
        match f.severity {
            Severity::Breaking => entry.0.push(f.message.clone()),
            Severity::Notable => entry.1.push(f.message.clone()),
            Severity::Info => {}
        }
    }
    for reply in &v.replies {
        let (breaking, notable) = by_reply.remove(reply.as_str()).unwrap_or_default();
        let outcome = if breaking.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failure {
                kind: "breaking".to_string(),
                message: breaking.join("; "),
            }
        };
        let output = (!notable.is_empty()).then(|| format!("notable: {}", notable.join("; ")));
        suite.case("drift", reply, outcome, output.as_deref());
    }
    suite.document(at, None)
}

impl View for DriftView {
    fn table(&self, s: &Style, w: &Words) -> String {
        let mut out = format!(
            "{} {} against {}\n",
            s.bold("Drift of"),
            self.current,
            self.baseline
        );
        out.push_str(&assumption_lines(&self.assumptions, s));
        if self.findings.is_empty() {
            out.push_str(&format!(
                "{} LinkedIn's replies have the shapes the tool knows.\n",
                s.green("NO DRIFT:")
            ));
            return out;
        }
        let mut table = s.table(&["Severity", "Reply", "What changed"]);
        for f in &self.findings {
            let color = match f.severity {
                Severity::Breaking => Some(Color::Red),
                Severity::Notable => Some(Color::Yellow),
                Severity::Info => None,
            };
            table.add_row(vec![
                s.cell(f.severity.as_str(), color),
                s.cell(&f.reply, None),
                s.cell(&f.message, None),
            ]);
        }
        out.push_str(&format!("{table}\n"));
        let counts = format!(
            "{} breaking, {} notable, {} info",
            self.breaking, self.notable, self.info
        );
        if self.breaking > 0 {
            out.push_str(&s.wrap(&format!(
                "{} {counts}. The tool can no longer read or write what changed: settings will read `unknown` and `opt-out` will refuse to write until the catalog (`{}`) or a new version follows the change.",
                s.red("BREAKING DRIFT:"),
                w.command("catalog --toml")
            ), ""));
            out.push('\n');
        } else {
            out.push_str(&s.wrap(
                &format!(
                    "{} {counts}; nothing the tool relies on changed.",
                    s.yellow("DRIFT:")
                ),
                "",
            ));
            out.push('\n');
        }
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            severity: &'a str,
            reply: &'a str,
            path: Option<&'a str>,
            change: &'a str,
            message: &'a str,
        }
        csv.header_of::<Row<'_>>();
        for f in &self.findings {
            csv.row(&Row {
                severity: f.severity.as_str(),
                reply: &f.reply,
                path: f.path.as_deref(),
                change: f.change,
                message: &f.message,
            });
        }
    }
}

/// The catalog's inferred parts a recording confirms or contradicts (the unsettled ones are
/// counted).
fn assumption_lines(all: &[Assumption], s: &Style) -> String {
    let count = |v| all.iter().filter(|a| a.verdict == v).count();
    if all.is_empty() {
        return String::new();
    }
    let mut out = s.wrap(
        &format!(
            "{} {} confirmed, {} contradicted, {} unsettled by this recording{}.",
            s.bold("The catalog's inferred parts:"),
            count(Verdict::Confirmed),
            count(Verdict::Contradicted),
            count(Verdict::Unsettled),
            if s.long {
                ""
            } else {
                " (each one with --wide)"
            }
        ),
        "  ",
    );
    out.push('\n');
    // The contradicted ones always; the confirmed ones in the long form (--wide, -v).
    for a in all.iter().filter(|a| {
        a.verdict == Verdict::Contradicted || (s.long && a.verdict == Verdict::Confirmed)
    }) {
        let word = match a.verdict {
            Verdict::Contradicted => s.red("contradicted"),
            _ => s.green("confirmed"),
        };
        out.push_str(&s.wrap(
            &format!(
                "  {word} {} {} `{}`: {}",
                a.id,
                a.field,
                crate::text::clean_line(&a.assumed, 80),
                a.evidence
            ),
            "    ",
        ));
        out.push('\n');
    }
    out
}

impl View for SelfCheckView {
    fn table(&self, s: &Style, _: &Words) -> String {
        let mut out = String::new();
        for c in self.checks.iter().filter(|c| !c.ok) {
            out.push_str(&format!(
                "{} {}: {}\n",
                s.red("FAILED"),
                c.check,
                c.detail.as_deref().unwrap_or("")
            ));
        }
        out.push_str(&format!(
            "{} {} checks of {}: {} passed, {} failed.\n",
            if self.failed == 0 {
                s.green("OK:")
            } else {
                s.red("FIXTURES BROKEN:")
            },
            self.checks.len(),
            self.fixtures,
            self.passed,
            self.failed
        ));
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            check: &'a str,
            ok: bool,
            detail: Option<&'a str>,
        }
        csv.header_of::<Row<'_>>();
        for c in &self.checks {
            csv.row(&Row {
                check: &c.check,
                ok: c.ok,
                detail: c.detail.as_deref(),
            });
        }
    }
}
