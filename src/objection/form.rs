//! Reading whatever `<form>` the page serves, in one linear pass of an HTML tokenizer: its
//! fields, their labels, a select's options. Text is cleaned and capped as it is read, and only
//! what is kept takes memory.

use std::collections::HashMap;

use serde::Serialize;

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
    /// The fields LinkedIn is reported to ask for (no form was found in the page), with the
    /// tool's own option values.
    pub reported: bool,
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

/// The most labels one form keeps (each at most 800 characters): a page cannot make the
/// parse hold more than it shows.
const MAX_LABELS: usize = 4 * MAX_FIELDS;

/// A page that took longer to read than it was allowed.
pub use crate::html::TooSlow;

/// [`parse_form`], giving up after `limit`. The parse is linear in the page (a tokenizer, no
/// tree), but a page is never worth more than its time.
pub fn parse_form_within(html: &str, limit: std::time::Duration) -> Result<Option<Form>, TooSlow> {
    parse(html, Some(std::time::Instant::now() + limit))
}

/// Parses the page's form: the one with a textarea, else the one with the most fields. `None`
/// when the page has no form with named fields. One pass over the page, a bounded chunk at a
/// time; only the best form so far and the one being read are held, each with at most
/// [`MAX_FIELDS`] fields.
pub fn parse_form(html: &str) -> Option<Form> {
    parse(html, None).unwrap_or(None)
}

fn parse(html: &str, deadline: Option<std::time::Instant>) -> Result<Option<Form>, TooSlow> {
    let mut best: Option<(bool, usize, Form)> = None;
    let mut current: Option<Reading> = None;
    let finish = |reading: Reading, best: &mut Option<(bool, usize, Form)>| {
        let (has_textarea, count, form) = reading.finish();
        if count == 0 {
            return;
        }
        let better = match best {
            None => true,
            Some((t, n, _)) => (has_textarea, count) > (*t, *n),
        };
        if better {
            *best = Some((has_textarea, count, form));
        }
    };
    crate::html::scan(html, deadline, |event| match (&mut current, event) {
        (None, crate::html::Event::Start { name: "form", .. }) => {
            current = Some(Reading::default())
        }
        (None, _) => {}
        (Some(_), crate::html::Event::End { name: "form" }) => {
            if let Some(r) = current.take() {
                finish(r, &mut best);
            }
        }
        (Some(r), event) => r.event(event),
    })?;
    if let Some(r) = current.take() {
        // A form the page never closed ends with the page, as a browser reads it.
        finish(r, &mut best);
    }
    Ok(best.map(|(_, _, f)| f))
}

/// A control as first seen, before labels are resolved.
struct Control {
    name: Option<String>,
    id: Option<String>,
    kind: String,
    required: bool,
    aria_label: Option<String>,
    placeholder: Option<String>,
    value: Option<String>,
    /// The innermost label around it.
    wrapping: Option<usize>,
    options: Vec<(Option<String>, String)>,
    omitted_options: usize,
    text: String,
}

/// One form being read.
#[derive(Default)]
struct Reading {
    labels: Vec<String>,
    label_for: HashMap<String, usize>,
    /// Labels open around the current point; `None` for one past [`MAX_LABELS`].
    open_labels: Vec<Option<usize>>,
    controls: Vec<Control>,
    /// Named fields past [`MAX_FIELDS`], counted but not kept.
    omitted: usize,
    /// Named fields kept.
    kept: usize,
    /// A select (`true`) or textarea (`false`) that is not kept, open: its end closes nothing
    /// kept.
    skipped_control: Option<bool>,
    has_textarea: bool,
    /// Text inside these belongs to the control, not to a label around it.
    in_control: usize,
    select: Option<usize>,
    textarea: Option<usize>,
    option_open: bool,
}

/// Whether a control of this kind is a field a person fills (buttons are not).
fn is_field(kind: &str) -> bool {
    !matches!(kind, "submit" | "button" | "image" | "reset" | "file")
}

