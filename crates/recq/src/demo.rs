//! `recq demo`: the emulator in-process, the real clients against it.
//!
//! Without `--watch`: one signed `get` per recording of the scenario (the built-in one has
//! recordings in every state each vendor can report), printed as one neutral table, then
//! the files. With `--watch`: one new recording per vendor, started through the vendor's
//! start API where this SDK has one and driven through its lifecycle (pause, resume,
//! layout, stop) as the client's capabilities allow, then followed by a [`Waiter`] to
//! completion with live progress, then the final table and files.

use crate::cli::{DemoArgs, OutputFormat};
use crate::config::ConfigError;
use crate::{Ctx, Failure, exit, output};
use futures::future::join_all;
use record_emulator::{Emulator, RecordingSpec, Scenario, Vendor};
use record_facade::{
    ClientConfig, Error, Recording, RecordingClient, RecordingState, TaskRef, WaitError, Waiter,
    connect,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A vendor and its client.
type VendorClient = (Vendor, Arc<dyn RecordingClient>);

fn demo_error(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::Config(ConfigError(format!("demo: {what}: {e}")))
}

/// One real client per vendor, built through `record_facade::connect` exactly as an
/// application would, pointed at the emulator and holding its credentials.
fn clients(emu: &Emulator) -> Result<Vec<VendorClient>, Failure> {
    Vendor::ALL
        .iter()
        .map(|&v| {
            let config = ClientConfig {
                base_url: Some(emu.base_url(v)),
                ..ClientConfig::default()
            };
            let client = connect(v, &config, emu.env_lookup())?;
            Ok((v, Arc::from(client)))
        })
        .collect()
}

/// `recq demo [--watch]`.
pub(crate) async fn run(ctx: &mut Ctx<'_, '_>, args: &DemoArgs) -> Result<i32, Failure> {
    if ctx.global.dry_run {
        return Err(Failure::Config(ConfigError(
            "demo sends real requests to its in-process emulator; --dry-run does not apply"
                .to_owned(),
        )));
    }
    if !(args.speed.is_finite() && args.speed > 0.0) {
        return Err(Failure::Config(ConfigError(format!(
            "--speed must be a positive number, not {}",
            args.speed
        ))));
    }
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path),
        None => Scenario::example(),
    }
    .map_err(|e| demo_error("scenario", e))?;
    let mut builder = Emulator::builder().scenario(scenario);
    if ctx.global.watch {
        // Every recording of the watch, started through the API or not, moves `speed`
        // times faster than the clock.
        builder = builder.speed(args.speed);
    }
    let emu = builder
        .start()
        .await
        .map_err(|e| demo_error("cannot start the emulator", e))?;
    let urls: Vec<String> = Vendor::ALL
        .iter()
        .map(|&v| format!("{} {}", v.id(), emu.base_url(v)))
        .collect();
    let intro = format!(
        "recq demo: record-emulator in-process ({}); real clients, real signing, no network",
        urls.join(", ")
    );
    write!(
        ctx.io.err,
        "{}",
        output::wrap_text(&intro, ctx.layout.width)
    )?;
    let clients = clients(&emu)?;
    let code = if ctx.global.watch {
        watch(ctx, &emu, &clients, args.speed).await?
    } else {
        snapshot(ctx, &emu, &clients).await?
    };
    emu.shutdown().await;
    Ok(code)
}

/// Prints recordings as the global output format asks: a table then the files, or JSON
/// Lines.
fn print_recordings(ctx: &mut Ctx<'_, '_>, recordings: &[Recording]) -> Result<(), Failure> {
    // A demonstration is for a person: a table unless `--output json` asks for JSON, also
    // when stdout is not a terminal.
    match ctx.global.output.unwrap_or(OutputFormat::Table) {
        OutputFormat::Json => {
            for r in recordings {
                writeln!(ctx.io.out, "{}", output::json_line(r))?;
            }
        }
        OutputFormat::Table => write!(
            ctx.io.out,
            "{}",
            output::recordings_with_files(recordings, ctx.layout)
        )?,
    }
    ctx.io.out.flush()?;
    Ok(())
}

