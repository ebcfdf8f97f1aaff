//! `linkedin-privacy history`: what the history recorded, as a timeline per account and setting
//! (with the objections and when LinkedIn's answer is due); `--export` writes it as a hash chain
//! and `--verify` checks one.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::Args;
use comfy_table::Color;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::clock::Day;
use crate::error::{Error, Result};
use crate::history::chain::{self, Verifier};
use crate::history::timeline::{self, Objection, Span};
use crate::history::{Filter, History};
use crate::output::{Csv, Style, View, Words};

#[derive(Debug, Args)]
#[command(after_help = "\
Every audit, opt-out and objection is recorded (against LinkedIn by default in
~/.local/share/linkedin-privacy/history.sqlite3; --history FILE for another, --no-history for
none). --profile NAME shows one profile's records only.

An export is a hash chain: each record's SHA-256 covers the one before it, and the last one (the
head) is printed. Keep the head somewhere else (an email to yourself, your complaint): --verify
FILE --head HASH then proves no record was changed, removed or moved since.")]
pub struct HistoryArgs {
    /// Only records from this day on (YYYY-MM-DD, or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only this setting (see `linkedin-privacy catalog` for the ids)
    #[arg(long = "setting", value_name = "ID")]
    pub setting: Option<String>,

    /// Write every record, as a hash chain, to FILE (JSON; `-` for standard output) and print
    /// the head
    #[arg(long, value_name = "FILE", conflicts_with_all = ["since", "setting", "verify"])]
    pub export: Option<PathBuf>,

    /// Check the hash chain of an export FILE (without FILE: of the history itself)
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    pub verify: Option<Option<PathBuf>>,

    /// With --verify: the head printed at export, which the chain must end in
    #[arg(long, value_name = "HASH", requires = "verify")]
    pub head: Option<String>,

    /// Exit 1 when an objection is past the day LinkedIn's answer was due and no answer is
    /// recorded (`objection --confirmed`), for a scheduled check
    #[arg(long, conflicts_with_all = ["export", "verify"])]
    pub fail_on_overdue: bool,

    /// Also write the history as a page (HTML, mode 0600): each setting's timeline as a band,
    /// the moments one was switched back on, the objections and their due days
    #[arg(long, value_name = "FILE", conflicts_with_all = ["export", "verify"])]
    pub html: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: HistoryArgs) -> anyhow::Result<Exit> {
    if let Some(Some(file)) = &args.verify {
        return verify_export(ctx, file, args.head.as_deref());
    }
    let path = match &ctx.settings.history {
        crate::settings::HistoryPlace::File(p) => p.clone(),
        crate::settings::HistoryPlace::Off(why) => {
            return Err(Error::usage(
                format!("there is no history to show: {why}"),
                Some("give --history FILE".to_string()),
            )
            .into());
        }
    };
    let history = History::open_existing(&path)?;
    if let Some(why) = history.as_ref().and_then(|h| h.exposure.as_ref()) {
        ctx.out.warn(why);
    }
    if history.is_none() && (args.verify.is_some() || args.export.is_some()) {
        return Err(Error::usage(
            format!(
                "there is no history at {} to check or export",
                path.display()
            ),
            Some("give the history's path with --history FILE".to_string()),
        )
        .into());
    }
    if args.verify.is_some() {
        let mut verifier = Verifier::new(args.head.as_deref());
        if let Some(h) = &history {
            h.each_canonical(|c, stored| {
                verifier.push_canonical(c, stored);
                Ok(())
            })?;
        }
        return show_verdict(ctx, &path, verifier.finish(None));
    }
    if let Some(out) = &args.export {
        return export(ctx, history.as_ref(), &path, out);
    }
    let filter = Filter {
        since: args.since.as_deref().map(since).transpose()?,
        setting: args.setting.clone(),
        profile: ctx
            .settings
            .profile_given
            .then(|| ctx.settings.profile.clone()),
    };
    let today = Day::of(ctx.time.clock.now());
    let view = match &history {
        Some(h) => Timeline {
            schema: 1,
            tool: crate::report::Tool::default(),
            history: path.display().to_string(),
            records: h.count()?,
            timeline: timeline::spans(h, &filter)?,
            objections: timeline::objections(h, &filter, today)?,
        },
        None => Timeline {
            schema: 1,
            tool: crate::report::Tool::default(),
            history: path.display().to_string(),
            records: 0,
            timeline: Vec::new(),
            objections: Vec::new(),
        },
    };
    ctx.out.print(&view)?;
    if let Some(file) = &args.html {
        let page = crate::pages::history::page(
            &view.timeline,
            &view.objections,
            &ctx.time.clock.rfc3339(),
        );
        crate::fsx::write_atomic(file, page.as_bytes(), 0o600).map_err(|e| Error::Io {
            what: file.display().to_string(),
            detail: e.to_string(),
        })?;
        ctx.out.note(&format!("Wrote {}.", file.display()));
    }
    if !args.fail_on_overdue {
        return Ok(Exit::Ok);
    }
    // The check never fails open: no history is an error, and --since or --profile never
    // hide an overdue objection from it.
    let Some(h) = &history else {
        return Err(Error::usage(
            format!(
                "there is no history at {}, so no objection can be checked",
                path.display()
            ),
            Some("give the history's path with --history FILE".to_string()),
        )
        .into());
    };
    let all = timeline::objections(h, &Filter::default(), today)?;
    let overdue: Vec<&Objection> = all.iter().filter(|o| o.overdue).collect();
    if !overdue.is_empty() {
        for o in &overdue {
            ctx.out.warn(&format!(
                "OVERDUE: LinkedIn's answer to the objection {} sent on {} was due by {}, and none is recorded",
                crate::text::clean_line(&o.member, 100),
                o.sent_on.as_deref().unwrap_or("-"),
                o.answer_due.as_deref().unwrap_or("-")
            ));
        }
        return Ok(Exit::Exposed);
    }
    Ok(Exit::Ok)
}

