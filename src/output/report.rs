//! How a [`Report`] looks to people (a table, the notes, one verdict sentence) and in CSV. JSON
//! is the report's own `Serialize`.

use comfy_table::Color;

use super::{Style, View, Words};
use crate::report::{
    Advice, Change, Identity, PlannedWrite, Previous, Report, SettingRow, State, Verdict,
};

/// The CSV columns of a report: the account's fields repeated on each setting's row.
pub const CSV_HEADER: &[&str] = &[
    "profile",
    "name",
    "public_id",
    "checked_at",
    "verdict",
    "id",
    "title",
    "state",
    "private",
    "reason",
    "reason_code",
    "url",
    "error_kind",
    "error_message",
    "label",
    "previous_state",
    "previous_checked_at",
];

/// The member, for the heading: the last stop before the terminal, so cleaned again.
fn who(account: &Identity) -> String {
    let clean = |t: &str| crate::text::clean_line(t, 100);
    match (&account.name, &account.public_id) {
        (Some(n), Some(p)) => format!("{} ({})", clean(n), clean(p)),
        (Some(n), None) => clean(n),
        (None, _) => "this session".to_string(),
    }
}

impl View for Report {
    fn table(&self, s: &Style, w: &Words) -> String {
        let what = if self.changes.is_some() || self.planned.is_some() {
            "LinkedIn privacy opt-out for"
        } else {
            "LinkedIn privacy audit for"
        };
        let mut out = format!(
            "{} {}, checked {}\n",
            s.bold(what),
            who(&self.account),
            self.checked_at
        );
        if let Some(profile) = &self.account.profile {
            out.push_str(&format!("profile: {profile}\n"));
        }
        let mut table = s.table(&["Setting", "State", "Private?", "What to do", "Page"]);
        for row in &self.settings {
            let (private, color) = match row.private {
                Some(true) => ("yes", Some(Color::Green)),
                Some(false) => ("NO", Some(Color::Red)),
                None if row.state == State::Unknown => ("?", Some(Color::Yellow)),
                None => ("-", None),
            };
            let state = match &row.previous {
                Some(p) => format!("{}\n(was {})", row.state.as_str(), p.state.as_str()),
                None => row.state.as_str().to_string(),
            };
            table.add_row(vec![
                s.cell(&format!("{}\n{}", row.title, row.id), None),
                s.cell(&state, color),
                s.cell(private, color),
                s.cell(&w.advice(&row.advice), None),
                s.cell(&row.url, None),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        let notes: Vec<String> = self
            .settings
            .iter()
            .filter_map(|r| {
                r.previous
                    .as_ref()
                    .map(|p| format!("  {}: {}", r.id, was(p, r.state)))
            })
            .chain(
                self.settings
                    .iter()
                    .filter_map(|r| r.reason.as_ref().map(|why| format!("  {}: {why}", r.id))),
            )
            .collect();
        if !notes.is_empty() {
            out.push_str(&format!("{}\n{}\n", s.bold("Notes:"), notes.join("\n")));
        }
        if let Some(changes) = &self.changes
            && !changes.is_empty()
        {
            out.push_str(&changes_table(s, changes));
        }
        if let Some(planned) = &self.planned {
            out.push_str(&planned_requests(s, planned));
        }
        out.push_str(&verdict_sentence(self, s, w));
        out.push('\n');
        out
    }

    fn csv_header(&self) -> Vec<&'static str> {
        CSV_HEADER.to_vec()
    }

    fn csv_rows(&self) -> Vec<Vec<String>> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let account = vec![
            opt(&self.account.profile),
            opt(&self.account.name),
            opt(&self.account.public_id),
            self.checked_at.clone(),
            self.verdict.as_str().to_string(),
        ];
        let (kind, message) = self
            .error
            .as_ref()
            .map(|e| (e.kind.clone(), e.message.clone()))
            .unwrap_or_default();
        let label = opt(&self.account.label);
        if self.settings.is_empty() {
            let mut row = account;
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.extend([kind, message, label, String::new(), String::new()]);
            return vec![row];
        }
        self.settings
            .iter()
            .map(|r| {
                let mut row = account.clone();
                row.extend([
                    r.id.clone(),
                    r.title.clone(),
                    r.state.as_str().to_string(),
                    r.private.map(|p| p.to_string()).unwrap_or_default(),
                    opt(&r.reason),
                    r.reason_code
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_default(),
                    r.url.clone(),
                    kind.clone(),
                    message.clone(),
                    label.clone(),
                    r.previous
                        .as_ref()
                        .map(|p| p.state.as_str().to_string())
                        .unwrap_or_default(),
                    r.previous
                        .as_ref()
                        .map(|p| p.checked_at.clone())
                        .unwrap_or_default(),
                ]);
                row
            })
            .collect()
    }
}

fn changes_table(s: &Style, changes: &[Change]) -> String {
    let mut table = s.table(&[
        "Changed setting",
        "Before",
        "After (read back)",
        "Verified?",
    ]);
    for c in changes {
        let color = if c.verified { Color::Green } else { Color::Red };
        table.add_row(vec![
            s.cell(&c.id, None),
            s.cell(c.before.as_str(), None),
            s.cell(c.after.as_str(), Some(color)),
            s.cell(if c.verified { "yes" } else { "NO" }, Some(color)),
        ]);
    }
    format!("{table}\n")
}

fn planned_requests(s: &Style, planned: &[PlannedWrite]) -> String {
    if planned.is_empty() {
        return format!("{} nothing would be sent.\n", s.bold("Dry run:"));
    }
    let mut out = format!(
        "{} nothing was sent. These requests would be (with the session cookies and csrf-token header):\n",
        s.bold("Dry run:")
    );
    for w in planned {
        out.push_str(&format!(
            "  {} {}\n  content-type: application/json\n  {}\n",
            w.method,
            crate::text::clean_line(&w.path, 200),
            crate::text::clean_line(&w.body.to_string(), 400)
        ));
    }
    out
}

/// "was off on 2026-10-01, now on" (and who turned it off, when it was this tool).
fn was(p: &Previous, now: State) -> String {
    let day = p.checked_at.get(..10).unwrap_or(&p.checked_at);
    let how = if p.by_opt_out {
        " (turned off with opt-out)"
    } else {
        ""
    };
    format!(
        "was {} on {day}{how}, now {}",
        p.state.as_str(),
        now.as_str()
    )
}

fn verdict_sentence(report: &Report, s: &Style, w: &Words) -> String {
    let exposed: Vec<&SettingRow> = report
        .settings
        .iter()
        .filter(|r| r.private == Some(false))
        .collect();
    let unknown = report
        .settings
        .iter()
        .filter(|r| r.state == State::Unknown)
        .count();
    // A setting switched back on leads: it is what a weekly check is for.
    let back_on: Vec<String> = report
        .settings
        .iter()
        .filter_map(|r| {
            let p = r.previous.as_ref().filter(|p| p.reenabled)?;
            Some(format!("\"{}\" {}", r.title, was(p, r.state)))
        })
        .collect();
    let lead = if back_on.is_empty() {
        String::new()
    } else {
        format!("{} {}.\n", s.red("SWITCHED BACK ON:"), back_on.join("; "))
    };
    let mut text = match report.verdict {
        Verdict::Exposed => {
            let names: Vec<&str> = exposed.iter().map(|r| r.title.as_str()).collect();
            let fix = match exposed.as_slice() {
                [one] => w.advice(&one.advice),
                _ => w.command("opt-out --all"),
            };
            format!(
                "{} {} {} on, so LinkedIn may use your data this way. Turn {} off with `{fix}`.",
                s.red("EXPOSED:"),
                quoted_list(&names),
                if names.len() == 1 { "is" } else { "are" },
                if names.len() == 1 { "it" } else { "them" },
            )
        }
        Verdict::Incomplete if report.error.is_some() => format!(
            "{} the audit stopped before every setting was read (the error is below); nothing read so far is exposed.",
            s.yellow("INCOMPLETE:")
        ),
        Verdict::Incomplete if unknown > 0 => format!(
            "{} {unknown} setting(s) could not be read with certainty (see the notes); nothing read is exposed, but check {} in a browser.",
            s.yellow("INCOMPLETE:"),
            if unknown == 1 { "it" } else { "them" }
        ),
        Verdict::Incomplete => format!(
            "{} no setting read was proven private (a setting LinkedIn does not offer, or an informational entry, proves nothing); check the settings in a browser.",
            s.yellow("INCOMPLETE:")
        ),
        Verdict::Private => format!(
            "{} every setting read keeps your data private.",
            s.green("PRIVATE:")
        ),
    };
    if report.settings.iter().any(|r| r.advice == Advice::Object) {
        text.push_str(&format!(
            "\nNo toggle covers AI used for personalisation and moderation: `{}` pre-fills LinkedIn's objection form.",
            w.advice(&Advice::Object)
        ));
    }
    lead + &text
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
