//! Agora: `GET /v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query`,
//! HTTP Basic authentication.
//!
//! Routing comes first, as at Agora's gateway: any other method or path is HTTP 404
//! `{"message":"no Route matched with those values"}`. Then authentication: no
//! `Authorization` header (or not `Basic`) is HTTP 401 `{"message":"Unauthorized"}`; a
//! header that is not `base64(customer_id:customer_secret)` of the configured key is HTTP 401
//! `{"message":"Invalid authentication credentials"}`. Then the rate limit (10/s, HTTP 429
//! `{"message":"API rate limit exceeded"}`). A query answers only while the session runs:
//! an unknown or mismatched `sid`/`resourceid`/`appid`/`mode`, or a session that ended more
//! than [`ENDED_LINGER_MS`] (emulated) ago, is HTTP 404 with the worker-lost body.

use crate::recording::{FailureKind, Phase, Recording};
use crate::state::Shared;
use crate::util;
use crate::wire::{Incoming, Reply};
use base64::Engine as _;
use record_facade::agora::{
    ErrorBody, ErrorPayload, ErrorServerResponse, ExtensionPayload, ExtensionServiceState,
    FileList, FileListEntry, FileListMode, QueryResponse, ServerResponse, ServerStatus,
    ServiceName, TrackType, WebRecorderState, WebRecordingFile,
};
use record_facade::{RecordingState, UnixMillis, Vendor};

/// The documented query limit, requests per second, from the spec (the client reads the same).
pub(crate) const RATE_LIMIT_PER_SEC: u32 =
    match record_facade::agora::endpoints::QUERY.rate_limit_per_sec {
        Some(n) => n,
        None => 0,
    };
/// How long (emulated ms) an ended session still answers with status 8 or 20 before the
/// query answers 404.
pub(crate) const ENDED_LINGER_MS: i64 = 5_000;

fn message(status: u16, text: &str) -> Reply {
    let body = ErrorBody {
        message: Some(text.to_owned()),
        code: None,
        reason: None,
        cname: None,
        resource_id: None,
        sid: None,
        uid: None,
        server_response: None,
    };
    Reply::json(status, &body, text.to_owned())
}

/// HTTP 429 `{"message":"API rate limit exceeded"}`.
pub(crate) fn rate_limited() -> Reply {
    message(429, "API rate limit exceeded")
}

fn not_found(cname: Option<&str>, resource_id: &str, sid: &str, uid: Option<&str>) -> Reply {
    let body = ErrorBody {
        message: None,
        code: Some(404),
        reason: None,
        cname: cname.map(str::to_owned),
        resource_id: Some(resource_id.to_owned()),
        sid: Some(sid.to_owned()),
        uid: uid.map(str::to_owned),
        server_response: Some(ErrorServerResponse {
            command: None,
            payload: Some(ErrorPayload {
                message: Some("failed to find worker".to_owned()),
            }),
            subscribe_mode_bitmask: None,
            vid: None,
        }),
    };
    Reply::json(404, &body, "404 session not found")
}

/// The path segments of the query route: appid, resourceid, sid, mode.
fn route(path: &str) -> Option<[String; 4]> {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        [
            "",
            "v1",
            "apps",
            appid,
            "cloud_recording",
            "resourceid",
            rid,
            "sid",
            sid,
            "mode",
            mode,
            "query",
        ] if [appid, rid, sid, mode].iter().all(|s| !s.is_empty()) => {
            Some([*appid, *rid, *sid, *mode].map(|s| util::decode_component(s, false)))
        }
        _ => None,
    }
}

fn authenticate(shared: &Shared, req: &Incoming) -> Result<(), Reply> {
    let header = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let Some(token) = header.and_then(|h| {
        let (scheme, token) = h.split_once(' ')?;
        scheme.eq_ignore_ascii_case("basic").then_some(token.trim())
    }) else {
        return Err(message(401, "Unauthorized"));
    };
    let invalid = || message(401, "Invalid authentication credentials");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| invalid())?;
    let creds = &shared.credentials.agora;
    let expected = format!("{}:{}", creds.customer_id, creds.customer_secret.expose());
    if util::same_bytes(&decoded, expected.as_bytes()) {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// Answers one Agora request.
pub(crate) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    let route = route(&req.path).filter(|_| req.method == axum::http::Method::GET);
    let Some([appid, resource_id, sid, mode]) = route else {
        return message(404, "no Route matched with those values");
    };
    if let Err(reply) = authenticate(shared, req) {
        return reply;
    }
    if !shared.admit("agora:account", RATE_LIMIT_PER_SEC) {
        return rate_limited();
    }
    let now = shared.now();
    let found = shared.snapshot(Vendor::Agora).into_iter().find(|r| {
        r.id == sid
            && r.app_id == appid
            && r.resource_id == resource_id
            && r.mode == mode
            && r.created_at <= now
    });
    let Some(rec) = found else {
        return not_found(None, &resource_id, &sid, None);
    };
    let phase = rec.phase(now);
    if is_gone(phase) {
        return not_found(Some(&rec.room), &resource_id, &sid, Some(&rec.uid));
    }
    let body = QueryResponse {
        resource_id: Some(rec.resource_id.clone()),
        sid: Some(rec.id.clone()),
        cname: Some(rec.room.clone()),
        uid: Some(rec.uid.clone()),
        server_response: server_response(&rec, phase),
    };
    Reply::json(200, &body, "ok")
}

