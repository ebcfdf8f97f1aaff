//! One small function per endpoint: the request it sends and how its reply is read, on top of
//! the client and the registry ([`super::endpoints`]).

use serde_json::Value;

use super::client::{Body, Client, Member, Reply};
use super::endpoints::{
    CARD, DISCOVERY, LOGIN, LOGIN_START, ME, OBJECTION_FORM, SETTING, SETTINGS_PAGE,
};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::text;

/// A settings card as the server answered it.
#[derive(Clone, Debug, PartialEq)]
pub enum CardReply {
    /// 200 with a JSON body.
    Found(Value),
    /// 404 with LinkedIn's JSON error object: the setting is not offered to this member.
    NotOffered,
    /// A reply that proves nothing about the setting (an empty or HTML 404, a 410): why.
    Unproven(crate::report::ReasonCode, String),
}

/// One card a discovery list names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub card: String,
    /// What LinkedIn calls it (cleaned, short).
    pub text: String,
}

/// The most cards of one discovery list read; the rest are said to be cut.
pub const MAX_LISTED: usize = 500;

/// A discovery list as the server answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Discovery {
    /// The cards it names (at most [`MAX_LISTED`]), and whether it named more.
    Listed(Vec<Listed>, bool),
    /// Anything else (a 404, another shape): why it lists nothing.
    NotListed(String),
}

/// The member, as `/voyager/api/me` describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    pub name: String,
    pub public_id: Option<String>,
    /// `urn:li:member:{plainId}`, when the reply has a plain id: the key that never changes
    /// (a public id can be edited by the member).
    pub member_urn: Option<String>,
}

