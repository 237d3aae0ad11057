//! The async HTTP client for the cloud-recording `query` API.
//!
//! [`Client::query`](crate::Client::query) sends
//! `GET {base}/v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query`
//! (path segments percent-encoded) with `Authorization: Basic …` ([`crate::signing`]),
//! `Accept: application/json` and the documented `Content-Type: application/json`, and no
//! body. The shared [`record_core::transport::Transport`] does the rest: a client-side rate
//! limit of 10 requests per second for the whole client (the documented limit, shared by
//! every clone), per-attempt and total timeouts, a cap on the body size, retries of
//! retryable failures (HTTP 429 honouring `Retry-After`, 5xx, timeouts, connection errors)
//! with full-jitter backoff, and `tracing` spans.
//! [`Client::prepare_query`](crate::Client::prepare_query) builds the same request without sending it (a dry run), with
//! the `Authorization` value redacted.
//!
//! Answers are classified as follows:
//!
//! * HTTP 2xx: decoded as [`QueryResponse`]; a 2xx body carrying a non-zero `code` is the
//!   service error it reports (a documented code gets its documented kind, an undocumented
//!   one is [`ErrorKind::Vendor`]); an empty, HTML, truncated or wrongly typed body is an
//!   [`ErrorKind::Decode`] error with the HTTP status, the JSON path and an excerpt.
//! * Any other status: the gateway body `{"message": …}` or the service body
//!   `{"code": N, "reason": …}` ([`ErrorBody`]) is looked up in [`crate::ERROR_CODES`]
//!   (kind and retryability as documented); otherwise the HTTP status decides. HTTP 404
//!   without a documented message means the session is not running (ended, failed to start,
//!   never started, or a wrong sid / resource ID): [`ErrorKind::NotFound`], not retried,
//!   whatever the body (JSON, empty or not JSON).
//! * Every error keeps the vendor code (the service `code`, or the gateway `message`), the
//!   vendor message, the HTTP status, the `X-Request-ID` response header when Agora sent
//!   one, and the `Retry-After` delay when there was one (HTTP 429).
//!
//! # Example
//!
//! ```no_run
//! use agora_record::{Client, Credentials, QueryRequest, RecordingMode};
//! use record_core::ErrorKind;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // The console's RESTful API keys, from AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET.
//!     let credentials = Credentials::from_env()?;
//!     // One client per process: clones share the connection pool and the 10/s rate limit.
//!     let client = Client::builder(credentials)
//!         .host("global") // https://api.agora.io; the default is https://api.sd-rtn.com
//!         .build()?;
//!
//!     let request = QueryRequest::builder()
//!         .appid(std::env::var("AGORA_APP_ID")?)
//!         .resourceid(std::env::var("AGORA_RESOURCE_ID")?)
//!         .sid(std::env::var("AGORA_SID")?)
//!         .mode(RecordingMode::Mix)
//!         .build()?;
//!
//!     match client.query(&request).await {
//!         Ok(response) => {
//!             let server = &response.server_response;
//!             println!("status {:?} -> {:?}", server.status, response.recording_state());
//!             if let Some(files) = &server.file_list {
//!                 for name in files.file_names() {
//!                     println!("file {name}");
//!                 }
//!             }
//!         }
//!         // HTTP 404: the recording has ended, failed to start, or the ids are wrong.
//!         Err(err) if err.kind() == ErrorKind::NotFound => {
//!             println!("no running session: {err}");
//!         }
//!         Err(err) if err.kind() == ErrorKind::Unauthenticated => {
//!             eprintln!("check AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET: {err}");
//!         }
//!         // Rate limited, 5xx, timeouts: already retried by the client; try again later.
//!         Err(err) if err.is_retryable() => {
//!             eprintln!("temporary failure after {} attempt(s): {err}", err.attempts());
//!         }
//!         Err(err) => {
//!             eprintln!(
//!                 "query failed: {err} (code {:?}, request id {:?})",
//!                 err.vendor_code(),
//!                 err.request_id()
//!             );
//!             return Err(err.into());
//!         }
//!     }
//!     Ok(())
//! }
//! ```

