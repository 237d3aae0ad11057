//! libFuzzer target `qingcloud_sign`: [`record_fuzz::qingcloud::sign`] on every input.
//! Built and run by `cargo xtask fuzz qingcloud_sign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::qingcloud::sign(data));
