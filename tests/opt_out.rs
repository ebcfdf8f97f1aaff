//! `opt-out` through the binary against the sandbox: the write is verified by a fresh read, is
//! refused when the read was not certain, and its failures are said plainly. The sandbox's
//! request log proves what was sent.

use crate::common::{CARD_AI, CARD_RESEARCH, World};
use serde_json::{Value, json};

const PUT_AI: &str = "PUT /mysettings-api/settingsApiSettings/dataForGenerativeAiImprovement";
const PUT_RESEARCH: &str = "PUT /mysettings-api/settingsApiSettings/allowAnonymizedDataResearch";

fn puts(w: &World, account: &str) -> usize {
    w.calls(account)
        .iter()
        .filter(|c| c.starts_with("PUT"))
        .count()
}

#[test]
fn on_is_turned_off_and_verified_by_a_fresh_read() {
    let w = World::new();
    let r = w.run("demo", &["opt-out", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(
        v["changes"],
        json!([{"id": "generative-ai-training", "before": "on", "after": "off", "verified": true}])
    );
    assert_eq!(v["settings"][0]["state"], "off");
    assert_eq!(v["verdict"], "private");
    // Read, write, read again: three requests.
    assert_eq!(w.calls("demo"), vec![CARD_AI, PUT_AI, CARD_AI]);
    // The sandbox kept the write: LinkedIn's own off value, and the labels moved with it.
    let card = w.sandbox.card("demo", "dataForAiImprovement").unwrap();
    assert_eq!(card["settings"][0]["value"], "false");
    assert_eq!(
        card["settings"][0]["settingDisplayValues"][1]["selected"],
        true
    );

    // A second run is idempotent: one read, no write.
    let r = w.run("demo", &["opt-out", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(w.calls("demo").len(), 4);
    assert_eq!(puts(&w, "demo"), 1);
    // And an audit agrees.
    let r = w.run(
        "demo",
        &["audit", "--setting", "generative-ai-training", "--json"],
    );
    assert_eq!(r.code, 0);
}

#[test]
fn opt_out_table_shows_before_and_after() {
    let w = World::new();
    let r = w.run("demo", &["opt-out", "--yes"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("opt_out_demo_table", r.snapshot());
}

#[test]
fn already_off_makes_one_request_and_no_write() {
    let w = World::new();
    let r = w.run("private", &["opt-out", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(w.calls("private"), vec![CARD_AI]);
}

#[test]
fn all_turns_off_every_toggle_with_each_cards_own_value() {
    let w = World::new();
    let r = w.run("demo", &["opt-out", "--all", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["changes"].as_array().unwrap().len(), 2);
    assert!(
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["verified"] == true)
    );
    assert_eq!(
        w.calls("demo"),
        vec![
            CARD_AI,
            CARD_RESEARCH,
            PUT_AI,
            CARD_AI,
            PUT_RESEARCH,
            CARD_RESEARCH
        ]
    );
    // The research card's values are booleans: the write used its own `false`, not "false".
    let card = w.sandbox.card("demo", "policyAndAcademicResearch").unwrap();
    assert_eq!(card["settings"][0]["value"], json!(false));
    let r = w.run("demo", &["audit"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn uncertain_reads_are_never_written() {
    let w = World::new();
    for (account, why) in [
        ("odd-value", "matches neither onValue"),
        ("two-toggles", "2 toggles"),
        ("drifted", "no `settings` list"),
        ("interstitial", "HTML page"),
    ] {
        let r = w.run(account, &["opt-out", "--yes", "--json"]);
        assert_eq!(r.code, 3, "{account}: {r:?}");
        let reason = r.json()["settings"][0]["reason"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            reason.starts_with("not written: the current state is unknown"),
            "{reason}"
        );
        assert!(reason.contains(why), "{account}: {reason}");
        assert_eq!(puts(&w, account), 0, "{account} was written");
    }
}

#[test]
fn a_refused_write_is_a_failure_read_back() {
    let w = World::new();
    let r = w.run("put-forbidden", &["opt-out", "--yes", "--json"]);
    assert_eq!(r.code, 3, "{r:?}");
    let v = r.json();
    assert_eq!(v["changes"][0]["verified"], false);
    assert_eq!(v["changes"][0]["after"], "on");
    assert!(
        v["settings"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("LinkedIn refused the write")
    );
    assert_eq!(w.calls("put-forbidden"), vec![CARD_AI, PUT_AI, CARD_AI]);

    let r = w.run(
        "put-error",
        &["--retries", "1", "opt-out", "--yes", "--json"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.json()["settings"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 500")
    );
    assert_eq!(
        puts(&w, "put-error"),
        2,
        "a 5xx write is retried within the bound"
    );
}

#[test]
fn a_silent_no_op_write_is_caught() {
    let w = World::new();
    let r = w.run("put-noop", &["opt-out", "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stdout
            .contains("LinkedIn answered the write with success, but the setting still reads on"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("NO"));
}

#[test]
fn a_throttled_re_read_leaves_the_change_unverified() {
    let w = World::new();
    let r = w.run(
        "reread-throttled",
        &["--retries", "0", "opt-out", "--yes", "--json"],
    );
    assert_eq!(r.code, 5, "{r:?}");
    let v = r.json();
    assert_eq!(v["changes"][0]["verified"], false);
    assert_eq!(v["changes"][0]["after"], "unknown");
    assert_eq!(v["error"]["kind"], "throttled");
    assert!(r.stderr.contains("throttled"));
}

#[test]
fn dry_run_prints_the_request_and_sends_no_write() {
    let w = World::new();
    let r = w.run("demo", &["opt-out", "--dry-run"]);
    assert_eq!(r.code, 1, "still exposed: {r:?}");
    assert!(r.stdout.contains("Dry run: nothing was sent"));
    assert!(r.stdout.contains(&PUT_AI["PUT ".len()..]), "{}", r.stdout);
    assert!(r.stdout.contains("\"value\":\"false\""), "{}", r.stdout);
    assert!(!r.stdout.contains(&w.token("demo")));
    assert!(!r.stdout.to_lowercase().contains("jsessionid"));
    assert_eq!(w.calls("demo"), vec![CARD_AI]);

    let r = w.run("demo", &["opt-out", "--dry-run", "--json"]);
    let v = r.json();
    assert_eq!(
        v["planned"],
        json!([{"id": "generative-ai-training", "method": "PUT",
                "path": "/mysettings-api/settingsApiSettings/dataForGenerativeAiImprovement",
                "body": {"key": "dataForGenerativeAiImprovement",
                         "entityUrn": "urn:li:settingEntity:dataForGenerativeAiImprovement",
                         "settingDisplayType": "TOGGLE", "value": "false", "hasChild": false}}])
    );
    assert!(v.get("changes").is_none());
    assert_eq!(puts(&w, "demo"), 0);
    assert_eq!(
        w.sandbox.card("demo", "dataForAiImprovement").unwrap()["settings"][0]["value"],
        "true"
    );
}

#[test]
fn off_a_terminal_it_needs_yes_and_sends_nothing() {
    let w = World::new();
    let r = w.run("demo", &["opt-out"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("needs a confirmation"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: add --yes"));
    let r = w.run("demo", &["opt-out", "--json"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["error"]["kind"], "usage");
    assert!(w.requests().is_empty());
}

#[test]
fn on_a_terminal_it_asks_first() {
    let w = World::new();
    let token = w.token("demo");
    let env = [("LINKEDIN_LI_AT", token.as_str())];
    let Some(r) = crate::common::run_on_terminal(&w, &["opt-out"], &env, "Go ahead? [y/N]", "n")
    else {
        eprintln!("SKIPPED: needs `script` (util-linux) for a pseudo-terminal");
        return;
    };
    assert_eq!(r.code, 1, "declined, still exposed: {r:?}");
    assert!(
        r.stdout
            .contains("Will turn off \"Use my data for training content creation AI models\"")
    );
    assert!(r.stdout.contains("Nothing was changed."));
    assert_eq!(puts(&w, "demo"), 0);

    let r = crate::common::run_on_terminal(&w, &["opt-out"], &env, "Go ahead? [y/N]", "y").unwrap();
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(puts(&w, "demo"), 1);
}

#[test]
fn informational_entries_and_bad_ids_are_usage_errors() {
    let w = World::new();
    let r = w.run(
        "demo",
        &["opt-out", "--yes", "--setting", "other-ai-processing"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("linkedin-privacy objection"),
        "{}",
        r.stderr
    );
    let r = w.run("demo", &["opt-out", "--yes", "--setting", "nope"]);
    assert_eq!(r.code, 2);
    let r = w.run("expired", &["opt-out", "--yes", "--json"]);
    assert_eq!(r.code, 4);
    assert_eq!(r.json()["error"]["kind"], "session_expired");
    let v: Value = r.json();
    assert_eq!(v["settings"], json!([]));
}

/// `--format csv` keeps what opt-out wrote: before, after (read back), verified.
#[test]
fn opt_out_csv_keeps_before_after_and_verified() {
    let w = World::new();
    let r = w.run("demo", &["opt-out", "--all", "--yes", "--format", "csv"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].ends_with(",before,after,verified"), "{}", lines[0]);
    assert!(lines[1].ends_with(",on,off,true"), "{}", lines[1]);
    // The same columns whatever happened: a dry run, a session that expired.
    for (account, args) in [
        ("demo", &["opt-out", "--dry-run", "--format", "csv"][..]),
        ("expired", &["opt-out", "--yes", "--format", "csv"]),
    ] {
        let r = w.run(account, args);
        let header = r
            .stdout
            .split("\r\n")
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            header.ends_with(",before,after,verified"),
            "{account}: {}",
            r.stdout
        );
    }
    // --json with another --format is a usage error, not a guess.
    let r = w.run("demo", &["audit", "--json", "--format", "csv"]);
    assert_eq!(r.code, 2, "{r:?}");
}
