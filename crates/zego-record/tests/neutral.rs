//! The vendor-neutral view of ZEGO: the conversions on every success fixture (checked
//! against the fixture JSON read independently, plus a reviewed snapshot), the state table
//! and its refinements, `RecordingQuery` through the real client against wiremock (get,
//! lazy listing), the waiter, and the dry-run requests.

use futures::StreamExt as _;
use futures::future::BoxFuture;
use record_core::client::PreparedRequest;
use record_core::{
    DurationMillis, Error, ErrorKind, FixedClock, ListFilter, ListStatus, RawCode, Recording,
    RecordingQuery, RecordingState, Sleeper, TaskRef, TimeWindow, ToRecording as _,
    ToRecordings as _, UnixMillis, Vendor, Waiter,
};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use zego_record::{
    BACKUP_STORAGE_WARNING, Client, Credentials, DescribeRecordStatusRequest,
    DescribeRecordStatusResponse, DescribeTasksRequest, DescribeTasksResponse, FileStatus,
    LIST_MAX_PAGE_SIZE, LIST_MAX_WINDOW, QUERY_HORIZON, TaskStatus, TaskSummary,
};

const APP_ID: u32 = 12_345;
const SECRET: &str = "9193cc662a4c0ec135ec71fb57194b38";
/// The official signing vector's time (2021-03-08 15:02:23 +08:00), in ms.
const NOW: UnixMillis = UnixMillis(1_615_186_943_000);
/// The official signing vector's nonce.
const NONCE: &str = "4fd24687296dd9f3";
const TASK_ID: &str = "X3CgNeE4I1qAAABN";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `result`'s value; a panic naming `what` otherwise.
/// The task reference of [`TASK_ID`].
fn zego_task() -> TaskRef {
    TaskRef::Zego {
        task_id: TASK_ID.to_owned(),
    }
}

/// A DescribeTasks request (the page conversions take the request that fetched the page).
fn tasks_request() -> DescribeTasksRequest {
    let now = UnixMillis(1_700_000_000_000);
    match DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .start_time(UnixMillis(now.0 - 3_600_000))
        .end_time(now)
        .build_with_clock(&FixedClock::new(now))
    {
        Ok(r) => r,
        Err(e) => panic!("the test request builds: {e}"),
    }
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/zego")
}

