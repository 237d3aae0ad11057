//! Typed models for the QingCloud RTC (青云实时音视频) cloud-recording query API.
//!
//! QingCloud RTC has one query endpoint, `GET /v1/cloudRecord` (查询录制), on
//! `https://rtc.api.qingcloud.com`. It lists the recording tasks of one channel of one
//! application that fall in a window of at most 24 hours before now, with `offset`/`limit`
//! paging. This crate calls it `DescribeCloudRecord` (QingCloud gives the operation no name;
//! the name is not sent on the wire) and `list_recordings` (client method, fixture folder).
//!
//! * [`ListRecordingsRequest`] holds the query parameters. Its builder checks the documented
//!   limits and the `from_hour`/`to_hour` rules of [`validation::list_recordings_request`].
//! * [`ListRecordingsResponse`] is the response body. Only `code == "success"` is documented
//!   ([`ListRecordingsResponse::is_success`]). QingCloud documents no error codes, so
//!   [`ERROR_CODES`] is empty.
//! * [`RecordingInfo`] is one task. Its `status` is a [`RecordingStatus`] that maps to the
//!   vendor-neutral [`record_core::RecordingState`] with `base_state()`. `pid`, `size` and
//!   `is_mix` are documented as strings but sent as numbers. Both forms are accepted, and
//!   they are written back as numbers.
//!
//! # Example
//!
//! Decode the documented response example and build a request:
//!
//! ```
//! use qingcloud_record::{ListRecordingsRequest, ListRecordingsResponse, RecordingStatus};
//! use record_core::RecordingState;
//!
//! let body = r#"{
//!     "code":"success",
//!     "offset":0,
//!     "limit":20,
//!     "recinfos":[
//!         {
//!             "id":39,
//!             "project_id":"PHbrnM2Ff",
//!             "app_id":"34723259bb8f4768bc7a9c7cbb126baa",
//!             "channel":"crIUxmwHA2",
//!             "pid":15045,
//!             "host":"13rtc-rec-gw-bj13103.235.85.758020",
//!             "status":2,
//!             "size":0,
//!             "is_mix":1,
//!             "url_prefix":"",
//!             "files":"",
//!             "acc_key_id":"POAWWUCKNHNGNTHYJTXL",
//!             "rec_bucket":"sunny-video-recorde",
//!             "rec_zone":"pek3b",
//!             "rec_path":"CloudRecordMedia/",
//!             "created":"2021-11-18 14:56:43",
//!             "updated":"2021-11-18 14:56:43"
//!         }
//!     ],
//!     "total_count":1
//! }"#;
//! let page: ListRecordingsResponse = serde_json::from_str(body)?;
//! assert!(page.is_success());
//! assert_eq!(page.total_count, Some(1));
//! let task = page.recinfos.as_ref().and_then(|tasks| tasks.first()).ok_or("no task")?;
//! assert_eq!(task.id, 39);
//! assert_eq!(task.status, Some(RecordingStatus::Recording));
//! assert_eq!(task.status.map(|s| s.base_state()), Some(RecordingState::Recording));
//! assert_eq!(task.is_mixed(), Some(true));
//!
//! // Tasks of the last 6 hours, 50 per page.
//! let request = ListRecordingsRequest::builder()
//!     .app_id("34723259bb8f4768bc7a9c7cbb126baa")
//!     .channel("crIUxmwHA2")
//!     .from_hour(6)
//!     .to_hour(0)
//!     .limit(50)
//!     .build()?;
//! assert_eq!(request.path(), "/v1/cloudRecord");
//! assert!(request.query_pairs().contains(&("from_hour", "6".to_owned())));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Client
//!
//! [`Client`] calls the API: `Client::builder(credentials).build()?`, then
//! [`Client::list_recordings`] with a [`ListRecordingsRequest`]. It signs every attempt
//! afresh, retries what a retry can help (HTTP 429 honouring `Retry-After`, 5xx, timeouts,
//! connection errors), applies the timeouts, the body cap and an optional client-side rate
//! limit (QingCloud documents none, so none by default), and turns any `code` other than
//! `"success"` into a [`record_core::Error`] that keeps the raw code. The [`client`] module
//! has a complete example and the error rules.
//!
//! # Vendor-neutral view
//!
//! [`RecordingInfo::to_recording`] and [`ListRecordingsResponse::to_recordings`] turn the
//! tasks into [`record_core::Recording`]s (state from the spec's `base_state()`, the times
//! `created`/`updated` read as +08:00, the storage location and `size` as one file entry,
//! the typed item kept as `raw`), and [`Client`] implements [`record_core::RecordingQuery`]:
//! `get` finds a task by id (or the most recent one) among the channel's tasks of the last
//! 24 hours, and `list` walks the pages lazily ([`Client::list_recordings_stream`]). The
//! mapping, field by field, is documented on [`RecordingInfo::to_recording`]; in short:
//!
//! * `status` → `state` and `vendor_status` (raw code, documented meaning); absent → state
//!   `unknown` with an empty text code;
//! * `created` → `started_at`; `updated` → `ended_at` once the state is terminal;
//! * `status` 4/5/30–32 → `stop_reason` (code `Stopping`, `AutoStopping` or
//!   `RecordProcessCored`, with its documented meaning);
//! * `rec_path` (name), `size` (bytes), `rec_bucket`, `rec_zone`, `is_mix`, `acc_key_id`,
//!   and non-empty `url_prefix`/`files` (extra) → one [`record_core::RecordingFile`]:
//!   QingCloud lists no individual file, only where the recording is stored.
//!
//! [`Client::prepare_list_recordings`] shows the exact signed request of a call without
//! sending it.
//!
//! # Signing
//!
//! Requests are authenticated with QingCloud's RTC-specific HMAC-SHA256 query signature
//! (not the IaaS one): [`Credentials`] holds the API key pair (the secret in a
//! `secrecy::SecretString`, never printed; [`Credentials::from_env`] reads
//! `QINGCLOUD_ACCESS_KEY_ID` and `QINGCLOUD_SECRET_ACCESS_KEY`), and [`signing::sign`] is a
//! pure function of the method, path, query pairs, body, credentials and time that returns
//! every intermediate (body MD5, canonical query, string to sign, base64 signature) and the
//! query string to send in a [`SignedRequest`]. The steps are listed in [`signing`]; the
//! golden vectors live in `fixtures/qingcloud/signing/`.
//!
//! # Documentation gaps
//!
//! The vendor page contradicts itself in places. `shared/vendor-facts.md` §2.4 decides each
//! case, and `api-spec.toml` records every decision:
//!
//! * The documented defaults `from_hour = 3` and `to_hour = 5` break the documented rule
//!   `from_hour >= to_hour`. Set both bounds or neither; see
//!   [`validation::list_recordings_request`].
//! * The unit of `size` is not documented. Bytes is assumed.
//! * The time zone of `created`/`updated` (`YYYY-MM-DD HH:MM:SS`) is not documented, probably
//!   +08:00, so they are kept as strings.
//! * No error codes, error body shape or HTTP statuses are documented.

