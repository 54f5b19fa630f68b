//! The `TIMESTAMP` a password-verifier answer carries.

use core::fmt;
use std::time::SystemTime;

use core::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use crate::error::{Defect, Error};

/// chrono's `%a` and `%b` are always English; `%-d` drops the day's padding.
const FORMAT: &str = "%a %b %-d %H:%M:%S UTC %Y";

/// The instant a `PASSWORD_CLAIM_SIGNATURE` is made, written as Cognito
/// expects: `EEE MMM d HH:mm:ss UTC yyyy` in English, on a 24-hour clock, the
/// day of the month *not* zero-padded (`Tue Jan 1 06:06:09 UTC 2019`).
///
/// Cognito answers a padded day or a localised name with "Incorrect username
/// or password", not a format error, so the format is fixed here and never
/// follows a locale. The crate never reads the clock by itself: pass the
/// instant in, or use [`Timestamp::now`] where the platform has a clock.
/// Take it when signing, not when the sign-in starts; the service checks it
/// against its own clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The instant `seconds` after the Unix epoch (sub-second parts do not
    /// appear in the format). `None` outside the years 0 to 9999, which the
    /// four-digit year cannot express.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        let instant = DateTime::from_timestamp(seconds, 0)?;
        (0..=9999).contains(&instant.year()).then_some(Timestamp(instant))
    }

    /// The given system time, truncated to whole seconds. `None` outside the
    /// years 0 to 9999.
    pub fn from_system_time(time: SystemTime) -> Option<Self> {
        let seconds = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).ok()?,
            // Before the epoch: round towards the past, as the calendar does.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).ok()?;
                -whole - i64::from(before.subsec_nanos() > 0)
            }
        };
        Self::from_unix_seconds(seconds)
    }

    /// The current time from the system clock.
    ///
    /// Not available on `wasm32-unknown-unknown`, which has no clock: pass the
    /// time from the host there.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now()).unwrap_or(Timestamp(DateTime::UNIX_EPOCH))
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

/// Reads a `TIMESTAMP` strictly: only the exact text [`Timestamp`]'s
/// `Display` writes for some instant is accepted, so a padded day, a wrong
/// weekday, a 12-hour clock or a localised name is an error.
impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let invalid = || Error::invalid("TIMESTAMP", Defect::NotATimestamp);
        let parsed = NaiveDateTime::parse_from_str(text, FORMAT).map_err(|_| invalid())?;
        let timestamp = Timestamp::from_unix_seconds(parsed.and_utc().timestamp()).ok_or_else(invalid)?;
        if timestamp.to_string() == text { Ok(timestamp) } else { Err(invalid()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_example_has_an_unpadded_day() {
        // PROTOCOL.md: `Tue Jan 1 06:06:09 UTC 2019`.
        let t = Timestamp::from_unix_seconds(1_546_322_769).expect("in range");
        assert_eq!(t.to_string(), "Tue Jan 1 06:06:09 UTC 2019");
    }

    #[test]
    fn hours_are_on_a_24_hour_clock() {
        let t = Timestamp::from_unix_seconds(1_700_000_000).expect("in range");
        assert_eq!(t.to_string(), "Tue Nov 14 22:13:20 UTC 2023");
    }

    #[test]
    fn years_outside_four_digits_are_refused() {
        assert!(Timestamp::from_unix_seconds(253_402_300_799).is_some(), "9999-12-31T23:59:59");
        assert!(Timestamp::from_unix_seconds(253_402_300_800).is_none(), "10000-01-01");
        assert!(Timestamp::from_unix_seconds(i64::MAX).is_none());
        assert!(Timestamp::from_unix_seconds(i64::MIN).is_none());
    }

    #[test]
    fn parsing_accepts_only_the_exact_format() {
        let t: Timestamp = "Tue Jan 1 06:06:09 UTC 2019".parse().expect("valid");
        assert_eq!(t.unix_seconds(), 1_546_322_769);
        for bad in [
            "Tue Jan 01 06:06:09 UTC 2019",
            "Tue Jan  1 06:06:09 UTC 2019",
            "Wed Jan 1 06:06:09 UTC 2019",
            "Tue Jan 1 6:06:09 UTC 2019",
            "Tue Jan 1 06:06:09 GMT 2019",
            "tue jan 1 06:06:09 UTC 2019",
            "Di Jan 1 06:06:09 UTC 2019",
            "Tue Jan 1 06:06:09 UTC 2019 ",
            "",
        ] {
            assert_eq!(bad.parse::<Timestamp>(), Err(Error::invalid("TIMESTAMP", Defect::NotATimestamp)), "{bad:?}");
        }
    }

    #[test]
    fn system_time_before_the_epoch_rounds_down() {
        let t = SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(1);
        assert_eq!(Timestamp::from_system_time(t).map(|t| t.unix_seconds()), Some(-1));
        assert_eq!(
            Timestamp::from_system_time(SystemTime::UNIX_EPOCH).map(|t| t.to_string()).as_deref(),
            Some("Thu Jan 1 00:00:00 UTC 1970")
        );
    }
}
