//! `cargo xtask bench [--quick] [--report-only] [-- CRITERION ARGS]`: runs every benchmark
//! and prints one markdown document of tables with every figure and whether each goal is met.
//!
//! 1. Runs `cargo bench -p <crate> --no-fail-fast --bench <each [[bench]] of the crate>` for
//!    `zego-record`, `qingcloud-record`, `volc-record`, `agora-record` and `record-facade`,
//!    passing the criterion arguments after `--`. `--quick` adds
//!    `--warm-up-time 0.5 --measurement-time 1.5` and sets `RECORD_BENCH_QUICK=1` (the
//!    facade's own timing loops run fewer requests). `--report-only` runs nothing and
//!    summarises the results already on disk.
//! 2. Runs `xtask/bench/volc_python_signer.py` in `target/bench-venv` (created on first use with
//!    the pinned `VOLC_PYTHON_SDK`) when it exists (the official Volcengine Python signer, for comparison), keeping its JSON in
//!    `target/bench-report/volc_python_signer.json`.
//! 3. Reads `target/criterion/**/new/{benchmark.json,estimates.json}` (ids `signing/…`,
//!    `decode/…`, `loopback/…`, `scale/…`) and `target/bench-report/{loopback,scale,
//!    rate_limit}.json`, and prints the summary, also written to
//!    `target/bench-report/summary.md`. `target` is `CARGO_TARGET_DIR` when set.
//!
//! Expected results that are absent are listed as missing, and figures older than this run
//! (when it ran benchmarks) are marked stale. A benchmark run that failed makes the command
//! fail after the summary is written.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// The crates whose benchmarks are run, in order.
pub const BENCH_CRATES: &[&str] = &[
    "zego-record",
    "qingcloud-record",
    "volc-record",
    "agora-record",
    "record-facade",
];

/// The vendors every per-vendor table expects.
pub const VENDORS: &[&str] = &["zego", "qingcloud", "volc", "agora"];

/// Goal: nanoseconds per signed request.
pub const SIGNING_GOAL_NS: f64 = 2_000.0;
/// Goal: SDK requests/s over raw requests/s on loopback.
pub const LOOPBACK_GOAL_RATIO: f64 = 0.9;
/// Goal: peak heap of the 10 000-task walk over the 1 000-task walk's (`peak_heap_bytes`
/// of `scale.json`, counted by the bench's global allocator).
pub const SCALE_GOAL_RATIO: f64 = 1.2;
/// Goal: most requests in any one-second window.
pub const RATE_GOAL_MAX: u64 = 10;
/// Goal: least average requests per second.
pub const RATE_GOAL_AVERAGE: f64 = 9.5;

/// Criterion arguments added by `--quick`.
const QUICK_ARGS: &[&str] = &["--warm-up-time", "0.5", "--measurement-time", "1.5"];

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// Shortened criterion times and smaller timing loops.
    pub quick: bool,
    /// Run nothing; summarise the results on disk.
    pub report_only: bool,
    /// Arguments passed to every benchmark binary (criterion's).
    pub criterion_args: Vec<String>,
}

impl Options {
    /// Parses `[--quick] [--report-only] [-- ARGS…]`.
    ///
    /// # Errors
    /// An unknown flag before `--`.
    pub fn parse(args: &[&str]) -> Result<Self> {
        let mut options = Self::default();
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match *arg {
                "--quick" => options.quick = true,
                "--report-only" => options.report_only = true,
                "--" => {
                    options.criterion_args = rest.map(|s| (*s).to_owned()).collect();
                    break;
                }
                other => bail!(
                    "unknown argument `{other}`; usage: cargo xtask bench [--quick] [--report-only] [-- CRITERION ARGS]"
                ),
            }
        }
        Ok(options)
    }

    /// The arguments every benchmark binary gets.
    pub fn bench_args(&self) -> Vec<String> {
        let mut args: Vec<String> = if self.quick {
            QUICK_ARGS.iter().map(|s| (*s).to_owned()).collect()
        } else {
            Vec::new()
        };
        args.extend(self.criterion_args.iter().cloned());
        args
    }
}

/// Runs the benchmarks and prints the summary.
///
/// # Errors
/// Bad arguments, an unreadable results directory, or a benchmark run that failed (after
/// the summary has been printed and written).
pub fn run(args: &[&str]) -> Result<()> {
    let options = Options::parse(args)?;
    let root = crate::workspace_root();
    let target = crate::target_dir(&root);
    let started = SystemTime::now();
    let mut runs = Vec::new();
    if !options.report_only {
        for krate in BENCH_CRATES {
            runs.push(run_crate(&root, krate, &options)?);
        }
        runs.push(run_python_signer(&root, &target));
    }
    let since = (!options.report_only).then_some(started);
    let inputs = Inputs {
        machine: Machine::detect(),
        command: command_line(args),
        runs,
        criterion: collect_criterion(&target.join("criterion"), since)?,
        loopback: read_report(&target, "loopback", since),
        scale: read_report(&target, "scale", since),
        rate_limit: read_report(&target, "rate_limit", since),
        python_signer: read_report(&target, "volc_python_signer", since),
    };
    let summary = render(&inputs);
    println!("{summary}");
    let dir = target.join("bench-report");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("summary.md");
    std::fs::write(&path, &summary).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    let failed: Vec<&str> = inputs
        .runs
        .iter()
        .filter(|r| !r.ok && r.required)
        .map(|r| r.name.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("benchmark runs failed: {}", failed.join(", "));
    }
    Ok(())
}

fn command_line(args: &[&str]) -> String {
    let mut line = String::from("cargo xtask bench");
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    line
}

/// The outcome of one benchmark run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStatus {
    /// What ran (a crate, or the Python signer).
    pub name: String,
    /// Whether it exited successfully.
    pub ok: bool,
    /// Whether a failure fails the command (the optional Python signer does not).
    pub required: bool,
    /// Exit status or reason.
    pub detail: String,
}

/// The `[[bench]]` names of a crate's manifest.
///
/// # Errors
/// An unreadable or invalid manifest.
pub fn bench_names(manifest: &str) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Manifest {
        #[serde(default)]
        bench: Vec<Target>,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
    }
    let m: Manifest = toml::from_str(manifest).context("parsing Cargo.toml")?;
    Ok(m.bench.into_iter().map(|b| b.name).collect())
}

