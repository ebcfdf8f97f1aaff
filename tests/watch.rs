//! `watch`: the units each scheduler gets (systemd's verified by systemd-analyze, the plist by a
//! plist parser, the crontab line by its fields and sh), and `watch run` against the sandbox: a
//! setting switched back on (through the sandbox's flip route) tells every channel once, a
//! failing check tells once a day, and the session token is in no notice, file, log or argv.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::canary::{CANARY, canary_world};
use crate::common::{World, files_below, have, run, run_with_stdin};

/// Sets `setting` of `account` through the sandbox's flip route, as LinkedIn might on its own.
fn flip(w: &World, account: &str, setting: &str, to: &str) {
    let base = w.sandbox.base_url();
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /__sandbox/flip?account={account}&setting={setting}&to={to} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the flip was refused: {answer}"
    );
}

/// A loopback webhook receiver that keeps every body it is sent.
struct Hook {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

fn hook() -> Hook {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/t0ken", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    Hook { url, bodies }
}

/// A private session bus with a notification service that records each call.
struct Desktop {
    address: String,
    calls: Arc<Mutex<Vec<(String, String)>>>,
    daemon: Child,
    _conn: zbus::blocking::Connection,
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Recorder {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        _actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        self.0
            .lock()
            .unwrap()
            .push((summary.to_string(), body.to_string()));
        1
    }
}

fn desktop() -> Desktop {
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon starts (.ci/run installs dbus)");
    let mut address = String::new();
    BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_string();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let conn = zbus::blocking::connection::Builder::address(address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            Recorder(Arc::clone(&calls)),
        )
        .unwrap()
        .build()
        .expect("the test's notification service is on the bus");
    Desktop {
        address,
        calls,
        daemon,
        _conn: conn,
    }
}

/// Writes a shell script `name` into the world's `bin` folder (replacing one there) and gives
/// the PATH that finds it first.
fn on_path(w: &World, name: &str, script: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = w.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join(name), format!("#!/bin/sh\n{script}")).unwrap();
    std::fs::set_permissions(bin.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A `sendmail` that appends what it is given to `$HOME/mail.txt`.
fn fake_sendmail(w: &World) -> String {
    on_path(
        w,
        "sendmail",
        "echo \"ARGS: $*\" >> \"$HOME/mail.txt\"\ncat >> \"$HOME/mail.txt\"\necho '--- end' >> \"$HOME/mail.txt\"\n",
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The command channel: each notice one JSON line, and what the shell's parent was started with
/// and the environment it was given, to look for the token in.
const RECORD: &str = "cat >> \"$HOME/command.ndjson\"; echo >> \"$HOME/command.ndjson\"; tr '\\0' ' ' < /proc/$PPID/cmdline >> \"$HOME/argv.txt\"; env >> \"$HOME/env.txt\"";

fn notices(w: &World) -> Vec<Value> {
    read(&w.path("command.ndjson"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("the command gets JSON"))
        .collect()
}

#[test]
fn a_setting_switched_back_on_tells_every_channel_once() {
    if !have("dbus-daemon", "the watch's desktop notice") {
        return;
    }
    let w = canary_world();
    let login = w.login_profile("default", "private");
    assert_eq!(login.code, 0, "{}", login.stderr);
    let bus = desktop();
    let hook = hook();
    let path = fake_sendmail(&w);
    let history = w.path("history.sqlite3").display().to_string();
    let watch = || {
        let mut cmd = w.cmd();
        cmd.env("PATH", &path)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .args(["--insecure-storage", "--history", &history, "watch", "run"])
            .args(["--desktop", "--notify-command", RECORD])
            .args(["--webhook", &hook.url, "--email", "ada@example.com"]);
        run(&mut cmd)
    };
    let first = watch();
    assert_eq!(first.code, 0, "private: {}{}", first.stdout, first.stderr);
    assert!(notices(&w).is_empty(), "nothing to tell yet");
    assert!(hook.bodies.lock().unwrap().is_empty());
    assert!(bus.calls.lock().unwrap().is_empty());

    flip(&w, "private", "generative-ai-training", "on");
    let second = watch();
    assert_eq!(
        second.code, 1,
        "exposed now: {}{}",
        second.stdout, second.stderr
    );
    let told = notices(&w);
    assert_eq!(told.len(), 1, "one notice through the command: {told:?}");
    let events = told[0]["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["kind"], "switched_back_on");
    assert_eq!(events[0]["setting"], "generative-ai-training");
    assert_eq!(events[0]["was"], "private");
    assert_eq!(events[0]["member"], "grace-hopper");
    let bodies = hook.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "one POST: {bodies:?}");
    let posted: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(posted["events"][0]["kind"], "switched_back_on");
    assert!(
        posted["text"]
            .as_str()
            .unwrap()
            .contains("switched back on"),
        "a text hooks show"
    );
    let calls = bus.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "one desktop notice: {calls:?}");
    assert!(calls[0].0.contains("switched back on"), "{calls:?}");
    assert!(
        calls[0]
            .1
            .contains("opt-out --setting generative-ai-training"),
        "{calls:?}"
    );
    let mail = read(&w.path("mail.txt"));
    assert_eq!(mail.matches("--- end").count(), 1, "{mail}");
    assert!(mail.contains("ARGS: -oi -- ada@example.com"), "{mail}");
    assert!(
        mail.contains("To: ada@example.com\nSubject: LinkedIn privacy: switched back on"),
        "{mail}"
    );

    // The same state again: nothing new, nobody told twice.
    let third = watch();
    assert_eq!(third.code, 1);
    assert_eq!(notices(&w).len(), 1);
    assert_eq!(hook.bodies.lock().unwrap().len(), 1);
    assert_eq!(bus.calls.lock().unwrap().len(), 1);
    assert_eq!(read(&w.path("mail.txt")).matches("--- end").count(), 1);

    let status = run(w.cmd().args(["--json", "watch", "status"]));
    let status = status.json();
    assert_eq!(status["last_run"]["exit"], 1);
    for c in status["channels"].as_array().unwrap() {
        assert_eq!(c["last"]["ok"], true, "{c}");
    }
    let log = read(&w.path("data/linkedin-privacy/watch/log"));
    assert!(log.contains("switched_back_on"), "{log}");
    // The token: in no notice, no file the tool or a channel wrote, no argv, no environment
    // the command was given.
    for r in [&first, &second, &third] {
        assert!(!r.stdout.contains(CANARY) && !r.stderr.contains(CANARY));
    }
    for body in bodies.iter().chain(calls.iter().map(|c| &c.1)) {
        assert!(!body.contains(CANARY), "{body}");
    }
    for f in files_below(w.home.path()) {
        if f.ends_with("sessions.json") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into_owned();
        assert!(!text.contains(CANARY), "the token is in {}", f.display());
    }
    assert!(read(&w.path("argv.txt")).contains("watch run"));
}

#[test]
fn a_failing_check_tells_once_a_day_and_says_what_to_do() {
    let w = canary_world();
    let watch = |account: &str, now: &str, extra: &[&str]| {
        let mut cmd = w.as_account(account);
        cmd.env("LINKEDIN_PRIVACY_NOW", now).args(extra).args([
            "watch",
            "run",
            "--notify-command",
            RECORD,
        ]);
        run(&mut cmd)
    };
    let day1 = "2026-12-01T08:00:00Z";
    let expired = watch("expired", day1, &[]);
    assert_eq!(expired.code, 4, "{}", expired.stderr);
    let again = watch("expired", day1, &[]);
    assert_eq!(again.code, 4);
    let told = notices(&w);
    assert_eq!(
        told.len(),
        1,
        "one notice a day for the same failure: {told:?}"
    );
    let e = &told[0]["events"][0];
    assert_eq!(e["kind"], "check_failed");
    assert_eq!(e["exit"], 4);
    assert_eq!(e["error"], "session_expired");
    assert!(e["what_to_do"].as_str().unwrap().contains("login"), "{e}");
    // The next day it is told again.
    let next_day = watch("expired", "2026-12-02T08:00:00Z", &[]);
    assert_eq!(next_day.code, 4);
    assert_eq!(notices(&w).len(), 2);
    // Blocked (999) and the network down are failures of their own.
    let blocked = watch("blocked", "2026-12-02T09:00:00Z", &["--retries", "0"]);
    assert_eq!(blocked.code, 5, "{}", blocked.stderr);
    let down = {
        let mut cmd = w.as_account("demo");
        cmd.env("LINKEDIN_PRIVACY_BASE_URL", "http://127.0.0.1:9")
            .env("LINKEDIN_PRIVACY_NOW", "2026-12-02T10:00:00Z")
            .args(["--retries", "0", "watch", "run", "--notify-command", RECORD]);
        run(&mut cmd)
    };
    assert_eq!(down.code, 6, "{}", down.stderr);
    let kinds: Vec<(Value, Value)> = notices(&w)
        .iter()
        .map(|n| {
            (
                n["events"][0]["exit"].clone(),
                n["events"][0]["kind"].clone(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds[2].0, 5);
    assert_eq!(kinds[3].0, 6);
    // The command's environment holds no session, though the check's did.
    let env = read(&w.path("env.txt"));
    assert!(
        !env.is_empty() && !env.contains(CANARY) && !env.contains("LINKEDIN_LI_AT"),
        "{env}"
    );
    // A channel that fails is said in the status and by the next run.
    let broken = {
        let mut cmd = w.as_account("demo");
        cmd.env("LINKEDIN_PRIVACY_NOW", "2026-12-02T11:00:00Z")
            .args(["watch", "run", "--notify-command", "exit 3"]);
        run(&mut cmd)
    };
    // Told nowhere: exit 7, and the events are kept for the next run.
    assert_eq!(broken.code, 7, "{}", broken.stderr);
    assert!(
        broken.stdout.contains("Could NOT tell through command"),
        "{}",
        broken.stdout
    );
    let status = run(w.cmd().args(["watch", "status"]));
    assert!(
        status.stdout.contains("Channel command: FAILED"),
        "{}",
        status.stdout
    );
    let after = w.run("demo", &["watch", "run", "--notify-command", RECORD]);
    assert!(
        after.stderr.contains("the command channel failed"),
        "{}",
        after.stderr
    );
    assert_eq!(after.code, 1, "{}", after.stderr);
    let last = notices(&w).pop().unwrap();
    assert_eq!(
        last["events"].as_array().unwrap().len(),
        17,
        "the untold events, told now"
    );
    // A command that leaves something running never holds the run past its own exit.
    flip(&w, "demo", "generative-ai-training", "off");
    assert_eq!(
        w.run("demo", &["watch", "run", "--notify-command", RECORD])
            .code,
        1
    );
    flip(&w, "demo", "generative-ai-training", "on");
    let started = std::time::Instant::now();
    let lingering = w.run(
        "demo",
        &["watch", "run", "--notify-command", "sleep 60 & exit 0"],
    );
    assert_eq!(
        lingering.code, 1,
        "{}{}",
        lingering.stdout, lingering.stderr
    );
    assert!(
        lingering.stdout.contains("switched back on"),
        "{}",
        lingering.stdout
    );
    assert!(
        lingering.stdout.contains("Told through command"),
        "{}",
        lingering.stdout
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "held by the command's child"
    );
}

#[test]
fn the_units_each_scheduler_gets_are_valid() {
    let w = World::new();
    let print = |scheduler: &str| {
        let r = run(w.cmd().args([
            "--sandbox",
            "watch",
            "install",
            "--every",
            "12h",
            "--at",
            "07:30",
            "--print",
            "--scheduler",
            scheduler,
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    // systemd: each file after its `# PATH` line, verified by systemd itself.
    let systemd = print("systemd");
    let dir = w.path("units");
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in systemd.lines() {
        if let Some(path) = line.strip_prefix("# /") {
            if let Some(done) = current.take() {
                written.push(done);
            }
            let name = Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            current = Some((name, String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    written.extend(current);
    let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "linkedin-privacy-watch.service",
            "linkedin-privacy-watch.timer"
        ]
    );
    for (name, text) in &written {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let timer = &written[1].1;
    assert!(
        timer.contains("Persistent=true") && timer.contains("OnCalendar=*-*-* 7,19:30:00"),
        "{timer}"
    );
    if have("systemd-analyze", "verifying the systemd units") {
        let out = Command::new("systemd-analyze")
            .arg("verify")
            .args(written.iter().map(|(n, _)| dir.join(n)))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "systemd-analyze verify: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // cron: five fields in range, and a command sh parses.
    let cron = print("cron");
    let line = cron.lines().find(|l| !l.starts_with('#')).unwrap();
    let fields: Vec<&str> = line.splitn(6, ' ').collect();
    let ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    for (field, (lo, hi)) in fields[..5].iter().zip(ranges) {
        if *field == "*" || field.starts_with("*/") {
            continue;
        }
        for n in field.split(',') {
            let n: u32 = n.parse().unwrap_or_else(|_| panic!("{field} in {line}"));
            assert!((lo..=hi).contains(&n), "{field} in {line}");
        }
    }
    assert_eq!(&fields[..2], ["30", "7,19"]);
    let sh = Command::new("sh")
        .args(["-n", "-c", fields[5]])
        .status()
        .unwrap();
    assert!(sh.success(), "sh cannot parse {}", fields[5]);
    assert!(
        fields[5].contains("'--sandbox=demo' 'watch' 'run'"),
        "{line}"
    );
    // launchd: a plist with the keys launchd needs.
    let plist = print("launchd");
    let xml = plist.split_once('\n').map(|(_, rest)| rest).unwrap();
    let xml = xml.split_once('\n').map(|(_, rest)| rest).unwrap();
    std::fs::write(dir.join("agent.plist"), xml).unwrap();
    let check = Command::new("python3")
        .arg("-c")
        .arg(
            "import plistlib, sys\n\
             p = plistlib.load(open(sys.argv[1], 'rb'))\n\
             assert p['Label'] == 'org.linkedin-privacy.watch', p\n\
             assert p['ProgramArguments'][-3:] == ['--sandbox=demo', 'watch', 'run'], p\n\
             assert [(i['Hour'], i['Minute']) for i in p['StartCalendarInterval']] == [(7, 30), (19, 30)], p\n",
        )
        .arg(dir.join("agent.plist"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Bad schedules are refused in one line, nothing written.
    for bad in [["--every", "5h"], ["--at", "25:00"]] {
        let r = run(w.cmd().args(["watch", "install", "--print"]).args(bad));
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
}

#[test]
fn install_and_remove_touch_only_what_they_wrote() {
    let w = canary_world();
    assert_eq!(w.login_profile("default", "private").code, 0);
    // A systemctl that records what it is asked, so that no real scheduler is touched.
    let path = on_path(&w, "systemctl", "echo \"$*\" >> \"$HOME/systemctl.txt\"\n");
    let hook = hook();
    let mut install = w.cmd();
    install.env("PATH", &path).args([
        "--insecure-storage",
        "watch",
        "install",
        "--scheduler",
        "systemd",
        "--webhook",
        "-",
        "--notify-command",
        RECORD,
    ]);
    let r = run_with_stdin(&mut install, &format!("{}\n", hook.url));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let units = w.path("config/systemd/user");
    let service = read(&units.join("linkedin-privacy-watch.service"));
    assert!(
        service.contains("\"--insecure-storage\"") && service.contains("\"watch\" \"run\"\n"),
        "{service}"
    );
    assert!(
        !service.contains("t0ken") && !service.contains(CANARY),
        "no secret in the unit: {service}"
    );
    assert!(
        read(&w.path("systemctl.txt")).contains("--user enable --now linkedin-privacy-watch.timer")
    );
    // The scheduled run uses the installed channels and the stored address.
    let mut scheduled = w.cmd();
    scheduled
        .env("PATH", &path)
        .args(["--insecure-storage", "watch", "run", "--test"]);
    let r = run(&mut scheduled);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        hook.bodies.lock().unwrap().len(),
        1,
        "the stored webhook was told"
    );
    assert_eq!(notices(&w).len(), 1);
    let mut remove = w.cmd();
    remove
        .env("PATH", &path)
        .args(["--insecure-storage", "watch", "remove"]);
    let r = run(&mut remove);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!units.join("linkedin-privacy-watch.service").exists());
    assert!(!units.join("linkedin-privacy-watch.timer").exists());
    assert!(
        read(&w.path("systemctl.txt"))
            .contains("--user disable --now linkedin-privacy-watch.timer")
    );
    assert!(
        !files_below(w.home.path())
            .iter()
            .any(|f| read(f).contains("t0ken")),
        "the webhook address is forgotten"
    );
    // The session is untouched.
    assert!(read(&w.path("config/linkedin-privacy/sessions.json")).contains(CANARY));
}

#[test]
fn the_flip_route_refuses_what_it_cannot_set() {
    let w = World::new();
    let base = w.sandbox.base_url();
    let addr = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let post = |query: &str| {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST /__sandbox/flip?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer.split(' ').nth(1).unwrap_or("").to_string()
    };
    assert_eq!(
        post("account=nobody&setting=generative-ai-training&to=on"),
        "404"
    );
    assert_eq!(post("account=private&setting=no-such-setting&to=on"), "404");
    assert_eq!(
        post("account=private&setting=generative-ai-training&to=maybe"),
        "400"
    );
    assert_eq!(
        post("account=private&setting=generative-ai-training"),
        "400"
    );
    // A listed value of a choice, and the next audit reads it.
    assert_eq!(
        post("account=private&setting=profile-viewing&to=DISCLOSE_FULL"),
        "200"
    );
    let r = w.run(
        "private",
        &["--json", "audit", "--setting", "profile-viewing"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["settings"][0]["state"], "DISCLOSE_FULL");
}

#[test]
fn a_crontab_that_cannot_be_read_is_never_written_over() {
    let w = World::new();
    // `crontab -l` fails for another reason than "no crontab"; `crontab -` records any write.
    let path = on_path(
        &w,
        "crontab",
        "if [ \"$1\" = -l ]; then echo 'crontab: cannot open spool' >&2; exit 1; fi\ncat > \"$HOME/written\"\n",
    );
    let r = run(w.cmd().env("PATH", &path).args([
        "--sandbox",
        "watch",
        "install",
        "--scheduler",
        "cron",
    ]));
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("left as it is"), "{}", r.stderr);
    assert!(!w.path("written").exists(), "the crontab was written over");
    // An empty crontab ("no crontab for …") gets the line, and remove takes out that line only.
    std::fs::write(w.path("crontab.txt"), "MAILTO=me\n0 1 * * * backup\n").unwrap();
    on_path(
        &w,
        "crontab",
        "if [ \"$1\" = -l ]; then cat \"$HOME/crontab.txt\"; exit 0; fi\ncat > \"$HOME/crontab.txt\"\n",
    );
    let r = run(w.cmd().env("PATH", &path).args([
        "--sandbox",
        "watch",
        "install",
        "--scheduler",
        "cron",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let installed = read(&w.path("crontab.txt"));
    assert!(
        installed.starts_with("MAILTO=me\n0 1 * * * backup\n0 9 * * * "),
        "{installed}"
    );
    let r = run(w
        .cmd()
        .env("PATH", &path)
        .args(["--sandbox", "watch", "remove"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(&w.path("crontab.txt")),
        "MAILTO=me\n0 1 * * * backup\n"
    );
}
