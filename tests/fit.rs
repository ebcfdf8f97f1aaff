//! The human views fit where people read them: 80 columns (or `COLUMNS`), a terminal that
//! reports no width, no word or address cut across a line.

use std::process::{Command, Stdio};

use crate::common::screen::Screen;
use crate::common::{BIN, World, have, run};
use linkedin_privacy::sandbox::{AccountsFile, SandboxOptions};

/// The columns a line takes: characters, without colour sequences.
fn width(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        n += 1;
    }
    n
}

/// Every line fits, except one that is a single address or command (never cut, so it can be
/// clicked or copied), and the objection's letter, which is copied into a form where the
/// line breaks of a terminal's width would stay.
fn assert_fits(text: &str, columns: usize, what: &str) {
    let mut explanation = false;
    for line in text.lines() {
        if line.starts_with("Explanation (the letter):") {
            explanation = true;
        } else if line.starts_with("Nothing was submitted") {
            explanation = false;
        }
        if width(line) <= columns || explanation {
            continue;
        }
        let bare = line.trim_start();
        let bare = bare
            .split_once("] ")
            .filter(|(n, _)| n.starts_with('['))
            .map_or(bare, |(_, rest)| rest);
        // A command is never cut, backticked or not.
        let inner = bare
            .trim_start_matches('`')
            .trim_end_matches(['.', '`', ':']);
        let command = inner.starts_with("linkedin-privacy ") && !inner.contains('`');
        assert!(
            !bare.contains(' ') || command,
            "{what}: a line of {} columns:\n{line}\n\n{text}",
            width(line)
        );
    }
}

#[test]
fn every_human_view_fits_80_columns() {
    let w = World::new();
    let h = w.path("h.sqlite3");
    let mut cases: Vec<(String, Vec<String>)> = Vec::new();
    for account in [
        "demo",
        "private",
        "odd-value",
        "expired",
        "put-forbidden",
        "throttled-later",
    ] {
        cases.push((account.to_string(), vec!["audit".into()]));
    }
    cases.push((
        "put-forbidden".into(),
        vec!["opt-out".into(), "--yes".into()],
    ));
    cases.push((
        "demo".into(),
        vec!["opt-out".into(), "--all".into(), "--yes".into()],
    ));
    cases.push(("demo".into(), vec!["opt-out".into(), "--dry-run".into()]));
    cases.push((
        "demo".into(),
        vec![
            "objection".into(),
            "--email".into(),
            "ada@example.com".into(),
        ],
    ));
    cases.push(("demo".into(), vec!["catalog".into()]));
    for account in ["demo", "viewing-anonymous", "eea"] {
        cases.push((account.into(), vec!["--wide".into(), "audit".into()]));
    }
    cases.push((
        "new-setting".into(),
        vec!["audit".into(), "--discover".into()],
    ));
    cases.push((
        "demo".into(),
        vec![
            "opt-out".into(),
            "--group".into(),
            "visibility".into(),
            "--yes".into(),
        ],
    ));
    cases.push(("demo".into(), vec!["history".into()]));
    // The summary of members' reports, the demo's among them.
    let reports = w.path("reports");
    std::fs::create_dir_all(&reports).unwrap();
    for account in ["demo", "eea", "private"] {
        let file = reports.join(format!("{account}.json"));
        let r = crate::common::run(w.as_account(account).args([
            "audit",
            "--report",
            file.to_str().unwrap(),
        ]));
        assert!(file.exists(), "{r:?}");
    }
    std::fs::copy(reports.join("demo.json"), reports.join("again.json")).unwrap();
    cases.push((
        "demo".into(),
        vec!["summary".into(), reports.display().to_string()],
    ));
    cases.push((
        "demo".into(),
        vec![
            "audit".into(),
            "--profiles".into(),
            "demo,private,expired,odd-value".into(),
            "--format".into(),
            "table".into(),
        ],
    ));
    for (account, args) in &cases {
        let mut cmd = w.cmd();
        cmd.env_remove("LINKEDIN_PRIVACY_BASE_URL")
            .env("COLUMNS", "80")
            .arg(format!("--sandbox={account}"))
            .arg("--history")
            .arg(&h)
            .args(args);
        let r = run(&mut cmd);
        let what = format!("--sandbox={account} {}", args.join(" "));
        assert!(r.code != 2 && r.code != 101, "{what}: {r:?}");
        assert_fits(&r.stdout, 80, &what);
        assert_fits(&r.stderr, 80, &what);
    }
}

