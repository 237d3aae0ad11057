//! libFuzzer target `agora_sign`: [`record_fuzz::agora::sign`] on every input.
//! Built and run by `cargo xtask fuzz agora_sign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::agora::sign(data));
