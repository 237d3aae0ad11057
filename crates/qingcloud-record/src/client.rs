//! The async client of QingCloud RTC's `GET /v1/cloudRecord` (查询录制).
//!
//! [`Client::builder`](crate::Client::builder) takes the [`Credentials`]; [`ClientBuilder::build`](crate::ClientBuilder::build) gives a
//! [`Client`](crate::Client) whose [`Client::list_recordings`](crate::Client::list_recordings) signs the query with the RTC HMAC-SHA256
//! scheme of [`crate::signing`] (a fresh `time_stamp` for every attempt), sends it to
//! `https://rtc.api.qingcloud.com/v1/cloudRecord` and decodes the answer.
//! [`Client::list_recordings_stream`](crate::Client::list_recordings_stream) walks the pages lazily (`offset`/`limit`),
//! [`Client::prepare_list_recordings`](crate::Client::prepare_list_recordings) shows the exact request without sending it, and the
//! client implements [`record_core::RecordingQuery`] (see [`record_core::ToRecording`], which [`crate::RecordingInfo`] implements).
//!
//! What the shared transport of `record-core` does for every call: per-attempt and total
//! timeouts, a cap on the body size, retries of retryable failures (connection errors,
//! timeouts, HTTP 429 and 5xx) with full-jitter backoff that honours `Retry-After`, an
//! optional client-side rate limit, and a tracing span per attempt.
//!
//! QingCloud documents no rate limit, so the client sends as fast as it is called unless
//! [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) sets one. It documents no host other than the default one
//! either ([`crate::hosts::ALL`] is empty), so [`ClientBuilder::host`](crate::ClientBuilder::host) accepts no name; use
//! [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) for a proxy or an emulator.
//!
//! # Errors
//!
//! Only `code == "success"` is documented. QingCloud documents no error code, no error body
//! and no HTTP status of an error (vendor-facts §2.3), so an answer is classified like this:
//!
//! 1. A JSON object whose `code` (a string, or a number read as its decimal text) is not
//!    `"success"` is an error carrying that code ([`Error::vendor_code`]), the `message` (or
//!    `msg`) string if the body has one ([`Error::vendor_message`]), the HTTP status and an
//!    excerpt of the body. A code of [`crate::ERROR_CODES`] (none today) gets its documented
//!    kind and retryable bit; otherwise an error HTTP status decides the kind (as
//!    [`record_core::client::error_for_status`]: 401 unauthenticated, 429 rate limited, 5xx
//!    server, ...); otherwise (HTTP 2xx) the kind is [`ErrorKind::Vendor`], not retryable.
//! 2. Any other answer with an error HTTP status is the status's error.
//! 3. Anything else must be the documented success body; an empty, HTML, truncated or
//!    wrongly typed body is an [`ErrorKind::Decode`] error with the HTTP status, the JSON
//!    path of the failure and an excerpt.
//!
//! A `Retry-After` header (HTTP 429) is kept in [`Error::retry_after`]. The docs name no
//! request id, in the body or in a header, so errors carry none.
//!
//! # Example
//!
//! ```no_run
//! use qingcloud_record::{Client, Credentials, ListRecordingsRequest};
//! use record_core::ErrorKind;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // QINGCLOUD_ACCESS_KEY_ID and QINGCLOUD_SECRET_ACCESS_KEY.
//!     let client = Client::builder(Credentials::from_env()?).build()?;
//!
//!     // Recordings of the last 6 hours, 50 per page.
//!     let request = ListRecordingsRequest::builder()
//!         .app_id("34723259bb8f4768bc7a9c7cbb126baa")
//!         .channel("crIUxmwHA2")
//!         .from_hour(6)
//!         .to_hour(0)
//!         .limit(50)
//!         .build()?;
//!
//!     match client.list_recordings(&request).await {
//!         Ok(page) => {
//!             println!("{} recording(s) in all", page.total_count.unwrap_or_default());
//!             for task in page.recinfos.unwrap_or_default() {
//!                 let state = task.status.map(|s| s.base_state());
//!                 println!("task {}: {:?} -> {:?}", task.id, task.status, state);
//!             }
//!         }
//!         Err(err) => match err.kind() {
//!             ErrorKind::Unauthenticated => eprintln!("check the API key pair: {err}"),
//!             ErrorKind::InvalidRequest => eprintln!("fix the request: {err}"),
//!             _ if err.is_retryable() => eprintln!("temporary failure, try again later: {err}"),
//!             _ => eprintln!(
//!                 "QingCloud error, code {:?}, message {:?}: {err}",
//!                 err.vendor_code(),
//!                 err.vendor_message()
//!             ),
//!         },
//!     }
//!     Ok(())
//! }
//! ```

use crate::{
    Credentials, ListRecordingsResponse, VENDOR, endpoints, error_code_info, hosts, signing,
};
use record_core::client::{decode_json, error_for_status};
use record_core::service::{Decode, HttpRequest, Protocol, Signer};
use record_core::transport::{RateLimitScope, RawResponse, retry_after};
use record_core::{DecodeDetails, EndpointInfo, Error, ErrorKind, UnixMillis, Vendor};

