//! When the scheduled check runs (`--every`, `--at`), and how each platform's scheduler says it:
//! a systemd calendar, a crontab's five fields, launchd's calendar intervals, Task Scheduler's
//! arguments.

use std::fmt;

/// How often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// Every N hours, N dividing 24 (so the times are the same each day).
    Hours(u8),
    /// Every day.
    Day,
    /// Every N days of the month (2 to 31; the count starts again on the 1st).
    Days(u8),
    /// Every Monday.
    Week,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub every: Every,
    /// Hour and minute of the first run of a day.
    pub hour: u8,
    pub minute: u8,
}

impl Schedule {
    /// `--every` (`6h`, `12h`, `1d`, `7d`, `1w`, `3d`, …) and `--at` (`HH:MM`, default 09:00).
    pub fn parse(every: &str, at: Option<&str>) -> Result<Schedule, String> {
        let every = every.trim().to_ascii_lowercase();
        let (n, unit) = every.split_at(
            every
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(every.len()),
        );
        let n: u32 = n.parse().map_err(|_| {
            format!("the interval {every:?} is not a number and a unit (6h, 1d, 7d)")
        })?;
        let every = match (n, unit) {
            (n, "h") if n > 0 && 24u32.is_multiple_of(n) && n < 24 => Every::Hours(n as u8),
            (24, "h") | (1, "d") => Every::Day,
            (7, "d") | (1, "w") => Every::Week,
            (n @ 2..=31, "d") => Every::Days(n as u8),
            (_, "h") => {
                return Err(format!(
                    "an interval of {n} hours: the hours must divide a day (1, 2, 3, 4, 6, 8, 12 or 24)"
                ));
            }
            (_, "d") => return Err(format!("an interval of {n} days: give 1 to 31 days")),
            _ => {
                return Err(format!(
                    "the interval {every:?}: give hours (6h), days (1d) or a week (7d)"
                ));
            }
        };
        let (hour, minute) = match at {
            None => (9, 0),
            Some(at) => {
                let parsed = at.split_once(':').and_then(|(h, m)| {
                    let (h, m) = (h.parse::<u8>().ok()?, m.parse::<u8>().ok()?);
                    (h < 24 && m < 60 && at.len() <= 5).then_some((h, m))
                });
                parsed.ok_or_else(|| {
                    format!("the time of day {at:?} is not a time (HH:MM, 24-hour)")
                })?
            }
        };
        Ok(Schedule {
            every,
            hour,
            minute,
        })
    }

    /// The hours of a day the check runs (every N hours: from `--at`'s hour on, round the day).
    fn hours(&self) -> Vec<u8> {
        match self.every {
            Every::Hours(n) => {
                let mut hours: Vec<u8> = (0..24 / n).map(|i| (self.hour + i * n) % 24).collect();
                hours.sort_unstable();
                hours
            }
            _ => vec![self.hour],
        }
    }

