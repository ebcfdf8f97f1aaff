//! The session token never leaves the process: every command, through every fault and every
//! format, is run with a recognisable `li_at`, and the token is looked for in stdout, stderr,
//! every file the tool wrote, and the sandbox's request log.

use crate::common::{World, files_below, run};
use linkedin_privacy::sandbox::{AccountsFile, SandboxOptions};

pub const CANARY: &str = "LIATCANARY7f3a9c";

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
        &["opt-out", "--dry-run"],
        &["opt-out", "--all", "--yes", "--json"],
        &["opt-out", "--yes"],
        &["objection", "--json", "--email", "a@example.com"],
        &["objection", "--html", "objection.html"],
        &["status"],
        &["status", "--json"],
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

/// Every way in, through the file store, the missing keyring and (when one runs) the real
/// Secret Service: the token is only ever in the 0600 sessions file (or the keyring), never in
/// output, other files, or the process's arguments.
#[test]
fn the_token_never_leaks_from_any_way_in_or_store() {
    let w = canary_world();
    let token = w.token("demo");
    // While the tool waits for stdin, its arguments are visible to every user: check them.
    let stdin_run = |cmd: &mut std::process::Command, input: &str| {
        crate::common::run_with_stdin_checked(cmd, input, |pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            assert_clean(
                "the process's arguments",
                &String::from_utf8_lossy(&cmdline),
            );
        })
    };
    let check = |what: &str, r: &crate::common::Run| {
        assert_ne!(r.code, 101, "{what} panicked");
        assert_clean(&format!("stdout of {what}"), &r.stdout);
        assert_clean(&format!("stderr of {what}"), &r.stderr);
    };

    // Inputs the user brings, which hold the token by nature.
    let inputs = w.path("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let cookies_txt = inputs.join("cookies.txt");
    std::fs::write(
        &cookies_txt,
        format!("# Netscape HTTP Cookie File\n.www.linkedin.com\tTRUE\t/\tTRUE\t1893456000\tli_at\t{token}\n"),
    )
    .unwrap();
    let firefox = inputs.join("firefox");
    std::fs::create_dir_all(&firefox).unwrap();
    let db = rusqlite::Connection::open(firefox.join("cookies.sqlite")).unwrap();
    db.execute_batch(
        "CREATE TABLE moz_cookies (name TEXT, value TEXT, host TEXT, lastAccessed INTEGER);",
    )
    .unwrap();
    db.execute(
        "INSERT INTO moz_cookies VALUES ('li_at', ?1, '.www.linkedin.com', 1)",
        [&token],
    )
    .unwrap();
    drop(db);

    // Only a profile this test made, and a real keyring only on the private bus
    // scripts/with-secret-service set up: never a desktop's own.
    let profile = format!("canary-{}", std::process::id());
    let mut stores: Vec<Vec<String>> = vec![
        vec!["--insecure-storage".into()],
        // The keyring turned off: the keyring error path.
        vec![],
    ];
    if crate::common::private_bus().is_some() {
        stores.push(vec!["--private-keyring".to_string()]);
    }
    let tmp = w.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    for store in &stores {
        let mut base = w.cmd();
        base.env("TMPDIR", &tmp);
        let mut flags: Vec<&str> = vec!["--profile", &profile];
        for s in store {
            if s == "--private-keyring" {
                w.private_keyring(&mut base)
                    .expect("the private bus is there");
            } else {
                flags.push(s);
            }
        }
        let cmd = |args: &[&str]| {
            let mut c = w.cmd();
            for (k, v) in base.get_envs() {
                if let Some(v) = v {
                    c.env(k, v);
                }
            }
            c.args(&flags).args(args);
            c
        };
        let ways: Vec<(Vec<&str>, String)> = vec![
            (vec!["login", "--cookie-stdin"], format!("{token}\n")),
            (
                vec!["login", "--cookies-file", cookies_txt.to_str().unwrap()],
                String::new(),
            ),
            (
                vec!["login", "--from-firefox", firefox.to_str().unwrap()],
                String::new(),
            ),
            (
                vec!["login", "--email", "ada@example.com", "--password-stdin"],
                "sandbox-password\n".into(),
            ),
        ];
        for (args, input) in &ways {
            let what = format!("{flags:?} {args:?}");
            let r = stdin_run(&mut cmd(args), input);
            check(&what, &r);
            for follow in [
                &["audit", "--json"][..],
                &["audit", "--format", "csv"],
                &["status"],
                &["status", "--json"],
                &["logout"],
                &["logout", "--all", "--json"],
            ] {
                // `logout --all` on a real keyring would remove items this test did not make.
                if follow.contains(&"--all") && store.iter().any(|s| s == "--private-keyring") {
                    continue;
                }
                let r = run(&mut cmd(follow));
                check(&format!("{what} then {follow:?}"), &r);
            }
        }
    }
    let sessions = w.path("config/linkedin-privacy/sessions.json");
    for file in files_below(w.home.path()) {
        if file.starts_with(&inputs) || file == sessions {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_clean(
            &file.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }
    #[cfg(unix)]
    if sessions.exists() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&sessions).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the one file that may hold the token is private"
        );
    }
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "no temporary copies are left"
    );
}
