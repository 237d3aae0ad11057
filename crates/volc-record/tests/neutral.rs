//! The vendor-neutral view of Volcengine answers: every fixture converted and checked against
//! its JSON (plus a reviewed snapshot), the state table and its refinement, and
//! `RecordingQuery` / `prepare_get_record_task` through the real client against wiremock.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt as _;
use record_core::client::PreparedRequest;
use record_core::testing::advance_in_steps;
use record_core::{
    Capabilities, DurationMillis, ErrorKind, FixedClock, ListFilter, ListStatus, RawCode,
    Recording, RecordingQuery, RecordingState, TaskRef, ToRecording as _, UnixMillis, Vendor,
    VendorStatus, Waiter,
};
use serde_json::{Value, json};
use volc_record::{
    Client, ClientBuilder, Credentials, GetRecordTaskResponse, QUERY_HORIZON, StopReason,
    TaskStatus,
};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The credentials of the official signature example (volcengine.com/docs/6369/67270).
const DOC_AK: &str = "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg";
const DOC_SK: &str = "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==";
/// 2024-06-19T07:13:06Z.
const DOC_TIME_MS: i64 = 1_718_781_186_000;
/// A session token for STS tests.
const TOKEN: &str = "STS-neutral-TOKEN-value-0123456789";

// ---------------------------------------------------------------------------------------
// The expected mapping, written out from the task description and the vendor page
// (vendor-docs/003 §返回参数), independently of the generated code.
// ---------------------------------------------------------------------------------------

/// `Status` → (neutral state before refinement, documented meaning): 1 starting,
/// 2 recording, 3 completed, 4 and 0 failed.
const STATUS_TABLE: &[(i64, RecordingState, &str)] = &[
    (0, RecordingState::Failed, "unknown abnormal state"),
    (1, RecordingState::Starting, "not started"),
    (2, RecordingState::Recording, "running"),
    (3, RecordingState::Completed, "ended"),
    (4, RecordingState::Failed, "task failed while running"),
];

/// `StopReason` → the neutral stop reason (`""` means "not ended": no stop reason).
const STOP_REASONS: &[(&str, Option<&str>)] = &[
    ("", None),
    ("UnknownStopReason", Some("unknown stop reason")),
    (
        "StopByAPI",
        Some("stopped by the application through the API"),
    ),
    ("StartTaskFailed", Some("the task failed to start")),
    ("IdleTimeOut", Some("the maximum idle time was exceeded")),
];

/// The file fields mapped to neutral fields; every other field goes to `extra`.
const MAPPED_FILE_FIELDS: &[&str] = &["ObjectKey", "Size", "Duration", "StartTime"];

/// The state the task description gives for a raw status and stop reason: the table, with
/// status 3 failed when the stop reason is `StartTaskFailed`; unknown otherwise.
/// The Volcengine task reference of `app_id`/`room_id`/`task_id`.
fn task_of(app_id: &str, room_id: &str, task_id: &str) -> TaskRef {
    TaskRef::Volcengine {
        app_id: app_id.to_owned(),
        room_id: room_id.to_owned(),
        task_id: task_id.to_owned(),
    }
}

fn expected_state(status: Option<i64>, stop_reason: Option<&str>) -> RecordingState {
    let Some(status) = status else {
        return RecordingState::Unknown;
    };
    if status == 3 && stop_reason == Some("StartTaskFailed") {
        return RecordingState::Failed;
    }
    STATUS_TABLE
        .iter()
        .find(|(raw, _, _)| *raw == status)
        .map_or(RecordingState::Unknown, |(_, state, _)| *state)
}

/// The vendor status for a raw status.
fn expected_vendor_status(status: Option<i64>) -> VendorStatus {
    match status {
        None => VendorStatus {
            code: RawCode::Text(String::new()),
            meaning: record_core::VendorStatus::ABSENT_MEANING.to_owned(),
        },
        Some(raw) => VendorStatus {
            code: RawCode::Int(raw),
            meaning: STATUS_TABLE
                .iter()
                .find(|(r, _, _)| *r == raw)
                .map_or("undocumented value", |(_, _, m)| *m)
                .to_owned(),
        },
    }
}

