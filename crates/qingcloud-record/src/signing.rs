//! The QingCloud RTC request signature (vendor-facts §2.2): an HMAC-SHA256 query signature
//! specific to the RTC API, **not** QingCloud's IaaS signature (which signs
//! `GET\n/iaas/\n<query>` and has `action`/`version`/`zone` parameters).
//!
//! Every request carries four common query parameters besides its own ("business") ones:
//! `access_key_id`, `signature_method=HmacSHA256`, `signature_version=1` and `time_stamp`
//! (UTC, `YYYY-MM-DDTHH:MM:SSZ`; a request is valid for 15 minutes), and then `signature`.
//! The steps, as the Python reference code of QingCloud's RTC API overview performs them:
//!
//! 1. **Body MD5** ([`body_md5_hex`]): lowercase hex MD5 of the body bytes. A request
//!    without body (every GET) hashes `json.dumps(None)`, i.e. the four bytes `null`:
//!    [`NULL_BODY_MD5`].
//! 2. **Canonical query** ([`canonical_query`]): all query parameters except `signature`,
//!    sorted by key and then by value (raw text, code point order), each written
//!    `quote(key)=quote(value)` with Python's `urllib.parse.quote` defaults ([`quote`]:
//!    `A-Z a-z 0-9 - _ . ~` **and `/`** are kept, every other byte of the UTF-8 text becomes
//!    `%XX`, uppercase), joined with `&`. A repeated key appears once per value.
//! 3. **String to sign** ([`string_to_sign`]):
//!    `METHOD + "\n" + path + "/" + "\n" + canonical_query + "\n" + body_md5`. Note the `/`
//!    appended to the path (`/v1/cloudRecord/`). No trailing newline.
//! 4. **Signature** ([`hmac_sha256_base64`]): standard, padded base64 of
//!    HMAC-SHA256(key = UTF-8 bytes of the secret access key, message = string to sign).
//! 5. **Query string sent**: the canonical query, then `&signature=` and the signature
//!    percent-encoded with nothing kept ([`encode_signature`]: `+` → `%2B`, `/` → `%2F`,
//!    `=` → `%3D`). The vendor's example appends the raw base64, in which a `+` would be
//!    read back as a space by standard servers; encoding it is an inference (facts §2.2
//!    step 5), not verified against the live service.
//!
//! [`sign`] performs all steps as a pure function of the request parts, the
//! [`Credentials`] and the time, and returns every intermediate in a [`SignedRequest`].
//! [`sign_with_clock`] reads the time from a [`Clock`] first.
//!
//! ```
//! use qingcloud_record::{Credentials, signing};
//! use record_core::UnixSeconds;
//!
//! let creds = Credentials::new("QYACCESSKEYIDEXAMPLE", "SECRETACCESSKEY")?;
//! let query = [
//!     ("app_id", "34723259bb8f4768bc7a9c7cbb126baa"),
//!     ("channel", "crIUxmwHA2"),
//!     ("from_hour", "3"),
//!     ("to_hour", "0"),
//!     ("offset", "0"),
//!     ("limit", "20"),
//! ];
//! // 2021-10-15T06:44:58Z
//! let signed = signing::sign("GET", "/v1/cloudRecord", &query, None, &creds, UnixSeconds(1_634_280_298))?;
//! assert_eq!(signed.time_stamp, "2021-10-15T06:44:58Z");
//! assert_eq!(signed.body_md5, signing::NULL_BODY_MD5);
//! assert_eq!(signed.signature, "Qd+XbJNQ0VAqEnJaIYKL2NphPUtpg4a0T/+DErkexhE=");
//! assert!(signed.query_string.ends_with("&signature=Qd%2BXbJNQ0VAqEnJaIYKL2NphPUtpg4a0T%2F%2BDErkexhE%3D"));
//! # Ok::<(), record_core::Error>(())
//! ```

use crate::Credentials;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use record_core::{Clock, Error, ErrorKind, UnixSeconds, Vendor};
use sha2::Sha256;
use time::OffsetDateTime;

/// Query parameter: the access key id.
pub const ACCESS_KEY_ID: &str = "access_key_id";
/// Query parameter: the signature method, always [`SIGNATURE_METHOD_VALUE`].
pub const SIGNATURE_METHOD: &str = "signature_method";
/// Query parameter: the signature version, always [`SIGNATURE_VERSION_VALUE`].
pub const SIGNATURE_VERSION: &str = "signature_version";
/// Query parameter: the request time, formatted by [`format_time_stamp`]. The vendor's
/// parameter table spells it `time_tamp`; its code, which is followed here, `time_stamp`
/// (facts §2.4 Q3).
pub const TIME_STAMP: &str = "time_stamp";
/// Query parameter: the signature itself (never signed).
pub const SIGNATURE: &str = "signature";

