//! libFuzzer target `volc_sign`: [`record_fuzz::volc::sign`] on every input.
//! Built and run by `cargo xtask fuzz volc_sign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::volc::sign(data));
