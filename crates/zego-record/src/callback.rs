//! ZEGO recording-status callbacks (录制状态回调, v2, JSON body): signature verification
//! and the typed events (issue 15 §1–§2).
//!
//! Sources: `vendor-docs/zego/zh-end-callback.mdx` (zh), `en-recording-status-callback.mdx`
//! (en), `zh-snippet-SignatureVerificationZH.mdx` (the signature steps and the official
//! vector) and the fact sheet `lifecycle/zego.md` §5 and §8 (cited as "facts C-nn").
//!
//! * **Signature**: `signature` = lowercase hex SHA-1 of the three strings
//!   `[callback_secret, timestamp, nonce]` sorted lexicographically (byte order, not
//!   numeric) and joined without separator. `timestamp` (Unix **seconds**, a JSON string)
//!   and `nonce` travel in the callback body itself, so [`verify_and_parse`] reads only
//!   those three fields first, verifies, and only then trusts the rest of the body.
//! * **Replay window** on `timestamp` ("回调发送时的 Unix 时间戳", when the callback was sent).
//!   The docs set no freshness window themselves.
//! * **Dedup**: ZEGO documents no event id. The key is
//!   `zego:<app_id>:<task_id>:<event_type>:<sequence>` ([`dedup_key`]): `sequence` is the
//!   message serial number ("消息序列号，从 0 开始计数"), so it tells messages of one task
//!   apart; `task_id` scopes it, since the pages do not say whether it counts per task or
//!   per app (C-47); `event_type` guards against a per-type counter. `timestamp` and `nonce`
//!   are left out: they are "when the callback is sent" and a random value, and nothing says
//!   a retry keeps them, so a key with them might not catch a retry. When `sequence` is
//!   absent, `nonce` and `timestamp` stand in (a replay of the same bytes is still caught).
//! * Retries (zh only, C-38): at most 2 more, 5 s apart; answer any 2xx to acknowledge.
//!
//! Contradictions and gaps between the pages (facts §8 "Callback"):
//! * C-34: `file_info[].custom_begin_timestamp` exists in en only.
//! * C-35: `begin_timestamp` is "when the file started recording" (zh) vs "when a new stream
//!   signal is received in the room" (en).
//! * C-36: for mixed recordings en says `user_id` equals `mix_output_stream_id` (a field that
//!   exists nowhere), zh says MixOutputStreamId for all three ids.
//! * C-37: the 3-day retention of backup storage (file status 4) is in zh only.
//! * C-38 / C-39: the retry policy and the "accounts opened after 2021-11-29" rule are zh only.
//! * C-40: the PHP/Java samples read `signature`, `timestamp`, `nonce` as form parameters
//!   although the callback is a JSON body, and the Java sample assigns a String to a `long`.
//! * C-41: the example's `signature` `12345678987654321` is a 17-character placeholder, not a
//!   SHA-1; the example fixture cannot verify.
//! * C-43: `timestamp` is a string, its unit unstated (the example is seconds).
//! * C-44: `upload_status` has no value for "all failed" (that is 2 as well).
//! * C-45: "empty" `detail` (events 4, 5, 7, 201, 202) may be `{}`, `null` or absent: all
//!   accepted and kept as received.
//! * en's event 102 table says "Strem ID" (typo).

