//! A progress bar on stderr for a run over several accounts: done out of all, the rate, the time
//! left, and the counts so far. Only on a terminal and never with `--quiet`; every other line on
//! stderr passes above it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Output;

pub struct Progress {
    bar: Option<ProgressBar>,
    out: Output,
}

impl Progress {
    pub fn start(out: &Output, total: u64) -> Progress {
        let bar = (out.stderr_tty && !out.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} accounts  {per_sec}  ETA {eta}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
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
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
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
