//! Behaviour 6: retries through injected faults. A sequence of every fault kind followed by
//! success ends in success after exactly the expected attempts; with retries off, each
//! fault surfaces as its typed error kind after one attempt.

use crate::harness::{Harness, Opts, quick_retries};
use record_emulator::{Fault, Vendor};
use record_facade::{ErrorKind, RecordingState};
use std::time::{Duration, Instant};

/// 503, 429 with `Retry-After: 1`, an HTML 502 page, a truncated body, a dropped
/// connection, then a 100 ms delay (shorter than the attempt timeout) on the answer that
/// succeeds: the call succeeds, the emulator saw exactly six attempts, and the client
/// waited the second `Retry-After` asked for.
pub async fn sequence_then_success(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    let client = h.client_with(&Opts {
        retry: Some(quick_retries(8)),
        attempt_timeout: Some(Duration::from_secs(2)),
        ..Opts::default()
    });
    h.count_requests([
        Fault::ServerError { status: 503 },
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        Fault::HtmlBody { status: 502 },
        Fault::TruncatedBody,
        Fault::DropConnection,
        Fault::Delay { ms: 100 },
    ]);
    let started = Instant::now();
    let r = client
        .get(&task)
        .await
        .unwrap_or_else(|e| panic!("{vendor}: {e:?}"));
    let elapsed = started.elapsed();
    assert_eq!(r.state, RecordingState::Starting);
    assert_eq!(
        h.requests_seen().await,
        6,
        "{vendor}: five faults, then success"
    );
    assert!(
        elapsed >= Duration::from_millis(1_100),
        "{vendor}: Retry-After (1 s) and the delay (100 ms) took {elapsed:?}"
    );
}

/// With retries disabled, each fault is the first and only attempt's typed error:
/// 5xx → `Server`, 429 → `RateLimited` with its `Retry-After`, an HTML 502 → `Server`, a
/// truncated body → `Transport` (after the 200 status line), a dropped connection →
/// `Transport` without status, a delay longer than the attempt timeout → `Timeout`; all
/// retryable. A delay shorter than the timeout is no error at all. After each fault the
/// next request succeeds.
pub async fn without_retries(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    let client = h.client_with(&Opts {
        attempt_timeout: Some(Duration::from_millis(300)),
        ..Opts::default()
    });
    let cases = [
        (
            Fault::ServerError { status: 503 },
            ErrorKind::Server,
            Some(503),
        ),
        (
            Fault::ServerError { status: 500 },
            ErrorKind::Server,
            Some(500),
        ),
        (
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            ErrorKind::RateLimited,
            Some(429),
        ),
        (
            Fault::HtmlBody { status: 502 },
            ErrorKind::Server,
            Some(502),
        ),
        (Fault::TruncatedBody, ErrorKind::Transport, Some(200)),
        (Fault::DropConnection, ErrorKind::Transport, None),
        (Fault::Delay { ms: 1_000 }, ErrorKind::Timeout, None),
    ];
    for (fault, kind, status) in cases {
        h.count_requests([fault]);
        let e = client.get(&task).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.http_status()),
            (kind, status),
            "{vendor} {fault}: {e:?}"
        );
        assert!(e.is_retryable(), "{vendor} {fault}: {e:?}");
        assert_eq!(e.attempts(), 1, "{vendor} {fault}");
        if let Fault::TooManyRequests { retry_after_secs } = fault {
            assert_eq!(
                e.retry_after(),
                Some(Duration::from_secs(retry_after_secs)),
                "{vendor}: {e:?}"
            );
        }
        assert_eq!(h.requests_seen().await, 1, "{vendor} {fault}");
        client
            .get(&task)
            .await
            .unwrap_or_else(|e| panic!("{vendor} after {fault}: {e:?}"));
        assert_eq!(h.requests_seen().await, 2, "{vendor} {fault}");
    }
    h.count_requests([Fault::Delay { ms: 50 }]);
    client.get(&task).await.unwrap();
    assert_eq!(h.requests_seen().await, 1);
}
