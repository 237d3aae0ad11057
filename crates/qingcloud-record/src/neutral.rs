//! The vendor-neutral view of QingCloud recordings: [`RecordingInfo::to_recording`]
//! ([`ToRecording`]), [`ListRecordingsResponse::to_recordings`] ([`ToRecordings`]) and
//! `impl RecordingQuery for Client`.
//!
//! The mapping is documented on [`RecordingInfo::to_recording`].

use crate::{
    Client, ListRecordingsRequest, ListRecordingsResponse, RecordingInfo, RecordingStatus, VENDOR,
    endpoints,
};
use futures::stream::{self, StreamExt as _, TryStreamExt as _};
use record_core::{
    Capabilities, Error, ErrorKind, ListFilter, RawCode, Recording, RecordingFile, RecordingQuery,
    RecordingState, RecordingStream, TaskRef, TimeWindow, ToRecording, ToRecordings, UnixMillis,
    Vendor, VendorStatus,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The UTC offset, in hours, assumed for `created` and `updated` (`YYYY-MM-DD HH:MM:SS`).
///
/// QingCloud does not state the time zone of these strings (vendor-facts §2.3); China
/// Standard Time (+08:00) is inferred, as QingCloud is a Beijing-based cloud whose
/// documented zones are Chinese (`pek3b`). The raw strings stay in [`Recording::raw`].
pub const LOCAL_TIME_OFFSET_HOURS: i8 = 8;

/// The longest window QingCloud lists: "最大查询时间为 24 小时", `from_hour` ≤ 24
/// (spec: `query_window = "24 hours"`, `from_hour` 0..=24).
pub const LIST_MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The largest page QingCloud serves: `limit` "最大不能超过 100" (spec: `limit` 1..=100).
pub const LIST_MAX_PAGE_SIZE: u32 = 100;

/// The widest window in hours before now (`from_hour`), used by `get` and by `list`
/// without a window.
const MAX_HOURS: u32 = 24;

const HOUR_MS: i128 = 3_600_000;

/// Reads a `created`/`updated` time (`YYYY-MM-DD HH:MM:SS`, exactly the documented shape)
/// as a time at UTC+08:00 ([`LOCAL_TIME_OFFSET_HOURS`]) and returns it in UTC milliseconds.
/// `None` for any other text or an impossible date.
///
/// ```
/// use qingcloud_record::parse_local_time;
/// use record_core::UnixMillis;
/// // 2021-11-18 14:56:43 +08:00 = 2021-11-18T06:56:43Z
/// assert_eq!(parse_local_time("2021-11-18 14:56:43"), Some(UnixMillis(1_637_218_603_000)));
/// assert_eq!(parse_local_time("2021-02-30 00:00:00"), None);
/// assert_eq!(parse_local_time("yesterday"), None);
/// ```
pub fn parse_local_time(text: &str) -> Option<UnixMillis> {
    let b = text.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let digits = b.get(from..to)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(5, 7)?).ok()?).ok()?;
    let day = u8::try_from(num(8, 10)?).ok()?;
    let hour = u8::try_from(num(11, 13)?).ok()?;
    let minute = u8::try_from(num(14, 16)?).ok()?;
    let second = u8::try_from(num(17, 19)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let clock = time::Time::from_hms(hour, minute, second).ok()?;
    let offset = time::UtcOffset::from_hms(LOCAL_TIME_OFFSET_HOURS, 0, 0).ok()?;
    let seconds = time::PrimitiveDateTime::new(date, clock)
        .assume_offset(offset)
        .unix_timestamp();
    seconds.checked_mul(1000).map(UnixMillis)
}

impl RecordingStatus {
    /// The vendor status of the neutral view: the raw code and the documented meaning
    /// (`"undocumented value"` for [`RecordingStatus::Unknown`], which keeps its code).
    pub fn vendor_status(&self) -> VendorStatus {
        VendorStatus {
            code: RawCode::Int(self.raw()),
            meaning: self.meaning().to_owned(),
        }
    }

