//! The async client of the ZEGO cloud-recording query API.
//!
//! [`Client`](crate::Client) sends the two documented query actions, `DescribeRecordStatus`
//! ([`Client::describe_record_status`](crate::Client::describe_record_status)) and `DescribeTasks` ([`Client::describe_tasks`](crate::Client::describe_tasks)), as
//! ZEGO documents them:
//!
//! * `POST {base}/?Action=…&AppId=…&SignatureNonce=…&Timestamp=…&Signature=…&SignatureVersion=2.0`,
//!   the common parameters in the order [`SignedRequest::query_pairs`](crate::SignedRequest::query_pairs)
//!   gives, with `Content-Type: application/json` and the request's JSON as the body;
//! * every attempt (retries included) is signed afresh with [`signing::sign`]: a new
//!   `SignatureNonce` and the current `Timestamp` (ZEGO allows ±10 minutes of clock skew);
//! * a client-side limit of 10 requests per second **for each action** (ZEGO's documented
//!   limit), shared by every clone of the client;
//! * timeouts, retries with full-jitter backoff (honouring `Retry-After`), a response size cap
//!   and tracing spans come from [`record_core::transport::Transport`].
//!
//! # Errors
//!
//! Every answer is the envelope `{Code, Message, RequestId, Data}`. `Code` 0 is success
//! (`Message` is never looked at). Any other `Code`, whatever the HTTP status, becomes a
//! [`record_core::Error`] whose [`kind`](record_core::Error::kind) and
//! [`is_retryable`](record_core::Error::is_retryable) come from the documented table
//! ([`ERROR_CODES`](crate::ERROR_CODES), e.g. `300000003` is
//! [`RateLimited`](record_core::ErrorKind::RateLimited) and retried, `300001000` is
//! [`NotFound`](record_core::ErrorKind::NotFound)), carrying the code
//! ([`vendor_code`](record_core::Error::vendor_code)), the `Message`
//! ([`vendor_message`](record_core::Error::vendor_message)), the `RequestId`
//! ([`request_id`](record_core::Error::request_id)) and the HTTP status. An undocumented
//! code is an [`ErrorKind::Vendor`] error keeping the raw code (or, when the HTTP status is
//! itself an error, the error that status means, e.g. a retryable
//! [`Server`](record_core::ErrorKind::Server) error for a 503). A body that is not the
//! envelope (empty, an HTML gateway page, truncated, wrong types) follows
//! [`record_core::client::decode_json`]: the HTTP status's error when the status is an
//! error, otherwise an [`ErrorKind::Decode`] error with the JSON path and an excerpt.
//!
//! # Example
//!
//! ```no_run
//! use record_core::ErrorKind;
//! use zego_record::{Client, Credentials, DescribeRecordStatusRequest, TaskStatus};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // ZEGO_APP_ID (decimal) and ZEGO_SERVER_SECRET, from the ZEGO console.
//!     let credentials = Credentials::from_env()?;
//!     let client = Client::builder(credentials)
//!         .host("sha") // optional: a documented regional host, here Mainland China (Shanghai)
//!         .build()?;
//!
//!     let request = DescribeRecordStatusRequest::builder()
//!         .task_id("X3CgNeE4I1qAAABN")
//!         .build()?;
//!     match client.describe_record_status(&request).await {
//!         Ok(response) => {
//!             // Code 0: the task's state and files.
//!             if let Some(data) = response.data {
//!                 match data.status {
//!                     Some(TaskStatus::Recording) => println!("still recording"),
//!                     Some(status) => println!("{status} ({:?})", status.base_state()),
//!                     None => println!("no status reported"),
//!                 }
//!                 for file in data.record_files.unwrap_or_default() {
//!                     println!("{:?} -> {:?}", file.file_id, file.file_url);
//!                 }
//!             }
//!         }
//!         Err(err) if err.kind() == ErrorKind::NotFound => {
//!             println!("no such task (tasks can be queried for 3 days only)");
//!         }
//!         Err(err) if err.is_retryable() => {
//!             // Rate limited, timed out or a ZEGO system error, after the client's own retries.
//!             eprintln!("try again later: {err}");
//!         }
//!         Err(err) => {
//!             // Unauthenticated (check AppId/ServerSecret and the clock), invalid request, ...
//!             eprintln!("{} error: {err} (request id {:?})", err.kind(), err.request_id());
//!             return Err(err.into());
//!         }
//!     }
//!     Ok(())
//! }
//! ```

use crate::{
    Credentials, DescribeRecordStatusResponse, DescribeTasksResponse, PauseRecordResponse,
    ResumeRecordResponse, StartRecordResponse, StopRecordResponse, TakeSnapshotResponse,
    UpdateLayoutResponse, UpdateWhiteboardResponse, VENDOR, endpoints, error_code_info, hosts,
    signing,
};
use record_core::client::{decode_json, error_for_status};
use record_core::service::{Decode, HttpRequest, NonceSource, Protocol, Signer, UsesNonce};
use record_core::transport::{RateLimitScope, RawResponse, retry_after};
use record_core::{EndpointInfo, Error, ErrorKind, UnixMillis, Vendor};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;

