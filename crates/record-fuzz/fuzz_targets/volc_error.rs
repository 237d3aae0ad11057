//! libFuzzer target `volc_error`: [`record_fuzz::volc::error`] on every input.
//! Built and run by `cargo xtask fuzz volc_error`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::volc::error(data));