use crate::error_body::SESSION_NOT_FOUND;
use crate::{Credentials, ErrorBody, QueryResponse, VENDOR, endpoints, hosts};
use record_core::client::{decode_json, error_for_status};
use record_core::service::{Decode, HttpRequest, Protocol, Signer};
use record_core::transport::{RateLimitScope, RawResponse, retry_after};
use record_core::{DecodeDetails, EndpointInfo, Error, ErrorKind, UnixMillis, Vendor};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::Deserialize;
use std::fmt;

/// The response headers a request id is read from (Agora sends `X-Request-ID` on some
/// answers; header names are case-insensitive).
pub const REQUEST_ID_HEADERS: &[&str] = &["x-request-id"];

/// Agora's protocol for [`record_core::service::Service`] before the client is built: the
/// credentials. Bound, it is the [`BasicAuth`] header computed once.
#[derive(Debug)]
pub struct AgoraProtocol {
    credentials: Credentials,
}

impl AgoraProtocol {
    /// The protocol for `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl Protocol for AgoraProtocol {
    const VENDOR: Vendor = VENDOR;
    const DEFAULT_HOST: &'static str = hosts::DEFAULT;
    const HOSTS: &'static [(&'static str, &'static str, &'static str)] = hosts::ALL;
    const RATE_LIMIT_PER_SEC: Option<u32> = endpoints::QUERY.rate_limit_per_sec;
    /// 10 requests per second for the whole client (and its clones).
    const RATE_LIMIT_SCOPE: RateLimitScope = RateLimitScope::Client;
    /// Besides HTTP Basic `Authorization` (hidden anyway): any other `Authorization`
    /// scheme too.
    const REDACTED_HEADERS: &'static [&'static str] = &["authorization"];
    type Bound = BasicAuth;
    type Client = crate::Client;

    /// Computes the `Authorization` header once.
    fn bind(self, _base_url: &reqwest::Url) -> Result<BasicAuth, Error> {
        let auth = crate::signing::sign(&self.credentials);
        let mut authorization =
            HeaderValue::from_str(auth.expose_header_value()).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the credentials cannot be sent in an HTTP header",
                )
            })?;
        authorization.set_sensitive(true);
        Ok(BasicAuth {
            authorization,
            customer_id: self.credentials.customer_id().to_owned(),
        })
    }
}

/// The signer of a built client: `Authorization: Basic base64(id:secret)`, marked
/// sensitive, computed once and sent on every attempt (Basic authentication has no
/// timestamp or nonce).
pub struct BasicAuth {
    authorization: HeaderValue,
    customer_id: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("customer_id", &self.customer_id)
            .field("authorization", &"[redacted]")
            .finish()
    }
}

impl Signer for BasicAuth {
    /// Puts `Authorization` first, then the encoder's headers.
    fn sign(
        &self,
        request: &mut HttpRequest,
        _endpoint: &EndpointInfo,
        _now: UnixMillis,
    ) -> Result<(), Error> {
        let own = std::mem::take(&mut request.headers);
        request
            .headers
            .insert(AUTHORIZATION, self.authorization.clone());
        request.headers.extend(own);
        Ok(())
    }
}

impl Decode for QueryResponse {
    fn decode(raw: &RawResponse, _attempt: record_core::transport::Attempt) -> Result<Self, Error> {
        decode_query(raw)
    }
}

