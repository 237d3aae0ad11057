//! Every fixture decodes, round-trips, and matches its reviewed snapshot.
//!
//! `fixtures/agora/callbacks/` holds NCS callback bodies: a whole notification decodes as
//! `AgoraEvent`; a documented `details` example (only `msgName` and its fields) decodes as
//! the `Details` of the event type its `msgName` names.
use agora_record::callback::{AgoraEvent, Details, EventType};
use record_core::testing::Decoded;

fn decode(folder: &str, body: &[u8]) -> Result<Decoded, serde_json::Error> {
    if folder != "callbacks" {
        return agora_record::decode_fixture(folder, body);
    }
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let invalid = |why: String| <serde_json::Error as serde::de::Error>::custom(why);
    if value.get("noticeId").is_some() {
        return Decoded::of::<AgoraEvent>(body);
    }
    let name = value
        .get("msgName")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| invalid("neither noticeId nor msgName".into()))?;
    let event_type = EventType::from_msg_name(name)
        .ok_or_else(|| invalid(format!("undocumented msgName {name}")))?;
    let details =
        Details::from_value(event_type, value, "details").map_err(|e| invalid(e.to_string()))?;
    let reserialized = serde_json::to_value(&details)?;
    Ok(Decoded {
        value: Box::new((event_type, details)),
        reserialized,
    })
}

#[test]
fn fixtures() {
    insta::glob!("../../../fixtures/agora", "*/*.json", |path| {
        let value = record_core::testing::check_fixture(path, decode);
        insta::assert_debug_snapshot!(value);
    });
}