#[rustfmt::skip]
mod generated;
pub use generated::*;

pub mod client;
pub mod credentials;
mod neutral;
pub mod signing;
pub mod validation;

pub use credentials::Credentials;
pub use neutral::{LIST_MAX_PAGE_SIZE, LIST_MAX_WINDOW, LOCAL_TIME_OFFSET_HOURS, parse_local_time};
pub use signing::SignedRequest;

impl ListRecordingsResponse {
    /// The only documented value of `code`: the request succeeded (响应代码).
    pub const SUCCESS_CODE: &'static str = "success";

    /// Whether `code` is `"success"`. Any other code is an error. QingCloud does not
    /// document error codes, so keep the raw body when reporting one.
    ///
    /// ```
    /// let body: qingcloud_record::ListRecordingsResponse =
    ///     serde_json::from_str(r#"{"code":"failed"}"#)?;
    /// assert!(!body.is_success());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_success(&self) -> bool {
        self.code == Self::SUCCESS_CODE
    }
}

impl RecordingInfo {
    /// Whether this is a mixed-stream recording (是否合流录制), from the raw `is_mix`.
    ///
    /// Returns `Some(true)` for 1 (mixed), `Some(false)` for 0 (single-stream), and `None`
    /// when `is_mix` is absent or any other value. The 0/1 meaning comes from the start
    /// API's `is_mixing_enabled`, because the query page does not define it.
    pub fn is_mixed(&self) -> Option<bool> {
        match self.is_mix {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        }
    }
}

/// What this crate's public API uses from `record-core`, re-exported so that a project that
/// depends on this crate alone can name it.
pub use record_core::{
    Clock, DurationMillis, Error, ErrorKind, FixedClock, Recording, RecordingState, SystemClock,
    TaskRef, ToRecording, ToRecordings, TransportCause, UnixMillis, UnixSeconds, Vendor,
    VendorStatus,
};

/// This crate's README examples, compiled as doctests of this crate alone (so they build in
/// a project that has only this crate).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