fn fixture(api: &str, case: &str) -> Vec<u8> {
    let file = fixtures_dir().join(api).join(format!("{case}.json"));
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[derive(Debug, Deserialize)]
struct FixtureCase {
    kind: String,
}

fn fixture_cases(api: &str) -> BTreeMap<String, FixtureCase> {
    let file = fixtures_dir().join(api).join("cases.toml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Every `<case>.json` of a fixture folder, so that a fixture missing from `cases.toml`
/// cannot be skipped silently.
fn fixture_files(api: &str) -> Vec<String> {
    let mut out: Vec<String> = ok(std::fs::read_dir(fixtures_dir().join(api)), api)
        .map(|e| ok(e, api).path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    out.sort();
    out
}

fn creds() -> Credentials {
    ok(Credentials::new(APP_ID, SECRET), "credentials")
}

fn client(server: &MockServer) -> Client {
    ok(
        Client::builder(creds())
            .base_url(server.uri())
            .clock(Arc::new(FixedClock::new(NOW)))
            .nonce_source(|| NONCE.to_owned())
            .disable_retries()
            .rate_limit(None)
            .build(),
        "client",
    )
}

async fn mount(server: &MockServer, response: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path("/"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn json_response(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn body_of(request: &Request) -> Value {
    ok(serde_json::from_slice(&request.body), "request body")
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn expect_err<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> Error {
    match result {
        Ok(v) => panic!("{what}: expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn status_response(value: Value) -> DescribeRecordStatusResponse {
    ok(serde_json::from_value(value), "DescribeRecordStatus body")
}

// ---------------------------------------------------------------------------------------
// The expected tables, written out from the issue text (README "Recording states")
// ---------------------------------------------------------------------------------------

/// Task `Status` → (neutral base state, documented meaning).
const TASK_TABLE: &[(i64, RecordingState, &str)] = &[
    (1, RecordingState::Starting, "recording task initialising"),
    (2, RecordingState::Recording, "recording task in progress"),
    (3, RecordingState::Completed, "recording task ended"),
    (4, RecordingState::Failed, "recording task ended abnormally"),
    (5, RecordingState::Paused, "recording task paused"),
];

/// File `Status` → neutral state.
const FILE_TABLE: &[(i64, RecordingState)] = &[
    (1, RecordingState::Recording),
    (2, RecordingState::Processing),
    (3, RecordingState::Completed),
    (4, RecordingState::Completed),
    (5, RecordingState::Failed),
];

fn task_base(raw: i64) -> RecordingState {
    TASK_TABLE
        .iter()
        .find(|(r, _, _)| *r == raw)
        .map_or(RecordingState::Unknown, |(_, s, _)| *s)
}

fn task_meaning(raw: i64) -> &'static str {
    TASK_TABLE
        .iter()
        .find(|(r, _, _)| *r == raw)
        .map_or("undocumented value", |(_, _, m)| *m)
}

fn file_state(raw: i64) -> RecordingState {
    FILE_TABLE
        .iter()
        .find(|(r, _)| *r == raw)
        .map_or(RecordingState::Unknown, |(_, s)| *s)
}

/// The README's rule for a whole task: 3 is processing while a file is 1 or 2, failed if
/// a file is 5, otherwise completed; every other status its base state.
fn task_state(raw: i64, file_statuses: &[i64]) -> RecordingState {
    if raw != 3 {
        return task_base(raw);
    }
    if file_statuses.iter().any(|s| *s == 1 || *s == 2) {
        RecordingState::Processing
    } else if file_statuses.contains(&5) {
        RecordingState::Failed
    } else {
        RecordingState::Completed
    }
}

/// A positive ms timestamp from the fixture JSON; `None` for absent or 0.
fn ms(value: &Value) -> Option<UnixMillis> {
    value.as_i64().filter(|v| *v > 0).map(UnixMillis)
}

// ---------------------------------------------------------------------------------------
// Every success fixture
// ---------------------------------------------------------------------------------------

/// Checks a DescribeRecordStatus conversion against the fixture JSON.
fn check_record_status(name: &str, body: &Value, rec: &Recording) {
    let data = &body["Data"];
    let status = data["Status"]
        .as_i64()
        .unwrap_or_else(|| panic!("{name}: no Status"));
    let files = data["RecordFiles"].as_array().cloned().unwrap_or_default();
    let file_statuses: Vec<i64> = files.iter().filter_map(|f| f["Status"].as_i64()).collect();

    assert_eq!(rec.vendor, Vendor::Zego, "{name}");
    assert_eq!(
        rec.task,
        TaskRef::Zego {
            task_id: TASK_ID.to_owned()
        },
        "{name}"
    );
    assert_eq!(
        rec.state,
        task_state(status, &file_statuses),
        "{name}: state"
    );
    assert_eq!(rec.vendor_status.code, RawCode::Int(status), "{name}");
    assert_eq!(rec.vendor_status.meaning, task_meaning(status), "{name}");
    assert_eq!(rec.started_at, ms(&data["RecordBeginTimestamp"]), "{name}");
    let ended = status == 3 || status == 4;
    let want_end = if ended {
        ms(&data["RecordEndTimestamp"])
    } else {
        None
    };
    assert_eq!(rec.ended_at, want_end, "{name}: ended_at");
    if ended {
        assert!(
            rec.ended_at.is_some(),
            "{name}: an ended fixture has an end"
        );
    }
    assert_eq!(rec.stop_reason, None, "{name}");
    assert_eq!(rec.files.len(), files.len(), "{name}: file count");
    for (i, (file, want)) in rec.files.iter().zip(&files).enumerate() {
        let what = format!("{name}: file {i}");
        assert_eq!(Some(file.name.as_str()), want["FileId"].as_str(), "{what}");
        assert_eq!(file.size_bytes, want["FileSize"].as_u64(), "{what}");
        assert_eq!(
            file.duration,
            want["Duration"].as_i64().map(DurationMillis),
            "{what}"
        );
        assert_eq!(file.url.as_deref(), want["FileUrl"].as_str(), "{what}");
        assert_eq!(
            file.format.as_deref(),
            want["OutputFileFormat"].as_str(),
            "{what}"
        );
        assert_eq!(file.started_at, ms(&want["BeginTimestamp"]), "{what}");
        let fs = want["Status"].as_i64().unwrap_or_else(|| panic!("{what}"));
        assert_eq!(file.state, Some(file_state(fs)), "{what}: state");
        assert_eq!(
            file.warning.is_some(),
            fs == 4,
            "{what}: warning only for backup storage"
        );
        for key in [
            "FileId",
            "VideoId",
            "UserId",
            "UserName",
            "StreamId",
            "MediaTrackType",
            "ResolutionWidth",
            "ResolutionHeight",
            "Status",
        ] {
            assert_eq!(file.extra.get(key), want.get(key), "{what}: extra {key}");
        }
    }
    let raw = rec
        .raw_as::<DescribeRecordStatusResponse>()
        .unwrap_or_else(|| panic!("{name}: raw is the typed response"));
    assert_eq!(
        raw.request_id.as_deref(),
        body["RequestId"].as_str(),
        "{name}"
    );
}

/// Checks DescribeTasks conversions against the fixture JSON.
fn check_tasks(name: &str, body: &Value, recs: &[Recording]) {
    let data = &body["Data"];
    let list = data
        .get("TaskList")
        .or_else(|| data.get("TaskidList"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    assert_eq!(recs.len(), list.len(), "{name}: task count");
    for (i, (rec, want)) in recs.iter().zip(&list).enumerate() {
        let what = format!("{name}: task {i}");
        let status = want["Status"].as_i64().unwrap_or_else(|| panic!("{what}"));
        let task_id = want["TaskId"].as_str().unwrap_or_else(|| panic!("{what}"));
        assert_eq!(rec.vendor, Vendor::Zego, "{what}");
        assert_eq!(
            rec.task,
            TaskRef::Zego {
                task_id: task_id.to_owned()
            },
            "{what}"
        );
        assert_eq!(rec.state, task_base(status), "{what}: state");
        assert_eq!(rec.vendor_status.code, RawCode::Int(status), "{what}");
        assert_eq!(rec.vendor_status.meaning, task_meaning(status), "{what}");
        assert_eq!(rec.started_at, ms(&want["RecordBeginTimestamp"]), "{what}");
        assert_eq!(rec.ended_at, None, "{what}");
        assert!(rec.files.is_empty(), "{what}");
        let raw = rec
            .raw_as::<TaskSummary>()
            .unwrap_or_else(|| panic!("{what}: raw is the list item"));
        assert_eq!(raw.room_id.as_deref(), want["RoomId"].as_str(), "{what}");
    }
}

#[test]
fn every_success_fixture_converts() {
    let mut converted = Vec::new();
    let mut error_envelopes = Vec::new();
    for api in ["describe_record_status", "describe_tasks"] {
        let cases = fixture_cases(api);
        for name in fixture_files(api) {
            let case = cases
                .get(&name)
                .unwrap_or_else(|| panic!("{api}/{name}: no cases.toml entry"));
            if case.kind == "error" {
                continue;
            }
            let bytes = fixture(api, &name);
            let body: Value = ok(serde_json::from_slice(&bytes), &name);
            let code = body["Code"].as_i64().unwrap_or_else(|| panic!("{name}"));
            let snapshot_name = format!("{api}__{name}");
            match api {
                "describe_record_status" => {
                    let resp: DescribeRecordStatusResponse =
                        ok(serde_json::from_slice(&bytes), &name);
                    if code != 0 {
                        // error_data_null: an error envelope filed as an edge case.
                        let e = expect_err(resp.to_recording(&zego_task()), &name);
                        assert_eq!(e.vendor_code(), Some(code.to_string().as_str()));
                        assert_eq!(e.request_id(), body["RequestId"].as_str());
                        error_envelopes.push(format!("{api}/{name}"));
                        continue;
                    }
                    let rec = ok(resp.to_recording(&zego_task()), &name);
                    check_record_status(&name, &body, &rec);
                    insta::assert_json_snapshot!(
                        snapshot_name,
                        ok(serde_json::to_value(&rec), &name)
                    );
                }
                "describe_tasks" => {
                    let resp: DescribeTasksResponse = ok(serde_json::from_slice(&bytes), &name);
                    assert_eq!(code, 0, "{name}");
                    let recs = ok(resp.to_recordings(&tasks_request()), &name);
                    check_tasks(&name, &body, &recs);
                    insta::assert_json_snapshot!(
                        snapshot_name,
                        ok(serde_json::to_value(&recs), &name)
                    );
                }
                other => panic!("no folder {other}"),
            }
            converted.push(format!("{api}/{name}"));
        }
    }
    assert_eq!(converted.len(), 15 + 8, "{converted:?}");
    assert_eq!(error_envelopes, ["describe_record_status/error_data_null"]);
}

// ---------------------------------------------------------------------------------------
// The state table and its refinements
// ---------------------------------------------------------------------------------------

#[test]
fn every_documented_task_status_maps_to_its_state() {
    assert_eq!(TaskStatus::KNOWN.len(), TASK_TABLE.len());
    for status in TaskStatus::KNOWN {
        let raw = status.raw();
        let (_, want, meaning) = TASK_TABLE
            .iter()
            .find(|(r, _, _)| *r == raw)
            .unwrap_or_else(|| panic!("{raw} missing from the expected table"));
        assert_eq!(status.base_state(), *want, "{raw}: base_state");
        // Without files the refinement changes nothing.
        assert_eq!(status.refined_state(&[]), *want, "{raw}: refined_state");
        let vs = status.vendor_status();
        assert_eq!(vs.code, RawCode::Int(raw));
        assert_eq!(vs.meaning, *meaning);
        // Through the conversion of an answer and of a list item.
        let rec = status_response(json!({"Code": 0, "Data": {"Status": raw}}))
            .to_recording(&zego_task())
            .unwrap();
        assert_eq!(rec.state, *want, "{raw}: to_recording");
        let item: TaskSummary =
            serde_json::from_value(json!({"TaskId": TASK_ID, "Status": raw})).unwrap();
        assert_eq!(
            item.to_recording(&zego_task()).unwrap().state,
            *want,
            "{raw}: list item"
        );
    }
}

#[test]
fn every_documented_file_status_maps_to_its_state() {
    assert_eq!(FileStatus::KNOWN.len(), FILE_TABLE.len());
    for status in FileStatus::KNOWN {
        let raw = status.raw();
        let (_, want) = FILE_TABLE
            .iter()
            .find(|(r, _)| *r == raw)
            .unwrap_or_else(|| panic!("{raw} missing from the expected table"));
        assert_eq!(status.base_state(), *want, "{raw}: base_state");
        let rec = status_response(json!({"Code": 0, "Data": {"Status": 2, "RecordFiles": [
            {"FileId": "a.mp4", "Status": raw}
        ]}}))
        .to_recording(&zego_task())
        .unwrap();
        assert_eq!(rec.files[0].state, Some(*want), "{raw}");
        assert_eq!(rec.files[0].extra.get("Status"), Some(&json!(raw)));
        if raw == 4 {
            assert_eq!(
                rec.files[0].warning.as_deref(),
                Some(BACKUP_STORAGE_WARNING)
            );
        } else {
            assert_eq!(rec.files[0].warning, None, "{raw}");
        }
    }
}

#[test]
fn ended_tasks_are_refined_by_their_files() {
    use RecordingState::*;
    // (task Status, file Statuses, expected state), from the README rule.
    let cases: &[(i64, &[i64], RecordingState)] = &[
        (3, &[], Completed),
        (3, &[3], Completed),
        (3, &[3, 3], Completed),
        (3, &[4], Completed),
        (3, &[3, 4], Completed),
        (3, &[1], Processing),
        (3, &[2], Processing),
        (3, &[3, 2], Processing),
        (3, &[4, 1], Processing),
        (3, &[5], Failed),
        (3, &[3, 5], Failed),
        (3, &[4, 5], Failed),
        // A file still uploading wins over a failed one: the task is not over yet.
        (3, &[5, 2], Processing),
        (3, &[1, 5], Processing),
        // An undocumented file status does not change the README's "otherwise completed".
        (3, &[7], Completed),
        // The refinement applies to status 3 only.
        (1, &[1], Starting),
        (2, &[5], Recording),
        (2, &[2], Recording),
        (4, &[3], Failed),
        (5, &[1], Paused),
        (9, &[3], Unknown),
    ];
    for (status, files, want) in cases {
        assert_eq!(task_state(*status, files), *want, "the test's own rule");
        let record_files: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"FileId": format!("f{i}.mp4"), "Status": s}))
            .collect();
        let resp = status_response(json!({"Code": 0, "Data": {
            "Status": status, "RecordFiles": record_files
        }}));
        let rec = resp.to_recording(&zego_task()).unwrap();
        assert_eq!(rec.state, *want, "Status {status} with files {files:?}");
        let data = resp.data.as_ref().unwrap();
        assert_eq!(data.recording_state(), *want);
        let typed: Vec<zego_record::RecordFile> = data.record_files.clone().unwrap();
        assert_eq!(
            TaskStatus::from_raw(*status).refined_state(&typed),
            *want,
            "refined_state"
        );
    }
    // A file without Status counts as neither in progress nor failed.
    let rec = status_response(
        json!({"Code": 0, "Data": {"Status": 3, "RecordFiles": [{"FileId": "x.mp4"}]}}),
    )
    .to_recording(&zego_task())
    .unwrap();
    assert_eq!(rec.state, Completed);
    assert_eq!(rec.files[0].state, None);
}

#[test]
fn unknown_status_values_keep_their_code() {
    for raw in [0, 6, 9, -1, i64::MAX] {
        let rec = status_response(json!({"Code": 0, "Data": {"Status": raw, "RecordEndTimestamp": 1_718_608_200_456_i64}}))
            .to_recording(&zego_task())
            .unwrap();
        assert_eq!(rec.state, RecordingState::Unknown, "{raw}");
        assert_eq!(rec.vendor_status.code, RawCode::Int(raw));
        assert_eq!(rec.vendor_status.meaning, "undocumented value");
        assert_eq!(
            rec.ended_at, None,
            "an unknown status is not known to be ended"
        );
        let item: TaskSummary =
            serde_json::from_value(json!({"TaskId": TASK_ID, "Status": raw})).unwrap();
        let rec = item.to_recording(&zego_task()).unwrap();
        assert_eq!(rec.state, RecordingState::Unknown);
        assert_eq!(rec.vendor_status.code, RawCode::Int(raw));
    }
    let rec = status_response(json!({"Code": 0, "Data": {"Status": 2, "RecordFiles": [
        {"FileId": "a.mp4", "Status": 7}
    ]}}))
    .to_recording(&zego_task())
    .unwrap();
    assert_eq!(rec.files[0].state, Some(RecordingState::Unknown));
    assert_eq!(rec.files[0].extra.get("Status"), Some(&json!(7)));
}

#[test]
fn end_time_only_once_ended_and_zero_is_none() {
    let end = 1_718_608_200_456_i64;
    for (status, end_ts, want) in [
        (1, end, None),
        (2, end, None),
        (2, 0, None),
        (5, end, None),
        (3, end, Some(UnixMillis(end))),
        (3, 0, None),
        (4, end, Some(UnixMillis(end))),
        (4, 0, None),
    ] {
        let rec = status_response(json!({"Code": 0, "Data": {
            "Status": status,
            "RecordBeginTimestamp": 0,
            "RecordEndTimestamp": end_ts
        }}))
        .to_recording(&zego_task())
        .unwrap();
        assert_eq!(rec.ended_at, want, "Status {status}, end {end_ts}");
        assert_eq!(rec.started_at, None, "a 0 start is no start");
    }
}

#[test]
fn files_without_format_or_id_fall_back_on_their_names() {
    let rec = status_response(json!({"Code": 0, "Data": {"Status": 3, "RecordFiles": [
        {"FileId": "T_room_user_stream_VA_20240617070000400.MP4", "Status": 3},
        {"FileUrl": "https://cdn.example.com/rec/y.flv?sign=abc", "Status": 3},
        {"FileId": "no_extension", "Status": 3},
        {"Status": 3}
    ]}}))
    .to_recording(&zego_task())
    .unwrap();
    let f = &rec.files;
    assert_eq!(f[0].format.as_deref(), Some("mp4"));
    assert_eq!(f[1].name, "y.flv");
    assert_eq!(f[1].format.as_deref(), Some("flv"));
    assert_eq!(
        f[1].url.as_deref(),
        Some("https://cdn.example.com/rec/y.flv?sign=abc")
    );
    assert_eq!(f[1].extra.get("FileId"), None, "no FileId was sent");
    assert_eq!(f[2].format, None);
    assert_eq!(f[3].name, "");
    assert_eq!(f[3].format, None);
    // An undocumented OutputFileFormat is kept as sent, not replaced by the extension.
    let rec = status_response(json!({"Code": 0, "Data": {"Status": 3, "RecordFiles": [
        {"FileId": "a.mp4", "OutputFileFormat": "m4a", "Status": 3}
    ]}}))
    .to_recording(&zego_task())
    .unwrap();
    assert_eq!(rec.files[0].format.as_deref(), Some("m4a"));
}

#[test]
fn answers_that_cannot_be_converted_are_errors() {
    let e = expect_err(
        status_response(json!({"Code": 0, "Message": "succeed", "RequestId": "r1"}))
            .to_recording(&zego_task()),
        "no Data",
    );
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.request_id(), Some("r1"));
    let e = expect_err(
        status_response(json!({"Code": 0, "Data": {"RoomId": "r"}})).to_recording(&zego_task()),
        "no Status",
    );
    assert_eq!(e.kind(), ErrorKind::Decode);
    let e = expect_err(
        status_response(json!({"Code": 300001000, "Message": "task not exist", "RequestId": "r2"}))
            .to_recording(&zego_task()),
        "error envelope",
    );
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.vendor_code(), Some("300001000"));
    assert_eq!(e.vendor_message(), Some("task not exist"));
    assert_eq!(e.request_id(), Some("r2"));
    let e = expect_err(
        status_response(json!({"Code": 123})).to_recording(&zego_task()),
        "undocumented code",
    );
    assert_eq!(e.kind(), ErrorKind::Vendor);
    assert_eq!(e.vendor_code(), Some("123"));

    let tasks: DescribeTasksResponse =
        serde_json::from_value(json!({"Code": 0, "Message": "succeed"})).unwrap();
    assert_eq!(
        expect_err(tasks.to_recordings(&tasks_request()), "no Data").kind(),
        ErrorKind::Decode
    );
    let tasks: DescribeTasksResponse = serde_json::from_value(json!({"Code": 300000003})).unwrap();
    let e = expect_err(tasks.to_recordings(&tasks_request()), "rate limited");
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.is_retryable());
    let item: TaskSummary = serde_json::from_value(json!({"Status": 2})).unwrap();
    let no_id = TaskRef::Zego {
        task_id: String::new(),
    };
    assert_eq!(
        expect_err(item.to_recording(&no_id), "no TaskId").kind(),
        ErrorKind::Decode
    );
    // The task reference supplies an id the item lacks; an item's own id wins.
    let rec = ok(item.to_recording(&zego_task()), "id from the task");
    assert_eq!(rec.task, zego_task());
    let other: TaskSummary =
        serde_json::from_value(json!({"Status": 2, "TaskId": "AAAAAAAAAAAAAAAA"})).unwrap();
    let rec = ok(other.to_recording(&zego_task()), "the item's id");
    assert_eq!(
        rec.task,
        TaskRef::Zego {
            task_id: "AAAAAAAAAAAAAAAA".to_owned()
        }
    );
    let e = expect_err(
        item.to_recording(&TaskRef::QingCloud {
            app_id: "a".to_owned(),
            channel: "c".to_owned(),
            record_id: None,
        }),
        "another vendor's task",
    );
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("task"));
    let item: TaskSummary = serde_json::from_value(json!({"TaskId": TASK_ID})).unwrap();
    assert_eq!(
        expect_err(item.to_recording(&zego_task()), "no Status").kind(),
        ErrorKind::Decode
    );
}

// ---------------------------------------------------------------------------------------
// RecordingQuery through the client
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn capabilities_follow_the_documented_limits() {
    let server = MockServer::start().await;
    let client = client(&server);
    let caps = client.capabilities();
    assert_eq!(RecordingQuery::vendor(&client), Vendor::Zego);
    assert!(caps.get && caps.list && caps.list_by_room && caps.list_requires_status);
    assert!(!caps.list_requires_room);
    assert!(!caps.not_found_means_gone);
    let three_days = Duration::from_secs(3 * 24 * 3600);
    assert_eq!(caps.list_max_window, Some(three_days));
    assert_eq!(caps.query_horizon, Some(three_days));
    assert_eq!(LIST_MAX_WINDOW, three_days);
    assert_eq!(QUERY_HORIZON, three_days);
    assert_eq!(caps.list_max_page_size, Some(50));
    assert_eq!(LIST_MAX_PAGE_SIZE, 50);
    assert_eq!(caps.rate_limit_per_sec, Some(10));
}

#[tokio::test]
async fn get_fetches_describe_record_status() {
    let server = MockServer::start().await;
    mount(
        &server,
        json_response(fixture("describe_record_status", "doc_example")),
    )
    .await;
    let client = client(&server);
    let task = TaskRef::Zego {
        task_id: TASK_ID.to_owned(),
    };
    let rec = client.get(&task).await.unwrap();
    assert_eq!(rec.task, task);
    assert_eq!(rec.state, RecordingState::Completed);
    assert_eq!(rec.vendor_status.code, RawCode::Int(3));
    assert_eq!(rec.started_at, Some(UnixMillis(1_601_221_452_099)));
    assert_eq!(rec.ended_at, Some(UnixMillis(1_601_221_508_795)));
    assert_eq!(rec.files.len(), 1);
    assert_eq!(
        rec.files[0].name,
        "X3CgNeE4I1qAAABN_xxxx_my_out_VA_20200927154419775.mp4"
    );
    assert_eq!(rec.files[0].size_bytes, Some(432_643_544));
    assert_eq!(
        rec.files[0].extra.get("VideoId"),
        Some(&json!("820e50e52e0a490caf44eec8aec527a7"))
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        query_value(&requests[0], "Action").as_deref(),
        Some("DescribeRecordStatus")
    );
    assert_eq!(body_of(&requests[0]), json!({"TaskId": TASK_ID}));
}

#[tokio::test]
async fn get_reports_the_vendor_errors() {
    let server = MockServer::start().await;
    mount(
        &server,
        json_response(fixture("describe_record_status", "error_task_not_found")),
    )
    .await;
    let client = client(&server);
    let e = expect_err(
        client
            .get(&TaskRef::Zego {
                task_id: TASK_ID.to_owned(),
            })
            .await,
        "unknown task",
    );
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.vendor_code(), Some("300001000"));
}

#[tokio::test]
async fn get_refuses_other_vendors_and_bad_ids_without_a_request() {
    let server = MockServer::start().await;
    mount(
        &server,
        json_response(fixture("describe_record_status", "doc_example")),
    )
    .await;
    let client = client(&server);
    let others = [
        TaskRef::Agora {
            app_id: "a".into(),
            resource_id: "r".into(),
            sid: "s".into(),
            mode: "mix".into(),
            cname: None,
            uid: None,
        },
        TaskRef::Volcengine {
            app_id: "a".into(),
            room_id: "r".into(),
            task_id: TASK_ID.into(),
        },
        TaskRef::QingCloud {
            app_id: "a".into(),
            channel: "c".into(),
            record_id: None,
        },
    ];
    for task in &others {
        let e = expect_err(client.get(task).await, "another vendor's task");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{task:?}");
        assert_eq!(e.parameter(), Some("task"));
        assert_eq!(e.vendor(), Some(Vendor::Zego));
    }
    let e = expect_err(
        client
            .get(&TaskRef::Zego {
                task_id: "short".into(),
            })
            .await,
        "a 5-byte TaskId",
    );
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("TaskId"));
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

/// A DescribeTasks server: answers with the page named by the request's `PageOffset`
/// (absent = 1), or always with page 1 when `ignore_offset` is set.
struct Pages {
    pages: Vec<Value>,
    ignore_offset: bool,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let n = if self.ignore_offset {
            1
        } else {
            body["PageOffset"].as_u64().unwrap_or(1)
        };
        let page = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.pages.get(i));
        match page {
            Some(p) => ResponseTemplate::new(200).set_body_json(p),
            None => ResponseTemplate::new(200).set_body_json(page_body(n, 2, None, &[])),
        }
    }
}

fn task_id(page: u64, i: u64) -> String {
    format!("TASK{page:02}ITEM{i:06}")
}

/// A DescribeTasks success answer with the tasks `ids`.
fn page_body(page: u64, size: u64, total: Option<u64>, ids: &[String]) -> Value {
    let list: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({
                "RecordBeginTimestamp": NOW.0 - 60_000 * (i64::try_from(i).unwrap_or(0) + 1),
                "TaskId": id,
                "RoomId": "1230",
                "Status": 2
            })
        })
        .collect();
    let mut data = json!({"PageOffset": page, "PageSize": size, "TaskList": list});
    if let Some(t) = total {
        data["TotalCount"] = json!(t);
    }
    json!({"Code": 0, "Message": "succeed", "RequestId": format!("req-{page}"), "Data": data})
}

