//! Volcengine OpenAPI request signing ("V4", `HMAC-SHA256`), as pure functions.
//!
//! The scheme (vendor-facts §3.2; volcengine.com/docs/6369/67269 and /67270):
//!
//! 1. `X-Date` is the UTC time as `YYYYMMDD'T'HHMMSS'Z'`; the *short date* is its first 8
//!    characters.
//! 2. `X-Content-Sha256` is the lowercase hex SHA-256 of the raw body.
//! 3. The **canonical request** is `Method \n CanonicalURI \n CanonicalQueryString \n
//!    CanonicalHeaders \n SignedHeaders \n HexSha256(body)`, where the path segments and the
//!    query names and values are percent-encoded per RFC 3986 (only `A-Za-z0-9-_.~` kept,
//!    space as `%20`, uppercase hex), the query pairs are sorted by name then value, and each
//!    signed header contributes `lowercase-name:trimmed-value\n` in name order.
//! 4. The **string to sign** is `HMAC-SHA256 \n X-Date \n CredentialScope \n
//!    HexSha256(CanonicalRequest)` with `CredentialScope = ShortDate/region/service/request`.
//! 5. The **signing key** is `HMAC(HMAC(HMAC(HMAC(SecretAccessKey, ShortDate), region),
//!    service), "request")` (HMAC-SHA256, no prefix on the secret).
//! 6. The **signature** is the lowercase hex `HMAC(signing key, string to sign)`, sent as
//!    `Authorization: HMAC-SHA256 Credential={AK}/{scope}, SignedHeaders={…}, Signature={…}`.
//!
//! [`sign`] does all of this for one request at a given time and returns every
//! intermediate value in a [`SignedRequest`]; it reads no clock and does no I/O. A
//! [`Signer`] holds the credentials, region and service, caches the signing key per
//! day/region/service ([`SigningKeyCache`]) and can read the time from a
//! [`record_core::Clock`].
//!
//! ```
//! use record_core::UnixSeconds;
//! use volc_record::credentials::Credentials;
//! use volc_record::signing::{RequestToSign, SignableHeader, SignedHeaderSet, sign};
//!
//! // The official example of volcengine.com/docs/6369/67270.
//! let credentials = Credentials::new(
//!     "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg",
//!     "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==",
//! )?;
//! let request = RequestToSign::get("iam.volcengineapi.com")
//!     .with_query("Action", "ListUsers")
//!     .with_query("Version", "2018-01-01")
//!     .with_query("Limit", "10")
//!     .with_query("Offset", "0");
//! let only = SignedHeaderSet::Only(vec![SignableHeader::Host, SignableHeader::XDate]);
//! // 2024-06-19T07:13:06Z
//! let signed = sign(&request, "cn-beijing", "iam", &credentials, UnixSeconds(1_718_781_186), &only)?;
//! assert_eq!(signed.x_date, "20240619T071306Z");
//! assert_eq!(
//!     signed.signature,
//!     "e31c4558bcfe08a286001f59cedbf0791ffd0b2362f10e55ee2627467bcdde93"
//! );
//! # Ok::<(), record_core::Error>(())
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use hmac::{Hmac, Mac};
use record_core::{Clock, Error, ErrorKind, RFC3986_UNRESERVED_COMPLEMENT, UnixSeconds};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::VENDOR;
use crate::credentials::Credentials;

/// The signing algorithm name, first line of the string to sign and of `Authorization`.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// The signing region of the RTC OpenAPI (`rtc.volcengineapi.com`).
pub const DEFAULT_REGION: &str = "cn-north-1";

/// The signing service name of the RTC OpenAPI.
pub const DEFAULT_SERVICE: &str = "rtc";

/// The last element of every credential scope.
pub const SCOPE_TERMINATOR: &str = "request";

/// `X-Content-Sha256` of an empty body (the hex SHA-256 of zero bytes).
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The text shown in place of secrets by `Debug`.
const REDACTED: &str = "[redacted]";

