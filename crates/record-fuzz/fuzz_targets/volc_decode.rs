//! libFuzzer target `volc_decode`: [`record_fuzz::volc::decode`] on every input.
//! Built and run by `cargo xtask fuzz volc_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::volc::decode(data));
