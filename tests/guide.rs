//! `objection` as LinkedIn's form works now (the Help Center renders it in the browser, so the
//! page holds no form): the guide through it, the member's grounds, the letter in each language,
//! the values checked, the deadline kept in the history, and the page checked in a real Chromium.

use std::path::Path;
use std::process::Command;

use linkedin_privacy::objection::Lang;
use linkedin_privacy::objection::letters::ARTICLES;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::common::{World, chromium_dom, have, run};

fn steps(v: &Value) -> Vec<String> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_page_without_a_form_gives_the_guide_and_no_warning() {
    let w = World::new();
    let r = w.run(
        "demo",
        &[
            "objection",
            "--email",
            "ada@example.com",
            "--country",
            "IE",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["fetched"], false);
    assert_eq!(v["note"], Value::Null);
    let kinds: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["text", "email", "text", "select", "textarea", "checkbox"]
    );
    let s = steps(&v);
    // Open, sign in, values, the option, paste, tick, send; the toggle is on for demo, so a
    // second submission covers content-creation AI; then record the day.
    assert_eq!(s.len(), 10, "{s:?}");
    assert!(s[0].contains(v["form_url"].as_str().unwrap()) && s[0].contains("objection --open"));
    assert!(s[3].contains("other AI and machine learning"), "{}", s[3]);
    assert!(s[5].contains("tick its checkbox"), "{}", s[5]);
    assert!(s[6].contains("confirmation email"), "{}", s[6]);
    assert!(
        s[7].contains("training content-creation AI models"),
        "{}",
        s[7]
    );
    assert!(s[8].contains("objection --mark-sent"), "{}", s[8]);
    assert!(s[9].contains("objection --confirmed"), "{}", s[9]);

    // With the toggle off and no wish to put it on record, one submission.
    assert_eq!(w.run("demo", &["opt-out", "--yes"]).code, 0);
    let r = w.run(
        "demo",
        &["objection", "--email", "ada@example.com", "--json"],
    );
    assert_eq!(steps(&r.json()).len(), 9);
    // --include-genai picks content-creation AI first, and the rest in a second submission.
    let r = w.run(
        "demo",
        &[
            "objection",
            "--email",
            "ada@example.com",
            "--include-genai",
            "--json",
        ],
    );
    let s = steps(&r.json());
    assert!(
        s[3].contains("content-creation AI") && s[7].contains("other AI"),
        "{s:?}"
    );

    // On a terminal's width: everything wrapped but the letter, which stays one block.
    let r = run(w.as_account("demo").env("COLUMNS", "60").args([
        "objection",
        "--email",
        "ada@example.com",
        "--grounds",
        "I write for a living.",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let (before, letter) = r
        .stdout
        .rsplit_once("\nExplanation (the letter):\n")
        .unwrap();
    assert!(before.contains("Step by step:") && before.contains("Values to paste:"));
    assert!(before.lines().all(|l| l.chars().count() <= 60), "{before}");
    assert!(
        letter.lines().any(|l| l.chars().count() > 150),
        "the letter was wrapped: {letter}"
    );
}

#[test]
fn every_language_names_the_same_articles_and_the_deadline() {
    let w = World::new();
    let mut first_steps = Vec::new();
    for lang in Lang::ALL {
        let r = w.run(
            "demo",
            &[
                "objection",
                "--email",
                "ada@example.com",
                "--lang",
                lang.code(),
                "--json",
            ],
        );
        assert_eq!(r.code, 0, "{lang:?}: {r:?}");
        let v = r.json();
        assert_eq!(v["lang"], lang.code());
        let text = v["text"].as_str().unwrap();
        for (a, p, point) in ARTICLES {
            let cite = lang.cite(a, p, point);
            let cite = cite.trim_end_matches(',');
            assert!(text.contains(cite), "{lang:?}: no {cite:?} in {text}");
        }
        assert!(text.contains(lang.one_month()), "{lang:?}");
        first_steps.push(steps(&v)[0].clone());
    }
    // The guide is in the letter's language too: seven different first steps.
    first_steps.sort();
    first_steps.dedup();
    assert_eq!(first_steps.len(), Lang::ALL.len(), "{first_steps:?}");
}

#[test]
fn the_language_follows_the_country_then_the_locale() {
    let w = World::new();
    let lang = |env: Option<&str>, args: &[&str]| {
        let mut cmd = w.as_account("demo");
        if let Some(l) = env {
            cmd.env("LANG", l);
        }
        cmd.args(["objection", "--email", "ada@example.com", "--json"])
            .args(args);
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{r:?}");
        r.json()["lang"].as_str().unwrap().to_string()
    };
    assert_eq!(lang(None, &[]), "en");
    assert_eq!(lang(None, &["--country", "PL"]), "pl");
    assert_eq!(lang(None, &["--country", "Austria"]), "de");
    assert_eq!(lang(Some("fr_FR.UTF-8"), &[]), "fr");
    // Switzerland has several languages: the locale decides.
    assert_eq!(lang(Some("it_CH.UTF-8"), &["--region", "ch"]), "it");
    assert_eq!(
        lang(Some("fr_FR.UTF-8"), &["--country", "ES", "--lang", "nl"]),
        "nl"
    );
    let r = w.run("demo", &["objection", "--lang", "pt"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("en, de, fr, es, it, nl, pl"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_members_own_grounds_and_the_letter_alone() {
    let w = World::new();
    let r = w.run(
        "demo",
        &[
            "objection",
            "--lang",
            "de",
            "--grounds",
            "Ich bin Journalistin.",
            "--letter-only",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("Betreff: Widerspruch"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("Meine besondere Situation: Ich bin Journalistin.")
    );
    assert!(
        r.stdout
            .trim_end()
            .ends_with("https://www.linkedin.com/in/ada-lovelace")
    );
    assert!(!r.stdout.contains("Schritt"), "{}", r.stdout);
    // The older spelling still works; without grounds the default states a situation.
    let r = w.run("demo", &["objection", "--reason", "Mine.", "--letter-only"]);
    assert!(
        r.stdout.contains("My particular situation: Mine."),
        "{}",
        r.stdout
    );
    let r = w.run("demo", &["objection", "--letter-only"]);
    assert!(
        r.stdout.contains("My particular situation: I use LinkedIn"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_email_that_is_not_an_address_is_refused() {
    let w = World::new();
    for bad in [
        "ada",
        "ada@example",
        "ada@@example.com",
        "a da@example.com",
        "ada@example.com\u{7}",
    ] {
        let r = w.run("demo", &["objection", "--email", bad]);
        assert_eq!(r.code, 2, "{bad:?}: {r:?}");
        assert!(r.stderr.contains("is not an email address"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("hint: give the address of your LinkedIn account"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains('\u{7}'));
    }
    assert!(
        w.calls("demo").is_empty(),
        "a bad address still sent requests"
    );
}

fn at(w: &World, when: &str, history: &Path) -> Command {
    let mut cmd = w.as_account("demo");
    cmd.env("LINKEDIN_PRIVACY_NOW", when)
        .arg("--history")
        .arg(history);
    cmd
}

#[test]
fn the_deadline_is_kept_and_an_overdue_answer_fails_the_check() {
    let w = World::new();
    let h = w.path("history.sqlite3");
    let objections = |when: &str| {
        let r = run(at(&w, when, &h).args(["history", "--json"]));
        assert_eq!(r.code, 0, "{r:?}");
        r.json()["objections"].clone()
    };
    let overdue = |when: &str| run(at(&w, when, &h).args(["history", "--fail-on-overdue"]));

    // Nothing sent yet: --confirmed has nothing to belong to.
    let r = run(at(&w, "2026-10-01T08:00:00Z", &h).args(["objection", "--confirmed"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--mark-sent YYYY-MM-DD"), "{}", r.stderr);

    let r =
        run(at(&w, "2026-10-01T08:00:00Z", &h).args(["objection", "--mark-sent", "2026-09-30"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("by 2026-10-30"), "{}", r.stdout);
    assert!(!r.stdout.contains("replaces"), "{}", r.stdout);
    // Marked again: the earlier day is named as replaced.
    let r = run(at(&w, "2026-10-02T08:00:00Z", &h).args([
        "objection",
        "--mark-sent",
        "2026-10-01",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    // One month is 2026-11-01, a Sunday: the answer is due on the next working day.
    assert_eq!(v["answer_due"], "2026-11-02");
    assert!(
        v["replaces"].as_str().unwrap().contains("2026-09-30"),
        "{v}"
    );
    assert_eq!(
        objections("2026-10-20T08:00:00Z")[0]["answer_due"],
        "2026-11-02"
    );

    assert_eq!(overdue("2026-10-20T08:00:00Z").code, 0);
    let r = overdue("2026-11-05T08:00:00Z");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("OVERDUE") && r.stderr.contains("2026-11-02"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("overdue by 3 day(s)"), "{}", r.stdout);
    // Neither --since nor --profile hides it from the check; no history at all is an error.
    let r = run(at(&w, "2026-11-05T08:00:00Z", &h).args([
        "history",
        "--since",
        "2026-10-20",
        "--fail-on-overdue",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(at(&w, "2026-11-05T08:00:00Z", &w.path("missing.sqlite3"))
        .args(["history", "--fail-on-overdue"]));
    assert_eq!(r.code, 2, "{r:?}");

    // LinkedIn announced an extension: three months from the day sent.
    let r = run(at(&w, "2026-10-25T08:00:00Z", &h).args(["objection", "--extended"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("due by 2027-01-01"), "{}", r.stdout);
    assert!(!r.stderr.contains("within one month"), "{}", r.stderr);
    assert_eq!(overdue("2026-11-05T08:00:00Z").code, 0);
    assert_eq!(objections("2026-11-05T08:00:00Z")[0]["extended"], true);
    assert_eq!(overdue("2027-01-05T08:00:00Z").code, 1);

    // The answer arrived: never overdue again, and the history says when.
    let r =
        run(at(&w, "2026-12-01T08:00:00Z", &h).args(["objection", "--confirmed", "2026-11-30"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(overdue("2027-02-01T08:00:00Z").code, 0);
    let o = &objections("2027-02-01T08:00:00Z")[0];
    assert_eq!(o["confirmed_on"], "2026-11-30");
    assert_eq!(o["overdue"], false);
    let r = run(at(&w, "2027-02-01T08:00:00Z", &h).args(["history"]));
    assert!(
        r.stdout.contains("LinkedIn answered on 2026-11-30"),
        "{}",
        r.stdout
    );
    // A second answer replaces the first, and says so; one before the day sent is refused.
    let r =
        run(at(&w, "2026-12-02T08:00:00Z", &h).args(["objection", "--confirmed", "2026-12-01"]));
    assert!(
        r.stdout
            .contains("This replaces the answer recorded before, on 2026-11-30"),
        "{}",
        r.stdout
    );
    let r =
        run(at(&w, "2026-12-02T08:00:00Z", &h).args(["objection", "--confirmed", "2026-09-01"]));
    assert_eq!(r.code, 2, "{r:?}");

    // Sent again after the answer: another objection, not a correction of the answered one.
    let r = run(at(&w, "2027-03-01T08:00:00Z", &h).args([
        "objection",
        "--mark-sent",
        "2027-03-01",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["replaces"], Value::Null);
    let all = objections("2027-05-01T08:00:00Z");
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all[1]["confirmed_on"], Value::Null);
    assert_eq!(all[1]["overdue"], true);
}

#[test]
fn two_submissions_are_answered_in_turn_and_a_late_extension_changes_nothing() {
    let w = World::new();
    let h = w.path("history.sqlite3");
    let mark = |when: &str, args: &[&str]| {
        let r = run(at(&w, when, &h).arg("objection").args(args));
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    };
    let overdue = |when: &str| run(at(&w, when, &h).args(["history", "--fail-on-overdue"])).code;
    // Two objections: each drafted (`objection`), then sent.
    mark("2026-10-01T08:00:00Z", &["--email", "ada@example.com"]);
    mark("2026-10-01T09:00:00Z", &["--mark-sent", "2026-10-01"]);
    mark(
        "2026-10-02T08:00:00Z",
        &["--email", "ada@example.com", "--include-genai"],
    );
    mark("2026-10-02T09:00:00Z", &["--mark-sent", "2026-10-02"]);
    assert_eq!(overdue("2026-11-05T08:00:00Z"), 1);
    // The first answer belongs to the oldest one open, the second to the next.
    mark("2026-11-05T09:00:00Z", &["--confirmed", "2026-11-04"]);
    assert_eq!(overdue("2026-11-06T08:00:00Z"), 1);
    mark("2026-11-06T09:00:00Z", &["--confirmed", "2026-11-06"]);
    assert_eq!(overdue("2026-11-07T08:00:00Z"), 0);

    // An extension announced after the first month does not move the due day.
    let w = World::new();
    let h = w.path("history.sqlite3");
    let r =
        run(at(&w, "2026-10-01T08:00:00Z", &h).args(["objection", "--mark-sent", "2026-10-01"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(at(&w, "2026-12-20T08:00:00Z", &h).args(["objection", "--extended", "2026-12-18"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("within one month"), "{}", r.stderr);
    let r = run(at(&w, "2026-12-20T08:00:00Z", &h).args(["history", "--fail-on-overdue"]));
    assert_eq!(r.code, 1, "{r:?}");
    // One announced in time does.
    let r = run(at(&w, "2026-12-20T08:00:00Z", &h).args(["objection", "--extended", "2026-10-20"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(at(&w, "2026-12-20T08:00:00Z", &h).args(["history", "--fail-on-overdue"]));
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn the_page_renders_in_chromium_and_every_copy_button_copies_its_field() {
    if !have("chromium", "guide::the_page_renders_in_chromium") {
        return;
    }
    let w = World::new();
    let page = w.path("objection.html");
    let r = w.run(
        "demo",
        &[
            "objection",
            "--email",
            "ada@example.com",
            "--lang",
            "de",
            "--country",
            "DE",
            "--grounds",
            "Meine \"Quellen\" & <Kontakte>.",
            "--html",
            page.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let url = format!("file://{}#selftest", page.display());
    let dom = chromium_dom(&w, &url);
    let doc = Html::parse_document(&dom);
    let sel = |css: &str| Selector::parse(css).unwrap();
    assert_eq!(doc.select(&sel("html[lang=de]")).count(), 1, "{dom}");
    // The walk is on the page, numbered, with the command that records the day sent.
    let items: Vec<String> = doc
        .select(&sel("ol li"))
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(items, steps(&v));
    assert!(items.iter().any(|i| i.contains("objection --mark-sent")));
    // The option to pick is shown whole, as what to pick; the confirmation is a checkbox.
    let pick: String = doc
        .select(&sel(".pick"))
        .next()
        .expect("a pick")
        .text()
        .collect();
    assert!(
        pick.contains(
            "die Option zu anderer KI und maschinellem Lernen (Personalisierung, Moderation)"
        ),
        "{pick}"
    );
    assert_eq!(
        doc.select(&sel("input[type=checkbox][disabled]")).count(),
        1
    );
    assert!(dom.contains("nachdem Sie den Text gelesen haben"));
    // Every copy button was pressed by the page's self-test: each took its own field's value.
    let buttons: Vec<_> = doc.select(&sel("button[data-copy]")).collect();
    assert_eq!(
        buttons.len(),
        4,
        "name, email, country and the letter: {dom}"
    );
    for b in buttons {
        let id = b.value().attr("data-copy").unwrap();
        let target = doc.select(&sel(&format!("#{id}"))).next().unwrap();
        let value = if target.value().name() == "textarea" {
            target.text().collect::<String>()
        } else {
            target.value().attr("value").unwrap_or_default().to_string()
        };
        assert!(!value.is_empty(), "{id}");
        assert_eq!(
            b.value().attr("data-copied"),
            Some(value.as_str()),
            "button for {id}"
        );
        assert!(
            matches!(b.value().attr("data-result"), Some("copied" | "failed")),
            "the copy never finished for {id}"
        );
    }
    let letter = v["text"].as_str().unwrap();
    assert!(
        dom.contains("Meine &quot;Quellen&quot; &amp; &lt;Kontakte&gt;.")
            || dom.contains("Meine \"Quellen\" &amp; &lt;Kontakte&gt;.")
    );
    assert!(letter.contains("Meine \"Quellen\" & <Kontakte>."));
}