fn run_crate(root: &Path, krate: &str, options: &Options) -> Result<RunStatus> {
    let manifest_path = root.join("crates").join(krate).join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let benches = bench_names(&manifest)?;
    if benches.is_empty() {
        return Ok(RunStatus {
            name: krate.to_owned(),
            ok: false,
            required: true,
            detail: "no [[bench]] targets".to_owned(),
        });
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["bench", "-p", krate, "--no-fail-fast"]);
    for b in &benches {
        cmd.args(["--bench", b]);
    }
    cmd.arg("--").args(options.bench_args());
    if options.quick {
        cmd.env("RECORD_BENCH_QUICK", "1");
    }
    eprintln!("=== {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("running cargo bench -p {krate}"))?;
    Ok(RunStatus {
        name: krate.to_owned(),
        ok: status.success(),
        required: true,
        detail: status.to_string(),
    })
}

/// The version of Volcengine's official Python SDK the signer comparison runs against.
pub const VOLC_PYTHON_SDK: &str = "volcengine==1.0.229";

/// The virtual environment of the signer comparison: `<target>/bench-venv`.
fn signer_venv(target: &Path) -> std::path::PathBuf {
    target.join("bench-venv")
}

/// The Python of a virtual environment with [`VOLC_PYTHON_SDK`] installed, created on first
/// use under the target directory (so that anyone can reproduce the README's figure with
/// `cargo xtask bench` alone; it needs `python3` with `venv` and PyPI once).
fn signer_python(target: &Path) -> Result<std::path::PathBuf, String> {
    let venv = signer_venv(target);
    let python = venv.join("bin").join("python");
    let marker = venv.join(format!("{VOLC_PYTHON_SDK}.installed"));
    if marker.is_file() && python.is_file() {
        return Ok(python);
    }
    let run = |cmd: &mut Command, what: &str| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{what}: {} ({})",
            out.status,
            err.lines().last().unwrap_or_default()
        ))
    };
    eprintln!(
        "xtask bench: creating {} with {VOLC_PYTHON_SDK}",
        venv.display()
    );
    run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "python3 -m venv",
    )?;
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(VOLC_PYTHON_SDK),
        "pip install",
    )?;
    std::fs::write(&marker, "").map_err(|e| format!("{}: {e}", marker.display()))?;
    Ok(python)
}

/// Runs the official Volcengine Python signer's timing script, when it exists, in the
/// virtual environment of [`signer_python`].
fn run_python_signer(root: &Path, target: &Path) -> RunStatus {
    let name = "volc_python_signer.py".to_owned();
    let script = root.join("xtask/bench/volc_python_signer.py");
    let status = |ok: bool, detail: String| RunStatus {
        name: name.clone(),
        ok,
        required: false,
        detail,
    };
    if !script.is_file() {
        return status(false, "script absent".to_owned());
    }
    let python = match signer_python(target) {
        Ok(p) => p,
        Err(e) => return status(false, e),
    };
    let output = match Command::new(&python)
        .arg(&script)
        .current_dir(root)
        .output()
    {
        Ok(o) => o,
        Err(e) => return status(false, format!("python3 not runnable: {e}")),
    };
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let last = err.lines().last().unwrap_or_default().to_owned();
        return status(false, format!("{}: {last}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(json) = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
    else {
        return status(false, "no JSON line on stdout".to_owned());
    };
    if serde_json::from_str::<Value>(json).is_err() {
        return status(false, "invalid JSON on stdout".to_owned());
    }
    let dir = target.join("bench-report");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join("volc_python_signer.json"), json));
    match written {
        Ok(()) => status(true, output.status.to_string()),
        Err(e) => status(false, format!("cannot write the result: {e}")),
    }
}

/// The machine the figures come from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Machine {
    /// `std::thread::available_parallelism` (what `nproc` reports).
    pub cores: Option<usize>,
    /// `processor` entries in `/proc/cpuinfo`.
    pub cpuinfo_processors: Option<usize>,
    /// The first `model name` of `/proc/cpuinfo`.
    pub cpu_model: Option<String>,
    /// `/proc/loadavg`'s first three fields when the summary was made.
    pub load_average: Option<String>,
}

impl Machine {
    /// Reads the running machine.
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let mut machine = Self::from_cpuinfo(&cpuinfo);
        machine.cores = std::thread::available_parallelism()
            .ok()
            .map(std::num::NonZeroUsize::get);
        machine.load_average = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        machine
    }

    /// The CPU model and processor count of a `/proc/cpuinfo` text.
    pub fn from_cpuinfo(cpuinfo: &str) -> Self {
        let processors = cpuinfo
            .lines()
            .filter(|l| l.split(':').next().is_some_and(|k| k.trim() == "processor"))
            .count();
        let model = cpuinfo.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_owned())
        });
        Self {
            cores: None,
            cpuinfo_processors: (processors > 0).then_some(processors),
            cpu_model: model,
            load_average: None,
        }
    }
}

/// One criterion result.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    /// `group/function[/value]`, as criterion prints it.
    pub full_id: String,
    /// Nanoseconds per iteration: the slope estimate when criterion has one, else the mean.
    pub ns: f64,
    /// Lower bound of its 95 % confidence interval.
    pub lower_ns: f64,
    /// Upper bound of its 95 % confidence interval.
    pub upper_ns: f64,
    /// Bytes per iteration (`Throughput::Bytes`/`BytesDecimal`).
    pub bytes: Option<u64>,
    /// Elements per iteration (`Throughput::Elements`).
    pub elements: Option<u64>,
    /// Older than this run.
    pub stale: bool,
}

impl CriterionResult {
    /// Parses one benchmark's `benchmark.json` and `estimates.json`.
    ///
    /// # Errors
    /// Invalid JSON, or no id or estimate.
    pub fn parse(benchmark: &str, estimates: &str) -> Result<Self> {
        let b: Value = serde_json::from_str(benchmark).context("benchmark.json")?;
        let e: Value = serde_json::from_str(estimates).context("estimates.json")?;
        let full_id = b["full_id"]
            .as_str()
            .context("benchmark.json has no full_id")?
            .to_owned();
        let estimate = if e["slope"].is_object() {
            &e["slope"]
        } else {
            &e["mean"]
        };
        let ns = estimate["point_estimate"]
            .as_f64()
            .context("estimates.json has no point estimate")?;
        let ci = &estimate["confidence_interval"];
        let throughput = &b["throughput"];
        Ok(Self {
            full_id,
            ns,
            lower_ns: ci["lower_bound"].as_f64().unwrap_or(ns),
            upper_ns: ci["upper_bound"].as_f64().unwrap_or(ns),
            bytes: throughput["Bytes"]
                .as_u64()
                .or_else(|| throughput["BytesDecimal"].as_u64()),
            elements: throughput["Elements"].as_u64(),
            stale: false,
        })
    }

