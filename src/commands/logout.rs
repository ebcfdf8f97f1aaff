//! `linkedin-privacy logout`: forget stored sessions. This ends nothing on LinkedIn's side; the
//! output says how to do that too.

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::{Exit, ExitOf as _};
use crate::output::{Csv, Style, View, Words};
use crate::report::ErrorView;
use crate::sessions::SessionSource;

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Forget every profile in the store (the keyring, or the file with --insecure-storage)
    #[arg(long)]
    pub all: bool,
}

#[derive(Serialize)]
struct LoggedOut {
    schema: u32,
    tool: crate::report::Tool,
    store: &'static str,
    location: String,
    forgotten: Vec<String>,
    not_found: Vec<String>,
    /// Profiles that could not be forgotten, with why.
    failed: Vec<ErrorView>,
}

pub fn run(ctx: &Ctx, args: LogoutArgs) -> anyhow::Result<Exit> {
    if !ctx.connector.stores_sessions() {
        ctx.out
            .note("sandbox sessions are never stored, so there is nothing to forget");
        return Ok(Exit::Ok);
    }
    let store = ctx.connector.store()?;
    let mut view = LoggedOut {
        schema: 1,
        tool: crate::report::Tool::default(),
        store: store.source().as_str(),
        location: store.location(),
        forgotten: Vec::new(),
        not_found: Vec::new(),
        failed: Vec::new(),
    };
    let mut exit = Exit::Ok;
    if args.all {
        // Every session that can be forgotten is, whatever fails on the way.
        let done = store.forget_all()?;
        if let Some(w) = &done.warning {
            ctx.out.warn(w);
        }
        if done.incomplete {
            exit = Exit::Session;
        }
        view.forgotten = done.forgotten;
        for (profile, e) in &done.failed {
            exit = exit.max(e.exit());
            let mut v = ErrorView::from(e);
            v.message = format!("profile {profile:?}: {}", v.message);
            view.failed.push(v);
        }
    } else {
        let profile = &ctx.settings.profile;
        match store.delete(profile) {
            Ok(true) => view.forgotten.push(profile.clone()),
            // Where a read would have found it (no keyring, or none there): forgotten there, so
            // no command uses it again.
            other => match ctx.connector.forget_in_plain_file(profile)? {
                Some(path) => {
                    view.location = path.display().to_string();
                    view.store = SessionSource::File.as_str();
                    view.forgotten.push(profile.clone());
                }
                None => {
                    other?;
                    view.not_found.push(profile.clone());
                }
            },
        }
    }
    ctx.out.print(&view)?;
    for failed in &view.failed {
        ctx.out.warn(&format!("not forgotten: {}", failed.message));
    }
    if ctx.connector.session_source() == SessionSource::Environment && !ctx.out.is_machine() {
        ctx.out.warn(
            "LINKEDIN_LI_AT is still set in this shell and wins over every store; unset it too",
        );
    }
    Ok(exit)
}

impl View for LoggedOut {
    fn table(&self, s: &Style, _: &Words) -> String {
        let mut out = String::new();
        for p in &self.forgotten {
            out.push_str(&format!(
                "{} profile {p:?} from {}.\n",
                s.green("Forgot"),
                self.location
            ));
        }
        for p in &self.not_found {
            out.push_str(&format!(
                "No session was stored for profile {p:?} in {}.\n",
                self.location
            ));
        }
        if self.forgotten.is_empty() && self.not_found.is_empty() && self.failed.is_empty() {
            out.push_str(&format!("No sessions are stored in {}.\n", self.location));
        }
        out.push_str(
            "This forgets sessions on this machine only. To end them on LinkedIn too, sign out in a \
             browser (Settings > Sign in & security > Where you're signed in > Sign out of all sessions).\n",
        );
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            profile: &'a str,
            store: &'a str,
            forgotten: bool,
        }
        csv.header_of::<Row<'_>>();
        let rows = self
            .forgotten
            .iter()
            .map(|p| (p, true))
            .chain(self.not_found.iter().map(|p| (p, false)));
        for (profile, forgotten) in rows {
            csv.row(&Row {
                profile,
                store: self.store,
                forgotten,
            });
        }
    }
}