fn running_filter() -> ListFilter {
    ListFilter {
        room: Some("1230".into()),
        status: Some(ListStatus::Recording),
        window: Some(TimeWindow {
            start: NOW.saturating_sub(DurationMillis::HOUR),
            end: NOW,
        }),
        page_size: Some(2),
        ..ListFilter::default()
    }
}

#[tokio::test]
async fn list_walks_pages_lazily() {
    let server = MockServer::start().await;
    // 5 tasks, 2 per page: pages 1, 2 and 3 (one task); TotalCount says page 3 is the last.
    let pages = (1..=3)
        .map(|p| {
            let ids: Vec<String> = (0..if p == 3 { 1 } else { 2 })
                .map(|i| task_id(p, i))
                .collect();
            page_body(p, 2, Some(5), &ids)
        })
        .collect();
    mount(
        &server,
        Pages {
            pages,
            ignore_offset: false,
        },
    )
    .await;
    let client = client(&server);
    let mut stream = client.list(&running_filter());
    assert!(received(&server).await.is_empty(), "nothing before polling");

    let first: Vec<Recording> = stream.by_ref().take(3).map(|r| r.unwrap()).collect().await;
    assert_eq!(
        first.iter().map(|r| r.task.to_string()).collect::<Vec<_>>(),
        [task_id(1, 0), task_id(1, 1), task_id(2, 0)]
    );
    assert_eq!(received(&server).await.len(), 2, "3 items need 2 pages");

    let rest: Vec<Recording> = stream.map(|r| r.unwrap()).collect().await;
    assert_eq!(
        rest.iter().map(|r| r.task.to_string()).collect::<Vec<_>>(),
        [task_id(2, 1), task_id(3, 0)]
    );
    assert!(
        rest.iter()
            .all(|r| r.state == RecordingState::Recording && r.raw_as::<TaskSummary>().is_some())
    );
    let requests = received(&server).await;
    assert_eq!(
        requests.len(),
        3,
        "TotalCount ends the walk without a 4th request"
    );

    // The first request is the filter's, as given; the next ones add the page number.
    let window_start = NOW.saturating_sub(DurationMillis::HOUR).0;
    assert_eq!(
        body_of(&requests[0]),
        json!({"Status": 2, "RoomId": "1230", "PageSize": 2, "StartTime": window_start, "EndTime": NOW.0})
    );
    for (i, r) in requests.iter().enumerate().skip(1) {
        assert_eq!(
            body_of(r),
            json!({"Status": 2, "RoomId": "1230", "PageOffset": i + 1, "PageSize": 2, "StartTime": window_start, "EndTime": NOW.0})
        );
        assert_eq!(query_value(r, "Action").as_deref(), Some("DescribeTasks"));
    }
}

