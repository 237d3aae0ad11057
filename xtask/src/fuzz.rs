//! `cargo xtask fuzz`: builds the libFuzzer targets of `crates/record-fuzz` with coverage
//! instrumentation on the stable toolchain and runs them.
//!
//! ```text
//! cargo xtask fuzz --list
//! cargo xtask fuzz <target> [--time S] [--runs N] [-- <libFuzzer flags>]
//! cargo xtask fuzz --all [--time S] [--runs N]
//! ```
//!
//! The binaries are built in release mode into their own target directory, `target/fuzz`
//! (so the normal build cache is untouched), for the host triple given explicitly (so that
//! the flags reach only the target's code, not build scripts or proc macros), with the
//! flags `cargo fuzz --sanitizer none` passes ([`RUSTFLAGS`]): SanitizerCoverage through
//! the `sancov-module` LLVM pass with inline 8-bit counters, the PC table and comparison
//! tracing, plus `--cfg fuzzing`, debug assertions and overflow checks. Nothing of this needs
//! nightly or `cargo fuzz`.
//!
//! Before a run the seed corpus (`record_fuzz::seeds`: response fixtures for `_decode`
//! and `_error` targets, the signing vectors for `_sign` targets) and the committed crash
//! inputs of `fixtures/fuzz/<target>/` are copied into `target/fuzz/corpus/<target>/`,
//! which libFuzzer then grows. A crash, a timeout (10 s per input) or running out of memory
//! (2048 MB) fails the command and prints the input libFuzzer saved under
//! `target/fuzz/artifacts/<target>/`; once fixed, commit that input to
//! `fixtures/fuzz/<target>/` so that `crates/record-fuzz/tests/regressions.rs` keeps it
//! fixed.
//!
//! Without `--time` or `--runs` each target runs for [`DEFAULT_SECONDS`]; `--time 0` runs
//! until stopped (or until `--runs` executions).

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[allow(dead_code)]
#[path = "../../crates/record-fuzz/src/seeds.rs"]
mod seeds;

/// The flags `cargo fuzz build --sanitizer none` passes to rustc, all stable.
pub const RUSTFLAGS: [&str; 9] = [
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "--cfg",
    "fuzzing",
    "-Cdebug-assertions",
    "-Coverflow-checks",
];

/// How long each target runs when neither `--time` nor `--runs` is given, in seconds.
pub const DEFAULT_SECONDS: u64 = 60;

/// Memory limit given to libFuzzer (`-rss_limit_mb`).
pub const RSS_LIMIT_MB: u32 = 2048;

/// Time limit for one input given to libFuzzer (`-timeout`), in seconds.
pub const INPUT_TIMEOUT_SECS: u32 = 10;

const USAGE: &str = "usage: cargo xtask fuzz --list\n       cargo xtask fuzz <target> [--time S] [--runs N] [-- <libFuzzer flags>]\n       cargo xtask fuzz --all [--time S] [--runs N]";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    targets: Vec<String>,
    list: bool,
    time: Option<u64>,
    runs: Option<u64>,
    extra: Vec<String>,
}

/// What one run reported.
#[derive(Debug, Default, Clone)]
struct Report {
    target: String,
    executions: Option<u64>,
    exec_per_sec: Option<u64>,
    cov: Option<u64>,
    features: Option<u64>,
    corpus: Option<String>,
    new_units: Option<u64>,
    peak_rss_mb: Option<u64>,
    seconds: f64,
    crashed: bool,
}

/// Runs `cargo xtask fuzz` with `args` (the words after `fuzz`).
///
/// # Errors
///
/// A usage error, a failed build, a target that crashed, timed out or ran out of memory, or a
/// run that shows no coverage feedback.
pub fn run(args: &[&str]) -> Result<()> {
    let options = parse_args(args)?;
    if options.list {
        for target in seeds::TARGETS {
            println!("{target}");
        }
        return Ok(());
    }
    let root = crate::workspace_root();
    build(&root)?;
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for target in &options.targets {
        let report = run_target(&root, target, &options)?;
        if report.crashed {
            failures.push(target.clone());
        }
        reports.push(report);
    }
    print_summary(&reports);
    if !failures.is_empty() {
        bail!(
            "fuzz target(s) failed: {} (inputs under target/fuzz/artifacts/)",
            failures.join(", ")
        );
    }
    Ok(())
}

