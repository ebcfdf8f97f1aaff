//! The sandbox's HTTP side: reading a request into what the routes look at, and writing the
//! answer back (with the latency and the request log on the way).

use std::io::{Cursor, Read};
use std::time::Duration;

use serde_json::{Value, json};

use super::{LOG_CAPACITY, LOG_PATH, LoggedRequest, Shared, lock};

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
    pub(super) cookies: Vec<(String, String)>,
    pub(super) csrf: Option<String>,
    pub(super) accept: String,
    pub(super) content_type: String,
    pub(super) body: String,
}

impl Incoming {
    pub(super) fn read(rq: &mut tiny_http::Request) -> Incoming {
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

/// Serves one request.
pub(super) fn serve(shared: &Shared, mut rq: tiny_http::Request) {
    if !shared.latency.is_zero() {
        std::thread::sleep(shared.latency);
    }
    let incoming = Incoming::read(&mut rq);
    let (account, answer) = shared.route(&incoming);
    let entry = LoggedRequest {
        method: incoming.method.clone(),
        path: incoming.path.clone(),
        account,
        status: answer.status,
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
    let mut headers = vec![
        tiny_http::Header::from_bytes("Content-Type", answer.content_type).expect("static header"),
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
