//! Sign-in from real browsers: a real Chromium and a real Firefox (the Debian packages, headless)
//! visit www.linkedin.com, which the test maps to a loopback server of its own that sets the
//! session cookies; then the binary reads those cookie stores (`login --from-browser`) and signs
//! in to the sandbox, and the sandbox's log shows every request speaking as that browser: its
//! User-Agent and its JSESSIONID. Chromium is covered with both ways it keeps its key on Linux:
//! `v10` (`--password-store=basic`) and `v11` (a key in the private Secret Service that
//! `scripts/with-secret-service` starts). Without a browser a test says so and skips, except under
//! `.ci/run`, which installs them: there a missing browser fails the test.
//!
//! Then the session hygiene that keeps the member's own browser signed in: a reply that revokes
//! the session stops the account at once and marks the stored session, a JSON 429 is throttling,
//! and `Sec-GPC` is never sent.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{World, have, run, run_with_stdin};

/// A server standing in for www.linkedin.com: every GET gets the session's cookies, as
/// LinkedIn's sign-in does. It answers plain requests (Chromium, mapped by
/// `--host-resolver-rules`) and proxy requests (Firefox, through its HTTP proxy setting);
/// anything else (a proxy CONNECT) is refused.
struct CookieServer {
    port: u16,
    hits: Arc<Mutex<Vec<String>>>,
}

impl CookieServer {
    fn start(li_at: &str, jsessionid: &str) -> CookieServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let cookies = format!(
            "Set-Cookie: li_at={li_at}; Domain=.linkedin.com; Path=/; Max-Age=31536000; HttpOnly\r\n\
             Set-Cookie: JSESSIONID=\"{jsessionid}\"; Domain=.linkedin.com; Path=/; Max-Age=31536000\r\n"
        );
        let seen = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                let cookies = cookies.clone();
                std::thread::spawn(move || answer(stream, &cookies, &seen));
            }
        });
        CookieServer { port, hits }
    }

    /// Whether the browser asked for the front page.
    fn visited(&self) -> bool {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .any(|h| h.starts_with("GET ") && h.contains("linkedin.com/ ") || h == "GET / HTTP/1.1")
    }
}

fn answer(mut stream: TcpStream, cookies: &str, seen: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or("").to_string();
    seen.lock().unwrap().push(line.clone());
    let reply = if line.starts_with("GET ") {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{cookies}Content-Length: 27\r\nConnection: close\r\n\r\n<html><body>ok</body></html"
        )
    } else {
        "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
    };
    let _ = stream.write_all(reply.as_bytes());
}

/// A JSESSIONID as LinkedIn mints them, different in every test.
fn browser_jsessionid() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "ajax:{:019}",
        (n % 9_000_000_000_000_000_000) + 1_000_000_000_000_000_000
    )
}

/// Runs a browser until it exits or `deadline` passes (then kills it).
fn run_browser(mut cmd: Command, deadline: Duration) -> std::process::ExitStatus {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the browser starts");
    let until = Instant::now() + deadline;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            return child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The browser's major version, from `PROGRAM --version` ("Chromium 156.0.7632.45 built on
/// Debian", "Mozilla Firefox 153.8.0esr").
fn major_version(program: &str) -> String {
    let out = Command::new(program).arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let word = text
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no version in {text:?}"));
    word.split('.').next().unwrap().to_string()
}

/// Makes a Chromium profile under the test's home (`$XDG_CONFIG_HOME/chromium`, the default
/// place) holding the session's cookies, encrypted the way `password_store` says.
fn chromium_profile(w: &World, password_store: &str, bus: Option<&str>, li_at: &str, jsid: &str) {
    let server = CookieServer::start(li_at, jsid);
    let user_data = w.path("config/chromium");
    let mut cmd = w.hermetic("chromium");
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        &format!("--user-data-dir={}", user_data.display()),
        &format!("--password-store={password_store}"),
        &format!(
            "--host-resolver-rules=MAP www.linkedin.com 127.0.0.1:{}",
            server.port
        ),
        "--dump-dom",
        "http://www.linkedin.com/",
    ]);
    if let Some(bus) = bus {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
    }
    run_browser(cmd, Duration::from_secs(120));
    assert!(server.visited(), "chromium never reached the cookie server");
}

