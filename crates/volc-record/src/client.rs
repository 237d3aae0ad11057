//! The async HTTP client of the Volcengine RTC OpenAPI: [`Client::get_record_task`](crate::Client::get_record_task).
//!
//! A [`Client`](crate::Client) sends `GET {base}/?Action=GetRecordTask&Version=2023-11-01&AppId=…&RoomId=…
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
//! named after their region). A custom [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) (a proxy, an emulator)
//! signs for `cn-north-1` unless it is one of the documented host URLs; set
//! [`ClientBuilder::region`](crate::ClientBuilder::region) to override.
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

use record_core::client::{decode_json, error_for_status, parse_base_url};
use record_core::service::{Decode, HttpRequest, Protocol, Signer as SignRequest, SigningRegion};
use record_core::transport::{RateLimitScope, RawResponse, retry_after};
use record_core::{EndpointInfo, Error, UnixMillis, Vendor};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::credentials::Credentials;
use crate::signing::{DEFAULT_REGION, DEFAULT_SERVICE, RequestToSign, Signer};
use crate::{ERROR_CODES, GetRecordTaskResponse, VENDOR, classified_error, endpoints, hosts};

/// Volcengine's protocol for [`record_core::service::Service`] before the client is
/// built: the credentials and, if set, the signing region. Bound to the base URL it becomes
/// a [`VolcSigning`] (the region follows the host unless set).
#[derive(Debug)]
pub struct VolcProtocol {
    credentials: Credentials,
    region: Option<String>,
}

impl VolcProtocol {
    /// The protocol for `credentials`, the region following the host.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            region: None,
        }
    }
}

impl SigningRegion for VolcProtocol {
    /// The default follows the host: `cn-north-1` for the default host, the region of a
    /// documented host (`host("ap-singapore-1")`, or its URL as base URL), and
    /// `cn-north-1` for any other base URL.
    fn set_region(&mut self, region: String) {
        self.region = Some(region);
    }
}

impl Protocol for VolcProtocol {
    const VENDOR: Vendor = VENDOR;
    const DEFAULT_HOST: &'static str = hosts::DEFAULT;
    const HOSTS: &'static [(&'static str, &'static str, &'static str)] = hosts::ALL;
    const RATE_LIMIT_PER_SEC: Option<u32> = endpoints::GET_RECORD_TASK.rate_limit_per_sec;
    /// 60 requests per second for the account: the client and all its clones together.
    const RATE_LIMIT_SCOPE: RateLimitScope = RateLimitScope::Client;
    /// The STS session token; the `Authorization` header is an HMAC signature and holds no
    /// secret.
    const REDACTED_HEADERS: &'static [&'static str] = &["x-security-token"];
    type Bound = VolcSigning;
    type Client = crate::Client;

    fn bind(self, base_url: &reqwest::Url) -> Result<VolcSigning, Error> {
        let region = match self.region {
            Some(region) => region,
            None => documented_region(base_url)
                .unwrap_or(DEFAULT_REGION)
                .to_owned(),
        };
        Ok(VolcSigning {
            signer: Signer::new(self.credentials, region, DEFAULT_SERVICE)?,
            host: host_header(base_url)?,
        })
    }
}

/// The signer of a built client: the V4 [`Signer`] (credentials, region, service `rtc`,
/// signing-key cache) and the `Host` value that is signed and sent.
#[derive(Debug)]
pub struct VolcSigning {
    signer: Signer,
    /// The `Host` value that is signed and sent: host, plus `:port` when not the default.
    host: String,
}

impl SignRequest for VolcSigning {
    /// Signs the encoder's path (decoded) and query pairs, canonicalised by the signer, and
    /// sends exactly the canonical path and query that were signed; the signature headers
    /// come first, then the encoder's own.
    fn sign(
        &self,
        request: &mut HttpRequest,
        endpoint: &EndpointInfo,
        now: UnixMillis,
    ) -> Result<(), Error> {
        let path = percent_encoding::percent_decode_str(request.url.path())
            .decode_utf8()
            .map_err(|_| {
                Error::invalid_parameter("base_url", "the path is not UTF-8 once decoded")
            })?;
        let mut to_sign = RequestToSign::new(endpoint.method, self.host.as_str(), &*path)
            .with_query_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        if let Some(body) = &request.body {
            if let Some(content_type) = request
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
            {
                to_sign = to_sign.with_content_type(content_type);
            }
            to_sign = to_sign.with_body(body.to_vec());
        }
        let signed = self.signer.sign(&to_sign, now.to_seconds())?;
        // Both are fully percent-encoded already; `Url` keeps `%XX`, unreserved characters,
        // `/`, `=` and `&` as they are, so the request line is byte for byte what was signed.
        request.url.set_path(&signed.canonical_uri);
        request.query_string = Some(signed.canonical_query_string);
        let own = std::mem::take(&mut request.headers);
        for (name, value) in &signed.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_parameter(*name, "not a valid header name"))?;
            // The value is never quoted in the error: it may be the session token.
            let mut header_value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_parameter(*name, "not a valid header value"))?;
            if matches!(*name, "Authorization" | "X-Security-Token") {
                header_value.set_sensitive(true);
            }
            request.headers.insert(header_name, header_value);
        }
        request.headers.extend(own);
        Ok(())
    }
}

impl Decode for GetRecordTaskResponse {
    fn decode(raw: &RawResponse, _attempt: record_core::transport::Attempt) -> Result<Self, Error> {
        decode_response(raw)
    }
}

impl crate::Client {
    /// The signing region of the credential scope.
    pub fn region(&self) -> &str {
        self.service().protocol().signer.region()
    }

    /// The signer (credentials, region, service and signing-key cache), shared by every
    /// clone of this client.
    pub fn signer(&self) -> &Signer {
        &self.service().protocol().signer
    }

    /// The signed HTTP request of one attempt of `get_record_task` at the clock's current
    /// time (the session token header marked sensitive), unredacted.
    #[cfg(test)]
    pub(crate) fn http_request_for(
        &self,
        request: &crate::GetRecordTaskRequest,
    ) -> Result<reqwest::Request, Error> {
        self.service().signed_request(request)
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
    use crate::{Client, GetRecordTaskRequest};
    use record_core::ErrorKind;
    use record_core::client::PreparedRequest;
    use std::sync::Arc;

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
