//! Reading settings and judging them: a card reply becomes a [`State`] only when the reply proves
//! it, and an account's audit becomes a [`Report`], also when it stops half-way. Cards are read
//! once each ([`Cards`]): two settings on one card cost one request. Nothing here prints.

use std::collections::HashMap;

use serde_json::Value;

use crate::catalog::{CardRef, Catalog, ChoiceValue, Entry, Rule, Toggle};
use crate::error::Result;
use crate::linkedin::{CardReply, Discovery, Member, Origin};
use crate::report::{
    Advice, Discovered, Identity, NewSetting, NotListed, ReasonCode, Report, SettingRow, State,
};
use crate::text;

/// One setting of a card, as LinkedIn describes it. Only the fields the tool relies on.
#[derive(Clone, Debug, PartialEq)]
pub struct CardSetting {
    pub key: Option<String>,
    pub entity_urn: Option<String>,
    pub display_type: Option<String>,
    pub value: Value,
    pub on_value: Option<Value>,
    pub off_value: Option<Value>,
    pub has_child: Option<bool>,
    /// The card's `settingDisplayValues`: each value and its `selected` flag.
    pub display_values: Vec<(Value, Option<bool>)>,
    /// Why the display values prove nothing, when they are not a list of objects each with a
    /// `value` and a `selected` that is true, false or absent.
    pub labels_problem: Option<String>,
}

/// What a card reply proves about one catalog entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub state: State,
    /// For a many-valued setting read with certainty: the catalog's value it holds.
    pub value: Option<ChoiceValue>,
    /// Whether the state keeps the member's data private (`None`: it proves neither).
    pub private: Option<bool>,
    pub reason: Option<String>,
    pub code: Option<ReasonCode>,
    /// The setting that was read, when one was found; a write needs it.
    pub setting: Option<CardSetting>,
}

impl Reading {
    fn unknown(code: ReasonCode, reason: impl Into<String>) -> Reading {
        Reading {
            state: State::Unknown,
            value: None,
            private: None,
            reason: Some(reason.into()),
            code: Some(code),
            setting: None,
        }
    }

    fn with_setting(mut self, setting: &CardSetting) -> Reading {
        self.setting = Some(setting.clone());
        self
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

/// The card's settings list: `{"settings": [...]}`, or the same inside a `{"data": …}`
/// envelope. Anything else (both at once, a `data` that is not that) proves nothing.
pub(crate) fn settings_list(json: &Value) -> std::result::Result<&Vec<Value>, Box<Reading>> {
    let top = json.get("settings");
    let data = json.get("data");
    let shape_changed = |why: &str| {
        Box::new(Reading::unknown(
            ReasonCode::CardShapeChanged,
            format!("{why} (LinkedIn may have changed it)"),
        ))
    };
    match (top, data) {
        (Some(_), Some(_)) => Err(shape_changed(
            "the card reply has both `settings` and `data`, so which one counts is not clear",
        )),
        (Some(list), None) => list
            .as_array()
            .ok_or_else(|| shape_changed("the card reply's `settings` is not a list")),
        (None, Some(data)) => data
            .get("settings")
            .and_then(Value::as_array)
            .ok_or_else(|| shape_changed("the card reply's `data` holds no `settings` list")),
        (None, None) => Err(shape_changed("the card reply has no `settings` list")),
    }
}

fn key_of(s: &Value) -> Option<&str> {
    s.get("key").and_then(Value::as_str)
}

/// The setting the entry reads: the one with the catalog's key, or the card's only setting.
fn find_setting<'j>(
    card: &CardRef<'_>,
    settings: &'j [Value],
) -> std::result::Result<&'j Value, Box<Reading>> {
    let chosen = match card.key {
        Some(key) => {
            let named: Vec<&Value> = settings.iter().filter(|s| key_of(s) == Some(key)).collect();
            match named.as_slice() {
                [only] => *only,
                [] => {
                    return Err(Box::new(Reading::unknown(
                        ReasonCode::NoSuchSetting,
                        format!("the card has no setting `{key}`"),
                    )));
                }
                many => {
                    return Err(Box::new(Reading::unknown(
                        ReasonCode::DuplicateKey,
                        format!(
                            "the card holds {} settings with the key `{key}`, so none of them proves the state",
                            many.len()
                        ),
                    )));
                }
            }
        }
        None => match settings {
            [only] => only,
            [] => {
                return Err(Box::new(Reading::unknown(
                    ReasonCode::NoSetting,
                    "the card holds no setting",
                )));
            }
            many => {
                return Err(Box::new(Reading::unknown(
                    ReasonCode::SeveralSettings,
                    format!(
                        "the card holds {} settings and the catalog names none of their keys",
                        many.len()
                    ),
                )));
            }
        },
    };
    // A write goes to the setting's key: if another setting of the card shares it, neither the
    // read nor a write can be sure which one it is about.
    if let Some(key) = key_of(chosen) {
        let sharing = settings.iter().filter(|s| key_of(s) == Some(key)).count();
        if sharing > 1 {
            return Err(Box::new(Reading::unknown(
                ReasonCode::DuplicateKey,
                format!(
                    "the card holds {sharing} settings with the key `{}`, so none of them proves the state",
                    text::clean_line(key, 64)
                ),
            )));
        }
    }
    Ok(chosen)
}

