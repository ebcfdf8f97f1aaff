//! The sandbox's HTTP side: a small HTTP/1.1 server on `std::net`, one thread per connection
//! (keep-alive connections never wait for a pool), reading each request into what the routes look
//! at and writing the answer back, with the latency and the request log on the way.
//!
//! It serves loopback only, but a user's scripts (or a stray client) may still misbehave: the
//! connections are capped, a request's head and body must arrive within a deadline, a reply that
//! nobody reads is given up, and what is logged or echoed is cut short and cleaned.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{LOG_CAPACITY, LOG_PATH, LoggedRequest, Shared, lock};

/// The most a request's head (request line and headers) may hold.
const MAX_HEAD: usize = 64 * 1024;
/// The most a request's body may hold.
const MAX_BODY: usize = 1 << 20;
/// How long an idle keep-alive connection is kept.
const IDLE: Duration = Duration::from_secs(60);
/// How long a request may take to arrive, from its first byte to the end of its body.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// How long one write of a reply may wait for the client to read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The most connections served at once; more are closed as they come.
const MAX_CONNECTIONS: usize = 256;
/// The longest path kept in the log or echoed.
const MAX_LOGGED_PATH: usize = 200;

/// The size of a `huge` reply: above the client's 8 MiB limit.
pub(super) const HUGE_BYTES: usize = 9 * 1024 * 1024;

pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) body: AnswerBody,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) delay: Duration,
}

pub(super) enum AnswerBody {
    Bytes(Vec<u8>),
    /// A valid JSON document of this many bytes, streamed without a length.
    Huge(usize),
}

