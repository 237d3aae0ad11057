//! The async HTTP client of the Volcengine RTC OpenAPI: [`Client::get_record_task`].
//!
//! A [`Client`] sends `GET {base}/?Action=GetRecordTask&Version=2023-11-01&AppId=…&RoomId=…
//! &TaskId=…`, signed with the V4 scheme of [`crate::signing`] (region and service `rtc` in
//! the credential scope). Every attempt is signed anew, with a fresh `X-Date`, by the one
//! [`Signer`] the client and its clones share, so the signing key is derived once per day.
//! The request line carries exactly the canonical query string that was signed.
//!
//! The shared transport of `record-core` does the rest: one pooled `reqwest::Client`, a
//! client-side limit of 60 requests per second for the client and all its clones (the
//! documented QPS limit of the account), per-attempt and total timeouts, a cap on the
//! body size, and retries with full-jitter backoff (honouring `Retry-After`) of what a retry
//! can help: throttling, gateway and server errors, timeouts and connection failures.
//!
//! # Errors
//!
//! Every answer is the OpenAPI envelope. A call failed when `ResponseMetadata.Error` is
//! present, **even with HTTP 200**. Its `Code` is classified with
//! [`crate::classify_error_code`] (the documented codes of [`crate::ERROR_CODES`], dotted
//! codes by their family, e.g. `FlowLimitExceeded.QPSOverLimit` is rate limiting and can be
//! retried); an undocumented code follows the HTTP status (401, 403, 429, 5xx) or is
//! [`record_core::ErrorKind::Vendor`], and the raw code is kept. The error carries the HTTP
//! status, the vendor code and message, the `RequestId`, and the `Retry-After` delay when
//! the gateway sent one. A body that is not the documented JSON (an HTML page of a proxy,
//! an empty or truncated body) is a [`record_core::ErrorKind::Decode`] error with the JSON
//! path of the failure and an excerpt, unless the HTTP status itself is an error (an HTML
//! 503 is a retryable server error).
//!
//! # Regions
//!
//! The signing region follows the host: the default host and `host("cn-north-1")` sign for
//! `cn-north-1`, `host("ap-singapore-1")` for `ap-singapore-1` (the documented hosts are
//! named after their region). A custom [`ClientBuilder::base_url`] (a proxy, an emulator)
//! signs for `cn-north-1` unless it is one of the documented host URLs; set
//! [`ClientBuilder::region`] to override.
//!
//! # Example
//!
//! ```no_run
//! use record_core::ErrorKind;
//! use volc_record::{Client, Credentials, GetRecordTaskRequest};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // VOLC_ACCESSKEY, VOLC_SECRETKEY and, for STS credentials, VOLC_SESSION_TOKEN.
//!     let client = Client::builder(Credentials::from_env()?).build()?;
//!     let request = GetRecordTaskRequest::builder()
//!         .app_id("661e****543cf")
//!         .room_id("Room1")
//!         .task_id("Task1")
//!         .build()?;
//!     match client.get_record_task(&request).await {
//!         Ok(response) => {
//!             let task = response.record_task().ok_or("the answer holds no task")?;
//!             println!("state: {:?}", task.recording_state());
//!             for file in task.record_file_list.iter().flatten() {
//!                 println!("file: {:?} {:?}", file.vid, file.object_key);
//!             }
//!         }
//!         Err(err) if err.kind() == ErrorKind::NotFound => {
//!             println!("no such task, or it stopped: {err}");
//!         }
//!         Err(err) if err.kind() == ErrorKind::Unauthenticated => {
//!             eprintln!("check the access key and the clock: {err}");
//!         }
//!         Err(err) if err.is_retryable() => {
//!             // Throttled or a server error even after the client's own retries.
//!             eprintln!("try again later (request id {:?}): {err}", err.request_id());
//!         }
//!         Err(err) => return Err(err.into()),
//!     }
//!     Ok(())
//! }
//! ```

use std::fmt;
use std::sync::Arc;

use record_core::client::{
    ClientSettings, PreparedRequest, decode_json, error_for_status, join_path, parse_base_url,
};
use record_core::transport::{Operation, RateLimitScope, RawResponse, Transport, retry_after};
use record_core::{Clock, Error, SystemClock};
use reqwest::header::{ACCEPT, HeaderName, HeaderValue};
use serde_json::Value;

