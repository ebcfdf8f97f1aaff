//! The history as people read it: for each account and setting, the spans of time it held one
//! state (merged from consecutive records), with the writes and re-enablements marked; and each
//! objection, with the month LinkedIn has to answer it (GDPR Article 12(3)).

use serde::Serialize;

use super::{Filter, History, Kind, Record};
use crate::clock::Day;
use crate::error::Result;

/// A stretch of time one setting of one account held one state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub site: String,
    pub member: String,
    /// The profile or label of the last record in the span.
    pub profile: Option<String>,
    pub setting: String,
    pub state: String,
    /// The first and last record of the span (RFC 3339).
    pub from: String,
    pub until: String,
    /// How many records the span holds.
    pub checks: u64,
    /// The span began with `opt-out`'s write (`true` when its read-back verified it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opt_out: Option<bool>,
    /// Whether the state kept the data private (`None`: it proves neither).
    pub private: Option<bool>,
    /// Exposed again after a span that was private.
    pub reenabled: bool,
}

/// The spans of the records that pass the filter, by site, member and setting.
pub fn spans(history: &History, filter: &Filter) -> Result<Vec<Span>> {
    let mut out: Vec<Span> = Vec::new();
    // Whether the group's last state that proved either was private, to tell a re-enablement.
    let mut last_private: Option<bool> = None;
    history.each_setting_record(filter, |r| {
        let state = if r.state.is_empty() {
            "unknown"
        } else {
            r.state
        };
        let same_group = out
            .last()
            .is_some_and(|s| s.site == r.site && s.member == r.member && s.setting == r.setting);
        if !same_group {
            last_private = None;
        }
        let extend =
            same_group && r.kind == Kind::Audit && out.last().is_some_and(|s| s.state == state);
        if extend {
            let s = out.last_mut().expect("checked above");
            s.until.clear();
            s.until.push_str(r.at);
            s.checks += 1;
            if s.profile.as_deref() != r.profile {
                s.profile = r.profile.map(str::to_string);
            }
        } else {
            let reenabled = r.private == Some(false) && last_private == Some(true);
            out.push(Span {
                site: r.site.to_string(),
                member: r.member.to_string(),
                profile: r.profile.map(str::to_string),
                setting: r.setting.to_string(),
                state: state.to_string(),
                from: r.at.to_string(),
                until: r.at.to_string(),
                checks: 1,
                opt_out: (r.kind == Kind::Write)
                    .then_some(r.verified == Some(true) && r.private == Some(true)),
                private: r.private,
                reenabled,
            });
        }
        if r.private.is_some() {
            last_private = r.private;
        }
    })?;
    Ok(out)
}

/// One objection: drafted, perhaps sent, and when LinkedIn's answer is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Objection {
    pub site: String,
    pub member: String,
    pub profile: Option<String>,
    /// When the form was pre-filled (RFC 3339), if it was.
    pub drafted_at: Option<String>,
    /// The fields the tool filled.
    pub fields: Vec<String>,
    /// The day the member says they sent it.
    pub sent_on: Option<String>,
    /// One month after it was sent (GDPR Article 12(3)); three when LinkedIn extended it.
    pub answer_due: Option<String>,
    /// Days from today until the answer is due (negative: overdue).
    pub days_left: Option<i64>,
    /// Whether LinkedIn announced, within the first month, that it takes two more months.
    pub extended: bool,
    /// The day LinkedIn announced an extension, when it did (also one that came late).
    pub extended_on: Option<String>,
    /// The day the member says LinkedIn answered in writing.
    pub confirmed_on: Option<String>,
    /// Sent, past due, and no answer recorded.
    pub overdue: bool,
}

