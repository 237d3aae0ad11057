//! The vendor-neutral view of an Agora `query` answer ([`record_core::Recording`]) and the
//! [`record_core::RecordingQuery`] implementation of [`Client`].
//!
//! The field-by-field mapping is in the crate docs, section "Vendor-neutral view".

use crate::{
    Client, ExtensionServiceState, FileList, FileListEntry, QueryRequest, QueryResponse,
    RecordingMode, VENDOR, WebRecordingFile, endpoints,
};
use futures::StreamExt as _;
use record_core::{
    Capabilities, Error, ErrorKind, ListFilter, RawCode, Recording, RecordingFile, RecordingQuery,
    RecordingStream, TaskRef, ToRecording, UnixMillis, Vendor, VendorStatus,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the Agora `query` API supports through [`RecordingQuery`]: getting one session by
/// its ids only (no listing), at the documented 10 requests per second; an HTTP 404 means
/// the session has ended (or failed to start), so the waiter reports it as
/// [`RecordingState::Gone`](record_core::RecordingState::Gone). No fixed query horizon: the
/// API answers only while the session is active.
pub const CAPABILITIES: Capabilities = Capabilities {
    get: true,
    list: false,
    list_by_room: false,
    list_requires_room: false,
    list_requires_status: false,
    list_max_window: None,
    list_max_page_size: None,
    query_horizon: None,
    rate_limit_per_sec: endpoints::QUERY.rate_limit_per_sec,
    not_found_means_gone: true,
    control: record_core::ControlCapabilities::NONE,
};

impl ToRecording for QueryResponse {
    /// The vendor-neutral view of this answer for the session `task`
    /// (`TaskRef::Agora`): the App ID and the mode come from `task`; the resource ID and
    /// the sid are the answer's `resourceId` and `sid`, or `task`'s when the answer lacks
    /// them (or sends them empty). See the [crate docs](crate#vendor-neutral-view) for the
    /// mapping of every field.
    ///
    /// ```
    /// use agora_record::{QueryResponse, TaskRef, ToRecording as _};
    /// use record_core::{RawCode, RecordingState, UnixMillis};
    /// let body = r#"{"resourceId": "res", "sid": "sid", "serverResponse": {"status": 5,
    ///     "fileListMode": "string", "fileList": "sid_room.m3u8", "sliceStartTime": 1606357122528}}"#;
    /// let resp: QueryResponse = serde_json::from_str(body)?;
    /// let task = TaskRef::Agora {
    ///     app_id: "app".into(),
    ///     resource_id: "res".into(),
    ///     sid: "sid".into(),
    ///     mode: "mix".into(),
    ///     cname: Some("room".into()),
    ///     uid: Some("527841".into()),
    /// };
    /// let rec = resp.to_recording(&task)?;
    /// assert_eq!(rec.task, task);
    /// assert_eq!(rec.state, RecordingState::Recording);
    /// assert_eq!(rec.vendor_status.code, RawCode::Int(5));
    /// assert_eq!(rec.started_at, Some(UnixMillis(1_606_357_122_528)));
    /// assert_eq!(rec.files[0].name, "sid_room.m3u8");
    /// assert_eq!(rec.files[0].format.as_deref(), Some("m3u8"));
    /// assert_eq!(rec.raw_as::<QueryResponse>(), Some(&resp));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] naming `task` when `task` is another vendor's, `appid`
    /// when its App ID is empty, or `mode` when its mode is not one of the documented modes
    /// (`individual`, `mix`, `web`); [`ErrorKind::Decode`] when neither the answer nor
    /// `task` gives a `resourceId` or a `sid`.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Agora {
            app_id,
            resource_id,
            sid,
            mode,
            cname,
            uid,
        } = task
        else {
            return Err(record_core::wrong_vendor(VENDOR, task));
        };
        if app_id.is_empty() {
            return Err(Error::invalid_parameter("appid", "must not be empty").with_vendor(VENDOR));
        }
        if RecordingMode::from_raw(mode).is_unknown() {
            return Err(Error::invalid_parameter(
                "mode",
                format!("must be one of individual, mix, web, got {mode}"),
            )
            .with_vendor(VENDOR));
        }
        let resource_id = non_empty(self.resource_id.as_deref())
            .or(non_empty(Some(resource_id)))
            .ok_or_else(|| missing_id("resourceId"))?;
        let sid = non_empty(self.sid.as_deref())
            .or(non_empty(Some(sid)))
            .ok_or_else(|| missing_id("sid"))?;
        Ok(self.recording(TaskRef::Agora {
            app_id: app_id.clone(),
            resource_id: resource_id.to_owned(),
            sid: sid.to_owned(),
            mode: mode.clone(),
            cname: cname.clone(),
            uid: uid.clone(),
        }))
    }
}

