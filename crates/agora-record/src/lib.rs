//! Typed models and an async client for the Agora / Shengwang (声网) cloud-recording `query` API.
//!
//! `GET /v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query`
//! (查询云端录制状态) reads the state of a running cloud-recording session: the service
//! [`ServerStatus`], the recorded files ([`FileList`]: a string or an array, depending on the
//! mode and file types) or, for web page recording, the extension services
//! ([`ExtensionServiceState`]). It answers only while the session is active; afterwards the
//! answer is HTTP 404. Authentication is HTTP Basic (Customer ID / Customer Secret). The
//! documented rate limit is 10 requests per second ([`endpoints::QUERY`]).
//!
//! Everything here is generated from `api-spec.toml` (see `xtask/SPEC_FORMAT.md`) except:
//!
//! * [`FileList`], the string-or-array `serverResponse.fileList`;
//! * [`ServerResponse::recording_state`] / [`QueryResponse::recording_state`], the vendor-neutral
//!   [`record_core::RecordingState`] (status 5 with a paused web recorder is `Paused`);
//! * [`ErrorBody::error_code_info`] and [`ErrorBody::to_error`], which turn an error answer
//!   into a [`record_core::Error`];
//! * [`QueryResponse::to_recording`] (the [`record_core::ToRecording`] of a session), the vendor-neutral
//!   [`record_core::Recording`], and [`Client`]'s [`record_core::RecordingQuery`] implementation
//!   (see "Vendor-neutral view" below).
//!
//! # Authentication
//!
//! Agora uses HTTP Basic authentication (RFC 7617), not a request signature:
//! `Authorization: Basic base64(customer_id + ":" + customer_secret)`. [`Credentials`] holds
//! the Customer ID and the Customer Secret (the secret in a `secrecy::SecretString`, redacted
//! in `Debug`) and can be read from `AGORA_CUSTOMER_ID` / `AGORA_CUSTOMER_SECRET`;
//! [`signing::sign`] builds the header as a [`BasicAuthorization`], whose value (the secret in
//! base64) is only reachable through
//! [`BasicAuthorization::expose_header_value`]. The header does not depend on the request or
//! the time; the vectors in `fixtures/agora/signing/` pin it down.
//!
//! Decoding is lenient where the vendor is inconsistent: legacy spellings (`filelistMode`,
//! `filename`) are accepted, numbers and booleans sent as strings (`"5"`, `"true"`) are read,
//! and undocumented enumeration values are kept as `Unknown(raw)`.
//!
//! # Client
//!
//! [`Client`] (in [`client`]) sends the query: `Client::builder(credentials)` picks the host
//! (`.host("global")`, a regional name from [`hosts::ALL`], or `.base_url(..)`), timeouts,
//! retries and the rate limit (10 requests per second for the whole client by default), and
//! [`Client::query`] returns the typed [`QueryResponse`] or a classified
//! [`record_core::Error`] (HTTP 404, the session is not running, is
//! [`record_core::ErrorKind::NotFound`]). The [`client`] module docs have a complete example.
//!
//! # Vendor-neutral view
//!
//! [`QueryResponse::to_recording`] (with the session's [`record_core::TaskRef`])
//! turns an answer into a [`record_core::Recording`], and [`Client`] implements
//! [`record_core::RecordingQuery`] ([`CAPABILITIES`]: `get` only, no listing; HTTP 404 means
//! the session is gone). Field by field:
//!
//! | Agora (`QueryResponse`) | [`record_core::Recording`] |
//! |---|---|
//! | the caller's App ID | `task.app_id` (the answer does not repeat it) |
//! | `resourceId`, `sid` (else the request's) | `task.resource_id`, `task.sid` |
//! | the caller's mode | `task.mode` |
//! | `serverResponse.status` | `state` ([`ServerResponse::recording_state`]: 0–4 starting, 5 recording or paused when a web recorder reports `onhold: true`, 6–7 stopping, 8 completed, 20 failed, anything else unknown) and `vendor_status` (raw code and documented meaning) |
//! | smallest positive `sliceStartTime` (session, files) | `started_at` |
//! | — | `ended_at`: always `None`: the query API reports no end time (it answers only while the session runs, then HTTP 404) |
//! | — | `stop_reason`: always `None`: the query API reports none (Agora documents exit reasons only in its notifications: `session_exit` `exitStatus`, `recorder_leave` `leaveCode`, which this crate does not receive) |
//! | `serverResponse.fileList` (string) | one file: the M3U8 name, format from its extension (else `m3u8`, as documented) |
//! | `serverResponse.fileList[]` (array) | one file per entry: `fileName` → `name`, extension → `format`, `sliceStartTime` → `started_at`; `trackType`, `uid`, `mixedAllUser`, `isPlayable` → `extra` |
//! | `extensionServiceState[].payload.fileList[]` (web) | one file per entry: `filename` → `name`, extension → `format`, `sliceStartTime` → `started_at`; the service's `serviceName` → `extra` |
//! | the whole typed answer | `raw` ([`Recording::raw_as::<QueryResponse>`](record_core::Recording::raw_as)): `cname`, `uid`, `fileListMode`, the web recorder's `state`/`onhold`, the CDN `outputs`, … |
//!
//! Agora reports no URL, size, duration or per-file state: those stay `None`. A
//! `sliceStartTime` of 0 or less (the vendor page's example sends 0 as a placeholder) is not
//! a time and is left out of `started_at` (it stays in `raw`).
//!
//! # Example
//!
//! Decode the vendor page's response example (its string values are descriptions, so the
//! service name and state are undocumented values) and build a request:
//!
//! ```
//! use agora_record::{QueryRequest, QueryResponse, RecordingMode, ServerStatus, ServiceName};
//! use record_core::RecordingState;
//!
//! let body = r#"
//! {
//!   "resourceId": "云端录制使用的 Resource ID。",
//!   "sid": "录制 ID。",
//!   "serverResponse": {
//!     "status": 0,
//!     "extensionServiceState": [
//!       {
//!         "payload": {
//!           "fileList": [
//!             {
//!               "filename": "录制产生的 M3U8 文件和 MP4 文件的文件名。",
//!               "sliceStartTime": 0
//!             }
//!           ],
//!           "onhold": true,
//!           "state": "将订阅内容上传至扩展服务的状态：\n- `\"init\"`：服务正在初始化。\n- `\"inProgress\"`：服务启动完成，正在进行中。\n- `\"exit\"`：服务退出。"
//!         },
//!         "serviceName": "扩展服务的名称：\n- `web_recorder_service`：代表扩展服务为**页面录制**。\n- `rtmp_publish_service`：代表扩展服务为**转推页面录制到 CDN**。"
//!       }
//!     ]
//!   }
//! }
//! "#;
//! let resp: QueryResponse = serde_json::from_str(body)?;
//! let server = &resp.server_response;
//! assert_eq!(server.status, Some(ServerStatus::NotStarted));
//! assert_eq!(resp.recording_state(), RecordingState::Starting);
//! let first = server.extension_service_state.as_deref().and_then(<[_]>::first);
//! let name = first.and_then(|s| s.service_name.as_ref());
//! assert!(name.is_some_and(ServiceName::is_unknown));
//!
//! let request = QueryRequest::builder()
//!     .appid("970CA35de60c44645bbae8a215061b33")
//!     .resourceid("JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q")
//!     .sid("38f8e3cfdc474cd56fc1ceba380d7e1a")
//!     .mode(RecordingMode::Web)
//!     .build()?;
//! assert_eq!(
//!     request.path(),
//!     "/v1/apps/970CA35de60c44645bbae8a215061b33/cloud_recording/resourceid/\
//!      JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q\
//!      /sid/38f8e3cfdc474cd56fc1ceba380d7e1a/mode/web/query"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[rustfmt::skip]
mod generated;
pub use generated::*;

pub mod callback;
pub mod client;
pub mod credentials;
mod error_body;
mod file_list;
mod neutral;
pub mod signing;
mod state;
// No `validation` module: `query`'s documented limits (four required path parameters,
// non-empty ids, `mode` one of individual/mix/web) are all declarative and checked by the
// generated `QueryRequestBuilder::build`; `QueryRequest::path` percent-encodes the path
// segments, so ids with reserved characters are encoded, not rejected.

pub use credentials::Credentials;
pub use signing::BasicAuthorization;

pub use file_list::FileList;
pub use neutral::CAPABILITIES;

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
