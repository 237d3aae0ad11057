//! Volcengine RTC: `GET /?Action=GetRecordTask&Version=2023-11-01`, the V4 HMAC-SHA256
//! signature.
//!
//! Authentication, recomputed from the request as received (gateway codes, documented
//! HTTP statuses): an `Authorization` header (`MissingAuthenticationToken`, 401) of the form
//! `HMAC-SHA256 Credential=AK/date/region/service/request, SignedHeaders=…, Signature=…`
//! (`MissingSignature`, 401); an `X-Date` header (`MissingRequestInfo`, 400) in the form
//! `YYYYMMDD'T'HHMMSS'Z'` and within 15 minutes of the clock (`InvalidTimestamp`, 400); the
//! access key known (`InvalidAccessKey`, 401); `X-Content-Sha256`, when sent, equal to the
//! SHA-256 of the body, and the signature recomputed over exactly the headers listed in
//! `SignedHeaders`, in the listed order, with their values as received (`host` with a
//! default port removed), which must include `host` and `x-date`
//! (`SignatureDoesNotMatch`, 401). The credential scope's region and service are taken from
//! the request.

use crate::recording::{FailureKind, Phase, Recording, size_of};
use crate::state::Shared;
use crate::util::{self, QueryPair};
use crate::wire::{Incoming, Reply};
use hmac::{Hmac, Mac};
use record_facade::volc::{
    GetRecordTaskResponse, GetRecordTaskResult, RecordFile, RecordTask, ResponseError,
    ResponseMetadata, StopReason, Stream, StreamType, TaskStatus,
};
use record_facade::{DurationMillis, UnixMillis, Vendor};
use sha2::{Digest as _, Sha256};

/// The documented QPS of GetRecordTask, per account, from the spec (the client reads the same).
pub(crate) const RATE_LIMIT_PER_SEC: u32 =
    match record_facade::volc::endpoints::GET_RECORD_TASK.rate_limit_per_sec {
        Some(n) => n,
        None => 0,
    };
/// How far the `X-Date` may be from the clock, seconds (the query-signing `X-Expires`
/// default; the header-signing tolerance is not documented).
pub(crate) const MAX_SKEW_SECS: i64 = 900;
/// Tasks started within the last 72 hours can be queried, ms, from the spec
/// (`volc_record::QUERY_HORIZON`).
pub(crate) const QUERY_WINDOW_MS: i64 = record_facade::volc::QUERY_HORIZON.as_millis() as i64;
/// The action served, from the spec.
pub(crate) const ACTION: &str = match record_facade::volc::endpoints::GET_RECORD_TASK.action {
    Some(a) => a,
    None => "",
};
/// The version served, from the spec.
pub(crate) const VERSION: &str = match record_facade::volc::endpoints::GET_RECORD_TASK.version {
    Some(v) => v,
    None => "",
};

type HmacSha256 = Hmac<Sha256>;

/// Request context for the envelope of an answer.
pub(crate) struct Meta<'a> {
    action: &'a str,
    version: &'a str,
    region: &'a str,
}

impl Default for Meta<'_> {
    fn default() -> Self {
        Self {
            action: ACTION,
            version: VERSION,
            region: "cn-north-1",
        }
    }
}

fn metadata(meta: &Meta<'_>, error: Option<ResponseError>) -> ResponseMetadata {
    ResponseMetadata {
        request_id: format!(
            "{}{}",
            util::numeric_id(14),
            util::random_string(18, b"0123456789ABCDEF")
        ),
        action: meta.action.to_owned(),
        version: meta.version.to_owned(),
        service: "rtc".to_owned(),
        region: meta.region.to_owned(),
        error,
    }
}

fn error(meta: &Meta<'_>, status: u16, code: &str, code_n: Option<u32>, message: &str) -> Reply {
    let body = GetRecordTaskResponse {
        response_metadata: metadata(
            meta,
            Some(ResponseError {
                code: code.to_owned(),
                code_n,
                message: message.to_owned(),
            }),
        ),
        result: None,
    };
    Reply::json(status, &body, code.to_owned())
}

/// The gateway's throttling answer: HTTP 429 `FlowLimitExceeded`.
pub(crate) fn rate_limited(meta: Option<&Meta<'_>>) -> Reply {
    let default = Meta::default();
    error(
        meta.unwrap_or(&default),
        429,
        "FlowLimitExceeded",
        None,
        &format!(
            "Request has been throttled: the QPS of {ACTION} is limited to {RATE_LIMIT_PER_SEC} per account."
        ),
    )
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    access_key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.trim().strip_prefix("HMAC-SHA256")?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key = scope.next()?;
    let date = scope.next()?;
    let region = scope.next()?;
    let service = scope.next()?;
    if scope.next()? != "request" || scope.next().is_some() {
        return None;
    }
    Some(Authorization {
        access_key,
        date,
        region,
        service,
        signed_headers: signed?,
        signature: signature.filter(|s| !s.is_empty())?,
    })
}

