//! The process exit codes, chosen in one place at the edge: library errors carry a kind, reports
//! a verdict, and this module maps both to a code. The README carries the same table; scripts
//! rely on it, so a code never changes meaning.

use crate::error::{Error, ErrorKind};
use crate::report::{ErrorView, Report, Verdict};

/// Every exit status the tool uses on purpose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Exit {
    /// Success; for `audit`, every setting checked is private.
    #[default]
    Ok = 0,
    /// At least one setting lets LinkedIn use the member's data.
    Exposed = 1,
    /// The command line, a flag value or an input file is wrong.
    Usage = 2,
    /// A state could not be read with certainty, a reply drifted or was unexpected, or a write
    /// could not be verified.
    Unknown = 3,
    /// Not signed in, session expired, challenge or CSRF failure.
    Session = 4,
    /// Throttled (429) or blocked (999) after the bounded retries.
    Throttled = 5,
    /// Network failure or timeout.
    Network = 6,
    /// Output or a local file could not be written (a full disk, a closed file, no permission).
    Io = 7,
    /// A bug: the program panicked. The panic hook prints where; please report it.
    Bug = 101,
    /// Interrupted by SIGINT, SIGTERM or SIGHUP; what was known is printed first.
    Interrupted = 130,
}

impl Exit {
    /// Every exit status, in order.
    pub const ALL: [Exit; 10] = [
        Exit::Ok,
        Exit::Exposed,
        Exit::Usage,
        Exit::Unknown,
        Exit::Session,
        Exit::Throttled,
        Exit::Network,
        Exit::Io,
        Exit::Bug,
        Exit::Interrupted,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ErrorKind> for Exit {
    fn from(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Usage => Exit::Usage,
            k if k.is_session() => Exit::Session,
            k if k.is_throttle() => Exit::Throttled,
            k if k.is_network() => Exit::Network,
            ErrorKind::Io | ErrorKind::History => Exit::Io,
            ErrorKind::Internal => Exit::Bug,
            ErrorKind::Interrupted => Exit::Interrupted,
            _ => Exit::Unknown,
        }
    }
}

impl From<&Error> for Exit {
    fn from(e: &Error) -> Exit {
        e.kind().into()
    }
}

impl From<&ErrorView> for Exit {
    fn from(e: &ErrorView) -> Exit {
        e.kind.into()
    }
}

impl From<Verdict> for Exit {
    /// 0 private, 1 exposed, 3 incomplete.
    fn from(v: Verdict) -> Exit {
        match v {
            Verdict::Private => Exit::Ok,
            Verdict::Exposed => Exit::Exposed,
            Verdict::Incomplete => Exit::Unknown,
        }
    }
}

impl From<&Report> for Exit {
    /// An exposed verdict decides (a setting proven on matters more than what failed after it);
    /// otherwise the error's code when the run stopped, or the verdict's.
    fn from(r: &Report) -> Exit {
        match (&r.error, r.verdict) {
            (_, Verdict::Exposed) => Exit::Exposed,
            (Some(e), _) => e.into(),
            (None, verdict) => verdict.into(),
        }
    }
}

/// A run over many accounts: 1 if any account is exposed; else 101 if the tool failed on one
/// itself; else 5 if any was not reached or throttled out; else 3 if any could not be audited;
/// else 0.
pub fn of_tally(t: &crate::bulk::Tally) -> Exit {
    if t.exposed > 0 {
        Exit::Exposed
    } else if t.bug() {
        Exit::Bug
    } else if t.throttled() {
        Exit::Throttled
    } else if t.uncertain() {
        Exit::Unknown
    } else {
        Exit::Ok
    }
}

/// `.exit()` on what a command ends with, for the command layer (the library knows no codes).
pub trait ExitOf {
    fn exit(&self) -> Exit;
}

impl ExitOf for Error {
    fn exit(&self) -> Exit {
        self.into()
    }
}

impl ExitOf for ErrorView {
    fn exit(&self) -> Exit {
        self.into()
    }
}

impl ExitOf for Report {
    fn exit(&self) -> Exit {
        self.into()
    }
}

impl ExitOf for Verdict {
    fn exit(&self) -> Exit {
        (*self).into()
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's exit-code table lists exactly these codes.
    #[test]
    fn the_readme_table_and_the_enum_agree() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## Exit codes")
            .nth(1)
            .expect("the README has an exit-code section");
        let table: Vec<u8> = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.trim_matches('|').split('|').next())
            .filter_map(|c| c.trim().parse().ok())
            .collect();
        let ours: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(table, ours);
    }

    #[test]
    fn every_kind_has_a_code_and_verdicts_map_as_documented() {
        use crate::error::ErrorKind as K;
        assert_eq!(Exit::from(K::Usage), Exit::Usage);
        assert_eq!(Exit::from(K::Csrf), Exit::Session);
        assert_eq!(Exit::from(K::NotReached), Exit::Throttled);
        assert_eq!(Exit::from(K::Proxy), Exit::Network);
        assert_eq!(Exit::from(K::History), Exit::Io);
        assert_eq!(Exit::from(K::Internal), Exit::Bug);
        assert_eq!(Exit::from(K::Drift), Exit::Unknown);
        assert_eq!(Exit::from(Verdict::Exposed), Exit::Exposed);
        assert_eq!(Exit::from(Verdict::Incomplete), Exit::Unknown);
    }
}
