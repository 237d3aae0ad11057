//! The commands of each vendor: build the client from the settings, then query, list, watch
//! or print the signed request.

use crate::cli::{
    AgoraCommand, Command, QingCloudCommand, VolcCommand, ZegoCommand, ZegoListStatus, ZegoTasks,
};
use crate::config::{ConfigError, Source};
use crate::{Ctx, Failure, exit};
use futures::StreamExt as _;
use record_facade::service::{Protocol, ServiceBuilder};
use record_facade::{
    Clock as _, Error, ListFilter, ListStatus, RecordingQuery, RetryPolicy, SystemClock, TaskRef,
    TimeWindow, UnixMillis, Vendor, agora, qingcloud, volc, zego,
};
use record_facade::{ToRecording as _, ToRecordings as _};

/// The client of `vendor` from `builder`, with the global flags and the profile's
/// `endpoint`/`region` applied (every vendor's builder is the same generic
/// [`ServiceBuilder`]).
fn client<P: Protocol>(
    ctx: &Ctx<'_, '_>,
    vendor: &str,
    builder: ServiceBuilder<P>,
) -> Result<P::Client, Failure> {
    let (file_endpoint, file_region) = ctx.settings.endpoint_and_region(vendor);
    let mut b = builder;
    if let Some(region) = ctx.global.region.clone().or(file_region.clone()) {
        b = b.host(region);
    }
    let file_key = |key: &str| {
        format!(
            "`{key}` under [profiles.{}.{}] in {}",
            ctx.settings.profile_name,
            vendor,
            ctx.settings
                .path
                .as_ref()
                .map_or_else(|| "the config file".to_owned(), |p| p.display().to_string())
        )
    };
    // Where the host came from, in the user's terms, for an error about it.
    let mut host_source = match (&ctx.global.region, &file_region) {
        (Some(_), _) => Some("--region".to_owned()),
        (None, Some(_)) => Some(file_key("region")),
        (None, None) => None,
    };
    let endpoint = match (ctx.global.endpoint.clone(), file_endpoint) {
        (Some(url), _) => {
            host_source = Some("--endpoint".to_owned());
            Some(checked_endpoint(url, "--endpoint", true)?)
        }
        (None, Some(url)) => {
            let source = file_key("endpoint");
            host_source = Some(source.clone());
            Some(checked_endpoint(url, &source, false)?)
        }
        (None, None) => None,
    };
    if let Some(url) = endpoint {
        b = b.base_url(url);
    }
    match (ctx.global.timeout, ctx.global.attempt_timeout) {
        (Some(total), attempt) => {
            b = b
                .total_timeout(total)
                .attempt_timeout(attempt.unwrap_or(total).min(total));
        }
        (None, Some(attempt)) => b = b.attempt_timeout(attempt),
        (None, None) => {}
    }
    if let Some(n) = ctx.global.retries {
        b = b.retry_policy(RetryPolicy {
            max_attempts: n.saturating_add(1),
            ..RetryPolicy::default()
        });
    }
    b.build().map_err(|e| host_error(e, host_source.as_deref()))
}

/// Checks an endpoint the user gave (`--endpoint` or a profile's `endpoint`): an absolute
/// `http` or `https` URL. The message names where the value came from, in the user's terms,
/// and quotes the value only when `quote` is set (for `--endpoint`, which the user just
/// typed): a value from the config file is never echoed (issue 12 §1; a URL may carry a
/// `user:password@`).
/// An error about the base URL the SDK calls `base_url`, told in the terms of where the
/// host came from (`--endpoint`, `--region` or the config file's key) as a usage error;
/// any other error as it is. A URL from the config file is not quoted (see
/// [`checked_endpoint`]).
fn host_error(e: Error, source: Option<&str>) -> Failure {
    match source {
        Some(source) if e.parameter() == Some("base_url") => {
            let message = e.message();
            let message = match message.strip_prefix('`').and_then(|m| m.split_once("`: ")) {
                Some((_url, why)) if !source.starts_with("--") => {
                    format!("the value (not shown): {why}")
                }
                _ => message.to_owned(),
            };
            Failure::Config(ConfigError(format!("{source}: {message}")))
        }
        _ => Failure::Sdk(e),
    }
}

