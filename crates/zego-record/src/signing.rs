//! Request signing for the ZEGO server API, `SignatureVersion` 2.0.
//!
//! Every ZEGO server-API call carries six common parameters in its query string, which
//! [`SignedRequest::query_pairs`] returns in this order:
//!
//! | parameter | value |
//! |---|---|
//! | `Action` | the endpoint's action, e.g. `DescribeRecordStatus` |
//! | `AppId` | the `AppId`, in decimal |
//! | `SignatureNonce` | a random string, new for every request ([`generate_nonce`]) |
//! | `Timestamp` | the current Unix time in **seconds**, in decimal (ZEGO allows ±10 minutes) |
//! | `Signature` | see below |
//! | `SignatureVersion` | always [`SIGNATURE_VERSION`], `2.0` |
//!
//! The signature is computed in two steps:
//!
//! 1. `string_to_sign` = `AppId` + `SignatureNonce` + `ServerSecret` + `Timestamp`: plain
//!    concatenation, no separators, `AppId` and `Timestamp` as decimal integers;
//! 2. `signature` = MD5 of the UTF-8 bytes of `string_to_sign`, as 32 **lowercase** hex
//!    digits.
//!
//! Neither the `Action`, the method, the path nor the JSON body is signed. The
//! `SignatureNonce` and `Timestamp` sent must be the ones signed, and every request needs a
//! new signature: sign just before sending (and again for every retry).
//!
//! [`sign`] is a pure function of its inputs (no clock, no randomness, no I/O), so that it
//! can be checked against fixed vectors; [`sign_with_clock`] draws a nonce and reads a
//! [`Clock`] for real requests. The step-1 value contains the secret, so [`SignedRequest`]
//! keeps it in a [`SecretString`] and redacts it in its [`Debug`].
//!
//! ZEGO's own worked example (from its "签名机制" page):
//!
//! ```
//! use record_core::UnixSeconds;
//! use zego_record::{Credentials, signing};
//! let creds = Credentials::new(12345, "9193cc662a4c0ec135ec71fb57194b38")?;
//! let signed = signing::sign(
//!     &creds,
//!     "DescribeRecordStatus",
//!     "4fd24687296dd9f3",
//!     UnixSeconds(1_615_186_943),
//! )?;
//! assert_eq!(
//!     signed.expose_string_to_sign(),
//!     "123454fd24687296dd9f39193cc662a4c0ec135ec71fb57194b381615186943"
//! );
//! assert_eq!(signed.signature(), "43e5cfcca828314675f91b001390566a");
//! assert_eq!(
//!     signed.query_string(),
//!     "Action=DescribeRecordStatus&AppId=12345&SignatureNonce=4fd24687296dd9f3\
//!      &Timestamp=1615186943&Signature=43e5cfcca828314675f91b001390566a&SignatureVersion=2.0"
//! );
//! assert!(!format!("{signed:?}").contains("9193cc66"));
//! # Ok::<(), record_core::Error>(())
//! ```

use crate::Credentials;
use md5::{Digest as _, Md5};
use record_core::{Clock, Error, UnixSeconds, Vendor};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The value of the `SignatureVersion` parameter (ZEGO: "必须填写为 2.0").
pub const SIGNATURE_VERSION: &str = "2.0";

/// Name of the query parameter that carries the action.
pub const ACTION_PARAM: &str = "Action";

/// Name of the query parameter that carries the `AppId`.
pub const APP_ID_PARAM: &str = "AppId";

/// Name of the query parameter that carries the nonce.
pub const NONCE_PARAM: &str = "SignatureNonce";

/// Name of the query parameter that carries the Unix time in seconds.
pub const TIMESTAMP_PARAM: &str = "Timestamp";

/// Name of the query parameter that carries the signature.
pub const SIGNATURE_PARAM: &str = "Signature";

/// Name of the query parameter that carries [`SIGNATURE_VERSION`].
pub const SIGNATURE_VERSION_PARAM: &str = "SignatureVersion";

/// The common query parameters of one request, signed, with every intermediate value.
///
/// Built by [`sign`] or [`sign_with_clock`]. Its [`Debug`] redacts
/// [`expose_string_to_sign`](Self::expose_string_to_sign), the only value that contains the
/// secret.
#[derive(Clone)]
pub struct SignedRequest {
    action: String,
    app_id: String,
    nonce: String,
    timestamp: UnixSeconds,
    timestamp_text: String,
    string_to_sign: SecretString,
    signature: String,
}

impl SignedRequest {
    /// The `Action` parameter, as given to [`sign`].
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The `AppId` parameter: the `AppId` in decimal, as signed and sent.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The `SignatureNonce` parameter, as signed and sent.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The signing time, in Unix seconds.
    pub fn timestamp(&self) -> UnixSeconds {
        self.timestamp
    }

    /// The `Timestamp` parameter: [`timestamp`](Self::timestamp) in decimal, as signed and
    /// sent.
    pub fn timestamp_text(&self) -> &str {
        &self.timestamp_text
    }

    /// Step 1: `AppId + SignatureNonce + ServerSecret + Timestamp`. Contains the secret in
    /// clear; never log it.
    pub fn expose_string_to_sign(&self) -> &str {
        self.string_to_sign.expose_secret()
    }

