//! ZEGO: `POST /?Action=DescribeRecordStatus|DescribeTasks|StopRecord`, SignatureVersion 2.0.
//! Each action has its own rate limit, read from the spec (`zego_record::endpoints`): 10/s
//! for the queries, 50/s for StopRecord.
//!
//! Authentication (checked in this order, each with ZEGO's gateway code, HTTP 200):
//! `Action` present (100000006), `AppId` a `Uint32` (100000001), `SignatureNonce` (100000008),
//! `Timestamp` present (100000002) and an integer (100000003), `Signature` (100000009),
//! `SignatureVersion` present (100000013) and `2.0` (100000014), the `AppId` known
//! (100000010), the `Timestamp` within ±10 minutes of the clock (100000004), the signature
//! `md5(AppId + SignatureNonce + ServerSecret + Timestamp)` in lowercase hex as received
//! (100000005), and the nonce not used before within the validity window (100000004:
//! ZEGO documents no replay code; "expired, regenerate the signature" is the closest).

use crate::error::EmulatorError;
use crate::recording::{ControlCall, FailureKind, Phase, Recording, STORAGE_URL, size_of};
use crate::scenario::RecordingSpec;
use crate::state::{Shared, lock};
use crate::util::{self, QueryPair};
use crate::wire::{Incoming, Reply};
use md5::{Digest as _, Md5};
use record_facade::zego::{
    self as zego, DescribeRecordStatusResponse, DescribeTasksResponse, FileStatus, MediaTrackType,
    OutputFileFormat, RecordFile, RecordMode, RecordStatus, StopRecordResponse, StreamType,
    TaskPage, TaskStatus, TaskSummary,
};
use record_facade::{DurationMillis, UnixMillis, Vendor};
use serde_json::Value;

/// The signature validity: ±10 minutes, in seconds.
pub(crate) const MAX_SKEW_SECS: i64 = 600;
/// How far back tasks can be queried (3 days), ms, from the spec (`zego_record::QUERY_HORIZON`):
/// DescribeRecordStatus knows tasks started within it, DescribeTasks' `StartTime` must not
/// be earlier.
pub(crate) const QUERY_HORIZON_MS: i64 = zego::QUERY_HORIZON.as_millis() as i64;
/// The widest DescribeTasks `StartTime`..`EndTime` span (3 days), ms, from the spec
/// (`zego_record::validation::DESCRIBE_TASKS_MAX_WINDOW`).
pub(crate) const MAX_SPAN_MS: i64 = zego::validation::DESCRIBE_TASKS_MAX_WINDOW.as_millis();
/// [`QUERY_HORIZON_MS`] in days, for the error messages.
const QUERY_HORIZON_DAYS: i64 = QUERY_HORIZON_MS / DurationMillis::DAY.as_millis();
/// [`MAX_SPAN_MS`] in days, for the error messages.
const MAX_SPAN_DAYS: i64 = MAX_SPAN_MS / DurationMillis::DAY.as_millis();
/// The largest `PageSize` of DescribeTasks, also its default, from the spec
/// (`zego_record::LIST_MAX_PAGE_SIZE`).
pub(crate) const MAX_PAGE_SIZE: i64 = zego::LIST_MAX_PAGE_SIZE as i64;

/// An envelope without `Data`: ZEGO's error answer (HTTP 200).
fn error(code: i64, message: &str) -> Reply {
    let body = DescribeRecordStatusResponse {
        code,
        message: Some(message.to_owned()),
        request_id: Some(util::numeric_id(19)),
        data: None,
    };
    Reply::json(200, &body, format!("Code {code}"))
}

/// The rate-limit answer: `Code` 300000003.
pub(crate) fn rate_limited() -> Reply {
    error(
        300_000_003,
        "request frequency exceeds the limit (QPS): slow down",
    )
}

fn invalid(message: &str) -> Reply {
    error(300_000_004, &format!("invalid input parameter: {message}"))
}

fn value<'a>(pairs: &'a [QueryPair], name: &str) -> &'a str {
    util::first(pairs, name).map_or("", |p| p.value.as_str())
}

