//! The LinkedIn client: one origin, one session, redirects off. Every reply goes through
//! [`Client::send`], which retries politely and turns statuses, redirects, oversized bodies and
//! HTML interstitials into typed errors following the wire contract's error table. The endpoints
//! themselves live in [`endpoints`].

pub mod endpoints;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::session::Session;
use crate::text;

pub use endpoints::Me;

/// LinkedIn's own origin.
pub const LINKEDIN: &str = "https://www.linkedin.com";

/// A browser-like user agent, as the contract asks for.
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// The scheme, host and port every request goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Url);

impl Origin {
    /// Parses a base URL: `https://` anywhere, plain `http://` only on loopback, and nothing
    /// after the host but an optional `/`.
    pub fn parse(text: &str) -> Result<Origin> {
        let bad = |why: &str| {
            Error::usage(
                format!("invalid base URL {text:?}: {why}"),
                Some(
                    "give an origin such as https://www.linkedin.com or http://127.0.0.1:8080"
                        .to_string(),
                ),
            )
        };
        let url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it must not hold a user name or password"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must be an origin only, without a path or query"));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(bad(
                    "plain http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost)",
                ));
            }
            _ => return Err(bad("the scheme must be https (or http on loopback)")),
        }
        Ok(Origin(url))
    }

    pub fn linkedin() -> Origin {
        Origin(Url::parse(LINKEDIN).expect("the LinkedIn origin is a valid URL"))
    }

    /// The origin without the trailing slash, e.g. `https://www.linkedin.com`.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// `host[:port]`, for messages.
    pub fn host(&self) -> String {
        match (self.0.host_str(), self.0.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.as_str().to_string(),
        }
    }

    /// An absolute URL for a path on this origin (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.as_str(), path)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// How the client talks to the network; resolved from flags by the command layer.
#[derive(Clone, Debug)]
pub struct NetConfig {
    pub origin: Origin,
    /// For one whole request, connect to last byte.
    pub timeout: Duration,
    /// Further attempts after a 429, 999 or 5xx.
    pub retries: u32,
    /// The most the client sleeps between attempts of one request, in total.
    pub max_wait: Duration,
    /// A reply body larger than this is an error, never an out-of-memory.
    pub max_body: u64,
}

impl NetConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_RETRIES: u32 = 3;
    pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_BODY: u64 = 8 * 1024 * 1024;

    pub fn new(origin: Origin) -> NetConfig {
        NetConfig {
            origin,
            timeout: Self::DEFAULT_TIMEOUT,
            retries: Self::DEFAULT_RETRIES,
            max_wait: Self::DEFAULT_MAX_WAIT,
            max_body: Self::DEFAULT_MAX_BODY,
        }
    }
}

/// What a request expects back when it succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    Json,
    Html,
}

/// A request body.
pub(crate) enum Body {
    Json(Value),
    /// Form fields; values are secrets because a password is one of them.
    Form(Vec<(&'static str, Secret)>),
}

/// One request, before it is sent.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: String,
    pub accept: &'static str,
    pub expect: Expect,
    pub body: Option<Body>,
    pub session: Option<&'a Session>,
    /// Cookies and csrf-token for calls made before a session exists (the password login).
    pub anonymous_jsessionid: Option<&'a str>,
    /// Statuses handed back as a [`Reply`] instead of being turned into errors (404 and 410 for
    /// a card, 401 for a refused password).
    pub pass: &'static [u16],
    /// Whether a 429, 999 or 5xx may be answered by sending the call again. A sign-in never is.
    pub retry: bool,
}

impl<'a> Call<'a> {
    pub fn get(path: impl Into<String>) -> Call<'a> {
        Call {
            method: Method::GET,
            path: path.into(),
            accept: "application/json",
            expect: Expect::Json,
            body: None,
            session: None,
            anonymous_jsessionid: None,
            pass: &[],
            retry: true,
        }
    }
}

