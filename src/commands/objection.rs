//! `linkedin-privacy objection`: hand the user LinkedIn's Data Processing Objection Form already
//! filled in. It reads the form, fills what it recognises, and never submits anything.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use comfy_table::Color;
use serde::Serialize;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::audit;
use crate::catalog::DEFAULT_OPT_OUT;
use crate::error::{Error, Result};
use crate::objection::{self, Filled, Inputs, Region, Source};
use crate::output::{Csv, Style, View, Words};
use crate::report::{Identity, State};

/// `--region`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RegionArg {
    /// The EU/EEA: Article 21 GDPR
    Eea,
    /// The United Kingdom: Article 21 UK GDPR
    Uk,
    /// Switzerland: Article 21 GDPR and the Swiss FADP
    Ch,
    /// Elsewhere: the local data protection law
    Other,
}

impl From<RegionArg> for Region {
    fn from(r: RegionArg) -> Region {
        match r {
            RegionArg::Eea => Region::Eea,
            RegionArg::Uk => Region::Uk,
            RegionArg::Ch => Region::Ch,
            RegionArg::Other => Region::Other,
        }
    }
}

use crate::objection::PARSE_LIMIT;

#[derive(Debug, Args)]
pub struct ObjectionArgs {
    /// The email address of your LinkedIn account (LinkedIn's profile data does not include
    /// it; asked for on a terminal when missing)
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// Choose the objection-type option whose text or value contains TEXT
    #[arg(long = "type", value_name = "TEXT")]
    pub objection_type: Option<String>,
    /// Where you live, for the legal basis the text cites (uk and ch also fill the form's
    /// country)
    #[arg(long, value_enum, ignore_case = true)]
    pub region: Option<RegionArg>,
    /// Fill the form's country with this code (DE) or name (Germany)
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// Your own words, added to the explanation
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Object to generative-AI training too, not only to the AI the toggle does not cover
    #[arg(long)]
    pub include_genai: bool,
    /// Open the form in the default browser ($BROWSER, else xdg-open or open); with --html,
    /// the pre-filled page
    #[arg(long)]
    pub open: bool,
    /// Also write a standalone page with the values and a copy button per field
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Record in the history that you sent the objection, on DATE (YYYY-MM-DD; default today);
    /// `history` then shows when LinkedIn's answer is due
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today",
          conflicts_with_all = ["email", "objection_type", "region", "country", "reason", "include_genai", "open", "html"])]
    pub mark_sent: Option<String>,
}

/// What `--mark-sent` recorded.
#[derive(Serialize)]
struct MarkedSent {
    schema: u32,
    tool: crate::report::Tool,
    account: Identity,
    sent_on: String,
    answer_due: String,
    history: String,
}

impl View for MarkedSent {
    fn table(&self, s: &Style, w: &Words) -> String {
        format!(
            "{} you sent your objection on {}. LinkedIn must answer within one month (GDPR Article 12(3)): by {}.\n`{}` shows how long is left.\n",
            s.bold("Recorded:"),
            self.sent_on,
            self.answer_due,
            w.command("history")
        )
    }
    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            sent_on: &'a str,
            answer_due: &'a str,
            history: &'a str,
        }
        csv.row(&Row {
            sent_on: &self.sent_on,
            answer_due: &self.answer_due,
            history: &self.history,
        });
    }
}