/// Every recording of the scenario, read back through the clients.
async fn snapshot(
    ctx: &mut Ctx<'_, '_>,
    emu: &Emulator,
    clients: &[VendorClient],
) -> Result<i32, Failure> {
    let started = Instant::now();
    let mut queries = Vec::new();
    for (vendor, client) in clients {
        for info in emu.list(*vendor) {
            let client = Arc::clone(client);
            let Some(task) = info.task_ref() else {
                continue;
            };
            queries.push(async move {
                let result = client.get(&task).await;
                (task, result)
            });
        }
    }
    let total = queries.len();
    let results = join_all(queries).await;
    let elapsed = started.elapsed();
    let mut recordings = Vec::with_capacity(total);
    let mut failures: Vec<(TaskRef, Error)> = Vec::new();
    for (task, result) in results {
        match result {
            Ok(r) => recordings.push(r),
            // Agora answers 404 once a session has ended: the neutral view calls it gone.
            Err(e)
                if e.kind() == record_facade::ErrorKind::NotFound
                    && task.vendor() == Vendor::Agora =>
            {
                recordings.push(Recording::gone(Vendor::Agora, &task, &e, None));
            }
            Err(e) => failures.push((task, e)),
        }
    }
    print_recordings(ctx, &recordings)?;
    writeln!(
        ctx.io.err,
        "recq demo: {} recording(s) of {} vendors from {total} signed request(s) in {} ms",
        recordings.len(),
        clients.len(),
        elapsed.as_millis()
    )?;
    for (task, e) in &failures {
        writeln!(ctx.io.err, "recq demo: {} {task}: {e}", task.vendor().id())?;
    }
    Ok(if failures.is_empty() {
        exit::OK
    } else {
        failures
            .iter()
            .map(|(_, e)| crate::exit_code(e))
            .max()
            .unwrap_or(exit::VENDOR)
    })
}

/// The lifecycle of the watched recordings in emulated seconds: starting, recording,
/// stopping, processing (about 10 s at speed 1) of those the emulator creates; one
/// started through an API records [`WATCH_PHASES`]`[1]` seconds before the demo stops it.
const WATCH_PHASES: [f64; 4] = [1.5, 3.0, 1.5, 3.5];

/// What the live display knows about one vendor.
struct Progress {
    vendor: Vendor,
    task: String,
    last: Option<Recording>,
    changes: Vec<(Duration, RecordingState)>,
    /// The lifecycle calls made so far (`StartRecord`, `pause`, `stop: stopped`, ...),
    /// with when.
    notes: Vec<(Duration, String)>,
}

/// Records `r` as the latest answer of watched recording `i` (a change when its state
/// differs from the last one).
fn observe(progress: &Mutex<Vec<Progress>>, i: usize, started: Instant, r: &Recording) {
    if let Ok(mut all) = progress.lock()
        && let Some(p) = all.get_mut(i)
    {
        if p.last.as_ref().map(|l| l.state) != Some(r.state) {
            p.changes.push((started.elapsed(), r.state));
        }
        p.last = Some(r.clone());
    }
}

/// Records a lifecycle call made on watched recording `i`.
fn note(progress: &Mutex<Vec<Progress>>, i: usize, started: Instant, text: String) {
    if let Ok(mut all) = progress.lock()
        && let Some(p) = all.get_mut(i)
    {
        p.notes.push((started.elapsed(), text));
    }
}

/// How far through the lifecycle a state is, out of [`LIFECYCLE_STEPS`].
fn step(state: Option<RecordingState>) -> u64 {
    match state {
        None => 0,
        Some(RecordingState::Starting) => 1,
        Some(RecordingState::Recording | RecordingState::Paused) => 2,
        Some(RecordingState::Stopping) => 3,
        Some(RecordingState::Processing) => 4,
        Some(_) => LIFECYCLE_STEPS,
    }
}

/// The steps of [`step`].
const LIFECYCLE_STEPS: u64 = 5;

/// The live line of one vendor after its bar: state, vendor status, files, time.
fn live_message(p: &Progress, elapsed: Duration, colour: bool) -> String {
    match &p.last {
        Some(r) => format!(
            "{:>5.1}s {} {} ({}), {} file(s)",
            elapsed.as_secs_f64(),
            output::state_text(r.state, colour),
            r.vendor_status.code,
            r.vendor_status.meaning,
            r.files.len()
        ),
        None => format!(
            "{:>5.1}s waiting for the first answer",
            elapsed.as_secs_f64()
        ),
    }
}

/// The columns of a live line before its message: the vendor (10), a space, the bar (22)
/// and a space.
const BAR_COLUMNS: usize = 34;

/// `message` cut to fit a live line on a terminal `width` columns wide, one column spare:
/// a line that fills the last column makes some terminals wrap the next one onto it.
fn fit_live(message: &str, width: Option<usize>) -> String {
    match width {
        Some(w) => {
            console::truncate_str(message, w.saturating_sub(BAR_COLUMNS + 1), "…").into_owned()
        }
        None => message.to_owned(),
    }
}

