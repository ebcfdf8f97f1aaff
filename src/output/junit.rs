//! JUnit XML, for CI dashboards, written one way for every command that has it (audit, drift):
//! one test suite per run, one test case per thing checked. The shape stays inside what the
//! widely used JUnit schemas accept (Jenkins' junit-10.xsd and the older junit-4.xsd): no
//! attribute on `<skipped>`, no `skipped` count on `<testsuites>`, a `time` of digits. Every
//! character XML 1.0 does not allow is dropped, so one hostile reply can never make the file
//! unparseable and hide every other result.

use std::fmt::Write as _;

use crate::report::{Report, State};

/// How one test case ended.
pub enum Outcome {
    Passed,
    /// Something checked and found wrong (a setting that exposes data, breaking drift).
    Failure {
        kind: String,
        message: String,
    },
    /// Something that could not be checked (an unknown state, an account not audited).
    Error {
        kind: String,
        message: String,
    },
    /// Not applicable (a setting LinkedIn does not offer this member).
    Skipped,
}

/// A test suite being written: its cases as they come, the counts for the header.
pub struct Suite {
    name: String,
    cases: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Suite {
    pub fn new(name: &str) -> Suite {
        Suite {
            name: name.to_string(),
            cases: String::new(),
            tests: 0,
            failures: 0,
            errors: 0,
            skipped: 0,
        }
    }

    /// One test case; `output` (notes, a reason) goes in its `<system-out>`.
    pub fn case(&mut self, classname: &str, name: &str, outcome: Outcome, output: Option<&str>) {
        self.tests += 1;
        let mut body = String::new();
        match &outcome {
            Outcome::Passed => {}
            Outcome::Failure { kind, message } => {
                self.failures += 1;
                let _ = write!(
                    body,
                    "<failure type=\"{}\" message=\"{}\"/>",
                    attribute(kind),
                    attribute(message)
                );
            }
            Outcome::Error { kind, message } => {
                self.errors += 1;
                let _ = write!(
                    body,
                    "<error type=\"{}\" message=\"{}\"/>",
                    attribute(kind),
                    attribute(message)
                );
            }
            Outcome::Skipped => {
                self.skipped += 1;
                body.push_str("<skipped/>");
            }
        }
        if let Some(out) = output.filter(|o| !o.is_empty()) {
            let _ = write!(body, "<system-out>{}</system-out>", attribute(out));
        }
        let _ = writeln!(
            self.cases,
            "    <testcase classname=\"{}\" name=\"{}\">{body}</testcase>",
            attribute(classname),
            attribute(name)
        );
    }

    pub fn failures(&self) -> usize {
        self.failures
    }

    /// The whole document.
    pub fn document(&self, timestamp: &str, seconds: Option<f64>) -> String {
        let time = seconds
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| format!(" time=\"{s:.3}\""))
            .unwrap_or_default();
        let counts = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\"",
            self.tests, self.failures, self.errors
        );
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"linkedin-privacy\" {counts}{time}>\n  <testsuite name=\"{}\" timestamp=\"{}\" {counts} skipped=\"{}\"{time}>\n{}  </testsuite>\n</testsuites>\n",
            attribute(&self.name),
            attribute(timestamp),
            self.skipped,
            self.cases
        )
    }
}

/// An audit's test cases, gathered as reports arrive: one per account and setting read (an
/// informational entry is no test: nothing is read), and one for an account that could not be
/// audited. A setting that exposes data is a failure; one that is unknown, an error; one not
/// offered, skipped.
pub struct Junit {
    suite: Suite,
}

impl Default for Junit {
    fn default() -> Junit {
        Junit {
            suite: Suite::new("linkedin-privacy audit"),
        }
    }
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
            let outcome = match (row.state, row.private) {
                (State::Informational, _) => continue,
                (_, Some(false)) => Outcome::Failure {
                    kind: "exposed".to_string(),
                    message: format!(
                        "{} is {}: LinkedIn may use this member's data",
                        row.title,
                        match &row.value {
                            Some(v) => format!("\"{}\"", v.label),
                            None => row.state.as_str().to_string(),
                        }
                    ),
                },
                (State::Unknown, _) => Outcome::Error {
                    kind: "unknown".to_string(),
                    message: row
                        .reason
                        .clone()
                        .unwrap_or_else(|| "the state is not proven".to_string()),
                },
                (State::NotOffered, None) => Outcome::Skipped,
                _ => Outcome::Passed,
            };
            let output = match outcome {
                Outcome::Skipped => row.reason.as_deref(),
                _ => None,
            };
            self.suite.case(account, &row.id, outcome, output);
        }
        if let Some(e) = &report.error {
            self.suite.case(
                account,
                "audit",
                Outcome::Error {
                    kind: e.kind.as_str().to_string(),
                    message: e.message.clone(),
                },
                None,
            );
        }
    }

    /// The whole document.
    pub fn document(&self, timestamp: &str, seconds: f64) -> String {
        self.suite.document(timestamp, Some(seconds))
    }
}

/// Whether XML 1.0 allows a character in a document (and it is no noncharacter, which it
/// discourages).
fn allowed(c: char) -> bool {
    let n = c as u32;
    let xml = matches!(n, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    let nonchar = (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE;
    xml && !nonchar
}

/// Text for an XML attribute or element: one clean line (control characters and everything XML
/// does not allow dropped), escaped.
pub fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::clean_line(text, 2 * crate::text::MAX_SHOWN).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            attribute("a<b>&\"c'\u{1b}[2J"),
            "a&lt;b&gt;&amp;&quot;c&apos; [2J"
        );
        let hostile = "x\u{fffe}\u{ffff}\u{fdd0}\u{1fffe}\u{10ffff}\u{0}\u{b}y\u{e000}";
        assert_eq!(attribute(hostile), "x y\u{e000}");
        for n in 0..=0x10FFFFu32 {
            if let Some(c) = char::from_u32(n) {
                let a = attribute(&format!("a{c}b"));
                assert!(a.chars().all(allowed), "U+{n:04X} gives {a:?}");
            }
        }
    }
}
