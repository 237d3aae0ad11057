//! HTTP Basic authentication for the Agora RESTful API (RFC 7617).
//!
//! Agora does not sign requests: every call carries
//!
//! ```text
//! Authorization: Basic base64(customer_id + ":" + customer_secret)
//! ```
//!
//! with standard, padded base64 (RFC 4648 §4) of the UTF-8 bytes. The header therefore does
//! not depend on the method, path, query, body or time of the request. The steps are:
//!
//! 1. `user_pass` = Customer ID, `:`, Customer Secret;
//! 2. `token` = standard base64 of the UTF-8 bytes of `user_pass`;
//! 3. `header_value` = `"Basic "` + `token`, sent as the [`AUTHORIZATION`] header.
//!
//! All three values reveal the secret (base64 is an encoding, not a hash), so
//! [`BasicAuthorization`] keeps them in [`SecretString`]s, redacts them in its [`Debug`] and
//! hands them out only through the `expose_*` methods.
//!
//! ```
//! use agora_record::{Credentials, signing};
//! let creds = Credentials::new("Aladdin", "open sesame")?;
//! let auth = signing::sign(&creds);
//! assert_eq!(auth.header_name(), "Authorization");
//! assert_eq!(auth.expose_header_value(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
//! assert!(!format!("{auth:?}").contains("QWxh"));
//! # Ok::<(), record_core::Error>(())
//! ```

use crate::Credentials;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use record_core::Clock;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The name of the header that carries the credentials.
pub const AUTHORIZATION: &str = "Authorization";

/// The authentication scheme, the first word of the header value.
pub const SCHEME: &str = "Basic";

/// The `Authorization` header for one set of [`Credentials`], with every intermediate value.
///
/// Built by [`sign`] or [`sign_with_clock`]. Its [`Debug`] shows only the Customer ID.
#[derive(Clone)]
pub struct BasicAuthorization {
    customer_id: String,
    user_pass: SecretString,
    token: SecretString,
    header_value: SecretString,
}

impl BasicAuthorization {
    /// The Customer ID the header authenticates (not secret).
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }

    /// The header name, [`AUTHORIZATION`].
    pub fn header_name(&self) -> &'static str {
        AUTHORIZATION
    }

    /// Step 1: `customer_id:customer_secret`. Contains the secret in clear.
    pub fn expose_user_pass(&self) -> &str {
        self.user_pass.expose_secret()
    }

    /// Step 2: standard, padded base64 of the UTF-8 bytes of
    /// [`expose_user_pass`](Self::expose_user_pass). Reveals the secret.
    pub fn expose_token(&self) -> &str {
        self.token.expose_secret()
    }

    /// Step 3: the header value, `Basic <token>`. Reveals the secret; send it only as the
    /// [`AUTHORIZATION`] header and never log it.
    pub fn expose_header_value(&self) -> &str {
        self.header_value.expose_secret()
    }
}

impl fmt::Debug for BasicAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuthorization")
            .field("customer_id", &self.customer_id)
            .field("header_value", &"[redacted]")
            .finish()
    }
}

/// Builds the `Authorization: Basic …` header for `credentials`.
///
/// Pure and infallible: [`Credentials::new`] has already rejected values that Basic
/// authentication cannot carry.
pub fn sign(credentials: &Credentials) -> BasicAuthorization {
    let id = credentials.customer_id();
    let secret = credentials.expose_customer_secret();
    let mut user_pass = String::with_capacity(id.len() + 1 + secret.len());
    user_pass.push_str(id);
    user_pass.push(':');
    user_pass.push_str(secret);
    let token = STANDARD.encode(user_pass.as_bytes());
    let header_value = format!("{SCHEME} {token}");
    BasicAuthorization {
        customer_id: id.to_owned(),
        user_pass: SecretString::from(user_pass),
        token: SecretString::from(token),
        header_value: SecretString::from(header_value),
    }
}

/// [`sign`] with the signature every vendor's signer shares, for the HTTP client.
///
/// Basic authentication has no time component, so the clock is not read and the result is
/// exactly [`sign`]`(credentials)`.
pub fn sign_with_clock(credentials: &Credentials, clock: &dyn Clock) -> BasicAuthorization {
    let _ = clock;
    sign(credentials)
}
