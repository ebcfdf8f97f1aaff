use super::*;
use crate::catalog::{Catalog, Toggle};
use serde_json::json;

fn toggle_ref(key: Option<&'static str>) -> CardRef<'static> {
    CardRef {
        id: "x",
        card: "c",
        key,
        rule: Rule::Toggle(Toggle::Off),
    }
}

fn toggle(key: &str, value: Value, on: Value, off: Value) -> Value {
    json!({"key": key, "entityUrn": format!("urn:li:settingEntity:{key}"),
           "settingDisplayType": "TOGGLE", "value": value, "onValue": on, "offValue": off,
           "hasChild": false})
}

/// The profile-viewing RADIO, as the contract shows it, holding `value`.
fn radio(value: &str) -> Value {
    let labels: Vec<Value> = [
        ("Your name and headline", "DISCLOSE_FULL"),
        ("Private profile characteristics", "DISCLOSE_ANONYMOUS"),
        ("Private mode", "HIDE"),
    ]
    .iter()
    .map(|(l, v)| json!({"settingDisplayValue": l, "value": v, "selected": *v == value}))
    .collect();
    json!({"settings": [{"key": "discloseAsProfileViewer",
        "entityUrn": "urn:li:settingEntity:300101", "settingDisplayType": "RADIO",
        "value": value, "hasChild": false, "settingDisplayValues": labels}]})
}

fn viewing() -> Entry {
    Catalog::builtin().get("profile-viewing").unwrap().clone()
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
        let r = read_card(&toggle_ref(None), &reply);
        assert_eq!(r.state, want, "value {value}");
        assert_eq!(r.reason.is_some(), want == State::Unknown);
        assert_eq!(r.private.is_some(), want != State::Unknown);
    }
}

#[test]
fn the_named_key_is_read_and_the_only_setting_only_without_one() {
    let two = json!({"settings": [
        toggle("a", json!(true), json!(true), json!(false)),
        toggle("b", json!(false), json!(true), json!(false)),
    ]});
    assert_eq!(read_card(&toggle_ref(Some("b")), &two).state, State::Off);
    assert_eq!(read_card(&toggle_ref(Some("a")), &two).state, State::On);
    let r = read_card(&toggle_ref(None), &two);
    assert_eq!(r.code, Some(ReasonCode::SeveralSettings));
    assert!(r.reason.unwrap().contains("2 settings"));
    // The card is there, the catalog's key is not: unknown, never "the only toggle".
    let one = json!({"settings": [toggle("a", json!(false), json!(true), json!(false))]});
    let r = read_card(&toggle_ref(Some("zzz")), &one);
    assert_eq!(r.code, Some(ReasonCode::NoSuchSetting));
    assert!(r.reason.unwrap().contains("no setting `zzz`"));
    // Without a key, a LINK beside the switch is a second setting too.
    let mut link = toggle("l", json!("x"), json!("x"), json!("y"));
    link["settingDisplayType"] = json!("LINK");
    let with_link =
        json!({"settings": [toggle("a", json!(false), json!(true), json!(false)), link]});
    assert_eq!(
        read_card(&toggle_ref(None), &with_link).code,
        Some(ReasonCode::SeveralSettings)
    );
    assert_eq!(
        read_card(&toggle_ref(Some("a")), &with_link).state,
        State::Off
    );
    assert_eq!(
        read_card(&toggle_ref(None), &json!({"settings": []})).code,
        Some(ReasonCode::NoSetting)
    );
    // Two settings share the catalog's key: neither proves anything.
    let dup = json!({"settings": [
        toggle("a", json!(false), json!(true), json!(false)),
        toggle("a", json!(true), json!(true), json!(false)),
    ]});
    let r = read_card(&toggle_ref(Some("a")), &dup);
    assert_eq!(r.state, State::Unknown);
    assert!(r.setting.is_none(), "nothing to write on");
    assert!(r.reason.unwrap().contains("2 settings with the key `a`"));
}

#[test]
fn either_envelope_is_read_and_a_garbage_one_is_unknown() {
    let setting = toggle("a", json!(false), json!(true), json!(false));
    let plain = json!({"settings": [setting.clone()]});
    let enveloped = json!({"data": {"settings": [setting.clone()]}});
    assert_eq!(read_card(&toggle_ref(Some("a")), &plain).state, State::Off);
    assert_eq!(
        read_card(&toggle_ref(Some("a")), &enveloped).state,
        State::Off
    );
    for garbage in [
        json!({"data": "settings"}),
        json!({"data": {"settings": {"a": setting.clone()}}}),
        json!({"data": [setting.clone()]}),
        json!({"data": null}),
        json!({"settings": [setting.clone()], "data": {"settings": [setting.clone()]}}),
        json!({"elements": []}),
        json!([]),
        json!({"settings": {}}),
    ] {
        let r = read_card(&toggle_ref(Some("a")), &garbage);
        assert_eq!(r.state, State::Unknown, "{garbage}");
        assert_eq!(r.code, Some(ReasonCode::CardShapeChanged), "{garbage}");
    }
}

