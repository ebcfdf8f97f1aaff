//! Comparing two recordings by shape, not value: JSON paths and their types, fields added and
//! removed, statuses, content types, and the values that carry meaning (a setting's display
//! type, its onValue/offValue pair, a card's setting keys, the form's fields). Each finding has a
//! severity: `breaking` when the tool can no longer read or write a setting, `notable` for what
//! a person should look at, `info` for the rest.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::recording::{Recording, ReplyEntry};
use crate::objection;

/// Fields that change on every reply (times, tracking ids): never a finding.
pub const VOLATILE: &[&str] = &[
    "trackingId",
    "trackingUrn",
    "$recipeType",
    "lastModified",
    "lastModifiedAt",
    "createdAt",
    "timestamp",
    "expiresAt",
    "requestId",
];

/// The fields of a setting the tool reads or writes; losing one (or its type) is breaking.
const SETTING_USED: &[&str] = &[
    "key",
    "entityUrn",
    "settingDisplayType",
    "value",
    "onValue",
    "offValue",
];

/// The fields of a setting people read (labels): a change is notable.
const SETTING_LABELS: &[&str] = &["primaryDescription", "description", "settingDisplayValue"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Breaking,
    Notable,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Notable => "notable",
            Severity::Info => "info",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// The reply: `card dataForAiImprovement`, `me`, `objection-form`.
    pub reply: String,
    /// The JSON path or form field, when the finding is about one.
    pub path: Option<String>,
    /// A stable name for the kind of change.
    pub change: &'static str,
    pub message: String,
}

struct Findings<'a> {
    reply: &'a str,
    out: Vec<Finding>,
}

impl Findings<'_> {
    fn add(
        &mut self,
        severity: Severity,
        change: &'static str,
        path: Option<&str>,
        message: String,
    ) {
        self.out.push(Finding {
            severity,
            reply: self.reply.to_string(),
            path: path.map(str::to_string),
            change,
            message: crate::text::clean_line(&message, 2 * crate::text::MAX_SHOWN),
        });
    }
}

/// Every difference that matters between `baseline` and `current`, most severe first.
pub fn compare(baseline: &Recording, current: &Recording) -> Vec<Finding> {
    let mut all = Vec::new();
    for b in &baseline.manifest.replies {
        let name = b.name();
        let mut f = Findings {
            reply: &name,
            out: Vec::new(),
        };
        match current.reply(&b.endpoint, &b.arg) {
            None => f.add(
                Severity::Breaking,
                "reply_missing",
                None,
                "the current recording has no reply for it".to_string(),
            ),
            Some(c) => compare_reply(&mut f, b, c, baseline, current),
        }
        all.extend(f.out);
    }
    for c in &current.manifest.replies {
        if baseline.reply(&c.endpoint, &c.arg).is_none() {
            let name = c.name();
            let mut f = Findings {
                reply: &name,
                out: Vec::new(),
            };
            f.add(
                Severity::Info,
                "reply_added",
                None,
                "the baseline has no reply for it".to_string(),
            );
            all.extend(f.out);
        }
    }
    all.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.reply.cmp(&b.reply)));
    all
}

fn is_json(ct: Option<&str>) -> bool {
    ct.is_some_and(|c| c.to_ascii_lowercase().contains("json"))
}

fn is_html(ct: Option<&str>) -> bool {
    ct.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
}

