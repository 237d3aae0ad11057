//! The vendor-neutral view of ZEGO recordings: [`DescribeRecordStatusResponse::to_recording`],
//! [`TaskSummary::to_recording`] (and [`DescribeTasksResponse::to_recordings`]), the lazy
//! task walker [`Client::describe_tasks_stream`], and `impl RecordingQuery for Client`.
//!
//! The mapping tables are on the public conversions:
//! [`DescribeRecordStatusResponse::to_recording`], [`RecordFile::to_recording_file`],
//! [`TaskSummary::to_recording`], and the state rule on [`TaskStatus::refined_state`].

use crate::validation::DESCRIBE_TASKS_MAX_WINDOW;
use crate::{
    Client, DescribeRecordStatusRequest, DescribeRecordStatusResponse, DescribeTasksRequest,
    DescribeTasksResponse, FileStatus, RecordFile, RecordStatus, TaskStatus, TaskSummary, VENDOR,
    endpoints,
};
use futures::future;
use futures::stream::{self, StreamExt as _, TryStreamExt as _};
use record_core::{
    Capabilities, Error, ErrorKind, ListFilter, ListStatus, RawCode, Recording, RecordingFile,
    RecordingQuery, RecordingState, RecordingStream, TaskRef, ToRecording, ToRecordings,
    UnixMillis, Vendor, VendorStatus, unsupported, wrong_vendor,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The largest `PageSize` of DescribeTasks (spec: `PageSize` 1..=50; 该值需小于等于 50).
pub const LIST_MAX_PAGE_SIZE: u32 = 50;

/// The widest DescribeTasks window: `EndTime - StartTime` ≤ 3 days
/// ([`DESCRIBE_TASKS_MAX_WINDOW`]).
pub const LIST_MAX_WINDOW: Duration = Duration::from_millis(DESCRIBE_TASKS_MAX_WINDOW.0 as u64);

/// How far back ZEGO answers at all: DescribeRecordStatus only knows tasks whose recording
/// started within 3 days of the call, and DescribeTasks' `StartTime` must not be earlier
/// than 3 days ago.
pub const QUERY_HORIZON: Duration = Duration::from_millis(DESCRIBE_TASKS_MAX_WINDOW.0 as u64);

/// The `warning` of a file with `Status` 4: it is complete, but in ZEGO's backup storage
/// rather than the customer's, and ZEGO keeps it there for 3 days only.
pub const BACKUP_STORAGE_WARNING: &str = "the upload to your cloud storage failed; the file is in ZEGO backup storage, which keeps it for 3 days only: download it in time";

const DRS: &str = "DescribeRecordStatus";

/// The task a list item is converted for: no id, so the item's own `TaskId` is the one.
static ANY_TASK: TaskRef = TaskRef::Zego {
    task_id: String::new(),
};
const DT: &str = "DescribeTasks";

impl TaskStatus {
    /// The vendor status of the neutral view: the raw code and the documented meaning
    /// (`"undocumented value"` for [`TaskStatus::Unknown`], which keeps its code).
    pub fn vendor_status(&self) -> VendorStatus {
        VendorStatus {
            code: RawCode::Int(self.raw()),
            meaning: self.meaning().to_owned(),
        }
    }

    /// The neutral state of a task in this status with these files: the spec's
    /// [`base_state`](TaskStatus::base_state), except that 3 (ended) is
    /// [`Processing`](RecordingState::Processing) while any file is still recording (1) or
    /// uploading (2), [`Failed`](RecordingState::Failed) when no file is in progress and
    /// one failed to upload (5), and [`Completed`](RecordingState::Completed) otherwise
    /// (files in ZEGO's backup storage, 4, count as completed).
    pub fn refined_state(&self, files: &[RecordFile]) -> RecordingState {
        if *self != TaskStatus::Ended {
            return self.base_state();
        }
        let has = |wanted: &[FileStatus]| {
            files
                .iter()
                .any(|f| f.status.is_some_and(|s| wanted.contains(&s)))
        };
        if has(&[FileStatus::Recording, FileStatus::Uploading]) {
            RecordingState::Processing
        } else if has(&[FileStatus::UploadFailed]) {
            RecordingState::Failed
        } else {
            RecordingState::Completed
        }
    }
}

impl RecordStatus {
    /// The neutral state of the task: [`TaskStatus::refined_state`] with the task's files;
    /// [`Unknown`](RecordingState::Unknown) when the answer has no `Status`.
    pub fn recording_state(&self) -> RecordingState {
        self.status.map_or(RecordingState::Unknown, |s| {
            s.refined_state(self.record_files.as_deref().unwrap_or_default())
        })
    }
}

impl RecordFile {
    /// The neutral view of this file:
    ///
    /// | ZEGO | neutral |
    /// |---|---|
    /// | `FileId` (else the last path segment of `FileUrl`, else empty) | `name` |
    /// | `FileUrl` (absent for Qiniu and Alibaba Cloud VOD) | `url` |
    /// | `FileSize` (bytes) | `size_bytes` |
    /// | `Duration` (ms) | `duration` |
    /// | `OutputFileFormat` (its raw text, kept when undocumented), else the extension of `name`, lowercase | `format` |
    /// | `BeginTimestamp` (ms) | `started_at` (`0` → `None`) |
    /// | `Status` | `state` (the spec's [`FileStatus::base_state`]); `warning` = [`BACKUP_STORAGE_WARNING`] for 4 (ZEGO backup storage, kept 3 days) |
    /// | `FileId`, `VideoId`, `UserId`, `UserName`, `StreamId`, `MediaTrackType` (raw integer), `ResolutionWidth`, `ResolutionHeight`, `Status` (raw integer) | `extra`, under those names, when present |
    pub fn to_recording_file(&self) -> RecordingFile {
        let name = self
            .file_id
            .clone()
            .or_else(|| self.file_url.as_deref().and_then(last_path_segment))
            .unwrap_or_default();
        let format = match &self.output_file_format {
            Some(f) => Some(f.raw().to_owned()),
            None => RecordingFile::format_from_name(&name),
        };
        let mut extra = BTreeMap::new();
        let mut put = |key: &str, value: Option<serde_json::Value>| {
            if let Some(v) = value {
                extra.insert(key.to_owned(), v);
            }
        };
        put("FileId", self.file_id.clone().map(Into::into));
        put("VideoId", self.video_id.clone().map(Into::into));
        put("UserId", self.user_id.clone().map(Into::into));
        put("UserName", self.user_name.clone().map(Into::into));
        put("StreamId", self.stream_id.clone().map(Into::into));
        put(
            "MediaTrackType",
            self.media_track_type.map(|t| t.raw().into()),
        );
        put("ResolutionWidth", self.resolution_width.map(Into::into));
        put("ResolutionHeight", self.resolution_height.map(Into::into));
        put("Status", self.status.map(|s| s.raw().into()));
        RecordingFile {
            name,
            url: self.file_url.clone(),
            size_bytes: self.file_size,
            duration: self.duration,
            format,
            started_at: positive(self.begin_timestamp),
            state: self.status.map(|s| s.base_state()),
            warning: (self.status == Some(FileStatus::UploadedToBackup))
                .then(|| BACKUP_STORAGE_WARNING.to_owned()),
            extra,
        }
    }
}

impl ToRecording for DescribeRecordStatusResponse {
    /// The neutral view of this answer for the task `task_id` (the answer itself does not
    /// repeat the id):
    ///
    /// | ZEGO | neutral |
    /// |---|---|
    /// | the caller's `task_id` | `task`: `TaskRef::Zego { task_id }` |
    /// | `Data.Status` (+ `RecordFiles[].Status`) | `state` ([`TaskStatus::refined_state`]), `vendor_status` (raw code and documented meaning; `"undocumented value"` for an unknown code) |
    /// | `Data.RecordBeginTimestamp` (ms) | `started_at` (`0` → `None`) |
    /// | `Data.RecordEndTimestamp` (ms) | `ended_at`, only when `Status` is 3 (ended) or 4 (ended abnormally); ZEGO may send `0` while a task runs: `0` → `None` |
    /// | — | `stop_reason`: always `None` (the query API reports no stop reason; ZEGO documents one, `quit_reason`, only in its end-of-recording callback, which this crate does not receive) |
    /// | `Data.RecordFiles[]` (absent in snapshot mode, or when nothing was published) | `files`, one each ([`RecordFile::to_recording_file`]) |
    /// | the whole response (`Code`, `Message`, `RequestId`, `RoomId`, `RecordMode`, `StreamType`, every file field) | `raw` (this [`DescribeRecordStatusResponse`], via [`Recording::raw_as`]) |
    ///
    /// Keys the docs do not define are not kept by the typed model, so they are not in
    /// `raw` either.
    ///
    /// # Errors
    ///
    /// For an error envelope (`Code` ≠ 0), the error its code means (kind and retryability
    /// from [`ERROR_CODES`](crate::ERROR_CODES), carrying the code, `Message` and
    /// `RequestId`); an [`ErrorKind::Decode`] error for a success envelope without `Data`
    /// or without `Data.Status`.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Zego { task_id } = task else {
            return Err(wrong_vendor(VENDOR, task));
        };
        let request_id = self.request_id.as_deref();
        if self.code != 0 {
            return Err(crate::client::envelope_error(
                None,
                self.code,
                self.message.clone(),
                self.request_id.clone(),
            )
            .with_vendor(VENDOR)
            .with_action(DRS));
        }
        let Some(data) = &self.data else {
            return Err(decode_error(
                "a success answer (Code 0) without Data",
                request_id,
                DRS,
            ));
        };
        let Some(status) = data.status else {
            return Err(decode_error(
                "a success answer (Code 0) without Data.Status",
                request_id,
                DRS,
            ));
        };
        let ended = matches!(status, TaskStatus::Ended | TaskStatus::EndedAbnormally);
        Ok(Recording {
            vendor: VENDOR,
            task: TaskRef::Zego {
                task_id: task_id.clone(),
            },
            state: data.recording_state(),
            vendor_status: status.vendor_status(),
            started_at: positive(data.record_begin_timestamp),
            ended_at: if ended {
                positive(data.record_end_timestamp)
            } else {
                None
            },
            stop_reason: None,
            files: data
                .record_files
                .iter()
                .flatten()
                .map(RecordFile::to_recording_file)
                .collect(),
            raw: Arc::new(self.clone()),
        })
    }
}

