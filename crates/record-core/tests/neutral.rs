//! The neutral model's machinery: the lazy page walker, the waiter in paused time, the
//! stable JSON shape of a `Recording`.

use futures::StreamExt as _;
use record_core::{
    Capabilities, Error, ErrorKind, ListFilter, Page, RawCode, Recording, RecordingFile,
    RecordingQuery, RecordingState, RecordingStream, TaskRef, UnixMillis, Vendor, VendorStatus,
    WaitError, Waiter, paginate,
};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn pages_of(total: u32, size: u32) -> impl Fn(u32) -> Page<u32, u32> {
    move |offset| {
        let items: Vec<u32> = (offset..total.min(offset + size)).collect();
        Page {
            next: Some(offset + size),
            items,
        }
    }
}

#[tokio::test]
async fn the_page_walker_fetches_only_what_is_polled() {
    let fetched = Arc::new(AtomicU32::new(0));
    let counter = fetched.clone();
    let page = pages_of(250, 100);
    let mut stream = paginate(
        0u32,
        |i: &u32| *i,
        move |offset| {
            counter.fetch_add(1, Ordering::SeqCst);
            let p = page(offset);
            async move { Ok::<_, Error>(p) }
        },
    );
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        0,
        "nothing before the first poll"
    );
    let first: Vec<u32> = stream
        .by_ref()
        .take(100)
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(first, (0..100).collect::<Vec<_>>());
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        1,
        "one page for the first 100 items"
    );
    assert_eq!(stream.next().await.unwrap().unwrap(), 100);
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
    let rest: Vec<u32> = stream.map(|r| r.unwrap()).collect().await;
    assert_eq!(rest.len(), 149);
    // pages at 0, 100, 200, and the empty one at 300 that ends the walk
    assert_eq!(fetched.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn the_page_walker_stops_on_a_repeated_page_and_on_a_repeated_cursor() {
    // A server that ignores the offset: the same page forever.
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let items: Vec<u32> = paginate(
        0u32,
        |i: &u32| *i,
        move |offset| {
            c.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok::<_, Error>(Page {
                    items: vec![1, 2, 3],
                    next: Some(offset + 3),
                })
            }
        },
    )
    .map(|r| r.unwrap())
    .collect()
    .await;
    assert_eq!(items, vec![1, 2, 3]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // A server whose next cursor never moves.
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let items: Vec<u32> = paginate(
        7u32,
        |i: &u32| *i,
        move |offset| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok::<_, Error>(Page {
                    items: vec![n],
                    next: Some(offset),
                })
            }
        },
    )
    .map(|r| r.unwrap())
    .collect()
    .await;
    assert_eq!(items, vec![0]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_page_walker_ends_after_an_error() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let out: Vec<Result<u32, Error>> = paginate(
        0u32,
        |i: &u32| *i,
        move |offset| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 1 {
                    Err(Error::new(ErrorKind::Server, "boom"))
                } else {
                    Ok(Page {
                        items: vec![offset],
                        next: Some(offset + 1),
                    })
                }
            }
        },
    )
    .collect()
    .await;
    assert_eq!(out.len(), 2);
    assert!(out[0].is_ok());
    assert_eq!(out[1].as_ref().unwrap_err().kind(), ErrorKind::Server);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

fn recording(state: RecordingState) -> Recording {
    Recording {
        vendor: Vendor::Zego,
        task: TaskRef::Zego {
            task_id: "task".into(),
        },
        state,
        vendor_status: VendorStatus {
            code: RawCode::Int(2),
            meaning: "recording".into(),
        },
        started_at: Some(UnixMillis(1_601_221_452_099)),
        ended_at: None,
        stop_reason: None,
        files: vec![],
        raw: Arc::new(serde_json::json!({"Code": 0})),
    }
}

/// How a scripted poll fails: a function building the error, so that each vendor's shape
/// of an error (kind, HTTP status, vendor code) can be scripted.
type Failing = fn() -> Error;

/// A scripted failure.
fn fails(error: Failing) -> Result<RecordingState, Failing> {
    Err(error)
}