    /// Why the recording stopped, when this status says. QingCloud has no stop-reason
    /// field; three of its status names say why: `code` is that name (`Stopping` for 4,
    /// stopped manually; `AutoStopping` for 5, stopped automatically; `RecordProcessCored`
    /// for 30, 31 and 32, the recording process crashed) and `meaning` what the
    /// documentation says about the stop (录制已手动停止, 录制已自动停止, 录制进程崩溃).
    /// The raw status itself is [`RecordingStatus::vendor_status`]. `None` for every other
    /// status, which says nothing about why the recording ended.
    pub fn stop_reason(&self) -> Option<VendorStatus> {
        let (code, meaning) = match self {
            Self::Stopping => ("Stopping", "recording stopped manually"),
            Self::AutoStopping => ("AutoStopping", "recording stopped automatically"),
            Self::RecordProcessCored
            | Self::RecordProcessCoredRepairSuccess
            | Self::RecordProcessCoredRepairFailed => {
                ("RecordProcessCored", "recording process crashed")
            }
            _ => return None,
        };
        Some(VendorStatus {
            code: RawCode::Text(code.to_owned()),
            meaning: meaning.to_owned(),
        })
    }
}

impl RecordingInfo {
    /// The neutral state: the spec's `base_state()` of `status` (QingCloud documents no
    /// refinement), [`RecordingState::Unknown`] when `status` is absent.
    pub fn recording_state(&self) -> RecordingState {
        self.status
            .map_or(RecordingState::Unknown, |s| s.base_state())
    }

    /// `created` in UTC milliseconds, read as +08:00 (see [`parse_local_time`]).
    pub fn created_at(&self) -> Option<UnixMillis> {
        self.created.as_deref().and_then(parse_local_time)
    }

    /// `updated` in UTC milliseconds, read as +08:00 (see [`parse_local_time`]).
    pub fn updated_at(&self) -> Option<UnixMillis> {
        self.updated.as_deref().and_then(parse_local_time)
    }

    /// The conversion, for the request's `app_id` and `channel`.
    fn recording(&self, app_id: &str, channel: &str) -> Recording {
        let state = self.recording_state();
        let vendor_status = match self.status {
            Some(status) => status.vendor_status(),
            None => VendorStatus {
                code: RawCode::Text(String::new()),
                meaning: "no status in the response".to_owned(),
            },
        };
        let ended_at = if state.is_terminal() {
            self.updated_at()
        } else {
            None
        };
        Recording {
            vendor: Vendor::QingCloud,
            task: TaskRef::QingCloud {
                app_id: app_id.to_owned(),
                channel: channel.to_owned(),
                record_id: Some(self.id.to_string()),
            },
            state,
            vendor_status,
            started_at: self.created_at(),
            ended_at,
            stop_reason: self.status.and_then(|s| s.stop_reason()),
            files: self.storage_entry().into_iter().collect(),
            raw: Arc::new(self.clone()),
        }
    }

    /// The one [`RecordingFile`] that describes where the recording is stored (see
    /// [`RecordingInfo::to_recording`]); `None` when the item has no storage field.
    fn storage_entry(&self) -> Option<RecordingFile> {
        if self.rec_path.is_none() && self.rec_bucket.is_none() && self.size.is_none() {
            return None;
        }
        let name = self.rec_path.clone().unwrap_or_default();
        let mut extra = BTreeMap::new();
        let text = |v: &String| serde_json::Value::String(v.clone());
        if let Some(v) = &self.rec_bucket {
            extra.insert("rec_bucket".to_owned(), text(v));
        }
        if let Some(v) = &self.rec_zone {
            extra.insert("rec_zone".to_owned(), text(v));
        }
        if let Some(v) = self.is_mix {
            extra.insert("is_mix".to_owned(), serde_json::Value::from(v));
        }
        if let Some(v) = &self.acc_key_id {
            extra.insert("acc_key_id".to_owned(), text(v));
        }
        if let Some(v) = self.url_prefix.as_ref().filter(|v| !v.is_empty()) {
            extra.insert("url_prefix".to_owned(), text(v));
        }
        if let Some(v) = self.files.as_ref().filter(|v| !v.is_empty()) {
            extra.insert("files".to_owned(), text(v));
        }
        Some(RecordingFile {
            format: RecordingFile::format_from_name(&name),
            name,
            url: None,
            size_bytes: self.size,
            duration: None,
            started_at: None,
            state: None,
            warning: None,
            extra,
        })
    }
}