/// The Agora client: [`Client::query`](crate::Client::query) and its dry-run twin are
/// generated from the spec. The dry run shows `Authorization: Basic …` (a reversible
/// encoding of the Customer Secret) as `Basic [redacted]`:
///
/// ```
/// use agora_record::{Client, Credentials, QueryRequest, RecordingMode};
/// let client = Client::new(Credentials::new("customer-id", "customer-secret")?)?;
/// let request = QueryRequest::builder()
///     .appid("app")
///     .resourceid("res")
///     .sid("sid")
///     .mode(RecordingMode::Web)
///     .build()?;
/// let prepared = client.prepare_query(&request)?;
/// assert_eq!(prepared.method, "GET");
/// assert_eq!(
///     prepared.url,
///     "https://api.sd-rtn.com/v1/apps/app/cloud_recording/resourceid/res/sid/sid/mode/web/query"
/// );
/// assert!(prepared.headers.contains(&("authorization".into(), "Basic [redacted]".into())));
/// # Ok::<(), record_core::Error>(())
/// ```
impl crate::Client {
    /// A client with every default (`Client::builder(credentials).build()`).
    ///
    /// # Errors
    ///
    /// As for `ClientBuilder::build`: an unusable base URL, or credentials that cannot be
    /// sent in an HTTP header.
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        Self::builder(credentials).build()
    }

    /// The Customer ID the client authenticates with (not secret).
    pub fn customer_id(&self) -> &str {
        &self.service().protocol().customer_id
    }
}

/// Turns the raw answer to `query` into the typed response or a classified error.
/// Public, but hidden, for the fuzz targets of `record-fuzz`.
#[doc(hidden)]
pub fn decode_query(raw: &RawResponse) -> Result<QueryResponse, Error> {
    let outcome = if (200..300).contains(&raw.status) {
        match embedded_error(raw) {
            Some(err) => Err(err),
            None => decode_json::<QueryResponse>(raw),
        }
    } else {
        Err(error_answer(raw))
    };
    outcome.map_err(|err| annotate(err, &raw.headers))
}

/// Just the `code` of a body, read leniently (any JSON type): spots a service error inside
/// a 2xx answer, and keeps the code of an error body that is not the documented shape.
#[derive(Deserialize)]
struct CodeProbe {
    #[serde(default)]
    code: Option<serde_json::Value>,
}

impl CodeProbe {
    /// The `code` of `body`, when `body` is a JSON object with a non-null `code`.
    fn code_of(body: &[u8]) -> Option<serde_json::Value> {
        serde_json::from_slice::<Self>(body)
            .ok()?
            .code
            .filter(|code| !code.is_null())
    }
}

/// The service error a 2xx body reports with a non-zero `code`, if any.
fn embedded_error(raw: &RawResponse) -> Option<Error> {
    let code = CodeProbe::code_of(&raw.body)?;
    let success = match &code {
        serde_json::Value::Number(n) => n.as_i64() == Some(0),
        serde_json::Value::String(s) => s.trim() == "0",
        _ => false,
    };
    if success {
        return None;
    }
    Some(match serde_json::from_slice::<ErrorBody>(&raw.body) {
        Ok(body) if body.code.is_some() => body.to_error(raw.status),
        _ => undocumented_shape_error(raw, &code),
    })
}

