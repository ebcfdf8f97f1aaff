//! `linkedin-privacy audit`: read each catalog setting with one request and give a verdict.

use clap::Args;

use crate::audit;
use crate::context::{Connection, Context, Target};
use crate::exit::Exit;
use crate::report::{Identity, Report};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit only this setting (repeatable); see `linkedin-privacy catalog` for the ids
    #[arg(long = "setting", value_name = "ID")]
    pub settings: Vec<String>,
}

pub fn run(ctx: &Context, args: AuditArgs) -> anyhow::Result<Exit> {
    let report = match prepare(ctx, &args) {
        Ok((conn, entries)) => {
            announce_sandbox(ctx, &conn);
            let catalog_entries: Vec<&crate::catalog::Entry> = entries.iter().collect();
            audit::run(
                &conn.member(),
                conn.client.origin(),
                conn.identity.clone(),
                &catalog_entries,
            )
        }
        Err(e) => Report::failed(Identity::default(), &e, ctx.time.clock.rfc3339()),
    };
    ctx.out.emit_report(&report)?;
    Ok(report.exit())
}

fn prepare(
    ctx: &Context,
    args: &AuditArgs,
) -> crate::error::Result<(Connection, Vec<crate::catalog::Entry>)> {
    let catalog = ctx.catalog()?;
    let entries = catalog
        .select(&args.settings)?
        .into_iter()
        .cloned()
        .collect();
    Ok((ctx.connect()?, entries))
}

/// Says on stderr that the results come from the sandbox, so nobody mistakes them for their own.
fn announce_sandbox(ctx: &Context, conn: &Connection) {
    if let Target::Sandbox { account } = &ctx.target
        && !ctx.out.is_machine()
    {
        ctx.out.quiet_note(&format!(
            "sandbox: a fake LinkedIn at {}, account {account:?}; no real account is touched",
            conn.client.origin().as_str()
        ));
    }
}