/// `--since`: a day (from its start, UTC) or an RFC 3339 time, with `Z` or an offset.
fn since(text: &str) -> Result<String> {
    if let Some(day) = Day::parse(text) {
        return Ok(day.start_rfc3339());
    }
    let bad = || {
        Error::usage(
            format!(
                "--since {:?} is not a date",
                crate::text::clean_line(text, 40)
            ),
            Some("give a day as YYYY-MM-DD, or a time as 2026-10-01T08:00:00+02:00".to_string()),
        )
    };
    let text = text.trim();
    // An offset (`+02:00`, `-05:30`) after the time of day is taken off, to UTC.
    let (base, offset) = match text.get(text.len().saturating_sub(6)..) {
        Some(tail)
            if text.len() > 16
                && tail.is_ascii()
                && (tail.starts_with('+') || tail.starts_with('-'))
                && tail.as_bytes()[3] == b':' =>
        {
            let hours: u64 = tail[1..3].parse().map_err(|_| bad())?;
            let minutes: u64 = tail[4..6].parse().map_err(|_| bad())?;
            if hours > 23 || minutes > 59 {
                return Err(bad());
            }
            let secs = std::time::Duration::from_secs(hours * 3600 + minutes * 60);
            (&text[..text.len() - 6], Some((tail.starts_with('+'), secs)))
        }
        _ => (text, None),
    };
    let local = humantime::parse_rfc3339_weak(base).map_err(|_| bad())?;
    let utc = match offset {
        // 10:00+02:00 is 08:00 UTC.
        Some((true, d)) => local.checked_sub(d),
        Some((false, d)) => local.checked_add(d),
        None => Some(local),
    }
    .ok_or_else(bad)?;
    // From 1970 to the last second a four-digit year holds: any other time is no date this
    // tool writes (and none it could print).
    let last = std::time::UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_799);
    if utc > last || utc < std::time::UNIX_EPOCH {
        return Err(bad());
    }
    Ok(crate::clock::rfc3339(utc))
}

