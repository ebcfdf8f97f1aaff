//! `linkedin-privacy audit`: read each catalog setting with one request and give a verdict, for
//! one account or, with `--accounts`, `--profiles` or `--all-profiles`, for many at once (the
//! run itself is [`crate::bulk`]'s; this wires it to the connector, the output and the history).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::audit;
use crate::bulk::{self, Auditor, BulkPrinter, Ended, Job, JobSource, RequestCount, Tally};
use crate::catalog::{Catalog, Entry};
use crate::connect::Connection;
use crate::error::{Error, Hint, Result};
use crate::linkedin::{Client, Origin};
use crate::output::{Format, Sink, sink};
use crate::report::{Identity, Report};
use crate::sessions::accounts::{Accounts, Source};
use crate::settings::HistoryPlace;

#[derive(Debug, Args)]
#[command(after_help = "\
Several accounts: --accounts FILE (label<TAB>li_at[<TAB>JSESSIONID] or a JSON object per line,
- for stdin), --profiles a,b,c or --all-profiles. One line per account is printed as soon as it
is known (NDJSON off a terminal); a summary follows on stderr.

History: each audit is recorded (against LinkedIn, in ~/.local/share/linkedin-privacy/
history.sqlite3; --history FILE, --no-history), and a setting whose state changed since the last
record says so (\"was off on 2026-10-01, now on\"). Records are keyed by the member, never the
token: a session from LINKEDIN_LI_AT (or an accounts file) costs one more request, to /me, to
learn whose account it is.")]
pub struct AuditArgs {
    /// Audit only this setting (repeatable); see `linkedin-privacy catalog` for the ids
    #[arg(long = "setting", value_name = "ID")]
    pub settings: Vec<String>,

    /// Audit only the settings of this group (repeatable): ai, ads or visibility
    #[arg(long = "group", value_name = "GROUP", value_parser = super::group_values(), ignore_case = true)]
    pub groups: Vec<crate::catalog::Group>,

    /// Also ask LinkedIn's discovery lists (one request per category) for settings the catalog
    /// does not know yet; they are reported as new, never in the verdict
    #[arg(long)]
    pub discover: bool,

    /// Audit every account in FILE (`-` for standard input)
    #[arg(long, value_name = "FILE", group = "many")]
    pub accounts: Option<PathBuf>,

    /// Audit these stored profiles (sandbox accounts with --sandbox)
    #[arg(long, value_name = "A,B,…", value_delimiter = ',', group = "many")]
    pub profiles: Vec<String>,

    /// Audit every stored profile (every sandbox account with --sandbox)
    #[arg(long, group = "many")]
    pub all_profiles: bool,

    /// Accounts in flight at once (1 to 32); each account sends one request at a time
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=32))]
    pub jobs: u32,

    /// Pause between one account's requests, ± 50 %, 0 to 60000 [default: 0 on loopback, 2000
    /// against LinkedIn]
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub delay_ms: Option<u64>,

    /// Skip the accounts FILE (a previous run's NDJSON) already has a result for, and append
    /// this run's lines to it; the last line per label counts
    #[arg(long, value_name = "FILE", requires = "many")]
    pub resume: Option<PathBuf>,

    /// Exit 1 when any setting changed since the history's last record, even to private
    #[arg(long)]
    pub fail_on_change: bool,

    /// Also write a report of this audit to FILE, to send to someone gathering members' own
    /// reports (`summary`): the states, when, the tool and catalog versions, a digest; no
    /// session, cookie or email address, and no name unless --with-identity
    #[arg(long, value_name = "FILE", conflicts_with = "many")]
    pub report: Option<PathBuf>,

    /// Put your name and public profile id into the --report file (else a random report id)
    #[arg(long, requires = "report")]
    pub with_identity: bool,

    /// Also write the audit as a page (HTML, mode 0600): each group's settings, what each
    /// means, and the command that turns an exposed one off
    #[arg(long, value_name = "FILE", conflicts_with = "many")]
    pub html: Option<PathBuf>,
}

impl AuditArgs {
    fn is_bulk(&self) -> bool {
        self.accounts.is_some() || !self.profiles.is_empty() || self.all_profiles
    }
}