fn checked_endpoint(url: String, source: &str, quote: bool) -> Result<String, Failure> {
    let scheme_ok = url.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") && !rest.is_empty()
    });
    if scheme_ok {
        Ok(url)
    } else {
        let shown = if quote {
            format!("`{url}`")
        } else {
            "the value (not shown)".to_owned()
        };
        Err(Failure::Config(ConfigError(format!(
            "{source}: {shown} is not an absolute URL with a scheme; expected e.g. http://127.0.0.1:8080 or https://cloudrecord-api.zego.im"
        ))))
    }
}

/// Reads a vendor's credentials, turning a missing or malformed one into a configuration
/// error. A missing one names the variable and the config key; a malformed one names where
/// the value came from (the variable, or the config file and its key), never the value: the
/// library names the variable it asked for (`environment variable X: …`), and recq, which
/// answered from the environment or the file, names that place instead.
fn credentials<T>(
    ctx: &Ctx<'_, '_>,
    vendor: &str,
    read: impl FnOnce(&mut dyn FnMut(&str) -> Option<String>) -> Result<T, Error>,
) -> Result<T, Failure> {
    let mut sources: Vec<(String, Source)> = Vec::new();
    let mut lookup = |name: &str| {
        let (value, source) = ctx.settings.lookup_with_source(name)?;
        sources.push((name.to_owned(), source));
        Some(value)
    };
    let result = read(&mut lookup);
    result.map_err(|e| {
        let message = e.message();
        let message = sources
            .iter()
            .find_map(|(var, source)| {
                message
                    .strip_prefix("environment variable ")
                    .and_then(|m| m.strip_prefix(var.as_str()))
                    .and_then(|m| m.strip_prefix(": "))
                    .map(|problem| format!("{source}: {problem}"))
            })
            .unwrap_or_else(|| message.to_owned());
        Failure::Config(ConfigError(format!(
            "{message}; {}",
            ctx.settings.hint(vendor)
        )))
    })
}

pub(crate) async fn dispatch(ctx: &mut Ctx<'_, '_>, command: &Command) -> Result<i32, Failure> {
    match command {
        Command::Demo(args) => crate::demo::run(ctx, args).await,
        Command::Zego(c) => zego_command(ctx, c).await,
        Command::Qingcloud(c) => qingcloud_command(ctx, c).await,
        Command::Volc(c) => volc_command(ctx, c).await,
        Command::Agora(c) => agora_command(ctx, c).await,
    }
}

fn no_watch(ctx: &Ctx<'_, '_>, what: &str) -> Result<(), Failure> {
    if ctx.global.watch {
        return Err(Failure::Config(ConfigError(format!(
            "--watch follows one recording; `{what}` lists many"
        ))));
    }
    Ok(())
}

/// Prints one recording, or watches it.
async fn one(
    ctx: &mut Ctx<'_, '_>,
    client: &dyn RecordingQuery,
    task: TaskRef,
) -> Result<i32, Failure> {
    if ctx.global.watch {
        return ctx.watch(client, &task).await;
    }
    let r = client.get(&task).await?;
    ctx.print_one(&r)?;
    Ok(exit::OK)
}

