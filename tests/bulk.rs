//! Audits over many accounts through the binary against the sandbox: mixed accounts each
//! reported correctly, the requests each made, the 999 stop and a resume that audits only the
//! rest, malformed and duplicate lines, stdin, every format, and Ctrl-C mid-run.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, World, run, run_with_stdin};
use linkedin_privacy::sandbox::{AccountsFile, Fault, SandboxOptions};
use serde_json::Value;

/// An accounts file of these sandbox accounts (label = account id), 0600.
fn accounts_file(w: &World, name: &str, ids: &[&str]) -> std::path::PathBuf {
    let mut text = String::from("# sandbox accounts\n");
    for id in ids {
        text.push_str(&format!("{id}\t{}\n", w.token(id)));
    }
    let path = w.path(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

/// The NDJSON lines, by label.
fn by_label(stdout: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let label = v["account"]["label"].as_str().unwrap().to_string();
        assert!(out.insert(label.clone(), v).is_none(), "{label} twice");
    }
    out
}

fn bulk(w: &World, file: &std::path::Path, extra: &[&str]) -> Run {
    let mut cmd = w.cmd();
    cmd.args(["--retries", "0", "audit", "--accounts"])
        .arg(file)
        .args(extra);
    run(&mut cmd)
}

#[test]
fn mixed_accounts_are_each_reported_correctly_with_their_own_requests() {
    let w = World::new();
    let file = accounts_file(
        &w,
        "accounts.tsv",
        &[
            "demo",
            "private",
            "expired",
            "throttled",
            "region",
            "odd-value",
        ],
    );
    let r = bulk(&w, &file, &["--jobs", "3"]);
    assert_eq!(r.code, 1, "demo is exposed: {r:?}");
    let got = by_label(&r.stdout);
    assert_eq!(got.len(), 6);
    let verdict = |l: &str| got[l]["verdict"].as_str().unwrap().to_string();
    let error = |l: &str| got[l]["error"]["kind"].as_str().unwrap_or("").to_string();
    assert_eq!(verdict("demo"), "exposed");
    assert_eq!(verdict("private"), "private");
    assert_eq!(verdict("region"), "private");
    assert_eq!(verdict("odd-value"), "incomplete");
    assert_eq!(error("expired"), "session_expired");
    assert_eq!(error("throttled"), "throttled");
    assert_eq!(
        got["region"]["settings"][0]["state"], "not_offered",
        "{}",
        got["region"]
    );
    // One request per card each; one for an account whose first reply stops it.
    for (id, n) in [
        ("demo", 2),
        ("private", 2),
        ("region", 2),
        ("odd-value", 2),
        ("expired", 1),
        ("throttled", 1),
    ] {
        assert_eq!(w.calls(id).len(), n, "{id}: {:?}", w.calls(id));
    }
    // The summary, on stderr.
    assert!(r.stderr.contains("6 account(s) in"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "2 private, 1 exposed, 1 incomplete, 2 failed (1 session_expired, 1 throttled)"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("10 request(s) sent"), "{}", r.stderr);
}

#[test]
fn a_999_stops_new_accounts_and_a_resume_audits_only_the_rest() {
    let w = World::new();
    let ids = [
        "private",
        "region",
        "blocked",
        "csrf",
        "form-v2",
        "form-gone",
    ];
    let file = accounts_file(&w, "accounts.tsv", &ids);
    let out = w.path("run.ndjson");
    let r = bulk(
        &w,
        &file,
        &["--jobs", "1", "--resume", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 5, "{r:?}");
    assert!(r.stdout.is_empty(), "--resume writes to its file");
    let first = by_label(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(first.len(), 6, "every account is reported");
    assert_eq!(first["blocked"]["error"]["kind"], "blocked");
    for later in ["csrf", "form-v2", "form-gone"] {
        assert_eq!(first[later]["error"]["kind"], "not_reached", "{later}");
        assert!(
            w.calls(later).is_empty(),
            "{later} was started after the 999"
        );
    }
    assert!(r.stderr.contains("3 not reached"), "{}", r.stderr);
    assert!(r.stderr.contains("--resume"), "{}", r.stderr);

    // LinkedIn lets us in again: the resume audits the blocked account and those not reached,
    // nothing else.
    w.sandbox.set_fault("blocked", Fault::None);
    let before: BTreeMap<&str, usize> = ids.iter().map(|id| (*id, w.calls(id).len())).collect();
    let r = bulk(
        &w,
        &file,
        &["--jobs", "2", "--resume", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "blocked reads exposed now: {r:?}");
    for id in ids {
        let again = w.calls(id).len() - before[id];
        let expected = match id {
            "private" | "region" => 0,
            "csrf" => 1,
            _ => 2,
        };
        assert_eq!(again, expected, "{id} audited {again} more time(s)");
    }
    assert!(
        r.stderr.contains("2 already done in the --resume file"),
        "{}",
        r.stderr
    );
    // The file now has every account's last word as a result.
    let text = std::fs::read_to_string(&out).unwrap();
    let mut last: BTreeMap<String, Value> = BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        last.insert(v["account"]["label"].as_str().unwrap().to_string(), v);
    }
    assert_eq!(last.len(), 6);
    assert!(last.values().all(|v| v["error"]["kind"] != "not_reached"));
}

#[test]
fn a_half_line_from_a_crash_does_not_break_a_resume() {
    let w = World::new();
    let file = accounts_file(&w, "accounts.tsv", &["private", "region"]);
    let out = w.path("run.ndjson");
    let private_line = r#"{"schema":1,"account":{"label":"private"},"verdict":"private","settings":[],"error":null}"#;
    std::fs::write(
        &out,
        format!("{private_line}\n{{\"schema\":1,\"account\":{{\"lab"),
    )
    .unwrap();
    let r = bulk(&w, &file, &["--resume", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        w.calls("private").is_empty(),
        "private already had a result"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let parsed: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(parsed.len(), 2, "{text}");
    assert_eq!(parsed[1]["account"]["label"], "region");
}

#[test]
fn malformed_lines_are_reported_by_number_and_the_rest_still_run() {
    let w = World::new();
    let path = w.path("accounts.tsv");
    std::fs::write(
        &path,
        format!(
            "private\t{}\nSECRETTOKENWITHNOLABEL\n{{\"label\":\"region\",\"li_at\":\"{}\"}}\n",
            w.token("private"),
            w.token("region")
        ),
    )
    .unwrap();
    let r = bulk(&w, &path, &[]);
    assert_eq!(r.code, 3, "an account line could not be audited: {r:?}");
    assert_eq!(by_label(&r.stdout).len(), 2);
    assert!(
        r.stderr.contains("accounts line 2 is not audited"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("SECRETTOKEN"), "{}", r.stderr);
    // The file is readable by others: a warning.
    assert!(r.stderr.contains("others can read it"), "{}", r.stderr);
}

#[test]
fn duplicate_labels_are_a_usage_error_before_any_request() {
    let w = World::new();
    let path = w.path("accounts.tsv");
    std::fs::write(
        &path,
        format!(
            "a\t{}\nb\t{}\na\t{}\n",
            w.token("demo"),
            w.token("private"),
            w.token("region")
        ),
    )
    .unwrap();
    let r = bulk(&w, &path, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("lines 1 and 3"), "{}", r.stderr);
    assert!(w.requests().is_empty());
}

#[test]
fn accounts_from_stdin_and_stored_profiles() {
    let w = World::new();
    let mut cmd = w.cmd();
    cmd.args(["audit", "--accounts", "-"]);
    let r = run_with_stdin(
        &mut cmd,
        &format!("p\t{}\nd\t{}\n", w.token("private"), w.token("demo")),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(by_label(&r.stdout).keys().collect::<Vec<_>>(), ["d", "p"]);

    for (profile, account) in [("work", "demo"), ("home", "private")] {
        let mut login = w.cmd();
        login.args([
            "--insecure-storage",
            "--profile",
            profile,
            "login",
            "--cookie-stdin",
        ]);
        assert_eq!(run_with_stdin(&mut login, &w.token(account)).code, 0);
    }
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "audit", "--all-profiles"]));
    assert_eq!(r.code, 1, "{r:?}");
    let got = by_label(&r.stdout);
    assert_eq!(got["work"]["account"]["profile"], "work");
    assert_eq!(got["work"]["account"]["name"], "Ada Lovelace");
    assert_eq!(got["home"]["verdict"], "private");
    // One warning about the plain file, not one per account.
    assert_eq!(r.stderr.matches("plain file").count(), 1, "{}", r.stderr);
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "audit", "--profiles", "home,nobody"]));
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(
        by_label(&r.stdout)["nobody"]["error"]["kind"],
        "not_signed_in"
    );
}

#[test]
fn every_format_over_several_accounts() {
    let w = World::new();
    let file = accounts_file(
        &w,
        "accounts.tsv",
        &["demo", "private", "expired", "odd-value"],
    );
    // CSV: one header, one row per account and setting.
    let r = bulk(&w, &file, &["--format", "csv"]);
    let lines: Vec<&str> = r.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("profile,")).count(),
        1
    );
    assert_eq!(lines.len(), 1 + 3 + 3 + 1 + 3, "{}", r.stdout);
    // JSON: one array.
    let r = bulk(&w, &file, &["--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    // A table: one summary table at the end.
    let r = bulk(&w, &file, &["--format", "table"]);
    assert_eq!(r.stdout.matches("Verdict").count(), 1, "{}", r.stdout);
    for label in ["demo", "private", "expired", "odd-value"] {
        assert!(r.stdout.contains(label), "{}", r.stdout);
    }
    // JUnit: valid XML with the expected counts.
    let r = bulk(&w, &file, &["--format", "junit"]);
    assert_eq!(r.code, 1);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    // demo: 2 failures (both on) and a skipped informational entry; private: 2 passes and a
    // skip; expired: one error for the account; odd-value: one error (unknown), one pass, a skip.
    assert_eq!(suite.attribute("tests"), Some("10"));
    assert_eq!(suite.attribute("failures"), Some("2"));
    assert_eq!(suite.attribute("errors"), Some("2"));
    assert_eq!(suite.attribute("skipped"), Some("3"));
    let cases = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 10);
}

#[test]
fn ctrl_c_mid_run_leaves_valid_ndjson_and_every_account_once() {
    let options = SandboxOptions {
        latency: Duration::from_millis(150),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::generate(40));
    let path = w.path("accounts.tsv");
    let text: String = (1..=40)
        .map(|i| format!("gen-{i:05}\tsandbox-li_at-gen-{i:05}\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    let child = w
        .cmd()
        .args(["--retries", "0", "audit", "--jobs", "2", "--accounts"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while w.requests().len() < 6 {
        assert!(start.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got = by_label(&stdout);
    assert_eq!(got.len(), 40, "every account exactly once");
    let not_reached = got
        .values()
        .filter(|v| v["error"]["kind"] == "not_reached")
        .count();
    assert!(not_reached > 20, "{not_reached}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn one_sandbox_serves_a_whole_run() {
    let w = World::new();
    let r = run(w.cmd().args([
        "--sandbox",
        "audit",
        "--profiles",
        "demo,private,region",
        "--format",
        "ndjson",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    let got = by_label(&r.stdout);
    assert_eq!(got.len(), 3);
    // One fake LinkedIn: every account's URLs name the same address.
    let hosts: std::collections::BTreeSet<String> = got
        .values()
        .map(|v| {
            let url = v["settings"][0]["url"].as_str().unwrap();
            url.split('/').nth(2).unwrap().to_string()
        })
        .collect();
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    assert!(
        w.requests().is_empty(),
        "the test's own sandbox saw nothing"
    );
}

/// On a terminal a progress bar is drawn (and a warning passes above it); with --quiet nothing
/// but the data.
#[test]
fn progress_on_a_terminal_only() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: needs `script` (util-linux) for a pseudo-terminal");
        return;
    }
    let options = SandboxOptions {
        latency: Duration::from_millis(300),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::builtin());
    let file = accounts_file(
        &w,
        "accounts.tsv",
        &["demo", "private", "region", "odd-value"],
    );
    let path = w.path("bad-line.tsv");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("not an account line\n");
    std::fs::write(&path, text).unwrap();
    let on_terminal = |quiet: bool| {
        let line = format!(
            "{} audit --jobs 1 --format ndjson --accounts '{}'{}",
            common::BIN,
            path.display(),
            if quiet { " --quiet" } else { "" }
        );
        let out = w
            .hermetic("script")
            .env("TERM", "xterm")
            .args(["-qec", &line, "/dev/null"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal(false);
    assert!(
        shown.contains("accounts") && shown.contains("ETA"),
        "{shown}"
    );
    assert!(shown.contains("accounts line 6 is not audited"), "{shown}");
    assert!(shown.contains("account(s) in"), "the summary: {shown}");
    let quiet = on_terminal(true);
    assert!(!quiet.contains("ETA"), "{quiet}");
    assert!(!quiet.contains("account(s) in"), "{quiet}");
    assert!(
        quiet.contains("accounts line 6 is not audited"),
        "warnings still show: {quiet}"
    );
    assert_eq!(
        quiet
            .lines()
            .filter(|l| l.starts_with("{\"schema\""))
            .count(),
        4,
        "{quiet}"
    );
}
