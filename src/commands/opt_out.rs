//! `linkedin-privacy opt-out`: turn settings to their private state and show, from a fresh
//! read, that they are. Nothing is written when the read was not certain.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use clap::Args;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::catalog::{Catalog, DEFAULT_OPT_OUT, Entry};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::optout::{self, Step};
use crate::report::{Change, Identity, ReasonCode, Report, SettingRow, State};

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

/// A finished run: the report to print (with the error that stopped it, if any) and its exit.
struct Outcome {
    report: Report,
    exit: Exit,
    catalog_version: String,
}

pub fn run(ctx: &Ctx, args: OptOutArgs) -> anyhow::Result<Exit> {
    if !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        let e = Error::usage(
            "opt-out changes your LinkedIn settings and needs a confirmation, but there is no terminal to ask on",
            Some(
                "add --yes to confirm, or --dry-run to see the request without sending it"
                    .to_string(),
            ),
        );
        let report = Report::failed(Identity::default(), &e, ctx.time.clock.rfc3339()).as_opt_out();
        ctx.out.emit_report(&report)?;
        return Ok(report.exit());
    }
    let mut account = Identity::default();
    match execute(ctx, &args, &mut account) {
        Ok(outcome) => {
            record(ctx, &outcome);
            ctx.out.emit_report(&outcome.report)?;
            Ok(outcome.exit)
        }
        Err(e) => {
            let report = Report::failed(account, &e, ctx.time.clock.rfc3339()).as_opt_out();
            ctx.out.emit_report(&report)?;
            Ok(report.exit())
        }
    }
}

fn select<'c>(ctx: &Ctx, catalog: &'c Catalog, args: &OptOutArgs) -> Result<Vec<&'c Entry>> {
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
            Some(format!(
                "object to it with `{}` instead",
                ctx.out.words.command("objection")
            )),
        ));
    }
    Ok(entries)
}