/// The first bytes of the encrypted li_at value in a Chromium cookie database (`v10`, `v11`).
fn chromium_prefix(user_data: &Path) -> String {
    let db = [
        user_data.join("Default/Network/Cookies"),
        user_data.join("Default/Cookies"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .expect("chromium wrote a cookie database");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let value: Vec<u8> = conn
        .query_row(
            "SELECT encrypted_value FROM cookies WHERE name = 'li_at' AND host_key LIKE '%linkedin.com'",
            [],
            |r| r.get(0),
        )
        .expect("chromium stored the li_at cookie");
    String::from_utf8_lossy(&value[..3]).into_owned()
}

/// Makes a Firefox profile the way Firefox does (`-CreateProfile`, under its XDG folder here),
/// then lets Firefox visit the cookie server through its proxy setting.
fn firefox_profile(w: &World, program: &str, li_at: &str, jsid: &str) -> PathBuf {
    let server = CookieServer::start(li_at, jsid);
    let mut create = w.hermetic(program);
    create.args(["--headless", "-CreateProfile", "member"]);
    let status = run_browser(create, Duration::from_secs(60));
    assert!(status.success(), "firefox -CreateProfile failed: {status}");
    let dir = [w.path("config/mozilla/firefox"), w.path(".mozilla/firefox")]
        .into_iter()
        .flat_map(|root| std::fs::read_dir(root).into_iter().flatten().flatten())
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.to_string_lossy().ends_with(".member"))
        .expect("firefox made the profile");
    std::fs::write(
        dir.join("user.js"),
        format!(
            r#"user_pref("network.proxy.type", 1);
user_pref("network.proxy.http", "127.0.0.1");
user_pref("network.proxy.http_port", {});
user_pref("network.proxy.allow_hijacking_localhost", true);
user_pref("network.proxy.no_proxies_on", "");
user_pref("dom.security.https_first", false);
user_pref("dom.security.https_only_mode", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("network.captive-portal-service.enabled", false);
user_pref("app.normandy.enabled", false);
"#,
            server.port
        ),
    )
    .unwrap();
    let mut visit = w.hermetic(program);
    visit.args(["--headless", "--profile"]);
    visit.arg(&dir).arg("http://www.linkedin.com/");
    let mut child = visit
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(90);
    while !server.visited() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.visited(), "firefox never reached the cookie server");
    // Time to store the cookies, then a polite quit (SIGTERM shuts Firefox down cleanly).
    std::thread::sleep(Duration::from_secs(2));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let until = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    dir
}

/// Whether the suite must have a Secret Service (under `.ci/run`), else the bus if there is one.
fn secret_service(test: &str) -> Option<String> {
    let bus = crate::common::private_bus();
    if bus.is_none() {
        assert!(
            std::env::var("LINKEDIN_PRIVACY_REQUIRE_SECRET_SERVICE").as_deref() != Ok("1"),
            "LINKEDIN_PRIVACY_REQUIRE_SECRET_SERVICE=1 but {test} finds no private Secret Service"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no private Secret Service (run the suite with scripts/with-secret-service)"
        );
    }
    bus
}

/// Every request the account made sends exactly this User-Agent and this JSESSIONID, and none
/// sends `Sec-GPC`.
fn assert_speaks_as(w: &World, account: &str, user_agent: &str, jsid: &str) {
    let requests: Vec<_> = w
        .requests()
        .into_iter()
        .filter(|r| r.account.as_deref() == Some(account))
        .collect();
    assert!(requests.len() >= 2, "{requests:?}");
    for r in &requests {
        assert_eq!(
            r.user_agent.as_deref(),
            Some(user_agent),
            "{} {}",
            r.method,
            r.path
        );
        assert_eq!(
            r.jsessionid.as_deref().map(|j| j.trim_matches('"')),
            Some(jsid),
            "{} {}",
            r.method,
            r.path
        );
        assert!(!r.sec_gpc, "{} {} sent Sec-GPC", r.method, r.path);
    }
}

/// Signs in from the browser (stored in the plain file), audits, and checks what the sandbox saw
/// and what `status` says.
fn sign_in_and_audit(w: &World, login: &[&str], user_agent: &str, jsid: &str, from: &str) {
    let mut args = vec!["--insecure-storage", "login"];
    args.extend_from_slice(login);
    let mut cmd = w.cmd();
    w.private_keyring(&mut cmd);
    let r = run(cmd.args(&args));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Signed in as Ada Lovelace"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(user_agent), "{}", r.stdout);
    assert!(r.stderr.contains(&format!("from {from}")), "{}", r.stderr);
    assert!(!r.stdout.contains(&w.token("demo")) && !r.stderr.contains(&w.token("demo")));

    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "audit",
        "--group",
        "ai",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed", "{}", r.stdout);
    assert_speaks_as(w, "demo", user_agent, jsid);

    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let s = &r.json()["sessions"][0];
    assert_eq!(s["user_agent"], user_agent, "{s}");
    assert_eq!(s["user_agent_source"], "browser", "{s}");
    assert!(
        s["from"].as_str().is_some_and(|f| f.starts_with(from)),
        "{s}"
    );
    let r = run(w.cmd().args(["--insecure-storage", "status", "--offline"]));
    assert!(
        r.stdout
            .contains("sends User-Agent as the browser it came from"),
        "{}",
        r.stdout
    );
}

fn chrome_ua(major: &str) -> String {
    format!(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"
    )
}

#[test]
fn chromium_v10_the_fixed_key() {
    if !have("chromium", "browsers::chromium_v10_the_fixed_key") {
        return;
    }
    let w = World::new();
    let jsid = browser_jsessionid();
    chromium_profile(&w, "basic", None, &w.token("demo"), &jsid);
    assert_eq!(chromium_prefix(&w.path("config/chromium")), "v10");
    let ua = chrome_ua(&major_version("chromium"));
    // No browser named: the installed ones are tried in order, and the one used is named.
    sign_in_and_audit(&w, &["--from-browser"], &ua, &jsid, "chromium");

    // When the browser's version cannot be read, its User-Agent is not known: nothing is sent
    // in another browser's name (not even the check), unless the member gives the UA.
    std::fs::remove_file(w.path("config/chromium/Last Version")).unwrap();
    let before = w.requests().len();
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "nover",
        "login",
        "--from-browser",
        "chromium",
    ]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("cannot tell which User-Agent"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--user-agent"), "{}", r.stderr);
    assert_eq!(w.requests().len(), before, "a request went out");
    let given = chrome_ua("150");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "nover",
        "login",
        "--from-browser",
        "chromium",
        "--user-agent",
        &given,
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        w.requests().last().unwrap().user_agent.as_deref(),
        Some(given.as_str())
    );
}

