//! The sandbox's routes: requests are matched against the client's own endpoint registry, the
//! account is found by its `li_at`, its fault (if any) has its say, and the account's state
//! answers: `/me` in the shape asked for, cards as they are now, writes that change them.

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use super::faults;
use super::server::{Answer, Incoming, csrf_failed};
use super::{Account, FLIP_PATH, Fault, LOG_PATH, LoginKind, Shared, lock, select_value};
use crate::clock::OsRandom;
use crate::linkedin::endpoints::{
    self, CARD, DISCOVERY, LOGIN, LOGIN_START, ME, OBJECTION_FORM, SETTING, SETTINGS_PAGE,
};
use crate::linkedin::session::mint_jsessionid;

/// The objection form's page as LinkedIn's Help Center serves it: a shell its script renders
/// the form into, so it holds no `<form>` (an account's `form` serves another page).
const DEFAULT_FORM: &str = "forms/ts-dpro.shell.html";

impl Shared {
    pub(super) fn route(&self, rq: &Incoming) -> (Option<String>, Answer) {
        if rq.method == "GET" && rq.path == LOG_PATH {
            let log = json!(*lock(&self.log));
            return (None, Answer::json(200, &log));
        }
        if rq.method == "POST" && rq.path == FLIP_PATH {
            return self.flip(rq);
        }
        let endpoint = endpoints::route(&rq.method, &rq.target);
        match endpoint {
            Some((e, _)) if std::ptr::eq(e, &LOGIN_START) => return (None, self.login_start(rq)),
            Some((e, _)) if std::ptr::eq(e, &LOGIN) => return self.login(rq),
            Some((e, _)) if std::ptr::eq(e, &OBJECTION_FORM) && rq.cookie("li_at").is_none() => {
                return (None, self.form_page(DEFAULT_FORM, None));
            }
            _ => {}
        }
        let Some(account) = rq
            .cookie("li_at")
            .and_then(|t| self.by_token.get(t))
            .map(|i| &self.accounts[*i])
        else {
            return (None, Answer::status(401));
        };
        let id = Some(account.spec.id.clone());
        let hit = account.hits.fetch_add(1, Ordering::SeqCst);
        if self.throttle_percent > 0
            && rq.csrf_ok()
            && crate::clock::Random::below(&self.random, 100) < u64::from(self.throttle_percent)
        {
            return (
                id,
                Answer::status(429).header("Retry-After", "1".to_string()),
            );
        }
        let fault = *lock(&account.fault);
        if let Some(answer) = faults::before(self, account, rq, fault, hit) {
            return (id, answer);
        }
        if !rq.csrf_ok() {
            return (id, csrf_failed());
        }
        let mut answer = match endpoint {
            Some((e, arg)) => self.account_route(account, rq, e, arg, fault),
            None => Answer::status(404),
        };
        faults::after(account, rq, fault, &mut answer);
        (id, answer)
    }