/// Whether the query answers 404 because the session ended a while ago.
fn is_gone(phase: Phase) -> bool {
    matches!(
        phase,
        Phase::Completed { since_ms, .. } | Phase::Failed { since_ms, .. } if since_ms >= ENDED_LINGER_MS
    )
}

/// The `serverResponse.status` in `phase`.
fn status(phase: Phase) -> ServerStatus {
    match phase {
        Phase::Starting { progress } => match (progress * 5.0) as i64 {
            0 => ServerStatus::NotStarted,
            1 => ServerStatus::Initialized,
            2 => ServerStatus::ComponentsStarting,
            3 => ServerStatus::SomeComponentsReady,
            _ => ServerStatus::AllComponentsReady,
        },
        Phase::Recording { .. } => ServerStatus::InProgress,
        Phase::Stopping { .. } => ServerStatus::StopRequested,
        Phase::Processing { .. } => ServerStatus::AllComponentsStopped,
        Phase::Completed { .. } => ServerStatus::Exited,
        Phase::Failed { .. } => ServerStatus::ExitedAbnormally,
    }
}

/// The neutral state and raw status the admin API reports (`gone`/`404` once the query
/// answers 404).
pub(crate) fn state_and_status(_rec: &Recording, phase: Phase) -> (RecordingState, String) {
    if is_gone(phase) {
        (RecordingState::Gone, "404".to_owned())
    } else {
        (phase.state(), status(phase).raw().to_string())
    }
}

fn server_response(rec: &Recording, phase: Phase) -> ServerResponse {
    let started = !matches!(
        phase,
        Phase::Starting { .. }
            | Phase::Failed {
                kind: FailureKind::Start,
                ..
            }
    );
    let slice_start = started.then(|| UnixMillis(rec.record_begin()));
    let base = format!("{}_{}", rec.id, rec.room);
    let mut response = ServerResponse {
        status: Some(status(phase)),
        file_list_mode: None,
        file_list: None,
        slice_start_time: slice_start,
        extension_service_state: None,
    };
    match rec.mode.as_str() {
        "web" => {
            let state = match phase {
                Phase::Starting { .. } => WebRecorderState::Init,
                Phase::Recording { .. } => WebRecorderState::InProgress,
                _ => WebRecorderState::Exit,
            };
            let files = if started {
                [format!("{base}_0.m3u8"), format!("{base}_0.mp4")]
                    .into_iter()
                    .map(|filename| WebRecordingFile {
                        filename: Some(filename),
                        slice_start_time: slice_start,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            response.slice_start_time = None;
            response.extension_service_state = Some(vec![ExtensionServiceState {
                payload: Some(ExtensionPayload {
                    file_list: Some(files),
                    onhold: Some(false),
                    state: Some(state),
                    outputs: None,
                }),
                service_name: Some(ServiceName::WebRecorder),
            }]);
        }
        "individual" if rec.screenshot => {}
        "individual" => {
            if started {
                response.file_list_mode = Some(FileListMode::Json);
                response.file_list = Some(FileList::Entries(
                    rec.users
                        .iter()
                        .map(|uid| FileListEntry {
                            file_name: Some(format!("{base}__uid_s_{uid}__uid_e_av.m3u8")),
                            track_type: Some(TrackType::AudioAndVideo),
                            uid: Some(uid.clone()),
                            mixed_all_user: Some(false),
                            is_playable: Some(true),
                            slice_start_time: slice_start,
                        })
                        .collect(),
                ));
            }
        }
        _ => {
            if started {
                if rec.file_list_mode == "string" {
                    response.file_list_mode = Some(FileListMode::String);
                    response.file_list = Some(FileList::M3u8(format!("{base}.m3u8")));
                } else {
                    response.file_list_mode = Some(FileListMode::Json);
                    response.file_list = Some(FileList::Entries(
                        [format!("{base}.m3u8"), format!("{base}_0.mp4")]
                            .into_iter()
                            .map(|name| FileListEntry {
                                file_name: Some(name),
                                track_type: Some(TrackType::AudioAndVideo),
                                uid: Some("0".to_owned()),
                                mixed_all_user: Some(true),
                                is_playable: Some(true),
                                slice_start_time: slice_start,
                            })
                            .collect(),
                    ));
                }
            }
        }
    }
    response
}
