//! The walk through LinkedIn's form, numbered, in the letter's language: open it, sign in,
//! enter the values, pick the option, paste the letter, tick the confirmation, send it and keep
//! LinkedIn's e-mail, then record the day it was sent.

use crate::objection::form::{Field, Form, OPTION_CONTENT_AI, Role, role};
use crate::objection::ui::ui;
use crate::objection::{Filled, Inputs, Lang};
use crate::output::Words;
use crate::report::State;

pub fn steps(
    lang: Lang,
    url: &str,
    form: &Form,
    fields: &[Filled],
    inputs: &Inputs,
    words: &Words,
) -> Vec<String> {
    let ui = ui(lang);
    // The option to pick: the form's own text when the page showed its list, else which of
    // the reported options.
    let chosen = fields
        .iter()
        .find(|f| f.name == "objection_type")
        .and_then(|f| f.value.clone());
    let option = if form.reported {
        match chosen.as_deref() {
            Some(OPTION_CONTENT_AI) => ui.option_genai.to_string(),
            _ => ui.option_other_ai.to_string(),
        }
    } else {
        fields
            .iter()
            .find(|f| f.choice.is_some() && role(&as_field(f)) == Role::ObjectionType)
            .and_then(|f| f.choice.clone())
            .map(|c| format!("\"{}\"", crate::text::clean_line(&c, 300)))
            .unwrap_or_else(|| ui.option_other_ai.to_string())
    };
    let fill = |t: &str, option: &str| {
        t.replace("{url}", url)
            .replace("{option}", option)
            .replace(
                "{open}",
                &format!("`{}`", words.command("objection --open")),
            )
            .replace(
                "{mark}",
                &format!("`{}`", words.command("objection --mark-sent YYYY-MM-DD")),
            )
            .replace(
                "{confirmed}",
                &format!("`{}`", words.command("objection --confirmed")),
            )
    };
    let mut out: Vec<String> = ui.steps[..7].iter().map(|t| fill(t, &option)).collect();
    // A second submission covers the other option: content-creation AI when the toggle is not
    // proven off (or the member picked it first, then the rest).
    if form.reported {
        let second = if inputs.include_genai {
            Some(ui.option_other_ai)
        } else if inputs.genai_state != State::Off {
            Some(ui.option_genai)
        } else {
            None
        };
        if let Some(second) = second {
            out.push(fill(ui.second, second));
        }
    }
    out.push(fill(ui.steps[7], &option));
    out.push(fill(ui.steps[8], &option));
    out
}

/// A filled field as the form described it, to ask what it is for.
fn as_field(f: &Filled) -> Field {
    Field {
        name: f.name.clone(),
        label: f.label.clone(),
        kind: f.kind.clone(),
        required: false,
        options: f.options.clone(),
        preset: None,
    }
}