/// An error of `kind` with the HTTP status such an error comes with.
fn of_kind(kind: ErrorKind) -> Error {
    let status = match kind {
        ErrorKind::NotFound => 404,
        ErrorKind::Unauthenticated => 401,
        ErrorKind::Server => 500,
        _ => 400,
    };
    Error::new(kind, "scripted").with_http_status(status)
}

fn not_found() -> Error {
    of_kind(ErrorKind::NotFound)
}

fn server_error() -> Error {
    of_kind(ErrorKind::Server)
}

fn unauthenticated() -> Error {
    of_kind(ErrorKind::Unauthenticated)
}

/// A vendor whose answers follow a script; the last answer repeats.
#[derive(Debug)]
struct Scripted {
    script: Mutex<Vec<Result<RecordingState, Failing>>>,
    polls: AtomicU32,
    gone_on_404: bool,
}

impl Scripted {
    fn new(script: Vec<Result<RecordingState, Failing>>) -> Self {
        Self {
            script: Mutex::new(script),
            polls: AtomicU32::new(0),
            gone_on_404: false,
        }
    }
}

#[async_trait::async_trait]
impl RecordingQuery for Scripted {
    fn vendor(&self) -> Vendor {
        Vendor::Zego
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            get: true,
            not_found_means_gone: self.gone_on_404,
            ..Capabilities::default()
        }
    }
    async fn get(&self, _task: &TaskRef) -> Result<Recording, Error> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        let next = {
            let mut s = self
                .script
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if s.len() > 1 { s.remove(0) } else { s[0] }
        };
        match next {
            Ok(state) => Ok(recording(state)),
            Err(error) => Err(error()),
        }
    }
    fn list(&self, _filter: &ListFilter) -> RecordingStream<'_> {
        futures::stream::empty().boxed()
    }
}

fn task() -> TaskRef {
    TaskRef::Zego {
        task_id: "task".into(),
    }
}

#[tokio::test(start_paused = true)]
async fn the_waiter_reports_each_change_and_returns_the_terminal_state() {
    use RecordingState::*;
    let q = Scripted::new(vec![
        Ok(Starting),
        Ok(Recording),
        Ok(Recording),
        Ok(Recording),
        fails(server_error),
        Ok(Processing),
        Ok(Completed),
    ]);
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(8),
        Duration::from_secs(600),
    );
    let mut seen = Vec::new();
    let started = tokio::time::Instant::now();
    let done = waiter
        .wait(&q, &task(), |r| seen.push(r.state))
        .await
        .unwrap();
    assert_eq!(done.state, Completed);
    assert_eq!(seen, vec![Starting, Recording, Processing, Completed]);
    assert_eq!(q.polls.load(Ordering::SeqCst), 7);
    // six sleeps, each between 1 s and 8 s
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(6) && elapsed <= Duration::from_secs(48),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_waiter_times_out_with_the_last_state() {
    let q = Scripted::new(vec![Ok(RecordingState::Recording)]);
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(10),
        Duration::from_secs(60),
    );
    let started = tokio::time::Instant::now();
    let err = waiter.wait(&q, &task(), |_| {}).await.unwrap_err();
    assert_eq!(err.last_state(), Some(RecordingState::Recording));
    assert!(matches!(err, WaitError::TimedOut { waited, .. } if waited == Duration::from_secs(60)));
    assert_eq!(started.elapsed(), Duration::from_secs(60));
    assert!(err.to_string().contains("last state: recording"), "{err}");
    // backoff: far fewer polls than one per second
    let polls = q.polls.load(Ordering::SeqCst);
    assert!((7..=40).contains(&polls), "{polls}");
}