/// `--mark-sent`: records the day the objection was sent, for the member this session is.
fn mark_sent(ctx: &Ctx, date: &str) -> anyhow::Result<Exit> {
    let today = crate::clock::Day::of(ctx.time.clock.now());
    let day = if date == "today" {
        today
    } else {
        crate::clock::Day::parse(date).ok_or_else(|| {
            Error::usage(
                format!(
                    "--mark-sent {:?} is not a date",
                    crate::text::clean_line(date, 40)
                ),
                Some(
                    "give the day you sent it as YYYY-MM-DD, e.g. --mark-sent 2026-11-02"
                        .to_string(),
                ),
            )
        })?
    };
    // Today is the UTC day; a day ahead of it is already today east of Greenwich.
    if day.days() > today.days() + 1 {
        return Err(Error::usage(
            format!("--mark-sent {day} is in the future"),
            Some("give the day you sent the objection".to_string()),
        )
        .into());
    }
    let path = match &ctx.settings.history {
        crate::settings::HistoryPlace::File(p) => p.clone(),
        crate::settings::HistoryPlace::Off(why) => {
            return Err(Error::usage(
                format!("--mark-sent records in the history, and there is none: {why}"),
                Some("give --history FILE".to_string()),
            )
            .into());
        }
    };
    let conn = ctx.connector.connect()?;
    let mut account = conn.identity.clone();
    ctx.identify(&conn.member(), &mut account)?;
    let Some(member) = account.member_key().map(str::to_string) else {
        return Err(Error::usage(
            "cannot tell whose account this is, so nothing was recorded",
            Some("sign in with a stored profile and try again".to_string()),
        )
        .into());
    };
    let mut history = crate::history::History::open(&path)?;
    let who = crate::history::Who {
        site: ctx.connector.site(),
        member,
        profile: account.profile.clone(),
    };
    history.record_objection_sent(&who, &ctx.time.clock.rfc3339(), day)?;
    ctx.out.print(&MarkedSent {
        schema: 1,
        tool: crate::report::Tool::default(),
        account,
        sent_on: day.to_string(),
        answer_due: day.plus_one_month().to_string(),
        history: path.display().to_string(),
    })?;
    Ok(Exit::Ok)
}

#[derive(Serialize)]
struct Prefilled {
    schema: u32,
    tool: crate::report::Tool,
    form_url: String,
    /// Whether the fields come from the page itself.
    fetched: bool,
    /// Why the page's fields were not used, when they were not.
    note: Option<String>,
    account: Identity,
    generative_ai_training: State,
    fields: Vec<Filled>,
    unfilled: Vec<String>,
    text: String,
    html_file: Option<String>,
}

