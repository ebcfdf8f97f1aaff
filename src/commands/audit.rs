//! `linkedin-privacy audit`: read each catalog setting with one request and give a verdict, for
//! one account or, with `--accounts`, `--profiles` or `--all-profiles`, for many at once.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;

use crate::audit;
use crate::bulk::{self, Feed, Job, JobSource};
use crate::catalog::Entry;
use crate::context::{Connection, Context, HistoryPlace, Target};
use crate::error::{Error, Hint, Result};
use crate::exit::Exit;
use crate::linkedin::{Client, Exchange, Observer, Origin};
use crate::output::progress::Progress;
use crate::output::{Format, Output, Sink, sink};
use crate::report::{Identity, Report, Verdict};
use crate::secret::Secret;
use crate::sessions::accounts::{Accounts, Item, Source};

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

    /// Pause between requests, ± 30 %, 0 to 60000 [default: 0 on loopback, 1500 against LinkedIn]
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub delay_ms: Option<u64>,

    /// Skip the accounts FILE (a previous run's NDJSON) already has a result for, and append
    /// this run's lines to it; the last line per label counts
    #[arg(long, value_name = "FILE", requires = "many")]
    pub resume: Option<PathBuf>,

    /// Exit 1 when any setting changed since the history's last record, even to private
    #[arg(long)]
    pub fail_on_change: bool,
}

impl AuditArgs {
    fn is_bulk(&self) -> bool {
        self.accounts.is_some() || !self.profiles.is_empty() || self.all_profiles
    }
}

pub fn run(ctx: &Context, args: AuditArgs) -> anyhow::Result<Exit> {
    check_fail_on_change(ctx, &args)?;
    if args.is_bulk() {
        return many(ctx, &args);
    }
    let mut catalog_version = String::new();
    let mut not_read = Vec::new();
    let mut report = match prepare(ctx, &args) {
        Ok((conn, entries, version, unread)) => {
            catalog_version = version;
            not_read = unread;
            announce_sandbox(ctx, &conn.client, false);
            let entries: Vec<&Entry> = entries.iter().collect();
            let member = conn.member();
            let mut identity = conn.identity.clone();
            match ctx.identify(&member, &mut identity) {
                Ok(()) => audit::run(&member, conn.client.origin(), identity, &entries),
                Err(e) => Report::failed(identity, &e, ctx.time.clock.rfc3339()),
            }
        }
        Err(e) => Report::failed(Identity::default(), &e, ctx.time.clock.rfc3339()),
    }
    .not_reading(not_read);
    let mut recorder = Recorder::new(catalog_version);
    let recorded = recorder.record(ctx, &mut report);
    ctx.out.emit_report(&report)?;
    Ok(with_changes(
        ctx,
        report.exit(),
        args.fail_on_change,
        recorded.unwrap_or(0),
        recorder.failed || (recorded.is_none() && !report.settings.is_empty()),
    ))
}

