//! The tool against a hostile server (tests/common/hostile.rs) and hostile local conditions, one
//! test per class of fault: never a false PRIVATE, no leak, no crash, no hang, nothing lost.
//! Every run uses a recognisable token and checks it never comes back out.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::hostile::{Body, Hostile, Reply, card, me, toggle, toggle_card};
use crate::common::{Run, World, run, run_with_stdin};
use serde_json::{Value, json};

const CANARY: &str = "LIATCANARYhostile9d2e";
const PASSWORD: &str = "PWCANARYhostile7c1b";
const AI: &str = "/mysettings-api/settingsApiSettingCards/dataForAiImprovement";
const RESEARCH: &str = "/mysettings-api/settingsApiSettingCards/policyAndAcademicResearch";
const ME: &str = "/voyager/api/me";
const FORM: &str = "/help/linkedin/ask/TS-DPRO";

fn off_card(key: &str) -> String {
    toggle_card(key, r#""false""#, r#""true""#, r#""false""#)
}

fn on_card(key: &str) -> String {
    toggle_card(key, r#""true""#, r#""true""#, r#""false""#)
}

/// The binary against the hostile server, with the canary token from the environment.
fn at(h: &Hostile, w: &World) -> Command {
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
        .env("LINKEDIN_LI_AT", CANARY);
    cmd
}

/// Nothing a terminal would obey, and neither secret, in what the tool printed.
#[track_caller]
fn assert_safe(r: &Run) {
    for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
            assert!(
                !text.contains(bad),
                "{what} holds control character {bad:?}:\n{text}"
            );
        }
        assert!(!text.contains(CANARY), "the token leaked into {what}");
        assert!(!text.contains(PASSWORD), "the password leaked into {what}");
    }
    assert_ne!(r.code, 101, "panicked: {}", r.stderr);
}

fn setting<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {v}"))
}

/// Runs a command, killing it if it has not finished within `limit` (a hang is a failure, not a
/// stuck test run).
fn run_within(cmd: &mut Command, limit: Duration) -> Run {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < limit {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // SAFETY: kill only sends a signal to our own child.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            true
        })
    };
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(
        !watchdog.join().unwrap(),
        "still running after {limit:?}: it hangs"
    );
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Never a false PRIVATE

