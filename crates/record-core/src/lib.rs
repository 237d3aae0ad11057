//! Shared building blocks of the RTC cloud-recording SDK.
//!
//! Every vendor crate (`zego-record`, `qingcloud-record`, `volc-record`,
//! `agora-record`) depends on this crate and on nothing else of the workspace. It holds:
//!
//! * [`Error`] and [`ErrorKind`]: the one error type every vendor crate returns;
//! * typed time values ([`UnixMillis`], [`UnixSeconds`], [`DurationMillis`]) so that
//!   milliseconds and seconds cannot be mixed up, and a [`Clock`] that tests can fix;
//! * [`Vendor`], [`RecordingState`] (the vendor-neutral state of a recording) and
//!   [`RawCode`] (a vendor's raw status or error code);
//! * metadata types the generated code fills in: [`EndpointInfo`], [`ErrorCodeInfo`];
//! * [`flex`]: lenient deserializers for vendors that send numbers as strings;
//! * [`RetryPolicy`] and [`RateLimiter`]: retry with full-jitter backoff and client-side rate
//!   limiting, shared by the vendor clients;
//! * the vendor-neutral view: [`Recording`], [`RecordingFile`], [`TaskRef`], the
//!   [`RecordingQuery`] trait with its [`Capabilities`], the lazy page walker [`paginate`]
//!   and the [`Waiter`];
//! * [`service`]: the one client every vendor crate is built on (a vendor supplies its
//!   [`service::Protocol`]: signer, hosts, rate limit; per operation [`service::Encode`] and
//!   [`service::Decode`]);
//! * [`client`] and [`transport`]: what every vendor client shares;
//! * [`callback`]: receiving vendor callbacks (errors, replay window, secrets, dedup), and
//!   the [`open_int_enum!`]/[`open_str_enum!`] macros for open vendor enumerations;
//! * [`body`]: request bodies written as JSON in the vendor's field names: the
//!   [`SecretValue`] of a secret inside a body, the [`UnknownFields`] policy, the strict
//!   decoder naming JSON paths;
//! * [`check`]: the request checks every builder runs before sending;
//! * [`testing`]: test helpers: fixture round trips, and the paused-clock traffic helpers
//!   of the client tests.

pub mod body;
pub mod callback;
pub mod check;
pub mod client;
mod clock;
mod control;
pub mod credentials;
mod error;
pub mod flex;
mod meta;
mod open_enum;
mod query;
mod rate_limit;
mod recording;
mod retry;
pub mod service;
mod state;
pub mod testing;
mod time;
pub mod transport;
mod waiter;

#[doc(hidden)]
pub use serde as __serde;

pub use body::{SecretValue, UnknownFields};
pub use clock::{Clock, FixedClock, SystemClock};
pub use control::{
    ControlCapabilities, Controlled, DecodeStop, RecordingClient, RecordingControl, StopAnswer,
    StopOutcome, Stopped, unsupported_operation,
};
pub use error::{DecodeDetails, Error, ErrorKind, TransportCause};
pub use meta::{EndpointInfo, ErrorCodeInfo, Idempotency, RawCode, Vendor};
pub use query::{
    Capabilities, ListFilter, ListStatus, Page, RecordingQuery, RecordingStream, TimeWindow,
    paginate, unsupported, wrong_vendor,
};
pub use rate_limit::RateLimiter;
pub use recording::{
    RawResponseData, Recording, RecordingFile, TaskRef, ToRecording, ToRecordings, VendorStatus,
    vendor_json,
};
pub use retry::{RetryPolicy, parse_retry_after};
pub use state::RecordingState;
pub use time::{DurationMillis, UnixMillis, UnixSeconds};
pub use waiter::{Sleeper, TokioSleeper, WaitError, Waiter};

/// Percent-encodes one URL path segment (RFC 3986: everything but unreserved characters).
///
/// ```
/// assert_eq!(record_core::encode_path_segment("a b/c"), "a%20b%2Fc");
/// ```
pub fn encode_path_segment(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, RFC3986_UNRESERVED_COMPLEMENT).to_string()
}

/// The set of bytes RFC 3986 requires to be percent-encoded: everything except
/// `A-Z a-z 0-9 - . _ ~`.
pub const RFC3986_UNRESERVED_COMPLEMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
