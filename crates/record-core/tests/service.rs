//! The generic client, [`Service`], with a small test protocol against a local wiremock
//! server (127.0.0.1 only): the transport behaviours every vendor client gets from it,
//! tested once here instead of once per vendor (issue 13 §5). Retries with a fresh
//! signature per attempt, `Retry-After`, what is never retried, the per-attempt timeout,
//! bad bodies typed with their HTTP status, the rate limit per client and per action under
//! many concurrent callers (paused clock), host resolution, a base URL's path prefix, the
//! builder's settings and a `Debug` without secrets.
//!
//! The vendor crates keep what is theirs: signing vectors, the documented error codes,
//! envelope quirks, fixtures through the client, the documented rate limit's value and
//! scope. The emulator conformance suite (`crates/record-emulator/tests/conformance*`)
//! runs the same faults through all four real clients.
//!
//! Paused-clock tests run their calls under [`hold_clock_while_in_flight`]: the test
//! signer records each attempt in a [`Traffic`], the wiremock responder records each
//! answer, and the clock stands still while a request is on the socket.

use futures::future::join_all;
use record_core::client::{decode_json, error_for_status, join_path};
use record_core::service::{
    Decode, Encode, HttpRequest, Protocol, Service, ServiceBuilder, Signer,
};
use record_core::testing::{
    TickingClock, Traffic, busiest_second, hold_clock_while_in_flight, offsets_ms,
};
use record_core::transport::{RateLimitScope, RawResponse, TransportConfig};
use record_core::{
    DurationMillis, EndpointInfo, Error, ErrorKind, FixedClock, RetryPolicy, UnixMillis, Vendor,
};
use std::fmt;
use std::hash::{Hash as _, Hasher as _};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Any vendor: the test protocol stands in for one.
const VENDOR: Vendor = Vendor::Zego;
const SECRET: &str = "s3cr3t-that-must-never-be-printed";
const NOW: UnixMillis = UnixMillis(1_700_000_000_000);
const API_PATH: &str = "/v1/q";
/// The protocol's documented rate limit: the client's budget (scope `Client`), or that of
/// an action documenting none (scope `PerAction`).
const DEFAULT_LIMIT: u32 = 10;

// ---------------------------------------------------------------------------------------
// The test protocol
// ---------------------------------------------------------------------------------------

/// Signs each attempt with a hash of the secret, the action, the clock's reading and a
/// per-attempt nonce (the attempt's number), in `x-signature` and `x-nonce`; logs every
/// signing. `PER_ACTION` chooses the rate-limit scope.
#[derive(Clone)]
struct TestProtocol<const PER_ACTION: bool> {
    secret: String,
    signed: Arc<Mutex<Vec<(String, UnixMillis)>>>,
    traffic: Arc<Traffic>,
}

type ClientScope = TestProtocol<false>;
type ActionScope = TestProtocol<true>;

impl<const PER_ACTION: bool> TestProtocol<PER_ACTION> {
    fn new(traffic: &Arc<Traffic>) -> Self {
        Self {
            secret: SECRET.to_owned(),
            signed: Arc::default(),
            traffic: Arc::clone(traffic),
        }
    }

