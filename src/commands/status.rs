//! `linkedin-privacy status`: every session the tool could use, where it is kept, when it was
//! stored, and whether LinkedIn still accepts it (one `/me` call each; none with `--offline`).

use clap::Args;
use comfy_table::Color;
use serde::Serialize;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::error::Error;
use crate::linkedin::{Client, Session};
use crate::output::{Csv, Style, View, Words};
use crate::report::ErrorView;
use crate::sessions::SessionSource;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// List only; make no request to LinkedIn
    #[arg(long)]
    pub offline: bool,
}

#[derive(Serialize)]
struct StatusView {
    schema: u32,
    tool: crate::report::Tool,
    sessions: Vec<SessionStatus>,
}

#[derive(Serialize)]
struct SessionStatus {
    profile: Option<String>,
    /// `keyring`, `file`, `env` or `sandbox`.
    #[serde(serialize_with = "source_name")]
    store: SessionSource,
    location: String,
    name: Option<String>,
    public_id: Option<String>,
    stored_at: Option<String>,
    /// The origin the session was signed in at (stored sessions only).
    origin: Option<String>,
    /// Where the session came from (`chromium, profile Default`), when known.
    from: Option<String>,
    /// The User-Agent its requests send, and whose it is: `browser` (the one the cookies
    /// came from), `given` (at sign-in), or `default` (the tool's own).
    user_agent: String,
    user_agent_source: &'static str,
    /// When LinkedIn revoked it (its replies set `li_at` to `delete me`); it is not used again.
    revoked_at: Option<String>,
    /// `true` or `false` from a `/me` call; `null` when not checked.
    works: Option<bool>,
    error: Option<ErrorView>,
    #[serde(skip)]
    exit: Exit,
}

impl SessionStatus {
    fn new(profile: Option<String>, store: SessionSource, location: String) -> SessionStatus {
        SessionStatus {
            profile,
            store,
            location,
            name: None,
            public_id: None,
            stored_at: None,
            origin: None,
            from: None,
            user_agent: crate::linkedin::net::USER_AGENT.to_string(),
            user_agent_source: "default",
            revoked_at: None,
            works: None,
            error: None,
            exit: Exit::Ok,
        }
    }

    fn failed(mut self, e: &Error) -> SessionStatus {
        self.error = Some(e.into());
        self.exit = e.exit();
        self
    }

    /// One `/me` call: does LinkedIn still accept this session?
    fn check(mut self, client: &Client, session: Result<Session, Error>) -> SessionStatus {
        match session.and_then(|s| client.member(&s).me()) {
            Ok(me) => {
                self.works = Some(true);
                self.name = Some(me.name);
                self.public_id = me.public_id;
                self
            }
            Err(e) => {
                if e.exit() == Exit::Session {
                    self.works = Some(false);
                }
                self.failed(&e)
            }
        }
    }
}

pub fn run(ctx: &Ctx, args: StatusArgs) -> anyhow::Result<Exit> {
    let reach = ctx.connector.client()?;
    let mut sessions = Vec::new();
    for listed in ctx.connector.list_sessions(reach.sandbox())? {
        let mut entry = SessionStatus::new(listed.profile, listed.source, listed.location);
        entry.name = listed.name;
        entry.public_id = listed.public_id;
        entry.stored_at = listed.stored_at;
        entry.origin = listed.origin;
        entry.revoked_at = listed.revoked_at;
        if let Some(ua) = listed.user_agent {
            // From a browser when the session says so; given at sign-in otherwise.
            entry.user_agent_source = if listed.came_from.is_some() {
                "browser"
            } else {
                "given"
            };
            entry.user_agent = ua;
        }
        entry.from = listed.came_from;
        sessions.push(match (args.offline, listed.session) {
            (_, Err(e)) => entry.failed(&e),
            (true, Ok(_)) => entry,
            (false, Ok(session)) => entry.check(&reach.client, Ok(session)),
        });
    }
    let exit = if sessions.is_empty() {
        Exit::Session
    } else {
        sessions.iter().map(|s| s.exit).max().unwrap_or(Exit::Ok)
    };
    ctx.out.print(&StatusView {
        schema: 1,
        tool: crate::report::Tool::default(),
        sessions,
    })?;
    Ok(exit)
}

