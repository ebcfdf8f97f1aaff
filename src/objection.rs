//! The Data Processing Objection Form: read whatever `<form>` LinkedIn serves with a real HTML
//! parser, recognise its fields by label or name, and fill what can be filled from the profile,
//! the user's flags and a template. Nothing here submits anything. Plain data in and out.

use std::collections::HashMap;

use scraper::{ElementRef, Html, Selector};
use serde::Serialize;

use crate::audit::State;
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
}

/// The most fields a form may show; a page with more is cut (and says so), never echoed whole.
pub const MAX_FIELDS: usize = 200;
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
    text: String,
}

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
                            c.options
                                .push((el.attr("value").map(str::to_string), String::new()));
                            option_open = true;
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
    for c in controls {
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
    (has_textarea, count, Form { fields, omitted })
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
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Region {
    /// The EU/EEA: Article 21 GDPR
    Eea,
    /// The United Kingdom: Article 21 UK GDPR
    Uk,
    /// Switzerland: Article 21 GDPR and the Swiss FADP
    Ch,
    /// Elsewhere: the local data protection law
    Other,
}

/// Where a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Profile,
    Template,
    User,
    Page,
    NotFilled,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Profile => "profile",
            Source::Template => "template",
            Source::User => "user",
            Source::Page => "page",
            Source::NotFilled => "not filled",
        }
    }
}

/// A field with the value the tool proposes.
#[derive(Clone, Debug, Serialize)]
pub struct Filled {
    pub name: String,
    pub label: Option<String>,
    pub kind: String,
    pub value: Option<String>,
    /// For a select: the chosen option's text.
    pub choice: Option<String>,
    pub source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FormOption>,
}

/// Everything the filling draws on.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub name: Option<String>,
    pub public_id: Option<String>,
    pub email: Option<String>,
    /// `--type`: text naming one of the select's options.
    pub objection_type: Option<String>,
    pub region: Option<Region>,
    pub reason: Option<String>,
    pub include_genai: bool,
    /// The generative-AI toggle, from a fresh audit.
    pub genai_state: State,
}

