//! Each vendor crate's README examples are its doctests. rustdoc lets a doctest use every
//! dependency of the crate, so a doctest alone would not notice an example that needs
//! `record-core` (or another crate) in the user's own `Cargo.toml`: this test does.

use std::path::Path;

#[test]
fn vendor_readme_examples_use_only_their_own_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let crates = [
        "zego-record",
        "qingcloud-record",
        "volc-record",
        "agora-record",
    ];
    // What a user of one vendor crate has: that crate, plus tokio and serde_json, which
    // the README's [dependencies] block lists.
    let workspace_crates = [
        "record_core",
        "record_facade",
        "record_emulator",
        "zego_record",
        "qingcloud_record",
        "volc_record",
        "agora_record",
    ];
    for name in crates {
        let path = root.join("crates").join(name).join("README.md");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let own = name.replace('-', "_");
        let mut in_rust = false;
        let mut blocks = 0;
        for line in text.lines() {
            if line.starts_with("```") {
                in_rust = !in_rust && line.starts_with("```rust");
                blocks += usize::from(in_rust);
                continue;
            }
            if !in_rust {
                continue;
            }
            for other in workspace_crates.iter().filter(|c| **c != own) {
                assert!(
                    !line.contains(&format!("{other}::")),
                    "{name}/README.md needs `{other}`, which a project with only {name} lacks: {line}"
                );
            }
        }
        assert!(blocks >= 1, "{name}/README.md has no Rust example");
        let lib = std::fs::read_to_string(root.join("crates").join(name).join("src/lib.rs"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            lib.contains("include_str!(\"../README.md\")"),
            "{name}: the README must be compiled as this crate's doctests"
        );
    }
}