pub fn run(ctx: &Ctx, args: AuditArgs) -> anyhow::Result<Exit> {
    check_fail_on_change(ctx, &args)?;
    if args.is_bulk() {
        return many(ctx, &args);
    }
    let mut recorder = None;
    let mut not_read = Vec::new();
    let mut report = match prepare(ctx, &args) {
        Ok((conn, catalog, ids, unread)) => {
            recorder = Some(Recorder::new(&catalog));
            not_read = unread;
            ctx.announce_sandbox(&conn.client, false);
            let entries: Vec<&Entry> = ids.iter().filter_map(|id| catalog.get(id)).collect();
            let member = conn.member();
            let mut identity = conn.identity.clone();
            // A report with the member's name needs it known: one /me call when it is not.
            let needs_name = args.with_identity && identity.name.is_none();
            match ctx
                .connector
                .identify(&member, &mut identity, ctx.has_history() || needs_name)
            {
                Ok(()) => {
                    // Paced against LinkedIn, an audit takes a while: the cards read so far.
                    // (Unpaced, on loopback, it is over before a bar could say anything.)
                    let cards = if conn.client.is_paced() {
                        audit::cards_of(&entries) as u64
                    } else {
                        0
                    };
                    let progress = crate::output::progress::Progress::cards(&ctx.out, cards);
                    let mut report = audit::run(
                        &member,
                        conn.client.origin(),
                        &catalog,
                        identity,
                        &entries,
                        &mut |done, _| progress.set(done as u64),
                    );
                    progress.finish();
                    if args.discover && report.error.is_none() {
                        report.discovery = Some(audit::discover(&member, &catalog));
                    }
                    report
                }
                Err(e) => Report::failed(identity, &e, ctx.time.clock.rfc3339()),
            }
        }
        Err(e) => Report::failed(Identity::default(), &e, ctx.time.clock.rfc3339()),
    }
    .not_reading(not_read);
    // Without a catalog (it failed to load) there is nothing read to record.
    let mut recorder = recorder.unwrap_or_else(Recorder::none);
    let recorded = recorder.record(ctx, &mut report);
    ctx.out.emit_report(&report)?;
    if let Some(path) = &args.report {
        write_member_report(ctx, &report, path, args.with_identity)?;
    }
    if let Some(path) = &args.html {
        let catalog = ctx.catalog().unwrap_or_else(|_| Catalog::builtin());
        let page = crate::pages::audit::page(&report, &catalog, &|id| {
            ctx.out.words.command(&format!("opt-out --setting {id}"))
        });
        crate::fsx::write_atomic(path, page.as_bytes(), 0o600).map_err(|e| Error::Io {
            what: path.display().to_string(),
            detail: e.to_string(),
        })?;
        ctx.out.note(&format!("Wrote {}.", path.display()));
    }
    Ok(with_changes(
        ctx,
        report.exit(),
        args.fail_on_change,
        recorded.unwrap_or(0),
        recorder.failed || (recorded.is_none() && !report.settings.is_empty()),
    ))
}

/// `--fail-on-change` needs a history to compare with: said before anything runs.
fn check_fail_on_change(ctx: &Ctx, args: &AuditArgs) -> Result<()> {
    if let (true, HistoryPlace::Off(why)) = (args.fail_on_change, &ctx.settings.history) {
        return Err(Error::usage(
            format!("--fail-on-change compares with the history, and there is none: {why}"),
            Some("give --history FILE, or leave --fail-on-change out".to_string()),
        ));
    }
    Ok(())
}

/// `--fail-on-change`: a change since the last record exits 1, whatever the new state; a run
/// that could not compare (the history failed) exits 3 unless it is exposed anyway.
fn with_changes(
    ctx: &Ctx,
    exit: Exit,
    fail_on_change: bool,
    changed: usize,
    not_compared: bool,
) -> Exit {
    match (fail_on_change, changed > 0, not_compared) {
        (true, true, _) => Exit::Exposed,
        (true, false, true) if exit != Exit::Exposed => {
            ctx.out.warn(
                "--fail-on-change: the history could not be used, so no change could be noticed",
            );
            Exit::Unknown
        }
        _ => exit,
    }
}