#[test]
fn a_404_is_not_offered_only_with_linkedins_json_error_and_never_private() {
    let w = World::new();
    let cases: [(u16, &str, &str, &str); 4] = [
        (404, "application/json", r#"{"status":404}"#, "not_offered"),
        (404, "application/json", "", "unknown"),
        (
            404,
            "text/html",
            "<html><body>Not found</body></html>",
            "unknown",
        ),
        (410, "application/json", r#"{"status":410}"#, "unknown"),
    ];
    for (status, ct, body, want) in cases {
        let body = body.to_string();
        let ct = ct.to_string();
        let h = Hostile::start(move |_, _| Reply::raw(status, &ct, body.clone().into_bytes()));
        let r = run(at(&h, &w).args(["audit", "--json"]));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{status} {want}: {r:?}");
        let v = r.json();
        assert_eq!(v["verdict"], "incomplete", "{status} {want}");
        let ai = setting(&v, "generative-ai-training");
        assert_eq!(ai["state"], want, "{status}: {ai}");
        if want == "unknown" {
            assert!(
                ai["reason"].as_str().unwrap().contains("may have moved")
                    || ai["reason"].as_str().unwrap().contains("410"),
                "{ai}"
            );
        }
        let table = run(at(&h, &w).args(["audit"]));
        assert!(!table.stdout.contains("PRIVATE:"), "{}", table.stdout);
        assert!(table.stdout.contains("INCOMPLETE:"), "{}", table.stdout);
        // opt-out acts on nothing and does not claim success.
        let r = run(at(&h, &w).args(["opt-out", "--yes", "--json"]));
        assert_eq!(r.code, 3, "{r:?}");
        assert!(h.calls().iter().all(|c| !c.starts_with("PUT")));
    }
}

#[test]
fn an_informational_entry_alone_is_never_private() {
    let w = World::new();
    let r = w.run(
        "demo",
        &["audit", "--setting", "other-ai-processing", "--json"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(r.json()["verdict"], "incomplete");
    let r = w.run("demo", &["audit", "--setting", "other-ai-processing"]);
    assert!(!r.stdout.contains("PRIVATE:"), "{}", r.stdout);
    assert!(
        w.requests().is_empty(),
        "an informational entry needs no request"
    );
}

#[test]
fn a_typo_in_a_card_key_is_never_private_and_opt_out_does_not_claim_success() {
    let w = World::new();
    let typo = linkedin_privacy::catalog::DEFAULT_TOML.replace(
        "card = \"dataForAiImprovement\"",
        "card = \"dataForAiImprovemnt\"",
    );
    let path = w.path("typo.toml");
    std::fs::write(&path, typo).unwrap();
    let catalog = path.to_str().unwrap();
    let r = w.run(
        "demo",
        &[
            "--catalog",
            catalog,
            "audit",
            "--setting",
            "generative-ai-training",
            "--json",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(r.json()["verdict"], "incomplete");
    let r = w.run(
        "demo",
        &["--catalog", catalog, "opt-out", "--yes", "--json"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(w.calls("demo").iter().all(|c| !c.starts_with("PUT")));
    // The real card still reads on.
    let r = w.run(
        "demo",
        &["audit", "--setting", "generative-ai-training", "--json"],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn empty_and_duplicated_values_are_unknown_and_never_written() {
    let w = World::new();
    let research_key = "allowAnonymizedDataResearch";
    let dup = card(&[
        toggle(research_key, r#""false""#, r#""true""#, r#""false""#),
        toggle(research_key, r#""true""#, r#""true""#, r#""false""#),
    ]);
    let cases: Vec<(String, &str)> = vec![
        (
            toggle_card(research_key, "null", "true", "null"),
            "value is null",
        ),
        (
            toggle_card(research_key, r#""true""#, r#""true""#, "null"),
            "offValue is null",
        ),
        (toggle_card(research_key, "[]", "true", "[]"), "value is []"),
        (
            toggle_card(research_key, "false", "{}", "false"),
            "onValue is {}",
        ),
        (dup, "2 settings with the key"),
    ];
    for (research, why) in cases {
        let ai = off_card("allowDataForGenerativeAI");
        let h = Hostile::start(move |hit, _| match hit.path.as_str() {
            AI => Reply::json(200, &ai),
            RESEARCH => Reply::json(200, &research),
            _ => Reply::json(200, "{}"),
        });
        let r = run(at(&h, &w).args(["audit", "--json"]));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{why}: {r:?}");
        let research = setting(&r.json(), "research-data").clone();
        assert_eq!(research["state"], "unknown", "{why}");
        assert!(
            research["reason"].as_str().unwrap().contains(why),
            "{why}: {research}"
        );
        let r = run(at(&h, &w).args(["opt-out", "--all", "--yes", "--json"]));
        assert_eq!(r.code, 3, "{why}: {r:?}");
        assert!(
            h.calls().iter().all(|c| !c.starts_with("PUT")),
            "{why}: written {:?}",
            h.calls()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// No leak: nothing from a server reaches the terminal raw, nothing is echoed in full

const HOSTILE_FORM: &str = "<html><body><form>\
    <input type=hidden name=csrfToken value=HIDDENCANARY>\
    <label for=n>Full \x1b]0;owned\x07name\x1b[2J</label><input id=n name=fullName>\
    <label for=t>Objection \u{9b}31mtype</label>\
    <select id=t name=objectionType><option value=ML>Machine learning \x1b[5m</option>\
    <option value=OTHER>Other</option></select>\
    <label for=x>Explain</label><textarea id=x name=details></textarea></form></body></html>";

#[test]
fn server_text_never_reaches_the_terminal_raw() {
    let w = World::new();
    let h = Hostile::start(|hit, _| match hit.path.as_str() {
        ME => Reply::json(200, &me(r"Ada\u001b]0;pwned\u0007\u001b[2J\u009b1m\u202e")),
        FORM => Reply::html(200, HOSTILE_FORM),
        _ => Reply::json(200, &on_card("allowDataForGenerativeAI")),
    });
    for args in [
        &["objection", "--email", "a@example.com"][..],
        &["objection", "--email", "a@example.com", "--json"],
        &["objection", "--email", "a@example.com", "--format", "csv"],
        &[
            "objection",
            "--email",
            "a@example.com",
            "--type",
            "nothing-like-it",
        ],
    ] {
        let r = run(at(&h, &w).args(args));
        assert_safe(&r);
        assert!(
            !r.stdout.contains("HIDDENCANARY"),
            "a hidden value: {}",
            r.stdout
        );
        if args.contains(&"--json") {
            let v = r.json();
            assert_eq!(v["account"]["name"], "Ada ]0;pwned [2J 1m Lovelace");
            assert!(
                v["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|f| f["kind"] != "hidden")
            );
        }
    }
    // A challenge address with escape sequences, on the password way in.
    let h = Hostile::start(|hit, _| match (hit.method.as_str(), hit.path.as_str()) {
        ("POST", _) => Reply::json(
            200,
            r#"{"login_result":"CHALLENGE","challenge_url":"https://www.linkedin.com/checkpoint/\u001b]0;x\u0007\u001b[2Jc"}"#,
        ),
        _ => Reply::json(200, r#"{"status":"success"}"#),
    });
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "login",
        "--email",
        "ada@example.com",
        "--password-stdin",
    ]);
    let r = run_with_stdin(&mut cmd, &format!("{PASSWORD}\n"));
    assert_safe(&r);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("https://www.linkedin.com/checkpoint/"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_reflected_login_reply_is_not_echoed_and_a_sign_in_is_never_retried() {
    let w = World::new();
    // A server that puts the request body (with the password) into login_result.
    let h = Hostile::start(|hit, _| match hit.method.as_str() {
        "POST" => Reply::json(200, &json!({"login_result": hit.body}).to_string()),
        _ => Reply::json(200, r#"{"status":"success"}"#),
    });
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "login",
        "--email",
        "ada@example.com",
        "--password-stdin",
        "--json",
    ]);
    let r = run_with_stdin(&mut cmd, &format!("{PASSWORD}\n"));
    assert_safe(&r);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("unknown login_result"), "{}", r.stderr);

    // A server that answers with the password field alone: a short, plain word is not quoted
    // either.
    let h = Hostile::start(|hit, _| match hit.method.as_str() {
        "POST" => {
            let password = hit
                .body
                .split('&')
                .find_map(|kv| kv.strip_prefix("session_password="))
                .unwrap_or("")
                .to_string();
            Reply::json(200, &json!({"login_result": password}).to_string())
        }
        _ => Reply::json(200, r#"{"status":"success"}"#),
    });
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "login",
        "--email",
        "ada@example.com",
        "--password-stdin",
    ]);
    let r = run_with_stdin(&mut cmd, &format!("{PASSWORD}\n"));
    assert_safe(&r);
    assert_eq!(r.code, 3, "{r:?}");

    // A 5xx to the password POST: one submission, never four.
    let h = Hostile::start(|hit, _| match hit.method.as_str() {
        "POST" => Reply::json(503, "{}"),
        _ => Reply::json(200, r#"{"status":"success"}"#),
    });
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "login",
        "--email",
        "ada@example.com",
        "--password-stdin",
    ]);
    let r = run_with_stdin(&mut cmd, &format!("{PASSWORD}\n"));
    assert_safe(&r);
    assert_eq!(r.code, 3, "{r:?}");
    let posts = h.calls().iter().filter(|c| c.starts_with("POST")).count();
    assert_eq!(posts, 1, "{:?}", h.calls());
}

#[test]
fn a_dry_run_never_shows_hostile_card_values_raw() {
    let w = World::new();
    // A short value with a C1 control and a bidi override is no setting's value: never written,
    // and never shown raw.
    let sneaky = toggle_card(
        "allowDataForGenerativeAI",
        r#""on""#,
        r#""on""#,
        r#""\u009b31m\u202eevil""#,
    );
    let h = Hostile::start(move |_, _| Reply::json(200, &sneaky));
    for args in [
        &["opt-out", "--dry-run"][..],
        &["opt-out", "--dry-run", "--json"],
    ] {
        let r = run(at(&h, &w).args(args));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stdout.contains("not a setting's value"), "{}", r.stdout);
    }
    let r = run(at(&h, &w).args(["opt-out", "--dry-run", "--json"]));
    assert_eq!(r.json()["planned"], json!([]), "nothing would be sent");
    // An entityUrn that is not a plain URN is not written back at all.
    let long = format!(
        r#"{{"settings":[{{"key":"allowDataForGenerativeAI","entityUrn":"urn:\u009b2J\u202e{}","settingDisplayType":"TOGGLE","value":"on","onValue":"on","offValue":"off"}}]}}"#,
        "y".repeat(5000)
    );
    let h = Hostile::start(move |_, _| Reply::json(200, &long));
    for args in [
        &["opt-out", "--dry-run"][..],
        &["opt-out", "--yes", "--json"],
    ] {
        let r = run(at(&h, &w).args(args));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stdout.len() < 8_000);
        assert!(r.stdout.contains("not a plain URN"), "{}", r.stdout);
    }
    assert!(h.calls().iter().all(|c| !c.starts_with("PUT")));
}

#[test]
fn a_stored_identity_from_an_older_version_is_cleaned() {
    let w = World::new();
    let mut login = w.cmd();
    login.args(["--insecure-storage", "login", "--cookie-stdin"]);
    assert_eq!(run_with_stdin(&mut login, &w.token("demo")).code, 0);
    let file = w.path("config/linkedin-privacy/sessions.json");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        r#""public_id": "ada-lovelace""#,
        r#""public_id": "eve\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e""#,
    );
    assert!(text.contains("pwned"));
    std::fs::write(&file, text).unwrap();
    for args in [
        &["--insecure-storage", "audit"][..],
        &["--insecure-storage", "audit", "--json"],
        &["--insecure-storage", "status"],
        &[
            "--insecure-storage",
            "objection",
            "--email",
            "a@example.com",
        ],
    ] {
        let r = run(w.cmd().args(args));
        assert_safe(&r);
        assert!(!r.stdout.contains("pwned"), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn a_huge_value_is_described_never_copied() {
    let w = World::new();
    let huge = format!("\"{}\"", "v".repeat(6 * 1024 * 1024));
    let card = toggle_card("allowDataForGenerativeAI", &huge, "\"true\"", "\"false\"");
    let h = Hostile::start(move |_, _| Reply::json(200, &card));
    for args in [
        &["audit", "--json"][..],
        &["audit"],
        &["audit", "--format", "csv"],
    ] {
        let r = run(at(&h, &w).args(args));
        assert_safe(&r);
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stdout.len() < 8_000, "{} bytes of output", r.stdout.len());
        assert!(
            r.stdout.contains("a string of 6291456 characters"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn csv_cells_cannot_run_as_formulas() {
    let w = World::new();
    let h = Hostile::start(|hit, _| match hit.path.as_str() {
        ME => Reply::json(200, &me("=HYPERLINK(\\\"http://x\\\")")),
        _ => Reply::json(200, &on_card("allowDataForGenerativeAI")),
    });
    let mut login = w.cmd();
    login.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "login",
        "--cookie-stdin",
    ]);
    let r = run_with_stdin(&mut login, CANARY);
    assert_safe(&r);
    assert_eq!(r.code, 0, "{r:?}");
    let mut audit = w.cmd();
    audit.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url).args([
        "--insecure-storage",
        "audit",
        "--format",
        "csv",
    ]);
    let r = run(&mut audit);
    assert_safe(&r);
    let row = r.stdout.split("\r\n").nth(1).unwrap();
    assert!(row.starts_with("default,\"'=HYPERLINK("), "{row}");
}

#[test]
fn a_stored_session_is_never_sent_to_another_origin() {
    let w = World::new();
    // Signed in at the sandbox...
    let mut login = w.cmd();
    login.args(["--insecure-storage", "login", "--cookie-stdin"]);
    assert_eq!(run_with_stdin(&mut login, &w.token("demo")).code, 0);
    // ...then the environment names another origin.
    let h = Hostile::start(|_, _| Reply::json(200, &on_card("x"))).expect_no_hits();
    for args in [
        &["--insecure-storage", "audit", "--json"][..],
        &["--insecure-storage", "opt-out", "--yes", "--json"],
        &["--insecure-storage", "status", "--json"],
    ] {
        let r = run(w
            .cmd()
            .env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
            .args(args));
        assert_eq!(r.code, 4, "{args:?}: {r:?}");
        assert!(r.stdout.contains("wrong_origin"), "{}", r.stdout);
        assert!(r.stdout.contains("is never sent to"), "{}", r.stdout);
    }
    assert!(
        h.hits().is_empty(),
        "the other origin was sent {:?}",
        h.calls()
    );
    // The same session still works where it was signed in.
    let r = run(w.cmd().args(["--insecure-storage", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// No crash, no hang

#[test]
fn a_retry_after_beyond_any_bound_is_no_crash() {
    let w = World::new();
    let h = Hostile::start(|_, n| {
        let wait = if n == 0 { "1" } else { "18446744073709551615" };
        Reply::json(429, "{}").header("Retry-After", wait)
    });
    let r = run(at(&h, &w).args(["audit", "--json"]));
    assert_safe(&r);
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "throttled");
    assert_eq!(h.hits().len(), 2);
}

#[test]
fn a_retry_after_in_the_past_still_pauses_and_the_limit_message_names_the_total() {
    let w = World::new();
    let h = Hostile::start(|hit, n| match (hit.path.as_str(), n) {
        (_, 0) => Reply::json(429, "{}").header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
        (AI, _) => Reply::json(200, &on_card("allowDataForGenerativeAI")),
        _ => Reply::json(200, &off_card("allowAnonymizedDataResearch")),
    });
    let r = run(at(&h, &w).args(["audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let hits = h.hits();
    assert!(
        hits[1].at - hits[0].at >= Duration::from_millis(900),
        "retried after {:?}",
        hits[1].at - hits[0].at
    );

    // 2 s asked and waited, then 59 s asked: the total (61 s) is what passes the 60 s bound.
    let h = Hostile::start(|_, n| {
        Reply::json(429, "{}").header("Retry-After", if n == 0 { "2" } else { "59" })
    });
    let r = run(at(&h, &w).args(["audit", "--json"]));
    assert_eq!(r.code, 5, "{r:?}");
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("after 2s already waited"), "{message}");
    assert!(!message.contains("LinkedIn asked to wait 59s"), "{message}");
}

#[test]
fn a_trickling_reply_ends_at_the_timeout() {
    let w = World::new();
    let body = on_card("allowDataForGenerativeAI").into_bytes();
    // About 60 s for the whole body, one byte every 250 ms.
    let h = Hostile::start(move |_, _| Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Body::Trickle(body.clone(), Duration::from_millis(250)),
    });
    let r = run_within(
        at(&h, &w).args(["--timeout", "2", "audit", "--json"]),
        Duration::from_secs(20),
    );
    assert_safe(&r);
    assert_eq!(r.code, 6, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "timeout");
}

#[test]
fn a_form_of_forty_thousand_fields_parses_without_hanging() {
    let w = World::new();
    let mut page = String::from("<html><body><form><textarea name=details></textarea>");
    for i in 0..40_000 {
        page.push_str(&format!(
            "<label for=f{i}>Field {i}</label><input id=f{i} name=f{i}>"
        ));
    }
    page.push_str("</form></body></html>");
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        FORM => Reply::html(200, &page),
        ME => Reply::json(200, &me("Ada")),
        _ => Reply::json(200, &on_card("allowDataForGenerativeAI")),
    });
    let r = run_within(
        at(&h, &w).args(["objection", "--email", "a@example.com", "--json"]),
        Duration::from_secs(60),
    );
    assert_safe(&r);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["fields"].as_array().unwrap().len(), 200);
    assert!(r.stderr.contains("39801 more fields"), "{}", r.stderr);
    assert_eq!(v["fields"][8]["label"], "Field 7");
}

#[test]
fn a_deeply_nested_page_reads_in_linear_time_and_long_lists_are_cut() {
    let w = World::new();
    // 1.5 MB of nested elements: a tree builder's work grows with the depth; the tokenizer's
    // does not, so this reads like any page of its size.
    let deep = format!(
        "<html><body>{}<form><textarea name=x></textarea></form></body></html>",
        "<div><b>".repeat(200_000)
    );
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        FORM => Reply::html(200, &deep),
        ME => Reply::json(200, &me("Ada")),
        _ => Reply::json(200, &on_card("allowDataForGenerativeAI")),
    });
    let r = run_within(
        at(&h, &w).args(["objection", "--email", "a@example.com", "--json"]),
        Duration::from_secs(60),
    );
    assert_safe(&r);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["fetched"], true, "{}", r.stdout);
    assert_eq!(r.json()["fields"][0]["name"], "x");

    // A select with thousands of options shows the first 200.
    let mut page = String::from("<html><body><form><select name=objectionType>");
    for i in 0..5000 {
        page.push_str(&format!("<option value=v{i}>Option {i}</option>"));
    }
    page.push_str("</select><textarea name=details></textarea></form></body></html>");
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        FORM => Reply::html(200, &page),
        ME => Reply::json(200, &me("Ada")),
        _ => Reply::json(200, &on_card("allowDataForGenerativeAI")),
    });
    let r = run(at(&h, &w).args(["objection", "--email", "a@example.com", "--json"]));
    assert_safe(&r);
    assert_eq!(r.code, 0, "{r:?}");
    let options = r.json()["fields"][0]["options"].as_array().unwrap().len();
    assert_eq!(options, 200);
    assert!(r.stderr.contains("4800 more options"), "{}", r.stderr);
    assert!(r.stdout.len() < 100_000);
}

#[test]
fn opening_the_form_never_waits_for_the_browser_to_close() {
    let w = World::new();
    let browser = w.path("slow-browser");
    std::fs::write(&browser, "#!/bin/sh\nsleep 60\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let r = run_within(
        w.as_account("demo").env("BROWSER", &browser).args([
            "objection",
            "--email",
            "a@example.com",
            "--open",
            "--json",
        ]),
        Duration::from_secs(20),
    );
    assert_eq!(r.code, 0, "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Interrupted: what is known is said, nothing private is left behind

#[test]
fn interrupting_opt_out_between_write_and_read_back_reports_what_is_known() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let w = World::new();
        let h = Hostile::start(|hit, n| match (hit.method.as_str(), hit.path.as_str(), n) {
            ("GET", AI, 0) => Reply::json(200, &on_card("allowDataForGenerativeAI")),
            ("GET", RESEARCH, _) => Reply::json(200, &on_card("allowAnonymizedDataResearch")),
            ("PUT", _, _) => Reply::json(200, "{}"),
            // The read-back never comes.
            _ => Reply {
                status: 200,
                headers: vec![],
                body: Body::Stall(Duration::from_secs(30)),
            },
        });
        let child = at(&h, &w)
            .args(["opt-out", "--group", "ai", "--yes", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while h.hits().len() < 4 {
            assert!(start.elapsed() < Duration::from_secs(20), "{:?}", h.calls());
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        let r = Run {
            code: out
                .status
                .code()
                .expect("it exits, not killed by the signal"),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        };
        assert_safe(&r);
        assert_eq!(r.code, 130, "{r:?}");
        let v = r.json();
        assert_eq!(
            v["changes"],
            json!([{"id": "generative-ai-training", "before": "on", "after": "unknown", "verified": false}])
        );
        assert_eq!(v["error"]["kind"], "interrupted");
        assert_eq!(setting(&v, "generative-ai-training")["state"], "unknown");
        // The setting read but not yet written is still in the report, and still exposed.
        assert_eq!(setting(&v, "research-data")["state"], "on");
        assert_eq!(v["verdict"], "exposed");
        assert!(
            r.stderr.contains("interrupted after a write was sent"),
            "{}",
            r.stderr
        );
    }
}

/// A `cookies.sqlite` big enough that copying it takes a moment: a sparse file of zeros.
fn big_firefox_profile(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let f = std::fs::File::create(dir.join("cookies.sqlite")).unwrap();
    f.set_len(256 << 20).unwrap();
}

fn private_copies(tmp: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("linkedin-privacy-cookies.")
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn an_interrupted_firefox_sign_in_leaves_no_copy_of_the_cookie_jar() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let profile = w.path("ff");
    big_firefox_profile(&profile);
    let tmp = w.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let start_copy = |signal: i32| {
        let child = w
            .cmd()
            .env("TMPDIR", &tmp)
            .args(["--insecure-storage", "login", "--from-firefox"])
            .arg(&profile)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let copy = loop {
            if let Some(dir) = private_copies(&tmp).pop() {
                break dir;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no copy was made"
            );
            std::thread::sleep(Duration::from_millis(1));
        };
        // While it exists, only its owner can open it, and the copy inside is private too.
        let mode = std::fs::metadata(&copy).map(|m| m.permissions().mode() & 0o777);
        if let Ok(mode) = mode {
            assert_eq!(mode, 0o700);
        }
        if let Ok(m) = std::fs::metadata(copy.join("cookies.sqlite")) {
            assert_eq!(m.permissions().mode() & 0o777, 0o600);
        }
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        child.wait_with_output().unwrap()
    };
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let out = start_copy(signal);
        assert_eq!(out.status.code(), Some(130), "{out:?}");
        assert!(private_copies(&tmp).is_empty(), "a copy was left behind");
    }
    // SIGKILL cannot be caught: the next run removes what the killed one left.
    let out = start_copy(libc::SIGKILL);
    assert_eq!(out.status.code(), None);
    assert_eq!(private_copies(&tmp).len(), 1);
    let real = w.path("ff2");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("cookies.sqlite"), b"not a database").unwrap();
    let r = run(w
        .cmd()
        .env("TMPDIR", &tmp)
        .args(["--insecure-storage", "login", "--from-firefox"])
        .arg(&real));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(private_copies(&tmp).is_empty(), "the stale copy was swept");
}

// ---------------------------------------------------------------------------------------------
// Nothing lost

#[test]
fn concurrent_sign_ins_lose_no_session() {
    let w = World::new();
    let token = w.token("demo");
    std::thread::scope(|scope| {
        for i in 0..20 {
            let (w, token) = (&w, &token);
            scope.spawn(move || {
                let mut cmd = w.cmd();
                cmd.args([
                    "--insecure-storage",
                    "--profile",
                    &format!("p{i}"),
                    "login",
                    "--cookie-stdin",
                ]);
                let r = run_with_stdin(&mut cmd, token);
                assert_eq!(r.code, 0, "{r:?}");
            });
        }
    });
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "status", "--offline", "--json"]));
    assert_eq!(
        r.json()["sessions"].as_array().unwrap().len(),
        20,
        "{}",
        r.stdout
    );
}

#[test]
fn logout_all_goes_on_past_a_name_this_version_refuses() {
    let w = World::new();
    for profile in ["a", "b"] {
        let mut cmd = w.cmd();
        cmd.args([
            "--insecure-storage",
            "--profile",
            profile,
            "login",
            "--cookie-stdin",
        ]);
        assert_eq!(run_with_stdin(&mut cmd, &w.token("demo")).code, 0);
    }
    let file = w.path("config/linkedin-privacy/sessions.json");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"a\"", "\"../a\"");
    std::fs::write(&file, text).unwrap();
    let r = run(w
        .cmd()
        .args(["--insecure-storage", "logout", "--all", "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["forgotten"], json!(["../a", "b"]));
    let left = std::fs::read_to_string(&file).unwrap();
    assert!(!left.contains(&w.token("demo")), "{left}");
}

#[test]
fn without_a_keyring_logout_all_says_so_in_one_line_and_never_that_nothing_is_left() {
    let w = World::new();
    let r = run(w
        .cmd()
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", w.path("no-bus").display()),
        )
        .env("LINKEDIN_PRIVACY_KEYRING", "os")
        .args(["logout", "--all", "--json"]));
    assert_eq!(r.code, 4, "{r:?}");
    let v = r.json();
    assert_eq!(v["error"]["kind"], "store", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("no Secret Service answers"), "{message}");
    assert!(!r.stdout.contains("keyring search") && !r.stdout.contains("No sessions"));
    // One line of error, one of hint; no D-Bus jargon from the platform.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[1].contains("--insecure-storage"), "{}", r.stderr);
    assert!(!r.stderr.to_lowercase().contains("zbus"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// Bad local input: a clear error, a documented exit, nothing stored

#[test]
fn cookie_stdin_is_read_by_name_and_never_cut() {
    let w = World::new();
    let mut cmd = w.cmd();
    cmd.args(["--insecure-storage", "login", "--cookie-stdin", "--json"]);
    let input = format!(
        "JSESSIONID=\"ajax:1234567890123456789\"\nLI_AT={}\n",
        w.token("demo")
    );
    let r = run_with_stdin(&mut cmd, &input);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["name"], "Ada Lovelace");

    let w = World::new();
    let mut cmd = w.cmd();
    cmd.args(["--insecure-storage", "login", "--cookie-stdin"]);
    let r = run_with_stdin(
        &mut cmd,
        &format!("{}{}", w.token("demo"), "x".repeat(70_000)),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("larger than 16 KiB"), "{}", r.stderr);
    assert!(!w.path("config/linkedin-privacy/sessions.json").exists());
    assert!(w.requests().is_empty());
}

#[test]
fn bad_environment_and_flags_are_clear_errors() {
    use std::os::unix::ffi::OsStrExt;
    let w = World::new();
    let r = run(w
        .cmd()
        .env("LINKEDIN_LI_AT", std::ffi::OsStr::from_bytes(b"tok\xff"))
        .args(["audit", "--json"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("LINKEDIN_LI_AT is not valid UTF-8"),
        "{}",
        r.stderr
    );

    let r = run(w
        .cmd()
        .env("HOME", "relative/home")
        .env_remove("XDG_CONFIG_HOME")
        .args(["audit", "--json"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("HOME is a relative path"), "{}", r.stderr);

    let r = w.run(
        "demo",
        &["objection", "--type", "  ", "--email", "a@example.com"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--type is empty"), "{}", r.stderr);
    assert!(w.requests().is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_io_error() {
    let w = World::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = w
        .as_account("demo")
        .args(["audit", "--json"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

/// Pages of more than a mebibyte that hold the session token, an email and a hidden token: the
/// recording (which keeps large replies sealed in a file until the end) writes each page whole
/// and redacted, the value learned from the last page (the form's hidden input) redacted in the
/// first (a card answering with a page) too.
#[test]
fn large_replies_are_recorded_redacted_whole() {
    let w = World::new();
    let secret = "HIDDENCSRFlarge5e1f";
    let filler = "<p>Lorem ipsum dolor sit amet &amp; more.</p>\n".repeat(25_000);
    let page = format!(
        "<html><body>{filler}<p>{CANARY} member@example.com {secret}</p>@FORM@</body></html>"
    );
    let h = Hostile::start(move |hit, _| {
        if hit.path.starts_with(FORM) {
            let form =
                format!("<form><input type=\"hidden\" name=\"csrf\" value=\"{secret}\"></form>");
            Reply::html(200, &page.replace("@FORM@", &form))
        } else if hit.path == AI {
            Reply::html(200, &page.replace("@FORM@", ""))
        } else {
            Reply::json(200, "{}")
        }
    });
    let dir = w.path("large");
    let r = run(at(&h, &w).args(["record", "--out"]).arg(&dir));
    assert_eq!(r.code, 0, "{r:?}");
    let files = crate::common::files_below(&dir);
    let pages: Vec<_> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(pages.len(), 2, "{files:?}");
    for f in pages {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.len() > 1 << 20, "{} is whole", f.display());
        for bad in [CANARY, secret, "@example.com"] {
            assert!(!text.contains(bad), "{bad} in {}", f.display());
        }
    }
}
