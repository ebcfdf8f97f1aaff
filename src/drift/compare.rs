//! Comparing two recordings by shape, not value: JSON paths and their types, fields added and
//! removed, statuses, content types, and the values that carry meaning (a setting's display
//! type, its onValue/offValue pair, a card's setting keys, the form's fields). Each finding has a
//! severity: `breaking` when the tool can no longer read or write a setting, `notable` for what
//! a person should look at, `info` for the rest.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::recording::{Recording, ReplyEntry};

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

/// The most findings listed for one reply.
const MAX_PER_REPLY: usize = 50;

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
        // A hostile reply can differ everywhere: the most severe findings of it, and a count.
        if f.out.len() > MAX_PER_REPLY {
            f.out.sort_by_key(|x| x.severity);
            let more = f.out.len() - MAX_PER_REPLY;
            f.out.truncate(MAX_PER_REPLY);
            f.add(
                Severity::Info,
                "more_findings",
                None,
                format!("and {more} more findings for this reply, not listed"),
            );
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

/// Whether a reply's body is LinkedIn's JSON error object for a 404 (`{"status": 404, …}`).
fn is_linkedin_404(rec: &Recording, r: &ReplyEntry) -> bool {
    is_json(r.content_type.as_deref())
        && r.file
            .as_deref()
            .and_then(|f| rec.read(f).ok())
            .and_then(|b| crate::json::from_slice(&b).ok())
            .and_then(|v| v.get("status").and_then(Value::as_u64))
            == Some(404)
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
    // The second source and the discovery list never decide a state: their changes are news.
    let secondary = matches!(
        b.endpoint.as_str(),
        "objection-form" | "settings-page" | "discovery"
    );
    if b.status != c.status {
        // A card answering LinkedIn's JSON 404 is a setting not offered to this account: the
        // tool reads that (`not_offered`), so it is news, not breakage.
        if is_card && c.status == Some(404) && is_linkedin_404(current, c) {
            f.add(
                Severity::Notable,
                "not_offered",
                None,
                "the card answers LinkedIn's JSON 404: the setting is not offered to the recorded account".to_string(),
            );
            return;
        }
        let severity = match (is_card, c.status) {
            // A card that is no longer there, or a reply the tool cannot read.
            (true, _) => Severity::Breaking,
            (false, Some(s)) if !(200..300).contains(&s) && !secondary => Severity::Breaking,
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
    if b.endpoint == "settings-page" {
        compare_page(
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
    match b.endpoint.as_str() {
        "card" => compare_card(f, &bj, &cj),
        "discovery" => compare_discovery(f, &bj, &cj),
        _ => compare_me(f, &bj, &cj),
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
    v.get("settings")
        .or_else(|| v.get("data").and_then(|d| d.get("settings")))
        .and_then(Value::as_array)
}

/// Whether a setting is of a type the catalog reads (a switch, a RADIO, a DROPDOWN).
fn is_read(s: &Value) -> bool {
    matches!(
        s.get("settingDisplayType").and_then(Value::as_str),
        Some("TOGGLE" | "RADIO" | "DROPDOWN")
    )
}

fn key_of(s: &Value) -> Option<&str> {
    s.get("key").and_then(Value::as_str)
}

fn compare_card(f: &mut Findings<'_>, b: &Value, c: &Value) {
    // The reader takes `settings` or a `data` envelope, never both: which would count?
    if c.get("settings").is_some() && c.get("data").is_some() {
        f.add(
            Severity::Breaking,
            "envelope",
            Some("data"),
            "the card holds both `settings` and a `data` envelope, so the reader cannot tell which counts".to_string(),
        );
        return;
    }
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
            if let Some(d) = o.get_mut("data").and_then(Value::as_object_mut) {
                d.remove("settings");
            }
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
    // A card of one setting that now holds more: a catalog entry that names no key reads "the
    // card's only setting", and there is none any more.
    if bs.len() == 1 && cs.len() > 1 {
        f.add(
            Severity::Breaking,
            "settings_added",
            Some("settings"),
            format!(
                "the card holds {} settings where it held one: a catalog entry that names no key cannot choose",
                cs.len()
            ),
        );
    }
    let current: BTreeMap<&str, &Value> = cs
        .iter()
        .filter_map(|s| key_of(s).map(|k| (k, s)))
        .collect();
    for s in bs {
        let Some(key) = key_of(s) else { continue };
        let was_toggle = is_read(s);
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
    // A many-valued setting's values: one gone or added is news (the catalog lists them).
    let listed = |v: &Value| -> BTreeSet<String> {
        v.get("settingDisplayValues")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .filter_map(|x| x.get("value").map(|v| v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let many = matches!(bt.as_str(), Some("RADIO" | "DROPDOWN"));
    if many && listed(b) != listed(c) {
        let (was, now) = (listed(b), listed(c));
        let show = |s: BTreeSet<&String>| {
            crate::text::clean_line(
                &s.into_iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                200,
            )
        };
        f.add(
            Severity::Notable,
            "values_changed",
            Some(&format!("{path}.settingDisplayValues")),
            format!(
                "the values offered changed: added {}; gone {}",
                show(now.difference(&was).collect()),
                show(was.difference(&now).collect())
            ),
        );
    }
    let pair = |v: &Value| (get(v, "onValue"), get(v, "offValue"));
    let toggle = toggle && bt.as_str() == Some("TOGGLE");
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

mod secondary;

use secondary::{compare_discovery, compare_form, compare_page};

#[cfg(test)]
mod tests;