/// A reply that passed [`Client::send`]. It has no `Debug`: its headers may set cookies.
pub(crate) struct Reply {
    pub status: u16,
    /// The parsed body, for a 2xx reply to a call that expects JSON.
    pub json: Option<Value>,
    /// The body as text, for a 2xx reply to a call that expects HTML.
    pub text: Option<String>,
    /// The raw body of a status the call passes through (404, 410, 401), at most `max_body`.
    pub raw: Vec<u8>,
    /// Whether the reply says it is HTML.
    pub is_html: bool,
    headers: HeaderMap,
}

impl Reply {
    /// The value of a cookie this reply sets, if any.
    pub fn set_cookie(&self, name: &str) -> Option<Secret> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| n.trim() == name)
            .map(|(_, v)| Secret::new(v.trim().trim_matches('"')))
            .filter(|s| !s.is_empty() && s.expose() != "delete me")
    }
}

/// What one exchange brought back, before it is judged.
struct Raw {
    status: u16,
    headers: HeaderMap,
    /// `None` when the status alone decides (a redirect, a retry, a refusal).
    body: Option<Vec<u8>>,
}

/// The HTTP client for one origin. Cheap to share between accounts and threads: the session
/// travels with each call, not in a cookie jar.
///
/// Requests run on a small private async runtime so that `--timeout` can bound a whole exchange,
/// connect to last byte: a reply that trickles in a byte at a time still ends on time.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    runtime: Arc<tokio::runtime::Runtime>,
    cfg: Arc<NetConfig>,
}

impl Client {
    pub fn new(cfg: NetConfig) -> Result<Client> {
        let setup_error = |detail: String| Error::Network {
            host: cfg.origin.host(),
            detail: format!("cannot set up the HTTP client: {detail}"),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-restli-protocol-version",
            HeaderValue::from_static("2.0.0"),
        );
        headers.insert("x-li-lang", HeaderValue::from_static("en_US"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("linkedin-privacy-net")
            .enable_all()
            .build()
            .map_err(|e| setup_error(e.to_string()))?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(rustls_config())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| setup_error(innermost(&e)))?;
        Ok(Client {
            http,
            runtime: Arc::new(runtime),
            cfg: Arc::new(cfg),
        })
    }

    pub fn origin(&self) -> &Origin {
        &self.cfg.origin
    }

    /// The endpoints, acting as the member whose session this is.
    pub fn member<'a>(&'a self, session: &'a Session) -> Member<'a> {
        Member {
            client: self,
            session,
        }
    }

    /// Sends one call, retrying 429, 999 and 5xx with backoff when the call may be repeated
    /// (honouring `Retry-After`, with a cap on the total wait), and turns the reply into data or
    /// a typed error.
    pub(crate) fn send(&self, call: &Call<'_>) -> Result<Reply> {
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let raw = self.exchange(call)?;
            let status = raw.status;
            let retryable = status == 429 || status == 999 || (500..600).contains(&status);
            if !retryable || call.pass.contains(&status) {
                return self.classify(call, raw);
            }
            let gave_up = |detail: String| match status {
                429 => Error::Throttled {
                    attempts: attempt,
                    detail,
                },
                999 => Error::Blocked { attempts: attempt },
                _ => Error::Server {
                    path: call.path.clone(),
                    status,
                    attempts: attempt,
                },
            };
            if !call.retry || attempt > self.cfg.retries {
                return Err(gave_up(String::new()));
            }
            let asked = retry_after(&raw.headers, SystemTime::now());
            // A date in the past, or 0, still earns a pause: never retry at once.
            let wait = asked
                .map(|d| d.max(MIN_RETRY_WAIT))
                .unwrap_or_else(|| backoff(attempt));
            let total = waited.saturating_add(wait);
            if total > self.cfg.max_wait {
                let max = self.cfg.max_wait.as_secs();
                let detail = match asked {
                    Some(d) if d > self.cfg.max_wait => format!(
                        "; LinkedIn asked to wait {}s, more than the {max}s this tool waits in all",
                        d.as_secs()
                    ),
                    _ => format!(
                        "; waiting {}s more after {}s already waited would pass the {max}s this tool waits in all",
                        wait.as_secs(),
                        waited.as_secs()
                    ),
                };
                return Err(gave_up(detail));
            }
            std::thread::sleep(wait);
            waited = total;
        }
    }

