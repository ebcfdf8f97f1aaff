//! A JUnit XML report of a run, for CI dashboards: one test suite per run, one test case per
//! account and setting. A setting that exposes data is a failure; one that is unknown, and an
//! account that could not be audited, an error; an informational entry is skipped.

use std::fmt::Write as _;

use crate::report::{Report, State};

/// Test cases gathered as reports arrive; written whole at the end (JUnit wants the counts
/// first).
#[derive(Default)]
pub struct Junit {
    cases: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Junit {
    pub fn add(&mut self, report: &Report) {
        let account = report
            .account
            .label
            .as_deref()
            .or(report.account.profile.as_deref())
            .unwrap_or("account");
        for row in &report.settings {
            self.tests += 1;
            let body = match (row.state, row.private) {
                (_, Some(false)) => {
                    self.failures += 1;
                    format!(
                        "<failure type=\"exposed\" message=\"{} is {}: LinkedIn may use this member's data\"/>",
                        escape(&row.title),
                        row.state.as_str()
                    )
                }
                (State::Unknown, _) => {
                    self.errors += 1;
                    format!(
                        "<error type=\"unknown\" message=\"{}\"/>",
                        escape(row.reason.as_deref().unwrap_or("the state is not proven"))
                    )
                }
                (State::NotOffered | State::Informational, None) => {
                    self.skipped += 1;
                    format!(
                        "<skipped message=\"{}\"/>",
                        escape(row.reason.as_deref().unwrap_or("not offered"))
                    )
                }
                _ => String::new(),
            };
            let _ = writeln!(
                self.cases,
                "    <testcase classname=\"{}\" name=\"{}\">{body}</testcase>",
                escape(account),
                escape(&row.id)
            );
        }
        if let Some(e) = &report.error {
            self.tests += 1;
            self.errors += 1;
            let _ = writeln!(
                self.cases,
                "    <testcase classname=\"{}\" name=\"audit\"><error type=\"{}\" message=\"{}\"/></testcase>",
                escape(account),
                escape(&e.kind),
                escape(&e.message)
            );
        }
    }

    /// The whole document.
    pub fn document(&self, timestamp: &str, seconds: f64) -> String {
        let attrs = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\"",
            self.tests, self.failures, self.errors, self.skipped
        );
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"linkedin-privacy\" {attrs}>\n  <testsuite name=\"linkedin-privacy audit\" timestamp=\"{}\" {attrs}>\n{}  </testsuite>\n</testsuites>\n",
            escape(timestamp),
            self.cases
        )
    }
}

/// Text for an XML attribute: escaped, and without the characters XML 1.0 does not allow.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::clean_line(text, 2 * crate::text::MAX_SHOWN).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_escaped_and_controls_dropped() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}[2J"),
            "a&lt;b&gt;&amp;&quot;c&apos; [2J"
        );
    }
}