#[test]
fn columns_is_honoured() {
    let w = World::new();
    let r = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env("COLUMNS", "60")
        .args(["--sandbox=odd-value", "audit"]));
    assert_eq!(r.code, 3, "{r:?}");
    assert_fits(&r.stdout, 60, "COLUMNS=60");
    // Ids are never cut, however narrow.
    assert!(r.stdout.contains("generative-ai-training"), "{}", r.stdout);
    assert!(r.stdout.contains("other-ai-processing"), "{}", r.stdout);
    let r = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env("COLUMNS", "60")
        .args(["--sandbox", "opt-out", "--all", "--yes"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout.matches("generative-ai-training").count(),
        2,
        "{}",
        r.stdout
    );
    // The table uses the room it is given.
    let wide = run(w
        .cmd()
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env("COLUMNS", "200")
        .args(["--sandbox=odd-value", "audit"]));
    let longest = wide.stdout.lines().map(width).max().unwrap();
    assert!(longest > 80, "{}", wide.stdout);
}

/// A pseudo-terminal that reports 0 columns (as one without a size does): laid out for 80, not
/// one letter per cell.
#[test]
fn a_terminal_without_a_width_gets_80_columns() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: needs `script` (util-linux) for a pseudo-terminal");
        return;
    }
    let w = World::new();
    let line = format!("stty cols 0 rows 0 2>/dev/null; {BIN} --sandbox=demo audit");
    let out = w
        .hermetic("script")
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env_remove("COLUMNS")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(text.contains("generative-ai-training"), "{text}");
    assert!(text.contains("partner-profile-visibility"), "{text}");
    assert_fits(&text, 80, "a terminal of 0 columns");
    let longest = text.lines().map(width).max().unwrap_or(0);
    assert!(longest >= 60, "collapsed: {text}");
}

