//! Agora NCS (消息通知服务, message notification service) callbacks for cloud recording:
//! signature verification and the typed events (issue 15 §1–§2).
//!
//! Sources: `vendor-docs/agora/receive-notifications.mdx` (RN: headers, envelope, every
//! cloud-recording `eventType` and its `details`), `vendor-docs/agora/signature-verification.mdx`
//! (SV: the algorithms and the official vector) and the fact sheet `lifecycle/agora.md`
//! §10–§11 (cited as "facts §10.x").
//!
//! * **Signature** (RN "Add signature verification", SV): NCS sends two headers,
//!   `Agora-Signature` = hex HMAC-SHA1 and `Agora-Signature-V2` = hex HMAC-SHA256, both keyed
//!   with the NCS secret (its UTF-8 bytes, as every official sample passes it) over the
//!   **raw request body bytes**. [`verify_signature`] prefers V2 when it is present (then V2
//!   alone decides) and falls back to V1; a re-serialized body does not verify.
//! * **Replay window** on `notifyMs` (Unix ms when NCS sent this attempt; RN: "updated when
//!   Notifications resends").
//! * **Dedup** on `noticeId` ([`dedup_key`]). RN's tip pairs `noticeId` with `notifyMs`,
//!   but RN itself says `notifyMs` changes on every retry, so that pair never matches a
//!   re-delivery (facts C-D15); `noticeId` alone identifies the notification.
//!
//! Contradictions in the pages, kept open in the types (facts §13.2):
//! * RN's Go sample comments say "HMAC/SHA256" but compute SHA-1; SV's Java "HMAC/SHA256"
//!   sample prints the SHA-1 value (C-D16). SV step 3 says "HMAC/SHA2" for V2.
//! * Two official bodies exist, with and without `eventMs` (SV vs the Chinese page), with
//!   different digests; a preprod page pairs one body with the other's digests (C-D17).
//! * Event 100's `status` is typed Number but its values are strings (C-D9): both accepted.
//! * Event 71's file key is `fileName` in the prose and `filename` in the example (C-D10):
//!   both kept as received.
//! * Events 80 and 81 are documented but missing from the event table, so their
//!   `serviceType` is unknown (C-D12).
//! * Event 3 is "status changes" in the table but "a method call failed because it did not
//!   match the service status" in its section (C-D13).
//! * Event 41 `leaveCode` is a bit mask, yet `LEAVE_CODE_INIT` is `0`, which no bitwise AND
//!   can detect: it can only mean "the whole code is 0".
//! * The composite "uploaded" example in RN is not valid JSON (`"fileName": xxx.m3u8"`,
//!   C-D11); the fixture repairs the one missing quote.
//! * RN's envelope example (`"payload":{ ... }`) is not JSON either and is not a fixture.

use record_core::callback::{
    self, CallbackConfig, CallbackError, Headers, Secrets, check_body_size, from_json_slice,
    from_json_value, hex_digest_eq,
};
use record_core::{UnixMillis, open_int_enum, open_str_enum};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::TrackType;

/// The header carrying hex HMAC-SHA1 of the raw body (RN, Request Header).
pub const SIGNATURE_HEADER: &str = "Agora-Signature";
/// The header carrying hex HMAC-SHA256 of the raw body (RN, Request Header).
pub const SIGNATURE_V2_HEADER: &str = "Agora-Signature-V2";

/// `Agora-Signature`: lowercase hex HMAC-SHA1 of `body` keyed with the NCS secret.
pub fn signature_v1(secret: &SecretString, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    callback::to_hex(&mac.finalize().into_bytes())
}

/// `Agora-Signature-V2`: lowercase hex HMAC-SHA256 of `body` keyed with the NCS secret.
pub fn signature_v2(secret: &SecretString, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    callback::to_hex(&mac.finalize().into_bytes())
}

/// Checks the NCS signature of `body` (the exact bytes received) against every secret, in
/// constant time. `Agora-Signature-V2` decides when present; otherwise `Agora-Signature`.
/// Neither header: [`CallbackError::MissingSignature`] naming `Agora-Signature-V2`.
pub fn verify_signature<H: Headers + ?Sized>(
    headers: &H,
    body: &[u8],
    secrets: &Secrets,
) -> Result<(), CallbackError> {
    let ok = if let Some(v2) = headers.header(SIGNATURE_V2_HEADER) {
        secrets.any(|s| hex_digest_eq(&signature_v2(s, body), v2))
    } else if let Some(v1) = headers.header(SIGNATURE_HEADER) {
        secrets.any(|s| hex_digest_eq(&signature_v1(s, body), v1))
    } else {
        return Err(CallbackError::MissingSignature {
            field: SIGNATURE_V2_HEADER,
        });
    };
    if ok {
        Ok(())
    } else {
        Err(CallbackError::BadSignature)
    }
}

/// The dedup key of a notification: `agora:<noticeId>` (see the module docs for why not
/// `notifyMs`).
pub fn dedup_key(event: &AgoraEvent) -> String {
    format!("agora:{}", event.notice_id)
}

