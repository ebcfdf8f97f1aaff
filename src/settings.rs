//! Raw input resolved once: the flags (already out of clap's types), the environment and the
//! config file become one plain [`Settings`] value with every derived choice made (the format,
//! colour and width, the timeouts, the target, the session store, the history's place, the
//! clock). Commands read `Settings`; nothing re-decides them. Every environment variable the tool
//! reads is read here, in [`Env::from_process`]. This is the command line's side of the house:
//! it knows the flags' names, and says them in its messages.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::clock::{FixedClock, OsRandom, SeededRandom, SystemClock, Time};
use crate::connect::Target;
use crate::error::{Error, Result};
use crate::linkedin::Origin;
use crate::linkedin::net::ProxyEnv;
use crate::output::{ColorChoice, Format, Tty, Words};
use crate::sandbox::AccountsFile;
use crate::secret::Secret;
use crate::sessions::{self, KeyringUse};

/// The variables that hold a session: taken out of the environment of the commands a watch
/// notifies through.
pub const SESSION_VARS: [&str; 2] = ["LINKEDIN_LI_AT", "LINKEDIN_JSESSIONID"];

/// The environment variables the tool reads, read once.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub base_url: Option<String>,
    pub catalog: Option<PathBuf>,
    pub li_at: Option<Secret>,
    pub jsessionid: Option<String>,
    pub profile: Option<String>,
    pub home: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    /// Where the history goes by default (`XDG_DATA_HOME`, else `~/.local/share`).
    pub xdg_data_home: Option<PathBuf>,
    /// `LINKEDIN_PRIVACY_HISTORY`: the history file, or `none`.
    pub history: Option<String>,
    /// The user's private runtime folder, for short-lived private copies.
    pub xdg_runtime_dir: Option<PathBuf>,
    /// `TMPDIR` or the system's temporary folder.
    pub tmpdir: PathBuf,
    /// `NO_COLOR` set to anything but the empty string, or `TERM=dumb`.
    pub no_color: bool,
    /// `TERM=dumb`, or a locale that is set and not UTF-8 (`LANG=C`, `…ISO-8859-1`): tables
    /// are drawn in ASCII. An unset locale is taken as UTF-8, as terminals are today.
    pub ascii: bool,
    /// The proxy variables, lower-case name first as curl reads them.
    pub proxy: ProxyEnv,
    /// `SSL_CERT_FILE`: a PEM bundle trusted besides the built-in roots.
    pub ssl_cert_file: Option<PathBuf>,
    /// `COLUMNS`: the width to lay output out for, whatever the terminal says.
    pub columns: Option<String>,
    /// `BROWSER`, for `objection --open`.
    pub browser: Option<String>,
    /// The locale's language (`LC_ALL`, else `LC_MESSAGES`, else `LANG`), for the objection's
    /// letter.
    pub locale: Option<String>,
    /// `LINKEDIN_PRIVACY_KEYRING`: `none` turns the OS keyring off.
    pub keyring: Option<String>,
    /// `LINKEDIN_PRIVACY_KEYRING_TIMEOUT`: seconds one keyring call may take.
    pub keyring_timeout: Option<String>,
    /// `LINKEDIN_PRIVACY_NOW`: a fixed time (RFC 3339) for reproducible runs and tests.
    pub now: Option<String>,
    /// `LINKEDIN_PRIVACY_SEED`: a fixed seed for jitter and minted values.
    pub seed: Option<String>,
    /// Text variables that were set but are not valid UTF-8: an error, never silently ignored.
    pub not_unicode: Vec<&'static str>,
}

impl Env {
    /// The config directory, when HOME or XDG_CONFIG_HOME name one.
    pub fn config_dir(&self) -> Option<PathBuf> {
        sessions::config_dir(self.xdg_config_home.as_deref(), self.home.as_deref()).ok()
    }