#[tokio::test]
async fn list_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    // No TotalCount: only the empty page 3 ends the walk.
    let pages = vec![
        page_body(1, 2, None, &[task_id(1, 0), task_id(1, 1)]),
        page_body(2, 2, None, &[task_id(2, 0), task_id(2, 1)]),
        page_body(3, 2, None, &[]),
        page_body(4, 2, None, &[task_id(4, 0)]),
    ];
    mount(
        &server,
        Pages {
            pages,
            ignore_offset: false,
        },
    )
    .await;
    let client = client(&server);
    let all: Vec<Recording> = client
        .list(&running_filter())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(all.len(), 4);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn list_stops_on_a_repeated_page() {
    let server = MockServer::start().await;
    // A server that ignores PageOffset and claims 100 tasks.
    mount(
        &server,
        Pages {
            pages: vec![page_body(1, 2, Some(100), &[task_id(1, 0), task_id(1, 1)])],
            ignore_offset: true,
        },
    )
    .await;
    let client = client(&server);
    let all: Vec<Recording> = client
        .list(&running_filter())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(all.len(), 2, "the repeated page is not yielded again");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn the_task_stream_reads_both_list_keys_and_ends_after_an_error() {
    let server = MockServer::start().await;
    // The doc example (key TaskidList; PageOffset 1, PageSize 50, TotalCount 3): one page
    // holds every task, so one request.
    mount(
        &server,
        json_response(fixture("describe_tasks", "doc_example")),
    )
    .await;
    let client = client(&server);
    let request = DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .start_time(NOW.saturating_sub(DurationMillis::HOUR))
        .end_time(NOW)
        .build_with_clock(&FixedClock::new(NOW))
        .unwrap();
    let tasks: Vec<TaskSummary> = client
        .describe_tasks_stream(request.clone())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].task_id.as_deref(), Some("YRHu6-E4IyvEAAAD"));
    assert_eq!(received(&server).await.len(), 1);

    // An error answer ends the stream with that error.
    server.reset().await;
    mount(
        &server,
        json_response(fixture("describe_tasks", "error_signature_wrong")),
    )
    .await;
    let items: Vec<Result<TaskSummary, Error>> =
        client.describe_tasks_stream(request).collect().await;
    assert_eq!(items.len(), 1);
    let e = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert_eq!(e.vendor_code(), Some("100000005"));
}

