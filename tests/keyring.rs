//! A session stored in and read back from a real Secret Service (gnome-keyring on a private
//! D-Bus, as `scripts/with-secret-service` sets up and `.ci/run` uses). Without one the test
//! skips with a visible message; with LINKEDIN_PRIVACY_REQUIRE_SECRET_SERVICE=1 it fails instead.

use std::io::Write;
use std::process::Command;

use crate::common::{CARD_AI, CARD_RESEARCH, World, run, run_with_stdin};

fn lookup(profile: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "linkedin-privacy", "username", profile])
        .output()
        .expect("secret-tool runs");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_session_round_trips_through_a_real_secret_service() {
    let Some(bus) = crate::common::private_bus() else {
        let required =
            std::env::var("LINKEDIN_PRIVACY_REQUIRE_SECRET_SERVICE").as_deref() == Ok("1");
        assert!(
            !required,
            "LINKEDIN_PRIVACY_REQUIRE_SECRET_SERVICE=1 but no Secret Service owns org.freedesktop.secrets on the session bus"
        );
        // Written past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED keyring::a_session_round_trips_through_a_real_secret_service: no private Secret Service (run the suite with scripts/with-secret-service, as .ci/run does)"
        );
        return;
    };
    let w = World::new();
    let profile = format!("ci-{}", std::process::id());
    let keyring = |cmd: &mut Command| {
        w.private_keyring(cmd).expect("the private bus is there");
    };

    let mut login = w.cmd();
    keyring(&mut login);
    let r = run_with_stdin(
        login.args(["--profile", &profile, "login", "--cookie-stdin"]),
        &w.token("demo"),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("stored in the OS keyring"),
        "{}",
        r.stdout
    );

    // The item is where other tools look for it.
    let item = lookup(&profile).expect("secret-tool finds the item");
    assert!(item.contains(&w.token("demo")));
    // The index beside it names the profile and holds no secret.
    let index = std::fs::read_to_string(w.path("config/linkedin-privacy/profiles.json")).unwrap();
    assert!(index.contains(&profile) && !index.contains(&w.token("demo")));

    let mut audit = w.cmd();
    keyring(&mut audit);
    let r = run(audit.args(["--profile", &profile, "audit", "--group", "ai", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["account"]["name"], "Ada Lovelace");
    assert_eq!(r.json()["account"]["profile"], profile.as_str());
    assert_eq!(w.calls("demo")[1..], [CARD_AI, CARD_RESEARCH]);

    let mut status = w.cmd();
    keyring(&mut status);
    let r = run(status.args(["status", "--json"]));
    // Other items share this keyring (the sentinel `default` among them): status lists them as
    // not in this index, so its own exit is not the point here; this profile's entry is.
    let v = r.json();
    let entry = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == profile.as_str())
        .expect("status lists the profile")
        .clone();
    assert_eq!(entry["store"], "keyring");
    assert_eq!(entry["works"], true);

    let mut logout = w.cmd();
    keyring(&mut logout);
    let r = run(logout.args(["--profile", &profile, "logout"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(lookup(&profile).is_none(), "logout removed the item");

    // An item the index forgot (a crash between the two writes, a deleted index) is still found,
    // by searching the keyring itself. (`logout --all` searches the same way; it is tested with
    // the mock store, since here it would also remove the sentinel item the suite must leave.)
    let orphan = format!("orphan-{}", std::process::id());
    let mut store = Command::new("secret-tool");
    store
        .args([
            "store",
            "--label",
            "linkedin-privacy orphan",
            "service",
            "linkedin-privacy",
            "username",
            &orphan,
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .stdin(std::process::Stdio::piped());
    let mut child = store.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"not\": \"a session\"}")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(lookup(&orphan).is_some());
    // `status` finds it by searching the keyring, and a per-profile logout removes it.
    let mut status = w.cmd();
    keyring(&mut status);
    let r = run(status.args(["status", "--offline", "--json"]));
    assert_eq!(r.code, 4, "an unusable item is a problem: {r:?}");
    let stray = r.json()["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == orphan.as_str())
        .expect("status lists the item the index forgot")
        .clone();
    assert!(
        stray["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not list it"),
        "{stray}"
    );
    let mut logout = w.cmd();
    keyring(&mut logout);
    let r = run(logout.args(["--profile", &orphan, "logout", "--json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["forgotten"], serde_json::json!([orphan]));
    assert!(lookup(&orphan).is_none(), "the orphan was removed");
}
