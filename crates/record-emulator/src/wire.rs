//! The wire form of a vendor request and answer: what the router hands to a vendor handler
//! and what the handler gives back. A leaf: it imports nothing from this crate.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

/// A vendor request as received.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub method: Method,
    /// The raw path, as received.
    pub path: String,
    /// The raw query string (without `?`), as received.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A vendor answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// A short description for the request log (an error code, `ok`).
    pub outcome: String,
}

impl Reply {
    /// A JSON answer.
    pub(crate) fn json<T: Serialize>(status: u16, value: &T, outcome: impl Into<String>) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: Vec::new(),
            content_type: "application/json; charset=utf-8",
            body,
            outcome: outcome.into(),
        }
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    /// The axum response.
    pub(crate) fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }

    /// The answer's headers (with its full `Content-Length`) and the first half of its
    /// body, then an error that makes the server abort the connection.
    pub(crate) fn into_truncated_response(self) -> Response {
        let full = self.body.len();
        let half = Bytes::from(self.body[..full / 2].to_vec());
        use futures::StreamExt as _;
        // The pause lets the server flush the headers and the first half before the error
        // makes it abort the connection.
        let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) }).chain(
            futures::stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "body truncated by fault injection",
                ))
            }),
        );
        let mut response = Response::new(Body::from_stream(stream));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// One vendor request the emulator answered (admin requests are not counted), as
/// [`Emulator::requests`](crate::Emulator::requests) shows it: what tests quote to show
/// that a call was, or was not, sent again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeenRequest {
    /// The vendor it was sent to.
    pub vendor: record_facade::Vendor,
    /// The HTTP method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The vendor's name of the operation: the query's `Action` (ZEGO, Volcengine), else
    /// the path's last segment (Agora: `acquire`, `start`, `query`, `stop`, ...).
    pub action: String,
    /// The HTTP status answered (a dropped connection counts as 0).
    pub status: u16,
}

impl SeenRequest {
    /// The action of a request to `path` with `query`.
    pub(crate) fn action_of(path: &str, query: &str) -> String {
        // Action names are plain ASCII words: no percent-decoding needed.
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
            .map(str::to_owned)
            .unwrap_or_else(|| {
                path.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
    }
}
