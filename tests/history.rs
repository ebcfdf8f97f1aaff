//! The history through the binary against the sandbox, with a temporary history file: a setting
//! switched back on is noticed (exit 1), a turn-off is recorded, `--fail-on-change`, the
//! timeline, export and verify (and verify failing after an edit, a removal, a swap), parallel
//! runs, a corrupt file, `--no-history`, `--sandbox` and the default path, objections and their
//! deadline, and bulk runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{CARD_AI, CARD_RESEARCH, Run, World, run};
use serde_json::Value;

const ME: &str = "GET /voyager/api/me";

/// The binary as `account`, at a pinned time, recording in `history`.
fn at(w: &World, account: &str, when: &str, history: &Path) -> Command {
    let mut cmd = w.as_account(account);
    cmd.env("LINKEDIN_PRIVACY_NOW", when)
        .arg("--history")
        .arg(history);
    cmd
}

/// An audit of the `ai` group (two cards): the history is what these tests are about, and two
/// settings keep the record counts readable.
fn audit(w: &World, account: &str, when: &str, history: &Path, extra: &[&str]) -> Run {
    run(at(w, account, when, history)
        .args(["audit", "--group", "ai"])
        .args(extra))
}

/// An audit that set-up needs to succeed: it reads the `ai` group (exit 0 or 1).
fn audited(w: &World, account: &str, when: &str, history: &Path) {
    let r = audit(w, account, when, history, &[]);
    assert!(r.code <= 1, "{r:?}");
}