impl ToRecording for RecordingInfo {
    /// The vendor-neutral view of this task, for `task` = `TaskRef::QingCloud { app_id,
    /// channel, .. }` of the request that listed it (the item may not repeat them); the
    /// record id is the item's `id`.
    ///
    /// # Mapping (`recinfos[]` item → [`Recording`])
    ///
    /// | QingCloud | neutral |
    /// |---|---|
    /// | request `app_id`, `channel`, item `id` | `task`: `TaskRef::QingCloud { app_id, channel, record_id: Some(id) }` |
    /// | `status` | `state` (the spec's `base_state()`; QingCloud has no refinement), `vendor_status` (raw code and documented meaning) |
    /// | `created` | `started_at` (read as +08:00, see [`parse_local_time`]) |
    /// | `updated` | `ended_at`, only once the state is terminal (`completed`/`failed`) |
    /// | `status` 4, 5, 30, 31, 32 | `stop_reason` ([`RecordingStatus::stop_reason`]): code `Stopping` (stopped manually), `AutoStopping` (stopped automatically), `RecordProcessCored` (process crashed), with that meaning |
    /// | `rec_path`, `size`, `rec_bucket`, `rec_zone`, `is_mix`, `acc_key_id`, `url_prefix`, `files` | one entry of `files` (see below) |
    /// | the whole item | `raw` (a [`RecordingInfo`]) |
    ///
    /// QingCloud lists no individual files: `files` and `url_prefix` are documented as unused
    /// (暂未使用). What it documents per recording is where the recording is stored (bucket
    /// `rec_bucket` in zone `rec_zone`, key prefix `rec_path`), the size of the recorded file(s)
    /// (`size`, bytes inferred) and whether it is a mixed recording (`is_mix`). When an item has
    /// any of `rec_path`, `rec_bucket` or `size`, [`RecordingInfo::to_recording`] reports them as
    /// ONE [`RecordingFile`]: `name` = `rec_path` (a key prefix, not a file name), `size_bytes` =
    /// `size`, `format` from the extension of the name (none for a prefix such as
    /// `CloudRecordMedia/`), no `url`, no per-file `state` (QingCloud has no file status), and
    /// `extra` = `rec_bucket`, `rec_zone`, `is_mix` (raw integer), `acc_key_id` and, when not
    /// empty, `url_prefix` and `files`. Everything else (`project_id`, `pid`, `host`, the raw
    /// `created`/`updated` strings, the item's own `app_id`/`channel`) stays in `raw`.
    ///
    /// ```
    /// use qingcloud_record::{RecordingInfo, TaskRef, ToRecording as _};
    /// use record_core::{RecordingState, UnixMillis};
    /// let item: RecordingInfo = serde_json::from_str(
    ///     r#"{"id":40,"status":10,"size":52428800,"is_mix":0,"rec_bucket":"b",
    ///         "rec_path":"CloudRecordMedia/","created":"2021-11-18 14:56:43",
    ///         "updated":"2021-11-18 15:32:10"}"#,
    /// )?;
    /// let task = TaskRef::QingCloud {
    ///     app_id: "app".into(),
    ///     channel: "channel".into(),
    ///     record_id: None,
    /// };
    /// let recording = item.to_recording(&task)?;
    /// assert_eq!(recording.state, RecordingState::Completed);
    /// assert_eq!(recording.started_at, Some(UnixMillis(1_637_218_603_000)));
    /// assert_eq!(recording.ended_at, Some(UnixMillis(1_637_220_730_000)));
    /// assert_eq!(recording.files[0].name, "CloudRecordMedia/");
    /// assert_eq!(recording.files[0].size_bytes, Some(52_428_800));
    /// assert_eq!(recording.raw_as::<RecordingInfo>(), Some(&item));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] (parameter `task`) for a task of another vendor.
    fn to_recording(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::QingCloud {
            app_id, channel, ..
        } = task
        else {
            return Err(record_core::wrong_vendor(VENDOR, task));
        };
        Ok(self.recording(app_id, channel))
    }
}

