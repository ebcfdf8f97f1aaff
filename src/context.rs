//! Resolved settings: the raw flags (already out of clap's types) and the environment, read once,
//! turned into what commands use: an output, a catalog, a target, the clock, and a way to get a
//! session. Commands get a [`Context`]; the client, the catalog and the stores never see flags.
//! Every environment variable the tool reads is read here, in [`Env::from_process`].

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::Catalog;
use crate::clock::{FixedClock, OsRandom, SeededRandom, SystemClock, Time};
use crate::error::{Error, Result};
use crate::linkedin::{Client, Member, NetConfig, Origin, Session};
use crate::output::{ColorChoice, Format, Output, Tty, Words};
use crate::report::Identity;
use crate::sandbox::{AccountsFile, Sandbox, SandboxOptions};
use crate::secret::Secret;
use crate::sessions::{self, FileStore, KeyringStore, KeyringUse, SessionSource, Store};

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
    /// `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, `all_proxy`/`ALL_PROXY`,
    /// `no_proxy`/`NO_PROXY` (the lower-case name first, as curl reads them).
    pub https_proxy: Option<String>,
    pub http_proxy: Option<String>,
    pub all_proxy: Option<String>,
    pub no_proxy: Option<String>,
    /// `SSL_CERT_FILE`: a PEM bundle trusted besides the built-in roots.
    pub ssl_cert_file: Option<PathBuf>,
    /// `COLUMNS`: the width to lay output out for, whatever the terminal says.
    pub columns: Option<String>,
    /// `BROWSER`, for `objection --open`.
    pub browser: Option<String>,
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
            https_proxy: text("https_proxy").or_else(|| text("HTTPS_PROXY")),
            http_proxy: text("http_proxy").or_else(|| text("HTTP_PROXY")),
            all_proxy: text("all_proxy").or_else(|| text("ALL_PROXY")),
            no_proxy: text("no_proxy").or_else(|| text("NO_PROXY")),
            ssl_cert_file: path("SSL_CERT_FILE"),
            browser: std::env::var("BROWSER")
                .ok()
                .filter(|b| !b.trim().is_empty()),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                || std::env::var("TERM").is_ok_and(|t| t == "dumb"),
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

/// Where requests go.
#[derive(Clone, Debug)]
pub enum Target {
    /// A sandbox started for this command, acting as one of its accounts.
    Sandbox { account: String },
    /// LinkedIn, or whatever `--base-url` names.
    Remote(Origin),
}

pub struct Context {
    pub out: Output,
    /// Whether `--format` (or `--json`) was given on the command line.
    pub format_given: bool,
    /// Whether the config file names a default format (used where no flag says otherwise and
    /// the command has that format).
    pub format_configured: bool,
    pub target: Target,
    /// The stored session to use (`--profile`, `LINKEDIN_PRIVACY_PROFILE`, `default`).
    pub profile: String,
    /// Whether `--profile` was given on the command line (`history` then shows that profile's
    /// records only; `LINKEDIN_PRIVACY_PROFILE` in a shell's setup does not filter).
    pub profile_given: bool,
    /// Where the history is kept, if anywhere.
    pub history: HistoryPlace,
    pub time: Time,
    insecure_storage: bool,
    catalog_path: Option<PathBuf>,
    timeout: Duration,
    retries: u32,
    verbose: bool,
    keyring: KeyringUse,
    env: Env,
}

/// A client with a session, ready to make calls. Owns the sandbox when there is one, so it
/// lives exactly as long as the command needs it.
pub struct Connection {
    pub client: Client,
    pub session: Session,
    pub identity: Identity,
    pub source: SessionSource,
    _sandbox: Option<Sandbox>,
}

impl Connection {
    pub fn member(&self) -> Member<'_> {
        self.client.member(&self.session)
    }
}

