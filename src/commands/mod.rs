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
            keyring_only: settings.keyring_only,
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
            Notice::SessionFromPlainFile {
                profile,
                path,
                keyring_error: None,
            } => self.note(&format!(
                "profile {profile:?}: its session is read from the plain sessions file {}, where --insecure-storage kept it (the keyring has none)",
                path.display()
            )),
            // A keyring that could not be read may hold a newer session: said, whatever --quiet.
            Notice::SessionFromPlainFile {
                profile,
                path,
                keyring_error: Some(why),
            } => self.warn(&format!(
                "profile {profile:?}: the keyring could not be read ({}), so its session is read from the plain sessions file {}, where --insecure-storage kept it",
                crate::text::clean_line(why, 200),
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

/// Two or three command lines for a command (`None`: the tool), each with what it does: the
/// examples of its `--help` and of its manual page.
pub fn examples(command: Option<&str>) -> &'static [(&'static str, &'static str)] {
    match command {
        None => &[
            (
                "linkedin-privacy --sandbox audit",
                "audit the built-in fake LinkedIn's demo account",
            ),
            (
                "linkedin-privacy login",
                "sign in once, with the li_at cookie at a hidden prompt",
            ),
            ("linkedin-privacy audit", "audit your account"),
        ],
        Some("audit") => &[
            (
                "linkedin-privacy audit",
                "every setting of the catalog, and a verdict",
            ),
            (
                "linkedin-privacy audit --json",
                "the same as JSON, for scripts",
            ),
            (
                "linkedin-privacy audit --report my-report.json",
                "a report to send to an advocate",
            ),
        ],
        Some("opt-out") => &[
            (
                "linkedin-privacy opt-out",
                "turn off the generative-AI training switch, and read it back",
            ),
            (
                "linkedin-privacy opt-out --all --dry-run",
                "show every write it would make",
            ),
        ],
        Some("objection") => &[
            (
                "linkedin-privacy objection --open",
                "pre-fill the objection form and open it",
            ),
            (
                "linkedin-privacy objection --mark-sent 2026-12-01",
                "record the day you sent it",
            ),
        ],
        Some("history") => &[
            (
                "linkedin-privacy history",
                "each setting's timeline and each objection",
            ),
            (
                "linkedin-privacy history --export evidence.json",
                "every record, with its hash chain",
            ),
        ],
        Some("summary") => &[(
            "linkedin-privacy summary reports/ --html summary.html",
            "members' reports gathered into counts, and a page",
        )],
        Some("login") => &[
            (
                "linkedin-privacy login",
                "the li_at cookie at a hidden prompt",
            ),
            (
                "linkedin-privacy login --from-browser firefox",
                "the session of your own Firefox",
            ),
        ],
        Some("watch") => &[
            (
                "linkedin-privacy watch install --every 1d --desktop",
                "a daily check with desktop notices",
            ),
            (
                "linkedin-privacy watch status",
                "the next and last run, and each channel",
            ),
        ],
        Some("drift") => &[
            (
                "linkedin-privacy drift today/",
                "a recording (record --out today/) against the built-in fixtures",
            ),
            (
                "linkedin-privacy drift --live",
                "record now, and compare with the built-in fixtures",
            ),
            (
                "linkedin-privacy drift --self-check fixtures/",
                "the fixtures parse, and the sandbox serves them",
            ),
        ],
        Some("record") => &[(
            "linkedin-privacy record --out today/",
            "LinkedIn's replies, redacted",
        )],
        Some("sandbox") => &[(
            "linkedin-privacy sandbox --port 8080",
            "the fake LinkedIn, in the foreground",
        )],
        Some("man") => &[(
            "linkedin-privacy man --out ~/.local/share/man/man1",
            "install every page",
        )],
        Some("status") => &[
            (
                "linkedin-privacy status",
                "every stored session, and whether LinkedIn still accepts it",
            ),
            (
                "linkedin-privacy status --offline",
                "the list only, without a request",
            ),
        ],
        Some("logout") => &[
            (
                "linkedin-privacy logout",
                "forget the default profile's session",
            ),
            (
                "linkedin-privacy logout --all",
                "forget every stored session",
            ),
        ],
        Some("catalog") => &[
            (
                "linkedin-privacy catalog",
                "every setting the tool knows, and what it means",
            ),
            ("linkedin-privacy catalog --json", "the same as JSON"),
        ],
        Some("completions") => &[(
            "linkedin-privacy completions bash",
            "the bash completion script",
        )],
        Some(_) => &[],
    }
}
