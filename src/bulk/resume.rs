//! The `--resume` file: what a previous run's NDJSON says (the last line per label counts), which
//! accounts are done, and the file itself, locked for one run and appended to.

use crate::error::{Error, ErrorKind};
use crate::report::Verdict;

/// What a previous run's NDJSON says: the last line per account label counts (a file `--resume`
/// appended to holds an account again once it was audited again).
pub struct Previous {
    last: std::collections::HashMap<String, Outcome>,
}

/// One account's result as a line of NDJSON gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Option<Verdict>,
    /// `error.kind`, if the line has an error (a kind this version does not know is none).
    pub error: Option<ErrorKind>,
}

/// The longest line of a resume file read; a longer one is skipped.
const MAX_RESUME_LINE: usize = 1024 * 1024;

/// The `--resume` file, open for this run alone: locked (a second run on the same file is
/// refused, never run twice over the same accounts), read, then appended to.
pub struct ResumeFile {
    pub file: std::fs::File,
    pub path: std::path::PathBuf,
}

impl ResumeFile {
    /// Opens (or creates, 0600) the file, never through a symbolic link and only when it is a
    /// regular file, and takes its lock. `accounts` is the accounts file of the run: results
    /// are never appended to the file that holds the tokens.
    /// `history` is the run's history file: NDJSON is never appended to it either.
    pub fn open(
        path: &std::path::Path,
        accounts: Option<&std::path::Path>,
        history: Option<&std::path::Path>,
    ) -> crate::error::Result<ResumeFile> {
        if let Some(accounts) = accounts
            && (accounts == path || crate::fsx::same_file(accounts, path))
        {
            return Err(Error::usage_with(
                format!(
                    "the resume file {} is the accounts file itself; the run would append its results to the file that holds the tokens",
                    path.display()
                ),
                crate::error::Hint::ResumeOwnFile,
            ));
        }
        let file = crate::fsx::open_append_private(path).map_err(|e| {
            let why = match e {
                crate::fsx::ReadError::NotRegular => {
                    "it is not a regular file (a folder, a FIFO, or a symbolic link, which is never followed)".to_string()
                }
                other => other.to_string(),
            };
            Error::usage_with(
                format!("cannot use the resume file {}: {why}", path.display()),
                crate::error::Hint::ResumeFile,
            )
        })?;
        // The tokens may come on standard input from this very file (`--accounts - < FILE`), and
        // the history is a database: neither is a place for NDJSON.
        let taken = (accounts.is_none() && crate::fsx::is_stdin(&file))
            || history.is_some_and(|h| crate::fsx::same_file(h, path));
        let mut head = [0u8; 16];
        let is_sqlite = {
            use std::io::Read as _;
            (&file).read(&mut head).unwrap_or(0) == 16 && head.starts_with(b"SQLite format 3\0")
        };
        if taken || is_sqlite {
            return Err(Error::usage_with(
                format!(
                    "the resume file {} holds the accounts' tokens or the history; the run would append its results to it",
                    path.display()
                ),
                crate::error::Hint::ResumeOwnFile,
            ));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::usage_with(
                    format!(
                        "another linkedin-privacy run is using the resume file {}",
                        path.display()
                    ),
                    crate::error::Hint::ResumeBusy,
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Io {
                    what: path.display().to_string(),
                    detail: format!("cannot lock it: {e}"),
                });
            }
        }
        Ok(ResumeFile {
            file,
            path: path.to_path_buf(),
        })
    }

    /// What the file holds now, read from its start through the locked handle.
    pub fn previous(&self) -> crate::error::Result<Previous> {
        use std::io::{Seek, SeekFrom};
        let unreadable = |e: std::io::Error| crate::error::Error::Io {
            what: self.path.display().to_string(),
            detail: e.to_string(),
        };
        let mut handle = &self.file;
        handle.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        Previous::from_reader(std::io::BufReader::new(handle)).map_err(unreadable)
    }
}

impl Previous {
    /// Reads NDJSON a bounded line at a time. Lines that do not parse (the half line a crash
    /// may leave, text that is not UTF-8, a line longer than 1 MiB) are skipped.
    pub fn from_reader(mut reader: impl std::io::BufRead) -> std::io::Result<Previous> {
        let mut last = std::collections::HashMap::new();
        let mut buf = Vec::new();
        while let Some(line) = crate::fsx::read_line(&mut reader, MAX_RESUME_LINE, &mut buf)? {
            if line == crate::fsx::Line::TooLong {
                continue;
            }
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&buf) else {
                continue;
            };
            let Some(label) = v["account"]["label"].as_str() else {
                continue;
            };
            let outcome = Outcome {
                verdict: serde_json::from_value(v["verdict"].clone()).ok(),
                error: serde_json::from_value(v["error"]["kind"].clone()).ok(),
            };
            last.insert(label.to_string(), outcome);
        }
        Ok(Previous { last })
    }

    /// The labels whose result is certain and not audited again: proven private or exposed,
    /// and not cut off by the throttle, the network or an interruption. An account whose
    /// settings could not all be read (a 5xx, a drifted reply, an expired session) is
    /// audited again.
    pub fn done(&self) -> std::collections::HashSet<String> {
        self.last
            .iter()
            .filter(|(_, o)| {
                matches!(o.verdict, Some(Verdict::Private | Verdict::Exposed))
                    && !o.error.is_some_and(ErrorKind::cut_off)
            })
            .map(|(label, _)| label.clone())
            .collect()
    }

    /// Every account's last result.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.last.values()
    }

    pub fn len(&self) -> usize {
        self.last.len()
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resume_skips_what_has_a_result_and_the_last_line_counts() {
        let previous = concat!(
            r#"{"account":{"label":"a"},"verdict":"private","error":null}"#,
            "\n",
            r#"{"account":{"label":"b"},"verdict":"incomplete","error":{"kind":"session_expired"}}"#,
            "\n",
            r#"{"account":{"label":"c"},"error":{"kind":"not_reached"}}"#,
            "\n",
            r#"{"account":{"label":"d"},"error":{"kind":"throttled"}}"#,
            "\n",
            r#"{"account":{"label":"c"},"verdict":"exposed","error":null}"#,
            "\n",
            "\u{0}\u{ff}not json\n",
            r#"{"account":{"label":"a"},"error":{"kind":"timeout"}}"#,
            "\n",
            r#"{"account":{"label":"e"},"er"#,
        );
        let prev = Previous::from_reader(previous.as_bytes()).unwrap();
        let mut done: Vec<String> = prev.done().into_iter().collect();
        done.sort();
        assert_eq!(
            done,
            ["c"],
            "a's last line is a timeout and b's session failed: both audited again"
        );
        assert_eq!(prev.len(), 4);
        let exposed = prev
            .outcomes()
            .filter(|o| o.verdict == Some(crate::report::Verdict::Exposed))
            .count();
        assert_eq!(exposed, 1);
    }
    #[test]
    fn a_resume_file_with_bytes_that_are_not_text_still_reads() {
        let mut bytes = b"{\"account\":{\"label\":\"a\"},\"error\":null}\n".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
        bytes.extend(std::iter::repeat_n(b'x', MAX_RESUME_LINE * 2));
        bytes.extend_from_slice(b"\n{\"account\":{\"label\":\"b\"},\"error\":null}\n");
        let prev = Previous::from_reader(&bytes[..]).unwrap();
        assert_eq!(prev.len(), 2);
    }
}
