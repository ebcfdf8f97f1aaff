//! The engine of a run over many accounts: a feeder reads the accounts as they come, `jobs` workers audit them
//! (each account one request at a time, all of them behind the client's shared limiter), and the
//! calling thread receives every report as soon as it is done, in completion order: it is the one
//! printer, so lines never interleave. A 999 stops new accounts from starting (the ones in flight
//! finish; the rest are reported as not reached); Ctrl-C reports everything not yet printed as not
//! reached, and the run ends [`Ended::Interrupted`] (the command's exit says 130). Memory holds the accounts in flight and a bounded number of
//! finished reports waiting for the printer, never the whole list: a slow reader of the output
//! slows the workers down instead of piling reports up.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
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

/// Whether the run goes on after the printer's turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    /// The output is gone (a closed pipe, a full disk): no account starts any more, and nothing
    /// more is printed.
    Stop,
}

/// What the run tells its printer.
pub trait Printer {
    /// One account's report, as soon as it is done (the printer may add to it: what the
    /// history says), with the account's place in the input (from 0).
    fn report(&mut self, place: usize, report: &mut Report) -> Next;
    /// A line of the input that held no account.
    fn malformed(&mut self, line: usize, why: &'static str);
    /// The run was interrupted; everything not done has been reported as not reached. The
    /// printer says its last words (the summary) before the process exits.
    fn interrupted(&mut self);
}

/// What a run does per account, and what it says of accounts it never audited: "audit one
/// account", as a run of many sees it.
pub trait Auditor: Sync {
    /// Audits one account, on a worker thread. A panic here becomes that account's report, made
    /// by [`Auditor::failed`]; the run goes on.
    fn audit(&self, job: &Job) -> Report;
    /// Asked before each account starts: true once LinkedIn refused automated access.
    fn stop(&self) -> bool;
    /// The report of an account that was never audited, with the reason.
    fn not_reached(&self, label: &str, why: &str) -> Report;
    /// The report of an account whose audit failed inside the tool (a bug), with what is known.
    fn failed(&self, label: &str, what: &str) -> Report;
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Every account was reported.
    Done,
    /// The printer said stop (the output went away).
    Stopped,
    /// Interrupted: every account not done was reported as not reached, and the printer said
    /// its last words.
    Interrupted,
}

enum Msg {
    /// An account's place in the input, and its report.
    Done(usize, Box<Report>),
    Malformed(usize, &'static str),
    FeedEnd(usize),
}

/// What the threads of a run share.
struct Shared {
    /// Accounts a worker has taken and not yet handed over: index → label. A worker takes a job
    /// and enters it here under the queue's lock, so an account is always either queued, here,
    /// or handed over.
    in_flight: Mutex<BTreeMap<usize, String>>,
    /// Reports handed over (taken out of `in_flight`) but not yet in the channel.
    sending: AtomicUsize,
    /// Set once no account may start and no report be handed over any more.
    halt: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the signal handler and the run share: the flag, and where to acknowledge.
#[derive(Default)]
struct Interrupt {
    asked: AtomicBool,
    ack: Mutex<Option<mpsc::Sender<()>>>,
}

/// Runs the audit over every account the feed yields, and returns once every one is reported,
/// once the printer said [`Next::Stop`], or once an interruption was reported.
pub fn run<'a>(
    jobs: usize,
    feed: Box<dyn Iterator<Item = Feed> + Send + 'a>,
    work: &dyn Auditor,
    printer: &mut dyn Printer,
) -> Ended {
    let jobs = jobs.max(1);
    // Bounded both ways: the feeder never runs far ahead of the workers, and finished reports
    // wait for a slow printer in a queue of fixed size.
    let (tx, rx) = mpsc::sync_channel::<Msg>(jobs * 4);
    let (queue_tx, queue_rx) = mpsc::sync_channel::<Job>(jobs * 2);
    let queue_rx = Mutex::new(queue_rx);
    let feed = Mutex::new(feed);
    let shared = Shared {
        in_flight: Mutex::new(BTreeMap::new()),
        sending: AtomicUsize::new(0),
        halt: AtomicBool::new(false),
    };
    let feeder_done = AtomicBool::new(false);
    let interrupt = Arc::new(Interrupt::default());
    let _last_word = {
        let interrupt = interrupt.clone();
        crate::interrupt::last_word(move || {
            let (ack_tx, ack_rx) = mpsc::channel();
            *lock(&interrupt.ack) = Some(ack_tx);
            interrupt.asked.store(true, Ordering::SeqCst);
            let _ = ack_rx.recv_timeout(Duration::from_secs(30));
        })
    };
    std::thread::scope(|scope| {
        {
            let (tx, feed, shared, feeder_done) = (tx.clone(), &feed, &shared, &feeder_done);
            scope.spawn(move || {
                feeder(&tx, queue_tx, feed, &shared.halt);
                feeder_done.store(true, Ordering::SeqCst);
            });
        }
        for _ in 0..jobs {
            let (tx, queue_rx, shared) = (tx.clone(), &queue_rx, &shared);
            scope.spawn(move || worker(&tx, queue_rx, shared, work));
        }
        drop(tx);
        let mut fed: Option<usize> = None;
        let mut done = 0usize;
        loop {
            if fed.is_some_and(|n| done >= n) {
                return Ended::Done;
            }
            if interrupt.asked.load(Ordering::SeqCst) {
                let ack = lock(&interrupt.ack).take();
                interrupted(&shared, &rx, &queue_rx, &feed, &feeder_done, work, printer);
                // The signal's handler ends the process once it hears this (workers may still
                // be waiting on LinkedIn); the run itself only says it is over.
                if let Some(ack) = ack {
                    let _ = ack.send(());
                }
                shared.halt.store(true, Ordering::SeqCst);
                drain_quietly(&rx, &queue_rx, &feeder_done);
                return Ended::Interrupted;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Msg::Done(place, mut report)) => {
                    done += 1;
                    if printer.report(place, &mut report) == Next::Stop {
                        shared.halt.store(true, Ordering::SeqCst);
                        // Let the threads end: nothing more is printed, nothing more starts.
                        drain_quietly(&rx, &queue_rx, &feeder_done);
                        return Ended::Stopped;
                    }
                }
                Ok(Msg::Malformed(line, why)) => printer.malformed(line, why),
                Ok(Msg::FeedEnd(n)) => fed = Some(n),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ended::Done,
            }
        }
    })
}

/// After the output is gone: takes what the threads still send until they have all ended, so
/// none waits on a full channel.
fn drain_quietly(rx: &Receiver<Msg>, queue: &Mutex<Receiver<Job>>, feeder_done: &AtomicBool) {
    loop {
        while lock(queue).try_recv().is_ok() {}
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if feeder_done.load(Ordering::SeqCst) && lock(queue).try_recv().is_err() {
            // The workers end at their next look at `halt`; the scope waits for them.
            match rx.try_recv() {
                Err(TryRecvError::Disconnected) => return,
                _ => continue,
            }
        }
    }
}

/// Ctrl-C: every account is reported once — the finished ones with their result, the ones in
/// flight, queued or not yet read as not reached — then the printer says its last words.
fn interrupted(
    shared: &Shared,
    rx: &Receiver<Msg>,
    queue: &Mutex<Receiver<Job>>,
    feed: &Mutex<Box<dyn Iterator<Item = Feed> + Send + '_>>,
    feeder_done: &AtomicBool,
    work: &dyn Auditor,
    printer: &mut dyn Printer,
) {
    let why = "the run was interrupted before this account was audited";
    shared.halt.store(true, Ordering::SeqCst);
    // Holding the queue, no worker takes a job; after one pass through `in_flight` with the halt
    // set, no worker hands a report over any more. Reports already handed over are awaited.
    let queue = lock(queue);
    drop(lock(&shared.in_flight));
    let mut printing = true;
    loop {
        let sending = shared.sending.load(Ordering::SeqCst);
        loop {
            match rx.try_recv() {
                Ok(Msg::Done(place, mut report)) if printing => {
                    printing = printer.report(place, &mut report) == Next::Continue;
                }
                Ok(Msg::Malformed(line, why)) => printer.malformed(line, why),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        if sending == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut tell = Tell {
        printer,
        printing,
        not_reached: |label: &str| work.not_reached(label, why),
    };
    for (place, label) in lock(&shared.in_flight).iter() {
        tell.not_reached(*place, label);
    }
    // The feeder may be waiting for room in the queue, or in the channel: make room until it
    // sees the halt and ends.
    loop {
        let ended = feeder_done.load(Ordering::SeqCst);
        while let Ok(job) = queue.try_recv() {
            tell.not_reached(job.index, &job.label);
        }
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Malformed(line, why) = msg {
                tell.printer.malformed(line, why);
            }
        }
        if ended {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut rest = lock(feed);
    for item in rest.by_ref() {
        match item {
            Feed::Job(job) => tell.not_reached(job.index, &job.label),
            Feed::Malformed { line, why } => tell.printer.malformed(line, why),
        }
    }
    tell.printer.interrupted();
}

/// Reports accounts as not reached until the printer says stop.
struct Tell<'p, F> {
    printer: &'p mut dyn Printer,
    printing: bool,
    not_reached: F,
}

impl<F: Fn(&str) -> Report> Tell<'_, F> {
    fn not_reached(&mut self, place: usize, label: &str) {
        if self.printing {
            self.printing =
                self.printer.report(place, &mut (self.not_reached)(label)) == Next::Continue;
        }
    }
}

fn feeder(
    tx: &SyncSender<Msg>,
    queue: SyncSender<Job>,
    feed: &Mutex<Box<dyn Iterator<Item = Feed> + Send + '_>>,
    halt: &AtomicBool,
) {
    let mut count = 0;
    loop {
        if halt.load(Ordering::SeqCst) {
            return;
        }
        let next = lock(feed).next();
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

fn worker(tx: &SyncSender<Msg>, queue: &Mutex<Receiver<Job>>, shared: &Shared, work: &dyn Auditor) {
    loop {
        if shared.halt.load(Ordering::SeqCst) {
            return;
        }
        // A short wait, so the lock is let go often (the interrupt drains the queue too).
        let job = {
            let queue = lock(queue);
            match queue.recv_timeout(Duration::from_millis(50)) {
                Ok(job) => {
                    lock(&shared.in_flight).insert(job.index, job.label.clone());
                    job
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        if shared.halt.load(Ordering::SeqCst) {
            // Left in `in_flight`: the interruption reports it.
            return;
        }
        let report = if work.stop() {
            work.not_reached(
                &job.label,
                "LinkedIn refused automated access (HTTP 999), so no new account was started",
            )
        } else {
            match catch_unwind(AssertUnwindSafe(|| work.audit(&job))) {
                Ok(report) => report,
                Err(panic) => work.failed(&job.label, panic_text(panic.as_ref())),
            }
        };
        {
            let mut in_flight = lock(&shared.in_flight);
            if shared.halt.load(Ordering::SeqCst) {
                return;
            }
            in_flight.remove(&job.index);
            shared.sending.fetch_add(1, Ordering::SeqCst);
        }
        let sent = tx.send(Msg::Done(job.index, Box::new(report))).is_ok();
        shared.sending.fetch_sub(1, Ordering::SeqCst);
        if !sent {
            return;
        }
    }
}

/// A panic's message when it is a fixed string from the code; a formatted one may hold text
/// from a reply, so it is withheld (as the panic hook does).
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &'static str {
    panic
        .downcast_ref::<&'static str>()
        .copied()
        .unwrap_or("(details withheld)")
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
            Some("internal") => r.stopped(&crate::error::Error::Internal { detail: "x".into() }),
            Some(_) => r.stopped(&crate::error::Error::NotReached { detail: "x".into() }),
            None => r,
        }
    }

    #[derive(Default)]
    struct Collect {
        labels: Vec<String>,
        kinds: Vec<Option<String>>,
        malformed: Vec<usize>,
        /// Say `Stop` after this many reports.
        stop_after: Option<usize>,
    }

    impl Printer for Collect {
        fn report(&mut self, _: usize, r: &mut Report) -> Next {
            self.labels.push(r.account.label.clone().unwrap());
            self.kinds
                .push(r.error.as_ref().map(|e| e.kind.as_str().to_string()));
            match self.stop_after {
                Some(n) if self.labels.len() >= n => Next::Stop,
                _ => Next::Continue,
            }
        }
        fn malformed(&mut self, line: usize, _: &'static str) {
            self.malformed.push(line);
        }
        fn interrupted(&mut self) {}
    }

    /// An auditor made of two closures, for the tests.
    struct Work<'a> {
        audit: &'a (dyn Fn(&Job) -> Report + Sync),
        stop: &'a (dyn Fn() -> bool + Sync),
    }

    impl Auditor for Work<'_> {
        fn audit(&self, job: &Job) -> Report {
            (self.audit)(job)
        }
        fn stop(&self) -> bool {
            (self.stop)()
        }
        fn not_reached(&self, label: &str, _: &str) -> Report {
            report(label, Some("not_reached"))
        }
        fn failed(&self, label: &str, _: &str) -> Report {
            report(label, Some("internal"))
        }
    }

    fn run_with(
        jobs: usize,
        feed: Vec<Feed>,
        audit: &(dyn Fn(&Job) -> Report + Sync),
        stop: &(dyn Fn() -> bool + Sync),
        p: &mut Collect,
    ) {
        let work = Work { audit, stop };
        let stops = p.stop_after.is_some();
        let ended = run(jobs, Box::new(feed.into_iter()), &work, p);
        assert_eq!(ended, if stops { Ended::Stopped } else { Ended::Done });
    }

    #[test]
    fn every_account_is_reported_exactly_once() {
        let feed: Vec<Feed> = (0..500)
            .map(job)
            .chain([Feed::Malformed { line: 7, why: "x" }])
            .collect();
        let mut p = Collect::default();
        run_with(7, feed, &|j| report(&j.label, None), &|| false, &mut p);
        let mut labels = p.labels.clone();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 500);
        assert_eq!(p.labels.len(), 500);
        assert_eq!(p.malformed, [7]);
    }

    #[test]
    fn once_stopped_no_account_starts() {
        let started = AtomicUsize::new(0);
        let tripped = AtomicBool::new(false);
        let mut p = Collect::default();
        run_with(
            2,
            (0..50).map(job).collect(),
            &|j| {
                started.fetch_add(1, Ordering::SeqCst);
                if j.index == 3 {
                    tripped.store(true, Ordering::SeqCst);
                }
                report(&j.label, None)
            },
            &|| tripped.load(Ordering::SeqCst),
            &mut p,
        );
        assert_eq!(p.labels.len(), 50, "every account is still reported");
        assert!(started.load(Ordering::SeqCst) < 10);
    }

    #[test]
    fn a_panicking_account_is_reported_and_the_run_goes_on() {
        let mut p = Collect::default();
        run_with(
            3,
            (0..20).map(job).collect(),
            &|j| {
                if j.index == 5 {
                    panic!("a bug in one account's audit");
                }
                report(&j.label, None)
            },
            &|| false,
            &mut p,
        );
        assert_eq!(p.labels.len(), 20, "no hang, no lost account");
        let at = p.labels.iter().position(|l| l == "a5").unwrap();
        assert_eq!(p.kinds[at].as_deref(), Some("internal"));
        assert_eq!(p.kinds.iter().filter(|k| k.is_some()).count(), 1);
    }

    #[test]
    fn a_printer_that_stops_ends_the_run_early() {
        let started = AtomicUsize::new(0);
        let mut p = Collect {
            stop_after: Some(3),
            ..Collect::default()
        };
        run_with(
            2,
            (0..10_000).map(job).collect(),
            &|j| {
                started.fetch_add(1, Ordering::SeqCst);
                report(&j.label, None)
            },
            &|| false,
            &mut p,
        );
        assert_eq!(p.labels.len(), 3, "nothing is printed after Stop");
        // The workers finish what they hold and start nothing new.
        assert!(started.load(Ordering::SeqCst) < 50, "{started:?}");
    }

    #[test]
    fn a_slow_printer_holds_back_the_workers() {
        // The channel to the printer is bounded: while the printer is slow, the workers wait
        // rather than piling up finished reports.
        let started = AtomicUsize::new(0);
        struct Slow<'a>(&'a AtomicUsize, usize);
        impl Printer for Slow<'_> {
            fn report(&mut self, _: usize, _: &mut Report) -> Next {
                if self.1 == 0 {
                    std::thread::sleep(Duration::from_millis(300));
                    // Two workers, a channel of 8 and a queue of 4: far fewer than 100 started.
                    assert!(self.0.load(Ordering::SeqCst) < 20, "{:?}", self.0);
                }
                self.1 += 1;
                Next::Continue
            }
            fn malformed(&mut self, _: usize, _: &'static str) {}
            fn interrupted(&mut self) {}
        }
        let mut p = Slow(&started, 0);
        let work = Work {
            audit: &|j| {
                started.fetch_add(1, Ordering::SeqCst);
                report(&j.label, None)
            },
            stop: &|| false,
        };
        run(2, Box::new((0..100).map(job)), &work, &mut p);
        assert_eq!(p.1, 100);
    }
}
