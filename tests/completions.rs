//! Completions that complete: the bash code `completions bash` prints, loaded into bash and
//! called as bash calls it on Tab, below the top level and with what only the tool knows
//! (setting ids, stored profiles, sandbox accounts). zsh and fish get the same engine; real
//! bash, zsh and fish are also driven in a terminal, Tab pressed.

use std::time::Duration;

use crate::common::screen::Screen;
use crate::common::{BIN, World, run};

/// What bash would offer for the words typed so far (the last one being completed).
fn complete(w: &World, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words
        .iter()
        .map(|word| format!("'{}'", word.replace('\'', "'\\''")))
        .collect();
    let script = format!(
        r#"source <("{BIN}" completions bash) || exit 3
f=$(complete -p linkedin-privacy | sed -E 's/.* -F ([^ ]+) .*/\1/')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_TYPE=9
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$f" linkedin-privacy "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" ")
    );
    let r = run(w.hermetic("bash").args(["-c", &script]));
    assert_eq!(r.code, 0, "{r:?}");
    r.stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_below_the_top_level_and_what_only_the_tool_knows() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: needs bash");
        return;
    }
    let w = World::new();
    for (profile, account) in [("work", "demo"), ("home", "private")] {
        assert_eq!(w.login_profile(profile, account).code, 0);
    }
    let cases: &[(&[&str], &[&str])] = &[
        (&["linkedin-privacy", "au"], &["audit"]),
        (&["linkedin-privacy", "audit", "--se"], &["--setting"]),
        (&["linkedin-privacy", "history", "--ex"], &["--export"]),
        (
            &["linkedin-privacy", "objection", "--region", ""],
            &["eea", "uk", "ch", "other"],
        ),
        (
            &["linkedin-privacy", "audit", "--setting", "ads-"],
            &[
                "ads-age",
                "ads-beyond-linkedin",
                "ads-business-interactions",
                "ads-gender",
                "ads-inferred-location",
                "ads-interests",
                "ads-measurement",
            ],
        ),
        (
            &["linkedin-privacy", "opt-out", "--group", ""],
            &["ai", "ads", "visibility"],
        ),
        (
            &["linkedin-privacy", "opt-out", "--setting", "res"],
            &["research-data"],
        ),
        (&["linkedin-privacy", "--profile", ""], &["home", "work"]),
        (
            &["linkedin-privacy", "audit", "--profiles", "home,"],
            &["home,home", "home,work"],
        ),
        (
            &["linkedin-privacy", "--sandbox=thr"],
            &[
                "--sandbox=throttled-once",
                "--sandbox=throttled",
                "--sandbox=throttled-later",
                "--sandbox=throttled-long",
                "--sandbox=throttled-json",
            ],
        ),
        (&["linkedin-privacy", "--format", "js"], &["json"]),
    ];
    for (words, expected) in cases {
        let mut got = complete(&w, words);
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{words:?}");
    }
}

#[test]
fn zsh_and_fish_get_the_same_engine() {
    let w = World::new();
    for shell in ["zsh", "fish", "bash"] {
        let r = run(w.cmd().args(["completions", shell]));
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout.contains("LINKEDIN_PRIVACY_COMPLETE"),
            "{shell}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains(BIN),
            "{shell}: the binary's own path: {}",
            r.stdout
        );
    }
    let r = run(w.cmd().args(["completions", "tcsh"]));
    assert_eq!(r.code, 2, "{r:?}");
}