/// Verifies and parses one NCS request, in this order: body cap, signature over the raw
/// bytes, typed parse, replay window on `notifyMs`, dedup on `noticeId`.
pub fn verify_and_parse<H: Headers + ?Sized>(
    headers: &H,
    body: &[u8],
    now: UnixMillis,
    config: &CallbackConfig,
) -> Result<AgoraEvent, CallbackError> {
    check_body_size(body.len(), config.max_body_bytes)?;
    verify_signature(headers, body, &config.secrets)?;
    let event = parse(body)?;
    config.window.check(event.notify_ms, now)?;
    config.dedup(dedup_key(&event), now)?;
    Ok(event)
}

/// Parses an NCS body (not verified: call [`verify_and_parse`] for a received request).
pub fn parse(body: &[u8]) -> Result<AgoraEvent, CallbackError> {
    let wire: WireEnvelope = from_json_slice(body)?;
    AgoraEvent::from_wire(wire)
}

open_int_enum! {
    /// `productId`: which Agora product sent the notification (RN, Request Body).
    /// A legacy Chinese NCS page numbers the products differently (2 push-to-CDN 3.0,
    /// 3 cloud recording & extensions, 4 cloud player, 5 RTMP converter; facts C-D30).
    pub enum ProductId {
        /// `1`: Realtime Communication (RTC). RN's own envelope example uses it.
        Rtc = 1,
        /// `3`: Cloud Recording (云端录制); every cloud-recording event carries it.
        CloudRecording = 3,
        /// `4`: Media Pull.
        MediaPull = 4,
        /// `5`: Media Push.
        MediaPush = 5,
    }
}

open_int_enum! {
    /// `eventType` of a cloud-recording notification (RN, Event types; facts §10.5). The
    /// comment of each value gives its `details.msgName`.
    pub enum EventType {
        /// `1` `cloud_recording_error`: an error occurred during the recording.
        CloudRecordingError = 1,
        /// `2` `cloud_recording_warning`: a warning occurred during the recording.
        CloudRecordingWarning = 2,
        /// `3` `cloud_recording_status_update`: the service status changed (the section
        /// says: a call failed because it did not match the status; C-D13).
        CloudRecordingStatusUpdate = 3,
        /// `4` `cloud_recording_file_infos`: the M3U8 playlist was first uploaded.
        CloudRecordingFileInfos = 4,
        /// `11` `session_exit`: the service ended its tasks and exited.
        SessionExit = 11,
        /// `12` `session_failover`: high availability switched to a new server (within 90 s).
        SessionFailover = 12,
        /// `30` `uploader_started`: the upload service started.
        UploaderStarted = 30,
        /// `31` `uploaded`: all files uploaded to the third-party storage.
        Uploaded = 31,
        /// `32` `backuped`: all files uploaded, at least one to Agora Cloud Backup (it is
        /// forwarded to your storage later).
        Backuped = 32,
        /// `33` `uploading_progress`: upload progress, once a minute.
        UploadingProgress = 33,
        /// `40` `recorder_started`: the recording started.
        RecorderStarted = 40,
        /// `41` `recorder_leave`: the recorder left the channel.
        RecorderLeave = 41,
        /// `42` `recorder_slice_start`: the service syncs the recorded files' information.
        RecorderSliceStart = 42,
        /// `43` `recorder_audio_stream_state_changed`.
        RecorderAudioStreamStateChanged = 43,
        /// `44` `recorder_video_stream_state_changed`.
        RecorderVideoStreamStateChanged = 44,
        /// `45` `recorder_snapshot_file`: a screenshot was captured and uploaded.
        RecorderSnapshotFile = 45,
        /// `60` `vod_started`: the ApsaraVideo VoD uploader started.
        VodStarted = 60,
        /// `61` `vod_triggered`: all files uploaded to ApsaraVideo VoD.
        VodTriggered = 61,
        /// `70` `web_recorder_started`: web page recording started.
        WebRecorderStarted = 70,
        /// `71` `web_recorder_stopped`: web page recording stopped.
        WebRecorderStopped = 71,
        /// `72` `web_recorder_capability_limit`: the page uses an unsupported feature; the
        /// recording stops at once.
        WebRecorderCapabilityLimit = 72,
        /// `73` `web_recorder_reload`: the web page reloaded.
        WebRecorderReload = 73,
        /// `80` `transcoder_started` (not in RN's table, C-D12).
        TranscoderStarted = 80,
        /// `81` `transcoder_completed` (not in RN's table, C-D12).
        TranscoderCompleted = 81,
        /// `90` `download_failed`: the service could not download the recorded files
        /// (at most once per recording).
        DownloadFailed = 90,
        /// `100` `rtmp_publish_status`: the CDN streaming status of web page recording.
        RtmpPublishStatus = 100,
        /// `1001` `postpone_transcode_final_result`: the final (postponed) transcoding result.
        PostponeTranscodeFinalResult = 1001,
    }
}

