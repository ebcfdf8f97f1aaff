//! Reading settings and judging them: a card reply becomes a [`State`] only when the reply proves
//! it, and an account's audit becomes a [`Report`], also when it stops half-way. Nothing here
//! prints.

use serde_json::Value;

use crate::catalog::{CardRef, Entry, Kind, Toggle};
use crate::error::Result;
use crate::linkedin::{CardReply, Member, Origin};
use crate::report::{Advice, Identity, ReasonCode, Report, SettingRow, State};
use crate::text;

fn state_of(toggle: Toggle) -> State {
    match toggle {
        Toggle::On => State::On,
        Toggle::Off => State::Off,
    }
}

/// One setting of a card, as LinkedIn describes it. Only the fields the tool relies on.
#[derive(Clone, Debug, PartialEq)]
pub struct CardSetting {
    pub key: Option<String>,
    pub entity_urn: Option<String>,
    pub display_type: Option<String>,
    pub value: Value,
    pub on_value: Value,
    pub off_value: Value,
    pub has_child: Option<bool>,
}

/// What a card reply proves about one catalog entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub state: State,
    pub reason: Option<String>,
    pub code: Option<ReasonCode>,
    /// The setting that was read, when one was found; a write needs it.
    pub setting: Option<CardSetting>,
}

impl Reading {
    fn unknown(code: ReasonCode, reason: impl Into<String>) -> Reading {
        Reading {
            state: State::Unknown,
            reason: Some(reason.into()),
            code: Some(code),
            setting: None,
        }
    }
}

/// The code of an error that made a setting `unknown`.
fn code_of(e: &crate::error::Error) -> ReasonCode {
    use crate::error::Error as E;
    match e {
        E::Html { .. } => ReasonCode::Html,
        E::Drift { .. } => ReasonCode::NotJson,
        E::DuplicateKey { .. } => ReasonCode::DuplicateJsonKey,
        E::TooLarge { .. } => ReasonCode::TooLarge,
        E::Server { .. } => ReasonCode::ServerError,
        _ => ReasonCode::HttpStatus,
    }
}

