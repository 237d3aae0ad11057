//! Turning an Agora error answer ([`ErrorBody`] plus its HTTP status) into a
//! [`record_core::Error`].

use crate::{ErrorBody, VENDOR, error_code_info};
use record_core::{Error, ErrorCodeInfo, ErrorKind};

impl ErrorBody {
    /// The documented error this body reports, if any: the service `code` is looked up first
    /// (as text, e.g. `"501"`), then the gateway `message` (e.g. `"API rate limit exceeded"`).
    ///
    /// ```
    /// use agora_record::ErrorBody;
    /// use record_core::ErrorKind;
    /// let body: ErrorBody = serde_json::from_str(r#"{"message": "API rate limit exceeded"}"#)?;
    /// let info = body.error_code_info().map(|i| (i.kind, i.retryable));
    /// assert_eq!(info, Some((ErrorKind::RateLimited, true)));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn error_code_info(&self) -> Option<&'static ErrorCodeInfo> {
        self.code
            .and_then(|code| error_code_info(&code.to_string()))
            .or_else(|| self.message.as_deref().and_then(error_code_info))
    }

    /// The most specific text the vendor sent: `reason`, else `message`, else the
    /// `serverResponse.payload.message` of the observed 404 body.
    pub fn vendor_text(&self) -> Option<&str> {
        self.reason
            .as_deref()
            .or(self.message.as_deref())
            .or_else(|| {
                self.server_response
                    .as_ref()
                    .and_then(|r| r.payload.as_ref())
                    .and_then(|p| p.message.as_deref())
            })
    }

    /// The error this answer means, for a response with HTTP status `http_status`.
    ///
    /// Kind and retryability come from the documented code or message when there is one
    /// ([`ErrorBody::error_code_info`]); otherwise from the HTTP status: 400 invalid request,
    /// 401 unauthenticated, 403 permission denied, 404 not found (the session ended, failed,
    /// or is in failover; the message says so), 429 rate limited, 5xx server, anything else
    /// (including an undocumented code inside an HTTP 200 answer) vendor.
    ///
    /// ```
    /// use agora_record::ErrorBody;
    /// use record_core::ErrorKind;
    /// let body: ErrorBody = serde_json::from_str(r#"{"code": 2, "reason": "invalid uid"}"#)?;
    /// let err = body.to_error(400);
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// assert_eq!(err.vendor_code(), Some("2"));
    /// assert_eq!(err.vendor_message(), Some("invalid uid"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_error(&self, http_status: u16) -> Error {
        let mut err = match self.error_code_info() {
            Some(info) => Error::new(info.kind, info.meaning).with_retryable(info.retryable),
            None => Error::new(kind_for_status(http_status), fallback_message(http_status)),
        };
        err = err
            .with_vendor(VENDOR)
            .with_action(crate::endpoints::QUERY.name)
            .with_http_status(http_status);
        if let Some(code) = self.code {
            err = err.with_vendor_code(code.to_string());
        } else if let Some(message) = &self.message {
            err = err.with_vendor_code(message.clone());
        }
        if let Some(text) = self.vendor_text() {
            err = err.with_vendor_message(text);
        }
        err
    }
}

/// The message of a `query` answered with HTTP 404 and no documented code: the session is
/// not (or no longer) running.
pub(crate) const SESSION_NOT_FOUND: &str = "no active cloud-recording session for this \
     resource ID and sid: the recording has ended, failed to start or never started, or the \
     sid, resource ID, App ID or mode is wrong (query answers only while the session runs; \
     during a failover of up to ~90 s it also answers 404, so query again later)";

/// The message of an undocumented error answer with this HTTP status.
pub(crate) fn fallback_message(status: u16) -> std::borrow::Cow<'static, str> {
    match status {
        404 => SESSION_NOT_FOUND.into(),
        200..=299 => format!(
            "the cloud recording API answered HTTP {status} with an undocumented error code"
        )
        .into(),
        _ => format!("HTTP {status} from the cloud recording API").into(),
    }
}

/// The normalized kind for an undocumented error answer with this HTTP status.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 => ErrorKind::InvalidRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Vendor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Result<ErrorBody, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn worker_lost_404_is_not_found_with_the_worker_message() -> Result<(), serde_json::Error> {
        let b = body(
            r#"{"code": 404, "serverResponse": {"command": "StopCloudRecorder",
                "payload": {"message": "failed to find worker"}}}"#,
        )?;
        assert!(b.error_code_info().is_none());
        let e = b.to_error(404);
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(!e.is_retryable());
        assert_eq!(e.vendor_code(), Some("404"));
        assert_eq!(e.vendor_message(), Some("failed to find worker"));
        assert_eq!(e.http_status(), Some(404));
        assert!(e.message().contains("has ended"), "{e}");
        Ok(())
    }

    #[test]
    fn gateway_message_is_the_code() -> Result<(), serde_json::Error> {
        let e = body(r#"{"message": "Invalid authentication credentials"}"#)?.to_error(401);
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
        assert_eq!(e.vendor_code(), Some("Invalid authentication credentials"));
        let e = body(r#"{"message": "API rate limit exceeded"}"#)?.to_error(429);
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.is_retryable());
        Ok(())
    }

    #[test]
    fn undocumented_answers_fall_back_to_the_http_status() -> Result<(), serde_json::Error> {
        let cases = [
            (400, ErrorKind::InvalidRequest),
            (401, ErrorKind::Unauthenticated),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (504, ErrorKind::Server),
            (418, ErrorKind::Vendor),
        ];
        for (status, kind) in cases {
            let e = body("{}")?.to_error(status);
            assert_eq!(e.kind(), kind, "HTTP {status}");
            assert_eq!(e.vendor_code(), None);
        }
        Ok(())
    }
}