/// Checks the common parameters and the signature; `Err` is the error answer.
fn authenticate(shared: &Shared, pairs: &[QueryPair]) -> Result<(), Reply> {
    let app_id = value(pairs, "AppId");
    let nonce = value(pairs, "SignatureNonce");
    let timestamp = value(pairs, "Timestamp");
    let signature = value(pairs, "Signature");
    let version = value(pairs, "SignatureVersion");
    if app_id.is_empty()
        || !app_id.bytes().all(|b| b.is_ascii_digit())
        || app_id.parse::<u32>().is_err()
    {
        return Err(error(100_000_001, "AppId format error"));
    }
    if nonce.is_empty() {
        return Err(error(100_000_008, "SignatureNonce is empty"));
    }
    if timestamp.is_empty() {
        return Err(error(100_000_002, "Timestamp is empty"));
    }
    let Ok(ts) = timestamp.parse::<i64>() else {
        return Err(error(100_000_003, "Timestamp format error"));
    };
    if signature.is_empty() {
        return Err(error(100_000_009, "Signature is empty"));
    }
    if version.is_empty() {
        return Err(error(100_000_013, "SignatureVersion is empty"));
    }
    if version != "2.0" {
        return Err(error(
            100_000_014,
            "unsupported SignatureVersion (must be 2.0)",
        ));
    }
    let creds = &shared.credentials.zego;
    if app_id.parse::<u32>().ok() != Some(creds.app_id) {
        return Err(error(
            100_000_010,
            "failed to get the ServerSecret of this AppId: check the AppId",
        ));
    }
    let now_secs = shared.now().div_euclid(1000);
    if now_secs.saturating_sub(ts).abs() > MAX_SKEW_SECS {
        return Err(error(
            100_000_004,
            "signature expired: Timestamp is more than 10 minutes off",
        ));
    }
    let mut hasher = Md5::new();
    hasher.update(app_id.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(creds.server_secret.expose().as_bytes());
    hasher.update(timestamp.as_bytes());
    let expected = util::lower_hex(&hasher.finalize());
    if !util::same_bytes(expected.as_bytes(), signature.as_bytes()) {
        return Err(error(100_000_005, "signature error"));
    }
    if !lock(&shared.nonces).remember(nonce, ts, now_secs, 2 * MAX_SKEW_SECS) {
        return Err(error(
            100_000_004,
            "signature expired: this SignatureNonce was used already, regenerate the signature",
        ));
    }
    Ok(())
}

/// Answers one ZEGO request.
pub(crate) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    if req.path != "/" {
        return error(100_000_007, "unsupported Action (no such path)");
    }
    let pairs = util::parse_query(&req.query, true);
    let action = value(&pairs, "Action");
    if action.is_empty() {
        return error(100_000_006, "Action is empty");
    }
    if let Err(reply) = authenticate(shared, &pairs) {
        return reply;
    }
    let Some(endpoint) = endpoint_of(action) else {
        return error(100_000_007, "unsupported Action");
    };
    if req.method != axum::http::Method::POST {
        return error(100_000_007, "unsupported Action: ZEGO's actions are POST");
    }
    // Each action's own documented limit, from the spec (the client reads the same).
    if let Some(limit) = endpoint.rate_limit_per_sec
        && !shared.admit(&format!("zego:{action}"), limit)
    {
        return rate_limited();
    }
    let body: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return invalid("the body is not a JSON object"),
        }
    };
    match action {
        "DescribeRecordStatus" => describe_record_status(shared, &body),
        "StopRecord" => stop_record(shared, &body),
        "StartRecord" => start_record(shared, &req.body),
        "PauseRecord" | "ResumeRecord" | "UpdateLayout" | "UpdateWhiteboard" | "TakeSnapshot" => {
            control(shared, action, &req.body, &body)
        }
        _ => describe_tasks(shared, &body),
    }
}

/// The documented actions the emulator serves, from the spec.
fn endpoint_of(action: &str) -> Option<&'static record_facade::EndpointInfo> {
    use zego::endpoints as e;
    [
        &e::DESCRIBE_RECORD_STATUS,
        &e::DESCRIBE_TASKS,
        &e::START_RECORD,
        &e::STOP_RECORD,
        &e::PAUSE_RECORD,
        &e::RESUME_RECORD,
        &e::UPDATE_LAYOUT,
        &e::UPDATE_WHITEBOARD,
        &e::TAKE_SNAPSHOT,
    ]
    .into_iter()
    .find(|e| e.action == Some(action))
}

/// A body refused by the vendor's own model: ZEGO's invalid-parameter answer, naming the
/// JSON path (never the value, which may be a storage secret).
fn refused(e: &record_facade::Error) -> Reply {
    invalid(&format!(
        "{}: {}",
        e.parameter().unwrap_or("$"),
        e.message()
    ))
}