/// The value of [`SIGNATURE_METHOD`].
pub const SIGNATURE_METHOD_VALUE: &str = "HmacSHA256";
/// The value of [`SIGNATURE_VERSION`].
pub const SIGNATURE_VERSION_VALUE: &str = "1";

/// Query parameter names the signer sets itself; a business parameter may not use them.
pub const RESERVED_PARAMS: [&str; 5] = [
    ACCESS_KEY_ID,
    SIGNATURE_METHOD,
    SIGNATURE_VERSION,
    TIME_STAMP,
    SIGNATURE,
];

/// MD5 of the four bytes `null` (`json.dumps(None)`), the body hash of every request
/// without body, GET in particular.
pub const NULL_BODY_MD5: &str = "37a6259cc0c1dae299a7866489dff0bd";

/// The bytes Python's `urllib.parse.quote` escapes by default (`safe='/'`): everything
/// except `A-Z a-z 0-9 - _ . ~ /`.
pub const PYTHON_QUOTE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The bytes escaped in the signature value of the query string: everything except the
/// RFC 3986 unreserved characters (so `+`, `/`, `=` are all escaped).
pub const SIGNATURE_ENCODE_SET: &AsciiSet = record_core::RFC3986_UNRESERVED_COMPLEMENT;

/// A request signed with [`sign`]: every intermediate value of the signature and the query
/// string to send.
///
/// Holds no secret (the signature is an HMAC and does not reveal the key), so its derived
/// [`Debug`] is safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The method, upper-cased (`GET`), as signed and to be sent.
    pub method: String,
    /// The request path as given (`/v1/cloudRecord`), without the `/` that is appended only
    /// in the string to sign.
    pub path: String,
    /// The `time_stamp` parameter (`2021-10-15T06:44:58Z`).
    pub time_stamp: String,
    /// Step 1: lowercase hex MD5 of the body, [`NULL_BODY_MD5`] without body.
    pub body_md5: String,
    /// Every signed query parameter (common and business, raw, not escaped) in canonical
    /// order: sorted by key, then by value.
    pub signed_params: Vec<(String, String)>,
    /// Step 2: the canonical query string.
    pub canonical_query: String,
    /// Step 3: the string to sign (three `\n`, no trailing newline).
    pub string_to_sign: String,
    /// Step 4: the signature, standard padded base64.
    pub signature: String,
    /// Step 5: [`signature`](Self::signature) percent-encoded for the query string.
    pub encoded_signature: String,
    /// The query string to send, without the leading `?`:
    /// `canonical_query&signature=encoded_signature`. Send it verbatim; re-encoding the
    /// pairs (e.g. as a form, where a space becomes `+`) changes what the server sees.
    pub query_string: String,
}

impl SignedRequest {
    /// All query parameters to send, raw (not escaped): [`signed_params`](Self::signed_params)
    /// followed by `("signature", signature)`. Prefer [`query_string`](Self::query_string)
    /// when building the URL.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.signed_params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once((SIGNATURE, self.signature.as_str())))
            .collect()
    }

    /// The path and query to append to the host: `path?query_string`.
    pub fn path_and_query(&self) -> String {
        format!("{}?{}", self.path, self.query_string)
    }
}