/// Records reports in the history: opened on the first report that has a setting to record,
/// given up (with one warning) at its first failure, so a broken or busy history costs a run
/// one wait, not one per account.
struct Recorder {
    catalog_version: String,
    history: Option<crate::history::History>,
    /// The history failed (or could not be opened): nothing more is tried.
    failed: bool,
    /// A many-valued setting's values, as LinkedIn labels them.
    labels: std::collections::HashMap<(String, String), String>,
}

impl Recorder {
    /// A recorder with nothing to record into (the run failed before it had a catalog).
    fn none() -> Recorder {
        Recorder {
            catalog_version: String::new(),
            labels: std::collections::HashMap::new(),
            history: None,
            failed: false,
        }
    }

    fn new(catalog: &Catalog) -> Recorder {
        // A many-valued setting's earlier value, as LinkedIn labels it: (id, value) -> label.
        let labels = catalog
            .settings
            .iter()
            .flat_map(|e| {
                e.values
                    .iter()
                    .map(|v| ((e.id.clone(), v.value.clone()), v.label.clone()))
            })
            .collect();
        Recorder {
            catalog_version: catalog.version.clone(),
            labels,
            history: None,
            failed: false,
        }
    }

    /// Records a report and marks its changed rows with what the history says they were:
    /// `Some(how many changed)`, or `None` when it was not recorded (no history, nothing read,
    /// no member key, or the history failed).
    fn record(&mut self, ctx: &Ctx, report: &mut Report) -> Option<usize> {
        if self.failed || report.settings.is_empty() {
            return None;
        }
        let member = report.account.member_key()?.to_string();
        if self.history.is_none() {
            if !ctx.has_history() {
                return None;
            }
            self.history = ctx.open_history();
            if self.history.is_none() {
                self.failed = true;
                return None;
            }
        }
        let history = self.history.as_mut()?;
        let who = crate::history::Who {
            site: ctx.connector.site(),
            member,
            profile: report
                .account
                .label
                .clone()
                .or_else(|| report.account.profile.clone()),
        };
        match history.record_audit(&who, &self.catalog_version, report) {
            Ok(changes) => {
                for row in &mut report.settings {
                    row.previous = changes.get(&row.id).cloned();
                    if let Some(p) = &mut row.previous {
                        p.label = self.labels.get(&(row.id.clone(), p.state.clone())).cloned();
                    }
                }
                Some(changes.len())
            }
            Err(e) => {
                ctx.warn_history(&e);
                self.failed = true;
                self.history = None;
                None
            }
        }
    }
}

/// The connection, the catalog, the ids of the settings to read, and the settings left out.
fn prepare(ctx: &Ctx, args: &AuditArgs) -> Result<(Connection, Catalog, Vec<String>, Vec<String>)> {
    let catalog = ctx.catalog()?;
    let selected = catalog.select(&args.settings, &args.groups)?;
    let unread = catalog.unread(&selected);
    let ids = selected.into_iter().map(|e| e.id.clone()).collect();
    Ok((
        ctx.connector.connect_with(|cfg| cfg.pace(args.delay_ms))?,
        catalog,
        ids,
        unread,
    ))
}

