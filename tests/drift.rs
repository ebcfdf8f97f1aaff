//! `record` and `drift` through the binary against the sandbox: for each class of change LinkedIn
//! could make, a recording of a sandbox account that shows it, compared with `fixtures/`, gives
//! the severity and the exit code the change deserves; the unchanged sandbox shows no drift; a
//! recording holds nothing of the member or the session; the fixtures pass their self-check.

use std::path::{Path, PathBuf};

use crate::common::{Run, World, files_below, run};
use linkedin_privacy::sandbox::{AccountsFile, SandboxOptions};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn record(w: &World, account: &str, dir: &Path) -> Run {
    run(w
        .as_account(account)
        .args(["record", "--out"])
        .arg(dir)
        .arg("--json"))
}

fn drift(w: &World, current: &Path, extra: &[&str]) -> Run {
    run(w
        .cmd()
        .arg("drift")
        .arg(fixtures())
        .arg(current)
        .args(extra))
}

/// The most severe finding, or "none".
fn worst(v: &Value) -> String {
    ["breaking", "notable", "info"]
        .iter()
        .find(|s| v[**s].as_u64().unwrap_or(0) > 0)
        .unwrap_or(&"none")
        .to_string()
}

#[test]
fn each_class_of_change_has_its_severity_and_exit_code() {
    let w = World::new();
    let cases = [
        // (account, worst severity, the change named, exit)
        ("demo", "none", "", 0),
        ("private", "none", "", 0),
        ("odd-value", "none", "", 0),
        ("drift-new-field", "notable", "field_added", 0),
        ("drift-relabelled", "notable", "label", 0),
        ("drift-values", "notable", "on_off_values", 0),
        ("form-v2", "notable", "form_appeared", 0),
        ("form-gone", "notable", "status", 0),
        ("drifted", "breaking", "field_removed", 3),
        ("drift-no-off-value", "breaking", "field_removed", 3),
        ("drift-switch", "breaking", "display_type", 3),
        ("other-key", "breaking", "setting_removed", 3),
        ("viewing-anonymous", "none", "", 0),
        ("eea", "notable", "not_offered", 0),
        ("gone", "breaking", "status", 3),
        ("moved", "breaking", "status", 3),
        ("region", "notable", "not_offered", 0),
        ("interstitial", "breaking", "content_type", 3),
    ];
    for (account, severity, change, exit) in cases {
        let dir = w.path(&format!("rec-{account}"));
        let r = record(&w, account, &dir);
        assert_eq!(r.code, 0, "record {account}: {r:?}");
        let r = drift(&w, &dir, &["--json"]);
        assert_eq!(r.code, exit, "{account}: {r:?}");
        let v = r.json();
        assert_eq!(worst(&v), severity, "{account}: {v}");
        if !change.is_empty() {
            assert!(
                v["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["change"] == change && f["severity"] == severity),
                "{account}: no {severity} {change} in {v}"
            );
        }
    }
}

#[test]
fn a_recording_is_one_request_per_endpoint_never_a_write_and_holds_nothing_of_the_member() {
    const CANARY: &str = "LIATCANARYrecord5e1";
    let mut file = AccountsFile::builtin();
    for a in &mut file.accounts {
        a.li_at = format!("{CANARY}-{}", a.id);
    }
    let w = World::with(SandboxOptions::default(), file);
    let dir = w.path("rec");
    let r = run(w
        .cmd()
        .env("LINKEDIN_LI_AT", w.token("demo"))
        .env("LINKEDIN_JSESSIONID", "ajax:8080808080808080808")
        .args(["record", "--out"])
        .arg(&dir));
    assert_eq!(r.code, 0, "{r:?}");
    // /me, each card, each settings page (the second source), each discovery list, the form:
    // one request each, in that order, and never a write.
    let calls = w.calls("demo");
    let cards = crate::common::all_cards();
    assert_eq!(calls[0], "GET /voyager/api/me");
    assert_eq!(calls[1..17], cards[..]);
    assert_eq!(
        calls[17..33]
            .iter()
            .filter(|c| c.starts_with("GET /mypreferences/d/"))
            .count(),
        16,
        "{calls:?}"
    );
    assert_eq!(
        calls[33..36],
        [
            "GET /mysettings-api/settingsApiSneakPeeks?category=PRIVACY&q=category",
            "GET /mysettings-api/settingsApiSneakPeeks?category=ADVERTISING&q=category",
            "GET /mysettings-api/settingsApiSneakPeeks?category=SIGN_IN_AND_SECURITY&q=category",
        ]
    );
    assert_eq!(calls[36..], ["GET /help/linkedin/ask/TS-DPRO"]);
    assert!(calls.iter().all(|c| c.starts_with("GET ")));
    let written = files_below(&dir);
    assert_eq!(written.len(), 38, "{written:?}");
    for file in written {
        let text = std::fs::read_to_string(&file).unwrap();
        for secret in [
            CANARY,
            "8080808080808080808",
            "Ada",
            "Lovelace",
            "ada-lovelace",
            "ada@example.com",
            "114477001",
            "ACoAAAbSandboxAdaLovelace",
            "sandbox-form-csrf",
        ] {
            assert!(
                !text.contains(secret),
                "{secret} is in {}:\n{text}",
                file.display()
            );
        }
    }
    assert!(!r.stdout.contains(CANARY) && !r.stderr.contains(CANARY));
    // The manifest's hashes are the files' own.
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    for reply in manifest["replies"].as_array().unwrap() {
        let file = dir.join(reply["file"].as_str().unwrap());
        let bytes = std::fs::read(file).unwrap();
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(reply["sha256"], sha.as_str());
    }
    // Two recordings of the same account compare clean, and the same values got the same
    // placeholders.
    let again = w.path("rec2");
    let r = run(w
        .cmd()
        .env("LINKEDIN_LI_AT", w.token("demo"))
        .args(["record", "--out"])
        .arg(&again));
    assert_eq!(r.code, 0);
    let r = run(w.cmd().arg("drift").arg(&dir).arg(&again).arg("--json"));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["findings"], serde_json::json!([]));
    assert_eq!(
        std::fs::read(dir.join("me.json")).unwrap(),
        std::fs::read(again.join("me.json")).unwrap()
    );
    // One folder alone is compared with the fixtures built into the tool, from anywhere (the
    // command `record` suggests), never taken as the baseline.
    let suggested = run(w
        .cmd()
        .env("LINKEDIN_LI_AT", w.token("demo"))
        .args(["record", "--out"])
        .arg(w.path("rec3")));
    assert!(
        suggested
            .stdout
            .contains(&format!("drift {}", w.path("rec3").display())),
        "{}",
        suggested.stdout
    );
    let alone = run(w.cmd().arg("drift").arg(&dir).arg("--json"));
    assert!(alone.code <= 3, "{alone:?}");
    let view = alone.json();
    assert_eq!(view["current"], dir.display().to_string(), "{view}");
    assert_ne!(view["baseline"], dir.display().to_string(), "{view}");
}

