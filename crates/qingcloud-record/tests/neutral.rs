//! The vendor-neutral view of QingCloud RTC: every success fixture converted and checked
//! against the fixture JSON read independently, one reviewed snapshot per fixture, the
//! status table against an expected table written out here, `RecordingQuery` through the
//! real client against a local wiremock server (get, list, laziness, the stop rules, the
//! filter refusals, the waiter), and the dry run (`prepare_list_recordings`).
//!
//! Paused time and wiremock: wiremock serves from its own thread, so with paused time tokio
//! would jump straight to the next timer (an attempt timeout) while a request is in
//! flight; the waiter test runs under `record_core::testing::advance_in_steps`, whose 5 ms
//! steps keep every jump short.

use futures::{StreamExt as _, TryStreamExt as _};
use qingcloud_record::{
    Client, ClientBuilder, Credentials, LIST_MAX_PAGE_SIZE, LIST_MAX_WINDOW, ListRecordingsRequest,
    ListRecordingsResponse, RecordingInfo, RecordingStatus,
};
use record_core::testing::advance_in_steps;
use record_core::{
    Error, ErrorKind, FixedClock, ListFilter, ListStatus, RawCode, Recording, RecordingQuery,
    RecordingState, TaskRef, TimeWindow, ToRecording as _, ToRecordings as _, UnixMillis, Vendor,
    VendorStatus, Waiter,
};
use serde_json::{Value, json};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ID: &str = "QYACCESSKEYIDEXAMPLE";
const SECRET: &str = "SECRETACCESSKEY";
const APP: &str = "34723259bb8f4768bc7a9c7cbb126baa";
const CHANNEL: &str = "crIUxmwHA2";
const API_PATH: &str = "/v1/cloudRecord";
/// 2021-10-15T06:44:58Z, the time of the doc's signing example.
const DOC_TIME_MS: i64 = 1_634_280_298_000;
/// 2021-11-18T08:00:00Z = 16:00:00 +08:00, after every fixture's `created`.
const NOW_MS: i64 = 1_637_222_400_000;
const HOUR_MS: i64 = 3_600_000;

/// Every documented status (vendor-docs/001 §录制状态说明) with its documented meaning and
/// the state the task description assigns it: 1 Starting, 2 Recording, 4 and 5 Stopping,
/// 3, 6, 7, 8, 9, 11, 30, 31 Processing, 10 Completed, 32, 50–53 Failed, 0 Unknown.
const EXPECTED: &[(i64, &str, RecordingState)] = &[
    (0, "none (meaningless)", RecordingState::Unknown),
    (1, "recording process started", RecordingState::Starting),
    (2, "recording in progress", RecordingState::Recording),
    (3, "recording finished", RecordingState::Processing),
    (
        4,
        "recording stopped manually, exit handling in progress",
        RecordingState::Stopping,
    ),
    (
        5,
        "recording stopped automatically, exit handling in progress",
        RecordingState::Stopping,
    ),
    (6, "merging single-stream files", RecordingState::Processing),
    (7, "single-stream files merged", RecordingState::Processing),
    (8, "uploading to object storage", RecordingState::Processing),
    (9, "uploaded to object storage", RecordingState::Processing),
    (
        10,
        "whole recording process finished",
        RecordingState::Completed,
    ),
    (
        11,
        "repairing recorded files (exception handling)",
        RecordingState::Processing,
    ),
    (30, "recording process crashed", RecordingState::Processing),
    (
        31,
        "recording process crash handled successfully",
        RecordingState::Processing,
    ),
    (
        32,
        "recording process crash handling failed",
        RecordingState::Failed,
    ),
    (
        50,
        "repairing recorded files failed",
        RecordingState::Failed,
    ),
    (
        51,
        "merging single-stream files failed",
        RecordingState::Failed,
    ),
    (
        52,
        "uploading to object storage failed",
        RecordingState::Failed,
    ),
    (
        53,
        "stopping the recording process failed",
        RecordingState::Failed,
    ),
];

/// The stop reason each status gives: QingCloud's own status name as the code, with what
/// the status table says about the stop (Stopping：录制已手动停止, AutoStopping：录制已自动停止,
/// RecordProcessCored：录制进程崩溃).
fn expected_stop_reason(status: i64) -> Option<VendorStatus> {
    let (code, meaning) = match status {
        4 => ("Stopping", "recording stopped manually"),
        5 => ("AutoStopping", "recording stopped automatically"),
        30..=32 => ("RecordProcessCored", "recording process crashed"),
        _ => return None,
    };
    Some(VendorStatus {
        code: RawCode::Text(code.to_owned()),
        meaning: meaning.to_owned(),
    })
}