impl ToRecording for TaskSummary {
    /// The neutral view of one DescribeTasks item:
    ///
    /// | ZEGO | neutral |
    /// |---|---|
    /// | `TaskId` | `task`: `TaskRef::Zego { task_id }` |
    /// | `Status` | `state` ([`TaskStatus::refined_state`] without files, i.e. the base state: an ended task is `completed` even if its files are still uploading, which only DescribeRecordStatus tells), `vendor_status` |
    /// | `RecordBeginTimestamp` (ms) | `started_at` (`0` → `None`) |
    /// | — | `ended_at`: `None` (the list does not say when a task ended); `stop_reason`: `None`; `files`: empty |
    /// | the item (`RoomId` included) | `raw` (this [`TaskSummary`]) |
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Decode`] error when the item has no `TaskId` or no `Status`.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Zego { task_id: asked } = task else {
            return Err(wrong_vendor(VENDOR, task));
        };
        let Some(task_id) = self
            .task_id
            .as_ref()
            .or((!asked.is_empty()).then_some(asked))
        else {
            return Err(decode_error("a task list item without TaskId", None, DT));
        };
        let Some(status) = self.status else {
            return Err(decode_error(
                format!("the task list item {task_id} has no Status"),
                None,
                DT,
            ));
        };
        Ok(Recording {
            vendor: VENDOR,
            task: TaskRef::Zego {
                task_id: task_id.clone(),
            },
            state: status.refined_state(&[]),
            vendor_status: status.vendor_status(),
            started_at: positive(self.record_begin_timestamp),
            ended_at: None,
            stop_reason: None,
            files: Vec::new(),
            raw: Arc::new(self.clone()),
        })
    }
}

impl ToRecordings for DescribeTasksResponse {
    type Request = DescribeTasksRequest;

    /// The neutral view of every task of this page ([`TaskSummary::to_recording`]); empty
    /// when the list is empty or absent.
    ///
    /// # Errors
    ///
    /// As for [`DescribeRecordStatusResponse::to_recording`], and the first item's error.
    fn to_recordings(&self, _request: &DescribeTasksRequest) -> Result<Vec<Recording>, Error> {
        let request_id = self.request_id.as_deref();
        if self.code != 0 {
            return Err(crate::client::envelope_error(
                None,
                self.code,
                self.message.clone(),
                self.request_id.clone(),
            )
            .with_vendor(VENDOR)
            .with_action(DT));
        }
        let Some(data) = &self.data else {
            return Err(decode_error(
                "a success answer (Code 0) without Data",
                request_id,
                DT,
            ));
        };
        data.task_list
            .iter()
            .flatten()
            .map(|item| item.to_recording(&ANY_TASK))
            .collect()
    }
}

impl Client {
    /// The first DescribeTasks request of [`RecordingQuery::list`] for `filter`.
    fn list_request(&self, filter: &ListFilter) -> Result<DescribeTasksRequest, Error> {
        if filter.app_id.is_some() {
            return Err(unsupported(
                VENDOR,
                "the `app_id` filter (a client lists the tasks of the AppId it signs with)",
            ));
        }
        let mut builder = DescribeTasksRequest::builder();
        if let Some(status) = filter.status {
            builder = builder.status(match status {
                ListStatus::Recording => TaskStatus::Recording,
                ListStatus::Ended => TaskStatus::Ended,
            });
        }
        if let Some(room) = &filter.room {
            builder = builder.room_id(room.clone());
        }
        if let Some(window) = filter.window {
            builder = builder.start_time(window.start).end_time(window.end);
        }
        if let Some(size) = filter.page_size {
            builder = builder.page_size(size);
        }
        builder.build_with_clock(self.clock()).map_err(filter_error)
    }
}

#[async_trait::async_trait]
impl RecordingQuery for Client {
    fn vendor(&self) -> Vendor {
        VENDOR
    }

    /// Get and list; listing requires a status and a window (at most 3 days, starting no
    /// earlier than 3 days ago), can filter by room, pages of at most 50; 10 requests per
    /// second per action.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            get: true,
            list: true,
            list_by_room: true,
            list_requires_room: false,
            list_requires_status: true,
            list_max_window: Some(LIST_MAX_WINDOW),
            list_max_page_size: Some(LIST_MAX_PAGE_SIZE),
            query_horizon: Some(QUERY_HORIZON),
            rate_limit_per_sec: endpoints::DESCRIBE_RECORD_STATUS.rate_limit_per_sec,
            not_found_means_gone: false,
            control: CONTROL,
        }
    }

    /// `DescribeRecordStatus` for `TaskRef::Zego { task_id }`, converted with
    /// [`DescribeRecordStatusResponse::to_recording`].
    async fn get(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Zego { task_id } = task else {
            return Err(wrong_vendor(VENDOR, task));
        };
        let request = DescribeRecordStatusRequest::builder()
            .task_id(task_id.clone())
            .build_with_clock(self.clock())?;
        let response = self.describe_record_status(&request).await?;
        response.to_recording(task)
    }

    /// [`Client::describe_tasks_stream`] for the filter, each item converted with
    /// [`TaskSummary::to_recording`]. `status` (Recording → 2, Ended → 3) and `window` are
    /// required, `room` and `page_size` optional; `app_id` is not supported. A filter the
    /// request builder refuses yields one [`ErrorKind::InvalidRequest`] error naming the
    /// filter field (`status`, `window`, `room`, `page_size`), its message naming ZEGO's
    /// parameter.
    fn list(&self, filter: &ListFilter) -> RecordingStream<'_> {
        match self.list_request(filter) {
            Ok(request) => self
                .describe_tasks_stream(request)
                .and_then(|task| future::ready(task.to_recording(&ANY_TASK)))
                .boxed(),
            Err(e) => stream::once(future::ready(Err(e))).boxed(),
        }
    }
}

/// A builder error for a [`ListFilter`], renamed after the filter field that caused it.
fn filter_error(e: Error) -> Error {
    let field = match e.parameter() {
        Some("Status") => "status",
        Some("RoomId") => "room",
        Some("StartTime" | "EndTime") => "window",
        Some("PageSize") => "page_size",
        _ => return e,
    };
    let message = format!(
        "ZEGO `{}` {}",
        e.parameter().unwrap_or_default(),
        e.message()
    );
    Error::invalid_parameter(field, message)
        .with_vendor(VENDOR)
        .with_action(DT)
        .with_source(e)
}

/// A [`ErrorKind::Decode`] error: the answer lacks what the conversion needs.
fn decode_error(
    what: impl Into<std::borrow::Cow<'static, str>>,
    request_id: Option<&str>,
    action: &'static str,
) -> Error {
    let mut e = Error::new(ErrorKind::Decode, what)
        .with_vendor(VENDOR)
        .with_action(action);
    if let Some(id) = request_id {
        e = e.with_request_id(id);
    }
    e
}

/// A timestamp, or `None` for ZEGO's `0` ("not yet") and for negative values.
fn positive(t: Option<UnixMillis>) -> Option<UnixMillis> {
    t.filter(|t| t.0 > 0)
}

/// The last path segment of a URL (`https://h/a/b.mp4?x=1` → `b.mp4`), if not empty.
fn last_path_segment(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    let last = url.path_segments()?.next_back()?;
    (!last.is_empty()).then(|| last.to_owned())
}

impl crate::StartRecordResponse {
    /// The task this start created (`Data.TaskId`), as the [`TaskRef`] every other
    /// operation, query and callback names it by.
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] when a success answer carries no `Data.TaskId`.
    pub fn task_ref(&self) -> Result<TaskRef, Error> {
        match self.data.as_ref().and_then(|d| d.task_id.as_ref()) {
            Some(task_id) if !task_id.is_empty() => Ok(TaskRef::Zego {
                task_id: task_id.clone(),
            }),
            _ => Err(decode_error(
                "a StartRecord success answer without Data.TaskId",
                self.request_id.as_deref(),
                "StartRecord",
            )),
        }
    }
}

