//! The client: one origin, redirects off, and one [`Client::send`] that every request goes
//! through. Around the exchange sit the seams a run of many accounts needs: the shared
//! [`Limiter`] (a 429 slows everyone, a 999 trips the run), the account's [`Pacer`], and any
//! [`Observer`] that wants to see each reply (the recorder, `-v`). The exchange itself turns
//! statuses, redirects, oversized bodies and HTML interstitials into typed errors following the
//! wire contract's error table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;

use super::endpoints::{Endpoint, Expect};
use super::net::{
    NetConfig, USER_AGENT, certificate_problem, innermost, rustls_config, without_credentials,
};
pub use super::observe::{Exchange, Observer, Wait, WaitReason};
use super::origin::Origin;
use super::retry::{self, Limiter, Pacer};
use super::session::Session;
pub(crate) use super::wire::starts_like_html;
pub use super::wire::take_revoked;
use super::wire::{form_encode, json_error_kind, remember_revoked, revokes, says_429};
use crate::clock::Time;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::text;

/// A request body.
pub(crate) enum Body {
    Json(Value),
    /// Form fields; values are secrets because a password is one of them.
    Form(Vec<(&'static str, Secret)>),
}

/// One request, before it is sent.
pub(crate) struct Call<'a> {
    pub endpoint: &'static Endpoint,
    pub path: String,
    pub body: Option<Body>,
    pub session: Option<&'a Session>,
    /// Cookies and csrf-token for calls made before a session exists (the password login).
    pub anonymous_jsessionid: Option<&'a str>,
}

impl Endpoint {
    /// A call to this endpoint.
    pub(crate) fn call<'a>(&'static self, arg: &str) -> Call<'a> {
        Call::new(self, self.path(arg))
    }
}

impl<'a> Call<'a> {
    pub fn new(endpoint: &'static Endpoint, path: String) -> Call<'a> {
        Call {
            endpoint,
            path,
            body: None,
            session: None,
            anonymous_jsessionid: None,
        }
    }

    fn passes(&self, status: u16) -> bool {
        self.endpoint.pass.contains(&status)
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
    /// The SHA-256 of the body as received (hex), for the history's evidence.
    pub sha256: String,
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
/// travels with each call, not in a cookie jar, and the limiter is shared on purpose.
///
/// Requests run on a small private async runtime so that `--timeout` can bound a whole exchange,
/// connect to last byte: a reply that trickles in a byte at a time still ends on time.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    runtime: Arc<Runtime>,
    cfg: Arc<NetConfig>,
    limiter: Arc<Limiter>,
    observers: Vec<Arc<dyn Observer>>,
    time: Time,
}

impl Client {
    pub fn new(cfg: NetConfig, time: Time) -> Result<Client> {
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
        // The proxy is decided here, from the settings, for this one origin: reqwest's own
        // reading of the environment is off.
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(rustls_config(&cfg.extra_roots).map_err(&setup_error)?)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .no_proxy();
        if let Some(proxy) = &cfg.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| setup_error(format!("the proxy: {}", innermost(&e))))?;
            builder = builder.proxy(proxy);
        }
        let http = builder.build().map_err(|e| setup_error(innermost(&e)))?;
        Ok(Client {
            http,
            runtime: Arc::new(Runtime(Some(runtime))),
            cfg: Arc::new(cfg),
            limiter: Arc::new(Limiter::new()),
            observers: Vec::new(),
            time,
        })
    }

    /// Adds an observer that sees every exchange from now on.
    pub fn observe(mut self, observer: Arc<dyn Observer>) -> Client {
        self.observers.push(observer);
        self
    }

    pub fn origin(&self) -> &Origin {
        &self.cfg.origin
    }

    /// The run-wide limiter every account of this client shares.
    pub fn limiter(&self) -> &Limiter {
        &self.limiter
    }

    pub fn time(&self) -> &Time {
        &self.time
    }

