//! The checks a request builder runs before anything is sent, one small function per kind
//! of documented limit, so that every generated builder (and every hand-written rule of a
//! vendor crate) fails the same way: an [`ErrorKind::InvalidRequest`](crate::ErrorKind)
//! error naming the parameter ([`Error::parameter`]), the vendor and the action.
//!
//! ```
//! use record_core::{Vendor, check::Checks};
//! let checks = Checks::new(Vendor::Zego, "StopRecord");
//! let task_id = checks.required("TaskId", Some("abc".to_owned()))?;
//! let err = checks.len_bytes("TaskId", &task_id, 16).unwrap_err();
//! assert_eq!(err.parameter(), Some("TaskId"));
//! assert_eq!(err.action(), Some("StopRecord"));
//! assert_eq!(err.message(), "must be exactly 16 bytes long, got 3 bytes");
//! # Ok::<(), record_core::Error>(())
//! ```

use crate::{Error, Vendor};
use std::borrow::Cow;
use std::fmt::Display;

/// The checks of one action's request: each failure is an
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error carrying the
/// parameter, the vendor and the action.
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    vendor: Option<Vendor>,
    action: Option<&'static str>,
}

impl Checks {
    /// Checks whose errors name no vendor or action (a nested body's checks, whose caller
    /// adds them).
    pub const UNNAMED: Self = Self {
        vendor: None,
        action: None,
    };

    /// The checks of `action`'s request to `vendor`.
    pub const fn new(vendor: Vendor, action: &'static str) -> Self {
        Self {
            vendor: Some(vendor),
            action: Some(action),
        }
    }

    /// The error for `parameter` breaking a rule, described by `problem`.
    pub fn fail(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        problem: impl Into<Cow<'static, str>>,
    ) -> Error {
        let mut e = Error::invalid_parameter(parameter, problem);
        if let Some(v) = self.vendor {
            e = e.with_vendor(v);
        }
        if let Some(a) = self.action {
            e = e.with_action(a);
        }
        e
    }

    /// The value of a required parameter.
    ///
    /// # Errors
    /// "is required" when `value` is `None`.
    pub fn required<T>(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        value: Option<T>,
    ) -> Result<T, Error> {
        value.ok_or_else(|| self.fail(parameter, "is required"))
    }

    /// A string that must not be empty.
    ///
    /// # Errors
    /// "must not be empty".
    pub fn non_empty(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        value: &str,
    ) -> Result<(), Error> {
        if value.is_empty() {
            return Err(self.fail(parameter, "must not be empty"));
        }
        Ok(())
    }

    /// A string of exactly `bytes` bytes (UTF-8).
    ///
    /// # Errors
    /// "must be exactly N bytes long, got M bytes".
    pub fn len_bytes(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        value: &str,
        bytes: usize,
    ) -> Result<(), Error> {
        if value.len() != bytes {
            return Err(self.fail(
                parameter,
                format!(
                    "must be exactly {bytes} bytes long, got {} bytes",
                    value.len()
                ),
            ));
        }
        Ok(())
    }

    /// An integer within the inclusive bounds that are given.
    ///
    /// # Errors
    /// "must be between A and B, got V", "must be at least A, got V" or "must be at most B,
    /// got V".
    pub fn range(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        value: impl Into<i128>,
        min: Option<i128>,
        max: Option<i128>,
    ) -> Result<(), Error> {
        let v = value.into();
        let problem = match (min, max) {
            (Some(lo), Some(hi)) if !(lo..=hi).contains(&v) => {
                format!("must be between {lo} and {hi}, got {v}")
            }
            (Some(lo), None) if v < lo => format!("must be at least {lo}, got {v}"),
            (None, Some(hi)) if v > hi => format!("must be at most {hi}, got {v}"),
            _ => return Ok(()),
        };
        Err(self.fail(parameter, problem))
    }

    /// A value that must be one of `allowed` (compared by its raw value).
    ///
    /// # Errors
    /// "must be one of A, B, got V".
    pub fn one_of<T: PartialEq + Display>(
        &self,
        parameter: impl Into<Cow<'static, str>>,
        value: T,
        allowed: &[T],
    ) -> Result<(), Error> {
        if allowed.contains(&value) {
            return Ok(());
        }
        let shown: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        Err(self.fail(
            parameter,
            format!("must be one of {}, got {value}", shown.join(", ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const C: Checks = Checks::new(Vendor::Volcengine, "StartRecord");

    fn message(r: Result<(), Error>) -> String {
        match r {
            Ok(()) => "ok".to_owned(),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidRequest);
                assert_eq!(e.vendor(), Some(Vendor::Volcengine));
                assert_eq!(e.action(), Some("StartRecord"));
                format!("{}: {}", e.parameter().unwrap_or("-"), e.message())
            }
        }
    }

    #[test]
    fn each_check_names_the_parameter_and_the_limit() {
        assert_eq!(
            message(C.required::<u8>("TaskId", None).map(drop)),
            "TaskId: is required"
        );
        assert_eq!(message(C.required("TaskId", Some(1)).map(drop)), "ok");
        assert_eq!(
            message(C.non_empty("RoomId", "")),
            "RoomId: must not be empty"
        );
        assert_eq!(message(C.non_empty("RoomId", "r")), "ok");
        assert_eq!(
            message(C.len_bytes("TaskId", "同", 1)),
            "TaskId: must be exactly 1 bytes long, got 3 bytes"
        );
        assert_eq!(message(C.len_bytes("TaskId", "ab", 2)), "ok");
        assert_eq!(
            message(C.range("PageSize", 0u32, Some(1), Some(50))),
            "PageSize: must be between 1 and 50, got 0"
        );
        assert_eq!(
            message(C.range("PageSize", 51u32, Some(1), Some(50))),
            "PageSize: must be between 1 and 50, got 51"
        );
        assert_eq!(message(C.range("PageSize", 50u32, Some(1), Some(50))), "ok");
        assert_eq!(
            message(C.range("Limit", -1i64, Some(0), None)),
            "Limit: must be at least 0, got -1"
        );
        assert_eq!(
            message(C.range("Limit", u64::MAX, None, Some(10))),
            format!("Limit: must be at most 10, got {}", u64::MAX)
        );
        assert_eq!(message(C.range("Limit", 7u8, None, None)), "ok");
        assert_eq!(
            message(C.one_of("Status", 1, &[2, 3])),
            "Status: must be one of 2, 3, got 1"
        );
        assert_eq!(message(C.one_of("Mode", "mix", &["mix", "web"])), "ok");
    }
}