/// QingCloud's protocol for [`record_core::service::Service`]: every attempt is signed
/// with [`signing::sign`] (HMAC-SHA256 over the method, the endpoint's path and the sorted
/// query, a fresh `time_stamp` from the clock), the signed query string replacing the
/// request's.
#[derive(Debug)]
pub struct QingCloudProtocol {
    credentials: Credentials,
}

impl QingCloudProtocol {
    /// The protocol for `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl Signer for QingCloudProtocol {
    fn sign(
        &self,
        request: &mut HttpRequest,
        endpoint: &EndpointInfo,
        now: UnixMillis,
    ) -> Result<(), Error> {
        // Signed over the endpoint's path: a base URL's own path, a proxy prefix, is not
        // part of what QingCloud signs.
        let signed = signing::sign(
            endpoint.method,
            endpoint.path,
            &request.query,
            request.body.as_deref(),
            &self.credentials,
            now.to_seconds(),
        )?;
        tracing::trace!(time_stamp = %signed.time_stamp, "signed");
        // The signer's string is already percent-encoded with the characters the
        // signature covers; it holds only unreserved characters, `%XX`, `/`, `=` and
        // `&`, which `set_query` keeps as they are.
        request.query_string = Some(signed.query_string);
        Ok(())
    }
}

impl Protocol for QingCloudProtocol {
    const VENDOR: Vendor = VENDOR;
    const DEFAULT_HOST: &'static str = hosts::DEFAULT;
    const HOSTS: &'static [(&'static str, &'static str, &'static str)] = hosts::ALL;
    const RATE_LIMIT_PER_SEC: Option<u32> = endpoints::LIST_RECORDINGS.rate_limit_per_sec;
    const RATE_LIMIT_SCOPE: RateLimitScope = RateLimitScope::Client;
    /// Nothing secret is sent: the secret access key only keys the HMAC; the request
    /// carries the access key id and the signature (valid for 15 minutes for exactly this
    /// query) in its query string, and no credential header.
    const REDACTED_HEADERS: &'static [&'static str] = &[];
    type Bound = Self;
    type Client = crate::Client;

    fn bind(self, _base_url: &reqwest::Url) -> Result<Self, Error> {
        Ok(self)
    }
}

impl Decode for ListRecordingsResponse {
    fn decode(raw: &RawResponse, _attempt: record_core::transport::Attempt) -> Result<Self, Error> {
        decode_list_recordings(raw)
    }
}

/// Classifies a raw answer of `GET /v1/cloudRecord` (see the module's `# Errors`).
/// Public, but hidden, for the fuzz targets of `record-fuzz`.
#[doc(hidden)]
pub fn decode_list_recordings(raw: &RawResponse) -> Result<ListRecordingsResponse, Error> {
    // The common case, a 2xx answer that decodes into the model with `code` "success", is
    // decided by that one decode; anything else reads the envelope leniently first. Both
    // ways give the same result for such a body.
    if (200..300).contains(&raw.status)
        && let Ok(answer) = serde_json::from_slice::<ListRecordingsResponse>(&raw.body)
        && answer.code == ListRecordingsResponse::SUCCESS_CODE
    {
        return Ok(answer);
    }
    if let Some(envelope) = CodeEnvelope::parse(&raw.body)
        && envelope.code != ListRecordingsResponse::SUCCESS_CODE
    {
        return Err(vendor_error(raw, envelope));
    }
    if let Some(err) = error_for_status(raw) {
        return Err(err);
    }
    decode_json(raw)
}

/// What an answer says about itself: its `code` and, if any, a message. Read leniently
/// because QingCloud documents no error body.
struct CodeEnvelope {
    code: String,
    message: Option<String>,
}

impl CodeEnvelope {
    /// `None` unless `body` is a JSON object with a string or numeric `code`.
    fn parse(body: &[u8]) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let object = value.as_object()?;
        let code = match object.get("code")? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let message = ["message", "msg"]
            .iter()
            .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))
            .map(str::to_owned);
        Some(Self { code, message })
    }
}

/// The error of an answer whose `code` is not `"success"`.
fn vendor_error(raw: &RawResponse, envelope: CodeEnvelope) -> Error {
    let mut err = match error_code_info(&envelope.code) {
        Some(info) => Error::new(info.kind, info.meaning).with_retryable(info.retryable),
        None => error_for_status(raw).unwrap_or_else(|| {
            Error::new(
                ErrorKind::Vendor,
                "QingCloud answered with a code other than \"success\" \
                 (QingCloud documents no error codes)",
            )
        }),
    };
    err = err
        .with_vendor_code(envelope.code)
        .with_http_status(raw.status);
    if let Some(message) = envelope.message {
        err = err.with_vendor_message(message);
    }
    if err.decode_details().is_none() {
        err = err.with_decode_details(DecodeDetails::new(None, &raw.body));
    }
    if err.retry_after().is_none()
        && let Some(delay) = retry_after(&raw.headers)
    {
        err = err.with_retry_after(delay);
    }
    err
}