fn expected_state(status: i64) -> RecordingState {
    EXPECTED
        .iter()
        .find(|(raw, _, _)| *raw == status)
        .map_or(RecordingState::Unknown, |(_, _, s)| *s)
}

fn expected_meaning(status: i64) -> &'static str {
    EXPECTED
        .iter()
        .find(|(raw, _, _)| *raw == status)
        .map_or("undocumented value", |(_, m, _)| *m)
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn ok<T, E: Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn expect_err<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture_dir() -> PathBuf {
    repo_root().join("fixtures/qingcloud/list_recordings")
}

fn fixture(name: &str) -> Vec<u8> {
    let file = fixture_dir().join(name);
    std::fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
}

/// A JSON value that is a number or a numeric string (QingCloud sends both, facts Q1).
fn as_int(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`), written out
/// here so that the expected times do not come from the code under test.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD HH:MM:SS` at +08:00, in UTC milliseconds.
fn beijing_ms(text: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| -> i64 { ok(text[r].parse::<i64>()) };
    let days = days_from_civil(n(0..4), n(5..7), n(8..10));
    let seconds = days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19) - 8 * 3600;
    seconds * 1000
}

fn creds() -> Credentials {
    ok(Credentials::new(ID, SECRET))
}

fn builder(server: &MockServer, now_ms: i64) -> ClientBuilder {
    Client::builder(creds())
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(UnixMillis(now_ms))))
}

fn client(server: &MockServer) -> Client {
    ok(builder(server, NOW_MS).build())
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_else(|| panic!("request recording is on by default"))
}

