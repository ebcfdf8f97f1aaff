//! `watch run`: the audit (this program again, with history), what it has to tell, and the
//! channels told, each once; a failure of the check told once a day while it repeats.

use std::process::{Command, Stdio};

use serde::Serialize;

use super::{Ctx, Exit, RunArgs, WEBHOOK_SECRET, exe, forwarded, local};
use crate::error::Error;
use crate::output::{Csv, Style, View, Words};
use crate::secret::Secret;
use crate::settings::HistoryPlace;
use crate::watch::events::{self, Event};
use crate::watch::notify::{self, Message};
use crate::watch::state::{ChannelResult, Config, LastRun, Places, State};

/// The audit a check runs: this program again, as JSON, with the same target and store.
struct Audited {
    exit: u8,
    json: Option<serde_json::Value>,
    stderr: String,
}

fn audit(ctx: &Ctx) -> anyhow::Result<Audited> {
    let mut cmd = Command::new(exe()?);
    cmd.args(forwarded(ctx))
        .args(["--format", "json", "--color", "never", "audit"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().map_err(|e| Error::Io {
        what: "the audit".to_string(),
        detail: e.to_string(),
    })?;
    let out = child.wait_with_output()?;
    let exit = out.status.code().map_or(Exit::Interrupted.code(), |c| {
        u8::try_from(c).unwrap_or(Exit::Bug.code())
    });
    let json = serde_json::from_slice(&out.stdout[..out.stdout.len().min(16 << 20)]).ok();
    let stderr = String::from_utf8_lossy(&out.stderr[..out.stderr.len().min(4096)]).into_owned();
    Ok(Audited { exit, json, stderr })
}

#[derive(Serialize)]
struct RunView {
    schema: u32,
    at: String,
    exit: u8,
    result: String,
    events: Vec<Event>,
    channels: Vec<(String, ChannelResult)>,
}

impl View for RunView {
    fn table(&self, _style: &Style, _words: &Words) -> String {
        let mut out = format!(
            "Checked at {}: {} (exit {}).\n",
            self.at, self.result, self.exit
        );
        if self.events.is_empty() {
            out.push_str("Nothing new to tell.\n");
        }
        for e in &self.events {
            out.push_str(&format!(
                "- {}\n  what to do: {}\n",
                e.message, e.what_to_do
            ));
        }
        for (name, r) in &self.channels {
            match &r.error {
                None => out.push_str(&format!("Told through {name}.\n")),
                Some(e) => out.push_str(&format!("Could NOT tell through {name}: {e}\n")),
            }
        }
        out
    }

    fn csv(&self, csv: &mut Csv) {
        for e in &self.events {
            csv.row(e);
        }
    }
}

pub(super) fn check(ctx: &Ctx, places: &Places, a: RunArgs) -> anyhow::Result<Exit> {
    let config = Config::load(places).map_err(local)?;
    let mut state = State::load(places).map_err(local)?;
    let channels = if a.notify.given() {
        a.notify.channels()
    } else {
        config.channels.clone()
    };
    // A channel that failed last time is said now too, so that a silent channel shows.
    for (name, r) in &state.channels {
        if !r.ok {
            ctx.out.warn(&format!(
                "the {name} channel failed at {}: {}",
                r.at,
                r.error.as_deref().unwrap_or("-")
            ));
        }
    }
    let at = ctx.time.clock.rfc3339();
    let today = crate::clock::Day::of(ctx.time.clock.now());
    let day = format!("{:04}-{:02}-{:02}", today.year, today.month, today.day);
    let words = &ctx.settings.words;
    let (exit, result, events) = if a.test {
        let e = Event {
            kind: "test",
            at: at.clone(),
            member: None,
            setting: None,
            title: None,
            state: None,
            was: None,
            exit: None,
            error: None,
            message: "a test notice from linkedin-privacy watch".to_string(),
            what_to_do: "nothing: this channel works".to_string(),
        };
        (Exit::Ok.code(), "test".to_string(), vec![e])
    } else {
        let audited = audit(ctx)?;
        let mut events = Vec::new();
        let result;
        if audited.exit <= Exit::Exposed.code()
            && let Some(json) = &audited.json
        {
            let fix = |id: &str| words.command(&format!("opt-out --setting {id}"));
            let (mut found, seen) = events::of_audit(json, &state, &at, &fix);
            state.seen.insert(events::member_of(json), seen);
            state.failure_told = None;
            events.append(&mut found);
            result = json
                .get("verdict")
                .and_then(|v| v.as_str())
                .unwrap_or("incomplete")
                .to_string();
        } else {
            let error = audited.json.as_ref().and_then(|j| j.get("error"));
            result = error
                .and_then(|e| e.get("kind"))
                .and_then(|k| k.as_str())
                .map_or_else(|| format!("failed (exit {})", audited.exit), str::to_string);
            if let Some(e) = events::of_failure(
                audited.exit,
                error,
                &mut state,
                &at,
                &day,
                remedy(
                    audited.exit,
                    &words.command("login"),
                    &words.command("audit"),
                ),
            ) {
                events.push(e);
            } else {
                ctx.out
                    .note("The same failure was told today already; not again.");
            }
            if !audited.stderr.is_empty() {
                let _ = crate::watch::state::log(
                    places,
                    &[format!(
                        "{at} the audit said: {}",
                        audited.stderr.replace('\n', " | ")
                    )],
                );
            }
        }
        if let HistoryPlace::File(path) = &ctx.settings.history
            && let Ok(Some(h)) = crate::history::History::open_existing(path)
            && let Ok(all) =
                crate::history::timeline::objections(&h, &crate::history::Filter::default(), today)
        {
            let overdue: Vec<_> = all.into_iter().filter(|o| o.overdue).collect();
            let what = format!(
                "record LinkedIn's answer with `{}`, or complain to your data-protection authority",
                words.command("objection --confirmed DATE")
            );
            events.extend(events::of_objections(
                &overdue, &mut state, &at, today, &what,
            ));
        }
        (audited.exit, result, events)
    };
    let mut told = Vec::new();
    if !events.is_empty() {
        let message = Message::new(&events);
        let mut tell = |name: &str, outcome: Result<(), String>| {
            let r = ChannelResult {
                ok: outcome.is_ok(),
                at: at.clone(),
                error: outcome.err(),
            };
            state.channels.insert(name.to_string(), r.clone());
            told.push((name.to_string(), r));
        };
        if channels.desktop {
            tell("desktop", notify::desktop(&message));
        }
        if let Some(cmd) = &channels.command {
            tell("command", notify::command(cmd, &message));
        }
        if let Some(format) = &channels.webhook {
            let url = match &a.notify.webhook {
                Some(u) if u != "-" => Ok(Some(Secret::new(u.as_str()))),
                _ => ctx
                    .connector
                    .store()
                    .and_then(|s| s.load_secret(WEBHOOK_SECRET))
                    .map_err(|e| e.to_string()),
            };
            tell(
                "webhook",
                match url {
                    Ok(Some(url)) => notify::webhook(&url, format, &message),
                    Ok(None) => Err(
                        "no webhook address is stored: run `watch install --webhook URL` again"
                            .to_string(),
                    ),
                    Err(e) => Err(e),
                },
            );
        }
        if let Some(to) = &channels.email {
            tell("email", notify::email(to, &message));
        }
        if !channels.any() {
            ctx.out.warn("no channel to tell through: `watch install --desktop` (or --notify-command, --webhook, --email)");
        }
    }
    let mut lines = vec![format!(
        "{at} exit {exit} {result}, {} event(s): {}",
        events.len(),
        events.iter().map(|e| e.kind).collect::<Vec<_>>().join(" ")
    )];
    for (name, r) in &told {
        lines.push(format!(
            "{at} channel {name}: {}",
            r.error.as_deref().unwrap_or("ok")
        ));
    }
    if let Err(e) = crate::watch::state::log(places, &lines) {
        ctx.out.warn(&e);
    }
    if !a.test {
        state.last_run = Some(LastRun {
            at: at.clone(),
            exit,
            result: result.clone(),
            events: events.len(),
        });
    }
    state.save(places).map_err(local)?;
    ctx.out.print(&RunView {
        schema: 1,
        at,
        exit,
        result,
        events,
        channels: told,
    })?;
    Ok(Exit::ALL
        .into_iter()
        .find(|e| e.code() == exit)
        .unwrap_or(Exit::Bug))
}

/// What to do about a failed check, by its exit code.
fn remedy(exit: u8, login: &str, audit: &str) -> String {
    match Exit::ALL.into_iter().find(|e| e.code() == exit) {
        Some(Exit::Usage) => format!("the check's command line or a file it reads is wrong: run `{audit}` to see the error"),
        Some(Exit::Unknown) => format!("a setting could not be read with certainty: run `{audit}` to see which and why"),
        Some(Exit::Session) => format!("sign in again: `{login}`"),
        Some(Exit::Throttled) => "LinkedIn asked the tool to slow down or blocked it: the next check tries again; if this lasts for days, sign in to LinkedIn in a browser".to_string(),
        Some(Exit::Network) => "the network or LinkedIn could not be reached: the next check tries again".to_string(),
        Some(Exit::Io) => "a local file could not be written (a full disk, permissions, the history): see the watch's log".to_string(),
        _ => format!("the check failed unexpectedly: run `{audit}` and see the watch's log"),
    }
}
