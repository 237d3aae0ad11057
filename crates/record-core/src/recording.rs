//! The vendor-neutral view of one recording: its state, its vendor status, its times and
//! its files, the same shape for every vendor.
//!
//! Each vendor crate converts its typed responses into a [`Recording`]; the typed response
//! stays attached ([`Recording::raw`]) so nothing the vendor said is lost.

use crate::{DurationMillis, RawCode, RecordingState, UnixMillis, Vendor};
use serde::Serialize;
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The ids that name one recording task at its vendor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TaskRef {
    /// ZEGO: the task id `StartRecord` returned (`TaskId`, 16 bytes).
    Zego {
        /// `TaskId`.
        task_id: String,
    },
    /// QingCloud RTC: a recording of one channel of one app.
    QingCloud {
        /// `app_id`.
        app_id: String,
        /// `channel`.
        channel: String,
        /// The record id (`recinfos[].id`), when known.
        record_id: Option<String>,
    },
    /// Volcengine RTC: a task of one room of one app.
    Volcengine {
        /// `AppId`.
        app_id: String,
        /// `RoomId`.
        room_id: String,
        /// `TaskId`.
        task_id: String,
    },
    /// Agora: a cloud-recording session.
    Agora {
        /// The App ID.
        app_id: String,
        /// `resourceId` from `acquire`.
        resource_id: String,
        /// `sid` from `start`.
        sid: String,
        /// The recording mode: `individual`, `mix` or `web`.
        mode: String,
        /// The channel name (`cname`) the session records, when known: `stop` and
        /// `update` need it; a query answer does not carry it.
        #[serde(skip_serializing_if = "Option::is_none")]
        cname: Option<String>,
        /// The recorder's own user id (`uid`, a string of digits) in the channel, when
        /// known: `stop` and `update` need it.
        #[serde(skip_serializing_if = "Option::is_none")]
        uid: Option<String>,
    },
}

impl TaskRef {
    /// The vendor these ids belong to.
    pub const fn vendor(&self) -> Vendor {
        match self {
            Self::Zego { .. } => Vendor::Zego,
            Self::QingCloud { .. } => Vendor::QingCloud,
            Self::Volcengine { .. } => Vendor::Volcengine,
            Self::Agora { .. } => Vendor::Agora,
        }
    }
}

impl fmt::Display for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Zego { task_id } => write!(f, "{task_id}"),
            Self::QingCloud {
                app_id,
                channel,
                record_id,
            } => {
                write!(f, "{app_id}/{channel}")?;
                if let Some(id) = record_id {
                    write!(f, "/{id}")?;
                }
                Ok(())
            }
            Self::Volcengine {
                app_id,
                room_id,
                task_id,
            } => write!(f, "{app_id}/{room_id}/{task_id}"),
            Self::Agora {
                app_id,
                resource_id,
                sid,
                mode,
                ..
            } => write!(f, "{app_id}/{resource_id}/{sid}/{mode}"),
        }
    }
}

/// A vendor's own value and what its documentation says it means: the shape of both
/// [`Recording::vendor_status`] (the vendor's status value) and [`Recording::stop_reason`]
/// (the vendor's stop reason), serialized as `{"code": …, "meaning": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorStatus {
    /// The raw value (kept even when this SDK does not know it).
    pub code: RawCode,
    /// The documented meaning, or `"undocumented value"`.
    pub meaning: String,
}

impl VendorStatus {
    /// The meaning given when the answer has no status at all (Volcengine's `Status`, Agora's
    /// `serverResponse.status`), with an empty code and the state unknown.
    pub const ABSENT_MEANING: &'static str = "no status in the answer";

    /// The status of an answer that has none: an empty code and [`Self::ABSENT_MEANING`].
    pub fn absent() -> Self {
        Self {
            code: RawCode::from(""),
            meaning: Self::ABSENT_MEANING.to_owned(),
        }
    }
}

