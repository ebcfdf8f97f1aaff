//! `linkedin-privacy`: audit a LinkedIn member's Data privacy settings (the generative-AI
//! training toggle first), turn them off and prove it, and pre-fill LinkedIn's Data Processing
//! Objection Form. The binary is a thin wrapper around [`run`].

pub mod audit;
pub mod bulk;
pub mod catalog;
pub mod child;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connect;
pub mod drift;
pub mod error;
pub mod fsx;
pub mod history;
pub mod html;
pub mod interrupt;
pub mod json;
pub mod linkedin;
pub mod objection;
pub mod optout;
pub mod output;
pub mod pages;
pub mod report;
pub mod sandbox;
pub mod secret;
pub mod sessions;
pub mod settings;
pub mod summary;
pub mod text;
pub mod watch;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::commands::Ctx;
use crate::commands::exit::Exit;
use crate::error::Error;
use crate::output::{ColorChoice, Format, Output, Tty};
use crate::settings::{Env, Settings};

/// Parses the command line, resolves the settings, runs the command, and maps any error to its
/// exit code: the one place where errors become codes.
pub fn run() -> ExitCode {
    install_panic_hook();
    // A shell asking what to complete (the code `completions` prints) gets its answer here.
    clap_complete::CompleteEnv::with_factory(cli::command)
        .var(commands::completions::COMPLETE_VAR)
        .complete();
    interrupt::install();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => return said(e),
    };
    let env = Env::from_process();
    // Printing completions or a manual page never depends on a config file that may be broken.
    let wants_config = !matches!(cli.command, Command::Completions(_) | Command::Man(_));
    let config_dir = env.config_dir().filter(|_| wants_config);
    let config = match config::Config::load(config_dir.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            let flags = cli.global.flags(config::Config::default());
            return fail(&settings::early_output(&flags, &env), &e);
        }
    };
    let config_warnings = config.warnings.clone();
    let mut flags = cli.global.flags(config);
    // A config file's `format = "junit"` is a default for the commands that have that format;
    // the others print as they would without it.
    if flags.config.format == Some(Format::Junit)
        && !matches!(
            cli.command,
            Command::Audit(_) | Command::Drift(_) | Command::Summary(_)
        )
    {
        flags.config.format = None;
    }
    let settings = match Settings::resolve(&flags, env.clone()) {
        Ok(settings) => settings,
        Err(e) => return fail(&settings::early_output(&flags, &env), &e),
    };
    let ctx = Ctx::new(settings);
    for w in &config_warnings {
        ctx.out.warn(w);
    }
    let exit = match dispatch(&ctx, cli.command) {
        Ok(exit) => exit,
        Err(err) => report(&ctx.out, &err),
    };
    mark_revoked(&ctx);
    exit.into()
}

/// A session LinkedIn revoked during the run is marked so in its store (it stays, for `status`
/// to show, and is never used again); a failure to mark it is a warning.
fn mark_revoked(ctx: &Ctx) {
    let revoked = crate::linkedin::client::take_revoked();
    if revoked.is_empty() || !ctx.connector.stores_sessions() {
        return;
    }
    let profiles = match ctx.connector.stored_profiles() {
        Ok(p) => p,
        Err(e) => {
            ctx.out
                .warn(&format!("the revoked session could not be marked: {e}"));
            return;
        }
    };
    for profile in profiles {
        for li_at in &revoked {
            match ctx.connector.mark_revoked(&profile, li_at) {
                Ok(true) => ctx.out.warn(&format!(
                    "the stored session of profile {profile:?} is marked revoked; sign in again to use it"
                )),
                Ok(false) => {}
                Err(e) => ctx.out.warn(&format!(
                    "the revoked session of profile {profile:?} could not be marked: {e}"
                )),
            }
        }
    }
}

/// An error before the command ran: said, and its code.
fn fail(out: &Output, e: &Error) -> ExitCode {
    interrupt::settle();
    let _ = out.print_error_object(e);
    out.error(e);
    Exit::from(e).into()
}

/// The command line, parsed.
fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches as _;
    let mut cmd = cli::command();
    let mut matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
}