    fn hour_list(&self) -> String {
        self.hours()
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// systemd's `OnCalendar=`.
    pub fn on_calendar(&self) -> String {
        let hm = format!("{}:{:02}:00", self.hour_list(), self.minute);
        match self.every {
            Every::Hours(_) | Every::Day => format!("*-*-* {hm}"),
            Every::Days(n) => format!("*-*-01/{n} {hm}"),
            Every::Week => format!("Mon *-*-* {hm}"),
        }
    }

    /// A crontab's five time fields.
    pub fn cron_fields(&self) -> String {
        let (m, h) = (self.minute, self.hour_list());
        match self.every {
            Every::Hours(_) | Every::Day => format!("{m} {h} * * *"),
            Every::Days(n) => format!("{m} {h} */{n} * *"),
            Every::Week => format!("{m} {h} * * 1"),
        }
    }

    /// launchd's `StartCalendarInterval` entries, as (key, value) pairs each (launchd has no
    /// "every N days": each of those days of the month is listed).
    pub fn launchd(&self) -> Vec<Vec<(&'static str, u32)>> {
        let days: Vec<Option<u32>> = match self.every {
            Every::Days(n) => (1..=31).step_by(usize::from(n)).map(Some).collect(),
            _ => vec![None],
        };
        let mut out = Vec::new();
        for day in days {
            for h in self.hours() {
                let mut d = vec![("Hour", u32::from(h)), ("Minute", u32::from(self.minute))];
                if let Some(day) = day {
                    d.push(("Day", day));
                }
                if self.every == Every::Week {
                    d.push(("Weekday", 1));
                }
                out.push(d);
            }
        }
        out
    }

    /// `schtasks /Create`'s schedule arguments.
    pub fn schtasks(&self) -> Vec<String> {
        let st = format!("{:02}:{:02}", self.hour, self.minute);
        let mut args: Vec<String> = match self.every {
            Every::Hours(n) => vec!["/SC".into(), "HOURLY".into(), "/MO".into(), n.to_string()],
            Every::Day => vec!["/SC".into(), "DAILY".into()],
            Every::Days(n) => vec!["/SC".into(), "DAILY".into(), "/MO".into(), n.to_string()],
            Every::Week => vec!["/SC".into(), "WEEKLY".into(), "/D".into(), "MON".into()],
        };
        args.extend(["/ST".to_string(), st]);
        args
    }

    /// The `--every` and `--at` that give this schedule back.
    pub fn flags(&self) -> (String, String) {
        let every = match self.every {
            Every::Hours(n) => format!("{n}h"),
            Every::Day => "1d".to_string(),
            Every::Days(n) => format!("{n}d"),
            Every::Week => "7d".to_string(),
        };
        (every, format!("{:02}:{:02}", self.hour, self.minute))
    }

    /// The next run strictly after `now` (seconds since the epoch, UTC), for `watch status`
    /// where the scheduler cannot say.
    pub fn next_after(&self, now: i64) -> i64 {
        let day = now.div_euclid(86_400);
        for d in day..day + 40 {
            let mday = crate::clock::Day::from_days(d).day;
            let weekday = (d + 3).rem_euclid(7); // 0 = Monday
            let ok = match self.every {
                Every::Week => weekday == 0,
                Every::Days(n) => (mday - 1).is_multiple_of(u32::from(n)),
                _ => true,
            };
            if !ok {
                continue;
            }
            for h in self.hours() {
                let t = d * 86_400 + i64::from(h) * 3600 + i64::from(self.minute) * 60;
                if t > now {
                    return t;
                }
            }
        }
        now + 86_400
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = format!("{:02}:{:02}", self.hour, self.minute);
        match self.every {
            Every::Hours(n) => write!(
                f,
                "every {n} hours from {at} (UTC or the machine's time zone, as its scheduler keeps it)"
            ),
            Every::Day => write!(f, "every day at {at}"),
            Every::Days(n) => write!(f, "every {n} days of the month at {at}"),
            Every::Week => write!(f, "every Monday at {at}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_and_at_read_as_each_scheduler_says_them() {
        let s = Schedule::parse("1d", Some("07:30")).unwrap();
        assert_eq!(s.on_calendar(), "*-*-* 7:30:00");
        assert_eq!(s.cron_fields(), "30 7 * * *");
        let s = Schedule::parse("12h", Some("09:05")).unwrap();
        assert_eq!(s.on_calendar(), "*-*-* 9,21:05:00");
        assert_eq!(s.cron_fields(), "5 9,21 * * *");
        assert_eq!(s.launchd().len(), 2);
        let s = Schedule::parse("7d", None).unwrap();
        assert_eq!(s.on_calendar(), "Mon *-*-* 9:00:00");
        assert_eq!(s.cron_fields(), "0 9 * * 1");
        assert_eq!(s.schtasks(), ["/SC", "WEEKLY", "/D", "MON", "/ST", "09:00"]);
        let s = Schedule::parse("3d", None).unwrap();
        assert_eq!(s.cron_fields(), "0 9 */3 * *");
        assert_eq!(s.launchd()[1], [("Hour", 9), ("Minute", 0), ("Day", 4)]);
        for bad in ["5h", "0d", "32d", "x", "1y", ""] {
            assert!(Schedule::parse(bad, None).is_err(), "{bad}");
        }
        for bad in ["24:00", "9", "09:60", "aa:bb", "009:00"] {
            assert!(Schedule::parse("1d", Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_run_is_the_next_time_the_schedule_names() {
        // 2026-12-01 (a Tuesday) 10:00 UTC.
        let now = 1_796_119_200;
        let daily = Schedule::parse("1d", Some("09:00")).unwrap();
        assert_eq!(daily.next_after(now), now + 23 * 3600);
        let weekly = Schedule::parse("7d", Some("09:00")).unwrap();
        assert_eq!(weekly.next_after(now), now + 6 * 86_400 - 3600);
        let six = Schedule::parse("6h", Some("03:00")).unwrap();
        assert_eq!(six.next_after(now), now + 5 * 3600);
    }
}
