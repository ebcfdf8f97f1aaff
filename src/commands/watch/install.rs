//! `watch install` and `watch remove`: the scheduler's files and commands, and the crontab.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{Ctx, Exit, InstallArgs, WEBHOOK_SECRET, default_scheduler, exe, forwarded, local};
use crate::error::Error;
use crate::secret::Secret;
use crate::watch::notify;
use crate::watch::schedule::Schedule;
use crate::watch::state::{Channels, Config, Installed, Places};
use crate::watch::units::{self, Job};

/// The files a scheduler's job is written to, with their text.
fn files(ctx: &Ctx, scheduler: &str, job: &Job) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let env = &ctx.settings.env;
    Ok(match scheduler {
        "systemd" => {
            let base = env
                .xdg_config_home
                .clone()
                .filter(|d| d.is_absolute())
                .or_else(|| env.home.as_ref().map(|h| h.join(".config")))
                .ok_or_else(|| Error::usage("HOME is not set", None))?
                .join("systemd/user");
            vec![
                (
                    base.join(format!("{}.service", units::NAME)),
                    job.systemd_service(),
                ),
                (
                    base.join(format!("{}.timer", units::NAME)),
                    job.systemd_timer(),
                ),
            ]
        }
        "launchd" => {
            let home = env
                .home
                .clone()
                .ok_or_else(|| Error::usage("HOME is not set", None))?;
            vec![(
                home.join("Library/LaunchAgents")
                    .join(format!("{}.plist", units::LAUNCHD_LABEL)),
                job.launchd_plist(),
            )]
        }
        _ => Vec::new(),
    })
}