fn query_value(request: &Request, key: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn serve_body(server: &MockServer, body: Vec<u8>) {
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
}

/// One task as QingCloud lists it (the doc example's values, with this id, status and
/// creation time).
fn item(id: i64, status: i64, created: &str) -> Value {
    json!({
        "id": id,
        "project_id": "PHbrnM2Ff",
        "app_id": APP,
        "channel": CHANNEL,
        "pid": 15045,
        "host": "13rtc-rec-gw-bj13103.235.85.758020",
        "status": status,
        "size": 1024 * id,
        "is_mix": 1,
        "url_prefix": "",
        "files": "",
        "acc_key_id": "POAWWUCKNHNGNTHYJTXL",
        "rec_bucket": "sunny-video-recorde",
        "rec_zone": "pek3b",
        "rec_path": "CloudRecordMedia/",
        "created": created,
        "updated": created
    })
}

/// `n` tasks with ids 100, 101, ….
fn items(n: i64) -> Vec<Value> {
    (0..n)
        .map(|i| item(100 + i, 2, &format!("2021-11-18 1{}:00:00", i % 6)))
        .collect()
}

/// Serves `all` in pages by the request's `offset`/`limit` (limit 20 when absent), with
/// `total_count` when given; `ignore_offset` serves the first page for every offset.
async fn serve_pages(
    server: &MockServer,
    all: Vec<Value>,
    total_count: Option<u64>,
    ignore_offset: bool,
) {
    let responder = move |request: &Request| {
        let offset: usize = query_value(request, "offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let limit: usize = query_value(request, "limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(20);
        let start = if ignore_offset {
            0
        } else {
            offset.min(all.len())
        };
        let end = (start + limit).min(all.len());
        let mut body = json!({
            "code": "success",
            "offset": offset,
            "limit": limit,
            "recinfos": all[start..end].to_vec(),
        });
        if let Some(total) = total_count {
            body["total_count"] = json!(total);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .respond_with(responder)
        .mount(server)
        .await;
}

fn filter(page_size: Option<u32>) -> ListFilter {
    ListFilter {
        app_id: Some(APP.to_owned()),
        room: Some(CHANNEL.to_owned()),
        page_size,
        ..ListFilter::default()
    }
}

fn ids(recordings: &[Recording]) -> Vec<Option<String>> {
    recordings
        .iter()
        .map(|r| match &r.task {
            TaskRef::QingCloud { record_id, .. } => record_id.clone(),
            other => panic!("not a QingCloud task: {other:?}"),
        })
        .collect()
}

fn list_request() -> ListRecordingsRequest {
    ok(ListRecordingsRequest::builder()
        .app_id(APP)
        .channel(CHANNEL)
        .build())
}

fn task(record_id: Option<&str>) -> TaskRef {
    TaskRef::QingCloud {
        app_id: APP.to_owned(),
        channel: CHANNEL.to_owned(),
        record_id: record_id.map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------------------
// Every success fixture
// ---------------------------------------------------------------------------------------

/// Checks one converted task against its fixture JSON, read independently.
fn check_against_fixture(case: &str, recording: &Recording, item: &Value) {
    let at = |what: &str| format!("case {case}, id {}: {what}", item["id"]);
    let id = item["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", at("id")));
    assert_eq!(recording.vendor, Vendor::QingCloud, "{}", at("vendor"));
    assert_eq!(
        recording.task,
        task(Some(&id.to_string())),
        "{}",
        at("task")
    );

    // State and vendor status.
    let status = as_int(&item["status"]).unwrap_or_else(|| panic!("{}", at("status")));
    assert_eq!(recording.state, expected_state(status), "{}", at("state"));
    assert_eq!(
        recording.vendor_status.code,
        RawCode::Int(status),
        "{}",
        at("code")
    );
    assert_eq!(
        recording.vendor_status.meaning,
        expected_meaning(status),
        "{}",
        at("meaning")
    );
    assert_eq!(
        recording.stop_reason,
        expected_stop_reason(status),
        "{}",
        at("stop reason")
    );

    // Times: `created` and `updated` at +08:00; no end before a terminal state.
    let created = item["created"].as_str().map(beijing_ms).map(UnixMillis);
    assert_eq!(recording.started_at, created, "{}", at("started_at"));
    let terminal = matches!(
        expected_state(status),
        RecordingState::Completed | RecordingState::Failed
    );
    let updated = item["updated"].as_str().map(beijing_ms).map(UnixMillis);
    let ended = if terminal { updated } else { None };
    assert_eq!(recording.ended_at, ended, "{}", at("ended_at"));

    // Files: one storage entry when the task says where it is stored.
    let has_storage = ["rec_path", "rec_bucket", "size"]
        .iter()
        .any(|k| item.get(*k).is_some_and(|v| !v.is_null()));
    assert_eq!(
        recording.files.len(),
        usize::from(has_storage),
        "{}",
        at("file count")
    );
    if let Some(file) = recording.files.first() {
        assert_eq!(
            file.name,
            item["rec_path"].as_str().unwrap_or_default(),
            "{}",
            at("file name")
        );
        assert_eq!(
            file.size_bytes,
            as_int(&item["size"]).map(|s| ok(u64::try_from(s))),
            "{}",
            at("file size")
        );
        assert_eq!(file.url, None, "{}", at("url"));
        assert_eq!(file.format, None, "{}", at("format of a key prefix"));
        assert_eq!(file.state, None, "{}", at("file state"));
        assert_eq!(file.warning, None, "{}", at("warning"));
        assert_eq!(file.extra.get("rec_bucket"), item.get("rec_bucket"));
        assert_eq!(file.extra.get("rec_zone"), item.get("rec_zone"));
        assert_eq!(file.extra.get("acc_key_id"), item.get("acc_key_id"));
        assert_eq!(
            file.extra.get("is_mix").and_then(Value::as_i64),
            as_int(&item["is_mix"]),
            "{}",
            at("is_mix")
        );
    }

    // Nothing dropped: the typed item is attached, and every key the vendor sent is in it.
    let raw = recording
        .raw_as::<RecordingInfo>()
        .unwrap_or_else(|| panic!("{}", at("raw type")));
    assert_eq!(raw.id, id);
    let raw_json = recording.raw.to_json();
    for (key, value) in item.as_object().into_iter().flatten() {
        let kept = &raw_json[key.as_str()];
        if value.is_string() && as_int(value).is_some() && !kept.is_string() {
            // A numeric string (facts Q1) is kept as its number.
            assert_eq!(as_int(kept), as_int(value), "{}", at(key));
        } else {
            assert_eq!(kept, value, "{}", at(key));
        }
    }
}

#[test]
fn every_success_fixture_converts() {
    let cases: toml::Table = ok(toml::from_str(&ok(std::fs::read_to_string(
        fixture_dir().join("cases.toml"),
    ))));
    let mut files: Vec<PathBuf> = ok(std::fs::read_dir(fixture_dir()))
        .map(|entry| ok(entry).path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut converted = Vec::new();
    let mut skipped = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_else(|| panic!("bad file name {}", file.display()))
            .to_owned();
        let case = cases
            .get(&name)
            .unwrap_or_else(|| panic!("{name} has no cases.toml entry"));
        let body = ok(std::fs::read(file));
        let value: Value = ok(serde_json::from_slice(&body));
        // Error bodies describe no recording: skip the `error` kind and, since QingCloud
        // documents no error body, any fixture whose `code` is not "success" (the `quirk`
        // error_non_success_code).
        if case.get("kind").and_then(toml::Value::as_str) == Some("error")
            || value["code"] != "success"
        {
            skipped.push(name);
            continue;
        }
        let response: ListRecordingsResponse = ok(serde_json::from_slice(&body));
        let recordings = ok(response.to_recordings(&list_request()));
        let listed = value["recinfos"].as_array().cloned().unwrap_or_default();
        assert_eq!(recordings.len(), listed.len(), "case {name}: count");
        for (recording, item) in recordings.iter().zip(&listed) {
            check_against_fixture(&name, recording, item);
        }
        insta::assert_json_snapshot!(name.as_str(), ok(serde_json::to_value(&recordings)));
        converted.push(name);
    }
    assert_eq!(skipped, ["error_non_success_code"]);
    assert_eq!(converted.len(), 11, "{converted:?}");
}

// ---------------------------------------------------------------------------------------
// The status table, the (absent) refinements, unknown values
// ---------------------------------------------------------------------------------------

fn info(extra: Value) -> RecordingInfo {
    let mut body = json!({ "id": 7 });
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k.as_str()] = v.clone();
    }
    ok(serde_json::from_value(body))
}

#[test]
fn every_documented_status_maps_to_the_expected_state() {
    assert_eq!(RecordingStatus::KNOWN.len(), EXPECTED.len());
    for status in RecordingStatus::KNOWN {
        let raw = status.raw();
        let (_, meaning, state) = EXPECTED
            .iter()
            .find(|(r, _, _)| *r == raw)
            .unwrap_or_else(|| panic!("status {raw} is not in the expected table"));
        assert_eq!(status.base_state(), *state, "base_state of {raw}");
        let recording = info(json!({ "status": raw }))
            .to_recording(&task(None))
            .unwrap_or_else(|e| panic!("converts: {e}"));
        assert_eq!(recording.state, *state, "state of {raw}");
        assert_eq!(recording.state, status.base_state(), "state of {raw}");
        assert_eq!(recording.vendor_status.code, RawCode::Int(raw));
        assert_eq!(recording.vendor_status.meaning, *meaning);
        assert_eq!(recording.vendor_status.meaning, status.to_string());
    }
    for (raw, _, _) in EXPECTED {
        assert!(
            RecordingStatus::KNOWN.iter().any(|s| s.raw() == *raw),
            "{raw} is documented but not KNOWN"
        );
    }
}

/// QingCloud has no refinement ("Recording states" lists none): the state is the status's
/// whatever the other fields say, and only a terminal state has an end time.
#[test]
fn the_state_depends_on_the_status_only() {
    let variants = [
        json!({}),
        json!({ "size": 0, "is_mix": 0 }),
        json!({ "size": 52_428_800, "is_mix": 1, "rec_path": "CloudRecordMedia/" }),
        json!({ "files": "a.mp4", "url_prefix": "https://x/", "updated": "2021-11-18 15:00:00" }),
    ];
    for (raw, _, state) in EXPECTED {
        for variant in &variants {
            let mut fields = variant.clone();
            fields["status"] = json!(raw);
            fields["created"] = json!("2021-11-18 14:00:00");
            fields["updated"] = json!("2021-11-18 15:00:00");
            let recording = info(fields)
                .to_recording(&task(None))
                .unwrap_or_else(|e| panic!("converts: {e}"));
            assert_eq!(recording.state, *state, "{raw} with {variant}");
            let terminal = matches!(state, RecordingState::Completed | RecordingState::Failed);
            let end = UnixMillis(beijing_ms("2021-11-18 15:00:00"));
            assert_eq!(recording.ended_at, terminal.then_some(end), "{raw}");
            assert_eq!(
                recording.started_at,
                Some(UnixMillis(beijing_ms("2021-11-18 14:00:00")))
            );
        }
    }
}

#[test]
fn a_stop_reason_is_code_and_meaning_in_json_and_null_while_recording()
-> Result<(), serde_json::Error> {
    let stopped = info(json!({ "status": 5 }))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(
        serde_json::to_value(&stopped)?["stop_reason"],
        json!({"code": "AutoStopping", "meaning": "recording stopped automatically"})
    );
    let crashed = info(json!({ "status": 31 }))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(
        serde_json::to_value(&crashed)?["stop_reason"],
        json!({"code": "RecordProcessCored", "meaning": "recording process crashed"})
    );
    let recording = info(json!({ "status": 2 }))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(
        serde_json::to_value(&recording)?["stop_reason"],
        Value::Null
    );
    Ok(())
}

#[test]
fn unknown_and_missing_statuses() {
    for raw in [99_i64, -1, 12, 54, i64::MAX] {
        let recording = info(json!({ "status": raw }))
            .to_recording(&task(None))
            .unwrap_or_else(|e| panic!("converts: {e}"));
        assert_eq!(recording.state, RecordingState::Unknown, "{raw}");
        assert_eq!(recording.vendor_status.code, RawCode::Int(raw));
        assert_eq!(recording.vendor_status.meaning, "undocumented value");
        assert_eq!(recording.stop_reason, None);
    }
    // As a numeric string too (facts Q1).
    let recording = info(json!({ "status": "99" }))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(recording.vendor_status.code, RawCode::Int(99));
    // No status at all: unknown, with an empty code.
    let recording = info(json!({}))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(recording.state, RecordingState::Unknown);
    assert_eq!(recording.vendor_status.code, RawCode::Text(String::new()));
    assert!(recording.files.is_empty());
    assert_eq!(recording.started_at, None);
}

#[test]
fn files_extras_and_odd_times() {
    let recording = info(json!({
        "status": 10,
        "rec_path": "CloudRecordMedia/room1/merged.MP4",
        "files": "a.mp4,b.mp4",
        "url_prefix": "https://example.invalid/",
        "created": "2021-11-18T14:00:00Z",
        "updated": "not a time",
    }))
    .to_recording(&task(None))
    .unwrap_or_else(|e| panic!("converts: {e}"));
    let file = &recording.files[0];
    assert_eq!(file.format.as_deref(), Some("mp4"));
    assert_eq!(file.size_bytes, None);
    assert_eq!(file.extra.get("files"), Some(&json!("a.mp4,b.mp4")));
    assert_eq!(
        file.extra.get("url_prefix"),
        Some(&json!("https://example.invalid/"))
    );
    assert!(!file.extra.contains_key("rec_bucket"));
    // Times in another shape are not guessed at; the raw strings stay in `raw`.
    assert_eq!(recording.started_at, None);
    assert_eq!(recording.ended_at, None);
    assert_eq!(recording.raw.to_json()["updated"], "not a time");
    // Empty `files`/`url_prefix` (the documented "unused" value) add nothing.
    let recording = info(json!({ "size": 5, "files": "", "url_prefix": "" }))
        .to_recording(&task(None))
        .unwrap_or_else(|e| panic!("converts: {e}"));
    assert_eq!(recording.files[0].name, "");
    assert!(recording.files[0].extra.is_empty());
}

// ---------------------------------------------------------------------------------------
// RecordingQuery: capabilities
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn capabilities_follow_the_spec() {
    let server = MockServer::start().await;
    let client = client(&server);
    let caps = client.capabilities();
    assert_eq!(client.vendor(), Vendor::QingCloud);
    assert!(caps.get && caps.list && caps.list_by_room && caps.list_requires_room);
    assert!(!caps.list_requires_status && !caps.not_found_means_gone);
    assert_eq!(caps.list_max_window, Some(Duration::from_secs(24 * 3600)));
    assert_eq!(caps.query_horizon, Some(Duration::from_secs(24 * 3600)));
    assert_eq!(caps.list_max_page_size, Some(100));
    assert_eq!(caps.rate_limit_per_sec, None);
    assert_eq!(LIST_MAX_WINDOW, Duration::from_secs(24 * 3600));

    // The same limits, read from the spec itself.
    let spec: toml::Table = ok(toml::from_str(&ok(std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("api-spec.toml"),
    ))));
    let endpoint = &spec["endpoints"][0];
    assert_eq!(endpoint["query_window"].as_str(), Some("24 hours"));
    assert!(endpoint.get("rate_limit").is_none());
    let params = spec["requests"][0]["params"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let max = |wire: &str| {
        params
            .iter()
            .find(|p| p["wire"].as_str() == Some(wire))
            .and_then(|p| p["max"].as_integer())
    };
    assert_eq!(max("limit"), Some(i64::from(LIST_MAX_PAGE_SIZE)));
    assert_eq!(max("from_hour"), Some(24));
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// RecordingQuery: get
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_finds_the_task_of_a_fixture_over_the_widest_window() {
    let server = MockServer::start().await;
    serve_body(&server, fixture("doc_example.json")).await;
    let client = client(&server);
    let recording = ok(client.get(&task(Some("39"))).await);
    assert_eq!(recording.task, task(Some("39")));
    assert_eq!(recording.state, RecordingState::Recording);
    assert_eq!(recording.vendor_status.code, RawCode::Int(2));
    assert_eq!(
        recording.started_at,
        Some(UnixMillis(beijing_ms("2021-11-18 14:56:43")))
    );
    assert_eq!(recording.ended_at, None);
    assert_eq!(recording.files.len(), 1);
    assert_eq!(recording.files[0].name, "CloudRecordMedia/");
    assert_eq!(recording.files[0].size_bytes, Some(0));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let q = |k| query_value(&requests[0], k);
    assert_eq!(q("app_id").as_deref(), Some(APP));
    assert_eq!(q("channel").as_deref(), Some(CHANNEL));
    assert_eq!(q("from_hour").as_deref(), Some("24"));
    assert_eq!(q("to_hour").as_deref(), Some("0"));
    assert_eq!(q("offset").as_deref(), Some("0"));
    assert_eq!(q("limit").as_deref(), Some("100"));
}

#[tokio::test]
async fn get_stops_paging_once_the_task_is_found() {
    let server = MockServer::start().await;
    // 250 tasks, ids 100..=349: id 250 is on the second page of 100.
    serve_pages(&server, items(250), Some(250), false).await;
    let recording = ok(client(&server).get(&task(Some("250"))).await);
    assert_eq!(ids(&[recording]), [Some("250".to_owned())]);
    let requests = received(&server).await;
    let offsets: Vec<_> = requests.iter().map(|r| query_value(r, "offset")).collect();
    assert_eq!(offsets, [Some("0".to_owned()), Some("100".to_owned())]);
}

#[tokio::test]
async fn get_without_an_id_returns_the_most_recent_task() {
    let server = MockServer::start().await;
    let tasks = vec![
        item(50, 10, "2021-11-18 12:01:05"),
        item(52, 50, "2021-11-18 13:15:00"),
        item(51, 2, "2021-11-18 12:30:47"),
        // Same `created` as 52 but a smaller id: 52 is the more recent.
        item(49, 2, "2021-11-18 13:15:00"),
    ];
    serve_pages(&server, tasks, Some(4), false).await;
    let recording = ok(client(&server).get(&task(None)).await);
    assert_eq!(recording.task, task(Some("52")));
    assert_eq!(recording.state, RecordingState::Failed);
}

#[tokio::test]
async fn get_of_an_unknown_task_is_not_found() {
    let server = MockServer::start().await;
    serve_body(&server, fixture("doc_example.json")).await;
    let err = expect_err(client(&server).get(&task(Some("40"))).await);
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.vendor(), Some(Vendor::QingCloud));

    let server = MockServer::start().await;
    serve_body(&server, fixture("empty_recinfos.json")).await;
    let err = expect_err(client(&server).get(&task(None)).await);
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[tokio::test]
async fn get_refuses_other_vendors_and_bad_ids_without_a_request() {
    let server = MockServer::start().await;
    serve_body(&server, fixture("doc_example.json")).await;
    let client = client(&server);
    let others = [
        TaskRef::Zego {
            task_id: "X3CgNeE4I1qAAABN".to_owned(),
        },
        TaskRef::Volcengine {
            app_id: APP.to_owned(),
            room_id: CHANNEL.to_owned(),
            task_id: "t".to_owned(),
        },
        TaskRef::Agora {
            app_id: APP.to_owned(),
            resource_id: "r".to_owned(),
            sid: "s".to_owned(),
            mode: "mix".to_owned(),
            cname: None,
            uid: None,
        },
    ];
    for other in &others {
        let err = expect_err(client.get(other).await);
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert_eq!(err.parameter(), Some("task"));
    }
    let err = expect_err(client.get(&task(Some("thirty-nine"))).await);
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.parameter(), Some("record_id"));
    let empty = TaskRef::QingCloud {
        app_id: String::new(),
        channel: CHANNEL.to_owned(),
        record_id: None,
    };
    let err = expect_err(client.get(&empty).await);
    assert_eq!(err.parameter(), Some("app_id"));
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn get_passes_vendor_errors_on() {
    let server = MockServer::start().await;
    serve_body(&server, fixture("error_non_success_code.json")).await;
    let err = expect_err(client(&server).get(&task(Some("39"))).await);
    assert_eq!(err.kind(), ErrorKind::Vendor);
    assert_eq!(err.vendor_code(), Some("failed"));
}

// ---------------------------------------------------------------------------------------
// RecordingQuery: list
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_is_lazy_and_stops_at_total_count() {
    let server = MockServer::start().await;
    serve_pages(&server, items(7), Some(7), false).await;
    let client = client(&server);

    let stream = client.list(&filter(Some(2)));
    assert!(received(&server).await.is_empty(), "nothing before polling");
    let first: Vec<Recording> = ok(stream.take(3).try_collect().await);
    assert_eq!(
        ids(&first),
        ["100", "101", "102"].map(|s| Some(s.to_owned()))
    );
    assert_eq!(received(&server).await.len(), 2, "pages 0 and 2 only");

    server.reset().await;
    serve_pages(&server, items(7), Some(7), false).await;
    let all: Vec<Recording> = ok(client.list(&filter(Some(2))).try_collect().await);
    assert_eq!(all.len(), 7);
    assert_eq!(ids(&all)[6].as_deref(), Some("106"));
    let requests = received(&server).await;
    let offsets: Vec<_> = requests
        .iter()
        .map(|r| query_value(r, "offset").unwrap_or_default())
        .collect();
    // The fourth page reaches total_count: no fifth request.
    assert_eq!(offsets, ["0", "2", "4", "6"]);
    for r in &requests {
        assert_eq!(query_value(r, "limit").as_deref(), Some("2"));
        assert_eq!(query_value(r, "from_hour").as_deref(), Some("24"));
        assert_eq!(query_value(r, "to_hour").as_deref(), Some("0"));
    }
}

#[tokio::test]
async fn list_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    // No total_count: only the empty third page ends the walk.
    serve_pages(&server, items(4), None, false).await;
    let all: Vec<Recording> = ok(client(&server).list(&filter(Some(2))).try_collect().await);
    assert_eq!(all.len(), 4);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn list_stops_on_a_repeated_page() {
    let server = MockServer::start().await;
    // A server that ignores `offset` and claims 100 tasks.
    serve_pages(&server, items(4), Some(100), true).await;
    let all: Vec<Recording> = ok(client(&server).list(&filter(Some(2))).try_collect().await);
    assert_eq!(ids(&all), ["100", "101"].map(|s| Some(s.to_owned())));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn list_recordings_stream_starts_at_the_request_offset() {
    let server = MockServer::start().await;
    serve_pages(&server, items(5), Some(5), false).await;
    let request = ok(ListRecordingsRequest::builder()
        .app_id(APP)
        .channel(CHANNEL)
        .from_hour(6)
        .to_hour(1)
        .offset(1)
        .limit(2)
        .build());
    let client = client(&server);
    let tasks: Vec<RecordingInfo> = ok(client.list_recordings_stream(request).try_collect().await);
    assert_eq!(
        tasks.iter().map(|t| t.id).collect::<Vec<_>>(),
        [101, 102, 103, 104]
    );
    let requests = received(&server).await;
    let offsets: Vec<_> = requests
        .iter()
        .map(|r| query_value(r, "offset").unwrap_or_default())
        .collect();
    assert_eq!(offsets, ["1", "3"]);
    assert!(requests.iter().all(|r| {
        query_value(r, "from_hour").as_deref() == Some("6")
            && query_value(r, "to_hour").as_deref() == Some("1")
    }));
}

#[tokio::test]
async fn list_turns_the_window_into_hours_before_now() {
    let server = MockServer::start().await;
    serve_pages(&server, items(1), Some(1), false).await;
    let client = client(&server);
    let window = TimeWindow {
        start: UnixMillis(NOW_MS - 5 * HOUR_MS - 30 * 60_000),
        end: UnixMillis(NOW_MS - HOUR_MS - 10 * 60_000),
    };
    let f = ListFilter {
        window: Some(window),
        ..filter(Some(50))
    };
    let all: Vec<Recording> = ok(client.list(&f).try_collect().await);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].task, task(Some("100")));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let q = |k| query_value(&requests[0], k);
    // 5.5 h rounded up, 1.17 h rounded down: the window is widened, never narrowed.
    assert_eq!(q("from_hour").as_deref(), Some("6"));
    assert_eq!(q("to_hour").as_deref(), Some("1"));
    assert_eq!(q("limit").as_deref(), Some("50"));
    assert_eq!(q("offset").as_deref(), Some("0"));

    // Without a page size, QingCloud's default applies (no `limit` sent).
    server.reset().await;
    serve_pages(&server, items(1), Some(1), false).await;
    let _: Vec<Recording> = ok(client.list(&filter(None)).try_collect().await);
    let requests = received(&server).await;
    assert_eq!(query_value(&requests[0], "limit"), None);
}

#[tokio::test]
async fn list_refuses_what_qingcloud_cannot_do_without_a_request() {
    let server = MockServer::start().await;
    serve_pages(&server, items(3), Some(3), false).await;
    let client = client(&server);
    let cases: Vec<(ListFilter, &str)> = vec![
        (
            ListFilter {
                app_id: None,
                ..filter(None)
            },
            "app_id",
        ),
        (
            ListFilter {
                room: None,
                ..filter(None)
            },
            "room",
        ),
        (
            ListFilter {
                app_id: Some(String::new()),
                ..filter(None)
            },
            "app_id",
        ),
        (
            ListFilter {
                status: Some(ListStatus::Recording),
                ..filter(None)
            },
            "filter",
        ),
        (
            ListFilter {
                status: Some(ListStatus::Ended),
                ..filter(None)
            },
            "filter",
        ),
        (
            ListFilter {
                window: Some(TimeWindow {
                    start: UnixMillis(NOW_MS - 24 * HOUR_MS - 1),
                    end: UnixMillis(NOW_MS),
                }),
                ..filter(None)
            },
            "window",
        ),
        (
            ListFilter {
                window: Some(TimeWindow {
                    start: UnixMillis(NOW_MS - HOUR_MS),
                    end: UnixMillis(NOW_MS - 2 * HOUR_MS),
                }),
                ..filter(None)
            },
            "window",
        ),
        (filter(Some(LIST_MAX_PAGE_SIZE + 1)), "limit"),
        (filter(Some(0)), "limit"),
    ];
    for (f, parameter) in cases {
        let items: Vec<Result<Recording, Error>> = client.list(&f).collect().await;
        assert_eq!(items.len(), 1, "{f:?}");
        let err = match items.into_iter().next() {
            Some(Err(e)) => e,
            other => panic!("{f:?}: expected one error, got {other:?}"),
        };
        // A filter QingCloud cannot apply is unsupported; a value out of range, invalid.
        let expected = if parameter == "filter" {
            ErrorKind::Unsupported
        } else {
            ErrorKind::InvalidRequest
        };
        assert_eq!(err.kind(), expected, "{f:?}: {err}");
        assert_eq!(err.parameter(), Some(parameter), "{f:?}: {err}");
    }
    // The largest page and the widest window are accepted.
    let widest = ListFilter {
        window: Some(TimeWindow {
            start: UnixMillis(NOW_MS - 24 * HOUR_MS),
            end: UnixMillis(NOW_MS),
        }),
        ..filter(Some(LIST_MAX_PAGE_SIZE))
    };
    assert!(received(&server).await.is_empty());
    let all: Vec<Recording> = ok(client.list(&widest).try_collect().await);
    assert_eq!(all.len(), 3);
}

// ---------------------------------------------------------------------------------------
// The waiter over the client, in paused time
// ---------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn the_waiter_follows_a_task_to_completion() {
    let server = MockServer::start().await;
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = polls.clone();
    let responder = move |_: &Request| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let status = match n {
            0 | 1 => 2,
            2 => 8,
            _ => 10,
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "success",
            "recinfos": [item(39, status, "2021-11-18 14:56:43")],
            "total_count": 1,
        }))
    };
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .respond_with(responder)
        .mount(&server)
        .await;
    let client = ok(builder(&server, NOW_MS)
        .connect_timeout(Duration::from_secs(3600))
        .attempt_timeout(Duration::from_secs(3600))
        .total_timeout(Duration::from_secs(7200))
        .build());
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(2),
        Duration::from_secs(600),
    );
    let mut seen = Vec::new();
    let done = ok(advance_in_steps(
        Duration::from_millis(5),
        waiter.wait(&client, &task(Some("39")), |r| {
            seen.push(r.state);
        }),
    )
    .await);
    assert_eq!(done.state, RecordingState::Completed);
    assert_eq!(
        seen,
        [
            RecordingState::Recording,
            RecordingState::Processing,
            RecordingState::Completed
        ]
    );
    assert_eq!(polls.load(Ordering::SeqCst), 4);
}

