//! `linkedin-privacy record --out DIR`: fetch every endpoint the tool only reads, once each, and
//! keep the replies, redacted before they touch disk, as a recording `drift` can compare.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::drift::{self, Recorder};
use crate::output::{Csv, Style, View, Words};

#[derive(Debug, Args)]
#[command(after_help = "\
Fetches /me, each settings card of the catalog and the objection form page: one request each,
never a write, never a sign-in. Cookies, tokens, CSRF values, names, emails, public identifiers,
member ids and URNs are replaced by placeholders before anything is written.")]
pub struct RecordArgs {
    /// The folder to write (new, empty, or an earlier recording)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Serialize)]
struct Recorded {
    schema: u32,
    tool: crate::report::Tool,
    out: String,
    recorded_at: Option<String>,
    replies: Vec<ReplyLine>,
}

#[derive(Serialize, Default)]
struct ReplyLine {
    endpoint: String,
    arg: String,
    status: Option<u16>,
    file: Option<String>,
    error: Option<String>,
}

pub fn run(ctx: &Ctx, args: RecordArgs) -> anyhow::Result<Exit> {
    let view = record(ctx, &args.out)?;
    ctx.out.print(&view)?;
    Ok(Exit::Ok)
}

fn record(ctx: &Ctx, dir: &std::path::Path) -> crate::error::Result<Recorded> {
    // Refused before any request when DIR is something else.
    drift::prepare_dir(dir)?;
    let catalog = ctx.catalog()?;
    let recorder = Arc::new(Recorder::default());
    let conn = ctx.connector.connect_observed(Some(recorder.clone()))?;
    let manifest = drift::record(
        &conn.member(),
        &conn.session,
        &catalog,
        &recorder,
        dir,
        ctx.time.clock.rfc3339(),
    )?;
    Ok(Recorded {
        schema: 1,
        tool: crate::report::Tool::default(),
        out: dir.display().to_string(),
        recorded_at: manifest.recorded_at.clone(),
        replies: manifest
            .replies
            .iter()
            .map(|r| ReplyLine {
                endpoint: r.endpoint.clone(),
                arg: r.arg.clone(),
                status: r.status,
                file: r.file.clone(),
                error: r.error.clone(),
            })
            .collect(),
    })
}

impl View for Recorded {
    fn table(&self, s: &Style, _: &Words) -> String {
        let mut table = s.table(&["Endpoint", "Status", "File"]);
        for r in &self.replies {
            let name = if r.arg.is_empty() {
                r.endpoint.clone()
            } else {
                format!("{} {}", r.endpoint, r.arg)
            };
            let status = match (&r.status, &r.error) {
                (Some(st), _) => st.to_string(),
                (None, Some(e)) => format!("no reply: {e}"),
                (None, None) => "-".to_string(),
            };
            table.add_row(vec![
                s.cell(&name, None),
                s.cell(&status, None),
                s.cell(r.file.as_deref().unwrap_or("-"), None),
            ]);
        }
        format!(
            "{} {} replies into {} (redacted).\n{table}\nCompare it with the tool's own understanding: `{}`\n",
            s.bold("Recorded"),
            self.replies.len(),
            self.out,
            // Comparing a folder with the built-in fixtures needs no account: no target flags.
            Words::default().command(&format!(
                "drift {}",
                crate::text::shell_word(&crate::text::clean_line(&self.out.to_string(), 300))
            ))
        )
    }

    fn csv(&self, csv: &mut Csv) {
        csv.header_of::<ReplyLine>();
        for r in &self.replies {
            csv.row(r);
        }
    }
}
