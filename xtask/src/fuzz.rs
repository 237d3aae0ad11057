//! `cargo xtask fuzz`: placeholder.
use anyhow::Result;
/// Runs one fuzz target.
pub fn run(_args: &[&str]) -> Result<()> {
    anyhow::bail!("not yet")
}