impl Inputs {
    pub fn profile_url(&self) -> Option<String> {
        self.public_id
            .as_ref()
            .map(|p| format!("https://www.linkedin.com/in/{p}"))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Role {
    FullName,
    FirstName,
    LastName,
    Email,
    ProfileUrl,
    ObjectionType,
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

fn role(f: &Field) -> Role {
    let hay = format!(
        "{} {}",
        f.label.as_deref().unwrap_or_default().to_lowercase(),
        words(&f.name)
    );
    let has = |w: &str| hay.contains(w);
    match f.kind.as_str() {
        "hidden" | "checkbox" | "radio" | "password" => Role::Other,
        "textarea" => Role::Explanation,
        "select" if has("countr") || has("region") || has("language") => Role::Other,
        "select"
            if has("object") || has("type") || has("request") || has("category") || has("kind") =>
        {
            Role::ObjectionType
        }
        "email" => Role::Email,
        _ if has("email") || has("e-mail") => Role::Email,
        _ if f.kind == "url" || (has("profile") && (has("url") || has("link"))) => Role::ProfileUrl,
        "select" => Role::Other,
        _ if has("first") && has("last") => Role::FullName,
        _ if has("first") && has("name") => Role::FirstName,
        _ if (has("last") || has("surname") || has("family")) && has("name") => Role::LastName,
        _ if has("name") => Role::FullName,
        _ => Role::Other,
    }
}

/// How well an option matches "AI / machine learning / personalisation".
fn score(option: &FormOption, include_genai: bool) -> i32 {
    let t = format!("{} {}", option.text, option.value).to_lowercase();
    let mut s = 0;
    for (needle, points) in [
        ("machine learning", 3),
        ("machine-learning", 3),
        ("personali", 2),
        ("recommend", 1),
        ("moderat", 1),
        ("artificial intelligence", 1),
        ("profiling", 1),
    ] {
        if t.contains(needle) {
            s += points;
        }
    }
    if t.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "ai" || w == "ml")
    {
        s += 1;
    }
    if t.contains("generative") || t.contains("content-generating") || t.contains("genai") {
        s += if include_genai { 1 } else { -2 };
    }
    s
}

/// Picks the option for the kind of objection: the one `--type` names, else the best match for
/// AI/ML personalisation, else "Other".
fn choose<'o>(
    options: &'o [FormOption],
    inputs: &Inputs,
) -> Result<Option<(&'o FormOption, Source)>, String> {
    let real: Vec<&FormOption> = options.iter().filter(|o| !o.value.is_empty()).collect();
    if let Some(wanted) = &inputs.objection_type {
        let w = wanted.trim().to_lowercase();
        if w.is_empty() {
            return Err("--type is empty: give part of one option's text".to_string());
        }
        let exact = real
            .iter()
            .find(|o| o.value.to_lowercase() == w || o.text.to_lowercase() == w);
        let partial = real
            .iter()
            .find(|o| o.value.to_lowercase().contains(&w) || o.text.to_lowercase().contains(&w));
        return match exact.or(partial) {
            Some(o) => Ok(Some((o, Source::User))),
            None => {
                let mut listed: Vec<String> = real
                    .iter()
                    .take(10)
                    .map(|o| format!("{:?}", o.text))
                    .collect();
                if real.len() > 10 {
                    listed.push(format!("and {} more", real.len() - 10));
                }
                Err(format!(
                    "--type {wanted:?} names none of the form's options: {}",
                    listed.join(", ")
                ))
            }
        };
    }
    let best = real
        .iter()
        .map(|o| (score(o, inputs.include_genai), *o))
        .max_by_key(|(s, _)| *s);
    Ok(match best {
        Some((s, o)) if s > 0 => Some((o, Source::Template)),
        _ => real
            .iter()
            .find(|o| {
                o.text.to_lowercase().starts_with("other") || o.value.eq_ignore_ascii_case("other")
            })
            .map(|o| (*o, Source::Template)),
    })
}

/// The explanation, from the template.
pub fn explanation(i: &Inputs) -> String {
    let law = match i.region {
        Some(Region::Eea) => "Article 21 of the General Data Protection Regulation (GDPR)",
        Some(Region::Uk) => "Article 21 of the UK GDPR",
        Some(Region::Ch) => "Article 21 GDPR and the Swiss Federal Act on Data Protection",
        Some(Region::Other) | None => "the data protection law that applies to me",
    };
    let genai = if i.include_genai {
        ", and the use of my data to train generative AI models that create content"
    } else {
        ""
    };
    let mut parts = vec![
        "Dear LinkedIn Data Protection team,".to_string(),
        format!(
            "I object to LinkedIn's processing of my personal data for artificial intelligence and machine learning that LinkedIn bases on its legitimate interests: the non-generative models used to personalise my feed, recommendations and advertising, to moderate content, and to infer characteristics about me such as my age and gender{genai}."
        ),
        format!(
            "I make this objection under {law}. Please stop this processing of my personal data, confirm in writing when you have done so, and tell me which processing, if any, you consider you may continue, and on what grounds."
        ),
    ];
    match i.genai_state {
        State::Off => parts.push(
            "I have already turned off the setting \"Use my data for training content creation AI models\" (Settings > Data privacy); this objection covers the processing that setting does not.".to_string(),
        ),
        State::On => parts.push(format!(
            "The setting \"Use my data for training content creation AI models\" is still on in my account{}.",
            if i.include_genai { "; my objection covers that use of my data too" } else { "" }
        )),
        State::NotOffered | State::Unknown => {}
    }
    if let Some(reason) = i.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        parts.push(format!("In my own words: {reason}"));
    }
    let mut who = i.name.clone().unwrap_or_default();
    if let Some(url) = i.profile_url() {
        who = format!("{who}\n{url}").trim().to_string();
    }
    parts.push(format!("Kind regards,\n{who}").trim().to_string());
    parts.join("\n\n")
}