    /// The endpoints, acting as the member whose session this is, with a pacer of its own.
    pub fn member<'a>(&'a self, session: &'a Session) -> Member<'a> {
        self.member_paced(session, self.pacer())
    }

    /// Whether one account's requests wait for each other (against LinkedIn, or `--delay-ms`).
    pub fn is_paced(&self) -> bool {
        !self.cfg.delay.is_zero()
    }

    /// A pacer with this client's delay, for a worker to carry from one account to the next.
    pub fn pacer(&self) -> Arc<Pacer> {
        Arc::new(Pacer::new(self.cfg.delay, self.cfg.delay_spread))
    }

    /// The endpoints, acting as this member, spaced by a pacer the caller keeps.
    pub fn member_paced<'a>(&'a self, session: &'a Session, pacer: Arc<Pacer>) -> Member<'a> {
        Member {
            client: self,
            session,
            pacer,
        }
    }

    /// Sends one call without a session (a sign-in, a visitor's page).
    pub(crate) fn send(&self, call: &Call<'_>) -> Result<Reply> {
        self.send_paced(call, None)
    }

    /// Sends one call, retrying 429, 999 and 5xx with backoff when the endpoint may be called
    /// again (honouring `Retry-After`, with a cap on the total wait), and turns the reply into
    /// data or a typed error.
    fn send_paced(&self, call: &Call<'_>, pacer: Option<&Pacer>) -> Result<Reply> {
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        // Whether the wait ahead was already announced (a 429 announces its own back-off).
        let mut announced = false;
        loop {
            attempt += 1;
            // The run's back-off counts against this request's bound like its own waits.
            let pause = self.limiter.pause();
            if !pause.is_zero() {
                if !announced {
                    self.tell_waiting(call, pause, WaitReason::RunBackingOff);
                }
                if waited.saturating_add(pause) > self.cfg.max_wait {
                    return Err(Error::Throttled {
                        attempts: attempt - 1,
                        detail: format!(
                            "; the run is backing off for {}s more, past the {}s one request waits in all",
                            pause.as_secs(),
                            self.cfg.max_wait.as_secs()
                        ),
                    });
                }
                std::thread::sleep(pause);
                waited += pause;
            }
            announced = false;
            if let Some(p) = pacer {
                p.wait(&self.time);
            }
            for o in &self.observers {
                o.sending(call.endpoint, &call.path, attempt);
            }
            let started = Instant::now();
            let raw = self.exchange(call);
            if let Some(p) = pacer {
                p.done();
            }
            let raw = match raw {
                // A server that echoes the session puts it into names, reasons and errors:
                // it goes before anything reads the reply.
                Ok(mut raw) => {
                    if let Some(session) = call.session {
                        super::echo::without_session(&mut raw.body, &mut raw.headers, session);
                    }
                    raw
                }
                Err(e) => {
                    for o in &self.observers {
                        o.failed(call.endpoint, &call.path, &e);
                    }
                    return Err(e);
                }
            };
            for o in &self.observers {
                o.observe(&Exchange {
                    endpoint: call.endpoint,
                    path: &call.path,
                    attempt,
                    status: raw.status,
                    headers: &raw.headers,
                    body: raw.body.as_deref(),
                    elapsed: started.elapsed(),
                });
            }
            // LinkedIn ended the session: stop at once, no retry, nothing more for this account.
            if let Some(session) = call.session
                && revokes(&raw.headers)
            {
                remember_revoked(session.li_at().clone());
                return Err(Error::SessionRevoked {
                    path: call.path.clone(),
                });
            }
            // A JSON body saying 429 is throttling, whatever the HTTP status.
            let mut raw = raw;
            if raw.status != 429 && says_429(raw.body.as_deref()) {
                raw.status = 429;
            }
            let status = raw.status;
            let retryable = status == 429 || status == 999 || (500..600).contains(&status);
            if !retryable || call.passes(status) {
                return self.classify(call, raw);
            }
            if status == 999 {
                self.limiter.trip();
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
            if !call.endpoint.retry || attempt > self.cfg.retries {
                return Err(gave_up(String::new()));
            }
            let asked = retry::retry_after(&raw.headers, self.time.clock.now());
            // A date in the past, or 0, still earns a pause: never retry at once.
            let wait = asked
                .map(|d| d.max(retry::MIN_RETRY_WAIT))
                .unwrap_or_else(|| retry::backoff(attempt, &self.time));
            let total = waited.saturating_add(wait);
            if total > self.cfg.max_wait {
                let max = self.cfg.max_wait.as_secs();
                let detail = match asked {
                    Some(d) if d > self.cfg.max_wait => format!(
                        "; LinkedIn asked to wait {}s, more than the {max}s this tool waits in all",
                        d.as_secs()
                    ),
                    _ => format!(
                        "; waiting {}s more after {:.0}s already waited would pass the {max}s this tool waits in all",
                        wait.as_secs(),
                        waited.as_secs_f64()
                    ),
                };
                return Err(gave_up(detail));
            }
            let reason = WaitReason::Status {
                status,
                asked: asked.is_some(),
                next: attempt + 1,
                of: self.cfg.retries + 1,
            };
            self.tell_waiting(call, wait, reason);
            if status == 429 {
                // Everyone waits, not just this account; the next turn of the loop takes it.
                self.limiter.back_off(wait);
                announced = true;
            } else {
                std::thread::sleep(wait);
                waited = total;
            }
        }
    }

    fn tell_waiting(&self, call: &Call<'_>, duration: Duration, why: WaitReason) {
        let wait = Wait {
            endpoint: call.endpoint,
            path: &call.path,
            duration,
            why,
        };
        for o in &self.observers {
            o.waiting(&wait);
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
            // A reply that revokes the session is that, whatever its body would have been
            // (too large, cut short, slow): the body is not read.
            let revoking = call.session.is_some() && revokes(&headers);
            let needs_body = !revoking
                && !(300..400).contains(&status)
                && (call.passes(status)
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
            // Sized by the length the reply states (within the limit, checked above), so a large
            // page is not held twice while a growing buffer is copied.
            let stated = response.content_length().unwrap_or(0);
            let mut body = Vec::with_capacity(usize::try_from(stated).unwrap_or(0));
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
        self.runtime.get().block_on(async {
            match tokio::time::timeout(timeout, work).await {
                Ok(result) => result,
                Err(_) => Err(self.timeout_error()),
            }
        })
    }

    fn build(&self, call: &Call<'_>) -> Result<reqwest::RequestBuilder> {
        let url = self.cfg.origin.url(&call.path);
        let method = Method::from_bytes(call.endpoint.method.as_bytes())
            .expect("the registry's methods are valid");
        let mut rb = self
            .http
            .request(method, url)
            .header(header::ACCEPT, call.endpoint.accept);
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
        // The browser's own User-Agent for a session that came from one (never `Sec-GPC`,
        // which in the US changes a setting).
        if let Some(ua) = call.session.and_then(Session::user_agent)
            && let Ok(value) = HeaderValue::from_str(ua)
        {
            rb = rb.header(header::USER_AGENT, value);
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
        if status == 401 && !call.passes(401) {
            return Err(Error::SessionExpired {
                detail: format!("HTTP 401 from {path}"),
            });
        }
        let body = body.unwrap_or_default();
        let is_html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        if status == 403 && !call.passes(403) {
            if String::from_utf8_lossy(&body).contains("CSRF check failed") {
                return Err(Error::Csrf);
            }
            return Err(Error::Status { path, status });
        }
        let success = (200..300).contains(&status);
        if !success && !call.passes(status) {
            return Err(Error::Status { path, status });
        }
        let mut reply = Reply {
            status,
            json: None,
            text: None,
            raw: Vec::new(),
            is_html,
            sha256: sha256_hex(&body),
            headers,
        };
        if !success {
            reply.raw = body;
            return Ok(reply);
        }
        if status == 204 || body.is_empty() {
            return Ok(reply);
        }
        match call.endpoint.expect {
            Expect::Json => {
                if is_html || starts_like_html(&body) {
                    return Err(Error::Html { path });
                }
                // Strictly: an object with a key twice is two answers, and proves nothing.
                let value = crate::json::from_slice(&body).map_err(|e| match e {
                    crate::json::Strict::DuplicateKey(key) => Error::DuplicateKey { path, key },
                    crate::json::Strict::Syntax(e) => Error::Drift {
                        path,
                        what: format!(
                            "the body is not JSON ({} at line {}, column {})",
                            json_error_kind(&e),
                            e.line(),
                            e.column()
                        ),
                    },
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
        if let Some(detail) = certificate_problem(e) {
            // Through an https proxy, the certificate may be the proxy's own.
            let host = match &self.cfg.proxy {
                Some(p) if p.starts_with("https:") => format!(
                    "{} (or of the proxy {})",
                    self.cfg.origin.host(),
                    without_credentials(p)
                ),
                _ => self.cfg.origin.host(),
            };
            return Error::Tls { host, detail };
        }
        if let Some(proxy) = &self.cfg.proxy
            && (e.is_connect() || innermost(e).contains("tunnel"))
        {
            return Error::Proxy {
                host: self.cfg.origin.host(),
                proxy: without_credentials(proxy),
                detail: innermost(e),
            };
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

/// The client's runtime. When the last client goes it is shut down without waiting: a name
/// lookup still blocked in the system's resolver (past `--timeout`) must not hold the exit up.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn get(&self) -> &tokio::runtime::Runtime {
        self.0
            .as_ref()
            .expect("the runtime lives as long as the client")
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The acting member's view of the endpoints: their session on every call, and their pacer
/// between calls.
pub struct Member<'a> {
    client: &'a Client,
    session: &'a Session,
    pacer: Arc<Pacer>,
}

impl<'a> Member<'a> {
    pub(crate) fn send(&self, mut call: Call<'a>) -> Result<Reply> {
        call.session = Some(self.session);
        self.client.send_paced(&call, Some(&self.pacer))
    }

    pub fn client(&self) -> &Client {
        self.client
    }
}

/// The SHA-256 of some bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every exchange passes the observers, with the endpoint it was for; a request's cookies
    /// are not part of what they see.
    #[test]
    fn observers_see_every_exchange() {
        use std::sync::Mutex;
        #[derive(Default)]
        struct Seen(Mutex<Vec<(String, String, u16)>>);
        impl Observer for Seen {
            fn observe(&self, ex: &Exchange<'_>) {
                self.0.lock().unwrap().push((
                    ex.endpoint.name.to_string(),
                    ex.path.to_string(),
                    ex.status,
                ));
            }
        }
        let sandbox = crate::sandbox::Sandbox::start_builtin(Default::default()).unwrap();
        let seen = Arc::new(Seen::default());
        let time = Time::system();
        let client = Client::new(
            NetConfig::new(Origin::parse(&sandbox.base_url()).unwrap()),
            time.clone(),
        )
        .unwrap()
        .observe(seen.clone());
        let (token, _) = sandbox.account("demo").unwrap();
        let session = Session::new(Secret::new(token), None, &*time.random).unwrap();
        let member = client.member(&session);
        member.card("dataForAiImprovement").unwrap();
        member.card("nope").unwrap();
        let seen = seen.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                (
                    "card".to_string(),
                    "/mysettings-api/settingsApiSettingCards/dataForAiImprovement".to_string(),
                    200
                ),
                (
                    "card".to_string(),
                    "/mysettings-api/settingsApiSettingCards/nope".to_string(),
                    404
                ),
            ]
        );
    }
}
