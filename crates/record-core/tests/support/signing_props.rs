//! Helpers shared by the vendor crates' signer property tests
//! (`crates/<vendor>-record/tests/signing_props.rs`), each of which includes this file with
//! `#[path = "../../record-core/tests/support/signing_props.rs"] mod props;`. It lives in a
//! subdirectory, so cargo does not take it for a test target of its own.

/// `text` with its `i`-th character replaced by a different one (`a`, or `b` for an `a`).
pub fn with_char_changed(text: &str, i: usize) -> String {
    text.chars()
        .enumerate()
        .map(|(j, c)| match (j == i, c) {
            (false, c) => c,
            (true, 'a') => 'b',
            (true, _) => 'a',
        })
        .collect()
}

/// `text` percent-decoded by the standard decoder (the `percent-encoding` crate, which
/// implements RFC 3986 §2.1), read as UTF-8.
#[allow(dead_code, reason = "Agora's signer percent-encodes nothing")]
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .expect("the decoded text is UTF-8")
        .into_owned()
}
