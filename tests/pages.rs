//! `audit --html` and `history --html`: one file each, 0600, opened in a real headless Chromium:
//! the page renders, its numbers are the JSON's, and a hostile string stays text.

use std::path::Path;
use std::process::Command;

use crate::common::{World, chromium_dom, have, run};
use scraper::{Html, Selector};

fn dom(w: &World, page: &Path) -> Html {
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(page).unwrap().permissions().mode() & 0o777,
        0o600
    );
    Html::parse_document(&chromium_dom(w, &format!("file://{}", page.display())))
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

#[test]
fn the_audit_page_shows_each_setting_with_what_it_means_and_how_to_fix_it() {
    if !have("chromium", "pages::the_audit_page") {
        return;
    }
    let w = World::new();
    let page = w.path("audit.html");
    let r = w.run(
        "promotions-split",
        &["audit", "--html", page.to_str().unwrap(), "--json"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let doc = dom(&w, &page);
    let verdict = doc.select(&sel("#verdict")).next().expect("the verdict");
    assert_eq!(verdict.value().attr("data-verdict"), v["verdict"].as_str());
    let exposed = v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["private"] == false)
        .count();
    assert_eq!(
        verdict.value().attr("data-exposed"),
        Some(exposed.to_string().as_str())
    );
    let rows: Vec<_> = doc.select(&sel("tr.setting")).collect();
    assert_eq!(rows.len(), v["settings"].as_array().unwrap().len());
    for s in v["settings"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let row = rows
            .iter()
            .find(|r| r.value().attr("data-id") == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let text: String = row.text().collect();
        assert!(text.contains(s["title"].as_str().unwrap()), "{text}");
        // An exposed setting says how to turn it off, with the command for this very account.
        assert_eq!(
            text.contains(&format!("opt-out --setting {id}")),
            s["private"] == false,
            "{id}: {text}"
        );
    }
    // Grouped: the three groups' headings, in the catalog's order.
    let headings: Vec<String> = doc.select(&sel("h2")).map(|h| h.text().collect()).collect();
    assert_eq!(headings.len(), 3, "{headings:?}");
}

#[test]
fn the_history_page_draws_each_timeline_and_marks_a_setting_switched_back_on() {
    if !have("chromium", "pages::the_history_page") {
        return;
    }
    let w = World::new();
    let h = w.path("history.sqlite3");
    let at = |when: &str| {
        let mut cmd: Command = w.as_account("private");
        cmd.env("LINKEDIN_PRIVACY_NOW", when)
            .arg("--history")
            .arg(&h);
        cmd
    };
    let r = run(at("2026-10-01T08:00:00Z").args(["audit", "--group", "ai"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        w.sandbox
            .set_toggle("private", "dataForAiImprovement", true)
    );
    let r = run(at("2026-10-08T08:00:00Z").args(["audit", "--group", "ai"]));
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(at("2026-10-09T08:00:00Z").args(["objection", "--mark-sent", "2026-10-09"]));
    assert_eq!(r.code, 0, "{r:?}");
    let page = w.path("history.html");
    let r = run(at("2026-11-20T08:00:00Z").args([
        "history",
        "--json",
        "--html",
        page.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let doc = dom(&w, &page);
    let rows: Vec<_> = doc.select(&sel("tr.setting")).collect();
    assert_eq!(rows.len(), 2, "two settings of one member");
    let ai = rows
        .iter()
        .find(|r| r.value().attr("data-id") == Some("generative-ai-training"))
        .unwrap();
    // One band per span, in the spans' states, and the return to "on" marked.
    let states: Vec<&str> = ai
        .select(&sel("rect"))
        .filter_map(|r| r.value().attr("data-state"))
        .collect();
    let spans: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["setting"] == "generative-ai-training")
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, spans);
    assert_eq!(states, ["off", "on"]);
    assert_eq!(ai.select(&sel(".reenabled")).count(), 1);
    let objection = doc
        .select(&sel("tr.objection"))
        .next()
        .expect("the objection");
    let text: String = objection.text().collect();
    assert!(
        text.contains(v["objections"][0]["answer_due"].as_str().unwrap()),
        "{text}"
    );
    assert_eq!(objection.value().attr("data-overdue"), Some("true"));
}
