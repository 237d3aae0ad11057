//! Every fixture decodes, round-trips, and matches its reviewed snapshot.
#[test]
fn fixtures() {
    insta::glob!("../../../fixtures/qingcloud", "*/*.json", |path| {
        let value = record_core::testing::check_fixture(path, qingcloud_record::decode_fixture);
        insta::assert_debug_snapshot!(value);
    });
}