use crate::{FileStatus, MediaTrackType, OutputFileFormat};
use record_core::callback::{
    CallbackConfig, CallbackError, Headers, Secrets, check_body_size, from_json_slice,
    hex_digest_eq,
};
use record_core::{DurationMillis, UnixMillis, UnixSeconds, open_int_enum};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// The expected `signature` of a ZEGO callback: lowercase hex SHA-1 of the sorted
/// `[secret, timestamp, nonce]` joined without separator.
pub fn expected_signature(secret: &SecretString, timestamp: &str, nonce: &str) -> String {
    let mut parts = [secret.expose_secret(), timestamp, nonce];
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `signature` (as received, hex) matches one of `secrets` (current and previous,
/// for rotation), compared in constant time; upper-case hex is accepted.
pub fn signature_matches(
    secrets: &[SecretString],
    timestamp: &str,
    nonce: &str,
    signature: &str,
) -> bool {
    let received = signature.to_ascii_lowercase();
    secrets.iter().any(|secret| {
        let expected = expected_signature(secret, timestamp, nonce);
        bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
    })
}

/// Checks the body's `signature` against every secret of `secrets` (constant time; no
/// early exit across secrets).
pub fn verify_signature(
    secrets: &Secrets,
    timestamp: &str,
    nonce: &str,
    signature: &str,
) -> Result<(), CallbackError> {
    if secrets.any(|s| hex_digest_eq(&expected_signature(s, timestamp, nonce), signature)) {
        Ok(())
    } else {
        Err(CallbackError::BadSignature)
    }
}

/// The text that was signed for a field: a JSON string as is; a number (the PHP/Java
/// samples treat `timestamp` as a number, C-40) as its decimal text.
fn signed_text(value: Option<Value>, field: &'static str) -> Result<String, CallbackError> {
    match value {
        None | Some(Value::Null) => Err(CallbackError::MissingSignature { field }),
        Some(Value::String(s)) => Ok(s),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(CallbackError::malformed_at(field, "expected a string")),
    }
}

/// The dedup key of an event (see the module docs for the choice of fields).
pub fn dedup_key(event: &ZegoEvent) -> String {
    match event.sequence {
        Some(seq) => format!(
            "zego:{}:{}:{}:{seq}",
            event.app_id,
            event.task_id,
            event.event_type.raw()
        ),
        None => format!(
            "zego:{}:{}:{}:n{}:t{}",
            event.app_id,
            event.task_id,
            event.event_type.raw(),
            event.nonce,
            event.timestamp
        ),
    }
}

/// Verifies and parses one callback body, in this order: body cap, the three signature
/// fields (`signature`, `timestamp`, `nonce`), the signature, `timestamp` in the replay
/// window, the typed body, dedup. ZEGO sends no signature header (and names no
/// Content-Type), so `headers` is not consulted; it is taken for a uniform receiver
/// interface.
pub fn verify_and_parse<H: Headers + ?Sized>(
    _headers: &H,
    body: &[u8],
    now: UnixMillis,
    config: &CallbackConfig,
) -> Result<ZegoEvent, CallbackError> {
    check_body_size(body.len(), config.max_body_bytes)?;
    // The body must be a JSON object; only its three signature fields are read before
    // the signature is checked.
    let object: Map<String, Value> = from_json_slice(body)?;
    let signature = signed_text(object.get("signature").cloned(), "signature")?;
    let timestamp = signed_text(object.get("timestamp").cloned(), "timestamp")?;
    let nonce = signed_text(object.get("nonce").cloned(), "nonce")?;
    verify_signature(&config.secrets, &timestamp, &nonce, &signature)?;
    config.window.check(sent_at(&timestamp)?, now)?;
    let event = from_wire(record_core::callback::from_json_value(
        Value::Object(object),
        "$",
    )?)?;
    config.dedup(dedup_key(&event), now)?;
    Ok(event)
}

fn sent_at(timestamp: &str) -> Result<UnixMillis, CallbackError> {
    timestamp
        .trim()
        .parse::<i64>()
        .map(|s| UnixSeconds(s).to_millis())
        .map_err(|_| CallbackError::malformed_at("timestamp", "not Unix seconds"))
}

/// Parses a body without verifying it (for tests and tools; the documented example's
/// placeholder signature cannot verify, C-41).
pub fn parse(body: &[u8]) -> Result<ZegoEvent, CallbackError> {
    from_wire(from_json_slice(body)?)
}

fn from_wire(wire: WireEvent) -> Result<ZegoEvent, CallbackError> {
    let sent_at = sent_at(&wire.timestamp)?;
    let detail = match wire.detail {
        None => None,
        Some(value) => Some(Detail::from_value(wire.event_type, value)?),
    };
    Ok(ZegoEvent {
        app_id: wire.app_id,
        task_id: wire.task_id,
        room_id: wire.room_id,
        event_type: wire.event_type,
        message: wire.message,
        nonce: wire.nonce,
        timestamp: wire.timestamp,
        sequence: wire.sequence,
        detail,
        extra: wire.extra,
        sent_at,
    })
}

open_int_enum! {
    /// `event_type`: the event notification type (事件通知类型), zh and en alike.
    pub enum EventType {
        /// `1`: upload result (录制文件上传状态通知), after the files finished uploading;
        /// TakeSnapshot results arrive as event 1 too (JPG).
        UploadResult = 1,
        /// `2`: the task ended abnormally (录制任务异常结束); see `quit_reason`.
        AbnormalExit = 2,
        /// `3`: a custom background or watermark image failed to download.
        ImageDownloadFailed = 3,
        /// `4`: zero streams in the room; within 30 s of the count reaching 0, then every
        /// 30 s until a stream appears or the task times out.
        NoStreams = 4,
        /// `5`: the recording exited normally (录制正常退出).
        NormalExit = 5,
        /// `6`: a stream to be recorded does not exist.
        StreamMissing = 6,
        /// `7`: recording stopped, files are uploading (录制已停止，正在上传录制的文件).
        Uploading = 7,
        /// `102`: real-time segment upload: the M3U8 file address.
        HlsPlaylist = 102,
        /// `201`: pause succeeded (暂停录制成功).
        Paused = 201,
        /// `202`: resume succeeded (恢复录制成功).
        Resumed = 202,
    }
}

/// One ZEGO callback (v2): every documented top-level field except `signature`, which is
/// checked and dropped so that no log or output of the event can show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZegoEvent {
    /// `app_id` (Int64): the AppID ZEGO assigned (the query API's `AppId` is Uint32, C-42).
    pub app_id: i64,
    /// `task_id`: the recording task, 16 bytes.
    pub task_id: String,
    /// `room_id`: the recorded room.
    pub room_id: String,
    /// `event_type`: see [`EventType`].
    pub event_type: EventType,
    /// `message`: event description (`""` in the example).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `nonce`: the random value of the signature, as received.
    pub nonce: String,
    /// `timestamp`: Unix **seconds** when the callback was sent, the text as received.
    pub timestamp: String,
    /// `sequence`: message serial number from 0 (scope not stated, C-47).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    /// `detail`: typed per `event_type`; `None` when the key is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
    /// Top-level keys the docs do not list ("ZEGO 会…新增字段").
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// `timestamp` in Unix ms.
    #[serde(skip)]
    pub sent_at: UnixMillis,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(deserialize_with = "record_core::flex::deserialize")]
    app_id: i64,
    task_id: String,
    room_id: String,
    event_type: EventType,
    #[serde(default)]
    message: Option<String>,
    #[serde(deserialize_with = "text")]
    nonce: String,
    #[serde(deserialize_with = "text")]
    timestamp: String,
    #[serde(default, deserialize_with = "record_core::flex::deserialize_option")]
    sequence: Option<i64>,
    #[serde(default)]
    detail: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    signature: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// A string, or a number as its decimal text (as in [`signed_text`]).
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("expected a string")),
    }
}

