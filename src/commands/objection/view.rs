//! What `objection` prints: the walk through LinkedIn's form, the values to paste in the order
//! the form asks, and the letter as one block (never wrapped: it is pasted).

use serde::Serialize;

use crate::objection::{Filled, Lang, Source};
use crate::output::{Csv, Style, View, Words};
use crate::report::{Identity, State};

#[derive(Serialize)]
pub struct Prefilled {
    pub schema: u32,
    pub tool: crate::report::Tool,
    pub form_url: String,
    pub lang: Lang,
    /// Whether the fields come from a form in the page itself (else: the fields LinkedIn is
    /// reported to ask for, the normal case for a page rendered in the browser).
    pub fetched: bool,
    /// Why the page could not be used, when something was wrong with it.
    pub note: Option<String>,
    pub account: Identity,
    pub generative_ai_training: State,
    pub fields: Vec<Filled>,
    pub unfilled: Vec<String>,
    /// The walk through the form, numbered in this order.
    pub steps: Vec<String>,
    /// The letter.
    pub text: String,
    pub html_file: Option<String>,
}

impl View for Prefilled {
    fn table(&self, s: &Style, _: &Words) -> String {
        let ui = crate::objection::ui::ui(self.lang);
        let mut out = String::new();
        if let Some(n) = &self.note {
            out.push_str(&s.wrap(&format!("{} {n}", s.yellow("Note:")), "  "));
            out.push_str("\n\n");
        }
        out.push_str(&s.bold(&format!("{}:", ui.walk)));
        out.push('\n');
        for (n, step) in self.steps.iter().enumerate() {
            let lead = format!("{:>2}. ", n + 1);
            let indent = " ".repeat(lead.len());
            out.push_str(&s.wrap(&format!("{lead}{step}"), &indent));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&s.bold(&format!("{}:", ui.values)));
        out.push('\n');
        for f in self.fields.iter().filter(|f| f.kind != "hidden") {
            let label = crate::text::clean_line(f.label.as_deref().unwrap_or(&f.name), 80);
            let shown = f.choice.clone().or_else(|| f.value.clone());
            let value = match (f.kind.as_str(), shown) {
                ("checkbox", _) => ui.tick.to_string(),
                ("textarea", Some(_)) => format!("({})", ui.below),
                ("select" | "radio", Some(v)) => format!("{}: {v}", ui.pick),
                (_, Some(v)) => v,
                (_, None) => s.yellow(&format!("({})", ui.yourself)),
            };
            out.push_str(&s.wrap(&format!("  {label}: {value}"), "      "));
            out.push('\n');
        }
        // The letter is not wrapped: it is pasted into the form, where line breaks a
        // terminal's width put in would stay.
        out.push_str(&format!(
            "\n{}\n\n{}\n\n",
            s.bold(&format!("{}:", ui.letter)),
            self.text
        ));
        if let Some(file) = &self.html_file {
            out.push_str(&s.wrap(
                &format!("Wrote {file}: the same, with a copy button per value."),
                "",
            ));
            out.push('\n');
        }
        out.push_str(&s.wrap(ui.nothing_sent, ""));
        out.push('\n');
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize, Default)]
        struct Row<'a> {
            form_url: &'a str,
            name: &'a str,
            label: Option<&'a str>,
            kind: &'a str,
            value: Option<&'a str>,
            choice: Option<&'a str>,
            source: &'a str,
        }
        csv.header_of::<Row<'_>>();
        for f in &self.fields {
            csv.row(&Row {
                form_url: &self.form_url,
                name: &f.name,
                label: f.label.as_deref(),
                kind: &f.kind,
                value: f.value.as_deref(),
                choice: f.choice.as_deref(),
                source: f.source.as_str(),
            });
        }
    }
}

/// `--letter-only`: the letter and nothing else.
#[derive(Serialize)]
pub struct LetterOnly {
    pub schema: u32,
    pub tool: crate::report::Tool,
    pub lang: Lang,
    pub text: String,
}

impl View for LetterOnly {
    fn table(&self, _: &Style, _: &Words) -> String {
        format!("{}\n", self.text)
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            lang: &'a str,
            text: &'a str,
        }
        csv.row(&Row {
            lang: self.lang.code(),
            text: &self.text,
        });
    }
}

/// The fields the member still fills in themself.
pub fn unfilled(fields: &[Filled]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.source == Source::NotFilled && f.kind != "checkbox")
        .map(|f| f.label.clone().unwrap_or_else(|| f.name.clone()))
        .collect()
}
