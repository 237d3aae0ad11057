//! Typed models for the Volcengine RTC (火山引擎实时音视频) cloud-recording query API.
//!
//! Volcengine exposes one query action for cloud recordings, [`GetRecordTask`] (Version
//! `2023-11-01`): `GET https://rtc.volcengineapi.com/?Action=GetRecordTask&Version=2023-11-01`
//! with the application, room and task ids (`AppId`, `RoomId`, `TaskId`) in the query string,
//! signed with Volcengine's HMAC-SHA256 scheme (region `cn-north-1`, service `rtc`). It
//! returns the task's [`TaskStatus`], its [`StopReason`] and the files it produced. Only tasks
//! started within the last 72 hours can be queried, and the account may make at most 60
//! requests per second (shared by all its AppIds); see [`endpoints::GET_RECORD_TASK`].
//!
//! Every answer, success or failure, is the OpenAPI envelope [`GetRecordTaskResponse`]
//! (`ResponseMetadata` + `Result`). A call failed when `ResponseMetadata.Error` is present,
//! *even with HTTP 200*; [`GetRecordTaskResponse::to_error`] turns it into a
//! [`record_core::Error`], classified with [`classify_error_code`] (documented codes in
//! [`ERROR_CODES`], dotted codes such as `InternalError.Xyz` by their family).
//!
//! The models, enumerations, error table and request builder are generated from
//! `api-spec.toml` (see `xtask/SPEC_FORMAT.md`); this file adds the hand-written accessors.
//!
//! [`GetRecordTask`]: endpoints::GET_RECORD_TASK
//!
//! # Signing
//!
//! Every call is signed with Volcengine's "V4" HMAC-SHA256 scheme ([`signing`]): a canonical
//! request (method, RFC 3986-encoded path and sorted query, signed headers, body hash) is
//! hashed into a string to sign, which is signed with a key derived from the
//! SecretAccessKey, the day, the region and the service. [`signing::sign`] is a pure
//! function of the request, the [`Credentials`] and the time that returns every
//! intermediate value; a [`Signer`] adds a per-day signing-key cache and reads the time from
//! a [`record_core::Clock`]. [`Credentials::from_env`] reads `VOLC_ACCESSKEY`,
//! `VOLC_SECRETKEY` and, for STS, `VOLC_SESSION_TOKEN`; the secret parts are never printed.
//!
//! # Client
//!
//! [`Client`] calls the API: `Client::builder(credentials).build()?` gives a client of the
//! default host (`host("ap-singapore-1")` or `base_url(..)` for others), and
//! [`Client::get_record_task`] sends a [`GetRecordTaskRequest`] and returns the decoded
//! [`GetRecordTaskResponse`] or a classified [`record_core::Error`] (a
//! `ResponseMetadata.Error` in an HTTP 200 answer is an error too). Each attempt is signed
//! anew; the client keeps to the documented 60 requests per second for itself and all its
//! clones, retries throttling and server errors with backoff, and bounds every attempt and
//! call in time. See the [`client`] module for the error rules, regions and a complete
//! example.
//!
//! # Vendor-neutral view
//!
//! [`GetRecordTaskResponse::to_recording`] turns an answer into a [`record_core::Recording`]
//! (state with the `StartTaskFailed` refinement, raw status and its meaning, times in UTC
//! milliseconds, stop reason, files with their Volcengine ids in `extra`; the typed answer
//! stays in `raw`). [`Client`] implements [`record_core::RecordingQuery`]: `get` takes a
//! [`record_core::TaskRef::Volcengine`]; `list` is refused, Volcengine has no list API.
//! [`Client::prepare_get_record_task`] shows the signed request a call would send, the
//! session token redacted.
//!
//! # Example
//!
//! ```
//! use volc_record::{GetRecordTaskRequest, GetRecordTaskResponse, StopReason, TaskStatus};
//! use record_core::{RecordingState, UnixMillis};
//!
//! // The response example of the vendor's GetRecordTask page.
//! let body = r#"{
//!     "Result": {
//!         "RecordTask": {
//!             "StartTime": 1624873773000,
//!             "EndTime": 1624874235000,
//!             "Status": 3,
//!             "StopReason": "StopByAPI",
//!             "RecordFileList": [
//!                 {
//!                     "Vid": "v02b69g10000***eldb8vjafvmg",
//!                     "Duration": 457280,
//!                     "Size": 30388433,
//!                     "StartTime": 1624873773354,
//!                     "StreamList": [
//!                         {
//!                             "UserId": "user1",
//!                             "StreamType": 0
//!                         }
//!                     ]
//!                 }
//!             ]
//!         }
//!     },
//!     "ResponseMetadata": {
//!         "RequestId": "20230****10420",
//!         "Action": "GetRecordTask",
//!         "Version": "2023-11-01",
//!         "Service": "rtc",
//!         "Region": "cn-north-1"
//!     }
//! }"#;
//! let response: GetRecordTaskResponse = serde_json::from_str(body)?;
//! assert!(response.to_error(Some(200)).is_none());
//! let task = response.record_task().ok_or("no task")?;
//! assert_eq!(task.status, Some(TaskStatus::Ended));
//! assert_eq!(task.stop_reason, Some(StopReason::StopByApi));
//! assert_eq!(task.ended_at(), Some(UnixMillis(1_624_874_235_000)));
//! assert_eq!(task.recording_state(), RecordingState::Completed);
//!
//! // The matching request; `build()` checks the documented limits.
//! let request = GetRecordTaskRequest::builder()
//!     .app_id("661e****543cf")
//!     .room_id("Room1")
//!     .task_id("Task1")
//!     .build()?;
//! assert_eq!(request.query_pairs()[2], ("TaskId", "Task1".to_owned()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[rustfmt::skip]
mod generated;
pub use generated::*;

