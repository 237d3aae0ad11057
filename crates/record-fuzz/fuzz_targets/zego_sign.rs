//! libFuzzer target `zego_sign`: [`record_fuzz::zego::sign`] on every input.
//! Built and run by `cargo xtask fuzz zego_sign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::zego::sign(data));