type HmacSha256 = Hmac<Sha256>;

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// The parts of an HTTP request that the signature covers.
///
/// `path` is the decoded path (`/` for the OpenAPI); the signer percent-encodes it.
/// `query` holds decoded names and values, in any order; the signer encodes and sorts them,
/// and the request must be sent with [`SignedRequest::canonical_query_string`] as its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestToSign {
    /// The HTTP method (`GET`); upper-cased by the signer.
    pub method: String,
    /// The `Host` header: host name, with a port unless it is the scheme's default.
    /// A `:80` or `:443` suffix is left out of the signature, as the official SDKs do.
    pub host: String,
    /// The decoded request path (`/`). Empty means `/`.
    pub path: String,
    /// The decoded query parameters, as `(name, value)` pairs. A name may repeat.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header, if one is sent. The standard header set signs it then.
    pub content_type: Option<String>,
    /// The raw body (empty for `GET`).
    pub body: Vec<u8>,
}

impl RequestToSign {
    /// A request with `method` to `host` and `path`, without query, content type or body.
    pub fn new(
        method: impl Into<String>,
        host: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            method: method.into(),
            host: host.into(),
            path: path.into(),
            query: Vec::new(),
            content_type: None,
            body: Vec::new(),
        }
    }

    /// A `GET /` to `host`, the shape of every OpenAPI query action.
    pub fn get(host: impl Into<String>) -> Self {
        Self::new("GET", host, "/")
    }

    /// Adds the query parameter `name=value` (decoded; the signer encodes it).
    #[must_use]
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds every `(name, value)` pair, e.g. from a generated request's `query_pairs()`.
    #[must_use]
    pub fn with_query_pairs<K, V>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets the `Content-Type` header.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the raw body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// A header the signer can sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignableHeader {
    /// `content-type`: the request's [`RequestToSign::content_type`].
    ContentType,
    /// `host`: the request's [`RequestToSign::host`] without a `:80`/`:443` port.
    Host,
    /// `x-content-sha256`: the hex SHA-256 of the body.
    XContentSha256,
    /// `x-date`: the signing time.
    XDate,
    /// `x-security-token`: the STS session token of the credentials.
    XSecurityToken,
}

impl SignableHeader {
    /// Every signable header, in canonical (name) order.
    pub const ALL: [SignableHeader; 5] = [
        Self::ContentType,
        Self::Host,
        Self::XContentSha256,
        Self::XDate,
        Self::XSecurityToken,
    ];

    /// The lowercase header name used in the canonical request (`x-date`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::ContentType => "content-type",
            Self::Host => "host",
            Self::XContentSha256 => "x-content-sha256",
            Self::XDate => "x-date",
            Self::XSecurityToken => "x-security-token",
        }
    }

    /// The header for `name`, compared without regard to ASCII case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|h| h.name().eq_ignore_ascii_case(name))
    }
}

/// Which headers the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignedHeaderSet {
    /// What the official SDKs sign: `host`, `x-content-sha256` and `x-date`, plus
    /// `content-type` when the request has one and `x-security-token` with STS credentials.
    #[default]
    Standard,
    /// Exactly these headers (order and duplicates do not matter). `host` and `x-date`
    /// must be among them; `content-type` needs a content type and `x-security-token` a
    /// session token. The server verifies with whatever list the request declares.
    Only(Vec<SignableHeader>),
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