#[tokio::test(start_paused = true)]
async fn a_fatal_error_ends_the_wait_and_404_after_a_sighting_is_gone() {
    let q = Scripted::new(vec![fails(unauthenticated)]);
    let err = Waiter::default()
        .wait(&q, &task(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(&err, WaitError::Query(e) if e.kind() == ErrorKind::Unauthenticated));
    assert_eq!(q.polls.load(Ordering::SeqCst), 1);

    // never seen, and the vendor's 404 does not mean gone: a plain error
    let q = Scripted::new(vec![fails(not_found)]);
    let err = Waiter::default()
        .wait(&q, &task(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(&err, WaitError::Query(e) if e.kind() == ErrorKind::NotFound));

    // seen recording, then 404: gone
    let q = Scripted::new(vec![Ok(RecordingState::Recording), fails(not_found)]);
    let mut seen = Vec::new();
    let r = Waiter::default()
        .wait(&q, &task(), |r| seen.push(r.state))
        .await
        .unwrap();
    assert_eq!(r.state, RecordingState::Gone);
    assert_eq!(seen, vec![RecordingState::Recording, RecordingState::Gone]);

    // a vendor whose 404 means "ended" (Agora): gone at once
    let mut q = Scripted::new(vec![fails(not_found)]);
    q.gone_on_404 = true;
    let r = Waiter::default().wait(&q, &task(), |_| {}).await.unwrap();
    assert_eq!(r.state, RecordingState::Gone);
    assert_eq!(r.vendor_status.code, RawCode::Int(404));
}

/// The 404 shapes the vendor crates produce for a query, each as that crate classifies it:
/// (what it is, the error). Generic bodies (empty, HTML, a body without a documented code)
/// go through `record_core::client::error_for_status`, as every vendor client does.
fn vendor_404_shapes() -> Vec<(&'static str, Error)> {
    let raw = |body: &[u8]| record_core::transport::RawResponse {
        status: 404,
        headers: reqwest::header::HeaderMap::new(),
        body: body.to_vec(),
    };
    let status_error = |body: &[u8]| {
        record_core::client::error_for_status(&raw(body))
            .unwrap_or_else(|| Error::new(ErrorKind::Vendor, "no error for HTTP 404"))
    };
    vec![
        (
            // agora-record: the gateway's message is documented as a wrong route, an invalid
            // request (ERROR_CODES "no Route matched with those values").
            "Agora gateway no Route matched",
            Error::new(
                ErrorKind::InvalidRequest,
                "no such route: wrong HTTP method or URL (e.g. POST to query)",
            )
            .with_vendor(Vendor::Agora)
            .with_retryable(false)
            .with_http_status(404)
            .with_vendor_code("no Route matched with those values")
            .with_vendor_message("no Route matched with those values"),
        ),
        (
            "Agora worker lost (code 404, failed to find worker)",
            Error::new(ErrorKind::NotFound, "no active cloud-recording session")
                .with_vendor(Vendor::Agora)
                .with_http_status(404)
                .with_vendor_code("404")
                .with_vendor_message("failed to find worker"),
        ),
        (
            // volc-record: ResponseMetadata.Error.Code ServiceNotFound (100007) is documented
            // with HTTP 404 and classified as an invalid request.
            "Volcengine ServiceNotFound",
            Error::new(
                ErrorKind::InvalidRequest,
                "the requested service does not exist (wrong host or service)",
            )
            .with_vendor(Vendor::Volcengine)
            .with_http_status(404)
            .with_vendor_code("ServiceNotFound"),
        ),
        (
            // zego-record: a documented envelope code keeps its kind under HTTP 404
            // (300000004, invalid input parameter).
            "ZEGO documented envelope code under HTTP 404",
            Error::new(
                ErrorKind::InvalidRequest,
                "invalid input parameter: see Message for which one",
            )
            .with_vendor(Vendor::Zego)
            .with_http_status(404)
            .with_vendor_code("300000004"),
        ),
        ("empty 404 body (any vendor)", status_error(b"")),
        (
            "HTML 404 page (any vendor's gateway)",
            status_error(b"<html><body>404 Not Found</body></html>"),
        ),
        (
            "QingCloud 404 with a code other than success",
            status_error(br#"{"code":"not_found","message":"no such record"}"#)
                .with_vendor(Vendor::QingCloud)
                .with_vendor_code("not_found"),
        ),
    ]
}

/// A query that answers `Recording` once, then fails with `error` forever.
#[derive(Debug)]
struct AnsweredThen {
    error: Mutex<Option<Error>>,
    answered: AtomicU32,
    polls: AtomicU32,
    gone_on_404: bool,
    answer_first: bool,
}

impl AnsweredThen {
    fn new(error: Error, answer_first: bool) -> Self {
        Self {
            error: Mutex::new(Some(error)),
            answered: AtomicU32::new(0),
            polls: AtomicU32::new(0),
            gone_on_404: false,
            answer_first,
        }
    }
}

#[async_trait::async_trait]
impl RecordingQuery for AnsweredThen {
    fn vendor(&self) -> Vendor {
        Vendor::Zego
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            get: true,
            not_found_means_gone: self.gone_on_404,
            ..Capabilities::default()
        }
    }
    async fn get(&self, _task: &TaskRef) -> Result<Recording, Error> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.answer_first && self.answered.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut r = recording(RecordingState::Recording);
            r.files.push(RecordingFile {
                name: "seen.mp4".into(),
                ..RecordingFile::default()
            });
            return Ok(r);
        }
        let taken = self
            .error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        Err(taken.unwrap_or_else(|| Error::new(ErrorKind::Vendor, "polled after the error")))
    }
    fn list(&self, _filter: &ListFilter) -> RecordingStream<'_> {
        futures::stream::empty().boxed()
    }
}

