//! QingCloud RTC targets: `GET /v1/cloudRecord` decoding, the client's error
//! classification, and the HMAC-SHA256 query signer.

use crate::check::{self, Fields};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use record_core::client::decode_json;
use record_core::{ErrorKind, ToRecordings as _, UnixSeconds, Vendor};
use record_facade::qingcloud::{
    self, Credentials, ListRecordingsRequest, ListRecordingsResponse, signing,
};

/// `qingcloud_decode`: the body as `ListRecordingsResponse`, its round trip, and its
/// neutral recordings.
pub fn decode(data: &[u8]) {
    let raw = check::ok_response(data);
    let Ok(response) = decode_json::<ListRecordingsResponse>(&raw) else {
        return;
    };
    check::check_roundtrip(&response);
    let request = ListRecordingsRequest::builder()
        .app_id("34723259bb8f4768bc7a9c7cbb126baa")
        .channel("crIUxmwHA2")
        .build();
    if let Ok(request) = request {
        let recordings = response.to_recordings(&request);
        for recording in recordings.iter().flatten() {
            check::check_recording(recording, Vendor::QingCloud);
        }
        assert!(recordings.is_ok(), "a page of this vendor converts");
    }
    for info in response.recinfos.iter().flatten() {
        let _ = (info.recording_state(), info.created_at(), info.updated_at());
    }
}

/// `qingcloud_error`: the client's classifier (`client::decode_list_recordings`).
pub fn error(data: &[u8]) {
    let raw = check::error_response(data);
    let outcome = qingcloud::client::decode_list_recordings(&check::error_response(data));
    check::check_outcome(&outcome, &raw, qingcloud::error_code_info);
    if let Ok(response) = &outcome {
        check::check_roundtrip(response);
    }
}

/// `qingcloud_sign`: fields `method`, `path`, `access_key_id`, `secret_access_key`,
/// `unix_seconds`, body (empty: none; else a marker byte and the body, any bytes), then
/// query names and values alternately.
pub fn sign(data: &[u8]) {
    let mut fields = Fields::new(data);
    let method = fields.text();
    let path = fields.text();
    let access_key_id = fields.text();
    let secret = fields.text();
    let at = UnixSeconds(fields.int());
    let body = fields.optional();
    let query = fields.pairs();

    let Ok(credentials) = Credentials::new(access_key_id.clone(), secret.clone()) else {
        return;
    };
    let first = signing::sign(&method, &path, &query, body, &credentials, at);
    let second = signing::sign(&method, &path, &query, body, &credentials, at);
    let signed = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "signing is not deterministic");
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), ErrorKind::InvalidRequest, "{a}");
            assert_eq!(a.parameter(), b.parameter());
            return;
        }
        _ => panic!("signing the same input twice gave Ok once and Err once"),
    };

    // The order of the business parameters does not matter.
    let mut reversed = query.clone();
    reversed.reverse();
    match signing::sign(&method, &path, &reversed, body, &credentials, at) {
        Ok(other) => assert_eq!(other, signed, "the parameter order changes the signature"),
        Err(e) => panic!("reordered parameters are refused: {e}"),
    }
    // No body is hashed as the four bytes `null`.
    if body.is_none() {
        match signing::sign(&method, &path, &query, Some(b"null"), &credentials, at) {
            Ok(other) => assert_eq!(other.signature, signed.signature, "None vs `null`"),
            Err(e) => panic!("a `null` body is refused: {e}"),
        }
    }

    // The documented structure.
    assert_eq!(signed.method, method.to_ascii_uppercase());
    assert_eq!(signed.body_md5, signing::body_md5_hex(body));
    assert!(check::is_lower_hex(&signed.body_md5, 32));
    assert_eq!(signed.signed_params.len(), query.len() + 4);
    assert!(
        signed.signed_params.is_sorted(),
        "signed parameters are not sorted"
    );
    assert_eq!(
        signed.canonical_query,
        signing::canonical_query(&signed.signed_params)
    );
    assert_eq!(
        check::decode_query(&signed.canonical_query),
        signed.signed_params,
        "the canonical query does not decode to the signed parameters"
    );
    assert_eq!(
        signed.string_to_sign,
        format!(
            "{}\n{path}/\n{}\n{}",
            signed.method, signed.canonical_query, signed.body_md5
        )
    );
    assert_eq!(
        STANDARD.decode(&signed.signature).map(|b| b.len()).ok(),
        Some(32),
        "signature {:?} is not base64 of 32 bytes",
        signed.signature
    );
    assert_eq!(
        check::percent_decode(&signed.encoded_signature),
        signed.signature
    );
    assert_eq!(
        signed.query_string,
        format!(
            "{}&signature={}",
            signed.canonical_query, signed.encoded_signature
        )
    );
    let mut pairs = signed.signed_params.clone();
    pairs.push(("signature".to_owned(), signed.signature.clone()));
    assert_eq!(
        check::decode_query(&signed.query_string),
        pairs,
        "the query string does not decode to the pairs sent"
    );
    assert_eq!(signed.query_pairs().len(), pairs.len());
    assert_eq!(
        signing::hmac_sha256_base64(
            credentials.expose_secret_access_key(),
            &signed.string_to_sign
        )
        .ok()
        .as_ref(),
        Some(&signed.signature)
    );
}
