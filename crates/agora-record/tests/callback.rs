//! NCS callback verification: the official vectors over the fixture bytes, and the
//! security cases of issue 15 §2 (each must yield the right `CallbackError`).

use agora_record::callback::{
    self, AgoraEvent, Details, EventType, Payload, ProductId, SIGNATURE_HEADER,
    SIGNATURE_V2_HEADER, signature_v1, signature_v2, verify_and_parse, verify_signature,
};
use record_core::callback::{CallbackConfig, CallbackError, ReplayWindow, Secrets};
use record_core::{DurationMillis, UnixMillis};
use secrecy::SecretString;
use std::path::Path;

const SECRET: &str = "ncs-secret-DO-NOT-LEAK-7f3a";
const NOW: UnixMillis = UnixMillis(1_619_172_900_000);

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

fn config() -> CallbackConfig {
    CallbackConfig::new(Secrets::new(secret(SECRET)).unwrap_or_else(|e| panic!("{e}")))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/agora/callbacks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn body(notice_id: &str, notify_ms: i64) -> Vec<u8> {
    format!(
        r#"{{"noticeId":"{notice_id}","productId":3,"eventType":31,"notifyMs":{notify_ms},"payload":{{"cname":"room1","uid":"527841","sid":"38f8e3cfdc474cd56fc1ceba380d7e1a","sequence":7,"sendts":{},"serviceType":2,"details":{{"msgName":"uploaded","status":0,"fileList":[{{"fileName":"a.m3u8","trackType":"audio_and_video","uid":"0","mixedAllUser":true,"isPlayable":true,"sliceStartTime":1619172632080}}]}}}}}}"#,
        notify_ms - 1000
    )
    .into_bytes()
}

fn headers_v2(secret_text: &str, body: &[u8]) -> Vec<(String, String)> {
    let s = secret(secret_text);
    vec![
        ("Content-Type".into(), "application/json".into()),
        (SIGNATURE_HEADER.into(), signature_v1(&s, body)),
        (SIGNATURE_V2_HEADER.into(), signature_v2(&s, body)),
    ]
}

#[test]
fn official_vectors_over_the_fixture_bytes() {
    let secrets = Secrets::new(secret("secret")).unwrap();
    let cases = [
        (
            "signature_vector_a.json",
            155,
            "033c62f40f687675f17f0f41f91a40c71c0f134c",
            "6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99",
        ),
        (
            "signature_vector_b.json",
            131,
            "5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1",
            "de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24",
        ),
    ];
    for (file, len, v1, v2) in cases {
        let body = fixture(file);
        assert_eq!(body.len(), len, "{file}");
        assert_eq!(
            verify_signature(&[(SIGNATURE_HEADER, v1)], &body, &secrets),
            Ok(())
        );
        assert_eq!(
            verify_signature(&[(SIGNATURE_V2_HEADER, v2)], &body, &secrets),
            Ok(())
        );
        // Header names are case-insensitive; hex case is ignored.
        let upper = v2.to_ascii_uppercase();
        assert_eq!(
            verify_signature(&[("agora-signature-v2", upper.as_str())], &body, &secrets),
            Ok(())
        );
        // The two vectors are not interchangeable (facts C-D17).
        let other = if len == 155 {
            fixture("signature_vector_b.json")
        } else {
            fixture("signature_vector_a.json")
        };
        assert_eq!(
            verify_signature(&[(SIGNATURE_V2_HEADER, v2)], &other, &secrets),
            Err(CallbackError::BadSignature)
        );
    }
}

#[test]
fn accepts_a_signed_recording_event() {
    let b = body("n-1", NOW.0);
    let event = verify_and_parse(&headers_v2(SECRET, &b), &b, NOW, &config()).unwrap();
    assert_eq!(event.notice_id, "n-1");
    assert_eq!(event.product_id, ProductId::CloudRecording);
    assert_eq!(event.event_type, EventType::Uploaded);
    let p = event.recording().unwrap();
    let Details::Uploaded(d) = &p.details else {
        panic!("{:?}", p.details)
    };
    assert_eq!(d.file_list.as_ref().map(Vec::len), Some(1));
    assert_eq!(callback::dedup_key(&event), "agora:n-1");
}

#[test]
fn v1_alone_is_accepted_and_v2_decides_when_present() {
    let b = body("n-2", NOW.0);
    let s = secret(SECRET);
    let v1_only = [(SIGNATURE_HEADER, signature_v1(&s, &b))];
    assert!(verify_and_parse(&v1_only, &b, NOW, &config()).is_ok());
    let wrong_v2 = [
        (SIGNATURE_HEADER, signature_v1(&s, &b)),
        (SIGNATURE_V2_HEADER, "00".repeat(32)),
    ];
    assert_eq!(
        verify_and_parse(&wrong_v2, &b, NOW, &config()),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn forged_and_wrong_secret_are_bad_signatures() {
    let b = body("n-3", NOW.0);
    for headers in [
        vec![(SIGNATURE_V2_HEADER.to_owned(), "ab".repeat(32))],
        vec![(SIGNATURE_V2_HEADER.to_owned(), String::new())],
        vec![(SIGNATURE_V2_HEADER.to_owned(), "not hex at all".to_owned())],
        headers_v2("another-secret", &b),
        // A V1 value placed in the V2 header.
        vec![(
            SIGNATURE_V2_HEADER.to_owned(),
            signature_v1(&secret(SECRET), &b),
        )],
    ] {
        let err = verify_and_parse(&headers, &b, NOW, &config()).unwrap_err();
        assert_eq!(err, CallbackError::BadSignature);
        assert_eq!(err.http_status(), 401);
    }
}

#[test]
fn every_single_byte_change_is_detected() {
    let b = body("n-4", NOW.0);
    let headers = headers_v2(SECRET, &b);
    for i in 0..b.len() {
        let mut changed = b.clone();
        changed[i] ^= 0x01;
        assert_eq!(
            verify_and_parse(&headers, &changed, NOW, &config()),
            Err(CallbackError::BadSignature),
            "byte {i}"
        );
    }
}

#[test]
fn a_reserialized_body_does_not_verify() {
    let b = body("n-5", NOW.0);
    let headers = headers_v2(SECRET, &b);
    let value: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    let compact_reordered = serde_json::to_vec(&value).unwrap(); // keys sorted by serde_json
    for other in [pretty, compact_reordered, [b.as_slice(), b"\n"].concat()] {
        assert_ne!(other, b);
        assert_eq!(
            verify_and_parse(&headers, &other, NOW, &config()),
            Err(CallbackError::BadSignature)
        );
    }
}

#[test]
fn stale_and_future_notify_ms_are_refused() {
    let window = ReplayWindow::symmetric(DurationMillis(300_000));
    let cfg = config().with_window(window);
    let old = body("n-6", NOW.0 - 300_001);
    let err = verify_and_parse(&headers_v2(SECRET, &old), &old, NOW, &cfg).unwrap_err();
    assert!(matches!(err, CallbackError::Stale { .. }), "{err:?}");
    assert_eq!(err.http_status(), 401);
    let future = body("n-7", NOW.0 + 300_001);
    let err = verify_and_parse(&headers_v2(SECRET, &future), &future, NOW, &cfg).unwrap_err();
    assert!(
        matches!(err, CallbackError::Stale { age, .. } if age.0 < 0),
        "{err:?}"
    );
    // The edge is still accepted.
    let edge = body("n-8", NOW.0 - 300_000);
    assert!(verify_and_parse(&headers_v2(SECRET, &edge), &edge, NOW, &cfg).is_ok());
}

#[test]
fn duplicates_by_notice_id_even_when_notify_ms_changes() {
    let cfg = config();
    let first = body("n-9", NOW.0);
    assert!(verify_and_parse(&headers_v2(SECRET, &first), &first, NOW, &cfg).is_ok());
    // The same request again (a replay).
    let err = verify_and_parse(&headers_v2(SECRET, &first), &first, NOW, &cfg).unwrap_err();
    assert_eq!(
        err,
        CallbackError::Duplicate {
            key: "agora:n-9".into()
        }
    );
    assert_eq!(err.http_status(), 200);
    // An NCS retry: same noticeId, a new notifyMs (RN: updated on every resend).
    let retry = body("n-9", NOW.0 + 5_000);
    let later = UnixMillis(NOW.0 + 5_000);
    assert!(matches!(
        verify_and_parse(&headers_v2(SECRET, &retry), &retry, later, &cfg),
        Err(CallbackError::Duplicate { .. })
    ));
    // Another notice is new.
    let other = body("n-10", NOW.0);
    assert!(verify_and_parse(&headers_v2(SECRET, &other), &other, NOW, &cfg).is_ok());
}

#[test]
fn a_stale_delivery_does_not_burn_the_key() {
    let cfg = config();
    let old = body("n-11", NOW.0 - 3_600_000);
    assert!(matches!(
        verify_and_parse(&headers_v2(SECRET, &old), &old, NOW, &cfg),
        Err(CallbackError::Stale { .. })
    ));
    let fresh = body("n-11", NOW.0);
    assert!(verify_and_parse(&headers_v2(SECRET, &fresh), &fresh, NOW, &cfg).is_ok());
}

#[test]
fn missing_signature_headers() {
    let b = body("n-12", NOW.0);
    let none: [(&str, &str); 1] = [("Content-Type", "application/json")];
    let err = verify_and_parse(&none, &b, NOW, &config()).unwrap_err();
    assert_eq!(
        err,
        CallbackError::MissingSignature {
            field: SIGNATURE_V2_HEADER
        }
    );
    assert_eq!(err.http_status(), 401);
}

#[test]
fn oversized_body_is_refused_before_anything_else() {
    let cfg = config().with_max_body_bytes(1024);
    let big = vec![b' '; 1025];
    let none: [(&str, &str); 0] = [];
    let err = verify_and_parse(&none, &big, NOW, &cfg).unwrap_err();
    assert_eq!(err, CallbackError::TooLarge { limit: 1024 });
    assert_eq!(err.http_status(), 413);
    // The default cap is 1 MiB.
    let huge = vec![b' '; (1 << 20) + 1];
    assert_eq!(
        verify_and_parse(&headers_v2(SECRET, &huge), &huge, NOW, &config()),
        Err(CallbackError::TooLarge { limit: 1 << 20 })
    );
}

#[test]
fn malformed_bodies_are_400_and_never_quote_the_body() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json SECRETVALUE".to_vec(), "$"),
        (Vec::new(), "$"),
        (b"[]".to_vec(), "$"),
        (
            String::from_utf8(body("n-13", NOW.0))
                .unwrap()
                .replace(r#""isPlayable":true"#, r#""isPlayable":"SECRETVALUE""#)
                .into_bytes(),
            "payload.details.fileList[0].isPlayable",
        ),
    ];
    for (b, path) in cases {
        let err = verify_and_parse(&headers_v2(SECRET, &b), &b, NOW, &config()).unwrap_err();
        let CallbackError::Malformed { path: got, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(got, path);
        assert_eq!(err.http_status(), 400);
        assert!(!err.to_string().contains("SECRETVALUE"), "{err}");
        assert!(!format!("{err:?}").contains("SECRETVALUE"), "{err:?}");
    }
}

#[test]
fn the_tutorial_test_body_without_notify_ms_is_malformed() {
    // RN "Create your webhook": a hand-made test request, no notifyMs, productId 12345.
    let b = br#"{"noticeId":"some_notice_id","productId":12345,"eventType":1,"payload":{"clientSeq":67890,"uid":123,"channelName":"test_channel"}}"#;
    let err = verify_and_parse(&headers_v2(SECRET, b), b, NOW, &config()).unwrap_err();
    assert!(
        err.to_string().contains("missing field `notifyMs`"),
        "{err}"
    );
}

#[test]
fn unknown_types_products_and_fields_are_kept() {
    let b = format!(
        r#"{{"noticeId":"n-14","productId":3,"eventType":999,"notifyMs":{},"newTop":1,"payload":{{"cname":"c","uid":"1","sid":"s","sequence":0,"sendts":1,"serviceType":77,"details":{{"msgName":"future_event","x":[1]}},"newKey":true}}}}"#,
        NOW.0
    );
    let b = b.as_bytes();
    let event = verify_and_parse(&headers_v2(SECRET, b), b, NOW, &config()).unwrap();
    assert_eq!(event.event_type, EventType::Unknown(999));
    assert!(event.extra.contains_key("newTop"));
    let p = event.recording().unwrap();
    assert!(matches!(&p.details, Details::Unknown(v) if v["x"][0] == 1));
    assert!(p.extra.contains_key("newKey"));
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        serde_json::from_slice::<serde_json::Value>(b).unwrap()
    );
    // Another product: the payload stays raw.
    let rtc = format!(
        r#"{{"noticeId":"n-15","productId":1,"eventType":101,"notifyMs":{},"payload":{{"anything":1}}}}"#,
        NOW.0
    );
    let event = verify_and_parse(
        &headers_v2(SECRET, rtc.as_bytes()),
        rtc.as_bytes(),
        NOW,
        &config(),
    )
    .unwrap();
    assert!(matches!(event.payload, Payload::Other(_)));
    // Unknown values of known fields are kept, not rejected.
    let odd = body("n-16", NOW.0);
    let odd = String::from_utf8(odd)
        .unwrap()
        .replace("audio_and_video", "spatial_audio");
    let event = verify_and_parse(
        &headers_v2(SECRET, odd.as_bytes()),
        odd.as_bytes(),
        NOW,
        &config(),
    )
    .unwrap();
    let Details::Uploaded(d) = &event.recording().unwrap().details else {
        panic!()
    };
    assert_eq!(
        d.file_list.as_ref().unwrap()[0]
            .track_type
            .as_ref()
            .unwrap()
            .raw(),
        "spatial_audio"
    );
}

#[test]
fn rotation_accepts_the_previous_secret() {
    let secrets = Secrets::new(secret("new-secret"))
        .and_then(|s| s.with_previous(secret(SECRET)))
        .unwrap();
    let cfg = CallbackConfig::new(secrets);
    let old_signed = body("n-17", NOW.0);
    assert!(verify_and_parse(&headers_v2(SECRET, &old_signed), &old_signed, NOW, &cfg).is_ok());
    let new_signed = body("n-18", NOW.0);
    assert!(
        verify_and_parse(
            &headers_v2("new-secret", &new_signed),
            &new_signed,
            NOW,
            &cfg
        )
        .is_ok()
    );
    let other = body("n-19", NOW.0);
    assert_eq!(
        verify_and_parse(&headers_v2("retired", &other), &other, NOW, &cfg),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn nothing_shows_the_secret_or_the_received_signature() {
    let cfg = config();
    let b = body("n-20", NOW.0);
    let headers = headers_v2(SECRET, &b);
    let received: Vec<String> = headers.iter().skip(1).map(|(_, v)| v.clone()).collect();
    let mut shown = format!("{cfg:?}");
    let event: AgoraEvent = verify_and_parse(&headers, &b, NOW, &cfg).unwrap();
    shown.push_str(&format!("{event:?}"));
    let mut tampered = b.clone();
    tampered[10] ^= 1;
    let stale = body("n-21", 0);
    for (h, b) in [
        (headers.clone(), tampered),
        (headers.clone(), b.clone()), // duplicate
        (headers_v2(SECRET, &stale), stale),
        (headers, b"{".to_vec()),
    ] {
        let err = verify_and_parse(&h, &b, NOW, &cfg).unwrap_err();
        shown.push_str(&format!("{err} {err:?}"));
    }
    assert!(!shown.contains(SECRET), "{shown}");
    for sig in received {
        assert!(!shown.contains(&sig), "{shown}");
    }
}

#[test]
fn garbage_never_panics() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seed = body("n-22", NOW.0);
    for round in 0..2000 {
        let mut b = seed.clone();
        let n = (next() % 8) as usize + 1;
        for _ in 0..n {
            let i = (next() as usize) % b.len();
            b[i] = (next() & 0xff) as u8;
        }
        if round % 3 == 0 {
            b.truncate((next() as usize) % b.len());
        }
        // Signed, so that parsing (not only the signature check) sees the garbage.
        let _ = verify_and_parse(&headers_v2(SECRET, &b), &b, NOW, &config());
        let _ = callback::parse(&b);
    }
}