impl Objection {
    fn new(r: &Record) -> Objection {
        Objection {
            site: r.site.clone(),
            member: r.member.clone(),
            profile: r.profile.clone(),
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

    /// The due day and what follows from it, from the day sent and the extension.
    fn settle(&mut self, today: Day) {
        let Some(sent) = self.sent_on.as_deref().and_then(Day::parse) else {
            return;
        };
        // An extension counts only when announced within the first month (Art. 12(3)).
        let first = sent.plus_months(1).next_working_day();
        self.extended = self
            .extended_on
            .as_deref()
            .and_then(Day::parse)
            .is_some_and(|d| d.days() <= first.days());
        let due = if self.extended {
            sent.plus_months(3).next_working_day()
        } else {
            first
        };
        let left = due.days() - today.days();
        self.answer_due = Some(due.to_string());
        self.days_left = Some(left);
        self.overdue = left < 0 && self.confirmed_on.is_none();
    }
}

/// The objections of the records that pass the filter, oldest first. A draft after a sent
/// objection starts a new one; a second `--mark-sent` without a draft between corrects the
/// date.
pub fn objections(history: &History, filter: &Filter, today: Day) -> Result<Vec<Objection>> {
    let mut out: Vec<Objection> = Vec::new();
    history.each_objection_record(filter, |r: Record| {
        let detail: serde_json::Value = r
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        // A draft belongs to the member's objection not yet sent; a day sent to the newest one
        // not yet answered (a second day without a new draft corrects the first).
        let open = out.iter().rposition(|o| {
            o.site == r.site
                && o.member == r.member
                && (o.sent_on.is_none()
                    || (r.kind == Kind::ObjectionSent && o.confirmed_on.is_none()))
        });
        match r.kind {
            Kind::ObjectionDraft => {
                let fields = detail["fields"]
                    .as_array()
                    .map(|f| {
                        f.iter()
                            .filter_map(|v| v.as_str().map(|s| crate::text::clean_line(s, 40)))
                            .collect()
                    })
                    .unwrap_or_default();
                match open.filter(|&i| out[i].sent_on.is_none()) {
                    // Drafted again before sending: the newer draft counts.
                    Some(i) => {
                        out[i].drafted_at = Some(r.at.clone());
                        out[i].fields = fields;
                        out[i].profile = r.profile.clone();
                    }
                    None => out.push(Objection {
                        drafted_at: Some(r.at.clone()),
                        fields,
                        ..Objection::new(&r)
                    }),
                }
            }
            Kind::ObjectionSent => {
                let Some(day) = detail["sent_on"].as_str().and_then(Day::parse) else {
                    return;
                };
                // A second date for an objection with no draft since is a correction.
                let i = match open {
                    Some(i) => i,
                    None => {
                        out.push(Objection::new(&r));
                        out.len() - 1
                    }
                };
                out[i].sent_on = Some(day.to_string());
                out[i].settle(today);
            }
            // An answer or an extension belongs to the newest sent objection of the member.
            Kind::ObjectionConfirmed | Kind::ObjectionExtended => {
                let key = if r.kind == Kind::ObjectionConfirmed {
                    "confirmed_on"
                } else {
                    "extended_on"
                };
                let Some(day) = detail[key].as_str().and_then(Day::parse) else {
                    return;
                };
                let Some(i) = target(&out, &r.site, &r.member) else {
                    return;
                };
                let o = &mut out[i];
                if r.kind == Kind::ObjectionConfirmed {
                    o.confirmed_on = Some(day.to_string());
                } else {
                    o.extended_on = Some(day.to_string());
                }
                o.settle(today);
            }
            Kind::Audit | Kind::Write | Kind::Unknown => {}
        }
    })?;
    Ok(out)
}

/// The objection an answer or an extension belongs to: the member's oldest one sent and not
/// answered (two submissions are answered in turn), else the newest one sent (a second answer
/// replaces the first).
pub fn target(objections: &[Objection], site: &str, member: &str) -> Option<usize> {
    let mine = |o: &Objection| o.site == site && o.member == member && o.sent_on.is_some();
    objections
        .iter()
        .position(|o| mine(o) && o.confirmed_on.is_none())
        .or_else(|| objections.iter().rposition(mine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Who;
    use crate::report::{Identity, Report, State};

    fn audit(h: &mut History, at: &str, state: State) {
        let row = crate::history::ai_row(state);
        let r = Report::new(Identity::default(), vec![row], at.to_string());
        let who = Who {
            site: "linkedin".into(),
            member: "ada".into(),
            profile: None,
        };
        h.record_audit(&who, "c", &r).unwrap();
    }

    #[test]
    fn consecutive_states_merge_and_a_return_to_on_is_marked() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite3")).unwrap();
        audit(&mut h, "2026-09-01T08:00:00Z", State::On);
        audit(&mut h, "2026-09-08T08:00:00Z", State::Off);
        audit(&mut h, "2026-09-15T08:00:00Z", State::Off);
        audit(&mut h, "2026-09-22T08:00:00Z", State::Unknown);
        audit(&mut h, "2026-09-29T08:00:00Z", State::On);
        let s = spans(&h, &Filter::default()).unwrap();
        let states: Vec<(&str, u64, bool)> = s
            .iter()
            .map(|s| (s.state.as_str(), s.checks, s.reenabled))
            .collect();
        assert_eq!(
            states,
            [
                ("on", 1, false),
                ("off", 2, false),
                ("unknown", 1, false),
                ("on", 1, true)
            ]
        );
        let since = Filter {
            since: Some("2026-09-15T00:00:00Z".into()),
            ..Filter::default()
        };
        assert_eq!(spans(&h, &since).unwrap().len(), 3);
    }

    #[test]
    fn an_objection_is_due_a_month_after_it_was_sent() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite3")).unwrap();
        let who = Who {
            site: "linkedin".into(),
            member: "ada".into(),
            profile: None,
        };
        h.record_objection_draft(&who, "2026-10-01T08:00:00Z", &["name", "email"])
            .unwrap();
        h.record_objection_sent(
            &who,
            "2026-10-02T08:00:00Z",
            Day::parse("2026-10-31").unwrap(),
        )
        .unwrap();
        let today = Day::parse("2026-12-01").unwrap();
        let o = objections(&h, &Filter::default(), today).unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].answer_due.as_deref(), Some("2026-11-30"));
        assert_eq!(o[0].days_left, Some(-1));
        assert_eq!(o[0].fields, ["name", "email"]);
    }
}