/// `detail`, typed per `event_type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Detail {
    /// Event 1.
    UploadResult(UploadResult),
    /// Event 2.
    AbnormalExit(AbnormalExit),
    /// Event 3.
    ImageDownloadFailed(ImageDownloadFailed),
    /// Event 6.
    StreamMissing(StreamMissing),
    /// Event 102.
    HlsPlaylist(HlsPlaylist),
    /// Events 4, 5, 7, 201, 202: documented as "empty" (内容为空); whatever arrived
    /// (`{}`, `null`, or new keys) is kept (C-45).
    Empty(Value),
    /// An event type the docs do not define: the detail as received.
    Unknown(Value),
}

impl Detail {
    /// Types `value` as the `detail` of `event_type`.
    pub fn from_value(event_type: EventType, value: Value) -> Result<Self, CallbackError> {
        use EventType as E;
        use record_core::callback::from_json_value as typed;
        Ok(match event_type {
            E::UploadResult => Self::UploadResult(typed(value, "detail")?),
            E::AbnormalExit => Self::AbnormalExit(typed(value, "detail")?),
            E::ImageDownloadFailed => Self::ImageDownloadFailed(typed(value, "detail")?),
            E::StreamMissing => Self::StreamMissing(typed(value, "detail")?),
            E::HlsPlaylist => Self::HlsPlaylist(typed(value, "detail")?),
            E::NoStreams | E::NormalExit | E::Uploading | E::Paused | E::Resumed => {
                Self::Empty(value)
            }
            E::Unknown(_) => Self::Unknown(value),
        })
    }
}

open_int_enum! {
    /// `upload_status` of event 1: the overall upload result (录制文件上传整体状态).
    pub enum UploadStatus {
        /// `1`: every file uploaded.
        All = 1,
        /// `2`: some files uploaded: at least one `file_info[].status` is not 3 (also
        /// "all failed", which has no value of its own, C-44).
        Partial = 2,
    }
}

/// `detail` of event 1 (upload result).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UploadResult {
    /// `upload_status`: all or some files uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_status: Option<UploadStatus>,
    /// `file_info`: the files; empty when no file was produced (nobody published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_info: Option<Vec<FileInfo>>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `file_info[]` item of event 1. The same fields as DescribeRecordStatus'