    /// Mebibytes per second, when the throughput is in bytes.
    pub fn mib_per_sec(&self) -> Option<f64> {
        self.bytes
            .map(|b| b as f64 / (1024.0 * 1024.0) / (self.ns / 1e9))
    }

    /// Nanoseconds per element (per request, per task), when the throughput is in elements.
    pub fn ns_per_element(&self) -> f64 {
        self.ns / self.elements.unwrap_or(1).max(1) as f64
    }
}

/// Every `new/` result below `dir` (criterion's output directory), sorted by id; those
/// last written before `since` are marked stale. A missing directory gives no results.
///
/// # Errors
/// A result whose files cannot be read or parsed.
pub fn collect_criterion(dir: &Path, since: Option<SystemTime>) -> Result<Vec<CriterionResult>> {
    let mut results = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let benchmark = path.join("benchmark.json");
            let estimates = path.join("estimates.json");
            if path.file_name().is_some_and(|n| n == "new")
                && benchmark.is_file()
                && estimates.is_file()
            {
                let read = |p: &Path| {
                    std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
                };
                let mut result = CriterionResult::parse(&read(&benchmark)?, &read(&estimates)?)
                    .with_context(|| format!("in {}", path.display()))?;
                result.stale = is_stale(&estimates, since);
                results.push(result);
            } else {
                pending.push(path);
            }
        }
    }
    results.sort_by(|a, b| a.full_id.cmp(&b.full_id));
    Ok(results)
}

fn is_stale(path: &Path, since: Option<SystemTime>) -> bool {
    let Some(since) = since else {
        return false;
    };
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t < since)
}

/// A JSON report of `target/bench-report/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Its content.
    pub value: Value,
    /// Older than this run.
    pub stale: bool,
}

fn read_report(target: &Path, name: &str, since: Option<SystemTime>) -> Option<Report> {
    let path = target.join("bench-report").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).ok()?;
    let value = serde_json::from_str(&text).ok()?;
    Some(Report {
        value,
        stale: is_stale(&path, since),
    })
}

/// Everything the summary is made of.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The machine.
    pub machine: Machine,
    /// The command that made the summary.
    pub command: String,
    /// The benchmark runs of this invocation (none with `--report-only`).
    pub runs: Vec<RunStatus>,
    /// Every criterion result.
    pub criterion: Vec<CriterionResult>,
    /// `loopback.json`.
    pub loopback: Option<Report>,
    /// `scale.json`.
    pub scale: Option<Report>,
    /// `rate_limit.json`.
    pub rate_limit: Option<Report>,
    /// `volc_python_signer.json`.
    pub python_signer: Option<Report>,
}

const MET: &str = "met";
const NOT_MET: &str = "**NOT met**";
const MISSING: &str = "**missing**";

fn verdict(ok: bool) -> &'static str {
    if ok { MET } else { NOT_MET }
}

fn stale_mark(stale: bool) -> &'static str {
    if stale { " (stale)" } else { "" }
}

/// A duration in nanoseconds, in the unit that suits it.
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        "n/a".to_owned()
    } else if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}

fn fmt_bytes(bytes: f64) -> String {
    if bytes < 1024.0 * 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
    }
}

fn fmt_f(v: Option<f64>, decimals: usize) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| MISSING.to_owned(), |x| format!("{x:.decimals$}"))
}

/// The whole summary, as markdown.
pub fn render(inputs: &Inputs) -> String {
    let mut out = String::from("# Benchmark summary\n\n");
    let m = &inputs.machine;
    let _ = writeln!(
        out,
        "Machine: {} cores (available_parallelism/nproc; {} in /proc/cpuinfo), CPU {}, load average {} when summarised. Command: `{}`.\n",
        m.cores.map_or_else(|| "?".to_owned(), |c| c.to_string()),
        m.cpuinfo_processors
            .map_or_else(|| "?".to_owned(), |c| c.to_string()),
        m.cpu_model.as_deref().unwrap_or("unknown"),
        m.load_average.as_deref().unwrap_or("unknown"),
        inputs.command,
    );
    if !inputs.runs.is_empty() {
        let runs: Vec<String> = inputs
            .runs
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.name,
                    if r.ok {
                        "ok".to_owned()
                    } else {
                        format!("**FAILED** ({})", r.detail)
                    }
                )
            })
            .collect();
        let _ = writeln!(out, "Runs: {}.\n", runs.join("; "));
    }
    if inputs.criterion.iter().any(|r| r.stale)
        || [
            &inputs.loopback,
            &inputs.scale,
            &inputs.rate_limit,
            &inputs.python_signer,
        ]
        .iter()
        .any(|r| r.as_ref().is_some_and(|r| r.stale))
    {
        out.push_str("Figures marked (stale) come from an earlier run, not this one.\n\n");
    }
    render_signing(&mut out, inputs);
    render_decode(&mut out, inputs);
    render_loopback(&mut out, inputs);
    render_scale(&mut out, inputs);
    render_rate_limit(&mut out, inputs);
    out
}

/// Signing variants that are not the per-request cost the goal is about, with the reason.
const UNJUDGED_SIGNING_VARIANTS: &[(&str, &str)] = &[(
    "signing/volc_cold",
    "derives the signing key on every call; a client derives it once per UTC day",
)];

