//! `linkedin-privacy man [COMMAND] [--out DIR]`: the manual pages (roff), made from the same
//! definitions as `--help`, for the tool and each of its commands, with the sections a manual
//! page has (EXAMPLES, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO), laid out so that `mandoc
//! -Tlint` has nothing to say.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use super::exit::Exit;
use crate::error::Error;

/// The date in every page's title: when the pages' text last changed.
const PAGE_DATE: &str = "2026-12-01";

#[derive(Debug, Args)]
#[command(after_help = "\
Read a page with `linkedin-privacy man audit | man -l -`, or install them all where man finds
them (a folder named in MANPATH, or ~/.local/share/man on most systems):
  linkedin-privacy man --out ~/.local/share/man/man1")]
pub struct ManArgs {
    /// The command to print the page of (default: the tool's own page)
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Option<String>,

    /// Write every page (the tool's and each command's) into DIR, created if missing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `cli` is the whole command line's definition, handed down by the dispatcher.
pub fn run(ctx: &Ctx, args: ManArgs, cli: clap::Command) -> anyhow::Result<Exit> {
    let mut cli = cli.name("linkedin-privacy").disable_help_subcommand(true);
    // Built, so every command's page lists the global options it takes too.
    cli.build();
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            what: dir.display().to_string(),
            detail: e.to_string(),
        })?;
        let mut pages = vec![("linkedin-privacy.1".to_string(), page(&cli, None, &names)?)];
        for name in &names {
            pages.push((
                format!("linkedin-privacy-{name}.1"),
                page(&cli, Some(name), &names)?,
            ));
        }
        for (file, text) in &pages {
            let path = dir.join(file);
            crate::fsx::write_atomic(&path, text.as_bytes(), 0o644).map_err(|e| Error::Io {
                what: path.display().to_string(),
                detail: e.to_string(),
            })?;
        }
        ctx.out.note(&format!(
            "Wrote {} pages into {}; `man linkedin-privacy` finds them when that folder's parent is in MANPATH (or is ~/.local/share/man).",
            pages.len(),
            dir.display()
        ));
        return Ok(Exit::Ok);
    }
    if let Some(name) = &args.command
        && !names.contains(name)
    {
        return Err(Error::usage(
            format!(
                "there is no command {:?}",
                crate::text::clean_line(name, 40)
            ),
            Some(format!("one of: {}", names.join(", "))),
        )
        .into());
    }
    crate::output::write_stdout(&page(&cli, args.command.as_deref(), &names)?)?;
    Ok(Exit::Ok)
}

/// One page: the tool's (`None`) or a command's.
fn page(cli: &clap::Command, command: Option<&str>, names: &[String]) -> anyhow::Result<String> {
    let (cmd, title) = match command {
        None => (cli.clone(), "LINKEDIN-PRIVACY".to_string()),
        Some(name) => {
            let sub = cli
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| Error::usage(format!("no command {name}"), None))?;
            let full = format!("linkedin-privacy-{name}");
            (
                sub.name(full.clone())
                    .bin_name(format!("linkedin-privacy {name}"))
                    .version(env!("CARGO_PKG_VERSION")),
                full.to_uppercase(),
            )
        }
    };
    let man = clap_mangen::Man::new(cmd.clone())
        .title(title)
        .date(PAGE_DATE)
        .source(format!("linkedin-privacy {}", env!("CARGO_PKG_VERSION")))
        .manual("linkedin-privacy manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if command.is_none() {
        man.render_subcommands_section(&mut out)?;
    }
    if cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    let mut roff = String::from_utf8_lossy(&out).into_owned();
    roff.push_str(&examples(command));
    roff.push_str(&exit_status(command));
    if command.is_none() {
        roff.push_str(ENVIRONMENT);
        roff.push_str(FILES);
    }
    roff.push_str(&see_also(command, names));
    Ok(lint_clean(&roff))
}

/// Two or three command lines per page, each with what it does.
fn examples(command: Option<&str>) -> String {
    let list = super::examples(command);
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(".SH EXAMPLES\n");
    for (line, what) in list {
        out.push_str(&format!(
            ".TP\n.B {}\n{}\n",
            roff_text(line),
            roff_text(what)
        ));
    }
    out
}

fn exit_status(command: Option<&str>) -> String {
    let codes = [
        (Exit::Ok, "private (for audit), or success"),
        (
            Exit::Exposed,
            "exposed: at least one setting lets LinkedIn use your data",
        ),
        (
            Exit::Usage,
            "usage: a bad flag or value, or an input file that cannot be used",
        ),
        (
            Exit::Unknown,
            "a state could not be read with certainty, or a reply drifted",
        ),
        (
            Exit::Session,
            "not signed in, the session expired or was revoked, a challenge",
        ),
        (
            Exit::Throttled,
            "throttled (429) or blocked (999) after the bounded retries",
        ),
        (Exit::Network, "a network failure or timeout"),
        (Exit::Io, "output or a local file could not be written"),
        (Exit::Bug, "an internal error (a bug)"),
        (Exit::Interrupted, "interrupted by a signal"),
    ];
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    if command.is_some() {
        out.push_str("As every command of linkedin\\-privacy(1):\n");
    }
    for (code, what) in codes {
        out.push_str(&format!(".TP\n.B {}\n{}\n", code.code(), roff_text(what)));
    }
    out
}

