//! `watch status`: the schedule, the next and last run, and each channel's last result.

use std::process::{Command, Stdio};

use serde::Serialize;

use super::{Ctx, Exit, local};
use crate::output::{Csv, Style, View, Words};
use crate::watch::schedule::Schedule;
use crate::watch::state::{ChannelResult, Config, Installed, LastRun, Places, State};
use crate::watch::units;

#[derive(Serialize)]
struct StatusView {
    schema: u32,
    installed: Option<Installed>,
    schedule: Option<String>,
    next_run: Option<String>,
    last_run: Option<LastRun>,
    channels: Vec<ChannelLine>,
    log: String,
}

#[derive(Serialize)]
struct ChannelLine {
    channel: String,
    configured: bool,
    last: Option<ChannelResult>,
}

impl View for StatusView {
    fn table(&self, _style: &Style, _words: &Words) -> String {
        let mut out = String::new();
        match &self.installed {
            Some(i) => out.push_str(&format!(
                "Installed with {} on {}: {}.\n",
                i.scheduler,
                i.at,
                self.schedule.as_deref().unwrap_or("-")
            )),
            None => out.push_str("No watch is installed (`linkedin-privacy watch install`).\n"),
        }
        if let Some(n) = &self.next_run {
            out.push_str(&format!("Next run: {n}\n"));
        }
        match &self.last_run {
            Some(r) => out.push_str(&format!(
                "Last run: {}, {} (exit {}), {} event(s) told\n",
                r.at, r.result, r.exit, r.events
            )),
            None => out.push_str("Last run: none yet\n"),
        }
        for c in &self.channels {
            let state = match (&c.last, c.configured) {
                (Some(r), _) if r.ok => format!("worked at {}", r.at),
                (Some(r), _) => {
                    format!("FAILED at {}: {}", r.at, r.error.as_deref().unwrap_or("-"))
                }
                (None, true) => "not tried yet (`watch run --test` tries it)".to_string(),
                (None, false) => continue,
            };
            out.push_str(&format!("Channel {}: {state}\n", c.channel));
        }
        out.push_str(&format!("Log: {}\n", self.log));
        out
    }

    fn csv(&self, csv: &mut Csv) {
        for c in &self.channels {
            csv.row(&(
                ("channel", &c.channel),
                ("configured", c.configured),
                ("ok", c.last.as_ref().map(|r| r.ok)),
            ));
        }
    }
}

pub(super) fn status(ctx: &Ctx, places: &Places) -> anyhow::Result<Exit> {
    let config = Config::load(places).map_err(local)?;
    let state = State::load(places).map_err(local)?;
    let schedule = config
        .every
        .as_deref()
        .and_then(|e| Schedule::parse(e, config.at.as_deref()).ok());
    let next_run = config.installed.as_ref().and_then(|i| {
        let asked = (i.scheduler == "systemd")
            .then(|| {
                Command::new("systemctl")
                    .args([
                        "--user",
                        "show",
                        &format!("{}.timer", units::NAME),
                        "-p",
                        "NextElapseUSecRealtime",
                        "--value",
                    ])
                    .stderr(Stdio::null())
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|o| crate::text::clean_line(String::from_utf8_lossy(&o.stdout).trim(), 80))
                    .filter(|s| !s.is_empty())
            })
            .flatten();
        asked.or_else(|| {
            let now = ctx
                .time
                .clock
                .now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            schedule.map(|s| {
                crate::clock::rfc3339(
                    std::time::UNIX_EPOCH
                        + std::time::Duration::from_secs(s.next_after(now) as u64),
                ) + " (as the schedule says; the machine's time zone may shift it)"
            })
        })
    });
    let configured = |name: &str| match name {
        "desktop" => config.channels.desktop,
        "command" => config.channels.command.is_some(),
        "webhook" => config.channels.webhook.is_some(),
        _ => config.channels.email.is_some(),
    };
    let view = StatusView {
        schema: 1,
        installed: config.installed.clone(),
        schedule: schedule.map(|s| s.to_string()),
        next_run,
        last_run: state.last_run.clone(),
        channels: ["desktop", "command", "webhook", "email"]
            .iter()
            .map(|c| ChannelLine {
                channel: c.to_string(),
                configured: configured(c),
                last: state.channels.get(*c).cloned(),
            })
            .collect(),
        log: places.log().display().to_string(),
    };
    ctx.out.print(&view)?;
    Ok(Exit::Ok)
}
