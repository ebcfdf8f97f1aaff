//! Trust, second round: what a hostile server, a hostile file and a careless run could still do,
//! one test per defect, through the binary. Each run uses a canary token and checks it never
//! comes back out.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::hostile::{Hostile, Reply, card, me, toggle, toggle_card};
use crate::common::{Run, World, files_below, run, run_with_stdin};
use linkedin_privacy::sandbox::{AccountsFile, SandboxOptions};
use serde_json::{Value, json};

const CANARY: &str = "LIATCANARYtrust2f8a1";
const AI: &str = "/mysettings-api/settingsApiSettingCards/dataForAiImprovement";
const RESEARCH: &str = "/mysettings-api/settingsApiSettingCards/policyAndAcademicResearch";
const ME: &str = "/voyager/api/me";
const FORM: &str = "/help/linkedin/ask/TS-DPRO";

fn on_card(key: &str) -> String {
    toggle_card(key, r#""true""#, r#""true""#, r#""false""#)
}

fn off_card(key: &str) -> String {
    toggle_card(key, r#""false""#, r#""true""#, r#""false""#)
}

/// The binary against the hostile server, with the canary token from the environment.
fn at(h: &Hostile, w: &World) -> Command {
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
        .env("LINKEDIN_LI_AT", CANARY);
    cmd
}

#[track_caller]
fn assert_safe(r: &Run) {
    for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}', '\u{85}'] {
            assert!(!text.contains(bad), "{what} holds {bad:?}:\n{text}");
        }
        assert!(!text.contains(CANARY), "the token leaked into {what}");
    }
    assert_ne!(r.code, 101, "panicked: {}", r.stderr);
}

/// Runs a command, killing it when it has not finished within `limit`: a hang fails the test.
fn run_within(cmd: &mut Command, limit: Duration) -> Run {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("no signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The fixtures of this checkout (a recording `drift` compares with).
fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

// ---------------------------------------------------------------------------------------------
// 1. Every HTML parse is bounded and linear

#[test]
fn drift_live_reads_a_deeply_nested_form_page_without_hanging() {
    let w = World::new();
    let deep = format!(
        "<html><body>{}<form><select name=objectionType><option>a</option></select><textarea name=details></textarea></form></body></html>",
        "<div><span>".repeat(150_000)
    );
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        FORM => Reply::html(200, &deep),
        ME => Reply::json(200, &me("Ada")),
        AI => Reply::json(200, &on_card("allowDataForGenerativeAI")),
        _ => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
    });
    let r = run_within(
        at(&h, &w).args(["drift", "--live", "--json"]),
        Duration::from_secs(60),
    );
    assert_safe(&r);
    assert!(r.code == 0 || r.code == 3, "{r:?}");
    assert!(r.json()["findings"].is_array(), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// 2, 3. A recording holds nothing of the member, in keys or values, in any encoding

#[test]
fn a_recording_redacts_by_value_in_keys_values_and_every_common_encoding() {
    let w = World::new();
    let me_reply = r#"{"plainId":114477001,"miniProfile":{"firstName":"Al","lastName":"Lovelace","publicIdentifier":"al-lovelace","entityUrn":"urn:li:fs_miniProfile:ACoAAx9Q","occupation":"Engineer"}}"#;
    let leaky_card = format!(
        r#"{{"settings":[{}],"al@example.com":{{"memberNumber":114477001}},"{CANARY}":true,"urn:li:member:114477001":1,"owner":"urn:li:fsd_profileCard:(ACoAAx9Q,7)","greeting":"Hi Al!"}}"#,
        toggle("allowDataForGenerativeAI", "true", "true", "false")
    );
    let page = concat!(
        "<html><body><p>Signed in as Al Lovelace, al&#64;example.com (or al%40example.com)</p>",
        "<form><input data-note=\"a>b\" type=\"hidden\" name=\"csrf\" value=\"HIDDENtok42\">",
        "<input name=fullName value=\"Al Lovelace\"><textarea name=details></textarea></form>",
        "<script>var t='HIDDENtok42'; var u='\\u0041l'; var m='ACoAAx9Q';</script></body></html>"
    );
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        ME => Reply::json(200, me_reply),
        FORM => Reply::html(200, page),
        AI => Reply::json(200, &leaky_card)
            // A Set-Cookie with no name: all value.
            .header("Set-Cookie", &format!("{CANARY}; Path=/"))
            .header("Set-Cookie", "lang=v=2&lang=en-us; Path=/"),
        _ => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
    });
    let out = w.path("rec");
    let r = run(at(&h, &w).args(["record", "--out"]).arg(&out));
    assert_safe(&r);
    assert_eq!(r.code, 0, "{r:?}");
    let files = files_below(&out);
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lower = text.to_ascii_lowercase();
        for secret in [
            CANARY,
            "114477001",
            "acoaax9q",
            "al-lovelace",
            "lovelace",
            "al@example.com",
            "al&#64;example.com",
            "al%40example.com",
            "hiddentok42",
            "\\u0041l",
        ] {
            assert!(
                !lower.contains(&secret.to_ascii_lowercase()),
                "{secret} is in {}:\n{text}",
                file.display()
            );
        }
        // The short first name, as a word.
        for shown in [" Al ", " Al,", "Hi Al!", "\"Al\""] {
            assert!(!text.contains(shown), "{shown:?} is in {}", file.display());
        }
    }
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let cookies: Vec<&Value> = manifest["replies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["set_cookie"].as_array().into_iter().flatten())
        .collect();
    assert!(cookies.contains(&&json!("lang")), "{manifest}");
    assert!(
        cookies.contains(&&json!("(a cookie without a name)")),
        "{manifest}"
    );
}