pub fn run(ctx: &Ctx, args: ObjectionArgs) -> anyhow::Result<Exit> {
    if let Some(date) = &args.mark_sent {
        return mark_sent(ctx, date);
    }
    if args
        .objection_type
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(Error::usage(
            "--type is empty",
            Some(
                "give part of one option's text, e.g. --type other, or leave --type out"
                    .to_string(),
            ),
        )
        .into());
    }
    // Signed in is better (the name, the toggle's state), but not needed: visitors may object too.
    let conn = match ctx.connector.connect() {
        Ok(conn) => Some(conn),
        Err(e) if e.exit() == Exit::Session => {
            ctx.out
                .warn(&format!("{e}; filling the form without your profile"));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let anonymous;
    let client = match &conn {
        Some(c) => &c.client,
        None => {
            anonymous = ctx.connector.client()?;
            &anonymous.client
        }
    };
    let form_url = client.objection_form_url();
    let identity = match &conn {
        Some(c) => identity(ctx, c)?,
        None => Identity::default(),
    };
    let genai_state = match &conn {
        Some(c) => genai_state(ctx, c)?,
        None => State::Unknown,
    };
    let page = match &conn {
        Some(c) => c.member().objection_form(),
        None => client.objection_form_anonymous(),
    };
    // A throttle, a block or a network failure ends the run as it ends every other command:
    // no more requests, exit 5 or 6.
    let page = match page {
        Err(e) if stops_the_run(&e) => return Err(e.into()),
        other => other,
    };
    let (form, note) = match page {
        Ok(html) => match objection::parse_form_within(&html, PARSE_LIMIT) {
            Ok(Some(form)) if objection::looks_like_objection_form(&form) => (form, None),
            Ok(_) => (
                objection::fallback_form(),
                Some("the page holds no form that looks like the objection form".to_string()),
            ),
            Err(objection::form::TooSlow) => (
                objection::fallback_form(),
                Some(format!(
                    "the page took longer than {} s to read (it is not an ordinary page)",
                    PARSE_LIMIT.as_secs()
                )),
            ),
        },
        Err(e) => (
            objection::fallback_form(),
            Some(format!("the form could not be fetched: {e}")),
        ),
    };
    let fetched = note.is_none();
    if form.omitted_options > 0 {
        ctx.out.warn(&format!(
            "the form's lists have {} more options than the {} shown each; check the page itself",
            form.omitted_options,
            objection::MAX_OPTIONS
        ));
    }
    if form.omitted > 0 {
        ctx.out.warn(&format!(
            "the form has {} more fields than the {} shown; check the page itself",
            form.omitted,
            objection::MAX_FIELDS
        ));
    }
    if let Some(n) = &note {
        ctx.out.warn(&format!(
            "{n}; using the fields LinkedIn is reported to ask for (name, email, kind of objection, explanation)"
        ));
    }
    let inputs = Inputs {
        name: identity.name.clone(),
        public_id: identity.public_id.clone(),
        email: match &args.email {
            Some(e) => Some(e.trim().to_string()).filter(|e| !e.is_empty()),
            None => ask_email(ctx)?,
        },
        objection_type: args.objection_type.clone(),
        region: args.region.map(Region::from),
        country: args.country.clone(),
        reason: args.reason.clone(),
        include_genai: args.include_genai,
        genai_state,
    };
    let letter = objection::explanation(&inputs);
    let fields = objection::fill(&form, &inputs, &letter).map_err(|why| {
        use objection::FillError as F;
        let (message, hint) = match why {
            F::TypeEmpty => (
                "--type is empty: give part of one option's text".to_string(),
                "pass part of one option's text, e.g. --type other",
            ),
            F::TypeNone { wanted, options } => (
                format!("--type {wanted:?} names none of the form's options: {options}"),
                "pass part of one option's text, e.g. --type other",
            ),
            F::CountryAmbiguous { wanted, matches } => (
                format!("--country {wanted:?} matches several of the form's countries: {matches}; give its code"),
                "give the country's code as the form lists it, e.g. --country DE",
            ),
            F::CountryNone { wanted, some } => (
                format!("--country {wanted:?} is none of the form's countries ({some})"),
                "give the country's code as the form lists it, e.g. --country DE",
            ),
        };
        Error::usage(message, Some(hint.to_string()))
    })?;
    // --region cites a law; --country fills a country: say so when they disagree.
    if let (Some(region @ (RegionArg::Uk | RegionArg::Ch)), Some(_)) = (args.region, &args.country)
    {
        let code = if region == RegionArg::Uk { "GB" } else { "CH" };
        if let Some(f) = fields.iter().find(|f| {
            let about = format!("{} {}", f.name, f.label.as_deref().unwrap_or_default());
            f.kind == "select"
                && f.source == Source::User
                && about.to_lowercase().contains("countr")
        }) && !f
            .value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case(code))
        {
            ctx.out.warn(&format!(
                "--region {} cites its law, but --country fills {}: check which is right",
                if region == RegionArg::Uk { "uk" } else { "ch" },
                crate::text::clean_line(f.choice.as_deref().unwrap_or_default(), 40)
            ));
        }
    }
    // Hidden inputs (an anti-forgery value, a form id) are the page's business: they are never
    // shown, printed or written.
    let fields: Vec<Filled> = fields.into_iter().filter(|f| f.kind != "hidden").collect();
    let html_file = match &args.html {
        Some(path) => {
            let page = objection::html_page(&form_url, &fields);
            crate::fsx::write_atomic(path, page.as_bytes(), 0o600).map_err(|e| Error::Io {
                what: path.display().to_string(),
                detail: e.to_string(),
            })?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let view = Prefilled {
        schema: 1,
        tool: crate::report::Tool::default(),
        form_url: form_url.clone(),
        fetched,
        note,
        account: identity,
        generative_ai_training: genai_state,
        unfilled: fields
            .iter()
            .filter(|f| f.source == Source::NotFilled)
            .map(|f| f.label.clone().unwrap_or_else(|| f.name.clone()))
            .collect(),
        text: letter,
        fields,
        html_file,
    };
    ctx.out.print(&view)?;
    record_draft(ctx, &view);
    if args.open {
        // With --html, the pre-filled page (its copy buttons, and a link to the form);
        // else LinkedIn's form itself.
        let page = args
            .html
            .as_deref()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .and_then(|p| url::Url::from_file_path(p).ok())
            .map(String::from);
        open_in_browser(ctx, page.as_deref().unwrap_or(&form_url));
    }
    if genai_state == State::On && !ctx.out.is_machine() {
        ctx.out.note(&format!(
            "tip: `{}` turns the generative-AI training toggle off.",
            ctx.out.words.command("opt-out")
        ));
    }
    Ok(Exit::Ok)
}

/// Records in the history that the form was pre-filled, with the fields filled (a failure is a
/// warning).
fn record_draft(ctx: &Ctx, view: &Prefilled) {
    let Some(member) = view.account.member_key() else {
        return;
    };
    let Some(mut history) = ctx.open_history() else {
        return;
    };
    // Field names come from LinkedIn's page: cleaned, short, and few.
    let names: Vec<String> = view
        .fields
        .iter()
        .filter(|f| f.source != Source::NotFilled)
        .take(20)
        .map(|f| crate::text::clean_line(f.label.as_deref().unwrap_or(&f.name), 40))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let who = crate::history::Who {
        site: ctx.connector.site(),
        member: member.to_string(),
        profile: view.account.profile.clone(),
    };
    if let Err(e) = history.record_objection_draft(&who, &ctx.time.clock.rfc3339(), &names) {
        ctx.warn_history(&e);
    }
}

/// Whether an error ends the run rather than one part of it: LinkedIn throttling or refusing
/// this address, the network gone, or the session revoked (no further request may be sent).
fn stops_the_run(e: &Error) -> bool {
    matches!(e.exit(), Exit::Throttled | Exit::Network)
        || e.kind() == crate::error::ErrorKind::SessionRevoked
}

/// The member's name: from the stored profile, or one `/me` call when it is not known (or when
/// the history needs to know whose account it is). The text can do without it, so a failure only
/// leaves it out, unless it ends the run.
fn identity(ctx: &Ctx, conn: &crate::connect::Connection) -> Result<Identity> {
    let mut identity = conn.identity.clone();
    let history_needs = !matches!(ctx.settings.history, crate::settings::HistoryPlace::Off(_))
        && identity.member_key().is_none();
    if identity.name.is_none() || history_needs {
        match conn.member().me() {
            Ok(me) => identity.learn(me.name, me.public_id, me.member_urn),
            Err(e) if stops_the_run(&e) => return Err(e),
            Err(e) => ctx.out.warn(&format!("cannot read your name: {e}")),
        }
    }
    Ok(identity)
}

/// The generative-AI toggle, from a fresh read (one request). Without a certain read the text
/// says nothing about it.
fn genai_state(ctx: &Ctx, conn: &crate::connect::Connection) -> Result<State> {
    let Some(catalog) = ctx.catalog().ok() else {
        return Ok(State::Unknown);
    };
    let Some(entry) = catalog.get(DEFAULT_OPT_OUT) else {
        return Ok(State::Unknown);
    };
    let member = conn.member();
    match audit::Cards::new(&member, conn.client.origin(), &catalog).check(entry) {
        Ok(checked) => Ok(checked.result.state),
        Err(e) if stops_the_run(&e) => Err(e),
        Err(e) => {
            ctx.out.warn(&format!(
                "cannot read the generative-AI training setting: {e}"
            ));
            Ok(State::Unknown)
        }
    }
}

fn ask_email(ctx: &Ctx) -> Result<Option<String>> {
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let line = ctx
        .out
        .ask_line("Email address of your LinkedIn account (Enter to leave it out): ")?;
    Ok(Some(line).filter(|l| !l.is_empty()))
}

fn open_in_browser(ctx: &Ctx, url: &str) {
    let program = ctx
        .settings
        .browser()
        .map(str::to_string)
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".to_string()
            } else {
                "xdg-open".to_string()
            }
        });
    // The browser never sees the session: LINKEDIN_LI_AT and the rest stay with this process.
    let child = crate::child::command(&program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            ctx.out.warn(&format!(
                "cannot start {program} ({e}); open {url} yourself"
            ));
            return;
        }
    };
    // `xdg-open` returns at once; a browser started directly may run for hours. Wait a moment
    // for a failure to report, then leave it running.
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(3) {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return,
            Ok(Some(status)) => {
                ctx.out.warn(&format!(
                    "{program} could not open the form ({status}); open {url} yourself"
                ));
                return;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
            Err(_) => return,
        }
    }
}

