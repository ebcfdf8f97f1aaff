use super::*;
use serde_json::json;

fn card_findings(b: Value, c: Value) -> Vec<Finding> {
    let mut f = Findings {
        reply: "card x",
        out: Vec::new(),
    };
    compare_card(&mut f, &b, &c);
    f.out
}

fn toggle() -> Value {
    json!({"key": "k", "entityUrn": "urn:li:settingEntity:k", "settingDisplayType": "TOGGLE",
           "value": "true", "onValue": "true", "offValue": "false", "hasChild": false,
           "primaryDescription": "Use my data", "trackingId": "abc"})
}

fn worst(f: &[Finding]) -> Option<Severity> {
    f.iter().map(|x| x.severity).min()
}

#[test]
fn each_class_of_change_has_its_severity() {
    let base = json!({"settings": [toggle()]});
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut c = base.clone();
        edit(&mut c["settings"][0]);
        card_findings(base.clone(), c)
    };
    // Values only (the member's state) and volatile fields: nothing.
    assert!(
        with(&|s| {
            s["value"] = json!("false");
            s["trackingId"] = json!("xyz")
        })
        .is_empty()
    );
    assert_eq!(
        worst(&with(&|s| {
            s.as_object_mut().unwrap().remove("offValue");
        })),
        Some(Severity::Breaking)
    );
    assert_eq!(
        worst(&with(&|s| s["key"] = json!(7))),
        Some(Severity::Breaking)
    );
    assert_eq!(
        worst(&with(&|s| s["settingDisplayType"] = json!("SWITCH"))),
        Some(Severity::Breaking)
    );
    assert_eq!(
        worst(&with(&|s| s["visibility"] = json!("PUBLIC"))),
        Some(Severity::Notable)
    );
    assert_eq!(
        worst(&with(&|s| s["primaryDescription"] = json!("Other words"))),
        Some(Severity::Notable)
    );
    assert_eq!(
        worst(&with(&|s| {
            s["onValue"] = json!("ENABLED");
            s["offValue"] = json!("DISABLED");
            s["value"] = json!("ENABLED")
        })),
        Some(Severity::Notable)
    );
    // A boolean for a string still compares by equality: notable, not breaking.
    assert_eq!(
        worst(&with(&|s| {
            s["onValue"] = json!(true);
            s["offValue"] = json!(false);
            s["value"] = json!(true)
        })),
        Some(Severity::Notable)
    );
    // A second toggle where there was one; the settings list gone.
    let mut two = base.clone();
    let mut other = toggle();
    other["key"] = json!("k2");
    two["settings"].as_array_mut().unwrap().push(other);
    assert_eq!(
        worst(&card_findings(base.clone(), two)),
        Some(Severity::Breaking)
    );
    assert_eq!(
        worst(&card_findings(base.clone(), json!({"elements": []}))),
        Some(Severity::Breaking)
    );
}
