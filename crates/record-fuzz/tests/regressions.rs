//! Every fuzz target over every committed crash input (`fixtures/fuzz/<target>/`) and over
//! its whole seed corpus built from `fixtures/` (the same seeds `cargo xtask fuzz` starts
//! from), so that a crash once found stays fixed and the harnesses themselves are tested.

use record_fuzz::seeds::{self, TARGETS};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `target` over `inputs`; returns the names of the inputs that panicked.
fn run(target: &str, inputs: &[seeds::Seed]) -> Vec<String> {
    let f = record_fuzz::target(target).unwrap_or_else(|| panic!("no function for {target}"));
    inputs
        .iter()
        .filter(|(_, data)| catch_unwind(AssertUnwindSafe(|| f(data))).is_err())
        .map(|(name, _)| format!("{target}/{name}"))
        .collect()
}

#[test]
fn committed_crash_inputs_no_longer_crash() {
    let root = root();
    let mut failed = Vec::new();
    let mut total = 0;
    for target in TARGETS {
        let inputs = seeds::regression_inputs(&root, target).unwrap();
        total += inputs.len();
        failed.extend(run(target, &inputs));
    }
    assert!(
        failed.is_empty(),
        "crash inputs that still crash: {failed:#?}"
    );
    // The folder holds the crashes found so far; it must not silently vanish.
    assert!(total > 0, "no regression input under fixtures/fuzz/");
}

#[test]
fn every_target_survives_its_seed_corpus() {
    let root = root();
    let mut failed = Vec::new();
    for target in TARGETS {
        let inputs = seeds::seed_corpus(&root, target).unwrap();
        assert!(
            inputs.len() >= 5,
            "{target}: only {} seeds from fixtures/",
            inputs.len()
        );
        failed.extend(run(target, &inputs));
    }
    assert!(failed.is_empty(), "seeds that crash: {failed:#?}");
}

#[test]
fn every_target_has_a_function_and_a_binary() {
    let bins = root().join("crates/record-fuzz/fuzz_targets");
    for target in TARGETS {
        assert!(record_fuzz::target(target).is_some(), "{target}");
        assert!(bins.join(format!("{target}.rs")).is_file(), "{target}");
    }
    assert!(record_fuzz::target("nope").is_none());
}

#[test]
fn sign_seeds_reproduce_the_fixture_inputs() {
    // The zego seed of ZEGO's own example splits back into its five fields.
    let seeds = seeds::seed_corpus(&root(), "zego_sign").unwrap();
    let (_, data) = seeds
        .iter()
        .find(|(name, _)| name == "signing-nonce_64_hex")
        .expect("seed of fixtures/zego/signing/nonce_64_hex");
    let fields: Vec<&[u8]> = data.split(|&b| b == seeds::FIELD_SEPARATOR).collect();
    assert_eq!(
        fields,
        [
            &b"12345"[..],
            b"9193cc662a4c0ec135ec71fb57194b38",
            b"DescribeRecordStatus",
            b"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            b"1615186943",
        ]
    );
}

/// The error-input format: status, header lengths, headers, body; and every truncation of
/// an input is still a valid input for every error target.
#[test]
fn error_input_round_trips_through_the_harness_format() {
    let input = seeds::error_input(404, b"3", b"req", b"{}");
    assert_eq!(&input[..4], &[1, 148, 1, 3]);
    assert_eq!(&input[4..], b"3req{}");
    // Must not panic for any short prefix.
    for n in 0..input.len() {
        for target in TARGETS.iter().filter(|t| t.ends_with("_error")) {
            assert!(run(target, &[("prefix".to_owned(), input[..n].to_vec())]).is_empty());
        }
    }
}
