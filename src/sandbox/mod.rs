//! The sandbox: a fake LinkedIn served over real HTTP on loopback, built from `fixtures/`. It
//! follows the wire contract (cookies and `csrf-token` checked on every call), keeps state per
//! account (a write changes what the next read sees), misbehaves on purpose for the fault
//! accounts, and logs every request so tests and benchmarks can count them.
//!
//! Tests start it in-process on port 0; `--sandbox` starts it for one command;
//! `linkedin-privacy sandbox` runs it in the foreground for users' own scripts.

pub mod accounts;
pub mod faults;
pub mod fixtures;
mod routes;
mod server;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

pub use accounts::{AccountSpec, AccountsFile, CardSpec, Coupling, LoginKind, LoginSpec, Preset};
pub use faults::Fault;
pub use fixtures::Fixtures;

use crate::catalog::{Catalog, Toggle};
use crate::error::{Error, Result};
use crate::linkedin::api::parse_me;
use crate::report::Identity;

/// The path that lists the request log as JSON (not a LinkedIn path).
pub const LOG_PATH: &str = "/__sandbox/requests";

/// The path that sets one setting of one account (`POST`, with `account`, `setting` and `to`
/// in the query or a form body): a demo or a test switches a setting back on as LinkedIn might,
/// without a session (not a LinkedIn path).
pub const FLIP_PATH: &str = "/__sandbox/flip";

/// The most requests the log keeps; older ones are dropped first.
const LOG_CAPACITY: usize = 100_000;

#[derive(Clone, Debug, Default)]
pub struct SandboxOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Added before every reply.
    pub latency: Duration,
    /// Print one line per request on stderr.
    pub echo: bool,
    /// Answer this share of the accounts' requests (0 to 100, picked at random) with 429 and
    /// `Retry-After: 1`, to try a run's manners.
    pub throttle_percent: u8,
}

/// One request as the sandbox saw it. No cookie or header values are kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub account: Option<String>,
    pub status: u16,
    /// The User-Agent the request sent: a session from a browser must send that browser's.
    pub user_agent: Option<String>,
    /// The JSESSIONID cookie it sent (the CSRF token, not the session's secret): a session from
    /// a browser reuses the browser's.
    pub jsessionid: Option<String>,
    /// Whether it sent `Sec-GPC` (it never may).
    pub sec_gpc: bool,
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    shared: Arc<Shared>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<()>>,
    port: u16,
}

pub(crate) struct Shared {
    pub(crate) accounts: Vec<Account>,
    /// Where each token's account is in `accounts`.
    pub(crate) by_token: HashMap<String, usize>,
    pub(crate) throttle_percent: u8,
    pub(crate) random: crate::clock::OsRandom,
    pub(crate) logins: Vec<LoginSpec>,
    pub(crate) couplings: Vec<Coupling>,
    pub(crate) fixtures: Fixtures,
    /// The settings pages LinkedIn serves, from the catalog: page path -> its card keys.
    pub(crate) pages: BTreeMap<String, Vec<String>>,
    pub(crate) latency: Duration,
    pub(crate) echo: bool,
    pub(crate) log: Mutex<VecDeque<LoggedRequest>>,
}

pub(crate) struct Account {
    pub(crate) spec: AccountSpec,
    pub(crate) me_plain: Value,
    pub(crate) me_normalized: Value,
    pub(crate) identity: Identity,
    pub(crate) cards: Mutex<BTreeMap<String, Value>>,
    pub(crate) fault: Mutex<Fault>,
    pub(crate) hits: AtomicU64,
    pub(crate) wrote: AtomicBool,
}

impl Sandbox {
    /// Starts the sandbox with the built-in accounts.
    pub fn start_builtin(options: SandboxOptions) -> Result<Sandbox> {
        Sandbox::start(options, AccountsFile::builtin(), Fixtures::embedded())
    }