/// Writes the export as it reads the records, checking each one on the way: one pass, one record
/// in memory. The export goes to a file beside the target (or, for standard output, a private
/// temporary file) and is only handed over once the whole chain held: a history changed outside
/// the tool is never exported.
fn export(ctx: &Ctx, history: Option<&History>, path: &Path, out: &Path) -> anyhow::Result<Exit> {
    use std::io::Write as _;
    let to_stdout = out.as_os_str() == "-";
    let fail = |e: std::io::Error| Error::Io {
        what: if to_stdout {
            "the export".to_string()
        } else {
            out.display().to_string()
        },
        detail: e.to_string(),
    };
    let staged = if to_stdout {
        Staged::Anonymous(tempfile::tempfile_in(ctx.settings.scratch_dir()).map_err(fail)?)
    } else {
        Staged::Beside(crate::fsx::Staged::beside(out).map_err(fail)?)
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, staged.file().map_err(fail)?);
    let exported_at = ctx.time.clock.rfc3339();
    write!(
        w,
        "{{\n  \"format\": \"{}\",\n  \"version\": 1,\n  \"exported_at\": \"{exported_at}\",\n  \"tool_version\": \"{}\",\n  \"records\": [",
        chain::FORMAT,
        crate::history::TOOL_VERSION
    )
    .map_err(fail)?;
    let mut verifier = Verifier::new(None);
    let mut bytes = Vec::with_capacity(512);
    let mut first = true;
    if let Some(h) = history {
        h.each_canonical(|c, stored| {
            c.write(&mut bytes);
            verifier.push_bytes(c, &bytes, stored);
            // The record as exported: its canonical fields, then its hash as stored.
            bytes.pop();
            bytes.extend_from_slice(b",\"hash\":");
            serde_json::to_writer(&mut bytes, stored).expect("a string serializes");
            bytes.push(b'}');
            let line = std::str::from_utf8(&bytes).expect("serde_json writes UTF-8");
            let sep = if first { "\n    " } else { ",\n    " };
            first = false;
            w.write_all(sep.as_bytes())
                .and_then(|()| w.write_all(crate::text::json_terminal_safe(line).as_bytes()))
                .map_err(fail)
        })?;
    }
    let verdict = verifier.finish(None);
    if !verdict.holds() {
        ctx.out.warn(&format!(
            "the history {} was changed outside linkedin-privacy; nothing was exported",
            path.display()
        ));
        return show_verdict(ctx, path, verdict);
    }
    write!(
        w,
        "{}],\n  \"head\": \"{}\"\n}}\n",
        if first { "" } else { "\n  " },
        verdict.head
    )
    .map_err(fail)?;
    let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
    // A file that replaces another is on disk before the rename; the copy for standard output is
    // read back at once and never kept, so it is not synced.
    if matches!(staged, Staged::Beside(_)) {
        file.sync_all().map_err(fail)?;
    }
    let shown = match staged {
        Staged::Anonymous(mut f) => {
            use std::io::{Seek, SeekFrom};
            f.seek(SeekFrom::Start(0)).map_err(fail)?;
            let mut stdout = std::io::stdout().lock();
            match std::io::copy(&mut f, &mut stdout).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => {
                    other.map_err(fail)?;
                }
            }
            "-".to_string()
        }
        Staged::Beside(staged) => {
            staged.commit().map_err(fail)?;
            out.display().to_string()
        }
    };
    let view = Exported {
        schema: 1,
        tool: crate::report::Tool::default(),
        file: shown,
        records: verdict.records,
        head: verdict.head,
    };
    if to_stdout {
        // The export is on stdout: the head goes to stderr.
        ctx.out.note(&format!(
            "exported {} record(s); head {}",
            view.records, view.head
        ));
    } else {
        ctx.out.print(&view)?;
    }
    Ok(Exit::Ok)
}

/// Where an export is written before it is handed over.
enum Staged {
    /// For standard output: a private file with no name, copied out once the chain held.
    Anonymous(std::fs::File),
    /// For a file: a temporary file beside it (0600), renamed over it once the chain held.
    Beside(crate::fsx::Staged),
}

impl Staged {
    fn file(&self) -> std::io::Result<std::fs::File> {
        match self {
            Staged::Anonymous(f) => f.try_clone(),
            Staged::Beside(t) => t.file().try_clone(),
        }
    }
}

/// Checks an export file as a stream: its records are read, hashed and linked one at a time.
fn verify_export(ctx: &Ctx, file: &Path, noted_head: Option<&str>) -> anyhow::Result<Exit> {
    let unreadable = |why: String| {
        Error::usage(
            format!("cannot read the export {}: {why}", file.display()),
            Some("give a file written by `history --export`".to_string()),
        )
    };
    // A FIFO or a device would never end: only a regular file, of at most 1 GiB.
    let f = crate::fsx::open_regular(file).map_err(|e| unreadable(e.to_string()))?;
    let len = f.metadata().map_err(|e| unreadable(e.to_string()))?.len();
    if len > chain::MAX_EXPORT {
        return Err(unreadable("it is larger than 1 GiB".to_string()).into());
    }
    let mut verifier = Verifier::new(noted_head);
    let reader = std::io::BufReader::with_capacity(1 << 20, f.take(chain::MAX_EXPORT));
    let header = chain::read_export(reader, &mut verifier).map_err(|e| {
        unreadable(format!(
            "it is not an export of this tool (line {}, column {}: {})",
            e.line(),
            e.column(),
            crate::text::clean_line(&e.to_string(), 120)
        ))
    })?;
    if header.format.as_deref() != Some(chain::FORMAT) || header.version != Some(1) {
        return Err(unreadable(format!(
            "its format is {:?} version {}, not {:?} version 1",
            crate::text::clean_line(header.format.as_deref().unwrap_or("none"), 40),
            header.version.map_or("none".to_string(), |v| v.to_string()),
            chain::FORMAT
        ))
        .into());
    }
    let Some(head) = header.head else {
        return Err(unreadable("it has no head".to_string()).into());
    };
    let verdict = verifier.finish(Some(&head));
    show_verdict(ctx, file, verdict)
}

