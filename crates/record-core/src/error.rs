//! The one error type every vendor crate returns.

use crate::Vendor;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// What kind of failure an [`Error`] is, the same for every vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request is invalid: a parameter broke a documented limit (checked locally or
    /// reported by the vendor).
    InvalidRequest,
    /// The credentials or the signature were rejected (missing, wrong, expired).
    Unauthenticated,
    /// Authenticated, but not allowed (service not enabled, no permission).
    PermissionDenied,
    /// The task, session or resource does not exist (or no longer does).
    NotFound,
    /// The vendor throttled the request.
    RateLimited,
    /// No answer in time.
    Timeout,
    /// The connection failed before an answer arrived.
    Transport,
    /// The vendor reported an internal error (HTTP 5xx or a system-error code).
    Server,
    /// The answer could not be decoded into the documented shape.
    Decode,
    /// Any other error the vendor reported.
    Vendor,
    /// The client is not configured so that it can send anything: a credential is missing
    /// or malformed, a base URL or host is not usable. Found locally; nothing was sent.
    InvalidConfiguration,
    /// The vendor does not offer this operation or filter (Volcengine and Agora have no
    /// list API; QingCloud documents no start or stop). Found locally; nothing was sent.
    Unsupported,
}

impl ErrorKind {
    /// Whether this kind of failure is, in general, worth retrying.
    pub const fn is_retryable_by_default(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::Timeout | Self::Transport | Self::Server
        )
    }

    /// The snake_case name (`"rate_limited"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Unauthenticated => "unauthenticated",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Server => "server",
            Self::Decode => "decode",
            Self::Vendor => "vendor",
            Self::InvalidConfiguration => "invalid_configuration",
            Self::Unsupported => "unsupported",
        }
    }

    /// Parses [`ErrorKind::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::InvalidRequest,
            Self::Unauthenticated,
            Self::PermissionDenied,
            Self::NotFound,
            Self::RateLimited,
            Self::Timeout,
            Self::Transport,
            Self::Server,
            Self::Decode,
            Self::Vendor,
            Self::InvalidConfiguration,
            Self::Unsupported,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a request that got no answer ([`ErrorKind::Transport`] and
/// [`ErrorKind::Timeout`] errors), read from the underlying error chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportCause {
    /// The host refused the connection (nothing listens on that port).
    ConnectionRefused,
    /// The host name could not be resolved.
    DnsLookupFailed,
    /// The TLS handshake failed (certificate, protocol).
    TlsHandshakeFailed,
    /// No connection could be established in time.
    ConnectTimedOut,
    /// The attempt got no complete answer within its time limit.
    TimedOut,
    /// The connection was reset or closed before the whole answer arrived.
    ConnectionReset,
    /// Any other failure to connect or to read the answer.
    Other,
}

impl TransportCause {
    /// Whether the request certainly did not reach the vendor: the connection was never
    /// established (refused, unresolvable host, failed TLS handshake, connect timeout). Only
    /// then may an operation that is not idempotent be retried.
    pub const fn request_not_sent(self) -> bool {
        matches!(
            self,
            Self::ConnectionRefused
                | Self::DnsLookupFailed
                | Self::TlsHandshakeFailed
                | Self::ConnectTimedOut
        )
    }

    /// A short description in the user's terms (`"connection refused"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConnectionRefused => "connection refused",
            Self::DnsLookupFailed => "DNS lookup failed",
            Self::TlsHandshakeFailed => "TLS handshake failed",
            Self::ConnectTimedOut => "connect timed out",
            Self::TimedOut => "timed out",
            Self::ConnectionReset => "connection reset",
            Self::Other => "connection failed",
        }
    }
}

impl fmt::Display for TransportCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and why a response body failed to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeDetails {
    /// JSON path of the failure (e.g. `Data.RecordFiles[0].FileSize`), when known.
    pub path: Option<String>,
    /// The first bytes of the body (lossy UTF-8, at most [`DecodeDetails::EXCERPT_LEN`] chars).
    pub excerpt: String,
}

impl DecodeDetails {
    /// Maximum number of characters kept in [`DecodeDetails::excerpt`].
    pub const EXCERPT_LEN: usize = 200;

    /// Builds details from a body, keeping a short excerpt.
    pub fn new(path: Option<String>, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let excerpt: String = text.chars().take(Self::EXCERPT_LEN).collect();
        Self { path, excerpt }
    }
}

