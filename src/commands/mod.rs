//! One module per subcommand; `run` dispatches and does nothing else.

pub mod audit;
pub mod catalog;
pub mod completions;
pub mod sandbox;

use crate::cli::Command;
use crate::context::Context;
use crate::exit::Exit;

pub fn run(ctx: &Context, command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Audit(args) => audit::run(ctx, args),
        Command::Catalog(args) => catalog::run(ctx, args),
        Command::Sandbox(args) => sandbox::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
    }
}
