//! The command line as clap sees it: raw flags only. [`GlobalArgs::flags`] hands them to
//! [`crate::context`] as plain values; nothing below the command layer sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::output::{ColorChoice, Format};
use crate::settings::Flags;

/// The `--format` values, from the one [`Format`] type.
fn format_values() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(
        Format::ALL
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .map(|name| Format::from_name(&name).expect("a listed format"))
}

/// The `--color` values, from the one [`ColorChoice`] type.
fn color_values() -> impl clap::builder::TypedValueParser<Value = ColorChoice> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(
        ColorChoice::ALL
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .map(|name| ColorChoice::from_name(&name).expect("a listed colour choice"))
}

const AFTER_HELP: &str = "\
Exit codes: 0 private/success, 1 exposed, 2 usage, 3 unknown state or unexpected reply,
4 not signed in or session problem, 5 throttled or blocked, 6 network failure or timeout,
7 output could not be written, 101 a bug, 130 interrupted.

Try it without an account: linkedin-privacy --sandbox audit";

#[derive(Debug, Parser)]
#[command(
    name = "linkedin-privacy",
    version,
    about = "Audit your LinkedIn data-privacy settings, starting with generative-AI training",
    long_about = "Audit your LinkedIn data-privacy settings, starting with the generative-AI training \
                  toggle, turn them off and prove it, and pre-fill LinkedIn's Data Processing \
                  Objection Form.\n\nLinkedIn's User Agreement forbids automated access: run this \
                  on your own account, at your own risk. An audit makes about one request per setting.",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The LinkedIn origin to talk to [env: LINKEDIN_PRIVACY_BASE_URL] (plain http only on loopback)
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Run against a built-in fake LinkedIn on loopback, as its ACCOUNT (default: demo);
    /// touches no keyring and no real account
    #[arg(
        long,
        global = true,
        value_name = "ACCOUNT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "demo",
        conflicts_with = "base_url")]
    pub sandbox: Option<String>,

    /// Seconds one request may take, connect to last byte [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Further attempts after a 429, 999 or 5xx reply (waits follow Retry-After, 60 s at most in all)
    #[arg(long, global = true, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,

    /// Use this settings catalog (TOML) instead of the built-in one [env: LINKEDIN_PRIVACY_CATALOG]
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// Output format [default: table; ndjson for several accounts off a terminal]
    #[arg(long, global = true, value_parser = format_values(), ignore_case = true)]
    pub format: Option<Format>,

    /// Shorthand for --format json
    #[arg(long, global = true, conflicts_with = "format")]
    pub json: bool,

    /// When to use colour (auto: only on a terminal, and never with NO_COLOR set) [default: auto]
    #[arg(
        long,
        global = true,
        value_parser = color_values(),
        ignore_case = true,
        value_name = "WHEN"
    )]
    pub color: Option<ColorChoice>,

    /// The stored session to use [env: LINKEDIN_PRIVACY_PROFILE] [default: default]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Keep sessions in a 0600 file in the config directory instead of the OS keyring
    #[arg(long, global = true)]
    pub insecure_storage: bool,

    /// Use the OS keyring even when config.toml says insecure_storage = true
    #[arg(long, global = true, conflicts_with = "insecure_storage")]
    pub no_insecure_storage: bool,

    /// No notes, progress or summary on stderr; warnings and errors still show
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say each request's method, path and status on stderr (never a header or a body); reports
    /// in their long form
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,

    /// Reports in their long form: a bordered table with each setting's page and every reason
    #[arg(long, global = true)]
    pub wide: bool,

    /// Keep the history in FILE [env: LINKEDIN_PRIVACY_HISTORY] [default: ~/.local/share/linkedin-privacy/history.sqlite3, against LinkedIn only]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "no_history"
    )]
    pub history: Option<PathBuf>,

    /// Record nothing in the history
    #[arg(long, global = true)]
    pub no_history: bool,
}