    /// Sets a setting of an account as LinkedIn might on its own: `to` is `on`, `off` or a
    /// value the setting lists; `setting` is a catalog id or the setting's key on the wire.
    fn flip(&self, rq: &Incoming) -> (Option<String>, Answer) {
        let query = rq.target.split_once('?').map_or("", |(_, q)| q);
        let mut fields = parse_form(query);
        fields.extend(parse_form(&rq.body));
        let field = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let refuse =
            |status: u16, why: &str| Answer::text(status, "text/plain", &format!("{why}\n"));
        let (Some(id), Some(setting), Some(to)) = (field("account"), field("setting"), field("to"))
        else {
            return (
                None,
                refuse(
                    400,
                    "give account, setting and to (on, off or a listed value)",
                ),
            );
        };
        let Some(account) = self.accounts.iter().find(|a| a.spec.id == id) else {
            return (None, refuse(404, "no such account"));
        };
        let catalog = crate::catalog::Catalog::builtin();
        let entry = catalog.get(setting);
        let mut cards = lock(&account.cards);
        let key = match entry {
            Some(e) => match (&e.key, &e.card) {
                (Some(key), _) => Some(key.clone()),
                // A card's only setting.
                (None, Some(card)) => cards
                    .get_mut(card)
                    .and_then(super::settings_mut)
                    .and_then(|s| s.first())
                    .and_then(|s| s.get("key"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                (None, None) => None,
            },
            None => Some(setting.to_string()),
        };
        let Some(target) = key.as_deref().and_then(|k| setting_mut(&mut cards, k)) else {
            return (
                Some(id.to_string()),
                refuse(404, "the account has no such setting"),
            );
        };
        let value = match to {
            "on" => target.get("onValue").cloned(),
            "off" => target.get("offValue").cloned(),
            listed => target
                .get("settingDisplayValues")
                .and_then(Value::as_array)
                .and_then(|vs| {
                    vs.iter()
                        .filter_map(|v| v.get("value"))
                        .find(|v| v.as_str() == Some(listed))
                        .cloned()
                }),
        };
        let Some(value) = value else {
            return (
                Some(id.to_string()),
                refuse(400, "to is not on, off or a value this setting lists"),
            );
        };
        select_value(target, value);
        (Some(id.to_string()), Answer::json(200, target))
    }

    fn account_route(
        &self,
        account: &Account,
        rq: &Incoming,
        endpoint: &'static endpoints::Endpoint,
        arg: &str,
        fault: Fault,
    ) -> Answer {
        if std::ptr::eq(endpoint, &ME) {
            if rq.accept.contains("normalized") {
                Answer::json(200, &account.me_normalized)
            } else {
                Answer::json(200, &account.me_plain)
            }
        } else if std::ptr::eq(endpoint, &OBJECTION_FORM) {
            self.form_page(
                account.spec.form.as_deref().unwrap_or(DEFAULT_FORM),
                Some(account),
            )
        } else if std::ptr::eq(endpoint, &CARD) {
            match lock(&account.cards).get(arg) {
                Some(card) => Answer::json(200, card),
                None => Answer::status(404),
            }
        } else if std::ptr::eq(endpoint, &SETTING) {
            self.write(account, arg, rq, fault)
        } else if std::ptr::eq(endpoint, &SETTINGS_PAGE) {
            self.settings_page(account, arg)
        } else if std::ptr::eq(endpoint, &DISCOVERY) {
            self.discovery(account, arg)
        } else {
            Answer::status(404)
        }
    }

    fn write(&self, account: &Account, key: &str, rq: &Incoming, fault: Fault) -> Answer {
        match fault {
            Fault::PutForbidden => return Answer::status(403),
            Fault::PutError => return Answer::status(500),
            _ => {}
        }
        if !rq.content_type.starts_with("application/json") {
            return Answer::status(415);
        }
        let Ok(body) = serde_json::from_str::<Value>(&rq.body) else {
            return Answer::status(400);
        };
        if body.get("key").and_then(Value::as_str) != Some(key) {
            return Answer::status(400);
        }
        let mut cards = lock(&account.cards);
        let Some(setting) = setting_mut(&mut cards, key) else {
            return Answer::status(404);
        };
        // What LinkedIn's own page sends: the card's URN and display type, and a value the
        // setting has (a switch's onValue or offValue, a choice's listed value).
        let same = |field: &str| body.get(field).is_some() && body.get(field) == setting.get(field);
        if !same("entityUrn") || !same("settingDisplayType") {
            return Answer::status(400);
        }
        let Some(value) = body.get("value").cloned() else {
            return Answer::status(400);
        };
        let listed = setting
            .get("settingDisplayValues")
            .and_then(Value::as_array)
            .is_some_and(|vs| vs.iter().any(|v| v.get("value") == Some(&value)));
        let toggle = setting.get("settingDisplayType").and_then(Value::as_str) == Some("TOGGLE");
        let allowed = if toggle {
            setting.get("onValue") == Some(&value) || setting.get("offValue") == Some(&value)
        } else {
            listed
        };
        if !allowed {
            return Answer::status(400);
        }
        if fault == Fault::PutNoop {
            return Answer::json(200, setting);
        }
        let turned_off = toggle && setting.get("offValue") == Some(&value);
        select_value(setting, value);
        let written = setting.clone();
        account.wrote.store(true, Ordering::SeqCst);
        // A write LinkedIn couples with others moves them too.
        if turned_off {
            for c in self.couplings.iter().filter(|c| c.key == key) {
                for other in &c.off_also {
                    if let Some(s) = setting_mut(&mut cards, other)
                        && let Some(off) = s.get("offValue").cloned()
                    {
                        select_value(s, off);
                    }
                }
            }
        }
        Answer::json(200, &written)
    }

    /// A settings page: the page LinkedIn renders, with its cards' settings embedded as JSON
    /// in a `<code>` element, HTML-escaped as LinkedIn's pages do. A page whose cards the
    /// account does not have answers 404.
    fn settings_page(&self, account: &Account, path: &str) -> Answer {
        let not_found =
            || Answer::text(404, "text/html", "<html><body>Page not found</body></html>");
        let Some(card_keys) = self.pages.get(&format!("/mypreferences/d/{path}")) else {
            return not_found();
        };
        let cards = lock(&account.cards);
        let mut included = Vec::new();
        for key in card_keys {
            let Some(card) = cards.get(key) else { continue };
            let settings = card
                .get("settings")
                .or_else(|| card.get("data").and_then(|d| d.get("settings")))
                .and_then(Value::as_array);
            included.extend(settings.into_iter().flatten().cloned());
        }
        if included.is_empty() {
            return not_found();
        }
        let urns: Vec<Value> = included
            .iter()
            .filter_map(|s| s.get("entityUrn").cloned())
            .collect();
        let state = json!({"data": {"*elements": urns}, "included": included});
        let escaped = state
            .to_string()
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Settings | LinkedIn</title></head>\n<body><div id=\"app\" class=\"settings\">Loading…</div>\n<code style=\"display: none\" id=\"bpr-guid-1\">{escaped}</code>\n</body></html>\n"
        );
        Answer::text(200, "text/html; charset=utf-8", &page)
    }

    /// The discovery list of one category: `discovery/{CATEGORY}.json`, or the account's own.
    fn discovery(&self, account: &Account, category: &str) -> Answer {
        let name = account
            .spec
            .discovery
            .get(category)
            .cloned()
            .unwrap_or_else(|| format!("discovery/{category}.json"));
        match self
            .fixtures
            .read(&name)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            Some(v) => Answer::json(200, &v),
            None => Answer::status(404),
        }
    }

