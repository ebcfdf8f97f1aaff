//! Audits over many accounts through the binary against the sandbox: mixed accounts each
//! reported correctly, the requests each made, the 999 stop and a resume that audits only the
//! rest, malformed and duplicate lines, stdin, every format, and Ctrl-C mid-run.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, World, run, run_with_stdin};
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

/// A run over the accounts of `file`, reading the `ai` group (two cards each): what these tests
/// are about is the run, not the catalog, which the first test reads whole.
fn bulk(w: &World, file: &std::path::Path, extra: &[&str]) -> Run {
    let mut cmd = w.cmd();
    cmd.args(["--retries", "0", "audit", "--group", "ai", "--accounts"])
        .arg(file)
        .args(extra);
    run(&mut cmd)
}

/// A run over the whole catalog.
fn bulk_all(w: &World, file: &std::path::Path, extra: &[&str]) -> Run {
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
    let r = bulk_all(&w, &file, &["--jobs", "3"]);
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
        ("demo", 16),
        ("private", 16),
        ("region", 16),
        ("odd-value", 16),
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
    assert!(r.stderr.contains("66 request(s) sent"), "{}", r.stderr);
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
        r.stderr.contains("2 already done in the resume file"),
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
        assert_eq!(w.login_profile(profile, account).code, 0);
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
    // demo: 2 failures (both on); private: 2 passes; expired: one error for the account;
    // odd-value: one error (unknown) and one pass. Informational entries are no tests.
    assert_eq!(suite.attribute("tests"), Some("7"));
    assert_eq!(suite.attribute("failures"), Some("2"));
    assert_eq!(suite.attribute("errors"), Some("2"));
    assert_eq!(suite.attribute("skipped"), Some("0"));
    let cases = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 7);
    assert!(!r.stdout.contains("other-ai-processing"), "{}", r.stdout);
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
            crate::common::BIN,
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

