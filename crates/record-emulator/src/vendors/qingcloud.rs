//! QingCloud RTC: `GET /v1/cloudRecord`, the RTC HMAC-SHA256 query signature.
//!
//! Authentication, recomputed from the request as received: `access_key_id`,
//! `time_stamp` and `signature` present, `signature_method` `HmacSHA256` and
//! `signature_version` `1` when given, the key id known, `time_stamp`
//! (`YYYY-MM-DDTHH:MM:SSZ`) within 15 minutes of the clock, and `signature` equal to
//! `base64(HMAC-SHA256(secret, METHOD \n path/ \n canonical_query \n md5(body or "null")))`
//! where the canonical query is every parameter but `signature`, decoded, sorted by name then
//! value, and re-encoded as Python's `urllib.parse.quote` does. The signature is checked on
//! every path, so that a request signed for another path still authenticates (and then gets
//! a 404).
//!
//! QingCloud documents no error codes, body or status; the emulator answers
//! `{"code":"<name>"}` (the typed `ListRecordingsResponse` with only `code`) with HTTP 401
//! for authentication failures (`MissingSignature`, `InvalidAccessKeyId`,
//! `InvalidTimeStamp`, `SignatureMismatch`), 400 for bad parameters (`InvalidParameter`),
//! 404 for unknown paths (`NotFound`).

use crate::recording::{FailureKind, Phase, Recording, size_of};
use crate::state::Shared;
use crate::util::{self, QueryPair};
use crate::wire::{Incoming, Reply};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest as _, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use record_facade::qingcloud::{self, ListRecordingsResponse, RecordingInfo, RecordingStatus};
use record_facade::{DurationMillis, Vendor};
use sha2::Sha256;

/// The validity of a `time_stamp`: 15 minutes, in seconds.
pub(crate) const MAX_SKEW_SECS: i64 = 900;
/// The widest window, hours before now (24), from the spec (`qingcloud_record::LIST_MAX_WINDOW`).
pub(crate) const MAX_HOURS: i64 =
    qingcloud::LIST_MAX_WINDOW.as_millis() as i64 / DurationMillis::HOUR.as_millis();
/// The largest `limit` (100), from the spec (`qingcloud_record::LIST_MAX_PAGE_SIZE`).
pub(crate) const MAX_LIMIT: i64 = qingcloud::LIST_MAX_PAGE_SIZE as i64;
/// The default `limit`.
pub(crate) const DEFAULT_LIMIT: i64 = 20;

/// What Python's `urllib.parse.quote` escapes (it keeps `A-Za-z0-9-_.~` and `/`).
const PYTHON_QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

fn error(status: u16, code: &str) -> Reply {
    let body = ListRecordingsResponse {
        code: code.to_owned(),
        offset: None,
        limit: None,
        recinfos: None,
        total_count: None,
    };
    Reply::json(status, &body, format!("code {code}"))
}

/// QingCloud documents no rate limit; this is the answer of the 429 fault.
pub(crate) fn rate_limited() -> Reply {
    error(429, "TooManyRequests")
}

fn invalid() -> Reply {
    error(400, "InvalidParameter")
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into Unix seconds.
fn parse_time_stamp(text: &str) -> Option<i64> {
    util::parse_utc(text, "YYYY-MM-DDThh:mm:ssZ")
}

fn authenticate(shared: &Shared, req: &Incoming, pairs: &[QueryPair]) -> Result<(), Reply> {
    let get = |name: &str| util::first(pairs, name);
    let (Some(key), Some(stamp), Some(signature)) =
        (get("access_key_id"), get("time_stamp"), get("signature"))
    else {
        return Err(error(401, "MissingSignature"));
    };
    if get("signature_method").is_some_and(|m| m.value != "HmacSHA256")
        || get("signature_version").is_some_and(|v| v.value != "1")
    {
        return Err(error(401, "UnsupportedSignatureMethod"));
    }
    let creds = &shared.credentials.qingcloud;
    if key.value != creds.access_key_id {
        return Err(error(401, "InvalidAccessKeyId"));
    }
    let Some(at) = parse_time_stamp(&stamp.value) else {
        return Err(error(401, "InvalidTimeStamp"));
    };
    let now_secs = shared.now().div_euclid(1000);
    if now_secs.saturating_sub(at).abs() > MAX_SKEW_SECS {
        return Err(error(401, "InvalidTimeStamp"));
    }
    let mut signed: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|p| p.name != "signature")
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    signed.sort_unstable();
    let canonical = signed
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, PYTHON_QUOTE),
                utf8_percent_encode(v, PYTHON_QUOTE)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let body: &[u8] = if req.body.is_empty() {
        b"null"
    } else {
        &req.body
    };
    let body_md5 = util::lower_hex(&Md5::digest(body));
    let path = util::decode_component(&req.path, false);
    let string_to_sign = format!(
        "{}\n{path}/\n{canonical}\n{body_md5}",
        req.method.as_str().to_ascii_uppercase()
    );
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(creds.secret_access_key.expose().as_bytes())
    else {
        return Err(error(401, "SignatureMismatch"));
    };
    mac.update(string_to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    // The signature is base64: a raw `+` in it is a `+`, not a space (the doc's own Python
    // example sends it unencoded).
    let received = util::decode_component(&signature.raw_value, false);
    if !util::same_bytes(expected.as_bytes(), received.as_bytes()) {
        return Err(error(401, "SignatureMismatch"));
    }
    Ok(())
}