/// `StartRecord`: the body checked with the same model the SDK uses (unknown fields
/// refused, every documented limit and conditional rule), then a new task in the room,
/// recording until StopRecord or the documented 24-hour cap (`MaxRecordTime`, default
/// 86400 s). Every call starts a new task, as at ZEGO.
fn start_record(shared: &Shared, raw: &[u8]) -> Reply {
    let request =
        match zego::StartRecordRequest::from_json(raw, record_facade::UnknownFields::Refuse) {
            Ok(r) => r,
            Err(e) => return refused(&e),
        };
    let input = request.record_input_params();
    let mode = if input.record_mode.raw() == 2 {
        "mixed"
    } else {
        "single"
    };
    let max_secs = input.max_record_time.map_or(86_400, i64::from);
    let spec = RecordingSpec::new(Vendor::Zego)
        .room(request.room_id())
        .mode(mode)
        .duration_secs(max_secs as f64);
    match shared.create(&spec, Vendor::Zego, shared.now(), |r, _| r.id.clone()) {
        Ok(task_id) => {
            let response = zego::StartRecordResponse {
                code: 0,
                message: Some("succeed".to_owned()),
                request_id: Some(util::numeric_id(19)),
                data: Some(zego::StartRecordData {
                    task_id: Some(task_id),
                }),
            };
            Reply::json(200, &response, "ok")
        }
        Err(e) => error(300_000_004, &format!("invalid input parameter: {e}")),
    }
}

/// PauseRecord, ResumeRecord, UpdateLayout, UpdateWhiteboard, TakeSnapshot: the body
/// checked with the SDK's model, then applied to the task and recorded (admin API
/// `controls`). Pause applies to mixed tasks only; resume to a paused task (300001004);
/// an unknown task is 300001000, an ended one 300001001.
fn control(shared: &Shared, action: &str, raw: &[u8], body: &Value) -> Reply {
    let unknown = record_facade::UnknownFields::Refuse;
    let checked = match action {
        "PauseRecord" => zego::PauseRecordRequest::from_json(raw, unknown).map(drop),
        "ResumeRecord" => zego::ResumeRecordRequest::from_json(raw, unknown).map(drop),
        "UpdateLayout" => zego::UpdateLayoutRequest::from_json(raw, unknown).map(drop),
        "UpdateWhiteboard" => zego::UpdateWhiteboardRequest::from_json(raw, unknown).map(drop),
        _ => zego::TakeSnapshotRequest::from_json(raw, unknown).map(drop),
    };
    if let Err(e) = checked {
        return refused(&e);
    }
    let task_id = match task_id_of(body) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    let at = UnixMillis(shared.now());
    let outcome = shared.update(
        Vendor::Zego,
        task_id,
        |r, now| {
            if !matches!(
                r.phase(now),
                Phase::Starting { .. } | Phase::Recording { .. }
            ) {
                return Err(EmulatorError::Conflict("ended".to_owned()));
            }
            match action {
                "PauseRecord" if r.mode != "mixed" => {
                    return Err(EmulatorError::InvalidRecording(
                        "only mixed-stream tasks can be paused".to_owned(),
                    ));
                }
                "PauseRecord" => r.pause(now)?,
                "ResumeRecord" => r
                    .resume(now)
                    .map_err(|_| EmulatorError::InvalidRecording("not paused".to_owned()))?,
                _ => {}
            }
            r.controls.push(ControlCall {
                action: action.to_owned(),
                at,
                body: body.clone(),
            });
            Ok(())
        },
        |_, _| (),
    );
    match outcome {
        Ok(()) => succeeded(),
        Err(EmulatorError::NotFound(_)) => error(300_001_000, "task not exist"),
        Err(EmulatorError::InvalidRecording(m)) if m == "not paused" => {
            error(300_001_004, "recording is not paused")
        }
        Err(EmulatorError::InvalidRecording(m)) => invalid(&m),
        Err(EmulatorError::Conflict(m)) if m.contains("(paused) and cannot be paused") => {
            invalid("the task is already paused")
        }
        Err(EmulatorError::Conflict(m)) if m.contains("cannot be paused") => {
            invalid("the task is not recording (starting or ended)")
        }
        Err(_) => error(300_001_001, "task has stopped"),
    }
}

/// ZEGO's success envelope with no `Data` (StopRecord's shape, shared by the control
/// actions).
fn succeeded() -> Reply {
    let response = StopRecordResponse {
        code: 0,
        message: Some("succeed".to_owned()),
        request_id: Some(util::numeric_id(19)),
    };
    Reply::json(200, &response, "ok")
}

/// The `TaskId` of a body: a string of 16 bytes.
fn task_id_of(body: &Value) -> Result<&str, Reply> {
    let Some(task_id) = body.get("TaskId").and_then(Value::as_str) else {
        return Err(invalid("TaskId is required (a string)"));
    };
    if task_id.len() != 16 {
        return Err(invalid(&format!(
            "TaskId must be 16 bytes long, got {} bytes",
            task_id.len()
        )));
    }
    Ok(task_id)
}

