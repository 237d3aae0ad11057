//! The vendor-neutral view: every success fixture converted to a `record_core::Recording`
//! (checked against the fixture JSON read independently, plus a reviewed snapshot), the
//! status table and its refinement, `RecordingQuery` through the real client against a
//! local wiremock server (127.0.0.1 only), the waiter in paused time, and `prepare_query`.

use agora_record::{
    CAPABILITIES, Client, Credentials, QueryRequest, QueryResponse, RecordingMode, ServerStatus,
    endpoints,
};
use futures::StreamExt as _;
use record_core::client::PreparedRequest;
use record_core::{
    Capabilities, ErrorKind, FixedClock, ListFilter, ListStatus, RawCode, Recording,
    RecordingQuery, RecordingState, TaskRef, ToRecording as _, UnixMillis, Vendor, Waiter,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn StdError>>;

const APPID: &str = "970CA35de60c44645bbae8a215061b33";
/// Ids the caller asks with; distinct from the fixtures' own, so that the fallback shows.
const ASKED_RESOURCE: &str = "asked-resource-id";
const ASKED_SID: &str = "asked-sid";
const CUSTOMER_ID: &str = "test-customer-id";
const CUSTOMER_SECRET: &str = "test-customer-secret";
/// vendor-facts §4.2 [D]: `Basic base64("test-customer-id:test-customer-secret")`.
const CUSTOMER_HEADER: &str = "Basic dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA==";
const CUSTOMER_BASE64: &str = "dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA==";

/// The state of each documented `serverResponse.status`, written out from the task text
/// (0–4 starting, 5 recording, 6 and 7 stopping, 8 completed, 20 failed) with the meaning
/// the spec documents.
const EXPECTED_STATUS: [(i64, RecordingState, &str); 10] = [
    (0, RecordingState::Starting, "cloud service not started"),
    (
        1,
        RecordingState::Starting,
        "cloud service initialization complete",
    ),
    (
        2,
        RecordingState::Starting,
        "cloud service components starting",
    ),
    (
        3,
        RecordingState::Starting,
        "some cloud service components ready",
    ),
    (
        4,
        RecordingState::Starting,
        "all cloud service components ready",
    ),
    (5, RecordingState::Recording, "cloud service in progress"),
    (
        6,
        RecordingState::Stopping,
        "cloud service received the stop request",
    ),
    (
        7,
        RecordingState::Stopping,
        "all cloud service components stopped",
    ),
    (8, RecordingState::Completed, "cloud service exited"),
    (
        20,
        RecordingState::Failed,
        "cloud service exited abnormally",
    ),
];

// ---------------------------------------------------------------------------------------
// Helpers

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/agora")
}

/// The cases of `fixtures/agora/<folder>/cases.toml`, by name.
fn cases(folder: &Path) -> Result<BTreeMap<String, toml::Table>, Box<dyn StdError>> {
    let p = folder.join("cases.toml");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    let table: toml::Table = toml::from_str(&text)?;
    let mut out = BTreeMap::new();
    for (name, value) in table {
        let Some(case) = value.as_table() else {
            return Err(format!("{}: `{name}` is not a table", p.display()).into());
        };
        out.insert(name, case.clone());
    }
    Ok(out)
}

fn read_fixture(folder: &str, case: &str) -> Result<Vec<u8>, Box<dyn StdError>> {
    let p = fixtures_dir().join(folder).join(format!("{case}.json"));
    std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()).into())
}

fn creds() -> Result<Credentials, record_core::Error> {
    Credentials::new(CUSTOMER_ID, CUSTOMER_SECRET)
}

fn request(mode: RecordingMode) -> Result<QueryRequest, record_core::Error> {
    QueryRequest::builder()
        .appid(APPID)
        .resourceid(ASKED_RESOURCE)
        .sid(ASKED_SID)
        .mode(mode)
        .build()
}

/// A task reference without the session's ids: only the answer can give them.
fn bare_task(mode: &str) -> TaskRef {
    TaskRef::Agora {
        app_id: APPID.to_owned(),
        resource_id: String::new(),
        sid: String::new(),
        mode: mode.to_owned(),
        cname: None,
        uid: None,
    }
}

fn task(mode: &str) -> TaskRef {
    TaskRef::Agora {
        app_id: APPID.to_owned(),
        resource_id: ASKED_RESOURCE.to_owned(),
        sid: ASKED_SID.to_owned(),
        mode: mode.to_owned(),
        cname: None,
        uid: None,
    }
}

/// The query path for the asked ids, written out by hand.
fn query_path(mode: &str) -> String {
    format!(
        "/v1/apps/{APPID}/cloud_recording/resourceid/{ASKED_RESOURCE}/sid/{ASKED_SID}/mode/{mode}/query"
    )
}