    pub(super) fn page(&self, name: &str) -> String {
        self.fixtures
            .read(name)
            .unwrap_or_else(|_| "<html><body>sandbox page</body></html>".to_string())
    }

    /// The form page, with the member's name and email where the page has `{{name}}` and
    /// `{{email}}` (empty for a visitor).
    fn form_page(&self, name: &str, member: Option<&Account>) -> Answer {
        if name == "none" {
            return Answer::text(404, "text/html", "<html><body>Page not found</body></html>");
        }
        let escape = |s: &str| {
            s.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
        };
        let who = member
            .and_then(|a| a.identity.name.clone())
            .unwrap_or_default();
        let email = member
            .and_then(|a| a.spec.email.clone())
            .unwrap_or_default();
        let page = self
            .page(name)
            .replace("{{name}}", &escape(&who))
            .replace("{{email}}", &escape(&email));
        Answer::text(200, "text/html; charset=utf-8", &page)
    }

    fn login_start(&self, rq: &Incoming) -> Answer {
        let jsessionid = rq
            .cookie("JSESSIONID")
            .map(|j| j.trim_matches('"').to_string())
            .filter(|j| !j.is_empty())
            .unwrap_or_else(|| mint_jsessionid(&OsRandom));
        Answer::json(200, &json!({"status": "success"})).header(
            "Set-Cookie",
            format!("JSESSIONID=\"{jsessionid}\"; Path=/; Secure; SameSite=None"),
        )
    }

    fn login(&self, rq: &Incoming) -> (Option<String>, Answer) {
        if !rq.csrf_ok() {
            return (None, csrf_failed());
        }
        let form = parse_form(&rq.body);
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let (email, password) = (field("session_key"), field("session_password"));
        let result = |r: &str| json!({"login_result": r});
        let Some(login) = self
            .logins
            .iter()
            .find(|l| l.email.eq_ignore_ascii_case(email))
        else {
            return (None, Answer::json(200, &result("BAD_EMAIL")));
        };
        if login.password != password {
            return (None, Answer::json(200, &result("BAD_PASSWORD")));
        }
        match login.result {
            LoginKind::Challenge => {
                let mut body = result("CHALLENGE");
                body["challenge_url"] = json!(
                    "https://www.linkedin.com/checkpoint/challenge/AgHsandboxLogin?ut=sandbox"
                );
                (None, Answer::json(200, &body))
            }
            LoginKind::Pass => {
                let account = login
                    .account
                    .as_deref()
                    .and_then(|id| self.accounts.iter().find(|a| a.spec.id == id));
                match account {
                    Some(a) => (
                        Some(a.spec.id.clone()),
                        Answer::json(200, &result("PASS")).header(
                            "Set-Cookie",
                            format!(
                                "li_at={}; Path=/; Domain=.linkedin.com; Secure; HttpOnly",
                                a.spec.li_at
                            ),
                        ),
                    ),
                    None => (None, Answer::status(500)),
                }
            }
        }
    }
}

/// The setting with `key` in any of the account's cards.
fn setting_mut<'c>(
    cards: &'c mut std::collections::BTreeMap<String, Value>,
    key: &str,
) -> Option<&'c mut Value> {
    cards
        .values_mut()
        .filter_map(super::settings_mut)
        .flatten()
        .find(|s| s.get("key").and_then(Value::as_str) == Some(key))
}

/// Decodes an `application/x-www-form-urlencoded` body.
pub(super) fn parse_form(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |c: u8| char::from(c).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}
