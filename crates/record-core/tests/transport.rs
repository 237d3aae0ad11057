//! The shared attempt loop against a local wiremock server (127.0.0.1 only).

use record_core::transport::{
    Attempt, Operation, RawResponse, Transport, TransportConfig, retry_after,
};
use record_core::{Error, ErrorKind, Idempotency, RetryPolicy, TransportCause, Vendor};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OP: Operation = Operation {
    vendor: Vendor::Zego,
    action: "DescribeRecordStatus",
    rate_limit_per_sec: Some(10),
    idempotency: Idempotency::Idempotent,
};

/// An operation that starts something: never repeated once its request may have arrived.
const START: Operation = Operation {
    vendor: Vendor::Zego,
    action: "StartRecord",
    rate_limit_per_sec: Some(50),
    idempotency: Idempotency::NotIdempotent,
};

fn config(attempts: u32) -> TransportConfig {
    let mut c = TransportConfig::new(None);
    c.retry = RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(10),
    };
    c
}

/// A minimal classifier in the shape the vendor clients use.
fn decode(raw: RawResponse, _attempt: Attempt) -> Result<String, Error> {
    match raw.status {
        200 => Ok(String::from_utf8_lossy(&raw.body).into_owned()),
        429 => {
            let mut e = Error::new(ErrorKind::RateLimited, "throttled");
            if let Some(d) = retry_after(&raw.headers) {
                e = e.with_retry_after(d);
            }
            Err(e)
        }
        s if s >= 500 => Err(Error::new(ErrorKind::Server, "server error")),
        _ => Err(Error::new(ErrorKind::InvalidRequest, "rejected")),
    }
}

async fn call(t: &Transport, url: &str, counter: &AtomicU32) -> Result<String, Error> {
    call_op(t, OP, |_| url.to_owned(), counter).await
}

/// Runs `op`, attempt `n` going to `url(n)`.
async fn call_op(
    t: &Transport,
    op: Operation,
    url: impl Fn(u32) -> String,
    counter: &AtomicU32,
) -> Result<String, Error> {
    t.execute(
        op,
        |n| {
            counter.fetch_add(1, Ordering::SeqCst);
            t.http()
                .get(url(n))
                .header("x-attempt", n.to_string())
                .build()
                .map_err(|e| Error::new(ErrorKind::InvalidRequest, "bad request").with_source(e))
        },
        decode,
    )
    .await
}

async fn server_with(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    let n = responses.len() as u64;
    for (i, r) in responses.into_iter().enumerate() {
        let m = Mock::given(method("GET")).and(path("/q")).respond_with(r);
        // Each template answers once, in order; the last one answers forever.
        let m = if (i as u64) + 1 < n {
            m.up_to_n_times(1)
        } else {
            m
        };
        m.mount(&server).await;
    }
    server
}

