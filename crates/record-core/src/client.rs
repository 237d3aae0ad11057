//! What every vendor client shares besides the [`Transport`](crate::transport::Transport)
//! and the generic [`Service`](crate::service::Service): the builder settings
//! ([`ClientSettings`]), base-URL handling, the dry-run [`PreparedRequest`], and the
//! classification of HTTP statuses and undecodable bodies.

use crate::transport::{RateLimitScope, RawResponse, TransportConfig, retry_after};
use crate::{DecodeDetails, Error, ErrorKind, Vendor};

/// Where a client sends its requests: the vendor's default host, a documented host chosen
/// by name, or any URL (a proxy, an emulator on `http://127.0.0.1:PORT`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Endpoint {
    /// The vendor's documented default host.
    #[default]
    Default,
    /// A documented host, by the name the vendor crate's `hosts::ALL` gives it.
    Named(String),
    /// Any `http` or `https` URL.
    Url(String),
}

/// The settings every vendor client builder shares ([`ServiceBuilder`](crate::service::ServiceBuilder)
/// sets them; [`ClientSettings::resolve_base_url`] turns the endpoint into a base URL).
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Timeouts, retry policy, rate limit, body cap and user agent.
    pub transport: TransportConfig,
}

impl ClientSettings {
    /// Defaults with the vendor's documented rate limit and its scope.
    pub fn new(rate_limit_per_sec: Option<u32>, scope: RateLimitScope) -> Self {
        let mut transport = TransportConfig::new(rate_limit_per_sec);
        transport.rate_limit_scope = scope;
        Self {
            endpoint: Endpoint::Default,
            transport,
        }
    }

    /// The base URL these settings point at, given the vendor's default host and its
    /// documented hosts as `(name, url, description)`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (parameter `base_url`) for an unknown host name or a
    /// URL that is not an absolute `http`/`https` URL without query or fragment.
    pub fn resolve_base_url(
        &self,
        vendor: Vendor,
        default: &str,
        hosts: &[(&str, &str, &str)],
    ) -> Result<reqwest::Url, Error> {
        let url = match &self.endpoint {
            Endpoint::Default => default,
            Endpoint::Named(name) => hosts
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, url, _)| *url)
                .ok_or_else(|| {
                    let known: Vec<&str> = hosts.iter().map(|(n, _, _)| *n).collect();
                    Error::invalid_parameter(
                        "base_url",
                        format!(
                            "{vendor} documents no host named `{name}` (known: {})",
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    )
                    .with_vendor(vendor)
                })?,
            Endpoint::Url(url) => url,
        };
        parse_base_url(url).map_err(|e| e.with_vendor(vendor))
    }
}

/// Parses a base URL: absolute, `http` or `https`, with a host, without query, fragment or
/// credentials. A trailing `/` is removed from the path so that endpoint paths can be
/// appended.
///
/// ```
/// let url = record_core::client::parse_base_url("http://127.0.0.1:8080/").unwrap();
/// assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
/// assert!(record_core::client::parse_base_url("ftp://example.com").is_err());
/// assert!(record_core::client::parse_base_url("example.com").is_err());
/// // An error quotes the URL, never a password in it.
/// let err = record_core::client::parse_base_url("http://user:hunter2@127.0.0.1:1/").unwrap_err();
/// assert_eq!(err.message(), "`http://***@127.0.0.1:1/`: credentials do not belong in the base URL");
/// let err = record_core::client::parse_base_url("http://user:hunter2@[::1/").unwrap_err();
/// assert!(!err.to_string().contains("hunter2"), "{err}");
/// ```
///
/// # Errors
/// [`ErrorKind::InvalidRequest`] with parameter `base_url`.
pub fn parse_base_url(input: &str) -> Result<reqwest::Url, Error> {
    let shown = without_userinfo(input);
    let bad = |why: &str| Error::invalid_parameter("base_url", format!("`{shown}`: {why}"));
    let mut url = reqwest::Url::parse(input.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL takes no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the base URL"));
    }
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// `input` with any `user:password@` before its host replaced by `***@`, so that an error
/// quoting a URL never shows a password.
fn without_userinfo(input: &str) -> String {
    let Some((scheme, rest)) = input.split_once("://") else {
        return input.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => input.to_owned(),
    }
}

/// Joins a base URL and an endpoint path (`/v1/cloudRecord`): the base's own path, if
/// any (a proxy prefix), is kept in front.
pub fn join_path(base: &reqwest::Url, path: &str) -> reqwest::Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}{path}"));
    url
}

