//! The accounts file of a bulk audit: one account per line, either `label<TAB>li_at[<TAB>JSESSIONID]`
//! or a JSON object `{"label": …, "li_at": …, "jsessionid": …}`; blank lines and `#` comments are
//! skipped. A line that is neither is reported by its number, never its content. A regular file
//! is read twice (labels first, to refuse duplicates before any request; then the accounts,
//! streamed), so memory does not grow with the tokens of thousands of accounts; standard input,
//! a pipe or a process substitution can be read only once, so it is held in memory (up to
//! [`MAX_BUFFERED`]).

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The longest line read; a longer one is malformed, not cut.
const MAX_LINE: usize = 64 * 1024;
/// The longest label kept.
const MAX_LABEL: usize = 100;
/// The most read from a source that cannot be read twice.
pub const MAX_BUFFERED: u64 = 256 * 1024 * 1024;

/// One account of the file.
pub struct AccountLine {
    /// The line it is on (from 1).
    pub line: usize,
    pub label: String,
    pub li_at: Secret,
    pub jsessionid: Option<String>,
}

/// What a line of the file holds.
pub enum Item {
    Account(AccountLine),
    /// A line that is neither form; the reason never quotes the line.
    Malformed {
        line: usize,
        why: &'static str,
    },
}

impl Item {
    pub fn line(&self) -> usize {
        match self {
            Item::Account(a) => a.line,
            Item::Malformed { line, .. } => *line,
        }
    }
}

/// Where the accounts come from.
#[derive(Clone, Debug)]
pub enum Source {
    File(PathBuf),
    /// Standard input, read once into memory (it cannot be read twice; nor can a pipe or a
    /// device given as a file, which is read the same way).
    Stdin,
}

/// What the first pass learned: how many accounts, and that no label repeats.
pub struct Survey {
    pub accounts: usize,
    pub malformed: usize,
    /// Set for a file whose group or others may read it (it holds session tokens).
    pub too_open: Option<u32>,
}

/// An opened accounts source, surveyed and ready to be read.
pub struct Accounts {
    source: Source,
    /// Standard input's text, kept for the second pass.
    buffered: Option<Zeroizing<Vec<u8>>>,
    pub survey: Survey,
}