/// The display values of a setting: `(value, selected)` each, or why they prove nothing. A
/// `selected` flag is true, false, `null` or absent; anything else (`"true"`, `1`) is a flag that
/// cannot be read, and an entry without a `value` is a label that names nothing.
fn display_values(chosen: &Value) -> (Vec<(Value, Option<bool>)>, Option<String>) {
    let Some(raw) = chosen.get("settingDisplayValues") else {
        return (Vec::new(), None);
    };
    let Some(list) = raw.as_array() else {
        return (
            Vec::new(),
            Some(format!(
                "settingDisplayValues is {}, not a list",
                text::describe(raw)
            )),
        );
    };
    let mut out = Vec::with_capacity(list.len().min(64));
    for item in list {
        let Some(value) = item.get("value") else {
            return (out, Some("a display value names no value".to_string()));
        };
        let selected = match item.get("selected") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                return (
                    out,
                    Some(format!(
                        "a selected flag is {}, not true or false",
                        text::describe(other)
                    )),
                );
            }
        };
        out.push((value.clone(), selected));
    }
    (out, None)
}

fn card_setting(chosen: &Value, value: Value) -> CardSetting {
    let string = |name: &str| chosen.get(name).and_then(Value::as_str).map(str::to_string);
    let (display_values, labels_problem) = display_values(chosen);
    CardSetting {
        key: string("key"),
        entity_urn: string("entityUrn"),
        display_type: string("settingDisplayType"),
        value,
        on_value: chosen.get("onValue").cloned(),
        off_value: chosen.get("offValue").cloned(),
        has_child: chosen.get("hasChild").and_then(Value::as_bool),
        display_values,
        labels_problem,
    }
}

/// Reads a card reply for one entry. Anything that does not match the contract's shape is
/// `unknown` with the reason: a toggle is `on` or `off` only when `value` equals `onValue` or
/// `offValue` (JSON equality); a many-valued setting holds a value only when the card lists it,
/// its `selected` flags agree, and the catalog knows it.
pub fn read_card(card: &CardRef<'_>, json: &Value) -> Reading {
    let settings = match settings_list(json) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let chosen = match find_setting(card, settings) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let Some(value) = chosen.get("value").cloned() else {
        return Reading::unknown(ReasonCode::MissingField, "the setting has no value");
    };
    let setting = card_setting(chosen, value);
    let kind = card.rule.kind();
    let expected = kind.display_types();
    match setting.display_type.as_deref() {
        Some(t) if expected.contains(&t) => {}
        shown => {
            return Reading::unknown(
                ReasonCode::UnexpectedType,
                format!(
                    "the setting is {}, where the catalog expects {} for a {}",
                    match shown {
                        Some(t) => format!("of type `{}`", text::clean_line(t, 40)),
                        None => "of no settingDisplayType".to_string(),
                    },
                    expected.join(" or "),
                    kind.as_str()
                ),
            )
            .with_setting(&setting);
        }
    }
    if is_empty(&setting.value) {
        return Reading::unknown(
            ReasonCode::EmptyValue,
            format!(
                "value is {}, and an empty value proves nothing",
                text::describe(&setting.value)
            ),
        )
        .with_setting(&setting);
    }
    if let Some(r) = selected_disagrees(&setting) {
        return r.with_setting(&setting);
    }
    let reading = match card.rule {
        Rule::Toggle(private) => read_toggle(&setting, private),
        Rule::Choice { values, .. } => read_choice(&setting, values),
    };
    reading.with_setting(&setting)
}

