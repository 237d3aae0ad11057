//! Waiting for a recording to finish: poll with jittered backoff until a terminal state,
//! report every state change, give up after a maximum wait.
//!
//! Time and sleep are injected ([`Sleeper`]); the default, [`TokioSleeper`], runs on tokio's
//! clock, so tests with paused time finish instantly and deterministically.

use crate::{Error, ErrorKind, Recording, RecordingQuery, RecordingState, TaskRef};
use futures::future::BoxFuture;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A source of time and sleep for the [`Waiter`].
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Time elapsed since an arbitrary fixed origin (monotonic).
    fn elapsed(&self) -> Duration;
    /// Sleeps for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// [`Sleeper`] on tokio's clock (pausable in tests).
#[derive(Debug, Clone, Copy)]
pub struct TokioSleeper {
    origin: tokio::time::Instant,
}

impl Default for TokioSleeper {
    fn default() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Sleeper for TokioSleeper {
    fn elapsed(&self) -> Duration {
        self.origin.elapsed()
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Why waiting ended without a terminal state.
#[derive(Debug)]
pub enum WaitError {
    /// `max_wait` ran out; `last` is the last recording seen, if any was.
    TimedOut {
        /// The last observation.
        last: Option<Box<Recording>>,
        /// How long the waiter waited.
        waited: Duration,
    },
    /// A query failed with an error a retry cannot fix (bad credentials, bad ids, …).
    Query(Error),
}

impl WaitError {
    /// The last state seen before giving up, if any.
    pub fn last_state(&self) -> Option<RecordingState> {
        match self {
            Self::TimedOut { last, .. } => last.as_ref().map(|r| r.state),
            Self::Query(_) => None,
        }
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimedOut { last, waited } => {
                write!(
                    f,
                    "the recording did not finish within {} s",
                    waited.as_secs()
                )?;
                match last {
                    Some(r) => write!(f, " (last state: {})", r.state.as_str()),
                    None => f.write_str(" (no answer was received)"),
                }
            }
            Self::Query(e) => write!(f, "waiting failed: {e}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Query(e) => Some(e),
            Self::TimedOut { .. } => None,
        }
    }
}

/// Polls a recording until it reaches a terminal state.
///
/// The delay between polls starts at `min_delay`, doubles up to `max_delay`, is jittered
/// (uniform in its upper half, never below `min_delay`), and goes back to `min_delay` when
/// the state changes. Retryable query errors (after the client's own retries) are waited
/// out, except transport failures: a first poll that gets no answer ends the wait at once,
/// and so do [`Waiter::max_transport_failures`] of them in a row later; other errors end
/// the wait. Once the recording answered in this wait, a "not found"
/// or any HTTP 404 whatever its body and kind (Agora's gateway `{"message":"no Route matched
/// with those values"}` included: the same request just worked, so the route and the ids
/// exist) is [`RecordingState::Gone`]; before that, only a "not found" of a vendor whose
/// [`Capabilities::not_found_means_gone`] is set (a first 404 may be wrong ids).
///
/// [`Capabilities::not_found_means_gone`]: crate::Capabilities::not_found_means_gone
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Shortest delay between two polls.
    pub min_delay: Duration,
    /// Longest delay between two polls.
    pub max_delay: Duration,
    /// Give up after this long.
    pub max_wait: Duration,
    /// How many polls in a row may fail with a transport error ([`ErrorKind::Transport`] or
    /// [`ErrorKind::Timeout`], each poll after its own retries) before the wait gives up
    /// with that error, once the recording has answered. A first poll that fails so ends
    /// the wait at once: the endpoint has never answered, and waiting an hour in silence
    /// helps no one. Default [`Waiter::DEFAULT_MAX_TRANSPORT_FAILURES`].
    pub max_transport_failures: u32,
    sleeper: Arc<dyn Sleeper>,
}

impl Default for Waiter {
    /// 1 s to 15 s between polls, at most 1 hour in all.
    fn default() -> Self {
        Self::new(
            Duration::from_secs(1),
            Duration::from_secs(15),
            Duration::from_secs(3600),
        )
    }
}

impl Waiter {
    /// Polls in a row that may fail with a transport error once the recording has
    /// answered: 3 (each poll already made its own retries).
    pub const DEFAULT_MAX_TRANSPORT_FAILURES: u32 = 3;

    /// A waiter on tokio's clock.
    pub fn new(min_delay: Duration, max_delay: Duration, max_wait: Duration) -> Self {
        Self {
            min_delay,
            max_delay: max_delay.max(min_delay),
            max_wait,
            max_transport_failures: Self::DEFAULT_MAX_TRANSPORT_FAILURES,
            sleeper: Arc::new(TokioSleeper::default()),
        }
    }

    /// Uses another time source.
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// The delay after `unchanged` polls without a state change; `unit` in `[0, 1)`.
    pub fn delay(&self, unchanged: u32, unit: f64) -> Duration {
        let ceiling = self
            .min_delay
            .saturating_mul(1u32 << unchanged.min(20))
            .min(self.max_delay);
        let jittered = ceiling.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0));
        jittered.max(self.min_delay)
    }