impl Context {
    /// The output alone, for reporting an error before the settings are resolved.
    pub fn early_output(flags: &Flags, env: &Env) -> Output {
        // Flags, then the environment (NO_COLOR beats a config file's `color = "always"`),
        // then the config file.
        let color = match (flags.color, flags.config.color) {
            (Some(c), _) => c,
            (None, Some(ColorChoice::Always)) if env.no_color => ColorChoice::Auto,
            (None, Some(c)) => c,
            (None, None) => ColorChoice::Auto,
        };
        Output::new(
            flags
                .format
                .or(flags.config.format)
                .unwrap_or(Format::Table),
            color,
            tty(env),
        )
        .with_quiet(flags.quiet)
    }

    pub fn new(flags: &Flags, env: Env) -> Result<Context> {
        let out = Context::early_output(flags, &env);
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
                Some("give seconds between 0 and 3600, e.g. --timeout 10".to_string()),
            ));
        }
        let target = match (&flags.sandbox, &flags.base_url) {
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
        };
        let profile = flags
            .profile
            .clone()
            .or_else(|| env.profile.clone())
            .or_else(|| flags.config.profile.clone())
            .unwrap_or_else(|| sessions::DEFAULT_PROFILE.to_string());
        sessions::check_profile(&profile)?;
        let keyring = match env
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
                KeyringUse::Os(limit)
            }
            Some("none") => KeyringUse::Off,
            Some(_) => {
                return Err(Error::usage(
                    "LINKEDIN_PRIVACY_KEYRING must be `os` or `none`",
                    Some("`none` never touches the OS keyring".to_string()),
                ));
            }
        };
        let time = time_from(&env)?;
        // Suggested command lines repeat the flags that chose the target.
        // Every value is quoted for a shell and cleaned for a terminal.
        let word = |v: &str| crate::text::shell_word(&crate::text::clean_line(v, 200)).into_owned();
        let mut words = Vec::new();
        match (&target, &flags.base_url) {
            (Target::Sandbox { account }, _) => words.push(format!("--sandbox={}", word(account))),
            (Target::Remote(origin), Some(_)) => {
                words.push(format!("--base-url {}", word(origin.as_str())))
            }
            _ => {}
        }
        if profile != sessions::DEFAULT_PROFILE {
            words.push(format!("--profile {}", word(&profile)));
        }
        if flags.insecure_storage {
            words.push("--insecure-storage".to_string());
        }
        if let Some(path) = &flags.history {
            words.push(format!("--history {}", word(&path.display().to_string())));
        }
        let history = history_place(flags, &env, &target);
        Ok(Context {
            profile_given: flags.profile.is_some(),
            history,
            out: out.with_words(Words::with_flags(&words).in_sandbox(match &target {
                Target::Sandbox { account } => Some(crate::text::clean_line(account, 200)),
                Target::Remote(_) => None,
            })),
            format_given: flags.format.is_some(),
            format_configured: flags.config.format.is_some(),
            target,
            profile,
            time,
            insecure_storage: flags.insecure_storage
                || (flags.config.insecure_storage && !flags.no_insecure_storage),
            catalog_path: flags
                .catalog
                .clone()
                .or_else(|| env.catalog.clone())
                .or_else(|| flags.config.catalog.clone()),
            timeout: Duration::from_secs_f64(timeout),
            retries: flags.retries,
            verbose: flags.verbose,
            keyring,
            env,
        })
    }

    pub fn catalog(&self) -> Result<Catalog> {
        match &self.catalog_path {
            Some(path) => Catalog::load(path),
            None => Ok(Catalog::builtin()),
        }
    }

    pub fn has_custom_catalog(&self) -> bool {
        self.catalog_path.is_some()
    }

    /// The network settings for one origin: the proxy it goes through (never for loopback),
    /// and the certificates `SSL_CERT_FILE` adds.
    pub fn net(&self, origin: Origin) -> Result<NetConfig> {
        Ok(NetConfig {
            timeout: self.timeout,
            retries: self.retries,
            proxy: proxy_for(&self.env, &origin)?,
            // Plain http (loopback only) has no certificate to trust.
            extra_roots: if origin.as_str().starts_with("https:") {
                self.extra_roots()?
            } else {
                Vec::new()
            },
            ..NetConfig::new(origin)
        })
    }

    /// The certificates in `SSL_CERT_FILE`, as DER; none when it is not set.
    fn extra_roots(&self) -> Result<Vec<Vec<u8>>> {
        use rustls::pki_types::pem::PemObject as _;
        let Some(path) = &self.env.ssl_cert_file else {
            return Ok(Vec::new());
        };
        let bad = |why: String| {
            Error::usage(
                format!("SSL_CERT_FILE {}: {why}", path.display()),
                Some(
                    "point SSL_CERT_FILE at a PEM file of CA certificates, or unset it".to_string(),
                ),
            )
        };
        // A pipe or a device would never end: only a regular file, of a bundle's size.
        let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
        if !meta.is_file() {
            return Err(bad("it is not a regular file".to_string()));
        }
        if meta.len() > 16 * 1024 * 1024 {
            return Err(bad("it is larger than 16 MiB".to_string()));
        }
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&bytes)
            .map(|c| c.map(|c| c.to_vec()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("it is not a PEM file ({e})")))?;
        if certs.is_empty() {
            return Err(bad("it holds no PEM certificate".to_string()));
        }
        // Each one must be a certificate a root store takes: said here, by name, not later as
        // a network failure.
        let mut store = rustls::RootCertStore::empty();
        for (i, der) in certs.iter().enumerate() {
            store
                .add(rustls::pki_types::CertificateDer::from(der.as_slice()))
                .map_err(|e| bad(format!("certificate {} cannot be used ({e})", i + 1)))?;
        }
        Ok(certs)
    }

    /// A client for the target, without a session (the password login, the public form).
    pub fn client(&self) -> Result<(Client, Option<Sandbox>)> {
        self.client_with(|_| {})
    }

    /// A client for the target, its network settings adjusted (a bulk run's pause between
    /// requests), and the sandbox when there is one.
    pub fn client_with(
        &self,
        adjust: impl FnOnce(&mut NetConfig),
    ) -> Result<(Client, Option<Sandbox>)> {
        let (origin, sandbox) = match &self.target {
            Target::Sandbox { .. } => {
                let sandbox = Sandbox::start_builtin(SandboxOptions::default())?;
                (Origin::parse(&sandbox.base_url())?, Some(sandbox))
            }
            Target::Remote(origin) => (origin.clone(), None),
        };
        let mut cfg = self.net(origin)?;
        adjust(&mut cfg);
        let talk = crate::output::talk::Talk::new(self.out.clone(), self.verbose);
        let client = Client::new(cfg, self.time.clone())?.observe(std::sync::Arc::new(talk));
        Ok((client, sandbox))
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

    /// What the history calls the place the account lives: `linkedin`, `sandbox`, or the origin.
    pub fn site(&self) -> String {
        match &self.target {
            Target::Sandbox { .. } => "sandbox".to_string(),
            Target::Remote(o) if *o == Origin::linkedin() => "linkedin".to_string(),
            Target::Remote(o) => o.as_str().to_string(),
        }
    }

    /// The history to record this run in, opened; `None` when there is none, or when it cannot
    /// be used (a warning says why: the run goes on and exits as it would without it).
    pub fn open_history(&self) -> Option<crate::history::History> {
        let HistoryPlace::File(path) = &self.history else {
            return None;
        };
        match crate::history::History::open(path) {
            Ok(h) => {
                if let Some(why) = &h.exposure {
                    self.out.warn_once(why);
                }
                Some(h)
            }
            Err(e) => {
                self.warn_history(&e);
                None
            }
        }
    }

    /// With a history, the member's key: the session's identity has it, or one `/me` call
    /// learns it. `Err` only for what ends the run anyway (the session, the throttle, the
    /// network); any other failure is a warning, and the run is not recorded.
    pub fn identify(&self, member: &Member<'_>, identity: &mut Identity) -> Result<()> {
        if matches!(self.history, HistoryPlace::Off(_)) || identity.member_key().is_some() {
            return Ok(());
        }
        match member.me() {
            Ok(me) => identity.learn(me.name, me.public_id, me.member_urn),
            Err(e) if e.is_fatal_for_account() => return Err(e),
            Err(e) => self.out.warn(&format!(
                "cannot tell whose account this is ({e}); this run is not recorded in the history"
            )),
        }
        Ok(())
    }

    /// A history problem, as a warning: the run goes on without it.
    pub fn warn_history(&self, e: &Error) {
        let hint = e
            .hint()
            .map(|h| format!(" ({})", self.out.words.hint(&h)))
            .unwrap_or_default();
        self.out
            .warn(&format!("{e}; this run is not recorded{hint}"));
    }

    /// The origin requests go to, when it is not a sandbox started for this command.
    pub fn remote_origin(&self) -> Option<&Origin> {
        match &self.target {
            Target::Remote(o) => Some(o),
            Target::Sandbox { .. } => None,
        }
    }

    pub fn home(&self) -> Option<&Path> {
        self.env.home.as_deref()
    }

    /// `BROWSER`, when set.
    pub fn browser(&self) -> Option<&str> {
        self.env.browser.as_deref()
    }

    /// The directory the index and the `--insecure-storage` file live in.
    pub fn config_dir(&self) -> Result<PathBuf> {
        sessions::config_dir(
            self.env.xdg_config_home.as_deref(),
            self.env.home.as_deref(),
        )
    }

    /// The OS keyring, as this run may use it.
    pub fn keyring(&self) -> Result<KeyringStore> {
        Ok(KeyringStore::system(&self.config_dir()?, self.keyring))
    }

    /// The 0600 sessions file (whether or not `--insecure-storage` was given).
    pub fn session_file(&self) -> Result<FileStore> {
        Ok(FileStore::new(&self.config_dir()?))
    }

    /// The store sessions are read from and written to: the OS keyring, or the 0600 file with
    /// `--insecure-storage` (with a warning every time).
    pub fn store(&self) -> Result<Store> {
        if self.insecure_storage {
            let file = self.session_file()?;
            self.out.warn_once(&format!(
                "sessions are kept in a plain file, {} (--insecure-storage, or insecure_storage in config.toml)",
                file.path.display()
            ));
            Ok(Store::File(file))
        } else {
            Ok(Store::Keyring(self.keyring()?))
        }
    }

    /// Where a session would come from, without reading it.
    pub fn session_source(&self) -> SessionSource {
        match (&self.target, &self.env.li_at, self.insecure_storage) {
            (Target::Sandbox { .. }, ..) => SessionSource::Sandbox,
            (_, Some(_), _) => SessionSource::Environment,
            (_, None, true) => SessionSource::File,
            (_, None, false) => SessionSource::Keyring,
        }
    }

    /// The environment's session, which wins over every store and is never written anywhere.
    pub fn env_session(&self) -> Result<Option<Session>> {
        self.env
            .li_at
            .as_ref()
            .map(|li_at| {
                Session::new(
                    li_at.clone(),
                    self.env.jsessionid.as_deref(),
                    &*self.time.random,
                )
            })
            .transpose()
    }

    /// A session from a token the tool was handed (a sandbox account's, a cookie just read).
    pub fn session(&self, li_at: Secret, jsessionid: Option<&str>) -> Result<Session> {
        Session::new(li_at, jsessionid, &*self.time.random)
    }

    /// A client and the session to act with: the sandbox account's, the environment's, or the
    /// stored profile's.
    pub fn connect(&self) -> Result<Connection> {
        self.connect_observed(None)
    }

    /// Like [`Context::connect`], with an observer that sees every exchange (the recorder).
    pub fn connect_observed(
        &self,
        observer: Option<std::sync::Arc<dyn crate::linkedin::Observer>>,
    ) -> Result<Connection> {
        let (client, sandbox) = self.client()?;
        let client = match observer {
            Some(o) => client.observe(o),
            None => client,
        };
        let (session, identity, source) = match (&self.target, &sandbox) {
            (Target::Sandbox { account }, Some(sandbox)) => {
                let (token, identity) = sandbox
                    .account(account)
                    .ok_or_else(|| Error::usage(format!("no sandbox account {account:?}"), None))?;
                (
                    self.session(Secret::new(token), None)?,
                    identity,
                    SessionSource::Sandbox,
                )
            }
            _ => match self.env_session()? {
                Some(session) => (session, Identity::default(), SessionSource::Environment),
                None => {
                    let (session, identity) = self.stored_session(&self.profile)?;
                    (session, identity, self.session_source())
                }
            },
        };
        Ok(Connection {
            client,
            session,
            identity,
            source,
            _sandbox: sandbox,
        })
    }

    /// The stored session of `profile`, bound to the target's origin.
    pub fn stored_session(&self, profile: &str) -> Result<(Session, Identity)> {
        let store = self.store()?;
        let Some(stored) = store.load(profile)? else {
            let mut detail = format!(
                "no session stored for profile {:?} in {}",
                profile,
                store.location()
            );
            if !self.insecure_storage
                && let Ok(file) = self.session_file()
                && let Ok(Some(_)) = Store::File(file).load(profile)
            {
                detail.push_str("; the --insecure-storage file has one: add --insecure-storage");
            }
            return Err(Error::NotSignedIn { detail });
        };
        // A stored session only ever goes to the origin it was signed in at.
        if let Target::Remote(target) = &self.target
            && Origin::parse(&stored.origin).ok().as_ref() != Some(target)
        {
            return Err(Error::WrongOrigin {
                profile: profile.to_string(),
                stored: crate::text::clean_line(&stored.origin, 100),
                target: target.as_str().to_string(),
            });
        }
        let identity = Identity {
            label: None,
            profile: Some(profile.to_string()),
            name: Some(crate::text::clean_line(&stored.name, 100)),
            // Records from before identifiers were checked may hold anything.
            public_id: stored
                .public_id
                .as_deref()
                .and_then(crate::linkedin::endpoints::clean_public_id),
            member_urn: None,
        };
        Ok((
            self.session(stored.li_at, stored.jsessionid.as_deref())?,
            identity,
        ))
    }
}