impl View for Prefilled {
    fn table(&self, s: &Style, _: &Words) -> String {
        let mut out = format!(
            "{}\n  {}\n",
            s.bold("Data Processing Objection Form:"),
            self.form_url
        );
        match &self.note {
            None => out.push_str("Fields as the page shows them:\n"),
            Some(n) => {
                out.push_str(&s.wrap(
                    &format!(
                        "{} {n}; these are the fields LinkedIn is reported to ask for.",
                        s.yellow("Note:")
                    ),
                    "  ",
                ));
                out.push('\n');
            }
        }
        let mut table = s.table(&["Field", "Value", "From"]);
        for f in self.fields.iter().filter(|f| f.kind != "hidden") {
            let label = f.label.clone().unwrap_or_else(|| f.name.clone());
            let value = if f.kind == "textarea" && f.value.is_some() {
                "(the explanation below)".to_string()
            } else {
                f.choice
                    .clone()
                    .or_else(|| f.value.clone())
                    .unwrap_or_else(|| "-".to_string())
            };
            let color = (f.source == Source::NotFilled).then_some(Color::Yellow);
            table.add_row(vec![
                s.cell(&format!("{label}\n{}", f.name), None),
                s.cell(&value, None),
                s.cell(f.source.as_str(), color),
            ]);
        }
        out.push_str(&format!("{table}\n"));
        if !self.unfilled.is_empty() {
            out.push_str(&s.wrap(
                &format!("{} {}", s.yellow("Not filled:"), self.unfilled.join("; ")),
                "  ",
            ));
            out.push('\n');
        }
        // The explanation is not wrapped: it is copied into the form, where line breaks a
        // terminal's width put in would stay. (`--html FILE` gives it a copy button.)
        out.push_str(&format!(
            "\n{}\n\n{}\n\n",
            s.wrap(
                &s.bold("Explanation (copy it into the form's free-text field):"),
                ""
            ),
            self.text
        ));
        if let Some(file) = &self.html_file {
            out.push_str(&s.wrap(
                &format!("Wrote {file}: the values with a copy button each."),
                "  ",
            ));
            out.push('\n');
        }
        out.push_str(&s.wrap(
            "Nothing was submitted: open the form, enter these values, and send it yourself.",
            "",
        ));
        out.push('\n');
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            form_url: &'a str,
            name: &'a str,
            label: Option<&'a str>,
            kind: &'a str,
            value: Option<&'a str>,
            choice: Option<&'a str>,
            source: &'a str,
        }
        csv.header_of::<Row<'_>>();
        for f in &self.fields {
            csv.row(&Row {
                form_url: &self.form_url,
                name: &f.name,
                label: f.label.as_deref(),
                kind: &f.kind,
                value: f.value.as_deref(),
                choice: f.choice.as_deref(),
                source: f.source.as_str(),
            });
        }
    }
}