fn client_for(server: &MockServer) -> Result<Client, record_core::Error> {
    Client::builder(creds()?)
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(UnixMillis(1_718_781_186_000))))
        .disable_retries()
        .rate_limit(None)
        .build()
}

fn json_response(status: u16, body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_vec(), "application/json")
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

/// An integer the vendor sent as a number or as a numeric string (legacy bodies).
fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean the vendor sent as a boolean or as `"true"`/`"false"` (legacy bodies).
fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn non_empty_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A time only when it is after the epoch (the doc example's 0 is a placeholder).
fn positive_ms(v: Option<&Value>) -> Option<UnixMillis> {
    v.and_then(as_i64).filter(|t| *t > 0).map(UnixMillis)
}

/// The extension of a file name, lower-cased, the way a reader would guess it.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

/// One file as the fixture JSON describes it.
#[derive(Debug, PartialEq)]
struct ExpectedFile {
    name: String,
    format: Option<String>,
    started_at: Option<UnixMillis>,
    extra: BTreeMap<String, Value>,
}

/// The files a `query` body lists, read straight from its JSON.
fn expected_files(body: &Value) -> Vec<ExpectedFile> {
    let server = &body["serverResponse"];
    let mut files = Vec::new();
    match server.get("fileList") {
        Some(Value::String(name)) if !name.is_empty() => files.push(ExpectedFile {
            name: name.clone(),
            format: extension(name).or_else(|| Some("m3u8".to_owned())),
            started_at: None,
            extra: BTreeMap::new(),
        }),
        Some(Value::Array(entries)) => {
            for e in entries {
                let name = e
                    .get("fileName")
                    .or_else(|| e.get("filename"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let mut extra = BTreeMap::new();
                for key in ["trackType", "uid"] {
                    if let Some(v) = e.get(key).and_then(Value::as_str) {
                        extra.insert(key.to_owned(), Value::from(v));
                    }
                }
                for key in ["mixedAllUser", "isPlayable"] {
                    if let Some(b) = e.get(key).and_then(as_bool) {
                        extra.insert(key.to_owned(), Value::from(b));
                    }
                }
                files.push(ExpectedFile {
                    format: extension(&name),
                    name,
                    started_at: positive_ms(e.get("sliceStartTime")),
                    extra,
                });
            }
        }
        _ => {}
    }
    for service in array(server.get("extensionServiceState")) {
        for f in array(service.get("payload").and_then(|p| p.get("fileList"))) {
            let name = f
                .get("filename")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut extra = BTreeMap::new();
            if let Some(s) = service.get("serviceName").and_then(Value::as_str) {
                extra.insert("serviceName".to_owned(), Value::from(s));
            }
            files.push(ExpectedFile {
                format: extension(&name),
                name,
                started_at: positive_ms(f.get("sliceStartTime")),
                extra,
            });
        }
    }
    files
}

/// Every `sliceStartTime` a `query` body carries (session, file entries, web files).
fn all_slice_start_times(body: &Value) -> Vec<Option<UnixMillis>> {
    let server = &body["serverResponse"];
    let mut times = vec![positive_ms(server.get("sliceStartTime"))];
    for e in array(server.get("fileList")) {
        times.push(positive_ms(e.get("sliceStartTime")));
    }
    for service in array(server.get("extensionServiceState")) {
        for f in array(service.get("payload").and_then(|p| p.get("fileList"))) {
            times.push(positive_ms(f.get("sliceStartTime")));
        }
    }
    times
}

/// The state a `query` body means, from its JSON and the expected table: the status's
/// state, paused when the status is 5 and a `web_recorder_service` reports `onhold: true`.
fn expected_state(body: &Value) -> RecordingState {
    let server = &body["serverResponse"];
    let Some(status) = server.get("status").and_then(as_i64) else {
        return RecordingState::Unknown;
    };
    let base = EXPECTED_STATUS
        .iter()
        .find(|(raw, _, _)| *raw == status)
        .map_or(RecordingState::Unknown, |(_, state, _)| *state);
    let on_hold = array(server.get("extensionServiceState")).iter().any(|s| {
        s.get("serviceName").and_then(Value::as_str) == Some("web_recorder_service")
            && s.get("payload")
                .and_then(|p| p.get("onhold"))
                .and_then(as_bool)
                == Some(true)
    });
    if status == 5 && on_hold {
        RecordingState::Paused
    } else {
        base
    }
}

/// The vendor status a `query` body means, from its JSON and the expected table.
fn expected_vendor_status(body: &Value) -> (RawCode, String) {
    match body["serverResponse"].get("status").and_then(as_i64) {
        Some(code) => {
            let meaning = EXPECTED_STATUS
                .iter()
                .find(|(raw, _, _)| *raw == code)
                .map_or("undocumented value", |(_, _, m)| *m);
            (RawCode::Int(code), meaning.to_owned())
        }
        None => (
            RawCode::Text(String::new()),
            record_core::VendorStatus::ABSENT_MEANING.to_owned(),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Every success fixture

#[test]
fn every_success_fixture_converts_as_its_json_says() -> TestResult {
    let mut checked = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    folders.retain(|p| p.join("cases.toml").is_file());
    folders.sort();
    let names: Vec<String> = folders
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    // `errors/` holds error bodies only (decoded as `ErrorBody`, whatever their case kind),
    // `callbacks/` NCS notification bodies (tests/callback.rs); every other folder is an
    // endpoint's answers. Agora has one endpoint: `query`.
    assert_eq!(names, ["callbacks", "errors", "query"]);
    folders.retain(|p| !p.ends_with("errors") && !p.ends_with("callbacks"));
    for folder in folders {
        let cases = cases(&folder)?;
        // Every fixture file of the folder has a case entry, so iterating the cases sees
        // every fixture.
        for entry in std::fs::read_dir(&folder)? {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "json") {
                let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
                assert!(
                    stem.as_ref().is_some_and(|s| cases.contains_key(s)),
                    "{} has no cases.toml entry",
                    p.display()
                );
            }
        }
        for (name, case) in cases {
            let kind = case.get("kind").and_then(toml::Value::as_str).unwrap_or("");
            let status = case
                .get("http_status")
                .and_then(toml::Value::as_integer)
                .unwrap_or(200);
            if kind == "error" || status != 200 {
                continue;
            }
            let bytes = std::fs::read(folder.join(format!("{name}.json")))?;
            check_fixture(&name, &bytes)?;
            checked.push(name);
        }
    }
    // The spec lists 16 response examples for `query`; all are success bodies.
    assert_eq!(checked.len(), 16, "{checked:?}");
    Ok(())
}

fn check_fixture(name: &str, bytes: &[u8]) -> TestResult {
    let ctx = format!("fixture `{name}`");
    let body: Value = serde_json::from_slice(bytes)?;
    let resp: QueryResponse = serde_json::from_slice(bytes)?;
    // The mode the session would have been started in: web when the answer lists
    // extension services, individual for the individual cases, else mix.
    let mode = if body["serverResponse"]
        .get("extensionServiceState")
        .is_some()
    {
        RecordingMode::Web
    } else if name.starts_with("individual") {
        RecordingMode::Individual
    } else {
        RecordingMode::Mix
    };
    let rec = resp.to_recording(&task(mode.raw()))?;

    // Task: the answer's ids, else the asked ones; the App ID and mode as asked.
    let resource = non_empty_str(body.get("resourceId")).unwrap_or(ASKED_RESOURCE);
    let sid = non_empty_str(body.get("sid")).unwrap_or(ASKED_SID);
    assert_eq!(rec.vendor, Vendor::Agora, "{ctx}");
    assert_eq!(
        rec.task,
        TaskRef::Agora {
            app_id: APPID.to_owned(),
            resource_id: resource.to_owned(),
            sid: sid.to_owned(),
            mode: mode.raw().to_owned(),
            cname: None,
            uid: None,
        },
        "{ctx}"
    );

    // State and vendor status.
    assert_eq!(rec.state, expected_state(&body), "{ctx}");
    let (code, meaning) = expected_vendor_status(&body);
    assert_eq!(rec.vendor_status.code, code, "{ctx}");
    assert_eq!(rec.vendor_status.meaning, meaning, "{ctx}");

    // Times: the earliest sliceStartTime; no end time or stop reason in a query answer.
    let earliest = all_slice_start_times(&body).into_iter().flatten().min();
    assert_eq!(rec.started_at, earliest, "{ctx}");
    assert_eq!(rec.ended_at, None, "{ctx}");
    assert_eq!(rec.stop_reason, None, "{ctx}");

    // Files, in order.
    let want = expected_files(&body);
    assert_eq!(rec.files.len(), want.len(), "{ctx}: file count");
    for (i, (got, want)) in rec.files.iter().zip(&want).enumerate() {
        let ctx = format!("{ctx}, file {i}");
        assert_eq!(got.name, want.name, "{ctx}");
        // Agora reports no size, duration, URL, per-file state or warning.
        assert_eq!(got.size_bytes, None, "{ctx}");
        assert_eq!(got.duration, None, "{ctx}");
        assert_eq!(got.url, None, "{ctx}");
        assert_eq!(got.state, None, "{ctx}");
        assert_eq!(got.warning, None, "{ctx}");
        assert_eq!(got.format, want.format, "{ctx}");
        assert_eq!(got.started_at, want.started_at, "{ctx}");
        assert_eq!(got.extra, want.extra, "{ctx}");
    }

    // Nothing is lost: the typed answer is attached and serializes as decoded.
    assert_eq!(rec.raw_as::<QueryResponse>(), Some(&resp), "{ctx}");
    assert_eq!(rec.raw.to_json(), serde_json::to_value(&resp)?, "{ctx}");

    // Without the session's ids, `to_recording` agrees when the answer names its ids, and
    // refuses when it does not.
    match resp.to_recording(&bare_task(mode.raw())) {
        Ok(direct) => {
            assert!(
                non_empty_str(body.get("resourceId")).is_some()
                    && non_empty_str(body.get("sid")).is_some(),
                "{ctx}"
            );
            assert_eq!(
                serde_json::to_value(&direct)?,
                serde_json::to_value(&rec)?,
                "{ctx}"
            );
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Decode, "{ctx}: {e}");
            assert!(
                non_empty_str(body.get("resourceId")).is_none()
                    || non_empty_str(body.get("sid")).is_none(),
                "{ctx}: {e}"
            );
        }
    }

    insta::assert_json_snapshot!(name, serde_json::to_value(&rec)?);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Status table and refinements

fn convert(server_response: &Value) -> Result<Recording, Box<dyn StdError>> {
    let body = json!({"resourceId": "r", "sid": "s", "serverResponse": server_response});
    let resp: QueryResponse = serde_json::from_value(body)?;
    Ok(resp.to_recording(&task("web"))?)
}

#[test]
fn every_documented_status_maps_to_the_documented_state() -> TestResult {
    let known: Vec<i64> = ServerStatus::KNOWN.iter().map(ServerStatus::raw).collect();
    let table: Vec<i64> = EXPECTED_STATUS.iter().map(|(raw, _, _)| *raw).collect();
    assert_eq!(
        known, table,
        "the generated KNOWN list and the expected table"
    );
    for status in ServerStatus::KNOWN {
        let raw = status.raw();
        let Some((_, want, meaning)) = EXPECTED_STATUS.iter().find(|(r, _, _)| *r == raw) else {
            return Err(format!("status {raw} is not in the expected table").into());
        };
        assert_eq!(status.base_state(), *want, "status {raw}: base_state");
        let rec = convert(&json!({"status": raw}))?;
        assert_eq!(rec.state, *want, "status {raw}: recording");
        assert_eq!(rec.vendor_status.code, RawCode::Int(raw), "status {raw}");
        assert_eq!(rec.vendor_status.meaning, *meaning, "status {raw}");
        assert_eq!(rec.vendor_status.meaning, status.meaning(), "status {raw}");
        // Legacy bodies send the status as a string: same result.
        let legacy = convert(&json!({"status": raw.to_string()}))?;
        assert_eq!(legacy.state, *want, "status \"{raw}\"");
        assert_eq!(
            legacy.vendor_status.code,
            RawCode::Int(raw),
            "status \"{raw}\""
        );
    }
    Ok(())
}

fn web_service(name: &str, onhold: Value) -> Value {
    json!({"serviceName": name, "payload": {"onhold": onhold, "state": "inProgress"}})
}

#[test]
fn status_5_is_paused_only_when_a_web_recorder_is_on_hold() -> TestResult {
    let cases: Vec<(&str, Value, RecordingState)> = vec![
        (
            "web recorder on hold",
            json!({"status": 5, "extensionServiceState": [web_service("web_recorder_service", json!(true))]}),
            RecordingState::Paused,
        ),
        (
            "web recorder on hold, legacy string",
            json!({"status": "5", "extensionServiceState": [web_service("web_recorder_service", json!("true"))]}),
            RecordingState::Paused,
        ),
        (
            "web recorder on hold after a CDN push",
            json!({"status": 5, "extensionServiceState": [
                web_service("rtmp_publish_service", json!(false)),
                web_service("web_recorder_service", json!(true))]}),
            RecordingState::Paused,
        ),
        (
            "web recorder running",
            json!({"status": 5, "extensionServiceState": [web_service("web_recorder_service", json!(false))]}),
            RecordingState::Recording,
        ),
        (
            "web recorder without onhold",
            json!({"status": 5, "extensionServiceState": [{"serviceName": "web_recorder_service", "payload": {}}]}),
            RecordingState::Recording,
        ),
        (
            "only the CDN push on hold",
            json!({"status": 5, "extensionServiceState": [web_service("rtmp_publish_service", json!(true))]}),
            RecordingState::Recording,
        ),
        (
            "an undocumented service on hold",
            json!({"status": 5, "extensionServiceState": [web_service("srt_publish_service", json!(true))]}),
            RecordingState::Recording,
        ),
        (
            "no extension service",
            json!({"status": 5}),
            RecordingState::Recording,
        ),
        (
            "undocumented status with a web recorder on hold",
            json!({"status": 30, "extensionServiceState": [web_service("web_recorder_service", json!(true))]}),
            RecordingState::Unknown,
        ),
    ];
    for (what, server, want) in cases {
        let rec = convert(&server)?;
        assert_eq!(rec.state, want, "{what}");
    }
    // Every other documented status keeps its state even with a web recorder on hold.
    for (raw, want, _) in EXPECTED_STATUS.iter().filter(|(r, _, _)| *r != 5) {
        let rec = convert(&json!({"status": raw,
            "extensionServiceState": [web_service("web_recorder_service", json!(true))]}))?;
        assert_eq!(rec.state, *want, "status {raw} with a web recorder on hold");
        assert_eq!(rec.vendor_status.code, RawCode::Int(*raw));
    }
    Ok(())
}

#[test]
fn undocumented_and_missing_statuses_are_unknown_keeping_the_code() -> TestResult {
    for raw in [9_i64, 19, 21, 30, -1, i64::MAX] {
        let rec = convert(&json!({"status": raw}))?;
        assert_eq!(rec.state, RecordingState::Unknown, "status {raw}");
        assert_eq!(rec.vendor_status.code, RawCode::Int(raw), "status {raw}");
        assert_eq!(
            rec.vendor_status.meaning, "undocumented value",
            "status {raw}"
        );
    }
    let rec = convert(&json!({"status": "30"}))?;
    assert_eq!(rec.vendor_status.code, RawCode::Int(30));
    assert_eq!(rec.state, RecordingState::Unknown);

    let rec = convert(&json!({}))?;
    assert_eq!(rec.state, RecordingState::Unknown);
    assert_eq!(rec.vendor_status.code, RawCode::Text(String::new()));
    assert_eq!(
        rec.vendor_status.meaning,
        record_core::VendorStatus::ABSENT_MEANING
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Conversion details

#[test]
fn to_recording_checks_its_arguments_and_the_answer_s_ids() -> TestResult {
    let resp: QueryResponse =
        serde_json::from_value(json!({"resourceId": "r", "sid": "s", "serverResponse": {}}))?;
    let e = resp
        .to_recording(&TaskRef::Agora {
            app_id: String::new(),
            resource_id: ASKED_RESOURCE.to_owned(),
            sid: ASKED_SID.to_owned(),
            mode: "mix".to_owned(),
            cname: None,
            uid: None,
        })
        .err()
        .ok_or("empty app id accepted")?;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("appid"));
    let e = resp
        .to_recording(&TaskRef::Zego {
            task_id: "X3CgNeE4I1qAAABN".to_owned(),
        })
        .err()
        .ok_or("a ZEGO task accepted")?;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("task"));
    let e = resp
        .to_recording(&task("raw"))
        .err()
        .ok_or("undocumented mode accepted")?;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.parameter(), Some("mode"));
    for mode in RecordingMode::KNOWN {
        let rec = resp.to_recording(&task(mode.raw()))?;
        assert!(matches!(&rec.task, TaskRef::Agora { mode: m, .. } if m == mode.raw()));
    }

    for body in [
        json!({"sid": "s", "serverResponse": {}}),
        json!({"resourceId": "", "sid": "s", "serverResponse": {}}),
        json!({"resourceId": "r", "serverResponse": {}}),
        json!({"resourceId": "r", "sid": "", "serverResponse": {}}),
    ] {
        let resp: QueryResponse = serde_json::from_value(body.clone())?;
        let e = resp
            .to_recording(&bare_task("mix"))
            .err()
            .ok_or_else(|| format!("{body}: accepted without ids"))?;
        assert_eq!(e.kind(), ErrorKind::Decode, "{body}");
        // With the session's ids, they fill the gap.
        let rec = resp.to_recording(&task("mix"))?;
        let TaskRef::Agora {
            resource_id, sid, ..
        } = &rec.task
        else {
            return Err("not an Agora task".into());
        };
        let want_resource = non_empty_str(body.get("resourceId")).unwrap_or(ASKED_RESOURCE);
        let want_sid = non_empty_str(body.get("sid")).unwrap_or(ASKED_SID);
        assert_eq!(
            (resource_id.as_str(), sid.as_str()),
            (want_resource, want_sid)
        );
    }
    Ok(())
}

#[test]
fn files_times_and_formats() -> TestResult {
    let rec = convert(&json!({
        "status": 5,
        "sliceStartTime": 0,
        "fileListMode": "json",
        "fileList": [
            {"fileName": "a/b_0.MP4", "sliceStartTime": 1_700_000_009_000_i64},
            {"trackType": "video", "sliceStartTime": 1_700_000_008_000_i64},
            {"fileName": "noext", "sliceStartTime": 0}
        ],
        "extensionServiceState": [
            {"payload": {"fileList": [{"filename": "w.m3u8", "sliceStartTime": "1700000007000"}]}}
        ]
    }))?;
    // 0 is not a time; the earliest real one wins, whichever list it is in.
    assert_eq!(rec.started_at, Some(UnixMillis(1_700_000_007_000)));
    let names: Vec<&str> = rec.files.iter().map(|f| f.name.as_str()).collect();
    // A nameless entry is kept (its other fields are data), with an empty name.
    assert_eq!(names, ["a/b_0.MP4", "", "noext", "w.m3u8"]);
    let formats: Vec<Option<&str>> = rec.files.iter().map(|f| f.format.as_deref()).collect();
    assert_eq!(formats, [Some("mp4"), None, None, Some("m3u8")]);
    assert_eq!(rec.files[2].started_at, None);
    assert_eq!(rec.files[1].extra.get("trackType"), Some(&json!("video")));
    // A web file of a service without a name has no `serviceName` extra.
    assert!(rec.files[3].extra.is_empty());

    // The string form: an M3U8 name without an extension is still documented as M3U8,
    // and an empty name names no file.
    let rec = convert(&json!({"status": 5, "fileListMode": "string", "fileList": "playlist"}))?;
    assert_eq!(rec.files.len(), 1);
    assert_eq!(rec.files[0].format.as_deref(), Some("m3u8"));
    let rec = convert(&json!({"status": 5, "fileListMode": "string", "fileList": ""}))?;
    assert!(rec.files.is_empty());
    assert_eq!(rec.started_at, None);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// RecordingQuery through the client

#[test]
fn capabilities_are_the_documented_limits() -> TestResult {
    let client = Client::builder(creds()?).build()?;
    let want = Capabilities {
        get: true,
        list: false,
        list_by_room: false,
        list_requires_room: false,
        list_requires_status: false,
        list_max_window: None,
        list_max_page_size: None,
        query_horizon: None,
        rate_limit_per_sec: Some(10),
        not_found_means_gone: true,
        control: record_core::ControlCapabilities::NONE,
    };
    assert_eq!(client.capabilities(), want);
    assert_eq!(CAPABILITIES, want);
    assert_eq!(endpoints::QUERY.rate_limit_per_sec, Some(10));
    assert_eq!(RecordingQuery::vendor(&client), Vendor::Agora);
    Ok(())
}

#[tokio::test]
async fn get_queries_the_session_and_converts_the_answer() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    let query: &dyn RecordingQuery = &client;
    for (case, mode) in [
        ("individual_json", RecordingMode::Individual),
        ("web_onhold", RecordingMode::Web),
        ("mix_hls", RecordingMode::Mix),
    ] {
        let body = read_fixture("query", case)?;
        server.reset().await;
        Mock::given(method("GET"))
            .and(path(query_path(mode.raw())))
            .respond_with(json_response(200, &body))
            .expect(1)
            .mount(&server)
            .await;
        let rec = query.get(&task(mode.raw())).await?;
        let resp: QueryResponse = serde_json::from_slice(&body)?;
        let want = resp.to_recording(&task(mode.raw()))?;
        assert_eq!(
            serde_json::to_value(&rec)?,
            serde_json::to_value(&want)?,
            "{case}"
        );
        assert_eq!(rec.state, expected_state(&serde_json::from_slice(&body)?));
        assert_eq!(received(&server).await.len(), 1, "{case}");
        server.verify().await;
    }

    // An answer without ids keeps the asked ones.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path(query_path("mix")))
        .respond_with(json_response(200, &read_fixture("query", "minimal")?))
        .mount(&server)
        .await;
    let rec = query.get(&task("mix")).await?;
    assert_eq!(rec.task, task("mix"));
    assert_eq!(rec.state, RecordingState::Unknown);
    Ok(())
}

#[tokio::test]
async fn get_refuses_other_vendors_and_bad_ids_before_sending() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    let others = [
        TaskRef::Zego {
            task_id: "X3CgNeE4I1qAAABN".into(),
        },
        TaskRef::QingCloud {
            app_id: "a".into(),
            channel: "c".into(),
            record_id: None,
        },
        TaskRef::Volcengine {
            app_id: "a".into(),
            room_id: "r".into(),
            task_id: "t".into(),
        },
    ];
    for other in &others {
        let e = client.get(other).await.err().ok_or("accepted")?;
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{other:?}");
        assert_eq!(e.parameter(), Some("task"), "{other:?}");
        assert_eq!(e.vendor(), Some(Vendor::Agora), "{other:?}");
    }
    let bad = [
        ("raw", "mode"),
        ("Mix", "mode"),
        ("", "mode"),
        ("individual ", "mode"),
    ];
    for (mode, param) in bad {
        let e = client.get(&task(mode)).await.err().ok_or("accepted")?;
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "mode {mode:?}");
        assert_eq!(e.parameter(), Some(param), "mode {mode:?}");
    }
    let empty_sid = TaskRef::Agora {
        app_id: APPID.into(),
        resource_id: ASKED_RESOURCE.into(),
        sid: String::new(),
        mode: "mix".into(),
        cname: None,
        uid: None,
    };
    let e = client.get(&empty_sid).await.err().ok_or("accepted")?;
    assert_eq!(e.parameter(), Some("sid"));
    assert!(received(&server).await.is_empty(), "nothing may be sent");
    Ok(())
}

#[tokio::test]
async fn get_after_the_session_ended_is_not_found() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = client_for(&server)?;
    let e = client.get(&task("web")).await.err().ok_or("accepted")?;
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.http_status(), Some(404));
    Ok(())
}

