//! The session token never leaves the process: every command, through every fault and every
//! format, is run with a recognisable `li_at`, and the token is looked for in stdout, stderr,
//! every file the tool wrote, and the sandbox's request log.

mod common;

use common::{World, files_below, run};
use linkedin_privacy::sandbox::{AccountsFile, SandboxOptions};

const CANARY: &str = "LIATCANARY7f3a9c";

pub fn canary_world() -> World {
    let mut file = AccountsFile::builtin();
    for a in &mut file.accounts {
        a.li_at = format!("{CANARY}-{}", a.id);
    }
    World::with(SandboxOptions::default(), file)
}

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(CANARY),
        "the token leaked into {what}:\n{text}"
    );
}

#[test]
fn the_token_never_appears_in_any_output() {
    let w = canary_world();
    let accounts: Vec<String> = w.sandbox.accounts().map(|a| a.id.clone()).collect();
    let commands: &[&[&str]] = &[
        &["audit"],
        &["audit", "--json"],
        &["audit", "--format", "ndjson"],
        &["audit", "--format", "csv"],
        &["audit", "--setting", "research-data", "--color", "always"],
        &["catalog"],
    ];
    std::thread::scope(|scope| {
        for account in &accounts {
            let w = &w;
            scope.spawn(move || {
                for args in commands {
                    let mut full = vec!["--retries", "1", "--timeout", "1"];
                    full.extend_from_slice(args);
                    let r = w.run(account, &full);
                    let what = format!("{account} {args:?}");
                    assert_ne!(r.code, 101, "{what} panicked: {}", r.stderr);
                    assert_clean(&format!("stdout of {what}"), &r.stdout);
                    assert_clean(&format!("stderr of {what}"), &r.stderr);
                }
            });
        }
    });
    // A token the session refuses, and one with characters a cookie cannot hold.
    for token in [
        format!("{CANARY}-unknown"),
        format!("{CANARY} with spaces;"),
    ] {
        let r = run(w
            .cmd()
            .env("LINKEDIN_LI_AT", &token)
            .args(["audit", "--json"]));
        assert!(r.code == 4 || r.code == 2, "{r:?}");
        assert_clean("stdout", &r.stdout);
        assert_clean("stderr", &r.stderr);
    }
    for file in files_below(w.home.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert_clean(
            &file.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }
    let log = serde_json::to_string(&w.requests()).unwrap();
    assert_clean("the sandbox request log", &log);
    assert!(
        w.requests().len() > accounts.len(),
        "the runs reached the sandbox"
    );
}
