//! A client-side rate limiter shared by every clone of a client.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces requests at least `(1 + margin)/rate` seconds apart, so that no one-second
/// window ever holds more than `rate` requests, at the client and at the vendor. Callers wait
/// for their turn in arrival order; nothing is dropped. Cloning shares the limiter.
///
/// The vendor counts arrivals, not departures: with a spacing of exactly `1/rate`, the
/// `rate + 1`-th request leaves exactly one second after the first, and any jitter that
/// delays the first more than it delays that one puts `rate + 1` arrivals in one of the
/// vendor's windows (seen against the emulator on loopback). The margin
/// ([`RateLimiter::SAFETY_MARGIN_PERMILLE`], 2 %) tolerates 20 ms of relative jitter at any rate and
/// costs 2 % of throughput (10/s becomes 9.8/s).
///
/// It runs on tokio's clock, so tests with paused time are deterministic.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    interval: Duration,
    next_free: Arc<Mutex<Option<Instant>>>,
}

impl RateLimiter {
    /// The share by which the spacing exceeds `1/rate`, in thousandths.
    pub const SAFETY_MARGIN_PERMILLE: u64 = 20;

    /// One second plus the margin, in nanoseconds.
    const PERIOD_NANOS: u64 = 1_000_000 * (1000 + Self::SAFETY_MARGIN_PERMILLE);

    /// A limiter allowing `per_second` requests per second; `None` when `per_second` is 0.
    pub fn per_second(per_second: u32) -> Option<Self> {
        (per_second > 0).then(|| Self {
            // 1.02 s / rate, rounded up to the nanosecond (integer arithmetic: 1 s / 60
            // truncated once let 61 starts into 999.99996 ms).
            interval: Duration::from_nanos(Self::PERIOD_NANOS.div_ceil(u64::from(per_second))),
            next_free: Arc::new(Mutex::new(None)),
        })
    }

    /// The spacing between two requests.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits until this caller may send. The slot is reserved under a short lock and the
    /// wait happens outside it, so a thousand waiters cost a thousand timers, not a queue
    /// of lock holders.
    pub async fn acquire(&self) {
        let at = {
            let mut next = self.next_free.lock().await;
            let now = Instant::now();
            let at = match *next {
                Some(t) if t > now => t,
                _ => now,
            };
            *next = Some(at + self.interval);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::join_all;

    #[test]
    fn zero_rate_means_no_limiter() {
        assert!(RateLimiter::per_second(0).is_none());
        assert_eq!(
            RateLimiter::per_second(10).map(|l| l.interval()),
            Some(Duration::from_millis(102))
        );
        assert_eq!(
            RateLimiter::per_second(60).map(|l| l.interval()),
            Some(Duration::from_nanos(17_000_000))
        );
        assert_eq!(
            RateLimiter::per_second(7).map(|l| l.interval()),
            Some(Duration::from_nanos(145_714_286))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn two_hundred_concurrent_callers_never_exceed_the_rate() {
        let Some(limiter) = RateLimiter::per_second(10) else {
            panic!("rate 10 must give a limiter")
        };
        let start = Instant::now();
        let times = join_all((0..200).map(|_| {
            let l = limiter.clone();
            async move {
                l.acquire().await;
                Instant::now() - start
            }
        }))
        .await;
        assert_eq!(times.len(), 200, "nothing is dropped");
        let mut ms: Vec<u128> = times.iter().map(Duration::as_millis).collect();
        ms.sort_unstable();
        // In every window [t, t + 1 s) at most 10 calls went through.
        for (i, &t) in ms.iter().enumerate() {
            let in_window = ms[i..].iter().take_while(|&&u| u < t + 1000).count();
            assert!(
                in_window <= 10,
                "{in_window} calls in the second starting at {t} ms"
            );
        }
        // And the limiter wastes only its margin: 200 calls take 199 × 102 ms, not more.
        assert_eq!(ms.last().copied(), Some(20_298));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_limiter_lets_the_next_call_through_at_once() {
        let Some(limiter) = RateLimiter::per_second(2) else {
            panic!("rate 2 must give a limiter")
        };
        limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let before = Instant::now();
        limiter.acquire().await;
        assert_eq!(Instant::now(), before);
    }
}