    /// One request and its reply, within the timeout from connect to last byte.
    fn exchange(&self, call: &Call<'_>) -> Result<Raw> {
        let request = self.build(call)?;
        let limit = self.cfg.max_body;
        let timeout = self.cfg.timeout;
        let work = async {
            let mut response = request.send().await.map_err(|e| self.transport_error(&e))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let needs_body = !(300..400).contains(&status)
                && (call.pass.contains(&status)
                    || !(status == 401
                        || status == 429
                        || status == 999
                        || (500..600).contains(&status)));
            if !needs_body {
                return Ok(Raw {
                    status,
                    headers,
                    body: None,
                });
            }
            let too_large = || Error::TooLarge {
                path: call.path.clone(),
                limit_mib: limit / (1024 * 1024),
            };
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| self.read_error(&e))? {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Raw {
                status,
                headers,
                body: Some(body),
            })
        };
        self.runtime.block_on(async {
            match tokio::time::timeout(timeout, work).await {
                Ok(result) => result,
                Err(_) => Err(self.timeout_error()),
            }
        })
    }

    fn build(&self, call: &Call<'_>) -> Result<reqwest::RequestBuilder> {
        let url = self.cfg.origin.url(&call.path);
        let mut rb = self
            .http
            .request(call.method.clone(), url)
            .header(header::ACCEPT, call.accept);
        let (cookie, csrf) = match (call.session, call.anonymous_jsessionid) {
            (Some(s), _) => (Some(s.cookie_header()), Some(s.jsessionid().to_string())),
            (None, Some(j)) => (
                Some(Secret::new(format!("JSESSIONID=\"{j}\""))),
                Some(j.to_string()),
            ),
            (None, None) => (None, None),
        };
        if let Some(cookie) = cookie {
            let mut value = HeaderValue::from_str(cookie.expose()).map_err(|_| {
                Error::usage("the session holds characters a cookie cannot hold", None)
            })?;
            value.set_sensitive(true);
            rb = rb.header(header::COOKIE, value);
        }
        if let Some(csrf) = csrf {
            rb = rb.header("csrf-token", csrf);
        }
        match &call.body {
            Some(Body::Json(v)) => {
                rb = rb
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(v.to_string());
            }
            Some(Body::Form(fields)) => {
                let encoded = Secret::new(
                    fields
                        .iter()
                        .map(|(k, v)| format!("{k}={}", form_encode(v.expose())))
                        .collect::<Vec<_>>()
                        .join("&"),
                );
                rb = rb
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(encoded.expose().to_string());
            }
            None => {}
        }
        Ok(rb)
    }

    /// The one place a reply becomes data or a typed error (the contract's error table).
    fn classify(&self, call: &Call<'_>, raw: Raw) -> Result<Reply> {
        let Raw {
            status,
            headers,
            body,
        } = raw;
        let path = call.path.clone();
        if (300..400).contains(&status) {
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            return Err(self.redirect_error(status, location));
        }
        if status == 401 && !call.pass.contains(&401) {
            return Err(Error::SessionExpired {
                detail: format!("HTTP 401 from {path}"),
            });
        }
        let body = body.unwrap_or_default();
        let is_html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        if status == 403 && !call.pass.contains(&403) {
            if String::from_utf8_lossy(&body).contains("CSRF check failed") {
                return Err(Error::Csrf);
            }
            return Err(Error::Status { path, status });
        }
        let success = (200..300).contains(&status);
        if !success && !call.pass.contains(&status) {
            return Err(Error::Status { path, status });
        }
        let mut reply = Reply {
            status,
            json: None,
            text: None,
            raw: Vec::new(),
            is_html,
            headers,
        };
        if !success {
            reply.raw = body;
            return Ok(reply);
        }
        if status == 204 || body.is_empty() {
            return Ok(reply);
        }
        match call.expect {
            Expect::Json => {
                if is_html || starts_like_html(&body) {
                    return Err(Error::Html { path });
                }
                let value = serde_json::from_slice(&body).map_err(|e| Error::Drift {
                    path,
                    what: format!(
                        "the body is not JSON ({} at line {}, column {})",
                        json_error_kind(&e),
                        e.line(),
                        e.column()
                    ),
                })?;
                reply.json = Some(value);
            }
            Expect::Html => {
                reply.text = Some(String::from_utf8_lossy(&body).into_owned());
            }
        }
        Ok(reply)
    }

    fn redirect_error(&self, status: u16, location: &str) -> Error {
        // The URL parser percent-encodes control characters; the length is capped for messages.
        let target = Url::parse(&self.cfg.origin.url("/"))
            .and_then(|base| base.join(location))
            .ok();
        let target_path = target
            .as_ref()
            .map(|u| text::clean_line(u.path(), 120))
            .unwrap_or_default();
        if target_path.starts_with("/checkpoint/") {
            let url = target
                .map(|u| text::clean_line(u.as_str(), text::MAX_SHOWN))
                .unwrap_or_default();
            Error::Challenge { url, hint: None }
        } else if target_path.starts_with("/uas/login") || target_path.starts_with("/login") {
            Error::SessionExpired {
                detail: "LinkedIn redirects to its sign-in page".to_string(),
            }
        } else {
            // The contract: any 3xx from an API endpoint means "not signed in" or "challenge".
            Error::SessionExpired {
                detail: format!("HTTP {status} redirect to {target_path}"),
            }
        }
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout {
            host: self.cfg.origin.host(),
            secs: self.cfg.timeout.as_secs_f64(),
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return self.timeout_error();
        }
        Error::Network {
            host: self.cfg.origin.host(),
            detail: innermost(e),
        }
    }

    fn read_error(&self, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return self.timeout_error();
        }
        Error::Network {
            host: self.cfg.origin.host(),
            detail: format!("the reply broke off: {}", innermost(e)),
        }
    }
}