#[tokio::test]
async fn list_is_unsupported_and_sends_nothing() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    let filters = [
        ListFilter::default(),
        ListFilter {
            app_id: Some(APPID.into()),
            room: Some("room".into()),
            status: Some(ListStatus::Recording),
            window: None,
            page_size: Some(10),
        },
    ];
    for filter in &filters {
        let items: Vec<_> = client.list(filter).collect().await;
        assert_eq!(items.len(), 1, "{filter:?}");
        let Some(Err(e)) = items.first() else {
            return Err(format!("{filter:?}: expected one error, got {items:?}").into());
        };
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert_eq!(e.vendor(), Some(Vendor::Agora));
    }
    assert!(received(&server).await.is_empty());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The waiter, in paused time

/// Runs `waiter.wait` on `client` for `task("web")` in paused time moving in 1 ms steps
/// (`record_core::testing::advance_in_steps`): wiremock answers in real time from its own
/// thread, and while the socket is awaited tokio would otherwise auto-advance paused time
/// straight to the next timer (the attempt timeout). The client's timeouts are a day.
async fn wait_in_paused_time(
    server: &MockServer,
) -> Result<
    (
        Result<Recording, record_core::WaitError>,
        Vec<RecordingState>,
    ),
    Box<dyn StdError>,