/// `StopRecord`: a starting or recording task moves on to stopping, then processing (the
/// upload) and completed; a task that has ended answers 300001001, an unknown one
/// 300001000.
fn stop_record(shared: &Shared, body: &Value) -> Reply {
    let task_id = match task_id_of(body) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    match shared.update(Vendor::Zego, task_id, |r, now| r.stop(now), |_, _| ()) {
        Ok(_) => succeeded(),
        Err(EmulatorError::NotFound(_)) => error(300_001_000, "task not exist"),
        Err(_) => error(300_001_001, "task has stopped"),
    }
}

fn describe_record_status(shared: &Shared, body: &Value) -> Reply {
    let task_id = match task_id_of(body) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    let now = shared.now();
    let found = shared.snapshot(Vendor::Zego).into_iter().find(|r| {
        r.id == task_id
            && r.created_at <= now
            && now.saturating_sub(r.created_at) <= QUERY_HORIZON_MS
    });
    let Some(rec) = found else {
        return error(300_001_000, "task not exist");
    };
    let response = DescribeRecordStatusResponse {
        code: 0,
        message: Some("succeed".to_owned()),
        request_id: Some(util::numeric_id(19)),
        data: Some(record_status(&rec, now)),
    };
    Reply::json(200, &response, "ok")
}

fn int_field(body: &Value, name: &str) -> Result<Option<i64>, Reply> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{name} must be an integer"))),
    }
}

