//! Manners: when to send again and how long to wait. [`Limiter`] is shared by every account of a
//! run (a 429 slows the whole run; a 999 trips it), [`Pacer`] spaces one account's requests, and
//! the rest is how long one request waits before its next attempt.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap};

use crate::clock::Time;

/// The shortest pause before a retry, whatever `Retry-After` says.
pub const MIN_RETRY_WAIT: Duration = Duration::from_secs(1);

/// `Retry-After` as seconds or an HTTP date (a date in the past is zero).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or_default())
}

/// 1 s, 2 s, 4 s, … plus up to a quarter second of jitter, so accounts audited side by side do
/// not retry in lockstep.
pub fn backoff(attempt: u32, time: &Time) -> Duration {
    let base = Duration::from_secs(1u64 << attempt.saturating_sub(1).min(6));
    base + Duration::from_millis(time.random.below(256))
}

/// The run-wide brake every request passes: a back-off after a 429 holds every account until it
/// ends, and a 999 (LinkedIn refusing automated access, usually for the whole address) trips it,
/// so a runner starts no new account.
#[derive(Debug, Default)]
pub struct Limiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    until: Option<Instant>,
    tripped: bool,
}

impl Limiter {
    pub fn new() -> Limiter {
        Limiter::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long the run is still backing off.
    pub fn pause(&self) -> Duration {
        self.state()
            .until
            .map(|u| u.saturating_duration_since(Instant::now()))
            .unwrap_or_default()
    }

    /// Holds every account for `wait` from now (a later end wins over an earlier one).
    pub fn back_off(&self, wait: Duration) {
        let end = Instant::now().checked_add(wait);
        let mut s = self.state();
        s.until = match (s.until, end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => b.or(a),
        };
    }

    /// A 999 was seen.
    pub fn trip(&self) {
        self.state().tripped = true;
    }

    pub fn is_tripped(&self) -> bool {
        self.state().tripped
    }
}

/// Spaces requests: `delay` (with jitter) between the end of one and the start of the next. One
/// per account, or in a bulk run one per worker (so an account's first request is paced after the
/// previous account's last); never shared between threads that send at once.
#[derive(Debug)]
pub struct Pacer {
    delay: Duration,
    spread: f64,
    last: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn new(delay: Duration, spread: f64) -> Pacer {
        Pacer {
            delay,
            spread,
            last: Mutex::new(None),
        }
    }

    /// Waits until the account's next request may go.
    pub fn wait(&self, time: &Time) {
        if self.delay.is_zero() {
            return;
        }
        let last = *self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = last {
            let due = last + time.jitter(self.delay, self.spread);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
    }

    /// Marks the end of a request.
    pub fn done(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::now();
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(u64::MAX)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_doubles() {
        let t = Time::system();
        assert!(
            backoff(1, &t) >= Duration::from_secs(1) && backoff(1, &t) < Duration::from_secs(2)
        );
        assert!(
            backoff(3, &t) >= Duration::from_secs(4) && backoff(3, &t) < Duration::from_secs(5)
        );
        assert!(backoff(u32::MAX, &t) < Duration::from_secs(65));
    }

    #[test]
    fn the_limiter_holds_until_the_latest_back_off_and_never_overflows() {
        let l = Limiter::new();
        assert_eq!(l.pause(), Duration::ZERO);
        l.back_off(Duration::from_secs(30));
        l.back_off(Duration::from_secs(1));
        assert!(l.pause() > Duration::from_secs(29));
        l.back_off(Duration::from_secs(u64::MAX));
        assert!(l.pause() > Duration::from_secs(29));
        assert!(!l.is_tripped());
        l.trip();
        assert!(l.is_tripped());
    }
}