/// The error of a body that has a `code` but is not the documented error shape (a code that
/// is not a number, a `reason` that is not a string, …): the raw code as sent, classified by
/// the table when it is documented.
fn undocumented_shape_error(raw: &RawResponse, code: &serde_json::Value) -> Error {
    let raw_code = match code {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match crate::error_code_info(&raw_code) {
        Some(info) => Error::new(info.kind, info.meaning).with_retryable(info.retryable),
        None => Error::new(
            crate::error_body::kind_for_status(raw.status),
            crate::error_body::fallback_message(raw.status),
        ),
    }
    .with_vendor(VENDOR)
    .with_action(endpoints::QUERY.name)
    .with_vendor_code(raw_code)
    .with_http_status(raw.status)
    .with_decode_details(DecodeDetails::new(None, &raw.body))
}

/// The error a non-2xx answer means.
fn error_answer(raw: &RawResponse) -> Error {
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(&raw.body)
        && (body.code.is_some() || body.vendor_text().is_some())
    {
        return body.to_error(raw.status);
    }
    // A `code` in a body of another shape is still the vendor's code.
    if let Some(code) = CodeProbe::code_of(&raw.body) {
        return undocumented_shape_error(raw, &code);
    }
    // No documented body (empty, `{}`, HTML, plain text, …): the HTTP status decides.
    if raw.status == 404 {
        let mut err = Error::new(ErrorKind::NotFound, SESSION_NOT_FOUND).with_http_status(404);
        if !raw.body.is_empty() {
            err = err.with_decode_details(DecodeDetails::new(None, &raw.body));
        }
        return err;
    }
    error_for_status(raw).unwrap_or_else(|| {
        Error::new(
            ErrorKind::Vendor,
            format!("unexpected HTTP status {}", raw.status),
        )
        .with_http_status(raw.status)
    })
}

/// Adds what the response headers say: the request id and the `Retry-After` delay.
fn annotate(mut err: Error, headers: &HeaderMap) -> Error {
    if err.request_id().is_none()
        && let Some(id) = request_id(headers)
    {
        err = err.with_request_id(id);
    }
    if err.retry_after().is_none()
        && let Some(delay) = retry_after(headers)
    {
        err = err.with_retry_after(delay);
    }
    err
}

/// The request id Agora sent, if any.
fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &[u8]) -> RawResponse {
        RawResponse {
            status,
            headers: HeaderMap::new(),
            body: body.to_vec(),
        }
    }

    /// Found by `cargo xtask fuzz agora_error` (fixtures/fuzz/agora_error/): a documented
    /// code in a 2xx body that is not the `ErrorBody` shape (a `reason` that is not a string,
    /// or not UTF-8) was reported as an undocumented `Vendor` error.
    #[test]
    fn a_documented_code_keeps_its_kind_when_the_body_is_not_the_error_shape() {
        for body in [
            &br#"{"code": 501, "reason": 12}"#[..],
            b"{\"code\": 501, \"reason\": \"exiting \xde\xde\"}",
        ] {
            let e = decode_query(&raw(200, body)).err();
            let e = e.as_ref();
            assert_eq!(e.map(Error::kind), Some(ErrorKind::NotFound));
            assert_eq!(e.and_then(Error::vendor_code), Some("501"));
            assert_eq!(e.map(Error::is_retryable), Some(false));
        }
        // An undocumented code is still a Vendor error with its raw code.
        let e = decode_query(&raw(200, br#"{"code": "E42", "reason": 12}"#)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::Vendor));
        assert_eq!(e.as_ref().and_then(Error::vendor_code), Some("E42"));
    }

    /// The same under an HTTP error status: the code is kept and, when documented, decides
    /// the kind; an undocumented one takes the status's kind. Vendor and action are set, as
    /// for a documented body.
    #[test]
    fn an_error_status_body_that_is_not_the_error_shape_keeps_its_code() {
        let e = decode_query(&raw(400, br#"{"code": 2, "reason": ["not", "text"]}"#)).err();
        let e = e.as_ref();
        assert_eq!(e.map(Error::kind), Some(ErrorKind::InvalidRequest));
        assert_eq!(e.and_then(Error::vendor_code), Some("2"));
        assert_eq!(e.and_then(Error::http_status), Some(400));
        assert_eq!(e.and_then(Error::action), Some(endpoints::QUERY.name));
        assert!(e.and_then(Error::vendor).is_some());

        let e = decode_query(&raw(503, br#"{"code": [7], "message": 1}"#)).err();
        let e = e.as_ref();
        assert_eq!(e.map(Error::kind), Some(ErrorKind::Server));
        assert_eq!(e.map(Error::is_retryable), Some(true));
        assert_eq!(e.and_then(Error::vendor_code), Some("[7]"));

        let e = decode_query(&raw(404, br#"{"code": "gone", "reason": {}}"#)).err();
        let e = e.as_ref();
        assert_eq!(e.map(Error::kind), Some(ErrorKind::NotFound));
        assert_eq!(e.and_then(Error::vendor_code), Some("gone"));

        // Without any code the status still decides, as before.
        let e = decode_query(&raw(404, br#"{"reason": {}}"#)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::NotFound));
        assert_eq!(e.as_ref().and_then(Error::vendor_code), None);
    }
}
