//! The whole catalog against a hostile server: what a review of reading many settings, writing
//! them with their neighbours, and the new replies (discovery, settings pages) found. Each test
//! through the binary, never a false PRIVATE, never a write on an uncertain read, never the
//! session in the output.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::hostile::{Hostile, Reply, card, me, toggle};
use crate::common::{Run, World, run};
use serde_json::Value;

const CANARY: &str = "LIATCANARYsurface4b7a";
const JSESSIONID: &str = "ajax:4040404040404040404";

fn card_path(card: &str) -> String {
    format!("/mysettings-api/settingsApiSettingCards/{card}")
}

fn at(h: &Hostile, w: &World) -> Command {
    let mut cmd = w.cmd();
    cmd.env("LINKEDIN_PRIVACY_BASE_URL", &h.base_url)
        .env("LINKEDIN_LI_AT", CANARY)
        .env("LINKEDIN_JSESSIONID", JSESSIONID);
    cmd
}

#[track_caller]
fn assert_no_session(r: &Run) {
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains(CANARY), "the token came back out:\n{text}");
        assert!(
            !text.contains("4040404040404040404"),
            "the JSESSIONID came back out:\n{text}"
        );
    }
    assert_ne!(r.code, 101, "panicked: {}", r.stderr);
}

fn row<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {v}"))
}

fn puts(h: &Hostile) -> Vec<String> {
    h.calls()
        .into_iter()
        .filter(|c| c.starts_with("PUT"))
        .collect()
}

fn on(key: &str) -> String {
    card(&[toggle(key, "true", "true", "false")])
}

fn off(key: &str) -> String {
    card(&[toggle(key, "false", "true", "false")])
}

