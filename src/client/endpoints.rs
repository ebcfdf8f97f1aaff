//! Every LinkedIn endpoint the tool touches, each a small function: its path, its headers and
//! how its reply is read. Nothing else in the code knows a LinkedIn path.

use reqwest::Method;
use serde_json::Value;

use super::{Body, Call, Client, Expect, Member};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::text;

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

/// A settings card as the server answered it.
#[derive(Clone, Debug, PartialEq)]
pub enum CardReply {
    /// 200 with a JSON body.
    Found(Value),
    /// 404 with LinkedIn's JSON error object: the setting is not offered to this member.
    NotOffered,
    /// A reply that proves nothing about the setting (an empty or HTML 404, a 410): why.
    Unproven(String),
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

    /// `GET` a settings card. A 404 means "not offered" only when its body is LinkedIn's JSON
    /// error object; an empty or HTML 404, and any 410, prove nothing (the endpoint may have
    /// moved).
    pub fn card(&self, card_key: &str) -> Result<CardReply> {
        let path = card_path(card_key);
        let mut call = Call::get(path.clone());
        call.pass = &[404, 410];
        let reply = self.call(call)?;
        match reply.status {
            404 => Ok(judge_404(&reply.raw, reply.is_html)),
            410 => Ok(CardReply::Unproven(
                "the card answered 410 Gone: LinkedIn may have moved or retired this endpoint"
                    .to_string(),
            )),
            _ => reply
                .json
                .map(CardReply::Found)
                .ok_or_else(|| Error::Drift {
                    path,
                    what: "the reply is empty".to_string(),
                }),
        }
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
    Pass(Secret),
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
    pub fn login(&self, jsessionid: &str, email: &str, password: &Secret) -> Result<LoginResult> {
        let mut call = Call::get(AUTHENTICATE);
        call.method = Method::POST;
        call.anonymous_jsessionid = Some(jsessionid);
        call.pass = &[401];
        // A password is submitted once: a retry would be a second sign-in attempt.
        call.retry = false;
        call.body = Some(Body::Form(vec![
            ("session_key", Secret::new(email)),
            ("session_password", password.clone()),
            ("JSESSIONID", Secret::new(format!("\"{jsessionid}\""))),
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
                .map(|u| LoginResult::Challenge(challenge_url(u)))
                .ok_or_else(|| drift("login_result is CHALLENGE without a challenge_url")),
            Some(r @ ("BAD_PASSWORD" | "BAD_EMAIL")) => Ok(LoginResult::BadCredentials(r.into())),
            // Never echoed: a server that reflects the request would print the password.
            Some(other) => Err(drift(&format!(
                "unknown login_result ({})",
                text::describe_word(other)
            ))),
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
    let part = |k: &str| {
        let raw = profile.get(k).and_then(Value::as_str).unwrap_or("");
        text::clean_line(raw, 100)
    };
    let name = format!("{} {}", part("firstName"), part("lastName"))
        .trim()
        .to_string();
    if name.is_empty() {
        return Err("the miniProfile has no firstName or lastName".to_string());
    }
    // A public identifier becomes part of a profile address: letters, digits, '-' and '_' only.
    let public_id = Some(part("publicIdentifier")).filter(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    Ok(Me { name, public_id })
}

/// Judges a 404 from a card: LinkedIn's JSON error object (`{"status": 404, …}`) means "not
/// offered"; anything else proves nothing.
fn judge_404(body: &[u8], is_html: bool) -> CardReply {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let status = json
        .as_ref()
        .and_then(|v| v.get("status"))
        .and_then(Value::as_u64);
    if !is_html && status == Some(404) {
        return CardReply::NotOffered;
    }
    let what = if body.iter().all(u8::is_ascii_whitespace) {
        "an empty body"
    } else if is_html || super::starts_like_html(body) {
        "an HTML page"
    } else {
        "a body that is not LinkedIn's JSON error"
    };
    CardReply::Unproven(format!(
        "the card answered 404 with {what}, not LinkedIn's JSON error: the endpoint may have moved"
    ))
}

/// The address of a challenge, for a person to open: only an http(s) URL, as the URL parser
/// writes it (control characters percent-encoded), and not too long.
fn challenge_url(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "https" | "http") => {
            text::clean_line(u.as_str(), text::MAX_SHOWN)
        }
        _ => "(the address LinkedIn gave is not a web address; sign in to LinkedIn in a browser)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linkedins_json_error_means_not_offered() {
        assert_eq!(
            judge_404(br#"{"status":404,"message":"x"}"#, false),
            CardReply::NotOffered
        );
        for (body, html, want) in [
            (&b""[..], false, "empty body"),
            (b"  \n", false, "empty body"),
            (b"<html>gone</html>", false, "HTML page"),
            (br#"{"status":404}"#, true, "HTML page"),
            (br#"{"status":"404"}"#, false, "not LinkedIn's JSON error"),
            (b"[]", false, "not LinkedIn's JSON error"),
        ] {
            match judge_404(body, html) {
                CardReply::Unproven(why) => assert!(why.contains(want), "{why}"),
                other => panic!("{other:?} for {body:?}"),
            }
        }
    }

    #[test]
    fn challenge_urls_are_cleaned() {
        let u = challenge_url("https://www.linkedin.com/checkpoint/\x1b]0;owned\x07x");
        assert!(crate::text::is_clean(&u), "{u}");
        assert!(u.starts_with("https://www.linkedin.com/checkpoint/"));
        assert!(challenge_url("javascript:alert(1)").contains("not a web address"));
    }

    #[test]
    fn me_is_cleaned() {
        let me = parse_me(&serde_json::json!({"miniProfile": {
            "firstName": "Ada\u{1b}[2J", "lastName": "Love\u{9b}lace",
            "publicIdentifier": "ada\u{1b}]0;x"}}))
        .unwrap();
        assert!(crate::text::is_clean(&me.name));
        assert_eq!(me.public_id, None);
    }
}