> {
    let day = Duration::from_secs(86_400);
    let client = Client::builder(creds()?)
        .base_url(server.uri())
        .connect_timeout(day)
        .attempt_timeout(day)
        .total_timeout(day)
        .disable_retries()
        .rate_limit(None)
        .build()?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(4),
        Duration::from_secs(3600),
    );
    let log = seen.clone();
    let outcome = record_core::testing::advance_in_steps(
        Duration::from_millis(1),
        waiter.wait(&client, &task("web"), move |r| {
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(r.state);
        }),
    )
    .await;
    let states = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
    Ok((outcome, states))
}

#[tokio::test(start_paused = true)]
async fn the_waiter_reports_gone_when_a_running_session_answers_404() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(query_path("web")))
        .respond_with(json_response(200, &read_fixture("query", "web_recorder")?))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(query_path("web")))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let (outcome, states) = wait_in_paused_time(&server).await?;
    let rec = outcome.map_err(|e| format!("wait failed: {e}"))?;
    assert_eq!(rec.state, RecordingState::Gone);
    assert_eq!(states, [RecordingState::Recording, RecordingState::Gone]);
    // The last observation's task and files are kept.
    assert_eq!(rec.files.len(), 2);
    assert_eq!(received(&server).await.len(), 3);
    Ok(())
}

