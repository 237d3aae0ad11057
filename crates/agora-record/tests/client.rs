//! The async client against a local wiremock server (127.0.0.1 only, no internet): every
//! success fixture, the exact request against the golden Basic-auth vectors, every
//! documented error code and error fixture, Agora's 404 and gateway answers, bad bodies
//! through Agora's classifier, the documented 10/s rate limit, and builder hosts.
//!
//! The transport behaviours every vendor client shares (retries, `Retry-After`, no retry on
//! 4xx, timeouts, the body cap, the rate limiter under many callers in paused time, the
//! builder's URL checks) are tested once, against the generic client, in record-core's
//! `tests/service.rs`, and across the four vendors in the emulator's conformance suite;
//! record-core's `tests/README.md` maps each test that moved.

use agora_record::{
    Client, ClientBuilder, Credentials, ERROR_CODES, ErrorBody, QueryRequest, QueryResponse,
    RecordingMode, hosts,
};
use record_core::transport::RateLimitScope;
use record_core::{ErrorKind, FixedClock, RetryPolicy, UnixMillis, Vendor};
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn StdError>>;

const APPID: &str = "970CA35de60c44645bbae8a215061b33";
const RESOURCE: &str = "JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q";
const SID: &str = "38f8e3cfdc474cd56fc1ceba380d7e1a";
/// The documented path for [`request`], written out by hand.
const QUERY_PATH: &str = "/v1/apps/970CA35de60c44645bbae8a215061b33/cloud_recording/resourceid/\
                          JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q\
                          /sid/38f8e3cfdc474cd56fc1ceba380d7e1a/mode/mix/query";
const CUSTOMER_ID: &str = "test-customer-id";
const CUSTOMER_SECRET: &str = "test-customer-secret";
/// vendor-facts §4.2 [D] (also the golden case `vendor_facts_test_customer`).
const CUSTOMER_HEADER: &str = "Basic dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA==";

// ---------------------------------------------------------------------------------------
// Helpers

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/agora")
}

fn read_fixture(folder: &str, case: &str) -> Result<Vec<u8>, Box<dyn StdError>> {
    let p = fixtures_dir().join(folder).join(format!("{case}.json"));
    std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()).into())
}

/// The cases of `fixtures/agora/<folder>/cases.toml`, by name.
fn cases(folder: &str) -> Result<BTreeMap<String, toml::Table>, Box<dyn StdError>> {
    let p = fixtures_dir().join(folder).join("cases.toml");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    let table: toml::Table = toml::from_str(&text)?;
    let mut out = BTreeMap::new();
    for (name, value) in table {
        let Some(case) = value.as_table() else {
            return Err(format!("{folder}/cases.toml: `{name}` is not a table").into());
        };
        out.insert(name, case.clone());
    }
    Ok(out)
}

fn case_kind(case: &toml::Table) -> &str {
    case.get("kind").and_then(toml::Value::as_str).unwrap_or("")
}

fn case_status(case: &toml::Table) -> Option<u16> {
    case.get("http_status")
        .and_then(toml::Value::as_integer)
        .and_then(|s| u16::try_from(s).ok())
}

fn creds() -> Result<Credentials, record_core::Error> {
    Credentials::new(CUSTOMER_ID, CUSTOMER_SECRET)
}

fn request() -> Result<QueryRequest, record_core::Error> {
    QueryRequest::builder()
        .appid(APPID)
        .resourceid(RESOURCE)
        .sid(SID)
        .mode(RecordingMode::Mix)
        .build()
}

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(10),
    }
}

/// A builder pointed at `server`, with a fixed clock, fast retries and no client-side rate
/// limit (the rate-limit test sets its own).
fn builder_for(server: &MockServer, creds: Credentials) -> ClientBuilder {
    Client::builder(creds)
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(UnixMillis(1_718_781_186_000))))
        .retry_policy(fast_retries(3))
        .rate_limit(None)
}

fn client_for(server: &MockServer) -> Result<Client, record_core::Error> {
    builder_for(server, creds()?).build()
}

fn json(status: u16, body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_vec(), "application/json")
}

async fn mount(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(QUERY_PATH))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header<'a>(req: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Calls `query` and expects an error.
async fn query_err(client: &Client) -> Result<record_core::Error, Box<dyn StdError>> {
    match client.query(&request()?).await {
        Ok(r) => Err(format!("expected an error, got {r:?}").into()),
        Err(e) => Ok(e),
    }
}