/// An error from any vendor crate: a normalized [`ErrorKind`], whether a retry can help,
/// and everything the vendor said about it.
///
/// Secrets never appear in an `Error`: it holds no credentials, and vendor messages are
/// kept as the vendor sent them.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    retryable: bool,
    message: Cow<'static, str>,
    vendor: Option<Vendor>,
    action: Option<Cow<'static, str>>,
    parameter: Option<Cow<'static, str>>,
    http_status: Option<u16>,
    vendor_code: Option<String>,
    vendor_message: Option<String>,
    request_id: Option<String>,
    attempts: u32,
    retry_after: Option<Duration>,
    decode: Option<DecodeDetails>,
    transport: Option<TransportCause>,
    outcome_unknown: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind`; retryable per [`ErrorKind::is_retryable_by_default`].
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                retryable: kind.is_retryable_by_default(),
                message: message.into(),
                vendor: None,
                action: None,
                parameter: None,
                http_status: None,
                vendor_code: None,
                vendor_message: None,
                request_id: None,
                attempts: 0,
                retry_after: None,
                decode: None,
                transport: None,
                outcome_unknown: false,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::InvalidRequest`] error naming the offending parameter.
    ///
    /// ```
    /// use record_core::{Error, ErrorKind};
    /// let e = Error::invalid_parameter("PageSize", "must be between 1 and 50, got 51");
    /// assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    /// assert_eq!(e.parameter(), Some("PageSize"));
    /// assert_eq!(e.to_string(), "invalid parameter `PageSize`: must be between 1 and 50, got 51");
    /// ```
    pub fn invalid_parameter(
        parameter: impl Into<Cow<'static, str>>,
        problem: impl Into<Cow<'static, str>>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::InvalidRequest, problem);
        e.inner.parameter = Some(parameter.into());
        e
    }

    /// Sets the name of the parameter the error is about.
    pub fn with_parameter(mut self, parameter: impl Into<Cow<'static, str>>) -> Self {
        self.inner.parameter = Some(parameter.into());
        self
    }

    /// Sets the vendor.
    pub fn with_vendor(mut self, vendor: Vendor) -> Self {
        self.inner.vendor = Some(vendor);
        self
    }

    /// Sets the action (operation) name.
    pub fn with_action(mut self, action: impl Into<Cow<'static, str>>) -> Self {
        self.inner.action = Some(action.into());
        self
    }

    /// Sets the HTTP status of the response.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    /// Sets the vendor's own error code.
    pub fn with_vendor_code(mut self, code: impl Into<String>) -> Self {
        self.inner.vendor_code = Some(code.into());
        self
    }

    /// Sets the vendor's own error message.
    pub fn with_vendor_message(mut self, message: impl Into<String>) -> Self {
        self.inner.vendor_message = Some(message.into());
        self
    }

    /// Sets the vendor's request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.inner.request_id = Some(id.into());
        self
    }

    /// Sets how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Marks the error of an operation that is not idempotent (e.g. starting a recording)
    /// whose request may have reached the vendor (an attempt timed out, the connection was
    /// reset, the vendor answered 5xx or an unreadable body): the operation may have taken
    /// effect, so the client did not repeat it; see [`Error::is_outcome_unknown`].
    pub fn with_outcome_unknown(mut self) -> Self {
        self.inner.outcome_unknown = true;
        self
    }

    /// Whether the operation may have taken effect although this error was returned (set
    /// on operations that are not idempotent, which are never retried after their request
    /// may have arrived): query the vendor before trying again, e.g. list the room's
    /// recordings before starting another one.
    pub fn is_outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }

    /// Overrides whether a retry can help.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }

    /// Sets the delay the vendor asked for (`Retry-After`).
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.inner.retry_after = Some(delay);
        self
    }

    /// Sets decode details (JSON path and body excerpt).
    pub fn with_decode_details(mut self, details: DecodeDetails) -> Self {
        self.inner.decode = Some(details);
        self
    }

    /// Sets what happened to a request that got no answer.
    pub fn with_transport_cause(mut self, cause: TransportCause) -> Self {
        self.inner.transport = Some(cause);
        self
    }

    /// Sets the underlying cause.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The normalized kind.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Whether repeating the request later can help.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// Our own description of the failure.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The vendor, when known.
    pub fn vendor(&self) -> Option<Vendor> {
        self.inner.vendor
    }

    /// The action (operation), when known.
    pub fn action(&self) -> Option<&str> {
        self.inner.action.as_deref()
    }

    /// The parameter that broke a limit, for [`ErrorKind::InvalidRequest`] errors found locally.
    pub fn parameter(&self) -> Option<&str> {
        self.inner.parameter.as_deref()
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// The vendor's own error code.
    pub fn vendor_code(&self) -> Option<&str> {
        self.inner.vendor_code.as_deref()
    }

    /// The vendor's own error message.
    pub fn vendor_message(&self) -> Option<&str> {
        self.inner.vendor_message.as_deref()
    }

    /// The vendor's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// How many attempts were made (0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The delay the vendor asked for before a retry.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// What happened to a request that got no answer, for [`ErrorKind::Transport`] and
    /// [`ErrorKind::Timeout`] errors.
    pub fn transport_cause(&self) -> Option<TransportCause> {
        self.inner.transport
    }

    /// Decode details (JSON path and body excerpt), for [`ErrorKind::Decode`] errors.
    pub fn decode_details(&self) -> Option<&DecodeDetails> {
        self.inner.decode.as_ref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind)
            .field("retryable", &i.retryable)
            .field("message", &i.message);
        if let Some(v) = &i.vendor {
            d.field("vendor", v);
        }
        if let Some(v) = &i.action {
            d.field("action", v);
        }
        if let Some(v) = &i.parameter {
            d.field("parameter", v);
        }
        if let Some(v) = &i.http_status {
            d.field("http_status", v);
        }
        if let Some(v) = &i.vendor_code {
            d.field("vendor_code", v);
        }
        if let Some(v) = &i.vendor_message {
            d.field("vendor_message", v);
        }
        if let Some(v) = &i.request_id {
            d.field("request_id", v);
        }
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
        }
        if let Some(v) = &i.retry_after {
            d.field("retry_after", v);
        }
        if let Some(v) = &i.decode {
            d.field("decode", v);
        }
        if let Some(v) = &i.transport {
            d.field("transport", v);
        }
        if let Some(v) = &i.source {
            d.field("source", v);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(v) = &i.vendor {
            write!(f, "{v}")?;
            if let Some(a) = &i.action {
                write!(f, " {a}")?;
            }
            f.write_str(": ")?;
        }
        // An unsupported request says so itself ("… does not support …").
        if let Some(p) = &i.parameter
            && i.kind != ErrorKind::Unsupported
        {
            write!(f, "invalid parameter `{p}`: ")?;
        }
        f.write_str(&i.message)?;
        let mut extras: Vec<String> = Vec::new();
        if let Some(s) = i.http_status {
            extras.push(format!("HTTP {s}"));
        }
        match (&i.vendor_code, &i.vendor_message) {
            (Some(c), Some(m)) => extras.push(format!("code {c}: {m}")),
            (Some(c), None) => extras.push(format!("code {c}")),
            (None, Some(m)) => extras.push(format!("vendor message: {m}")),
            (None, None) => {}
        }
        if let Some(r) = &i.request_id {
            extras.push(format!("request id {r}"));
        }
        if i.attempts > 1 {
            extras.push(format!("after {} attempts", i.attempts));
        }
        if let Some(d) = &i.decode {
            if let Some(p) = &d.path {
                extras.push(format!("at {p}"));
            }
        }
        if !extras.is_empty() {
            write!(f, " ({})", extras.join(", "))?;
        }
        if i.outcome_unknown {
            f.write_str("; the request may have reached the vendor, so the operation may have taken effect: it was not repeated")?;
        }
        Ok(())
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_carries_vendor_details() {
        let e = Error::new(ErrorKind::NotFound, "recording task does not exist")
            .with_vendor(Vendor::Zego)
            .with_action("DescribeRecordStatus")
            .with_http_status(200)
            .with_vendor_code("300001000")
            .with_vendor_message("task not exist")
            .with_request_id("abcd123")
            .with_attempts(2);
        assert_eq!(
            e.to_string(),
            "ZEGO DescribeRecordStatus: recording task does not exist (HTTP 200, code 300001000: task not exist, request id abcd123, after 2 attempts)"
        );
        assert!(!e.is_retryable());
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn retryable_defaults_follow_kind() {
        assert!(Error::new(ErrorKind::RateLimited, "x").is_retryable());
        assert!(Error::new(ErrorKind::Server, "x").is_retryable());
        assert!(!Error::new(ErrorKind::Unauthenticated, "x").is_retryable());
        assert!(
            !Error::new(ErrorKind::Server, "x")
                .with_retryable(false)
                .is_retryable()
        );
        for k in [
            "invalid_request",
            "rate_limited",
            "vendor",
            "invalid_configuration",
        ] {
            assert_eq!(ErrorKind::from_name(k).map(ErrorKind::as_str), Some(k));
        }
        assert_eq!(ErrorKind::from_name("nope"), None);
    }

    #[test]
    fn decode_excerpt_is_bounded() {
        let body = "x".repeat(10_000);
        let d = DecodeDetails::new(Some("Data".into()), body.as_bytes());
        assert_eq!(d.excerpt.chars().count(), DecodeDetails::EXCERPT_LEN);
    }
}