pub mod callback;
pub mod client;
pub mod credentials;
mod neutral;
pub mod signing;
// No `validation` module: `GetRecordTaskRequest`'s only documented limits (AppId, RoomId
// and TaskId required and not empty) are declared in api-spec.toml and checked by the
// generated `build()`. There is deliberately no character-set check: BytePlus documents ids
// as `a-zA-Z0-9@._-`, the Volcengine page does not, its own example AppId (`661e****543cf`)
// contains `*`, and the signer percent-encodes any value.

pub use credentials::Credentials;
pub use neutral::QUERY_HORIZON;
pub use signing::{
    RequestToSign, SignableHeader, SignedHeaderSet, SignedRequest, Signer, SigningKey,
    SigningKeyCache,
};

use record_core::ErrorCodeInfo;

/// The documented error code `code`, or else the documented family it belongs to.
///
/// Volcengine error codes with a dotted suffix belong to the family named by the part before
/// the first `.` (`InternalError.Xyz` is an `InternalError`, `AccessDenied.Xyz` an
/// `AccessDenied`). This tries the exact code first (see [`error_code_info`]), then that
/// family. `None` when neither is documented.
///
/// ```
/// use record_core::ErrorKind;
/// let info = volc_record::classify_error_code("InternalError.QueryTaskFailed");
/// assert_eq!(info.map(|i| (i.code, i.kind)), Some(("InternalError", ErrorKind::Server)));
/// ```
pub fn classify_error_code(code: &str) -> Option<&'static ErrorCodeInfo> {
    error_code_info(code).or_else(|| {
        let (family, _) = code.split_once('.')?;
        error_code_info(family)
    })
}

impl RecordTask {
    /// When the task ended: `None` while it has not ended (`EndTime` is `0`) or when
    /// `EndTime` is absent. The raw value stays in [`RecordTask::end_time`].
    pub fn ended_at(&self) -> Option<UnixMillis> {
        self.end_time.filter(|t| t.0 != 0)
    }

    /// The vendor-neutral state of the task: [`TaskStatus::base_state`], refined with the
    /// stop reason. A task that ended (`Status` 3) because it could not start
    /// (`StopReason` `StartTaskFailed`) is [`RecordingState::Failed`], not completed. An
    /// absent `Status` is [`RecordingState::Unknown`].
    pub fn recording_state(&self) -> RecordingState {
        match (self.status, &self.stop_reason) {
            (None, _) => RecordingState::Unknown,
            (Some(TaskStatus::Ended), Some(StopReason::StartTaskFailed)) => RecordingState::Failed,
            (Some(status), _) => status.base_state(),
        }
    }
}

impl GetRecordTaskResponse {
    /// The error the vendor reported (`ResponseMetadata.Error`); `None` on success.
    pub fn error(&self) -> Option<&ResponseError> {
        self.response_metadata.error.as_ref()
    }

    /// The recording task (`Result.RecordTask`), when the answer carries one.
    pub fn record_task(&self) -> Option<&RecordTask> {
        self.result.as_ref().and_then(|r| r.record_task.as_ref())
    }

    /// The failure this answer reports, as a [`record_core::Error`]; `None` when
    /// `ResponseMetadata.Error` is absent (success, whatever `http_status` is).
    ///
    /// The kind and whether a retry can help come from [`classify_error_code`]. For a code
    /// that is not documented, they follow the HTTP status (401 unauthenticated, 403
    /// permission denied, 429 rate limited, 5xx server) and are [`ErrorKind::Vendor`]
    /// otherwise. The error carries the vendor, action, HTTP status, vendor code and
    /// message, and the request id.
    pub fn to_error(&self, http_status: Option<u16>) -> Option<record_core::Error> {
        let meta = &self.response_metadata;
        let vendor_error = meta.error.as_ref()?;
        Some(classified_error(
            &vendor_error.code,
            Some(&vendor_error.message),
            Some(&meta.request_id),
            http_status,
        ))
    }
}

/// The [`record_core::Error`] for the vendor error `code` (see
/// [`GetRecordTaskResponse::to_error`]), with whatever message and request id the answer
/// carried.
pub(crate) fn classified_error(
    code: &str,
    message: Option<&str>,
    request_id: Option<&str>,
    http_status: Option<u16>,
) -> record_core::Error {
    let (kind, retryable, meaning) = match classify_error_code(code) {
        Some(info) => (info.kind, info.retryable, info.meaning),
        None => {
            let kind = kind_for_http_status(http_status);
            (
                kind,
                kind.is_retryable_by_default(),
                "undocumented error code",
            )
        }
    };
    let mut error = record_core::Error::new(kind, meaning)
        .with_retryable(retryable)
        .with_vendor(VENDOR)
        .with_action(endpoints::GET_RECORD_TASK.name)
        .with_vendor_code(code);
    if let Some(message) = message {
        error = error.with_vendor_message(message);
    }
    if let Some(id) = request_id {
        error = error.with_request_id(id);
    }
    if let Some(status) = http_status {
        error = error.with_http_status(status);
    }
    error
}

impl ResponseError {
    /// The documentation of this error's code, exact or by family (see
    /// [`classify_error_code`]).
    pub fn code_info(&self) -> Option<&'static ErrorCodeInfo> {
        classify_error_code(&self.code)
    }
}

/// The kind of an undocumented error code, from the HTTP status of its answer.
fn kind_for_http_status(http_status: Option<u16>) -> ErrorKind {
    match http_status {
        Some(401) => ErrorKind::Unauthenticated,
        Some(403) => ErrorKind::PermissionDenied,
        Some(429) => ErrorKind::RateLimited,
        Some(500..=599) => ErrorKind::Server,
        _ => ErrorKind::Vendor,
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
