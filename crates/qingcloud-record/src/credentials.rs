//! QingCloud API key pair: the `access_key_id` and the `secret_access_key` created on the
//! console's "API 密钥" page (vendor-facts §2.2).
//!
//! The access key id is sent in every query string, so it is kept in plain text. The secret
//! is kept in a [`SecretString`] and never printed: [`Credentials`] has a hand-written
//! [`Debug`] that shows `secret: "[redacted]"`, and no `Display`.

use record_core::{Error, ErrorKind, Vendor};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The environment variable [`Credentials::from_env`] reads the access key id from.
pub const ACCESS_KEY_ID_ENV: &str = "QINGCLOUD_ACCESS_KEY_ID";

/// The environment variable [`Credentials::from_env`] reads the secret access key from.
pub const SECRET_ACCESS_KEY_ENV: &str = "QINGCLOUD_SECRET_ACCESS_KEY";

/// The parameter name used in errors about the access key id (also its query name).
pub const ACCESS_KEY_ID_PARAM: &str = "access_key_id";

/// The parameter name used in errors about the secret access key.
pub const SECRET_ACCESS_KEY_PARAM: &str = "secret_access_key";

/// A QingCloud access key id and secret access key, checked for use with
/// [`crate::signing`].
///
/// Rules, checked by [`Credentials::new`]:
///
/// * neither value may be empty or consist only of whitespace;
/// * neither value may contain control characters (this catches a trailing newline pasted
///   from a file, which would otherwise silently produce wrong signatures).
///
/// Values are otherwise kept verbatim (not trimmed); any Unicode is allowed (the id is
/// percent-encoded when signed, the secret is used as its UTF-8 bytes).
///
/// ```
/// use qingcloud_record::Credentials;
/// let creds = Credentials::new("QYACCESSKEYIDEXAMPLE", "SECRETACCESSKEY")?;
/// assert_eq!(creds.access_key_id(), "QYACCESSKEYIDEXAMPLE");
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { access_key_id: "QYACCESSKEYIDEXAMPLE", secret: "[redacted]" }"#
/// );
/// # Ok::<(), record_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
}

impl Credentials {
    /// Checks and wraps an access key id and a secret access key.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidRequest`] error whose [`Error::parameter`] is
    /// [`ACCESS_KEY_ID_PARAM`] or [`SECRET_ACCESS_KEY_PARAM`] when a value breaks one of the
    /// rules listed on [`Credentials`]. The message never contains the secret.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = SecretString::from(secret_access_key.into());
        check_value(ACCESS_KEY_ID_PARAM, &access_key_id)?;
        check_value(SECRET_ACCESS_KEY_PARAM, secret_access_key.expose_secret())?;
        Ok(Self {
            access_key_id,
            secret_access_key,
        })
    }

    /// Reads the credentials from the environment variables [`ACCESS_KEY_ID_ENV`]
    /// (`QINGCLOUD_ACCESS_KEY_ID`) and [`SECRET_ACCESS_KEY_ENV`]
    /// (`QINGCLOUD_SECRET_ACCESS_KEY`).
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Unauthenticated`] error whose message names the variable when a
    /// variable is missing, is not valid Unicode, or holds a value that
    /// [`Credentials::new`] rejects.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup_result(|name| match std::env::var(name) {
            Ok(v) => Ok(Some(v)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(unauthenticated(format!(
                "environment variable {name} is not valid Unicode"
            ))),
        })
    }

    /// Like [`Credentials::from_env`], but reads the variables through `lookup` (which gets
    /// the variable name and returns its value, `None` when unset), so that tests need not
    /// touch the process environment.
    ///
    /// ```
    /// use qingcloud_record::Credentials;
    /// use record_core::ErrorKind;
    /// let err = Credentials::from_lookup(|name| {
    ///     (name == "QINGCLOUD_ACCESS_KEY_ID").then(|| "QYACCESSKEYIDEXAMPLE".to_owned())
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    /// assert!(err.message().contains("QINGCLOUD_SECRET_ACCESS_KEY"));
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`Credentials::from_env`].
    pub fn from_lookup<F>(mut lookup: F) -> Result<Self, Error>
    where
        F: FnMut(&str) -> Option<String>,
    {
        Self::from_lookup_result(|name| Ok(lookup(name)))
    }

    fn from_lookup_result<F>(mut lookup: F) -> Result<Self, Error>
    where
        F: FnMut(&str) -> Result<Option<String>, Error>,
    {
        let mut read = |name: &'static str| -> Result<String, Error> {
            lookup(name)?
                .ok_or_else(|| unauthenticated(format!("environment variable {name} is not set")))
        };
        let id = read(ACCESS_KEY_ID_ENV)?;
        let secret = SecretString::from(read(SECRET_ACCESS_KEY_ENV)?);
        Self::new(id, secret.expose_secret()).map_err(|e| {
            let var = match e.parameter() {
                Some(SECRET_ACCESS_KEY_PARAM) => SECRET_ACCESS_KEY_ENV,
                _ => ACCESS_KEY_ID_ENV,
            };
            unauthenticated(format!("environment variable {var}: {}", e.message()))
        })
    }

    /// The access key id (not secret; sent as the `access_key_id` query parameter).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Only the signer should need it; do not log it.
    pub fn expose_secret_access_key(&self) -> &str {
        self.secret_access_key.expose_secret()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Rules shared by both values: not empty after trimming, no control characters.
fn check_value(param: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(invalid(param, "must not be empty or only whitespace"));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(param, "must not contain control characters"));
    }
    Ok(())
}

fn invalid(param: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(param, problem).with_vendor(Vendor::QingCloud)
}

fn unauthenticated(message: String) -> Error {
    Error::new(ErrorKind::Unauthenticated, message).with_vendor(Vendor::QingCloud)
}
