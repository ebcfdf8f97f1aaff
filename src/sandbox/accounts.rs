//! The sandbox's accounts file (`fixtures/accounts.toml`): who can sign in, with which token,
//! which cards they have, and how each account misbehaves.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::faults::Fault;
use super::fixtures::Fixtures;
use crate::catalog::Toggle;
use crate::error::{Error, Result};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsFile {
    #[serde(rename = "account")]
    pub accounts: Vec<AccountSpec>,
    #[serde(rename = "login", default)]
    pub logins: Vec<LoginSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub id: String,
    pub about: String,
    pub li_at: String,
    pub me: String,
    #[serde(default)]
    pub cards: BTreeMap<String, CardSpec>,
    #[serde(default)]
    pub fault: Fault,
    pub delay_ms: Option<u64>,
    pub retry_after: Option<u64>,
    /// The objection form page this account is served; "none" answers 404.
    pub form: Option<String>,
}

/// A card: the built-in card file with its value set, or a file served as it is.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum CardSpec {
    State(Toggle),
    File { file: String },
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoginSpec {
    pub email: String,
    pub password: String,
    pub result: LoginKind,
    pub account: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    Pass,
    Challenge,
}

impl AccountsFile {
    pub fn builtin() -> AccountsFile {
        AccountsFile::parse(
            super::fixtures::embedded("accounts.toml").expect("accounts.toml is embedded"),
            "the built-in accounts",
        )
        .expect("the built-in accounts file is valid")
    }

    pub fn load(path: &Path) -> Result<(AccountsFile, Fixtures)> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(
                format!("cannot read the accounts file {}: {e}", path.display()),
                None,
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Ok((
            AccountsFile::parse(&text, &path.display().to_string())?,
            Fixtures::in_dir(dir),
        ))
    }

    pub fn parse(text: &str, origin: &str) -> Result<AccountsFile> {
        let bad = |why: String| {
            Error::usage(
                format!("invalid accounts file {origin}: {why}"),
                Some("compare with fixtures/accounts.toml".to_string()),
            )
        };
        let file: AccountsFile =
            toml::from_str(text).map_err(|e| bad(e.message().trim().to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for a in &file.accounts {
            if !seen.insert(&a.id) {
                return Err(bad(format!("the account id {:?} appears twice", a.id)));
            }
            if a.li_at.is_empty() || file.accounts.iter().filter(|b| b.li_at == a.li_at).count() > 1
            {
                return Err(bad(format!("account {:?} needs a token of its own", a.id)));
            }
        }
        for l in &file.logins {
            let account_ok = match (l.result, &l.account) {
                (LoginKind::Pass, Some(id)) => file.accounts.iter().any(|a| &a.id == id),
                (LoginKind::Pass, None) => false,
                (LoginKind::Challenge, _) => true,
            };
            if !account_ok {
                return Err(bad(format!(
                    "the login for {:?} must name an existing account",
                    l.email
                )));
            }
        }
        Ok(file)
    }

    pub fn get(&self, id: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.id == id)
    }
}
