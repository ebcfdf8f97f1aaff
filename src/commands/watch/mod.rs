//! `linkedin-privacy watch install | status | remove | run`: a scheduled check, set up with the
//! platform's own scheduler, that tells the member when a setting is switched back on, newly
//! exposed or new, when an objection's answer is overdue, and when the check itself fails (once
//! a day for a repeating failure), so that it never goes silent. Installing and removing are in
//! [`install`], the status in [`status`], the check itself in [`check`].

mod check;
mod install;
mod status;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use clap::{Args, Subcommand};

use super::Ctx;
use super::exit::Exit;
use crate::error::Error;
use crate::watch::notify;
use crate::watch::state::{Channels, Places};

const WEBHOOK_SECRET: &str = "watch-webhook";

#[derive(Debug, Args)]
#[command(after_help = "\
`watch install` sets up `watch run` with this machine's scheduler (a systemd user timer, else a
crontab line; a launchd agent on macOS; a Task Scheduler task on Windows); `--print` shows it
without installing. `watch run` audits (with history), then notifies each channel once about
what changed, and about every failure of the check itself (once a day while it repeats).
`watch remove` removes exactly what was installed.")]
pub struct WatchArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Set up the scheduled check with this machine's scheduler
    Install(InstallArgs),
    /// Show the schedule, the next and last run, and the last result of the check and of each channel
    Status,
    /// Remove what `watch install` installed (and the stored webhook address)
    Remove,
    /// One check, then the notifications (what the scheduler runs)
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// How often: hours that divide a day (6h, 12h), days (1d, 3d) or a week (7d)
    #[arg(long, value_name = "INTERVAL", default_value = "1d")]
    pub every: String,
    /// The time of day of the (first) run, HH:MM in the machine's time zone [default: 09:00]
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// The scheduler [default: systemd on Linux when a user session runs it, else cron; launchd
    /// on macOS; schtasks on Windows]
    #[arg(long, value_parser = ["systemd", "cron", "launchd", "schtasks"])]
    pub scheduler: Option<String>,
    /// Print what would be installed, and where; install nothing
    #[arg(long)]
    pub print: bool,
    #[command(flatten)]
    pub notify: NotifyArgs,
}

#[derive(Clone, Debug, Default, Args)]
pub struct NotifyArgs {
    /// Notify on the desktop (the default when no other channel is given)
    #[arg(long)]
    pub desktop: bool,
    /// Run CMD through the shell with the events as JSON on its standard input
    #[arg(long, value_name = "CMD")]
    pub notify_command: Option<String>,
    /// POST the events to URL (https; `-` reads it from standard input); kept in the keyring
    #[arg(long, value_name = "URL|-")]
    pub webhook: Option<String>,
    /// The webhook's body: json (with a `text` Slack and Matrix hooks show), slack, ntfy, text
    #[arg(long, value_name = "FORMAT", value_parser = notify::FORMATS, requires = "webhook")]
    pub webhook_format: Option<String>,
    /// Mail the events to ADDRESS through the local sendmail
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
}

impl NotifyArgs {
    fn given(&self) -> bool {
        self.desktop
            || self.notify_command.is_some()
            || self.webhook.is_some()
            || self.email.is_some()
    }

    fn channels(&self) -> Channels {
        Channels {
            desktop: self.desktop || !self.given(),
            command: self.notify_command.clone(),
            webhook: self.webhook.as_ref().map(|_| {
                self.webhook_format
                    .clone()
                    .unwrap_or_else(|| "json".to_string())
            }),
            email: self.email.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Send a test notice through every channel instead of checking
    #[arg(long)]
    pub test: bool,
    /// Notify through these channels instead of the installed ones
    #[command(flatten)]
    pub notify: NotifyArgs,
}

pub fn run(ctx: &Ctx, args: WatchArgs) -> anyhow::Result<Exit> {
    let places = places(ctx)?;
    match args.action {
        Action::Install(a) => install::install(ctx, &places, a),
        Action::Status => status::status(ctx, &places),
        Action::Remove => install::remove(ctx, &places),
        Action::Run(a) => check::check(ctx, &places, a),
    }
}

fn places(ctx: &Ctx) -> anyhow::Result<Places> {
    let env = &ctx.settings.env;
    let config = env.config_dir().ok_or_else(|| {
        Error::usage(
            "neither XDG_CONFIG_HOME nor HOME is set, so the watch has nowhere to keep its schedule",
            Some("set HOME".to_string()),
        )
    })?;
    let data = env
        .xdg_data_home
        .clone()
        .filter(|d| d.is_absolute())
        .or_else(|| env.home.as_ref().map(|h| h.join(".local/share")))
        .unwrap_or_else(|| config.clone());
    Ok(Places {
        config: config.join("watch.json"),
        state_dir: data.join("linkedin-privacy").join("watch"),
    })
}

fn local(e: String) -> anyhow::Error {
    Error::Io {
        what: "the watch's files".to_string(),
        detail: e,
    }
    .into()
}

/// The global flags `watch run` is started with again by the scheduler, and gives the audit
/// it runs (none secret): the settings say them.
fn forwarded(ctx: &Ctx) -> Vec<String> {
    ctx.settings.relaunch_args()
}

fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe().map_err(|e| {
        Error::Io {
            what: "this program's own path".to_string(),
            detail: e.to_string(),
        }
        .into()
    })
}

/// The scheduler to use when none is named.
fn default_scheduler() -> &'static str {
    if cfg!(target_os = "macos") {
        "launchd"
    } else if cfg!(windows) {
        "schtasks"
    } else if Command::new("systemctl")
        .args(["--user", "show-environment"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        "systemd"
    } else {
        "cron"
    }
}