/// Parses a compact `X-Date` into Unix seconds.
fn parse_x_date(text: &str) -> Option<i64> {
    util::parse_utc(text, "YYYYMMDDThhmmssZ")
}

fn hmac(key: &[u8], data: &str) -> Option<Vec<u8>> {
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(data.as_bytes());
    Some(mac.finalize().into_bytes().to_vec())
}

fn rfc3986(text: &str) -> String {
    record_facade::encode_path_segment(text)
}

/// The canonical URI: each decoded path segment RFC 3986-encoded, `/` kept.
fn canonical_uri(raw_path: &str) -> String {
    let decoded = util::decode_component(raw_path, false);
    if decoded.is_empty() {
        return "/".to_owned();
    }
    decoded
        .split('/')
        .map(rfc3986)
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical query: decoded pairs sorted by name then value (bytes), RFC 3986-encoded.
fn canonical_query(pairs: &[QueryPair]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of a signed header as received: every value of the name, trimmed, joined
/// with `,`; `host` without a default port.
fn header_value(req: &Incoming, name: &str) -> Option<String> {
    let values: Vec<String> = req
        .headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .collect();
    if values.is_empty() {
        return None;
    }
    let joined = values.join(",");
    if name == "host" {
        for port in [":80", ":443"] {
            if let Some(stripped) = joined.strip_suffix(port) {
                return Some(stripped.to_owned());
            }
        }
    }
    Some(joined)
}

fn authenticate<'r>(
    shared: &Shared,
    req: &'r Incoming,
    pairs: &[QueryPair],
    meta: &mut Meta<'r>,
) -> Result<(), Reply> {
    let Some(auth_header) = req.headers.get("authorization") else {
        return Err(error(
            meta,
            401,
            "MissingAuthenticationToken",
            Some(100_003),
            "The request has no Authorization header.",
        ));
    };
    let auth_text = auth_header.to_str().unwrap_or_default();
    let Some(auth) = parse_authorization(auth_text) else {
        return Err(error(
            meta,
            401,
            "MissingSignature",
            Some(100_005),
            "The Authorization header is not HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=….",
        ));
    };
    meta.region = auth.region;
    let Some(x_date) = req.headers.get("x-date").and_then(|v| v.to_str().ok()) else {
        return Err(error(
            meta,
            400,
            "MissingRequestInfo",
            Some(100_004),
            "The request has no X-Date header.",
        ));
    };
    let Some(signed_at) = parse_x_date(x_date) else {
        return Err(error(
            meta,
            400,
            "InvalidTimestamp",
            Some(100_006),
            "X-Date is not in the form YYYYMMDDTHHMMSSZ.",
        ));
    };
    let now_secs = shared.now().div_euclid(1000);
    if now_secs.saturating_sub(signed_at).abs() > MAX_SKEW_SECS {
        return Err(error(
            meta,
            400,
            "InvalidTimestamp",
            Some(100_006),
            "The signature has expired or is from the future (X-Date too far from the server time).",
        ));
    }
    let creds = &shared.credentials.volc;
    if auth.access_key != creds.access_key_id {
        return Err(error(
            meta,
            401,
            "InvalidAccessKey",
            Some(100_009),
            "The access key does not exist.",
        ));
    }
    let mismatch = |why: &str| {
        error(
            meta,
            401,
            "SignatureDoesNotMatch",
            Some(100_010),
            &format!(
                "The request signature we calculated does not match the signature you provided ({why}). Check your Secret Access Key and signing method."
            ),
        )
    };
    let body_hash = util::lower_hex(&Sha256::digest(&req.body));
    if let Some(sent) = req.headers.get("x-content-sha256")
        && sent.as_bytes() != body_hash.as_bytes()
    {
        return Err(mismatch("X-Content-Sha256 is not the SHA-256 of the body"));
    }
    if !x_date.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(mismatch("the credential date is not the X-Date's"));
    }
    let names: Vec<&str> = auth.signed_headers.split(';').collect();
    if names
        .iter()
        .any(|n| n.is_empty() || *n != n.to_ascii_lowercase())
    {
        return Err(mismatch("SignedHeaders must list lowercase header names"));
    }
    if !names.contains(&"host") || !names.contains(&"x-date") {
        return Err(mismatch("host and x-date must be signed"));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let Some(value) = header_value(req, name) else {
            return Err(mismatch(&format!("the signed header `{name}` is missing")));
        };
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value);
        canonical_headers.push('\n');
    }
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.as_str().to_ascii_uppercase(),
        canonical_uri(&req.path),
        canonical_query(pairs),
        canonical_headers,
        auth.signed_headers,
        body_hash
    );
    let scope = format!("{}/{}/{}/request", auth.date, auth.region, auth.service);
    let string_to_sign = format!(
        "HMAC-SHA256\n{x_date}\n{scope}\n{}",
        util::lower_hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = hmac(creds.secret_access_key.expose().as_bytes(), auth.date)
        .and_then(|k| hmac(&k, auth.region))
        .and_then(|k| hmac(&k, auth.service))
        .and_then(|k| hmac(&k, "request"));
    let expected = key
        .and_then(|k| hmac(&k, &string_to_sign))
        .map(|s| util::lower_hex(&s));
    match expected {
        Some(e) if util::same_bytes(e.as_bytes(), auth.signature.as_bytes()) => Ok(()),
        _ => Err(mismatch("signature")),
    }
}

