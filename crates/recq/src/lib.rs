//! `recq`: query RTC cloud recordings (ZEGO, QingCloud RTC, Volcengine RTC, Agora) from the
//! shell. The binary is a thin wrapper around [`run`], which tests call in-process.

pub mod cli;
pub mod config;
mod demo;
mod lifecycle;
pub mod output;
mod redact;
mod vendors;

use clap::Parser as _;
use cli::{Cli, Global, OutputFormat};
use config::{ConfigError, Settings};
use record_facade::{Error, ErrorKind, Recording, RecordingState, WaitError, Waiter};
use std::ffi::OsString;
use std::io::Write;

/// Process exit codes (documented in `--help` and the README).
pub mod exit {
    /// Success; with `--watch`, the recording completed.
    pub const OK: i32 = 0;
    /// Usage or configuration error.
    pub const USAGE: i32 = 2;
    /// Not found (including Agora's 404).
    pub const NOT_FOUND: i32 = 3;
    /// Authentication or signature rejected, or permission denied.
    pub const AUTH: i32 = 4;
    /// Rate limited after retries, or another vendor error.
    pub const VENDOR: i32 = 5;
    /// Transport error or timeout.
    pub const TRANSPORT: i32 = 6;
    /// With `--watch`: the recording failed or is gone.
    pub const FAILED: i32 = 7;
    /// With `--watch`: `--max-wait` ran out.
    pub const WAIT_TIMEOUT: i32 = 8;
}

/// The exit code of an SDK error.
pub fn exit_code(e: &Error) -> i32 {
    match e.kind() {
        // Parameters refused locally are usage errors; refused by the vendor, vendor errors.
        ErrorKind::InvalidRequest if e.http_status().is_none() => exit::USAGE,
        ErrorKind::InvalidConfiguration | ErrorKind::Unsupported => exit::USAGE,
        ErrorKind::NotFound => exit::NOT_FOUND,
        ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => exit::AUTH,
        ErrorKind::Timeout | ErrorKind::Transport => exit::TRANSPORT,
        _ => exit::VENDOR,
    }
}

/// What went wrong in a run.
#[derive(Debug)]
pub enum Failure {
    /// Configuration or usage.
    Config(ConfigError),
    /// The SDK reported an error.
    Sdk(Error),
    /// Waiting ended without a terminal state.
    Wait(WaitError),
    /// Output could not be written.
    Io(std::io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Sdk(e)
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Where a run writes and what it knows about its terminal.
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut (dyn Write + Send),
    /// Standard error.
    pub err: &'a mut (dyn Write + Send),
    /// Whether stdout is a terminal (table output by default; colours with `--color auto`).
    pub terminal: bool,
    /// Whether stderr is a terminal: `--watch` and `demo --watch` then draw live progress
    /// on the process's stderr (through `indicatif`) instead of one line per change.
    pub err_terminal: bool,
    /// The terminal's width in columns, when stdout is one; otherwise `COLUMNS` is used
    /// when set, and tables have no width limit when it is not.
    pub width: Option<usize>,
}

/// The width of the terminal stdout is, in columns; `None` when stdout is not a terminal.
pub fn terminal_width() -> Option<usize> {
    console::Term::stdout()
        .size_checked()
        .map(|(_rows, columns)| usize::from(columns))
}

/// Whether to colour: `--color always`/`never` decide; `auto` colours a terminal unless
/// `NO_COLOR` is set to anything but the empty string (<https://no-color.org>).
pub fn colour_enabled(choice: cli::ColorChoice, terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => terminal && no_color.is_none_or(str::is_empty),
    }
}

/// The context of one command.
pub(crate) struct Ctx<'a, 'b> {
    pub global: &'a Global,
    pub settings: &'a Settings,
    pub io: &'a mut Io<'b>,
    /// How stdout is laid out (width, colour).
    pub layout: output::Layout,
    /// Whether progress on stderr is coloured.
    pub err_colour: bool,
}

