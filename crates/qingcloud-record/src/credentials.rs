//! QingCloud API key pair: the `access_key_id` and the `secret_access_key` created on the
//! console's "API 密钥" page (vendor-facts §2.2).
//!
//! The access key id is sent in every query string, so it is kept in plain text. The secret
//! is kept in a [`SecretString`] and never printed: [`Credentials`] has a hand-written
//! [`Debug`] that shows `secret: "[redacted]"`, and no `Display`.

use record_core::{Error, Vendor, credentials};
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
    /// An [`record_core::ErrorKind::InvalidRequest`] error whose [`Error::parameter`] is
    /// [`ACCESS_KEY_ID_PARAM`] or [`SECRET_ACCESS_KEY_PARAM`] when a value breaks one of the
    /// rules listed on [`Credentials`]. The message never contains the secret.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = SecretString::from(secret_access_key.into());
        credentials::check_value(Vendor::QingCloud, ACCESS_KEY_ID_PARAM, &access_key_id)?;
        credentials::check_value(
            Vendor::QingCloud,
            SECRET_ACCESS_KEY_PARAM,
            secret_access_key.expose_secret(),
        )?;
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
    /// An [`record_core::ErrorKind::InvalidConfiguration`] error whose message names the variable when a
    /// variable is missing, is not valid Unicode, or holds a value that
    /// [`Credentials::new`] rejects.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup_result(|name| credentials::env_var(Vendor::QingCloud, name))
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
    /// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
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

    fn from_lookup_result<F>(lookup: F) -> Result<Self, Error>
    where
        F: FnMut(&str) -> Result<Option<String>, Error>,
    {
        let vars = [
            (ACCESS_KEY_ID_ENV, ACCESS_KEY_ID_PARAM),
            (SECRET_ACCESS_KEY_ENV, SECRET_ACCESS_KEY_PARAM),
        ];
        credentials::from_variables(Vendor::QingCloud, vars, lookup, |[id, secret]| {
            Self::new(id, secret)
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
