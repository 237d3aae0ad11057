//! `record-emulator`: serve the emulated cloud-recording APIs of ZEGO, QingCloud RTC,
//! Volcengine RTC and Agora until interrupted.
//!
//! ```text
//! record-emulator --scenario fixtures/emulator/scenario.toml --speed 60 \
//!     --faults volc=503,429:1,drop --fault-share agora=0.1:503|drop
//! ```
//!
//! It prints the base URL of each vendor and the credential variables to export, then logs
//! every request (never a secret or a signature) with `tracing`.

use clap::Parser;
use record_emulator::{Emulator, EmulatorError, Fault, FaultPlan, Vendor};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// A local emulator of the ZEGO, QingCloud RTC, Volcengine RTC and Agora cloud-recording
/// query APIs (one HTTP listener per vendor).
#[derive(Debug, Parser)]
#[command(name = "record-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// First of four consecutive ports: ZEGO, QingCloud, Volcengine, Agora (default:
    /// ephemeral ports).
    #[arg(long)]
    base_port: Option<u16>,
    /// Port of the ZEGO listener.
    #[arg(long)]
    zego_port: Option<u16>,
    /// Port of the QingCloud RTC listener.
    #[arg(long)]
    qingcloud_port: Option<u16>,
    /// Port of the Volcengine RTC listener.
    #[arg(long)]
    volc_port: Option<u16>,
    /// Port of the Agora listener.
    #[arg(long)]
    agora_port: Option<u16>,
    /// Scenario file (TOML, or JSON when it ends in .json).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Time speed factor: recordings move through their lifecycle this many times faster
    /// than the clock.
    #[arg(long)]
    speed: Option<f64>,
    /// A fixed fault sequence for one vendor, VENDOR=FAULT,FAULT,... with FAULT one of 5xx,
    /// 429[:SECS], delay:MS, drop, truncate, html[:STATUS]. Repeatable.
    #[arg(long = "faults", value_name = "VENDOR=SEQUENCE")]
    faults: Vec<String>,
    /// A random share of faulted requests for one vendor, VENDOR=P[:FAULT|FAULT...] (P in
    /// 0..=1; all error faults when none are named). Repeatable.
    #[arg(long = "fault-share", value_name = "VENDOR=P[:FAULTS]")]
    fault_share: Vec<String>,
    /// Seed of the random fault shares.
    #[arg(long)]
    fault_seed: Option<u64>,
    /// Do not enforce the documented rate limits.
    #[arg(long)]
    no_rate_limits: bool,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log_level: tracing::Level,
}

fn vendor(text: &str) -> Result<Vendor, EmulatorError> {
    Vendor::from_id(text.trim()).ok_or_else(|| {
        EmulatorError::Config(format!(
            "unknown vendor `{text}` (zego, qingcloud, volc or agora)"
        ))
    })
}

/// The fault plans given on the command line.
fn fault_plans(args: &Args) -> Result<BTreeMap<Vendor, FaultPlan>, EmulatorError> {
    let mut plans: BTreeMap<Vendor, FaultPlan> = BTreeMap::new();
    for spec in &args.faults {
        let (v, seq) = spec.split_once('=').ok_or_else(|| {
            EmulatorError::Config(format!("--faults `{spec}`: expected VENDOR=SEQUENCE"))
        })?;
        let parsed: FaultPlan = seq.parse()?;
        plans.entry(vendor(v)?).or_default().sequence = parsed.sequence;
    }
    for spec in &args.fault_share {
        let (v, rest) = spec.split_once('=').ok_or_else(|| {
            EmulatorError::Config(format!(
                "--fault-share `{spec}`: expected VENDOR=P[:FAULTS]"
            ))
        })?;
        let (share, kinds) = rest.split_once(':').unwrap_or((rest, ""));
        let share: f64 = share.trim().parse().map_err(|_| {
            EmulatorError::Config(format!("--fault-share `{spec}`: `{share}` is not a number"))
        })?;
        let kinds = kinds
            .split('|')
            .filter(|k| !k.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Fault>, _>>()?;
        let plan = plans.entry(vendor(v)?).or_default();
        plan.share = share;
        plan.kinds = kinds;
        plan.validate()?;
    }
    if let Some(seed) = args.fault_seed {
        for plan in plans.values_mut() {
            plan.seed = Some(seed);
        }
    }
    Ok(plans)
}

async fn run(args: Args) -> Result<(), EmulatorError> {
    let mut builder = Emulator::builder().bind_ip(args.host);
    if let Some(path) = &args.scenario {
        builder = builder.scenario_file(path);
    }
    if let Some(speed) = args.speed {
        builder = builder.speed(speed);
    }
    if let Some(base) = args.base_port {
        builder = builder.base_port(base);
    }
    for (v, port) in [
        (Vendor::Zego, args.zego_port),
        (Vendor::QingCloud, args.qingcloud_port),
        (Vendor::Volcengine, args.volc_port),
        (Vendor::Agora, args.agora_port),
    ] {
        if let Some(port) = port {
            builder = builder.port(v, port);
        }
    }
    for (v, plan) in fault_plans(&args)? {
        builder = builder.faults(v, plan);
    }
    if args.no_rate_limits {
        builder = builder.rate_limits(false);
    }
    let emulator = builder.start().await?;
    println!("record-emulator listening (speed {}):", emulator.speed());
    for v in Vendor::ALL {
        println!("  {:<15} {}", v.display_name(), emulator.base_url(v));
    }
    println!();
    println!("# Credentials the emulator accepts (for each vendor crate's Credentials::from_env):");
    for v in Vendor::ALL {
        for (name, value) in emulator.credentials_env(v) {
            println!("export {name}={}", shell_quote(&value));
        }
    }
    println!();
    println!(
        "# Admin API on every listener: GET|POST /_emulator/recordings, POST /_emulator/recordings/ID/stop|fail, GET|PUT|DELETE /_emulator/faults"
    );
    println!("# Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot wait for Ctrl-C; stopping");
    }
    tracing::info!("stopping");
    emulator.shutdown().await;
    Ok(())
}

/// Single-quotes a value for a POSIX shell.
fn shell_quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.=/+:".contains(&b))
    {
        return value.to_owned();
    }
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_max_level(args.log_level)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("record-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
