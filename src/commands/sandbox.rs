//! `linkedin-privacy sandbox`: run the fake LinkedIn in the foreground and print how to use it.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde::Serialize;

use super::Ctx;
use super::exit::Exit;
use crate::output::{Csv, Style, View, Words};
use crate::sandbox::{AccountsFile, Fixtures, LOG_PATH, LoginKind, Sandbox, SandboxOptions};

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Milliseconds added before every reply, 0 to 60000
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub latency_ms: u64,
    /// Serve these accounts instead of the built-in ones (see fixtures/accounts.toml)
    #[arg(long, value_name = "FILE", conflicts_with = "generate")]
    pub accounts: Option<PathBuf>,
    /// Serve N generated accounts (gen-00001…) with a mix of states and faults, for trying a
    /// run over many accounts
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub generate: Option<u32>,
    /// Answer this percentage of the accounts' requests with 429 (Retry-After: 1)
    #[arg(long, value_name = "PERCENT", default_value_t = 0,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub throttle_percent: u8,
    /// With --generate: also write the generated accounts as an accounts file for
    /// `audit --accounts` (label<TAB>li_at, mode 0600)
    #[arg(long, value_name = "FILE", requires = "generate")]
    pub accounts_out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Started {
    /// Whether each request is logged on stderr (not for thousands of generated accounts).
    #[serde(skip)]
    echo: bool,
    base_url: String,
    log_url: String,
    accounts: Vec<AccountLine>,
    logins: Vec<LoginLine>,
}

#[derive(Serialize)]
struct AccountLine {
    id: String,
    li_at: String,
    about: String,
    /// Where the member is, when the accounts file says.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
}

#[derive(Serialize)]
struct LoginLine {
    email: String,
    password: String,
    result: &'static str,
    account: Option<String>,
}

pub fn run(ctx: &Ctx, args: SandboxArgs) -> anyhow::Result<Exit> {
    let (file, fixtures) = match (&args.accounts, args.generate) {
        (Some(path), _) => AccountsFile::load(path)?,
        (None, Some(n)) => (AccountsFile::generate(n as usize), Fixtures::embedded()),
        (None, None) => (AccountsFile::builtin(), Fixtures::embedded()),
    };
    if let Some(path) = &args.accounts_out {
        write_accounts_file(path, &file)?;
    }
    let options = SandboxOptions {
        port: args.port,
        latency: Duration::from_millis(args.latency_ms),
        // Thousands of generated accounts: one line per request would drown the terminal.
        echo: args.generate.is_none(),
        throttle_percent: args.throttle_percent,
    };
    let sandbox = Sandbox::start(options, file, fixtures)?;
    let started = Started {
        echo: args.generate.is_none(),
        base_url: sandbox.base_url(),
        log_url: format!("{}{LOG_PATH}", sandbox.base_url()),
        accounts: sandbox
            .accounts()
            .map(|a| AccountLine {
                id: a.id.clone(),
                li_at: a.li_at.clone(),
                about: a.about.clone(),
                region: a.region.clone(),
            })
            .collect(),
        logins: sandbox
            .logins()
            .iter()
            .map(|l| LoginLine {
                email: l.email.clone(),
                password: l.password.clone(),
                result: match l.result {
                    LoginKind::Pass => "PASS",
                    LoginKind::Challenge => "CHALLENGE",
                },
                account: l.account.clone(),
            })
            .collect(),
    };
    ctx.out.print(&started)?;
    // Serve until the process is stopped (Ctrl-C).
    loop {
        std::thread::park();
    }
}

/// The accounts as `audit --accounts` reads them, in a new 0600 file.
fn write_accounts_file(path: &std::path::Path, file: &AccountsFile) -> crate::error::Result<()> {
    use std::io::Write;
    let fail = |e: std::io::Error| crate::error::Error::Io {
        what: path.display().to_string(),
        detail: e.to_string(),
    };
    let mut out = Vec::new();
    writeln!(out, "# sandbox accounts (not real LinkedIn tokens)").map_err(fail)?;
    for a in &file.accounts {
        writeln!(out, "{}\t{}", a.id, a.li_at).map_err(fail)?;
    }
    crate::fsx::write_atomic(path, &out, 0o600).map_err(fail)
}

impl View for Started {
    fn table(&self, s: &Style, _: &Words) -> String {
        let mut out = format!(
            "{} a fake LinkedIn on {} (Ctrl-C stops it; {})\n\n",
            s.bold("linkedin-privacy sandbox:"),
            self.base_url,
            if self.echo {
                "requests are logged on stderr"
            } else {
                "requests of generated accounts are not logged one by one: the request log below has them"
            }
        );
        out.push_str(&format!(
            "Use it:\n  export LINKEDIN_PRIVACY_BASE_URL={}\n  LINKEDIN_LI_AT=sandbox-li_at-demo linkedin-privacy audit\n\n",
            self.base_url
        ));
        const SHOWN: usize = 30;
        let mut table = s.table(&["Account", "li_at token", "Behaviour"]);
        for a in self.accounts.iter().take(SHOWN) {
            let about = match &a.region {
                Some(r) => format!("{} (region: {r})", a.about),
                None => a.about.clone(),
            };
            table.add_row(vec![a.id.as_str(), a.li_at.as_str(), about.as_str()]);
        }
        // A token is copied whole: never split across lines.
        crate::output::Style::keep_whole(&mut table, 1);
        out.push_str(&format!("{table}\n"));
        if self.accounts.len() > SHOWN {
            out.push_str(&format!(
                "… and {} more accounts (--format ndjson lists them all; --accounts-out FILE writes an accounts file)\n",
                self.accounts.len() - SHOWN
            ));
        }
        out.push('\n');
        out.push_str("Password sign-in (linkedin-privacy login --email ADDRESS):\n");
        for l in &self.logins {
            let whose = l
                .account
                .as_ref()
                .map(|a| format!(" (account {a})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {} with password {:?} -> {}{whose}\n",
                l.email, l.password, l.result
            ));
        }
        out.push_str("  a known email with any other password -> BAD_PASSWORD; an unknown email -> BAD_EMAIL\n\n");
        out.push_str(&format!("Request log as JSON: {}\n", self.log_url));
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            base_url: &'a str,
            account: &'a str,
            li_at: &'a str,
            about: &'a str,
            region: Option<&'a str>,
        }
        csv.header_of::<Row<'_>>();
        for a in &self.accounts {
            csv.row(&Row {
                base_url: &self.base_url,
                account: &a.id,
                li_at: &a.li_at,
                about: &a.about,
                region: a.region.as_deref(),
            });
        }
    }
}
