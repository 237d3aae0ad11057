//! Volcengine RTC against the emulator: the real `volc-record` client with V4 signing, the
//! task lifecycle, every answer's round trip, the signature checks (over exactly the signed
//! headers) and the rate limit and 72-hour window.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::future::join_all;
use record_emulator::{Outcome, RecordingSpec, Vendor};
use record_facade::volc::{
    self, GetRecordTaskRequest, GetRecordTaskResponse, SignableHeader, SignedHeaderSet, StopReason,
    TaskStatus,
};
use record_facade::{Clock as _, DurationMillis, ErrorKind, RecordingState, UnixMillis};
use std::sync::Arc;

const APP: &str = "661e0000000543cf";

fn request(task: &str, room: &str) -> GetRecordTaskRequest {
    GetRecordTaskRequest::builder()
        .app_id(APP)
        .room_id(room)
        .task_id(task)
        .build()
        .unwrap()
}

/// Gets with the client, and again raw to check the body's round trip.
async fn get(client: &volc::Client, task: &str) -> GetRecordTaskResponse {
    let r = request(task, "Room1");
    let typed = client.get_record_task(&r).await.unwrap();
    let raw = send_prepared(&client.prepare_get_record_task(&r).unwrap(), &[]).await;
    assert_eq!(raw.status, 200);
    let _: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    typed
}

#[tokio::test]
async fn the_client_follows_a_task_scripted_through_the_admin_api() {
    let clock = clock();
    let emu = start(&clock).await;
    let client = volc_client(&emu, &clock).build().unwrap();
    let created = send(
        "POST",
        &format!("{}/_emulator/recordings", emu.base_url(Vendor::Volcengine)),
        &[],
        Some(
            serde_json::json!({"id": "Task1", "app_id": APP, "room": "Room1", "users": ["user1", "user2"]})
                .to_string()
                .into_bytes(),
        ),
    )
    .await;
    assert_eq!(created.status, 201);

    let r = get(&client, "Task1").await;
    assert_eq!(r.response_metadata.action, "GetRecordTask");
    assert_eq!(r.response_metadata.region, "cn-north-1");
    let task = r.record_task().unwrap();
    assert_eq!(task.status, Some(TaskStatus::NotStarted));
    assert_eq!(task.start_time, Some(T0));
    assert_eq!(task.end_time, Some(UnixMillis(0)));
    assert_eq!(task.stop_reason, Some(StopReason::NotEnded));
    assert_eq!(task.record_file_list.as_deref(), Some(&[][..]));

    advance(&clock, 2.5);
    let r = get(&client, "Task1").await;
    assert_eq!(r.record_task().unwrap().status, Some(TaskStatus::Running));
    emu.stop(Vendor::Volcengine, "Task1").unwrap();
    advance(&clock, 1.0);
    let r = get(&client, "Task1").await;
    assert_eq!(
        r.record_task().unwrap().recording_state(),
        RecordingState::Recording
    );
    advance(&clock, 7.5);
    let r = get(&client, "Task1").await;
    let task = r.record_task().unwrap();
    assert_eq!(task.status, Some(TaskStatus::Ended));
    assert_eq!(task.stop_reason, Some(StopReason::StopByApi));
    assert_eq!(task.recording_state(), RecordingState::Completed);
    assert_eq!(task.end_time, Some(UnixMillis(T0.0 + 2_500)));
    let files = task.record_file_list.as_ref().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].duration, Some(DurationMillis(500)));
    assert_eq!(
        files[0].object_key.as_deref(),
        Some("record/661e0000000543cf/Room1/Task1/Task1.mp4")
    );
    let streams = files[0].stream_list.as_ref().unwrap();
    assert_eq!(
        streams
            .iter()
            .map(|s| s.user_id.as_str())
            .collect::<Vec<_>>(),
        ["user1", "user2"]
    );
}

#[tokio::test]
async fn failures_and_stop_reasons() {
    let clock = clock();
    let emu = start(&clock).await;
    let mk = |id: &str| {
        RecordingSpec::new(Vendor::Volcengine)
            .id(id)
            .app_id(APP)
            .room("Room1")
            .duration_secs(3.0)
    };
    emu.create_recording(mk("never").outcome(Outcome::FailedToStart))
        .unwrap();
    emu.create_recording(mk("crash").outcome(Outcome::Crashed))
        .unwrap();
    emu.create_recording(mk("idle")).unwrap();
    advance(&clock, 20.0);
    let client = volc_client(&emu, &clock).build().unwrap();
    let r = get(&client, "never").await;
    let t = r.record_task().unwrap();
    assert_eq!(
        (t.status, t.stop_reason.clone()),
        (Some(TaskStatus::Ended), Some(StopReason::StartTaskFailed))
    );
    assert_eq!(t.recording_state(), RecordingState::Failed);
    let r = get(&client, "crash").await;
    assert_eq!(r.record_task().unwrap().status, Some(TaskStatus::Failed));
    let r = get(&client, "idle").await;
    assert_eq!(
        r.record_task().unwrap().stop_reason,
        Some(StopReason::IdleTimeOut)
    );
}

