//! `linkedin-privacy login`: every way in ends the same way: the session is checked with
//! `/voyager/api/me`, then stored with the member's name. A session that does not work is never
//! stored, and a stored one is only replaced once the new one is known to work.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::error::{Error, Hint, Result};
use crate::linkedin::Client;
use crate::linkedin::LoginResult;
use crate::linkedin::session::mint_jsessionid;
use crate::output::{Csv, Style, View, Words};
use crate::secret::Secret;
use crate::sessions::StoredSession;
use crate::sessions::browser::{self, Choice};
use crate::sessions::cookies::{self, Found};

#[derive(Debug, Args)]
#[command(after_help = "Without an option, asks for the li_at cookie with a hidden prompt.")]
pub struct LoginArgs {
    /// Read li_at from the first line of stdin (and JSESSIONID from an optional second line)
    #[arg(long, group = "way")]
    pub cookie_stdin: bool,

    /// Read li_at and JSESSIONID for linkedin.com from a Netscape cookies.txt export
    #[arg(long, value_name = "FILE", group = "way")]
    pub cookies_file: Option<PathBuf>,

    /// Read the cookies of a browser you use: chrome, firefox, edge, safari, brave, chromium,
    /// opera or vivaldi, with :PROFILE for another profile than its default; alone, the first
    /// installed browser that holds a LinkedIn session. Its User-Agent goes with the session
    #[arg(long, value_name = "NAME[:PROFILE]", num_args = 0..=1, group = "way",
          value_parser = parse_browser)]
    pub from_browser: Option<Option<Choice>>,

    /// The same as --from-browser firefox[:PROFILE_DIR]
    #[arg(long, value_name = "PROFILE_DIR", num_args = 0..=1, group = "way")]
    pub from_firefox: Option<Option<PathBuf>>,

    /// The User-Agent of the browser the cookie came from, sent on every request of the session
    /// (LinkedIn may end a session whose requests contradict its browser). With --from-browser
    /// it replaces the one built from the browser's version, and is needed when that version
    /// cannot be read [default for a paste, stdin or a cookies.txt: one current desktop Chrome's]
    #[arg(long, value_name = "UA", conflicts_with = "email")]
    pub user_agent: Option<String>,

    /// Sign in with email and password (asked for with a hidden prompt)
    #[arg(long, value_name = "ADDRESS", group = "way")]
    pub email: Option<String>,

    /// With --email: read the password from the first line of stdin
    #[arg(long, requires = "email")]
    pub password_stdin: bool,
}

fn parse_browser(text: &str) -> std::result::Result<Choice, String> {
    browser::parse_choice(text)
}

#[derive(Serialize)]
struct SignedIn {
    schema: u32,
    tool: crate::report::Tool,
    profile: Option<String>,
    name: String,
    public_id: Option<String>,
    store: &'static str,
    location: String,
    stored_at: Option<String>,
    /// Where the cookies came from (`chromium, profile Default`), when from a browser.
    from: Option<String>,
    /// The User-Agent the session sends, and whose it is (`browser`, `given`, `default`).
    user_agent: String,
    user_agent_source: &'static str,
}