impl Reading {
    fn event(&mut self, event: crate::html::Event<'_>) {
        use crate::html::{Event, attr};
        match event {
            Event::Text(text) => {
                if self.in_control == 0
                    && let Some(Some(l)) = self.open_labels.last()
                {
                    push_capped(&mut self.labels[*l], text);
                }
                if self.option_open
                    && let Some((_, t)) = self
                        .select
                        .and_then(|i| self.controls.get_mut(i))
                        .and_then(|c| c.options.last_mut())
                {
                    push_capped(t, text);
                }
                if let Some(c) = self.textarea.and_then(|i| self.controls.get_mut(i)) {
                    push_capped(&mut c.text, text);
                }
            }
            Event::Start { name, tag } => match name {
                "label" => {
                    if self.labels.len() < MAX_LABELS {
                        self.labels.push(String::new());
                        let idx = self.labels.len() - 1;
                        if let Some(id) = attr(tag, "for") {
                            self.label_for.entry(squash(id)).or_insert(idx);
                        }
                        self.open_labels.push(Some(idx));
                    } else {
                        self.open_labels.push(None);
                    }
                }
                "input" | "select" | "textarea" => {
                    // A select or textarea left open ends where the next control starts, as a
                    // browser's parser closes it.
                    self.close_select();
                    let kind = match name {
                        "input" => {
                            squash(&attr(tag, "type").unwrap_or("text").to_ascii_lowercase())
                        }
                        other => other.to_string(),
                    };
                    let named = attr(tag, "name").map(squash).filter(|n| !n.is_empty());
                    let keep = named.is_some() && is_field(&kind);
                    // Only fields are kept, and at most MAX_FIELDS of them: a page of a million
                    // inputs costs a counter, not a million controls.
                    if !keep || self.kept >= MAX_FIELDS {
                        if keep {
                            self.omitted += 1;
                        }
                        if name != "input" && !tag.self_closing {
                            self.in_control += 1;
                            self.skipped_control = Some(name == "select");
                        }
                        return;
                    }
                    self.kept += 1;
                    if kind == "textarea" && keep {
                        self.has_textarea = true;
                    }
                    let idx = self.controls.len();
                    self.controls.push(Control {
                        name: named,
                        id: attr(tag, "id").map(squash),
                        kind,
                        required: attr(tag, "required").is_some(),
                        aria_label: attr(tag, "aria-label").map(squash),
                        placeholder: attr(tag, "placeholder").map(squash),
                        value: attr(tag, "value").map(squash),
                        wrapping: self.open_labels.last().copied().flatten(),
                        options: Vec::new(),
                        omitted_options: 0,
                        text: String::new(),
                    });
                    if name != "input" && !tag.self_closing {
                        self.in_control += 1;
                        match name {
                            "select" => self.select = Some(idx),
                            _ => self.textarea = Some(idx),
                        }
                    }
                }
                "option" => {
                    self.close_option();
                    self.in_control += 1;
                    self.option_open = true;
                    if let Some(c) = self.select.and_then(|i| self.controls.get_mut(i)) {
                        if c.options.len() < MAX_OPTIONS {
                            c.options
                                .push((attr(tag, "value").map(squash), String::new()));
                        } else {
                            c.omitted_options += 1;
                            self.option_open = false;
                            self.in_control -= 1;
                        }
                    }
                }
                "optgroup" => self.close_option(),
                "button" => self.in_control += 1,
                _ => {}
            },
            Event::End { name } => match name {
                "label" => {
                    self.open_labels.pop();
                }
                "select" | "textarea" if self.skipped_control.is_some() => {
                    self.skipped_control = None;
                    self.in_control = self.in_control.saturating_sub(1);
                }
                "select" => self.close_select(),
                "textarea" if self.textarea.take().is_some() => {
                    self.in_control = self.in_control.saturating_sub(1);
                }
                "option" => self.close_option(),
                "button" => self.in_control = self.in_control.saturating_sub(1),
                _ => {}
            },
        }
    }

    fn close_option(&mut self) {
        if self.option_open {
            self.option_open = false;
            self.in_control = self.in_control.saturating_sub(1);
        }
    }

    fn close_select(&mut self) {
        self.close_option();
        if self.skipped_control.take().is_some() {
            self.in_control = self.in_control.saturating_sub(1);
        }
        if self.select.take().is_some() {
            self.in_control = self.in_control.saturating_sub(1);
        }
        if self.textarea.take().is_some() {
            self.in_control = self.in_control.saturating_sub(1);
        }
    }

