//! `recq`: query RTC cloud recordings from the shell. See `recq --help`.

use std::io::IsTerminal as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let verbosity = <recq::cli::Cli as clap::Parser>::try_parse_from(&args)
        .map(|c| c.global.verbose)
        .unwrap_or(0);
    if verbosity > 0 {
        let level = if verbosity >= 2 {
            tracing::Level::TRACE
        } else {
            tracing::Level::DEBUG
        };
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(level)
            .with_target(false)
            .init();
    }
    let terminal = std::io::stdout().is_terminal();
    let err_terminal = std::io::stderr().is_terminal();
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let mut io = recq::Io {
        out: &mut out,
        err: &mut err,
        terminal,
        err_terminal,
        width: if terminal {
            recq::terminal_width()
        } else {
            None
        },
    };
    let code = recq::run(args, |name| std::env::var(name).ok(), &mut io).await;
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
