//! libFuzzer target `zego_decode`: [`record_fuzz::zego::decode`] on every input.
//! Built and run by `cargo xtask fuzz zego_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::zego::decode(data));
