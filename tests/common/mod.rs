//! Shared test harness: a sandbox on loopback started in the test process, and the real binary
//! run against it in a hermetic environment (its own HOME and XDG folders, nothing inherited
//! but PATH). The OS keyring is off (`LINKEDIN_PRIVACY_KEYRING=none`) and D-Bus points at
//! nothing, so no test can reach the keyring or Keychain of the machine it runs on; the tests
//! that need a real Secret Service use [`private_keyring`], which only exists inside
//! `scripts/with-secret-service`.

#![allow(dead_code)]

pub mod hostile;
pub mod screen;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use linkedin_privacy::sandbox::{AccountsFile, Fixtures, LoggedRequest, Sandbox, SandboxOptions};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_linkedin-privacy");

/// A sandbox plus a private home for the binary.
pub struct World {
    pub sandbox: Sandbox,
    pub home: tempfile::TempDir,
}

/// What one run of the binary did.
#[derive(Debug)]
#[must_use = "a run's exit code and output are what a test checks"]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// stdout, stderr and the exit code together, with ports and times filtered out, for
    /// snapshots.
    pub fn snapshot(&self) -> String {
        filter(&format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        ))
    }
}

pub fn filter(text: &str) -> String {
    let port = regex_lite(
        text,
        "127.0.0.1:",
        |c| c.is_ascii_digit(),
        "127.0.0.1:[PORT]",
    );
    replace_timestamps(&port)
}

/// Replaces `prefix` followed by a run of chars matching `keep` with `with`.
fn regex_lite(text: &str, prefix: &str, keep: fn(char) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let n = after.find(|c: char| !keep(c)).unwrap_or(after.len());
        out.push_str(with);
        rest = &after[n..];
    }
    out.push_str(rest);
    out
}

