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
    "group",
    "kind",
    "value_label",
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
                "{} {}, {}",
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
        if s.long {
            out.push_str(&long_table(self, s));
        } else {
            out.push_str(&compact_table(self, s));
        }
        if let Some(changes) = &self.changes
            && !changes.is_empty()
        {
            out.push_str(&changes_lines(s, changes));
        }
        if let Some(d) = &self.discovery {
            out.push_str(&discovered_lines(s, d));
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
                        before: Some(&c.before),
                        after: Some(&c.after),
                        verified: Some(c.verified),
                        moved_by: c.moved_by.as_deref(),
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
                state: Some(r.state_name()),
                private: r.private,
                reason: r.reason.as_deref(),
                reason_code: r.reason_code,
                url: Some(&r.url),
                group: Some(r.group.name()),
                kind: Some(r.kind.as_str()),
                value_label: r.value.as_ref().map(|v| v.label.as_str()),
                previous_state: r.previous.as_ref().map(|p| p.state.as_str()),
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
    state: Option<&'a str>,
    private: Option<bool>,
    reason: Option<&'a str>,
    reason_code: Option<crate::report::ReasonCode>,
    url: Option<&'a str>,
    error_kind: Option<&'a str>,
    error_message: Option<&'a str>,
    label: Option<&'a str>,
    previous_state: Option<&'a str>,
    previous_checked_at: Option<&'a str>,
    group: Option<&'a str>,
    kind: Option<&'a str>,
    value_label: Option<&'a str>,
    #[serde(flatten)]
    written: Option<Written<'a>>,
}

/// What `opt-out` wrote to a setting, as its report's CSV shows it.
#[derive(Serialize, Default, Clone, Copy)]
struct Written<'a> {
    before: Option<&'a str>,
    after: Option<&'a str>,
    verified: Option<bool>,
    moved_by: Option<&'a str>,
}

/// The private column: `NO` in red, `yes` in green, `?` in yellow, `-` for nothing to judge.
fn private_mark(row: &SettingRow) -> (&'static str, Option<Color>) {
    match row.private {
        Some(true) => ("yes", Some(Color::Green)),
        Some(false) => ("NO", Some(Color::Red)),
        None if row.state == State::Unknown => ("?", Some(Color::Yellow)),
        None => ("-", None),
    }
}

fn paint(s: &Style, text: &str, color: Option<Color>) -> String {
    match color {
        Some(Color::Red) => s.red(text),
        Some(Color::Green) => s.green(text),
        Some(Color::Yellow) => s.yellow(text),
        _ => text.to_string(),
    }
}