impl Ctx<'_, '_> {
    pub fn format(&self) -> OutputFormat {
        self.global.output.unwrap_or(if self.io.terminal {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        })
    }

    /// Prints one recording.
    pub fn print_one(&mut self, r: &Recording) -> std::io::Result<()> {
        match self.format() {
            OutputFormat::Json => writeln!(self.io.out, "{}", output::json_line(r)),
            OutputFormat::Table => write!(
                self.io.out,
                "{}",
                output::recordings_with_files(std::slice::from_ref(r), self.layout)
            ),
        }
    }

    /// Prints a prepared (dry-run) request.
    pub fn print_prepared(
        &mut self,
        p: &record_facade::client::PreparedRequest,
    ) -> std::io::Result<()> {
        let headers: serde_json::Map<String, serde_json::Value> = p
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let v = serde_json::json!({
            "method": p.method,
            "url": p.url,
            "headers": headers,
            "body": p.body,
        });
        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
        writeln!(self.io.out, "{text}")
    }

    /// Prints a list as it streams: JSON Lines, or a table (aligned columns need every row,
    /// so the table is printed at the end).
    ///
    /// `files_note`: set when the listed answers do not carry files; the table then shows a
    /// dash in FILES and prints the note on stderr.
    pub async fn print_stream(
        &mut self,
        mut items: futures::stream::BoxStream<'_, Result<Recording, Error>>,
        files_note: Option<&str>,
    ) -> Result<(), Failure> {
        use futures::StreamExt as _;
        let format = self.format();
        let mut recordings = Vec::new();
        while let Some(item) = items.next().await {
            let r = item?;
            match format {
                OutputFormat::Json => {
                    writeln!(self.io.out, "{}", output::json_line(&r))?;
                    self.io.out.flush()?;
                }
                OutputFormat::Table => recordings.push(r),
            }
        }
        if format == OutputFormat::Table {
            if recordings.is_empty() {
                writeln!(self.io.err, "no recordings")?;
            } else {
                let table =
                    output::recordings_table(&recordings, files_note.is_none(), self.layout);
                write!(self.io.out, "{table}")?;
                if let Some(note) = files_note {
                    writeln!(self.io.err, "note: {note}")?;
                }
            }
        }
        Ok(())
    }