#[test]
fn chromium_v11_the_key_in_the_secret_service() {
    if !have(
        "chromium",
        "browsers::chromium_v11_the_key_in_the_secret_service",
    ) {
        return;
    }
    let Some(bus) = secret_service("browsers::chromium_v11_the_key_in_the_secret_service") else {
        return;
    };
    let w = World::new();
    let jsid = browser_jsessionid();
    chromium_profile(&w, "gnome-libsecret", Some(&bus), &w.token("demo"), &jsid);
    assert_eq!(chromium_prefix(&w.path("config/chromium")), "v11");
    let ua = chrome_ua(&major_version("chromium"));

    // Without the keyring the key cannot be read: said so, nothing stored.
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "login", "--from-browser", "chromium"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("Secret Service"), "{}", r.stderr);
    assert!(
        r.stderr.contains("hint: unlock the keyring"),
        "{}",
        r.stderr
    );

    sign_in_and_audit(
        &w,
        &["--from-browser", "chromium:Default"],
        &ua,
        &jsid,
        "chromium",
    );
}

#[test]
fn firefox_from_its_xdg_folder() {
    let program = "firefox-esr";
    if !have(program, "browsers::firefox_from_its_xdg_folder") {
        return;
    }
    let w = World::new();
    let jsid = browser_jsessionid();
    let dir = firefox_profile(&w, program, &w.token("demo"), &jsid);
    assert!(
        dir.starts_with(w.path("config/mozilla/firefox")),
        "{}",
        dir.display()
    );
    let major = major_version(program);
    let ua =
        format!("Mozilla/5.0 (X11; Linux x86_64; rv:{major}.0) Gecko/20100101 Firefox/{major}.0");
    sign_in_and_audit(&w, &["--from-browser", "firefox"], &ua, &jsid, "firefox");

    // A profile's name wins over a folder of that name where the tool runs.
    std::fs::create_dir_all(w.path("member")).unwrap();
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "named",
        "login",
        "--from-browser",
        "firefox:member",
    ]));
    assert_eq!(r.code, 0, "{r:?}");

    // The old flag is an alias and finds the same profile without a folder.
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "old",
        "login",
        "--from-firefox",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(&ua), "{}", r.stdout);
}