impl ToRecordings for ListRecordingsResponse {
    type Request = ListRecordingsRequest;

    /// The vendor-neutral view of every task of this page (`recinfos`, in order; none when
    /// `recinfos` is absent or null), for the `app_id` and `channel` of `request`.
    fn to_recordings(&self, request: &ListRecordingsRequest) -> Result<Vec<Recording>, Error> {
        Ok(self
            .recinfos
            .iter()
            .flatten()
            .map(|item| item.recording(request.app_id(), request.channel()))
            .collect())
    }
}

/// `from_hour`/`to_hour` (hours before `now`) covering `window`, rounded outward to whole
/// hours (`from_hour` up, `to_hour` down, neither below 0).
///
/// # Errors
/// [`ErrorKind::InvalidRequest`] (parameter `window`) when the window ends before it
/// starts or starts more than 24 hours before now.
pub(crate) fn window_to_hours(window: TimeWindow, now: UnixMillis) -> Result<(u32, u32), Error> {
    if window.end < window.start {
        return Err(Error::invalid_parameter(
            "window",
            format!(
                "ends ({} ms) before it starts ({} ms)",
                window.end.0, window.start.0
            ),
        )
        .with_vendor(VENDOR));
    }
    let before_now = |t: UnixMillis| i128::from(now.0) - i128::from(t.0);
    let from = before_now(window.start);
    // Ceiling division for the start, floor division for the end: rounded outward.
    let from_hour = (from + HOUR_MS - 1).div_euclid(HOUR_MS).max(0);
    let to_hour = before_now(window.end).div_euclid(HOUR_MS).max(0);
    if from_hour > i128::from(MAX_HOURS) {
        return Err(Error::invalid_parameter(
            "window",
            format!(
                "QingCloud lists only recordings of the last {MAX_HOURS} hours, but the window \
                 starts {from} ms ({from_hour} whole hours, rounded up) before now"
            ),
        )
        .with_vendor(VENDOR));
    }
    // Both are in 0..=24 here (to_hour <= from_hour because end >= start).
    let from_hour = u32::try_from(from_hour).unwrap_or(MAX_HOURS);
    let to_hour = u32::try_from(to_hour).unwrap_or(0).min(from_hour);
    Ok((from_hour, to_hour))
}

/// The newer of two tasks: later `created`, then the larger `id`.
fn newer(a: RecordingInfo, b: RecordingInfo) -> RecordingInfo {
    if (b.created_at(), b.id) > (a.created_at(), a.id) {
        b
    } else {
        a
    }
}

impl Client {
    /// The request `list` sends for `filter` (first page).
    fn list_request(
        &self,
        filter: &ListFilter,
    ) -> Result<(ListRecordingsRequest, String, String), Error> {
        let Some(app_id) = filter.app_id.clone() else {
            return Err(Error::invalid_parameter(
                "app_id",
                "is required: QingCloud lists the recordings of one channel of one app",
            )
            .with_vendor(VENDOR));
        };
        let Some(channel) = filter.room.clone() else {
            return Err(Error::invalid_parameter(
                "room",
                "is required (QingCloud `channel`): QingCloud lists the recordings of one \
                 channel of one app",
            )
            .with_vendor(VENDOR));
        };
        if filter.status.is_some() {
            return Err(record_core::unsupported(
                VENDOR,
                "filtering by status (GET /v1/cloudRecord has no status parameter)",
            ));
        }
        let (from_hour, to_hour) = match filter.window {
            Some(window) => window_to_hours(window, self.clock().now())?,
            None => (MAX_HOURS, 0),
        };
        let mut builder = ListRecordingsRequest::builder()
            .app_id(app_id.clone())
            .channel(channel.clone())
            .from_hour(from_hour)
            .to_hour(to_hour)
            .offset(0);
        if let Some(size) = filter.page_size {
            builder = builder.limit(size);
        }
        let request = builder.build_with_clock(self.clock())?;
        Ok((request, app_id, channel))
    }
}