pub(super) fn install(ctx: &Ctx, places: &Places, a: InstallArgs) -> anyhow::Result<Exit> {
    let schedule = Schedule::parse(&a.every, a.at.as_deref()).map_err(|e| {
        Error::usage(
            e,
            Some("for example: watch install --every 1d --at 09:00".to_string()),
        )
    })?;
    if let Some(to) = &a.notify.email
        && !notify::valid_address(to)
    {
        return Err(Error::usage(
            format!(
                "--email {:?} is not an e-mail address",
                crate::text::clean_line(to, 80)
            ),
            None,
        )
        .into());
    }
    let scheduler = a
        .scheduler
        .clone()
        .unwrap_or_else(|| default_scheduler().to_string());
    let exe = exe()?;
    let args = forwarded(ctx);
    if !units::writable(&args) || !units::writable(&[exe.display().to_string()]) {
        return Err(Error::usage(
            "a flag value holds a control character, which no scheduler's file can hold",
            None,
        )
        .into());
    }
    let job = Job {
        exe: &exe,
        args: &args,
        schedule,
    };
    let written = files(ctx, &scheduler, &job)?;
    if a.print {
        // On Linux, with no scheduler named, both: the systemd units, and the crontab line
        // used where no systemd user session runs.
        let shown: Vec<&str> = match (&a.scheduler, cfg!(target_os = "linux")) {
            (None, true) => vec!["systemd", "cron"],
            _ => vec![scheduler.as_str()],
        };
        let mut out = format!("# `watch install` here would use {scheduler}.\n");
        for name in shown {
            for (path, text) in files(ctx, name, &job)? {
                out.push_str(&format!("# {}\n{text}\n", path.display()));
            }
            match name {
                "cron" => out.push_str(&format!("# crontab -e\n{}\n", job.cron_line())),
                "schtasks" => out.push_str(&format!("schtasks {}\n", job.schtasks().join(" "))),
                _ => {}
            }
        }
        crate::output::write_stdout(&out)?;
        return Ok(Exit::Ok);
    }
    let mut config = Config::load(places).map_err(local)?;
    if scheduler == "cron" && !units::cron_safe(&job) {
        return Err(Error::usage(
            "a path or flag value holds `%` or a backslash, which a crontab line cannot carry safely",
            Some("use the systemd timer (--scheduler systemd), or paths without them".to_string()),
        )
        .into());
    }
    // The installation before stays until this one works: its files are put back, and the
    // address before restored, if this one fails.
    let previous = config.installed.clone();
    let store = ctx.connector.store()?;
    let old_secret = store.load_secret(WEBHOOK_SECRET).ok().flatten();
    let old_files: Vec<Option<Vec<u8>>> =
        written.iter().map(|(p, _)| std::fs::read(p).ok()).collect();
    let channels = a.notify.channels();
    if let Some(url) = &a.notify.webhook {
        let url = if url == "-" {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Secret::new(line.trim())
        } else {
            Secret::new(url.as_str())
        };
        notify::webhook_url(&url).map_err(|e| Error::usage(e, None))?;
        store.save_secret(WEBHOOK_SECRET, &url)?;
    }
    let said = written_and_scheduled(&scheduler, &job, &written);
    let said = match said {
        Ok(said) => said,
        Err(e) => {
            for ((path, _), old) in written.iter().zip(&old_files) {
                let _ = match old {
                    Some(bytes) => crate::fsx::write_atomic(path, bytes, 0o644),
                    None => std::fs::remove_file(path),
                };
            }
            if a.notify.webhook.is_some() {
                let _ = match &old_secret {
                    Some(old) => store.save_secret(WEBHOOK_SECRET, old),
                    None => store.delete_secret(WEBHOOK_SECRET),
                };
            }
            return Err(Error::Io {
                what: format!("the {scheduler} scheduler"),
                detail: format!("{e}; the watch installed before, if any, is as it was"),
            }
            .into());
        }
    };
    // Now that this one works: the one before goes, when another scheduler ran it, and an
    // address no channel uses any more.
    if let Some(before) = previous.filter(|p| p.scheduler != scheduler) {
        ctx.out.note(&format!(
            "Removing the {} job installed before.",
            before.scheduler
        ));
        let mut old = config.clone();
        old.installed = Some(before);
        uninstall(ctx, &old);
    }
    if a.notify.webhook.is_none() && old_secret.is_some() {
        let _ = store.delete_secret(WEBHOOK_SECRET);
    }
    config.every = Some(job.schedule.flags().0);
    config.at = Some(job.schedule.flags().1);
    config.channels = channels;
    config.installed = Some(Installed {
        scheduler: scheduler.clone(),
        files: written.iter().map(|(p, _)| p.clone()).collect(),
        at: ctx.time.clock.rfc3339(),
    });
    config.save(places).map_err(local)?;
    ctx.out
        .note(&format!("Installed: {said}, {}.", job.schedule));
    for (path, _) in &written {
        ctx.out.note(&format!("Wrote {}.", path.display()));
    }
    ctx.out.note(&format!(
        "Channels: {}. `{}` shows whether they work; `{}` sends a test notice.",
        describe(&config.channels),
        ctx.settings.words.command("watch status"),
        ctx.settings.words.command("watch run --test")
    ));
    Ok(Exit::Ok)
}

/// Writes the job's files and tells the scheduler; what it says it installed.
fn written_and_scheduled(
    scheduler: &str,
    job: &Job,
    written: &[(PathBuf, String)],
) -> Result<String, String> {
    for (path, text) in written {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        crate::fsx::write_atomic(path, text.as_bytes(), 0o644)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    match scheduler {
        "systemd" => {
            let timer = format!("{}.timer", units::NAME);
            run_quietly("systemctl", &["--user", "daemon-reload"])
                .and_then(|()| run_quietly("systemctl", &["--user", "enable", "--now", &timer]))
                .map(|()| format!("systemd user timer {timer} enabled"))
        }
        "cron" => install_cron(&job.cron_line()).map(|()| "a line in your crontab".to_string()),
        "launchd" => {
            let plist = written[0].0.display().to_string();
            run_quietly("launchctl", &["load", "-w", &plist])
                .map(|()| format!("launchd agent {}", units::LAUNCHD_LABEL))
        }
        _ => {
            let args = job.schtasks();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_quietly("schtasks", &args).map(|()| format!("Task Scheduler task {}", units::NAME))
        }
    }
}

pub(super) fn describe(c: &Channels) -> String {
    let mut out = Vec::new();
    if c.desktop {
        out.push("desktop".to_string());
    }
    if c.command.is_some() {
        out.push("command".to_string());
    }
    if let Some(f) = &c.webhook {
        out.push(format!("webhook ({f}, address in the session store)"));
    }
    if let Some(e) = &c.email {
        out.push(format!("e-mail to {e}"));
    }
    if out.is_empty() {
        "none".to_string()
    } else {
        out.join(", ")
    }
}

fn run_quietly(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {} failed: {}",
            args.join(" "),
            crate::text::clean_line(String::from_utf8_lossy(&out.stderr).trim(), 200)
        ))
    }
}

