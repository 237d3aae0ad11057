//! Agora against the emulator: the real `agora-record` client with HTTP Basic, the status
//! lifecycle and the 404 once a session has ended, the shapes of every mode and
//! `fileListMode`, every answer's round trip, auth failures and the rate limit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::future::join_all;
use record_emulator::{Outcome, RecordingSpec, RecordingState, Vendor};
use record_facade::ErrorKind;
use record_facade::agora::{
    self, ErrorBody, FileListMode, QueryRequest, QueryResponse, RecordingMode, ServerStatus,
    ServiceName, WebRecorderState,
};

const APP: &str = "0123456789abcdef0123456789abcdef";
const RID: &str = "resource-0001";

fn request(sid: &str, mode: RecordingMode) -> QueryRequest {
    QueryRequest::builder()
        .appid(APP)
        .resourceid(RID)
        .sid(sid)
        .mode(mode)
        .build()
        .unwrap()
}

fn spec(sid: &str, mode: &str) -> RecordingSpec {
    RecordingSpec::new(Vendor::Agora)
        .id(sid)
        .app_id(APP)
        .resource_id(RID)
        .room("class_101")
        .mode(mode)
}

/// Queries with the client, and again raw to check the body's round trip.
async fn query(
    client: &agora::Client,
    emu: &record_emulator::Emulator,
    r: &QueryRequest,
) -> QueryResponse {
    let typed = client.query(r).await.unwrap();
    let raw = send_prepared(
        &client.prepare_query(r).unwrap(),
        &[("authorization", agora_authorization(emu))],
    )
    .await;
    assert_eq!(raw.status, 200);
    let _: QueryResponse = assert_roundtrip(&raw.body);
    typed
}

#[tokio::test]
async fn statuses_then_404_once_the_session_has_ended() {
    let clock = clock();
    let emu = start(&clock).await;
    let client = agora_client(&emu, &clock)
        .disable_retries()
        .build()
        .unwrap();
    let created = send(
        "POST",
        &format!("{}/_emulator/recordings", emu.base_url(Vendor::Agora)),
        &[],
        Some(
            serde_json::json!({"id": "sid1", "app_id": APP, "resource_id": RID, "room": "live", "mode": "mix"})
                .to_string()
                .into_bytes(),
        ),
    )
    .await;
    assert_eq!(created.status, 201);
    let r = request("sid1", RecordingMode::Mix);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let resp = query(&client, &emu, &r).await;
        assert_eq!(resp.server_response.file_list, None);
        statuses.push(resp.server_response.status.unwrap().raw());
        advance(&clock, 0.4);
    }
    assert_eq!(statuses, [0, 1, 2, 3, 4]);
    advance(&clock, 0.5);
    let resp = query(&client, &emu, &r).await;
    assert_eq!(resp.cname.as_deref(), Some("live"));
    assert_eq!(resp.server_response.status, Some(ServerStatus::InProgress));
    assert_eq!(
        resp.server_response.file_list_mode,
        Some(FileListMode::Json)
    );
    let files = resp.server_response.file_list.as_ref().unwrap();
    assert_eq!(files.file_names(), ["sid1_live.m3u8", "sid1_live_0.mp4"]);
    assert_eq!(
        resp.server_response.slice_start_time,
        Some(record_facade::UnixMillis(T0.0 + 2_000))
    );
    emu.stop(Vendor::Agora, "sid1").unwrap();
    let mut later = Vec::new();
    for step in [0.0, 2.0, 6.0] {
        advance(&clock, step);
        later.push(
            query(&client, &emu, &r)
                .await
                .server_response
                .status
                .unwrap()
                .raw(),
        );
    }
    assert_eq!(later, [6, 7, 8]);
    assert_eq!(
        emu.recording(Vendor::Agora, "sid1").unwrap().state,
        RecordingState::Completed
    );
    advance(&clock, 5.0);
    let e = client.query(&r).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status()),
        (ErrorKind::NotFound, Some(404))
    );
    assert_eq!(e.vendor_message(), Some("failed to find worker"));
    let info = emu.recording(Vendor::Agora, "sid1").unwrap();
    assert_eq!(
        (info.state, info.vendor_status.as_str()),
        (RecordingState::Gone, "404")
    );
    let raw = agora_get(&emu, &agora_path(APP, RID, "sid1", "mix")).await;
    let body: ErrorBody = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.code, body.sid.as_deref()),
        (404, Some(404), Some("sid1"))
    );
}