#[async_trait::async_trait]
impl RecordingQuery for Client {
    fn vendor(&self) -> Vendor {
        VENDOR
    }

    /// Get and list; listing needs `app_id` and `room` (the channel), cannot filter by
    /// status, covers at most the last 24 hours, 100 per page; no documented rate limit.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            get: true,
            list: true,
            list_by_room: true,
            list_requires_room: true,
            list_requires_status: false,
            list_max_window: Some(LIST_MAX_WINDOW),
            list_max_page_size: Some(LIST_MAX_PAGE_SIZE),
            query_horizon: Some(LIST_MAX_WINDOW),
            rate_limit_per_sec: endpoints::LIST_RECORDINGS.rate_limit_per_sec,
            not_found_means_gone: false,
            control: record_core::ControlCapabilities::NONE,
        }
    }

    /// Lists the channel over the widest window (the last 24 hours, 100 per page) and
    /// returns the task whose `id` is `record_id`, or the most recent one (latest
    /// `created`, then largest `id`) when `record_id` is `None`. Pages are fetched only
    /// until the task is found.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] for a task of another vendor, an empty `app_id` or
    /// `channel`, or a `record_id` that is not an integer; [`ErrorKind::NotFound`] when no
    /// such task was started in the last 24 hours; otherwise the client's errors.
    async fn get(&self, task: &TaskRef) -> Result<Recording, Error> {
        let TaskRef::QingCloud {
            app_id,
            channel,
            record_id,
        } = task
        else {
            return Err(record_core::wrong_vendor(VENDOR, task));
        };
        let wanted = match record_id {
            Some(id) => Some(id.parse::<i64>().map_err(|_| {
                Error::invalid_parameter(
                    "record_id",
                    format!("must be an integer (QingCloud `recinfos[].id`), got {id:?}"),
                )
                .with_vendor(VENDOR)
            })?),
            None => None,
        };
        let request = ListRecordingsRequest::builder()
            .app_id(app_id.clone())
            .channel(channel.clone())
            .from_hour(MAX_HOURS)
            .to_hour(0)
            .offset(0)
            .limit(LIST_MAX_PAGE_SIZE)
            .build_with_clock(self.clock())?;
        let mut items = self.list_recordings_stream(request);
        let mut latest: Option<RecordingInfo> = None;
        while let Some(item) = items.try_next().await? {
            match wanted {
                Some(id) if item.id == id => return Ok(item.recording(app_id, channel)),
                Some(_) => {}
                None => {
                    latest = Some(match latest {
                        Some(previous) => newer(previous, item),
                        None => item,
                    });
                }
            }
        }
        match latest {
            Some(item) => Ok(item.recording(app_id, channel)),
            None => Err(Error::new(
                ErrorKind::NotFound,
                format!("no recording {task} among the recordings of the last {MAX_HOURS} hours"),
            )
            .with_vendor(VENDOR)
            .with_action(endpoints::LIST_RECORDINGS.name)),
        }
    }

    /// Lists the recordings of one channel, lazily, page by page (`offset`/`limit`).
    ///
    /// `filter.app_id` and `filter.room` (the channel) are required. `filter.window` becomes
    /// `from_hour`/`to_hour`, hours before now on the client's clock, rounded outward to
    /// whole hours (so recordings up to an hour outside the window can be listed); it may
    /// start at most 24 hours before now. Without a window the last 24 hours are listed.
    /// `filter.page_size` becomes `limit` (1..=100; QingCloud's default 20 when `None`).
    /// `filter.status` is refused: QingCloud cannot filter by status, and this SDK does
    /// not filter client-side. Any refusal is the stream's only item, an
    /// [`ErrorKind::InvalidRequest`] error.
    fn list(&self, filter: &ListFilter) -> RecordingStream<'_> {
        match self.list_request(filter) {
            Ok((request, app_id, channel)) => self
                .list_recordings_stream(request)
                .map_ok(move |item| item.recording(&app_id, &channel))
                .boxed(),
            Err(err) => stream::once(async move { Err(err) }).boxed(),
        }
    }
}