/// ZEGO's documented rate limit of each query action, in requests per second (the client's
/// default, counted separately for `DescribeRecordStatus` and `DescribeTasks`), from the
/// spec.
pub const DEFAULT_RATE_LIMIT_PER_SEC: u32 =
    match endpoints::DESCRIBE_RECORD_STATUS.rate_limit_per_sec {
        Some(n) => n,
        None => 0,
    };

/// ZEGO's protocol for [`record_core::service::Service`]: the credentials and the nonce
/// source; every attempt is signed with [`signing::sign`] (a new `SignatureNonce`, the
/// clock's current second), the signed common parameters making up the query string.
pub struct ZegoProtocol {
    credentials: Credentials,
    nonce_source: NonceSource,
}

impl ZegoProtocol {
    /// The protocol for `credentials`, with random nonces ([`signing::generate_nonce`]).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            nonce_source: Arc::new(signing::generate_nonce),
        }
    }
}

impl fmt::Debug for ZegoProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZegoProtocol")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Signer for ZegoProtocol {
    fn sign(
        &self,
        request: &mut HttpRequest,
        endpoint: &EndpointInfo,
        now: UnixMillis,
    ) -> Result<(), Error> {
        let nonce = (self.nonce_source)();
        let action = endpoint.action.unwrap_or(endpoint.name);
        let signed = signing::sign(&self.credentials, action, &nonce, now.to_seconds())?;
        request.query_string = Some(signed.query_string());
        Ok(())
    }
}

impl UsesNonce for ZegoProtocol {
    /// A source that returns an empty string makes every call fail with an
    /// [`ErrorKind::InvalidRequest`] error naming `SignatureNonce`.
    fn set_nonce_source(&mut self, source: NonceSource) {
        self.nonce_source = source;
    }
}

impl Protocol for ZegoProtocol {
    const VENDOR: Vendor = VENDOR;
    const DEFAULT_HOST: &'static str = hosts::DEFAULT;
    const HOSTS: &'static [(&'static str, &'static str, &'static str)] = hosts::ALL;
    const RATE_LIMIT_PER_SEC: Option<u32> = Some(DEFAULT_RATE_LIMIT_PER_SEC);
    const RATE_LIMIT_SCOPE: RateLimitScope = RateLimitScope::PerAction;
    /// ZEGO requests carry no secret in any header (the `ServerSecret` only enters the MD5
    /// `Signature` of the query string, valid for one nonce and timestamp).
    const REDACTED_HEADERS: &'static [&'static str] = &[];
    type Bound = Self;
    type Client = crate::Client;

    fn bind(self, _base_url: &reqwest::Url) -> Result<Self, Error> {
        Ok(self)
    }
}

impl crate::Client {
    /// The `AppId` the client signs with.
    pub fn app_id(&self) -> u32 {
        self.service().protocol().credentials.app_id()
    }
}

/// The code of a StopRecord on a task that has already ended (任务已结束;
/// lifecycle/zego.md §3): an outcome of a stop, not an error.
pub const TASK_ALREADY_ENDED: &str = "300001001";

impl record_core::DecodeStop for StopRecordResponse {
    /// A success answer is `Stopped`; code 300001001 (the task had already ended) is
    /// `AlreadyStopped`, or `Stopped` after an earlier attempt that may have arrived (its
    /// answer was lost: the ended task is most likely its own work). The envelope of that
    /// answer, its code included, is the response.
    fn decode_stop(
        raw: &RawResponse,
        attempt: record_core::transport::Attempt,
    ) -> Result<record_core::StopAnswer<Self>, Error> {
        match classify::<Self>(raw) {
            Ok(response) => Ok(record_core::StopAnswer {
                outcome: record_core::StopOutcome::Stopped,
                response,
            }),
            Err(e) if e.vendor_code() == Some(TASK_ALREADY_ENDED) => {
                let response = decode_json::<Self>(raw).map_err(|_| e)?;
                Ok(record_core::StopAnswer {
                    outcome: record_core::StopOutcome::of_already_stopped(attempt),
                    response,
                })
            }
            Err(e) => Err(e),
        }
    }
}

/// The part of ZEGO's envelope that says whether a call failed. `Data` is ignored here.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Code")]
    code: EnvelopeCode,
    #[serde(rename = "Message", default)]
    message: Option<serde_json::Value>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<serde_json::Value>,
}

/// `Code` is documented as an Int64; a numeric string is accepted too, so that an error is
/// never hidden by a quoted code.
#[derive(Deserialize)]
#[serde(untagged)]
enum EnvelopeCode {
    Int(i64),
    Text(String),
}