#[test]
fn a_display_type_the_catalog_does_not_expect_is_unknown() {
    let mut s = toggle("a", json!(false), json!(true), json!(false));
    for t in [json!("SWITCH"), json!("RADIO"), json!(null), json!(7)] {
        s["settingDisplayType"] = t.clone();
        let r = read_card(&toggle_ref(Some("a")), &json!({"settings": [s.clone()]}));
        assert_eq!(r.code, Some(ReasonCode::UnexpectedType), "{t}");
    }
    // A RADIO read as a toggle, and a TOGGLE read as a choice, are both drift.
    let e = viewing();
    let mut card = radio("HIDE");
    card["settings"][0]["settingDisplayType"] = json!("TOGGLE");
    assert_eq!(
        read_card(&e.card_ref().unwrap(), &card).code,
        Some(ReasonCode::UnexpectedType)
    );
    let mut card = radio("HIDE");
    card["settings"][0]["settingDisplayType"] = json!("DROPDOWN");
    assert_eq!(
        read_card(&e.card_ref().unwrap(), &card).state,
        State::Chosen
    );
}

#[test]
fn the_radio_is_read_in_each_of_its_values() {
    let e = viewing();
    for (value, private) in [
        ("DISCLOSE_FULL", false),
        ("DISCLOSE_ANONYMOUS", false),
        ("HIDE", true),
    ] {
        let r = read_card(&e.card_ref().unwrap(), &radio(value));
        assert_eq!(r.state, State::Chosen, "{value}");
        assert_eq!(r.value.as_ref().unwrap().value, value);
        assert_eq!(r.private, Some(private), "{value}");
        assert!(r.reason.is_none());
        assert_eq!(r.setting.unwrap().display_type.as_deref(), Some("RADIO"));
    }
}

#[test]
fn hostile_radios_are_unknown() {
    let e = viewing();
    let read = |card: &Value| read_card(&e.card_ref().unwrap(), card);
    // A value the card does not list.
    let mut card = radio("HIDE");
    card["settings"][0]["value"] = json!("SHOW_EVERYTHING");
    card["settings"][0]["settingDisplayValues"][2]["selected"] = json!(false);
    assert_eq!(read(&card).code, Some(ReasonCode::ValueNotListed));
    // Listed by the card, unknown to the catalog.
    let mut card = radio("HIDE");
    card["settings"][0]["settingDisplayValues"]
        .as_array_mut()
        .unwrap()
        .push(json!({"settingDisplayValue": "New", "value": "NEW_MODE", "selected": false}));
    card["settings"][0]["value"] = json!("NEW_MODE");
    card["settings"][0]["settingDisplayValues"][2]["selected"] = json!(false);
    card["settings"][0]["settingDisplayValues"][3]["selected"] = json!(true);
    assert_eq!(read(&card).code, Some(ReasonCode::ValueNotInCatalog));
    // Two values selected.
    let mut card = radio("HIDE");
    card["settings"][0]["settingDisplayValues"][0]["selected"] = json!(true);
    let r = read(&card);
    assert_eq!(r.code, Some(ReasonCode::LabelsContradict));
    assert!(r.reason.unwrap().contains("2 values are marked selected"));
    // Another value selected than the one held.
    let mut card = radio("DISCLOSE_FULL");
    card["settings"][0]["value"] = json!("HIDE");
    assert_eq!(read(&card).code, Some(ReasonCode::LabelsContradict));
    // The held value's own label marked not selected, none other selected.
    let mut card = radio("HIDE");
    card["settings"][0]["settingDisplayValues"][2]["selected"] = json!(false);
    assert_eq!(read(&card).code, Some(ReasonCode::LabelsContradict));
    // A value of another type than the catalog's strings.
    let mut card = radio("HIDE");
    card["settings"][0]["value"] = json!(3);
    card["settings"][0]["settingDisplayValues"][2]["value"] = json!(3);
    assert_eq!(read(&card).code, Some(ReasonCode::ValueNotInCatalog));
    // No display values at all: nothing lists the value.
    let mut card = radio("HIDE");
    card["settings"][0]
        .as_object_mut()
        .unwrap()
        .remove("settingDisplayValues");
    assert_eq!(read(&card).code, Some(ReasonCode::ValueNotListed));
}