    pub fn from_process() -> Env {
        let mut not_unicode = Vec::new();
        let mut text = |name: &'static str| match std::env::var_os(name) {
            Some(v) => match v.into_string() {
                Ok(v) => Some(v).filter(|v| !v.is_empty()),
                Err(_) => {
                    not_unicode.push(name);
                    None
                }
            },
            None => None,
        };
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v: &OsString| !v.is_empty())
                .map(PathBuf::from)
        };
        Env {
            base_url: text("LINKEDIN_PRIVACY_BASE_URL"),
            catalog: text("LINKEDIN_PRIVACY_CATALOG").map(PathBuf::from),
            li_at: text("LINKEDIN_LI_AT").map(Secret::new),
            jsessionid: text("LINKEDIN_JSESSIONID"),
            profile: text("LINKEDIN_PRIVACY_PROFILE"),
            keyring: text("LINKEDIN_PRIVACY_KEYRING"),
            keyring_timeout: text("LINKEDIN_PRIVACY_KEYRING_TIMEOUT"),
            now: text("LINKEDIN_PRIVACY_NOW"),
            seed: text("LINKEDIN_PRIVACY_SEED"),
            columns: text("COLUMNS"),
            proxy: ProxyEnv {
                https: text("https_proxy").or_else(|| text("HTTPS_PROXY")),
                http: text("http_proxy").or_else(|| text("HTTP_PROXY")),
                all: text("all_proxy").or_else(|| text("ALL_PROXY")),
                no_proxy: text("no_proxy").or_else(|| text("NO_PROXY")),
            },
            ssl_cert_file: path("SSL_CERT_FILE"),
            locale: ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.trim().is_empty()),
            browser: std::env::var("BROWSER")
                .ok()
                .filter(|b| !b.trim().is_empty()),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                || std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            ascii: std::env::var("TERM").is_ok_and(|t| t == "dumb")
                || ["LC_ALL", "LC_CTYPE", "LANG"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok())
                    .find(|v| !v.trim().is_empty())
                    .is_some_and(|l| {
                        let l = l.to_ascii_lowercase();
                        !(l.contains("utf-8") || l.contains("utf8"))
                    }),
            home: path("HOME"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            xdg_data_home: path("XDG_DATA_HOME"),
            history: text("LINKEDIN_PRIVACY_HISTORY"),
            xdg_runtime_dir: path("XDG_RUNTIME_DIR"),
            tmpdir: std::env::temp_dir(),
            not_unicode,
        }
    }
}

/// The global flags, as plain values (the command line layer converts clap's types).
#[derive(Clone, Debug)]
pub struct Flags {
    pub base_url: Option<String>,
    pub sandbox: Option<String>,
    /// `--timeout`, when given.
    pub timeout: Option<f64>,
    pub retries: u32,
    pub catalog: Option<PathBuf>,
    /// `None`: the command's default (a table; NDJSON for several accounts off a terminal).
    pub format: Option<Format>,
    /// `--color`, when given.
    pub color: Option<ColorChoice>,
    pub profile: Option<String>,
    pub insecure_storage: bool,
    pub quiet: bool,
    /// `-v`: each request's method, path and status on stderr.
    pub verbose: bool,
    /// `--wide`: reports in their long form.
    pub wide: bool,
    /// `--no-insecure-storage`: the keyring, whatever the config file says.
    pub no_insecure_storage: bool,
    /// `--history FILE`.
    pub history: Option<PathBuf>,
    /// `--no-history`.
    pub no_history: bool,
    /// The config file's defaults: used where neither a flag nor the environment says.
    pub config: crate::config::Config,
}

/// Where this run keeps its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryPlace {
    File(PathBuf),
    /// No history, and why.
    Off(&'static str),
}

/// Everything a run decided before it started.
#[derive(Clone)]
pub struct Settings {
    /// The format `--format` (or `--json`) asked for.
    pub format_given: Option<Format>,
    /// The format the config file names (used where no flag says otherwise and the command has
    /// that format).
    pub format_configured: Option<Format>,
    pub color: ColorChoice,
    pub tty: Tty,
    pub quiet: bool,
    pub verbose: bool,
    /// Reports in their long form (`--wide` or `-v`).
    pub wide: bool,
    pub target: Target,
    /// The stored session to use (`--profile`, `LINKEDIN_PRIVACY_PROFILE`, `default`).
    pub profile: String,
    /// Whether `--profile` was given on the command line (`history` then shows that profile's
    /// records only; `LINKEDIN_PRIVACY_PROFILE` in a shell's setup does not filter).
    pub profile_given: bool,
    /// Sessions go to the 0600 file instead of the keyring.
    pub insecure_storage: bool,
    /// `--no-insecure-storage`: the keyring only, so a session missing from it is never read
    /// from the plain file either.
    pub keyring_only: bool,
    pub keyring: KeyringUse,
    pub catalog_path: Option<PathBuf>,
    /// For one whole request, connect to last byte.
    pub timeout: Duration,
    pub retries: u32,
    /// Where the history is kept, if anywhere.
    pub history: HistoryPlace,
    pub time: Time,
    /// How command lines are written: the flags that chose the target repeated.
    pub words: Words,
    pub env: Env,
}