/// A command-line error, said as every other error is (`linkedin-privacy: error: …`), exit 2;
/// a command's help with its own options and examples ([`cli::help`]); the version as clap
/// prints it.
fn said(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    let as_clap = |e: clap::Error| {
        let _ = e.print();
        ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(Exit::Usage.code()))
    };
    match e.kind() {
        K::DisplayHelp => {
            let args: Vec<String> = std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            // The commands named before the help flag, as clap reads them: a flag's value (`--profile
            // summary`) is not a command. `help COMMAND` asks for the long help, as `--help` does.
            let mut path = Vec::new();
            let mut cmd = cli::command();
            cmd.build();
            let mut long = args.iter().any(|a| a == "--help");
            let mut rest = args.iter();
            while let Some(a) = rest.next() {
                if let Some(flag) = a.strip_prefix("--").filter(|f| !f.contains('=')) {
                    let takes = cmd.get_arguments().any(|x| {
                        x.get_long() == Some(flag)
                            && x.get_action().takes_values()
                            && !x.is_require_equals_set()
                    });
                    if takes {
                        rest.next();
                    }
                    continue;
                }
                if a.starts_with('-') {
                    let short = a.chars().nth(1);
                    let takes = a.len() == 2
                        && cmd
                            .get_arguments()
                            .any(|x| x.get_short() == short && x.get_action().takes_values());
                    if takes {
                        rest.next();
                    }
                    continue;
                }
                if path.is_empty() && a == "help" {
                    long = true;
                    continue;
                }
                match cmd.find_subcommand(a).cloned() {
                    Some(sub) => {
                        path.push(a.clone());
                        cmd = sub;
                    }
                    None => break,
                }
            }
            match (path.is_empty(), cli::help(&path, long)) {
                (false, Some(mut text)) => {
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    let _ = crate::output::write_stdout(&text);
                    Exit::Ok.into()
                }
                _ => as_clap(e),
            }
        }
        K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => as_clap(e),
        _ => {
            let text = e.render().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text).to_string();
            eprint!("linkedin-privacy: error: {text}");
            Exit::Usage.into()
        }
    }
}

/// Runs the subcommand; nothing else.
fn dispatch(ctx: &Ctx, command: Command) -> anyhow::Result<Exit> {
    use crate::commands::*;
    if ctx.out.format == Format::Junit
        && !matches!(
            command,
            Command::Audit(_) | Command::Drift(_) | Command::Summary(_)
        )
    {
        return Err(Error::usage(
            "--format junit is for audit, drift and summary",
            Some("use --format json, ndjson, csv or table".to_string()),
        )
        .into());
    }
    match command {
        Command::Audit(args) => audit::run(ctx, args),
        Command::OptOut(args) => opt_out::run(ctx, args),
        Command::Objection(args) => objection::run(ctx, args),
        Command::History(args) => history::run(ctx, args),
        Command::Summary(args) => summary::run(ctx, args),
        Command::Login(args) => login::run(ctx, args),
        Command::Logout(args) => logout::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Catalog(args) => catalog::run(ctx, args),
        Command::Record(args) => record::run(ctx, args),
        Command::Drift(args) => drift::run(ctx, args),
        Command::Sandbox(args) => sandbox::run(ctx, args),
        Command::Watch(args) => watch::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
        Command::Man(args) => man::run(ctx, args, cli::command()),
    }
}

/// Prints an error that reached the top and picks its exit code. Typed errors carry their kind;
/// an I/O error here is output that could not be written (a closed pipe is not an error).
fn report(out: &Output, err: &anyhow::Error) -> Exit {
    // An error the interruption caused is not the run's answer: the watcher exits 130.
    interrupt::settle();
    if let Some(e) = err.downcast_ref::<Error>() {
        // In a machine format the answer is still one JSON object, with `error` set.
        let _ = out.print_error_object(e);
        out.error(e);
        return e.into();
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return Exit::Ok;
        }
        let e = Error::Io {
            what: "the output".to_string(),
            detail: io.to_string(),
        };
        out.error(&e);
        return (&e).into();
    }
    let e = Error::usage(format!("{err:#}"), None);
    let _ = out.print_error_object(&e);
    out.error(&e);
    Exit::Usage
}

/// A panic is a bug. Its message is printed only when it is a fixed string from the code: a
/// formatted message could, in principle, hold data the user did not mean to show.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or("(details withheld)");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let out = Output::new(Format::Table, ColorChoice::Never, Tty::default());
        out.note(&format!(
            "linkedin-privacy: internal error{place}: {what}\n  hint: this is a bug; please report it"
        ));
    }));
}