/// The labels LinkedIn shows must agree with the value: a `selected` flag on another value, two
/// selected values, or the value's own label marked not selected, and the card contradicts
/// itself.
fn selected_disagrees(setting: &CardSetting) -> Option<Reading> {
    if let Some(why) = &setting.labels_problem {
        return Some(Reading::unknown(
            ReasonCode::LabelsContradict,
            format!("the card's labels prove nothing: {why}"),
        ));
    }
    let selected: Vec<&Value> = setting
        .display_values
        .iter()
        .filter(|(_, s)| *s == Some(true))
        .map(|(v, _)| v)
        .collect();
    let own_unselected = setting
        .display_values
        .iter()
        .any(|(v, s)| *v == setting.value && *s == Some(false));
    let why = if selected.len() > 1 {
        format!("{} values are marked selected", selected.len())
    } else if selected.iter().any(|v| **v != setting.value) {
        "the selected label differs from value".to_string()
    } else if own_unselected {
        "the value's own label is marked not selected".to_string()
    } else {
        return None;
    };
    Some(Reading::unknown(
        ReasonCode::LabelsContradict,
        format!("the card contradicts itself: {why}"),
    ))
}

fn read_toggle(setting: &CardSetting, private: Toggle) -> Reading {
    let (Some(on_value), Some(off_value)) = (&setting.on_value, &setting.off_value) else {
        return Reading::unknown(
            ReasonCode::MissingField,
            "the setting lacks onValue or offValue",
        );
    };
    for (name, v) in [("onValue", on_value), ("offValue", off_value)] {
        if is_empty(v) {
            return Reading::unknown(
                ReasonCode::EmptyValue,
                format!(
                    "{name} is {}, and an empty value proves nothing",
                    text::describe(v)
                ),
            );
        }
    }
    if on_value == off_value {
        return Reading::unknown(
            ReasonCode::SameOnOff,
            "onValue and offValue are the same, so the value proves nothing",
        );
    }
    let state = if setting.value == *on_value {
        Toggle::On
    } else if setting.value == *off_value {
        Toggle::Off
    } else {
        return Reading::unknown(
            ReasonCode::ValueMatchesNeither,
            format!(
                "value {} matches neither onValue {} nor offValue {}",
                text::describe(&setting.value),
                text::describe(on_value),
                text::describe(off_value)
            ),
        );
    };
    Reading {
        state: match state {
            Toggle::On => State::On,
            Toggle::Off => State::Off,
        },
        value: None,
        private: Some(state == private),
        reason: None,
        code: None,
        setting: None,
    }
}