use crate::credentials::Credentials;
use crate::signing::{DEFAULT_REGION, DEFAULT_SERVICE, RequestToSign, Signer};
use crate::{
    ERROR_CODES, GetRecordTaskRequest, GetRecordTaskResponse, VENDOR, classified_error, endpoints,
    hosts,
};

/// Headers whose values [`Client::prepare_get_record_task`] hides: the STS session token.
const REDACTED_HEADERS: &[&str] = &["x-security-token"];

/// A client of the Volcengine RTC OpenAPI. Build it with [`Client::builder`].
///
/// Cloning is cheap and shares everything: the HTTP connection pool, the rate limiter (60
/// requests per second for all clones together), the signer and its key cache, the clock.
/// `Debug` shows the access key id but never the secret access key or session token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What the clones of a client share.
struct Inner {
    transport: Transport,
    signer: Signer,
    clock: Arc<dyn Clock>,
    base_url: reqwest::Url,
    /// The `Host` value that is signed and sent: host, plus `:port` when not the default.
    host: String,
    /// The decoded request path (the base URL's path prefix, if any, then `/`).
    path: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("region", &inner.signer.region())
            .field("service", &inner.signer.service())
            .field("credentials", inner.signer.credentials())
            .field("clock", &inner.clock)
            .field("transport", inner.transport.config())
            .finish()
    }
}

/// Builder of a [`Client`]: the common settings of every vendor client (host, base URL,
/// timeouts, retries, rate limit, body cap, user agent), the clock and the signing region.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    settings: ClientSettings,
    credentials: Credentials,
    clock: Arc<dyn Clock>,
    region: Option<String>,
}

impl ClientBuilder {
    record_core::client_builder_methods!();

    /// The clock that dates each signature (`X-Date`); the system clock by default. Tests
    /// inject a [`record_core::FixedClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The signing region of the credential scope, overriding the default, which follows
    /// the host: `cn-north-1` for the default host, the region of a documented host
    /// (`host("ap-singapore-1")`, or its URL as base URL), and `cn-north-1` for any other
    /// base URL. An invalid region (empty, with `/` or spaces) fails at
    /// [`ClientBuilder::build`].
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`InvalidRequest`](record_core::ErrorKind::InvalidRequest) (parameter `base_url`)
    /// for an unknown host name or a base URL that is not an absolute `http`/`https` URL
    /// without query, fragment or credentials, or (parameter `region`) for an invalid
    /// region; [`Transport`](record_core::ErrorKind::Transport) when the HTTP client cannot
    /// be initialised.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self
            .settings
            .resolve_base_url(VENDOR, hosts::DEFAULT, hosts::ALL)?;
        let region = match self.region {
            Some(region) => region,
            None => documented_region(&base_url)
                .unwrap_or(DEFAULT_REGION)
                .to_owned(),
        };
        let signer = Signer::new(self.credentials, region, DEFAULT_SERVICE)
            .map_err(|e| e.with_vendor(VENDOR))?;
        let host = host_header(&base_url)?;
        let endpoint_url = join_path(&base_url, endpoints::GET_RECORD_TASK.path);
        let path = percent_encoding::percent_decode_str(endpoint_url.path())
            .decode_utf8()
            .map_err(|_| {
                Error::invalid_parameter("base_url", "the path is not UTF-8 once decoded")
                    .with_vendor(VENDOR)
            })?
            .into_owned();
        let transport = Transport::new(self.settings.transport)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                signer,
                clock: self.clock,
                base_url,
                host,
                path,
            }),
        })
    }
}