// ---------------------------------------------------------------------------------------
// Success fixtures

#[tokio::test]
async fn every_success_fixture_decodes_through_the_client() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    let mut checked = Vec::new();
    // `errors/` holds error bodies (decoded as `ErrorBody`), `callbacks/` NCS notification
    // bodies (tests/callback.rs); every other folder with a `cases.toml` is an endpoint's
    // responses. Agora has one endpoint: `query`.
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir())? {
        let p = entry?.path();
        if p.join("cases.toml").is_file() {
            folders.push(p.file_name().map(|n| n.to_string_lossy().into_owned()));
        }
    }
    folders.sort();
    assert_eq!(
        folders,
        vec![
            Some("callbacks".to_owned()),
            Some("errors".to_owned()),
            Some("query".to_owned())
        ]
    );
    for (name, case) in cases("query")? {
        if case_kind(&case) == "error" || case_status(&case).unwrap_or(200) != 200 {
            continue;
        }
        let body = read_fixture("query", &name)?;
        server.reset().await;
        mount(&server, json(200, &body)).await;
        let got = match client.query(&request()?).await {
            Ok(r) => r,
            Err(e) => return Err(format!("fixture `{name}`: {e}").into()),
        };
        let want: QueryResponse = serde_json::from_slice(&body)?;
        assert_eq!(got, want, "fixture `{name}`");
        assert_eq!(
            serde_json::to_value(&got)?,
            serde_json::to_value(&want)?,
            "fixture `{name}`"
        );
        assert_eq!(received(&server).await.len(), 1, "fixture `{name}`");
        checked.push(name);
    }
    // 16 fixtures at the time of writing; all of them are success bodies.
    assert!(checked.len() >= 16, "only {checked:?}");
    assert!(checked.iter().any(|n| n == "doc_example"));
    Ok(())
}

#[tokio::test]
async fn a_zero_code_in_a_success_body_is_not_an_error() -> TestResult {
    let server = MockServer::start().await;
    let body = br#"{"code":0,"resourceId":"r","sid":"s","serverResponse":{"status":5}}"#;
    mount(&server, json(200, body)).await;
    let resp = client_for(&server)?.query(&request()?).await?;
    assert_eq!(resp.resource_id.as_deref(), Some("r"));
    assert_eq!(
        resp.server_response.status,
        Some(agora_record::ServerStatus::InProgress)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The exact request

/// Every golden Basic-auth vector of `fixtures/agora/signing/` (each case with an
/// `[expected]` table) is sent through the client: the request is exactly GET on the
/// documented path, no query string, the vector's `Authorization` header, JSON
/// `Accept`/`Content-Type`, no body.
#[tokio::test]
async fn the_request_matches_the_golden_signing_vectors() -> TestResult {
    let server = MockServer::start().await;
    let ok = read_fixture("query", "doc_example")?;
    mount(&server, json(200, &ok)).await;
    let dir = fixtures_dir().join("signing");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let case_dir = entry?.path();
        let toml_path = case_dir.join("case.toml");
        if !toml_path.is_file() {
            continue;
        }
        let case: toml::Table = toml::from_str(&std::fs::read_to_string(&toml_path)?)?;
        let Some(expected) = case.get("expected").and_then(toml::Value::as_table) else {
            continue; // a rejection vector: no request is ever sent
        };
        let input = case
            .get("input")
            .and_then(toml::Value::as_table)
            .ok_or("missing [input]")?;
        let get = |t: &toml::Table, k: &str| -> Result<String, Box<dyn StdError>> {
            t.get(k)
                .and_then(toml::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("{}: missing `{k}`", toml_path.display()).into())
        };
        let creds = Credentials::new(get(input, "customer_id")?, get(input, "customer_secret")?)?;
        let header_name = get(expected, "header_name")?;
        let header_value = get(expected, "header_value")?;

        server.reset().await;
        mount(&server, json(200, &ok)).await;
        let client = builder_for(&server, creds).build()?;
        client.query(&request()?).await?;
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 1, "{}", toml_path.display());
        let r = &reqs[0];
        assert_eq!(r.method.as_str(), "GET");
        assert_eq!(r.url.path(), QUERY_PATH);
        assert_eq!(r.url.query(), None, "no query string");
        assert_eq!(
            header(r, &header_name),
            Some(header_value.as_str()),
            "{toml_path:?}"
        );
        assert_eq!(header(r, "accept"), Some("application/json"));
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert!(r.body.is_empty(), "GET without a body");
        names.push(case_dir);
    }
    assert!(names.len() >= 15, "only {} golden cases", names.len());
    assert!(names.iter().any(|n| n.ends_with("rfc7617_aladdin")));
    Ok(())
}