const ENVIRONMENT: &str = ".SH ENVIRONMENT
.TP
.B LINKEDIN_LI_AT, LINKEDIN_JSESSIONID
A session for this shell; it wins over every store and is never written.
.TP
.B LINKEDIN_PRIVACY_PROFILE
The stored session to use, like \\-\\-profile.
.TP
.B LINKEDIN_PRIVACY_BASE_URL
Another origin, like \\-\\-base\\-url.
.TP
.B LINKEDIN_PRIVACY_CATALOG
Another settings catalog, like \\-\\-catalog.
.TP
.B LINKEDIN_PRIVACY_KEYRING
os (the default) or none: never touch the OS keyring.
.TP
.B LINKEDIN_PRIVACY_HISTORY
The history file, like \\-\\-history, or none.
.TP
.B NO_COLOR, TERM
No colour when NO_COLOR is set or TERM is dumb.
.TP
.B HTTPS_PROXY, NO_PROXY
The proxy for LinkedIn, never for loopback.
.TP
.B XDG_CONFIG_HOME, XDG_DATA_HOME, HOME
Where sessions, the history and the watch's files go.
";

const FILES: &str = ".SH FILES
.TP
.I ~/.config/linkedin\\-privacy/
config.toml, the profile index, and sessions.json (0600) with \\-\\-insecure\\-storage.
.TP
.I ~/.local/share/linkedin\\-privacy/history.sqlite3
The history of audits, writes and objections.
.TP
.I ~/.local/share/linkedin\\-privacy/watch/
The scheduled check's state and log.
";

fn see_also(command: Option<&str>, names: &[String]) -> String {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    let mut refs: Vec<String> = sorted
        .into_iter()
        .filter(|n| Some(n.as_str()) != command)
        .map(|n| format!("linkedin\\-privacy\\-{} (1)", n.replace('-', "\\-")))
        .collect();
    if command.is_some() {
        refs.insert(0, "linkedin\\-privacy (1)".to_string());
    }
    let refs: Vec<String> = refs
        .iter()
        .map(|r| {
            let (name, section) = r.split_once(' ').unwrap_or((r, "(1)"));
            format!(".BR {name} {section}")
        })
        .collect();
    let mut out = String::from(".SH \"SEE ALSO\"\n");
    for (n, r) in refs.iter().enumerate() {
        out.push_str(r);
        if n + 1 < refs.len() {
            out.push_str(" ,");
        }
        out.push('\n');
    }
    out
}

/// Text for a roff line: backslashes and hyphens escaped, no line starting like a request.
fn roff_text(s: &str) -> String {
    let t = s
        .replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('\'', "\\(aq");
    if t.starts_with(['.', '\'']) {
        format!("\\&{t}")
    } else {
        t
    }
}

/// What `mandoc -Tlint` asks of a page: no trailing blanks, no text line over 80 bytes (filled
/// text is broken at a space, which reads the same), no `.br` next to `.sp`.
fn lint_clean(roff: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut fill = true;
    for line in roff.lines() {
        // A blank line is a paragraph break: said as one.
        let line = match line.trim_end() {
            "" => ".sp",
            l => l,
        };
        match line {
            ".nf" | ".EX" => fill = false,
            ".fi" | ".EE" => fill = true,
            _ => {}
        }
        let is_break = line == ".br";
        let is_space = line == ".sp" || line == ".PP";
        if is_break && lines.last().is_some_and(|l| l == ".sp" || l == ".PP") {
            continue;
        }
        if is_space && lines.last().is_some_and(|l| l == ".br") {
            lines.pop();
        }
        if is_space && lines.last().is_some_and(|l| l == ".sp" || l == ".PP") {
            continue;
        }
        // A line that begins with a blank keeps its break before it: it is left whole.
        if fill && !line.starts_with(['.', '\'', ' ']) && line.len() > 72 {
            let mut current = String::new();
            for word in line.split(' ') {
                // Never after a backslash: `\ ` is one escaped space.
                if !current.is_empty()
                    && !current.ends_with('\\')
                    && current.len() + 1 + word.len() > 72
                {
                    lines.push(std::mem::take(&mut current));
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
            }
            lines.push(current);
            continue;
        }
        lines.push(line.to_string());
    }
    for l in &mut lines {
        if l.starts_with(['.', '\'']) && !is_request(l) {
            *l = format!("\\&{l}");
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Whether a line is one of the requests the pages use (anything else that starts with a dot
/// came from breaking a long line).
fn is_request(l: &str) -> bool {
    let name = l[1..].split(' ').next().unwrap_or("");
    matches!(
        name,
        "TH" | "SH"
            | "SS"
            | "TP"
            | "IP"
            | "PP"
            | "LP"
            | "P"
            | "B"
            | "BR"
            | "I"
            | "IR"
            | "RS"
            | "RE"
            | "br"
            | "sp"
            | "nf"
            | "fi"
            | "EX"
            | "EE"
            | "ie"
            | "el"
            | "ds"
            | "TQ"
    ) || l.starts_with(".\\\"")
}
