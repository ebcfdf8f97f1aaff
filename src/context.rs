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

/// The environment variables the tool reads, read once.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub base_url: Option<String>,
    pub catalog: Option<PathBuf>,
    pub li_at: Option<Secret>,
    pub jsessionid: Option<String>,
}

impl Env {
    pub fn from_process() -> Env {
        let text = |name: &str| {
            std::env::var_os(name)
                .and_then(|v: OsString| v.into_string().ok())
                .filter(|v| !v.is_empty())
        };
        Env {
            base_url: text("LINKEDIN_PRIVACY_BASE_URL"),
            catalog: text("LINKEDIN_PRIVACY_CATALOG").map(PathBuf::from),
            li_at: text("LINKEDIN_LI_AT").map(Secret::new),
            jsessionid: text("LINKEDIN_JSESSIONID"),
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
        Ok(Context {
            out,
            target,
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

    /// A client and the session to act with: the sandbox account's, or the one from the
    /// environment.
    pub fn connect(&self) -> Result<Connection> {
        let (client, sandbox) = self.client()?;
        let (session, identity) = match (&self.target, &sandbox) {
            (Target::Sandbox { account }, Some(sandbox)) => {
                let (token, identity) = sandbox
                    .account(account)
                    .ok_or_else(|| Error::usage(format!("no sandbox account {account:?}"), None))?;
                (Session::new(Secret::new(token), None)?, identity)
            }
            _ => match &self.env.li_at {
                Some(li_at) => (
                    Session::new(li_at.clone(), self.env.jsessionid.as_deref())?,
                    Identity::default(),
                ),
                None => {
                    return Err(Error::NotSignedIn {
                        detail: "no session: LINKEDIN_LI_AT is not set".to_string(),
                    });
                }
            },
        };
        Ok(Connection {
            client,
            session,
            identity,
            _sandbox: sandbox,
        })
    }
}
