//! The vendor-neutral pieces of receiving recording callbacks (issue 15 §2): the typed
//! [`CallbackError`] with the HTTP status a receiver answers, the [`ReplayWindow`], the
//! rotating [`Secrets`], the [`DedupStore`] trait with its bounded in-memory
//! [`MemoryDedup`], the body-size cap and the header lookup the vendor verifiers share.
//!
//! The order every vendor's `verify_and_parse` follows is the same:
//!
//! 1. refuse a body above the cap ([`check_body_size`], before anything is parsed);
//! 2. find the signature (a header for Agora, body fields for ZEGO and Volcengine):
//!    [`CallbackError::MissingSignature`];
//! 3. verify it over the exact bytes or strings received, in constant time, against every
//!    secret of [`Secrets`]: [`CallbackError::BadSignature`];
//! 4. only then trust the content: the replay window ([`CallbackError::Stale`]), the typed
//!    parse ([`CallbackError::Malformed`]) and, last, the dedup store
//!    ([`CallbackError::Duplicate`]), so that a stale or malformed delivery never burns the
//!    event's key.
//!
//! Nothing here, and no error of the vendor crates built on it, contains a secret, a
//! received signature or the body: a [`CallbackError`] is safe to log as a whole.

use crate::{Clock, DurationMillis, UnixMillis};
use secrecy::{ExposeSecret, SecretString};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};
use subtle::ConstantTimeEq;

/// The default cap on a callback body: 1 MiB (1,048,576 bytes).
///
/// The largest documented callbacks are file lists (ZEGO event 1 `file_info[]`, Agora 31/32
/// `fileList`, Volcengine `RecordStopped.RecordFileList`); one entry is about 300–400 bytes,
/// so 1 MiB holds thousands of files, far more than a recording produces, while a receiver
/// never buffers an unbounded body from an unauthenticated sender.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Refuses a body of `len` bytes above `limit` with [`CallbackError::TooLarge`].
///
/// Call it with the `Content-Length` before reading the body, and again with the bytes
/// actually read (a sender may omit or lie about the length).
pub fn check_body_size(len: usize, limit: usize) -> Result<(), CallbackError> {
    if len > limit {
        Err(CallbackError::TooLarge { limit })
    } else {
        Ok(())
    }
}

/// Why a callback was refused. Each case names the HTTP status a receiver should answer
/// ([`CallbackError::http_status`]).
///
/// No variant carries a secret, a received signature or a part of the body (a
/// [`CallbackError::Malformed`] names the JSON path and what was expected, never the value),
/// so the error is safe to log and to return to the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature (or one of the fields it is computed from) is absent: an Agora request
    /// without `Agora-Signature-V2` and `Agora-Signature`, a ZEGO body without `signature`,
    /// `timestamp` or `nonce`, a Volcengine body without `Signature` or `Nonce`/`Noce`.
    /// Answer 401.
    MissingSignature {
        /// The header or body field that is missing, e.g. `"Agora-Signature-V2"`.
        field: &'static str,
    },
    /// The signature does not match any configured secret (forged, wrong secret, body
    /// changed in transit). Answer 401.
    BadSignature,
    /// The vendor's timestamp is outside the [`ReplayWindow`]: a replay, or clocks far
    /// apart. Answer 401.
    Stale {
        /// `now − timestamp`; negative when the timestamp lies in the future.
        age: DurationMillis,
        /// The window's limit on that side (past or future).
        limit: DurationMillis,
    },
    /// The event was already accepted once (a vendor retry or a replay inside the window).
    /// Answer 200 so that the vendor stops re-delivering, and hand nothing to the
    /// application.
    Duplicate {
        /// The dedup key (vendor-prefixed event identity, e.g. `agora:<noticeId>`); event
        /// identities are not secret.
        key: String,
    },
    /// The body is larger than the cap. Answer 413.
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The body is not the documented JSON shape (after the signature was checked, or when
    /// the signature fields themselves cannot be read). Answer 400.
    Malformed {
        /// The JSON path of the problem (`$` for the document, `payload.details.fileList[0]`).
        path: String,
        /// What is wrong, without quoting the received value.
        why: String,
    },
}

