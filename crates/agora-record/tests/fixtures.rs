//! Every fixture decodes, round-trips, and matches its reviewed snapshot.
#[test]
fn fixtures() {
    insta::glob!("../../../fixtures/agora", "*/*.json", |path| {
        let value = record_core::testing::check_fixture(path, agora_record::decode_fixture);
        insta::assert_debug_snapshot!(value);
    });
}