/// An HMAC-SHA256 key derived from the SecretAccessKey. Its `Debug` is redacted, and it is
/// wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as lowercase hex (for test vectors).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(\"[redacted]\")")
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Every key of the derivation chain (step 5 of the scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyChain {
    /// `kDate = HMAC(SecretAccessKey, ShortDate)`.
    pub k_date: SigningKey,
    /// `kRegion = HMAC(kDate, region)`.
    pub k_region: SigningKey,
    /// `kService = HMAC(kRegion, service)`.
    pub k_service: SigningKey,
    /// `kSigning = HMAC(kService, "request")`: the key that signs the string to sign.
    pub k_signing: SigningKey,
}

/// Derives the whole key chain for `short_date` (`YYYYMMDD`), `region` and `service`.
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] if HMAC refuses a key (it accepts any length, so this does
/// not happen in practice).
pub fn derive_key_chain(
    secret_access_key: &SecretString,
    short_date: &str,
    region: &str,
    service: &str,
) -> Result<SigningKeyChain, Error> {
    let k_date = hmac_sha256(secret_access_key.expose_secret().as_bytes(), short_date)?;
    let k_region = hmac_sha256(&k_date, region)?;
    let k_service = hmac_sha256(&k_region, service)?;
    let k_signing = hmac_sha256(&k_service, SCOPE_TERMINATOR)?;
    Ok(SigningKeyChain {
        k_date: SigningKey(k_date),
        k_region: SigningKey(k_region),
        k_service: SigningKey(k_service),
        k_signing: SigningKey(k_signing),
    })
}

/// Derives the signing key (`kSigning`) for `short_date`, `region` and `service`.
///
/// # Errors
///
/// As [`derive_key_chain`].
pub fn derive_signing_key(
    secret_access_key: &SecretString,
    short_date: &str,
    region: &str,
    service: &str,
) -> Result<SigningKey, Error> {
    let chain = derive_key_chain(secret_access_key, short_date, region, service)?;
    Ok(chain.k_signing.clone())
}

/// Caches the last derived signing key, keyed by the secret, short date, region and
/// service, so that a key is derived once per day/region/service. Safe to share between
/// threads (a `std::sync::Mutex` guards the entry).
#[derive(Default)]
pub struct SigningKeyCache {
    last: Mutex<Option<CachedKey>>,
    derivations: AtomicU64,
}

struct CachedKey {
    secret: SecretString,
    short_date: String,
    region: String,
    service: String,
    key: SigningKey,
}

impl SigningKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The signing key of `credentials` for `short_date`, `region` and `service`: the cached
    /// one when the last key was derived for the same four, else a newly derived one (which
    /// replaces it in the cache).
    ///
    /// # Errors
    ///
    /// As [`derive_signing_key`].
    pub fn signing_key(
        &self,
        credentials: &Credentials,
        short_date: &str,
        region: &str,
        service: &str,
    ) -> Result<SigningKey, Error> {
        let secret = credentials.secret_access_key();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = last.as_ref() {
            if cached.short_date == short_date
                && cached.region == region
                && cached.service == service
                && cached.secret.expose_secret() == secret.expose_secret()
            {
                return Ok(cached.key.clone());
            }
        }
        let key = derive_signing_key(secret, short_date, region, service)?;
        self.derivations.fetch_add(1, Ordering::Relaxed);
        *last = Some(CachedKey {
            secret: secret.clone(),
            short_date: short_date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            key: key.clone(),
        });
        Ok(key)
    }

    /// How many keys this cache has derived (cache misses) so far.
    pub fn derivations(&self) -> u64 {
        self.derivations.load(Ordering::Relaxed)
    }

    /// The scope (`ShortDate/region/service`) of the cached key, if any.
    pub fn cached_scope(&self) -> Option<String> {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        last.as_ref()
            .map(|c| format!("{}/{}/{}", c.short_date, c.region, c.service))
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("cached_scope", &self.cached_scope())
            .field("derivations", &self.derivations())
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Canonical pieces
// ---------------------------------------------------------------------------------------

/// `X-Date` for `time`: UTC, `YYYYMMDD'T'HHMMSS'Z'` (`20240619T071306Z`).
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] naming `time` when the year is not in `0000..=9999`.
pub fn x_date(time: UnixSeconds) -> Result<String, Error> {
    let out_of_range = || {
        invalid(
            "time",
            format!("{time} s is outside the years 0000-9999 that X-Date can express"),
        )
    };
    let at = OffsetDateTime::from_unix_timestamp(time.0).map_err(|_| out_of_range())?;
    // 0..=9999: four digits.
    let year = u16::try_from(at.year())
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or_else(out_of_range)?;
    // Written digit by digit: `time`'s formatter was a large share of the signing cost.
    let mut out = String::with_capacity(16);
    push_two_digits(&mut out, year / 100);
    push_two_digits(&mut out, year % 100);
    push_two_digits(&mut out, u16::from(u8::from(at.month())));
    push_two_digits(&mut out, u16::from(at.day()));
    out.push('T');
    push_two_digits(&mut out, u16::from(at.hour()));
    push_two_digits(&mut out, u16::from(at.minute()));
    push_two_digits(&mut out, u16::from(at.second()));
    out.push('Z');
    Ok(out)
}

/// Appends the last two decimal digits of `n`.
fn push_two_digits(out: &mut String, n: u16) {
    for digit in [n / 10 % 10, n % 10] {
        out.push(char::from_digit(u32::from(digit), 10).unwrap_or('0'));
    }
}

/// The lowercase hex SHA-256 of `data`.
pub fn hex_sha256(data: &[u8]) -> String {
    if data.is_empty() {
        // Every GET hashes the empty body: precomputed.
        return EMPTY_BODY_SHA256.to_owned();
    }
    hex(&Sha256::digest(data))
}

/// The canonical URI of a decoded `path`: each `/`-separated segment percent-encoded per
/// RFC 3986; an empty path is `/`.
///
/// ```
/// assert_eq!(volc_record::signing::canonical_uri(""), "/");
/// assert_eq!(volc_record::signing::canonical_uri("/a b/c*~"), "/a%20b/c%2A~");
/// ```
pub fn canonical_uri(path: &str) -> String {
    if path.is_empty() || path == "/" {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(&mut out, segment);
    }
    out
}

/// The canonical query string of decoded `(name, value)` pairs: each name and value
/// percent-encoded per RFC 3986 (space as `%20`, `*` as `%2A`, `/` as `%2F`, `~` kept,
/// uppercase hex), sorted by name then value (comparing the decoded UTF-8 bytes, as the
/// official Go SDK's `url.Values.Encode` orders names), joined as `name=value` with `&`.
///
/// ```
/// let q = volc_record::signing::canonical_query_string(&[("b", "x y"), ("a", "1*")]);
/// assert_eq!(q, "a=1%2A&b=x%20y");
/// ```
pub fn canonical_query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    sorted.sort_unstable();
    let capacity: usize = sorted.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(capacity + capacity / 4);
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_encoded(&mut out, k);
        out.push('=');
        push_encoded(&mut out, v);
    }
    out
}