#[test]
fn a_revoking_reply_stops_the_account_at_once_and_marks_the_stored_session() {
    let w = World::new();
    let r = w.login_profile("p", "revoked-later");
    assert_eq!(r.code, 0, "{r:?}");
    let before = w.calls("revoked-later").len();

    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "p",
        "--format",
        "json",
        "audit",
    ]));
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "session_revoked", "{}", r.stdout);
    assert!(
        r.stderr.contains("LinkedIn ended this session"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("browser"), "{}", r.stderr);
    // The revoking reply was the last request: no retry, no other card.
    assert_eq!(
        w.calls("revoked-later").len(),
        before + 1,
        "{:?}",
        w.calls("revoked-later")
    );

    // The stored session is marked, shown, and not used again.
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "--format", "json", "status"]));
    assert_eq!(r.code, 4, "{r:?}");
    let s = &r.json()["sessions"][0];
    assert!(s["revoked_at"].is_string(), "{s}");
    let r = run(w.cmd().args(["--insecure-storage", "status"]));
    assert!(r.stdout.contains("no: revoked"), "{}", r.stdout);
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "--profile", "p", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("revoked"), "{}", r.stderr);
    assert_eq!(w.calls("revoked-later").len(), before + 1);

    // A new sign-in clears the mark.
    let r = w.login_profile("p", "demo");
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    assert!(
        r.json()["sessions"][0]["revoked_at"].is_null(),
        "{}",
        r.stdout
    );
}

#[test]
fn the_objection_stops_at_a_revoking_reply_too() {
    let w = World::new();
    let r = w.login_profile("p", "revoked-later");
    assert_eq!(r.code, 0, "{r:?}");
    let before = w.calls("revoked-later").len();
    let r = run(w.cmd().env("BROWSER", "true").args([
        "--insecure-storage",
        "--profile",
        "p",
        "objection",
        "--email",
        "ada@example.com",
    ]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("LinkedIn ended this session"),
        "{}",
        r.stderr
    );
    assert_eq!(
        w.calls("revoked-later").len(),
        before + 1,
        "{:?}",
        w.calls("revoked-later")
    );
}

#[test]
fn a_session_revoked_at_sign_in_is_not_stored() {
    let w = World::new();
    let r = w.login_profile("p", "revoked");
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("LinkedIn ended this session"),
        "{}",
        r.stderr
    );
    assert_eq!(w.calls("revoked").len(), 1, "{:?}", w.calls("revoked"));
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    assert!(
        r.json()["sessions"].as_array().is_none_or(|s| s.is_empty()),
        "{}",
        r.stdout
    );
}

#[test]
fn a_json_429_is_throttling() {
    let w = World::new();
    let r = w.run(
        "throttled-json",
        &["--format", "json", "audit", "--group", "ai"],
    );
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "throttled", "{}", r.stdout);
}

#[test]
fn a_pasted_session_takes_the_given_user_agent_or_one_stable_default() {
    let w = World::new();
    let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:150.0) Gecko/20100101 Firefox/150.0";
    let mut login = w.cmd();
    login.args([
        "--insecure-storage",
        "--profile",
        "given",
        "login",
        "--cookie-stdin",
        "--user-agent",
        ua,
    ]);
    let r = run_with_stdin(&mut login, &w.token("demo"));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "given",
        "audit",
        "--group",
        "ai",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    let seen: Vec<_> = w
        .requests()
        .into_iter()
        .filter(|r| r.account.as_deref() == Some("demo"))
        .collect();
    assert!(
        seen.iter()
            .all(|r| r.user_agent.as_deref() == Some(ua) && !r.sec_gpc),
        "{seen:?}"
    );

    // Without one: the tool's own, the same on every request and every run.
    let before = w.requests().len();
    let r = w.login_profile("plain", "demo");
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--profile",
        "plain",
        "audit",
        "--group",
        "ai",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    let uas: std::collections::BTreeSet<_> = w.requests()[before..]
        .iter()
        .map(|r| r.user_agent.clone())
        .collect();
    assert_eq!(uas.len(), 1, "{uas:?}");
    let default = uas.into_iter().next().flatten().unwrap();
    assert!(
        default.starts_with("Mozilla/5.0 (X11; Linux x86_64)") && default.contains("Chrome/"),
        "{default}"
    );
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    let sessions = r.json()["sessions"].clone();
    let plain = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == "plain")
        .unwrap()
        .clone();
    assert_eq!(plain["user_agent_source"], "default", "{plain}");
    let given = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == "given")
        .unwrap()
        .clone();
    assert_eq!(given["user_agent_source"], "given", "{given}");
    assert_eq!(given["user_agent"], ua);

    // A User-Agent a header cannot hold is refused before anything is stored.
    let mut login = w.cmd();
    login.args([
        "--insecure-storage",
        "--profile",
        "bad",
        "login",
        "--cookie-stdin",
        "--user-agent",
        "bad\u{7}agent",
    ]);
    let r = run_with_stdin(&mut login, &w.token("demo"));
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    assert!(!r.stdout.contains("\"bad\""), "{}", r.stdout);
}
