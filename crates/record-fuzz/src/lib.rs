//! Fuzz targets for every vendor decoder, error classifier and signer.
//!
//! Each target is a plain function `fn(&[u8])` of this library: the libFuzzer binaries in
//! `fuzz_targets/` (feature `libfuzzer`, built by `cargo xtask fuzz`) only call it, and
//! `tests/regressions.rs` runs it under `cargo test` over the seed corpora and the committed
//! crash inputs of `fixtures/fuzz/<target>/`. A target panics (which libFuzzer reports as a
//! crash) when the code under test panics or when one of the invariants it checks fails.
//!
//! | target | what it does with the input |
//! |---|---|
//! | `<vendor>_decode` | decodes the bytes as each response model of the vendor through [`record_core::client::decode_json`] (what the client does with a success answer), checks that the model re-serializes to JSON that decodes to the same value, then converts it to the neutral [`record_core::Recording`] and serializes that |
//! | `<vendor>_error` | builds an HTTP answer (status, `Retry-After`, `x-request-id`, body; [`seeds::error_input`]) and runs the client's own classifier over it (ZEGO `client::classify`, QingCloud `client::decode_list_recordings`, Volcengine `client::decode_response`, Agora `client::decode_query` and `ErrorBody::to_error`) |
//! | `<vendor>_sign` | splits the bytes into the signer's inputs (names, values, secrets, time, body: [`seeds`] gives each format), signs, and checks determinism and the signer's documented structure |
//!
//! The input formats and the seed corpora built from `fixtures/` are in [`seeds`].

pub mod agora;
mod check;
pub mod qingcloud;
pub mod seeds;
pub mod volc;
pub mod zego;

pub use seeds::TARGETS;

/// The function of the fuzz target called `name` (one of [`TARGETS`]).
pub fn target(name: &str) -> Option<fn(&[u8])> {
    let f: fn(&[u8]) = match name {
        "zego_decode" => zego::decode,
        "zego_error" => zego::error,
        "zego_sign" => zego::sign,
        "qingcloud_decode" => qingcloud::decode,
        "qingcloud_error" => qingcloud::error,
        "qingcloud_sign" => qingcloud::sign,
        "volc_decode" => volc::decode,
        "volc_error" => volc::error,
        "volc_sign" => volc::sign,
        "agora_decode" => agora::decode,
        "agora_error" => agora::error,
        "agora_sign" => agora::sign,
        _ => return None,
    };
    Some(f)
}
