//! A progress bar on stderr for a run over several accounts: done out of all, the rate, the time
//! left, and the counts so far. Only on a terminal and never with `--quiet`; every other line on
//! stderr passes above it.

use std::fmt;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use super::{Output, Term};

pub struct Progress {
    bar: Option<ProgressBar>,
    out: Output,
}

impl Progress {
    pub fn start(out: &Output, total: u64) -> Progress {
        let bar = (out.stderr_tty && !out.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), stderr_target());
            let term = out.term.clone();
            // One line at 80 columns: the counts come last and are cut to what is left.
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:16} {pos}/{len} {rate} ETA {left} {wait}{wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key("rate", |s: &ProgressState, w: &mut dyn fmt::Write| {
                    let _ = w.write_str(&rate(s.pos(), s.per_sec()));
                })
                .with_key("left", |s: &ProgressState, w: &mut dyn fmt::Write| {
                    // Nothing to go by before the first account is done.
                    let _ = match s.pos() {
                        0 => w.write_str("-"),
                        _ => write!(w, "{:#}", indicatif::HumanDuration(s.eta())),
                    };
                })
                .with_key(
                    "wait",
                    move |_: &ProgressState, w: &mut dyn fmt::Write| {
                        let _ = w.write_str(&waiting(&term));
                    },
                ),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        out.set_bar(bar.clone());
        out.set_progress(true);
        Progress {
            bar,
            out: out.clone(),
        }
    }

    /// The cards of one account's audit, read so far out of `total`: for an audit paced
    /// against LinkedIn, which takes a while. Waits and warnings still show above it.
    pub fn cards(out: &Output, total: u64) -> Progress {
        let bar = (out.stderr_tty && !out.quiet && total > 1).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), stderr_target());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} reading settings: {pos}/{len} cards ({elapsed}), about one request each",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        out.set_bar(bar.clone());
        Progress {
            bar,
            out: out.clone(),
        }
    }

    /// `done` cards read.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// One more account done; `counts` is what the bar says after the numbers.
    pub fn advance(&self, counts: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(counts.to_string());
        }
    }

    pub fn finish(&self) {
        self.out.set_progress(false);
        self.out.set_bar(None);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Where every bar and spinner is drawn: stderr, seen two columns narrower than it is. indicatif
/// fills a line to the terminal's last column, and the `^C` a terminal echoes when Ctrl-C is
/// typed would then wrap onto a line of its own, leaving the bar above it when the bar is
/// cleared. Two free columns hold the echo on the bar's line.
pub(crate) fn stderr_target() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(Narrow(console::Term::buffered_stderr())), 20)
}

#[derive(Debug)]
struct Narrow(console::Term);

impl TermLike for Narrow {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Accounts a second, as a person reads it: `12/s`, `2.8/s`, or `18/min` when slower than one
/// a second; `-` before the first account is done.
fn rate(done: u64, per_sec: f64) -> String {
    if done == 0 || !per_sec.is_finite() || per_sec <= 0.0 {
        "-/s".to_string()
    } else if per_sec >= 10.0 {
        format!("{per_sec:.0}/s")
    } else if per_sec >= 1.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{:.0}/min", (per_sec * 60.0).max(1.0))
    }
}

/// The wait the bar shows while it lasts (`429: waiting 12 s  `), else nothing.
fn waiting(term: &Term) -> String {
    let mut wait = term.wait.lock().unwrap_or_else(|p| p.into_inner());
    let Some((until, why)) = wait.as_ref() else {
        return String::new();
    };
    let left = until.saturating_duration_since(Instant::now());
    if left.is_zero() {
        *wait = None;
        return String::new();
    }
    format!("{why}: waiting {} s  ", left.as_secs() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_a_person_reads_them() {
        assert_eq!(rate(0, 0.0), "-/s");
        assert_eq!(rate(3, 90.3047), "90/s");
        assert_eq!(rate(3, 2.8817), "2.9/s");
        assert_eq!(rate(3, 0.3), "18/min");
        assert_eq!(rate(3, 0.001), "1/min");
        assert_eq!(rate(3, f64::INFINITY), "-/s");
    }

    #[test]
    fn a_wait_shows_until_it_is_over() {
        let term = Term::default();
        assert_eq!(waiting(&term), "");
        *term.wait.lock().unwrap() =
            Some((Instant::now() + Duration::from_millis(2500), "429".into()));
        assert_eq!(waiting(&term), "429: waiting 3 s  ");
        *term.wait.lock().unwrap() =
            Some((Instant::now() - Duration::from_millis(1), "429".into()));
        assert_eq!(waiting(&term), "");
        assert!(term.wait.lock().unwrap().is_none());
    }
}
