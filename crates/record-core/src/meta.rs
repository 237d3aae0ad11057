//! Metadata filled in by the generated code of each vendor crate.

use crate::ErrorKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The RTC vendors this SDK supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Vendor {
    /// ZEGO (即构) cloud recording.
    Zego,
    /// QingCloud RTC (青云实时音视频) cloud recording.
    #[serde(rename = "qingcloud")]
    QingCloud,
    /// Volcengine RTC (火山引擎实时音视频) cloud recording.
    #[serde(rename = "volc")]
    Volcengine,
    /// Agora / Shengwang (声网) cloud recording.
    Agora,
}

impl Vendor {
    /// All vendors, in a fixed order.
    pub const ALL: [Vendor; 4] = [
        Vendor::Zego,
        Vendor::QingCloud,
        Vendor::Volcengine,
        Vendor::Agora,
    ];

    /// The short identifier used in configuration, fixture folders and the CLI
    /// (`zego`, `qingcloud`, `volc`, `agora`).
    pub const fn id(self) -> &'static str {
        match self {
            Vendor::Zego => "zego",
            Vendor::QingCloud => "qingcloud",
            Vendor::Volcengine => "volc",
            Vendor::Agora => "agora",
        }
    }

    /// The vendor's display name.
    pub const fn display_name(self) -> &'static str {
        match self {
            Vendor::Zego => "ZEGO",
            Vendor::QingCloud => "QingCloud RTC",
            Vendor::Volcengine => "Volcengine RTC",
            Vendor::Agora => "Agora",
        }
    }

    /// Parses [`Vendor::id`] (case-insensitive); `None` for anything else.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.id().eq_ignore_ascii_case(id))
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// A vendor's raw status or error code: an integer for most, a string for some
/// (Volcengine error codes, Agora web `state`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawCode {
    /// An integer code.
    Int(i64),
    /// A string code.
    Text(String),
}

impl fmt::Display for RawCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawCode::Int(i) => write!(f, "{i}"),
            RawCode::Text(s) => f.write_str(s),
        }
    }
}

impl From<i64> for RawCode {
    fn from(v: i64) -> Self {
        RawCode::Int(v)
    }
}

impl From<&str> for RawCode {
    fn from(v: &str) -> Self {
        RawCode::Text(v.to_owned())
    }
}

/// Static description of one documented API endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointInfo {
    /// Vendor.
    pub vendor: Vendor,
    /// The vendor's name for the operation (e.g. `DescribeRecordStatus`).
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path or path template (`{param}` placeholders).
    pub path: &'static str,
    /// Value of the `Action` query parameter, when the vendor uses one.
    pub action: Option<&'static str>,
    /// Value of the `Version` query parameter, when the vendor uses one.
    pub version: Option<&'static str>,
    /// Documented rate limit in requests per second.
    pub rate_limit_per_sec: Option<u32>,
    /// Documented query window, as text.
    pub query_window: Option<&'static str>,
    /// Whether repeating the operation is harmless, which decides what a retry may do.
    pub idempotency: Idempotency,
}

/// Whether an operation may be repeated (declared per operation in the vendor's spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Idempotency {
    /// Repeating it does no harm (a query; a stop, which finds the task stopped; a start
    /// whose task id the caller chooses): every retryable failure is retried.
    Idempotent,
    /// Each call does new work (ZEGO `StartRecord` starts, and bills, a new recording every
    /// time): retried only when the request certainly did not reach the vendor (the
    /// connection was refused, the host did not resolve, the TLS handshake or the connect
    /// failed) or the vendor refused it explicitly (a rate-limit answer). Any other failure
    /// is returned at once, marked [`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)
    /// when the operation may have taken effect.
    NotIdempotent,
}

/// One documented vendor error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The code as the vendor sends it (as text, e.g. `"300000003"` or `"SignatureDoesNotMatch"`).
    pub code: &'static str,
    /// A numeric companion code (Volcengine `CodeN`), when documented.
    pub numeric: Option<i64>,
    /// The documented HTTP status, when documented.
    pub http_status: Option<u16>,
    /// Meaning in English.
    pub meaning: &'static str,
    /// The vendor's Chinese description, when there is one.
    pub meaning_zh: Option<&'static str>,
    /// The normalized kind.
    pub kind: ErrorKind,
    /// Whether repeating the same request later can help.
    pub retryable: bool,
}