/// `-v`: every request's method, path and status, never a header or a cookie.
#[test]
fn verbose_names_each_request_and_no_secret() {
    let w = World::new();
    let r = run(w.as_account("demo").args(["-v", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("GET /mysettings-api/settingsApiSettingCards/dataForAiImprovement -> 200"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches(" -> 200").count(), 16, "{}", r.stderr);
    let token = w.token("demo");
    for secret in [token.as_str(), "li_at", "ajax:", "csrf"] {
        assert!(!r.stderr.contains(secret), "{secret} in {}", r.stderr);
    }
    // Without -v, none of it.
    let r = run(w.as_account("demo").args(["audit", "--json"]));
    assert!(!r.stderr.contains(" -> 200"), "{}", r.stderr);
    // -q and -v together make no sense.
    let r = run(w.as_account("demo").args(["-q", "-v", "audit"]));
    assert_eq!(r.code, 2, "{r:?}");
}

/// A wait before a retry is said, with what and how long; nothing of it with --quiet.
#[test]
fn a_wait_is_announced() {
    let w = World::new();
    let r = run(w.as_account("throttled-once").args(["audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("LinkedIn answered 429 (too many requests)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("waiting 1.0 s as it asked"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("attempt 2 of 4"), "{}", r.stderr);
    let r = run(w
        .as_account("throttled-once")
        .args(["-q", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// On a terminal a reply slower than a second gets a spinner saying what is awaited; it is gone
/// when the reply comes.
#[test]
fn a_slow_reply_gets_a_spinner_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: needs `script` (util-linux) for a pseudo-terminal");
        return;
    }
    let w = World::new();
    let line =
        format!("stty cols 80 rows 24; {BIN} --timeout 8 audit --setting generative-ai-training");
    let out = w
        .hermetic("script")
        .env("LINKEDIN_LI_AT", w.token("slow"))
        .env("TERM", "xterm")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("waiting for LinkedIn's reply (dataForAiImprovement)"),
        "{text}"
    );
    assert!(text.contains("generative-ai-training"), "{text}");
    // Off a terminal, no spinner.
    let r = run(w.as_account("slow").args([
        "--timeout",
        "2",
        "--retries",
        "0",
        "audit",
        "--setting",
        "generative-ai-training",
    ]));
    assert_eq!(r.code, 6, "{r:?}");
    assert!(!r.stderr.contains("waiting for LinkedIn"), "{}", r.stderr);
}

/// A paced audit (as against LinkedIn: a pause between requests) says on a terminal how far it
/// is, cards read out of all; the bar is gone when the report prints, and never off a terminal.
#[test]
fn a_paced_audit_shows_the_cards_read_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: needs `script` (util-linux) for a pseudo-terminal");
        return;
    }
    let w = World::new();
    let line = format!("stty cols 80 rows 24; {BIN} audit --group ai --delay-ms 400");
    let out = w
        .hermetic("script")
        .env("LINKEDIN_LI_AT", w.token("demo"))
        .env("TERM", "xterm")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reading settings: 1/2 cards"), "{text}");
    assert!(text.contains("generative-ai-training"), "{text}");
    let r = run(w
        .as_account("demo")
        .args(["audit", "--group", "ai", "--delay-ms", "100"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stderr.contains("reading settings"), "{}", r.stderr);
    // Unpaced (the sandbox, loopback) there is nothing to wait for, and no bar.
    let line = format!("stty cols 80 rows 24; {BIN} audit --group ai");
    let out = w
        .hermetic("script")
        .env("LINKEDIN_LI_AT", w.token("demo"))
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("reading settings"));
}

#[test]
fn every_manual_page_is_written_by_one_command_and_passes_mandoc_lint() {
    let w = World::new();
    let dir = w.path("man/man1");
    let r = run(w.cmd().args(["man", "--out"]).arg(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let help = run(w.cmd().arg("--help"));
    // The tool's page and one per command its help lists.
    let commands: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description that wraps goes on under its command, further in.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(
        pages.len(),
        commands.len() + 1,
        "{pages:?} for {commands:?}"
    );
    for c in &commands {
        assert!(
            pages.contains(&format!("linkedin-privacy-{c}.1")),
            "no page for {c}"
        );
    }
    for page in &pages {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.contains(".SH \"EXIT STATUS\""), "{page}");
        // Every page a page refers to is written too.
        for line in text.lines().filter(|l| l.starts_with(".BR linkedin")) {
            let name = line[4..].split(' ').next().unwrap().replace("\\-", "-");
            assert!(pages.contains(&format!("{name}.1")), "{page} names {name}");
        }
        if have("mandoc", "linting the manual pages") {
            let lint = Command::new("mandoc")
                .args(["-Tlint", "-W", "style"])
                .arg(dir.join(page))
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&lint.stdout).into_owned()
                + &String::from_utf8_lossy(&lint.stderr);
            assert!(said.trim().is_empty(), "mandoc -Tlint on {page}:\n{said}");
        }
    }
    let main = std::fs::read_to_string(dir.join("linkedin-privacy.1")).unwrap();
    for section in [
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXAMPLES",
        ".TH LINKEDIN-PRIVACY 1 2026-12-01",
    ] {
        assert!(main.contains(section), "{section}");
    }
}

#[test]
fn tables_fall_back_to_ascii_without_a_utf8_terminal() {
    let w = World::new();
    let status = |env: &[(&str, &str)]| {
        let mut cmd = w.cmd();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let r = run(cmd.args(["--sandbox", "status", "--offline"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let boxed = |t: &str| t.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c));
    let utf8 = status(&[("LANG", "en_US.UTF-8")]);
    assert!(boxed(&utf8), "{utf8}");
    for env in [
        [("TERM", "dumb")],
        [("LANG", "C")],
        [("LC_ALL", "de_DE.ISO-8859-1")],
    ] {
        let plain = status(&env);
        assert!(!boxed(&plain) && plain.is_ascii(), "{env:?}:\n{plain}");
        assert!(plain.contains("+--"), "{env:?}:\n{plain}");
    }
    // LC_ALL wins over LANG, as the C library has it.
    assert!(boxed(&status(&[("LANG", "C"), ("LC_ALL", "C.UTF-8")])));
    // The audit at 70 columns cuts its titles: with `...` where only ASCII is drawn.
    let audit = |lang: &str| {
        let r = run(w
            .cmd()
            .env("LANG", lang)
            .env("COLUMNS", "70")
            .args(["--sandbox", "audit"]));
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.stdout
    };
    let cut = audit("en_US.UTF-8");
    assert!(cut.contains('…'), "{cut}");
    let plain = audit("C");
    assert!(plain.is_ascii() && plain.contains("..."), "{plain}");
}

#[test]
fn a_commands_help_shows_its_own_options_and_examples_and_errors_read_alike() {
    let w = World::new();
    for c in ["audit", "opt-out", "status", "watch", "summary"] {
        let r = run(w.cmd().args([c, "--help"]));
        assert_eq!(r.code, 0, "{c}: {}", r.stderr);
        assert!(
            !r.stdout.contains("Run against a built-in fake LinkedIn"),
            "{c} repeats the global options:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("Global options (--sandbox"),
            "{c}:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("Examples:\n  linkedin-privacy "),
            "{c} has no examples:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.lines().count() < 90,
            "{c}: {} lines",
            r.stdout.lines().count()
        );
    }
    // Said once, in the tool's own help; and they still work after a command.
    let top = run(w.cmd().arg("--help"));
    assert!(top.stdout.contains("Run against a built-in fake LinkedIn"));
    let r = run(w.cmd().args(["status", "--sandbox", "--offline"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A flag's value that names a command is a value; `help COMMAND` is the long help.
    let r = run(w.cmd().args(["--profile", "summary", "status", "-h"]));
    assert!(r.stdout.starts_with("List stored sessions"), "{}", r.stdout);
    let help = run(w.cmd().args(["help", "summary"]));
    let long = run(w.cmd().args(["summary", "--help"]));
    assert_eq!(help.stdout, long.stdout);
    // A command-line error begins as every other error does.
    let r = run(w.cmd().args(["audit", "--bogus"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("linkedin-privacy: error: unexpected argument '--bogus'"),
        "{}",
        r.stderr
    );
}

#[test]
fn status_at_eighty_columns_names_the_file_once_and_each_sessions_origin() {
    let w = World::new();
    for p in ["default", "work", "test", "old", "spare"] {
        assert_eq!(w.login_profile(p, "demo").code, 0);
    }
    let r = run(w
        .cmd()
        .env("COLUMNS", "80")
        .args(["--insecure-storage", "status", "--offline"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines.iter().all(|l| l.chars().count() <= 80),
        "{}",
        r.stdout
    );
    assert!(
        lines.len() <= 20,
        "{} lines for 5 profiles:\n{}",
        lines.len(),
        r.stdout
    );
    assert_eq!(r.stdout.matches("sessions.json").count(), 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("Origin") && r.stdout.contains("127.0.0.1:"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.matches("User-Agent").count(),
        1,
        "said once for all five:\n{}",
        r.stdout
    );
    let json = run(w
        .cmd()
        .args(["--insecure-storage", "--json", "status", "--offline"]))
    .json();
    assert!(
        json["sessions"][0]["origin"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
}

/// An accounts file in the test's home: `label<TAB>token of the sandbox account`, in order.
fn labelled_accounts(w: &World, rows: &[(String, &str)]) -> std::path::PathBuf {
    let text: String = rows
        .iter()
        .map(|(label, id)| format!("{label}\t{}\n", w.token(id)))
        .collect();
    let path = w.path("accounts.tsv");
    std::fs::write(&path, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A run over many accounts in a real 80x24 terminal: its progress line never wraps, its rate
/// reads as a person reads it, a 429's wait shows on it, and the table at the end lists the
/// accounts in the order of the file, saying why each uncertain one is.
#[test]
fn bulk_progress_fits_eighty_columns_and_the_table_keeps_input_order() {
    if !have("tmux", "the bulk progress test") {
        return;
    }
    let options = SandboxOptions {
        latency: std::time::Duration::from_millis(120),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::builtin());
    let ids = [
        "throttled-once",
        "demo",
        "interstitial",
        "private",
        "odd-value",
        "region",
        "expired",
        "demo",
    ];
    let rows: Vec<(String, &str)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("a{:02}-{id}", i + 1), *id))
        .collect();
    let file = labelled_accounts(&w, &rows);
    let screen = Screen::start(
        &w,
        &format!("{BIN} audit --jobs 2 --accounts '{}'", file.display()),
    );
    let mut bars = Vec::new();
    let mut waited = false;
    let end = screen.watch(
        std::time::Duration::from_secs(60),
        |shown| {
            for line in shown.lines().filter(|l| l.contains("/8 ")) {
                bars.push(line.to_string());
            }
            waited |= shown.contains("LinkedIn 429: waiting");
        },
        |shown| shown.contains("EXIT="),
    );
    assert!(!bars.is_empty(), "a progress line was drawn: {end}");
    for bar in &bars {
        assert!(width(bar) <= 80, "the progress line wraps: {bar:?}");
        let rate = bar.split_whitespace().nth(2).unwrap_or_default();
        assert!(
            rate == "-/s" || rate.ends_with("/min") || rate.ends_with("/s"),
            "{bar:?}"
        );
        let digits = rate
            .split('.')
            .nth(1)
            .map_or(0, |d| d.trim_end_matches("/s").len());
        assert!(digits <= 1, "the rate has {digits} decimals: {bar:?}");
    }
    assert!(waited, "the 429's wait was shown on the progress line");
    assert!(end.contains("EXIT=1"), "{end}");
    let table: Vec<&str> = end.lines().filter(|l| l.contains("a0")).collect();
    let order: Vec<String> = table
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string())
        .collect();
    let wanted: Vec<String> = rows.iter().map(|(l, _)| l.to_string()).collect();
    assert_eq!(order, wanted, "rows in the order of the file:\n{end}");
    let row = |label: &str| *table.iter().find(|l| l.contains(label)).unwrap();
    assert!(row("a03-interstitial").contains("html ("), "{end}");
    assert!(row("a05-odd-value").contains("value matches"), "{end}");
    assert!(row("a07-expired").contains("session expired"), "{end}");
    assert!(row("a02-demo").contains(" on "), "AI training is on: {end}");
    for line in end.lines() {
        assert!(width(line) <= 80, "{line:?} in\n{end}");
    }
}

/// Ctrl-C in a real terminal: no half-drawn progress line is left, and one hint says how to go
/// on, naming the resume file that was given.
#[test]
fn ctrl_c_in_a_terminal_leaves_a_clean_screen_and_one_hint() {
    if !have("tmux", "the Ctrl-C terminal test") {
        return;
    }
    let options = SandboxOptions {
        latency: std::time::Duration::from_millis(150),
        ..SandboxOptions::default()
    };
    let w = World::with(options, AccountsFile::builtin());
    let rows: Vec<(String, &str)> = (1..=40).map(|i| (format!("m{i:02}"), "demo")).collect();
    let file = labelled_accounts(&w, &rows);
    let screen = Screen::start(
        &w,
        &format!(
            "{BIN} audit --jobs 2 --accounts '{}' --resume results.ndjson > out.txt",
            file.display()
        ),
    );
    screen.watch(
        std::time::Duration::from_secs(60),
        |_| {},
        |shown| {
            shown
                .lines()
                .any(|l| l.contains("/40 ") && !l.contains(" 0/40 "))
        },
    );
    screen.ctrl_c();
    let end = screen.watch(
        std::time::Duration::from_secs(30),
        |_| {},
        |shown| shown.contains("EXIT="),
    );
    assert!(end.contains("EXIT=130"), "{end}");
    assert!(
        !end.contains('░') && !end.contains('█'),
        "a progress line was left on the screen:\n{end}"
    );
    assert_eq!(end.matches("hint:").count(), 1, "one hint:\n{end}");
    let joined = end.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("--resume results.ndjson"), "{end}");
    assert!(!joined.contains("--resume FILE"), "{end}");
}

/// A session kept in the plain file with `--insecure-storage` is used by the next commands
/// without the flag (and said so, once a run); `--no-insecure-storage` keeps to the keyring; a
/// session LinkedIn revokes is marked in the plain file it was read from.
#[test]
fn a_session_in_the_plain_file_needs_no_flag_on_every_command() {
    let w = World::new();
    assert_eq!(w.login_profile("p", "demo").code, 0);
    let r = run(w.cmd().args(["--profile", "p", "audit"]));
    assert_eq!(r.code, 1, "the demo account is read: {r:?}");
    assert_eq!(
        r.stderr
            .matches("read from the plain sessions file")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    let r = run(w
        .cmd()
        .args(["--profile", "p", "--format", "json", "audit"]));
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(w
        .cmd()
        .args(["--no-insecure-storage", "--profile", "p", "audit"]));
    assert_eq!(r.code, 4, "the keyring only was asked for: {r:?}");
    let r = run(w.cmd().args(["audit"]));
    assert_eq!(r.code, 4, "profile default has no session anywhere: {r:?}");
    assert!(!r.stderr.contains("plain sessions file"), "{}", r.stderr);

    assert_eq!(w.login_profile("q", "revoked-later").code, 0);
    let r = run(w.cmd().args(["--profile", "q", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("marked revoked"), "{}", r.stderr);
    let before = w.calls("revoked-later").len();
    let r = run(w.cmd().args(["--profile", "q", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("revoked"), "{}", r.stderr);
    assert_eq!(w.calls("revoked-later").len(), before, "never sent again");
    let r = run(w.cmd().args([
        "--insecure-storage",
        "--format",
        "json",
        "status",
        "--offline",
    ]));
    let sessions = r.json()["sessions"].as_array().cloned().unwrap_or_default();
    let q = sessions.iter().find(|s| s["profile"] == "q").unwrap();
    assert!(q["revoked_at"].is_string(), "{q}");
    let p = sessions.iter().find(|s| s["profile"] == "p").unwrap();
    assert!(p["revoked_at"].is_null(), "{p}");

    // What a command reads, logout forgets: after it, nothing uses that session.
    let r = run(w.cmd().args(["--profile", "p", "logout"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(w.cmd().args(["--profile", "p", "audit"]));
    assert_eq!(r.code, 4, "{r:?}");
}