fn read_choice(setting: &CardSetting, values: &[ChoiceValue]) -> Reading {
    if !setting
        .display_values
        .iter()
        .any(|(v, _)| *v == setting.value)
    {
        return Reading::unknown(
            ReasonCode::ValueNotListed,
            format!(
                "value {} is not among the card's own settingDisplayValues",
                text::describe(&setting.value)
            ),
        );
    }
    let known = setting
        .value
        .as_str()
        .and_then(|v| values.iter().find(|c| c.value == v));
    let Some(known) = known else {
        return Reading::unknown(
            ReasonCode::ValueNotInCatalog,
            format!(
                "value {} is not one the catalog knows as private or exposing",
                text::describe(&setting.value)
            ),
        );
    };
    Reading {
        state: State::Chosen,
        value: Some(known.clone()),
        private: Some(known.private),
        reason: None,
        code: None,
        setting: None,
    }
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

/// A setting checked for one account: the report row and, for readable entries, what was read.
#[derive(Clone, Debug)]
pub struct Checked {
    pub result: SettingRow,
    pub reading: Option<Reading>,
}

/// A card as fetched once: the reply and its digest, or why it proves nothing.
#[derive(Clone)]
enum Fetched {
    Reply(CardReply, String),
    Failed(ReasonCode, String),
}

/// The cards of one account, each fetched at most once until [`Cards::forget`] (after a write).
pub struct Cards<'r, 'm> {
    member: &'r Member<'m>,
    origin: &'r Origin,
    /// Every setting key the catalog names: "the card's only setting" is never one of them,
    /// for an entry that names none (it would be another entry's setting).
    claimed: std::collections::HashSet<String>,
    fetched: HashMap<String, Fetched>,
    /// Requests sent so far.
    pub requests: usize,
}

impl<'r, 'm> Cards<'r, 'm> {
    pub fn new(member: &'r Member<'m>, origin: &'r Origin, catalog: &Catalog) -> Cards<'r, 'm> {
        Cards {
            member,
            origin,
            claimed: catalog
                .settings
                .iter()
                .filter_map(|e| e.key.clone())
                .collect(),
            fetched: HashMap::new(),
            requests: 0,
        }
    }

    pub fn member(&self) -> &Member<'m> {
        self.member
    }

    /// Reads the card again on its next use (a write changed it).
    pub fn forget(&mut self, card: &str) {
        self.fetched.remove(card);
    }

    fn fetch(&mut self, card: &str) -> Result<Fetched> {
        if let Some(f) = self.fetched.get(card) {
            return Ok(f.clone());
        }
        self.requests += 1;
        let fetched = match self.member.card_read(card) {
            Ok((reply, sha256)) => Fetched::Reply(reply, sha256),
            Err(e) if e.ends_account() => return Err(e),
            Err(e) => Fetched::Failed(
                code_of(&e),
                text::clean_line(&e.to_string(), 2 * text::MAX_SHOWN),
            ),
        };
        self.fetched.insert(card.to_string(), fetched.clone());
        Ok(fetched)
    }

    /// Checks one catalog entry (one request per card not read yet; none for informational
    /// entries). Errors that concern the whole account (session, throttle, network) are
    /// returned; any other problem makes the setting `unknown` with the reason.
    pub fn check(&mut self, entry: &Entry) -> Result<Checked> {
        let url = self.origin.url(&entry.page);
        let Some(card) = entry.card_ref() else {
            let mut result = row(entry, url, State::Informational, None);
            result.reason = Some(format!(
                "{} (informational: it never changes the verdict)",
                entry.meaning
            ));
            result.reason_code = Some(ReasonCode::Informational);
            result.advice = Advice::Object;
            return Ok(Checked {
                result,
                reading: None,
            });
        };
        let mut digest = None;
        let reading = match self.fetch(card.card)? {
            Fetched::Reply(reply, sha256) => {
                digest = Some(sha256);
                match reply {
                    CardReply::Found(json) => {
                        let reading = read_card(&card, &json);
                        let foreign = reading
                            .setting
                            .as_ref()
                            .and_then(|s| s.key.as_deref())
                            .filter(|k| card.key.is_none() && self.claimed.contains(*k));
                        match foreign {
                            Some(k) => Reading::unknown(
                                ReasonCode::ForeignKey,
                                format!(
                                    "the card's only setting is `{}`, which the catalog reads for another setting",
                                    text::clean_line(k, 64)
                                ),
                            ),
                            None => reading,
                        }
                    }
                    CardReply::NotOffered => Reading {
                        reason: Some(match entry.regions_text() {
                            Some(regions) => format!(
                                "LinkedIn does not offer this setting to this account (the card answers 404; it is not offered in {regions})"
                            ),
                            None => "LinkedIn does not offer this setting to this account (the card answers 404)".to_string(),
                        }),
                        code: Some(ReasonCode::NotOffered),
                        state: State::NotOffered,
                        ..Reading::unknown(ReasonCode::NotOffered, "")
                    },
                    CardReply::Unproven(code, why) => Reading::unknown(code, why),
                }
            }
            Fetched::Failed(code, why) => Reading::unknown(code, why),
        };
        let mut result = row(entry, url, reading.state, reading.private);
        result.value = reading.value.clone();
        result.reason = reading.reason.clone();
        result.reason_code = reading.code;
        result.reply_sha256 = digest;
        Ok(Checked {
            result,
            reading: Some(reading),
        })
    }
}

