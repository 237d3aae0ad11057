//! Behaviour 3: the `Waiter`, with a `Sleeper` that advances the shared clock (no real
//! sleeping), follows a recording to its terminal state and reports every state change in
//! order; Agora (`not_found_means_gone`) ends as `gone` after its 404.

use crate::harness::{ClockSleeper, Harness, Phase, T0, Timeline};
use record_emulator::{Outcome, Vendor};
use record_facade::{
    DurationMillis, ErrorKind, RawCode, RecordingState, TaskRef, WaitError, Waiter,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A waiter polling every 0.5 to 1 s of the shared clock, giving up after 2 minutes.
fn waiter(h: &Harness, min: Duration, max: Duration) -> Waiter {
    Waiter::new(min, max, Duration::from_secs(120))
        .with_sleeper(Arc::new(ClockSleeper::new(h.clock.clone())))
}

/// Waits for `task`, returning the outcome and the states reported, in order.
async fn wait(
    h: &Harness,
    w: &Waiter,
    task: &TaskRef,
) -> (
    Result<record_facade::Recording, WaitError>,
    Vec<RecordingState>,
) {
    let mut seen = Vec::new();
    let started = Instant::now();
    let result = w
        .wait(h.client.as_ref(), task, |r| seen.push(r.state))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{}: the waiter slept for real",
        h.vendor
    );
    (result, seen)
}

/// A recording of 3 s goes starting → … → completed; every change is reported once, in
/// order, and the wait ends within one poll of the completion.
pub async fn until_completed(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (rec, task) = h.create(h.spec().duration_secs(3.0));
    let w = waiter(&h, Duration::from_millis(500), Duration::from_secs(1));
    let (result, seen) = wait(&h, &w, &task).await;
    let done = result.unwrap_or_else(|e| panic!("{vendor}: {e}"));
    assert_eq!(
        seen,
        h.expected_changes(&[
            Phase::Starting,
            Phase::Recording,
            Phase::Stopping,
            Phase::Processing,
            Phase::Completed,
        ]),
        "{vendor}"
    );
    assert_eq!(done.state, RecordingState::Completed);
    assert_eq!(done.files.len(), h.expected_completed_files(), "{vendor}");
    let t = Timeline::default_phases(T0, 3);
    let now = h.now();
    assert!(
        now >= t.processing_done && now <= t.processing_done.saturating_add(DurationMillis::SECOND),
        "{vendor}: the wait ended {} ms after T0",
        now.since(T0).as_millis()
    );
    assert_eq!(h.info(&rec).state, RecordingState::Completed);
}

/// A recording whose upload fails ends the wait as failed, after the same changes.
pub async fn until_failed(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (rec, task) = h.create(h.spec().duration_secs(3.0).outcome(Outcome::UploadFailed));
    let w = waiter(&h, Duration::from_millis(500), Duration::from_secs(1));
    let (result, seen) = wait(&h, &w, &task).await;
    let done = result.unwrap_or_else(|e| panic!("{vendor}: {e}"));
    assert_eq!(
        seen,
        h.expected_changes(&[
            Phase::Starting,
            Phase::Recording,
            Phase::Stopping,
            Phase::Processing,
            Phase::Failed,
        ]),
        "{vendor}"
    );
    assert_eq!(done.state, RecordingState::Failed);
    assert_eq!(h.info(&rec).state, RecordingState::Failed);
}

/// A vendor whose 404 means "gone" (Agora): a session seen recording, then polled only
/// after its ended session stopped answering, ends as `gone` with the 404 as its vendor
/// status; an unknown session is gone at once. The other vendors: a task the vendor does
/// not know ends the wait with the typed `NotFound` error.
pub async fn forgotten(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.capabilities();
    if caps.not_found_means_gone {
        // starting [0, 1) s, recording [1, 3), stopping [3, 4), processing [4, 5),
        // completed [5, 10), then 404.
        let (rec, task) = h.create(h.spec().duration_secs(2.0).phases(1.0, 1.0, 1.0));
        h.advance_ms(2_000);
        // Exactly 9 s between polls: the second poll, at 11 s, is past the 404.
        let w = waiter(&h, Duration::from_secs(9), Duration::from_secs(9));
        let (result, seen) = wait(&h, &w, &task).await;
        let done = result.unwrap_or_else(|e| panic!("{vendor}: {e}"));
        assert_eq!(seen, [RecordingState::Recording, RecordingState::Gone]);
        assert_eq!(done.state, RecordingState::Gone);
        assert_eq!(done.vendor_status.code, RawCode::Int(404));
        assert_eq!(h.info(&rec).state, RecordingState::Gone);

        let unknown = h.unknown_task(&task);
        let (result, seen) = wait(&h, &w, &unknown).await;
        let done = result.unwrap_or_else(|e| panic!("{vendor}: {e}"));
        assert_eq!(
            (done.state, seen),
            (RecordingState::Gone, vec![RecordingState::Gone])
        );
    } else {
        let (_, task) = h.create(h.spec());
        let unknown = h.unknown_task(&task);
        let w = waiter(&h, Duration::from_millis(500), Duration::from_secs(1));
        let (result, seen) = wait(&h, &w, &unknown).await;
        match result {
            Err(WaitError::Query(e)) => assert_eq!(e.kind(), ErrorKind::NotFound, "{vendor}"),
            other => panic!("{vendor}: {other:?}"),
        }
        assert!(seen.is_empty());
    }
}