impl Client {
    /// A builder with the defaults: the default host `https://rtc.volcengineapi.com`
    /// (region `cn-north-1`), 60 requests per second for the client and its clones, 3
    /// attempts, 5 s to connect, 10 s per attempt, 30 s per call, 4 MiB bodies at most, the
    /// system clock.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            settings: ClientSettings::new(
                endpoints::GET_RECORD_TASK.rate_limit_per_sec,
                RateLimitScope::Client,
            ),
            credentials,
            clock: Arc::new(SystemClock),
            region: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.inner.base_url
    }

    /// The signing region of the credential scope.
    pub fn region(&self) -> &str {
        self.inner.signer.region()
    }

    /// The signer (credentials, region, service and signing-key cache), shared by every
    /// clone of this client.
    pub fn signer(&self) -> &Signer {
        &self.inner.signer
    }

    /// Queries one cloud-recording task (`GetRecordTask`, version `2023-11-01`): its
    /// status, why it stopped and the files it produced. Only tasks started within the last
    /// 72 hours can be queried.
    ///
    /// # Errors
    ///
    /// A [`record_core::Error`] carrying the vendor, the action and the number of attempts:
    /// the vendor's error (`ResponseMetadata.Error`, even with HTTP 200) classified as
    /// described in the [module documentation](self), with its code, message, request id
    /// and HTTP status; [`Timeout`](record_core::ErrorKind::Timeout) or
    /// [`Transport`](record_core::ErrorKind::Transport) when no answer came;
    /// [`Decode`](record_core::ErrorKind::Decode) for a body that is not the documented JSON
    /// or is larger than the cap.
    pub async fn get_record_task(
        &self,
        request: &GetRecordTaskRequest,
    ) -> Result<GetRecordTaskResponse, Error> {
        let to_sign = self.request_to_sign(request);
        let operation = Operation {
            vendor: VENDOR,
            action: endpoints::GET_RECORD_TASK.name,
        };
        self.inner
            .transport
            .execute(
                operation,
                |_attempt| self.signed_request(&to_sign),
                |raw| decode_response(&raw),
            )
            .await
    }

    /// The request [`Client::get_record_task`] would send for `request` if it started its
    /// first attempt now, for a dry run: method, URL with the canonical query, and the
    /// headers `X-Date`, `X-Content-Sha256`, `X-Security-Token` (STS credentials only),
    /// `Authorization` and `Accept`, built by the same signing code as a real attempt.
    /// The session token is replaced with [`PreparedRequest::REDACTED`]; the
    /// `Authorization` header is an HMAC signature and holds no secret. `Host` (the URL's
    /// host and port), `User-Agent` and the other transport headers are added by the HTTP
    /// client when sending. Nothing is sent, and the rate limiter is not used.
    ///
    /// # Errors
    ///
    /// [`InvalidRequest`](record_core::ErrorKind::InvalidRequest) when the request cannot
    /// be signed (the clock is outside the years 0000-9999, a header value is not valid).
    pub fn prepare_get_record_task(
        &self,
        request: &GetRecordTaskRequest,
    ) -> Result<PreparedRequest, Error> {
        let http = self.http_request_for(request)?;
        Ok(PreparedRequest::from_request(&http, REDACTED_HEADERS))
    }

    /// The signed HTTP request of one attempt of [`Client::get_record_task`] at the clock's
    /// current time (the session token header marked sensitive), unredacted.
    pub(crate) fn http_request_for(
        &self,
        request: &GetRecordTaskRequest,
    ) -> Result<reqwest::Request, Error> {
        self.signed_request(&self.request_to_sign(request))
    }

    /// The parts of a `GetRecordTask` call that the signature covers.
    fn request_to_sign(&self, request: &GetRecordTaskRequest) -> RequestToSign {
        let endpoint = endpoints::GET_RECORD_TASK;
        let mut to_sign = RequestToSign::new(
            endpoint.method,
            self.inner.host.as_str(),
            self.inner.path.as_str(),
        );
        if let Some(action) = endpoint.action {
            to_sign = to_sign.with_query("Action", action);
        }
        if let Some(version) = endpoint.version {
            to_sign = to_sign.with_query("Version", version);
        }
        to_sign.with_query_pairs(request.query_pairs())
    }

    /// Signs `to_sign` at the clock's current time and builds the HTTP request to send: the
    /// canonical path and query, exactly as signed, and the signature headers.
    fn signed_request(&self, to_sign: &RequestToSign) -> Result<reqwest::Request, Error> {
        let inner = &self.inner;
        let signed = inner
            .signer
            .sign_now(to_sign, inner.clock.as_ref())
            .map_err(|e| e.with_vendor(VENDOR))?;
        let method = reqwest::Method::from_bytes(signed.method.as_bytes()).map_err(|_| {
            Error::invalid_parameter("method", "not a valid HTTP method").with_vendor(VENDOR)
        })?;
        let mut url = inner.base_url.clone();
        // Both are fully percent-encoded already; `Url` keeps `%XX`, unreserved characters,
        // `/`, `=` and `&` as they are, so the request line is byte for byte what was signed.
        url.set_path(&signed.canonical_uri);
        url.set_query(Some(signed.canonical_query_string.as_str()).filter(|q| !q.is_empty()));
        let mut request = reqwest::Request::new(method, url);
        let headers = request.headers_mut();
        for (name, value) in &signed.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_parameter(*name, "not a valid header name").with_vendor(VENDOR)
            })?;
            // The value is never quoted in the error: it may be the session token.
            let mut header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_parameter(*name, "not a valid header value").with_vendor(VENDOR)
            })?;
            if matches!(*name, "Authorization" | "X-Security-Token") {
                header_value.set_sensitive(true);
            }
            headers.insert(header_name, header_value);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Ok(request)
    }
}