#[test]
fn contradicting_labels_are_unknown() {
    let mut s = toggle("k", json!("true"), json!("true"), json!("false"));
    s["settingDisplayValues"] = json!([
        {"settingDisplayValue": "On", "value": "true", "selected": false},
        {"settingDisplayValue": "Off", "value": "false", "selected": true},
    ]);
    let r = read_card(&toggle_ref(None), &json!({"settings": [s]}));
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
            prop::sample::select(vec![
                "true",
                "false",
                "ON",
                "OFF",
                "",
                "HIDE",
                "DISCLOSE_FULL"
            ])
            .prop_map(|s| json!(s)),
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
            prop::option::of(prop::sample::select(vec!["TOGGLE", "RADIO", "LINK"])),
            prop::option::of(value()),
            prop::option::of(value()),
            prop::option::of(value()),
            prop::option::of(prop::collection::vec(
                (value(), prop::option::of(any::<bool>())),
                0..4,
            )),
        )
            .prop_map(|(key, kind, v, on, off, labels)| {
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
                if let Some(labels) = labels {
                    let labels: Vec<Value> = labels
                        .into_iter()
                        .map(|(v, sel)| match sel {
                            Some(sel) => json!({"value": v, "selected": sel}),
                            None => json!({"value": v}),
                        })
                        .collect();
                    s.insert("settingDisplayValues".into(), Value::Array(labels));
                }
                Value::Object(s)
            })
    }

    fn card_reply() -> impl Strategy<Value = Value> {
        prop_oneof![
            1 => value(),
            6 => prop::collection::vec(setting(), 0..4).prop_map(|s| json!({"settings": s})),
            2 => prop::collection::vec(setting(), 0..4).prop_map(|s| json!({"data": {"settings": s}})),
        ]
    }

    fn list(reply: &Value) -> &Vec<Value> {
        reply
            .get("settings")
            .or_else(|| reply["data"].get("settings"))
            .and_then(Value::as_array)
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The reader proves a state only from exactly one setting, of the type the catalog
        /// expects, never from empty values, and with no label disagreeing; otherwise it says
        /// unknown, with a reason.
        #[test]
        fn the_reader_proves_or_says_unknown(reply in card_reply(), named in any::<bool>(), choice in any::<bool>()) {
            let catalog = Catalog::builtin();
            let viewing = catalog.get("profile-viewing").unwrap();
            let key = if named { Some("a") } else { None };
            let card = if choice {
                CardRef { key, ..viewing.card_ref().unwrap() }
            } else {
                toggle_ref(key)
            };
            let r = read_card(&card, &reply);
            match r.state {
                State::On | State::Off | State::Chosen => {
                    let s = r.setting.clone().expect("a proven state names its setting");
                    prop_assert!(!is_empty(&s.value));
                    let settings = list(&reply);
                    let candidates = settings
                        .iter()
                        .filter(|x| match key {
                            Some(k) => x.get("key").and_then(Value::as_str) == Some(k),
                            None => true,
                        })
                        .count();
                    prop_assert_eq!(candidates, 1);
                    prop_assert!(s.display_values.iter().filter(|(_, sel)| *sel == Some(true)).count() <= 1);
                    prop_assert!(s.display_values.iter().all(|(v, sel)| (*sel == Some(true)) <= (*v == s.value)));
                    if r.state == State::Chosen {
                        prop_assert!(choice);
                        prop_assert_eq!(s.display_type.as_deref(), Some("RADIO"));
                        prop_assert!(s.display_values.iter().any(|(v, _)| *v == s.value));
                        let v = r.value.clone().unwrap();
                        prop_assert_eq!(Some(v.value.as_str()), s.value.as_str());
                        prop_assert_eq!(r.private, Some(v.private));
                    } else {
                        prop_assert!(!choice);
                        prop_assert_eq!(s.display_type.as_deref(), Some("TOGGLE"));
                        let (on, off) = (s.on_value.clone().unwrap(), s.off_value.clone().unwrap());
                        let want = if r.state == State::On { &on } else { &off };
                        prop_assert_eq!(&s.value, want);
                        prop_assert!(on != off);
                        prop_assert!(!is_empty(&on) && !is_empty(&off));
                        prop_assert_eq!(r.private, Some(r.state == State::Off));
                    }
                    prop_assert!(r.reason.is_none());
                }
                State::Unknown => {
                    prop_assert!(r.reason.is_some());
                    prop_assert!(r.private.is_none());
                }
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
                    Just((State::Chosen, Some(true))),
                    Just((State::Chosen, Some(false))),
                    Just((State::NotOffered, None)),
                    Just((State::Unknown, None)),
                ],
                0..5,
            )
        ) {
            let rows: Vec<SettingRow> = rows
                .into_iter()
                .map(|(state, private)| SettingRow::bare("x", state, private))
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
