//! Questions asked on the terminal: a plain answer, or a hidden one (a token, a password) for
//! which echo is turned off *before* the question is shown, so nothing typed or pasted the moment
//! the prompt appears is ever echoed.

use std::io::{self, BufRead, Read, Write};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The longest answer read: a token or a password is far shorter.
const MAX_ANSWER: usize = 16 * 1024;

/// Asks a question on stderr and reads one line of the answer from stdin, trimmed.
pub fn ask_line(question: &str) -> Result<String> {
    write_prompt(question);
    let mut line = String::new();
    io::stdin()
        .lock()
        .take(MAX_ANSWER as u64)
        .read_line(&mut line)
        .map_err(|e| Error::usage(format!("cannot read the answer: {e}"), None))?;
    Ok(line.trim().to_string())
}

/// Asks on stderr and reads one line from the terminal on stdin with echo off. An answer longer
/// than 16 KiB is refused, never cut.
pub fn ask_hidden(question: &str) -> Result<Secret> {
    let echo = EchoOff::new()?;
    write_prompt(question);
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    let read = io::stdin()
        .lock()
        .take(MAX_ANSWER as u64 + 1)
        .read_until(b'\n', &mut bytes);
    drop(echo);
    // Echo was off, so the person's Enter left the cursor on the prompt's line.
    write_prompt("\n");
    read.map_err(|e| Error::usage(format!("cannot read from the terminal: {e}"), None))?;
    if bytes.len() > MAX_ANSWER {
        return Err(Error::usage(
            "the answer is longer than 16 KiB",
            Some("paste the value alone".to_string()),
        ));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::usage("the answer is not UTF-8 text", None))?;
    Ok(Secret::new(text.trim_end_matches(['\r', '\n'])))
}

fn write_prompt(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Echo turned off on the terminal on stdin, and back on when dropped.
struct EchoOff {
    #[cfg(unix)]
    saved: libc::termios,
}

impl EchoOff {
    #[cfg(unix)]
    fn new() -> Result<EchoOff> {
        let fail = || {
            Error::usage(
                format!(
                    "cannot turn off echo on the terminal: {}",
                    io::Error::last_os_error()
                ),
                Some("use --cookie-stdin or --password-stdin instead".to_string()),
            )
        };
        // SAFETY: tcgetattr fills a zeroed struct on this stack frame; tcsetattr reads a copy.
        unsafe {
            let mut saved: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut saved) != 0 {
                return Err(fail());
            }
            let mut quiet = saved;
            quiet.c_lflag &= !(libc::ECHO | libc::ECHOE | libc::ECHOK | libc::ECHONL);
            quiet.c_lflag |= libc::ICANON;
            if libc::tcsetattr(0, libc::TCSANOW, &quiet) != 0 {
                return Err(fail());
            }
            Ok(EchoOff { saved })
        }
    }

    #[cfg(not(unix))]
    fn new() -> Result<EchoOff> {
        Err(Error::usage(
            "a hidden prompt is not available on this system",
            Some("use --cookie-stdin or --password-stdin instead".to_string()),
        ))
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the settings read in `new`.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.saved);
        }
    }
}