impl Settings {
    /// The format for a command that prints one thing: the flag's, else the config's, else a
    /// table.
    pub fn format(&self) -> Format {
        self.format_given
            .or(self.format_configured)
            .unwrap_or(Format::Table)
    }

    /// Resolves the flags against the environment and the config file.
    pub fn resolve(flags: &Flags, env: Env) -> Result<Settings> {
        if let Some(name) = env.not_unicode.first() {
            return Err(Error::usage(
                format!("the environment variable {name} is not valid UTF-8"),
                Some(format!("set {name} to plain text, or unset it")),
            ));
        }
        let timeout = flags.timeout.or(flags.config.timeout).unwrap_or(30.0);
        if !(timeout.is_finite() && timeout > 0.0 && timeout <= 3600.0) {
            return Err(Error::usage(
                format!("--timeout {timeout} is out of range"),
                Some("give more than 0 and at most 3600 seconds, e.g. --timeout 10".to_string()),
            ));
        }
        let target = target(flags, &env)?;
        let profile = flags
            .profile
            .clone()
            .or_else(|| env.profile.clone())
            .or_else(|| flags.config.profile.clone())
            .unwrap_or_else(|| sessions::DEFAULT_PROFILE.to_string());
        sessions::check_profile(&profile)?;
        let keyring = keyring_use(&env)?;
        let time = time_from(&env)?;
        let insecure_storage =
            flags.insecure_storage || (flags.config.insecure_storage && !flags.no_insecure_storage);
        Ok(Settings {
            format_given: flags.format,
            format_configured: flags.config.format,
            color: color(flags, &env),
            tty: tty(&env),
            quiet: flags.quiet,
            verbose: flags.verbose,
            wide: flags.wide || flags.verbose,
            words: words(flags, &target, &profile),
            history: history_place(flags, &env, &target),
            target,
            profile_given: flags.profile.is_some(),
            profile,
            insecure_storage,
            keyring_only: flags.no_insecure_storage,
            keyring,
            catalog_path: flags
                .catalog
                .clone()
                .or_else(|| env.catalog.clone())
                .or_else(|| flags.config.catalog.clone()),
            timeout: Duration::from_secs_f64(timeout),
            retries: flags.retries,
            time,
            env,
        })
    }

    /// Where short-lived private copies go: the user's runtime folder when there is one (a
    /// private tmpfs on most Linux desktops), else the temporary folder.
    pub fn scratch_dir(&self) -> PathBuf {
        self.env
            .xdg_runtime_dir
            .clone()
            .filter(|d| d.is_absolute() && d.is_dir())
            .unwrap_or_else(|| self.env.tmpdir.clone())
    }

    /// Where browsers keep their profiles here, for `login --from-browser`; `None` without a
    /// home folder.
    pub fn browser_places(&self) -> Option<crate::sessions::browser::Places> {
        let home = self.home()?.to_path_buf();
        let env_path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Some(crate::sessions::browser::Places {
            os: crate::sessions::browser::Os::this(),
            config: self
                .env
                .xdg_config_home
                .clone()
                .unwrap_or_else(|| home.join(".config")),
            appdata: env_path("APPDATA"),
            local_appdata: env_path("LOCALAPPDATA"),
            scratch: self.scratch_dir(),
            home,
        })
    }

    pub fn home(&self) -> Option<&Path> {
        self.env.home.as_deref()
    }

    /// `BROWSER`, when set.
    pub fn browser(&self) -> Option<&str> {
        self.env.browser.as_deref()
    }

    /// The locale (`de_DE.UTF-8`), when set.
    pub fn locale(&self) -> Option<&str> {
        self.env.locale.as_deref()
    }
}

/// The colour choice: flags, then the environment (NO_COLOR beats a config file's
/// `color = "always"`), then the config file.
pub fn color(flags: &Flags, env: &Env) -> ColorChoice {
    match (flags.color, flags.config.color) {
        (Some(c), _) => c,
        (None, Some(ColorChoice::Always)) if env.no_color => ColorChoice::Auto,
        (None, Some(c)) => c,
        (None, None) => ColorChoice::Auto,
    }
}