#[tokio::test]
async fn every_mode_has_its_documented_shape() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(spec("hls", "mix").file_list_mode("string"))
        .unwrap();
    emu.create_recording(spec("ind", "individual").users(["123", "456"]))
        .unwrap();
    let mut shot = spec("shot", "individual");
    shot.screenshot = true;
    emu.create_recording(shot).unwrap();
    emu.create_recording(spec("web", "web")).unwrap();
    emu.create_recording(spec("broken", "web").outcome(Outcome::FailedToStart))
        .unwrap();
    let client = agora_client(&emu, &clock).build().unwrap();

    let resp = query(&client, &emu, &request("web", RecordingMode::Web)).await;
    let state = resp
        .server_response
        .extension_service(&ServiceName::WebRecorder)
        .cloned();
    assert_eq!(
        state.unwrap().payload.unwrap().state,
        Some(WebRecorderState::Init)
    );
    advance(&clock, 3.0);

    let resp = query(&client, &emu, &request("hls", RecordingMode::Mix)).await;
    assert_eq!(
        resp.server_response.file_list_mode,
        Some(FileListMode::String)
    );
    assert_eq!(
        resp.server_response.file_list.unwrap().as_m3u8(),
        Some("hls_class_101.m3u8")
    );

    let resp = query(&client, &emu, &request("ind", RecordingMode::Individual)).await;
    let entries = resp.server_response.file_list.unwrap();
    let uids: Vec<_> = entries
        .as_entries()
        .unwrap()
        .iter()
        .filter_map(|e| e.uid.clone())
        .collect();
    assert_eq!(uids, ["123", "456"]);
    assert_eq!(entries.as_entries().unwrap()[0].mixed_all_user, Some(false));

    let resp = query(&client, &emu, &request("shot", RecordingMode::Individual)).await;
    assert_eq!(
        (
            resp.server_response.file_list_mode,
            resp.server_response.file_list
        ),
        (None, None)
    );
    assert_eq!(resp.server_response.status, Some(ServerStatus::InProgress));

    let resp = query(&client, &emu, &request("web", RecordingMode::Web)).await;
    assert_eq!(resp.server_response.file_list, None);
    let service = resp
        .server_response
        .extension_service(&ServiceName::WebRecorder)
        .unwrap();
    let payload = service.payload.as_ref().unwrap();
    assert_eq!(
        (payload.state.clone(), payload.onhold),
        (Some(WebRecorderState::InProgress), Some(false))
    );
    assert_eq!(payload.file_list.as_ref().unwrap().len(), 2);
    assert_eq!(resp.recording_state(), RecordingState::Recording);

    let resp = query(&client, &emu, &request("broken", RecordingMode::Web)).await;
    assert_eq!(
        resp.server_response.status,
        Some(ServerStatus::ExitedAbnormally)
    );
    assert_eq!(resp.recording_state(), RecordingState::Failed);
}

#[tokio::test]
async fn auth_routes_and_unknown_sessions() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(spec("sid1", "mix")).unwrap();
    let path = agora_path(APP, RID, "sid1", "mix");
    let url = format!("{}{path}", emu.base_url(Vendor::Agora));

    // No Authorization: 401 Unauthorized; a wrong key: 401 Invalid authentication credentials.
    let raw = send("GET", &url, &[], None).await;
    let body: ErrorBody = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.message.as_deref()),
        (401, Some("Unauthorized"))
    );
    let wrong =
        agora::Client::builder(agora::Credentials::new("emulator-customer-id", "nope").unwrap())
            .base_url(emu.base_url(Vendor::Agora))
            .disable_retries()
            .build()
            .unwrap();
    let e = wrong
        .query(&request("sid1", RecordingMode::Mix))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.vendor_code(), e.http_status()),
        (
            ErrorKind::Unauthenticated,
            Some("Invalid authentication credentials"),
            Some(401)
        )
    );
    let raw = send(
        "GET",
        &url,
        &[("authorization".to_owned(), "Basic !!!".to_owned())],
        None,
    )
    .await;
    assert_eq!(raw.status, 401);
    let raw = send(
        "GET",
        &url,
        &[("authorization".to_owned(), "Bearer abc".to_owned())],
        None,
    )
    .await;
    assert_eq!(raw.json()["message"], "Unauthorized");

    // Wrong method or path: the gateway's 404.
    let auth = [("authorization".to_owned(), agora_authorization(&emu))];
    for (method, u) in [
        ("POST", url.clone()),
        ("GET", url.replace("/query", "/status")),
    ] {
        let raw = send(method, &u, &auth, None).await;
        let body: ErrorBody = assert_roundtrip(&raw.body);
        assert_eq!(
            (raw.status, body.message.as_deref()),
            (404, Some("no Route matched with those values"))
        );
        assert_eq!(
            body.error_code_info().map(|i| i.kind),
            Some(ErrorKind::InvalidRequest)
        );
    }

    // Unknown sid, or the right sid with another mode or resource id: 404.
    let client = agora_client(&emu, &clock)
        .disable_retries()
        .build()
        .unwrap();
    for r in [
        request("nope", RecordingMode::Mix),
        request("sid1", RecordingMode::Web),
    ] {
        let e = client.query(&r).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    let raw = agora_get(&emu, &agora_path(APP, "other-resource", "sid1", "mix")).await;
    let _: ErrorBody = assert_roundtrip(&raw.body);
    assert_eq!(raw.status, 404);
    client
        .query(&request("sid1", RecordingMode::Mix))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_rate_limit_is_ten_per_second() {
    let clock = clock();
    let emu = builder(&clock).start().await.unwrap();
    emu.create_recording(spec("sid1", "mix")).unwrap();
    let client = agora_client(&emu, &clock)
        .rate_limit(None)
        .disable_retries()
        .build()
        .unwrap();
    let r = request("sid1", RecordingMode::Mix);
    let results = join_all((0..15).map(|_| client.query(&r))).await;
    let limited: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(limited.len(), 5);
    for e in limited {
        assert_eq!(
            (e.kind(), e.vendor_code(), e.http_status()),
            (
                ErrorKind::RateLimited,
                Some("API rate limit exceeded"),
                Some(429)
            )
        );
    }
    let raw = agora_get(&emu, &agora_path(APP, RID, "sid1", "mix")).await;
    let body: ErrorBody = assert_roundtrip(&raw.body);
    assert_eq!(
        (raw.status, body.message.as_deref()),
        (429, Some("API rate limit exceeded"))
    );
}