fn many(ctx: &Ctx, args: &AuditArgs) -> anyhow::Result<Exit> {
    // Everything that can be wrong with the command line or the input is found before any
    // request: the catalog, the accounts (malformed lines aside), duplicates, the resume file.
    let catalog = ctx.catalog()?;
    let selected = catalog.select(&args.settings, &args.groups)?;
    let not_read = catalog.unread(&selected);
    let entries: Vec<Entry> = selected.into_iter().cloned().collect();
    if args.resume.is_some()
        && ctx.settings.format_given.is_some()
        && ctx.out.format != Format::Ndjson
    {
        return Err(Error::usage(
            "--resume writes NDJSON to its file; it cannot be used with another --format",
            Some("leave --format out, or give --format ndjson".to_string()),
        )
        .into());
    }
    let input = input(ctx, args)?;
    let (done, resume) = match &args.resume {
        Some(path) => {
            let accounts = args.accounts.as_deref().filter(|a| a.as_os_str() != "-");
            let history = match &ctx.settings.history {
                HistoryPlace::File(h) => Some(h.as_path()),
                HistoryPlace::Off(_) => None,
            };
            let file = bulk::ResumeFile::open(path, accounts, history)?;
            (file.previous()?.done(), Some(file))
        }
        None => (HashSet::new(), None),
    };
    let chosen = ctx.settings.format_given.or(ctx.settings.format_configured);
    let format = match (chosen, &resume) {
        (_, Some(_)) => Format::Ndjson,
        (Some(_), None) => ctx.out.format,
        (None, None) if ctx.out.stdout_tty => Format::Table,
        (None, None) => Format::Ndjson,
    };
    let out = ctx.out.clone().with_format(format);

    let requests = Arc::new(RequestCount::default());
    let reach = ctx.connector.client_with(|cfg| cfg.pace(args.delay_ms))?;
    let client = reach.client.clone().observe(requests.clone());
    ctx.announce_sandbox(&client, true);

    let total = input.count.saturating_sub(input.already(&done));
    let skipped = input.count - total;
    let feed = input.feed(&done)?;

    let sink: Box<dyn Sink> = match &resume {
        Some(file) => Box::new(bulk::AppendNdjson::new(file)?),
        None => sink::for_reports(&out, true),
    };
    let recorder = std::cell::RefCell::new(Recorder::new(&catalog));
    let mut printer = BulkPrinter::new(bulk::printer::PrinterParts {
        out: out.clone(),
        sink,
        total: total as u64,
        requests: requests.clone(),
        skipped,
        resume: resume.as_ref().map(|r| r.path.clone()),
        not_read,
        record: Box::new(|report| recorder.borrow_mut().record(ctx, report)),
    })?;
    let entries: Vec<&Entry> = entries.iter().collect();
    let auditor = OneAccount {
        ctx,
        origin: client.origin().clone(),
        client: &client,
        catalog: &catalog,
        entries: &entries,
    };
    let ended = bulk::run(args.jobs as usize, feed, &auditor, &mut printer);
    if ended == Ended::Interrupted {
        return Ok(Exit::Interrupted);
    }
    if printer.output_gone {
        // Whoever read the output stopped (`| head`): the run ends quietly, like a pipe's
        // writer should; a full disk is an I/O error.
        printer.finish();
        return match printer.io_error.take() {
            Some(e) => Err(e.into()),
            None => Ok(Exit::Ok),
        };
    }
    printer.finish();
    if let Some(e) = printer.io_error.take() {
        return Err(e.into());
    }
    let changed = printer.tally.changed;
    let not_compared = recorder.borrow().failed;
    // With --resume the answer covers every account the file now holds, not only this run's.
    let tally = match &resume {
        Some(file) => {
            let all = file.previous()?;
            let mut whole = Tally::default();
            for outcome in all.outcomes() {
                whole.add_outcome(outcome.verdict, outcome.error);
            }
            whole.malformed = printer.tally.malformed;
            printer.out.summary(&format!(
                "  with the earlier lines of {}: {} account(s): {}",
                file.path.display(),
                all.len(),
                whole.counts()
            ));
            whole
        }
        None => std::mem::take(&mut printer.tally),
    };
    Ok(with_changes(
        ctx,
        super::exit::of_tally(&tally),
        args.fail_on_change,
        changed,
        not_compared,
    ))
}

/// Where the run's accounts come from: a file, the named profiles, or every one.
fn input(ctx: &Ctx, args: &AuditArgs) -> Result<bulk::Input> {
    if let Some(path) = &args.accounts {
        let source = if path.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(path.clone())
        };
        let accounts = Accounts::open(source, std::io::stdin().lock())?;
        if let Some(mode) = accounts.survey.too_open {
            ctx.out.warn(&format!(
                "{} holds session tokens and others can read it (mode {mode:o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
        if accounts.survey.accounts == 0 && accounts.survey.malformed == 0 {
            let what = if path.as_os_str() == "-" {
                "standard input".to_string()
            } else {
                format!("the accounts file {}", path.display())
            };
            return Err(Error::usage(
                format!("{what} holds no account"),
                Some(
                    "give one account per line: label<TAB>li_at[<TAB>JSESSIONID], or a JSON object"
                        .to_string(),
                ),
            ));
        }
        return Ok(bulk::Input::file(accounts));
    }
    let names = if args.all_profiles {
        ctx.connector.all_profiles()?
    } else {
        args.profiles.clone()
    };
    for name in &names {
        ctx.connector.check_profile_name(name)?;
    }
    if names.is_empty() {
        return Err(Error::usage_with(
            "no stored profiles to audit",
            Hint::SignInOrTry,
        ));
    }
    bulk::Input::profiles(names)
}

/// Auditing one account of a bulk run: its session (a token, or a profile's), who it is when
/// the history needs it, then the settings; every failure becomes its report.
struct OneAccount<'a> {
    ctx: &'a Ctx,
    client: &'a Client,
    origin: Origin,
    catalog: &'a Catalog,
    entries: &'a [&'a Entry],
}