/// Where requests go: a sandbox account, `--base-url` or its variable, or LinkedIn.
fn target(flags: &Flags, env: &Env) -> Result<Target> {
    Ok(match (&flags.sandbox, &flags.base_url) {
        (Some(account), _) => {
            let accounts = AccountsFile::builtin();
            if accounts.get(account).is_none() {
                let ids: Vec<&str> = accounts.accounts.iter().map(|a| a.id.as_str()).collect();
                return Err(Error::usage(
                    format!(
                        "the sandbox has no account {:?}",
                        crate::text::clean_line(account, 64)
                    ),
                    Some(format!("sandbox accounts: {}", ids.join(", "))),
                ));
            }
            Target::Sandbox {
                account: account.clone(),
            }
        }
        (None, Some(url)) => Target::Remote(Origin::parse(url)?),
        (None, None) => match &env.base_url {
            Some(url) => Target::Remote(Origin::parse(url)?),
            None => Target::Remote(Origin::linkedin()),
        },
    })
}

/// The flags suggested command lines repeat (those that chose the target), each value quoted
/// for a shell and cleaned for a terminal.
fn words(flags: &Flags, target: &Target, profile: &str) -> Words {
    let word = |v: &str| crate::text::shell_word(&crate::text::clean_line(v, 200)).into_owned();
    let mut words = Vec::new();
    let sandbox = flags.sandbox.as_deref();
    if let Some(account) = sandbox {
        words.push(format!("--sandbox={}", word(account)));
    } else if flags.base_url.is_some()
        && let Some(origin) = target.origin()
    {
        words.push(format!("--base-url {}", word(origin.as_str())));
    }
    if profile != sessions::DEFAULT_PROFILE {
        words.push(format!("--profile {}", word(profile)));
    }
    if flags.insecure_storage {
        words.push("--insecure-storage".to_string());
    }
    if let Some(path) = &flags.history {
        words.push(format!("--history {}", word(&path.display().to_string())));
    }
    Words::with_flags(&words).in_sandbox(sandbox.map(|a| crate::text::clean_line(a, 200)))
}

fn keyring_use(env: &Env) -> Result<KeyringUse> {
    match env
        .keyring
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("os") => {
            let limit = match env.keyring_timeout.as_deref() {
                None => KeyringUse::DEFAULT_TIMEOUT,
                Some(t) => t
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .map(Duration::from_secs)
                    .ok_or_else(|| {
                        Error::usage(
                            "LINKEDIN_PRIVACY_KEYRING_TIMEOUT must be whole seconds from 1 to 3600",
                            None,
                        )
                    })?,
            };
            Ok(KeyringUse::Os(limit))
        }
        Some("none") => Ok(KeyringUse::Off),
        Some(_) => Err(Error::usage(
            "LINKEDIN_PRIVACY_KEYRING must be `os` or `none`",
            Some("`none` never touches the OS keyring".to_string()),
        )),
    }
}

/// What the terminal is: which streams are one, their widths, whether colour is wanted.
pub fn tty(env: &Env) -> Tty {
    let stdout = std::io::stdout().is_terminal();
    let stderr = std::io::stderr().is_terminal();
    // COLUMNS wins; a terminal that reports no width (0 columns) is taken as 80; off a terminal
    // prose is not wrapped.
    let columns = env
        .columns
        .as_deref()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .map(|c| c.max(20));
    let width = |is_tty: bool, fd: i32| {
        columns.or_else(|| {
            is_tty
                .then(|| crate::output::terminal_width(fd).unwrap_or(crate::output::DEFAULT_WIDTH))
        })
    };
    Tty {
        stdout,
        stderr,
        no_color: env.no_color,
        ascii: env.ascii,
        stdout_width: width(stdout, 1),
        stderr_width: width(stderr, 2),
    }
}