/// Turns one answer into the typed response or the error it reports.
///
/// 1. A body that decodes as the envelope: `ResponseMetadata.Error` means failure whatever
///    the HTTP status ([`GetRecordTaskResponse::to_error`]); without it, a 2xx status is
///    success and any other status is the status's error, with the request id.
/// 2. A body that does not decode but still carries `ResponseMetadata.Error.Code` (or only
///    `CodeN`) is classified the same way.
/// 3. Anything else follows [`decode_json`]: the status's error for an error status, else a
///    decode error with the JSON path and an excerpt.
///
/// `Retry-After` is attached to every error when the gateway sent it.
///
/// Public, but hidden, for the fuzz targets of `record-fuzz`.
#[doc(hidden)]
pub fn decode_response(raw: &RawResponse) -> Result<GetRecordTaskResponse, Error> {
    let with_retry_after = |e: Error| match retry_after(&raw.headers) {
        Some(delay) if e.retry_after().is_none() => e.with_retry_after(delay),
        _ => e,
    };
    match decode_json::<GetRecordTaskResponse>(raw) {
        Ok(response) => {
            if let Some(error) = response.to_error(Some(raw.status)) {
                return Err(with_retry_after(error));
            }
            match error_for_status(raw) {
                None => Ok(response),
                Some(error) => Err(with_retry_after(
                    error.with_request_id(response.response_metadata.request_id),
                )),
            }
        }
        Err(decode_error) => Err(with_retry_after(
            lenient_vendor_error(raw).unwrap_or(decode_error),
        )),
    }
}

/// The vendor error of a body that is JSON but not the full documented envelope (e.g. a
/// gateway answer without `Action` or `Message`): `ResponseMetadata.Error.Code`, or the
/// documented code of its `CodeN` when `Code` is missing.
fn lenient_vendor_error(raw: &RawResponse) -> Option<Error> {
    let value: Value = serde_json::from_slice(&raw.body).ok()?;
    let meta = value.get("ResponseMetadata")?;
    let error = meta.get("Error")?;
    let code = match error.get("Code").and_then(Value::as_str) {
        Some(code) if !code.is_empty() => code.to_owned(),
        _ => {
            let numeric = error.get("CodeN").and_then(Value::as_i64)?;
            ERROR_CODES
                .iter()
                .find(|info| info.numeric == Some(numeric))
                .map_or_else(|| numeric.to_string(), |info| info.code.to_owned())
        }
    };
    let message = error.get("Message").and_then(Value::as_str);
    let request_id = meta.get("RequestId").and_then(Value::as_str);
    Some(classified_error(
        &code,
        message,
        request_id,
        Some(raw.status),
    ))
}

/// The region of the documented host whose URL is `base_url`, if any (the documented
/// hosts are named after their signing region).
fn documented_region(base_url: &reqwest::Url) -> Option<&'static str> {
    hosts::ALL
        .iter()
        .find(|(_, url, _)| parse_base_url(url).is_ok_and(|u| u == *base_url))
        .map(|(name, _, _)| *name)
}