impl EventType {
    /// The `details.msgName` RN documents for this event type.
    pub const fn msg_name(self) -> Option<&'static str> {
        Some(match self {
            Self::CloudRecordingError => "cloud_recording_error",
            Self::CloudRecordingWarning => "cloud_recording_warning",
            Self::CloudRecordingStatusUpdate => "cloud_recording_status_update",
            Self::CloudRecordingFileInfos => "cloud_recording_file_infos",
            Self::SessionExit => "session_exit",
            Self::SessionFailover => "session_failover",
            Self::UploaderStarted => "uploader_started",
            Self::Uploaded => "uploaded",
            Self::Backuped => "backuped",
            Self::UploadingProgress => "uploading_progress",
            Self::RecorderStarted => "recorder_started",
            Self::RecorderLeave => "recorder_leave",
            Self::RecorderSliceStart => "recorder_slice_start",
            Self::RecorderAudioStreamStateChanged => "recorder_audio_stream_state_changed",
            Self::RecorderVideoStreamStateChanged => "recorder_video_stream_state_changed",
            Self::RecorderSnapshotFile => "recorder_snapshot_file",
            Self::VodStarted => "vod_started",
            Self::VodTriggered => "vod_triggered",
            Self::WebRecorderStarted => "web_recorder_started",
            Self::WebRecorderStopped => "web_recorder_stopped",
            Self::WebRecorderCapabilityLimit => "web_recorder_capability_limit",
            Self::WebRecorderReload => "web_recorder_reload",
            Self::TranscoderStarted => "transcoder_started",
            Self::TranscoderCompleted => "transcoder_completed",
            Self::DownloadFailed => "download_failed",
            Self::RtmpPublishStatus => "rtmp_publish_status",
            Self::PostponeTranscodeFinalResult => "postpone_transcode_final_result",
            Self::Unknown(_) => return None,
        })
    }

    /// The documented event type whose `details.msgName` is `name`.
    pub fn from_msg_name(name: &str) -> Option<Self> {
        const ALL: [i64; 27] = [
            1, 2, 3, 4, 11, 12, 30, 31, 32, 33, 40, 41, 42, 43, 44, 45, 60, 61, 70, 71, 72, 73, 80,
            81, 90, 100, 1001,
        ];
        ALL.iter()
            .map(|raw| Self::from_raw(*raw))
            .find(|t| t.msg_name() == Some(name))
    }
}

open_int_enum! {
    /// `payload.serviceType`: which part of the service sent the event (RN, Fields in payload).
    pub enum ServiceType {
        /// `0`: the cloud recording service.
        CloudRecordingService = 0,
        /// `1`: the recorder module.
        Recorder = 1,
        /// `2`: the uploader module.
        Uploader = 2,
        /// `4`: the extension services.
        ExtensionServices = 4,
        /// `6`: the web page recording module.
        WebPageRecorder = 6,
        /// `8`: the download module.
        Downloader = 8,
    }
}

/// One NCS notification (the request body): the envelope, and for cloud recording the
/// typed payload (RN, Request Body). Unknown top-level keys (e.g. `eventMs`, which only the
/// signature test body shows) are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgoraEvent {
    /// `noticeId`: the notification ID, e.g. `"2000001428:4330:107"`; the dedup key.
    #[serde(rename = "noticeId")]
    pub notice_id: String,
    /// `productId`: the product (`3` for cloud recording).
    #[serde(rename = "productId")]
    pub product_id: ProductId,
    /// `eventType`: the event.
    #[serde(rename = "eventType")]
    pub event_type: EventType,
    /// `notifyMs`: Unix ms when NCS sent **this attempt** (changes on every retry).
    #[serde(rename = "notifyMs")]
    pub notify_ms: UnixMillis,
    /// `payload`: typed for cloud recording, raw for other products.
    pub payload: Payload,
    /// Top-level keys the docs do not list, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `payload`: typed when `productId` is cloud recording (3), raw otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Payload {
    /// A cloud-recording payload.
    Recording(Box<RecordingPayload>),
    /// Another product's payload, kept as received.
    Other(Value),
}

/// The payload of every cloud-recording event (RN, Fields in payload; facts §10.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordingPayload {
    /// `cname`: the recorded channel (频道名).
    pub cname: String,
    /// `uid`: the recording client's user ID (a string).
    pub uid: String,
    /// `sid`: the recording ID, unique per recording session.
    pub sid: String,
    /// `sequence`: notification serial number from 0, to spot lost or re-sent ones.
    pub sequence: i64,
    /// `sendts`: when the event happened, Unix ms (UTC).
    pub sendts: UnixMillis,
    /// `serviceType`: the part of the service that sent it.
    #[serde(rename = "serviceType")]
    pub service_type: ServiceType,
    /// `details`: typed per `eventType`.
    pub details: Details,
    /// Payload keys the docs do not list.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AgoraEvent {
    /// The cloud-recording payload, if this is one.
    pub fn recording(&self) -> Option<&RecordingPayload> {
        match &self.payload {
            Payload::Recording(p) => Some(p),
            Payload::Other(_) => None,
        }
    }

    fn from_wire(wire: WireEnvelope) -> Result<Self, CallbackError> {
        let payload = if wire.product_id == ProductId::CloudRecording {
            let p: WirePayload = from_json_value(wire.payload, "payload")?;
            let details = Details::from_value(wire.event_type, p.details, "payload.details")?;
            Payload::Recording(Box::new(RecordingPayload {
                cname: p.cname,
                uid: p.uid,
                sid: p.sid,
                sequence: p.sequence,
                sendts: p.sendts,
                service_type: p.service_type,
                details,
                extra: p.extra,
            }))
        } else {
            Payload::Other(wire.payload)
        };
        Ok(Self {
            notice_id: wire.notice_id,
            product_id: wire.product_id,
            event_type: wire.event_type,
            notify_ms: wire.notify_ms,
            payload,
            extra: wire.extra,
        })
    }
}

