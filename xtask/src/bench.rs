//! `cargo xtask bench`: placeholder.
use anyhow::Result;
/// Runs every benchmark and prints one markdown table.
pub fn run(_args: &[&str]) -> Result<()> {
    anyhow::bail!("not yet")
}