/// `--fail-on-change` needs a history to compare with: said before anything runs.
fn check_fail_on_change(ctx: &Context, args: &AuditArgs) -> Result<()> {
    if let (true, HistoryPlace::Off(why)) = (args.fail_on_change, &ctx.history) {
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
    ctx: &Context,
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
}

impl Recorder {
    fn new(catalog_version: String) -> Recorder {
        Recorder {
            catalog_version,
            history: None,
            failed: false,
        }
    }

    /// Records a report and marks its changed rows: `Some(how many changed)`, or `None` when it
    /// was not recorded (no history, nothing read, no member key, or the history failed).
    fn record(&mut self, ctx: &Context, report: &mut Report) -> Option<usize> {
        if self.failed || report.settings.is_empty() {
            return None;
        }
        let member = report.account.member_key()?.to_string();
        if self.history.is_none() {
            if !matches!(ctx.history, HistoryPlace::File(_)) {
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
            site: ctx.site(),
            member,
            profile: report
                .account
                .label
                .clone()
                .or_else(|| report.account.profile.clone()),
        };
        match history.record_audit(&who, &self.catalog_version, report) {
            Ok(changed) => Some(changed),
            Err(e) => {
                ctx.warn_history(&e);
                self.failed = true;
                self.history = None;
                None
            }
        }
    }
}

/// The connection, the settings to read, the catalog's version, and the settings left out.
fn prepare(
    ctx: &Context,
    args: &AuditArgs,
) -> Result<(Connection, Vec<Entry>, String, Vec<String>)> {
    let catalog = ctx.catalog()?;
    let selected = catalog.select(&args.settings)?;
    let unread = catalog.unread(&selected);
    let entries = selected.into_iter().cloned().collect();
    Ok((ctx.connect()?, entries, catalog.version.clone(), unread))
}

/// Says on stderr that the results come from the sandbox, so nobody mistakes them for their own.
fn announce_sandbox(ctx: &Context, client: &Client, many: bool) {
    if let Target::Sandbox { account } = &ctx.target
        && !ctx.out.is_machine()
    {
        let whose = if many {
            String::new()
        } else {
            format!(", account {account:?}")
        };
        ctx.out.quiet_note(&format!(
            "sandbox: a fake LinkedIn at {}{whose}; no real account is touched",
            client.origin().as_str()
        ));
    }
}

/// The polite pause between one account's requests against LinkedIn, and how far it varies.
const POLITE_DELAY: Duration = Duration::from_millis(1500);
const POLITE_SPREAD: f64 = 0.3;

/// Counts every exchange the client makes.
#[derive(Default)]
struct Requests(AtomicU64);

impl Observer for Requests {
    fn observe(&self, _: &Exchange<'_>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn many(ctx: &Context, args: &AuditArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    // Everything that can be wrong with the command line or the input is found before any
    // request: the catalog, the accounts (malformed lines aside), duplicates, the resume file.
    let catalog = ctx.catalog()?;
    let selected = catalog.select(&args.settings)?;
    let not_read = catalog.unread(&selected);
    let entries: Vec<Entry> = selected.into_iter().cloned().collect();
    if args.resume.is_some() && ctx.format_given && ctx.out.format != Format::Ndjson {
        return Err(Error::usage(
            "--resume writes NDJSON to its file; it cannot be used with another --format",
            Some("leave --format out, or give --format ndjson".to_string()),
        )
        .into());
    }
    let input = Input::open(ctx, args)?;
    let (done, resume_out) = match &args.resume {
        Some(path) => {
            let accounts = args.accounts.as_deref().filter(|a| a.as_os_str() != "-");
            let file = bulk::ResumeFile::open(path, accounts)?;
            (file.previous()?.done(), Some(file))
        }
        None => (HashSet::new(), None),
    };
    let format = match (ctx.format_given || ctx.format_configured, &resume_out) {
        (_, Some(_)) => Format::Ndjson,
        (true, None) => ctx.out.format,
        (false, None) if ctx.out.stdout_tty => Format::Table,
        (false, None) => Format::Ndjson,
    };
    let out = ctx.out.clone().with_format(format);

    let requests = Arc::new(Requests::default());
    let (client, _sandbox) = ctx.client_with(|cfg| {
        let (delay, spread) = match (args.delay_ms, cfg.origin.is_loopback()) {
            (Some(ms), _) => (Duration::from_millis(ms), POLITE_SPREAD),
            (None, true) => (Duration::ZERO, POLITE_SPREAD),
            (None, false) => (POLITE_DELAY, POLITE_SPREAD),
        };
        cfg.delay = delay;
        cfg.delay_spread = spread;
    })?;
    let client = client.observe(requests.clone());
    announce_sandbox(ctx, &client, true);
    let origin = client.origin().clone();

    let total = input.count.saturating_sub(input.already(&done));
    let skipped = input.count - total;
    let feed = input.feed(&done)?;

    let sink: Box<dyn Sink> = match &resume_out {
        Some(file) => Box::new(AppendNdjson::new(file)?),
        None => sink::for_reports(&out, true),
    };
    let mut printer = BulkPrinter {
        out: out.clone(),
        sink,
        progress: Progress::start(&out, total as u64),
        tally: Tally::default(),
        io_error: None,
        output_gone: false,
        started,
        requests: requests.clone(),
        skipped,
        resume: resume_out.as_ref().map(|r| r.path.clone()),
        recorder: Recorder::new(catalog.version.clone()),
        not_read,
        ctx,
    };
    printer.sink.begin()?;
    let entries: Vec<&Entry> = entries.iter().collect();
    let audit_one = |job: &Job| audit_job(ctx, &client, &origin, &entries, job);
    let failed_with =
        |label: &str, e: Error| Report::failed(labelled(label), &e, ctx.time.clock.rfc3339());
    let not_reached = |label: &str, why: &str| {
        failed_with(
            label,
            Error::NotReached {
                detail: why.to_string(),
            },
        )
    };
    let internal = |label: &str, what: &str| {
        failed_with(
            label,
            Error::Internal {
                detail: what.to_string(),
            },
        )
    };
    let stop = || client.limiter().is_tripped();
    let work = bulk::Work {
        audit: &audit_one,
        stop: &stop,
        not_reached: &not_reached,
        failed: &internal,
    };
    bulk::run(args.jobs as usize, feed, &work, &mut printer);
    if printer.output_gone {
        // Whoever read the output stopped (`| head`): the run ends quietly, like a pipe's
        // writer should; a full disk is an I/O error.
        printer.progress.finish();
        return match printer.io_error {
            Some(e) => Err(e.into()),
            None => Ok(Exit::Ok),
        };
    }
    printer.finish();
    if let Some(e) = printer.io_error {
        return Err(e.into());
    }
    // With --resume the answer covers every account the file now holds, not only this run's.
    if let Some(file) = &resume_out {
        let path = &file.path;
        let all = file.previous()?;
        let mut whole = Tally::default();
        for outcome in all.outcomes() {
            whole.add_outcome(outcome.verdict, outcome.error.as_deref());
        }
        whole.malformed = printer.tally.malformed;
        printer.out.summary(&format!(
            "  with the earlier lines of {}: {} account(s): {}",
            path.display(),
            all.len(),
            whole.counts()
        ));
        return Ok(with_changes(
            ctx,
            whole.exit(),
            args.fail_on_change,
            printer.tally.changed,
            printer.recorder.failed,
        ));
    }
    Ok(with_changes(
        ctx,
        printer.tally.exit(),
        args.fail_on_change,
        printer.tally.changed,
        printer.recorder.failed,
    ))
}

/// The accounts' source, in words.
fn describe(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        format!("the accounts file {}", path.display())
    }
}

fn labelled(label: &str) -> Identity {
    Identity {
        label: Some(label.to_string()),
        ..Identity::default()
    }
}

/// Audits one account of a bulk run; its failures become its report.
fn audit_job(
    ctx: &Context,
    client: &Client,
    origin: &Origin,
    entries: &[&Entry],
    job: &Job,
) -> Report {
    let session = match &job.source {
        JobSource::Token { li_at, jsessionid } => ctx
            .session(li_at.clone(), jsessionid.as_deref())
            .map(|s| (s, labelled(&job.label))),
        JobSource::Profile => profile_session(ctx, &job.label),
    };
    match session {
        Ok((session, mut identity)) => {
            let member = client.member_paced(&session, worker_pacer(client));
            match ctx.identify(&member, &mut identity) {
                Ok(()) => audit::run(&member, origin, identity, entries),
                Err(e) => Report::failed(identity, &e, ctx.time.clock.rfc3339()),
            }
        }
        Err(e) => Report::failed(labelled(&job.label), &e, ctx.time.clock.rfc3339()),
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

/// A stored profile's session, or with `--sandbox` the sandbox account of that name.
fn profile_session(ctx: &Context, name: &str) -> Result<(crate::linkedin::Session, Identity)> {
    if let Target::Sandbox { .. } = ctx.target {
        let token = crate::sandbox::AccountsFile::builtin()
            .get(name)
            .map(|a| a.li_at.clone())
            .ok_or_else(|| Error::usage(format!("the sandbox has no account {name:?}"), None))?;
        let session = ctx.session(Secret::new(token), None)?;
        return Ok((session, labelled(name)));
    }
    let (session, mut identity) = ctx.stored_session(name)?;
    identity.label = Some(name.to_string());
    Ok((session, identity))
}

/// Where a bulk run's accounts come from.
struct Input {
    what: InputKind,
    count: usize,
}

enum InputKind {
    File(Accounts),
    Profiles(Vec<String>),
}

impl Input {
    fn open(ctx: &Context, args: &AuditArgs) -> Result<Input> {
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
            let count = accounts.survey.accounts;
            if count == 0 && accounts.survey.malformed == 0 {
                return Err(Error::usage(
                    format!("{} holds no account", describe(path)),
                    Some(
                        "give one account per line: label<TAB>li_at[<TAB>JSESSIONID], or a JSON object"
                            .to_string(),
                    ),
                ));
            }
            return Ok(Input {
                what: InputKind::File(accounts),
                count,
            });
        }
        let names: Vec<String> = if args.all_profiles {
            match ctx.target {
                // Every built-in account. The ones LinkedIn would answer 999 go last: a 999
                // stops a run from starting new accounts (as against LinkedIn it must), so
                // before them every other account has started and is audited.
                Target::Sandbox { .. } => {
                    let mut accounts = crate::sandbox::AccountsFile::builtin().accounts;
                    accounts.sort_by_key(|a| a.fault == crate::sandbox::Fault::Blocked);
                    accounts.into_iter().map(|a| a.id).collect()
                }
                Target::Remote(_) => ctx.store()?.profiles()?,
            }
        } else {
            args.profiles.clone()
        };
        let mut seen = HashSet::new();
        for name in &names {
            if !seen.insert(name) {
                return Err(Error::usage(
                    format!("the profile {name:?} is named twice"),
                    Some("name every profile once".to_string()),
                ));
            }
            if !matches!(ctx.target, Target::Sandbox { .. }) {
                crate::sessions::check_profile(name)?;
            }
        }
        if names.is_empty() {
            return Err(Error::usage_with(
                "no stored profiles to audit",
                Hint::SignInOrTry,
            ));
        }
        let count = names.len();
        Ok(Input {
            what: InputKind::Profiles(names),
            count,
        })
    }

    /// How many of the accounts a previous run already did.
    fn already(&self, done: &HashSet<String>) -> usize {
        if done.is_empty() {
            return 0;
        }
        match &self.what {
            InputKind::Profiles(names) => names.iter().filter(|n| done.contains(*n)).count(),
            InputKind::File(accounts) => accounts
                .items()
                .map(|items| {
                    items
                        .filter(|i| matches!(i, Item::Account(a) if done.contains(&a.label)))
                        .count()
                })
                .unwrap_or(0),
        }
    }

    /// The accounts still to do, as the run's feed.
    fn feed<'a>(
        &'a self,
        done: &'a HashSet<String>,
    ) -> Result<Box<dyn Iterator<Item = Feed> + Send + 'a>> {
        match &self.what {
            InputKind::Profiles(names) => Ok(Box::new(
                names
                    .iter()
                    .filter(move |n| !done.contains(*n))
                    .enumerate()
                    .map(|(index, name)| {
                        Feed::Job(Job {
                            index,
                            label: name.clone(),
                            source: JobSource::Profile,
                        })
                    }),
            )),
            InputKind::File(accounts) => {
                let mut index = 0;
                Ok(Box::new(accounts.items()?.filter_map(
                    move |item| match item {
                        Item::Account(a) if done.contains(&a.label) => None,
                        Item::Account(a) => {
                            index += 1;
                            Some(Feed::Job(Job {
                                index: index - 1,
                                label: a.label,
                                source: JobSource::Token {
                                    li_at: a.li_at,
                                    jsessionid: a.jsessionid,
                                },
                            }))
                        }
                        Item::Malformed { line, why } => Some(Feed::Malformed { line, why }),
                    },
                )))
            }
        }
    }
}

/// The counts a run's summary and exit code come from.
#[derive(Default)]
struct Tally {
    private: usize,
    exposed: usize,
    incomplete: usize,
    failed: BTreeMap<String, usize>,
    not_reached: usize,
    malformed: usize,
    /// Accounts with a setting whose state changed since the history's last record.
    changed: usize,
    /// The labels of accounts with a setting switched back on.
    reenabled: Vec<String>,
}

impl Tally {
    fn add(&mut self, r: &Report) {
        self.add_outcome(Some(r.verdict), r.error.as_ref().map(|e| e.kind.as_str()));
    }

    /// One account: its verdict (if known) and its error's kind (if any).
    fn add_outcome(&mut self, verdict: Option<Verdict>, error: Option<&str>) {
        match (error, verdict) {
            (Some("not_reached"), _) => self.not_reached += 1,
            (_, Some(Verdict::Exposed)) => self.exposed += 1,
            (Some(kind), _) => *self.failed.entry(kind.to_string()).or_default() += 1,
            (None, Some(Verdict::Private)) => self.private += 1,
            (None, _) => self.incomplete += 1,
        }
    }

    fn failed(&self) -> usize {
        self.failed.values().sum()
    }

    /// 1 if any account is exposed; else 101 if the tool failed on one itself; else 5 if any
    /// was not reached or throttled out; else 3 if any could not be audited; else 0.
    fn exit(&self) -> Exit {
        let stopped = self.not_reached > 0
            || self.failed.contains_key("throttled")
            || self.failed.contains_key("blocked");
        if self.exposed > 0 {
            Exit::Exposed
        } else if self.failed.contains_key("internal") {
            Exit::Bug
        } else if stopped {
            Exit::Throttled
        } else if self.failed() > 0 || self.incomplete > 0 || self.malformed > 0 {
            Exit::Unknown
        } else {
            Exit::Ok
        }
    }

    fn counts(&self) -> String {
        let mut parts = vec![
            format!("{} private", self.private),
            format!("{} exposed", self.exposed),
            format!("{} incomplete", self.incomplete),
        ];
        if self.failed() > 0 {
            let kinds: Vec<String> = self
                .failed
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            parts.push(format!("{} failed ({})", self.failed(), kinds.join(", ")));
        }
        if self.not_reached > 0 {
            parts.push(format!("{} not reached", self.not_reached));
        }
        if !self.reenabled.is_empty() {
            const SHOWN: usize = 5;
            let mut names = self.reenabled[..self.reenabled.len().min(SHOWN)].join(", ");
            if self.reenabled.len() > SHOWN {
                names.push_str(&format!(" and {} more", self.reenabled.len() - SHOWN));
            }
            parts.push(format!(
                "{} switched back on ({names})",
                self.reenabled.len()
            ));
        }
        parts.join(", ")
    }
}

struct BulkPrinter<'c> {
    ctx: &'c Context,
    /// The catalog's settings this run leaves out, named in every report.
    not_read: Vec<String>,
    recorder: Recorder,
    out: Output,
    sink: Box<dyn Sink>,
    progress: Progress,
    tally: Tally,
    io_error: Option<std::io::Error>,
    /// The output went away (a closed pipe or an error writing): the run stops.
    output_gone: bool,
    started: Instant,
    requests: Arc<Requests>,
    skipped: usize,
    resume: Option<PathBuf>,
}

