//! Members' own reports (`audit --report`) gathered by `summary`: the counts against the
//! reports themselves, damaged, duplicate, foreign and newer files named and skipped, no token
//! or address anywhere, the JUnit and the page (in a real Chromium: the numbers in its DOM are
//! the JSON's, a hostile string stays text), and the schemas.

use std::collections::BTreeMap;
use std::path::Path;

use linkedin_privacy::summary::report::canonical;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::common::{World, chromium_dom, have, run, run_with_stdin, xsd_problems};

const ACCOUNTS: [&str; 7] = [
    "demo",
    "private",
    "eea",
    "region",
    "promotions-split",
    "viewing-anonymous",
    "viewing-unlisted",
];

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&v).unwrap()
}

fn valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// Each account's report in `dir`, as the member would make it.
fn make_reports(w: &World, dir: &Path) -> Vec<Value> {
    std::fs::create_dir_all(dir).unwrap();
    let report_schema = schema("report.schema.json");
    ACCOUNTS
        .iter()
        .map(|a| {
            let file = dir.join(format!("{a}.json"));
            let r = w.run(a, &["audit", "--report", file.to_str().unwrap()]);
            assert!(matches!(r.code, 0 | 1 | 3), "{a}: {r:?}");
            assert!(r.stderr.contains("Wrote the report"), "{}", r.stderr);
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            valid(&report_schema, &v);
            v
        })
        .collect()
}

/// The counts the reports themselves give, per setting: private, exposed, unknown, not offered.
fn expected(reports: &[Value]) -> BTreeMap<String, [u64; 4]> {
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for r in reports {
        for s in r["settings"].as_array().unwrap() {
            let c = out
                .entry(s["id"].as_str().unwrap().to_string())
                .or_default();
            match (s["private"].as_bool(), s["state"].as_str().unwrap()) {
                (Some(true), _) => c[0] += 1,
                (Some(false), _) => c[1] += 1,
                (None, "not_offered") => c[3] += 1,
                (None, _) => c[2] += 1,
            }
        }
    }
    out
}

