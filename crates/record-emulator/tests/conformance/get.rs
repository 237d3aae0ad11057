//! Behaviour 1: `get` by id, a recording in each lifecycle phase reads back with the right
//! neutral state, vendor status, times and files; ids that break a documented rule are
//! refused before anything is sent.

use crate::harness::{Harness, Phase, T0, Timeline};
use record_emulator::{Outcome, RecordingInfo, Vendor};
use record_facade::{DurationMillis, ErrorKind, RecordingState, TaskRef};

/// Reads `task` through the vendor's client and checks it against the emulator's view and
/// the vendor's documented mapping of `phase`.
async fn check(h: &Harness, rec: &RecordingInfo, task: &TaskRef, phase: Phase, t: &Timeline) {
    let vendor = h.vendor;
    let info = h.info(rec);
    // The emulator's own view first, so that a wrong timeline in this test is told apart
    // from a wrong client.
    assert_eq!(
        info.state,
        phase.emulator_state(),
        "{vendor} {phase:?}: emulator"
    );

    let r = h
        .client
        .get(task)
        .await
        .unwrap_or_else(|e| panic!("{vendor} {phase:?}: {e:?}"));
    assert_eq!(r.vendor, vendor);
    assert_eq!(&r.task, task, "{vendor} {phase:?}");
    assert_eq!(
        r.state,
        h.expected_state(phase),
        "{vendor} {phase:?}: state"
    );
    assert_eq!(
        r.vendor_status.code.to_string(),
        info.vendor_status,
        "{vendor} {phase:?}: vendor status"
    );
    assert!(
        !r.vendor_status.meaning.is_empty() && r.vendor_status.meaning != "undocumented value",
        "{vendor} {phase:?}: {:?}",
        r.vendor_status
    );
    let (started, ended) = h.expected_times(phase, t);
    assert_eq!(r.started_at, started, "{vendor} {phase:?}: started_at");
    assert_eq!(r.ended_at, ended, "{vendor} {phase:?}: ended_at");
    assert!(
        r.raw.to_json().is_object(),
        "{vendor}: the raw answer is kept"
    );

    match phase {
        Phase::Starting => assert_eq!(
            !r.files.is_empty(),
            h.files_while_starting(),
            "{vendor}: files while starting: {:?}",
            r.files
        ),
        Phase::Completed => {
            assert_eq!(
                r.files.len(),
                h.expected_completed_files(),
                "{vendor}: {:?}",
                r.files
            );
            for f in &r.files {
                assert!(!f.name.is_empty(), "{vendor}: {f:?}");
                // Where the vendor tells, the file lasts the 4 s recorded and has a size.
                if let Some(d) = f.duration {
                    assert_eq!(d, DurationMillis(4_000), "{vendor}: {f:?}");
                }
                if let Some(size) = f.size_bytes {
                    assert!(size > 0, "{vendor}: {f:?}");
                }
                if let Some(state) = f.state {
                    assert_eq!(state, RecordingState::Completed, "{vendor}: {f:?}");
                }
            }
        }
        _ => {}
    }
}

/// Two recordings created at the same instant, recording 4 s: one completes, one crashes
/// when it would have stopped. Read in every phase.
pub async fn every_phase(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (rec, task) = h.create(h.spec().duration_secs(4.0));
    let (crashing, crash_task) = h.create(h.spec().duration_secs(4.0).outcome(Outcome::Crashed));
    // starting [0, 2) s, recording [2, 6), stopping [6, 8), processing [8, 14), completed
    // from 14 (Agora: 404 from 19). The crash is at 6 s; QingCloud reports 30 until 8 s,
    // then 32; Agora reports 20 until 11 s, then 404.
    let t = Timeline::default_phases(T0, 4);
    let mut at = 0;
    for (ms, phase) in [
        (1_000, Phase::Starting),
        (3_000, Phase::Recording),
        (7_000, Phase::Stopping),
        (10_000, Phase::Processing),
        (15_000, Phase::Completed),
    ] {
        h.advance_ms(ms - at);
        at = ms;
        check(&h, &rec, &task, phase, &t).await;
        if phase == Phase::Processing {
            check(&h, &crashing, &crash_task, Phase::Failed, &t).await;
        }
    }
}

/// Ids that break a documented rule (ZEGO's 16-byte `TaskId`, QingCloud's integer record
/// id, an empty Volcengine `TaskId`, an unknown Agora mode) and another vendor's ids are
/// refused by the client with a typed `InvalidRequest` naming the parameter, before any
/// request is sent.
pub async fn malformed_and_foreign_tasks(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    h.count_requests([]);
    let malformed = h.malformed_tasks(&task);
    assert!(!malformed.is_empty());
    for (bad, parameter) in malformed {
        let e = h.client.get(&bad).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.parameter()),
            (ErrorKind::InvalidRequest, Some(parameter)),
            "{vendor} {bad:?}: {e:?}"
        );
    }
    let e = h.client.get(&h.foreign_task()).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.parameter()),
        (ErrorKind::InvalidRequest, Some("task")),
        "{vendor}: {e:?}"
    );
    assert_eq!(h.requests_seen().await, 0, "{vendor}: refused locally");
    h.client.get(&task).await.unwrap();
    assert_eq!(h.requests_seen().await, 1, "{vendor}: one request per get");
}