/// `man` prints a roff page from the same definitions as `--help`, for the tool and for each
/// command; `man -l` reads it when man is installed.
#[test]
fn man_pages_for_the_tool_and_each_command() {
    let w = World::new();
    let r = run(w.cmd().arg("man"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(".TH LINKEDIN-PRIVACY 1"), "{}", r.stdout);
    for sub in ["audit", r"opt\-out", "objection", "history"] {
        assert!(
            r.stdout.contains(&format!(r"linkedin\-privacy\-{sub}(1)")),
            "{sub} missing from the page"
        );
    }
    let r = run(w.cmd().args(["man", "audit"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(".TH LINKEDIN-PRIVACY-AUDIT 1"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(r"\-\-fail\-on\-change"), "{}", r.stdout);
    let r = run(w.cmd().args(["man", "nope"]));
    assert_eq!(r.code, 2, "{r:?}");
    // Rendered by man itself, when it is there.
    let page = w.path("audit.1");
    std::fs::write(&page, run(w.cmd().args(["man", "audit"])).stdout).unwrap();
    if let Ok(out) = w
        .hermetic("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--setting"), "{text}");
    }
}

/// A binary whose path a shell would read otherwise (a space, `$(…)`) never has that path put
/// into shell code.
#[test]
fn an_unusual_binary_path_never_reaches_the_shell_code() {
    let w = World::new();
    let dir = w.path("sp ace $(touch PWNED)");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("linkedin-privacy");
    std::fs::copy(BIN, &bin).unwrap();
    let r = run(w
        .hermetic(bin.to_str().unwrap())
        .args(["completions", "bash"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("sp ace"), "{}", r.stdout);
    assert!(!r.stdout.contains("PWNED"), "{}", r.stdout);
    assert!(r.stderr.contains("from PATH"), "{}", r.stderr);
}

#[test]
fn completions_offer_what_each_place_can_take() {
    let w = World::new();
    // opt-out: only what it can write (an entry the member can only object to is not offered).
    let writable = complete(&w, &["linkedin-privacy", "opt-out", "--setting", ""]);
    assert!(
        writable
            .iter()
            .any(|c| c.starts_with("generative-ai-training")),
        "{writable:?}"
    );
    assert!(
        !writable
            .iter()
            .any(|c| c.starts_with("other-ai-processing")),
        "{writable:?}"
    );
    let all = complete(&w, &["linkedin-privacy", "audit", "--setting", ""]);
    assert!(
        all.iter().any(|c| c.starts_with("other-ai-processing")),
        "{all:?}"
    );
    // man: the commands.
    let pages = complete(&w, &["linkedin-privacy", "man", "wa"]);
    assert!(pages.iter().any(|c| c.starts_with("watch")), "{pages:?}");
    // --profiles against the sandbox: its accounts, not stored profiles.
    assert_eq!(w.login_profile("mine", "demo").code, 0);
    let accounts = complete(
        &w,
        &[
            "linkedin-privacy",
            "--sandbox",
            "audit",
            "--profiles",
            "thr",
        ],
    );
    assert!(
        accounts.iter().any(|c| c.starts_with("throttled")),
        "{accounts:?}"
    );
    let stored = complete(&w, &["linkedin-privacy", "audit", "--profiles", "mi"]);
    assert!(stored.iter().any(|c| c.starts_with("mine")), "{stored:?}");
}

/// The completions as a person meets them: real bash, zsh and fish in a real terminal, each
/// loading the code as the README says, and Tab pressed. `--sandbox=de` completes although
/// bash splits it at `=`, and `--sandbox=` offers the sandbox's accounts, never the commands.
#[test]
fn real_bash_zsh_and_fish_complete_on_tab() {
    let w = World::new();
    let bin = w.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("linkedin-privacy")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let shells = [
        (
            "bash",
            "bashrc",
            format!(
                "PS1='$ '\nexport PATH='{path}'\nsource <(linkedin-privacy completions bash)\n"
            ),
        ),
        (
            "zsh",
            "zdot/.zshrc",
            format!(
                "PS1='$ '\nexport PATH='{path}'\nautoload -Uz compinit && compinit -u\nsource <(linkedin-privacy completions zsh)\n"
            ),
        ),
        (
            "fish",
            "config/fish/config.fish",
            format!(
                "set -g fish_greeting ''\nfunction fish_prompt; echo '$ '; end\nset -gx PATH {}\nlinkedin-privacy completions fish | source\n",
                path.replace(':', " ")
            ),
        ),
    ];
    let mut tried = 0;
    for (shell, rc, code) in &shells {
        if !crate::common::have(shell, "the real-shell completion test") {
            continue;
        }
        tried += 1;
        let file = w.path(rc);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, code).unwrap();
        let start = match *shell {
            "bash" => format!("bash --noprofile --rcfile '{}' -i", file.display()),
            "zsh" => format!("env ZDOTDIR='{}' zsh -i", w.path("zdot").display()),
            _ => "fish -i".to_string(),
        };
        let typed = |keys: &[&str], wanted: &dyn Fn(&str) -> bool| {
            let screen = Screen::start(&w, &start);
            screen.watch(Duration::from_secs(20), |_| {}, |s| s.contains("$ "));
            screen.keys(keys);
            screen.watch(Duration::from_secs(20), |_| {}, wanted)
        };
        typed(&["linkedin-privacy --sandbox=de", "Tab"], &|s| {
            s.contains("linkedin-privacy --sandbox=demo")
        });
        typed(&["linkedin-privacy audit --setting ads-a", "Tab"], &|s| {
            s.contains("--setting ads-age")
        });
        typed(&["linkedin-privacy man st", "Tab"], &|s| {
            s.contains("linkedin-privacy man status")
        });
        if *shell == "bash" {
            // Apart, `--sandbox =de` is no option's value: never made `--sandbox =demo`.
            let screen = Screen::start(&w, &start);
            screen.watch(Duration::from_secs(20), |_| {}, |s| s.contains("$ "));
            screen.keys(&["linkedin-privacy --sandbox =de", "Tab", "Tab"]);
            std::thread::sleep(Duration::from_millis(1500));
            let shown = screen.capture();
            assert!(!shown.contains("=demo"), "{shown}");
            // The cursor inside a word: what is after it is not read.
            let screen = Screen::start(&w, &start);
            screen.watch(Duration::from_secs(20), |_| {}, |s| s.contains("$ "));
            screen.keys(&[
                "linkedin-privacy --sand=demo",
                "Left",
                "Left",
                "Left",
                "Left",
                "Left",
                "Tab",
            ]);
            screen.watch(
                Duration::from_secs(20),
                |_| {},
                |s| s.contains("--sandbox=demo"),
            );
        }
        let keys: &[&str] = if *shell == "bash" {
            &["linkedin-privacy --sandbox=", "Tab", "Tab"]
        } else {
            &["linkedin-privacy --sandbox=", "Tab"]
        };
        let list = typed(keys, &|s| s.contains("throttled"));
        for line in list.lines() {
            // What is offered, without zsh's (` -- …`) and fish's (`(…)`) descriptions.
            let offered = line.split(" -- ").next().unwrap_or_default();
            let offered = offered.split('(').next().unwrap_or_default();
            for word in offered.split_whitespace() {
                let word = word.trim_start_matches('…').trim_start_matches("-sandbox=");
                assert!(
                    !["audit", "opt-out", "objection", "history", "--quiet"].contains(&word),
                    "{shell} offers {word:?} after --sandbox=:\n{list}"
                );
            }
        }
    }
    assert!(tried > 0, "no shell to try");
}
