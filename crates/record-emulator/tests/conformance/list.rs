//! Behaviour 2: `list` with pagination where the vendor can list (`Capabilities::list`),
//! the typed unsupported error where it cannot.

use crate::harness::{Harness, assert_unsupported, id_of};
use futures::{StreamExt as _, TryStreamExt as _};
use record_emulator::Vendor;
use record_facade::{
    DurationMillis, ErrorKind, ListFilter, ListStatus, Recording, RecordingState, TimeWindow,
};
use std::collections::BTreeSet;

/// Recordings in the listed room.
const N: usize = 5;
/// The page size asked for.
const PAGE: u32 = 2;

/// The first item of `filter`'s listing must be an `InvalidRequest` naming `parameter`.
async fn assert_refused(h: &Harness, filter: &ListFilter, parameter: &str) {
    let items: Vec<_> = h.client.list(filter).collect().await;
    assert_eq!(items.len(), 1, "{}: {filter:?} yields one error", h.vendor);
    let e = items[0].as_ref().unwrap_err();
    assert_eq!(
        (e.kind(), e.parameter()),
        (ErrorKind::InvalidRequest, Some(parameter)),
        "{}: {filter:?}: {e:?}",
        h.vendor
    );
}

/// More recordings than a page holds are listed with a small page size: every id appears
/// exactly once, the emulator saw one request per page (and at most one more, an empty
/// last page), the stream is lazy, and leaving out a field the vendor requires
/// (`list_requires_room`, `list_requires_status`) is refused before anything is sent.
pub async fn paginates(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let caps = h.client.capabilities();
    if !caps.list {
        // Gating: the documented unsupported answer, whatever the filter, and no request.
        assert_eq!(
            (
                caps.list_by_room,
                caps.list_requires_room,
                caps.list_requires_status,
                caps.list_max_page_size,
                caps.list_max_window
            ),
            (false, false, false, None, None),
            "{vendor}: list capabilities without list"
        );
        h.create(h.spec());
        h.count_requests([]);
        let full = ListFilter {
            app_id: Some("app".into()),
            room: Some("room-1".into()),
            status: Some(ListStatus::Recording),
            window: None,
            page_size: Some(PAGE),
        };
        for filter in [ListFilter::default(), full] {
            let items: Vec<_> = h.client.list(&filter).collect().await;
            assert_eq!(items.len(), 1, "{vendor}: one error, then the end");
            assert_unsupported(items[0].as_ref().unwrap_err(), vendor);
        }
        assert_eq!(h.requests_seen().await, 0, "{vendor}");
        return;
    }

    let mut ids = BTreeSet::new();
    let mut listed_room = None;
    for i in 0..N {
        // Created a minute ago, a second apart: all recording by now.
        let (info, _) = h.create(h.spec().start_offset_secs(-60.0 + i as f64));
        listed_room = Some((info.app_id.clone(), info.room.clone()));
        ids.insert(info.id);
    }
    let (app_id, room) = listed_room.unwrap();
    // Another room of the same app: left out by the room filter.
    let (other, _) = h.create(h.spec().room("room-2").start_offset_secs(-30.0));
    assert!(!ids.contains(&other.id));
    let now = h.now();
    let filter = ListFilter {
        app_id: caps.list_requires_room.then(|| app_id.clone()),
        room: caps.list_by_room.then(|| room.clone()),
        status: caps.list_requires_status.then_some(ListStatus::Recording),
        window: caps.list_max_window.map(|_| TimeWindow {
            start: now.saturating_sub(DurationMillis::HOUR),
            end: now,
        }),
        page_size: Some(PAGE),
    };
    assert!(caps.list_max_page_size.is_some_and(|max| max >= PAGE));

    h.count_requests([]);
    if caps.list_requires_room {
        let no_room = ListFilter {
            room: None,
            ..filter.clone()
        };
        assert_refused(&h, &no_room, "room").await;
        let no_app = ListFilter {
            app_id: None,
            ..filter.clone()
        };
        assert_refused(&h, &no_app, "app_id").await;
    }
    if caps.list_requires_status {
        let no_status = ListFilter {
            status: None,
            ..filter.clone()
        };
        assert_refused(&h, &no_status, "status").await;
    }
    assert_eq!(h.requests_seen().await, 0, "{vendor}: refused locally");

    let listed: Vec<Recording> = h.client.list(&filter).try_collect().await.unwrap();
    let pages = h.requests_seen().await;
    let listed_ids: Vec<String> = listed.iter().map(|r| id_of(&r.task)).collect();
    assert_eq!(listed_ids.len(), N, "{vendor}: {listed_ids:?}");
    assert_eq!(
        listed_ids.iter().cloned().collect::<BTreeSet<_>>(),
        ids,
        "{vendor}: every id exactly once"
    );
    for r in &listed {
        assert_eq!(r.vendor, vendor);
        assert_eq!(r.state, RecordingState::Recording, "{vendor}: {r:?}");
    }
    let full_pages = N.div_ceil(PAGE as usize) as u64;
    assert!(
        pages > 1 && (full_pages..=full_pages + 1).contains(&pages),
        "{vendor}: {pages} page requests for {N} recordings by {PAGE}"
    );

    // Lazy: taking the first item costs one page.
    h.count_requests([]);
    let mut stream = h.client.list(&filter);
    let first = stream.next().await.unwrap().unwrap();
    assert!(ids.contains(&id_of(&first.task)));
    drop(stream);
    assert_eq!(h.requests_seen().await, 1, "{vendor}: one page fetched");
}