/// One progress bar per vendor on the terminal's stderr (`indicatif`): each line is cut to
/// the terminal's width (see [`fit_live`]), so nothing wraps and redrawing leaves no
/// garbage.
fn live_bars(vendors: &[Vendor]) -> (indicatif::MultiProgress, Vec<indicatif::ProgressBar>) {
    let multi = indicatif::MultiProgress::new();
    let style = indicatif::ProgressStyle::with_template("{prefix:<10} [{bar:20}] {msg}")
        .map(|s| s.progress_chars("#>."))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    let bars = vendors
        .iter()
        .map(|v| {
            let bar = multi.add(indicatif::ProgressBar::new(LIFECYCLE_STEPS));
            bar.set_style(style.clone());
            bar.set_prefix(v.id());
            bar
        })
        .collect();
    (multi, bars)
}

/// The StartRecord body the demo sends to ZEGO: a mixed recording of the demo room,
/// in ZEGO's own field names (the same JSON `recq zego start --body` takes).
const DEMO_ZEGO_START: &str = r#"{
  "RoomId": "demo-room",
  "RecordInputParams": {
    "RecordMode": 2, "StreamType": 3, "MaxIdleTime": 60,
    "MixConfig": {
      "MixMode": 2, "MixOutputStreamId": "demo-mix",
      "MixOutputVideoConfig": {"Width": 1280, "Height": 720, "Fps": 15, "Bitrate": 1200000}
    }
  },
  "RecordOutputParams": {"OutputFileFormat": "mp4", "OutputFolder": "demo/"},
  "StorageParams": {"Vendor": 2, "Region": "oss-cn-shanghai", "Bucket": "demo-bucket",
                    "AccessKeyId": "demo-key-id", "AccessKeySecret": "demo-storage-secret"}
}"#;

/// The layout the demo switches a ZEGO recording to: a custom layout (MixMode 1) of two
/// streams side by side, in ZEGO's own field names.
const DEMO_ZEGO_LAYOUT: &str = r#"{"MixMode": 1, "MixInputList": [
  {"StreamId": "demo-a", "Top": 0, "Left": 0, "Bottom": 720, "Right": 640, "Layer": 1},
  {"StreamId": "demo-b", "Top": 0, "Left": 640, "Bottom": 720, "Right": 1280, "Layer": 1}
]}"#;

/// How a watched recording came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Started by a signed start request; the demo then drives it through the vendor's
    /// lifecycle (pause, resume, layout, stop) as its capabilities allow.
    Api,
    /// Created through the emulator's admin API (the vendor has no public start API, or
    /// this SDK does not send it yet); it ends by itself.
    Admin,
}

/// Starts the watched recording of `vendor`: through the vendor's real start API where
/// this SDK has one, else through the emulator's admin API (with why).
async fn start_one(emu: &Emulator, vendor: Vendor) -> Result<(TaskRef, Origin, String), Failure> {
    if vendor == Vendor::Zego {
        let client = record_facade::zego::Client::builder(emu.zego_credentials())
            .base_url(emu.base_url(vendor))
            .build()?;
        let request = record_facade::zego::StartRecordRequest::from_json(
            DEMO_ZEGO_START.as_bytes(),
            record_facade::UnknownFields::Refuse,
        )?;
        let task = client.start_record(&request).await?.task_ref()?;
        return Ok((task, Origin::Api, "StartRecord (signed)".to_owned()));
    }
    let [starting, recording, stopping, processing] = WATCH_PHASES;
    let mut spec = RecordingSpec::new(vendor)
        .room("demo-room")
        .duration_secs(recording)
        .phases(starting, stopping, processing);
    spec = match vendor {
        Vendor::Agora => spec.mode("mix").file_list_mode("json"),
        Vendor::Zego | Vendor::QingCloud => spec.mode("mixed"),
        _ => spec,
    };
    let info = emu
        .create_recording(spec)
        .map_err(|e| demo_error("cannot create a recording", e))?;
    let task = info
        .task_ref()
        .ok_or_else(|| demo_error("cannot watch a recording", vendor))?;
    let why = if vendor == Vendor::QingCloud {
        "created by the emulator: QingCloud has no public start API"
    } else {
        "created by the emulator: this SDK does not start it yet"
    };
    Ok((task, Origin::Admin, why.to_owned()))
}