impl Accounts {
    /// Reads the source once: counts the accounts, refuses duplicate labels (a usage error that
    /// names the label and its lines), and notes a file others may read.
    pub fn open(source: Source, stdin: impl Read) -> Result<Accounts> {
        let unreadable = |what: &str, e: std::io::Error| {
            Error::usage(
                format!("cannot read the accounts {what}: {e}"),
                Some("give a file of label<TAB>li_at lines, or - for standard input".to_string()),
            )
        };
        let buffer = |what: &str, from: &mut dyn Read| -> Result<Zeroizing<Vec<u8>>> {
            let mut bytes = Zeroizing::new(Vec::new());
            from.take(MAX_BUFFERED + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable(what, e))?;
            if bytes.len() as u64 > MAX_BUFFERED {
                return Err(Error::usage(
                    format!("the accounts {what} are larger than 256 MiB"),
                    Some(
                        "give a regular file, which is streamed instead of held in memory"
                            .to_string(),
                    ),
                ));
            }
            Ok(bytes)
        };
        let (buffered, too_open) = match &source {
            Source::File(path) => {
                let meta = std::fs::metadata(path).map_err(|e| {
                    Error::usage_with(
                        format!("cannot read the accounts file {}: {e}", path.display()),
                        crate::error::Hint::AccountsPath,
                    )
                })?;
                if meta.is_dir() {
                    return Err(Error::usage(
                        format!("the accounts file {} is a folder", path.display()),
                        Some(
                            "give a file of label<TAB>li_at lines, or - for standard input"
                                .to_string(),
                        ),
                    ));
                }
                if meta.is_file() {
                    (None, mode_too_open(path))
                } else {
                    // A pipe, a process substitution, a device: one read, held in memory.
                    let mut file = std::fs::File::open(path).map_err(|e| unreadable("file", e))?;
                    (Some(buffer("file", &mut file)?), None)
                }
            }
            Source::Stdin => {
                let mut stdin = stdin;
                (Some(buffer("from standard input", &mut stdin)?), None)
            }
        };
        let mut accounts = Accounts {
            source,
            buffered,
            survey: Survey {
                accounts: 0,
                malformed: 0,
                too_open,
            },
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let (mut count, mut malformed) = (0, 0);
        for item in accounts.items()? {
            match item {
                Item::Account(a) => {
                    if let Some(first) = seen.insert(a.label.clone(), a.line) {
                        return Err(Error::usage(
                            format!(
                                "the label {:?} is on lines {first} and {} of the accounts",
                                a.label, a.line
                            ),
                            Some("give every account a label of its own".to_string()),
                        ));
                    }
                    count += 1;
                }
                Item::Malformed { .. } => malformed += 1,
            }
        }
        accounts.survey.accounts = count;
        accounts.survey.malformed = malformed;
        Ok(accounts)
    }

    /// The accounts, one line at a time.
    pub fn items(&self) -> Result<Box<dyn Iterator<Item = Item> + Send + '_>> {
        let reader: Box<dyn BufRead + Send + '_> = match (&self.source, &self.buffered) {
            (_, Some(bytes)) => Box::new(std::io::Cursor::new(&bytes[..])),
            (Source::File(path), None) => {
                let file = std::fs::File::open(path).map_err(|e| {
                    Error::usage_with(
                        format!("cannot read the accounts file {}: {e}", path.display()),
                        crate::error::Hint::AccountsPath,
                    )
                })?;
                Box::new(std::io::BufReader::new(file))
            }
            (Source::Stdin, None) => unreachable!("standard input is always buffered"),
        };
        Ok(Box::new(Lines {
            reader,
            line: 0,
            broken: false,
        }))
    }
}

struct Lines<R> {
    reader: R,
    line: usize,
    /// Set after a read error: the item that says so was the last.
    broken: bool,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.broken {
            return None;
        }
        loop {
            // At most MAX_LINE bytes of a line are ever held: a longer one is read past.
            let mut buf = Zeroizing::new(Vec::with_capacity(256));
            let read = crate::fsx::read_line(&mut self.reader, MAX_LINE, &mut buf);
            let Ok(read) = read else {
                // Never a silent end: the accounts after this point are not audited, and the
                // run says so.
                self.broken = true;
                return Some(Item::Malformed {
                    line: self.line + 1,
                    why: "the accounts could not be read from this line on",
                });
            };
            let line = read?;
            self.line += 1;
            if line == crate::fsx::Line::TooLong {
                return Some(Item::Malformed {
                    line: self.line,
                    why: "the line is longer than 64 KiB",
                });
            }
            let Ok(mut text) = std::str::from_utf8(&buf) else {
                return Some(Item::Malformed {
                    line: self.line,
                    why: "the line is not UTF-8 text",
                });
            };
            // A byte-order mark that an editor put at the start of the file is no part of the
            // first label.
            if self.line == 1 {
                text = text.strip_prefix('\u{feff}').unwrap_or(text);
            }
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            return Some(parse_line(self.line, text));
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    label: String,
    li_at: String,
    #[serde(default)]
    jsessionid: Option<String>,
}

impl Drop for JsonLine {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.li_at);
    }
}

