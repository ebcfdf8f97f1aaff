//! `audit` through the real binary against the sandbox: every account, every format, every exit
//! code, and the number of requests each run made.

use crate::common::{CARD_AI, CARD_RESEARCH, World, all_cards, card_call, catalog_ids, run};
use serde_json::{Value, json};

fn states(report: &Value) -> Vec<(String, String)> {
    report["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn state_of(report: &Value, id: &str) -> Value {
    report["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report}"))
        .clone()
}

#[test]
fn demo_account_is_exposed_with_one_request_per_card() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--format", "table"]);
    assert_eq!(r.code, 1, "{r:?}");
    insta::assert_snapshot!("audit_demo_table", r.snapshot());
    // Every card once: two settings on one card (the promotions card) cost one request.
    let calls = w.calls("demo");
    assert_eq!(calls, all_cards());
    assert_eq!(calls.len(), 16, "17 settings on 16 cards");
    // Every row of the catalog, grouped, one line each, within 80 columns and one screen.
    let rows: Vec<&str> = r.stdout.lines().skip(1).take(18).collect();
    for (line, id) in rows.iter().zip(catalog_ids()) {
        assert!(line.contains(&id), "{line} lacks {id}");
    }
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().count() <= 24, "{}", r.stdout);
    // Each setting's row holds its label, cut with an ellipsis where it does not fit.
    assert!(rows[0].ends_with("Use my data for trainin…"), "{}", rows[0]);
}

#[test]
fn json_has_exactly_the_documented_keys() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--json"]);
    assert_eq!(r.code, 1);
    let v = r.json();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "account",
            "checked_at",
            "error",
            "schema",
            "settings",
            "tool",
            "verdict"
        ]
    );
    assert_eq!(v["tool"]["name"], "linkedin-privacy");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(keys(&v["account"]), ["name", "profile", "public_id"]);
    for s in v["settings"].as_array().unwrap() {
        assert_eq!(
            keys(s),
            [
                "group",
                "id",
                "kind",
                "private",
                "reason",
                "reason_code",
                "state",
                "title",
                "url"
            ]
            .into_iter()
            .chain((s["kind"] == "choice").then_some("value_label"))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
    }
    assert_eq!(v["schema"], 3);
    assert_eq!(v["verdict"], "exposed");
    assert_eq!(v["error"], Value::Null);
    // The session came from LINKEDIN_LI_AT and no /me call was made, so the name is unknown.
    assert_eq!(
        v["account"],
        json!({"profile": null, "name": null, "public_id": null})
    );
    assert!(humantime::parse_rfc3339(v["checked_at"].as_str().unwrap()).is_ok());
    let ai = state_of(&v, "generative-ai-training");
    assert_eq!(ai["state"], "on");
    assert_eq!(ai["private"], false);
    assert_eq!(ai["reason"], Value::Null);
    assert_eq!(
        ai["url"],
        format!(
            "{}/mypreferences/d/settings/data-for-ai-improvement",
            w.sandbox.base_url()
        )
    );
    let other = state_of(&v, "other-ai-processing");
    assert_eq!(other["state"], "informational");
    assert_eq!(other["private"], Value::Null);
    assert!(
        other["url"]
            .as_str()
            .unwrap()
            .ends_with("/help/linkedin/ask/TS-DPRO")
    );
    // `--format json` and `--json` agree.
    let r2 = w.run("demo", &["audit", "--format", "json"]);
    let mut v2 = r2.json();
    v2["checked_at"] = v["checked_at"].clone();
    assert_eq!(v, v2);
}

#[test]
fn ndjson_is_one_line_and_csv_one_row_per_setting() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--format", "ndjson"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().count(), 1);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["verdict"], "exposed");

    let r = w.run("demo", &["audit", "--format", "csv"]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "profile,name,public_id,checked_at,verdict,id,title,state,private,reason,reason_code,url,error_kind,error_message,label,previous_state,previous_checked_at,group,kind,value_label"
    );
    assert_eq!(lines.len(), 19, "{}", r.stdout);
    assert!(lines[1].contains(",exposed,generative-ai-training,"));
    assert!(lines[1].contains(",on,false,"));
    assert!(lines[2].contains("\"Social, economic and workplace research\",on,false,"));
    // A many-valued setting: its value as the state, its label in value_label.
    let viewing = lines
        .iter()
        .find(|l| l.contains(",profile-viewing,"))
        .unwrap();
    assert!(viewing.contains(",DISCLOSE_FULL,false,"), "{viewing}");
    assert!(
        viewing.ends_with(",visibility,choice,Your name and headline"),
        "{viewing}"
    );
}