/// One line per setting, grouped, at the stream's width (80 columns when it has none): group
/// (on its first row only), private, state, id, and the label cut to fit. Notes follow only for
/// what needs a word: a state that is unknown, changed since the last check, or a write that
/// did not take.
fn compact_table(report: &Report, s: &Style) -> String {
    const GROUP: usize = 11;
    const PRIVATE: usize = 4;
    const STATE: usize = 13;
    let width = s.width.unwrap_or(super::DEFAULT_WIDTH);
    let id_cols = report
        .settings
        .iter()
        .map(|r| crate::text::visible_width(&r.id))
        .max()
        .unwrap_or(0)
        + 2;
    let label_cols = width.saturating_sub(GROUP + PRIVATE + STATE + id_cols);
    let mut out = String::new();
    let mut last_group = None;
    for row in &report.settings {
        let group = if last_group == Some(row.group) {
            ""
        } else {
            row.group.heading()
        };
        last_group = Some(row.group);
        let (mark, color) = private_mark(row);
        let mut line = format!(
            "{}{}{}{}",
            s.fit(group, GROUP, true),
            paint(s, &s.fit(mark, PRIVATE, true), color),
            s.fit(&row.state_short(), STATE, true),
            s.fit(&row.id, id_cols, label_cols >= 10),
        );
        if label_cols >= 10 {
            line.push_str(&s.fit(&row.title, label_cols, false));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let notes: Vec<String> = report
        .settings
        .iter()
        .filter_map(|r| {
            let note = match (&r.previous, r.state, &r.reason) {
                (Some(p), _, _) => format!("{}: {}", r.id, was(p, r)),
                (None, State::Unknown, Some(why)) => format!(
                    "{}: {why}; check it at {}",
                    r.id,
                    crate::text::clean_line(&r.url, 300)
                ),
                (None, _, Some(why))
                    if matches!(
                        r.reason_code,
                        Some(
                            crate::report::ReasonCode::WriteNotApplied
                                | crate::report::ReasonCode::WriteRefused
                                | crate::report::ReasonCode::NotWritten
                        )
                    ) =>
                {
                    format!("{}: {why}", r.id)
                }
                _ => return None,
            };
            Some(s.wrap(&format!("  {note}"), "    "))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str(&format!("{}\n{}\n", s.bold("Notes:"), notes.join("\n")));
    }
    out
}

/// The long form (`--wide`, `-v`): a table with each setting's title, id and group, state,
/// whether it is private and what to do, each page as a numbered link under it, and every
/// row's reason.
fn long_table(report: &Report, s: &Style) -> String {
    // Laid out for the stream's width: each setting's page is a numbered link under the table
    // (a link cut across a cell cannot be clicked), the advice is a few words, and the commands
    // follow the table, whole, on lines of their own.
    let mut table = s.table(&["Setting", "State", "Private?", "What to do"]);
    let mut pages: Vec<&str> = Vec::new();
    for row in &report.settings {
        let (private, color) = private_mark(row);
        let state = match &row.previous {
            Some(p) => format!("{}\n(was {})", row.state_name(), p.state),
            None => row.state_name().to_string(),
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
    let longest_id = report.settings.iter().map(|r| r.id.chars().count()).max();
    Style::at_least(&mut table, 0, longest_id.unwrap_or(0));
    // A state (`DISCLOSE_ANONYMOUS`, `informational`) is a word: never cut.
    let longest_state = report
        .settings
        .iter()
        .map(|r| r.state_name().chars().count())
        .max();
    Style::at_least(&mut table, 1, longest_state.unwrap_or(0));
    let mut out = table.to_string();
    out.push('\n');
    for (i, page) in pages.iter().enumerate() {
        out.push_str(&format!(
            "[{}] {}\n",
            i + 1,
            crate::text::clean_line(page, 300)
        ));
    }
    let notes: Vec<String> = report
        .settings
        .iter()
        .filter_map(|r| {
            r.previous
                .as_ref()
                .map(|p| format!("{}: {}", r.id, was(p, r)))
        })
        .chain(
            report
                .settings
                .iter()
                .filter_map(|r| r.reason.as_ref().map(|why| format!("{}: {why}", r.id))),
        )
        .map(|note| s.wrap(&format!("  {note}"), "    "))
        .collect();
    if !notes.is_empty() {
        out.push_str(&format!("{}\n{}\n", s.bold("Notes:"), notes.join("\n")));
    }
    out
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

/// What `audit --discover` found: new cards first (at most [`SHOWN_NEW`]; JSON has them all),
/// then the lists that could not be read. "Nothing new" only when a list was read.
fn discovered_lines(s: &Style, d: &crate::report::Discovered) -> String {
    const SHOWN_NEW: usize = 20;
    let width = s.width.unwrap_or(super::DEFAULT_WIDTH);
    let mut out = String::new();
    if d.new.is_empty() && d.read == 0 {
        out.push_str(&s.wrap(
            &format!(
                "Discovery: no list could be read ({}), so this says nothing about new settings.",
                d.categories.join(", ")
            ),
            "  ",
        ));
        out.push('\n');
    } else if d.new.is_empty() {
        out.push_str(&s.wrap(
            "Discovery: the lists read name no setting the catalog does not know.",
            "  ",
        ));
        out.push('\n');
    } else {
        out.push_str(&format!(
            "{}\n",
            s.bold("New on LinkedIn, not in the catalog (not part of the verdict):")
        ));
        for n in d.new.iter().take(SHOWN_NEW) {
            let head = format!("  {} ", crate::text::clean_line(&n.card, 60));
            let tail = format!(" ({})", n.category);
            let room = width.saturating_sub(
                crate::text::visible_width(&head) + crate::text::visible_width(&tail) + 2,
            );
            out.push_str(&format!(
                "{head}\"{}\"{tail}\n",
                s.fit(&n.text, room.max(10), false)
            ));
        }
        if d.new.len() > SHOWN_NEW {
            out.push_str(&format!(
                "  and {} more (the JSON lists them all)\n",
                d.new.len() - SHOWN_NEW
            ));
        }
    }
    for n in &d.not_listed {
        out.push_str(&s.wrap(
            &format!(
                "  discovery {}: not read ({})",
                n.category,
                crate::text::clean_line(&n.reason, 200)
            ),
            "    ",
        ));
        out.push('\n');
    }
    out
}

/// What `opt-out` wrote, one line each: before -> after as read back, and whether that proves
/// it private; a neighbour LinkedIn moved with a write says with which.
fn changes_lines(s: &Style, changes: &[Change]) -> String {
    let id_cols = changes
        .iter()
        .map(|c| crate::text::visible_width(&c.id))
        .max()
        .unwrap_or(0)
        + 2;
    let moves: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{} -> {}",
                crate::text::clean_line(&c.before, 40),
                crate::text::clean_line(&c.after, 40)
            )
        })
        .collect();
    // Two-valued moves line up; a many-valued one (`DISCLOSE_FULL -> HIDE`) takes its room.
    const MOVE_COLS: usize = 11;
    let mut out = format!("{}\n", s.bold("Written, and read back:"));
    for (c, m) in changes.iter().zip(&moves) {
        let took = match (c.verified, c.after.as_str()) {
            (true, _) => s.green("private now"),
            (false, "unknown") => s.yellow("not proven"),
            (false, _) => s.red("NOT private"),
        };
        let with = c
            .moved_by
            .as_ref()
            .map(|by| format!(" (with {by})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}{}{took}{with}\n",
            s.fit(&c.id, id_cols, true),
            s.fit(m, MOVE_COLS.max(crate::text::visible_width(m) + 2), true),
        ));
    }
    out
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
            super::json_text(&w.body.to_string())
        ));
    }
    out
}