fn row(entry: &Entry, url: String, state: State, private: Option<bool>) -> SettingRow {
    let advice = match (state, private) {
        (_, Some(true)) => Advice::Nothing,
        (_, Some(false)) => Advice::TurnOff {
            id: entry.id.clone(),
        },
        (State::NotOffered, None) => Advice::NothingToChange,
        _ => Advice::CheckInBrowser,
    };
    SettingRow {
        group: entry.group,
        kind: entry.kind,
        title: entry.title.clone(),
        url,
        advice,
        ..SettingRow::bare(&entry.id, state, private)
    }
}

/// How far an audit is: cards read so far, out of how many.
pub type OnCard<'p> = &'p mut dyn FnMut(usize, usize);

/// How many cards reading `entries` takes.
pub fn cards_of(entries: &[&Entry]) -> usize {
    let mut cards: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.card_ref().map(|c| c.card))
        .collect();
    cards.sort_unstable();
    cards.dedup();
    cards.len()
}

/// Audits the given entries in catalog order, each card read once. The report always comes
/// back: when the session, the throttle or the network stops the run, it holds the rows read so
/// far and the error.
pub fn run(
    member: &Member<'_>,
    origin: &Origin,
    catalog: &Catalog,
    account: Identity,
    entries: &[&Entry],
    on_card: OnCard<'_>,
) -> Report {
    let total = cards_of(entries);
    let mut cards = Cards::new(member, origin, catalog);
    let mut settings = Vec::with_capacity(entries.len());
    for entry in entries {
        let before = cards.requests;
        match cards.check(entry) {
            Ok(checked) => settings.push(checked.result),
            Err(e) => {
                let at = member.client().time().clock.rfc3339();
                return Report::new(account, settings, at).stopped(&e);
            }
        }
        if cards.requests != before {
            on_card(cards.requests, total);
        }
    }
    let at = member.client().time().clock.rfc3339();
    Report::new(account, settings, at)
}

/// Asks LinkedIn's discovery list of each of the catalog's categories (one request each) for
/// setting cards the catalog does not know. Never part of a verdict: a failure is noted, and a
/// session, throttle or network failure ends the asking.
pub fn discover(member: &Member<'_>, catalog: &Catalog) -> Discovered {
    let known: std::collections::HashSet<&str> = catalog
        .settings
        .iter()
        .filter_map(|e| e.card.as_deref())
        .collect();
    let mut found = Discovered {
        categories: catalog.discovery.clone(),
        ..Discovered::default()
    };
    for category in &catalog.discovery {
        let not_listed = |reason: String| NotListed {
            category: category.clone(),
            reason,
        };
        match member.discovery(category) {
            Ok(Discovery::Listed(cards, cut)) => {
                found.read += 1;
                if cut {
                    found.not_listed.push(not_listed(format!(
                        "the list names more than {} cards; the rest were not read",
                        crate::linkedin::api::MAX_LISTED
                    )));
                }
                for c in cards {
                    if !known.contains(c.card.as_str())
                        && !found.new.iter().any(|n| n.card == c.card)
                    {
                        found.new.push(NewSetting {
                            card: c.card,
                            text: c.text,
                            category: category.clone(),
                        });
                    }
                }
            }
            Ok(Discovery::NotListed(why)) => found.not_listed.push(not_listed(why)),
            Err(e) => {
                let ends = e.ends_account();
                found.not_listed.push(not_listed(text::clean_line(
                    &e.to_string(),
                    text::MAX_SHOWN,
                )));
                if ends {
                    break;
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests;
