//! `linkedin-privacy objection`: hand the user LinkedIn's Data Processing Objection Form already
//! filled in. It reads the form, fills what it recognises, and never submits anything.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::audit;
use crate::catalog::DEFAULT_OPT_OUT;
use crate::error::{Error, Result};
use crate::objection::{self, Filled, Inputs, Lang, Region, Source};
use crate::report::{Identity, State};

mod guide;
mod mark;
mod view;

use mark::Mark;
use view::Prefilled;

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

/// The most of the member's grounds the letter takes.
const MAX_GROUNDS: usize = 2000;

#[derive(Debug, Args)]
pub struct ObjectionArgs {
    /// The email address of your LinkedIn account (asked for on a terminal when the page does
    /// not show it)
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// Choose the form's option whose text or value contains TEXT (when the page holds a form)
    #[arg(long = "type", value_name = "TEXT")]
    pub objection_type: Option<String>,
    /// Where you live, for the law the letter cites (derived from --country when it is given)
    #[arg(long, value_enum, ignore_case = true)]
    pub region: Option<RegionArg>,
    /// Your country, as a code (DE) or a name (Germany); the form asks for it
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// Your particular situation, in your own words: GDPR Article 21(1) asks for grounds that
    /// relate to it (asked for on a terminal; without it a short default states one)
    #[arg(long, value_name = "TEXT", visible_alias = "reason")]
    pub grounds: Option<String>,
    /// The letter's language: en, de, fr, es, it, nl or pl [default: from --country, else the
    /// locale, else en]
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Pick the option for training content-creation AI models first (the toggle covers it,
    /// but the objection puts it on record)
    #[arg(long)]
    pub include_genai: bool,
    /// Open the form in the default browser ($BROWSER, else xdg-open or open); with --html,
    /// the page this writes
    #[arg(long)]
    pub open: bool,
    /// Also write a standalone page with the steps and a copy button per value
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print only the letter, for pasting or piping
    #[arg(long, conflicts_with_all = ["open", "html"])]
    pub letter_only: bool,
    /// Record in the history that you sent the objection, on DATE (YYYY-MM-DD; default today);
    /// `history` then shows when LinkedIn's answer is due
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today",
          conflicts_with_all = ["email", "objection_type", "region", "country", "grounds", "lang", "include_genai", "open", "html", "letter_only", "confirmed"])]
    pub mark_sent: Option<String>,
    /// Record that LinkedIn answered your objection in writing (its answer to the objection,
    /// not the automatic receipt), on DATE (default today)
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today",
          conflicts_with_all = ["email", "objection_type", "region", "country", "grounds", "lang", "include_genai", "open", "html", "letter_only", "extended"])]
    pub confirmed: Option<String>,
    /// Record that LinkedIn announced, on DATE, that it takes two more months (three in all,
    /// GDPR Article 12(3)) [default: today; with --mark-sent, the day sent]
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today",
          conflicts_with_all = ["email", "objection_type", "region", "country", "grounds", "lang", "include_genai", "open", "html", "letter_only"])]
    pub extended: Option<String>,
}

fn parse_lang(text: &str) -> std::result::Result<Lang, String> {
    Lang::parse(text)
        .filter(|_| text.trim().len() <= 20)
        .ok_or_else(|| {
            format!(
                "no letter in {:?}: one of {}",
                crate::text::clean_line(text, 20),
                Lang::ALL.map(Lang::code).join(", ")
            )
        })
}