/// The error an HTTP status means when the body gives nothing more specific:
/// 400 invalid request, 401 unauthenticated, 403 permission denied, 404 not found, 408 and
/// 504 timeout, 429 rate limited (with `Retry-After`), other 5xx server; `None` for 2xx.
/// Every other status is a [`ErrorKind::Vendor`] error. The body excerpt is attached.
pub fn error_for_status(raw: &RawResponse) -> Option<Error> {
    let status = raw.status;
    if (200..300).contains(&status) {
        return None;
    }
    let (kind, message) = match status {
        400 => (ErrorKind::InvalidRequest, "the vendor rejected the request"),
        401 => (
            ErrorKind::Unauthenticated,
            "the vendor rejected the credentials or the signature",
        ),
        403 => (
            ErrorKind::PermissionDenied,
            "the vendor refused the request",
        ),
        404 => (ErrorKind::NotFound, "the vendor found no such resource"),
        408 | 504 => (ErrorKind::Timeout, "the vendor's gateway timed out"),
        429 => (ErrorKind::RateLimited, "the vendor throttled the request"),
        500..=599 => (ErrorKind::Server, "the vendor reported a server error"),
        _ => (ErrorKind::Vendor, "unexpected HTTP status"),
    };
    let mut e = Error::new(kind, message).with_http_status(status);
    if let Some(d) = retry_after(&raw.headers) {
        e = e.with_retry_after(d);
    }
    if !raw.body.is_empty() {
        e = e.with_decode_details(DecodeDetails::new(None, &raw.body));
    }
    Some(e)
}

/// Decodes a JSON body into `T`. A body that is empty, HTML or not the documented shape is
/// an [`ErrorKind::Decode`] error carrying the HTTP status, the JSON path of the failure
/// and an excerpt of the body; when the status itself is an error (429, 5xx, …) the
/// status's error ([`error_for_status`]) is returned instead, so that a gateway's HTML 503
/// page is still retried.
///
/// # Errors
/// As above.
pub fn decode_json<T: serde::de::DeserializeOwned>(raw: &RawResponse) -> Result<T, Error> {
    let fail = |message: String, path: Option<String>| {
        error_for_status(raw).unwrap_or_else(|| {
            Error::new(ErrorKind::Decode, message)
                .with_http_status(raw.status)
                .with_decode_details(DecodeDetails::new(path, &raw.body))
        })
    };
    let trimmed = raw.body.trim_ascii_start();
    if trimmed.is_empty() {
        return Err(fail("the response body is empty".to_owned(), None));
    }
    if trimmed.first() == Some(&b'<') {
        return Err(fail(
            "the response body is HTML or XML, not JSON (a gateway or proxy page?)".to_owned(),
            None,
        ));
    }
    // Fast path: tracking the JSON path costs about 40 % more than the decode itself and is
    // only needed to describe a failure, so a body is decoded plainly first. A failure is
    // decoded again with tracking, by the same deserializer (deterministic: same error).
    // Anything but whitespace after the value is an error (found by fuzzing: a 500 with
    // `{"Code":0}3` must not read as a success).
    let mut plain = serde_json::Deserializer::from_slice(&raw.body);
    if let Ok(value) = T::deserialize(&mut plain) {
        return match plain.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(fail(
                format!("the response body has bytes after its JSON value: {e}"),
                None,
            )),
        };
    }
    let de = &mut serde_json::Deserializer::from_slice(&raw.body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = (path != ".").then_some(path);
        fail(
            format!("the response body is not the documented JSON: {inner}"),
            path,
        )
    })
}

/// A fully signed request as it would be sent, for `--dry-run` style inspection: method,
/// URL (with the signed query string), headers and body. Secret-bearing headers are
/// redacted when it is built.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreparedRequest {
    /// HTTP method.
    pub method: String,
    /// The full URL, query string included.
    pub url: String,
    /// Headers in the order they are sent (names lowercase).
    pub headers: Vec<(String, String)>,
    /// The body as text, if any.
    pub body: Option<String>,
}

impl PreparedRequest {
    /// The text put in place of a redacted value.
    pub const REDACTED: &'static str = "[redacted]";

    /// Describes `request`, replacing the values of the headers named in `redact`
    /// (case-insensitive) and of `authorization` when it is HTTP Basic (a reversible
    /// encoding of the secret) with [`PreparedRequest::REDACTED`].
    pub fn from_request(request: &reqwest::Request, redact: &[&str]) -> Self {
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                let basic = name == reqwest::header::AUTHORIZATION
                    && text.trim_start().to_ascii_lowercase().starts_with("basic ");
                let hidden = basic || redact.iter().any(|r| name.as_str().eq_ignore_ascii_case(r));
                let shown = if hidden {
                    if basic {
                        format!("Basic {}", Self::REDACTED)
                    } else {
                        Self::REDACTED.to_owned()
                    }
                } else {
                    text
                };
                (name.as_str().to_owned(), shown)
            })
            .collect();
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        Self {
            method: request.method().as_str().to_owned(),
            url: request.url().as_str().to_owned(),
            headers,
            body,
        }
    }
}