/// "Ads beyond LinkedIn" and partner data sharing, both on; after the first write the partner
/// card reads as `partner_after` says.
fn coupled(partner_after: &'static str) -> (Hostile, Arc<AtomicBool>) {
    let written = Arc::new(AtomicBool::new(false));
    let flag = written.clone();
    let h = Hostile::start(move |hit, _| {
        let wrote = flag.load(Ordering::SeqCst);
        match (hit.method.as_str(), hit.path.as_str()) {
            ("PUT", p) if p.ends_with("/allowLinkedInAudienceNetwork") => {
                flag.store(true, Ordering::SeqCst);
                Reply::json(200, "{}")
            }
            ("PUT", _) => Reply::json(200, "{}"),
            (_, p) if p == card_path("adsBeyondLinkedin") && wrote => {
                Reply::json(200, &off("allowLinkedInAudienceNetwork"))
            }
            (_, p) if p == card_path("adsBeyondLinkedin") => {
                Reply::json(200, &on("allowLinkedInAudienceNetwork"))
            }
            (_, p) if p == card_path("shareDataWithSelectPartners") && wrote => {
                Reply::json(200, partner_after)
            }
            (_, p) if p == card_path("shareDataWithSelectPartners") => {
                Reply::json(200, &on("shareDataWithTrustedPartners"))
            }
            _ => Reply::json(404, r#"{"status":404}"#),
        }
    });
    (h, written)
}

#[test]
fn a_setting_an_earlier_write_left_unknown_is_never_written() {
    let w = World::new();
    let odd = r#"{"settings":[{"key":"shareDataWithTrustedPartners","entityUrn":"urn:li:settingEntity:MOVED","settingDisplayType":"TOGGLE","value":"SOMETHING_ELSE","onValue":"true","offValue":"false"}]}"#;
    let (h, _) = coupled(odd);
    let r = run(at(&h, &w).args([
        "opt-out",
        "--yes",
        "--json",
        "--setting",
        "ads-beyond-linkedin",
        "--setting",
        "partner-data-sharing",
    ]));
    assert_no_session(&r);
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(
        puts(&h),
        ["PUT /mysettings-api/settingsApiSettings/allowLinkedInAudienceNetwork"]
    );
    let v = r.json();
    let partner = row(&v, "partner-data-sharing");
    assert_eq!(partner["state"], "unknown");
    assert_eq!(partner["reason_code"], "not_written", "{partner}");
    assert!(
        partner["reason"]
            .as_str()
            .unwrap()
            .contains("after an earlier write it reads unknown"),
        "{partner}"
    );
    assert_eq!(v["verdict"], "incomplete");
}

#[test]
fn a_refused_neighbour_a_write_moved_shows_what_it_reads_now() {
    let w = World::new();
    let written = Arc::new(AtomicBool::new(false));
    let flag = written.clone();
    let h = Hostile::start(move |hit, _| {
        let wrote = flag.load(Ordering::SeqCst);
        match (hit.method.as_str(), hit.path.as_str()) {
            ("PUT", _) => {
                flag.store(true, Ordering::SeqCst);
                Reply::json(200, "{}")
            }
            (_, p) if p == card_path("adsBeyondLinkedin") && wrote => {
                Reply::json(200, &off("allowLinkedInAudienceNetwork"))
            }
            (_, p) if p == card_path("adsBeyondLinkedin") => {
                Reply::json(200, &on("allowLinkedInAudienceNetwork"))
            }
            (_, p) if p == card_path("shareDataWithSelectPartners") && wrote => {
                Reply::json(200, &on("shareDataWithTrustedPartners"))
            }
            (_, p) if p == card_path("shareDataWithSelectPartners") => {
                Reply::json(200, r#"{"settings":"garbage"}"#)
            }
            _ => Reply::json(404, r#"{"status":404}"#),
        }
    });
    let r = run(at(&h, &w).args([
        "opt-out",
        "--yes",
        "--json",
        "--setting",
        "ads-beyond-linkedin",
        "--setting",
        "partner-data-sharing",
    ]));
    assert_no_session(&r);
    let v = r.json();
    let partner = row(&v, "partner-data-sharing");
    assert_eq!(
        partner["state"], "on",
        "the fresh read, not the old unknown: {partner}"
    );
    assert_eq!(partner["private"], false);
    assert_eq!(v["verdict"], "exposed");
    assert_eq!(r.code, 3, "a setting was refused: {r:?}");
}

#[test]
fn a_write_that_moves_a_setting_on_the_same_card_is_reported() {
    let w = World::new();
    let written = Arc::new(AtomicBool::new(false));
    let flag = written.clone();
    let h = Hostile::start(move |hit, _| {
        let wrote = flag.load(Ordering::SeqCst);
        match (hit.method.as_str(), hit.path.as_str()) {
            ("PUT", _) => {
                flag.store(true, Ordering::SeqCst);
                Reply::json(200, "{}")
            }
            (_, p) if p == card_path("linkedinPromotions") => {
                let (promo, tips) = if wrote {
                    ("false", "true")
                } else {
                    ("true", "false")
                };
                Reply::json(
                    200,
                    &card(&[
                        toggle(
                            "allowProfileAndActivityDataForMarketingAds",
                            promo,
                            "true",
                            "false",
                        ),
                        toggle("tipsForUsingLinkedinViaEmail", tips, "true", "false"),
                    ]),
                )
            }
            _ => Reply::json(404, r#"{"status":404}"#),
        }
    });
    let r = run(at(&h, &w).args([
        "opt-out",
        "--yes",
        "--json",
        "--setting",
        "linkedin-promotions",
    ]));
    assert_no_session(&r);
    assert_eq!(r.code, 1, "the write turned the other switch on: {r:?}");
    let v = r.json();
    let moved: Vec<&Value> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "marketing-emails")
        .collect();
    assert_eq!(moved.len(), 1, "{v}");
    assert_eq!(moved[0]["before"], "off");
    assert_eq!(moved[0]["after"], "on");
    assert_eq!(moved[0]["moved_by"], "linkedin-promotions");
    assert_eq!(row(&v, "marketing-emails")["state"], "on");
    // One request for the card before, one after: the sibling costs nothing more.
    assert_eq!(
        h.calls()
            .iter()
            .filter(|c| c.ends_with("/linkedinPromotions"))
            .count(),
        2
    );
}

#[test]
fn the_only_setting_of_a_card_is_never_another_entrys_setting() {
    let w = World::new();
    let h = Hostile::start(|hit, _| match hit.path.as_str() {
        p if p == card_path("dataExportByPageAdmins") => Reply::json(
            200,
            &card(&[toggle(
                "discloseAsProfileViewer",
                r#""HIDE""#,
                r#""HIDE""#,
                r#""DISCLOSE_FULL""#,
            )]),
        ),
        _ => Reply::json(404, r#"{"status":404}"#),
    });
    let r = run(at(&h, &w).args([
        "opt-out",
        "--yes",
        "--json",
        "--setting",
        "page-data-export",
    ]));
    assert_no_session(&r);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(puts(&h).is_empty(), "{:?}", h.calls());
    let v = r.json();
    assert_eq!(row(&v, "page-data-export")["reason_code"], "foreign_key");
}

#[test]
fn values_and_urns_that_are_not_plain_are_never_written() {
    let w = World::new();
    for setting in [
        r#"{"key":"allowDataForGenerativeAI","entityUrn":"urn:li:settingEntity:1","settingDisplayType":"TOGGLE","value":"on","onValue":"on","offValue":"\u001b]0;pwned\u0007OFF"}"#,
        r#"{"key":"allowDataForGenerativeAI","entityUrn":"urn:li:settingEntity:1","settingDisplayType":"TOGGLE","value":"on","onValue":"on","offValue":{"nested":1}}"#,
        r#"{"key":"allowDataForGenerativeAI","entityUrn":"urn:li:settingEntity:1\u200b","settingDisplayType":"TOGGLE","value":"on","onValue":"on","offValue":"off"}"#,
        r#"{"key":"allowDataForGenerativeAI","entityUrn":"urn:li:settingEntity:1","settingDisplayType":"TOGGLE","value":"on","onValue":"on","offValue":"off","hasChild":true}"#,
    ] {
        let body = card(&[setting.to_string()]);
        let h = Hostile::start(move |hit, _| match hit.path.as_str() {
            p if p == card_path("dataForAiImprovement") => Reply::json(200, &body),
            _ => Reply::json(404, r#"{"status":404}"#),
        });
        for args in [
            &["opt-out", "--dry-run", "--json"][..],
            &["opt-out", "--yes", "--json"],
        ] {
            let r = run(at(&h, &w).args(args));
            assert_no_session(&r);
            assert_eq!(r.code, 3, "{setting}: {r:?}");
            let v = r.json();
            assert_eq!(
                row(&v, "generative-ai-training")["reason_code"],
                "not_written",
                "{v}"
            );
            assert!(v["planned"].as_array().is_none_or(|p| p.is_empty()), "{v}");
        }
        assert!(puts(&h).is_empty(), "{setting}: {:?}", h.calls());
    }
}

#[test]
fn a_server_echoing_the_session_never_shows_it() {
    let w = World::new();
    let h = Hostile::start(|hit, _| {
        let cookie = hit.cookie.clone().unwrap_or_default();
        let echo = cookie.replace('"', "");
        match hit.path.as_str() {
            "/voyager/api/me" => Reply::json(200, &me(&echo)),
            p if p.contains("settingsApiSneakPeeks") => Reply::json(
                200,
                &format!(
                    r#"{{"elements":[{{"settingCardKey":"newCard","displayText":"{echo}"}}]}}"#
                ),
            ),
            p if p == card_path("dataForAiImprovement") => Reply::json(
                200,
                &card(&[format!(
                    r#"{{"key":"allowDataForGenerativeAI","entityUrn":"urn:li:settingEntity:1","settingDisplayType":"TOGGLE{echo}","value":"true","onValue":"true","offValue":"false"}}"#
                )]),
            ),
            p if p == card_path("policyAndAcademicResearch") => {
                Reply::raw(302, "text/html", Vec::new()).header("Location", &format!("/{CANARY}/x"))
            }
            _ => Reply::json(404, r#"{"status":404}"#),
        }
    });
    let history = w.path("h.sqlite3");
    for args in [
        &["audit", "--discover"][..],
        &["audit", "--discover", "--json"],
        &["audit", "--setting", "research-data", "--json"],
    ] {
        let r = run(at(&h, &w).arg("--history").arg(&history).args(args));
        assert_no_session(&r);
    }
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&history)
        .args(["history", "--json"]));
    assert_no_session(&r);
    let export = w.path("export.json");
    let r = run(w
        .cmd()
        .arg("--history")
        .arg(&history)
        .args(["history", "--export"])
        .arg(&export));
    assert_eq!(r.code, 0, "{r:?}");
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(!text.contains(CANARY) && !text.contains("4040404040404040404"));
}

#[test]
fn discovery_that_cannot_be_read_says_so_and_a_long_list_is_cut() {
    let w = World::new();
    let h = Hostile::start(|hit, _| match hit.path.as_str() {
        p if p.contains("settingsApiSneakPeeks") => Reply::json(500, r#"{"status":500}"#),
        _ => Reply::json(404, r#"{"status":404}"#),
    });
    let r = run(at(&h, &w).args(["--retries", "0", "audit", "--discover", "--group", "ai"]));
    assert_no_session(&r);
    assert!(
        r.stdout.contains("Discovery: no list could be read"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("name no setting"), "{}", r.stdout);
    let many: String = (0..20_000)
        .map(|i| {
            format!(
                r#"{{"settingCardKey":"card{i}","displayText":"{}"}}"#,
                "長".repeat(100)
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let body = format!(r#"{{"elements":[{many}]}}"#);
    let h = Hostile::start(move |hit, _| match hit.path.as_str() {
        p if p.contains("settingsApiSneakPeeks") => Reply::json(200, &body),
        _ => Reply::json(404, r#"{"status":404}"#),
    });
    let r = run(at(&h, &w)
        .env("COLUMNS", "80")
        .args(["audit", "--discover", "--group", "ai"]));
    assert_no_session(&r);
    assert!(
        r.stdout.contains("and 480 more"),
        "{}",
        &r.stdout[..r.stdout.len().min(3000)]
    );
    assert!(
        r.stdout.contains("names more than 500 cards"),
        "{}",
        r.stdout
    );
    for line in r.stdout.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "a line wider than 80 columns: {line}"
        );
    }
}

#[test]
fn selected_flags_that_are_not_booleans_prove_nothing() {
    let w = World::new();
    for labels in [
        r#"[{"value":"DISCLOSE_FULL","selected":"true"},{"value":"HIDE","selected":true}]"#,
        r#"[{"value":"HIDE","selected":"false"}]"#,
        r#"[{"settingDisplayValue":"Your name and headline","selected":true},{"value":"HIDE","selected":true}]"#,
        r#"["HIDE"]"#,
        r#"{"HIDE":true}"#,
    ] {
        let body = format!(
            r#"{{"settings":[{{"key":"discloseAsProfileViewer","entityUrn":"urn:li:settingEntity:300101","settingDisplayType":"RADIO","value":"HIDE","settingDisplayValues":{labels}}}]}}"#
        );
        let h = Hostile::start(move |hit, _| match hit.path.as_str() {
            p if p == card_path("profileViewingOptions") => Reply::json(200, &body),
            _ => Reply::json(404, r#"{"status":404}"#),
        });
        let r = run(at(&h, &w).args(["audit", "--setting", "profile-viewing", "--json"]));
        assert_no_session(&r);
        assert_eq!(r.code, 3, "{labels}: {r:?}");
        let v = r.json();
        assert_eq!(row(&v, "profile-viewing")["state"], "unknown", "{labels}");
        assert_eq!(v["verdict"], "incomplete");
    }
}

#[test]
fn an_unproven_write_is_not_called_a_failure_and_a_choice_speaks_in_labels() {
    let w = World::new();
    let r = w.run("reread-throttled", &["--retries", "0", "opt-out", "--yes"]);
    assert_eq!(r.code, 5, "{r:?}");
    assert!(r.stdout.contains("not proven"), "{}", r.stdout);
    assert!(!r.stdout.contains("NOT private"), "{}", r.stdout);
    // A many-valued setting that was private and is not any more: its labels, not its values.
    let h = w.path("h.sqlite3");
    let audit = |w: &World, when: &str| {
        run(w
            .as_account("private")
            .env("LINKEDIN_PRIVACY_NOW", when)
            .arg("--history")
            .arg(&h)
            .args(["audit", "--group", "visibility"]))
    };
    assert_eq!(audit(&w, "2026-10-01T08:00:00Z").code, 0);
    // Someone sets profile viewing back to showing the name, as LinkedIn's page would.
    assert!(w.sandbox.set_card(
        "private",
        "profileViewingOptions",
        &linkedin_privacy::sandbox::CardSpec::Value("DISCLOSE_FULL".into())
    ));
    let r = audit(&w, "2026-10-08T08:00:00Z");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("NO LONGER PRIVATE:"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("was \"Private mode\" on 2026-10-01, now \"Your name and headline\""),
        "{}",
        r.stdout
    );
}
