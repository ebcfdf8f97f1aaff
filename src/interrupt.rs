//! Ctrl-C, `kill` and a closed terminal (SIGINT, SIGTERM, SIGHUP), handled in one place: a
//! watcher thread removes the private files the run registered (a copy of a browser's cookie
//! jar), restores the terminal (a hidden prompt turns echo off), lets the running command say
//! what it knows (an `opt-out` whose write was sent but not yet read back), and exits 130.
//!
//! Without [`install`] the default dispositions apply; library users and tests are unaffected.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The exit status after an interruption, whichever of the three signals it was.
pub const EXIT_INTERRUPTED: u8 = 130;

type LastWord = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    paths: Vec<(u64, PathBuf)>,
    last_words: Vec<(u64, LastWord)>,
    next_id: u64,
    /// Clears what is drawn on the terminal (a spinner, a progress bar) before anything else.
    clear_screen: Option<Box<dyn Fn() + Send>>,
}

fn state() -> MutexGuard<'static, State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    STATE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Starts watching for SIGINT, SIGTERM and SIGHUP. Called once, by the binary.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let terminal = saved_terminal();
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                on_signal(terminal);
            }
        });
}

/// Set as soon as a signal arrives, before anything is cleaned up.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the run was interrupted: the watcher is cleaning up and will exit 130.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// When the run was interrupted, waits for the watcher to finish and exit 130, so that an error
/// the interruption itself caused (a private copy removed under the command) is never what the
/// run ends with. Returns at once otherwise, and after 10 s at most.
pub fn settle() {
    if !interrupted() {
        return;
    }
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn on_signal(terminal: Option<Terminal>) -> ! {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let (paths, words, clear) = {
        let mut s = state();
        (
            std::mem::take(&mut s.paths),
            std::mem::take(&mut s.last_words),
            s.clear_screen.take(),
        )
    };
    if let Some(clear) = clear {
        clear();
    }
    for (_, path) in &paths {
        remove(path);
    }
    if let Some(t) = terminal {
        t.restore();
    }
    // The most recent last word is the one that knows the most.
    if let Some((_, word)) = words.into_iter().last() {
        word();
    }
    std::process::exit(i32::from(EXIT_INTERRUPTED));
}

/// Removes a file or a folder. The run may still be writing into the folder (a signal's
/// watcher removes it while the command copies), so the removal is tried again until it holds.
fn remove(path: &Path) {
    for _ in 0..20 {
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        match gone {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound && path.exists() => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            _ if path.exists() => std::thread::sleep(std::time::Duration::from_millis(5)),
            _ => return,
        }
    }
}

/// What clears the terminal's drawn lines (a spinner, a progress bar) if a signal comes; `None`
/// when nothing is drawn.
pub fn on_interrupt_clear(clear: Option<Box<dyn Fn() + Send>>) {
    state().clear_screen = clear;
}

/// A file or folder removed when the guard drops, and also when the run is interrupted.
#[must_use = "the path is removed when the guard drops"]
pub struct PathGuard {
    id: u64,
    path: PathBuf,
}

impl PathGuard {
    pub fn new(path: PathBuf) -> PathGuard {
        let mut s = state();
        s.next_id += 1;
        let id = s.next_id;
        s.paths.push((id, path.clone()));
        PathGuard { id, path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PathGuard {
    fn drop(&mut self) {
        remove(&self.path);
        state().paths.retain(|(id, _)| *id != self.id);
    }
}

/// What the command says if it is interrupted while the guard lives.
#[must_use = "the last word is forgotten when the guard drops"]
pub struct LastWordGuard {
    id: u64,
}

pub fn last_word(word: impl FnOnce() + Send + 'static) -> LastWordGuard {
    let mut s = state();
    s.next_id += 1;
    let id = s.next_id;
    s.last_words.push((id, Box::new(word)));
    LastWordGuard { id }
}

impl Drop for LastWordGuard {
    fn drop(&mut self) {
        state().last_words.retain(|(id, _)| *id != self.id);
    }
}

/// The terminal's settings at start, to put back if a signal arrives during a hidden prompt.
struct Terminal(libc::termios);

fn saved_terminal() -> Option<Terminal> {
    // SAFETY: isatty and tcgetattr only read the state of file descriptor 0 into a zeroed
    // struct that lives on this stack frame.
    unsafe {
        if libc::isatty(0) != 1 {
            return None;
        }
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(0, &mut t) == 0).then_some(Terminal(t))
    }
}

impl Terminal {
    fn restore(&self) {
        // SAFETY: tcsetattr reads the saved struct; a failure leaves the terminal as it is.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_remove_their_path_and_unregister() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("copy");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("f"), b"x").unwrap();
        let g = PathGuard::new(p.clone());
        assert!(state().paths.iter().any(|(_, q)| q == &p));
        drop(g);
        assert!(!p.exists());
        assert!(!state().paths.iter().any(|(_, q)| q == &p));
        let w = last_word(|| {});
        let id = w.id;
        drop(w);
        assert!(!state().last_words.iter().any(|(i, _)| *i == id));
    }
}
