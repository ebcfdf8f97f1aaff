//! `linkedin-privacy opt-out`: turn settings to their private state and show, from a fresh
//! read, that they are. Nothing is written when the read was not certain.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use clap::Args;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::audit::Cards;
use crate::catalog::{Catalog, DEFAULT_OPT_OUT, Entry};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::optout::{self, Planned, Step};
use crate::report::{Change, Identity, Report, SettingRow};

#[derive(Debug, Args)]
pub struct OptOutArgs {
    /// Act on this setting (repeatable; default: generative-ai-training)
    #[arg(long = "setting", value_name = "ID", conflicts_with = "all")]
    pub settings: Vec<String>,
    /// Act on every setting of this group (repeatable): ai, ads or visibility
    #[arg(long = "group", value_name = "GROUP", conflicts_with = "all",
          value_parser = super::group_values(), ignore_case = true)]
    pub groups: Vec<crate::catalog::Group>,
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
    let ids = if args.settings.is_empty() && args.groups.is_empty() {
        vec![DEFAULT_OPT_OUT.to_string()]
    } else {
        args.settings.clone()
    };
    let entries = catalog.select(&ids, &args.groups)?;
    if let Some(e) = entries
        .iter()
        .find(|e| e.card_ref().is_none() && ids.contains(&e.id))
    {
        return Err(Error::usage(
            format!("{} has no setting to turn off", e.id),
            Some(format!(
                "object to it with `{}` instead",
                ctx.out.words.command("objection")
            )),
        ));
    }
    // A group's informational entries have nothing to write.
    Ok(entries
        .into_iter()
        .filter(|e| e.card_ref().is_some())
        .collect())
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
    let mut cards = Cards::new(&member, conn.client.origin(), &catalog);

    let planned = optout::plan(&mut cards, &catalog, &entries)?;
    let read: Vec<&Entry> = planned.iter().map(|p| p.entry).collect();
    let not_read = catalog.unread(&read);
    let refused = planned
        .iter()
        .any(|p| matches!(p.step, Step::Refused { .. }));
    let read_rows = || -> Vec<SettingRow> {
        planned
            .iter()
            .map(|p| {
                let mut row = p.row();
                // A reply whose shape has drifted: say so, and how to see what changed.
                if let (Step::Refused { .. }, Some(code)) = (&p.step, row.reason_code)
                    && code.is_drift()
                    && let Some(reason) = &mut row.reason
                {
                    reason.push_str(&format!(
                        "; LinkedIn's reply no longer has the shape this version knows: see what changed with `{}`",
                        ctx.out.words.command("drift --live")
                    ));
                }
                row
            })
            .collect()
    };
    let writes: Vec<&crate::report::PlannedWrite> =
        planned.iter().filter_map(Planned::write).collect();

    if !writes.is_empty() && !args.dry_run {
        show_plan(ctx, account, &catalog, &planned);
    }
    if args.dry_run || writes.is_empty() || (!args.yes && !confirm(ctx)?) {
        let mut report = Report::new(account.clone(), read_rows(), ctx.time.clock.rfc3339())
            .not_reading(not_read);
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
    let mut publish = |rows: &[SettingRow], changes: &[Change]| {
        let mut k = lock(&known);
        *k = Report::new(account.clone(), rows.to_vec(), now()).not_reading(not_read.clone());
        k.changes = Some(changes.to_vec());
    };
    let done = optout::execute(&mut cards, &catalog, &planned, &mut publish);
    let mut report = Report::new(account.clone(), done.rows, now()).not_reading(not_read.clone());
    report.changes = Some(done.changes);
    if let Some(e) = &done.error {
        report = report.stopped(e);
    }
    let exit = match &done.error {
        Some(e) => e.exit(),
        None if done.problem => Exit::Unknown,
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

/// The plan, before anything is written: each write, from what to what, and the exposed
/// neighbours LinkedIn moves with it. One short line per setting (its id: the audit's rows name
/// it), so 80 columns hold it.
fn show_plan(ctx: &Ctx, account: &Identity, catalog: &Catalog, planned: &[Planned<'_>]) {
    let who = account
        .name
        .as_deref()
        .map(|n| crate::text::clean_line(n, 100))
        .unwrap_or_else(|| "this account".to_string());
    let writes: Vec<&Planned<'_>> = planned.iter().filter(|p| p.write().is_some()).collect();
    ctx.out.note(&format!(
        "Will change {} for {who}:",
        if writes.len() == 1 {
            "1 setting".to_string()
        } else {
            format!("{} settings", writes.len())
        }
    ));
    let words = |value: &str, p: &Planned<'_>| match p.entry.choice(value) {
        Some(v) => format!("\"{}\"", v.label),
        None => value.to_string(),
    };
    for p in writes {
        let row = &p.checked.result;
        let to = match (&p.entry.write, p.entry.private) {
            (Some(value), _) => words(value, p),
            (None, Some(crate::catalog::Toggle::On)) => "on".to_string(),
            (None, _) => "off".to_string(),
        };
        let from = match &row.value {
            Some(v) => words(&v.value, p),
            None => row.state_name().to_string(),
        };
        let mut line = format!("  {}: {from} -> {to}", row.id);
        let moved: Vec<&str> = catalog
            .neighbours(p.entry)
            .iter()
            .filter(|n| {
                planned
                    .iter()
                    .any(|q| q.entry.id == n.id && q.checked.result.private == Some(false))
            })
            .map(|n| n.id.as_str())
            .collect();
        if !moved.is_empty() {
            line.push_str(&format!(" (also turns off {})", moved.join(", ")));
        }
        ctx.out.note(&line);
    }
}

/// Asks on the terminal before writing; `false` when the person declines.
fn confirm(ctx: &Ctx) -> Result<bool> {
    let answer = ctx.out.ask_line("Go ahead? [y/N] ")?;
    let yes = matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes");
    if !yes {
        ctx.out.note("Nothing was changed.");
    }
    Ok(yes)
}