/// Reads a card reply. Anything that does not match the contract's shape is `unknown` with the
/// reason; `on` and `off` only when `value` equals `onValue` or `offValue` (JSON equality).
pub fn read_card(card: &CardRef<'_>, json: &Value) -> Reading {
    let Some(settings) = json.get("settings").and_then(Value::as_array) else {
        return Reading::unknown(
            ReasonCode::CardShapeChanged,
            "the card reply has no `settings` list (LinkedIn may have changed it)",
        );
    };
    let chosen = match card.setting {
        Some(key) => {
            let named: Vec<&Value> = settings
                .iter()
                .filter(|s| s.get("key").and_then(Value::as_str) == Some(key))
                .collect();
            match named.as_slice() {
                [only] => *only,
                [] => {
                    return Reading::unknown(
                        ReasonCode::NoSuchSetting,
                        format!("the card has no setting `{key}`"),
                    );
                }
                many => {
                    return Reading::unknown(
                        ReasonCode::DuplicateKey,
                        format!(
                            "the card holds {} settings with the key `{key}`, so none of them proves the state",
                            many.len()
                        ),
                    );
                }
            }
        }
        None => {
            let toggles: Vec<&Value> = settings
                .iter()
                .filter(|s| s.get("settingDisplayType").and_then(Value::as_str) == Some("TOGGLE"))
                .collect();
            match toggles.as_slice() {
                [only] => *only,
                [] => {
                    return Reading::unknown(
                        ReasonCode::NoToggle,
                        "the card holds no TOGGLE setting",
                    );
                }
                many => {
                    return Reading::unknown(
                        ReasonCode::SeveralToggles,
                        format!(
                            "the card holds {} toggles and the catalog names none",
                            many.len()
                        ),
                    );
                }
            }
        }
    };
    // A write goes to the setting's key: if another setting of the card shares it, neither the
    // read nor a write can be sure which one it is about.
    if let Some(key) = chosen.get("key").and_then(Value::as_str) {
        let sharing = settings
            .iter()
            .filter(|s| s.get("key").and_then(Value::as_str) == Some(key))
            .count();
        if sharing > 1 {
            return Reading::unknown(
                ReasonCode::DuplicateKey,
                format!(
                    "the card holds {sharing} settings with the key `{}`, so none of them proves the state",
                    text::clean_line(key, 64)
                ),
            );
        }
    }
    let field = |name: &str| chosen.get(name).cloned();
    let (Some(value), Some(on_value), Some(off_value)) =
        (field("value"), field("onValue"), field("offValue"))
    else {
        return Reading::unknown(
            ReasonCode::MissingField,
            "the setting lacks one of value, onValue, offValue",
        );
    };
    let setting = CardSetting {
        key: chosen
            .get("key")
            .and_then(Value::as_str)
            .map(str::to_string),
        entity_urn: chosen
            .get("entityUrn")
            .and_then(Value::as_str)
            .map(str::to_string),
        display_type: chosen
            .get("settingDisplayType")
            .and_then(Value::as_str)
            .map(str::to_string),
        value,
        on_value,
        off_value,
        has_child: chosen.get("hasChild").and_then(Value::as_bool),
    };
    let with = |state: State, code: Option<ReasonCode>, reason: Option<String>| Reading {
        state,
        reason,
        code,
        setting: Some(setting.clone()),
    };
    for (name, v) in [
        ("value", &setting.value),
        ("onValue", &setting.on_value),
        ("offValue", &setting.off_value),
    ] {
        if is_empty(v) {
            return with(
                State::Unknown,
                Some(ReasonCode::EmptyValue),
                Some(format!(
                    "{name} is {}, and an empty value proves nothing",
                    text::describe(v)
                )),
            );
        }
    }
    if setting.on_value == setting.off_value {
        return with(
            State::Unknown,
            Some(ReasonCode::SameOnOff),
            Some("onValue and offValue are the same, so the value proves nothing".into()),
        );
    }
    let state = if setting.value == setting.on_value {
        State::On
    } else if setting.value == setting.off_value {
        State::Off
    } else {
        return with(
            State::Unknown,
            Some(ReasonCode::ValueMatchesNeither),
            Some(format!(
                "value {} matches neither onValue {} nor offValue {}",
                text::describe(&setting.value),
                text::describe(&setting.on_value),
                text::describe(&setting.off_value)
            )),
        );
    };
    // The labels LinkedIn shows must agree with the value; a card that contradicts itself
    // proves nothing.
    let selected: Vec<&Value> = chosen
        .get("settingDisplayValues")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("selected").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("value"))
                .collect()
        })
        .unwrap_or_default();
    if selected.iter().any(|v| **v != setting.value) {
        return with(
            State::Unknown,
            Some(ReasonCode::LabelsContradict),
            Some("the card contradicts itself: the selected label differs from value".into()),
        );
    }
    with(state, None, None)
}

/// `null`, `[]` and `{}` prove nothing, on either side of a comparison.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A setting checked for one account: the report row and, for toggles, what was read.
pub struct Checked {
    pub result: SettingRow,
    pub reading: Option<Reading>,
}

