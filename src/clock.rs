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

/// A calendar day (proleptic Gregorian, UTC), for dates people type and read: `--since`,
/// `objection --mark-sent`, the month LinkedIn has to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// `YYYY-MM-DD`, a real date.
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.trim();
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let day = Day {
            year: i32::try_from(num(0..4)?).ok()?,
            month: num(5..7)?,
            day: num(8..10)?,
        };
        (day.year >= 1970
            && (1..=12).contains(&day.month)
            && (1..=days_in_month(day.year, day.month)).contains(&day.day))
        .then_some(day)
    }

    /// The day of an RFC 3339 time in UTC (`2026-10-01T08:00:00Z` -> 2026-10-01).
    pub fn of(time: SystemTime) -> Day {
        let days = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() / 86_400)
            .unwrap_or(0);
        Day::from_days(i64::try_from(days).unwrap_or(0))
    }

    /// Days since 1970-01-01 (after H. Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Day {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    /// The same day a month later, or the month's last day when it has no such day
    /// (2026-01-31 -> 2026-02-28): how the GDPR's "one month" is usually counted.
    pub fn plus_one_month(self) -> Day {
        self.plus_months(1)
    }

    /// The same day `n` months later, or that month's last day when it is shorter (31 January
    /// plus three months is 30 April).
    pub fn plus_months(self, n: u32) -> Day {
        let zero_based = self.month - 1 + n;
        let year = self.year + (zero_based / 12) as i32;
        let month = zero_based % 12 + 1;
        Day {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// The day itself, or the Monday after it when it is a Saturday or a Sunday: a period that
    /// ends on a weekend ends on the next working day (Regulation 1182/71, Art. 3(4); public
    /// holidays, which differ by country, are not known here).
    pub fn next_working_day(self) -> Day {
        // 1970-01-01 was a Thursday: 0 is Monday.
        let weekday = (self.days() + 3).rem_euclid(7);
        match weekday {
            5 => Day::from_days(self.days() + 2),
            6 => Day::from_days(self.days() + 1),
            _ => self,
        }
    }

    /// The start of the day, as records write times.
    pub fn start_rfc3339(self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_count_and_add_a_month() {
        let d = Day::parse("2026-01-31").unwrap();
        assert_eq!(d.plus_one_month().to_string(), "2026-02-28");
        assert_eq!(
            Day::parse("2024-01-31")
                .unwrap()
                .plus_one_month()
                .to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Day::parse("2026-12-15")
                .unwrap()
                .plus_one_month()
                .to_string(),
            "2027-01-15"
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "26-01-01",
            "2026-1-01",
            "2026-01-0x",
            "",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(Day::parse("1970-01-01").unwrap().days(), 0);
        let t = humantime::parse_rfc3339("2026-11-29T23:59:59Z").unwrap();
        assert_eq!(Day::of(t).to_string(), "2026-11-29");
        assert_eq!(
            Day::of(t).days() - Day::parse("2026-10-29").unwrap().days(),
            31
        );
        for n in [0i64, 59, 365, 10_000, 20_000, 30_000] {
            assert_eq!(Day::from_days(n).days(), n);
        }
    }

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