fn show_verdict(ctx: &Ctx, file: &Path, verdict: chain::Verdict) -> anyhow::Result<Exit> {
    let holds = verdict.holds();
    ctx.out.print(&Verified {
        schema: 1,
        tool: crate::report::Tool::default(),
        file: file.display().to_string(),
        holds,
        verdict,
    })?;
    Ok(if holds { Exit::Ok } else { Exit::Unknown })
}

#[derive(Serialize)]
struct Timeline {
    schema: u32,
    tool: crate::report::Tool,
    history: String,
    records: u64,
    timeline: Vec<Span>,
    objections: Vec<Objection>,
}

/// A time from the history file, as its day (cleaned: the file may have been written by anyone).
fn day(at: &str) -> String {
    crate::text::day_of(at)
}

impl View for Timeline {
    fn table(&self, s: &Style, w: &Words) -> String {
        let mut out = format!(
            "{} {} ({} record(s))\n",
            s.bold("History:"),
            self.history,
            self.records
        );
        if self.timeline.is_empty() && self.objections.is_empty() {
            out.push_str(&format!(
                "Nothing recorded{}. `{}` records the first audit.\n",
                if self.records > 0 {
                    " that matches"
                } else {
                    " yet"
                },
                w.command("audit")
            ));
            return out;
        }
        // One table per account, laid out for 80 columns.
        let mut rest = &self.timeline[..];
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .take_while(|s| s.site == first.site && s.member == first.member)
                .count();
            let (group, after) = rest.split_at(n);
            rest = after;
            let account = if first.site == "linkedin" {
                crate::text::clean_line(&first.member, 100)
            } else {
                format!(
                    "{} ({})",
                    crate::text::clean_line(&first.member, 100),
                    crate::text::clean_line(&first.site, 100)
                )
            };
            out.push_str(&format!("{}\n", s.bold(&account)));
            let mut table = s.table(&["Setting", "State", "From / until", "Checks", "Note"]);
            for span in group {
                // By what the state means for the member, whichever value it is.
                let color = match (span.private, span.reenabled) {
                    (_, true) => Some(Color::Red),
                    (Some(false), false) => Some(Color::Yellow),
                    (Some(true), _) => Some(Color::Green),
                    (None, _) => None,
                };
                let toggle = matches!(span.state.as_str(), "on" | "off");
                let note = match (span.reenabled, span.opt_out, span.state.as_str()) {
                    (true, _, _) if toggle => "switched back on",
                    (true, _, _) => "no longer private",
                    (_, Some(true), _) => "made private with opt-out (verified)",
                    (_, Some(false), "unknown") => "opt-out's outcome not proven",
                    (_, Some(false), _) => "opt-out did not take effect",
                    _ => "",
                };
                table.add_row(vec![
                    s.cell(&span.setting, None),
                    s.cell(&span.state, color),
                    s.cell(&format!("{}\n{}", day(&span.from), day(&span.until)), None),
                    s.cell(&span.checks.to_string(), None),
                    s.cell(note, color.filter(|_| span.reenabled)),
                ]);
            }
            Style::keep_whole(&mut table, 0);
            Style::keep_whole(&mut table, 1);
            Style::keep_whole(&mut table, 2);
            out.push_str(&format!("{table}\n"));
        }
        for o in &self.objections {
            out.push_str(&s.wrap(&objection_line(o, s, w), "  "));
            out.push('\n');
        }
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            site: &'a str,
            member: &'a str,
            profile: Option<&'a str>,
            setting: &'a str,
            state: &'a str,
            from: &'a str,
            until: &'a str,
            checks: u64,
            opt_out: Option<bool>,
            reenabled: bool,
        }
        csv.header_of::<Row<'_>>();
        for s in &self.timeline {
            csv.row(&Row {
                site: &s.site,
                member: &s.member,
                profile: s.profile.as_deref(),
                setting: &s.setting,
                state: &s.state,
                from: &s.from,
                until: &s.until,
                checks: s.checks,
                opt_out: s.opt_out,
                reenabled: s.reenabled,
            });
        }
    }
}