fn tty(env: &Env) -> Tty {
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
    if let Target::Sandbox { .. } = target {
        return HistoryPlace::Off("--sandbox runs keep a history only with --history FILE");
    }
    let linkedin = matches!(target, Target::Remote(o) if *o == Origin::linkedin());
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

/// The proxy requests to `origin` go through: none for loopback or a host `NO_PROXY` names;
/// else `https_proxy` (or `http_proxy` for plain http), else `all_proxy`. A value without a
/// scheme is an http proxy, as curl takes it.
fn proxy_for(env: &Env, origin: &Origin) -> Result<Option<String>> {
    if origin.is_loopback() {
        return Ok(None);
    }
    let host = origin.host();
    let port = url::Url::parse(origin.as_str())
        .ok()
        .and_then(|u| u.port_or_known_default())
        .unwrap_or(443);
    if let Some(list) = &env.no_proxy
        && no_proxy_matches(list, &host, port)
    {
        return Ok(None);
    }
    let https = origin.as_str().starts_with("https:");
    let (name, value) = match (https, &env.https_proxy, &env.http_proxy, &env.all_proxy) {
        (true, Some(v), _, _) => ("HTTPS_PROXY", v),
        (false, _, Some(v), _) => ("HTTP_PROXY", v),
        (_, _, _, Some(v)) => ("ALL_PROXY", v),
        _ => return Ok(None),
    };
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let bad = |why: &str| {
        Error::usage(
            format!("{name} {why}"),
            Some(format!(
                "set {name} to an http:// or https:// proxy address, e.g. http://proxy.example:3128"
            )),
        )
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| bad("is not a proxy address"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(
            "names a kind of proxy this tool does not speak (http:// and https:// only)",
        ));
    }
    Ok(Some(with_scheme))
}

/// Whether `NO_PROXY` exempts a host and port: `*`, the host itself, or a domain it is in
/// (`.example.com`, `*.example.com` and `example.com` all cover `www.example.com`); an entry
/// with a port (`example.com:8443`) only for that port; IPv6 addresses bare or in brackets.
fn no_proxy_matches(list: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = if let Some(rest) = entry.strip_prefix('[') {
                // [2001:db8::1] or [2001:db8::1]:8443
                match rest.split_once(']') {
                    Some((addr, after)) => {
                        (addr, after.strip_prefix(':').and_then(|p| p.parse().ok()))
                    }
                    None => (rest, None),
                }
            } else if entry.matches(':').count() > 1 {
                // A bare IPv6 address: its colons are no port.
                (entry, None)
            } else {
                match entry.rsplit_once(':') {
                    Some((name, p)) => (name, p.parse::<u16>().ok()),
                    None => (entry, None),
                }
            };
            if entry_port.is_some_and(|p| p != port) {
                return false;
            }
            let name = name
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_end_matches('.')
                .to_ascii_lowercase();
            !name.is_empty() && (host == name || host.ends_with(&format!(".{name}")))
        })
}