/// Answers one Volcengine request.
pub(crate) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    let pairs = util::parse_query(&req.query, true);
    let get = |name: &str| util::first(&pairs, name).map(|p| p.value.as_str());
    let mut meta = Meta {
        action: get("Action").unwrap_or(ACTION),
        version: get("Version").unwrap_or(VERSION),
        ..Meta::default()
    };
    if let Err(reply) = authenticate(shared, req, &pairs, &mut meta) {
        return reply;
    }
    if req.path != "/"
        || get("Action") != Some(ACTION)
        || get("Version") != Some(VERSION)
        || req.method != axum::http::Method::GET
    {
        return error(
            &meta,
            404,
            "InvalidActionOrVersion",
            Some(100_008),
            "The action or version does not exist (this emulator serves GET /?Action=GetRecordTask&Version=2023-11-01).",
        );
    }
    if !shared.admit("volc:account", RATE_LIMIT_PER_SEC) {
        return rate_limited(Some(&meta));
    }
    let (Some(app_id), Some(room_id), Some(task_id)) = (
        get("AppId").filter(|v| !v.is_empty()),
        get("RoomId").filter(|v| !v.is_empty()),
        get("TaskId").filter(|v| !v.is_empty()),
    ) else {
        return error(
            &meta,
            400,
            "MissingParameter",
            Some(100_002),
            "AppId, RoomId and TaskId are required.",
        );
    };
    let now = shared.now();
    let found = shared.snapshot(Vendor::Volcengine).into_iter().find(|r| {
        r.id == task_id
            && r.app_id == app_id
            && r.room == room_id
            && r.created_at <= now
            && now.saturating_sub(r.created_at) <= QUERY_WINDOW_MS
    });
    let Some(rec) = found else {
        return error(
            &meta,
            200,
            "InvalidParameter.ErrorActiveTaskNotFound",
            None,
            "The task doesn't exist or has stopped",
        );
    };
    let body = GetRecordTaskResponse {
        response_metadata: metadata(&meta, None),
        result: Some(GetRecordTaskResult {
            record_task: Some(record_task(&rec, now)),
        }),
    };
    Reply::json(200, &body, "ok")
}

/// The status and stop reason Volcengine reports in `phase`.
pub(crate) fn status(rec: &Recording, phase: Phase) -> (TaskStatus, StopReason) {
    match phase {
        Phase::Starting { .. } => (TaskStatus::NotStarted, StopReason::NotEnded),
        Phase::Recording { .. } | Phase::Stopping { .. } | Phase::Processing { .. } => {
            (TaskStatus::Running, StopReason::NotEnded)
        }
        Phase::Completed { .. } => (
            TaskStatus::Ended,
            if rec.stop_is_api() {
                StopReason::StopByApi
            } else {
                StopReason::IdleTimeOut
            },
        ),
        Phase::Failed {
            kind: FailureKind::Start,
            ..
        } => (TaskStatus::Ended, StopReason::StartTaskFailed),
        Phase::Failed { .. } => (TaskStatus::Failed, StopReason::UnknownStopReason),
    }
}

fn record_task(rec: &Recording, now: i64) -> RecordTask {
    let phase = rec.phase(now);
    let (status, stop_reason) = status(rec, phase);
    let ended = matches!(phase, Phase::Completed { .. } | Phase::Failed { .. });
    let files = match phase {
        Phase::Completed { recorded_ms, .. } => vec![RecordFile {
            vid: None,
            object_key: Some(format!(
                "record/{}/{}/{}/{}.mp4",
                rec.app_id, rec.room, rec.id, rec.id
            )),
            duration: Some(DurationMillis(recorded_ms)),
            size: Some(size_of(recorded_ms)),
            start_time: Some(UnixMillis(rec.record_begin())),
            stream_list: Some(
                rec.users
                    .iter()
                    .enumerate()
                    .map(|(i, u)| Stream {
                        index: i32::try_from(i).ok(),
                        user_id: u.clone(),
                        stream_type: Some(StreamType::Normal),
                    })
                    .collect(),
            ),
            video_codec: Some("H264".to_owned()),
            audio_codec: Some("AAC".to_owned()),
            video_width: Some(640),
            video_height: Some(480),
        }],
        _ => Vec::new(),
    };
    RecordTask {
        start_time: Some(UnixMillis(rec.created_at)),
        end_time: Some(UnixMillis(if ended {
            rec.record_end(now).unwrap_or(0)
        } else {
            0
        })),
        status: Some(status),
        stop_reason: Some(stop_reason),
        record_file_list: Some(files),
    }
}
