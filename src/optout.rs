//! Turning settings to their private state, and proving it: read each card once, write the
//! card's own value for the private state (a toggle's `onValue`/`offValue`, a choice's most
//! private value as the card lists it; never a hard-coded one), read the card again, and the
//! cards of the neighbours the write moves, and report what those reads say. Plain data in and
//! out; the command layer asks for confirmation and prints.

use serde_json::{Value, json};

use crate::audit::{Cards, Checked, Reading};
use crate::catalog::{Catalog, Entry, Rule, Toggle};
use crate::error::{Error, Result};
use crate::linkedin::api::setting_path;
use crate::report::{Advice, Change, PlannedWrite, ReasonCode, SettingRow, State};

/// What reading one setting decided.
#[derive(Clone, Debug)]
pub enum Step {
    /// Already private: nothing to write.
    AlreadyPrivate,
    /// Not offered to this account: nothing to write.
    NotOffered,
    /// Read because a write of another setting may move it (a neighbour the catalog names, or
    /// a setting on the same card); not written itself.
    Neighbour,
    /// The read was not certain enough to write: the reason says why, the code what kind.
    Refused { reason: String, code: ReasonCode },
    /// The setting is not private and the card says how to change it.
    Write(PlannedWrite),
}

/// One setting of the plan: the entry, what was read, and what to do.
#[derive(Clone, Debug)]
pub struct Planned<'c> {
    pub entry: &'c Entry,
    pub checked: Checked,
    pub step: Step,
}

impl Planned<'_> {
    /// The row as the plan shows it: a refused write says why.
    pub fn row(&self) -> SettingRow {
        let mut row = self.checked.result.clone();
        if let Step::Refused { reason, code } = &self.step {
            row.reason = Some(reason.clone());
            row.reason_code = Some(*code);
        }
        row
    }

    pub fn write(&self) -> Option<&PlannedWrite> {
        match &self.step {
            Step::Write(w) => Some(w),
            _ => None,
        }
    }
}

/// Reads the selected settings, and the neighbours their writes move, each card once, in
/// catalog order, and decides what to do with each.
pub fn plan<'c>(
    cards: &mut Cards<'_, '_>,
    catalog: &'c Catalog,
    selected: &[&'c Entry],
) -> Result<Vec<Planned<'c>>> {
    let wanted = |e: &Entry| selected.iter().any(|s| s.id == e.id);
    let moved = |e: &Entry| {
        selected
            .iter()
            .any(|s| catalog.neighbours(s).iter().any(|n| n.id == e.id))
    };
    // A setting on the card of one that is written: read with it (no extra request), so a
    // write that moves it is seen.
    let sibling = |e: &Entry| e.card.is_some() && selected.iter().any(|s| s.card == e.card);
    let mut planned = Vec::new();
    for entry in catalog
        .settings
        .iter()
        .filter(|e| e.card_ref().is_some() && (wanted(e) || moved(e) || sibling(e)))
    {
        let checked = cards.check(entry)?;
        let step = if wanted(entry) {
            decide(entry, &checked)
        } else {
            Step::Neighbour
        };
        planned.push(Planned {
            entry,
            checked,
            step,
        });
    }
    Ok(planned)
}

/// What to do with one setting, from what was read.
pub fn decide(entry: &Entry, checked: &Checked) -> Step {
    let row = &checked.result;
    match (row.state, row.private) {
        (_, Some(true)) => Step::AlreadyPrivate,
        (State::NotOffered, _) => Step::NotOffered,
        (_, None) => Step::Refused {
            reason: format!(
                "not written: the current state is unknown ({})",
                row.reason.as_deref().unwrap_or("no reason given")
            ),
            code: row.reason_code.unwrap_or(ReasonCode::NotWritten),
        },
        (_, Some(false)) => match write_for(entry, checked.reading.as_ref()) {
            Ok(write) => Step::Write(write),
            Err(reason) => Step::Refused {
                reason: format!("not written: {reason}"),
                code: ReasonCode::NotWritten,
            },
        },
    }
}