#[tokio::test]
async fn list_refuses_filters_zego_cannot_serve_without_a_request() {
    let server = MockServer::start().await;
    mount(
        &server,
        Pages {
            pages: vec![],
            ignore_offset: false,
        },
    )
    .await;
    let client = client(&server);
    let base = running_filter();
    let four_days = DurationMillis(4 * DurationMillis::DAY.0);
    let cases: Vec<(&str, ListFilter, &str, &str)> = vec![
        (
            "no status",
            ListFilter {
                status: None,
                ..base.clone()
            },
            "status",
            "Status",
        ),
        (
            "no window",
            ListFilter {
                window: None,
                ..base.clone()
            },
            "window",
            "StartTime",
        ),
        (
            "a window longer than 3 days",
            ListFilter {
                window: Some(TimeWindow {
                    start: NOW.saturating_sub(DurationMillis::HOUR),
                    end: NOW.saturating_add(four_days),
                }),
                ..base.clone()
            },
            "window",
            "EndTime",
        ),
        (
            "a window starting 4 days ago",
            ListFilter {
                window: Some(TimeWindow {
                    start: NOW.saturating_sub(four_days),
                    end: NOW,
                }),
                ..base.clone()
            },
            "window",
            "StartTime",
        ),
        (
            "an empty window",
            ListFilter {
                window: Some(TimeWindow {
                    start: NOW,
                    end: NOW,
                }),
                ..base.clone()
            },
            "window",
            "EndTime",
        ),
        (
            "a page of 51",
            ListFilter {
                page_size: Some(51),
                ..base.clone()
            },
            "page_size",
            "PageSize",
        ),
        (
            "a page of 0",
            ListFilter {
                page_size: Some(0),
                ..base.clone()
            },
            "page_size",
            "PageSize",
        ),
        (
            "an app_id",
            ListFilter {
                app_id: Some("12345".into()),
                ..base.clone()
            },
            "filter",
            "app_id",
        ),
    ];
    for (what, filter, field, mentioned) in cases {
        let items: Vec<Result<Recording, Error>> = client.list(&filter).collect().await;
        assert_eq!(items.len(), 1, "{what}: one error item");
        let e = expect_err(items.into_iter().next().unwrap(), what);
        // A filter ZEGO cannot apply is unsupported; a value out of range, invalid.
        let expected = if field == "filter" {
            ErrorKind::Unsupported
        } else {
            ErrorKind::InvalidRequest
        };
        assert_eq!(e.kind(), expected, "{what}");
        assert_eq!(e.parameter(), Some(field), "{what}");
        assert!(e.to_string().contains(mentioned), "{what}: {e}");
        assert_eq!(e.vendor(), Some(Vendor::Zego), "{what}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

/// A sleeper that does not sleep: it only moves its own clock.
#[derive(Debug, Default)]
struct InstantSleeper {
    elapsed_ms: Arc<AtomicU64>,
}

impl Sleeper for InstantSleeper {
    fn elapsed(&self) -> Duration {
        Duration::from_millis(self.elapsed_ms.load(Ordering::SeqCst))
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        self.elapsed_ms.fetch_add(ms, Ordering::SeqCst);
        Box::pin(async {})
    }
}

/// Answers with `bodies` in order, the last one forever.
struct InOrder {
    bodies: Vec<Vec<u8>>,
    n: AtomicUsize,
}

impl Respond for InOrder {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.n.fetch_add(1, Ordering::SeqCst);
        let body = self
            .bodies
            .get(n)
            .or(self.bodies.last())
            .cloned()
            .unwrap_or_default();
        json_response(body)
    }
}

#[tokio::test]
async fn the_waiter_sees_uploading_files_as_processing_until_completed() {
    let server = MockServer::start().await;
    let mut uploading: Value =
        serde_json::from_slice(&fixture("describe_record_status", "doc_example")).unwrap();
    uploading["Data"]["RecordFiles"][0]["Status"] = json!(2);
    mount(
        &server,
        InOrder {
            bodies: vec![
                fixture("describe_record_status", "running"),
                fixture("describe_record_status", "running"),
                serde_json::to_vec(&uploading).unwrap(),
                fixture("describe_record_status", "doc_example"),
            ],
            n: AtomicUsize::new(0),
        },
    )
    .await;
    let client = client(&server);
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(4),
        Duration::from_secs(600),
    )
    .with_sleeper(Arc::new(InstantSleeper::default()));
    let seen = Mutex::new(Vec::new());
    let task = TaskRef::Zego {
        task_id: TASK_ID.to_owned(),
    };
    let done = waiter
        .wait(&client, &task, |r| {
            seen.lock().unwrap().push(r.state);
        })
        .await
        .unwrap();
    assert_eq!(done.state, RecordingState::Completed);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            RecordingState::Recording,
            RecordingState::Processing,
            RecordingState::Completed
        ]
    );
    assert_eq!(received(&server).await.len(), 4);
}

