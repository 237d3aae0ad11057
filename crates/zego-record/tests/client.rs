//! The ZEGO client against a local wiremock server (127.0.0.1 only, never the internet):
//! every success fixture, the exact request against the signing golden vectors, every
//! documented error code, ZEGO's envelope under bad bodies and a 429, the documented
//! per-action rate limits, and the builder's documented hosts.
//!
//! The transport behaviours every vendor client shares (retries with a fresh signature,
//! `Retry-After`, no retry on 4xx, timeouts, the body cap, the rate limiter under many
//! callers in paused time, host resolution, a base URL's path prefix) are tested once,
//! against the generic client, in record-core's `tests/service.rs`, and across the four
//! vendors in the emulator's conformance suite; record-core's `tests/README.md` maps
//! each test that moved.

use record_core::{
    DurationMillis, Error, ErrorKind, FixedClock, RetryPolicy, StopOutcome, UnixMillis,
    UnixSeconds, Vendor,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use zego_record::signing;
use zego_record::{
    Client, ClientBuilder, Credentials, DescribeRecordStatusRequest, DescribeRecordStatusResponse,
    DescribeTasksRequest, DescribeTasksResponse, ERROR_CODES, StopRecordRequest,
    StopRecordResponse, TaskStatus, error_code_info, hosts,
};

const APP_ID: u32 = 12_345;
const SECRET: &str = "9193cc662a4c0ec135ec71fb57194b38";
/// The official vector's time (2021-03-08 15:02:23 +08:00), in ms.
const NOW: UnixMillis = UnixMillis(1_615_186_943_000);
const TASK_ID: &str = "X3CgNeE4I1qAAABN";
const DRS: &str = "DescribeRecordStatus";
const DT: &str = "DescribeTasks";
const SR: &str = "StopRecord";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `result`'s value; a panic naming `what` otherwise (helpers are not `#[test]` functions,
/// where `unwrap` would be allowed).
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

fn creds() -> Credentials {
    ok(Credentials::new(APP_ID, SECRET), "credentials")
}

/// Deterministic nonces `0000000000000000`, `0000000000000001`, ...
fn counting_nonces() -> impl Fn() -> String + Send + Sync + 'static {
    let n = AtomicUsize::new(0);
    move || format!("{:016x}", n.fetch_add(1, Ordering::SeqCst))
}

/// Fast retries (3 attempts, backoff of at most 5 ms) so that retry tests stay quick.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(10),
    }
}

/// A client on `server` with a fixed clock, counting nonces, fast retries and no rate limit
/// (the documented limits: `the_documented_rate_limits_hold_per_action`).
fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(creds())
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(NOW)))
        .nonce_source(counting_nonces())
        .retry_policy(fast_retries())
        .rate_limit(None)
}

fn client(server: &MockServer) -> Client {
    ok(builder(server).build(), "client")
}

fn stop_request() -> StopRecordRequest {
    ok(
        StopRecordRequest::builder().task_id(TASK_ID).build(),
        "StopRecord request",
    )
}

fn status_request() -> DescribeRecordStatusRequest {
    ok(
        DescribeRecordStatusRequest::builder()
            .task_id(TASK_ID)
            .build(),
        "DescribeRecordStatus request",
    )
}

fn tasks_request() -> DescribeTasksRequest {
    ok(
        DescribeTasksRequest::builder()
            .status(TaskStatus::Recording)
            .room_id("1230")
            .page_offset(1)
            .page_size(50)
            .start_time(NOW.saturating_sub(DurationMillis::HOUR))
            .end_time(NOW)
            .build_with_clock(&FixedClock::new(NOW)),
        "DescribeTasks request",
    )
}

/// The JSON bodies the two requests above must be sent as.
const STATUS_BODY: &str = r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#;
const TASKS_BODY: &str = r#"{"Status":2,"RoomId":"1230","PageOffset":1,"PageSize":50,"StartTime":1615183343000,"EndTime":1615186943000}"#;

