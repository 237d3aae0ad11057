//! libFuzzer target `qingcloud_error`: [`record_fuzz::qingcloud::error`] on every input.
//! Built and run by `cargo xtask fuzz qingcloud_error`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| record_fuzz::qingcloud::error(data));
