//! `opt-out` through the binary against the sandbox: the write is verified by a fresh read, is
//! refused when the read was not certain, and its failures are said plainly. The sandbox's
//! request log proves what was sent.

use crate::common::{CARD_AI, World, all_cards, card_call};
use serde_json::{Value, json};

const PUT_AI: &str = "PUT /mysettings-api/settingsApiSettings/allowDataForGenerativeAI";

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
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 17, "{changes:?}");
    assert!(changes.iter().all(|c| c["verified"] == true));
    // Partner data sharing went off with "Ads beyond LinkedIn", so it was not written itself.
    let partner: Vec<&Value> = changes
        .iter()
        .filter(|c| c["id"] == "partner-data-sharing")
        .collect();
    assert_eq!(
        partner,
        [
            &json!({"id": "partner-data-sharing", "before": "on", "after": "off",
                 "verified": true, "moved_by": "ads-beyond-linkedin"})
        ]
    );
    let calls = w.calls("demo");
    assert_eq!(calls[..16], all_cards()[..], "every card read once first");
    assert_eq!(puts(&w, "demo"), 16, "{calls:?}");
    assert!(
        !calls
            .iter()
            .any(|c| c.ends_with("/shareDataWithTrustedPartners"))
    );
    // Each write is followed by a read of its card (and, for the coupled one, its neighbour's).
    assert_eq!(calls.len(), 16 + 16 + 17, "{calls:?}");
    // The research card's values are booleans: the write used its own `false`, not "false".
    let card = w.sandbox.card("demo", "policyAndAcademicResearch").unwrap();
    assert_eq!(card["settings"][0]["value"], json!(false));
    let card = w.sandbox.card("demo", "profileViewingOptions").unwrap();
    assert_eq!(card["settings"][0]["value"], "HIDE");
    let r = w.run("demo", &["audit"]);
    assert_eq!(r.code, 0, "{r:?}");
    // Idempotent: a second run reads each card once and writes nothing.
    let before = w.calls("demo").len();
    let r = w.run("demo", &["opt-out", "--all", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(w.calls("demo").len() - before, 16);
}

#[test]
fn a_coupled_write_reads_its_neighbour_back_and_reports_it() {
    let w = World::new();
    let r = w.run(
        "demo",
        &[
            "opt-out",
            "--setting",
            "ads-beyond-linkedin",
            "--yes",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(
        v["changes"],
        json!([
            {"id": "ads-beyond-linkedin", "before": "on", "after": "off", "verified": true},
            {"id": "partner-data-sharing", "before": "on", "after": "off", "verified": true,
             "moved_by": "ads-beyond-linkedin"},
        ])
    );
    assert_eq!(
        w.calls("demo"),
        [
            card_call("adsBeyondLinkedin"),
            card_call("shareDataWithSelectPartners"),
            "PUT /mysettings-api/settingsApiSettings/allowLinkedInAudienceNetwork".to_string(),
            card_call("adsBeyondLinkedin"),
            card_call("shareDataWithSelectPartners"),
        ]
    );
    let r = w.run(
        "demo",
        &["opt-out", "--setting", "ads-beyond-linkedin", "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // An EEA member has no partner card: the neighbour is not offered, the write still proven.
    let r = w.run(
        "eea",
        &[
            "opt-out",
            "--setting",
            "ads-beyond-linkedin",
            "--yes",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["changes"].as_array().unwrap().len(), 1);
}

#[test]
fn a_group_goes_private_and_choices_to_their_most_private_value() {
    let w = World::new();
    let plan = w.run("demo", &["opt-out", "--group", "visibility", "--yes"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert!(
        plan.stderr
            .contains("  profile-viewing: \"Your name and headline\" -> \"Private mode\"\n"),
        "the plan is shown before anything is written: {}",
        plan.stderr
    );
    assert!(
        plan.stdout.contains("DISCLOSE_FULL -> HIDE"),
        "{}",
        plan.stdout
    );
    for (card, want) in [
        ("profileViewingOptions", "HIDE"),
        ("discoverMeByEmailAddress", "NOBODY"),
        ("discoverMeByPhoneNumber", "NOBODY"),
    ] {
        let c = w.sandbox.card("demo", card).unwrap();
        assert_eq!(c["settings"][0]["value"], want, "{card}");
        // The labels moved with the value: exactly the written one is selected.
        let selected: Vec<&Value> = c["settings"][0]["settingDisplayValues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["selected"] == true)
            .map(|d| &d["value"])
            .collect();
        assert_eq!(selected, [&json!(want)], "{card}");
    }
    // The body a choice is written with: the card's key, URN and display type, the value.
    let r = w.run(
        "private",
        &["opt-out", "--group", "visibility", "--dry-run", "--json"],
    );
    assert_eq!(r.json()["planned"], json!([]));
    let w = World::new();
    let r = w.run(
        "demo",
        &[
            "opt-out",
            "--setting",
            "discover-by-email",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(
        r.json()["planned"][0]["body"],
        json!({"key": "discoverByEmail", "entityUrn": "urn:li:settingEntity:300103",
               "settingDisplayType": "DROPDOWN", "value": "NOBODY", "hasChild": false})
    );
    // Only the visibility group was written; the rest is as it was.
    let r = w.run("demo", &["audit", "--group", "ai", "--json"]);
    assert_eq!(r.code, 1);
}

#[test]
fn uncertain_reads_are_never_written() {
    let w = World::new();
    for (account, why) in [
        ("odd-value", "matches neither onValue"),
        ("other-key", "no setting `allowDataForGenerativeAI`"),
        ("data-garbage", "holds no `settings` list"),
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
                "path": "/mysettings-api/settingsApiSettings/allowDataForGenerativeAI",
                "body": {"key": "allowDataForGenerativeAI",
                         "entityUrn": "urn:li:settingEntity:allowDataForGenerativeAI",
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
        r.stdout.contains("Will change 1 setting for"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("  generative-ai-training: on -> off"),
        "{}",
        r.stdout
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
    assert!(
        lines[0].ends_with(",before,after,verified,moved_by"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with(",on,off,true,"), "{}", lines[1]);
    let partner = lines
        .iter()
        .find(|l| l.contains(",partner-data-sharing,"))
        .unwrap();
    assert!(
        partner.ends_with(",on,off,true,ads-beyond-linkedin"),
        "{partner}"
    );
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
            header.ends_with(",before,after,verified,moved_by"),
            "{account}: {}",
            r.stdout
        );
    }
    // --json with another --format is a usage error, not a guess.
    let r = w.run("demo", &["audit", "--json", "--format", "csv"]);
    assert_eq!(r.code, 2, "{r:?}");
}