/// The `host` value that is signed: `host` trimmed, without a `:80` or `:443` port.
///
/// ```
/// assert_eq!(volc_record::signing::canonical_host("rtc.volcengineapi.com:443"), "rtc.volcengineapi.com");
/// assert_eq!(volc_record::signing::canonical_host("localhost:8080"), "localhost:8080");
/// ```
pub fn canonical_host(host: &str) -> String {
    let host = host.trim();
    host.strip_suffix(":443")
        .or_else(|| host.strip_suffix(":80"))
        .unwrap_or(host)
        .to_owned()
}

/// The credential scope `ShortDate/region/service/request`.
pub fn credential_scope(short_date: &str, region: &str, service: &str) -> String {
    let mut out = String::with_capacity(
        short_date.len() + region.len() + service.len() + SCOPE_TERMINATOR.len() + 3,
    );
    for (i, part) in [short_date, region, service, SCOPE_TERMINATOR]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push('/');
        }
        out.push_str(part);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------

/// A signed request: every intermediate of the scheme and the headers to send.
///
/// Send the request to `host` with path [`SignedRequest::canonical_uri`], query
/// [`SignedRequest::canonical_query_string`] (see [`SignedRequest::path_and_query`]), the
/// signed body, and every header of [`SignedRequest::headers`]. `Debug` redacts the signing
/// key and the session token.
#[derive(Clone)]
pub struct SignedRequest {
    /// The upper-cased method.
    pub method: String,
    /// The signed `host` value ([`canonical_host`]).
    pub host: String,
    /// `X-Date` (`20240619T071306Z`).
    pub x_date: String,
    /// The first 8 characters of `X-Date` (`20240619`).
    pub short_date: String,
    /// `X-Content-Sha256`: the hex SHA-256 of the body.
    pub content_sha256: String,
    /// The canonical URI ([`canonical_uri`]).
    pub canonical_uri: String,
    /// The canonical query string ([`canonical_query_string`]); also the query to send.
    pub canonical_query_string: String,
    /// The canonical headers: one `name:value\n` line per signed header (ends with `\n`).
    pub canonical_headers: String,
    /// The signed header names, lowercase, `;`-separated, sorted (`host;x-date`).
    pub signed_headers: String,
    /// The canonical request.
    pub canonical_request: String,
    /// The hex SHA-256 of the canonical request.
    pub canonical_request_hash: String,
    /// The credential scope (`20240619/cn-north-1/rtc/request`).
    pub credential_scope: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signing key (`kSigning`) used.
    pub signing_key: SigningKey,
    /// The signature: lowercase hex HMAC-SHA256 of the string to sign.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
    /// The headers to send, in this order: `X-Date`, `X-Content-Sha256`, `Content-Type`
    /// (when the request has one), `X-Security-Token` (with STS credentials) and
    /// `Authorization`. `Host` is left to the HTTP client.
    pub headers: Vec<(&'static str, String)>,
    session_token: Option<SecretString>,
}

impl SignedRequest {
    /// The path and query to request: `canonical_uri`, then `?` and the canonical query
    /// string when there is one.
    pub fn path_and_query(&self) -> String {
        if self.canonical_query_string.is_empty() {
            self.canonical_uri.clone()
        } else {
            format!("{}?{}", self.canonical_uri, self.canonical_query_string)
        }
    }