/// Checks one catalog entry with one request (none for informational entries). Errors that
/// concern the whole account (session, throttle, network) are returned; any other problem makes
/// the setting `unknown` with the reason.
pub fn check(member: &Member<'_>, origin: &Origin, entry: &Entry) -> Result<Checked> {
    let url = origin.url(&entry.page);
    let Some(card) = entry.card_ref() else {
        return Ok(Checked {
            result: row(
                entry,
                url,
                State::Informational,
                None,
                Some(format!(
                    "{} (informational: it never changes the verdict)",
                    entry.meaning
                )),
                Some(ReasonCode::Informational),
            ),
            reading: None,
        });
    };
    let mut digest = None;
    let reading = match member.card_read(card.card) {
        Ok((reply, sha256)) => {
            digest = Some(sha256);
            match reply {
                CardReply::Found(json) => read_card(&card, &json),
                CardReply::NotOffered => Reading {
            state: State::NotOffered,
            reason: Some(
                "LinkedIn does not offer this setting to this account (the card answers 404)"
                    .into(),
            ),
            code: Some(ReasonCode::NotOffered),
            setting: None,
        },
                CardReply::Unproven(code, why) => Reading::unknown(code, why),
            }
        }
        Err(e) if e.ends_account() => return Err(e),
        Err(e) => Reading::unknown(
            code_of(&e),
            text::clean_line(&e.to_string(), 2 * text::MAX_SHOWN),
        ),
    };
    let private = match reading.state {
        State::On | State::Off => Some(reading.state == state_of(card.private_when)),
        State::NotOffered | State::Unknown | State::Informational => None,
    };
    let mut result = row(
        entry,
        url,
        reading.state,
        private,
        reading.reason.clone(),
        reading.code,
    );
    result.reply_sha256 = digest;
    Ok(Checked {
        result,
        reading: Some(reading),
    })
}

fn row(
    entry: &Entry,
    url: String,
    state: State,
    private: Option<bool>,
    reason: Option<String>,
    reason_code: Option<ReasonCode>,
) -> SettingRow {
    let advice = match (entry.kind, state, private) {
        (Kind::Informational, ..) => Advice::Object,
        (_, _, Some(true)) => Advice::Nothing,
        (_, _, Some(false)) => Advice::TurnOff {
            id: entry.id.clone(),
        },
        (_, State::NotOffered, None) => Advice::NothingToChange,
        _ => Advice::CheckInBrowser,
    };
    SettingRow {
        previous: None,
        reply_sha256: None,
        id: entry.id.clone(),
        title: entry.title.clone(),
        state,
        private,
        reason,
        reason_code,
        url,
        advice,
    }
}

