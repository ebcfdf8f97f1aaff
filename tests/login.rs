//! `login`, `logout` and `status` through the binary against the sandbox: every way in, profiles,
//! the stores, and what happens when things go wrong. The keyring is absent in these hermetic
//! runs (no D-Bus), so the file store is used; `tests/keyring.rs` covers a real Secret Service.

use std::path::{Path, PathBuf};

use crate::common::{Run, World, run, run_with_stdin};
use linkedin_privacy::sandbox::Fault;
use serde_json::Value;

fn sessions_file(w: &World) -> PathBuf {
    w.path("config/linkedin-privacy/sessions.json")
}

fn login_stdin(w: &World, input: &str, extra: &[&str]) -> Run {
    let mut cmd = w.cmd();
    cmd.args(["--insecure-storage", "login", "--cookie-stdin"])
        .args(extra);
    run_with_stdin(&mut cmd, input)
}

fn status(w: &World, extra: &[&str]) -> (Run, Value) {
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "status", "--json"])
        .args(extra));
    let v = r.json();
    (r, v)
}

#[test]
fn cookie_stdin_stores_a_validated_session_that_later_commands_use() {
    let w = World::new();
    let r = login_stdin(&w, &format!("{}\n", w.token("demo")), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Signed in as Ada Lovelace (ada-lovelace)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("warning: sessions are kept in a plain file")
    );
    // Validated with exactly one /me call.
    assert_eq!(w.calls("demo"), vec!["GET /voyager/api/me"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sessions_file(&w))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A later audit uses it, knows the name, and makes no /me call.
    let r = run(w.cmd().args(["--insecure-storage", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(v["account"]["profile"], "default");
    assert_eq!(v["account"]["name"], "Ada Lovelace");
    let mut want = vec!["GET /voyager/api/me".to_string()];
    want.extend(crate::common::all_cards());
    assert_eq!(w.calls("demo"), want);
}

#[test]
fn cookie_stdin_takes_jsessionid_on_the_second_line() {
    let w = World::new();
    let input = format!(
        "li_at={}\nJSESSIONID=\"ajax:1234567890123456789\"\n",
        w.token("private")
    );
    let r = login_stdin(&w, &input, &["--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["name"], "Grace Hopper");
    assert_eq!(v["store"], "file");
    let stored = std::fs::read_to_string(sessions_file(&w)).unwrap();
    assert!(stored.contains("ajax:1234567890123456789"));
}

#[test]
fn bad_stdin_is_a_usage_error_and_stores_nothing() {
    let w = World::new();
    let r = login_stdin(&w, "\n  \n", &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("standard input is empty"), "{}", r.stderr);
    assert!(r.stderr.contains("hint:"));
    let r = login_stdin(&w, "two words\n", &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!sessions_file(&w).exists());
    assert!(w.requests().is_empty());
}

#[test]
fn a_refused_session_is_not_stored_and_does_not_replace_a_working_one() {
    let w = World::new();
    assert_eq!(login_stdin(&w, &w.token("demo"), &[]).code, 0);
    let before = std::fs::read(sessions_file(&w)).unwrap();
    for (account, kind) in [("expired", "session_expired"), ("challenge", "challenge")] {
        let r = login_stdin(&w, &w.token(account), &["--json"]);
        assert_eq!(r.code, 4, "{account}: {r:?}");
        assert!(
            r.stderr.contains(kind.split('_').next().unwrap()),
            "{}",
            r.stderr
        );
    }
    let r = login_stdin(&w, "not-a-sandbox-token", &[]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(std::fs::read(sessions_file(&w)).unwrap(), before);
    let (r, v) = status(&w, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(v["sessions"][0]["name"], "Ada Lovelace");
    assert_eq!(v["sessions"][0]["works"], true);
}

fn write_cookies_txt(path: &Path, lines: &[String]) {
    let mut text =
        String::from("# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn cookie_line(domain: &str, name: &str, value: &str) -> String {
    format!("{domain}\tTRUE\t/\tTRUE\t1893456000\t{name}\t{value}")
}

#[test]
fn cookies_txt_way_in() {
    let w = World::new();
    let file = w.path("cookies.txt");
    write_cookies_txt(
        &file,
        &[
            cookie_line(".example.com", "li_at", "not-this-one"),
            format!(
                "#HttpOnly_{}",
                cookie_line(".www.linkedin.com", "li_at", &w.token("private"))
            ),
            cookie_line(
                ".www.linkedin.com",
                "JSESSIONID",
                "\"ajax:9876543210987654321\"",
            ),
            cookie_line(".linkedin.com", "lang", "v=2&lang=en-us"),
        ],
    );
    let r = run(w.cmd().args([
        "--insecure-storage",
        "login",
        "--cookies-file",
        file.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Grace Hopper"));
    assert!(
        std::fs::read_to_string(sessions_file(&w))
            .unwrap()
            .contains("ajax:9876543210987654321")
    );
}

#[test]
fn bad_cookies_txt_files() {
    let w = World::new();
    let file = w.path("cookies.txt");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![cookie_line(".linkedin.com", "JSESSIONID", "\"ajax:1\"")],
            "holds no li_at cookie for linkedin.com",
        ),
        (
            vec![cookie_line(".notlinkedin.com", "li_at", "x")],
            "has an li_at cookie only for .notlinkedin.com",
        ),
        (
            vec!["this is not a cookie file".to_string()],
            "not a Netscape cookies.txt file",
        ),
    ];
    for (lines, message) in cases {
        write_cookies_txt(&file, &lines);
        let r = run(w.cmd().args([
            "--insecure-storage",
            "login",
            "--cookies-file",
            file.to_str().unwrap(),
        ]));
        assert_eq!(r.code, 2, "{message}: {r:?}");
        assert!(r.stderr.contains(message), "{}", r.stderr);
        assert!(r.stderr.contains("hint:"));
    }
    let r = run(w.cmd().args([
        "--insecure-storage",
        "login",
        "--cookies-file",
        "/nonexistent/cookies.txt",
    ]));
    assert_eq!(r.code, 2);
    assert!(!sessions_file(&w).exists());
    assert!(w.requests().is_empty());
}

/// A `cookies.sqlite` in Firefox's own schema.
fn firefox_db(dir: &Path, cookies: &[(&str, &str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    // The version Firefox last ran with, which its User-Agent is built from.
    std::fs::write(
        dir.join("compatibility.ini"),
        "[Compatibility]\nLastVersion=150.0.1_20261001000000/20261001000000\nLastOSABI=Linux_x86_64-gcc3\n",
    )
    .unwrap();
    let conn = rusqlite::Connection::open(dir.join("cookies.sqlite")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
           name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER,
           creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0,
           sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0,
           isPartitionedAttributeSet INTEGER DEFAULT 0,
           CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes));",
    )
    .unwrap();
    for (i, (host, name, value)) in cookies.iter().enumerate() {
        conn.execute(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime, isSecure, isHttpOnly)
             VALUES (?1, ?2, ?3, '/', 1893456000000, ?4, ?4, 1, 1)",
            rusqlite::params![name, value, host, 1_700_000_000_000_000i64 + i as i64],
        )
        .unwrap();
    }
}

#[test]
fn firefox_way_in_reads_a_locked_database_from_a_copy() {
    let w = World::new();
    let profile = w.path("home/.mozilla/firefox/abcd1234.default-release");
    firefox_db(
        &profile,
        &[
            (".example.com", "li_at", "other-site"),
            (".www.linkedin.com", "li_at", &w.token("demo")),
            (
                ".www.linkedin.com",
                "JSESSIONID",
                "\"ajax:1111111111111111111\"",
            ),
        ],
    );
    // Hold Firefox's exclusive lock on the original while the tool reads it.
    let lock = rusqlite::Connection::open(profile.join("cookies.sqlite")).unwrap();
    lock.execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    let tmp = w.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let r = run(w.cmd().env("TMPDIR", &tmp).args([
        "--insecure-storage",
        "login",
        "--from-firefox",
        profile.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Ada Lovelace"));
    // The private copy is gone.
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    drop(lock);

    // Without a folder: the default profile from profiles.ini under HOME.
    std::fs::write(
        w.path("home/.mozilla/firefox/profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=abcd1234.default-release\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n",
    )
    .unwrap();
    let r = run(w
        .cmd()
        .env("HOME", w.path("home"))
        .env("XDG_CONFIG_HOME", w.path("config"))
        .args([
            "--insecure-storage",
            "--profile",
            "ff",
            "login",
            "--from-firefox",
            "--json",
        ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["profile"], "ff");
}

#[test]
fn bad_firefox_profiles() {
    let w = World::new();
    let corrupt = w.path("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(
        corrupt.join("cookies.sqlite"),
        b"this is not an SQLite database at all, just bytes",
    )
    .unwrap();
    let r = run(w.cmd().args([
        "--insecure-storage",
        "login",
        "--from-firefox",
        corrupt.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("cannot read") && r.stderr.contains("Firefox cookie database"),
        "{}",
        r.stderr
    );

    let other = w.path("other");
    firefox_db(&other, &[(".example.com", "li_at", "x")]);
    let r = run(w.cmd().args([
        "--insecure-storage",
        "login",
        "--from-firefox",
        other.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("has no li_at cookie for linkedin.com"),
        "{}",
        r.stderr
    );

    let empty = w.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = run(w.cmd().args([
        "--insecure-storage",
        "login",
        "--from-firefox",
        empty.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no cookies.sqlite"), "{}", r.stderr);

    // No profile folder at all under HOME.
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "login", "--from-firefox"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot find a Firefox profile"),
        "{}",
        r.stderr
    );
    // Every place this system keeps Firefox profiles is named: the XDG folder (the test's
    // XDG_CONFIG_HOME is ~/config), the classic one, snap and flatpak; not another system's.
    for place in [
        "~/config/mozilla/firefox/profiles.ini",
        "~/.mozilla/firefox/profiles.ini",
        "~/snap/firefox/common/.mozilla/firefox/profiles.ini",
        "~/.var/app/org.mozilla.firefox/.mozilla/firefox/profiles.ini",
    ] {
        assert!(r.stderr.contains(place), "{place}: {}", r.stderr);
    }
    assert!(
        !r.stderr.contains("Library/Application Support"),
        "{}",
        r.stderr
    );
    assert!(!sessions_file(&w).exists());
}

fn password_login(w: &World, email: &str, password: &str) -> Run {
    let mut cmd = w.cmd();
    cmd.args([
        "--insecure-storage",
        "login",
        "--email",
        email,
        "--password-stdin",
    ]);
    run_with_stdin(&mut cmd, &format!("{password}\n"))
}

#[test]
fn password_way_in() {
    let w = World::new();
    let r = password_login(&w, "ada@example.com", "sandbox-password");
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Ada Lovelace"));
    let calls: Vec<String> = w
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /uas/authenticate",
            "POST /uas/authenticate",
            "GET /voyager/api/me"
        ]
    );
    let r = run(w.cmd().args(["--insecure-storage", "audit", "--json"]));
    assert_eq!(r.code, 1);
}

#[test]
fn password_refusals_and_challenge() {
    let w = World::new();
    for (email, password, needle) in [
        ("ada@example.com", "wrong", "BAD_PASSWORD"),
        ("nobody@example.com", "sandbox-password", "BAD_EMAIL"),
    ] {
        let r = password_login(&w, email, password);
        assert_eq!(r.code, 4, "{r:?}");
        assert!(
            r.stderr.contains("refused the email or password"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(needle), "{}", r.stderr);
    }
    let r = password_login(&w, "challenge@example.com", "sandbox-password");
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr
            .contains("https://www.linkedin.com/checkpoint/challenge/"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("sign in with the cookie instead"),
        "{}",
        r.stderr
    );
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "login", "--email", "ada@example.com"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--password-stdin"));
    assert!(!sessions_file(&w).exists());
}

#[test]
fn the_prompt_way_in_needs_a_terminal_and_hides_the_token() {
    let w = World::new();
    // Off a terminal: a clear usage error naming the other ways.
    let r = run(w.cmd().args(["--insecure-storage", "login"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--cookie-stdin"), "{}", r.stderr);
    // On a terminal (a pseudo-terminal from `script`): the hidden prompt, typed into once shown.
    let token = w.token("demo");
    let Some(r) = crate::common::run_on_terminal(
        &w,
        &["--insecure-storage", "login"],
        &[],
        "li_at (hidden): ",
        &token,
    ) else {
        eprintln!("SKIPPED: the prompt test needs `script` (util-linux) for a pseudo-terminal");
        return;
    };
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Application (Storage in Firefox) > Cookies"),
        "{}",
        r.stdout
    );
    // On a terminal the output is coloured.
    assert!(
        r.stdout
            .contains("\x1b[1;32mSigned in\x1b[0m as Ada Lovelace"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains(&w.token("demo")),
        "the token was echoed: {}",
        r.stdout
    );
}

#[test]
fn profiles_live_side_by_side() {
    let w = World::new();
    assert_eq!(login_stdin(&w, &w.token("demo"), &[]).code, 0);
    let r = run_with_stdin(
        w.cmd().args([
            "--insecure-storage",
            "--profile",
            "work",
            "login",
            "--cookie-stdin",
        ]),
        &w.token("private"),
    );
    assert_eq!(r.code, 0, "{r:?}");
    let (r, v) = status(&w, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let names: Vec<(&str, &str)> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["profile"].as_str().unwrap(), s["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [("default", "Ada Lovelace"), ("work", "Grace Hopper")]
    );
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "--profile", "work", "audit", "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["account"]["profile"], "work");
    let r = run(w.cmd().env("LINKEDIN_PRIVACY_PROFILE", "default").args([
        "--insecure-storage",
        "audit",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["account"]["name"], "Ada Lovelace");

    let r = run(w
        .cmd()
        .args(["--insecure-storage", "--profile", "work", "logout"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Forgot profile \"work\""));
    assert!(r.stdout.contains("sign out in a browser"));
    let (_, v) = status(&w, &["--offline"]);
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "--profile", "work", "audit"]));
    assert_eq!(r.code, 4);
    assert!(
        r.stderr.contains("no session stored for profile \"work\""),
        "{}",
        r.stderr
    );

    let r = run(w
        .cmd()
        .args(["--insecure-storage", "logout", "--all", "--json"]));
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["forgotten"], serde_json::json!(["default"]));
    let (r, v) = status(&w, &[]);
    assert_eq!(r.code, 4, "no sessions at all: not signed in");
    assert_eq!(v["sessions"], serde_json::json!([]));
}

#[test]
fn status_offline_makes_no_request_and_env_wins_over_the_store() {
    let w = World::new();
    assert_eq!(login_stdin(&w, &w.token("demo"), &[]).code, 0);
    let before = w.requests().len();
    let (r, v) = status(&w, &["--offline"]);
    assert_eq!(r.code, 0);
    assert_eq!(v["sessions"][0]["works"], Value::Null);
    assert_eq!(w.requests().len(), before);

    let stored = std::fs::read(sessions_file(&w)).unwrap();
    let r = run(w.cmd().env("LINKEDIN_LI_AT", w.token("private")).args([
        "--insecure-storage",
        "audit",
        "--json",
    ]));
    assert_eq!(r.code, 0, "the environment's session (private) wins: {r:?}");
    assert_eq!(r.json()["account"]["profile"], Value::Null);
    assert_eq!(
        std::fs::read(sessions_file(&w)).unwrap(),
        stored,
        "env is never written"
    );
    let r = run(w.cmd().env("LINKEDIN_LI_AT", w.token("private")).args([
        "--insecure-storage",
        "status",
        "--json",
    ]));
    let v = r.json();
    let stores: Vec<&str> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["store"].as_str().unwrap())
        .collect();
    assert_eq!(stores, ["env", "file"]);
}

#[test]
fn an_expired_stored_session_is_reported_and_kept() {
    let w = World::new();
    assert_eq!(login_stdin(&w, &w.token("demo"), &[]).code, 0);
    w.sandbox.set_fault("demo", Fault::Expired);
    let r = run(w.cmd().args(["--insecure-storage", "audit", "--json"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "session_expired");
    let (r, v) = status(&w, &[]);
    assert_eq!(r.code, 4);
    assert_eq!(v["sessions"][0]["works"], false);
    assert_eq!(v["sessions"][0]["error"]["kind"], "session_expired");
    // Still stored: the user decides when to forget it.
    w.sandbox.set_fault("demo", Fault::None);
    let (r, _) = status(&w, &[]);
    assert_eq!(r.code, 0);
}

#[test]
fn a_missing_keyring_is_a_clear_error_naming_the_alternatives() {
    let w = World::new();
    let mut cmd = w.cmd();
    // The keyring on, and no bus to find it by.
    cmd.env("LINKEDIN_PRIVACY_KEYRING", "os")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", w.path("no-bus").display()),
        )
        .args(["login", "--cookie-stdin"]);
    let r = run_with_stdin(&mut cmd, &w.token("demo"));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("cannot use the OS keyring"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--insecure-storage") && r.stderr.contains("LINKEDIN_LI_AT"));
    assert!(!w.path("config/linkedin-privacy/profiles.json").exists());
    // Never signed in: plainly "not signed in", without a trip to the keyring.
    let r = run(w.cmd().args(["audit", "--json"]));
    assert_eq!(r.code, 4);
    assert_eq!(r.json()["error"]["kind"], "not_signed_in");
    // Signed in earlier (the index lists the profile), but the keyring is gone now.
    let index = w.path("config/linkedin-privacy/profiles.json");
    std::fs::create_dir_all(index.parent().unwrap()).unwrap();
    std::fs::write(&index, r#"{"profiles": ["default"]}"#).unwrap();
    let r = run(w
        .cmd()
        .env("LINKEDIN_PRIVACY_KEYRING", "os")
        .args(["audit", "--json"]));
    assert_eq!(r.code, 4);
    assert_eq!(r.json()["error"]["kind"], "store");
    assert!(r.stderr.contains("--insecure-storage"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_world_readable_session_file_is_refused_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    assert_eq!(login_stdin(&w, &w.token("demo"), &[]).code, 0);
    let path = sessions_file(&w);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let r = run(w.cmd().args(["--insecure-storage", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("can be read by other users"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("chmod 600"));
    let r = login_stdin(&w, &w.token("private"), &[]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn sandbox_login_validates_but_stores_nothing() {
    let w = World::new();
    let mut cmd = w.cmd();
    cmd.args(["--sandbox", "login", "--cookie-stdin"]);
    let r = run_with_stdin(&mut cmd, "sandbox-li_at-private");
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("not stored"), "{}", r.stdout);
    assert!(crate::common::files_below(w.home.path()).is_empty());
}

/// A session bus that accepts connections and never answers: a hung Secret Service is a clear
/// error within the keyring's time limit, never a hang, and nothing is stored.
#[cfg(unix)]
#[test]
fn a_hung_keyring_is_an_error_in_bounded_time() {
    let w = World::new();
    let socket = w.path("hung-bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let started = std::time::Instant::now();
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_KEYRING", "os")
        .env("LINKEDIN_PRIVACY_KEYRING_TIMEOUT", "2")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        )
        .args(["login", "--cookie-stdin"]);
    let r = run_with_stdin(&mut cmd, &w.token("demo"));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("did not answer within 2 s"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--insecure-storage"), "{}", r.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(!w.path("config/linkedin-privacy/profiles.json").exists());
}
