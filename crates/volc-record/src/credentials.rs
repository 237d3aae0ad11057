//! Volcengine access keys: the AccessKeyId (AK), the SecretAccessKey (SK) and, for temporary
//! STS credentials, the session token.
//!
//! The AK is an identifier and is shown in `Debug` output; the SK and the session token are
//! held in [`secrecy::SecretString`] and never printed (`Debug` shows `"[redacted]"`, and
//! there is no `Display`).

use record_core::{Error, ErrorKind, credentials};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

use crate::VENDOR;

/// Environment variable holding the AccessKeyId ([`Credentials::from_env`]).
pub const ACCESS_KEY_ENV: &str = "VOLC_ACCESSKEY";
/// Environment variable holding the SecretAccessKey ([`Credentials::from_env`]).
pub const SECRET_KEY_ENV: &str = "VOLC_SECRETKEY";
/// Optional environment variable holding an STS session token ([`Credentials::from_env`]).
pub const SESSION_TOKEN_ENV: &str = "VOLC_SESSION_TOKEN";

/// The text shown in place of a secret by `Debug`.
const REDACTED: &str = "[redacted]";

/// A Volcengine access key pair, optionally with an STS session token.
///
/// The secret parts are only reachable through [`Credentials::secret_access_key`] and
/// [`Credentials::session_token`], as [`SecretString`]s.
///
/// ```
/// use volc_record::credentials::Credentials;
/// let creds = Credentials::new("AKLTexample", "c2VjcmV0")?;
/// assert_eq!(creds.access_key_id(), "AKLTexample");
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { access_key_id: "AKLTexample", secret: "[redacted]", session_token: None }"#
/// );
/// # Ok::<(), record_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
}

impl Credentials {
    /// Long-term credentials from an AccessKeyId and a SecretAccessKey.
    ///
    /// The SecretAccessKey is used as given (its UTF-8 bytes are the HMAC key; it is not
    /// base64-decoded even when it looks like base64).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] naming the parameter ([`Error::parameter`]
    /// `access_key_id` or `secret_access_key`) when it is empty, `access_key_id` when it
    /// contains whitespace or control characters (it is sent in the `Authorization` header),
    /// or `secret_access_key` when it contains a control character (a trailing newline
    /// pasted from a file would otherwise sign every request wrongly, without a word).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = secret_access_key.into();
        if access_key_id.is_empty() {
            return Err(invalid("access_key_id", "must not be empty"));
        }
        if access_key_id
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(invalid(
                "access_key_id",
                "must not contain whitespace or control characters",
            ));
        }
        if secret_access_key.is_empty() {
            return Err(invalid("secret_access_key", "must not be empty"));
        }
        if secret_access_key.chars().any(char::is_control) {
            return Err(invalid(
                "secret_access_key",
                "must not contain control characters (a trailing newline?)",
            ));
        }
        Ok(Self {
            access_key_id,
            secret_access_key: SecretString::from(secret_access_key),
            session_token: None,
        })
    }

    /// The same credentials with an STS session token, sent (and signed) as the
    /// `X-Security-Token` header.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] naming the parameter `session_token` when it is empty or
    /// blank, or contains whitespace or a control character (it is sent as a header value).
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Result<Self, Error> {
        let token = session_token.into();
        if token.trim().is_empty() {
            return Err(invalid(
                "session_token",
                "must not be empty or only whitespace",
            ));
        }
        if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid(
                "session_token",
                "must not contain whitespace or control characters (a trailing newline?)",
            ));
        }
        self.session_token = Some(SecretString::from(token));
        Ok(self)
    }

    /// Credentials from the process environment: [`ACCESS_KEY_ENV`] (`VOLC_ACCESSKEY`),
    /// [`SECRET_KEY_ENV`] (`VOLC_SECRETKEY`) and, optionally, [`SESSION_TOKEN_ENV`]
    /// (`VOLC_SESSION_TOKEN`). See [`Credentials::from_lookup`].
    ///
    /// # Errors
    ///
    /// As [`Credentials::from_lookup`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup_result(|name| credentials::env_var(VENDOR, name))
    }

    /// Credentials from a lookup of the variables [`Credentials::from_env`] reads, so that
    /// tests need not touch the real environment.
    ///
    /// An unset or empty [`SESSION_TOKEN_ENV`] means long-term credentials (no token).
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidConfiguration`] error whose message names the variable
    /// (`environment variable VOLC_SECRETKEY is not set`, phrased as for every vendor, see
    /// [`record_core::credentials::from_variables`]) when `VOLC_ACCESSKEY` or
    /// `VOLC_SECRETKEY` is unset or holds a value [`Credentials::new`] rejects, or when
    /// `VOLC_SESSION_TOKEN` is set to only whitespace. The message never contains a value.
    ///
    /// ```
    /// use record_core::ErrorKind;
    /// use volc_record::credentials::Credentials;
    /// let err = Credentials::from_lookup(|name| match name {
    ///     "VOLC_ACCESSKEY" => Some("AKLTexample".to_owned()),
    ///     _ => None,
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    /// assert_eq!(err.message(), "environment variable VOLC_SECRETKEY is not set");
    /// ```
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, Error> {
        Self::from_lookup_result(|name| Ok(lookup(name)))
    }

    fn from_lookup_result(
        mut lookup: impl FnMut(&str) -> Result<Option<String>, Error>,
    ) -> Result<Self, Error> {
        let vars = [
            (ACCESS_KEY_ENV, "access_key_id"),
            (SECRET_KEY_ENV, "secret_access_key"),
        ];
        let credentials =
            credentials::from_variables(VENDOR, vars, &mut lookup, |[ak, sk]| Self::new(ak, sk))?;
        match lookup(SESSION_TOKEN_ENV)? {
            Some(token) if !token.is_empty() => {
                credentials.with_session_token(token).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidConfiguration,
                        format!("environment variable {SESSION_TOKEN_ENV}: {}", e.message()),
                    )
                    .with_vendor(VENDOR)
                    .with_retryable(false)
                })
            }
            _ => Ok(credentials),
        }
    }

    /// The AccessKeyId (not secret; it appears in the `Authorization` header).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The SecretAccessKey.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The STS session token, if these are temporary credentials.
    pub fn session_token(&self) -> Option<&SecretString> {
        self.session_token.as_ref()
    }

    /// The session token as text, for the signer.
    pub(crate) fn session_token_str(&self) -> Option<&str> {
        self.session_token.as_ref().map(|t| t.expose_secret())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// An [`ErrorKind::InvalidRequest`] error naming a credential parameter.
fn invalid(parameter: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(parameter, problem).with_vendor(VENDOR)
}