/// The gateway's `{"message":"no Route matched with those values"}` (HTTP 404) is
/// documented as a wrong route, an invalid request. For the URL that just answered 200 in
/// the same wait, the route exists: the session has ended, so the waiter reports gone.
#[tokio::test(start_paused = true)]
async fn the_waiter_reports_gone_when_a_running_session_answers_the_gateway_404() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(query_path("web")))
        .respond_with(json_response(200, &read_fixture("query", "web_recorder")?))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(query_path("web")))
        .respond_with(json_response(
            404,
            br#"{"message":"no Route matched with those values"}"#,
        ))
        .mount(&server)
        .await;
    let (outcome, states) = wait_in_paused_time(&server).await?;
    let rec = outcome.map_err(|e| format!("wait failed: {e}"))?;
    assert_eq!(rec.state, RecordingState::Gone);
    assert_eq!(states, [RecordingState::Recording, RecordingState::Gone]);
    assert_eq!(rec.vendor_status.code, RawCode::Int(404));
    assert_eq!(rec.files.len(), 2, "the files seen last are kept");
    assert_eq!(received(&server).await.len(), 2);
    Ok(())
}

/// On a first poll the gateway's 404 keeps its documented meaning: a wrong route (an
/// invalid request), not a recording that has ended.
#[tokio::test(start_paused = true)]
async fn a_first_gateway_404_is_a_wrong_route_not_gone() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(
            404,
            br#"{"message":"no Route matched with those values"}"#,
        ))
        .mount(&server)
        .await;
    let (outcome, states) = wait_in_paused_time(&server).await?;
    let Err(record_core::WaitError::Query(e)) = outcome else {
        return Err(format!("expected the query error, got {outcome:?}").into());
    };
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.http_status(), Some(404));
    assert_eq!(e.vendor_code(), Some("no Route matched with those values"));
    assert!(e.message().contains("wrong HTTP method or URL"), "{e}");
    assert!(states.is_empty());
    assert_eq!(received(&server).await.len(), 1);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn the_waiter_reports_gone_on_a_first_404() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let (outcome, states) = wait_in_paused_time(&server).await?;
    let rec = outcome.map_err(|e| format!("wait failed: {e}"))?;
    assert_eq!(rec.state, RecordingState::Gone);
    assert_eq!(states, [RecordingState::Gone]);
    assert_eq!(rec.task, task("web"));
    assert_eq!(received(&server).await.len(), 1);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// prepare_query

