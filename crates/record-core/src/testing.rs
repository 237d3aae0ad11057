//! Test helpers shared by this crate's tests and the vendor crates' tests.
//!
//! * Fixture round trips: decode a fixture, serialize it back, and list every JSON path
//!   where the round trip differs from the original ([`Decoded`], [`json_diff`],
//!   [`check_fixture`]). A documented field our models dropped, an unknown field, or a
//!   changed value all show up as a differing path.
//! * Paused-clock traffic: when each attempt of a client was sent, on tokio's clock, and
//!   how to keep a paused clock still while a request is on a real socket ([`Traffic`],
//!   [`hold_clock_while_in_flight`], [`advance_in_steps`], [`offsets_ms`],
//!   [`busiest_second`]), and a clock that moves at every reading ([`TickingClock`]).
//!
//! Nothing here needs more than this crate's own dependencies (tokio's `time` feature); a
//! test pauses the clock itself (`#[tokio::test(start_paused = true)]`, which needs tokio's
//! `test-util` feature in the test's dev-dependencies).

use crate::{Clock, DurationMillis, UnixMillis};
use serde_json::Value;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// A decoded fixture: the typed value (for snapshots) and its serialization (for round trips).
pub struct Decoded {
    /// The typed value, boxed for a `Debug` snapshot.
    pub value: Box<dyn Debug>,
    /// The typed value serialized back to JSON.
    pub reserialized: Value,
}

impl Decoded {
    /// Decodes `body` as `T` and serializes it back.
    pub fn of<T>(body: &[u8]) -> Result<Self, serde_json::Error>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + Debug + 'static,
    {
        let typed: T = serde_json::from_slice(body)?;
        let reserialized = serde_json::to_value(&typed)?;
        Ok(Self {
            value: Box::new(typed),
            reserialized,
        })
    }
}

/// Every JSON path at which `expected` and `actual` differ, e.g. `$.Data.TaskList` or
/// `$.recinfos[0].pid`. Empty when they are equal. Numbers compare by value (`1` == `1.0`).
pub fn json_diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => diff_at(&p, va, vb, out),
                    None => out.push(format!("{p} (missing after round trip)")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k} (added by round trip)"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path} (length {} vs {})", a.len(), b.len()));
            }
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff_at(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if a != b && a.as_f64() != b.as_f64() {
                out.push(format!("{path} ({a} vs {b})"));
            }
        }
        (a, b) => {
            if a != b {
                out.push(format!("{path} ({a} vs {b})"));
            }
        }
    }
}

/// Decodes the fixture at `path` with `decode` (a vendor crate's `decode_fixture`) and checks
/// that it round-trips: the typed value serialized back must equal the fixture, or, where a
/// normalisation is deliberate, `roundtrip/<case>.json` next to it. Returns the typed value
/// for a snapshot.
///
/// This is a test helper: it panics, naming the fixture and every differing JSON path,
/// when the fixture cannot be read or decoded or does not round-trip.
pub fn check_fixture(
    path: &std::path::Path,
    decode: fn(&str, &[u8]) -> Result<Decoded, serde_json::Error>,
) -> Box<dyn Debug> {
    let shown = path.display();
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_else(|| panic!("{shown}: fixture must live in fixtures/<vendor>/<api>/"));
    check_fixture_in(path, dir, decode)
}

/// [`check_fixture`] with the folder passed to `decode` given explicitly (for request
/// fixtures in `fixtures/<vendor>/<api>/requests/`, whose type the `<api>` folder names).
///
/// This is a test helper: it panics like [`check_fixture`].
pub fn check_fixture_in(
    path: &std::path::Path,
    dir: &str,
    decode: fn(&str, &[u8]) -> Result<Decoded, serde_json::Error>,
) -> Box<dyn Debug> {
    let shown = path.display();
    let body = std::fs::read(path).unwrap_or_else(|e| panic!("{shown}: cannot read: {e}"));
    let decoded = decode(dir, &body).unwrap_or_else(|e| panic!("{shown}: does not decode: {e}"));
    let expected_path = path
        .parent()
        .map(|p| {
            p.join("roundtrip")
                .join(path.file_name().unwrap_or_default())
        })
        .filter(|p| p.exists());
    let expected_bytes = match &expected_path {
        Some(p) => std::fs::read(p).unwrap_or_else(|e| panic!("{}: cannot read: {e}", p.display())),
        None => body,
    };
    let expected: Value = serde_json::from_slice(&expected_bytes)
        .unwrap_or_else(|e| panic!("{shown}: expected round trip is not JSON: {e}"));
    let diff = json_diff(&expected, &decoded.reserialized);
    assert!(
        diff.is_empty(),
        "{shown}: round trip differs from {} at:\n  {}",
        expected_path
            .as_ref()
            .map_or_else(|| "the fixture".to_owned(), |p| p.display().to_string()),
        diff.join("\n  ")
    );
    decoded.value
}