// ---------------------------------------------------------------------------------------------
// 4, 26. JUnit: always parseable, and inside the strict JUnit schema

fn junit_xsd() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit.xsd")
}

#[test]
fn junit_of_a_hostile_reply_parses_and_fits_the_junit_schema() {
    let w = World::new();
    // A value of the characters XML 1.0 forbids: the reason quotes it.
    let hostile = toggle_card(
        "allowDataForGenerativeAI",
        r#""\ufffe\uffff\ufdd0""#,
        r#""on""#,
        r#""off""#,
    );
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        ME => Reply::json(200, &me("Ada")),
        AI => Reply::json(200, &hostile),
        _ => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
    });
    let r = run(at(&h, &w).args(["audit", "--format", "junit"]));
    assert_safe(&r);
    assert_eq!(r.code, 3, "{r:?}");
    for bad in ['\u{fffe}', '\u{ffff}', '\u{fdd0}'] {
        assert!(!r.stdout.contains(bad), "{:?} in {}", bad, r.stdout);
    }
    let doc = roxmltree::Document::parse(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    assert!(doc.descendants().any(|n| n.has_tag_name("error")));
    if crate::common::have(
        "xmllint",
        "junit_of_a_hostile_reply_parses_and_fits_the_junit_schema",
    ) {
        assert_eq!(crate::common::xsd_problems(&r.stdout, &junit_xsd()), None);
    }
}

#[test]
fn junit_over_many_accounts_and_of_drift_fits_the_junit_schema_with_no_informational_tests() {
    let w = World::new();
    let accounts = w.path("accounts.tsv");
    let lines: Vec<String> = ["demo", "private", "region", "expired", "odd-value"]
        .iter()
        .map(|a| format!("{a}\t{}", w.token(a)))
        .collect();
    std::fs::write(&accounts, lines.join("\n")).unwrap();
    let r = run(w
        .cmd()
        .args(["audit", "--format", "junit", "--accounts"])
        .arg(&accounts));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stdout.contains("other-ai-processing"), "{}", r.stdout);
    let audit_junit = r.stdout.clone();
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        root.attribute("skipped"),
        None,
        "no skipped count on testsuites"
    );
    for s in doc.descendants().filter(|n| n.has_tag_name("skipped")) {
        assert!(s.attributes().next().is_none(), "a skipped with attributes");
    }
    // region's AI card is not offered: skipped.
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("skipped"))
            .count(),
        1
    );
    // A recording whose label holds characters XML forbids: drift's JUnit too.
    let rec = w.path("rec");
    std::fs::create_dir(&rec).unwrap();
    let r = run(w.as_account("demo").args(["record", "--out"]).arg(&rec));
    assert_eq!(r.code, 0, "{r:?}");
    let card = rec.join("card-dataForAiImprovement.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&card).unwrap()).unwrap();
    v["settings"][0]["primaryDescription"] = json!("new \u{fffe} words \u{ffff}");
    let text = serde_json::to_string_pretty(&v).unwrap();
    std::fs::write(&card, &text).unwrap();
    let manifest = rec.join("manifest.json");
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    for r in m["replies"].as_array_mut().unwrap() {
        if r["file"] == "card-dataForAiImprovement.json" {
            r["sha256"] = json!(linkedin_privacy::drift::recording::sha256(text.as_bytes()));
        }
    }
    std::fs::write(&manifest, m.to_string()).unwrap();
    let d = run(w
        .cmd()
        .args(["drift", "--format", "junit"])
        .arg(fixtures())
        .arg(&rec));
    assert!(d.code == 0 || d.code == 3, "{d:?}");
    assert!(d.stdout.contains("notable:"), "{}", d.stdout);
    roxmltree::Document::parse(&d.stdout).unwrap_or_else(|e| panic!("{e}: {}", d.stdout));
    if crate::common::have("xmllint", "junit_over_many_accounts_and_of_drift") {
        assert_eq!(
            crate::common::xsd_problems(&audit_junit, &junit_xsd()),
            None
        );
        assert_eq!(crate::common::xsd_problems(&d.stdout, &junit_xsd()), None);
    }
}

// ---------------------------------------------------------------------------------------------
// 5, 20. Lines of a file are bounded; labels that look alike are alike

