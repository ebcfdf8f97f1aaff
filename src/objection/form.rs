//! Reading whatever `<form>` the page serves, with a real HTML parser, in one pass: its fields,
//! their labels, a select's options. Text is cleaned and capped as it is read.

use std::collections::HashMap;

use scraper::{ElementRef, Html, Selector};
use serde::Serialize;

use super::fill::{Role, role};
use crate::text;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormOption {
    pub value: String,
    pub text: String,
}

/// One control of the form, as the page describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub label: Option<String>,
    /// `text`, `email`, `url`, `hidden`, `checkbox`, `select`, `textarea`, …
    pub kind: String,
    pub required: bool,
    pub options: Vec<FormOption>,
    /// The value the page itself sets (hidden fields, preset inputs).
    pub preset: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    /// Fields past [`MAX_FIELDS`], counted but not kept.
    pub omitted: usize,
    /// Options past [`MAX_OPTIONS`] in any select, counted but not kept.
    pub omitted_options: usize,
}

/// The most fields a form may show; a page with more is cut (and says so), never echoed whole.
pub const MAX_FIELDS: usize = 200;
/// The most options a select may show, likewise.
pub const MAX_OPTIONS: usize = 200;
/// The most characters kept of a label, an option's text or a preset value.
const MAX_TEXT: usize = 200;

fn squash(text: &str) -> String {
    text::clean_line(text, MAX_TEXT)
}

/// Appends to a buffer that stops growing at a cap, so a page cannot make one label huge.
fn push_capped(buf: &mut String, text: &str) {
    const CAP: usize = 4 * MAX_TEXT;
    if buf.len() < CAP {
        let room = CAP - buf.len();
        let cut = text
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .take_while(|end| *end <= room)
            .last()
            .unwrap_or(0);
        buf.push_str(&text[..cut]);
        buf.push(' ');
    }
}

/// A control as first seen, before labels are resolved.
struct Control<'a> {
    el: &'a scraper::node::Element,
    kind: String,
    /// The innermost label around it.
    wrapping: Option<usize>,
    options: Vec<(Option<String>, String)>,
    omitted_options: usize,
    text: String,
}

/// [`parse_form`] on a thread of its own, giving up after `limit`: HTML parsing is linear for
/// ordinary pages but not for every page a hostile server can write (thousands of nested
/// elements), and a page is never worth a hang.
pub fn parse_form_within(
    html: String,
    limit: std::time::Duration,
) -> Result<Option<Form>, TooSlow> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("form-parser".into())
        .spawn(move || {
            let _ = tx.send(parse_form(&html));
        });
    if spawned.is_err() {
        return Err(TooSlow);
    }
    rx.recv_timeout(limit).map_err(|_| TooSlow)
}

/// A page that took longer to read than it was allowed.
#[derive(Debug)]
pub struct TooSlow;

/// Parses the page's form: the one with a textarea, else the one with the most fields. `None`
/// when the page has no form with named fields. One pass over each form, whatever the page
/// holds: a page of 40,000 inputs and labels parses in about the time it takes to read it.
pub fn parse_form(html: &str) -> Option<Form> {
    let doc = Html::parse_document(html);
    let forms = Selector::parse("form").expect("a valid selector");
    let mut best: Option<(bool, usize, Form)> = None;
    for form in doc.select(&forms) {
        let (has_textarea, count, parsed) = parse_one(form);
        if count == 0 {
            continue;
        }
        let better = match &best {
            None => true,
            Some((t, n, _)) => (has_textarea, count) > (*t, *n),
        };
        if better {
            best = Some((has_textarea, count, parsed));
        }
    }
    best.map(|(_, _, f)| f)
}