#[test]
fn reports_from_many_members_are_counted_as_they_say() {
    let w = World::new();
    let dir = w.path("reports");
    let reports = make_reports(&w, &dir);
    let r = run(w.cmd().args(["summary", dir.to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    valid(&schema("summary.schema.json"), &v);
    assert_eq!(v["members"], ACCOUNTS.len());
    let got: BTreeMap<String, [u64; 4]> = v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let n = |k: &str| c[k].as_u64().unwrap();
            (
                c["id"].as_str().unwrap().to_string(),
                [n("private"), n("exposed"), n("unknown"), n("not_offered")],
            )
        })
        .collect();
    assert_eq!(got, expected(&reports));
    let private = reports.iter().filter(|r| r["verdict"] == "private").count();
    let exposed = reports.iter().filter(|r| r["verdict"] == "exposed").count();
    assert_eq!(v["fully_private"], private);
    assert_eq!(v["exposed"], exposed);
    assert_eq!(v["incomplete"], ACCOUNTS.len() - private - exposed);
    assert!(private >= 2 && exposed >= 3, "{private} {exposed}");
    assert_eq!(v["tools"]["0.1.0"], ACCOUNTS.len());
    assert_eq!(v["catalogs"].as_object().unwrap().len(), 1);

    // The same through standard input, and as NDJSON lines (one compact report per line).
    let lines: String = reports
        .iter()
        .map(|r| format!("{}\n", serde_json::to_string(r).unwrap()))
        .collect();
    let r = run_with_stdin(w.cmd().args(["summary", "-", "--json"]), &lines);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["settings"], v["settings"]);

    // A bulk audit's NDJSON is read too (the accounts one person holds).
    let r = run(w.cmd().args([
        "--sandbox",
        "--format",
        "ndjson",
        "audit",
        "--profiles",
        "demo,private",
    ]));
    std::fs::write(w.path("bulk.ndjson"), &r.stdout).unwrap();
    let r = run(w
        .cmd()
        .args(["summary", w.path("bulk.ndjson").to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["members"], 2, "{}", r.stdout);
}

#[test]
fn damaged_duplicate_foreign_and_newer_files_are_named_and_skipped() {
    let w = World::new();
    let dir = w.path("reports");
    let reports = make_reports(&w, &dir);
    std::fs::copy(dir.join("demo.json"), dir.join("demo-again.json")).unwrap();
    let damaged = std::fs::read_to_string(dir.join("private.json"))
        .unwrap()
        .replacen("\"off\"", "\"on\"", 1);
    std::fs::write(dir.join("private.json"), damaged).unwrap();
    std::fs::write(
        dir.join("foreign.json"),
        "{\"name\": \"a shopping list\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cut.json"),
        "{\n  \"kind\": \"linkedin-privacy-report\",\n",
    )
    .unwrap();
    let mut newer = reports[0].clone();
    newer["schema"] = json!(2);
    newer["report_id"] = json!("lp-ffffffffffffffff");
    std::fs::write(
        dir.join("newer.json"),
        serde_json::to_string_pretty(&newer).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not read: not a .json file").unwrap();

    let r = run(w.cmd().args(["summary", dir.to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    valid(&schema("summary.schema.json"), &v);
    // demo once, private skipped as damaged: the other five.
    assert_eq!(v["members"], ACCOUNTS.len() - 1);
    assert_eq!(v["duplicate_count"], 1);
    assert_eq!(v["duplicates"][0]["id"], reports[0]["report_id"]);
    let why: BTreeMap<String, String> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let file = Path::new(k["source"].as_str().unwrap().split(':').next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, k["why"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(why["private.json"].contains("damaged"), "{why:?}");
    assert!(
        why["foreign.json"].contains("not a linkedin-privacy report"),
        "{why:?}"
    );
    assert!(why["cut.json"].contains("not JSON"), "{why:?}");
    assert!(
        why["newer.json"].contains("newer than this version"),
        "{why:?}"
    );
    assert_eq!(why.len(), 4, "{why:?}");
    assert!(
        r.stderr.contains("skipped") && r.stderr.contains("damaged"),
        "{}",
        r.stderr
    );

    // Nothing usable at all: a usage error that names the first problem.
    let empty = w.path("nothing");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("foreign.json"), "[1, 2]").unwrap();
    let r = run(w.cmd().args(["summary", empty.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no member report found"), "{}", r.stderr);
}

#[test]
fn no_token_and_no_address_in_any_report_or_summary_and_a_name_only_when_asked() {
    let w = World::new();
    let dir = w.path("reports");
    make_reports(&w, &dir);
    let with = dir.join("named.json");
    let r = w.run(
        "demo",
        &[
            "audit",
            "--report",
            with.to_str().unwrap(),
            "--with-identity",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let named: Value = serde_json::from_str(&std::fs::read_to_string(&with).unwrap()).unwrap();
    assert_eq!(named["member"]["name"], "Ada Lovelace");
    assert_eq!(named["member"]["public_id"], "ada-lovelace");
    let html = w.path("summary.html");
    let out = run(w.cmd().args([
        "summary",
        dir.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    let mut texts = vec![
        out.stdout.clone(),
        out.stderr.clone(),
        std::fs::read_to_string(&html).unwrap(),
    ];
    for a in ACCOUNTS {
        let report = std::fs::read_to_string(dir.join(format!("{a}.json"))).unwrap();
        let v: Value = serde_json::from_str(&report).unwrap();
        assert_eq!(v["member"], Value::Null, "{a}");
        assert!(
            !report.contains("Lovelace") && !report.contains("Hopper"),
            "{a}: {report}"
        );
        texts.push(report);
    }
    for text in &texts {
        for a in ACCOUNTS {
            assert!(!text.contains(&w.token(a)), "a token in {text}");
        }
        for secret in ["sandbox-li_at", "JSESSIONID", "ajax:", "@example.com"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[test]
fn junit_has_one_test_per_member() {
    if !have("xmllint", "summary::junit_has_one_test_per_member") {
        return;
    }
    let w = World::new();
    let dir = w.path("reports");
    let reports = make_reports(&w, &dir);
    let r = run(w
        .cmd()
        .args(["--format", "junit", "summary", dir.to_str().unwrap()]));
    assert_eq!(r.code, 0, "{r:?}");
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit.xsd");
    assert_eq!(xsd_problems(&r.stdout, &xsd), None);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), ACCOUNTS.len());
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(
        failures,
        reports.iter().filter(|r| r["verdict"] == "exposed").count()
    );
}

/// A report someone made by hand, sealed as the tool seals them.
fn forged(id: &str, setting: &str) -> Value {
    let mut v = json!({
        "kind": "linkedin-privacy-report", "schema": 1, "report_id": id,
        "made_at": "2026-11-30T08:00:00Z",
        "tool": {"name": "linkedin-privacy", "version": "0.1.0"},
        "catalog": "sha256:0000000000000000", "member": null, "verdict": "exposed",
        "settings": [{"id": setting, "group": "ai", "state": "on", "private": false}],
    });
    let digest = {
        use sha2::Digest as _;
        sha2::Sha256::digest(canonical(&v).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    v["integrity"] = json!({"algorithm": "sha256", "covers": "-", "sha256": digest});
    v
}

#[test]
fn the_page_renders_in_chromium_with_the_jsons_numbers_and_hostile_text_as_text() {
    if !have("chromium", "summary::the_page_renders_in_chromium") {
        return;
    }
    let w = World::new();
    let dir = w.path("reports");
    make_reports(&w, &dir);
    let hostile = "<img src=x onerror=\"document.title='pwned'\">";
    std::fs::write(
        dir.join("forged.json"),
        serde_json::to_string(&forged("<b>lp-forged</b>", hostile)).unwrap(),
    )
    .unwrap();
    let html = w.path("summary.html");
    let r = run(w.cmd().args([
        "summary",
        dir.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&html).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let dom = chromium_dom(&w, &format!("file://{}", html.display()));
    let doc = Html::parse_document(&dom);
    let sel = |css: &str| Selector::parse(css).unwrap();
    assert!(
        doc.select(&sel("title"))
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .contains("where the group stands"),
        "{dom}"
    );
    let share = doc.select(&sel("#share")).next().expect("the share");
    assert_eq!(
        share.value().attr("data-fully-private"),
        Some(v["fully_private"].to_string().as_str())
    );
    assert_eq!(
        share.value().attr("data-members"),
        Some(v["members"].to_string().as_str())
    );
    let rows: Vec<_> = doc.select(&sel("tr.setting")).collect();
    assert_eq!(rows.len(), v["settings"].as_array().unwrap().len());
    for (row, c) in rows.iter().zip(v["settings"].as_array().unwrap()) {
        assert_eq!(row.value().attr("data-id"), c["id"].as_str());
        for (attr, key) in [
            ("data-private", "private"),
            ("data-exposed", "exposed"),
            ("data-unknown", "unknown"),
            ("data-not-offered", "not_offered"),
        ] {
            assert_eq!(
                row.value().attr(attr),
                Some(c[key].to_string().as_str()),
                "{attr} of {}",
                c["id"]
            );
        }
        // The bar's segments add up to the counts it draws.
        let drawn = row.select(&sel("rect")).count();
        let nonzero = ["private", "exposed", "unknown", "not_offered"]
            .iter()
            .filter(|k| c[**k].as_u64() != Some(0))
            .count();
        assert_eq!(drawn, nonzero);
    }
    assert_eq!(
        doc.select(&sel("tr.member")).count() as u64,
        v["members"].as_u64().unwrap()
    );
    // The hostile setting id and report id are text: no element was made of them, no script ran.
    assert_eq!(doc.select(&sel("img")).count(), 0, "{dom}");
    assert_eq!(doc.select(&sel("td b, th b")).count(), 0, "{dom}");
    assert!(
        doc.root_element()
            .text()
            .collect::<String>()
            .contains(hostile)
    );
    assert!(!dom.contains("pwned</title>"));
}

#[test]
fn a_partial_audit_is_never_fully_private_and_hand_made_files_cannot_skew_the_counts() {
    let w = World::new();
    let dir = w.path("reports");
    std::fs::create_dir_all(&dir).unwrap();
    // Stopped by a 429 after one private setting, and one read setting alone: incomplete.
    let r = w.run(
        "throttled-later",
        &[
            "audit",
            "--report",
            dir.join("stopped.json").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 5, "{r:?}");
    let r = w.run(
        "private",
        &[
            "audit",
            "--setting",
            "generative-ai-training",
            "--report",
            dir.join("one.json").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // Two members' reports made with a fixed seed still get ids of their own.
    for (a, f) in [("private", "p.json"), ("demo", "d.json")] {
        let r = run(w.as_account(a).env("LINKEDIN_PRIVACY_SEED", "7").args([
            "audit",
            "--report",
            dir.join(f).to_str().unwrap(),
        ]));
        assert!(matches!(r.code, 0 | 1), "{r:?}");
    }
    let r = run(w.cmd().args(["summary", dir.to_str().unwrap(), "--json"]));
    let v = r.json();
    assert_eq!(v["members"], 4, "{}", r.stdout);
    assert_eq!(
        v["fully_private"], 1,
        "only the whole private audit: {}",
        r.stdout
    );
    assert_eq!(v["incomplete"], 2);
    assert_eq!(v["duplicate_count"], 0);

    // A setting listed 400 times counts once; a report reusing another's id with other
    // content is named as a conflict; a setting without an id is damage.
    let hand = w.path("hand");
    std::fs::create_dir_all(&hand).unwrap();
    let mut many = forged("lp-1111111111111111", "generative-ai-training");
    let row = many["settings"][0].clone();
    many["settings"] = Value::Array(vec![row; 400]);
    many.as_object_mut().unwrap().remove("integrity");
    let reseal = |mut v: Value| {
        use sha2::Digest as _;
        let d: String = sha2::Sha256::digest(canonical(&v).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        v["integrity"] = json!({"algorithm": "sha256", "covers": "-", "sha256": d});
        v
    };
    std::fs::write(
        hand.join("a.json"),
        serde_json::to_string(&reseal(many)).unwrap(),
    )
    .unwrap();
    std::fs::write(
        hand.join("b.json"),
        serde_json::to_string(&forged("lp-1111111111111111", "research-data")).unwrap(),
    )
    .unwrap();
    let mut noid = forged("lp-2222222222222222", "x");
    noid.as_object_mut().unwrap().remove("integrity");
    noid["settings"][0].as_object_mut().unwrap().remove("id");
    std::fs::write(
        hand.join("c.json"),
        serde_json::to_string(&reseal(noid)).unwrap(),
    )
    .unwrap();
    let r = run(w.cmd().args(["summary", hand.to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["members"], 1);
    assert_eq!(v["settings"][0]["exposed"], 1, "{}", r.stdout);
    let why: Vec<&str> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["why"].as_str().unwrap())
        .collect();
    assert!(
        why.iter().any(|w| w.contains("with other content")),
        "{why:?}"
    );
    assert!(
        why.iter().any(|w| w.contains("a setting without an id")),
        "{why:?}"
    );
}
