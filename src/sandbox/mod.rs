//! The sandbox: a fake LinkedIn served over real HTTP on loopback, built from `fixtures/`. It
//! follows the wire contract (cookies and `csrf-token` checked on every call), keeps state per
//! account (a write changes what the next read sees), misbehaves on purpose for the fault
//! accounts, and logs every request so tests and benchmarks can count them.
//!
//! Tests start it in-process on port 0; `--sandbox` starts it for one command;
//! `linkedin-privacy sandbox` runs it in the foreground for users' own scripts.

pub mod accounts;
pub mod fixtures;

use std::collections::{BTreeMap, VecDeque};
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

pub use accounts::{AccountSpec, AccountsFile, CardSpec, Fault, LoginKind, LoginSpec};
pub use fixtures::Fixtures;

use crate::catalog::Toggle;
use crate::client::endpoints::{
    AUTHENTICATE, CARD_PREFIX, ME, OBJECTION_FORM, SETTING_PREFIX, parse_me,
};
use crate::error::{Error, Result};
use crate::session::{Identity, mint_jsessionid};

/// The path that lists the request log as JSON (not a LinkedIn path).
pub const LOG_PATH: &str = "/__sandbox/requests";

/// The most requests the log keeps; older ones are dropped first.
const LOG_CAPACITY: usize = 100_000;

/// The size of a `huge` reply: above the client's 8 MiB limit.
const HUGE_BYTES: usize = 9 * 1024 * 1024;

#[derive(Clone, Debug, Default)]
pub struct SandboxOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Added before every reply.
    pub latency: Duration,
    /// Print one line per request on stderr.
    pub echo: bool,
}

/// One request as the sandbox saw it. No cookie or header values are kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub account: Option<String>,
    pub status: u16,
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    port: u16,
}

struct Shared {
    accounts: Vec<Account>,
    logins: Vec<LoginSpec>,
    fixtures: Fixtures,
    latency: Duration,
    echo: bool,
    log: Mutex<VecDeque<LoggedRequest>>,
}

struct Account {
    spec: AccountSpec,
    me_plain: Value,
    me_normalized: Value,
    identity: Identity,
    cards: Mutex<BTreeMap<String, Value>>,
    fault: Mutex<Fault>,
    hits: AtomicU64,
    wrote: AtomicBool,
}

impl Sandbox {
    /// Starts the sandbox with the built-in accounts.
    pub fn start_builtin(options: SandboxOptions) -> Result<Sandbox> {
        Sandbox::start(options, AccountsFile::builtin(), Fixtures::embedded())
    }

