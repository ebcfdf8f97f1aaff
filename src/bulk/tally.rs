//! The counts a run over many accounts ends with: how many were private, exposed, incomplete,
//! failed (by error kind), not reached, and which were switched back on. Policy goes by
//! [`ErrorKind`], never by strings.

use std::collections::BTreeMap;

use crate::error::ErrorKind;
use crate::report::{Report, Verdict};

#[derive(Debug, Default)]
pub struct Tally {
    pub private: usize,
    pub exposed: usize,
    pub incomplete: usize,
    pub failed: BTreeMap<ErrorKind, usize>,
    pub not_reached: usize,
    pub malformed: usize,
    /// Accounts with a setting whose state changed since the history's last record.
    pub changed: usize,
    /// The labels of accounts with a setting switched back on.
    pub reenabled: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, r: &Report) {
        self.add_outcome(Some(r.verdict), r.error.as_ref().map(|e| e.kind));
    }

    /// One account: its verdict (if known) and its error's kind (if any).
    pub fn add_outcome(&mut self, verdict: Option<Verdict>, error: Option<ErrorKind>) {
        match (error, verdict) {
            (Some(ErrorKind::NotReached), _) => self.not_reached += 1,
            (_, Some(Verdict::Exposed)) => self.exposed += 1,
            (Some(kind), _) => *self.failed.entry(kind).or_default() += 1,
            (None, Some(Verdict::Private)) => self.private += 1,
            (None, _) => self.incomplete += 1,
        }
    }

    pub fn failed(&self) -> usize {
        self.failed.values().sum()
    }

    /// Every account counted.
    pub fn accounts(&self) -> usize {
        self.private + self.exposed + self.incomplete + self.failed() + self.not_reached
    }

    /// Whether the throttle stopped the run short: accounts not reached, throttled or blocked.
    pub fn throttled(&self) -> bool {
        self.not_reached > 0
            || self.failed.contains_key(&ErrorKind::Throttled)
            || self.failed.contains_key(&ErrorKind::Blocked)
    }

    /// Whether the tool itself failed on an account (a bug).
    pub fn bug(&self) -> bool {
        self.failed.contains_key(&ErrorKind::Internal)
    }

    /// Whether anything could not be audited with certainty.
    pub fn uncertain(&self) -> bool {
        self.failed() > 0 || self.incomplete > 0 || self.malformed > 0
    }

    /// What the progress bar says, the worst first and without the kinds: "1 exposed, 3 private,
    /// 1 failed".
    pub fn brief(&self) -> String {
        let mut parts = vec![
            format!("{} exposed", self.exposed),
            format!("{} private", self.private),
        ];
        for (n, what) in [
            (self.incomplete, "incomplete"),
            (self.failed(), "failed"),
            (self.not_reached, "not reached"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        parts.join(", ")
    }

    /// "3 private, 1 exposed, 0 incomplete, 1 failed (1 throttled)".
    pub fn counts(&self) -> String {
        let mut parts = vec![
            format!("{} private", self.private),
            format!("{} exposed", self.exposed),
            format!("{} incomplete", self.incomplete),
        ];
        if self.failed() > 0 {
            let mut kinds: Vec<(&str, usize)> =
                self.failed.iter().map(|(k, n)| (k.as_str(), *n)).collect();
            kinds.sort();
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
            parts.push(format!("{} failed ({})", self.failed(), kinds.join(", ")));
        }
        if self.not_reached > 0 {
            parts.push(format!("{} not reached", self.not_reached));
        }
        if !self.reenabled.is_empty() {
            const SHOWN: usize = 5;
            let mut names = self.reenabled[..self.reenabled.len().min(SHOWN)].join(", ");
            if self.reenabled.len() > SHOWN {
                names.push_str(&format!(" and {} more", self.reenabled.len() - SHOWN));
            }
            parts.push(format!(
                "{} switched back on ({names})",
                self.reenabled.len()
            ));
        }
        parts.join(", ")
    }
}
