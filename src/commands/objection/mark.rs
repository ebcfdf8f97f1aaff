//! `objection --mark-sent`, `--confirmed` and `--extended`: the member records in the history
//! when they sent the objection, when LinkedIn answered in writing, and when LinkedIn said it
//! takes two more months; `history` then shows when the answer is due (GDPR Article 12(3)).

use serde::Serialize;

use super::super::Ctx;
use super::super::exit::Exit;
use crate::clock::Day;
use crate::error::Error;
use crate::history::timeline::{self, Objection};
use crate::output::{Csv, Style, View, Words};
use crate::report::Identity;

/// What the member marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Sent,
    Confirmed,
    Extended,
}

impl Mark {
    fn flag(self) -> &'static str {
        match self {
            Mark::Sent => "--mark-sent",
            Mark::Confirmed => "--confirmed",
            Mark::Extended => "--extended",
        }
    }
}

/// What was recorded.
#[derive(Serialize)]
struct Marked {
    schema: u32,
    tool: crate::report::Tool,
    account: Identity,
    marked: Mark,
    /// The day marked (YYYY-MM-DD).
    on: String,
    sent_on: Option<String>,
    answer_due: Option<String>,
    extended: bool,
    confirmed_on: Option<String>,
    /// What an earlier mark said that this one replaces, when it did.
    replaces: Option<String>,
    history: String,
}

impl View for Marked {
    fn table(&self, s: &Style, w: &Words) -> String {
        let mut out = String::new();
        let said = match self.marked {
            Mark::Sent => format!(
                "{} you sent your objection on {}. LinkedIn must answer within {} (GDPR Article 12(3)): by {}.",
                s.bold("Recorded:"),
                self.on,
                if self.extended {
                    "three months, as it announced"
                } else {
                    "one month"
                },
                self.answer_due.as_deref().unwrap_or("-")
            ),
            Mark::Confirmed => format!(
                "{} LinkedIn answered your objection (sent {}) on {}.",
                s.bold("Recorded:"),
                self.sent_on.as_deref().unwrap_or("-"),
                self.on
            ),
            Mark::Extended => format!(
                "{} on {} LinkedIn announced it takes two more months: its answer to your objection (sent {}) is due by {}.",
                s.bold("Recorded:"),
                self.on,
                self.sent_on.as_deref().unwrap_or("-"),
                self.answer_due.as_deref().unwrap_or("-")
            ),
        };
        out.push_str(&s.wrap(&said, ""));
        out.push('\n');
        if let Some(r) = &self.replaces {
            out.push_str(&s.wrap(&format!("This replaces {r}."), ""));
            out.push('\n');
        }
        out.push_str(&s.wrap(
            &format!(
                "`{}` shows how long is left; `{}` fails a scheduled check once it is overdue.",
                w.command("history"),
                w.command("history --fail-on-overdue")
            ),
            "",
        ));
        out.push('\n');
        out
    }

    fn csv(&self, csv: &mut Csv) {
        #[derive(Serialize)]
        struct Row<'a> {
            marked: Mark,
            on: &'a str,
            sent_on: Option<&'a str>,
            answer_due: Option<&'a str>,
            extended: bool,
            confirmed_on: Option<&'a str>,
            replaces: Option<&'a str>,
            history: &'a str,
        }
        csv.row(&Row {
            marked: self.marked,
            on: &self.on,
            sent_on: self.sent_on.as_deref(),
            answer_due: self.answer_due.as_deref(),
            extended: self.extended,
            confirmed_on: self.confirmed_on.as_deref(),
            replaces: self.replaces.as_deref(),
            history: &self.history,
        });
    }
}

fn day_of(ctx: &Ctx, mark: Mark, date: &str) -> anyhow::Result<Day> {
    let today = Day::of(ctx.time.clock.now());
    let day = if date == "today" {
        today
    } else {
        Day::parse(date).ok_or_else(|| {
            Error::usage(
                format!(
                    "{} {:?} is not a date",
                    mark.flag(),
                    crate::text::clean_line(date, 40)
                ),
                Some(format!(
                    "give the day as YYYY-MM-DD, e.g. {} 2026-11-02",
                    mark.flag()
                )),
            )
        })?
    };
    // Today is the UTC day; a day ahead of it is already today east of Greenwich.
    if day.days() > today.days() + 1 {
        return Err(Error::usage(
            format!("{} {day} is in the future", mark.flag()),
            Some("give the day it happened".to_string()),
        )
        .into());
    }
    Ok(day)
}