impl CallbackError {
    /// The HTTP status a receiver should answer: 401 for [`MissingSignature`],
    /// [`BadSignature`] and [`Stale`]; 200 for [`Duplicate`] (accepted, so the vendor does
    /// not re-deliver); 413 for [`TooLarge`]; 400 for [`Malformed`].
    ///
    /// [`MissingSignature`]: CallbackError::MissingSignature
    /// [`BadSignature`]: CallbackError::BadSignature
    /// [`Stale`]: CallbackError::Stale
    /// [`Duplicate`]: CallbackError::Duplicate
    /// [`TooLarge`]: CallbackError::TooLarge
    /// [`Malformed`]: CallbackError::Malformed
    pub const fn http_status(&self) -> u16 {
        match self {
            Self::MissingSignature { .. } | Self::BadSignature | Self::Stale { .. } => 401,
            Self::Duplicate { .. } => 200,
            Self::TooLarge { .. } => 413,
            Self::Malformed { .. } => 400,
        }
    }

    /// A stable snake_case name for logs and metrics (`"bad_signature"`).
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::MissingSignature { .. } => "missing_signature",
            Self::BadSignature => "bad_signature",
            Self::Stale { .. } => "stale",
            Self::Duplicate { .. } => "duplicate",
            Self::TooLarge { .. } => "too_large",
            Self::Malformed { .. } => "malformed",
        }
    }

    /// A [`CallbackError::Malformed`] from a `serde_path_to_error` failure: the path, and
    /// serde's message with any quoted received value removed.
    pub fn malformed(err: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        Self::Malformed {
            path: if path == "." || path == "?" || path.is_empty() {
                "$".to_owned()
            } else {
                path
            },
            why: describe_json_error(err.inner()),
        }
    }

    /// A [`CallbackError::Malformed`] at `path` with a fixed explanation.
    pub fn malformed_at(path: impl Into<String>, why: impl Into<String>) -> Self {
        Self::Malformed {
            path: path.into(),
            why: why.into(),
        }
    }
}

/// serde_json's message without the received value it may quote: `invalid type: string
/// "…", expected u32` becomes `wrong type or value, expected u32`; syntax errors keep only
/// their position.
fn describe_json_error(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = err.to_string();
    // Drop serde_json's " at line L column C" suffix; we add the position ourselves.
    let msg = msg.split(" at line ").next().unwrap_or("");
    match err.classify() {
        Category::Io => "could not be read".to_owned(),
        Category::Eof => format!(
            "not valid JSON: unexpected end (line {}, column {})",
            err.line(),
            err.column()
        ),
        Category::Syntax => format!(
            "not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ),
        Category::Data => {
            if msg.starts_with("missing field") {
                // Names a field of our schema, not a value of the body.
                msg.to_owned()
            } else if let Some((_, expected)) = msg.rsplit_once(", expected ") {
                format!("wrong type or value, expected {expected}")
            } else {
                "wrong type or value".to_owned()
            }
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature { field } => {
                write!(f, "callback has no signature: `{field}` is missing")
            }
            Self::BadSignature => {
                f.write_str("callback signature does not match any configured secret")
            }
            Self::Stale { age, limit } if age.0 < 0 => write!(
                f,
                "callback timestamp is {} s in the future (more than the {} s allowed)",
                -age.0 / 1000,
                limit.0 / 1000
            ),
            Self::Stale { age, limit } => write!(
                f,
                "callback timestamp is {} s old (more than the {} s replay window)",
                age.0 / 1000,
                limit.0 / 1000
            ),
            Self::Duplicate { key } => {
                write!(f, "duplicate callback: event {key} was already accepted")
            }
            Self::TooLarge { limit } => write!(f, "callback body is larger than {limit} bytes"),
            Self::Malformed { path, why } => {
                write!(f, "callback body is malformed at {path}: {why}")
            }
        }
    }
}

impl std::error::Error for CallbackError {}

/// How far a callback's own timestamp may lie from the receiver's clock.
///
/// The default is 5 minutes on each side ([`ReplayWindow::DEFAULT`]). The documented retry
/// schedules are all far shorter: ZEGO retries at most 2 times, 5 s apart
/// (`zh-end-callback.mdx` 回调重试策略), Volcengine at most 2 times with a 5 s answer
/// timeout (volc.md §6.1, doc 69820), Agora re-stamps `notifyMs` on every attempt
/// (`receive-notifications.mdx`, Request Body), so a genuine delivery is normally seconds
/// old. Five minutes leaves room for clock skew between the vendor and the receiver and
/// for queueing at the vendor, and is short enough that a captured request cannot be
/// replayed later; replays inside the window are caught by the [`DedupStore`], whose TTL
/// must therefore be at least [`ReplayWindow::span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayWindow {
    past: DurationMillis,
    future: DurationMillis,
}

