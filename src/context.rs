//! Resolved settings: the raw flags and environment turned into what commands use (an output,
//! a catalog, a target and a way to get a session). Commands get a [`Context`]; the client, the
//! catalog and the stores never see clap types.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::cli::GlobalArgs;
use crate::client::{Client, Member, NetConfig, Origin};
use crate::error::{Error, Result};
use crate::output::{Format, Output};
use crate::sandbox::{AccountsFile, Sandbox, SandboxOptions};
use crate::secret::Secret;
use crate::session::{Identity, Session};
use crate::store::{self, FileStore, KeyringStore, Store};

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
    /// The user's private runtime folder, for short-lived private copies.
    pub xdg_runtime_dir: Option<PathBuf>,
    /// `TMPDIR` or the system's temporary folder.
    pub tmpdir: PathBuf,
    /// Text variables that were set but are not valid UTF-8: an error, never silently ignored.
    pub not_unicode: Vec<&'static str>,
}

impl Env {
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
            home: path("HOME"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            xdg_runtime_dir: path("XDG_RUNTIME_DIR"),
            tmpdir: std::env::temp_dir(),
            not_unicode,
        }
    }
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
    pub target: Target,
    /// The stored session to use (`--profile`, `LINKEDIN_PRIVACY_PROFILE`, `default`).
    pub profile: String,
    insecure_storage: bool,
    catalog_path: Option<PathBuf>,
    timeout: Duration,
    retries: u32,
    env: Env,
}

/// A client with a session, ready to make calls. Owns the sandbox when there is one, so it
/// lives exactly as long as the command needs it.
pub struct Connection {
    pub client: Client,
    pub session: Session,
    pub identity: Identity,
    _sandbox: Option<Sandbox>,
}

impl Connection {
    pub fn member(&self) -> Member<'_> {
        self.client.member(&self.session)
    }
}

impl Context {
    pub fn new(args: &GlobalArgs, env: Env) -> Result<Context> {
        let format = if args.json { Format::Json } else { args.format };
        let out = Output::new(format, args.color);
        if let Some(name) = env.not_unicode.first() {
            return Err(Error::usage(
                format!("the environment variable {name} is not valid UTF-8"),
                Some(format!("set {name} to plain text, or unset it")),
            ));
        }
        if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
            return Err(Error::usage(
                format!("--timeout {} is out of range", args.timeout),
                Some("give seconds between 0 and 3600, e.g. --timeout 10".to_string()),
            ));
        }
        let target = match (&args.sandbox, &args.base_url) {
            (Some(account), _) => {
                let accounts = AccountsFile::builtin();
                if accounts.get(account).is_none() {
                    let ids: Vec<&str> = accounts.accounts.iter().map(|a| a.id.as_str()).collect();
                    return Err(Error::usage(
                        format!("the sandbox has no account {account:?}"),
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
        let profile = args
            .profile
            .clone()
            .or_else(|| env.profile.clone())
            .unwrap_or_else(|| store::DEFAULT_PROFILE.to_string());
        store::check_profile(&profile)?;
        Ok(Context {
            out,
            target,
            profile,
            insecure_storage: args.insecure_storage,
            catalog_path: args.catalog.clone().or_else(|| env.catalog.clone()),
            timeout: Duration::from_secs_f64(args.timeout),
            retries: args.retries,
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

    pub fn net(&self, origin: Origin) -> NetConfig {
        NetConfig {
            timeout: self.timeout,
            retries: self.retries,
            ..NetConfig::new(origin)
        }
    }

    /// A client for the target, without a session (the password login, the public form).
    pub fn client(&self) -> Result<(Client, Option<Sandbox>)> {
        match &self.target {
            Target::Sandbox { .. } => {
                let sandbox = Sandbox::start_builtin(SandboxOptions::default())?;
                let client = Client::new(self.net(Origin::parse(&sandbox.base_url())?))?;
                Ok((client, Some(sandbox)))
            }
            Target::Remote(origin) => Ok((Client::new(self.net(origin.clone()))?, None)),
        }
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

    /// The origin requests go to, when it is not a sandbox started for this command.
    pub fn remote_origin(&self) -> Option<&Origin> {
        match &self.target {
            Target::Remote(o) => Some(o),
            Target::Sandbox { .. } => None,
        }
    }

    pub fn home(&self) -> Option<&std::path::Path> {
        self.env.home.as_deref()
    }

    /// The directory the index and the `--insecure-storage` file live in.
    pub fn config_dir(&self) -> Result<PathBuf> {
        store::config_dir(
            self.env.xdg_config_home.as_deref(),
            self.env.home.as_deref(),
        )
    }

    /// The store sessions are read from and written to: the OS keyring, or the 0600 file with
    /// `--insecure-storage` (with a warning every time).
    pub fn store(&self) -> Result<Store> {
        let dir = self.config_dir()?;
        if self.insecure_storage {
            let file = FileStore::new(&dir);
            self.out.warn(&format!(
                "sessions are kept in a plain file, {} (--insecure-storage)",
                file.path.display()
            ));
            Ok(Store::File(file))
        } else {
            Ok(Store::Keyring(KeyringStore::system(&dir)))
        }
    }

    /// Where a stored session would come from, without reading it: for messages.
    pub fn session_source(&self) -> &'static str {
        match (&self.target, &self.env.li_at, self.insecure_storage) {
            (Target::Sandbox { .. }, ..) => "sandbox",
            (_, Some(_), _) => "env",
            (_, None, true) => "file",
            (_, None, false) => "keyring",
        }
    }

    /// The environment's session, which wins over every store and is never written anywhere.
    pub fn env_session(&self) -> Result<Option<Session>> {
        self.env
            .li_at
            .as_ref()
            .map(|li_at| Session::new(li_at.clone(), self.env.jsessionid.as_deref()))
            .transpose()
    }

    /// A client and the session to act with: the sandbox account's, the environment's, or the
    /// stored profile's.
    pub fn connect(&self) -> Result<Connection> {
        let (client, sandbox) = self.client()?;
        let (session, identity) = match (&self.target, &sandbox) {
            (Target::Sandbox { account }, Some(sandbox)) => {
                let (token, identity) = sandbox
                    .account(account)
                    .ok_or_else(|| Error::usage(format!("no sandbox account {account:?}"), None))?;
                (Session::new(Secret::new(token), None)?, identity)
            }
            _ => match self.env_session()? {
                Some(session) => (session, Identity::default()),
                None => self.stored_session()?,
            },
        };
        Ok(Connection {
            client,
            session,
            identity,
            _sandbox: sandbox,
        })
    }

    fn stored_session(&self) -> Result<(Session, Identity)> {
        let store = self.store()?;
        let Some(stored) = store.load(&self.profile)? else {
            let mut detail = format!(
                "no session stored for profile {:?} in {}",
                self.profile,
                store.location()
            );
            if !self.insecure_storage
                && let Ok(dir) = self.config_dir()
                && let Ok(Some(_)) = Store::File(FileStore::new(&dir)).load(&self.profile)
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
                profile: self.profile.clone(),
                stored: crate::text::clean_line(&stored.origin, 100),
                target: target.as_str().to_string(),
            });
        }
        let identity = Identity {
            profile: Some(self.profile.clone()),
            name: Some(crate::text::clean_line(&stored.name, 100)),
            public_id: stored.public_id,
        };
        Ok((
            Session::new(stored.li_at, stored.jsessionid.as_deref())?,
            identity,
        ))
    }
}