fn render_signing(out: &mut String, inputs: &Inputs) {
    out.push_str("## Signing (goal: ≤ 2 µs per signed request)\n\n");
    out.push_str("| id | time per request | 95 % CI | goal | status |\n|---|---|---|---|---|\n");
    let signing: Vec<&CriterionResult> = inputs
        .criterion
        .iter()
        .filter(|r| r.full_id.starts_with("signing/"))
        .collect();
    for vendor in VENDORS {
        let main = format!("signing/{vendor}");
        let variant = format!("signing/{vendor}_");
        let rows: Vec<&&CriterionResult> = signing
            .iter()
            .filter(|r| r.full_id == main || r.full_id.starts_with(&variant))
            .collect();
        if !rows.iter().any(|r| r.full_id == main) {
            let _ = writeln!(out, "| {main} | {MISSING} | | ≤ 2 µs | {MISSING} |");
        }
        for r in rows {
            let (goal, status) = match UNJUDGED_SIGNING_VARIANTS
                .iter()
                .find(|(id, _)| *id == r.full_id)
            {
                Some((_, why)) => ("–", format!("not judged: {why}")),
                None => ("≤ 2 µs", verdict(r.ns <= SIGNING_GOAL_NS).to_string()),
            };
            let _ = writeln!(
                out,
                "| {} | {}{} | {} – {} | {goal} | {status} |",
                r.full_id,
                fmt_ns(r.ns),
                stale_mark(r.stale),
                fmt_ns(r.lower_ns),
                fmt_ns(r.upper_ns),
            );
        }
    }
    for r in signing.iter().filter(|r| {
        !VENDORS.iter().any(|v| {
            r.full_id == format!("signing/{v}") || r.full_id.starts_with(&format!("signing/{v}_"))
        })
    }) {
        let _ = writeln!(
            out,
            "| {} | {}{} | {} – {} | ≤ 2 µs | {} |",
            r.full_id,
            fmt_ns(r.ns),
            stale_mark(r.stale),
            fmt_ns(r.lower_ns),
            fmt_ns(r.upper_ns),
            verdict(r.ns <= SIGNING_GOAL_NS)
        );
    }
    match &inputs.python_signer {
        Some(report) => {
            let python_us = report.value["volc_python_signer_us"].as_f64();
            let ours = inputs
                .criterion
                .iter()
                .find(|r| r.full_id == "signing/volc")
                .map(|r| r.ns);
            let ratio = python_us.zip(ours).map(|(p, o)| p * 1000.0 / o);
            let _ = writeln!(
                out,
                "\nVolcengine's official Python signer (volcengine.auth.SignerV4): {} µs per signature{}; ours is {} times faster.",
                fmt_f(python_us, 1),
                stale_mark(report.stale),
                fmt_f(ratio, 0)
            );
        }
        None => {
            let why = inputs
                .runs
                .iter()
                .find(|r| r.name == "volc_python_signer.py")
                .map_or_else(String::new, |r| format!(" ({})", r.detail));
            let _ = writeln!(
                out,
                "\nVolcengine's official Python signer: {MISSING}{why}."
            );
        }
    }
    out.push('\n');
}

/// `decode/<vendor>/<fixture>/<kind>` split into its parts.
fn decode_parts(id: &str) -> Option<(&str, &str, &str)> {
    let rest = id.strip_prefix("decode/")?;
    let (vendor, rest) = rest.split_once('/')?;
    let (fixture, kind) = rest.rsplit_once('/')?;
    Some((vendor, fixture, kind))
}

fn render_decode(out: &mut String, inputs: &Inputs) {
    out.push_str("## Decode (goal: typed not slower than `serde_json::Value`)\n\n");
    out.push_str(
        "| vendor | fixture | bytes | typed | typed MiB/s | Value | Value MiB/s | typed / Value | neutral | other variants | status |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut table: BTreeMap<(String, String), BTreeMap<String, &CriterionResult>> = BTreeMap::new();
    for r in &inputs.criterion {
        if let Some((vendor, fixture, kind)) = decode_parts(&r.full_id) {
            table
                .entry((vendor.to_owned(), fixture.to_owned()))
                .or_default()
                .insert(kind.to_owned(), r);
        }
    }
    let vendors_seen: BTreeSet<&str> = table.keys().map(|(v, _)| v.as_str()).collect();
    for vendor in VENDORS {
        if !vendors_seen.contains(vendor) {
            let _ = writeln!(out, "| {vendor} | {MISSING} | | | | | | | | {MISSING} |");
        }
    }
    let cell = |r: Option<&&CriterionResult>| {
        r.map_or_else(
            || MISSING.to_owned(),
            |r| format!("{}{}", fmt_ns(r.ns), stale_mark(r.stale)),
        )
    };
    let rate = |r: Option<&&CriterionResult>| fmt_f(r.and_then(|r| r.mib_per_sec()), 1);
    for ((vendor, fixture), kinds) in &table {
        let typed = kinds.get("typed");
        let value = kinds.get("value");
        let neutral = kinds.get("neutral");
        let bytes = typed
            .or(value)
            .and_then(|r| r.bytes)
            .map_or_else(String::new, |b| b.to_string());
        let (ratio, status) = match (typed, value) {
            (Some(t), Some(v)) => (format!("{:.2}", t.ns / v.ns), verdict(t.ns <= v.ns)),
            // A fixture with only a neutral figure has no goal of its own.
            (None, None) => (String::new(), ""),
            _ => (MISSING.to_owned(), MISSING),
        };
        // A fixture with only a neutral figure leaves the typed/Value cells empty.
        let paired = typed.is_some() || value.is_some();
        let [typed_ns, typed_rate, value_ns, value_rate] = if paired {
            [cell(typed), rate(typed), cell(value), rate(value)]
        } else {
            Default::default()
        };
        let neutral = neutral.map_or_else(String::new, |n| {
            format!("{}{}", fmt_ns(n.ns), stale_mark(n.stale))
        });
        // Any other figure of the fixture (e.g. a diagnostic `typed_plain`), by name.
        let other: Vec<String> = kinds
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "typed" | "value" | "neutral"))
            .map(|(k, r)| format!("{k} {}{}", fmt_ns(r.ns), stale_mark(r.stale)))
            .collect();
        let other = other.join(", ");
        let _ = writeln!(
            out,
            "| {vendor} | {fixture} | {bytes} | {typed_ns} | {typed_rate} | {value_ns} | {value_rate} | {ratio} | {neutral} | {other} | {status} |"
        );
    }
    out.push('\n');
}