fn starts_like_html(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// What kind of JSON error, without serde's message (which may quote the input).
fn json_error_kind(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "a read error",
        Category::Syntax => "a syntax error",
        Category::Data => "unexpected data",
        Category::Eof => "it ends early",
    }
}

/// The acting member's view of the endpoints.
pub struct Member<'a> {
    client: &'a Client,
    session: &'a Session,
}

fn rustls_config() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// The shortest pause before a retry, whatever `Retry-After` says.
const MIN_RETRY_WAIT: Duration = Duration::from_secs(1);

/// `Retry-After` as seconds or an HTTP date (a date in the past is zero).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or_default())
}

/// 1 s, 2 s, 4 s, … plus up to a quarter second of jitter, so accounts audited side by side do
/// not retry in lockstep.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_secs(1u64 << (attempt - 1).min(6));
    let mut jitter = [0u8; 1];
    let _ = getrandom::fill(&mut jitter);
    base + Duration::from_millis(u64::from(jitter[0]))
}

/// The last message of an error chain: the one that says what actually went wrong. It may quote
/// the server (a certificate's names), so it is cleaned and capped.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    text::clean_line(&current.to_string(), text::MAX_SHOWN)
}

fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_contract() {
        assert!(Origin::parse("https://www.linkedin.com").is_ok());
        assert!(Origin::parse("https://www.linkedin.com/").is_ok());
        assert!(Origin::parse("http://127.0.0.1:8080").is_ok());
        assert!(Origin::parse("http://127.8.9.1:8080").is_ok());
        assert!(Origin::parse("http://[::1]:8080").is_ok());
        assert!(Origin::parse("http://localhost:1").is_ok());
        for bad in [
            "http://www.linkedin.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://www.linkedin.com/feed",
            "https://user:pw@www.linkedin.com",
            "not a url",
        ] {
            let err = Origin::parse(bad).unwrap_err();
            assert_eq!(err.kind(), "usage", "{bad}");
        }
        assert_eq!(
            Origin::parse("http://127.0.0.1:9/").unwrap().url("/x"),
            "http://127.0.0.1:9/x"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::now();
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(u64::MAX)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_doubles() {
        assert!(backoff(1) >= Duration::from_secs(1) && backoff(1) < Duration::from_secs(2));
        assert!(backoff(3) >= Duration::from_secs(4) && backoff(3) < Duration::from_secs(5));
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b&c=d+é"), "a+b%26c%3Dd%2B%C3%A9");
    }
}