    /// `(action, clock reading)` of every signing, in order.
    fn signed(&self) -> Vec<(String, UnixMillis)> {
        self.signed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl<const PER_ACTION: bool> fmt::Debug for TestProtocol<PER_ACTION> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestProtocol")
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The signature the test signer writes.
fn signature(secret: &str, action: &str, now: UnixMillis, nonce: usize) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (secret, action, now.0, nonce).hash(&mut h);
    format!("{:016x}", h.finish())
}

impl<const PER_ACTION: bool> Signer for TestProtocol<PER_ACTION> {
    fn sign(
        &self,
        request: &mut HttpRequest,
        endpoint: &EndpointInfo,
        now: UnixMillis,
    ) -> Result<(), Error> {
        let action = endpoint.action.unwrap_or(endpoint.name);
        let nonce = {
            let mut signed = self.signed.lock().unwrap_or_else(PoisonError::into_inner);
            signed.push((action.to_owned(), now));
            signed.len() - 1
        };
        self.traffic.record_sent(action);
        let header = |v: String| {
            reqwest::header::HeaderValue::from_str(&v)
                .map_err(|e| Error::new(ErrorKind::InvalidRequest, "bad header").with_source(e))
        };
        request.headers.insert(
            "x-signature",
            header(signature(&self.secret, action, now, nonce))?,
        );
        request
            .headers
            .insert("x-nonce", header(nonce.to_string())?);
        Ok(())
    }
}

impl<const PER_ACTION: bool> Protocol for TestProtocol<PER_ACTION> {
    const VENDOR: Vendor = VENDOR;
    const DEFAULT_HOST: &'static str = "https://api.example.com";
    const HOSTS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("sgp", "https://sgp.example.com", "Singapore"),
        ("fra", "https://fra.example.com", "Frankfurt"),
    ];
    const RATE_LIMIT_PER_SEC: Option<u32> = Some(DEFAULT_LIMIT);
    const RATE_LIMIT_SCOPE: RateLimitScope = if PER_ACTION {
        RateLimitScope::PerAction
    } else {
        RateLimitScope::Client
    };
    const REDACTED_HEADERS: &'static [&'static str] = &["x-signature"];
    type Bound = Self;
    type Client = Service<Self>;

    fn bind(self, _base_url: &reqwest::Url) -> Result<Self, Error> {
        Ok(self)
    }
}

/// Three operations, all `POST /v1/q` with a JSON body naming them: `A` documents 20
/// requests per second, `B` 50, `C` none.
macro_rules! operation {
    ($ty:ident, $limit:expr) => {
        #[derive(Debug, Clone, Copy)]
        struct $ty;

        impl Encode for $ty {
            const ENDPOINT: EndpointInfo = EndpointInfo {
                vendor: VENDOR,
                name: stringify!($ty),
                method: "POST",
                path: API_PATH,
                action: Some(stringify!($ty)),
                version: None,
                rate_limit_per_sec: $limit,
                query_window: None,
                idempotency: record_core::Idempotency::Idempotent,
            };

            fn encode(&self, base: &reqwest::Url) -> Result<HttpRequest, Error> {
                HttpRequest::new(reqwest::Method::POST, join_path(base, API_PATH))
                    .with_json(&serde_json::json!({ "op": stringify!($ty), "room": "r 1" }))
            }
        }
    };
}

operation!(A, Some(20));
operation!(B, Some(50));
operation!(C, None);

/// The test answer. Its classifier works like a vendor's: the HTTP status's error first,
/// then an envelope error inside a 2xx (`{"error": "busy"}`: rate limited, retryable),
/// then the JSON model.
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Answer {
    ok: bool,
}

impl Decode for Answer {
    fn decode(raw: &RawResponse, _attempt: record_core::transport::Attempt) -> Result<Self, Error> {
        if let Some(e) = error_for_status(raw) {
            return Err(e);
        }
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Option<String>,
        }
        if let Ok(Envelope { error: Some(code) }) = serde_json::from_slice(&raw.body) {
            return Err(Error::new(ErrorKind::RateLimited, "the vendor is busy")
                .with_vendor_code(code)
                .with_http_status(raw.status));
        }
        decode_json(raw)
    }
}

const OK: &str = r#"{"ok":true}"#;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// Answers with `templates` in order (the last one forever), recording each answer.
struct Script {
    templates: Vec<ResponseTemplate>,
    traffic: Arc<Traffic>,
}

impl Respond for Script {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.traffic.record_answered();
        self.templates
            .get(n)
            .or(self.templates.last())
            .cloned()
            .unwrap_or_else(|| ResponseTemplate::new(500))
    }
}