fn execute(ctx: &Ctx, args: &OptOutArgs, account: &mut Identity) -> Result<Outcome> {
    let catalog = ctx.catalog()?;
    let entries = select(ctx, &catalog, args)?;
    let conn = ctx.connector.connect()?;
    let mut identity = conn.identity.clone();
    ctx.identify(&conn.member(), &mut identity)?;
    *account = identity;
    ctx.announce_sandbox(&conn.client, false);
    let member = conn.member();
    let origin = conn.client.origin();

    let mut steps = Vec::with_capacity(entries.len());
    for entry in &entries {
        steps.push(optout::plan(&member, origin, entry)?);
    }
    let refused = steps.iter().any(|s| matches!(s, Step::Refused { .. }));
    let read_rows = || -> Vec<SettingRow> {
        steps
            .iter()
            .map(|s| {
                let mut row = s.checked().result.clone();
                if let Step::Refused { reason, code, .. } = s {
                    let mut reason = reason.clone();
                    // A reply whose shape has drifted: say so, and how to see what changed.
                    if code.is_drift() {
                        reason.push_str(&format!(
                            "; LinkedIn's reply no longer has the shape this version knows: see what changed with `{}`",
                            ctx.out.words.command("drift --live")
                        ));
                    }
                    row.reason = Some(reason);
                    row.reason_code = Some(*code);
                }
                row
            })
            .collect()
    };
    let writes: Vec<&crate::report::PlannedWrite> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Write { write, .. } => Some(write),
            _ => None,
        })
        .collect();

    if args.dry_run || writes.is_empty() || (!args.yes && !confirm(ctx, account, &steps)?) {
        let mut report = Report::new(account.clone(), read_rows(), ctx.time.clock.rfc3339())
            .not_reading(catalog.unread(&entries));
        if args.dry_run {
            report.planned = Some(writes.into_iter().cloned().collect());
        } else {
            report.changes = Some(Vec::new());
        }
        // Nothing was written: the exit is the audit's, unless a read was too uncertain to act
        // on. A setting that is not offered is not proven private, so it never exits 0 alone.
        let exit = if refused {
            Exit::Unknown
        } else {
            report.exit()
        };
        return Ok(Outcome {
            report,
            exit,
            catalog_version: catalog.version.clone(),
        });
    }

    // What is known at each moment, for the report printed if the run is interrupted between a
    // write and its read-back.
    let now = || ctx.time.clock.rfc3339();
    let known = Arc::new(Mutex::new(
        Report::new(account.clone(), read_rows(), now()).as_opt_out(),
    ));
    let _last_word = {
        let known = Arc::clone(&known);
        let out = ctx.out.clone();
        // The history hears of a write in doubt too.
        let history = match (&ctx.settings.history, who(ctx, account)) {
            (crate::settings::HistoryPlace::File(path), Some(who)) => {
                Some((path.clone(), who, catalog.version.clone()))
            }
            _ => None,
        };
        interrupt::last_word(move || {
            let e = Error::Interrupted {
                detail: "after a write was sent, before it could be read back".to_string(),
            };
            let report = lock(&known).clone().stopped(&e);
            let _ = out.emit_report(&report);
            if let Some((path, who, catalog)) = history
                && let Ok(mut h) = crate::history::History::open(&path)
            {
                let _ = h.record_opt_out(
                    &who,
                    &catalog,
                    &report.checked_at,
                    &report.settings,
                    report.changes.as_deref().unwrap_or_default(),
                );
            }
        })
    };
    let publish = |rows: &[SettingRow], changes: &[Change]| {
        let mut k = lock(&known);
        *k = Report::new(account.clone(), rows.to_vec(), now());
        k.changes = Some(changes.to_vec());
    };

    let mut rows = Vec::with_capacity(steps.len());
    let mut changes = Vec::new();
    let mut problem = refused;
    let mut error = None;
    let all_read = read_rows();
    for (i, ((entry, step), read_row)) in entries
        .iter()
        .zip(&steps)
        .zip(all_read.iter().cloned())
        .enumerate()
    {
        let Step::Write { checked, write } = step else {
            rows.push(read_row);
            continue;
        };
        if error.is_some() {
            rows.push(read_row);
            continue;
        }
        let before = checked.result.state;
        let unverified = |code: ReasonCode, reason: String| {
            let mut row = checked.result.clone();
            row.state = State::Unknown;
            row.private = None;
            row.reason = Some(reason);
            row.reason_code = Some(code);
            (
                row,
                Change {
                    id: entry.id.clone(),
                    before,
                    after: State::Unknown,
                    verified: false,
                },
            )
        };
        // Until the read-back says otherwise, the write may or may not have reached LinkedIn.
        {
            let (row, change) = unverified(
                ReasonCode::Interrupted,
                "a write was sent and not yet read back when the run stopped; it may or may not have taken effect"
                    .to_string(),
            );
            // What is known: the rows done, this one in doubt, and the rest as they were read.
            let mut pending_rows = rows.clone();
            pending_rows.push(row);
            pending_rows.extend(all_read[i + 1..].iter().cloned());
            let mut pending_changes = changes.clone();
            pending_changes.push(change);
            publish(&pending_rows, &pending_changes);
        }
        match optout::apply(&member, origin, entry, before, write) {
            Ok(applied) => {
                let mut row = applied.after.result;
                if let Some((code, problem_text)) = applied.problem {
                    row.reason = Some(problem_text);
                    row.reason_code = Some(code);
                    problem = true;
                    // Running opt-out again would do the same: the page is what is left.
                    if row.private == Some(false) {
                        row.advice = crate::report::Advice::TurnOffInBrowser;
                    }
                }
                changes.push(applied.change);
                rows.push(row);
            }
            Err(e) => {
                // The write may have been sent but could not be read back.
                let (row, change) = unverified(
                    ReasonCode::NotReadBack,
                    format!("written, but could not be read back: {e}"),
                );
                changes.push(change);
                rows.push(row);
                error = Some(e);
            }
        }
        let mut known_rows = rows.clone();
        known_rows.extend(all_read[i + 1..].iter().cloned());
        publish(&known_rows, &changes);
    }
    let mut report =
        Report::new(account.clone(), rows, now()).not_reading(catalog.unread(&entries));
    report.changes = Some(changes);
    if let Some(e) = &error {
        report = report.stopped(e);
    }
    let exit = match &error {
        Some(e) => e.exit(),
        None if problem => Exit::Unknown,
        // Every write verified: the exit is the verdict of what the settings read now.
        None => report.exit(),
    };
    Ok(Outcome {
        report,
        exit,
        catalog_version: catalog.version.clone(),
    })
}

/// Whose records an opt-out makes, when there is a history and the member is known.
fn who(ctx: &Ctx, account: &Identity) -> Option<crate::history::Who> {
    if !matches!(ctx.settings.history, crate::settings::HistoryPlace::File(_)) {
        return None;
    }
    Some(crate::history::Who {
        site: ctx.connector.site(),
        member: account.member_key()?.to_string(),
        profile: account.profile.clone(),
    })
}

/// Records what was read and written in the history (a failure is a warning), and says so
/// when a setting the history last saw private had been switched back on.
fn record(ctx: &Ctx, outcome: &Outcome) {
    let report = &outcome.report;
    let Some(who) = who(ctx, &report.account) else {
        return;
    };
    let Some(mut history) = ctx.open_history() else {
        return;
    };
    let changes = report.changes.as_deref().unwrap_or_default();
    match history.record_opt_out(
        &who,
        &outcome.catalog_version,
        &report.checked_at,
        &report.settings,
        changes,
    ) {
        Ok(back_on) => {
            for id in back_on {
                ctx.out.warn(&format!(
                    "{id} had been switched back on since the history last saw it private"
                ));
            }
        }
        Err(e) => ctx.warn_history(&e),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Asks on the terminal before writing; `false` when the person declines.
fn confirm(ctx: &Ctx, account: &Identity, steps: &[Step]) -> Result<bool> {
    let who = account.name.as_deref().unwrap_or("this account");
    for s in steps {
        if let Step::Write { checked, .. } = s {
            ctx.out.note(&format!(
                "Will turn off \"{}\" ({}) for {who}.",
                checked.result.title, checked.result.id
            ));
        }
    }
    let answer = ctx.out.ask_line("Go ahead? [y/N] ")?;
    let yes = matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes");
    if !yes {
        ctx.out.note("Nothing was changed.");
    }
    Ok(yes)
}