async fn zego_command(ctx: &mut Ctx<'_, '_>, command: &ZegoCommand) -> Result<i32, Failure> {
    let creds = credentials(ctx, "zego", |l| zego::Credentials::from_lookup(l))?;
    let client = client(ctx, "zego", zego::Client::builder(creds))?;
    match command {
        ZegoCommand::Status { task_id } => {
            if ctx.global.dry_run {
                let req = zego::DescribeRecordStatusRequest::builder()
                    .task_id(task_id.clone())
                    .build()?;
                ctx.print_prepared(&client.prepare_describe_record_status(&req)?)?;
                return Ok(exit::OK);
            }
            one(
                ctx,
                &client,
                TaskRef::Zego {
                    task_id: task_id.clone(),
                },
            )
            .await
        }
        ZegoCommand::Tasks(args) => {
            no_watch(ctx, "zego tasks")?;
            let (start, end) = zego_window(args)?;
            if ctx.global.dry_run {
                let mut b = zego::DescribeTasksRequest::builder()
                    .status(match args.status {
                        ZegoListStatus::Recording => zego::TaskStatus::Recording,
                        ZegoListStatus::Ended => zego::TaskStatus::Ended,
                    })
                    .start_time(start)
                    .end_time(end);
                if let Some(room) = &args.room {
                    b = b.room_id(room.clone());
                }
                if let Some(n) = args.page_size {
                    b = b.page_size(n);
                }
                ctx.print_prepared(&client.prepare_describe_tasks(&b.build()?)?)?;
                return Ok(exit::OK);
            }
            let filter = ListFilter {
                app_id: None,
                room: args.room.clone(),
                status: Some(match args.status {
                    ZegoListStatus::Recording => ListStatus::Recording,
                    ZegoListStatus::Ended => ListStatus::Ended,
                }),
                window: Some(TimeWindow { start, end }),
                page_size: args.page_size,
            };
            let page = args.page_size.unwrap_or(50) as usize;
            let stream = client.list(&filter);
            let stream = if args.all {
                stream
            } else {
                stream.take(page).boxed()
            };
            ctx.print_stream(stream, Some(ZEGO_TASKS_FILES_NOTE))
                .await?;
            Ok(exit::OK)
        }
        lifecycle => zego_lifecycle(ctx, &client, lifecycle).await,
    }
}

/// Sends one prepared-or-real ZEGO operation: with `--dry-run` prints the signed request,
/// otherwise calls it and returns the answer.
macro_rules! zego_send {
    ($ctx:expr, $client:expr, $req:expr, $call:ident, $prepare:ident) => {{
        let req = $req;
        if $ctx.global.dry_run {
            $ctx.print_prepared(&$client.$prepare(&req)?)?;
            return Ok(exit::OK);
        }
        $client.$call(&req).await?
    }};
}

