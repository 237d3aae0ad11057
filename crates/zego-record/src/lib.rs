//! Typed models and an async client for the query side of the ZEGO (即构) cloud-recording
//! server API.
//!
//! ZEGO cloud recording has two query actions, both `POST https://cloudrecord-api.zego.im/?Action=…`
//! (or one of the regional [`hosts`]):
//!
//! * **`DescribeRecordStatus`** (查询录制状态): the state of one recording task
//!   ([`TaskStatus`]) and of the files it produced ([`RecordFile`], [`FileStatus`]);
//!   only tasks whose recording started within the last 3 days can be queried.
//! * **`DescribeTasks`** (查询录制任务列表): one page of the recording (status 2) or
//!   ended (status 3) tasks of the AppId whose recording started in a window of at most
//!   3 days, no earlier than 3 days ago.
//!
//! Both are limited to 10 requests per second. The common parameters (`AppId`,
//! `SignatureNonce`, `Timestamp`, `SignatureVersion`, `Signature`) go in the query string
//! and are the signer's business; the request types here model the JSON body only.
//!
//! Every answer is the envelope `{Code, Message, RequestId, Data}`: `Code` 0 is success, any
//! other code is listed in [`ERROR_CODES`] (see [`error_code_info`]). Do not match on
//! `Message`: ZEGO sends both `"succeed"` and `"success"`.
//!
//! Most of this crate is generated from `api-spec.toml` by `cargo xtask codegen`; the
//! hand-written parts are the time-window check in [`validation`], the [`Credentials`]
//! (`AppId` and `ServerSecret`, read with [`Credentials::from_env`] from `ZEGO_APP_ID` and
//! `ZEGO_SERVER_SECRET`), the request signer in [`signing`] and the HTTP [`client`].
//!
//! # Signing
//!
//! Every call carries `Action`, `AppId`, `SignatureNonce`, `Timestamp` (Unix **seconds**),
//! `Signature` and `SignatureVersion=2.0` in its query string, where `Signature` is the
//! lowercase hex MD5 of `AppId + SignatureNonce + ServerSecret + Timestamp`; the body is not
//! signed. [`signing::sign`] is a pure function of the credentials, the action, the nonce
//! and the time, checked against ZEGO's published vector and the golden vectors in
//! `fixtures/zego/signing/`; [`signing::sign_with_clock`] draws the nonce
//! ([`signing::generate_nonce`]) and reads a [`record_core::Clock`] for real requests.
//!
//! # Client
//!
//! [`Client`] (built with [`Client::builder`]) sends both actions to ZEGO's HTTPS hosts:
//! [`Client::describe_record_status`] and [`Client::describe_tasks`] take a built request and
//! return the typed response, or a [`record_core::Error`] whose kind and retryability follow
//! ZEGO's documented codes ([`ERROR_CODES`]). It signs every attempt afresh, holds ZEGO's
//! limit of 10 requests per second for each action, retries what a retry can fix (rate
//! limits, timeouts, HTTP 5xx, code `300010000`) and can target a regional host by name
//! ([`hosts::ALL`]). See the [`client`] module for the error mapping and a complete example.
//! [`Client::prepare_describe_record_status`] and [`Client::prepare_describe_tasks`] show
//! the exact signed request without sending it.
//!
//! # Vendor-neutral view
//!
//! [`DescribeRecordStatusResponse::to_recording`] and [`TaskSummary::to_recording`] turn
//! ZEGO's answers into a [`record_core::Recording`] (state with the README's refinement
//! for ended tasks, [`TaskStatus::refined_state`]; times in UTC milliseconds; files with
//! their per-file state and the backup-storage [`BACKUP_STORAGE_WARNING`]), and [`Client`]
//! implements [`record_core::RecordingQuery`]: `get` is DescribeRecordStatus, `list` walks
//! DescribeTasks lazily ([`Client::describe_tasks_stream`]) and needs a status and a window
//! of at most 3 days ([`LIST_MAX_WINDOW`], [`QUERY_HORIZON`]).
//!
//! # Example
//!
//! Decode the answer shown on ZEGO's DescribeRecordStatus page and build the two requests:
//!
//! ```
//! use record_core::{DurationMillis, ErrorKind, FixedClock, RecordingState, UnixMillis};
//! use zego_record::{
//!     DescribeRecordStatusRequest, DescribeRecordStatusResponse, DescribeTasksRequest,
//!     FileStatus, OutputFileFormat, TaskStatus,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let body = r#"{
//!     "Code": 0,
//!     "Message": "succeed",
//!     "RequestId": "abcd123",
//!     "Data": {
//!         "RoomId": "xxxx",
//!         "RecordMode": 2,
//!         "StreamType": 3,
//!         "RecordBeginTimestamp": 1601221452099,
//!         "RecordEndTimestamp": 1601221508795,
//!         "Status": 3,
//!         "RecordFiles": [
//!             {
//!                 "UserId": "my_out",
//!                 "UserName": "my_out",
//!                 "StreamId": "my_out",
//!                 "FileId": "X3CgNeE4I1qAAABN_xxxx_my_out_VA_20200927154419775.mp4",
//!                 "VideoId": "820e50e52e0a490caf44eec8aec527a7",
//!                 "OutputFileFormat": "mp4",
//!                 "FileSize": 432643544,
//!                 "Duration": 33874,
//!                 "ResolutionWidth": 1920,
//!                 "ResolutionHeight": 1080,
//!                 "MediaTrackType": 3,
//!                 "BeginTimestamp": 1601221459830,
//!                 "Status": 3,
//!                 "FileUrl": "https://xxxx.com/record/X3CgNeE4I1qAAABN_xxxx_my_out_VA_20200927154419775.mp4"
//!             }
//!         ]
//!     }
//! }"#;
//! let response: DescribeRecordStatusResponse = serde_json::from_str(body)?;
//! assert_eq!(response.code, 0);
//! let data = response.data.ok_or("no Data")?;
//! assert_eq!(data.status, Some(TaskStatus::Ended));
//! assert_eq!(data.status.map(|s| s.base_state()), Some(RecordingState::Completed));
//! let file = data.record_files.as_deref().and_then(|files| files.first()).ok_or("no file")?;
//! assert_eq!(file.output_file_format, Some(OutputFileFormat::Mp4));
//! assert_eq!(file.duration, Some(DurationMillis(33_874)));
//! assert_eq!(file.status, Some(FileStatus::Uploaded));
//!
//! // The body of a DescribeRecordStatus request.
//! let request = DescribeRecordStatusRequest::builder().task_id("X3CgNeE4I1qAAABN").build()?;
//! assert_eq!(serde_json::to_string(&request)?, r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#);
//!
//! // DescribeTasks checks its time window against a clock (fixed here for the example).
//! let now = UnixMillis(1_628_475_402_000);
//! let clock = FixedClock::new(now);
//! let tasks = DescribeTasksRequest::builder()
//!     .status(TaskStatus::Recording)
//!     .room_id("1230")
//!     .start_time(now.saturating_sub(DurationMillis::HOUR))
//!     .end_time(now)
//!     .page_size(50)
//!     .build_with_clock(&clock)?;
//! assert_eq!(tasks.page_size(), Some(50));
//! let too_old = DescribeTasksRequest::builder()
//!     .status(TaskStatus::Ended)
//!     .start_time(now.saturating_sub(DurationMillis(4 * DurationMillis::DAY.0)))
//!     .end_time(now)
//!     .build_with_clock(&clock)
//!     .err()
//!     .ok_or("a window starting 4 days ago must be refused")?;
//! assert_eq!(too_old.kind(), ErrorKind::InvalidRequest);
//! assert_eq!(too_old.parameter(), Some("StartTime"));
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
mod generated;

pub use generated::*;

pub mod callback;
pub mod client;
pub mod credentials;
mod neutral;
pub mod signing;
pub mod validation;

pub use credentials::Credentials;
pub use neutral::{
    BACKUP_STORAGE_WARNING, CONTROL, LIST_MAX_PAGE_SIZE, LIST_MAX_WINDOW, QUERY_HORIZON,
    update_layout_body,
};
pub use signing::SignedRequest;

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
