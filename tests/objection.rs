//! `objection` through the binary against the sandbox: both form versions, the fallback when the
//! form cannot be fetched, the `--html` page, `--open`, and that nothing is ever submitted.

use crate::common::{CARD_AI, World, run};
use scraper::{Html, Selector};
use serde_json::{Value, json};

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {v}"))
}

fn never_submitted(w: &World) {
    assert!(
        w.requests().iter().all(|r| r.method == "GET"),
        "something was sent: {:?}",
        w.requests()
    );
}

#[test]
fn the_main_form_is_filled_from_profile_flags_and_template() {
    let w = World::new();
    let r = w.run(
        "form-page",
        &[
            "objection",
            "--email",
            "ada@example.com",
            "--country",
            "ie",
            "--grounds",
            "I never agreed.",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // A form in the page is the unusual case; it is mapped without a warning too.
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["fetched"], true);
    assert_eq!(v["lang"], "en");
    assert_eq!(v["note"], Value::Null);
    assert!(
        v["form_url"]
            .as_str()
            .unwrap()
            .ends_with("/help/linkedin/ask/TS-DPRO")
    );
    assert_eq!(field(&v, "fullName")["value"], "Ada Lovelace");
    assert_eq!(field(&v, "fullName")["source"], "profile");
    assert_eq!(field(&v, "emailAddress")["value"], "ada@example.com");
    assert_eq!(field(&v, "emailAddress")["source"], "user");
    assert_eq!(field(&v, "objectionType")["value"], "AI_ML_PERSONALIZATION");
    assert_eq!(
        field(&v, "objectionType")["label"],
        "What would you like to object to?"
    );
    // Hidden inputs (the page's anti-forgery value, its form id) are never output.
    for hidden in ["formId", "csrfToken"] {
        assert!(
            v["fields"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["name"] != hidden),
            "{hidden} was printed"
        );
    }
    assert!(!r.stdout.contains("sandbox-form-csrf"));
    assert_eq!(field(&v, "country")["value"], "IE");
    assert_eq!(field(&v, "country")["source"], "user");
    let text = field(&v, "objectionDetails")["value"].as_str().unwrap();
    assert_eq!(text, v["text"].as_str().unwrap());
    assert!(text.contains("Article 21(1) of the General Data Protection Regulation (GDPR)"));
    assert!(text.contains("My particular situation: I never agreed."));
    // The toggle is on for demo, and the text says so rather than claiming otherwise.
    assert_eq!(v["generative_ai_training"], "on");
    assert!(text.contains("is still on in my account"));
    assert!(!text.contains("already turned off"));
    // The confirmation is ticked by the member after reading it: a step, not a gap.
    assert_eq!(v["unfilled"], serde_json::json!([]));
    let steps = v["steps"].as_array().unwrap();
    assert!(
        steps[3]
            .as_str()
            .unwrap()
            .contains("\"Use of my data for AI and machine learning (personalization, recommendations, moderation)\""),
        "{steps:?}"
    );
    // The name came from /me (the session was from the environment), the state from one card read.
    assert_eq!(
        w.calls("form-page"),
        vec![
            "GET /voyager/api/me",
            CARD_AI,
            "GET /help/linkedin/ask/TS-DPRO"
        ]
    );
    never_submitted(&w);
}

#[test]
fn after_opt_out_the_text_says_the_toggle_is_off() {
    let w = World::new();
    assert_eq!(w.run("form-page", &["opt-out", "--yes"]).code, 0);
    let r = w.run("form-page", &["objection", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["generative_ai_training"], "off");
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .contains("I have already turned off the setting")
    );
    // Without --email, the address the page shows for the account is taken.
    assert_eq!(field(&v, "emailAddress")["value"], "ada@example.com");
    assert_eq!(field(&v, "emailAddress")["source"], "page");
}

#[test]
fn the_reordered_form_with_other_names() {
    let w = World::new();
    let r = w.run(
        "form-v2",
        &[
            "objection",
            "--email",
            "grace@example.com",
            "--region",
            "uk",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["fetched"], true);
    assert_eq!(field(&v, "request_category")["value"], "ml");
    assert_eq!(field(&v, "request_category")["label"], "Type of request");
    assert_eq!(field(&v, "requester_name")["value"], "Grace Hopper");
    assert_eq!(field(&v, "contact_email")["value"], "grace@example.com");
    assert_eq!(
        field(&v, "profile_url")["value"],
        "https://www.linkedin.com/in/grace-hopper"
    );
    assert_eq!(field(&v, "phone")["source"], "not_filled");
    let text = field(&v, "additional_information")["value"]
        .as_str()
        .unwrap();
    assert!(text.contains("UK GDPR"));
    assert!(text.contains("already turned off"));
    never_submitted(&w);
}

#[test]
fn an_unreachable_form_falls_back_to_the_reported_fields() {
    let w = World::new();
    for account in ["form-gone", "expired"] {
        let r = w.run(
            account,
            &["objection", "--email", "ada@example.com", "--json"],
        );
        assert_eq!(r.code, 0, "{account}: {r:?}");
        let v = r.json();
        assert_eq!(v["fetched"], false, "{account}");
        assert!(
            v["note"].as_str().unwrap().contains("could not be fetched"),
            "{v}"
        );
        let names: Vec<&str> = v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "name",
                "email",
                "country",
                "objection_type",
                "explanation",
                "confirm"
            ]
        );
        assert!(
            v["text"]
                .as_str()
                .unwrap()
                .contains("I object to the processing of my personal data")
        );
        assert!(
            r.stderr
                .contains("warning: the form's page could not be fetched"),
            "{}",
            r.stderr
        );
    }
    // Not signed in at all: the page is fetched as a visitor, without the profile; the
    // Help Center's page holds no form, which is the normal case and no warning.
    let r = run(w
        .cmd()
        .args(["objection", "--email", "ada@example.com", "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["fetched"], false);
    assert_eq!(v["note"], Value::Null);
    assert_eq!(field(&v, "name")["source"], "not_filled");
    assert!(!r.stderr.contains("form"), "{}", r.stderr);
    assert!(r.stderr.contains("without your profile"), "{}", r.stderr);
    never_submitted(&w);
}

#[test]
fn the_html_page_holds_every_value_with_a_copy_button() {
    let w = World::new();
    let page = w.path("objection.html");
    let r = w.run(
        "form-page",
        &[
            "objection",
            "--email",
            "ada@example.com",
            "--region",
            "ch",
            "--grounds",
            "<b>bold</b> & \"quoted\"",
            "--html",
            page.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["html_file"], page.to_str().unwrap());
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    let link = doc
        .select(&Selector::parse("a[href]").unwrap())
        .next()
        .unwrap();
    assert_eq!(link.value().attr("href"), v["form_url"].as_str());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&page).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    for f in v["fields"].as_array().unwrap() {
        if f["kind"] == "hidden" || f["kind"] == "checkbox" || f["kind"] == "select" {
            continue;
        }
        let label = f["label"].as_str().unwrap();
        let label_el = doc
            .select(&Selector::parse("label").unwrap())
            .find(|l| l.text().collect::<String>() == label)
            .unwrap_or_else(|| panic!("no label {label:?} in the page"));
        let id = label_el.value().attr("for").unwrap();
        let control = doc
            .select(&Selector::parse(&format!("#{id}")).unwrap())
            .next()
            .unwrap();
        let shown = if control.value().name() == "textarea" {
            control.text().collect::<String>()
        } else {
            control
                .value()
                .attr("value")
                .unwrap_or_default()
                .to_string()
        };
        let expected = f["value"].as_str().unwrap_or_default();
        assert_eq!(shown, expected, "field {label}");
        let button = doc
            .select(&Selector::parse(&format!("button[data-copy=\"{id}\"]")).unwrap())
            .next();
        assert_eq!(
            button.is_some(),
            f["value"].is_string(),
            "copy button for {label}"
        );
    }
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .contains("Swiss Federal Act on Data Protection")
    );
}

#[test]
fn type_picks_an_option_and_a_bad_type_lists_them() {
    let w = World::new();
    let r = w.run("form-page", &["objection", "--type", "other", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(field(&v, "objectionType")["value"], "OTHER");
    assert_eq!(field(&v, "objectionType")["source"], "user");
    let r = w.run("form-page", &["objection", "--type", "astrology"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("\"Direct marketing\""), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn open_hands_the_form_url_to_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let record = w.path("opened.txt");
    let browser = w.path("fake-browser");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = crate::common::run(w.as_account("form-page").env("BROWSER", &browser).args([
        "objection",
        "--open",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let opened = std::fs::read_to_string(&record).unwrap();
    assert_eq!(opened.trim(), r.json()["form_url"].as_str().unwrap());
    // With --html, the pre-filled page is what opens.
    let page = w.path("objection.html");
    let r = crate::common::run(w.as_account("form-page").env("BROWSER", &browser).args([
        "objection",
        "--open",
        "--html",
        page.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let opened = std::fs::read_to_string(&record).unwrap();
    assert_eq!(
        opened.trim(),
        format!("file://{}", std::fs::canonicalize(&page).unwrap().display())
    );
    never_submitted(&w);
}

/// `--country` fills the country by code or name; `--region uk` and `--region ch` fill it too;
/// a country the form does not list is a usage error that says how to see the list.
#[test]
fn the_country_is_filled_by_code_name_or_region() {
    let w = World::new();
    let country = |args: &[&str]| {
        let mut all = vec!["objection", "--email", "ada@example.com", "--json"];
        all.extend_from_slice(args);
        let r = w.run("form-page", &all);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
        let v = r.json();
        let field = v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "country")
            .unwrap()
            .clone();
        (field["value"].clone(), field["source"].clone())
    };
    assert_eq!(country(&["--country", "de"]), (json!("DE"), json!("user")));
    assert_eq!(
        country(&["--country", "France"]),
        (json!("FR"), json!("user"))
    );
    assert_eq!(country(&["--region", "uk"]), (json!("GB"), json!("user")));
    assert_eq!(country(&["--region", "ch"]), (json!("CH"), json!("user")));
    // The EEA is many countries: off a terminal the country must be given, not left empty.
    let r = w.run(
        "form-page",
        &["objection", "--email", "ada@example.com", "--region", "eea"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("hint: give it: --country DE"),
        "{}",
        r.stderr
    );
    let r = w.run(
        "form-page",
        &["objection", "--email", "a@b.co", "--country", "Atlantis"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--country"), "{}", r.stderr);
    // Several names hold the text: never a silent pick; the candidates are named.
    let r = w.run(
        "form-page",
        &["objection", "--email", "a@b.co", "--country", "united"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("United Kingdom (GB)"), "{}", r.stderr);
    assert!(r.stderr.contains("United States (US)"), "{}", r.stderr);
    // A region whose law the letter cites, and another country: a warning.
    let r = w.run(
        "form-page",
        &[
            "objection",
            "--email",
            "a@b.co",
            "--region",
            "uk",
            "--country",
            "DE",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("--region uk"), "{}", r.stderr);
}
