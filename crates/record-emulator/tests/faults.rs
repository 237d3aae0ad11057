//! Fault injection: a fixed sequence of 503, 429 with `Retry-After`, an HTML page, a
//! truncated body and a dropped connection ends in success through each real client's
//! retries; the faults look on the wire as they should; plans are set by builder, admin API
//! and shares.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use record_emulator::{Fault, FaultPlan, RecordingSpec, Vendor};
use record_facade::{ErrorKind, agora, qingcloud, volc, zego};
use std::time::{Duration, Instant};

const SEQUENCE: &str = "503,429:1,html,truncate,drop";

fn plan() -> FaultPlan {
    SEQUENCE.parse().unwrap()
}

async fn injected(emu: &record_emulator::Emulator, vendor: Vendor) -> serde_json::Value {
    send(
        "GET",
        &format!("{}/_emulator/faults", emu.base_url(vendor)),
        &[],
        None,
    )
    .await
    .json()
}

#[tokio::test]
async fn every_client_retries_through_the_whole_fault_sequence() {
    let clock = clock();
    let mut b = builder(&clock).rate_limits(false);
    for v in Vendor::ALL {
        b = b.faults(v, plan());
    }
    let emu = b.start().await.unwrap();
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id("X3CgNeE4I1qAAABN"))
        .unwrap();
    emu.create_recording(
        RecordingSpec::new(Vendor::QingCloud)
            .app_id("app")
            .room("ch"),
    )
    .unwrap();
    emu.create_recording(
        RecordingSpec::new(Vendor::Volcengine)
            .id("t")
            .app_id("a")
            .room("r"),
    )
    .unwrap();
    emu.create_recording(
        RecordingSpec::new(Vendor::Agora)
            .id("sid")
            .app_id("a")
            .resource_id("rid"),
    )
    .unwrap();
    let retries = quick_retries(8);

    let zego_run = async {
        let client = zego_client(&emu, &clock)
            .retry_policy(retries)
            .build()
            .unwrap();
        let request = zego::DescribeRecordStatusRequest::builder()
            .task_id("X3CgNeE4I1qAAABN")
            .build()
            .unwrap();
        let started = Instant::now();
        let r = client.describe_record_status(&request).await.unwrap();
        assert_eq!(r.code, 0);
        started.elapsed()
    };
    let qingcloud_run = async {
        let client = qingcloud_client(&emu, &clock)
            .retry_policy(retries)
            .build()
            .unwrap();
        let request = qingcloud::ListRecordingsRequest::builder()
            .app_id("app")
            .channel("ch")
            .from_hour(1)
            .to_hour(0)
            .build()
            .unwrap();
        let started = Instant::now();
        let r = client.list_recordings(&request).await.unwrap();
        assert_eq!(r.total_count, Some(1));
        started.elapsed()
    };
    let volc_run = async {
        let client = volc_client(&emu, &clock)
            .retry_policy(retries)
            .build()
            .unwrap();
        let request = volc::GetRecordTaskRequest::builder()
            .app_id("a")
            .room_id("r")
            .task_id("t")
            .build()
            .unwrap();
        let started = Instant::now();
        let r = client.get_record_task(&request).await.unwrap();
        assert!(r.record_task().is_some());
        started.elapsed()
    };
    let agora_run = async {
        let client = agora_client(&emu, &clock)
            .retry_policy(retries)
            .build()
            .unwrap();
        let request = agora::QueryRequest::builder()
            .appid("a")
            .resourceid("rid")
            .sid("sid")
            .mode(agora::RecordingMode::Mix)
            .build()
            .unwrap();
        let started = Instant::now();
        let r = client.query(&request).await.unwrap();
        assert_eq!(r.sid.as_deref(), Some("sid"));
        started.elapsed()
    };
    let (a, b, c, d) = tokio::join!(zego_run, qingcloud_run, volc_run, agora_run);
    for (vendor, elapsed) in Vendor::ALL.into_iter().zip([a, b, c, d]) {
        // The 429 asked for one second, and the client waited for it.
        assert!(elapsed >= Duration::from_secs(1), "{vendor}: {elapsed:?}");
        let state = injected(&emu, vendor).await;
        assert_eq!(state["injected"], 5, "{vendor}: {state}");
        assert_eq!(state["remaining_sequence"], 0, "{vendor}");
    }
}