/// The write that sets the card's setting to its private value, with the key, URN and display
/// type copied from the card just read.
pub fn write_for(
    entry: &Entry,
    reading: Option<&Reading>,
) -> std::result::Result<PlannedWrite, String> {
    let card = entry
        .card_ref()
        .ok_or("this entry has no setting to write")?;
    let setting = reading
        .and_then(|r| r.setting.as_ref())
        .ok_or("the card did not show which setting to write")?;
    let display_type = setting
        .display_type
        .as_deref()
        .filter(|t| card.rule.kind().display_types().contains(t))
        .ok_or("the setting's display type is not one the catalog expects")?;
    let key = setting
        .key
        .as_deref()
        .filter(|k| {
            !k.is_empty()
                && k.len() <= 100
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or("the card does not name the setting's key")?;
    let urn = setting
        .entity_urn
        .as_deref()
        .ok_or("the card does not name the setting's entityUrn")?;
    // What the write sends back comes from the card: a URN and a value that are not short and
    // plain are not a setting's, and are not sent (nor shown by --dry-run).
    let plain = |t: &str| crate::text::is_clean(t) && !t.chars().any(crate::text::is_invisible);
    if setting.has_child == Some(true) {
        return Err(
            "the card says the setting has child settings, which this version does not write"
                .to_string(),
        );
    }
    if urn.len() > 200 || !plain(urn) {
        return Err(format!(
            "the card's entityUrn is not a plain URN ({})",
            crate::text::describe(&json!(urn))
        ));
    }
    let value: Value = match card.rule {
        Rule::Toggle(private) => match private {
            Toggle::Off => setting.off_value.clone(),
            Toggle::On => setting.on_value.clone(),
        }
        .ok_or("the card does not say which value is private")?,
        // The most private value, as the card itself lists it.
        Rule::Choice { write, .. } => setting
            .display_values
            .iter()
            .map(|(v, _)| v)
            .find(|v| v.as_str() == Some(write))
            .cloned()
            .ok_or_else(|| format!("the card does not offer the value {write}"))?,
    };
    let scalar = match &value {
        Value::String(t) => plain(t),
        Value::Bool(_) | Value::Number(_) => true,
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    };
    if !scalar || value.to_string().len() > 100 {
        return Err(format!(
            "the card's value for the private state is {}, not a setting's value",
            crate::text::describe(&value)
        ));
    }
    Ok(PlannedWrite {
        id: entry.id.clone(),
        method: "PUT",
        path: setting_path(key),
        body: json!({
            "key": key,
            "entityUrn": urn,
            "settingDisplayType": display_type,
            "value": value,
            "hasChild": false,
        }),
    })
}

/// What the writes did.
pub struct Done {
    /// Every planned setting as last read.
    pub rows: Vec<SettingRow>,
    pub changes: Vec<Change>,
    /// A write was refused, or did not take effect.
    pub problem: bool,
    /// What stopped the run (the session, the throttle, the network), if anything did.
    pub error: Option<Error>,
}

/// A row made `unknown` because a write's outcome is not known.
fn in_doubt(row: &SettingRow, code: ReasonCode, reason: String) -> SettingRow {
    let mut row = row.clone();
    row.state = State::Unknown;
    row.value = None;
    row.private = None;
    row.reason = Some(reason);
    row.reason_code = Some(code);
    row
}

/// Sends each planned write, then reads its card again, and the cards of the neighbours the
/// catalog says it moves, and reads every planned setting on those cards again: a setting
/// whose state moved is reported with the write that moved it. A setting is written only when
/// its latest read proves it exposed (an earlier write may have made it private, or unknown).
/// `publish` hears what is known before each write is sent and after it is read back (for a
/// report printed if the run is interrupted in between). The state after is always the one the
/// read shows.
pub fn execute(
    cards: &mut Cards<'_, '_>,
    catalog: &Catalog,
    planned: &[Planned<'_>],
    publish: &mut dyn FnMut(&[SettingRow], &[Change]),
) -> Done {
    let mut latest: Vec<Checked> = planned.iter().map(|p| p.checked.clone()).collect();
    let mut rows: Vec<SettingRow> = planned.iter().map(Planned::row).collect();
    let mut changes = Vec::new();
    let mut problem = planned
        .iter()
        .any(|p| matches!(p.step, Step::Refused { .. }));
    let mut error = None;
    for (i, p) in planned.iter().enumerate() {
        if error.is_some() {
            break;
        }
        if p.write().is_none() {
            continue;
        }
        let entry = p.entry;
        let current = latest[i].clone();
        match current.result.private {
            // An earlier write moved it to private already.
            Some(true) => continue,
            Some(false) => {}
            // An earlier write left it unproven: nothing certain to write on.
            None => {
                rows[i].reason = Some(format!(
                    "not written: after an earlier write it reads {} ({})",
                    current.result.state_name(),
                    current
                        .result
                        .reason
                        .as_deref()
                        .unwrap_or("no reason given")
                ));
                rows[i].reason_code = Some(ReasonCode::NotWritten);
                problem = true;
                continue;
            }
        }
        let write = match write_for(entry, current.reading.as_ref()) {
            Ok(w) => w,
            Err(why) => {
                rows[i].reason = Some(format!("not written: {why}"));
                rows[i].reason_code = Some(ReasonCode::NotWritten);
                problem = true;
                continue;
            }
        };
        let change = |after: &SettingRow, moved_by: Option<&str>, was: &Checked| Change {
            id: after.id.clone(),
            before: was.result.state_name().to_string(),
            before_private: was.result.private,
            after: after.state_name().to_string(),
            verified: after.private == Some(true),
            moved_by: moved_by.map(str::to_string),
        };
        let unknown_after = |was: &Checked| Change {
            id: entry.id.clone(),
            before: was.result.state_name().to_string(),
            before_private: was.result.private,
            after: State::Unknown.as_str().to_string(),
            verified: false,
            moved_by: None,
        };
        // Until the read-back says otherwise, the write may or may not have reached LinkedIn.
        {
            let mut pending_rows = rows.clone();
            pending_rows[i] = in_doubt(
                &rows[i],
                ReasonCode::Interrupted,
                "a write was sent and not yet read back when the run stopped; it may or may not have taken effect"
                    .to_string(),
            );
            let mut pending = changes.clone();
            pending.push(unknown_after(&current));
            publish(&pending_rows, &pending);
        }
        let key = write.body["key"].as_str().unwrap_or_default();
        let refused = match cards.member().put_setting(key, write.body.clone()) {
            Ok(()) => None,
            Err(e) if e.ends_account() => {
                // The write may have been sent; nothing more can be read.
                rows[i] = in_doubt(
                    &rows[i],
                    ReasonCode::NotReadBack,
                    format!("written, but could not be read back: {e}"),
                );
                changes.push(unknown_after(&current));
                error = Some(e);
                break;
            }
            // A refused write is reported with the read that follows it.
            Err(e) => Some(crate::text::clean_line(
                &e.to_string(),
                crate::text::MAX_SHOWN,
            )),
        };
        // The cards this write may have changed: its own and its neighbours'.
        let mut touched: Vec<&str> = entry.card.as_deref().into_iter().collect();
        touched.extend(
            catalog
                .neighbours(entry)
                .iter()
                .filter_map(|n| n.card.as_deref()),
        );
        for card in &touched {
            cards.forget(card);
        }
        let after = match cards.check(entry) {
            Ok(after) => after,
            Err(e) => {
                rows[i] = in_doubt(
                    &rows[i],
                    ReasonCode::NotReadBack,
                    format!("written, but could not be read back: {e}"),
                );
                changes.push(unknown_after(&current));
                error = Some(e);
                break;
            }
        };
        let verified = after.result.private == Some(true);
        let mut row = after.result.clone();
        if !verified {
            problem = true;
            let (code, why) = match (&refused, after.result.state) {
                (Some(why), _) => (
                    ReasonCode::WriteRefused,
                    format!("LinkedIn refused the write ({why})"),
                ),
                (None, State::Unknown) => (
                    ReasonCode::NotReadBack,
                    format!(
                        "written, but the read-back proves nothing ({})",
                        after.result.reason.as_deref().unwrap_or("no reason given")
                    ),
                ),
                (None, _) => (
                    ReasonCode::WriteNotApplied,
                    format!(
                        "LinkedIn answered the write with success, but the setting still reads {}",
                        after.result.state_name()
                    ),
                ),
            };
            row.reason = Some(why);
            row.reason_code = Some(code);
            // Running opt-out again would do the same: the page is what is left.
            if row.private == Some(false) {
                row.advice = Advice::TurnOffInBrowser;
            }
        }
        changes.push(change(&after.result, None, &current));
        rows[i] = row;
        latest[i] = after;
        // Every other planned setting on a card the write touched: read again (the cache holds
        // the cards just fetched), and reported when the write moved it.
        for (j, q) in planned.iter().enumerate() {
            if j == i
                || !q
                    .entry
                    .card
                    .as_deref()
                    .is_some_and(|c| touched.contains(&c))
            {
                continue;
            }
            match cards.check(q.entry) {
                Ok(now) => {
                    if now.result.state_name() != latest[j].result.state_name() {
                        changes.push(change(&now.result, Some(&entry.id), &latest[j]));
                    }
                    let mut row = now.result.clone();
                    if let Step::Refused { .. } = q.step
                        && now.result.private != Some(true)
                    {
                        problem = true;
                        row.reason = Some(format!(
                            "not written: its first read was not certain; it reads {} now{}",
                            now.result.state_name(),
                            now.result
                                .reason
                                .as_deref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        ));
                        row.reason_code = Some(ReasonCode::NotWritten);
                    }
                    rows[j] = row;
                    latest[j] = now;
                }
                Err(e) => {
                    rows[j] = in_doubt(
                        &rows[j],
                        ReasonCode::NotReadBack,
                        format!(
                            "moved by a write of {}, and could not be read back: {e}",
                            entry.id
                        ),
                    );
                    error = Some(e);
                    break;
                }
            }
        }
        publish(&rows, &changes);
    }
    Done {
        rows,
        changes,
        problem,
        error,
    }
}

#[cfg(test)]
mod tests;