fn parse_args(args: &[&str]) -> Result<Options> {
    let mut options = Options {
        targets: Vec::new(),
        list: false,
        time: None,
        runs: None,
        extra: Vec::new(),
    };
    let mut all = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        let mut value = |name: &str| -> Result<u64> {
            i += 1;
            let v = args
                .get(i)
                .with_context(|| format!("{name} needs a value\n{USAGE}"))?;
            v.parse()
                .with_context(|| format!("{name} {v}: not a whole number\n{USAGE}"))
        };
        match arg {
            "--list" => options.list = true,
            "--all" => all = true,
            "--time" => options.time = Some(value("--time")?),
            "--runs" => options.runs = Some(value("--runs")?),
            "--" => {
                options.extra = args[i + 1..].iter().map(|s| (*s).to_owned()).collect();
                break;
            }
            "-h" | "--help" => bail!("{USAGE}"),
            flag if flag.starts_with('-') => bail!("unknown option {flag}\n{USAGE}"),
            target => {
                if !seeds::TARGETS.contains(&target) {
                    bail!(
                        "unknown fuzz target `{target}` (known: {})",
                        seeds::TARGETS.join(", ")
                    );
                }
                options.targets.push(target.to_owned());
            }
        }
        i += 1;
    }
    if all {
        options.targets = seeds::TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    if !options.list && options.targets.is_empty() {
        bail!("name a target, or --all, or --list\n{USAGE}");
    }
    if options.time.is_none() && options.runs.is_none() {
        options.time = Some(DEFAULT_SECONDS);
    }
    Ok(options)
}

/// The host triple, from `rustc -vV`.
fn host_triple() -> Result<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .with_context(|| format!("running {rustc} -vV"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
        .context("`rustc -vV` names no host")
}

/// `<target dir>/fuzz`: honours `CARGO_TARGET_DIR` like every cargo build.
fn fuzz_dir(root: &Path) -> PathBuf {
    crate::target_dir(root).join("fuzz")
}

/// The command that builds every target (the one `build` runs), for the log.
fn build_command(root: &Path, triple: &str) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "record-fuzz",
            "--features",
            "libfuzzer",
            "--bins",
        ])
        .arg("--target")
        .arg(triple)
        .arg("--target-dir")
        .arg(fuzz_dir(root))
        .env_remove("RUSTFLAGS")
        .env("CARGO_ENCODED_RUSTFLAGS", RUSTFLAGS.join("\x1f"))
        // Symbolized backtraces for crash reports, at little build cost.
        .env("CARGO_PROFILE_RELEASE_DEBUG", "line-tables-only");
    cmd
}

