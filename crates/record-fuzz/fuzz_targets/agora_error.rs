//! libFuzzer target `agora_error`: [`record_fuzz::agora::error`] on every input.
//! Built and run by `cargo xtask fuzz agora_error`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::agora::error(data));