    pub fn start(
        options: SandboxOptions,
        file: AccountsFile,
        fixtures: Fixtures,
    ) -> Result<Sandbox> {
        let catalog = Catalog::builtin();
        let mut accounts = Vec::with_capacity(file.accounts.len());
        let mut parsed = HashMap::new();
        for spec in file.accounts {
            accounts.push(Account::load(spec, &fixtures, &catalog, &mut parsed)?);
        }
        let mut pages: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &catalog.settings {
            if let Some(card) = &e.card {
                let cards = pages.entry(e.page.clone()).or_default();
                if !cards.contains(card) {
                    cards.push(card.clone());
                }
            }
        }
        let mut by_token = HashMap::with_capacity(accounts.len());
        for (i, a) in accounts.iter().enumerate() {
            by_token.insert(a.spec.li_at.clone(), i);
        }
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
            Error::usage_with(
                format!(
                    "the sandbox cannot listen on 127.0.0.1:{}: {e}",
                    options.port
                ),
                crate::error::Hint::SandboxPort,
            )
        })?;
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or(options.port);
        let shared = Arc::new(Shared {
            accounts,
            by_token,
            throttle_percent: options.throttle_percent.min(100),
            random: crate::clock::OsRandom,
            logins: file.logins,
            couplings: file.couplings,
            fixtures,
            pages,
            latency: options.latency,
            echo: options.echo,
            log: Mutex::new(VecDeque::new()),
        });
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("sandbox".into())
                .spawn(move || server::accept(listener, shared, stop))
                .map_err(|e| Error::usage(format!("cannot start the sandbox: {e}"), None))?
        };
        Ok(Sandbox {
            shared,
            stop,
            thread: Some(thread),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn accounts(&self) -> impl Iterator<Item = &AccountSpec> {
        self.shared.accounts.iter().map(|a| &a.spec)
    }

    pub fn logins(&self) -> &[LoginSpec] {
        &self.shared.logins
    }

    /// The account's token, name and public id.
    pub fn account(&self, id: &str) -> Option<(&str, Identity)> {
        self.shared
            .accounts
            .iter()
            .find(|a| a.spec.id == id)
            .map(|a| (a.spec.li_at.as_str(), a.identity.clone()))
    }

    /// The current JSON of one account's card, as the next read would see it.
    pub fn card(&self, account: &str, card_key: &str) -> Option<Value> {
        let account = self.shared.accounts.iter().find(|a| a.spec.id == account)?;
        lock(&account.cards).get(card_key).cloned()
    }

    /// Turns a card's switches on or off, as LinkedIn might on its own (a setting switched
    /// back on). `false` when the account or a switch in that card does not exist.
    pub fn set_toggle(&self, account: &str, card_key: &str, on: bool) -> bool {
        let Some(account) = self.shared.accounts.iter().find(|a| a.spec.id == account) else {
            return false;
        };
        let mut cards = lock(&account.cards);
        match cards.get_mut(card_key) {
            Some(card) => {
                set_card(card, &CardSpec::Value(if on { "on" } else { "off" }.into())).is_ok()
            }
            None => false,
        }
    }

    /// Sets a card as an accounts file's `cards` entry would (`"on"`, a choice's value, a
    /// `set` of keys), as LinkedIn's own page might. `false` when the account or the card does
    /// not exist, or the card does not take that value.
    pub fn set_card(&self, account: &str, card_key: &str, spec: &CardSpec) -> bool {
        let Some(account) = self.shared.accounts.iter().find(|a| a.spec.id == account) else {
            return false;
        };
        let mut cards = lock(&account.cards);
        match cards.get_mut(card_key) {
            Some(card) => set_card(card, spec).is_ok(),
            None => false,
        }
    }

    /// Makes an account misbehave from now on, e.g. expire a session a test has stored.
    pub fn set_fault(&self, account: &str, fault: Fault) -> bool {
        match self.shared.accounts.iter().find(|a| a.spec.id == account) {
            Some(a) => {
                *lock(&a.fault) = fault;
                true
            }
            None => false,
        }
    }

    /// Every request served so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).iter().cloned().collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Account {
    /// An account from its spec; `parsed` keeps each fixture parsed once, for thousands of
    /// generated accounts that share them.
    fn load(
        spec: AccountSpec,
        fixtures: &Fixtures,
        catalog: &Catalog,
        parsed: &mut HashMap<String, Value>,
    ) -> Result<Account> {
        let mut parse = |name: &str| -> Result<Value> {
            if let Some(v) = parsed.get(name) {
                return Ok(v.clone());
            }
            let v: Value = serde_json::from_str(&fixtures.read(name)?).map_err(|e| {
                Error::usage(format!("fixture {name} is not valid JSON: {e}"), None)
            })?;
            parsed.insert(name.to_string(), v.clone());
            Ok(v)
        };
        let me = parse(&spec.me)?;
        let (me_plain, me_normalized) = me_shapes(&me).ok_or_else(|| {
            Error::usage(
                format!("fixture {} is not a /me reply in either shape", spec.me),
                None,
            )
        })?;
        let member = parse_me(&me_plain)
            .map_err(|why| Error::usage(format!("fixture {}: {why}", spec.me), None))?;
        let identity = Identity {
            label: None,
            profile: None,
            name: Some(member.name),
            public_id: member.public_id,
            member_urn: member.member_urn,
        };
        let bad = |card: &str, why: String| {
            Error::usage(
                format!("sandbox account {:?}, card {card}: {why}", spec.id),
                Some("compare with fixtures/accounts.toml".to_string()),
            )
        };
        let mut cards = BTreeMap::new();
        if let Some(preset) = spec.preset {
            for e in &catalog.settings {
                let (Some(card), Some(read)) = (&e.card, e.card_ref()) else {
                    continue;
                };
                let value = match (preset, read.rule) {
                    (Preset::Defaults, crate::catalog::Rule::Toggle(Toggle::Off))
                    | (Preset::Private, crate::catalog::Rule::Toggle(Toggle::On)) => "on",
                    (_, crate::catalog::Rule::Toggle(_)) => "off",
                    (Preset::Private, crate::catalog::Rule::Choice { write, .. }) => write,
                    (Preset::Defaults, crate::catalog::Rule::Choice { values, .. }) => values
                        .iter()
                        .find(|v| !v.private)
                        .map_or("", |v| v.value.as_str()),
                };
                if !cards.contains_key(card) {
                    cards.insert(card.clone(), parse(&format!("cards/{card}.json"))?);
                }
                let json = cards.get_mut(card).expect("inserted above");
                let setting = find_setting_mut(json, e.key.as_deref())
                    .ok_or_else(|| bad(card, format!("no setting for {}", e.id)))?;
                set_setting(setting, value).map_err(|why| bad(card, why))?;
            }
        }
        for (key, card) in &spec.cards {
            let value = match card {
                CardSpec::File { file } => parse(file)?,
                other => {
                    let mut v = parse(&format!("cards/{key}.json"))?;
                    set_card(&mut v, other).map_err(|why| bad(key, why))?;
                    v
                }
            };
            cards.insert(key.clone(), value);
        }
        for key in &spec.absent {
            cards.remove(key);
        }
        Ok(Account {
            fault: Mutex::new(spec.fault),
            spec,
            me_plain,
            me_normalized,
            identity,
            cards: Mutex::new(cards),
            hits: AtomicU64::new(0),
            wrote: AtomicBool::new(false),
        })
    }
}

/// The settings of a card, in either envelope.
pub(crate) fn settings_mut(card: &mut Value) -> Option<&mut Vec<Value>> {
    if card.get("settings").is_some() {
        card.get_mut("settings")?.as_array_mut()
    } else {
        card.get_mut("data")?.get_mut("settings")?.as_array_mut()
    }
}

/// The setting with `key`, or the card's only setting.
fn find_setting_mut<'v>(card: &'v mut Value, key: Option<&str>) -> Option<&'v mut Value> {
    let settings = settings_mut(card)?;
    match key {
        Some(key) => settings
            .iter_mut()
            .find(|s| s.get("key").and_then(Value::as_str) == Some(key)),
        None if settings.len() == 1 => settings.first_mut(),
        None => None,
    }
}

