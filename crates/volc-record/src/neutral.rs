//! The vendor-neutral view of a Volcengine recording task: [`GetRecordTaskResponse`] and
//! [`RecordTask`] as a [`record_core::Recording`], and the [`RecordingQuery`] implementation
//! of [`Client`].
//!
//! The mapping is documented on [`GetRecordTaskResponse::to_recording`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use record_core::{
    Capabilities, Error, ErrorKind, ListFilter, RawCode, Recording, RecordingFile, RecordingQuery,
    RecordingState, RecordingStream, TaskRef, ToRecording, Vendor, VendorStatus, unsupported,
    wrong_vendor,
};
use serde_json::Value;

use crate::{
    Client, GetRecordTaskRequest, GetRecordTaskResponse, RecordFile, RecordTask, StopReason,
    TaskStatus, VENDOR, endpoints,
};

/// How far back a task can be queried: GetRecordTask answers for tasks started within the
/// last 72 hours (此接口适用于查询 72 小时内启动的录制任务).
pub const QUERY_HORIZON: Duration = Duration::from_secs(72 * 60 * 60);

impl ToRecording for GetRecordTaskResponse {
    /// The vendor-neutral view of this answer, for the task (`TaskRef::Volcengine { app_id,
    /// room_id, task_id }`) it answers (the answer itself does not repeat the ids). The whole typed answer is
    /// kept in [`Recording::raw`] (`raw_as::<GetRecordTaskResponse>()`).
    ///
    /// ```
    /// use record_core::{RecordingState, UnixMillis};
    /// use volc_record::{GetRecordTaskResponse, TaskRef, ToRecording as _};
    ///
    /// let body = r#"{
    ///     "Result": {"RecordTask": {"StartTime": 1718781186000, "EndTime": 0, "Status": 2,
    ///                               "StopReason": "", "RecordFileList": []}},
    ///     "ResponseMetadata": {"RequestId": "r1", "Action": "GetRecordTask",
    ///                          "Version": "2023-11-01", "Service": "rtc", "Region": "cn-north-1"}
    /// }"#;
    /// let response: GetRecordTaskResponse = serde_json::from_str(body)?;
    /// let task = TaskRef::Volcengine {
    ///     app_id: "app".into(),
    ///     room_id: "room".into(),
    ///     task_id: "task".into(),
    /// };
    /// let recording = response.to_recording(&task)?;
    /// assert_eq!(recording.task, task);
    /// assert_eq!(recording.state, RecordingState::Recording);
    /// assert_eq!(recording.started_at, Some(UnixMillis(1_718_781_186_000)));
    /// assert_eq!(recording.ended_at, None);
    /// assert!(recording.raw_as::<GetRecordTaskResponse>().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Mapping
    ///
    /// | Volcengine (`Result.RecordTask`) | [`Recording`] |
    /// |---|---|
    /// | `Status`, refined by `StopReason` ([`RecordTask::recording_state`]) | `state` |
    /// | `Status` (raw integer, documented meaning or "undocumented value"; absent: code `""`, meaning [`VendorStatus::ABSENT_MEANING`], state unknown) | `vendor_status` |
    /// | `app_id`, `room_id`, `task_id` given here | `task` ([`TaskRef::Volcengine`]), `vendor` |
    /// | `StartTime` (ms; `0` = not reported) | `started_at` |
    /// | `EndTime` (ms; `0` = not ended; always `None` while starting or recording) | `ended_at` |
    /// | `StopReason` (raw string as `code`, documented meaning or "undocumented value" as `meaning`; `""` = not ended, and absent → `None`) | `stop_reason` |
    /// | `RecordFileList[]` | `files` |
    /// | the whole typed answer, `ResponseMetadata` included | `raw` |
    ///
    /// | `RecordFileList[]` | [`RecordingFile`] |
    /// |---|---|
    /// | `ObjectKey`, else `Vid` | `name` |
    /// | extension of `ObjectKey` (`mp4`, `m3u8`, …) | `format` |
    /// | `Size` (bytes) | `size_bytes` |
    /// | `Duration` (ms) | `duration` |
    /// | `StartTime` (ms) | `started_at` |
    /// | `Vid`, `StreamList`, `VideoCodec`, `AudioCodec`, `VideoWidth`, `VideoHeight` | `extra`, by vendor field name |
    ///
    /// Volcengine gives no download URL and no per-file state, so `url` and `state` are `None`;
    /// no file carries a `warning`.
    ///
    /// # Errors
    ///
    /// The vendor's error ([`GetRecordTaskResponse::to_error`], without an HTTP status)
    /// when `ResponseMetadata.Error` is present;
    /// [`Decode`](ErrorKind::Decode) when a successful answer carries no
    /// `Result.RecordTask`.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        if !matches!(task, TaskRef::Volcengine { .. }) {
            return Err(wrong_vendor(VENDOR, task));
        }
        if let Some(error) = self.to_error(None) {
            return Err(error);
        }
        let Some(record_task) = self.record_task() else {
            return Err(Error::new(
                ErrorKind::Decode,
                "the answer reports no error but carries no Result.RecordTask",
            )
            .with_vendor(VENDOR)
            .with_action(endpoints::GET_RECORD_TASK.name)
            .with_request_id(self.response_metadata.request_id.clone()));
        };
        Ok(record_task.recording_with(task.clone(), Arc::new(self.clone())))
    }
}