/// Answers one QingCloud request.
pub(crate) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    let pairs = util::parse_query(&req.query, true);
    if let Err(reply) = authenticate(shared, req, &pairs) {
        return reply;
    }
    if req.path != "/v1/cloudRecord" || req.method != axum::http::Method::GET {
        return error(404, "NotFound");
    }
    list(shared, &pairs)
}

fn int_param(pairs: &[QueryPair], name: &str) -> Result<Option<i64>, Reply> {
    match util::first(pairs, name) {
        None => Ok(None),
        Some(p) => p
            .value
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| invalid()),
    }
}

fn list(shared: &Shared, pairs: &[QueryPair]) -> Reply {
    let text = |name: &str| {
        util::first(pairs, name)
            .map(|p| p.value.as_str())
            .filter(|v| !v.is_empty())
    };
    let (Some(app_id), Some(channel)) = (text("app_id"), text("channel")) else {
        return invalid();
    };
    let params = (
        int_param(pairs, "from_hour"),
        int_param(pairs, "to_hour"),
        int_param(pairs, "offset"),
        int_param(pairs, "limit"),
    );
    let (from_hour, to_hour, offset, limit) = match params {
        (Ok(f), Ok(t), Ok(o), Ok(l)) => (f, t, o, l),
        (Err(r), ..) | (_, Err(r), ..) | (_, _, Err(r), _) | (.., Err(r)) => return r,
    };
    // The documented defaults (3 and 5) contradict from_hour >= to_hour (vendor-facts Q4):
    // an absent to_hour is 0 here.
    let from_hour = from_hour.unwrap_or(3);
    let to_hour = to_hour.unwrap_or(0);
    let offset = offset.unwrap_or(0);
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(0..=MAX_HOURS).contains(&from_hour)
        || !(0..=MAX_HOURS).contains(&to_hour)
        || from_hour < to_hour
        || offset < 0
        || !(1..=MAX_LIMIT).contains(&limit)
    {
        return invalid();
    }
    let now = shared.now();
    let earliest = now.saturating_sub(from_hour * DurationMillis::HOUR.as_millis());
    let latest = now.saturating_sub(to_hour * DurationMillis::HOUR.as_millis());
    let mut matching: Vec<Recording> = shared
        .snapshot(Vendor::QingCloud)
        .into_iter()
        .filter(|r| r.app_id == app_id && r.room == channel)
        .filter(|r| r.created_at >= earliest && r.created_at <= latest)
        .collect();
    matching.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.seq)));
    let total = matching.len();
    let recinfos: Vec<RecordingInfo> = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(MAX_LIMIT as usize))
        .map(|r| recording_info(r, now))
        .collect();
    let body = ListRecordingsResponse {
        code: ListRecordingsResponse::SUCCESS_CODE.to_owned(),
        offset: u32::try_from(offset).ok(),
        limit: u32::try_from(limit).ok(),
        recinfos: Some(recinfos),
        total_count: Some(total as u64),
    };
    Reply::json(200, &body, "ok")
}

