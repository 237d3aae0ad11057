//! `cargo xtask <command>`: project automation.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check] | bench [ARGS] | fuzz <target>|--list|--all [--time S]\n\n  codegen          regenerate crates/*/src/generated.rs and the README support table from the specs\n  codegen --check  write nothing; fail naming every stale file, missing fixture or snapshot, orphaned snapshot";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (sub, rest) = args.split_first().map_or(("", &[][..]), |(a, r)| (*a, r));
    if sub == "bench" || sub == "fuzz" {
        let result = if sub == "bench" {
            xtask::bench::run(rest)
        } else {
            xtask::fuzz::run(rest)
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let mode = match args.as_slice() {
        ["codegen"] => xtask::Mode::Write,
        ["codegen", "--check"] => xtask::Mode::Check,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match xtask::codegen(&xtask::workspace_root(), mode) {
        Ok(problems) if problems.is_empty() => ExitCode::SUCCESS,
        Ok(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "{} problem(s) found by `cargo xtask codegen{}`",
                problems.len(),
                if mode == xtask::Mode::Check {
                    " --check"
                } else {
                    ""
                }
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