pub fn run(ctx: &Ctx, args: LoginArgs) -> anyhow::Result<Exit> {
    // Where the session will be kept is checked first: nobody is asked for a token (or a
    // password) that could then not be stored.
    if ctx.connector.stores_sessions() {
        ctx.connector.store()?.check()?;
    }
    let reach = ctx.connector.client()?;
    let client = &reach.client;
    let found = obtain(ctx, client, &args)?;
    let (user_agent, ua_source) = match (&args.user_agent, &found.user_agent) {
        (Some(ua), _) => (Some(ua.clone()), "given"),
        (None, Some(ua)) => (Some(ua.clone()), "browser"),
        (None, None) => (None, "default"),
    };
    // A session from a browser whose User-Agent is not known is not used at all: the check
    // below would already be a request from another browser, which LinkedIn may answer by
    // ending the session (and signing the browser out).
    if let (Some(from), None) = (&found.browser, &user_agent) {
        return Err(Error::usage(
            format!(
                "cannot tell which User-Agent the browser sends ({}: its version could not be read), and a request that looks like another browser may make LinkedIn end the session",
                crate::text::clean_line(from, 80)
            ),
            Some(
                "give the browser's own with --user-agent UA (chrome://version, opera://about or about:support shows it)"
                    .to_string(),
            ),
        )
        .into());
    }
    let session = ctx
        .connector
        .session(found.li_at, found.jsessionid.as_deref())?
        .with_user_agent(user_agent.clone())?;
    // Validate before storing anything: a refused session must not replace a working one.
    let me = client.member(&session).me()?;
    let stored = StoredSession {
        li_at: session.li_at().clone(),
        jsessionid: Some(session.jsessionid().to_string()),
        name: me.name.clone(),
        public_id: me.public_id.clone(),
        stored_at: ctx.time.clock.rfc3339(),
        origin: client.origin().as_str().to_string(),
        user_agent: user_agent.clone(),
        source: found.browser.clone(),
        revoked_at: None,
    };
    let shown_ua = user_agent
        .clone()
        .unwrap_or_else(|| crate::linkedin::net::USER_AGENT.to_string());
    let view = if !ctx.connector.stores_sessions() {
        SignedIn {
            schema: 1,
            tool: crate::report::Tool::default(),
            profile: None,
            name: me.name,
            public_id: me.public_id,
            store: "none",
            location: "not stored: sandbox runs touch no keyring".to_string(),
            stored_at: None,
            from: found.browser.clone(),
            user_agent: shown_ua,
            user_agent_source: ua_source,
        }
    } else {
        let store = ctx.connector.store()?;
        store.save(&ctx.settings.profile, &stored)?;
        SignedIn {
            schema: 1,
            tool: crate::report::Tool::default(),
            profile: Some(ctx.settings.profile.clone()),
            name: me.name,
            public_id: me.public_id,
            store: store.source().as_str(),
            location: store.location(),
            stored_at: Some(stored.stored_at.clone()),
            from: found.browser.clone(),
            user_agent: shown_ua,
            user_agent_source: ua_source,
        }
    };
    ctx.out.print(&view)?;
    Ok(Exit::Ok)
}

/// Gets the cookies the chosen way.
fn obtain(ctx: &Ctx, client: &Client, args: &LoginArgs) -> Result<Found> {
    if args.cookie_stdin {
        return cookies::from_stdin(std::io::stdin().lock());
    }
    if let Some(file) = &args.cookies_file {
        return cookies::from_cookies_txt(file);
    }
    let choice = match (&args.from_browser, &args.from_firefox) {
        (Some(choice), _) => Some(choice.clone()),
        (None, Some(dir)) => Some(Some(Choice {
            browser: browser::Browser::Firefox,
            profile: dir.as_ref().map(|d| d.display().to_string()),
        })),
        (None, None) => None,
    };
    if let Some(choice) = choice {
        let places = ctx.settings.browser_places().ok_or_else(|| {
            Error::usage(
                "HOME is not set, so no browser profile can be found",
                Some("set HOME, or give --cookies-file".into()),
            )
        })?;
        let found = browser::import(choice.as_ref(), &places, &browser::SystemKeys)?;
        if let Some(from) = &found.browser {
            ctx.out.note(&format!(
                "Read the LinkedIn session from {}.",
                crate::text::clean_line(from, 200)
            ));
        }
        return Ok(found);
    }
    if let Some(email) = &args.email {
        return password_login(ctx, client, email, args.password_stdin);
    }
    prompt_for_cookie(ctx)
}