/// The control capabilities: every lifecycle operation (pause and resume apply to mixed
/// recordings only; ZEGO answers an error for a single-stream task).
pub const CONTROL: record_core::ControlCapabilities = record_core::ControlCapabilities {
    start: true,
    stop: true,
    pause: true,
    resume: true,
    update_layout: true,
};

impl Client {
    /// The `TaskId` of a ZEGO task reference.
    fn task_id_of(task: &TaskRef) -> Result<&str, Error> {
        match task {
            TaskRef::Zego { task_id } => Ok(task_id),
            other => Err(wrong_vendor(VENDOR, other)),
        }
    }
}

#[async_trait::async_trait]
impl record_core::RecordingControl for Client {
    /// [`CONTROL`]: start (vendor-typed, [`Client::start_record`]), stop, pause, resume and
    /// layout updates.
    fn control_capabilities(&self) -> record_core::ControlCapabilities {
        CONTROL
    }

    /// [`Client::stop_record`]: `AlreadyStopped` (code 300001001 kept) when the task had
    /// already ended before this call.
    async fn stop(&self, task: &TaskRef) -> Result<record_core::Stopped, Error> {
        let request = crate::StopRecordRequest::builder()
            .task_id(Self::task_id_of(task)?)
            .build_with_clock(self.clock())?;
        let answer = self.stop_record(&request).await?;
        let response = answer.response;
        Ok(record_core::Stopped {
            outcome: answer.outcome,
            task: task.clone(),
            request_id: response.request_id.clone(),
            vendor_code: (response.code != 0).then(|| response.code.to_string()),
            recording: None,
            raw: Arc::new(response),
        })
    }