/// Follows one recording; one started through the API is first driven through its
/// vendor's lifecycle: wait until it records, pause and resume, update the layout, stop
/// (each as the client's capabilities allow, each a signed request), then wait until it
/// is terminal.
#[allow(clippy::too_many_arguments)]
async fn drive(
    client: &dyn RecordingClient,
    task: &TaskRef,
    origin: Origin,
    waiter: &Waiter,
    interval: Duration,
    speed: f64,
    progress: &Mutex<Vec<Progress>>,
    i: usize,
    started: Instant,
) -> Result<Recording, WaitError> {
    if origin == Origin::Api {
        let caps = client.control_capabilities();
        let deadline = Instant::now() + waiter.max_wait;
        loop {
            let r = client.get(task).await.map_err(WaitError::Query)?;
            observe(progress, i, started, &r);
            if r.state == RecordingState::Recording {
                break;
            }
            if r.state.is_terminal() {
                return Ok(r);
            }
            if Instant::now() >= deadline {
                return waiter
                    .wait(client, task, |r| observe(progress, i, started, r))
                    .await;
            }
            tokio::time::sleep(interval).await;
        }
        let emulated = |secs: f64| Duration::from_secs_f64(secs / speed);
        if caps.pause && caps.resume {
            client.pause(task).await.map_err(WaitError::Query)?;
            note(progress, i, started, "paused".to_owned());
            let r = client.get(task).await.map_err(WaitError::Query)?;
            observe(progress, i, started, &r);
            tokio::time::sleep(emulated(0.5)).await;
            client.resume(task).await.map_err(WaitError::Query)?;
            note(progress, i, started, "resumed".to_owned());
            let r = client.get(task).await.map_err(WaitError::Query)?;
            observe(progress, i, started, &r);
        }
        if caps.update_layout {
            let layout = match task.vendor() {
                Vendor::Zego => serde_json::from_str(DEMO_ZEGO_LAYOUT).ok(),
                _ => None,
            };
            if let Some(layout) = layout {
                client
                    .update_layout(task, &layout)
                    .await
                    .map_err(WaitError::Query)?;
                note(progress, i, started, "layout updated".to_owned());
            }
        }
        if caps.stop {
            tokio::time::sleep(emulated(WATCH_PHASES[1])).await;
            let stopped = client.stop(task).await.map_err(WaitError::Query)?;
            let outcome = match stopped.outcome {
                record_facade::StopOutcome::AlreadyStopped => "already stopped",
                _ => "stopped",
            };
            note(progress, i, started, format!("stop: {outcome}"));
        }
    }
    waiter
        .wait(client, task, |r| observe(progress, i, started, r))
        .await
}