/// The `Host` header of `url`: the host, with `:port` unless it is the scheme's default.
fn host_header(url: &reqwest::Url) -> Result<String, Error> {
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| {
        Error::invalid_parameter("base_url", "the URL has no host").with_vendor(VENDOR)
    })?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use record_core::ErrorKind;

    #[test]
    fn host_header_keeps_non_default_ports_only() -> Result<(), Error> {
        let cases = [
            ("https://rtc.volcengineapi.com", "rtc.volcengineapi.com"),
            ("https://rtc.volcengineapi.com:443", "rtc.volcengineapi.com"),
            ("http://example.com:80/", "example.com"),
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("https://example.com:80", "example.com:80"),
            ("http://[::1]:9000", "[::1]:9000"),
        ];
        for (url, want) in cases {
            assert_eq!(host_header(&parse_base_url(url)?)?, want, "{url}");
        }
        Ok(())
    }

    #[test]
    fn documented_hosts_give_their_region() -> Result<(), Error> {
        let region = |url: &str| parse_base_url(url).map(|u| documented_region(&u));
        assert_eq!(region("https://rtc.volcengineapi.com")?, Some("cn-north-1"));
        assert_eq!(
            region("https://open-ap-singapore-1.volcengineapi.com/")?,
            Some("ap-singapore-1")
        );
        assert_eq!(region("http://127.0.0.1:1234")?, None);
        Ok(())
    }

    #[test]
    fn the_session_token_is_sent_sensitive_and_prepared_redacted() -> Result<(), Error> {
        const TOKEN: &str = "STS-token-for-the-unit-test";
        let credentials = Credentials::new("AK", "SK")?.with_session_token(TOKEN)?;
        let client = Client::builder(credentials)
            .base_url("http://127.0.0.1:1")
            .clock(Arc::new(record_core::FixedClock::new(
                record_core::UnixMillis(1_718_781_186_000),
            )))
            .build()?;
        let request = GetRecordTaskRequest::builder()
            .app_id("a")
            .room_id("r")
            .task_id("t")
            .build()?;
        // What an attempt sends: the token, marked sensitive (hidden from `Debug`).
        let http = client.http_request_for(&request)?;
        let token = http.headers().get("x-security-token");
        assert_eq!(token.map(HeaderValue::as_bytes), Some(TOKEN.as_bytes()));
        assert!(token.is_some_and(HeaderValue::is_sensitive));
        assert!(!format!("{http:?}").contains(TOKEN));
        // The dry run: the same request, the token redacted.
        let prepared = client.prepare_get_record_task(&request)?;
        assert_eq!(
            prepared,
            PreparedRequest::from_request(&http, &["x-security-token"])
        );
        assert!(prepared.headers.contains(&(
            "x-security-token".to_owned(),
            PreparedRequest::REDACTED.to_owned()
        )));
        assert!(!format!("{prepared:?}").contains(TOKEN));
        Ok(())
    }

    #[test]
    fn undecodable_envelopes_keep_the_vendor_error() {
        let raw = |status: u16, body: &str| RawResponse {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        };
        // No Action/Version/Service/Region, no Message: the full envelope does not decode.
        let e = decode_response(&raw(
            401,
            r#"{"ResponseMetadata":{"RequestId":"r1","Error":{"Code":"InvalidAccessKey"}}}"#,
        ))
        .err();
        let e = e.as_ref();
        assert_eq!(e.map(Error::kind), Some(ErrorKind::Unauthenticated));
        assert_eq!(e.and_then(Error::vendor_code), Some("InvalidAccessKey"));
        assert_eq!(e.and_then(Error::request_id), Some("r1"));
        assert_eq!(e.and_then(Error::http_status), Some(401));
        // Only CodeN: the documented code of that number.
        let e = decode_response(&raw(
            500,
            r#"{"ResponseMetadata":{"Error":{"CodeN":100014}}}"#,
        ))
        .err();
        let e = e.as_ref();
        assert_eq!(e.and_then(Error::vendor_code), Some("InternalError"));
        assert_eq!(e.map(Error::is_retryable), Some(true));
        // An undocumented CodeN is kept as the code.
        let e = decode_response(&raw(400, r#"{"ResponseMetadata":{"Error":{"CodeN":123}}}"#)).err();
        let e = e.as_ref();
        assert_eq!(e.and_then(Error::vendor_code), Some("123"));
        assert_eq!(e.map(Error::kind), Some(ErrorKind::Vendor));
        // No error object at all: the decode error with its path.
        let e = decode_response(&raw(200, r#"{"ResponseMetadata":{"RequestId":"r1"}}"#)).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::Decode));
    }
}
