//! `linkedin-privacy sandbox` in the foreground: it prints its address and tokens, serves what
//! the client expects, is stateful per account, and logs requests for scripts.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use crate::common::{BIN, run};
use serde_json::Value;

fn http_get(base: &str, path: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn foreground_sandbox_serves_the_binary_and_logs_requests() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Killed(
        Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .args(["sandbox", "--format", "ndjson", "--latency-ms", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let started: Value = serde_json::from_str(&line).unwrap();
    let base = started["base_url"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let demo = started["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "demo")
        .unwrap();
    let token = demo["li_at"].as_str().unwrap();
    let logins = started["logins"].as_array().unwrap();
    assert!(logins.iter().any(|l| l["result"] == "PASS"));
    assert!(logins.iter().any(|l| l["result"] == "CHALLENGE"));

    let r = run(Command::new(BIN)
        .env_clear()
        .env("HOME", home.path())
        .env("LINKEDIN_LI_AT", token)
        .args(["--base-url", &base, "audit", "--group", "ai", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");

    let log: Value = serde_json::from_str(&http_get(&base, "/__sandbox/requests")).unwrap();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/mysettings-api/settingsApiSettingCards/dataForAiImprovement",
            "/mysettings-api/settingsApiSettingCards/policyAndAcademicResearch"
        ]
    );
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| e["account"] == "demo")
    );
}

#[test]
fn table_output_lists_accounts_tokens_and_logins() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Killed(
        Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .env("COLUMNS", "80")
            .arg("sandbox")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut reader = BufReader::new(child.0.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("Request log as JSON") {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        text.push_str(&line);
    }
    for needle in [
        "a fake LinkedIn on http://127.0.0.1:",
        "sandbox-li_at-demo",
        "throttled-once",
        "ada@example.com with password \"sandbox-password\" -> PASS (account demo)",
        "challenge@example.com",
        "BAD_PASSWORD",
        "requests are logged on stderr",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // At 80 columns every token is whole on its line, to be copied.
    for token in [
        "sandbox-li_at-drift-no-off-value",
        "sandbox-li_at-reread-throttled",
    ] {
        assert!(text.contains(token), "{token} split in:\n{text}");
    }
    // Generated accounts are not echoed, and the sandbox does not claim they are.
    let mut child = Killed(
        Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .args(["sandbox", "--generate", "5"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut reader = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("not logged one by one"), "{first}");
}

#[test]
fn a_bad_accounts_file_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("accounts.toml");
    std::fs::write(&file, "[[account]]\nid = \"x\"\n").unwrap();
    let r =
        run(Command::new(BIN)
            .env_clear()
            .args(["sandbox", "--accounts", file.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("invalid accounts file"), "{}", r.stderr);
}

/// What a request sends is shown cleaned and cut short on the sandbox's own terminal: a path
/// with escape sequences never reaches it raw, a long one is not echoed whole.
#[test]
fn the_echo_of_a_hostile_request_is_clean_and_short() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Killed(
        Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .args(["sandbox", "--format", "ndjson"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let started: Value = serde_json::from_str(&line).unwrap();
    let addr = started["base_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_string();
    let long = "a".repeat(5000);
    for path in ["/x\x1b]0;owned\x07/\x1b[2J".to_string(), format!("/{long}")] {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = Vec::new();
        s.read_to_end(&mut reply).unwrap();
    }
    // The log as scripts read it is clean too.
    let log = http_get(
        &format!("http://{addr}"),
        linkedin_privacy::sandbox::LOG_PATH,
    );
    assert!(log.contains("/x"), "{log}");
    assert!(!log.contains('\x1b'), "{log}");
    drop(child.0.stdin.take());
    let _ = child.0.kill();
    let mut stderr = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("GET /x"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    assert!(!stderr.contains('\x07'), "{stderr:?}");
    assert!(!stderr.contains(&long), "the long path was echoed whole");
}

/// Connections beyond the cap are closed at once, and the sandbox serves again once the idle
/// ones go.
#[test]
fn connections_beyond_the_cap_are_closed() {
    let w = linkedin_privacy::sandbox::Sandbox::start(
        linkedin_privacy::sandbox::SandboxOptions::default(),
        linkedin_privacy::sandbox::AccountsFile::builtin(),
        linkedin_privacy::sandbox::Fixtures::embedded(),
    )
    .unwrap();
    let base = w.base_url();
    let addr = base.trim_start_matches("http://").to_string();
    let idle: Vec<std::net::TcpStream> = (0..256)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    // Give the accept loop time to take them all.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut extra = std::net::TcpStream::connect(&addr).unwrap();
    extra
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let _ = write!(extra, "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
    let mut reply = Vec::new();
    let _ = extra.read_to_end(&mut reply);
    assert!(reply.is_empty(), "{}", String::from_utf8_lossy(&reply));
    drop(idle);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let body = http_get(&base, linkedin_privacy::sandbox::LOG_PATH);
    assert!(body.trim_start().starts_with('['), "{body}");
}
