//! The library's typed errors. Each one knows its stable `kind` (used in JSON output), its exit
//! code and, as data, what the person could do about it ([`Hint`]); the output layer words the
//! hint (and the command lines in it). Messages are one line and never carry a session token:
//! tokens only ever live inside [`crate::secret::Secret`].

use crate::exit::Exit;

/// What the person can do about an error. Plain advice is [`Hint::Text`]; advice that names one
/// of the tool's commands is a variant of its own, worded by the output layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Advice that names no command of the tool.
    Text(String),
    /// Not signed in: sign in, set LINKEDIN_LI_AT, or try the sandbox.
    SignInOrTry,
    /// The session expired: sign in in a browser, then again here with the new cookie.
    SignInAgain,
    /// A challenge: finish it in a browser, then sign in here.
    FinishChallenge,
    /// A challenge after a password sign-in: finish it, then sign in with the cookie instead.
    FinishChallengeThenCookie,
    /// Cookie and csrf-token differ: sign in again.
    CsrfSignInAgain,
    /// Email or password refused: try again, or sign in with the cookie.
    PasswordOrCookie,
    /// A stored item is damaged: sign in again for this profile.
    SignInProfile { profile: String },
    /// The sessions file cannot be read: move it away and sign in again.
    ReplaceSessionsFile { path: String },
    /// A stored session for another origin.
    SignInAt { origin: String, profile: String },
    /// A keyring item is left that the index does not list.
    LogoutAll,
    /// The page may have changed: check in a browser; `--catalog` can follow a change.
    ChangedPage,
    /// Read the setting again.
    AuditAgain,
    /// A catalog file is invalid: `catalog --toml` shows the expected form.
    CatalogForm,
    /// Pipe the cookie in: an example.
    PipeCookie,
    /// A bulk run stopped early: `--resume` audits the rest.
    Resume,
}

impl Hint {
    pub fn text(t: impl Into<String>) -> Hint {
        Hint::Text(t.into())
    }

    /// The words of a plain hint; empty for one the output layer words.
    pub fn as_text(&self) -> &str {
        match self {
            Hint::Text(t) => t,
            _ => "",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Usage { message: String, hint: Option<Hint> },

    #[error("not signed in: {detail}")]
    NotSignedIn { detail: String },

    #[error("the LinkedIn session has expired or was signed out ({detail})")]
    SessionExpired { detail: String },

    #[error("LinkedIn wants a security check finished in a browser: {url}")]
    Challenge { url: String, hint: Option<Hint> },

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

    /// The server's certificate is not trusted (a TLS-inspecting proxy, say).
    #[error("the certificate of {host} is not trusted: {detail}")]
    Tls { host: String, detail: String },

    /// The proxy could not be reached, or refused to carry the request.
    #[error("cannot reach {host} through the proxy {proxy}: {detail}")]
    Proxy {
        host: String,
        proxy: String,
        detail: String,
    },

    #[error("expected JSON from {path} but got an HTML page (an interstitial or a changed page)")]
    Html { path: String },

    #[error("unexpected reply from {path}: {what}")]
    Drift { path: String, what: String },

    /// A JSON object in the reply holds one key twice: two answers, neither proven.
    #[error("the reply from {path} holds the key `{key}` twice, so it proves nothing")]
    DuplicateKey { path: String, key: String },

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
    Store { message: String, hint: Option<Hint> },

    #[error("{message}")]
    Login { message: String, hint: Option<Hint> },

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

    #[error("not audited: {detail}")]
    NotReached { detail: String },

    /// The history file cannot be used (corrupt, unreadable, newer, not ours), or an export
    /// does not hold up.
    #[error("history {path}: {detail}")]
    History {
        path: String,
        detail: String,
        hint: Option<String>,
    },

    /// A bug inside the tool (a panic caught while auditing one account of many). The detail
    /// is a fixed message from the code, never text from a reply.
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl Error {
    /// A usage error with plain advice (flags, values; no command of the tool).
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into().map(Hint::Text),
        }
    }

    /// A usage error with advice as data.
    pub fn usage_with(message: impl Into<String>, hint: Hint) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint),
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
            Error::Tls { .. } => "tls",
            Error::Proxy { .. } => "proxy",
            Error::Html { .. } => "html",
            Error::Drift { .. } | Error::DuplicateKey { .. } => "drift",
            Error::TooLarge { .. } => "too_large",
            Error::Status { .. } => "http_status",
            Error::Server { .. } => "server_error",
            Error::Store { .. } => "store",
            Error::Login { .. } => "login",
            Error::Unverified { .. } => "unverified",
            Error::WrongOrigin { .. } => "wrong_origin",
            Error::Io { .. } => "io",
            Error::Interrupted { .. } => "interrupted",
            Error::NotReached { .. } => "not_reached",
            Error::Internal { .. } => "internal",
            Error::History { .. } => "history",
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
            Error::Internal { .. } => Exit::Bug,
            Error::History { .. } => Exit::Io,
            Error::Interrupted { .. } => Exit::Interrupted,
            Error::Throttled { .. } | Error::Blocked { .. } | Error::NotReached { .. } => {
                Exit::Throttled
            }
            Error::Timeout { .. }
            | Error::Network { .. }
            | Error::Tls { .. }
            | Error::Proxy { .. } => Exit::Network,
            Error::Html { .. }
            | Error::Drift { .. }
            | Error::DuplicateKey { .. }
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

    pub fn hint(&self) -> Option<Hint> {
        let text = match self {
            Error::Usage { hint, .. }
            | Error::Store { hint, .. }
            | Error::Login { hint, .. }
            | Error::Challenge { hint, .. } => {
                return match (self, hint) {
                    (Error::Challenge { .. }, None) => Some(Hint::FinishChallenge),
                    _ => hint.clone(),
                };
            }
            Error::History { hint, .. } => return hint.clone().map(Hint::Text),
            Error::NotSignedIn { .. } => return Some(Hint::SignInOrTry),
            Error::SessionExpired { .. } => return Some(Hint::SignInAgain),
            Error::Csrf => return Some(Hint::CsrfSignInAgain),
            Error::Html { .. } | Error::Drift { .. } | Error::DuplicateKey { .. } => {
                return Some(Hint::ChangedPage);
            }
            Error::WrongOrigin {
                profile, target, ..
            } => {
                return Some(Hint::SignInAt {
                    origin: target.clone(),
                    profile: profile.clone(),
                });
            }
            Error::Interrupted { .. } => return Some(Hint::AuditAgain),
            Error::NotReached { .. } => return Some(Hint::Resume),
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
            Error::Tls { .. } => {
                "behind a company proxy that inspects TLS? set SSL_CERT_FILE to a PEM file holding its CA certificate (it is added to the built-in roots)"
            }
            Error::Proxy { .. } => {
                "check the proxy in HTTPS_PROXY or ALL_PROXY (one that asks for a password takes it in its address: http://user:password@proxy:3128), or exempt the host with NO_PROXY"
            }
            Error::TooLarge { .. } | Error::Status { .. } | Error::Server { .. } => {
                "check the setting in a browser; try again later if this persists"
            }
            Error::Unverified { .. } => "check the setting in a browser at the address shown",
            Error::Io { .. } => "check the free space and the permissions where the output goes",
            Error::Internal { .. } => "this is a bug; please report it",
        };
        Some(Hint::text(text))
    }
}
