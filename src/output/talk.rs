//! What the client is doing, said on stderr: each wait before a retry (for what, and how long),
//! a spinner while a reply takes more than a second (on a terminal only), and with `-v` each
//! request's method, path and status (never a header or a body). Nothing of it with `--quiet`,
//! and no waits or spinner while a bulk run's progress bar is drawn (the bar says how it goes).

use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::Output;
use crate::error::Error;
use crate::linkedin::endpoints::Endpoint;
use crate::linkedin::{Exchange, Observer, Wait, WaitReason};
use crate::text;

/// How long a reply may take before the spinner shows.
const SPINNER_AFTER: Duration = Duration::from_secs(1);

pub struct Talk {
    out: Output,
    verbose: bool,
    /// Stops the spinner of the request in flight (and its thread, waited for, so no spinner
    /// is left on the screen).
    spinner: Mutex<Option<(Sender<()>, std::thread::JoinHandle<()>)>>,
}

impl Talk {
    pub fn new(out: Output, verbose: bool) -> Talk {
        Talk {
            out,
            verbose,
            spinner: Mutex::new(None),
        }
    }

    fn stop_spinner(&self) {
        let running = self
            .spinner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((stop, thread)) = running {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }

    /// Shows a spinner with `message` if nothing stops it within a second.
    fn arm_spinner(&self, message: String) {
        if !self.out.stderr_tty || self.out.quiet || self.out.has_bar() || self.out.drawing() {
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        self.stop_spinner();
        let out = self.out.clone();
        let thread = std::thread::Builder::new()
            .name("spinner".into())
            .spawn(move || {
                match stopped.recv_timeout(SPINNER_AFTER) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                let bar = ProgressBar::with_draw_target(None, super::progress::stderr_target());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_message(message);
                bar.enable_steady_tick(Duration::from_millis(100));
                out.set_bar(Some(bar.clone()));
                // Until the reply comes (or the request ends some other way).
                let _ = stopped.recv();
                out.set_bar(None);
                bar.finish_and_clear();
            });
        if let Ok(thread) = thread {
            *self.spinner.lock().unwrap_or_else(|p| p.into_inner()) = Some((stop, thread));
        }
    }
}

impl Drop for Talk {
    fn drop(&mut self) {
        self.stop_spinner();
    }
}

fn what(endpoint: &Endpoint, path: &str) -> String {
    format!("{} {}", endpoint.method, text::clean_line(path, 120))
}

impl Observer for Talk {
    fn sending(&self, _endpoint: &'static Endpoint, path: &str, _attempt: u32) {
        // Short, so the spinner's line fits 80 columns: the last part of the path says which.
        let which = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or(path);
        self.arm_spinner(format!(
            "waiting for LinkedIn's reply ({})",
            text::clean_line(which, 40)
        ));
    }

    fn observe(&self, exchange: &Exchange<'_>) {
        self.stop_spinner();
        if self.verbose {
            self.out.note(&format!(
                "{} -> {} ({} ms)",
                what(exchange.endpoint, exchange.path),
                exchange.status,
                exchange.elapsed.as_millis()
            ));
        }
    }

    fn failed(&self, endpoint: &'static Endpoint, path: &str, error: &Error) {
        self.stop_spinner();
        if self.verbose {
            self.out.note(&format!(
                "{} -> no reply: {}",
                what(endpoint, path),
                text::clean_line(&error.to_string(), text::MAX_SHOWN)
            ));
        }
    }

    fn waiting(&self, wait: &Wait<'_>) {
        if self.out.has_bar() {
            // The bar says it, counting down, instead of a line per wait and account.
            let why = match wait.why {
                WaitReason::Status { status, .. } => format!("LinkedIn {status}"),
                WaitReason::RunBackingOff => "LinkedIn 429".to_string(),
            };
            self.out.bar_wait(wait.duration, &why);
            return;
        }
        let secs = wait.duration.as_secs_f64();
        let how_long = if secs < 10.0 {
            format!("{secs:.1} s")
        } else {
            format!("{secs:.0} s")
        };
        let message = match wait.why {
            WaitReason::Status {
                status,
                asked,
                next,
                of,
            } => {
                let meaning = match status {
                    429 => "too many requests",
                    999 => "automated access refused",
                    _ => "a server error",
                };
                format!(
                    "LinkedIn answered {status} ({meaning}) to {}; waiting {how_long}{}, then trying again (attempt {next} of {of})",
                    what(wait.endpoint, wait.path),
                    if asked { " as it asked" } else { "" }
                )
            }
            WaitReason::RunBackingOff => format!(
                "waiting {how_long} before {}: the run is backing off after a 429",
                what(wait.endpoint, wait.path)
            ),
        };
        self.out.note(&message);
    }
}