fn build(root: &Path) -> Result<()> {
    let triple = host_triple()?;
    let mut cmd = build_command(root, &triple);
    eprintln!(
        "building: CARGO_ENCODED_RUSTFLAGS=\"{}\" CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
         cargo build --release -p record-fuzz --features libfuzzer --bins --target {triple} \
         --target-dir target/fuzz",
        RUSTFLAGS.join(" ")
    );
    let started = Instant::now();
    let status = cmd.status().context("running cargo build")?;
    if !status.success() {
        bail!("building the fuzz targets failed ({status})");
    }
    eprintln!(
        "built the fuzz targets in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn binary(root: &Path, target: &str) -> Result<PathBuf> {
    let path = fuzz_dir(root)
        .join(host_triple()?)
        .join("release")
        .join(target);
    if !path.is_file() {
        bail!("{} was not built", path.display());
    }
    Ok(path)
}

/// Fills `target/fuzz/corpus/<target>/` with the seeds and the regression inputs.
fn prepare_corpus(root: &Path, target: &str) -> Result<PathBuf> {
    let dir = fuzz_dir(root).join("corpus").join(target);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let seeds = seeds::seed_corpus(root, target).map_err(anyhow::Error::msg)?;
    let regressions = seeds::regression_inputs(root, target).map_err(anyhow::Error::msg)?;
    let named = seeds
        .into_iter()
        .map(|(n, d)| (format!("seed-{n}"), d))
        .chain(
            regressions
                .into_iter()
                .map(|(n, d)| (format!("regression-{n}"), d)),
        );
    for (name, data) in named {
        let path = dir.join(name);
        std::fs::write(&path, data).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(dir)
}

fn run_target(root: &Path, target: &str, options: &Options) -> Result<Report> {
    let exe = binary(root, target)?;
    let corpus = prepare_corpus(root, target)?;
    let artifacts = fuzz_dir(root).join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts)
        .with_context(|| format!("creating {}", artifacts.display()))?;
    let mut cmd = Command::new(&exe);
    cmd.current_dir(root)
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECS}"))
        .arg("-print_final_stats=1");
    if let Some(t) = options.time {
        cmd.arg(format!("-max_total_time={t}"));
    }
    if let Some(n) = options.runs {
        cmd.arg(format!("-runs={n}"));
    }
    cmd.args(&options.extra).arg(&corpus);
    eprintln!("\n=== fuzz {target}: {cmd:?}");
    let before = artifact_names(&artifacts);
    let started = Instant::now();
    let mut child = cmd
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let mut report = Report {
        target: target.to_owned(),
        ..Report::default()
    };
    let mut uninstrumented = false;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            eprintln!("{line}");
            uninstrumented |= line.contains("Is the code instrumented")
                || line.contains("no coverage instrumentation");
            read_stats(&line, &mut report);
        }
    }
    let status = child.wait().context("waiting for the fuzz target")?;
    report.seconds = started.elapsed().as_secs_f64();
    let new_artifacts: Vec<String> = artifact_names(&artifacts)
        .into_iter()
        .filter(|a| !before.contains(a))
        .collect();
    if !status.success() || !new_artifacts.is_empty() {
        report.crashed = true;
        eprintln!("fuzz target {target} failed ({status})");
        for a in &new_artifacts {
            eprintln!(
                "  input saved: {}\n  reproduce:   {} {}\n  once fixed, commit it as fixtures/fuzz/{target}/<name>",
                artifacts.join(a).display(),
                exe.display(),
                artifacts.join(a).display()
            );
        }
    }
    if uninstrumented || report.cov.unwrap_or(0) == 0 {
        bail!("{target}: libFuzzer saw no coverage feedback; the build is not instrumented");
    }
    Ok(report)
}

fn artifact_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Picks the figures out of libFuzzer's status lines (`#1234 NEW cov: 10 ft: 20 corp: 5/1Kb
/// exec/s: 99 …`) and final stats (`stat::number_of_executed_units: 1234`).
fn read_stats(line: &str, report: &mut Report) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |key: &str| -> Option<&str> {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1))
            .copied()
    };
    if line.starts_with('#') {
        if let Some(v) = after("cov:").and_then(|v| v.parse().ok()) {
            report.cov = Some(v);
        }
        if let Some(v) = after("ft:").and_then(|v| v.parse().ok()) {
            report.features = Some(v);
        }
        if let Some(v) = after("corp:") {
            report.corpus = Some(v.to_owned());
        }
    }
    let stat =
        |name: &str| -> Option<u64> { line.strip_prefix(name).and_then(|v| v.trim().parse().ok()) };
    if let Some(v) = stat("stat::number_of_executed_units:") {
        report.executions = Some(v);
    }
    if let Some(v) = stat("stat::average_exec_per_sec:") {
        report.exec_per_sec = Some(v);
    }
    if let Some(v) = stat("stat::new_units_added:") {
        report.new_units = Some(v);
    }
    if let Some(v) = stat("stat::peak_rss_mb:") {
        report.peak_rss_mb = Some(v);
    }
}

