//! How a [`Report`] looks to people (a table, the notes, one verdict sentence) and in CSV. JSON
//! is the report's own `Serialize`.

use comfy_table::Color;

use super::{Csv, Style, View, Words};
use crate::report::{
    Advice, Change, Identity, PlannedWrite, Previous, Report, SettingRow, State, Verdict,
};
use serde::Serialize;

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
        let mut out = s.wrap(
            &format!(
                "{} {}, checked {}",
                s.bold(what),
                who(&self.account),
                self.checked_at
            ),
            "  ",
        );
        out.push('\n');
        if let Some(profile) = &self.account.profile {
            out.push_str(&format!("profile: {profile}\n"));
        }
        // Laid out for 80 columns: each setting's page is a numbered link under the table (a link
        // cut across a cell cannot be clicked), the advice is a few words, and the commands follow
        // the table, whole, on lines of their own.
        let mut table = s.table(&["Setting", "State", "Private?", "What to do"]);
        let mut pages: Vec<&str> = Vec::new();
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
            let page = match pages.iter().position(|p| *p == row.url) {
                Some(i) => i + 1,
                None => {
                    pages.push(&row.url);
                    pages.len()
                }
            };
            table.add_row(vec![
                s.cell(&format!("{} [{page}]\n{}", row.title, row.id), None),
                s.cell(&state, color),
                s.cell(private, color),
                s.cell(short_advice(&row.advice), None),
            ]);
        }
        // The id under each title is never cut, whatever the title does.
        let longest_id = self.settings.iter().map(|r| r.id.chars().count()).max();
        Style::at_least(&mut table, 0, longest_id.unwrap_or(0));
        out.push_str(&table.to_string());
        out.push('\n');
        for (i, page) in pages.iter().enumerate() {
            out.push_str(&format!(
                "[{}] {}\n",
                i + 1,
                crate::text::clean_line(page, 300)
            ));
        }
        let notes: Vec<String> = self
            .settings
            .iter()
            .filter_map(|r| {
                r.previous
                    .as_ref()
                    .map(|p| format!("{}: {}", r.id, was(p, r.state)))
            })
            .chain(
                self.settings
                    .iter()
                    .filter_map(|r| r.reason.as_ref().map(|why| format!("{}: {why}", r.id))),
            )
            .map(|note| s.wrap(&format!("  {note}"), "    "))
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

    fn csv(&self, csv: &mut Csv) {
        let account = &self.account;
        let (error_kind, error_message) = match &self.error {
            Some(e) => (Some(e.kind.as_str()), Some(e.message.as_str())),
            None => (None, None),
        };
        // `opt-out` adds what it wrote: the state before, the one read back, and whether that
        // proved the change.
        let written = |id: Option<&str>| {
            self.is_opt_out().then(|| {
                match self
                    .changes
                    .iter()
                    .flatten()
                    .find(|c| Some(c.id.as_str()) == id)
                {
                    Some(c) => Written {
                        before: Some(c.before),
                        after: Some(c.after),
                        verified: Some(c.verified),
                    },
                    None => Written::default(),
                }
            })
        };
        let base = ReportRow {
            profile: account.profile.as_deref(),
            name: account.name.as_deref(),
            public_id: account.public_id.as_deref(),
            checked_at: &self.checked_at,
            verdict: Some(self.verdict),
            error_kind,
            error_message,
            label: account.label.as_deref(),
            written: written(None),
            ..ReportRow::default()
        };
        if self.settings.is_empty() {
            csv.row(&base);
            return;
        }
        for r in &self.settings {
            csv.row(&ReportRow {
                id: Some(&r.id),
                title: Some(&r.title),
                state: Some(r.state),
                private: r.private,
                reason: r.reason.as_deref(),
                reason_code: r.reason_code,
                url: Some(&r.url),
                previous_state: r.previous.as_ref().map(|p| p.state),
                previous_checked_at: r.previous.as_ref().map(|p| p.checked_at.as_str()),
                written: written(Some(&r.id)),
                ..base
            });
        }
    }
}

/// One CSV row of a report: the account's fields repeated on each setting's row.
#[derive(Serialize, Default, Clone, Copy)]
struct ReportRow<'a> {
    profile: Option<&'a str>,
    name: Option<&'a str>,
    public_id: Option<&'a str>,
    checked_at: &'a str,
    verdict: Option<Verdict>,
    id: Option<&'a str>,
    title: Option<&'a str>,
    state: Option<State>,
    private: Option<bool>,
    reason: Option<&'a str>,
    reason_code: Option<crate::report::ReasonCode>,
    url: Option<&'a str>,
    error_kind: Option<&'a str>,
    error_message: Option<&'a str>,
    label: Option<&'a str>,
    previous_state: Option<State>,
    previous_checked_at: Option<&'a str>,
    #[serde(flatten)]
    written: Option<Written>,
}

/// What `opt-out` wrote to a setting, as its report's CSV shows it.
#[derive(Serialize, Default, Clone, Copy)]
struct Written {
    before: Option<State>,
    after: Option<State>,
    verified: Option<bool>,
}

/// What to do about a row, in a few words for the table; the command itself follows the table.
fn short_advice(advice: &Advice) -> &'static str {
    match advice {
        Advice::Nothing => "nothing",
        Advice::NothingToChange => "nothing to change",
        Advice::TurnOff { .. } => "turn off (below)",
        Advice::TurnOffInBrowser => "turn off at the page",
        Advice::Object => "object (below)",
        Advice::CheckInBrowser => "check the page",
    }
}

