//! What the targets share: splitting the input, building HTTP answers, and the invariants
//! every decoder, classifier and signer must keep. A failed invariant panics with a message
//! that names it; libFuzzer reports the panic as a crash.

use crate::seeds::FIELD_SEPARATOR;
use record_core::transport::RawResponse;
use record_core::{Error, ErrorCodeInfo, Recording, Vendor};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// The fields of a `<vendor>_sign` input, read one after the other. Once the input is used
/// up every further field is empty.
pub(crate) struct Fields<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: Some(data) }
    }

    /// The next field, raw.
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let Some(rest) = self.rest else {
            return &[];
        };
        match rest.iter().position(|&b| b == FIELD_SEPARATOR) {
            Some(i) => {
                let (field, after) = rest.split_at(i);
                self.rest = after.get(1..);
                field
            }
            None => {
                self.rest = None;
                rest
            }
        }
    }

    /// The next field as text (invalid UTF-8 replaced by U+FFFD).
    pub(crate) fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// The next field as an optional value: empty is `None`, otherwise the bytes after the
    /// first (the marker, [`crate::seeds::PRESENT`] in the seeds).
    pub(crate) fn optional(&mut self) -> Option<&'a [u8]> {
        self.bytes().split_first().map(|(_, value)| value)
    }

    /// The next field as an `i64`: its decimal value when it is one, otherwise its first
    /// eight bytes, little-endian (so that every value, extremes included, is reachable).
    pub(crate) fn int(&mut self) -> i64 {
        let field = self.bytes();
        if let Some(v) = std::str::from_utf8(field)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return v;
        }
        let mut buf = [0u8; 8];
        for (slot, b) in buf.iter_mut().zip(field) {
            *slot = *b;
        }
        i64::from_le_bytes(buf)
    }

    /// Every remaining field, as (name, value) text pairs; an odd last name gets an empty
    /// value.
    pub(crate) fn pairs(mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        while self.rest.is_some() {
            let name = self.text();
            let value = self.text();
            out.push((name, value));
        }
        out
    }
}

/// A successful (HTTP 200) answer with `body`.
pub(crate) fn ok_response(body: &[u8]) -> RawResponse {
    RawResponse {
        status: 200,
        headers: HeaderMap::new(),
        body: body.to_vec(),
    }
}

/// The answer an `<vendor>_error` input describes ([`crate::seeds::error_input`]).
pub(crate) fn error_response(data: &[u8]) -> RawResponse {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let status = u16::from_be_bytes([byte(0), byte(1)]);
    let status = if (100..=999).contains(&status) {
        status
    } else {
        100 + status % 900
    };
    let rest = data.get(4..).unwrap_or_default();
    let (retry_after, rest) = rest.split_at(usize::from(byte(2)).min(rest.len()));
    let (request_id, body) = rest.split_at(usize::from(byte(3)).min(rest.len()));
    let mut headers = HeaderMap::new();
    if !retry_after.is_empty()
        && let Ok(value) = HeaderValue::from_bytes(retry_after)
    {
        headers.insert(RETRY_AFTER, value);
    }
    if !request_id.is_empty()
        && let Ok(value) = HeaderValue::from_bytes(request_id)
    {
        headers.insert("x-request-id", value);
    }
    RawResponse {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// A decoded model serializes, and what it serializes to decodes to the same model (the
/// deliberate normalisations of the fixtures' `roundtrip/` files keep this: they rename,
/// they do not change values).
pub(crate) fn check_roundtrip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = match serde_json::to_vec(value) {
        Ok(json) => json,
        Err(e) => panic!("a decoded model does not serialize: {e}\n{value:?}"),
    };
    let again: T = match serde_json::from_slice(&json) {
        Ok(again) => again,
        Err(e) => panic!(
            "a decoded model re-serializes to JSON that does not decode: {e}\n{}",
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(
        &again,
        value,
        "a decoded model changes through serialize + decode; JSON: {}",
        String::from_utf8_lossy(&json)
    );
}

/// A neutral recording names its vendor and serializes to the documented JSON shape.
pub(crate) fn check_recording(recording: &Recording, vendor: Vendor) {
    assert_eq!(recording.vendor, vendor, "recording of the wrong vendor");
    assert_eq!(
        recording.task.vendor(),
        vendor,
        "task ref of the wrong vendor"
    );
    let json = match serde_json::to_value(recording) {
        Ok(json) => json,
        Err(e) => panic!("a Recording does not serialize: {e}\n{recording:?}"),
    };
    assert_eq!(json["vendor"], vendor.id(), "JSON `vendor`");
    assert_eq!(json["state"], recording.state.as_str(), "JSON `state`");
    assert_eq!(
        json["files"].as_array().map(Vec::len),
        Some(recording.files.len()),
        "JSON `files`"
    );
    let text = serde_json::to_string(recording).unwrap_or_default();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "the Recording's JSON text does not parse back"
    );
    let _ = recording.task.to_string();
}

/// What every classified answer must keep: only a 2xx answer can succeed, and an error is
/// printable, names the answer's own status if any, and follows the documented table for a
/// documented vendor code (`table`: the code's entry, if documented).
pub(crate) fn check_outcome<T>(
    outcome: &Result<T, Error>,
    raw: &RawResponse,
    table: fn(&str) -> Option<&'static ErrorCodeInfo>,
) {
    let e = match outcome {
        Ok(_) => {
            assert!(
                (200..300).contains(&raw.status),
                "an answer with HTTP status {} was accepted as a success",
                raw.status
            );
            return;
        }
        Err(e) => e,
    };
    let _ = e.to_string();
    let _ = format!("{e:?}");
    if let Some(status) = e.http_status() {
        assert_eq!(status, raw.status, "the error names another HTTP status");
    }
    if let Some(code) = e.vendor_code()
        && let Some(info) = table(code)
    {
        assert_eq!(
            (e.kind(), e.is_retryable()),
            (info.kind, info.retryable),
            "documented code {code:?} classified against its table entry"
        );
    }
}

/// RFC 3986 percent-decoding of one component, as UTF-8 (lossy).
pub(crate) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits an `a=b&c=d` query (whose names and values are percent-encoded, so that neither
/// `&` nor `=` occurs raw inside them) into decoded pairs.
pub(crate) fn decode_query(query: &str) -> Vec<(String, String)> {
    if query.is_empty() {
        return Vec::new();
    }
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Whether `text` is `len` lowercase hex digits.
pub(crate) fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
