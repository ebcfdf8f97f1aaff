//! Time and chance, injected: the clock that stamps reports and the randomness behind jitter and
//! minted JSESSIONIDs. The binary uses the system's; tests (and `LINKEDIN_PRIVACY_NOW`,
//! `LINKEDIN_PRIVACY_SEED`) pin them, so times, hash chains and retries can be checked exactly.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;

    /// `now` as RFC 3339 in UTC, to the second, as reports show it.
    fn rfc3339(&self) -> String {
        rfc3339(self.now())
    }
}

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that always says the same time.
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// From RFC 3339 (`2026-11-29T08:00:00Z`).
    pub fn parse(text: &str) -> Option<FixedClock> {
        humantime::parse_rfc3339(text.trim()).ok().map(FixedClock)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

pub trait Random: Send + Sync {
    fn fill(&self, buf: &mut [u8]);

    /// A number in `0..n` (`n > 0`).
    fn below(&self, n: u64) -> u64 {
        let mut b = [0u8; 8];
        self.fill(&mut b);
        u64::from_le_bytes(b) % n.max(1)
    }
}

/// The operating system's random source; the clock if that ever fails, so values still differ
/// between runs (nothing here is a secret: jitter and a JSESSIONID LinkedIn only compares).
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (nanos >> (i % 16 * 8)) as u8;
            }
        }
    }
}

/// A repeatable sequence (splitmix64) from a seed.
pub struct SeededRandom(Mutex<u64>);

impl SeededRandom {
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom(Mutex::new(seed))
    }
}

impl Random for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for chunk in buf.chunks_mut(8) {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// The clock and the randomness a run uses, handed down together.
#[derive(Clone)]
pub struct Time {
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
}

impl Time {
    pub fn system() -> Time {
        Time {
            clock: Arc::new(SystemClock),
            random: Arc::new(OsRandom),
        }
    }

    /// A fixed time and seed, for tests.
    pub fn fixed(at: SystemTime, seed: u64) -> Time {
        Time {
            clock: Arc::new(FixedClock(at)),
            random: Arc::new(SeededRandom::new(seed)),
        }
    }

    /// Up to `spread` of `base`, either way: `base ± spread·base` (`spread` in `0..=1`).
    pub fn jitter(&self, base: Duration, spread: f64) -> Duration {
        if base.is_zero() || spread <= 0.0 {
            return base;
        }
        let unit = self.random.below(1_000_001) as f64 / 1_000_000.0;
        let factor = 1.0 + spread.min(1.0) * (2.0 * unit - 1.0);
        base.mul_f64(factor.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_and_seed_repeat_exactly() {
        let t = Time::fixed(UNIX_EPOCH + Duration::from_secs(1_800_000_000), 7);
        assert_eq!(t.clock.rfc3339(), "2027-01-15T08:00:00Z");
        let u = Time::fixed(UNIX_EPOCH, 7);
        let (mut a, mut b) = ([0u8; 19], [0u8; 19]);
        t.random.fill(&mut a);
        u.random.fill(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, [0u8; 19]);
        assert_eq!(
            FixedClock::parse("2026-11-29T08:00:00Z").unwrap().rfc3339(),
            "2026-11-29T08:00:00Z"
        );
    }

    #[test]
    fn jitter_stays_within_its_spread() {
        let t = Time::fixed(UNIX_EPOCH, 1);
        for _ in 0..1000 {
            let d = t.jitter(Duration::from_millis(1500), 0.3);
            assert!(d >= Duration::from_millis(1050) && d <= Duration::from_millis(1950));
        }
        assert_eq!(t.jitter(Duration::ZERO, 0.3), Duration::ZERO);
    }
}