    /// Waits until the recording `task` is terminal, calling `on_change` with every
    /// observation whose state differs from the previous one (the first included).
    ///
    /// # Errors
    /// [`WaitError::TimedOut`] with the last observation when `max_wait` runs out;
    /// [`WaitError::Query`] on an error a retry cannot fix.
    pub async fn wait(
        &self,
        query: &dyn RecordingQuery,
        task: &TaskRef,
        on_change: impl FnMut(&Recording) + Send,
    ) -> Result<Recording, WaitError> {
        self.wait_observing(query, task, on_change, |_| {}).await
    }

    /// [`Waiter::wait`], also calling `on_failed_poll` with every failed poll that the
    /// wait survives (a retryable error that will be polled again), so that progress can
    /// show what is being retried.
    ///
    /// # Errors
    /// As [`Waiter::wait`].
    pub async fn wait_observing(
        &self,
        query: &dyn RecordingQuery,
        task: &TaskRef,
        mut on_change: impl FnMut(&Recording) + Send,
        mut on_failed_poll: impl FnMut(&Error) + Send,
    ) -> Result<Recording, WaitError> {
        let started = self.sleeper.elapsed();
        let gone_on_404 = query.capabilities().not_found_means_gone;
        let mut last: Option<Recording> = None;
        let mut unchanged: u32 = 0;
        let mut transport_failures: u32 = 0;
        loop {
            let observed = match query.get(task).await {
                Ok(r) => {
                    transport_failures = 0;
                    Some(r)
                }
                Err(e) if means_gone(&e, gone_on_404, last.is_some()) => {
                    Some(Recording::gone(query.vendor(), task, &e, last.as_ref()))
                }
                Err(e) if e.is_retryable() => {
                    if matches!(e.kind(), ErrorKind::Transport | ErrorKind::Timeout) {
                        transport_failures = transport_failures.saturating_add(1);
                        if last.is_none() || transport_failures >= self.max_transport_failures {
                            return Err(WaitError::Query(e));
                        }
                    }
                    on_failed_poll(&e);
                    None
                }
                Err(e) => return Err(WaitError::Query(e)),
            };
            if let Some(r) = observed {
                let changed = last.as_ref().is_none_or(|l| l.state != r.state);
                if changed {
                    on_change(&r);
                    unchanged = 0;
                } else {
                    unchanged = unchanged.saturating_add(1);
                }
                if r.state.is_terminal() {
                    return Ok(r);
                }
                last = Some(r);
            } else {
                unchanged = unchanged.saturating_add(1);
            }
            let waited = self.sleeper.elapsed().saturating_sub(started);
            let left = self.max_wait.saturating_sub(waited);
            if left.is_zero() {
                return Err(WaitError::TimedOut {
                    last: last.map(Box::new),
                    waited,
                });
            }
            let delay = self.delay(unchanged, rand::random::<f64>()).min(left);
            self.sleeper.sleep(delay).await;
        }
    }
}

/// Whether a failed poll means the recording no longer exists.
///
/// Before the recording answered in this wait (`answered` false), only a
/// [`NotFound`](ErrorKind::NotFound) error, and only when the vendor's 404 means an ended
/// recording (`not_found_means_gone`, [`Capabilities::not_found_means_gone`]): a first 404
/// may as well be wrong ids, so it keeps its meaning. Once it answered, every 404 shape means
/// gone: a `NotFound` error and any error with HTTP status 404, whatever kind the vendor's
/// body gave it (Agora's gateway `{"message":"no Route matched with those values"}`, an
/// invalid request; Volcengine's `ServiceNotFound`; a ZEGO envelope code under HTTP 404):
/// the same request just worked, so the route and the ids exist and the recording has ended.
///
/// [`Capabilities::not_found_means_gone`]: crate::Capabilities::not_found_means_gone
fn means_gone(error: &Error, not_found_means_gone: bool, answered: bool) -> bool {
    let not_found = error.kind() == ErrorKind::NotFound;
    if answered {
        not_found || error.http_status() == Some(404)
    } else {
        not_found && not_found_means_gone
    }
}