fn display_type(setting: &Value) -> &str {
    setting
        .get("settingDisplayType")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Sets a card as a [`CardSpec`] says (not `File`).
fn set_card(card: &mut Value, spec: &CardSpec) -> std::result::Result<(), String> {
    let settings = settings_mut(card).ok_or("the card has no settings list")?;
    match spec {
        CardSpec::File { .. } => Ok(()),
        CardSpec::Value(v) if v == "on" || v == "off" => {
            let mut any = false;
            for s in settings.iter_mut().filter(|s| display_type(s) == "TOGGLE") {
                set_setting(s, v)?;
                any = true;
            }
            any.then_some(())
                .ok_or("the card holds no TOGGLE".to_string())
        }
        CardSpec::Value(v) => {
            let mut many = settings
                .iter_mut()
                .filter(|s| matches!(display_type(s), "RADIO" | "DROPDOWN"));
            match (many.next(), many.next()) {
                (Some(s), None) => set_setting(s, v),
                _ => Err("the card must hold exactly one RADIO or DROPDOWN".to_string()),
            }
        }
        CardSpec::Set { set } => {
            for (key, v) in set {
                let s = settings
                    .iter_mut()
                    .find(|s| s.get("key").and_then(Value::as_str) == Some(key))
                    .ok_or(format!("the card has no setting {key}"))?;
                set_setting(s, v)?;
            }
            Ok(())
        }
    }
}

/// Sets one setting: a switch `"on"` or `"off"` (to its own onValue or offValue), or a
/// many-valued setting to one of its listed values.
fn set_setting(setting: &mut Value, value: &str) -> std::result::Result<(), String> {
    if display_type(setting) == "TOGGLE" {
        let on = match value {
            "on" => true,
            "off" => false,
            other => return Err(format!("a switch is on or off, not {other:?}")),
        };
        set_toggle(setting, on);
        return Ok(());
    }
    let listed = setting
        .get("settingDisplayValues")
        .and_then(Value::as_array)
        .and_then(|vs| {
            vs.iter()
                .filter_map(|v| v.get("value"))
                .find(|v| v.as_str() == Some(value))
                .cloned()
        })
        .ok_or(format!("the setting does not list the value {value:?}"))?;
    select_value(setting, listed);
    Ok(())
}

/// Sets a setting to its own onValue or offValue, and the labels with it.
fn set_toggle(setting: &mut Value, on: bool) {
    let target = setting
        .get(if on { "onValue" } else { "offValue" })
        .cloned()
        .unwrap_or(Value::Bool(on));
    select_value(setting, target);
}

pub(crate) fn select_value(setting: &mut Value, target: Value) {
    if let Some(labels) = setting
        .get_mut("settingDisplayValues")
        .and_then(Value::as_array_mut)
    {
        for label in labels {
            let selected = label.get("value") == Some(&target);
            label["selected"] = Value::Bool(selected);
        }
    }
    setting["value"] = target;
}

/// Both shapes of a `/me` reply from a fixture in either shape.
fn me_shapes(me: &Value) -> Option<(Value, Value)> {
    let (mut rest, mini) = if let Some(mini) = me.get("miniProfile") {
        let mut rest = me.as_object()?.clone();
        rest.remove("miniProfile");
        (rest, mini.clone())
    } else {
        let data = me.get("data")?.as_object()?;
        let urn = data.get("*miniProfile")?.as_str()?;
        let mini = me
            .get("included")?
            .as_array()?
            .iter()
            .find(|i| i.get("entityUrn").and_then(Value::as_str) == Some(urn))?
            .clone();
        let mut rest = data.clone();
        rest.remove("*miniProfile");
        rest.remove("$type");
        (rest, mini)
    };
    let mut mini_plain = mini.as_object()?.clone();
    mini_plain.remove("$type");
    let urn = mini_plain.get("entityUrn")?.clone();
    let mut plain = rest.clone();
    plain.insert("miniProfile".into(), Value::Object(mini_plain.clone()));
    rest.insert("*miniProfile".into(), urn);
    rest.insert("$type".into(), json!("com.linkedin.voyager.common.Me"));
    let mut mini_typed = mini_plain;
    mini_typed.insert(
        "$type".into(),
        json!("com.linkedin.voyager.identity.shared.MiniProfile"),
    );
    let normalized = json!({"data": Value::Object(rest), "included": [Value::Object(mini_typed)]});
    Some((Value::Object(plain), normalized))
}

/// A reply before it is written.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(
            routes::parse_form("a=b+c&d=%41%2b&e=&f=%zz&g=%4"),
            vec![
                ("a".into(), "b c".into()),
                ("d".into(), "A+".into()),
                ("e".into(), "".into()),
                ("f".into(), "%zz".into()),
                ("g".into(), "%4".into()),
            ]
        );
    }

    #[test]
    fn me_shapes_round_trip() {
        for name in ["me/ada-lovelace.json", "me/grace-hopper.normalized.json"] {
            let v: Value = serde_json::from_str(fixtures::embedded(name).unwrap()).unwrap();
            let (plain, normalized) = me_shapes(&v).unwrap();
            let a = parse_me(&plain).unwrap();
            let b = parse_me(&normalized).unwrap();
            assert_eq!(a, b);
            assert_eq!(parse_me(&v).unwrap(), a);
            assert!(plain.get("miniProfile").is_some());
            assert!(normalized["data"].get("*miniProfile").is_some());
        }
    }
}