impl GlobalArgs {
    /// The flags as plain values for the settings, with the config file's defaults beside them.
    pub fn flags(&self, config: crate::config::Config) -> Flags {
        Flags {
            base_url: self.base_url.clone(),
            sandbox: self.sandbox.clone(),
            timeout: self.timeout,
            retries: self.retries,
            catalog: self.catalog.clone(),
            format: if self.json {
                Some(Format::Json)
            } else {
                self.format
            },
            color: self.color,
            profile: self.profile.clone(),
            insecure_storage: self.insecure_storage,
            no_insecure_storage: self.no_insecure_storage,
            quiet: self.quiet,
            verbose: self.verbose,
            wide: self.wide,
            history: self.history.clone(),
            no_history: self.no_history,
            config,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the Data privacy settings and say which ones expose your data
    Audit(commands::audit::AuditArgs),
    /// Turn settings off, then read them back to prove it
    OptOut(commands::opt_out::OptOutArgs),
    /// Pre-fill LinkedIn's Data Processing Objection Form (never submits it)
    Objection(commands::objection::ObjectionArgs),
    /// Show each setting's timeline, objections and their deadlines; export or verify the record
    History(commands::history::HistoryArgs),
    /// Gather the reports members made of their own accounts into counts per setting
    Summary(commands::summary::SummaryArgs),
    /// Sign in once and store the session in the OS keyring
    Login(commands::login::LoginArgs),
    /// Forget stored sessions (on this machine; LinkedIn's own sign-out is in the browser)
    Logout(commands::logout::LogoutArgs),
    /// List stored sessions and check that they still work
    Status(commands::status::StatusArgs),
    /// Show the settings catalog
    Catalog(commands::catalog::CatalogArgs),
    /// Record LinkedIn's replies to every endpoint the tool reads, redacted, for `drift`
    Record(commands::record::RecordArgs),
    /// Compare a recording with the tool's own understanding; say what changed and how much
    Drift(commands::drift::DriftArgs),
    /// Run the fake LinkedIn in the foreground, for trying scripts without an account
    Sandbox(commands::sandbox::SandboxArgs),
    /// A scheduled check that tells you when a setting is switched back on, and when it fails
    Watch(commands::watch::WatchArgs),
    /// Print shell completions
    Completions(commands::completions::CompletionsArgs),
    /// Print the manual page (roff)
    Man(commands::man::ManArgs),
}

/// The command line's definition, with the completers of the values only the tool knows: setting
/// ids, stored profiles, sandbox accounts. They run in a process the shell starts on Tab, and
/// read the catalog and the profile index: never the keyring, never the network.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    use clap_complete::engine::ArgValueCompleter;
    let setting = |c: clap::Command| {
        c.mut_arg("settings", |a| {
            a.add(ArgValueCompleter::new(complete::setting_ids))
        })
    };
    Cli::command()
        .mut_arg("sandbox", |a| {
            a.add(ArgValueCompleter::new(complete::sandbox_accounts))
        })
        .mut_arg("profile", |a| {
            a.add(ArgValueCompleter::new(complete::profiles))
        })
        .mut_subcommand("audit", |c| {
            setting(c).mut_arg("profiles", |a| {
                a.add(ArgValueCompleter::new(complete::profiles_or_accounts))
            })
        })
        .mut_subcommand("opt-out", |c| {
            c.mut_arg("settings", |a| {
                a.add(ArgValueCompleter::new(complete::writable_setting_ids))
            })
        })
        .mut_subcommand("man", |c| {
            c.mut_arg("command", |a| {
                a.add(ArgValueCompleter::new(complete::command_names))
            })
        })
        .mut_subcommand("history", |c| {
            c.mut_arg("setting", |a| {
                a.add(ArgValueCompleter::new(complete::setting_ids))
            })
        })
}

/// The help of the command at `path` (`["watch", "install"]`): its own options and examples,
/// and the global options once, in `linkedin-privacy --help` (they still parse, complete, and
/// show in the manual pages). Only for showing: the command line is parsed by [`command`].
pub fn help(path: &[String], long: bool) -> Option<String> {
    let mut cmd = command();
    cmd.build();
    let globals: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set() && a.get_id() != "help")
        .map(|a| a.get_id().clone())
        .collect();
    let mut c = cmd;
    for name in path {
        c = c.find_subcommand(name)?.clone();
    }
    for g in &globals {
        if c.get_arguments().any(|a| a.get_id() == g) {
            c = c.mut_arg(g, |a| a.hide_short_help(true).hide_long_help(true));
        }
    }
    let mut after = c
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let list = crate::commands::examples(Some(&path.join(" ")));
    if !list.is_empty() {
        if !after.is_empty() {
            after.push_str("\n\n");
        }
        after.push_str("Examples:");
        for (line, what) in list {
            after.push_str(&format!("\n  {line}\n      {what}"));
        }
    }
    if !after.is_empty() {
        after.push_str("\n\n");
    }
    after.push_str(
        "Global options (--sandbox, --profile, --json, --history, …): linkedin-privacy --help",
    );
    let mut c = c
        .after_help(after.clone())
        .after_long_help(after)
        .bin_name(format!("linkedin-privacy {}", path.join(" ")));
    Some(if long {
        c.render_long_help().to_string()
    } else {
        c.render_help().to_string()
    })
}

