//! `linkedin-privacy sandbox` in the foreground: it prints its address and tokens, serves what
//! the client expects, is stateful per account, and logs requests for scripts.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use common::{BIN, run};
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
        .args(["--base-url", &base, "audit", "--json"]));
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
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
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