// ---------------------------------------------------------------------------------------
// The dry run
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn prepare_shows_exactly_what_is_sent_and_no_secret() {
    let server = MockServer::start().await;
    serve_body(&server, fixture("doc_example.json")).await;
    let client = ok(builder(&server, DOC_TIME_MS).build());
    let request = ok(ListRecordingsRequest::builder()
        .app_id(APP)
        .channel(CHANNEL)
        .from_hour(3)
        .to_hour(0)
        .offset(0)
        .limit(20)
        .build());
    let prepared = ok(client.prepare_list_recordings(&request));
    assert!(
        received(&server).await.is_empty(),
        "a dry run sends nothing"
    );
    ok(client.list_recordings(&request).await);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(prepared.method, sent.method.as_str());
    // wiremock rebuilds the URL it reports from the path and query; the host went in the
    // `Host` header.
    let sent_url = format!(
        "{}{}?{}",
        server.uri(),
        sent.url.path(),
        sent.url.query().unwrap_or_default()
    );
    assert_eq!(prepared.url, sent_url);
    let host = sent
        .headers
        .get("host")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    assert_eq!(
        host.map(|h| format!("http://{h}")).as_deref(),
        Some(server.uri().as_str())
    );
    assert_eq!(prepared.body, None);
    assert!(sent.body.is_empty());
    assert!(!prepared.headers.is_empty());
    for (name, value) in &prepared.headers {
        let got = sent
            .headers
            .get(name.as_str())
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        assert_eq!(got.as_deref(), Some(value.as_str()), "header {name}");
    }
    // The doc's signing vector (vendor-facts §2.2), percent-encoded.
    assert!(
        prepared
            .url
            .ends_with("&signature=Qd%2BXbJNQ0VAqEnJaIYKL2NphPUtpg4a0T%2F%2BDErkexhE%3D"),
        "{}",
        prepared.url
    );
    assert_eq!(
        query_value(sent, "time_stamp").as_deref(),
        Some("2021-10-15T06:44:58Z")
    );
    // No secret anywhere.
    let everything = format!("{prepared:?}");
    assert!(!everything.contains(SECRET), "{everything}");
    assert!(everything.contains(ID), "the key id is not a secret");
}
