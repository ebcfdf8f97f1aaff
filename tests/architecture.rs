//! The tree keeps the shape CONTRIBUTING.md describes, checked on the source itself: no import
//! circle between the top-level modules, no command module using another, clap only in the
//! command layer, the tool's command lines, flag names and exit codes only on the command line's
//! side, the process ended only by the entry point and the signal handler, one format type, the
//! target looked into only by the connector, LinkedIn's paths only in the client and the sandbox,
//! every environment variable read in one place, and no file over 750 lines. (`#[cfg(test)]`
//! modules are left out: a test may reach across layers.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under src/, as (path relative to src/, text without test modules and
/// comments).
fn files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((rel, code_only(&text)));
            }
        }
    }
    out.sort();
    out
}

/// The text before `#[cfg(test)]`, without `//` comments.
fn code_only(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to (`linkedin/client.rs` -> `linkedin`).
fn module_of(rel: &str) -> String {
    let first = rel.split('/').next().unwrap();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a file's code names through `crate::`.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn no_import_circle_between_top_level_modules() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in files() {
        let module = module_of(&rel);
        if module == "lib" || module == "main" {
            continue;
        }
        let deps = graph.entry(module.clone()).or_default();
        for used in uses(&text) {
            if used != module {
                deps.insert(used);
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import circle: {} -> {node}", path[at..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
    // The layers the tree is meant to have, bottom up, hold too.
    let below_commands = [
        "report", "audit", "linkedin", "sessions", "output", "sandbox",
    ];
    for module in below_commands {
        for used in &graph[module] {
            assert!(
                !["commands", "cli", "settings"].contains(&used.as_str()),
                "{module} uses {used}, a layer above it"
            );
        }
    }
}

#[test]
fn no_command_module_uses_another() {
    let commands: Vec<String> = files()
        .iter()
        .filter_map(|(rel, _)| rel.strip_prefix("commands/"))
        // `mod.rs` (the run's Ctx) and `exit.rs` (the exit codes) are what every command shares.
        .filter(|r| *r != "mod.rs" && *r != "exit.rs")
        .map(|r| r.trim_end_matches(".rs").to_string())
        .collect();
    assert!(commands.len() >= 9, "{commands:?}");
    for (rel, text) in files() {
        let Some(me) = rel.strip_prefix("commands/") else {
            continue;
        };
        let me = me.trim_end_matches(".rs");
        for other in &commands {
            if other == me {
                continue;
            }
            for needle in [format!("commands::{other}"), format!("super::{other}")] {
                assert!(!text.contains(&needle), "{rel} uses {needle}");
            }
        }
    }
}

#[test]
fn clap_stays_in_the_command_layer() {
    for (rel, text) in files() {
        let allowed = rel == "cli.rs" || rel == "lib.rs" || rel.starts_with("commands/");
        if !allowed {
            assert!(!text.contains("clap::"), "{rel} uses clap");
            assert!(!text.contains("use clap"), "{rel} uses clap");
        }
    }
}

#[test]
fn the_tools_command_lines_are_only_worded_at_the_edge() {
    for (rel, text) in files() {
        let edge = rel == "cli.rs"
            || rel == "lib.rs"
            || rel.starts_with("commands/")
            || rel.starts_with("output/");
        if edge {
            continue;
        }
        // `linkedin-privacy ` followed by a subcommand or a flag is a command line.
        let words = [
            "audit",
            "opt-out",
            "objection",
            "login",
            "logout",
            "status",
            "catalog",
            "sandbox",
            "completions",
            "record",
            "drift",
            "history",
            "--",
        ];
        for quote in ["`", "\""] {
            for word in words {
                let needle = format!("{quote}linkedin-privacy {word}");
                // The whole word: "linkedin-privacy recording" is a name, not a command.
                let found = text.match_indices(&needle).any(|(i, _)| {
                    text[i + needle.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric())
                        || word == "--"
                });
                assert!(
                    !found,
                    "{rel} words a command line ({needle}); say it as a Hint or an Advice instead"
                );
            }
        }
    }
}

#[test]
fn only_the_client_and_the_sandbox_know_linkedins_paths() {
    for (rel, text) in files() {
        let allowed = rel.starts_with("linkedin/") || rel.starts_with("sandbox/");
        if allowed {
            continue;
        }
        for needle in [
            "/voyager/",
            "/mysettings-api/",
            "/uas/",
            "/help/linkedin/ask",
            "https://www.linkedin.com",
        ] {
            assert!(!text.contains(needle), "{rel} knows the path {needle}");
        }
    }
}

#[test]
fn every_environment_variable_is_read_in_one_place() {
    for (rel, text) in files() {
        // The settings read the environment once; a child process is started without the
        // tool's secrets (child.rs lists them to take them out).
        if rel == "settings.rs" || rel == "child.rs" {
            continue;
        }
        for needle in ["env::var(", "env::var_os(", "env::vars("] {
            assert!(
                !text.contains(needle),
                "{rel} reads the environment ({needle}); read it in settings.rs"
            );
        }
    }
}

/// The command line's side of the house: where flags are named, exit codes chosen, and what the
/// person sees worded. Everything else is the library.
fn is_edge(rel: &str) -> bool {
    rel == "lib.rs"
        || rel == "main.rs"
        || rel == "cli.rs"
        || rel == "settings.rs"
        || rel.starts_with("commands/")
        || rel.starts_with("output/")
}

#[test]
fn no_exit_code_and_no_flag_name_below_the_command_line() {
    for (rel, text) in files() {
        if is_edge(&rel) {
            continue;
        }
        for needle in ["Exit::", "exit::Exit", "fn exit("] {
            assert!(
                !text.contains(needle),
                "{rel} knows exit codes ({needle}); give the error a kind and map it in commands/exit.rs"
            );
        }
        // A flag in a string the library writes: `--word` right after a quote, a space or a
        // backtick, inside a string literal.
        for (n, line) in text.lines().enumerate() {
            let in_string = line.matches('"').count() >= 2;
            let flag = line.match_indices("--").any(|(i, _)| {
                let before = line[..i].chars().next_back();
                let after = line[i + 2..].chars().next();
                matches!(before, Some(' ' | '"' | '`' | '('))
                    && after.is_some_and(|c| c.is_ascii_lowercase())
            });
            assert!(
                !(in_string && flag),
                "{rel}:{}: names a flag ({}); say it as a Hint the output layer words",
                n + 1,
                line.trim()
            );
        }
    }
}

#[test]
fn only_the_entry_point_and_the_signal_handler_end_the_process() {
    for (rel, text) in files() {
        if rel == "main.rs" || rel == "interrupt.rs" {
            continue;
        }
        assert!(
            !text.contains("process::exit"),
            "{rel} ends the process; return what happened instead"
        );
    }
}

#[test]
fn one_format_type_and_one_place_that_matches_on_the_target() {
    let formats: Vec<String> = files()
        .into_iter()
        .filter(|(_, text)| {
            text.contains("enum")
                && text.contains("Ndjson,")
                && text.contains("Junit")
                && text.lines().any(|l| {
                    l.trim_start().starts_with("pub enum") || l.trim_start().starts_with("enum")
                })
                && text.contains("Csv,")
        })
        .map(|(rel, _)| rel)
        .collect();
    assert_eq!(
        formats,
        ["output/mod.rs"],
        "a second definition of the formats"
    );
    for (rel, text) in files() {
        if rel == "connect.rs" {
            continue;
        }
        // The settings build the target; nobody else looks inside it.
        let constructs = rel == "settings.rs";
        for needle in ["Target::Sandbox", "Target::Remote"] {
            assert!(
                constructs || !text.contains(needle),
                "{rel} matches on the target ({needle}); ask the connector instead"
            );
        }
        if constructs {
            assert!(!text.contains("match &self.target") && !text.contains("if let Target"));
        }
    }
}

#[test]
fn no_source_file_is_over_seven_hundred_and_fifty_lines() {
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path).unwrap().lines().count();
                assert!(
                    lines <= 750,
                    "{} has {lines} lines: split it",
                    path.display()
                );
            }
        }
    }
}
