//! `linkedin-privacy catalog`: show the settings the tool knows, or print them as TOML to start a
//! `--catalog` file.

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::catalog::{Catalog, DEFAULT_TOML, Kind, Toggle};
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

impl View for Catalog {
    fn table(&self, s: &Style, _: &Words) -> String {
        // Cards and setting keys are for machines: `--toml`, `--json` and `--format csv` show them.
        let mut table = s.table(&["Id", "Title", "Private when", "Provenance"]);
        for e in &self.settings {
            let private = match (e.kind, e.private_when) {
                (Kind::Informational, _) => "informational",
                (_, Some(Toggle::Off)) => "off",
                (_, Some(Toggle::On)) => "on",
                (_, None) => "-",
            };
            let provenance = format!("{:?}", e.provenance).to_lowercase();
            table.add_row(vec![
                e.id.clone(),
                e.title.clone(),
                private.to_string(),
                provenance,
            ]);
        }
        Style::keep_whole(&mut table, 0);
        format!("{table}\n")
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            id: &'a str,
            kind: Option<crate::catalog::Kind>,
            title: &'a str,
            page: &'a str,
            card: Option<&'a str>,
            setting: Option<&'a str>,
            private_when: Option<crate::catalog::Toggle>,
            provenance: Option<crate::catalog::Provenance>,
        }
        csv.header_of::<Row<'_>>();
        for e in &self.settings {
            csv.row(&Row {
                id: &e.id,
                kind: Some(e.kind),
                title: &e.title,
                page: &e.page,
                card: e.card.as_deref(),
                setting: e.setting.as_deref(),
                private_when: e.private_when,
                provenance: Some(e.provenance),
            });
        }
    }
}