impl EnvelopeCode {
    fn value(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            Self::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// A `Message` or `RequestId` as text (a string as is, any other JSON value as JSON text).
fn text_of(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A typed ZEGO answer: the envelope's `Code` as decoded into the model.
///
/// Lets [`classify`] decode a successful answer once, straight into its model, instead of
/// reading the envelope first and the body a second time.
#[doc(hidden)]
pub trait ZegoAnswer: DeserializeOwned {
    /// The envelope's `Code` (0 on success).
    fn envelope_code(&self) -> i64;
}

/// `ZegoAnswer` and `Decode` (through [`classify`]) for each response type.
macro_rules! zego_answers {
    ($($ty:ty),* $(,)?) => {$(
        impl ZegoAnswer for $ty {
            fn envelope_code(&self) -> i64 {
                self.code
            }
        }

        impl Decode for $ty {
            fn decode(
                raw: &RawResponse,
                _attempt: record_core::transport::Attempt,
            ) -> Result<Self, Error> {
                classify(raw)
            }
        }
    )*};
}

zego_answers!(
    DescribeRecordStatusResponse,
    DescribeTasksResponse,
    StartRecordResponse,
    PauseRecordResponse,
    ResumeRecordResponse,
    UpdateLayoutResponse,
    UpdateWhiteboardResponse,
    TakeSnapshotResponse,
);

impl ZegoAnswer for StopRecordResponse {
    fn envelope_code(&self) -> i64 {
        self.code
    }
}

/// Turns one answer into the typed response or a classified error (the transport's
/// `decode` closure). Public, but hidden, for the fuzz targets of `record-fuzz`.
///
/// The common case, a 2xx answer whose body decodes into `T` with `Code` 0, is decided by
/// that one decode. Anything else takes the envelope path below, whose outcome for such a
/// body would be the same: the same bytes decode into the same `T`.
#[doc(hidden)]
pub fn classify<T: ZegoAnswer>(raw: &RawResponse) -> Result<T, Error> {
    if (200..300).contains(&raw.status)
        && let Ok(answer) = serde_json::from_slice::<T>(&raw.body)
        && answer.envelope_code() == 0
    {
        return Ok(answer);
    }
    let envelope = serde_json::from_slice::<Envelope>(&raw.body)
        .ok()
        .and_then(|e| e.code.value().map(|code| (code, e)));
    let Some((code, envelope)) = envelope else {
        // Not the envelope: empty, HTML, truncated, or the wrong shape (e.g. `{"Code":0}`
        // then garbage, which the envelope parse refuses). An HTTP error status wins over
        // whatever the body is; under a 2xx, `decode_json` says why it is not the model.
        if let Some(e) = error_for_status(raw) {
            return Err(e);
        }
        return decode_json::<T>(raw);
    };
    let request_id = text_of(envelope.request_id.as_ref());
    let message = text_of(envelope.message.as_ref());
    if code == 0 {
        if let Some(mut e) = error_for_status(raw) {
            // Code 0 with an HTTP error status: undocumented; trust the status.
            if let Some(id) = request_id {
                e = e.with_request_id(id);
            }
            return Err(e);
        }
        return decode_json::<T>(raw);
    }
    Err(envelope_error(Some(raw), code, message, request_id))
}

/// The error of an envelope whose `Code` is not 0: the documented code's kind and
/// retryability, with the code, `Message`, `RequestId` and, when the answer is at hand
/// (`raw`), its HTTP status and `Retry-After`. The neutral conversions use it too, for an
/// error envelope decoded outside the client.
pub(crate) fn envelope_error(
    raw: Option<&RawResponse>,
    code: i64,
    message: Option<String>,
    request_id: Option<String>,
) -> Error {
    let code_text = code.to_string();
    let mut e = match error_code_info(&code_text) {
        Some(info) => Error::new(info.kind, info.meaning).with_retryable(info.retryable),
        None => match raw.and_then(error_for_status) {
            // An undocumented code under an HTTP error status: the status says more.
            Some(status_error) => status_error,
            None => {
                Error::new(ErrorKind::Vendor, "undocumented ZEGO error code").with_retryable(false)
            }
        },
    };
    e = e.with_vendor_code(code_text);
    if let Some(raw) = raw {
        e = e.with_http_status(raw.status);
        if let Some(delay) = retry_after(&raw.headers) {
            e = e.with_retry_after(delay);
        }
    }
    if let Some(m) = message {
        e = e.with_vendor_message(m);
    }
    if let Some(id) = request_id {
        e = e.with_request_id(id);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Found by `cargo xtask fuzz zego_error` (fixtures/fuzz/zego_error/): a success
    /// envelope followed by garbage is not the envelope, yet `decode_json` decodes its first
    /// value; under an HTTP error status it must not be a success.
    #[test]
    fn an_error_status_wins_over_a_body_with_trailing_garbage() {
        let body = r#"{"Code": 0, "Message": "succeed"} },{"#;
        let e = classify::<DescribeRecordStatusResponse>(&raw(500, body)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::Server));
        assert_eq!(e.as_ref().and_then(Error::http_status), Some(500));
        let e = classify::<DescribeTasksResponse>(&raw(429, body)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::RateLimited));
        // Under HTTP 200 the trailing bytes make it a decode error (record_core::decode_json
        // accepts nothing but whitespace after the value).
        let e = classify::<DescribeRecordStatusResponse>(&raw(200, body)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::Decode));
    }
}
