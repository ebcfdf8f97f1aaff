//! `linkedin-privacy`: audit a LinkedIn member's Data privacy settings (the generative-AI
//! training toggle first), turn them off and prove it, and pre-fill LinkedIn's Data Processing
//! Objection Form. The binary is a thin wrapper around [`run`].

pub mod audit;
pub mod catalog;
pub mod cli;
pub mod client;
pub mod commands;
pub mod context;
pub mod cookies;
pub mod error;
pub mod exit;
pub mod interrupt;
pub mod objection;
pub mod optout;
pub mod output;
pub mod prompt;
pub mod sandbox;
pub mod secret;
pub mod session;
pub mod store;
pub mod text;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::context::{Context, Env};
use crate::error::Error;
use crate::exit::Exit;
use crate::output::{ColorChoice, Format, Output};

/// Parses the command line, runs the command, and maps any error to its exit code.
pub fn run() -> ExitCode {
    install_panic_hook();
    interrupt::install();
    let cli = Cli::try_parse().unwrap_or_else(|e| e.exit());
    let ctx = match Context::new(&cli.global, Env::from_process()) {
        Ok(ctx) => ctx,
        Err(e) => {
            let format = if cli.global.json {
                Format::Json
            } else {
                cli.global.format
            };
            Output::new(format, cli.global.color).error(&e);
            return e.exit().into();
        }
    };
    match commands::run(&ctx, cli.command) {
        Ok(exit) => exit.into(),
        Err(err) => report(&ctx.out, &err).into(),
    }
}

/// Prints an error that reached the top and picks its exit code. Typed errors carry their own;
/// an I/O error here is output that could not be written (a closed pipe is not an error).
fn report(out: &Output, err: &anyhow::Error) -> Exit {
    if let Some(e) = err.downcast_ref::<Error>() {
        out.error(e);
        return e.exit();
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
        return e.exit();
    }
    out.error(&Error::usage(format!("{err:#}"), None));
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
        let out = Output::new(Format::Table, ColorChoice::Never);
        out.note(&format!(
            "linkedin-privacy: internal error{place}: {what}\n  hint: this is a bug; please report it"
        ));
    }));
}