    /// The value of header `name` in [`SignedRequest::headers`] (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self
            .session_token
            .as_ref()
            .map(|t| t.expose_secret())
            .filter(|t| !t.is_empty());
        let redact = |s: &str| match token {
            Some(t) => s.replace(t, REDACTED),
            None => s.to_owned(),
        };
        let headers: Vec<(&str, String)> =
            self.headers.iter().map(|(n, v)| (*n, redact(v))).collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("x_date", &self.x_date)
            .field("short_date", &self.short_date)
            .field("content_sha256", &self.content_sha256)
            .field("canonical_uri", &self.canonical_uri)
            .field("canonical_query_string", &self.canonical_query_string)
            .field("canonical_headers", &redact(&self.canonical_headers))
            .field("signed_headers", &self.signed_headers)
            .field("canonical_request", &redact(&self.canonical_request))
            .field("canonical_request_hash", &self.canonical_request_hash)
            .field("credential_scope", &self.credential_scope)
            .field("string_to_sign", &self.string_to_sign)
            .field("signing_key", &self.signing_key)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .field("headers", &headers)
            .finish()
    }
}

/// Signs `request` for `region` and `service` with `credentials` at `time`, covering the
/// headers of `signed_headers`. Pure: no clock, no I/O; derives the signing key itself
/// (a [`Signer`] caches it instead).
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] naming the offending input: an empty or non-alphabetic
/// method, an empty host, a control character in a header value, an empty region or
/// service or one containing `/` or whitespace, a time [`x_date`] cannot express, or an
/// explicit header set that lacks `host` or `x-date` or names a header the request does
/// not have.
pub fn sign(
    request: &RequestToSign,
    region: &str,
    service: &str,
    credentials: &Credentials,
    time: UnixSeconds,
    signed_headers: &SignedHeaderSet,
) -> Result<SignedRequest, Error> {
    let x_date = x_date(time)?;
    let short_date = short_date(&x_date);
    check_scope_part("region", region)?;
    check_scope_part("service", service)?;
    let key = derive_signing_key(credentials.secret_access_key(), short_date, region, service)?;
    sign_with_key(
        request,
        region,
        service,
        credentials,
        &x_date,
        signed_headers,
        key,
    )
}

