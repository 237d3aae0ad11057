//! An injectable wall clock, so that limit checks and signatures are deterministic in tests.

use crate::UnixMillis;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::SystemTime;

/// A source of the current wall-clock time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> UnixMillis;
}

/// The system's real-time clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixMillis {
        UnixMillis::from_system_time(SystemTime::now())
    }
}

/// A clock that returns a fixed time until it is moved with [`FixedClock::set`] or
/// [`FixedClock::advance`].
///
/// ```
/// use record_core::{Clock, DurationMillis, FixedClock, UnixMillis};
/// let clock = FixedClock::new(UnixMillis(1_000));
/// clock.advance(DurationMillis(500));
/// assert_eq!(clock.now(), UnixMillis(1_500));
/// ```
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `at`.
    pub const fn new(at: UnixMillis) -> Self {
        Self(AtomicI64::new(at.0))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: UnixMillis) {
        self.0.store(at.0, Ordering::SeqCst);
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: crate::DurationMillis) {
        self.0.fetch_add(by.0, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.0.load(Ordering::SeqCst))
    }
}
