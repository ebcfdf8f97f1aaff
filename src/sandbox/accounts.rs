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
    /// The member's email address (shown by the form page when signed in).
    #[serde(default)]
    pub email: Option<String>,
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
        let file: AccountsFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            bad(match e.span() {
                Some(_) => format!("{}: {message}", crate::text::line_of(text, e.span()).trim()),
                None => message,
            })
        })?;
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

    /// `n` accounts with a mix of states and faults, for trying a bulk run at scale without an
    /// account. By position, out of every 20: 8 exposed (training on; research on for half of
    /// them), 6 private, 2 where the AI card is not offered, and one each expired, challenge,
    /// odd value and interstitial. Labels are `gen-00001`…, tokens `sandbox-li_at-gen-00001`….
    pub fn generate(n: usize) -> AccountsFile {
        let mut accounts = Vec::with_capacity(n);
        for i in 0..n {
            let id = format!("gen-{:05}", i + 1);
            let state = |on: bool| CardSpec::State(if on { Toggle::On } else { Toggle::Off });
            let mut cards = BTreeMap::new();
            let mut fault = Fault::None;
            let mut file = None;
            let about = match i % 20 {
                0..=7 => {
                    cards.insert("dataForAiImprovement".to_string(), state(true));
                    cards.insert("policyAndAcademicResearch".to_string(), state(i % 2 == 0));
                    "exposed"
                }
                8..=13 => {
                    cards.insert("dataForAiImprovement".to_string(), state(false));
                    cards.insert("policyAndAcademicResearch".to_string(), state(false));
                    "private"
                }
                14 | 15 => {
                    cards.insert("policyAndAcademicResearch".to_string(), state(false));
                    "AI card not offered"
                }
                16 => {
                    fault = Fault::Expired;
                    "expired"
                }
                17 => {
                    fault = Fault::Challenge;
                    "challenge"
                }
                18 => {
                    file = Some("cards/dataForAiImprovement.odd-value.json");
                    "odd value"
                }
                _ => {
                    fault = Fault::Interstitial;
                    "interstitial"
                }
            };
            if let Some(file) = file {
                cards.insert(
                    "dataForAiImprovement".to_string(),
                    CardSpec::File {
                        file: file.to_string(),
                    },
                );
                cards.insert("policyAndAcademicResearch".to_string(), state(false));
            }
            accounts.push(AccountSpec {
                li_at: format!("sandbox-li_at-{id}"),
                id,
                about: format!("generated: {about}"),
                me: if i % 2 == 0 {
                    "me/ada-lovelace.json".to_string()
                } else {
                    "me/grace-hopper.normalized.json".to_string()
                },
                cards,
                fault,
                delay_ms: None,
                retry_after: None,
                form: None,
                email: None,
            });
        }
        AccountsFile {
            accounts,
            logins: Vec::new(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.id == id)
    }
}
