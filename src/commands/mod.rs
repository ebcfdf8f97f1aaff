//! One module per subcommand: each holds its clap `Args` and a `run(ctx, args)`. No command
//! module uses another; what they share is the run's [`Ctx`] (the resolved settings, the output,
//! the connector) and the layers below (the report, the output). Exit codes are chosen here
//! ([`exit`]), at the edge.

pub mod audit;
pub mod catalog;
pub mod completions;
pub mod drift;
pub mod exit;
pub mod history;
pub mod login;
pub mod logout;
pub mod man;
pub mod objection;
pub mod opt_out;
pub mod record;
pub mod sandbox;
pub mod status;
pub mod summary;
pub mod watch;

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::clock::Time;
use crate::connect::{Connector, Notice, Plan};
use crate::error::{Error, Result};
use crate::linkedin::Member;
use crate::output::Output;
use crate::report::Identity;
use crate::settings::{HistoryPlace, Settings};

/// What every command is handed: the settings as resolved, the output, and the connector (the
/// only way to the outside world).
pub struct Ctx {
    pub settings: Settings,
    pub out: Output,
    pub connector: Connector,
    /// The clock and randomness of the run (the settings' own).
    pub time: Time,
}

impl Ctx {
    pub fn new(settings: Settings) -> Ctx {
        let out = Output::new(settings.format(), settings.color, settings.tty)
            .with_quiet(settings.quiet)
            .with_long(settings.wide)
            .with_words(settings.words.clone());
        let talk = crate::output::talk::Talk::new(out.clone(), settings.verbose);
        let plan = Plan {
            target: settings.target.clone(),
            timeout: settings.timeout,
            retries: settings.retries,
            proxy: settings.env.proxy.clone(),
            ssl_cert_file: settings.env.ssl_cert_file.clone(),
            profile: settings.profile.clone(),
            insecure_storage: settings.insecure_storage,
            keyring: settings.keyring,
            xdg_config_home: settings.env.xdg_config_home.clone(),
            home: settings.env.home.clone(),
            env_li_at: settings.env.li_at.clone(),
            env_jsessionid: settings.env.jsessionid.clone(),
            time: settings.time.clone(),
        };
        let told = out.clone();
        let connector = Connector::new(plan, vec![Arc::new(talk)], move |notice| {
            told.notice(&notice)
        });
        Ctx {
            time: settings.time.clone(),
            settings,
            out,
            connector,
        }
    }

    pub fn catalog(&self) -> Result<Catalog> {
        match &self.settings.catalog_path {
            Some(path) => Catalog::load(path),
            None => Ok(Catalog::builtin()),
        }
    }

    pub fn has_custom_catalog(&self) -> bool {
        self.settings.catalog_path.is_some()
    }

    /// Whether this run keeps a history.
    pub fn has_history(&self) -> bool {
        matches!(self.settings.history, HistoryPlace::File(_))
    }

    /// The history to record this run in, opened; `None` when there is none, or when it cannot
    /// be used (a warning says why: the run goes on and exits as it would without it).
    pub fn open_history(&self) -> Option<crate::history::History> {
        let HistoryPlace::File(path) = &self.settings.history else {
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

    /// A history problem, as a warning: the run goes on without it.
    pub fn warn_history(&self, e: &Error) {
        let hint = e
            .hint()
            .map(|h| format!(" ({})", self.out.words.hint(&h)))
            .unwrap_or_default();
        self.out
            .warn(&format!("{e}; this run is not recorded{hint}"));
    }

    /// With a history, the member's key: the session's identity has it, or one `/me` call
    /// learns it.
    pub fn identify(&self, member: &Member<'_>, identity: &mut Identity) -> Result<()> {
        self.connector
            .identify(member, identity, self.has_history())
    }

    /// Says that the results come from the sandbox, so nobody mistakes them for their own.
    pub fn announce_sandbox(&self, client: &crate::linkedin::Client, many: bool) {
        if let Some(account) = self.connector.sandbox_account()
            && !self.out.is_machine()
        {
            let whose = if many {
                String::new()
            } else {
                format!(" as {account:?}")
            };
            self.out.quiet_note(&format!(
                "sandbox: a fake LinkedIn at {}{whose}; no real account",
                client.origin().as_str()
            ));
        }
    }
}

impl Output {
    /// A connector's notice, in words, once per run.
    pub fn notice(&self, notice: &Notice) {
        match notice {
            Notice::PlainFileStore { path } => self.warn_once(&format!(
                "sessions are kept in a plain file, {} (--insecure-storage, or insecure_storage in config.toml)",
                path.display()
            )),
            Notice::ReadingPlainFile { path } => self.warn_once(&format!(
                "reading sessions kept in a plain file, {}",
                path.display()
            )),
            Notice::Unidentified(e) => self.warn(&format!(
                "cannot tell whose account this is ({e}); this run is not recorded in the history"
            )),
        }
    }
}

/// The `--group` values, from the catalog's one [`crate::catalog::Group`] type.
pub fn group_values() -> impl clap::builder::TypedValueParser<Value = crate::catalog::Group> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(
        crate::catalog::Group::ALL
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .map(|name| crate::catalog::Group::from_name(&name).expect("a listed group"))
}