/// A typed vendor response attached to a [`Recording`]: debuggable, serializable with the
/// vendor's field names, and downcastable back to its type with [`Recording::raw_as`].
pub trait RawResponseData: Any + fmt::Debug + Send + Sync {
    /// The response as JSON, with the vendor's field names.
    fn to_json(&self) -> serde_json::Value;
    /// For downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> RawResponseData for T {
    fn to_json(&self) -> serde_json::Value {
        vendor_json(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `value` as JSON with the vendor's field names. Serializing a derived `Serialize` of plain
/// data cannot fail; if a vendor type ever made it fail, the error text is kept rather than
/// dropped.
pub fn vendor_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| serde_json::Value::String(format!("<unserializable: {e}>")))
}

/// One recording, as any vendor reports it.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The vendor.
    pub vendor: Vendor,
    /// The vendor's ids of the task.
    pub task: TaskRef,
    /// The neutral state.
    pub state: RecordingState,
    /// The vendor's own status value and its meaning.
    pub vendor_status: VendorStatus,
    /// When the recording started (UTC, milliseconds), if the vendor says.
    pub started_at: Option<UnixMillis>,
    /// When it ended; `None` while it runs.
    pub ended_at: Option<UnixMillis>,
    /// Why it stopped, as the vendor says: the vendor's raw value and its documented
    /// meaning (Volcengine `StopReason` such as `StopByAPI`; QingCloud's name of the status
    /// that says why, such as `AutoStopping`). `None` while it runs, and for a vendor whose
    /// query API reports no reason (ZEGO, Agora).
    pub stop_reason: Option<VendorStatus>,
    /// The files produced so far.
    pub files: Vec<RecordingFile>,
    /// The typed vendor response (or list item) this view was made from.
    pub raw: Arc<dyn RawResponseData>,
}

impl Recording {
    /// The recording as it is once the vendor no longer knows it (e.g. Agora's HTTP 404
    /// after a session ended): `last` (the last observation, if any) with its state set to
    /// [`RecordingState::Gone`] and its vendor status set to the error's HTTP status (or
    /// `not_found`) and message, so the files seen last are kept.
    pub fn gone(
        vendor: Vendor,
        task: &TaskRef,
        error: &crate::Error,
        last: Option<&Recording>,
    ) -> Recording {
        let mut r = match last {
            Some(l) => l.clone(),
            None => Recording {
                vendor,
                task: task.clone(),
                state: RecordingState::Gone,
                vendor_status: VendorStatus {
                    code: RawCode::Int(0),
                    meaning: String::new(),
                },
                started_at: None,
                ended_at: None,
                stop_reason: None,
                files: Vec::new(),
                raw: Arc::new(serde_json::Value::Null),
            },
        };
        r.state = RecordingState::Gone;
        r.vendor_status = VendorStatus {
            code: error.http_status().map_or_else(
                || RawCode::Text("not_found".into()),
                |s| RawCode::Int(s.into()),
            ),
            meaning: error.to_string(),
        };
        r
    }

    /// The typed vendor response, if it is a `T`.
    ///
    /// ```
    /// use record_core::{Recording, RecordingState, RawCode, TaskRef, Vendor, VendorStatus};
    /// use std::sync::Arc;
    /// let r = Recording {
    ///     vendor: Vendor::Zego,
    ///     task: TaskRef::Zego { task_id: "t".into() },
    ///     state: RecordingState::Recording,
    ///     vendor_status: VendorStatus { code: RawCode::Int(2), meaning: "recording".into() },
    ///     started_at: None,
    ///     ended_at: None,
    ///     stop_reason: None,
    ///     files: vec![],
    ///     raw: Arc::new(serde_json::json!({"Code": 0})),
    /// };
    /// assert!(r.raw_as::<serde_json::Value>().is_some());
    /// assert!(r.raw_as::<String>().is_none());
    /// ```
    pub fn raw_as<T: 'static>(&self) -> Option<&T> {
        self.raw.as_any().downcast_ref::<T>()
    }
}