impl Member<'_> {
    /// `GET /voyager/api/me`: who the session belongs to. Also the cheapest check that a
    /// session still works.
    pub fn me(&self) -> Result<Me> {
        let reply = self.send(ME.call(""))?;
        let json = reply.json.unwrap_or(Value::Null);
        parse_me(&json).map_err(|what| Error::Drift {
            path: ME.pattern.to_string(),
            what,
        })
    }

    /// `GET` a settings card. A 404 means "not offered" only when its body is LinkedIn's JSON
    /// error object; an empty or HTML 404, and any 410, prove nothing (the endpoint may have
    /// moved).
    pub fn card(&self, card_key: &str) -> Result<CardReply> {
        self.card_read(card_key).map(|(reply, _)| reply)
    }

    /// Like [`Member::card`], with the SHA-256 of the reply's body as received.
    pub fn card_read(&self, card_key: &str) -> Result<(CardReply, String)> {
        let call = CARD.call(card_key);
        let path = call.path.clone();
        let reply = self.send(call)?;
        let digest = reply.sha256.clone();
        let judged = match reply.status {
            404 => Ok(judge_404(&reply.raw, reply.is_html)),
            410 => Ok(CardReply::Unproven(
                crate::report::ReasonCode::Gone,
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
        };
        judged.map(|r| (r, digest))
    }

    /// `PUT` one setting. A success status proves nothing; callers read the card again.
    pub fn put_setting(&self, setting_key: &str, body: Value) -> Result<()> {
        let mut call = SETTING.call(setting_key);
        call.body = Some(Body::Json(body));
        self.send(call).map(|_| ())
    }

    /// `GET` the discovery list of one category (`settingsApiSneakPeeks`): which setting cards
    /// LinkedIn offers there.
    pub fn discovery(&self, category: &str) -> Result<Discovery> {
        let reply = self.send(DISCOVERY.call(category))?;
        if reply.status != 200 {
            return Ok(Discovery::NotListed(format!(
                "the discovery list answered {}",
                reply.status
            )));
        }
        Ok(parse_discovery(reply.json.as_ref().unwrap_or(&Value::Null)))
    }

    /// `GET` a settings page (the path after `/mypreferences/d/`), for a recording: its HTML,
    /// or `None` when it answered 404 or 410.
    pub fn settings_page(&self, path: &str) -> Result<Option<String>> {
        let reply = self.send(SETTINGS_PAGE.call(path))?;
        Ok(match reply.status {
            404 | 410 => None,
            _ => reply.text,
        })
    }

    /// The Data Processing Objection Form page, fetched with the session.
    pub fn objection_form(&self) -> Result<String> {
        form_text(self.send(OBJECTION_FORM.call(""))?)
    }
}

/// The path of a setting's write, for `--dry-run` to show.
pub fn setting_path(setting_key: &str) -> String {
    SETTING.path(setting_key)
}

fn form_text(reply: Reply) -> Result<String> {
    reply.text.ok_or_else(|| Error::Drift {
        path: OBJECTION_FORM.pattern.to_string(),
        what: "the page is empty".to_string(),
    })
}

/// The outcome of a password sign-in attempt.
pub enum LoginResult {
    Pass(Secret),
    Challenge(String),
    BadCredentials(String),
}

impl Client {
    /// The objection form's address, for a person to open.
    pub fn objection_form_url(&self) -> String {
        self.origin().url(OBJECTION_FORM.pattern)
    }

    /// `GET /uas/authenticate`: LinkedIn sets the JSESSIONID the password login must use.
    /// Returns that value (without quotes), or the one offered when none is set.
    pub fn login_start(&self, offered: &str) -> Result<String> {
        let mut call = LOGIN_START.call("");
        call.anonymous_jsessionid = Some(offered);
        let reply = self.send(&call)?;
        Ok(reply
            .set_cookie("JSESSIONID")
            .map(|j| j.expose().to_string())
            .unwrap_or_else(|| offered.to_string()))
    }

    /// `POST /uas/authenticate` with the member's email and password.
    pub fn login(&self, jsessionid: &str, email: &str, password: &Secret) -> Result<LoginResult> {
        let mut call = LOGIN.call("");
        call.anonymous_jsessionid = Some(jsessionid);
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
            path: LOGIN.pattern.to_string(),
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
        form_text(self.send(&OBJECTION_FORM.call(""))?)
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
    let plain = json
        .get("plainId")
        .or_else(|| json.get("data").and_then(|d| d.get("plainId")))
        .and_then(Value::as_u64);
    let member_urn = plain.map(|id| format!("urn:li:member:{id}"));
    Ok(Me {
        name,
        public_id,
        member_urn,
    })
}

/// Reads a discovery list: `{"elements": [{"settingCardKey": "…", "displayText": "…"}]}`. An
/// element without a plain card key is left out; a reply of another shape lists nothing.
pub fn parse_discovery(json: &Value) -> Discovery {
    let Some(elements) = json.get("elements").and_then(Value::as_array) else {
        return Discovery::NotListed("the discovery reply has no `elements` list".to_string());
    };
    let cut = elements.len() > MAX_LISTED;
    let listed = elements
        .iter()
        .take(MAX_LISTED)
        .filter_map(|e| {
            let card = e.get("settingCardKey")?.as_str()?;
            let plain = !card.is_empty()
                && card.len() <= 100
                && card
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            plain.then(|| Listed {
                card: card.to_string(),
                text: text::clean_line(
                    e.get("displayText").and_then(Value::as_str).unwrap_or(""),
                    80,
                ),
            })
        })
        .collect();
    Discovery::Listed(listed, cut)
}

/// A public identifier, which becomes part of a profile address: letters, digits, '-' and '_'
/// only, at most 100 of them; anything else is no identifier at all.
pub fn clean_public_id(raw: &str) -> Option<String> {
    let id = raw.trim();
    let ok = !id.is_empty()
        && id.chars().count() <= 100
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    ok.then(|| id.to_string())
}

/// Judges a 404 from a card: LinkedIn's JSON error object (`{"status": 404, …}`) means "not
/// offered"; anything else proves nothing.
fn judge_404(body: &[u8], is_html: bool) -> CardReply {
    let json: Option<Value> = crate::json::from_slice(body).ok();
    let status = json
        .as_ref()
        .and_then(|v| v.get("status"))
        .and_then(Value::as_u64);
    if !is_html && status == Some(404) {
        return CardReply::NotOffered;
    }
    use crate::report::ReasonCode;
    let (code, what) = if body.iter().all(u8::is_ascii_whitespace) {
        (ReasonCode::NotFoundEmptyBody, "an empty body")
    } else if is_html || super::client::starts_like_html(body) {
        (ReasonCode::NotFoundHtml, "an HTML page")
    } else {
        (
            ReasonCode::NotFoundOther,
            "a body that is not LinkedIn's JSON error",
        )
    };
    CardReply::Unproven(
        code,
        format!(
            "the card answered 404 with {what}, not LinkedIn's JSON error: the endpoint may have moved"
        ),
    )
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
                CardReply::Unproven(_, why) => assert!(why.contains(want), "{why}"),
                other => panic!("{other:?} for {body:?}"),
            }
        }
    }

    #[test]
    fn discovery_lists_plain_card_keys_only() {
        let json = serde_json::json!({"elements": [
            {"settingCardKey": "adsByAge", "displayText": "Age\u{1b}[2J range"},
            {"settingCardKey": "../x", "displayText": "bad"},
            {"settingCardKey": 7},
            {"displayText": "no key"},
        ]});
        match parse_discovery(&json) {
            Discovery::Listed(l, cut) => {
                assert!(!cut);
                assert_eq!(l.len(), 1);
                assert_eq!(l[0].card, "adsByAge");
                assert!(crate::text::is_clean(&l[0].text));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_discovery(&serde_json::json!({"data": []})),
            Discovery::NotListed(_)
        ));
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
