//! The sandbox's routes: requests are matched against the client's own endpoint registry, the
//! account is found by its `li_at`, its fault (if any) has its say, and the account's state
//! answers: `/me` in the shape asked for, cards as they are now, writes that change them.

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use super::faults;
use super::server::{Answer, Incoming, csrf_failed};
use super::{Account, Fault, LOG_PATH, LoginKind, Shared, lock, select_value};
use crate::clock::OsRandom;
use crate::linkedin::endpoints::{self, CARD, LOGIN, LOGIN_START, ME, OBJECTION_FORM, SETTING};
use crate::linkedin::session::mint_jsessionid;

impl Shared {
    pub(super) fn route(&self, rq: &Incoming) -> (Option<String>, Answer) {
        if rq.method == "GET" && rq.path == LOG_PATH {
            let log = json!(*lock(&self.log));
            return (None, Answer::json(200, &log));
        }
        let endpoint = endpoints::route(&rq.method, &rq.path);
        match endpoint {
            Some((e, _)) if std::ptr::eq(e, &LOGIN_START) => return (None, self.login_start(rq)),
            Some((e, _)) if std::ptr::eq(e, &LOGIN) => return self.login(rq),
            Some((e, _)) if std::ptr::eq(e, &OBJECTION_FORM) && rq.cookie("li_at").is_none() => {
                return (None, self.form_page("forms/ts-dpro.html", None));
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
                account.spec.form.as_deref().unwrap_or("forms/ts-dpro.html"),
                Some(account),
            )
        } else if std::ptr::eq(endpoint, &CARD) {
            match lock(&account.cards).get(arg) {
                Some(card) => Answer::json(200, card),
                None => Answer::status(404),
            }
        } else if std::ptr::eq(endpoint, &SETTING) {
            self.write(account, arg, rq, fault)
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
        let setting = cards
            .values_mut()
            .filter_map(|card| card.get_mut("settings").and_then(Value::as_array_mut))
            .flatten()
            .find(|s| s.get("key").and_then(Value::as_str) == Some(key));
        let Some(setting) = setting else {
            return Answer::status(404);
        };
        let Some(value) = body.get("value").cloned() else {
            return Answer::status(400);
        };
        if setting.get("onValue") != Some(&value) && setting.get("offValue") != Some(&value) {
            return Answer::status(400);
        }
        if fault != Fault::PutNoop {
            select_value(setting, value);
            account.wrote.store(true, Ordering::SeqCst);
        }
        Answer::json(200, setting)
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
