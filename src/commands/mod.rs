//! One module per subcommand: each holds its clap `Args` and a `run(ctx, args)`. No command
//! module uses another; what they share lives in the layers below (the report, the output).

pub mod audit;
pub mod catalog;
pub mod completions;
pub mod drift;
pub mod history;
pub mod login;
pub mod logout;
pub mod man;
pub mod objection;
pub mod opt_out;
pub mod record;
pub mod sandbox;
pub mod status;
