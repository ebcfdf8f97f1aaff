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

/// The longest an audit may take before it is stopped (each request is bounded already; this
/// bounds them all, so that a scheduled run always ends).
const AUDIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

fn audit(ctx: &Ctx) -> anyhow::Result<Audited> {
    use std::io::Read;
    let mut cmd = Command::new(exe()?);
    cmd.args(forwarded(ctx))
        .args(["--format", "json", "--color", "never", "audit"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| Error::Io {
        what: "the audit".to_string(),
        detail: e.to_string(),
    })?;
    // Each stream read to a bound, the rest drained, so that the child never blocks on a full
    // pipe and memory never holds more than the bound.
    let bounded = |stream: Option<Box<dyn Read + Send>>, max: u64| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut s) = stream {
                let _ = (&mut s).take(max).read_to_end(&mut kept);
                let _ = std::io::copy(&mut s, &mut std::io::sink());
            }
            kept
        })
    };
    let stdout = bounded(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        16 << 20,
    );
    let stderr = bounded(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        4096,
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > AUDIT_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    let exit = match status {
        // Stopped at the limit: as a network that did not answer.
        None => Exit::Network.code(),
        Some(s) => s.code().map_or(Exit::Interrupted.code(), |c| {
            u8::try_from(c).unwrap_or(Exit::Bug.code())
        }),
    };
    let json = serde_json::from_slice(&out).ok();
    let mut stderr = String::from_utf8_lossy(&err).into_owned();
    if status.is_none() {
        stderr.push_str(&format!(
            " (stopped after {} minutes)",
            AUDIT_LIMIT.as_secs() / 60
        ));
    }
    Ok(Audited { exit, json, stderr })
}

/// One `watch run` at a time: a second one (cron overlapping a manual run) waits for none and
/// says so.
fn lock(places: &Places) -> Result<Option<std::fs::File>, String> {
    crate::fsx::create_private_dir(&places.state_dir)
        .map_err(|e| format!("cannot create {}: {e}", places.state_dir.display()))?;
    let path = places.state_dir.join("lock");
    let file = crate::fsx::open_lock_file(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
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
    let Some(_lock) = lock(places).map_err(local)? else {
        ctx.out
            .note("Another `watch run` is in progress; this one leaves the check to it.");
        return Ok(Exit::Ok);
    };
    // A damaged file never silences the watch: the configuration falls back to the desktop, the
    // state is moved aside and begins again, and both are said.
    let config = Config::load(places).unwrap_or_else(|e| {
        ctx.out
            .warn(&format!("{e}; notifying on the desktop meanwhile"));
        Config {
            channels: crate::watch::state::Channels {
                desktop: true,
                ..Default::default()
            },
            ..Config::default()
        }
    });
    let mut state = State::load(places).unwrap_or_else(|e| {
        let aside = places.state().with_extension("json.damaged");
        let _ = std::fs::rename(places.state(), &aside);
        ctx.out.warn(&format!(
            "{e}; it was moved to {} and the watch begins again",
            aside.display()
        ));
        State::default()
    });
    let before = state.clone();
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
        let e = Event::new(
            "test",
            &at,
            "a test notice from linkedin-privacy watch".to_string(),
            "nothing: this channel works".to_string(),
        );
        (Exit::Ok.code(), "test".to_string(), vec![e])
    } else {
        let mut audited = audit(ctx)?;
        // A success whose JSON cannot be read proves nothing.
        if audited.exit <= Exit::Exposed.code() && audited.json.is_none() {
            audited.exit = Exit::Unknown.code();
        }
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
                Some(u) if u == "-" => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map(|_| Some(Secret::new(line.trim())))
                        .map_err(|e| e.to_string())
                }
                Some(u) => Ok(Some(Secret::new(u.as_str()))),
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
    // Told nowhere: what there was to tell stays untold, so that the next run tells it.
    let undelivered = !events.is_empty() && channels.any() && !told.iter().any(|(_, r)| r.ok);
    if undelivered {
        state.seen = before.seen;
        state.failure_told = before.failure_told;
        state.overdue_told = before.overdue_told;
        ctx.out
            .warn("no channel could tell this run's events: the next run tries again");
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
    if undelivered {
        return Ok(Exit::Io);
    }
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