/// Path segments are percent-encoded (RFC 3986 unreserved kept), and a base URL with a path
/// (a proxy prefix) keeps it in front.
#[tokio::test]
async fn path_segments_are_percent_encoded_and_a_base_path_is_kept() -> TestResult {
    let server = MockServer::start().await;
    let ok = read_fixture("query", "web_recorder")?;
    Mock::given(any())
        .respond_with(json(200, &ok))
        .mount(&server)
        .await;
    let client = Client::builder(creds()?)
        .base_url(format!("{}/proxy/agora/", server.uri()))
        .rate_limit(None)
        .build()?;
    let req = QueryRequest::builder()
        .appid("app id")
        .resourceid("res/our~ce")
        .sid("s?d#1%")
        .mode(RecordingMode::Web)
        .build()?;
    client.query(&req).await?;
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].url.path(),
        "/proxy/agora/v1/apps/app%20id/cloud_recording/resourceid/res%2Four~ce/sid/s%3Fd%231%25/mode/web/query"
    );
    assert_eq!(reqs[0].url.query(), None);
    assert_eq!(header(&reqs[0], "authorization"), Some(CUSTOMER_HEADER));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Documented error codes

/// How the vendor sends a documented code: service codes (numbers) as
/// `{"code": N, "reason": ...}`, gateway codes (messages) as `{"message": ...}`; at the
/// documented HTTP status, or 400 where none is documented.
fn error_body_for(code: &str) -> (Vec<u8>, String) {
    match code.parse::<i64>() {
        Ok(n) => {
            let reason = format!("reason for {n}");
            (
                serde_json::json!({"code": n, "reason": reason})
                    .to_string()
                    .into_bytes(),
                reason,
            )
        }
        Err(_) => (
            serde_json::json!({ "message": code })
                .to_string()
                .into_bytes(),
            code.to_owned(),
        ),
    }
}

#[tokio::test]
async fn every_documented_error_code_maps_to_its_kind_and_retryability() -> TestResult {
    let server = MockServer::start().await;
    let client = builder_for(&server, creds()?).disable_retries().build()?;
    assert!(ERROR_CODES.len() >= 20);
    for (i, info) in ERROR_CODES.iter().enumerate() {
        let (body, vendor_message) = error_body_for(info.code);
        let mut statuses = vec![info.http_status.unwrap_or(400)];
        if info.code.parse::<i64>().is_ok() {
            // A service code may also come inside an HTTP 200 answer.
            statuses.push(200);
        }
        for status in statuses {
            let request_id = format!("req-{i}-{status}");
            server.reset().await;
            mount(
                &server,
                json(status, &body).insert_header("X-Request-ID", request_id.as_str()),
            )
            .await;
            let e = query_err(&client).await?;
            let ctx = format!("code {:?} at HTTP {status}: {e}", info.code);
            assert_eq!(e.kind(), info.kind, "{ctx}");
            assert_eq!(e.is_retryable(), info.retryable, "{ctx}");
            assert_eq!(e.vendor_code(), Some(info.code), "{ctx}");
            assert_eq!(e.vendor_message(), Some(vendor_message.as_str()), "{ctx}");
            assert_eq!(e.http_status(), Some(status), "{ctx}");
            assert_eq!(e.request_id(), Some(request_id.as_str()), "{ctx}");
            assert_eq!(e.vendor(), Some(Vendor::Agora), "{ctx}");
            assert_eq!(e.action(), Some("query"), "{ctx}");
            assert_eq!(e.attempts(), 1, "{ctx}");
            assert!(e.message().contains(info.meaning), "{ctx}");
            assert_eq!(received(&server).await.len(), 1, "{ctx}");
        }
    }
    Ok(())
}