/// Fills the form. `Err` when `--type` names no option.
pub fn fill(form: &Form, i: &Inputs) -> Result<Vec<Filled>, String> {
    let text = explanation(i);
    let (first, last) = match i.name.as_deref().and_then(|n| n.split_once(' ')) {
        Some((f, l)) => (Some(f.to_string()), Some(l.to_string())),
        None => (i.name.clone(), None),
    };
    let from = |v: Option<String>, s: Source| match v {
        Some(v) => (Some(v), s),
        None => (None, Source::NotFilled),
    };
    let mut out = Vec::with_capacity(form.fields.len());
    let mut explained = false;
    for f in &form.fields {
        let mut choice = None;
        let (value, source) = match role(f) {
            Role::FullName => from(i.name.clone(), Source::Profile),
            Role::FirstName => from(first.clone(), Source::Profile),
            Role::LastName => from(last.clone(), Source::Profile),
            Role::Email => from(i.email.clone(), Source::User),
            Role::ProfileUrl => from(i.profile_url(), Source::Profile),
            Role::ObjectionType => match choose(&f.options, i)? {
                Some((o, s)) => {
                    choice = Some(o.text.clone());
                    (Some(o.value.clone()), s)
                }
                None => (None, Source::NotFilled),
            },
            // One explanation: a second free-text box is left to the person.
            Role::Explanation if !explained => {
                explained = true;
                (Some(text.clone()), Source::Template)
            }
            _ if f.kind == "hidden" => from(f.preset.clone(), Source::Page),
            _ => (None, Source::NotFilled),
        };
        out.push(Filled {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: f.kind.clone(),
            value,
            choice,
            source,
            options: f.options.clone(),
        });
    }
    Ok(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A standalone page mirroring the form with the values filled and a copy button per field.
pub fn html_page(url: &str, fields: &[Filled]) -> String {
    let mut rows = String::new();
    for (n, f) in fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind != "hidden")
    {
        let label = escape(f.label.as_deref().unwrap_or(&f.name));
        let shown = f
            .choice
            .clone()
            .or_else(|| f.value.clone())
            .unwrap_or_default();
        let control = if f.kind == "textarea" {
            format!(
                "<textarea id=\"f{n}\" readonly rows=\"14\">{}</textarea>",
                escape(&shown)
            )
        } else {
            format!("<input id=\"f{n}\" readonly value=\"{}\">", escape(&shown))
        };
        let button = if f.value.is_some() {
            format!("<button type=\"button\" data-copy=\"f{n}\">Copy</button>")
        } else {
            "<span class=\"todo\">fill this in yourself</span>".to_string()
        };
        rows.push_str(&format!(
            "<div class=\"field\"><label for=\"f{n}\">{label}</label>\n<div class=\"row\">{control}{button}</div>\n<small>{} &middot; <code>{}</code></small></div>\n",
            escape(f.source.as_str()),
            escape(&f.name)
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LinkedIn Data Processing Objection Form, pre-filled</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2226; }}
.field {{ margin: 1.2rem 0; }}
label {{ display: block; font-weight: 600; }}
.row {{ display: flex; gap: .5rem; align-items: flex-start; }}
input, textarea {{ flex: 1; font: inherit; padding: .4rem; border: 1px solid #8c8c8c; border-radius: 4px; }}
button {{ font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #0a66c2; background: #0a66c2; color: white; cursor: pointer; }}
small {{ color: #56687a; }}
.todo {{ color: #b24020; }}
</style>
</head>
<body>
<h1>Data Processing Objection Form, pre-filled</h1>
<p>Open <a href="{url}" target="_blank" rel="noopener">LinkedIn's form</a> and copy each value into it.
This page submits nothing; only you send the form.</p>
{rows}<script>
document.querySelectorAll("button[data-copy]").forEach(function (b) {{
  b.addEventListener("click", function () {{
    var el = document.getElementById(b.dataset.copy);
    navigator.clipboard.writeText(el.value).then(function () {{ b.textContent = "Copied"; }});
  }});
}});
</script>
</body>
</html>
"#,
        url = escape(url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::fixtures::embedded;

    fn inputs() -> Inputs {
        Inputs {
            name: Some("Ada Lovelace".into()),
            public_id: Some("ada-lovelace".into()),
            email: Some("ada@example.com".into()),
            objection_type: None,
            region: Some(Region::Eea),
            reason: None,
            include_genai: false,
            genai_state: State::Off,
        }
    }

    fn by_name<'a>(filled: &'a [Filled], name: &str) -> &'a Filled {
        filled.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn the_main_form_is_read_with_labels_and_options() {
        let form = parse_form(embedded("forms/ts-dpro.html").unwrap()).unwrap();
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "csrfToken",
                "formId",
                "fullName",
                "emailAddress",
                "country",
                "objectionType",
                "objectionDetails",
                "confirmAccuracy"
            ]
        );
        let t = &form.fields[5];
        assert_eq!(
            t.label.as_deref(),
            Some("What would you like to object to?")
        );
        assert_eq!(t.options.len(), 5);
        assert_eq!(form.fields[1].preset.as_deref(), Some("TS-DPRO"));
        let filled = fill(&form, &inputs()).unwrap();
        assert_eq!(
            by_name(&filled, "fullName").value.as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(by_name(&filled, "emailAddress").source, Source::User);
        assert_eq!(
            by_name(&filled, "objectionType").value.as_deref(),
            Some("AI_ML_PERSONALIZATION")
        );
        assert_eq!(
            by_name(&filled, "objectionDetails").source,
            Source::Template
        );
        assert_eq!(by_name(&filled, "formId").source, Source::Page);
        assert_eq!(by_name(&filled, "country").source, Source::NotFilled);
        assert_eq!(
            by_name(&filled, "confirmAccuracy").source,
            Source::NotFilled
        );
    }

    #[test]
    fn the_reordered_form_with_wrapping_labels() {
        let form = parse_form(embedded("forms/ts-dpro.reordered.html").unwrap()).unwrap();
        let filled = fill(&form, &inputs()).unwrap();
        let cat = by_name(&filled, "request_category");
        assert_eq!(cat.label.as_deref(), Some("Type of request"));
        assert_eq!(cat.value.as_deref(), Some("ml"));
        assert_eq!(
            by_name(&filled, "requester_name").value.as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(
            by_name(&filled, "contact_email").value.as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(
            by_name(&filled, "profile_url").value.as_deref(),
            Some("https://www.linkedin.com/in/ada-lovelace")
        );
        assert_eq!(by_name(&filled, "phone").source, Source::NotFilled);
        assert!(
            by_name(&filled, "additional_information")
                .value
                .as_deref()
                .unwrap()
                .contains("Article 21")
        );
    }

    #[test]
    fn type_flag_picks_an_option_or_says_which_exist() {
        let form = parse_form(embedded("forms/ts-dpro.html").unwrap()).unwrap();
        let mut i = inputs();
        i.objection_type = Some("other".into());
        let filled = fill(&form, &i).unwrap();
        let t = by_name(&filled, "objectionType");
        assert_eq!(
            (t.value.as_deref(), t.source),
            (Some("OTHER"), Source::User)
        );
        i.objection_type = Some("astrology".into());
        let err = fill(&form, &i).unwrap_err();
        assert!(err.contains("Direct marketing"), "{err}");
        // With --include-genai the generative option is no longer penalised, but personalisation still wins.
        let mut i = inputs();
        i.include_genai = true;
        assert_eq!(
            by_name(&fill(&form, &i).unwrap(), "objectionType")
                .value
                .as_deref(),
            Some("AI_ML_PERSONALIZATION")
        );
    }

    #[test]
    fn the_template_follows_region_toggle_and_reason() {
        let mut i = inputs();
        let t = explanation(&i);
        assert!(t.contains("Article 21 of the General Data Protection Regulation"));
        assert!(t.contains("age and gender"));
        assert!(t.contains("already turned off"));
        assert!(!t.contains("generative AI models that create content"));
        i.region = None;
        i.genai_state = State::On;
        i.include_genai = true;
        i.reason = Some("I never agreed to this.".into());
        let t = explanation(&i);
        assert!(t.contains("the data protection law that applies to me"));
        assert!(
            t.contains("is still on in my account; my objection covers that use of my data too")
        );
        assert!(t.contains("train generative AI models"));
        assert!(t.contains("In my own words: I never agreed to this."));
        assert!(!t.contains("already turned off"));
        i.genai_state = State::Unknown;
        let t = explanation(&i);
        assert!(!t.contains("already turned off") && !t.contains("still on"));
        i.region = Some(Region::Uk);
        assert!(explanation(&i).contains("UK GDPR"));
    }

    #[test]
    fn pages_without_a_form_give_none_and_the_fallback_has_the_reported_fields() {
        assert_eq!(
            parse_form("<html><body><p>Page not found</p></body></html>"),
            None
        );
        let interstitial = parse_form(embedded("pages/interstitial.html").unwrap()).unwrap();
        assert!(!looks_like_objection_form(&interstitial));
        for page in ["forms/ts-dpro.html", "forms/ts-dpro.reordered.html"] {
            assert!(looks_like_objection_form(
                &parse_form(embedded(page).unwrap()).unwrap()
            ));
        }
        let filled = fill(&fallback_form(), &inputs()).unwrap();
        assert!(filled.iter().all(|f| f.value.is_some()), "{filled:?}");
    }

    #[test]
    fn the_html_page_escapes_values() {
        let mut i = inputs();
        i.reason = Some("<script>alert(1)</script> & \"quotes\"".into());
        let filled = fill(&fallback_form(), &i).unwrap();
        let page = html_page(
            "https://www.linkedin.com/help/linkedin/ask/TS-DPRO",
            &filled,
        );
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assert_eq!(page.matches("data-copy=").count(), 4);
    }
}