/// "was off on 2026-10-01, now on" (and who turned it off, when it was this tool); a
/// many-valued setting by its labels: "was \"Private mode\" on 2026-10-01, now \"Your name and
/// headline\"".
fn was(p: &Previous, now: &SettingRow) -> String {
    // The time comes from the history file: cleaned, and only its day.
    let day = crate::text::day_of(&p.checked_at);
    let how = if p.by_opt_out {
        " (made private with opt-out)"
    } else {
        ""
    };
    let before = match &p.label {
        Some(l) => format!("\"{}\"", crate::text::clean_line(l, 60)),
        None => crate::text::clean_line(&p.state, 40),
    };
    let after = match &now.value {
        Some(v) => format!("\"{}\"", v.label),
        None => now.state_name().to_string(),
    };
    format!("was {before} on {day}{how}, now {after}")
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
            Some(format!("\"{}\" {}", r.title, was(p, r)))
        })
        .collect();
    let lead = if back_on.is_empty() {
        String::new()
    } else {
        // A switch goes back on; a many-valued setting is no longer private.
        let only_switches = report
            .settings
            .iter()
            .filter(|r| r.previous.as_ref().is_some_and(|p| p.reenabled))
            .all(|r| r.kind == crate::catalog::Kind::Toggle);
        let word = if only_switches {
            "SWITCHED BACK ON:"
        } else {
            "NO LONGER PRIVATE:"
        };
        let mut lead = s.wrap(&format!("{} {}.", s.red(word), back_on.join("; ")), "");
        lead.push('\n');
        lead
    };
    let mut text = match report.verdict {
        Verdict::Exposed => {
            let names: Vec<&str> = exposed.iter().map(|r| r.title.as_str()).collect();
            let one = names.len() == 1;
            let read = report
                .settings
                .iter()
                .filter(|r| r.state != State::Informational)
                .count();
            let head = if names.len() <= 3 {
                format!(
                    "{} {} {} not private, so LinkedIn may use your data this way.",
                    s.red("EXPOSED:"),
                    quoted_list(&names),
                    if one { "is" } else { "are" },
                )
            } else {
                format!(
                    "{} {} of {} settings read are not private (marked NO).",
                    s.red("EXPOSED:"),
                    names.len(),
                    read,
                )
            };
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
                let groups: std::collections::BTreeSet<&str> =
                    exposed.iter().map(|r| r.group.name()).collect();
                // Over part of the catalog, the command names what was read, never `--all`.
                let fix = match exposed.as_slice() {
                    [one] => w.advice(&one.advice),
                    _ if report.not_read.is_empty() => w.command("opt-out --all"),
                    few if few.len() <= 3 => w.command(&format!(
                        "opt-out {}",
                        few.iter()
                            .map(|r| format!("--setting {}", r.id))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                    _ => w.command(&format!(
                        "opt-out {}",
                        groups
                            .iter()
                            .map(|g| format!("--group {g}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
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
                "Other AI use (personalisation, moderation) has no switch; object to it with:",
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
            format!("{},before,after,verified,moved_by", CSV_HEADER.join(","))
        );
    }
}