/// Every fixture of `fixtures/agora/errors/` served as the vendor would (at its documented
/// HTTP status; those without one at 400 and inside a 200).
#[tokio::test]
async fn every_error_fixture_is_classified() -> TestResult {
    use ErrorKind::{InvalidRequest, NotFound, RateLimited, Unauthenticated};
    // (fixture, HTTP status) -> (kind, retryable, vendor code, vendor message)
    type Want = (ErrorKind, bool, Option<&'static str>, Option<&'static str>);
    let expectations: &[(&str, u16, Want)] = &[
        (
            "unauthorized",
            401,
            (
                Unauthenticated,
                false,
                Some("Unauthorized"),
                Some("Unauthorized"),
            ),
        ),
        (
            "invalid_credentials",
            401,
            (
                Unauthenticated,
                false,
                Some("Invalid authentication credentials"),
                Some("Invalid authentication credentials"),
            ),
        ),
        (
            "no_route",
            404,
            (
                InvalidRequest,
                false,
                Some("no Route matched with those values"),
                Some("no Route matched with those values"),
            ),
        ),
        (
            "rate_limited",
            429,
            (
                RateLimited,
                true,
                Some("API rate limit exceeded"),
                Some("API rate limit exceeded"),
            ),
        ),
        (
            "appid_invalid",
            400,
            (
                InvalidRequest,
                false,
                Some("appid is invalid"),
                Some("appid is invalid"),
            ),
        ),
        (
            "service_code_2",
            400,
            (
                InvalidRequest,
                false,
                Some("2"),
                Some("Acquire: invalid resourceExpiredHour value!"),
            ),
        ),
        (
            "service_code_501",
            400,
            (NotFound, false, Some("501"), Some("recorder is exiting")),
        ),
        (
            "service_code_501",
            200,
            (NotFound, false, Some("501"), Some("recorder is exiting")),
        ),
        (
            "worker_not_found",
            404,
            (NotFound, false, Some("404"), Some("failed to find worker")),
        ),
        (
            "code_as_string",
            400,
            (
                ErrorKind::Vendor,
                false,
                Some("435"),
                Some("no recorded file"),
            ),
        ),
        (
            "code_as_string",
            200,
            (
                ErrorKind::Vendor,
                false,
                Some("435"),
                Some("no recorded file"),
            ),
        ),
        ("empty_body", 400, (InvalidRequest, false, None, None)),
        ("empty_body", 404, (NotFound, false, None, None)),
    ];
    let all = cases("errors")?;
    for name in all.keys() {
        assert!(
            expectations.iter().any(|(n, _, _)| n == name),
            "errors/{name}.json has no expectation here"
        );
    }
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    for (name, status, (kind, retryable, code, message)) in expectations {
        let case = all.get(*name).ok_or_else(|| format!("no case `{name}`"))?;
        if let Some(documented) = case_status(case) {
            assert_eq!(
                documented, *status,
                "{name}: serve at its documented status"
            );
        }
        let body = read_fixture("errors", name)?;
        server.reset().await;
        mount(&server, json(*status, &body)).await;
        let e = query_err(&client).await?;
        let ctx = format!("{name} at HTTP {status}: {e}");
        assert_eq!(e.kind(), *kind, "{ctx}");
        assert_eq!(e.is_retryable(), *retryable, "{ctx}");
        assert_eq!(e.vendor_code(), *code, "{ctx}");
        assert_eq!(e.vendor_message(), *message, "{ctx}");
        assert_eq!(e.http_status(), Some(*status), "{ctx}");
        // Non-retryable errors are sent once; the 429 is retried (3 attempts).
        let want_requests = if *retryable { 3 } else { 1 };
        assert_eq!(received(&server).await.len(), want_requests, "{ctx}");
        assert_eq!(e.attempts() as usize, want_requests, "{ctx}");
        // The client and `ErrorBody::to_error` agree on non-empty bodies.
        let parsed: ErrorBody = serde_json::from_slice(&body)?;
        if parsed.code.is_some() || parsed.message.is_some() {
            let direct = parsed.to_error(*status);
            assert_eq!(direct.kind(), e.kind(), "{ctx}");
            assert_eq!(direct.vendor_code(), e.vendor_code(), "{ctx}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn http_404_means_the_session_is_not_running_whatever_the_body() -> TestResult {
    let server = MockServer::start().await;
    // Default retry count (3 attempts): a 404 must still be sent once.
    let client = client_for(&server)?;
    let worker = read_fixture("errors", "worker_not_found")?;
    let bodies: [(&[u8], &str); 6] = [
        (b"", "application/json"),
        (b"{}", "application/json"),
        (
            b"<html><body><h1>404 Not Found</h1></body></html>",
            "text/html",
        ),
        (b"Not Found", "text/plain"),
        (b"{\"cname\": ", "application/json"),
        (&worker, "application/json"),
    ];
    for (body, mime) in bodies {
        server.reset().await;
        mount(
            &server,
            ResponseTemplate::new(404).set_body_raw(body.to_vec(), mime),
        )
        .await;
        let e = query_err(&client).await?;
        let ctx = format!("body {:?}: {e}", String::from_utf8_lossy(body));
        assert_eq!(e.kind(), ErrorKind::NotFound, "{ctx}");
        assert!(!e.is_retryable(), "{ctx}");
        assert_eq!(e.http_status(), Some(404), "{ctx}");
        assert!(e.message().contains("has ended"), "{ctx}");
        assert!(e.message().contains("sid"), "{ctx}");
        assert_eq!(received(&server).await.len(), 1, "{ctx}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Gateway answers and the rate limit: what is Agora's (retries and the limiter are
// record-core's: tests/service.rs)

#[tokio::test]
async fn a_gateway_message_under_a_5xx_is_a_server_error_keeping_it() -> TestResult {
    let server = MockServer::start().await;
    mount(
        &server,
        json(500, br#"{"message":"An unexpected error occurred"}"#),
    )
    .await;
    let client = builder_for(&server, creds()?).disable_retries().build()?;
    let e = query_err(&client).await?;
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(e.is_retryable());
    assert_eq!(e.http_status(), Some(500));
    assert_eq!(e.vendor_code(), Some("An unexpected error occurred"));
    assert_eq!(received(&server).await.len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_429_gateway_answer_keeps_its_message_request_id_and_retry_after() -> TestResult {
    let server = MockServer::start().await;
    let limited = read_fixture("errors", "rate_limited")?;
    mount(
        &server,
        json(429, &limited)
            .insert_header("Retry-After", "1")
            .insert_header("x-request-id", "rl-1"),
    )
    .await;
    let client = builder_for(&server, creds()?).disable_retries().build()?;
    let e = query_err(&client).await?;
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(e.http_status(), Some(429));
    assert_eq!(e.request_id(), Some("rl-1"));
    assert_eq!(e.vendor_code(), Some("API rate limit exceeded"));
    assert_eq!(received(&server).await.len(), 1);
    Ok(())
}

#[test]
fn the_documented_rate_limit_is_10_per_second_for_the_client() -> TestResult {
    // vendor-facts §4: 10 requests per second (per App ID), every call counted together.
    use record_core::service::Encode;
    assert_eq!(
        <QueryRequest as Encode>::ENDPOINT.rate_limit_per_sec,
        Some(10)
    );
    let client = Client::new(creds()?)?;
    let config = client.transport_config();
    assert_eq!(config.rate_limit_per_sec, Some(10));
    assert!(config.rate_limit_documented);
    assert_eq!(config.rate_limit_scope, RateLimitScope::Client);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Bad bodies

/// Bodies that are not Agora's answer through its classifier: a decode error with the HTTP
/// status and the JSON path, or the status's error. (The body cap, refused before any
/// classifier sees the body, is record-core's: tests/service.rs.)
#[tokio::test]
async fn bad_bodies_are_typed_errors_with_the_http_status() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    // (body, mime, JSON path of the failure)
    let cases: [(&[u8], &str, Option<&str>); 7] = [
        (
            br#"{"resourceId":"r","serverResponse":{"status":5,"fileLi"#,
            "application/json",
            None,
        ),
        (
            b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
            "text/html",
            None,
        ),
        (b"", "application/json", None),
        (b"   ", "application/json", None),
        (
            br#"{"resourceId":5,"serverResponse":{}}"#,
            "application/json",
            Some("resourceId"),
        ),
        (
            br#"{"serverResponse":{"status":5,"sliceStartTime":"soon"}}"#,
            "application/json",
            Some("serverResponse.sliceStartTime"),
        ),
        (br#"[1,2,3]"#, "application/json", None),
    ];
    for (body, mime, want_path) in cases {
        server.reset().await;
        mount(
            &server,
            ResponseTemplate::new(200).set_body_raw(body.to_vec(), mime),
        )
        .await;
        let e = query_err(&client).await?;
        let ctx = format!("{:?}: {e}", String::from_utf8_lossy(body));
        assert_eq!(e.kind(), ErrorKind::Decode, "{ctx}");
        assert!(!e.is_retryable(), "{ctx}");
        assert_eq!(e.http_status(), Some(200), "{ctx}");
        assert_eq!(received(&server).await.len(), 1, "{ctx}");
        let details = e.decode_details().ok_or("no decode details")?;
        if let Some(p) = want_path {
            assert_eq!(details.path.as_deref(), Some(p), "{ctx}");
        }
        let trimmed = String::from_utf8_lossy(body);
        assert!(trimmed.starts_with(details.excerpt.as_str()), "{ctx}");
    }

    // A missing required field names it.
    server.reset().await;
    mount(&server, json(200, br#"{"sid":"s"}"#)).await;
    let e = query_err(&client).await?;
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.to_string().contains("serverResponse"), "{e}");

    // An HTML 503 stays a (retryable) server error, not a decode error.
    server.reset().await;
    mount(
        &server,
        ResponseTemplate::new(503).set_body_raw("<html>down</html>", "text/html"),
    )
    .await;
    let e = query_err(&builder_for(&server, creds()?).disable_retries().build()?).await?;
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(e.is_retryable());
    assert_eq!(e.http_status(), Some(503));
    Ok(())
}

#[tokio::test]
async fn an_undocumented_code_in_a_200_is_a_vendor_error() -> TestResult {
    let server = MockServer::start().await;
    let client = client_for(&server)?;
    for (body, code) in [
        (&br#"{"code": 9999, "reason": "something new"}"#[..], "9999"),
        (&br#"{"code": "77", "reason": "something new"}"#[..], "77"),
        (
            &br#"{"code": "E_BUSY", "reason": "something new"}"#[..],
            "E_BUSY",
        ),
    ] {
        server.reset().await;
        mount(
            &server,
            json(200, body).insert_header("X-Request-ID", "abc"),
        )
        .await;
        let e = query_err(&client).await?;
        assert_eq!(e.kind(), ErrorKind::Vendor, "{e}");
        assert!(!e.is_retryable());
        assert_eq!(e.vendor_code(), Some(code));
        assert_eq!(e.http_status(), Some(200));
        assert_eq!(e.request_id(), Some("abc"));
        assert_eq!(received(&server).await.len(), 1);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Builder

#[test]
fn hosts_resolve_to_the_documented_urls() -> TestResult {
    assert_eq!(
        Client::new(creds()?)?.base_url().as_str(),
        "https://api.sd-rtn.com/"
    );
    let named = [
        ("default", "https://api.sd-rtn.com/"),
        ("global", "https://api.agora.io/"),
        ("eu-central-1", "https://api-eu-central-1.sd-rtn.com/"),
        (
            "global-ap-southeast-1",
            "https://api-ap-southeast-1.agora.io/",
        ),
        ("cn-north-1", "https://api-cn-north-1.sd-rtn.com/"),
    ];
    for (name, url) in named {
        let c = Client::builder(creds()?).host(name).build()?;
        assert_eq!(c.base_url().as_str(), url, "{name}");
    }
    // Every documented host by name, and every regional prefix of vendor-facts §4.1 on both
    // domains.
    for (name, url, _) in hosts::ALL {
        let c = Client::builder(creds()?).host(*name).build()?;
        assert_eq!(c.base_url().as_str(), format!("{url}/"), "{name}");
    }
    for region in [
        "us-west-1",
        "us-east-1",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
        "cn-east-1",
        "cn-north-1",
    ] {
        for domain in ["sd-rtn.com", "agora.io"] {
            let want = format!("https://api-{region}.{domain}");
            assert!(
                hosts::ALL.iter().any(|(_, url, _)| *url == want),
                "{want} is not selectable"
            );
        }
    }
    // A base URL wins over the default and keeps its path prefix.
    let c = Client::builder(creds()?)
        .base_url("http://127.0.0.1:9/prefix/")
        .build()?;
    assert_eq!(c.base_url().as_str(), "http://127.0.0.1:9/prefix");
    Ok(())
}

#[test]
fn debug_never_shows_the_secret_and_clones_share_settings() -> TestResult {
    let secret = "s3cr3t-value-that-must-not-leak";
    let creds = Credentials::new("my-customer", secret)?;
    let token = agora_record::signing::sign(&creds)
        .expose_token()
        .to_owned();
    let builder = Client::builder(creds).host("global");
    let builder_debug = format!("{builder:?} {builder:#?}");
    let client = builder.build()?;
    let clone = client.clone();
    for text in [
        builder_debug,
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{clone:?}"),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains("Basic "), "{text}");
        assert!(text.contains("my-customer"), "{text}");
    }
    let debug = format!("{client:?}");
    assert!(debug.contains("https://api.agora.io/"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_eq!(clone.base_url(), client.base_url());
    assert_eq!(clone.customer_id(), "my-customer");
    Ok(())
}
