//! Every LinkedIn endpoint the tool touches, each a small function: its path, its headers and
//! how its reply is read. Nothing else in the code knows a LinkedIn path.

use reqwest::Method;
use serde_json::Value;

use super::{Body, Call, Client, Expect, Member};
use crate::error::{Error, Result};

pub const ME: &str = "/voyager/api/me";
pub const CARD_PREFIX: &str = "/mysettings-api/settingsApiSettingCards/";
pub const SETTING_PREFIX: &str = "/mysettings-api/settingsApiSettings/";
pub const AUTHENTICATE: &str = "/uas/authenticate";
pub const OBJECTION_FORM: &str = "/help/linkedin/ask/TS-DPRO";

/// The `accept` value LinkedIn's web client sends; `/me` then answers in the normalized shape.
const NORMALIZED: &str = "application/vnd.linkedin.normalized+json+2.1";

pub fn card_path(card_key: &str) -> String {
    format!("{CARD_PREFIX}{card_key}")
}

pub fn setting_path(setting_key: &str) -> String {
    format!("{SETTING_PREFIX}{setting_key}")
}

/// The member, as `/voyager/api/me` describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    pub name: String,
    pub public_id: Option<String>,
}

impl Member<'_> {
    fn call<'c>(&'c self, mut call: Call<'c>) -> Result<super::Reply> {
        call.session = Some(self.session);
        self.client.send(&call)
    }

    /// `GET /voyager/api/me`: who the session belongs to. Also the cheapest check that a
    /// session still works.
    pub fn me(&self) -> Result<Me> {
        let mut call = Call::get(ME);
        call.accept = NORMALIZED;
        let reply = self.call(call)?;
        let json = reply.json.unwrap_or(Value::Null);
        parse_me(&json).map_err(|what| Error::Drift {
            path: ME.to_string(),
            what,
        })
    }

    /// `GET` a settings card. `None` when LinkedIn answers 404: the card is not offered to this
    /// member.
    pub fn card(&self, card_key: &str) -> Result<Option<Value>> {
        let path = card_path(card_key);
        let mut call = Call::get(path.clone());
        call.pass = &[404];
        let reply = self.call(call)?;
        if reply.status == 404 {
            return Ok(None);
        }
        reply.json.map(Some).ok_or_else(|| Error::Drift {
            path,
            what: "the reply is empty".to_string(),
        })
    }

    /// `PUT` one setting. A success status proves nothing; callers read the card again.
    pub fn put_setting(&self, setting_key: &str, body: Value) -> Result<()> {
        let mut call = Call::get(setting_path(setting_key));
        call.method = Method::PUT;
        call.body = Some(Body::Json(body));
        self.call(call).map(|_| ())
    }

    /// The Data Processing Objection Form page, fetched with the session.
    pub fn objection_form(&self) -> Result<String> {
        let mut call = Call::get(OBJECTION_FORM);
        call.accept = "text/html";
        call.expect = Expect::Html;
        let reply = self.call(call)?;
        reply.text.ok_or_else(|| Error::Drift {
            path: OBJECTION_FORM.to_string(),
            what: "the page is empty".to_string(),
        })
    }
}

/// The outcome of a password sign-in attempt.
pub enum LoginResult {
    Pass(crate::secret::Secret),
    Challenge(String),
    BadCredentials(String),
}

impl Client {
    /// `GET /uas/authenticate`: LinkedIn sets the JSESSIONID the password login must use.
    /// Returns that value (without quotes), or the one offered when none is set.
    pub fn login_start(&self, offered: &str) -> Result<String> {
        let mut call = Call::get(AUTHENTICATE);
        call.anonymous_jsessionid = Some(offered);
        let reply = self.send(&call)?;
        Ok(reply
            .set_cookie("JSESSIONID")
            .map(|j| j.expose().to_string())
            .unwrap_or_else(|| offered.to_string()))
    }

    /// `POST /uas/authenticate` with the member's email and password.
    pub fn login(
        &self,
        jsessionid: &str,
        email: &str,
        password: &crate::secret::Secret,
    ) -> Result<LoginResult> {
        let mut call = Call::get(AUTHENTICATE);
        call.method = Method::POST;
        call.anonymous_jsessionid = Some(jsessionid);
        call.pass = &[401];
        call.body = Some(Body::Form(vec![
            ("session_key", email.to_string()),
            ("session_password", password.expose().to_string()),
            ("JSESSIONID", format!("\"{jsessionid}\"")),
        ]));
        let reply = self.send(&call)?;
        if reply.status == 401 {
            return Ok(LoginResult::BadCredentials("HTTP 401".to_string()));
        }
        let json = reply.json.as_ref().unwrap_or(&Value::Null);
        let drift = |what: &str| Error::Drift {
            path: AUTHENTICATE.to_string(),
            what: what.to_string(),
        };
        match json.get("login_result").and_then(Value::as_str) {
            Some("PASS") => reply
                .set_cookie("li_at")
                .map(LoginResult::Pass)
                .ok_or_else(|| drift("login_result is PASS but no li_at cookie was set")),
            Some("CHALLENGE") => json
                .get("challenge_url")
                .and_then(Value::as_str)
                .map(|u| LoginResult::Challenge(u.to_string()))
                .ok_or_else(|| drift("login_result is CHALLENGE without a challenge_url")),
            Some(r @ ("BAD_PASSWORD" | "BAD_EMAIL")) => Ok(LoginResult::BadCredentials(r.into())),
            Some(other) => Err(drift(&format!("unknown login_result {other:?}"))),
            None => Err(drift("the reply has no login_result")),
        }
    }

    /// The objection form without a session (visitors may use it too).
    pub fn objection_form_anonymous(&self) -> Result<String> {
        let mut call = Call::get(OBJECTION_FORM);
        call.accept = "text/html";
        call.expect = Expect::Html;
        let reply = self.send(&call)?;
        reply.text.ok_or_else(|| Error::Drift {
            path: OBJECTION_FORM.to_string(),
            what: "the page is empty".to_string(),
        })
    }
}

/// Reads `/me` in either shape: plain (`miniProfile` inline) or normalized (`*miniProfile` names
/// an entry of `included`).
pub fn parse_me(json: &Value) -> std::result::Result<Me, String> {
    let profile = if let Some(mini) = json.get("miniProfile") {
        mini
    } else if let Some(data) = json.get("data") {
        let urn = data
            .get("*miniProfile")
            .and_then(Value::as_str)
            .ok_or("normalized reply without data.*miniProfile")?;
        json.get("included")
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .find(|i| i.get("entityUrn").and_then(Value::as_str) == Some(urn))
            })
            .ok_or("normalized reply whose included list lacks the miniProfile")?
    } else {
        return Err("neither miniProfile nor data in the reply".to_string());
    };
    let part = |k: &str| profile.get(k).and_then(Value::as_str).unwrap_or("").trim();
    let name = format!("{} {}", part("firstName"), part("lastName"))
        .trim()
        .to_string();
    if name.is_empty() {
        return Err("the miniProfile has no firstName or lastName".to_string());
    }
    let public_id = Some(part("publicIdentifier"))
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    Ok(Me { name, public_id })
}
