//! libFuzzer target `qingcloud_decode`: [`record_fuzz::qingcloud::decode`] on every input.
//! Built and run by `cargo xtask fuzz qingcloud_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::qingcloud::decode(data));
