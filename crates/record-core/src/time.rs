//! Typed time values. Vendors use milliseconds in some fields and seconds in others;
//! these newtypes keep the vendor's unit and make mixing them a type error.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A Unix timestamp in **milliseconds** (毫秒), as the vendor sent it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixMillis(pub i64);

/// A Unix timestamp in **seconds** (秒), as the vendor sent it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixSeconds(pub i64);

/// A duration in **milliseconds** (毫秒), as the vendor sent it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct DurationMillis(pub i64);

impl UnixMillis {
    /// The raw number of milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The same instant in whole seconds (rounded towards negative infinity).
    pub const fn to_seconds(self) -> UnixSeconds {
        UnixSeconds(self.0.div_euclid(1000))
    }

    /// The instant as a [`SystemTime`]; `None` if it is out of the platform's range.
    pub fn to_system_time(self) -> Option<SystemTime> {
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_millis(self.0.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_millis(self.0.unsigned_abs()))
        }
    }

    /// Converts a [`SystemTime`], saturating at the limits of `i64` milliseconds.
    pub fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            Err(e) => Self(i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |v| -v)),
        }
    }

    /// Adds a duration in milliseconds, saturating.
    pub const fn saturating_add(self, d: DurationMillis) -> Self {
        Self(self.0.saturating_add(d.0))
    }

    /// Subtracts a duration in milliseconds, saturating.
    pub const fn saturating_sub(self, d: DurationMillis) -> Self {
        Self(self.0.saturating_sub(d.0))
    }

    /// The signed span from `earlier` to `self`.
    pub const fn since(self, earlier: UnixMillis) -> DurationMillis {
        DurationMillis(self.0.saturating_sub(earlier.0))
    }
}

impl UnixSeconds {
    /// The raw number of seconds since the Unix epoch.
    pub const fn as_seconds(self) -> i64 {
        self.0
    }

    /// The same instant in milliseconds (saturating).
    pub const fn to_millis(self) -> UnixMillis {
        UnixMillis(self.0.saturating_mul(1000))
    }
}

impl DurationMillis {
    /// One second.
    pub const SECOND: Self = Self(1000);
    /// One hour.
    pub const HOUR: Self = Self(3_600_000);
    /// One day (24 hours).
    pub const DAY: Self = Self(86_400_000);

    /// The raw number of milliseconds.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// As a [`std::time::Duration`]; `None` when negative.
    pub fn to_std(self) -> Option<Duration> {
        u64::try_from(self.0).ok().map(Duration::from_millis)
    }

    /// From a [`std::time::Duration`], saturating at `i64::MAX` milliseconds.
    pub fn from_std(d: Duration) -> Self {
        Self(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

impl UnixMillis {
    /// The time as RFC 3339 UTC with milliseconds (`2026-12-03T10:00:00.000Z`), for
    /// messages a person reads; a time before 1970 or after 9999 as `… ms since epoch`.
    ///
    /// ```
    /// use record_core::UnixMillis;
    /// assert_eq!(UnixMillis(1_764_756_000_123).to_rfc3339(), "2025-12-03T10:00:00.123Z");
    /// assert_eq!(UnixMillis(-1).to_rfc3339(), "-1 ms since epoch");
    /// assert_eq!(UnixMillis(i64::MAX).to_rfc3339(), format!("{} ms since epoch", i64::MAX));
    /// ```
    pub fn to_rfc3339(self) -> String {
        /// 9999-12-31T23:59:59.999Z, the last instant RFC 3339's four-digit year holds.
        const LAST: i64 = 253_402_300_799_999;
        match self.to_system_time() {
            Some(t) if (0..=LAST).contains(&self.0) => {
                humantime::format_rfc3339_millis(t).to_string()
            }
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms since epoch", self.0)
    }
}

impl fmt::Display for UnixSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} s since epoch", self.0)
    }
}

impl fmt::Display for DurationMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_and_seconds_convert_without_mixing() {
        let ms = UnixMillis(1_601_221_452_099);
        assert_eq!(ms.to_seconds(), UnixSeconds(1_601_221_452));
        assert_eq!(
            UnixSeconds(1_615_186_943).to_millis(),
            UnixMillis(1_615_186_943_000)
        );
        assert_eq!(UnixMillis(-1).to_seconds(), UnixSeconds(-1));
    }

    #[test]
    fn system_time_round_trip() {
        let ms = UnixMillis(1_624_873_773_354);
        let st = ms.to_system_time();
        assert_eq!(st.map(UnixMillis::from_system_time), Some(ms));
        assert_eq!(
            UnixMillis(-5)
                .to_system_time()
                .map(UnixMillis::from_system_time),
            Some(UnixMillis(-5))
        );
    }

    #[test]
    fn durations() {
        assert_eq!(UnixMillis(10).since(UnixMillis(4)), DurationMillis(6));
        assert_eq!(DurationMillis(-1).to_std(), None);
        assert_eq!(
            DurationMillis::DAY.to_std(),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            UnixMillis(i64::MAX).saturating_add(DurationMillis(1)),
            UnixMillis(i64::MAX)
        );
    }
}