/// An accounts file of `n` generated sandbox accounts.
fn generated_file(w: &World, n: usize) -> std::path::PathBuf {
    let path = w.path("generated.tsv");
    let text: String = (1..=n)
        .map(|i| format!("gen-{i:05}\tsandbox-li_at-gen-{i:05}\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    path
}

/// Ctrl-C at several moments, with many accounts in flight: each time every account is on
/// stdout exactly once (the ones in flight included), and the hint names --resume.
#[test]
fn ctrl_c_never_drops_an_account_in_flight() {
    for (jobs, after) in [("8", 3), ("8", 17), ("3", 9)] {
        let options = SandboxOptions {
            latency: Duration::from_millis(60),
            ..SandboxOptions::default()
        };
        let w = World::with(options, AccountsFile::generate(60));
        let path = generated_file(&w, 60);
        let child = w
            .cmd()
            .args(["--retries", "0", "audit", "--jobs", jobs, "--accounts"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while w.requests().len() < after {
            assert!(start.elapsed() < Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(5));
        }
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{out:?}");
        let got = by_label(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(
            got.len(),
            60,
            "jobs {jobs}, after {after}: every account once"
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("--resume"), "{stderr}");
        assert!(!stderr.contains("to read it again"), "{stderr}");
    }
}

/// A reader that goes away (`| head -1`) ends the run: no more accounts are audited for nobody,
/// and the exit is quiet. A full disk is an I/O error, exit 7.
#[test]
fn the_run_stops_when_its_output_is_gone() {
    let options = SandboxOptions {
        latency: Duration::from_millis(10),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::generate(300));
    let path = generated_file(&w, 300);
    let mut child = w
        .cmd()
        .args(["--retries", "0", "audit", "--jobs", "2", "--accounts"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let sent = w.requests().len();
    assert!(
        sent < 100,
        "{sent} requests for a reader that left after one line"
    );

    if std::path::Path::new("/dev/full").exists() {
        let w = World::with(SandboxOptions::default(), AccountsFile::generate(300));
        let path = generated_file(&w, 300);
        let out = w
            .cmd()
            .args([
                "--retries",
                "0",
                "audit",
                "--format",
                "ndjson",
                "--accounts",
            ])
            .arg(&path)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{out:?}");
        assert!(w.requests().len() < 100, "{}", w.requests().len());
    }
}

/// A pipe or a process substitution given as the accounts file is read once, like stdin; an
/// input with no account at all is a usage error, not an empty success.
#[test]
fn accounts_from_a_pipe_and_an_empty_input() {
    let w = World::new();
    let mut cmd = w.cmd();
    cmd.args(["audit", "--accounts", "/dev/stdin"]);
    let r = run_with_stdin(
        &mut cmd,
        &format!("p\t{}\nd\t{}\n", w.token("private"), w.token("demo")),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(by_label(&r.stdout).keys().collect::<Vec<_>>(), ["d", "p"]);

    for input in ["", "# only a comment\n\n"] {
        let mut cmd = w.cmd();
        cmd.args(["audit", "--accounts", "-"]);
        let r = run_with_stdin(&mut cmd, input);
        assert_eq!(r.code, 2, "{input:?}: {r:?}");
        assert!(r.stderr.contains("holds no account"), "{}", r.stderr);
    }
    let empty = w.path("empty.tsv");
    std::fs::write(&empty, "").unwrap();
    let r = bulk(&w, &empty, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        w.requests().len() == 2 * 16,
        "only the first run sent requests"
    );
}

/// --resume: the exit code and the summary cover every account the file holds (the last line
/// per label), not only the ones this run audited; the file must be a regular file.
#[test]
fn a_resume_answers_for_the_whole_file() {
    let w = World::new();
    let file = accounts_file(&w, "accounts.tsv", &["demo", "private"]);
    let out = w.path("run.ndjson");
    // demo (exposed) is done already; only private is audited now.
    let demo_line =
        r#"{"schema":1,"account":{"label":"demo"},"verdict":"exposed","settings":[],"error":null}"#;
    std::fs::write(&out, format!("{demo_line}\n")).unwrap();
    let r = bulk(&w, &file, &["--resume", out.to_str().unwrap()]);
    assert_eq!(r.code, 1, "demo is still exposed: {r:?}");
    assert!(w.calls("demo").is_empty());
    assert!(
        r.stderr.contains("2 account(s): 1 private, 1 exposed"),
        "{}",
        r.stderr
    );
    // A label twice in the file: the last line counts.
    let fixed =
        r#"{"schema":1,"account":{"label":"demo"},"verdict":"private","settings":[],"error":null}"#;
    let mut text = std::fs::read_to_string(&out).unwrap();
    text.push_str(fixed);
    text.push('\n');
    std::fs::write(&out, text).unwrap();
    let r = bulk(&w, &file, &["--resume", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");

    for not_a_file in ["/dev/null", "/dev/full"] {
        if std::path::Path::new(not_a_file).exists() {
            let r = bulk(&w, &file, &["--resume", not_a_file]);
            assert_eq!(r.code, 2, "{not_a_file}: {r:?}");
            assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
        }
    }
}

/// An account proven exposed exits 1 whether audited alone or among many, even when a later read
/// failed.
#[test]
fn exposed_then_throttled_exits_one_alone_and_in_bulk() {
    let text = r#"
[[account]]
id = "exposed-later"
about = "AI training on, then every call 429"
li_at = "sandbox-li_at-exposed-later"
me = "me/ada-lovelace.json"
fault = "throttle-later"
cards = { dataForAiImprovement = "on", policyAndAcademicResearch = "on" }
"#;
    let accounts = AccountsFile::parse(text, "test").unwrap();
    let w = World::with(SandboxOptions::default(), accounts.clone());
    let r = w.run("exposed-later", &["--retries", "0", "audit", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed");
    assert_eq!(r.json()["error"]["kind"], "throttled");
    // A fresh sandbox: the account answers its first call again.
    let w = World::with(SandboxOptions::default(), accounts);
    let file = accounts_file(&w, "accounts.tsv", &["exposed-later"]);
    let r = bulk(&w, &file, &[]);
    assert_eq!(r.code, 1, "{r:?}");
}

/// One worker's pacer spans its accounts: the first request of the next account waits its
/// turn too. Three accounts of two requests each on one worker with 300 ms ± 50 % between
/// requests: five pauses of at least 150 ms.
#[test]
fn the_pause_between_requests_spans_accounts() {
    let w = World::new();
    let file = accounts_file(&w, "accounts.tsv", &["demo", "private", "region"]);
    let start = Instant::now();
    let r = bulk(&w, &file, &["--jobs", "1", "--delay-ms", "300"]);
    let took = start.elapsed();
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(w.requests().len(), 6);
    assert!(took >= Duration::from_millis(750), "{took:?}");
}