/// What a paused-clock test observes of a client's traffic: every attempt sent (a label and
/// the tokio instant, recorded by whoever signs the attempt: a test signer, a nonce source
/// or the client's clock, all read once per attempt right before it is sent) and how many
/// answers the server gave (counted by the test's responder).
///
/// [`hold_clock_while_in_flight`] uses the two counts to tell whether a request is on the
/// wire.
#[derive(Debug, Default)]
pub struct Traffic {
    sent: Mutex<Vec<(String, Instant)>>,
    answered: AtomicUsize,
}

impl Traffic {
    /// An empty record, shared (the recorder and the responder each hold a clone).
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Records that an attempt labelled `label` is sent now (tokio time); returns how many
    /// were recorded before it.
    pub fn record_sent(&self, label: impl Into<String>) -> usize {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.push((label.into(), Instant::now()));
        sent.len() - 1
    }

    /// Records one answer of the server; returns how many were recorded before it (so a
    /// responder can answer the `n`-th request with its `n`-th template).
    pub fn record_answered(&self) -> usize {
        self.answered.fetch_add(1, Ordering::SeqCst)
    }

    /// Whether more attempts were sent than answered.
    pub fn in_flight(&self) -> bool {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
            > self.answered.load(Ordering::SeqCst)
    }

    /// Every attempt recorded, in the order recorded.
    pub fn sent(&self) -> Vec<(String, Instant)> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The instants of the attempts labelled `label`, or of all attempts for `None`.
    pub fn sent_at(&self, label: Option<&str>) -> Vec<Instant> {
        self.sent()
            .into_iter()
            .filter(|(l, _)| label.is_none_or(|want| l == want))
            .map(|(_, at)| at)
            .collect()
    }

    /// A nonce source for a protocol that draws one nonce per attempt (ZEGO's
    /// `nonce_source`): every nonce is recorded as an attempt sent, labelled with itself,
    /// and they count up: `0000000000000000`, `0000000000000001`, ...
    pub fn nonce_source(self: &Arc<Self>) -> impl Fn() -> String + Send + Sync + 'static {
        let traffic = Arc::clone(self);
        move || {
            let n = traffic
                .sent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .len();
            let nonce = format!("{n:016x}");
            traffic.record_sent(nonce.clone());
            nonce
        }
    }

    /// A clock stopped at `at` that records every reading as an attempt sent (unlabelled):
    /// a client built on [`crate::service::Service`] reads its clock exactly once per
    /// attempt, when it signs it, right before sending.
    pub fn clock(self: &Arc<Self>, at: UnixMillis) -> Arc<dyn Clock> {
        Arc::new(TrafficClock {
            traffic: Arc::clone(self),
            at,
        })
    }
}

/// The clock of [`Traffic::clock`].
#[derive(Debug)]
struct TrafficClock {
    traffic: Arc<Traffic>,
    at: UnixMillis,
}

impl Clock for TrafficClock {
    fn now(&self) -> UnixMillis {
        self.traffic.record_sent("");
        self.at
    }
}

/// Runs `work` under tokio's paused clock, holding the clock still while `traffic` has a
/// request in flight.
///
/// Paused time auto-advances to the next timer whenever the runtime is idle, and a runtime
/// waiting for a socket counts as idle: a request in flight to a server on another thread
/// (wiremock answers in real time) could see its attempt timeout fire at once. So while
/// more attempts were sent than answered this keeps the runtime busy (it yields, which
/// wakes it at once), and otherwise lets the clock move in 1 ms steps. A real-time guard of
/// 60 s stops the holding if a request never gets an answer, so a broken test fails
/// instead of hanging.
pub async fn hold_clock_while_in_flight<F: Future>(traffic: &Traffic, work: F) -> F::Output {
    drive(work, Duration::from_millis(1), || traffic.in_flight()).await
}

/// Runs `work` under tokio's paused clock, letting the clock move in steps of `step`: a
/// timer is always due `step` ahead, so when the runtime is idle (also while a request is
/// on a real socket) paused time jumps by `step`, not straight to the next far timer such
/// as an attempt timeout. For tests that cannot count their requests (a waiter polling a
/// client); give the client long timeouts, since each idle moment still costs `step`.
pub async fn advance_in_steps<F: Future>(step: Duration, work: F) -> F::Output {
    drive(work, step, || false).await
}

