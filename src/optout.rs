//! Turning settings to their private state, and proving it: read the card, write the card's own
//! value for the private state (never a hard-coded one), read the card again, and report what
//! that read says. Plain data in and out; the command layer asks for confirmation and prints.

use serde_json::json;

use crate::audit::{self, Checked, Reading};
use crate::catalog::{Entry, Toggle};
use crate::error::Result;
use crate::linkedin::api::setting_path;
use crate::linkedin::{Member, Origin};
use crate::report::{Change, PlannedWrite, ReasonCode, State};

/// What reading one setting decided.
pub enum Step {
    /// Already private: nothing to write.
    AlreadyPrivate(Checked),
    /// Not offered to this account: nothing to write.
    NotOffered(Checked),
    /// The read was not certain enough to write: the reason says why, the code what kind.
    Refused {
        checked: Checked,
        reason: String,
        code: ReasonCode,
    },
    /// The setting is not private and the card says how to change it.
    Write {
        checked: Checked,
        write: PlannedWrite,
    },
}

impl Step {
    pub fn checked(&self) -> &Checked {
        match self {
            Step::AlreadyPrivate(c) | Step::NotOffered(c) => c,
            Step::Refused { checked, .. } | Step::Write { checked, .. } => checked,
        }
    }
}

/// Reads one setting (one request) and decides what to do.
pub fn plan(member: &Member<'_>, origin: &Origin, entry: &Entry) -> Result<Step> {
    let checked = audit::check(member, origin, entry)?;
    let state = checked.result.state;
    Ok(match (state, checked.result.private) {
        (_, Some(true)) => Step::AlreadyPrivate(checked),
        (State::NotOffered, _) => Step::NotOffered(checked),
        (State::Unknown, _) => {
            let reason = format!(
                "not written: the current state is unknown ({})",
                checked
                    .result
                    .reason
                    .as_deref()
                    .unwrap_or("no reason given")
            );
            let code = checked.result.reason_code.unwrap_or(ReasonCode::NotWritten);
            Step::Refused {
                checked,
                reason,
                code,
            }
        }
        _ => match write_for(entry, checked.reading.as_ref()) {
            Ok(write) => Step::Write { checked, write },
            Err(reason) => Step::Refused {
                checked,
                reason: format!("not written: {reason}"),
                code: ReasonCode::NotWritten,
            },
        },
    })
}