fn timeline(w: &World, history: &Path) -> Value {
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(history)
        .args(["history", "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    r.json()
}

/// LinkedIn switches a setting back on: the next audit leads with it, exits 1, and JSON says
/// what it was and when.
#[test]
fn a_setting_switched_back_on_is_noticed() {
    let w = World::new();
    let h = w.path("history.sqlite3");
    let r = audit(&w, "private", "2026-10-01T08:00:00Z", &h, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    // An environment session: one /me call tells whose account it is.
    assert_eq!(w.calls("private"), [ME, CARD_AI, CARD_RESEARCH]);

    assert!(
        w.sandbox
            .set_toggle("private", "dataForAiImprovement", true)
    );
    let r = audit(&w, "private", "2026-10-08T08:00:00Z", &h, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    let first = r
        .stdout
        .lines()
        .find(|l| l.contains("SWITCHED BACK ON"))
        .unwrap_or_default();
    assert!(
        first.contains("was off on 2026-10-01, now on"),
        "{}",
        r.stdout
    );
    // The verdict sentence leads with it.
    let lead = r.stdout.find("SWITCHED BACK ON").unwrap();
    assert!(lead < r.stdout.find("EXPOSED").unwrap(), "{}", r.stdout);

    let r = audit(&w, "private", "2026-10-09T08:00:00Z", &h, &["--json"]);
    // Against the last record (on, a day ago) nothing changed.
    assert_eq!(r.code, 1);
    assert!(
        r.json()["settings"][0].get("previous").is_none(),
        "{}",
        r.stdout
    );

    // Without a history no /me call is made.
    let before = w.calls("private").len();
    let r = w.run("private", &["audit", "--group", "ai"]);
    assert_eq!(r.code, 1);
    assert_eq!(w.calls("private").len() - before, 2);
}

#[test]
fn json_says_what_the_state_was_and_when() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    assert_eq!(
        audit(&w, "private", "2026-10-01T08:00:00Z", &h, &[]).code,
        0
    );
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    let r = audit(&w, "private", "2026-10-08T08:00:00Z", &h, &["--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let row = &v["settings"][0];
    assert_eq!(row["state"], "on");
    assert_eq!(row["previous"]["state"], "off");
    assert_eq!(row["previous"]["checked_at"], "2026-10-01T08:00:00Z");
    assert_eq!(row["previous"]["reenabled"], true);
    assert!(v["settings"][1].get("previous").is_none());
}

/// A turn-off by `opt-out` is recorded with its read-back; the next audit shows the change, which
/// is not a re-enablement and exits 0 unless --fail-on-change.
#[test]
fn a_turn_off_is_recorded_and_fail_on_change_catches_any_change() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    assert_eq!(audit(&w, "demo", "2026-10-01T08:00:00Z", &h, &[]).code, 1);
    let r = run(at(&w, "demo", "2026-10-02T08:00:00Z", &h).args(["opt-out", "--all", "--yes"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = audit(&w, "demo", "2026-10-03T08:00:00Z", &h, &["--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    // The last record is opt-out's verified write (off): nothing changed since.
    assert!(r.json()["settings"][0].get("previous").is_none());

    let v = timeline(&w, &h);
    let spans: Vec<(String, String, Value)> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["setting"] == "generative-ai-training")
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_string(),
                s["from"].as_str().unwrap().to_string(),
                s["opt_out"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("on".into(), "2026-10-01T08:00:00Z".into(), Value::Null),
            (
                "off".into(),
                "2026-10-02T08:00:00Z".into(),
                Value::Bool(true)
            ),
        ]
    );
    let off = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["setting"] == "generative-ai-training" && s["state"] == "off")
        .unwrap();
    assert_eq!(off["until"], "2026-10-03T08:00:00Z");
    assert_eq!(off["checks"], 2);

    // Switched on, then off again by someone else: a change, private, exit 0 — and 1 with
    // --fail-on-change.
    w.sandbox.set_toggle("demo", "dataForAiImprovement", true);
    assert_eq!(audit(&w, "demo", "2026-10-04T08:00:00Z", &h, &[]).code, 1);
    w.sandbox.set_toggle("demo", "dataForAiImprovement", false);
    let r = audit(&w, "demo", "2026-10-05T08:00:00Z", &h, &["--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["settings"][0]["previous"]["state"], "on");
    assert_eq!(r.json()["settings"][0]["previous"]["reenabled"], false);
    w.sandbox.set_toggle("demo", "dataForAiImprovement", true);
    audited(&w, "demo", "2026-10-06T08:00:00Z", &h);
    w.sandbox.set_toggle("demo", "dataForAiImprovement", false);
    let r = audit(
        &w,
        "demo",
        "2026-10-07T08:00:00Z",
        &h,
        &["--fail-on-change"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("was on on 2026-10-06, now off"),
        "{}",
        r.stdout
    );
    // No change: --fail-on-change exits as the audit does.
    let r = audit(
        &w,
        "demo",
        "2026-10-08T08:00:00Z",
        &h,
        &["--fail-on-change"],
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn the_timeline_as_a_table_and_filtered() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audited(&w, "private", "2026-10-01T08:00:00Z", &h);
    audited(&w, "private", "2026-10-08T08:00:00Z", &h);
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    audited(&w, "private", "2026-10-15T08:00:00Z", &h);
    let r = run(w.cmd().arg("--history").arg(&h).arg("history"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("(6 record(s))"), "{}", r.stdout);
    assert!(r.stdout.contains("switched back on"), "{}", r.stdout);
    assert!(r.stdout.contains("grace-hopper"), "{}", r.stdout);

    let r = run(w.cmd().arg("--history").arg(&h).args([
        "history",
        "--json",
        "--setting",
        "generative-ai-training",
        "--since",
        "2026-10-08",
    ]));
    let v = r.json();
    let spans = v["timeline"].as_array().unwrap();
    assert_eq!(spans.len(), 2, "{v}");
    assert_eq!(spans[0]["from"], "2026-10-08T08:00:00Z");
    assert_eq!(spans[1]["reenabled"], true);

    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--since", "last week"]));
    assert_eq!(r.code, 2, "{r:?}");
    // No history yet: said so, exit 0.
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(w.path("none.sqlite3"))
        .arg("history"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Nothing recorded yet"), "{}", r.stdout);
    assert!(!w.path("none.sqlite3").exists(), "showing creates nothing");
}

/// Export, verify, and verify failing — naming the record — after a one-value edit, a removed
/// record, a swap, and a cut end checked against the head noted at export.
#[test]
fn an_export_proves_itself_and_every_edit_is_found() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    for day in 1..=3 {
        audited(&w, "private", &format!("2026-10-0{day}T08:00:00Z"), &h);
    }
    let out = w.path("evidence.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--export"])
        .arg(&out));
    assert_eq!(r.code, 0, "{r:?}");
    let head = r.json()["head"].as_str().unwrap().to_string();
    assert_eq!(head.len(), 64);
    assert_eq!(r.json()["records"], 6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let verify = |file: &Path, noted: Option<&str>| {
        let mut cmd = w.cmd();
        cmd.args(["history", "--json", "--verify"]).arg(file);
        if let Some(n) = noted {
            cmd.args(["--head", n]);
        }
        run(&mut cmd)
    };
    let r = verify(&out, Some(&head));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["holds"], true);

    let original: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let tampered = |name: &str, edit: &dyn Fn(&mut Vec<Value>)| -> PathBuf {
        let mut v = original.clone();
        edit(v["records"].as_array_mut().unwrap());
        let path = w.path(name);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        path
    };
    let problems = |r: &Run| -> String {
        assert_eq!(r.code, 3, "{r:?}");
        assert_eq!(r.json()["holds"], false);
        r.json()["problems"].to_string()
    };

    let edited = tampered("edited.json", &|recs| recs[2]["state"] = "on".into());
    let p = problems(&verify(&edited, None));
    assert!(p.contains("record 3 "), "{p}");
    assert!(p.contains("changed"), "{p}");

    let removed = tampered("removed.json", &|recs| {
        recs.remove(3);
    });
    let p = problems(&verify(&removed, None));
    assert!(p.contains("record 4 is missing"), "{p}");

    let swapped = tampered("swapped.json", &|recs| recs.swap(1, 2));
    let p = problems(&verify(&swapped, None));
    assert!(p.contains("record 2 comes after record 3"), "{p}");

    // The last record cut off and the head rewritten to match: only the noted head tells.
    let cut = {
        let mut v = original.clone();
        let recs = v["records"].as_array_mut().unwrap();
        recs.pop();
        let new_head = recs.last().unwrap()["hash"].clone();
        v["head"] = new_head;
        let path = w.path("cut.json");
        std::fs::write(&path, v.to_string()).unwrap();
        path
    };
    assert_eq!(
        verify(&cut, None).code,
        0,
        "a consistent chain holds on its own"
    );
    let p = problems(&verify(&cut, Some(&head)));
    assert!(p.contains("noted at export"), "{p}");

    // The history itself: intact, then a record edited in the database is found.
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--verify"]));
    assert_eq!(r.code, 0, "{r:?}");
    {
        let c = rusqlite_edit(&h);
        assert_eq!(c, 1);
    }
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--json", "--verify"]));
    assert!(problems(&r).contains("record 2 "), "{r:?}");
    // An export of a history edited behind its back is refused.
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--export"])
        .arg(w.path("refused.json")));
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!w.path("refused.json").exists());
}

/// Edits record 2's state in the database, as someone with the file might; the rows changed.
fn rusqlite_edit(path: &Path) -> usize {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             n=c.execute(\"UPDATE events SET state='on' WHERE id=2\").rowcount; c.commit(); print(n)",
        )
        .arg(path)
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// Cron and a manual run at once, and a bulk run: every audit is recorded, and the chain holds.
#[test]
fn parallel_runs_are_all_recorded() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let children: Vec<_> = (0..6)
        .map(|i| {
            let account = if i % 2 == 0 { "private" } else { "demo" };
            at(&w, account, "2026-10-01T08:00:00Z", &h)
                .args(["audit", "--group", "ai"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        let status = c.wait().unwrap();
        assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    }
    let v = timeline(&w, &h);
    assert_eq!(v["records"], 12, "{v}");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--verify"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// A corrupt history: the audit still prints its result and exits with its own code; a warning
/// says why nothing was recorded; the file is left as it was.
#[test]
fn a_corrupt_history_never_costs_the_audit() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let junk = b"this is not a database, it is a file someone broke\n".repeat(200);
    std::fs::write(&h, &junk).unwrap();
    let r = audit(&w, "private", "2026-10-01T08:00:00Z", &h, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("PRIVATE"), "{}", r.stdout);
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(r.stderr.contains("not recorded"), "{}", r.stderr);
    assert_eq!(std::fs::read(&h).unwrap(), junk);
    let r = audit(&w, "demo", "2026-10-01T08:00:00Z", &h, &["--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed");
    // `history` itself says so with exit 7.
    let r = run(w.cmd().arg("--history").arg(&h).arg("history"));
    assert_eq!(r.code, 7, "{r:?}");
    assert!(r.stderr.contains("mv "), "{}", r.stderr);
}

#[test]
fn no_history_writes_nothing_and_the_sandbox_never_touches_the_default() {
    let w = World::new();
    let h = w.path("env-history.sqlite3");
    // The environment names a history: used against this origin...
    let r = run(w
        .as_account("private")
        .env("LINKEDIN_PRIVACY_HISTORY", &h)
        .arg("audit"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(h.exists());
    std::fs::remove_file(&h).unwrap();
    // ...but not with --no-history.
    let r = run(w
        .as_account("private")
        .env("LINKEDIN_PRIVACY_HISTORY", &h)
        .args(["--no-history", "audit"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!h.exists());
    assert_eq!(
        run(w
            .as_account("private")
            .env("LINKEDIN_PRIVACY_HISTORY", "none")
            .arg("audit"))
        .code,
        0
    );
    assert!(!h.exists());

    // --sandbox: neither the default path nor the environment's.
    let r = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env("LINKEDIN_PRIVACY_HISTORY", &h)
        .args(["--sandbox", "audit"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!h.exists());
    let data = w.path("data");
    let written: Vec<PathBuf> = crate::common::files_below(&data);
    assert!(written.is_empty(), "{written:?}");
    // With --history FILE it keeps one, 0600.
    let own = w.path("sandbox.sqlite3");
    let r = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .arg("--history")
        .arg(&own)
        .args(["--sandbox", "audit"]));
    assert_eq!(r.code, 1, "{r:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&own).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let v = timeline(&w, &own);
    assert_eq!(v["timeline"][0]["site"], "sandbox");
    // `history` with none to show: a usage error that says why.
    let r = run(w.cmd().args(["--sandbox", "history"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--history FILE"), "{}", r.stderr);
}

/// The token is never in the history: records are keyed by the member.
#[test]
fn the_token_never_reaches_the_history() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audited(&w, "private", "2026-10-01T08:00:00Z", &h);
    let r = run(at(&w, "demo", "2026-10-01T09:00:00Z", &h).args(["opt-out", "--yes"]));
    assert_eq!(r.code, 0, "{r:?}");
    let export = w.path("e.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&h)
        .args(["history", "--export"])
        .arg(&export));
    assert_eq!(r.code, 0, "{r:?}");
    for file in [h.clone(), export] {
        let bytes = std::fs::read(&file).unwrap();
        for account in ["private", "demo"] {
            let token = w.token(account);
            assert!(
                !bytes
                    .windows(token.len())
                    .any(|win| win == token.as_bytes()),
                "{file:?} holds {account}'s token"
            );
        }
    }
}

/// `objection` records the draft; `--mark-sent` the day it was sent; `history` says when
/// LinkedIn's answer is due, and when it is overdue.
#[test]
fn an_objection_and_its_deadline() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let r = run(at(&w, "demo", "2026-10-01T08:00:00Z", &h).args([
        "objection",
        "--email",
        "ada@example.com",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(at(&w, "demo", "2026-10-03T08:00:00Z", &h).args([
        "objection",
        "--mark-sent",
        "2026-10-02",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("by 2026-11-02"), "{}", r.stdout);
    let r = run(w
        .cmd()
        .env("LINKEDIN_PRIVACY_NOW", "2026-11-10T08:00:00Z")
        .arg("--history")
        .arg(&h)
        .arg("history"));
    assert!(r.stdout.contains("overdue by 8 day(s)"), "{}", r.stdout);
    assert!(r.stdout.contains("GDPR Article 12(3)"), "{}", r.stdout);
    let v = timeline(&w, &h);
    let o = &v["objections"][0];
    assert_eq!(o["sent_on"], "2026-10-02");
    assert_eq!(o["answer_due"], "2026-11-02");
    assert!(o["fields"].as_array().is_some_and(|f| !f.is_empty()), "{o}");
    // A day in the future, or not a day, is refused.
    for bad in ["2027-01-01", "yesterday"] {
        let r =
            run(at(&w, "demo", "2026-10-03T08:00:00Z", &h).args(["objection", "--mark-sent", bad]));
        assert_eq!(r.code, 2, "{bad}: {r:?}");
    }
}

/// A bulk run records every account, and its summary names the accounts switched back on.
#[test]
fn bulk_runs_record_every_account_and_report_reenablements() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let accounts = w.path("accounts.tsv");
    std::fs::write(
        &accounts,
        format!("grace\t{}\nada\t{}\n", w.token("private"), w.token("demo")),
    )
    .unwrap();
    let bulk = |when: &str| {
        run(w
            .cmd()
            .env("LINKEDIN_PRIVACY_NOW", when)
            .arg("--history")
            .arg(&h)
            .args(["audit", "--group", "ai", "--accounts"])
            .arg(&accounts))
    };
    assert_eq!(bulk("2026-10-01T08:00:00Z").code, 1);
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    let r = bulk("2026-10-08T08:00:00Z");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("1 switched back on (grace)"),
        "{}",
        r.stderr
    );
    let line = r.stdout.lines().find(|l| l.contains("\"grace\"")).unwrap();
    let v: Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["settings"][0]["previous"]["reenabled"], true);
    let v = timeline(&w, &h);
    assert_eq!(v["records"], 8);
    let members: std::collections::BTreeSet<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["member"].as_str().unwrap())
        .collect();
    assert_eq!(
        members.into_iter().collect::<Vec<_>>(),
        ["ada-lovelace", "grace-hopper"]
    );
}

/// What the history file says is shown cleaned: a record someone wrote with escape sequences in
/// it (a shared file, a crafted export) never drives the terminal.
#[test]
fn text_from_the_history_never_reaches_the_terminal_raw() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audited(&w, "private", "2026-10-01T08:00:00Z", &h);
    // A record written by someone else: an escape sequence where the time should be, the
    // chain recomputed so it looks intact.
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import hashlib, json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE events SET at = ?, state = 'off' WHERE id = 1", ("1234567890\u00e9\x1b]0;PWNED\x07\x1b[2J\x1b[31mFAKE",))
prev = "0" * 64
fields = ["id","at","kind","site","member","profile","setting","state","private","before","verified","reply_sha256","tool_version","catalog","detail","prev"]
for row in c.execute("SELECT " + ",".join(fields[:-1]) + " FROM events ORDER BY id").fetchall():
    rec = dict(zip(fields[:-1], row))
    for k in ("private", "verified"):
        if rec[k] is not None: rec[k] = bool(rec[k])
    rec["prev"] = prev
    h = hashlib.sha256(json.dumps(rec, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    c.execute("UPDATE events SET prev = ?, hash = ? WHERE id = ?", (prev, h, rec["id"]))
    prev = h
c.commit()
"#,
        )
        .arg(&h)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{out:?}");
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    let r = audit(&w, "private", "2026-10-08T08:00:00Z", &h, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("SWITCHED BACK ON"), "{}", r.stdout);
    let export = w.path("e.json");
    for r in [
        r,
        run(w.cmd().arg("--history").arg(&h).arg("history")),
        run(w
            .cmd()
            .arg("--history")
            .arg(&h)
            .args(["history", "--export"])
            .arg(&export)),
    ] {
        for bad in ['\x1b', '\x07'] {
            assert!(!r.stdout.contains(bad), "{:?}", r.stdout);
            assert!(!r.stderr.contains(bad), "{:?}", r.stderr);
        }
    }
    // A crafted export: its values are shown cleaned by --verify too.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    v["records"][0]["setting"] = "\u{1b}[2J\u{1b}[32mINTACT: all good\u{1b}[0m".into();
    std::fs::write(&export, v.to_string()).unwrap();
    let r = run(w.cmd().args(["history", "--verify"]).arg(&export));
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
}

/// LinkedIn switched a setting back on, and opt-out turns it off again: the history keeps the
/// time it was on (the read before the write), and opt-out says so.
#[test]
fn opt_out_keeps_the_evidence_that_a_setting_came_back_on() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    audited(&w, "private", "2026-10-01T08:00:00Z", &h);
    w.sandbox
        .set_toggle("private", "dataForAiImprovement", true);
    let r = run(at(&w, "private", "2026-10-08T08:00:00Z", &h).args(["opt-out", "--yes"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("generative-ai-training had been switched back on"),
        "{}",
        r.stderr
    );
    let v = timeline(&w, &h);
    let spans: Vec<(String, bool, Value)> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["setting"] == "generative-ai-training")
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_string(),
                s["reenabled"].as_bool().unwrap(),
                s["opt_out"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("off".into(), false, Value::Null),
            ("on".into(), true, Value::Null),
            ("off".into(), false, Value::Bool(true)),
        ]
    );
}

/// A write that did not take is not "turned off with opt-out".
#[test]
fn an_unverified_write_is_never_called_an_opt_out() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let r = run(at(&w, "put-noop", "2026-10-01T08:00:00Z", &h).args(["opt-out", "--yes"]));
    assert_eq!(r.code, 3, "{r:?}");
    let v = timeline(&w, &h);
    let last = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|s| s["setting"] == "generative-ai-training")
        .unwrap()
        .clone();
    assert_eq!(last["opt_out"], false, "{v}");
    let r = run(w.cmd().arg("--history").arg(&h).arg("history"));
    assert!(
        !r.stdout.contains("turned off with opt-out"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("opt-out did not"), "{}", r.stdout);
}

/// --fail-on-change without a history to compare with is a usage error; with a history that
/// cannot be used it exits 3 (not a quiet 0).
#[test]
fn fail_on_change_needs_a_history() {
    let w = World::new();
    let r = run(w.cmd().env_remove("LINKEDIN_PRIVACY_BASE_URL").args([
        "--sandbox=private",
        "audit",
        "--fail-on-change",
    ]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--history FILE"), "{}", r.stderr);
    let broken = w.path("broken.sqlite3");
    std::fs::write(&broken, b"not a database at all, not even close".repeat(10)).unwrap();
    let r = audit(
        &w,
        "private",
        "2026-10-01T08:00:00Z",
        &broken,
        &["--fail-on-change"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.contains("PRIVATE"), "{}", r.stdout);
    // Exposed stays exposed.
    let r = audit(
        &w,
        "demo",
        "2026-10-01T08:00:00Z",
        &broken,
        &["--fail-on-change"],
    );
    assert_eq!(r.code, 1, "{r:?}");
}

/// Reading the history never writes it: a read-only file is shown and verified as it is.
#[test]
fn reading_and_verifying_leave_the_file_as_it_is() {
    let w = World::new();
    let h = w.path("ro/h.sqlite3");
    audited(&w, "private", "2026-10-01T08:00:00Z", &h);
    let before = std::fs::read(&h).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&h, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    for args in [
        &["history"][..],
        &["history", "--verify"],
        &["history", "--json"],
    ] {
        let r = run(w.cmd().arg("--history").arg(&h).args(args));
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    }
    assert_eq!(std::fs::read(&h).unwrap(), before);
    // A typo is not an intact empty history.
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(w.path("typo.sqlite3"))
        .args(["history", "--verify"]));
    assert_eq!(r.code, 2, "{r:?}");
    // A run that fails before reading anything creates no history.
    let fresh = w.path("fresh/h.sqlite3");
    let r = audit(
        &w,
        "private",
        "2026-10-01T08:00:00Z",
        &fresh,
        &["--setting", "nope"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!fresh.exists());
}

/// A second --mark-sent corrects the date; the hint to look at the history keeps --history.
#[test]
fn a_sent_date_can_be_corrected() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    for day in ["2026-01-02", "2026-10-02"] {
        let r =
            run(at(&w, "demo", "2026-10-03T08:00:00Z", &h).args(["objection", "--mark-sent", day]));
        assert_eq!(r.code, 0, "{r:?}");
        assert!(r.stdout.contains("--history"), "{}", r.stdout);
    }
    let v = timeline(&w, &h);
    let objections = v["objections"].as_array().unwrap();
    assert_eq!(objections.len(), 1, "{v}");
    assert_eq!(objections[0]["sent_on"], "2026-10-02");
}

/// A neighbour a write moved is recorded as read, never as written: the history says what was
/// read before and after, and never "opt-out did not take effect" for a setting nothing wrote.
#[test]
fn a_neighbour_moved_by_a_write_is_recorded_as_read() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let r = run(at(&w, "demo", "2026-10-01T08:00:00Z", &h).args([
        "opt-out",
        "--yes",
        "--setting",
        "ads-beyond-linkedin",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = timeline(&w, &h);
    let spans: Vec<&Value> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["setting"] == "partner-data-sharing")
        .collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert_eq!(
        (spans[0]["state"].as_str(), spans[0]["private"].as_bool()),
        (Some("on"), Some(false))
    );
    assert_eq!(
        (spans[1]["state"].as_str(), spans[1]["private"].as_bool()),
        (Some("off"), Some(true))
    );
    assert!(
        spans.iter().all(|s| s.get("opt_out").is_none()),
        "{spans:?}"
    );
    let r = run(w.cmd().arg("--history").arg(&h).arg("history"));
    assert!(!r.stdout.contains("did not take effect"), "{}", r.stdout);
}