impl ReplayWindow {
    /// 5 minutes into the past and 5 minutes into the future.
    pub const DEFAULT: Self = Self::symmetric(DurationMillis(5 * 60 * 1000));

    /// The same `limit` on both sides.
    pub const fn symmetric(limit: DurationMillis) -> Self {
        Self {
            past: limit,
            future: limit,
        }
    }

    /// Separate limits for old timestamps (`past`) and timestamps ahead of our clock
    /// (`future`, clock skew). Negative limits count as zero.
    pub const fn new(past: DurationMillis, future: DurationMillis) -> Self {
        Self {
            past: DurationMillis(if past.0 < 0 { 0 } else { past.0 }),
            future: DurationMillis(if future.0 < 0 { 0 } else { future.0 }),
        }
    }

    /// How long a timestamp stays acceptable: `past + future`. A dedup store must remember
    /// an event at least this long.
    pub const fn span(self) -> DurationMillis {
        DurationMillis(self.past.0.saturating_add(self.future.0))
    }

    /// Checks a vendor timestamp `sent_at` against `now`.
    pub fn check(self, sent_at: UnixMillis, now: UnixMillis) -> Result<(), CallbackError> {
        let age = now.0.saturating_sub(sent_at.0);
        if age > self.past.0 {
            Err(CallbackError::Stale {
                age: DurationMillis(age),
                limit: self.past,
            })
        } else if age < -self.future.0 {
            Err(CallbackError::Stale {
                age: DurationMillis(age),
                limit: self.future,
            })
        } else {
            Ok(())
        }
    }

    /// [`ReplayWindow::check`] against a [`Clock`].
    pub fn check_with(self, sent_at: UnixMillis, clock: &dyn Clock) -> Result<(), CallbackError> {
        self.check(sent_at, clock.now())
    }
}

impl Default for ReplayWindow {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A configured secret is empty: every vendor's signature would then be computable by
/// anyone (an HMAC with an empty key, a hash of public fields), so it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptySecret;

impl fmt::Display for EmptySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("callback secret is empty")
    }
}

impl std::error::Error for EmptySecret {}

/// The callback secrets of one vendor: the current one and, while a secret is being
/// rotated, previous ones, all accepted. `Debug` shows only how many there are.
///
/// ZEGO calls it 回调密钥 / `callbacksecret`, Agora the NCS secret, Volcengine the callback
/// SecretKey. No vendor documents rotation; accepting a list lets the console secret change
/// without dropping the events signed with the old one that are still in flight.
#[derive(Clone)]
pub struct Secrets(Vec<SecretString>);

impl Secrets {
    /// One secret (the current one).
    pub fn new(current: SecretString) -> Result<Self, EmptySecret> {
        if current.expose_secret().is_empty() {
            return Err(EmptySecret);
        }
        Ok(Self(vec![current]))
    }

    /// Adds a previous secret that is still accepted.
    pub fn with_previous(mut self, previous: SecretString) -> Result<Self, EmptySecret> {
        if previous.expose_secret().is_empty() {
            return Err(EmptySecret);
        }
        self.0.push(previous);
        Ok(self)
    }

    /// The secrets, current first.
    pub fn iter(&self) -> impl Iterator<Item = &SecretString> {
        self.0.iter()
    }

    /// How many secrets are accepted.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: there is at least one secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `matches` holds for any secret. Every secret is tried (no early exit), so
    /// the time taken does not tell which one matched.
    pub fn any(&self, mut matches: impl FnMut(&SecretString) -> bool) -> bool {
        self.0
            .iter()
            .fold(false, |found, secret| matches(secret) | found)
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets([REDACTED; {}])", self.0.len())
    }
}