/// A server answering `POST /v1/q` with `templates` in order, and the traffic record its
/// clients' signers share.
async fn server_with(templates: Vec<ResponseTemplate>) -> (MockServer, Arc<Traffic>) {
    let server = MockServer::start().await;
    let traffic = Traffic::new();
    Mock::given(method("POST"))
        .and(path(API_PATH))
        .respond_with(Script {
            templates,
            traffic: Arc::clone(&traffic),
        })
        .mount(&server)
        .await;
    (server, traffic)
}

/// Retries quick enough for real time: `attempts` attempts, backoff of at most 1 ms.
fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        max_elapsed: Duration::from_secs(60),
    }
}

/// A builder for `server` with a fixed clock, quick retries (3 attempts) and the
/// protocol's documented rate limit.
fn builder<const P: bool>(
    server: &MockServer,
    protocol: TestProtocol<P>,
) -> ServiceBuilder<TestProtocol<P>> {
    ServiceBuilder::new(protocol)
        .base_url(server.uri())
        .clock(Arc::new(FixedClock::new(NOW)))
        .retry_policy(quick_retries(3))
}

fn build<const P: bool>(b: ServiceBuilder<TestProtocol<P>>) -> Service<TestProtocol<P>> {
    b.build().unwrap_or_else(|e| panic!("build: {e}"))
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header(request: &Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_owned()
}

async fn call_err<P: Protocol, R: Encode>(client: &Service<P>, request: &R) -> Error {
    match client.call::<R, Answer>(request).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_is_retried_then_succeeds_with_a_fresh_signature_per_attempt() {
    let (server, traffic) = server_with(vec![
        ResponseTemplate::new(503).set_body_raw("<html>busy</html>", "text/html"),
        json(200, OK),
    ])
    .await;
    let protocol = ClientScope::new(&traffic);
    // The clock moves one second at every reading: each attempt is signed at its own time.
    let client = build(
        builder(&server, protocol.clone())
            .clock(Arc::new(TickingClock::new(NOW, DurationMillis(1000)))),
    );
    let got = client.call::<_, Answer>(&A).await.unwrap();
    assert_eq!(got, Answer { ok: true });

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "one 503, then the success");
    let later = NOW.saturating_add(DurationMillis(1000));
    assert_eq!(
        protocol.signed(),
        [("A".to_owned(), NOW), ("A".to_owned(), later)],
        "signed once per attempt, at the clock's reading of that attempt"
    );
    for (i, (r, at)) in requests.iter().zip([NOW, later]).enumerate() {
        assert_eq!(header(r, "x-nonce"), i.to_string(), "a nonce per attempt");
        assert_eq!(header(r, "x-signature"), signature(SECRET, "A", at, i));
        assert_eq!(r.url.path(), API_PATH);
        assert_eq!(r.body, requests[0].body, "the same body every attempt");
    }
    assert_ne!(
        header(&requests[0], "x-signature"),
        header(&requests[1], "x-signature")
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(body, serde_json::json!({ "op": "A", "room": "r 1" }));
}

#[tokio::test]
async fn a_retryable_error_inside_a_200_answer_is_retried() {
    let (server, traffic) =
        server_with(vec![json(200, r#"{"error":"busy"}"#), json(200, OK)]).await;
    let client = build(builder(&server, ClientScope::new(&traffic)));
    assert_eq!(
        client.call::<_, Answer>(&A).await.unwrap(),
        Answer { ok: true }
    );
    assert_eq!(received(&server).await.len(), 2);

    // Busy for good: the policy's attempts, then the envelope's error.
    let (server, traffic) = server_with(vec![json(200, r#"{"error":"busy"}"#)]).await;
    let client = build(builder(&server, ClientScope::new(&traffic)));
    let err = call_err(&client, &A).await;
    assert_eq!(
        (err.kind(), err.vendor_code(), err.attempts()),
        (ErrorKind::RateLimited, Some("busy"), 3)
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn a_5xx_that_never_clears_fails_after_the_policy_s_attempts() {
    let (server, traffic) = server_with(vec![json(503, r#"{"code":"internal"}"#)]).await;
    let client = build(builder(&server, ClientScope::new(&traffic)));
    let err = call_err(&client, &B).await;
    assert_eq!(
        (err.kind(), err.http_status(), err.attempts()),
        (ErrorKind::Server, Some(503), 3)
    );
    assert!(err.is_retryable());
    assert_eq!((err.vendor(), err.action()), (Some(VENDOR), Some("B")));
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn no_retry_on_400_401_404_whatever_the_body() {
    for (status, kind) in [
        (400, ErrorKind::InvalidRequest),
        (401, ErrorKind::Unauthenticated),
        (404, ErrorKind::NotFound),
    ] {
        for body in ["", "<html><body>nope</body></html>", r#"{"error":"nope"}"#] {
            // Retries on (3 attempts): these statuses must still be sent once.
            let (server, traffic) = server_with(vec![json(status, body)]).await;
            let client = build(builder(&server, ClientScope::new(&traffic)));
            let err = call_err(&client, &A).await;
            let what = format!("HTTP {status} {body:?}: {err}");
            assert_eq!(err.kind(), kind, "{what}");
            assert!(!err.is_retryable(), "{what}");
            assert_eq!(
                (err.http_status(), err.attempts()),
                (Some(status), 1),
                "{what}"
            );
            assert_eq!(received(&server).await.len(), 1, "{what}");
        }
    }
}

#[tokio::test]
async fn a_429_error_carries_its_retry_after() {
    for body in ["", "Too Many Requests", r#"{"code":"throttled"}"#] {
        let (server, traffic) =
            server_with(vec![json(429, body).insert_header("Retry-After", "2")]).await;
        let client = build(builder(&server, ClientScope::new(&traffic)).disable_retries());
        let err = call_err(&client, &A).await;
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{body:?}: {err}");
        assert!(err.is_retryable(), "{body:?}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)), "{body:?}");
        assert_eq!(
            (err.http_status(), err.attempts()),
            (Some(429), 1),
            "{body:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_after_its_retry_after_delay() {
    let (server, traffic) = server_with(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        json(200, OK),
    ])
    .await;
    // The policy's own backoff is at most 1 ms: only Retry-After explains a 1 s wait.
    let client = build(builder(&server, ClientScope::new(&traffic)));
    let got = hold_clock_while_in_flight(&traffic, client.call::<_, Answer>(&A)).await;
    assert_eq!(got.unwrap(), Answer { ok: true });
    let sent = traffic.sent_at(None);
    assert_eq!(sent.len(), 2);
    let gap = sent[1].duration_since(sent[0]);
    assert!(
        gap >= Duration::from_secs(1) && gap < Duration::from_secs(2),
        "second attempt {gap:?} after the first"
    );
}

// ---------------------------------------------------------------------------------------
// Timeouts and bad bodies
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_slow_answer_is_a_per_attempt_timeout() {
    let (server, traffic) =
        server_with(vec![json(200, OK).set_delay(Duration::from_millis(300))]).await;
    let client = build(
        builder(&server, ClientScope::new(&traffic))
            .attempt_timeout(Duration::from_millis(50))
            .disable_retries(),
    );
    let started = std::time::Instant::now();
    let err = call_err(&client, &A).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_retryable());
    assert_eq!((err.attempts(), err.http_status()), (1, None));
    assert!(err.to_string().contains("timed out after 0.05 s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(280),
        "waited for the answer: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn bad_bodies_are_typed_errors_with_the_http_status() {
    let truncated = &OK[..OK.len() / 2];
    // (what, status, body, content type, kind, JSON path of a decode failure)
    type Case<'a> = (&'a str, u16, &'a str, &'a str, ErrorKind, Option<&'a str>);
    let cases: [Case; 9] = [
        (
            "truncated JSON",
            200,
            truncated,
            "application/json",
            ErrorKind::Decode,
            None,
        ),
        (
            "HTML page",
            200,
            "<!DOCTYPE html><html><body>gateway</body></html>",
            "text/html",
            ErrorKind::Decode,
            None,
        ),
        (
            "empty body",
            200,
            "",
            "application/json",
            ErrorKind::Decode,
            None,
        ),
        (
            "only whitespace",
            200,
            "   ",
            "application/json",
            ErrorKind::Decode,
            None,
        ),
        (
            "a JSON array",
            200,
            "[1,2]",
            "application/json",
            ErrorKind::Decode,
            Some("[0]"),
        ),
        (
            "wrong type",
            200,
            r#"{"ok":"yes"}"#,
            "application/json",
            ErrorKind::Decode,
            Some("ok"),
        ),
        (
            "bytes after the value",
            200,
            r#"{"ok":true}3"#,
            "application/json",
            ErrorKind::Decode,
            None,
        ),
        (
            "HTML 502 from a gateway",
            502,
            "<html><body>502 Bad Gateway</body></html>",
            "text/html",
            ErrorKind::Server,
            None,
        ),
        (
            "HTML 503",
            503,
            "<html>Service Unavailable</html>",
            "text/html",
            ErrorKind::Server,
            None,
        ),
    ];
    for (what, status, body, content_type, kind, json_path) in cases {
        let (server, traffic) = server_with(vec![
            ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type),
        ])
        .await;
        let client = build(builder(&server, ClientScope::new(&traffic)).disable_retries());
        let err = call_err(&client, &A).await;
        assert_eq!(err.kind(), kind, "{what}: {err}");
        assert_eq!(err.http_status(), Some(status), "{what}");
        assert_eq!(
            (err.vendor(), err.action()),
            (Some(VENDOR), Some("A")),
            "{what}"
        );
        if kind == ErrorKind::Decode {
            assert!(!err.is_retryable(), "{what}");
            let details = err
                .decode_details()
                .unwrap_or_else(|| panic!("{what}: no decode details"));
            assert_eq!(details.path.as_deref(), json_path, "{what}: {err}");
            assert!(
                body.starts_with(details.excerpt.trim_end()),
                "{what}: {details:?}"
            );
        } else {
            assert!(err.is_retryable(), "{what}");
        }
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_not_retried() {
    let (server, traffic) = server_with(vec![json(
        200,
        &format!(r#"{{"ok":true,"pad":"{}"}}"#, "x".repeat(100)),
    )])
    .await;
    // Retries on: a refused body is not retried.
    let client = build(builder(&server, ClientScope::new(&traffic)).max_response_bytes(64));
    let err = call_err(&client, &A).await;
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(!err.is_retryable());
    assert_eq!((err.http_status(), err.attempts()), (Some(200), 1));
    assert!(err.to_string().contains("64-byte cap"), "{err}");
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------
// Rate limits (paused clock)
// ---------------------------------------------------------------------------------------

/// Runs `n` concurrent calls of `op`, each on its own clone of `client`, under
/// [`hold_clock_while_in_flight`]; every call must succeed.
async fn concurrent<P: Protocol, R: Encode + Copy>(
    client: &Service<P>,
    traffic: &Traffic,
    calls: &[(R, usize)],
) {
    let futures = calls.iter().flat_map(|&(op, n)| {
        (0..n).map(move |_| {
            let c = client.clone();
            async move { c.call::<R, Answer>(&op).await }
        })
    });
    let results = hold_clock_while_in_flight(traffic, join_all(futures)).await;
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        failed.first()
    );
}

/// Like [`concurrent`] for several operation types at once.
async fn concurrent_mixed<P: Protocol>(
    client: &Service<P>,
    traffic: &Traffic,
    a: usize,
    b: usize,
    c: usize,
) {
    let call = |op: u8| {
        let client = client.clone();
        async move {
            match op {
                0 => client.call::<_, Answer>(&A).await,
                1 => client.call::<_, Answer>(&B).await,
                _ => client.call::<_, Answer>(&C).await,
            }
        }
    };
    let ops = std::iter::repeat_n(0, a)
        .chain(std::iter::repeat_n(1, b))
        .chain(std::iter::repeat_n(2, c));
    let results = hold_clock_while_in_flight(traffic, join_all(ops.map(call))).await;
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        failed.first()
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_wide_limit_holds_under_200_concurrent_callers_of_every_action() {
    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let client = build(builder(&server, ClientScope::new(&traffic)).disable_retries());
    let config = client.transport_config();
    assert_eq!(
        (config.rate_limit_per_sec, config.rate_limit_scope),
        (Some(DEFAULT_LIMIT), RateLimitScope::Client)
    );
    // 200 calls, half of them of an action documenting 50/s: one budget for the client.
    concurrent_mixed(&client, &traffic, 100, 100, 0).await;
    assert_eq!(received(&server).await.len(), 200);
    let offsets = offsets_ms(&traffic.sent_at(None));
    assert_eq!(offsets.len(), 200, "one attempt per call");
    let span = offsets.last().copied().unwrap_or(0);
    assert!(span >= 19_000, "200 calls at 10/s within {span} ms");
    assert!(span < 25_000, "the limiter wastes capacity: {span} ms");
    assert!(busiest_second(&offsets) <= 10, "{offsets:?}");
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_rate_limiter() {
    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let client = build(
        builder(&server, ClientScope::new(&traffic))
            .rate_limit(Some(1))
            .disable_retries(),
    );
    let clone = client.clone();
    let (a, b) = hold_clock_while_in_flight(&traffic, async {
        tokio::join!(client.call::<_, Answer>(&A), clone.call::<_, Answer>(&A))
    })
    .await;
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    let sent = traffic.sent_at(None);
    assert_eq!(sent.len(), 2);
    // One second plus the limiter's 2 % safety margin.
    assert_eq!(
        offsets_ms(&sent),
        [0, 1020],
        "the clone waited for the original's slot"
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_rate_limit_every_call_goes_at_once() {
    for scope_per_action in [false, true] {
        let (server, traffic) = server_with(vec![json(200, OK)]).await;
        if scope_per_action {
            let client = build(
                builder(&server, ActionScope::new(&traffic))
                    .rate_limit(None)
                    .disable_retries(),
            );
            assert_eq!(client.transport_config().rate_limit_per_sec, None);
            concurrent_mixed(&client, &traffic, 100, 50, 50).await;
        } else {
            let client = build(
                builder(&server, ClientScope::new(&traffic))
                    .rate_limit(None)
                    .disable_retries(),
            );
            concurrent(&client, &traffic, &[(A, 200)]).await;
        }
        let offsets = offsets_ms(&traffic.sent_at(None));
        assert_eq!(offsets.len(), 200);
        assert!(
            offsets.iter().all(|&t| t == 0),
            "per action: {scope_per_action}: all calls are signed at the same instant, the last \
             at {:?} ms",
            offsets.last()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn per_action_each_action_has_its_own_documented_budget() {
    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let client = build(builder(&server, ActionScope::new(&traffic)).disable_retries());
    let config = client.transport_config();
    assert_eq!(
        (config.rate_limit_per_sec, config.rate_limit_scope),
        (Some(DEFAULT_LIMIT), RateLimitScope::PerAction)
    );
    assert!(config.rate_limit_documented);
    // A documents 20/s, B 50/s, C none (the protocol's 10/s): all at once.
    concurrent_mixed(&client, &traffic, 100, 100, 30).await;
    assert_eq!(received(&server).await.len(), 230);
    // (action, calls, limit, least span in ms: (calls - 1) / limit, less 5 %)
    for (action, calls, limit, least_span) in [
        ("A", 100, 20, 4_700),
        ("B", 100, 50, 1_880),
        ("C", 30, DEFAULT_LIMIT as usize, 2_750),
    ] {
        let offsets = offsets_ms(&traffic.sent_at(Some(action)));
        assert_eq!(offsets.len(), calls, "{action}");
        let span = offsets.last().copied().unwrap_or(0);
        assert!(
            span >= least_span,
            "{action}: {calls} calls within {span} ms"
        );
        assert!(
            span < least_span * 13 / 10,
            "{action}: held to a smaller budget: {span} ms"
        );
        let busiest = busiest_second(&offsets);
        assert!(busiest <= limit, "{action}: {busiest} in one second");
        assert!(
            busiest > limit / 2,
            "{action}: only {busiest} in one second"
        );
    }
    // Together: more than any one budget in a second, so they are separate.
    let all = offsets_ms(&traffic.sent_at(None));
    assert!(busiest_second(&all) > 50, "the actions share a budget");
}

#[tokio::test(start_paused = true)]
async fn per_action_a_rate_limit_set_by_the_caller_holds_for_each_action() {
    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let client = build(
        builder(&server, ActionScope::new(&traffic))
            .rate_limit(Some(5))
            .disable_retries(),
    );
    assert!(!client.transport_config().rate_limit_documented);
    // B documents 50/s and C nothing: both are held to the caller's 5/s, each apart.
    concurrent_mixed(&client, &traffic, 0, 20, 20).await;
    for action in ["B", "C"] {
        let offsets = offsets_ms(&traffic.sent_at(Some(action)));
        assert_eq!(offsets.len(), 20, "{action}");
        assert!(busiest_second(&offsets) <= 5, "{action}: {offsets:?}");
        let span = offsets.last().copied().unwrap_or(0);
        assert!(span >= 3_800, "{action}: 20 calls within {span} ms");
    }
    let all = offsets_ms(&traffic.sent_at(None));
    assert!(busiest_second(&all) > 5, "each action has its own budget");
}

// ---------------------------------------------------------------------------------------
// Builder, hosts, base URL, Debug
// ---------------------------------------------------------------------------------------

#[test]
fn hosts_resolve_by_name_default_or_url_and_bad_input_names_the_vendor() {
    let traffic = Traffic::new();
    let b = || ServiceBuilder::new(ClientScope::new(&traffic));
    let default = build(b());
    assert_eq!(default.base_url().as_str(), "https://api.example.com/");
    assert_eq!(
        build(b().host("fra")).base_url().as_str(),
        "https://fra.example.com/"
    );
    assert_eq!(
        build(b().base_url("http://127.0.0.1:9/proxy/"))
            .base_url()
            .as_str(),
        "http://127.0.0.1:9/proxy"
    );
    let bad = [
        b().host("mars"),
        b().host("SGP"),
        b().base_url("not a url"),
        b().base_url("api.example.com"),
        b().base_url("ftp://api.example.com"),
        b().base_url("https://api.example.com/?a=1"),
        b().base_url("https://api.example.com/#x"),
        b().base_url("https://user:pw@api.example.com"),
    ];
    for builder in bad {
        let what = format!("{builder:?}");
        let err = builder
            .build()
            .err()
            .unwrap_or_else(|| panic!("{what}: built"));
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}: {err}");
        assert_eq!(err.parameter(), Some("base_url"), "{what}");
        assert_eq!(err.vendor(), Some(VENDOR), "{what}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
    // An unknown name lists the documented ones.
    let err = b().host("mars").build().err().unwrap();
    for name in ["mars", "sgp", "fra"] {
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/proxy/vendor/v1/q"))
        .respond_with(json(200, OK))
        .mount(&server)
        .await;
    let traffic = Traffic::new();
    let client = build(
        builder(&server, ClientScope::new(&traffic))
            .base_url(format!("{}/proxy/vendor/", server.uri())),
    );
    assert_eq!(client.base_url().path(), "/proxy/vendor");
    assert_eq!(
        client.call::<_, Answer>(&A).await.unwrap(),
        Answer { ok: true }
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn the_builder_s_settings_reach_the_transport_and_the_wire() {
    let traffic = Traffic::new();
    let defaults = build(ServiceBuilder::new(ClientScope::new(&traffic)));
    let config = defaults.transport_config();
    assert_eq!(
        (
            config.timeouts.connect,
            config.timeouts.per_attempt,
            config.timeouts.total
        ),
        (
            Duration::from_secs(5),
            Duration::from_secs(10),
            Duration::from_secs(30)
        )
    );
    assert_eq!(config.retry, RetryPolicy::default());
    assert_eq!(
        config.max_response_bytes,
        TransportConfig::DEFAULT_MAX_RESPONSE_BYTES
    );
    assert!(
        config.user_agent.starts_with("rtc-record/"),
        "{}",
        config.user_agent
    );
    assert_eq!(
        (config.rate_limit_per_sec, config.rate_limit_documented),
        (Some(DEFAULT_LIMIT), true)
    );

    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let tuned = build(
        builder(&server, ClientScope::new(&traffic))
            .connect_timeout(Duration::from_secs(1))
            .attempt_timeout(Duration::from_secs(2))
            .total_timeout(Duration::from_secs(3))
            .rate_limit(Some(5))
            .max_response_bytes(1000)
            .user_agent("my-app/1.0"),
    );
    let config = tuned.transport_config();
    assert_eq!(
        (
            config.timeouts.connect,
            config.timeouts.per_attempt,
            config.timeouts.total
        ),
        (
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(3)
        )
    );
    assert_eq!(
        (config.rate_limit_per_sec, config.rate_limit_documented),
        (Some(5), false)
    );
    assert_eq!(config.max_response_bytes, 1000);
    tuned.call::<_, Answer>(&A).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(header(&requests[0], "user-agent"), "my-app/1.0");
    assert_eq!(header(&requests[0], "content-type"), "application/json");
}

#[tokio::test]
async fn prepare_signs_like_a_call_hides_redacted_headers_and_sends_nothing() {
    let (server, traffic) = server_with(vec![json(200, OK)]).await;
    let protocol = ClientScope::new(&traffic);
    let client = build(builder(&server, protocol.clone()));
    let prepared = client.prepare(&B).unwrap();
    assert_eq!(prepared.method, "POST");
    assert_eq!(prepared.url, format!("{}{API_PATH}", server.uri()));
    assert_eq!(prepared.body.as_deref(), Some(r#"{"op":"B","room":"r 1"}"#));
    let shown = |name: &str| {
        prepared
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(shown("x-signature").as_deref(), Some("[redacted]"));
    assert_eq!(shown("x-nonce").as_deref(), Some("0"));
    assert_eq!(
        protocol.signed(),
        [("B".to_owned(), NOW)],
        "signed at the clock's time"
    );
    assert!(received(&server).await.is_empty(), "nothing is sent");
}

#[test]
fn debug_never_shows_the_protocol_s_secret() {
    let traffic = Traffic::new();
    let builder = ServiceBuilder::new(ClientScope::new(&traffic)).host("sgp");
    let text = format!("{builder:?} {builder:#?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    let client = build(builder);
    let text = format!("{client:?} {:#?}", client.clone());
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("[redacted]") && text.contains("https://sgp.example.com/"),
        "{text}"
    );
}

#[test]
fn the_client_and_its_calls_can_be_sent_to_other_tasks() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}
    assert_shareable::<Service<ClientScope>>();
    let traffic = Traffic::new();
    let client = build(ServiceBuilder::new(ClientScope::new(&traffic)));
    // Never polled: only its type is checked.
    let future = client.call::<_, Answer>(&A);
    assert_send(&future);
}