#[tokio::test]
async fn faults_look_as_documented_on_the_wire() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(
        RecordingSpec::new(Vendor::Volcengine)
            .id("t")
            .app_id("a")
            .room("r"),
    )
    .unwrap();
    let query = [
        ("Action", "GetRecordTask"),
        ("Version", "2023-11-01"),
        ("AppId", "a"),
        ("RoomId", "r"),
        ("TaskId", "t"),
    ];
    // Set through the admin API.
    let put = send(
        "PUT",
        &format!("{}/_emulator/faults", emu.base_url(Vendor::Volcengine)),
        &[],
        Some(br#"{"sequence": ["503", "429:7", "html:504", "delay:150", "truncate"]}"#.to_vec()),
    )
    .await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));

    let raw = volc_get(&emu, &clock, &query).await;
    assert_eq!(
        (raw.status, raw.body.as_slice()),
        (503, &b"503 Service Unavailable"[..])
    );
    let raw = volc_get(&emu, &clock, &query).await;
    assert_eq!(raw.status, 429);
    assert_eq!(raw.headers["retry-after"], "7");
    assert_eq!(
        raw.json()["ResponseMetadata"]["Error"]["Code"],
        "FlowLimitExceeded"
    );
    let raw = volc_get(&emu, &clock, &query).await;
    assert_eq!(raw.status, 504);
    assert!(String::from_utf8_lossy(&raw.body).starts_with("<html>"));
    let started = Instant::now();
    let raw = volc_get(&emu, &clock, &query).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(raw.status, 200);

    // Truncated: the headers promise more than arrives.
    let client = volc_client(&emu, &clock).disable_retries().build().unwrap();
    let request = volc::GetRecordTaskRequest::builder()
        .app_id("a")
        .room_id("r")
        .task_id("t")
        .build()
        .unwrap();
    let e = client.get_record_task(&request).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e:?}");
    assert_eq!(e.http_status(), Some(200));
    assert!(e.is_retryable());

    // Dropped: no answer at all.
    emu.set_faults(
        Vendor::Volcengine,
        FaultPlan::sequence([Fault::DropConnection]),
    )
    .unwrap();
    let e = client.get_record_task(&request).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status()),
        (ErrorKind::Transport, None),
        "{e:?}"
    );
    client.get_record_task(&request).await.unwrap();

    // A share: every request faulted, from the kinds given, reproducibly.
    emu.set_faults(
        Vendor::Volcengine,
        FaultPlan::share(1.0, [Fault::ServerError { status: 500 }]).with_seed(3),
    )
    .unwrap();
    let e = client.get_record_task(&request).await.unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Server, Some(500)));
    // Cleared through the admin API.
    let del = send(
        "DELETE",
        &format!("{}/_emulator/faults", emu.base_url(Vendor::Volcengine)),
        &[],
        None,
    )
    .await;
    assert_eq!(del.status, 204);
    client.get_record_task(&request).await.unwrap();
    // Admin requests are never faulted, and bad plans are refused.
    emu.set_faults(Vendor::Volcengine, FaultPlan::share(1.0, []))
        .unwrap();
    assert_eq!(
        injected(&emu, Vendor::Volcengine).await["plan"]["share"],
        1.0
    );
    let bad = send(
        "PUT",
        &format!("{}/_emulator/faults", emu.base_url(Vendor::Volcengine)),
        &[],
        Some(br#"{"share": 2.0}"#.to_vec()),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        emu.set_faults(Vendor::Volcengine, FaultPlan::share(-0.5, []))
            .is_err()
    );
}