/// The short date of an `X-Date` (its first 8 characters).
fn short_date(x_date: &str) -> &str {
    x_date.get(..8).unwrap_or(x_date)
}

/// Signs with an already derived `key` (which must belong to the scope of `x_date`,
/// `region` and `service`).
fn sign_with_key(
    request: &RequestToSign,
    region: &str,
    service: &str,
    credentials: &Credentials,
    x_date: &str,
    signed_headers: &SignedHeaderSet,
    key: SigningKey,
) -> Result<SignedRequest, Error> {
    let method = request.method.trim().to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid(
            "method",
            format!("must be an HTTP method name, got {:?}", request.method),
        ));
    }
    let host = canonical_host(&request.host);
    if host.is_empty() || host.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(
            "host",
            format!(
                "must be a non-empty host without spaces, got {:?}",
                request.host
            ),
        ));
    }
    let content_type = match &request.content_type {
        Some(ct) => {
            check_header_value("content_type", ct)?;
            Some(ct.trim())
        }
        None => None,
    };
    let session_token = match credentials.session_token_str() {
        Some(token) => {
            // The value is secret: name the parameter, never show the value.
            if token.chars().any(char::is_control) {
                return Err(invalid(
                    "session_token",
                    "must not contain control characters",
                ));
            }
            Some(token.trim())
        }
        None => None,
    };

    let short_date = short_date(x_date).to_owned();
    let content_sha256 = hex_sha256(&request.body);
    let canonical_uri = canonical_uri(&request.path);
    let canonical_query_string = canonical_query_string(&request.query);

    let headers_to_sign = select_headers(signed_headers, content_type, session_token)?;
    let mut canonical_headers = String::with_capacity(160);
    for header in &headers_to_sign {
        let value = match header {
            SignableHeader::ContentType => content_type.unwrap_or_default(),
            SignableHeader::Host => host.as_str(),
            SignableHeader::XContentSha256 => content_sha256.as_str(),
            SignableHeader::XDate => x_date,
            SignableHeader::XSecurityToken => session_token.unwrap_or_default(),
        };
        canonical_headers.push_str(header.name());
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    let signed_headers = headers_to_sign
        .iter()
        .map(|h| h.name())
        .collect::<Vec<_>>()
        .join(";");

    let canonical_request = [
        method.as_str(),
        &canonical_uri,
        &canonical_query_string,
        &canonical_headers,
        &signed_headers,
        &content_sha256,
    ]
    .join("\n");
    let canonical_request_hash = hex_sha256(canonical_request.as_bytes());
    let credential_scope = credential_scope(&short_date, region, service);
    let string_to_sign = [
        ALGORITHM,
        x_date,
        &credential_scope,
        &canonical_request_hash,
    ]
    .join("\n");
    let signature = hex(&hmac_sha256(key.as_bytes(), &string_to_sign)?);
    let access_key_id = credentials.access_key_id();
    let mut authorization = String::with_capacity(
        ALGORITHM.len()
            + access_key_id.len()
            + credential_scope.len()
            + signed_headers.len()
            + signature.len()
            + 50,
    );
    for part in [
        ALGORITHM,
        " Credential=",
        access_key_id,
        "/",
        &credential_scope,
        ", SignedHeaders=",
        &signed_headers,
        ", Signature=",
        &signature,
    ] {
        authorization.push_str(part);
    }

    let mut headers = vec![
        ("X-Date", x_date.to_owned()),
        ("X-Content-Sha256", content_sha256.clone()),
    ];
    if let Some(ct) = content_type {
        headers.push(("Content-Type", ct.to_owned()));
    }
    if let Some(token) = session_token {
        headers.push(("X-Security-Token", token.to_owned()));
    }
    headers.push(("Authorization", authorization.clone()));

    Ok(SignedRequest {
        method,
        host,
        x_date: x_date.to_owned(),
        short_date,
        content_sha256,
        canonical_uri,
        canonical_query_string,
        canonical_headers,
        signed_headers,
        canonical_request,
        canonical_request_hash,
        credential_scope,
        string_to_sign,
        signing_key: key,
        signature,
        authorization,
        headers,
        session_token: credentials.session_token().cloned(),
    })
}

