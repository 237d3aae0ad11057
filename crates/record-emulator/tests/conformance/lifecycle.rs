//! The lifecycle through the neutral control trait, gated by
//! [`ControlCapabilities`](record_facade::ControlCapabilities): start through the vendor's
//! API → query → pause (visible in a query) → resume → update the layout (recorded by the
//! emulator) → stop → stop again (already stopped) → completed with files. Every operation
//! a vendor's capabilities do not list must answer `Unsupported` without sending anything.

use crate::harness::Harness;
use record_emulator::Vendor;
use record_facade::{ErrorKind, RecordingState, StopOutcome, TaskRef};

/// Each operation the capabilities deny answers `Unsupported` and sends nothing.
async fn denied_are_unsupported(h: &Harness, task: &TaskRef) {
    let caps = h.client.control_capabilities();
    let before = h.emu.requests(h.vendor).len();
    let layout = serde_json::json!({});
    let mut checked = Vec::new();
    if !caps.stop {
        checked.push(("stop", h.client.stop(task).await.map(|_| ())));
    }
    if !caps.pause {
        checked.push(("pause", h.client.pause(task).await.map(|_| ())));
    }
    if !caps.resume {
        checked.push(("resume", h.client.resume(task).await.map(|_| ())));
    }
    if !caps.update_layout {
        checked.push((
            "update_layout",
            h.client.update_layout(task, &layout).await.map(|_| ()),
        ));
    }
    for (op, result) in checked {
        let e = result.expect_err(op);
        assert_eq!(e.kind(), ErrorKind::Unsupported, "{:?} {op}: {e}", h.vendor);
    }
    assert_eq!(
        h.emu.requests(h.vendor).len(),
        before,
        "{:?}: an unsupported operation sent nothing",
        h.vendor
    );
}

pub async fn start_control_stop(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.control_capabilities();
    let Some(task) = h.start_via_api().await else {
        assert!(!caps.start, "{vendor:?}: capabilities say it can start");
        let (_, task) = h.create(h.spec());
        denied_are_unsupported(&h, &task).await;
        return;
    };
    assert!(
        caps.start,
        "{vendor:?}: started, so capabilities must say so"
    );
    assert_eq!(h.emu.request_count(vendor, "StartRecord"), 1);
    assert_eq!(
        h.client.get(&task).await.unwrap().state,
        RecordingState::Starting
    );
    h.advance_ms(3_000);
    assert_eq!(
        h.client.get(&task).await.unwrap().state,
        RecordingState::Recording
    );
    denied_are_unsupported(&h, &task).await;

    if caps.pause {
        h.client.pause(&task).await.unwrap();
        assert_eq!(
            h.client.get(&task).await.unwrap().state,
            RecordingState::Paused,
            "{vendor:?}: a pause is visible in a query"
        );
    }
    if caps.resume {
        h.client.resume(&task).await.unwrap();
        assert_eq!(
            h.client.get(&task).await.unwrap().state,
            RecordingState::Recording
        );
    }
    if caps.update_layout {
        let (layout, action) = h.layout().expect("a layout for a vendor that updates one");
        h.client.update_layout(&task, &layout).await.unwrap();
        let id = task_id(&task);
        let controls = h.emu.recording(vendor, &id).unwrap().controls;
        assert_eq!(controls.last().map(|c| c.action.as_str()), Some(action));
    }
    if caps.stop {
        h.advance_ms(2_000);
        let stopped = h.client.stop(&task).await.unwrap();
        assert_eq!(stopped.outcome, StopOutcome::Stopped, "{vendor:?}");
        let again = h.client.stop(&task).await.unwrap();
        assert_eq!(again.outcome, StopOutcome::AlreadyStopped, "{vendor:?}");
        assert!(
            again.vendor_code.is_some(),
            "{vendor:?}: the vendor's code is kept"
        );
        h.advance_ms(10_000);
        let done = h.client.get(&task).await.unwrap();
        assert_eq!(done.state, RecordingState::Completed, "{vendor:?}");
        assert!(!done.files.is_empty(), "{vendor:?}: the files are known");
    }
}

/// The emulator's id of a task.
fn task_id(task: &TaskRef) -> String {
    match task {
        TaskRef::Zego { task_id } => task_id.clone(),
        TaskRef::Volcengine { task_id, .. } => task_id.clone(),
        TaskRef::Agora { sid, .. } => sid.clone(),
        other => panic!("no lifecycle for {other:?}"),
    }
}
