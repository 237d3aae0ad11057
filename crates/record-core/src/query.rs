//! The vendor-neutral query interface: [`RecordingQuery`] (get one recording, list
//! recordings as a lazy stream), what each vendor can do ([`Capabilities`]), and the page
//! walker the vendor crates build their list streams on ([`paginate`]).

use crate::{Error, Recording, TaskRef, UnixMillis, Vendor};
use futures::stream::{self, BoxStream, StreamExt as _, TryStreamExt as _};
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::time::Duration;

/// A stream of recordings, fetched page by page as it is polled.
pub type RecordingStream<'a> = BoxStream<'a, Result<Recording, Error>>;

/// Which recordings a list asks for. Fields a vendor does not support are refused with an
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error naming them,
/// never silently ignored; see [`Capabilities`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// The application (QingCloud `app_id`; required there).
    pub app_id: Option<String>,
    /// The room or channel (ZEGO `RoomId`, QingCloud `channel`).
    pub room: Option<String>,
    /// Running or ended recordings (ZEGO `Status`; required there).
    pub status: Option<ListStatus>,
    /// Recordings that started inside this window.
    pub window: Option<TimeWindow>,
    /// Page size to request (the vendor's default when `None`).
    pub page_size: Option<u32>,
}

/// A list's status filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListStatus {
    /// Recordings still running.
    Recording,
    /// Recordings that have ended.
    Ended,
}

/// A time window, start inclusive, end exclusive, in UTC milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    /// Start.
    pub start: UnixMillis,
    /// End.
    pub end: UnixMillis,
}

/// What a vendor's API supports, in the manner of OpenDAL's `Capability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// One recording can be fetched by its [`TaskRef`].
    pub get: bool,
    /// Recordings can be listed.
    pub list: bool,
    /// Listing can filter by [`ListFilter::room`].
    pub list_by_room: bool,
    /// Listing requires [`ListFilter::app_id`] and [`ListFilter::room`].
    pub list_requires_room: bool,
    /// Listing requires [`ListFilter::status`].
    pub list_requires_status: bool,
    /// The longest [`ListFilter::window`] the vendor accepts.
    pub list_max_window: Option<Duration>,
    /// The largest page size the vendor accepts.
    pub list_max_page_size: Option<u32>,
    /// How far back a recording can be queried at all (ZEGO 3 days, Volcengine 72 hours).
    pub query_horizon: Option<Duration>,
    /// The documented request rate limit, per second.
    pub rate_limit_per_sec: Option<u32>,
    /// A "not found" answer for a recording that was seen before means the vendor has
    /// forgotten it (Agora's 404 once a session has ended): the waiter reports
    /// [`RecordingState::Gone`](crate::RecordingState::Gone).
    pub not_found_means_gone: bool,
    /// The lifecycle operations the vendor offers ([`crate::RecordingControl`]).
    pub control: crate::ControlCapabilities,
}

/// Read access to one vendor's recordings, the same for every vendor. Object safe: the
/// facade hands out `Box<dyn RecordingQuery>`.
#[async_trait::async_trait]
pub trait RecordingQuery: Send + Sync + fmt::Debug {
    /// The vendor.
    fn vendor(&self) -> Vendor;

    /// What this vendor supports.
    fn capabilities(&self) -> Capabilities;

    /// Fetches one recording.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when `task` belongs
    /// to another vendor or breaks a documented limit; otherwise the client's errors
    /// ([`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when the vendor does not know
    /// the task).
    async fn get(&self, task: &TaskRef) -> Result<Recording, Error>;

    /// Lists recordings lazily: a page is requested only when the stream needs it, one
    /// page is held in memory, and the stream ends on an empty or repeated page. Vendors
    /// that cannot list ([`Capabilities::list`] false), and filters a vendor cannot apply,
    /// yield one [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) error
    /// ([`unsupported`]), nothing sent.
    fn list(&self, filter: &ListFilter) -> RecordingStream<'_>;
}

/// The error for a [`TaskRef`] of another vendor.
pub fn wrong_vendor(expected: Vendor, task: &TaskRef) -> Error {
    Error::invalid_parameter(
        "task",
        format!(
            "a {} task reference was given to the {expected} client",
            task.vendor()
        ),
    )
    .with_vendor(expected)
}

/// The error for a list (or a filter of one) a vendor cannot serve: an
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) error naming the parameter
/// `filter` and the vendor; nothing is sent.
pub fn unsupported(vendor: Vendor, what: &str) -> Error {
    Error::new(
        crate::ErrorKind::Unsupported,
        format!("{vendor} does not support {what}"),
    )
    .with_parameter("filter")
    .with_vendor(vendor)
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    /// The page's items.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` when the vendor says this is the last one.
    pub next: Option<C>,
}

/// Walks pages lazily: `fetch(cursor)` is called for the first page when the stream is
/// first polled and for each next page only once the previous page's items have all been
/// taken. It stops after an error, on a page without items, when there is no next cursor,
/// when the next cursor equals the current one, and on a page whose item keys (`key`) are
/// the same as the previous page's (a vendor that ignores the offset would otherwise loop
/// forever).
pub fn paginate<'a, T, C, K, F, Fut>(
    first: C,
    key: impl Fn(&T) -> K + Send + Sync + 'a,
    fetch: F,
) -> BoxStream<'a, Result<T, Error>>
where
    T: Send + 'a,
    C: PartialEq + Clone + Send + 'a,
    K: Hash,
    F: FnMut(C) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, C>, Error>> + Send + 'a,
{
    struct State<C, F> {
        cursor: Option<C>,
        previous: Option<u64>,
        fetch: F,
    }
    let state = State {
        cursor: Some(first),
        previous: None,
        fetch,
    };
    let key = std::sync::Arc::new(key);
    stream::try_unfold(state, move |mut state| {
        let cursor = state.cursor.take();
        let key = key.clone();
        let fingerprint = move |items: &[T]| {
            let mut h = DefaultHasher::new();
            for item in items {
                key(item).hash(&mut h);
            }
            h.finish()
        };
        let fetched = cursor.map(|c| {
            let fut = (state.fetch)(c.clone());
            (c, fut)
        });
        async move {
            let Some((current, fut)) = fetched else {
                return Ok(None);
            };
            let page = fut.await?;
            if page.items.is_empty() {
                return Ok(None);
            }
            let fp = fingerprint(&page.items);
            if state.previous == Some(fp) {
                return Ok(None);
            }
            state.previous = Some(fp);
            state.cursor = page.next.filter(|n| *n != current);
            Ok(Some((page.items, state)))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}