fn render_loopback(out: &mut String, inputs: &Inputs) {
    out.push_str(
        "## Loopback end to end (goal: SDK requests/s ≥ 0.9 × raw reqwest, sequential and 64 concurrent)\n\n",
    );
    out.push_str("Fixed loop (`target/bench-report/loopback.json`): every request timed; SDK, raw and raw+serde run in short rounds in rotating order, and SDK / raw is the median of the per-round ratios. \"raw+serde\" is raw reqwest plus a plain typed `serde_json` decode (a minimal hand-written client), for reference.\n\n");
    out.push_str("| vendor | mode | SDK req/s | SDK p50 | SDK p99 | raw req/s | raw p50 | raw p99 | SDK / raw | goal | status | p50 raw / SDK | raw+serde req/s | SDK / raw+serde |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let results: Vec<&Value> = inputs
        .loopback
        .as_ref()
        .and_then(|r| r.value["results"].as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let stale = inputs.loopback.as_ref().is_some_and(|r| r.stale);
    for vendor in VENDORS {
        for mode in ["seq", "c64"] {
            let Some(r) = results
                .iter()
                .find(|r| r["vendor"] == *vendor && r["mode"] == mode)
            else {
                let _ = writeln!(
                    out,
                    "| {vendor} | {mode} | {MISSING} | | | | | | | ≥ 0.9 | {MISSING} | | | |"
                );
                continue;
            };
            let us = |side: &str, key: &str| {
                r[side][key]
                    .as_f64()
                    .map_or_else(|| MISSING.to_owned(), |v| fmt_ns(v * 1000.0))
            };
            let ratio = r["ratio"].as_f64();
            let _ = writeln!(
                out,
                "| {vendor} | {mode} | {}{} | {} | {} | {} | {} | {} | {} | ≥ 0.9 | {} | {} | {} | {} |",
                fmt_f(r["sdk"]["rps"].as_f64(), 0),
                stale_mark(stale),
                us("sdk", "p50_us"),
                us("sdk", "p99_us"),
                fmt_f(r["raw"]["rps"].as_f64(), 0),
                us("raw", "p50_us"),
                us("raw", "p99_us"),
                fmt_f(ratio, 3),
                ratio.map_or(MISSING, |x| verdict(x >= LOOPBACK_GOAL_RATIO)),
                fmt_f(r["ratio_p50"].as_f64(), 3),
                fmt_f(r["hand"]["rps"].as_f64(), 0),
                fmt_f(r["ratio_vs_hand"].as_f64(), 3),
            );
        }
    }
    out.push_str("\nCriterion headline (`loopback/<vendor>/{sdk,raw}_{seq,c64}`; c64 times a batch of 64 concurrent requests):\n\n");
    out.push_str("| vendor | mode | SDK time/request | SDK req/s | raw time/request | raw req/s | SDK / raw | goal | status |\n|---|---|---|---|---|---|---|---|---|\n");
    let find = |id: String| inputs.criterion.iter().find(|r| r.full_id == id);
    for vendor in VENDORS {
        for mode in ["seq", "c64"] {
            let sdk = find(format!("loopback/{vendor}/sdk_{mode}"));
            let raw = find(format!("loopback/{vendor}/raw_{mode}"));
            let per = |r: Option<&CriterionResult>| {
                r.map_or_else(
                    || MISSING.to_owned(),
                    |r| format!("{}{}", fmt_ns(r.ns_per_element()), stale_mark(r.stale)),
                )
            };
            let rps = |r: Option<&CriterionResult>| fmt_f(r.map(|r| 1e9 / r.ns_per_element()), 0);
            let ratio = sdk
                .zip(raw)
                .map(|(s, r)| r.ns_per_element() / s.ns_per_element());
            let _ = writeln!(
                out,
                "| {vendor} | {mode} | {} | {} | {} | {} | {} | ≥ 0.9 | {} |",
                per(sdk),
                rps(sdk),
                per(raw),
                rps(raw),
                fmt_f(ratio, 3),
                ratio.map_or(MISSING, |x| verdict(x >= LOOPBACK_GOAL_RATIO)),
            );
        }
    }
    out.push('\n');
}

/// The scale table: time per task and peak heap per walk (`peak_heap_bytes` of each result
/// of `scale.json`); the goal is judged on the 10 000 / 1 000 ratio of peak heap.
fn render_scale(out: &mut String, inputs: &Inputs) {
    out.push_str(
        "## Listing at scale (goal: peak heap of a 10 000-task walk ≤ 1.2 × that of 1 000)\n\n",
    );
    if let Some(method) = inputs
        .scale
        .as_ref()
        .and_then(|r| r.value["memory_method"].as_str())
    {
        let _ = writeln!(out, "Memory: {method}.\n");
    }
    out.push_str("| vendor | tasks | time/task (loop) | time/task (criterion) | peak heap | 10k / 1k | goal | status |\n|---|---|---|---|---|---|---|---|\n");
    let results: Vec<&Value> = inputs
        .scale
        .as_ref()
        .and_then(|r| r.value["results"].as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let stale = inputs.scale.as_ref().is_some_and(|r| r.stale);
    for vendor in ["zego", "qingcloud"] {
        let heap = |n: u64| {
            results
                .iter()
                .find(|r| r["vendor"] == vendor && r["tasks"] == n)
                .and_then(|r| r["peak_heap_bytes"].as_f64())
        };
        let ratio = heap(10_000).zip(heap(1_000)).map(|(l, s)| l / s.max(1.0));
        for n in [1_000u64, 10_000] {
            let r = results
                .iter()
                .find(|r| r["vendor"] == vendor && r["tasks"] == n);
            let criterion = inputs
                .criterion
                .iter()
                .find(|c| c.full_id == format!("scale/{vendor}/{n}"));
            let (ratio_cell, goal, status) = if n == 10_000 {
                (
                    fmt_f(ratio, 2),
                    "≤ 1.2",
                    ratio.map_or(MISSING, |x| verdict(x <= SCALE_GOAL_RATIO)),
                )
            } else {
                (String::new(), "", "")
            };
            let _ = writeln!(
                out,
                "| {vendor} | {n} | {} | {} | {} | {ratio_cell} | {goal} | {status} |",
                r.and_then(|r| r["time_per_task_ns"].as_f64()).map_or_else(
                    || MISSING.to_owned(),
                    |v| format!("{}{}", fmt_ns(v), stale_mark(stale))
                ),
                criterion.map_or_else(
                    || MISSING.to_owned(),
                    |c| format!("{}{}", fmt_ns(c.ns_per_element()), stale_mark(c.stale))
                ),
                heap(n).map_or_else(
                    || MISSING.to_owned(),
                    |b| format!("{}{}", fmt_bytes(b), stale_mark(stale))
                ),
            );
        }
    }
    out.push('\n');
}

fn render_rate_limit(out: &mut String, inputs: &Inputs) {
    out.push_str("## Rate limiter (1 000 callers, one ZEGO client, 10/s, 3 s real time)\n\n");
    out.push_str("| figure | value | goal | status |\n|---|---|---|---|\n");
    let Some(report) = &inputs.rate_limit else {
        let _ = writeln!(
            out,
            "| most arrivals in any 1 s window | {MISSING} | ≤ 10 | {MISSING} |"
        );
        let _ = writeln!(out, "| average rate | {MISSING} | ≥ 9.5/s | {MISSING} |\n");
        return;
    };
    let v = &report.value;
    let stale = stale_mark(report.stale);
    let max = v["max_in_window"].as_u64();
    let average = v["average_per_sec"].as_f64();
    let _ = writeln!(
        out,
        "| most arrivals in any 1 s window (sliding, at the server) | {}{stale} | ≤ 10 | {} |",
        max.map_or_else(|| MISSING.to_owned(), |m| m.to_string()),
        max.map_or(MISSING, |m| verdict(m <= RATE_GOAL_MAX)),
    );
    let _ = writeln!(
        out,
        "| average rate (arrivals in the run / 3 s) | {}{stale} | ≥ 9.5/s | {} |",
        fmt_f(average, 2),
        average.map_or(MISSING, |a| verdict(a >= RATE_GOAL_AVERAGE)),
    );
    let _ = writeln!(
        out,
        "| rate from first to last arrival | {}{stale} | | |",
        fmt_f(v["first_to_last_per_sec"].as_f64(), 2)
    );
    let _ = writeln!(
        out,
        "| arrivals / completed calls | {} / {} | | |",
        v["arrivals"]
            .as_u64()
            .map_or_else(|| MISSING.to_owned(), |a| a.to_string()),
        v["completed_calls"]
            .as_u64()
            .map_or_else(|| MISSING.to_owned(), |a| a.to_string()),
    );
    let _ = writeln!(
        out,
        "| smallest gap between arrivals | {} ms | | |\n",
        fmt_f(v["min_gap_ms"].as_f64(), 1)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench_json(full_id: &str, throughput: &str) -> String {
        format!(
            r#"{{"group_id":"g","function_id":"f","value_str":null,"throughput":{throughput},"full_id":"{full_id}","directory_name":"d","title":"{full_id}"}}"#
        )
    }

    fn estimates_json(mean: f64, slope: Option<f64>) -> String {
        let est = |x: f64| {
            format!(
                r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{x},"standard_error":1.0}}"#,
                x * 0.9,
                x * 1.1
            )
        };
        format!(
            r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":{},"std_dev":{}}}"#,
            est(mean),
            est(mean),
            est(1.0),
            slope.map_or_else(|| "null".to_owned(), est),
            est(1.0)
        )
    }

    fn result(id: &str, ns: f64) -> CriterionResult {
        CriterionResult {
            full_id: id.to_owned(),
            ns,
            lower_ns: ns,
            upper_ns: ns,
            bytes: None,
            elements: None,
            stale: false,
        }
    }

    #[test]
    fn options_split_flags_and_criterion_args() {
        let o = Options::parse(&["--quick", "--", "--sample-size", "10"]).unwrap();
        assert!(o.quick && !o.report_only);
        assert_eq!(
            o.bench_args(),
            [
                "--warm-up-time",
                "0.5",
                "--measurement-time",
                "1.5",
                "--sample-size",
                "10"
            ]
        );
        assert!(Options::parse(&["--fast"]).is_err());
        assert_eq!(
            Options::parse(&[]).unwrap().bench_args(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bench_names_come_from_the_manifest() {
        let manifest = "[package]\nname = \"x\"\n\n[[bench]]\nname = \"signing\"\nharness = false\n\n[[bench]]\nname = \"decode\"\nharness = false\n";
        assert_eq!(bench_names(manifest).unwrap(), ["signing", "decode"]);
        assert!(bench_names("[package]\nname = \"x\"\n").unwrap().is_empty());
    }

    #[test]
    fn criterion_files_parse_with_slope_or_mean_and_throughput() {
        let r = CriterionResult::parse(
            &bench_json("decode/zego/doc_example/typed", r#"{"Bytes":1048576}"#),
            &estimates_json(2_000.0, Some(1_000.0)),
        )
        .unwrap();
        assert_eq!(r.full_id, "decode/zego/doc_example/typed");
        assert_eq!(r.ns, 1_000.0, "the slope wins when present");
        assert_eq!((r.lower_ns, r.upper_ns), (900.0, 1_100.0));
        assert_eq!(r.bytes, Some(1_048_576));
        // 1 MiB in 1 µs.
        assert!((r.mib_per_sec().unwrap() - 1_000_000.0).abs() < 1e-6);

        let r = CriterionResult::parse(
            &bench_json("loopback/zego/sdk_c64", r#"{"Elements":64}"#),
            &estimates_json(6_400.0, None),
        )
        .unwrap();
        assert_eq!(r.ns, 6_400.0, "the mean without a slope");
        assert_eq!(r.elements, Some(64));
        assert_eq!(r.ns_per_element(), 100.0);

        assert!(CriterionResult::parse("{}", &estimates_json(1.0, None)).is_err());
        assert!(CriterionResult::parse(&bench_json("a/b", "null"), "not json").is_err());
    }

    #[test]
    fn collect_walks_the_criterion_tree_and_marks_stale_results() {
        let dir = tempfile::tempdir().unwrap();
        let write = |sub: &str, id: &str, ns: f64| {
            let d = dir.path().join(sub).join("new");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("benchmark.json"), bench_json(id, "null")).unwrap();
            std::fs::write(d.join("estimates.json"), estimates_json(ns, None)).unwrap();
            // criterion's other folders are ignored
            std::fs::create_dir_all(dir.path().join(sub).join("base")).unwrap();
        };
        write("signing/zego", "signing/zego", 500.0);
        write(
            "decode/zego_doc_example/typed",
            "decode/zego/doc_example/typed",
            9.0,
        );
        let all = collect_criterion(dir.path(), None).unwrap();
        let ids: Vec<&str> = all.iter().map(|r| r.full_id.as_str()).collect();
        assert_eq!(ids, ["decode/zego/doc_example/typed", "signing/zego"]);
        assert!(all.iter().all(|r| !r.stale));
        let later = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert!(
            collect_criterion(dir.path(), Some(later))
                .unwrap()
                .iter()
                .all(|r| r.stale)
        );
        assert!(
            collect_criterion(&dir.path().join("absent"), None)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn cpuinfo_gives_model_and_processors() {
        let m = Machine::from_cpuinfo(
            "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n",
        );
        assert_eq!(m.cpuinfo_processors, Some(2));
        assert_eq!(m.cpu_model.as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(Machine::from_cpuinfo("").cpu_model, None);
    }

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(fmt_ns(512.4), "512 ns");
        assert_eq!(fmt_ns(1_530.0), "1.53 µs");
        assert_eq!(fmt_ns(2_500_000.0), "2.50 ms");
        assert_eq!(fmt_ns(f64::NAN), "n/a");
    }

    /// The row of `table` whose first cells are `prefix`.
    fn row<'a>(table: &'a str, prefix: &str) -> &'a str {
        table
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no row starting with {prefix:?} in:\n{table}"))
    }

    #[test]
    fn signing_rows_judge_the_goal_and_report_missing_vendors() {
        let inputs = Inputs {
            criterion: vec![
                result("signing/zego", 512.0),
                result("signing/volc", 2_500.0),
                result("signing/volc_cold", 3_100.0),
            ],
            ..Inputs::default()
        };
        let out = render(&inputs);
        assert!(row(&out, "| signing/zego |").contains("512 ns"));
        assert!(row(&out, "| signing/zego |").ends_with("| met |"));
        assert!(row(&out, "| signing/volc |").contains(NOT_MET));
        assert!(row(&out, "| signing/volc_cold |").contains("3.10 µs"));
        // The cold variant is shown but not judged against the per-request goal.
        assert!(!row(&out, "| signing/volc_cold |").contains(NOT_MET));
        assert!(row(&out, "| signing/volc_cold |").contains("not judged"));
        assert!(row(&out, "| signing/qingcloud |").contains(MISSING));
        assert!(row(&out, "| signing/agora |").contains(MISSING));
        assert!(out.contains("official Python signer: **missing**"));
    }

    #[test]
    fn python_signer_ratio_uses_the_volc_figure() {
        let inputs = Inputs {
            criterion: vec![result("signing/volc", 1_000.0)],
            python_signer: Some(Report {
                value: serde_json::json!({"volc_python_signer_us": 35.0}),
                stale: false,
            }),
            ..Inputs::default()
        };
        let out = render(&inputs);
        assert!(
            out.contains("35.0 µs per signature; ours is 35 times faster"),
            "{out}"
        );
    }

    #[test]
    fn decode_rows_pair_typed_and_value() {
        let mut typed = result("decode/zego/doc_example/typed", 1_000.0);
        typed.bytes = Some(1_048_576);
        let mut value = result("decode/zego/doc_example/value", 2_000.0);
        value.bytes = Some(1_048_576);
        let mut slow = result("decode/volc/running/typed", 3_000.0);
        slow.stale = true;
        let inputs = Inputs {
            criterion: vec![
                typed,
                value,
                result("decode/zego/doc_example/neutral", 300.0),
                result("decode/zego/doc_example/typed_plain", 800.0),
                slow,
                result("decode/volc/running/value", 2_000.0),
                result("decode/agora/doc_example/typed", 10.0),
            ],
            ..Inputs::default()
        };
        let out = render(&inputs);
        let zego = row(&out, "| zego | doc_example |");
        assert!(zego.contains("| 1048576 |"), "{zego}");
        assert!(
            zego.contains("| 1.00 µs | 1000000.0 | 2.00 µs | 500000.0 | 0.50 | 300 ns | typed_plain 800 ns | met |"),
            "{zego}"
        );
        let volc = row(&out, "| volc | running |");
        assert!(volc.contains("3.00 µs (stale)"), "{volc}");
        assert!(
            volc.ends_with(&format!("| 1.50 |  |  | {NOT_MET} |")),
            "{volc}"
        );
        assert!(row(&out, "| agora | doc_example |").ends_with(&format!("| {MISSING} |")));
        assert!(row(&out, "| qingcloud | **missing** |").contains(MISSING));
    }

    #[test]
    fn loopback_rows_come_from_the_report_and_criterion() {
        let side = |rps: f64| serde_json::json!({"rps": rps, "p50_us": 40.5, "p99_us": 120.0});
        let inputs = Inputs {
            loopback: Some(Report {
                value: serde_json::json!({"results": [
                    {"vendor": "zego", "mode": "seq", "sdk": side(9_500.0), "raw": side(10_000.0),
                     "hand": side(9_800.0), "ratio": 0.95, "ratio_p50": 0.9, "ratio_vs_hand": 0.969},
                    {"vendor": "zego", "mode": "c64", "sdk": side(8_000.0), "raw": side(10_000.0),
                     "hand": side(9_000.0), "ratio": 0.8, "ratio_vs_hand": 0.889},
                ]}),
                stale: false,
            }),
            criterion: vec![
                result("loopback/zego/sdk_seq", 50_000.0),
                result("loopback/zego/raw_seq", 40_000.0),
                CriterionResult {
                    elements: Some(64),
                    ..result("loopback/zego/sdk_c64", 6_400_000.0)
                },
                CriterionResult {
                    elements: Some(64),
                    ..result("loopback/zego/raw_c64", 6_080_000.0)
                },
            ],
            ..Inputs::default()
        };
        let out = render(&inputs);
        let seq = row(&out, "| zego | seq | 9500 |");
        assert!(seq.contains("| 40.50 µs | 120.00 µs | 10000 |"), "{seq}");
        assert!(
            seq.contains("| 0.950 | ≥ 0.9 | met | 0.900 | 9800 | 0.969 |"),
            "{seq}"
        );
        assert!(row(&out, "| zego | c64 | 8000 |").contains(NOT_MET));
        assert!(row(&out, "| volc | seq |").contains(MISSING));
        // criterion: 50 µs vs 40 µs per request is 0.8; 100 µs vs 95 µs per request is 0.95
        let seq = row(&out, "| zego | seq | 50.00 µs |");
        assert!(
            seq.contains("| 20000 | 40.00 µs | 25000 | 0.800 | ≥ 0.9 | **NOT met** |"),
            "{seq}"
        );
        let c64 = row(&out, "| zego | c64 | 100.00 µs |");
        assert!(c64.contains("| 0.950 | ≥ 0.9 | met |"), "{c64}");
        let criterion_agora = out
            .lines()
            .rfind(|l| l.starts_with("| agora | c64 |"))
            .unwrap();
        assert!(
            criterion_agora.ends_with(&format!("| ≥ 0.9 | {MISSING} |")),
            "{criterion_agora}"
        );
    }

    #[test]
    fn scale_rows_compare_ten_thousand_with_one_thousand() {
        let r = |vendor: &str, n: u64, heap: u64| serde_json::json!({"vendor": vendor, "tasks": n, "time_per_task_ns": 1500.0, "peak_heap_bytes": heap, "heap_walks": 5});
        let inputs = Inputs {
            scale: Some(Report {
                value: serde_json::json!({"memory_method": "peak heap bytes", "results": [
                    r("zego", 1_000, 40_960), r("zego", 10_000, 45_056),
                    r("qingcloud", 1_000, 40_960), r("qingcloud", 10_000, 409_600),
                ]}),
                stale: false,
            }),
            criterion: vec![CriterionResult {
                elements: Some(1_000),
                ..result("scale/zego/1000", 1_400_000.0)
            }],
            ..Inputs::default()
        };
        let out = render(&inputs);
        assert!(
            out.contains("goal: peak heap of a 10 000-task walk"),
            "{out}"
        );
        assert!(out.contains("| peak heap | 10k / 1k |"), "{out}");
        assert!(out.contains("Memory: peak heap bytes."));
        let small = row(&out, "| zego | 1000 |");
        assert!(
            small.contains("| 1.50 µs | 1.40 µs | 40.0 KiB |"),
            "{small}"
        );
        assert!(row(&out, "| zego | 10000 |").contains("| 44.0 KiB | 1.10 | ≤ 1.2 | met |"));
        assert!(
            row(&out, "| qingcloud | 10000 |")
                .contains(&format!("| 400.0 KiB | 10.00 | ≤ 1.2 | {NOT_MET} |"))
        );
        assert!(
            row(&out, "| qingcloud | 10000 |").contains(MISSING),
            "no criterion figure"
        );
    }

    #[test]
    fn scale_goal_is_judged_on_peak_heap_only() {
        // 1.2 × is still met, just above is not.
        let report = |large: u64| {
            Some(Report {
                value: serde_json::json!({"results": [
                    {"vendor": "zego", "tasks": 1_000, "peak_heap_bytes": 100_000},
                    {"vendor": "zego", "tasks": 10_000, "peak_heap_bytes": large},
                ]}),
                stale: true,
            })
        };
        let out = render(&Inputs {
            scale: report(120_000),
            ..Inputs::default()
        });
        let large = row(&out, "| zego | 10000 |");
        assert!(
            large.contains("| 117.2 KiB (stale) | 1.20 | ≤ 1.2 | met |"),
            "{large}"
        );
        let out = render(&Inputs {
            scale: report(120_100),
            ..Inputs::default()
        });
        assert!(row(&out, "| zego | 10000 |").ends_with(&format!("| ≤ 1.2 | {NOT_MET} |")));

        // A report of the former RSS method has no peak heap: missing, not judged.
        let out = render(&Inputs {
            scale: Some(Report {
                value: serde_json::json!({"results": [
                    {"vendor": "zego", "tasks": 1_000, "peak_growth_bytes": 40_960},
                    {"vendor": "zego", "tasks": 10_000, "peak_growth_bytes": 40_960},
                ]}),
                stale: false,
            }),
            ..Inputs::default()
        });
        assert!(
            row(&out, "| zego | 10000 |")
                .ends_with(&format!("| {MISSING} | {MISSING} | ≤ 1.2 | {MISSING} |")),
            "{out}"
        );
    }

    #[test]
    fn scale_without_a_report_is_missing() {
        let out = render(&Inputs::default());
        assert!(
            row(&out, "| zego | 10000 |").contains(&format!("| {MISSING} | ≤ 1.2 | {MISSING} |"))
        );
        assert!(
            row(&out, "| qingcloud | 1000 |")
                .ends_with(&format!("| {MISSING} | {MISSING} | {MISSING} |  |  |  |")),
            "{out}"
        );
    }

    #[test]
    fn rate_limit_rows_judge_both_goals() {
        let report = |max: u64, avg: f64| {
            Some(Report {
                value: serde_json::json!({"max_in_window": max, "average_per_sec": avg,
                    "first_to_last_per_sec": 9.8, "arrivals": 30, "completed_calls": 30, "min_gap_ms": 98.8}),
                stale: false,
            })
        };
        let out = render(&Inputs {
            rate_limit: report(10, 10.0),
            ..Inputs::default()
        });
        assert!(row(&out, "| most arrivals").contains("| 10 | ≤ 10 | met |"));
        assert!(row(&out, "| average rate").contains("| 10.00 | ≥ 9.5/s | met |"));
        let out = render(&Inputs {
            rate_limit: report(11, 9.4),
            ..Inputs::default()
        });
        assert!(row(&out, "| most arrivals").contains(NOT_MET));
        assert!(row(&out, "| average rate").contains(NOT_MET));
        let out = render(&Inputs::default());
        assert!(row(&out, "| most arrivals").contains(MISSING));
    }

    #[test]
    fn header_names_machine_command_runs_and_staleness() {
        let inputs = Inputs {
            machine: Machine {
                cores: Some(2),
                cpuinfo_processors: Some(2),
                cpu_model: Some("AMD EPYC".to_owned()),
                load_average: Some("1.00 0.50 0.25".to_owned()),
            },
            command: "cargo xtask bench --quick".to_owned(),
            runs: vec![
                RunStatus {
                    name: "zego-record".to_owned(),
                    ok: true,
                    required: true,
                    detail: "exit status: 0".to_owned(),
                },
                RunStatus {
                    name: "record-facade".to_owned(),
                    ok: false,
                    required: true,
                    detail: "exit status: 101".to_owned(),
                },
            ],
            criterion: vec![CriterionResult {
                stale: true,
                ..result("signing/zego", 500.0)
            }],
            ..Inputs::default()
        };
        let out = render(&inputs);
        assert!(out.contains("Machine: 2 cores"));
        assert!(out.contains("CPU AMD EPYC"));
        assert!(out.contains("`cargo xtask bench --quick`"));
        assert!(out.contains("zego-record ok; record-facade **FAILED** (exit status: 101)"));
        assert!(out.contains("marked (stale)"));
        assert!(row(&out, "| signing/zego |").contains("500 ns (stale)"));
    }
}