    /// [`Client::pause_record`] (mixed recordings only).
    async fn pause(&self, task: &TaskRef) -> Result<record_core::Controlled, Error> {
        let request = crate::PauseRecordRequest::builder()
            .task_id(Self::task_id_of(task)?)
            .build_with_clock(self.clock())?;
        let response = self.pause_record(&request).await?;
        Ok(record_core::Controlled {
            task: task.clone(),
            request_id: response.request_id.clone(),
            raw: Arc::new(response),
        })
    }

    /// [`Client::resume_record`].
    async fn resume(&self, task: &TaskRef) -> Result<record_core::Controlled, Error> {
        let request = crate::ResumeRecordRequest::builder()
            .task_id(Self::task_id_of(task)?)
            .build_with_clock(self.clock())?;
        let response = self.resume_record(&request).await?;
        Ok(record_core::Controlled {
            task: task.clone(),
            request_id: response.request_id.clone(),
            raw: Arc::new(response),
        })
    }

    /// [`Client::update_layout`] with `layout` as UpdateLayout's body in ZEGO's field names;
    /// its `TaskId` is the task's (a different one is refused, naming `$.TaskId`).
    async fn update_layout(
        &self,
        task: &TaskRef,
        layout: &serde_json::Value,
    ) -> Result<record_core::Controlled, Error> {
        let task_id = Self::task_id_of(task)?;
        let request = update_layout_body(task_id, layout)?;
        let request = crate::UpdateLayoutRequest::from_json_with_clock(
            &request,
            record_core::UnknownFields::Refuse,
            self.clock(),
        )?;
        let response = self.update_layout(&request).await?;
        Ok(record_core::Controlled {
            task: task.clone(),
            request_id: response.request_id.clone(),
            raw: Arc::new(response),
        })
    }
}

