//! The async client against a local wiremock server: every success fixture, the exact request
//! on the wire (golden vectors of `fixtures/volc/signing/`), every documented error code with
//! HTTP 200 and with its documented status, the envelope under bad bodies and a 429, the
//! documented rate limit, signing regions and regional hosts. Nothing here reaches the
//! internet.
//!
//! The transport behaviours every vendor client shares (retries with a fresh signature,
//! `Retry-After`, no retry on 4xx, timeouts, the body cap, the rate limiter under many
//! callers in paused time, the builder's URL checks) are tested once, against the generic
//! client, in record-core's `tests/service.rs`, and across the four vendors in the
//! emulator's conformance suite; record-core's `tests/README.md` maps each test that moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use record_core::client::PreparedRequest;
use record_core::transport::RateLimitScope;
use record_core::{ErrorKind, FixedClock, UnixMillis, Vendor};
use volc_record::{
    Client, ClientBuilder, Credentials, ERROR_CODES, GetRecordTaskRequest, GetRecordTaskResponse,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The credentials of the official signature example (volcengine.com/docs/6369/67270).
const DOC_AK: &str = "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg";
const DOC_SK: &str = "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==";
/// 2024-06-19T07:13:06Z, the time of the official example.
const DOC_TIME_MS: i64 = 1_718_781_186_000;
/// A session token for STS tests.
const TOKEN: &str = "STS-session-TOKEN-value-abcdef";

/// The fixed port of the golden-vector test (the `client_*` cases sign `127.0.0.1:29473`).
/// Below Linux's ephemeral range, so no other test's server gets it by chance.
const GOLDEN_PORT: u16 = 29473;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let path = repo_root().join("fixtures/volc/get_record_task").join(name);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn doc_credentials() -> Result<Credentials, record_core::Error> {
    Credentials::new(DOC_AK, DOC_SK)
}

fn doc_request() -> Result<GetRecordTaskRequest, record_core::Error> {
    GetRecordTaskRequest::builder()
        .app_id("661e****543cf")
        .room_id("Room1")
        .task_id("Task1")
        .build()
}

/// A builder aimed at `server`, with the doc credentials and a clock fixed at the doc time.
fn builder_for(server: &MockServer) -> Result<ClientBuilder, record_core::Error> {
    Ok(Client::builder(doc_credentials()?)
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(UnixMillis(DOC_TIME_MS)))))
}

/// Mounts a mock answering every `GET /` with `response`.
async fn serve(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(response)
        .mount(server)
        .await;
}

