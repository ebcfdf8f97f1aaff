//! Every JSON output matches its schema in `schemas/`: the files are checked against what the
//! binary prints over the sandbox's accounts, in success and in failure.

use std::path::Path;

use crate::common::{World, run};
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, what: &str, stdout: &str) {
    let mut seen = 0;
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        // NDJSON: a document per line; --json: one document over several lines.
        let docs: Vec<Value> = match serde_json::from_str::<Value>(line) {
            Ok(v) if v.is_object() => vec![v],
            _ => break,
        };
        for doc in docs {
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{what}: {errors:#?}\n{doc:#}");
            seen += 1;
        }
    }
    if seen == 0 {
        let doc: Value = serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {stdout}"));
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}\n{doc:#}");
    }
}

fn sandbox(w: &World, account: &str, args: &[&str]) -> crate::common::Run {
    run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .arg(format!("--sandbox={account}"))
        .args(args))
}

#[test]
fn audit_and_opt_out_json_match_their_schemas() {
    let w = World::new();
    let audit = schema("audit.schema.json");
    for account in [
        "demo",
        "private",
        "region",
        "expired",
        "odd-value",
        "throttled-later",
        "drifted",
        "interstitial",
        "gone",
        "other-key",
        "eea",
        "viewing-anonymous",
        "viewing-two-selected",
        "data-garbage",
    ] {
        let r = sandbox(&w, account, &["--retries", "0", "audit", "--json"]);
        assert_valid(&audit, &format!("audit {account}"), &r.stdout);
    }
    // Failed before anything was read: the error object.
    let r = sandbox(&w, "demo", &["audit", "--setting", "nope", "--json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_valid(&audit, "audit --setting nope", &r.stdout);
    // Many accounts, as NDJSON, each line a report with a label.
    let r = sandbox(
        &w,
        "demo",
        &[
            "audit",
            "--profiles",
            "demo,private,expired",
            "--format",
            "ndjson",
        ],
    );
    assert_eq!(r.stdout.lines().count(), 3, "{r:?}");
    assert_valid(&audit, "bulk", &r.stdout);
    // With a history: `previous` on a changed row.
    let h = w.path("h.sqlite3");
    let first = run(w
        .as_account("private")
        .arg("--history")
        .arg(&h)
        .args(["audit", "--json"]));
    assert_valid(&audit, "history 1", &first.stdout);
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    let second = run(w
        .as_account("private")
        .arg("--history")
        .arg(&h)
        .args(["audit", "--json"]));
    assert!(second.stdout.contains("\"previous\""), "{}", second.stdout);
    assert_valid(&audit, "history 2", &second.stdout);

    let opt_out = schema("opt-out.schema.json");
    for (account, args) in [
        ("demo", &["opt-out", "--dry-run", "--json"][..]),
        ("demo", &["opt-out", "--all", "--yes", "--json"]),
        (
            "eea",
            &[
                "opt-out",
                "--setting",
                "ads-beyond-linkedin",
                "--yes",
                "--json",
            ],
        ),
        ("put-forbidden", &["opt-out", "--yes", "--json"]),
        ("put-noop", &["opt-out", "--yes", "--json"]),
        (
            "reread-throttled",
            &["--retries", "0", "opt-out", "--yes", "--json"],
        ),
        ("odd-value", &["opt-out", "--yes", "--json"]),
        ("private", &["opt-out", "--yes", "--json"]),
        ("demo", &["opt-out", "--json"]),
    ] {
        let r = sandbox(&w, account, args);
        assert_valid(&opt_out, &format!("{account} {args:?}"), &r.stdout);
    }
}

#[test]
fn status_objection_and_history_json_match_their_schemas() {
    let w = World::new();
    let status = schema("status.schema.json");
    let r = sandbox(&w, "demo", &["status", "--json"]);
    assert_valid(&status, "status sandbox", &r.stdout);
    for (profile, account) in [("work", "demo"), ("old", "expired")] {
        let r = w.login_profile(profile, account);
        assert!(r.code == 0 || profile == "old", "{r:?}");
    }
    w.sandbox
        .set_fault("expired", linkedin_privacy::sandbox::Fault::None);
    for args in [
        &["--insecure-storage", "status", "--json"][..],
        &["--insecure-storage", "status", "--offline", "--json"],
        &["status", "--json"],
    ] {
        let r = run(w.cmd().args(args));
        assert_valid(&status, &format!("{args:?}"), &r.stdout);
    }

    let objection = schema("objection.schema.json");
    let h = w.path("h.sqlite3");
    for args in [
        &["objection", "--email", "ada@example.com", "--json"][..],
        &["objection", "--region", "uk", "--include-genai", "--json"],
        &["objection", "--type", "", "--json"],
    ] {
        let r = sandbox(&w, "demo", args);
        assert_valid(&objection, &format!("{args:?}"), &r.stdout);
    }
    let r = run(w.as_account("demo").arg("--history").arg(&h).args([
        "objection",
        "--mark-sent",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_valid(&objection, "--mark-sent", &r.stdout);
    let r = sandbox(&w, "form-gone", &["objection", "--json"]);
    assert_valid(&objection, "form-gone", &r.stdout);

    let history = schema("history.schema.json");
    let r = run(w
        .as_account("demo")
        .arg("--history")
        .arg(&h)
        .args(["audit"]));
    assert_eq!(r.code, 1, "{r:?}");
    let export = w.path("e.json");
    for args in [
        vec!["history", "--json"],
        vec!["history", "--json", "--since", "2020-01-01"],
        vec!["history", "--json", "--verify"],
        vec!["history", "--json", "--export", export.to_str().unwrap()],
    ] {
        let r = run(w.cmd().arg("--history").arg(&h).args(&args));
        assert_eq!(r.code, 0, "{r:?}");
        assert_valid(&history, &format!("{args:?}"), &r.stdout);
    }
    let r = run(w.cmd().args(["history", "--json", "--verify"]).arg(&export));
    assert_valid(&history, "verify export", &r.stdout);
    let r = run(w.cmd().args(["--sandbox", "history", "--json"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert_valid(&history, "no history", &r.stdout);
}

/// The schemas themselves are valid JSON Schema documents.
#[test]
fn every_schema_file_is_a_schema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".schema.json") {
            schema(&name);
            n += 1;
        }
    }
    assert_eq!(n, 7);
    // And they hold the line: a key too many, a state no report has, a wrong tool.
    let audit = schema("audit.schema.json");
    let good: Value = serde_json::json!({
        "schema": 3, "tool": {"name": "linkedin-privacy", "version": "0.1.0"},
        "account": {"profile": null, "name": null, "public_id": null},
        "checked_at": "2026-11-29T08:00:00Z", "verdict": "private", "settings": [], "error": null
    });
    assert!(audit.is_valid(&good));
    for bad in [
        ("/extra", serde_json::json!(1)),
        ("/verdict", serde_json::json!("probably fine")),
        ("/tool/name", serde_json::json!("something else")),
        ("/checked_at", serde_json::json!("yesterday")),
    ] {
        let mut doc = good.clone();
        let (parent, key) = bad.0.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut doc
        } else {
            doc.pointer_mut(parent).unwrap()
        };
        target[key] = bad.1;
        assert!(!audit.is_valid(&doc), "{} was accepted", bad.0);
    }
}