impl ToRecording for RecordTask {
    /// The vendor-neutral view of this task, for the ids in `task`. [`Recording::raw`]
    /// holds this task alone (`raw_as::<RecordTask>()`); prefer
    /// [`GetRecordTaskResponse::to_recording`], which keeps the whole answer (request id
    /// included).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] (parameter `task`) for a task of another vendor.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        if !matches!(task, TaskRef::Volcengine { .. }) {
            return Err(wrong_vendor(VENDOR, task));
        }
        Ok(self.recording_with(task.clone(), Arc::new(self.clone())))
    }
}

impl RecordTask {
    /// The view, with `raw` attached as is.
    fn recording_with(
        &self,
        task: TaskRef,
        raw: Arc<dyn record_core::RawResponseData>,
    ) -> Recording {
        let state = self.recording_state();
        let not_ended = matches!(state, RecordingState::Starting | RecordingState::Recording);
        Recording {
            vendor: Vendor::Volcengine,
            task,
            state,
            vendor_status: vendor_status(self.status),
            started_at: self.start_time.filter(|t| t.0 != 0),
            ended_at: if not_ended { None } else { self.ended_at() },
            stop_reason: self.stop_reason.as_ref().and_then(neutral_stop_reason),
            files: self
                .record_file_list
                .iter()
                .flatten()
                .map(RecordFile::to_recording_file)
                .collect(),
            raw,
        }
    }
}

impl RecordFile {
    /// The vendor-neutral view of this file (see the mapping table of
    /// [`GetRecordTaskResponse::to_recording`]).
    pub fn to_recording_file(&self) -> RecordingFile {
        let mut extra = BTreeMap::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                extra.insert(key.to_owned(), value);
            }
        };
        put("Vid", self.vid.clone().map(Value::String));
        put(
            "StreamList",
            self.stream_list.as_ref().map(record_core::vendor_json),
        );
        put("VideoCodec", self.video_codec.clone().map(Value::String));
        put("AudioCodec", self.audio_codec.clone().map(Value::String));
        put("VideoWidth", self.video_width.map(Value::from));
        put("VideoHeight", self.video_height.map(Value::from));
        RecordingFile {
            name: self
                .object_key
                .clone()
                .or_else(|| self.vid.clone())
                .unwrap_or_default(),
            url: None,
            size_bytes: self.size,
            duration: self.duration,
            format: self
                .object_key
                .as_deref()
                .and_then(RecordingFile::format_from_name),
            started_at: self.start_time,
            state: None,
            warning: None,
            extra,
        }
    }
}

/// The raw `Status` and its documented meaning ("undocumented value" for an unknown one).
fn vendor_status(status: Option<TaskStatus>) -> VendorStatus {
    match status {
        Some(status) => VendorStatus {
            code: RawCode::Int(status.raw()),
            meaning: status.meaning().to_owned(),
        },
        None => VendorStatus::absent(),
    }
}