impl QueryResponse {
    /// The conversion itself, for the complete `task`.
    fn recording(&self, task: TaskRef) -> Recording {
        let server = &self.server_response;
        let vendor_status = match server.status {
            Some(status) => VendorStatus {
                code: RawCode::Int(status.raw()),
                meaning: status.meaning().to_owned(),
            },
            None => VendorStatus::absent(),
        };
        let mut files = Vec::new();
        if let Some(list) = &server.file_list {
            push_file_list(&mut files, list);
        }
        for service in server
            .extension_service_state
            .as_deref()
            .unwrap_or_default()
        {
            push_web_files(&mut files, service);
        }
        let started_at = std::iter::once(server.slice_start_time)
            .chain(file_list_times(server.file_list.as_ref()))
            .chain(web_file_times(
                server
                    .extension_service_state
                    .as_deref()
                    .unwrap_or_default(),
            ))
            .filter_map(positive)
            .min();
        Recording {
            vendor: Vendor::Agora,
            task,
            state: self.recording_state(),
            vendor_status,
            started_at,
            // The query API reports no end time; once the session ends it answers 404.
            ended_at: None,
            stop_reason: None,
            files,
            raw: Arc::new(self.clone()),
        }
    }
}

/// `Some(s)` unless `s` is missing or empty.
fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// The error for an answer without `field`, which `to_recording` needs.
fn missing_id(field: &'static str) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("neither the answer nor the task reference gives a `{field}`"),
    )
    .with_vendor(VENDOR)
}

/// A time only when it is after the Unix epoch (0 is the vendor page's placeholder).
fn positive(t: Option<UnixMillis>) -> Option<UnixMillis> {
    t.filter(|t| t.0 > 0)
}

/// The `sliceStartTime` of each entry of an array `fileList`.
fn file_list_times(list: Option<&FileList>) -> impl Iterator<Item = Option<UnixMillis>> + '_ {
    list.and_then(FileList::as_entries)
        .unwrap_or_default()
        .iter()
        .map(|e| e.slice_start_time)
}

/// The `sliceStartTime` of each web-recorded file.
fn web_file_times(
    services: &[ExtensionServiceState],
) -> impl Iterator<Item = Option<UnixMillis>> + '_ {
    services
        .iter()
        .filter_map(|s| s.payload.as_ref())
        .flat_map(|p| p.file_list.as_deref().unwrap_or_default())
        .map(|f| f.slice_start_time)
}

/// The files of `serverResponse.fileList`, in order. An empty M3U8 name names no file.
fn push_file_list(files: &mut Vec<RecordingFile>, list: &FileList) {
    match list {
        FileList::M3u8(name) => {
            if !name.is_empty() {
                files.push(RecordingFile {
                    name: name.clone(),
                    // Documented as the M3U8 file name (`fileListMode` "string").
                    format: RecordingFile::format_from_name(name)
                        .or_else(|| Some("m3u8".to_owned())),
                    ..RecordingFile::default()
                });
            }
        }
        FileList::Entries(entries) => files.extend(entries.iter().map(entry_file)),
    }
}