/// Signs a request (all steps of the [module documentation](self)).
///
/// * `method`: the HTTP method, ASCII letters only; upper-cased before signing.
/// * `path`: the request path, starting with `/`, without query or fragment
///   (`/v1/cloudRecord`). It is used verbatim; `/` is appended in the string to sign.
/// * `query`: the business query parameters, in any order. A key may repeat (it is then
///   signed and sent once per value, values sorted). Values may be empty.
/// * `body`: the exact body bytes that will be sent, or `None` for no body (hashed as
///   `null`). `Some(b"")` hashes zero bytes.
/// * `at`: the request time; the server accepts it for 15 minutes.
///
/// Pure: no clock, no randomness, no I/O.
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] (nothing is sent) when the method is empty or not ASCII
/// letters (parameter `method`), the path does not start with `/` or contains `?` or `#`
/// (parameter `path`), a business key is empty or one of [`RESERVED_PARAMS`] (parameter =
/// that key), or `at` is outside years 0001..=9999 (parameter `time_stamp`).
pub fn sign<K, V>(
    method: &str,
    path: &str,
    query: &[(K, V)],
    body: Option<&[u8]>,
    credentials: &Credentials,
    at: UnixSeconds,
) -> Result<SignedRequest, Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid(
            "method",
            "must be a non-empty run of ASCII letters",
        ));
    }
    let method = method.to_ascii_uppercase();
    if !path.starts_with('/') || path.contains(['?', '#']) {
        return Err(invalid(
            "path",
            "must start with `/` and contain neither `?` nor `#`",
        ));
    }
    for (key, _) in query {
        let key = key.as_ref();
        if key.is_empty() {
            return Err(invalid("query", "a query parameter name is empty"));
        }
        if RESERVED_PARAMS.contains(&key) {
            return Err(Error::invalid_parameter(
                key.to_owned(),
                "is set by the signer and cannot be a business query parameter",
            )
            .with_vendor(Vendor::QingCloud));
        }
    }
    let time_stamp = format_time_stamp(at)?;

    let body_md5 = body_md5_hex(body);

    let mut signed_params: Vec<(String, String)> = Vec::with_capacity(query.len() + 4);
    signed_params.push((
        ACCESS_KEY_ID.to_owned(),
        credentials.access_key_id().to_owned(),
    ));
    signed_params.push((
        SIGNATURE_METHOD.to_owned(),
        SIGNATURE_METHOD_VALUE.to_owned(),
    ));
    signed_params.push((
        SIGNATURE_VERSION.to_owned(),
        SIGNATURE_VERSION_VALUE.to_owned(),
    ));
    signed_params.push((TIME_STAMP.to_owned(), time_stamp.clone()));
    signed_params.extend(
        query
            .iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())),
    );
    signed_params.sort();
    // Already sorted, and `signature` is reserved, so it cannot be among them.
    let canonical_query = join_canonical(
        signed_params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        signed_params
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum(),
    );

    let string_to_sign = string_to_sign(&method, path, &canonical_query, &body_md5);
    let signature = hmac_sha256_base64(credentials.expose_secret_access_key(), &string_to_sign)?;
    let encoded_signature = encode_signature(&signature);
    let mut query_string = String::with_capacity(
        canonical_query.len() + 1 + SIGNATURE.len() + 1 + encoded_signature.len(),
    );
    query_string.push_str(&canonical_query);
    query_string.push('&');
    query_string.push_str(SIGNATURE);
    query_string.push('=');
    query_string.push_str(&encoded_signature);

    Ok(SignedRequest {
        method,
        path: path.to_owned(),
        time_stamp,
        body_md5,
        signed_params,
        canonical_query,
        string_to_sign,
        signature,
        encoded_signature,
        query_string,
    })
}

/// [`sign`] at the current time of `clock` (milliseconds truncated to whole seconds).
///
/// # Errors
///
/// As for [`sign`].
pub fn sign_with_clock<K, V>(
    method: &str,
    path: &str,
    query: &[(K, V)],
    body: Option<&[u8]>,
    credentials: &Credentials,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    sign(
        method,
        path,
        query,
        body,
        credentials,
        clock.now().to_seconds(),
    )
}

/// Formats `at` as the `time_stamp` parameter: UTC, `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// use qingcloud_record::signing::format_time_stamp;
/// use record_core::UnixSeconds;
/// assert_eq!(format_time_stamp(UnixSeconds(1_634_280_298))?, "2021-10-15T06:44:58Z");
/// assert_eq!(format_time_stamp(UnixSeconds(0))?, "1970-01-01T00:00:00Z");
/// # Ok::<(), record_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] (parameter `time_stamp`) when `at` falls outside the years
/// 0001..=9999, which the four-digit format cannot express.
pub fn format_time_stamp(at: UnixSeconds) -> Result<String, Error> {
    let out_of_range = || invalid(TIME_STAMP, "must be within the years 0001..=9999");
    let t = OffsetDateTime::from_unix_timestamp(at.as_seconds()).map_err(|_| out_of_range())?;
    // 1..=9999: four digits.
    let year = u16::try_from(t.year())
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(out_of_range)?;
    // Written digit by digit: `time`'s formatter was a large share of the signing cost.
    let mut out = String::with_capacity(20);
    push_two_digits(&mut out, year / 100);
    push_two_digits(&mut out, year % 100);
    out.push('-');
    push_two_digits(&mut out, u16::from(u8::from(t.month())));
    out.push('-');
    push_two_digits(&mut out, u16::from(t.day()));
    out.push('T');
    push_two_digits(&mut out, u16::from(t.hour()));
    out.push(':');
    push_two_digits(&mut out, u16::from(t.minute()));
    out.push(':');
    push_two_digits(&mut out, u16::from(t.second()));
    out.push('Z');
    Ok(out)
}

/// Appends the last two decimal digits of `n`.
fn push_two_digits(out: &mut String, n: u16) {
    for digit in [n / 10 % 10, n % 10] {
        out.push(char::from_digit(u32::from(digit), 10).unwrap_or('0'));
    }
}

