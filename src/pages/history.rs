//! The history as a page: each setting's timeline as a band over time (private, exposed,
//! unknown), the moments a setting was switched back on marked, and the objections with the day
//! LinkedIn's answer is due.

use std::fmt::Write as _;

use super::{class_of, esc, shell};
use crate::history::timeline::{Objection, Span};

/// Seconds since 1970 of an RFC 3339 time, when it is one.
fn seconds(t: &str) -> Option<f64> {
    let at = crate::clock::FixedClock::parse(t)?.0;
    Some(
        at.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
    )
}

pub fn page(spans: &[Span], objections: &[Objection], now: &str) -> String {
    let mut body = String::from("<h1>Your LinkedIn privacy history</h1>\n");
    let start = spans
        .iter()
        .filter_map(|s| seconds(&s.from))
        .fold(f64::INFINITY, f64::min);
    let end = seconds(now).unwrap_or(0.0).max(
        spans
            .iter()
            .filter_map(|s| seconds(&s.until))
            .fold(f64::NEG_INFINITY, f64::max),
    );
    let width = 640.0;
    let span_of = end - start;
    let x = |t: f64| {
        if span_of > 0.0 {
            (t - start) / span_of * width
        } else {
            0.0
        }
    };
    // One band per member and setting: several members may share a history.
    let mut settings: Vec<(&str, &str, &str)> = spans
        .iter()
        .map(|s| (s.site.as_str(), s.member.as_str(), s.setting.as_str()))
        .collect();
    settings.sort_unstable();
    settings.dedup();
    let several = settings
        .iter()
        .map(|(site, member, _)| (site, member))
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        > 1;
    if settings.is_empty() {
        body.push_str("<p>No audit is recorded yet.</p>\n");
    } else {
        let _ = writeln!(
            body,
            "<p>From {} to {}. <span class=\"private\">&#9632;</span> private <span class=\"exposed\">&#9632;</span> exposed <span class=\"unknown\">&#9632;</span> unknown; &#9660; switched back on.</p>\n<table>\n<tbody>",
            esc(spans.iter().map(|s| s.from.as_str()).min().unwrap_or("-")),
            esc(now)
        );
        for (site, member, setting) in settings {
            let mine: Vec<&Span> = spans
                .iter()
                .filter(|s| s.site == site && s.member == member && s.setting == setting)
                .collect();
            let label = if several {
                format!("{} · {}", esc(member), esc(setting))
            } else {
                esc(setting)
            };
            let mut shapes = String::new();
            for (i, s) in mine.iter().enumerate() {
                let (Some(from), Some(until)) = (seconds(&s.from), seconds(&s.until)) else {
                    continue;
                };
                // A span lasts until the next one begins (or until now, for the last).
                let to = mine
                    .get(i + 1)
                    .and_then(|n| seconds(&n.from))
                    .unwrap_or(if i + 1 == mine.len() { end } else { until });
                let (x0, x1) = (x(from), x(to).max(x(from) + 2.0));
                let _ = write!(
                    shapes,
                    "<rect class=\"{cls}\" x=\"{x0:.1}\" y=\"10\" width=\"{w:.1}\" height=\"16\" data-state=\"{state}\"><title>{state} from {from_t} ({checks} check(s))</title></rect>",
                    cls = class_of(s.private, &s.state),
                    w = x1 - x0,
                    state = esc(&s.state),
                    from_t = esc(&s.from),
                    checks = s.checks,
                );
                if s.reenabled {
                    let _ = write!(
                        shapes,
                        "<path class=\"exposed reenabled\" d=\"M{a:.1},0 l10,0 l-5,9 z\"><title>switched back on by {from_t}</title></path>",
                        a = x0 - 5.0,
                        from_t = esc(&s.from)
                    );
                }
            }
            let _ = writeln!(
                body,
                "<tr class=\"setting\" data-id=\"{id}\" data-member=\"{who}\"><th scope=\"row\">{label}</th><td><svg width=\"650\" height=\"28\" viewBox=\"-5 0 650 28\" role=\"img\" aria-label=\"{id}\">{shapes}</svg></td></tr>",
                id = esc(setting),
                who = esc(member)
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    if !objections.is_empty() {
        body.push_str("<h2>Objections</h2>\n<table>\n<thead><tr><th>Account</th><th>Sent</th><th>Answer due</th><th>Answered</th></tr></thead>\n<tbody>\n");
        for o in objections {
            let due = match (&o.answer_due, o.overdue) {
                (Some(d), true) => format!("<span class=\"exposed\">{} (overdue)</span>", esc(d)),
                (Some(d), false) => esc(d),
                (None, _) => "-".to_string(),
            };
            let _ = writeln!(
                body,
                "<tr class=\"objection\" data-overdue=\"{}\"><td>{}</td><td>{}</td><td>{due}{}</td><td>{}</td></tr>",
                o.overdue,
                esc(&o.member),
                esc(o.sent_on.as_deref().unwrap_or("not marked sent")),
                if o.extended { " (extended)" } else { "" },
                esc(o.confirmed_on.as_deref().unwrap_or("-")),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    shell("Your LinkedIn privacy history", &body)
}