fn compare_reply(
    f: &mut Findings<'_>,
    b: &ReplyEntry,
    c: &ReplyEntry,
    baseline: &Recording,
    current: &Recording,
) {
    // A reply that never came.
    if let Some(e) = &c.error {
        f.add(
            Severity::Breaking,
            "no_reply",
            None,
            format!("no reply could be recorded: {e}"),
        );
        return;
    }
    let is_card = b.endpoint == "card";
    if b.status != c.status {
        let severity = match (is_card, c.status) {
            // A card that is no longer there, or a reply the tool cannot read.
            (true, _) => Severity::Breaking,
            (false, Some(s)) if !(200..300).contains(&s) && b.endpoint != "objection-form" => {
                Severity::Breaking
            }
            _ => Severity::Notable,
        };
        let show = |s: Option<u16>| s.map_or("none".to_string(), |s| s.to_string());
        f.add(
            severity,
            "status",
            None,
            format!("status {} where it was {}", show(c.status), show(b.status)),
        );
        return;
    }
    if is_json(b.content_type.as_deref()) && is_html(c.content_type.as_deref()) {
        f.add(
            Severity::Breaking,
            "content_type",
            None,
            "HTML came back where JSON was expected (an interstitial or a changed page)"
                .to_string(),
        );
        return;
    }
    let (Some(bf), Some(cf)) = (&b.file, &c.file) else {
        if b.file.is_some() != c.file.is_some() {
            f.add(
                Severity::Notable,
                "body",
                None,
                "one reply has a body, the other none".to_string(),
            );
        }
        return;
    };
    let (Ok(bb), Ok(cb)) = (baseline.read(bf), current.read(cf)) else {
        f.add(
            Severity::Breaking,
            "unreadable",
            None,
            "a reply's file cannot be read".to_string(),
        );
        return;
    };
    if b.endpoint == "objection-form" {
        compare_form(
            f,
            &String::from_utf8_lossy(&bb),
            &String::from_utf8_lossy(&cb),
        );
        return;
    }
    // Strictly, as the client reads a reply: a key given twice is two answers.
    let (bj, cj) = match (crate::json::from_slice(&bb), crate::json::from_slice(&cb)) {
        (Ok(bj), Ok(cj)) => (bj, cj),
        (_, Err(crate::json::Strict::DuplicateKey(key))) => {
            f.add(
                Severity::Breaking,
                "duplicate_key",
                None,
                format!("the reply holds the key `{key}` twice, so it proves nothing"),
            );
            return;
        }
        _ => {
            f.add(
                Severity::Breaking,
                "not_json",
                None,
                "the reply is not JSON".to_string(),
            );
            return;
        }
    };
    if is_card {
        compare_card(f, &bj, &cj);
    } else {
        compare_me(f, &bj, &cj);
    }
}