/// The neutral stop reason for a raw one: the raw text as the code, with the documented
/// meaning ("undocumented value" for an unknown one); none for `""` (not ended).
fn expected_stop_reason(raw: Option<&str>) -> Option<VendorStatus> {
    let raw = raw?;
    let meaning = match STOP_REASONS.iter().find(|(r, _)| *r == raw) {
        Some((_, meaning)) => (*meaning)?,
        None => "undocumented value",
    };
    Some(VendorStatus {
        code: RawCode::Text(raw.to_owned()),
        meaning: meaning.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/volc/get_record_task")
}

fn read(path: &Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn fixture(name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    read(&fixtures_dir().join(name))
}

/// `cases.toml` as a table.
fn cases() -> Result<toml::Table, Box<dyn std::error::Error>> {
    let text = String::from_utf8(read(&fixtures_dir().join("cases.toml"))?)?;
    Ok(toml::from_str(&text)?)
}

/// Every `*.json` fixture of the folder, sorted, as `(case name, path)`.
fn fixture_files() -> Result<Vec<(String, PathBuf)>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir())? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or("a fixture name that is not UTF-8")?
                .to_owned();
            out.push((stem, path));
        }
    }
    out.sort();
    Ok(out)
}

/// The ids every test queries.
fn task_ref() -> TaskRef {
    TaskRef::Volcengine {
        app_id: "661e****543cf".into(),
        room_id: "Room1".into(),
        task_id: "Task1".into(),
    }
}

/// A status as an integer, also from a numeric string.
fn int_of(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// A success answer around `task` (a JSON object of `RecordTask` fields).
fn answer(task: Value) -> Result<GetRecordTaskResponse, serde_json::Error> {
    serde_json::from_value(json!({
        "Result": { "RecordTask": task },
        "ResponseMetadata": {
            "RequestId": "req-1", "Action": "GetRecordTask", "Version": "2023-11-01",
            "Service": "rtc", "Region": "cn-north-1"
        }
    }))
}

/// The neutral view of an answer around `task`.
fn convert(task: Value) -> Result<Recording, Box<dyn std::error::Error>> {
    Ok(answer(task)?.to_recording(&task_of("app", "room", "task"))?)
}

fn builder_for(
    server: &MockServer,
    credentials: Credentials,
) -> Result<ClientBuilder, record_core::Error> {
    Ok(Client::builder(credentials)
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(UnixMillis(DOC_TIME_MS)))))
}

fn doc_client(server: &MockServer) -> Result<Client, record_core::Error> {
    builder_for(server, Credentials::new(DOC_AK, DOC_SK)?)?
        .disable_retries()
        .build()
}