fn parse_one(form: ElementRef<'_>) -> (bool, usize, Form) {
    use ego_tree::iter::Edge;
    let mut labels: Vec<String> = Vec::new();
    let mut label_for: HashMap<String, usize> = HashMap::new();
    let mut open_labels: Vec<usize> = Vec::new();
    let mut controls: Vec<Control<'_>> = Vec::new();
    // Text inside these belongs to the control, not to a label around it.
    let mut in_control = 0usize;
    let mut select: Option<usize> = None;
    let mut textarea: Option<usize> = None;
    let mut option_open = false;
    for edge in form.traverse() {
        match edge {
            Edge::Open(node) => {
                if let Some(text) = node.value().as_text() {
                    if in_control == 0
                        && let Some(l) = open_labels.last()
                    {
                        push_capped(&mut labels[*l], text);
                    }
                    if option_open
                        && let Some((_, t)) = select
                            .and_then(|i| controls.get_mut(i))
                            .and_then(|c| c.options.last_mut())
                    {
                        push_capped(t, text);
                    }
                    if let Some(c) = textarea.and_then(|i| controls.get_mut(i)) {
                        push_capped(&mut c.text, text);
                    }
                    continue;
                }
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                match el.name() {
                    "label" => {
                        labels.push(String::new());
                        let idx = labels.len() - 1;
                        if let Some(id) = el.attr("for") {
                            label_for.entry(id.to_string()).or_insert(idx);
                        }
                        open_labels.push(idx);
                    }
                    name @ ("input" | "select" | "textarea") => {
                        if name != "input" {
                            in_control += 1;
                        }
                        let kind = match name {
                            "input" => {
                                squash(&el.attr("type").unwrap_or("text").to_ascii_lowercase())
                            }
                            other => other.to_string(),
                        };
                        let idx = controls.len();
                        controls.push(Control {
                            el,
                            kind,
                            wrapping: open_labels.last().copied(),
                            options: Vec::new(),
                            omitted_options: 0,
                            text: String::new(),
                        });
                        match name {
                            "select" => select = Some(idx),
                            "textarea" => textarea = Some(idx),
                            _ => {}
                        }
                    }
                    "option" => {
                        in_control += 1;
                        if let Some(c) = select.and_then(|i| controls.get_mut(i)) {
                            if c.options.len() < MAX_OPTIONS {
                                c.options
                                    .push((el.attr("value").map(str::to_string), String::new()));
                                option_open = true;
                            } else {
                                c.omitted_options += 1;
                            }
                        }
                    }
                    "button" => in_control += 1,
                    _ => {}
                }
            }
            Edge::Close(node) => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                match el.name() {
                    "label" => {
                        open_labels.pop();
                    }
                    "select" => {
                        in_control = in_control.saturating_sub(1);
                        select = None;
                    }
                    "textarea" => {
                        in_control = in_control.saturating_sub(1);
                        textarea = None;
                    }
                    "option" => {
                        in_control = in_control.saturating_sub(1);
                        option_open = false;
                    }
                    "button" => in_control = in_control.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    let labels: Vec<String> = labels.iter().map(|l| squash(l)).collect();
    let mut fields = Vec::new();
    let mut has_textarea = false;
    let mut count = 0;
    let mut omitted_options = 0;
    for c in controls {
        omitted_options += c.omitted_options;
        let el = c.el;
        let Some(name) = el.attr("name").map(squash).filter(|n| !n.is_empty()) else {
            continue;
        };
        if matches!(
            c.kind.as_str(),
            "submit" | "button" | "image" | "reset" | "file"
        ) {
            continue;
        }
        has_textarea |= c.kind == "textarea";
        count += 1;
        if fields.len() >= MAX_FIELDS {
            continue;
        }
        let by_for = el
            .attr("id")
            .and_then(|id| label_for.get(id))
            .map(|i| labels[*i].clone());
        let label = by_for
            .filter(|l| !l.is_empty())
            .or_else(|| c.wrapping.map(|i| labels[i].clone()))
            .filter(|l| !l.is_empty())
            .or_else(|| el.attr("aria-label").map(squash))
            .or_else(|| el.attr("placeholder").map(squash))
            .filter(|l| !l.is_empty());
        let options = c
            .options
            .into_iter()
            .map(|(value, text)| {
                let text = squash(&text);
                FormOption {
                    value: value.map(|v| squash(&v)).unwrap_or_else(|| text.clone()),
                    text,
                }
            })
            .collect();
        let preset = match c.kind.as_str() {
            "textarea" => {
                Some(text::clean_block(c.text.trim(), 4 * MAX_TEXT)).filter(|t| !t.is_empty())
            }
            "select" | "checkbox" | "radio" => None,
            _ => el.attr("value").map(squash).filter(|v| !v.is_empty()),
        };
        fields.push(Field {
            name,
            label,
            kind: c.kind,
            required: el.attr("required").is_some(),
            options,
            preset,
        });
    }
    let omitted = count - fields.len();
    (
        has_textarea,
        count,
        Form {
            fields,
            omitted,
            omitted_options,
        },
    )
}

/// Whether a parsed form is plausibly the objection form: it must have a field for the kind of
/// objection or for the explanation. An interstitial's or a search box's form is not.
pub fn looks_like_objection_form(form: &Form) -> bool {
    form.fields
        .iter()
        .any(|f| matches!(role(f), Role::ObjectionType | Role::Explanation))
}

/// The fields the contract reports, for when the page cannot be fetched or read.
pub fn fallback_form() -> Form {
    let field = |name: &str, label: &str, kind: &str, options: &[(&str, &str)]| Field {
        name: name.to_string(),
        label: Some(label.to_string()),
        kind: kind.to_string(),
        required: true,
        options: options
            .iter()
            .map(|(v, t)| FormOption {
                value: v.to_string(),
                text: t.to_string(),
            })
            .collect(),
        preset: None,
    };
    Form {
        fields: vec![
            field("name", "Name", "text", &[]),
            field("email", "Email address", "email", &[]),
            field(
                "objection_type",
                "Kind of objection",
                "select",
                &[
                    ("ai_training", "Use of my data for AI model training"),
                    ("other", "Other"),
                ],
            ),
            field("explanation", "Explanation", "textarea", &[]),
        ],
        omitted: 0,
        omitted_options: 0,
    }
}