/// Runs `work`; beside it, yields while `hold()` (for at most 60 s of real time), else
/// sleeps `step`.
async fn drive<F: Future>(work: F, step: Duration, hold: impl Fn() -> bool) -> F::Output {
    let done = AtomicBool::new(false);
    let guard = std::time::Instant::now() + Duration::from_secs(60);
    let work = async {
        let out = work.await;
        done.store(true, Ordering::SeqCst);
        out
    };
    let control = async {
        while !done.load(Ordering::SeqCst) {
            if hold() && std::time::Instant::now() < guard {
                YieldNow(false).await;
            } else {
                tokio::time::sleep(step).await;
            }
        }
    };
    futures::join!(work, control).0
}

/// Returns `Pending` once, waking its task at once: the runtime polls its other tasks and
/// its I/O, but has a task ready, so a paused clock does not advance.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// `times` sorted, as milliseconds after the first of them.
pub fn offsets_ms(times: &[Instant]) -> Vec<u128> {
    let mut sorted = times.to_vec();
    sorted.sort();
    let first = sorted.first().copied();
    sorted
        .iter()
        .map(|t| first.map_or(0, |f| t.duration_since(f).as_millis()))
        .collect()
}

/// The largest number of `offsets` (sorted milliseconds, as [`offsets_ms`] gives them) in
/// any window `[t, t + 1 s)`: at most the rate limit when a client keeps to it.
pub fn busiest_second(offsets: &[u128]) -> usize {
    offsets
        .iter()
        .enumerate()
        .map(|(i, &t)| offsets[i..].iter().take_while(|&&u| u < t + 1000).count())
        .max()
        .unwrap_or(0)
}

/// A clock that moves `step` forward every time it is read, so that each attempt of a call
/// is signed at its own time.
///
/// ```
/// use record_core::{Clock, DurationMillis, UnixMillis};
/// let clock = record_core::testing::TickingClock::new(UnixMillis(1_000), DurationMillis(500));
/// assert_eq!((clock.now(), clock.now()), (UnixMillis(1_000), UnixMillis(1_500)));
/// ```
#[derive(Debug)]
pub struct TickingClock {
    next: std::sync::atomic::AtomicI64,
    step: DurationMillis,
}

impl TickingClock {
    /// A clock whose first reading is `start`.
    pub const fn new(start: UnixMillis, step: DurationMillis) -> Self {
        Self {
            next: std::sync::atomic::AtomicI64::new(start.0),
            step,
        }
    }
}

impl Clock for TickingClock {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.next.fetch_add(self.step.0, Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_missing_added_and_changed_paths() {
        let a = json!({"a": 1, "b": {"c": [1, 2]}, "d": "x"});
        let b = json!({"a": 1, "b": {"c": [1, 3]}, "e": null});
        assert_eq!(
            json_diff(&a, &b),
            vec![
                "$.b.c[1] (2 vs 3)".to_owned(),
                "$.d (missing after round trip)".to_owned(),
                "$.e (added by round trip)".to_owned(),
            ]
        );
        assert!(json_diff(&a, &a).is_empty());
        assert!(json_diff(&json!(1), &json!(1.0)).is_empty());
    }

    #[test]
    fn the_busiest_second_counts_a_half_open_window() {
        assert_eq!(busiest_second(&[]), 0);
        assert_eq!(busiest_second(&[0, 1000]), 1);
        assert_eq!(busiest_second(&[0, 999]), 2);
        assert_eq!(busiest_second(&[0, 100, 200, 1500]), 3);
    }

    #[test]
    fn traffic_counts_what_is_in_flight() {
        let traffic = Traffic::new();
        assert!(!traffic.in_flight());
        let nonces = traffic.nonce_source();
        assert_eq!(nonces(), "0000000000000000");
        assert_eq!(traffic.record_sent("b"), 1);
        assert!(traffic.in_flight());
        assert_eq!(traffic.record_answered(), 0);
        assert!(traffic.in_flight());
        assert_eq!(traffic.record_answered(), 1);
        assert!(!traffic.in_flight());
        assert_eq!(traffic.sent_at(Some("b")).len(), 1);
        assert_eq!(traffic.sent_at(None).len(), 2);
        let clock = traffic.clock(UnixMillis(7));
        assert_eq!(clock.now(), UnixMillis(7));
        assert_eq!(traffic.sent_at(Some("")).len(), 1);
    }
}
