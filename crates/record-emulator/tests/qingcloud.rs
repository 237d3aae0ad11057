//! QingCloud RTC against the emulator: the real `qingcloud-record` client, the status codes
//! 1 → 10 as time passes, paging, every answer's round trip, the auth failures and the
//! 24-hour window and page-size limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::StreamExt as _;
use record_emulator::{Outcome, RecordingSpec, Vendor};
use record_facade::qingcloud::{
    self, ListRecordingsRequest, ListRecordingsResponse, RecordingStatus,
};
use record_facade::{DurationMillis, ErrorKind};
use std::sync::Arc;

const APP: &str = "34723259bb8f4768bc7a9c7cbb126baa";
const CHANNEL: &str = "crIUxmwHA2";

fn request(from_hour: u32, limit: u32, offset: u32) -> ListRecordingsRequest {
    ListRecordingsRequest::builder()
        .app_id(APP)
        .channel(CHANNEL)
        .from_hour(from_hour)
        .to_hour(0)
        .limit(limit)
        .offset(offset)
        .build()
        .unwrap()
}

/// Lists with the client, and again raw to check the body's round trip.
async fn list(
    client: &qingcloud::Client,
    request: &ListRecordingsRequest,
) -> ListRecordingsResponse {
    let typed = client.list_recordings(request).await.unwrap();
    let raw = send_prepared(&client.prepare_list_recordings(request).unwrap(), &[]).await;
    assert_eq!(raw.status, 200);
    let decoded: ListRecordingsResponse = assert_roundtrip(&raw.body);
    assert_eq!(decoded.total_count, typed.total_count);
    typed
}

fn status_of(page: &ListRecordingsResponse, id: i64) -> Option<RecordingStatus> {
    page.recinfos
        .as_ref()?
        .iter()
        .find(|r| r.id == id)
        .and_then(|r| r.status)
}

#[tokio::test]
async fn statuses_go_from_1_to_10_as_time_passes() {
    let clock = clock();
    let emu = start(&clock).await;
    let client = qingcloud_client(&emu, &clock).build().unwrap();
    let created = send(
        "POST",
        &format!("{}/_emulator/recordings", emu.base_url(Vendor::QingCloud)),
        &[],
        Some(
            serde_json::json!({"id": "39", "app_id": APP, "room": CHANNEL, "mode": "single"})
                .to_string()
                .into_bytes(),
        ),
    )
    .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    // An automatically stopping one next to it.
    emu.create_recording(
        RecordingSpec::new(Vendor::QingCloud)
            .id("40")
            .app_id(APP)
            .room(CHANNEL)
            .duration_secs(0.1),
    )
    .unwrap();
    let r = request(3, 20, 0);
    let page = list(&client, &r).await;
    assert_eq!(page.code, "success");
    assert_eq!(page.total_count, Some(2));
    let task = page
        .recinfos
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.id == 39)
        .unwrap();
    assert_eq!(task.status, Some(RecordingStatus::Start));
    assert_eq!(task.is_mixed(), Some(false));
    assert_eq!(task.created.as_deref(), Some("2024-06-19 15:13:06"));

    let mut seen = Vec::new();
    advance(&clock, 2.5);
    seen.push(status_of(&list(&client, &r).await, 39));
    assert_eq!(
        status_of(&list(&client, &r).await, 40),
        Some(RecordingStatus::AutoStopping)
    );
    emu.stop(Vendor::QingCloud, "39").unwrap();
    seen.push(status_of(&list(&client, &r).await, 39));
    for _ in 0..6 {
        advance(&clock, if seen.len() == 2 { 2.0 } else { 1.2 });
        seen.push(status_of(&list(&client, &r).await, 39));
    }
    advance(&clock, 1.2);
    seen.push(status_of(&list(&client, &r).await, 39));
    let seen: Vec<i64> = seen.into_iter().map(|s| s.unwrap().raw()).collect();
    assert_eq!(seen, [2, 4, 3, 6, 7, 8, 9, 10, 10]);
    let page = list(&client, &r).await;
    let task = page
        .recinfos
        .unwrap()
        .into_iter()
        .find(|t| t.id == 39)
        .unwrap();
    assert_eq!(task.size, Some(500 * 125));
    assert_eq!(task.updated.as_deref(), Some("2024-06-19 15:13:16"));
    assert_eq!(
        emu.recording(Vendor::QingCloud, "39")
            .unwrap()
            .vendor_status,
        "10"
    );
}

#[tokio::test]
async fn failures_end_in_the_documented_failure_codes() {
    let clock = clock();
    let emu = start(&clock).await;
    let mk = |id: &str, outcome| {
        RecordingSpec::new(Vendor::QingCloud)
            .id(id)
            .app_id(APP)
            .room(CHANNEL)
            .duration_secs(5.0)
            .outcome(outcome)
    };
    emu.create_recording(mk("1", Outcome::Crashed)).unwrap();
    emu.create_recording(mk("2", Outcome::UploadFailed))
        .unwrap();
    let client = qingcloud_client(&emu, &clock).build().unwrap();
    let r = request(3, 20, 0);
    advance(&clock, 8.0);
    assert_eq!(
        status_of(&list(&client, &r).await, 1),
        Some(RecordingStatus::RecordProcessCored)
    );
    advance(&clock, 10.0);
    let page = list(&client, &r).await;
    assert_eq!(
        status_of(&page, 1),
        Some(RecordingStatus::RecordProcessCoredRepairFailed)
    );
    assert_eq!(
        status_of(&page, 2),
        Some(RecordingStatus::PushToQingstorFailed)
    );
    emu.create_recording(mk("3", Outcome::Completed)).unwrap();
    advance(&clock, 8.0);
    emu.fail(Vendor::QingCloud, "3").unwrap();
    assert_eq!(
        status_of(&list(&client, &r).await, 3),
        Some(RecordingStatus::StopRecordProcessFailed)
    );
}