fn json(status: u16, body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

fn envelope(code: i64, message: &str, request_id: &str) -> Vec<u8> {
    ok(
        serde_json::to_vec(&serde_json::json!({
            "Code": code, "Message": message, "RequestId": request_id
        })),
        "envelope",
    )
}

async fn mount(server: &MockServer, response: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path("/"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// Calls one action by name with the requests above; the response is returned as JSON so
/// that both actions fit one signature.
async fn call(client: &Client, action: &str) -> Result<serde_json::Value, Error> {
    match action {
        DRS => client
            .describe_record_status(&status_request())
            .await
            .map(|r| ok(serde_json::to_value(r), "response as JSON")),
        DT => client
            .describe_tasks(&tasks_request())
            .await
            .map(|r| ok(serde_json::to_value(r), "response as JSON")),
        SR => client
            .stop_record(&stop_request())
            .await
            .map(|r| ok(serde_json::to_value(r.response), "response as JSON")),
        other => panic!("no action {other}"),
    }
}

fn expect_err<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> Error {
    match result {
        Ok(v) => panic!("{what}: expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// The query parameters of a received request, decoded, in order.
fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn query_value(request: &Request, name: &str) -> String {
    query_pairs(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {name} in {}", request.url))
}

// ---------------------------------------------------------------------------------------
// Success fixtures
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct FixtureCase {
    kind: String,
    http_status: Option<u16>,
}

fn fixture_cases(api: &str) -> BTreeMap<String, FixtureCase> {
    let file = fixtures_dir().join(api).join("cases.toml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The API folders under `fixtures/zego/` (every folder but `signing` and `callbacks`).
fn api_folders() -> Vec<String> {
    let mut out: Vec<String> = ok(std::fs::read_dir(fixtures_dir()), "fixtures/zego")
        .map(|e| ok(e, "fixtures/zego entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        // Signing vectors and callback bodies (tests/callback.rs) are not API answers.
        .filter(|n| n != "signing" && n != "callbacks")
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn every_success_fixture_is_fetched_and_decoded_through_the_client() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut decoded = Vec::new();
    let mut error_envelopes = Vec::new();
    // The lifecycle actions imported from ZEGO's OpenAPI (spec/lifecycle.toml) have models
    // and fixtures (tests/fixtures.rs) but no client method yet.
    const MODELS_ONLY: [&str; 6] = [
        "pause_record",
        "resume_record",
        "start_record",
        "take_snapshot",
        "update_layout",
        "update_whiteboard",
    ];
    let folders: Vec<String> = api_folders()
        .into_iter()
        .filter(|f| !MODELS_ONLY.contains(&f.as_str()))
        .collect();
    assert_eq!(
        folders,
        ["describe_record_status", "describe_tasks", "stop_record"]
    );
    for api in &folders {
        for (name, case) in fixture_cases(api) {
            if case.kind == "error" || case.http_status.unwrap_or(200) != 200 {
                continue;
            }
            let body = fixture(api, &name);
            server.reset().await;
            mount(&server, json(200, body.clone())).await;
            let code = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Code"]
                .as_i64()
                .unwrap_or_else(|| panic!("{api}/{name}: no integer Code"));
            if code != 0 {
                // A non-error kind whose envelope still carries an error code (error_data_null:
                // `Data: null` with Code 300010000): the client must report the code.
                let err = expect_err(call(&client, action_of(api)).await, &name);
                assert_eq!(err.vendor_code(), Some(code.to_string().as_str()), "{name}");
                error_envelopes.push(format!("{api}/{name}"));
                continue;
            }
            match api.as_str() {
                "describe_record_status" => {
                    let got = client
                        .describe_record_status(&status_request())
                        .await
                        .unwrap_or_else(|e| panic!("{api}/{name}: {e}"));
                    let want: DescribeRecordStatusResponse = serde_json::from_slice(&body).unwrap();
                    assert_eq!(got, want, "{api}/{name}");
                }
                "describe_tasks" => {
                    let got = client
                        .describe_tasks(&tasks_request())
                        .await
                        .unwrap_or_else(|e| panic!("{api}/{name}: {e}"));
                    let want: DescribeTasksResponse = serde_json::from_slice(&body).unwrap();
                    assert_eq!(got, want, "{api}/{name}");
                }
                "stop_record" => {
                    let got = client
                        .stop_record(&stop_request())
                        .await
                        .unwrap_or_else(|e| panic!("{api}/{name}: {e}"));
                    let want: StopRecordResponse = serde_json::from_slice(&body).unwrap();
                    assert_eq!(got.response, want, "{api}/{name}");
                }
                other => panic!("unexpected fixture folder {other}"),
            }
            assert_eq!(received(&server).await.len(), 1, "{api}/{name}");
            decoded.push(format!("{api}/{name}"));
        }
    }
    assert!(decoded.len() >= 20, "only {decoded:?}");
    assert!(decoded.contains(&"describe_record_status/doc_example".to_owned()));
    assert!(decoded.contains(&"describe_tasks/doc_example".to_owned()));
    assert_eq!(error_envelopes, ["describe_record_status/error_data_null"]);
}

fn action_of(api: &str) -> &'static str {
    match api {
        "describe_record_status" => DRS,
        "describe_tasks" => DT,
        "stop_record" => SR,
        other => panic!("no action for {other}"),
    }
}

// ---------------------------------------------------------------------------------------
// The exact request, against the signing golden vectors
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct SigningCase {
    input: SigningInput,
    expected: Option<SigningExpected>,
}

#[derive(Debug, Deserialize)]
struct SigningInput {
    action: String,
    app_id: Option<u32>,
    app_id_text: Option<String>,
    server_secret: String,
    nonce: String,
    timestamp: i64,
}

#[derive(Debug, Deserialize)]
struct SigningExpected {
    signature: String,
    query: Vec<(String, String)>,
    query_string: String,
}

fn signing_cases() -> Vec<(String, SigningCase)> {
    let dir = fixtures_dir().join("signing");
    let mut out = Vec::new();
    for entry in ok(std::fs::read_dir(&dir), "fixtures/zego/signing") {
        let path = ok(entry, "fixtures/zego/signing entry").path();
        if !path.is_dir() {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = ok(std::fs::read_to_string(path.join("case.toml")), &name);
        let case: SigningCase =
            toml::from_str(&text).unwrap_or_else(|e| panic!("signing/{name}: {e}"));
        out.push((name, case));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn requests_match_the_signing_golden_vectors() {
    let server = MockServer::start().await;
    let mut checked = Vec::new();
    for (name, case) in signing_cases() {
        let Some(want) = &case.expected else {
            continue; // an input the signer refuses: no request to compare
        };
        let input = &case.input;
        // The clock is read in ms; the latest ms of the vector's second must sign that second.
        let Some(now_ms) = input
            .timestamp
            .checked_mul(1000)
            .and_then(|ms| ms.checked_add(999))
        else {
            continue; // timestamp_i64_max: not reachable from a millisecond clock
        };
        let creds = match (input.app_id, &input.app_id_text) {
            (Some(id), None) => Credentials::new(id, input.server_secret.as_str()),
            (None, Some(text)) => Credentials::parse(text, input.server_secret.as_str()),
            _ => panic!("signing/{name}: give app_id or app_id_text"),
        }
        .unwrap();
        let nonce = input.nonce.clone();
        let client = Client::builder(creds)
            .base_url(server.uri())
            .clock(Arc::new(FixedClock::new(UnixMillis(now_ms))))
            .nonce_source(move || nonce.clone())
            .rate_limit(None)
            .build()
            .unwrap();
        let (response, body) = match input.action.as_str() {
            DRS => (
                fixture("describe_record_status", "doc_example"),
                STATUS_BODY,
            ),
            DT => (fixture("describe_tasks", "doc_example"), TASKS_BODY),
            other => panic!("signing/{name}: action {other} has no client method"),
        };
        server.reset().await;
        mount(&server, json(200, response)).await;
        call(&client, &input.action)
            .await
            .unwrap_or_else(|e| panic!("signing/{name}: {e}"));

        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "signing/{name}");
        let r = &requests[0];
        assert_eq!(r.method.as_str(), "POST", "signing/{name}");
        assert_eq!(r.url.path(), "/", "signing/{name}");
        assert_eq!(
            r.url.query(),
            Some(want.query_string.as_str()),
            "signing/{name}: the query string, byte for byte"
        );
        assert_eq!(query_pairs(r), want.query, "signing/{name}");
        assert_eq!(query_value(r, "Signature"), want.signature);
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "signing/{name}"
        );
        assert_eq!(
            std::str::from_utf8(&r.body).unwrap(),
            body,
            "signing/{name}: the body is the request's JSON"
        );
        checked.push(name);
    }
    assert!(checked.len() >= 20, "only {checked:?}");
    for must in [
        "official_doc_example",
        "action_not_signed",
        "nonce_reserved_chars",
    ] {
        assert!(checked.iter().any(|n| n == must), "{must} not checked");
    }
}

#[tokio::test]
async fn the_official_vector_is_sent_verbatim() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(200, fixture("describe_record_status", "doc_example")),
    )
    .await;
    let client = builder(&server)
        .nonce_source(|| "4fd24687296dd9f3".to_owned())
        .user_agent("zego-test/1")
        .build()
        .unwrap();
    client
        .describe_record_status(&status_request())
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    // wiremock rebuilds the URL with a placeholder host: compare the target and the Host.
    let url = &requests[0].url;
    assert_eq!(
        format!("{}?{}", url.path(), url.query().unwrap_or_default()),
        "/?Action=DescribeRecordStatus&AppId=12345&SignatureNonce=4fd24687296dd9f3\
         &Timestamp=1615186943&Signature=43e5cfcca828314675f91b001390566a&SignatureVersion=2.0"
    );
    assert_eq!(
        requests[0]
            .headers
            .get("host")
            .and_then(|v| v.to_str().ok()),
        server.uri().strip_prefix("http://")
    );
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(
        requests[0]
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(
        requests[0]
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok()),
        Some("zego-test/1")
    );
    assert_eq!(requests[0].body, STATUS_BODY.as_bytes());
}

#[tokio::test]
async fn the_client_does_not_revalidate_built_requests() {
    // A DescribeTasks request built a week ago: its window is now older than 3 days, but
    // the client sends it as built and lets ZEGO decide.
    let server = MockServer::start().await;
    mount(
        &server,
        json(200, envelope(300_000_004, "invalid StartTime", "r-1")),
    )
    .await;
    let client = builder(&server)
        .clock(Arc::new(FixedClock::new(
            NOW.saturating_add(DurationMillis(7 * DurationMillis::DAY.0)),
        )))
        .build()
        .unwrap();
    let err = expect_err(client.describe_tasks(&tasks_request()).await, "old window");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.vendor_code(), Some("300000004"));
    assert_eq!(
        err.parameter(),
        None,
        "the vendor refused it, not a local check"
    );
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_documented_error_code_maps_to_its_kind_and_retryable_bit() {
    // The table has the 11 cloud-recording error codes and the 18 gateway codes of
    // vendor-facts §1.4; 100000004 and 100000005 are in both lists and appear once.
    assert_eq!(ERROR_CODES.len(), 27);
    let spot_checks = [
        ("300000003", ErrorKind::RateLimited, true),
        ("100000004", ErrorKind::Unauthenticated, false),
        ("100000005", ErrorKind::Unauthenticated, false),
        ("300001000", ErrorKind::NotFound, false),
        ("300010000", ErrorKind::Server, true),
    ];
    for (code, kind, retryable) in spot_checks {
        let info = error_code_info(code).unwrap();
        assert_eq!((info.kind, info.retryable), (kind, retryable), "{code}");
    }

    let server = MockServer::start().await;
    // Retries on (3 attempts): a retryable code is sent 3 times, any other once.
    let client = client(&server);
    for info in ERROR_CODES {
        let code: i64 = info.code.parse().unwrap();
        for action in [DRS, DT] {
            server.reset().await;
            let request_id = format!("req-{code}");
            mount(
                &server,
                json(200, envelope(code, info.meaning, &request_id)),
            )
            .await;
            let err = expect_err(call(&client, action).await, info.code);
            let what = format!("{action} code {}", info.code);
            assert_eq!(err.kind(), info.kind, "{what}: {err}");
            assert_eq!(err.is_retryable(), info.retryable, "{what}");
            assert_eq!(err.vendor_code(), Some(info.code), "{what}");
            assert_eq!(err.vendor_message(), Some(info.meaning), "{what}");
            assert_eq!(err.request_id(), Some(request_id.as_str()), "{what}");
            assert_eq!(err.http_status(), Some(200), "{what}");
            assert_eq!(err.vendor(), Some(Vendor::Zego), "{what}");
            assert_eq!(err.action(), Some(action), "{what}");
            let attempts = if info.retryable { 3 } else { 1 };
            assert_eq!(err.attempts(), attempts, "{what}");
            assert_eq!(received(&server).await.len(), attempts as usize, "{what}");
        }
    }
}

#[tokio::test]
async fn error_fixtures_are_classified_by_their_code() {
    let server = MockServer::start().await;
    let client = builder(&server).disable_retries().build().unwrap();
    let mut seen = 0;
    for api in api_folders() {
        for (name, case) in fixture_cases(&api) {
            let body = fixture(&api, &name);
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let code = value["Code"].as_i64().unwrap();
            if code == 0 {
                continue;
            }
            let status = case.http_status.unwrap_or(200);
            server.reset().await;
            mount(&server, json(status, body)).await;
            if api == "stop_record" && code.to_string() == zego_record::client::TASK_ALREADY_ENDED {
                // A stop's "task already ended" is an outcome (see the stop tests).
                let answer = ok(client.stop_record(&stop_request()).await, &name);
                assert_eq!(answer.outcome, StopOutcome::AlreadyStopped, "{api}/{name}");
                seen += 1;
                continue;
            }
            let err = expect_err(call(&client, action_of(&api)).await, &name);
            let info = error_code_info(&code.to_string())
                .unwrap_or_else(|| panic!("{api}/{name}: code {code} is not documented"));
            assert_eq!(err.kind(), info.kind, "{api}/{name}");
            assert_eq!(err.is_retryable(), info.retryable, "{api}/{name}");
            assert_eq!(err.vendor_code(), Some(info.code), "{api}/{name}");
            assert_eq!(
                err.request_id(),
                value["RequestId"].as_str(),
                "{api}/{name}"
            );
            assert_eq!(
                err.vendor_message(),
                value["Message"].as_str(),
                "{api}/{name}"
            );
            assert_eq!(err.http_status(), Some(status), "{api}/{name}");
            seen += 1;
        }
    }
    assert!(seen >= 9, "only {seen} error fixtures");
}

#[tokio::test]
async fn undocumented_codes_are_vendor_errors_with_the_raw_code() {
    let server = MockServer::start().await;
    let client = builder(&server).disable_retries().build().unwrap();

    mount(
        &server,
        json(200, envelope(123_456_789, "something new", "r-9")),
    )
    .await;
    let err = expect_err(call(&client, DRS).await, "unknown code");
    assert_eq!(err.kind(), ErrorKind::Vendor);
    assert!(!err.is_retryable());
    assert_eq!(err.vendor_code(), Some("123456789"));
    assert_eq!(err.vendor_message(), Some("something new"));
    assert_eq!(err.request_id(), Some("r-9"));
    assert_eq!(err.http_status(), Some(200));
    assert!(err.to_string().contains("123456789"), "{err}");

    // Negative codes are kept as sent.
    server.reset().await;
    mount(&server, json(200, envelope(-1, "negative", "r-10"))).await;
    let err = expect_err(call(&client, DT).await, "negative code");
    assert_eq!(
        (err.kind(), err.vendor_code()),
        (ErrorKind::Vendor, Some("-1"))
    );

    // An undocumented code under an HTTP error status: the status decides the kind.
    server.reset().await;
    mount(&server, json(503, envelope(123_456_789, "busy", "r-11"))).await;
    let err = expect_err(call(&client, DRS).await, "unknown code, 503");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.is_retryable());
    assert_eq!(err.vendor_code(), Some("123456789"));
    assert_eq!(err.request_id(), Some("r-11"));
    assert_eq!(err.http_status(), Some(503));

    // A documented code under an HTTP error status: the table decides.
    server.reset().await;
    mount(
        &server,
        json(500, envelope(300_001_000, "task not exist", "r-12")),
    )
    .await;
    let err = expect_err(call(&client, DRS).await, "documented code, 500");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.is_retryable());
    assert_eq!(err.http_status(), Some(500));

    // A quoted code is still a code; a missing Message and RequestId do not hide it.
    server.reset().await;
    mount(&server, json(200, r#"{"Code":"300001000"}"#)).await;
    let err = expect_err(call(&client, DRS).await, "quoted code");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.vendor_code(), Some("300001000"));
    assert_eq!((err.vendor_message(), err.request_id()), (None, None));

    // Code 0 under an HTTP error status is not a success.
    server.reset().await;
    mount(&server, json(502, envelope(0, "succeed", "r-13"))).await;
    let err = expect_err(call(&client, DRS).await, "code 0, 502");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.request_id(), Some("r-13"));
    assert_eq!(err.http_status(), Some(502));
}

// ---------------------------------------------------------------------------------------
// Rate limiting, Retry-After and fresh signatures: what is ZEGO's. The transport behaviour
// (retries, `Retry-After`, the limiter under concurrent callers, per action or per client)
// is tested once against the generic client, in record-core's tests/service.rs.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_with_zego_s_envelope_keeps_the_code_and_the_retry_after() {
    let server = MockServer::start().await;
    let client = builder(&server).disable_retries().build().unwrap();
    mount(
        &server,
        json(429, envelope(300_000_003, "qps limit", "r-2")).insert_header("Retry-After", "2"),
    )
    .await;
    let err = expect_err(call(&client, DT).await, "429 envelope");
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.is_retryable());
    assert_eq!(err.vendor_code(), Some("300000003"));
    assert_eq!(err.request_id(), Some("r-2"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!((err.http_status(), err.attempts()), (Some(429), 1));
    assert_eq!(received(&server).await.len(), 1);
}

#[test]
fn the_documented_rate_limits_hold_per_action() {
    // vendor-facts §1: 10 requests per second for each query action, 50 for StopRecord,
    // each action counted apart.
    use record_core::service::Encode;
    assert_eq!(
        <DescribeRecordStatusRequest as Encode>::ENDPOINT.rate_limit_per_sec,
        Some(10)
    );
    assert_eq!(
        <DescribeTasksRequest as Encode>::ENDPOINT.rate_limit_per_sec,
        Some(10)
    );
    assert_eq!(
        <StopRecordRequest as Encode>::ENDPOINT.rate_limit_per_sec,
        Some(50)
    );
    assert_eq!(zego_record::client::DEFAULT_RATE_LIMIT_PER_SEC, 10);
    let client = Client::builder(creds()).build().unwrap();
    let config = client.transport_config();
    assert_eq!(config.rate_limit_per_sec, Some(10));
    assert!(config.rate_limit_documented);
    assert_eq!(
        config.rate_limit_scope,
        record_core::transport::RateLimitScope::PerAction
    );
}

#[test]
fn every_signing_draws_a_fresh_nonce_at_the_clock_s_second() {
    // The client signs every attempt anew (record-core's tests/service.rs); ZEGO's signer
    // draws a new nonce and reads the clock each time, so a retry is a new signature.
    let clock = record_core::testing::TickingClock::new(NOW, DurationMillis(1000));
    let client = Client::builder(creds())
        .clock(Arc::new(clock))
        .nonce_source(counting_nonces())
        .build()
        .unwrap();
    let mut signatures = Vec::new();
    for (i, second) in [
        (0_usize, NOW.to_seconds()),
        (1, UnixSeconds(NOW.to_seconds().0 + 1)),
    ] {
        let prepared = client
            .prepare_describe_record_status(&status_request())
            .unwrap();
        let url = reqwest::Url::parse(&prepared.url).unwrap();
        let value = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| panic!("no {name} in {url}"))
        };
        let nonce = format!("{i:016x}");
        assert_eq!(value("SignatureNonce"), nonce, "a new nonce per signing");
        assert_eq!(
            value("Timestamp"),
            second.0.to_string(),
            "the clock per signing"
        );
        let expected = signing::sign(&creds(), DRS, &nonce, second).unwrap();
        assert_eq!(value("Signature"), expected.signature());
        signatures.push(value("Signature"));
    }
    assert_ne!(signatures[0], signatures[1]);
}

// ---------------------------------------------------------------------------------------
// Bad bodies
// ---------------------------------------------------------------------------------------

/// Bodies that are not ZEGO's envelope, or an envelope of the wrong shape, through ZEGO's
/// classifier: a decode error with the HTTP status and the JSON path, or the status's
/// error. (The body cap, refused before any classifier sees the body, is record-core's:
/// tests/service.rs.)
#[tokio::test]
async fn bad_bodies_are_typed_errors_with_the_http_status() {
    let server = MockServer::start().await;
    let client = builder(&server).disable_retries().build().unwrap();
    let doc = fixture("describe_record_status", "doc_example");
    let truncated = doc[..doc.len() / 2].to_vec();
    // (what, HTTP status, body, expected kind, expected JSON path)
    type Case<'a> = (&'a str, u16, Vec<u8>, ErrorKind, Option<&'a str>);
    let cases: Vec<Case> = vec![
        ("truncated JSON", 200, truncated, ErrorKind::Decode, None),
        (
            "HTML page",
            200,
            b"<!DOCTYPE html><html><body>gateway</body></html>".to_vec(),
            ErrorKind::Decode,
            None,
        ),
        ("empty body", 200, Vec::new(), ErrorKind::Decode, None),
        (
            "wrong type in Data",
            200,
            br#"{"Code":0,"Message":"succeed","RequestId":"r","Data":{"Status":"recording"}}"#
                .to_vec(),
            ErrorKind::Decode,
            Some("Data.Status"),
        ),
        (
            "wrong type in a file",
            200,
            br#"{"Code":0,"Data":{"RecordFiles":[{"FileSize":"big"}]}}"#.to_vec(),
            ErrorKind::Decode,
            Some("Data.RecordFiles[0].FileSize"),
        ),
        (
            "no Code",
            200,
            br#"{"Message":"succeed","Data":{}}"#.to_vec(),
            ErrorKind::Decode,
            None,
        ),
        (
            "Code of the wrong type",
            200,
            br#"{"Code":true}"#.to_vec(),
            ErrorKind::Decode,
            Some("Code"),
        ),
        (
            "HTML 502 from a gateway",
            502,
            b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            ErrorKind::Server,
            None,
        ),
    ];
    for (what, status, body, kind, json_path) in cases {
        server.reset().await;
        mount(
            &server,
            ResponseTemplate::new(status).set_body_raw(body, "text/html"),
        )
        .await;
        let err = expect_err(call(&client, DRS).await, what);
        assert_eq!(err.kind(), kind, "{what}: {err}");
        assert_eq!(err.http_status(), Some(status), "{what}");
        assert_eq!(err.vendor(), Some(Vendor::Zego), "{what}");
        if kind == ErrorKind::Decode {
            assert!(!err.is_retryable(), "{what}");
            let details = err.decode_details();
            assert!(details.is_some(), "{what}: no decode details");
            if let Some(p) = json_path {
                assert_eq!(details.and_then(|d| d.path.as_deref()), Some(p), "{what}");
            }
        } else {
            assert!(err.is_retryable(), "{what}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------

#[test]
fn regional_hosts_resolve_to_the_documented_urls() {
    // vendor-facts §1.1, independently of the generated table.
    let documented = [
        ("sha", "https://cloudrecord-api-sha.zego.im/"),
        ("hkg", "https://cloudrecord-api-hkg.zego.im/"),
        ("fra", "https://cloudrecord-api-fra.zego.im/"),
        ("lax", "https://cloudrecord-api-lax.zego.im/"),
        ("bom", "https://cloudrecord-api-bom.zego.im/"),
        ("sgp", "https://cloudrecord-api-sgp.zego.im/"),
    ];
    assert_eq!(hosts::ALL.len(), documented.len());
    for (name, url) in documented {
        let client = Client::builder(creds()).host(name).build().unwrap();
        assert_eq!(client.base_url().as_str(), url, "{name}");
    }
    let default = Client::builder(creds()).build().unwrap();
    assert_eq!(
        default.base_url().as_str(),
        "https://cloudrecord-api.zego.im/"
    );
    assert_eq!(default.app_id(), APP_ID);
}

#[test]
fn debug_never_shows_the_secret() {
    let secret = "S3cr3t-do-not-print";
    let builder = Client::builder(Credentials::new(APP_ID, secret).unwrap());
    let text = format!("{builder:?} {builder:#?}");
    assert!(!text.contains("S3cr3t"), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    let client = builder.build().unwrap();
    let cloned = client.clone();
    let text = format!("{client:?} {cloned:#?}");
    assert!(!text.contains("S3cr3t"), "{text}");
    assert!(
        text.contains("[redacted]") && text.contains("cloudrecord-api.zego.im"),
        "{text}"
    );
}

#[tokio::test]
async fn an_empty_nonce_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(200, fixture("describe_record_status", "doc_example")),
    )
    .await;
    let client = builder(&server).nonce_source(String::new).build().unwrap();
    let err = expect_err(call(&client, DRS).await, "empty nonce");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.parameter(), Some("SignatureNonce"));
    assert_eq!(err.attempts(), 1);
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// StopRecord (issue 13 §7: added through the spec only)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn stop_record_is_a_signed_post_of_the_task_id() {
    let server = MockServer::start().await;
    mount(&server, json(200, fixture("stop_record", "doc_example"))).await;
    let client = client(&server);
    let answer = client.stop_record(&stop_request()).await.unwrap();
    assert_eq!(answer.outcome, StopOutcome::Stopped);
    assert_eq!(answer.response.code, 0);
    assert_eq!(answer.response.request_id.as_deref(), Some("abcd123"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    // The common parameters, Action first, as for the queries.
    let keys: Vec<String> = request
        .url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "Action",
            "AppId",
            "SignatureNonce",
            "Timestamp",
            "Signature",
            "SignatureVersion"
        ]
    );
    assert_eq!(query_value(request, "Action"), SR);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, serde_json::json!({ "TaskId": TASK_ID }));
    // The dry run shows the same request.
    let prepared = client.prepare_stop_record(&stop_request()).unwrap();
    assert_eq!(prepared.method, "POST");
    assert!(
        prepared.url.contains("Action=StopRecord&AppId="),
        "{}",
        prepared.url
    );
    assert_eq!(
        prepared.body.as_deref(),
        Some(r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#)
    );
}

#[test]
fn stop_record_refuses_a_task_id_that_is_not_16_bytes() {
    let err = StopRecordRequest::builder()
        .task_id("XXXXXXXXXXX")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.parameter(), Some("TaskId"));
}

#[tokio::test]
async fn stopping_an_ended_task_is_already_stopped_with_the_code_kept() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(200, fixture("stop_record", "error_task_ended")),
    )
    .await;
    let answer = ok(
        client(&server).stop_record(&stop_request()).await,
        "already stopped",
    );
    assert_eq!(answer.outcome, StopOutcome::AlreadyStopped);
    assert_eq!(answer.response.code, 300_001_001);
    assert_eq!(received(&server).await.len(), 1, "not retried");
}

#[tokio::test]
async fn a_retry_that_finds_its_own_stop_done_reports_stopped() {
    // The first attempt gets a 503 (it may have reached ZEGO and stopped the task); the
    // retry finds the task ended.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(
        &server,
        json(200, fixture("stop_record", "error_task_ended")),
    )
    .await;
    let answer = ok(
        client(&server).stop_record(&stop_request()).await,
        "stopped by the first attempt",
    );
    assert_eq!(answer.outcome, StopOutcome::Stopped);
    assert_eq!(
        answer.response.code, 300_001_001,
        "the vendor's code is kept"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_a_rate_limit_refusal_reports_already_stopped() {
    // A 429 refused the first attempt: it did nothing, so the ended task is not its work.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(
        &server,
        json(200, fixture("stop_record", "error_task_ended")),
    )
    .await;
    let answer = ok(
        client(&server).stop_record(&stop_request()).await,
        "already stopped",
    );
    assert_eq!(answer.outcome, StopOutcome::AlreadyStopped);
}