/// The write that sets the card's setting to its own value for the private state.
pub fn write_for(
    entry: &Entry,
    reading: Option<&Reading>,
) -> std::result::Result<PlannedWrite, String> {
    let card = entry
        .card_ref()
        .ok_or("this entry has no toggle to write")?;
    let setting = reading
        .and_then(|r| r.setting.as_ref())
        .ok_or("the card did not show which setting to write")?;
    if setting.display_type.as_deref() != Some("TOGGLE") {
        return Err("the setting is not a TOGGLE".to_string());
    }
    let key = setting
        .key
        .as_deref()
        .filter(|k| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or("the card does not name the setting's key")?;
    let urn = setting
        .entity_urn
        .as_deref()
        .ok_or("the card does not name the setting's entityUrn")?;
    // What the write sends back comes from the card: a URN and a value that are not short and
    // plain are not a toggle's, and are not sent (nor shown by --dry-run).
    if urn.len() > 200 || !crate::text::is_clean(urn) {
        return Err(format!(
            "the card's entityUrn is not a plain URN ({})",
            crate::text::describe(&json!(urn))
        ));
    }
    let value = match card.private_when {
        Toggle::Off => &setting.off_value,
        Toggle::On => &setting.on_value,
    };
    if value.to_string().len() > 100 {
        return Err(format!(
            "the card's value for the private state is {}, not a toggle's value",
            crate::text::describe(value)
        ));
    }
    Ok(PlannedWrite {
        id: entry.id.clone(),
        method: "PUT",
        path: setting_path(key),
        body: json!({
            "key": key,
            "entityUrn": urn,
            "settingDisplayType": "TOGGLE",
            "value": value,
            "hasChild": setting.has_child.unwrap_or(false),
        }),
    })
}

/// The outcome of one write, from the read that followed it.
pub struct Applied {
    pub after: Checked,
    pub change: Change,
    /// Why the change is not verified, when it is not, and the kind of problem.
    pub problem: Option<(ReasonCode, String)>,
}

/// Sends the write, then reads the card again. Errors that concern the whole account are
/// returned; the write's own failure is reported in [`Applied::problem`], and the state after is
/// always the one the second read shows.
pub fn apply(
    member: &Member<'_>,
    origin: &Origin,
    entry: &Entry,
    before: State,
    write: &PlannedWrite,
) -> Result<Applied> {
    let key = write.body["key"].as_str().unwrap_or_default();
    let sent = match member.put_setting(key, write.body.clone()) {
        Ok(()) => Ok(()),
        Err(e) if e.ends_account() => return Err(e),
        Err(e) => Err(e.to_string()),
    };
    let after = audit::check(member, origin, entry)?;
    let verified = after.result.private == Some(true);
    let problem = match (&sent, verified) {
        (_, true) => None,
        (Err(why), false) => Some((
            ReasonCode::WriteRefused,
            format!("LinkedIn refused the write ({why})"),
        )),
        (Ok(()), false) => Some((
            ReasonCode::WriteNotApplied,
            format!(
                "LinkedIn answered the write with success, but the setting still reads {}",
                after.result.state.as_str()
            ),
        )),
    };
    let change = Change {
        id: entry.id.clone(),
        before,
        after: after.result.state,
        verified,
    };
    Ok(Applied {
        after,
        change,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{CardSetting, read_card};
    use crate::catalog::Catalog;
    use serde_json::json;

    #[test]
    fn the_write_uses_the_cards_own_off_value() {
        let catalog = Catalog::builtin();
        let entry = catalog.get("generative-ai-training").unwrap();
        for (on, off) in [
            (json!("yes"), json!("no")),
            (json!(true), json!(false)),
            (json!(1), json!(0)),
        ] {
            let card = json!({"settings": [{"key": "k1", "entityUrn": "urn:li:settingEntity:k1",
                "settingDisplayType": "TOGGLE", "value": on, "onValue": on, "offValue": off, "hasChild": false}]});
            let reading = read_card(&entry.card_ref().unwrap(), &card);
            let write = write_for(entry, Some(&reading)).unwrap();
            assert_eq!(write.path, "/mysettings-api/settingsApiSettings/k1");
            assert_eq!(write.body["value"], off);
            assert_eq!(write.body["entityUrn"], "urn:li:settingEntity:k1");
            assert_eq!(write.body["settingDisplayType"], "TOGGLE");
        }
    }

    #[test]
    fn uncertain_cards_are_not_written() {
        let catalog = Catalog::builtin();
        let entry = catalog.get("generative-ai-training").unwrap();
        let base = CardSetting {
            key: Some("k".into()),
            entity_urn: Some("urn".into()),
            display_type: Some("TOGGLE".into()),
            value: json!(true),
            on_value: json!(true),
            off_value: json!(false),
            has_child: None,
        };
        let reading = |s: CardSetting| Reading {
            state: State::On,
            reason: None,
            code: None,
            setting: Some(s),
        };
        assert!(write_for(entry, Some(&reading(base.clone()))).is_ok());
        for (broken, why) in [
            (
                CardSetting {
                    key: None,
                    ..base.clone()
                },
                "key",
            ),
            (
                CardSetting {
                    key: Some("../x".into()),
                    ..base.clone()
                },
                "key",
            ),
            (
                CardSetting {
                    entity_urn: None,
                    ..base.clone()
                },
                "entityUrn",
            ),
            (
                CardSetting {
                    display_type: Some("SELECT".into()),
                    ..base.clone()
                },
                "TOGGLE",
            ),
        ] {
            let err = write_for(entry, Some(&reading(broken))).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
        assert!(write_for(entry, None).is_err());
        let huge = CardSetting {
            entity_urn: Some(format!("urn:\u{9b}{}", "y".repeat(5000))),
            ..base.clone()
        };
        assert!(
            write_for(entry, Some(&reading(huge)))
                .unwrap_err()
                .contains("not a plain URN")
        );
        let long_value = CardSetting {
            off_value: json!("x".repeat(500)),
            ..base.clone()
        };
        assert!(
            write_for(entry, Some(&reading(long_value)))
                .unwrap_err()
                .contains("a string of 500 characters")
        );
        let other = catalog.get("other-ai-processing").unwrap();
        assert!(write_for(other, Some(&reading(base))).is_err());
    }
}