/// `2026-11-29T01:02:03Z` -> `[TIME]`.
fn replace_timestamps(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let shape = b"dddd-dd-ddTdd:dd:ddZ";
    while i < bytes.len() {
        let fits = i + shape.len() <= bytes.len()
            && shape.iter().zip(&bytes[i..]).all(|(s, b)| match s {
                b'd' => b.is_ascii_digit(),
                other => other == b,
            });
        if fits {
            out.push_str("[TIME]");
            i += shape.len();
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

impl World {
    pub fn new() -> World {
        World::with(SandboxOptions::default(), AccountsFile::builtin())
    }

    pub fn with(options: SandboxOptions, accounts: AccountsFile) -> World {
        let sandbox =
            Sandbox::start(options, accounts, Fixtures::embedded()).expect("sandbox starts");
        World {
            sandbox,
            home: tempfile::tempdir().expect("temp home"),
        }
    }

    pub fn token(&self, account: &str) -> String {
        self.sandbox
            .account(account)
            .unwrap_or_else(|| panic!("no sandbox account {account}"))
            .0
            .to_string()
    }

    /// The binary, hermetic, pointed at the sandbox, without a session.
    pub fn cmd(&self) -> Command {
        self.hermetic(BIN)
    }

    /// Any program, with the environment the binary gets.
    pub fn hermetic(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_STATE_HOME", self.home.path().join("state"))
            .env("XDG_CACHE_HOME", self.home.path().join("cache"))
            .env("LINKEDIN_PRIVACY_BASE_URL", self.sandbox.base_url())
            // Never the machine's own keyring: off, and no session bus to reach one by.
            .env("LINKEDIN_PRIVACY_KEYRING", "none")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", self.home.path().join("no-bus").display()),
            )
            .current_dir(self.home.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Turns the OS keyring on for this command, on the private Secret Service bus that
    /// `scripts/with-secret-service` set up. `None` outside it (a desktop's own bus is never
    /// used).
    pub fn private_keyring(&self, cmd: &mut Command) -> Option<()> {
        let bus = private_bus()?;
        cmd.env("LINKEDIN_PRIVACY_KEYRING", "os")
            .env("DBUS_SESSION_BUS_ADDRESS", bus);
        Some(())
    }

    /// The binary acting as a sandbox account through LINKEDIN_LI_AT.
    pub fn as_account(&self, account: &str) -> Command {
        let mut cmd = self.cmd();
        cmd.env("LINKEDIN_LI_AT", self.token(account));
        cmd
    }

    /// Runs `args` as `account`.
    #[must_use = "a run's exit code and output are what a test checks"]
    pub fn run(&self, account: &str, args: &[&str]) -> Run {
        run(self.as_account(account).args(args))
    }

    /// Stores `account`'s session as `profile` in the `--insecure-storage` file.
    pub fn login_profile(&self, profile: &str, account: &str) -> Run {
        let mut login = self.cmd();
        login.args([
            "--insecure-storage",
            "--profile",
            profile,
            "login",
            "--cookie-stdin",
        ]);
        run_with_stdin(&mut login, &self.token(account))
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.sandbox.requests()
    }

    /// The requests made by one account, as `METHOD path`.
    pub fn calls(&self, account: &str) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.account.as_deref() == Some(account))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }
}

/// The private session bus with a Secret Service on it that `scripts/with-secret-service` made
/// (it sets LINKEDIN_PRIVACY_PRIVATE_BUS=1); never a desktop's own.
pub fn private_bus() -> Option<String> {
    if std::env::var("LINKEDIN_PRIVACY_PRIVATE_BUS").as_deref() != Ok("1") {
        return None;
    }
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok()?;
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .contains("boolean true")
        .then_some(bus)
}

/// Runs the binary with `input` on stdin; `before_input` sees the process id first, while the
/// process waits for its input.
#[must_use = "a run's exit code and output are what a test checks"]
pub fn run_with_stdin_checked(
    cmd: &mut Command,
    input: &str,
    before_input: impl FnOnce(u32),
) -> Run {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    before_input(child.id());
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("the binary reads stdin");
    let out = child.wait_with_output().expect("the binary exits");
    Run {
        code: out
            .status
            .code()
            .expect("the binary exits normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the binary with `input` on stdin.
#[must_use = "a run's exit code and output are what a test checks"]
pub fn run_with_stdin(cmd: &mut Command, input: &str) -> Run {
    run_with_stdin_checked(cmd, input, |_| {})
}

#[must_use = "a run's exit code and output are what a test checks"]
pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    Run {
        code: status
            .code()
            .expect("the binary exits normally, not by a signal"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Every file below `dir`, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub const CARD_AI: &str = "GET /mysettings-api/settingsApiSettingCards/dataForAiImprovement";
pub const CARD_RESEARCH: &str =
    "GET /mysettings-api/settingsApiSettingCards/policyAndAcademicResearch";

/// The request for one card.
pub fn card_call(card: &str) -> String {
    format!("GET /mysettings-api/settingsApiSettingCards/{card}")
}

/// The requests of a full audit: each card of the built-in catalog once, in catalog order.
pub fn all_cards() -> Vec<String> {
    let mut calls: Vec<String> = Vec::new();
    for e in linkedin_privacy::catalog::Catalog::builtin().settings {
        if let Some(card) = e.card {
            let call = card_call(&card);
            if !calls.contains(&call) {
                calls.push(call);
            }
        }
    }
    calls
}

/// The ids of the built-in catalog, in order.
pub fn catalog_ids() -> Vec<String> {
    linkedin_privacy::catalog::Catalog::builtin()
        .settings
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// Runs the binary on a pseudo-terminal (through util-linux `script`), answering `answer` once
/// `prompt` has been printed. `None` when `script` is not available.
pub fn run_on_terminal(
    world: &World,
    args: &[&str],
    env: &[(&str, &str)],
    prompt: &str,
    answer: &str,
) -> Option<Run> {
    use std::io::{Read, Write};
    if Command::new("script").arg("--version").output().is_err() {
        return None;
    }
    let line = std::iter::once(BIN.to_string())
        .chain(
            args.iter()
                .map(|a| format!("'{}'", a.replace('\'', "'\\''"))),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = world.hermetic("script");
    for (k, v) in env {
        script.env(k, v);
    }
    let mut child = script
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains(prompt) {
        let n = stdout.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "no prompt {prompt:?} in: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    stdout.read_to_end(&mut seen).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    Some(Run {
        code: status.code().unwrap(),
        stdout: String::from_utf8_lossy(&seen).into_owned(),
        stderr: String::new(),
    })
}

/// Whether a program a test needs is on this machine. Without it the test says so and skips,
/// except under `.ci/run` (`LINKEDIN_PRIVACY_REQUIRE_TOOLS=1`), which installs every such
/// program: there a missing one fails the test instead of passing silently.
#[must_use = "skip the test when the program is missing"]
pub fn have(program: &str, test: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("LINKEDIN_PRIVACY_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{test} needs {program}, and .ci/run installs it: it is missing"
        );
        eprintln!("SKIPPED: {test} needs {program}");
    }
    found
}

/// The DOM a real headless Chromium builds from `url` (a `file://` page), after its scripts ran:
/// what a person would see, for the tests of the pages the tool writes.
pub fn chromium_dom(w: &World, url: &str) -> String {
    let out = w
        .hermetic("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", w.path("chromium-profile").display()),
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ])
        .output()
        .expect("chromium runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Validates XML against an XML Schema with xmllint; the error text when it does not hold.
pub fn xsd_problems(xml: &str, xsd: &Path) -> Option<String> {
    use std::io::Write;
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).into_owned())
}