// ---------------------------------------------------------------------------------------
// Dry runs
// ---------------------------------------------------------------------------------------

/// Checks that `prepared` is exactly what the server received.
fn assert_prepared_was_sent(prepared: &PreparedRequest, sent: &Request, server: &MockServer) {
    assert_eq!(prepared.method, sent.method.as_str());
    // wiremock rebuilds the URL with a placeholder host: compare the target and the Host.
    let url = ok(reqwest::Url::parse(&prepared.url), "prepared URL");
    assert_eq!(url.path(), sent.url.path());
    assert_eq!(url.query(), sent.url.query());
    let origin = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    assert!(
        server.uri().starts_with(&origin),
        "{} vs {}",
        prepared.url,
        server.uri()
    );
    let host = sent
        .headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(
        Some(host),
        server.uri().strip_prefix("http://"),
        "the Host the server saw"
    );
    assert!(!prepared.headers.is_empty());
    for (name, value) in &prepared.headers {
        assert_eq!(
            sent.headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok()),
            Some(value.as_str()),
            "header {name}"
        );
    }
    assert_eq!(
        prepared.body.as_deref().map(str::as_bytes),
        Some(sent.body.as_slice())
    );
    let text = ok(serde_json::to_string(prepared), "prepared as JSON");
    assert!(!text.contains(SECRET), "the ServerSecret leaked: {text}");
}

