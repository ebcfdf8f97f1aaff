//! The process exit codes, in one place. The README carries the same table; scripts rely on it,
//! so a code never changes meaning.

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
        let readme = include_str!("../README.md");
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
}