impl OneAccount<'_> {
    fn failed_with(&self, label: &str, e: Error) -> Report {
        Report::failed(labelled(label), &e, self.ctx.time.clock.rfc3339())
    }
}

impl Auditor for OneAccount<'_> {
    fn audit(&self, job: &Job) -> Report {
        let ctx = self.ctx;
        let session = match &job.source {
            JobSource::Token { li_at, jsessionid } => ctx
                .connector
                .session(li_at.clone(), jsessionid.as_deref())
                .map(|s| (s, labelled(&job.label))),
            JobSource::Profile => ctx.connector.profile_session(&job.label),
        };
        match session {
            Ok((session, mut identity)) => {
                let member = self
                    .client
                    .member_paced(&session, worker_pacer(self.client));
                match ctx.identify(&member, &mut identity) {
                    Ok(()) => audit::run(
                        &member,
                        &self.origin,
                        self.catalog,
                        identity,
                        self.entries,
                        &mut |_, _| {},
                    ),
                    Err(e) => Report::failed(identity, &e, ctx.time.clock.rfc3339()),
                }
            }
            Err(e) => self.failed_with(&job.label, e),
        }
    }

    fn stop(&self) -> bool {
        self.client.limiter().is_tripped()
    }

    fn not_reached(&self, label: &str, why: &str) -> Report {
        self.failed_with(
            label,
            Error::NotReached {
                detail: why.to_string(),
            },
        )
    }

    fn failed(&self, label: &str, what: &str) -> Report {
        self.failed_with(
            label,
            Error::Internal {
                detail: what.to_string(),
            },
        )
    }
}

fn labelled(label: &str) -> Identity {
    Identity {
        label: Some(label.to_string()),
        ..Identity::default()
    }
}

/// The pacer of the worker thread this runs on: one account's first request waits its turn after
/// the previous account's last, as between two requests of one account. (Workers are threads of
/// one run, so the pacer lives as long as the run.)
fn worker_pacer(client: &Client) -> Arc<crate::linkedin::retry::Pacer> {
    thread_local! {
        static PACER: std::cell::OnceCell<Arc<crate::linkedin::retry::Pacer>> =
            const { std::cell::OnceCell::new() };
    }
    PACER.with(|p| p.get_or_init(|| client.pacer()).clone())
}

/// `--report FILE`: the report a member sends (0600, written whole or not at all). An audit that
/// read nothing writes none.
fn write_member_report(
    ctx: &Ctx,
    report: &Report,
    path: &std::path::Path,
    with_identity: bool,
) -> anyhow::Result<()> {
    if report.settings.is_empty() {
        ctx.out.warn("nothing was read, so no report was written");
        return Ok(());
    }
    let catalog = ctx.catalog().map(|c| c.version).unwrap_or_default();
    // From the system, never the seeded generator: two reports never share an id.
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| Error::Io {
        what: "the system's random source".to_string(),
        detail: e.to_string(),
    })?;
    let id = format!(
        "lp-{}",
        id.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let member =
        crate::summary::report::MemberReport::of(report, &catalog, id.clone(), with_identity);
    let mut text = serde_json::to_string_pretty(&member)?;
    text.push('\n');
    crate::fsx::write_atomic(path, text.as_bytes(), 0o600).map_err(|e| Error::Io {
        what: path.display().to_string(),
        detail: e.to_string(),
    })?;
    ctx.out.note(&format!(
        "Wrote the report {} (report id {id}): send this file; it holds no session, cookie or email address{}.",
        path.display(),
        if with_identity { "" } else { ", and not your name" }
    ));
    Ok(())
}
