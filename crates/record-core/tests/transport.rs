//! The shared attempt loop against a local wiremock server (127.0.0.1 only).

use record_core::transport::{Operation, RawResponse, Transport, TransportConfig, retry_after};
use record_core::{Error, ErrorKind, RetryPolicy, TransportCause, Vendor};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OP: Operation = Operation {
    vendor: Vendor::Zego,
    action: "DescribeRecordStatus",
    rate_limit_per_sec: Some(10),
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
fn decode(raw: RawResponse) -> Result<String, Error> {
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
    t.execute(
        OP,
        |n| {
            counter.fetch_add(1, Ordering::SeqCst);
            t.http()
                .get(url)
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
