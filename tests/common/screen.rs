//! A real terminal of 80x24 for a test: a private tmux server runs one command in it, and the
//! test reads the screen as a person would see it (wrapped lines joined, so a line too wide for
//! the terminal shows as one line over 80 columns) and types keys into it.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use super::World;

pub struct Screen<'w> {
    world: &'w World,
    socket: PathBuf,
}

impl<'w> Screen<'w> {
    /// Runs `line` (a shell command line) in a new 80x24 terminal. When it ends, the terminal
    /// shows `EXIT=<code>` and stays open for the test to read.
    pub fn start(world: &'w World, line: &str) -> Screen<'w> {
        // A server of its own for each screen: one that is ending still holds its socket.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = world.path(&format!("tmux-{}-{n}", std::process::id()));
        let screen = Screen { world, socket };
        let script = format!("{line}; echo EXIT=$?; sleep 120");
        let out = screen
            .tmux()
            .args(["new-session", "-d", "-x", "80", "-y", "24", &script])
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux: {}", text(&out));
        screen
    }

    fn tmux(&self) -> Command {
        let mut cmd = self.world.hermetic("tmux");
        cmd.arg("-f").arg("/dev/null").arg("-S").arg(&self.socket);
        cmd.env("TERM", "xterm-256color");
        cmd
    }

    /// What the terminal shows now, its wrapped lines joined.
    pub fn capture(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-J"])
            .output()
            .expect("tmux capture-pane runs");
        text(&out)
    }

    /// Types Ctrl-C.
    pub fn ctrl_c(&self) {
        self.keys(&["C-c"]);
    }

    /// Types keys, each as tmux names them (`Tab`, `C-u`) or as literal text.
    pub fn keys(&self, keys: &[&str]) {
        let out = self
            .tmux()
            .arg("send-keys")
            .args(keys)
            .output()
            .expect("tmux send-keys runs");
        assert!(out.status.success(), "tmux: {}", text(&out));
    }

    /// Reads the screen every 50 ms, handing each to `look`, until `done` says a screen is the
    /// last one (then returns it) or `within` passes (then the test fails).
    pub fn watch(
        &self,
        within: Duration,
        mut look: impl FnMut(&str),
        done: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let shown = self.capture();
            look(&shown);
            if done(&shown) {
                return shown;
            }
            assert!(
                start.elapsed() < within,
                "the terminal did not get there in {within:?}:\n{shown}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Screen<'_> {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").output();
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