fn transport(c: TransportConfig) -> Transport {
    Transport::new(c).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn retries_a_503_then_succeeds_signing_each_attempt_afresh() {
    let server = server_with(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("ok"),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let t = transport(config(3));
    let got = call(&t, &format!("{}/q", server.uri()), &counter).await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    assert_eq!(
        counter.load(Ordering::SeqCst),
        2,
        "build (sign) runs once per attempt"
    );
    let received = server.received_requests().await.unwrap_or_default();
    let attempts: Vec<_> = received
        .iter()
        .filter_map(|r| {
            r.headers
                .get("x-attempt")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(attempts, ["1", "2"]);
}

#[tokio::test]
async fn honours_retry_after_on_429() {
    let server = server_with(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200).set_body_string("ok"),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let t = transport(config(3));
    let start = Instant::now();
    let got = call(&t, &format!("{}/q", server.uri()), &counter).await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn does_not_retry_what_a_retry_cannot_fix() {
    let server = server_with(vec![ResponseTemplate::new(400)]).await;
    let counter = AtomicU32::new(0);
    let t = transport(config(5));
    let err = call(&t, &format!("{}/q", server.uri()), &counter)
        .await
        .err();
    let err = err.unwrap_or_else(|| panic!("400 must fail"));
    assert_eq!(
        (err.kind(), err.attempts(), err.http_status()),
        (ErrorKind::InvalidRequest, 1, Some(400))
    );
    assert_eq!(
        (err.vendor(), err.action()),
        (Some(Vendor::Zego), Some("DescribeRecordStatus"))
    );
}

#[tokio::test]
async fn gives_up_after_max_attempts_and_says_how_many() {
    let server = server_with(vec![ResponseTemplate::new(500)]).await;
    let counter = AtomicU32::new(0);
    let t = transport(config(3));
    let err = call(&t, &format!("{}/q", server.uri()), &counter)
        .await
        .err();
    let err = err.unwrap_or_else(|| panic!("500 must fail"));
    assert_eq!((err.kind(), err.attempts()), (ErrorKind::Server, 3));
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_per_attempt() {
    let server = server_with(vec![
        ResponseTemplate::new(200)
            .set_delay(Duration::from_secs(3))
            .set_body_string("late"),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let mut c = config(1);
    c.timeouts.per_attempt = Duration::from_millis(200);
    let t = transport(c);
    let start = Instant::now();
    let err = call(&t, &format!("{}/q", server.uri()), &counter)
        .await
        .err();
    let err = err.unwrap_or_else(|| panic!("a slow answer must time out"));
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.transport_cause(), Some(TransportCause::TimedOut));
    assert!(err.to_string().contains("timed out after 0.2 s"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server = server_with(vec![
        ResponseTemplate::new(200).set_body_string("x".repeat(10_000)),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let mut c = config(3);
    c.max_response_bytes = 1024;
    let t = transport(c);
    let err = call(&t, &format!("{}/q", server.uri()), &counter)
        .await
        .err();
    let err = err.unwrap_or_else(|| panic!("oversized body must fail"));
    assert_eq!(
        (err.kind(), err.is_retryable(), err.attempts()),
        (ErrorKind::Decode, false, 1)
    );
    assert!(err.to_string().contains("1024-byte cap"), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    // Bind then drop a listener so the port is closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let counter = AtomicU32::new(0);
    let t = transport(config(2));
    let err = call(&t, &format!("http://127.0.0.1:{port}/q"), &counter)
        .await
        .err();
    let err = err.unwrap_or_else(|| panic!("closed port must fail"));
    assert_eq!((err.kind(), err.attempts()), (ErrorKind::Transport, 2));
    // The message says what happened and where; the cause says the request never left.
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::ConnectionRefused)
    );
    assert!(TransportCause::ConnectionRefused.request_not_sent());
    assert!(
        err.to_string()
            .contains(&format!("connection refused by 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the reqwest error stays the source"
    );
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_a_reset_that_may_have_arrived() {
    // A server that reads the request, then closes without answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt as _;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    let counter = AtomicU32::new(0);
    let t = transport(config(1));
    let err = call(&t, &format!("http://127.0.0.1:{port}/q"), &counter)
        .await
        .err()
        .unwrap_or_else(|| panic!("a closed connection must fail"));
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.transport_cause(), Some(TransportCause::ConnectionReset));
    assert!(!TransportCause::ConnectionReset.request_not_sent());
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port} reset")),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_a_tls_handshake_failure_naming_the_place() {
    // An `https://` URL whose server answers in plain HTTP: the handshake cannot complete.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let counter = AtomicU32::new(0);
    let t = transport(config(1));
    let err = call(&t, &format!("https://127.0.0.1:{port}/q"), &counter)
        .await
        .err()
        .unwrap_or_else(|| panic!("a plain-HTTP server must fail the TLS handshake"));
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::TlsHandshakeFailed),
        "{err}"
    );
    // No HTTP request left: a start may be retried after this one.
    assert!(TransportCause::TlsHandshakeFailed.request_not_sent());
    let text = err.to_string();
    assert!(text.contains("TLS handshake failed"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
}

// ---------------------------------------------------------------------------------------
// Operations that are not idempotent (issue 14: a retry must never start a second recording)

/// The number of requests the server received.
async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn a_start_is_not_repeated_after_a_5xx_and_says_it_may_have_started() {
    let server = server_with(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("ok"),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let url = format!("{}/q", server.uri());
    let got = call_op(&transport(config(3)), START, |_| url.clone(), &counter).await;
    let Err(e) = got else {
        panic!("a 5xx start was repeated: {got:?}");
    };
    assert_eq!(received(&server).await, 1, "one request reached the server");
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(e.is_outcome_unknown(), "{e}");
    assert!(e.to_string().contains("may have taken effect"), "{e}");
    // The same answers retry a query.
    let counter = AtomicU32::new(0);
    let got = call(&transport(config(3)), &url, &counter).await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
}

#[tokio::test]
async fn a_start_is_not_repeated_after_an_attempt_timeout() {
    let server = server_with(vec![
        ResponseTemplate::new(200)
            .set_body_string("late")
            .set_delay(Duration::from_millis(400)),
    ])
    .await;
    let mut c = config(3);
    c.timeouts.per_attempt = Duration::from_millis(100);
    let counter = AtomicU32::new(0);
    let url = format!("{}/q", server.uri());
    let got = call_op(&transport(c), START, |_| url.clone(), &counter).await;
    let Err(e) = got else {
        panic!("a timed-out start succeeded: {got:?}");
    };
    assert_eq!(counter.load(Ordering::SeqCst), 1, "one attempt");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_outcome_unknown(), "{e}");
}

#[tokio::test]
async fn a_start_is_retried_after_an_explicit_rate_limit_answer() {
    let server = server_with(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        ResponseTemplate::new(200).set_body_string("ok"),
    ])
    .await;
    let counter = AtomicU32::new(0);
    let url = format!("{}/q", server.uri());
    let got = call_op(&transport(config(3)), START, |_| url.clone(), &counter).await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn a_start_is_retried_when_the_connection_was_refused() {
    // Attempt 1 goes to a port nothing listens on; attempt 2 to the server.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let server = server_with(vec![ResponseTemplate::new(200).set_body_string("ok")]).await;
    let counter = AtomicU32::new(0);
    let good = format!("{}/q", server.uri());
    let got = call_op(
        &transport(config(3)),
        START,
        |n| {
            if n == 1 {
                format!("http://{closed}/q")
            } else {
                good.clone()
            }
        },
        &counter,
    )
    .await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    assert_eq!(counter.load(Ordering::SeqCst), 2);
    assert_eq!(
        received(&server).await,
        1,
        "the started recording is the only one"
    );
}

#[tokio::test]
async fn the_classifier_learns_that_an_earlier_attempt_may_have_arrived() {
    let server = server_with(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("ok"),
    ])
    .await;
    let url = format!("{}/q", server.uri());
    let seen = std::sync::Mutex::new(Vec::new());
    let t = transport(config(4));
    let got = t
        .execute(
            OP,
            |n| {
                t.http()
                    .get(&url)
                    .header("x-attempt", n.to_string())
                    .build()
                    .map_err(|e| Error::new(ErrorKind::InvalidRequest, "bad").with_source(e))
            },
            |raw, attempt| {
                seen.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(attempt);
                decode(raw, attempt)
            },
        )
        .await;
    assert_eq!(got.ok().as_deref(), Some("ok"));
    let seen = seen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let flags: Vec<(u32, bool)> = seen
        .iter()
        .map(|a| (a.number, a.earlier_may_have_arrived))
        .collect();
    // A rate-limit refusal did nothing; the 503 may have.
    assert_eq!(flags, [(1, false), (2, false), (3, true)]);
}
