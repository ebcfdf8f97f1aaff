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
        let card = json!({"settings": [{"key": "allowDataForGenerativeAI", "entityUrn": "urn:li:settingEntity:k1",
            "settingDisplayType": "TOGGLE", "value": on, "onValue": on, "offValue": off, "hasChild": false}]});
        let reading = read_card(&entry.card_ref().unwrap(), &card);
        let write = write_for(entry, Some(&reading)).unwrap();
        assert_eq!(write.path, setting_path("allowDataForGenerativeAI"));
        assert_eq!(write.body["value"], off);
        assert_eq!(write.body["entityUrn"], "urn:li:settingEntity:k1");
        assert_eq!(write.body["settingDisplayType"], "TOGGLE");
    }
}

#[test]
fn a_choice_is_written_to_its_most_private_value_as_the_card_lists_it() {
    let catalog = Catalog::builtin();
    let entry = catalog.get("profile-viewing").unwrap();
    let card = json!({"settings": [{"key": "discloseAsProfileViewer",
        "entityUrn": "urn:li:settingEntity:300101", "settingDisplayType": "DROPDOWN",
        "value": "DISCLOSE_FULL", "hasChild": false, "settingDisplayValues": [
            {"settingDisplayValue": "Your name and headline", "value": "DISCLOSE_FULL", "selected": true},
            {"settingDisplayValue": "Private mode", "value": "HIDE", "selected": false}]}]});
    let reading = read_card(&entry.card_ref().unwrap(), &card);
    assert_eq!(reading.private, Some(false));
    let write = write_for(entry, Some(&reading)).unwrap();
    assert_eq!(write.path, setting_path("discloseAsProfileViewer"));
    assert_eq!(
        write.body,
        json!({"key": "discloseAsProfileViewer", "entityUrn": "urn:li:settingEntity:300101",
               "settingDisplayType": "DROPDOWN", "value": "HIDE", "hasChild": false})
    );
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
        on_value: Some(json!(true)),
        off_value: Some(json!(false)),
        has_child: None,
        display_values: Vec::new(),
        labels_problem: None,
    };
    let reading = |s: CardSetting| Reading {
        state: State::On,
        value: None,
        private: Some(false),
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
            "display type",
        ),
        (
            CardSetting {
                off_value: None,
                ..base.clone()
            },
            "which value is private",
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
        off_value: Some(json!("x".repeat(500))),
        ..base.clone()
    };
    assert!(
        write_for(entry, Some(&reading(long_value)))
            .unwrap_err()
            .contains("a string of 500 characters")
    );
    let other = catalog.get("other-ai-processing").unwrap();
    assert!(write_for(other, Some(&reading(base.clone()))).is_err());
    // A choice whose card does not offer the private value.
    let viewing = catalog.get("profile-viewing").unwrap();
    let no_hide = CardSetting {
        display_type: Some("RADIO".into()),
        value: json!("DISCLOSE_FULL"),
        display_values: vec![(json!("DISCLOSE_FULL"), Some(true))],
        ..base
    };
    assert!(
        write_for(viewing, Some(&reading(no_hide)))
            .unwrap_err()
            .contains("does not offer the value HIDE")
    );
}