impl Answer {
    pub(super) fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: AnswerBody::Bytes(value.to_string().into_bytes()),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    pub(super) fn text(status: u16, content_type: &'static str, text: &str) -> Answer {
        Answer {
            status,
            content_type,
            body: AnswerBody::Bytes(text.as_bytes().to_vec()),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    pub(super) fn status(status: u16) -> Answer {
        Answer::json(status, &json!({"status": status}))
    }
    pub(super) fn redirect(location: String) -> Answer {
        let mut a = Answer::text(302, "text/html", "");
        a.headers.push(("Location", location));
        a
    }
    pub(super) fn header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}

/// The parts of a request the sandbox looks at.
pub(super) struct Incoming {
    pub(super) method: String,
    pub(super) path: String,
    /// The path with its query, as the request line gave it.
    pub(super) target: String,
    pub(super) cookies: Vec<(String, String)>,
    pub(super) csrf: Option<String>,
    pub(super) accept: String,
    pub(super) user_agent: Option<String>,
    pub(super) sec_gpc: bool,
    pub(super) content_type: String,
    pub(super) body: String,
    /// The client asked to close the connection after this request.
    close: bool,
}

impl Incoming {
    /// Reads one request; `None` at the end of the connection, on a request that is not one, or
    /// one that takes too long to arrive.
    fn read(reader: &mut BufReader<Timed>) -> Option<Incoming> {
        let mut head = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = reader
                .by_ref()
                .take((MAX_HEAD - head.len().min(MAX_HEAD)) as u64)
                .read_until(b'\n', &mut line)
                .ok()?;
            if n == 0 || !line.ends_with(b"\n") {
                return None;
            }
            if line == b"\r\n" || line == b"\n" {
                break;
            }
            head.extend_from_slice(&line);
        }
        let head = String::from_utf8_lossy(&head);
        let mut lines = head.lines();
        let mut first = lines.next()?.split_whitespace();
        let method = first.next()?.to_ascii_uppercase();
        let target = first.next()?.to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let cookies = header("cookie")
            .map(|c| {
                c.split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let length: usize = header("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        if length > MAX_BODY {
            return None;
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).ok()?;
        Some(Incoming {
            method,
            path: target.split('?').next().unwrap_or("/").to_string(),
            target: target.to_string(),
            cookies,
            csrf: header("csrf-token"),
            accept: header("accept").unwrap_or_default(),
            user_agent: header("user-agent"),
            sec_gpc: header("sec-gpc").is_some(),
            content_type: header("content-type").unwrap_or_default(),
            body: String::from_utf8_lossy(&body).into_owned(),
            close: header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close")),
        })
    }

    pub(super) fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// LinkedIn's CSRF rule: the csrf-token header equals the JSESSIONID cookie without quotes.
    pub(super) fn csrf_ok(&self) -> bool {
        match (self.cookie("JSESSIONID"), &self.csrf) {
            (Some(cookie), Some(header)) => {
                let cookie = cookie.trim_matches('"');
                !cookie.is_empty() && cookie == header
            }
            _ => false,
        }
    }
}

pub(super) fn csrf_failed() -> Answer {
    Answer::text(403, "text/plain", "CSRF check failed.")
}

/// Accepts connections until `stop` is set, one thread for each, up to [`MAX_CONNECTIONS`].
pub(super) fn accept(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(_) => {
                // Out of file descriptors, say: wait instead of spinning.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            drop(stream);
            continue;
        }
        let shared = Arc::clone(&shared);
        let open_here = Arc::clone(&open);
        let spawned = std::thread::Builder::new()
            .name("sandbox-connection".into())
            .spawn(move || {
                connection(&shared, stream);
                open_here.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// How often a blocked read wakes up to look at its deadline.
const READ_STEP: Duration = Duration::from_millis(500);

/// A connection's reading side, which fails once its deadline has passed.
struct Timed {
    stream: TcpStream,
    until: Option<Instant>,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.until.is_some_and(|t| Instant::now() >= t) {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            match self.stream.read(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                other => return other,
            }
        }
    }
}

/// Serves the requests of one connection, one after another, until it closes.
fn connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_STEP));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(Timed {
        stream,
        until: None,
    });
    let mut writer = writer;
    loop {
        // Idle until the next request starts, then a deadline for all of it.
        reader.get_mut().until = Some(Instant::now() + IDLE);
        match reader.fill_buf() {
            Ok([]) | Err(_) => return,
            Ok(_) => {}
        }
        reader.get_mut().until = Some(Instant::now() + REQUEST_DEADLINE);
        let Some(incoming) = Incoming::read(&mut reader) else {
            return;
        };
        let keep = serve(shared, &incoming, &mut writer);
        if !keep || incoming.close {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Answers one request; `false` when the connection must close after it.
fn serve(shared: &Shared, incoming: &Incoming, out: &mut TcpStream) -> bool {
    if !shared.latency.is_zero() {
        std::thread::sleep(shared.latency);
    }
    let (account, answer) = shared.route(incoming);
    // What is kept or shown of a request is short and holds no control character.
    // The query only where it names what was asked (a discovery category), never otherwise:
    // a query may carry anything.
    let shown = match crate::linkedin::endpoints::route(&incoming.method, &incoming.target) {
        Some((e, _)) if e.pattern.contains('?') => &incoming.target,
        _ => &incoming.path,
    };
    let entry = LoggedRequest {
        method: crate::text::clean_line(&incoming.method, 16),
        path: crate::text::clean_line(shown, MAX_LOGGED_PATH),
        account,
        status: answer.status,
        user_agent: incoming
            .user_agent
            .as_deref()
            .map(|u| crate::text::clean_line(u, 300)),
        jsessionid: incoming
            .cookie("JSESSIONID")
            .map(|j| crate::text::clean_line(j.trim_matches('"'), 64)),
        sec_gpc: incoming.sec_gpc,
    };
    if shared.echo {
        eprintln!(
            "{} {} {} -> {}",
            entry.method,
            entry.path,
            entry.account.as_deref().unwrap_or("-"),
            entry.status
        );
    }
    if incoming.path != LOG_PATH {
        let mut log = lock(&shared.log);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }
    if !answer.delay.is_zero() {
        std::thread::sleep(answer.delay);
    }
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type
    );
    for (name, value) in &answer.headers {
        // A header value never carries a line break into the reply.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    match answer.body {
        AnswerBody::Bytes(bytes) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            out.write_all(head.as_bytes())
                .and_then(|()| out.write_all(&bytes))
                .and_then(|()| out.flush())
                .is_ok()
        }
        AnswerBody::Huge(size) => {
            // No length: the body ends when the connection does.
            head.push_str("Connection: close\r\n\r\n");
            let head_json = b"{\"settings\": [";
            let tail = b"]}";
            let pad = size - head_json.len() - tail.len();
            let spaces = vec![b' '; 64 * 1024];
            let mut write = || -> std::io::Result<()> {
                out.write_all(head.as_bytes())?;
                out.write_all(head_json)?;
                let mut left = pad;
                while left > 0 {
                    let n = left.min(spaces.len());
                    out.write_all(&spaces[..n])?;
                    left -= n;
                }
                out.write_all(tail)?;
                out.flush()
            };
            let _ = write();
            false
        }
    }
}
