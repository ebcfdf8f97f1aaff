//! `linkedin-privacy opt-out`: turn settings to their private state and show, from a fresh
//! read, that they are. Nothing is written when the read was not certain.

use std::io::IsTerminal;

use clap::Args;

use crate::audit::{Change, Report, SettingResult, State};
use crate::catalog::{Catalog, DEFAULT_OPT_OUT, Entry};
use crate::commands::audit::{announce_sandbox, emit};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::optout::{self, Step};
use crate::session::Identity;

#[derive(Debug, Args)]
pub struct OptOutArgs {
    /// Act on this setting (repeatable; default: generative-ai-training)
    #[arg(long = "setting", value_name = "ID", conflicts_with = "all")]
    pub settings: Vec<String>,
    /// Act on every catalog setting that has a private state
    #[arg(long)]
    pub all: bool,
    /// Read and print the exact request that would be sent; send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (needed when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// A finished run: the report to print, its exit code, and the error that stopped it, if any.
struct Outcome {
    report: Report,
    exit: Exit,
    error: Option<Error>,
}

pub fn run(ctx: &Context, args: OptOutArgs) -> anyhow::Result<Exit> {
    if !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        let e = Error::usage(
            "opt-out changes your LinkedIn settings and needs a confirmation, but there is no terminal to ask on",
            Some(
                "add --yes to confirm, or --dry-run to see the request without sending it"
                    .to_string(),
            ),
        );
        return emit(ctx, Identity::default(), Err(e), Report::exit);
    }
    let mut account = Identity::default();
    match execute(ctx, &args, &mut account) {
        Ok(outcome) => {
            ctx.out.print(&outcome.report)?;
            if let Some(e) = &outcome.error {
                ctx.out.error(e);
            }
            Ok(outcome.exit)
        }
        Err(e) => emit(ctx, account, Err(e), Report::exit),
    }
}

fn select<'c>(catalog: &'c Catalog, args: &OptOutArgs) -> Result<Vec<&'c Entry>> {
    if args.all {
        return Ok(catalog
            .settings
            .iter()
            .filter(|e| e.card_ref().is_some())
            .collect());
    }
    let ids = if args.settings.is_empty() {
        vec![DEFAULT_OPT_OUT.to_string()]
    } else {
        args.settings.clone()
    };
    let entries = catalog.select(&ids)?;
    if let Some(e) = entries.iter().find(|e| e.card_ref().is_none()) {
        return Err(Error::usage(
            format!("{} has no toggle to turn off", e.id),
            Some("object to it with `linkedin-privacy objection` instead".to_string()),
        ));
    }
    Ok(entries)
}

fn execute(ctx: &Context, args: &OptOutArgs, account: &mut Identity) -> Result<Outcome> {
    let catalog = ctx.catalog()?;
    let entries = select(&catalog, args)?;
    let conn = ctx.connect()?;
    *account = conn.identity.clone();
    announce_sandbox(ctx, &conn);
    let member = conn.member();
    let origin = conn.client.origin();

    let mut steps = Vec::with_capacity(entries.len());
    for entry in &entries {
        steps.push(optout::plan(&member, origin, entry)?);
    }
    let refused = steps.iter().any(|s| matches!(s, Step::Refused { .. }));
    let read_rows = || -> Vec<SettingResult> {
        steps
            .iter()
            .map(|s| {
                let mut row = s.checked().result.clone();
                if let Step::Refused { reason, .. } = s {
                    row.reason = Some(reason.clone());
                }
                row
            })
            .collect()
    };
    let writes: Vec<&optout::Write> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Write { write, .. } => Some(write),
            _ => None,
        })
        .collect();

    if args.dry_run || writes.is_empty() || (!args.yes && !confirm(ctx, account, &steps)?) {
        let mut report = Report::new(account.clone(), read_rows());
        if args.dry_run {
            report.planned = Some(writes.into_iter().cloned().collect());
        } else {
            report.changes = Some(Vec::new());
        }
        let exit = if refused {
            Exit::Unknown
        } else if steps.iter().all(|s| !matches!(s, Step::Write { .. })) {
            // Nothing needed writing: every setting is private or not offered.
            Exit::Ok
        } else {
            report.exit()
        };
        return Ok(Outcome {
            report,
            exit,
            error: None,
        });
    }

    let mut rows = Vec::with_capacity(steps.len());
    let mut changes = Vec::new();
    let mut exit = if refused { Exit::Unknown } else { Exit::Ok };
    let mut error = None;
    for ((entry, step), read_row) in entries.iter().zip(&steps).zip(read_rows()) {
        let Step::Write { checked, write } = step else {
            rows.push(read_row);
            continue;
        };
        if error.is_some() {
            rows.push(read_row);
            continue;
        }
        let before = checked.result.state;
        match optout::apply(&member, origin, entry, before, write) {
            Ok(applied) => {
                let mut row = applied.after.result;
                if let Some(problem) = applied.problem {
                    row.reason = Some(problem);
                    exit = exit.max(Exit::Unknown);
                }
                changes.push(applied.change);
                rows.push(row);
            }
            Err(e) => {
                // The write may have been sent but could not be read back.
                changes.push(Change {
                    id: entry.id.clone(),
                    before,
                    after: State::Unknown,
                    verified: false,
                });
                let mut row = checked.result.clone();
                row.state = State::Unknown;
                row.private = None;
                row.reason = Some(format!("written, but could not be read back: {e}"));
                rows.push(row);
                exit = e.exit();
                error = Some(e);
            }
        }
    }
    let mut report = Report::new(account.clone(), rows);
    report.changes = Some(changes);
    report.error = error.as_ref().map(Into::into);
    Ok(Outcome {
        report,
        exit,
        error,
    })
}

/// Asks on the terminal before writing; `false` when the person declines.
fn confirm(ctx: &Context, account: &Identity, steps: &[Step]) -> Result<bool> {
    let who = account.name.as_deref().unwrap_or("this account");
    for s in steps {
        if let Step::Write { checked, .. } = s {
            ctx.out.note(&format!(
                "Will turn off \"{}\" ({}) for {who}.",
                checked.result.title, checked.result.id
            ));
        }
    }
    let answer = crate::output::ask_line("Go ahead? [y/N] ")?;
    let yes = matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes");
    if !yes {
        ctx.out.note("Nothing was changed.");
    }
    Ok(yes)
}
