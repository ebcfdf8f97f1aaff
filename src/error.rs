//! The library's typed errors. Each one knows its stable `kind` (used in JSON output), its exit
//! code and a hint for the person at the terminal. Messages are one line and never carry a
//! session token: tokens only ever live inside [`crate::secret::Secret`].

use crate::exit::Exit;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },

    #[error("not signed in: {detail}")]
    NotSignedIn { detail: String },

    #[error("the LinkedIn session has expired or was signed out ({detail})")]
    SessionExpired { detail: String },

    #[error("LinkedIn wants a security check finished in a browser: {url}")]
    Challenge { url: String, hint: Option<String> },

    #[error(
        "LinkedIn's CSRF check failed (the JSESSIONID cookie and the csrf-token header differ)"
    )]
    Csrf,

    #[error("throttled by LinkedIn (HTTP 429) after {attempts} attempt(s){detail}")]
    Throttled { attempts: u32, detail: String },

    #[error(
        "LinkedIn refused automated access from this address (HTTP 999) after {attempts} attempt(s)"
    )]
    Blocked { attempts: u32 },

    #[error("no complete reply from {host} within {secs}s")]
    Timeout { host: String, secs: f64 },

    #[error("cannot reach {host}: {detail}")]
    Network { host: String, detail: String },

    #[error("expected JSON from {path} but got an HTML page (an interstitial or a changed page)")]
    Html { path: String },

    #[error("unexpected reply from {path}: {what}")]
    Drift { path: String, what: String },

    #[error("the reply from {path} is larger than the {limit_mib} MiB limit")]
    TooLarge { path: String, limit_mib: u64 },

    #[error("unexpected HTTP {status} from {path}")]
    Status { path: String, status: u16 },

    #[error("LinkedIn answered HTTP {status} from {path} after {attempts} attempt(s)")]
    Server {
        path: String,
        status: u16,
        attempts: u32,
    },

    #[error("{message}")]
    Store {
        message: String,
        hint: Option<String>,
    },

    #[error("{message}")]
    Login {
        message: String,
        hint: Option<String>,
    },

    #[error("{message}")]
    Unverified { message: String },

    #[error("profile {profile:?} was signed in at {stored}; its session is never sent to {target}")]
    WrongOrigin {
        profile: String,
        stored: String,
        target: String,
    },

    #[error("cannot write {what}: {detail}")]
    Io { what: String, detail: String },

    #[error("interrupted {detail}")]
    Interrupted { detail: String },
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The stable machine-readable name, as it appears in JSON `error.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage { .. } => "usage",
            Error::NotSignedIn { .. } => "not_signed_in",
            Error::SessionExpired { .. } => "session_expired",
            Error::Challenge { .. } => "challenge",
            Error::Csrf => "csrf",
            Error::Throttled { .. } => "throttled",
            Error::Blocked { .. } => "blocked",
            Error::Timeout { .. } => "timeout",
            Error::Network { .. } => "network",
            Error::Html { .. } => "html",
            Error::Drift { .. } => "drift",
            Error::TooLarge { .. } => "too_large",
            Error::Status { .. } => "http_status",
            Error::Server { .. } => "server_error",
            Error::Store { .. } => "store",
            Error::Login { .. } => "login",
            Error::Unverified { .. } => "unverified",
            Error::WrongOrigin { .. } => "wrong_origin",
            Error::Io { .. } => "io",
            Error::Interrupted { .. } => "interrupted",
        }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage { .. } => Exit::Usage,
            Error::NotSignedIn { .. }
            | Error::SessionExpired { .. }
            | Error::Challenge { .. }
            | Error::Csrf
            | Error::Store { .. }
            | Error::Login { .. }
            | Error::WrongOrigin { .. } => Exit::Session,
            Error::Io { .. } => Exit::Io,
            Error::Interrupted { .. } => Exit::Interrupted,
            Error::Throttled { .. } | Error::Blocked { .. } => Exit::Throttled,
            Error::Timeout { .. } | Error::Network { .. } => Exit::Network,
            Error::Html { .. }
            | Error::Drift { .. }
            | Error::TooLarge { .. }
            | Error::Status { .. }
            | Error::Server { .. }
            | Error::Unverified { .. } => Exit::Unknown,
        }
    }

    /// Errors about the session, the throttle or the network stop a whole run: every further
    /// request would fail the same way. The others concern one reply and make one setting
    /// `unknown`.
    pub fn is_fatal_for_account(&self) -> bool {
        matches!(self.exit(), Exit::Session | Exit::Throttled | Exit::Network)
    }

    pub fn hint(&self) -> Option<String> {
        let text = match self {
            Error::Usage { hint, .. } | Error::Store { hint, .. } | Error::Login { hint, .. } => {
                return hint.clone();
            }
            Error::Challenge {
                hint: Some(hint), ..
            } => return Some(hint.clone()),
            Error::NotSignedIn { .. } => {
                "run `linkedin-privacy login`, set LINKEDIN_LI_AT, or try the demo with `linkedin-privacy --sandbox audit`"
            }
            Error::SessionExpired { .. } => {
                "sign in to LinkedIn in a browser, then run `linkedin-privacy login` again with the new li_at cookie"
            }
            Error::Challenge { .. } => {
                "open that address in a browser, finish the check, then sign in again with `linkedin-privacy login`"
            }
            Error::Csrf => {
                "sign in again with `linkedin-privacy login`; if you pass JSESSIONID yourself, keep its value exactly as the browser shows it"
            }
            Error::Throttled { .. } => {
                "LinkedIn is rate-limiting this account: wait an hour or so before trying again"
            }
            Error::Blocked { .. } => {
                "LinkedIn blocks this network address for automated access; try again later from your usual connection"
            }
            Error::Timeout { .. } => {
                "check your connection, or allow more time with `--timeout SECS`"
            }
            Error::Network { .. } => "check your connection and the --base-url value",
            Error::Html { .. } | Error::Drift { .. } => {
                "LinkedIn may have changed this page; check the setting in a browser and see `linkedin-privacy --help` for --catalog"
            }
            Error::TooLarge { .. } | Error::Status { .. } | Error::Server { .. } => {
                "check the setting in a browser; try again later if this persists"
            }
            Error::Unverified { .. } => "check the setting in a browser at the address shown",
            Error::WrongOrigin {
                profile, target, ..
            } => {
                return Some(format!(
                    "unset LINKEDIN_PRIVACY_BASE_URL (or drop --base-url) to use it, or sign in at {target} with `linkedin-privacy --base-url {target} --profile {profile} login`"
                ));
            }
            Error::Io { .. } => "check the free space and the permissions where the output goes",
            Error::Interrupted { .. } => {
                "check the setting in a browser, or run `linkedin-privacy audit` to read it again"
            }
        };
        Some(text.to_string())
    }
}