/// The user's crontab, line by line, as bytes (a line in another encoding comes back as it
/// was). No crontab yet is an empty one; any other failure is an error, so that a crontab
/// that could not be read is never written over.
fn crontab_lines() -> Result<Vec<Vec<u8>>, String> {
    let out = Command::new("crontab")
        .arg("-l")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run crontab: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).to_lowercase();
        if out.stdout.is_empty() && said.contains("no crontab") {
            return Ok(Vec::new());
        }
        return Err(format!(
            "crontab -l failed ({}), so the crontab is left as it is",
            crate::text::clean_line(said.trim(), 160)
        ));
    }
    let mut lines: Vec<Vec<u8>> = out
        .stdout
        .split(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    Ok(lines)
}

fn marked(line: &[u8]) -> bool {
    line.windows(units::CRON_MARKER.len())
        .any(|w| w == units::CRON_MARKER.as_bytes())
}

fn set_crontab(lines: &[Vec<u8>]) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("crontab")
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run crontab: {e}"))?;
    let mut text = lines.join(&b'\n');
    text.push(b'\n');
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&text).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(crate::text::clean_line(
            String::from_utf8_lossy(&out.stderr).trim(),
            200,
        ))
    }
}

fn install_cron(line: &str) -> Result<(), String> {
    let mut lines: Vec<Vec<u8>> = crontab_lines()?
        .into_iter()
        .filter(|l| !marked(l))
        .collect();
    lines.push(line.as_bytes().to_vec());
    set_crontab(&lines)
}

/// Undoes an installation; what cannot be undone is said, never fatal.
fn uninstall(ctx: &Ctx, config: &Config) -> Vec<String> {
    let mut removed = Vec::new();
    let Some(installed) = &config.installed else {
        return removed;
    };
    let outcome = match installed.scheduler.as_str() {
        "systemd" => {
            let timer = format!("{}.timer", units::NAME);
            run_quietly("systemctl", &["--user", "disable", "--now", &timer])
        }
        "cron" => crontab_lines().and_then(|lines| {
            // Only when the line is there: the rest of the crontab is never rewritten for
            // nothing.
            if lines.iter().any(|l| marked(l)) {
                set_crontab(&lines.into_iter().filter(|l| !marked(l)).collect::<Vec<_>>())
            } else {
                Ok(())
            }
        }),
        "launchd" => installed.files.first().map_or(Ok(()), |p| {
            run_quietly("launchctl", &["unload", "-w", &p.display().to_string()])
        }),
        _ => run_quietly("schtasks", &["/Delete", "/TN", units::NAME, "/F"]),
    };
    match outcome {
        Ok(()) => removed.push(format!("the {} job", installed.scheduler)),
        Err(e) => ctx.out.warn(&format!(
            "could not stop the {} job: {e}",
            installed.scheduler
        )),
    }
    for f in &installed.files {
        match std::fs::remove_file(f) {
            Ok(()) => removed.push(f.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => ctx
                .out
                .warn(&format!("could not remove {}: {e}", f.display())),
        }
    }
    if installed.scheduler == "systemd" {
        let _ = run_quietly("systemctl", &["--user", "daemon-reload"]);
    }
    removed
}

pub(super) fn remove(ctx: &Ctx, places: &Places) -> anyhow::Result<Exit> {
    let mut config = Config::load(places).map_err(local)?;
    if config.installed.is_none() {
        ctx.out.note("No watch is installed; nothing to remove.");
        return Ok(Exit::Ok);
    }
    let removed = uninstall(ctx, &config);
    if config.channels.webhook.is_some() {
        ctx.connector.store()?.delete_secret(WEBHOOK_SECRET)?;
        ctx.out.note("Forgot the webhook address.");
    }
    config.installed = None;
    config.channels = Channels::default();
    config.save(places).map_err(local)?;
    for r in removed {
        ctx.out.note(&format!("Removed {r}."));
    }
    Ok(Exit::Ok)
}