    /// Step 2, the `Signature` parameter: MD5 of the UTF-8 bytes of the step-1 string, as
    /// 32 lowercase hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `SignatureVersion` parameter, [`SIGNATURE_VERSION`].
    pub fn signature_version(&self) -> &'static str {
        SIGNATURE_VERSION
    }

    /// The six common query parameters, unencoded, in the order `Action`, `AppId`,
    /// `SignatureNonce`, `Timestamp`, `Signature`, `SignatureVersion`. Each appears once.
    pub fn query_pairs(&self) -> [(&'static str, &str); 6] {
        [
            (ACTION_PARAM, self.action.as_str()),
            (APP_ID_PARAM, self.app_id.as_str()),
            (NONCE_PARAM, self.nonce.as_str()),
            (TIMESTAMP_PARAM, self.timestamp_text.as_str()),
            (SIGNATURE_PARAM, self.signature.as_str()),
            (SIGNATURE_VERSION_PARAM, SIGNATURE_VERSION),
        ]
    }

    /// [`query_pairs`](Self::query_pairs) as a query string (without the leading `?`): each
    /// name and value percent-encoded as UTF-8 with every byte outside the RFC 3986
    /// unreserved set (`A-Z a-z 0-9 - . _ ~`) escaped as `%XX` (upper-case hex, space as
    /// `%20`), joined with `=` and `&`.
    pub fn query_string(&self) -> String {
        let pairs = self.query_pairs();
        let capacity = pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let mut out = String::with_capacity(capacity);
        for (i, (name, value)) in pairs.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            push_encoded(&mut out, name);
            out.push('=');
            push_encoded(&mut out, value);
        }
        out
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("action", &self.action)
            .field("app_id", &self.app_id)
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .field("string_to_sign", &"[redacted]")
            .field("signature", &self.signature)
            .finish()
    }
}

/// Signs one request: a pure function of the credentials, the action, the nonce and the
/// time (no clock, no randomness, no I/O).
///
/// `action` is the endpoint's action (e.g. `endpoints::DESCRIBE_TASKS.name`,
/// `"DescribeTasks"`); it is sent but not signed. `nonce` may be any non-empty string (ZEGO
/// asks for a random one, new for every request; [`generate_nonce`] makes one); it is signed
/// as its UTF-8 bytes and sent percent-encoded. `timestamp` is the current time in Unix
/// seconds.
///
/// # Errors
///
/// An [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest) error whose
/// [`Error::parameter`] is [`ACTION_PARAM`] or [`NONCE_PARAM`] when that value is empty, or
/// [`TIMESTAMP_PARAM`] when `timestamp` is negative (a clock before 1970 cannot be within
/// ZEGO's ±10 minutes).
pub fn sign(
    credentials: &Credentials,
    action: &str,
    nonce: &str,
    timestamp: UnixSeconds,
) -> Result<SignedRequest, Error> {
    if action.is_empty() {
        return Err(invalid(ACTION_PARAM, "must not be empty"));
    }
    if nonce.is_empty() {
        return Err(invalid(NONCE_PARAM, "must not be empty"));
    }
    if timestamp.0 < 0 {
        return Err(invalid(
            TIMESTAMP_PARAM,
            "must not be negative (Unix seconds since 1970)",
        ));
    }
    let app_id = credentials.app_id().to_string();
    let timestamp_text = timestamp.0.to_string();
    let secret = credentials.expose_server_secret();
    let mut string_to_sign =
        String::with_capacity(app_id.len() + nonce.len() + secret.len() + timestamp_text.len());
    string_to_sign.push_str(&app_id);
    string_to_sign.push_str(nonce);
    string_to_sign.push_str(secret);
    string_to_sign.push_str(&timestamp_text);
    let signature = lower_hex(&Md5::digest(string_to_sign.as_bytes()));
    Ok(SignedRequest {
        action: action.to_owned(),
        app_id,
        nonce: nonce.to_owned(),
        timestamp,
        timestamp_text,
        string_to_sign: SecretString::from(string_to_sign),
        signature,
    })
}

/// Signs one request now: draws a fresh nonce with [`generate_nonce`], reads the time from
/// `clock` (in whole seconds, rounded down) and calls [`sign`].
///
/// ```
/// use record_core::{FixedClock, UnixMillis};
/// use zego_record::{Credentials, signing};
/// let creds = Credentials::new(12345, "9193cc662a4c0ec135ec71fb57194b38")?;
/// let clock = FixedClock::new(UnixMillis(1_615_186_943_999));
/// let signed = signing::sign_with_clock(&creds, "DescribeTasks", &clock)?;
/// assert_eq!(signed.timestamp_text(), "1615186943");
/// assert_eq!(signed.nonce().len(), 16);
/// # Ok::<(), record_core::Error>(())
/// ```
///
/// # Errors
///
/// As for [`sign`].
pub fn sign_with_clock(
    credentials: &Credentials,
    action: &str,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let nonce = generate_nonce();
    sign(credentials, action, &nonce, clock.now().to_seconds())
}

/// A fresh `SignatureNonce`: 8 random bytes as 16 lowercase hex digits, as ZEGO's docs and
/// samples make it.
///
/// ```
/// let nonce = zego_record::signing::generate_nonce();
/// assert_eq!(nonce.len(), 16);
/// assert!(nonce.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
/// ```
pub fn generate_nonce() -> String {
    let bytes: [u8; 8] = rand::random();
    lower_hex(&bytes)
}

fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Appends `text` percent-encoded as [`record_core::encode_path_segment`] does. Every
/// parameter but a custom nonce is made of unreserved characters only, so those are copied
/// as they are, without the encoder's allocation.
fn push_encoded(out: &mut String, text: &str) {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        out.push_str(text);
    } else {
        out.push_str(&record_core::encode_path_segment(text));
    }
}

fn invalid(param: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(param, problem).with_vendor(Vendor::Zego)
}
