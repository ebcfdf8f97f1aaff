//! The channels a check's events go to, once per run each: the desktop's notifications (the
//! freedesktop Notifications interface over D-Bus on Linux, `osascript` on macOS, a toast through
//! PowerShell on Windows), a command (the events as JSON on its standard input), a webhook (an
//! HTTPS POST), and e-mail through the local `sendmail`. Each is bounded in time; each result is
//! kept, so `watch status` and the next run can say a channel failed.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::events::Event;
use crate::secret::Secret;

/// The most events a notice's text shows.
const SHOWN: usize = 10;

/// How long one channel may take.
const LIMIT: Duration = Duration::from_secs(30);

/// What every channel is sent: the run's events.
#[derive(Serialize)]
pub struct Message<'a> {
    pub schema: u32,
    pub tool: crate::report::Tool,
    /// A title for people.
    pub title: String,
    pub events: &'a [Event],
}

impl<'a> Message<'a> {
    pub fn new(events: &'a [Event]) -> Message<'a> {
        let title = match events {
            [one] => format!("LinkedIn privacy: {}", one.message),
            many => format!("LinkedIn privacy: {} things to know", many.len()),
        };
        Message {
            schema: 1,
            tool: crate::report::Tool::default(),
            title: crate::text::clean_line(&title, 200),
            events,
        }
    }

    /// The events as lines of text, each with what to do.
    /// The first [`SHOWN`] events, then how many more (the JSON has them all).
    pub fn body(&self) -> String {
        let mut out = String::new();
        for e in self.events.iter().take(SHOWN) {
            out.push_str(&format!(
                "- {}\n  what to do: {}\n",
                e.message, e.what_to_do
            ));
        }
        if self.events.len() > SHOWN {
            out.push_str(&format!(
                "- and {} more: an audit shows them all\n",
                self.events.len() - SHOWN
            ));
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The desktop's notification.
pub fn desktop(m: &Message) -> Result<(), String> {
    let (title, body) = (m.title.clone(), m.body());
    #[cfg(target_os = "linux")]
    {
        // On a thread of its own, bounded: a session bus that does not answer never hangs a run.
        // Notification servers read a little HTML in the body: text from a server stays text.
        let body = crate::pages::esc(&body);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(freedesktop(&title, &body));
        });
        rx.recv_timeout(LIMIT).unwrap_or_else(|_| {
            Err("the desktop's notification service did not answer".to_string())
        })
    }
    #[cfg(target_os = "macos")]
    {
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let script = format!(
            "display notification \"{}\" with title \"{}\"",
            quote(&body),
            quote(&title)
        );
        run(Command::new("osascript").args(["-e", &script]), None)
    }
    #[cfg(windows)]
    {
        // The text goes in through the environment, never into the script.
        let script = "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null; \
             $x = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02); \
             $t = $x.GetElementsByTagName('text'); $t.Item(0).AppendChild($x.CreateTextNode($env:LP_TITLE)) > $null; $t.Item(1).AppendChild($x.CreateTextNode($env:LP_BODY)) > $null; \
             [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('linkedin-privacy').Show([Windows.UI.Notifications.ToastNotification]::new($x))";
        run(
            Command::new("powershell")
                .args(["-NoProfile", "-NonInteractive", "-Command", script])
                .env("LP_TITLE", &title)
                .env("LP_BODY", &body),
            None,
        )
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    {
        let _ = (title, body);
        Err("no desktop notifications on this system".to_string())
    }
}

#[cfg(target_os = "linux")]
fn freedesktop(title: &str, body: &str) -> Result<(), String> {
    use std::collections::HashMap;
    let conn = zbus::blocking::Connection::session()
        .map_err(|e| format!("no desktop session bus ({e})"))?;
    let hints: HashMap<&str, zbus::zvariant::Value> =
        HashMap::from([("urgency", zbus::zvariant::Value::U8(2))]);
    conn.call_method(
        Some("org.freedesktop.Notifications"),
        "/org/freedesktop/Notifications",
        Some("org.freedesktop.Notifications"),
        "Notify",
        &(
            "linkedin-privacy",
            0u32,
            "dialog-warning",
            title,
            body,
            Vec::<&str>::new(),
            hints,
            -1i32,
        ),
    )
    .map(|_| ())
    .map_err(|e| {
        format!(
            "the desktop's notification service refused ({})",
            crate::text::clean_line(&e.to_string(), 160)
        )
    })
}

/// A command, through the shell, with the message's JSON on its standard input. The session's
/// variables are taken out of its environment.
pub fn command(cmd: &str, m: &Message) -> Result<(), String> {
    let mut c = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", cmd]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", cmd]);
        c
    };
    for var in crate::settings::SESSION_VARS {
        c.env_remove(var);
    }
    run(&mut c, Some(m.json().as_bytes()))
}

/// What ends sendmail's options, so that an address is never read as one.
const END_OF_OPTIONS: &str = "--";

