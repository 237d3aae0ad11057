//! Agora RESTful API credentials: the Customer ID and the Customer Secret (客户 ID / 客户密钥)
//! from the console's "RESTful API" page.
//!
//! The Customer ID is kept in plain text; the Customer Secret is kept in a
//! [`SecretString`] and never printed: [`Credentials`] has a hand-written [`Debug`] that shows
//! `secret: "[redacted]"`, and no `Display`.
//!
//! The values are checked once, when the credentials are built, so that signing
//! ([`crate::signing`]) cannot fail: HTTP Basic (RFC 7617) cannot encode a user-id that
//! contains `:` unambiguously, and neither part may contain control characters.

use record_core::{Error, Vendor, credentials};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The environment variable [`Credentials::from_env`] reads the Customer ID from.
pub const CUSTOMER_ID_ENV: &str = "AGORA_CUSTOMER_ID";

/// The environment variable [`Credentials::from_env`] reads the Customer Secret from.
pub const CUSTOMER_SECRET_ENV: &str = "AGORA_CUSTOMER_SECRET";

/// The parameter name used in errors about the Customer ID.
pub const CUSTOMER_ID_PARAM: &str = "customer_id";

/// The parameter name used in errors about the Customer Secret.
pub const CUSTOMER_SECRET_PARAM: &str = "customer_secret";

/// An Agora Customer ID and Customer Secret, checked for use with HTTP Basic authentication.
///
/// Rules, checked by [`Credentials::new`]:
///
/// * neither value may be empty or consist only of whitespace;
/// * the Customer ID must not contain `:` (RFC 7617 §2: the first colon separates the
///   user-id from the password, so such an id cannot be encoded unambiguously);
/// * neither value may contain control characters (RFC 7617 §2; this also catches a
///   trailing newline pasted from a file).
///
/// Values are otherwise kept verbatim (not trimmed). The secret may contain `:`.
///
/// ```
/// use agora_record::Credentials;
/// let creds = Credentials::new("Aladdin", "open sesame")?;
/// assert_eq!(creds.customer_id(), "Aladdin");
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { customer_id: "Aladdin", secret: "[redacted]" }"#
/// );
/// # Ok::<(), record_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    customer_id: String,
    customer_secret: SecretString,
}

impl Credentials {
    /// Checks and wraps a Customer ID and a Customer Secret.
    ///
    /// # Errors
    ///
    /// An [`record_core::ErrorKind::InvalidRequest`] error whose [`Error::parameter`] is
    /// [`CUSTOMER_ID_PARAM`] or [`CUSTOMER_SECRET_PARAM`] when a value breaks one of the rules
    /// listed on [`Credentials`]. The message never contains the secret.
    pub fn new(
        customer_id: impl Into<String>,
        customer_secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let customer_id = customer_id.into();
        let customer_secret = SecretString::from(customer_secret.into());
        credentials::check_value(Vendor::Agora, CUSTOMER_ID_PARAM, &customer_id)?;
        if customer_id.contains(':') {
            return Err(invalid(
                CUSTOMER_ID_PARAM,
                "must not contain `:`: HTTP Basic authentication (RFC 7617) cannot encode it",
            ));
        }
        credentials::check_value(
            Vendor::Agora,
            CUSTOMER_SECRET_PARAM,
            customer_secret.expose_secret(),
        )?;
        Ok(Self {
            customer_id,
            customer_secret,
        })
    }

    /// Reads the credentials from the environment variables [`CUSTOMER_ID_ENV`]
    /// (`AGORA_CUSTOMER_ID`) and [`CUSTOMER_SECRET_ENV`] (`AGORA_CUSTOMER_SECRET`).
    ///
    /// # Errors
    ///
    /// An [`record_core::ErrorKind::InvalidConfiguration`] error whose message names the variable when a
    /// variable is missing, is not valid Unicode, or holds a value that
    /// [`Credentials::new`] rejects.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup_result(|name| credentials::env_var(Vendor::Agora, name))
    }

    /// Like [`Credentials::from_env`], but reads the variables through `lookup` (which gets
    /// the variable name and returns its value, `None` when unset), so that tests need not
    /// touch the process environment.
    ///
    /// ```
    /// use agora_record::Credentials;
    /// use record_core::ErrorKind;
    /// let err = Credentials::from_lookup(|name| {
    ///     (name == "AGORA_CUSTOMER_ID").then(|| "id".to_owned())
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    /// assert!(err.message().contains("AGORA_CUSTOMER_SECRET"));
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
            (CUSTOMER_ID_ENV, CUSTOMER_ID_PARAM),
            (CUSTOMER_SECRET_ENV, CUSTOMER_SECRET_PARAM),
        ];
        credentials::from_variables(Vendor::Agora, vars, lookup, |[id, secret]| {
            Self::new(id, secret)
        })
    }

    /// The Customer ID (not secret).
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }

    /// The Customer Secret. Only the signer should need it; do not log it.
    pub fn expose_customer_secret(&self) -> &str {
        self.customer_secret.expose_secret()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("customer_id", &self.customer_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

fn invalid(param: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(param, problem).with_vendor(Vendor::Agora)
}