/// JSON flattened to paths (`settings[].key`) and the types seen at each.
pub fn shape(v: &Value) -> BTreeMap<String, BTreeSet<&'static str>> {
    fn walk(v: &Value, path: &str, out: &mut BTreeMap<String, BTreeSet<&'static str>>) {
        let kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !path.is_empty() {
            out.entry(path.to_string()).or_default().insert(kind);
        }
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    if VOLATILE.contains(&k.as_str()) {
                        continue;
                    }
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, &p, out);
                }
            }
            Value::Array(a) => {
                for v in a {
                    walk(v, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(v, "", &mut out);
    out
}

fn types(t: &BTreeSet<&str>) -> String {
    t.iter().copied().collect::<Vec<_>>().join("|")
}

/// Paths added, removed or retyped; `used(path)` says how much losing a path matters.
fn compare_shapes(
    f: &mut Findings<'_>,
    b: &Value,
    c: &Value,
    used: impl Fn(&str) -> Severity,
    added: Severity,
) {
    let (bs, cs) = (shape(b), shape(c));
    for (path, bt) in &bs {
        match cs.get(path) {
            None => f.add(
                used(path),
                "field_removed",
                Some(path),
                format!("`{path}` is gone"),
            ),
            Some(ct) if ct != bt => f.add(
                used(path),
                "type_changed",
                Some(path),
                format!("`{path}` is {} where it was {}", types(ct), types(bt)),
            ),
            _ => {}
        }
    }
    for path in cs.keys().filter(|p| !bs.contains_key(*p)) {
        f.add(added, "field_added", Some(path), format!("`{path}` is new"));
    }
}

fn compare_me(f: &mut Findings<'_>, b: &Value, c: &Value) {
    let used = |path: &str| {
        let name_path = [
            "data",
            "data.*miniProfile",
            "included",
            "included[].entityUrn",
            "included[].firstName",
            "included[].lastName",
            "miniProfile",
            "miniProfile.firstName",
            "miniProfile.lastName",
        ];
        if name_path.contains(&path) {
            Severity::Breaking
        } else if path.ends_with("publicIdentifier") {
            Severity::Notable
        } else {
            // Profile data differs from member to member.
            Severity::Info
        }
    };
    compare_shapes(f, b, c, used, Severity::Info);
}

fn settings(v: &Value) -> Option<&Vec<Value>> {
    v.get("settings").and_then(Value::as_array)
}

fn key_of(s: &Value) -> Option<&str> {
    s.get("key").and_then(Value::as_str)
}

fn compare_card(f: &mut Findings<'_>, b: &Value, c: &Value) {
    let (Some(bs), Some(cs)) = (settings(b), settings(c)) else {
        if settings(b).is_some() {
            f.add(
                Severity::Breaking,
                "field_removed",
                Some("settings"),
                "the card has no `settings` list any more".to_string(),
            );
        }
        return;
    };
    // The card's own fields, outside the settings.
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("settings");
        }
        v
    };
    compare_shapes(
        f,
        &strip(b),
        &strip(c),
        |_| Severity::Notable,
        Severity::Notable,
    );
    let toggles = |s: &[Value]| {
        s.iter()
            .filter(|x| x.get("settingDisplayType").and_then(Value::as_str) == Some("TOGGLE"))
            .count()
    };
    if toggles(bs) == 1 && toggles(cs) > 1 {
        f.add(
            Severity::Breaking,
            "toggles_added",
            Some("settings"),
            format!(
                "the card holds {} toggles where it held one: a catalog entry that names no key cannot choose",
                toggles(cs)
            ),
        );
    }
    let current: BTreeMap<&str, &Value> = cs
        .iter()
        .filter_map(|s| key_of(s).map(|k| (k, s)))
        .collect();
    for s in bs {
        let Some(key) = key_of(s) else { continue };
        let was_toggle = s.get("settingDisplayType").and_then(Value::as_str) == Some("TOGGLE");
        let path = format!("settings[key={key}]");
        let Some(cur) = current.get(key) else {
            f.add(
                if was_toggle {
                    Severity::Breaking
                } else {
                    Severity::Notable
                },
                "setting_removed",
                Some(&path),
                format!("the setting `{key}` is gone"),
            );
            continue;
        };
        compare_setting(f, &path, s, cur, was_toggle);
    }
    let baseline_keys: BTreeSet<&str> = bs.iter().filter_map(key_of).collect();
    for key in current.keys().filter(|k| !baseline_keys.contains(*k)) {
        f.add(
            Severity::Notable,
            "setting_added",
            Some(&format!("settings[key={key}]")),
            format!("a new setting `{key}`"),
        );
    }
}

