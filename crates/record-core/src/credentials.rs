//! Checks and environment reading shared by the vendor crates' `Credentials` types.
//!
//! None of these functions puts a credential value into an error: messages name the
//! parameter or the environment variable only.

use crate::{Error, ErrorKind, Vendor};

/// Rejects a credential value that is empty, only whitespace, or contains control
/// characters (a trailing newline pasted from a file, for example): an
/// [`ErrorKind::InvalidRequest`] error naming `param`.
///
/// ```
/// use record_core::{Vendor, credentials::check_value};
/// assert!(check_value(Vendor::Zego, "server_secret", "s3cret").is_ok());
/// let err = check_value(Vendor::Zego, "server_secret", "s3cret\n").unwrap_err();
/// assert_eq!(err.parameter(), Some("server_secret"));
/// assert!(!err.to_string().contains("s3cret"));
/// ```
pub fn check_value(vendor: Vendor, param: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(
            Error::invalid_parameter(param, "must not be empty or only whitespace")
                .with_vendor(vendor),
        );
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_parameter(
            param,
            "must not contain control characters (a trailing newline, for example)",
        )
        .with_vendor(vendor));
    }
    Ok(())
}

/// Reads the environment variable `name`: `None` when it is unset, an
/// [`ErrorKind::InvalidConfiguration`] error naming it when it is not valid Unicode.
pub fn env_var(vendor: Vendor, name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(invalid_configuration(
            vendor,
            format!("environment variable {name} is not valid Unicode"),
        )),
    }
}

/// Reads credentials from variables: looks up each `(variable, parameter)` pair with
/// `lookup` (an unset variable is an [`ErrorKind::InvalidConfiguration`] error naming it:
/// `environment variable X is not set`), then builds with `build`. An error from `build`
/// about a parameter is turned into an [`ErrorKind::InvalidConfiguration`] error naming the
/// variable that parameter came from (`environment variable X: …`; the first variable when
/// the error names no listed parameter). Messages start with `environment variable X`, so a
/// caller whose lookup read the value from elsewhere can name that place instead.
///
/// ```
/// use record_core::{ErrorKind, Vendor, credentials::{check_value, from_variables}};
/// let vars = [("APP_ID", "app_id"), ("SECRET", "secret")];
/// let err = from_variables(Vendor::Zego, vars, |n| Ok((n == "APP_ID").then(|| "1".to_owned())), |_| Ok(()))
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
/// assert!(err.message().contains("SECRET is not set"));
/// let err = from_variables(Vendor::Zego, vars, |_| Ok(Some(" ".to_owned())), |[id, secret]| {
///     check_value(Vendor::Zego, "app_id", &id)?;
///     check_value(Vendor::Zego, "secret", &secret)
/// })
/// .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
/// assert!(err.message().starts_with("environment variable APP_ID: "));
/// ```
pub fn from_variables<const N: usize, T>(
    vendor: Vendor,
    vars: [(&'static str, &'static str); N],
    mut lookup: impl FnMut(&str) -> Result<Option<String>, Error>,
    build: impl FnOnce([String; N]) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut values: [String; N] = std::array::from_fn(|_| String::new());
    for ((var, _), slot) in vars.iter().zip(values.iter_mut()) {
        *slot = lookup(var)?.ok_or_else(|| {
            invalid_configuration(vendor, format!("environment variable {var} is not set"))
        })?;
    }
    build(values).map_err(|e| {
        let var = vars
            .iter()
            .find(|(_, param)| e.parameter() == Some(*param))
            .or(vars.first())
            .map_or("", |(var, _)| *var);
        invalid_configuration(
            vendor,
            format!("environment variable {var}: {}", e.message()),
        )
    })
}

fn invalid_configuration(vendor: Vendor, message: String) -> Error {
    Error::new(ErrorKind::InvalidConfiguration, message)
        .with_vendor(vendor)
        .with_retryable(false)
}