#[cfg(test)]
mod proxy_tests {
    use super::*;

    #[test]
    fn no_proxy_forms() {
        for (list, host, expected) in [
            ("*", "www.linkedin.com", true),
            ("linkedin.com", "www.linkedin.com", true),
            (".linkedin.com", "www.linkedin.com", true),
            ("*.linkedin.com", "www.linkedin.com", true),
            (
                "example.com, www.linkedin.com:443",
                "www.linkedin.com",
                true,
            ),
            ("notlinkedin.com", "www.linkedin.com", false),
            ("in.com", "www.linkedin.com", false),
            ("", "www.linkedin.com", false),
            ("linkedin.com.", "www.linkedin.com", true),
            (
                "example.com:8443, linkedin.com:8443",
                "www.linkedin.com",
                false,
            ),
            ("linkedin.com:443", "www.linkedin.com", true),
            ("2001:db8::1", "[2001:db8::1]", true),
            ("[2001:db8::1]", "[2001:db8::1]", true),
            ("[2001:db8::1]:443", "[2001:db8::1]", true),
            ("2001:db8::2", "[2001:db8::1]", false),
        ] {
            assert_eq!(
                no_proxy_matches(list, host, 443),
                expected,
                "{list:?} {host}"
            );
        }
    }

    #[test]
    fn loopback_never_goes_through_a_proxy() {
        let env = Env {
            https_proxy: Some("http://proxy:3128".into()),
            http_proxy: Some("http://proxy:3128".into()),
            all_proxy: Some("http://proxy:3128".into()),
            ..Env::default()
        };
        let local = Origin::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(proxy_for(&env, &local).unwrap(), None);
        let linkedin = Origin::linkedin();
        assert_eq!(
            proxy_for(&env, &linkedin).unwrap().as_deref(),
            Some("http://proxy:3128")
        );
        let bare = Env {
            all_proxy: Some("proxy.corp:8080".into()),
            ..Env::default()
        };
        assert_eq!(
            proxy_for(&bare, &linkedin).unwrap().as_deref(),
            Some("http://proxy.corp:8080")
        );
        let socks = Env {
            all_proxy: Some("socks5://proxy:1080".into()),
            ..Env::default()
        };
        assert!(proxy_for(&socks, &linkedin).is_err());
        // NO_PROXY in any of its forms sends LinkedIn past the proxy.
        for exempt in [
            "linkedin.com",
            ".linkedin.com",
            "*",
            "example.org, www.linkedin.com",
        ] {
            let env = Env {
                no_proxy: Some(exempt.into()),
                ..env.clone()
            };
            assert_eq!(proxy_for(&env, &linkedin).unwrap(), None, "{exempt}");
        }
    }
}
