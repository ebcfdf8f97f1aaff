//! A hostile server for the tests: raw HTTP/1.1 over TCP on loopback, answering each request
//! with whatever a test's handler says, byte for byte: wrong statuses, escape sequences, bodies
//! that trickle in or never end, headers no real server would send. It records every request
//! (method, path, body), and on drop asserts that its handler never panicked and that it was
//! hit at all (unless the test said it must not be).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the hostile server read it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub body: String,
    pub cookie: Option<String>,
    pub at: Instant,
}

/// How the body is sent.
pub enum Body {
    Bytes(Vec<u8>),
    /// One byte, then a pause, and so on: a reply that never quite stalls.
    Trickle(Vec<u8>, Duration),
    /// The headers, then nothing for this long.
    Stall(Duration),
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::raw(status, "application/json", body.as_bytes().to_vec())
    }
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::raw(status, "text/html; charset=utf-8", body.as_bytes().to_vec())
    }
    pub fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body),
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Hit, usize) -> Reply + Send + Sync;

pub struct Hostile {
    pub base_url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    panicked: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    expect_hits: bool,
}

impl Hostile {
    /// Serves every request with `handler(hit, n)`, where `n` counts requests from 0.
    pub fn start(handler: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let panicked = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (hits, panicked, stop) = (hits.clone(), panicked.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (hits, panicked, handler) =
                        (hits.clone(), panicked.clone(), handler.clone());
                    std::thread::spawn(move || {
                        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            serve(stream, &hits, &*handler)
                        }));
                        if result.is_err() {
                            panicked.store(true, Ordering::SeqCst);
                        }
                    });
                }
            });
        }
        Hostile {
            base_url,
            hits,
            panicked,
            stop,
            expect_hits: true,
        }
    }

    /// For a test in which the tool must not send this server anything.
    pub fn expect_no_hits(mut self) -> Hostile {
        self.expect_hits = false;
        self
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// `METHOD path` of every request so far.
    pub fn calls(&self) -> Vec<String> {
        self.hits()
            .iter()
            .map(|h| format!("{} {}", h.method, h.path))
            .collect()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let hits = self.hits.lock().map(|h| h.len()).unwrap_or(0);
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.base_url.trim_start_matches("http://"));
        if !std::thread::panicking() {
            assert!(
                !self.panicked.load(Ordering::SeqCst),
                "the hostile server's handler panicked"
            );
            if self.expect_hits {
                assert!(
                    hits > 0,
                    "the hostile server was never hit: the test tested nothing"
                );
            } else {
                assert_eq!(hits, 0, "the hostile server was hit");
            }
        }
    }
}

fn serve(stream: TcpStream, hits: &Mutex<Vec<Hit>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut length = 0usize;
    let mut cookie = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "cookie" => cookie = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let hit = Hit {
        method,
        path,
        body: String::from_utf8_lossy(&body).into_owned(),
        cookie,
        at: Instant::now(),
    };
    let n = {
        let mut h = hits.lock().unwrap();
        h.push(hit.clone());
        h.len() - 1
    };
    let reply = handler(&hit, n);
    let mut out = stream;
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match &reply.body {
        Body::Bytes(b) => head.push_str(&format!("Content-Length: {}\r\n\r\n", b.len())),
        Body::Trickle(b, _) => head.push_str(&format!("Content-Length: {}\r\n\r\n", b.len())),
        Body::Stall(_) => head.push_str("Content-Length: 100\r\n\r\n"),
    }
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    match reply.body {
        Body::Bytes(b) => {
            let _ = out.write_all(&b);
        }
        Body::Trickle(b, pause) => {
            for byte in b {
                if out.write_all(&[byte]).and_then(|()| out.flush()).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        }
        Body::Stall(d) => std::thread::sleep(d),
    }
    let _ = out.flush();
}

/// One TOGGLE setting whose value, onValue and offValue are the given JSON texts.
pub fn toggle(key: &str, value: &str, on: &str, off: &str) -> String {
    format!(
        r#"{{"key":"{key}","entityUrn":"urn:li:settingEntity:{key}","settingDisplayType":"TOGGLE","value":{value},"onValue":{on},"offValue":{off},"hasChild":false}}"#
    )
}

/// A settings card holding the given settings.
pub fn card(settings: &[String]) -> String {
    format!(r#"{{"settings":[{}]}}"#, settings.join(","))
}

/// A settings card with one TOGGLE.
pub fn toggle_card(key: &str, value: &str, on: &str, off: &str) -> String {
    card(&[toggle(key, value, on, off)])
}

/// `/voyager/api/me` in the plain shape, with the given first name (a JSON string's content).
pub fn me(first_name: &str) -> String {
    format!(
        r#"{{"plainId":1,"miniProfile":{{"firstName":"{first_name}","lastName":"Lovelace","publicIdentifier":"ada-lovelace","entityUrn":"urn:li:fs_miniProfile:ACoAA1"}}}}"#
    )
}
