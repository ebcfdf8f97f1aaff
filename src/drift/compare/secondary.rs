//! The replies that never decide a state, compared: the objection form's fields, a settings
//! page's embedded settings, a discovery list's card keys.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Findings, Severity, compare_card, compare_shapes};
use crate::objection;

/// A settings page: the settings it embeds, compared as a card's. Never breaking: the card is
/// what the tool reads.
pub(super) fn compare_page(f: &mut Findings<'_>, b: &str, c: &str) {
    let deadline = || Some(std::time::Instant::now() + objection::PARSE_LIMIT);
    let (Ok(bs), Ok(cs)) = (
        crate::drift::page::embedded_settings(b, deadline()),
        crate::drift::page::embedded_settings(c, deadline()),
    ) else {
        f.add(
            Severity::Notable,
            "unreadable",
            None,
            "a page took too long to read".to_string(),
        );
        return;
    };
    if !bs.is_empty() && cs.is_empty() {
        f.add(
            Severity::Notable,
            "page_settings_gone",
            None,
            "the page embeds no settings any more (the second source is gone)".to_string(),
        );
        return;
    }
    let mut inner = Findings {
        reply: f.reply,
        out: Vec::new(),
    };
    compare_card(
        &mut inner,
        &serde_json::json!({ "settings": bs }),
        &serde_json::json!({ "settings": cs }),
    );
    for mut finding in inner.out {
        if finding.severity == Severity::Breaking {
            finding.severity = Severity::Notable;
        }
        f.out.push(finding);
    }
}

/// A discovery list: the card keys it names, added or gone.
pub(super) fn compare_discovery(f: &mut Findings<'_>, b: &Value, c: &Value) {
    let keys = |v: &Value| -> BTreeSet<String> {
        match crate::linkedin::api::parse_discovery(v) {
            crate::linkedin::Discovery::Listed(l, _) => l.into_iter().map(|x| x.card).collect(),
            crate::linkedin::Discovery::NotListed(_) => BTreeSet::new(),
        }
    };
    let (bk, ck) = (keys(b), keys(c));
    for k in ck.difference(&bk) {
        f.add(
            Severity::Notable,
            "card_listed",
            Some(k),
            format!("the list names a card the baseline does not: `{k}`"),
        );
    }
    for k in bk.difference(&ck) {
        f.add(
            Severity::Notable,
            "card_unlisted",
            Some(k),
            format!("the list no longer names `{k}`"),
        );
    }
    compare_shapes(f, b, c, |_| Severity::Notable, Severity::Info);
}

pub(super) fn compare_form(f: &mut Findings<'_>, b: &str, c: &str) {
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
        // The Help Center renders the form in the browser; a form served in the page itself is
        // new: the tool maps its fields from now on, and the maintainers should look.
        (false, true) => {
            f.add(
                Severity::Notable,
                "form_appeared",
                None,
                "the page now holds the objection form itself (before, it was rendered in the browser): its fields are mapped from now on"
                    .to_string(),
            );
            return;
        }
        (false, false) => return,
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
