//! When and how long to wait before repeating a failed request.
//!
//! Retries happen only where a retry can help (see [`crate::Error::is_retryable`]):
//! connection errors, timeouts, HTTP 429 and 5xx, and the vendors' rate-limit codes. The
//! wait is exponential backoff with full jitter, never shorter than a `Retry-After` the
//! vendor sent, and the whole call is bounded both by a number of attempts and by time.

use std::time::{Duration, SystemTime};

/// Retry settings of a client. `RetryPolicy::disabled()` turns retries off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 = no retry).
    pub max_attempts: u32,
    /// Upper bound of the first backoff; it doubles with every retry.
    pub initial_backoff: Duration,
    /// Upper bound of any one backoff.
    pub max_backoff: Duration,
    /// No retry is started once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from up to 200 ms doubling to at most 5 s, 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    pub const fn disabled() -> Self {
        Self {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_elapsed: Duration::ZERO,
        }
    }

    /// The ceiling of the backoff after `attempt` failed attempts (1-based):
    /// `min(max_backoff, initial_backoff * 2^(attempt-1))`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let shift = attempt.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << shift)
            .min(self.max_backoff)
    }

    /// The wait before the next attempt after `attempt` failed attempts: a uniformly random
    /// duration in `[0, backoff_ceiling(attempt)]` ("full jitter"), raised to `retry_after`
    /// when the vendor asked for longer. `unit` is a random number in `[0, 1)`.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let jittered = self.backoff_ceiling(attempt).mul_f64(unit.clamp(0.0, 1.0));
        match retry_after {
            Some(r) => jittered.max(r),
            None => jittered,
        }
    }

    /// Whether another attempt may start after `attempt` failed attempts, `elapsed` since
    /// the first one, when the next would start after `next_wait`.
    pub fn may_retry(&self, attempt: u32, elapsed: Duration, next_wait: Duration) -> bool {
        attempt < self.max_attempts && elapsed.saturating_add(next_wait) <= self.max_elapsed
    }
}

/// Parses an HTTP `Retry-After` value: delay-seconds, or an HTTP-date relative to `now`
/// (a date in the past means "now"). `None` for anything else.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// assert_eq!(record_core::parse_retry_after("3", SystemTime::now()), Some(Duration::from_secs(3)));
/// assert_eq!(record_core::parse_retry_after("soon", SystemTime::now()), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            max_elapsed: Duration::from_secs(60),
        };
        let ceilings: Vec<u128> = (1..=5).map(|a| p.backoff_ceiling(a).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 700, 700]);
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_millis(700));
    }

    #[test]
    fn full_jitter_spans_zero_to_ceiling_and_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(2, None, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(2, None, 0.5), Duration::from_millis(200));
        assert_eq!(
            p.backoff(2, None, 7.0),
            Duration::from_millis(400),
            "unit is clamped"
        );
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(2)), 0.5),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.backoff(3, Some(Duration::from_millis(1)), 1.0),
            Duration::from_millis(800)
        );
    }

    #[test]
    fn retries_are_bounded_by_attempts_and_time() {
        let p = RetryPolicy::default();
        assert!(p.may_retry(1, Duration::ZERO, Duration::ZERO));
        assert!(p.may_retry(2, Duration::from_secs(1), Duration::from_secs(1)));
        assert!(
            !p.may_retry(3, Duration::ZERO, Duration::ZERO),
            "3 attempts in all"
        );
        assert!(
            !p.may_retry(1, Duration::from_secs(29), Duration::from_secs(2)),
            "30 s in all"
        );
        assert!(!RetryPolicy::disabled().may_retry(1, Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