#[tokio::test]
async fn pages_follow_offset_and_limit() {
    let clock = clock();
    let emu = start(&clock).await;
    for i in 0..5 {
        emu.create_recording(
            RecordingSpec::new(Vendor::QingCloud)
                .id((100 + i).to_string())
                .app_id(APP)
                .room(CHANNEL)
                .start_offset_secs(-600.0 + f64::from(i)),
        )
        .unwrap();
    }
    // Another channel is not listed.
    emu.create_recording(
        RecordingSpec::new(Vendor::QingCloud)
            .app_id(APP)
            .room("other"),
    )
    .unwrap();
    let client = qingcloud_client(&emu, &clock).build().unwrap();
    let page = list(&client, &request(1, 2, 2)).await;
    assert_eq!(
        (page.offset, page.limit, page.total_count),
        (Some(2), Some(2), Some(5))
    );
    let ids: Vec<i64> = page.recinfos.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [102, 101]);
    let all: Vec<i64> = client
        .list_recordings_stream(request(1, 2, 0))
        .map(|r| r.unwrap().id)
        .collect()
        .await;
    assert_eq!(all, [104, 103, 102, 101, 100]);
}

#[tokio::test]
async fn auth_failures_are_401s_the_client_maps() {
    let clock = clock();
    let emu = start(&clock).await;
    let r = request(3, 20, 0);
    let with = |creds: qingcloud::Credentials, clock: Arc<record_facade::FixedClock>| {
        qingcloud::Client::builder(creds)
            .base_url(emu.base_url(Vendor::QingCloud))
            .clock(clock)
            .disable_retries()
            .build()
            .unwrap()
    };
    let key = emu.qingcloud_credentials().access_key_id().to_owned();
    let cases = [
        (
            with(
                qingcloud::Credentials::new(key.clone(), "wrong").unwrap(),
                clock.clone(),
            ),
            "SignatureMismatch",
        ),
        (
            with(
                qingcloud::Credentials::new("QYOTHERKEY", "wrong").unwrap(),
                clock.clone(),
            ),
            "InvalidAccessKeyId",
        ),
        (
            with(
                emu.qingcloud_credentials(),
                Arc::new(record_facade::FixedClock::new(
                    T0.saturating_sub(DurationMillis(16 * 60_000)),
                )),
            ),
            "InvalidTimeStamp",
        ),
    ];
    for (client, code) in cases {
        let e = client.list_recordings(&r).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.vendor_code(), e.http_status()),
            (ErrorKind::Unauthenticated, Some(code), Some(401))
        );
        let raw = send_prepared(&client.prepare_list_recordings(&r).unwrap(), &[]).await;
        let body: ListRecordingsResponse = assert_roundtrip(&raw.body);
        assert_eq!(body.code, code);
    }
    // 14 minutes off is still within the 15 of a time_stamp.
    let near = with(
        emu.qingcloud_credentials(),
        Arc::new(record_facade::FixedClock::new(
            T0.saturating_sub(DurationMillis(14 * 60_000)),
        )),
    );
    near.list_recordings(&r).await.unwrap();
    // A tampered query (the signature covers every parameter).
    let good = qingcloud_client(&emu, &clock).build().unwrap();
    let prepared = good.prepare_list_recordings(&r).unwrap();
    let mut tampered = prepared.clone();
    tampered.url = tampered.url.replace("limit=20", "limit=21");
    let raw = send_prepared(&tampered, &[]).await;
    assert_eq!(
        (raw.status, raw.json()["code"].as_str()),
        (401, Some("SignatureMismatch"))
    );
    let raw = send_prepared(&prepared, &[]).await;
    assert_eq!(raw.status, 200);
}

#[tokio::test]
async fn the_window_is_24_hours_and_pages_hold_100() {
    let clock = clock();
    let emu = start(&clock).await;
    for (id, hours_ago) in [("1", 23.0), ("2", 25.0)] {
        emu.create_recording(
            RecordingSpec::new(Vendor::QingCloud)
                .id(id)
                .app_id(APP)
                .room(CHANNEL)
                .start_offset_secs(-hours_ago * 3600.0)
                .duration_secs(60.0),
        )
        .unwrap();
    }
    let client = qingcloud_client(&emu, &clock).build().unwrap();
    let page = list(&client, &request(24, 100, 0)).await;
    let ids: Vec<i64> = page.recinfos.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [1]);
    assert_eq!(page.limit, Some(100));
    let page = list(&client, &request(22, 100, 0)).await;
    assert_eq!(page.total_count, Some(0));
    // What the client refuses locally, the emulator refuses too: HTTP 400 InvalidParameter.
    let base = [("app_id", APP), ("channel", CHANNEL)];
    for extra in [
        [("from_hour", "25"), ("to_hour", "0"), ("limit", "20")],
        [("from_hour", "3"), ("to_hour", "5"), ("limit", "20")],
        [("from_hour", "3"), ("to_hour", "0"), ("limit", "101")],
        [("from_hour", "3"), ("to_hour", "0"), ("limit", "0")],
        [("from_hour", "x"), ("to_hour", "0"), ("limit", "20")],
    ] {
        let query: Vec<(&str, &str)> = base.iter().chain(extra.iter()).copied().collect();
        let raw = qingcloud_get(&emu, &clock, &query).await;
        assert_eq!(raw.status, 400, "{extra:?}");
        let body: ListRecordingsResponse = assert_roundtrip(&raw.body);
        assert_eq!(body.code, "InvalidParameter");
    }
    let raw = qingcloud_get(&emu, &clock, &[("channel", CHANNEL)]).await;
    assert_eq!(raw.status, 400);
}
