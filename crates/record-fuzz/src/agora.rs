//! Agora targets: `query` decoding, the client's error classification (and the error-body
//! classifier `ErrorBody::to_error`), and HTTP Basic authentication.

use crate::check::{self, Fields};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use record_core::client::decode_json;
use record_core::{FixedClock, TaskRef, ToRecording as _, UnixMillis, Vendor};
use record_facade::agora::{self, Credentials, ErrorBody, QueryResponse, RecordingMode, signing};

/// `agora_decode`: the body as `QueryResponse` (and as `ErrorBody`), the round trips, the
/// state refinements, and the neutral recording for every mode.
pub fn decode(data: &[u8]) {
    let raw = check::ok_response(data);
    if let Ok(body) = decode_json::<ErrorBody>(&raw) {
        check::check_roundtrip(&body);
        let _ = (body.error_code_info(), body.vendor_text());
    }
    let Ok(response) = decode_json::<QueryResponse>(&raw) else {
        return;
    };
    check::check_roundtrip(&response);
    let _ = response.recording_state();
    let server = &response.server_response;
    let _ = (server.recording_state(), server.is_web_recorder_on_hold());
    if let Some(files) = &server.file_list {
        // `is_empty` means exactly "names no file".
        assert_eq!(files.is_empty(), files.file_names().is_empty());
        let _ = files.as_m3u8();
    }
    for mode in [
        RecordingMode::Individual,
        RecordingMode::Mix,
        RecordingMode::Web,
    ] {
        // With the session's ids, and with none (the answer's own ids, if any, are used).
        for (resource_id, sid) in [
            (
                "JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GC",
                "38f8e3cfdc474cd56fc1ceba380d7e1a",
            ),
            ("", ""),
        ] {
            let task = TaskRef::Agora {
                app_id: "appid".to_owned(),
                resource_id: resource_id.to_owned(),
                sid: sid.to_owned(),
                mode: mode.raw().to_owned(),
                cname: None,
                uid: None,
            };
            match response.to_recording(&task) {
                Ok(recording) => check::check_recording(&recording, Vendor::Agora),
                // Only an answer without ids fails, and only for a task without them.
                Err(e) => assert!(resource_id.is_empty(), "{e}"),
            }
        }
    }
}

/// `agora_error`: the client's classifier (`client::decode_query`) and, when the body is an
/// `ErrorBody`, `ErrorBody::to_error` under the same status.
pub fn error(data: &[u8]) {
    let raw = check::error_response(data);
    let outcome = agora::client::decode_query(&check::error_response(data));
    check::check_outcome(&outcome, &raw, agora::error_code_info);
    if let Ok(response) = &outcome {
        check::check_roundtrip(response);
    }
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(&raw.body) {
        let e = body.to_error(raw.status);
        assert_eq!(e.http_status(), Some(raw.status));
        assert_eq!(e.vendor(), Some(agora::VENDOR));
        if let Some(info) = body.error_code_info() {
            assert_eq!((e.kind(), e.is_retryable()), (info.kind, info.retryable));
        }
        let _ = e.to_string();
    }
}

/// `agora_sign`: fields `customer_id`, `customer_secret`.
pub fn sign(data: &[u8]) {
    let mut fields = Fields::new(data);
    let id = fields.text();
    let secret = fields.text();
    let Ok(credentials) = Credentials::new(id.clone(), secret.clone()) else {
        assert!(
            id.trim().is_empty()
                || secret.trim().is_empty()
                || id.contains(':')
                || id.chars().any(char::is_control)
                || secret.chars().any(char::is_control),
            "valid credentials refused: {id:?}"
        );
        return;
    };
    let auth = signing::sign(&credentials);
    let again = signing::sign(&credentials);
    assert_eq!(
        auth.expose_header_value(),
        again.expose_header_value(),
        "not deterministic"
    );
    let clock = FixedClock::new(UnixMillis(1_700_000_000_000));
    assert_eq!(
        signing::sign_with_clock(&credentials, &clock).expose_header_value(),
        auth.expose_header_value(),
        "the clock changes the header"
    );
    assert_eq!(auth.customer_id(), id);
    assert_eq!(auth.expose_user_pass(), format!("{id}:{secret}"));
    assert_eq!(
        auth.expose_header_value(),
        format!("Basic {}", auth.expose_token())
    );
    let decoded = STANDARD.decode(auth.expose_token()).ok();
    let decoded = decoded.as_deref().and_then(|b| std::str::from_utf8(b).ok());
    assert_eq!(
        decoded.and_then(|t| t.split_once(':')),
        Some((id.as_str(), secret.as_str())),
        "the token does not decode to id:secret"
    );
    assert!(
        !format!("{auth:?}").contains(auth.expose_header_value()),
        "Debug shows the header"
    );
}