/// The neutral stop reason: the raw `StopReason` and its documented meaning
/// ("undocumented value" for an unknown one, which keeps its raw text), and `None` for `""`
/// (the task has not ended, so it has no stop reason).
fn neutral_stop_reason(reason: &StopReason) -> Option<VendorStatus> {
    match reason {
        StopReason::NotEnded => None,
        other => Some(VendorStatus {
            code: RawCode::Text(other.raw().to_owned()),
            meaning: other.meaning().to_owned(),
        }),
    }
}

#[async_trait::async_trait]
impl RecordingQuery for Client {
    /// [`Vendor::Volcengine`].
    fn vendor(&self) -> Vendor {
        VENDOR
    }

    /// Get only (Volcengine has no list API), tasks started within the last 72 hours, 60
    /// requests per second (per account, shared by all its AppIds).
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            get: true,
            list: false,
            query_horizon: Some(QUERY_HORIZON),
            rate_limit_per_sec: endpoints::GET_RECORD_TASK.rate_limit_per_sec,
            ..Capabilities::default()
        }
    }

    /// [`Client::get_record_task`] for a [`TaskRef::Volcengine`], as a [`Recording`]
    /// ([`GetRecordTaskResponse::to_recording`]).
    async fn get(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Volcengine {
            app_id,
            room_id,
            task_id,
        } = task
        else {
            return Err(wrong_vendor(VENDOR, task));
        };
        let request = GetRecordTaskRequest::builder()
            .app_id(app_id.as_str())
            .room_id(room_id.as_str())
            .task_id(task_id.as_str())
            .build()?;
        self.get_record_task(&request).await?.to_recording(task)
    }

    /// One [`Unsupported`](ErrorKind::Unsupported) error: Volcengine has no API that
    /// lists recording tasks.
    fn list(&self, _filter: &ListFilter) -> RecordingStream<'_> {
        futures::stream::once(async { Err(unsupported(VENDOR, "listing recordings")) }).boxed()
    }
}

/// Nothing yet: this crate does not send Volcengine's StartRecord, StopRecord and
/// UpdateRecord yet, so every control operation is `Unsupported` (the trait's defaults) and
/// nothing is sent.
impl record_core::RecordingControl for Client {}

#[cfg(test)]
mod tests {
    use super::*;
    use record_core::UnixMillis;

    #[test]
    fn formats_come_from_plain_extensions_only() {
        let cases = [
            ("abc/efg/123.mp4", Some("mp4")),
            ("record/Room1/Task1/Task1.m3u8", Some("m3u8")),
            ("a.b/c.TS", Some("ts")),
            ("a.b/c", None),
            ("noext", None),
            ("dir/.hidden", None),
            ("trailing.", None),
            ("weird.mp4?x", None),
            ("", None),
        ];
        for (key, want) in cases {
            assert_eq!(
                RecordingFile::format_from_name(key).as_deref(),
                want,
                "{key}"
            );
        }
    }

    #[test]
    fn an_absent_status_is_unknown_with_an_empty_code() {
        let task = RecordTask {
            start_time: Some(UnixMillis(0)),
            end_time: Some(UnixMillis(5)),
            status: None,
            stop_reason: None,
            record_file_list: None,
        };
        let recording = task.to_recording(&TaskRef::Volcengine {
            app_id: "a".into(),
            room_id: "r".into(),
            task_id: "t".into(),
        });
        let recording = match recording {
            Ok(r) => r,
            Err(e) => panic!("a Volcengine task converts: {e}"),
        };
        assert_eq!(recording.state, RecordingState::Unknown);
        assert_eq!(recording.started_at, None, "StartTime 0 is not a time");
        assert_eq!(recording.ended_at, Some(UnixMillis(5)));
        assert!(recording.files.is_empty());
        assert!(recording.raw_as::<RecordTask>().is_some());
        assert_eq!(
            vendor_status(None),
            VendorStatus {
                code: RawCode::Text(String::new()),
                meaning: VendorStatus::ABSENT_MEANING.to_owned(),
            }
        );
    }
}
