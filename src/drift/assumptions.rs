//! What a recording says about the catalog's inferred parts: for each entry, each field the
//! catalog marks `inferred` (a card key that follows a page's slug, a setting key only seen on a
//! page, "the card's only setting" where no key is known, a choice's values, a page path) is
//! confirmed, contradicted, or left unsettled by the recording's replies. The first member who
//! records against LinkedIn settles them.

use serde::Serialize;
use serde_json::Value;

use super::recording::Recording;
use crate::catalog::{Catalog, Entry, Kind, Mark};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Contradicted,
    Confirmed,
    Unsettled,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Contradicted => "contradicted",
            Verdict::Confirmed => "confirmed",
            Verdict::Unsettled => "unsettled",
        }
    }
}

/// One inferred part of one catalog entry, and what the recording says of it.
#[derive(Clone, Debug, Serialize)]
pub struct Assumption {
    /// The catalog entry.
    pub id: String,
    /// `page`, `card`, `key` or `values`.
    pub field: &'static str,
    /// What the catalog assumes.
    pub assumed: String,
    pub verdict: Verdict,
    /// What in the recording says so.
    pub evidence: String,
}

/// The card's reply as the recording holds it: `Ok(json)` for a 200 with a JSON body,
/// `Err((verdict, why))` otherwise (a status that contradicts the card key, or nothing to judge).
fn card_json(rec: &Recording, card: &str) -> Result<Value, (Verdict, String)> {
    let Some(reply) = rec.reply("card", card) else {
        return Err((
            Verdict::Unsettled,
            "the recording has no reply for the card".into(),
        ));
    };
    let body = reply.file.as_deref().map(|f| rec.read(f));
    let json = match body {
        Some(Ok(bytes)) => crate::json::from_slice(&bytes).ok(),
        Some(Err(_)) => {
            return Err((Verdict::Unsettled, "the reply's file cannot be read".into()));
        }
        None => None,
    };
    match (reply.status, json) {
        (Some(200), Some(json)) => Ok(json),
        (Some(200), None) => Err((
            Verdict::Unsettled,
            "the card answers 200 with a body that is not JSON".into(),
        )),
        (Some(404), Some(json)) if json.get("status").and_then(Value::as_u64) == Some(404) => {
            Err((
                Verdict::Unsettled,
                "the card is not offered to the recorded account (LinkedIn's JSON 404)".into(),
            ))
        }
        (Some(status), _) => Err((
            Verdict::Contradicted,
            format!("the card answers {status}, not a settings card"),
        )),
        (None, _) => Err((
            Verdict::Unsettled,
            format!(
                "no reply was recorded ({})",
                reply.error.as_deref().unwrap_or("no reason given")
            ),
        )),
    }
}

/// The card's settings list, by the reader's own envelope rules.
fn card_settings(rec: &Recording, card: &str) -> Result<(Value, Vec<Value>), (Verdict, String)> {
    let json = card_json(rec, card)?;
    match crate::audit::settings_list(&json) {
        Ok(list) if list.is_empty() => Err((
            Verdict::Unsettled,
            "the card answers with no settings".into(),
        )),
        Ok(list) => {
            let list = list.clone();
            Ok((json, list))
        }
        Err(r) => Err((
            Verdict::Contradicted,
            format!("the card answers 200, but {}", r.reason.unwrap_or_default()),
        )),
    }
}

fn key_of(s: &Value) -> Option<&str> {
    s.get("key").and_then(Value::as_str)
}

