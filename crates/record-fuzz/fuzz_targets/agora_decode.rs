//! libFuzzer target `agora_decode`: [`record_fuzz::agora::decode`] on every input.
//! Built and run by `cargo xtask fuzz agora_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::agora::decode(data));
