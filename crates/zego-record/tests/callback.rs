//! ZEGO callback verification: the official vector, the fixtures signed by Python, and the
//! security cases of issue 15 §2 (each must yield the right `CallbackError`).

use record_core::callback::{CallbackConfig, CallbackError, ReplayWindow, Secrets};
use record_core::{DurationMillis, UnixMillis};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::Path;
use zego_record::callback::{
    Detail, EventType, QuitReason, dedup_key, expected_signature, verify_and_parse,
};

const SECRET: &str = "zego-secret-DO-NOT-LEAK-4b8e";
/// The doc example's `timestamp` 1637753949 (seconds) in ms.
const NOW: UnixMillis = UnixMillis(1_637_753_949_000);
const NO_HEADERS: [(&str, &str); 0] = [];

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

fn config_with(text: &str) -> CallbackConfig {
    CallbackConfig::new(Secrets::new(secret(text)).unwrap_or_else(|e| panic!("{e}")))
}

fn config() -> CallbackConfig {
    config_with(SECRET)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/zego/callbacks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn signed(mut v: Value, signer: &str) -> Value {
    let ts = v["timestamp"].as_str().unwrap_or("").to_owned();
    let nonce = v["nonce"].as_str().unwrap_or("").to_owned();
    v["signature"] = Value::String(expected_signature(&secret(signer), &ts, &nonce));
    v
}

fn event(sequence: i64, timestamp: &str) -> Value {
    signed(
        json!({
            "app_id": 1234567890, "task_id": "YZ4joOE4IwmFAAAT", "room_id": "6677",
            "event_type": 2, "message": "", "nonce": "100480", "timestamp": timestamp,
            "sequence": sequence, "detail": {"quit_reason": 4}
        }),
        SECRET,
    )
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn official_vector_and_string_order() {
    assert_eq!(
        expected_signature(&secret("secret"), "1470820198", "123412"),
        "5bd59fd62953a8059fb7eaba95720f66d19e4517"
    );
    // facts §5 [D]: string order, not numeric order.
    assert_eq!(
        expected_signature(&secret("secret"), "1470820198", "9"),
        "7fcc89f1cc4457f1871f8359c7d8121cf94e872e"
    );
}

#[test]
fn the_python_signed_fixtures_verify_and_the_doc_example_does_not() {
    for name in [
        "abnormal_exit_constructed.json",
        "hls_playlist_constructed.json",
        "normal_exit_empty_detail_constructed.json",
    ] {
        verify_and_parse(&NO_HEADERS, &fixture(name), NOW, &config_with("secret"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // C-41: the example's signature is a placeholder.
    assert_eq!(
        verify_and_parse(
            &NO_HEADERS,
            &fixture("doc_example.json"),
            NOW,
            &config_with("secret")
        ),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn accepts_and_types_a_signed_event() {
    let e = verify_and_parse(&NO_HEADERS, &bytes(&event(2, "1637753949")), NOW, &config()).unwrap();
    assert_eq!(e.event_type, EventType::AbnormalExit);
    assert_eq!(e.sent_at, NOW);
    let Some(Detail::AbnormalExit(d)) = &e.detail else {
        panic!("{:?}", e.detail)
    };
    assert_eq!(d.quit_reason, Some(QuitReason::MaxRecordTime));
    assert_eq!(dedup_key(&e), "zego:1234567890:YZ4joOE4IwmFAAAT:2:2");
}

#[test]
fn forged_wrong_secret_and_changed_fields() {
    let good = event(3, "1637753949");
    let mut forged = good.clone();
    forged["signature"] = json!("0".repeat(40));
    let wrong = signed(good.clone(), "other");
    let mut nonce = good.clone();
    nonce["nonce"] = json!("100481");
    let mut ts = good.clone();
    ts["timestamp"] = json!("1637753948");
    for case in [forged, wrong, nonce, ts] {
        let err = verify_and_parse(&NO_HEADERS, &bytes(&case), NOW, &config()).unwrap_err();
        assert_eq!(err, CallbackError::BadSignature, "{case}");
        assert_eq!(err.http_status(), 401);
    }
}

#[test]
fn stale_timestamps() {
    let cfg = config().with_window(ReplayWindow::symmetric(DurationMillis(300_000)));
    let old = bytes(&event(4, "1637753648")); // 301 s old
    let err = verify_and_parse(&NO_HEADERS, &old, NOW, &cfg).unwrap_err();
    assert_eq!(
        err,
        CallbackError::Stale {
            age: DurationMillis(301_000),
            limit: DurationMillis(300_000)
        }
    );
    let future = bytes(&event(5, "1637754250"));
    assert!(matches!(
        verify_and_parse(&NO_HEADERS, &future, NOW, &cfg),
        Err(CallbackError::Stale { .. })
    ));
}

#[test]
fn duplicates_even_with_a_new_timestamp_and_nonce() {
    let cfg = config();
    let first = event(6, "1637753949");
    assert!(verify_and_parse(&NO_HEADERS, &bytes(&first), NOW, &cfg).is_ok());
    let err = verify_and_parse(&NO_HEADERS, &bytes(&first), NOW, &cfg).unwrap_err();
    assert_eq!(err.http_status(), 200);
    assert!(matches!(err, CallbackError::Duplicate { .. }));
    // A retry 5 s later, re-stamped and re-signed.
    let mut retry = first.clone();
    retry["timestamp"] = json!("1637753954");
    retry["nonce"] = json!("555555");
    let retry = signed(retry, SECRET);
    assert!(matches!(
        verify_and_parse(&NO_HEADERS, &bytes(&retry), UnixMillis(NOW.0 + 5_000), &cfg),
        Err(CallbackError::Duplicate { .. })
    ));
    // The next message of the task is new.
    assert!(verify_and_parse(&NO_HEADERS, &bytes(&event(7, "1637753949")), NOW, &cfg).is_ok());
}

#[test]
fn missing_signature_fields() {
    for field in ["signature", "timestamp", "nonce"] {
        let mut v = event(8, "1637753949");
        v.as_object_mut().unwrap().remove(field);
        let err = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap_err();
        assert!(
            matches!(err, CallbackError::MissingSignature { field: f } if f == field),
            "{err:?}"
        );
        assert_eq!(err.http_status(), 401);
    }
}

#[test]
fn oversized_body() {
    let cfg = config().with_max_body_bytes(64);
    let err =
        verify_and_parse(&NO_HEADERS, &bytes(&event(9, "1637753949")), NOW, &cfg).unwrap_err();
    assert_eq!(err, CallbackError::TooLarge { limit: 64 });
    assert_eq!(err.http_status(), 413);
}

#[test]
fn malformed_bodies() {
    let mut wrong_detail = event(10, "1637753949");
    wrong_detail["detail"] = json!({"quit_reason": "SECRETVALUE"});
    let mut no_task = event(11, "1637753949");
    no_task.as_object_mut().unwrap().remove("task_id");
    let mut ts_text = event(12, "1637753949");
    ts_text["timestamp"] = json!("SECRETVALUE");
    let ts_text = signed(ts_text, SECRET);
    let mut app_text = event(18, "1637753949");
    app_text["app_id"] = json!({"x": "SECRETVALUE"});
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (bytes(&app_text), "app_id"),
        (b"{\"signature\": SECRETVALUE".to_vec(), "signature"),
        (b"[]".to_vec(), "$"),
        (bytes(&wrong_detail), "detail.quit_reason"),
        (bytes(&no_task), "$"),
        (bytes(&ts_text), "timestamp"),
    ];
    for (body, path) in cases {
        let err = verify_and_parse(&NO_HEADERS, &body, NOW, &config()).unwrap_err();
        let CallbackError::Malformed { path: got, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(got, path, "{err}");
        assert_eq!(err.http_status(), 400);
        assert!(!format!("{err} {err:?}").contains("SECRETVALUE"), "{err:?}");
    }
}

#[test]
fn unknown_event_types_and_fields_are_kept() {
    let v = signed(
        json!({"app_id": 1, "task_id": "t", "room_id": "r", "event_type": 301, "nonce": "1",
               "timestamp": "1637753949", "sequence": 0, "detail": {"new": [1]}, "new_top": true}),
        SECRET,
    );
    let e = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap();
    assert_eq!(e.event_type, EventType::Unknown(301));
    assert!(matches!(&e.detail, Some(Detail::Unknown(d)) if d["new"][0] == 1));
    assert!(e.extra.contains_key("new_top"));
    // Empty detail forms (C-45): absent, null, {}.
    for detail in [None, Some(Value::Null), Some(json!({}))] {
        let mut v = json!({"app_id": 1, "task_id": "t", "room_id": "r", "event_type": 5,
                           "nonce": "2", "timestamp": "1637753949", "sequence": 1});
        if let Some(d) = detail {
            v["detail"] = d;
        }
        let v = signed(v, SECRET);
        assert!(verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config_with(SECRET)).is_ok());
    }
}

#[test]
fn rotation_accepts_the_previous_secret() {
    let cfg = CallbackConfig::new(
        Secrets::new(secret("new-secret"))
            .and_then(|s| s.with_previous(secret(SECRET)))
            .unwrap(),
    );
    assert!(verify_and_parse(&NO_HEADERS, &bytes(&event(13, "1637753949")), NOW, &cfg).is_ok());
    let new = signed(event(14, "1637753949"), "new-secret");
    assert!(verify_and_parse(&NO_HEADERS, &bytes(&new), NOW, &cfg).is_ok());
    let retired = signed(event(15, "1637753949"), "retired");
    assert_eq!(
        verify_and_parse(&NO_HEADERS, &bytes(&retired), NOW, &cfg),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn nothing_shows_the_secret_or_the_received_signature() {
    let cfg = config();
    let v = event(16, "1637753949");
    let sig = v["signature"].as_str().unwrap().to_owned();
    let e = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &cfg).unwrap();
    let mut shown = format!("{cfg:?} {e:?} {}", serde_json::to_string(&e).unwrap());
    let mut forged = v.clone();
    forged["nonce"] = json!("1");
    for body in [
        bytes(&forged),
        bytes(&v),
        bytes(&event(17, "1")),
        b"{".to_vec(),
    ] {
        let err = verify_and_parse(&NO_HEADERS, &body, NOW, &cfg).unwrap_err();
        shown.push_str(&format!("{err} {err:?}"));
    }
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains(&sig), "{shown}");
}

#[test]
fn garbage_never_panics() {
    let mut state = 0x1234_5678_9abc_def1_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seed = fixture("doc_example.json");
    for round in 0..2000 {
        let mut b = seed.clone();
        for _ in 0..((next() % 8) + 1) {
            let i = (next() as usize) % b.len();
            b[i] = (next() & 0xff) as u8;
        }
        if round % 3 == 0 {
            b.truncate((next() as usize) % b.len());
        }
        let _ = verify_and_parse(&NO_HEADERS, &b, NOW, &config());
        let _ = zego_record::callback::parse(&b);
    }
}