#[tokio::test]
async fn signatures_are_verified_over_the_listed_headers() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(
        RecordingSpec::new(Vendor::Volcengine)
            .id("Task1")
            .app_id(APP)
            .room("Room1"),
    )
    .unwrap();
    let query = [
        ("Action", "GetRecordTask"),
        ("Version", "2023-11-01"),
        ("AppId", APP),
        ("RoomId", "Room1"),
        ("TaskId", "Task1"),
    ];
    // Signed by the client's signer with different header sets: all accepted.
    let host = emu.addr(Vendor::Volcengine).to_string();
    let sign = |set: &SignedHeaderSet, content_type: Option<&str>| {
        let mut to_sign = volc::RequestToSign::get(host.clone()).with_query_pairs(query);
        if let Some(ct) = content_type {
            to_sign = to_sign.with_content_type(ct);
        }
        volc::signing::sign(
            &to_sign,
            "cn-north-1",
            "rtc",
            &emu.volc_credentials(),
            clock.now().to_seconds(),
            set,
        )
        .unwrap()
    };
    let url = |signed: &volc::SignedRequest| {
        format!(
            "{}/?{}",
            emu.base_url(Vendor::Volcengine),
            signed.canonical_query_string
        )
    };
    let headers = |signed: &volc::SignedRequest| -> Vec<(String, String)> {
        signed
            .headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect()
    };
    let only = SignedHeaderSet::Only(vec![SignableHeader::Host, SignableHeader::XDate]);
    for (set, ct) in [
        (&SignedHeaderSet::Standard, None),
        (&only, None),
        (&SignedHeaderSet::Standard, Some("application/json")),
    ] {
        let signed = sign(set, ct);
        let raw = send("GET", &url(&signed), &headers(&signed), None).await;
        assert_eq!(
            raw.status,
            200,
            "{}: {}",
            signed.signed_headers,
            String::from_utf8_lossy(&raw.body)
        );
        let _: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    }
    // An unsigned header may change; a signed one may not.
    let signed = sign(&only, None);
    let mut h = headers(&signed);
    h.retain(|(n, _)| n != "X-Content-Sha256");
    h.push((
        "X-Content-Sha256".to_owned(),
        volc::signing::EMPTY_BODY_SHA256.to_owned(),
    ));
    h.push(("Content-Type".to_owned(), "text/plain".to_owned()));
    assert_eq!(send("GET", &url(&signed), &h, None).await.status, 200);
    let signed = sign(&SignedHeaderSet::Standard, Some("application/json"));
    let mut h = headers(&signed);
    for (n, v) in &mut h {
        if n == "Content-Type" {
            *v = "text/plain".to_owned();
        }
    }
    let raw = send("GET", &url(&signed), &h, None).await;
    assert_eq!(
        (
            raw.status,
            raw.json()["ResponseMetadata"]["Error"]["Code"].as_str()
        ),
        (401, Some("SignatureDoesNotMatch"))
    );
    // X-Content-Sha256 must be the hash of the body.
    let signed = sign(&SignedHeaderSet::Standard, None);
    let raw = send("GET", &url(&signed), &headers(&signed), Some(b"x".to_vec())).await;
    assert_eq!(raw.status, 401);
    assert!(
        raw.json()["ResponseMetadata"]["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("X-Content-Sha256")
    );
    // A tampered query.
    let raw = send(
        "GET",
        &url(&signed).replace("Room1", "Room2"),
        &headers(&signed),
        None,
    )
    .await;
    assert_eq!(raw.status, 401);
    // No Authorization at all, or a malformed one.
    let mut h = headers(&signed);
    h.retain(|(n, _)| n != "Authorization");
    let raw = send("GET", &url(&signed), &h, None).await;
    let body: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.error().unwrap().code.as_str()),
        (401, "MissingAuthenticationToken")
    );
    h.push((
        "Authorization".to_owned(),
        "HMAC-SHA256 Credential=x".to_owned(),
    ));
    let raw = send("GET", &url(&signed), &h, None).await;
    assert_eq!(
        (
            raw.status,
            raw.json()["ResponseMetadata"]["Error"]["Code"].as_str()
        ),
        (401, Some("MissingSignature"))
    );
}