    pub fn start(
        options: SandboxOptions,
        file: AccountsFile,
        fixtures: Fixtures,
    ) -> Result<Sandbox> {
        let mut accounts = Vec::with_capacity(file.accounts.len());
        for spec in file.accounts {
            accounts.push(Account::load(spec, &fixtures)?);
        }
        let server = tiny_http::Server::http(("127.0.0.1", options.port)).map_err(|e| {
            Error::usage(
                format!(
                    "the sandbox cannot listen on 127.0.0.1:{}: {e}",
                    options.port
                ),
                Some("pick another --port, or 0 for any free one".to_string()),
            )
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or(options.port);
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            accounts,
            logins: file.logins,
            fixtures,
            latency: options.latency,
            echo: options.echo,
            log: Mutex::new(VecDeque::new()),
        });
        let thread = {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("sandbox".into())
                .spawn(move || {
                    for request in server.incoming_requests() {
                        let shared = Arc::clone(&shared);
                        // One thread per request, so a slow reply never holds up the others.
                        let _ = std::thread::Builder::new()
                            .name("sandbox-request".into())
                            .spawn(move || shared.serve(request));
                    }
                })
                .map_err(|e| Error::usage(format!("cannot start the sandbox: {e}"), None))?
        };
        Ok(Sandbox {
            shared,
            server,
            thread: Some(thread),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn accounts(&self) -> impl Iterator<Item = &AccountSpec> {
        self.shared.accounts.iter().map(|a| &a.spec)
    }

    pub fn logins(&self) -> &[LoginSpec] {
        &self.shared.logins
    }

    /// The account's token, name and public id.
    pub fn account(&self, id: &str) -> Option<(&str, Identity)> {
        self.shared
            .accounts
            .iter()
            .find(|a| a.spec.id == id)
            .map(|a| (a.spec.li_at.as_str(), a.identity.clone()))
    }

    /// The current JSON of one account's card, as the next read would see it.
    pub fn card(&self, account: &str, card_key: &str) -> Option<Value> {
        let account = self.shared.accounts.iter().find(|a| a.spec.id == account)?;
        lock(&account.cards).get(card_key).cloned()
    }

    /// Makes an account misbehave from now on, e.g. expire a session a test has stored.
    pub fn set_fault(&self, account: &str, fault: Fault) -> bool {
        match self.shared.accounts.iter().find(|a| a.spec.id == account) {
            Some(a) => {
                *lock(&a.fault) = fault;
                true
            }
            None => false,
        }
    }

    /// Every request served so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).iter().cloned().collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Account {
    fn load(spec: AccountSpec, fixtures: &Fixtures) -> Result<Account> {
        let parse = |name: &str| -> Result<Value> {
            serde_json::from_str(&fixtures.read(name)?)
                .map_err(|e| Error::usage(format!("fixture {name} is not valid JSON: {e}"), None))
        };
        let me = parse(&spec.me)?;
        let (me_plain, me_normalized) = me_shapes(&me).ok_or_else(|| {
            Error::usage(
                format!("fixture {} is not a /me reply in either shape", spec.me),
                None,
            )
        })?;
        let parsed = parse_me(&me_plain)
            .map_err(|why| Error::usage(format!("fixture {}: {why}", spec.me), None))?;
        let identity = Identity {
            profile: None,
            name: Some(parsed.name),
            public_id: parsed.public_id,
        };
        let mut cards = BTreeMap::new();
        for (key, card) in &spec.cards {
            let value = match card {
                CardSpec::File { file } => parse(file)?,
                CardSpec::State(state) => {
                    let mut v = parse(&format!("cards/{key}.json"))?;
                    let toggle = v
                        .get_mut("settings")
                        .and_then(Value::as_array_mut)
                        .and_then(|s| {
                            s.iter_mut().find(|s| {
                                s.get("settingDisplayType").and_then(Value::as_str)
                                    == Some("TOGGLE")
                            })
                        })
                        .ok_or_else(|| {
                            Error::usage(format!("cards/{key}.json holds no TOGGLE"), None)
                        })?;
                    set_toggle(toggle, *state == Toggle::On);
                    v
                }
            };
            cards.insert(key.clone(), value);
        }
        Ok(Account {
            fault: Mutex::new(spec.fault),
            spec,
            me_plain,
            me_normalized,
            identity,
            cards: Mutex::new(cards),
            hits: AtomicU64::new(0),
            wrote: AtomicBool::new(false),
        })
    }
}

/// Sets a setting to its own onValue or offValue, and the labels with it.
fn set_toggle(setting: &mut Value, on: bool) {
    let target = setting
        .get(if on { "onValue" } else { "offValue" })
        .cloned()
        .unwrap_or(Value::Bool(on));
    select_value(setting, target);
}

fn select_value(setting: &mut Value, target: Value) {
    if let Some(labels) = setting
        .get_mut("settingDisplayValues")
        .and_then(Value::as_array_mut)
    {
        for label in labels {
            let selected = label.get("value") == Some(&target);
            label["selected"] = Value::Bool(selected);
        }
    }
    setting["value"] = target;
}

/// Both shapes of a `/me` reply from a fixture in either shape.
fn me_shapes(me: &Value) -> Option<(Value, Value)> {
    let (mut rest, mini) = if let Some(mini) = me.get("miniProfile") {
        let mut rest = me.as_object()?.clone();
        rest.remove("miniProfile");
        (rest, mini.clone())
    } else {
        let data = me.get("data")?.as_object()?;
        let urn = data.get("*miniProfile")?.as_str()?;
        let mini = me
            .get("included")?
            .as_array()?
            .iter()
            .find(|i| i.get("entityUrn").and_then(Value::as_str) == Some(urn))?
            .clone();
        let mut rest = data.clone();
        rest.remove("*miniProfile");
        rest.remove("$type");
        (rest, mini)
    };
    let mut mini_plain = mini.as_object()?.clone();
    mini_plain.remove("$type");
    let urn = mini_plain.get("entityUrn")?.clone();
    let mut plain = rest.clone();
    plain.insert("miniProfile".into(), Value::Object(mini_plain.clone()));
    rest.insert("*miniProfile".into(), urn);
    rest.insert("$type".into(), json!("com.linkedin.voyager.common.Me"));
    let mut mini_typed = mini_plain;
    mini_typed.insert(
        "$type".into(),
        json!("com.linkedin.voyager.identity.shared.MiniProfile"),
    );
    let normalized = json!({"data": Value::Object(rest), "included": [Value::Object(mini_typed)]});
    Some((Value::Object(plain), normalized))
}

/// A reply before it is written.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: AnswerBody,
    headers: Vec<(&'static str, String)>,
    delay: Duration,
}

enum AnswerBody {
    Bytes(Vec<u8>),
    /// A valid JSON document of this many bytes, streamed without a length.
    Huge(usize),
}

impl Answer {
    fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: AnswerBody::Bytes(value.to_string().into_bytes()),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    fn text(status: u16, content_type: &'static str, text: &str) -> Answer {
        Answer {
            status,
            content_type,
            body: AnswerBody::Bytes(text.as_bytes().to_vec()),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    fn status(status: u16) -> Answer {
        Answer::json(status, &json!({"status": status}))
    }
    fn redirect(location: String) -> Answer {
        let mut a = Answer::text(302, "text/html", "");
        a.headers.push(("Location", location));
        a
    }
    fn header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}

/// The parts of a request the sandbox looks at.
struct Incoming {
    method: String,
    path: String,
    cookies: Vec<(String, String)>,
    csrf: Option<String>,
    accept: String,
    content_type: String,
    body: String,
}

impl Incoming {
    fn read(rq: &mut tiny_http::Request) -> Incoming {
        let header = |name: &str| {
            rq.headers()
                .iter()
                .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                .map(|h| h.value.as_str().to_string())
        };
        let cookies = header("cookie")
            .map(|c| {
                c.split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let csrf = header("csrf-token");
        let accept = header("accept").unwrap_or_default();
        let content_type = header("content-type").unwrap_or_default();
        let url = rq.url().to_string();
        let path = url.split('?').next().unwrap_or("/").to_string();
        let mut body = String::new();
        let _ = rq.as_reader().take(1 << 20).read_to_string(&mut body);
        Incoming {
            method: rq.method().as_str().to_ascii_uppercase(),
            path,
            cookies,
            csrf,
            accept,
            content_type,
            body,
        }
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// LinkedIn's CSRF rule: the csrf-token header equals the JSESSIONID cookie without quotes.
    fn csrf_ok(&self) -> bool {
        match (self.cookie("JSESSIONID"), &self.csrf) {
            (Some(cookie), Some(header)) => {
                let cookie = cookie.trim_matches('"');
                !cookie.is_empty() && cookie == header
            }
            _ => false,
        }
    }
}

fn csrf_failed() -> Answer {
    Answer::text(403, "text/plain", "CSRF check failed.")
}

impl Shared {
    fn serve(&self, mut rq: tiny_http::Request) {
        if !self.latency.is_zero() {
            std::thread::sleep(self.latency);
        }
        let incoming = Incoming::read(&mut rq);
        let (account, answer) = self.route(&incoming);
        let entry = LoggedRequest {
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            account,
            status: answer.status,
        };
        if self.echo {
            eprintln!(
                "{} {} {} -> {}",
                entry.method,
                entry.path,
                entry.account.as_deref().unwrap_or("-"),
                entry.status
            );
        }
        if incoming.path != LOG_PATH {
            let mut log = lock(&self.log);
            if log.len() == LOG_CAPACITY {
                log.pop_front();
            }
            log.push_back(entry);
        }
        if !answer.delay.is_zero() {
            std::thread::sleep(answer.delay);
        }
        let mut headers = vec![
            tiny_http::Header::from_bytes("Content-Type", answer.content_type)
                .expect("static header"),
        ];
        for (name, value) in &answer.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                headers.push(h);
            }
        }
        let status = tiny_http::StatusCode(answer.status);
        let _ = match answer.body {
            AnswerBody::Bytes(bytes) => {
                let len = bytes.len();
                let reader: Box<dyn Read + Send> = Box::new(Cursor::new(bytes));
                rq.respond(tiny_http::Response::new(
                    status,
                    headers,
                    reader,
                    Some(len),
                    None,
                ))
            }
            AnswerBody::Huge(size) => {
                let head = b"{\"settings\": [";
                let tail = b"]}";
                let pad = size - head.len() - tail.len();
                let reader: Box<dyn Read + Send> = Box::new(
                    Cursor::new(head.to_vec())
                        .chain(std::io::repeat(b' ').take(pad as u64))
                        .chain(Cursor::new(tail.to_vec())),
                );
                rq.respond(tiny_http::Response::new(
                    status, headers, reader, None, None,
                ))
            }
        };
    }

    fn route(&self, rq: &Incoming) -> (Option<String>, Answer) {
        match (rq.method.as_str(), rq.path.as_str()) {
            ("GET", LOG_PATH) => {
                let log = json!(*lock(&self.log));
                return (None, Answer::json(200, &log));
            }
            ("GET", AUTHENTICATE) => return (None, self.login_start(rq)),
            ("POST", AUTHENTICATE) => return self.login(rq),
            ("GET", OBJECTION_FORM) if rq.cookie("li_at").is_none() => {
                return (None, self.form_page("forms/ts-dpro.html"));
            }
            _ => {}
        }
        let Some(account) = rq
            .cookie("li_at")
            .and_then(|t| self.accounts.iter().find(|a| a.spec.li_at == t))
        else {
            return (None, Answer::status(401));
        };
        let id = Some(account.spec.id.clone());
        let hit = account.hits.fetch_add(1, Ordering::SeqCst);
        let spec = &account.spec;
        let fault = *lock(&account.fault);
        let retry_after = spec.retry_after.unwrap_or(1).to_string();
        match fault {
            Fault::Expired => {
                let location = format!("/uas/login?session_redirect={}", rq.path);
                return (id, Answer::redirect(location));
            }
            Fault::Challenge => {
                let location = "/checkpoint/challenge/AgHsandboxChallenge?ut=sandbox".to_string();
                return (id, Answer::redirect(location));
            }
            _ => {}
        }
        if fault == Fault::Csrf || !rq.csrf_ok() {
            return (id, csrf_failed());
        }
        let throttled = Answer::status(429).header("Retry-After", retry_after);
        match fault {
            Fault::ThrottleOnce if hit == 0 => return (id, throttled),
            Fault::Throttle => return (id, throttled),
            Fault::RereadThrottled if account.wrote.load(Ordering::SeqCst) => {
                return (id, throttled);
            }
            Fault::Blocked => {
                let page = self.page("pages/blocked-999.html");
                return (id, Answer::text(999, "text/html", &page));
            }
            Fault::Interstitial => {
                let page = self.page("pages/interstitial.html");
                return (id, Answer::text(200, "text/html; charset=utf-8", &page));
            }
            _ => {}
        }
        let mut answer = self.account_route(account, rq, fault);
        match fault {
            Fault::Slow => answer.delay = Duration::from_millis(spec.delay_ms.unwrap_or(5000)),
            Fault::Huge if answer.status == 200 && rq.method == "GET" => {
                answer.body = AnswerBody::Huge(HUGE_BYTES);
            }
            _ => {}
        }
        (id, answer)
    }

    fn account_route(&self, account: &Account, rq: &Incoming, fault: Fault) -> Answer {
        let path = rq.path.as_str();
        match rq.method.as_str() {
            "GET" if path == ME => {
                if rq.accept.contains("normalized") {
                    Answer::json(200, &account.me_normalized)
                } else {
                    Answer::json(200, &account.me_plain)
                }
            }
            "GET" if path == OBJECTION_FORM => {
                self.form_page(account.spec.form.as_deref().unwrap_or("forms/ts-dpro.html"))
            }
            "GET" => match path.strip_prefix(CARD_PREFIX) {
                Some(key) => match lock(&account.cards).get(key) {
                    Some(card) => Answer::json(200, card),
                    None => Answer::status(404),
                },
                None => Answer::status(404),
            },
            "PUT" => match path.strip_prefix(SETTING_PREFIX) {
                Some(key) => self.write(account, key, rq, fault),
                None => Answer::status(404),
            },
            _ => Answer::status(405),
        }
    }

    fn write(&self, account: &Account, key: &str, rq: &Incoming, fault: Fault) -> Answer {
        match fault {
            Fault::PutForbidden => return Answer::status(403),
            Fault::PutError => return Answer::status(500),
            _ => {}
        }
        if !rq.content_type.starts_with("application/json") {
            return Answer::status(415);
        }
        let Ok(body) = serde_json::from_str::<Value>(&rq.body) else {
            return Answer::status(400);
        };
        if body.get("key").and_then(Value::as_str) != Some(key) {
            return Answer::status(400);
        }
        let mut cards = lock(&account.cards);
        let setting = cards
            .values_mut()
            .filter_map(|card| card.get_mut("settings").and_then(Value::as_array_mut))
            .flatten()
            .find(|s| s.get("key").and_then(Value::as_str) == Some(key));
        let Some(setting) = setting else {
            return Answer::status(404);
        };
        let Some(value) = body.get("value").cloned() else {
            return Answer::status(400);
        };
        if setting.get("onValue") != Some(&value) && setting.get("offValue") != Some(&value) {
            return Answer::status(400);
        }
        if fault != Fault::PutNoop {
            select_value(setting, value);
            account.wrote.store(true, Ordering::SeqCst);
        }
        Answer::json(200, setting)
    }

    fn page(&self, name: &str) -> String {
        self.fixtures
            .read(name)
            .unwrap_or_else(|_| "<html><body>sandbox page</body></html>".to_string())
    }

    fn form_page(&self, name: &str) -> Answer {
        if name == "none" {
            return Answer::text(404, "text/html", "<html><body>Page not found</body></html>");
        }
        Answer::text(200, "text/html; charset=utf-8", &self.page(name))
    }

    fn login_start(&self, rq: &Incoming) -> Answer {
        let jsessionid = rq
            .cookie("JSESSIONID")
            .map(|j| j.trim_matches('"').to_string())
            .filter(|j| !j.is_empty())
            .unwrap_or_else(mint_jsessionid);
        Answer::json(200, &json!({"status": "success"})).header(
            "Set-Cookie",
            format!("JSESSIONID=\"{jsessionid}\"; Path=/; Secure; SameSite=None"),
        )
    }

    fn login(&self, rq: &Incoming) -> (Option<String>, Answer) {
        if !rq.csrf_ok() {
            return (None, csrf_failed());
        }
        let form = parse_form(&rq.body);
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let (email, password) = (field("session_key"), field("session_password"));
        let result = |r: &str| json!({"login_result": r});
        let Some(login) = self
            .logins
            .iter()
            .find(|l| l.email.eq_ignore_ascii_case(email))
        else {
            return (None, Answer::json(200, &result("BAD_EMAIL")));
        };
        if login.password != password {
            return (None, Answer::json(200, &result("BAD_PASSWORD")));
        }
        match login.result {
            LoginKind::Challenge => {
                let mut body = result("CHALLENGE");
                body["challenge_url"] = json!(
                    "https://www.linkedin.com/checkpoint/challenge/AgHsandboxLogin?ut=sandbox"
                );
                (None, Answer::json(200, &body))
            }
            LoginKind::Pass => {
                let account = login
                    .account
                    .as_deref()
                    .and_then(|id| self.accounts.iter().find(|a| a.spec.id == id));
                match account {
                    Some(a) => (
                        Some(a.spec.id.clone()),
                        Answer::json(200, &result("PASS")).header(
                            "Set-Cookie",
                            format!(
                                "li_at={}; Path=/; Domain=.linkedin.com; Secure; HttpOnly",
                                a.spec.li_at
                            ),
                        ),
                    ),
                    None => (None, Answer::status(500)),
                }
            }
        }
    }
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn parse_form(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |c: u8| char::from(c).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(
            parse_form("a=b+c&d=%41%2b&e=&f=%zz&g=%4"),
            vec![
                ("a".into(), "b c".into()),
                ("d".into(), "A+".into()),
                ("e".into(), "".into()),
                ("f".into(), "%zz".into()),
                ("g".into(), "%4".into()),
            ]
        );
    }

    #[test]
    fn me_shapes_round_trip() {
        for name in ["me/ada-lovelace.json", "me/grace-hopper.normalized.json"] {
            let v: Value = serde_json::from_str(fixtures::embedded(name).unwrap()).unwrap();
            let (plain, normalized) = me_shapes(&v).unwrap();
            let a = parse_me(&plain).unwrap();
            let b = parse_me(&normalized).unwrap();
            assert_eq!(a, b);
            assert_eq!(parse_me(&v).unwrap(), a);
            assert!(plain.get("miniProfile").is_some());
            assert!(normalized["data"].get("*miniProfile").is_some());
        }
    }
}