fn print_summary(reports: &[Report]) {
    let show = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    println!(
        "\n| target | seconds | executions | exec/s | cov | ft | corpus (units/size) | new units | peak RSS MB | result |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for r in reports {
        println!(
            "| {} | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.target,
            r.seconds,
            show(r.executions),
            show(r.exec_per_sec),
            show(r.cov),
            show(r.features),
            r.corpus.as_deref().unwrap_or("-"),
            show(r.new_units),
            show(r.peak_rss_mb),
            if r.crashed { "FAILED" } else { "ok" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() -> Result<()> {
        let o = parse_args(&["zego_sign", "--time", "20"])?;
        assert_eq!(o.targets, ["zego_sign"]);
        assert_eq!((o.time, o.runs), (Some(20), None));
        let o = parse_args(&["--all", "--runs", "1000"])?;
        assert_eq!(o.targets.len(), 12);
        assert_eq!((o.time, o.runs), (None, Some(1000)));
        let o = parse_args(&["agora_error"])?;
        assert_eq!(o.time, Some(DEFAULT_SECONDS));
        let o = parse_args(&["volc_decode", "--", "-max_len=100"])?;
        assert_eq!(o.extra, ["-max_len=100"]);
        assert!(parse_args(&["--list"])?.list);
        assert!(parse_args(&["nope"]).is_err());
        assert!(parse_args(&[]).is_err());
        assert!(parse_args(&["zego_sign", "--time"]).is_err());
        assert!(parse_args(&["zego_sign", "--time", "x"]).is_err());
        assert!(parse_args(&["zego_sign", "--bogus"]).is_err());
        Ok(())
    }

    #[test]
    fn reads_libfuzzer_status_and_final_stats() {
        let mut r = Report::default();
        read_stats(
            "#4096\tpulse  cov: 1234 ft: 5678 corp: 90/12Kb lim: 4096 exec/s: 2048 rss: 50Mb",
            &mut r,
        );
        read_stats("stat::number_of_executed_units: 123456", &mut r);
        read_stats("stat::average_exec_per_sec:     2057", &mut r);
        read_stats("stat::new_units_added:          17", &mut r);
        read_stats("stat::peak_rss_mb:              61", &mut r);
        assert_eq!((r.cov, r.features), (Some(1234), Some(5678)));
        assert_eq!(r.corpus.as_deref(), Some("90/12Kb"));
        assert_eq!(r.executions, Some(123_456));
        assert_eq!(r.exec_per_sec, Some(2057));
        assert_eq!(r.new_units, Some(17));
        assert_eq!(r.peak_rss_mb, Some(61));
    }

    #[test]
    fn every_target_has_seeds() -> std::result::Result<(), String> {
        let root = crate::workspace_root();
        for target in seeds::TARGETS {
            assert!(!seeds::seed_corpus(&root, target)?.is_empty(), "{target}");
        }
        Ok(())
    }

    #[test]
    fn the_build_uses_its_own_target_dir_and_the_coverage_flags() {
        let root = Path::new("/w");
        let cmd = build_command(root, "x86_64-unknown-linux-gnu");
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(args.contains(&"--release".to_owned()));
        assert!(args.contains(&"/w/target/fuzz".to_owned()));
        assert!(args.contains(&"x86_64-unknown-linux-gnu".to_owned()));
        let flags = cmd
            .get_envs()
            .find(|(k, _)| *k == "CARGO_ENCODED_RUSTFLAGS")
            .and_then(|(_, v)| v)
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(flags.contains("-Cpasses=sancov-module"));
        assert!(flags.contains("-sanitizer-coverage-trace-compares"));
    }
}
