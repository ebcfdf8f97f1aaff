//! The library's typed errors. Each one knows its [`ErrorKind`] (an enum, shown in JSON by its
//! stable name) and, as data, what the person could do about it ([`Hint`]). It knows no exit code
//! and no flag name: the command layer maps kinds to exit codes, the output layer words hints
//! (and the command lines in them). Messages are one line and never carry a session token:
//! tokens only ever live inside [`crate::secret::Secret`].

use serde::{Deserialize, Serialize};

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
    /// LinkedIn revoked the session: sign in in the browser again, then here from it.
    SignInAfterRevoke,
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
    /// The sandbox's port is taken: pick another, or 0.
    SandboxPort,
    /// The history file cannot be used: give another one.
    HistoryElsewhere,
    /// The history was written by a newer version: upgrade, or give another file.
    UpgradeOrHistoryElsewhere,
    /// The catalog file cannot be read: where a catalog is named.
    CatalogPath,
    /// No OS keyring: the plain file, or the environment.
    NoKeyring,
    /// The accounts file cannot be read.
    AccountsPath,
    /// No Firefox profile was found: name its folder.
    FirefoxProfile,
    /// A browser's cookies cannot be read here: Firefox, or a cookies.txt export.
    FirefoxOrCookiesFile,
    /// A browser's cookie cannot be decrypted: a cookies.txt export.
    CookiesFile,
    /// The browser's key is in a locked keyring: unlock it, or Firefox, or a cookies.txt.
    UnlockKeyring,
    /// No browser was found: name one, or a cookies.txt export.
    NameBrowser,
    /// No browser holds a session: sign in there, or name the browser.
    SignInInBrowser,
    /// Not a recording: give one `record` wrote.
    RecordingFolder,
    /// A reply took too long: check the connection, or allow more time.
    Timeout,
    /// The origin cannot be reached: check the connection and the base URL.
    BaseUrl,
    /// The resume file is the accounts file: give it one of its own.
    ResumeOwnFile,
    /// The resume file cannot be used: an ordinary file, created if missing.
    ResumeFile,
    /// Another run holds the resume file: let it finish.
    ResumeBusy,
    /// A keyring item the index does not list: log it out by name.
    LogoutStray { profile: String },
    /// Accounts were not reached: the same command again, with (this) resume file.
    ResumeAgain { path: Option<String> },
}

/// What kind of failure an error is: the policy (which exit code, whether an account's run
/// stops, whether a resumed run tries again) is decided on this, never on strings. JSON shows it
/// by the stable name [`ErrorKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Usage,
    NotSignedIn,
    SessionExpired,
    SessionRevoked,
    Challenge,
    Csrf,
    Throttled,
    Blocked,
    Timeout,
    Network,
    Tls,
    Proxy,
    Html,
    Drift,
    TooLarge,
    #[serde(rename = "http_status")]
    Status,
    #[serde(rename = "server_error")]
    Server,
    Store,
    Login,
    Unverified,
    WrongOrigin,
    Io,
    Interrupted,
    NotReached,
    Internal,
    History,
}

impl ErrorKind {
    /// Every kind, in the README's order.
    pub const ALL: [ErrorKind; 26] = [
        ErrorKind::Usage,
        ErrorKind::NotSignedIn,
        ErrorKind::SessionExpired,
        ErrorKind::SessionRevoked,
        ErrorKind::Challenge,
        ErrorKind::Csrf,
        ErrorKind::Throttled,
        ErrorKind::Blocked,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::Tls,
        ErrorKind::Proxy,
        ErrorKind::Html,
        ErrorKind::Drift,
        ErrorKind::TooLarge,
        ErrorKind::Status,
        ErrorKind::Server,
        ErrorKind::Store,
        ErrorKind::Login,
        ErrorKind::Unverified,
        ErrorKind::WrongOrigin,
        ErrorKind::Io,
        ErrorKind::Interrupted,
        ErrorKind::NotReached,
        ErrorKind::Internal,
        ErrorKind::History,
    ];