/// Headers reqwest/hyper add below the request the client builds (the connection's
/// `host`, the client-wide `user-agent`, …); everything else must be in the prepared
/// request.
const TRANSPORT_HEADERS: &[&str] = &["host", "user-agent", "accept-encoding", "content-length"];

fn assert_prepared_matches(prepared: &PreparedRequest, got: &wiremock::Request) -> TestResult {
    assert_eq!(prepared.method, got.method.as_str());
    let url = reqwest::Url::parse(&prepared.url)?;
    // wiremock rebuilds the URL as `http://localhost{path}`; the authority is in `host`.
    assert_eq!(url.path(), got.url.path());
    assert_eq!(url.query(), got.url.query());
    let authority = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let host = got.headers.get("host").and_then(|v| v.to_str().ok());
    assert_eq!(host, Some(authority.as_str()));
    assert_eq!(prepared.body, None);
    assert!(got.body.is_empty());

    for (name, value) in &prepared.headers {
        let sent = got.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if name == "authorization" {
            assert_eq!(value, "Basic [redacted]");
            assert_eq!(sent, Some(CUSTOMER_HEADER));
        } else {
            assert_eq!(sent, Some(value.as_str()), "header {name}");
        }
    }
    for name in got.headers.keys() {
        let listed = prepared.headers.iter().any(|(n, _)| n == name.as_str());
        assert!(
            listed || TRANSPORT_HEADERS.contains(&name.as_str()),
            "header {name} was sent but is not in the prepared request"
        );
    }
    let names: Vec<&str> = prepared.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["authorization", "accept", "content-type"]);
    Ok(())
}