impl<'de> Deserialize<'de> for AgoraEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = WireEnvelope::deserialize(d)?;
        Self::from_wire(wire).map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
struct WireEnvelope {
    #[serde(rename = "noticeId")]
    notice_id: String,
    #[serde(rename = "productId")]
    product_id: ProductId,
    #[serde(rename = "eventType")]
    event_type: EventType,
    #[serde(rename = "notifyMs")]
    notify_ms: UnixMillis,
    payload: Value,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
struct WirePayload {
    cname: String,
    uid: String,
    sid: String,
    sequence: i64,
    sendts: UnixMillis,
    #[serde(rename = "serviceType")]
    service_type: ServiceType,
    details: Value,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// `payload.details`, typed per `eventType` (RN, one section per event). Every documented
/// field is optional (RN: "Notifications may add new fields to `details` in the future";
/// the web-mode "uploaded" example omits `fileList`), and undocumented keys are kept in
/// each struct's `extra`. An undocumented event type keeps its details raw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Details {
    /// 1 `cloud_recording_error`.
    CloudRecordingError(CloudRecordingError),
    /// 2 `cloud_recording_warning`.
    CloudRecordingWarning(CloudRecordingWarning),
    /// 3 `cloud_recording_status_update`.
    CloudRecordingStatusUpdate(CloudRecordingStatusUpdate),
    /// 4 `cloud_recording_file_infos`.
    CloudRecordingFileInfos(CloudRecordingFileInfos),
    /// 11 `session_exit`.
    SessionExit(SessionExit),
    /// 12 `session_failover`.
    SessionFailover(SessionFailover),
    /// 30 `uploader_started`, 40 `recorder_started`: a `status` only.
    Started(StatusOnly),
    /// 31 `uploaded` and 32 `backuped`: the uploaded files.
    Uploaded(Uploaded),
    /// 33 `uploading_progress`.
    UploadingProgress(UploadingProgress),
    /// 41 `recorder_leave`.
    RecorderLeave(RecorderLeave),
    /// 42 `recorder_slice_start`.
    RecorderSliceStart(RecorderSliceStart),
    /// 43 / 44: audio or video stream state changed.
    StreamStateChanged(StreamStateChanged),
    /// 45 `recorder_snapshot_file`.
    RecorderSnapshotFile(RecorderSnapshotFile),
    /// 60 `vod_started`.
    VodStarted(VodStarted),
    /// 61 `vod_triggered`, 80 `transcoder_started`: `msgName` only.
    NameOnly(NameOnly),
    /// 70 `web_recorder_started`.
    WebRecorderStarted(WebRecorderStarted),
    /// 71 `web_recorder_stopped`.
    WebRecorderStopped(WebRecorderStopped),
    /// 72 `web_recorder_capability_limit`.
    WebRecorderCapabilityLimit(WebRecorderCapabilityLimit),
    /// 73 `web_recorder_reload`.
    WebRecorderReload(WebRecorderReload),
    /// 81 `transcoder_completed`.
    TranscoderCompleted(TranscoderCompleted),
    /// 90 `download_failed`.
    DownloadFailed(DownloadFailed),
    /// 100 `rtmp_publish_status`.
    RtmpPublishStatus(RtmpPublishStatus),
    /// 1001 `postpone_transcode_final_result`.
    PostponeTranscodeFinalResult(PostponeTranscodeFinalResult),
    /// An event type the docs do not define: the details as received.
    Unknown(Value),
}

impl Details {
    /// Types `value` as the details of `event_type`; `path` prefixes error paths.
    pub fn from_value(
        event_type: EventType,
        value: Value,
        path: &str,
    ) -> Result<Self, CallbackError> {
        use EventType as E;
        Ok(match event_type {
            E::CloudRecordingError => Self::CloudRecordingError(from_json_value(value, path)?),
            E::CloudRecordingWarning => Self::CloudRecordingWarning(from_json_value(value, path)?),
            E::CloudRecordingStatusUpdate => {
                Self::CloudRecordingStatusUpdate(from_json_value(value, path)?)
            }
            E::CloudRecordingFileInfos => {
                Self::CloudRecordingFileInfos(from_json_value(value, path)?)
            }
            E::SessionExit => Self::SessionExit(from_json_value(value, path)?),
            E::SessionFailover => Self::SessionFailover(from_json_value(value, path)?),
            E::UploaderStarted | E::RecorderStarted => Self::Started(from_json_value(value, path)?),
            E::Uploaded | E::Backuped => Self::Uploaded(from_json_value(value, path)?),
            E::UploadingProgress => Self::UploadingProgress(from_json_value(value, path)?),
            E::RecorderLeave => Self::RecorderLeave(from_json_value(value, path)?),
            E::RecorderSliceStart => Self::RecorderSliceStart(from_json_value(value, path)?),
            E::RecorderAudioStreamStateChanged | E::RecorderVideoStreamStateChanged => {
                Self::StreamStateChanged(from_json_value(value, path)?)
            }
            E::RecorderSnapshotFile => Self::RecorderSnapshotFile(from_json_value(value, path)?),
            E::VodStarted => Self::VodStarted(from_json_value(value, path)?),
            E::VodTriggered | E::TranscoderStarted => Self::NameOnly(from_json_value(value, path)?),
            E::WebRecorderStarted => Self::WebRecorderStarted(from_json_value(value, path)?),
            E::WebRecorderStopped => Self::WebRecorderStopped(from_json_value(value, path)?),
            E::WebRecorderCapabilityLimit => {
                Self::WebRecorderCapabilityLimit(from_json_value(value, path)?)
            }
            E::WebRecorderReload => Self::WebRecorderReload(from_json_value(value, path)?),
            E::TranscoderCompleted => Self::TranscoderCompleted(from_json_value(value, path)?),
            E::DownloadFailed => Self::DownloadFailed(from_json_value(value, path)?),
            E::RtmpPublishStatus => Self::RtmpPublishStatus(from_json_value(value, path)?),
            E::PostponeTranscodeFinalResult => {
                Self::PostponeTranscodeFinalResult(from_json_value(value, path)?)
            }
            E::Unknown(_) => Self::Unknown(value),
        })
    }
}

/// Declares a details struct: `msgName` plus the given optional fields, plus `extra`
/// (`item struct`: a list item, without `msgName`).
macro_rules! details {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $json:literal => $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// `msgName`: the event name (e.g. `"uploaded"`).
            #[serde(rename = "msgName", default, skip_serializing_if = "Option::is_none")]
            pub msg_name: Option<String>,
            $(
                $(#[$fmeta])*
                #[serde(rename = $json, default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Keys the docs do not list, kept as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
    (
        $(#[$meta:meta])*
        item struct $name:ident {
            $( $(#[$fmeta:meta])* $json:literal => $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $json, default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Keys the docs do not list, kept as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

open_int_enum! {
    /// `module` of events 1 and 2: where the error or warning occurred (RN).
    pub enum Module {
        /// `0`: the recorder (error codes: the "common errors" page).
        Recorder = 0,
        /// `1`: the uploader (error codes 32, 47, 51; warning codes 31, 32).
        Uploader = 1,
        /// `2`: the Agora Cloud Recording Service (error codes 50, 52).
        CloudRecordingService = 2,
        /// `6`: the Agora Web Page Recording Service.
        WebPageRecordingService = 6,
    }
}

open_int_enum! {
    /// `errorLevel` of event 1 (RN).
    pub enum ErrorLevel {
        /// `1`: debug.
        Debug = 1,
        /// `2`: minor.
        Minor = 2,
        /// `3`: medium.
        Medium = 3,
        /// `4`: major.
        Major = 4,
        /// `5`: fatal; may end the recording: call `query` to check.
        Fatal = 5,
    }
}

details! {
    /// Event 1 `cloud_recording_error` (RN).
    pub struct CloudRecordingError {
        /// `module`: where the error occurred.
        "module" => module: Module,
        /// `errorLevel`: severity.
        "errorLevel" => error_level: ErrorLevel,
        /// `errorCode`: per module (uploader: 32 storage config error, 47 upload failed,
        /// 51 uploader processing error; service: 50 upload timeout, 52 start timeout).
        "errorCode" => error_code: i64,
        /// `stat`: event status, 0 = normal.
        "stat" => stat: i64,
        /// `errorMsg`: description.
        "errorMsg" => error_msg: String,
    }
}

details! {
    /// Event 2 `cloud_recording_warning` (RN).
    pub struct CloudRecordingWarning {
        /// `module`: `0` recorder, `1` uploader.
        "module" => module: Module,
        /// `warnCode`: uploader 31 re-upload to your storage, 32 re-upload to Agora backup.
        "warnCode" => warn_code: i64,
    }
}

open_int_enum! {
    /// `status` of event 3: the service status (RN, Status codes; facts §10.7). The REST
    /// query labels the same numbers differently (facts C-D20).
    pub enum NcsStatus {
        /// `0`: not started.
        NotStarted = 0,
        /// `1`: initialization complete.
        Initialized = 1,
        /// `2`: the recorder is starting.
        RecorderStarting = 2,
        /// `3`: the uploader is ready.
        UploaderReady = 3,
        /// `4`: the recorder is ready.
        RecorderReady = 4,
        /// `5`: the first file is uploaded (stays 5 while recording).
        FirstFileUploaded = 5,
        /// `6`: the recording stops.
        RecordingStops = 6,
        /// `7`: the service stops.
        ServiceStops = 7,
        /// `8`: ready to exit.
        ReadyToExit = 8,
        /// `20`: abnormal exit.
        AbnormalExit = 20,
    }
}

open_int_enum! {
    /// `recordingMode` of event 3 (RN).
    pub enum RecordingMode {
        /// `0`: individual (单流) recording.
        Individual = 0,
        /// `1`: composite (合流) recording.
        Composite = 1,
    }
}

details! {
    /// Event 3 `cloud_recording_status_update` (RN).
    pub struct CloudRecordingStatusUpdate {
        /// `status`: the service status.
        "status" => status: NcsStatus,
        /// `recordingMode`: individual or composite.
        "recordingMode" => recording_mode: RecordingMode,
        /// `fileList`: the M3U8 index file name (a string here).
        "fileList" => file_list: String,
    }
}

details! {
    /// Event 4 `cloud_recording_file_infos`: sent once, when the M3U8 is first uploaded (RN).
    pub struct CloudRecordingFileInfos {
        /// `fileList`: the M3U8 file name.
        "fileList" => file_list: String,
    }
}

open_int_enum! {
    /// `exitStatus` of event 11 (RN).
    pub enum ExitStatus {
        /// `0`: normal exit, after the recording ended and the files were uploaded.
        Normal = 0,
        /// `1`: abnormal exit (e.g. a parameter set wrongly).
        Abnormal = 1,
    }
}

details! {
    /// Event 11 `session_exit` (RN).
    pub struct SessionExit {
        /// `exitStatus`: normal or abnormal.
        "exitStatus" => exit_status: ExitStatus,
    }
}

details! {
    /// Event 12 `session_failover` (RN): the service moved to a new server and rejoined
    /// with a random UID.
    pub struct SessionFailover {
        /// `newUid`: the new recording UID, a **number** here although `uid` is a string
        /// elsewhere (facts C-D29).
        "newUid" => new_uid: i64,
    }
}

details! {
    /// Events 30 `uploader_started` and 40 `recorder_started` (RN).
    pub struct StatusOnly {
        /// `status`: 0 normal, anything else abnormal.
        "status" => status: i64,
    }
}

details! {
    /// One file of events 31 / 32 `fileList` (RN).
    item struct UploadedFile {
        /// `fileName`: the M3U8 or MP4 file name.
        "fileName" => file_name: String,
        /// `trackType`: `audio`, `video` (no audio) or `audio_and_video`.
        "trackType" => track_type: TrackType,
        /// `uid`: whose stream the file holds; `"0"` in composite mode.
        "uid" => uid: String,
        /// `mixedAllUser`: all users mixed into this one file.
        "mixedAllUser" => mixed_all_user: bool,
        /// `isPlayable`: the file can be played online.
        "isPlayable" => is_playable: bool,
        /// `sliceStartTime`: Unix ms when the recording started (RN says ms; the REST
        /// spec says "seconds" for the same key in file lists, facts C-D8; every example
        /// has 13 digits).
        "sliceStartTime" => slice_start_time: UnixMillis,
    }
}

details! {
    /// Events 31 `uploaded` (all files in your storage) and 32 `backuped` (at least one
    /// in Agora Cloud Backup, forwarded later) (RN).
    pub struct Uploaded {
        /// `status`: 0 normal.
        "status" => status: i64,
        /// `fileList`: the files (absent in the web-mode example).
        "fileList" => file_list: Vec<UploadedFile>,
    }
}

details! {
    /// Event 33 `uploading_progress` (RN): sent every minute.
    pub struct UploadingProgress {
        /// `progress`: uploaded/recorded files × 10,000 (0…10000); 10000 after exit =
        /// upload complete.
        "progress" => progress: i64,
    }
}

/// `leaveCode` of event 41: a bit mask of reasons (RN, recorder_leave).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeaveCode(pub i64);

impl LeaveCode {
    /// `LEAVE_CODE_INIT` = 0: initialization failed. Not a bit: only a code of exactly 0.
    pub const INIT: i64 = 0;
    /// `LEAVE_CODE_SIG` = 2: the AgoraCoreService process received SIGINT.
    pub const SIG: i64 = 2;
    /// `LEAVE_CODE_NO_USERS` = 4: no user in the channel, the recorder left.
    pub const NO_USERS: i64 = 4;
    /// `LEAVE_CODE_TIMER_CATCH` = 8: ignore it.
    pub const TIMER_CATCH: i64 = 8;
    /// `LEAVE_CODE_CLIENT_LEAVE` = 16: the recorder called `leaveChannel`.
    pub const CLIENT_LEAVE: i64 = 16;

    /// Whether bit `flag` is set (`LeaveCode(6).has(LeaveCode::SIG)`).
    pub const fn has(self, flag: i64) -> bool {
        self.0 & flag != 0
    }

    /// Whether the code is `LEAVE_CODE_INIT` (exactly 0).
    pub const fn is_init_failure(self) -> bool {
        self.0 == Self::INIT
    }
}

details! {
    /// Event 41 `recorder_leave` (RN).
    pub struct RecorderLeave {
        /// `leaveCode`: bit mask of reasons.
        "leaveCode" => leave_code: LeaveCode,
    }
}

details! {
    /// Event 42 `recorder_slice_start` (RN).
    pub struct RecorderSliceStart {
        /// `startUtcMs`: UTC ms when the (first slice of the) recording started.
        "startUtcMs" => start_utc_ms: UnixMillis,
        /// `discontinueUtcMs`: equals `startUtcMs`, except after an interruption: UTC ms
        /// when the last slice before it stopped.
        "discontinueUtcMs" => discontinue_utc_ms: UnixMillis,
        /// `mixedAllUser`: all users in one file.
        "mixedAllUser" => mixed_all_user: bool,
        /// `streamUid`: whose stream; `0` in composite mode.
        "streamUid" => stream_uid: String,
        /// `trackType`: `audio`, `video`, `audio_and_video`.
        "trackType" => track_type: TrackType,
    }
}

open_int_enum! {
    /// `state` of events 43 / 44 (RN).
    pub enum StreamState {
        /// `0`: the stream is being received.
        Receiving = 0,
        /// `1`: the stream is not being received.
        NotReceiving = 1,
    }
}

details! {
    /// Events 43 `recorder_audio_stream_state_changed` and 44
    /// `recorder_video_stream_state_changed` (RN).
    pub struct StreamStateChanged {
        /// `streamUid`: whose stream; may be `0` in composite mode.
        "streamUid" => stream_uid: String,
        /// `state`: receiving or not.
        "state" => state: StreamState,
        /// `UtcMs` (capital U, as documented): UTC ms of the change.
        "UtcMs" => utc_ms: UnixMillis,
    }
}

details! {
    /// Event 45 `recorder_snapshot_file` (RN).
    pub struct RecorderSnapshotFile {
        /// `fileName`: `"<fileNamePrefix>/<file name>"` of the JPG in your storage.
        "fileName" => file_name: String,
    }
}

details! {
    /// `aliVodInfo` of event 60.
    item struct AliVodInfo {
        /// `videoId`: the ApsaraVideo VoD video ID.
        "videoId" => video_id: String,
    }
}

details! {
    /// Event 60 `vod_started` (RN).
    pub struct VodStarted {
        /// `aliVodInfo`: the video to upload.
        "aliVodInfo" => ali_vod_info: AliVodInfo,
    }
}

details! {
    /// Events 61 `vod_triggered` and 80 `transcoder_started`: `msgName` only (RN).
    pub struct NameOnly {}
}

details! {
    /// Event 70 `web_recorder_started` (RN).
    pub struct WebRecorderStarted {
        /// `recorderStartTime`: Unix ms (UTC) when the recording started.
        "recorderStartTime" => recorder_start_time: UnixMillis,
    }
}

open_int_enum! {
    /// `code` of event 71: why web page recording stopped (RN table).
    pub enum WebStopCode {
        /// `0` `ok`: the user stopped the recording.
        Ok = 0,
        /// `1` `max_recording_hour`: `maxRecordingHour` reached.
        MaxRecordingHour = 1,
        /// `2` `capability_limit`: the page uses an unsupported feature.
        CapabilityLimit = 2,
        /// `3` `start_engine_failed`: the recording engine failed to start.
        StartEngineFailed = 3,
        /// `4` `page_load_timeout`: page load timeout (with load-timeout detection on).
        PageLoadTimeout = 4,
        /// `5` `access_url_failed`: the page could not be opened.
        AccessUrlFailed = 5,
        /// `6` `recorder_error`: the recorder failed and cannot continue.
        RecorderError = 6,
    }
}

details! {
    /// One file of event 71 `fileList`. RN's prose names the key `fileName`, its example
    /// `filename` (C-D10): both are kept as received; use [`WebFile::name`].
    item struct WebFile {
        /// `fileName` (the prose's spelling): the M3U8 or MP4 file name.
        "fileName" => file_name: String,
        /// `filename` (the example's spelling).
        "filename" => filename: String,
        /// `sliceStartTime`: Unix ms when the recording started.
        "sliceStartTime" => slice_start_time: UnixMillis,
    }
}

impl WebFile {
    /// The file name under either spelling.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref().or(self.filename.as_deref())
    }
}

details! {
    /// Event 71 `web_recorder_stopped` (RN).
    pub struct WebRecorderStopped {
        /// `code`: 0 normal stop; anything else abnormal.
        "code" => code: WebStopCode,
        /// `message`: the reason (`ok`, `max_recording_hour`, …).
        "message" => message: String,
        /// `details`: a longer description (a string).
        "details" => details: String,
        /// `fileList`: the recorded files.
        "fileList" => file_list: Vec<WebFile>,
    }
}

open_str_enum! {
    /// `limitType` of event 72 (RN).
    pub enum LimitType {
        /// `resolution`: a video source above 1280 × 720.
        Resolution = "resolution",
        /// `WebGL`: the page uses WebGL.
        WebGl = "WebGL",
        /// `bandwidth`: upstream above 10 M or downstream above 1 G.
        Bandwidth = "bandwidth",
    }
}

details! {
    /// Event 72 `web_recorder_capability_limit` (RN).
    pub struct WebRecorderCapabilityLimit {
        /// `limitType`: the unsupported feature.
        "limitType" => limit_type: LimitType,
    }
}

open_str_enum! {
    /// `reason` of event 73 (RN).
    pub enum ReloadReason {
        /// `audio_silence`: audio was lost.
        AudioSilence = "audio_silence",
        /// `page_load_timeout`: page load timeout (load detection on).
        PageLoadTimeout = "page_load_timeout",
    }
}

details! {
    /// Event 73 `web_recorder_reload` (RN).
    pub struct WebRecorderReload {
        /// `reason`: why the page reloaded.
        "reason" => reason: ReloadReason,
    }
}

details! {
    /// A `{fileName}` item (events 81 and 1001).
    item struct FileName {
        /// `fileName`: an MP4 file name.
        "fileName" => file_name: String,
    }
}

open_str_enum! {
    /// `result` of event 81 (RN).
    pub enum TranscodeResult {
        /// `all_success`: every file transcoded.
        AllSuccess = "all_success",
        /// `partial_success`: some files failed.
        PartialSuccess = "partial_success",
        /// `fail`: transcoding failed.
        Fail = "fail",
    }
}

open_str_enum! {
    /// `uids[].result` of event 81 (RN).
    pub enum UidTranscodeResult {
        /// `success`.
        Success = "success",
        /// `fail`.
        Fail = "fail",
    }
}

details! {
    /// One `uids[]` entry of event 81.
    item struct TranscodedUid {
        /// `uid`: the user of the MP4 file.
        "uid" => uid: String,
        /// `result`: success or fail.
        "result" => result: UidTranscodeResult,
        /// `fileList`: the MP4 files.
        "fileList" => file_list: Vec<FileName>,
    }
}

details! {
    /// Event 81 `transcoder_completed` (RN).
    pub struct TranscoderCompleted {
        /// `result`: overall result.
        "result" => result: TranscodeResult,
        /// `uids`: per user.
        "uids" => uids: Vec<TranscodedUid>,
    }
}

details! {
    /// Event 90 `download_failed` (RN): at most once per recording.
    pub struct DownloadFailed {
        /// `vendor`: the storage vendor, as in your `start` request.
        "vendor" => vendor: i64,
        /// `region`: the storage region, as in your `start` request.
        "region" => region: i64,
        /// `bucket`: the bucket.
        "bucket" => bucket: String,
        /// `fileName`: the M3U8 / TS / WebM files that failed, separated by `;`.
        "fileName" => file_name: String,
    }
}

impl DownloadFailed {
    /// `fileName` split at `;` (empty parts dropped).
    pub fn file_names(&self) -> Vec<&str> {
        self.file_name
            .as_deref()
            .unwrap_or("")
            .split(';')
            .filter(|s| !s.is_empty())
            .collect()
    }
}

open_str_enum! {
    /// The string values of event 100 `status` (RN).
    pub enum RtmpPublishState {
        /// `connecting`: connecting to the CDN server.
        Connecting = "connecting",
        /// `publishing`: pushing to the CDN server.
        Publishing = "publishing",
        /// `onhold`: streaming paused.
        OnHold = "onhold",
        /// `disconnected`: could not connect; change the CDN address.
        Disconnected = "disconnected",
    }
}

/// Event 100 `status`: RN types it Number but lists string values (C-D9); both are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RtmpStatusValue {
    /// A string value (the documented ones).
    Text(RtmpPublishState),
    /// A number (the documented type, values unknown).
    Number(i64),
}

details! {
    /// Event 100 `rtmp_publish_status` (RN).
    pub struct RtmpPublishStatus {
        /// `rtmpUrl`: the CDN address.
        "rtmpUrl" => rtmp_url: String,
        /// `status`: the CDN streaming state.
        "status" => status: RtmpStatusValue,
    }
}

open_str_enum! {
    /// `result` of event 1001 (RN).
    pub enum PostponeResult {
        /// `total_success`: every file transcoded.
        TotalSuccess = "total_success",
        /// `partial_success`: some files failed.
        PartialSuccess = "partial_success",
        /// `failed`: transcoding failed.
        Failed = "failed",
    }
}

details! {
    /// Event 1001 `postpone_transcode_final_result` (RN).
    pub struct PostponeTranscodeFinalResult {
        /// `result`: the final result.
        "result" => result: PostponeResult,
        /// `fileList`: the MP4 files.
        "fileList" => file_list: Vec<FileName>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    /// Vector A: SV's body (with `eventMs`), 155 bytes.
    const BODY_A: &str = r#"{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}"#;
    /// Vector B: the Chinese page's body (without `eventMs`), 131 bytes.
    const BODY_B: &str = r#"{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}"#;

    #[test]
    fn official_vectors() {
        assert_eq!(BODY_A.len(), 155);
        assert_eq!(BODY_B.len(), 131);
        let s = secret("secret");
        assert_eq!(
            signature_v1(&s, BODY_A.as_bytes()),
            "033c62f40f687675f17f0f41f91a40c71c0f134c"
        );
        assert_eq!(
            signature_v2(&s, BODY_A.as_bytes()),
            "6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99"
        );
        assert_eq!(
            signature_v1(&s, BODY_B.as_bytes()),
            "5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1"
        );
        assert_eq!(
            signature_v2(&s, BODY_B.as_bytes()),
            "de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24"
        );
    }

    #[test]
    fn msg_names_round_trip() {
        for raw in [
            1, 2, 3, 4, 11, 12, 30, 31, 32, 33, 40, 41, 42, 43, 44, 45, 60, 61, 70, 71, 72, 73, 80,
            81, 90, 100, 1001,
        ] {
            let t = EventType::from_raw(raw);
            assert!(!matches!(t, EventType::Unknown(_)), "{raw}");
            let name = t.msg_name().unwrap();
            assert_eq!(EventType::from_msg_name(name), Some(t));
        }
        assert_eq!(EventType::from_raw(10).msg_name(), None);
        assert_eq!(EventType::from_msg_name("nope"), None);
    }

    #[test]
    fn leave_code_bits() {
        let c = LeaveCode(6);
        assert!(c.has(LeaveCode::SIG) && c.has(LeaveCode::NO_USERS));
        assert!(!c.has(LeaveCode::CLIENT_LEAVE) && !c.is_init_failure());
        assert!(LeaveCode(0).is_init_failure());
    }

    #[test]
    fn download_failed_names() {
        let d = DownloadFailed {
            file_name: Some("a.m3u8;b.ts;".into()),
            ..Default::default()
        };
        assert_eq!(d.file_names(), vec!["a.m3u8", "b.ts"]);
    }
}
