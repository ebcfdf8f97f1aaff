//! What a scheduled check has to tell: from the audit it ran (its JSON, schema 3) and what the
//! last check saw, a setting switched back on, newly exposed or new; from the history, an
//! objection overdue; and a failure of the check itself, with what to do about it. Events carry
//! setting ids, states, times and the member's public id: never a session.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::state::{State, Told};

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// `switched_back_on`, `newly_exposed`, `new_setting`, `objection_overdue`, `check_failed`.
    pub kind: &'static str,
    pub at: String,
    pub member: Option<String>,
    pub setting: Option<String>,
    pub title: Option<String>,
    pub state: Option<String>,
    /// The state the last check (or the history) saw.
    pub was: Option<String>,
    /// The check's exit code, for a failure.
    pub exit: Option<u8>,
    /// The failure's kind (`session_expired`, `throttled`, …).
    pub error: Option<String>,
    /// One line for people.
    pub message: String,
    pub what_to_do: String,
}

impl Event {
    pub fn new(kind: &'static str, at: &str, message: String, what_to_do: String) -> Event {
        Event {
            kind,
            at: at.to_string(),
            member: None,
            setting: None,
            title: None,
            state: None,
            was: None,
            exit: None,
            error: None,
            message,
            what_to_do,
        }
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| crate::text::clean_line(s, 120))
}

fn word(private: Option<bool>) -> &'static str {
    match private {
        Some(true) => "private",
        Some(false) => "exposed",
        None => "not proven either way",
    }
}

/// The member an audit's JSON names (its public id, else its profile), as the state keys it.
pub fn member_of(audit: &Value) -> String {
    let account = audit.get("account").cloned().unwrap_or(Value::Null);
    text(&account, "public_id")
        .or_else(|| text(&account, "profile").map(|p| format!("profile:{p}")))
        .unwrap_or_else(|| "default".to_string())
}

