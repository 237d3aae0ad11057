//! Behaviour 5: each documented limit, with the vendor's typed error: rate limits, query
//! windows, page sizes, Agora's 404 once a session has ended (ZEGO's 16-byte `TaskId` is
//! in `get::malformed_and_foreign_tasks`).

use crate::harness::{Harness, Opts, id_of};
use futures::future::join_all;
use futures::{StreamExt as _, TryStreamExt as _};
use record_emulator::Vendor;
use record_facade::{
    Capabilities, DurationMillis, ErrorKind, ListFilter, ListStatus, RawCode, Recording,
    RecordingState, TimeWindow, UnixMillis,
};
use std::time::{Duration, Instant};

/// The list filter the vendor's capabilities call for: app and room where required, the
/// room where supported, a status where required, `window` (or the last hour) where the
/// vendor takes one.
fn filter(
    caps: &Capabilities,
    app_id: &str,
    room: &str,
    status: ListStatus,
    window: Option<TimeWindow>,
    page_size: Option<u32>,
    now: UnixMillis,
) -> ListFilter {
    ListFilter {
        app_id: caps.list_requires_room.then(|| app_id.to_owned()),
        room: caps.list_by_room.then(|| room.to_owned()),
        status: caps.list_requires_status.then_some(status),
        window: caps.list_max_window.map(|_| {
            window.unwrap_or(TimeWindow {
                start: now.saturating_sub(DurationMillis::HOUR),
                end: now,
            })
        }),
        page_size,
    }
}

/// The first item of the listing is an `InvalidRequest` naming `parameter`.
async fn first_error(h: &Harness, filter: &ListFilter) -> record_facade::Error {
    let items: Vec<_> = h.client.list(filter).collect().await;
    assert_eq!(items.len(), 1, "{}: {filter:?}: {items:?}", h.vendor);
    items.into_iter().next().unwrap().unwrap_err()
}

/// Rate limits (ZEGO 10/s per action, Volcengine 60/s, Agora 10/s; the emulator counts
/// real time): a burst of five more than the limit, with the client's rate limiter and
/// retries off, has exactly five `RateLimited` (retryable) errors; with the client's
/// default rate limiter on (retries still off), the same burst all succeeds, spread over
/// the time the limit requires. QingCloud documents no limit: a burst is not throttled.
pub async fn rate(vendor: Vendor) {
    let h = Harness::start_with(vendor, true).await;
    let (_, task) = h.create(h.spec());
    match h.client.capabilities().rate_limit_per_sec {
        Some(limit) => {
            let burst = limit as usize + 5;
            let bare = h.client_with(&Opts::default());
            h.count_requests([]);
            let results = join_all((0..burst).map(|_| bare.get(&task))).await;
            assert_eq!(h.requests_seen().await, burst as u64, "{vendor}");
            let limited: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
            assert_eq!(limited.len(), 5, "{vendor}: {limited:?}");
            for e in limited {
                assert_eq!(e.kind(), ErrorKind::RateLimited, "{vendor}: {e:?}");
                assert!(e.is_retryable(), "{vendor}: {e:?}");
                assert_eq!(e.attempts(), 1);
            }
            // Let the emulator's one-second window empty.
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            // The client's default rate limiter, retries still off: every request of the
            // burst goes through. The limiter spaces requests 1.02/limit s apart; without
            // that margin, one request per burst was refused on every run (the vendor counts
            // arrivals, and the first request of a burst, opening its connection, arrives
            // later than it left).
            let limited_client = h.client_with(&Opts {
                vendor_rate_limit: true,
                ..Opts::default()
            });
            h.count_requests([]);
            let started = Instant::now();
            let results = join_all((0..burst).map(|_| limited_client.get(&task))).await;
            let elapsed = started.elapsed();
            for r in &results {
                assert!(r.is_ok(), "{vendor}: {r:?}");
            }
            assert_eq!(h.requests_seen().await, burst as u64, "{vendor}");
            // The limiter spaced the requests 1/limit s apart.
            let spread = Duration::from_secs_f64((burst - 1) as f64 / f64::from(limit));
            assert!(
                elapsed >= spread.mul_f64(0.95),
                "{vendor}: {burst} requests in {elapsed:?}"
            );
        }
        None => {
            let bare = h.client_with(&Opts::default());
            let results = join_all((0..30).map(|_| bare.get(&task))).await;
            for r in &results {
                assert!(r.is_ok(), "{vendor}: {r:?}");
            }
        }
    }
}

