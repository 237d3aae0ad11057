//! ZEGO targets: `DescribeRecordStatus` / `DescribeTasks` decoding, the client's error
//! classification, and the `SignatureVersion` 2.0 signer.

use crate::check::{self, Fields};
use record_core::client::decode_json;
use record_core::{
    ErrorKind, FixedClock, TaskRef, ToRecording as _, ToRecordings as _, UnixMillis, UnixSeconds,
    Vendor,
};
use record_facade::zego::{
    self, Credentials, DescribeRecordStatusResponse, DescribeTasksResponse, signing,
};

/// `zego_decode`: the body as both response models, each model's round trip, and its
/// neutral recordings.
pub fn decode(data: &[u8]) {
    let raw = check::ok_response(data);
    if let Ok(response) = decode_json::<DescribeRecordStatusResponse>(&raw) {
        check::check_roundtrip(&response);
        if let Some(data) = &response.data {
            let _ = data.recording_state();
        }
        let task = TaskRef::Zego {
            task_id: "X3CgNeE4I1qAAABN".to_owned(),
        };
        if let Ok(recording) = response.to_recording(&task) {
            check::check_recording(&recording, Vendor::Zego);
            assert_eq!(
                recording.raw_as::<DescribeRecordStatusResponse>(),
                Some(&response),
                "raw is the decoded response"
            );
        }
    }
    if let Ok(response) = decode_json::<DescribeTasksResponse>(&raw) {
        check::check_roundtrip(&response);
        let request = zego::DescribeTasksRequest::builder()
            .status(zego::TaskStatus::Recording)
            .start_time(UnixMillis(0))
            .end_time(UnixMillis(1))
            .build_with_clock(&FixedClock::new(UnixMillis(0)));
        if let Ok(recordings) = request.and_then(|r| response.to_recordings(&r)) {
            for recording in &recordings {
                check::check_recording(recording, Vendor::Zego);
            }
        }
    }
}

/// `zego_error`: the client's classifier (`client::classify`) for both actions.
pub fn error(data: &[u8]) {
    let raw = check::error_response(data);
    let status = zego::client::classify::<DescribeRecordStatusResponse>(&raw);
    check::check_outcome(&status, &raw, zego::error_code_info);
    let tasks = zego::client::classify::<DescribeTasksResponse>(&raw);
    check::check_outcome(&tasks, &raw, zego::error_code_info);
    // The envelope decides, not the model: both actions agree on the vendor code.
    assert_eq!(
        status.as_ref().err().and_then(|e| e.vendor_code()),
        tasks.as_ref().err().and_then(|e| e.vendor_code()),
        "the two actions disagree on the vendor code"
    );
}

/// `zego_sign`: fields `app_id` (decimal text), `server_secret`, `action`, `nonce`,
/// `timestamp`.
pub fn sign(data: &[u8]) {
    let mut fields = Fields::new(data);
    let app_id = fields.text();
    let secret = fields.text();
    let action = fields.text();
    let nonce = fields.text();
    let timestamp = UnixSeconds(fields.int());

    let Ok(credentials) = Credentials::parse(&app_id, secret.clone()) else {
        return;
    };
    assert!(
        !app_id.is_empty() && app_id.bytes().all(|b| b.is_ascii_digit()),
        "AppId {app_id:?} accepted although it is not decimal digits"
    );
    assert_eq!(
        app_id.parse::<u32>().ok(),
        Some(credentials.app_id()),
        "AppId text and value differ"
    );

    let first = signing::sign(&credentials, &action, &nonce, timestamp);
    let second = signing::sign(&credentials, &action, &nonce, timestamp);
    let signed = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.expose_string_to_sign(), b.expose_string_to_sign());
            assert_eq!(
                a.query_string(),
                b.query_string(),
                "signing is not deterministic"
            );
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), ErrorKind::InvalidRequest, "{a}");
            assert_eq!(a.parameter(), b.parameter());
            let expected = if action.is_empty() {
                signing::ACTION_PARAM
            } else if nonce.is_empty() {
                signing::NONCE_PARAM
            } else {
                signing::TIMESTAMP_PARAM
            };
            assert_eq!(
                a.parameter(),
                Some(expected),
                "refused for the wrong reason"
            );
            assert!(action.is_empty() || nonce.is_empty() || timestamp.0 < 0);
            return;
        }
        _ => panic!("signing the same input twice gave Ok once and Err once"),
    };
    assert!(!action.is_empty() && !nonce.is_empty() && timestamp.0 >= 0);

    let app_id_text = credentials.app_id().to_string();
    let timestamp_text = timestamp.0.to_string();
    assert_eq!(
        signed.expose_string_to_sign(),
        format!("{app_id_text}{nonce}{secret}{timestamp_text}"),
        "string to sign"
    );
    assert!(
        check::is_lower_hex(signed.signature(), 32),
        "signature {:?}",
        signed.signature()
    );
    assert_eq!(signed.app_id(), app_id_text);
    assert_eq!(signed.timestamp_text(), timestamp_text);
    // The query string decodes back to the pairs, in order.
    let decoded = check::decode_query(&signed.query_string());
    let pairs: Vec<(String, String)> = signed
        .query_pairs()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(decoded, pairs, "query string does not decode to the pairs");
    // The action is sent, not signed.
    let other_action = format!("{action}x");
    if let Ok(other) = signing::sign(&credentials, &other_action, &nonce, timestamp) {
        assert_eq!(
            other.signature(),
            signed.signature(),
            "the action is signed"
        );
    }
    // Debug never shows the secret: it is the same for another secret, but for the
    // signature field. Only the field itself is blanked (`signature: "…"` with an unescaped
    // quote, which no other field's Debug can contain): an action or nonce may hold the
    // signature's hex digits too (found by `cargo xtask fuzz zego_sign`).
    if let Ok(other_credentials) = Credentials::new(credentials.app_id(), format!("{secret}x"))
        && let Ok(other) = signing::sign(&other_credentials, &action, &nonce, timestamp)
    {
        let field = |s: &signing::SignedRequest| format!("signature: {:?}", s.signature());
        assert_eq!(
            format!("{signed:?}").replace(&field(&signed), "signature: _"),
            format!("{other:?}").replace(&field(&other), "signature: _"),
            "Debug depends on the secret"
        );
    }
}