/// The processing steps: merging (single-stream only), then uploading.
fn processing_steps(rec: &Recording) -> &'static [RecordingStatus] {
    if rec.mode == "single" {
        &[
            RecordingStatus::Recorded,
            RecordingStatus::MergingSingleMedia,
            RecordingStatus::SingleMediaMerged,
            RecordingStatus::PushingToQingstor,
            RecordingStatus::PushedToQingstor,
        ]
    } else {
        &[
            RecordingStatus::Recorded,
            RecordingStatus::PushingToQingstor,
            RecordingStatus::PushedToQingstor,
        ]
    }
}

fn step(steps: &[RecordingStatus], progress: f64) -> (usize, RecordingStatus) {
    let n = steps.len().max(1);
    let i = ((progress * n as f64) as usize).min(n - 1);
    (
        i,
        steps.get(i).copied().unwrap_or(RecordingStatus::Recorded),
    )
}

/// The status QingCloud reports in `phase`, and the emulated offset it was entered at.
pub(crate) fn status(rec: &Recording, phase: Phase) -> (RecordingStatus, i64) {
    let stop = rec.stop_at().unwrap_or(0);
    match phase {
        Phase::Starting { .. } => (RecordingStatus::Start, 0),
        Phase::Recording { .. } => (RecordingStatus::Recording, rec.starting_ms),
        Phase::Stopping { .. } => (
            if rec.stop_is_api() {
                RecordingStatus::Stopping
            } else {
                RecordingStatus::AutoStopping
            },
            stop,
        ),
        Phase::Processing { progress, .. } => {
            let steps = processing_steps(rec);
            let (i, s) = step(steps, progress);
            let offset = rec.processing_ms.saturating_mul(i as i64) / steps.len().max(1) as i64;
            (
                s,
                stop.saturating_add(rec.stopping_ms).saturating_add(offset),
            )
        }
        Phase::Completed { .. } => (
            RecordingStatus::Stopped,
            stop.saturating_add(rec.stopping_ms)
                .saturating_add(rec.processing_ms),
        ),
        Phase::Failed { kind, since_ms, .. } => {
            let at = rec.failure().map_or(0, |f| f.0);
            match kind {
                // The crash is handled during a stopping phase, then fails for good.
                FailureKind::Start | FailureKind::Crash => {
                    if since_ms < rec.stopping_ms {
                        (RecordingStatus::RecordProcessCored, at)
                    } else {
                        (
                            RecordingStatus::RecordProcessCoredRepairFailed,
                            at.saturating_add(rec.stopping_ms),
                        )
                    }
                }
                FailureKind::Upload => {
                    let before = rec.phase_at(at.saturating_sub(1));
                    let s = match before {
                        Phase::Stopping { .. } => RecordingStatus::StopRecordProcessFailed,
                        Phase::Processing { progress, .. } => {
                            match step(processing_steps(rec), progress).1 {
                                RecordingStatus::MergingSingleMedia
                                | RecordingStatus::SingleMediaMerged => {
                                    RecordingStatus::MergeSingleMediaFailed
                                }
                                _ => RecordingStatus::PushToQingstorFailed,
                            }
                        }
                        _ => RecordingStatus::PushToQingstorFailed,
                    };
                    (s, at)
                }
            }
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` at +08:00.
fn local_time(ms: i64) -> Option<String> {
    util::format_at_offset(
        ms,
        8,
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
}

fn recording_info(rec: &Recording, now: i64) -> RecordingInfo {
    let phase = rec.phase(now);
    let (status, since) = status(rec, phase);
    RecordingInfo {
        id: rec.id.parse().unwrap_or_default(),
        project_id: Some("PEmuLat0r".to_owned()),
        app_id: Some(rec.app_id.clone()),
        channel: Some(rec.room.clone()),
        pid: rec.uid.parse().ok(),
        host: Some("rtc-rec-gw-emulator.record-emulator.invalid".to_owned()),
        status: Some(status),
        size: Some(size_of(phase.recorded_ms())),
        is_mix: Some(i64::from(rec.mode != "single")),
        url_prefix: Some(String::new()),
        files: Some(String::new()),
        acc_key_id: Some("EMULATORSTORAGEKEYID0".to_owned()),
        rec_bucket: Some("record-emulator".to_owned()),
        rec_zone: Some("pek3b".to_owned()),
        rec_path: Some("CloudRecordMedia/".to_owned()),
        created: local_time(rec.created_at),
        updated: local_time(rec.real_at(since).min(now).max(rec.created_at)),
    }
}