fn prompt_for_cookie(ctx: &Ctx) -> Result<Found> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage(
            "no terminal to ask for the li_at cookie on",
            Some(
                "use --from-browser, --cookie-stdin, --cookies-file FILE or --email ADDRESS"
                    .to_string(),
            ),
        ));
    }
    ctx.out.note(&format!(
        "Paste the value of your li_at cookie: in a browser signed in to LinkedIn, open the developer\n\
         tools, then Application (Storage in Firefox) > Cookies > {} > li_at.",
        crate::linkedin::LINKEDIN
    ));
    let li_at = ctx.out.ask_hidden("li_at (hidden): ")?;
    Ok(Found::cookies(li_at, None))
}

fn password_login(ctx: &Ctx, client: &Client, email: &str, from_stdin: bool) -> Result<Found> {
    let password = if from_stdin {
        read_password_line(std::io::stdin().lock())?
    } else if std::io::stdin().is_terminal() {
        ctx.out
            .ask_hidden(&format!("LinkedIn password for {email} (hidden): "))?
    } else {
        return Err(Error::usage(
            "no terminal to ask for the password on",
            Some("pass it on stdin with --password-stdin".to_string()),
        ));
    };
    if password.is_empty() {
        return Err(Error::usage("the password is empty", None));
    }
    let jsessionid = client.login_start(&mint_jsessionid(&*ctx.time.random))?;
    match client.login(&jsessionid, email, &password)? {
        LoginResult::Pass(li_at) => Ok(Found::cookies(li_at, Some(jsessionid))),
        LoginResult::Challenge(url) => Err(Error::Challenge {
            url,
            hint: Some(Hint::FinishChallengeThenCookie),
        }),
        LoginResult::BadCredentials(why) => Err(Error::Login {
            message: format!("LinkedIn refused the email or password ({why})"),
            hint: Some(Hint::PasswordOrCookie),
        }),
    }
}

/// The first line of stdin, at most 4 KiB: a longer "password" is refused, never cut.
fn read_password_line(input: impl std::io::Read) -> Result<Secret> {
    use std::io::Read;
    const MAX: usize = 4096;
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    input
        .take(MAX as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read the password from stdin: {e}"), None))?;
    let line_end = bytes.iter().position(|b| *b == b'\n');
    if line_end.is_none() && bytes.len() > MAX {
        return Err(Error::usage(
            "the password on stdin is longer than 4 KiB",
            Some("pipe in the password alone, on one line".to_string()),
        ));
    }
    let line = &bytes[..line_end.unwrap_or(bytes.len())];
    let text = std::str::from_utf8(line)
        .map_err(|_| Error::usage("the password on stdin is not UTF-8 text", None))?;
    Ok(Secret::new(text.trim_end_matches('\r')))
}

impl View for SignedIn {
    fn table(&self, s: &Style, _: &Words) -> String {
        let who = match &self.public_id {
            Some(p) => format!("{} ({p})", self.name),
            None => self.name.clone(),
        };
        let mut out = match &self.profile {
            Some(profile) => format!(
                "{} as {who}. The session is stored in {} as profile {profile:?}.\n",
                s.green("Signed in"),
                self.location
            ),
            None => format!("{} as {who} ({}).\n", s.green("Signed in"), self.location),
        };
        let whose = match self.user_agent_source {
            "browser" => "the browser's",
            "given" => "the one given",
            _ => "the tool's own",
        };
        out.push_str(&s.wrap(
            &format!(
                "Every request of this session sends {whose} User-Agent: {}",
                crate::text::clean_line(&self.user_agent, 200)
            ),
            "  ",
        ));
        out.push('\n');
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            profile: &'a Option<String>,
            name: &'a str,
            public_id: &'a Option<String>,
            store: &'a str,
            location: &'a str,
            stored_at: &'a Option<String>,
            from: &'a Option<String>,
            user_agent: &'a str,
            user_agent_source: &'a str,
        }
        csv.row(&Row {
            profile: &self.profile,
            name: &self.name,
            public_id: &self.public_id,
            store: self.store,
            from: &self.from,
            user_agent: &self.user_agent,
            user_agent_source: self.user_agent_source,
            location: &self.location,
            stored_at: &self.stored_at,
        });
    }
}