/// Query windows (ZEGO 3 days, QingCloud 24 hours, Volcengine 72 hours:
/// `Capabilities::query_horizon`): a recording created an hour inside the horizon reads
/// back, one created an hour before it is `NotFound`, answered by the vendor; a list
/// window starting before the horizon is refused (locally: nothing is sent), one reaching
/// exactly back to it lists the recording inside. Agora documents no horizon: a session
/// started ten days ago that still runs reads back.
pub async fn query_window(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.capabilities();
    let Some(horizon) = caps.query_horizon else {
        let (_, old) = h.create(h.spec().start_offset_secs(-10.0 * 86_400.0));
        let r = h.client.get(&old).await.unwrap();
        assert_eq!(r.state, RecordingState::Recording, "{vendor}");
        return;
    };
    let horizon_secs = horizon.as_secs_f64();
    let (inside, inside_task) = h.create(
        h.spec()
            .start_offset_secs(-(horizon_secs - 3_600.0))
            .duration_secs(60.0),
    );
    let (outside, outside_task) = h.create(
        h.spec()
            .start_offset_secs(-(horizon_secs + 3_600.0))
            .duration_secs(60.0),
    );
    let r = h.client.get(&inside_task).await.unwrap();
    assert_eq!(r.state, RecordingState::Completed, "{vendor}");
    h.count_requests([]);
    let e = h.client.get(&outside_task).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{vendor}: {e:?}");
    assert!(!e.is_retryable());
    assert_eq!(h.requests_seen().await, 1, "{vendor}: the vendor answered");

    if caps.list {
        let now = h.now();
        let horizon_ms = DurationMillis(i64::try_from(horizon.as_millis()).unwrap());
        let start = now.saturating_sub(horizon_ms);
        let too_old = filter(
            &caps,
            &inside.app_id,
            &inside.room,
            ListStatus::Ended,
            Some(TimeWindow {
                start: start.saturating_sub(DurationMillis::HOUR),
                end: start.saturating_add(DurationMillis::HOUR),
            }),
            None,
            now,
        );
        h.count_requests([]);
        let e = first_error(&h, &too_old).await;
        assert_eq!(
            (e.kind(), e.parameter()),
            (ErrorKind::InvalidRequest, Some("window")),
            "{vendor}: {e:?}"
        );
        assert_eq!(h.requests_seen().await, 0, "{vendor}: refused locally");

        let whole = filter(
            &caps,
            &inside.app_id,
            &inside.room,
            ListStatus::Ended,
            Some(TimeWindow { start, end: now }),
            None,
            now,
        );
        let listed: Vec<Recording> = h.client.list(&whole).try_collect().await.unwrap();
        let ids: Vec<String> = listed.iter().map(|r| id_of(&r.task)).collect();
        assert_eq!(
            ids,
            std::slice::from_ref(&inside.id),
            "{vendor}: not {}",
            outside.id
        );
    }
}

/// Page sizes (`Capabilities::list_max_page_size`: ZEGO `PageSize` 50, QingCloud `limit`
/// 100): one more than the maximum, or 0, is a typed `InvalidRequest` naming the page size
/// (`Harness::page_size_parameter`), refused by the client's request builder before anything is sent (the
/// emulator would refuse it too, with ZEGO's 300000004 or QingCloud's HTTP 400, as the
/// per-vendor tests show, but it never sees it); the maximum itself is accepted. Vendors
/// that cannot list have no maximum and answer the unsupported error.
pub async fn page_size(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.capabilities();
    let (info, _) = h.create(h.spec().start_offset_secs(-60.0));
    let Some(max) = caps.list_max_page_size else {
        assert!(
            !caps.list,
            "{vendor}: a vendor that lists has a maximum page size"
        );
        let e = first_error(
            &h,
            &ListFilter {
                page_size: Some(1_000),
                ..ListFilter::default()
            },
        )
        .await;
        crate::harness::assert_unsupported(&e, vendor);
        return;
    };
    let now = h.now();
    let with_size = |size: u32| {
        filter(
            &caps,
            &info.app_id,
            &info.room,
            ListStatus::Recording,
            None,
            Some(size),
            now,
        )
    };
    h.count_requests([]);
    for size in [max + 1, 0] {
        let e = first_error(&h, &with_size(size)).await;
        assert_eq!(
            (e.kind(), e.parameter()),
            (ErrorKind::InvalidRequest, Some(h.page_size_parameter())),
            "{vendor} {size}: {e:?}"
        );
    }
    assert_eq!(h.requests_seen().await, 0, "{vendor}: refused locally");
    let listed: Vec<Recording> = h.client.list(&with_size(max)).try_collect().await.unwrap();
    assert_eq!(listed.len(), 1, "{vendor}");
    assert_eq!(h.requests_seen().await, 1, "{vendor}");
}

/// Ended recordings: where a 404 means "gone" (`not_found_means_gone`, Agora), the query
/// answers `NotFound` (HTTP 404) five seconds after the session ended; elsewhere an ended
/// recording still reads back as completed an hour later.
pub async fn ended_recordings(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.capabilities();
    // Completed 12 s after creation (2 s starting, 2 s recording, 2 s stopping, 6 s
    // processing).
    let (rec, task) = h.create(h.spec().duration_secs(2.0));
    h.advance_ms(12_500);
    let r = h.client.get(&task).await.unwrap();
    assert_eq!(r.state, RecordingState::Completed, "{vendor}");
    if caps.not_found_means_gone {
        h.advance_ms(5_000);
        h.count_requests([]);
        let e = h.client.get(&task).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.http_status()),
            (ErrorKind::NotFound, Some(404)),
            "{vendor}: {e:?}"
        );
        assert!(!e.is_retryable());
        assert_eq!(h.requests_seen().await, 1);
        let info = h.info(&rec);
        assert_eq!(
            (info.state, info.vendor_status.as_str()),
            (RecordingState::Gone, "404")
        );
    } else {
        h.advance_ms(3_600_000);
        let later = h.client.get(&task).await.unwrap();
        assert_eq!(later.state, RecordingState::Completed, "{vendor}");
        assert_eq!(later.vendor_status.code, r.vendor_status.code);
        assert_eq!(later.files.len(), r.files.len());
        assert!(!matches!(later.vendor_status.code, RawCode::Int(404)));
    }
}
