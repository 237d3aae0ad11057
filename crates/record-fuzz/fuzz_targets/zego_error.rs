//! libFuzzer target `zego_error`: [`record_fuzz::zego::error`] on every input.
//! Built and run by `cargo xtask fuzz zego_error`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::zego::error(data));