#[tokio::test(start_paused = true)]
async fn every_vendor_404_after_an_answer_is_gone() {
    for (shape, error) in vendor_404_shapes() {
        let meaning = error.to_string();
        let q = AnsweredThen::new(error, true);
        let mut seen = Vec::new();
        let outcome = Waiter::default()
            .wait(&q, &task(), |r| seen.push(r.state))
            .await;
        let r = match outcome {
            Ok(r) => r,
            Err(e) => panic!("{shape}: the wait failed: {e}"),
        };
        assert_eq!(r.state, RecordingState::Gone, "{shape}");
        assert_eq!(
            seen,
            [RecordingState::Recording, RecordingState::Gone],
            "{shape}"
        );
        // The vendor status is the 404 and what the vendor said; the files seen are kept.
        assert_eq!(r.vendor_status.code, RawCode::Int(404), "{shape}");
        assert_eq!(r.vendor_status.meaning, meaning, "{shape}");
        assert_eq!(r.files.len(), 1, "{shape}");
        assert_eq!(q.polls.load(Ordering::SeqCst), 2, "{shape}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_first_poll_404_keeps_its_meaning() {
    for (shape, error) in vendor_404_shapes() {
        let kind = error.kind();
        let code = error.vendor_code().map(str::to_owned);
        // Not a vendor whose 404 means gone: the error itself, as the client gave it.
        let q = AnsweredThen::new(error, false);
        let err = Waiter::default().wait(&q, &task(), |_| {}).await;
        match err {
            Err(WaitError::Query(e)) => {
                assert_eq!(e.kind(), kind, "{shape}");
                assert_eq!(e.vendor_code().map(str::to_owned), code, "{shape}");
            }
            other => panic!("{shape}: expected the query error, got {other:?}"),
        }
        assert_eq!(q.polls.load(Ordering::SeqCst), 1, "{shape}");
    }
    // A vendor whose 404 means an ended recording (Agora): a first not-found is gone, but a
    // first 404 of another kind (the gateway's "no Route matched") stays an error.
    for (shape, error) in vendor_404_shapes() {
        let not_found = error.kind() == ErrorKind::NotFound;
        let mut q = AnsweredThen::new(error, false);
        q.gone_on_404 = true;
        let outcome = Waiter::default().wait(&q, &task(), |_| {}).await;
        match outcome {
            Ok(r) => {
                assert!(not_found, "{shape}: gone on a first poll");
                assert_eq!(r.state, RecordingState::Gone, "{shape}");
            }
            Err(WaitError::Query(e)) => {
                assert!(!not_found, "{shape}: not gone: {e}");
                assert_eq!(e.http_status(), Some(404), "{shape}");
            }
            Err(other) => panic!("{shape}: {other}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn other_errors_after_an_answer_are_not_gone() {
    // Only 404s: a refused credential or a 400 after an answer still end the wait with the
    // error, and a 500 is waited out.
    for error in [
        of_kind(ErrorKind::Unauthenticated),
        of_kind(ErrorKind::InvalidRequest),
        of_kind(ErrorKind::PermissionDenied).with_http_status(403),
    ] {
        let kind = error.kind();
        let q = AnsweredThen::new(error, true);
        let err = Waiter::default().wait(&q, &task(), |_| {}).await;
        assert!(
            matches!(&err, Err(WaitError::Query(e)) if e.kind() == kind),
            "{kind:?}: {err:?}"
        );
    }
    let q = Scripted::new(vec![
        Ok(RecordingState::Recording),
        fails(server_error),
        Ok(RecordingState::Completed),
    ]);
    let r = Waiter::default().wait(&q, &task(), |_| {}).await;
    assert!(
        matches!(&r, Ok(r) if r.state == RecordingState::Completed),
        "{r:?}"
    );
}

#[test]
fn poll_delays_stay_between_min_and_max() {
    let w = Waiter::new(
        Duration::from_millis(500),
        Duration::from_secs(4),
        Duration::from_secs(60),
    );
    for n in 0..40 {
        for unit in [0.0, 0.3, 0.999] {
            let d = w.delay(n, unit);
            assert!(
                d >= Duration::from_millis(500) && d <= Duration::from_secs(4),
                "{n} {unit} {d:?}"
            );
        }
    }
    assert_eq!(w.delay(0, 0.999), Duration::from_millis(500));
    assert!(w.delay(10, 0.999) > Duration::from_millis(3900));
}

#[test]
fn a_recording_serializes_to_the_documented_keys() {
    let mut r = recording(RecordingState::Completed);
    r.ended_at = Some(UnixMillis(1_601_221_508_795));
    r.files.push(RecordingFile {
        name: "a.mp4".into(),
        size_bytes: Some(12),
        ..RecordingFile::default()
    });
    let v = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "vendor",
        "task",
        "state",
        "vendor_status",
        "started_at_ms",
        "ended_at_ms",
        "stop_reason",
        "files",
        "raw",
    ];
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(v["vendor"], "zego");
    assert_eq!(v["task"], serde_json::json!({"task_id": "task"}));
    assert_eq!(v["state"], "completed");
    assert_eq!(
        v["vendor_status"],
        serde_json::json!({"code": 2, "meaning": "recording"})
    );
    assert_eq!(v["ended_at_ms"], 1_601_221_508_795_i64);
    assert_eq!(v["raw"], serde_json::json!({"Code": 0}));
    let f = &v["files"][0];
    assert_eq!(f["name"], "a.mp4");
    assert_eq!(f["size_bytes"], 12);
    assert!(f["duration_ms"].is_null() && f["started_at_ms"].is_null() && f["url"].is_null());
}

fn refused() -> Error {
    Error::new(ErrorKind::Transport, "connection refused by 127.0.0.1:9")
}

#[tokio::test(start_paused = true)]
async fn a_first_poll_that_gets_no_answer_ends_the_wait_with_its_cause() {
    let q = Scripted::new(vec![fails(refused)]);
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(10),
        Duration::from_secs(3600),
    );
    let started = tokio::time::Instant::now();
    let err = waiter.wait(&q, &task(), |_| {}).await.unwrap_err();
    assert!(
        matches!(&err, WaitError::Query(e) if e.kind() == ErrorKind::Transport),
        "{err}"
    );
    assert!(err.to_string().contains("connection refused"), "{err}");
    assert_eq!(q.polls.load(Ordering::SeqCst), 1);
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "no silent hour of waiting"
    );
}

#[tokio::test(start_paused = true)]
async fn transport_failures_after_an_answer_are_reported_then_end_the_wait() {
    use RecordingState::*;
    // Two failures in a row are survived (and reported), the count restarts on an answer,
    // then three in a row end the wait.
    let q = Scripted::new(vec![
        Ok(Recording),
        fails(refused),
        fails(refused),
        Ok(Recording),
        fails(refused),
        fails(refused),
        fails(refused),
        Ok(Completed),
    ]);
    let waiter = Waiter::new(
        Duration::from_secs(1),
        Duration::from_secs(2),
        Duration::from_secs(3600),
    );
    let mut reported = 0;
    let err = waiter
        .wait_observing(&q, &task(), |_| {}, |_| reported += 1)
        .await
        .unwrap_err();
    assert!(matches!(&err, WaitError::Query(e) if e.kind() == ErrorKind::Transport));
    assert_eq!(q.polls.load(Ordering::SeqCst), 7);
    assert_eq!(
        reported, 4,
        "every survived failure is reported, the last one is returned"
    );
    assert_eq!(Waiter::DEFAULT_MAX_TRANSPORT_FAILURES, 3);
}