/// Step 1: lowercase hex MD5 of `body`, or of `null` ([`NULL_BODY_MD5`]) when `None`.
///
/// ```
/// use qingcloud_record::signing::{NULL_BODY_MD5, body_md5_hex};
/// assert_eq!(body_md5_hex(None), NULL_BODY_MD5);
/// assert_eq!(
///     body_md5_hex(Some(br#"{"c1": 4, "a": 1, "b": 2, "c": 3}"#)),
///     "6f6da4e8095c55f248518bd726e54d83"
/// );
/// ```
pub fn body_md5_hex(body: Option<&[u8]>) -> String {
    match body {
        // The MD5 of `null`, precomputed: every GET hashes it.
        None => NULL_BODY_MD5.to_owned(),
        Some(body) => to_lower_hex(&Md5::digest(body)),
    }
}

/// Step 2: the canonical query of `params`: pairs sorted by key, then value (raw text),
/// the `signature` parameter left out, each `quote(key)=quote(value)`, joined with `&`.
///
/// `params` must hold every parameter to sign, the common ones included.
///
/// ```
/// use qingcloud_record::signing::canonical_query;
/// // The vendor's own demo.
/// assert_eq!(
///     canonical_query(&[("c1", "4"), ("a", "1"), ("b", "2"), ("c", "3")]),
///     "a=1&b=2&c=3&c1=4"
/// );
/// assert_eq!(canonical_query(&[("t", "b"), ("t", "a b/~*")]), "t=a%20b/~%2A&t=b");
/// ```
pub fn canonical_query<K, V>(params: &[(K, V)]) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != SIGNATURE)
        .collect();
    sorted.sort_unstable();
    let capacity = sorted.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    join_canonical(sorted.into_iter(), capacity)
}

/// `quote(key)=quote(value)` for each pair, in the order given, joined with `&`. `capacity`
/// is a size hint: the length without escapes.
fn join_canonical<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity + capacity / 4);
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(k, PYTHON_QUOTE_SET));
        out.push('=');
        out.extend(utf8_percent_encode(v, PYTHON_QUOTE_SET));
    }
    out
}

/// Step 3: `METHOD + "\n" + path + "/" + "\n" + canonical_query + "\n" + body_md5`.
///
/// `method` is used as given (pass it upper-cased).
///
/// ```
/// use qingcloud_record::signing::string_to_sign;
/// assert_eq!(string_to_sign("GET", "/v1/x", "a=1", "md5"), "GET\n/v1/x/\na=1\nmd5");
/// ```
pub fn string_to_sign(method: &str, path: &str, canonical_query: &str, body_md5: &str) -> String {
    let mut out = String::with_capacity(
        method.len() + path.len() + canonical_query.len() + body_md5.len() + 4,
    );
    out.push_str(method);
    out.push('\n');
    out.push_str(path);
    out.push_str("/\n");
    out.push_str(canonical_query);
    out.push('\n');
    out.push_str(body_md5);
    out
}

/// Step 4: standard, padded base64 of HMAC-SHA256(key = UTF-8 bytes of `secret`,
/// message = UTF-8 bytes of `string_to_sign`).
///
/// # Errors
///
/// None in practice: HMAC accepts keys of any length. Should the HMAC implementation
/// refuse the key, an [`ErrorKind::Unauthenticated`] error is returned (without the key).
pub fn hmac_sha256_base64(secret: &str, string_to_sign: &str) -> Result<String, Error> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).map_err(|_| {
        Error::new(
            ErrorKind::Unauthenticated,
            "HMAC-SHA256 rejected the secret access key",
        )
        .with_vendor(Vendor::QingCloud)
    })?;
    mac.update(string_to_sign.as_bytes());
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Step 5: percent-encodes the base64 signature for the query string (every byte but
/// `A-Z a-z 0-9 - . _ ~`; Python `quote(signature, safe="")`).
///
/// ```
/// use qingcloud_record::signing::encode_signature;
/// assert_eq!(encode_signature("a+b/c="), "a%2Bb%2Fc%3D");
/// ```
pub fn encode_signature(signature: &str) -> String {
    utf8_percent_encode(signature, SIGNATURE_ENCODE_SET).collect()
}

/// Python's `urllib.parse.quote(text)` with its defaults: UTF-8, then every byte outside
/// `A-Z a-z 0-9 - _ . ~ /` as `%XX` (uppercase hex); a space becomes `%20`.
///
/// ```
/// use qingcloud_record::signing::quote;
/// assert_eq!(quote("2021-10-15T06:44:58Z"), "2021-10-15T06%3A44%3A58Z");
/// assert_eq!(quote("a b/~*é"), "a%20b/~%2A%C3%A9");
/// ```
pub fn quote(text: &str) -> String {
    utf8_percent_encode(text, PYTHON_QUOTE_SET).collect()
}

fn to_lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

fn invalid(parameter: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(parameter, problem).with_vendor(Vendor::QingCloud)
}