/// `recq zego start|stop|pause|resume|update-layout|update-whiteboard|snapshot`.
async fn zego_lifecycle(
    ctx: &mut Ctx<'_, '_>,
    client: &zego::Client,
    command: &ZegoCommand,
) -> Result<i32, Failure> {
    use crate::lifecycle::{Report, body_object, id_in_body, read_body, unknown_fields};
    let zego_task = |task_id: &str| TaskRef::Zego {
        task_id: task_id.to_owned(),
    };
    let report = match command {
        ZegoCommand::Start(body) => {
            let bytes = read_body(&body.body)?;
            let req = zego::StartRecordRequest::from_json(
                &bytes,
                unknown_fields(body.allow_unknown_fields),
            )?;
            let resp = zego_send!(ctx, client, req, start_record, prepare_start_record);
            let task = resp.task_ref()?;
            Report::new(
                Vendor::Zego,
                "StartRecord",
                &task,
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::Stop { task_id } => {
            let req = zego::StopRecordRequest::builder()
                .task_id(task_id.clone())
                .build()?;
            let answer = zego_send!(ctx, client, req, stop_record, prepare_stop_record);
            let resp = &answer.response;
            Report::new(
                Vendor::Zego,
                "StopRecord",
                &zego_task(task_id),
                resp.request_id.clone(),
                resp,
            )
            .with_outcome(answer.outcome)
        }
        ZegoCommand::Pause { task_id } => {
            let req = zego::PauseRecordRequest::builder()
                .task_id(task_id.clone())
                .build()?;
            let resp = zego_send!(ctx, client, req, pause_record, prepare_pause_record);
            Report::new(
                Vendor::Zego,
                "PauseRecord",
                &zego_task(task_id),
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::Resume { task_id } => {
            let req = zego::ResumeRecordRequest::builder()
                .task_id(task_id.clone())
                .build()?;
            let resp = zego_send!(ctx, client, req, resume_record, prepare_resume_record);
            Report::new(
                Vendor::Zego,
                "ResumeRecord",
                &zego_task(task_id),
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::UpdateLayout { task_id, body } => {
            let mut object = body_object(&read_body(&body.body)?)?;
            id_in_body(&mut object, "TaskId", task_id, "TASK_ID")?;
            let bytes =
                serde_json::to_vec(&object).map_err(|e| Failure::Io(std::io::Error::other(e)))?;
            let req = zego::UpdateLayoutRequest::from_json(
                &bytes,
                unknown_fields(body.allow_unknown_fields),
            )?;
            let resp = zego_send!(ctx, client, req, update_layout, prepare_update_layout);
            Report::new(
                Vendor::Zego,
                "UpdateLayout",
                &zego_task(task_id),
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::UpdateWhiteboard {
            task_id,
            whiteboard_id,
        } => {
            let req = zego::UpdateWhiteboardRequest::builder()
                .task_id(task_id.clone())
                .whiteboard_id(whiteboard_id.clone())
                .build()?;
            let resp = zego_send!(
                ctx,
                client,
                req,
                update_whiteboard,
                prepare_update_whiteboard
            );
            Report::new(
                Vendor::Zego,
                "UpdateWhiteboard",
                &zego_task(task_id),
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::Snapshot { task_id } => {
            let req = zego::TakeSnapshotRequest::builder()
                .task_id(task_id.clone())
                .build()?;
            let resp = zego_send!(ctx, client, req, take_snapshot, prepare_take_snapshot);
            Report::new(
                Vendor::Zego,
                "TakeSnapshot",
                &zego_task(task_id),
                resp.request_id.clone(),
                &resp,
            )
        }
        ZegoCommand::Status { .. } | ZegoCommand::Tasks(_) => {
            return Err(Failure::Config(ConfigError(
                "not a lifecycle command".to_owned(),
            )));
        }
    };
    ctx.print_report(&report)
}

/// Why `recq zego tasks` shows no file count.
const ZEGO_TASKS_FILES_NOTE: &str = "FILES is `-`: DescribeTasks does not return a task's files; `recq zego status TASK_ID` shows them";

/// The window of `zego tasks`: `--start/--end`, else `--since`, else the last 24 hours.
fn zego_window(args: &ZegoTasks) -> Result<(UnixMillis, UnixMillis), Failure> {
    let now = SystemClock.now();
    match (args.start, args.end, args.since) {
        (Some(s), Some(e), _) => Ok((UnixMillis(s), UnixMillis(e))),
        (_, _, since) => {
            let given = since.is_some();
            let since = since.unwrap_or(std::time::Duration::from_secs(24 * 3600));
            // ZEGO refuses a StartTime earlier than 3 days before its own clock: say so in
            // the terms the user typed, before anything is sent.
            let limit = std::time::Duration::from_millis(
                u64::try_from(zego::validation::DESCRIBE_TASKS_MAX_WINDOW.as_millis())
                    .unwrap_or(u64::MAX),
            );
            if given && since > limit {
                return Err(Failure::Config(ConfigError(format!(
                    "--since {}: ZEGO DescribeTasks reaches back at most 3 days (the earliest \
                     start it accepts now is {}); use --since 3d or less, or --start/--end",
                    humantime::format_duration(since),
                    now.saturating_sub(zego::validation::DESCRIBE_TASKS_MAX_WINDOW)
                        .to_rfc3339()
                ))));
            }
            let ms = i64::try_from(since.as_millis())
                .map_err(|_| Failure::Config(ConfigError("--since is too long".to_owned())))?;
            Ok((UnixMillis(now.0.saturating_sub(ms)), now))
        }
    }
}

async fn qingcloud_command(
    ctx: &mut Ctx<'_, '_>,
    command: &QingCloudCommand,
) -> Result<i32, Failure> {
    let creds = credentials(ctx, "qingcloud", |l| qingcloud::Credentials::from_lookup(l))?;
    let client = client(ctx, "qingcloud", qingcloud::Client::builder(creds))?;
    let QingCloudCommand::List(args) = command;
    no_watch(ctx, "qingcloud list")?;
    let mut b = qingcloud::ListRecordingsRequest::builder()
        .app_id(args.app_id.clone())
        .channel(args.channel.clone());
    if let Some(h) = args.from_hour {
        b = b.from_hour(h);
    }
    if let Some(h) = args.to_hour {
        b = b.to_hour(h);
    }
    if let Some(n) = args.offset {
        b = b.offset(n);
    }
    if let Some(n) = args.limit {
        b = b.limit(n);
    }
    let request = b.build()?;
    if ctx.global.dry_run {
        ctx.print_prepared(&client.prepare_list_recordings(&request)?)?;
        return Ok(exit::OK);
    }
    if args.all {
        let task = record_facade::TaskRef::QingCloud {
            app_id: args.app_id.clone(),
            channel: args.channel.clone(),
            record_id: None,
        };
        let stream = client
            .list_recordings_stream(request)
            .map(move |item| item.and_then(|info| info.to_recording(&task)))
            .boxed();
        ctx.print_stream(stream, None).await?;
    } else {
        let page = client.list_recordings(&request).await?;
        let items = page.to_recordings(&request)?;
        ctx.print_stream(
            futures::stream::iter(items.into_iter().map(Ok)).boxed(),
            None,
        )
        .await?;
    }
    Ok(exit::OK)
}

async fn volc_command(ctx: &mut Ctx<'_, '_>, command: &VolcCommand) -> Result<i32, Failure> {
    let creds = credentials(ctx, "volc", |l| volc::Credentials::from_lookup(l))?;
    let client = client(ctx, "volc", volc::Client::builder(creds))?;
    let VolcCommand::Task { app_id, room, task } = command;
    if ctx.global.dry_run {
        let req = volc::GetRecordTaskRequest::builder()
            .app_id(app_id.clone())
            .room_id(room.clone())
            .task_id(task.clone())
            .build()?;
        ctx.print_prepared(&client.prepare_get_record_task(&req)?)?;
        return Ok(exit::OK);
    }
    one(
        ctx,
        &client,
        TaskRef::Volcengine {
            app_id: app_id.clone(),
            room_id: room.clone(),
            task_id: task.clone(),
        },
    )
    .await
}

async fn agora_command(ctx: &mut Ctx<'_, '_>, command: &AgoraCommand) -> Result<i32, Failure> {
    let creds = credentials(ctx, "agora", |l| agora::Credentials::from_lookup(l))?;
    let client = client(ctx, "agora", agora::Client::builder(creds))?;
    let AgoraCommand::Query {
        app_id,
        resource_id,
        sid,
        mode,
    } = command;
    if ctx.global.dry_run {
        let req = agora::QueryRequest::builder()
            .appid(app_id.clone())
            .resourceid(resource_id.clone())
            .sid(sid.clone())
            .mode(match mode {
                crate::cli::AgoraMode::Individual => agora::RecordingMode::Individual,
                crate::cli::AgoraMode::Mix => agora::RecordingMode::Mix,
                crate::cli::AgoraMode::Web => agora::RecordingMode::Web,
            })
            .build()?;
        ctx.print_prepared(&client.prepare_query(&req)?)?;
        return Ok(exit::OK);
    }
    let task = TaskRef::Agora {
        app_id: app_id.clone(),
        resource_id: resource_id.clone(),
        sid: sid.clone(),
        mode: mode.as_str().to_owned(),
        cname: None,
        uid: None,
    };
    // Agora answers 404 once a session has ended: NotFound, exit code 3 (with --watch: gone).
    one(ctx, &client, task).await
}