mod complete {
    use std::ffi::OsStr;

    use clap_complete::engine::CompletionCandidate;

    use crate::settings::Env;

    fn matching(
        current: &OsStr,
        values: Vec<(String, Option<String>)>,
    ) -> Vec<CompletionCandidate> {
        let current = current.to_string_lossy();
        // Values are plain words by now (checked where they were read); the help beside them is
        // text from a catalog, cleaned and kept short.
        values
            .into_iter()
            .filter(|(v, _)| v.starts_with(current.as_ref()))
            .filter(|(v, _)| crate::text::shell_word(v) == v.as_str())
            .map(|(v, help)| {
                let help = help.map(|h| crate::text::clean_line(&h, 80));
                CompletionCandidate::new(v).help(help.map(Into::into))
            })
            .collect()
    }

    fn catalog() -> crate::catalog::Catalog {
        Env::from_process()
            .catalog
            .as_deref()
            .and_then(|p| crate::catalog::Catalog::load(p).ok())
            .unwrap_or_else(crate::catalog::Catalog::builtin)
    }

    /// The catalog's setting ids (the one `LINKEDIN_PRIVACY_CATALOG` names, if it reads; else
    /// the built-in one).
    pub fn setting_ids(current: &OsStr) -> Vec<CompletionCandidate> {
        let values = catalog()
            .settings
            .into_iter()
            .map(|e| (e.id, Some(e.title)))
            .collect();
        matching(current, values)
    }

    /// The settings `opt-out` can write: a switch's private position, or a choice's value to
    /// write (an entry the member can only object to has neither).
    pub fn writable_setting_ids(current: &OsStr) -> Vec<CompletionCandidate> {
        let values = catalog()
            .settings
            .into_iter()
            .filter(|e| e.private.is_some() || e.write.is_some())
            .map(|e| (e.id, Some(e.title)))
            .collect();
        matching(current, values)
    }

    /// The commands, for `man COMMAND`.
    pub fn command_names(current: &OsStr) -> Vec<CompletionCandidate> {
        use clap::CommandFactory as _;
        let values = super::Cli::command()
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| {
                (
                    c.get_name().to_string(),
                    c.get_about().map(|a| a.to_string()),
                )
            })
            .collect();
        matching(current, values)
    }

    /// `--profiles`: the sandbox's accounts when the line being completed runs against it (the
    /// shell hands the words to this process), the stored profiles otherwise.
    pub fn profiles_or_accounts(current: &OsStr) -> Vec<CompletionCandidate> {
        let sandbox = std::env::args().any(|a| a == "--sandbox" || a.starts_with("--sandbox="));
        if sandbox {
            sandbox_accounts(current)
        } else {
            profiles(current)
        }
    }

    /// The stored profiles' names, from the index beside the config (never the keyring itself).
    pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
        let env = Env::from_process();
        let names =
            crate::sessions::config_dir(env.xdg_config_home.as_deref(), env.home.as_deref())
                .map(|dir| crate::sessions::Store::known_profiles(&dir))
                .unwrap_or_default();
        matching(current, names.into_iter().map(|p| (p, None)).collect())
    }

    /// The built-in sandbox's accounts, each with what it does.
    pub fn sandbox_accounts(current: &OsStr) -> Vec<CompletionCandidate> {
        let values = crate::sandbox::AccountsFile::builtin()
            .accounts
            .into_iter()
            .map(|a| (a.id, Some(a.about)))
            .collect();
        matching(current, values)
    }
}