/// The settings' events of one audit, and the states to remember for the next check. A first
/// check (nothing seen before) tells each exposed setting once, as newly exposed. `fix` words
/// the command that makes a setting private (the command layer knows its flags).
pub fn of_audit(
    audit: &Value,
    state: &State,
    at: &str,
    fix: &dyn Fn(&str) -> String,
) -> (Vec<Event>, BTreeMap<String, Option<bool>>) {
    let member = member_of(audit);
    let public = text(audit.get("account").unwrap_or(&Value::Null), "public_id");
    let before = state.seen.get(&member);
    let mut seen = before.cloned().unwrap_or_default();
    let mut events = Vec::new();
    let settings = audit
        .get("settings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for s in settings {
        let Some(id) = text(s, "id") else { continue };
        let private = s.get("private").and_then(Value::as_bool);
        let state_name = text(s, "state");
        if state_name.as_deref() == Some("informational") {
            continue;
        }
        let last = before.map(|b| b.get(&id).copied());
        let history_says_back_on = s
            .get("previous")
            .and_then(|p| p.get("reenabled"))
            .and_then(Value::as_bool)
            == Some(true);
        let kind =
            if private == Some(false) && (history_says_back_on || last == Some(Some(Some(true)))) {
                Some("switched_back_on")
            } else if private == Some(false) && last != Some(Some(Some(false))) {
                // Exposed now and not when last seen (or never seen: a new setting, or the first
                // check).
                Some(if matches!(last, Some(None)) {
                    "new_setting"
                } else {
                    "newly_exposed"
                })
            } else if matches!(last, Some(None)) {
                Some("new_setting")
            } else {
                None
            };
        if let Some(kind) = kind {
            let title = text(s, "title");
            let name = title.clone().unwrap_or_else(|| id.clone());
            let was = match last {
                Some(Some(p)) => Some(word(p).to_string()),
                _ => s
                    .get("previous")
                    .and_then(|p| p.get("state"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            };
            let message = match kind {
                "switched_back_on" => format!(
                    "switched back on: {name} is {} again",
                    state_name.as_deref().unwrap_or("on")
                ),
                "newly_exposed" => format!(
                    "exposes your data: {name} ({})",
                    state_name.as_deref().unwrap_or("on")
                ),
                _ => format!(
                    "a new setting: {name} ({}, {})",
                    state_name.as_deref().unwrap_or("-"),
                    word(private)
                ),
            };
            let mut e = Event::new(
                kind,
                at,
                message,
                if private == Some(false) {
                    fix(&id)
                } else {
                    "nothing: it is listed so that you know it exists".to_string()
                },
            );
            e.member = public.clone();
            e.setting = Some(id.clone());
            e.title = title;
            e.state = state_name;
            e.was = was;
            events.push(e);
        }
        // A state not proven either way keeps the one proven before, so that a read that failed
        // once does not turn a later "switched back on" into "newly exposed".
        if private.is_some() || !seen.get(&id).is_some_and(Option::is_some) {
            seen.insert(id, private);
        }
    }
    (events, seen)
}

/// A failed check: told once a day while the same failure repeats.
/// `what_to_do` is the remedy the command layer words for this exit code.
pub fn of_failure(
    exit: u8,
    error: Option<&Value>,
    state: &mut State,
    at: &str,
    day: &str,
    what_to_do: String,
) -> Option<Event> {
    let kind = error.and_then(|e| text(e, "kind"));
    let message = error
        .and_then(|e| text(e, "message"))
        .unwrap_or_else(|| format!("the check exited {exit}"));
    let what = format!("{exit}:{}", kind.as_deref().unwrap_or("-"));
    let told = Told {
        what,
        day: day.to_string(),
    };
    if state.failure_told.as_ref() == Some(&told) {
        return None;
    }
    state.failure_told = Some(told);
    let mut e = Event::new(
        "check_failed",
        at,
        format!("the privacy check failed: {message}"),
        what_to_do,
    );
    e.exit = Some(exit);
    e.error = kind;
    Some(e)
}

/// Objections overdue, each told again at most once a week.
/// `what_to_do` is worded by the command layer.
pub fn of_objections(
    overdue: &[crate::history::timeline::Objection],
    state: &mut State,
    at: &str,
    today: crate::clock::Day,
    what_to_do: &str,
) -> Vec<Event> {
    let mut events = Vec::new();
    for o in overdue {
        let key = format!("{}:{}", o.member, o.sent_on.as_deref().unwrap_or("-"));
        let recent = state
            .overdue_told
            .get(&key)
            .and_then(|d| crate::clock::Day::parse(d))
            .is_some_and(|d| today.days() - d.days() < 7);
        if recent {
            continue;
        }
        state.overdue_told.insert(
            key,
            format!("{:04}-{:02}-{:02}", today.year, today.month, today.day),
        );
        let mut e = Event::new(
            "objection_overdue",
            at,
            format!(
                "LinkedIn's answer to the objection sent on {} was due by {} and none is recorded",
                o.sent_on.as_deref().unwrap_or("-"),
                o.answer_due.as_deref().unwrap_or("-")
            ),
            what_to_do.to_string(),
        );
        e.member = Some(crate::text::clean_line(&o.member, 120));
        events.push(e);
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn audit(state: &str, private: bool) -> Value {
        json!({"account": {"public_id": "ada"}, "settings": [
            {"id": "ai", "title": "AI", "state": state, "private": private},
        ]})
    }

    #[test]
    fn a_setting_seen_private_then_exposed_is_switched_back_on_once() {
        let mut state = State::default();
        let (events, seen) = of_audit(&audit("off", true), &state, "t", &|id| id.to_string());
        assert!(events.is_empty());
        state.seen.insert("ada".into(), seen);
        let (events, seen) = of_audit(&audit("on", false), &state, "t", &|id| id.to_string());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "switched_back_on");
        assert_eq!(events[0].was.as_deref(), Some("private"));
        state.seen.insert("ada".into(), seen);
        let (events, _) = of_audit(&audit("on", false), &state, "t", &|id| id.to_string());
        assert!(events.is_empty(), "told once: {events:?}");
    }

    #[test]
    fn a_repeating_failure_is_told_once_a_day() {
        let mut state = State::default();
        let err = json!({"kind": "session_expired", "message": "expired"});
        assert!(of_failure(4, Some(&err), &mut state, "t", "2026-12-01", String::new()).is_some());
        assert!(of_failure(4, Some(&err), &mut state, "t", "2026-12-01", String::new()).is_none());
        assert!(of_failure(6, None, &mut state, "t", "2026-12-01", String::new()).is_some());
        assert!(of_failure(6, None, &mut state, "t", "2026-12-02", String::new()).is_some());
    }
}