fn keys(settings: &[Value]) -> String {
    let names: Vec<String> = settings
        .iter()
        .filter_map(key_of)
        .map(|k| crate::text::clean_line(k, 60))
        .take(8)
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Every inferred part of the catalog, judged by `rec`; contradicted ones first.
pub fn check(catalog: &Catalog, rec: &Recording) -> Vec<Assumption> {
    let mut out = Vec::new();
    for e in &catalog.settings {
        judge_entry(e, rec, &mut out);
    }
    out.sort_by_key(|a| a.verdict);
    out
}

fn judge_entry(e: &Entry, rec: &Recording, out: &mut Vec<Assumption>) {
    let p = &e.provenance;
    let mut add = |field: &'static str, assumed: String, (verdict, evidence): (Verdict, String)| {
        out.push(Assumption {
            id: e.id.clone(),
            field,
            assumed,
            verdict,
            evidence: crate::text::clean_line(&evidence, 300),
        });
    };
    if p.page == Mark::Inferred
        && let Some(path) = e.page.strip_prefix("/mypreferences/d/")
    {
        let judged = match rec.reply("settings-page", path).map(|r| r.status) {
            Some(Some(200)) => (Verdict::Confirmed, "the page answers 200".to_string()),
            Some(Some(s)) => (Verdict::Contradicted, format!("the page answers {s}")),
            _ => (
                Verdict::Unsettled,
                "the recording has no reply for the page".to_string(),
            ),
        };
        add("page", e.page.clone(), judged);
    }
    let Some(card) = e.card.as_deref() else {
        return;
    };
    let settings = card_settings(rec, card);
    if p.card == Some(Mark::Inferred) {
        let judged = match &settings {
            Ok((_, s)) => (
                Verdict::Confirmed,
                format!("the card answers with {} setting(s)", s.len()),
            ),
            Err(why) => why.clone(),
        };
        add("card", card.to_string(), judged);
    }
    let unsettled = |why: &(Verdict, String)| (Verdict::Unsettled, why.1.clone());
    // The reader's own verdict on the card, for this entry: a key counts as confirmed only when
    // the reader finds exactly its setting and proves a state from it.
    let reading = settings
        .as_ref()
        .ok()
        .zip(e.card_ref())
        .map(|((json, _), card)| crate::audit::read_card(&card, json));
    let proven = |r: &crate::audit::Reading| {
        matches!(
            r.state,
            crate::report::State::On | crate::report::State::Off | crate::report::State::Chosen
        )
    };
    match (&e.key, p.key) {
        (Some(key), Some(Mark::Inferred)) => {
            let judged = match (&settings, &reading) {
                (Ok(_), Some(r)) if proven(r) => (
                    Verdict::Confirmed,
                    "the card holds exactly one setting with this key, and it reads".to_string(),
                ),
                (Ok((_, s)), Some(r))
                    if r.code == Some(crate::report::ReasonCode::NoSuchSetting) =>
                {
                    (
                        Verdict::Contradicted,
                        format!(
                            "the card holds no setting with this key (its keys: {})",
                            keys(s)
                        ),
                    )
                }
                (Ok(_), Some(r)) => (
                    Verdict::Unsettled,
                    format!(
                        "the card's setting proves nothing ({})",
                        r.reason.clone().unwrap_or_default()
                    ),
                ),
                (Ok(_), None) => (Verdict::Unsettled, "nothing to read".to_string()),
                (Err(why), _) => unsettled(why),
            };
            add("key", key.clone(), judged);
        }
        (None, _) => {
            let judged = match &settings {
                Ok((_, s)) if s.len() == 1 => (
                    Verdict::Confirmed,
                    format!(
                        "the card holds one setting, `{}`: its key can go into the catalog",
                        keys(s)
                    ),
                ),
                Ok((_, s)) => (
                    Verdict::Contradicted,
                    format!(
                        "the card holds {} settings (keys: {}): the catalog must name one",
                        s.len(),
                        keys(s)
                    ),
                ),
                Err(why) => unsettled(why),
            };
            add("key", "the card's only setting".to_string(), judged);
        }
        _ => {}
    }
    if e.kind == Kind::Choice && p.values == Some(Mark::Inferred) {
        let assumed: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
        let judged = match &settings {
            Ok((_, s)) => {
                let setting = match &e.key {
                    Some(k) => s.iter().find(|x| key_of(x) == Some(k)),
                    None if s.len() == 1 => s.first(),
                    None => None,
                };
                let listed: Option<Vec<String>> = setting.and_then(|x| {
                    x.get("settingDisplayValues")?.as_array().map(|vs| {
                        vs.iter()
                            .filter_map(|v| v.get("value"))
                            .map(|v| match v.as_str() {
                                Some(s) => s.to_string(),
                                None => v.to_string(),
                            })
                            .collect()
                    })
                });
                match listed {
                    Some(mut l) => {
                        l.sort();
                        let mut want: Vec<String> = assumed.iter().map(|s| s.to_string()).collect();
                        want.sort();
                        if l == want {
                            (
                                Verdict::Confirmed,
                                "the card lists exactly these values".to_string(),
                            )
                        } else {
                            (
                                Verdict::Contradicted,
                                format!(
                                    "the card lists {}",
                                    crate::text::clean_line(&l.join(", "), 200)
                                ),
                            )
                        }
                    }
                    None => (
                        Verdict::Unsettled,
                        "no setting of the card lists its values".to_string(),
                    ),
                }
            }
            Err(why) => unsettled(why),
        };
        add("values", assumed.join(", "), judged);
    }
}