fn compare_setting(f: &mut Findings<'_>, path: &str, b: &Value, c: &Value, toggle: bool) {
    let scalar = |t: &BTreeSet<&str>| {
        !t.is_empty()
            && t.iter()
                .all(|k| matches!(*k, "string" | "number" | "boolean"))
    };
    let (bs, cs) = (shape(b), shape(c));
    for (field, bt) in &bs {
        let top = field.split(['.', '[']).next().unwrap_or(field);
        let used = toggle && SETTING_USED.contains(&top);
        let p = format!("{path}.{field}");
        match cs.get(field) {
            None => f.add(
                if used {
                    Severity::Breaking
                } else {
                    Severity::Notable
                },
                "field_removed",
                Some(&p),
                format!("`{field}` of `{}` is gone", key_of(b).unwrap_or("?")),
            ),
            Some(ct) if ct != bt => {
                // The values are compared by equality, whatever their type: one scalar type
                // for another still reads; anything else does not.
                let still_compares =
                    matches!(top, "value" | "onValue" | "offValue") && scalar(bt) && scalar(ct);
                let severity = if used && !still_compares {
                    Severity::Breaking
                } else {
                    Severity::Notable
                };
                f.add(
                    severity,
                    "type_changed",
                    Some(&p),
                    format!("`{field}` is {} where it was {}", types(ct), types(bt)),
                );
            }
            _ => {}
        }
    }
    for field in cs.keys().filter(|k| !bs.contains_key(*k)) {
        f.add(
            Severity::Notable,
            "field_added",
            Some(&format!("{path}.{field}")),
            format!("`{field}` is new"),
        );
    }
    // The values that carry meaning.
    let get = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let (bt, ct) = (get(b, "settingDisplayType"), get(c, "settingDisplayType"));
    if bt != ct {
        f.add(
            if toggle {
                Severity::Breaking
            } else {
                Severity::Notable
            },
            "display_type",
            Some(&format!("{path}.settingDisplayType")),
            format!(
                "settingDisplayType is {} where it was {}",
                crate::text::describe(&ct),
                crate::text::describe(&bt)
            ),
        );
    }
    let pair = |v: &Value| (get(v, "onValue"), get(v, "offValue"));
    if toggle && pair(b) != pair(c) {
        let (on, off) = pair(c);
        let (was_on, was_off) = pair(b);
        f.add(
            Severity::Notable,
            "on_off_values",
            Some(&format!("{path}.onValue")),
            format!(
                "onValue/offValue are {}/{} where they were {}/{}",
                crate::text::describe(&on),
                crate::text::describe(&off),
                crate::text::describe(&was_on),
                crate::text::describe(&was_off)
            ),
        );
    }
    for label in SETTING_LABELS {
        let (bl, cl) = (get(b, label), get(c, label));
        if bl != cl && !bl.is_null() && !cl.is_null() {
            f.add(
                Severity::Notable,
                "label",
                Some(&format!("{path}.{label}")),
                format!("the {label} now reads {}", crate::text::describe(&cl)),
            );
        }
    }
}

fn compare_form(f: &mut Findings<'_>, b: &str, c: &str) {
    let read = |page: &str| objection::parse_form_within(page, objection::PARSE_LIMIT);
    let (bf, cf) = match (read(b), read(c)) {
        (Ok(bf), Ok(cf)) => (bf, cf),
        (b, _) => {
            f.add(
                Severity::Notable,
                "form_unreadable",
                None,
                format!(
                    "the {} page took longer than {} s to read (it is not an ordinary page)",
                    if b.is_err() { "baseline's" } else { "current" },
                    objection::PARSE_LIMIT.as_secs()
                ),
            );
            return;
        }
    };
    let ok = |form: &Option<objection::Form>| {
        form.as_ref()
            .is_some_and(objection::looks_like_objection_form)
    };
    match (ok(&bf), ok(&cf)) {
        (true, false) => {
            f.add(
                Severity::Notable,
                "form_gone",
                None,
                "the page no longer holds a form that looks like the objection form (the tool falls back to the reported fields)"
                    .to_string(),
            );
            return;
        }
        (false, _) => return,
        (true, true) => {}
    }
    let fields = |form: &Option<objection::Form>| -> BTreeMap<String, (String, Option<String>)> {
        form.iter()
            .flat_map(|f| &f.fields)
            .filter(|x| x.kind != "hidden")
            .map(|x| (x.name.clone(), (x.kind.clone(), x.label.clone())))
            .collect()
    };
    let (bm, cm) = (fields(&bf), fields(&cf));
    for (name, (kind, label)) in &bm {
        match cm.get(name) {
            None => f.add(
                Severity::Notable,
                "form_field_removed",
                Some(name),
                format!("the form field `{name}` is gone"),
            ),
            Some((k, l)) => {
                if k != kind {
                    f.add(
                        Severity::Notable,
                        "form_field_kind",
                        Some(name),
                        format!("the form field `{name}` is a {k} where it was a {kind}"),
                    );
                }
                if l != label {
                    f.add(
                        Severity::Notable,
                        "form_label",
                        Some(name),
                        format!(
                            "the form field `{name}` is labelled {:?}",
                            l.as_deref().unwrap_or("")
                        ),
                    );
                }
            }
        }
    }
    for name in cm.keys().filter(|n| !bm.contains_key(*n)) {
        f.add(
            Severity::Notable,
            "form_field_added",
            Some(name),
            format!("a new form field `{name}`"),
        );
    }
}

#[cfg(test)]
mod tests {
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
}
