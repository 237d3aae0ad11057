//! ZEGO server-API credentials: the `AppId` and the `ServerSecret` from the ZEGO console
//! (项目管理 → 项目信息: AppID / ServerSecret).
//!
//! The `AppId` is a decimal `Uint32` and is kept in plain text; the `ServerSecret` is kept
//! in a [`SecretString`] and never printed: [`Credentials`] has a hand-written [`Debug`] that
//! shows `secret: "[redacted]"`, and no `Display`.
//!
//! The values are checked once, when the credentials are built, so that signing
//! ([`crate::signing`]) only has to check the per-request values.

use record_core::{Error, Vendor, credentials};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The environment variable [`Credentials::from_env`] reads the `AppId` from (decimal).
pub const APP_ID_ENV: &str = "ZEGO_APP_ID";

/// The environment variable [`Credentials::from_env`] reads the `ServerSecret` from.
pub const SERVER_SECRET_ENV: &str = "ZEGO_SERVER_SECRET";

/// The parameter name used in errors about the `AppId`.
pub const APP_ID_PARAM: &str = "app_id";

/// The parameter name used in errors about the `ServerSecret`.
pub const SERVER_SECRET_PARAM: &str = "server_secret";

/// A ZEGO `AppId` and `ServerSecret`, checked for use by the [`crate::signing`] functions.
///
/// Rules:
///
/// * the `AppId` is a `u32` (ZEGO types it `Uint32`); every value, `0` included, is accepted
///   by [`Credentials::new`]. [`Credentials::parse`] and [`Credentials::from_env`] accept
///   only a non-empty string of ASCII digits `0-9` whose value fits in a `u32` (no sign, no
///   spaces; leading zeros are allowed and dropped, since the signature uses the decimal
///   rendering of the number);
/// * the `ServerSecret` must not be empty or consist only of whitespace, and must not contain
///   control characters (this catches a trailing newline pasted from a file, which would
///   silently produce wrong signatures). It is otherwise kept verbatim (not trimmed), and
///   any Unicode is accepted: the signer hashes its UTF-8 bytes.
///
/// ```
/// use zego_record::Credentials;
/// let creds = Credentials::new(12345, "9193cc662a4c0ec135ec71fb57194b38")?;
/// assert_eq!(creds.app_id(), 12345);
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { app_id: 12345, secret: "[redacted]" }"#
/// );
/// # Ok::<(), record_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    app_id: u32,
    server_secret: SecretString,
}

impl Credentials {
    /// Checks and wraps an `AppId` and a `ServerSecret`.
    ///
    /// # Errors
    ///
    /// An [`record_core::ErrorKind::InvalidRequest`] error whose [`Error::parameter`] is
    /// [`SERVER_SECRET_PARAM`] when the secret breaks one of the rules listed on
    /// [`Credentials`]. The message never contains the secret.
    pub fn new(app_id: u32, server_secret: impl Into<String>) -> Result<Self, Error> {
        let server_secret = SecretString::from(server_secret.into());
        credentials::check_value(
            Vendor::Zego,
            SERVER_SECRET_PARAM,
            server_secret.expose_secret(),
        )?;
        Ok(Self {
            app_id,
            server_secret,
        })
    }

    /// Like [`Credentials::new`], with the `AppId` given as decimal text (as in the console
    /// or a configuration file).
    ///
    /// ```
    /// use zego_record::Credentials;
    /// assert_eq!(Credentials::parse("4294967295", "s")?.app_id(), u32::MAX);
    /// let err = Credentials::parse("", "s").unwrap_err();
    /// assert_eq!(err.parameter(), Some("app_id"));
    /// # Ok::<(), record_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An [`record_core::ErrorKind::InvalidRequest`] error whose [`Error::parameter`] is [`APP_ID_PARAM`]
    /// when `app_id` is empty, holds anything but ASCII digits or does not fit in a `u32`,
    /// or is [`SERVER_SECRET_PARAM`] as for [`Credentials::new`].
    pub fn parse(app_id: &str, server_secret: impl Into<String>) -> Result<Self, Error> {
        let app_id = parse_app_id(app_id)?;
        Self::new(app_id, server_secret)
    }

    /// Reads the credentials from the environment variables [`APP_ID_ENV`] (`ZEGO_APP_ID`,
    /// decimal) and [`SERVER_SECRET_ENV`] (`ZEGO_SERVER_SECRET`).
    ///
    /// # Errors
    ///
    /// An [`record_core::ErrorKind::InvalidConfiguration`] error whose message names the variable when a
    /// variable is missing, is not valid Unicode, or holds a value that
    /// [`Credentials::parse`] rejects. The message never contains the secret.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup_result(|name| credentials::env_var(Vendor::Zego, name))
    }

    /// Like [`Credentials::from_env`], but reads the variables through `lookup` (which gets
    /// the variable name and returns its value, `None` when unset), so that tests need not
    /// touch the process environment.
    ///
    /// ```
    /// use record_core::ErrorKind;
    /// use zego_record::Credentials;
    /// let err = Credentials::from_lookup(|name| (name == "ZEGO_APP_ID").then(|| "12345".to_owned()))
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    /// assert!(err.message().contains("ZEGO_SERVER_SECRET"));
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
            (APP_ID_ENV, APP_ID_PARAM),
            (SERVER_SECRET_ENV, SERVER_SECRET_PARAM),
        ];
        credentials::from_variables(Vendor::Zego, vars, lookup, |[id, secret]| {
            Self::parse(&id, secret)
        })
    }

    /// The `AppId` (not secret).
    pub fn app_id(&self) -> u32 {
        self.app_id
    }

    /// The `ServerSecret`. Only the signer should need it; do not log it.
    pub fn expose_server_secret(&self) -> &str {
        self.server_secret.expose_secret()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("app_id", &self.app_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Parses a decimal `AppId`: ASCII digits only, fits in a `u32`.
fn parse_app_id(text: &str) -> Result<u32, Error> {
    if text.is_empty() {
        return Err(invalid(APP_ID_PARAM, "must not be empty"));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            APP_ID_PARAM,
            "must be a decimal number made of the ASCII digits 0-9 only",
        ));
    }
    text.parse::<u32>().map_err(|_| {
        invalid(
            APP_ID_PARAM,
            "must be at most 4294967295 (ZEGO types AppId as Uint32)",
        )
    })
}

fn invalid(param: &'static str, problem: &'static str) -> Error {
    Error::invalid_parameter(param, problem).with_vendor(Vendor::Zego)
}
