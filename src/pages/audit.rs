//! One member's audit as a page: the verdict, then each group's settings with their state, what
//! the setting means, and what to do about one that exposes data.

use std::fmt::Write as _;

use super::{class_of, esc, shell};
use crate::catalog::{Catalog, Group};
use crate::report::Report;

/// `fix(id)`: the command (worded by the caller) that turns a setting off.
pub fn page(report: &Report, catalog: &Catalog, fix: &dyn Fn(&str) -> String) -> String {
    let mut body = String::new();
    let exposed = report
        .settings
        .iter()
        .filter(|s| s.private == Some(false))
        .count();
    let private = report
        .settings
        .iter()
        .filter(|s| s.private == Some(true))
        .count();
    let verdict = format!("{:?}", report.verdict).to_lowercase();
    let _ = write!(
        body,
        "<h1>Your LinkedIn privacy settings</h1>\n<p>Read {} ({}).</p>\n<p><span class=\"big {cls}\" id=\"verdict\" data-verdict=\"{verdict}\" data-exposed=\"{exposed}\" data-private=\"{private}\">{verdict_upper}</span> {exposed} setting(s) let LinkedIn use your data; {private} are private.</p>\n",
        esc(&report.checked_at),
        esc(report.account.name.as_deref().unwrap_or("your account")),
        cls = match verdict.as_str() {
            "private" => "private",
            "exposed" => "exposed",
            _ => "unknown",
        },
        verdict_upper = esc(&verdict.to_uppercase()),
    );
    for (group, _, what) in Group::ALL {
        let rows: Vec<_> = report
            .settings
            .iter()
            .filter(|s| s.group == group)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = write!(
            body,
            "<h2>{}</h2>\n<table>\n<thead><tr><th>Setting</th><th>State</th><th>What to do</th></tr></thead>\n<tbody>\n",
            esc(what)
        );
        for s in rows {
            let meaning = catalog
                .get(&s.id)
                .map(|e| e.meaning.clone())
                .unwrap_or_default();
            let shown = s
                .value
                .as_ref()
                .map(|v| v.label.clone())
                .unwrap_or_else(|| s.state_name().replace('_', " "));
            // A link only to a web address: never `javascript:` or a file.
            let link = if s.url.starts_with("https://") || s.url.starts_with("http://") {
                format!(
                    " (or on <a href=\"{}\" rel=\"noopener noreferrer\">LinkedIn's page</a>)",
                    esc(&s.url)
                )
            } else {
                String::new()
            };
            let todo = match s.private {
                Some(false) => format!("<code>{}</code>{link}", esc(&fix(&s.id))),
                Some(true) => "nothing".to_string(),
                None => esc(s.reason.as_deref().unwrap_or("-")),
            };
            let _ = writeln!(
                body,
                "<tr class=\"setting\" data-id=\"{id}\" data-state=\"{state}\"><td><strong>{title}</strong><div class=\"meaning\">{meaning}</div></td><td class=\"{cls}\">{shown}</td><td>{todo}</td></tr>",
                id = esc(&s.id),
                state = esc(s.state_name()),
                title = esc(&s.title),
                meaning = esc(&meaning),
                cls = class_of(s.private, s.state_name()),
                shown = esc(&crate::text::clean_line(&shown, 120)),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("<p>Written by linkedin-privacy. It holds no session and sends nothing.</p>");
    shell("Your LinkedIn privacy settings", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Identity, SettingRow, State};

    #[test]
    fn text_from_a_server_stays_text() {
        let mut row = SettingRow::bare("generative-ai-training", State::Unknown, None);
        row.reason = Some("<script>alert(1)</script> & \"x\"".to_string());
        row.title = "<img src=x onerror=alert(2)>".to_string();
        let mut exposed = SettingRow::bare("research-data", State::On, Some(false));
        exposed.url = "javascript:\"><b>".to_string();
        let report = Report::new(
            Identity::default(),
            vec![row, exposed],
            "2026-12-01T08:00:00Z".to_string(),
        );
        let page = page(&report, &Catalog::builtin(), &|id| format!("fix <{id}>"));
        assert!(!page.contains("<script>alert") && !page.contains("<img src=x"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(page.contains("fix &lt;research-data&gt;"));
        assert!(!page.contains("\"><b>") && !page.contains("javascript:"));
    }
}