/// One new recording per vendor, each followed to completion.
async fn watch(
    ctx: &mut Ctx<'_, '_>,
    emu: &Emulator,
    clients: &[VendorClient],
    speed: f64,
) -> Result<i32, Failure> {
    let started = Instant::now();
    let mut watched = Vec::new();
    let mut first_notes = Vec::new();
    for (vendor, client) in clients {
        let (task, origin, how) = start_one(emu, *vendor).await?;
        first_notes.push(how);
        watched.push((*vendor, Arc::clone(client), task, origin));
    }
    let progress: Arc<Mutex<Vec<Progress>>> = Arc::new(Mutex::new(
        watched
            .iter()
            .zip(first_notes)
            .map(|((vendor, _, task, _), how)| Progress {
                vendor: *vendor,
                task: output::task_cell(task),
                last: None,
                changes: Vec::new(),
                notes: vec![(started.elapsed(), how)],
            })
            .collect(),
    ));
    let interval = ctx.global.interval.min(Duration::from_millis(250));
    let waiter = Waiter::new(
        interval,
        interval,
        ctx.global.max_wait.min(Duration::from_secs(120)),
    );
    let waits = watched
        .iter()
        .enumerate()
        .map(|(i, (_, client, task, origin))| {
            let progress = Arc::clone(&progress);
            let waiter = &waiter;
            async move {
                drive(
                    client.as_ref(),
                    task,
                    *origin,
                    waiter,
                    interval,
                    speed,
                    &progress,
                    i,
                    started,
                )
                .await
            }
        });
    let mut all = std::pin::pin!(join_all(waits));
    let vendors: Vec<Vendor> = watched.iter().map(|(v, _, _, _)| *v).collect();
    let live = ctx.io.err_terminal.then(|| live_bars(&vendors));
    let mut printed_changes = vec![(0usize, 0usize); watched.len()];
    let results = loop {
        let done = tokio::select! {
            results = &mut all => Some(results),
            () = tokio::time::sleep(Duration::from_millis(100)) => None,
        };
        match &live {
            Some((multi, bars)) => {
                draw_live(bars, &progress, started, ctx.err_colour);
                print_notes_above(multi, &progress, &mut printed_changes);
            }
            None => print_changes(ctx, &progress, &mut printed_changes)?,
        }
        if let Some(results) = done {
            break results;
        }
    };
    if let Some((_, bars)) = &live {
        for bar in bars {
            bar.finish();
        }
    }
    let mut recordings = Vec::new();
    let mut code = exit::OK;
    for ((vendor, _, task, _), result) in watched.iter().zip(results) {
        match result {
            Ok(r) => {
                if r.state != RecordingState::Completed {
                    code = code.max(exit::FAILED);
                }
                recordings.push(r);
            }
            Err(e) => {
                let (c, text) = match &e {
                    WaitError::TimedOut { .. } => (exit::WAIT_TIMEOUT, e.to_string()),
                    WaitError::Query(q) => (crate::exit_code(q), q.to_string()),
                };
                code = code.max(c);
                writeln!(ctx.io.err, "recq demo: {} {task}: {text}", vendor.id())?;
            }
        }
    }
    writeln!(ctx.io.err)?;
    print_recordings(ctx, &recordings)?;
    writeln!(
        ctx.io.err,
        "recq demo: {} of {} recording(s) completed in {:.1} s",
        recordings
            .iter()
            .filter(|r| r.state == RecordingState::Completed)
            .count(),
        watched.len(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(code)
}

/// Updates the live bars.
fn draw_live(
    bars: &[indicatif::ProgressBar],
    progress: &Mutex<Vec<Progress>>,
    started: Instant,
    colour: bool,
) {
    let Ok(all) = progress.lock() else {
        return;
    };
    // Read once per redraw (the terminal may have been resized), not once per bar.
    let width = console::Term::stderr()
        .size_checked()
        .map(|(_rows, columns)| usize::from(columns));
    for (p, bar) in all.iter().zip(bars) {
        let terminal = p.last.as_ref().is_some_and(|r| r.state.is_terminal());
        let elapsed = if terminal {
            p.changes.last().map_or(Duration::ZERO, |c| c.0)
        } else {
            started.elapsed()
        };
        bar.set_position(step(p.last.as_ref().map(|r| r.state)));
        bar.set_message(fit_live(&live_message(p, elapsed, colour), width));
    }
}

/// On a terminal: the lifecycle calls not printed yet, above the live bars.
fn print_notes_above(
    multi: &indicatif::MultiProgress,
    progress: &Mutex<Vec<Progress>>,
    printed: &mut [(usize, usize)],
) {
    let Ok(all) = progress.lock() else {
        return;
    };
    for (p, (_, printed_notes)) in all.iter().zip(printed.iter_mut()) {
        for (at, text) in p.notes.iter().skip(*printed_notes) {
            let _ = multi.println(format!(
                "{:>5.1}s {:<10} {text}",
                at.as_secs_f64(),
                p.vendor.id()
            ));
        }
        *printed_notes = p.notes.len();
    }
}

/// Off a terminal: one line per state change not printed yet, task ids in full.
fn print_changes(
    ctx: &mut Ctx<'_, '_>,
    progress: &Mutex<Vec<Progress>>,
    printed_changes: &mut [(usize, usize)],
) -> Result<(), Failure> {
    let Ok(all) = progress.lock() else {
        return Ok(());
    };
    let err = &mut *ctx.io.err;
    for (p, (printed, printed_notes)) in all.iter().zip(printed_changes.iter_mut()) {
        // Calls and state changes in the order they happened.
        let mut lines: Vec<(Duration, String)> = p
            .notes
            .iter()
            .skip(*printed_notes)
            .map(|(at, text)| (*at, format!("{} {text}", p.task)))
            .chain(p.changes.iter().skip(*printed).map(|(at, state)| {
                (
                    *at,
                    format!(
                        "{}/{} {} {}",
                        step(Some(*state)),
                        LIFECYCLE_STEPS,
                        p.task,
                        state.as_str()
                    ),
                )
            }))
            .collect();
        lines.sort_by_key(|(at, _)| *at);
        for (at, line) in lines {
            writeln!(
                err,
                "{:>5.1}s {:<10} {line}",
                at.as_secs_f64(),
                p.vendor.id()
            )?;
        }
        *printed_notes = p.notes.len();
        *printed = p.changes.len();
    }
    err.flush()?;
    Ok(())
}