/// The system's clock and randomness, or the fixed ones `LINKEDIN_PRIVACY_NOW` and
/// `LINKEDIN_PRIVACY_SEED` ask for.
fn time_from(env: &Env) -> Result<Time> {
    let mut time = Time::system();
    if let Some(now) = &env.now {
        let clock = FixedClock::parse(now).ok_or_else(|| {
            Error::usage(
                "LINKEDIN_PRIVACY_NOW is not an RFC 3339 time",
                Some("e.g. LINKEDIN_PRIVACY_NOW=2026-11-29T08:00:00Z".to_string()),
            )
        })?;
        time.clock = std::sync::Arc::new(clock);
    } else {
        time.clock = std::sync::Arc::new(SystemClock);
    }
    if let Some(seed) = &env.seed {
        let seed = seed
            .trim()
            .parse::<u64>()
            .map_err(|_| Error::usage("LINKEDIN_PRIVACY_SEED must be a whole number", None))?;
        time.random = std::sync::Arc::new(SeededRandom::new(seed));
    } else {
        time.random = std::sync::Arc::new(OsRandom);
    }
    Ok(time)
}

/// Where the history goes: `--no-history` > `--history FILE` > `LINKEDIN_PRIVACY_HISTORY` > the
/// data directory (against LinkedIn only). `--sandbox` runs never touch the user's own history:
/// only `--history FILE` gives them one.
fn history_place(flags: &Flags, env: &Env, target: &Target) -> HistoryPlace {
    if flags.no_history {
        return HistoryPlace::Off("--no-history was given");
    }
    if let Some(path) = &flags.history {
        return HistoryPlace::File(path.clone());
    }
    if flags.sandbox.is_some() {
        return HistoryPlace::Off("--sandbox runs keep a history only with --history FILE");
    }
    let linkedin = target.origin() == Some(&Origin::linkedin());
    match env.history.as_deref() {
        Some(v) if v.eq_ignore_ascii_case("none") => {
            HistoryPlace::Off("LINKEDIN_PRIVACY_HISTORY is `none`")
        }
        Some(path) => HistoryPlace::File(PathBuf::from(path)),
        None if !linkedin => HistoryPlace::Off(
            "runs against another origin keep a history only with --history FILE or LINKEDIN_PRIVACY_HISTORY",
        ),
        None => {
            let data = env
                .xdg_data_home
                .clone()
                .filter(|d| d.is_absolute())
                .or_else(|| env.home.as_ref().map(|h| h.join(".local/share")));
            match data {
                Some(dir) => {
                    HistoryPlace::File(dir.join("linkedin-privacy").join(crate::history::FILE_NAME))
                }
                None => HistoryPlace::Off("neither XDG_DATA_HOME nor HOME is set"),
            }
        }
    }
}

/// The output alone, for reporting an error before the settings are resolved.
pub fn early_output(flags: &Flags, env: &Env) -> crate::output::Output {
    crate::output::Output::new(
        flags
            .format
            .or(flags.config.format)
            .unwrap_or(Format::Table),
        color(flags, env),
        tty(env),
    )
    .with_quiet(flags.quiet)
}

impl Settings {
    /// The global flags a scheduled run (`watch run`) is started with again, and gives the
    /// audit it runs: the target, the profile, the store, the history, the catalog and the
    /// network's limits. None is secret.
    pub fn relaunch_args(&self) -> Vec<String> {
        let s = self;
        let mut args = Vec::new();
        match &s.target {
            Target::Sandbox { account } => args.push(format!("--sandbox={account}")),
            Target::Remote(origin) if *origin != crate::linkedin::Origin::linkedin() => {
                args.extend(["--base-url".to_string(), origin.as_str().to_string()]);
            }
            Target::Remote(_) => {}
        }
        if s.profile != crate::sessions::DEFAULT_PROFILE {
            args.extend(["--profile".to_string(), s.profile.clone()]);
        }
        if s.insecure_storage {
            args.push("--insecure-storage".to_string());
        }
        if let Some(c) = &s.catalog_path {
            args.extend(["--catalog".to_string(), absolute_path(c)]);
        }
        match &s.history {
            HistoryPlace::File(p) => args.extend(["--history".to_string(), absolute_path(p)]),
            HistoryPlace::Off(_) if !matches!(s.target, Target::Sandbox { .. }) => {
                args.push("--no-history".to_string());
            }
            HistoryPlace::Off(_) => {}
        }
        if s.retries != 3 {
            args.extend(["--retries".to_string(), s.retries.to_string()]);
        }
        if s.timeout != std::time::Duration::from_secs(30) {
            args.extend(["--timeout".to_string(), s.timeout.as_secs_f64().to_string()]);
        }
        args
    }
}

fn absolute_path(p: &std::path::Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}