/// A JSON response with `body`.
fn json(status: u16, body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

/// The OpenAPI error envelope as Volcengine sends it.
fn error_envelope(code: &str, code_n: Option<i64>, message: &str, request_id: &str) -> String {
    let mut error = serde_json::json!({ "Code": code, "Message": message });
    if let Some(n) = code_n {
        error["CodeN"] = n.into();
    }
    serde_json::json!({
        "ResponseMetadata": {
            "RequestId": request_id,
            "Action": "GetRecordTask",
            "Version": "2023-11-01",
            "Service": "rtc",
            "Region": "cn-north-1",
            "Error": error,
        }
    })
    .to_string()
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The value of the header `name` (lowercase) of a prepared request.
fn prepared_header<'a>(prepared: &'a PreparedRequest, name: &str) -> Option<&'a str> {
    prepared
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------
// Success fixtures
// ---------------------------------------------------------------------------------------

/// `(case, http_status)` of every case of `cases.toml` whose kind is not "error".
fn success_cases() -> Result<Vec<(String, i64)>, Box<dyn std::error::Error>> {
    let text =
        std::fs::read_to_string(repo_root().join("fixtures/volc/get_record_task/cases.toml"))?;
    let table: toml::Table = toml::from_str(&text)?;
    let mut out = Vec::new();
    for (name, case) in &table {
        let kind = case.get("kind").and_then(toml::Value::as_str);
        let status = case.get("http_status").and_then(toml::Value::as_integer);
        let (Some(kind), Some(status)) = (kind, status) else {
            return Err(format!("case {name}: no kind or http_status").into());
        };
        if kind != "error" && status == 200 {
            out.push((name.clone(), status));
        }
    }
    Ok(out)
}

#[tokio::test]
async fn every_success_fixture_decodes_through_the_client() -> TestResult {
    let cases = success_cases()?;
    assert!(cases.len() >= 9, "only {} success cases found", cases.len());
    let server = MockServer::start().await;
    let client = builder_for(&server)?.build()?;
    for (name, status) in &cases {
        server.reset().await;
        let body = fixture(&format!("{name}.json"))?;
        serve(&server, json(u16::try_from(*status)?, body.clone())).await;
        let response = client
            .get_record_task(&doc_request()?)
            .await
            .map_err(|e| format!("case {name}: {e}"))?;
        let expected: GetRecordTaskResponse = serde_json::from_slice(&body)?;
        assert_eq!(response, expected, "case {name}");
        assert_eq!(
            serde_json::to_value(&response)?,
            serde_json::to_value(&expected)?,
            "case {name}: re-serialization"
        );
        assert!(response.error().is_none(), "case {name}");
        assert_eq!(received(&server).await.len(), 1, "case {name}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The request on the wire
// ---------------------------------------------------------------------------------------

/// `[input]` and `[expected]` of a signing case.
fn signing_case(name: &str) -> Result<(toml::Table, toml::Table), Box<dyn std::error::Error>> {
    let path = repo_root()
        .join("fixtures/volc/signing")
        .join(name)
        .join("case.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut doc: toml::Table = toml::from_str(&text)?;
    let take = |doc: &mut toml::Table, key: &str| match doc.remove(key) {
        Some(toml::Value::Table(t)) => Ok(t),
        _ => Err(format!("case {name}: no [{key}]")),
    };
    let input = take(&mut doc, "input")?;
    let expected = take(&mut doc, "expected")?;
    Ok((input, expected))
}

fn text<'a>(t: &'a toml::Table, key: &str) -> Result<&'a str, String> {
    t.get(key)
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("missing string `{key}`"))
}

/// `[[name, value], ...]` as pairs.
fn pair_list(t: &toml::Table, key: &str) -> Result<Vec<(String, String)>, String> {
    let items = t
        .get(key)
        .and_then(toml::Value::as_array)
        .ok_or_else(|| format!("missing array `{key}`"))?;
    items
        .iter()
        .map(|item| match item.as_array().map(Vec::as_slice) {
            Some([toml::Value::String(n), toml::Value::String(v)]) => Ok((n.clone(), v.clone())),
            _ => Err(format!("`{key}` item is not a pair: {item}")),
        })
        .collect()
}

/// The credentials, clock and request of a signing case whose query is a GetRecordTask.
fn client_inputs(
    input: &toml::Table,
) -> Result<(Credentials, FixedClock, GetRecordTaskRequest), Box<dyn std::error::Error>> {
    let mut credentials = Credentials::new(
        text(input, "access_key_id")?,
        text(input, "secret_access_key")?,
    )?;
    if let Some(token) = input.get("session_token").and_then(toml::Value::as_str) {
        credentials = credentials.with_session_token(token)?;
    }
    let time = input
        .get("time")
        .and_then(toml::Value::as_integer)
        .ok_or("missing `time`")?;
    let query: BTreeMap<String, String> = pair_list(input, "query")?.into_iter().collect();
    assert_eq!(
        query.get("Action").map(String::as_str),
        Some("GetRecordTask")
    );
    assert_eq!(query.get("Version").map(String::as_str), Some("2023-11-01"));
    assert_eq!(query.len(), 5, "Action, Version, AppId, RoomId, TaskId");
    let get = |k: &str| query.get(k).cloned().ok_or(format!("no {k}"));
    let request = GetRecordTaskRequest::builder()
        .app_id(get("AppId")?)
        .room_id(get("RoomId")?)
        .task_id(get("TaskId")?)
        .build()?;
    Ok((
        credentials,
        FixedClock::new(UnixMillis(time * 1000)),
        request,
    ))
}

#[tokio::test]
async fn the_request_on_the_wire_matches_the_golden_vectors() -> TestResult {
    let listener = std::net::TcpListener::bind(("127.0.0.1", GOLDEN_PORT))
        .map_err(|e| format!("port {GOLDEN_PORT} must be free for this test: {e}"))?;
    let server = MockServer::builder().listener(listener).start().await;
    assert_eq!(server.uri(), format!("http://127.0.0.1:{GOLDEN_PORT}"));

    for case in ["client_get_record_task", "client_get_record_task_sts"] {
        server.reset().await;
        serve(&server, json(200, fixture("doc_example.json")?)).await;
        let (input, expected) = signing_case(case)?;
        assert_eq!(text(&input, "host")?, format!("127.0.0.1:{GOLDEN_PORT}"));
        let (credentials, clock, request) = client_inputs(&input)?;
        let client = Client::builder(credentials)
            .base_url(server.uri())
            .clock(Arc::new(clock))
            .build()?;
        assert_eq!(client.region(), text(&input, "region")?);
        client.get_record_task(&request).await?;

        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "case {case}");
        let sent = &requests[0];
        assert_eq!(sent.method.as_str(), text(&expected, "method")?, "{case}");
        assert_eq!(sent.url.path(), text(&expected, "canonical_uri")?, "{case}");
        // The query string byte for byte: the canonical query the signer used.
        assert_eq!(
            sent.url.query(),
            Some(text(&expected, "canonical_query_string")?),
            "{case}"
        );
        assert_eq!(
            header(sent, "host"),
            Some(text(&expected, "host")?),
            "{case}"
        );
        // Every header the vector lists, with its exact value, and no other signing header.
        let expected_headers = pair_list(&expected, "headers")?;
        for (name, value) in &expected_headers {
            assert_eq!(header(sent, name), Some(value.as_str()), "{case}: {name}");
        }
        let has_token = expected_headers
            .iter()
            .any(|(n, _)| n == "X-Security-Token");
        assert_eq!(
            header(sent, "x-security-token").is_some(),
            has_token,
            "{case}"
        );
        assert_eq!(
            header(sent, "authorization"),
            Some(text(&expected, "authorization")?),
            "{case}"
        );
        assert!(
            header(sent, "content-type").is_none(),
            "{case}: GET sends no body"
        );
        assert!(sent.body.is_empty(), "{case}");
        assert_eq!(header(sent, "accept"), Some("application/json"), "{case}");
    }
    Ok(())
}

#[test]
fn prepared_requests_match_the_official_and_regional_vectors() -> TestResult {
    // (signing case, documented host name to select)
    for (case, host) in [
        ("official_rtc_standard", None),
        ("sts_token_standard", None),
        ("region_ap_singapore", Some("ap-singapore-1")),
    ] {
        let (input, expected) = signing_case(case)?;
        let (credentials, clock, request) = client_inputs(&input)?;
        let mut builder = Client::builder(credentials).clock(Arc::new(clock));
        if let Some(host) = host {
            builder = builder.host(host);
        }
        let client = builder.build()?;
        assert_eq!(client.region(), text(&input, "region")?, "{case}");
        let prepared = client.prepare_get_record_task(&request)?;
        assert_eq!(prepared.method, "GET");
        assert_eq!(prepared.body, None, "{case}");
        assert_eq!(
            prepared.url,
            format!(
                "https://{}/?{}",
                text(&expected, "host")?,
                text(&expected, "canonical_query_string")?
            ),
            "{case}"
        );
        let mut got: Vec<(String, String)> = prepared
            .headers
            .iter()
            .filter(|(name, _)| name.as_str() != "accept")
            .cloned()
            .collect();
        // Every header of the vector with its exact value, except the session token, which
        // a prepared request shows redacted (the signature, compared exactly, covers it;
        // `the_request_on_the_wire_matches_the_golden_vectors` checks the token sent).
        let token = input.get("session_token").and_then(toml::Value::as_str);
        let mut want: Vec<(String, String)> = pair_list(&expected, "headers")?
            .into_iter()
            .map(|(n, v)| {
                let n = n.to_ascii_lowercase();
                if n == "x-security-token" {
                    assert_eq!(Some(v.as_str()), token, "{case}");
                    (n, PreparedRequest::REDACTED.to_owned())
                } else {
                    (n, v)
                }
            })
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{case}");
        if let Some(token) = token {
            assert!(
                !format!("{prepared:?}").contains(token),
                "{case}: the token is shown"
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_documented_error_code_maps_through_the_client() -> TestResult {
    let server = MockServer::start().await;
    let client = builder_for(&server)?.disable_retries().build()?;
    let mut checked = 0;
    for info in ERROR_CODES {
        let mut statuses = vec![200];
        statuses.extend(info.http_status.filter(|s| *s != 200));
        for status in statuses {
            server.reset().await;
            let message = format!("message of {}", info.code);
            let request_id = format!("req-{}-{status}", info.code);
            let body = error_envelope(info.code, info.numeric, &message, &request_id);
            serve(&server, json(status, body)).await;

            let what = format!("{} with HTTP {status}", info.code);
            let Err(err) = client.get_record_task(&doc_request()?).await else {
                panic!("{what}: succeeded");
            };
            assert_eq!(err.kind(), info.kind, "{what}: {err}");
            assert_eq!(err.is_retryable(), info.retryable, "{what}");
            assert_eq!(err.vendor_code(), Some(info.code), "{what}");
            assert_eq!(err.vendor_message(), Some(message.as_str()), "{what}");
            assert_eq!(err.request_id(), Some(request_id.as_str()), "{what}");
            assert_eq!(err.http_status(), Some(status), "{what}");
            assert_eq!(err.vendor(), Some(Vendor::Volcengine), "{what}");
            assert_eq!(err.action(), Some("GetRecordTask"), "{what}");
            assert_eq!(err.attempts(), 1, "{what}");
            assert_eq!(received(&server).await.len(), 1, "{what}");
            checked += 1;
        }
    }
    // 32 codes, 16 of them with a documented HTTP status.
    assert_eq!(ERROR_CODES.len(), 32);
    assert_eq!(checked, 48);
    Ok(())
}

#[tokio::test]
async fn error_fixtures_map_through_the_client() -> TestResult {
    let server = MockServer::start().await;
    let client = builder_for(&server)?.disable_retries().build()?;
    // (fixture, HTTP status from cases.toml, kind, retryable, request id)
    let cases = [
        (
            "error_account_id_mismatch",
            200,
            ErrorKind::PermissionDenied,
            false,
            "20240619072606010010023016100A09",
        ),
        (
            "error_signature_does_not_match",
            401,
            ErrorKind::Unauthenticated,
            false,
            "20240619072706010010023016100A10",
        ),
        (
            "error_flow_limit_exceeded",
            429,
            ErrorKind::RateLimited,
            true,
            "20240619072806010010023016100A11",
        ),
        (
            "error_active_task_not_found",
            200,
            ErrorKind::NotFound,
            false,
            "20240619072906010010023016100A12",
        ),
        (
            "error_internal_error_family",
            500,
            ErrorKind::Server,
            true,
            "20240619073006010010023016100A13",
        ),
    ];
    for (name, status, kind, retryable, request_id) in cases {
        server.reset().await;
        let body = fixture(&format!("{name}.json"))?;
        let documented: GetRecordTaskResponse = serde_json::from_slice(&body)?;
        let vendor_error = documented.error().ok_or("an error fixture")?;
        serve(&server, json(status, body.clone())).await;
        let Err(err) = client.get_record_task(&doc_request()?).await else {
            panic!("{name}: succeeded");
        };
        assert_eq!(err.kind(), kind, "{name}");
        assert_eq!(err.is_retryable(), retryable, "{name}");
        assert_eq!(err.http_status(), Some(status), "{name}");
        assert_eq!(err.request_id(), Some(request_id), "{name}");
        assert_eq!(
            err.vendor_code(),
            Some(vendor_error.code.as_str()),
            "{name}"
        );
        assert_eq!(
            err.vendor_message(),
            Some(vendor_error.message.as_str()),
            "{name}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn dotted_and_undocumented_codes() -> TestResult {
    let server = MockServer::start().await;
    let client = builder_for(&server)?.disable_retries().build()?;
    // (code, HTTP status, kind, retryable)
    let cases = [
        (
            "InternalError.QueryTaskFailed",
            200,
            ErrorKind::Server,
            true,
        ),
        (
            "FlowLimitExceeded.SomethingNew",
            200,
            ErrorKind::RateLimited,
            true,
        ),
        (
            "AccessDenied.SomethingNew",
            403,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "InvalidParameter.SomethingNew",
            400,
            ErrorKind::InvalidRequest,
            false,
        ),
        ("BrandNewCode", 200, ErrorKind::Vendor, false),
        ("BrandNew.Dotted", 400, ErrorKind::Vendor, false),
        ("BrandNewCode", 503, ErrorKind::Server, true),
        ("BrandNewCode", 401, ErrorKind::Unauthenticated, false),
        ("BrandNewCode", 429, ErrorKind::RateLimited, true),
    ];
    for (code, status, kind, retryable) in cases {
        server.reset().await;
        serve(
            &server,
            json(status, error_envelope(code, None, "m", "rid")),
        )
        .await;
        let Err(err) = client.get_record_task(&doc_request()?).await else {
            panic!("{code}: succeeded");
        };
        assert_eq!(err.kind(), kind, "{code} / {status}");
        assert_eq!(err.is_retryable(), retryable, "{code} / {status}");
        assert_eq!(err.vendor_code(), Some(code), "the raw code is kept");
        assert_eq!(err.http_status(), Some(status));
        assert_eq!(err.request_id(), Some("rid"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Rate limiting: what is Volcengine's (the limiter itself is record-core's: tests/service.rs)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_envelope_keeps_its_code_request_id_and_retry_after() -> TestResult {
    let server = MockServer::start().await;
    let throttled = error_envelope("FlowLimitExceeded", None, "throttled", "rid-429");
    serve(
        &server,
        json(429, throttled).insert_header("Retry-After", "1"),
    )
    .await;
    let client = builder_for(&server)?.disable_retries().build()?;
    let Err(err) = client.get_record_task(&doc_request()?).await else {
        panic!("succeeded");
    };
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(err.http_status(), Some(429));
    assert_eq!(err.vendor_code(), Some("FlowLimitExceeded"));
    assert_eq!(err.request_id(), Some("rid-429"));
    assert_eq!(received(&server).await.len(), 1);
    Ok(())
}

#[test]
fn the_documented_rate_limit_is_60_per_second_for_the_client() -> TestResult {
    // vendor-facts §3: 60 requests per second per account, every action counted together.
    use record_core::service::Encode;
    assert_eq!(
        <GetRecordTaskRequest as Encode>::ENDPOINT.rate_limit_per_sec,
        Some(60)
    );
    let client = Client::builder(doc_credentials()?).build()?;
    let config = client.transport_config();
    assert_eq!(config.rate_limit_per_sec, Some(60));
    assert!(config.rate_limit_documented);
    assert_eq!(config.rate_limit_scope, RateLimitScope::Client);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Bad bodies
// ---------------------------------------------------------------------------------------

/// A body the client must refuse.
struct BadBody {
    what: &'static str,
    status: u16,
    body: String,
    content_type: &'static str,
    kind: ErrorKind,
    json_path: Option<&'static str>,
}

/// Bodies that are not the documented envelope through Volcengine's classifier: a decode
/// error with the HTTP status and the JSON path, or the status's error (with the request id
/// of an envelope without `Error`). (The body cap, refused before any classifier sees the
/// body, is record-core's: tests/service.rs.)
#[tokio::test]
async fn bad_bodies_are_typed_errors_with_the_http_status() -> TestResult {
    let server = MockServer::start().await;
    let client = builder_for(&server)?.disable_retries().build()?;
    let doc = String::from_utf8(fixture("doc_example.json")?)?;
    let wrong_type = doc.replace("\"StartTime\": 1624873773000", "\"StartTime\": \"soon\"");
    assert_ne!(wrong_type, doc, "the fixture changed; adapt this test");
    let case = |what: &'static str,
                status: u16,
                body: &str,
                content_type: &'static str,
                kind: ErrorKind| BadBody {
        what,
        status,
        body: body.to_owned(),
        content_type,
        kind,
        json_path: None,
    };
    let cases = [
        case(
            "truncated JSON",
            200,
            &doc[..doc.len() / 2],
            "application/json",
            ErrorKind::Decode,
        ),
        case(
            "HTML page",
            200,
            "<!DOCTYPE html><html><body>Bad gateway</body></html>",
            "text/html",
            ErrorKind::Decode,
        ),
        case("empty body", 200, "", "application/json", ErrorKind::Decode),
        BadBody {
            json_path: Some("Result.RecordTask.StartTime"),
            ..case(
                "wrong type",
                200,
                &wrong_type,
                "application/json",
                ErrorKind::Decode,
            )
        },
        BadBody {
            json_path: Some("ResponseMetadata.RequestId"),
            ..case(
                "RequestId is a number",
                200,
                r#"{"ResponseMetadata":{"RequestId":7,"Action":"GetRecordTask","Version":"2023-11-01","Service":"rtc","Region":"cn-north-1"}}"#,
                "application/json",
                ErrorKind::Decode,
            )
        },
        case(
            "no ResponseMetadata",
            200,
            r#"{"Result":{}}"#,
            "application/json",
            ErrorKind::Decode,
        ),
        case(
            "HTML 503",
            503,
            "<html>Service Unavailable</html>",
            "text/html",
            ErrorKind::Server,
        ),
        case(
            "envelope without error, HTTP 500",
            500,
            r#"{"ResponseMetadata":{"RequestId":"r500","Action":"GetRecordTask","Version":"2023-11-01","Service":"rtc","Region":"cn-north-1"}}"#,
            "application/json",
            ErrorKind::Server,
        ),
    ];
    for c in cases {
        let what = c.what;
        server.reset().await;
        serve(
            &server,
            ResponseTemplate::new(c.status).set_body_raw(c.body.into_bytes(), c.content_type),
        )
        .await;
        let Err(err) = client.get_record_task(&doc_request()?).await else {
            panic!("{what}: succeeded");
        };
        assert_eq!(err.kind(), c.kind, "{what}: {err}");
        assert_eq!(err.http_status(), Some(c.status), "{what}");
        assert_eq!(err.is_retryable(), c.kind == ErrorKind::Server, "{what}");
        if c.kind == ErrorKind::Decode {
            let details = err.decode_details().ok_or(format!("{what}: no details"))?;
            if c.json_path.is_some() {
                assert_eq!(details.path.as_deref(), c.json_path, "{what}");
            }
            assert!(
                !details.excerpt.is_empty() || what == "empty body",
                "{what}"
            );
        }
        if what.starts_with("envelope") {
            assert_eq!(err.request_id(), Some("r500"));
        }
    }

    Ok(())
}

// ---------------------------------------------------------------------------------------
// Builder, hosts and regions
// ---------------------------------------------------------------------------------------

/// The builder's URL checks are record-core's (tests/service.rs); the signing region is
/// Volcengine's.
#[test]
fn a_bad_signing_region_is_an_invalid_request() -> TestResult {
    let cases: Vec<(&str, ClientBuilder, &str)> = vec![
        (
            "empty region",
            Client::builder(doc_credentials()?).region(""),
            "region",
        ),
        (
            "region with a space",
            Client::builder(doc_credentials()?).region("cn north"),
            "region",
        ),
    ];
    for (what, builder, parameter) in cases {
        let Err(err) = builder.build() else {
            panic!("{what}: built");
        };
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}: {err}");
        assert_eq!(err.parameter(), Some(parameter), "{what}");
        assert_eq!(err.vendor(), Some(Vendor::Volcengine), "{what}");
        assert!(!err.is_retryable(), "{what}");
    }
    Ok(())
}

#[test]
fn hosts_resolve_to_the_documented_urls_and_regions() -> TestResult {
    let build = |f: fn(ClientBuilder) -> ClientBuilder| -> Result<Client, record_core::Error> {
        f(Client::builder(doc_credentials()?)).build()
    };
    // (what, client, base URL, signing region)
    let cases = [
        (
            "default",
            build(|b| b)?,
            "https://rtc.volcengineapi.com/",
            "cn-north-1",
        ),
        (
            "cn-north-1",
            build(|b| b.host("cn-north-1"))?,
            "https://rtc.volcengineapi.com/",
            "cn-north-1",
        ),
        (
            "ap-singapore-1",
            build(|b| b.host("ap-singapore-1"))?,
            "https://open-ap-singapore-1.volcengineapi.com/",
            "ap-singapore-1",
        ),
        (
            "documented URL as base_url",
            build(|b| b.base_url("https://open-ap-singapore-1.volcengineapi.com/"))?,
            "https://open-ap-singapore-1.volcengineapi.com/",
            "ap-singapore-1",
        ),
        (
            "custom base_url",
            build(|b| b.base_url("http://127.0.0.1:8080"))?,
            "http://127.0.0.1:8080/",
            "cn-north-1",
        ),
        (
            "custom base_url with a region",
            build(|b| b.base_url("http://127.0.0.1:8080").region("ap-singapore-1"))?,
            "http://127.0.0.1:8080/",
            "ap-singapore-1",
        ),
        (
            "explicit region wins over the host's",
            build(|b| b.host("ap-singapore-1").region("us-east-1"))?,
            "https://open-ap-singapore-1.volcengineapi.com/",
            "us-east-1",
        ),
    ];
    for (what, client, url, region) in cases {
        assert_eq!(client.base_url().as_str(), url, "{what}");
        assert_eq!(client.region(), region, "{what}");
        assert_eq!(client.signer().region(), region, "{what}");
        assert_eq!(client.signer().service(), "rtc", "{what}");
    }
    // The table the builder uses is the generated one.
    assert_eq!(
        volc_record::hosts::by_name("ap-singapore-1"),
        Some("https://open-ap-singapore-1.volcengineapi.com")
    );
    Ok(())
}

#[tokio::test]
async fn the_signing_region_on_the_wire_follows_the_settings() -> TestResult {
    let server = MockServer::start().await;
    serve(&server, json(200, fixture("doc_example.json")?)).await;
    for (region, expected_scope) in [
        (None, "/20240619/cn-north-1/rtc/request, "),
        (
            Some("ap-singapore-1"),
            "/20240619/ap-singapore-1/rtc/request, ",
        ),
    ] {
        server.reset().await;
        serve(&server, json(200, fixture("doc_example.json")?)).await;
        let mut builder = builder_for(&server)?;
        if let Some(region) = region {
            builder = builder.region(region);
        }
        builder.build()?.get_record_task(&doc_request()?).await?;
        let requests = received(&server).await;
        let auth = requests.first().and_then(|r| header(r, "authorization"));
        let auth = auth.ok_or("no Authorization header")?;
        assert!(
            auth.starts_with(&format!("HMAC-SHA256 Credential={DOC_AK}{expected_scope}")),
            "{auth}"
        );
    }
    // host("ap-singapore-1") signs for its region (no request is sent).
    let prepared = Client::builder(doc_credentials()?)
        .host("ap-singapore-1")
        .clock(Arc::new(FixedClock::new(UnixMillis(DOC_TIME_MS))))
        .build()?
        .prepare_get_record_task(&doc_request()?)?;
    let auth = prepared_header(&prepared, "authorization").ok_or("no Authorization")?;
    assert!(
        auth.contains("/20240619/ap-singapore-1/rtc/request, "),
        "{auth}"
    );
    assert_eq!(
        reqwest::Url::parse(&prepared.url)?.host_str(),
        Some("open-ap-singapore-1.volcengineapi.com")
    );
    Ok(())
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept_and_signed() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proxy/volc/"))
        .respond_with(json(200, fixture("doc_example.json")?))
        .mount(&server)
        .await;
    let client = Client::builder(doc_credentials()?)
        .base_url(format!("{}/proxy/volc", server.uri()))
        .clock(Arc::new(FixedClock::new(UnixMillis(DOC_TIME_MS))))
        .build()?;
    client.get_record_task(&doc_request()?).await?;
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/proxy/volc/");
    // The signature covers that path: it differs from the one for `/`.
    let root = builder_for(&server)?
        .build()?
        .prepare_get_record_task(&doc_request()?)?;
    assert_ne!(
        header(&requests[0], "authorization"),
        prepared_header(&root, "authorization")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Sharing and redaction
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn clones_share_the_signer_and_its_key_cache() -> TestResult {
    let server = MockServer::start().await;
    serve(&server, json(200, fixture("doc_example.json")?)).await;
    let client = builder_for(&server)?.build()?;
    let clone = client.clone();
    assert!(std::ptr::eq(client.signer(), clone.signer()));
    client.get_record_task(&doc_request()?).await?;
    clone.get_record_task(&doc_request()?).await?;
    assert_eq!(client.signer().key_cache().derivations(), 1);
    assert_eq!(
        client.signer().key_cache().cached_scope().as_deref(),
        Some("20240619/cn-north-1/rtc")
    );
    assert_eq!(received(&server).await.len(), 2);
    Ok(())
}

#[test]
fn debug_output_never_shows_secrets() -> TestResult {
    let credentials = Credentials::new(DOC_AK, DOC_SK)?.with_session_token(TOKEN)?;
    let builder = Client::builder(credentials).base_url("http://127.0.0.1:1");
    let builder_debug = format!("{builder:?}");
    let client = builder.build()?;
    let client_debug = format!("{client:?}");
    let prepared = client.prepare_get_record_task(&doc_request()?)?;
    let prepared_debug = format!("{prepared:?}");
    for (what, text) in [
        ("builder", &builder_debug),
        ("client", &client_debug),
        ("prepared request", &prepared_debug),
    ] {
        assert!(!text.contains(DOC_SK), "{what} shows the secret: {text}");
        assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
    }
    assert!(client_debug.contains(DOC_AK), "{client_debug}");
    assert!(
        client_debug.contains("http://127.0.0.1:1/"),
        "{client_debug}"
    );
    assert!(client_debug.contains("cn-north-1"), "{client_debug}");
    // The token header is there, redacted, and the secret never is (the unit test
    // `the_session_token_is_sent_sensitive_and_prepared_redacted` in `src/client.rs` checks
    // that the request sent carries the token, marked sensitive).
    assert_eq!(
        prepared_header(&prepared, "x-security-token"),
        Some(PreparedRequest::REDACTED)
    );
    assert!(
        prepared.headers.iter().all(|(_, v)| !v.contains(DOC_SK)),
        "{prepared:?}"
    );
    Ok(())
}

#[test]
fn client_futures_can_be_spawned() -> TestResult {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}
    assert_shareable::<Client>();
    let client = Client::builder(doc_credentials()?).build()?;
    let request = doc_request()?;
    // Never polled: only its type is checked.
    let future = client.get_record_task(&request);
    assert_send(&future);
    Ok(())
}

#[test]
fn a_secret_or_token_with_a_control_character_is_refused_naming_the_parameter() {
    use volc_record::credentials::Credentials;
    // A trailing newline pasted from a file would sign every request wrongly, silently.
    let Err(err) = Credentials::new("AKLTexample", "secret\n") else {
        panic!("a secret with a newline was accepted");
    };
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.parameter(), Some("secret_access_key"));
    assert!(!err.to_string().contains("secret\n"));
    let long_term = Credentials::new("AKLTexample", "secret").unwrap_or_else(|e| panic!("{e}"));
    let Err(err) = long_term.with_session_token("token\n") else {
        panic!("a token with a newline was accepted");
    };
    assert_eq!(err.parameter(), Some("session_token"));
}
