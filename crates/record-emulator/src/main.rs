//! `record-emulator`: serve the emulated APIs.

fn main() {}