/// `RecordFiles[]` in snake_case (facts §5).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FileInfo {
    /// `user_id`: the publisher; MixOutputStreamId for mixed files (C-36).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `user_name`: the publisher's nickname; MixOutputStreamId for mixed files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `stream_id`: the stream; MixOutputStreamId for mixed files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<String>,
    /// `file_id`: the file name (per StartRecord's `OutputFileRule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// `video_id`: Alibaba VOD VideoId or Tencent VOD FileId; `""` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
    /// `file_url`: access URL; not sent for Qiniu or Alibaba VOD storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// `output_file_format`: `mp4`, `flv`, `hls`, `aac`, `jpg` (open set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_file_format: Option<OutputFileFormat>,
    /// `file_size`: bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "record_core::flex::deserialize_option"
    )]
    pub file_size: Option<i64>,
    /// `duration`: ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationMillis>,
    /// `resolution_width`: px.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_width: Option<i64>,
    /// `resolution_height`: px.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_height: Option<i64>,
    /// `media_track_type`: 1 audio only, 2 video only, 3 audio and video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_track_type: Option<MediaTrackType>,
    /// `begin_timestamp`: Unix ms; "file started recording" (zh) vs "new stream signal
    /// received" (en), C-35.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_timestamp: Option<UnixMillis>,
    /// `custom_begin_timestamp`: a timestamp carried in the stream's SEI (en only, C-34).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_begin_timestamp: Option<i64>,
    /// `status`: 3 uploaded to your storage; 4 only in ZEGO backup storage (kept 3 days,
    /// zh, C-37); 5 both uploads failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FileStatus>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_int_enum! {
    /// `quit_reason` of event 2: why the recording exited abnormally (zh and en agree).
    pub enum QuitReason {
        /// `1`: the recording service failed to start (start again).
        ServiceStartFailed = 1,
        /// `2`: could not log in to the room (make sure it can be joined).
        RoomLoginFailed = 2,
        /// `3`: no stream or whiteboard for longer than `MaxIdleTime` (default 30 s).
        IdleTimeout = 3,
        /// `4`: `MaxRecordTime` reached (default 24 h).
        MaxRecordTime = 4,
        /// `5`: the recording engine failed to start.
        EngineStartFailed = 5,
        /// `6`: the recording service lost its network connection.
        NetworkDisconnected = 6,
        /// `1001`: unknown recording error.
        UnknownError = 1001,
        /// `1002`: the file name is too long (see `OutputFileRule`).
        FileNameTooLong = 1002,
        /// `1003`: could not open the recording file.
        FileOpenFailed = 1003,
        /// `1004`: not enough storage space on the recorder.
        StorageFull = 1004,
        /// `1005`: recording engine initialisation failed.
        EngineInitFailed = 1005,
        /// `1006`: writing the file header failed.
        FileHeaderWriteFailed = 1006,
        /// `1007`: file write error EBADF.
        WriteEbadf = 1007,
        /// `1008`: file write error EIO.
        WriteEio = 1008,
        /// `1009`: internal channel error.
        InternalChannelError = 1009,
        /// `1010`: unsupported output file format (see `OutputFileFormat`).
        UnsupportedFormat = 1010,
        /// `1011`: illegal recording state.
        IllegalState = 1011,
    }
}

/// `detail` of event 2 (abnormal exit).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AbnormalExit {
    /// `quit_reason`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quit_reason: Option<QuitReason>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_int_enum! {
    /// `image_type` of event 3: which StartRecord image failed to download.
    pub enum ImageType {
        /// `1`: the canvas background (`MixOutputBackgroundImage`).
        CanvasBackground = 1,
        /// `2`: the watermark (`MixOutputWatermarkImage`).
        Watermark = 2,
        /// `3`: the default stream background (`DefaultMixStreamBackgroundImage`).
        DefaultStreamBackground = 3,
        /// `4`: a view background in a custom layout (`MixInputList[].BackgroundImage`).
        LayoutBackground = 4,
    }
}

/// `detail` of event 3 (image download failed).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImageDownloadFailed {
    /// `image_type`: which image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_type: Option<ImageType>,
    /// `image_url`: the URL that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `detail` of event 6 (stream missing).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StreamMissing {
    /// `stream_id`: the stream that does not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<String>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `detail` of event 102 (HLS real-time upload: the M3U8 address).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HlsPlaylist {
    /// `stream_id`: the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<String>,
    /// `file_id`: the file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// `file_url`: the M3U8 URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// `media_track_type`: 1 audio, 2 video, 3 both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_track_type: Option<MediaTrackType>,
    /// Keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn official_vector_from_zego_docs() {
        assert_eq!(
            expected_signature(&secret("secret"), "1470820198", "123412"),
            "5bd59fd62953a8059fb7eaba95720f66d19e4517"
        );
    }

    #[test]
    fn wrong_secret_forged_signature_and_rotation() {
        let good = "5bd59fd62953a8059fb7eaba95720f66d19e4517";
        assert!(!signature_matches(
            &[secret("other")],
            "1470820198",
            "123412",
            good
        ));
        assert!(!signature_matches(
            &[secret("secret")],
            "1470820199",
            "123412",
            good
        ));
        assert!(!signature_matches(
            &[secret("secret")],
            "1470820198",
            "123412",
            "00"
        ));
        assert!(signature_matches(
            &[secret("new"), secret("secret")],
            "1470820198",
            "123412",
            good
        ));
    }
}