#[test]
fn a_folder_that_is_not_a_recording_is_refused_before_any_request() {
    let w = World::new();
    let dir = w.path("mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
    let r = record(&w, "demo", &dir);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("not an earlier recording"),
        "{}",
        r.stderr
    );
    assert!(w.requests().is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "my notes"
    );
    // An earlier recording is replaced.
    let rec = w.path("rec");
    assert_eq!(record(&w, "demo", &rec).code, 0);
    assert_eq!(record(&w, "private", &rec).code, 0);
    let r = run(w.cmd().arg("drift").arg(&rec).arg("--live").arg("--json"));
    assert_eq!(r.code, 4, "--live needs a session: {r:?}");
}

#[test]
fn drift_reports_as_junit_and_live() {
    let w = World::new();
    let dir = w.path("rec");
    assert_eq!(record(&w, "drift-switch", &dir).code, 0);
    let r = drift(&w, &dir, &["--format", "junit"]);
    assert_eq!(r.code, 3);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("37"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    // The table says what to do.
    let r = drift(&w, &dir, &[]);
    assert!(r.stdout.contains("BREAKING DRIFT"), "{}", r.stdout);
    assert!(r.stdout.contains("SWITCH"), "{}", r.stdout);
    // --live records now (into --out when given) and compares with the built-in fixtures.
    let live = w.path("live");
    let r = run(w
        .as_account("demo")
        .args(["drift", "--live", "--out"])
        .arg(&live)
        .arg("--json"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(live.join("manifest.json").exists());
    let r = run(w.cmd().args(["--sandbox=drifted", "drift", "--live"]));
    assert_eq!(r.code, 3, "{r:?}");
    // Nothing to compare is a usage error.
    let r = run(w.cmd().args(["drift"]));
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn the_fixtures_pass_their_self_check_and_a_broken_copy_does_not() {
    let w = World::new();
    let r = run(w.cmd().arg("drift").arg("--self-check").arg(fixtures()));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("0 failed"), "{}", r.stdout);
    let r = run(w.cmd().args(["drift", "--self-check"]));
    assert_eq!(r.code, 0, "the built-in copy too: {r:?}");

    // A copy with a card that no longer reads as its manifest says.
    let copy = w.path("fixtures-copy");
    for file in files_below(&fixtures()) {
        let rel = file.strip_prefix(fixtures()).unwrap();
        let to = copy.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    let card = copy.join("cards/dataForAiImprovement.json");
    let text = std::fs::read_to_string(&card)
        .unwrap()
        .replace("\"offValue\": \"false\"", "\"offValue\": \"true\"");
    std::fs::write(&card, text).unwrap();
    let variant = copy.join("cards/dataForAiImprovement.new-field.json");
    let text = std::fs::read_to_string(&variant)
        .unwrap()
        .replace("\"value\": \"true\"", "\"value\": \"maybe\"");
    std::fs::write(&variant, text).unwrap();
    std::fs::write(copy.join("cards/stray.json"), "{}").unwrap();
    let r = run(w
        .cmd()
        .arg("drift")
        .arg("--self-check")
        .arg(&copy)
        .arg("--json"));
    assert_eq!(r.code, 3, "{r:?}");
    let failed: Vec<String> = r.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| format!("{}: {}", c["check"], c["detail"]))
        .collect();
    let all = failed.join("\n");
    assert!(all.contains("SHA-256"), "{all}");
    assert!(all.contains("stray.json"), "{all}");
    assert!(
        all.contains("new-field.json") && all.contains("where it must read on"),
        "{all}"
    );
}

#[test]
fn opt_out_refuses_a_drifted_card_and_points_to_drift() {
    let w = World::new();
    for account in ["drifted", "drift-switch", "drift-no-off-value"] {
        let r = w.run(account, &["opt-out", "--yes", "--json"]);
        assert_eq!(r.code, 3, "{account}: {r:?}");
        let row = &r.json()["settings"][0];
        let reason = row["reason"].as_str().unwrap();
        assert!(reason.starts_with("not written"), "{reason}");
        assert!(reason.contains("drift --live"), "{account}: {reason}");
        assert!(w.calls(account).iter().all(|c| !c.starts_with("PUT")));
    }
    // An uncertain value that is not a drift does not blame LinkedIn's shape.
    let r = w.run("odd-value", &["opt-out", "--yes", "--json"]);
    let reason = r.json()["settings"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!reason.contains("drift"), "{reason}");
    assert_eq!(
        r.json()["settings"][0]["reason_code"],
        "value_matches_neither"
    );
}

/// `drift` names the catalog's inferred parts a recording confirms or contradicts: the card key
/// and setting key of the generative-AI entry are confirmed by the demo account's recording and
/// the setting key contradicted by one whose card holds another key.
#[test]
fn drift_names_each_inferred_assumption_a_recording_settles() {
    let w = World::new();
    let assumptions = |account: &str| -> Vec<Value> {
        let dir = w.path(&format!("rec-assume-{account}"));
        assert_eq!(record(&w, account, &dir).code, 0);
        let r = drift(&w, &dir, &["--json"]);
        r.json()["assumptions"].as_array().unwrap().clone()
    };
    let find = |all: &[Value], id: &str, field: &str| -> Value {
        all.iter()
            .find(|a| a["id"] == id && a["field"] == field)
            .unwrap_or_else(|| panic!("no {id} {field} in {all:?}"))
            .clone()
    };
    let demo = assumptions("demo");
    assert!(demo.iter().all(|a| a["verdict"] == "confirmed"), "{demo:?}");
    let key = find(&demo, "generative-ai-training", "key");
    assert_eq!(key["assumed"], "allowDataForGenerativeAI");
    // Seen parts are not assumptions: profile viewing's card and key are seen.
    assert!(!demo.iter().any(|a| a["id"] == "profile-viewing"));
    // A card without the catalog's key contradicts it, and names the keys it has.
    let other = assumptions("other-key");
    let key = find(&other, "generative-ai-training", "key");
    assert_eq!(key["verdict"], "contradicted");
    assert!(
        key["evidence"]
            .as_str()
            .unwrap()
            .contains("dataForGenerativeAiImprovement"),
        "{key}"
    );
    // A card LinkedIn does not offer the recorded account settles nothing.
    let eea = assumptions("eea");
    assert_eq!(
        find(&eea, "partner-data-sharing", "card")["verdict"],
        "unsettled"
    );
    // The table says it in one line, and each contradicted part.
    let dir = w.path("rec-assume-other-key");
    let r = drift(&w, &dir, &[]);
    assert!(
        r.stdout.contains("The catalog's inferred parts:") && r.stdout.contains("1 contradicted"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("contradicted generative-ai-training key"),
        "{}",
        r.stdout
    );
}

/// A recording edited by hand: drift judges it by the reader's own rules. A card with both
/// envelopes is breaking; a key listed twice is not confirmed; a file that cannot be read
/// settles nothing.
#[test]
fn drift_judges_a_hand_edited_recording_by_the_readers_rules() {
    use sha2::Digest;
    let w = World::new();
    let dir = w.path("rec-edited");
    assert_eq!(record(&w, "demo", &dir).code, 0);
    let manifest_path = dir.join("manifest.json");
    let edit = |file: &str, change: &dyn Fn(&mut Value)| {
        let path = dir.join(file);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        change(&mut v);
        let text = serde_json::to_string_pretty(&v).unwrap();
        std::fs::write(&path, &text).unwrap();
        let sha: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut m: Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
        for r in m["replies"].as_array_mut().unwrap() {
            if r["file"] == file {
                r["sha256"] = Value::String(sha.clone());
            }
        }
        std::fs::write(&manifest_path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    };
    edit("card-dataForAiImprovement.json", &|v| {
        v["data"] = serde_json::json!({"settings": []});
    });
    edit("card-adsByAge.json", &|v| {
        let s = v["settings"][0].clone();
        v["settings"].as_array_mut().unwrap().push(s);
    });
    let r = drift(&w, &dir, &["--json"]);
    assert_eq!(r.code, 3, "{r:?}");
    let v = r.json();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["change"] == "envelope" && f["severity"] == "breaking"),
        "{v}"
    );
    let age = v["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "ads-age" && a["field"] == "key")
        .unwrap();
    assert_eq!(age["verdict"], "unsettled", "{age}");
}