impl Serialize for Recording {
    /// The stable JSON shape: `vendor`, `task`, `state`, `vendor_status` (`code`,
    /// `meaning`), `started_at_ms`, `ended_at_ms`, `stop_reason` (`code`, `meaning`, or
    /// `null`), `files`, `raw`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Recording", 9)?;
        s.serialize_field("vendor", &self.vendor)?;
        s.serialize_field("task", &self.task)?;
        s.serialize_field("state", &self.state)?;
        s.serialize_field("vendor_status", &self.vendor_status)?;
        s.serialize_field("started_at_ms", &self.started_at)?;
        s.serialize_field("ended_at_ms", &self.ended_at)?;
        s.serialize_field("stop_reason", &self.stop_reason)?;
        s.serialize_field("files", &self.files)?;
        s.serialize_field("raw", &self.raw.to_json())?;
        s.end()
    }
}

/// One file of a recording.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RecordingFile {
    /// File name or object key in the storage.
    pub name: String,
    /// Where to download it, when the vendor gives a URL.
    pub url: Option<String>,
    /// Size in bytes.
    pub size_bytes: Option<u64>,
    /// Duration.
    #[serde(rename = "duration_ms")]
    pub duration: Option<DurationMillis>,
    /// Container or format (`mp4`, `m3u8`, …).
    pub format: Option<String>,
    /// When the file's recording started (UTC, milliseconds).
    #[serde(rename = "started_at_ms")]
    pub started_at: Option<UnixMillis>,
    /// The file's own state where the vendor tracks one (ZEGO: recording, uploading,
    /// uploaded, failed).
    pub state: Option<RecordingState>,
    /// Something the caller should know about this file (ZEGO: uploaded to ZEGO's backup
    /// storage, kept 3 days only).
    pub warning: Option<String>,
    /// The vendor's extra ids and flags, by the vendor's field name (ZEGO `VideoId`,
    /// Volcengine `Vid`, Agora `trackType`, `uid`, `isPlayable`, …).
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl RecordingFile {
    /// The format named by the extension of the last path segment of `name`, lower-cased
    /// (`abc/efg/123.MP4` → `mp4`): 1 to 8 ASCII letters or digits after a `.` that does not
    /// start the segment. `None` otherwise (a key prefix such as `CloudRecordMedia/`, a
    /// dot-file, an id).
    ///
    /// ```
    /// use record_core::RecordingFile;
    /// assert_eq!(RecordingFile::format_from_name("abc/efg/123.MP4").as_deref(), Some("mp4"));
    /// assert_eq!(RecordingFile::format_from_name("CloudRecordMedia/"), None);
    /// assert_eq!(RecordingFile::format_from_name(".hidden"), None);
    /// assert_eq!(RecordingFile::format_from_name("a.toolongextension"), None);
    /// ```
    pub fn format_from_name(name: &str) -> Option<String> {
        let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let (stem, ext) = last.rsplit_once('.')?;
        let plausible = !stem.is_empty()
            && (1..=8).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric());
        plausible.then(|| ext.to_ascii_lowercase())
    }
}

/// A vendor answer (or one item of a listing) that describes one recording: the one
/// conversion signature every vendor crate implements for its typed responses.
///
/// `task` names the recording the answer is about and supplies the ids the answer does not
/// repeat (a ZEGO DescribeRecordStatus answer carries no `TaskId`, an Agora query answer no
/// App ID or mode). Where the answer carries an id itself (a QingCloud item's record id, a
/// ZEGO list item's `TaskId`), the answer's id is the one kept.
pub trait ToRecording {
    /// The vendor-neutral view of this answer for `task`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) (parameter `task`)
    /// when `task` belongs to another vendor; the vendor's error when the answer is an
    /// error answer; [`ErrorKind::Decode`](crate::ErrorKind::Decode) when it lacks what a
    /// recording needs (e.g. a state).
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, crate::Error>;
}

/// One page of a vendor's listing: every recording on it, for the request that fetched it
/// (which supplies the ids the items do not repeat, such as QingCloud's app and channel).
pub trait ToRecordings {
    /// The request whose answer this is.
    type Request;

    /// The vendor-neutral view of every item of this page, in order.
    ///
    /// # Errors
    /// As [`ToRecording::to_recording`], for the first item that fails.
    fn to_recordings(&self, request: &Self::Request) -> Result<Vec<Recording>, crate::Error>;
}