#[cfg(unix)]
#[test]
fn an_overlong_accounts_line_is_skipped_in_bounded_memory() {
    let w = World::new();
    let file = w.path("accounts.tsv");
    {
        let mut f = std::fs::File::create(&file).unwrap();
        f.write_all(b"huge\t").unwrap();
        // A 1 GiB line of zeros, sparse on disk: the old reader held it whole.
        f.set_len(1 << 30).unwrap();
        use std::io::{Seek, SeekFrom};
        f.seek(SeekFrom::End(0)).unwrap();
        writeln!(f, "\nok\t{}", w.token("private")).unwrap();
    }
    let script = format!(
        "ulimit -v 400000; exec '{}' audit --accounts '{}' --format ndjson",
        crate::common::BIN,
        file.display()
    );
    let r = run_within(
        w.hermetic("sh").args(["-c", &script]),
        Duration::from_secs(120),
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr
            .contains("line 1 is not audited: the line is longer than 64 KiB"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("\"ok\""), "{}", r.stdout);
}

#[test]
fn labels_with_invisible_characters_are_refused_and_look_alikes_are_one_label() {
    let w = World::new();
    let file = w.path("accounts.tsv");
    // A byte-order mark an editor put first is no part of the label.
    std::fs::write(
        &file,
        format!(
            "\u{feff}ada\t{t}\nbob\u{200b}\t{t}\nzoe\u{a0}x\t{t}\n",
            t = w.token("private")
        ),
    )
    .unwrap();
    let r = run(w
        .cmd()
        .args(["audit", "--format", "ndjson", "--accounts"])
        .arg(&file));
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.contains("\"label\":\"ada\""), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("line 2 is not audited: the label holds an invisible character"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 3 is not audited"), "{}", r.stderr);
    // "é" written as one character and as e + a combining accent is the same label twice.
    std::fs::write(
        &file,
        format!("caf\u{e9}\t{t}\ncafe\u{301}\t{t}\n", t = w.token("private")),
    )
    .unwrap();
    let r = run(w.cmd().args(["audit", "--accounts"]).arg(&file));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("lines 1 and 2"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 6. A FIFO where a file is expected is refused at once

#[cfg(unix)]
#[test]
fn fifos_are_refused_without_hanging() {
    let w = World::new();
    let fifo = w.path("fifo");
    mkfifo(&fifo);
    let accounts = w.path("accounts.tsv");
    std::fs::write(&accounts, format!("a\t{}\n", w.token("private"))).unwrap();
    let limit = Duration::from_secs(20);
    let r = run_within(
        w.cmd()
            .args(["audit", "--accounts"])
            .arg(&accounts)
            .arg("--resume")
            .arg(&fifo),
        limit,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let r = run_within(w.cmd().args(["history", "--verify"]).arg(&fifo), limit);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    // A recording whose manifest, or one of whose reply files, is a FIFO.
    let rec = w.path("rec");
    assert_eq!(
        run(w.as_account("demo").args(["record", "--out"]).arg(&rec)).code,
        0
    );
    let card = rec.join("card-dataForAiImprovement.json");
    std::fs::remove_file(&card).unwrap();
    mkfifo(&card);
    let r = run_within(
        w.cmd().args(["drift", "--json"]).arg(fixtures()).arg(&rec),
        limit,
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.contains("unreadable"), "{}", r.stdout);
    let manifest = rec.join("manifest.json");
    std::fs::remove_file(&manifest).unwrap();
    mkfifo(&manifest);
    let r = run_within(w.cmd().arg("drift").arg(fixtures()).arg(&rec), limit);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 7, 8, 9, 10. The resume file

#[cfg(unix)]
#[test]
fn the_resume_file_is_never_a_link_and_a_recording_never_writes_through_one() {
    let w = World::new();
    let accounts = w.path("accounts.tsv");
    std::fs::write(&accounts, format!("a\t{}\n", w.token("private"))).unwrap();
    let target = w.path("precious.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = w.path("results.ndjson");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = run(w
        .cmd()
        .args(["audit", "--accounts"])
        .arg(&accounts)
        .arg("--resume")
        .arg(&link));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    // A link planted in an earlier recording is replaced, its target untouched.
    let rec = w.path("rec");
    assert_eq!(
        run(w.as_account("demo").args(["record", "--out"]).arg(&rec)).code,
        0
    );
    let planted = rec.join("me.json");
    std::fs::remove_file(&planted).unwrap();
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    assert_eq!(
        run(w.as_account("demo").args(["record", "--out"]).arg(&rec)).code,
        0
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    assert!(
        !std::fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn two_runs_on_one_resume_file_never_audit_the_accounts_twice() {
    let options = SandboxOptions {
        latency: Duration::from_millis(200),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::builtin());
    let accounts = w.path("accounts.tsv");
    let lines: Vec<String> = (0..6)
        .map(|i| format!("a{i}\t{}", w.token("private")))
        .collect();
    std::fs::write(&accounts, lines.join("\n")).unwrap();
    let resume = w.path("results.ndjson");
    let mut first = w.cmd();
    first
        .args(["audit", "--jobs", "1", "--accounts"])
        .arg(&accounts)
        .arg("--resume")
        .arg(&resume)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut first = first.spawn().unwrap();
    // The first run holds the file as soon as it exists.
    let started = Instant::now();
    while !resume.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    let second = run(w
        .cmd()
        .args(["audit", "--accounts"])
        .arg(&accounts)
        .arg("--resume")
        .arg(&resume));
    assert_eq!(second.code, 2, "{second:?}");
    assert!(
        second
            .stderr
            .contains("another linkedin-privacy run is using"),
        "{}",
        second.stderr
    );
    assert_eq!(first.wait().unwrap().code(), Some(0));
    let text = std::fs::read_to_string(&resume).unwrap();
    assert_eq!(text.lines().count(), 6, "each account once:\n{text}");
}

#[test]
fn after_an_outage_a_resumed_run_audits_the_uncertain_accounts_again() {
    let w = World::new();
    let healthy = Arc::new(AtomicBool::new(false));
    let h = {
        let healthy = healthy.clone();
        Hostile::start(move |hit, _| {
            if !healthy.load(Ordering::SeqCst) && hit.path != ME {
                return Reply::json(503, r#"{"status":503}"#);
            }
            match hit.path.as_str() {
                ME => Reply::json(200, &me("Ada")),
                AI => Reply::json(200, &off_card("allowDataForGenerativeAI")),
                _ => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
            }
        })
    };
    let accounts = w.path("accounts.tsv");
    std::fs::write(&accounts, "a\ttok-a\nb\ttok-b\n").unwrap();
    let resume = w.path("results.ndjson");
    let go = || {
        let mut cmd = w.cmd();
        cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
            .args(["--retries", "0", "audit", "--group", "ai", "--accounts"])
            .arg(&accounts)
            .arg("--resume")
            .arg(&resume);
        run(&mut cmd)
    };
    let r = go();
    assert_eq!(r.code, 3, "{r:?}");
    let before = h.hits().len();
    healthy.store(true, Ordering::SeqCst);
    let r = go();
    assert_eq!(r.code, 0, "{r:?}");
    let cards = h.hits()[before..]
        .iter()
        .filter(|hit| hit.path.starts_with("/mysettings-api/"))
        .count();
    assert_eq!(
        cards,
        4,
        "both accounts were audited again: {:?}",
        h.calls()
    );
}

#[test]
fn the_resume_file_cannot_be_the_accounts_file() {
    let w = World::new();
    let accounts = w.path("accounts.tsv");
    let text = format!("a\t{}\n", w.token("private"));
    std::fs::write(&accounts, &text).unwrap();
    for resume in [accounts.clone(), w.path("./accounts.tsv")] {
        let r = run(w
            .cmd()
            .args(["audit", "--accounts"])
            .arg(&accounts)
            .arg("--resume")
            .arg(&resume));
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stderr.contains("is the accounts file itself"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&accounts).unwrap(), text);
    assert!(w.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------------
// 11, 12, 13, 15, 18. The history

fn audit_into(w: &World, history: &Path, account: &str) {
    let r = run(w
        .as_account(account)
        .arg("--history")
        .arg(history)
        .args(["audit", "--group", "ai"]));
    assert!(r.code == 0 || r.code == 1, "{r:?}");
}

#[test]
fn a_head_noted_earlier_verifies_a_later_export_that_only_added_records() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "demo");
    let first = w.path("first.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--export"])
        .arg(&first));
    assert_eq!(r.code, 0, "{r:?}");
    let noted = r.json()["head"].as_str().unwrap().to_string();
    audit_into(&w, &h, "demo");
    audit_into(&w, &h, "private");
    let later = w.path("later.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--export"])
        .arg(&later));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(w
        .cmd()
        .args(["history", "--json", "--verify"])
        .arg(&later)
        .args(["--head", &noted]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["holds"], true);
    assert_eq!(r.json()["added_since_noted"], 4);
    let r = run(w
        .cmd()
        .args(["history", "--verify"])
        .arg(&later)
        .args(["--head", &noted]));
    assert!(r.stdout.contains("INTACT"), "{}", r.stdout);
    // A head that is no record's: refused.
    let r = run(w
        .cmd()
        .args(["history", "--verify"])
        .arg(&later)
        .args(["--head", &"ab".repeat(32)]));
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn an_export_verifies_with_a_short_script_written_from_the_documented_form() {
    if !crate::common::have("python3", "an_export_verifies_with_a_short_script") {
        return;
    }
    let w = World::new();
    let h = w.path("h.sqlite3");
    {
        // Records with every kind of character a JSON escape could treat differently.
        let mut history = linkedin_privacy::history::History::open(&h).unwrap();
        let who = linkedin_privacy::history::Who {
            site: "linkedin".into(),
            member: "a\u{1}b\u{1f}\"q\\/ é 漢 \u{7f}\u{85}\u{2028}\u{202e}😀\t\n".into(),
            profile: Some("Zoë".into()),
        };
        history
            .record_objection_draft(&who, "2026-11-30T08:00:00Z", &["Name", "E-mail \u{8}"])
            .unwrap();
        history
            .record_objection_sent(
                &who,
                "2026-11-30T09:00:00Z",
                linkedin_privacy::clock::Day::parse("2026-11-30").unwrap(),
            )
            .unwrap();
    }
    audit_into(&w, &h, "demo");
    let export = w.path("export.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--export"])
        .arg(&export));
    assert_eq!(r.code, 0, "{r:?}");
    let head = r.json()["head"].as_str().unwrap().to_string();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-history.py");
    let py = run(w.hermetic("python3").arg(&script).arg(&export).arg(&head));
    assert_eq!(py.code, 0, "{py:?}");
    assert!(py.stdout.contains("INTACT"), "{py:?}");
    // The database itself, read by the same canonical form: the same head.
    let db = run(w.hermetic("python3").arg(&script).arg(&h));
    assert_eq!(db.code, 0, "{db:?}");
    assert!(db.stdout.contains(&head), "{db:?}");
    // One changed character: both verifiers say so.
    let text = std::fs::read_to_string(&export)
        .unwrap()
        .replacen("Zoë", "Zoe", 1);
    std::fs::write(&export, text).unwrap();
    let py = run(w.hermetic("python3").arg(&script).arg(&export));
    assert_eq!(py.code, 1, "{py:?}");
    let r = run(w.cmd().args(["history", "--verify"]).arg(&export));
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn the_export_on_stdout_escapes_what_a_terminal_would_obey() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    {
        let mut history = linkedin_privacy::history::History::open(&h).unwrap();
        let who = linkedin_privacy::history::Who {
            site: "linkedin".into(),
            member: "m\u{85}\u{9b}2J\u{202e}x".into(),
            profile: None,
        };
        history
            .record_objection_draft(&who, "2026-11-30T08:00:00Z", &[])
            .unwrap();
    }
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--export", "-"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_safe(&r);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["records"][0]["member"], "m\u{85}\u{9b}2J\u{202e}x");
    assert!(r.stderr.contains("head"), "{}", r.stderr);
}

#[test]
fn no_time_given_to_since_panics() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "private");
    for since in [
        "9999-12-31T23:59:59-00:01",
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "9999-12-31",
    ] {
        let r = run(w
            .cmd()
            .arg("--history")
            .arg(&h)
            .args(["history", "--since", since]));
        assert!(r.code == 0 || r.code == 2, "{since}: {r:?}");
        assert_ne!(r.code, 101);
    }
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_told_from_damage_and_leaves_the_history_intact() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "demo");
    let size = std::fs::metadata(&h).unwrap().len();
    // Writes past the file size limit fail (as on a full disk); SIGXFSZ is ignored, as it is
    // for a process that meets ENOSPC.
    let script = format!(
        "trap '' XFSZ; exec prlimit --fsize={size} '{}' --history '{}' audit",
        crate::common::BIN,
        h.display()
    );
    let mut cmd = w.hermetic("sh");
    cmd.env("LINKEDIN_LI_AT", w.token("demo"))
        .args(["-c", &script]);
    let r = run(&mut cmd);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("this run is not recorded"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the disk is full") || r.stderr.contains("an I/O error"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("move it away"), "{}", r.stderr);
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--verify"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("INTACT"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// 14, 16. objection

#[cfg(unix)]
#[test]
fn the_browser_objection_opens_never_sees_the_session() {
    let w = World::new();
    let seen = w.path("browser-env");
    let browser = w.path("browser");
    std::fs::write(&browser, format!("#!/bin/sh\nenv > '{}'\n", seen.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = run(w
        .as_account("demo")
        .env("LINKEDIN_JSESSIONID", "ajax:1234567890123456789")
        .env("BROWSER", &browser)
        .args(["objection", "--email", "ada@example.com", "--open"]));
    assert_eq!(r.code, 0, "{r:?}");
    let started = Instant::now();
    while !seen.exists() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(!env.contains(&w.token("demo")), "{env}");
    assert!(!env.contains("LINKEDIN_"), "{env}");
    assert!(
        env.contains("HOME="),
        "the rest of the environment is kept: {env}"
    );
}

#[test]
fn objection_stops_at_a_999_like_every_other_command() {
    let w = World::new();
    let h = Hostile::start(|_, _| Reply::raw(999, "text/html", b"denied".to_vec()));
    let r = run(at(&h, &w).args(["--retries", "0", "objection", "--email", "a@example.com"]));
    assert_safe(&r);
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(h.hits().len(), 1, "{:?}", h.calls());
}

// ---------------------------------------------------------------------------------------------
// 17. Completion offers only names this version accepts

#[test]
fn completion_never_offers_a_profile_name_a_shell_would_expand() {
    if !crate::common::have(
        "bash",
        "completion_never_offers_a_profile_name_a_shell_would_expand",
    ) {
        return;
    }
    let w = World::new();
    let dir = w.path("config/linkedin-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("profiles.json"),
        r#"{"profiles": ["work", "*", "$(touch pwned)", "a b", "`id`"]}"#,
    )
    .unwrap();
    let script = format!(
        r#"source <("{bin}" completions bash) || exit 3
f=$(complete -p linkedin-privacy | sed -E 's/.* -F ([^ ]+) .*/\1/')
COMP_WORDS=(linkedin-privacy --profile '')
COMP_CWORD=2
COMP_LINE="linkedin-privacy --profile "
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
COMPREPLY=()
"$f" linkedin-privacy '' --profile
printf '%s\n' "${{COMPREPLY[@]}}""#,
        bin = crate::common::BIN
    );
    let r = run(w.hermetic("bash").args(["-c", &script]));
    assert_eq!(r.code, 0, "{r:?}");
    let offered: Vec<&str> = r.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(offered, ["work"], "{}", r.stdout);
    assert!(!w.path("pwned").exists());
}

// ---------------------------------------------------------------------------------------------
// 19. Files another user can change

#[cfg(unix)]
#[test]
fn a_config_or_history_others_can_write_is_warned_about_and_cannot_set_the_catalog() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let dir = w.path("config/linkedin-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "catalog = \"/tmp/evil.toml\"\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
    let r = run(w.as_account("private").arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("can be changed by another user"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("chmod go-w"), "{}", r.stderr);
    std::fs::write(&config, "format = \"json\"\n").unwrap();
    let r = run(w.as_account("private").arg("audit"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("warning:") && r.stderr.contains("another user"),
        "{}",
        r.stderr
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "private");
    std::fs::set_permissions(&h, std::fs::Permissions::from_mode(0o666)).unwrap();
    let r = run(w
        .as_account("private")
        .arg("--history")
        .arg(&h)
        .arg("audit"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("the history") && r.stderr.contains("another user"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 21. Every duration has a bound

#[test]
fn durations_out_of_range_are_refused_with_the_range() {
    let w = World::new();
    let accounts = w.path("accounts.tsv");
    std::fs::write(&accounts, format!("a\t{}\n", w.token("private"))).unwrap();
    let r = run(w
        .cmd()
        .args(["audit", "--delay-ms", "99999999999", "--accounts"])
        .arg(&accounts));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("0..=60000"), "{}", r.stderr);
    let r = run(w.cmd().args(["sandbox", "--latency-ms", "99999999"]));
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(w.cmd().args(["--timeout", "1e300", "audit"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("more than 0 and at most 3600"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 22. drift: a bounded manifest, and no quadratic matching

#[test]
fn drift_refuses_a_huge_manifest_and_matches_many_replies_quickly() {
    let w = World::new();
    let big = w.path("big");
    std::fs::create_dir(&big).unwrap();
    let mut f = std::fs::File::create(big.join("manifest.json")).unwrap();
    f.write_all(b"{\"schema\":1,\"kind\":\"linkedin-privacy recording\",\"note\":\"")
        .unwrap();
    f.write_all(&vec![b'x'; 17 << 20]).unwrap();
    f.write_all(b"\"}").unwrap();
    drop(f);
    let r = run_within(
        w.cmd().arg("drift").arg(fixtures()).arg(&big),
        Duration::from_secs(20),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
    // 40,000 replies on each side.
    let replies: Vec<Value> = (0..40_000)
        .map(|i| json!({"endpoint": "card", "arg": format!("k{i}"), "status": 404, "file": null, "sha256": null}))
        .collect();
    let manifest = json!({"schema": 1, "kind": "linkedin-privacy recording",
        "tool": {"name": "linkedin-privacy", "version": "0"}, "recorded_at": null, "replies": replies});
    for name in ["a", "b"] {
        let dir = w.path(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    }
    let r = run_within(
        w.cmd()
            .args(["drift", "--json"])
            .arg(w.path("a"))
            .arg(w.path("b")),
        Duration::from_secs(20),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["breaking"], 0);
}

// ---------------------------------------------------------------------------------------------
// 23. A key given twice is two answers: unknown

#[test]
fn a_duplicate_json_key_anywhere_in_a_card_is_unknown() {
    let w = World::new();
    let off = toggle(
        "allowDataForGenerativeAI",
        r#""false""#,
        r#""true""#,
        r#""false""#,
    );
    let on = toggle(
        "allowDataForGenerativeAI",
        r#""true""#,
        r#""true""#,
        r#""false""#,
    );
    let two_lists = format!(r#"{{"settings":[{on}],"settings":[{off}]}}"#);
    let two_values =
        card(&[off.replace(r#""value":"false""#, r#""value":"true","value":"false""#)]);
    for body in [two_lists, two_values] {
        let h = Hostile::start(move |hit, _| match hit.path.as_str() {
            ME => Reply::json(200, &me("Ada")),
            AI => Reply::json(200, &body),
            RESEARCH => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
            _ => Reply::json(404, r#"{"status":404}"#),
        });
        let r = run(at(&h, &w).args(["audit", "--json"]));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{r:?}");
        let v = r.json();
        assert_eq!(v["verdict"], "incomplete");
        let ai = &v["settings"][0];
        assert_eq!(ai["state"], "unknown", "{v}");
        assert_eq!(ai["reason_code"], "duplicate_json_key", "{v}");
    }
}

// ---------------------------------------------------------------------------------------------
// 24, 25. What a verdict speaks for; the demo does what the README says

#[test]
fn a_verdict_over_part_of_the_catalog_says_so_and_names_what_was_not_read() {
    let w = World::new();
    let r = run(w.cmd().args(["--sandbox=private", "opt-out", "--yes"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("PRIVATE: the 1 setting read keeps your data private; 16 settings of the catalog were not read (research-data, ads-beyond-linkedin, ads-business-interactions, ads-measurement and 12 more)"), "{}", r.stdout);
    assert!(!r.stdout.contains("every setting read"), "{}", r.stdout);
    let r = run(w
        .cmd()
        .args(["--sandbox=private", "opt-out", "--yes", "--json"]));
    let not_read = r.json()["not_read"].clone();
    assert_eq!(not_read.as_array().unwrap().len(), 16, "{not_read}");
    assert_eq!(not_read[0], "research-data");
    let r = run(w.cmd().args([
        "--sandbox=private",
        "audit",
        "--setting",
        "research-data",
        "--json",
    ]));
    let not_read = r.json()["not_read"].clone();
    assert_eq!(not_read.as_array().unwrap().len(), 16, "{not_read}");
    assert_eq!(not_read[0], "generative-ai-training");
    let r = run(w.cmd().args(["--sandbox=private", "audit", "--json"]));
    assert!(
        r.json().get("not_read").is_none(),
        "a full audit leaves nothing out"
    );
}

#[test]
fn the_sandbox_demo_audits_every_built_in_account() {
    let w = World::new();
    let r = run(w
        .cmd()
        .args(["--sandbox", "audit", "--all-profiles", "--format", "ndjson"]));
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), AccountsFile::builtin().accounts.len());
    let not_reached: Vec<&Value> = lines
        .iter()
        .filter(|l| l["error"]["kind"] == "not_reached")
        .collect();
    assert!(not_reached.is_empty(), "{not_reached:?}");
    let blocked = lines
        .iter()
        .find(|l| l["account"]["label"] == "blocked")
        .unwrap();
    assert_eq!(blocked["error"]["kind"], "blocked");
}

// ---------------------------------------------------------------------------------------------
// 27. Without a keyring

#[test]
fn without_a_keyring_login_says_so_before_asking_for_anything() {
    let w = World::new();
    let h = Hostile::start(|_, _| Reply::json(200, &me("Ada"))).expect_no_hits();
    let no_keyring = |cmd: &mut Command| {
        cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
            .env("LINKEDIN_PRIVACY_KEYRING", "os")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", w.path("no-bus").display()),
            );
    };
    let mut cmd = w.cmd();
    no_keyring(&mut cmd);
    cmd.args(["login", "--cookie-stdin"]);
    let r = run_with_stdin(&mut cmd, CANARY);
    assert_safe(&r);
    assert_eq!(r.code, 4, "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].contains("cannot use the OS keyring: no Secret Service answers"),
        "{}",
        r.stderr
    );
    assert!(lines[1].contains("--insecure-storage"), "{}", r.stderr);
    assert!(!r.stderr.to_lowercase().contains("zbus") && !r.stderr.contains("org.freedesktop"));
    // Asked on a terminal, it would not even ask.
    let mut cmd = w.cmd();
    no_keyring(&mut cmd);
    let r = run(cmd.arg("login"));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(!r.stderr.contains("li_at (hidden)"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// What a second look found

#[test]
fn recordings_of_hostile_pages_hold_nothing_and_never_panic() {
    let w = World::new();
    let li_at = "AQED+plus%41tok123";
    let me_reply = r#"{"plainId":114477001,"miniProfile":{"firstName":"Élodie","lastName":"Key","publicIdentifier":"elodie-key","entityUrn":"urn:li:fs_miniProfile:ACoAAz7"}}"#;
    let page = format!(
        concat!(
            "<html><body><p>Q&Aのページです &aaaaaaaaaaé ÉLODIE &Eacute;lodie E\u{301}lodie</p>",
            "<p>jdoe+linkedin@example.com bob&#64example.net carol%2540example.org dave&#x40;example&#46com</p>",
            "<p>echo {li_at} zzAQEDtok9</p>",
            "<form><input type=hidden name=a value='Tok1+abc/Zz=='><input type=hidden value='percent%2Btok6'>",
            "<input type=hidden value=zzAQE><textarea name=details></textarea></form>",
            "<noscript><input type=hidden value='NOSCRIPTtok2'></noscript>",
            "<script>document.write('<input type=\"hidden\" value=\"SCRIPTtok3\">')</script>",
            "<p>Tok1+abc/Zz== percent%2Btok6 NOSCRIPTtok2 SCRIPTtok3</p></body></html>"
        ),
        li_at = li_at
    );
    let card_with_numbers = format!(
        r#"{{"settings":[{}],"x":114477001.0,"y":1.14477001e8,"description":"Q&Aのページです"}}"#,
        toggle("allowDataForGenerativeAI", "true", "true", "false")
    );
    let dup = format!(
        r#"{{"settings":[{}],"settings":[{}]}}"#,
        toggle("allowAnonymizedDataResearch", "true", "true", "false"),
        toggle("allowAnonymizedDataResearch", "false", "true", "false")
    );
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        ME => Reply::json(200, me_reply),
        FORM => Reply::html(200, &page),
        AI => Reply::json(200, &card_with_numbers),
        _ => Reply::json(200, &dup),
    });
    let out = w.path("rec");
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
        .env("LINKEDIN_LI_AT", li_at)
        .args(["record", "--out"])
        .arg(&out);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{r:?}");
    for file in files_below(&out) {
        let text = std::fs::read_to_string(&file).unwrap();
        let lower = text.to_lowercase();
        for secret in [
            "aqed+plus",
            "tok123",
            "tok1+abc",
            "percent%2btok6",
            "percent+tok6",
            "noscripttok2",
            "scripttok3",
            "zzaqe",
            "jdoe",
            "bob&#64",
            "carol%25",
            "dave&#x40",
            "114477001",
            "1.14477001e8",
            "élodie",
            "e\u{301}lodie",
            "&eacute;lodie",
            "elodie-key",
            "acoaaz7",
        ] {
            assert!(
                !lower.contains(secret),
                "{secret} is in {}:\n{text}",
                file.display()
            );
        }
    }
    // The shape keeps its keys, whatever the member is called.
    let card = std::fs::read_to_string(out.join("card-dataForAiImprovement.json")).unwrap();
    assert!(card.contains("\"key\""), "{card}");
    // A reply with a key twice is kept as it came, and drift says so.
    let d = run(w.cmd().args(["drift", "--json"]).arg(fixtures()).arg(&out));
    assert!(d.stdout.contains("\"duplicate_key\""), "{}", d.stdout);
}

#[test]
fn pages_of_a_million_inputs_or_attributes_are_read_in_bounded_time() {
    let w = World::new();
    let mut many = String::from("<html><body><form>");
    many.push_str(&"<input>".repeat(600_000));
    many.push_str(&"<input name=a>".repeat(100_000));
    many.push_str("<textarea name=details></textarea></form></body></html>");
    let mut attrs = String::from("<html><body><form><input ");
    for i in 0..60_000 {
        attrs.push_str(&format!("a{i} "));
    }
    attrs.push_str("type=hidden value=tok><textarea name=x></textarea></form></body></html>");
    for page in [many, attrs] {
        let page = Arc::new(page);
        let h = {
            let page = page.clone();
            Hostile::start(move |hit, _| match hit.path.as_str() {
                FORM => Reply::html(200, &page),
                ME => Reply::json(200, &me("Ada")),
                _ => Reply::json(200, &off_card("allowDataForGenerativeAI")),
            })
        };
        let r = run_within(
            at(&h, &w).args(["objection", "--email", "a@example.com", "--json"]),
            Duration::from_secs(60),
        );
        assert_eq!(r.code, 0, "{r:?}");
        let out = w.path(&format!("rec-{}", page.len()));
        let r = run_within(
            at(&h, &w).args(["record", "--out"]).arg(&out),
            Duration::from_secs(90),
        );
        assert_eq!(r.code, 0, "{r:?}");
    }
}

#[test]
fn more_times_that_could_not_be_printed_are_usage_errors() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "private");
    for since in ["1970-01-01T00:00:00+00:01", "1970-01-01T04:59:59+05:00"] {
        let r = run(w
            .cmd()
            .arg("--history")
            .arg(&h)
            .args(["history", "--since", since]));
        assert_eq!(r.code, 2, "{since}: {r:?}");
    }
}

#[test]
fn the_resume_file_is_neither_the_tokens_on_stdin_nor_the_history() {
    let w = World::new();
    let accounts = w.path("accounts.tsv");
    let text = format!("a\t{}\n", w.token("private"));
    std::fs::write(&accounts, &text).unwrap();
    let r = run(w
        .cmd()
        .args(["audit", "--accounts", "-", "--resume"])
        .arg(&accounts)
        .stdin(std::fs::File::open(&accounts).unwrap()));
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read_to_string(&accounts).unwrap(), text);
    let h = w.path("h.sqlite3");
    audit_into(&w, &h, "private");
    let before = std::fs::read(&h).unwrap();
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["audit", "--accounts"])
        .arg(&accounts)
        .arg("--resume")
        .arg(&h));
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read(&h).unwrap(), before);
}

#[test]
fn a_head_noted_on_an_empty_history_and_an_earlier_head_are_said_in_the_table() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    {
        linkedin_privacy::history::History::open(&h).unwrap();
    }
    let first = w.path("e0.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--export"])
        .arg(&first));
    assert_eq!(r.code, 0, "{r:?}");
    let genesis = r.json()["head"].as_str().unwrap().to_string();
    assert_eq!(genesis, "0".repeat(64));
    audit_into(&w, &h, "demo");
    let later = w.path("e1.json");
    assert_eq!(
        run(w
            .cmd()
            .arg("--history")
            .arg(&h)
            .args(["history", "--export"])
            .arg(&later))
        .code,
        0
    );
    let r = run(w
        .cmd()
        .args(["history", "--verify"])
        .arg(&later)
        .args(["--head", &genesis]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("record(s) were added after it"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_export_with_a_record_of_hundreds_of_megabytes_is_refused_in_bounded_memory() {
    let w = World::new();
    let export = w.path("big.json");
    {
        let mut f = std::fs::File::create(&export).unwrap();
        write!(f, "{{\"format\":\"linkedin-privacy-history\",\"version\":1,\"records\":[{{\"id\":1,\"detail\":\"").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..300 {
            f.write_all(&chunk).unwrap();
        }
        write!(f, "\"}}],\"head\":\"x\"}}").unwrap();
    }
    let script = format!(
        "ulimit -v 300000; exec '{}' history --verify '{}'",
        crate::common::BIN,
        export.display()
    );
    let r = run_within(
        w.hermetic("sh").args(["-c", &script]),
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("a record is larger than 1 MiB"),
        "{}",
        r.stderr
    );
    // A head given twice is refused too.
    std::fs::write(
        &export,
        format!(r#"{{"format":"linkedin-privacy-history","version":1,"records":[],"head":"{0}","head":"{0}"}}"#, "0".repeat(64)),
    )
    .unwrap();
    let r = run(w.cmd().args(["history", "--verify"]).arg(&export));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("given twice"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_config_behind_a_link_is_judged_by_where_it_really_is() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let open = w.path("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let real = open.join("config.toml");
    std::fs::write(&real, "insecure_storage = true\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let dir = w.path("config/linkedin-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("config.toml")).unwrap();
    let r = run(w.as_account("private").arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("which another user can change"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_for_the_profile_index_or_the_sessions_file_hangs_nothing() {
    let w = World::new();
    let dir = w.path("config/linkedin-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    mkfifo(&dir.join("profiles.json"));
    mkfifo(&dir.join("sessions.json"));
    let limit = Duration::from_secs(20);
    let r = run_within(w.cmd().args(["status", "--offline"]), limit);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stdout.contains("not a regular file") || r.stderr.contains("not a regular file"),
        "{r:?}"
    );
    let r = run_within(
        w.cmd().args(["--insecure-storage", "status", "--offline"]),
        limit,
    );
    assert_eq!(r.code, 4, "{r:?}");
}

#[test]
fn record_deletes_only_files_it_wrote_itself() {
    let w = World::new();
    let dir = w.path("documents");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("thesis.docx"), "years of work").unwrap();
    let manifest = json!({"schema": 1, "kind": "linkedin-privacy recording",
        "tool": {"name": "linkedin-privacy", "version": "0"}, "recorded_at": null,
        "replies": [{"endpoint": "me", "arg": "", "status": 200, "file": "thesis.docx", "sha256": null}]});
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    let r = run(w.as_account("demo").args(["record", "--out"]).arg(&dir));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("thesis.docx")).unwrap(),
        "years of work"
    );
}

#[test]
fn profile_names_that_read_as_flags_and_fullwidth_look_alike_labels_are_refused() {
    let w = World::new();
    let r = run(w.cmd().args(["--profile", "-rf", "status"]));
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(w.cmd().args(["--profile=..", "status"]));
    assert_eq!(r.code, 2, "{r:?}");
    let file = w.path("accounts.tsv");
    std::fs::write(
        &file,
        format!(
            "ada\t{t}\n\u{ff41}\u{ff44}\u{ff41}\t{t}\n",
            t = w.token("private")
        ),
    )
    .unwrap();
    let r = run(w.cmd().args(["audit", "--accounts"]).arg(&file));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("lines 1 and 2"), "{}", r.stderr);
}
