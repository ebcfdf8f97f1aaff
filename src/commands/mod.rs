//! One module per subcommand; `run` dispatches and does nothing else.

pub mod audit;
pub mod catalog;
pub mod completions;
pub mod login;
pub mod logout;
pub mod objection;
pub mod opt_out;
pub mod sandbox;
pub mod status;

use crate::cli::Command;
use crate::context::Context;
use crate::exit::Exit;

pub fn run(ctx: &Context, command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Audit(args) => audit::run(ctx, args),
        Command::OptOut(args) => opt_out::run(ctx, args),
        Command::Objection(args) => objection::run(ctx, args),
        Command::Login(args) => login::run(ctx, args),
        Command::Logout(args) => logout::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Catalog(args) => catalog::run(ctx, args),
        Command::Sandbox(args) => sandbox::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
    }
}
