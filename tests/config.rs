//! The config file: defaults for format, profile, timeout, catalog, insecure_storage and color,
//! below flags and the environment; a key it does not know is an error naming its line. Also:
//! a bad catalog names its line.

use crate::common::{World, run};

fn config(w: &World, text: &str) {
    let dir = w.path("config/linkedin-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn format_color_and_timeout_come_from_the_file_below_flags_and_environment() {
    let w = World::new();
    config(&w, "format = \"json\"\ncolor = \"always\"\ntimeout = 1\n");
    let r = run(w.as_account("demo").arg("audit"));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed");
    // A flag beats the file.
    let r = run(w.as_account("demo").args(["--format", "csv", "audit"]));
    assert!(r.stdout.starts_with("profile,"), "{}", r.stdout);
    // color = "always" colours the table even off a terminal; NO_COLOR beats the file, and
    // --color never beats everything.
    let r = run(w.as_account("demo").args(["--format", "table", "audit"]));
    assert!(r.stdout.contains('\x1b'), "{}", r.stdout);
    let r = run(w
        .as_account("demo")
        .env("NO_COLOR", "1")
        .args(["--format", "table", "audit"]));
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    let r = run(w
        .as_account("demo")
        .args(["--color", "never", "--format", "table", "audit"]));
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    // timeout = 1: a reply that takes 5 s is too slow; --timeout 8 waits for it.
    let r = run(w.as_account("slow").args([
        "--retries",
        "0",
        "audit",
        "--setting",
        "generative-ai-training",
    ]));
    assert_eq!(r.code, 6, "{r:?}");
    assert!(r.stderr.contains("within 1s"), "{}", r.stderr);
}

#[test]
fn profile_and_insecure_storage_come_from_the_file() {
    let w = World::new();
    for (profile, account) in [("work", "demo"), ("home", "private")] {
        assert_eq!(w.login_profile(profile, account).code, 0);
    }
    config(&w, "profile = \"work\"\ninsecure_storage = true\n");
    let r = run(w.cmd().args(["audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["account"]["profile"], "work");
    // The environment beats the file, a flag beats both.
    let r = run(w
        .cmd()
        .env("LINKEDIN_PRIVACY_PROFILE", "home")
        .args(["audit", "--json"]));
    assert_eq!(r.json()["account"]["profile"], "home", "{r:?}");
    let r = run(w.cmd().env("LINKEDIN_PRIVACY_PROFILE", "home").args([
        "--profile",
        "work",
        "audit",
        "--json",
    ]));
    assert_eq!(r.json()["account"]["profile"], "work", "{r:?}");
}

#[test]
fn a_key_the_tool_does_not_know_is_an_error_with_its_line() {
    let w = World::new();
    config(&w, "# my defaults\nformat = \"json\"\nfromat = \"csv\"\n");
    let r = run(w.as_account("demo").arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("config.toml line 3"), "{}", r.stderr);
    assert!(r.stderr.contains("fromat"), "{}", r.stderr);
    config(&w, "color = \"sometimes\"\n");
    let r = run(w.as_account("demo").arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    // A relative catalog is found beside the file.
    config(&w, "");
    let catalog = run(w.cmd().args(["catalog", "--toml"])).stdout;
    config(&w, "catalog = \"mine.toml\"\n");
    std::fs::write(
        w.path("config/linkedin-privacy/mine.toml"),
        catalog.replace("Use my data for training", "MY OWN TITLE for training"),
    )
    .unwrap();
    let r = run(w.as_account("demo").args(["audit", "--json"]));
    assert!(r.stdout.contains("MY OWN TITLE"), "{}", r.stdout);
}

#[test]
fn a_bad_catalog_value_names_its_line() {
    let w = World::new();
    let catalog = run(w.cmd().args(["catalog", "--toml"])).stdout;
    let broken = catalog.replacen("private = \"off\"", "private = \"of\"", 1);
    let line = broken.lines().position(|l| l.contains("\"of\"")).unwrap() + 1;
    let path = w.path("bad.toml");
    std::fs::write(&path, broken).unwrap();
    let r = run(w
        .as_account("demo")
        .arg("--catalog")
        .arg(&path)
        .arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(&format!("line {line}")), "{}", r.stderr);
}

/// The config's format is a default, not a flag: `--resume` (NDJSON) still runs, and a
/// `format = "junit"` leaves the commands without JUnit as they are.
#[test]
fn a_configured_format_is_only_a_default() {
    let w = World::new();
    config(&w, "format = \"json\"\n");
    let out = w.path("r.ndjson");
    let r = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .args([
            "--sandbox",
            "audit",
            "--profiles",
            "demo,private",
            "--resume",
        ])
        .arg(&out));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);
    config(&w, "format = \"junit\"\n");
    for args in [&["catalog"][..], &["completions", "bash"], &["man"]] {
        let r = run(w.cmd().args(args));
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    }
}

/// A broken config file never breaks completions or the manual; one that is a pipe is an error,
/// not a hang; a file that is not UTF-8 says so.
#[test]
fn a_broken_config_file_is_refused_cleanly() {
    let w = World::new();
    config(&w, "fromat = 1\n");
    for args in [&["completions", "bash"][..], &["man"]] {
        let r = run(w.cmd().args(args));
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    }
    let dir = w.path("config/linkedin-privacy");
    std::fs::remove_file(dir.join("config.toml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("config.toml"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        let r = run(w.cmd().arg("catalog"));
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
        std::fs::remove_file(dir.join("config.toml")).unwrap();
    }
    std::fs::write(dir.join("config.toml"), b"format = \"\xff\xfe\"\n").unwrap();
    let r = run(w.cmd().arg("catalog"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
}

/// `insecure_storage = true` in the file is undone by `--no-insecure-storage`.
#[test]
fn the_keyring_can_be_asked_for_over_the_file() {
    let w = World::new();
    assert_eq!(w.login_profile("work", "demo").code, 0);
    config(&w, "insecure_storage = true\nprofile = \"work\"\n");
    let r = run(w.cmd().args(["audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    // The keyring is off in the tests: asking for it finds no session there.
    let r = run(w.cmd().args(["--no-insecure-storage", "audit", "--json"]));
    assert_eq!(r.code, 4, "{r:?}");
}