#[test]
fn private_account_exits_zero() {
    let w = World::new();
    let r = w.run("private", &["audit", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["verdict"], "private");
    let want: Vec<(String, String)> = catalog_ids()
        .into_iter()
        .map(|id| {
            let state = match id.as_str() {
                "other-ai-processing" => "informational",
                "profile-viewing" => "HIDE",
                "discover-by-email" | "discover-by-phone" => "NOBODY",
                _ => "off",
            };
            (id, state.to_string())
        })
        .collect();
    assert_eq!(states(&v), want);
    let r = w.run("private", &["audit"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("PRIVATE: every setting read keeps your data private.")
    );
}

#[test]
fn card_not_offered_in_region() {
    let w = World::new();
    let r = w.run("region", &["audit", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let ai = state_of(&r.json(), "generative-ai-training");
    assert_eq!(ai["state"], "not_offered");
    assert_eq!(ai["private"], Value::Null);
    assert!(ai["reason"].as_str().unwrap().contains("404"));
}

/// Accounts whose session is refused: exit 4, the error object, no settings.
#[test]
fn session_problems_exit_4_with_the_error_object() {
    let w = World::new();
    for (account, kind, needle) in [
        ("expired", "session_expired", "sign-in page"),
        ("challenge", "challenge", "/checkpoint/challenge/"),
        ("csrf", "csrf", "CSRF check failed"),
    ] {
        let r = w.run(account, &["audit", "--json"]);
        assert_eq!(r.code, 4, "{account}: {r:?}");
        let v = r.json();
        assert_eq!(v["error"]["kind"], kind, "{account}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(needle),
            "{v}"
        );
        assert_eq!(v["settings"], json!([]));
        assert_eq!(v["verdict"], "incomplete");
        assert!(
            r.stderr.contains("linkedin-privacy: error:"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
        // The first refusal stops the run: one request, not one per card.
        assert_eq!(w.calls(account).len(), 1, "{account}");
    }
}

#[test]
fn session_problem_in_table_mode_prints_error_and_hint() {
    let w = World::new();
    let r = w.run("expired", &["audit"]);
    assert_eq!(r.code, 4);
    insta::assert_snapshot!("audit_expired_table", r.snapshot());
}

#[test]
fn throttled_once_is_retried_after_retry_after() {
    let w = World::new();
    let started = std::time::Instant::now();
    let r = w.run("throttled-once", &["audit", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    let mut want = vec![CARD_AI.to_string()];
    want.extend(all_cards());
    assert_eq!(w.calls("throttled-once"), want);
    assert_eq!(w.requests()[0].status, 429);
}

#[test]
fn persistent_429_gives_up_after_the_bounded_retries() {
    let w = World::new();
    let r = w.run("throttled", &["--retries", "1", "audit", "--json"]);
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "throttled");
    assert_eq!(w.calls("throttled"), vec![CARD_AI, CARD_AI]);
}

#[test]
fn a_retry_after_longer_than_the_cap_is_not_waited_for() {
    let w = World::new();
    let started = std::time::Instant::now();
    let r = w.run("throttled-long", &["audit", "--json"]);
    assert_eq!(r.code, 5, "{r:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("3600s"), "{msg}");
    assert_eq!(w.calls("throttled-long").len(), 1);
}

#[test]
fn http_999_is_blocked() {
    let w = World::new();
    let r = w.run(
        "blocked",
        &["--retries", "1", "audit", "--format", "ndjson"],
    );
    assert_eq!(r.code, 5, "{r:?}");
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["error"]["kind"], "blocked");
    assert_eq!(w.calls("blocked").len(), 2);
}

/// Replies that prove nothing make the setting unknown (exit 3), never on or off.
#[test]
fn unprovable_replies_are_unknown_with_a_reason() {
    let w = World::new();
    for (account, ai_reason) in [
        ("interstitial", "HTML page"),
        ("odd-value", "matches neither onValue"),
        ("drifted", "no `settings` list"),
        ("other-key", "no setting `allowDataForGenerativeAI`"),
        ("data-garbage", "holds no `settings` list"),
        ("huge", "larger than the 8 MiB limit"),
    ] {
        let r = w.run(account, &["audit", "--json"]);
        assert_eq!(r.code, 3, "{account}: {r:?}");
        let v = r.json();
        assert_eq!(v["verdict"], "incomplete");
        assert_eq!(v["error"], Value::Null);
        let ai = state_of(&v, "generative-ai-training");
        assert_eq!(ai["state"], "unknown", "{account}");
        assert_eq!(ai["private"], Value::Null);
        let reason = ai["reason"].as_str().unwrap();
        assert!(reason.contains(ai_reason), "{account}: {reason}");
    }
}

#[test]
fn unknown_state_table_shows_the_reason() {
    let w = World::new();
    let r = w.run("odd-value", &["audit"]);
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("audit_odd_value_table", r.snapshot());
}

#[test]
fn a_slow_reply_times_out_with_exit_6() {
    let w = World::new();
    let r = w.run("slow", &["--timeout", "0.5", "audit", "--json"]);
    assert_eq!(r.code, 6, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "timeout");
    // With enough time the same account answers.
    let r = w.run(
        "slow",
        &[
            "--timeout",
            "20",
            "audit",
            "--setting",
            "research-data",
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn network_failure_exits_6() {
    let w = World::new();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = run(w.as_account("demo").args([
        "--base-url",
        &format!("http://127.0.0.1:{closed}"),
        "audit",
        "--json",
    ]));
    assert_eq!(r.code, 6, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "network");
    assert!(r.stderr.contains("hint:"));
}

#[test]
fn setting_selects_a_subset_with_one_request() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--setting", "research-data", "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(states(&r.json()), [("research-data".into(), "on".into())]);
    assert_eq!(w.calls("demo"), vec![CARD_RESEARCH]);
}

#[test]
fn group_selects_its_settings_and_reads_each_card_once() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--group", "ads", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let ids: Vec<String> = states(&v).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), 10, "{ids:?}");
    assert!(
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["group"] == "ads")
    );
    // Ten settings, nine cards: the promotions card holds two switches, read in one request.
    let calls = w.calls("demo");
    assert_eq!(calls.len(), 9, "{calls:?}");
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.ends_with("/linkedinPromotions"))
            .count(),
        1
    );
    assert_eq!(v["not_read"].as_array().unwrap().len(), 7);
    // A group and a setting together: both.
    let r = w.run(
        "demo",
        &[
            "audit",
            "--group",
            "ai",
            "--setting",
            "profile-viewing",
            "--json",
        ],
    );
    let ids: Vec<String> = states(&r.json()).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "generative-ai-training",
            "research-data",
            "other-ai-processing",
            "profile-viewing"
        ]
    );
    // Over part of the catalog the suggested opt-out names what was read, never --all.
    let r = w.run(
        "demo",
        &["audit", "--group", "ai", "--setting", "profile-viewing"],
    );
    assert!(
        r.stdout.contains(
            "opt-out --setting generative-ai-training --setting research-data --setting profile-viewing"
        ),
        "{}",
        r.stdout
    );
    let r = w.run("demo", &["audit", "--group", "ads"]);
    assert!(r.stdout.contains("opt-out --group ads"), "{}", r.stdout);
    assert!(!r.stdout.contains("--all"), "{}", r.stdout);
    let r = w.run("demo", &["audit", "--group", "nope"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("[possible values: ai, ads, visibility]"),
        "{}",
        r.stderr
    );
}

/// Every row of the catalog, read as on, off and unknown through the binary: the private
/// account (all off), the demo account (LinkedIn's defaults, all on), and a sandbox whose
/// every card is garbage (all unknown).
#[test]
fn every_catalog_row_reads_on_off_and_unknown() {
    let w = World::new();
    let on = w.run("demo", &["audit", "--json"]).json();
    let off = w.run("private", &["audit", "--json"]).json();
    for id in catalog_ids()
        .iter()
        .filter(|id| *id != "other-ai-processing")
    {
        let (a, b) = (state_of(&on, id), state_of(&off, id));
        assert_eq!(a["private"], false, "{id}: {a}");
        assert_eq!(b["private"], true, "{id}: {b}");
        if a["kind"] == "toggle" {
            assert_eq!(
                (a["state"].as_str(), b["state"].as_str()),
                (Some("on"), Some("off")),
                "{id}"
            );
        } else {
            assert!(
                a["value_label"].is_string() && b["value_label"].is_string(),
                "{id}"
            );
        }
    }
    // Every card a copy of the odd-value card: no row proves anything.
    let mut file = linkedin_privacy::sandbox::AccountsFile::builtin();
    let odd = file
        .accounts
        .iter()
        .find(|a| a.id == "private")
        .unwrap()
        .clone();
    let mut garbage = odd.clone();
    garbage.id = "garbage".into();
    garbage.li_at = "sandbox-li_at-garbage".into();
    garbage.preset = None;
    for e in linkedin_privacy::catalog::Catalog::builtin().settings {
        if let Some(card) = e.card {
            garbage.cards.insert(
                card,
                linkedin_privacy::sandbox::CardSpec::File {
                    file: "cards/dataForAiImprovement.drifted.json".into(),
                },
            );
        }
    }
    file.accounts.push(garbage);
    let w = World::with(Default::default(), file);
    let r = w.run("garbage", &["audit", "--json"]);
    assert_eq!(r.code, 3, "{r:?}");
    let v = r.json();
    for id in catalog_ids()
        .iter()
        .filter(|id| *id != "other-ai-processing")
    {
        let row = state_of(&v, id);
        assert_eq!(row["state"], "unknown", "{id}");
        assert_eq!(row["reason_code"], "card_shape_changed", "{id}");
    }
    assert_eq!(w.calls("garbage").len(), 16);
}

#[test]
fn the_radio_reads_in_each_of_its_values_and_hostile_radios_are_unknown() {
    let w = World::new();
    for (account, state, private) in [
        ("demo", "DISCLOSE_FULL", Value::Bool(false)),
        (
            "viewing-anonymous",
            "DISCLOSE_ANONYMOUS",
            Value::Bool(false),
        ),
        ("private", "HIDE", Value::Bool(true)),
        ("viewing-unlisted", "unknown", Value::Null),
        ("viewing-two-selected", "unknown", Value::Null),
    ] {
        let r = w.run(
            account,
            &["audit", "--setting", "profile-viewing", "--json"],
        );
        let row = state_of(&r.json(), "profile-viewing");
        assert_eq!(row["state"], state, "{account}: {row}");
        assert_eq!(row["private"], private, "{account}");
    }
    let r = w.run("viewing-anonymous", &["audit", "--json"]);
    assert_eq!(
        r.code, 1,
        "the anonymous mode still shows title and employer: {r:?}"
    );
    assert_eq!(
        state_of(&r.json(), "profile-viewing")["value_label"],
        "Private profile characteristics"
    );
    let r = w.run("viewing-unlisted", &["audit", "--json"]);
    assert_eq!(r.code, 3);
    assert_eq!(
        state_of(&r.json(), "profile-viewing")["reason_code"],
        "value_not_listed"
    );
    let r = w.run("viewing-two-selected", &["audit"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.contains("2 values are marked selected"),
        "{}",
        r.stdout
    );
}

#[test]
fn two_settings_on_one_card_are_read_apart() {
    let w = World::new();
    let r = w.run("promotions-split", &["audit", "--group", "ads", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(state_of(&v, "linkedin-promotions")["state"], "off");
    assert_eq!(state_of(&v, "marketing-emails")["state"], "on");
    assert_eq!(
        w.calls("promotions-split")
            .iter()
            .filter(|c| **c == card_call("linkedinPromotions"))
            .count(),
        1
    );
}

#[test]
fn an_eea_member_is_not_offered_partner_data_sharing() {
    let w = World::new();
    let r = w.run("eea", &["audit", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let row = state_of(&r.json(), "partner-data-sharing");
    assert_eq!(row["state"], "not_offered");
    assert_eq!(row["private"], Value::Null);
    assert!(
        row["reason"]
            .as_str()
            .unwrap()
            .contains("the EU/EEA, Switzerland and the UK")
    );
    let r = w.run("eea", &["audit"]);
    assert!(r.stdout.contains("not offered"), "{}", r.stdout);
}

#[test]
fn the_data_envelope_is_read_like_the_plain_reply() {
    let w = World::new();
    let r = w.run(
        "data-envelope",
        &["audit", "--setting", "generative-ai-training", "--json"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(state_of(&r.json(), "generative-ai-training")["state"], "on");
}

#[test]
fn discovery_reports_cards_the_catalog_does_not_know_and_costs_one_request_per_category() {
    let w = World::new();
    let r = w.run("new-setting", &["audit", "--discover", "--json"]);
    assert_eq!(r.code, 0, "never part of the verdict: {r:?}");
    let v = r.json();
    assert_eq!(
        v["discovery"]["categories"],
        json!(["PRIVACY", "ADVERTISING"])
    );
    assert_eq!(
        v["discovery"]["new"],
        json!([{"card": "aiAssistedMessagingData", "text": "Data for AI-assisted messaging", "category": "PRIVACY"}])
    );
    let calls = w.calls("new-setting");
    assert_eq!(calls.len(), 16 + 2, "{calls:?}");
    assert!(
        calls
            .iter()
            .any(|c| c.contains("settingsApiSneakPeeks?category=PRIVACY&q=category"))
    );
    // Off by default: no discovery request, no discovery key.
    let w = World::new();
    let r = w.run("new-setting", &["audit", "--json"]);
    assert!(r.json().get("discovery").is_none());
    assert_eq!(w.calls("new-setting").len(), 16);
    // The demo account's lists hold nothing new.
    let r = w.run("demo", &["audit", "--discover"]);
    assert!(
        r.stdout
            .contains("the lists read name no setting the catalog does not know"),
        "{}",
        r.stdout
    );
}

#[test]
fn usage_errors_exit_2_with_a_hint_and_make_no_request() {
    let w = World::new();
    let r = w.run("demo", &["audit", "--setting", "nope"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown setting \"nope\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("hint: known settings: generative-ai-training")
    );

    let r = w.run("demo", &["--base-url", "http://www.linkedin.com", "audit"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("only allowed for loopback"),
        "{}",
        r.stderr
    );

    let r = w.run("demo", &["--timeout", "0", "audit"]);
    assert_eq!(r.code, 2);

    let r = w.run("demo", &["audit", "--format", "yaml"]);
    assert_eq!(r.code, 2);

    let r = w.run("demo", &["--sandbox=nobody", "audit"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sandbox accounts: demo"), "{}", r.stderr);
    assert!(w.requests().is_empty());
}

#[test]
fn without_a_session_exit_4_and_no_request() {
    let w = World::new();
    let r = run(w.cmd().args(["audit", "--json"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "not_signed_in");
    assert!(r.stderr.contains("hint: run `linkedin-privacy login`"));
    assert!(w.requests().is_empty());
}

#[test]
fn catalog_file_replaces_the_builtin_one() {
    let w = World::new();
    // A catalog where research is private when ON flips that row's verdict.
    let custom = linkedin_privacy::catalog::DEFAULT_TOML.replace(
        "key = \"allowAnonymizedDataResearch\"\nprivate = \"off\"",
        "key = \"allowAnonymizedDataResearch\"\nprivate = \"on\"",
    );
    assert_ne!(custom, linkedin_privacy::catalog::DEFAULT_TOML);
    let path = w.path("catalog.toml");
    std::fs::write(&path, custom).unwrap();
    let r = w.run(
        "demo",
        &[
            "--catalog",
            path.to_str().unwrap(),
            "audit",
            "--setting",
            "research-data",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(state_of(&r.json(), "research-data")["private"], true);

    std::fs::write(&path, "schema = 2\n[[setting]]\nid = 3\n").unwrap();
    let r = w.run(
        "demo",
        &["--catalog", path.to_str().unwrap(), "audit", "--json"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "usage");
    assert!(r.stderr.contains("invalid catalog"), "{}", r.stderr);
}

#[test]
fn sandbox_flag_needs_no_account_and_knows_the_name() {
    let w = World::new();
    let r = run(w.cmd().args(["--sandbox", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(v["account"]["name"], "Ada Lovelace");
    assert_eq!(v["account"]["public_id"], "ada-lovelace");
    let r = run(w.cmd().args(["--sandbox=private", "audit"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Grace Hopper"));
    assert!(r.stderr.contains("sandbox: a fake LinkedIn"));
    // It started its own sandbox: the test's sandbox saw nothing.
    assert!(w.requests().is_empty());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let w = World::new();
    let plain = w.run("demo", &["audit"]);
    assert!(!plain.stdout.contains('\x1b'));
    assert!(!plain.stderr.contains('\x1b'));
    let coloured = w.run("demo", &["--color", "always", "audit"]);
    assert!(coloured.stdout.contains("\x1b["), "{}", coloured.stdout);
    let never = run(w
        .as_account("demo")
        .env("NO_COLOR", "1")
        .args(["--color", "never", "audit"]));
    assert!(!never.stdout.contains('\x1b'));
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let w = World::new();
    let mut child = w
        .as_account("demo")
        .args(["audit", "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("internal error"));
}

#[test]
fn catalog_command_lists_and_prints_toml() {
    let w = World::new();
    let r = run(w.cmd().args(["catalog", "--json"]));
    assert_eq!(r.code, 0);
    let ids: Vec<String> = r.json()["setting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, catalog_ids());
    assert_eq!(ids.len(), 18);
    let r = run(w.cmd().args(["catalog", "--toml"]));
    assert_eq!(r.stdout, linkedin_privacy::catalog::DEFAULT_TOML);
    // What --toml prints is a valid --catalog file.
    let path = w.path("c.toml");
    std::fs::write(&path, &r.stdout).unwrap();
    let r = run(w
        .cmd()
        .args(["--catalog", path.to_str().unwrap(), "catalog", "--toml"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("dataForAiImprovement"));
}

#[test]
fn value_names_are_accepted_in_any_case() {
    let w = World::new();
    let r = w.run("demo", &["--format", "JSON", "--color", "NEVER", "audit"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed");
    let r = w.run(
        "demo",
        &[
            "objection",
            "--region",
            "EEA",
            "--country",
            "ie",
            "--email",
            "a@example.com",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.json()["text"].as_str().unwrap().contains("GDPR"));
    let r = run(w.cmd().args(["completions", "BASH"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// An audit that stops half-way still reports what it read, and its verdict claims no more than
/// that proves.
#[test]
fn a_run_stopped_half_way_keeps_what_it_read() {
    let w = World::new();
    let r = w.run("throttled-later", &["--retries", "0", "audit", "--json"]);
    assert_eq!(r.code, 5, "{r:?}");
    let v = r.json();
    assert_eq!(
        states(&v),
        [("generative-ai-training".into(), "off".into())]
    );
    assert_eq!(v["error"]["kind"], "throttled");
    assert_eq!(
        v["verdict"], "incomplete",
        "one private toggle is not a private account"
    );
    assert_eq!(w.calls("throttled-later"), vec![CARD_AI, CARD_RESEARCH]);
    // The table shows the row read and says the run stopped; the error follows on stderr.
    let w = World::new();
    let r = w.run("throttled-later", &["--retries", "0", "audit"]);
    assert_eq!(r.code, 5);
    assert!(r.stdout.contains("generative-ai-training"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("the audit stopped before every setting was read")
    );
    assert!(r.stderr.contains("throttled"), "{}", r.stderr);
}

#[test]
fn a_pinned_clock_stamps_the_report() {
    let w = World::new();
    let r = run(w
        .as_account("demo")
        .env("LINKEDIN_PRIVACY_NOW", "2026-10-01T08:00:00Z")
        .args(["audit", "--json"]));
    assert_eq!(r.json()["checked_at"], "2026-10-01T08:00:00Z");
    let r = run(w
        .as_account("demo")
        .env("LINKEDIN_PRIVACY_NOW", "yesterday")
        .args(["audit", "--json"]));
    assert_eq!(r.code, 2, "{r:?}");
}

/// A suggested command line is one a shell reads back as written: values with characters a
/// shell treats specially are quoted.
#[test]
fn suggested_command_lines_are_shell_safe() {
    let w = World::new();
    let r = run(w.cmd().args(["--base-url", "http://[::1]:1", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr
            .contains("`linkedin-privacy --base-url 'http://[::1]:1' login`"),
        "{}",
        r.stderr
    );
}

/// A sandbox account that fails to sign in does so on purpose: the hint says so and points at
/// one that works, instead of asking to sign in again.
#[test]
fn sandbox_sign_in_troubles_point_at_a_working_account() {
    let w = World::new();
    for account in ["expired", "challenge", "csrf"] {
        let r = run(w.cmd().args([&format!("--sandbox={account}"), "audit"]));
        assert_eq!(r.code, 4, "{account}: {r:?}");
        assert!(r.stderr.contains("on purpose"), "{}", r.stderr);
        assert!(
            r.stderr.contains("`linkedin-privacy --sandbox audit`"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("login`"), "{}", r.stderr);
    }
}