#[tokio::test]
async fn auth_failures_are_gateway_errors_the_client_maps() {
    let clock = clock();
    let emu = start(&clock).await;
    let r = request("Task1", "Room1");
    let with = |creds: volc::Credentials, clock: Arc<record_facade::FixedClock>| {
        volc::Client::builder(creds)
            .base_url(emu.base_url(Vendor::Volcengine))
            .clock(clock)
            .disable_retries()
            .build()
            .unwrap()
    };
    let key = emu.volc_credentials().access_key_id().to_owned();
    let stale = Arc::new(record_facade::FixedClock::new(
        T0.saturating_sub(DurationMillis(16 * 60_000)),
    ));
    let cases = [
        (
            with(volc::Credentials::new(key, "wrong").unwrap(), clock.clone()),
            "SignatureDoesNotMatch",
            401,
        ),
        (
            with(
                volc::Credentials::new("AKLTother", "wrong").unwrap(),
                clock.clone(),
            ),
            "InvalidAccessKey",
            401,
        ),
        (with(emu.volc_credentials(), stale), "InvalidTimestamp", 400),
    ];
    for (client, code, status) in cases {
        let e = client.get_record_task(&r).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.vendor_code(), e.http_status()),
            (ErrorKind::Unauthenticated, Some(code), Some(status))
        );
        let raw = send_prepared(&client.prepare_get_record_task(&r).unwrap(), &[]).await;
        let body: GetRecordTaskResponse = assert_roundtrip(&raw.body);
        assert_eq!(body.error().unwrap().code, code);
        assert_eq!(body.response_metadata.action, "GetRecordTask");
    }
}

#[tokio::test]
async fn the_rate_limit_is_sixty_per_second() {
    let clock = clock();
    let emu = builder(&clock).start().await.unwrap();
    emu.create_recording(
        RecordingSpec::new(Vendor::Volcengine)
            .id("Task1")
            .app_id(APP)
            .room("Room1"),
    )
    .unwrap();
    let client = volc_client(&emu, &clock)
        .rate_limit(None)
        .disable_retries()
        .build()
        .unwrap();
    let r = request("Task1", "Room1");
    let results = join_all((0..70).map(|_| client.get_record_task(&r))).await;
    let limited: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(limited.len(), 10);
    for e in limited {
        assert_eq!(
            (e.kind(), e.vendor_code(), e.http_status()),
            (ErrorKind::RateLimited, Some("FlowLimitExceeded"), Some(429))
        );
    }
    let raw = send_prepared(&client.prepare_get_record_task(&r).unwrap(), &[]).await;
    let body: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.error().unwrap().code.as_str()),
        (429, "FlowLimitExceeded")
    );
}

#[tokio::test]
async fn tasks_older_than_72_hours_and_unknown_tasks_are_not_found() {
    let clock = clock();
    let emu = start(&clock).await;
    for (id, hours) in [("old", 73.0), ("recent", 71.0)] {
        emu.create_recording(
            RecordingSpec::new(Vendor::Volcengine)
                .id(id)
                .app_id(APP)
                .room("Room1")
                .start_offset_secs(-hours * 3600.0)
                .duration_secs(60.0),
        )
        .unwrap();
    }
    let client = volc_client(&emu, &clock).disable_retries().build().unwrap();
    client
        .get_record_task(&request("recent", "Room1"))
        .await
        .unwrap();
    for r in [
        request("old", "Room1"),
        request("nope", "Room1"),
        request("recent", "Room2"),
    ] {
        let e = client.get_record_task(&r).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.vendor_code()),
            (
                ErrorKind::NotFound,
                Some("InvalidParameter.ErrorActiveTaskNotFound")
            )
        );
        let raw = send_prepared(&client.prepare_get_record_task(&r).unwrap(), &[]).await;
        let _: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    }
    // Another action or version: InvalidActionOrVersion (404) once authenticated.
    let raw = volc_get(
        &emu,
        &clock,
        &[("Action", "StartRecord"), ("Version", "2023-11-01")],
    )
    .await;
    let body: GetRecordTaskResponse = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.error().unwrap().code.as_str()),
        (404, "InvalidActionOrVersion")
    );
    let raw = volc_get(
        &emu,
        &clock,
        &[
            ("Action", "GetRecordTask"),
            ("Version", "2023-11-01"),
            ("AppId", APP),
        ],
    )
    .await;
    assert_eq!(
        (
            raw.status,
            raw.json()["ResponseMetadata"]["Error"]["Code"].as_str()
        ),
        (400, Some("MissingParameter"))
    );
}