    /// Polls `task` until it is terminal, reporting each state change on stderr; prints the
    /// final recording. Returns the exit code.
    ///
    /// On a terminal's stderr a spinner shows the latest state and how long the wait has
    /// run, each change and each failed poll printed once above it; elsewhere, one line per
    /// change or failed poll.
    pub async fn watch(
        &mut self,
        query: &dyn record_facade::RecordingQuery,
        task: &record_facade::TaskRef,
    ) -> Result<i32, Failure> {
        let interval = self.global.interval;
        let waiter = Waiter::new(
            interval,
            interval.saturating_mul(4).max(interval),
            self.global.max_wait,
        );
        let colour = self.err_colour;
        let spinner = self.io.err_terminal.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {wide_msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_message(format!(
                "{} {task}: waiting for the first answer",
                task.vendor().id()
            ));
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        // JSON: one line per observed state change on stdout (JSON Lines); the waiter
        // reports the terminal state as a change too, so the last line is the final state.
        let json = self.format() == OutputFormat::Json;
        let out = &mut *self.io.out;
        // Both observers write progress to stderr.
        let err = std::sync::Mutex::new((&mut *self.io.err, None::<std::io::Error>));
        let progress = |line: &str, status: Option<String>| {
            if let Some(bar) = &spinner {
                bar.println(line);
                if let Some(status) = status {
                    bar.set_message(status);
                }
                return;
            }
            let mut guard = err
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (w, failed) = &mut *guard;
            if let Err(e) = writeln!(w, "{line}").and_then(|()| w.flush()) {
                failed.get_or_insert(e);
            }
        };
        let mut out_failed = None;
        let result = waiter
            .wait_observing(
                query,
                task,
                |r| {
                    if json {
                        let written =
                            writeln!(out, "{}", output::json_line(r)).and_then(|()| out.flush());
                        if let Err(e) = written {
                            out_failed.get_or_insert(e);
                        }
                    }
                    let state = output::state_text(r.state, colour);
                    let status = format!(
                        "{} ({}: {}), {} file(s)",
                        state,
                        r.vendor_status.code,
                        r.vendor_status.meaning,
                        r.files.len()
                    );
                    progress(
                        &format!(
                            "{} {} {} {status}",
                            output::format_time(Some(now_ms())),
                            r.vendor.id(),
                            r.task,
                        ),
                        Some(format!("{} {status}", r.vendor.id())),
                    );
                },
                // What is being retried, so that a wait on a failing endpoint is not silent.
                |e| {
                    progress(
                        &format!(
                            "{} poll failed, retrying: {e}",
                            output::format_time(Some(now_ms()))
                        ),
                        None,
                    );
                },
            )
            .await;
        if let Some(bar) = &spinner {
            bar.finish_and_clear();
        }
        let (_, err_failed) = err
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(e) = out_failed.or(err_failed) {
            return Err(Failure::Io(e));
        }
        match result {
            Ok(r) => {
                if !json {
                    self.print_one(&r)?;
                }
                Ok(match r.state {
                    RecordingState::Completed => exit::OK,
                    _ => exit::FAILED,
                })
            }
            Err(e) => Err(Failure::Wait(e)),
        }
    }
}

fn now_ms() -> record_facade::UnixMillis {
    use record_facade::Clock as _;
    record_facade::SystemClock.now()
}

/// Runs `recq` with `args` (the program name first), reading the environment through `env`.
/// Returns the process exit code.
pub async fn run(
    args: Vec<OsString>,
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    io: &mut Io<'_>,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(mut e) => {
            redact::hide_stray_words(&mut e);
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let text = if io.terminal {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let _ = if e.use_stderr() {
                write!(io.err, "{text}")
            } else {
                write!(io.out, "{text}")
            };
            return code;
        }
    };
    // Read before `env` moves into the settings.
    let no_color = env("NO_COLOR");
    let columns = env("COLUMNS")
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let settings = match Settings::load(
        cli.global.config.as_deref(),
        cli.global.profile.as_deref(),
        env,
    ) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(io.err, "recq: {e}");
            return exit::USAGE;
        }
    };
    let layout = output::Layout {
        width: io.width.or(columns),
        colour: colour_enabled(cli.global.color, io.terminal, no_color.as_deref()),
    };
    let err_colour = colour_enabled(cli.global.color, io.err_terminal, no_color.as_deref());
    let mut ctx = Ctx {
        global: &cli.global,
        settings: &settings,
        io,
        layout,
        err_colour,
    };
    match vendors::dispatch(&mut ctx, &cli.command).await {
        Ok(code) => code,
        Err(failure) => {
            let (code, text) = match &failure {
                Failure::Config(e) => (exit::USAGE, e.to_string()),
                Failure::Sdk(e) => (exit_code(e), e.to_string()),
                Failure::Wait(WaitError::TimedOut { .. }) => {
                    (exit::WAIT_TIMEOUT, failure_text(&failure))
                }
                Failure::Wait(WaitError::Query(e)) => (exit_code(e), e.to_string()),
                Failure::Io(e) => (exit::TRANSPORT, format!("cannot write output: {e}")),
            };
            let _ = writeln!(ctx.io.err, "recq: {text}");
            code
        }
    }
}

fn failure_text(f: &Failure) -> String {
    match f {
        Failure::Wait(e) => e.to_string(),
        Failure::Config(e) => e.to_string(),
        Failure::Sdk(e) => e.to_string(),
        Failure::Io(e) => e.to_string(),
    }
}
