//! `linkedin-privacy completions SHELL`: print a completion script.

use clap::Args;
use clap_complete::Shell;

use crate::context::Context;
use crate::exit::Exit;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, ignore_case = true)]
    pub shell: Shell,
}

/// `cli` is the whole command line's definition, handed down by the dispatcher.
pub fn run(_ctx: &Context, args: CompletionsArgs, mut cli: clap::Command) -> anyhow::Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "linkedin-privacy", &mut script);
    crate::output::write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(Exit::Ok)
}