impl View for StatusView {
    fn table(&self, s: &Style, w: &Words) -> String {
        if self.sessions.is_empty() {
            return format!(
                "No sessions are stored. Sign in with `{}`.\n",
                w.command("login")
            );
        }
        // Where each session is kept, said once below the table: the column names the store.
        let mut places: Vec<(&str, &str)> = Vec::new();
        let mut table = s.table(&["Profile", "Member", "Store", "Origin", "Stored", "Works?"]);
        for e in &self.sessions {
            let member = match (&e.name, &e.public_id) {
                (Some(n), Some(p)) => format!("{n} ({p})"),
                (Some(n), None) => n.clone(),
                _ => "-".to_string(),
            };
            let (works, color) = match (e.works, &e.error) {
                _ if e.revoked_at.is_some() => ("no: revoked".to_string(), Some(Color::Red)),
                (Some(true), _) => ("yes".to_string(), Some(Color::Green)),
                (Some(false), Some(err)) => {
                    (format!("no: {}", err.kind.as_str()), Some(Color::Red))
                }
                (_, Some(err)) => (
                    format!("unknown: {}", err.kind.as_str()),
                    Some(Color::Yellow),
                ),
                (_, None) => ("not checked".to_string(), None),
            };
            let store = e.store.as_str();
            if !places.iter().any(|(k, l)| *k == store && *l == e.location) {
                places.push((store, &e.location));
            }
            // The origin's host: `www.linkedin.com`, `127.0.0.1:8080`.
            let origin = e.origin.as_deref().map_or("-".to_string(), |o| {
                o.split_once("://")
                    .map_or(o, |(_, host)| host)
                    .trim_end_matches('/')
                    .to_string()
            });
            table.add_row(vec![
                s.cell(e.profile.as_deref().unwrap_or("-"), None),
                s.cell(&member, None),
                s.cell(store, None),
                s.cell(&origin, None),
                s.cell(
                    &crate::text::day_of(e.stored_at.as_deref().unwrap_or("-")),
                    None,
                ),
                s.cell(&works, color),
            ]);
        }
        Style::keep_whole(&mut table, 2);
        Style::keep_whole(&mut table, 4);
        let mut out = format!("{table}\n");
        for (store, location) in &places {
            let location = crate::text::clean_line(location, 300);
            out.push_str(&s.wrap(&format!("  {store}: {location}"), "    "));
            out.push('\n');
        }
        // Which browser each session speaks as (LinkedIn may end a session whose requests
        // contradict the browser that made it): sessions that send the same one, said once.
        let mut speaks: Vec<(String, Vec<&str>)> = Vec::new();
        for e in &self.sessions {
            let who = e.profile.as_deref().unwrap_or(e.store.as_str());
            let whose = match (e.user_agent_source, &e.from) {
                ("browser", Some(from)) => format!(
                    "as the browser it came from ({})",
                    crate::text::clean_line(from, 80)
                ),
                ("given", _) => "as given at sign-in".to_string(),
                _ => "as the tool's own".to_string(),
            };
            let line = format!(
                "User-Agent {whose}: {}",
                crate::text::clean_line(&e.user_agent, 200)
            );
            match speaks.iter_mut().find(|(l, _)| *l == line) {
                Some((_, who_all)) => who_all.push(who),
                None => speaks.push((line, vec![who])),
            }
        }
        for (line, who) in &speaks {
            let verb = if who.len() == 1 { "sends" } else { "send" };
            out.push_str(&s.wrap(&format!("  {}: {verb} {line}", who.join(", ")), "    "));
            out.push('\n');
        }
        for e in self.sessions.iter().filter(|e| e.error.is_some()) {
            let err = e.error.as_ref().expect("filtered");
            out.push_str(&format!(
                "  {}: {}\n",
                e.profile.as_deref().unwrap_or(e.store.as_str()),
                err.message
            ));
        }
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            profile: Option<&'a str>,
            store: &'a str,
            location: &'a str,
            name: Option<&'a str>,
            public_id: Option<&'a str>,
            stored_at: Option<&'a str>,
            from: Option<&'a str>,
            user_agent: &'a str,
            user_agent_source: &'a str,
            revoked_at: Option<&'a str>,
            works: Option<bool>,
            error_kind: Option<&'a str>,
            error_message: Option<&'a str>,
        }
        csv.header_of::<Row<'_>>();
        for e in &self.sessions {
            csv.row(&Row {
                profile: e.profile.as_deref(),
                store: e.store.as_str(),
                location: &e.location,
                name: e.name.as_deref(),
                public_id: e.public_id.as_deref(),
                stored_at: e.stored_at.as_deref(),
                from: e.from.as_deref(),
                user_agent: &e.user_agent,
                user_agent_source: e.user_agent_source,
                revoked_at: e.revoked_at.as_deref(),
                works: e.works,
                error_kind: e.error.as_ref().map(|x| x.kind.as_str()),
                error_message: e.error.as_ref().map(|x| x.message.as_str()),
            });
        }
    }
}

fn source_name<S: serde::Serializer>(source: &SessionSource, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(source.as_str())
}