/// Records `mark` on `date` (YYYY-MM-DD or `today`) for the member this session is. With
/// [`Mark::Sent`], `extended` (a day, or `today` for the day sent) records an extension too.
pub fn run(ctx: &Ctx, mark: Mark, date: &str, extended: Option<&str>) -> anyhow::Result<Exit> {
    let day = day_of(ctx, mark, date)?;
    let extended_on = match extended {
        Some("today") | None => day,
        Some(d) => day_of(ctx, Mark::Extended, d)?,
    };
    let path = match &ctx.settings.history {
        crate::settings::HistoryPlace::File(p) => p.clone(),
        crate::settings::HistoryPlace::Off(why) => {
            return Err(Error::usage(
                format!(
                    "{} records in the history, and there is none: {why}",
                    mark.flag()
                ),
                Some("give --history FILE".to_string()),
            )
            .into());
        }
    };
    let conn = ctx.connector.connect()?;
    let mut account = conn.identity.clone();
    ctx.identify(&conn.member(), &mut account)?;
    let Some(member) = account.member_key().map(str::to_string) else {
        return Err(Error::usage(
            "cannot tell whose account this is, so nothing was recorded",
            Some("sign in with a stored profile and try again".to_string()),
        )
        .into());
    };
    let mut history = crate::history::History::open(&path)?;
    let who = crate::history::Who {
        site: ctx.connector.site(),
        member,
        profile: account.profile.clone(),
    };
    let today = Day::of(ctx.time.clock.now());
    let all = |history: &crate::history::History| -> anyhow::Result<Vec<Objection>> {
        Ok(timeline::objections(
            history,
            &crate::history::Filter::default(),
            today,
        )?)
    };
    let before = all(&history)?;
    let latest = before
        .iter()
        .rev()
        .find(|o| o.site == who.site && o.member == who.member);
    let target = timeline::target(&before, &who.site, &who.member).map(|i| before[i].clone());
    let at = ctx.time.clock.rfc3339();
    let replaces = match mark {
        Mark::Sent => {
            // A second date for the same objection (no new draft since) corrects the first.
            // A second day for an objection not yet answered (no new draft since) corrects the
            // first; an answered one stays as it is and this starts another.
            let replaces = latest
                .filter(|o| o.confirmed_on.is_none())
                .and_then(|o| o.sent_on.clone())
                .map(|d| format!("the day sent recorded before, {d}"));
            history.record_objection_sent(&who, &at, day)?;
            if extended.is_some() {
                history.record_objection_extended(&who, &at, extended_on)?;
            }
            replaces
        }
        Mark::Confirmed | Mark::Extended => {
            let Some(sent) = target.as_ref() else {
                return Err(Error::usage(
                    format!(
                        "{} needs an objection marked sent, and the history has none for this account",
                        mark.flag()
                    ),
                    Some("record the day you sent it first: --mark-sent YYYY-MM-DD".to_string()),
                )
                .into());
            };
            if let Some(s) = sent.sent_on.as_deref().and_then(Day::parse)
                && day.days() < s.days()
            {
                return Err(Error::usage(
                    format!(
                        "{} {day} is before the objection was sent ({s})",
                        mark.flag()
                    ),
                    Some("give the day it happened".to_string()),
                )
                .into());
            }
            if mark == Mark::Confirmed {
                let replaces = sent
                    .confirmed_on
                    .clone()
                    .map(|d| format!("the answer recorded before, on {d}"));
                history.record_objection_confirmed(&who, &at, day)?;
                replaces
            } else {
                let replaces = sent
                    .extended_on
                    .clone()
                    .map(|d| format!("the extension recorded before, on {d}"));
                history.record_objection_extended(&who, &at, day)?;
                replaces
            }
        }
    };
    let after_all = all(&history)?;
    let after = match mark {
        Mark::Sent => after_all
            .iter()
            .rev()
            .find(|o| o.site == who.site && o.member == who.member)
            .cloned(),
        Mark::Confirmed | Mark::Extended => target
            .as_ref()
            .and_then(|t| {
                after_all
                    .iter()
                    .find(|o| o.site == t.site && o.member == t.member && o.sent_on == t.sent_on)
            })
            .cloned(),
    }
    .unwrap_or_else(|| unreachable_objection(&who));
    // An extension must be announced within the first month: a late one changes nothing.
    if (mark == Mark::Extended || extended.is_some()) && !after.extended {
        ctx.out.warn(&format!(
            "LinkedIn must announce an extension within one month of receiving the objection (GDPR Article 12(3)); one announced later does not move the day its answer was due ({})",
            after.answer_due.as_deref().unwrap_or("-")
        ));
    }
    ctx.out.print(&Marked {
        schema: 1,
        tool: crate::report::Tool::default(),
        account,
        marked: mark,
        on: day.to_string(),
        sent_on: after.sent_on,
        answer_due: after.answer_due,
        extended: after.extended,
        confirmed_on: after.confirmed_on,
        replaces,
        history: path.display().to_string(),
    })?;
    Ok(Exit::Ok)
}

/// A record was just written, so the history holds an objection; should reading it back find
/// none, the view says nothing was due rather than failing after the write.
fn unreachable_objection(who: &crate::history::Who) -> Objection {
    Objection {
        site: who.site.clone(),
        member: who.member.clone(),
        profile: who.profile.clone(),
        drafted_at: None,
        fields: Vec::new(),
        sent_on: None,
        answer_due: None,
        days_left: None,
        extended: false,
        extended_on: None,
        confirmed_on: None,
        overdue: false,
    }
}