fn objection_line(o: &Objection, s: &Style, w: &Words) -> String {
    let who = crate::text::clean_line(&o.member, 100);
    let drafted = o
        .drafted_at
        .as_deref()
        .map(|d| format!("pre-filled {}; ", day(d)))
        .unwrap_or_default();
    match (&o.sent_on, &o.answer_due, o.days_left) {
        (Some(sent), Some(due), _) if o.confirmed_on.is_some() => format!(
            "{} ({who}): {drafted}sent {sent}; LinkedIn answered on {} (it was due by {due}).",
            s.bold("Objection"),
            o.confirmed_on.as_deref().unwrap_or_default()
        ),
        (Some(sent), Some(due), Some(left)) => {
            let when = match left {
                n if n > 1 => format!("{n} days left"),
                1 => "1 day left".to_string(),
                0 => "due today".to_string(),
                n => s.red(&format!("overdue by {} day(s)", -n)),
            };
            let within = if o.extended {
                "three months, as LinkedIn announced (GDPR Article 12(3))"
            } else {
                "one month (GDPR Article 12(3))"
            };
            format!(
                "{} ({who}): {drafted}sent {sent}. LinkedIn must answer within {within}: by {due}, {when}. When it does: `{}`.",
                s.bold("Objection"),
                w.command("objection --confirmed YYYY-MM-DD")
            )
        }
        _ => format!(
            "{} ({who}): {drafted}not marked as sent. Once you send it: `{}`.",
            s.bold("Objection"),
            w.command("objection --mark-sent YYYY-MM-DD")
        ),
    }
}

#[derive(Serialize)]
struct Exported {
    schema: u32,
    tool: crate::report::Tool,
    file: String,
    records: usize,
    head: String,
}

impl View for Exported {
    fn table(&self, s: &Style, w: &Words) -> String {
        format!(
            "{} {} record(s) to {}.\nHead: {}\nKeep the head somewhere else (an email to yourself, your complaint): `{}` then proves no record was changed, removed or moved since.\n",
            s.bold("Exported"),
            self.records,
            self.file,
            self.head,
            w.command(&format!(
                "history --verify {} --head {}",
                crate::text::shell_word(&self.file),
                self.head
            ))
        )
    }
    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            file: &'a str,
            records: usize,
            head: &'a str,
        }
        csv.row(&Row {
            file: &self.file,
            records: self.records,
            head: &self.head,
        });
    }
}

#[derive(Serialize)]
struct Verified {
    schema: u32,
    tool: crate::report::Tool,
    file: String,
    holds: bool,
    #[serde(flatten)]
    verdict: chain::Verdict,
}

impl View for Verified {
    fn table(&self, s: &Style, _: &Words) -> String {
        if self.holds {
            let noted = match self.verdict.added_since_noted {
                Some(0) => "\nIt ends in the head you noted: nothing was added since.".to_string(),
                Some(n) => format!(
                    "\nIt holds the head you noted, unchanged: {n} record(s) were added after it."
                ),
                None => String::new(),
            };
            return format!(
                "{} {}: {} record(s), each linked to the one before.{noted}\nHead: {}\n",
                s.green("INTACT:"),
                self.file,
                self.verdict.records,
                self.verdict.head
            );
        }
        let mut out = format!("{} {}:\n", s.red("BROKEN:"), self.file);
        for p in &self.verdict.problems {
            out.push_str(&format!("  - {p}\n"));
        }
        out
    }
    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            file: &'a str,
            holds: bool,
            records: usize,
            head: &'a str,
            problem: &'a str,
        }
        let problems: Vec<&str> = match self.verdict.problems.as_slice() {
            [] => vec![""],
            some => some.iter().map(String::as_str).collect(),
        };
        for problem in problems {
            csv.row(&Row {
                file: &self.file,
                holds: self.holds,
                records: self.verdict.records,
                head: &self.verdict.head,
                problem,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::since;

    #[test]
    fn since_takes_days_and_times_with_offsets() {
        assert_eq!(since("2026-10-01").unwrap(), "2026-10-01T00:00:00Z");
        assert_eq!(
            since("2026-10-01T10:00:00Z").unwrap(),
            "2026-10-01T10:00:00Z"
        );
        assert_eq!(
            since("2026-10-01T10:00:00+02:00").unwrap(),
            "2026-10-01T08:00:00Z"
        );
        assert_eq!(
            since("2026-10-01T10:00:00-05:30").unwrap(),
            "2026-10-01T15:30:00Z"
        );
        for bad in ["last week", "2026-13-01", "2026-10-01T10:00:00+25:00", ""] {
            assert!(since(bad).is_err(), "{bad}");
        }
    }
}