/// Audits the given entries, one request per card, in catalog order. The report always comes
/// back: when the session, the throttle or the network stops the run, it holds the rows read so
/// far and the error.
pub fn run(member: &Member<'_>, origin: &Origin, account: Identity, entries: &[&Entry]) -> Report {
    let mut settings = Vec::with_capacity(entries.len());
    for entry in entries {
        match check(member, origin, entry) {
            Ok(checked) => settings.push(checked.result),
            Err(e) => {
                let at = member.client().time().clock.rfc3339();
                return Report::new(account, settings, at).stopped(&e);
            }
        }
    }
    let at = member.client().time().clock.rfc3339();
    Report::new(account, settings, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card(setting: Option<&'static str>) -> CardRef<'static> {
        CardRef {
            card: "c",
            setting,
            private_when: Toggle::Off,
        }
    }

    fn toggle(key: &str, value: Value, on: Value, off: Value) -> Value {
        json!({"key": key, "entityUrn": format!("urn:li:settingEntity:{key}"),
               "settingDisplayType": "TOGGLE", "value": value, "onValue": on, "offValue": off,
               "hasChild": false})
    }

    #[test]
    fn value_must_equal_on_or_off_exactly() {
        let cases = [
            (json!("true"), json!("true"), json!("false"), State::On),
            (json!("false"), json!("true"), json!("false"), State::Off),
            (json!(true), json!(true), json!(false), State::On),
            (
                json!("ENABLED"),
                json!("ENABLED"),
                json!("DISABLED"),
                State::On,
            ),
            // A string "true" is not the boolean true: no guessing across types.
            (json!("true"), json!(true), json!(false), State::Unknown),
            (json!("PENDING"), json!("ON"), json!("OFF"), State::Unknown),
            (json!(null), json!(true), json!(false), State::Unknown),
            (json!(true), json!(true), json!(true), State::Unknown),
            // Empty values prove nothing, even when they are equal.
            (json!(null), json!(true), json!(null), State::Unknown),
            (json!([]), json!(true), json!([]), State::Unknown),
            (json!({}), json!({}), json!(false), State::Unknown),
            (json!(null), json!(null), json!(false), State::Unknown),
        ];
        for (value, on, off, want) in cases {
            let reply = json!({"settings": [toggle("k", value.clone(), on, off)]});
            let r = read_card(&card(None), &reply);
            assert_eq!(r.state, want, "value {value}");
            assert_eq!(r.reason.is_some(), want == State::Unknown);
        }
    }

    #[test]
    fn key_selection_and_several_toggles() {
        let two = json!({"settings": [
            toggle("a", json!(true), json!(true), json!(false)),
            toggle("b", json!(false), json!(true), json!(false)),
        ]});
        assert_eq!(read_card(&card(Some("b")), &two).state, State::Off);
        assert_eq!(read_card(&card(Some("a")), &two).state, State::On);
        let r = read_card(&card(None), &two);
        assert_eq!(r.state, State::Unknown);
        assert!(r.reason.unwrap().contains("2 toggles"));
        let r = read_card(&card(Some("zzz")), &two);
        assert!(r.reason.unwrap().contains("no setting `zzz`"));
        // Two settings share the catalog's key: neither proves anything.
        let dup = json!({"settings": [
            toggle("a", json!(false), json!(true), json!(false)),
            toggle("a", json!(true), json!(true), json!(false)),
        ]});
        let r = read_card(&card(Some("a")), &dup);
        assert_eq!(r.state, State::Unknown);
        assert!(r.setting.is_none(), "nothing to write on");
        assert!(r.reason.unwrap().contains("2 settings with the key `a`"));
        // The only TOGGLE, but its key is shared by a setting of another type: unknown too.
        let mut other = toggle("a", json!(true), json!(true), json!(false));
        other["settingDisplayType"] = json!("CHECKBOX");
        let shared =
            json!({"settings": [toggle("a", json!(false), json!(true), json!(false)), other]});
        let r = read_card(&card(None), &shared);
        assert_eq!(r.state, State::Unknown);
        assert!(r.reason.unwrap().contains("2 settings with the key `a`"));
    }

    #[test]
    fn drifted_shapes_are_unknown() {
        for reply in [
            json!({"elements": []}),
            json!([]),
            json!({"settings": {}}),
            json!({"settings": []}),
            json!({"settings": [{"key": "k", "settingDisplayType": "TOGGLE", "value": true}]}),
        ] {
            let r = read_card(&card(None), &reply);
            assert_eq!(r.state, State::Unknown, "{reply}");
            assert!(r.reason.is_some());
        }
    }

    #[test]
    fn contradicting_labels_are_unknown() {
        let mut s = toggle("k", json!("true"), json!("true"), json!("false"));
        s["settingDisplayValues"] = json!([
            {"settingDisplayValue": "On", "value": "true", "selected": false},
            {"settingDisplayValue": "Off", "value": "false", "selected": true},
        ]);
        let r = read_card(&card(None), &json!({"settings": [s]}));
        assert_eq!(r.state, State::Unknown);
        assert!(r.reason.unwrap().contains("contradicts"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Any JSON value, small and often equal to another one, so equalities actually happen.
        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                (0i64..3).prop_map(|n| json!(n)),
                prop::sample::select(vec!["true", "false", "ON", "OFF", ""]).prop_map(|s| json!(s)),
            ];
            leaf.prop_recursive(2, 8, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                    prop::collection::vec(("[ab]", inner), 0..3)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        /// A setting in which any field may be missing or of any type.
        fn setting() -> impl Strategy<Value = Value> {
            (
                prop::option::of(prop::sample::select(vec!["a", "b"])),
                prop::option::of(prop::sample::select(vec!["TOGGLE", "LINK"])),
                prop::option::of(value()),
                prop::option::of(value()),
                prop::option::of(value()),
            )
                .prop_map(|(key, kind, v, on, off)| {
                    let mut s = serde_json::Map::new();
                    if let Some(k) = key {
                        s.insert("key".into(), json!(k));
                    }
                    if let Some(k) = kind {
                        s.insert("settingDisplayType".into(), json!(k));
                    }
                    for (name, x) in [("value", v), ("onValue", on), ("offValue", off)] {
                        if let Some(x) = x {
                            s.insert(name.into(), x);
                        }
                    }
                    Value::Object(s)
                })
        }

        fn card_reply() -> impl Strategy<Value = Value> {
            prop_oneof![
                1 => value(),
                6 => prop::collection::vec(setting(), 0..4).prop_map(|s| json!({"settings": s})),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// The reader proves on or off only by equality with the card's own onValue or
            /// offValue, on exactly one setting, never on empty values; otherwise it says
            /// unknown, with a reason.
            #[test]
            fn the_reader_proves_or_says_unknown(reply in card_reply(), named in any::<bool>()) {
                let key = if named { Some("a") } else { None };
                let r = read_card(&card(key), &reply);
                match r.state {
                    State::On | State::Off => {
                        let s = r.setting.expect("a proven state names its setting");
                        let want = if r.state == State::On { &s.on_value } else { &s.off_value };
                        prop_assert_eq!(&s.value, want);
                        prop_assert!(s.on_value != s.off_value);
                        for v in [&s.value, &s.on_value, &s.off_value] {
                            prop_assert!(!is_empty(v));
                        }
                        let settings = reply["settings"].as_array().unwrap();
                        let candidates = settings
                            .iter()
                            .filter(|x| match key {
                                Some(k) => x.get("key").and_then(Value::as_str) == Some(k),
                                None => x.get("settingDisplayType").and_then(Value::as_str)
                                    == Some("TOGGLE"),
                            })
                            .count();
                        prop_assert_eq!(candidates, 1);
                        if let Some(k) = &s.key {
                            let same_key = settings
                                .iter()
                                .filter(|x| x.get("key").and_then(Value::as_str) == Some(k))
                                .count();
                            prop_assert_eq!(same_key, 1, "a key another setting shares");
                        }
                        prop_assert!(r.reason.is_none());
                    }
                    State::Unknown => prop_assert!(r.reason.is_some()),
                    State::NotOffered | State::Informational => {
                        prop_assert!(false, "a card body never says not offered or informational")
                    }
                }
            }

            /// A private verdict always has a setting proven private behind it, and nothing
            /// exposed or unknown beside it.
            #[test]
            fn a_private_verdict_has_a_proven_toggle_behind_it(
                rows in prop::collection::vec(
                    prop_oneof![
                        Just((State::On, Some(false))),
                        Just((State::Off, Some(true))),
                        Just((State::NotOffered, None)),
                        Just((State::Unknown, None)),
                    ],
                    0..5,
                )
            ) {
                let rows: Vec<SettingRow> = rows
                    .into_iter()
                    .map(|(state, private)| SettingRow {
                        id: "x".into(),
                        title: "x".into(),
                        state,
                        private,
                        reason: None,
                        reason_code: None,
                        url: String::new(),
                        previous: None,
                        advice: Advice::Nothing,
                        reply_sha256: None,
                    })
                    .collect();
                let verdict = crate::report::Verdict::from_settings(&rows);
                if verdict == crate::report::Verdict::Private {
                    prop_assert!(rows.iter().any(|r| r.private == Some(true)));
                    prop_assert!(rows.iter().all(|r| r.private != Some(false)));
                    prop_assert!(rows.iter().all(|r| r.state != State::Unknown));
                }
                prop_assert_eq!(
                    verdict == crate::report::Verdict::Exposed,
                    rows.iter().any(|r| r.private == Some(false))
                );
            }
        }
    }
}
