//! The sandbox's accounts file (`fixtures/accounts.toml`): who can sign in, with which token,
//! which cards they have, and how each account misbehaves.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::faults::Fault;
use super::fixtures::Fixtures;
use crate::error::{Error, Result};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsFile {
    #[serde(rename = "account")]
    pub accounts: Vec<AccountSpec>,
    #[serde(rename = "login", default)]
    pub logins: Vec<LoginSpec>,
    /// Writes LinkedIn makes move other settings too.
    #[serde(rename = "coupling", default)]
    pub couplings: Vec<Coupling>,
}

/// A setting whose write to its offValue turns others off too (as "Ads beyond LinkedIn" does
/// partner data sharing).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Coupling {
    /// The setting key written.
    pub key: String,
    /// The setting keys set to their offValue with it.
    pub off_also: Vec<String>,
}

/// Every card of the catalog at once, before `cards` and `absent` have their say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// LinkedIn's defaults: every switch on, every choice at its first (most open) value.
    Defaults,
    /// Everything private: every switch in its private position, every choice at the value
    /// opt-out writes.
    Private,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub id: String,
    pub about: String,
    pub li_at: String,
    pub me: String,
    /// Every catalog card, in these states, before `cards`.
    pub preset: Option<Preset>,
    #[serde(default)]
    pub cards: BTreeMap<String, CardSpec>,
    /// Cards the account does not have (they answer 404 with LinkedIn's JSON error).
    #[serde(default)]
    pub absent: Vec<String>,
    /// Where the member's account is: shown by `linkedin-privacy sandbox` (a recording says
    /// which region it came from).
    pub region: Option<String>,
    /// Discovery replies other than `discovery/{CATEGORY}.json`, by category.
    #[serde(default)]
    pub discovery: BTreeMap<String, String>,
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

/// A card: the built-in card file (`cards/{key}.json`) with values set, or a file served as
/// it is.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum CardSpec {
    /// `"on"` or `"off"`: every switch of the card; any other value: the card's only
    /// many-valued setting (a RADIO or DROPDOWN) holds it.
    Value(String),
    File {
        file: String,
    },
    /// Setting key -> `"on"`, `"off"`, or a many-valued setting's value.
    Set {
        set: BTreeMap<String, String>,
    },
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
    /// account. By position, out of every 20: 8 exposed (LinkedIn's defaults; research data off
    /// for half of them), 6 private, 2 where the AI card is not offered, and one each expired,
    /// challenge, odd value and interstitial. Labels are `gen-00001`…, tokens
    /// `sandbox-li_at-gen-00001`….
    pub fn generate(n: usize) -> AccountsFile {
        let mut accounts = Vec::with_capacity(n);
        for i in 0..n {
            let id = format!("gen-{:05}", i + 1);
            let mut cards = BTreeMap::new();
            let mut absent = Vec::new();
            let mut fault = Fault::None;
            let mut preset = Preset::Private;
            let about = match i % 20 {
                0..=7 => {
                    preset = Preset::Defaults;
                    if i % 2 == 1 {
                        cards.insert(
                            "policyAndAcademicResearch".to_string(),
                            CardSpec::Value("off".into()),
                        );
                    }
                    "exposed"
                }
                8..=13 => "private",
                14 | 15 => {
                    absent.push("dataForAiImprovement".to_string());
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
                    cards.insert(
                        "dataForAiImprovement".to_string(),
                        CardSpec::File {
                            file: "cards/dataForAiImprovement.odd-value.json".to_string(),
                        },
                    );
                    "odd value"
                }
                _ => {
                    fault = Fault::Interstitial;
                    "interstitial"
                }
            };
            accounts.push(AccountSpec {
                li_at: format!("sandbox-li_at-{id}"),
                id,
                about: format!("generated: {about}"),
                me: if i % 2 == 0 {
                    "me/ada-lovelace.json".to_string()
                } else {
                    "me/grace-hopper.normalized.json".to_string()
                },
                preset: Some(preset),
                cards,
                absent,
                region: None,
                discovery: BTreeMap::new(),
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
            couplings: AccountsFile::builtin().couplings,
        }
    }

    pub fn get(&self, id: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.id == id)
    }
}