/// One line: tab-separated or a JSON object.
pub fn parse_line(line: usize, text: &str) -> Item {
    let bad = |why| Item::Malformed { line, why };
    let (label, li_at, jsessionid) = if text.trim_start().starts_with('{') {
        let Ok(mut j) = serde_json::from_str::<JsonLine>(text) else {
            return bad("the JSON object is not {\"label\", \"li_at\", \"jsessionid\"}");
        };
        (
            std::mem::take(&mut j.label),
            Zeroizing::new(std::mem::take(&mut j.li_at)),
            j.jsessionid.take(),
        )
    } else {
        let mut parts = text.split('\t');
        let (Some(label), Some(li_at)) = (parts.next(), parts.next()) else {
            return bad("the line is neither label<TAB>li_at nor a JSON object");
        };
        let jsessionid = parts.next().map(str::to_string);
        if parts.next().is_some() {
            return bad("the line has more than three tab-separated fields");
        }
        (
            label.to_string(),
            Zeroizing::new(li_at.to_string()),
            jsessionid,
        )
    };
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL || !crate::text::is_clean(label) {
        return bad("the label is empty, longer than 100 characters, or holds control characters");
    }
    // Two labels that look the same are the same label: one composed form, and no character a
    // reader cannot see (a zero-width space, a byte-order mark, a soft hyphen).
    if label.chars().any(crate::text::is_invisible) {
        return bad(
            "the label holds an invisible character (a zero-width space, a byte-order mark, a non-breaking space)",
        );
    }
    // Compatibility form: a fullwidth `ａｄａ` is the label `ada`.
    let label: String = unicode_normalization::UnicodeNormalization::nfkc(label).collect();
    let li_at = li_at.trim();
    if li_at.is_empty()
        || !li_at
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"\";,\\".contains(&b))
    {
        return bad("the li_at value is empty or holds characters a cookie cannot hold");
    }
    Item::Account(AccountLine {
        line,
        label,
        li_at: Secret::new(li_at),
        jsessionid: jsessionid
            .map(|j| j.trim().trim_matches('"').to_string())
            .filter(|j| !j.is_empty()),
    })
}

/// The mode of a file group or others may read (it holds session tokens), if so.
fn mode_too_open(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(text: &str) -> Result<Accounts> {
        Accounts::open(Source::Stdin, text.as_bytes())
    }

    #[test]
    fn both_forms_comments_and_blank_lines() {
        let a = accounts(
            "# members who consented\n\nada\ttok-a\nbob\ttok-b\t\"ajax:1\"\n{\"label\":\"cy\",\"li_at\":\"tok-c\"}\n",
        )
        .unwrap();
        assert_eq!(a.survey.accounts, 3);
        let items: Vec<Item> = a.items().unwrap().collect();
        let Item::Account(b) = &items[1] else {
            panic!()
        };
        assert_eq!((b.line, b.label.as_str()), (4, "bob"));
        assert_eq!(b.li_at.expose(), "tok-b");
        assert_eq!(b.jsessionid.as_deref(), Some("ajax:1"));
        assert_eq!(items[2].line(), 5);
    }

    #[test]
    fn malformed_lines_are_named_by_number_never_by_content() {
        let a = accounts(
            "ok\ttok\nSECRETTOKENWITHOUTATAB\n{\"label\":\"x\",\"li-at\":\"SECRETJSON\"}\n\tnolabel\nsp\tto ken\n",
        )
        .unwrap();
        assert_eq!(a.survey.accounts, 1);
        assert_eq!(a.survey.malformed, 4);
        for item in a.items().unwrap() {
            if let Item::Malformed { line, why } = item {
                assert!(line > 1);
                assert!(!why.contains("SECRET"));
            }
        }
    }

    #[test]
    fn duplicate_labels_are_refused_before_anything_runs() {
        let Err(err) = accounts("ada\ta\nbob\tb\nada\tc\n") else {
            panic!("duplicates were accepted")
        };
        assert_eq!(err.kind().as_str(), "usage");
        assert!(err.to_string().contains("lines 1 and 3"), "{err}");
    }

    #[test]
    fn an_overlong_line_is_malformed_and_the_next_still_reads() {
        let text = format!("a\t{}\nb\ttok\n", "x".repeat(70_000));
        let a = accounts(&text).unwrap();
        assert_eq!((a.survey.accounts, a.survey.malformed), (1, 1));
    }
}
