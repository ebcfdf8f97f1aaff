//! `linkedin-privacy man [COMMAND]`: the manual page (roff), made from the same definitions as
//! `--help`, for the tool or one of its commands.

use clap::Args;

use super::Ctx;
use super::exit::Exit;
use crate::error::Error;

#[derive(Debug, Args)]
#[command(after_help = "\
Read it with `linkedin-privacy man | man -l -`, or install it:
  linkedin-privacy man > ~/.local/share/man/man1/linkedin-privacy.1
  linkedin-privacy man audit > ~/.local/share/man/man1/linkedin-privacy-audit.1")]
pub struct ManArgs {
    /// The command to print the page of (default: the tool's own page)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// `cli` is the whole command line's definition, handed down by the dispatcher.
pub fn run(_ctx: &Ctx, args: ManArgs, cli: clap::Command) -> anyhow::Result<Exit> {
    let mut cli = cli.name("linkedin-privacy");
    // Built, so every command's page lists the global options it takes too.
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cli.find_subcommand(name).cloned() else {
                return Err(Error::usage(
                    format!(
                        "there is no command {:?}",
                        crate::text::clean_line(name, 40)
                    ),
                    Some(format!("one of: {}", names.join(", "))),
                )
                .into());
            };
            // The page is named after the whole command line, as man pages of subcommands are.
            let full = format!("linkedin-privacy-{}", sub.get_name());
            let more = "Exit codes, the environment and the other commands: linkedin-privacy(1).";
            let after = match sub.get_after_help() {
                Some(text) => format!("{text}\n\n{more}"),
                None => more.to_string(),
            };
            sub.name(full)
                .bin_name(format!("linkedin-privacy {name}"))
                .version(env!("CARGO_PKG_VERSION"))
                .after_help(after)
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    crate::output::write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(Exit::Ok)
}