/// The headers to sign, sorted by name, after checking an explicit set.
fn select_headers(
    set: &SignedHeaderSet,
    content_type: Option<&str>,
    session_token: Option<&str>,
) -> Result<Vec<SignableHeader>, Error> {
    let mut headers = match set {
        SignedHeaderSet::Standard => {
            let mut h = vec![
                SignableHeader::Host,
                SignableHeader::XContentSha256,
                SignableHeader::XDate,
            ];
            if content_type.is_some() {
                h.push(SignableHeader::ContentType);
            }
            if session_token.is_some() {
                h.push(SignableHeader::XSecurityToken);
            }
            h
        }
        SignedHeaderSet::Only(list) => {
            for required in [SignableHeader::Host, SignableHeader::XDate] {
                if !list.contains(&required) {
                    return Err(invalid(
                        "signed_headers",
                        format!("must include `{}`", required.name()),
                    ));
                }
            }
            if content_type.is_none() && list.contains(&SignableHeader::ContentType) {
                return Err(invalid(
                    "signed_headers",
                    "lists `content-type` but the request has no content type",
                ));
            }
            if session_token.is_none() && list.contains(&SignableHeader::XSecurityToken) {
                return Err(invalid(
                    "signed_headers",
                    "lists `x-security-token` but the credentials have no session token",
                ));
            }
            list.clone()
        }
    };
    headers.sort_unstable_by_key(|h| h.name());
    headers.dedup();
    Ok(headers)
}

// ---------------------------------------------------------------------------------------
// Signer
// ---------------------------------------------------------------------------------------

/// Signs requests for one set of credentials, region and service, deriving the signing key
/// once per day (see [`SigningKeyCache`]). This is what the HTTP client uses.
///
/// ```
/// use record_core::{FixedClock, UnixMillis};
/// use volc_record::credentials::Credentials;
/// use volc_record::signing::{RequestToSign, Signer};
///
/// let signer = Signer::rtc(Credentials::new("AKLTexample", "secret")?);
/// let clock = FixedClock::new(UnixMillis(1_718_781_186_000));
/// let request = RequestToSign::get("rtc.volcengineapi.com")
///     .with_query("Action", "GetRecordTask")
///     .with_query("Version", "2023-11-01");
/// let signed = signer.sign_now(&request, &clock)?;
/// assert_eq!(signed.header("X-Date"), Some("20240619T071306Z"));
/// assert!(signed.authorization.starts_with(
///     "HMAC-SHA256 Credential=AKLTexample/20240619/cn-north-1/rtc/request, \
///      SignedHeaders=host;x-content-sha256;x-date, Signature="
/// ));
/// # Ok::<(), record_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    signed_headers: SignedHeaderSet,
    cache: SigningKeyCache,
}