fn assert_no_secret(prepared: &PreparedRequest) -> TestResult {
    let text = format!("{}\n{prepared:?}", serde_json::to_string(prepared)?);
    for secret in [CUSTOMER_SECRET, CUSTOMER_BASE64] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    Ok(())
}

#[tokio::test]
async fn prepare_query_is_what_the_server_receives_without_the_secret() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, &read_fixture("query", "gist_2020")?))
        .mount(&server)
        .await;
    let client = client_for(&server)?;
    let odd = QueryRequest::builder()
        .appid(APPID)
        .resourceid("res/with space+plus")
        .sid("sid?#%")
        .mode(RecordingMode::Individual)
        .build()?;
    for req in [
        request(RecordingMode::Mix)?,
        request(RecordingMode::Web)?,
        odd,
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(json_response(200, &read_fixture("query", "gist_2020")?))
            .mount(&server)
            .await;
        let prepared = client.prepare_query(&req)?;
        // Deterministic: the same request prepares the same way.
        assert_eq!(client.prepare_query(&req)?, prepared);
        assert_eq!(
            prepared.url,
            format!("{}{}", server.uri(), req.path()),
            "the documented path under the base URL"
        );
        assert_no_secret(&prepared)?;
        client.query(&req).await?;
        let got = received(&server).await;
        assert_eq!(got.len(), 1);
        let Some(first) = got.first() else {
            return Err("no request received".into());
        };
        assert_prepared_matches(&prepared, first)?;
    }
    Ok(())
}