/// Compares a computed lowercase hex digest with a received one in constant time,
/// ignoring ASCII case and surrounding whitespace of the received value.
pub fn hex_digest_eq(expected_lower_hex: &str, received: &str) -> bool {
    let received = received.trim().to_ascii_lowercase();
    bool::from(expected_lower_hex.as_bytes().ct_eq(received.as_bytes()))
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Request headers, looked up by name ignoring ASCII case (HTTP header names are
/// case-insensitive, RFC 9110 §5.1).
pub trait Headers {
    /// The first value of header `name`, if any.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// Remembers which events were already accepted, so that vendor retries and replays are
/// handed to the application once. A store shared by several receivers (Redis, a
/// database) implements this trait; [`MemoryDedup`] is the in-process one.
///
/// Keys are vendor-prefixed event identities (`agora:<noticeId>`, `volc:<EventId>`,
/// `zego:<app_id>:<task_id>:<event_type>:<sequence>`); they are looked up only after the
/// signature was verified, so they come from the vendor.
pub trait DedupStore: Send + Sync {
    /// Records `key` as seen at `now`. True the first time (or after the key expired),
    /// false for a duplicate.
    fn first_seen(&self, key: &str, now: UnixMillis) -> bool;

    /// Forgets `key`, so that a re-delivery is accepted again (call it when the
    /// application failed to handle an accepted event and the vendor should retry).
    fn forget(&self, key: &str);
}

/// A bounded in-memory [`DedupStore`]: at most `capacity` keys, each remembered for `ttl`.
///
/// Keys expire in insertion order (one FIFO queue, O(1) amortised per call). When the
/// store is full the oldest key is evicted early, so a duplicate of it would be accepted
/// again: size `capacity` for the event rate × TTL. The defaults (100,000 keys, 1 hour)
/// cover the default [`ReplayWindow`] span (10 minutes) many times over.
pub struct MemoryDedup {
    capacity: usize,
    ttl: DurationMillis,
    inner: Mutex<DedupInner>,
}

#[derive(Default)]
struct DedupInner {
    /// key → expiry.
    expires: HashMap<String, UnixMillis>,
    /// (key, expiry) in insertion order; an entry whose expiry differs from the map's is
    /// stale (the key was forgotten and inserted again) and is skipped.
    order: VecDeque<(String, UnixMillis)>,
}

impl MemoryDedup {
    /// Default capacity: 100,000 keys.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// Default TTL: 1 hour.
    pub const DEFAULT_TTL: DurationMillis = DurationMillis::HOUR;

    /// A store of at most `capacity` keys (at least 1), each kept for `ttl`.
    pub fn new(capacity: usize, ttl: DurationMillis) -> Self {
        Self {
            capacity: capacity.max(1),
            ttl,
            inner: Mutex::new(DedupInner::default()),
        }
    }

    /// How many keys are remembered now (expired ones are dropped lazily).
    pub fn len(&self) -> usize {
        self.lock().expires.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DedupInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl DedupInner {
    fn pop_front(&mut self) {
        if let Some((key, at)) = self.order.pop_front() {
            if self.expires.get(&key) == Some(&at) {
                self.expires.remove(&key);
            }
        }
    }
}

impl Default for MemoryDedup {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_TTL)
    }
}

impl fmt::Debug for MemoryDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDedup")
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .field("len", &self.len())
            .finish()
    }
}

impl DedupStore for MemoryDedup {
    fn first_seen(&self, key: &str, now: UnixMillis) -> bool {
        let mut inner = self.lock();
        while inner.order.front().is_some_and(|(_, at)| *at <= now) {
            inner.pop_front();
        }
        if inner.expires.get(key).is_some_and(|at| *at > now) {
            return false;
        }
        while inner.order.len() >= self.capacity {
            inner.pop_front();
        }
        let at = now.saturating_add(self.ttl);
        inner.expires.insert(key.to_owned(), at);
        inner.order.push_back((key.to_owned(), at));
        true
    }

    fn forget(&self, key: &str) {
        self.lock().expires.remove(key);
    }
}

/// Parses an RFC 3339 UTC time (`2024-01-03T12:25:16Z`, optional fraction up to
/// nanoseconds) to milliseconds. Spaces are ignored, so BytePlus' documented
/// `1970-07-01T 00:00:00.000000000 Z` parses too (volc.md §7.4). `None` if it is not such a
/// time.
pub fn parse_rfc3339_utc(text: &str) -> Option<UnixMillis> {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let at = humantime::parse_rfc3339(&compact).ok()?;
    Some(UnixMillis::from_system_time(at))
}

/// Everything a vendor's `verify_and_parse` needs besides the request: the secrets, the
/// replay window, the body cap and the dedup store.
#[derive(Clone)]
pub struct CallbackConfig {
    /// The accepted secrets (current and previous).
    pub secrets: Secrets,
    /// The replay window for the vendor's timestamp.
    pub window: ReplayWindow,
    /// The body cap in bytes.
    pub max_body_bytes: usize,
    /// Where accepted event keys are remembered.
    pub dedup: std::sync::Arc<dyn DedupStore>,
}

impl CallbackConfig {
    /// The defaults: [`ReplayWindow::DEFAULT`], [`DEFAULT_MAX_BODY_BYTES`] and a fresh
    /// [`MemoryDedup::default`].
    pub fn new(secrets: Secrets) -> Self {
        Self {
            secrets,
            window: ReplayWindow::DEFAULT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            dedup: std::sync::Arc::new(MemoryDedup::default()),
        }
    }

    /// Another replay window (keep the dedup TTL at least [`ReplayWindow::span`]).
    pub fn with_window(mut self, window: ReplayWindow) -> Self {
        self.window = window;
        self
    }

    /// Another body cap.
    pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Another dedup store (e.g. one shared by several receivers).
    pub fn with_dedup(mut self, dedup: std::sync::Arc<dyn DedupStore>) -> Self {
        self.dedup = dedup;
        self
    }

    /// Records `key` in the dedup store: [`CallbackError::Duplicate`] if it was seen.
    pub fn dedup(&self, key: String, now: UnixMillis) -> Result<String, CallbackError> {
        if self.dedup.first_seen(&key, now) {
            Ok(key)
        } else {
            Err(CallbackError::Duplicate { key })
        }
    }
}

impl fmt::Debug for CallbackConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackConfig")
            .field("secrets", &self.secrets)
            .field("window", &self.window)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// Deserializes `body` as `T`, mapping a failure to [`CallbackError::Malformed`] with the
/// JSON path.
pub fn from_json_slice<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, CallbackError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| CallbackError::malformed(&e))?;
    de.end()
        .map_err(|e| CallbackError::malformed_at("$", describe_json_error(&e)))?;
    Ok(value)
}