#[tokio::test]
async fn prepared_requests_are_what_the_client_sends() {
    let server = MockServer::start().await;
    let client = client(&server);

    let request = DescribeRecordStatusRequest::builder()
        .task_id(TASK_ID)
        .build()
        .unwrap();
    let prepared = client.prepare_describe_record_status(&request).unwrap();
    assert!(
        received(&server).await.is_empty(),
        "preparing sends nothing"
    );
    mount(
        &server,
        json_response(fixture("describe_record_status", "doc_example")),
    )
    .await;
    client.describe_record_status(&request).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_prepared_was_sent(&prepared, &sent[0], &server);
    // The official vector (AppId 12345, the documented nonce, secret and second).
    assert!(
        prepared.url.ends_with(
            "/?Action=DescribeRecordStatus&AppId=12345&SignatureNonce=4fd24687296dd9f3\
             &Timestamp=1615186943&Signature=43e5cfcca828314675f91b001390566a&SignatureVersion=2.0"
        ),
        "{}",
        prepared.url
    );
    assert_eq!(prepared.method, "POST");
    assert_eq!(
        prepared.headers,
        [("content-type".to_owned(), "application/json".to_owned())]
    );
    assert_eq!(
        prepared.body.as_deref(),
        Some(r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#)
    );

    server.reset().await;
    let request = DescribeTasksRequest::builder()
        .status(TaskStatus::Ended)
        .room_id("1230")
        .page_offset(2)
        .page_size(20)
        .start_time(NOW.saturating_sub(DurationMillis::HOUR))
        .end_time(NOW)
        .build_with_clock(&FixedClock::new(NOW))
        .unwrap();
    let prepared = client.prepare_describe_tasks(&request).unwrap();
    mount(
        &server,
        json_response(fixture("describe_tasks", "ended_tasks")),
    )
    .await;
    client.describe_tasks(&request).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_prepared_was_sent(&prepared, &sent[0], &server);
    assert!(
        prepared.url.contains("Action=DescribeTasks&"),
        "{}",
        prepared.url
    );
    assert_eq!(
        prepared.body.as_deref(),
        Some(
            r#"{"Status":3,"RoomId":"1230","PageOffset":2,"PageSize":20,"StartTime":1615183343000,"EndTime":1615186943000}"#
        )
    );
}

#[tokio::test]
async fn preparing_signs_like_a_real_attempt() {
    let server = MockServer::start().await;
    // An empty nonce cannot be signed: the dry run fails as the call would.
    let client = Client::builder(creds())
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(NOW)))
        .nonce_source(String::new)
        .build()
        .unwrap();
    let request = DescribeRecordStatusRequest::builder()
        .task_id(TASK_ID)
        .build()
        .unwrap();
    let e = client.prepare_describe_record_status(&request).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("SignatureNonce"));
}