impl Signer {
    /// A signer for `region` and `service`, signing the [`SignedHeaderSet::Standard`]
    /// headers.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] naming `region` or `service` when it is empty or
    /// contains `/` or whitespace.
    pub fn new(
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Result<Self, Error> {
        let region = region.into();
        let service = service.into();
        check_scope_part("region", &region)?;
        check_scope_part("service", &service)?;
        Ok(Self {
            credentials,
            region,
            service,
            signed_headers: SignedHeaderSet::Standard,
            cache: SigningKeyCache::new(),
        })
    }

    /// A signer for the RTC OpenAPI: region [`DEFAULT_REGION`], service
    /// [`DEFAULT_SERVICE`].
    pub fn rtc(credentials: Credentials) -> Self {
        Self {
            credentials,
            region: DEFAULT_REGION.to_owned(),
            service: DEFAULT_SERVICE.to_owned(),
            signed_headers: SignedHeaderSet::Standard,
            cache: SigningKeyCache::new(),
        }
    }

    /// The same signer, signing `signed_headers` instead.
    #[must_use]
    pub fn with_signed_headers(mut self, signed_headers: SignedHeaderSet) -> Self {
        self.signed_headers = signed_headers;
        self
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The signing region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The signing service.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The signing-key cache.
    pub fn key_cache(&self) -> &SigningKeyCache {
        &self.cache
    }

    /// Signs `request` at `time` (same result as [`sign`], with the key from the cache).
    ///
    /// # Errors
    ///
    /// As [`sign`].
    pub fn sign(&self, request: &RequestToSign, time: UnixSeconds) -> Result<SignedRequest, Error> {
        let x_date = x_date(time)?;
        let key = self.cache.signing_key(
            &self.credentials,
            short_date(&x_date),
            &self.region,
            &self.service,
        )?;
        sign_with_key(
            request,
            &self.region,
            &self.service,
            &self.credentials,
            &x_date,
            &self.signed_headers,
            key,
        )
    }

    /// Signs `request` at the current time of `clock`.
    ///
    /// # Errors
    ///
    /// As [`sign`].
    pub fn sign_now(
        &self,
        request: &RequestToSign,
        clock: &dyn Clock,
    ) -> Result<SignedRequest, Error> {
        self.sign(request, clock.now().to_seconds())
    }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// HMAC-SHA256 of `data` under `key`.
fn hmac_sha256(key: &[u8], data: &str) -> Result<[u8; 32], Error> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key)
        .map_err(|_| Error::new(ErrorKind::InvalidRequest, "HMAC-SHA256 rejected the key"))?;
    mac.update(data.as_bytes());
    Ok(mac.finalize().into_bytes().into())
}

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    // Only ASCII hex digits were pushed, so this is valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `s` with RFC 3986 percent-encoding (unreserved characters kept, uppercase hex).
fn push_encoded(out: &mut String, s: &str) {
    // Most names and values need no escape: copy them in one go.
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        out.push_str(s);
    } else {
        out.extend(percent_encoding::utf8_percent_encode(
            s,
            RFC3986_UNRESERVED_COMPLEMENT,
        ));
    }
}

/// An [`ErrorKind::InvalidRequest`] error about signing input `parameter`.
fn invalid(parameter: &'static str, problem: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::invalid_parameter(parameter, problem)
        .with_vendor(VENDOR)
        .with_retryable(false)
}

/// Checks that a header value has no control characters.
fn check_header_value(parameter: &'static str, value: &str) -> Result<(), Error> {
    if value.chars().any(char::is_control) {
        return Err(invalid(
            parameter,
            format!("must not contain control characters, got {value:?}"),
        ));
    }
    Ok(())
}

/// Checks a region or service name: non-empty, no `/`, no whitespace or control characters.
fn check_scope_part(parameter: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty()
        || value
            .chars()
            .any(|c| c == '/' || c.is_whitespace() || c.is_control())
    {
        return Err(invalid(
            parameter,
            format!("must be non-empty, without `/` or spaces, got {value:?}"),
        ));
    }
    Ok(())
}