pub fn run(ctx: &Ctx, args: ObjectionArgs) -> anyhow::Result<Exit> {
    if let Some(date) = &args.mark_sent {
        return mark::run(ctx, Mark::Sent, date, args.extended.as_deref());
    }
    if let Some(date) = &args.confirmed {
        return mark::run(ctx, Mark::Confirmed, date, None);
    }
    if let Some(date) = &args.extended {
        return mark::run(ctx, Mark::Extended, date, None);
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
    if let Some(e) = &args.email
        && !objection::is_email(e)
    {
        return Err(bad_email(e).into());
    }
    let (region, country) = region_and_country(ctx, &args)?;
    let lang = args
        .lang
        .or_else(|| {
            country
                .as_deref()
                .and_then(objection::lang::country_code)
                .and_then(|c| Lang::of_country(&c))
        })
        .or_else(|| ctx.settings.locale().and_then(Lang::parse))
        .unwrap_or(Lang::En);
    // Signed in is better (the name, the toggle's state), but not needed: visitors may object too.
    let conn = match ctx.connector.connect() {
        Ok(conn) => Some(conn),
        Err(e) if e.exit() == Exit::Session => {
            ctx.out
                .warn(&format!("{e}; writing the objection without your profile"));
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
    // A throttle, a block, a revoked session or a network failure ends the run as it ends every
    // other command: no more requests, exit 4, 5 or 6.
    let page = match page {
        Err(e) if stops_the_run(&e) => return Err(e.into()),
        other => other,
    };
    // The Help Center renders its forms in the browser: a page without a form is the normal
    // case, and the fields LinkedIn is reported to ask for are used without a word. A page
    // with some other form, or none to be had, is said.
    let (form, note) = match page {
        Ok(html) => match objection::parse_form_within(&html, PARSE_LIMIT) {
            Ok(Some(form)) if objection::looks_like_objection_form(&form) => (form, None),
            Ok(None) => (objection::fallback_form(lang), None),
            Ok(Some(_)) => (
                objection::fallback_form(lang),
                Some("the page holds a form, but not one that looks like the objection form (a security check?)".to_string()),
            ),
            Err(objection::form::TooSlow) => (
                objection::fallback_form(lang),
                Some(format!(
                    "the page took longer than {} s to read (it is not an ordinary page)",
                    PARSE_LIMIT.as_secs()
                )),
            ),
        },
        Err(e) => (
            objection::fallback_form(lang),
            Some(format!("the form's page could not be fetched: {e}")),
        ),
    };
    let fetched = !form.reported;
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
            "{n}; using the fields LinkedIn is reported to ask for"
        ));
    }
    let page_email = form
        .fields
        .iter()
        .filter(|f| objection::form::role(f) == objection::form::Role::Email)
        .find_map(|f| f.preset.clone().filter(|p| objection::is_email(p)));
    let email = match (&args.email, page_email) {
        (Some(e), _) => Some(e.trim().to_string()),
        (None, Some(_)) => None,
        (None, None) if !args.letter_only => ask_email(ctx)?,
        (None, None) => None,
    };
    let grounds = match &args.grounds {
        Some(g) => Some(g.clone()),
        None => ask_grounds(ctx)?,
    };
    let inputs = Inputs {
        name: identity.name.clone(),
        public_id: identity.public_id.clone(),
        email,
        objection_type: args.objection_type.clone(),
        region,
        country,
        grounds: grounds.map(|g| {
            if g.chars().count() > MAX_GROUNDS {
                ctx.out.warn(&format!(
                    "your grounds are longer than {MAX_GROUNDS} characters: the letter keeps the first {MAX_GROUNDS}"
                ));
            }
            crate::text::clean_line(&g, MAX_GROUNDS)
        }),
        include_genai: args.include_genai,
        genai_state,
    };
    if inputs
        .grounds
        .as_deref()
        .is_none_or(|g| g.trim().is_empty())
        && !ctx.out.is_machine()
    {
        ctx.out.note(
            "The letter states a short default for your particular situation; in your own words (--grounds TEXT) the objection is harder to turn down.",
        );
    }
    let letter = objection::letter(&inputs, lang);
    if args.letter_only {
        ctx.out.print(&view::LetterOnly {
            schema: 1,
            tool: crate::report::Tool::default(),
            lang,
            text: letter,
        })?;
        return Ok(Exit::Ok);
    }
    let fields = objection::fill(&form, &inputs, &letter).map_err(fill_error)?;
    warn_region_country(ctx, &args, &fields);
    // Hidden inputs (an anti-forgery value, a form id) are the page's business: they are never
    // shown, printed or written.
    let fields: Vec<Filled> = fields.into_iter().filter(|f| f.kind != "hidden").collect();
    let steps = guide::steps(lang, &form_url, &form, &fields, &inputs, &ctx.out.words);
    let html_file = match &args.html {
        Some(path) => {
            let page = objection::html_page(&form_url, &fields, lang, &steps);
            crate::fsx::write_atomic(path, page.as_bytes(), 0o600).map_err(|e| Error::Io {
                what: path.display().to_string(),
                detail: e.to_string(),
            })?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let view = Prefilled {
        schema: 2,
        tool: crate::report::Tool::default(),
        form_url: form_url.clone(),
        lang,
        fetched,
        note,
        account: identity,
        generative_ai_training: genai_state,
        unfilled: view::unfilled(&fields),
        steps,
        text: letter,
        fields,
        html_file,
    };
    ctx.out.print(&view)?;
    record_draft(ctx, &view);
    if args.open {
        // With --html, the page it wrote (its copy buttons, and a link to the form); else
        // LinkedIn's form itself.
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

fn bad_email(e: &str) -> Error {
    Error::usage(
        format!(
            "{:?} is not an email address",
            crate::text::clean_line(e, 60)
        ),
        Some("give the address of your LinkedIn account, e.g. --email you@example.com".to_string()),
    )
}

/// The region from `--region`, else from `--country`; the country from `--country`, else
/// asked for on a terminal when the region is the EEA (many countries), else the UK's or
/// Switzerland's own.
fn region_and_country(
    ctx: &Ctx,
    args: &ObjectionArgs,
) -> anyhow::Result<(Option<Region>, Option<String>)> {
    let given = args
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let known = given.as_deref().and_then(objection::lang::country);
    // A country the tool does not know by name says nothing about the law; a code it does
    // not list is outside Europe.
    let region = args.region.map(Region::from).or(match (&given, known) {
        (_, Some((_, _, region))) => Some(region),
        (Some(c), None) if objection::lang::country_code(c).is_some() => Some(Region::Other),
        _ => None,
    });
    let country = match (given, args.region) {
        (Some(c), _) => Some(c),
        (None, Some(RegionArg::Eea)) if !args.letter_only => {
            if !std::io::stdin().is_terminal() {
                return Err(Error::usage(
                    "--region eea is many countries, and the form asks for yours",
                    Some("give it: --country DE (a code or an English name)".to_string()),
                )
                .into());
            }
            let line = ctx
                .out
                .ask_line("Your country (a code such as DE, or its name): ")?;
            Some(line.trim().to_string()).filter(|l| !l.is_empty())
        }
        (None, Some(RegionArg::Uk)) => Some("GB".to_string()),
        (None, Some(RegionArg::Ch)) => Some("CH".to_string()),
        (None, _) => None,
    };
    Ok((region, country))
}

fn fill_error(why: objection::FillError) -> Error {
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
            format!(
                "--country {wanted:?} matches several of the form's countries: {matches}; give its code"
            ),
            "give the country's code as the form lists it, e.g. --country DE",
        ),
        F::CountryNone { wanted, some } => (
            format!("--country {wanted:?} is none of the form's countries ({some})"),
            "give the country's code as the form lists it, e.g. --country DE",
        ),
    };
    Error::usage(message, Some(hint.to_string()))
}

/// `--region` cites a law; `--country` fills a country: said when they disagree.
fn warn_region_country(ctx: &Ctx, args: &ObjectionArgs, fields: &[Filled]) {
    let (Some(region @ (RegionArg::Uk | RegionArg::Ch)), Some(_)) = (args.region, &args.country)
    else {
        return;
    };
    let code = if region == RegionArg::Uk { "GB" } else { "CH" };
    let name = if region == RegionArg::Uk {
        "United Kingdom"
    } else {
        "Switzerland"
    };
    let Some(f) = fields.iter().find(|f| {
        let about = format!("{} {}", f.name, f.label.as_deref().unwrap_or_default());
        about.to_lowercase().contains("countr") && f.source == Source::User
    }) else {
        return;
    };
    let matches = f
        .value
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case(code) || v.eq_ignore_ascii_case(name));
    if !matches {
        ctx.out.warn(&format!(
            "--region {} cites its law, but --country fills {}: check which is right",
            if region == RegionArg::Uk { "uk" } else { "ch" },
            crate::text::clean_line(
                f.choice
                    .as_deref()
                    .or(f.value.as_deref())
                    .unwrap_or_default(),
                40
            )
        ));
    }
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
    let line = line.trim().to_string();
    if line.is_empty() {
        return Ok(None);
    }
    if !objection::is_email(&line) {
        return Err(bad_email(&line));
    }
    Ok(Some(line))
}

/// The member's particular situation, asked for on a terminal (Enter keeps the default).
fn ask_grounds(ctx: &Ctx) -> Result<Option<String>> {
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let line = ctx.out.ask_line(
        "Your particular situation, in a sentence or two (why this processing affects you; Enter for a short default): ",
    )?;
    Ok(Some(line.trim().to_string()).filter(|l| !l.is_empty()))
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