    /// The stable machine-readable name, as it appears in JSON `error.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::NotSignedIn => "not_signed_in",
            ErrorKind::SessionExpired => "session_expired",
            ErrorKind::SessionRevoked => "session_revoked",
            ErrorKind::Challenge => "challenge",
            ErrorKind::Csrf => "csrf",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Blocked => "blocked",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::Tls => "tls",
            ErrorKind::Proxy => "proxy",
            ErrorKind::Html => "html",
            ErrorKind::Drift => "drift",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Status => "http_status",
            ErrorKind::Server => "server_error",
            ErrorKind::Store => "store",
            ErrorKind::Login => "login",
            ErrorKind::Unverified => "unverified",
            ErrorKind::WrongOrigin => "wrong_origin",
            ErrorKind::Io => "io",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::NotReached => "not_reached",
            ErrorKind::Internal => "internal",
            ErrorKind::History => "history",
        }
    }

    /// The session is gone or refused: every further request of this account would fail.
    pub fn is_session(self) -> bool {
        matches!(
            self,
            ErrorKind::NotSignedIn
                | ErrorKind::SessionExpired
                | ErrorKind::SessionRevoked
                | ErrorKind::Challenge
                | ErrorKind::Csrf
                | ErrorKind::Store
                | ErrorKind::Login
                | ErrorKind::WrongOrigin
        )
    }

    /// LinkedIn is throttling or refusing this address.
    pub fn is_throttle(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled | ErrorKind::Blocked | ErrorKind::NotReached
        )
    }

    /// The network (or what stands in it) failed.
    pub fn is_network(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Tls | ErrorKind::Proxy
        )
    }

    /// Whether the error ends a whole account's run (the session, the throttle, the network:
    /// every further request would fail the same way), rather than one reply.
    pub fn ends_account(self) -> bool {
        self.is_session() || self.is_throttle() || self.is_network()
    }

    /// Whether the account was cut off (never read, or stopped by the throttle, the network, an
    /// interruption or a bug), so a resumed run tries it again.
    pub fn cut_off(self) -> bool {
        self.is_throttle()
            || self.is_network()
            || matches!(self, ErrorKind::Interrupted | ErrorKind::Internal)
    }
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
    NotSignedIn { detail: String, hint: Option<Hint> },

    #[error("the LinkedIn session has expired or was signed out ({detail})")]
    SessionExpired { detail: String },

    /// A reply set `li_at` to `delete me`: LinkedIn ended the session on its side, and the
    /// browser it came from may be signed out too. Nothing more is sent for this account.
    #[error(
        "LinkedIn ended this session (its reply to {path} set li_at to \"delete me\"); the browser it came from may be signed out as well"
    )]
    SessionRevoked { path: String },

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
        hint: Option<Hint>,
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

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Usage { .. } => ErrorKind::Usage,
            Error::NotSignedIn { .. } => ErrorKind::NotSignedIn,
            Error::SessionExpired { .. } => ErrorKind::SessionExpired,
            Error::SessionRevoked { .. } => ErrorKind::SessionRevoked,
            Error::Challenge { .. } => ErrorKind::Challenge,
            Error::Csrf => ErrorKind::Csrf,
            Error::Throttled { .. } => ErrorKind::Throttled,
            Error::Blocked { .. } => ErrorKind::Blocked,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Network { .. } => ErrorKind::Network,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Proxy { .. } => ErrorKind::Proxy,
            Error::Html { .. } => ErrorKind::Html,
            Error::Drift { .. } | Error::DuplicateKey { .. } => ErrorKind::Drift,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::Status { .. } => ErrorKind::Status,
            Error::Server { .. } => ErrorKind::Server,
            Error::Store { .. } => ErrorKind::Store,
            Error::Login { .. } => ErrorKind::Login,
            Error::Unverified { .. } => ErrorKind::Unverified,
            Error::WrongOrigin { .. } => ErrorKind::WrongOrigin,
            Error::Io { .. } => ErrorKind::Io,
            Error::Interrupted { .. } => ErrorKind::Interrupted,
            Error::NotReached { .. } => ErrorKind::NotReached,
            Error::Internal { .. } => ErrorKind::Internal,
            Error::History { .. } => ErrorKind::History,
        }
    }

    /// Whether the error ends the account's run rather than one reply (see
    /// [`ErrorKind::ends_account`]).
    pub fn ends_account(&self) -> bool {
        self.kind().ends_account()
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
            Error::History { hint, .. } => return hint.clone(),
            Error::NotSignedIn { hint, .. } => {
                return Some(hint.clone().unwrap_or(Hint::SignInOrTry));
            }
            Error::SessionExpired { .. } => return Some(Hint::SignInAgain),
            Error::SessionRevoked { .. } => return Some(Hint::SignInAfterRevoke),
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
            Error::Timeout { .. } => return Some(Hint::Timeout),
            Error::Network { .. } => return Some(Hint::BaseUrl),
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
