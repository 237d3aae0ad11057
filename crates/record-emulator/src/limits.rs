//! Server-side limits: request rates (a sliding one-second window on the real monotonic
//! clock) and ZEGO's nonce replay cache.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Sliding one-second windows of accepted requests, one per key.
#[derive(Debug, Default)]
pub(crate) struct RateWindows {
    windows: HashMap<String, VecDeque<Instant>>,
}

impl RateWindows {
    /// Admits one request under `key` if fewer than `per_second` were admitted in the last
    /// second; a refused request is not counted.
    pub(crate) fn admit(&mut self, key: &str, per_second: u32, now: Instant) -> bool {
        let window = self.windows.entry(key.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= per_second as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}

/// The ZEGO nonces seen within the signature validity window.
#[derive(Debug, Default)]
pub(crate) struct NonceCache {
    /// nonce → the signed Timestamp (Unix seconds) it came with.
    seen: HashMap<String, i64>,
}

impl NonceCache {
    /// Records `nonce` (signed at `timestamp`); `false` when it was already used by a
    /// request that is still within the validity window. Entries older than `keep_secs`
    /// before `now_secs` are forgotten.
    pub(crate) fn remember(
        &mut self,
        nonce: &str,
        timestamp: i64,
        now_secs: i64,
        keep_secs: i64,
    ) -> bool {
        if self.seen.len() > 10_000 {
            self.seen
                .retain(|_, t| now_secs.saturating_sub(*t).abs() <= keep_secs);
        }
        if let Some(t) = self.seen.get(nonce)
            && now_secs.saturating_sub(*t).abs() <= keep_secs
        {
            return false;
        }
        self.seen.insert(nonce.to_owned(), timestamp);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let mut w = RateWindows::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(w.admit("k", 3, t0));
        }
        assert!(!w.admit("k", 3, t0));
        assert!(w.admit("other", 3, t0));
        assert!(w.admit("k", 3, t0 + Duration::from_millis(1000)));
    }

    #[test]
    fn nonces_are_single_use() {
        let mut c = NonceCache::default();
        assert!(c.remember("n", 100, 100, 600));
        assert!(!c.remember("n", 100, 200, 600));
        assert!(c.remember("n", 100, 1000, 600));
    }
}