/// Deserializes a JSON value as `T`, mapping a failure to [`CallbackError::Malformed`]
/// with the JSON path below `prefix` (e.g. `payload.details`).
pub fn from_json_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, CallbackError> {
    serde_path_to_error::deserialize(value).map_err(|e| match CallbackError::malformed(&e) {
        CallbackError::Malformed { path, why } => CallbackError::Malformed {
            path: if path == "$" {
                prefix.to_owned()
            } else if prefix == "$" || prefix.is_empty() {
                path
            } else {
                format!("{prefix}.{path}")
            },
            why,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn statuses_and_reasons() {
        let cases = [
            (
                CallbackError::MissingSignature { field: "x" },
                401,
                "missing_signature",
            ),
            (CallbackError::BadSignature, 401, "bad_signature"),
            (
                CallbackError::Stale {
                    age: DurationMillis(1),
                    limit: DurationMillis(0),
                },
                401,
                "stale",
            ),
            (
                CallbackError::Duplicate { key: "k".into() },
                200,
                "duplicate",
            ),
            (CallbackError::TooLarge { limit: 1 }, 413, "too_large"),
            (CallbackError::malformed_at("$", "x"), 400, "malformed"),
        ];
        for (err, status, reason) in cases {
            assert_eq!(err.http_status(), status, "{err}");
            assert_eq!(err.reason(), reason);
        }
    }

    #[test]
    fn body_cap() {
        assert_eq!(
            check_body_size(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
            Ok(())
        );
        assert_eq!(
            check_body_size(DEFAULT_MAX_BODY_BYTES + 1, DEFAULT_MAX_BODY_BYTES),
            Err(CallbackError::TooLarge {
                limit: DEFAULT_MAX_BODY_BYTES
            })
        );
    }

    #[test]
    fn replay_window_edges() {
        let w = ReplayWindow::DEFAULT;
        let now = UnixMillis(1_000_000_000);
        let limit = 300_000;
        assert!(w.check(UnixMillis(now.0 - limit), now).is_ok());
        assert!(w.check(UnixMillis(now.0 + limit), now).is_ok());
        assert_eq!(
            w.check(UnixMillis(now.0 - limit - 1), now),
            Err(CallbackError::Stale {
                age: DurationMillis(limit + 1),
                limit: DurationMillis(limit)
            })
        );
        let future = w.check(UnixMillis(now.0 + limit + 1), now).unwrap_err();
        assert_eq!(
            future,
            CallbackError::Stale {
                age: DurationMillis(-limit - 1),
                limit: DurationMillis(limit)
            }
        );
        assert!(future.to_string().contains("future"), "{future}");
        let skewless = ReplayWindow::new(DurationMillis(10), DurationMillis(-5));
        assert!(skewless.check(UnixMillis(1), UnixMillis(0)).is_err());
        assert_eq!(skewless.span(), DurationMillis(10));
        let clock = FixedClock::new(now);
        assert!(w.check_with(now, &clock).is_ok());
        // Extreme values do not overflow.
        assert!(w.check(UnixMillis(i64::MIN), UnixMillis(i64::MAX)).is_err());
        assert!(w.check(UnixMillis(i64::MAX), UnixMillis(i64::MIN)).is_err());
    }

    #[test]
    fn secrets_never_show_and_refuse_empty() {
        let s = Secrets::new(secret("hunter2-current"))
            .and_then(|s| s.with_previous(secret("hunter2-previous")))
            .unwrap();
        let shown = format!("{s:?} {:?}", CallbackConfig::new(s.clone()));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("REDACTED; 2"), "{shown}");
        assert_eq!(s.len(), 2);
        assert!(!s.is_empty());
        assert_eq!(Secrets::new(secret("")).unwrap_err(), EmptySecret);
        assert!(s.with_previous(secret("")).is_err());
    }

    #[test]
    fn any_tries_every_secret() {
        let s = Secrets::new(secret("a"))
            .and_then(|s| s.with_previous(secret("b")))
            .unwrap();
        let mut tried = 0;
        assert!(s.any(|x| {
            tried += 1;
            x.expose_secret() == "a"
        }));
        assert_eq!(tried, 2);
        assert!(!s.any(|x| x.expose_secret() == "c"));
        assert!(s.any(|x| x.expose_secret() == "b"));
    }

    #[test]
    fn hex_helpers() {
        assert_eq!(to_hex(&[0x00, 0xab, 0x7f]), "00ab7f");
        assert!(hex_digest_eq("00ab7f", "00AB7F"));
        assert!(hex_digest_eq("00ab7f", " 00ab7f "));
        assert!(!hex_digest_eq("00ab7f", "00ab7e"));
        assert!(!hex_digest_eq("00ab7f", "00ab7"));
        assert!(!hex_digest_eq("00ab7f", ""));
    }

    #[test]
    fn headers_ignore_case_and_take_the_first() {
        let h = [
            ("content-type", "a"),
            ("Agora-Signature", "x"),
            ("agora-signature", "y"),
        ];
        assert_eq!(h.header("AGORA-SIGNATURE"), Some("x"));
        assert_eq!(h.header("Agora-Signature-V2"), None);
        let owned: Vec<(String, String)> = vec![("A".into(), "1".into())];
        assert_eq!(owned.header("a"), Some("1"));
    }

    #[test]
    fn dedup_duplicate_then_expiry() {
        let clock = FixedClock::new(UnixMillis(1_000));
        let store = MemoryDedup::new(10, DurationMillis(100));
        assert!(store.first_seen("a", clock.now()));
        assert!(!store.first_seen("a", clock.now()));
        clock.advance(DurationMillis(99));
        assert!(!store.first_seen("a", clock.now()), "still inside the TTL");
        clock.advance(DurationMillis(1));
        assert!(store.first_seen("a", clock.now()), "expired after the TTL");
        assert_eq!(store.len(), 1);
        assert!(!store.first_seen("a", clock.now()));
    }

    #[test]
    fn dedup_evicts_oldest_at_capacity() {
        let now = UnixMillis(0);
        let store = MemoryDedup::new(3, DurationMillis::HOUR);
        for k in ["a", "b", "c"] {
            assert!(store.first_seen(k, now));
        }
        assert_eq!(store.len(), 3);
        assert!(store.first_seen("d", now), "a new key is always accepted");
        assert_eq!(store.len(), 3, "bounded");
        assert!(!store.first_seen("b", now), "b is still remembered");
        assert!(!store.first_seen("d", now));
        assert!(store.first_seen("a", now), "a, the oldest, was evicted");
    }

    #[test]
    fn dedup_forget_and_reinsert_stays_bounded() {
        let now = UnixMillis(0);
        let store = MemoryDedup::new(2, DurationMillis::HOUR);
        for _ in 0..1000 {
            assert!(store.first_seen("x", now));
            store.forget("x");
        }
        assert!(store.lock().order.len() <= 2);
        assert!(store.first_seen("y", now));
        assert!(!store.first_seen("y", now));
        assert!(store.is_empty() || store.len() <= 2);
        assert!(format!("{store:?}").contains("capacity: 2"));
    }

    #[test]
    fn config_dedup_reports_the_key() {
        let config = CallbackConfig::new(Secrets::new(secret("s")).unwrap());
        assert_eq!(config.dedup("k".into(), UnixMillis(0)), Ok("k".to_owned()));
        assert_eq!(
            config.dedup("k".into(), UnixMillis(1)),
            Err(CallbackError::Duplicate { key: "k".into() })
        );
    }

    #[test]
    fn rfc3339_forms_from_the_docs() {
        assert_eq!(
            parse_rfc3339_utc("2024-01-03T12:25:16Z"),
            Some(UnixMillis(1_704_284_716_000))
        );
        assert_eq!(
            parse_rfc3339_utc("1970-07-01T00:00:00.000000000Z"),
            Some(UnixMillis(15_638_400_000))
        );
        assert_eq!(
            parse_rfc3339_utc("1970-07-01T 00:00:00.000000000 Z"),
            Some(UnixMillis(15_638_400_000))
        );
        assert_eq!(parse_rfc3339_utc("yesterday"), None);
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Shape {
        n: u32,
        inner: Inner,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        s: String,
    }

    #[test]
    fn malformed_never_quotes_the_body() {
        let err =
            from_json_slice::<Shape>(br#"{"n":"SECRET-VALUE","inner":{"s":"x"}}"#).unwrap_err();
        let CallbackError::Malformed { path, why } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(path, "n");
        assert!(why.contains("expected u32"), "{why}");
        assert!(!err.to_string().contains("SECRET-VALUE"), "{err}");
        assert!(!format!("{err:?}").contains("SECRET-VALUE"));

        let err = from_json_slice::<Shape>(br#"{"n":1,"inner":{"s":5}}"#).unwrap_err();
        assert!(
            matches!(&err, CallbackError::Malformed { path, .. } if path == "inner.s"),
            "{err:?}"
        );

        let err = from_json_slice::<Shape>(br#"{"n":1}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `inner`"), "{err}");

        let err = from_json_slice::<Shape>(b"{\"n\":1,SECRET-VALUE").unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        assert!(!err.to_string().contains("SECRET-VALUE"), "{err}");

        let err = from_json_slice::<Shape>(br#"{"n":1,"inner":{"s":"x"}} trailing"#).unwrap_err();
        assert_eq!(err.http_status(), 400);

        let err =
            from_json_value::<Inner>(serde_json::json!({"s": 1}), "payload.details").unwrap_err();
        assert!(
            matches!(&err, CallbackError::Malformed { path, .. } if path == "payload.details.s"),
            "{err:?}"
        );
        let err = from_json_value::<Inner>(serde_json::json!("x"), "payload").unwrap_err();
        assert!(
            matches!(&err, CallbackError::Malformed { path, .. } if path == "payload"),
            "{err:?}"
        );
    }
}
