//! Every fixture decodes, round-trips, and matches its reviewed snapshot.
//!
//! `fixtures/zego/callbacks/` holds v2 callback bodies, decoded with
//! `zego_record::callback::parse`; the round trip drops the checked `signature`
//! (`callbacks/roundtrip/`). `fixtures/zego/<action>/requests/` holds request bodies
//! (ZEGO's documented examples), decoded with the action's request model, refusing unknown
//! fields (`decode_request_fixture`).
use record_core::testing::Decoded;

fn decode(folder: &str, body: &[u8]) -> Result<Decoded, serde_json::Error> {
    if folder != "callbacks" {
        return zego_record::decode_fixture(folder, body);
    }
    let event = zego_record::callback::parse(body)
        .map_err(|e| <serde_json::Error as serde::de::Error>::custom(e.to_string()))?;
    let reserialized = serde_json::to_value(&event)?;
    Ok(Decoded {
        value: Box::new(event),
        reserialized,
    })
}

#[test]
fn fixtures() {
    insta::glob!("../../../fixtures/zego", "*/*.json", |path| {
        let value = record_core::testing::check_fixture(path, decode);
        insta::assert_debug_snapshot!(value);
    });
}

#[test]
fn request_fixtures() {
    insta::glob!("../../../fixtures/zego", "*/requests/*.json", |path| {
        // `<action>/requests/<case>.json`: the action folder names the request type.
        let action = path
            .parent()
            .and_then(|p| p.parent())
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let value = record_core::testing::check_fixture_in(
            path,
            action,
            zego_record::decode_request_fixture,
        );
        insta::assert_debug_snapshot!(value);
    });
}