impl bulk::Printer for BulkPrinter<'_> {
    fn report(&mut self, report: &mut Report) -> bulk::Next {
        report.not_read.clone_from(&self.not_read);
        // Recorded here, on the one printing thread: one writer for the whole run.
        if let Some(changed) = self.recorder.record(self.ctx, report) {
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
        if let Err(e) = self.sink.item(report) {
            self.io_error = Some(e);
        }
        if self.io_error.is_some() || crate::output::stdout_closed() {
            self.output_gone = true;
            return bulk::Next::Stop;
        }
        self.progress.advance(&self.tally.counts());
        bulk::Next::Continue
    }

    fn malformed(&mut self, line: usize, why: &'static str) {
        self.tally.malformed += 1;
        self.out
            .warn(&format!("accounts line {line} is not audited: {why}"));
    }

    fn interrupted(&mut self) {
        self.finish();
        if self.output_gone {
            return;
        }
        let e = Error::Interrupted {
            detail: "before every account was audited; the rest are reported as not reached"
                .to_string(),
        };
        let mut view = crate::report::ErrorView::from(&e);
        view.hint = Some(Hint::Resume);
        self.out.error_view(&view);
    }
}

impl BulkPrinter<'_> {
    fn finish(&mut self) {
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
        let done = t.private + t.exposed + t.incomplete + t.failed() + t.not_reached;
        let mut line = format!(
            "{done} account(s) in {:.1} s: {}; {} request(s) sent",
            self.started.elapsed().as_secs_f64(),
            t.counts(),
            self.requests.0.load(Ordering::Relaxed)
        );
        if self.skipped > 0 {
            line.push_str(&format!(
                "; {} already done in the --resume file",
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
        if t.not_reached > 0 {
            let how = match &self.resume {
                Some(path) => format!(
                    "run the same command again: --resume {} audits only the accounts not done",
                    path.display()
                ),
                None => "run the same command again with --resume FILE (FILE holding this run's NDJSON: save it with --format ndjson) to audit only the accounts not done".to_string(),
            };
            self.out.summary(&format!("  hint: {how}"));
        }
    }
}

/// The `--resume` file: this run's NDJSON appended, a line at a time, each written whole. A half
/// line a crash left is ended first, so the next line starts clean.
struct AppendNdjson {
    file: std::fs::File,
}

impl AppendNdjson {
    /// Appends through the locked `--resume` file's own handle.
    fn new(resume: &bulk::ResumeFile) -> Result<AppendNdjson> {
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
