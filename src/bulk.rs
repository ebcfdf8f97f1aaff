//! Many accounts at once: a feeder reads the accounts as they come, `jobs` workers audit them
//! (each account one request at a time, all of them behind the client's shared limiter), and the
//! calling thread receives every report as soon as it is done, in completion order: it is the one
//! printer, so lines never interleave. A 999 stops new accounts from starting (the ones in flight
//! finish; the rest are reported as not reached); Ctrl-C reports everything not yet printed as not
//! reached, then the run exits 130. Memory holds the accounts in flight, never the whole list.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

use crate::report::Report;
use crate::secret::Secret;

/// One account to audit.
pub struct Job {
    /// Its place in the input, from 0.
    pub index: usize,
    pub label: String,
    pub source: JobSource,
}

/// Where a job's session comes from.
pub enum JobSource {
    /// A token from an accounts file.
    Token {
        li_at: Secret,
        jsessionid: Option<String>,
    },
    /// A stored profile (the label is its name).
    Profile,
}

/// What the feeder hands the run.
pub enum Feed {
    Job(Job),
    /// A line of the accounts that is not an account: reported by its number.
    Malformed {
        line: usize,
        why: &'static str,
    },
}

/// What the run tells its printer.
pub trait Printer {
    /// One account's report, as soon as it is done.
    fn report(&mut self, report: &Report);
    /// A line of the input that held no account.
    fn malformed(&mut self, line: usize, why: &'static str);
    /// The run was interrupted; everything not done has been reported as not reached. The
    /// printer says its last words (the summary) before the process exits.
    fn interrupted(&mut self);
}

enum Msg {
    Started(usize, String),
    Done(usize, Box<Report>),
    Malformed(usize, &'static str),
    FeedEnd(usize),
    Interrupt(mpsc::Sender<()>),
}

/// Runs the audit over every account the feed yields, and returns once every one is reported.
/// (An interruption never returns: the printer says its last words and the process exits 130.)
///
/// `audit` runs on the worker threads; `stop` is asked before each account starts (true once
/// LinkedIn refused automated access); `not_reached` makes the report of an account that was
/// never audited, with the reason.
pub fn run<'a>(
    jobs: usize,
    feed: Box<dyn Iterator<Item = Feed> + Send + 'a>,
    audit: &(dyn Fn(&Job) -> Report + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    not_reached: &(dyn Fn(&str, &str) -> Report + Sync),
    printer: &mut dyn Printer,
) {
    let jobs = jobs.max(1);
    let (tx, rx) = mpsc::channel::<Msg>();
    // A bounded queue: the feeder never runs far ahead of the workers.
    let (queue_tx, queue_rx) = mpsc::sync_channel::<Job>(jobs * 2);
    let queue_rx = Mutex::new(queue_rx);
    let feed = Mutex::new(feed);
    let halt = AtomicBool::new(false);
    let feeder_done = AtomicBool::new(false);
    let _last_word = {
        let tx = Mutex::new(tx.clone());
        crate::interrupt::last_word(move || {
            let (ack_tx, ack_rx) = mpsc::channel();
            let sent = tx
                .lock()
                .map(|t| t.send(Msg::Interrupt(ack_tx)).is_ok())
                .unwrap_or(false);
            if sent {
                let _ = ack_rx.recv_timeout(Duration::from_secs(30));
            }
        })
    };
    std::thread::scope(|scope| {
        {
            let (tx, feed, halt, feeder_done) = (tx.clone(), &feed, &halt, &feeder_done);
            scope.spawn(move || {
                feeder(&tx, queue_tx, feed, halt);
                feeder_done.store(true, Ordering::SeqCst);
            });
        }
        for _ in 0..jobs {
            let (tx, queue_rx, halt) = (tx.clone(), &queue_rx, &halt);
            scope.spawn(move || worker(&tx, queue_rx, halt, audit, stop, not_reached));
        }
        drop(tx);
        let mut in_flight: BTreeMap<usize, String> = BTreeMap::new();
        let mut fed: Option<usize> = None;
        let mut done = 0usize;
        loop {
            if fed.is_some_and(|n| done >= n) {
                return;
            }
            let Ok(msg) = rx.recv() else {
                return;
            };
            match msg {
                Msg::Started(i, label) => {
                    in_flight.insert(i, label);
                }
                Msg::Done(i, report) => {
                    in_flight.remove(&i);
                    done += 1;
                    printer.report(&report);
                }
                Msg::Malformed(line, why) => printer.malformed(line, why),
                Msg::FeedEnd(n) => fed = Some(n),
                Msg::Interrupt(ack) => {
                    halt.store(true, Ordering::SeqCst);
                    let why = "the run was interrupted before this account was audited";
                    // The accounts being audited now, then the ones waiting, then the rest of
                    // the input: every one is reported, once.
                    for label in in_flight.values() {
                        printer.report(&not_reached(label, why));
                    }
                    loop {
                        while let Ok(job) = queue_rx
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .try_recv()
                        {
                            printer.report(&not_reached(&job.label, why));
                        }
                        if feeder_done.load(Ordering::SeqCst) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    while let Ok(job) = queue_rx
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .try_recv()
                    {
                        printer.report(&not_reached(&job.label, why));
                    }
                    let mut rest = feed.lock().unwrap_or_else(|p| p.into_inner());
                    for item in rest.by_ref() {
                        match item {
                            Feed::Job(job) => printer.report(&not_reached(&job.label, why)),
                            Feed::Malformed { line, why } => printer.malformed(line, why),
                        }
                    }
                    printer.interrupted();
                    let _ = ack.send(());
                    // Workers may be waiting on LinkedIn: the process ends here, not after them.
                    std::process::exit(i32::from(crate::interrupt::EXIT_INTERRUPTED));
                }
            }
        }
    })
}

fn feeder(
    tx: &mpsc::Sender<Msg>,
    queue: SyncSender<Job>,
    feed: &Mutex<Box<dyn Iterator<Item = Feed> + Send + '_>>,
    halt: &AtomicBool,
) {
    let mut count = 0;
    loop {
        if halt.load(Ordering::SeqCst) {
            return;
        }
        let next = feed.lock().unwrap_or_else(|p| p.into_inner()).next();
        match next {
            None => break,
            Some(Feed::Malformed { line, why }) => {
                let _ = tx.send(Msg::Malformed(line, why));
            }
            Some(Feed::Job(job)) => {
                count += 1;
                if queue.send(job).is_err() {
                    return;
                }
            }
        }
    }
    let _ = tx.send(Msg::FeedEnd(count));
}

fn worker(
    tx: &mpsc::Sender<Msg>,
    queue: &Mutex<Receiver<Job>>,
    halt: &AtomicBool,
    audit: &(dyn Fn(&Job) -> Report + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    not_reached: &(dyn Fn(&str, &str) -> Report + Sync),
) {
    loop {
        if halt.load(Ordering::SeqCst) {
            return;
        }
        // A short wait, so the lock is let go often (the interrupt drains the queue too).
        let next = queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recv_timeout(Duration::from_millis(50));
        let job = match next {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stop() {
            let report = not_reached(
                &job.label,
                "LinkedIn refused automated access (HTTP 999), so no new account was started",
            );
            let _ = tx.send(Msg::Done(job.index, Box::new(report)));
            continue;
        }
        let _ = tx.send(Msg::Started(job.index, job.label.clone()));
        let report = audit(&job);
        if tx.send(Msg::Done(job.index, Box::new(report))).is_err() {
            return;
        }
    }
}

/// The labels a previous run's NDJSON already has a result for: every line with an account
/// label, except those whose error says the account was not reached, throttled, blocked, timed
/// out, cut off from the network or interrupted (those are audited again). A line that does not
/// parse (the half line a crash may leave) is ignored.
pub fn done_labels(ndjson: &str) -> std::collections::HashSet<String> {
    const AGAIN: &[&str] = &[
        "not_reached",
        "throttled",
        "blocked",
        "network",
        "timeout",
        "interrupted",
    ];
    ndjson
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| {
            let kind = v["error"]["kind"].as_str();
            !kind.is_some_and(|k| AGAIN.contains(&k))
        })
        .filter_map(|v| v["account"]["label"].as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Identity, Report};

    fn job(i: usize) -> Feed {
        Feed::Job(Job {
            index: i,
            label: format!("a{i}"),
            source: JobSource::Profile,
        })
    }

    fn report(label: &str, kind: Option<&str>) -> Report {
        let identity = Identity {
            label: Some(label.to_string()),
            ..Identity::default()
        };
        let r = Report::new(identity, Vec::new(), "t".into());
        match kind {
            Some(_) => r.stopped(&crate::error::Error::NotReached { detail: "x".into() }),
            None => r,
        }
    }

    #[derive(Default)]
    struct Collect {
        labels: Vec<String>,
        malformed: Vec<usize>,
    }

    impl Printer for Collect {
        fn report(&mut self, r: &Report) {
            self.labels.push(r.account.label.clone().unwrap());
        }
        fn malformed(&mut self, line: usize, _: &'static str) {
            self.malformed.push(line);
        }
        fn interrupted(&mut self) {}
    }

    #[test]
    fn every_account_is_reported_exactly_once() {
        let feed: Vec<Feed> = (0..500)
            .map(job)
            .chain([Feed::Malformed { line: 7, why: "x" }])
            .collect();
        let mut p = Collect::default();
        run(
            7,
            Box::new(feed.into_iter()),
            &|j| report(&j.label, None),
            &|| false,
            &|l, _| report(l, Some("not_reached")),
            &mut p,
        );
        let mut labels = p.labels.clone();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 500);
        assert_eq!(p.labels.len(), 500);
        assert_eq!(p.malformed, [7]);
    }

    #[test]
    fn once_stopped_no_account_starts() {
        let started = std::sync::atomic::AtomicUsize::new(0);
        let tripped = AtomicBool::new(false);
        let mut p = Collect::default();
        run(
            2,
            Box::new((0..50).map(job)),
            &|j| {
                started.fetch_add(1, Ordering::SeqCst);
                if j.index == 3 {
                    tripped.store(true, Ordering::SeqCst);
                }
                report(&j.label, None)
            },
            &|| tripped.load(Ordering::SeqCst),
            &|l, _| report(l, Some("not_reached")),
            &mut p,
        );
        assert_eq!(p.labels.len(), 50, "every account is still reported");
        assert!(started.load(Ordering::SeqCst) < 10);
    }

    #[test]
    fn a_resume_skips_what_has_a_result() {
        let previous = concat!(
            r#"{"account":{"label":"a"},"error":null}"#,
            "\n",
            r#"{"account":{"label":"b"},"error":{"kind":"session_expired"}}"#,
            "\n",
            r#"{"account":{"label":"c"},"error":{"kind":"not_reached"}}"#,
            "\n",
            r#"{"account":{"label":"d"},"error":{"kind":"throttled"}}"#,
            "\n",
            r#"{"account":{"label":"e"},"er"#,
        );
        let mut done: Vec<String> = done_labels(previous).into_iter().collect();
        done.sort();
        assert_eq!(done, ["a", "b"]);
    }
}