fn describe_tasks(shared: &Shared, body: &Value) -> Reply {
    let status = match int_field(body, "Status") {
        Ok(Some(s @ (2 | 3))) => s,
        Ok(Some(s)) => return invalid(&format!("Status must be 2 or 3, got {s}")),
        Ok(None) => return invalid("Status is required"),
        Err(r) => return r,
    };
    let room = match body.get("RoomId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return invalid("RoomId must be a string"),
    };
    let page_offset = match int_field(body, "PageOffset") {
        Ok(None | Some(0)) => 1,
        Ok(Some(p)) if p > 0 => p,
        Ok(Some(p)) => return invalid(&format!("PageOffset must be at least 1, got {p}")),
        Err(r) => return r,
    };
    let page_size = match int_field(body, "PageSize") {
        Ok(None) => MAX_PAGE_SIZE,
        Ok(Some(p)) if (1..=MAX_PAGE_SIZE).contains(&p) => p,
        Ok(Some(p)) => {
            return invalid(&format!(
                "PageSize must be between 1 and {MAX_PAGE_SIZE}, got {p}"
            ));
        }
        Err(r) => return r,
    };
    let (start, end) = match (int_field(body, "StartTime"), int_field(body, "EndTime")) {
        (Ok(Some(s)), Ok(Some(e))) => (s, e),
        (Err(r), _) | (_, Err(r)) => return r,
        _ => return invalid("StartTime and EndTime are required (ms)"),
    };
    let now = shared.now();
    if start < now.saturating_sub(QUERY_HORIZON_MS) {
        return invalid(&format!(
            "StartTime must not be earlier than {QUERY_HORIZON_DAYS} days before now"
        ));
    }
    if end <= start {
        return invalid("EndTime must be greater than StartTime");
    }
    if end.saturating_sub(start) > MAX_SPAN_MS {
        return invalid(&format!(
            "EndTime - StartTime must not exceed {MAX_SPAN_DAYS} days"
        ));
    }
    let mut matching: Vec<(Recording, TaskStatus)> = shared
        .snapshot(Vendor::Zego)
        .into_iter()
        .filter(|r| r.created_at >= start && r.created_at <= end && r.created_at <= now)
        .filter(|r| room.is_none_or(|room| r.room == room))
        .filter_map(|r| {
            let s = status_of(&r, r.phase(now));
            let wanted = match status {
                2 => s == TaskStatus::Recording,
                _ => matches!(s, TaskStatus::Ended | TaskStatus::EndedAbnormally),
            };
            wanted.then_some((r, s))
        })
        .collect();
    matching.sort_by_key(|(r, _)| std::cmp::Reverse((r.created_at, r.seq)));
    let total = matching.len();
    let skip = usize::try_from((page_offset - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let tasks: Vec<TaskSummary> = matching
        .into_iter()
        .skip(skip)
        .take(usize::try_from(page_size).unwrap_or(MAX_PAGE_SIZE as usize))
        .map(|(r, s)| TaskSummary {
            record_begin_timestamp: Some(UnixMillis(r.created_at)),
            task_id: Some(r.id.clone()),
            room_id: Some(r.room.clone()),
            status: Some(s),
        })
        .collect();
    let response = DescribeTasksResponse {
        code: 0,
        message: Some("succeed".to_owned()),
        request_id: Some(util::numeric_id(19)),
        data: Some(TaskPage {
            page_offset: u32::try_from(page_offset).ok(),
            page_size: u32::try_from(page_size).ok(),
            total_count: u32::try_from(total).ok(),
            task_list: Some(tasks),
        }),
    };
    Reply::json(200, &response, "ok")
}

/// The task status ZEGO reports in `phase`.
fn status_of(rec: &Recording, phase: Phase) -> TaskStatus {
    match phase {
        Phase::Starting { .. } => TaskStatus::Initializing,
        Phase::Recording { .. } if rec.paused => TaskStatus::Paused,
        Phase::Recording { .. } => TaskStatus::Recording,
        Phase::Stopping { .. }
        | Phase::Processing { .. }
        | Phase::Completed { .. }
        | Phase::Failed {
            kind: FailureKind::Upload,
            ..
        } => TaskStatus::Ended,
        Phase::Failed { .. } => TaskStatus::EndedAbnormally,
    }
}

/// The task status ZEGO reports (for the admin API).
pub(crate) fn status(rec: &Recording, phase: Phase) -> TaskStatus {
    status_of(rec, phase)
}

/// The `Data` of DescribeRecordStatus at `now`.
fn record_status(rec: &Recording, now: i64) -> RecordStatus {
    let phase = rec.phase(now);
    let file_status = match phase {
        Phase::Starting { .. }
        | Phase::Failed {
            kind: FailureKind::Start,
            ..
        } => None,
        Phase::Recording { .. } | Phase::Stopping { .. } => Some(FileStatus::Recording),
        Phase::Processing { .. } => Some(FileStatus::Uploading),
        Phase::Completed { .. }
        | Phase::Failed {
            kind: FailureKind::Crash,
            ..
        } => Some(if rec.backup_storage {
            FileStatus::UploadedToBackup
        } else {
            FileStatus::Uploaded
        }),
        Phase::Failed {
            kind: FailureKind::Upload,
            ..
        } => Some(FileStatus::UploadFailed),
    };
    let recorded = phase.recorded_ms();
    let begin = rec.record_begin();
    let mixed = rec.mode == "mixed";
    let record_files = file_status.map(|fs| {
        let utc = util::format_at_offset(
            begin,
            0,
            time::macros::format_description!(
                "[year][month][day][hour][minute][second][subsecond digits:3]"
            ),
        )
        .unwrap_or_default();
        let streams: Vec<(String, String)> = if mixed {
            let mix = format!("mix_{}", rec.room);
            vec![(mix.clone(), mix)]
        } else {
            rec.users
                .iter()
                .map(|u| (u.clone(), format!("stream_{u}")))
                .collect()
        };
        streams
            .into_iter()
            .map(|(user, stream)| {
                let file_id = if mixed {
                    format!("{}_{}_{}_VA_{utc}.mp4", rec.id, rec.room, stream)
                } else {
                    format!("{}_{}_{}_{}_VA_{utc}.mp4", rec.id, rec.room, user, stream)
                };
                let uploaded = matches!(fs, FileStatus::Uploaded | FileStatus::UploadedToBackup);
                RecordFile {
                    user_id: Some(user.clone()),
                    user_name: Some(user),
                    stream_id: Some(stream),
                    file_url: uploaded
                        .then(|| format!("{STORAGE_URL}/zego/{}/{file_id}", rec.app_id)),
                    file_id: Some(file_id),
                    video_id: None,
                    output_file_format: Some(OutputFileFormat::Mp4),
                    file_size: Some(size_of(recorded)),
                    duration: Some(DurationMillis(recorded)),
                    resolution_width: Some(1280),
                    resolution_height: Some(720),
                    media_track_type: Some(MediaTrackType::AudioVideo),
                    begin_timestamp: Some(UnixMillis(begin)),
                    status: Some(fs),
                }
            })
            .collect()
    });
    RecordStatus {
        room_id: Some(rec.room.clone()),
        record_mode: Some(if mixed {
            RecordMode::Mixed
        } else {
            RecordMode::SingleStream
        }),
        stream_type: Some(StreamType::AudioVideoMerged),
        record_begin_timestamp: Some(UnixMillis(rec.created_at)),
        record_end_timestamp: Some(UnixMillis(rec.record_end(now).unwrap_or(0))),
        status: Some(status_of(rec, phase)),
        record_files,
    }
}