fn json_response(status: u16, body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

async fn serve(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Every fixture
// ---------------------------------------------------------------------------------------

#[test]
fn every_fixture_converts_as_its_json_says() -> TestResult {
    let cases = cases()?;
    let (mut converted, mut refused) = (0, 0);
    for (name, path) in fixture_files()? {
        let case = cases
            .get(&name)
            .ok_or(format!("{name}: no cases.toml entry"))?;
        let kind = case
            .get("kind")
            .and_then(toml::Value::as_str)
            .ok_or(format!("{name}: no kind"))?;
        let body = read(&path)?;
        let response: GetRecordTaskResponse = serde_json::from_slice(&body)?;
        // The fixture as the vendor wrote it, and its documented normalisation if any.
        let original: Value = serde_json::from_slice(&body)?;
        let roundtrip = fixtures_dir()
            .join("roundtrip")
            .join(format!("{name}.json"));
        let json: Value = if roundtrip.is_file() {
            serde_json::from_slice(&read(&roundtrip)?)?
        } else {
            original.clone()
        };

        let vendor_error = original.pointer("/ResponseMetadata/Error");
        if kind == "error" || vendor_error.is_some() {
            // An error envelope is the vendor's error, not a recording.
            let Err(err) = response.to_recording(&task_of("a", "r", "t")) else {
                panic!("{name}: an error envelope converted");
            };
            let code = vendor_error
                .and_then(|e| e.get("Code"))
                .and_then(Value::as_str);
            assert!(code.is_some(), "{name}: error fixture without Code");
            assert_eq!(err.vendor_code(), code, "{name}");
            assert_eq!(
                err.request_id(),
                original
                    .pointer("/ResponseMetadata/RequestId")
                    .and_then(Value::as_str),
                "{name}"
            );
            refused += 1;
            continue;
        }

        let recording = response.to_recording(&task_of("661e****543cf", "Room1", "Task1"))?;
        let task_json = json
            .pointer("/Result/RecordTask")
            .ok_or(format!("{name}: no RecordTask"))?;
        let status = task_json.get("Status").and_then(int_of);
        // The original spelling (a numeric string in one fixture) means the same status.
        assert_eq!(
            original
                .pointer("/Result/RecordTask/Status")
                .and_then(int_of),
            status,
            "{name}"
        );
        let stop = task_json.get("StopReason").and_then(Value::as_str);
        let millis = |v: Option<&Value>| v.and_then(Value::as_i64);

        assert_eq!(recording.vendor, Vendor::Volcengine, "{name}");
        assert_eq!(recording.task, task_ref(), "{name}");
        let state = expected_state(status, stop);
        assert_eq!(recording.state, state, "{name}: state");
        let typed_task = response.record_task().ok_or("no task")?;
        assert_eq!(recording.state, typed_task.recording_state(), "{name}");
        assert_eq!(
            recording.vendor_status,
            expected_vendor_status(status),
            "{name}: vendor status"
        );
        assert_eq!(
            recording.started_at,
            millis(task_json.get("StartTime"))
                .filter(|t| *t != 0)
                .map(UnixMillis),
            "{name}: start"
        );
        let running = matches!(state, RecordingState::Starting | RecordingState::Recording);
        assert_eq!(
            recording.ended_at,
            millis(task_json.get("EndTime"))
                .filter(|t| *t != 0 && !running)
                .map(UnixMillis),
            "{name}: end"
        );
        assert_eq!(
            recording.stop_reason,
            expected_stop_reason(stop),
            "{name}: stop reason"
        );

        let files_json: &[Value] = task_json
            .get("RecordFileList")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        assert_eq!(recording.files.len(), files_json.len(), "{name}: files");
        for (i, (file, fj)) in recording.files.iter().zip(files_json).enumerate() {
            let what = format!("{name}: file {i}");
            let key = fj.get("ObjectKey").and_then(Value::as_str);
            let vid = fj.get("Vid").and_then(Value::as_str);
            assert_eq!(Some(file.name.as_str()), key.or(vid), "{what}: name");
            assert_eq!(
                file.size_bytes,
                fj.get("Size").and_then(Value::as_u64),
                "{what}: size"
            );
            assert_eq!(
                file.duration,
                millis(fj.get("Duration")).map(DurationMillis),
                "{what}: duration"
            );
            assert_eq!(
                file.started_at,
                millis(fj.get("StartTime")).map(UnixMillis),
                "{what}: start"
            );
            let format = key
                .and_then(|k| Path::new(k).extension())
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            assert_eq!(file.format, format, "{what}: format");
            assert_eq!(file.url, None, "{what}: Volcengine gives no URL");
            assert_eq!(file.state, None, "{what}: Volcengine has no file status");
            assert_eq!(file.warning, None, "{what}");
            // Every other field of the file, by its vendor name, and nothing else.
            let object = fj.as_object().ok_or(format!("{what}: not an object"))?;
            let unmapped: Vec<(&String, &Value)> = object
                .iter()
                .filter(|(k, _)| !MAPPED_FILE_FIELDS.contains(&k.as_str()))
                .collect();
            for (k, v) in &unmapped {
                assert_eq!(file.extra.get(*k), Some(*v), "{what}: extra {k}");
            }
            assert_eq!(file.extra.len(), unmapped.len(), "{what}: {:?}", file.extra);
        }

        // Nothing is lost: the whole typed answer is attached.
        assert_eq!(
            recording.raw_as::<GetRecordTaskResponse>(),
            Some(&response),
            "{name}"
        );
        assert_eq!(recording.raw.to_json(), json, "{name}: raw");

        insta::assert_json_snapshot!(name.as_str(), serde_json::to_value(&recording)?);
        converted += 1;
    }
    assert_eq!((converted, refused), (9, 5));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The state table and its refinement
// ---------------------------------------------------------------------------------------

#[test]
fn every_documented_status_maps_to_its_documented_state() -> TestResult {
    assert_eq!(TaskStatus::KNOWN.len(), STATUS_TABLE.len());
    for status in TaskStatus::KNOWN {
        let raw = status.raw();
        let (_, state, meaning) = STATUS_TABLE
            .iter()
            .find(|(r, _, _)| *r == raw)
            .ok_or(format!("status {raw} is not in the expected table"))?;
        assert_eq!(status.base_state(), *state, "base_state of {raw}");
        let recording = convert(json!({ "Status": raw, "StopReason": "StopByAPI" }))?;
        assert_eq!(recording.state, *state, "status {raw}");
        assert_eq!(
            recording.vendor_status,
            VendorStatus {
                code: RawCode::Int(raw),
                meaning: (*meaning).to_owned()
            },
            "status {raw}"
        );
        assert_eq!(recording.vendor_status.meaning, status.to_string());
    }
    Ok(())
}

#[test]
fn start_task_failed_makes_an_ended_task_failed_and_nothing_else() -> TestResult {
    let mut reasons: Vec<String> = StopReason::KNOWN
        .iter()
        .map(|r| r.raw().to_owned())
        .collect();
    reasons.push("StopByRoomDismissed".to_owned());
    let mut statuses: Vec<i64> = TaskStatus::KNOWN.iter().map(TaskStatus::raw).collect();
    statuses.push(7);
    for status in &statuses {
        for reason in &reasons {
            let want = expected_state(Some(*status), Some(reason));
            let response = answer(json!({ "Status": status, "StopReason": reason }))?;
            let recording = response.to_recording(&task_of("a", "r", "t"))?;
            assert_eq!(recording.state, want, "status {status}, {reason:?}");
            let task = response.record_task().ok_or("no task")?;
            assert_eq!(task.recording_state(), want, "status {status}, {reason:?}");
        }
    }
    // The rule itself, spelled out.
    let failed = convert(json!({ "Status": 3, "StopReason": "StartTaskFailed" }))?;
    assert_eq!(failed.state, RecordingState::Failed);
    assert_eq!(failed.vendor_status.code, RawCode::Int(3));
    assert_eq!(failed.vendor_status.meaning, "ended");
    assert_eq!(
        failed.stop_reason,
        Some(VendorStatus {
            code: RawCode::Text("StartTaskFailed".to_owned()),
            meaning: "the task failed to start".to_owned(),
        })
    );
    let completed = convert(json!({ "Status": 3, "StopReason": "IdleTimeOut" }))?;
    assert_eq!(completed.state, RecordingState::Completed);
    Ok(())
}

#[test]
fn undocumented_and_absent_statuses_are_unknown_and_keep_the_code() -> TestResult {
    for raw in [5_i64, 7, -1, 1000, i64::MAX] {
        let recording = convert(json!({ "Status": raw, "StopReason": "StopByAPI" }))?;
        assert_eq!(recording.state, RecordingState::Unknown, "{raw}");
        assert_eq!(
            recording.vendor_status,
            VendorStatus {
                code: RawCode::Int(raw),
                meaning: "undocumented value".to_owned()
            }
        );
    }
    // A numeric string is the same status.
    let recording = convert(json!({ "Status": "7" }))?;
    assert_eq!(recording.vendor_status.code, RawCode::Int(7));
    // Without Status: unknown, with an empty code.
    let recording = convert(json!({ "StartTime": DOC_TIME_MS }))?;
    assert_eq!(recording.state, RecordingState::Unknown);
    assert_eq!(recording.vendor_status, expected_vendor_status(None));
    assert_eq!(recording.started_at, Some(UnixMillis(DOC_TIME_MS)));
    Ok(())
}

#[test]
fn stop_reasons_are_the_raw_value_with_its_documented_meaning() -> TestResult {
    assert_eq!(StopReason::KNOWN.len(), STOP_REASONS.len());
    for reason in StopReason::KNOWN {
        let (raw, meaning) = STOP_REASONS
            .iter()
            .find(|(r, _)| *r == reason.raw())
            .ok_or(format!("{reason:?} is not in the expected table"))?;
        let recording = convert(json!({ "Status": 3, "StopReason": reason.raw() }))?;
        let want = meaning.map(|meaning| VendorStatus {
            code: RawCode::Text((*raw).to_owned()),
            meaning: meaning.to_owned(),
        });
        assert_eq!(recording.stop_reason, want, "{reason:?}");
    }
    // An undocumented reason keeps its raw value as the code.
    let recording = convert(json!({ "Status": 3, "StopReason": "StopByRoomDismissed" }))?;
    assert_eq!(
        recording.stop_reason,
        Some(VendorStatus {
            code: RawCode::Text("StopByRoomDismissed".to_owned()),
            meaning: "undocumented value".to_owned(),
        })
    );
    // The JSON shape is `{code, meaning}`, `null` while running.
    let json = serde_json::to_value(&recording)?;
    assert_eq!(
        json["stop_reason"],
        json!({"code": "StopByRoomDismissed", "meaning": "undocumented value"})
    );
    let running = convert(json!({ "Status": 2, "StopReason": "" }))?;
    assert_eq!(running.stop_reason, None);
    assert_eq!(serde_json::to_value(&running)?["stop_reason"], Value::Null);
    let recording = convert(json!({ "Status": 3 }))?;
    assert_eq!(recording.stop_reason, None);
    Ok(())
}

#[test]
fn times_are_milliseconds_and_the_end_is_none_until_the_task_ends() -> TestResult {
    // (Status, StartTime, EndTime, expected started_at, expected ended_at)
    let cases = [
        (2, json!(1000), json!(0), Some(1000), None),
        (2, json!(1000), json!(5000), Some(1000), None),
        (1, json!(0), json!(5000), None, None),
        (3, json!(1000), json!(5000), Some(1000), Some(5000)),
        (3, json!(1000), json!(0), Some(1000), None),
        (4, json!(1000), json!(5000), Some(1000), Some(5000)),
        (0, json!(1000), json!(5000), Some(1000), Some(5000)),
        (7, json!(1000), json!(5000), Some(1000), Some(5000)),
        (3, Value::Null, Value::Null, None, None),
    ];
    for (status, start, end, want_start, want_end) in cases {
        let mut task = json!({ "Status": status });
        if !start.is_null() {
            task["StartTime"] = start.clone();
        }
        if !end.is_null() {
            task["EndTime"] = end.clone();
        }
        let recording = convert(task)?;
        let what = format!("status {status}, start {start}, end {end}");
        assert_eq!(recording.started_at, want_start.map(UnixMillis), "{what}");
        assert_eq!(recording.ended_at, want_end.map(UnixMillis), "{what}");
    }
    Ok(())
}

#[test]
fn a_file_without_key_or_vid_keeps_what_it_has() -> TestResult {
    let recording = convert(json!({
        "Status": 3,
        "RecordFileList": [
            { "Size": 10, "VideoWidth": 0 },
            { "Vid": "v1", "ObjectKey": "dir.v2/Task1" }
        ]
    }))?;
    let [bare, both] = recording.files.as_slice() else {
        panic!("two files expected: {:?}", recording.files);
    };
    assert_eq!(bare.name, "");
    assert_eq!(bare.size_bytes, Some(10));
    assert_eq!(bare.format, None);
    assert_eq!(bare.extra.get("VideoWidth"), Some(&json!(0)));
    assert_eq!(both.name, "dir.v2/Task1", "the object key wins");
    assert_eq!(both.format, None, "no extension in the file name");
    assert_eq!(both.extra.get("Vid"), Some(&json!("v1")));
    Ok(())
}

#[test]
fn errors_and_answers_without_a_task_are_not_recordings() -> TestResult {
    let metadata = json!({
        "RequestId": "req-9", "Action": "GetRecordTask", "Version": "2023-11-01",
        "Service": "rtc", "Region": "cn-north-1"
    });
    for body in [
        json!({ "ResponseMetadata": metadata }),
        json!({ "ResponseMetadata": metadata, "Result": {} }),
    ] {
        let response: GetRecordTaskResponse = serde_json::from_value(body.clone())?;
        let Err(err) = response.to_recording(&task_of("a", "r", "t")) else {
            panic!("{body}: converted");
        };
        assert_eq!(err.kind(), ErrorKind::Decode, "{body}: {err}");
        assert_eq!(err.request_id(), Some("req-9"));
        assert_eq!(err.vendor(), Some(Vendor::Volcengine));
    }
    // An error envelope, even with a task in it, is the error.
    let mut body = json!({
        "ResponseMetadata": metadata,
        "Result": { "RecordTask": { "Status": 2 } }
    });
    body["ResponseMetadata"]["Error"] = json!({
        "Code": "InvalidParameter.ErrorActiveTaskNotFound", "Message": "gone"
    });
    let response: GetRecordTaskResponse = serde_json::from_value(body)?;
    let Err(err) = response.to_recording(&task_of("a", "r", "t")) else {
        panic!("an error envelope converted");
    };
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.vendor_code(),
        Some("InvalidParameter.ErrorActiveTaskNotFound")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// RecordingQuery through the real client
// ---------------------------------------------------------------------------------------

#[test]
fn capabilities_are_the_documented_limits() -> TestResult {
    let client = Client::builder(Credentials::new(DOC_AK, DOC_SK)?).build()?;
    let query: &dyn RecordingQuery = &client;
    assert_eq!(query.vendor(), Vendor::Volcengine);
    assert_eq!(
        query.capabilities(),
        Capabilities {
            get: true,
            list: false,
            list_by_room: false,
            list_requires_room: false,
            list_requires_status: false,
            list_max_window: None,
            list_max_page_size: None,
            query_horizon: Some(Duration::from_secs(72 * 3600)),
            rate_limit_per_sec: Some(60),
            not_found_means_gone: false,
            control: record_core::ControlCapabilities::NONE,
        }
    );
    assert_eq!(QUERY_HORIZON, Duration::from_secs(259_200));
    Ok(())
}

#[tokio::test]
async fn get_fetches_the_task_and_converts_it() -> TestResult {
    let server = MockServer::start().await;
    let body = fixture("doc_example.json")?;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(query_param("Action", "GetRecordTask"))
        .and(query_param("AppId", "661e****543cf"))
        .and(query_param("RoomId", "Room1"))
        .and(query_param("TaskId", "Task1"))
        .respond_with(json_response(200, body.clone()))
        .mount(&server)
        .await;
    let client = doc_client(&server)?;
    let query: &dyn RecordingQuery = &client;
    let recording = query.get(&task_ref()).await?;
    assert_eq!(received(&server).await.len(), 1);

    let response: GetRecordTaskResponse = serde_json::from_slice(&body)?;
    let expected = response.to_recording(&task_of("661e****543cf", "Room1", "Task1"))?;
    assert_eq!(
        serde_json::to_value(&recording)?,
        serde_json::to_value(&expected)?
    );
    assert_eq!(recording.task, task_ref());
    assert_eq!(recording.state, RecordingState::Completed);
    assert_eq!(recording.vendor_status.code, RawCode::Int(3));
    assert_eq!(recording.started_at, Some(UnixMillis(1_624_873_773_000)));
    assert_eq!(recording.ended_at, Some(UnixMillis(1_624_874_235_000)));
    assert_eq!(recording.files.len(), 1);
    assert_eq!(recording.files[0].name, "v02b69g10000***eldb8vjafvmg");
    assert_eq!(recording.files[0].size_bytes, Some(30_388_433));
    assert_eq!(recording.raw_as::<GetRecordTaskResponse>(), Some(&response));
    Ok(())
}

#[tokio::test]
async fn get_passes_the_vendor_error_through() -> TestResult {
    let server = MockServer::start().await;
    serve(
        &server,
        json_response(200, fixture("error_active_task_not_found.json")?),
    )
    .await;
    let client = doc_client(&server)?;
    let Err(err) = client.get(&task_ref()).await else {
        panic!("succeeded");
    };
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(
        err.vendor_code(),
        Some("InvalidParameter.ErrorActiveTaskNotFound")
    );
    assert_eq!(err.http_status(), Some(200));
    Ok(())
}

#[tokio::test]
async fn get_refuses_other_vendors_and_bad_ids_without_a_request() -> TestResult {
    let server = MockServer::start().await;
    serve(&server, json_response(200, fixture("doc_example.json")?)).await;
    let client = doc_client(&server)?;
    let others = [
        TaskRef::Zego {
            task_id: "Task1".into(),
        },
        TaskRef::QingCloud {
            app_id: "a".into(),
            channel: "c".into(),
            record_id: None,
        },
        TaskRef::Agora {
            app_id: "a".into(),
            resource_id: "r".into(),
            sid: "s".into(),
            mode: "mix".into(),
            cname: None,
            uid: None,
        },
    ];
    for task in &others {
        let Err(err) = client.get(task).await else {
            panic!("{task:?}: succeeded");
        };
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{task:?}");
        assert_eq!(err.parameter(), Some("task"), "{task:?}");
        assert_eq!(err.vendor(), Some(Vendor::Volcengine), "{task:?}");
        assert!(!err.is_retryable());
    }
    let empty_room = TaskRef::Volcengine {
        app_id: "a".into(),
        room_id: String::new(),
        task_id: "t".into(),
    };
    let Err(err) = client.get(&empty_room).await else {
        panic!("an empty RoomId was sent");
    };
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.parameter(), Some("RoomId"));
    assert!(received(&server).await.is_empty(), "nothing may be sent");
    Ok(())
}

#[tokio::test]
async fn list_is_one_unsupported_error_without_a_request() -> TestResult {
    let server = MockServer::start().await;
    serve(&server, json_response(200, fixture("doc_example.json")?)).await;
    let client = doc_client(&server)?;
    for filter in [
        ListFilter::default(),
        ListFilter {
            app_id: Some("661e****543cf".into()),
            room: Some("Room1".into()),
            status: Some(ListStatus::Ended),
            ..ListFilter::default()
        },
    ] {
        let items: Vec<_> = client.list(&filter).collect().await;
        assert_eq!(items.len(), 1, "{filter:?}");
        let Some(Err(err)) = items.into_iter().next() else {
            panic!("{filter:?}: not an error");
        };
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        assert_eq!(err.vendor(), Some(Vendor::Volcengine));
        assert!(err.message().contains("listing"), "{err}");
    }
    assert!(received(&server).await.is_empty());
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn the_waiter_follows_a_task_until_it_ends() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(json_response(200, fixture("running.json")?))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    serve(
        &server,
        json_response(200, fixture("start_task_failed.json")?),
    )
    .await;
    let hour = Duration::from_secs(3600);
    let client = builder_for(&server, Credentials::new(DOC_AK, DOC_SK)?)?
        .attempt_timeout(hour)
        .total_timeout(hour)
        .build()?;
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(4),
        Duration::from_secs(600),
    );
    let seen = Mutex::new(Vec::new());
    // With paused time, tokio jumps straight to the next timer whenever the runtime is
    // idle, also while a real socket is still on its way: time moves in 1 ms steps instead.
    let last = advance_in_steps(
        Duration::from_millis(1),
        waiter.wait(&client, &task_ref(), |r| {
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(r.state);
        }),
    )
    .await;
    let last = last?;
    assert_eq!(last.state, RecordingState::Failed, "StartTaskFailed");
    assert_eq!(
        seen.into_inner().unwrap_or_else(PoisonError::into_inner),
        [RecordingState::Recording, RecordingState::Failed]
    );
    assert_eq!(received(&server).await.len(), 4);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// prepare_get_record_task
// ---------------------------------------------------------------------------------------

/// Headers the HTTP client adds when sending, which a prepared request does not list.
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "user-agent",
    "accept-encoding",
    "content-length",
    "connection",
];

#[tokio::test]
async fn the_prepared_request_is_what_the_server_receives_without_secrets() -> TestResult {
    for sts in [false, true] {
        let server = MockServer::start().await;
        serve(&server, json_response(200, fixture("doc_example.json")?)).await;
        let mut credentials = Credentials::new(DOC_AK, DOC_SK)?;
        if sts {
            credentials = credentials.with_session_token(TOKEN)?;
        }
        let client = builder_for(&server, credentials)?.build()?;
        let request = volc_record::GetRecordTaskRequest::builder()
            .app_id("661e****543cf")
            .room_id("房间 1")
            .task_id("task/1+2~x")
            .build()?;
        let prepared = client.prepare_get_record_task(&request)?;
        client.get_record_task(&request).await?;
        let requests = received(&server).await;
        let [sent] = requests.as_slice() else {
            panic!("sts {sts}: {} requests", requests.len());
        };
        let what = format!("sts {sts}");

        assert_eq!(prepared.method, sent.method.as_str(), "{what}");
        // The server, then the request line (path and query) byte for byte; wiremock
        // rebuilds the URL it reports on `http://localhost`, so the authority is compared
        // with the `Host` header below.
        let url = reqwest::Url::parse(&prepared.url)?;
        assert_eq!(
            url.as_str(),
            format!("{}/?{}", server.uri(), url.query().unwrap_or_default()),
            "{what}"
        );
        assert_eq!(url.path(), sent.url.path(), "{what}");
        assert_eq!(url.query(), sent.url.query(), "{what}");
        assert_eq!(prepared.body, None, "{what}");
        assert!(sent.body.is_empty(), "{what}");
        let authority = format!(
            "{}:{}",
            url.host_str().ok_or("no host")?,
            url.port().ok_or("no port")?
        );
        assert_eq!(
            sent.headers.get("host").and_then(|v| v.to_str().ok()),
            Some(authority.as_str()),
            "{what}"
        );
        // Every prepared header was sent with that value (the token: redacted here, the
        // real one on the wire) ...
        for (name, value) in &prepared.headers {
            let on_wire = sent.headers.get(name.as_str()).map(|v| v.to_str());
            let on_wire = on_wire.transpose()?;
            if name == "x-security-token" {
                assert_eq!(value, PreparedRequest::REDACTED, "{what}");
                assert_eq!(on_wire, Some(TOKEN), "{what}");
            } else {
                assert_eq!(on_wire, Some(value.as_str()), "{what}: {name}");
            }
        }
        // ... and every header sent is prepared, but for the transport's own.
        let mut sent_names: Vec<&str> = sent
            .headers
            .keys()
            .map(|n| n.as_str())
            .filter(|n| !TRANSPORT_HEADERS.contains(n))
            .collect();
        let mut prepared_names: Vec<&str> =
            prepared.headers.iter().map(|(n, _)| n.as_str()).collect();
        sent_names.sort_unstable();
        prepared_names.sort_unstable();
        assert_eq!(sent_names, prepared_names, "{what}");
        let mut want = vec!["accept", "authorization", "x-content-sha256", "x-date"];
        if sts {
            want.push("x-security-token");
        }
        assert_eq!(prepared_names, want, "{what}");

        // No secret anywhere in what a dry run shows.
        let shown = format!("{prepared:?} {}", serde_json::to_string(&prepared)?);
        assert!(!shown.contains(DOC_SK), "{what}: secret shown");
        assert!(!shown.contains(TOKEN), "{what}: token shown");
        assert!(
            shown.contains(DOC_AK),
            "{what}: the access key id is public"
        );
    }
    Ok(())
}
