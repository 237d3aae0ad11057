//! Volcengine RTC targets: `GetRecordTask` decoding, the client's error classification,
//! and the V4 (`HMAC-SHA256`) signer.

use crate::check::{self, Fields};
use record_core::client::decode_json;
use record_core::{ErrorKind, TaskRef, ToRecording as _, UnixSeconds, Vendor};
use record_facade::volc::{
    self, Credentials, GetRecordTaskResponse, RequestToSign, SignableHeader, SignedHeaderSet,
    SignedRequest, Signer, signing,
};

/// `volc_decode`: the body as `GetRecordTaskResponse`, its round trip, its error (if it
/// reports one) and its neutral recording.
pub fn decode(data: &[u8]) {
    let raw = check::ok_response(data);
    let Ok(response) = decode_json::<GetRecordTaskResponse>(&raw) else {
        return;
    };
    check::check_roundtrip(&response);
    if let Some(e) = response.to_error(Some(200)) {
        let _ = e.to_string();
        assert_eq!(e.http_status(), Some(200));
    }
    let asked = TaskRef::Volcengine {
        app_id: "661e543cf".to_owned(),
        room_id: "Room1".to_owned(),
        task_id: "Task1".to_owned(),
    };
    match response.to_recording(&asked) {
        Ok(recording) => {
            check::check_recording(&recording, Vendor::Volcengine);
            assert!(
                response.error().is_none(),
                "a recording from an error answer"
            );
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Some(task) = response.record_task() {
        let _ = (task.recording_state(), task.ended_at());
        match task.to_recording(&asked) {
            Ok(recording) => check::check_recording(&recording, Vendor::Volcengine),
            Err(e) => panic!("a task of this vendor converts: {e}"),
        }
    }
}

/// `volc_error`: the client's classifier (`client::decode_response`).
pub fn error(data: &[u8]) {
    let raw = check::error_response(data);
    let outcome = volc::client::decode_response(&raw);
    check::check_outcome(&outcome, &raw, volc::classify_error_code);
    if let Ok(response) = &outcome {
        assert!(response.error().is_none(), "an error answer accepted");
        check::check_roundtrip(response);
    }
}

/// `volc_sign`: fields `method`, `host`, `path`, `access_key_id`, `secret_access_key`,
/// `session_token` (empty: none), `region`, `service`, content type (empty: none; else a
/// marker byte and the value), `time`, signed headers (empty: the standard set; else
/// `;`-separated names), `body` (any bytes), then query names and values alternately.
pub fn sign(data: &[u8]) {
    let mut fields = Fields::new(data);
    let method = fields.text();
    let host = fields.text();
    let path = fields.text();
    let access_key_id = fields.text();
    let secret = fields.text();
    let session_token = fields.text();
    let region = fields.text();
    let service = fields.text();
    let content_type = fields
        .optional()
        .map(|v| String::from_utf8_lossy(v).into_owned());
    let time = UnixSeconds(fields.int());
    let header_names = fields.text();
    let body = fields.bytes().to_vec();
    let query = fields.pairs();

    let Ok(mut credentials) = Credentials::new(access_key_id.clone(), secret) else {
        return;
    };
    if !session_token.is_empty() {
        let Ok(with_token) = credentials.with_session_token(session_token) else {
            return;
        };
        credentials = with_token;
    }
    let header_set = if header_names.is_empty() {
        SignedHeaderSet::Standard
    } else {
        SignedHeaderSet::Only(
            header_names
                .split(';')
                .filter_map(SignableHeader::from_name)
                .collect(),
        )
    };
    let mut request = RequestToSign::new(method.clone(), host, path)
        .with_query_pairs(query.clone())
        .with_body(body.clone());
    if let Some(ct) = &content_type {
        request = request.with_content_type(ct.clone());
    }

    let first = signing::sign(&request, &region, &service, &credentials, time, &header_set);
    let second = signing::sign(&request, &region, &service, &credentials, time, &header_set);
    let signed = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_same(&a, &b, "signing twice");
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), ErrorKind::InvalidRequest, "{a}");
            assert_eq!(a.parameter(), b.parameter());
            return;
        }
        _ => panic!("signing the same input twice gave Ok once and Err once"),
    };

    // The Signer (with its key cache, cold then warm) signs the same.
    match Signer::new(credentials.clone(), region.clone(), service.clone()) {
        Ok(signer) => {
            let signer = signer.with_signed_headers(header_set.clone());
            for round in ["cold cache", "warm cache"] {
                match signer.sign(&request, time) {
                    Ok(other) => assert_same(&signed, &other, round),
                    Err(e) => panic!("the Signer refuses what sign accepts: {e}"),
                }
            }
            assert_eq!(
                signer.key_cache().derivations(),
                1,
                "the key was derived twice"
            );
        }
        Err(e) => panic!("Signer::new refuses a region/service that sign accepts: {e}"),
    }

    // The order of the query parameters does not matter.
    let mut reversed = request.clone();
    reversed.query.reverse();
    match signing::sign(
        &reversed,
        &region,
        &service,
        &credentials,
        time,
        &header_set,
    ) {
        Ok(other) => assert_same(&signed, &other, "reordered query"),
        Err(e) => panic!("reordered parameters are refused: {e}"),
    }

    // The documented structure.
    assert_eq!(signed.method, method.trim().to_ascii_uppercase());
    assert!(check::is_lower_hex(&signed.signature, 64));
    assert_eq!(signed.content_sha256, signing::hex_sha256(&body));
    assert_eq!(
        signed.canonical_request_hash,
        signing::hex_sha256(signed.canonical_request.as_bytes())
    );
    assert_eq!(signed.x_date.len(), 16, "X-Date {:?}", signed.x_date);
    assert!(signed.x_date.starts_with(&signed.short_date));
    assert_eq!(
        signed.credential_scope,
        signing::credential_scope(&signed.short_date, &region, &service)
    );
    assert_eq!(
        signed.string_to_sign,
        format!(
            "{}\n{}\n{}\n{}",
            signing::ALGORITHM,
            signed.x_date,
            signed.credential_scope,
            signed.canonical_request_hash
        )
    );
    assert!(
        signed
            .authorization
            .ends_with(&format!("Signature={}", signed.signature))
    );
    assert_eq!(
        signed.header("Authorization"),
        Some(signed.authorization.as_str())
    );
    let mut sorted = query.clone();
    sorted.sort();
    assert_eq!(
        check::decode_query(&signed.canonical_query_string),
        sorted,
        "the canonical query does not decode to the sorted pairs"
    );
    assert_eq!(
        signed.canonical_query_string,
        signing::canonical_query_string(&query)
    );
    assert!(signed.canonical_uri.starts_with('/'));
    let signed_names: Vec<&str> = signed.signed_headers.split(';').collect();
    assert!(signed_names.is_sorted(), "signed headers are not sorted");
    assert!(signed_names.contains(&"host") && signed_names.contains(&"x-date"));
    // Every signed header appears once, as `name:value`, in the canonical headers.
    let header_lines: Vec<&str> = signed.canonical_headers.lines().collect();
    assert_eq!(header_lines.len(), signed_names.len());
    for (line, name) in header_lines.iter().zip(&signed_names) {
        assert!(line.starts_with(&format!("{name}:")), "{line:?} vs {name}");
    }
}

/// Two signatures of the same request are identical in every value.
fn assert_same(a: &SignedRequest, b: &SignedRequest, what: &str) {
    assert_eq!(a.canonical_request, b.canonical_request, "{what}");
    assert_eq!(a.string_to_sign, b.string_to_sign, "{what}");
    assert_eq!(a.signing_key, b.signing_key, "{what}");
    assert_eq!(a.signature, b.signature, "{what}");
    assert_eq!(a.authorization, b.authorization, "{what}");
    assert_eq!(a.headers, b.headers, "{what}");
}