/// One entry of an array `fileList`.
fn entry_file(entry: &FileListEntry) -> RecordingFile {
    let name = entry.file_name.clone().unwrap_or_default();
    let mut extra = BTreeMap::new();
    if let Some(t) = &entry.track_type {
        extra.insert("trackType".to_owned(), t.raw().into());
    }
    if let Some(uid) = &entry.uid {
        extra.insert("uid".to_owned(), uid.as_str().into());
    }
    if let Some(b) = entry.mixed_all_user {
        extra.insert("mixedAllUser".to_owned(), b.into());
    }
    if let Some(b) = entry.is_playable {
        extra.insert("isPlayable".to_owned(), b.into());
    }
    RecordingFile {
        format: RecordingFile::format_from_name(&name),
        name,
        started_at: positive(entry.slice_start_time),
        extra,
        ..RecordingFile::default()
    }
}

/// The files a web-mode extension service lists in `payload.fileList`.
fn push_web_files(files: &mut Vec<RecordingFile>, service: &ExtensionServiceState) {
    let Some(list) = service
        .payload
        .as_ref()
        .and_then(|p| p.file_list.as_deref())
    else {
        return;
    };
    files.extend(list.iter().map(|f| web_file(f, service)));
}

/// One web-recorded file.
fn web_file(file: &WebRecordingFile, service: &ExtensionServiceState) -> RecordingFile {
    let name = file.filename.clone().unwrap_or_default();
    let mut extra = BTreeMap::new();
    if let Some(s) = &service.service_name {
        extra.insert("serviceName".to_owned(), s.raw().into());
    }
    RecordingFile {
        format: RecordingFile::format_from_name(&name),
        name,
        started_at: positive(file.slice_start_time),
        extra,
        ..RecordingFile::default()
    }
}

#[async_trait::async_trait]
impl RecordingQuery for Client {
    fn vendor(&self) -> Vendor {
        VENDOR
    }

    /// [`CAPABILITIES`]: get only, 10 requests per second, HTTP 404 means gone.
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    /// Queries the session `task` names ([`TaskRef::Agora`]; its `mode` must be
    /// `individual`, `mix` or `web`) and converts the answer with
    /// [`QueryResponse::to_recording`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] for a task of another vendor (parameter `task`), an
    /// empty id (`appid`, `resourceid`, `sid`) or an undocumented mode (`mode`), before
    /// anything is sent; otherwise [`Client::query`]'s errors ([`ErrorKind::NotFound`] on
    /// HTTP 404, when the session has ended).
    async fn get(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::Agora {
            app_id,
            resource_id,
            sid,
            mode,
            ..
        } = task
        else {
            return Err(record_core::wrong_vendor(VENDOR, task));
        };
        let request = QueryRequest::builder()
            .appid(app_id.as_str())
            .resourceid(resource_id.as_str())
            .sid(sid.as_str())
            .mode(RecordingMode::from_raw(mode))
            .build()?;
        let response = self.query(&request).await?;
        response.to_recording(task)
    }

    /// Agora cannot list recordings: the stream yields one [`ErrorKind::Unsupported`]
    /// error and ends, without sending anything.
    fn list(&self, _filter: &ListFilter) -> RecordingStream<'_> {
        let err = record_core::unsupported(
            VENDOR,
            "listing recordings (its query API reads one session by its resource ID and sid)",
        );
        futures::stream::iter([Err(err)]).boxed()
    }
}

/// Nothing yet: this crate does not send Agora's acquire, start, update, updateLayout and
/// stop yet, so every control operation is `Unsupported` (the trait's defaults) and nothing
/// is sent.
impl record_core::RecordingControl for Client {}

#[cfg(test)]
mod tests {
    use record_core::RecordingFile;

    #[test]
    fn formats_come_from_plausible_extensions() {
        let cases = [
            ("a.m3u8", Some("m3u8")),
            ("dir/a_0.MP4", Some("mp4")),
            ("a.b.aac", Some("aac")),
            ("x.m3u8/readme", None),
            (".hidden", None),
            ("no_extension", None),
            ("trailing.", None),
            ("录制产生的 M3U8 文件和 MP4 文件的文件名。", None),
            ("a.not-an-ext", None),
            ("a.toolongextension", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(
                RecordingFile::format_from_name(name).as_deref(),
                want,
                "{name}"
            );
        }
    }
}