    fn finish(self) -> (bool, usize, Form) {
        let labels: Vec<String> = self.labels.iter().map(|l| squash(l)).collect();
        let mut fields = Vec::new();
        let mut count = self.omitted;
        let mut omitted_options = 0;
        for c in self.controls {
            omitted_options += c.omitted_options;
            let Some(name) = c.name else { continue };
            if !is_field(&c.kind) {
                continue;
            }
            count += 1;
            let by_for =
                c.id.as_ref()
                    .and_then(|id| self.label_for.get(id))
                    .map(|i| labels[*i].clone());
            let label = by_for
                .filter(|l| !l.is_empty())
                .or_else(|| c.wrapping.map(|i| labels[i].clone()))
                .filter(|l| !l.is_empty())
                .or(c.aria_label)
                .or(c.placeholder)
                .filter(|l| !l.is_empty());
            let options = c
                .options
                .into_iter()
                .map(|(value, text)| {
                    let text = squash(&text);
                    FormOption {
                        value: value.unwrap_or_else(|| text.clone()),
                        text,
                    }
                })
                .collect();
            let preset = match c.kind.as_str() {
                "textarea" => {
                    Some(text::clean_block(c.text.trim(), 4 * MAX_TEXT)).filter(|t| !t.is_empty())
                }
                "select" | "checkbox" | "radio" => None,
                _ => c.value.filter(|v| !v.is_empty()),
            };
            fields.push(Field {
                name,
                label,
                kind: c.kind,
                required: c.required,
                options,
                preset,
            });
        }
        (
            self.has_textarea,
            count,
            Form {
                reported: false,
                fields,
                omitted: self.omitted,
                omitted_options,
            },
        )
    }
}

/// What a field is for, recognised from its kind, its label and its name.
#[derive(Debug, PartialEq, Eq)]
pub enum Role {
    FullName,
    FirstName,
    LastName,
    Email,
    ProfileUrl,
    ObjectionType,
    Country,
    Explanation,
    Other,
}

/// `fullName` -> `full name`, `contact_email` -> `contact email`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(if c == '_' || c == '-' { ' ' } else { c });
    }
    out.to_lowercase()
}

pub fn role(f: &Field) -> Role {
    let hay = format!(
        "{} {}",
        f.label.as_deref().unwrap_or_default().to_lowercase(),
        words(&f.name)
    );
    let has = |w: &str| hay.contains(w);
    match f.kind.as_str() {
        "hidden" | "checkbox" | "radio" | "password" => Role::Other,
        "textarea" => Role::Explanation,
        "select" if has("countr") || has("region") => Role::Country,
        "select" if has("language") => Role::Other,
        "select"
            if has("object") || has("type") || has("request") || has("category") || has("kind") =>
        {
            Role::ObjectionType
        }
        "email" => Role::Email,
        _ if has("email") || has("e-mail") => Role::Email,
        _ if f.kind == "url" || (has("profile") && (has("url") || has("link"))) => Role::ProfileUrl,
        "select" => Role::Other,
        _ if has("country") => Role::Country,
        _ if has("first") && has("last") => Role::FullName,
        _ if has("first") && has("name") => Role::FirstName,
        _ if (has("last") || has("surname") || has("family")) && has("name") => Role::LastName,
        _ if has("name") => Role::FullName,
        _ => Role::Other,
    }
}

/// Whether a parsed form is plausibly the objection form: it must have a field for the kind of
/// objection or for the explanation. An interstitial's or a search box's form is not.
pub fn looks_like_objection_form(form: &Form) -> bool {
    form.fields
        .iter()
        .any(|f| matches!(role(f), Role::ObjectionType | Role::Explanation))
}

/// The fields the contract reports, for when the page cannot be fetched or read.
/// The option values of [`fallback_form`]'s list.
pub const OPTION_CONTENT_AI: &str = "content_ai";
pub const OPTION_OTHER_AI: &str = "other_ai";

/// The fields LinkedIn's form is reported to ask for (the page is rendered in the browser, so
/// the page the server sends holds none), labelled in `lang`; since 2025 its list holds an
/// option for content-creation AI training, and a confirmation checkbox follows the choice.
pub fn fallback_form(lang: super::Lang) -> Form {
    let ui = super::ui::ui(lang);
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
            field("name", ui.name, "text", &[]),
            field("email", ui.email, "email", &[]),
            field("country", ui.country, "text", &[]),
            field(
                "objection_type",
                ui.object_to,
                "select",
                &[
                    (OPTION_OTHER_AI, ui.option_other_ai),
                    (OPTION_CONTENT_AI, ui.option_genai),
                    ("other", ui.option_other),
                ],
            ),
            field("explanation", ui.letter, "textarea", &[]),
            field("confirm", ui.confirm, "checkbox", &[]),
        ],
        omitted: 0,
        omitted_options: 0,
        reported: true,
    }
}