fn changes_table(s: &Style, changes: &[Change]) -> String {
    let mut table = s.table(&[
        "Setting written",
        "Before",
        "After (read back)",
        "Took effect?",
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
    Style::keep_whole(&mut table, 0);
    format!("{table}\n")
}

fn planned_requests(s: &Style, planned: &[PlannedWrite]) -> String {
    if planned.is_empty() {
        return format!("{} nothing would be sent.\n", s.bold("Dry run:"));
    }
    let mut out = s.wrap(
        &format!(
            "{} nothing was sent. These requests would be (with the session cookies and csrf-token header):",
            s.bold("Dry run:")
        ),
        "",
    );
    out.push('\n');
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
    // The time comes from the history file: cleaned, and only its day.
    let day = crate::text::day_of(&p.checked_at);
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
        let mut lead = s.wrap(
            &format!("{} {}.", s.red("SWITCHED BACK ON:"), back_on.join("; ")),
            "",
        );
        lead.push('\n');
        lead
    };
    let mut text = match report.verdict {
        Verdict::Exposed => {
            let names: Vec<&str> = exposed.iter().map(|r| r.title.as_str()).collect();
            let one = names.len() == 1;
            let head = format!(
                "{} {} {} on, so LinkedIn may use your data this way.",
                s.red("EXPOSED:"),
                quoted_list(&names),
                if one { "is" } else { "are" },
            );
            // A write that did not take: the tool cannot do it, the page in a browser can.
            let by_hand: Vec<&&SettingRow> = exposed
                .iter()
                .filter(|r| r.advice == Advice::TurnOffInBrowser)
                .collect();
            if !by_hand.is_empty() {
                let pages: Vec<String> = by_hand
                    .iter()
                    .map(|r| crate::text::clean_line(&r.url, 300))
                    .collect();
                format!(
                    "{}\n{}",
                    s.wrap(
                        &format!(
                            "{head} The tool's write did not take effect: turn {} off in a browser, at",
                            if by_hand.len() == 1 { "it" } else { "them" }
                        ),
                        ""
                    ),
                    pages
                        .iter()
                        .map(|p| format!("  {p}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            } else {
                let fix = match exposed.as_slice() {
                    [one] => w.advice(&one.advice),
                    _ => w.command("opt-out --all"),
                };
                format!(
                    "{}\nTurn {} off with:\n  {fix}",
                    s.wrap(&head, ""),
                    if one { "it" } else { "them" },
                )
            }
        }
        Verdict::Incomplete if report.error.is_some() => s.wrap(&format!(
            "{} the audit stopped before every setting was read (the error is below); nothing read so far is exposed.",
            s.yellow("INCOMPLETE:")
        ), ""),
        Verdict::Incomplete if unknown > 0 => s.wrap(&format!(
            "{} {unknown} setting(s) could not be read with certainty (see the notes); nothing read is exposed, but check {} in a browser.",
            s.yellow("INCOMPLETE:"),
            if unknown == 1 { "it" } else { "them" }
        ), ""),
        Verdict::Incomplete => s.wrap(&format!(
            "{} no setting read was proven private (a setting LinkedIn does not offer, or an informational entry, proves nothing); check the settings in a browser.",
            s.yellow("INCOMPLETE:")
        ), ""),
        Verdict::Private if !report.not_read.is_empty() => {
            let read = report.settings.iter().filter(|r| r.private.is_some()).count();
            format!(
                "{}\nRead every setting with:\n  {}",
                s.wrap(
                    &format!(
                        "{} the {} read {} your data private; {}.",
                        s.green("PRIVATE:"),
                        count(read),
                        if read == 1 { "keeps" } else { "keep" },
                        unread(&report.not_read),
                    ),
                    "",
                ),
                w.command("audit")
            )
        }
        Verdict::Private => format!(
            "{} every setting read keeps your data private.",
            s.green("PRIVATE:")
        ),
    };
    // A verdict over part of the catalog says so in the same breath.
    if report.verdict != Verdict::Private && !report.not_read.is_empty() {
        text.push('\n');
        text.push_str(&s.wrap(
            &format!(
                "This run read part of the catalog: {}.",
                unread(&report.not_read)
            ),
            "",
        ));
    }
    if report.settings.iter().any(|r| r.advice == Advice::Object) {
        text.push_str(&format!(
            "\n{}\n  {}",
            s.wrap(
                "No toggle covers AI used for personalisation and moderation; LinkedIn's objection form is pre-filled with:",
                ""
            ),
            w.advice(&Advice::Object)
        ));
    }
    lead + &text
}

/// "setting" or "settings", with the number.
fn count(n: usize) -> String {
    if n == 1 {
        "1 setting".to_string()
    } else {
        format!("{n} settings")
    }
}

/// "1 setting of the catalog was not read (research-data), so this says nothing about it".
fn unread(ids: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut names = ids[..ids.len().min(SHOWN)].join(", ");
    if ids.len() > SHOWN {
        names.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    format!(
        "{} of the catalog {} not read ({names}), so this says nothing about {}",
        count(ids.len()),
        if ids.len() == 1 { "was" } else { "were" },
        if ids.len() == 1 { "it" } else { "them" }
    )
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Identity, Report};

    /// The CSV columns stay what the README documents, for an audit and for an opt-out.
    #[test]
    fn the_csv_header_is_the_documented_one() {
        let header = |r: &Report| {
            let mut csv = Csv::default();
            r.csv(&mut csv);
            csv.take().lines().next().unwrap().to_string()
        };
        let audit = Report::new(Identity::default(), Vec::new(), "t".into());
        assert_eq!(header(&audit), CSV_HEADER.join(","));
        let opt_out = audit.as_opt_out();
        assert_eq!(
            header(&opt_out),
            format!("{},before,after,verified", CSV_HEADER.join(","))
        );
    }
}
