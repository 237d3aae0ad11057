//! Volcengine callback verification: the derived vector over the fixture bytes, and the
//! security cases of issue 15 §2 (each must yield the right `CallbackError`).

use record_core::callback::{CallbackConfig, CallbackError, ReplayWindow, Secrets};
use record_core::{DurationMillis, UnixMillis};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::Path;
use volc_record::callback::{
    EventData, EventType, NonceField, StartCode, dedup_key, expected_signature, verify_and_parse,
};

const SECRET: &str = "volc-secret-DO-NOT-LEAK-91c2";
/// 2024-01-03T12:25:16Z.
const NOW: UnixMillis = UnixMillis(1_704_284_716_000);
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
        .join("../../fixtures/volc/callbacks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A signed body as a JSON value (`nonce_key` is `Nonce` or `Noce`).
fn envelope(event_id: &str, event_time: &str, nonce_key: &str, signer: &str) -> Value {
    let mut v = json!({
        "EventType": "RecordStopped",
        "EventData": r#"{"AppId":"app1","RoomId":"Room1","TaskId":"Task1","RecordFileList":[{"ObjectKey":"a/b.mp4","Duration":1000,"Size":10}]}"#,
        "EventTime": event_time,
        "EventId": event_id,
        "AppId": "app1",
        "Version": "2020-12-01",
        nonce_key: "4821",
    });
    let sig = expected_signature(
        &secret(signer),
        [
            str_of(&v, "EventType"),
            str_of(&v, "EventData"),
            str_of(&v, "EventTime"),
            str_of(&v, "EventId"),
            str_of(&v, "AppId"),
            str_of(&v, "Version"),
            str_of(&v, nonce_key),
        ],
    );
    v["Signature"] = Value::String(sig);
    v
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_fixtures_verify_with_the_python_signatures() {
    for (name, at) in [
        ("record_started_derived.json", NOW),
        ("record_started_noce_nanos.json", NOW),
        ("record_started_failed.json", NOW),
        ("record_stopped_guessed.json", UnixMillis(NOW.0 + 900_000)),
        ("user_join_room_raw.json", NOW),
    ] {
        let body = fixture(name);
        let event = verify_and_parse(&NO_HEADERS, &body, at, &config_with("my_callback_secret"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!matches!(event.data, EventData::NotParsed), "{name}");
    }
    let derived = fixture("record_started_derived.json");
    let v: Value = serde_json::from_slice(&derived).unwrap();
    assert_eq!(
        v["Signature"], "d726c2e3d2495d81771cdeaebef4e3e99c5e3bd2c78b0d79d94f8a88b5a137e3",
        "the derived vector of facts §6.3"
    );
}

#[test]
fn accepts_and_types_a_signed_event() {
    let body = bytes(&envelope("e-1", "2024-01-03T12:25:16Z", "Nonce", SECRET));
    let event = verify_and_parse(&NO_HEADERS, &body, NOW, &config()).unwrap();
    assert_eq!(event.event_type, EventType::RecordStopped);
    assert_eq!(event.occurred_at, NOW);
    assert_eq!(dedup_key(&event), "volc:e-1");
    let EventData::RecordStopped(d) = &event.data else {
        panic!("{:?}", event.data)
    };
    let files = d.record_file_list.as_ref().unwrap();
    assert_eq!(files[0].file.object_key.as_deref(), Some("a/b.mp4"));
    assert_eq!(event.nonce_field(), Some(NonceField::Nonce));
}

#[test]
fn the_older_noce_spelling_is_accepted() {
    let body = bytes(&envelope("e-2", "2024-01-03T12:25:16Z", "Noce", SECRET));
    let event = verify_and_parse(&NO_HEADERS, &body, NOW, &config()).unwrap();
    assert_eq!(event.nonce_field(), Some(NonceField::Noce));
    assert_eq!(event.nonce(), Some("4821"));
}

#[test]
fn forged_wrong_secret_and_changed_values_are_bad_signatures() {
    let good = envelope("e-3", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    let mut forged = good.clone();
    forged["Signature"] = json!("00".repeat(32));
    let wrong = envelope("e-3", "2024-01-03T12:25:16Z", "Nonce", "other-secret");
    let mut cases = vec![forged, wrong];
    for key in [
        "EventType",
        "EventData",
        "EventTime",
        "EventId",
        "AppId",
        "Version",
        "Nonce",
    ] {
        let mut changed = good.clone();
        let old = str_of(&good, key).to_owned();
        // One character changed, still a valid time / JSON where it matters.
        let new = match key {
            "EventTime" => old.replace("16Z", "17Z"),
            "EventData" => old.replace("Room1", "Room2"),
            _ => format!("{old}x"),
        };
        changed[key] = Value::String(new);
        cases.push(changed);
    }
    for case in cases {
        let body = bytes(&case);
        let err = verify_and_parse(&NO_HEADERS, &body, NOW, &config()).unwrap_err();
        assert_eq!(err, CallbackError::BadSignature, "{case}");
        assert_eq!(err.http_status(), 401);
    }
}

#[test]
fn whitespace_in_the_envelope_does_not_matter_but_inside_event_data_it_does() {
    // The signature covers the values, not the body bytes: re-serializing the envelope
    // (pretty-printed) still verifies.
    let v = envelope("e-4", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    let pretty = serde_json::to_vec_pretty(&v).unwrap();
    assert!(verify_and_parse(&NO_HEADERS, &pretty, NOW, &config()).is_ok());
    // EventData is signed as the raw string: re-serializing the JSON inside it does not verify.
    let mut inner = v.clone();
    let data: Value = serde_json::from_str(str_of(&v, "EventData")).unwrap();
    inner["EventData"] = Value::String(serde_json::to_string_pretty(&data).unwrap());
    inner["EventId"] = json!("e-5");
    assert_eq!(
        verify_and_parse(&NO_HEADERS, &bytes(&inner), NOW, &config()),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn stale_and_future_event_time_are_refused() {
    let cfg = config().with_window(ReplayWindow::symmetric(DurationMillis(300_000)));
    let old = bytes(&envelope("e-6", "2024-01-03T12:20:15Z", "Nonce", SECRET));
    let err = verify_and_parse(&NO_HEADERS, &old, NOW, &cfg).unwrap_err();
    assert_eq!(
        err,
        CallbackError::Stale {
            age: DurationMillis(301_000),
            limit: DurationMillis(300_000)
        }
    );
    assert_eq!(err.http_status(), 401);
    let future = bytes(&envelope("e-7", "2024-01-03T12:30:17Z", "Nonce", SECRET));
    assert!(matches!(
        verify_and_parse(&NO_HEADERS, &future, NOW, &cfg),
        Err(CallbackError::Stale { .. })
    ));
    // A stale delivery does not burn the key.
    let fresh = bytes(&envelope("e-6", "2024-01-03T12:25:16Z", "Nonce", SECRET));
    assert!(verify_and_parse(&NO_HEADERS, &fresh, NOW, &cfg).is_ok());
}

#[test]
fn duplicates_by_event_id() {
    let cfg = config();
    let body = bytes(&envelope("e-8", "2024-01-03T12:25:16Z", "Nonce", SECRET));
    assert!(verify_and_parse(&NO_HEADERS, &body, NOW, &cfg).is_ok());
    let err = verify_and_parse(&NO_HEADERS, &body, UnixMillis(NOW.0 + 5_000), &cfg).unwrap_err();
    assert_eq!(
        err,
        CallbackError::Duplicate {
            key: "volc:e-8".into()
        }
    );
    assert_eq!(err.http_status(), 200);
    // The same EventId with another nonce (a re-signed retry) is still a duplicate.
    let mut again = envelope("e-8", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    again["Nonce"] = json!("1111");
    let resigned = envelope_resigned(again);
    assert!(matches!(
        verify_and_parse(&NO_HEADERS, &bytes(&resigned), NOW, &cfg),
        Err(CallbackError::Duplicate { .. })
    ));
}

fn envelope_resigned(mut v: Value) -> Value {
    let sig = expected_signature(
        &secret(SECRET),
        [
            "EventType",
            "EventData",
            "EventTime",
            "EventId",
            "AppId",
            "Version",
            "Nonce",
        ]
        .map(|k| str_of(&v, k)),
    );
    v["Signature"] = Value::String(sig);
    v
}

#[test]
fn missing_signature_or_nonce() {
    let mut v = envelope("e-9", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    v.as_object_mut().unwrap().remove("Signature");
    let err = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap_err();
    assert_eq!(err, CallbackError::MissingSignature { field: "Signature" });
    assert_eq!(err.http_status(), 401);
    let mut v = envelope("e-9", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    v.as_object_mut().unwrap().remove("Nonce");
    let err = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap_err();
    assert_eq!(err, CallbackError::MissingSignature { field: "Nonce" });
}

#[test]
fn oversized_body() {
    let cfg = config().with_max_body_bytes(100);
    let body = bytes(&envelope("e-10", "2024-01-03T12:25:16Z", "Nonce", SECRET));
    assert!(body.len() > 100);
    let err = verify_and_parse(&NO_HEADERS, &body, NOW, &cfg).unwrap_err();
    assert_eq!(err, CallbackError::TooLarge { limit: 100 });
    assert_eq!(err.http_status(), 413);
}

#[test]
fn malformed_bodies() {
    let good = envelope("e-11", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    let mut no_type = good.clone();
    no_type.as_object_mut().unwrap().remove("EventType");
    let mut object_data = good.clone();
    object_data["EventData"] = json!({"AppId": "app1"});
    let mut bad_time = good.clone();
    bad_time["EventTime"] = json!("SECRETVALUE");
    let mut data_not_json = good.clone();
    data_not_json["EventData"] = json!("SECRETVALUE{");
    let data_not_json = envelope_resigned(data_not_json);
    let mut data_wrong_type = good.clone();
    data_wrong_type["EventData"] = json!(r#"{"RecordFileList":"SECRETVALUE"}"#);
    let data_wrong_type = envelope_resigned(data_wrong_type);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json SECRETVALUE".to_vec(), "$"),
        (b"[1,2]".to_vec(), "$"),
        (bytes(&no_type), "EventType"),
        (bytes(&object_data), "EventData"),
        (bytes(&bad_time), "EventTime"),
        (bytes(&data_not_json), "EventData"),
        (bytes(&data_wrong_type), "EventData.RecordFileList"),
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
fn unknown_events_and_values_are_kept() {
    let mut v = envelope("e-12", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    v["EventType"] = json!("TranscodeStarted");
    v["EventData"] = json!("not even json");
    v["NewEnvelopeKey"] = json!(1);
    let v = envelope_resigned(v);
    let event = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap();
    assert_eq!(
        event.event_type,
        EventType::Unknown("TranscodeStarted".into())
    );
    assert_eq!(event.data, EventData::Other(None));
    assert!(event.extra.contains_key("NewEnvelopeKey"));
    // An undocumented Code value of a typed event.
    let mut v = envelope("e-13", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    v["EventType"] = json!("RecordStarted");
    v["EventData"] = json!(r#"{"TaskId":"t","Code":7,"Extra":{"a":1}}"#);
    let v = envelope_resigned(v);
    let event = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &config()).unwrap();
    let EventData::RecordStarted(d) = &event.data else {
        panic!()
    };
    assert_eq!(d.code, Some(StartCode::Unknown(7)));
    assert!(d.extra.contains_key("Extra"));
}

#[test]
fn rotation_accepts_the_previous_secret() {
    let secrets = Secrets::new(secret("new-secret"))
        .and_then(|s| s.with_previous(secret(SECRET)))
        .unwrap();
    let cfg = CallbackConfig::new(secrets);
    let old = bytes(&envelope("e-14", "2024-01-03T12:25:16Z", "Nonce", SECRET));
    assert!(verify_and_parse(&NO_HEADERS, &old, NOW, &cfg).is_ok());
    let new = bytes(&envelope(
        "e-15",
        "2024-01-03T12:25:16Z",
        "Nonce",
        "new-secret",
    ));
    assert!(verify_and_parse(&NO_HEADERS, &new, NOW, &cfg).is_ok());
    let retired = bytes(&envelope(
        "e-16",
        "2024-01-03T12:25:16Z",
        "Nonce",
        "retired",
    ));
    assert_eq!(
        verify_and_parse(&NO_HEADERS, &retired, NOW, &cfg),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn nothing_shows_the_secret_or_the_received_signature() {
    let cfg = config();
    let v = envelope("e-17", "2024-01-03T12:25:16Z", "Nonce", SECRET);
    let sig = str_of(&v, "Signature").to_owned();
    let event = verify_and_parse(&NO_HEADERS, &bytes(&v), NOW, &cfg).unwrap();
    let mut shown = format!(
        "{cfg:?} {event:?} {}",
        serde_json::to_string(&event).unwrap()
    );
    let mut forged = v.clone();
    forged["EventId"] = json!("e-18");
    let stale = envelope("e-19", "2020-01-01T00:00:00Z", "Nonce", SECRET);
    for body in [bytes(&forged), bytes(&v), bytes(&stale), b"{".to_vec()] {
        let err = verify_and_parse(&NO_HEADERS, &body, NOW, &cfg).unwrap_err();
        shown.push_str(&format!("{err} {err:?}"));
    }
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains(&sig), "{shown}");
}

#[test]
fn garbage_never_panics() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seed =
        serde_json::to_vec_pretty(&envelope("e-20", "2024-01-03T12:25:16Z", "Nonce", SECRET))
            .unwrap();
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
        let _ = volc_record::callback::parse(&b);
    }
}