/// E-mail through the local `sendmail` (`sendmail -oi -- ADDRESS`, the message on stdin).
pub fn email(to: &str, m: &Message) -> Result<(), String> {
    if !valid_address(to) {
        return Err(format!(
            "{:?} is not an e-mail address",
            crate::text::clean_line(to, 80)
        ));
    }
    let subject = m.title.replace(['\r', '\n'], " ");
    let mail = format!(
        "To: {to}\nSubject: {subject}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{}\n-- \nlinkedin-privacy watch; `linkedin-privacy watch remove` stops these.\n",
        m.body()
    );
    let mut last = String::new();
    for sendmail in ["sendmail", "/usr/sbin/sendmail", "/usr/lib/sendmail"] {
        match run(
            Command::new(sendmail).args(["-oi", END_OF_OPTIONS, to]),
            Some(mail.as_bytes()),
        ) {
            Err(e) if e.starts_with("cannot start") => last = e,
            done => return done,
        }
    }
    Err(format!("no sendmail on this machine ({last})"))
}

pub fn valid_address(to: &str) -> bool {
    to.contains('@')
        && !to.starts_with('-')
        && to.len() <= 254
        && !to
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == ',' || c == '<' || c == '>')
}

/// The webhook bodies: `json` (the message, and a `text` that Slack's and Matrix's hooks show),
/// `slack` (`{"text": …}` alone), `ntfy` and `text` (the text alone, with ntfy's `Title`).
pub const FORMATS: [&str; 4] = ["json", "slack", "ntfy", "text"];

/// A webhook address this tool posts to: https, or plain http to loopback only. The error never
/// repeats the address (it may hold a token).
pub fn webhook_url(url: &Secret) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url.expose().trim())
        .map_err(|_| "the webhook address is not a URL".to_string())?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback) {
        Ok(parsed)
    } else {
        Err("the webhook address must be https (plain http only on loopback)".to_string())
    }
}

/// An HTTPS POST (plain HTTP only to loopback); a 2xx answer is success.
pub fn webhook(url: &Secret, format: &str, m: &Message) -> Result<(), String> {
    let parsed = url::Url::parse(url.expose())
        .map_err(|_| "the webhook address is not a URL".to_string())?;
    let loopback = parsed.host_str().is_some_and(|h| {
        h == "localhost"
            || h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
            || h == "[::1]"
    });
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
        return Err("the webhook address must be https (plain http only on loopback)".to_string());
    }
    let text = format!("{}\n{}", m.title, m.body());
    let (content_type, body) = match format {
        "slack" => (
            "application/json",
            serde_json::json!({"text": text}).to_string(),
        ),
        "ntfy" | "text" => ("text/plain; charset=utf-8", m.body()),
        _ => {
            let mut v = serde_json::to_value(m).unwrap_or_default();
            v["text"] = serde_json::Value::String(text);
            ("application/json", v.to_string())
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let tls = crate::linkedin::net::rustls_config(&[])?;
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(LIMIT)
        .no_proxy()
        .user_agent(concat!("linkedin-privacy/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    let mut request = client
        .post(parsed.as_str())
        .header("content-type", content_type)
        .body(body);
    if format == "ntfy" {
        request = request.header("Title", m.title.replace(['\r', '\n'], " "));
    }
    // The address may hold a token: an error names the host only.
    let host = parsed.host_str().unwrap_or("?").to_string();
    let status = runtime
        .block_on(async { request.send().await.map(|r| r.status()) })
        .map_err(|e| {
            format!(
                "the webhook at {host} could not be reached ({})",
                if e.is_timeout() {
                    "timed out"
                } else {
                    "connection failed"
                }
            )
        })?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "the webhook at {host} answered {}",
            status.as_u16()
        ))
    }
}

/// Runs a channel's program with `input` on stdin, within [`LIMIT`]; its output is kept only
/// to say why it failed.
fn run(c: &mut Command, input: Option<&[u8]>) -> Result<(), String> {
    let name = c.get_program().to_string_lossy().into_owned();
    // A group of its own, so that what it starts is stopped with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(c, 0);
    let mut child = c
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let mut stderr = child.stderr.take();
    let (tx, errors) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(4096).read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    let stop = |child: &mut std::process::Child| {
        #[cfg(unix)]
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: a signal to the process group this function started; no memory passed.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    };
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{name} took more than {} s and was stopped",
                    LIMIT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    };
    // What it left running in its group goes too (it may hold the output open).
    stop(&mut child);
    let said = String::from_utf8_lossy(
        &errors
            .recv_timeout(Duration::from_secs(1))
            .unwrap_or_default(),
    )
    .into_owned();
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{name} failed ({status}){}",
            match crate::text::clean_line(said.trim(), 160) {
                s if s.is_empty() => String::new(),
                s => format!(": {s}"),
            }
        ))
    }
}
