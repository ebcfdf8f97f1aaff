//! `linkedin-privacy catalog`: show the settings the tool knows, or print them as TOML to start a
//! `--catalog` file.

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::catalog::{Catalog, DEFAULT_TOML, Kind, Mark, Toggle};
use crate::output::{Csv, Style, View, Words};

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Print the catalog in use as a TOML file (the built-in one verbatim, with its comments)
    #[arg(long)]
    pub toml: bool,
}

pub fn run(ctx: &Ctx, args: CatalogArgs) -> anyhow::Result<Exit> {
    let catalog = ctx.catalog()?;
    if args.toml {
        let text = if ctx.has_custom_catalog() {
            toml::to_string_pretty(&catalog)?
        } else {
            DEFAULT_TOML.to_string()
        };
        crate::output::write_stdout(&text)?;
    } else {
        ctx.out.print(&catalog)?;
    }
    Ok(Exit::Ok)
}

/// "seen", "inferred", or "-" when the entry has no such field.
fn mark(m: Option<Mark>) -> &'static str {
    match m {
        Some(Mark::Seen) => "seen",
        Some(Mark::Inferred) => "inferred",
        None => "",
    }
}

/// What keeps an entry private, in a few words: `off`, `HIDE`, `informational`.
fn private_text(e: &crate::catalog::Entry) -> String {
    match (e.kind, e.private, &e.write) {
        (Kind::Informational, ..) => "informational".to_string(),
        (_, Some(Toggle::Off), _) => "off".to_string(),
        (_, Some(Toggle::On), _) => "on".to_string(),
        (_, None, Some(w)) => w.clone(),
        _ => "-".to_string(),
    }
}

impl View for Catalog {
    fn table(&self, s: &Style, _: &Words) -> String {
        // Cards and setting keys are for machines: `--toml`, `--json` and `--format csv` show them.
        let mut table = s.table(&["Group", "Id", "Title", "Private", "Known"]);
        for e in &self.settings {
            let p = &e.provenance;
            let known = if [p.card, p.key, p.values].contains(&Some(Mark::Inferred))
                || p.page == Mark::Inferred
            {
                "partly inferred"
            } else {
                "seen"
            };
            table.add_row(vec![
                e.group.name().to_string(),
                e.id.clone(),
                e.title.clone(),
                private_text(e),
                known.to_string(),
            ]);
        }
        Style::keep_whole(&mut table, 1);
        format!("{table}\n")
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            id: &'a str,
            group: &'a str,
            kind: &'a str,
            title: &'a str,
            page: &'a str,
            card: Option<&'a str>,
            key: Option<&'a str>,
            private: String,
            values: String,
            not_offered_in: String,
            moves: String,
            page_provenance: &'a str,
            card_provenance: &'a str,
            key_provenance: &'a str,
            values_provenance: &'a str,
        }
        csv.header_of::<Row<'_>>();
        for e in &self.settings {
            let p = &e.provenance;
            csv.row(&Row {
                id: &e.id,
                group: e.group.name(),
                kind: e.kind.as_str(),
                title: &e.title,
                page: &e.page,
                card: e.card.as_deref(),
                key: e.key.as_deref(),
                private: private_text(e),
                values: e
                    .values
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                not_offered_in: e
                    .not_offered_in
                    .iter()
                    .map(|r| format!("{r:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" "),
                moves: e.moves.join(" "),
                page_provenance: mark(Some(p.page)),
                card_provenance: mark(p.card),
                key_provenance: mark(p.key),
                values_provenance: mark(p.values),
            });
        }
    }
}