/// The UpdateLayout body for `task_id`: `layout` with `TaskId` set (a `TaskId` it already
/// has must be the same).
///
/// # Errors
/// [`ErrorKind::InvalidRequest`] naming `$` when `layout` is not an object, `$.TaskId`
/// when it names another task.
pub fn update_layout_body(task_id: &str, layout: &serde_json::Value) -> Result<Vec<u8>, Error> {
    let Some(fields) = layout.as_object() else {
        return Err(
            Error::invalid_parameter("$", "the layout must be a JSON object")
                .with_vendor(VENDOR)
                .with_action("UpdateLayout"),
        );
    };
    let mut fields = fields.clone();
    match fields.get("TaskId") {
        Some(serde_json::Value::String(given)) if given == task_id => {}
        Some(_) => {
            return Err(Error::invalid_parameter(
                "$.TaskId",
                "names another task than the one to update (leave it out, or give the same)",
            )
            .with_vendor(VENDOR)
            .with_action("UpdateLayout"));
        }
        None => {
            fields.insert(
                "TaskId".to_owned(),
                serde_json::Value::String(task_id.to_owned()),
            );
        }
    }
    serde_json::to_vec(&fields).map_err(|e| {
        Error::new(ErrorKind::InvalidRequest, "the layout cannot be serialized").with_source(e)
    })
}