/// Nothing: QingCloud publishes no API to start, stop, pause or update an RTC recording
/// (only the query `GET /v1/cloudRecord`), so every control operation is `Unsupported` (the
/// trait's defaults) and nothing is sent.
impl record_core::RecordingControl for Client {}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixMillis = UnixMillis(1_637_218_603_000);
    const H: i64 = 3_600_000;

    fn window(start_before: i64, end_before: i64) -> TimeWindow {
        TimeWindow {
            start: UnixMillis(NOW.0 - start_before),
            end: UnixMillis(NOW.0 - end_before),
        }
    }

    #[test]
    fn window_rounds_outward() -> Result<(), Error> {
        assert_eq!(window_to_hours(window(3 * H, 0), NOW)?, (3, 0));
        assert_eq!(window_to_hours(window(3 * H + 1, H - 1), NOW)?, (4, 0));
        assert_eq!(window_to_hours(window(5 * H - 1, 2 * H + 1), NOW)?, (5, 2));
        assert_eq!(window_to_hours(window(24 * H, 23 * H), NOW)?, (24, 23));
        // End in the future: up to now.
        assert_eq!(window_to_hours(window(H, -H), NOW)?, (1, 0));
        // Entirely in the future: an empty window at now.
        assert_eq!(window_to_hours(window(-H, -2 * H), NOW)?, (0, 0));
        Ok(())
    }

    #[test]
    fn window_refusals() {
        let too_old = window_to_hours(window(24 * H + 1, 0), NOW);
        assert_eq!(
            too_old
                .err()
                .and_then(|e| e.parameter().map(str::to_owned))
                .as_deref(),
            Some("window")
        );
        let reversed = window_to_hours(window(H, 2 * H), NOW);
        assert_eq!(
            reversed.err().map(|e| e.kind()),
            Some(ErrorKind::InvalidRequest)
        );
        let extreme = window_to_hours(
            TimeWindow {
                start: UnixMillis(i64::MIN),
                end: UnixMillis(i64::MAX),
            },
            UnixMillis(i64::MAX),
        );
        assert!(extreme.is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(RecordingFile::format_from_name("CloudRecordMedia/"), None);
        assert_eq!(
            RecordingFile::format_from_name("a/b.MP4").as_deref(),
            Some("mp4")
        );
        assert_eq!(RecordingFile::format_from_name("a.b/c"), None);
        assert_eq!(RecordingFile::format_from_name(".hidden"), None);
        assert_eq!(
            RecordingFile::format_from_name("x.m3u8").as_deref(),
            Some("m3u8")
        );
    }

    #[test]
    fn local_times() {
        assert_eq!(parse_local_time("1970-01-01 08:00:00"), Some(UnixMillis(0)));
        assert_eq!(
            parse_local_time("2024-02-29 23:59:59"),
            Some(UnixMillis(1_709_222_399_000))
        );
        for bad in [
            "",
            "2021-11-18T14:56:43",
            "2021-11-18 14:56:43Z",
            "2021-13-18 14:56:43",
            "2021-11-18 24:00:00",
            "2021-11-18 14:60:00",
            "+021-11-18 14:56:43",
            "２０２1-11-18 14:56",
        ] {
            assert_eq!(parse_local_time(bad), None, "{bad}");
        }
    }
}
